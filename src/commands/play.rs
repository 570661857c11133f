//! `play`: a private server on a free loopback port, and a player pointed at it.

use std::sync::Arc;

use color_eyre::eyre::Result;

use super::Context;
use super::signal::StopSignals;
use crate::cache::Cache;
use crate::cli::PlayArgs;
use crate::exit::{CliError, ExitCode};
use crate::http::{self, AppState};
use crate::p2p::{FileChoice, choose_file, no_such_file};
use crate::pipeline::{Pipeline, Request};
use crate::target::Target;

pub async fn run(ctx: &Context, args: &PlayArgs) -> Result<()> {
    let target = Target::parse(&args.target)?;
    let mut signals = StopSignals::install();
    let cache_dir = &ctx.settings.cache_dir;
    tokio::fs::create_dir_all(cache_dir).await?;
    let options = ctx.settings.p2p_options();
    let pipeline = Arc::new(Pipeline::new(
        Cache::new(cache_dir).with_limits(ctx.settings.cache_limits()),
        Some(options),
    ));

    // Resolve once up front: a magnet's trackers and peers reach the engine, and a bad target
    // fails here rather than inside the player.
    let choice: FileChoice = args
        .file
        .as_deref()
        .map(|f| f.parse().unwrap_or_default())
        .unwrap_or_default();
    let request = Request {
        target: target.clone(),
        file: None,
    };
    let first = tokio::select! {
        first = pipeline.resolve(&request) => first?,
        stop = signals.recv() => {
            if let Some(engine) = pipeline.running_engine() {
                engine.stop().await;
            }
            return Err(stop.error("run the same command again to resume").into());
        }
    };
    let info_hash = first.info_hash();
    let listing = pipeline.files(info_hash).await?;
    let index = match &choice {
        FileChoice::Default => first.file_index(),
        other => Some(
            choose_file(&listing.files, other)
                .ok_or_else(|| no_such_file(&listing.files, other))?,
        ),
    };

    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let state = AppState {
        pipeline: pipeline.clone(),
        token: None,
        policy: http::Policy::new([127, 0, 0, 1].into(), &[], &[]),
        metrics: Default::default(),
        readiness: Default::default(),
    };
    let loopback = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    let limits = http::Limits::defaults(http::raise_nofile_limit());
    let server = http::bind(state, loopback, limits, async {
        let _ = stopped.await;
    })
    .await?;
    let serving = tokio::spawn(server.serving);
    let base = format!("http://{}/stream/proxy/{info_hash}", server.local_addr);
    let url = match index.filter(|_| listing.indexed) {
        Some(i) => format!("{base}/{i}"),
        None => base.clone(),
    };
    let subtitles: Vec<String> = if listing.indexed {
        listing
            .files
            .iter()
            .filter(|f| crate::cache::validate::is_subtitle_extension(&f.path))
            .map(|f| format!("{base}/{}", f.index))
            .collect()
    } else {
        Vec::new()
    };

    let command = player_command(&args.player, &url, &subtitles, &args.player_args)?;
    ctx.note(format!("playing {url} with {}", command[0]));
    let mut child = tokio::process::Command::new(&command[0])
        .args(&command[1..])
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| {
            CliError::new(
                ExitCode::Error,
                format!("cannot start the player {:?}: {e}", command[0]),
            )
            .with_hint("install it, or pick another with --player mpv|vlc|iina|'COMMAND {url}'")
        })?;
    let status = tokio::select! {
        status = child.wait() => Ok(status?),
        stop = signals.recv() => {
            let _ = child.kill().await;
            Err(stop)
        }
    };
    let _ = stop.send(());
    serving.abort();
    if let Some(engine) = pipeline.running_engine() {
        engine.stop().await;
    }
    match status {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(CliError::new(ExitCode::Error, format!("the player exited with {s}")).into()),
        Err(stop) => Err(stop.error("").into()),
    }
}

/// The player's argv: known players get their subtitle flags; anything else is a command line
/// whose `{url}` is replaced (or the URL appended).
fn player_command(
    player: &str,
    url: &str,
    subtitles: &[String],
    extra: &[String],
) -> Result<Vec<String>> {
    let mut argv: Vec<String> = match player {
        "mpv" => {
            let mut argv = vec!["mpv".to_owned(), "--force-window=immediate".to_owned()];
            argv.extend(subtitles.iter().map(|s| format!("--sub-file={s}")));
            argv
        }
        "vlc" => {
            let mut argv = vec!["vlc".to_owned(), "--play-and-exit".to_owned()];
            argv.extend(subtitles.iter().map(|s| format!("--input-slave={s}")));
            argv
        }
        "iina" => vec!["iina".to_owned(), "--no-stdin".to_owned()],
        custom => {
            // Shell-style words: `--player "'/opt/My Player/play' --fs"` keeps the quoted path.
            let words = shlex::split(custom).ok_or_else(|| {
                CliError::new(
                    ExitCode::Usage,
                    format!("--player {custom:?} has an unclosed quote or a trailing backslash"),
                )
            })?;
            if words.is_empty() {
                return Err(CliError::new(ExitCode::Usage, "--player is empty").into());
            }
            let has_placeholder = words.iter().any(|w| w.contains("{url}"));
            let mut argv: Vec<String> = words.iter().map(|w| w.replace("{url}", url)).collect();
            argv.extend(subtitles.iter().map(|s| format!("--sub-file={s}")));
            argv.extend(extra.iter().cloned());
            if !has_placeholder {
                argv.push(url.to_owned());
            }
            return Ok(argv);
        }
    };
    argv.extend(extra.iter().cloned());
    argv.push(url.to_owned());
    Ok(argv)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_players_and_custom_commands() {
        let subs = vec!["http://h/s/1".to_owned()];
        let extra = vec!["--volume=50".to_owned()];
        let mpv = player_command("mpv", "http://h/v", &subs, &extra).unwrap();
        assert_eq!(
            mpv,
            [
                "mpv",
                "--force-window=immediate",
                "--sub-file=http://h/s/1",
                "--volume=50",
                "http://h/v"
            ]
        );
        let custom = player_command("my-player -x {url} --y", "http://h/v", &[], &[]).unwrap();
        assert_eq!(custom, ["my-player", "-x", "http://h/v", "--y"]);
        let appended = player_command("echo", "http://h/v", &[], &extra).unwrap();
        assert_eq!(appended, ["echo", "--volume=50", "http://h/v"]);
        assert!(player_command("  ", "u", &[], &[]).is_err());
        let quoted = player_command(
            "'/opt/My Player/play' --title \"a b\" {url}",
            "http://h/v",
            &[],
            &[],
        )
        .unwrap();
        assert_eq!(
            quoted,
            ["/opt/My Player/play", "--title", "a b", "http://h/v"]
        );
        assert!(player_command("'unclosed", "u", &[], &[]).is_err());
    }
}
