//! `diff` between the 第92回 取組一覧 and later versions derived from it by program, each a
//! realistic edit; the diff must report exactly the edit made, nothing more.

mod common;

use std::path::Path;

use common::{ingested_seeds, planledger, stderr, stdout};

const SEED_FOOTER: &str = "第92回がん対策推進協議会";

/// Seed 000's lines (1-based numbering kept by index + 1).
fn seed_lines() -> Vec<String> {
    std::fs::read_to_string(common::seed("000_"))
        .unwrap()
        .split('\n')
        .map(str::to_owned)
        .collect()
}

/// Writes a derived version, footer moved to 第93回, and ingests it as that meeting.
fn ingest_version(store: &Path, dir: &Path, lines: &[String]) {
    let text = lines
        .join("\n")
        .replace(SEED_FOOTER, "第93回がん対策推進協議会");
    let path = dir.join("torikumi_93.txt");
    std::fs::write(&path, text).unwrap();
    let output = planledger(
        store,
        &[
            "ingest",
            path.to_str().unwrap(),
            "--meeting",
            "がん対策推進協議会 第93回",
            "--date",
            "2026-01-15",
            "--format",
            "torikumi",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        !stdout(&output).contains("the pages say"),
        "the footer matches: {}",
        stdout(&output)
    );
}

fn diff_json(store: &Path) -> serde_json::Value {
    let output = planledger(
        store,
        &[
            "diff", "--since", "第92回", "--until", "第93回", "--format", "json",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    serde_json::from_str(&stdout(&output)).unwrap()
}

fn count(value: &serde_json::Value, path: &[&str]) -> usize {
    path.iter()
        .fold(value, |v, key| &v[*key])
        .as_array()
        .unwrap_or_else(|| panic!("{path:?} is a list"))
        .len()
}

fn assert_only(value: &serde_json::Value, expected: &[(&[&str], usize)]) {
    let all: [&[&str]; 6] = [
        &["measures", "added"],
        &["measures", "removed"],
        &["measures", "revised"],
        &["actions", "added"],
        &["actions", "removed"],
        &["targets", "changed"],
    ];
    for path in all {
        let want = expected
            .iter()
            .find(|(p, _)| *p == path)
            .map_or(0, |(_, n)| *n);
        assert_eq!(count(value, path), want, "{path:?} in {value:#}");
    }
}

#[test]
fn an_identical_republication_diffs_as_empty() {
    let (dir, store) = ingested_seeds();
    ingest_version(&store, dir.path(), &seed_lines());
    assert_only(&diff_json(&store), &[]);
}

#[test]
fn a_bullet_added_to_a_done_column_is_one_added_action() {
    let (dir, store) = ingested_seeds();
    let mut lines = seed_lines();
    // After the first done bullet of the measure at line 55 (it ends at line 63).
    assert!(lines[62].ends_with("病理医の配置を定めた。"));
    lines.insert(
        63,
        "○令和８年１月に、がん診療連携拠点病院等の指定要件の見直しに関する検討会を開".into(),
    );
    lines.insert(
        64,
        "催し、病理診断体制の要件について議論を開始した。".into(),
    );
    ingest_version(&store, dir.path(), &lines);
    let value = diff_json(&store);
    assert_only(&value, &[(&["actions", "added"], 1)]);
    let added = &value["actions"]["added"][0];
    assert_eq!(added["status"], "done");
    assert_eq!(added["bureau"], "健康・生活衛生局がん・疾病対策課");
    assert_eq!(
        added["text"],
        "令和８年１月に、がん診療連携拠点病院等の指定要件の見直しに関する検討会を開催し、病理診断体制の要件について議論を開始した。"
    );
}

#[test]
fn a_planned_bullet_carried_out_moves_to_the_done_column() {
    let (dir, store) = ingested_seeds();
    let mut lines = seed_lines();
    // Drop the planned bullet at lines 77–79 …
    assert!(lines[76].starts_with("○がん患者に対する遠隔病理診断の在り方については"));
    lines.drain(76..79);
    // … and report it done in the done column (after line 63).
    lines.insert(
        63,
        "○がん患者に対する遠隔病理診断の在り方について、関係学会等と議論し、次期整備指".into(),
    );
    lines.insert(64, "針の改定に向けた論点を整理した。".into());
    ingest_version(&store, dir.path(), &lines);
    let value = diff_json(&store);
    assert_only(
        &value,
        &[(&["actions", "added"], 1), (&["actions", "removed"], 1)],
    );
    assert_eq!(value["actions"]["added"][0]["status"], "done");
    assert_eq!(value["actions"]["removed"][0]["status"], "planned");
    assert_eq!(
        value["actions"]["added"][0]["measure_id"],
        value["actions"]["removed"][0]["measure_id"]
    );
}

#[test]
fn the_bundled_corpus_since_92_updates_figures_and_changes_no_measure() {
    let (_dir, store) = ingested_seeds();
    let output = planledger(&store, &["diff", "--since", "第92回", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(value["until"]["date"], "2026-03-13");
    assert_eq!(count(&value, &["measures", "added"]), 0);
    assert_eq!(count(&value, &["measures", "removed"]), 0);
    assert_eq!(count(&value, &["actions", "added"]), 0);
    let changed = value["targets"]["changed"].as_array().unwrap();
    let core = changed
        .iter()
        .find(|t| t["label"] == "がんゲノム医療中核拠点病院等")
        .unwrap();
    assert_eq!(core["after"], "295");
    assert_eq!(core["as_of"], "2026-03-01");
}
