//! `cache rm`, `cache pin|unpin` and `cache gc`: managing what the cache keeps.

use std::io::Write;

use color_eyre::eyre::Result;
use humansize::{BINARY, format_size};
use serde::Serialize;

use super::{Context, print_json};
use crate::cache::{Cache, Removed, TorrentUsage};
use crate::cli::{CacheGcArgs, CachePinArgs, CacheRmArgs};
use crate::target::InfoHash;

fn cache(ctx: &Context) -> Cache {
    Cache::new(&ctx.settings.cache_dir).with_limits(ctx.settings.cache_limits())
}

#[derive(Serialize)]
struct RmReport {
    removed: Vec<Removed>,
    /// Hashes that were not removed, and why.
    failed: Vec<RmFailure>,
}

#[derive(Serialize)]
struct RmFailure {
    info_hash: InfoHash,
    error: String,
}

pub async fn rm(ctx: &Context, args: &CacheRmArgs) -> Result<()> {
    // A TargetError: the mapping in `exit` makes it a usage error.
    let hashes = args
        .hashes
        .iter()
        .map(|h| h.parse::<InfoHash>())
        .collect::<Result<Vec<_>, _>>()?;
    let cache = cache(ctx);
    let outcomes = tokio::task::spawn_blocking(move || {
        hashes
            .iter()
            .map(|h| (*h, cache.remove(h)))
            .collect::<Vec<_>>()
    })
    .await?;
    let mut report = RmReport {
        removed: Vec::new(),
        failed: Vec::new(),
    };
    let mut first_error = None;
    for (info_hash, outcome) in outcomes {
        match outcome {
            Ok(removed) => {
                ctx.note(format!(
                    "removed {info_hash}: {} file(s), {}",
                    removed.files.len(),
                    format_size(removed.bytes, BINARY)
                ));
                report.removed.push(removed);
            }
            Err(e) => {
                report.failed.push(RmFailure {
                    info_hash,
                    error: e.to_string(),
                });
                first_error.get_or_insert(e);
            }
        }
    }
    if args.json {
        print_json(&report)?;
    }
    match first_error {
        Some(e) => Err(e.into()),
        None => Ok(()),
    }
}

pub async fn pin(ctx: &Context, args: &CachePinArgs, pinned: bool) -> Result<()> {
    let hash: InfoHash = args.hash.parse()?;
    let cache = cache(ctx);
    tokio::task::spawn_blocking(move || cache.set_pinned(&hash, pinned)).await??;
    if args.json {
        print_json(&serde_json::json!({ "info_hash": hash, "pinned": pinned }))?;
    } else {
        ctx.note(format!(
            "{} {hash}",
            if pinned { "pinned" } else { "unpinned" }
        ));
    }
    Ok(())
}

/// `cache gc --json`: the cache against its limits, and what was (or would be) evicted.
#[derive(Serialize)]
struct GcReport {
    dry_run: bool,
    max_size: Option<u64>,
    min_free: Option<u64>,
    total_bytes: u64,
    available_bytes: Option<u64>,
    /// Least recently used first.
    evicted: Vec<TorrentUsage>,
    freed_bytes: u64,
    /// Whether the cache is within its limits afterwards.
    satisfied: bool,
}

pub async fn gc(ctx: &Context, args: &CacheGcArgs) -> Result<()> {
    let cache = cache(ctx);
    let dry_run = args.dry_run;
    let report = tokio::task::spawn_blocking(move || {
        let usage = cache.usage();
        let plan = crate::cache::evict::plan(&usage, 0, None, &[]);
        let evicted = if dry_run {
            plan.evict.clone()
        } else {
            cache.evict(&plan, "cache gc")
        };
        let freed_bytes = evicted.iter().map(|t| t.bytes).sum();
        let limit = |n: u64| (n > 0).then_some(n);
        GcReport {
            dry_run,
            max_size: limit(usage.limits.max_size),
            min_free: limit(usage.limits.min_free),
            total_bytes: usage.total_bytes,
            available_bytes: usage.available_bytes,
            satisfied: plan.satisfied && (dry_run || freed_bytes == plan.freed_bytes),
            evicted,
            freed_bytes,
        }
    })
    .await?;
    if args.json {
        return print_json(&report);
    }
    let mut out = super::printer::data();
    for t in &report.evicted {
        writeln!(
            out,
            "{}  {:>10}  {}",
            t.info_hash,
            format_size(t.bytes, BINARY),
            t.last_access
                .map(|at| format!("last used {}", httpdate::fmt_http_date(at)))
                .unwrap_or_else(|| "never used".to_owned())
        )?;
    }
    out.flush()?;
    let verb = if report.dry_run {
        "would evict"
    } else {
        "evicted"
    };
    ctx.note(format!(
        "{verb} {} torrent(s), {}; the cache holds {}{}{}",
        report.evicted.len(),
        format_size(report.freed_bytes, BINARY),
        format_size(report.total_bytes, BINARY),
        report
            .max_size
            .map(|m| format!(" of at most {}", format_size(m, BINARY)))
            .unwrap_or_else(|| " (no size limit)".to_owned()),
        if report.satisfied {
            String::new()
        } else {
            "; still over the limits: the rest is pinned or in use".to_owned()
        }
    ));
    Ok(())
}
