//! `cache ls` and `cache verify`.

use std::io::Write;
use std::sync::Arc;
use std::time::SystemTime;

use color_eyre::eyre::Result;
use humansize::{BINARY, format_size};
use serde::Serialize;

use super::signal::StopSignals;
use super::{Context, print_json};
use crate::cache::integrity::update_record;
use crate::cache::validate::write_partial_marker;
use crate::cache::{Cache, CacheEntry, CacheListing, DamageReason, FileState, InvalidReason};
use crate::cli::{CacheLsArgs, CacheVerifyArgs};
use crate::exit::{CliError, ExitCode};
use crate::p2p::verify::{PieceCheck, torrent_folder_of, verify_file};
use crate::p2p::{Engine, FileChoice};
use crate::target::InfoHash;
use crate::target::Target;

pub async fn ls(ctx: &Context, args: &CacheLsArgs) -> Result<()> {
    let cache = Cache::new(&ctx.settings.cache_dir).with_limits(ctx.settings.cache_limits());
    let listing = {
        let cache = cache.clone();
        tokio::task::spawn_blocking(move || CacheListing::of(&cache)).await?
    };
    if args.json {
        return print_json(&listing);
    }
    print_table(&listing.entries)?;
    ctx.note(format!(
        "{} file(s) in {}: {} complete, {} partial, {} damaged, {} invalid, {} in all",
        listing.entries.len(),
        cache.root().display(),
        listing.complete,
        listing.partial,
        listing.damaged,
        listing.invalid,
        format_size(listing.total_bytes, BINARY)
    ));
    let pinned = listing.torrents.iter().filter(|t| t.pinned).count();
    let in_use = listing.torrents.iter().filter(|t| t.in_use).count();
    ctx.note(format!(
        "the cache holds {} of {}{}; {pinned} torrent(s) pinned, {in_use} in use",
        format_size(listing.cache_bytes, BINARY),
        listing
            .max_size
            .map(|m| format_size(m, BINARY))
            .unwrap_or_else(|| "no size limit".to_owned()),
        listing
            .min_free
            .map(|m| format!(", {} kept free", format_size(m, BINARY)))
            .unwrap_or_default()
    ));
    Ok(())
}

#[derive(Serialize)]
struct VerifyReport {
    cache_dir: std::path::PathBuf,
    ok: bool,
    checked: usize,
    problems: usize,
    entries: Vec<VerifiedEntry>,
}

#[derive(Serialize)]
struct VerifiedEntry {
    #[serde(flatten)]
    entry: CacheEntry,
    /// Present when torrent metadata is stored beside the file.
    piece_check: Option<PieceCheck>,
}

pub async fn verify(ctx: &Context, args: &CacheVerifyArgs) -> Result<()> {
    let cache = Cache::new(&ctx.settings.cache_dir);
    // A TargetError: the mapping in `exit` makes it a usage error.
    let only = args
        .hash
        .as_deref()
        .map(str::parse::<InfoHash>)
        .transpose()?;
    let mut entries = check_all(&cache, only).await?;
    if entries.is_empty()
        && let Some(hash) = only
    {
        return Err(CliError::new(
            ExitCode::NotInCache,
            format!("{hash} has no file in {}", cache.root().display()),
        )
        .into());
    }
    if args.repair {
        let repaired = repair(ctx, &cache, &entries).await?;
        if repaired > 0 {
            entries = check_all(&cache, only).await?;
        }
    }
    let problems = entries.iter().filter(|e| !e.entry.is_complete()).count();
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
        let mut out = super::printer::data();
        for verified in &report.entries {
            let pieces = verified
                .piece_check
                .as_ref()
                .map(|c| {
                    let missing = if c.missing.is_empty() {
                        String::new()
                    } else {
                        format!(", {} missing", c.missing.len())
                    };
                    format!(" [{}/{} pieces hashed{missing}]", c.checked, c.pieces)
                })
                .unwrap_or_default();
            writeln!(
                out,
                "{}{pieces}  {}",
                state_text(&verified.entry.state),
                verified.entry.file.display()
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
        let hint = if args.repair {
            "the swarm could not supply every bad piece; try again later"
        } else {
            "`peerstream cache verify --repair` downloads corrupt and missing pieces again"
        };
        return Err(CliError::new(
            ExitCode::CacheInvalid,
            format!(
                "{problems} cached file(s) are partial or invalid (or damaged) and will not be served"
            ),
        )
        .with_hint(hint)
        .into());
    }
    Ok(())
}

/// Re-checks every entry (of one hash), hashing pieces where metadata is stored.
async fn check_all(cache: &Cache, only: Option<InfoHash>) -> Result<Vec<VerifiedEntry>> {
    let cache = cache.clone();
    let checked = tokio::task::spawn_blocking(move || {
        let entries = match only {
            Some(hash) => cache.entries(&hash),
            None => cache.list(),
        };
        entries
            .into_iter()
            .map(|mut entry| {
                let hashable =
                    matches!(entry.state, FileState::Complete | FileState::Damaged { .. });
                let folder = hashable
                    .then(|| torrent_folder_of(&entry.path, cache.torrent_folder(&entry.info_hash)))
                    .flatten();
                let piece_check =
                    folder
                        .as_ref()
                        .and_then(|folder| match verify_file(folder, &entry.path) {
                            Ok(check) => check,
                            Err(e) => {
                                tracing::warn!("hashing {}: {e}", entry.path.display());
                                None
                            }
                        });
                if let (Some(folder), Some(check)) = (&folder, &piece_check) {
                    entry.state = judged(entry.state, check);
                    remember(folder, &entry, check.is_verified());
                }
                VerifiedEntry { entry, piece_check }
            })
            .collect::<Vec<_>>()
    })
    .await?;
    Ok(checked)
}

/// The state a hashed file ends up in: corrupt pieces make it invalid, a length mismatch or
/// missing pieces damaged, a clean hash of the right length complete.
fn judged(state: FileState, check: &PieceCheck) -> FileState {
    if !check.is_ok() {
        return FileState::Invalid {
            reason: InvalidReason::CorruptPieces {
                pieces: check.corrupt.clone(),
            },
        };
    }
    if check.expected_len != check.actual_len {
        return FileState::Damaged {
            reason: DamageReason::LengthMismatch {
                expected: check.expected_len,
                actual: check.actual_len,
            },
        };
    }
    match state {
        FileState::Damaged {
            reason: DamageReason::Unverified,
        }
        | FileState::Complete
            if check.is_verified() =>
        {
            FileState::Complete
        }
        FileState::Complete => FileState::Damaged {
            reason: DamageReason::Unverified,
        },
        other => other,
    }
}

/// Writes the outcome of a hash into the folder's verification record, so the cache lookup
/// can trust it until the file changes.
fn remember(folder: &std::path::Path, entry: &CacheEntry, verified: bool) {
    let Ok(relative) = entry.path.strip_prefix(folder) else {
        return;
    };
    let relative = vec![relative.to_path_buf()];
    let (verified, unverified) = if verified {
        (relative, Vec::new())
    } else {
        (Vec::new(), relative)
    };
    if let Err(e) = update_record(folder, &verified, &unverified) {
        tracing::warn!(
            "recording the verification of {}: {e}",
            entry.path.display()
        );
    }
}

/// Marks files with corrupt pieces partial and lets the swarm fill the bad pieces in again.
async fn repair(ctx: &Context, cache: &Cache, entries: &[VerifiedEntry]) -> Result<usize> {
    let broken: Vec<&VerifiedEntry> = entries
        .iter()
        .filter(|v| v.piece_check.is_some() && !v.entry.is_complete())
        .collect();
    if broken.is_empty() {
        return Ok(0);
    }
    let options = ctx.settings.p2p_options();
    let engine = Engine::start(options, cache.root()).await?;
    let mut signals = StopSignals::install();
    let mending = async {
        for verified in &broken {
            mend(ctx, cache, &engine, verified).await?;
        }
        Ok::<(), color_eyre::Report>(())
    };
    let outcome = tokio::select! {
        done = mending => done,
        stop = signals.recv() => Err(stop.error("run it again to finish the repair").into()),
    };
    engine.stop().await;
    outcome.map(|()| broken.len())
}

/// Marks one file partial and waits until the swarm has replaced its corrupt and missing
/// pieces.
async fn mend(
    ctx: &Context,
    cache: &Cache,
    engine: &Arc<Engine>,
    verified: &VerifiedEntry,
) -> Result<()> {
    let Some(check) = &verified.piece_check else {
        return Ok(());
    };
    let entry = &verified.entry;
    let folder = cache.torrent_folder(&entry.info_hash);
    if let Ok(relative) = entry.path.strip_prefix(&folder) {
        // Never served while it is being mended.
        let folder = folder.clone();
        let relative = vec![relative.to_path_buf()];
        tokio::task::spawn_blocking(move || write_partial_marker(&folder, &relative)).await??;
    }
    ctx.note(format!(
        "repairing {} ({} corrupt, {} missing piece(s){})",
        entry.file.display(),
        check.corrupt.len(),
        check.missing.len(),
        if check.expected_len == check.actual_len {
            String::new()
        } else {
            format!(
                ", {} bytes where the torrent has {}",
                check.actual_len, check.expected_len
            )
        }
    ));
    let target = Target::InfoHash(entry.info_hash);
    let torrent = engine
        .open(&target, &FileChoice::Index(check.file_index), false)
        .await
        .map_err(color_eyre::Report::new)?;
    torrent
        .wait_complete()
        .await
        .map_err(color_eyre::Report::new)?;
    Ok(())
}

fn state_text(state: &FileState) -> String {
    match state {
        FileState::Invalid { reason } => format!("invalid ({reason})"),
        FileState::Damaged { reason } => format!("damaged ({reason})"),
        other => other.label().to_owned(),
    }
}

fn print_table(entries: &[CacheEntry]) -> Result<()> {
    let mut out = super::printer::data();
    if entries.is_empty() {
        return Ok(());
    }
    let rows: Vec<[String; 6]> = entries
        .iter()
        .map(|e| {
            [
                e.info_hash.to_hex(),
                state_text(&e.state),
                format_size(e.size, BINARY),
                e.last_access.map(age).unwrap_or_else(|| "-".to_owned()),
                if e.pinned { "pinned" } else { "-" }.to_owned(),
                e.file.display().to_string(),
            ]
        })
        .collect();
    let header = ["HASH", "STATE", "SIZE", "LAST ACCESS", "PIN", "FILE"];
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 6]| {
        let [hash, state, size, access, pin, file] = cells;
        format!(
            "{hash:<w0$}  {state:<w1$}  {size:>w2$}  {access:<w3$}  {pin:<w4$}  {file}",
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3],
            w4 = widths[4]
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
