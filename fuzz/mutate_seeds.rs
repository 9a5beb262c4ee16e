//! A mutation fuzzer over the seeds: every iteration mutates one seed's text the way other
//! extractors, layouts and hostile files would (lines dropped, repeated, swapped, joined; leads
//! of spaces, tabs, form feeds and BOMs; NFKC; tricky characters; truncation; long runs) and
//! checks two properties:
//!
//! * extraction never panics, in either format, nor do the date and figure readers, nor reading
//!   a line as a meeting reference or a date;
//! * ingest and verify agree: every statement extracted is at its lines by `verify`'s own
//!   check, and every so often the text is ingested into a real store and `verify --deep` must
//!   pass.
//!
//! Run: `cargo run --release --example mutate_seeds -- --minutes 30 [--seed N]`. Findings are
//! written to `target/fuzz-findings/` (the mutated text and what failed); the exit code is 1
//! when there is any.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use planledger::extract::{check_format, extract, DocumentVersion};
use planledger::ingest::{ingest, IngestRequest};
use planledger::ledger::verify::{quote_is_at, verify};
use planledger::ledger::Store;
use planledger::source::manifest::{DocumentDescription, DocumentFormat};
use planledger::source::meeting::Meeting;
use unicode_normalization::UnicodeNormalization;

/// xorshift64*: a small, seedable generator, so a run can be repeated exactly.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const LEADS: &[&str] = &[
    " ",
    "\u{3000}",
    "\t",
    "\u{000C}",
    "\u{FEFF}",
    "  ",
    "\u{3000}\u{3000}",
    "\r",
];
const CHARS: &[&str] = &[
    "○",
    "〇",
    "・",
    "【",
    "】",
    "①",
    "⑴",
    "（ア）",
    "。",
    "、",
    "｡",
    "｢",
    "｣",
    "ｶﾞ",
    " ",
    "\u{3000}",
    "\u{000C}",
    "\u{FEFF}",
    "\u{200B}",
    "\r",
    "\n",
    "\n\n",
    "令和2147483647年",
    "2147483647年以内",
    "2025年257月",
    "第92回がん対策推進協議会",
    "項目番号",
    "時点",
    "％",
    "か所",
    "～",
    "\u{0301}",
];

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    for _ in 0..1 + rng.below(4) {
        let count = lines.len().max(1);
        let at = rng.below(count);
        match rng.below(11) {
            0 => {
                let end = (at + 1 + rng.below(20)).min(lines.len());
                lines.drain(at.min(lines.len())..end);
            }
            1 => {
                if let Some(line) = lines.get(at).cloned() {
                    lines.insert(at, line);
                }
            }
            2 => {
                let other = rng.below(count);
                if at < lines.len() && other < lines.len() {
                    lines.swap(at, other);
                }
            }
            3 => {
                if at + 1 < lines.len() {
                    let next = lines.remove(at + 1);
                    lines[at].push_str(&next);
                }
            }
            4 => {
                if let Some(line) = lines.get_mut(at) {
                    *line = format!("{}{line}", LEADS[rng.below(LEADS.len())]);
                }
            }
            5 => {
                if let Some(line) = lines.get_mut(at) {
                    *line = line.nfkc().collect();
                }
            }
            6 => {
                if let Some(line) = lines.get_mut(at) {
                    let boundaries: Vec<usize> = line
                        .char_indices()
                        .map(|(i, _)| i)
                        .chain([line.len()])
                        .collect();
                    let cut = boundaries[rng.below(boundaries.len())];
                    line.insert_str(cut, CHARS[rng.below(CHARS.len())]);
                }
            }
            7 => {
                if let Some(line) = lines.get_mut(at) {
                    line.retain(|c| !c.is_whitespace());
                }
            }
            8 => lines.truncate(at.max(1)),
            9 => {
                let piece = CHARS[rng.below(CHARS.len())];
                lines.insert(at.min(lines.len()), piece.repeat(1 + rng.below(2000)));
            }
            _ => lines.retain(|line| !line.trim().is_empty() || rng.below(2) == 0),
        }
    }
    lines.join("\n")
}

/// Statements whose quote is not at their lines, by verify's check.
fn misplaced(text: &str, version: &DocumentVersion) -> Vec<String> {
    let lines: Vec<&str> = text.split('\n').collect();
    let span = |first: u32, last: u32| -> &[&str] {
        lines
            .get((first as usize).saturating_sub(1)..last as usize)
            .unwrap_or_default()
    };
    let mut found = Vec::new();
    for measure in &version.measures {
        if !quote_is_at(&measure.text, span(measure.lines.first, measure.lines.last)) {
            found.push(format!("measure at {:?}", measure.lines));
        }
        for action in &measure.actions {
            if !quote_is_at(&action.text, span(action.lines.first, action.lines.last)) {
                found.push(format!("action at {:?}", action.lines));
            }
        }
    }
    found
}

fn ingest_and_verify(work: &Path, text: &str, format: DocumentFormat) -> Option<String> {
    let dir = tempfile::tempdir_in(work).ok()?;
    let path = dir.path().join("document.txt");
    std::fs::write(&path, text).ok()?;
    let store = Store::open(&dir.path().join("ledger")).ok()?;
    let request = IngestRequest {
        path,
        description: DocumentDescription {
            file: "document.txt".into(),
            meeting: Meeting {
                body: Some("がん対策推進協議会".into()),
                ordinal: Some(93),
                date: Some(time::macros::date!(2026 - 01 - 15)),
            },
            title: None,
            label: None,
            format,
            series: None,
            facts: Vec::new(),
        },
    };
    if ingest(&store, &request, "2026-01-01T00:00:00Z").is_err() {
        return None; // refused: nothing to verify
    }
    match verify(&store, true) {
        Ok(report) if report.is_ok() => None,
        Ok(report) => Some(format!(
            "verify failed after ingest: {:?}",
            report.first_failure()
        )),
        Err(error) => Some(format!("verify could not run: {error}")),
    }
}

fn seeds() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("seeds/ is readable")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| std::fs::read_to_string(path).expect("a seed reads"))
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse::<u64>().ok())
    };
    let minutes = value("--minutes").unwrap_or(1);
    let mut rng = Rng(value("--seed").unwrap_or(0x5EED_CAFE) | 1);
    let deadline = Instant::now() + Duration::from_secs(minutes * 60);
    let findings_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fuzz-findings");
    std::fs::create_dir_all(&findings_dir).expect("target/fuzz-findings can be made");
    let work = tempfile::tempdir().expect("a work folder");
    std::panic::set_hook(Box::new(|_| {}));
    let seeds = seeds();
    let (mut executions, mut ingested, mut findings) = (0u64, 0u64, 0u64);
    let mut last_report = Instant::now();
    while Instant::now() < deadline {
        let base = &seeds[rng.below(seeds.len())];
        let text = mutate(&mut rng, base);
        let mut problems = Vec::new();
        for format in [DocumentFormat::Torikumi, DocumentFormat::Slides] {
            match catch_unwind(AssertUnwindSafe(|| {
                let version = extract(format, &text);
                let refused = check_format(format, &text, &version).is_err();
                let bounds = planledger::extract::dating::infer_date_bounds(&text);
                (version, refused, bounds)
            })) {
                Err(_) => problems.push(format!("{format:?}: extraction panicked")),
                Ok((version, refused, _)) => {
                    if !refused {
                        problems.extend(
                            misplaced(&text, &version)
                                .into_iter()
                                .map(|m| format!("{format:?}: {m}")),
                        );
                    }
                }
            }
        }
        // A line of the mutated text as a meeting reference or a date (what `--at` reads).
        let line = text
            .split('\n')
            .nth(rng.below(64))
            .unwrap_or_default()
            .to_owned();
        if catch_unwind(AssertUnwindSafe(|| {
            let _ = planledger::source::meeting::MeetingRef::parse(&line);
            let _ = planledger::source::date::parse_day(&line);
        }))
        .is_err()
        {
            problems.push(format!("reading {line:?} as a meeting reference panicked"));
        }
        executions += 1;
        if problems.is_empty() && executions % 50 == 0 {
            ingested += 1;
            let format = if rng.below(2) == 0 {
                DocumentFormat::Torikumi
            } else {
                DocumentFormat::Slides
            };
            match catch_unwind(AssertUnwindSafe(|| {
                ingest_and_verify(work.path(), &text, format)
            })) {
                Err(_) => problems.push(format!("{format:?}: ingest or verify panicked")),
                Ok(Some(problem)) => problems.push(format!("{format:?}: {problem}")),
                Ok(None) => {}
            }
        }
        if !problems.is_empty() {
            findings += 1;
            let stem = findings_dir.join(format!("finding-{findings:04}"));
            std::fs::write(stem.with_extension("txt"), &text).expect("a finding is written");
            std::fs::write(stem.with_extension("why"), problems.join("\n"))
                .expect("a finding is written");
        }
        if last_report.elapsed() > Duration::from_secs(30) {
            eprintln!(
                "{executions} executions, {ingested} ingested and verified, {findings} findings"
            );
            last_report = Instant::now();
        }
    }
    println!("{executions} executions, {ingested} ingested and verified, {findings} findings ({} minutes)", minutes);
    if findings > 0 {
        println!("findings in {}", findings_dir.display());
        std::process::exit(1);
    }
}
