//! `diff` between the 第92回 取組一覧 and later versions derived from it by program, each a
//! realistic edit; the diff must report exactly the edit made, nothing more.

use crate::common;

use std::path::Path;

use common::derived::*;
use common::{ingested_seeds, planledger, stderr, stdout};

/// Ingests a file as 第93回 (2026-01-15), checking that its footer agrees.
fn ingest_file(store: &Path, path: &Path) {
    let output = common::ingest_torikumi_as(store, path, "がん対策推進協議会 第93回", "2026-01-15");
    assert!(
        !stdout(&output).contains("the pages say"),
        "the footer matches: {}",
        stdout(&output)
    );
}

/// Writes a derived version, footer moved to 第93回, and ingests it as that meeting.
fn ingest_version(store: &Path, dir: &Path, lines: &[String]) {
    let text = with_footer(lines, 93);
    let path = dir.join("torikumi_93.txt");
    std::fs::write(&path, text).unwrap();
    ingest_file(store, &path);
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
    let all: [&[&str]; 13] = [
        &["measures", "added"],
        &["measures", "removed"],
        &["measures", "revised"],
        &["measures", "successions"],
        &["measures", "moved"],
        &["actions", "added"],
        &["actions", "removed"],
        &["actions", "completed"],
        &["actions", "reopened"],
        &["actions", "revised"],
        &["actions", "dropped"],
        &["bureaus", "renamed"],
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
fn a_republication_whose_title_prints_its_date_is_the_same_series() {
    let (dir, store) = ingested_seeds();
    let mut lines = seed_lines();
    replace_measure_at_81(&mut lines);
    assert_eq!(lines[1], "第４期がん対策推進基本計画施策に対する取組一覧");
    lines[1].push_str("（令和８年１月時点）");
    ingest_version(&store, dir.path(), &lines);
    // A later version of the same series: what it no longer states is gone.
    assert_only(
        &diff_json(&store),
        &[
            (&["measures", "added"], 1),
            (&["measures", "removed"], 1),
            (&["actions", "added"], 2),
            (&["actions", "removed"], 3),
        ],
    );
}

#[test]
fn a_bullet_added_to_a_done_column_is_one_added_action() {
    let (dir, store) = ingested_seeds();
    let mut lines = seed_lines();
    add_done_bullet(&mut lines);
    ingest_version(&store, dir.path(), &lines);
    let value = diff_json(&store);
    assert_only(&value, &[(&["actions", "added"], 1)]);
    let added = &value["actions"]["added"][0];
    assert_eq!(added["status"], "done");
    assert_eq!(added["bureau"], "健康・生活衛生局がん・疾病対策課");
    assert_eq!(added["text"], ADDED_DONE_BULLET);
    // In the 新旧対照表 the added 取組 names the 施策 it belongs to (id and first words), and
    // the 改正前 side says （新設）.
    let html = stdout(&planledger(
        &store,
        &[
            "diff", "--since", "第92回", "--until", "第93回", "--format", "html",
        ],
    ));
    let measure_text = added["measure_text"].as_str().unwrap();
    let first_words: String = measure_text.chars().take(30).collect();
    assert!(
        html.contains(&format!(
            "施策 {}「{first_words}",
            added["measure_id"].as_str().unwrap()
        )),
        "{html}"
    );
    assert!(
        html.contains("具体的な取組【健康・生活衛生局がん・疾病対策課】（新設）")
            && html.contains("<td>（新設）</td>"),
        "{html}"
    );
}

#[test]
fn a_planned_bullet_carried_out_moves_to_the_done_column() {
    let (dir, store) = ingested_seeds();
    let mut lines = seed_lines();
    carry_out_planned_bullet(&mut lines);
    ingest_version(&store, dir.path(), &lines);
    let value = diff_json(&store);
    // Reported done in new words: one completion, with the changed characters — not an action
    // removed and another added.
    assert_only(&value, &[(&["actions", "completed"], 1)]);
    let fate = &value["actions"]["completed"][0];
    assert_eq!(fate["before"]["status"], "planned");
    assert_eq!(fate["after"]["status"], "done");
    assert_eq!(fate["before"]["measure_id"], fate["after"]["measure_id"]);
    assert!(fate["changes"].as_array().unwrap().len() > 1);
    // In CSV the row names the measure's section and where each side was stated.
    let output = planledger(
        &store,
        &[
            "diff", "--since", "第92回", "--until", "第93回", "--format", "csv",
        ],
    );
    let csv = stdout(&output);
    let rows: Vec<Vec<String>> =
        csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes())
            .records()
            .map(|record| record.unwrap().iter().map(str::to_owned).collect())
            .collect();
    assert_eq!(rows.len(), 1, "{csv}");
    let row = &rows[0];
    assert_eq!(row[1], "completed", "{csv}");
    assert_eq!(row[6], "planned → done", "{csv}");
    let section: Vec<&str> = fate["after"]["section"]["path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert_eq!(row[4], section.join("."), "{csv}");
    for (side, columns) in [("before", 11..13), ("after", 13..15)] {
        let source = &fate[side]["source"];
        let expected = [
            source["document"].as_str().unwrap().to_owned(),
            format!("{}-{}", source["lines"][0], source["lines"][1]),
        ];
        assert_eq!(row[columns], expected, "{csv}");
    }
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
    assert_eq!(core["after"]["value"], "295");
    assert_eq!(core["after"]["unit"], "か所");
    assert_eq!(core["after"]["as_of"], "2026-03-01");
    assert!(core["before"].is_null(), "{core}");
    // A figure both states show: each side with its own value, unit, as-of and source.
    let hospitals = changed
        .iter()
        .find(|t| t["label"] == "地域がん診療病院")
        .unwrap();
    for (side, value, as_of) in [
        ("before", "34", "2017-04-01"),
        ("after", "59", "2025-04-01"),
    ] {
        assert_eq!(hospitals[side]["value"], value, "{hospitals}");
        assert_eq!(hospitals[side]["unit"], "か所", "{hospitals}");
        assert_eq!(hospitals[side]["as_of"], as_of, "{hospitals}");
        assert!(
            hospitals[side]["source"]["document"].is_string(),
            "{hospitals}"
        );
    }
    assert_ne!(hospitals["before"]["source"], hospitals["after"]["source"]);
    // The same row for Excel: the label, both values with their units, both as-ofs, both
    // documents and their lines.
    let output = planledger(&store, &["diff", "--since", "第92回", "--format", "csv"]);
    let csv = stdout(&output);
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let row = reader
        .records()
        .map(Result::unwrap)
        .find(|row| row.get(3) == Some("地域がん診療病院"))
        .unwrap_or_else(|| panic!("no row with the figure's label: {csv}"));
    let field = |name: &str| {
        let at = header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{name}"));
        row.get(at).unwrap().to_owned()
    };
    assert_eq!(field("kind"), "target");
    assert_eq!(field("before"), "34か所");
    assert_eq!(field("after"), "59か所");
    assert_eq!(field("before_as_of"), "2017-04-01");
    assert_eq!(field("after_as_of"), "2025-04-01");
    for side in ["before", "after"] {
        let source = &hospitals[side]["source"];
        assert_eq!(
            field(&format!("{side}_document")),
            source["document"].as_str().unwrap()
        );
        assert_eq!(
            field(&format!("{side}_lines")),
            format!("{}-{}", source["lines"][0], source["lines"][1])
        );
    }
}

#[test]
fn a_reworded_measure_is_revised_under_its_id() {
    let (dir, store) = ingested_seeds();
    let mut lines = seed_lines();
    reword_measure_at_55(&mut lines);
    ingest_version(&store, dir.path(), &lines);
    let value = diff_json(&store);
    assert_only(&value, &[(&["measures", "revised"], 1)]);
    let revised = &value["measures"]["revised"][0];
    assert!(revised["before"]
        .as_str()
        .unwrap()
        .contains("体制整備を引き続き推進する"));
    assert!(revised["after"]
        .as_str()
        .unwrap()
        .contains("体制整備を一層推進する"));
    let edits: Vec<(&str, &str)> = revised["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["op"] != "equal")
        .map(|c| (c["op"].as_str().unwrap(), c["text"].as_str().unwrap()))
        .collect();
    assert_eq!(edits, [("delete", "引き続き"), ("insert", "一層")]);
    // CSV for Excel: BOM, a header, one row per change.
    let output = planledger(
        &store,
        &[
            "diff", "--since", "第92回", "--until", "第93回", "--format", "csv",
        ],
    );
    let csv = stdout(&output);
    assert!(csv.starts_with('\u{feff}'), "UTF-8 BOM");
    let rows: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        rows[0],
        "kind,change,measure_id,label,section,bureau,status,before,after,before_as_of,after_as_of,before_document,before_lines,after_document,after_lines"
    );
    assert_eq!(rows.len(), 2, "{csv}");
    assert!(rows[1].starts_with(&format!(
        "measure,revised,{},,2.(1).①,",
        revised["id"].as_str().unwrap()
    )));
    // Each side's provenance: the document and lines it was stated at.
    let provenance = |side: &str| {
        format!(
            ",{},{}-{}",
            revised[side]["document"].as_str().unwrap(),
            revised[side]["lines"][0],
            revised[side]["lines"][1]
        )
    };
    assert!(
        rows[1].ends_with(&(provenance("source_before") + &provenance("source_after"))),
        "{csv}"
    );
    let text = stdout(&planledger(
        &store,
        &["diff", "--since", "第92回", "--until", "第93回"],
    ));
    assert!(
        text.contains("変更箇所: ") && text.contains("[-引き続き-]{+一層+}"),
        "{text}"
    );
}

#[test]
fn a_deleted_and_an_inserted_measure() {
    let (dir, store) = ingested_seeds();
    let mut lines = seed_lines();
    replace_measure_at_81(&mut lines);
    ingest_version(&store, dir.path(), &lines);
    let value = diff_json(&store);
    assert_only(
        &value,
        &[
            (&["measures", "added"], 1),
            (&["measures", "removed"], 1),
            (&["actions", "added"], 2),
            (&["actions", "removed"], 3),
        ],
    );
    assert!(value["measures"]["removed"][0]["text"]
        .as_str()
        .unwrap()
        .starts_with("国及び都道府県は、感染症発生"));
    assert_eq!(
        value["measures"]["added"][0]["section"]["path"],
        serde_json::json!(["2", "(1)", "①"])
    );
    let statuses: Vec<&str> = value["actions"]["added"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["done", "planned"]);
}

#[test]
fn the_same_table_laid_out_again_diffs_as_empty() {
    // Narrower (0.65, 0.8) and wider (1.15) columns; pages of 29, 37 and 53 lines.
    for (scale, page_lines) in [(0.65, 29), (0.8, 37), (1.15, 53)] {
        let (dir, store) = ingested_seeds();
        let lines = relaid_out(&seed_lines(), scale, page_lines);
        assert_ne!(lines, seed_lines());
        ingest_version(&store, dir.path(), &lines);
        assert_only(&diff_json(&store), &[]);
    }
}

#[test]
fn the_same_table_saved_as_cp932_diffs_as_empty() {
    let (dir, store) = ingested_seeds();
    let text = with_footer(&seed_lines(), 93);
    let path = dir.path().join("torikumi_93_cp932.txt");
    std::fs::write(&path, common::legacy_copy(&text, encoding_rs::SHIFT_JIS)).unwrap();
    ingest_file(&store, &path);
    assert_only(&diff_json(&store), &[]);
}

#[test]
fn the_same_table_saved_as_euc_jp_or_bomless_utf16_diffs_as_empty() {
    let text = with_footer(&seed_lines(), 93);
    let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    for (name, bytes) in [
        ("euc_jp", common::legacy_copy(&text, encoding_rs::EUC_JP)),
        ("utf16le", utf16),
    ] {
        let (dir, store) = ingested_seeds();
        let path = dir.path().join(format!("torikumi_93_{name}.txt"));
        std::fs::write(&path, bytes).unwrap();
        ingest_file(&store, &path);
        assert_only(&diff_json(&store), &[]);
    }
}

#[test]
fn the_comparison_table_as_text_and_html_matches_the_reviewed_snapshots() {
    let (dir, store) = ingested_seeds();
    ingest_version(&store, dir.path(), &combined_edit());
    let diff = |format: &str| {
        let output = planledger(
            &store,
            &[
                "diff", "--since", "第92回", "--until", "第93回", "--format", format,
            ],
        );
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        stdout(&output)
    };
    let html = diff("html");
    assert!(html.starts_with("<!DOCTYPE html><html lang=\"ja\">"));
    assert!(html.contains("<th>改正後</th><th>改正前</th>"));
    assert!(
        html.contains("体制整備を<ins>一層</ins>推進する"),
        "changed characters marked"
    );
    assert!(html.contains("体制整備を<del>引き続き</del>推進する"));
    // A citation names the meeting, the 資料 label and title, the lines and the hash.
    assert!(
        html.contains("出典: がん対策推進協議会 第92回 参考資料6 「第４期がん対策推進基本計画施策に対する取組一覧（令和7年9月時点）」 55–58行 <code>952d43742707</code>"),
        "{html}"
    );
    assert!(
        !html.contains("http"),
        "self-contained: nothing loaded from elsewhere"
    );
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        insta::assert_snapshot!("diff_92_to_derived_93_text", diff("text"));
        insta::assert_snapshot!("diff_92_to_derived_93_html", html);
    });
}

#[test]
fn document_text_in_the_html_is_escaped() {
    let (dir, store) = ingested_seeds();
    let mut lines = seed_lines();
    lines.insert(
        63,
        "○<script>alert('x')</script>を含む報告書の取扱いについて、関係者と議論し&整理した".into(),
    );
    lines.insert(64, "ところである。".into());
    ingest_version(&store, dir.path(), &lines);
    let output = planledger(
        &store,
        &[
            "diff", "--since", "第92回", "--until", "第93回", "--format", "html",
        ],
    );
    let html = stdout(&output);
    assert!(
        html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
        "{html}"
    );
    assert!(!html.contains("<script>"));
    assert!(html.contains("議論し&amp;整理した"));
}

#[test]
fn a_print_that_keeps_the_words_and_loses_the_structure_raises_the_alarm() {
    let (dir, store) = ingested_seeds();
    // A PDF-to-text tool that drops the circled numbers standing alone on their lines (①, ②
    // …: a glyph its font did not map): every word is there, most sections are gone.
    let lines: Vec<String> = seed_lines()
        .into_iter()
        .filter(|line| !matches!(line.trim().chars().collect::<Vec<_>>()[..], ['①'..='⑳']))
        .collect();
    let path = dir.path().join("torikumi_93.txt");
    std::fs::write(&path, with_footer(&lines, 93)).unwrap();
    let run = |strict: bool| {
        let mut args = vec![
            "ingest",
            path.to_str().unwrap(),
            "--meeting",
            "がん対策推進協議会 第93回",
            "--date",
            "2026-01-15",
            "--format",
            "torikumi",
        ];
        if strict {
            args.push("--strict");
        }
        planledger(&store, &args)
    };
    let refused = run(true);
    assert_eq!(refused.status.code(), Some(2), "{}", stdout(&refused));
    let message = stderr(&refused);
    assert!(
        message.contains("departs from がん対策推進協議会 第92回's as a misread print would")
            && message.contains("sections are gone")
            && message.contains("100% of the previous version's statements are still in the text"),
        "{message}"
    );
    assert!(stdout(&refused).contains("0 documents appended"));
    let warned = run(false);
    assert_eq!(warned.status.code(), Some(0), "{}", stderr(&warned));
    assert!(
        stdout(&warned).contains("misread print"),
        "{}",
        stdout(&warned)
    );
}

#[test]
fn a_real_revision_does_not_raise_the_alarm() {
    let (_dir, store) = ingested_seeds();
    let revision = common::project_dir().join("examples/revision");
    let output = planledger(&store, &["ingest", revision.to_str().unwrap(), "--strict"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        !stdout(&output).contains("misread print") && !stderr(&output).contains("misread print"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn a_version_that_loses_a_measure_into_an_action_is_warned_of_and_refused_when_strict() {
    let (dir, store) = ingested_seeds();
    let mut lines = seed_lines();
    glue_measure_at_383_into_the_action_above(&mut lines);
    let path = dir.path().join("torikumi_93.txt");
    std::fs::write(&path, with_footer(&lines, 93)).unwrap();
    let args = |strict: bool| {
        let mut args = vec![
            "ingest",
            path.to_str().unwrap(),
            "--meeting",
            "がん対策推進協議会 第93回",
            "--date",
            "2026-01-15",
            "--format",
            "torikumi",
        ];
        if strict {
            args.push("--strict");
        }
        args.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let run = |strict: bool| {
        let args = args(strict);
        planledger(&store, &args.iter().map(String::as_str).collect::<Vec<_>>())
    };
    // --strict refuses it: exit 2, nothing appended, both lines named.
    let refused = run(true);
    assert_eq!(refused.status.code(), Some(2), "{}", stdout(&refused));
    let message = stderr(&refused);
    assert!(
        message.contains("measure at line 383 of がん対策推進協議会 第92回 is no longer stated as a measure but appears inside an action at line 3"),
        "{message}"
    );
    assert!(stdout(&refused).contains("0 documents appended"));
    // Without it, the document is ingested and the warning printed.
    let warned = run(false);
    assert_eq!(warned.status.code(), Some(0), "{}", stderr(&warned));
    assert!(
        stdout(&warned).contains("appears inside an action at line"),
        "{}",
        stdout(&warned)
    );
}

/// Ingests `lines` as 第93回 into a fresh ledger: after the seeds (in order), or before them
/// (the later version first).
fn ledger_with_version(
    lines: &[String],
    later_first: bool,
) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("ledger");
    let path = dir.path().join("torikumi_93.txt");
    std::fs::write(&path, with_footer(lines, 93)).unwrap();
    let seed = common::seed("000_");
    let version = || ingest_file(&store, &path);
    let original = || {
        common::ingest_torikumi_as(&store, &seed, "がん対策推進協議会 第92回", "2025-10-06");
    };
    if later_first {
        version();
        original();
    } else {
        original();
        version();
    }
    (dir, store)
}

#[test]
fn a_deleted_clause_is_one_revision_whatever_order_the_versions_arrive_in() {
    let mut lines = seed_lines();
    delete_clause_at_20(&mut lines);
    let mut diffs = Vec::new();
    for later_first in [false, true] {
        let (_dir, store) = ledger_with_version(&lines, later_first);
        let diff = diff_json(&store);
        // One measure revised; its four actions unchanged; nothing added or removed.
        assert_only(&diff, &[(&["measures", "revised"], 1)]);
        let revision = &diff["measures"]["revised"][0];
        let deleted: Vec<&str> = revision["changes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["op"] == "delete")
            .map(|c| c["text"].as_str().unwrap())
            .collect();
        assert_eq!(deleted, [DELETED_CLAUSE]);
        diffs.push(diff);
    }
    // The measure keeps one id (the earlier version's), whichever came first.
    assert_eq!(diffs[0]["measures"], diffs[1]["measures"]);
}

#[test]
fn a_split_measure_shows_its_old_text_opposite_both_successors_in_either_order() {
    let mut lines = seed_lines();
    split_measure_at_55(&mut lines);
    let mut views = Vec::new();
    for later_first in [false, true] {
        let (_dir, store) = ledger_with_version(&lines, later_first);
        let diff = diff_json(&store);
        // The old measure is in no added/removed list: it stands opposite its two successors.
        // Its actions moved with their halves (no change); the new done bullet is the one
        // action added.
        assert_only(
            &diff,
            &[
                (&["measures", "successions"], 1),
                (&["actions", "added"], 1),
            ],
        );
        let added = &diff["actions"]["added"][0];
        assert!(added["text"]
            .as_str()
            .unwrap()
            .contains("細胞診断体制の実態調査"));
        assert_eq!(added["status"], "done");
        let succession = &diff["measures"]["successions"][0];
        assert_eq!(succession["before"].as_array().unwrap().len(), 1);
        assert_eq!(succession["after"].as_array().unwrap().len(), 2);
        assert!(succession["before"][0]["text"]
            .as_str()
            .unwrap()
            .contains("また、質の高い病理診断"));
        // Each successor names the measure it came from.
        let state: serde_json::Value = serde_json::from_str(&stdout(&planledger(
            &store,
            &["state", "--at", "第93回", "--format", "json"],
        )))
        .unwrap();
        let old_id = succession["before"][0]["id"].as_str().unwrap();
        for successor in succession["after"].as_array().unwrap() {
            let measure = state["measures"]
                .as_array()
                .unwrap()
                .iter()
                .find(|m| m["id"] == successor["id"])
                .unwrap();
            assert_eq!(measure["lineage"], serde_json::json!([old_id]));
        }
        let output = planledger(
            &store,
            &[
                "diff", "--since", "第92回", "--until", "第93回", "--format", "html",
            ],
        );
        let html = stdout(&output);
        assert!(html.contains("施策（分割）"), "{html}");
        views.push(diff["measures"].clone());
    }
    assert_eq!(views[0], views[1]);
}

#[test]
fn two_measures_merged_show_both_old_texts_opposite_the_one_in_either_order() {
    let mut lines = seed_lines();
    merge_measures_at_20_and_55(&mut lines);
    let mut views = Vec::new();
    for later_first in [false, true] {
        let (_dir, store) = ledger_with_version(&lines, later_first);
        let diff = diff_json(&store);
        // One succession, two before and one after; every bullet moved with its text, so no
        // action changed.
        assert_only(&diff, &[(&["measures", "successions"], 1)]);
        let succession = &diff["measures"]["successions"][0];
        assert_eq!(succession["before"].as_array().unwrap().len(), 2);
        assert_eq!(succession["after"].as_array().unwrap().len(), 1);
        let output = planledger(&store, &["diff", "--since", "第92回", "--until", "第93回"]);
        assert!(
            stdout(&output).contains("> 統合 merged"),
            "{}",
            stdout(&output)
        );
        views.push(diff["measures"].clone());
    }
    assert_eq!(views[0], views[1]);
}

/// Three planned bullets printed as done, two measures swapped, one moved to another section and
/// one character removed: three completions (word for word), the moved measure under its old id
/// and said as moved, one revision — and not one action added or removed.
#[test]
fn completions_a_swap_a_move_and_a_character_read_as_what_they_are() {
    let (dir, store) = ingested_seeds();
    let moved_id = before_id_of(
        &store,
        "国は、拠点病院等、小児がん拠点病院等、がんゲノム医療中核拠点病院等が相互に連携可能となるよう検討する。",
    );
    ingest_version(&store, dir.path(), &completions_swap_move_and_a_character());
    let diff = diff_json(&store);
    assert_only(
        &diff,
        &[
            (&["measures", "revised"], 1),
            (&["measures", "moved"], 1),
            (&["actions", "completed"], 3),
        ],
    );
    let moved = &diff["measures"]["moved"][0];
    assert_eq!(moved["id"], moved_id.as_str());
    assert_eq!(
        moved["section_before"]["path"],
        serde_json::json!(["2", "(1)", "①"])
    );
    assert_eq!(
        moved["section_after"]["path"],
        serde_json::json!(["2", "(1)", "②"])
    );
    for fate in diff["actions"]["completed"].as_array().unwrap() {
        assert_eq!(fate["before"]["status"], "planned");
        assert_eq!(fate["after"]["status"], "done");
        assert_eq!(fate["changes"], serde_json::json!([]), "word for word");
    }
    let text = stdout(&planledger(
        &store,
        &["diff", "--since", "第92回", "--until", "第93回"],
    ));
    assert!(text.contains("> 移動 moved ["), "{text}");
    assert_eq!(text.matches("completed (実施済み)").count(), 3, "{text}");
}

/// The id `state` at 第92回 shows for the measure with this text.
fn before_id_of(store: &Path, text: &str) -> String {
    let output = planledger(store, &["state", "--at", "第92回", "--format", "json"]);
    let state: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    state["measures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["text"] == text)
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .unwrap_or_else(|| panic!("no measure {text}"))
}

/// A 取組一覧 from before the reorganisation of 令和5年9月1日 (健康局 where 第92回 prints
/// 健康・生活衛生局) diffs against 第92回 with no action added or removed: the bureau renamed,
/// said once, with the instrument that renamed it.
#[test]
fn a_version_from_before_the_reorganisation_reads_as_a_bureau_renamed() {
    let (dir, store) = ingested_seeds();
    let path = dir.path().join("torikumi_85.txt");
    std::fs::write(&path, with_footer(&before_the_reorganisation(), 85)).unwrap();
    let output =
        common::ingest_torikumi_as(&store, &path, "がん対策推進協議会 第85回", "2023-06-01");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = planledger(
        &store,
        &[
            "diff", "--since", "第85回", "--until", "第92回", "--format", "json",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let diff: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(count(&diff, &["actions", "added"]), 0, "{diff:#}");
    assert_eq!(count(&diff, &["actions", "removed"]), 0, "{diff:#}");
    assert_eq!(count(&diff, &["measures", "added"]), 0);
    assert_eq!(count(&diff, &["measures", "removed"]), 0);
    let renamed = diff["bureaus"]["renamed"].as_array().unwrap();
    assert_eq!(renamed.len(), 1, "{renamed:?}");
    assert_eq!(renamed[0]["before"], "健康局がん・疾病対策課");
    assert_eq!(renamed[0]["after"], "健康・生活衛生局がん・疾病対策課");
    assert_eq!(renamed[0]["effective"], "2023-09-01");
    assert!(renamed[0]["source"]
        .as_str()
        .unwrap()
        .contains("令和5年政令第263号"));
}

/// Planned bullets that can be reported done word for word (their lines, first words and the
/// last line of their bureau's done block), each edit leaving the lines above its done block
/// where they were: in this order, any subset applies.
const CARRIED_OUT: [(std::ops::Range<usize>, &str, usize); 4] = [
    (203..206, "○また、提供するデータの解釈", 196),
    (160..162, "○標準治療前のがん遺伝子パネル検査", 147),
    (114..117, "○がん診療連携拠点病院等、小児がん拠点病院等", 108),
    (96..98, "○BCPに関する議論の状況を踏まえ", 89),
];

/// A version that differs from 第92回 only by moving k planned actions to the done column, word
/// for word, shows exactly k completions and nothing else — for every subset of four.
#[test]
fn moving_k_planned_actions_to_done_is_exactly_k_completions() {
    let (dir, seeded) = ingested_seeds();
    for subset in 0u32..(1 << CARRIED_OUT.len()) {
        let mut lines = seed_lines();
        for (index, (range, first_words, done_end)) in CARRIED_OUT.iter().enumerate() {
            if subset & (1 << index) != 0 {
                report_planned_bullet_done(&mut lines, range.clone(), first_words, *done_end);
            }
        }
        let store = dir.path().join(format!("subset-{subset}"));
        common::copy_folder(&seeded, &store);
        ingest_version(&store, dir.path(), &lines);
        let k = subset.count_ones() as usize;
        if k == 0 {
            assert_only(&diff_json(&store), &[]);
        } else {
            assert_only(&diff_json(&store), &[(&["actions", "completed"], k)]);
        }
    }
}

/// A later version that prints every action of a bureau under a name the previous version did
/// not use, and no reorganisation the table knows explains: ingest says so, with the evidence,
/// and appends the version as printed. The reorganisation the table knows raises nothing.
#[test]
fn a_bureau_renamed_in_print_is_said_at_ingest_never_applied() {
    let (dir, store) = ingested_seeds();
    let renamed: Vec<String> = seed_lines()
        .iter()
        .map(|line| line.replace("健康・生活衛生局がん・疾病対策課", "がん対策局がん対策課"))
        .collect();
    let path = dir.path().join("torikumi_93.txt");
    std::fs::write(&path, with_footer(&renamed, 93)).unwrap();
    let output =
        common::ingest_torikumi_as(&store, &path, "がん対策推進協議会 第93回", "2026-01-15");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let said = stdout(&output) + &stderr(&output);
    assert!(
        said.contains(
            "【健康・生活衛生局がん・疾病対策課】 of がん対策推進協議会 第92回 is not named here"
        ) && said.contains("under 【がん対策局がん対策課】")
            && said.contains("a renamed bureau?"),
        "{said}"
    );
    // Not applied: the diff reads two bureaus.
    let diff = diff_json(&store);
    assert!(count(&diff, &["actions", "added"]) > 100);
    assert_eq!(count(&diff, &["bureaus", "renamed"]), 0);

    // The reorganisation of 令和5年9月1日, printed the old way in a later version: no warning.
    let (dir, store) = ingested_seeds();
    let path = dir.path().join("torikumi_93.txt");
    std::fs::write(&path, with_footer(&before_the_reorganisation(), 93)).unwrap();
    let output =
        common::ingest_torikumi_as(&store, &path, "がん対策推進協議会 第93回", "2026-01-15");
    assert!(!(stdout(&output) + &stderr(&output)).contains("a renamed bureau?"));
}
