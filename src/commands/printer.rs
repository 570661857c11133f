//! The one place commands reach stdout and stderr. stdout carries data (tables, paths, JSON,
//! NDJSON, `fetch --stdout` bytes); stderr carries notes for people, progress and errors.
//! `clippy.toml` forbids `std::io::stdout`/`stderr` (and tokio's) everywhere else, and the crate
//! denies `println!`/`eprintln!`, so a stray print cannot corrupt a `--json` document.
#![allow(clippy::disallowed_methods)]

use std::io::{IsTerminal, Write};

use color_eyre::eyre::Result;

/// stdout, locked, for a command's data; flush it when done (or let it drop).
pub fn data() -> std::io::StdoutLock<'static> {
    std::io::stdout().lock()
}

/// stdout for a stream of bytes written from async code (`fetch --stdout`).
pub fn data_async() -> tokio::io::Stdout {
    tokio::io::stdout()
}

/// A line for people on stderr. Errors writing it are ignored: stderr is where they would go.
pub fn note(line: impl std::fmt::Display) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Whether stderr is a terminal (progress bars draw only there).
pub fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}

/// One JSON document, pretty-printed, and a newline.
pub fn json(value: &impl serde::Serialize) -> Result<()> {
    let mut out = data();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

/// One NDJSON record: compact JSON on one line, flushed at once so a reader sees it live.
pub fn ndjson(value: &impl serde::Serialize) -> Result<()> {
    let mut out = data();
    serde_json::to_writer(&mut out, value)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}
