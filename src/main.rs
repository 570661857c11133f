//! Entry point: parse the command line, install error and log handlers, dispatch, and turn the
//! outcome into an exit code.

// main is the boundary that decides how logs and errors reach stderr (see clippy.toml).
#![allow(clippy::disallowed_methods)]

use std::io::IsTerminal;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches};
use peerstream::cli::Cli;
use peerstream::config::{self, ColorChoice, ConfigChoice, Origin};
use peerstream::exit::{CliError, ExitCode};

fn main() -> std::process::ExitCode {
    let parsed = Cli::command()
        .try_get_matches()
        .and_then(|matches| Ok((Cli::from_arg_matches(&matches)?, matches)));
    let (cli, matches) = match parsed {
        Ok(parsed) => parsed,
        Err(e) => {
            let _ = e.print();
            return std::process::ExitCode::from(e.exit_code() as u8);
        }
    };
    let verbose = cli.global.verbose > 0;
    let code = match run(cli, &matches) {
        Ok(()) => ExitCode::Ok,
        Err(report) => report_error(&report, verbose),
    };
    std::process::ExitCode::from(code.code() as u8)
}

fn run(cli: Cli, matches: &clap::ArgMatches) -> color_eyre::Result<()> {
    let config = cli.global.config.clone().map(|path| {
        let (origin, via) = match matches.value_source("config") {
            Some(ValueSource::EnvVariable) => (Origin::Env, "PEERSTREAM_CONFIG"),
            _ => (Origin::Flag, "--config"),
        };
        ConfigChoice {
            path,
            origin,
            via: via.to_owned(),
        }
    });
    let settings = config::resolve(config, cli.setting_values())?;
    let color = use_color(settings.settings.color);
    install_handlers(color, cli.global.verbose, cli.global.quiet)?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(peerstream::commands::run(cli, settings))
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stderr().is_terminal()
        }
    }
}

fn install_handlers(color: bool, verbose: u8, quiet: bool) -> color_eyre::Result<()> {
    let theme = if color {
        color_eyre::config::Theme::dark()
    } else {
        color_eyre::config::Theme::new()
    };
    color_eyre::config::HookBuilder::default()
        .theme(theme)
        .display_env_section(false)
        .display_location_section(verbose > 0)
        .install()?;
    let default_level = match (quiet, verbose) {
        (true, _) => "error",
        // librqbit's DHT warns at every bootstrap retry (each few seconds when offline): serve
        // says it once (see commands/serve.rs); -vv shows every attempt.
        (false, 0) => "peerstream=info,librqbit_dht=error,warn",
        (false, 1) => "peerstream=debug,librqbit_dht=error,info",
        (false, _) => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(color)
        .with_target(false)
        .init();
    Ok(())
}

/// Prints the error on stderr and picks the exit code.
fn report_error(report: &color_eyre::Report, verbose: bool) -> ExitCode {
    let broken_pipe = report.chain().any(|cause| {
        let kind = cause
            .downcast_ref::<std::io::Error>()
            .map(std::io::Error::kind)
            .or_else(|| cause.downcast_ref::<serde_json::Error>()?.io_error_kind());
        kind == Some(std::io::ErrorKind::BrokenPipe)
    });
    if broken_pipe {
        // The reader went away (`peerstream cache ls | head`): not an error worth a word.
        return ExitCode::Ok;
    }
    if let Some(e) = report.downcast_ref::<CliError>() {
        eprintln!("error: {}", e.message);
    } else if verbose {
        // The whole chain with locations (and a backtrace when RUST_BACKTRACE asks for one).
        eprintln!("error: {report:?}");
    } else {
        // One line: each cause after the context that wrapped it.
        eprintln!("error: {report:#}");
    }
    let outcome = peerstream::exit::outcome(report);
    if let Some(hint) = &outcome.hint {
        eprintln!("hint: {hint}");
    }
    outcome.code
}
