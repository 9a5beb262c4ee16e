//! Checkpoints, signatures and Merkle proofs through the command line: a checkpoint taken at
//! 第92回 is extended by today's ledger, checked offline with the verifier key; altered proofs,
//! checkpoints and wrong keys fail with exit 1.

use crate::common;

use std::path::Path;

use common::{ingested_seeds, planledger, stderr, stdout};
use planledger::ledger::checkpoint::{Checkpoint, Proof};

fn write(path: &Path, text: &str) -> String {
    std::fs::write(path, text).unwrap();
    path.display().to_string()
}

#[test]
fn a_signed_checkpoint_at_92_is_extended_by_todays_ledger() {
    let (dir, store) = ingested_seeds();
    let key = dir.path().join("key").display().to_string();
    let output = planledger(
        &store,
        &["keygen", "--name", "planledger-test", "--out", &key],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let public = format!("{key}.pub");
    // Keys are never overwritten.
    assert_eq!(
        planledger(&store, &["keygen", "--name", "x", "--out", &key])
            .status
            .code(),
        Some(2)
    );

    let at_92 = stdout(&planledger(
        &store,
        &["checkpoint", "--at", "第92回", "--sign", &key],
    ));
    let lines: Vec<&str> = at_92.lines().collect();
    assert_eq!(lines[0], "planledger");
    assert_eq!(
        lines[1], "352",
        "seed 000's 352 events are the log through 第92回"
    );
    assert!(lines[4].starts_with("meeting がん対策推進協議会 第92回"));
    let now = stdout(&planledger(&store, &["checkpoint", "--sign", &key]));
    assert_eq!(now.lines().nth(1), Some("415"));
    let old_path = write(&dir.path().join("cp92"), &at_92);
    let new_path = write(&dir.path().join("cpnow"), &now);

    let proof = stdout(&planledger(&store, &["prove", "consistency", "352"]));
    let proof_path = write(&dir.path().join("proof"), &proof);
    let check = |proof: &str, new: &str, old: &str, key: &str| {
        planledger(
            &store,
            &[
                "verify-proof",
                proof,
                "--checkpoint",
                new,
                "--old-checkpoint",
                old,
                "--key",
                key,
            ],
        )
    };
    let output = check(&proof_path, &new_path, &old_path, &public);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(stdout(&output).starts_with(
        "ok: the ledger of 415 events extends the ledger of 352 events; signatures checked"
    ));

    // A flipped hash in the proof.
    let mut lines: Vec<String> = proof.lines().map(str::to_owned).collect();
    lines[4] = lines[4].replacen(
        &lines[4][..1],
        if &lines[4][..1] == "A" { "B" } else { "A" },
        1,
    );
    let broken = write(&dir.path().join("broken"), &(lines.join("\n") + "\n"));
    assert_eq!(
        check(&broken, &new_path, &old_path, &public).status.code(),
        Some(1)
    );
    // A checkpoint whose root was replaced: its signature no longer holds.
    let forged_root = now.replacen(
        now.lines().nth(2).unwrap(),
        &format!("{}=", "A".repeat(43)),
        1,
    );
    let forged = write(&dir.path().join("forged"), &forged_root);
    let output = check(&proof_path, &forged, &old_path, &public);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("no valid signature"),
        "{}",
        stdout(&output)
    );
    // Another key.
    let other = dir.path().join("other").display().to_string();
    planledger(
        &store,
        &["keygen", "--name", "planledger-test", "--out", &other],
    );
    assert_eq!(
        check(&proof_path, &new_path, &old_path, &format!("{other}.pub"))
            .status
            .code(),
        Some(1)
    );
    // Malformed input is exit 2.
    let garbage = write(&dir.path().join("garbage"), "not a proof\n");
    assert_eq!(
        check(&garbage, &new_path, &old_path, &public).status.code(),
        Some(2)
    );
}

#[test]
fn the_checkpoint_at_a_meeting_does_not_move_when_the_ledger_grows() {
    let (dir, store) = ingested_seeds();
    let before = stdout(&planledger(&store, &["checkpoint", "--at", "92"]));
    let extra = dir.path().join("extra.txt");
    std::fs::write(
        &extra,
        "第４期がん対策推進基本計画施策に対する取組一覧\n①\n見出し\n\n国は、検討する。\n\n【健康局】\n○検討した。\n",
    )
    .unwrap();
    common::ingest_torikumi_as(&store, &extra, "がん対策推進協議会 第93回", "2026-06-01");
    assert_eq!(
        stdout(&planledger(&store, &["checkpoint", "--at", "92"])),
        before
    );
}

#[test]
fn every_event_has_an_inclusion_proof_against_the_current_root() {
    let (_dir, store) = ingested_seeds();
    let events = common::read_events(&store);
    let checkpoint = Checkpoint::of_events("planledger", &events, events.len() as u64).unwrap();
    for event in &events {
        let proof = Proof::inclusion(&events, event.seq, events.len() as u64).unwrap();
        let reparsed = Proof::parse(&proof.to_text()).unwrap();
        reparsed
            .verify(&checkpoint, None)
            .unwrap_or_else(|e| panic!("seq {}: {e}", event.seq));
    }
    // A proof for one event does not prove another event's hash.
    let Proof::Inclusion {
        index, size, path, ..
    } = Proof::inclusion(&events, 3, events.len() as u64).unwrap()
    else {
        unreachable!()
    };
    let substituted = Proof::Inclusion {
        index,
        size,
        path,
        event_hash: events[4].hash.clone(),
    };
    assert!(substituted.verify(&checkpoint, None).is_err());
}

#[test]
fn verify_against_a_saved_checkpoint_passes_on_the_grown_ledger_and_fails_on_a_rewritten_one() {
    let (dir, store) = ingested_seeds();
    let keyfile = dir.path().join("auditor.key");
    let output = planledger(
        &store,
        &[
            "keygen",
            "--name",
            "auditor",
            "--out",
            keyfile.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = planledger(
        &store,
        &[
            "checkpoint",
            "--at",
            "第92回",
            "--sign",
            keyfile.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let saved = dir.path().join("92.checkpoint");
    std::fs::write(&saved, stdout(&output)).unwrap();
    let public = format!("{}.pub", keyfile.display());
    let against = |store: &std::path::Path| {
        planledger(
            store,
            &[
                "verify",
                "--against",
                saved.to_str().unwrap(),
                "--key",
                &public,
            ],
        )
    };
    // Today's ledger extends it.
    let output = against(&store);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    // A ledger built in another order states the same things but rewrites the chain the
    // checkpoint covers.
    let other = dir.path().join("other");
    for seed in ["001_", "000_", "002_", "003_", "004_"] {
        let output = planledger(&other, &["ingest", common::seed(seed).to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }
    let output = against(&other);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert!(
        stdout(&output).contains("does not extend the checkpoint"),
        "{}",
        stdout(&output)
    );
    // A ledger holding less than the checkpoint was rolled back.
    let short = dir.path().join("short");
    planledger(&short, &["ingest", common::seed("001_").to_str().unwrap()]);
    let output = against(&short);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("cut short or rolled back"),
        "{}",
        stdout(&output)
    );
}

/// An empty ledger has the checkpoint of the empty tree, as the reference computes it.
#[test]
fn the_checkpoint_of_an_empty_ledger_is_the_empty_trees() {
    let dir = tempfile::tempdir().unwrap();
    let store = planledger::ledger::Store::open(&dir.path().join("ledger")).unwrap();
    let size = planledger::query::size_through(&store, None).unwrap();
    assert_eq!(size, Some(0));
    assert_eq!(
        planledger::query::checkpoint(&store, "planledger", 0).unwrap(),
        planledger::ledger::checkpoint::Checkpoint::of_events("planledger", &[], 0).unwrap()
    );
}
