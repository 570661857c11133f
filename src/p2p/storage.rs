//! Disk space and disk errors: the free-space check before a download, and the storage that
//! turns a failed write into a disk fault of the torrent instead of a fault of the peer.
//!
//! What librqbit 9.1 does on its own when the disk fills up:
//! - its `pwritev` path does not check the count written in release builds (only a
//!   `debug_assert` looks at it). A download filling a tmpfs gets such short writes (4096 of
//!   16384 bytes); the chunk then counts as written, the piece hashes wrong, and the healthy
//!   peer that sent it is dropped as "bogus";
//! - a write that fails outright is a fatal error that stops the whole torrent (its live
//!   state is paused and every peer connection closes) and leaves it in its error state.
//!
//! So [`GuardedStorage`] wraps librqbit's filesystem storage: every write either lands whole
//! or fails, and a failure is recorded in the torrent's [`DiskWatch`] before librqbit sees it.
//! librqbit's fatal-error path then does the pausing — no peer is blamed, nothing is marked
//! verified — and peerstream reports the recorded fault (state `disk_full` / `disk_error`,
//! `fetch` exit code 10, HTTP 507). Pausing from inside the write is not possible: the write
//! runs under librqbit's piece lock, and its pause takes the torrent's state lock.

use std::io::{self, IoSlice};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use librqbit::storage::filesystem::FilesystemStorageFactory;
use librqbit::storage::{BoxStorageFactory, StorageFactory, StorageFactoryExt, TorrentStorage};
use librqbit::{ManagedTorrentShared, TorrentMetadata};

use super::P2pError;
use crate::target::InfoHash;

/// A write to the torrent's files failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiskFault {
    /// The filesystem is full (ENOSPC) or the user's quota is used up (EDQUOT).
    pub full: bool,
    pub message: String,
}

/// The disk fault of one torrent, shared by every storage librqbit creates for it (a new one
/// after each pause or restart).
#[derive(Debug, Default)]
pub struct DiskWatch {
    fault: Mutex<Option<DiskFault>>,
}

impl DiskWatch {
    pub fn fault(&self) -> Option<DiskFault> {
        self.fault.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Forgets the fault before the torrent is started again.
    pub fn clear(&self) {
        *self.fault.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// Keeps the first fault (later writes fail for the same reason) and logs it once.
    /// `doing`: what failed, e.g. "writing Movie.mkv".
    fn record(&self, info_hash: &InfoHash, doing: &str, error: &anyhow::Error) {
        let full = is_disk_full(error);
        let mut slot = self.fault.lock().unwrap_or_else(|e| e.into_inner());
        if slot.is_some() {
            return;
        }
        let what = if full { "disk full" } else { "disk error" };
        let message = format!("{what} {doing}: {error:#}");
        tracing::error!(
            %info_hash,
            "{message}; the torrent is paused (no peer is at fault) until space is free and it is asked for again"
        );
        *slot = Some(DiskFault { full, message });
    }
}

/// ENOSPC or EDQUOT anywhere in the error's chain.
fn is_disk_full(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause.downcast_ref::<io::Error>().is_some_and(|e| {
            matches!(
                e.kind(),
                io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded
            )
        })
    })
}

/// Creates a [`GuardedStorage`] over librqbit's filesystem storage for one torrent.
#[derive(Clone)]
pub struct GuardedStorageFactory {
    info_hash: InfoHash,
    watch: Arc<DiskWatch>,
}

impl GuardedStorageFactory {
    pub fn new(info_hash: InfoHash, watch: Arc<DiskWatch>) -> Self {
        GuardedStorageFactory { info_hash, watch }
    }
}

impl StorageFactory for GuardedStorageFactory {
    type Storage = GuardedStorage;

    fn create(
        &self,
        shared: &ManagedTorrentShared,
        metadata: &TorrentMetadata,
    ) -> anyhow::Result<GuardedStorage> {
        let inner = FilesystemStorageFactory::default().create(shared, metadata)?;
        Ok(GuardedStorage {
            inner: Box::new(inner),
            files: metadata
                .file_infos
                .iter()
                .map(|f| f.relative_filename.clone())
                .collect(),
            info_hash: self.info_hash,
            watch: self.watch.clone(),
        })
    }

    // What it stores is librqbit's filesystem storage; librqbit asks this to know that.
    fn is_type_id(&self, type_id: std::any::TypeId) -> bool {
        FilesystemStorageFactory::default().is_type_id(type_id)
    }

    fn clone_box(&self) -> BoxStorageFactory {
        self.clone().boxed()
    }
}

/// librqbit's filesystem storage, with writes that land whole or fail, and failures recorded.
pub struct GuardedStorage {
    inner: Box<dyn TorrentStorage>,
    /// Relative file names, for the message.
    files: Vec<PathBuf>,
    info_hash: InfoHash,
    watch: Arc<DiskWatch>,
}

impl GuardedStorage {
    fn guard<T>(&self, file_id: usize, result: anyhow::Result<T>) -> anyhow::Result<T> {
        if let Err(e) = &result {
            let file = self.files.get(file_id).map_or(Path::new("?"), |p| p);
            let doing = format!("writing {}", file.display());
            self.watch.record(&self.info_hash, &doing, e);
        }
        result
    }
}

impl TorrentStorage for GuardedStorage {
    fn init(
        &mut self,
        shared: &ManagedTorrentShared,
        metadata: &TorrentMetadata,
    ) -> anyhow::Result<()> {
        let result = self.inner.init(shared, metadata);
        if let Err(e) = &result {
            self.watch
                .record(&self.info_hash, "creating the torrent's files", e);
        }
        result
    }

    fn pread_exact(&self, file_id: usize, offset: u64, buf: &mut [u8]) -> anyhow::Result<()> {
        self.inner.pread_exact(file_id, offset, buf)
    }

    /// `write_all_at`: loops over short writes, so a full disk surfaces as ENOSPC.
    fn pwrite_all(&self, file_id: usize, offset: u64, buf: &[u8]) -> anyhow::Result<()> {
        let result = self.inner.pwrite_all(file_id, offset, buf);
        self.guard(file_id, result)
    }

    /// One whole write instead of librqbit's single `pwritev`, whose count it does not check.
    /// The second buffer is empty unless the block wrapped around the peer's read buffer (about
    /// every other 16 KiB block): then the two are joined first, since copying 16 KiB costs less
    /// than the second system call (measured: a third of the `pwrite`s of a download).
    fn pwrite_all_vectored(
        &self,
        file_id: usize,
        offset: u64,
        bufs: [IoSlice<'_>; 2],
    ) -> anyhow::Result<usize> {
        let [first, second] = bufs;
        if second.is_empty() {
            self.pwrite_all(file_id, offset, &first)?;
        } else {
            let joined = [&first[..], &second[..]].concat();
            self.pwrite_all(file_id, offset, &joined)?;
        }
        Ok(first.len() + second.len())
    }

    fn remove_file(&self, file_id: usize, filename: &Path) -> anyhow::Result<()> {
        self.inner.remove_file(file_id, filename)
    }

    fn remove_directory_if_empty(&self, path: &Path) -> anyhow::Result<()> {
        self.inner.remove_directory_if_empty(path)
    }

    fn ensure_file_length(&self, file_id: usize, length: u64) -> anyhow::Result<()> {
        let result = self.inner.ensure_file_length(file_id, length);
        self.guard(file_id, result)
    }

    fn take(&self) -> anyhow::Result<Box<dyn TorrentStorage>> {
        Ok(Box::new(GuardedStorage {
            inner: self.inner.take()?,
            files: self.files.clone(),
            info_hash: self.info_hash,
            watch: self.watch.clone(),
        }))
    }
}

/// Refuses a download of `needed` more bytes into `folder` when the filesystem would keep less
/// than `reserve` bytes free afterwards. A filesystem that cannot be asked is not refused: a
/// write to it fails as a disk error instead.
pub fn check_free_space(folder: &Path, needed: u64, reserve: u64) -> Result<(), P2pError> {
    if needed == 0 {
        return Ok(());
    }
    let available = match fs4::available_space(folder) {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::warn!("free space of {}: {e}", folder.display());
            return Ok(());
        }
    };
    tracing::debug!(needed, available, reserve, folder = %folder.display(), "free space");
    if needed.saturating_add(reserve) > available {
        return Err(P2pError::InsufficientSpace {
            folder: folder.to_path_buf(),
            needed,
            available,
            reserve,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_disk_is_told_apart_from_other_write_errors() {
        let enospc = anyhow::Error::from(io::Error::from_raw_os_error(28))
            .context("error writing to file 0");
        assert!(is_disk_full(&enospc));
        let edquot = anyhow::Error::from(io::Error::from_raw_os_error(122));
        assert!(is_disk_full(&edquot));
        let eio = anyhow::Error::from(io::Error::from_raw_os_error(5)).context("writing");
        assert!(!is_disk_full(&eio));
    }

    #[test]
    fn a_full_disk_under_the_metadata_is_a_disk_error_too() {
        let io = |code| P2pError::Io {
            path: PathBuf::from("/cache/x/.peerstream.torrent"),
            source: io::Error::from_raw_os_error(code),
        };
        assert!(io(28).is_disk());
        assert!(!io(13).is_disk());
        assert!(
            !P2pError::InvalidMetadata {
                reason: "x".to_owned()
            }
            .is_disk()
        );
    }

    #[test]
    fn the_first_fault_is_kept() {
        let watch = DiskWatch::default();
        let hash: InfoHash = "5a4b3c2d1e0f5a4b3c2d1e0f5a4b3c2d1e0f5a4b".parse().unwrap();
        watch.record(
            &hash,
            "writing a.mp4",
            &anyhow::Error::from(io::Error::from_raw_os_error(28)),
        );
        watch.record(
            &hash,
            "writing b.mp4",
            &anyhow::Error::from(io::Error::from_raw_os_error(5)),
        );
        let fault = watch.fault().unwrap();
        assert!(fault.full);
        assert!(fault.message.contains("a.mp4"), "{}", fault.message);
        watch.clear();
        assert_eq!(watch.fault(), None);
    }

    #[test]
    fn space_check_counts_the_reserve() {
        let dir = tempfile::tempdir().unwrap();
        let huge = u64::MAX / 2;
        assert!(check_free_space(dir.path(), 0, huge).is_ok());
        assert!(check_free_space(dir.path(), 1, 0).is_ok());
        let refused = check_free_space(dir.path(), 1, huge).unwrap_err();
        assert!(
            matches!(refused, P2pError::InsufficientSpace { needed: 1, reserve, .. } if reserve == huge),
            "{refused}"
        );
        assert!(check_free_space(dir.path(), huge, 0).is_err());
    }
}
