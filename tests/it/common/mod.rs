//! Helpers shared by the integration tests: paths to the seeds and the published test data, and a
//! runner for the `planledger` binary with a fixed clock.

#![allow(dead_code)]

pub mod derived;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The fixed ingest time, so that event hashes and snapshots are reproducible.
pub const FIXED_NOW: &str = "2026-01-01T00:00:00Z";

pub fn project_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn seeds_dir() -> PathBuf {
    project_dir().join("seeds")
}

pub fn seed(name_prefix: &str) -> PathBuf {
    std::fs::read_dir(seeds_dir())
        .expect("seeds/ exists in the repository")
        .map(|entry| entry.expect("seeds/ is readable").path())
        .find(|path| {
            path.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(name_prefix))
        })
        .unwrap_or_else(|| panic!("no seed starting with {name_prefix}"))
}

/// `tests/data`: published test vectors copied into the repository, each set with a README
/// naming its origin, commit and licence (no test reads anything outside the checkout).
pub fn test_data() -> PathBuf {
    project_dir().join("tests").join("data")
}

/// Runs planledger with `--store store` and the fixed clock.
pub fn planledger(store: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_planledger"))
        .arg("--store")
        .arg(store)
        .args(args)
        .env("PLANLEDGER_NOW", FIXED_NOW)
        .env_remove("PLANLEDGER_STORE")
        .env_remove("PLANLEDGER_WITNESS")
        .env_remove("PLANLEDGER_WITNESS_KEY")
        .output()
        .expect("the planledger binary runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The events `log --kind KIND --format json` prints, parsed (one JSON object per line).
pub fn log_json(store: &Path, kind: &str) -> Vec<serde_json::Value> {
    let output = planledger(store, &["log", "--kind", kind, "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("log prints one JSON event a line"))
        .collect()
}

/// A fresh store directory with the seed corpus ingested: a copy of one ledger that the binary
/// ingests once per test run, so that tests which read or write a seeded ledger do not each pay
/// for an ingest (the `cli` tests still ingest for themselves where the ingest is the subject).
pub fn ingested_seeds() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temp dir can be made");
    let store = dir.path().join("ledger");
    copy_folder(seeded_ledger(), &store);
    (dir, store)
}

/// The ledger of the seeds, ingested by the binary on first use and never written again.
fn seeded_ledger() -> &'static Path {
    static SEEDED: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    SEEDED.get_or_init(|| {
        let scratch = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        remove_stale_seeded_ledgers(&scratch);
        let dir = tempfile::Builder::new()
            .prefix("seeded-ledger-")
            .tempdir_in(&scratch)
            .expect("a folder can be made in the target's tmp");
        let store = dir.keep().join("ledger");
        let seeds = seeds_dir();
        let output = planledger(&store, &["ingest", seeds.to_str().expect("utf-8 path")]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        store
    })
}

/// Seeded ledgers of earlier runs (a test binary cannot remove its own at exit: statics are
/// not dropped) older than an hour.
fn remove_stale_seeded_ledgers(scratch: &Path) {
    let Ok(entries) = std::fs::read_dir(scratch) else {
        return;
    };
    for entry in entries.flatten() {
        let stale = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|modified| modified.elapsed().ok())
            .is_some_and(|age| age > std::time::Duration::from_secs(3600));
        if stale
            && entry
                .file_name()
                .to_string_lossy()
                .starts_with("seeded-ledger-")
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Copies a folder tree (a closed sled store: its files, `blobs/`, `snap.*`, `HEAD`).
pub fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("the copy's folder can be made");
    for entry in std::fs::read_dir(from).expect("the folder to copy is readable") {
        let entry = entry.expect("a folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_folder(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("a file of the store copies");
        }
    }
}

/// Waits until no handle in this process still holds the store's lock. sled releases its file
/// lock when its background flusher lets go of a dropped `Db`, a moment after the drop; a
/// command started in that moment would rightly report "in use". Between processes this cannot
/// happen (the OS frees the lock at exit), so only tests that open a store in-process need it.
/// Opens the ledger's sled files directly (as an attacker with disk access, or an older
/// planledger, would), lets `change` act on them, flushes, and waits until sled has let go of
/// the folder, so the next command finds it free.
pub fn change_store<T>(store: &Path, change: impl FnOnce(&sled::Db) -> T) -> T {
    let db = sled::open(store).unwrap();
    let result = change(&db);
    db.flush().unwrap();
    drop(db);
    wait_until_released(store);
    result
}

pub fn wait_until_released(store: &Path) {
    use fs2::FileExt;
    let lock_file = store.join("db");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&lock_file)
            .expect("the store's db file exists");
        if file.try_lock_exclusive().is_ok() {
            FileExt::unlock(&file).expect("a held lock can be released");
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the store lock was not released within 10 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// The events of a store, read in-process; the store is released before returning.
pub fn read_events(store: &Path) -> Vec<planledger::ledger::Event> {
    let events = planledger::ledger::Store::open(store)
        .expect("the store opens")
        .events()
        .expect("the events read");
    wait_until_released(store);
    events
}

/// The bytes a legacy-encoded (CP932/Shift_JIS, EUC-JP) file of `text` would hold: neither has
/// ⽀ ⾏ ⻭ or ⑴…⑼, so such a file carries 支 行 歯 and （１）….
pub fn legacy_copy(text: &str, encoding: &'static encoding_rs::Encoding) -> Vec<u8> {
    let representable: String = planledger::source::normalize::fold_compatibility_ideographs(text)
        .chars()
        .map(|c| match c {
            '\u{2474}'..='\u{247C}' => format!(
                "（{}）",
                char::from_u32(c as u32 - 0x2474 + 0xFF11).expect("a full-width digit")
            ),
            other => other.to_string(),
        })
        .collect();
    let (bytes, _, unmappable) = encoding.encode(&representable);
    assert!(
        !unmappable,
        "the text is representable in {}",
        encoding.name()
    );
    bytes.into_owned()
}

/// Ingests one 取組一覧 file as `meeting` (「がん対策推進協議会 第93回」) held on `date`, and asserts
/// that it was accepted.
pub fn ingest_torikumi_as(store: &Path, path: &Path, meeting: &str, date: &str) -> Output {
    let output = planledger(
        store,
        &[
            "ingest",
            path.to_str().expect("utf-8 path"),
            "--meeting",
            meeting,
            "--date",
            date,
            "--format",
            "torikumi",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    output
}

/// A request to ingest `path` as がん対策推進協議会 第`ordinal`回 on `date` in `format`, with
/// nothing else described.
pub fn council_request(
    path: &Path,
    ordinal: u32,
    date: time::Date,
    format: planledger::source::manifest::DocumentFormat,
) -> planledger::ingest::IngestRequest {
    planledger::ingest::IngestRequest {
        path: path.to_owned(),
        description: planledger::source::manifest::DocumentDescription {
            file: path
                .file_name()
                .expect("a file path")
                .to_string_lossy()
                .into_owned(),
            meeting: planledger::source::meeting::Meeting {
                body: Some("がん対策推進協議会".into()),
                ordinal: Some(ordinal),
                date: Some(date),
            },
            title: None,
            label: None,
            format,
            series: None,
            facts: Vec::new(),
        },
    }
}

/// Removes sled's snapshot files from a store folder, so that it must recover from its data
/// file alone.
pub fn remove_sled_snapshots(store: &Path) {
    for entry in std::fs::read_dir(store).unwrap() {
        let path = entry.unwrap().path();
        if path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("snap.")
        {
            std::fs::remove_dir_all(&path)
                .or_else(|_| std::fs::remove_file(&path))
                .unwrap();
        }
    }
}
