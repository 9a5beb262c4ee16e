//! `planledger keygen`: an Ed25519 signing key and its public verifier key.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};

use super::Outcome;
use planledger::ledger::checkpoint::SignerKey;

/// Make an Ed25519 signing key (KEYFILE) and its public verifier key (KEYFILE.pub).
#[derive(Debug, clap::Args)]
pub struct KeygenArgs {
    /// Key name, printed on signatures (no spaces or '+').
    #[arg(long)]
    name: String,
    /// Where to write the signing key; its public key goes to KEYFILE.pub.
    #[arg(long, value_name = "KEYFILE")]
    out: PathBuf,
}

pub fn run(args: &KeygenArgs) -> Result<Outcome> {
    let out = &args.out;
    let public_path = PathBuf::from(format!("{}.pub", out.display()));
    for path in [out, &public_path] {
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
    let key = SignerKey::generate(&args.name, seed)?;
    write_private(out, &format!("{}\n", key.to_text()))?;
    std::fs::write(&public_path, format!("{}\n", key.verifier().to_text()))
        .with_context(|| format!("cannot write {}", public_path.display()))?;
    super::print(&format!(
        "signing key: {} (keep it private)\nverifier key: {}\n{}\n",
        out.display(),
        public_path.display(),
        key.verifier().to_text()
    ))?;
    Ok(Outcome::Success)
}

/// Creates the key file readable by its owner only, never over an existing file.
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
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(text.as_bytes())?;
    Ok(())
}
