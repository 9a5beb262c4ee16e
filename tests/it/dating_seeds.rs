//! Date bounds inferred from the real seeds. For every seed whose meeting date is known, the
//! inferred "not before" must not be after that date — a bound that excludes the truth is worse
//! than none. Seed 003, whose date is unknown, is bounded by its latest reported period.

use crate::common;

use planledger::extract::dating::infer_date_bounds;
use planledger::source::manifest::Manifest;

#[test]
fn inferred_bounds_never_exclude_the_known_meeting_date() {
    let manifest = Manifest::load(&common::seeds_dir()).unwrap();
    let mut checked = 0;
    for document in &manifest.documents {
        let text = std::fs::read_to_string(common::seeds_dir().join(&document.file)).unwrap();
        let bounds = infer_date_bounds(&text);
        if let Some(date) = document.meeting.date {
            let bounds = bounds.unwrap_or_else(|| panic!("{}: no bound", document.file));
            let date = planledger::source::meeting::format_iso_date(date);
            assert!(
                bounds.not_before <= date,
                "{}: not before {} but presented {date}: {:?}",
                document.file,
                bounds.not_before,
                bounds.evidence
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 4);
}

#[test]
fn seed_003_is_bounded_by_its_registry_period_not_its_timeline() {
    let text = std::fs::read_to_string(common::seed("003_")).unwrap();
    let bounds = infer_date_bounds(&text).unwrap();
    assert_eq!(bounds.not_before, "2022-07-01");
    assert_eq!(bounds.not_after, None);
    assert_eq!(
        bounds.evidence,
        ["line 288: レジストリ登録(2017.5～2022.7)"]
    );
}

#[test]
fn seed_000_is_not_bounded_by_the_law_that_takes_effect_in_2026() {
    let text = std::fs::read_to_string(common::seed("000_")).unwrap();
    assert!(text.contains("令和８年５月１日施行予定"));
    let bounds = infer_date_bounds(&text).unwrap();
    assert!(bounds.not_before.as_str() <= "2025-10-06", "{bounds:?}");
}
