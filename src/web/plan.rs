//! The plan at a meeting: its section tree, each measure (施策) with its actions (取組) by
//! column — 具体的な取組 | 今後予定している取組 — and bureau, and the figures (目標・指標);
//! filtered by section and bureau.

use axum::extract::{Query, State};
use maud::{html, Markup};
use serde::Deserialize;

use super::layout::{by_hash, citation, day, frame};
use super::{given, href, App, WebError};
use crate::extract::figures::as_of_in_words;
use crate::extract::ActionStatus;
use crate::project::documents::DocumentRecord;
use crate::project::state::{ActionView, MeasureView, StateView};
use crate::query::{state_at, StateRequest};

#[derive(Debug, Deserialize)]
pub struct PlanParams {
    at: Option<String>,
    section: Option<String>,
    bureau: Option<String>,
    plan: Option<String>,
}

pub async fn page(
    State(app): State<App>,
    Query(params): Query<PlanParams>,
) -> Result<Markup, WebError> {
    let request = StateRequest {
        at: given(&params.at).map(str::to_owned),
        section: given(&params.section).map(str::to_owned),
        plan: given(&params.plan).map(str::to_owned),
        as_known_at: None,
    };
    let (view, documents) = app
        .read(move |store| Ok((state_at(store, &request)?, store.document_records()?)))
        .await?;
    let bureau = given(&params.bureau);
    if let Some(bureau) = bureau {
        let bureaus = bureaus_of(&view);
        if !view
            .measures
            .iter()
            .flat_map(|m| &m.actions)
            .any(|a| a.bureau_canonical == bureau || a.bureau == bureau)
        {
            return Err(WebError::BadRequest(format!(
                "no action at {}{} is reported by {bureau:?}; the bureaus reporting there are: {}",
                view.at.meeting.as_deref().unwrap_or(&view.at.date),
                given(&params.section).map_or_else(String::new, |s| format!(" in section {s}")),
                bureaus.join("、")
            )));
        }
    }
    Ok(frame(
        &format!(
            "計画 {}",
            view.at.meeting.as_deref().unwrap_or(&view.at.date)
        ),
        render(&view, &documents, &params, bureau),
    ))
}

/// The measures shown under a bureau filter: those with an action of the bureau, with only
/// those actions.
pub fn filtered<'v>(
    view: &'v StateView,
    bureau: Option<&str>,
) -> Vec<(&'v MeasureView, Vec<&'v ActionView>)> {
    view.measures
        .iter()
        .filter_map(|measure| {
            let actions: Vec<&ActionView> = measure
                .actions
                .iter()
                .filter(|a| bureau.is_none_or(|b| a.bureau_canonical == b || a.bureau == b))
                .collect();
            (bureau.is_none() || !actions.is_empty()).then_some((measure, actions))
        })
        .collect()
}

fn render(
    view: &StateView,
    documents: &[DocumentRecord],
    params: &PlanParams,
    bureau: Option<&str>,
) -> Markup {
    let records = by_hash(documents);
    let measures = filtered(view, bureau);
    let bureaus = bureaus_of(view);
    let meetings = super::revisions::dated_meetings(documents);
    // A section's heading stands above its first measure.
    let starts_section: Vec<bool> = measures
        .iter()
        .enumerate()
        .map(|(i, (m, _))| {
            i.checked_sub(1)
                .and_then(|before| measures.get(before))
                .is_none_or(|(before, _)| before.section != m.section)
        })
        .collect();
    html! {
        h1 { "計画 (the plan) — "
            (view.at.meeting.as_deref().unwrap_or("")) " " (day(&view.at.date)) }
        form.pick method="get" action="/plan" {
            label { "会議 (meeting) "
                select name="at" {
                    @for (date, name) in &meetings {
                        option value=(date) selected[*date == view.at.date] { (name) " " (day(date)) }
                    }
                }
            }
            label { "節 (section) "
                input type="text" name="section" placeholder="2.(1).①" value=(given(&params.section).unwrap_or(""));
            }
            label { "担当局 (bureau) "
                select name="bureau" {
                    option value="" { "すべて (all)" }
                    @for name in &bureaus { option value=(name) selected[bureau == Some(*name)] { (name) } }
                }
            }
            @if let Some(plan) = given(&params.plan) { input type="hidden" name="plan" value=(plan); }
            button type="submit" { "表示 (show)" }
        }
        p {
            "計画: " strong { (view.at.plan.as_deref().unwrap_or("（計画不明）")) }
            " · " (measures.len()) " measures"
            @if let Some(bureau) = bureau { " with actions of " (bureau) }
            " · " (view.targets.len()) " figures"
        }
        @if !view.at.undated_documents.is_empty() {
            div.warn {
                p { "日付不明の資料 (undated documents, not placed in this plan):" }
                ul { @for undated in &view.at.undated_documents {
                    li { a href=(href::source(&undated.document, None)) { (undated.title.as_deref().unwrap_or("（題名なし）")) }
                        @if let Some(not_before) = &undated.not_before { " — not before " (day(not_before)) }
                        @if undated.may_exist_at_date { " (may already exist at this date)" } }
                } }
            }
        }
        @if measures.is_empty() {
            p.warn { "この条件に当てはまる施策はありません (no measure stands here with these filters)." }
        }
        // The sections, each a link to its place below: a reader finds one without scrolling
        // through seventy measures (folded, so a phone shows the plan first).
        @if starts_section.iter().filter(|first| **first).count() > 1 {
            details.index.noprint {
                summary { "節の一覧 (sections)" }
                ol {
                    @for ((measure, _), _) in measures.iter().zip(&starts_section).filter(|(_, first)| **first) {
                        li { a href={ "#s-" (measure.section.compact()) } {
                            (measure.section.display_path()) "　" (measure.section.titles.last().map_or("", String::as_str))
                        } }
                    }
                }
            }
        }
        @for ((measure, actions), first) in measures.iter().zip(&starts_section) {
            @if *first {
                h2.section id={ "s-" (measure.section.compact()) } { (measure.section.display_path()) "　" (measure.section.titles.join(" › ")) }
            }
            section.measure id=(measure.id) {
                p.text { (measure.text) }
                p.muted {
                    "施策 " a href=(href::history(&measure.id)) { code { (measure.id) } }
                    " · 出典: " (citation(records.get(measure.source.document.as_str()).copied(), &measure.source.document, Some(measure.source.lines)))
                    @if !measure.lineage.is_empty() { " · 分割・統合: " @for id in &measure.lineage { a href=(href::history(id)) { code { (id) } } " " } }
                }
                div.columns {
                    (column("具体的な取組", actions, ActionStatus::Done, measure, &records))
                    (column("今後予定している取組", actions, ActionStatus::Planned, measure, &records))
                }
            }
        }
        @if !view.targets.is_empty() {
            h2 { "目標・指標 (figures)" }
            table.list {
                thead { tr { th { "項目" } th { "値" } th { "時点" } th { "期限" } th { "出典" } } }
                tbody { @for target in &view.targets {
                    tr id=(target.key) {
                        td { a href=(href::history(&target.key)) { (target.label) } }
                        td { (target.value) (target.unit.as_deref().unwrap_or("")) }
                        td { (target.as_of.as_deref().map_or_else(|| "不明".to_owned(), as_of_in_words)) }
                        td { (target.deadline.as_deref().map_or_else(|| "—".to_owned(), as_of_in_words)) }
                        td { (citation(records.get(target.source.document.as_str()).copied(), &target.source.document, Some(target.source.lines))) }
                    }
                } }
            }
        }
    }
}

/// The bureaus (canonical names) that report actions in `view`, sorted.
fn bureaus_of(view: &StateView) -> Vec<&str> {
    let mut bureaus: Vec<&str> = view
        .measures
        .iter()
        .flat_map(|m| m.actions.iter().map(|a| a.bureau_canonical.as_str()))
        .collect();
    bureaus.sort_unstable();
    bureaus.dedup();
    bureaus
}

/// One column of a measure's actions, grouped by bureau in the order they appear. An action
/// printed in the measure's own document cites its lines only.
fn column(
    heading: &str,
    actions: &[&ActionView],
    status: ActionStatus,
    measure: &MeasureView,
    records: &std::collections::BTreeMap<&str, &DocumentRecord>,
) -> Markup {
    let mut bureaus: Vec<(&str, Vec<&ActionView>)> = Vec::new();
    for action in actions.iter().filter(|a| a.status == status) {
        match bureaus.iter_mut().find(|(b, _)| *b == action.bureau) {
            Some((_, list)) => list.push(action),
            None => bureaus.push((&action.bureau, vec![action])),
        }
    }
    html! {
        div {
            h4 { (heading) }
            @if bureaus.is_empty() { p.muted { "—" } }
            @for (bureau, list) in &bureaus {
                div.bureau { "【" (bureau) "】" }
                ul { @for action in list {
                    li { (action.text) " "
                        span.muted { "（"
                            @if action.source.document == measure.source.document {
                                a href=(href::source(&action.source.document, Some(action.source.lines))) { (action.source.lines[0]) "–" (action.source.lines[1]) "行" }
                            } @else {
                                (citation(records.get(action.source.document.as_str()).copied(), &action.source.document, Some(action.source.lines)))
                            }
                        "）" } }
                } }
            }
        }
    }
}
