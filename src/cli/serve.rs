//! `planledger serve`: the read-only web view for reviewers, and its JSON API.

use std::net::SocketAddr;

use anyhow::{Context as _, Result};

use super::{Context, Outcome};
use planledger::web::{serve, App};

/// Serve a read-only web view of the ledger (meetings, the plan, the 新旧対照表, histories,
/// sources, integrity) and its JSON API, until interrupted (Ctrl-C).
///
/// The ledger is opened for each request and closed when it is answered, so `planledger ingest`
/// can run beside the server; the next page shows what it appended.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on. The default answers this machine only; port 0 picks a free port
    /// (the address is printed).
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
}

pub fn run(context: &Context, args: &ServeArgs) -> Result<Outcome> {
    // Refuse a missing ledger now rather than on every page.
    drop(context.answering_store()?);
    let listener = std::net::TcpListener::bind(args.addr)
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    listener.set_nonblocking(true)?;
    let bound = listener.local_addr()?;
    if !bound.ip().is_loopback() {
        eprintln!("warning: {bound} is reachable from other machines; the view has no login");
    }
    super::print(&format!(
        "serving {} on http://{bound}/ (Ctrl-C stops)\n",
        context.store.display()
    ))?;
    let app = App::new(context.store.clone(), context.wait);
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?
        .block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener)?;
            serve(listener, app, async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
        })?;
    Ok(Outcome::Success)
}
