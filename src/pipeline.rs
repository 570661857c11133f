//! The core: turn an info-hash into a [`Source`] of bytes. Mock first, then the cache, then the
//! swarm. Every face (the subcommands and the HTTP endpoint) goes through [`Pipeline::resolve`].

use std::io;
use std::path::PathBuf;
use std::pin::Pin;
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use futures_util::Stream;
use serde::Serialize;
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use crate::cache::{Cache, CacheEntry};
use crate::mock;
use crate::target::InfoHash;

/// Size of each chunk read from disk and handed to a client: large enough for loopback
/// throughput, small enough that memory per connection stays bounded.
pub const CHUNK_SIZE: usize = 256 * 1024;

pub type ByteStream = Pin<Box<dyn Stream<Item = io::Result<Bytes>> + Send + Sync>>;

/// Where the bytes for a request come from.
#[derive(Debug, Clone)]
pub enum Source {
    Mock { info_hash: InfoHash },
    Cached(CacheEntry),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    Mock,
    Cache,
}

impl Source {
    pub fn kind(&self) -> SourceKind {
        match self {
            Source::Mock { .. } => SourceKind::Mock,
            Source::Cached(_) => SourceKind::Cache,
        }
    }

    pub fn len(&self) -> u64 {
        match self {
            Source::Mock { .. } => mock::MOCK_MP4.len() as u64,
            Source::Cached(entry) => entry.size,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn file_name(&self) -> String {
        match self {
            Source::Mock { .. } => mock::MOCK_FILE_NAME.to_owned(),
            Source::Cached(entry) => entry.file_name(),
        }
    }

    pub fn path(&self) -> Option<&PathBuf> {
        match self {
            Source::Mock { .. } => None,
            Source::Cached(entry) => Some(&entry.path),
        }
    }

    pub fn last_modified(&self) -> Option<SystemTime> {
        match self {
            Source::Mock { .. } => Some(mock::mock_modified()),
            Source::Cached(entry) => entry.modified,
        }
    }

    /// A strong validator that changes whenever the bytes can have changed (size or mtime).
    pub fn etag(&self) -> String {
        let nanos = self
            .last_modified()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        let tag = match self {
            Source::Mock { .. } => "mock",
            Source::Cached(_) => "file",
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
            Source::Cached(entry) => {
                let mut file = tokio::fs::File::open(&entry.path).await?;
                file.seek(io::SeekFrom::Start(start)).await?;
                let reader = file.take(len);
                Ok(Box::pin(tokio_util::io::ReaderStream::with_capacity(
                    reader, CHUNK_SIZE,
                )))
            }
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
    #[error("{info_hash} is not in the cache, and streaming from the swarm is not available yet")]
    P2pUnavailable { info_hash: InfoHash },
}

/// The pipeline shared by every face of the program.
#[derive(Debug, Clone)]
pub struct Pipeline {
    cache: Cache,
    p2p_enabled: bool,
}

impl Pipeline {
    pub fn new(cache: Cache, p2p_enabled: bool) -> Self {
        Pipeline { cache, p2p_enabled }
    }

    pub fn cache(&self) -> &Cache {
        &self.cache
    }

    /// Mock, then a valid cache file. Never serves a file that failed validation.
    /// Blocking: walks the cache folder.
    pub fn resolve(&self, info_hash: &InfoHash) -> Result<Source, ResolveError> {
        if info_hash.is_mock() {
            return Ok(Source::Mock {
                info_hash: *info_hash,
            });
        }
        match self.cache.lookup(info_hash) {
            Ok(entry) => Ok(Source::Cached(entry)),
            Err(rejected) => {
                for entry in &rejected {
                    tracing::warn!(
                        file = %entry.path.display(),
                        state = entry.state.label(),
                        "cached file for {info_hash} not served"
                    );
                }
                if self.p2p_enabled {
                    Err(ResolveError::P2pUnavailable {
                        info_hash: *info_hash,
                    })
                } else {
                    Err(ResolveError::NotFound {
                        info_hash: *info_hash,
                        rejected,
                    })
                }
            }
        }
    }
}
