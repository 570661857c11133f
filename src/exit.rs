//! Exit codes, and the error type that carries one to `main`.

use std::fmt;

/// Process exit codes; documented in the README and the man page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    Ok = 0,
    /// Any failure without a more specific code.
    Error = 1,
    /// Bad command line or unparseable target (clap uses 2 as well).
    Usage = 2,
    /// The command's engine is not part of this build yet.
    NotAvailable = 3,
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
    /// Stopped by Ctrl-C (128 + SIGINT); a download stays resumable.
    Interrupted = 130,
    /// Stopped by SIGTERM (128 + SIGTERM); handled like Ctrl-C, a download stays resumable.
    Terminated = 143,
}

impl ExitCode {
    pub fn code(self) -> i32 {
        self as i32
    }
}

/// An error that decides the exit code; any other error exits with [`ExitCode::Error`].
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

    /// For subcommands whose engine lands later: a clear refusal, never a fake success.
    pub fn not_available(what: &str) -> Self {
        CliError::new(
            ExitCode::NotAvailable,
            format!("{what} is not available in this version of peerstream yet"),
        )
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {}
