//! One torrent in the engine: its files, selection, progress and completion.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use librqbit::{ManagedTorrent, TorrentStatsState};

use super::storage::{DiskWatch, check_free_space};
use super::{DiskFault, Engine, FileChoice, P2pError, TorrentFile, TorrentStatus, selection};
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
    /// How long a request waits for librqbit's check of the files on disk.
    pub(super) init_timeout: Duration,
    pub(super) session: Arc<librqbit::Session>,
    pub(super) keep_downloading: bool,
    pub(super) readahead: u64,
    /// Bytes kept free on the cache's filesystem.
    pub(super) disk_reserve: u64,
    /// The write that failed, if one did; the torrent is stopped while it is set.
    pub(super) disk: Arc<DiskWatch>,
    /// HTTP streams reading this torrent now.
    pub(super) open_streams: std::sync::atomic::AtomicUsize,
    /// Share of a playlist entry (percent) past which the next entry is prefetched; 0 = off.
    pub(super) prefetch_at: u8,
    /// Files whose head was prefetched already.
    pub(super) prefetched: Mutex<HashSet<usize>>,
    /// Downloading with no player attached (`POST /api/torrents` with `download`): never
    /// paused when the last stream closes.
    pub(super) background: std::sync::atomic::AtomicBool,
    pub(super) seeding: Mutex<super::seeding::SeedTrack>,
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
        // Pad files are left out, so an index is not a position.
        self.files.iter().find(|f| f.index == index)
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
        let added: Vec<usize> = {
            let selected = self.selected.lock().unwrap_or_else(|e| e.into_inner());
            indices
                .iter()
                .copied()
                .filter(|i| !selected.contains(i))
                .collect()
        };
        if added.is_empty() {
            return Ok(());
        }
        // librqbit refuses to change the selection while it checks the files on disk (right
        // after start, or after a disk fault): wait for the check, as long as for metadata,
        // and again if a restart began a new check in between.
        let deadline = tokio::time::Instant::now() + self.init_timeout;
        let too_slow = || {
            P2pError::Engine(anyhow::anyhow!(
                "the check of the files on disk took longer than {:?}",
                self.init_timeout
            ))
        };
        let mut space_checked = false;
        let updated: HashSet<usize> = loop {
            tokio::time::timeout_at(deadline, self.wait_initialized())
                .await
                .map_err(|_| too_slow())??;
            if !space_checked {
                self.check_space(&added).await?;
                space_checked = true;
            }
            let updated: HashSet<usize> = {
                let selected = self.selected.lock().unwrap_or_else(|e| e.into_inner());
                selected.iter().chain(indices).copied().collect()
            };
            match engine
                .session
                .update_only_files(&self.handle, &updated)
                .await
            {
                Ok(()) => break updated,
                Err(_) if self.handle.with_state(|s| s.name() == "initializing") => {
                    if tokio::time::Instant::now() >= deadline {
                        return Err(too_slow());
                    }
                }
                Err(e) => return Err(self.engine_error(e)),
            }
        };
        // Recorded only once the engine took it, so a failed change is tried again.
        {
            let mut selected = self.selected.lock().unwrap_or_else(|e| e.into_inner());
            *selected = updated.into_iter().collect();
            selected.sort_unstable();
        }
        // The earlier watcher may have finished with the old selection.
        tokio::spawn(self.clone().finish_when_complete());
        Ok(())
    }

    /// Waits for the check of data already on disk, so progress counts what a restart kept.
    pub async fn wait_initialized(&self) -> Result<(), P2pError> {
        let result = self.handle.wait_until_initialized().await;
        result.map_err(|e| self.engine_error(e))
    }

    /// The failed write that stopped this torrent, if one did.
    pub fn disk_fault(&self) -> Option<DiskFault> {
        self.disk.fault()
    }

    /// An error of the engine, or the disk fault behind it.
    fn engine_error(&self, e: anyhow::Error) -> P2pError {
        match self.disk.fault() {
            Some(fault) => P2pError::Disk(fault),
            None => P2pError::Engine(e),
        }
    }

    /// Starts the torrent (added paused) once its files are checked, if the bytes still to
    /// download for `indices` fit on the disk with the reserve to spare.
    pub(super) async fn start_if_space(&self, indices: &[usize]) -> Result<(), P2pError> {
        self.wait_initialized().await?;
        self.check_space(indices).await?;
        self.session
            .unpause(&self.handle)
            .await
            .map_err(|e| self.engine_error(e))
    }

    /// Refuses files whose unverified bytes do not fit on the disk with the reserve to spare.
    /// Files are sparse while they download: only what is not verified yet still needs space.
    /// A piece shared with an unselected neighbour file also writes into it; the reserve
    /// covers those few pieces.
    async fn check_space(&self, indices: &[usize]) -> Result<(), P2pError> {
        let needed: u64 = indices
            .iter()
            .filter_map(|i| self.file(*i))
            .map(|f| f.len.saturating_sub(self.file_progress(f.index)))
            .sum();
        self.check_space_for(needed).await
    }

    async fn check_space_for(&self, needed: u64) -> Result<(), P2pError> {
        let folder = self.folder.clone();
        let reserve = self.disk_reserve;
        tokio::task::spawn_blocking(move || check_free_space(&folder, needed, reserve))
            .await
            .map_err(|e| P2pError::Internal(format!("free-space check failed: {e}")))?
    }

    /// A torrent stopped by a disk fault starts again (librqbit re-checks its files) once the
    /// space for what its files do not hold yet is free again; until then it stays refused.
    pub(super) async fn resume_after_disk_fault(self: &Arc<Self>) -> Result<(), P2pError> {
        let Some(fault) = self.disk.fault() else {
            return Ok(());
        };
        // Stopped, librqbit reports no progress: what the sparse files hold on disk stands in.
        let folder = self.folder.clone();
        let files: Vec<(PathBuf, u64)> = self
            .selected()
            .iter()
            .filter_map(|i| self.file(*i))
            .map(|f| (folder.join(&f.path), f.len))
            .collect();
        let needed = tokio::task::spawn_blocking(move || {
            files
                .iter()
                .map(|(path, len)| len.saturating_sub(allocated_bytes(path)))
                .sum::<u64>()
        })
        .await
        .map_err(|e| P2pError::Internal(format!("free-space check failed: {e}")))?;
        // At least one byte: a disk with nothing left is refused even when the files look whole.
        if self.check_space_for(needed.max(1)).await.is_err() {
            return Err(P2pError::Disk(fault));
        }
        tracing::info!(info_hash = %self.info_hash, "disk space is free again; resuming");
        self.disk.clear();
        self.session
            .unpause(&self.handle)
            .await
            .map_err(|e| self.engine_error(e))?;
        tokio::spawn(self.clone().finish_when_complete());
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

    /// Starts the torrent again when it is paused (idle, or done seeding): new work for it.
    pub async fn resume(&self) -> Result<(), P2pError> {
        self.wait_initialized().await?;
        if self.handle.is_paused() && self.disk.fault().is_none() {
            self.session
                .unpause(&self.handle)
                .await
                .map_err(|e| self.engine_error(e))?;
        }
        Ok(())
    }

    /// Marks the torrent as a background download: it keeps going without a player, also
    /// with `--pause-idle`.
    pub fn set_background(&self) {
        self.background
            .store(true, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn is_background(&self) -> bool {
        self.background.load(std::sync::atomic::Ordering::SeqCst)
    }

    pub fn is_file_complete(&self, index: usize) -> bool {
        self.file(index)
            .is_some_and(|f| self.file_progress(index) >= f.len)
    }

    pub fn status(&self) -> TorrentStatus {
        let stats = self.handle.stats();
        let uploaded_bytes = self.uploaded_bytes();
        let fault = self.disk.fault();
        let state = match stats.state {
            _ if fault.as_ref().is_some_and(|f| f.full) => "disk_full",
            _ if fault.is_some() => "disk_error",
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
            error: fault.map(|f| f.message).or(stats.error),
            uploaded_bytes,
            ratio: uploaded_bytes as f64 / stats.total_bytes.max(1) as f64,
            seeding: self.seeding_status(stats.finished),
            background: self.is_background(),
        }
    }

    /// Waits until every selected file is downloaded and verified, then marks them complete in
    /// the cache. librqbit checks each piece's SHA-1 before counting it.
    pub async fn wait_complete(&self) -> Result<(), P2pError> {
        let result = self.handle.wait_until_completed().await;
        result.map_err(|e| self.engine_error(e))?;
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
        // librqbit counts pad files too: an index past its list means no progress report.
        if progress.is_empty() || self.files.iter().any(|f| f.index >= progress.len()) {
            // Stopped (e.g. by a disk fault), librqbit reports no progress; the marker written
            // when the torrent was added still lists every file not known to be complete.
            return Ok(());
        }
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
        .map_err(|e| P2pError::Internal(format!("cache marker task failed: {e}")))?;
        written.map_err(|source| P2pError::Store {
            path: self.folder.clone(),
            source,
        })
    }
}

/// Bytes the filesystem has allocated to a (sparse) file; 0 when it cannot be read.
pub(super) fn allocated_bytes(path: &std::path::Path) -> u64 {
    let Ok(meta) = std::fs::metadata(path) else {
        return 0;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        meta.blocks().saturating_mul(512).min(meta.len())
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        0
    }
}
