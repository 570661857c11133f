//! Exit codes, the table that documents them, and the one mapping from an error to its code.

use std::fmt;

use crate::config::ConfigError;
use crate::p2p::P2pError;
use crate::pipeline::ResolveError;
use crate::target::TargetError;

/// Process exit codes; documented by [`EXIT_CODES`] (`--help`, the man page, the README).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    Ok = 0,
    /// Any failure without a more specific code.
    Error = 1,
    /// Bad command line or unparseable target (clap uses 2 as well).
    Usage = 2,
    /// The requested info-hash has no file in the cache.
    NotInCache = 4,
    /// `cache verify` found at least one partial, damaged or invalid file.
    CacheInvalid = 5,
    /// No peers answered or a download timed out.
    NoPeers = 6,
    /// The network needed for the command is unreachable.
    NetworkUnreachable = 7,
    /// `nat detect`: no STUN server could be resolved, reached or gave a usable answer.
    NoStunServer = 8,
    /// `nat detect`: requests went out and no STUN server answered at all (UDP Blocked).
    UdpBlocked = 9,
    /// Not enough free disk space for the download, or writing to the disk failed.
    DiskFull = 10,
    /// The torrent's metadata is invalid, hostile or unsupported (BitTorrent v2 only).
    InvalidMetadata = 11,
    /// The torrent does not fit within the cache limits even after eviction.
    CacheFull = 12,
    /// `cache rm`: a stream or a running download (e.g. in `serve`) holds the entry.
    InUse = 13,
    /// Stopped by Ctrl-C (128 + SIGINT); a download stays resumable.
    Interrupted = 130,
    /// Stopped by SIGTERM (128 + SIGTERM); handled like Ctrl-C, a download stays resumable.
    Terminated = 143,
}

/// Every exit code with its meaning: the one list `--help`, the man page and the README show.
pub const EXIT_CODES: &[(ExitCode, &str)] = &[
    (
        ExitCode::Ok,
        "success (also when stdout's reader went away, e.g. `cache ls --json | head -c 10`)",
    ),
    (ExitCode::Error, "error"),
    (
        ExitCode::Usage,
        "usage: bad flags, an unparseable target / hash, or no such file in the torrent",
    ),
    (
        ExitCode::NotInCache,
        "the info-hash has no file in the cache",
    ),
    (
        ExitCode::CacheInvalid,
        "`cache verify` found partial, damaged or invalid files",
    ),
    (ExitCode::NoPeers, "no peers, or a download timed out"),
    (
        ExitCode::NetworkUnreachable,
        "the network needed is unreachable",
    ),
    (
        ExitCode::NoStunServer,
        "`nat detect`: no STUN server could be reached",
    ),
    (ExitCode::UdpBlocked, "`nat detect`: UDP is blocked"),
    (
        ExitCode::DiskFull,
        "not enough disk space for the download, or a disk error (a download stays resumable)",
    ),
    (
        ExitCode::InvalidMetadata,
        "the torrent's metadata is invalid, hostile or BitTorrent v2 only",
    ),
    (
        ExitCode::CacheFull,
        "the torrent does not fit within cache.max_size / cache.min_free, even after evicting \
         every entry that is not pinned or in use",
    ),
    (
        ExitCode::InUse,
        "`cache rm`: the entry is being streamed or downloaded (e.g. by `serve`)",
    ),
    (
        ExitCode::Interrupted,
        "interrupted by Ctrl-C (a download stays resumable)",
    ),
    (
        ExitCode::Terminated,
        "stopped by SIGTERM, handled like Ctrl-C (`serve` exits 0 on either)",
    ),
];

/// The "Exit codes:" block after `--help`, built from [`EXIT_CODES`].
pub fn exit_codes_help() -> String {
    let mut text = String::from("Exit codes:");
    for (code, meaning) in EXIT_CODES {
        text.push_str(&format!("\n  {:<4} {meaning}", code.code()));
    }
    text
}

impl ExitCode {
    pub fn code(self) -> i32 {
        self as i32
    }
}

/// An error that decides the exit code itself, for failures no typed error describes.
#[derive(Debug)]
pub struct CliError {
    pub code: ExitCode,
    pub message: String,
    /// One line telling the user what to do about it.
    pub hint: Option<String>,
}

impl CliError {
    pub fn new(code: ExitCode, message: impl Into<String>) -> Self {
        CliError {
            code,
            message: message.into(),
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {}

/// What a failed command exits with, and the line that tells the user what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub code: ExitCode,
    pub hint: Option<String>,
}

const NO_PEERS_HINT: &str =
    "check the hash, raise --metadata-timeout, or add peers with --peer / --tracker";
const SPACE_HINT: &str = "free space on that disk, pick a larger one with --cache-dir DIR, or lower \
                          --disk-reserve-mib";
const DISK_HINT: &str = "free space on the cache folder's disk (or use --cache-dir DIR on a larger \
                         one), then run the same command again: it resumes from what is verified";
const CACHE_FULL_HINT: &str = "see what the cache holds with `peerstream cache ls`; unpin or remove \
                               entries, or raise --cache-max-size";
const METADATA_HINT: &str = "the torrent cannot be played safely: ask its source for a valid one \
                             (for a BitTorrent v2 torrent, its hybrid v1 info-hash)";

/// The one error -> exit code mapping: the first cause in the chain that is a known error
/// decides; anything else is [`ExitCode::Error`].
pub fn outcome(report: &color_eyre::Report) -> Outcome {
    report.chain().find_map(known_outcome).unwrap_or(Outcome {
        code: ExitCode::Error,
        hint: None,
    })
}

fn known_outcome(cause: &(dyn std::error::Error + 'static)) -> Option<Outcome> {
    let with = |code, hint: Option<&str>| Outcome {
        code,
        hint: hint.map(str::to_owned),
    };
    if let Some(e) = cause.downcast_ref::<CliError>() {
        return Some(Outcome {
            code: e.code,
            hint: e.hint.clone(),
        });
    }
    if let Some(e) = cause.downcast_ref::<ResolveError>() {
        return Some(match e {
            ResolveError::NotFound { .. } => with(
                ExitCode::NotInCache,
                Some("turn P2P on to download it, or check the hash"),
            ),
            ResolveError::NoSuchFile { .. } => with(
                ExitCode::Usage,
                Some("list the torrent's files with `peerstream fetch HASH --list`"),
            ),
            ResolveError::P2pOff => with(ExitCode::Usage, Some("turn P2P on (drop --no-p2p)")),
            ResolveError::Internal(_) => with(ExitCode::Error, Some("run with -v for details")),
            ResolveError::P2p(p2p) => p2p_outcome(p2p),
        });
    }
    if let Some(e) = cause.downcast_ref::<P2pError>() {
        return Some(p2p_outcome(e));
    }
    if let Some(e) = cause.downcast_ref::<crate::cache::ManageError>() {
        use crate::cache::ManageError;
        return Some(match e {
            ManageError::NotFound(_) => with(
                ExitCode::NotInCache,
                Some("list it with `peerstream cache ls`"),
            ),
            ManageError::InUse(_) => with(
                ExitCode::InUse,
                Some(
                    "stop the stream or download (in `serve`: DELETE /api/torrents/HASH), then try again",
                ),
            ),
            ManageError::NotPinnable(_) => with(ExitCode::Usage, None),
            ManageError::Io { .. } => with(ExitCode::Error, None),
        });
    }
    if cause.downcast_ref::<TargetError>().is_some() {
        return Some(with(ExitCode::Usage, None));
    }
    if cause.downcast_ref::<ConfigError>().is_some() {
        return Some(with(ExitCode::Error, None));
    }
    let kind = cause.downcast_ref::<std::io::Error>()?.kind();
    match kind {
        std::io::ErrorKind::PermissionDenied => Some(with(
            ExitCode::Error,
            Some("the cache folder must be writable; pick another with --cache-dir DIR"),
        )),
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => {
            Some(with(ExitCode::DiskFull, Some(DISK_HINT)))
        }
        _ => None,
    }
}

fn p2p_outcome(e: &P2pError) -> Outcome {
    let (code, hint) = match e {
        P2pError::MetadataTimeout { .. }
        | P2pError::MetadataUnavailable { .. }
        | P2pError::NoPeerSource(_) => (ExitCode::NoPeers, NO_PEERS_HINT),
        P2pError::InvalidMetadata { .. } => (ExitCode::InvalidMetadata, METADATA_HINT),
        P2pError::NoSuchFile { .. } => (
            ExitCode::Usage,
            "pick a file by its number or a part of its name with --file",
        ),
        P2pError::InsufficientSpace { .. } => (ExitCode::DiskFull, SPACE_HINT),
        P2pError::CacheFull(_) => (ExitCode::CacheFull, CACHE_FULL_HINT),
        disk if disk.is_disk() => (ExitCode::DiskFull, DISK_HINT),
        _ => (ExitCode::Error, "run with -v for details"),
    };
    Outcome {
        code,
        hint: Some(hint.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_documented_once() {
        let codes: Vec<i32> = EXIT_CODES.iter().map(|(c, _)| c.code()).collect();
        let unique: std::collections::HashSet<i32> = codes.iter().copied().collect();
        assert_eq!(
            codes.len(),
            unique.len(),
            "a code is listed twice: {codes:?}"
        );
        assert!(exit_codes_help().contains("\n  11   the torrent's metadata"));
    }

    #[test]
    fn typed_errors_decide_the_code() {
        let report = color_eyre::eyre::eyre!(P2pError::InvalidMetadata {
            reason: "a path leaves the torrent's folder".into()
        })
        .wrap_err("fetching");
        assert_eq!(outcome(&report).code, ExitCode::InvalidMetadata);
        let report = color_eyre::Report::new(ResolveError::P2pOff);
        assert_eq!(outcome(&report).code, ExitCode::Usage);
        let report =
            color_eyre::Report::new(std::io::Error::from(std::io::ErrorKind::PermissionDenied));
        assert_eq!(outcome(&report).code, ExitCode::Error);
        assert!(outcome(&report).hint.is_some());
        let report = color_eyre::eyre::eyre!("something else");
        assert_eq!(outcome(&report).code, ExitCode::Error);
    }
}
