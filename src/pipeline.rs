//! The core: turn an info-hash into a [`Source`] of bytes. Mock first, then the cache, then the
//! swarm. Every face (the subcommands and the HTTP endpoint) goes through [`Pipeline::resolve`].

use std::io;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use serde::Serialize;

use std::sync::Arc;

use tokio::sync::OnceCell;

use crate::body::{ByteStream, CHUNK_SIZE};
use crate::cache::{Cache, CacheEntry};
use crate::cached_body::OpenFile;
use crate::mock;
use crate::p2p::{Engine, FileChoice, P2pError, P2pOptions, SwarmTorrent, TorrentFile};
use crate::target::{InfoHash, Target};

mod preload;
pub use preload::{Download, Preload};

/// Where the bytes for a request come from.
#[derive(Debug, Clone)]
pub enum Source {
    Mock {
        info_hash: InfoHash,
    },
    /// A complete cached file, opened when it was looked up: the response reads that inode.
    Cached {
        entry: CacheEntry,
        file: OpenFile,
    },
    /// A file of a torrent that is still downloading.
    Swarm {
        torrent: Arc<SwarmTorrent>,
        index: usize,
        /// Bytes ahead of the reader asked for first; `None`: the configured window.
        readahead: Option<u64>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    Mock,
    Cache,
    Swarm,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Mock => "mock",
            SourceKind::Cache => "cache",
            SourceKind::Swarm => "swarm",
        }
    }
}

impl Source {
    pub fn kind(&self) -> SourceKind {
        match self {
            Source::Mock { .. } => SourceKind::Mock,
            Source::Cached { .. } => SourceKind::Cache,
            Source::Swarm { .. } => SourceKind::Swarm,
        }
    }

    pub fn len(&self) -> u64 {
        match self {
            Source::Mock { .. } => mock::MOCK_MP4.len() as u64,
            Source::Cached { entry, .. } => entry.size,
            Source::Swarm { torrent, index, .. } => torrent.file(*index).map_or(0, |f| f.len),
        }
    }

    pub fn file_name(&self) -> String {
        match self {
            Source::Mock { .. } => mock::MOCK_FILE_NAME.to_owned(),
            Source::Cached { entry, .. } => entry.file_name(),
            Source::Swarm { torrent, index, .. } => torrent
                .file(*index)
                .and_then(|f| f.path.file_name())
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        }
    }

    pub fn info_hash(&self) -> InfoHash {
        match self {
            Source::Mock { info_hash } => *info_hash,
            Source::Cached { entry, .. } => entry.info_hash,
            Source::Swarm { torrent, .. } => torrent.info_hash,
        }
    }

    /// Sets the read-ahead window of a swarm source for this request (others have none).
    pub fn with_readahead(mut self, bytes: u64) -> Self {
        if let Source::Swarm { readahead, .. } = &mut self {
            *readahead = Some(bytes);
        }
        self
    }

    /// The file's index inside its torrent, when it came from the swarm.
    pub fn file_index(&self) -> Option<usize> {
        match self {
            Source::Swarm { index, .. } => Some(*index),
            _ => None,
        }
    }

    pub fn last_modified(&self) -> Option<SystemTime> {
        match self {
            Source::Mock { .. } => Some(mock::mock_modified()),
            Source::Cached { entry, .. } => entry.modified,
            Source::Swarm { .. } => None,
        }
    }

    /// A strong validator that changes whenever the bytes can have changed (size or mtime).
    /// A torrent file's bytes are fixed by its info-hash, so that names it.
    pub fn etag(&self) -> String {
        if let Source::Swarm { torrent, index, .. } = self {
            return format!("\"bt-{}-{index}-{:x}\"", torrent.info_hash, self.len());
        }
        let nanos = self
            .last_modified()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        let tag = match self {
            Source::Mock { .. } => "mock",
            _ => "file",
        };
        format!("\"{tag}-{:x}-{nanos:x}\"", self.len())
    }

    /// Streams `len` bytes from `start`, in chunks of at most [`CHUNK_SIZE`].
    pub async fn read_range(&self, start: u64, len: u64) -> io::Result<ByteStream> {
        match self {
            Source::Mock { .. } => {
                let start = usize::try_from(start).unwrap_or(usize::MAX);
                let end = start.saturating_add(usize::try_from(len).unwrap_or(usize::MAX));
                let slice = mock::MOCK_MP4.get(start..end).ok_or_else(|| {
                    io::Error::new(io::ErrorKind::InvalidInput, "range outside the mock video")
                })?;
                let chunks = slice
                    .chunks(CHUNK_SIZE)
                    .map(|c| Ok(Bytes::from_static(c)))
                    .collect::<Vec<_>>();
                Ok(Box::pin(futures_util::stream::iter(chunks)))
            }
            // The body keeps the entry in use (never evicted) until it is dropped.
            Source::Cached { entry, file } => {
                Ok(file.clone().holding(entry.hold.clone()).body(start, len))
            }
            Source::Swarm {
                torrent,
                index,
                readahead,
            } => Box::pin(torrent.read_range(*index, start, len, *readahead)).await,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    #[error("{info_hash} is not in the cache and P2P is turned off")]
    NotFound {
        info_hash: InfoHash,
        /// Files that matched the hash but failed validation.
        rejected: Vec<CacheEntry>,
    },
    #[error("the torrent has no file number {index}")]
    NoSuchFile { index: usize },
    /// Only a .torrent target has no hash up front; reading it needs P2P.
    #[error("P2P is turned off: a .torrent file is read through the torrent engine")]
    P2pOff,
    /// A task of this process failed (a panic in a blocking lookup): not the swarm's fault.
    #[error("internal error: {0}")]
    Internal(String),
    #[error(transparent)]
    P2p(#[from] P2pError),
}

/// What a face asks the pipeline for.
#[derive(Debug, Clone)]
pub struct Request {
    pub target: Target,
    /// A file index inside the torrent; `None` picks the default file.
    pub file: Option<usize>,
}

impl Request {
    pub fn hash(info_hash: InfoHash) -> Self {
        Request {
            target: Target::InfoHash(info_hash),
            file: None,
        }
    }
}

/// The pipeline shared by every face of the program.
#[derive(Debug)]
pub struct Pipeline {
    cache: Cache,
    /// `None`: P2P is off.
    p2p: Option<P2pOptions>,
    engine: OnceCell<Arc<Engine>>,
    /// Cached playlist entries whose next entry was prefetched already.
    prefetched: std::sync::Mutex<std::collections::HashSet<(InfoHash, usize)>>,
    /// Cache hits by (hash, file index), re-checked with a few `stat`s on every use: players
    /// send bursts of range requests for one file, and a full lookup walks the cache folder.
    recent_hits: std::sync::Mutex<std::collections::HashMap<(InfoHash, Option<usize>), RecentHit>>,
}

/// A cache hit kept for the next request of the same file.
#[derive(Debug, Clone)]
struct RecentHit {
    entry: CacheEntry,
    /// When a request last resolved to it.
    used: Instant,
}

/// A hit used less than this long ago is re-checked and opened on the async worker rather
/// than on the blocking pool (see [`Pipeline::resolve`]).
const INLINE_RECHECK: Duration = Duration::from_secs(5);

impl Pipeline {
    /// The swarm options, when P2P is on.
    pub fn p2p_options(&self) -> Option<&P2pOptions> {
        self.p2p.as_ref()
    }

    pub fn new(cache: Cache, p2p: Option<P2pOptions>) -> Self {
        Pipeline {
            cache,
            p2p,
            engine: OnceCell::new(),
            prefetched: Default::default(),
            recent_hits: Default::default(),
        }
    }

    pub fn cache(&self) -> &Cache {
        &self.cache
    }

    pub fn p2p_enabled(&self) -> bool {
        self.p2p.is_some()
    }

    /// The torrent engine, started on first use (serve warms it up at start) so that mock and
    /// cached requests never wait for it. `None` when P2P is off.
    pub async fn engine(&self) -> Option<Result<Arc<Engine>, P2pError>> {
        let options = self.p2p.as_ref()?;
        let root = self.cache.root().to_path_buf();
        Some(
            self.engine
                .get_or_try_init(|| Engine::start(options.clone(), &root))
                .await
                .cloned(),
        )
    }

    /// The engine only if it is already running.
    pub fn running_engine(&self) -> Option<&Arc<Engine>> {
        self.engine.get()
    }

    /// Mock, then a valid cache file, then the swarm. Never serves a file that failed
    /// validation.
    pub async fn resolve(&self, request: &Request) -> Result<Source, ResolveError> {
        let info_hash = request.target.info_hash();
        if let Some(h) = info_hash.filter(InfoHash::is_mock) {
            // The mock is a one-file torrent: file 0 only.
            return match request.file {
                Some(index) if index != 0 => Err(ResolveError::NoSuchFile { index }),
                _ => Ok(Source::Mock { info_hash: h }),
            };
        }
        if let Some(h) = info_hash {
            let file = request.file;
            let key = (h, file);
            let remembered = self
                .recent_hits
                .lock()
                .ok()
                .and_then(|hits| hits.get(&key).cloned());
            let (remembered, recent) = match remembered {
                Some(hit) if hit.used.elapsed() < INLINE_RECHECK => (None, Some(hit.entry)),
                other => (other.map(|hit| hit.entry), None),
            };
            // Used moments ago: its folder entries and inodes are in memory, so the re-check
            // and the open (a few `stat`s and `open`s) do not wait for the disk and cost less
            // here than the blocking-pool hand-off.
            let inline = recent.and_then(|entry| recheck_and_open(&self.cache, h, entry));
            let looked_up = match inline {
                Some(found) => found,
                // A first lookup, an older hit, or a recent one that changed (a full lookup
                // reads the folder and file heads): in one trip to the blocking pool.
                None => {
                    let cache = self.cache.clone();
                    tokio::task::spawn_blocking(move || check_and_open(&cache, h, file, remembered))
                        .await
                        .map_err(|e| ResolveError::Internal(format!("cache lookup failed: {e}")))?
                }
            };
            match looked_up {
                Ok((entry, file)) => {
                    if let Ok(mut hits) = self.recent_hits.lock() {
                        let (kept, used) = (entry.unheld(), Instant::now());
                        hits.insert(key, RecentHit { entry: kept, used });
                    }
                    self.record_access(h);
                    return Ok(Source::Cached { entry, file });
                }
                Err(rejected) => {
                    if let Ok(mut hits) = self.recent_hits.lock() {
                        hits.remove(&key);
                    }
                    for entry in &rejected {
                        tracing::debug!(
                            file = %entry.path.display(),
                            state = entry.state.label(),
                            "cached file for {h} not served"
                        );
                    }
                    if self.p2p.is_none() {
                        return Err(ResolveError::NotFound {
                            info_hash: h,
                            rejected,
                        });
                    }
                }
            }
        }
        // Boxed: the engine's futures are large, and an inline one would size every request's
        // future (cache hits and /health included) to them: measured ~30 KiB per request.
        Box::pin(self.resolve_swarm(request)).await
    }

    /// Records an access to `hash` from the blocking pool when one is due (best effort, at
    /// most one small write a minute per torrent); otherwise costs one map look-up.
    fn record_access(&self, hash: InfoHash) {
        if self.cache.access_due(&hash) {
            let cache = self.cache.clone();
            tokio::task::spawn_blocking(move || cache.touch(&hash));
        }
    }

    async fn resolve_swarm(&self, request: &Request) -> Result<Source, ResolveError> {
        let engine = match self.engine().await {
            Some(engine) => engine?,
            None => return Err(ResolveError::P2pOff),
        };
        // The requested file is the one selected (and checked for space), not the default.
        let choice = request.file.map_or(FileChoice::Default, FileChoice::Index);
        let torrent = match engine.open(&request.target, &choice, false).await {
            Err(P2pError::NoSuchFile { .. }) => {
                return Err(ResolveError::NoSuchFile {
                    index: request.file.unwrap_or_default(),
                });
            }
            other => other?,
        };
        let index = request.file.unwrap_or(torrent.default_file);
        self.record_access(torrent.info_hash);
        Ok(Source::Swarm {
            torrent,
            index,
            readahead: None,
        })
    }
}

/// The files of a target as the HTTP face addresses them.
#[derive(Debug, Clone, Serialize)]
pub struct FileListing {
    pub info_hash: InfoHash,
    /// In torrent order.
    pub files: Vec<TorrentFile>,
    /// Files are addressed as `/stream/proxy/:hash/:index`; otherwise only `/stream/proxy/:hash`
    /// exists (mock, or a cached file without stored metadata).
    pub indexed: bool,
}

impl FileListing {
    /// The URL path that streams `file`.
    pub fn stream_path(&self, file: &TorrentFile) -> String {
        if self.indexed {
            format!("/stream/proxy/{}/{}", self.info_hash, file.index)
        } else {
            format!("/stream/proxy/{}", self.info_hash)
        }
    }
}

impl Pipeline {
    /// Lists the files behind an info-hash: from the stored metadata, the cache, or the swarm.
    pub async fn files(&self, info_hash: InfoHash) -> Result<FileListing, ResolveError> {
        let single = |name: String, len: u64| FileListing {
            info_hash,
            files: vec![TorrentFile {
                index: 0,
                path: PathBuf::from(name),
                len,
            }],
            indexed: false,
        };
        if info_hash.is_mock() {
            return Ok(single(
                mock::MOCK_FILE_NAME.to_owned(),
                mock::MOCK_MP4.len() as u64,
            ));
        }
        let cache = self.cache.clone();
        // Metadata and the cache walk are file work: off the async workers. Metadata that is
        // not a small regular file counts as absent.
        let known = tokio::task::spawn_blocking(move || {
            let folder = cache.torrent_folder(&info_hash);
            if let Some(facts) = crate::cache::TorrentFacts::load(&folder) {
                return Some(Ok(facts.files));
            }
            cache.lookup(&info_hash).ok().map(Err)
        })
        .await
        .map_err(|e| ResolveError::Internal(format!("cache lookup failed: {e}")))?;
        match known {
            Some(Ok(files)) => {
                return Ok(FileListing {
                    info_hash,
                    files,
                    indexed: true,
                });
            }
            Some(Err(entry)) => return Ok(single(entry.file_name(), entry.size)),
            None => {}
        }
        let source = self.resolve(&Request::hash(info_hash)).await?;
        match source {
            Source::Swarm { torrent, .. } => Ok(FileListing {
                info_hash,
                files: torrent.files.clone(),
                indexed: true,
            }),
            other => Ok(single(other.file_name(), other.len())),
        }
    }
}

/// Blocking: the remembered entry if it is still the same complete file, otherwise a fresh
/// lookup; held in use and opened. `Err` carries the entries found but not served.
fn check_and_open(
    cache: &Cache,
    hash: InfoHash,
    file: Option<usize>,
    remembered: Option<CacheEntry>,
) -> Result<(CacheEntry, OpenFile), Vec<CacheEntry>> {
    if let Some(found) = remembered.and_then(|entry| recheck_and_open(cache, hash, entry)) {
        return found;
    }
    // Held before the lookup, so the entry found cannot be evicted under it.
    let hold = cache.hold(&hash).map(Arc::new);
    open_held(lookup(cache, &hash, file)?, hold)
}

/// A few `stat`s and `open`s: holds a remembered entry in use, and opens it if it is still the
/// same complete file; `None` when it changed and needs a full lookup.
fn recheck_and_open(
    cache: &Cache,
    hash: InfoHash,
    entry: CacheEntry,
) -> Option<Result<(CacheEntry, OpenFile), Vec<CacheEntry>>> {
    // Held before the check, so the entry cannot be evicted between the check and the open.
    let hold = cache.hold(&hash).map(Arc::new);
    cache.still_complete(&entry).then(|| open_held(entry, hold))
}

fn open_held(
    entry: CacheEntry,
    hold: Option<Arc<crate::cache::InUse>>,
) -> Result<(CacheEntry, OpenFile), Vec<CacheEntry>> {
    let entry = CacheEntry { hold, ..entry };
    match OpenFile::open(&entry.path, entry.size, entry.modified) {
        Ok(opened) => Ok((entry, opened)),
        Err(e) => {
            tracing::debug!(file = %entry.path.display(), "opening: {e}");
            Err(vec![entry.unheld()])
        }
    }
}

/// Blocking. A complete cached file for the hash: the default (largest valid) one, or, with a file
/// index, that file of the torrent as its stored metadata lays it out.
fn lookup(
    cache: &Cache,
    info_hash: &InfoHash,
    file: Option<usize>,
) -> Result<CacheEntry, Vec<CacheEntry>> {
    let Some(index) = file else {
        return cache.lookup(info_hash);
    };
    let folder = cache.torrent_folder(info_hash);
    let Some(facts) = crate::cache::TorrentFacts::load(&folder) else {
        return Err(Vec::new());
    };
    let Some(file) = facts.files.iter().find(|f| f.index == index) else {
        return Err(Vec::new());
    };
    if let Some(subtitle) = cache.subtitle(&facts, file) {
        return Ok(subtitle);
    }
    let wanted = folder.join(&file.path);
    let entries = cache.entries(info_hash);
    match entries
        .iter()
        .find(|e| e.path.ends_with(&wanted) || wanted.ends_with(&e.file))
    {
        Some(entry) if entry.is_complete() => Ok(entry.clone()),
        _ => Err(entries),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cache_request_future_stays_small() {
        // Every request allocates its handler's future whole: the swarm path (the engine's
        // futures, tens of KiB) must stay boxed, out of the cache path's size.
        let dir = tempfile::tempdir().unwrap();
        let pipeline = Pipeline::new(Cache::new(dir.path()), None);
        let request = Request::hash("5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed".parse().unwrap());
        let resolve = pipeline.resolve(&request);
        let size = std::mem::size_of_val(&resolve);
        assert!(size <= 2048, "resolve future is {size} bytes");
    }
}
