//! CSV for Excel: UTF-8 with a byte-order mark (so Excel reads Japanese correctly), one row per
//! change, RFC 4180 quoting by the `csv` crate.

use crate::project::diff::{DiffView, TargetReading};
use crate::project::progress::ProgressView;
use crate::project::state::SourceView;

const BOM: &str = "\u{feff}";

/// One row per change: kind, change, measure id, section, bureau, status, before, after, as of,
/// and where each side was stated (document hash and lines): every row, actions included,
/// carries its measure's section and its provenance.
#[allow(
    clippy::expect_used,
    reason = "CSV of UTF-8 text written to memory cannot fail"
)]
pub fn diff(view: &DiffView) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut row = |fields: [&str; 15]| {
        writer
            .write_record(fields)
            .expect("writing CSV to memory cannot fail");
    };
    row([
        "kind",
        "change",
        "measure_id",
        "label",
        "section",
        "bureau",
        "status",
        "before",
        "after",
        "before_as_of",
        "after_as_of",
        "before_document",
        "before_lines",
        "after_document",
        "after_lines",
    ]);
    let lines = |source: &SourceView| format!("{}-{}", source.lines[0], source.lines[1]);
    for measure in &view.measures.added {
        row([
            "measure",
            "added",
            &measure.id,
            "",
            &measure.section.compact(),
            "",
            "",
            "",
            &measure.text,
            "",
            "",
            "",
            "",
            &measure.source.document,
            &lines(&measure.source),
        ]);
    }
    for measure in &view.measures.removed {
        row([
            "measure",
            "removed",
            &measure.id,
            "",
            &measure.section.compact(),
            "",
            "",
            &measure.text,
            "",
            "",
            "",
            &measure.source.document,
            &lines(&measure.source),
            "",
            "",
        ]);
    }
    // A split or merge: one row per old measure and successor pair, so each successor stands
    // opposite the text it came from.
    for succession in &view.measures.successions {
        for old in &succession.before {
            for new in &succession.after {
                row([
                    "measure",
                    "succeeded",
                    &new.id,
                    "",
                    &new.section.compact(),
                    "",
                    "",
                    &old.text,
                    &new.text,
                    "",
                    "",
                    &old.source.document,
                    &lines(&old.source),
                    &new.source.document,
                    &lines(&new.source),
                ]);
            }
        }
    }
    for revision in &view.measures.revised {
        row([
            "measure",
            "revised",
            &revision.id,
            "",
            &revision.section.compact(),
            "",
            "",
            &revision.before,
            &revision.after,
            "",
            "",
            &revision.source_before.document,
            &lines(&revision.source_before),
            &revision.source_after.document,
            &lines(&revision.source_after),
        ]);
    }
    for (change, actions) in [
        ("added", &view.actions.added),
        ("removed", &view.actions.removed),
    ] {
        for action in actions {
            let added = change == "added";
            let text = action.text.as_str();
            let document = action.source.document.as_str();
            let at = lines(&action.source);
            let side = |this: bool, value: &'_ str| {
                if this {
                    value.to_owned()
                } else {
                    String::new()
                }
            };
            row([
                "action",
                change,
                &action.measure_id,
                "",
                &action.section.compact(),
                &action.bureau,
                action.status.as_str(),
                &side(!added, text),
                &side(added, text),
                "",
                "",
                &side(!added, document),
                &side(!added, &at),
                &side(added, document),
                &side(added, &at),
            ]);
        }
    }
    for (change, fates) in [
        ("completed", &view.actions.completed),
        ("reopened", &view.actions.reopened),
        ("revised", &view.actions.revised),
    ] {
        for fate in fates {
            let status = if fate.before.status == fate.after.status {
                fate.after.status.as_str().to_owned()
            } else {
                format!(
                    "{} → {}",
                    fate.before.status.as_str(),
                    fate.after.status.as_str()
                )
            };
            row([
                "action",
                change,
                &fate.after.measure_id,
                "",
                &fate.after.section.compact(),
                &fate.after.bureau,
                &status,
                &fate.before.text,
                &fate.after.text,
                "",
                "",
                &fate.before.source.document,
                &lines(&fate.before.source),
                &fate.after.source.document,
                &lines(&fate.after.source),
            ]);
        }
    }
    for action in &view.actions.dropped {
        row([
            "action",
            "dropped",
            &action.measure_id,
            "",
            &action.section.compact(),
            &action.bureau,
            action.status.as_str(),
            &action.text,
            "",
            "",
            "",
            &action.source.document,
            &lines(&action.source),
            "",
            "",
        ]);
    }
    for moved in &view.measures.moved {
        row([
            "measure",
            "moved",
            &moved.id,
            "",
            &moved.section_after.compact(),
            "",
            "",
            &moved.section_before.compact(),
            &moved.section_after.compact(),
            "",
            "",
            &moved.source_before.document,
            &lines(&moved.source_before),
            &moved.source_after.document,
            &lines(&moved.source_after),
        ]);
    }
    for rename in &view.bureaus.renamed {
        row([
            "bureau",
            "renamed",
            "",
            "",
            "",
            &rename.after,
            "",
            &rename.before,
            &rename.after,
            "",
            &rename.effective,
            "",
            "",
            "",
            "",
        ]);
    }
    for target in &view.targets.changed {
        let before = target.before.as_ref();
        let text = |value: Option<&str>| value.unwrap_or("").to_owned();
        row([
            "target",
            "changed",
            &target.key,
            &target.label,
            "",
            "",
            "",
            &before.map(TargetReading::with_unit).unwrap_or_default(),
            &target.after.with_unit(),
            &text(before.and_then(|b| b.as_of.as_deref())),
            &text(target.after.as_of.as_deref()),
            &text(before.map(|b| b.source.document.as_str())),
            &before.map(|b| lines(&b.source)).unwrap_or_default(),
            &target.after.source.document,
            &lines(&target.after.source),
        ]);
    }
    let bytes = writer
        .into_inner()
        .expect("flushing CSV to memory cannot fail");
    format!(
        "{BOM}{}",
        String::from_utf8(bytes).expect("CSV of UTF-8 fields is UTF-8")
    )
}

/// `progress`: one row per planned action — its fate, measure, section, bureau, the earlier and
/// the later text, and where each was stated.
#[allow(
    clippy::expect_used,
    reason = "CSV of UTF-8 text written to memory cannot fail"
)]
pub fn progress(view: &ProgressView) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut row = |fields: [&str; 11]| {
        writer
            .write_record(fields)
            .expect("writing CSV to memory cannot fail");
    };
    row([
        "fate",
        "measure_id",
        "section",
        "bureau",
        "before",
        "after",
        "after_status",
        "before_document",
        "before_lines",
        "after_document",
        "after_lines",
    ]);
    let lines = |source: &SourceView| format!("{}-{}", source.lines[0], source.lines[1]);
    for action in &view.actions {
        let after = action.after.as_ref();
        row([
            action.fate.as_str(),
            &action.before.measure_id,
            &action.before.section.compact(),
            &action.before.bureau,
            &action.before.text,
            after.map_or("", |a| a.text.as_str()),
            after.map_or("", |a| a.status.as_str()),
            &action.before.source.document,
            &lines(&action.before.source),
            after.map_or("", |a| a.source.document.as_str()),
            &after.map_or_else(String::new, |a| lines(&a.source)),
        ]);
    }
    let bytes = writer
        .into_inner()
        .expect("flushing CSV to memory cannot fail");
    format!(
        "{BOM}{}",
        String::from_utf8(bytes).expect("CSV of UTF-8 fields is UTF-8")
    )
}
