//! 沿革: the milestones the slides print, in the order of the dates they state, each with the
//! documents and lines that state it; filtered by words in its text.

use axum::extract::{Query, State};
use maud::{html, Markup};
use serde::Deserialize;

use super::layout::{by_hash, citation, frame};
use super::{given, App, WebError};

#[derive(Debug, Deserialize)]
pub struct TimelineParams {
    about: Option<String>,
}

pub async fn page(
    State(app): State<App>,
    Query(params): Query<TimelineParams>,
) -> Result<Markup, WebError> {
    let about = given(&params.about).map(str::to_owned);
    let asked = about.clone();
    let (view, documents) = app
        .read(move |store| {
            Ok((
                crate::query::timeline(store, asked.as_deref())?,
                store.document_records()?,
            ))
        })
        .await?;
    let records = by_hash(&documents);
    let body = html! {
        h1 { "沿革 (milestones)" }
        form.pick method="get" action="/timeline" {
            label { "語句 (about) " input type="text" name="about" placeholder="閣議決定" value=(about.as_deref().unwrap_or("")); }
            button type="submit" { "絞り込み (filter)" }
        }
        @if view.milestones.is_empty() {
            p.warn { @if let Some(about) = &about { "「" (about) "」を含む沿革はありません (no milestone mentions it)." }
                @else { "沿革はありません (the documents print no dated milestone)." } }
        } @else {
            table.list {
                thead { tr { th { "時期 (when, as printed)" } th { "できごと" } th { "出典 (source)" } } }
                tbody { @for milestone in &view.milestones {
                    tr {
                        td { (milestone.when) br; span.muted { (milestone.from) @if let Some(to) = &milestone.to { "…" (to) } } }
                        td { (milestone.text) }
                        td { @for cited in &milestone.sources {
                            (citation(records.get(cited.source.document.as_str()).copied(), &cited.source.document, Some(cited.source.lines))) br;
                        } }
                    }
                } }
            }
        }
    };
    Ok(frame("沿革", body))
}
