//! What to ingest: the paths a user names, turned into requests (a file and its description).
//!
//! A folder is described by its `manifest.json`; a single file by the flags given for it, or by
//! the manifest of its own folder. Invariant: every path is checked and described before
//! anything is appended, so a typo in the last path does not leave a half-done run.

use std::path::{Path, PathBuf};

use super::{requests_from_folder, IngestError, IngestRequest};
use crate::source::manifest::{DocumentDescription, DocumentFormat, Manifest, MANIFEST_FILE_NAME};
use crate::source::meeting::{Meeting, MeetingRef};

/// What the command line says of a single file (`--meeting`, `--date`, `--format`, …).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SingleFile {
    /// 会議体 第N回, e.g. "がん対策推進協議会 第92回".
    pub meeting: Option<String>,
    /// A day in any form `date_flag` reads (2025-10-06, 令和7年10月6日, …), or "unknown".
    pub date: Option<String>,
    /// torikumi or slides; recognised from the text when absent.
    pub format: Option<String>,
    /// 資料名.
    pub title: Option<String>,
    /// 資料1, 参考資料6.
    pub label: Option<String>,
    pub series: Option<String>,
}

/// The requests for a run, and what was decided for the user that they should be told (a
/// format recognised from the text, with the reason).
#[derive(Debug, Clone, Default)]
pub struct Prepared {
    pub requests: Vec<IngestRequest>,
    pub notices: Vec<String>,
}

/// Turns the paths into requests, checking all of them before anything is appended.
pub fn requests_for(paths: &[PathBuf], flags: &SingleFile) -> Result<Prepared, IngestError> {
    let mut prepared = Prepared::default();
    for path in paths {
        if path.is_dir() {
            prepared.requests.extend(requests_from_folder(path)?);
        } else if path.is_file() {
            let description = if flags.describes_a_file() {
                flags.describe(path, &mut prepared.notices)?
            } else {
                described_in_manifest(path)?
            };
            prepared.requests.push(IngestRequest {
                path: path.clone(),
                description,
            });
        } else {
            // Say what the system said: a symbolic-link loop or a permission problem is not
            // a missing file.
            let path = path.clone();
            return Err(match std::fs::metadata(&path) {
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                    IngestError::Missing { path }
                }
                Err(source) => IngestError::Inaccessible { path, source },
                Ok(_) => IngestError::NotAFile { path },
            });
        }
    }
    Ok(prepared)
}

impl SingleFile {
    /// Whether the flags describe a file at all (else its folder's manifest must).
    fn describes_a_file(&self) -> bool {
        self.meeting.is_some() || self.date.is_some() || self.format.is_some()
    }

    fn describe(
        &self,
        path: &Path,
        notices: &mut Vec<String>,
    ) -> Result<DocumentDescription, IngestError> {
        let (Some(meeting), Some(date)) = (&self.meeting, &self.date) else {
            return Err(IngestError::NeedsMeetingAndDate {
                path: path.to_path_buf(),
            });
        };
        let format = match &self.format {
            Some(format) => {
                DocumentFormat::parse(format).ok_or_else(|| IngestError::UnknownFormat {
                    given: format.clone(),
                })?
            }
            None => {
                let (format, why) = recognised_format(path)?;
                notices.push(format!(
                    "{}: no --format given; recognised as {} ({why})",
                    path.display(),
                    format.as_str()
                ));
                format
            }
        };
        let (body, ordinal) = meeting_flag(meeting)?;
        Ok(DocumentDescription {
            file: path.display().to_string(),
            meeting: Meeting {
                body,
                ordinal,
                date: date_flag(date)?,
            },
            title: self.title.clone(),
            label: self.label.clone(),
            format,
            series: self.series.clone(),
            facts: Vec::new(),
        })
    }
}

/// A `--date` flag: a real calendar day in any form a meeting reference takes one
/// (`2025-10-06`, `令和7年10月6日`, …), or "unknown".
pub fn date_flag(date: &str) -> Result<Option<time::Date>, IngestError> {
    match (date, MeetingRef::parse(date)) {
        ("unknown", _) => Ok(None),
        (_, Ok(MeetingRef::Date(day))) => Ok(Some(day)),
        (given, _) => Err(IngestError::BadDate {
            given: given.to_owned(),
        }),
    }
}

/// A `--meeting` flag: the body (when given) and the ordinal — never a day, which is `--date`'s.
pub fn meeting_flag(meeting: &str) -> Result<(Option<String>, Option<u32>), IngestError> {
    match MeetingRef::parse(meeting)? {
        MeetingRef::Ordinal { body, ordinal } => Ok((body, Some(ordinal))),
        MeetingRef::Date(_) => Err(IngestError::MeetingIsADay {
            given: meeting.to_owned(),
        }),
    }
}

/// The format of a file given without `--format`, and why.
fn recognised_format(path: &Path) -> Result<(DocumentFormat, String), IngestError> {
    let bytes = super::read_document(path).map_err(|source| IngestError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let (text, _) =
        crate::source::decode::decode(&bytes).map_err(|source| IngestError::Decode {
            path: path.to_path_buf(),
            source,
        })?;
    crate::extract::recognise_format(&text).ok_or_else(|| IngestError::Unrecognised {
        path: path.to_path_buf(),
    })
}

/// A single file listed in the manifest of its own folder needs no flags.
fn described_in_manifest(path: &Path) -> Result<DocumentDescription, IngestError> {
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
    Err(IngestError::Undescribed {
        path: path.to_path_buf(),
    })
}
