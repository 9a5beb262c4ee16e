//! A hostile environment (issue 25): endless and huge inputs, malformed encodings, terminal
//! escapes in documents, reads of folders that are not ledgers, read-only archives.

use crate::common;

use common::{ingested_seeds, planledger, stderr, stdout};

/// `planledger [global…] ingest PATH` as slides of `meeting` on `date`, titled 「資料」.
fn ingest_slides(
    store: &std::path::Path,
    global: &[&str],
    path: &std::path::Path,
    meeting: &str,
    date: &str,
) -> std::process::Output {
    let mut args = global.to_vec();
    args.extend([
        "ingest",
        path.to_str().unwrap(),
        "--meeting",
        meeting,
        "--date",
        date,
        "--format",
        "slides",
        "--title",
        "資料",
    ]);
    planledger(store, &args)
}

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
    let output = ingest_slides(&store, &[], &sparse, "第93回", "2026-01-15");
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
    let output = ingest_slides(&store, &[], &path, "第93回", "2026-01-15");
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
            .find(|&c| c.is_control() && c != '\n' && c != '\t')
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

/// A read never creates: a folder that is not a ledger (empty, or holding other files) is "not
/// a ledger" (exit 3) for every reading command, and nothing is written into it.
#[test]
fn a_read_of_a_folder_that_is_not_a_ledger_creates_nothing_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty");
    let other = dir.path().join("other");
    std::fs::create_dir(&empty).unwrap();
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("notes.txt"), "not a ledger").unwrap();
    for (folder, found) in [
        (&empty, "an empty folder"),
        (&other, "a folder without a ledger's files"),
    ] {
        for args in [
            vec!["verify"],
            vec!["verify", "--deep"],
            vec!["meetings"],
            vec!["state"],
            vec!["log"],
            vec!["export"],
            vec!["reindex"],
        ] {
            let output = planledger(folder, &args);
            assert_eq!(
                output.status.code(),
                Some(3),
                "{args:?}: {}",
                stdout(&output)
            );
            assert!(
                stderr(&output).contains(&format!("is not a ledger ({found}")),
                "{args:?}: {}",
                stderr(&output)
            );
        }
        let entries: Vec<_> = std::fs::read_dir(folder)
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert!(
            entries.is_empty() || entries == ["notes.txt"],
            "a read wrote {entries:?}"
        );
    }
    // Ingest still makes a new ledger in an empty folder, and refuses one holding other files.
    let seeds = common::seeds_dir();
    let made = planledger(&empty, &["ingest", seeds.to_str().unwrap()]);
    assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));
    let refused = planledger(&other, &["ingest", seeds.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(3), "{}", stderr(&refused));
}

/// The command line as an unprivileged user: through `setpriv` when the tests run as root
/// (root reads past file modes), as is otherwise. `binary` is a copy of planledger that user
/// may run (the build's own may sit in a folder only its owner can enter).
fn as_unprivileged(
    binary: &std::path::Path,
    store: &std::path::Path,
    cache: &std::path::Path,
    args: &[&str],
) -> std::process::Output {
    unprivileged(binary, store, cache)
        .args(args)
        .output()
        .expect("setpriv (util-linux) runs the binary as nobody")
}

/// planledger over `store` as an unprivileged user whose cache folder is `cache`, its command
/// still to be given.
fn unprivileged(
    binary: &std::path::Path,
    store: &std::path::Path,
    cache: &std::path::Path,
) -> std::process::Command {
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let mut command = if root {
        let mut command = std::process::Command::new("setpriv");
        command.args(["--reuid=65534", "--regid=65534", "--clear-groups"]);
        command.arg(binary);
        command
    } else {
        std::process::Command::new(binary)
    };
    command
        .arg("--store")
        .arg(store)
        .env("PLANLEDGER_NOW", common::FIXED_NOW)
        .env("XDG_CACHE_HOME", cache)
        .env_remove("PLANLEDGER_STORE");
    command
}

/// Sets the modes of a folder and everything in it.
fn chmod_all(path: &std::path::Path, dirs: u32, files: u32) {
    use std::os::unix::fs::PermissionsExt;
    let mode = if path.is_dir() { dirs } else { files };
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            chmod_all(&entry.unwrap().path(), dirs, files);
        }
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// The copies of archives kept in a reader's cache folder (`XDG_CACHE_HOME`): one folder per
/// version kept (copies being made and the readers' lock file aside).
fn cached_copies(cache: &std::path::Path) -> Vec<std::path::PathBuf> {
    let archives = cache.join("planledger").join("archives");
    let mut copies = Vec::new();
    for archive in std::fs::read_dir(&archives).into_iter().flatten() {
        for copy in std::fs::read_dir(archive.unwrap().path()).unwrap() {
            let copy = copy.unwrap();
            if !copy.file_name().to_string_lossy().starts_with('.') {
                copies.push(copy.path());
            }
        }
    }
    copies
}

/// An unprivileged user reads a read-only archive with every reading command; `verify` says it
/// keeps no record there, and nothing in the archive changes. The archive is copied once into
/// the reader's cache and that copy serves every later command; an archive that changes is
/// copied again, and no command answers from the old copy.
#[test]
fn an_unprivileged_user_reads_a_read_only_archive() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, store) = ingested_seeds();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let binary = dir.path().join("planledger");
    std::fs::copy(env!("CARGO_BIN_EXE_planledger"), &binary).unwrap();
    std::fs::set_permissions(&binary, std::fs::Permissions::from_mode(0o755)).unwrap();
    let cache = dir.path().join("cache");
    std::fs::create_dir(&cache).unwrap();
    std::fs::set_permissions(&cache, std::fs::Permissions::from_mode(0o777)).unwrap();
    chmod_all(&store, 0o555, 0o444);
    let before = files_of(&store);
    let mut marked = None;
    for args in [
        vec!["meetings"],
        vec!["state", "--at", "第92回"],
        vec!["diff", "--since", "第92回"],
        vec!["log", "--kind", "DocumentIngested"],
        vec!["export"],
        vec!["verify"],
        vec!["verify", "--deep"],
    ] {
        let output = as_unprivileged(&binary, &store, &cache, &args);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args:?}: {}",
            stderr(&output)
        );
        if args[0] == "verify" {
            assert!(stdout(&output).starts_with("ok: "), "{}", stdout(&output));
            assert!(
                stderr(&output).contains("is read-only here: this result is not recorded"),
                "{}",
                stderr(&output)
            );
        }
        // One copy, made by the first command and read by every later one (a mark left in it
        // stays: it was not made again).
        let copies = cached_copies(&cache);
        assert_eq!(copies.len(), 1, "{args:?}: {copies:?}");
        let mark = copies[0].join("mark");
        match &marked {
            None => {
                std::fs::write(&mark, "").unwrap();
                marked = Some(mark);
            }
            Some(marked) => assert!(marked.exists(), "{args:?} copied the archive again"),
        }
    }
    // The server answers every request from that same copy.
    let server = crate::server::Server::start_as(unprivileged(&binary, &store, &cache), &[]);
    for path in ["/", "/plan?at=92", "/api/meetings", "/integrity"] {
        let (status, body) = server.fetch(path);
        assert!(status.contains(" 200 "), "{path}: {status} {body}");
    }
    assert_eq!(cached_copies(&cache).len(), 1);
    assert!(
        marked.as_ref().unwrap().exists(),
        "serve copied the archive again"
    );
    assert_eq!(files_of(&store), before, "the archive changed");
    // Its keeper files a new document: the reader sees it, through a new copy.
    chmod_all(&store, 0o755, 0o644);
    let revision = common::project_dir().join("examples/revision/093_demo_torikumi.txt");
    let output =
        common::ingest_torikumi_as(&store, &revision, "がん対策推進協議会 第93回", "2026-01-15");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    chmod_all(&store, 0o555, 0o444);
    let (status, body) = server.fetch("/");
    assert!(status.contains(" 200 "), "{status}");
    assert!(
        body.contains("第93回"),
        "the server answered from the old copy"
    );
    drop(server);
    let output = as_unprivileged(&binary, &store, &cache, &["meetings"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("第93回"), "{}", stdout(&output));
    let copies = cached_copies(&cache);
    assert_eq!(copies.len(), 1, "the older copy is removed: {copies:?}");
    assert!(!copies[0].join("mark").exists());
    // A cache folder someone else could write into is not trusted with a copy: the reader
    // still answers, from a copy of its own elsewhere.
    let shared = dir.path().join("shared-cache");
    std::fs::create_dir_all(shared.join("planledger").join("archives")).unwrap();
    chmod_all(&shared, 0o777, 0o666);
    let output = as_unprivileged(&binary, &store, &shared, &["meetings"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        cached_copies(&shared).is_empty(),
        "a copy was kept in a folder others may write"
    );
    chmod_all(&store, 0o755, 0o644);
}

/// Reads are not writes: a user who may write the ledger reads it with the reading commands,
/// and no file of it is written — not even with the bytes it already holds (sled rewrote every
/// free segment and its log's tail at each open, 4 MB at a million events, until the vendored
/// copy checks first: `vendor/sled/PATCHED.md`, patch 5). The first open after an ingest may
/// finish sled's own recovery (the log's tail made whole, a snapshot of its page table): that
/// read is made first. Each file's time of last change is then set in the past, so a write of
/// the same bytes shows. (sled may still truncate a free segment at the file's end on an
/// open: the seeds' ledger has none there, as ingested.)
#[test]
fn reading_commands_write_nothing_to_the_ledger() {
    let (_dir, store) = ingested_seeds();
    let first = planledger(&store, &["state", "--format", "json"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let state: serde_json::Value = serde_json::from_str(&stdout(&first)).unwrap();
    let measure = state["measures"][0]["id"].as_str().unwrap().to_owned();
    let long_ago =
        std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
    let files = files_of(&store);
    for (path, _) in &files {
        std::fs::File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(long_ago)
            .unwrap();
    }
    for args in [
        vec!["meetings"],
        vec!["state"],
        vec!["state", "--at", "第92回"],
        vec!["diff", "--since", "第92回"],
        vec!["log", "--kind", "DocumentIngested"],
        vec!["history", measure.as_str()],
        vec!["timeline"],
        vec!["checkpoint"],
        vec!["export"],
    ] {
        let output = planledger(&store, &args);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args:?}: {}",
            stderr(&output)
        );
        for (path, _) in &files {
            let modified = std::fs::metadata(path).unwrap().modified().unwrap();
            assert_eq!(modified, long_ago, "{args:?} wrote {}", path.display());
        }
    }
    assert_eq!(files_of(&store), files, "the ledger's files changed");
}

/// Every file under a folder with its bytes' hash.
fn files_of(path: &std::path::Path) -> Vec<(std::path::PathBuf, String)> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(path).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(files_of(&path));
        } else {
            let hash = blake3::hash(&std::fs::read(&path).unwrap())
                .to_hex()
                .to_string();
            files.push((path, hash));
        }
    }
    files.sort();
    files
}

/// How long until the server closes `stream` (reads until end of stream), at most `bound`.
fn closed_within(mut stream: std::net::TcpStream, bound: std::time::Duration) -> bool {
    use std::io::Read;
    stream.set_read_timeout(Some(bound)).unwrap();
    let mut buffer = [0u8; 1024];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(error) if error.kind() == std::io::ErrorKind::ConnectionReset => return true,
            Err(_) => return false,
        }
    }
}

/// The server closes a connection that says nothing, and one that stops half-way through its
/// request's head, after its idle timeout; and idle sockets at the connection cap do not shut
/// out a client that asks something (the quietest is closed to make room).
#[test]
fn the_server_closes_silent_connections_and_cannot_be_starved_by_them() {
    use std::io::Write;
    let (_dir, store) = ingested_seeds();
    let server = crate::server::Server::start_with(
        &store,
        &["--idle-timeout", "1", "--max-connections", "8"],
    );
    let silent = std::net::TcpStream::connect(&server.address).unwrap();
    let mut half = std::net::TcpStream::connect(&server.address).unwrap();
    write!(half, "GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
    let bound = std::time::Duration::from_secs(10);
    assert!(
        closed_within(silent, bound),
        "a silent connection stays open"
    );
    assert!(closed_within(half, bound), "a half-sent request stays open");
    // Twenty idle sockets against a cap of eight, long before their idle timeout: the oldest
    // are closed to make room, and a request still gets its answer.
    let capped = crate::server::Server::start_with(
        &store,
        &["--idle-timeout", "600", "--max-connections", "8"],
    );
    let mut idle: Vec<_> = (0..20)
        .map(|_| std::net::TcpStream::connect(&capped.address).unwrap())
        .collect();
    let (status, body) = capped.fetch("/");
    assert!(status.contains(" 200 "), "{status}");
    assert!(body.contains("第92回"), "{body}");
    let oldest = idle.remove(0);
    assert!(
        closed_within(oldest, bound),
        "the quietest connection is kept at the cap"
    );
    drop(idle);
}

/// A witness kept outside the ledger's folder catches a rollback of the whole folder, which
/// plain `verify` cannot see; a witness that itself went backwards is refused.
#[test]
fn a_witness_outside_the_folder_catches_a_rollback_of_the_whole_folder() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("ledger");
    let witness = dir.path().join("elsewhere").join("witness.jsonl");
    std::fs::create_dir_all(witness.parent().unwrap()).unwrap();
    let witness_arg = witness.to_str().unwrap();
    let ingest = |seed: &str, ordinal: u32, date: &str| {
        let path = common::seed(seed);
        let meeting = format!("がん対策推進協議会 第{ordinal}回");
        let output = ingest_slides(&store, &["--witness", witness_arg], &path, &meeting, date);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert!(
            stderr(&output).contains("witnessed: the checkpoint of"),
            "{}",
            stderr(&output)
        );
    };
    ingest("001_", 90, "2025-03-01");
    let earlier = dir.path().join("earlier");
    common::copy_folder(&store, &earlier);
    ingest("003_", 91, "2025-06-01");
    assert_eq!(
        std::fs::read_to_string(&witness).unwrap().lines().count(),
        2
    );
    let verified = planledger(&store, &["--witness", witness_arg, "verify"]);
    assert_eq!(verified.status.code(), Some(0), "{}", stdout(&verified));
    assert!(
        stderr(&verified).contains("against the witness"),
        "{}",
        stderr(&verified)
    );
    // The whole folder put back as it was before the second document: plain verify cannot
    // tell, the witness can (also when named by the environment).
    std::fs::remove_dir_all(&store).unwrap();
    common::copy_folder(&earlier, &store);
    assert_eq!(planledger(&store, &["verify"]).status.code(), Some(0));
    let rolled_back = std::process::Command::new(env!("CARGO_BIN_EXE_planledger"))
        .args(["--store", store.to_str().unwrap(), "verify"])
        .env("PLANLEDGER_WITNESS", &witness)
        .output()
        .unwrap();
    assert_eq!(
        rolled_back.status.code(),
        Some(1),
        "{}",
        stdout(&rolled_back)
    );
    assert!(
        stdout(&rolled_back).contains("FAILED"),
        "{}",
        stdout(&rolled_back)
    );
    // A witness whose sizes go backwards is itself suspect.
    let lines: Vec<String> = std::fs::read_to_string(&witness)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    std::fs::write(&witness, format!("{}\n{}\n", lines[1], lines[0])).unwrap();
    let refused = planledger(&store, &["--witness", witness_arg, "verify"]);
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("line 2: its tree size"),
        "{}",
        stderr(&refused)
    );
}

/// Byte flips anywhere in the store's data file: `verify` names what is wrong (exit 1) or finds
/// nothing wrong (a flip in free space, exit 0) — it never answers "cannot be used" (exit 3),
/// never panics, and never sends its reader back to `verify`.
#[test]
fn verify_names_damage_to_the_storage_and_never_points_to_itself() {
    let (dir, pristine) = ingested_seeds();
    let length = std::fs::metadata(pristine.join("db")).unwrap().len() as usize;
    for flip in 0..16usize {
        let store = dir.path().join(format!("flipped{flip}"));
        common::copy_folder(&pristine, &store);
        let db = store.join("db");
        let mut bytes = std::fs::read(&db).unwrap();
        // Spread over the file, away from its first page (sled's header), deterministic.
        let at = 4096 + (flip * 7919 * 4099) % (length - 4096);
        bytes[at] ^= 0x5A;
        std::fs::write(&db, bytes).unwrap();
        common::remove_sled_snapshots(&store);
        let output = planledger(&store, &["verify"]);
        let (out, err) = (stdout(&output), stderr(&output));
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "flip at {at}: exit {:?}\n{out}\n{err}",
            output.status.code()
        );
        if output.status.code() == Some(1) {
            assert!(out.contains("FAILED"), "flip at {at}: {out}\n{err}");
        }
        assert!(
            !err.contains("verify` says where") && !err.contains("panicked"),
            "{err}"
        );
    }
}

/// A `reindex` cut short (its mark left, its indexes cleared) is named by every command, and
/// running it again finishes the job.
#[test]
fn a_reindex_cut_short_is_named_and_resumed() {
    let (_dir, store) = ingested_seeds();
    common::change_store(&store, |db| {
        db.open_tree("meta")
            .unwrap()
            .insert("store_format", "reindexing")
            .unwrap();
        db.open_tree("identity").unwrap().clear().unwrap();
    });
    let state = planledger(&store, &["state", "--at", "第92回"]);
    assert_eq!(state.status.code(), Some(3), "{}", stdout(&state));
    assert!(
        stderr(&state).contains("reindex` of the ledger")
            && stderr(&state).contains("was cut short"),
        "{}",
        stderr(&state)
    );
    let reindexed = planledger(&store, &["reindex"]);
    assert_eq!(reindexed.status.code(), Some(0), "{}", stderr(&reindexed));
    let verified = planledger(&store, &["verify"]);
    assert_eq!(verified.status.code(), Some(0), "{}", stdout(&verified));
}

/// Writers are not starved by a busy server: with eight clients asking back to back, each of
/// twenty ingests given `--wait 3` lands (the server holds back while a writer's note says it
/// waits; without that, 6 of 20 gave up).
#[test]
fn ingest_lands_beside_a_busy_server() {
    let (dir, store) = ingested_seeds();
    let server = crate::server::Server::start(&store);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let clients: Vec<_> = (0..8)
        .map(|_| {
            let stop = stop.clone();
            let address = server.address.clone();
            std::thread::spawn(move || {
                use std::io::{Read, Write};
                let mut answered = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let Ok(mut stream) = std::net::TcpStream::connect(&address) else {
                        continue;
                    };
                    let _ = write!(
                        stream,
                        "GET /plan HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    );
                    let mut answer = Vec::new();
                    if stream.read_to_end(&mut answer).is_ok()
                        && answer.starts_with(b"HTTP/1.1 200")
                    {
                        answered += 1;
                    }
                }
                answered
            })
        })
        .collect();
    let mut failed = Vec::new();
    for run in 0..20u32 {
        let path = dir.path().join(format!("note{run}.txt"));
        std::fs::write(
            &path,
            format!(
                "資料{run}\n第{}回 会議\n令和8年{}月1日時点で、拠点病院は{}か所である。\n",
                100 + run,
                run % 12 + 1,
                400 + run
            ),
        )
        .unwrap();
        let meeting = format!("がん対策推進協議会 第{}回", 100 + run);
        let date = format!("2027-01-{:02}", run + 1);
        let output = ingest_slides(&store, &["--wait", "3"], &path, &meeting, &date);
        if output.status.code() != Some(0) {
            failed.push(format!("run {run}: {}", stderr(&output)));
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let answered: usize = clients.into_iter().map(|c| c.join().unwrap()).sum();
    assert!(failed.is_empty(), "{}", failed.join("\n"));
    assert!(answered > 0, "the clients were answered meanwhile");
}
