//! The witness (証人): a file outside the ledger's folder — another disk, a repository, a
//! colleague's machine — to which every append adds the ledger's new checkpoint, so that a
//! rollback of the whole folder is caught by `verify` without anyone remembering to keep a
//! checkpoint. C2SP tlog-witness is the model; cosigning by another party is the later step.
//!
//! Format: JSON Lines, one object per witnessed checkpoint, appended in order:
//! `{"witnessed_at":"2026-01-15T09:00:00Z","checkpoint":"<the C2SP checkpoint note>"}`.
//!
//! Invariant: entries are only appended (opened for append, fsynced before the command
//! reports success), and their tree sizes never decrease along the file; a file whose sizes
//! decrease was itself rolled back or mixed with another ledger's, and is refused. A line a
//! crash cut short (a prefix of an entry) is passed over — its checkpoint was never witnessed —
//! and the next entry starts a line of its own.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::checkpoint::Checkpoint;
use crate::source::bounded::{read_lines_at_most, MAX_EXPORT_LINE_BYTES};

/// A witness file is read within this size (a checkpoint line is a few hundred bytes: this is
/// hundreds of thousands of appends).
pub const MAX_WITNESS_BYTES: u64 = 256 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum WitnessError {
    #[error("the witness {path} cannot be written: {source}; the append itself stands (re-run with a reachable witness to record it)")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the witness {path} cannot be read: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the witness {path}, line {line}: {what}")]
    Malformed {
        path: PathBuf,
        line: usize,
        what: String,
    },
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Entry {
    witnessed_at: String,
    checkpoint: String,
}

/// Appends `checkpoint` to the witness at `path` (created if missing) and syncs it to disk.
pub fn append(
    path: &Path,
    checkpoint: &Checkpoint,
    witnessed_at: &str,
) -> Result<(), WitnessError> {
    let failed = |source| WitnessError::Write {
        path: path.to_path_buf(),
        source,
    };
    let entry = Entry {
        witnessed_at: witnessed_at.to_owned(),
        checkpoint: checkpoint.to_text(),
    };
    let mut line =
        serde_json::to_string(&entry).map_err(|error| failed(std::io::Error::other(error)))?;
    line.push('\n');
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .read(true)
        .open(path)
        .map_err(failed)?;
    // After an append a crash cut short, the new entry starts a line of its own.
    if ends_torn(&mut file).map_err(failed)? {
        line.insert(0, '\n');
    }
    super::failpoint::write_step("witness-written", line.as_bytes(), |bytes| {
        file.write_all(bytes)
    })
    .map_err(failed)?;
    file.sync_all().map_err(failed)
}

/// Whether the file's last byte is there and is not a line's end: an entry cut short.
fn ends_torn(file: &mut std::fs::File) -> std::io::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    if file.metadata()?.len() == 0 {
        return Ok(false);
    }
    file.seek(SeekFrom::End(-1))?;
    let mut last = [0u8; 1];
    file.read_exact(&mut last)?;
    Ok(last != *b"\n")
}

/// The newest checkpoint the witness at `path` holds (its last entry), with when it was
/// witnessed; `None` when the file does not exist or holds no entry yet.
pub fn newest(path: &Path) -> Result<Option<(Checkpoint, String)>, WitnessError> {
    let bytes =
        match read_lines_at_most(path, MAX_WITNESS_BYTES, MAX_EXPORT_LINE_BYTES, "a witness") {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(WitnessError::Read {
                    path: path.to_path_buf(),
                    source,
                })
            }
        };
    let malformed = |line: usize, what: String| WitnessError::Malformed {
        path: path.to_path_buf(),
        line,
        what,
    };
    let mut newest: Option<(Checkpoint, String)> = None;
    for (index, line) in bytes.split(|byte| *byte == b'\n').enumerate() {
        let line = match std::str::from_utf8(line) {
            Ok(line) => line,
            // Cut inside a character: an append a crash interrupted, passed over as below.
            Err(error) if error.error_len().is_none() => continue,
            Err(_) => return Err(malformed(index + 1, "not UTF-8 text".into())),
        };
        if line.trim().is_empty() {
            continue;
        }
        let entry: Entry = match serde_json::from_str(line) {
            Ok(entry) => entry,
            // A line cut short is an append a crash interrupted: its checkpoint was never
            // witnessed, so it is passed over as a missing line would be.
            Err(error) if error.is_eof() => continue,
            Err(error) => {
                return Err(malformed(
                    index + 1,
                    format!("not a witness entry: {error}"),
                ))
            }
        };
        let checkpoint = Checkpoint::parse(&entry.checkpoint)
            .map_err(|error| malformed(index + 1, format!("not a checkpoint: {error}")))?;
        if let Some((before, _)) = &newest {
            if checkpoint.size < before.size {
                return Err(malformed(
                    index + 1,
                    format!(
                        "its tree size {} is smaller than the {} witnessed before it: the witness itself was rolled back or mixed with another ledger's",
                        checkpoint.size, before.size
                    ),
                ));
            }
        }
        newest = Some((checkpoint, entry.witnessed_at));
    }
    Ok(newest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::checkpoint::SignerKey;

    fn signed(size: u64) -> Checkpoint {
        let key = SignerKey::generate("planledger-test", [7u8; 32]).unwrap();
        let mut checkpoint = Checkpoint {
            origin: "planledger".into(),
            size,
            root: vec![1u8; 32],
            extensions: vec![],
            signatures: vec![],
        };
        checkpoint.sign(&key);
        checkpoint
    }

    #[test]
    fn a_line_a_crash_cut_short_is_passed_over_wherever_it_was_cut() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("witness.jsonl");
        append(&path, &signed(3), "2026-01-01T00:00:00Z").unwrap();
        let whole = std::fs::read(&path).unwrap();
        // The signature line's em dash is three bytes: every cut of a second entry, inside a
        // character or not, is a torn append.
        let mut second = Vec::new();
        append(
            &folder.path().join("second.jsonl"),
            &signed(5),
            "2026-01-02T00:00:00Z",
        )
        .unwrap();
        second.extend(std::fs::read(folder.path().join("second.jsonl")).unwrap());
        for cut in 1..second.len() - 1 {
            let mut torn = whole.clone();
            torn.extend(&second[..cut]);
            std::fs::write(&path, &torn).unwrap();
            let (newest, _) = newest(&path).unwrap().unwrap();
            assert_eq!(newest.size, 3, "cut at {cut}");
            // The next append starts its own line, and is read.
            append(&path, &signed(7), "2026-01-03T00:00:00Z").unwrap();
            assert_eq!(newest_size(&path), 7, "cut at {cut}");
        }
        // Bytes that are not a cut-short entry are still refused.
        std::fs::write(&path, [whole.as_slice(), b"{\"x\":1}\n"].concat()).unwrap();
        assert!(newest(&path).is_err());
        std::fs::write(&path, [whole.as_slice(), b"\xff\xfe\n"].concat()).unwrap();
        assert!(newest(&path).is_err());
    }

    fn newest_size(path: &Path) -> u64 {
        newest(path).unwrap().unwrap().0.size
    }
}
