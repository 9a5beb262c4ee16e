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
