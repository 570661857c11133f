//! What peerstream keeps beside each torrent folder to manage the cache's life: the pin marker,
//! the last-access record and the in-use lock.
//!
//! - `.peerstream-pinned`: present = never evicted (written atomically, content unused).
//! - `.peerstream-access`: the Unix time of the last request that resolved to the torrent,
//!   rewritten at most once a minute per torrent (filesystems mount with noatime, and a write
//!   per range request would cost more than the request).
//! - `.peerstream-lock`: every stream and every running torrent holds a shared `flock` on it;
//!   eviction and `cache rm` take it exclusively, so an entry in use in any process on this
//!   machine is never removed. The OS releases the locks when a process dies.
//!
//! Blocking: call from blocking contexts only.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::files::{MAX_SMALL_FILE_BYTES, read_small_text, write_atomic};
use crate::target::InfoHash;

pub const PIN_MARKER: &str = ".peerstream-pinned";
pub const ACCESS_RECORD: &str = ".peerstream-access";
pub const LOCK_FILE: &str = ".peerstream-lock";

/// The access record of a torrent is rewritten at most this often.
pub const ACCESS_WRITE_INTERVAL: Duration = Duration::from_secs(60);

/// A shared lock on a torrent folder's lock file: the entry is in use while this lives.
#[derive(Debug)]
pub struct InUse {
    _file: File,
}

/// An exclusive lock: nobody else uses the entry while this lives (eviction, `cache rm`).
#[derive(Debug)]
pub struct Exclusive {
    _file: File,
}

/// Takes a shared lock on `folder`'s lock file, creating it; `None` when the folder does not
/// exist (a loose file, or a torrent not added yet) or it is being removed right now.
pub fn hold(folder: &Path) -> Option<InUse> {
    // No folder, no lock file: the open fails (ENOENT / ENOTDIR), no separate `stat` needed.
    let file = open_lock(folder, true).ok()?;
    match file.try_lock_shared() {
        Ok(()) => Some(InUse { _file: file }),
        Err(e) => {
            tracing::debug!("not holding {}: {e}", folder.display());
            None
        }
    }
}

/// Takes the exclusive lock, or `None` when a stream or a running torrent holds the entry.
/// A folder without a lock file was never held: the lock file is created then.
pub fn try_exclusive(folder: &Path) -> std::io::Result<Option<Exclusive>> {
    let file = open_lock(folder, true)?;
    match file.try_lock() {
        Ok(()) => Ok(Some(Exclusive { _file: file })),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

/// Whether a stream or a running torrent (in any process) holds `folder`. Creates nothing.
pub fn in_use(folder: &Path) -> bool {
    let Ok(file) = open_lock(folder, false) else {
        return false;
    };
    matches!(file.try_lock(), Err(std::fs::TryLockError::WouldBlock))
}

fn open_lock(folder: &Path, create: bool) -> std::io::Result<File> {
    OpenOptions::new()
        .read(true)
        .write(create)
        .create(create)
        .truncate(false)
        .open(folder.join(LOCK_FILE))
}

pub fn is_pinned(folder: &Path) -> bool {
    std::fs::symlink_metadata(folder.join(PIN_MARKER)).is_ok_and(|m| m.is_file())
}

pub fn set_pinned(folder: &Path, pinned: bool) -> std::io::Result<()> {
    if pinned {
        write_atomic(folder, PIN_MARKER, b"")
    } else {
        match std::fs::remove_file(folder.join(PIN_MARKER)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

/// The recorded last access of a torrent folder; without a record, when the folder last
/// changed (its download).
pub fn last_access(folder: &Path) -> Option<SystemTime> {
    read_small_text(&folder.join(ACCESS_RECORD), MAX_SMALL_FILE_BYTES)
        .ok()
        .and_then(|t| t.trim().parse::<u64>().ok())
        .map(|secs| UNIX_EPOCH + Duration::from_secs(secs))
        .or_else(|| std::fs::metadata(folder).and_then(|m| m.modified()).ok())
}

pub fn write_access(folder: &Path, when: SystemTime) -> std::io::Result<()> {
    let secs = when.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    write_atomic(folder, ACCESS_RECORD, format!("{secs}\n").as_bytes())
}

/// When each torrent's access was last written by this process: the throttle of
/// [`ACCESS_WRITE_INTERVAL`]. Shared by the clones of one `Cache`.
#[derive(Debug, Clone, Default)]
pub struct AccessLog {
    written: Arc<Mutex<HashMap<InfoHash, Instant>>>,
}

impl AccessLog {
    /// Whether [`AccessLog::touch`] would write now. Never blocks.
    pub fn due(&self, info_hash: &InfoHash) -> bool {
        let written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        is_due(&written, info_hash, Instant::now())
    }

    /// Records an access to `folder` unless one was written less than a minute ago. O(1):
    /// one map look-up, and at most one small atomic write per torrent and minute.
    pub fn touch(&self, info_hash: InfoHash, folder: &Path) {
        let now = Instant::now();
        {
            let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
            if !is_due(&written, &info_hash, now) {
                return;
            }
            written.insert(info_hash, now);
        }
        if !folder.is_dir() {
            return;
        }
        if let Err(e) = write_access(folder, SystemTime::now()) {
            tracing::debug!("recording the access to {}: {e}", folder.display());
        }
    }
}

fn is_due(written: &HashMap<InfoHash, Instant>, info_hash: &InfoHash, now: Instant) -> bool {
    written
        .get(info_hash)
        .is_none_or(|at| now.duration_since(*at) >= ACCESS_WRITE_INTERVAL)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_hold_blocks_the_exclusive_lock_until_dropped() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!in_use(dir.path()));
        let held = hold(dir.path()).unwrap();
        let second = hold(dir.path()).unwrap();
        assert!(in_use(dir.path()));
        assert!(try_exclusive(dir.path()).unwrap().is_none());
        drop(held);
        assert!(in_use(dir.path()), "the second stream still holds it");
        drop(second);
        assert!(!in_use(dir.path()));
        let exclusive = try_exclusive(dir.path()).unwrap().unwrap();
        assert!(hold(dir.path()).is_none(), "being removed");
        drop(exclusive);
        assert!(hold(dir.path()).is_some(), "free again");
        assert!(hold(&dir.path().join("absent")).is_none());
    }

    #[test]
    fn pins_and_access_records_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!is_pinned(dir.path()));
        set_pinned(dir.path(), true).unwrap();
        assert!(is_pinned(dir.path()));
        set_pinned(dir.path(), false).unwrap();
        set_pinned(dir.path(), false).unwrap();
        assert!(!is_pinned(dir.path()));

        let when = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        write_access(dir.path(), when).unwrap();
        assert_eq!(last_access(dir.path()), Some(when));

        // Throttled: a second touch within the minute writes nothing.
        let log = AccessLog::default();
        let hash = InfoHash::from_bytes([1; 20]);
        assert!(log.due(&hash));
        log.touch(hash, dir.path());
        assert!(!log.due(&hash));
        let first = last_access(dir.path()).unwrap();
        assert!(first > when);
        write_access(dir.path(), when).unwrap();
        log.touch(hash, dir.path());
        assert_eq!(last_access(dir.path()), Some(when));
    }
}
