//! `cache rm` and `cache pin|unpin`, for the command line and `DELETE /api/cache/:hash`.

use std::path::PathBuf;

use serde::Serialize;

use super::Cache;
use super::evict::remove_folder;
use super::lifecycle;
use crate::target::InfoHash;

#[derive(Debug, thiserror::Error)]
pub enum ManageError {
    #[error("{0} has no file in the cache")]
    NotFound(InfoHash),
    /// A stream or a running torrent (in this or another process) holds it.
    #[error(
        "{0} is in use: a stream or a running download holds it; stop it first (or wait for \
         the stream to end)"
    )]
    InUse(InfoHash),
    #[error(
        "{0} has only loose files (not downloaded by peerstream); only torrent folders can be pinned"
    )]
    NotPinnable(InfoHash),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// What `cache rm` removed for one hash.
#[derive(Debug, Clone, Serialize)]
pub struct Removed {
    pub info_hash: InfoHash,
    /// Files removed, relative to the cache folder.
    pub files: Vec<PathBuf>,
    pub bytes: u64,
}

impl Cache {
    /// Blocking. Removes the torrent folder of `hash` (refused while in use) and the loose
    /// files naming it. Loose files are not locked by streams: on Unix a stream still open
    /// reads on from the removed file.
    pub fn remove(&self, hash: &InfoHash) -> Result<Removed, ManageError> {
        let entries = self.entries(hash);
        let folder = self.torrent_folder(hash);
        let has_folder = folder.is_dir();
        if entries.is_empty() && !has_folder {
            return Err(ManageError::NotFound(*hash));
        }
        let io = |path: &std::path::Path| {
            let path = path.to_path_buf();
            move |source| ManageError::Io { path, source }
        };
        let mut removed = Removed {
            info_hash: *hash,
            files: Vec::new(),
            bytes: 0,
        };
        if has_folder {
            let lock = lifecycle::try_exclusive(&folder)
                .map_err(io(&folder))?
                .ok_or(ManageError::InUse(*hash))?;
            remove_folder(self, &folder, lock).map_err(io(&folder))?;
        }
        for entry in entries {
            if !entry.path.starts_with(&folder) {
                match std::fs::remove_file(&entry.path) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                        return Err(io(&entry.path)(e));
                    }
                    _ => {}
                }
            }
            removed.bytes += entry.size;
            removed.files.push(entry.file);
        }
        tracing::info!(info_hash = %hash, bytes = removed.bytes, "removed from the cache");
        Ok(removed)
    }

    /// Blocking. Pins (never evicted) or unpins the torrent folder of `hash`.
    pub fn set_pinned(&self, hash: &InfoHash, pinned: bool) -> Result<(), ManageError> {
        let folder = self.torrent_folder(hash);
        if !folder.is_dir() {
            return Err(if self.entries(hash).is_empty() {
                ManageError::NotFound(*hash)
            } else {
                ManageError::NotPinnable(*hash)
            });
        }
        lifecycle::set_pinned(&folder, pinned).map_err(|source| ManageError::Io {
            path: folder.clone(),
            source,
        })
    }
}
