//! Each command's `--help`, as a reviewed snapshot: a change in what a user is told about a
//! command (its arguments, its formats, its defaults) shows up in review.

use crate::common::stdout;

/// Every command and subcommand a user can ask for help on.
const COMMANDS: &[&[&str]] = &[
    &[],
    &["ingest"],
    &["amend"],
    &["withdraw"],
    &["meetings"],
    &["state"],
    &["diff"],
    &["progress"],
    &["history"],
    &["serve"],
    &["timeline"],
    &["log"],
    &["export"],
    &["import"],
    &["checkpoint"],
    &["keygen"],
    &["prove"],
    &["prove", "inclusion"],
    &["prove", "consistency"],
    &["verify-proof"],
    &["verify"],
    &["reindex"],
];

fn help(command: &[&str]) -> String {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_planledger"))
        .args(command)
        .arg("--help")
        // A fixed width, so that wrapping does not depend on the terminal the tests run in.
        .env("COLUMNS", "100")
        .output()
        .expect("the planledger binary runs");
    assert_eq!(output.status.code(), Some(0), "{command:?} --help");
    stdout(&output)
}

#[test]
fn every_commands_help_is_as_reviewed() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots/help");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for command in COMMANDS {
            let name = if command.is_empty() {
                "planledger".to_owned()
            } else {
                command.join("_")
            };
            insta::assert_snapshot!(name, help(command));
        }
    });
}

#[test]
fn each_command_offers_only_its_own_formats() {
    // Only diff and progress render CSV and HTML; no other command may offer them.
    for command in COMMANDS {
        let text = help(command);
        let offers = |format: &str| text.contains(&format!("- {format}:"));
        let is_diff = command == &["diff"] || command == &["progress"];
        assert_eq!(offers("csv"), is_diff, "{command:?} and csv");
        assert_eq!(offers("html"), is_diff, "{command:?} and html");
    }
}
