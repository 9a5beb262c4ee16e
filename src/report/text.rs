//! Plain-text renderings for a terminal.

use std::fmt::Write;

use crate::extract::ActionStatus;
use crate::ingest::IngestOutcome;
use crate::ledger::verify::VerifyReport;
use crate::ledger::Event;
use crate::project::diff::TargetReading;
use crate::project::meetings::MeetingsView;
use crate::project::state::{SourceView, StateView};

/// The first 12 hex digits: enough to tell documents apart in text output.
/// Char-safe: a tampered store may hold any text where a hash should be, and `verify` — the
/// command meant for tampered stores — must still print it.
pub fn short_hash(hash: &str) -> &str {
    hash.char_indices()
        .nth(12)
        .map_or(hash, |(end, _)| &hash[..end])
}

/// Where a statement is printed: its document (the hash prefix every view accepts) and its
/// lines — every citation in text output names both, so a line number is never read against
/// the wrong document.
pub fn cite(source: &SourceView) -> String {
    format!(
        "{} {}",
        short_hash(&source.document),
        line_span(source.lines)
    )
}

/// 「line 72」 or 「lines 20–25」.
fn line_span(lines: [u32; 2]) -> String {
    let mut span = String::new();
    push_line_span(&mut span, lines);
    span
}

/// [`line_span`], pushed onto `out`.
fn push_line_span(out: &mut String, [first, last]: [u32; 2]) {
    let mut digits = itoa::Buffer::new();
    if first == last {
        out.push_str("line ");
        out.push_str(digits.format(first));
    } else {
        out.push_str("lines ");
        out.push_str(digits.format(first));
        out.push('–');
        out.push_str(digits.format(last));
    }
}

pub fn ingest_outcome(outcome: &IngestOutcome) -> String {
    let mut out = String::new();
    match outcome {
        IngestOutcome::AlreadyPresent {
            path,
            document,
            seq,
            described_otherwise,
        } => {
            let _ = writeln!(
                out,
                "{}: already in the ledger (document {}, seq {seq}); nothing appended",
                path.display(),
                short_hash(document)
            );
            if !described_otherwise.is_empty() {
                let _ = writeln!(
                    out,
                    "  warning: described otherwise than the ledger has it: {}; nothing was changed — if the ledger's description is wrong, correct it with `planledger amend {} --meeting … --date … --reason \"…\"`",
                    described_otherwise.join("; "),
                    short_hash(document)
                );
            }
        }
        IngestOutcome::Appended(summary) => {
            let kinds: Vec<String> = summary
                .counts
                .iter()
                .map(|(kind, count)| format!("{count} {kind}"))
                .collect();
            let _ = writeln!(
                out,
                "{}: appended seq {}..={} (document {}): {}",
                summary.path.display(),
                summary.first_seq,
                summary.last_seq,
                short_hash(&summary.document),
                kinds.join(", ")
            );
            if summary.actions_done + summary.actions_planned > 0 {
                let _ = writeln!(
                    out,
                    "  actions: {} done (具体的な取組), {} planned (今後予定している取組)",
                    summary.actions_done, summary.actions_planned
                );
            }
            for diagnostic in &summary.diagnostics {
                let location = if diagnostic.line > 0 {
                    format!("{}:{}", summary.path.display(), diagnostic.line)
                } else {
                    summary.path.display().to_string()
                };
                let _ = writeln!(out, "  note: {location}: {}", diagnostic.message);
                if let Some(hint) = &diagnostic.hint {
                    let _ = writeln!(out, "        hint: {hint}");
                }
            }
        }
    }
    out
}

pub fn state(view: &StateView) -> String {
    let mut out = String::new();
    let meeting = view.at.meeting.as_deref().unwrap_or("(no meeting named)");
    let _ = writeln!(out, "state at {} — {meeting}", view.at.date);
    let plan = view.at.plan.as_deref().unwrap_or("(no plan named)");
    let _ = writeln!(out, "{} measures of {plan}", view.measures.len());
    for undated in &view.at.undated_documents {
        let bound = match &undated.not_before {
            Some(not_before) if undated.may_exist_at_date => {
                format!("not before {not_before}: it may already exist at this date")
            }
            Some(not_before) => format!("not before {not_before}: not yet at this date"),
            None => "no bound known".to_owned(),
        };
        let _ = writeln!(
            out,
            "not placed in time (meeting date unknown): 「{}」 ({bound})",
            undated.title.as_deref().unwrap_or("(untitled)")
        );
    }
    let mut last_section: Option<&[String]> = None;
    for measure in &view.measures {
        if last_section != Some(measure.section.path.as_slice()) {
            let _ = writeln!(out);
            if measure.section.path.is_empty() {
                let _ = writeln!(out, "■ (no section: quoted without one)");
            } else {
                let titles = measure.section.titles.join(" › ");
                let _ = writeln!(out, "■ {}  {titles}", measure.section.display_path());
            }
            last_section = Some(&measure.section.path);
        }
        let _ = writeln!(
            out,
            "  [{}] {} ({})",
            measure.id,
            measure.text,
            cite(&measure.source)
        );
        for status in [ActionStatus::Done, ActionStatus::Planned] {
            for action in measure.actions.iter().filter(|a| a.status == status) {
                let _ = writeln!(
                    out,
                    "    {:<7} 【{}】 {}",
                    status.as_str(),
                    action.bureau,
                    action.text.replace('\n', " ")
                );
            }
        }
    }
    targets(&mut out, view);
    out
}

fn targets(out: &mut String, view: &StateView) {
    if view.targets.is_empty() {
        return;
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "■ 目標・指標 (latest figure known at this date)");
    for target in &view.targets {
        let deadline = target
            .deadline
            .as_deref()
            .map_or_else(String::new, |d| format!("; due {d}"));
        let _ = writeln!(
            out,
            "  [{}] {}: {}{} (as of {}{deadline}; {})",
            target.key,
            target.label,
            target.value,
            target.unit.as_deref().unwrap_or(""),
            target.as_of.as_deref().unwrap_or("unknown"),
            cite(&target.source)
        );
    }
}

/// How much of a history's text [`history_in_parts`] renders before handing it on.
const HISTORY_PART_BYTES: usize = 64 * 1024;

/// A measure's or a target's history as text, handed to `part` a piece at a time, each piece
/// whole entries of about [`HISTORY_PART_BYTES`], in order; the first error `part` returns stops the rendering and is
/// returned. A measure stated at hundreds of meetings prints megabytes (10 MB for the bench's
/// first measure at 1M events): written as it is rendered, the text is never held whole, and
/// the memory for it — fresh, each of its pages a fault the first time it is written — is a
/// piece's, used again.
pub fn history_in_parts<E>(
    view: &crate::project::history::HistoryView,
    mut part: impl FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    let mut out = String::with_capacity(HISTORY_PART_BYTES + 4096);
    let _ = writeln!(out, "history of {}: {} events", view.id, view.entries.len());
    if !view.aliases.is_empty() {
        let _ = writeln!(out, "also known as {}", view.aliases.join(", "));
    }
    // Each entry pushed rather than `write!`n: a long history has tens of thousands, and the
    // formatting machinery (padding, a `String` for its lines) was most of their cost.
    let mut digits = itoa::Buffer::new();
    let pad = |out: &mut String, written: usize, width: usize| {
        out.extend(std::iter::repeat_n(' ', width.saturating_sub(written)));
    };
    for entry in &view.entries {
        if out.len() >= HISTORY_PART_BYTES {
            part(&out)?;
            out.clear();
        }
        // `{:>5} {:<8} {} 「{}」`: the seq right-aligned in five, the change left in eight.
        let seq = digits.format(entry.seq);
        pad(&mut out, seq.len(), 5);
        out.push_str(seq);
        out.push(' ');
        out.push_str(entry.change);
        pad(&mut out, entry.change.chars().count(), 8);
        out.push(' ');
        out.push_str(&entry.meeting);
        out.push_str(" 「");
        out.push_str(entry.document_title.as_deref().unwrap_or("(untitled)"));
        out.push('」');
        if let Some(lines) = entry.lines {
            out.push(' ');
            out.push_str(short_hash(&entry.document));
            out.push(' ');
            push_line_span(&mut out, lines);
        }
        out.push_str("\n      ");
        // A summary is one line of output: its own line breaks are shown as spaces.
        for piece in entry.summary.pieces() {
            for (at, line) in piece.split('\n').enumerate() {
                if at > 0 {
                    out.push(' ');
                }
                out.push_str(line);
            }
        }
        out.push('\n');
    }
    if !view.plan_milestones.is_empty() {
        let _ = writeln!(out, "milestones (沿革) naming its plan:");
        for milestone in &view.plan_milestones {
            let source = milestone.sources.first().map_or_else(String::new, |s| {
                format!(
                    " 「{}」 {}",
                    s.title.as_deref().unwrap_or("(untitled)"),
                    cite(&s.source)
                )
            });
            let _ = writeln!(out, "  {} {}{source}", milestone.when, milestone.text);
        }
    }
    part(&out)
}

pub fn diff(view: &crate::project::diff::DiffView) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "changes from {} to {} — {}",
        meeting_end(&view.since),
        meeting_end(&view.until),
        view.plan.as_deref().unwrap_or("(no plan named)")
    );
    let measures = &view.measures;
    let actions = &view.actions;
    let _ = writeln!(
        out,
        "measures: {} added, {} removed, {} revised, {} split or merged, {} moved; actions: {} added, {} removed, {} completed, {} reopened, {} revised, {} dropped; bureaus: {} renamed; targets: {} changed",
        measures.added.len(),
        measures.removed.len(),
        measures.revised.len(),
        measures.successions.len(),
        measures.moved.len(),
        actions.added.len(),
        actions.removed.len(),
        actions.completed.len(),
        actions.reopened.len(),
        actions.revised.len(),
        actions.dropped.len(),
        view.bureaus.renamed.len(),
        view.targets.changed.len()
    );
    for (sign, entries) in [("+", &measures.added), ("-", &measures.removed)] {
        for measure in entries {
            let _ = writeln!(
                out,
                "{sign} [{}] {} {}",
                measure.id,
                measure.section.display_path(),
                measure.text
            );
        }
    }
    for succession in &measures.successions {
        let what = if succession.after.len() > 1 {
            "分割 split"
        } else {
            "統合 merged"
        };
        let _ = writeln!(out, "> {what}");
        for (side, entries) in [
            ("改正前", &succession.before),
            ("改正後", &succession.after),
        ] {
            for measure in entries {
                let _ = writeln!(
                    out,
                    "    {side}: [{}] {} {}",
                    measure.id,
                    measure.section.display_path(),
                    measure.text
                );
            }
        }
    }
    for revision in &measures.revised {
        let _ = writeln!(
            out,
            "~ [{}] {}",
            revision.id,
            revision.section.display_path()
        );
        let _ = writeln!(out, "    改正前: {}", revision.before);
        let _ = writeln!(out, "    改正後: {}", revision.after);
        let _ = writeln!(out, "    変更箇所: {}", marked_changes(&revision.changes));
    }
    for moved in &measures.moved {
        let _ = writeln!(
            out,
            "> 移動 moved [{}] {} → {} {}",
            moved.id,
            moved.section_before.display_path(),
            moved.section_after.display_path(),
            moved.text
        );
    }
    for (sign, entries) in [("+", &view.actions.added), ("-", &view.actions.removed)] {
        for action in entries {
            let _ = writeln!(
                out,
                "{sign} [{}] {:<7} 【{}】 {}",
                action.measure_id,
                action.status.as_str(),
                action.bureau,
                action.text.replace('\n', " ")
            );
        }
    }
    for (mark, what, fates) in [
        ("✓", "completed (実施済み)", &actions.completed),
        ("↺", "reopened", &actions.reopened),
        ("~", "revised", &actions.revised),
    ] {
        for fate in fates {
            let _ = writeln!(
                out,
                "{mark} [{}] {what} 【{}】 {}",
                fate.after.measure_id,
                fate.after.bureau,
                fate.after.text.replace('\n', " ")
            );
            if !fate.changes.is_empty() {
                let _ = writeln!(
                    out,
                    "    {} → {}: {}",
                    fate.before.status.as_str(),
                    fate.after.status.as_str(),
                    marked_changes(&fate.changes)
                );
            }
        }
    }
    for action in &actions.dropped {
        let _ = writeln!(
            out,
            "? [{}] dropped (未報告) 【{}】 {}",
            action.measure_id,
            action.bureau,
            action.text.replace('\n', " ")
        );
    }
    for rename in &view.bureaus.renamed {
        let _ = writeln!(
            out,
            "= 部局名変更 renamed 【{}】 → 【{}】 from {} ({})",
            rename.before, rename.after, rename.effective, rename.source
        );
    }
    for target in &view.targets.changed {
        let as_of = |reading: &TargetReading| {
            format!(
                "as of {}; {}",
                reading.as_of.as_deref().unwrap_or("unknown"),
                cite(&reading.source)
            )
        };
        let (before, before_where) = target.before.as_ref().map_or_else(
            || ("(none)".to_owned(), String::new()),
            |before| (before.with_unit(), format!("{} → ", as_of(before))),
        );
        let _ = writeln!(
            out,
            "* [{}] {}: {before} → {} ({before_where}{})",
            target.key,
            target.label,
            target.after.with_unit(),
            as_of(&target.after)
        );
    }
    out
}

/// `progress`: the counts, then every planned action with its fate and where each side says it
/// (document and lines), the changes marked.
pub fn progress(view: &crate::project::progress::ProgressView) -> String {
    use crate::project::progress::{Fate, ProgressCounts};
    let mut out = String::new();
    let _ = writeln!(
        out,
        "progress of the actions planned at {}, at {} — {}{}",
        meeting_end(&view.since),
        meeting_end(&view.until),
        view.plan.as_deref().unwrap_or("(no plan named)"),
        view.bureau
            .as_deref()
            .map_or_else(String::new, |b| format!(" — bureau {b}"))
    );
    let counts = |c: &ProgressCounts| {
        format!(
            "{} planned: {} completed, {} still planned, {} revised, {} dropped, {} removed with their measure",
            c.planned, c.completed, c.still_planned, c.revised, c.dropped, c.removed
        )
    };
    let _ = writeln!(out, "{}", counts(&view.total));
    for (what, list) in [
        ("by bureau", &view.by_bureau),
        ("by section", &view.by_section),
    ] {
        let _ = writeln!(out, "{what}:");
        for c in list {
            let _ = writeln!(out, "  {}: {}", c.name, counts(c));
        }
    }
    for fate in [
        Fate::Completed,
        Fate::Revised,
        Fate::Dropped,
        Fate::Removed,
        Fate::StillPlanned,
    ] {
        for action in view.actions.iter().filter(|a| a.fate == fate) {
            let _ = writeln!(
                out,
                "{} ({}) [{}] 【{}】 {}",
                fate.as_str(),
                fate.japanese(),
                action.before.measure_id,
                action.before.bureau,
                action.before.text.replace('\n', " ")
            );
            let later = action.after.as_ref().map_or_else(
                || "not reported".to_owned(),
                |after| format!("{} ({})", cite(&after.source), after.status.as_str()),
            );
            let _ = writeln!(out, "    {} → {later}", cite(&action.before.source));
            if !action.changes.is_empty() {
                let _ = writeln!(out, "    {}", marked_changes(&action.changes));
            }
        }
    }
    out
}

/// One end of a diff or progress report: the meeting and its date.
fn meeting_end(end: &crate::project::diff::DiffEnd) -> String {
    format!(
        "{} ({})",
        end.meeting.as_deref().unwrap_or("no meeting named"),
        end.date
    )
}

/// A character diff with deleted runs as `[-…-]` and inserted ones as `{+…+}`.
fn marked_changes(changes: &[crate::project::diff::TextChange]) -> String {
    changes
        .iter()
        .map(|change| match change {
            crate::project::diff::TextChange::Equal(text) => text.clone(),
            crate::project::diff::TextChange::Delete(text) => format!("[-{text}-]"),
            crate::project::diff::TextChange::Insert(text) => format!("{{+{text}+}}"),
        })
        .collect()
}

/// A correction appended: what the ledger says of the document now, and what it said before.
pub fn corrected(corrected: &crate::ingest::correct::Corrected) -> String {
    let mut out = String::new();
    let event = &corrected.event;
    let (before, after) = (&corrected.before, &corrected.after);
    let what = if after.withdrawn() {
        "withdrawn: its statements no longer count in state, diff or history".to_owned()
    } else {
        let mut changes = Vec::new();
        if before.meeting != after.meeting {
            changes.push(format!("meeting {} → {}", before.meeting, after.meeting));
        }
        for (name, old, new) in [
            ("title", &before.title, &after.title),
            ("label", &before.label, &after.label),
        ] {
            if old != new {
                let shown = |t: &Option<String>| t.clone().unwrap_or_else(|| "none".into());
                changes.push(format!("{name} {} → {}", shown(old), shown(new)));
            }
        }
        format!("redescribed: {}", changes.join("; "))
    };
    let _ = writeln!(
        out,
        "document {} {what}
appended {} at seq {}, hash {}",
        short_hash(&after.hash),
        event.body.kind(),
        event.seq,
        event.hash
    );
    for warning in &corrected.warnings {
        let _ = writeln!(out, "  warning: {}", warning.message);
    }
    out
}

/// The milestones, one a line: the date span at its precision, the date as printed, what
/// happened, and where it is stated.
pub fn timeline(view: &crate::project::timeline::TimelineView) -> String {
    let mut out = String::new();
    if view.milestones.is_empty() {
        out.push_str("no timeline rows (沿革) in the ledger's documents\n");
    }
    for milestone in &view.milestones {
        let span = match &milestone.to {
            Some(to) => format!("{}…{to}", milestone.from),
            None => milestone.from.clone(),
        };
        let _ = writeln!(out, "{span:<17} {}  {}", milestone.when, milestone.text);
        for source in &milestone.sources {
            let _ = writeln!(
                out,
                "{:17}   「{}」 {} ({})",
                "",
                source.title.as_deref().unwrap_or("(untitled)"),
                cite(&source.source),
                source.meeting
            );
        }
    }
    out
}

pub fn meetings(view: &MeetingsView) -> String {
    let mut out = String::new();
    for meeting in &view.meetings {
        let body = meeting.body.as_deref().unwrap_or("(meeting not stated)");
        let ordinal = meeting
            .ordinal
            .map_or_else(String::new, |n| format!(" 第{n}回"));
        let date = meeting.date.as_deref().unwrap_or("date unknown");
        let _ = writeln!(out, "{date}  {body}{ordinal}");
        if let Some(bounds) = &meeting.date_bounds {
            let _ = writeln!(
                out,
                "    date bounds: not before {} (inferred from content)",
                bounds.not_before
            );
            for evidence in &bounds.evidence {
                let _ = writeln!(out, "      evidence: {evidence}");
            }
        }
        for document in &meeting.documents {
            let label = document
                .label
                .as_deref()
                .map_or_else(String::new, |l| format!("{l} "));
            let _ = writeln!(
                out,
                "    {label}「{}」 {} {} seq {}",
                document.title.as_deref().unwrap_or("(untitled)"),
                document.format,
                short_hash(&document.hash),
                document.seq
            );
            for correction in &document.corrections {
                let what = match &correction.was {
                    Some(was) => format!("redescribed (was {was})"),
                    None => "WITHDRAWN — its statements are not the plan's".to_owned(),
                };
                let _ = writeln!(
                    out,
                    "      {what} at seq {}: {}",
                    correction.seq, correction.reason
                );
            }
        }
    }
    out
}

/// An event's line in the log, appended to `out` (`log` writes a line at a time, never the
/// whole ledger's).
pub fn log_line(event: &Event, out: &mut String) {
    {
        let date = event.meeting.date.map_or_else(
            || "date unknown".to_owned(),
            crate::source::meeting::format_iso_date,
        );
        let summary = match &event.body {
            crate::ledger::EventBody::DocumentIngested {
                title, measure_ids, ..
            } => format!(
                "「{}」 {} measures",
                title.as_deref().unwrap_or("(untitled)"),
                measure_ids.len()
            ),
            crate::ledger::EventBody::ActionReported {
                measure_id,
                bureau,
                status,
                ..
            } => format!("{measure_id} {} 【{bureau}】", status.as_str()),
            crate::ledger::EventBody::PlanAdopted { plan, adopted, .. } => {
                format!("{plan} 閣議決定 {adopted}")
            }
            crate::ledger::EventBody::DocumentRedescribed { reason, .. } => format!(
                "{} now at {}: {reason}",
                short_hash(&event.source.document),
                event.meeting
            ),
            crate::ledger::EventBody::MilestoneStated { when, text, .. } => {
                format!("{when} {text}")
            }
            crate::ledger::EventBody::RequirementRevised {
                requirement,
                before,
                marked,
                ..
            } => format!(
                "{requirement} {} ({} marked)",
                if before.is_some() { "改定" } else { "新設" },
                marked.len()
            ),
            crate::ledger::EventBody::DocumentWithdrawn { reason, .. } => {
                format!("{} withdrawn: {reason}", short_hash(&event.source.document))
            }
            crate::ledger::EventBody::TargetChanged {
                label, value, unit, ..
            } => {
                format!("{label}: {value}{}", unit.as_deref().unwrap_or(""))
            }
            other => other.measure_id().unwrap_or_default().to_owned(),
        };
        let lines = event.source.lines.map_or_else(String::new, |l| {
            format!(
                " ({} {})",
                short_hash(&event.source.document),
                line_span([l.first, l.last])
            )
        });
        let _ = writeln!(
            out,
            "{:>5} {} {:<16} {} {}{lines}",
            event.seq,
            date,
            event.body.kind(),
            summary,
            short_hash(&event.hash)
        );
    }
}

pub fn verify(report: &VerifyReport) -> String {
    let mut out = String::new();
    let head = report.head.as_ref().map_or_else(
        || "empty".to_owned(),
        |(seq, hash)| format!("seq {seq}, hash {hash}"),
    );
    if report.is_ok() {
        let _ = writeln!(
            out,
            "ok: {} events, {} documents; chain, canonical form, blobs, spans{} and indexes check out; head {head}; store {}",
            report.n_events,
            report.n_documents,
            if report.deep { ", replay of every document" } else { "" },
            report.layout
        );
        return out;
    }
    if let Some(first) = report.first_failure() {
        let at = first
            .seq
            .map_or_else(|| "the store".to_owned(), |seq| format!("seq {seq}"));
        let _ = writeln!(out, "FAILED: first failure at {at}: {}", first.what);
    }
    let _ = writeln!(out, "{} failures:", report.failures.len());
    for failure in &report.failures {
        let seq = failure
            .seq
            .map_or_else(|| "-".to_owned(), |seq| seq.to_string());
        let document = failure
            .document
            .as_deref()
            .map_or_else(String::new, |d| format!(" document {}", short_hash(d)));
        let _ = writeln!(out, "  seq {seq}{document}: {}", failure.what);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_hash_never_cuts_a_character() {
        assert_eq!(short_hash(&"ab".repeat(32)), "abababababab");
        assert_eq!(short_hash("短い"), "短い");
        assert_eq!(
            short_hash("改ざんされた文書の名前がここにある"),
            "改ざんされた文書の名前が"
        );
        // Byte 12 inside a character: the old byte slice panicked here.
        assert_eq!(
            short_hash("a改ざんされた文書の名前が"),
            "a改ざんされた文書の名前"
        );
    }

    /// A long history: thousands of entries, one summary holding a line break.
    fn long_history(entries: u64) -> crate::project::history::HistoryView {
        use crate::project::history::{HistoryEntry, HistoryView};
        HistoryView {
            id: "M0123456789ab".into(),
            aliases: vec!["Mba9876543210".into()],
            entries: (0..entries)
                .map(|seq| HistoryEntry {
                    seq,
                    kind: "ActionReported",
                    change: if seq % 3 == 0 {
                        "completed"
                    } else {
                        "reported"
                    },
                    meeting: format!("第{}回がん対策推進協議会 (date unknown)", 92 + seq / 5)
                        .into(),
                    document_title: (seq % 7 != 0).then(|| "がん対策推進基本計画 取組一覧".into()),
                    document: "ab".repeat(32).into(),
                    lines: (seq % 2 == 0).then_some([1 + seq as u32, 2 + seq as u32]),
                    summary: if seq == 7 {
                        "国は、\n推進する。".to_owned().into()
                    } else {
                        format!("国は、がん検診の受診率向上に向けて取組{seq}を推進する。").into()
                    },
                    figure: None,
                })
                .collect(),
            plan_milestones: Vec::new(),
        }
    }

    #[test]
    fn a_history_comes_in_pieces_of_whole_entries() {
        for entries in [0, 1, 5, 3_000] {
            let view = long_history(entries);
            let mut parts = Vec::new();
            history_in_parts(&view, |part| {
                parts.push(part.to_owned());
                Ok::<(), ()>(())
            })
            .unwrap();
            let whole = parts.concat();
            // Its header, then each entry on two lines (its place, then its summary).
            assert!(
                whole.starts_with(&format!(
                    "history of M0123456789ab: {entries} events\nalso known as Mba9876543210\n"
                )),
                "{whole}"
            );
            assert_eq!(whole.lines().count() as u64, 2 + 2 * entries);
            // Each piece ends where an entry does, the next begins with an entry's seq, and
            // none is much past the size a piece is handed on at.
            assert!(parts.iter().all(|part| part.ends_with('\n')));
            assert!(parts
                .iter()
                .skip(1)
                .all(|part| part.trim_start().starts_with(|c: char| c.is_ascii_digit())));
            assert!(parts
                .iter()
                .all(|part| part.len() < HISTORY_PART_BYTES + 1024));
            if entries == 3_000 {
                assert!(parts.len() > 2, "a long history comes in several pieces");
                assert!(
                    whole.contains("国は、 推進する。"),
                    "a summary's break is a space"
                );
            }
        }
    }

    #[test]
    fn a_failing_writer_stops_a_history_at_its_first_piece() {
        let view = long_history(3_000);
        let mut handed = 0;
        let stopped = history_in_parts(&view, |_| {
            handed += 1;
            Err("stdout closed")
        });
        assert_eq!(stopped, Err("stdout closed"));
        assert_eq!(handed, 1);
    }
}
