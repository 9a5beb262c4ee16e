//! Identity of measures across documents: when a text the ledger has not seen is another
//! version of a measure it knows, and what a measure is called.
//!
//! Matching is like git's rename detection: the same plan, a compatible section (equal, or
//! unknown on one side because a slide quotes without one), and a character-level similarity of
//! the comparison keys at or above [`SIMILARITY_THRESHOLD`]. A text stated word for word in
//! another section is the same measure moved, when it is the only measure of its plan with
//! that text. The threshold is set from the
//! seeds: the 3rd plan's draft and adopted wordings of one measure score 0.945 and 0.968, while
//! three distinct 4th-plan measures that share a sentence frame (手術療法/放射線療法/薬物療法 in
//! 2.(1).③) score up to 0.906 — below the threshold even before their different sections keep
//! them apart.
//!
//! Invariants: a new text is compared with every version of every known measure, and when it
//! matches several measures the event says so (`also_matched`), so a measure is the connected
//! closure of matches — the same whatever order documents arrive in. Events record a measure
//! under a *handle* (the first id the ledger gave it); projections show its *canonical id*: the
//! content id ([`measure_id`]) of its earliest version in valid time. Every id a measure was
//! ever recorded or shown under stays an alias of it: an id never comes to mean another measure.

use std::collections::{BTreeMap, BTreeSet};

use crate::extract::SectionPath;
use crate::ledger::index::{IdentityIndex, StatementKey, StatementPlace, VersionOrder};
use crate::ledger::{Event, EventBody};
use crate::source::normalize::comparison_key;

/// Similarity (0–1, `similar`'s character ratio over comparison keys) at or above which two
/// texts of one plan and section are versions of one measure.
pub const SIMILARITY_THRESHOLD: f32 = 0.93;

/// Structure (git's rename detection weighs content *and* path): two measures of one plan in the
/// same section whose texts score at least this are one measure revised when they also share
/// [`SHARED_ACTIONS_MIN`] of their actions or stand at the same position among the section's
/// measures. A 29-character clause deleted from a 183-character measure scores 0.914; distinct
/// measures of one section in seed 000 score at most 0.487 against each other (and share up to
/// half their actions — so neither cue alone decides).
pub const STRUCTURAL_TEXT_FLOOR: f32 = 0.70;

/// The share of actions (by comparison key, of the larger set) two measures must have in common
/// for [`STRUCTURAL_TEXT_FLOOR`] to make them one.
pub const SHARED_ACTIONS_MIN: f32 = 0.5;

/// A split or a merge: the shorter text has at least this share of its characters inside the
/// longer one (of the same plan and section) ...
pub const PART_CONTAINMENT_MIN: f32 = 0.9;

/// ... and is at most this share of the longer one's length (a measure barely shorter is a
/// revision, not a part). Seed 000's distinct measures of one section never qualify.
pub const PART_LENGTH_MAX: f32 = 0.75;

/// A part shorter than this (comparison-key characters) is not looked for: a short phrase is
/// inside many measures.
pub const PART_MIN_CHARS: usize = 20;

/// A measure as structure sees it: where it stands, what it says, what is reported under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    /// The handle it was recorded under (empty for a statement not yet recorded).
    pub handle: String,
    pub plan_key: String,
    pub section: Vec<String>,
    /// Its place among the measures of its section in its document (0-based).
    pub position: usize,
    pub text: String,
    pub key: String,
    /// Its actions' comparison keys.
    pub actions: BTreeSet<String>,
}

impl Shape {
    pub fn new(
        handle: &str,
        plan: Option<&str>,
        section: &SectionPath,
        text: &str,
        actions: impl IntoIterator<Item = String>,
    ) -> Shape {
        Shape {
            handle: handle.to_owned(),
            plan_key: comparison_key(plan.unwrap_or("")),
            section: section.path.clone(),
            position: 0,
            text: text.to_owned(),
            key: comparison_key(text),
            actions: actions.into_iter().map(|a| comparison_key(&a)).collect(),
        }
    }

    /// Numbers each shape's position among those of its section, in the order given (one
    /// document's measures, in its order).
    pub fn number_positions(shapes: &mut [Shape]) {
        let mut seen: BTreeMap<Vec<String>, usize> = BTreeMap::new();
        for shape in shapes {
            let next = seen.entry(shape.section.clone()).or_insert(0);
            shape.position = *next;
            *next += 1;
        }
    }
}

/// What structure says of two measures, each cue symmetric — so the answer does not depend on
/// which of the two the ledger held first.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cues {
    /// One plan and one section path, not empty (a slide's quote has no section to weigh).
    pub same_section: bool,
    pub same_position: bool,
    /// Character similarity of the comparison keys (0–1).
    pub text: f32,
    /// Actions in common over the larger set of actions (0 when neither has any).
    pub shared_actions: f32,
    /// The shorter text's characters found in the longer, over the shorter's length.
    pub containment: f32,
    /// The shorter text's length over the longer's.
    pub length_ratio: f32,
    pub shorter_chars: usize,
}

impl Cues {
    pub fn of(a: &Shape, b: &Shape) -> Cues {
        let same_section =
            a.plan_key == b.plan_key && !a.section.is_empty() && a.section == b.section;
        let (a_chars, b_chars) = (a.key.chars().count(), b.key.chars().count());
        // Two keys the same have a ratio of exactly 1 (2·n/2n, exact in f32), the diff spared:
        // structure weighs a measure against its own previous version, most often unchanged.
        let text = if a.key == b.key {
            1.0
        } else {
            similar::TextDiff::from_chars(a.key.as_str(), b.key.as_str()).ratio()
        };
        // The ratio is 2·M/(a+b): the characters matched, M, recovered from it.
        let matched = text * (a_chars + b_chars) as f32 / 2.0;
        let (shorter, longer) = (a_chars.min(b_chars), a_chars.max(b_chars));
        let larger_set = a.actions.len().max(b.actions.len());
        Cues {
            same_section,
            same_position: same_section && a.position == b.position,
            text,
            shared_actions: if larger_set == 0 {
                0.0
            } else {
                a.actions.intersection(&b.actions).count() as f32 / larger_set as f32
            },
            containment: if shorter == 0 {
                0.0
            } else {
                matched / shorter as f32
            },
            length_ratio: if longer == 0 {
                1.0
            } else {
                shorter as f32 / longer as f32
            },
            shorter_chars: shorter,
        }
    }
}

/// The cheap cues first: structure only relates measures of one plan and section, so the
/// character diff is spared for every other pair.
fn could_be_related(a: &Shape, b: &Shape) -> bool {
    a.plan_key == b.plan_key && !a.section.is_empty() && a.section == b.section
}

/// Whether one text is a part of the other: a split (one measure became several) or a merge,
/// read in valid time by whoever shows it.
pub fn is_part(cues: &Cues) -> bool {
    cues.same_section
        && cues.shorter_chars >= PART_MIN_CHARS
        && cues.length_ratio <= PART_LENGTH_MAX
        && cues.containment >= PART_CONTAINMENT_MIN
}

/// Whether structure makes two measures that text alone keeps apart one measure revised: a
/// clause inserted or deleted. Never a part (see [`is_part`]); never an unrelated text put in
/// the same slot.
pub fn is_structural_revision(cues: &Cues) -> bool {
    cues.same_section
        && !is_part(cues)
        && cues.text >= STRUCTURAL_TEXT_FLOOR
        && (cues.shared_actions >= SHARED_ACTIONS_MIN || cues.same_position)
}

/// The shapes of the measures `events` state (one document's events, in its order), each
/// with the actions reported under it.
pub fn shapes_of_events(events: &[Event]) -> Vec<Shape> {
    let mut shapes: Vec<Shape> = Vec::new();
    for event in events {
        match &event.body {
            EventBody::MeasureAdded {
                measure_id,
                plan,
                section,
                text,
                ..
            }
            | EventBody::MeasureRevised {
                measure_id,
                plan,
                section,
                text,
                ..
            }
            | EventBody::MeasureCited {
                measure_id,
                plan,
                section,
                text,
                ..
            } => shapes.push(Shape::new(measure_id, plan.as_deref(), section, text, [])),
            EventBody::ActionReported {
                measure_id, text, ..
            } => {
                if let Some(last) = shapes.last_mut().filter(|s| s.handle == *measure_id) {
                    last.actions.insert(comparison_key(text));
                }
            }
            _ => {}
        }
    }
    Shape::number_positions(&mut shapes);
    shapes
}

/// `M` + 12 hex digits of BLAKE3 over the plan's and the text's comparison keys: a measure
/// text's content id. The section is left out on purpose: slides quote a measure without its
/// section path, and the quote must find the measure the 取組一覧 states (「第4期」 and 「第４期」
/// are one plan).
pub fn measure_id(plan: Option<&str>, text: &str) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(comparison_key(plan.unwrap_or("")).as_bytes());
    hasher.update(&[0]);
    hasher.update(comparison_key(text).as_bytes());
    format!("M{}", &hasher.finalize().to_hex()[..12])
}

pub fn similarity(a: &str, b: &str) -> f32 {
    let (a, b) = (comparison_key(a), comparison_key(b));
    similar::TextDiff::from_chars(a.as_str(), b.as_str()).ratio()
}

/// An upper bound on [`similarity`] of one text against many, cheap enough to run before the
/// character diff. The diff's ratio is 2·M/(a+b), with M the characters it matches; M is at
/// most the shorter length and at most the size of the two texts' character multisets'
/// intersection, so each of those gives a bound that is never below the real ratio.
struct SimilarityBound {
    chars: usize,
    /// For each character of the text: how often it occurs, how many of those a candidate has
    /// used, and for which candidate that count is (so nothing is cleared between candidates).
    counts: std::collections::HashMap<char, (u32, u32, u32)>,
    candidate: u32,
}

impl SimilarityBound {
    fn new(key: &str) -> SimilarityBound {
        let mut counts = std::collections::HashMap::new();
        let mut chars = 0;
        for c in key.chars() {
            counts.entry(c).or_insert((0, 0, 0)).0 += 1;
            chars += 1;
        }
        SimilarityBound {
            chars,
            counts,
            candidate: 0,
        }
    }

    fn at_most(&mut self, other: &str, other_chars: usize) -> f32 {
        let total = self.chars + other_chars;
        if total == 0 {
            return 1.0;
        }
        let ratio = |matched: usize| 2.0 * matched as f32 / total as f32;
        if ratio(self.chars.min(other_chars)) < SIMILARITY_THRESHOLD {
            return ratio(self.chars.min(other_chars));
        }
        self.candidate += 1;
        let mut shared = 0;
        for c in other.chars() {
            if let Some((occurs, used, candidate)) = self.counts.get_mut(&c) {
                if *candidate != self.candidate {
                    (*used, *candidate) = (0, self.candidate);
                }
                if *used < *occurs {
                    *used += 1;
                    shared += 1;
                }
            }
        }
        ratio(shared)
    }
}

fn sections_compatible(a: &SectionPath, b: &SectionPath) -> bool {
    a.path.is_empty() || b.path.is_empty() || a.path == b.path
}

/// One statement of a measure in the ledger.
#[derive(Debug, Clone)]
pub struct MeasureVersion {
    /// The handle the statement was recorded under.
    pub recorded_id: String,
    pub plan: Option<String>,
    pub section: SectionPath,
    pub text: String,
    key: String,
    /// Characters in `key`, for the length bound on similarity.
    key_chars: usize,
    plan_key: String,
    order: VersionOrder,
}

/// What a statement is, compared with the measures the ledger knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    /// The same text (after normalization) as a version of this measure.
    Same {
        handle: String,
    },
    /// Another version of this measure; `matched_text` is the most similar known version, and
    /// `also` the handles of other measures the text is as much a version of.
    Revision {
        handle: String,
        matched_text: String,
        also: Vec<String>,
    },
    New,
}

/// The measures the ledger knows, grouped into identities.
#[derive(Debug, Clone, Default)]
pub struct Identities {
    versions: Vec<MeasureVersion>,
    /// Recorded handle → the handle of its measure (the first one the ledger recorded).
    handle_of: BTreeMap<String, String>,
    /// Measure handle → canonical id.
    canonical_of: BTreeMap<String, String>,
    /// Every id a measure is known by (handles, canonical id, content ids of its versions) →
    /// canonical id.
    aliases: BTreeMap<String, String>,
    /// Canonical id → plan, from its earliest version.
    plan_of: BTreeMap<String, Option<String>>,
    /// Canonical id → the measures it was split from, split into, merged from or into (a
    /// symmetric relation; valid time says which way).
    lineage: BTreeMap<String, BTreeSet<String>>,
}

impl Identities {
    /// Groups the measure statements of `events` (any subset of a ledger, in chain order).
    pub fn from_events(events: &[Event]) -> Identities {
        Identities::from_index(&IdentityIndex::from_events(events))
    }

    /// Groups the statements of an identity index.
    pub fn from_index(index: &IdentityIndex) -> Identities {
        let mut parent: BTreeMap<String, String> = index
            .handles
            .keys()
            .map(|handle| (handle.clone(), handle.clone()))
            .collect();
        // Every statement's id is a handle of its own unless the index joins it to another: a
        // damaged index whose statements name an id it lists no handle for still reads (and
        // `verify` names the damage) instead of failing here.
        for statement in index.statements.keys() {
            parent
                .entry(statement.recorded_id.clone())
                .or_insert_with(|| statement.recorded_id.clone());
        }
        for (a, b) in &index.edges {
            union(&mut parent, &index.handles, a, b);
        }
        let mut statements: Vec<(&StatementKey, &StatementPlace)> =
            index.statements.iter().collect();
        statements.sort_by_key(|(_, place)| place.first_seq);
        let versions: Vec<MeasureVersion> = statements
            .into_iter()
            .map(|(statement, place)| {
                let key = comparison_key(&statement.text);
                MeasureVersion {
                    recorded_id: statement.recorded_id.clone(),
                    plan: statement.plan.clone(),
                    section: statement.section.clone(),
                    text: statement.text.clone(),
                    key_chars: key.chars().count(),
                    key,
                    plan_key: comparison_key(statement.plan.as_deref().unwrap_or("")),
                    order: place.order.clone(),
                }
            })
            .collect();
        let handles: Vec<String> = parent.keys().cloned().collect();
        let handle_of: BTreeMap<String, String> = handles
            .iter()
            .map(|id| (id.clone(), find(&parent, id)))
            .collect();

        // Canonical id: the content id of the measure's earliest version in valid time (keeping
        // a `-N` copy number the version was recorded with).
        let mut earliest: BTreeMap<&str, &MeasureVersion> = BTreeMap::new();
        for version in &versions {
            let Some(handle) = handle_of.get(&version.recorded_id) else {
                continue;
            };
            let entry = earliest.entry(handle.as_str()).or_insert(version);
            if (&version.order, &version.key) < (&entry.order, &entry.key) {
                *entry = version;
            }
        }
        let mut canonical_of = BTreeMap::new();
        let mut plan_of = BTreeMap::new();
        let mut taken = BTreeSet::new();
        let mut by_earliest: Vec<(&str, &MeasureVersion)> = earliest.into_iter().collect();
        by_earliest.sort_by(|a, b| (&a.1.order, &a.1.key).cmp(&(&b.1.order, &b.1.key)));
        for (handle, version) in by_earliest {
            let content = measure_id(version.plan.as_deref(), &version.text);
            let mut canonical = match version.recorded_id.strip_prefix(content.as_str()) {
                Some(copy) if copy.starts_with('-') => version.recorded_id.clone(),
                _ => content,
            };
            // Two measures whose earliest versions share a text (copies in one document): the
            // later one keeps its handle.
            if !taken.insert(canonical.clone()) {
                canonical = handle.to_owned();
                taken.insert(canonical.clone());
            }
            plan_of.insert(canonical.clone(), version.plan.clone());
            canonical_of.insert(handle.to_owned(), canonical);
        }
        let mut aliases: BTreeMap<String, String> = BTreeMap::new();
        for canonical in canonical_of.values() {
            aliases.insert(canonical.clone(), canonical.clone());
        }
        for (recorded, handle) in &handle_of {
            if let Some(canonical) = canonical_of.get(handle) {
                aliases
                    .entry(recorded.clone())
                    .or_insert_with(|| canonical.clone());
            }
        }
        for version in &versions {
            let Some(canonical) = handle_of
                .get(&version.recorded_id)
                .and_then(|handle| canonical_of.get(handle))
            else {
                continue;
            };
            aliases
                .entry(measure_id(version.plan.as_deref(), &version.text))
                .or_insert_with(|| canonical.clone());
        }
        let mut lineage: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (a, b) in &index.lineage {
            let canonical = |handle: &str| {
                handle_of
                    .get(handle)
                    .and_then(|root| canonical_of.get(root))
                    .cloned()
            };
            if let (Some(a), Some(b)) = (canonical(a), canonical(b)) {
                if a != b {
                    lineage.entry(a.clone()).or_default().insert(b.clone());
                    lineage.entry(b).or_default().insert(a);
                }
            }
        }
        Identities {
            versions,
            handle_of,
            canonical_of,
            aliases,
            plan_of,
            lineage,
        }
    }

    /// The handle a recorded id belongs to now (the measure's first handle).
    pub fn handle<'a>(&'a self, recorded_id: &'a str) -> &'a str {
        self.handle_of
            .get(recorded_id)
            .map_or(recorded_id, String::as_str)
    }

    /// The measures a measure (by canonical id) was split from or into, merged from or into.
    pub fn lineage(&self, canonical: &str) -> impl Iterator<Item = &str> {
        self.lineage
            .get(canonical)
            .into_iter()
            .flatten()
            .map(String::as_str)
    }

    /// The measure of a neighbouring version that structure makes `shape` a revision of (see
    /// [`is_structural_revision`]): the most similar, ties broken by canonical id. Measures whose
    /// handles are `taken` are not candidates.
    pub fn structural_revision<'s>(
        &self,
        neighbours: &'s [Shape],
        shape: &Shape,
        taken: impl Fn(&str) -> bool,
    ) -> Option<&'s Shape> {
        neighbours
            .iter()
            .filter(|other| could_be_related(shape, other))
            .filter(|other| !taken(self.handle(&other.handle)))
            .map(|other| (Cues::of(shape, other), other))
            .filter(|(cues, _)| is_structural_revision(cues))
            .max_by(|(a, x), (b, y)| {
                a.text.total_cmp(&b.text).then_with(|| {
                    self.rank(self.handle(&y.handle))
                        .cmp(self.rank(self.handle(&x.handle)))
                })
            })
            .map(|(_, other)| other)
    }

    /// The handles of the measures of neighbouring versions `shape` is a part of, or that are
    /// parts of it (see [`is_part`]), in their order.
    pub fn parts(&self, neighbours: &[Shape], shape: &Shape) -> Vec<String> {
        let mut handles: Vec<String> = Vec::new();
        for other in neighbours
            .iter()
            .filter(|other| could_be_related(shape, other))
        {
            let handle = self.handle(&other.handle).to_owned();
            if is_part(&Cues::of(shape, other)) && !handles.contains(&handle) {
                handles.push(handle);
            }
        }
        handles
    }

    /// The canonical id of the measure an event's `measure_id` names.
    pub fn canonical<'a>(&'a self, recorded_id: &'a str) -> &'a str {
        self.handle_of
            .get(recorded_id)
            .and_then(|handle| self.canonical_of.get(handle))
            .map_or(recorded_id, String::as_str)
    }

    /// The canonical id of the measure any of its ids (handle, canonical id, a version's content
    /// id) names; `None` for an id the ledger does not know.
    pub fn resolve(&self, id: &str) -> Option<&str> {
        self.aliases.get(id).map(String::as_str)
    }

    /// Whether some measure is known by this id.
    pub fn is_alias(&self, id: &str) -> bool {
        self.aliases.contains_key(id)
    }

    /// The plan of a measure, by canonical id.
    pub fn plan(&self, canonical: &str) -> Option<&str> {
        self.plan_of.get(canonical).and_then(|plan| plan.as_deref())
    }

    /// The handles events recorded the measure named by `canonical` under.
    pub fn recorded_ids_of(&self, canonical: &str) -> Vec<&str> {
        self.handle_of
            .iter()
            .filter(|(_, handle)| {
                self.canonical_of.get(*handle).map(String::as_str) == Some(canonical)
            })
            .map(|(recorded, _)| recorded.as_str())
            .collect()
    }

    /// Every id the measure named by `canonical` is known by, itself included.
    pub fn aliases_of(&self, canonical: &str) -> Vec<&str> {
        self.aliases
            .iter()
            .filter(|(_, target)| *target == canonical)
            .map(|(alias, _)| alias.as_str())
            .collect()
    }

    /// A measure stated word for word in another section of its plan (移動): the one measure of
    /// the plan with this text, when exactly one has it — a text two measures share stays apart
    /// (the same words twice in one 取組一覧 are two measures).
    fn moved(&self, plan_key: &str, key: &str, taken: &[String]) -> Option<String> {
        let mut handles = self
            .versions
            .iter()
            .filter(|version| version.plan_key == plan_key && version.key == key)
            .filter_map(|version| self.handle_of.get(&version.recorded_id))
            .map(String::as_str)
            .collect::<BTreeSet<&str>>()
            .into_iter();
        match (handles.next(), handles.next()) {
            (Some(only), None) if !taken.iter().any(|t| t == only) => Some(only.to_owned()),
            _ => None,
        }
    }

    /// Which known measure a statement is a version of. Measures whose handles are in `taken`
    /// (already stated by the same document) are not candidates: one document's statements are
    /// distinct measures.
    pub fn find(
        &self,
        plan: Option<&str>,
        section: &SectionPath,
        text: &str,
        taken: &[String],
    ) -> Match {
        self.find_keyed(
            &comparison_key(plan.unwrap_or("")),
            &comparison_key(text),
            section,
            taken,
        )
    }

    /// [`Identities::find`] of a statement already keyed: `plan_key` and `key` are the
    /// comparison keys of its plan and its text (a [`Shape`] holds both).
    pub fn find_keyed(
        &self,
        plan_key: &str,
        key: &str,
        section: &SectionPath,
        taken: &[String],
    ) -> Match {
        let candidates: Vec<(&str, &MeasureVersion)> = self
            .versions
            .iter()
            .filter(|version| version.plan_key == plan_key)
            .filter(|version| sections_compatible(&version.section, section))
            .filter_map(|version| {
                Some((self.handle_of.get(&version.recorded_id)?.as_str(), version))
            })
            .filter(|(handle, _)| !taken.iter().any(|t| t == handle))
            .collect();
        // The same text: prefer the measure stated in the same section, then the first known.
        if let Some((handle, _)) = candidates
            .iter()
            .filter(|(_, version)| version.key == key)
            .min_by_key(|(handle, version)| (version.section != *section, self.rank(handle)))
        {
            return Match::Same {
                handle: (*handle).to_owned(),
            };
        }
        if let Some(handle) = self.moved(plan_key, key, taken) {
            return Match::Same { handle };
        }
        // Each measure's best score over its versions. A version stated again (the same
        // measure, the same key) scores the same, and one whose bound is below the threshold
        // cannot reach it: neither is diffed.
        let mut bound = SimilarityBound::new(key);
        let mut scored: std::collections::HashSet<(&str, &str)> = std::collections::HashSet::new();
        let mut best: BTreeMap<&str, (f32, &MeasureVersion)> = BTreeMap::new();
        for (handle, version) in &candidates {
            if !scored.insert((handle, version.key.as_str()))
                || bound.at_most(&version.key, version.key_chars) < SIMILARITY_THRESHOLD
            {
                continue;
            }
            let score = similar::TextDiff::from_chars(version.key.as_str(), key).ratio();
            if score < SIMILARITY_THRESHOLD {
                continue;
            }
            let entry = best.entry(handle).or_insert((score, version));
            if score > entry.0 {
                *entry = (score, version);
            }
        }
        let mut ranked: Vec<(&str, f32, &MeasureVersion)> = best
            .into_iter()
            .map(|(handle, (score, version))| (handle, score, version))
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(self.rank(a.0).cmp(self.rank(b.0))));
        let mut ranked = ranked.into_iter();
        match ranked.next() {
            None => Match::New,
            Some((handle, _, version)) => Match::Revision {
                handle: handle.to_owned(),
                matched_text: version.text.clone(),
                also: ranked.map(|(handle, _, _)| handle.to_owned()).collect(),
            },
        }
    }

    /// Tie-break between measures that does not depend on ingestion order: the canonical id.
    fn rank<'a>(&'a self, handle: &'a str) -> &'a str {
        self.canonical_of.get(handle).map_or(handle, String::as_str)
    }
}

fn find(parent: &BTreeMap<String, String>, id: &str) -> String {
    let mut current = id;
    while let Some(next) = parent.get(current) {
        if next == current {
            break;
        }
        current = next;
    }
    current.to_owned()
}

/// Joins two measures; the one the ledger recorded first stays the handle.
fn union(
    parent: &mut BTreeMap<String, String>,
    first_seen: &BTreeMap<String, (u64, u32)>,
    a: &str,
    b: &str,
) {
    let (root_a, root_b) = (find(parent, a), find(parent, b));
    if root_a == root_b {
        return;
    }
    // (An edge naming a handle the index does not list — a damaged index — sorts first
    // rather than failing.)
    let (keep, join) = if first_seen.get(&root_a) <= first_seen.get(&root_b) {
        (root_a, root_b)
    } else {
        (root_b, root_a)
    };
    parent.insert(join, keep);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::LineRange;
    use crate::ledger::event::Source;
    use crate::source::meeting::Meeting;

    const PLAN3: &str = "第３期がん対策推進基本計画";

    #[test]
    fn the_similarity_bound_is_never_below_the_similarity() {
        let texts = [
            "",
            "国は、がん検診の受診率向上に取り組む。",
            "国は、がん検診の受診率の向上に一層取り組む。",
            "都道府県は、がん検診の精度管理に取り組む。",
            "。むく組り取に上向の率診受の診検んが、は国",
            "aaaa",
            "aaab",
            "がんゲノム医療中核拠点病院等の整備を進める。",
            "がん",
        ];
        for a in texts {
            let mut bound = SimilarityBound::new(&comparison_key(a));
            for b in texts {
                let key = comparison_key(b);
                let at_most = bound.at_most(&key, key.chars().count());
                let real = similarity(a, b);
                assert!(at_most >= real, "{a:?} vs {b:?}: bound {at_most} < {real}");
            }
        }
        // It is tight enough to spare the diff: a reversed text has every character in
        // common (the bag bound is 1) but a short text against a long one is cut by length.
        let mut bound = SimilarityBound::new("がん");
        assert!(bound.at_most("がんゲノム医療中核拠点病院等", 14) < SIMILARITY_THRESHOLD);
    }

    fn section(path: &[&str]) -> SectionPath {
        SectionPath {
            path: path.iter().map(|p| p.to_string()).collect(),
            titles: vec![],
        }
    }

    /// A statement event of `document`, at a meeting on `date` (or undated).
    fn statement(seq: u64, document: &str, date: Option<(i32, u8)>, body: EventBody) -> Event {
        Event {
            v: 1,
            seq,
            prev: String::new(),
            meeting: Meeting {
                body: None,
                ordinal: None,
                date: date.map(|(year, month)| {
                    time::Date::from_calendar_date(year, month.try_into().unwrap(), 1).unwrap()
                }),
            },
            source: Source {
                document: document.into(),
                lines: Some(LineRange { first: 1, last: 1 }),
            },
            body,
            hash: String::new(),
        }
    }

    fn added(id: &str, text: &str, path: &[&str]) -> EventBody {
        EventBody::MeasureAdded {
            measure_id: id.into(),
            plan: Some(PLAN3.into()),
            section: section(path),
            text: text.into(),
            lineage: vec![],
        }
    }

    fn revised(id: &str, text: &str, also: &[&str]) -> EventBody {
        EventBody::MeasureRevised {
            measure_id: id.into(),
            plan: Some(PLAN3.into()),
            section: SectionPath::default(),
            text: text.into(),
            matched_text_hash: String::new(),
            also_matched: also.iter().map(|a| a.to_string()).collect(),
        }
    }

    const DRAFT: &str = "国は、希少がんに関する情報の集約・発信、全国のがん相談支援センターとの連携、病理コンサルテーション等を通じた正確・迅速な病理診断を提供する体制を整備する。臨床的エビデンスの創出、診療ガイドラインの整備と普及、医療従事者の育成、基礎研究の支援、効率の良い臨床試験の実施等について、中核的な役割を担う医療機関を整備する。";
    const ADOPTED: &str = "国は、希少がんに関する情報を集約・発信する体制、全国のがん相談支援センターとの連携体制及び病理コンサルテーションシステム等を通じた正確・迅速な病理診断を提供する体制を整備する。また、臨床的エビデンスの創出、診療ガイドラインの整備と普及、医療従事者の育成、基礎研究の支援、効率の良い臨床試験の実施等について、中核的な役割を担う医療機関を整備する。";

    #[test]
    fn a_reworded_version_is_above_the_threshold() {
        let score = similarity(DRAFT, ADOPTED);
        assert!(score >= SIMILARITY_THRESHOLD, "{score}");
        let draft_id = measure_id(Some(PLAN3), DRAFT);
        let known =
            Identities::from_events(&[statement(0, "a", None, added(&draft_id, DRAFT, &[]))]);
        let found = known.find(
            Some("第3期がん対策推進基本計画"),
            &SectionPath::default(),
            ADOPTED,
            &[],
        );
        assert!(
            matches!(&found, Match::Revision { handle, matched_text, also } if *handle == draft_id && matched_text == DRAFT && also.is_empty()),
            "{found:?}"
        );
        // The same text is the same measure; another plan never matches; a measure this
        // document already states is not a candidate.
        assert_eq!(
            known.find(Some(PLAN3), &SectionPath::default(), DRAFT, &[]),
            Match::Same {
                handle: draft_id.clone()
            }
        );
        assert_eq!(
            known.find(
                Some("第4期がん対策推進基本計画"),
                &SectionPath::default(),
                ADOPTED,
                &[]
            ),
            Match::New
        );
        assert_eq!(
            known.find(Some(PLAN3), &SectionPath::default(), ADOPTED, &[draft_id]),
            Match::New
        );
    }

    #[test]
    fn distinct_measures_with_a_shared_frame_are_below_it_and_a_unique_text_moves() {
        let surgery = "国及び都道府県は、患者が、病態や生活背景等、それぞれの状況に応じた適切かつ安全な手術療法を受けられるよう、標準的治療の提供に加えて、科学的根拠に基づく、ロボット支援手術を含む鏡視下手術等の高度な手術療法の提供についても、医療機関間の役割分担の明確化及び連携体制の整備等の取組を進める。";
        let radiation = "国及び都道府県は、患者が、病態や生活背景等、それぞれの状況に応じた適切な放射線療法を受けられるよう、標準的治療の提供に加えて、科学的根拠に基づく高度な放射線療法の提供についても、医療機関間の役割分担の明確化及び連携体制の整備等の取組を進める。";
        let score = similarity(surgery, radiation);
        assert!(score < SIMILARITY_THRESHOLD, "{score}");
        let known = Identities::from_events(&[statement(
            0,
            "a",
            None,
            added("M1", surgery, &["2", "(1)", "③", "(ア)"]),
        )]);
        assert_eq!(
            known.find(Some(PLAN3), &section(&["2", "(1)", "③"]), radiation, &[]),
            Match::New
        );
        // The same text in another section is the measure moved (移動), when it is the only
        // measure of its plan with that text ...
        let elsewhere = section(&["2", "(1)", "③", "(イ)"]);
        assert_eq!(
            known.find(Some(PLAN3), &elsewhere, surgery, &[]),
            Match::Same {
                handle: "M1".into()
            }
        );
        // ... not when the document already stated it (it is taken) ...
        assert_eq!(
            known.find(Some(PLAN3), &elsewhere, surgery, &["M1".into()]),
            Match::New
        );
        // ... nor when two measures of the plan share the text: which one moved is unknown.
        let twice = Identities::from_events(&[
            statement(
                0,
                "a",
                None,
                added("M1", surgery, &["2", "(1)", "③", "(ア)"]),
            ),
            statement(
                1,
                "a",
                None,
                added("M1-2", surgery, &["2", "(1)", "③", "(ウ)"]),
            ),
        ]);
        assert_eq!(
            twice.find(Some(PLAN3), &elsewhere, surgery, &[]),
            Match::New
        );
    }

    #[test]
    fn the_canonical_id_is_the_earliest_versions_whatever_came_first() {
        let draft_id = measure_id(Some(PLAN3), DRAFT);
        let adopted_id = measure_id(Some(PLAN3), ADOPTED);
        // The draft (2021) ingested first, then the adopted text (undated document) ...
        let draft_first = Identities::from_events(&[
            statement(0, "draft", Some((2021, 3)), added(&draft_id, DRAFT, &[])),
            statement(1, "adopted", None, revised(&draft_id, ADOPTED, &[])),
        ]);
        // ... or the other way round: the adopted text's id is the handle.
        let adopted_first = Identities::from_events(&[
            statement(0, "adopted", None, added(&adopted_id, ADOPTED, &[])),
            statement(
                1,
                "draft",
                Some((2021, 3)),
                revised(&adopted_id, DRAFT, &[]),
            ),
        ]);
        for known in [&draft_first, &adopted_first] {
            assert_eq!(known.canonical(&draft_id), draft_id);
            assert_eq!(known.resolve(&adopted_id), Some(draft_id.as_str()));
            assert_eq!(known.plan(&draft_id), Some(PLAN3));
        }
        assert_eq!(adopted_first.canonical(&adopted_id), draft_id);
        let mut aliases = adopted_first.aliases_of(&draft_id);
        aliases.sort();
        let mut expected = vec![draft_id.as_str(), adopted_id.as_str()];
        expected.sort();
        assert_eq!(aliases, expected);
    }

    #[test]
    fn a_text_matching_two_measures_joins_them() {
        let events = [
            statement(0, "a", Some((2021, 3)), added("MX", DRAFT, &[])),
            statement(
                1,
                "b",
                Some((2022, 3)),
                added("MY", "国は、別の施策を進める。", &[]),
            ),
            statement(2, "c", Some((2023, 3)), revised("MX", ADOPTED, &["MY"])),
        ];
        let known = Identities::from_events(&events);
        assert_eq!(known.canonical("MY"), known.canonical("MX"));
        // Before the joining event, they are two measures.
        let before = Identities::from_events(&events[..2]);
        assert_ne!(before.canonical("MY"), before.canonical("MX"));
    }

    const MEASURE_20: &str = "国及び都道府県は、がん医療が高度化する中で、引き続き質の高いがん医療を提供するため、地域の実情に応じ、均てん化を推進するとともに、持続可能ながん医療の提供に向け、拠点病院等の役割分担を踏まえた集約化を推進する。その際、国は、都道府県がん診療連携協議会等に対し、好事例の共有や他の地域や医療機関との比較が可能となるような検討に必要なデータの提供などの技術的支援を行う。";
    const MEASURE_55: &str = "国は、拠点病院等を中心に、患者に対するがんの告知や、インフォームド・コンセントの取得、セカンドオピニオンの提示などが適切に実施されるような体制整備を引き続き推進する。また、質の高い病理診断や細胞診断を提供するための体制の整備を引き続き推進する。";

    fn shape(path: &[&str], position: usize, text: &str, actions: &[&str]) -> Shape {
        let mut shape = Shape::new(
            "",
            Some("第４期がん対策推進基本計画"),
            &section(path),
            text,
            actions.iter().map(|a| a.to_string()),
        );
        shape.position = position;
        shape
    }

    /// The structure rules, both sides of each: (case, a, b, revision?, part?).
    #[test]
    fn structure_decides_revisions_and_parts_from_its_cues() {
        let here = ["2", "(1)", "①"];
        let there = ["2", "(1)", "②"];
        let actions = [
            "指針を改定した。",
            "研修を実施した。",
            "調査を行う。",
            "評価を行う。",
        ];
        let deleted = MEASURE_20.replacen(
            "好事例の共有や他の地域や医療機関との比較が可能となるような",
            "",
            1,
        );
        let inserted = MEASURE_20.replacen(
            "技術的支援を行う。",
            "技術的支援を行うとともに、その結果を定期的に公表し、地域間の格差の是正に努める。",
            1,
        );
        let moved = MEASURE_20.replacen("地域の実情に応じ、", "", 1).replacen(
            "持続可能な",
            "地域の実情に応じ、持続可能な",
            1,
        );
        let first_half = "国は、拠点病院等を中心に、患者に対するがんの告知や、インフォームド・コンセントの取得、セカンドオピニオンの提示などが適切に実施されるような体制整備を引き続き推進する。";
        let second_half =
            "国は、質の高い病理診断や細胞診断を提供するための体制の整備を引き続き推進する。";
        let unrelated = "国は、がん医療提供体制の持続可能性を高めるため、医療従事者の働き方に配慮した体制整備を推進する。";
        let cases: Vec<(&str, Shape, Shape, bool, bool)> = vec![
            (
                "clause deleted, same actions",
                shape(&here, 0, MEASURE_20, &actions),
                shape(&here, 0, &deleted, &actions),
                true,
                false,
            ),
            (
                "clause deleted, moved down a slot, same actions",
                shape(&here, 0, MEASURE_20, &actions),
                shape(&here, 1, &deleted, &actions),
                true,
                false,
            ),
            (
                "clause deleted, same slot, actions all new",
                shape(&here, 0, MEASURE_20, &actions),
                shape(&here, 0, &deleted, &["別の取組。"]),
                true,
                false,
            ),
            (
                "clause deleted, another slot, actions all new",
                shape(&here, 0, MEASURE_20, &actions),
                shape(&here, 2, &deleted, &["別の取組。"]),
                false,
                false,
            ),
            (
                "clause deleted, another section",
                shape(&here, 0, MEASURE_20, &actions),
                shape(&there, 0, &deleted, &actions),
                false,
                false,
            ),
            (
                "clause inserted",
                shape(&here, 0, MEASURE_20, &actions),
                shape(&here, 0, &inserted, &actions),
                true,
                false,
            ),
            (
                "clause moved",
                shape(&here, 0, MEASURE_20, &actions),
                shape(&here, 0, &moved, &actions),
                true,
                false,
            ),
            (
                "unrelated text in the same slot, same actions",
                shape(&here, 0, MEASURE_20, &actions),
                shape(&here, 0, unrelated, &actions),
                false,
                false,
            ),
            (
                "a split's first half",
                shape(&here, 1, MEASURE_55, &actions),
                shape(&here, 1, first_half, &actions[..2]),
                false,
                true,
            ),
            (
                "a split's second half",
                shape(&here, 1, MEASURE_55, &actions),
                shape(&here, 2, second_half, &actions[2..]),
                false,
                true,
            ),
            (
                "a part in another section",
                shape(&here, 1, MEASURE_55, &actions),
                shape(&there, 0, second_half, &actions[2..]),
                false,
                false,
            ),
            (
                "a short phrase inside",
                shape(&here, 1, MEASURE_55, &actions),
                shape(&here, 2, "国は、体制の整備を引き続き推進する。", &[]),
                false,
                false,
            ),
            (
                "two distinct measures of one section",
                shape(&here, 0, MEASURE_20, &actions),
                shape(&here, 1, MEASURE_55, &actions[..2]),
                false,
                false,
            ),
        ];
        for (case, a, b, revision, part) in cases {
            for (x, y) in [(&a, &b), (&b, &a)] {
                let cues = Cues::of(x, y);
                assert_eq!(is_structural_revision(&cues), revision, "{case}: {cues:?}");
                assert_eq!(is_part(&cues), part, "{case}: {cues:?}");
            }
        }
    }
}
