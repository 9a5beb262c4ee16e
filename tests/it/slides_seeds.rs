//! What each slide seed (001–004) yields — quoted measures and dated figures — as reviewed
//! golden output in snapshots/. Each line was checked against the seed text at the lines given.

use crate::common;

use planledger::extract::extract;
use planledger::source::decode::decode;
use planledger::source::manifest::DocumentFormat;

fn rendering(prefix: &str) -> String {
    let bytes = std::fs::read(common::seed(prefix)).unwrap();
    let (text, _) = decode(&bytes).unwrap();
    let version = extract(DocumentFormat::Slides, &text);
    let mut out = String::new();
    for measure in &version.measures {
        out.push_str(&format!(
            "measure l{}-{} [{}] {}\n",
            measure.lines.first,
            measure.lines.last,
            measure.plan.as_deref().unwrap_or("no plan"),
            measure.text
        ));
    }
    for target in &version.targets {
        out.push_str(&format!(
            "figure  l{}-{} {} = {}{} as of {}\n",
            target.lines.first,
            target.lines.last,
            target.label,
            target.value,
            target.unit,
            target.as_of.as_deref().unwrap_or("unknown")
        ));
    }
    for milestone in &version.milestones {
        out.push_str(&format!(
            "沿革    l{}-{} {} → {}{} {}\n",
            milestone.lines.first,
            milestone.lines.last,
            milestone.when,
            milestone.from,
            milestone
                .to
                .as_deref()
                .map_or_else(String::new, |to| format!("…{to}")),
            milestone.text
        ));
    }
    for revision in &version.requirement_revisions {
        out.push_str(&format!(
            "改定    l{}-{} {}\n        現行: {}\n        改定後: {}\n        marked: {:?}\n",
            revision.lines.first,
            revision.lines.last,
            revision.requirement,
            revision.before.as_deref().unwrap_or("〔新設〕"),
            revision.after,
            revision.marked
        ));
    }
    for diagnostic in version
        .diagnostics
        .iter()
        .filter(|d| d.message.starts_with("timeline") || d.message.contains("marks"))
    {
        let what = if diagnostic.message.starts_with("timeline") {
            "unread"
        } else {
            "note  "
        };
        out.push_str(&format!(
            "{what}  l{} {}\n",
            diagnostic.line, diagnostic.message
        ));
    }
    out
}

fn check(prefix: &str, name: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(name, rendering(prefix)));
}

#[test]
fn seed_001_quotes_three_measures_of_the_3rd_plan_draft() {
    check("001_", "slides_001");
}

#[test]
fn seed_002_quotes_two_4th_plan_measures_and_states_facility_counts() {
    check("002_", "slides_002");
}

#[test]
fn seed_003_quotes_three_measures_of_the_adopted_3rd_plan() {
    check("003_", "slides_003");
}

#[test]
fn seed_004_states_genome_medicine_figures_as_of_2021_02_01() {
    check("004_", "slides_004");
}

#[test]
fn the_timeline_command_orders_both_沿革_by_their_dates_at_their_precision() {
    let (_dir, store) = common::ingested_seeds();
    let output = common::planledger(&store, &["timeline", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", common::stderr(&output));
    let view: serde_json::Value = serde_json::from_str(&common::stdout(&output)).unwrap();
    let milestones = view["milestones"].as_array().unwrap();
    // 002's 22 rows of がんゲノム医療のこれまでの経緯 and the one row 003's chart pairs.
    assert_eq!(milestones.len(), 23);
    let first = &milestones[0];
    assert_eq!(
        (first["from"].as_str(), first["to"].as_str()),
        (Some("2007"), None)
    );
    // A range keeps both ends at the month printed; ordered by the dates stated.
    let consortium = &milestones[1];
    assert_eq!(consortium["when"], "平成29年3月-5月");
    assert_eq!(
        (consortium["from"].as_str(), consortium["to"].as_str()),
        (Some("2017-03"), Some("2017-05"))
    );
    assert_eq!(
        consortium["sources"][0]["lines"],
        serde_json::json!([395, 395])
    );
    let froms: Vec<&str> = milestones
        .iter()
        .map(|m| m["from"].as_str().unwrap())
        .collect();
    let mut sorted = froms.clone();
    sorted.sort();
    assert_eq!(froms, sorted);
    // --about filters by text; nothing found is exit 1.
    let output = common::planledger(&store, &["timeline", "--about", "閣議決定"]);
    let text = common::stdout(&output);
    assert_eq!(
        text.lines().filter(|l| !l.starts_with(' ')).count(),
        2,
        "{text}"
    );
    assert!(text.starts_with("2018-03"), "{text}");
    let output = common::planledger(&store, &["timeline", "--about", "存在しない"]);
    assert_eq!(output.status.code(), Some(1));
    // A measure's history shows the milestones that name its plan (第４期 — printed 第4期).
    let state: serde_json::Value = serde_json::from_str(&common::stdout(&common::planledger(
        &store,
        &["state", "--at", "第92回", "--format", "json"],
    )))
    .unwrap();
    let id = state["measures"][0]["id"].as_str().unwrap();
    let history: serde_json::Value = serde_json::from_str(&common::stdout(&common::planledger(
        &store,
        &["history", id, "--format", "json"],
    )))
    .unwrap();
    let named: Vec<&str> = history["plan_milestones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(named, ["第4期がん対策推進基本計画閣議決定"]);
}
