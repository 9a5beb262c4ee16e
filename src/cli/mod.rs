//! The command line: one module per command, each with its arguments (`…Args`, clap) and its
//! `run` function, which calls the library and prints.
//!
//! Invariant: a command holds no logic the library could use (a web view, a test) — it turns
//! arguments into library calls and values into output. Printing happens here and nowhere in the
//! library; so does reading the environment (`PLANLEDGER_STORE`, `PLANLEDGER_NOW`, and the
//! tests' `PLANLEDGER_FAILPOINT`).

/// Every form a meeting reference takes (`MeetingRef::parse`), for the help of each option that
/// takes one: one list, so no option's help names fewer forms than another's.
macro_rules! meeting_forms {
    () => {
        "第92回, 第９２回, 92, がん対策推進協議会第92回 (with or without a space), or a day: 2025-10-06, 2025/10/6, 令和7年10月6日, R7.10.6 (eras 明治–令和 with 元年; full-width and kanji digits)"
    };
}
/// Every form a day takes (`date::parse_day`), for the help of `--date`.
macro_rules! day_forms {
    () => {
        "2025-10-06, 2025/10/6, 令和7年10月6日, R7.10.6 (eras 明治–令和 with 元年; full-width and kanji digits)"
    };
}

mod amend;
mod checkpoint;
mod diff;
mod export;
mod history;
mod import;
mod ingest;
mod keygen;
mod log;
mod meetings;
mod progress;
mod prove;
mod reindex;
mod serve;
mod state;
mod timeline;
mod verify;
mod verify_proof;
mod withdraw;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Result};
use clap::{Parser, Subcommand};

use planledger::ledger::{Store, StoreError};
use planledger::FailureKind;

/// Event-sourced, tamper-evident ledger of Japan's Basic Plan for Cancer Control
/// (がん対策推進基本計画) and the council documents that report on it.
#[derive(Debug, Parser)]
#[command(
    name = "planledger",
    version,
    propagate_version = true,
    after_help = "Start with `planledger ingest seeds`, then `planledger meetings` and `planledger state`.\n\
                  Exit codes: 0 ok; 1 a check failed or nothing matched; 2 bad input or usage; 3 the ledger cannot be used (in use, damaged)."
)]
pub struct Cli {
    /// Ledger directory (a sled store); created by `ingest` if missing [default: the
    /// PLANLEDGER_STORE environment variable, else .planledger].
    #[arg(
        long,
        global = true,
        value_name = "DIR",
        help_heading = "Global options"
    )]
    store: Option<PathBuf>,
    /// How long to wait for another process holding the ledger (an ingest, a request of
    /// `serve`) to let go before giving up, in seconds; a reader then reads what was committed.
    #[arg(
        long,
        global = true,
        value_name = "SECONDS",
        default_value_t = 5.0,
        help_heading = "Global options"
    )]
    wait: f64,
    /// A witness file outside the ledger's folder (another disk, a repository): `ingest`,
    /// `amend` and `withdraw` append the ledger's new checkpoint to it, and `verify` checks the
    /// ledger against the newest one it holds, so a rollback of the whole folder is caught.
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        env = "PLANLEDGER_WITNESS",
        help_heading = "Global options"
    )]
    witness: Option<PathBuf>,
    /// Sign the checkpoints appended to the witness with this key (made by `keygen`); `verify`
    /// then needs `--key` to check the signature.
    #[arg(
        long,
        global = true,
        value_name = "KEYFILE",
        env = "PLANLEDGER_WITNESS_KEY",
        requires = "witness",
        help_heading = "Global options"
    )]
    witness_key: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Ingest(ingest::IngestArgs),
    Amend(amend::AmendArgs),
    Withdraw(withdraw::WithdrawArgs),
    Meetings(meetings::MeetingsArgs),
    State(state::StateArgs),
    Diff(diff::DiffArgs),
    Progress(progress::ProgressArgs),
    History(history::HistoryArgs),
    Timeline(timeline::TimelineArgs),
    Log(log::LogArgs),
    Export(export::ExportArgs),
    Import(import::ImportArgs),
    Checkpoint(checkpoint::CheckpointArgs),
    Keygen(keygen::KeygenArgs),
    Prove(prove::ProveArgs),
    VerifyProof(verify_proof::VerifyProofArgs),
    Verify(verify::VerifyArgs),
    Reindex(reindex::ReindexArgs),
    Serve(serve::ServeArgs),
}

/// How a command that ran to its end finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// It answered, and the answer is a failure of this kind (nothing matched, a check failed).
    Failed(FailureKind),
}

/// What every command may need: where the ledger is and how long a reader waits for it.
pub struct Context {
    store: PathBuf,
    wait: Duration,
    witness: Option<PathBuf>,
    witness_key: Option<PathBuf>,
}

impl Context {
    /// Opens the ledger to answer from (never creating one; refusing one cut short).
    fn answering_store(&self) -> Result<Store> {
        Ok(Store::open_to_answer(&self.store, self.wait)?)
    }

    /// After an append: the ledger's new checkpoint added to the witness, when one is given.
    fn witness_append(&self, store: &Store) -> Result<()> {
        let size = store.head()?.map_or(0, |(seq, _)| seq + 1);
        self.witness_append_at(store, size)
    }

    /// Appends the checkpoint of the ledger's first `size` events to the witness: an ingest
    /// stopped by a failed append witnesses only what the appends before it made durable.
    fn witness_append_at(&self, store: &Store, size: u64) -> Result<()> {
        use anyhow::Context as _;
        use planledger::ledger::checkpoint::{SignerKey, DEFAULT_ORIGIN};
        let Some(path) = &self.witness else {
            return Ok(());
        };
        let mut checkpoint = planledger::query::checkpoint(store, DEFAULT_ORIGIN, size)?;
        if let Some(key) = &self.witness_key {
            let key = SignerKey::parse(&read_text(key)?)
                .with_context(|| format!("{} is not a signing key", key.display()))?;
            checkpoint.sign(&key);
        }
        planledger::ledger::witness::append(path, &checkpoint, &now()?)?;
        eprint_line(&format!(
            "witnessed: the checkpoint of {} events appended to {}",
            checkpoint.size,
            path.display()
        ));
        Ok(())
    }
}

/// Runs the parsed command line.
/// [`run`], with a defect of planledger (a panic: an invariant of the code broken) caught and
/// said in one message as [`FailureKind::Defect`] instead of a crash's backtrace and exit 101.
pub fn run_catching_defects(cli: Cli) -> Result<Outcome> {
    catching_defects(|| run(cli))
}

thread_local! {
    /// The last panic on this thread, as the hook saw it (message and place).
    static DEFECT: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

fn catching_defects(work: impl FnOnce() -> Result<Outcome>) -> Result<Outcome> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        // With RUST_BACKTRACE set, whoever debugs it gets the standard report (and backtrace)
        // as well.
        let standard = std::panic::take_hook();
        let debugging = std::env::var_os("RUST_BACKTRACE").is_some_and(|value| value != "0");
        std::panic::set_hook(Box::new(move |info| {
            if debugging {
                standard(info);
            }
            let message = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic".to_owned());
            let place = info
                .location()
                .map_or_else(String::new, |l| format!(" at {}:{}", l.file(), l.line()));
            let said = format!("{message}{place}");
            // A defect on another thread (a server's request) is said where it happens; the
            // command's own thread says it once, as its last word.
            if std::thread::current().name() != Some("main") {
                eprint_line(&format!("error: a defect of planledger: {said}"));
            }
            DEFECT.with(|defect| *defect.borrow_mut() = Some(said));
        }));
    });
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)) {
        Ok(outcome) => outcome,
        Err(_) => {
            let said = DEFECT
                .with(|defect| defect.borrow_mut().take())
                .unwrap_or_else(|| "a panic".to_owned());
            eprint_line(&format!(
                "error: planledger stopped on a defect of its own ({said}); nothing is wrong with your input or ledger that this says, and every append before it is whole (each is one transaction): please report it with the command that was run"
            ));
            Ok(Outcome::Failed(FailureKind::Defect))
        }
    }
}

pub fn run(cli: Cli) -> Result<Outcome> {
    // The fault-injection test stops an append at a named step; nobody else sets this.
    if let Ok(spec) = std::env::var("PLANLEDGER_FAILPOINT") {
        planledger::ledger::failpoint::arm(&spec)
            .map_err(|why| anyhow::anyhow!("PLANLEDGER_FAILPOINT: {why}"))?;
    }
    let context = Context {
        store: store_path(cli.store)?,
        wait: Duration::try_from_secs_f64(cli.wait)
            .map_err(|_| anyhow::anyhow!("--wait {} is not a number of seconds", cli.wait))?,
        witness: cli.witness.filter(|path| !path.as_os_str().is_empty()),
        witness_key: cli.witness_key,
    };
    match &cli.command {
        Command::Ingest(args) => ingest::run(&context, args),
        Command::Amend(args) => amend::run(&context, args),
        Command::Withdraw(args) => withdraw::run(&context, args),
        Command::Meetings(args) => meetings::run(&context, args),
        Command::State(args) => state::run(&context, args),
        Command::Diff(args) => diff::run(&context, args),
        Command::Progress(args) => progress::run(&context, args),
        Command::History(args) => history::run(&context, args),
        Command::Timeline(args) => timeline::run(&context, args),
        Command::Log(args) => log::run(&context, args),
        Command::Export(args) => export::run(&context, args),
        Command::Import(args) => import::run(&context, args),
        Command::Checkpoint(args) => checkpoint::run(&context, args),
        Command::Keygen(args) => keygen::run(args),
        Command::Prove(args) => prove::run(&context, args),
        Command::VerifyProof(args) => verify_proof::run(args),
        Command::Verify(args) => verify::run(&context, args),
        Command::Reindex(args) => reindex::run(&context, args),
        Command::Serve(args) => serve::run(&context, args),
    }
}

/// The formats of a command that prints text or JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum TextOrJson {
    /// For reading in a terminal.
    Text,
    /// As JSON, for programs.
    Json,
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

/// The error and its causes, each said once: a message that already quotes its cause (thiserror's
/// `{source}`) is not followed by the cause again.
pub fn message_of(error: &anyhow::Error) -> String {
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

/// The kind of the first error in the chain that knows its kind; an I/O failure of the
/// machine (a full disk, no permission, a read-only filesystem) makes the ledger or its output
/// unusable; bad input otherwise.
pub fn failure_kind(error: &anyhow::Error) -> FailureKind {
    for cause in error.chain() {
        if let Some(store) = cause.downcast_ref::<StoreError>() {
            return store.kind();
        }
        if let Some(ingest) = cause.downcast_ref::<planledger::ingest::IngestError>() {
            return ingest.kind();
        }
        if let Some(kind) = cause
            .downcast_ref::<planledger::ledger::exchange::ExchangeError>()
            .and_then(planledger::ledger::exchange::ExchangeError::kind)
        {
            return kind;
        }
        if let Some(correction) =
            cause.downcast_ref::<planledger::ingest::correct::CorrectionError>()
        {
            return correction.kind();
        }
        if let Some(query) = cause.downcast_ref::<planledger::query::QueryError>() {
            return query.kind();
        }
        if cause
            .downcast_ref::<planledger::ledger::exchange::ImportRefused>()
            .is_some()
        {
            return FailureKind::CheckFailed;
        }
        if let Some(witness) = cause.downcast_ref::<planledger::ledger::witness::WitnessError>() {
            return match witness {
                planledger::ledger::witness::WitnessError::Malformed { .. } => {
                    FailureKind::CheckFailed
                }
                _ => FailureKind::LedgerUnusable,
            };
        }
    }
    let machine = error.chain().any(|cause| {
        cause.downcast_ref::<std::io::Error>().is_some_and(|io| {
            use std::io::ErrorKind::*;
            matches!(
                io.kind(),
                StorageFull | PermissionDenied | ReadOnlyFilesystem | WriteZero | QuotaExceeded
            )
        })
    });
    if machine {
        FailureKind::LedgerUnusable
    } else {
        FailureKind::BadInput
    }
}

/// Whether the error is stdout closed under us (`| head`): not a failure of the command.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The clock events record (`ingested_at`, `recorded_at`): `PLANLEDGER_NOW` (RFC 3339) when
/// set, so tests and snapshots are reproducible; otherwise the current UTC time.
fn now() -> Result<String> {
    use anyhow::Context as _;
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

/// Prints text for a terminal: every control character a document or description holds is
/// shown as an escape (`report::terminal`).
fn print(text: &str) -> Result<()> {
    print_exact(&planledger::report::terminal::neutralised(text))
}

/// [`print`] of a text rendered a piece at a time (`render` hands each piece to the function
/// it is given), each piece written as it comes: a text of megabytes is never held whole.
fn print_in_parts(
    render: impl FnOnce(&mut dyn FnMut(&str) -> std::io::Result<()>) -> std::io::Result<()>,
) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    render(&mut |part| {
        stdout.write_all(planledger::report::terminal::neutralised(part).as_bytes())
    })?;
    stdout.flush()?;
    Ok(())
}

/// Prints JSON or HTML as rendered (their own escaping applies).
fn print_exact(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

/// Prints a rendering: exact when it is JSON or HTML, neutralised otherwise.
fn print_rendered(exact: bool, text: &str) -> Result<()> {
    if exact {
        print_exact(text)
    } else {
        print(text)
    }
}

/// Prints a line on stderr, its controls shown (it may quote a document, a description or a
/// file's name).
fn eprint_line(text: &str) {
    eprintln!("{}", planledger::report::terminal::neutralised(text));
}

/// Prints a finding and reports the command as failed: nothing matched, or a check failed.
fn failed(message: &str) -> Result<Outcome> {
    eprint_line(&format!("error: {message}"));
    Ok(Outcome::Failed(FailureKind::CheckFailed))
}

/// A checkpoint, a proof or a key: small text files, read within
/// [`MAX_SMALL_FILE_BYTES`](planledger::source::bounded::MAX_SMALL_FILE_BYTES).
fn read_text(path: &Path) -> Result<String> {
    use anyhow::Context as _;
    use planledger::source::bounded::{read_at_most, MAX_SMALL_FILE_BYTES};
    let bytes = read_at_most(path, MAX_SMALL_FILE_BYTES, "a checkpoint, proof or key")
        .with_context(|| format!("cannot read {}", path.display()))?;
    String::from_utf8(bytes).with_context(|| format!("{} is not UTF-8 text", path.display()))
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// A panic inside a command is a defect, said and reported as one (exit 4), not a crash;
    /// an answer passes through unchanged.
    #[test]
    fn a_defect_is_caught_and_said() {
        let caught = super::catching_defects(|| panic!("an invariant broke"));
        assert!(matches!(
            caught,
            Ok(super::Outcome::Failed(planledger::FailureKind::Defect))
        ));
        let answered = super::catching_defects(|| Ok(super::Outcome::Success));
        assert!(matches!(answered, Ok(super::Outcome::Success)));
    }

    use super::Cli;

    /// Every command and subcommand, depth first.
    fn all_commands(command: &clap::Command) -> Vec<&clap::Command> {
        let mut all = vec![command];
        for sub in command.get_subcommands() {
            all.extend(all_commands(sub));
        }
        all
    }

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_command_and_argument_is_described() {
        let cli = Cli::command();
        let mut undescribed = Vec::new();
        for command in all_commands(&cli) {
            if command.get_about().is_none() {
                undescribed.push(format!("command {}", command.get_name()));
            }
            for arg in command.get_arguments() {
                let builtin = matches!(arg.get_id().as_str(), "help" | "version");
                if !builtin && arg.get_help().is_none() {
                    undescribed.push(format!("{} {}", command.get_name(), arg.get_id()));
                }
            }
        }
        assert!(undescribed.is_empty(), "no help text: {undescribed:?}");
    }

    #[test]
    fn log_kind_help_names_every_event_kind() {
        let cli = Cli::command();
        let log = cli.find_subcommand("log").expect("log is a command");
        let kind = log
            .get_arguments()
            .find(|arg| arg.get_id() == "kind")
            .and_then(|arg| arg.get_help())
            .expect("--kind is described")
            .to_string();
        for event_kind in planledger::project::log::EVENT_KINDS {
            assert!(kind.contains(event_kind), "--kind help misses {event_kind}");
        }
    }
}
