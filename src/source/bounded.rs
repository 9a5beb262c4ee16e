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

/// The lines of a line-oriented file (each without its `\n`), read one at a time within the
/// limits [`read_lines_at_most`] holds a whole file to: memory holds one line, whatever the file's
/// size. A regular file over `limit` is refused before its first line; any other is refused at
/// the line that passes it.
pub fn lines_at_most(
    path: &Path,
    limit: u64,
    max_line: u64,
    what: &str,
) -> std::io::Result<impl Iterator<Item = std::io::Result<Vec<u8>>>> {
    use std::io::BufRead;
    let (file, _) = open_within(path, limit, what)?;
    let what = what.to_owned();
    let mut reader = std::io::BufReader::with_capacity(256 * 1024, file.take(limit + 1));
    let (mut line_number, mut read, mut ended) = (0u64, 0u64, false);
    Ok(std::iter::from_fn(move || {
        if ended {
            return None;
        }
        line_number += 1;
        let mut line = Vec::new();
        // At most one byte past the longest line a line may be, so an endless line stops there.
        let taken = match (&mut reader)
            .take(max_line + 1)
            .read_until(b'\n', &mut line)
        {
            Ok(taken) => taken as u64,
            Err(error) => {
                ended = true;
                return Some(Err(error));
            }
        };
        read += taken;
        let had_end = line.last() == Some(&b'\n');
        if had_end {
            line.pop();
        }
        let refused = if read > limit {
            Some(format!(
                "more than the {} {what} may be; planledger reads no further",
                shown_size(limit)
            ))
        } else if line.len() as u64 > max_line {
            Some(format!(
                "line {line_number} is longer than the {} a line of {what} may be; planledger reads no further",
                shown_size(max_line)
            ))
        } else {
            None
        };
        if let Some(message) = refused {
            ended = true;
            return Some(Err(too_large(message)));
        }
        if !had_end {
            ended = true;
            if line.is_empty() {
                return None;
            }
        }
        Some(Ok(line))
    }))
}

/// The file at `path`, opened, and its metadata; a regular file over `limit` is refused here,
/// before a byte of it is read.
fn open_within(
    path: &Path,
    limit: u64,
    what: &str,
) -> std::io::Result<(std::fs::File, std::fs::Metadata)> {
    let file = std::fs::File::open(path)?;
    let metadata = file.metadata()?;
    if metadata.is_file() && metadata.len() > limit {
        return Err(too_large(format!(
            "{} is larger than the {} {what} may be; planledger reads no further",
            shown_size(metadata.len()),
            shown_size(limit)
        )));
    }
    Ok((file, metadata))
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
    let (file, metadata) = open_within(path, limit, what)?;
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
    fn lines_read_one_at_a_time_are_the_file_split_at_its_line_breaks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.jsonl");
        for text in ["a\nbc\n", "a\nbc", "a\n\n", "", "\n", "a", "\n\nx\n"] {
            std::fs::write(&path, text).unwrap();
            let read: Vec<Vec<u8>> = lines_at_most(&path, 1000, 10, "an export")
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            let body = text.strip_suffix('\n').unwrap_or(text);
            let expected: Vec<Vec<u8>> = if text.is_empty() {
                Vec::new()
            } else {
                body.split('\n')
                    .map(|line| line.as_bytes().to_vec())
                    .collect()
            };
            assert_eq!(read, expected, "{text:?}");
        }
        // A line too long is named by its number, after the lines before it were read.
        std::fs::write(&path, format!("{}\n{}\n", "a".repeat(10), "b".repeat(100))).unwrap();
        let read: Vec<_> = lines_at_most(&path, 1000, 50, "an export")
            .unwrap()
            .collect();
        assert_eq!(read.len(), 2);
        let error = read[1].as_ref().unwrap_err();
        assert!(
            error
                .to_string()
                .contains("line 2 is longer than the 50 bytes"),
            "{error}"
        );
        // The whole file over its limit: refused before a line is read.
        let error = lines_at_most(&path, 100, 200, "an export").err().unwrap();
        assert!(
            error.to_string().contains("larger than the 100 bytes"),
            "{error}"
        );
        // An endless device: refused at its first line.
        let mut zero = lines_at_most(Path::new("/dev/zero"), MIB, 100, "an export").unwrap();
        let error = zero.next().unwrap().unwrap_err();
        assert!(error.to_string().contains("line 1 is longer"), "{error}");
        assert!(zero.next().is_none());
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
