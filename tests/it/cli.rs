//! The command line end to end on the seed corpus: ingest, verify, idempotence, state at a
//! meeting (golden JSON in snapshots/), references, and clear errors with exit code 2 on bad
//! input.

use crate::common;

use std::path::Path;
use std::process::Command;

use common::{ingested_seeds, planledger, stderr, stdout, FIXED_NOW};

fn snapshot_settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings
}

/// Runs `planledger` from the project directory with a relative seeds path, so output is the
/// same on every machine; the store path is redacted.
fn run_in_project(store: &Path, args: &[&str]) -> (String, String, Option<i32>) {
    let output = Command::new(env!("CARGO_BIN_EXE_planledger"))
        .current_dir(common::project_dir())
        .arg("--store")
        .arg(store)
        .args(args)
        .env("PLANLEDGER_NOW", FIXED_NOW)
        .output()
        .unwrap();
    let redact = |text: String| text.replace(&store.display().to_string(), "[STORE]");
    (
        redact(stdout(&output)),
        redact(stderr(&output)),
        output.status.code(),
    )
}

#[test]
fn ingest_seeds_then_verify_then_reingest_appends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("ledger");
    let (out, err, code) = run_in_project(&store, &["ingest", "seeds"]);
    snapshot_settings().bind(|| {
        insta::assert_snapshot!(
            "ingest_seeds",
            format!("exit: {code:?}\n--- stdout\n{out}--- stderr\n{err}")
        )
    });
    assert_eq!(code, Some(0));

    let (out, _, code) = run_in_project(&store, &["verify"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.starts_with("ok: 415 events, 5 documents"), "{out}");
    let head = out.split("head ").nth(1).unwrap().to_owned();

    let (out, _, code) = run_in_project(&store, &["ingest", "seeds"]);
    assert_eq!(code, Some(0));
    assert_eq!(out.matches("already in the ledger").count(), 5, "{out}");
    assert!(
        out.contains("0 documents appended, 5 already present"),
        "{out}"
    );
    assert!(!out.contains("described otherwise"), "{out}");
    // The same bytes described as another meeting: nothing is appended, and the user is told
    // which parts of the description differ from what the ledger recorded.
    let seed = common::seed("000_");
    let (out, _, code) = run_in_project(
        &store,
        &[
            "ingest",
            seed.to_str().unwrap(),
            "--format",
            "torikumi",
            "--meeting",
            "がん対策推進協議会第93回",
            "--date",
            "2026-01-15",
        ],
    );
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("already in the ledger"), "{out}");
    assert!(
        out.contains("described otherwise than the ledger has it: meeting がん対策推進協議会 第93回 (2026-01-15) where the ledger has がん対策推進協議会 第92回 (2025-10-06)"),
        "{out}"
    );
    let (out, _, _) = run_in_project(&store, &["verify"]);
    assert_eq!(
        out.split("head ").nth(1).unwrap(),
        head,
        "re-ingest changed the head"
    );
}

#[test]
fn state_at_92nd_meeting_matches_the_reviewed_snapshot() {
    let (_dir, store) = ingested_seeds();
    let output = planledger(&store, &["state", "--at", "第92回", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json = stdout(&output);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["at"]["meeting"], "がん対策推進協議会 第92回");
    assert_eq!(value["at"]["date"], "2025-10-06");
    assert_eq!(value["measures"].as_array().unwrap().len(), 70);
    let targets = value["targets"].as_array().unwrap();
    assert!(targets
        .iter()
        .all(|t| t["key"].as_str().unwrap().starts_with('T')));
    assert!(targets
        .iter()
        .any(|t| t["value"] == "54.4" && t["as_of"] == "2025-04-01"));
    snapshot_settings().bind(|| insta::assert_snapshot!("state_at_92_json", json));
}

#[test]
fn every_reference_form_names_the_same_meeting() {
    let (_dir, store) = ingested_seeds();
    let reference = stdout(&planledger(
        &store,
        &["state", "--at", "第92回", "--format", "json"],
    ));
    for form in [
        "92",
        "第９２回",
        "がん対策推進協議会第92回",
        "がん対策推進協議会 第92回",
        "2025-10-06",
        "2025/10/6",
        "令和7年10月6日",
        "R7.10.6",
    ] {
        let output = planledger(&store, &["state", "--at", form, "--format", "json"]);
        assert_eq!(output.status.code(), Some(0), "{form}: {}", stderr(&output));
        assert_eq!(stdout(&output), reference, "{form}");
    }
    // In 2021 the ledger knows the 3rd plan only, from the draft quoted at the 2017 meeting;
    // the 4th plan's 取組一覧 does not exist yet.
    let output = planledger(&store, &["state", "--at", "2021-03-05", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0));
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(value["at"]["plan"], "第３期がん対策推進基本計画");
    assert_eq!(value["measures"].as_array().unwrap().len(), 3);
    // Asking for the 3rd plan at 第92回 still shows what the ledger knows of it.
    let output = planledger(
        &store,
        &[
            "state",
            "--at",
            "92",
            "--plan",
            "第3期がん対策推進基本計画",
            "--format",
            "json",
        ],
    );
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(value["measures"].as_array().unwrap().len(), 3);
    // Before any document, nothing stands: "nothing matched" is exit 1.
    let output = planledger(&store, &["state", "--at", "2017-06-20"]);
    assert_eq!(output.status.code(), Some(1));
    // A section filter.
    let output = planledger(
        &store,
        &[
            "state",
            "--at",
            "92",
            "--section",
            "2.(1).③",
            "--format",
            "json",
        ],
    );
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(value["measures"].as_array().unwrap().len(), 6);
}

#[test]
fn meetings_lists_every_document_in_time_order() {
    let (_dir, store) = ingested_seeds();
    let output = planledger(&store, &["meetings"]);
    assert_eq!(output.status.code(), Some(0));
    snapshot_settings().bind(|| insta::assert_snapshot!("meetings_text", stdout(&output)));
    let output = planledger(&store, &["meetings", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let dates: Vec<Option<&str>> = value["meetings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["date"].as_str())
        .collect();
    assert_eq!(
        dates,
        [
            Some("2017-06-21"),
            Some("2021-03-05"),
            Some("2025-10-06"),
            Some("2026-03-13"),
            None
        ]
    );
    let undated = &value["meetings"][4];
    assert_eq!(undated["body"], serde_json::Value::Null);
    assert_eq!(undated["date_bounds"]["not_before"], "2022-07-01");
    assert_eq!(undated["date_bounds"]["not_after"], serde_json::Value::Null);
    assert_eq!(
        undated["date_bounds"]["evidence"][0],
        "line 288: レジストリ登録(2017.5～2022.7)"
    );
    assert_eq!(undated["documents"][0]["title"], "希少がん対策の沿革");
    assert_eq!(value["meetings"][2]["date_bounds"], serde_json::Value::Null);
    assert_eq!(value["meetings"][2]["documents"][0]["label"], "参考資料6");
}

#[test]
fn log_filters_by_kind_and_measure() {
    let (_dir, store) = ingested_seeds();
    let output = planledger(&store, &["log", "--kind", "DocumentIngested"]);
    assert_eq!(stdout(&output).lines().count(), 5);
    let output = planledger(&store, &["log", "--kind", "nonsense"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("not an event kind"));
    let first_measure = planledger(
        &store,
        &["log", "--kind", "MeasureAdded", "--format", "json"],
    );
    let line = stdout(&first_measure).lines().next().unwrap().to_owned();
    let event: serde_json::Value = serde_json::from_str(&line).unwrap();
    let id = event["measure_id"].as_str().unwrap();
    let output = planledger(&store, &["log", "--measure", id]);
    // The measure itself, its four actions, and its two quotations in the 2026 WG slides.
    let log = stdout(&output);
    assert_eq!(log.lines().count(), 7, "{log}");
    assert_eq!(log.matches("MeasureCited").count(), 2, "{log}");
    assert!(log.contains("2026-03-13 MeasureCited"), "{log}");
}

fn assert_bad_input(output: std::process::Output, expected: &str) {
    assert_eq!(output.status.code(), Some(2), "stderr: {}", stderr(&output));
    let message = stderr(&output);
    assert!(
        message.contains(expected),
        "expected {expected:?} in: {message}"
    );
    assert!(!message.contains("panicked"), "{message}");
}

#[test]
fn bad_input_is_a_clear_error_with_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("ledger");
    let file = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path.display().to_string()
    };
    let flags = [
        "--meeting",
        "がん対策推進協議会 第93回",
        "--date",
        "2026-01-01",
        "--format",
        "torikumi",
    ];
    let with_flags = |path: &str| {
        let mut args = vec!["ingest", path];
        args.extend(flags);
        planledger(&store, &args.iter().map(|s| &**s).collect::<Vec<_>>())
    };
    assert_bad_input(
        planledger(&store, &["ingest", "/no/such/file.txt"]),
        "no such file or folder",
    );
    assert_bad_input(with_flags(&file("empty.txt", b"")), "empty");
    assert_bad_input(
        with_flags(&file("binary.txt", b"PK\x03\x04\x00\x00")),
        "binary",
    );
    assert_bad_input(with_flags(&file("latin.txt", b"caf\xe9 \xff")), "offset");
    let text = file(
        "table.txt",
        "第４期がん対策推進基本計画施策に対する取組一覧\n".as_bytes(),
    );
    assert_bad_input(
        planledger(
            &store,
            &[
                "ingest",
                &text,
                "--meeting",
                "x 第1回",
                "--date",
                "2026-01-01",
                "--format",
                "pdf",
            ],
        ),
        "not a document format",
    );
    assert_bad_input(
        planledger(
            &store,
            &[
                "ingest",
                &text,
                "--meeting",
                "x 第1回",
                "--date",
                "2025-02-30",
                "--format",
                "torikumi",
            ],
        ),
        "not a date",
    );
    assert_bad_input(planledger(&store, &["ingest", &text]), "needs --meeting");

    let folder = dir.path().join("corpus");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(
        folder.join("manifest.json"),
        r#"{"manifest_version": 1, "documents": [{"file": "gone.txt", "meeting": {"body": "b", "ordinal": 1, "date": "2025-01-01"}, "title": null, "format": "torikumi"}]}"#,
    )
    .unwrap();
    assert_bad_input(
        planledger(&store, &["ingest", folder.to_str().unwrap()]),
        "entry 0 names \"gone.txt\"",
    );
    std::fs::write(
        folder.join("manifest.json"),
        r#"{"manifest_version": 1, "documents": [{"file": "gone.txt", "meeting": {"body": "b", "ordinal": 1, "date": "2025-13-01"}, "title": null, "format": "torikumi"}]}"#,
    )
    .unwrap();
    assert_bad_input(
        planledger(&store, &["ingest", folder.to_str().unwrap()]),
        "not a date",
    );
    let empty_folder = dir.path().join("empty");
    std::fs::create_dir(&empty_folder).unwrap();
    assert_bad_input(
        planledger(&store, &["ingest", empty_folder.to_str().unwrap()]),
        "manifest.json",
    );
    // Nothing above may have appended anything.
    assert!(!store.exists() || planledger(&store, &["log"]).status.code() == Some(1));
    // Read commands never create a store.
    assert_bad_input(
        planledger(&dir.path().join("nowhere"), &["verify"]),
        "no ledger at",
    );
}

#[test]
fn meeting_references_that_match_nothing_or_cannot_be_read_are_exit_2() {
    let (_dir, store) = ingested_seeds();
    assert_bad_input(
        planledger(&store, &["state", "--at", "第999回"]),
        "no meeting in the ledger matches",
    );
    assert_bad_input(
        planledger(&store, &["state", "--at", "yesterday"]),
        "not a meeting reference",
    );
}

#[test]
fn a_second_process_gets_a_clear_in_use_error() {
    let (_dir, store) = ingested_seeds();
    let held = planledger::ledger::Store::open(&store).unwrap();
    // The ledger cannot be used: exit 3, not "bad input".
    let output = planledger(&store, &["--wait", "0", "verify"]);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert!(stderr(&output).contains("in use by another planledger process"));
    let output = planledger(&store, &["--wait", "0", "ingest", "seeds"]);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    // A reader waits for an ingest in progress (here: the held lock) and then reads.
    let release = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(700));
        drop(held);
    });
    let output = planledger(&store, &["--wait", "20", "verify"]);
    release.join().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    common::wait_until_released(&store);
    // So does an ingest, for a reader (a request of `serve`) holding the ledger a moment.
    let held = planledger::ledger::Store::open(&store).unwrap();
    let release = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(700));
        drop(held);
    });
    let seeds = common::seeds_dir();
    let output = planledger(&store, &["--wait", "20", "ingest", seeds.to_str().unwrap()]);
    release.join().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("0 failed"), "{}", stdout(&output));
    common::wait_until_released(&store);
    assert_eq!(planledger(&store, &["verify"]).status.code(), Some(0));
}

#[test]
fn a_closed_stdout_does_not_stop_an_ingest_half_way() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("ledger");
    let mut child = Command::new(env!("CARGO_BIN_EXE_planledger"))
        .arg("--store")
        .arg(&store)
        .args(["ingest", common::seeds_dir().to_str().unwrap()])
        .env("PLANLEDGER_NOW", FIXED_NOW)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // The reader goes away, as `| head -0` would.
    assert_eq!(child.wait().unwrap().code(), Some(0));
    let output = planledger(&store, &["verify"]);
    assert!(
        stdout(&output).starts_with("ok: 415 events, 5 documents"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn an_ordinal_two_bodies_share_is_exit_2_listing_both() {
    let (dir, store) = ingested_seeds();
    let extra = dir.path().join("old.txt");
    std::fs::write(
        &extra,
        "第１期がん対策推進基本計画施策に対する取組一覧\n①\n見出し\n\n国は、検討する。\n\n【健康局】\n○検討した。\n",
    )
    .unwrap();
    common::ingest_torikumi_as(&store, &extra, "がん対策推進協議会 第7回", "2008-01-01");
    let output = planledger(&store, &["state", "--at", "第7回"]);
    assert_bad_input(output, "is ambiguous");
    let message = stderr(&planledger(&store, &["state", "--at", "第７回"]));
    assert!(
        message.contains("がん対策推進協議会 第7回 (2008-01-01)"),
        "{message}"
    );
    assert!(
        message.contains(
            "がんゲノム医療中核拠点病院等の指定要件に関するワーキンググループ 第7回 (2026-03-13)"
        ),
        "{message}"
    );
    let output = planledger(&store, &["state", "--at", "がん対策推進協議会第7回"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

/// The latest observation of each figure known at a meeting (issue: targets).
fn target_at(store: &Path, at: &str, label: &str) -> Option<(String, Option<String>)> {
    let output = planledger(store, &["state", "--at", at, "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    value["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["label"] == label)
        .map(|t| {
            (
                t["value"].as_str().unwrap().to_owned(),
                t["as_of"].as_str().map(str::to_owned),
            )
        })
}

#[test]
fn figures_are_known_from_their_meeting_on_and_cited_twice_is_one_observation() {
    let (_dir, store) = ingested_seeds();
    // 2021: the genome-medicine hospital counts of that meeting, nothing from later documents.
    let at_2021 = |label| target_at(&store, "2021-03-05", label);
    assert_eq!(
        at_2021("がんゲノム医療拠点病院"),
        Some(("33".into(), Some("2021-02-01".into())))
    );
    assert_eq!(
        at_2021("がんゲノム医療連携病院"),
        Some(("161".into(), Some("2021-02-01".into())))
    );
    assert_eq!(at_2021("がんゲノム医療中核拠点病院等"), None);
    assert_eq!(
        at_2021("ハローワークと連携した就職支援を行っている拠点病院等の割合"),
        None
    );
    // 2026-03-13: 295 as of 2026-03-01 (after 243 as of 2023-03), and the 463 of 2025-04-01.
    let at_2026 = |label| target_at(&store, "2026-03-13", label);
    assert_eq!(
        at_2026("がんゲノム医療中核拠点病院等"),
        Some(("295".into(), Some("2026-03-01".into())))
    );
    assert_eq!(
        at_2026("がん診療連携拠点病院制度 合計"),
        Some(("463".into(), Some("2025-04-01".into())))
    );
    // The 中核拠点病院等 series across one slide deck: 243 (2023-03) → 282 (2025-06, curated in
    // the manifest: its sentence gives no label beside the number) → 295 (2026-03-01). What
    // each was before is said in valid time: 295 follows 282, whichever was stated first.
    let series = stdout(&planledger(&store, &["history", "T8bd43c6ae0"]));
    let values: Vec<&str> = series
        .lines()
        .filter_map(|l| l.split("がんゲノム医療中核拠点病院等: ").nth(1))
        .collect();
    assert_eq!(
        values,
        [
            "243施設 as of 2023-03",
            "282施設 as of 2025-06 (before: 243)",
            "295か所 as of 2026-03-01 (before: 282)"
        ],
        "{series}"
    );
    // 第92回: the Hello Work share is 54.4% as of 2025-04-01.
    assert_eq!(
        target_at(
            &store,
            "第92回",
            "ハローワークと連携した就職支援を行っている拠点病院等の割合"
        ),
        Some(("54.4".into(), Some("2025-04-01".into())))
    );
    // Seed 000 states the Hello Work series twice: three observations, not six.
    let key = {
        let output = planledger(&store, &["state", "--at", "第92回", "--format", "json"]);
        let value: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
        value["targets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["label"] == "ハローワークと連携した就職支援を行っている拠点病院等の割合")
            .unwrap()["key"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let history = stdout(&planledger(&store, &["history", &key]));
    assert_eq!(history.matches(" observed ").count(), 3, "{history}");
    assert!(
        history.contains("54.4% as of 2025-04-01 (before: 52.9)"),
        "{history}"
    );
    assert_eq!(
        planledger(&store, &["history", "T0000000000"])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn a_curated_fact_rests_on_a_verbatim_quote_or_the_document_is_refused() {
    let (_dir, store) = ingested_seeds();
    let output = planledger(&store, &["state", "--at", "第92回", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let goal = value["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["deadline"] == "2030-03-31")
        .expect("the biosimilar goal from the seed manifest");
    assert_eq!(goal["value"], "60");
    assert_eq!(goal["source"]["lines"], serde_json::json!([388, 389]));

    let work = tempfile::tempdir().unwrap();
    let folder = work.path().join("corpus");
    std::fs::create_dir(&folder).unwrap();
    std::fs::copy(common::seed("000_"), folder.join("000.txt")).unwrap();
    let manifest = serde_json::json!({"manifest_version": 1, "documents": [{
        "file": "000.txt",
        "meeting": {"body": "がん対策推進協議会", "ordinal": 92, "date": "2025-10-06"},
        "title": null, "format": "torikumi",
        "facts": [{"label": "目標", "value": "70", "unit": "%", "quote": "70％以上にする"}]
    }]});
    std::fs::write(folder.join("manifest.json"), manifest.to_string()).unwrap();
    let output = planledger(
        &work.path().join("ledger"),
        &["ingest", folder.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains("fact 0 (\"目標\"): the quote \"70％以上にする\" is not in the document"),
        "{message}"
    );
    assert!(
        message.contains("the document was not ingested"),
        "{message}"
    );
}

#[test]
fn an_individual_targets_deadline_is_resolved_once_the_plans_adoption_is_known() {
    let (_dir, store) = ingested_seeds();
    let deadline_at = |at: &str| {
        let output = planledger(
            &store,
            &[
                "state",
                "--at",
                at,
                "--plan",
                "第3期がん対策推進基本計画",
                "--format",
                "json",
            ],
        );
        let value: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
        let target = value["targets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| {
                t["label"]
                    .as_str()
                    .unwrap()
                    .contains("希少がん対策を統括する体制を２年以内に整備する")
            })
            .expect("001's 個別目標")
            .clone();
        assert_eq!(target["deadline_after_adoption"]["years"], 2);
        target["deadline"].clone()
    };
    // In 2021 the ledger has no statement of when the 3rd plan was adopted.
    assert_eq!(deadline_at("2021-03-05"), serde_json::Value::Null);
    // The 2026 slides state 「平成30年3月 第3期がん対策推進基本計画閣議決定」: due 2020-03.
    assert_eq!(deadline_at("2026-03-13"), "2020-03");
    // A plan's goals are shown with that plan: not among the 4th plan's at 第92回.
    let output = planledger(&store, &["state", "--at", "第92回", "--format", "json"]);
    assert!(!stdout(&output).contains("個別目標"));
}

#[test]
fn the_adopted_3rd_plan_wording_is_a_revision_of_the_drafts_measure() {
    let (_dir, store) = ingested_seeds();
    let events = common::log_json(&store, "MeasureRevised");
    assert_eq!(events.len(), 2, "{events:?}");
    for event in &events {
        let id = event["measure_id"].as_str().unwrap();
        let history = stdout(&planledger(&store, &["history", id]));
        // First stated by the 2017 slides (the draft), revised by the undated 「希少がん対策の沿革」.
        assert!(
            history.contains("added    がん診療提供体制のあり方に関する検討会 第9回"),
            "{history}"
        );
        assert!(history.contains("「希少がん対策の沿革」"), "{history}");
        assert_eq!(event["matched_text_hash"].as_str().unwrap().len(), 64);
    }
}

#[test]
fn the_adopted_wording_ingested_first_gives_the_drafts_id_and_keeps_its_own_as_an_alias() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("ledger");
    // 003 (the adopted 3rd plan, undated) before 001 (the 2017 draft).
    for seed in ["003_", "001_"] {
        let path = common::seed(seed);
        let output = planledger(&store, &["ingest", path.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }
    let (_dir2, in_order) = ingested_seeds();
    let ids_at_2021 = |store: &Path| -> Vec<String> {
        let output = planledger(store, &["state", "--at", "2021-03-05", "--format", "json"]);
        let value: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
        value["measures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let ids = ids_at_2021(&store);
    assert_eq!(ids.len(), 3);
    assert_eq!(ids, ids_at_2021(&in_order));
    // The events recorded the adopted wording's id first; it is an alias of the draft's id.
    let handles: Vec<String> = common::log_json(&store, "MeasureRevised")
        .iter()
        .map(|event| event["measure_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(handles.len(), 2, "{handles:?}");
    for handle in &handles {
        assert!(
            !ids.contains(handle),
            "{handle} is the adopted wording's own id"
        );
        let history = stdout(&planledger(&store, &["history", handle]));
        let canonical = history
            .split_whitespace()
            .nth(2)
            .unwrap()
            .trim_end_matches(':');
        assert!(ids.iter().any(|id| id == canonical), "{history}");
        assert!(
            history
                .lines()
                .any(|line| line.starts_with("also known as") && line.contains(handle.as_str())),
            "{history}"
        );
        // log --measure finds the same events under either id.
        let by_handle = stdout(&planledger(&store, &["log", "--measure", handle]));
        let by_canonical = stdout(&planledger(&store, &["log", "--measure", canonical]));
        assert_eq!(by_handle, by_canonical);
        assert_eq!(by_handle.lines().count(), 2, "{by_handle}");
    }
}

#[test]
fn a_figure_restated_by_a_later_document_is_recorded_for_it_and_shown_from_the_first() {
    // The 第93回 republication is ingested before the seeds (000 is 第92回).
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("ledger");
    let text = common::derived::with_footer(&common::derived::seed_lines(), 93);
    let path = dir.path().join("torikumi_93.txt");
    std::fs::write(&path, text).unwrap();
    common::ingest_torikumi_as(&store, &path, "がん対策推進協議会 第93回", "2026-01-15");
    let seeds = common::seeds_dir();
    let output = planledger(&store, &["ingest", seeds.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let share = "ハローワークと連携した就職支援を行っている拠点病院等の割合";
    let observations: Vec<serde_json::Value> = common::log_json(&store, "TargetChanged")
        .into_iter()
        .filter(|e| e["label"] == share && e["as_of"] == "2025-04-01")
        .collect();
    // Stated by the 第93回 republication and by 000: two records of one figure.
    assert_eq!(observations.len(), 2);
    let seed_000 = observations[1]["source"]["document"].clone();
    assert_ne!(observations[0]["source"]["document"], seed_000);
    let state = stdout(&planledger(
        &store,
        &["state", "--at", "第93回", "--format", "json"],
    ));
    let value: serde_json::Value = serde_json::from_str(&state).unwrap();
    let shown = value["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["label"] == share)
        .unwrap();
    assert_eq!(shown["value"], "54.4");
    // Shown from 000, the first document in meeting order to state it.
    assert_eq!(shown["source"]["document"], seed_000);
}

#[test]
fn a_file_that_is_not_the_declared_format_is_refused_and_nothing_is_appended() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("ledger");
    let readme = common::project_dir().join("README.md");
    let ingest_as = |path: &std::path::Path, format: &str| {
        planledger(
            &store,
            &[
                "ingest",
                path.to_str().unwrap(),
                "--meeting",
                "がん対策推進協議会 第93回",
                "--date",
                "2026-01-15",
                "--format",
                format,
            ],
        )
    };
    let output = ingest_as(&readme, "torikumi");
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    let message = stderr(&output);
    assert!(
        message.contains("README.md: not a 取組一覧 (--format torikumi)"),
        "{message}"
    );
    assert!(message.contains("bureau blocks 【…】"), "{message}");
    assert!(message.contains("0 actions in bureau blocks"), "{message}");
    assert!(
        stdout(&output).contains("head empty"),
        "{}",
        stdout(&output)
    );
    // Plain English text declared as slides is refused too.
    let cargo = common::project_dir().join("Cargo.toml");
    let output = ingest_as(&cargo, "slides");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no Japanese characters"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_table_printed_with_its_columns_side_by_side_is_refused_not_half_read() {
    // pdftotext -layout prints a row's cells on one line: the measure, then after a gap the
    // bureau's report. Here every line of seed 000 is set beside the line after it.
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("ledger");
    let seed = common::derived::seed_lines();
    let laid_out: Vec<String> = seed
        .chunks(2)
        .map(|pair| {
            let left = pair[0].trim_end();
            let pad = 40usize.saturating_sub(planledger::source::normalize::display_width(left));
            match pair.get(1) {
                Some(right) if !left.is_empty() && !right.trim().is_empty() => {
                    format!("{left}{}    {}", " ".repeat(pad), right.trim())
                }
                Some(right) => format!("{left}{}", right.trim()),
                None => left.to_owned(),
            }
        })
        .collect();
    let path = dir.path().join("layout.txt");
    std::fs::write(&path, laid_out.join("\n")).unwrap();
    let ingest = |format: Option<&str>| {
        let mut args = vec![
            "ingest",
            path.to_str().unwrap(),
            "--meeting",
            "がん対策推進協議会 第93回",
            "--date",
            "2026-01-15",
        ];
        if let Some(format) = format {
            args.extend(["--format", format]);
        }
        planledger(&store, &args)
    };
    let declared = ingest(Some("torikumi"));
    assert_eq!(declared.status.code(), Some(2), "{}", stdout(&declared));
    let message = stderr(&declared);
    assert!(
        message.contains("not a 取組一覧")
            && message.contains("-layout")
            && message.contains("columns side by side"),
        "{message}"
    );
    // Not recognised either: what it is must be said, and then it is refused as above.
    let undeclared = ingest(None);
    assert_eq!(undeclared.status.code(), Some(2), "{}", stdout(&undeclared));
    assert!(
        stderr(&undeclared).contains("--format"),
        "{}",
        stderr(&undeclared)
    );
    assert!(
        stdout(&declared).contains("head empty"),
        "{}",
        stdout(&declared)
    );
}

#[test]
fn a_damaged_store_is_exit_3_with_a_sentence_not_sleds_text() {
    let (_dir, store) = ingested_seeds();
    // Overwrite the middle of sled's data file and drop its snapshot.
    let db = store.join("db");
    let mut bytes = std::fs::read(&db).unwrap();
    let middle = bytes.len() / 2;
    for byte in &mut bytes[middle..middle + 4096] {
        *byte = 0xA5;
    }
    std::fs::write(&db, bytes).unwrap();
    common::remove_sled_snapshots(&store);
    let output = planledger(&store, &["state", "--at", "第92回"]);
    let code = output.status.code();
    let message = stderr(&output);
    // Either sled notices (exit 3, a sentence saying what to do) or the damage fell where
    // verify must find it.
    if code == Some(3) {
        assert!(message.contains("planledger verify"), "{message}");
        assert!(!message.contains("backtrace"), "{message}");
    } else {
        let verify = planledger(&store, &["verify"]);
        assert_ne!(verify.status.code(), Some(0), "{}", stdout(&verify));
    }
    assert!(!message.contains("panicked"), "{message}");
}

#[test]
fn misleading_errors_say_what_is_really_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("ledger");
    // A symbolic-link loop is not a missing file.
    #[cfg(unix)]
    {
        let looped = dir.path().join("loop.txt");
        std::os::unix::fs::symlink(&looped, &looped).unwrap();
        let output = planledger(&store, &["ingest", looped.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(2));
        assert!(
            !stderr(&output).contains("no such file"),
            "{}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains("cannot be read"),
            "{}",
            stderr(&output)
        );
    }
    // A whitespace-only file is not "empty".
    let blank = dir.path().join("blank.txt");
    std::fs::write(&blank, " \n\u{3000}\n").unwrap();
    let output = common::planledger(
        &store,
        &[
            "ingest",
            blank.to_str().unwrap(),
            "--meeting",
            "がん対策推進協議会 第93回",
            "--date",
            "2026-01-15",
            "--format",
            "slides",
        ],
    );
    assert!(
        stderr(&output).contains("only whitespace"),
        "{}",
        stderr(&output)
    );
    // An empty PLANLEDGER_STORE is named as such.
    let output = Command::new(env!("CARGO_BIN_EXE_planledger"))
        .env("PLANLEDGER_STORE", "")
        .arg("meetings")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("PLANLEDGER_STORE is set but empty"),
        "{}",
        stderr(&output)
    );
    // A cause is said once.
    let (_seeded, seeded_store) = ingested_seeds();
    let output = planledger(&seeded_store, &["prove", "inclusion", "999"]);
    let message = stderr(&output);
    assert_eq!(
        message.matches("is not in a tree of size").count(),
        1,
        "{message}"
    );
}

#[test]
fn a_single_file_without_format_is_recognised_and_ingest_says_which_and_why() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("ledger");
    for (seed, format) in [("000_", "torikumi"), ("002_", "slides"), ("004_", "slides")] {
        let path = common::seed(seed);
        let output = planledger(
            &store,
            &[
                "ingest",
                path.to_str().unwrap(),
                "--meeting",
                "がん対策推進協議会 第93回",
                "--date",
                "2026-01-15",
            ],
        );
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert!(
            stderr(&output).contains(&format!("no --format given; recognised as {format} (")),
            "{seed}: {}",
            stderr(&output)
        );
    }
    let ingested = common::log_json(&store, "DocumentIngested");
    let formats: Vec<&str> = ingested
        .iter()
        .map(|e| e["format"].as_str().unwrap())
        .collect();
    assert_eq!(formats, ["torikumi", "slides", "slides"]);

    // Recognition needs evidence: this README (Japanese, with dates and figures, but Markdown)
    // and Japanese prose with no mark of slides are refused, nothing appended.
    let prose = dir.path().join("prose.txt");
    std::fs::write(&prose, "がん対策は重要である。\n国は引き続き推進する。\n").unwrap();
    for path in [common::project_dir().join("README.md"), prose] {
        let output = planledger(
            &store,
            &[
                "ingest",
                path.to_str().unwrap(),
                "--meeting",
                "がん対策推進協議会 第94回",
                "--date",
                "2026-06-15",
            ],
        );
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(
            stderr(&output).contains("not recognised") && stderr(&output).contains("--format"),
            "{}",
            stderr(&output)
        );
    }
    assert_eq!(common::log_json(&store, "DocumentIngested").len(), 3);
}

/// Every message a command ends on when it fails starts `error:` — a finding that nothing
/// matched included — so a script or a reader finds them alike.
#[test]
fn every_failure_message_has_one_prefix() {
    let (_dir, store) = ingested_seeds();
    for (args, code) in [
        (vec!["history", "Mnothing"], 1),
        (vec!["log", "--measure", "Mnothing"], 1),
        (vec!["state", "--at", "1900-01-01"], 1),
        (vec!["state", "--at", "第99回"], 2),
        (vec!["diff", "--since", "nonsense"], 2),
    ] {
        let output = planledger(&store, &args);
        assert_eq!(
            output.status.code(),
            Some(code),
            "{args:?}: {}",
            stderr(&output)
        );
        let message = stderr(&output);
        assert!(
            message
                .lines()
                .last()
                .is_some_and(|l| l.starts_with("error: ")),
            "{args:?}: {message}"
        );
    }
}

/// Every citation in text output names its document beside its lines: the plan's measures and
/// figures, a figure's history, the log, the 新旧対照表's figures.
#[test]
fn every_citation_in_text_names_its_document() {
    let (_dir, store) = ingested_seeds();
    let cited = regex::Regex::new(r"[0-9a-f]{12} lines? [0-9]+").unwrap();
    let span = regex::Regex::new(r"lines? [0-9]+").unwrap();
    let state = stdout(&planledger(&store, &["state", "--at", "第92回"]));
    let figure = state
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("[T"))
        .and_then(|rest| rest.split(']').next())
        .map(|key| format!("T{key}"))
        .expect("the plan shows a figure");
    for args in [
        vec!["state", "--at", "第92回"],
        vec!["history", figure.as_str()],
        vec!["log", "--kind", "TargetChanged"],
        vec!["diff", "--since", "第92回"],
        vec!["timeline"],
    ] {
        let text = stdout(&planledger(&store, &args));
        let mut citations = 0;
        for line in text.lines() {
            citations += cited.find_iter(line).count();
            for found in span.find_iter(line) {
                let before = line[..found.start()].trim_end();
                let document = before.get(before.len().saturating_sub(12)..).unwrap_or("");
                assert!(
                    document.len() == 12 && document.bytes().all(|b| b.is_ascii_hexdigit()),
                    "{args:?}: a citation without its document: {line}"
                );
            }
        }
        assert!(citations > 0, "{args:?} cites nothing: {text}");
    }
}

/// `--date` of a single file and of `amend` reads a day in every form a meeting reference
/// does, 和暦 included.
#[test]
fn a_meeting_date_may_be_given_in_wareki() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("ledger");
    let seed = common::seed("000_");
    let output = planledger(
        &store,
        &[
            "ingest",
            seed.to_str().unwrap(),
            "--meeting",
            "がん対策推進協議会 第92回",
            "--date",
            "令和7年10月6日",
            "--format",
            "torikumi",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let meetings = stdout(&planledger(&store, &["meetings"]));
    assert!(meetings.contains("2025-10-06"), "{meetings}");
    let refused = planledger(
        &store,
        &[
            "ingest",
            seed.to_str().unwrap(),
            "--meeting",
            "第93回",
            "--date",
            "令和7年13月1日",
        ],
    );
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("is not a date"),
        "{}",
        stderr(&refused)
    );
}
