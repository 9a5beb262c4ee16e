//! Scale: what each command costs as the ledger grows, against the raw rates of the parts it is
//! built from, measured in the same run.
//!
//! A realistic corpus is generated from seed 000 (the 取組一覧): each version is the one before
//! with a few edits of the kind successive council documents show — measures reworded by a
//! character, actions reworded, a bullet added under a bureau and, once a version has grown, one dropped (carried out), the
//! meeting ordinal in the footers moved on — so each version is one more document of ~360 events. The versions are
//! ingested one by one; at each target size the bench runs the release `planledger` binary as
//! a user would (`ingest` of one more document, `state`, `state --at`, `diff`, `history`,
//! `meetings`, `checkpoint --at`, `verify`, `verify --deep`, `reindex` of a copy, `export` and `import`
//! of it, `log`, `prove` and `state --as-known-at` once each, and the web view's pages through
//! `serve`; `ingest` of one more document is timed again into a ledger holding only the
//! version before it, the same derivation with the ledger near-empty) and reports wall time and
//! peak memory of each process, store bytes per event, and —
//! over the same event bytes — the rates of a sled batch insert and scan and of a BLAKE3 chain
//! (the scan and the chain measured again just before each `verify` run, its share taken pair
//! by pair), and `git show`/`git diff` on the same versions when git is present. Ratios are to
//! those baselines.
//!
//! Run: `cargo bench --bench scale` (10k and 100k events; a few minutes), or
//! `cargo bench --bench scale -- --events 10000,100000,1000000` (about 20 minutes on 2 cores);
//! `--keep DIR` leaves the ledger in DIR for profiling; `--write FILE` writes the tables to FILE
//! and `--readme` puts them in README.md's scale section (never retyped).

mod common;
#[path = "common/server.rs"]
mod server;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use planledger::extract::extract;
use planledger::ingest::{ingest, IngestRequest};
use planledger::ledger::Store;
use planledger::source::manifest::{DocumentDescription, DocumentFormat};
use planledger::source::meeting::Meeting;

use common::seed_000;

const BODY: &str = "がん対策推進協議会";
const FIRST_ORDINAL: u32 = 92;
const FIXED_NOW: &str = "2026-01-01T00:00:00Z";

/// Same-width substitutions, so an edit never moves a line between the table's columns.
const REWORDINGS: &[(&str, &str)] = &[
    ("推進", "促進"),
    ("促進", "推進"),
    ("実施", "実行"),
    ("実行", "実施"),
    ("支援", "援助"),
    ("援助", "支援"),
    ("検討", "検証"),
    ("検証", "検討"),
];

/// A deterministic generator (splitmix64): the same corpus on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Successive versions of the 取組一覧, each the previous one edited.
struct Corpus {
    lines: Vec<String>,
    /// The seed's line count, which versions stay near.
    seed_lines: usize,
    rng: Rng,
    version: u32,
}

impl Corpus {
    fn from_seed(text: &str) -> Corpus {
        let lines: Vec<String> = text.lines().map(str::to_owned).collect();
        Corpus {
            seed_lines: lines.len(),
            lines,
            rng: Rng(0x5EED),
            version: 0,
        }
    }

    /// The next version's text (the first call gives the seed itself, re-labelled).
    fn next_version(&mut self) -> String {
        if self.version > 0 {
            self.edit();
        }
        self.version += 1;
        let ordinal = FIRST_ORDINAL + self.version - 1;
        let mut text = self
            .lines
            .join("\n")
            .replace(&format!("第{FIRST_ORDINAL}回"), &format!("第{ordinal}回"));
        text.push('\n');
        text
    }

    fn edit(&mut self) {
        let text = self.lines.join("\n");
        let version = extract(DocumentFormat::Torikumi, &text);
        let measures = &version.measures;
        // Two measures reworded by one word each.
        for _ in 0..2 {
            let measure = &measures[self.rng.below(measures.len())];
            self.reword(measure.lines.first);
        }
        let actions: Vec<_> = measures.iter().flat_map(|m| &m.actions).collect();
        // Five actions reworded.
        for _ in 0..5 {
            let action = actions[self.rng.below(actions.len())];
            self.reword(action.lines.first);
        }
        // One bullet added: a one-line action repeated, reworded, right under itself.
        let single: Vec<_> = actions
            .iter()
            .filter(|a| a.lines.first == a.lines.last)
            .collect();
        let mut inserted = None;
        if !single.is_empty() {
            let line = single[self.rng.below(single.len())].lines.first as usize;
            inserted = Some(line);
            let copy = self.lines[line - 1].clone();
            self.lines.insert(line, copy);
            self.reword(line as u32 + 1);
        }
        // One bullet dropped (carried out, or no longer planned) once the document has grown,
        // so versions stay the seed's size: a one-line action that is not its bureau's only
        // one in its column, so no bureau block is left empty. Lines are those before the
        // insertion above, so a dropped line after it moves down by one.
        if self.lines.len() > self.seed_lines + 2 {
            let droppable: Vec<u32> = measures
                .iter()
                .flat_map(|m| {
                    m.actions.iter().filter(|a| {
                        a.lines.first == a.lines.last
                            && m.actions.iter().any(|b| {
                                b.lines != a.lines && b.bureau == a.bureau && b.status == a.status
                            })
                    })
                })
                .map(|a| a.lines.first)
                .collect();
            if !droppable.is_empty() {
                let mut line = droppable[self.rng.below(droppable.len())] as usize;
                if inserted.is_some_and(|at| line > at) {
                    line += 1;
                }
                self.lines.remove(line - 1);
            }
        }
    }

    /// Rewords the first rewordable word of a (1-based) line.
    fn reword(&mut self, line: u32) {
        let Some(text) = self.lines.get_mut(line as usize - 1) else {
            return;
        };
        let start = self.rng.below(REWORDINGS.len());
        for offset in 0..REWORDINGS.len() {
            let (from, to) = REWORDINGS[(start + offset) % REWORDINGS.len()];
            if text.contains(from) {
                *text = text.replacen(from, to, 1);
                return;
            }
        }
    }
}

fn meeting(version: u32) -> Meeting {
    let first = time::macros::date!(2025 - 10 - 06);
    Meeting {
        body: Some(BODY.into()),
        ordinal: Some(FIRST_ORDINAL + version - 1),
        date: Some(first + time::Duration::days(14 * i64::from(version - 1))),
    }
}

fn request(folder: &Path, version: u32, text: &str) -> IngestRequest {
    let file = format!("v{version:05}.txt");
    let path = folder.join(&file);
    std::fs::write(&path, text).expect("the corpus folder is writable");
    IngestRequest {
        path,
        description: DocumentDescription {
            file,
            meeting: meeting(version),
            title: Some("取組一覧".into()),
            label: None,
            format: DocumentFormat::Torikumi,
            series: Some("取組一覧".into()),
            facts: Vec::new(),
        },
    }
}

/// Wall time and peak resident memory (sampled every 2 ms) of one run of the binary.
struct Run {
    wall: Duration,
    /// User + system time of the child (what it costs the machine, whatever its threads).
    cpu: Duration,
    peak_kib: i64,
    ok: bool,
}

/// User + system time of every child this process has waited for so far; one run's is the
/// difference across it (runs are one at a time).
fn children_cpu() -> Duration {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) } != 0 {
        return Duration::ZERO;
    }
    let of = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    of(usage.ru_utime) + of(usage.ru_stime)
}

fn run_binary(store: &Path, args: &[&str]) -> Run {
    let cpu_before = children_cpu();
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_planledger"))
        .arg("--store")
        .arg(store)
        .args(args)
        .env("PLANLEDGER_NOW", FIXED_NOW)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the planledger binary runs");
    // The kernel's high-water mark of the child's own memory (VmHWM, which starts afresh at
    // exec — unlike ru_maxrss, which inherits this bench's), sampled every 2 ms on a thread of
    // its own until the child exits: the wait itself returns as the child ends, so the wall
    // time has no polling interval in it.
    let status_file = format!("/proc/{}/status", child.id());
    let exited = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let exited = std::sync::Arc::clone(&exited);
        std::thread::spawn(move || {
            let mut peak_kib = 0;
            while !exited.load(std::sync::atomic::Ordering::Relaxed) {
                if let Some(kib) = std::fs::read_to_string(&status_file).ok().and_then(|text| {
                    text.lines()
                        .find_map(|line| line.strip_prefix("VmHWM:"))
                        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
                }) {
                    peak_kib = kib;
                }
                std::thread::sleep(Duration::from_millis(2));
            }
            peak_kib
        })
    };
    let status = child.wait().expect("the child can be waited on");
    let wall = start.elapsed();
    exited.store(true, std::sync::atomic::Ordering::Relaxed);
    let peak_kib = sampler.join().expect("the memory sampler ends");
    Run {
        wall,
        cpu: children_cpu().saturating_sub(cpu_before),
        peak_kib,
        ok: status.success(),
    }
}

/// The commands that read or write a whole ledger, once each: `reindex` (on a copy: it rewrites
/// the indexes), `export` with the documents, `import` of that export into a new folder, the
/// whole `log`, a proof over every event, and the plan as the ledger knew it halfway through.
/// Each must hold to the memory target as the queries do, whatever the ledger's size.
fn whole_ledger_runs(store: &Path, scratch: &Path, events: u64) -> Vec<(String, Run)> {
    fn copy_folder(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("the copy's folder is made");
        for entry in std::fs::read_dir(from).expect("the ledger's folder reads") {
            let entry = entry.expect("the ledger's folder reads");
            let target = to.join(entry.file_name());
            if entry.file_type().expect("a file's kind").is_dir() {
                copy_folder(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), &target).expect("the ledger's file is copied");
            }
        }
    }
    let copy = scratch.join("whole-ledger-copy");
    let export = scratch.join("whole-ledger-export.jsonl");
    let documents = scratch.join("whole-ledger-documents");
    let imported = scratch.join("whole-ledger-imported");
    for path in [&copy, &documents, &imported] {
        let _ = std::fs::remove_dir_all(path);
    }
    copy_folder(store, &copy);
    let text = |path: &Path| path.to_str().expect("a UTF-8 scratch path").to_owned();
    let halfway = (events / 2).to_string();
    let runs = vec![
        (
            "reindex (on a copy)".into(),
            run_binary(&copy, &["reindex"]),
        ),
        (
            "export --with-documents".into(),
            run_binary(
                store,
                &[
                    "export",
                    "--out",
                    &text(&export),
                    "--with-documents",
                    &text(&documents),
                ],
            ),
        ),
        (
            "import (of that export, into a new folder)".into(),
            run_binary(
                &imported,
                &["import", "--documents", &text(&documents), &text(&export)],
            ),
        ),
        ("log (every event)".into(), run_binary(store, &["log"])),
        (
            "prove inclusion 0 (a tree of every event)".into(),
            run_binary(store, &["prove", "inclusion", "0"]),
        ),
        (
            format!("state --as-known-at {halfway}"),
            run_binary(store, &["state", "--as-known-at", &halfway]),
        ),
    ];
    for (name, run) in &runs {
        assert!(run.ok, "{name} fails on the bench ledger");
    }
    for path in [&copy, &documents, &imported] {
        let _ = std::fs::remove_dir_all(path);
    }
    let _ = std::fs::remove_file(&export);
    runs
}

/// The median of three runs (the store is warm in the page cache after the first).
fn median_run(store: &Path, args: &[&str]) -> Run {
    let mut runs: Vec<Run> = (0..3).map(|_| run_binary(store, args)).collect();
    runs.sort_by_key(|run| run.wall);
    runs.swap_remove(1)
}

fn folder_bytes(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .flatten()
                .map(|entry| match entry.file_type() {
                    Ok(kind) if kind.is_dir() => folder_bytes(&entry.path()),
                    _ => entry.metadata().map_or(0, |m| m.len()),
                })
                .sum()
        })
        .unwrap_or(0)
}

/// Events per second of the raw parts over the ledger's own event bytes: a sled batch insert
/// (then flush), a sled scan, and a BLAKE3 chain (each hash over the previous and the bytes).
struct RawRates {
    sled_insert: f64,
    sled_scan: f64,
    blake3_chain: f64,
}

fn raw_rates(events: &[Vec<u8>], appends: &[usize], scratch: &Path) -> RawRates {
    let n = events.len() as f64;
    let path = scratch.join("raw-sled");
    let _ = std::fs::remove_dir_all(&path);
    let db = sled::open(&path).expect("a scratch sled opens");
    let tree = db.open_tree("events").expect("a tree opens");
    let start = Instant::now();
    // As ingest writes: one batch per document, flushed before the next.
    let mut bounds: Vec<usize> = appends.to_vec();
    bounds.push(events.len());
    let mut from = 0;
    for &to in bounds.iter().filter(|&&to| to > 0) {
        let mut batch = sled::Batch::default();
        for (seq, bytes) in events.iter().enumerate().take(to).skip(from) {
            batch.insert(&(seq as u64).to_be_bytes(), bytes.as_slice());
        }
        tree.apply_batch(batch).expect("the batch applies");
        db.flush().expect("the batch flushes");
        from = to;
    }
    let sled_insert = n / start.elapsed().as_secs_f64();
    drop(tree);
    drop(db);
    let (sled_scan, blake3_chain) = raw_floor(events, scratch);
    RawRates {
        sled_insert,
        sled_scan,
        blake3_chain,
    }
}

/// The raw floor's two rates again, measured now (events per second): a scan of the sled tree
/// `raw_rates` wrote in `scratch` (its open not timed), and the BLAKE3 chain over the events.
/// Taken just before each `verify` run, so that a drift in the machine's speed (runs of the
/// same code on this shared machine spread by a third) falls on both sides of the share.
fn raw_floor(events: &[Vec<u8>], scratch: &Path) -> (f64, f64) {
    let n = events.len() as f64;
    let db = sled::open(scratch.join("raw-sled")).expect("the scratch sled opens again");
    let tree = db.open_tree("events").expect("a tree opens");
    let start = Instant::now();
    let mut total = 0usize;
    for entry in tree.iter() {
        total += entry.expect("the scan reads").1.len();
    }
    std::hint::black_box(total);
    let sled_scan = n / start.elapsed().as_secs_f64();
    drop(tree);
    drop(db);
    let start = Instant::now();
    let mut prev = [0u8; 32];
    for bytes in events {
        let mut hasher = blake3::Hasher::new();
        hasher.update(&prev);
        hasher.update(bytes);
        prev = *hasher.finalize().as_bytes();
    }
    std::hint::black_box(prev);
    (sled_scan, n / start.elapsed().as_secs_f64())
}

/// Runs git in `repo`, quietly; how long it took, or `None` when it failed or is not there.
fn git(repo: &Path, args: &[&str]) -> Option<Duration> {
    let start = Instant::now();
    let status = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()?;
    status.success().then(|| start.elapsed())
}

/// `git show` of the latest version and `git diff` of the first against the latest, in a
/// repository holding one commit per version; `None` when git is not there.
fn git_times(repo: &Path, versions: u32) -> Option<(Duration, Duration)> {
    let median = |args: &[&str]| -> Option<Duration> {
        let mut times: Vec<Duration> = (0..3).map(|_| git(repo, args)).collect::<Option<_>>()?;
        times.sort();
        Some(times[1])
    };
    let first = format!("HEAD~{}", versions - 1);
    Some((
        median(&["show", "HEAD:torikumi.txt"])?,
        median(&["diff", &first, "HEAD", "--", "torikumi.txt"])?,
    ))
}

fn git_commit(repo: &Path, text: &str, version: u32) -> Option<()> {
    if version == 1 {
        std::fs::create_dir_all(repo).ok()?;
        git(repo, &["init", "-q"])?;
    }
    std::fs::write(repo.join("torikumi.txt"), text).ok()?;
    git(repo, &["add", "torikumi.txt"])?;
    git(
        repo,
        &[
            "-c",
            "user.name=bench",
            "-c",
            "user.email=bench@example.invalid",
            "commit",
            "-q",
            "-m",
            &format!("version {version}"),
        ],
    )?;
    Some(())
}

fn targets_from_args() -> Vec<u64> {
    let args: Vec<String> = std::env::args().collect();
    let mut targets = vec![10_000, 100_000];
    if let Some(position) = args.iter().position(|a| a == "--events") {
        let list = args
            .get(position + 1)
            .expect("--events takes a list such as 10000,100000");
        targets = list
            .split(',')
            .map(|n| n.trim().parse().expect("--events takes numbers"))
            .collect();
        targets.sort_unstable();
    }
    targets
}

fn ms(duration: Duration) -> String {
    format!("{:.0} ms", duration.as_secs_f64() * 1000.0)
}

fn mib(kib: i64) -> String {
    format!("{:.0} MB", kib as f64 / 1024.0)
}

/// `--keep DIR`: build the ledger in DIR and leave it there (to profile a command on it).
fn kept_folder_from_args() -> Option<PathBuf> {
    let args: Vec<String> = std::env::args().collect();
    let position = args.iter().position(|a| a == "--keep")?;
    Some(PathBuf::from(
        args.get(position + 1).expect("--keep takes a folder"),
    ))
}

/// The web view's pages over the same ledger, each beside the CLI command that answers the
/// same question (measured above in this run).
fn web_pages(
    report: &mut Report,
    store: &Path,
    first_measure: &str,
    middle: u32,
    answers: &[(String, Run)],
) {
    let server = server::Server::start(store);
    let cli = |name: &str| {
        answers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, run)| run.wall)
    };
    let at = planledger::web::href::encode(&format!("第{middle}回"));
    let since = planledger::web::href::encode(&format!("第{FIRST_ORDINAL}回"));
    let pages: Vec<(String, Option<Duration>)> = vec![
        ("/".into(), cli("meetings")),
        ("/plan".into(), cli("state")),
        (
            format!("/plan?at={at}"),
            cli(&format!("state --at 第{middle}回")),
        ),
        (
            format!("/diff?since={since}"),
            cli(&format!("diff --since 第{FIRST_ORDINAL}回")),
        ),
        (
            format!("/history/{first_measure}"),
            cli("history <first measure>"),
        ),
        ("/integrity".into(), None),
        ("/api/state".into(), cli("state")),
    ];
    report.line(
        "\n| web page (serve; 5 requests) | min / median / max | CLI, same question | page / CLI |",
    );
    report.line("|---|---|---|---|");
    for (path, baseline) in pages {
        let [min, median, max] = server.time(&path, 5);
        let ratio = baseline.map_or_else(
            || "—".to_owned(),
            |cli| format!("{:.2}", median.as_secs_f64() / cli.as_secs_f64()),
        );
        report.line(format!(
            "| `{path}` | {} / {} / {} | {} | {ratio} |",
            ms(min),
            ms(median),
            ms(max),
            baseline.map_or_else(|| "—".to_owned(), ms)
        ));
    }
    drop(server);
    // sled lets go of its lock a moment after the server stops.
    std::thread::sleep(Duration::from_millis(500));
}

/// What one size's run found, as the table's rows and the lines after it.
#[derive(Default)]
struct Report {
    out: String,
}

impl Report {
    fn line(&mut self, text: impl AsRef<str>) {
        println!("{}", text.as_ref());
        self.out.push_str(text.as_ref());
        self.out.push('\n');
    }
}

/// `ingest` of one version through the binary, as a user runs it (a process per document).
fn cli_ingest(store: &Path, request: &IngestRequest, version: u32) -> Run {
    let date = time::macros::format_description!("[year]-[month]-[day]");
    let meeting = meeting(version);
    let run = run_binary(
        store,
        &[
            "ingest",
            request.path.to_str().expect("a UTF-8 path"),
            "--meeting",
            &format!("{BODY} 第{}回", FIRST_ORDINAL + version - 1),
            "--date",
            &meeting
                .date
                .expect("bench meetings are dated")
                .format(&date)
                .expect("a date formats"),
            "--format",
            "torikumi",
            "--series",
            "取組一覧",
        ],
    );
    assert!(run.ok, "ingest of version {version} fails");
    run
}

fn held(store: &Path) -> u64 {
    let store = Store::open(store).expect("the bench store opens");
    let held = store
        .head()
        .expect("the head reads")
        .map_or(0, |(s, _)| s + 1);
    drop(store);
    // sled lets go of its lock a moment after the drop.
    std::thread::sleep(Duration::from_millis(300));
    held
}

/// sled's own open of the ledger's files (no tree read), median of three.
fn sled_open(store: &Path) -> Duration {
    let mut times: Vec<Duration> = (0..3)
        .map(|_| {
            let start = Instant::now();
            let db = sled::Config::new()
                .path(store)
                .cache_capacity(64 * 1024 * 1024)
                .open()
                .expect("the ledger's files open");
            drop(db);
            let took = start.elapsed();
            std::thread::sleep(Duration::from_millis(300));
            took
        })
        .collect();
    times.sort();
    times[1]
}

fn main() {
    let targets = targets_from_args();
    let scratch = tempfile::tempdir().expect("a scratch folder");
    let corpus_dir = scratch.path().join("corpus");
    std::fs::create_dir_all(&corpus_dir).expect("the corpus folder");
    // The ledger users have: one `planledger ingest` process per document.
    let store_path: PathBuf =
        kept_folder_from_args().unwrap_or_else(|| scratch.path().join("ledger"));
    // The same versions ingested in this process, one document after another.
    let in_process_path = scratch.path().join("ledger-in-process");
    let repo = scratch.path().join("git");
    let seed = seed_000();
    // The first version is the seed itself, so its first measure's content id is the
    // measure's canonical id for `history`.
    let first_measure = {
        let first = extract(DocumentFormat::Torikumi, &seed);
        planledger::identity::measure_id(first.plan.as_deref(), &first.measures[0].text)
    };
    let mut corpus = Corpus::from_seed(&seed);
    let mut version = 0u32;
    let mut first_cli_ingest: Option<Duration> = None;
    let mut first_ingest: Option<Duration> = None;
    let mut events_held = 0u64;
    let mut git_ok = true;
    let mut written = String::new();
    // The version ingested last: "one more document" is measured again into a ledger that holds
    // only it.
    let mut last_text = String::new();
    println!("scale: successive versions of seed 000, release build");
    for &target in &targets {
        let build_start = Instant::now();
        let mut last_ingest = Duration::ZERO;
        let mut last_cli_ingest = Duration::ZERO;
        let in_process = Store::open(&in_process_path).expect("the bench store opens");
        while events_held < target {
            version += 1;
            let text = corpus.next_version();
            if git_ok {
                git_ok = git_commit(&repo, &text, version).is_some();
            }
            let request = request(&corpus_dir, version, &text);
            last_text = text;
            let run = cli_ingest(&store_path, &request, version);
            last_cli_ingest = run.wall;
            first_cli_ingest.get_or_insert(run.wall);
            let start = Instant::now();
            ingest(&in_process, &request, FIXED_NOW).expect("each version ingests");
            last_ingest = start.elapsed();
            first_ingest.get_or_insert(last_ingest);
            events_held = in_process
                .head()
                .expect("the head reads")
                .map_or(0, |(s, _)| s + 1);
            if version.is_multiple_of(25) {
                eprintln!(
                    "  {version} versions, {events_held} events, last ingest {} (CLI) / {} (in-process)",
                    ms(last_cli_ingest),
                    ms(last_ingest)
                );
            }
        }
        let build = build_start.elapsed();
        std::thread::sleep(Duration::from_millis(300));
        let per_process = held(&store_path);
        assert_eq!(
            per_process, events_held,
            "both ledgers hold the same events"
        );
        let (event_bytes, appends) = {
            let events = in_process.events().expect("the events read");
            let appends: Vec<usize> = events
                .iter()
                .enumerate()
                .filter(|(_, event)| {
                    matches!(
                        event.body,
                        planledger::ledger::EventBody::DocumentIngested { .. }
                    )
                })
                .map(|(at, _)| at)
                .collect();
            let bytes: Vec<Vec<u8>> = events
                .iter()
                .map(|event| event.canonical_bytes().expect("the events encode"))
                .collect();
            (bytes, appends)
        };
        drop(in_process);
        std::thread::sleep(Duration::from_millis(300));

        let mut report = Report::default();
        report.line(format!(
            "\n#### {events_held} events ({version} versions of ~{:.0} events; both ledgers built in {:.0} s)\n",
            events_held as f64 / f64::from(version),
            build.as_secs_f64()
        ));
        let raw = raw_rates(&event_bytes, &appends, scratch.path());
        let bytes_per_event = folder_bytes(&store_path) as f64 / events_held as f64;
        let bytes_in_process = folder_bytes(&in_process_path) as f64 / events_held as f64;
        let middle = FIRST_ORDINAL + version / 2;
        report.line("| command (the release binary, a process each) | wall | peak memory |");
        report.line("|---|---|---|");
        let queries: Vec<(String, Vec<String>)> = vec![
            ("state".into(), vec!["state".into()]),
            (
                format!("state --at 第{middle}回"),
                vec!["state".into(), "--at".into(), format!("第{middle}回")],
            ),
            (
                format!("diff --since 第{FIRST_ORDINAL}回"),
                vec![
                    "diff".into(),
                    "--since".into(),
                    format!("第{FIRST_ORDINAL}回"),
                ],
            ),
            (
                "history <first measure>".into(),
                vec!["history".into(), first_measure.clone()],
            ),
            ("meetings".into(), vec!["meetings".into()]),
            (
                format!("checkpoint --at 第{middle}回"),
                vec!["checkpoint".into(), "--at".into(), format!("第{middle}回")],
            ),
        ];
        let mut answers = Vec::new();
        for (name, args) in &queries {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let run = median_run(&store_path, &args);
            assert!(run.ok, "{name} fails on the bench ledger");
            report.line(format!(
                "| `{name}` | {} (median of 3) | {} |",
                ms(run.wall),
                mib(run.peak_kib)
            ));
            answers.push((name.clone(), run));
        }
        let open = sled_open(&store_path);
        report.line(format!(
            "| sled's open of the ledger's files alone (in this process) | {} (median of 3) | — |",
            ms(open)
        ));
        // --deep replays every document's derivation: reported against plain verify, each the
        // median of three runs taken in turn (plain, deep, plain, deep …) in the same run, so
        // a drift in the machine's speed falls on both. Wall time is what the auditor waits;
        // CPU time is what it costs (the replay runs on a second thread), so both are shown.
        // Each plain run's share of the raw floor is taken against the floor measured just
        // before it (the median of the three shares is reported).
        let mut shares: Vec<(f64, (f64, f64))> = Vec::new();
        let mut pairs: Vec<(Run, Run)> = (0..3)
            .map(|_| {
                let (scan, chain) = raw_floor(&event_bytes, scratch.path());
                let plain = run_binary(&store_path, &["verify"]);
                let rate = events_held as f64 / plain.wall.as_secs_f64();
                shares.push((rate / scan.min(chain), (scan, chain)));
                (plain, run_binary(&store_path, &["verify", "--deep"]))
            })
            .collect();
        let _ = std::fs::remove_dir_all(scratch.path().join("raw-sled"));
        shares.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (verify_share, (paired_scan, paired_chain)) = shares[1];
        assert!(
            pairs.iter().all(|(plain, deep)| plain.ok && deep.ok),
            "verify or verify --deep fails on the bench ledger"
        );
        let mut plain_walls: Vec<(Duration, i64)> = pairs
            .iter()
            .map(|(plain, _)| (plain.wall, plain.peak_kib))
            .collect();
        plain_walls.sort();
        let (verify_wall, verify_peak) = plain_walls[1];
        let verify_rate = events_held as f64 / verify_wall.as_secs_f64();
        report.line(format!(
            "| `verify` | {} (median of 3; {verify_rate:.0} events/s) | {} |",
            ms(verify_wall),
            mib(verify_peak)
        ));
        pairs.sort_by(|a, b| {
            let ratio = |pair: &(Run, Run)| pair.1.wall.as_secs_f64() / pair.0.wall.as_secs_f64();
            ratio(a).total_cmp(&ratio(b))
        });
        let (plain, deep) = &pairs[1];
        let deep_ratio = deep.wall.as_secs_f64() / plain.wall.as_secs_f64();
        report.line(format!(
            "| `verify --deep` | {} ({deep_ratio:.2}× plain `verify` wall, {:.2}× its CPU; the median of 3 paired runs) | {} |",
            ms(deep.wall),
            deep.cpu.as_secs_f64() / plain.cpu.as_secs_f64().max(1e-9),
            mib(deep.peak_kib)
        ));
        // More documents, each as a user adds it (a process of its own). Each is also ingested
        // into a ledger that holds only the version before it: the same derivation (against its
        // predecessor: identity, the departure alarm, compression against a base) with the
        // ledger near-empty, so the ratio is what the ledger's size adds. The first document of
        // all, which has no predecessor, is shown beside it.
        let in_process = Store::open(&in_process_path).expect("the bench store opens");
        let alone = scratch.path().join("ledger-alone");
        let mut more: Vec<Run> = Vec::new();
        let mut near_empty: Vec<Run> = Vec::new();
        for _ in 0..3 {
            version += 1;
            let text = corpus.next_version();
            if git_ok {
                git_ok = git_commit(&repo, &text, version).is_some();
            }
            let next = request(&corpus_dir, version, &text);
            more.push(cli_ingest(&store_path, &next, version));
            ingest(&in_process, &next, FIXED_NOW).expect("each version ingests");
            let _ = std::fs::remove_dir_all(&alone);
            cli_ingest(
                &alone,
                &request(&corpus_dir, version - 1, &last_text),
                version - 1,
            );
            near_empty.push(cli_ingest(&alone, &next, version));
            last_text = text;
        }
        let _ = std::fs::remove_dir_all(&alone);
        drop(in_process);
        std::thread::sleep(Duration::from_millis(300));
        events_held = held(&store_path);
        more.sort_by_key(|run| run.wall);
        near_empty.sort_by_key(|run| run.wall);
        let one_more = &more[1];
        let alone_wall = near_empty[1].wall;
        let first = first_cli_ingest.unwrap_or_default();
        report.line(format!(
            "| `ingest` one more document | {} (median of 3 more; the same documents each into a ledger holding only the version before: {}, **{:.2}×**; the first document of all, into an empty ledger: {}, {:.2}×) | {} |",
            ms(one_more.wall),
            ms(alone_wall),
            one_more.wall.as_secs_f64() / alone_wall.as_secs_f64(),
            ms(first),
            one_more.wall.as_secs_f64() / first.as_secs_f64(),
            mib(one_more.peak_kib)
        ));
        let whole = whole_ledger_runs(&store_path, scratch.path(), events_held);
        for (name, run) in &whole {
            report.line(format!(
                "| `{name}` | {} (once) | {} |",
                ms(run.wall),
                mib(run.peak_kib)
            ));
        }
        report.line(format!(
            "\nIngest in one process, first / last document: {} / {}; the last through the CLI while building: {}.",
            ms(first_ingest.unwrap_or_default()),
            ms(last_ingest),
            ms(last_cli_ingest)
        ));
        report.line(format!(
            "Store on disk: **{bytes_per_event:.0} bytes per event** ingested one process per document ({bytes_in_process:.0} in one process); the export's JSON Lines are {:.0} bytes per event.",
            event_bytes.iter().map(|bytes| bytes.len() + 1).sum::<usize>() as f64 / events_held.max(1) as f64
        ));
        let floor = raw.sled_scan.min(raw.blake3_chain);
        report.line(format!(
            "Raw parts over the same event bytes, in this run: sled insert in batches of a document each, flushed ({:.0} events/s), sled scan of those ({:.0} events/s), BLAKE3 chain ({:.0} events/s); against that floor the median `verify` above runs at {:.0}%. Measured again just before each `verify` run and taken pair by pair: **{:.0}% of min(scan, chain)** (the median of 3; that pair's floor: scan {:.0}, chain {:.0} events/s).",
            raw.sled_insert,
            raw.sled_scan,
            raw.blake3_chain,
            100.0 * verify_rate / floor,
            100.0 * verify_share,
            paired_scan,
            paired_chain
        ));
        match git_ok.then(|| git_times(&repo, version)).flatten() {
            Some((show, diff)) => {
                let state = &answers[0].1;
                let diff_run = &answers[2].1;
                report.line(format!(
                    "git on the same {version} versions: `git show` {} (`state` is {:.0}× that), `git diff` first..latest {} (`diff` is {:.0}× that).",
                    ms(show),
                    state.wall.as_secs_f64() / show.as_secs_f64(),
                    ms(diff),
                    diff_run.wall.as_secs_f64() / diff.as_secs_f64()
                ));
            }
            None => report.line("git: not measured (git is not on this machine)."),
        }
        // Issue 27's targets, each against what this run measured.
        let query_target = if events_held > 500_000 { 50.0 } else { 30.0 };
        let worst_query = answers[..5]
            .iter()
            .map(|(name, run)| (name, run.wall.as_secs_f64() * 1000.0))
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .expect("queries ran");
        let peak = answers
            .iter()
            .map(|(_, run)| run.peak_kib)
            .chain([verify_peak, deep.peak_kib, one_more.peak_kib])
            .chain(whole.iter().map(|(_, run)| run.peak_kib))
            .max()
            .unwrap_or(0);
        let met = |ok: bool| if ok { "met" } else { "**not met**" };
        report.line(format!(
            "\nTargets: ≤ 600 bytes per event: {} ({bytes_per_event:.0}); `state`, `diff`, `history`, `meetings` ≤ {query_target:.0} ms: {} (slowest `{}`, {:.0} ms); `verify` ≥ 25% of raw: {} ({:.0}%); `verify --deep` within 3×: {} ({deep_ratio:.2}×); peak memory ≤ 300 MB: {} ({}).",
            met(bytes_per_event <= 600.0),
            met(worst_query.1 <= query_target),
            worst_query.0,
            worst_query.1,
            met(verify_share >= 0.25),
            100.0 * verify_share,
            met(deep_ratio <= 3.0),
            met(peak <= 300 * 1024),
            mib(peak)
        ));
        web_pages(&mut report, &store_path, &first_measure, middle, &answers);
        written.push_str(&report.out);
    }
    if let Some(path) = written_file_from_args() {
        std::fs::write(&path, &written).expect("the table is written");
        eprintln!("wrote {}", path.display());
    }
    if std::env::args().any(|a| a == "--readme") {
        let readme = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
        let text = std::fs::read_to_string(&readme).expect("README.md reads");
        let (begin, end) = ("<!-- scale: begin -->", "<!-- scale: end -->");
        let (Some(from), Some(to)) = (text.find(begin), text.find(end)) else {
            panic!("README.md has no {begin} … {end} section for the table");
        };
        let commit = Command::new("git")
            .args(["rev-parse", "--short", "HEAD"])
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default();
        let updated = format!(
            "{}{begin}\n<!-- written by `cargo bench --bench scale -- --events {} --readme` at {commit}; do not edit by hand -->\n{}\n{}",
            &text[..from],
            targets
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(","),
            written.trim_end(),
            &text[to..]
        );
        std::fs::write(&readme, updated).expect("README.md is written");
        eprintln!("README.md's scale section rewritten");
    }
}

/// `--write FILE`: the tables, as printed, written to FILE too.
fn written_file_from_args() -> Option<PathBuf> {
    let args: Vec<String> = std::env::args().collect();
    let position = args.iter().position(|a| a == "--write")?;
    Some(PathBuf::from(
        args.get(position + 1).expect("--write takes a file"),
    ))
}
