//! `fetch`: make a target's file present in the cache and report where it is.

use std::io::Write;

use color_eyre::eyre::{Result, WrapErr};
use futures_util::StreamExt;
use serde::Serialize;

use super::{Context, print_json};
use crate::cache::Cache;
use crate::cli::FetchArgs;
use crate::exit::{CliError, ExitCode};
use crate::mock;
use crate::pipeline::{Pipeline, ResolveError, Source, SourceKind};
use crate::target::{InfoHash, Target};

#[derive(Serialize)]
struct FetchRecord<'a> {
    event: &'static str,
    info_hash: InfoHash,
    path: &'a std::path::Path,
    size: u64,
    source: SourceKind,
}

pub async fn run(ctx: &Context, args: &FetchArgs) -> Result<()> {
    let target =
        Target::parse(&args.target).map_err(|e| CliError::new(ExitCode::Usage, e.to_string()))?;
    let Some(info_hash) = target.info_hash() else {
        return Err(CliError::not_available("fetching from a .torrent file").into());
    };
    let cache = Cache::new(&ctx.settings.cache_dir);
    let source = if info_hash.is_mock() {
        // Materialised like a finished download, so `--print-path` and players get a file.
        write_mock_into_cache(&cache, &info_hash)?;
        let entry = cache.lookup(&info_hash).map_err(|_| {
            CliError::new(
                ExitCode::Error,
                format!("{info_hash} could not be read back from the cache"),
            )
        })?;
        Source::Cached(entry)
    } else {
        match Pipeline::new(cache.clone(), true).resolve(&info_hash) {
            Ok(source) => source,
            Err(ResolveError::P2pUnavailable { .. } | ResolveError::NotFound { .. }) => {
                return Err(CliError::not_available("downloading from the swarm")
                    .with_hint(format!(
                        "{info_hash} is not in {}; only cached and mock hashes can be fetched in this version",
                        cache.root().display()
                    ))
                    .into());
            }
        }
    };
    let Some(path) = source.path().cloned() else {
        return Err(CliError::new(ExitCode::Error, "resolved source has no file").into());
    };
    let kind = if info_hash.is_mock() {
        SourceKind::Mock
    } else {
        source.kind()
    };
    if args.stdout {
        let mut body = source.read_range(0, source.len()).await?;
        let mut out = std::io::stdout().lock();
        while let Some(chunk) = body.next().await {
            out.write_all(&chunk?)?;
        }
        out.flush()?;
    } else if args.print_path {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", path.display())?;
        out.flush()?;
    } else if args.json {
        print_json(&FetchRecord {
            event: "done",
            info_hash,
            path: &path,
            size: source.len(),
            source: kind,
        })?;
    } else {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", path.display())?;
        out.flush()?;
        ctx.note(format!(
            "{info_hash}: {} in the cache ({})",
            source.file_name(),
            humansize::format_size(source.len(), humansize::BINARY)
        ));
    }
    Ok(())
}

/// Writes the embedded video as `<cache>/peerstream-mock-<hash>.mp4`, atomically.
fn write_mock_into_cache(cache: &Cache, info_hash: &InfoHash) -> Result<()> {
    let root = cache.root();
    std::fs::create_dir_all(root)
        .wrap_err_with(|| format!("creating the cache folder {}", root.display()))?;
    let path = root.join(mock::mock_file_name_for(info_hash));
    if path.is_file() {
        return Ok(());
    }
    let mut tmp = tempfile::Builder::new()
        .prefix(".peerstream-")
        .tempfile_in(root)
        .wrap_err_with(|| format!("writing into {}", root.display()))?;
    tmp.write_all(mock::MOCK_MP4)?;
    tmp.persist(&path)
        .wrap_err_with(|| format!("saving {}", path.display()))?;
    Ok(())
}
