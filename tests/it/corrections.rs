//! Corrections as events: `amend` redescribes a document, `withdraw` takes its statements out
//! of the plan; neither rewrites the chain, and what the ledger knew before stays readable.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{self, planledger, stderr, stdout};

/// The seed 取組一覧's document hash (it states the 70 measures at 第92回).
fn torikumi_hash(store: &Path) -> String {
    meetings_json(store)["meetings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["documents"].as_array().unwrap().clone())
        .find(|d| d["format"] == "torikumi")
        .expect("the seeds hold a 取組一覧")["hash"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn meetings_json(store: &Path) -> serde_json::Value {
    let output = planledger(store, &["meetings", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    serde_json::from_str(&stdout(&output)).unwrap()
}

/// How many measures `state` shows with these arguments.
fn measures_shown(store: &Path, args: &[&str]) -> usize {
    let mut all = vec!["state", "--format", "json"];
    all.extend(args);
    let output = planledger(store, &all);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let state: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    state["measures"].as_array().unwrap().len()
}

fn head_seq(store: &Path) -> u64 {
    let events = common::read_events(store);
    events.last().unwrap().seq
}

fn verifies(store: &Path) {
    let output = planledger(store, &["verify", "--deep"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
}

#[test]
fn an_amended_date_moves_the_documents_statements_and_keeps_what_was_known() {
    let (_dir, store) = common::ingested_seeds();
    let hash = torikumi_hash(&store);
    assert_eq!(measures_shown(&store, &["--at", "2025-10-06"]), 70);
    let before_amend = head_seq(&store);

    // A correction of the date (by a prefix of the hash, as `meetings` shows it).
    let output = planledger(
        &store,
        &[
            "amend",
            &hash[..12],
            "--date",
            "2025-11-04",
            "--reason",
            "会議の日付の誤り",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("2025-10-06) → がん対策推進協議会 第92回 (2025-11-04)"),
        "{}",
        stdout(&output)
    );

    // The 70 measures now speak from the corrected day, not before it ...
    assert_eq!(measures_shown(&store, &["--at", "2025-11-04"]), 70);
    assert!(measures_shown(&store, &["--at", "2025-10-06"]) < 70);
    // ... and the ledger as known before the correction is unchanged.
    let known_before = before_amend.to_string();
    assert_eq!(
        measures_shown(
            &store,
            &["--at", "2025-10-06", "--as-known-at", &known_before]
        ),
        70
    );
    // `meetings` puts the document at the corrected meeting and says what it was.
    let meetings = meetings_json(&store);
    let corrected = meetings["meetings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["date"] == "2025-11-04")
        .expect("a meeting on the corrected day");
    let document = &corrected["documents"][0];
    assert_eq!(document["hash"], hash.as_str());
    assert_eq!(document["corrections"][0]["reason"], "会議の日付の誤り");
    assert_eq!(document["corrections"][0]["was"]["date"], "2025-10-06");
    // The chain still verifies, the original description is still in it, and a diff across
    // the corrected day sees the document arrive there.
    verifies(&store);
    let ingested = common::log_json(&store, "DocumentIngested");
    assert!(ingested
        .iter()
        .any(|e| e["source"]["document"] == hash.as_str() && e["meeting"]["date"] == "2025-10-06"));
    let output = planledger(
        &store,
        &[
            "diff",
            "--since",
            "2025-10-06",
            "--until",
            "2025-11-04",
            "--format",
            "json",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("\"added\""), "{}", stdout(&output));

    // Nothing to amend, no reason, an unknown document: refused, nothing appended.
    let head = head_seq(&store);
    for (args, says) in [
        (
            vec![
                "amend",
                &hash[..12],
                "--date",
                "2025-11-04",
                "--reason",
                "again",
            ],
            "nothing to amend",
        ),
        (
            vec![
                "amend",
                &hash[..12],
                "--date",
                "2025-11-05",
                "--reason",
                "  ",
            ],
            "needs --reason",
        ),
        (
            vec![
                "amend",
                "abcdef0123",
                "--date",
                "2025-11-05",
                "--reason",
                "x",
            ],
            "no document in the ledger",
        ),
        (
            vec![
                "amend",
                &hash[..12],
                "--date",
                "2025-13-01",
                "--reason",
                "x",
            ],
            "not a date",
        ),
    ] {
        let output = planledger(&store, &args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(says),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    assert_eq!(head_seq(&store), head);
}

/// Documents ingested after corrections verify deeply: the seed 取組一覧 is moved past the
/// demonstration's 第93回, that version is ingested, the seed is withdrawn, the 第94回 version
/// is ingested, and `verify --deep` replays each against the records as corrected before it
/// (the unit test in `ledger/verify.rs` holds the state it carries forward equal to that state
/// rebuilt whole at every document).
#[test]
fn documents_ingested_after_a_correction_replay_against_the_corrected_records() {
    let (_dir, store) = common::ingested_seeds();
    let hash = torikumi_hash(&store);
    let amended = planledger(
        &store,
        &[
            "amend",
            &hash[..12],
            "--date",
            "2026-03-01",
            "--reason",
            "日付の誤り",
        ],
    );
    assert_eq!(amended.status.code(), Some(0), "{}", stderr(&amended));
    let revision = common::project_dir().join("examples/revision");
    let ingest = |file: &str, ordinal: &str, date: &str| {
        let path = revision.join(file);
        let meeting = format!("がん対策推進協議会 第{ordinal}回");
        let output = planledger(
            &store,
            &[
                "ingest",
                path.to_str().unwrap(),
                "--meeting",
                &meeting,
                "--date",
                date,
                "--format",
                "torikumi",
            ],
        );
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    };
    ingest("093_demo_torikumi.txt", "93", "2026-01-15");
    let withdrawn = planledger(
        &store,
        &["withdraw", &hash[..12], "--reason", "別資料の誤登録"],
    );
    assert_eq!(withdrawn.status.code(), Some(0), "{}", stderr(&withdrawn));
    ingest("094_demo_torikumi.txt", "94", "2026-06-15");
    verifies(&store);
}

#[test]
fn a_withdrawn_documents_statements_leave_the_plan_and_history() {
    let (_dir, store) = common::ingested_seeds();
    let hash = torikumi_hash(&store);
    let state: serde_json::Value = serde_json::from_str(&stdout(&planledger(
        &store,
        &["state", "--at", "第92回", "--format", "json"],
    )))
    .unwrap();
    let measure = state["measures"][0]["id"].as_str().unwrap().to_owned();
    let history_before = stdout(&planledger(
        &store,
        &["history", &measure, "--format", "json"],
    ));
    let before = head_seq(&store);

    let output = planledger(
        &store,
        &["withdraw", &hash, "--reason", "別の会議の資料だった"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("withdrawn"), "{}", stdout(&output));

    let output = planledger(&store, &["state", "--at", "第92回", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(!stdout(&output).contains(&hash), "{}", stdout(&output));
    assert!(measures_shown(&store, &["--at", "第92回"]) < 70);
    assert_eq!(
        measures_shown(
            &store,
            &["--at", "第92回", "--as-known-at", &before.to_string()]
        ),
        70
    );
    // The measure's history no longer holds the withdrawn document's statements (it did).
    let output = planledger(&store, &["history", &measure, "--format", "json"]);
    let history: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap_or_default();
    assert!(
        history["entries"]
            .as_array()
            .is_none_or(|entries| entries.iter().all(|e| e["document"] != hash.as_str())),
        "{}",
        stdout(&output)
    );
    assert!(history_before.contains(&hash), "{history_before}");
    let meetings = meetings_json(&store);
    assert!(meetings.to_string().contains("\"withdrawn\":true"));
    verifies(&store);

    // A withdrawn document is not corrected again.
    let output = planledger(&store, &["withdraw", &hash, "--reason", "again"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("was withdrawn at seq"),
        "{}",
        stderr(&output)
    );
}

/// The seed ledger's export after an amendment and a withdrawal of the 取組一覧, and a forgery of
/// it: the withdrawal re-chained to name a document the log never ingested.
struct CorrectedExport {
    dir: tempfile::TempDir,
    store: PathBuf,
    file: PathBuf,
    documents: PathBuf,
    forged: PathBuf,
}

fn corrected_export() -> CorrectedExport {
    let (dir, store) = common::ingested_seeds();
    let hash = torikumi_hash(&store);
    for args in [
        vec![
            "amend",
            &hash[..],
            "--meeting",
            "第93回",
            "--reason",
            "回数の誤り",
        ],
        vec!["withdraw", &hash[..], "--reason", "取下げ"],
    ] {
        let output = planledger(&store, &args);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }
    let (file, documents) = crate::exchange::export_into(&store, dir.path());
    let text = std::fs::read_to_string(&file).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let last = lines.len() - 1;
    lines[last] = lines[last].replace(&hash, &"ab".repeat(32));
    let forged = dir.path().join("forged.jsonl");
    crate::exchange::rechain(&mut lines, last);
    std::fs::write(&forged, lines.join("\n") + "\n").unwrap();
    CorrectedExport {
        dir,
        store,
        file,
        documents,
        forged,
    }
}

#[test]
fn corrections_survive_export_and_import() {
    let export = corrected_export();
    let imported = export.dir.path().join("imported");
    let output = planledger(
        &imported,
        &[
            "import",
            export.file.to_str().unwrap(),
            "--documents",
            export.documents.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    verifies(&imported);
    assert_eq!(meetings_json(&imported), meetings_json(&export.store));

    // A correction naming a document the log never ingested is refused by import.
    let output = planledger(
        &export.dir.path().join("forged-store"),
        &[
            "import",
            export.forged.to_str().unwrap(),
            "--documents",
            export.documents.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("not ingested before it"),
        "{}",
        stderr(&output)
    );
}

#[test]
#[cfg_attr(
    planledger_no_python,
    ignore = "needs Python with the PyPI packages blake3 and jcs (see build.rs)"
)]
fn corrections_pass_the_independent_verifier_and_a_forged_one_does_not() {
    let export = corrected_export();
    let python = crate::exchange::independent_python();
    let script = common::project_dir().join("tests").join("verify_export.py");
    let run = |path: &Path| {
        Command::new(&python)
            .arg(&script)
            .arg(path)
            .arg(&export.documents)
            .output()
            .unwrap()
    };
    let output = run(&export.file);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let output = run(&export.forged);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert!(
        stdout(&output).contains("not ingested before it"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn re_ingesting_known_bytes_described_otherwise_points_to_amend() {
    let (_dir, store) = common::ingested_seeds();
    let seed = common::seed("000");
    let output =
        common::ingest_torikumi_as(&store, &seed, "がん対策推進協議会 第92回", "2025-10-07");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("planledger amend"),
        "{}",
        stdout(&output)
    );
}

/// `reindex` rebuilds the indexes an append at a time: a correction appended after its document
/// is indexed from the record the earlier append left, so the rebuilt ledger verifies and
/// answers as before.
#[test]
fn reindex_rebuilds_a_corrected_ledger_to_the_same_answers() {
    let (_dir, store) = common::ingested_seeds();
    let hash = torikumi_hash(&store);
    let output = planledger(&store, &["withdraw", &hash, "--reason", "取下げ"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let asked: [&[&str]; 3] = [
        &["state", "--at", "第92回", "--format", "json"],
        &["meetings", "--format", "json"],
        &["log", "--format", "json"],
    ];
    let before: Vec<String> = asked
        .iter()
        .map(|args| stdout(&planledger(&store, args)))
        .collect();
    let output = planledger(&store, &["reindex"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    for (args, before) in asked.iter().zip(before) {
        assert_eq!(stdout(&planledger(&store, args)), before, "{args:?}");
    }
    assert!(meetings_json(&store)
        .to_string()
        .contains("\"withdrawn\":true"));
    verifies(&store);
}
