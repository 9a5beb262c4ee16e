//! Renderers: views in, text out. The only library code that formats for people.
//!
//! Invariant: renderers return strings and never print; `main.rs` writes them. JSON output is
//! the serde form of the view types, so the JSON contract is the types in `project`.

pub mod csv;
pub mod html;
pub mod text;

use serde::Serialize;

/// Output formats a command may offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
    /// UTF-8 with a BOM, one row per change (`diff` only).
    Csv,
    /// One self-contained 新旧対照表 page (`diff` only).
    Html,
}

/// Pretty JSON of a view, with a final newline.
pub fn to_json<T: Serialize>(view: &T) -> String {
    let mut out =
        serde_json::to_string_pretty(view).expect("views contain no maps with non-string keys");
    out.push('\n');
    out
}
