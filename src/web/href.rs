//! The view's addresses that carry a value (a document, an id, a meeting, a sequence number),
//! built in one place so a route and the links to it cannot drift apart; the navigation's
//! fixed paths are written where they stand.

use crate::project::state::SourceView;
use crate::report::html::Hrefs;

/// A document at its lines, scrolled to the first.
pub fn source(document: &str, lines: Option<[u32; 2]>) -> String {
    match lines {
        Some([first, last]) => format!("/source/{document}?lines={first}-{last}#L{first}"),
        None => format!("/source/{document}"),
    }
}

/// The history of a measure (M…) or a figure (T…).
pub fn history(id: &str) -> String {
    format!("/history/{}", encode(id))
}

pub fn event(seq: u64) -> String {
    format!("/event/{seq}")
}

/// The plan at a meeting reference (a day, for a dated meeting: it always resolves).
pub fn plan(at: &str) -> String {
    format!("/plan?at={}", encode(at))
}

/// A measure's or figure's entry in the plan at a day (its anchor on the plan page).
pub fn plan_entry(day: time::Date, id: &str) -> String {
    format!(
        "{}#{}",
        plan(&crate::source::meeting::format_iso_date(day)),
        encode(id)
    )
}

pub fn diff(since: &str, until: &str) -> String {
    format!("/diff?since={}&until={}", encode(since), encode(until))
}

/// The checkpoint of the ledger through a meeting.
pub fn checkpoint(meeting: &str) -> String {
    format!("/checkpoint.txt?at={}", encode(meeting))
}

/// A query value percent-encoded (RFC 3986 unreserved characters stay as they are).
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The 新旧対照表's citations and measure ids, pointing at this view's pages.
pub struct Served;

impl Hrefs for Served {
    fn source(&self, cited: &SourceView) -> Option<String> {
        Some(source(&cited.document, Some(cited.lines)))
    }
    fn history(&self, id: &str) -> Option<String> {
        Some(history(id))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(super::encode("2025-10-06"), "2025-10-06");
        assert_eq!(super::encode("第92回"), "%E7%AC%AC92%E5%9B%9E");
        assert_eq!(super::encode("a&b=c d"), "a%26b%3Dc%20d");
    }
}
