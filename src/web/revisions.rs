//! Revisions as reviewers read them: the 新旧対照表 between any two meetings, and the history of
//! one measure (every version across meetings, its actions, the documents and lines behind
//! each) or one figure (its series, drawn).

use axum::extract::{Path, Query, State};
use maud::{html, Markup, PreEscaped};
use serde::Deserialize;

use super::layout::{by_hash, citation, day, frame, meeting_with_day};
use super::{chart, given, href, App, WebError};
use crate::extract::figures::as_of_in_words;
use crate::project::diff::{text_changes, TextChange};
use crate::project::documents::DocumentRecord;
use crate::project::history::HistoryView;
use crate::project::meetings::{known_meetings, resolve_or_latest};
use crate::query::{diff_of, DiffRequest};
use crate::source::meeting::format_iso_date;

#[derive(Debug, Deserialize)]
pub struct DiffParams {
    since: Option<String>,
    until: Option<String>,
    plan: Option<String>,
}

/// The dated meetings, in time order, as (ISO day, name) for a picker.
pub fn dated_meetings(documents: &[DocumentRecord]) -> Vec<(String, String)> {
    let mut meetings = known_meetings(documents);
    meetings.sort_by(|a, b| a.time_key().cmp(&b.time_key()));
    meetings
        .into_iter()
        .filter_map(|m| Some((format_iso_date(m.date?), m.name())))
        .collect()
}

/// A select of the dated meetings, `chosen` (an ISO day) selected.
fn meeting_picker(meetings: &[(String, String)], name: &str, chosen: Option<&str>) -> Markup {
    html! {
        select name=(name) {
            @for (date, meeting) in meetings {
                option value=(date) selected[chosen == Some(date.as_str())] { (meeting) " " (day(date)) }
            }
        }
    }
}

pub async fn page(
    State(app): State<App>,
    Query(params): Query<DiffParams>,
) -> Result<Markup, WebError> {
    let since = given(&params.since).map(str::to_owned);
    let until = given(&params.until).map(str::to_owned);
    let plan = given(&params.plan).map(str::to_owned);
    let (documents, view) = app
        .read(move |store| {
            let documents = store.document_records()?;
            // Without a choice of the earlier meeting, the dated meeting before the later one.
            let since = match since {
                Some(since) => Some(since),
                None if dated_meetings(&documents).len() < 2 => None,
                None => {
                    let until_day =
                        format_iso_date(resolve_or_latest(&documents, until.as_deref())?.date);
                    dated_meetings(&documents)
                        .into_iter()
                        .rev()
                        .find(|(day, _)| *day < until_day)
                        .map(|(day, _)| day)
                }
            };
            let view = match since {
                Some(since) => Some(diff_of(store, &DiffRequest { since, until, plan })?),
                None => None,
            };
            Ok((documents, view))
        })
        .await?;
    let meetings = dated_meetings(&documents);
    let picker = |name: &str, chosen: Option<&str>| meeting_picker(&meetings, name, chosen);
    let body = html! {
        h1.noprint { "新旧対照表 (what changed)" }
        form.pick method="get" action="/diff" {
            label { "改正前 (since) " (picker("since", view.as_ref().map(|v| v.since.date.as_str()))) }
            label { "改正後 (until) " (picker("until", view.as_ref().map(|v| v.until.date.as_str()))) }
            @if let Some(plan) = given(&params.plan) { input type="hidden" name="plan" value=(plan); }
            button type="submit" { "比較 (compare)" }
        }
        @match &view {
            Some(view) => (PreEscaped(crate::report::html::diff_body(view, &documents, &href::Served))),
            None => p.warn { "比較する前の会議がありません: pick the earlier meeting (no dated meeting comes before the later one)." },
        }
    };
    Ok(frame("新旧対照表", body))
}

#[derive(Debug, Deserialize)]
pub struct ProgressParams {
    since: Option<String>,
    until: Option<String>,
    plan: Option<String>,
    bureau: Option<String>,
}

/// 進捗: every action planned at one meeting followed to a later one (`planledger progress`);
/// the earliest dated meeting and the latest by default.
pub async fn progress(
    State(app): State<App>,
    Query(params): Query<ProgressParams>,
) -> Result<Markup, WebError> {
    let since = given(&params.since).map(str::to_owned);
    let until = given(&params.until).map(str::to_owned);
    let plan = given(&params.plan).map(str::to_owned);
    let bureau = given(&params.bureau).map(str::to_owned);
    let (documents, view) = app
        .read(move |store| {
            let documents = store.document_records()?;
            let since =
                since.or_else(|| dated_meetings(&documents).first().map(|(d, _)| d.clone()));
            let view = match since {
                Some(since) => Some(crate::query::progress_of(
                    store,
                    &crate::query::ProgressRequest {
                        since,
                        until,
                        plan,
                        bureau,
                    },
                )?),
                None => None,
            };
            Ok((documents, view))
        })
        .await?;
    let meetings = dated_meetings(&documents);
    let picker = |name: &str, chosen: Option<&str>| meeting_picker(&meetings, name, chosen);
    let body = html! {
        h1.noprint { "進捗 (what became of each planned action)" }
        form.pick method="get" action="/progress" {
            label { "予定した会議 (since) " (picker("since", view.as_ref().map(|v| v.since.date.as_str()))) }
            label { "状況を見る会議 (until) " (picker("until", view.as_ref().map(|v| v.until.date.as_str()))) }
            label { "部局 (bureau) " input type="text" name="bureau" value=(given(&params.bureau).unwrap_or("")); }
            @if let Some(plan) = given(&params.plan) { input type="hidden" name="plan" value=(plan); }
            button type="submit" { "表示 (show)" }
        }
        @match &view {
            Some(view) => (PreEscaped(crate::report::html::progress_body(view, &documents, &href::Served))),
            None => p.warn { "日付のある会議がありません (no dated meeting)." },
        }
    };
    Ok(frame("進捗", body))
}

pub async fn history(State(app): State<App>, Path(id): Path<String>) -> Result<Markup, WebError> {
    let asked = id.clone();
    let (view, documents) = app
        .read(move |store| Ok(crate::query::history_with_documents(store, &asked)?))
        .await?;
    if view.entries.is_empty() {
        return Err(WebError::NotFound(
            crate::project::history::no_events_about(&id),
        ));
    }
    Ok(frame(
        &format!("履歴 {}", view.id),
        render_history(&view, &documents),
    ))
}

/// What a history entry's change is called in a 新旧対照表.
fn change_name(change: &str) -> &'static str {
    match change {
        "added" => "新設 (added)",
        "revised" => "修正 (revised)",
        "cited" => "引用 (cited)",
        "reported" => "取組 (action)",
        "completed" => "取組 実施済み (completed)",
        "reopened" => "取組 再開 (reopened)",
        "new" => "取組 新規 (new action)",
        "observed" => "観測 (figure)",
        _ => "記載 (stated)",
    }
}

fn render_history(view: &HistoryView, documents: &[DocumentRecord]) -> Markup {
    let records = by_hash(documents);
    let is_statement =
        |kind: &str| matches!(kind, "MeasureAdded" | "MeasureRevised" | "MeasureCited");
    // A revised statement shows what changed from the statement before it.
    let mut previous: Option<std::borrow::Cow<'_, str>> = None;
    let mut texts: Vec<Markup> = Vec::new();
    for entry in &view.entries {
        let shown = match (entry.change, &previous) {
            ("revised", Some(before)) if is_statement(entry.kind) => {
                marked(&text_changes(before, &entry.summary.joined()))
            }
            _ => match &entry.figure {
                // A figure reads with its as-of date in 和暦 at the precision printed.
                Some(figure) => html! {
                    (figure.label) ": " (figure.value) (figure.unit.as_deref().unwrap_or(""))
                    "（" (figure.as_of.as_deref().map_or_else(|| "時点不明".to_owned(), |as_of| format!("{} 時点", as_of_in_words(as_of)))) "）"
                    @if let Some(deadline) = &figure.deadline { " 期限 " (as_of_in_words(deadline)) }
                },
                None => html! { (entry.summary) },
            },
        };
        if is_statement(entry.kind) {
            previous = Some(entry.summary.joined());
        }
        texts.push(shown);
    }
    // What the rows say of their documents, worked out once per document (a document's entries
    // are consecutive): a long history has tens of thousands of rows, and looking each row's
    // record up four times and writing its meeting, day and citation again was most of the page.
    // Each row's cells, shared by the rows of one document.
    let mut rows: Vec<std::rc::Rc<DocumentCells>> = Vec::with_capacity(view.entries.len());
    for entry in &view.entries {
        let cells = match rows.last() {
            Some(last) if last.cited.document == &*entry.document => std::rc::Rc::clone(last),
            _ => {
                let record = records.get(&*entry.document).copied();
                std::rc::Rc::new(DocumentCells {
                    meeting: record.map(|record| meeting_with_day(&record.meeting)),
                    dated: record
                        .and_then(|record| record.meeting.date)
                        .map(|day| (day, href::plan_entry(day, &view.id))),
                    cited: crate::web::layout::Cited::of(record, &entry.document),
                })
            }
        };
        rows.push(cells);
    }
    let day_of = |cells: &DocumentCells| cells.dated.as_ref().map(|(day, _)| *day);
    let series: Vec<chart::Point> = view.entries.iter().filter_map(chart::Point::of).collect();
    let figure_label = view
        .entries
        .iter()
        .find_map(|e| e.figure.as_ref())
        .map(|figure| figure.label.as_str());
    html! {
        h1 { "履歴 (history) " code { (view.id) }
            @if let Some(label) = figure_label { " — " (label) } }
        @if !view.aliases.is_empty() {
            p.muted { "別名 (other ids): " @for alias in &view.aliases { code { (alias) } " " } }
        }
        @if view.entries.iter().any(|e| e.figure.is_some()) {
            h2 { "推移 (the series)" }
            (chart::svg(&series, figure_label.unwrap_or("")))
        }
        table.list {
            thead { tr { th { "会議 (meeting)" } th { "変更" } th { "内容 (what it says)" } th { "出典 (source)" } th { "見る (see)" } } }
            tbody {
                @for (index, ((entry, text), cells)) in view.entries.iter().zip(&texts).zip(&rows).enumerate() {
                    // The meeting day of the entry before, for the 新旧対照表 between the two.
                    @let before = index.checked_sub(1).and_then(|i| rows.get(i)).and_then(|cells| day_of(cells));
                    tr.{ "change-" (entry.change) } {
                        td { (cells.meeting.as_deref().unwrap_or(&entry.meeting)) }
                        td { (change_name(entry.change)) }
                        td { (text) }
                        td { (cells.cited.at(entry.lines)) }
                        td.see {
                            a href=(href::event(entry.seq)) { "seq " (entry.seq) }
                            @if let Some((day, plan)) = &cells.dated {
                                @let day = *day;
                                br; a href=(plan) { "計画" }
                                @if let Some(before) = before.filter(|before| *before < day) {
                                    br; a href=(href::diff(&format_iso_date(before), &format_iso_date(day))) { "新旧対照表" }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if !view.plan_milestones.is_empty() {
            h2 { "沿革 (milestones of its plan)" }
            ul { @for milestone in &view.plan_milestones {
                li { (milestone.when) " " (milestone.text) " "
                    @for cited in &milestone.sources {
                        span.muted { "(" (citation(records.get(cited.source.document.as_str()).copied(), &cited.source.document, Some(cited.source.lines))) ") " }
                    } }
            } }
        }
    }
}

/// What a history's rows say of one document: its meeting with its day (when the ledger holds
/// its record), the day with the plan at that day (when it is dated), and how it is cited.
struct DocumentCells<'a> {
    meeting: Option<String>,
    dated: Option<(time::Date, String)>,
    cited: crate::web::layout::Cited<'a>,
}

/// A text with its inserted runs marked and deleted runs struck.
fn marked(changes: &[TextChange]) -> Markup {
    html! {
        @for change in changes {
            @match change {
                TextChange::Equal(text) => (text),
                TextChange::Insert(text) => ins { (text) },
                TextChange::Delete(text) => del { (text) },
            }
        }
    }
}
