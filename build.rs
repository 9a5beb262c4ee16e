//! Build script: tells the test suite which optional tools this machine lacks, so a test that
//! needs one is reported by the runner as *ignored* (with what it needs) rather than run and
//! counted as passed. Nothing here affects the library or the binary: the cfgs are read only by
//! `#[cfg_attr(…, ignore = "…")]` on tests.
//!
//! - `planledger_no_browser`: no Chromium and chromedriver (`tests/it/browser.rs`).
//! - `planledger_no_python`: no Python with the PyPI packages `blake3` and `jcs` (the independent
//!   verifier, `tests/verify_export.py`).
//!
//! `PLANLEDGER_REQUIRE_BROWSER` / `PLANLEDGER_REQUIRE_PYTHON` (set by `.ci/run`) never mark a test
//! ignored: there a missing tool fails the test. The probe runs when the build script reruns —
//! when one of the variables below changes; after installing a tool, `touch build.rs`.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(planledger_no_browser)");
    println!("cargo::rustc-check-cfg=cfg(planledger_no_python)");
    println!("cargo::rerun-if-changed=build.rs");
    for variable in [
        "PATH",
        "PLANLEDGER_CHROMEDRIVER",
        "PLANLEDGER_PYTHON",
        "PLANLEDGER_REQUIRE_BROWSER",
        "PLANLEDGER_REQUIRE_PYTHON",
    ] {
        println!("cargo::rerun-if-env-changed={variable}");
    }
    if std::env::var_os("PLANLEDGER_REQUIRE_BROWSER").is_none() && !browser_present() {
        println!("cargo::rustc-cfg=planledger_no_browser");
    }
    if std::env::var_os("PLANLEDGER_REQUIRE_PYTHON").is_none() && !python_present() {
        println!("cargo::rustc-cfg=planledger_no_python");
    }
}

/// The same paths `tests/it/browser.rs` drives.
fn browser_present() -> bool {
    let driver = std::env::var_os("PLANLEDGER_CHROMEDRIVER")
        .map_or_else(|| PathBuf::from("/usr/bin/chromedriver"), PathBuf::from);
    driver.exists() && PathBuf::from("/usr/bin/chromium").exists()
}

/// The same interpreter `tests/it/exchange.rs` runs: `$PLANLEDGER_PYTHON`, else `python3`.
fn python_present() -> bool {
    let python = std::env::var("PLANLEDGER_PYTHON").unwrap_or_else(|_| "python3".into());
    Command::new(python)
        .args(["-c", "import blake3, jcs"])
        .output()
        .is_ok_and(|output| output.status.success())
}
