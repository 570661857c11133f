//! What can go wrong in the swarm engine.

use std::path::PathBuf;
use std::time::Duration;

use super::DiskFault;
use crate::target::InfoHash;

#[derive(Debug, thiserror::Error)]
pub enum P2pError {
    #[error("no peer sent the metadata of {info_hash} within {timeout:?}")]
    MetadataTimeout {
        info_hash: InfoHash,
        timeout: Duration,
    },
    #[error("could not get the metadata of {info_hash} from any peer: {reason}")]
    MetadataUnavailable { info_hash: InfoHash, reason: String },
    #[error("no way to find peers for {0}: DHT is off and no tracker or peer is configured")]
    NoPeerSource(InfoHash),
    /// `--file` names no file of the torrent; `files` lists them for the user.
    #[error("the torrent has no {wanted}; {files}")]
    NoSuchFile { wanted: String, files: String },
    /// Metadata that cannot be played safely: unparseable, hostile paths, no files, or a
    /// BitTorrent v2-only torrent.
    #[error("invalid torrent metadata: {reason}")]
    InvalidMetadata { reason: String },
    #[error("reading {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "not enough disk space in {}: {} still to download, {} free, and {} must stay free \
         (disk reserve)",
        folder.display(),
        human(*needed),
        human(*available),
        human(*reserve)
    )]
    InsufficientSpace {
        folder: PathBuf,
        needed: u64,
        available: u64,
        reserve: u64,
    },
    /// The torrent does not fit within the cache limits, even after eviction.
    #[error(transparent)]
    CacheFull(#[from] crate::cache::CacheFull),
    /// A write to the torrent's files failed (the disk filled up, or another disk error);
    /// the torrent is stopped without blaming any peer.
    #[error("{}", .0.message)]
    Disk(DiskFault),
    #[error("storing {path}: {source}")]
    Store {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("torrent engine: {0:#}")]
    Engine(anyhow::Error),
    /// A task of this process failed (a panic in blocking file work): not the swarm's fault.
    #[error("internal error: {0}")]
    Internal(String),
}

impl P2pError {
    /// Out of disk space, or a disk error: not the swarm's fault.
    pub fn is_disk(&self) -> bool {
        match self {
            P2pError::InsufficientSpace { .. } | P2pError::Disk(_) => true,
            // Writing the metadata beside the torrent's files.
            P2pError::Io { source, .. } => matches!(
                source.kind(),
                std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
            ),
            _ => false,
        }
    }
}

fn human(bytes: u64) -> String {
    humansize::format_size(bytes, humansize::BINARY)
}

impl From<crate::metadata::InvalidMetadata> for P2pError {
    fn from(e: crate::metadata::InvalidMetadata) -> Self {
        P2pError::InvalidMetadata { reason: e.reason }
    }
}

impl From<anyhow::Error> for P2pError {
    fn from(e: anyhow::Error) -> Self {
        P2pError::Engine(e)
    }
}
