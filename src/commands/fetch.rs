//! `fetch`: make a target's file present in the cache and report where it is.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use color_eyre::eyre::{Result, WrapErr};
use futures_util::StreamExt;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use tokio::io::AsyncWriteExt;

use super::Context;
use super::signal::{Stop, StopSignals};
use crate::cache::Cache;
use crate::cli::FetchArgs;
use crate::exit::{CliError, ExitCode};
use crate::mock;
use crate::p2p::{Engine, FileChoice, P2pError, SwarmTorrent, choose_file};
use crate::pipeline::{Pipeline, SourceKind};
use crate::target::{InfoHash, Target};

/// How often progress is sampled (and printed as NDJSON, once a second).
const TICK: Duration = Duration::from_millis(250);

#[derive(Serialize)]
struct DoneRecord<'a> {
    event: &'static str,
    info_hash: InfoHash,
    path: &'a std::path::Path,
    size: u64,
    source: SourceKind,
}

#[derive(Serialize)]
struct ProgressRecord {
    event: &'static str,
    info_hash: InfoHash,
    downloaded_bytes: u64,
    total_bytes: u64,
    progress: f64,
    download_bytes_per_second: u64,
    peers: u32,
}

pub async fn run(ctx: &Context, args: &FetchArgs) -> Result<()> {
    let target = Target::parse(&args.target)?;
    let cache = Cache::new(&ctx.settings.cache_dir).with_limits(ctx.settings.cache_limits());
    let choice: FileChoice = match &args.file {
        Some(text) => text.parse().unwrap_or_default(),
        None => FileChoice::Default,
    };
    let simple = !args.all && choice == FileChoice::Default;

    if let Some(hash) = target.info_hash().filter(InfoHash::is_mock) {
        // Materialised like a finished download, so `--print-path` and players get a file.
        let path = {
            let cache = cache.clone();
            tokio::task::spawn_blocking(move || write_mock_into_cache(&cache, &hash)).await??
        };
        let size = mock::MOCK_MP4.len() as u64;
        return report(ctx, args, hash, &[path], size, SourceKind::Mock).await;
    }
    let cached = match target.info_hash().filter(|_| simple) {
        Some(hash) => {
            let cache = cache.clone();
            tokio::task::spawn_blocking(move || cache.lookup(&hash).ok()).await?
        }
        None => None,
    };
    if let Some(hash) = target.info_hash()
        && let Some(entry) = cached
    {
        return report(
            ctx,
            args,
            hash,
            std::slice::from_ref(&entry.path),
            entry.size,
            SourceKind::Cache,
        )
        .await;
    }

    // Listening from here on: a signal between two steps is seen by the next one.
    let mut signals = StopSignals::install();
    let options = ctx.settings.p2p_options();
    let stall_timeout = options.stall_timeout;
    let pipeline = Pipeline::new(cache.clone(), Some(options));
    let engine = match pipeline.engine().await {
        Some(engine) => engine?,
        None => return Err(crate::pipeline::ResolveError::P2pOff.into()),
    };
    let spinner = metadata_spinner(ctx, args);
    if spinner.is_none() {
        ctx.note(format!("looking for peers of {}", args.target));
    }
    let opened = tokio::select! {
        opened = engine.open(&target, &choice, args.all) => opened.map_err(color_eyre::Report::new),
        stop = signals.recv() => Err(stopped(&engine, stop).await),
    };
    if let Some(spinner) = spinner {
        spinner.finish_and_clear();
    }
    let torrent = opened?;
    let primary = match &choice {
        FileChoice::Default => torrent.default_file,
        other => choose_file(&torrent.files, other).unwrap_or(torrent.default_file),
    };
    let selected = torrent.selected();
    let outcome = tokio::select! {
        done = download(ctx, args, &torrent, &selected, primary, stall_timeout) => done,
        stop = signals.recv() => Err(stopped(&engine, stop).await),
    };
    if let Err(e) = torrent.update_partial_marker().await {
        tracing::warn!("updating the cache marker: {e}");
    }
    if outcome.is_err() {
        // Leave the session state tidy for the resume; a finished download needs no stop
        // (librqbit's stop waits a full second).
        engine.stop().await;
    }
    outcome?;

    let paths: Vec<PathBuf> = selected
        .iter()
        .filter_map(|i| torrent.path_of(*i))
        .collect();
    let primary_path = torrent
        .path_of(primary)
        .ok_or_else(|| CliError::new(ExitCode::Error, "the chosen file has no path"))?;
    // The file players want comes first.
    let mut ordered = vec![primary_path.clone()];
    ordered.extend(paths.into_iter().filter(|p| *p != primary_path));
    let size = torrent.file(primary).map_or(0, |f| f.len);
    report(
        ctx,
        args,
        torrent.info_hash,
        &ordered,
        size,
        SourceKind::Swarm,
    )
    .await
}

/// Downloads the selected files, showing progress; with `--stdout`, the primary file's bytes
/// are written in order while they arrive.
async fn download(
    ctx: &Context,
    args: &FetchArgs,
    torrent: &Arc<SwarmTorrent>,
    selected: &[usize],
    primary: usize,
    stall_timeout: Duration,
) -> Result<()> {
    let total: u64 = selected
        .iter()
        .filter_map(|i| torrent.file(*i))
        .map(|f| f.len)
        .sum();
    torrent
        .wait_initialized()
        .await
        .map_err(color_eyre::Report::new)?;
    let bar = progress_bar(ctx, args, total, &torrent.name);
    let piping = args.stdout.then(|| {
        let torrent = torrent.clone();
        let len = torrent.file(primary).map_or(0, |f| f.len);
        tokio::spawn(async move { pipe_to_stdout(&torrent, primary, len).await })
    });

    let mut last_bytes = 0;
    let mut last_change = Instant::now();
    let mut last_json = Instant::now() - Duration::from_secs(1);
    let mut ticker = tokio::time::interval(TICK);
    // Completion ends the loop at once instead of at the next tick.
    let mut completed = std::pin::pin!(torrent.wait_complete());
    let mut finished = false;
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            result = &mut completed, if !finished => {
                result.map_err(color_eyre::Report::new)?;
                finished = true;
            }
        }
        if let Some(fault) = torrent.disk_fault() {
            if let Some(bar) = &bar {
                bar.abandon();
            }
            return Err(P2pError::Disk(fault).into());
        }
        let done_bytes: u64 = selected.iter().map(|i| torrent.file_progress(*i)).sum();
        let status = torrent.status();
        if let Some(bar) = &bar {
            bar.set_position(done_bytes);
            bar.set_message(format!("{} peer(s)", status.peers));
        }
        if args.json && (last_json.elapsed() >= Duration::from_secs(1) || done_bytes >= total) {
            last_json = Instant::now();
            print_ndjson(&ProgressRecord {
                event: "progress",
                info_hash: torrent.info_hash,
                downloaded_bytes: done_bytes,
                total_bytes: total,
                progress: if total == 0 {
                    1.0
                } else {
                    done_bytes as f64 / total as f64
                },
                download_bytes_per_second: status.download_bytes_per_second,
                peers: status.peers,
            })?;
        }
        if finished || selected.iter().all(|i| torrent.is_file_complete(*i)) {
            break;
        }
        if done_bytes != last_bytes {
            last_bytes = done_bytes;
            last_change = Instant::now();
        } else if last_change.elapsed() >= stall_timeout {
            if let Some(bar) = &bar {
                bar.abandon();
            }
            return Err(CliError::new(
                ExitCode::NoPeers,
                format!("no data from any peer for {}s", stall_timeout.as_secs()),
            )
            .with_hint("run it again later (it resumes), or add peers with --peer / --tracker")
            .into());
        }
    }
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    if let Some(piping) = piping {
        piping.await.wrap_err("writing to stdout")??;
    }
    Ok(())
}

async fn pipe_to_stdout(torrent: &Arc<SwarmTorrent>, index: usize, len: u64) -> Result<()> {
    let mut body = torrent.read_range(index, 0, len, None).await?;
    let mut out = super::printer::data_async();
    while let Some(chunk) = body.next().await {
        out.write_all(&chunk?).await?;
    }
    out.flush().await?;
    Ok(())
}

/// A spinner while the metadata is fetched from peers (terminals only).
fn metadata_spinner(ctx: &Context, args: &FetchArgs) -> Option<ProgressBar> {
    if ctx.quiet || args.json || !super::printer::stderr_is_terminal() {
        return None;
    }
    let spinner = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} {elapsed}") {
        spinner.set_style(style);
    }
    spinner.set_message(format!("fetching metadata for {}", args.target));
    spinner.enable_steady_tick(Duration::from_millis(120));
    Some(spinner)
}

fn progress_bar(ctx: &Context, args: &FetchArgs, total: u64, name: &str) -> Option<ProgressBar> {
    if ctx.quiet || args.json || !super::printer::stderr_is_terminal() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(
        "{prefix} [{bar:30}] {binary_bytes}/{binary_total_bytes} {percent}% {binary_bytes_per_sec} {msg} ETA {eta}",
    )
    .map(|s| s.progress_chars("=> "))
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_prefix(name.to_owned());
    Some(bar)
}

async fn report(
    ctx: &Context,
    args: &FetchArgs,
    info_hash: InfoHash,
    paths: &[PathBuf],
    size: u64,
    source: SourceKind,
) -> Result<()> {
    // Absolute paths, whatever form the cache folder was given in, so scripts can use them.
    let mut absolute = Vec::with_capacity(paths.len());
    for p in paths {
        absolute.push(
            tokio::fs::canonicalize(p)
                .await
                .unwrap_or_else(|_| p.clone()),
        );
    }
    let paths = absolute;
    let Some(path) = paths.first() else {
        return Err(CliError::new(ExitCode::Error, "nothing was downloaded").into());
    };
    if args.stdout {
        if source != SourceKind::Swarm {
            // Swarm bytes were piped while downloading; a cached file is copied now.
            let mut file = tokio::fs::File::open(path)
                .await
                .wrap_err_with(|| format!("opening {}", path.display()))?;
            let mut out = super::printer::data_async();
            tokio::io::copy(&mut file, &mut out).await?;
            out.flush().await?;
        }
        return Ok(());
    }
    if args.json {
        return print_ndjson(&DoneRecord {
            event: "done",
            info_hash,
            path,
            size,
            source,
        });
    }
    {
        let mut out = super::printer::data();
        for p in &paths {
            writeln!(out, "{}", p.display())?;
            if args.print_path {
                break;
            }
        }
        out.flush()?;
    }
    if !args.print_path {
        ctx.note(format!(
            "{info_hash}: {} ({}, from the {})",
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            humansize::format_size(size, humansize::BINARY),
            source.as_str()
        ));
    }
    Ok(())
}

fn print_ndjson(value: &impl Serialize) -> Result<()> {
    super::printer::ndjson(value)
}

/// Ctrl-C or SIGTERM: stop the engine so everything on disk stays resumable.
async fn stopped(engine: &Engine, stop: Stop) -> color_eyre::Report {
    engine.stop().await;
    stop.error("run the same command again to resume").into()
}

/// Writes the embedded video as `<cache>/peerstream-mock-<hash>.mp4`, atomically. Blocking.
fn write_mock_into_cache(cache: &Cache, info_hash: &InfoHash) -> Result<PathBuf> {
    let root = cache.root();
    let name = mock::mock_file_name_for(info_hash);
    let path = root.join(&name);
    if path.is_file() {
        return Ok(path);
    }
    crate::cache::files::write_atomic(root, &name, mock::MOCK_MP4)
        .wrap_err_with(|| format!("saving {}", path.display()))?;
    Ok(path)
}
