//! The web view on the seed corpus: how long each page and API answer takes, a request at a
//! time over a fresh connection (the server opens the ledger for each one), beside the CLI's
//! answer to the same question measured in the same run — the process a terminal user waits
//! for. The bar is 200 ms a page on the seeds.
//!
//! Run: `cargo bench --bench web` (a minute). The same pages at 100k events are in
//! `cargo bench --bench scale`.

#[path = "common/server.rs"]
mod server;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use planledger::web::href::encode;
use server::Server;

fn ms(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

/// The median wall time of `runs` runs of the CLI (after one warm-up).
fn cli(store: &Path, args: &[&str], runs: usize) -> Duration {
    let run = || {
        let start = Instant::now();
        let status = Command::new(env!("CARGO_BIN_EXE_planledger"))
            .arg("--store")
            .arg(store)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("planledger runs");
        assert!(status.success(), "planledger {args:?} fails");
        start.elapsed()
    };
    run();
    let mut times: Vec<Duration> = (0..runs).map(|_| run()).collect();
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let scratch = tempfile::tempdir().expect("a scratch folder");
    let store = scratch.path().join("ledger");
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let ingest = Command::new(env!("CARGO_BIN_EXE_planledger"))
        .arg("--store")
        .arg(&store)
        .arg("ingest")
        .arg(&seeds)
        .stdout(Stdio::null())
        .status()
        .expect("planledger ingests the seeds");
    assert!(ingest.success());
    let json = |args: &[&str]| -> serde_json::Value {
        let output = Command::new(env!("CARGO_BIN_EXE_planledger"))
            .arg("--store")
            .arg(&store)
            .args(args)
            .output()
            .expect("planledger runs");
        serde_json::from_slice(&output.stdout).expect("JSON")
    };
    let state = json(&["state", "--format", "json"]);
    let measure = state["measures"][0]["id"].as_str().unwrap().to_owned();
    let figure = state["targets"][0]["key"].as_str().unwrap().to_owned();
    let source = &state["measures"][0]["source"];
    let document = source["document"].as_str().unwrap().to_owned();
    let lines = format!("{}-{}", source["lines"][0], source["lines"][1]);
    let at = encode("第92回");

    let server = Server::start(&store);
    const RUNS: usize = 11;
    println!(
        "web view on the seed corpus (release build), {RUNS} requests each, fresh connection each"
    );
    println!("| page | min | median | max | CLI, same question (median) | page / CLI |");
    println!("|---|---|---|---|---|---|");
    let pages: Vec<(String, Option<Vec<&str>>)> = vec![
        ("/".into(), Some(vec!["meetings"])),
        (
            format!("/plan?at={at}"),
            Some(vec!["state", "--at", "第92回"]),
        ),
        (
            format!("/diff?since={at}"),
            Some(vec!["diff", "--since", "第92回", "--format", "html"]),
        ),
        (
            format!("/history/{measure}"),
            Some(vec!["history", &measure]),
        ),
        (format!("/history/{figure}"), Some(vec!["history", &figure])),
        (format!("/source/{document}?lines={lines}"), None),
        ("/event/0".into(), None),
        ("/integrity".into(), Some(vec!["checkpoint"])),
        (
            format!("/api/state?at={at}"),
            Some(vec!["state", "--at", "第92回", "--format", "json"]),
        ),
        (
            format!("/api/diff?since={at}"),
            Some(vec!["diff", "--since", "第92回", "--format", "json"]),
        ),
        (
            "/api/meetings".into(),
            Some(vec!["meetings", "--format", "json"]),
        ),
    ];
    let mut slowest = Duration::ZERO;
    for (path, cli_args) in &pages {
        let [min, median, max] = server.time(path, RUNS);
        slowest = slowest.max(median);
        let (baseline, ratio) = match cli_args {
            Some(args) => {
                let baseline = cli(&store, args, 5);
                (
                    format!("`{}` {}", args.join(" "), ms(baseline)),
                    format!("{:.2}", median.as_secs_f64() / baseline.as_secs_f64()),
                )
            }
            None => ("—".into(), "—".into()),
        };
        println!(
            "| `{path}` | {} | {} | {} | {baseline} | {ratio} |",
            ms(min),
            ms(median),
            ms(max)
        );
    }
    println!("\nslowest median: {} (the bar: 200 ms)", ms(slowest));
}
