//! Tampering and crashes, tested against the store itself.
//!
//! Tamper tests open the sled trees directly (as an attacker with disk access would), change
//! bytes, and require `verify` to exit 1 naming the first altered sequence number or document.
//! The crash test kills `ingest` at varying moments and requires that every document in the
//! surviving ledger is whole.

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::{ingested_seeds, planledger, stdout};
use planledger::ledger::{frame, index, EventBody};

/// Applies `change` to the events of the frame holding `seq` (their canonical bytes, `seq`'s at
/// the index given), rewriting the frame as an attacker who knows the layout would.
fn tamper_frame(store: &Path, seq: u64, change: impl FnOnce(&mut Vec<Vec<u8>>, usize)) {
    common::change_store(store, |db| {
        let frames = db.open_tree("frames").unwrap();
        let (key, value) = frames
            .range(..=seq.to_be_bytes())
            .next_back()
            .unwrap()
            .unwrap();
        let first = u64::from_be_bytes(key.as_ref().try_into().unwrap());
        let mut events = frame::decode_events(&value).unwrap();
        change(&mut events, (seq - first) as usize);
        frames
            .insert(key, frame::encode_events(&events).unwrap())
            .unwrap();
    });
}

/// Applies `change` to the canonical bytes of event `seq`.
fn tamper_event(store: &Path, seq: u64, change: impl FnOnce(&mut Vec<u8>)) {
    tamper_frame(store, seq, |events, at| change(&mut events[at]));
}

/// Applies `change` to the bytes of a stored document, rewriting the value they rest as.
fn tamper_document(store: &Path, hash: &str, change: impl FnOnce(&mut Vec<u8>)) {
    common::change_store(store, |db| {
        let documents = db.open_tree("documents").unwrap();
        let value = documents
            .get(hash.as_bytes())
            .unwrap()
            .expect("the document is stored");
        let mut bytes = frame::decode_document(&value).unwrap();
        change(&mut bytes);
        documents
            .insert(hash.as_bytes(), frame::encode_document(&bytes).unwrap())
            .unwrap();
    });
}

fn first_failure(store: &Path) -> String {
    let output = planledger(store, &["verify"]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    stdout(&output).lines().next().unwrap().to_owned()
}

/// A ledger whose store says format `format` is refused by `command` (exit 3, naming the format
/// and `planledger reindex`), and `reindex` moves it to the current layout, which `verify`
/// then passes and names.
fn refused_until_reindexed(store: &Path, format: &str, command: &[&str]) {
    let refused = planledger(store, command);
    assert_eq!(
        refused.status.code(),
        Some(3),
        "{}",
        common::stderr(&refused)
    );
    assert!(
        common::stderr(&refused).contains(&format!("store format \"{format}\""))
            && common::stderr(&refused).contains("planledger reindex"),
        "{}",
        common::stderr(&refused)
    );
    let moved = planledger(store, &["reindex"]);
    assert_eq!(moved.status.code(), Some(0), "{}", common::stderr(&moved));
    let verified = planledger(store, &["verify"]);
    assert_eq!(verified.status.code(), Some(0), "{}", stdout(&verified));
    assert!(
        stdout(&verified).contains("store layout 8"),
        "{}",
        stdout(&verified)
    );
}

#[test]
fn one_changed_byte_in_an_event_is_pinpointed_to_its_sequence_number() {
    let (_dir, store) = ingested_seeds();
    // Event 7 is a statement with a line range; change one digit of it.
    tamper_event(&store, 7, |bytes| {
        let text = String::from_utf8(bytes.clone()).unwrap();
        let at = text.find("\"lines\":[").unwrap() + "\"lines\":[".len();
        bytes[at] = if bytes[at] == b'9' {
            b'8'
        } else {
            bytes[at] + 1
        };
    });
    let failure = first_failure(&store);
    assert!(
        failure.contains("first failure at seq 7: hash mismatch"),
        "{failure}"
    );
}

#[test]
fn a_rewritten_prev_link_is_a_broken_chain_at_that_event() {
    let (_dir, store) = ingested_seeds();
    tamper_event(&store, 100, |bytes| {
        let text = String::from_utf8(bytes.clone()).unwrap();
        let at = text.find("\"prev\":\"").unwrap() + "\"prev\":\"".len();
        bytes[at] = if bytes[at] == b'0' { b'1' } else { b'0' };
    });
    let output = planledger(&store, &["verify"]);
    let report = stdout(&output);
    assert!(
        report.starts_with("FAILED: first failure at seq 100"),
        "{report}"
    );
    assert!(report.contains("broken chain"), "{report}");
}

#[test]
fn a_missing_document_is_one_failure_even_in_deep_verification() {
    let (_dir, store) = ingested_seeds();
    let document = common::read_events(&store)[0].source.document.clone();
    common::change_store(&store, |db| {
        db.open_tree("documents")
            .unwrap()
            .remove(document.as_bytes())
            .unwrap();
    });
    let output = planledger(&store, &["verify", "--deep"]);
    assert_eq!(output.status.code(), Some(1));
    let report = stdout(&output);
    assert!(
        report.starts_with("FAILED: first failure at seq 0: the document's bytes are missing"),
        "{report}"
    );
    // Its 351 statements are not each reported again.
    assert!(report.contains("\n1 failures:"), "{report}");
}

#[test]
fn a_removed_event_is_reported_where_the_gap_is() {
    let (_dir, store) = ingested_seeds();
    tamper_frame(&store, 10, |events, at| {
        events.remove(at);
    });
    let failure = first_failure(&store);
    assert!(
        failure.contains("first failure at seq 10: the event says seq 11")
            && failure.contains("event 10 is missing"),
        "{failure}"
    );
}

#[test]
fn one_changed_byte_in_a_stored_document_names_the_document() {
    let (_dir, store) = ingested_seeds();
    let document = common::read_events(&store)[0].source.document.clone();
    tamper_document(&store, &document, |bytes| {
        // A byte inside the first measure's text (line 20), kept valid UTF-8: 国 → 图.
        let text = String::from_utf8(bytes.clone()).unwrap();
        let at = text.find("国及び都道府県は、がん医療").unwrap();
        bytes[at + 2] ^= 0x01;
    });
    let output = planledger(&store, &["verify"]);
    let report = stdout(&output);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        report.starts_with("FAILED: first failure at seq 0: document bytes were altered"),
        "{report}"
    );
    assert!(
        report.contains(&document[..12]),
        "the report names the document: {report}"
    );
    // The statement quoting the altered line is reported too.
    assert!(
        report.contains("quoted text is not at lines 20–25"),
        "{report}"
    );
}

#[test]
fn an_index_out_of_step_with_the_log_is_reported() {
    let (_dir, store) = ingested_seeds();
    common::change_store(&store, |db| {
        db.open_tree("docs")
            .unwrap()
            .insert(b"forged", &5u64.to_be_bytes())
            .unwrap();
    });
    let output = planledger(&store, &["verify"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("document index does not match"));
}

/// Per document: how many events it has.
fn events_per_document(store: &Path) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for event in common::read_events(store) {
        *counts.entry(event.source.document).or_insert(0) += 1;
    }
    counts
}

/// A folder of `count` distinct 取組一覧 versions (seed 000 with a different trailing line), so
/// an ingest runs long enough to be killed between and inside documents.
fn large_corpus(folder: &Path, count: usize) {
    std::fs::create_dir_all(folder).unwrap();
    let seed = std::fs::read_to_string(common::seed("000_")).unwrap();
    let mut entries = Vec::new();
    for index in 0..count {
        let file = format!("version_{index:02}.txt");
        std::fs::write(folder.join(&file), format!("{seed}\n版 {index}\n")).unwrap();
        entries.push(serde_json::json!({
            "file": file,
            "meeting": {"body": "がん対策推進協議会", "ordinal": 100 + index, "date": format!("2030-01-{:02}", index + 1)},
            "title": "取組一覧", "label": null, "format": "torikumi", "series": null
        }));
    }
    let manifest = serde_json::json!({"manifest_version": 1, "documents": entries});
    std::fs::write(folder.join("manifest.json"), manifest.to_string()).unwrap();
}

#[test]
fn an_ingest_killed_at_any_moment_leaves_whole_documents_only() {
    let work = tempfile::tempdir().unwrap();
    let corpus = work.path().join("corpus");
    large_corpus(&corpus, 12);
    let reference_store = work.path().join("reference");
    let output = planledger(&reference_store, &["ingest", corpus.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0));
    let complete = events_per_document(&reference_store);
    assert_eq!(complete.len(), 12);
    let mut interrupted = 0;
    for delay_ms in [30u64, 120, 250, 400, 600] {
        let store = work.path().join(format!("killed_{delay_ms}"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_planledger"))
            .arg("--store")
            .arg(&store)
            .arg("ingest")
            .arg(&corpus)
            .env("PLANLEDGER_NOW", common::FIXED_NOW)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL: no destructor, no flush.
        child.wait().unwrap();
        if !store.exists() {
            continue;
        }
        let output = planledger(&store, &["verify"]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "delay {delay_ms} ms: {}",
            stdout(&output)
        );
        let survived = events_per_document(&store);
        for (document, count) in &survived {
            assert_eq!(
                Some(count),
                complete.get(document),
                "delay {delay_ms} ms: document {document} is partial"
            );
        }
        if survived.len() < complete.len() {
            interrupted += 1;
        }
        // The interrupted run can simply be repeated, and then holds everything once.
        let output = planledger(&store, &["ingest", corpus.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(0));
        assert_eq!(events_per_document(&store), complete, "delay {delay_ms} ms");
    }
    eprintln!("runs killed before the last document: {interrupted}");
    assert!(
        interrupted > 0,
        "no kill landed mid-ingest: the test did not exercise a crash"
    );
}

#[test]
fn the_first_document_event_lists_the_measures_it_states() {
    let (_dir, store) = ingested_seeds();
    let events = common::read_events(&store);
    let EventBody::DocumentIngested { measure_ids, .. } = &events[0].body else {
        panic!("event 0 is the first document");
    };
    let added: Vec<&str> = events
        .iter()
        .filter(|e| e.source.document == events[0].source.document)
        .filter_map(|e| match &e.body {
            EventBody::MeasureAdded { measure_id, .. } => Some(measure_id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        measure_ids.iter().map(String::as_str).collect::<Vec<_>>(),
        added
    );
}

#[test]
fn a_store_cut_short_at_any_offset_fails_verify_naming_its_recorded_head() {
    let (dir, store) = common::ingested_seeds();
    let head = std::fs::read_to_string(store.join("HEAD")).unwrap();
    let (recorded_seq, recorded_hash) = head.trim().split_once(' ').unwrap();
    let length = std::fs::metadata(store.join("db")).unwrap().len();
    let mut failures = Vec::new();
    for (index, fraction) in [0.0, 0.05, 0.15, 0.3, 0.45, 0.6, 0.75, 0.9, 0.97, 0.995]
        .into_iter()
        .enumerate()
    {
        for keep_snapshot in [false, true] {
            let copy = dir.path().join(format!("cut-{index}-{keep_snapshot}"));
            common::copy_folder(&store, &copy);
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(copy.join("db"))
                .unwrap();
            file.set_len((length as f64 * fraction) as u64).unwrap();
            drop(file);
            if !keep_snapshot {
                common::remove_sled_snapshots(&copy);
            }
            let output = common::planledger(&copy, &["verify"]);
            let said = format!("{}{}", common::stdout(&output), common::stderr(&output));
            let names_head = said.contains(&format!("seq {recorded_seq}"))
                && (said.contains(recorded_hash) || said.contains("cannot be opened"));
            if output.status.code() != Some(1) || !names_head || said.contains("panicked") {
                failures.push(format!(
                    "cut at {fraction} (snapshot kept: {keep_snapshot}): exit {:?}: {said}",
                    output.status.code()
                ));
            }
            // No command answers from it.
            let state = common::planledger(&copy, &["state", "--at", "第92回"]);
            if state.status.code() == Some(0) {
                failures.push(format!("cut at {fraction}: state answered"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_ledger_that_cannot_be_written_is_read_from_a_copy_that_says_the_same() {
    use planledger::ledger::store::cannot_write;
    use planledger::ledger::Store;
    // What sled says when it may not write, and what it says otherwise.
    assert!(cannot_write("Read-only file system (os error 30)"));
    assert!(cannot_write("Permission denied (os error 13)"));
    assert!(!cannot_write("could not acquire lock"));
    assert!(!cannot_write("Read corrupted data at file offset"));
    let (_dir, store) = common::ingested_seeds();
    let original = Store::open(&store).unwrap();
    let events = original.events().unwrap();
    drop(original);
    common::wait_until_released(&store);
    let copy = Store::open_copy(&store).unwrap();
    copy.check_length().unwrap();
    assert_eq!(copy.events().unwrap(), events);
    assert!(planledger::ledger::verify::verify(&copy, false)
        .unwrap()
        .is_ok());
    drop(copy);
    // The original folder was not touched by reading the copy.
    assert_eq!(
        Store::open(&store).unwrap().events().unwrap().len(),
        events.len()
    );
}

#[test]
fn a_crash_inside_the_first_document_is_not_taken_for_a_replaced_store() {
    // Before its first document a store records the empty head until the head that document
    // will make; a kill after sled committed it but before HEAD was rewritten leaves exactly
    // this.
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first");
    let output = common::ingest_torikumi_as(
        &first,
        &common::seed("000_"),
        "がん対策推進協議会 第92回",
        "2025-10-06",
    );
    assert_eq!(output.status.code(), Some(0), "{}", common::stderr(&output));
    let (seq, hash) = {
        let store = planledger::ledger::store::Store::open(&first).unwrap();
        store.head().unwrap().unwrap()
    };
    common::wait_until_released(&first);
    std::fs::write(first.join("HEAD"), format!("empty until {seq} {hash}\n")).unwrap();
    let output = common::planledger(&first, &["verify"]);
    assert_eq!(output.status.code(), Some(0), "{}", common::stdout(&output));
    // A bare `empty` over that same first document is no crash's head: the store was replaced
    // (or its head file was), and so is an `until` naming another head.
    for forged in [
        "empty\n".to_owned(),
        format!("empty until {} {hash}\n", seq + 1),
        format!("empty until {seq} {}\n", "0".repeat(64)),
    ] {
        std::fs::write(first.join("HEAD"), &forged).unwrap();
        let output = common::planledger(&first, &["verify"]);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{forged}: {}",
            common::stdout(&output)
        );
        assert!(
            common::stdout(&output).contains("HEAD reads `empty"),
            "{}",
            common::stdout(&output)
        );
    }
    // Past the first document, `empty` is no crash's head: the store was replaced.
    let (_dir, store) = common::ingested_seeds();
    std::fs::write(store.join("HEAD"), "empty\n").unwrap();
    let output = common::planledger(&store, &["verify"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        common::stdout(&output).contains("HEAD reads `empty`"),
        "{}",
        common::stdout(&output)
    );
    // A store holding events with no head recorded at all is still suspect.
    std::fs::remove_file(store.join("HEAD")).unwrap();
    let output = common::planledger(&store, &["verify"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(common::stdout(&output).contains("no recorded head"));
}

#[test]
fn a_forged_or_missing_entry_in_any_index_fails_verify_naming_the_index() {
    // (tree, key, value): an identity statement the log never made, a target observation, a
    // document, a document's record, a plan adoption, a mention, a Merkle frontier at a size
    // where no document ends.
    let forged_observation = index::encode_observations(&[index::TargetObservation {
        key: "Tforged".into(),
        seq: 5,
        as_of_day: None,
        value: "1".into(),
        goal_of_plan: None,
    }]);
    let forgeries: [(&str, &[u8], &[u8]); 7] = [
        (
            "identity",
            br#"s{"recorded_id":"M000000000000","plan":null,"section":{"path":[],"titles":[]},"text":"forged"}"#,
            br#"{"first_seq":0,"order":[false,null,null,null,"x",0]}"#,
        ),
        ("targets", &5u64.to_be_bytes(), &forged_observation),
        ("docs", b"forged", &5u64.to_be_bytes()),
        ("records", &5u64.to_be_bytes(), b"{}"),
        ("adoptions", &5u64.to_be_bytes(), b""),
        ("mentions", b"Mforged\x00\x00\x00\x00\x00\x00\x00\x00\x05", b""),
        ("frontiers", &5u64.to_be_bytes(), &[7u8; 64]),
    ];
    for (tree, key, value) in forgeries {
        let (_dir, store) = ingested_seeds();
        common::change_store(&store, |db| {
            db.open_tree(tree).unwrap().insert(key, value).unwrap();
        });
        let output = planledger(&store, &["verify"]);
        assert_eq!(output.status.code(), Some(1), "{tree}");
        let index = match tree {
            "docs" => "document",
            "records" => "document record",
            "targets" => "target",
            "adoptions" => "adoption",
            "mentions" => "mention",
            "frontiers" => "Merkle frontier",
            other => other,
        };
        assert!(
            stdout(&output).contains(&format!("the {index} index does not match the events")),
            "{tree}: {}",
            stdout(&output)
        );
    }
    // A checkpoint forged in the index: the frontier at the ledger's end holds another root.
    let (_dir, store) = ingested_seeds();
    common::change_store(&store, |db| {
        let frontiers = db.open_tree("frontiers").unwrap();
        let (key, mut value) = frontiers.last().unwrap().unwrap();
        let mut forged = value.to_vec();
        forged[0] ^= 1;
        value = forged.into();
        frontiers.insert(key, value).unwrap();
    });
    let output = planledger(&store, &["verify"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("the Merkle frontier index does not match the events")
            && stdout(&output).contains("holds another value"),
        "{}",
        stdout(&output)
    );
    // And an entry removed: the identity index loses a handle.
    let (_dir, store) = ingested_seeds();
    common::change_store(&store, |db| {
        let identity = db.open_tree("identity").unwrap();
        let handle = identity.scan_prefix(b"h").next().unwrap().unwrap().0;
        identity.remove(handle).unwrap();
    });
    let output = planledger(&store, &["verify"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("is missing"),
        "{}",
        stdout(&output)
    );
    // reindex rebuilds it from the log.
    let output = planledger(&store, &["reindex"]);
    assert_eq!(output.status.code(), Some(0), "{}", common::stderr(&output));
    assert_eq!(planledger(&store, &["verify"]).status.code(), Some(0));
}

/// The measure id (as recorded) of a `mentions` key.
fn measure_of(key: &[u8]) -> String {
    let (prefix, _) = index::split_name_seq_key(key).unwrap();
    String::from_utf8(prefix[..prefix.len() - 1].to_vec()).unwrap()
}

/// Runs `verify` and requires it to fail (exit 1) saying each of `said`.
fn verify_refuses(store: &Path, said: &[&str]) {
    let output = planledger(store, &["verify"]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    for words in said {
        assert!(
            stdout(&output).contains(words),
            "{words}: {}",
            stdout(&output)
        );
    }
}

/// A `mentions` entry holds the events of a measure that `history` shows: one rewritten with a
/// figure changed, or holding another measure's events, must fail `verify` even though every
/// frame of the log and the chain are untouched.
#[test]
fn a_mentions_entry_holding_other_events_than_the_log_fails_verify() {
    // The first entry of a name is stored whole: its events can be read and rewritten alone.
    let whole_entries = |db: &sled::Db| -> Vec<(sled::IVec, Vec<Vec<u8>>)> {
        db.open_tree("mentions")
            .unwrap()
            .iter()
            .map(Result::unwrap)
            .filter(|(_, value)| frame::frame_base(value).unwrap().is_none())
            .map(|(key, value)| (key, frame::decode_events(&value).unwrap()))
            .collect()
    };
    // A text changed inside the entry, re-encoded as the store encodes it.
    let (_dir, store) = ingested_seeds();
    let (id, before) = common::change_store(&store, |db| {
        let (key, mut events) = whole_entries(db).into_iter().next().unwrap();
        let text = String::from_utf8(events[0].clone()).unwrap();
        let changed = text.replacen("\"text\":\"", "\"text\":\"FORGED ", 1);
        assert_ne!(changed, text, "the entry's first event holds a text");
        events[0] = changed.into_bytes();
        db.open_tree("mentions")
            .unwrap()
            .insert(&key, frame::encode_events(&events).unwrap())
            .unwrap();
        let id = measure_of(&key);
        (id, text)
    });
    assert!(before.contains("\"text\":\""));
    // `history` reads the entry as it rests: the forgery shows there…
    let history = stdout(&planledger(&store, &["history", &id]));
    assert!(history.contains("FORGED"), "{history}");
    // …and `verify` refuses it.
    verify_refuses(
        &store,
        &[
            "the mention index does not match the events",
            "holds other events than the log's",
        ],
    );
    // Two measures' entries swapped: each holds events the log gives to the other.
    let (_dir, store) = ingested_seeds();
    let swapped = common::change_store(&store, |db| {
        let entries = whole_entries(db);
        let (first, second) = (&entries[0], &entries[1]);
        let mentions = db.open_tree("mentions").unwrap();
        mentions
            .insert(&first.0, frame::encode_events(&second.1).unwrap())
            .unwrap();
        mentions
            .insert(&second.0, frame::encode_events(&first.1).unwrap())
            .unwrap();
        measure_of(&first.0)
    });
    // `history` refuses an entry holding another measure's events rather than showing less.
    let refused = planledger(&store, &["history", &swapped]);
    assert_eq!(refused.status.code(), Some(3), "{}", stdout(&refused));
    assert!(
        common::stderr(&refused).contains("mentions index"),
        "{}",
        common::stderr(&refused)
    );
    verify_refuses(&store, &["holds other events than the log's"]);
    // A later entry of a measure removed: missing.
    let (_dir, store) = ingested_seeds();
    common::change_store(&store, |db| {
        let mentions = db.open_tree("mentions").unwrap();
        let entries: Vec<sled::IVec> = mentions.iter().keys().map(Result::unwrap).collect();
        // A name with two entries or more: its second is removed.
        let later = entries
            .windows(2)
            .find(|w| measure_of(&w[0]) == measure_of(&w[1]))
            .map(|w| w[1].clone())
            .expect("a measure stated by two documents");
        mentions.remove(later).unwrap();
    });
    verify_refuses(
        &store,
        &["the mention index does not match the events", "is missing"],
    );
    // An entry that does not decode is said to be one.
    let (_dir, store) = ingested_seeds();
    common::change_store(&store, |db| {
        let mentions = db.open_tree("mentions").unwrap();
        let (key, value) = mentions.first().unwrap().unwrap();
        let mut damaged = value.to_vec();
        let last = damaged.len() - 1;
        damaged[last] ^= 0xff;
        mentions.insert(key, damaged).unwrap();
    });
    verify_refuses(&store, &["cannot be decoded"]);
}

/// A measure with more events in one document than a frame holds (here 40 actions more) rests
/// in several `mentions` entries; its history has every one of them, and the ledger verifies.
#[test]
fn a_measure_with_more_events_than_a_frame_holds_reads_back_whole() {
    let seed = std::fs::read_to_string(common::seed("000")).unwrap();
    let anchor = "提供体制の均てん化・集約化に関するとりまとめ」を公表した。\n";
    let added: String = (1..=40)
        .map(|n| format!("○試行事業第{n}号を実施した。\n"))
        .collect();
    assert_eq!(seed.matches(anchor).count(), 1);
    let text = seed.replacen(anchor, &format!("{anchor}{added}"), 1);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("many.txt");
    std::fs::write(&file, text).unwrap();
    let store = dir.path().join("ledger");
    common::ingest_torikumi_as(&store, &file, "がん対策推進協議会 第92回", "2025-10-06");
    let verified = planledger(&store, &["verify", "--deep"]);
    assert_eq!(verified.status.code(), Some(0), "{}", stdout(&verified));
    let measure = common::log_json(&store, "MeasureAdded")[0]["measure_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let history = stdout(&planledger(&store, &["history", &measure]));
    for n in 1..=40 {
        assert!(
            history.contains(&format!("試行事業第{n}号")),
            "{n}: {history}"
        );
    }
    let entries = common::change_store(&store, |db| {
        db.open_tree("mentions")
            .unwrap()
            .scan_prefix(format!("{measure}\0"))
            .count()
    });
    assert!(entries >= 2, "{entries} entries");
}

/// Writes the trees layouts 1 to 3 kept (each event under its seq in `events`, each document's
/// raw bytes in `blobs`) from the frames and documents of `db`.
fn write_legacy_trees(db: &sled::Db) {
    let events = db.open_tree("events").unwrap();
    let blobs = db.open_tree("blobs").unwrap();
    for entry in db.open_tree("frames").unwrap().iter() {
        let (key, value) = entry.unwrap();
        let first = u64::from_be_bytes(key.as_ref().try_into().unwrap());
        for (seq, bytes) in (first..).zip(frame::decode_events(&value).unwrap()) {
            events.insert(seq.to_be_bytes(), bytes).unwrap();
        }
    }
    for entry in db.open_tree("documents").unwrap().iter() {
        let (key, value) = entry.unwrap();
        blobs
            .insert(key, frame::decode_document(&value).unwrap())
            .unwrap();
    }
    db.flush().unwrap();
}

/// The move of an older layout into frames cut short at each of its steps: after the mark
/// (the indexes and frames cleared, nothing rewritten) and after the transaction but before the
/// old trees are dropped. Each leaves a ledger that is refused as cut short or answers as
/// before; `reindex` run again finishes the move, and the export is the one before it.
#[test]
fn a_move_to_frames_cut_short_at_any_step_is_finished_by_reindex() {
    let (_dir, store) = ingested_seeds();
    let state = common::stdout(&planledger(&store, &["state", "--format", "json"]));
    let exported = common::stdout(&planledger(&store, &["export"]));
    // Cut after the mark: the old trees hold the events, the new ones are empty.
    common::change_store(&store, |db| {
        write_legacy_trees(db);
        for tree in ["frames", "documents", "identity", "mentions", "docs"] {
            db.open_tree(tree).unwrap().clear().unwrap();
        }
        db.open_tree("meta")
            .unwrap()
            .insert("store_format", "reindexing")
            .unwrap();
    });
    let refused = planledger(&store, &["state"]);
    assert_eq!(refused.status.code(), Some(3));
    assert!(common::stderr(&refused).contains("was cut short"));
    let again = planledger(&store, &["reindex"]);
    assert_eq!(again.status.code(), Some(0), "{}", common::stderr(&again));
    assert_eq!(common::stdout(&planledger(&store, &["export"])), exported);
    assert_eq!(
        common::stdout(&planledger(&store, &["state", "--format", "json"])),
        state
    );
    // Cut after the transaction, before the drop: both layouts' trees hold the events.
    common::change_store(&store, |db| {
        write_legacy_trees(db);
    });
    let verified = planledger(&store, &["verify"]);
    assert_eq!(verified.status.code(), Some(0), "{}", stdout(&verified));
    assert_eq!(
        common::stdout(&planledger(&store, &["state", "--format", "json"])),
        state
    );
    let again = planledger(&store, &["reindex"]);
    assert_eq!(again.status.code(), Some(0), "{}", common::stderr(&again));
    assert_eq!(common::stdout(&planledger(&store, &["export"])), exported);
    common::change_store(&store, |db| {
        assert!(!db.tree_names().iter().any(|n| n == b"events".as_slice()));
    });
    let deep = planledger(&store, &["verify", "--deep"]);
    assert_eq!(deep.status.code(), Some(0), "{}", stdout(&deep));
}

#[test]
fn a_ledger_of_the_older_layout_is_refused_until_reindexed_and_then_answers_the_same() {
    let (_dir, store) = ingested_seeds();
    let before = common::stdout(&planledger(&store, &["state", "--format", "json"]));
    let exported = common::stdout(&planledger(&store, &["export"]));
    common::change_store(&store, |db| {
        // Layout 1: each event under its seq in `events`, each document's raw bytes in
        // `blobs`, no identity or target index, a `measures` tree, documents indexed by their
        // seq alone (as in layout 2), format "1".
        write_legacy_trees(db);
        db.drop_tree("frames").unwrap();
        db.drop_tree("documents").unwrap();
        let docs = db.open_tree("docs").unwrap();
        for entry in docs.iter() {
            let (key, value) = entry.unwrap();
            docs.insert(key, &value[..8]).unwrap();
        }
        db.drop_tree("identity").unwrap();
        db.drop_tree("targets").unwrap();
        db.open_tree("measures")
            .unwrap()
            .insert(b"M1\x00", &[])
            .unwrap();
        db.open_tree("meta")
            .unwrap()
            .insert(b"store_format", b"1")
            .unwrap();
    });
    let refused = planledger(&store, &["state"]);
    assert_eq!(refused.status.code(), Some(3));
    assert!(common::stderr(&refused).contains("planledger reindex"));
    let ingest = planledger(&store, &["ingest", common::seeds_dir().to_str().unwrap()]);
    assert_eq!(
        ingest.status.code(),
        Some(3),
        "nothing is appended to an old layout"
    );
    let output = planledger(&store, &["reindex"]);
    assert_eq!(output.status.code(), Some(0), "{}", common::stderr(&output));
    assert!(common::stdout(&output).contains("reindexed 415 events"));
    let verified = planledger(&store, &["verify", "--deep"]);
    assert_eq!(verified.status.code(), Some(0), "{}", stdout(&verified));
    assert!(
        stdout(&verified).contains("store layout 8"),
        "{}",
        stdout(&verified)
    );
    let after = common::stdout(&planledger(&store, &["state", "--format", "json"]));
    assert_eq!(before, after);
    // The events were moved byte for byte: the export is the one before the move.
    assert_eq!(common::stdout(&planledger(&store, &["export"])), exported);
    common::change_store(&store, |db| {
        let names = db.tree_names();
        assert!(
            !names
                .iter()
                .any(|n| n == b"events".as_slice() || n == b"blobs".as_slice()),
            "the old layout's trees are dropped once the move has landed"
        );
    });
    // A layout this planledger does not know is not reindexed.
    common::change_store(&store, |db| {
        db.open_tree("meta")
            .unwrap()
            .insert(b"store_format", b"9")
            .unwrap();
    });
    let output = planledger(&store, &["reindex"]);
    assert_eq!(output.status.code(), Some(3));
    assert!(common::stderr(&output).contains("does not know"));
}

/// A later version of a series rests compressed against an earlier one stored whole (a few
/// hundred bytes instead of tens of thousands); what it is — its bytes, its hash, the export —
/// does not change: the export imports into a ledger that stores every document whole and
/// exports the same bytes again. A damaged base is damage to the versions resting on it, named.
#[test]
fn versions_rest_against_their_base_and_read_back_the_same() {
    let (dir, store) = ingested_seeds();
    let revision = common::project_dir().join("examples/revision");
    let output = planledger(&store, &["ingest", revision.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", common::stderr(&output));
    let verified = planledger(&store, &["verify", "--deep"]);
    assert_eq!(verified.status.code(), Some(0), "{}", stdout(&verified));
    assert!(
        stdout(&verified).contains("(5 whole, 2 against an earlier version of their series)"),
        "{}",
        stdout(&verified)
    );
    // The later versions' frames rest against the first version's: most of them.
    let frames =
        regex::Regex::new(r"\((\d+) of (\d+) against the frame of an earlier version\)").unwrap();
    let report = stdout(&verified);
    let counts = frames.captures(&report).expect("verify counts the frames");
    let [against, all] = [1, 2].map(|i| counts[i].parse::<u32>().unwrap());
    assert!(against * 3 > all, "{against} of {all}");
    // A question about what the ledger knew reads those frames out and decodes them apart
    // from the store: at its head, it knows what the plan says now.
    let head = stdout(&planledger(&store, &["log", "--format", "json"]))
        .lines()
        .count()
        - 1;
    let known = stdout(&planledger(
        &store,
        &[
            "state",
            "--at",
            "第94回",
            "--as-known-at",
            &head.to_string(),
        ],
    ));
    assert_eq!(
        known,
        stdout(&planledger(&store, &["state", "--at", "第94回"]))
    );
    let (base, version) = {
        let db = planledger::ledger::store::Store::open(&store).unwrap();
        let records = db.document_records().unwrap();
        let series: Vec<_> = records.iter().filter(|r| r.series.is_some()).collect();
        (series[0].hash.clone(), series[2].hash.clone())
    };
    common::wait_until_released(&store);
    let sizes = common::change_store(&store, |db| {
        let documents = db.open_tree("documents").unwrap();
        [&base, &version].map(|hash| documents.get(hash.as_bytes()).unwrap().unwrap().len())
    });
    assert!(
        sizes[1] * 10 < sizes[0],
        "a version costs a small part of its base: {sizes:?}"
    );
    let file = dir.path().join("export.jsonl");
    let documents = dir.path().join("documents");
    let export = |from: &Path, into: &Path| {
        let output = planledger(
            from,
            &[
                "export",
                "--out",
                file.to_str().unwrap(),
                "--with-documents",
                into.to_str().unwrap(),
            ],
        );
        assert_eq!(output.status.code(), Some(0), "{}", common::stderr(&output));
        (std::fs::read(&file).unwrap(), files_in(into))
    };
    let exported = export(&store, &documents);
    let whole = dir.path().join("whole");
    let imported = planledger(
        &whole,
        &[
            "import",
            file.to_str().unwrap(),
            "--documents",
            documents.to_str().unwrap(),
        ],
    );
    assert_eq!(
        imported.status.code(),
        Some(0),
        "{}",
        common::stderr(&imported)
    );
    // Imported as ingest wrote it: documents and frames against the earlier versions of their
    // series alike.
    let layout = |report: &str| report.split("store layout").nth(1).map(str::to_owned);
    assert_eq!(
        layout(&stdout(&planledger(&whole, &["verify"]))),
        layout(&report)
    );
    assert_eq!(export(&whole, &dir.path().join("again")), exported);
    // The base damaged: it fails, and so does each version resting on it, by name.
    common::change_store(&store, |db| {
        let documents = db.open_tree("documents").unwrap();
        let value = documents.get(base.as_bytes()).unwrap().unwrap();
        let mut bytes = frame::decode_document(&value).unwrap();
        bytes.extend_from_slice("\n追記".as_bytes());
        documents
            .insert(base.as_bytes(), frame::encode_document(&bytes).unwrap())
            .unwrap();
    });
    let output = planledger(&store, &["verify"]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let report = stdout(&output);
    assert!(
        report.contains(&base[..12]) || report.contains(&base),
        "{report}"
    );
    assert!(
        report.contains(&version[..12]) || report.contains(&version),
        "{report}"
    );
    // Said as what it is: a version that cannot be read back against its base, not a missing one.
    assert!(
        report.contains("cannot be read") && report.contains("against its base"),
        "{report}"
    );
}

/// Every file in a folder, by name, with its bytes.
fn files_in(folder: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            (
                entry.file_name().to_string_lossy().into_owned(),
                std::fs::read(entry.path()).unwrap(),
            )
        })
        .collect()
}

/// A ledger of layout 5 (the same frames and documents, a `targets` entry per observation:
/// figure key, 0, seq → day, value, plan) is refused rather than misread, and `reindex` moves it
/// to the current layout: the target index grouped by append, the same answers, the same events.
#[test]
fn a_layout_5_ledger_is_refused_until_reindex_rebuilds_its_target_index() {
    let (_dir, store) = ingested_seeds();
    let exported = stdout(&planledger(&store, &["export"]));
    let before = stdout(&planledger(&store, &["state", "--format", "json"]));
    let mut observations = 0;
    common::change_store(&store, |db| {
        let targets = db.open_tree("targets").unwrap();
        let grouped: Vec<_> = targets.iter().map(Result::unwrap).collect();
        targets.clear().unwrap();
        for (_, value) in grouped {
            for observation in index::decode_observations(&value).unwrap() {
                let index::TargetObservation {
                    key,
                    seq,
                    as_of_day,
                    value,
                    goal_of_plan,
                } = observation;
                let mut stored = key.into_bytes();
                stored.push(0);
                stored.extend(seq.to_be_bytes());
                let value = serde_json::to_vec(&(as_of_day, value, goal_of_plan)).unwrap();
                targets.insert(stored, value).unwrap();
                observations += 1;
            }
        }
        db.open_tree("meta")
            .unwrap()
            .insert("store_format", "5")
            .unwrap();
    });
    assert!(observations > 0, "the seeds state figures");
    refused_until_reindexed(&store, "5", &["state"]);
    common::change_store(&store, |db| {
        let targets = db.open_tree("targets").unwrap();
        assert!(
            targets.len() < observations,
            "one entry per append: {} entries for {observations} observations",
            targets.len()
        );
    });
    assert_eq!(
        stdout(&planledger(&store, &["state", "--format", "json"])),
        before
    );
    assert_eq!(stdout(&planledger(&store, &["export"])), exported);
}

/// A ledger of layout 6 (the same frames, documents and indexes, but each `mentions` entry the
/// seqs of the events that name the measure, not the events) is refused rather than misread, and
/// `reindex` moves it to layout 8: the same histories, the same events.
#[test]
fn a_layout_6_ledger_is_refused_until_reindex_rebuilds_its_mentions() {
    let (_dir, store) = ingested_seeds();
    // A measure stated by several documents: its later entries rest against its first.
    let revised = common::log_json(&store, "MeasureRevised");
    let measure = revised[0]["measure_id"].as_str().unwrap().to_owned();
    let history = stdout(&planledger(&store, &["history", &measure]));
    assert!(history.contains("added"), "{history}");
    let exported = stdout(&planledger(&store, &["export"]));
    common::change_store(&store, |db| {
        let mentions = db.open_tree("mentions").unwrap();
        let entries: Vec<(sled::IVec, sled::IVec)> = mentions.iter().map(Result::unwrap).collect();
        assert!(!entries.is_empty());
        // Every entry is decoded before any is rewritten: later ones rest on earlier ones.
        let mut listed = Vec::new();
        for (key, value) in &entries {
            let base = frame::frame_base(value).unwrap().map(|base| {
                let (prefix, _) = index::split_name_seq_key(key).unwrap();
                let base_key = index::prefixed_seq_key(prefix, base);
                frame::decode_plain(&mentions.get(base_key).unwrap().unwrap()).unwrap()
            });
            let seqs: Vec<u8> = frame::decode_events_with(value, base.as_deref())
                .unwrap()
                .iter()
                .map(|bytes| serde_json::from_slice::<serde_json::Value>(bytes).unwrap())
                .flat_map(|event| event["seq"].as_u64().unwrap().to_be_bytes())
                .collect();
            listed.push((key.clone(), seqs));
        }
        for (key, seqs) in listed {
            mentions.insert(key, seqs).unwrap();
        }
        db.open_tree("meta")
            .unwrap()
            .insert("store_format", "6")
            .unwrap();
    });
    refused_until_reindexed(&store, "6", &["history", &measure]);
    assert_eq!(stdout(&planledger(&store, &["history", &measure])), history);
    assert_eq!(stdout(&planledger(&store, &["export"])), exported);
}

/// The records every question reads (`records`, keyed by seq) are held to the events like the
/// `docs` index they repeat: a record altered there — a meeting every view would show — fails
/// `verify`, though `docs` still holds the right one.
#[test]
fn a_document_record_altered_in_the_records_index_fails_verify() {
    let (_dir, store) = ingested_seeds();
    let before = stdout(&planledger(&store, &["meetings"]));
    common::change_store(&store, |db| {
        let records = db.open_tree("records").unwrap();
        let (key, value) = records.first().unwrap().unwrap();
        let mut record: serde_json::Value = serde_json::from_slice(&value).unwrap();
        record["meeting"]["ordinal"] = serde_json::json!(999);
        records
            .insert(key, serde_json::to_vec(&record).unwrap())
            .unwrap();
    });
    assert_ne!(
        stdout(&planledger(&store, &["meetings"])),
        before,
        "the views read the records index"
    );
    let output = planledger(&store, &["verify"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("the document record index does not match the events")
            && stdout(&output).contains("holds another value"),
        "{}",
        stdout(&output)
    );
    let reindexed = planledger(&store, &["reindex"]);
    assert_eq!(reindexed.status.code(), Some(0), "{}", stdout(&reindexed));
    assert_eq!(stdout(&planledger(&store, &["meetings"])), before);
}

/// A ledger of layout 7 (no `records` index: the records read from `docs`) is refused rather
/// than read as holding no documents, and `reindex` writes its records: the same answers.
#[test]
fn a_layout_7_ledger_is_refused_until_reindex_writes_its_records() {
    let (_dir, store) = ingested_seeds();
    let meetings = stdout(&planledger(&store, &["meetings"]));
    let state = stdout(&planledger(&store, &["state", "--format", "json"]));
    common::change_store(&store, |db| {
        assert!(db.drop_tree("records").unwrap());
        db.open_tree("meta")
            .unwrap()
            .insert("store_format", "7")
            .unwrap();
    });
    refused_until_reindexed(&store, "7", &["meetings"]);
    assert_eq!(stdout(&planledger(&store, &["meetings"])), meetings);
    assert_eq!(
        stdout(&planledger(&store, &["state", "--format", "json"])),
        state
    );
}

/// A folder holding the seeds whose names start with `prefixes`, with their manifest entries.
fn seed_corpus(folder: &Path, prefixes: &[&str]) {
    std::fs::create_dir_all(folder).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(common::seeds_dir().join("manifest.json")).unwrap(),
    )
    .unwrap();
    let entries: Vec<serde_json::Value> = manifest["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| {
            let file = entry["file"].as_str().unwrap();
            prefixes.iter().any(|prefix| file.starts_with(prefix))
        })
        .cloned()
        .collect();
    assert_eq!(entries.len(), prefixes.len());
    for entry in &entries {
        let file = entry["file"].as_str().unwrap();
        std::fs::copy(common::seeds_dir().join(file), folder.join(file)).unwrap();
    }
    let manifest = serde_json::json!({"manifest_version": 1, "documents": entries});
    std::fs::write(folder.join("manifest.json"), manifest.to_string()).unwrap();
}

/// `planledger ingest FOLDER` with a witness, and the failpoint `failpoint` armed when given.
fn ingest_witnessed(
    store: &Path,
    folder: &Path,
    witness: &Path,
    failpoint: Option<&str>,
) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_planledger"));
    command
        .arg("--store")
        .arg(store)
        .arg("--witness")
        .arg(witness)
        .arg("ingest")
        .arg(folder)
        .env("PLANLEDGER_NOW", common::FIXED_NOW)
        .env_remove("PLANLEDGER_STORE")
        .env_remove("PLANLEDGER_WITNESS_KEY");
    match failpoint {
        Some(spec) => command.env("PLANLEDGER_FAILPOINT", spec),
        None => command.env_remove("PLANLEDGER_FAILPOINT"),
    };
    command.output().unwrap()
}

/// `planledger verify` against the witness at `witness`.
fn verify_witnessed(store: &Path, witness: &Path) -> std::process::Output {
    planledger(store, &["--witness", witness.to_str().unwrap(), "verify"])
}

/// Requires `output` to be a success, saying `what` it was and what the command said if not.
fn succeeded(output: &std::process::Output, what: &str) {
    assert_eq!(
        output.status.code(),
        Some(0),
        "{what}: {}{}",
        stdout(output),
        common::stderr(output)
    );
}

/// Fault injection: every step of an append where planledger's own durability can be cut
/// (`ledger::failpoint::STEPS`: around sled's commit and flush, each part of the head file's
/// replacement, the witness's line), on a first append and on a later one, with the process
/// stopped there as a crash stops it, the step's write torn in half, or the disk full. After
/// each, the model holds: the ledger opens, `verify` (against the witness) passes, and it holds
/// whole documents only — the ones before the append, or those and the appended one — and
/// running the ingest again completes it.
#[test]
fn every_crash_point_of_an_append_leaves_whole_documents_and_a_passing_verify() {
    use planledger::ledger::failpoint::{STEPS, STOPPED};
    let work = tempfile::tempdir().unwrap();
    let before = work.path().join("before");
    let both = work.path().join("both");
    seed_corpus(&before, &["003_"]);
    seed_corpus(&both, &["003_", "004_"]);
    let reference = work.path().join("reference");
    assert_eq!(
        planledger(&reference, &["ingest", both.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    let complete = events_per_document(&reference);
    assert_eq!(complete.len(), 2);
    let mut cases: Vec<String> = STEPS.iter().map(|step| format!("{step}:stop")).collect();
    cases.extend(["head-written:torn", "witness-written:torn"].map(String::from));
    cases.extend(
        [
            "before-commit",
            "committed",
            "head-written",
            "witness-written",
        ]
        .map(|step| format!("{step}:full")),
    );
    for later in [false, true] {
        for (index, case) in cases.iter().enumerate() {
            let label = format!(
                "{case} on a {} append",
                if later { "later" } else { "first" }
            );
            let store = work.path().join(format!("ledger_{later}_{index}"));
            let witness = work.path().join(format!("witness_{later}_{index}.jsonl"));
            if later {
                succeeded(&ingest_witnessed(&store, &before, &witness, None), &label);
            }
            let output = ingest_witnessed(&store, &both, &witness, Some(case));
            let code = output.status.code();
            if case.ends_with(":full") {
                assert!(
                    code.is_some_and(|code| code != 0 && code != STOPPED),
                    "{label}: a full disk is an error said, not a success or a stop: {code:?}"
                );
                assert!(
                    common::stderr(&output).contains("no space left"),
                    "{label}: {}",
                    common::stderr(&output)
                );
            } else {
                assert_eq!(
                    code,
                    Some(STOPPED),
                    "{label}: the failpoint was not reached: {}",
                    common::stderr(&output)
                );
            }
            if store.exists() {
                succeeded(&verify_witnessed(&store, &witness), &label);
                let survived = events_per_document(&store);
                for (document, count) in &survived {
                    assert_eq!(
                        Some(count),
                        complete.get(document),
                        "{label}: a partial document"
                    );
                }
                assert!(
                    survived.len() >= usize::from(later),
                    "{label}: the earlier document was lost"
                );
            }
            succeeded(
                &ingest_witnessed(&store, &both, &witness, None),
                &format!("{label}: again"),
            );
            succeeded(
                &verify_witnessed(&store, &witness),
                &format!("{label}: after again"),
            );
            assert_eq!(
                events_per_document(&store),
                complete,
                "{label}: after again"
            );
        }
    }
}

/// An ingest whose second append fails for want of space stops there, and witnesses only what
/// the appends before it made durable — not the ledger's head in memory, which may never reach
/// the disk.
#[test]
fn an_ingest_stopped_by_a_failed_append_witnesses_only_what_completed() {
    let work = tempfile::tempdir().unwrap();
    let three = work.path().join("three");
    seed_corpus(&three, &["003_", "004_", "002_"]);
    let store = work.path().join("ledger");
    let witness = work.path().join("witness.jsonl");
    let output = ingest_witnessed(&store, &three, &witness, Some("committed:full@2"));
    assert_eq!(output.status.code(), Some(3), "{}", common::stderr(&output));
    let said = common::stderr(&output);
    assert!(said.contains("no space left"), "{said}");
    assert!(
        said.contains("the other 1 documents were not tried"),
        "{said}"
    );
    let witnessed = planledger::ledger::witness::newest(&witness)
        .unwrap()
        .expect("the first document was witnessed")
        .0;
    // The first document's events: the ledger may hold the second too (sled wrote what it had
    // committed when the process ended), but it was never reported appended.
    let events = common::read_events(&store);
    let first = &events[0].source.document;
    let after_first = events
        .iter()
        .take_while(|e| &e.source.document == first)
        .count();
    assert_eq!(witnessed.size, after_first as u64);
    succeeded(&verify_witnessed(&store, &witness), "verify");
    succeeded(&ingest_witnessed(&store, &three, &witness, None), "again");
    assert_eq!(events_per_document(&store).len(), 3);
}

/// A measure's events are read from the frame its append's cut puts them in, looked up exactly;
/// a ledger whose frames are cut otherwise (an older writer, another tool) is read the same:
/// the same history and log of a measure, and `verify` still passes.
#[test]
fn frames_cut_otherwise_are_read_the_same() {
    let (_dir, store) = ingested_seeds();
    let state: serde_json::Value =
        serde_json::from_str(&stdout(&planledger(&store, &["state", "--format", "json"]))).unwrap();
    let ids: Vec<String> = state["measures"]
        .as_array()
        .unwrap()
        .iter()
        .take(12)
        .map(|measure| measure["id"].as_str().unwrap().to_owned())
        .collect();
    let mut asked: Vec<Vec<&str>> = ids
        .iter()
        .map(|id| vec!["history", id.as_str(), "--format", "json"])
        .collect();
    asked.push(vec!["log", "--measure", &ids[0], "--format", "json"]);
    let before: Vec<String> = asked
        .iter()
        .map(|args| stdout(&planledger(&store, args)))
        .collect();
    common::change_store(&store, |db| {
        let frames = db.open_tree("frames").unwrap();
        let mut events: Vec<Vec<u8>> = Vec::new();
        for entry in frames.iter() {
            let (_, value) = entry.unwrap();
            events.extend(frame::decode_events(&value).expect("the seeds' frames rest whole"));
        }
        frames.clear().unwrap();
        let starts_document = |bytes: &[u8]| {
            let event: serde_json::Value = serde_json::from_slice(bytes).unwrap();
            event["kind"] == "DocumentIngested"
        };
        // Sixteen events a frame, never across two documents: where a frame of the usual cut
        // would start, a frame starts that holds only the first half of its events.
        let mut start = 0;
        while start < events.len() {
            let mut end = start + 1;
            while end < events.len() && end - start < 16 && !starts_document(&events[end]) {
                end += 1;
            }
            let value = frame::encode_events(&events[start..end]).unwrap();
            frames.insert((start as u64).to_be_bytes(), value).unwrap();
            start = end;
        }
    });
    for (args, before) in asked.iter().zip(before) {
        assert_eq!(stdout(&planledger(&store, args)), before, "{args:?}");
    }
    let verified = planledger(&store, &["verify"]);
    assert_eq!(verified.status.code(), Some(0), "{}", stdout(&verified));
}

/// The target index is what `state` chooses each figure's shown value from: a figure's value
/// changed in it, an entry taken out, or one document's observations split over two entries
/// each fail `verify`, naming the index.
#[test]
fn a_changed_missing_or_split_target_entry_fails_verify() {
    /// What verify says, and the change to the target tree.
    type Change = (&'static str, fn(&sled::Tree));
    let changes: [Change; 3] = [
        ("holds another value", |targets| {
            let (key, value) = targets.first().unwrap().unwrap();
            let mut observations = index::decode_observations(&value).unwrap();
            observations[0].value.push('0');
            targets
                .insert(key, index::encode_observations(&observations))
                .unwrap();
        }),
        ("is missing", |targets| {
            let (key, _) = targets.first().unwrap().unwrap();
            targets.remove(key).unwrap();
        }),
        ("", |targets| {
            // The first document's observations, the last of them under a key of its own.
            let (key, value) = targets
                .iter()
                .map(Result::unwrap)
                .find(|(_, value)| index::decode_observations(value).unwrap().len() > 1)
                .expect("a document states two figures");
            let mut observations = index::decode_observations(&value).unwrap();
            let last = observations.pop().unwrap();
            targets
                .insert(key, index::encode_observations(&observations))
                .unwrap();
            targets
                .insert(last.seq.to_be_bytes(), index::encode_observations(&[last]))
                .unwrap();
        }),
    ];
    for (said, change) in changes {
        let (_dir, store) = ingested_seeds();
        common::change_store(&store, |db| change(&db.open_tree("targets").unwrap()));
        let output = planledger(&store, &["verify"]);
        assert_eq!(output.status.code(), Some(1), "{said}: {}", stdout(&output));
        assert!(
            stdout(&output).contains("the target index does not match the events")
                && stdout(&output).contains(said),
            "{said}: {}",
            stdout(&output)
        );
    }
}

/// `reindex` reads the log an event at a time, so an event that does not read could be met
/// after the indexes were cleared: it is looked for first, and a ledger holding one is refused
/// as it was — not marked as reindexing, its indexes and answers unchanged.
#[test]
fn a_reindex_of_a_ledger_holding_an_unreadable_event_changes_nothing() {
    let (_dir, store) = ingested_seeds();
    // `meetings` reads the documents' records alone: an index the reindex would have cleared.
    let before = stdout(&planledger(&store, &["meetings"]));
    let last_seq = common::change_store(&store, |db| {
        let frames = db.open_tree("frames").unwrap();
        let (key, value) = frames.last().unwrap().unwrap();
        let mut events = frame::decode_events(&value).expect("the seeds' frames rest whole");
        let first = u64::from_be_bytes(key.as_ref().try_into().unwrap());
        let last = events.last_mut().unwrap();
        last.truncate(last.len() / 2);
        frames
            .insert(key, frame::encode_events(&events).unwrap())
            .unwrap();
        first + events.len() as u64 - 1
    });
    let reindexed = planledger(&store, &["reindex"]);
    assert_eq!(reindexed.status.code(), Some(3), "{}", stdout(&reindexed));
    assert!(
        common::stderr(&reindexed).contains(&last_seq.to_string()),
        "names the event: {}",
        common::stderr(&reindexed)
    );
    let format = common::change_store(&store, |db| {
        db.open_tree("meta").unwrap().get("store_format").unwrap()
    });
    assert_eq!(
        format.as_deref(),
        Some(&b"8"[..]),
        "not marked as reindexing"
    );
    assert_eq!(stdout(&planledger(&store, &["meetings"])), before);
}

/// A frame gone from the middle of the log: every command that reads the events in bulk says
/// where they stop running in order (exit 3), rather than answering from the rest as if the
/// gap were not there.
#[test]
fn a_missing_frame_is_named_by_every_command_that_reads_the_whole_log() {
    let (_dir, store) = ingested_seeds();
    let gone = remove_frame(&store, |frames| {
        frames.range(..=100u64.to_be_bytes()).next_back()
    });
    assert!(gone > 0, "the frame removed is not the first");
    each_names_the_damage(
        &store,
        &[
            &["log"],
            &["log", "--format", "json"],
            &["prove", "inclusion", "0"],
            &["prove", "consistency", "1"],
            &["state", "--as-known-at", "300"],
        ],
        &format!("seq {gone} was expected"),
    );
}

/// Removes the frame `which` finds from the ledger at `store`; the seq of its first event.
fn remove_frame(
    store: &Path,
    which: impl FnOnce(&sled::Tree) -> Option<sled::Result<(sled::IVec, sled::IVec)>>,
) -> u64 {
    common::change_store(store, |db| {
        let frames = db.open_tree("frames").unwrap();
        let (key, _) = which(&frames).unwrap().unwrap();
        frames.remove(&key).unwrap();
        u64::from_be_bytes(key.as_ref().try_into().unwrap())
    })
}

/// Each command exits 3 with `expected` in its message and sends the reader to `verify`.
fn each_names_the_damage(store: &Path, commands: &[&[&str]], expected: &str) {
    for args in commands {
        let output = planledger(store, args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(3), "{args:?}: {stderr}");
        assert!(
            stderr.contains(expected) && stderr.contains("planledger verify"),
            "{args:?}: {stderr}"
        );
    }
}

/// The log's last frame gone (the head recorded in the store still names its events): the
/// bulk readers say that the events stop short of it, rather than answering from a shorter
/// ledger.
#[test]
fn a_missing_last_frame_is_named_by_every_command_that_reads_the_whole_log() {
    let (_dir, store) = ingested_seeds();
    let gone = remove_frame(&store, |frames| frames.iter().next_back());
    each_names_the_damage(
        &store,
        &[
            &["log"],
            &["prove", "inclusion", "0"],
            &["prove", "consistency", "1"],
        ],
        &format!("stop before seq {gone}"),
    );
    // What was known before the lost frame is still answered.
    let before = (gone - 1).to_string();
    let output = planledger(&store, &["state", "--as-known-at", &before]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
