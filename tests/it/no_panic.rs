//! No panic is reachable from a document, a flag or an export: every parser and reader is run
//! on arbitrary input and must return a value or an error. (The mutation fuzzer,
//! `fuzz/mutate_seeds.rs`, does the same for long runs over mutated seeds.)

use std::collections::BTreeMap;

use planledger::extract::{check_format, extract};
use planledger::ledger::exchange::check_import;
use planledger::source::date::{find_dates, parse_day};
use planledger::source::decode::decode;
use planledger::source::manifest::DocumentFormat;
use planledger::source::meeting::MeetingRef;
use proptest::prelude::*;

/// Strings that look like what the parsers read, and anything at all.
fn texty() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,40}",
        "[第回年月日令和平成元0-9０-９〇一二三四五六七八九十.／/\\-～~()（）時点現在度末以内 ]{0,30}",
        "[【】○〇・①⑴（ア）\\u{3000}\\u{000C}\\r\\n国は、。0-9]{0,80}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn meeting_references_and_dates_never_panic(text in texty()) {
        let _ = MeetingRef::parse(&text);
        let _ = parse_day(&text);
        for found in find_dates(&text) {
            prop_assert!(found.start <= found.end);
        }
    }

    #[test]
    fn decoding_and_extraction_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400), text in texty()) {
        if let Ok((decoded, _)) = decode(&bytes) {
            for format in [DocumentFormat::Torikumi, DocumentFormat::Slides] {
                let version = extract(format, &decoded);
                let _ = check_format(format, &decoded, &version);
            }
        }
        for format in [DocumentFormat::Torikumi, DocumentFormat::Slides] {
            let version = extract(format, &text);
            let _ = check_format(format, &text, &version);
        }
    }

    #[test]
    fn an_import_of_arbitrary_lines_is_refused_not_a_panic(
        lines in prop::collection::vec(prop_oneof![
            "\\PC{0,60}",
            Just(r#"{"seq":0,"prev":"0000000000000000000000000000000000000000000000000000000000000000","kind":"DocumentIngested"}"#.to_owned()),
            "\\{\"seq\":[0-9]{1,3},\"hash\":\"[0-9a-f]{0,64}\"\\}",
        ], 0..6)
    ) {
        let text = lines.join("\n");
        prop_assert!(check_import(text.as_bytes(), &BTreeMap::new()).is_err() || text.trim().is_empty());
    }

    /// What `verify --against`, `verify-proof` and `--witness` read from outside: checkpoints,
    /// proofs, keys and witness lines, arbitrary or a real one with a line changed.
    #[test]
    fn checkpoints_proofs_keys_and_witnesses_never_panic(
        text in texty(),
        line in 0usize..8,
        replacement in texty(),
    ) {
        use planledger::ledger::checkpoint::{Checkpoint, Proof, SignerKey, VerifierKey};
        let mutated = |template: &str| {
            let mut lines: Vec<&str> = template.lines().collect();
            if let Some(slot) = lines.get_mut(line) {
                *slot = &replacement;
            }
            lines.join("\n") + "\n"
        };
        for candidate in [text.clone(), mutated(CHECKPOINT), mutated(PROOF)] {
            let checkpoint = Checkpoint::parse(&candidate);
            let proof = Proof::parse(&candidate);
            let _ = SignerKey::parse(&candidate);
            let _ = VerifierKey::parse(&candidate);
            if let (Ok(proof), Ok(real)) = (&proof, Checkpoint::parse(CHECKPOINT)) {
                let _ = proof.verify(&real, Some(&real));
            }
            if let (Ok(checkpoint), Ok(proof)) = (checkpoint, Proof::parse(PROOF)) {
                let _ = proof.verify(&checkpoint, Some(&checkpoint));
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let witness = dir.path().join("witness.jsonl");
        std::fs::write(&witness, format!("{text}\n{{\"witnessed_at\":\"x\",\"checkpoint\":{}}}\n", serde_json::to_string(&mutated(CHECKPOINT)).unwrap())).unwrap();
        let _ = planledger::ledger::witness::newest(&witness);
    }

    /// What rests on disk, as damage or an attacker may leave it: a frame or document value,
    /// arbitrary or a real one with bytes changed, is decoded or refused — never a panic —
    /// and a real one comes back as it went in.
    #[test]
    fn stored_frames_and_documents_decode_or_are_refused(
        bytes in proptest::collection::vec(any::<u8>(), 0..200),
        events in proptest::collection::vec("\\PC{0,30}", 1..32),
        at in any::<usize>(),
        flip in 1u8..=255,
    ) {
        use planledger::ledger::frame;
        let _ = frame::decode_events(&bytes);
        let _ = frame::decode_document(&bytes);
        let _ = frame::frame_len(&bytes);
        let value = frame::encode_events(&events).unwrap();
        let back = frame::decode_events(&value).unwrap();
        prop_assert_eq!(back, events.iter().map(|e| e.as_bytes().to_vec()).collect::<Vec<_>>());
        let mut damaged = value.clone();
        let slot = at % damaged.len();
        damaged[slot] ^= flip;
        let _ = frame::decode_events(&damaged);
        let document = events.concat();
        let stored = frame::encode_document(document.as_bytes()).unwrap();
        prop_assert_eq!(frame::decode_document(&stored).unwrap(), document.as_bytes());
        let mut damaged = stored.clone();
        let slot = at % damaged.len();
        damaged[slot] ^= flip;
        let _ = frame::decode_document(&damaged);
    }

    /// The renderers' own escaping, on anything a document may hold.
    #[test]
    fn what_reaches_a_terminal_or_a_page_is_neutralised(text in "\\PC{0,40}|[\u{0}-\u{9f}\u{202a}-\u{202e}]{0,20}") {
        let shown = planledger::report::terminal::neutralised(&text);
        prop_assert!(!shown.chars().any(planledger::report::terminal::is_terminal_control));
        // A line break becomes the one element the escaping writes itself.
        let escaped = planledger::report::html::escape(&text).replace("<br>", "");
        prop_assert!(!escaped.contains('<') && !escaped.contains('>'));
    }
}

/// A checkpoint and a consistency proof as planledger prints them (from the README's example).
const CHECKPOINT: &str = "planledger\n352\nt9lxv/yZ1oT/UmyUWzc5AHcsJlfpKTTDmGVpx6hz9+8=\nhead 351 65dde1cd3dff1d9d4ab06bf4f098325dc5b1fae21bce7aade66431f2f0d6fa12\n\n— planledger-example EN2rCRFd/4H/6VAY3yD8xzrXV9R69cfF5aOEYcEyiIQfa/uAzohGnlbMV0mTfkE0tWNRw6E1HJCQlz88U+5QJp3NFwo=\n";
const PROOF: &str = "planledger consistency proof\nold 352\nnew 390\n3Mx9WN+oW9A3K8+14aI4UvDwVz/Q0nC4QyqFIVl1YSs=\n";
