//! `cache ls` and `cache verify`.

use std::io::Write;
use std::time::SystemTime;

use color_eyre::eyre::Result;
use humansize::{BINARY, format_size};
use serde::Serialize;

use super::{Context, print_json};
use crate::cache::{Cache, CacheEntry, CacheListing, FileState};
use crate::cli::{CacheLsArgs, CacheVerifyArgs};
use crate::exit::{CliError, ExitCode};
use crate::target::InfoHash;

pub fn ls(ctx: &Context, args: &CacheLsArgs) -> Result<()> {
    let cache = Cache::new(&ctx.settings.cache_dir);
    let listing = CacheListing::of(&cache);
    if args.json {
        return print_json(&listing);
    }
    print_table(&listing.entries)?;
    ctx.note(format!(
        "{} file(s) in {}: {} complete, {} partial, {} invalid, {} in all",
        listing.entries.len(),
        cache.root().display(),
        listing.complete,
        listing.partial,
        listing.invalid,
        format_size(listing.total_bytes, BINARY)
    ));
    Ok(())
}

#[derive(Serialize)]
struct VerifyReport {
    cache_dir: std::path::PathBuf,
    ok: bool,
    checked: usize,
    problems: usize,
    entries: Vec<CacheEntry>,
}

pub fn verify(ctx: &Context, args: &CacheVerifyArgs) -> Result<()> {
    let cache = Cache::new(&ctx.settings.cache_dir);
    let entries = match &args.hash {
        Some(text) => {
            let hash: InfoHash = text
                .parse()
                .map_err(|e| CliError::new(ExitCode::Usage, format!("{e}")))?;
            let entries: Vec<_> = cache
                .list()
                .into_iter()
                .filter(|e| e.info_hash == hash)
                .collect();
            if entries.is_empty() {
                return Err(CliError::new(
                    ExitCode::NotInCache,
                    format!("{hash} has no file in {}", cache.root().display()),
                )
                .into());
            }
            entries
        }
        None => cache.list(),
    };
    let problems = entries.iter().filter(|e| !e.is_complete()).count();
    let report = VerifyReport {
        cache_dir: cache.root().to_path_buf(),
        ok: problems == 0,
        checked: entries.len(),
        problems,
        entries,
    };
    if args.json {
        print_json(&report)?;
    } else {
        let mut out = std::io::stdout().lock();
        for entry in &report.entries {
            writeln!(
                out,
                "{}  {}",
                state_text(&entry.state),
                entry.file.display()
            )?;
        }
        out.flush()?;
        ctx.note(format!(
            "checked {} file(s): {} ok, {} with problems",
            report.checked,
            report.checked - problems,
            problems
        ));
    }
    if problems > 0 {
        return Err(CliError::new(
            ExitCode::CacheInvalid,
            format!("{problems} cached file(s) are partial or invalid and will not be served"),
        )
        .into());
    }
    Ok(())
}

fn state_text(state: &FileState) -> String {
    match state {
        FileState::Invalid { reason } => format!("invalid ({reason})"),
        other => other.label().to_owned(),
    }
}

fn print_table(entries: &[CacheEntry]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if entries.is_empty() {
        return Ok(());
    }
    let rows: Vec<[String; 5]> = entries
        .iter()
        .map(|e| {
            [
                e.info_hash.to_hex(),
                state_text(&e.state),
                format_size(e.size, BINARY),
                e.last_access.map(age).unwrap_or_else(|| "-".to_owned()),
                e.file.display().to_string(),
            ]
        })
        .collect();
    let header = ["HASH", "STATE", "SIZE", "LAST ACCESS", "FILE"];
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 5]| {
        let [hash, state, size, access, file] = cells;
        format!(
            "{hash:<w0$}  {state:<w1$}  {size:>w2$}  {access:<w3$}  {file}",
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3]
        )
    };
    writeln!(out, "{}", line(header))?;
    for row in &rows {
        writeln!(out, "{}", line(row.each_ref().map(String::as_str)))?;
    }
    out.flush()?;
    Ok(())
}

/// "3m ago", "2h ago": coarse on purpose, a listing needs no seconds.
fn age(t: SystemTime) -> String {
    match SystemTime::now().duration_since(t) {
        Ok(d) => {
            let secs = d.as_secs();
            let rounded = match secs {
                0..60 => return "just now".to_owned(),
                60..3600 => secs - secs % 60,
                3600..86_400 => secs - secs % 3600,
                _ => secs - secs % 86_400,
            };
            format!(
                "{} ago",
                humantime::format_duration(std::time::Duration::from_secs(rounded))
            )
        }
        Err(_) => "in the future".to_owned(),
    }
}
