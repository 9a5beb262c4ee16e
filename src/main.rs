//! The `planledger` command: parses arguments, dispatches to the command's module in `cli/`,
//! and maps the result to an exit code.
//!
//! Exit codes are a contract: 0 ok, 1 a check failed (verification, a proof, a refused import,
//! nothing matched), 2 bad input or usage (clap's own usage errors also exit 2), 3 the ledger
//! cannot be used (in use, damaged, unreadable), 4 a defect of planledger (a broken invariant,
//! caught and said, never a crash). A closed stdout (`| head`) is not an error.

mod cli;

use std::process::ExitCode;

use clap::Parser;

use planledger::FailureKind;

/// mimalloc, not the system's allocator: reading the ledger parses and drops millions of small
/// strings, and `verify` frees on one thread what it parsed on another, where glibc's arenas
/// made the second thread slower than doing the work on one.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match cli::run_catching_defects(cli::Cli::parse()) {
        Ok(cli::Outcome::Success) => ExitCode::SUCCESS,
        Ok(cli::Outcome::Failed(kind)) => exit_code(kind),
        Err(error) if cli::is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!(
                "error: {}",
                planledger::report::terminal::neutralised(&cli::message_of(&error))
            );
            exit_code(cli::failure_kind(&error))
        }
    }
}

/// The contract: 1 a check failed, 2 bad input or usage, 3 the ledger cannot be used, 4 a
/// defect of planledger.
fn exit_code(kind: FailureKind) -> ExitCode {
    ExitCode::from(match kind {
        FailureKind::CheckFailed => 1,
        FailureKind::BadInput => 2,
        FailureKind::LedgerUnusable => 3,
        FailureKind::Defect => 4,
    })
}
