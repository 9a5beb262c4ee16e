//! The event log, filtered: what `log` shows.

use crate::identity::Identities;
use crate::ledger::Event;

#[derive(Debug, Clone, Default)]
pub struct LogFilter {
    /// Only events of this kind (`MeasureAdded` …), compared case-insensitively.
    pub kind: Option<String>,
    /// Only events whose meeting date is on or after this date.
    pub since: Option<time::Date>,
    /// Only events about this measure (any id it is known by).
    pub measure: Option<String>,
}

/// The events that pass the filter, in chain order (the reference: over every event).
pub fn filter_log<'e>(events: &'e [Event], filter: &LogFilter) -> Vec<&'e Event> {
    filter_log_with(&Identities::from_events(events), events, filter)
}

/// [`filter_log`] with the ledger's identities given, over any events that include every event
/// the filter passes.
pub fn filter_log_with<'e>(
    identities: &Identities,
    events: &'e [Event],
    filter: &LogFilter,
) -> Vec<&'e Event> {
    let measure = filter
        .measure
        .as_deref()
        .map(|id| identities.resolve(id).unwrap_or(id));
    events
        .iter()
        .filter(|event| {
            filter
                .kind
                .as_deref()
                .is_none_or(|kind| event.body.kind().eq_ignore_ascii_case(kind))
        })
        .filter(|event| {
            filter
                .since
                .is_none_or(|since| event.meeting.date.is_some_and(|date| date >= since))
        })
        .filter(|event| {
            measure.is_none_or(|id| {
                event
                    .body
                    .measure_id()
                    .is_some_and(|recorded| identities.canonical(recorded) == id)
            })
        })
        .collect()
}

/// The kinds `--kind` accepts: every kind on the wire.
pub const EVENT_KINDS: &[&str] = crate::ledger::wire::KINDS;
