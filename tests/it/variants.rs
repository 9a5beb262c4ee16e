//! The 第92回 取組一覧 as other PDF-to-text tools print it: page marks dropped or printed as a
//! full-width space or a form feed, NFKC-normalised text, one width for every column, CRLF,
//! blank lines doubled or removed, furniture removed, bullets swapped, half-width punctuation,
//! section tokens and bureau headers on one line with their titles and first lines —
//! alone and combined. Each must state what seed 000 states (70 measures, every action in its
//! column) and diff as empty against it; every ingested variant passes `verify`.

use crate::common;

use std::path::Path;

use planledger::extract::{extract, ActionStatus, DocumentVersion};
use planledger::ingest::{ingest, IngestOutcome, IngestRequest};
use planledger::ledger::verify::verify;
use planledger::ledger::Store;
use planledger::project::diff::diff;
use planledger::project::state::StateQuery;
use planledger::source::manifest::DocumentFormat;
use planledger::source::normalize::comparison_key;

use common::derived::printed::*;
use common::derived::*;

/// What a version states, in a form that is the same however the table was printed: section
/// path, measure text key, and per action (bureau, column, text key).
type Statements = Vec<(String, String, Vec<(String, ActionStatus, String)>)>;

fn statements(version: &DocumentVersion) -> Statements {
    version
        .measures
        .iter()
        .map(|measure| {
            (
                measure.section.compact(),
                comparison_key(&measure.text),
                measure
                    .actions
                    .iter()
                    .map(|a| {
                        (
                            a.bureau_canonical.clone(),
                            a.status,
                            comparison_key(&a.text),
                        )
                    })
                    .collect(),
            )
        })
        .collect()
}

fn torikumi(text: &str) -> DocumentVersion {
    extract(DocumentFormat::Torikumi, text)
}

/// Where two statement lists first differ, readably.
fn first_difference(expected: &Statements, actual: &Statements) -> Option<String> {
    if let Some((index, (want, got))) = expected
        .iter()
        .zip(actual)
        .enumerate()
        .find(|(_, (want, got))| want != got)
    {
        return Some(format!(
            "measure {index} differs:\n  seed    {want:?}\n  variant {got:?}"
        ));
    }
    (expected.len() != actual.len()).then(|| {
        format!(
            "{} measures in the seed, {} in the variant",
            expected.len(),
            actual.len()
        )
    })
}

fn seed_statements() -> Statements {
    let version = torikumi(&seed_lines().join("\n"));
    assert_eq!(version.measures.len(), 70);
    statements(&version)
}

/// Each printed form alone, and combinations of them.
fn variants() -> Vec<(&'static str, Vec<String>)> {
    let seed = seed_lines();
    let one_width = laid_out(&seed, Widths::Uniform(72), 41);
    vec![
        ("page marks removed", page_marks_removed(&seed)),
        (
            "page marks as full-width spaces",
            page_marks_full_width(&seed),
        ),
        ("page marks as form feeds", page_marks_form_feed(&seed)),
        ("NFKC", nfkc(&seed)),
        ("one width for every column", one_width.clone()),
        ("CRLF", crlf(&seed)),
        ("blank lines doubled", blank_lines_doubled(&seed)),
        ("blank lines removed", blank_lines_removed(&seed)),
        ("double-spaced", double_spaced(&seed)),
        ("furniture removed", furniture_removed(&seed)),
        ("bullets swapped", bullets_swapped(&seed)),
        ("half-width punctuation", half_width_punctuation(&seed)),
        (
            "headings and bureau headers on one line with their cells",
            cells_on_one_line(&seed),
        ),
        (
            "NFKC, page marks removed, blank lines removed",
            blank_lines_removed(&page_marks_removed(&nfkc(&seed))),
        ),
        (
            "one width, page marks removed, furniture removed",
            furniture_removed(&page_marks_removed(&one_width)),
        ),
        (
            "relaid out at 0.8, page marks as full-width spaces, CRLF",
            crlf(&page_marks_full_width(&relaid_out(&seed, 0.8, 37))),
        ),
        (
            "page numbers 「- n -」",
            page_numbers(&seed, |n| format!("- {n} -")),
        ),
        ("page numbers 「n」", page_numbers(&seed, |n| n.to_string())),
        (
            "page numbers 「n/40」",
            page_numbers(&seed, |n| format!("{n}/40")),
        ),
        (
            "page numbers 「― n ―」",
            page_numbers(&seed, |n| format!("― {n} ―")),
        ),
        (
            "page numbers 「p.n」",
            page_numbers(&seed, |n| format!("p.{n}")),
        ),
        (
            "page numbers 「ｎ」 full-width",
            page_numbers(&seed, |n| {
                n.to_string()
                    .chars()
                    .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
                    .collect()
            }),
        ),
        (
            "page numbers every 37 lines, anywhere",
            page_numbers_anywhere(&seed, 37),
        ),
        ("the title as a running header", running_title(&seed)),
        (
            "a page number above the title, the title as a running header",
            std::iter::once("- 1 -".to_owned())
                .chain(running_title(&seed))
                .collect(),
        ),
        ("radical forms in furniture and text", radical_forms(&seed)),
        ("furniture spaced out", spaced_furniture(&seed)),
        (
            "page number and title glued to each page's last line",
            furniture_glued(&seed),
        ),
        (
            "headings, short cells and bureaus spaced out",
            spaced_cells(&seed, 6),
        ),
        (
            "spaced cells and furniture, radicals, page numbers, page marks removed",
            page_marks_removed(&spaced_cells(
                &spaced_furniture(&radical_forms(&page_numbers(&seed, |n| format!("- {n} -")))),
                6,
            )),
        ),
        (
            "page numbers, running header, radicals, spaced furniture, page marks removed",
            page_marks_removed(&spaced_furniture(&radical_forms(&running_title(
                &page_numbers(&seed, |n| format!("- {n} -")),
            )))),
        ),
    ]
}

#[test]
fn every_printed_form_states_what_the_seed_states() {
    let seed = seed_statements();
    let mut failures = Vec::new();
    for (name, lines) in variants() {
        let version = torikumi(&lines.join("\n"));
        if let Some(difference) = first_difference(&seed, &statements(&version)) {
            failures.push(format!("{name}: {difference}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn request(path: &Path, ordinal: u32, date: time::Date) -> IngestRequest {
    common::council_request(path, ordinal, date, DocumentFormat::Torikumi)
}

#[test]
fn every_printed_form_diffs_as_empty_against_the_seed_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let seed_path = common::seed("000_");
    let mut failures = Vec::new();
    for (index, (name, lines)) in variants().into_iter().enumerate() {
        let store = Store::open(&dir.path().join(format!("ledger{index}"))).unwrap();
        let path = dir.path().join(format!("variant{index}.txt"));
        std::fs::write(&path, with_footer(&lines, 93)).unwrap();
        let v92 = request(&seed_path, 92, time::macros::date!(2025 - 10 - 06));
        let v93 = request(&path, 93, time::macros::date!(2026 - 01 - 15));
        for request in [v92, v93] {
            let outcome = ingest(&store, &request, common::FIXED_NOW).unwrap();
            let IngestOutcome::Appended(summary) = outcome else {
                panic!("{name}: not appended");
            };
            // A print read faithfully does not raise the alarm for unseen prints.
            if let Some(alarm) = summary
                .diagnostics
                .iter()
                .find(|d| d.message.contains("misread print"))
            {
                failures.push(format!("{name}: {}", alarm.message));
            }
        }
        let report = verify(&store, true).unwrap();
        if !report.is_ok() {
            failures.push(format!("{name}: verify: {:?}", report.first_failure()));
        }
        let query = |date| StateQuery {
            date,
            meeting: None,
            as_known_at: None,
            section: None,
            plan: None,
        };
        let events = store.events().unwrap();
        let view = diff(
            &events,
            &query(time::macros::date!(2025 - 10 - 06)),
            &query(time::macros::date!(2026 - 01 - 15)),
        );
        let json = serde_json::to_value(&view).unwrap();
        for path in [
            ["measures", "added"],
            ["measures", "removed"],
            ["measures", "revised"],
            ["actions", "added"],
            ["actions", "removed"],
            ["targets", "changed"],
        ] {
            let changed = json[path[0]][path[1]].as_array().map_or(0, Vec::len);
            if changed > 0 {
                failures.push(format!("{name}: {changed} {path:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A print transformed one way (the printed forms above, as functions of the lines).
type Print = fn(&[String]) -> Vec<String>;

/// The families that may be combined in any order: furniture (page numbers, running titles,
/// glued furniture, spacing), character forms (NFKC, radicals, half-width punctuation, bullets)
/// and line breaks (page marks, blank lines, CRLF).
fn families() -> Vec<(&'static str, Print)> {
    vec![
        ("page marks removed", page_marks_removed),
        ("page marks as full-width spaces", page_marks_full_width),
        ("page marks as form feeds", page_marks_form_feed),
        ("NFKC", nfkc),
        ("blank lines removed", blank_lines_removed),
        ("running title", running_title),
        ("radical forms", radical_forms),
        ("spaced furniture", spaced_furniture),
        ("spaced cells", |lines| spaced_cells(lines, 6)),
        ("page numbers", |lines| {
            page_numbers(lines, |n| format!("- {n} -"))
        }),
        ("bullets swapped", bullets_swapped),
        ("half-width punctuation", half_width_punctuation),
        ("CRLF", crlf),
        ("furniture glued", furniture_glued),
        ("blank lines doubled", blank_lines_doubled),
    ]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 48, ..Default::default() })]

    /// Seed 000 re-rendered with any mix of furniture, spacing and character forms, applied in
    /// any order, states what the seed states.
    #[test]
    fn any_mix_of_printed_forms_states_what_the_seed_states(
        picks in proptest::collection::vec(0..families().len(), 1..5)
    ) {
        let families = families();
        let mut lines = seed_lines();
        let mut names = Vec::new();
        // Each family at most once (a page glued twice over is no print), in the order picked.
        let mut seen = Vec::new();
        for pick in picks {
            if seen.contains(&pick) {
                continue;
            }
            seen.push(pick);
            let (name, print) = families[pick];
            lines = print(&lines);
            names.push(name);
        }
        let version = torikumi(&lines.join("\n"));
        let difference = first_difference(&seed_statements(), &statements(&version));
        proptest::prop_assert!(difference.is_none(), "{names:?}: {}", difference.unwrap_or_default());
    }
}
