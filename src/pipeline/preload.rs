//! Work the pipeline does with no player reading: background downloads (preloads) and the
//! next-episode prefetch after a cached playlist entry.

use serde::Serialize;

use super::{Pipeline, ResolveError, lookup};
use crate::cache::Cache;
use crate::p2p::{FileChoice, P2pError};
use crate::target::{InfoHash, Target};

/// What a background download (a preload) fetches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Download {
    /// Every file of the torrent.
    All,
    /// One file, by its index in the torrent.
    File(usize),
}

/// Where a background download stands right after it was asked for.
#[derive(Debug, Clone, Serialize)]
pub struct Preload {
    pub info_hash: InfoHash,
    /// `complete` (already in the cache: nothing to do) or `downloading`.
    pub state: &'static str,
    /// The files it covers (torrent indices); empty for a cached file without metadata.
    pub files: Vec<usize>,
}

impl Pipeline {
    /// A cached playlist entry is played past `prefetch_at`: the next entry's head and tail
    /// are fetched as for a stream from the swarm (once per entry), unless it is cached too.
    /// Opens the torrent with the played file selected, which librqbit checks on disk first.
    pub async fn prefetch_after_cached(&self, info_hash: InfoHash, index: usize) {
        {
            let mut done = self.prefetched.lock().unwrap_or_else(|e| e.into_inner());
            if !done.insert((info_hash, index)) {
                return;
            }
        }
        let cache = self.cache.clone();
        let next_missing = tokio::task::spawn_blocking(move || {
            let facts = crate::cache::TorrentFacts::load(&cache.torrent_folder(&info_hash))?;
            let next = crate::p2p::next_in_playlist(&facts.files, index)?.index;
            lookup(&cache, &info_hash, Some(next))
                .is_err()
                .then_some(next)
        })
        .await
        .ok()
        .flatten();
        if next_missing.is_none() {
            return;
        }
        let Some(Ok(engine)) = self.engine().await else {
            return;
        };
        let target = Target::InfoHash(info_hash);
        match engine.open(&target, &FileChoice::Index(index), false).await {
            Ok(torrent) => torrent.prefetch_after(index),
            Err(e) => tracing::debug!(%info_hash, "prefetch after a cached entry: {e}"),
        }
    }

    /// Downloads a file (or every file) of `target` into the cache with no player attached:
    /// every piece, not only a window ahead of a reader. Files already complete in the cache
    /// are not fetched again.
    pub async fn preload(
        &self,
        target: &Target,
        download: Download,
    ) -> Result<Preload, ResolveError> {
        let wanted = match download {
            Download::All => None,
            Download::File(index) => Some(index),
        };
        if let Some(h) = target.info_hash() {
            if h.is_mock() {
                return match wanted {
                    Some(index) if index != 0 => Err(ResolveError::NoSuchFile { index }),
                    _ => Ok(Preload {
                        info_hash: h,
                        state: "complete",
                        files: vec![0],
                    }),
                };
            }
            let cache = self.cache.clone();
            let cached = tokio::task::spawn_blocking(move || cached_files(&cache, &h, wanted))
                .await
                .map_err(|e| ResolveError::Internal(format!("cache lookup failed: {e}")))?;
            if let Some(files) = cached {
                return Ok(Preload {
                    info_hash: h,
                    state: "complete",
                    files,
                });
            }
        }
        let engine = match self.engine().await {
            Some(engine) => engine?,
            None => {
                return match target.info_hash() {
                    Some(info_hash) => Err(ResolveError::NotFound {
                        info_hash,
                        rejected: Vec::new(),
                    }),
                    None => Err(ResolveError::P2pOff),
                };
            }
        };
        let choice = wanted.map_or(FileChoice::Default, FileChoice::Index);
        let torrent = match engine.open(target, &choice, wanted.is_none()).await {
            Err(P2pError::NoSuchFile { .. }) => {
                return Err(ResolveError::NoSuchFile {
                    index: wanted.unwrap_or_default(),
                });
            }
            other => other?,
        };
        torrent.set_background();
        torrent.resume().await?;
        let files = match wanted {
            Some(index) => vec![index],
            None => torrent.files.iter().map(|f| f.index).collect(),
        };
        let state = if files.iter().all(|i| torrent.is_file_complete(*i)) {
            "complete"
        } else {
            "downloading"
        };
        Ok(Preload {
            info_hash: torrent.info_hash,
            state,
            files,
        })
    }
}

/// Blocking. The files a preload asks for when every one of them is complete in the cache.
fn cached_files(cache: &Cache, info_hash: &InfoHash, wanted: Option<usize>) -> Option<Vec<usize>> {
    let Some(facts) = crate::cache::TorrentFacts::load(&cache.torrent_folder(info_hash)) else {
        // A cached file without metadata is a one-file torrent.
        return match wanted {
            None => lookup(cache, info_hash, None).ok().map(|_| Vec::new()),
            Some(_) => None,
        };
    };
    let indices: Vec<usize> = match wanted {
        Some(index) => vec![index],
        None => facts.files.iter().map(|f| f.index).collect(),
    };
    indices
        .iter()
        .all(|i| lookup(cache, info_hash, Some(*i)).is_ok())
        .then_some(indices)
}
