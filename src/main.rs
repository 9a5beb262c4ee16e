//! The `planledger` command: parses arguments, calls the library, prints.
//!
//! Exit codes are a contract: 0 ok, 1 a check failed (verification, a proof, a refused import,
//! nothing matched), 2 bad input or usage (clap's own usage errors also exit 2), 3 the ledger
//! cannot be used (in use, damaged, unreadable). A closed stdout (`| head`) is not an error.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};

use planledger::ingest::{self, IngestOutcome, IngestRequest};
use planledger::ledger::checkpoint::{Checkpoint, CheckpointError, Proof, SignerKey, VerifierKey};
use planledger::ledger::exchange;
use planledger::ledger::verify::verify;
use planledger::ledger::{Event, Store};
use planledger::project::log::{filter_log, LogFilter, EVENT_KINDS};
use planledger::project::meetings::{known_meetings, meetings};
use planledger::project::state::{state, StateQuery};
use planledger::report::{self, text};
use planledger::source::manifest::{
    DocumentDescription, DocumentFormat, Manifest, MANIFEST_FILE_NAME,
};
use planledger::source::meeting::{format_iso_date, parse_iso_date, Meeting, MeetingRef};
use planledger::FailureKind;

/// Event-sourced, tamper-evident ledger of Japan's Basic Plan for Cancer Control
/// (がん対策推進基本計画) and the council documents that report on it.
/// The formats of a command that prints text or JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum TextOrJson {
    Text,
    Json,
}

/// The formats of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum DiffFormat {
    Text,
    Json,
    /// UTF-8 with a BOM, one row per change, for Excel.
    Csv,
    /// One self-contained 新旧対照表 page.
    Html,
}

#[derive(Debug, Parser)]
#[command(name = "planledger", version, propagate_version = true)]
struct Cli {
    /// Ledger directory (a sled store); created by `ingest` if missing [default: the
    /// PLANLEDGER_STORE environment variable, else .planledger].
    #[arg(long, global = true)]
    store: Option<PathBuf>,
    /// How long a reading command waits for an ingest in progress to finish before giving up,
    /// in seconds; it then reads what that ingest committed.
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 5.0)]
    wait: f64,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Ingest documents: folders with a manifest.json, or single files described by flags.
    ///
    /// Each document is appended as one all-or-nothing batch of hash-chained events. A
    /// byte-identical document already in the ledger appends nothing.
    Ingest {
        /// Folders containing manifest.json, or document files.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Meeting of a single file: "会議体 第N回" (e.g. "がん対策推進協議会 第92回").
        #[arg(long)]
        meeting: Option<String>,
        /// Meeting date of a single file, YYYY-MM-DD, or "unknown".
        #[arg(long)]
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
        /// Refuse a new version of a series that no longer states a measure of the previous
        /// version whose text appears inside another of its statements (a misread table),
        /// instead of ingesting it with a warning.
        #[arg(long)]
        strict: bool,
    },
    /// List meetings in time order with their documents.
    Meetings {
        #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
    },
    /// Show the plan's measures and actions as they stood at a meeting.
    State {
        /// Meeting reference: 第92回, 92, がん対策推進協議会第92回, or a date YYYY-MM-DD.
        /// Defaults to the latest dated meeting.
        #[arg(long)]
        at: Option<String>,
        /// Show what the ledger knew when its head was this sequence number.
        #[arg(long, value_name = "SEQ")]
        as_known_at: Option<u64>,
        /// Only measures under this section, e.g. 2.(1).①
        #[arg(long)]
        section: Option<String>,
        /// Show this plan's measures (e.g. 第3期がん対策推進基本計画); default: the latest plan
        /// stated at the date.
        #[arg(long)]
        plan: Option<String>,
        #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
    },
    /// Show what changed between two meetings: measures, actions per bureau, targets.
    Diff {
        /// The earlier meeting (第92回, 92, a date …).
        #[arg(long)]
        since: String,
        /// The later meeting; defaults to the latest dated meeting.
        #[arg(long)]
        until: Option<String>,
        /// Compare this plan's measures; default: the plan shown at --until.
        #[arg(long)]
        plan: Option<String>,
        /// text, json, csv (UTF-8 with BOM, for Excel) or html (a self-contained 新旧対照表).
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
    },
    /// Show every event about one measure (M…) or one target (T…), by meeting date.
    History {
        /// A measure id (from `state` or `log`) or a target key (from `state`).
        id: String,
        #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
    },
    /// List events in chain order, optionally filtered.
    Log {
        /// Only events of meetings on or after this meeting reference.
        #[arg(long)]
        since: Option<String>,
        /// Only events of this kind (DocumentIngested, MeasureAdded, MeasureCited, ActionReported …).
        #[arg(long)]
        kind: Option<String>,
        /// Only events about this measure id.
        #[arg(long)]
        measure: Option<String>,
        /// text, or json (one canonical event per line).
        #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
    },
    /// Write the ledger as JSON Lines: one canonical event (with its hash) per line.
    ///
    /// Each line is the event's RFC 8785 bytes, so hash == BLAKE3(JCS(line without "hash")).
    Export {
        /// Write to this file instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Also write each stored document's raw bytes to DIR/<blake3-hex>.txt.
        #[arg(long, value_name = "DIR")]
        with_documents: Option<PathBuf>,
    },
    /// Load an export into an empty store, after checking every line; all or nothing.
    Import {
        /// The JSON Lines export.
        file: PathBuf,
        /// Folder holding the documents as <blake3-hex>.txt (from export --with-documents).
        #[arg(long, value_name = "DIR")]
        documents: PathBuf,
    },
    /// Print a checkpoint (tree size, Merkle root, head) of the ledger, optionally signed.
    ///
    /// The format is C2SP tlog-checkpoint; signatures are C2SP signed-note Ed25519 lines.
    Checkpoint {
        /// Checkpoint the ledger as it stood through this meeting's last document (a prefix of
        /// the log), instead of the whole ledger.
        #[arg(long)]
        at: Option<String>,
        /// The checkpoint's origin line, naming this ledger.
        #[arg(long, default_value = "planledger")]
        origin: String,
        /// Sign with this key file (made by `keygen`).
        #[arg(long, value_name = "KEYFILE")]
        sign: Option<PathBuf>,
    },
    /// Make an Ed25519 signing key (KEYFILE) and its public verifier key (KEYFILE.pub).
    Keygen {
        /// Key name, printed on signatures (no spaces or '+').
        #[arg(long)]
        name: String,
        /// Where to write the signing key; its public key goes to KEYFILE.pub.
        #[arg(long, value_name = "KEYFILE")]
        out: PathBuf,
    },
    /// Print a Merkle proof: that an event is in the ledger, or that a later ledger extends an
    /// earlier one.
    Prove {
        #[command(subcommand)]
        proof: ProveCommand,
    },
    /// Check a proof against checkpoints, without the store; exit 1 if it does not hold.
    VerifyProof {
        /// A proof printed by `prove`.
        proof: PathBuf,
        /// The checkpoint the proof leads to (for consistency: the newer one).
        #[arg(long)]
        checkpoint: PathBuf,
        /// For a consistency proof: the older checkpoint.
        #[arg(long)]
        old_checkpoint: Option<PathBuf>,
        /// Require the checkpoints to be signed by this verifier key (KEYFILE.pub).
        #[arg(long)]
        key: Option<PathBuf>,
    },
    /// Check the hash chain, stored documents, quoted spans and indexes; exit 1 on any failure.
    Verify {
        /// Also re-extract every stored document and compare with what its events state.
        #[arg(long)]
        deep: bool,
        /// Also check that the ledger extends this saved checkpoint (by a consistency proof):
        /// a rollback or a rewrite of what it covers fails.
        #[arg(long, value_name = "CHECKPOINT")]
        against: Option<PathBuf>,
        /// The verifier key (KEYFILE.pub) whose signature the --against checkpoint must carry.
        #[arg(long, value_name = "KEYFILE.pub", requires = "against")]
        key: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
    },
}

#[derive(Debug, Subcommand)]
enum ProveCommand {
    /// Prove event SEQ is in the tree of the first SIZE events (default: all).
    Inclusion {
        /// Sequence number of the event to prove.
        seq: u64,
        /// Size of the tree the proof is for (default: every event in the ledger).
        #[arg(long)]
        size: Option<u64>,
    },
    /// Prove the tree of the first OLD events is a prefix of the tree of NEW (default: all).
    Consistency {
        /// Size of the earlier ledger (the events a saved checkpoint covers).
        old: u64,
        /// Size of the later ledger (default: every event in the ledger).
        new: Option<u64>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            if is_broken_pipe(&error) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {}", message_of(&error));
            ExitCode::from(exit_code(failure_kind(&error)))
        }
    }
}

/// The error and its causes, each said once: a message that already quotes its cause (thiserror's
/// `{source}`) is not followed by the cause again.
fn message_of(error: &anyhow::Error) -> String {
    let mut message = error.to_string();
    for cause in error.chain().skip(1) {
        let cause = cause.to_string();
        if !message.contains(&cause) {
            message.push_str(": ");
            message.push_str(&cause);
        }
    }
    message
}

/// The contract: 1 a check failed, 2 bad input or usage, 3 the ledger cannot be used.
fn exit_code(kind: FailureKind) -> u8 {
    match kind {
        FailureKind::CheckFailed => 1,
        FailureKind::BadInput => 2,
        FailureKind::LedgerUnusable => 3,
    }
}

fn is_in_use(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<planledger::ledger::StoreError>(),
            Some(planledger::ledger::StoreError::InUse { .. })
        )
    })
}

/// The kind of the first error in the chain that knows its kind; bad input otherwise.
fn failure_kind(error: &anyhow::Error) -> FailureKind {
    for cause in error.chain() {
        if let Some(store) = cause.downcast_ref::<planledger::ledger::StoreError>() {
            return store.kind();
        }
        if let Some(ingest) = cause.downcast_ref::<ingest::IngestError>() {
            return ingest.kind();
        }
        if cause
            .downcast_ref::<planledger::ledger::exchange::ImportRefused>()
            .is_some()
        {
            return FailureKind::CheckFailed;
        }
    }
    FailureKind::BadInput
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The ledger folder: `--store`, else `PLANLEDGER_STORE`, else `.planledger`. A variable that
/// is set but empty is a mistake worth naming, not a missing flag value.
fn store_path(flag: Option<PathBuf>) -> Result<PathBuf> {
    if let Some(path) = flag {
        if path.as_os_str().is_empty() {
            bail!("--store is empty: name the ledger folder");
        }
        return Ok(path);
    }
    match std::env::var_os("PLANLEDGER_STORE") {
        Some(value) if value.is_empty() => {
            bail!("PLANLEDGER_STORE is set but empty: unset it, or set it to the ledger folder")
        }
        Some(value) => Ok(PathBuf::from(value)),
        None => Ok(PathBuf::from(".planledger")),
    }
}

/// How long readers wait for the store's lock (`--wait`), set once from the command line.
static READ_WAIT: std::sync::OnceLock<std::time::Duration> = std::sync::OnceLock::new();

fn run(cli: Cli) -> Result<ExitCode> {
    let store = store_path(cli.store)?;
    let wait = std::time::Duration::try_from_secs_f64(cli.wait)
        .map_err(|_| anyhow::anyhow!("--wait {} is not a number of seconds", cli.wait))?;
    READ_WAIT.get_or_init(|| wait);
    match cli.command {
        Command::Ingest {
            paths,
            meeting,
            date,
            format,
            title,
            label,
            series,
            strict,
        } => {
            let flags = SingleFileFlags {
                meeting,
                date,
                format,
                title,
                label,
                series,
            };
            let options = ingest::IngestOptions { strict };
            cmd_ingest(&store, &paths, &flags, options)
        }
        Command::Meetings { format } => cmd_meetings(&store, format),
        Command::State {
            at,
            as_known_at,
            section,
            plan,
            format,
        } => cmd_state(&store, at.as_deref(), as_known_at, section, plan, format),
        Command::History { id, format } => cmd_history(&store, &id, format),
        Command::Diff {
            since,
            until,
            plan,
            format,
        } => cmd_diff(&store, &since, until.as_deref(), plan, format),
        Command::Log {
            since,
            kind,
            measure,
            format,
        } => cmd_log(&store, since.as_deref(), kind, measure, format),
        Command::Export {
            out,
            with_documents,
        } => cmd_export(&store, out.as_deref(), with_documents.as_deref()),
        Command::Import { file, documents } => cmd_import(&store, &file, &documents),
        Command::Checkpoint { at, origin, sign } => {
            cmd_checkpoint(&store, at.as_deref(), &origin, sign.as_deref())
        }
        Command::Keygen { name, out } => cmd_keygen(&name, &out),
        Command::Prove { proof } => cmd_prove(&store, proof),
        Command::VerifyProof {
            proof,
            checkpoint,
            old_checkpoint,
            key,
        } => cmd_verify_proof(
            &proof,
            &checkpoint,
            old_checkpoint.as_deref(),
            key.as_deref(),
        ),
        Command::Verify {
            deep,
            against,
            key,
            format,
        } => cmd_verify(&store, deep, against.as_deref(), key.as_deref(), format),
    }
}

/// Like [`print`], for reports of work that must go on when nobody reads them: a closed
/// stdout (`ingest seeds | head`) must not leave a corpus half-ingested.
fn print_progress(text: &str) -> Result<()> {
    match print(text) {
        Err(error) if is_broken_pipe(&error) => Ok(()),
        other => other,
    }
}

fn print(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

/// Opens an existing ledger; read commands never create one.
fn open_existing(store: &Path) -> Result<Store> {
    if !store.exists() {
        bail!(
            "no ledger at {}: run `planledger ingest seeds` first, or name one with --store",
            store.display()
        );
    }
    let wait = READ_WAIT.get().copied().unwrap_or_default();
    Ok(Store::open_for_reading(store, wait)?)
}

/// [`open_existing`] for commands that answer from the ledger: a ledger shorter than its
/// recorded head is refused (exit 3) rather than answered from.
fn open_for_reading(store: &Path) -> Result<Store> {
    let store = open_existing(store)?;
    store.check_length()?;
    Ok(store)
}

/// The ingest clock: `PLANLEDGER_NOW` (RFC 3339) when set, so tests and snapshots are
/// reproducible; otherwise the current UTC time.
fn ingest_time() -> Result<String> {
    use time::format_description::well_known::Rfc3339;
    match std::env::var("PLANLEDGER_NOW") {
        Ok(now) => {
            time::OffsetDateTime::parse(&now, &Rfc3339)
                .with_context(|| format!("PLANLEDGER_NOW={now:?} is not an RFC 3339 time"))?;
            Ok(now)
        }
        Err(_) => Ok(time::OffsetDateTime::now_utc().format(&Rfc3339)?),
    }
}

struct SingleFileFlags {
    meeting: Option<String>,
    date: Option<String>,
    format: Option<String>,
    title: Option<String>,
    label: Option<String>,
    series: Option<String>,
}

/// The format of a file given without --format, said on stderr with the reason.
fn recognised_format(path: &Path) -> Result<DocumentFormat> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let (text, _) = planledger::source::decode::decode(&bytes)
        .with_context(|| format!("{}: cannot be decoded", path.display()))?;
    let Some((format, why)) = planledger::extract::recognise_format(&text) else {
        bail!(
            "{}: neither a 取組一覧 nor slides (no section headings with bureau blocks, no Japanese text); give --format if it is one",
            path.display()
        );
    };
    eprintln!(
        "{}: no --format given; recognised as {} ({why})",
        path.display(),
        format.as_str()
    );
    Ok(format)
}

impl SingleFileFlags {
    fn any(&self) -> bool {
        self.meeting.is_some() || self.date.is_some() || self.format.is_some()
    }

    fn describe(&self, path: &Path) -> Result<DocumentDescription> {
        let (Some(meeting), Some(date)) = (&self.meeting, &self.date) else {
            bail!(
                "{}: a single file needs --meeting and --date (and --format, or it is recognised)",
                path.display()
            );
        };
        let format = match &self.format {
            Some(format) => DocumentFormat::parse(format).with_context(|| {
                format!("--format {format:?} is not a document format: use torikumi or slides")
            })?,
            None => recognised_format(path)?,
        };
        let date = if date == "unknown" {
            None
        } else {
            Some(parse_iso_date(date).with_context(|| {
                format!("--date {date:?} is not a date: use YYYY-MM-DD (a real calendar date) or unknown")
            })?)
        };
        let (body, ordinal) = match MeetingRef::parse(meeting)? {
            MeetingRef::Ordinal { body, ordinal } => (body, Some(ordinal)),
            MeetingRef::Date(_) => bail!(
                "--meeting {meeting:?} names a date; give the body and ordinal, e.g. \"がん対策推進協議会 第92回\""
            ),
        };
        Ok(DocumentDescription {
            file: path.display().to_string(),
            meeting: Meeting {
                body,
                ordinal,
                date,
            },
            title: self.title.clone(),
            label: self.label.clone(),
            format,
            series: self.series.clone(),
            facts: Vec::new(),
        })
    }
}

/// Turns the command line's paths into requests, checking all of them before anything is
/// appended, so a typo in the last path does not leave a half-done run.
fn requests_for(paths: &[PathBuf], flags: &SingleFileFlags) -> Result<Vec<IngestRequest>> {
    let mut requests = Vec::new();
    for path in paths {
        if path.is_dir() {
            requests.extend(ingest::requests_from_folder(path)?);
        } else if path.is_file() {
            let description = if flags.any() {
                flags.describe(path)?
            } else {
                described_in_manifest(path)?
            };
            requests.push(IngestRequest {
                path: path.clone(),
                description,
            });
        } else {
            // Say what the system said: a symbolic-link loop or a permission problem is not
            // a missing file.
            match std::fs::metadata(path) {
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                    bail!("{}: no such file or folder", path.display())
                }
                Err(error) => bail!("{}: cannot be read: {error}", path.display()),
                Ok(_) => bail!("{}: neither a file nor a folder", path.display()),
            }
        }
    }
    Ok(requests)
}

/// A single file listed in the manifest of its own folder needs no flags.
fn described_in_manifest(path: &Path) -> Result<DocumentDescription> {
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    if folder.join(MANIFEST_FILE_NAME).is_file() {
        let manifest = Manifest::load(folder)?;
        if let Some(description) = manifest
            .documents
            .into_iter()
            .find(|d| Some(&d.file) == file_name.as_ref())
        {
            return Ok(description);
        }
    }
    Err(ingest::IngestError::Undescribed {
        path: path.to_path_buf(),
    }
    .into())
}

fn cmd_ingest(
    store_path: &Path,
    paths: &[PathBuf],
    flags: &SingleFileFlags,
    options: ingest::IngestOptions,
) -> Result<ExitCode> {
    let requests = requests_for(paths, flags)?;
    let ingested_at = ingest_time()?;
    let store = Store::open(store_path)?;
    let (mut appended, mut present, mut failed) = (0, 0, 0);
    let mut worst = FailureKind::BadInput;
    for (index, request) in requests.iter().enumerate() {
        eprint!("[{}/{}] ", index + 1, requests.len());
        match ingest::ingest_with(&store, request, &ingested_at, options) {
            Ok(outcome) => {
                match outcome {
                    IngestOutcome::Appended(_) => appended += 1,
                    IngestOutcome::AlreadyPresent { .. } => present += 1,
                }
                eprintln!("{}", request.path.display());
                print_progress(&text::ingest_outcome(&outcome))?;
            }
            Err(error) => {
                failed += 1;
                if error.kind() == FailureKind::LedgerUnusable {
                    worst = FailureKind::LedgerUnusable;
                }
                eprintln!("{}", request.path.display());
                eprintln!("error: {error}");
            }
        }
    }
    let head = store.head()?.map_or_else(
        || "empty".to_owned(),
        |(seq, hash)| format!("seq {seq}, hash {hash}"),
    );
    print_progress(&format!(
        "{appended} documents appended, {present} already present, {failed} failed; ledger {} head {head}\n",
        store_path.display()
    ))?;
    Ok(if failed > 0 {
        ExitCode::from(exit_code(worst))
    } else {
        ExitCode::SUCCESS
    })
}

fn cmd_meetings(store_path: &Path, format: TextOrJson) -> Result<ExitCode> {
    let events = open_for_reading(store_path)?.events()?;
    let view = meetings(&events);
    print(&match format {
        TextOrJson::Text => text::meetings(&view),
        TextOrJson::Json => report::to_json(&view),
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Resolves a meeting reference to (date, meeting name).
fn resolve_at(events: &[Event], reference: &str) -> Result<(time::Date, Option<String>)> {
    let known = known_meetings(events);
    match MeetingRef::parse(reference)? {
        MeetingRef::Date(date) => {
            let name = known
                .iter()
                .find(|m| m.date == Some(date))
                .map(Meeting::name);
            Ok((date, name))
        }
        ordinal => {
            let meeting = ordinal.resolve(reference, &known)?;
            let date = meeting.date.ok_or_else(|| {
                planledger::source::meeting::MeetingRefError::DateUnknown {
                    input: reference.to_owned(),
                    meeting: meeting.name(),
                }
            })?;
            Ok((date, Some(meeting.name())))
        }
    }
}

fn cmd_state(
    store_path: &Path,
    at: Option<&str>,
    as_known_at: Option<u64>,
    section: Option<String>,
    plan: Option<String>,
    format: TextOrJson,
) -> Result<ExitCode> {
    let events = open_for_reading(store_path)?.events()?;
    let (date, meeting) = resolve_or_latest(&events, at)?;
    let view = state(
        &events,
        &StateQuery {
            date,
            meeting,
            as_known_at,
            section,
            plan,
        },
    );
    print(&match format {
        TextOrJson::Text => text::state(&view),
        TextOrJson::Json => report::to_json(&view),
    })?;
    Ok(if view.measures.is_empty() {
        eprintln!("no measures stand at {}", format_iso_date(date));
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn cmd_log(
    store_path: &Path,
    since: Option<&str>,
    kind: Option<String>,
    measure: Option<String>,
    format: TextOrJson,
) -> Result<ExitCode> {
    if let Some(kind) = &kind {
        if !EVENT_KINDS.iter().any(|k| k.eq_ignore_ascii_case(kind)) {
            bail!(
                "--kind {kind:?} is not an event kind: use one of {}",
                EVENT_KINDS.join(", ")
            );
        }
    }
    let events = open_for_reading(store_path)?.events()?;
    let since = since
        .map(|reference| resolve_at(&events, reference).map(|(date, _)| date))
        .transpose()?;
    let selected = filter_log(
        &events,
        &LogFilter {
            kind,
            since,
            measure,
        },
    );
    let output = match format {
        TextOrJson::Text => text::log(&selected),
        TextOrJson::Json => {
            let mut out = String::new();
            for event in &selected {
                out.push_str(&String::from_utf8(event.canonical_bytes()?)?);
                out.push('\n');
            }
            out
        }
    };
    print(&output)?;
    Ok(if selected.is_empty() {
        eprintln!("no events match");
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn cmd_verify(
    store_path: &Path,
    deep: bool,
    against: Option<&Path>,
    key: Option<&Path>,
    format: TextOrJson,
) -> Result<ExitCode> {
    let saved = against
        .map(|path| {
            Checkpoint::parse(&read_text(path)?)
                .with_context(|| format!("{} is not a checkpoint", path.display()))
        })
        .transpose()?;
    if let (Some(saved), Some(key)) = (&saved, key) {
        let key = VerifierKey::parse(&read_text(key)?)
            .with_context(|| format!("{} is not a verifier key", key.display()))?;
        if let Err(error) = saved.verify_signature(&key) {
            print(&format!("FAILED: {error}\n"))?;
            return Ok(ExitCode::from(1));
        }
    }
    let store = match open_existing(store_path) {
        Ok(store) => store,
        // A ledger whose files no longer open has failed verification: say so, with the head
        // it is known to have had (exit 1). One in use is not a verification result (exit 3).
        Err(error) if failure_kind(&error) == FailureKind::LedgerUnusable && !is_in_use(&error) => {
            let head = match planledger::ledger::store::recorded_head_at(store_path) {
                planledger::ledger::store::RecordedHead::Recorded { seq, hash } => {
                    format!("its recorded head is seq {seq}, hash {hash}")
                }
                planledger::ledger::store::RecordedHead::Missing => "no head was recorded".into(),
                planledger::ledger::store::RecordedHead::Unreadable(why) => {
                    format!("its recorded head cannot be read ({why})")
                }
            };
            eprintln!("error: {}", message_of(&error));
            print(&format!(
                "FAILED: the ledger at {} cannot be opened; {head}; restore it from an export\n",
                store_path.display()
            ))?;
            return Ok(ExitCode::from(1));
        }
        Err(error) => return Err(error),
    };
    let report = match &saved {
        Some(saved) => planledger::ledger::verify::verify_against(&store, deep, saved)?,
        None => verify(&store, deep)?,
    };
    print(&match format {
        TextOrJson::Text => text::verify(&report),
        TextOrJson::Json => report::to_json(&report),
    })?;
    Ok(if report.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn cmd_export(store_path: &Path, out: Option<&Path>, documents: Option<&Path>) -> Result<ExitCode> {
    let store = open_for_reading(store_path)?;
    let events = store.events()?;
    let mut text = Vec::new();
    for line in exchange::export_lines(&events)? {
        text.extend_from_slice(&line);
        text.push(b'\n');
    }
    if let Some(folder) = documents {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("cannot create {}", folder.display()))?;
        for (hash, bytes) in store.blobs()? {
            let path = folder.join(format!("{hash}.txt"));
            std::fs::write(&path, bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
    }
    match out {
        Some(path) => {
            std::fs::write(path, &text)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("exported {} events to {}", events.len(), path.display());
        }
        None => print(&String::from_utf8(text)?)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn cmd_import(store_path: &Path, file: &Path, documents_dir: &Path) -> Result<ExitCode> {
    let text = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let mut documents = std::collections::BTreeMap::new();
    for hash in exchange::documents_named(&text) {
        let path = documents_dir.join(format!("{hash}.txt"));
        if let Ok(bytes) = std::fs::read(&path) {
            documents.insert(hash, bytes);
        }
    }
    let events = exchange::check_import(&text, &documents)
        .with_context(|| format!("{} is refused", file.display()))?;
    let store = Store::open(store_path)?;
    store.import(&events, &documents)?;
    let head = events.last().map_or_else(String::new, |e| {
        format!(", head seq {}, hash {}", e.seq, e.hash)
    });
    print(&format!(
        "imported {} events and {} documents into {}{head}\n",
        events.len(),
        documents.len(),
        store_path.display()
    ))?;
    Ok(ExitCode::SUCCESS)
}

fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

fn cmd_checkpoint(
    store_path: &Path,
    at: Option<&str>,
    origin: &str,
    sign: Option<&Path>,
) -> Result<ExitCode> {
    let events = open_for_reading(store_path)?.events()?;
    let (size, meeting) = match at {
        None => (events.len() as u64, None),
        Some(reference) => {
            let known = known_meetings(&events);
            let meeting = MeetingRef::parse(reference)?
                .resolve(reference, &known)?
                .clone();
            let last = events
                .iter()
                .filter(|e| e.meeting == meeting)
                .map(|e| e.seq)
                .max()
                .context("the meeting has no events")?;
            (last + 1, Some(meeting))
        }
    };
    let mut checkpoint = Checkpoint::of_events(origin, &events, size)?;
    if let Some(meeting) = meeting {
        checkpoint.extensions.push(format!("meeting {meeting}"));
    }
    if let Some(key_path) = sign {
        let key = SignerKey::parse(&read_text(key_path)?)
            .with_context(|| format!("{} is not a signing key", key_path.display()))?;
        checkpoint.sign(&key);
    }
    print(&checkpoint.to_text())?;
    Ok(ExitCode::SUCCESS)
}

fn cmd_keygen(name: &str, out: &Path) -> Result<ExitCode> {
    let public_path = PathBuf::from(format!("{}.pub", out.display()));
    for path in [out, public_path.as_path()] {
        if path.exists() {
            bail!(
                "{} exists; planledger does not overwrite keys",
                path.display()
            );
        }
    }
    let mut seed = [0u8; 32];
    getrandom::getrandom(&mut seed)
        .map_err(|error| anyhow::anyhow!("the system gave no randomness for a key: {error}"))?;
    let key = SignerKey::generate(name, seed)?;
    write_private(out, &format!("{}\n", key.to_text()))?;
    std::fs::write(&public_path, format!("{}\n", key.verifier().to_text()))
        .with_context(|| format!("cannot write {}", public_path.display()))?;
    print(&format!(
        "signing key: {} (keep it private)\nverifier key: {}\n{}\n",
        out.display(),
        public_path.display(),
        key.verifier().to_text()
    ))?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(text.as_bytes())?;
    Ok(())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

fn cmd_prove(store_path: &Path, command: ProveCommand) -> Result<ExitCode> {
    let events = open_for_reading(store_path)?.events()?;
    let total = events.len() as u64;
    let proof = match command {
        ProveCommand::Inclusion { seq, size } => {
            let size = size.unwrap_or(total);
            if size > total {
                bail!("--size {size} is beyond the ledger's {total} events");
            }
            Proof::inclusion(&events, seq, size)?
        }
        ProveCommand::Consistency { old, new } => {
            let new = new.unwrap_or(total);
            if new > total {
                bail!("{new} is beyond the ledger's {total} events");
            }
            Proof::consistency(&events, old, new)?
        }
    };
    print(&proof.to_text())?;
    Ok(ExitCode::SUCCESS)
}

fn cmd_verify_proof(
    proof_path: &Path,
    checkpoint_path: &Path,
    old_path: Option<&Path>,
    key_path: Option<&Path>,
) -> Result<ExitCode> {
    let proof = Proof::parse(&read_text(proof_path)?)
        .with_context(|| format!("{} is not a proof", proof_path.display()))?;
    let checkpoint = Checkpoint::parse(&read_text(checkpoint_path)?)
        .with_context(|| format!("{} is not a checkpoint", checkpoint_path.display()))?;
    let old = old_path
        .map(|path| {
            Checkpoint::parse(&read_text(path)?)
                .with_context(|| format!("{} is not a checkpoint", path.display()))
        })
        .transpose()?;
    let key = key_path
        .map(|path| {
            VerifierKey::parse(&read_text(path)?)
                .with_context(|| format!("{} is not a verifier key", path.display()))
        })
        .transpose()?;
    let outcome = (|| -> Result<(), CheckpointError> {
        if let Some(key) = &key {
            checkpoint.verify_signature(key)?;
            if let Some(old) = &old {
                old.verify_signature(key)?;
            }
        }
        proof.verify(&checkpoint, old.as_ref())
    })();
    let signed = if key.is_some() {
        "signatures checked"
    } else {
        "signatures not checked (no --key)"
    };
    match outcome {
        Ok(()) => {
            let what = match &proof {
                Proof::Inclusion { index, size, .. } => {
                    format!("event {index} is in the ledger of {size} events")
                }
                Proof::Consistency { old, new, .. } => {
                    format!("the ledger of {new} events extends the ledger of {old} events")
                }
            };
            print(&format!("ok: {what}; {signed}\n"))?;
            Ok(ExitCode::SUCCESS)
        }
        Err(
            error @ (CheckpointError::Malformed { .. }
            | CheckpointError::MalformedProof { .. }
            | CheckpointError::Key(_)),
        ) => Err(error.into()),
        Err(error) => {
            print(&format!("FAILED: {error}\n"))?;
            Ok(ExitCode::from(1))
        }
    }
}

fn cmd_history(store_path: &Path, id: &str, format: TextOrJson) -> Result<ExitCode> {
    let events = open_for_reading(store_path)?.events()?;
    let view = planledger::project::history::history(&events, id);
    if view.entries.is_empty() {
        eprintln!(
            "no events about {id:?}: measure ids start with M, target keys with T (see `state`)"
        );
        return Ok(ExitCode::from(1));
    }
    print(&match format {
        TextOrJson::Text => text::history(&view),
        TextOrJson::Json => report::to_json(&view),
    })?;
    Ok(ExitCode::SUCCESS)
}

/// A meeting reference resolved, or the latest dated meeting when none is given.
fn resolve_or_latest(
    events: &[Event],
    reference: Option<&str>,
) -> Result<(time::Date, Option<String>)> {
    if let Some(reference) = reference {
        return resolve_at(events, reference);
    }
    let latest = known_meetings(events)
        .into_iter()
        .filter(|m| m.date.is_some())
        .max_by(|a, b| a.time_key().cmp(&b.time_key()));
    match latest {
        Some(meeting) => Ok((
            meeting.date.expect("filtered to dated meetings"),
            Some(meeting.name()),
        )),
        None => bail!("the ledger has no dated meeting; name one with a date (YYYY-MM-DD)"),
    }
}

fn cmd_diff(
    store_path: &Path,
    since: &str,
    until: Option<&str>,
    plan: Option<String>,
    format: DiffFormat,
) -> Result<ExitCode> {
    let events = open_for_reading(store_path)?.events()?;
    let (since_date, since_meeting) = resolve_at(&events, since)?;
    let (until_date, until_meeting) = resolve_or_latest(&events, until)?;
    if until_date < since_date {
        bail!("--until ({until_date}) is before --since ({since_date})");
    }
    let query = |date, meeting| StateQuery {
        date,
        meeting,
        as_known_at: None,
        section: None,
        plan: plan.clone(),
    };
    let view = planledger::project::diff::diff(
        &events,
        &query(since_date, since_meeting),
        &query(until_date, until_meeting),
    );
    print(&match format {
        DiffFormat::Text => text::diff(&view),
        DiffFormat::Json => report::to_json(&view),
        DiffFormat::Csv => report::csv::diff(&view),
        DiffFormat::Html => {
            let titles = planledger::project::documents(&events)
                .into_iter()
                .filter_map(|d| Some((d.hash, d.title?)))
                .collect();
            report::html::diff(&view, &titles)
        }
    })?;
    Ok(ExitCode::SUCCESS)
}
