//! Export and import: an untouched export re-imports to the same head hash and passes an
//! independent Python verifier (PyPI blake3 + jcs); every kind of tampering is refused by import
//! with its line named, and fails the independent verifier too.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{ingested_seeds, planledger, stderr, stdout};

struct Export {
    _dir: tempfile::TempDir,
    file: PathBuf,
    documents: PathBuf,
    head_line: String,
}

/// Exports `store` into `dir` (`ledger.jsonl` and `documents/`), asserting that it succeeded.
pub(crate) fn export_into(store: &Path, dir: &Path) -> (PathBuf, PathBuf) {
    let file = dir.join("ledger.jsonl");
    let documents = dir.join("documents");
    let output = planledger(
        store,
        &[
            "export",
            "--out",
            file.to_str().unwrap(),
            "--with-documents",
            documents.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    (file, documents)
}

fn export_seeds() -> Export {
    let (dir, store) = ingested_seeds();
    let (file, documents) = export_into(&store, dir.path());
    let verify = stdout(&planledger(&store, &["verify"]));
    let head_line = verify.split("head ").nth(1).unwrap().trim().to_owned();
    Export {
        _dir: dir,
        file,
        documents,
        head_line,
    }
}

/// `verify` passes on the ledger in `store`, holding the seeds' 415 events and 5 documents and
/// ending at the exported ledger's head.
fn assert_verifies_to_the_seeds_head(store: &Path, export: &Export) {
    let verify = stdout(&planledger(store, &["verify"]));
    assert!(
        verify.starts_with("ok: 415 events, 5 documents"),
        "{verify}"
    );
    assert_eq!(
        verify.split("head ").nth(1).unwrap().trim(),
        export.head_line
    );
}

fn import(export_file: &Path, documents: &Path) -> std::process::Output {
    let target = tempfile::tempdir().unwrap().keep().join("imported");
    planledger(
        &target,
        &[
            "import",
            export_file.to_str().unwrap(),
            "--documents",
            documents.to_str().unwrap(),
        ],
    )
}

/// Rewrites the export with `change` applied to its lines.
fn tampered(export: &Export, change: impl FnOnce(&mut Vec<String>)) -> PathBuf {
    let text = std::fs::read_to_string(&export.file).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    change(&mut lines);
    let path = export.file.with_file_name("tampered.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

/// A refused import is a check that failed: exit 1.
fn assert_refused(output: std::process::Output, line: usize) {
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let message = stderr(&output);
    assert!(
        message.contains(&format!("line {line}")),
        "expected line {line} in: {message}"
    );
    assert!(message.contains("nothing was imported"), "{message}");
}

#[test]
fn an_untouched_export_imports_to_the_same_head() {
    let export = export_seeds();
    let text = std::fs::read_to_string(&export.file).unwrap();
    assert_eq!(text.lines().count(), 415);
    let target = tempfile::tempdir().unwrap();
    let store = target.path().join("imported");
    let output = planledger(
        &store,
        &[
            "import",
            export.file.to_str().unwrap(),
            "--documents",
            export.documents.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_verifies_to_the_seeds_head(&store, &export);
    // A second import into the now non-empty store is refused.
    let again = planledger(
        &store,
        &[
            "import",
            export.file.to_str().unwrap(),
            "--documents",
            export.documents.to_str().unwrap(),
        ],
    );
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("already holds events"));
}

/// An import is written an append at a time, as ingest writes, and marked until its last append
/// lands: one cut short (the process stopped once its third transaction was durable) is refused
/// by every command, which says what to do, and the folder removed, the import runs again to
/// the same head.
#[test]
fn an_import_cut_short_is_refused_until_it_is_run_again() {
    let export = export_seeds();
    let target = tempfile::tempdir().unwrap();
    let store = target.path().join("imported");
    let import_args = [
        "import",
        export.file.to_str().unwrap(),
        "--documents",
        export.documents.to_str().unwrap(),
    ];
    let stopped = Command::new(env!("CARGO_BIN_EXE_planledger"))
        .arg("--store")
        .arg(&store)
        .args(import_args)
        .env("PLANLEDGER_NOW", common::FIXED_NOW)
        .env("PLANLEDGER_FAILPOINT", "flushed:stop@3")
        .env_remove("PLANLEDGER_STORE")
        .output()
        .unwrap();
    assert_eq!(
        stopped.status.code(),
        Some(planledger::ledger::failpoint::STOPPED),
        "{}",
        stderr(&stopped)
    );
    // (verify fails — exit 1 — a ledger it cannot open; the others cannot use it: exit 3.)
    for (command, code) in [
        (&["state"][..], 3),
        (&["meetings"], 3),
        (&["export"], 3),
        (&["verify"], 1),
    ] {
        let refused = planledger(&store, command);
        assert_eq!(refused.status.code(), Some(code), "{command:?}");
        let message = stderr(&refused);
        assert!(
            message.contains("was cut short") && message.contains("run the import again"),
            "{command:?}: {message}"
        );
    }
    std::fs::remove_dir_all(&store).unwrap();
    let again = planledger(&store, &import_args);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    let verify = stdout(&planledger(&store, &["verify"]));
    assert_eq!(
        verify.split("head ").nth(1).unwrap().trim(),
        export.head_line
    );
}

#[test]
fn every_kind_of_tampering_is_refused_with_its_line() {
    let export = export_seeds();
    let documents = &export.documents;
    // A changed value: the hash no longer matches (line 8 = seq 7).
    let path = tampered(&export, |lines| lines[7] = lines[7].replacen("。", "．", 1));
    assert_refused(import(&path, documents), 8);
    // A broken prev link.
    let path = tampered(&export, |lines| {
        let line = &lines[20];
        let at = line.find("\"prev\":\"").unwrap() + 8;
        let replacement = if &line[at..at + 1] == "0" { "1" } else { "0" };
        lines[20] = format!("{}{}{}", &line[..at], replacement, &line[at + 1..]);
    });
    assert_refused(import(&path, documents), 21);
    // A missing event.
    let path = tampered(&export, |lines| {
        lines.remove(30);
    });
    assert_refused(import(&path, documents), 31);
    // Two events swapped.
    let path = tampered(&export, |lines| lines.swap(40, 41));
    assert_refused(import(&path, documents), 41);
    // Not canonical: the same JSON pretty-printed differently.
    let path = tampered(&export, |lines| {
        lines[50] = lines[50].replacen("{", "{ ", 1)
    });
    assert_refused(import(&path, documents), 51);
    // An unknown kind (with a hash recomputed so only the kind is wrong).
    let path = tampered(&export, |lines| {
        let mut event: serde_json::Value = serde_json::from_str(&lines[60]).unwrap();
        event["kind"] = "MeasureDeleted".into();
        let hash =
            planledger::ledger::event::hash_of_value_without_hash(&mut event.clone()).unwrap();
        event["hash"] = hash.into();
        lines[60] =
            String::from_utf8(planledger::ledger::jcs::canonicalize(&event).unwrap()).unwrap();
    });
    let output = import(&path, documents);
    assert_refused(output, 61);
    // Document bytes that do not match their hash.
    let changed_documents = export.documents.with_file_name("changed-documents");
    std::fs::create_dir_all(&changed_documents).unwrap();
    for entry in std::fs::read_dir(documents).unwrap() {
        let entry = entry.unwrap();
        let mut bytes = std::fs::read(entry.path()).unwrap();
        if bytes.len() > 100_000 {
            bytes[5000] ^= 0x01;
        }
        std::fs::write(changed_documents.join(entry.file_name()), bytes).unwrap();
    }
    let output = import(&export.file, &changed_documents);
    assert_refused(output, 1);
}

/// The Python interpreter with `blake3` and `jcs`: $PLANLEDGER_PYTHON, else python3. Tests that
/// call this are ignored where the build script found none (`planledger_no_python`), so here a
/// missing interpreter is a failure, never a silent pass.
pub(crate) fn independent_python() -> String {
    let python = std::env::var("PLANLEDGER_PYTHON").unwrap_or_else(|_| "python3".into());
    let ready = Command::new(&python)
        .args(["-c", "import blake3, jcs"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ready,
        "{python} cannot import blake3 and jcs (pip install blake3 jcs; .ci/run does)"
    );
    python
}

#[test]
#[cfg_attr(
    planledger_no_python,
    ignore = "needs Python with the PyPI packages blake3 and jcs (see build.rs)"
)]
fn an_independent_python_verifier_accepts_the_export_and_rejects_tampering() {
    let python = independent_python();
    let export = export_seeds();
    let script = common::project_dir().join("tests").join("verify_export.py");
    let run = |file: &Path| {
        Command::new(&python)
            .arg(&script)
            .arg(file)
            .arg(&export.documents)
            .output()
            .unwrap()
    };
    let output = run(&export.file);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(stdout(&output).contains("415 passed, 0 failed"));
    let path = tampered(&export, |lines| lines[7] = lines[7].replacen("。", "．", 1));
    let output = run(&path);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).starts_with("line 8: hash"),
        "{}",
        stdout(&output)
    );
}

/// Re-seals every line from `from` on, so the chain is valid again after an edit: what a forger
/// who controls the whole export would do.
pub(crate) fn rechain(lines: &mut [String], from: usize) {
    use planledger::ledger::event::hash_of_value_without_hash;
    use planledger::ledger::jcs::canonicalize;
    for index in from..lines.len() {
        let mut event: serde_json::Value = serde_json::from_str(&lines[index]).unwrap();
        if index > 0 {
            let previous: serde_json::Value = serde_json::from_str(&lines[index - 1]).unwrap();
            event["prev"] = previous["hash"].clone();
        }
        event["hash"] = hash_of_value_without_hash(&mut event.clone())
            .unwrap()
            .into();
        lines[index] = String::from_utf8(canonicalize(&event).unwrap()).unwrap();
    }
}

/// Lines that hash and chain correctly but are not what an event's fields encode to — a
/// member the shape does not know, a member left out that it would default — and a document
/// ingested twice are refused, not stored re-encoded (which would change their hash).
#[test]
fn a_rechained_export_with_unknown_or_missing_members_or_a_repeated_document_is_refused() {
    let export = export_seeds();
    let documents = &export.documents;
    type Edit = dyn Fn(&mut serde_json::Value);
    let edits: [(usize, &Edit); 3] = [
        (60, &|event| {
            event["note"] = "added".into();
        }),
        (61, &|event| {
            event["source"].as_object_mut().unwrap().remove("lines");
        }),
        (62, &|event| {
            event["meeting"].as_object_mut().unwrap().remove("date");
        }),
    ];
    for (index, edit) in edits {
        let path = tampered(&export, |lines| {
            let mut event: serde_json::Value = serde_json::from_str(&lines[index]).unwrap();
            edit(&mut event);
            lines[index] =
                String::from_utf8(planledger::ledger::jcs::canonicalize(&event).unwrap()).unwrap();
            rechain(lines, index);
        });
        let output = import(&path, documents);
        assert_refused(output, index + 1);
    }
    // The first document's DocumentIngested appended again at the end, re-chained.
    let path = tampered(&export, |lines| {
        let mut event: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
        event["seq"] = (lines.len() as u64).into();
        lines.push(
            String::from_utf8(planledger::ledger::jcs::canonicalize(&event).unwrap()).unwrap(),
        );
        let last = lines.len() - 1;
        rechain(lines, last);
    });
    let output = import(&path, documents);
    let message = stderr(&output);
    assert_refused(output, 416);
    assert!(message.contains("already ingested"), "{message}");
}

#[test]
fn a_rechained_forgery_passes_the_chain_check_but_not_deep_verification() {
    let export = export_seeds();
    // Event 3 is a done action of the first measure; claim it was only planned.
    let path = tampered(&export, |lines| {
        assert!(lines[3].contains("\"status\":\"done\""));
        lines[3] = lines[3].replacen("\"status\":\"done\"", "\"status\":\"planned\"", 1);
        rechain(lines, 3);
    });
    let target = tempfile::tempdir().unwrap();
    let store = target.path().join("forged");
    let output = planledger(
        &store,
        &[
            "import",
            path.to_str().unwrap(),
            "--documents",
            export.documents.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(planledger(&store, &["verify"]).status.code(), Some(0));
    let output = planledger(&store, &["verify", "--deep"]);
    assert_eq!(output.status.code(), Some(1));
    let report = stdout(&output);
    assert!(
        report.starts_with("FAILED: first failure at seq 3: replay differs: ActionReported `status`: the ledger holds \"planned\", the document derives \"done\""),
        "{report}"
    );
}

/// An export read through a pipe (it is read twice: first checked, then written) imports to the
/// same head as the file itself.
#[test]
fn an_export_given_through_a_pipe_imports_to_the_same_head() {
    let export = export_seeds();
    let target = tempfile::tempdir().unwrap();
    let store = target.path().join("imported");
    let output = Command::new(env!("CARGO_BIN_EXE_planledger"))
        .arg("--store")
        .arg(&store)
        .args(["import", "/dev/stdin", "--documents"])
        .arg(&export.documents)
        .stdin(std::fs::File::open(&export.file).unwrap())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_verifies_to_the_seeds_head(&store, &export);
    assert!(stdout(&output).contains("imported 415 events and 5 documents"));
}

/// The lines written are the lines checked: an export whose file changes between its check and
/// its writing (a line swapped with the next, or the file cut short) stops at that line, and the
/// store is left marked as importing — refused by every command, never read as the ledger.
#[test]
fn an_export_changed_after_its_check_is_not_written_as_checked() {
    use planledger::ledger::exchange::{check_export_file, import_checked, ExchangeError};
    let export = export_seeds();
    let text = std::fs::read(&export.file).unwrap();
    let lines: Vec<Vec<u8>> = text
        .strip_suffix(b"\n")
        .unwrap()
        .split(|&b| b == b'\n')
        .map(<[u8]>::to_vec)
        .collect();
    let read = |lines: Vec<Vec<u8>>| lines.into_iter().map(Ok::<_, ExchangeError>);
    let checked = check_export_file(read(lines.clone()), &export.documents)
        .unwrap()
        .expect("the untouched export checks out");
    let mut swapped = lines.clone();
    swapped.swap(40, 41);
    let mut cut = lines.clone();
    cut.truncate(100);
    for (changed, line) in [(swapped, 41), (cut, 101)] {
        let target = tempfile::tempdir().unwrap();
        let path = target.path().join("imported");
        let store = planledger::ledger::Store::open(&path).unwrap();
        let error = import_checked(&store, &checked, read(changed), &export.documents)
            .expect_err("a changed export is not imported");
        assert!(
            matches!(error, ExchangeError::ExportChanged { line: at } if at == line),
            "{error}"
        );
        drop(store);
        let state = planledger(&path, &["state"]);
        assert_eq!(state.status.code(), Some(3), "{}", stdout(&state));
        assert!(stderr(&state).contains("import"), "{}", stderr(&state));
    }
}

/// The documents written are the documents checked: one replaced beside the export after the
/// check stops the import at its append, the store left marked as importing.
#[test]
fn a_document_changed_after_its_check_is_not_written() {
    use planledger::ledger::exchange::{check_export_file, import_checked, ExchangeError};
    let export = export_seeds();
    let text = std::fs::read(&export.file).unwrap();
    let read = || {
        text.strip_suffix(b"\n")
            .unwrap()
            .split(|&b| b == b'\n')
            .map(|line| Ok::<_, ExchangeError>(line.to_vec()))
    };
    let checked = check_export_file(read(), &export.documents)
        .unwrap()
        .expect("the untouched export checks out");
    let replaced = std::fs::read_dir(&export.documents)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .max()
        .unwrap();
    std::fs::write(&replaced, "another text\n").unwrap();
    let target = tempfile::tempdir().unwrap();
    let path = target.path().join("imported");
    let store = planledger::ledger::Store::open(&path).unwrap();
    let error = import_checked(&store, &checked, read(), &export.documents)
        .expect_err("a changed document is not imported");
    let name = replaced.file_stem().unwrap().to_str().unwrap().to_owned();
    assert!(
        matches!(&error, ExchangeError::DocumentChanged { hash } if *hash == name),
        "{error}"
    );
    drop(store);
    let state = planledger(&path, &["state"]);
    assert_eq!(state.status.code(), Some(3), "{}", stdout(&state));
}

/// `Store::import` marks the ledger whole only when the events end where the caller said the
/// checked export ends: events that end elsewhere leave it marked as importing.
#[test]
fn an_import_whose_events_end_elsewhere_is_left_marked() {
    use planledger::ledger::{Event, Store, StoreError};
    let export = export_seeds();
    let text = std::fs::read(&export.file).unwrap();
    let events: Vec<Event> = text
        .strip_suffix(b"\n")
        .unwrap()
        .split(|&b| b == b'\n')
        .map(|line| Event::from_bytes(line).unwrap())
        .collect();
    let last = events.last().unwrap();
    let (last_seq, last_hash) = (last.seq, last.hash.clone());
    let target = tempfile::tempdir().unwrap();
    let path = target.path().join("imported");
    let store = Store::open(&path).unwrap();
    let fewer = events[..events.len() - 3].to_vec();
    let error = store
        .import(
            fewer.into_iter().map(Ok::<_, StoreError>),
            (last_seq, &last_hash),
            |hash| Ok(std::fs::read(export.documents.join(format!("{hash}.txt"))).ok()),
        )
        .expect_err("events that end early are not a whole import");
    assert!(
        matches!(error, StoreError::ImportEndedElsewhere { expected, found: Some(found) } if expected == last_seq && found == last_seq - 3),
        "{error}"
    );
    drop(store);
    let state = planledger(&path, &["state"]);
    assert_eq!(state.status.code(), Some(3), "{}", stdout(&state));
}
