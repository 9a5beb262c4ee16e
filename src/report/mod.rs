//! Renderers: views in, text out. The only library code that formats for people.
//!
//! Invariant: renderers return strings and never print; `main.rs` writes them. JSON output is
//! the serde form of the view types, so the JSON contract is the types in `project`.

pub mod csv;
pub mod html;
pub mod terminal;
pub mod text;

use serde::Serialize;

/// Pretty JSON of a view, with a final newline.
#[allow(
    clippy::expect_used,
    reason = "views are plain structs with string keys: serialising them cannot fail"
)]
pub fn to_json<T: Serialize>(view: &T) -> String {
    let mut out =
        serde_json::to_string_pretty(view).expect("views contain no maps with non-string keys");
    out.push('\n');
    out
}
