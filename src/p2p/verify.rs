//! Piece-hash verification of a downloaded file against the torrent metadata stored beside it.

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha1::{Digest, Sha1};

use super::TORRENT_FILE_NAME;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PieceCheck {
    /// Index of the file inside the torrent.
    pub file_index: usize,
    /// Pieces that overlap the file.
    pub pieces: u32,
    /// Pieces that could be hashed (the others need bytes from files not on disk).
    pub checked: u32,
    /// Pieces whose SHA-1 does not match the metadata.
    pub corrupt: Vec<u32>,
    /// Pieces that lie (partly) past the end of a file shorter than the metadata says.
    pub missing: Vec<u32>,
    /// The file's length according to the metadata.
    pub expected_len: u64,
    /// The file's length on disk.
    pub actual_len: u64,
}

impl PieceCheck {
    /// No corrupt piece (missing ones and the length are judged separately).
    pub fn is_ok(&self) -> bool {
        self.corrupt.is_empty()
    }

    /// Right length and every piece hashed clean: the file may be recorded as verified.
    pub fn is_verified(&self) -> bool {
        self.corrupt.is_empty()
            && self.missing.is_empty()
            && self.checked == self.pieces
            && self.expected_len == self.actual_len
    }
}

/// `folder` (the torrent's folder in the cache), when `path` lies in it and it holds stored
/// metadata. Blocking.
pub fn torrent_folder_of(path: &Path, folder: PathBuf) -> Option<PathBuf> {
    (path.starts_with(&folder) && folder.join(TORRENT_FILE_NAME).is_file()).then_some(folder)
}

/// Hashes every piece of the file at `path` (inside `folder`) that can be read from disk;
/// pieces past the end of a short file are counted as missing. `Ok(None)`: the file is not
/// part of the stored torrent. Blocking.
pub fn verify_file(folder: &Path, path: &Path) -> std::io::Result<Option<PieceCheck>> {
    let (bytes, files) = crate::cache::integrity::read_stored(folder).ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("no usable {TORRENT_FILE_NAME}"),
        )
    })?;
    let parsed = librqbit::torrent_from_bytes(&bytes)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))?;
    let info = parsed
        .info
        .data
        .validate()
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))?;
    let Some(target) = files.iter().find(|f| folder.join(&f.path) == path) else {
        return Ok(None);
    };
    let lengths = info.lengths();
    let piece_length = u64::from(lengths.default_piece_length());
    let total = lengths.total_length();
    // Every file of the torrent by its index, pad files included: they hold bytes of pieces.
    let spans: Vec<Span> = info
        .iter_file_details_ext()
        .map(|f| Span {
            offset: f.offset,
            len: f.details.len,
            path: (!f.details.attrs().padding).then(|| f.details.filename.to_pathbuf()),
        })
        .collect();
    let start = spans.get(target.index).map_or(0, |s| s.offset);
    let end = start + target.len;
    let first_piece = start / piece_length;
    let last_piece = if target.len == 0 {
        first_piece
    } else {
        (end - 1) / piece_length
    };
    let mut reader = Layout {
        folder,
        spans: &spans,
    };
    let actual_len = crate::cache::files::open_regular(path)
        .map_err(std::io::Error::other)?
        .metadata()?
        .len();
    let mut check = PieceCheck {
        file_index: target.index,
        pieces: 0,
        checked: 0,
        corrupt: Vec::new(),
        missing: Vec::new(),
        expected_len: target.len,
        actual_len,
    };
    let mut buffer = Vec::with_capacity(piece_length as usize);
    for piece in first_piece..=last_piece {
        check.pieces += 1;
        let piece_start = piece * piece_length;
        let piece_end = (piece_start + piece_length).min(total);
        let index = u32::try_from(piece).unwrap_or(u32::MAX);
        // Where this piece's share of the target file ends, counted from the file's start.
        if piece_end.min(end) - start > actual_len {
            check.missing.push(index);
            continue;
        }
        buffer.clear();
        if !reader.read(piece_start, piece_end, &mut buffer)? {
            continue;
        }
        check.checked += 1;
        let digest: [u8; 20] = Sha1::digest(&buffer).into();
        if info.info().compare_hash(index, digest) != Some(true) {
            check.corrupt.push(index);
        }
    }
    Ok(Some(check))
}

/// One file's place in the torrent's concatenated bytes; `path` is `None` for a pad file.
struct Span {
    offset: u64,
    len: u64,
    path: Option<std::path::PathBuf>,
}

/// Reads byte ranges of the torrent's concatenated files.
struct Layout<'a> {
    folder: &'a Path,
    spans: &'a [Span],
}

impl Layout<'_> {
    /// Appends torrent bytes `[start, end)` to `out`; `false` when a file is missing or short.
    fn read(&mut self, start: u64, end: u64, out: &mut Vec<u8>) -> std::io::Result<bool> {
        for span in self.spans {
            let (offset, file_end) = (span.offset, span.offset + span.len);
            if file_end <= start || offset >= end || span.len == 0 {
                continue;
            }
            let from = start.max(offset) - offset;
            let to = end.min(file_end) - offset;
            let Some(path) = &span.path else {
                // BEP 47: pad files are zeros and never on disk.
                out.resize(out.len() + usize::try_from(to - from).unwrap_or(0), 0);
                continue;
            };
            let Ok(mut handle) = crate::cache::files::open_regular(&self.folder.join(path)) else {
                return Ok(false);
            };
            if handle.metadata()?.len() < to {
                return Ok(false);
            }
            handle.seek(SeekFrom::Start(from))?;
            let wanted = usize::try_from(to - from).unwrap_or(usize::MAX);
            let before = out.len();
            handle.take(to - from).read_to_end(out)?;
            if out.len() - before != wanted {
                return Ok(false);
            }
        }
        Ok(true)
    }
}
