//! The rules a cached file must pass before it is served.

use std::io::Read;
use std::path::Path;

use serde::Serialize;

use super::files::{MAX_SMALL_FILE_BYTES, open_regular, read_small_text, write_atomic};
use super::integrity::DamageReason;

/// Files smaller than this are never served: no real video is that small, and truncated
/// downloads often are.
pub const MIN_VIDEO_SIZE: u64 = 1024 * 1024;

/// Extensions treated as video, lower case.
pub const VIDEO_EXTENSIONS: &[&str] = &[
    "mp4", "m4v", "mkv", "webm", "avi", "mov", "ts", "m2ts", "mts", "mpg", "mpeg", "wmv", "flv",
    "ogv", "3gp",
];

/// Subtitle formats served beside a torrent's video, lower case.
pub const SUBTITLE_EXTENSIONS: &[&str] = &["srt", "vtt", "ass", "ssa"];

pub fn is_subtitle_extension(path: &Path) -> bool {
    extension_of(path).is_some_and(|e| SUBTITLE_EXTENSIONS.contains(&e.as_str()))
}

/// File names that mean "still downloading", whatever tool wrote them.
const PARTIAL_SUFFIXES: &[&str] = &[".part", ".partial", ".!qb", ".crdownload", ".aria2"];

/// A marker file in a download folder. Empty: everything below it is partial. Otherwise it
/// lists, one per line, the paths (relative to its folder) of the files still incomplete.
pub const PARTIAL_MARKER: &str = ".peerstream-partial";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum FileState {
    Complete,
    Partial,
    /// Torrent metadata is stored beside it and the file does not (yet) match it; the swarm
    /// can repair it.
    Damaged {
        reason: DamageReason,
    },
    Invalid {
        reason: InvalidReason,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InvalidReason {
    NotAFile,
    OutsideCache,
    NotVideo {
        extension: String,
    },
    TooSmall {
        size: u64,
        minimum: u64,
    },
    Unreadable {
        error: String,
    },
    /// The first bytes do not look like the container the extension names.
    ContentMismatch {
        extension: String,
    },
    /// Pieces whose SHA-1 does not match the torrent metadata (from `cache verify`).
    CorruptPieces {
        pieces: Vec<u32>,
    },
}

impl std::fmt::Display for InvalidReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InvalidReason::NotAFile => f.write_str("not a regular file"),
            InvalidReason::OutsideCache => f.write_str("resolves outside the cache folder"),
            InvalidReason::NotVideo { extension } if extension.is_empty() => {
                f.write_str("no video extension")
            }
            InvalidReason::NotVideo { extension } => {
                write!(f, "extension .{extension} is not a video type")
            }
            InvalidReason::TooSmall { size, minimum } => {
                write!(f, "{size} bytes, smaller than the {minimum}-byte minimum")
            }
            InvalidReason::Unreadable { error } => write!(f, "unreadable: {error}"),
            InvalidReason::ContentMismatch { extension } => {
                write!(f, "content is not a .{extension} container")
            }
            InvalidReason::CorruptPieces { pieces } => {
                let shown: Vec<String> = pieces.iter().take(8).map(u32::to_string).collect();
                let more = if pieces.len() > 8 { ", ..." } else { "" };
                write!(
                    f,
                    "{} corrupt piece(s): {}{more}",
                    pieces.len(),
                    shown.join(", ")
                )
            }
        }
    }
}

impl FileState {
    pub fn label(&self) -> &'static str {
        match self {
            FileState::Complete => "complete",
            FileState::Partial => "partial",
            FileState::Damaged { .. } => "damaged",
            FileState::Invalid { .. } => "invalid",
        }
    }
}

pub fn is_video_extension(path: &Path) -> bool {
    extension_of(path).is_some_and(|e| VIDEO_EXTENSIONS.contains(&e.as_str()))
}

fn extension_of(path: &Path) -> Option<String> {
    path.extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
}

/// True when the file name or a marker says the file is still being written.
pub fn is_marked_partial(path: &Path, cache_root: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if PARTIAL_SUFFIXES.iter().any(|s| name.ends_with(s)) {
        return true;
    }
    let mut sidecar = path.as_os_str().to_owned();
    sidecar.push(".partial");
    if Path::new(&sidecar).exists() {
        return true;
    }
    // A marker in the file's folder or any folder above it, up to the cache root.
    path.ancestors()
        .skip(1)
        .take_while(|dir| dir.starts_with(cache_root))
        .any(|dir| marker_covers(dir, path))
}

fn marker_covers(dir: &Path, path: &Path) -> bool {
    let marker = dir.join(PARTIAL_MARKER);
    let text = match read_small_text(&marker, MAX_SMALL_FILE_BYTES) {
        Ok(text) => text,
        // Present but unreadable (or a FIFO, a device) counts as partial; absent does not.
        Err(e) => return !e.is_not_found(),
    };
    let Ok(relative) = path.strip_prefix(dir) else {
        return true;
    };
    let listed: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    listed.is_empty() || listed.iter().any(|l| Path::new(l) == relative)
}

/// Marks `files` (relative to `dir`) as still downloading; atomically, so a full disk leaves
/// the old marker. Blocking.
pub fn write_partial_marker(dir: &Path, files: &[std::path::PathBuf]) -> std::io::Result<()> {
    let mut text = String::new();
    for f in files {
        text.push_str(&f.to_string_lossy());
        text.push('\n');
    }
    if text.is_empty() {
        return remove_partial_marker(dir);
    }
    write_atomic(dir, PARTIAL_MARKER, text.as_bytes())
}

/// Clears the partial mark of `dir` altogether.
pub fn remove_partial_marker(dir: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(dir.join(PARTIAL_MARKER)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Checks one file already known to lie inside the cache folder.
pub fn check_file(path: &Path, cache_root: &Path) -> (FileState, u64) {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            let reason = InvalidReason::Unreadable {
                error: e.to_string(),
            };
            return (FileState::Invalid { reason }, 0);
        }
    };
    let size = meta.len();
    let invalid = |reason| (FileState::Invalid { reason }, size);
    if !meta.is_file() {
        return invalid(InvalidReason::NotAFile);
    }
    if is_marked_partial(path, cache_root) {
        return (FileState::Partial, size);
    }
    let extension = extension_of(path).unwrap_or_default();
    if !VIDEO_EXTENSIONS.contains(&extension.as_str()) {
        return invalid(InvalidReason::NotVideo { extension });
    }
    let mut head = [0u8; 16];
    let read = open_regular(path)
        .map_err(std::io::Error::other)
        .and_then(|mut f| {
            let mut filled = 0;
            while filled < head.len() {
                match f.read(&mut head[filled..])? {
                    0 => break,
                    n => filled += n,
                }
            }
            Ok(filled)
        });
    let filled = match read {
        Ok(n) => n,
        Err(e) => {
            return invalid(InvalidReason::Unreadable {
                error: e.to_string(),
            });
        }
    };
    if size < MIN_VIDEO_SIZE {
        return invalid(InvalidReason::TooSmall {
            size,
            minimum: MIN_VIDEO_SIZE,
        });
    }
    if !content_matches(&extension, &head[..filled]) {
        return invalid(InvalidReason::ContentMismatch { extension });
    }
    (FileState::Complete, size)
}

/// Sniffs the container signature for the formats whose signature is fixed; other formats pass.
fn content_matches(extension: &str, head: &[u8]) -> bool {
    const ISO_BMFF_BOXES: &[&[u8; 4]] = &[
        b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot", b"uuid",
    ];
    match extension {
        "mp4" | "m4v" | "mov" | "3gp" => {
            head.len() >= 8 && ISO_BMFF_BOXES.iter().any(|b| &head[4..8] == *b)
        }
        "mkv" | "webm" => head.starts_with(&[0x1a, 0x45, 0xdf, 0xa3]),
        "avi" => head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"AVI ",
        "ts" => head.first() == Some(&0x47),
        "flv" => head.starts_with(b"FLV"),
        "ogv" => head.starts_with(b"OggS"),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, head: &[u8], size: usize) -> std::path::PathBuf {
        let path = dir.join(name);
        let mut bytes = head.to_vec();
        bytes.resize(size.max(head.len()), 0);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    const MP4_HEAD: &[u8] = b"\0\0\0\x20ftypisom";

    #[test]
    fn states_follow_the_rules() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let big = 2 * 1024 * 1024;
        let ok = write(root, "a.mp4", MP4_HEAD, big);
        assert_eq!(check_file(&ok, root).0, FileState::Complete);

        let small = write(root, "b.mp4", MP4_HEAD, 1000);
        assert!(matches!(
            check_file(&small, root).0,
            FileState::Invalid {
                reason: InvalidReason::TooSmall { size: 1000, .. }
            }
        ));

        let txt = write(root, "c.txt", b"hello", big);
        assert!(matches!(
            check_file(&txt, root).0,
            FileState::Invalid {
                reason: InvalidReason::NotVideo { .. }
            }
        ));

        let fake = write(root, "d.mkv", MP4_HEAD, big);
        assert!(matches!(
            check_file(&fake, root).0,
            FileState::Invalid {
                reason: InvalidReason::ContentMismatch { .. }
            }
        ));

        let part = write(root, "e.mp4.part", MP4_HEAD, big);
        assert_eq!(check_file(&part, root).0, FileState::Partial);

        let sidecar = write(root, "f.mp4", MP4_HEAD, big);
        std::fs::write(root.join("f.mp4.partial"), b"").unwrap();
        assert_eq!(check_file(&sidecar, root).0, FileState::Partial);

        let sub = root.join("download");
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join(PARTIAL_MARKER), b"").unwrap();
        let inner = write(&sub, "g.mp4", MP4_HEAD, big);
        assert_eq!(check_file(&inner, root).0, FileState::Partial);

        // A marker that lists files covers only those.
        let done = write(&sub, "h.mp4", MP4_HEAD, big);
        write_partial_marker(&sub, &["g.mp4".into()]).unwrap();
        assert_eq!(check_file(&inner, root).0, FileState::Partial);
        assert_eq!(check_file(&done, root).0, FileState::Complete);
        write_partial_marker(&sub, &[]).unwrap();
        assert_eq!(check_file(&inner, root).0, FileState::Complete);

        assert!(matches!(
            check_file(root, root).0,
            FileState::Invalid {
                reason: InvalidReason::NotAFile
            }
        ));
    }

    #[test]
    fn sniffing_knows_the_common_containers() {
        assert!(content_matches("mkv", &[0x1a, 0x45, 0xdf, 0xa3, 1]));
        assert!(content_matches("avi", b"RIFF\0\0\0\0AVI LIST"));
        assert!(!content_matches("avi", b"RIFF\0\0\0\0WAVEfmt "));
        assert!(content_matches("mp4", b"\0\0\0\x08free\0\0\0\0"));
        assert!(!content_matches("mp4", b"<html><body>"));
        assert!(content_matches("mpg", b"anything"));
    }
}
