//! The frame every page shares (navigation, style sheet) and the small pieces pages share:
//! a day in 和暦 with its ISO date, a citation of a document's lines.

use axum::http::header;
use axum::response::IntoResponse;
use maud::{html, Markup, DOCTYPE};

use super::href;
use crate::project::documents::DocumentRecord;

/// A Japanese font stack (the fonts a reviewer's machine has: Noto/IPA on Linux, Hiragino on
/// macOS, Yu Gothic/Meiryo on Windows), a reading line height, and a print style: no
/// navigation or forms on paper, tables kept whole where they can be.
const STYLE: &str = "\
:root{--ink:#111;--muted:#555;--accent:#1a4c8b;--rule:#bbb}\
body{font-family:'Noto Sans CJK JP','Noto Sans JP','IPAexGothic','IPAPGothic','IPAGothic','Hiragino Kaku Gothic ProN','Hiragino Sans','Yu Gothic','Meiryo',sans-serif;line-height:1.8;color:var(--ink);margin:0;font-feature-settings:'palt' 0}\
header.site{background:var(--accent);color:#fff;padding:.4em 2em}header.site a{color:#fff;margin-right:1.5em;text-decoration:none}\
header.site .brand{font-weight:bold}\
main{margin:1em 2em 3em;max-width:90em}\
a{color:var(--accent)}code,.hash{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:.85em}\
form.pick{background:#f3f6fa;border:1px solid #d5dde8;padding:.6em 1em;margin:1em 0}form.pick label{margin-right:1.2em}\
table.list{border-collapse:collapse;margin:.5em 0;width:100%;table-layout:auto}table.list th,table.list td{border:none;border-bottom:1px solid var(--rule);padding:.3em .6em;text-align:left;vertical-align:top;line-height:1.6}\
table.list code{word-break:break-all}h2{margin-top:1.5em}\
table.list th{background:#e8eef6;font-weight:normal}\
.muted{color:var(--muted)}.warn{color:#8a5300}.bad{color:#a00000;font-weight:bold}.good{color:#0a6b2b}\
section.measure{border-top:1px solid var(--rule);padding:.6em 0}section.measure .text{margin:.2em 0 .4em}\
.columns{display:grid;grid-template-columns:1fr 1fr;gap:1em}.columns h4{margin:.2em 0;font-size:.9em;color:var(--accent)}\
.columns ul{margin:0;padding-left:1.2em}.bureau{color:var(--muted);font-size:.85em}\
ol.lines{font-family:ui-monospace,'Noto Sans Mono CJK JP',monospace;font-size:.9em;line-height:1.6;padding-left:4.5em;white-space:pre-wrap;word-break:break-all}\
ol.lines li{scroll-margin-top:6em}ol.lines li::marker{color:#888}ol.lines li.quoted{background:#fff2b3}ol.lines li:target{outline:2px solid #c68a00}\
svg.chart{max-width:48em;height:auto;border:1px solid var(--rule);background:#fff}\
pre{white-space:pre-wrap;word-break:break-all;background:#f6f6f6;padding:.6em}\
.error-message{font-size:1.1em;border-left:.4em solid #a00000;padding-left:.6em}\
code,.hash,a.citation{overflow-wrap:anywhere}header.site a{display:inline-block;white-space:nowrap}\
.scroll{overflow-x:auto;max-width:100%}svg.chart{width:100%}\
@media (max-width:40em){header.site{padding:.3em .8em}header.site a{margin-right:.9em;padding:.2em 0}\
main{margin:.5em .7em 2em}.columns{grid-template-columns:1fr}\
table{display:block;overflow-x:auto;max-width:100%}table.list{width:auto}\
form.pick label{display:block;margin:.3em 0}form.pick select,form.pick input,form.pick button{font-size:1em;min-height:2.2em;max-width:100%}\
ol.lines{padding-left:3em}}\
@media print{header.site,form.pick,.noprint{display:none}main{margin:0;max-width:none}a{color:inherit;text-decoration:none}\
body{font-size:8.5pt;line-height:1.45}h1{font-size:13pt}h2{font-size:11pt;margin-top:.8em}h3{font-size:10pt}\
h1,h2,h3,h4{break-after:avoid}section.measure{padding:.2em 0}section.measure .text{margin:.1em 0 .2em}\
.columns{gap:.8em}li,tr{break-inside:avoid}}";

/// The style sheet: the 新旧対照表's rules (one definition, shared with `diff --format html`),
/// then the view's own, which win where both speak (the page's margins, its other tables).
pub async fn style() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        format!("{}{STYLE}", crate::report::html::STYLE),
    )
}

/// A whole page: the navigation, then `body`.
pub fn frame(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="ja" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — planledger" }
                link rel="stylesheet" href="/style.css";
            }
            body {
                header.site {
                    nav {
                        a.brand href="/" { "planledger" }
                        a href="/" { "会議一覧" }
                        a href="/plan" { "計画" }
                        a href="/diff" { "新旧対照表" }
                        a href="/progress" { "進捗" }
                        a href="/timeline" { "沿革" }
                        a href="/integrity" { "完全性" }
                    }
                }
                main { (body) }
            }
        }
    }
}

/// A day as a Japanese reader expects it, the ISO date beside it: 令和7年10月6日（2025-10-06）.
/// A value that is not a day is shown as it is.
pub fn day(iso: &str) -> String {
    match crate::source::meeting::parse_iso_date(iso).and_then(crate::source::date::wareki) {
        Some(wareki) => format!("{wareki}（{iso}）"),
        None => iso.to_owned(),
    }
}

/// A moment (RFC 3339, as verify records it) as a Japanese reader reads a time: in 和暦, in
/// Japan's time, to the minute, the recorded UTC time beside it:
/// 令和8年12月4日 02:31 JST（2026-12-03T17:31:36Z）. A value that is no such time is shown as it is.
pub fn time_jst(rfc3339: &str) -> String {
    use time::format_description::well_known::Rfc3339;
    let Ok(moment) = time::OffsetDateTime::parse(rfc3339, &Rfc3339) else {
        return rfc3339.to_owned();
    };
    let japan = moment.to_offset(time::macros::offset!(+9));
    match crate::source::date::wareki(japan.date()) {
        Some(day) => format!(
            "{day} {:02}:{:02} JST（{rfc3339}）",
            japan.hour(),
            japan.minute()
        ),
        None => rfc3339.to_owned(),
    }
}

/// A meeting with its day in 和暦 and the ISO date beside it (がん対策推進協議会 第92回
/// 令和7年10月6日（2025-10-06）); one without a day as the views print it (… (date unknown)).
pub fn meeting_with_day(meeting: &crate::source::meeting::Meeting) -> String {
    match meeting.date {
        Some(date) => format!(
            "{} {}",
            meeting.name(),
            day(&crate::source::meeting::format_iso_date(date))
        ),
        None => meeting.to_string(),
    }
}

/// A citation: the document's meeting, 資料 label and title, and its lines, linked to the
/// source page at those lines.
pub fn citation(
    record: Option<&DocumentRecord>,
    document: &str,
    lines: Option<[u32; 2]>,
) -> Markup {
    Cited::of(record, document).at(lines)
}

/// A document as its citations name it (its meeting, 資料 label and title), worked out once for
/// all the citations of one document: a long history cites each of thousands of documents
/// several times.
pub struct Cited<'a> {
    pub document: &'a str,
    named: String,
}

impl<'a> Cited<'a> {
    pub fn of(record: Option<&DocumentRecord>, document: &'a str) -> Cited<'a> {
        let meeting = record
            .filter(|d| !d.meeting.is_unknown())
            .map_or_else(|| "会議不明".to_owned(), |d| d.meeting.name());
        let label = record.and_then(|d| d.label.as_deref()).unwrap_or("");
        let title = record
            .and_then(|d| d.title.as_deref())
            .map_or_else(|| "資料（題名なし）".to_owned(), |t| format!("「{t}」"));
        Cited {
            document,
            named: format!("{meeting} {label} {title}"),
        }
    }

    /// The citation of the document at `lines`, linked to its source page there.
    pub fn at(&self, lines: Option<[u32; 2]>) -> Markup {
        let document = self.document;
        html! {
            a.citation href=(href::source(document, lines)) title={ "BLAKE3 " (document) } {
                (self.named)
                @if let Some([first, last]) = lines { " " (first) "–" (last) "行" }
                " " code { (crate::report::text::short_hash(document)) }
            }
        }
    }
}

/// The documents by hash, for citations.
pub fn by_hash(documents: &[DocumentRecord]) -> std::collections::BTreeMap<&str, &DocumentRecord> {
    documents.iter().map(|d| (d.hash.as_str(), d)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorded_time_reads_in_wareki_and_japans_time() {
        let cases = [
            (
                "2026-12-03T17:31:36.993891484Z",
                "令和8年12月4日 02:31 JST（2026-12-03T17:31:36.993891484Z）",
            ),
            (
                "2019-04-30T15:00:00Z",
                "令和元年5月1日 00:00 JST（2019-04-30T15:00:00Z）",
            ),
            ("not a time", "not a time"),
        ];
        for (recorded, shown) in cases {
            assert_eq!(time_jst(recorded), shown, "{recorded}");
        }
        let mut meeting = crate::source::meeting::Meeting {
            body: Some("がん対策推進協議会".into()),
            ordinal: Some(92),
            date: Some(time::macros::date!(2025 - 10 - 06)),
        };
        assert_eq!(
            meeting_with_day(&meeting),
            "がん対策推進協議会 第92回 令和7年10月6日（2025-10-06）"
        );
        meeting.date = None;
        assert_eq!(
            meeting_with_day(&meeting),
            "がん対策推進協議会 第92回 (date unknown)"
        );
    }
}
