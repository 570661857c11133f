//! `serve`: the HTTP face of the pipeline.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use color_eyre::eyre::{Result, WrapErr};

use super::Context;
use super::signal::StopSignals;
use crate::cache::Cache;
use crate::cli::ServeArgs;
use crate::config::value::BindAddr;
use crate::exit::{CliError, ExitCode};
use crate::http::{self, AppState};
use crate::pipeline::Pipeline;

/// When serve says, once, that the DHT has found no node (librqbit's own retries are quiet).
const DHT_BOOTSTRAP_NOTE_AFTER: Duration = Duration::from_secs(10);

pub async fn run(ctx: &Context, _args: &ServeArgs) -> Result<()> {
    let bind = resolve_bind(&ctx.settings.bind).await?;
    let mut token = ctx.settings.token.clone();
    if token.is_none() && !bind.ip().is_loopback() {
        let generated = generate_token()?;
        ctx.note(format!(
            "listening beyond loopback: requests need ?token={generated} (or Authorization: Bearer)"
        ));
        token = Some(generated);
    }
    let p2p_enabled = ctx.settings.serve_p2p;

    let cache_dir = &ctx.settings.cache_dir;
    tokio::fs::create_dir_all(cache_dir)
        .await
        .wrap_err_with(|| format!("creating the cache folder {}", cache_dir.display()))?;
    let p2p = p2p_enabled.then(|| ctx.settings.p2p_options());
    // A bind name (`--bind media.lan:8787`) is a name this server answers to.
    let mut allowed_hosts = ctx.settings.allowed_hosts.clone();
    if ctx.settings.bind.ip().is_none() {
        allowed_hosts.push(ctx.settings.bind.host.clone());
    }
    let metrics = http::Metrics::new();
    let readiness = Arc::new(http::Readiness::default());
    let state = AppState {
        pipeline: Arc::new(Pipeline::new(
            Cache::new(cache_dir).with_limits(ctx.settings.cache_limits()),
            p2p,
        )),
        token: token.clone(),
        policy: http::Policy::new(bind.ip(), &allowed_hosts, &ctx.settings.cors_origins),
        metrics: metrics.clone(),
        readiness: readiness.clone(),
    };
    metrics.watch_engine(state.pipeline.clone());
    metrics.register_counter_fn(
        "cache_evictions",
        "Torrents evicted from the cache to keep it within its limits",
        crate::cache::evictions,
    );
    metrics.register_gauge_fn(
        "cache_bytes",
        "Bytes the cache held when last measured (at start, a download's room check, gc, GET /api/cache)",
        || i64::try_from(crate::cache::last_measured_bytes()).unwrap_or(i64::MAX),
    );
    let max_size = ctx.settings.cache_limits().max_size;
    metrics.register_gauge_fn(
        "cache_max_bytes",
        "The cache's size limit in bytes (0: none)",
        move || i64::try_from(max_size).unwrap_or(i64::MAX),
    );
    {
        // One walk of the cache at start, off the workers, so the size gauge is not 0 until the
        // first download.
        let pipeline = state.pipeline.clone();
        tokio::task::spawn_blocking(move || pipeline.cache().usage());
    }
    {
        let readiness = readiness.clone();
        metrics.register_gauge_fn(
            "draining",
            "1 once a stop signal arrived: no new connections, open streams finishing",
            move || i64::from(readiness.is_draining()),
        );
    }

    // Sockets are the server's currency: take every file descriptor the system allows.
    let nofile = http::raise_nofile_limit();
    let limits = ctx.settings.serve_limits(nofile);
    tracing::debug!("server limits: {limits:?} (open-file limit {nofile:?})");

    let pipeline = state.pipeline.clone();
    // Listening starts now, so a signal sent as soon as the address is printed is not lost.
    let mut signals = StopSignals::install();
    let (drain, drained) = tokio::sync::oneshot::channel::<()>();
    let server = http::bind(state, bind, limits, async {
        let _ = drained.await;
    })
    .await
    .map_err(|e| {
        let hint = if e.kind() == std::io::ErrorKind::AddrInUse {
            format!(
                "port {} is taken: pick another with --bind 127.0.0.1:PORT (0 = any free port)",
                bind.port()
            )
        } else {
            "check the address given to --bind".to_owned()
        };
        CliError::new(ExitCode::Error, format!("cannot listen on {bind}: {e}")).with_hint(hint)
    })?;

    let base = format!("http://{}", server.local_addr);
    {
        let mut out = super::printer::data();
        writeln!(out, "{base}/")?;
        out.flush()?;
    }
    let query = token.map(|t| format!("?token={t}")).unwrap_or_default();
    let mock_url = format!("{base}/stream/proxy/{}{query}", "0".repeat(40));
    ctx.note(format!(
        "serving {} (cache: {}, P2P: {})",
        base,
        cache_dir.display(),
        if p2p_enabled { "on" } else { "off" }
    ));
    ctx.note(format!(
        "page: {base}/{query}  (in a browser: the cache, a box for magnets, a player)"
    ));
    ctx.note(format!("try:  mpv '{mock_url}'"));
    ctx.note(format!("      vlc '{mock_url}'"));

    if p2p_enabled {
        // Start the engine (and the NAT coordinator in front of it) now rather than on the
        // first uncached request, so that request pays for neither.
        let warming = pipeline.clone();
        let readiness = readiness.clone();
        tokio::spawn(async move {
            match warming.engine().await {
                Some(Err(e)) => {
                    tracing::warn!("torrent engine: {e} (retried on the next request)");
                    readiness.engine_failed(e.to_string());
                }
                Some(Ok(engine)) => {
                    if engine.options().cluster_mode() {
                        let seeding = engine.clone();
                        tokio::spawn(async move { seeding.seed_cache().await });
                    }
                    tokio::time::sleep(DHT_BOOTSTRAP_NOTE_AFTER).await;
                    if engine.dht_nodes() == Some(0) {
                        tracing::warn!(
                            "DHT: no bootstrap node answered within {}s (offline?); retrying in \
                             the background, trackers and peers from magnets still work \
                             (-vv shows each attempt)",
                            DHT_BOOTSTRAP_NOTE_AFTER.as_secs()
                        );
                    }
                }
                None => {}
            }
        });
    }

    // On a stop signal: /ready turns 503, the listener closes, open streams get the grace
    // period (a second signal cuts them at once), then the engine stops and removes the port
    // mapping.
    let grace = ctx.settings.shutdown_grace;
    let mut serving = tokio::spawn(server.serving);
    tokio::select! {
        _ = &mut serving => {}
        _ = signals.recv() => {
            readiness.begin_drain();
            let _ = drain.send(());
            ctx.note(format!(
                "stopping: no new connections; open streams have up to {} to finish",
                humantime::format_duration(grace)
            ));
            tokio::select! {
                finished = tokio::time::timeout(grace, &mut serving) => if finished.is_err() {
                    serving.abort();
                    ctx.note("the grace period is over: open streams are cut");
                },
                _ = signals.recv() => {
                    serving.abort();
                    ctx.note("second stop signal: open streams are cut");
                }
            }
        }
    }
    if let Some(engine) = pipeline.running_engine() {
        engine.stop().await;
    }
    ctx.note("stopped");
    Ok(())
}

fn generate_token() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| color_eyre::eyre::eyre!("no randomness: {e}"))?;
    Ok(data_encoding::BASE32_NOPAD
        .encode(&bytes)
        .to_ascii_lowercase())
}

/// The address to listen on: the IP as given, or the first address the name resolves to
/// (IPv4 first, so `localhost` means 127.0.0.1 as the URLs printed assume).
async fn resolve_bind(bind: &BindAddr) -> Result<SocketAddr> {
    if let Some(ip) = bind.ip() {
        return Ok(SocketAddr::new(ip, bind.port));
    }
    let found: Vec<SocketAddr> = tokio::net::lookup_host((bind.host.as_str(), bind.port))
        .await
        .map_err(|e| {
            CliError::new(
                ExitCode::Usage,
                format!("cannot resolve --bind {bind}: {e}"),
            )
            .with_hint("give an IP address, e.g. --bind 127.0.0.1:8787")
        })?
        .collect();
    found
        .iter()
        .find(|a| a.is_ipv4())
        .or(found.first())
        .copied()
        .ok_or_else(|| {
            CliError::new(
                ExitCode::Usage,
                format!("--bind {bind} resolves to no address"),
            )
            .into()
        })
}
