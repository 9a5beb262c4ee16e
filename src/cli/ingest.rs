//! `planledger ingest`: documents in, each as one all-or-nothing batch of events.

use std::path::PathBuf;

use anyhow::Result;

use super::{Context, Outcome};
use planledger::ingest::{self, IngestOptions, IngestOutcome, SingleFile};
use planledger::ledger::Store;
use planledger::report::text;
use planledger::FailureKind;

/// Ingest documents: folders with a manifest.json, or single files described by flags.
///
/// Each document is appended as one all-or-nothing batch of hash-chained events. A
/// byte-identical document already in the ledger appends nothing.
#[derive(Debug, clap::Args)]
pub struct IngestArgs {
    /// Folders containing manifest.json, or document files.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Meeting of a single file: "会議体 第N回" (e.g. "がん対策推進協議会 第92回").
    #[arg(long)]
    meeting: Option<String>,
    #[arg(long, help = concat!("Meeting date of a single file: ", day_forms!(), "; or \"unknown\""))]
    date: Option<String>,
    /// Document format of a single file: torikumi (取組一覧) or slides; when left out, it is
    /// recognised from the text (and ingest says which and why).
    #[arg(long)]
    format: Option<String>,
    /// Document title (資料名) of a single file.
    #[arg(long)]
    title: Option<String>,
    /// Document label of a single file (資料1, 参考資料6).
    #[arg(long)]
    label: Option<String>,
    /// Series of a single file; a torikumi document's series defaults to its title line.
    #[arg(long)]
    series: Option<String>,
    /// Refuse a new version of a series that looks misread rather than revised, instead of
    /// ingesting it with a warning: it no longer states a measure of the previous version
    /// whose text appears inside another of its statements, or it keeps the previous
    /// version's words while its measures, sections or columns change wholesale.
    #[arg(long)]
    strict: bool,
}

pub fn run(context: &Context, args: &IngestArgs) -> Result<Outcome> {
    let flags = SingleFile {
        meeting: args.meeting.clone(),
        date: args.date.clone(),
        format: args.format.clone(),
        title: args.title.clone(),
        label: args.label.clone(),
        series: args.series.clone(),
    };
    let prepared = ingest::requests_for(&args.paths, &flags)?;
    for notice in &prepared.notices {
        super::eprint_line(&notice.to_string());
    }
    let options = IngestOptions {
        strict: args.strict,
        ..IngestOptions::default()
    };
    let ingested_at = super::now()?;
    let requests = &prepared.requests;
    let ingested_at = ingested_at.as_str();
    // Outside the scope, for the threads that read ahead to look documents up in it.
    let ledger = std::sync::OnceLock::new();
    std::thread::scope(|scope| -> Result<Outcome> {
        // Each document is read and extracted on a thread of its own while the one before it
        // is appended (the first while the ledger opens): extraction reads nothing of the
        // ledger, and a document it already records is not extracted.
        let ledger = &ledger;
        let read_on = |index: usize| {
            requests.get(index).map(|request| {
                scope.spawn(move || ingest::read_request(request, ingested_at, ledger.get()))
            })
        };
        let mut next = read_on(0);
        let opened = Store::open_to_write(&context.store, context.wait, true)?;
        let store: &Store = ledger.get_or_init(|| opened);
        let (mut appended, mut present, mut failed) = (0, 0, 0);
        // The ledger's size after the last append that completed (flushed, head recorded).
        let mut durable = 0;
        let mut worst = FailureKind::BadInput;
        let total = requests.len();
        for (index, request) in requests.iter().enumerate() {
            super::eprint_line(&format!(
                "[{}/{total}] {}",
                index + 1,
                request.path.display()
            ));
            let read = next
                .take()
                .map(|reading| {
                    reading
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .unwrap_or_else(|| ingest::read_request(request, ingested_at, Some(store)));
            next = read_on(index + 1);
            let outcome = ingest::ingest_read(store, request, read, ingested_at, options);
            match outcome {
                Ok(outcome) => {
                    match &outcome {
                        IngestOutcome::Appended(summary) => {
                            appended += 1;
                            durable = summary.last_seq + 1;
                        }
                        IngestOutcome::AlreadyPresent { .. } => present += 1,
                    }
                    print_progress(&text::ingest_outcome(&outcome))?;
                }
                Err(error) => {
                    failed += 1;
                    super::eprint_line(&format!("error: {error}"));
                    if error.kind() == FailureKind::LedgerUnusable {
                        // The ledger could not take this append (a full disk, a failed write): the
                        // next would be written onto what this process could not make durable.
                        worst = FailureKind::LedgerUnusable;
                        let untried = total - index - 1;
                        if untried > 0 {
                            super::eprint_line(&format!(
                                "error: stopped: the other {untried} documents were not tried; run the ingest again once the ledger can be written"
                            ));
                        }
                        break;
                    }
                }
            }
        }
        if appended > 0 {
            context.witness_append_at(store, durable)?;
        }
        let head = store.head()?.map_or_else(
            || "empty".to_owned(),
            |(seq, hash)| format!("seq {seq}, hash {hash}"),
        );
        print_progress(&format!(
            "{appended} documents appended, {present} already present, {failed} failed; ledger {} head {head}\n",
            context.store.display()
        ))?;
        Ok(if failed > 0 {
            Outcome::Failed(worst)
        } else {
            Outcome::Success
        })
    })
}

/// Like `print`, for reports of work that must go on when nobody reads them: a closed
/// stdout (`ingest seeds | head`) must not leave a corpus half-ingested.
fn print_progress(text: &str) -> Result<()> {
    match super::print(text) {
        Err(error) if super::is_broken_pipe(&error) => Ok(()),
        other => other,
    }
}
