//! Reading files from outside the ledger within stated limits: documents, manifests, exports,
//! checkpoints, proofs and keys.
//!
//! Invariant: whatever the path names — a regular file, a sparse one, a device such as
//! `/dev/zero`, a pipe — a reader holds at most its limit (and one buffer) in memory: a regular
//! file's size is checked on its metadata before any byte is read, and every read stops one byte
//! past the limit. A file over its limit is an `InvalidData` error that names the limit, so
//! each caller's error type carries it as it carries any other read failure.

use std::io::Read;
use std::path::Path;

const MIB: u64 = 1024 * 1024;

/// A document (text extracted from a PDF; seed 000 is 234 KB).
pub const MAX_DOCUMENT_BYTES: u64 = 64 * MIB;
/// A folder's `manifest.json`.
pub const MAX_MANIFEST_BYTES: u64 = 16 * MIB;
/// An export (JSON Lines): the whole file …
pub const MAX_EXPORT_BYTES: u64 = 4096 * MIB;
/// … and each of its lines (one event; the longest of the seeds' is under 8 KB).
pub const MAX_EXPORT_LINE_BYTES: u64 = MIB;
/// A checkpoint, a proof or a key file.
pub const MAX_SMALL_FILE_BYTES: u64 = MIB;

/// The bytes of a file of at most `limit` bytes; `what` names it in the error ("a document").
pub fn read_at_most(path: &Path, limit: u64, what: &str) -> std::io::Result<Vec<u8>> {
    read_checked(path, limit, None, what)
}

/// The bytes of a line-oriented file of at most `limit` bytes whose every line is at most
/// `max_line` bytes: an endless line (`/dev/zero`) is refused after `max_line` bytes, not after
/// the whole limit.
pub fn read_lines_at_most(
    path: &Path,
    limit: u64,
    max_line: u64,
    what: &str,
) -> std::io::Result<Vec<u8>> {
    read_checked(path, limit, Some(max_line), what)
}

fn too_large(message: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, message)
}

/// `12 MiB`, `4 GiB`, `900 bytes`.
pub fn shown_size(bytes: u64) -> String {
    if bytes >= 1024 * MIB && bytes.is_multiple_of(1024 * MIB) {
        format!("{} GiB", bytes / (1024 * MIB))
    } else if bytes >= MIB {
        format!("{:.0} MiB", bytes as f64 / MIB as f64)
    } else {
        format!("{bytes} bytes")
    }
}

fn read_checked(
    path: &Path,
    limit: u64,
    max_line: Option<u64>,
    what: &str,
) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let metadata = file.metadata()?;
    if metadata.is_file() && metadata.len() > limit {
        return Err(too_large(format!(
            "{} is larger than the {} {what} may be; planledger reads no further",
            shown_size(metadata.len()),
            shown_size(limit)
        )));
    }
    let mut bytes = Vec::with_capacity(if metadata.is_file() {
        metadata.len() as usize
    } else {
        0
    });
    let mut reader = file.take(limit + 1);
    let mut buffer = vec![0u8; 64 * 1024];
    let (mut line, mut line_length) = (1u64, 0u64);
    loop {
        let read = match reader.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => read,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        let chunk = buffer.get(..read).ok_or_else(|| {
            std::io::Error::other("a read reported more bytes than its buffer holds")
        })?;
        if let Some(max_line) = max_line {
            for &byte in chunk {
                if byte == b'\n' {
                    line += 1;
                    line_length = 0;
                } else {
                    line_length += 1;
                    if line_length > max_line {
                        return Err(too_large(format!(
                            "line {line} is longer than the {} a line of {what} may be; planledger reads no further",
                            shown_size(max_line)
                        )));
                    }
                }
            }
        }
        bytes.extend_from_slice(chunk);
        if bytes.len() as u64 > limit {
            return Err(too_large(format!(
                "more than the {} {what} may be; planledger reads no further",
                shown_size(limit)
            )));
        }
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_over_its_limit_is_refused_before_or_while_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.txt");
        std::fs::write(&path, "a".repeat(2000)).unwrap();
        let error = read_at_most(&path, 1000, "a document").unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidData);
        assert!(error
            .to_string()
            .contains("larger than the 1000 bytes a document may be"));
        assert_eq!(read_at_most(&path, 2000, "a document").unwrap().len(), 2000);
        // A line too long is named by its number.
        std::fs::write(&path, format!("{}\n{}\n", "a".repeat(10), "b".repeat(100))).unwrap();
        let error = read_lines_at_most(&path, 1000, 50, "an export").unwrap_err();
        assert!(
            error
                .to_string()
                .contains("line 2 is longer than the 50 bytes"),
            "{error}"
        );
        assert!(read_lines_at_most(&path, 1000, 100, "an export").is_ok());
    }

    #[test]
    fn an_endless_device_is_refused_at_its_limit() {
        let zero = Path::new("/dev/zero");
        let error = read_at_most(zero, 4096, "a checkpoint").unwrap_err();
        assert!(
            error.to_string().contains("more than the 4096 bytes"),
            "{error}"
        );
        let error = read_lines_at_most(zero, MIB, 100, "an export").unwrap_err();
        assert!(error.to_string().contains("line 1 is longer"), "{error}");
    }
}
