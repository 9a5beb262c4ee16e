//! CSV for Excel: UTF-8 with a byte-order mark (so Excel reads Japanese correctly), one row per
//! change, RFC 4180 quoting by the `csv` crate.

use crate::project::diff::DiffView;

const BOM: &str = "\u{feff}";

/// One row per change: kind, change, measure id, section, bureau, status, before, after, as of.
pub fn diff(view: &DiffView) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut row = |fields: [&str; 9]| {
        writer
            .write_record(fields)
            .expect("writing CSV to memory cannot fail");
    };
    row([
        "kind",
        "change",
        "measure_id",
        "section",
        "bureau",
        "status",
        "before",
        "after",
        "as_of",
    ]);
    for measure in &view.measures.added {
        row([
            "measure",
            "added",
            &measure.id,
            &measure.section.compact(),
            "",
            "",
            "",
            &measure.text,
            "",
        ]);
    }
    for measure in &view.measures.removed {
        row([
            "measure",
            "removed",
            &measure.id,
            &measure.section.compact(),
            "",
            "",
            &measure.text,
            "",
            "",
        ]);
    }
    for revision in &view.measures.revised {
        row([
            "measure",
            "revised",
            &revision.id,
            &revision.section.compact(),
            "",
            "",
            &revision.before,
            &revision.after,
            "",
        ]);
    }
    for (change, actions) in [
        ("added", &view.actions.added),
        ("removed", &view.actions.removed),
    ] {
        for action in actions {
            let (before, after) = if change == "added" {
                ("", action.text.as_str())
            } else {
                (action.text.as_str(), "")
            };
            row([
                "action",
                change,
                &action.measure_id,
                "",
                &action.bureau,
                action.status.as_str(),
                before,
                after,
                "",
            ]);
        }
    }
    for target in &view.targets.changed {
        let after = format!("{}{}", target.after, target.unit.as_deref().unwrap_or(""));
        row([
            "target",
            "changed",
            &target.key,
            "",
            "",
            "",
            target.before.as_deref().unwrap_or(""),
            &after,
            target.as_of.as_deref().unwrap_or(""),
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
