//! Reading a ledger whose folder this user may not write (a read-only archive, a share): sled
//! must open its files for writing, so such a ledger is read from a copy.
//!
//! Invariant: a copy is never older than the archive it stands for. A *cached* copy (in the
//! reader's cache folder, one per archive) is used only while a fingerprint of every file of the
//! archive (name, length, modification time) is the one taken before and after it was made, so
//! every later command and web request reads it without copying again, and a change to the
//! archive makes a new one. A *private* copy (a temporary folder, removed with the store) is made
//! when there is no cache folder this user owns, when the archive changed while it was copied,
//! and for `verify`, which vouches for the archive's bytes as they are now.

use std::path::{Path, PathBuf};

use super::store::{HEAD_FILE_NAME, WRITER_WAITING_FILE};

/// Where a store being read from a copy keeps it; dropping a private one removes it.
#[derive(Debug)]
pub enum ReadCopy {
    /// Made for this command only.
    Private(tempfile::TempDir),
    /// Kept in the reader's cache while the archive is unchanged.
    Cached(PathBuf),
}

impl ReadCopy {
    /// The folder holding the copied ledger.
    pub fn path(&self) -> &Path {
        match self {
            ReadCopy::Private(dir) => dir.path(),
            ReadCopy::Cached(path) => path,
        }
    }
}

/// A fresh copy of the ledger in `archive`, for this command only.
pub fn private_copy(archive: &Path) -> std::io::Result<ReadCopy> {
    let copy = tempfile::tempdir()?;
    copy_ledger(archive, copy.path())?;
    Ok(ReadCopy::Private(copy))
}

/// The cached copy of the ledger in `archive` if the archive has not changed since it was made,
/// else a new one (kept in the cache when the archive did not change while it was copied).
/// Without a cache folder this user owns, a private copy.
pub fn cached_copy(archive: &Path) -> std::io::Result<ReadCopy> {
    let Some(root) = cache_root() else {
        return private_copy(archive);
    };
    let canonical = std::fs::canonicalize(archive)?;
    let key = short_hash(canonical.as_os_str().as_encoded_bytes());
    let folder = root.join(key);
    std::fs::create_dir_all(&folder)?;
    let before = fingerprint(archive)?;
    let kept = folder.join(&before);
    if kept.is_dir() {
        return Ok(ReadCopy::Cached(kept));
    }
    let copy = tempfile::Builder::new()
        .prefix(".copying-")
        .tempdir_in(&folder)?;
    copy_ledger(archive, copy.path())?;
    if fingerprint(archive)? != before {
        // The archive changed under the copy: good for this command, not to be kept.
        return Ok(ReadCopy::Private(copy));
    }
    let made = copy.keep();
    if let Err(error) = std::fs::rename(&made, &kept) {
        // Another reader kept the same version first: read theirs.
        let _ = std::fs::remove_dir_all(&made);
        if !kept.is_dir() {
            return Err(error);
        }
    }
    remove_older_copies(&folder, &before);
    Ok(ReadCopy::Cached(kept))
}

/// Copies a ledger's folder, its recorded head first (so the copy is never older than the head
/// it carries). The copies are the reader's own and writable by it (sled opens its files to
/// write): an archive's read-only modes are not carried over.
fn copy_ledger(from: &Path, to: &Path) -> std::io::Result<()> {
    let head = from.join(HEAD_FILE_NAME);
    if head.exists() {
        std::fs::copy(&head, to.join(HEAD_FILE_NAME))?;
        make_owner_writable(&to.join(HEAD_FILE_NAME))?;
    }
    copy_folder(from, to, true)
}

fn copy_folder(from: &Path, to: &Path, top: bool) -> std::io::Result<()> {
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            std::fs::create_dir_all(&target)?;
            copy_folder(&entry.path(), &target, false)?;
        } else if !(top && not_the_ledgers(&entry.file_name())) {
            std::fs::copy(entry.path(), &target)?;
            make_owner_writable(&target)?;
        }
    }
    Ok(())
}

/// Files of a ledger's folder that are not its contents: the head (copied first) and a waiting
/// writer's note, which comes and goes without the ledger changing.
fn not_the_ledgers(name: &std::ffi::OsStr) -> bool {
    name == HEAD_FILE_NAME || name == WRITER_WAITING_FILE
}

/// Every file of the archive (the waiting writer's note aside) with its length and modification
/// time, hashed: what changes whenever sled or an append writes there.
fn fingerprint(archive: &Path) -> std::io::Result<String> {
    let mut entries = Vec::new();
    list_files(archive, archive, &mut entries)?;
    entries.sort();
    let mut hasher = blake3::Hasher::new();
    for (name, length, modified) in entries {
        hasher.update(name.as_encoded_bytes());
        hasher.update(&[0]);
        hasher.update(&length.to_le_bytes());
        hasher.update(&modified.to_le_bytes());
    }
    Ok(hasher.finalize().to_hex()[..32].to_owned())
}

fn list_files(
    top: &Path,
    folder: &Path,
    into: &mut Vec<(std::ffi::OsString, u64, u128)>,
) -> std::io::Result<()> {
    for entry in std::fs::read_dir(folder)? {
        let entry = entry?;
        let metadata = entry.metadata()?;
        if metadata.is_dir() {
            list_files(top, &entry.path(), into)?;
        } else if folder != top || entry.file_name() != WRITER_WAITING_FILE {
            let modified = metadata
                .modified()?
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |since| since.as_nanos());
            let name = entry
                .path()
                .strip_prefix(top)
                .map_or_else(|_| entry.file_name(), |name| name.as_os_str().to_owned());
            into.push((name, metadata.len(), modified));
        }
    }
    Ok(())
}

/// Removes the copies of older versions of an archive (best effort: one a reader still has open
/// stays readable to it until it closes it).
fn remove_older_copies(folder: &Path, current: &str) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name != current && !name.starts_with(".copying-") {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn short_hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex()[..32].to_owned()
}

/// The folder this user keeps read copies in: `$XDG_CACHE_HOME/planledger/archives`, else
/// `$HOME/.cache/planledger/archives`, else a folder of the system's temporary folder that only
/// this user may enter. `None` when none of them can be made or is this user's alone.
fn cache_root() -> Option<PathBuf> {
    let from_environment = std::env::var_os("XDG_CACHE_HOME")
        .filter(|value| !value.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|value| !value.is_empty())
                .map(|home| PathBuf::from(home).join(".cache"))
        })
        .map(|base| base.join("planledger").join("archives"));
    if let Some(root) = from_environment {
        if std::fs::create_dir_all(&root).is_ok() && writable(&root) {
            return Some(root);
        }
    }
    let shared = std::env::temp_dir().join(format!("planledger-cache-{}", user_id()?));
    private_folder(&shared)
        .then(|| shared.join("archives"))
        .filter(|root| std::fs::create_dir_all(root).is_ok() && writable(root))
}

/// Whether this user may make a file in `folder`.
fn writable(folder: &Path) -> bool {
    tempfile::tempfile_in(folder).is_ok()
}

/// Makes `folder` (in a folder every user may write) as this user's alone, or accepts it if it
/// already is: a real folder, not a link, that no one else may enter.
#[cfg(unix)]
fn private_folder(folder: &Path) -> bool {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt};
    let _ = std::fs::DirBuilder::new().mode(0o700).create(folder);
    let Ok(metadata) = std::fs::symlink_metadata(folder) else {
        return false;
    };
    metadata.is_dir()
        && metadata.mode() & 0o077 == 0
        && user_id().is_some_and(|uid| uid == metadata.uid())
}

#[cfg(not(unix))]
fn private_folder(_folder: &Path) -> bool {
    false
}

/// This process's user, as the owner of a file it makes.
#[cfg(unix)]
fn user_id() -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    tempfile::tempfile()
        .and_then(|file| file.metadata())
        .ok()
        .map(|metadata| metadata.uid())
}

#[cfg(not(unix))]
fn user_id() -> Option<u32> {
    None
}

#[cfg(unix)]
fn make_owner_writable(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mut permissions = std::fs::metadata(path)?.permissions();
    permissions.set_mode(permissions.mode() | 0o600);
    std::fs::set_permissions(path, permissions)
}

#[cfg(not(unix))]
fn make_owner_writable(path: &Path) -> std::io::Result<()> {
    let mut permissions = std::fs::metadata(path)?.permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    permissions.set_readonly(false);
    std::fs::set_permissions(path, permissions)
}
