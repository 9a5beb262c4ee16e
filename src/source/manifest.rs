//! The manifest: a JSON file (`manifest.json`) in a folder of documents that says, per file,
//! which meeting it was presented at, its title, label, format and series.
//!
//! Invariant: every fact here comes from the person who wrote the manifest; a fact that is not
//! known is `null`, and nothing is filled in by guessing.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::meeting::Meeting;

/// The file name planledger looks for in a folder given to `ingest`.
pub const MANIFEST_FILE_NAME: &str = "manifest.json";

/// The layout family of a document, which decides the extractor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocumentFormat {
    /// 取組一覧: the progress table of measures and the actions each bureau reports.
    Torikumi,
    /// スライド: meeting slides that quote plan texts and cite figures.
    Slides,
}

impl DocumentFormat {
    pub fn parse(text: &str) -> Option<DocumentFormat> {
        match text {
            "torikumi" => Some(DocumentFormat::Torikumi),
            "slides" => Some(DocumentFormat::Slides),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DocumentFormat::Torikumi => "torikumi",
            DocumentFormat::Slides => "slides",
        }
    }
}

/// What is known about one document before it is read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentDescription {
    /// The file, relative to the manifest's folder.
    pub file: String,
    pub meeting: Meeting,
    /// 資料 title as published.
    pub title: Option<String>,
    /// 資料1, 参考資料6 …
    #[serde(default)]
    pub label: Option<String>,
    pub format: DocumentFormat,
    /// Versions of one document share a series; when absent, a 取組一覧's series comes from its
    /// title line.
    #[serde(default)]
    pub series: Option<String>,
    /// Facts added by hand, each resting on a verbatim quote that must be in the document.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub facts: Vec<CuratedFact>,
}

/// A target added by hand: what the extractor does not read (a goal with a deadline, a figure
/// in a sentence with no label) but the document plainly states.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CuratedFact {
    pub label: String,
    /// A decimal number as a string ("60", "54.4").
    pub value: String,
    pub unit: Option<String>,
    /// The date the figure holds for, in any form `state --at` accepts or as written
    /// (令和7年4月1日, 2023年3月, 令和6年度).
    #[serde(default)]
    pub as_of: Option<String>,
    /// The date a goal is due (2029年度末).
    #[serde(default)]
    pub deadline: Option<String>,
    /// Verbatim text of the document the fact rests on; compared ignoring line breaks, spaces,
    /// full-width/half-width and bullet differences.
    pub quote: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub manifest_version: u32,
    pub documents: Vec<DocumentDescription>,
}

#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("{path}: cannot read the manifest: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: line {line}, column {column}: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: manifest_version {found} is not supported (this planledger reads version 1)")]
    Version { path: PathBuf, found: u32 },
    #[error("{path}: entry {index} names {file:?}, which does not exist in {folder}")]
    MissingFile {
        path: PathBuf,
        index: usize,
        file: String,
        folder: PathBuf,
    },
    #[error("{path}: entry {index}, field \"file\": {file:?} {why}; a manifest names files inside its own folder")]
    OutsideFolder {
        path: PathBuf,
        index: usize,
        file: String,
        why: &'static str,
    },
    #[error("{path}: entry {index} names {file:?} a second time")]
    DuplicateFile {
        path: PathBuf,
        index: usize,
        file: String,
    },
}

/// Why a manifest entry's file is not inside the manifest's folder, if it is not: an absolute
/// path, a `..` component, or a symbolic link that leads out of the folder.
fn outside_folder(folder: &Path, file: &str) -> Option<&'static str> {
    use std::path::Component;
    let relative = Path::new(file);
    if relative.is_absolute() || file.starts_with(['/', '\\']) || relative.has_root() {
        return Some("is an absolute path");
    }
    if relative
        .components()
        .any(|c| matches!(c, Component::ParentDir | Component::Prefix(_)))
    {
        return Some("climbs out with ..");
    }
    let (Ok(inside), Ok(resolved)) = (folder.canonicalize(), folder.join(relative).canonicalize())
    else {
        return None; // a missing file is reported as missing
    };
    (!resolved.starts_with(&inside)).then_some("is a symbolic link that leads out of the folder")
}

impl Manifest {
    /// Reads and checks `folder/manifest.json`: valid JSON of the documented shape, real dates,
    /// every named file present, no file named twice.
    pub fn load(folder: &Path) -> Result<Manifest, ManifestError> {
        let path = folder.join(MANIFEST_FILE_NAME);
        let text =
            super::bounded::read_at_most(&path, super::bounded::MAX_MANIFEST_BYTES, "a manifest")
                .and_then(|bytes| {
                    String::from_utf8(bytes).map_err(|_| {
                        std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text")
                    })
                })
                .map_err(|source| ManifestError::Read {
                    path: path.clone(),
                    source,
                })?;
        // A manifest saved by an editor that writes a byte-order mark is still JSON.
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(&text);
        let manifest: Manifest =
            serde_json::from_str(text).map_err(|error| ManifestError::Invalid {
                path: path.clone(),
                line: error.line(),
                column: error.column(),
                // The position is said once, in the message's own words.
                message: error
                    .to_string()
                    .split(" at line ")
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
            })?;
        if manifest.manifest_version != 1 {
            return Err(ManifestError::Version {
                path,
                found: manifest.manifest_version,
            });
        }
        let mut seen = std::collections::BTreeSet::new();
        for (index, document) in manifest.documents.iter().enumerate() {
            if !seen.insert(document.file.as_str()) {
                return Err(ManifestError::DuplicateFile {
                    path,
                    index,
                    file: document.file.clone(),
                });
            }
            if let Some(why) = outside_folder(folder, &document.file) {
                return Err(ManifestError::OutsideFolder {
                    path,
                    index,
                    file: document.file.clone(),
                    why,
                });
            }
            if !folder.join(&document.file).is_file() {
                return Err(ManifestError::MissingFile {
                    path,
                    index,
                    file: document.file.clone(),
                    folder: folder.to_path_buf(),
                });
            }
        }
        Ok(manifest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder_with(manifest: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "本文").unwrap();
        std::fs::write(dir.path().join(MANIFEST_FILE_NAME), manifest).unwrap();
        dir
    }

    fn manifest_naming(file: &str) -> String {
        format!(
            r#"{{"manifest_version": 1, "documents": [{{"file": {}, "meeting": {{"body": "b", "ordinal": 1, "date": "2025-01-01"}}, "title": null, "format": "slides"}}]}}"#,
            serde_json::to_string(file).unwrap()
        )
    }

    #[test]
    fn entries_name_files_inside_the_folder() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("x.txt"), "外").unwrap();
        let absolute = outside.path().join("x.txt");
        for (file, why) in [
            ("../x.txt", "climbs out with .."),
            ("sub/../../x.txt", "climbs out with .."),
            (absolute.to_str().unwrap(), "is an absolute path"),
        ] {
            let dir = folder_with(&manifest_naming(file));
            let error = Manifest::load(dir.path()).unwrap_err().to_string();
            assert!(error.contains(why), "{file}: {error}");
            assert!(error.contains("entry 0, field \"file\""), "{error}");
        }
        #[cfg(unix)]
        {
            let dir = folder_with(&manifest_naming("link.txt"));
            std::os::unix::fs::symlink(&absolute, dir.path().join("link.txt")).unwrap();
            let error = Manifest::load(dir.path()).unwrap_err().to_string();
            assert!(error.contains("symbolic link that leads out"), "{error}");
        }
        let dir = folder_with(&manifest_naming("a.txt"));
        assert_eq!(Manifest::load(dir.path()).unwrap().documents.len(), 1);
    }

    #[test]
    fn a_byte_order_mark_is_accepted_and_errors_say_their_position_once() {
        let dir = folder_with(&format!("\u{FEFF}{}", manifest_naming("a.txt")));
        assert_eq!(Manifest::load(dir.path()).unwrap().documents.len(), 1);
        let dir = folder_with(r#"{"manifest_version": 1, "documents": [}"#);
        let error = Manifest::load(dir.path()).unwrap_err().to_string();
        assert_eq!(error.matches("line").count(), 1, "{error}");
        assert!(error.contains("line 1, column"), "{error}");
    }
}
