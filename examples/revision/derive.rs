//! Writes the demonstration revision: a 第93回 and a 第94回 of the 取組一覧, derived from seed 000
//! by the edits in `tests/it/common/derived.rs` (the same functions the tests use, so the demo and
//! the tests cannot drift apart; `tests/it/demo.rs` holds the files here equal to their output).
//!
//! Synthetic: these are not MHLW publications. Run from the repository's root:
//! `cargo run --example derive_revision`.

use std::path::{Path, PathBuf};

#[allow(dead_code)]
#[path = "../../tests/it/common/derived.rs"]
mod derived;

/// Seed files by name prefix, as the tests' `common::seed` finds them.
fn seed(name_prefix: &str) -> PathBuf {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    std::fs::read_dir(&seeds)
        .expect("seeds/ exists in the repository")
        .map(|entry| entry.expect("seeds/ is readable").path())
        .find(|path| {
            path.file_name()
                .is_some_and(|name| name.to_string_lossy().starts_with(name_prefix))
        })
        .unwrap_or_else(|| panic!("no seed starting with {name_prefix}"))
}

fn main() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join("revision");
    for (name, text) in [
        ("093_demo_torikumi.txt", derived::demo_93()),
        ("094_demo_torikumi.txt", derived::demo_94()),
    ] {
        let path = folder.join(name);
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        println!("wrote {}", path.display());
    }
}
