//! One torrent in the engine: its files, selection, progress and completion.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use librqbit::{ManagedTorrent, TorrentStatsState};

use super::{Engine, FileChoice, P2pError, TorrentFile, TorrentStatus, selection};
use crate::cache::integrity::update_record;
use crate::cache::validate::write_partial_marker;
use crate::target::InfoHash;

/// One torrent in the engine.
pub struct SwarmTorrent {
    pub info_hash: InfoHash,
    pub name: String,
    /// `<cache>/<info-hash>`.
    pub folder: PathBuf,
    pub files: Vec<TorrentFile>,
    pub default_file: usize,
    pub(super) selected: Mutex<Vec<usize>>,
    pub(super) handle: Arc<ManagedTorrent>,
    pub(super) stall_timeout: Duration,
    pub(super) session: Arc<librqbit::Session>,
    pub(super) keep_downloading: bool,
    pub(super) readahead: u64,
    /// HTTP streams reading this torrent now.
    pub(super) open_streams: std::sync::atomic::AtomicUsize,
}

impl std::fmt::Debug for SwarmTorrent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SwarmTorrent")
            .field("info_hash", &self.info_hash)
            .field("name", &self.name)
            .finish()
    }
}

impl SwarmTorrent {
    pub fn file(&self, index: usize) -> Option<&TorrentFile> {
        self.files.get(index)
    }

    pub fn selected(&self) -> Vec<usize> {
        self.selected
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Absolute path of a file of this torrent.
    pub fn path_of(&self, index: usize) -> Option<PathBuf> {
        self.file(index).map(|f| self.folder.join(&f.path))
    }

    /// Adds files to the download (streaming a file that was not selected selects it).
    pub async fn want(
        self: &Arc<Self>,
        engine: &Engine,
        all: bool,
        choice: &FileChoice,
    ) -> Result<(), P2pError> {
        let extra = selection(&self.files, choice, all, self.default_file)?;
        self.want_indices(engine, &extra).await
    }

    pub async fn want_indices(
        self: &Arc<Self>,
        engine: &Engine,
        indices: &[usize],
    ) -> Result<(), P2pError> {
        let updated: HashSet<usize> = {
            let mut selected = self.selected.lock().unwrap_or_else(|e| e.into_inner());
            if indices.iter().all(|i| selected.contains(i)) {
                return Ok(());
            }
            selected.extend(indices);
            selected.sort_unstable();
            selected.dedup();
            selected.iter().copied().collect()
        };
        // librqbit refuses to change the selection while it checks the files on disk.
        self.handle.wait_until_initialized().await?;
        engine
            .session
            .update_only_files(&self.handle, &updated)
            .await?;
        // The earlier watcher may have finished with the old selection.
        tokio::spawn(self.clone().finish_when_complete());
        Ok(())
    }

    /// Waits for the check of data already on disk, so progress counts what a restart kept.
    pub async fn wait_initialized(&self) -> Result<(), P2pError> {
        self.handle.wait_until_initialized().await?;
        Ok(())
    }

    /// Bytes of file `index` that are downloaded and verified.
    pub fn file_progress(&self, index: usize) -> u64 {
        self.handle
            .stats()
            .file_progress
            .get(index)
            .copied()
            .unwrap_or(0)
    }

    pub fn is_file_complete(&self, index: usize) -> bool {
        self.file(index)
            .is_some_and(|f| self.file_progress(index) >= f.len)
    }

    pub fn status(&self) -> TorrentStatus {
        let stats = self.handle.stats();
        let state = match stats.state {
            TorrentStatsState::Initializing { .. } => "initializing",
            TorrentStatsState::Live if stats.finished => "complete",
            TorrentStatsState::Live => "downloading",
            TorrentStatsState::Paused => "paused",
            TorrentStatsState::Error => "error",
        };
        let (down, up, peers) = stats.live.as_ref().map_or((0, 0, 0), |l| {
            (
                l.download_speed.as_bytes(),
                l.upload_speed.as_bytes(),
                l.snapshot.peer_stats.live,
            )
        });
        TorrentStatus {
            info_hash: self.info_hash,
            name: self.name.clone(),
            state,
            progress: if stats.total_bytes == 0 {
                1.0
            } else {
                stats.progress_bytes as f64 / stats.total_bytes as f64
            },
            downloaded_bytes: stats.progress_bytes,
            total_bytes: stats.total_bytes,
            download_bytes_per_second: down,
            upload_bytes_per_second: up,
            peers,
            error: stats.error,
        }
    }

    /// Waits until every selected file is downloaded and verified, then marks them complete in
    /// the cache. librqbit checks each piece's SHA-1 before counting it.
    pub async fn wait_complete(&self) -> Result<(), P2pError> {
        self.handle.wait_until_completed().await?;
        self.update_partial_marker().await
    }

    pub(super) async fn finish_when_complete(self: Arc<Self>) {
        match self.wait_complete().await {
            Ok(()) => tracing::info!(info_hash = %self.info_hash, "download complete"),
            Err(e) => tracing::warn!(info_hash = %self.info_hash, "download ended: {e}"),
        }
    }

    /// Rewrites the partial marker so it lists exactly the files not yet complete, and records
    /// the complete ones as verified (librqbit checked every piece's SHA-1) with their current
    /// size and mtime, which is what lets the cache serve them later.
    pub async fn update_partial_marker(&self) -> Result<(), P2pError> {
        let progress = self.handle.stats().file_progress;
        let (complete, incomplete): (Vec<&TorrentFile>, Vec<&TorrentFile>) = self
            .files
            .iter()
            .partition(|f| progress.get(f.index).copied().unwrap_or(0) >= f.len);
        let complete: Vec<PathBuf> = complete.into_iter().map(|f| f.path.clone()).collect();
        let incomplete: Vec<PathBuf> = incomplete.into_iter().map(|f| f.path.clone()).collect();
        let folder = self.folder.clone();
        let written = tokio::task::spawn_blocking(move || {
            // The record first: a file is never left unmarked without its verification.
            update_record(&folder, &complete, &incomplete)?;
            write_partial_marker(&folder, &incomplete)
        })
        .await
        .map_err(|e| P2pError::Engine(anyhow::anyhow!("cache marker task failed: {e}")))?;
        written.map_err(|source| P2pError::Store {
            path: self.folder.clone(),
            source,
        })
    }
}
