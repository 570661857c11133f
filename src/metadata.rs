//! A torrent's metadata as peerstream stores it (`<cache>/<info-hash>/.peerstream.torrent`):
//! its info-hash and its files (pad files left out), and the refusal of metadata that is
//! invalid, hostile or BitTorrent v2 only. A leaf, so the cache (which checks files against
//! it) and the swarm engine (which downloads by it) share it without depending on each other.
//! It parses with librqbit's own parser, so both always agree with what the engine sees.

use std::path::PathBuf;

use serde::Serialize;

use crate::target::InfoHash;

/// The metadata file in a torrent's cache folder.
pub const TORRENT_FILE_NAME: &str = ".peerstream.torrent";

/// One file of a torrent, as laid out below the torrent's cache folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TorrentFile {
    pub index: usize,
    /// Relative to the torrent's folder in the cache.
    pub path: PathBuf,
    pub len: u64,
}

/// Metadata that cannot be used: unparseable, hostile paths, no files, or v2 only.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid torrent metadata: {reason}")]
pub struct InvalidMetadata {
    pub reason: String,
}

/// The v1 info-hash of bencoded metadata.
pub fn info_hash_of(torrent_bytes: &[u8]) -> Result<InfoHash, InvalidMetadata> {
    let parsed = librqbit::torrent_from_bytes(torrent_bytes)
        .map_err(|e| invalid_metadata(torrent_bytes, &e))?;
    Ok(InfoHash::from_bytes(parsed.info_hash.0))
}

/// The files of a torrent, from its bencoded metadata.
pub fn files_of(torrent_bytes: &[u8]) -> Result<Vec<TorrentFile>, InvalidMetadata> {
    hash_and_files_of(torrent_bytes).map(|(_, files)| files)
}

/// The v1 info-hash and the files of bencoded metadata, from one parse.
pub fn hash_and_files_of(
    torrent_bytes: &[u8],
) -> Result<(InfoHash, Vec<TorrentFile>), InvalidMetadata> {
    let parsed = librqbit::torrent_from_bytes(torrent_bytes)
        .map_err(|e| invalid_metadata(torrent_bytes, &e))?;
    let info = parsed
        .info
        .data
        .validate()
        .map_err(|e| invalid_metadata(torrent_bytes, &e))?;
    let mut files = Vec::new();
    for (index, details) in info.iter_file_details().enumerate() {
        // BEP 47 pad files only align pieces: never listed, chosen or counted. They keep
        // their index so the visible files keep the engine's numbering.
        if details.attrs().padding {
            continue;
        }
        let path = details.filename.to_pathbuf();
        // Never let a torrent write or name anything outside its folder.
        if path.as_os_str().is_empty()
            || path
                .components()
                .any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            return Err(InvalidMetadata {
                reason: format!("unsafe file path {:?}", path.display().to_string()),
            });
        }
        files.push(TorrentFile {
            index,
            path,
            len: details.len,
        });
    }
    Ok((InfoHash::from_bytes(parsed.info_hash.0), files))
}

/// The error for metadata the engine cannot parse, naming BitTorrent v2 when that is why.
fn invalid_metadata(torrent_bytes: &[u8], error: &dyn std::fmt::Display) -> InvalidMetadata {
    if is_v2_only(torrent_bytes) {
        return InvalidMetadata {
            reason: V2_ONLY.to_owned(),
        };
    }
    InvalidMetadata {
        reason: error.to_string(),
    }
}

/// Why a BitTorrent v2-only torrent is refused, and what works instead.
const V2_ONLY: &str = "BitTorrent v2-only torrents are not supported; a hybrid (v1+v2) \
                           torrent works by its v1 info-hash (40 hex characters, \
                           magnet:?xt=urn:btih:...)";

/// A v2 torrent without the v1 `pieces` a hybrid one carries (BEP 52: `meta version` 2).
fn is_v2_only(torrent_bytes: &[u8]) -> bool {
    // Searching the bencode for the keys is enough to tell the two apart: a hybrid
    // torrent has both, a v1 torrent has no `meta version`.
    let has = |key: &[u8]| torrent_bytes.windows(key.len()).any(|w| w == key);
    has(b"12:meta versioni2e") && !has(b"6:pieces")
}
