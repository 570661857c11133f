//! The one rule for files that have torrent metadata stored beside them
//! (`<cache>/<hex>/.peerstream.torrent`): such a file is complete only when its length is the
//! length the metadata gives it and every one of its pieces has been verified since it last
//! changed.
//!
//! Verification is remembered in `.peerstream-verified` next to the metadata: for each file,
//! the size and modification time it had when librqbit finished it (each piece SHA-1 checked)
//! or `cache verify` hashed it clean. The record holds only while size and mtime are unchanged,
//! so the cache lookup costs a `stat` and two small reads, never a hash of the file.

use std::collections::BTreeMap;
use std::fs::Metadata;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use super::files::{
    MAX_METADATA_BYTES, MAX_SMALL_FILE_BYTES, read_small, read_small_text, write_atomic,
};
use crate::metadata::{TORRENT_FILE_NAME, TorrentFile, hash_and_files_of};
use crate::target::InfoHash;

/// Remembered verifications, beside the metadata.
pub const VERIFIED_RECORD: &str = ".peerstream-verified";

/// Why a file with stored metadata is not served.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DamageReason {
    /// The file is shorter or longer than the metadata says.
    LengthMismatch { expected: u64, actual: u64 },
    /// The length is right, but its pieces were not verified since the file last changed.
    Unverified,
}

impl std::fmt::Display for DamageReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DamageReason::LengthMismatch { expected, actual } => {
                let how = if actual < expected { "short" } else { "long" };
                write!(f, "{actual} bytes, the torrent says {expected}: too {how}")
            }
            DamageReason::Unverified => f.write_str("pieces not verified since it last changed"),
        }
    }
}

/// Size and modification time of a file when it was verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub len: u64,
    pub mtime_secs: u64,
    pub mtime_nanos: u32,
}

impl Stamp {
    pub fn of(meta: &Metadata) -> Option<Stamp> {
        let since = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
        Some(Stamp {
            len: meta.len(),
            mtime_secs: since.as_secs(),
            mtime_nanos: since.subsec_nanos(),
        })
    }
}

/// The content of `.peerstream-verified`: file path (relative to the torrent folder) to stamp.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifiedRecord {
    pub files: BTreeMap<String, Stamp>,
}

/// What a torrent folder's stored metadata and record say about its files.
#[derive(Debug, Clone)]
pub struct TorrentFacts {
    pub folder: PathBuf,
    pub files: Vec<TorrentFile>,
    pub record: VerifiedRecord,
}

/// How one file measures up against its metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Judgement {
    Verified,
    Damaged(DamageReason),
}

/// The stored metadata of `folder`, when it is a regular file of at most 16 MiB that parses.
/// Anything else (0 bytes, truncated, a FIFO, a device) counts as absent, so peers are asked
/// for it again; only absence goes unlogged.
pub fn read_metadata(folder: &Path) -> Option<Vec<u8>> {
    read_stored(folder).map(|(bytes, _)| bytes)
}

/// [`read_metadata`] with the torrent's files, from one read and one parse.
pub fn read_stored(folder: &Path) -> Option<(Vec<u8>, Vec<TorrentFile>)> {
    let path = folder.join(TORRENT_FILE_NAME);
    let bytes = match read_small(&path, MAX_METADATA_BYTES) {
        Ok(bytes) => bytes,
        Err(e) if e.is_not_found() => return None,
        Err(e) => {
            tracing::warn!("ignoring {}: {e}", path.display());
            return None;
        }
    };
    match hash_and_files_of(&bytes) {
        Ok((hash, _)) if !belongs_to(folder, hash) => {
            tracing::warn!("ignoring {}: it is another torrent's", path.display());
            None
        }
        Ok((_, files)) => Some((bytes, files)),
        Err(e) => {
            tracing::warn!("ignoring {}: {e}", path.display());
            None
        }
    }
}

/// Whether metadata of torrent `hash` belongs in `folder` (`<cache>/<hex>/`); a folder not named
/// by a hash accepts any.
fn belongs_to(folder: &Path, hash: InfoHash) -> bool {
    folder
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.parse::<InfoHash>().ok())
        .is_none_or(|expected| expected == hash)
}

/// The verification record of `folder`; empty when absent or unreadable.
pub fn read_record(folder: &Path) -> VerifiedRecord {
    read_small_text(&folder.join(VERIFIED_RECORD), MAX_SMALL_FILE_BYTES)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

fn write_record(folder: &Path, record: &VerifiedRecord) -> std::io::Result<()> {
    let text = serde_json::to_vec(record).map_err(std::io::Error::other)?;
    write_atomic(folder, VERIFIED_RECORD, &text)
}

/// Records the current size and mtime of `verified` files (relative paths) and forgets the
/// `unverified` ones, in one atomic rewrite of the record.
pub fn update_record(
    folder: &Path,
    verified: &[PathBuf],
    unverified: &[PathBuf],
) -> std::io::Result<()> {
    let mut record = read_record(folder);
    let before = record.clone();
    for relative in unverified {
        record.files.remove(&key(relative));
    }
    for relative in verified {
        // Stat the handle, not the path, as the reader of the record will.
        match super::files::open_regular(&folder.join(relative))
            .ok()
            .and_then(|f| f.metadata().ok())
            .and_then(|m| Stamp::of(&m))
        {
            Some(stamp) => record.files.insert(key(relative), stamp),
            None => record.files.remove(&key(relative)),
        };
    }
    if record == before {
        return Ok(());
    }
    write_record(folder, &record)
}

fn key(relative: &Path) -> String {
    relative.to_string_lossy().into_owned()
}

impl TorrentFacts {
    /// The facts of `folder`, when it holds usable metadata.
    pub fn load(folder: &Path) -> Option<TorrentFacts> {
        let (_, files) = read_stored(folder)?;
        Some(TorrentFacts {
            folder: folder.to_path_buf(),
            files,
            record: read_record(folder),
        })
    }

    /// The torrent file at `path`, when `path` is one of this torrent's files.
    pub fn file_at(&self, path: &Path) -> Option<&TorrentFile> {
        let relative = path.strip_prefix(&self.folder).ok()?;
        self.files.iter().find(|f| f.path == relative)
    }

    /// The rule: length equal to the metadata's, and a verification whose stamp still holds.
    /// `None` when `path` is not part of this torrent.
    pub fn judge(&self, path: &Path, meta: &Metadata) -> Option<Judgement> {
        let file = self.file_at(path)?;
        Some(judge(file, self.record.files.get(&key(&file.path)), meta))
    }
}

/// The rule for one file, given what the metadata, the record and `stat` say.
pub fn judge(file: &TorrentFile, recorded: Option<&Stamp>, meta: &Metadata) -> Judgement {
    if meta.len() != file.len {
        return Judgement::Damaged(DamageReason::LengthMismatch {
            expected: file.len,
            actual: meta.len(),
        });
    }
    match (recorded, Stamp::of(meta)) {
        (Some(recorded), Some(now)) if *recorded == now => Judgement::Verified,
        _ => Judgement::Damaged(DamageReason::Unverified),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(len: u64) -> TorrentFile {
        TorrentFile {
            index: 0,
            path: PathBuf::from("a.mp4"),
            len,
        }
    }

    #[test]
    fn length_must_match_and_a_verification_must_hold() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.mp4");
        std::fs::write(&path, vec![1u8; 1000]).unwrap();
        let meta = std::fs::metadata(&path).unwrap();
        let stamp = Stamp::of(&meta).unwrap();

        assert_eq!(judge(&file(1000), Some(&stamp), &meta), Judgement::Verified);
        assert_eq!(
            judge(&file(1000), None, &meta),
            Judgement::Damaged(DamageReason::Unverified),
            "never verified"
        );
        assert_eq!(
            judge(&file(2000), Some(&stamp), &meta),
            Judgement::Damaged(DamageReason::LengthMismatch {
                expected: 2000,
                actual: 1000
            }),
            "short, even with a record"
        );
        assert_eq!(
            judge(&file(500), Some(&stamp), &meta),
            Judgement::Damaged(DamageReason::LengthMismatch {
                expected: 500,
                actual: 1000
            }),
            "long"
        );
        let older = Stamp {
            mtime_nanos: stamp.mtime_nanos.wrapping_add(1) % 1_000_000_000,
            ..stamp
        };
        assert_eq!(
            judge(&file(1000), Some(&older), &meta),
            Judgement::Damaged(DamageReason::Unverified),
            "changed since it was verified"
        );
    }

    #[test]
    fn the_record_follows_size_and_mtime() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.mp4");
        std::fs::write(&path, vec![1u8; 1000]).unwrap();
        update_record(dir.path(), &["a.mp4".into()], &[]).unwrap();
        let record = read_record(dir.path());
        let meta = std::fs::metadata(&path).unwrap();
        assert_eq!(
            judge(&file(1000), record.files.get("a.mp4"), &meta),
            Judgement::Verified
        );

        // Rewritten with the same size: the mtime moves on and the record no longer holds.
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&path, vec![2u8; 1000]).unwrap();
        let meta = std::fs::metadata(&path).unwrap();
        assert_eq!(
            judge(&file(1000), record.files.get("a.mp4"), &meta),
            Judgement::Damaged(DamageReason::Unverified)
        );

        update_record(dir.path(), &[], &["a.mp4".into()]).unwrap();
        assert!(read_record(dir.path()).files.is_empty());
    }

    #[test]
    fn unusable_metadata_counts_as_absent() {
        let dir = tempfile::tempdir().unwrap();
        assert!(read_metadata(dir.path()).is_none());
        std::fs::write(dir.path().join(TORRENT_FILE_NAME), b"").unwrap();
        assert!(read_metadata(dir.path()).is_none(), "0 bytes");
        std::fs::write(dir.path().join(TORRENT_FILE_NAME), b"d4:infod6:lengthi5").unwrap();
        assert!(read_metadata(dir.path()).is_none(), "truncated");
        assert!(TorrentFacts::load(dir.path()).is_none());
    }
}
