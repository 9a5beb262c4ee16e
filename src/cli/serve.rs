//! `planledger serve`: the read-only web view for reviewers, and its JSON API.

use std::net::SocketAddr;

use anyhow::{Context as _, Result};

use super::{Context, Outcome};
use planledger::web::listen::Limits;
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
    /// Close a connection that sends or receives nothing for this long (never sent a byte,
    /// stopped half-way through a request, or kept alive after its answer).
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    idle_timeout: f64,
    /// The most connections open at once; at the cap the one quiet for longest is closed to
    /// make room.
    #[arg(long, value_name = "N", default_value_t = 256, value_parser = clap::value_parser!(u16).range(1..))]
    max_connections: u16,
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
    let idle = std::time::Duration::try_from_secs_f64(args.idle_timeout)
        .ok()
        .filter(|idle| !idle.is_zero())
        .with_context(|| {
            format!(
                "--idle-timeout {} is not a positive number of seconds",
                args.idle_timeout
            )
        })?;
    let limits = Limits {
        idle,
        header_read: idle.min(Limits::default().header_read),
        max_connections: usize::from(args.max_connections),
    };
    let app = App::new(context.store.clone(), context.wait);
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?
        .block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener)?;
            serve(listener, app, limits, async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
        })?;
    Ok(Outcome::Success)
}
