//! House rules that keep the code base in order (STYLE.md, practice 11): every source file
//! opens with a `//!` module doc; no ignored tests but those a missing tool ignores
//! (`cfg_attr(planledger_no_…, ignore = …)`, see build.rs); no bare `unwrap()` in library code
//! outside its test modules; no trailing whitespace. And ARCHITECTURE.md's invariants that a
//! grep can check: only `ledger/store.rs` uses sled; the library prints nothing and does not
//! depend on clap (only the binary, `main.rs` and `src/cli/`, does); `main.rs` only parses,
//! dispatches and maps exit codes, and each command has its module in `src/cli/`.

use std::path::{Path, PathBuf};

fn rust_files(folder: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

#[test]
fn source_files_follow_the_house_rules() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut problems = Vec::new();
    let sources = rust_files(&root.join("src"));
    let mut tests = rust_files(&root.join("tests"));
    tests.extend(rust_files(&root.join("benches")));
    tests.extend(rust_files(&root.join("fuzz")));
    tests.extend(rust_files(&root.join("examples")));
    for path in sources.iter().chain(&tests) {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.strip_prefix(&root).unwrap().display().to_string();
        if !text.starts_with("//!") {
            problems.push(format!("{name}: does not start with a //! module doc"));
        }
        if text.contains(&["#[", "ignore"].concat()) {
            problems.push(format!(
                "{name}: has an unconditionally ignored test (only a missing tool may ignore one: cfg_attr(planledger_no_…))"
            ));
        }
        let lines: Vec<&str> = text.lines().collect();
        for (number, line) in lines.iter().enumerate() {
            // rustfmt puts `#[cfg_attr(planledger_no_tool, ignore = "…")]`'s condition on the
            // line before the reason, or both on one line.
            let names_a_missing_tool = line.contains("cfg_attr(planledger_no_")
                || number
                    .checked_sub(1)
                    .is_some_and(|before| lines[before].trim_start().starts_with("planledger_no_"));
            if line.contains(&["ignore", " = \""].concat()) && !names_a_missing_tool {
                problems.push(format!(
                    "{name}:{}: an ignored test that names no missing tool (cfg_attr(planledger_no_…))",
                    number + 1
                ));
            }
        }
        for (number, line) in text.lines().enumerate() {
            if line != line.trim_end() {
                problems.push(format!("{name}:{}: trailing whitespace", number + 1));
            }
        }
    }
    for path in &sources {
        let text = std::fs::read_to_string(path).unwrap();
        let library_part = text.split("#[cfg(test)]").next().unwrap();
        let name = path.strip_prefix(&root).unwrap().display().to_string();
        for (number, line) in library_part.lines().enumerate() {
            if line.contains(&[".unwrap", "()"].concat()) {
                problems.push(format!(
                    "{name}:{}: bare unwrap() outside tests",
                    number + 1
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_architecture_invariants_a_grep_can_check_hold() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut problems = Vec::new();
    for path in rust_files(&root.join("src")) {
        let name = path.strip_prefix(&root).unwrap().display().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        // Code, not comments: a doc may name sled or clap.
        let code: Vec<&str> = text
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect();
        let uses = |needle: &str| code.iter().any(|line| line.contains(needle));
        if name != "src/ledger/store.rs" && uses("sled::") {
            problems.push(format!("{name}: uses sled (only src/ledger/store.rs may)"));
        }
        // blake3's undocumented module (its `hash_many`): confined to where its tests are.
        if name != "src/ledger/digests.rs" && uses("blake3::platform") {
            problems.push(format!(
                "{name}: uses blake3::platform (only src/ledger/digests.rs may)"
            ));
        }
        // Every event of a long ledger in memory at once is the one cost that outgrows the
        // memory target: outside the tests, events are read a frame at a time.
        let outside_tests = text.split("#[cfg(test)]").next().unwrap_or_default();
        for whole in [".events()?", ".events().unwrap"] {
            if outside_tests
                .lines()
                .filter(|line| !line.trim_start().starts_with("//"))
                .any(|line| line.contains(whole))
            {
                problems.push(format!(
                    "{name}: reads every event into memory ({whole}); read them with events_in"
                ));
            }
        }
        // The binary (`main.rs` and the commands in `src/cli/`) is the edge that parses and
        // prints; everything else is the library.
        if name != "src/main.rs" && !name.starts_with("src/cli/") {
            if uses("clap") {
                problems.push(format!("{name}: the library depends on clap"));
            }
            for print in ["println!", "eprintln!", "print!(", "eprint!("] {
                if uses(print) {
                    problems.push(format!("{name}: the library prints ({print})"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The web view is read-only and escapes: no route but GET, no call that writes the store, and
/// raw HTML only where it embeds the 新旧対照表 that `report::html` escaped.
#[test]
fn the_web_view_only_reads_and_escapes() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut problems = Vec::new();
    for path in rust_files(&root.join("src/web")) {
        let name = path.strip_prefix(&root).unwrap().display().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        for (number, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for writes in [
                "append_document",
                "append_correction",
                "transact",
                "Store::open(",
                "reindex",
                "import(",
                "ingest(",
                "post(",
                "put(",
                "patch(",
                "delete(",
                ".save(",
            ] {
                if line.contains(writes) {
                    problems.push(format!(
                        "{name}:{}: {writes} in the read-only view",
                        number + 1
                    ));
                }
            }
            if line.contains("PreEscaped(")
                && !line.contains("report::html::diff_body(")
                && !line.contains("report::html::progress_body(")
            {
                problems.push(format!(
                    "{name}:{}: raw HTML that report::html did not escape",
                    number + 1
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn main_only_dispatches_and_each_command_has_its_module() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let main = std::fs::read_to_string(root.join("src/main.rs")).unwrap();
    let lines = main.lines().count();
    assert!(
        lines <= 80,
        "src/main.rs has {lines} lines: it parses, dispatches and maps exit codes; move the rest to src/cli/ or the library"
    );
    let cli = std::fs::read_to_string(root.join("src/cli/mod.rs")).unwrap();
    let declared: Vec<String> = cli
        .lines()
        .filter_map(|line| line.strip_prefix("mod ")?.strip_suffix(';'))
        .map(|name| format!("{name}.rs"))
        .collect();
    let mut files: Vec<String> = std::fs::read_dir(root.join("src/cli"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "mod.rs")
        .collect();
    files.sort();
    let mut declared_sorted = declared.clone();
    declared_sorted.sort();
    assert_eq!(
        files, declared_sorted,
        "src/cli/ holds one module a command"
    );
    // Every command module is dispatched to.
    for file in &declared {
        let module = file.trim_end_matches(".rs");
        assert!(
            cli.contains(&format!("{module}::run(")),
            "src/cli/{file} is not dispatched to in src/cli/mod.rs"
        );
    }
}
