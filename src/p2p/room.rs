//! Room in the cache for a torrent being added: evicts least recently used torrents within
//! the cache limits (`cache.max_size`, `cache.min_free`), or refuses the torrent.

use std::path::PathBuf;
use std::sync::atomic::Ordering;

use super::torrent::allocated_bytes;
use super::{Engine, P2pError, TorrentFile, blocking};
use crate::cache::Cache;
use crate::target::InfoHash;

impl Engine {
    /// Makes room for the bytes `selected` files of `info_hash` still need. Idle torrents of
    /// this engine (complete, no stream) may be evicted: they are stopped first. Nothing is
    /// looked at when no limit is set.
    pub(super) async fn make_room(
        &self,
        info_hash: InfoHash,
        files: &[TorrentFile],
        selected: &[usize],
    ) -> Result<(), P2pError> {
        let limits = self.options.cache_limits;
        if !limits.is_set() {
            return Ok(());
        }
        let folder = self.torrent_folder(&info_hash);
        let wanted: Vec<(PathBuf, u64)> = files
            .iter()
            .filter(|f| selected.contains(&f.index))
            .map(|f| (folder.join(&f.path), f.len))
            .collect();
        let releasable = self.idle_torrents(info_hash);
        let cache = Cache::new(&self.cache_root).with_limits(limits);
        let planned = {
            let cache = cache.clone();
            let releasable = releasable.clone();
            blocking(move || {
                let needed: u64 = wanted
                    .iter()
                    .map(|(path, len)| len.saturating_sub(allocated_bytes(path)))
                    .sum();
                cache.plan_room(needed, Some(info_hash), &releasable)
            })
            .await?
        };
        let plan = planned?;
        if plan.evict.is_empty() {
            return Ok(());
        }
        for victim in &plan.evict {
            if releasable.contains(&victim.info_hash) {
                self.forget(&victim.info_hash).await;
            }
        }
        let why = format!("room for {info_hash}");
        blocking(move || cache.evict(&plan, &why)).await?;
        Ok(())
    }

    /// Whether a stream reads `info_hash` from this engine now.
    pub fn is_streaming(&self, info_hash: &InfoHash) -> bool {
        let torrents = self.torrents.lock().unwrap_or_else(|e| e.into_inner());
        torrents
            .get(info_hash)
            .and_then(|c| c.get())
            .is_some_and(|t| t.open_streams.load(Ordering::SeqCst) > 0)
    }

    /// This engine's torrents that are complete and streamed by nobody, `except` one.
    fn idle_torrents(&self, except: InfoHash) -> Vec<InfoHash> {
        let torrents = self.torrents.lock().unwrap_or_else(|e| e.into_inner());
        torrents
            .iter()
            .filter(|(hash, _)| **hash != except)
            .filter_map(|(hash, cell)| cell.get().map(|t| (hash, t)))
            .filter(|(_, t)| {
                t.open_streams.load(Ordering::SeqCst) == 0 && t.status().state == "complete"
            })
            .map(|(hash, _)| *hash)
            .collect()
    }

    /// Marks the torrent's folder in use for as long as this engine runs it.
    pub(super) async fn hold_folder(&self, info_hash: InfoHash) {
        let cache = Cache::new(&self.cache_root);
        let Ok(Some(held)) =
            blocking(move || crate::cache::lifecycle::hold(&cache.torrent_folder(&info_hash)))
                .await
        else {
            return;
        };
        self.holds
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(info_hash, held);
    }
}
