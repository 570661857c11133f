//! One module per subcommand: each calls the core and renders human or `--json` output.
//! Data goes to stdout, everything else to stderr.

mod cache;
mod cache_admin;
mod config;
mod fetch;
mod generate;
mod nat;
mod play;
mod printer;
mod serve;
mod signal;

use color_eyre::eyre::Result;

use crate::cli::{CacheCommand, Cli, Command, ConfigCommand, NatCommand};
use crate::config::{ConfigFile, Resolved, Settings, Values};

/// What every command needs besides its own arguments.
pub struct Context {
    pub settings: Settings,
    /// Every setting's value with its layer, for `config show`.
    pub values: Values,
    pub config_file: ConfigFile,
    pub quiet: bool,
}

impl Context {
    /// A line for people, on stderr; silent under `-q`.
    pub fn note(&self, line: impl std::fmt::Display) {
        if !self.quiet {
            printer::note(line);
        }
    }
}

pub async fn run(cli: Cli, resolved: Resolved) -> Result<()> {
    let ctx = Context {
        settings: resolved.settings,
        values: resolved.values,
        config_file: resolved.config_file,
        quiet: cli.global.quiet,
    };
    match cli.command {
        Command::Cache {
            command: CacheCommand::Ls(args),
        } => cache::ls(&ctx, &args).await,
        Command::Cache {
            command: CacheCommand::Verify(args),
        } => cache::verify(&ctx, &args).await,
        Command::Cache {
            command: CacheCommand::Rm(args),
        } => cache_admin::rm(&ctx, &args).await,
        Command::Cache {
            command: CacheCommand::Pin(args),
        } => cache_admin::pin(&ctx, &args, true).await,
        Command::Cache {
            command: CacheCommand::Unpin(args),
        } => cache_admin::pin(&ctx, &args, false).await,
        Command::Cache {
            command: CacheCommand::Gc(args),
        } => cache_admin::gc(&ctx, &args).await,
        Command::Fetch(args) => fetch::run(&ctx, &args).await,
        Command::Serve(args) => serve::run(&ctx, &args).await,
        Command::Play(args) => play::run(&ctx, &args).await,
        Command::Nat {
            command: NatCommand::Detect(args),
        } => nat::detect(&ctx, &args).await,
        Command::Nat { command } => nat::run(&ctx, command).await,
        Command::Config {
            command: ConfigCommand::Show(args),
        } => config::show(&ctx, &args),
        Command::Config {
            command: ConfigCommand::Init(args),
        } => config::init(&ctx, &args),
        Command::Generate { command } => generate::run(&ctx, &command),
    }
}

/// Writes one JSON document and a newline to stdout.
pub fn print_json(value: &impl serde::Serialize) -> Result<()> {
    printer::json(value)
}
