//! The demonstration revision (`examples/revision/`, synthetic): its files are what the derivation
//! writes, and the README's walkthrough, run word for word (all but `serve`), shows what the
//! README says it shows — a revised measure, a split, an action added, planned actions now done,
//! one dropped, and a figure updated.

use crate::common::{self, derived, stderr, stdout};

use std::path::Path;
use std::process::Command;

fn demo_folder() -> std::path::PathBuf {
    common::project_dir().join("examples").join("revision")
}

#[test]
fn the_demo_files_are_what_the_derivation_writes() {
    for (name, text) in [
        ("093_demo_torikumi.txt", derived::demo_93()),
        ("094_demo_torikumi.txt", derived::demo_94()),
    ] {
        let committed = std::fs::read_to_string(demo_folder().join(name)).unwrap();
        assert!(
            committed == text,
            "examples/revision/{name} differs from its derivation: run `cargo run --example derive_revision`"
        );
    }
    let manifest = std::fs::read_to_string(demo_folder().join("manifest.json")).unwrap();
    assert_eq!(
        manifest.matches("合成デモ").count(),
        2,
        "each title says synthetic"
    );
}

/// The walkthrough's commands as the README prints them: the `cargo run --release --` lines of
/// the fenced block under "See a revision".
fn walkthrough() -> Vec<String> {
    let readme = std::fs::read_to_string(common::project_dir().join("README.md")).unwrap();
    let section = readme
        .split("## See a revision")
        .nth(1)
        .expect("the README has the demonstration section");
    let block = section
        .split("```sh\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the section has a sh block");
    block
        .lines()
        .filter(|line| line.starts_with("cargo run --release -- "))
        .map(str::to_owned)
        .collect()
}

/// Runs one README line in `dir` (which holds `seeds` and `examples` as the checkout does), the
/// built binary standing for `cargo run --release --`.
fn run_line(dir: &Path, line: &str) -> (String, String) {
    let binary = env!("CARGO_BIN_EXE_planledger");
    let command = line.replacen("cargo run --release --", binary, 1);
    let output = Command::new("sh")
        .arg("-c")
        .arg(&command)
        .current_dir(dir)
        .env("PLANLEDGER_NOW", common::FIXED_NOW)
        .env_remove("PLANLEDGER_STORE")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{line}\n{}", stderr(&output));
    (stdout(&output), stderr(&output))
}

#[test]
fn the_readme_walkthrough_shows_a_revision() {
    let lines = walkthrough();
    assert_eq!(lines.len(), 6, "{lines:?}");
    assert!(lines[5].ends_with(" serve"), "{lines:?}");
    let dir = tempfile::tempdir().unwrap();
    for folder in ["seeds", "examples"] {
        std::os::unix::fs::symlink(common::project_dir().join(folder), dir.path().join(folder))
            .unwrap();
    }

    let (ingested, _) = run_line(dir.path(), &lines[0]);
    assert!(
        ingested
            .contains("7 documents appended, 0 already present, 0 failed; ledger demo.planledger"),
        "{ingested}"
    );
    assert!(
        !dir.path().join(".planledger").exists(),
        "the default ledger is untouched"
    );

    let (diff, _) = run_line(dir.path(), &lines[1]);
    assert!(diff.contains("第94回 (2026-06-15)"), "{diff}");
    assert!(
        diff.contains("measures: 0 added, 0 removed, 1 revised, 1 split or merged"),
        "{diff}"
    );
    assert!(
        diff.contains("[-好事例の共有や他の地域や医療機関との比較が可能となるような-]"),
        "{diff}"
    );
    assert!(diff.contains("> 分割 split"), "{diff}");
    assert!(
        diff.contains("actions: 1 added, 0 removed, 2 completed, 0 reopened, 1 revised, 1 dropped"),
        "{diff}"
    );
    // The split's new bullet is added; the planned bullet 第94回 no longer reports is dropped.
    assert!(
        diff.contains(
            "+ [M805b49767851] done    【健康・生活衛生局がん・疾病対策課】 令和７年度に"
        ),
        "{diff}"
    );
    assert!(
        diff.contains("dropped (未報告) 【健康・生活衛生局がん・疾病対策課】 当該取組の評価を行う観点から、役割分担"),
        "{diff}"
    );
    // Planned actions now reported as done, word for word: completed, not removed and added.
    for text in [
        "BCPに関する議論の状況を踏まえ、次期整備指針の改定において、その必須化を検討する。",
        "がん診療連携拠点病院等、小児がん拠点病院等、がんゲノム医療中核拠点病院等のそれぞれの指定要件に関するWGで具体的な連携の要件及び適切な体制について議論していく。",
    ] {
        assert!(
            diff.lines()
                .any(|l| l.starts_with("✓ [") && l.contains("completed (実施済み)") && l.ends_with(text)),
            "{text}\n{diff}"
        );
    }
    // The figure, and the bullet that reports it, updated.
    assert!(
        diff.contains("ハローワークと連携した就職支援を行っている拠点病院等の割合: 54.4% → 56.1% (as of 2025-04-01; 952d43742707 lines 1431–1433 → as of 2026-04-01; "),
        "{diff}"
    );
    assert!(diff.contains("{+、令和8年4月1日時点では56.1%+}"), "{diff}");

    run_line(dir.path(), &lines[2]);
    let html = std::fs::read_to_string(dir.path().join("demo-93.html")).unwrap();
    assert!(html.contains("新旧対照表"), "the page is a 新旧対照表");
    assert!(html.contains("施策（分割）"), "the split is shown as one");
    assert!(html.contains("好事例の共有や他の地域や医療機関との比較が可能となるような"));
    assert!(
        html.contains("（実施済み）"),
        "the completion is said as such"
    );

    let (history, _) = run_line(dir.path(), &lines[3]);
    for meeting in ["第92回", "第93回", "第94回"] {
        assert!(
            history.contains(&format!("がん対策推進協議会 {meeting}")),
            "{meeting}\n{history}"
        );
    }

    // Every action planned at 第92回, followed to 第94回, each with its citation at 第92回.
    let (progress, _) = run_line(dir.path(), &lines[4]);
    assert!(
        progress.contains(
            "130 planned: 2 completed, 127 still planned, 0 revised, 1 dropped, 0 removed"
        ),
        "{progress}"
    );
    let fates = progress
        .lines()
        .filter(|l| {
            l.starts_with("completed") || l.starts_with("still_planned") || l.starts_with("dropped")
        })
        .count();
    assert_eq!(fates, 130, "one line per planned action");
    let citations: Vec<&str> = progress
        .lines()
        .filter(|l| l.starts_with("    952d43742707 line"))
        .collect();
    assert_eq!(citations.len(), 130, "each cites its lines at 第92回");
    assert_eq!(
        citations
            .iter()
            .filter(|l| l.ends_with("→ not reported"))
            .count(),
        1,
        "only the dropped one has no later statement"
    );

    // A measure's history says what became of its action, version by version: the BCP bullet
    // planned at 第92回 is completed at 第93回 and reported so again at 第94回.
    let (history, _) = run_line(
        dir.path(),
        "cargo run --release -- --store demo.planledger history M13c7691e13eb",
    );
    let change_at = |meeting: &str, lines: &str| {
        history
            .lines()
            .find(|l| l.contains(meeting) && l.ends_with(lines))
            .and_then(|l| l.split_whitespace().nth(1))
            .map(str::to_owned)
    };
    assert_eq!(
        change_at("第92回", "lines 97–98").as_deref(),
        Some("reported"),
        "{history}"
    );
    assert_eq!(
        change_at("第93回", "lines 98–99").as_deref(),
        Some("completed"),
        "{history}"
    );
    assert_eq!(
        change_at("第94回", "lines 95–96").as_deref(),
        Some("reported"),
        "{history}"
    );
}
