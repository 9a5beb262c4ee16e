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
    let selection = LogSelection::new(Identities::from_events(events), filter);
    events
        .iter()
        .filter(|event| selection.passes(event))
        .collect()
}

/// A filter ready to pass events one at a time: its measure resolved to the id the
/// identities know it by.
pub struct LogSelection<'a> {
    filter: &'a LogFilter,
    identities: Identities,
    measure: Option<String>,
}

impl<'a> LogSelection<'a> {
    /// The selection of `filter`, the ledger's identities given for a filter on a measure.
    pub fn new(identities: Identities, filter: &'a LogFilter) -> LogSelection<'a> {
        let measure = filter
            .measure
            .as_deref()
            .map(|id| identities.resolve(id).unwrap_or(id).to_owned());
        LogSelection {
            filter,
            identities,
            measure,
        }
    }

    /// Whether `event` is of the kind, on or after the date, and about the measure asked for.
    pub fn passes(&self, event: &Event) -> bool {
        self.filter
            .kind
            .as_deref()
            .is_none_or(|kind| event.body.kind().eq_ignore_ascii_case(kind))
            && self
                .filter
                .since
                .is_none_or(|since| event.meeting.date.is_some_and(|date| date >= since))
            && self.measure.as_deref().is_none_or(|id| {
                event
                    .body
                    .measure_id()
                    .is_some_and(|recorded| self.identities.canonical(recorded) == id)
            })
    }
}

/// The kinds `--kind` accepts: every kind on the wire.
pub const EVENT_KINDS: &[&str] = crate::ledger::wire::KINDS;
