//! Everything about a source document before extraction: decoding bytes into text, the text
//! normalization used to compare statements, meetings and meeting references, and the manifest
//! that describes a folder of documents.
//!
//! Invariant: nothing here knows about events or the store.

pub mod bounded;
pub mod date;
pub mod decode;
mod ideograph_table;
pub mod manifest;
pub mod meeting;
pub mod normalize;

/// Every line of the seeds bundled in `seeds/`, for the tests that hold a rule over real prints.
#[cfg(test)]
pub(crate) fn seed_lines() -> Vec<String> {
    let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut lines = Vec::new();
    for entry in std::fs::read_dir(&seeds).into_iter().flatten().flatten() {
        if entry.path().extension().is_some_and(|ext| ext == "txt") {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            lines.extend(text.lines().map(str::to_owned));
        }
    }
    lines
}
