//! Reading a ledger whose folder this user may not write (a read-only archive, a share): sled
//! must open its files for writing, so such a ledger is read from a copy.
//!
//! Invariant: a copy is never older than the archive it stands for. A *cached* copy (in the
//! reader's cache folder, one per archive, only that user's) is used only while a fingerprint of
//! the archive (its recorded head's contents; every file's name, length, times and inode) is the
//! one taken before and after it was made, so
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
    /// Kept in the reader's cache while the archive is unchanged. `_readers` holds a shared
    /// lock on the archive's cache folder while the copy is read, so no other reader removes
    /// it meanwhile (copies of other versions are removed only under an exclusive one).
    Cached {
        path: PathBuf,
        _readers: std::fs::File,
    },
}

impl ReadCopy {
    /// The folder holding the copied ledger.
    pub fn path(&self) -> &Path {
        match self {
            ReadCopy::Private(dir) => dir.path(),
            ReadCopy::Cached { path, .. } => path,
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
    let folder = root.join(short_hash(canonical.as_os_str().as_encoded_bytes()));
    if !private_folder(&folder) {
        return private_copy(archive);
    }
    let readers = std::fs::File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(folder.join(".readers"))?;
    readers.lock_shared()?;
    let before = fingerprint(archive)?;
    let kept = folder.join(&before);
    if !is_ledger_copy(&kept) {
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
            if !is_ledger_copy(&kept) {
                return Err(error);
            }
        }
        // Other versions go only when no one else reads here (an exclusive lock, not waited
        // for); the shared lock is then taken again before this copy is read.
        readers.unlock()?;
        if readers.try_lock().is_ok() {
            remove_other_copies(&folder, &before);
            readers.unlock()?;
        }
        readers.lock_shared()?;
        if !is_ledger_copy(&kept) {
            // Removed by the reader of another version in between: read a copy of one's own.
            return private_copy(archive);
        }
    }
    Ok(ReadCopy::Cached {
        path: kept,
        _readers: readers,
    })
}

/// Whether `folder` holds a copied ledger (sled's files), so that sled is never pointed at a
/// folder where it would make an empty ledger.
fn is_ledger_copy(folder: &Path) -> bool {
    ["conf", "db"]
        .iter()
        .all(|name| folder.join(name).is_file())
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

/// The recorded head's contents (every append rewrites it, as a new file) and every file of
/// the archive (the waiting writer's note aside) with its length, modification and change times
/// and inode, links followed, hashed: what changes whenever sled or an append writes there,
/// even within one tick of a coarse clock.
fn fingerprint(archive: &Path) -> std::io::Result<String> {
    let mut entries = Vec::new();
    list_files(archive, archive, &mut entries)?;
    entries.sort();
    let mut hasher = blake3::Hasher::new();
    match std::fs::read(archive.join(HEAD_FILE_NAME)) {
        Ok(head) => hasher.update(&head),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => hasher.update(b"no head"),
        Err(error) => return Err(error),
    };
    for (name, stamp) in entries {
        hasher.update(name.as_encoded_bytes());
        hasher.update(&[0]);
        for number in stamp {
            hasher.update(&number.to_le_bytes());
        }
    }
    Ok(hasher.finalize().to_hex()[..32].to_owned())
}

/// A file's length, modification and change times (nanoseconds) and inode.
fn stamp(metadata: &std::fs::Metadata) -> std::io::Result<[u128; 4]> {
    let modified = metadata
        .modified()?
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos());
    #[cfg(unix)]
    let (changed, inode) = {
        use std::os::unix::fs::MetadataExt;
        let changed =
            i128::from(metadata.ctime()) * 1_000_000_000 + i128::from(metadata.ctime_nsec());
        (changed.unsigned_abs(), u128::from(metadata.ino()))
    };
    #[cfg(not(unix))]
    let (changed, inode) = (0, 0);
    Ok([u128::from(metadata.len()), modified, changed, inode])
}

fn list_files(
    top: &Path,
    folder: &Path,
    into: &mut Vec<(std::ffi::OsString, [u128; 4])>,
) -> std::io::Result<()> {
    for entry in std::fs::read_dir(folder)? {
        let entry = entry?;
        let metadata = std::fs::metadata(entry.path())?;
        if metadata.is_dir() {
            list_files(top, &entry.path(), into)?;
        } else if folder != top || entry.file_name() != WRITER_WAITING_FILE {
            let name = entry
                .path()
                .strip_prefix(top)
                .map_or_else(|_| entry.file_name(), |name| name.as_os_str().to_owned());
            into.push((name, stamp(&metadata)?));
        }
    }
    Ok(())
}

/// Removes the copies of other versions of an archive, and copies left half made by a reader
/// killed more than an hour ago (best effort). The caller holds the folder's exclusive lock:
/// no one reads a copy here.
fn remove_other_copies(folder: &Path, current: &str) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let abandoned = || {
            entry
                .metadata()
                .and_then(|metadata| metadata.modified())
                .is_ok_and(|modified| {
                    modified
                        .elapsed()
                        .is_ok_and(|age| age > std::time::Duration::from_secs(3600))
                })
        };
        let other_version = name != current && !name.starts_with('.');
        if other_version || (name.starts_with(".copying-") && abandoned()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn short_hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex()[..32].to_owned()
}

/// The folder this user keeps read copies in: `$XDG_CACHE_HOME/planledger/archives`, else
/// `$HOME/.cache/planledger/archives`, else a folder of the system's temporary folder — each
/// only this user's (owned, entered by no one else). `None` when none of them can be made so.
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
        let parent_made = root
            .parent()
            .is_some_and(|parent| std::fs::create_dir_all(parent).is_ok());
        if parent_made && private_folder(&root) {
            return Some(root);
        }
    }
    let shared = std::env::temp_dir().join(format!("planledger-cache-{}", user_id()?));
    let root = shared.join("archives");
    (private_folder(&shared) && private_folder(&root)).then_some(root)
}

/// Makes `folder` as this user's alone, or accepts it if it already is: a real folder, not a
/// link, owned by this user, that no one else may enter (a copy found in it is trusted as this
/// user's own).
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
    static USER: std::sync::OnceLock<Option<u32>> = std::sync::OnceLock::new();
    *USER.get_or_init(|| {
        tempfile::tempfile()
            .and_then(|file| file.metadata())
            .ok()
            .map(|metadata| metadata.uid())
    })
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
