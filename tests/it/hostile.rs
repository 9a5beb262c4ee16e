//! A hostile environment (issue 25): endless and huge inputs, malformed encodings, terminal
//! escapes in documents, reads of folders that are not ledgers, read-only archives.

use crate::common;

use common::{ingested_seeds, planledger, stderr, stdout};

/// Endless inputs (`/dev/zero`) and a 2 GiB sparse document are refused at their limits with
/// exit 2 and a message naming the limit — not read until memory runs out.
#[test]
fn endless_and_huge_inputs_are_refused_at_their_limits() {
    let (dir, store) = ingested_seeds();
    let checkpoint = dir.path().join("checkpoint.txt");
    let made = planledger(&store, &["checkpoint"]);
    assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));
    std::fs::write(&checkpoint, &made.stdout).unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["verify", "--against", "/dev/zero"],
            "more than the 1 MiB a checkpoint, proof or key may be",
        ),
        (
            vec!["import", "/dev/zero", "--documents", "/dev/null"],
            "line 1 is longer than the 1 MiB a line of an export may be",
        ),
        (
            vec![
                "verify-proof",
                "/dev/zero",
                "--checkpoint",
                checkpoint.to_str().unwrap(),
            ],
            "more than the 1 MiB a checkpoint, proof or key may be",
        ),
    ];
    for (args, said) in cases {
        let output = planledger(&store, &args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(said),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    let sparse = dir.path().join("sparse.txt");
    std::fs::File::create(&sparse)
        .unwrap()
        .set_len(2 << 30)
        .unwrap();
    let output = planledger(
        &store,
        &[
            "ingest",
            sparse.to_str().unwrap(),
            "--meeting",
            "第93回",
            "--date",
            "2026-01-15",
            "--format",
            "slides",
            "--title",
            "t",
        ],
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("2 GiB is larger than the 64 MiB a document may be"),
        "{}",
        stderr(&output)
    );
    assert!(stdout(&output).contains("0 documents appended"));
}

/// A file whose byte-order mark says UTF-16 but whose bytes are not (a stray trailing byte) is
/// refused naming UTF-16 and the offset.
#[test]
fn a_file_not_in_the_encoding_its_mark_says_is_refused_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("ledger");
    let mut bytes = vec![0xFF, 0xFE];
    for unit in "国は、推進する。\n".repeat(50_000).encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    let odd_at = bytes.len();
    bytes.push(b'x');
    let path = dir.path().join("u16.txt");
    std::fs::write(&path, &bytes).unwrap();
    let output = planledger(
        &store,
        &[
            "ingest",
            path.to_str().unwrap(),
            "--meeting",
            "第93回",
            "--date",
            "2026-01-15",
            "--format",
            "slides",
            "--title",
            "t",
        ],
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(
        message.contains("UTF-16LE byte-order mark")
            && message.contains(&format!("offset {odd_at}"))
            && message.contains("odd number of bytes"),
        "{message}"
    );
}

/// A title and document lines holding terminal escapes and a carriage return reach `meetings`,
/// `state` and `log` (and ingest's own messages) shown, not acted on; JSON keeps them exact.
#[test]
fn no_raw_escape_reaches_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("ledger");
    let mut lines = common::derived::seed_lines();
    // Inside the first measure's text and an action's, as a hostile extraction would print.
    let measure = lines
        .iter()
        .position(|line| line.starts_with("国及び都道府県は、がん医療が高度化する中で"))
        .unwrap();
    lines[measure] = format!("\u{1b}[2J\u{1b}]0;owned\u{7}{}", lines[measure]);
    let action = lines.iter().position(|line| line.starts_with('○')).unwrap();
    lines[action] = format!("{}\rverify ok\u{9b}31m", lines[action]);
    let path = dir.path().join("torikumi.txt");
    std::fs::write(&path, lines.join("\n")).unwrap();
    let title = "取組一覧\u{1b}[2J\rverify ok";
    let ingested = planledger(
        &store,
        &[
            "ingest",
            path.to_str().unwrap(),
            "--meeting",
            "がん対策推進協議会 第92回",
            "--date",
            "2025-10-06",
            "--format",
            "torikumi",
            "--title",
            title,
        ],
    );
    assert_eq!(ingested.status.code(), Some(0), "{}", stderr(&ingested));
    let raw = |text: &str| {
        text.chars()
            .find(|&c| (c.is_control() && c != '\n' && c != '\t'))
            .map(|c| format!("{:?}", c))
    };
    for args in [
        vec!["meetings"],
        vec!["state", "--at", "第92回"],
        vec!["log"],
    ] {
        let output = planledger(&store, &args);
        for (stream, text) in [("stdout", stdout(&output)), ("stderr", stderr(&output))] {
            assert_eq!(raw(&text), None, "{args:?} {stream}: {text}");
        }
    }
    let shown = stdout(&planledger(&store, &["meetings"]));
    assert!(
        shown.contains("取組一覧\\u{1b}[2J\\u{d}verify ok"),
        "{shown}"
    );
    let state = stdout(&planledger(&store, &["state", "--at", "第92回"]));
    assert!(state.contains("\\u{1b}]0;owned\\u{7}"), "{state}");
    assert!(state.contains("\\u{d}verify ok\\u{9b}31m"), "{state}");
    // JSON is exact: the title reads back as filed.
    let json: serde_json::Value =
        serde_json::from_slice(&planledger(&store, &["meetings", "--format", "json"]).stdout)
            .unwrap();
    assert!(
        json.to_string().contains("取組一覧\\u001b[2J\\rverify ok"),
        "{json}"
    );
    assert!(raw(&stdout(&ingested)).is_none() && raw(&stderr(&ingested)).is_none());
}
