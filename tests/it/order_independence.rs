//! Archives are back-filled: ingesting the same documents in any order must give the same state
//! at every meeting — the same measures under the same ids, the same actions, figures and
//! sources. The corpus is the five seeds plus three later 取組一覧 versions derived from seed 000
//! (第93回: a done bullet added and a measure reworded; 第94回: also a planned bullet carried out,
//! a measure replaced by a new one and a clause deleted from another; 第95回: a measure split in
//! two). In every order, the store's indexed answers (`planledger::query`: state, diff, history,
//! log --measure, timeline) are held against the reference fold over all events.

use crate::common;

use std::path::Path;
use std::sync::OnceLock;

use planledger::ingest::{ingest, requests_from_folder, IngestOutcome, IngestRequest};
use planledger::ledger::checkpoint::Checkpoint;
use planledger::ledger::Store;
use planledger::project::state::{state, StateQuery};
use proptest::prelude::*;

use common::derived::*;

/// Copies the seeds to `dir` and adds the derived versions to its manifest.
fn write_corpus(dir: &Path) {
    for entry in std::fs::read_dir(common::seeds_dir()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    let mut v93 = seed_lines();
    add_done_bullet(&mut v93);
    reword_measure_at_55(&mut v93);
    let mut v94 = seed_lines();
    replace_measure_at_81(&mut v94);
    carry_out_planned_bullet(&mut v94);
    add_done_bullet(&mut v94);
    reword_measure_at_55(&mut v94);
    delete_clause_at_20(&mut v94);
    // 第95回 splits the measure at 55 in two (structure records the lineage, whichever of 第94回
    // and 第95回 arrives first); 第94回 deleted a clause at 20 (one measure revised).
    let mut v95 = seed_lines();
    split_measure_at_55(&mut v95);
    delete_clause_at_20(&mut v95);
    let manifest_path = dir.join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest_path).unwrap()).unwrap();
    let documents = manifest["documents"].as_array_mut().unwrap();
    for (ordinal, date, lines) in [
        (93, "2026-01-15", v93),
        (94, "2026-06-01", v94),
        (95, "2026-11-01", v95),
    ] {
        let file = format!("torikumi_{ordinal}.txt");
        std::fs::write(dir.join(&file), with_footer(&lines, ordinal)).unwrap();
        documents.push(serde_json::json!({
            "file": file,
            "meeting": {"body": "がん対策推進協議会", "ordinal": ordinal, "date": date},
            "title": "第４期がん対策推進基本計画施策に対する取組一覧",
            "format": "torikumi",
        }));
    }
    std::fs::write(&manifest_path, manifest.to_string()).unwrap();
}

/// The corpus folder (made once) and its ingest requests in manifest order.
fn corpus() -> &'static (tempfile::TempDir, Vec<IngestRequest>) {
    static CORPUS: OnceLock<(tempfile::TempDir, Vec<IngestRequest>)> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        write_corpus(dir.path());
        let requests = requests_from_folder(dir.path()).unwrap();
        assert_eq!(requests.len(), 8);
        (dir, requests)
    })
}

/// The state at each meeting of the corpus, a day before the first and long after the last,
/// as JSON, after ingesting the documents in `order` (indices into the requests).
fn states_after_ingesting(order: &[usize]) -> Vec<serde_json::Value> {
    let (_, requests) = corpus();
    let store_dir = tempfile::tempdir().unwrap();
    let store = Store::open(&store_dir.path().join("ledger")).unwrap();
    for &index in order {
        let outcome = ingest(&store, &requests[index], common::FIXED_NOW).unwrap();
        assert!(matches!(outcome, IngestOutcome::Appended(_)));
    }
    let events = store.events().unwrap();
    let mut dates: Vec<time::Date> = requests
        .iter()
        .filter_map(|request| request.description.meeting.date)
        .collect();
    dates.push(time::macros::date!(2017 - 01 - 01));
    dates.push(time::macros::date!(2030 - 01 - 01));
    dates.sort();
    let query = |date, plan: Option<&str>, section: Option<&str>| StateQuery {
        date,
        meeting: None,
        as_known_at: None,
        section: section.map(str::to_owned),
        plan: plan.map(str::to_owned),
    };
    // The store answers through its indexes (planledger::query); it must answer exactly what
    // the reference fold over every event answers, for any order of arrival.
    for date in &dates {
        for (plan, section) in [
            (None, None),
            (Some("第3期がん対策推進基本計画"), None),
            (None, Some("2.(1)")),
        ] {
            let query = query(*date, plan, section);
            let reference = serde_json::to_value(state(&events, &query)).unwrap();
            let indexed =
                serde_json::to_value(planledger::query::state(&store, &query).unwrap()).unwrap();
            assert!(
                reference == indexed,
                "order {order:?}, {date} {plan:?} {section:?}: the indexed state differs from the reference"
            );
        }
    }
    // What the ledger knew at a head: at each append's end and in the middle of one, read from
    // the store and from its frames copied out (the web view's way), against the reference.
    let mut heads: Vec<u64> = events
        .iter()
        .filter(|e| {
            matches!(
                e.body,
                planledger::ledger::EventBody::DocumentIngested { .. }
            )
        })
        .flat_map(|e| [e.seq.saturating_sub(1), e.seq + 2])
        .chain([events.len() as u64 - 1, events.len() as u64 + 5])
        .collect();
    heads.sort_unstable();
    heads.dedup();
    for &limit in &heads {
        for date in [dates[1], dates[dates.len() - 1]] {
            let query = StateQuery {
                as_known_at: Some(limit),
                ..query(date, None, None)
            };
            let reference = state(&events, &query);
            assert!(
                reference == planledger::query::state(&store, &query).unwrap(),
                "order {order:?}, {date} as known at {limit}: the state read from the store differs from the reference"
            );
            let resting = store.events_resting_through(limit).unwrap();
            assert!(
                reference == planledger::query::state_known_at(&resting, limit, &query).unwrap(),
                "order {order:?}, {date} as known at {limit}: the state read from copied frames differs from the reference"
            );
        }
    }
    let (first, last) = (dates[0], dates[dates.len() - 1]);
    for (since, until) in [(first, last), (dates[1], dates[dates.len() - 2])] {
        let (since, until) = (query(since, None, None), query(until, None, None));
        let reference = planledger::project::diff::diff(&events, &since, &until);
        let indexed = planledger::query::diff(&store, &since, &until).unwrap();
        assert!(
            reference == indexed,
            "order {order:?}: the indexed diff differs from the reference"
        );
    }
    // Histories: every 7th measure (the reworded one among them), every figure, the replaced
    // measure of 第92回, and an unknown id.
    let latest = state(&events, &query(last, None, None));
    let first_state = state(&events, &query(dates[1], None, None));
    let replaced = first_state
        .measures
        .iter()
        .filter(|m| !latest.measures.iter().any(|l| l.id == m.id))
        .map(|m| m.id.clone());
    let reworded = latest
        .measures
        .iter()
        .filter(|m| m.text.starts_with("国は、拠点病院等を中心に"))
        .map(|m| m.id.clone());
    let ids: Vec<String> = latest
        .measures
        .iter()
        .step_by(7)
        .map(|m| m.id.clone())
        .chain(replaced)
        .chain(reworded)
        .chain(latest.targets.iter().map(|t| t.key.clone()))
        .chain(["M000000000000".to_owned()])
        .collect();
    for id in &ids {
        let reference = planledger::project::history::history(&events, id);
        let indexed = planledger::query::history(&store, id).unwrap();
        assert!(
            reference == indexed,
            "order {order:?}: the indexed history of {id} differs from the reference"
        );
        let filter = planledger::project::log::LogFilter {
            measure: Some(id.clone()),
            ..Default::default()
        };
        let reference: Vec<_> = planledger::project::log::filter_log(&events, &filter)
            .into_iter()
            .cloned()
            .collect();
        assert_eq!(
            reference,
            read_log(&store, &filter),
            "order {order:?}: the indexed log --measure {id} differs from the reference"
        );
    }
    // The log without a measure, read an event at a time, filtered by kind and by date.
    let since = meeting_dates(&events).into_iter().nth(1);
    for filter in [
        planledger::project::log::LogFilter::default(),
        planledger::project::log::LogFilter {
            kind: Some("actionreported".to_owned()),
            since,
            measure: None,
        },
    ] {
        let reference: Vec<_> = planledger::project::log::filter_log(&events, &filter)
            .into_iter()
            .cloned()
            .collect();
        assert!(
            !reference.is_empty(),
            "order {order:?}: {filter:?} passes nothing"
        );
        assert_eq!(
            reference,
            read_log(&store, &filter),
            "order {order:?}: the log ({filter:?}) differs from the reference"
        );
    }
    // Meetings from the documents' records alone, and checkpoints from the stored Merkle
    // frontiers, at every meeting and for the whole ledger.
    let documents = planledger::project::documents::documents(&events);
    assert_eq!(
        planledger::project::meetings::meetings(&documents),
        planledger::project::meetings::meetings(&store.document_records().unwrap()),
        "order {order:?}: the meetings from the docs index differ from the reference"
    );
    for meeting in planledger::project::meetings::known_meetings(&documents) {
        let reference = Checkpoint::through_meeting("planledger", &events, &meeting).unwrap();
        let size = planledger::query::size_through(&store, Some(&meeting))
            .unwrap()
            .unwrap();
        let mut indexed = planledger::query::checkpoint(&store, "planledger", size).unwrap();
        indexed.extensions.push(format!("meeting {meeting}"));
        assert_eq!(
            reference, indexed,
            "order {order:?}: checkpoint at {meeting}"
        );
    }
    let whole = planledger::query::size_through(&store, None)
        .unwrap()
        .unwrap();
    assert_eq!(
        Checkpoint::of_events("planledger", &events, events.len() as u64).unwrap(),
        planledger::query::checkpoint(&store, "planledger", whole).unwrap(),
        "order {order:?}: the checkpoint of the whole ledger"
    );
    // What a reviewer reads, to be the same in every order of arrival: the state at each date,
    // the diffs, the histories and the meetings — without their transaction-time members (an
    // event's seq, the kind it was recorded as), which say when the ledger learnt something.
    let mut views: Vec<serde_json::Value> = dates
        .iter()
        .map(|date| serde_json::to_value(state(&events, &query(*date, None, None))).unwrap())
        .collect();
    for (since, until) in [(first, last), (dates[1], dates[dates.len() - 2])] {
        let (since, until) = (query(since, None, None), query(until, None, None));
        let diff = planledger::project::diff::diff(&events, &since, &until);
        views.push(serde_json::to_value(diff).unwrap());
    }
    for id in &ids {
        let history = planledger::project::history::history(&events, id);
        views.push(without_transaction_time(
            serde_json::to_value(history).unwrap(),
        ));
    }
    let meetings = planledger::project::meetings::meetings(&documents);
    views.push(without_transaction_time(
        serde_json::to_value(meetings).unwrap(),
    ));
    // The timeline (沿革), from the reference fold and as `timeline` reads it.
    let timeline = planledger::project::timeline::timeline(&documents, &events, None);
    assert_eq!(
        timeline,
        planledger::query::timeline(&store, None).unwrap(),
        "order {order:?}: the timeline read from the slides differs from the reference"
    );
    views.push(serde_json::to_value(timeline).unwrap());
    views
}

/// A view's JSON without the members that record transaction time: `seq`, and the `kind` an
/// event was recorded as.
fn without_transaction_time(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(members) => members
            .into_iter()
            .filter(|(name, _)| name != "seq" && name != "kind")
            .map(|(name, member)| (name, without_transaction_time(member)))
            .collect(),
        serde_json::Value::Array(items) => {
            items.into_iter().map(without_transaction_time).collect()
        }
        other => other,
    }
}

fn in_manifest_order() -> &'static Vec<serde_json::Value> {
    static REFERENCE: OnceLock<Vec<serde_json::Value>> = OnceLock::new();
    REFERENCE.get_or_init(|| states_after_ingesting(&(0..8).collect::<Vec<_>>()))
}

/// Where two lists of states first differ, for a readable failure.
fn first_difference(a: &[serde_json::Value], b: &[serde_json::Value]) -> Option<String> {
    a.iter().zip(b).find(|(x, y)| x != y).map(|(x, y)| {
        let (x, y) = (x.to_string(), y.to_string());
        let at = x.chars().zip(y.chars()).take_while(|(p, q)| p == q).count();
        let around = |s: &str| {
            s.chars()
                .skip(at.saturating_sub(200))
                .take(400)
                .collect::<String>()
        };
        format!(
            "at {}:\n  reference …{}…\n  this order …{}…",
            &x[..40.min(x.len())],
            around(&x),
            around(&y)
        )
    })
}

#[test]
fn the_reference_states_show_each_version_at_its_meeting() {
    let states = in_manifest_order();
    let measures_at = |date: &str| {
        states
            .iter()
            .find(|s| s["at"]["date"] == date)
            .map(|s| s["measures"].as_array().unwrap().clone())
            .unwrap()
    };
    // 第92回 states 70 measures; 第94回 replaces one (still 70); before 2018 there are none.
    assert_eq!(measures_at("2025-10-06").len(), 70);
    assert_eq!(measures_at("2026-06-01").len(), 70);
    // 第95回 splits one measure in two: 71, two of them naming the 第94回 measure they came from.
    let at_95 = measures_at("2026-11-01");
    assert_eq!(at_95.len(), 71);
    let successors: Vec<&serde_json::Value> = at_95
        .iter()
        .filter(|m| m.get("lineage").is_some())
        .collect();
    assert_eq!(successors.len(), 2, "{successors:#?}");
    assert_eq!(successors[0]["lineage"], successors[1]["lineage"]);
    assert!(measures_at("2017-01-01").is_empty());
    // The reworded measure keeps its 第92回 id at 第93回.
    let reworded = |date: &str| {
        measures_at(date)
            .into_iter()
            .find(|m| {
                m["text"]
                    .as_str()
                    .unwrap()
                    .starts_with("国は、拠点病院等を中心に")
            })
            .unwrap()
    };
    assert_eq!(reworded("2025-10-06")["id"], reworded("2026-01-15")["id"]);
    assert_ne!(
        reworded("2025-10-06")["text"],
        reworded("2026-01-15")["text"]
    );
}

#[test]
fn the_exact_reverse_order_gives_the_same_states() {
    let reverse: Vec<usize> = (0..8).rev().collect();
    let states = states_after_ingesting(&reverse);
    if let Some(difference) = first_difference(in_manifest_order(), &states) {
        panic!("{difference}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn any_order_gives_the_same_state_at_every_meeting(
        order in Just((0..8).collect::<Vec<usize>>()).prop_shuffle()
    ) {
        let states = states_after_ingesting(&order);
        let difference = first_difference(in_manifest_order(), &states);
        prop_assert!(difference.is_none(), "order {:?}: {}", order, difference.unwrap_or_default());
    }
}

/// `query::log` read to its end.
fn read_log(
    store: &planledger::ledger::Store,
    filter: &planledger::project::log::LogFilter,
) -> Vec<planledger::ledger::Event> {
    planledger::query::log(store, filter)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// The distinct meeting dates of the events, earliest first.
fn meeting_dates(events: &[planledger::ledger::Event]) -> Vec<time::Date> {
    let dates: std::collections::BTreeSet<time::Date> =
        events.iter().filter_map(|e| e.meeting.date).collect();
    dates.into_iter().collect()
}
