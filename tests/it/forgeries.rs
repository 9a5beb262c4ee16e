//! Forgeries of the seed ledger's export that keep the chain valid (every event after the edit
//! re-hashed, as an attacker with a BLAKE3 and a JCS library would) are refused by `import` or
//! found by `verify --deep`, which replays every document's derivation and names the event and
//! the field that differ. The untouched export is the control: it imports and verifies.

use crate::common::{self, planledger, stderr, stdout};
use crate::exchange::{export_into, rechain};

use serde_json::Value;

/// A forgery: a name, and the edit of the export's lines (one event a line, line = seq).
type Forgery = (&'static str, fn(&mut Vec<String>) -> usize);

fn event(lines: &[String], at: usize) -> Value {
    serde_json::from_str(&lines[at]).unwrap()
}

/// The first line whose event satisfies `matches`.
fn find(lines: &[String], matches: impl Fn(&Value) -> bool) -> usize {
    lines
        .iter()
        .position(|line| matches(&serde_json::from_str(line).unwrap()))
        .expect("the seed ledger has such an event")
}

/// Applies `edit` to the event at `at` and re-chains from there.
fn edited(lines: &mut [String], at: usize, edit: impl FnOnce(&mut Value)) -> usize {
    let mut value = event(lines, at);
    edit(&mut value);
    lines[at] = value.to_string();
    rechain(lines, at);
    at
}

fn kind(value: &Value) -> &str {
    value["kind"].as_str().unwrap_or("")
}

const FORGERIES: [Forgery; 8] = [
    ("a figure's value", |lines| {
        let at = find(lines, |e| {
            kind(e) == "TargetChanged" && e["value"] == "54.4"
        });
        edited(lines, at, |e| e["value"] = "99.9".into())
    }),
    ("an action moved to another measure", |lines| {
        let first = event(lines, 1)["measure_id"].clone();
        let at = find(lines, |e| {
            kind(e) == "ActionReported" && e["measure_id"] != first
        });
        edited(lines, at, |e| e["measure_id"] = first)
    }),
    ("two measures merged by an also_matched", |lines| {
        let other = event(lines, 1)["measure_id"].clone();
        let at = find(lines, |e| {
            kind(e) == "MeasureCited" && e["measure_id"] != other
        });
        edited(lines, at, |e| {
            e["also_matched"] = Value::Array(vec![other]);
        })
    }),
    ("a plan's adoption date", |lines| {
        let at = find(lines, |e| kind(e) == "PlanAdopted");
        edited(lines, at, |e| e["adopted_day"] = "2024-04-01".into())
    }),
    ("a requirement revision's marked parts emptied", |lines| {
        let at = find(lines, |e| {
            kind(e) == "RequirementRevised" && e["marked"].as_array().is_some_and(|m| !m.is_empty())
        });
        edited(lines, at, |e| e["marked"] = Value::Array(Vec::new()))
    }),
    ("a figure the document states dropped", |lines| {
        let at = find(lines, |e| kind(e) == "TargetChanged");
        lines.remove(at);
        for (seq, line) in lines.iter_mut().enumerate().skip(at) {
            let mut value: Value = serde_json::from_str(line).unwrap();
            value["seq"] = seq.into();
            *line = value.to_string();
        }
        rechain(lines, at);
        at
    }),
    ("an event rewritten in format 1", |lines| {
        let at = find(lines, |e| kind(e) == "ActionReported" && e["v"] == 3);
        edited(lines, at, |e| e["v"] = 1.into())
    }),
    ("an action's status", |lines| {
        let at = find(lines, |e| {
            kind(e) == "ActionReported" && e["status"] == "done"
        });
        edited(lines, at, |e| e["status"] = "planned".into())
    }),
];

#[test]
fn every_rechained_forgery_is_refused_by_import_or_found_by_deep_verify() {
    let (dir, store) = common::ingested_seeds();
    let (file, documents) = export_into(&store, dir.path());
    let original: Vec<String> = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    let import_and_verify = |name: &str, lines: &[String]| {
        let path = dir.path().join(format!("{name}.jsonl"));
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        let imported = dir.path().join(format!("{name}-store"));
        let import = planledger(
            &imported,
            &[
                "import",
                path.to_str().unwrap(),
                "--documents",
                documents.to_str().unwrap(),
            ],
        );
        (import, imported)
    };

    // The control: untouched, it imports and passes.
    let (import, imported) = import_and_verify("control", &original);
    assert_eq!(import.status.code(), Some(0), "{}", stderr(&import));
    let deep = planledger(&imported, &["verify", "--deep"]);
    assert_eq!(deep.status.code(), Some(0), "{}", stdout(&deep));

    for (index, (name, forge)) in FORGERIES.iter().enumerate() {
        let mut lines = original.clone();
        let at = forge(&mut lines);
        let (import, imported) = import_and_verify(&format!("forgery-{index}"), &lines);
        if import.status.code() == Some(1) {
            // Refused, naming the line (line N is seq N − 1).
            assert!(
                stderr(&import).contains(&format!("line {}", at + 1)),
                "{name}: {}",
                stderr(&import)
            );
            continue;
        }
        assert_eq!(import.status.code(), Some(0), "{name}: {}", stderr(&import));
        let deep = planledger(&imported, &["verify", "--deep"]);
        let report = stdout(&deep);
        assert_eq!(
            deep.status.code(),
            Some(1),
            "{name} passed --deep: {report}"
        );
        let first = report.lines().next().unwrap_or_default().to_owned();
        assert!(first.contains("replay"), "{name}: {first}");
        eprintln!("{name}: {first}");
    }
}
