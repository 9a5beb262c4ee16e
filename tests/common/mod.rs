//! Helpers shared by the integration tests: paths to the seeds and shared test data, and a
//! runner for the `planledger` binary with a fixed clock.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The fixed ingest time, so that event hashes and snapshots are reproducible.
pub const FIXED_NOW: &str = "2026-01-01T00:00:00Z";

pub fn project_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn seeds_dir() -> PathBuf {
    project_dir().join("seeds")
}

pub fn seed(name_prefix: &str) -> PathBuf {
    std::fs::read_dir(seeds_dir())
        .expect("seeds/ exists in the repository")
        .map(|entry| entry.expect("seeds/ is readable").path())
        .find(|path| {
            path.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(name_prefix))
        })
        .unwrap_or_else(|| panic!("no seed starting with {name_prefix}"))
}

/// `../shared/testdata`, beside the checkout (as CI lays it out).
pub fn shared_testdata() -> PathBuf {
    project_dir().join("..").join("shared").join("testdata")
}

/// Runs planledger with `--store store` and the fixed clock.
pub fn planledger(store: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_planledger"))
        .arg("--store")
        .arg(store)
        .args(args)
        .env("PLANLEDGER_NOW", FIXED_NOW)
        .env_remove("PLANLEDGER_STORE")
        .output()
        .expect("the planledger binary runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A fresh store directory with the seed corpus ingested.
pub fn ingested_seeds() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temp dir can be made");
    let store = dir.path().join("ledger");
    let seeds = seeds_dir();
    let output = planledger(&store, &["ingest", seeds.to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    (dir, store)
}
