//! `planledger verify`: the chain, documents, quoted spans and indexes recomputed.

use std::path::PathBuf;

use anyhow::{Context as _, Result};

use super::{Context, Outcome, TextOrJson};
use planledger::ledger::checkpoint::VerifierKey;
use planledger::ledger::store::recorded_head_at;
use planledger::ledger::verify::{verify, verify_against, VerificationRecord};
use planledger::ledger::{Store, StoreError};
use planledger::report::{self, text};
use planledger::FailureKind;

/// Check the hash chain, stored documents, quoted spans and indexes; exit 1 on any failure.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// Also replay every document's derivation in ledger order and require its events to be
    /// byte for byte what it derives (what rests on the filer's word: see README).
    #[arg(long)]
    deep: bool,
    /// Also check that the ledger extends this saved checkpoint (by a consistency proof):
    /// a rollback or a rewrite of what it covers fails.
    #[arg(long, value_name = "CHECKPOINT")]
    against: Option<PathBuf>,
    /// The verifier key (KEYFILE.pub) whose signature the --against checkpoint (or the
    /// witnessed one) must carry.
    #[arg(long, value_name = "KEYFILE.pub")]
    key: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    format: TextOrJson,
}

pub fn run(context: &Context, args: &VerifyArgs) -> Result<Outcome> {
    let mut saved = args
        .against
        .as_deref()
        .map(super::verify_proof::read_checkpoint)
        .transpose()?;
    // Without --against, the newest checkpoint the witness holds is what the ledger must
    // extend: a rollback of the whole folder shows as a ledger shorter than its witness.
    if let (None, Some(path)) = (&saved, &context.witness) {
        match planledger::ledger::witness::newest(path)? {
            Some((checkpoint, witnessed_at)) => {
                super::eprint_line(&format!(
                    "against the witness {}: the checkpoint of {} events witnessed at {witnessed_at}",
                    path.display(),
                    checkpoint.size
                ));
                saved = Some(checkpoint);
            }
            None => super::eprint_line(&format!(
                "note: the witness {} holds no checkpoint yet; verifying without it",
                path.display()
            )),
        }
    }
    if args.key.is_some() && saved.is_none() && context.witness.is_none() {
        anyhow::bail!("--key checks the signature of a checkpoint: give --against or --witness");
    }
    if let (Some(saved), Some(key)) = (&saved, &args.key) {
        let key = VerifierKey::parse(&super::read_text(key)?)
            .with_context(|| format!("{} is not a verifier key", key.display()))?;
        if let Err(error) = saved.verify_signature(&key) {
            super::print(&format!("FAILED: {error}\n"))?;
            return Ok(Outcome::Failed(FailureKind::CheckFailed));
        }
    }
    let store = match Store::open_existing(&context.store, context.wait) {
        Ok(store) => store,
        // A ledger whose files no longer open has failed verification: say so, with the head
        // it is known to have had (exit 1). One in use is not a verification result (exit 3).
        Err(error)
            if error.kind() == FailureKind::LedgerUnusable
                && !matches!(
                    error,
                    StoreError::InUse { .. } | StoreError::NotALedger { .. }
                ) =>
        {
            // Not the store's general advice, which sends the reader to `verify`.
            let error = match &error {
                StoreError::Sled(inner) => format!("its storage cannot be read ({inner})"),
                other => other.to_string(),
            };
            super::eprint_line(&format!("error: {error}"));
            super::print(&format!(
                "FAILED: the ledger at {} cannot be opened; {}; restore it from an export\n",
                context.store.display(),
                recorded_head_at(&context.store)
            ))?;
            return Ok(Outcome::Failed(FailureKind::CheckFailed));
        }
        Err(error) => return Err(error.into()),
    };
    let report = match &saved {
        Some(saved) => verify_against(&store, args.deep, saved)?,
        None => verify(&store, args.deep)?,
    };
    super::print_rendered(
        matches!(args.format, TextOrJson::Json),
        &match args.format {
            TextOrJson::Text => text::verify(&report),
            TextOrJson::Json => report::to_json(&report),
        },
    )?;
    // Kept for readers that cannot afford the pass (the web view); a ledger in a read-only
    // folder keeps none, and the verification itself still stands.
    if store.is_read_copy() {
        super::eprint_line(&format!(
            "note: {} is read-only here: this result is not recorded in it (the web view shows the last recorded one)",
            context.store.display()
        ));
    } else if let Err(error) = VerificationRecord::of(&report, super::now()?).save(&context.store) {
        super::eprint_line(&format!(
            "warning: could not record this result in {}: {error}",
            context.store.display()
        ));
    }
    Ok(if report.is_ok() {
        Outcome::Success
    } else {
        Outcome::Failed(FailureKind::CheckFailed)
    })
}
