//! The command line, as clap definitions. Every flag can also come from a `PEERSTREAM_*`
//! environment variable; the config file is the lowest layer (see `config.rs`).

use std::path::PathBuf;

use clap::builder::BoolishValueParser;
use clap::{Args, Parser, Subcommand};

use crate::config::{CliValue, GlobalScope, ServeScope, SettingArgs, SwarmScope};

mod nat;
pub use nat::{NatCommand, NatDetectArgs, NatMapArgs, NatUnmapArgs};

#[derive(Debug, Parser)]
#[command(
    name = "peerstream",
    version,
    about = "Play torrents by info-hash like a video link: from the cache at once, otherwise \
             straight from the swarm while it downloads",
    propagate_version = true,
    max_term_width = 100,
    after_long_help = crate::exit::exit_codes_help()
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// The settings this invocation gives by flag or environment variable: the global ones
    /// and those of its command.
    pub fn setting_values(&self) -> impl Iterator<Item = &CliValue> {
        let command: &[CliValue] = match &self.command {
            Command::Serve(args) => &args.settings.values,
            Command::Fetch(args) => &args.settings.values,
            Command::Play(args) => &args.settings.values,
            Command::Cache {
                command: CacheCommand::Verify(args),
            } => &args.settings.values,
            Command::Config {
                command: ConfigCommand::Show(args),
            } => &args.serve.settings.values,
            _ => &[],
        };
        self.global.settings.values.iter().chain(command)
    }
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// `--cache-dir`, `--color` (see `config::table`)
    #[command(flatten)]
    pub settings: SettingArgs<GlobalScope>,

    /// Config file (TOML) [default: the platform config folder's peerstream/config.toml]
    #[arg(long, global = true, env = "PEERSTREAM_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// More log output on stderr (-v debug, -vv trace)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Print nothing but the data (errors still go to stderr)
    #[arg(short, long, global = true, env = "PEERSTREAM_QUIET", value_parser = BoolishValueParser::new())]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Diagnose the NAT between you and the internet
    Nat {
        #[command(subcommand)]
        command: NatCommand,
    },
    /// Inspect and check the local cache
    Cache {
        #[command(subcommand)]
        command: CacheCommand,
    },
    /// Download a torrent into the cache (info-hash, magnet URI or .torrent file)
    Fetch(FetchArgs),
    /// Serve streams over HTTP: GET /stream/proxy/:infoHash
    Serve(ServeArgs),
    /// Show the effective configuration or write a default config file
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Write shell completions and man pages generated from this command line
    #[command(hide = true)]
    Generate {
        #[command(subcommand)]
        command: GenerateCommand,
    },
    /// Play a target in a video player through a private server on loopback
    Play(PlayArgs),
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the effective configuration and where each value comes from
    /// (default, file, env or flag)
    ///
    /// Takes the flags of `serve` (and the swarm flags of `fetch`), so it shows what they
    /// would change.
    Show(ConfigShowArgs),
    /// Write a commented default config file [default: the platform config path]
    Init(ConfigInitArgs),
}

#[derive(Debug, Args)]
pub struct ConfigShowArgs {
    /// Print one JSON document on stdout (schema: docs/JSON.md)
    #[arg(long, env = "PEERSTREAM_JSON", value_parser = BoolishValueParser::new())]
    pub json: bool,

    /// Print secrets (the access token) instead of hiding them
    #[arg(long, env = "PEERSTREAM_SHOW_SECRETS", value_parser = BoolishValueParser::new())]
    pub show_secrets: bool,

    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Args)]
pub struct ConfigInitArgs {
    /// Where to write [default: the platform config folder's peerstream/config.toml]
    pub path: Option<PathBuf>,

    /// Overwrite an existing file
    #[arg(long, env = "PEERSTREAM_FORCE", value_parser = BoolishValueParser::new())]
    pub force: bool,
}

#[derive(Debug, Subcommand)]
pub enum GenerateCommand {
    /// Shell completions for bash, zsh, fish, elvish and PowerShell
    Completions {
        /// Output folder
        dir: PathBuf,
    },
    /// One man page per command
    Man {
        /// Output folder
        dir: PathBuf,
    },
    /// All of them: ROOT/completions, ROOT/man and the settings table in ROOT/README.md
    All {
        /// The repository root
        #[arg(default_value = ".")]
        root: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// List cached files with their state
    Ls(CacheLsArgs),
    /// Re-check cached files; exits non-zero when any is not complete and valid
    Verify(CacheVerifyArgs),
    /// Remove torrents from the cache (refused while a stream or download uses one)
    Rm(CacheRmArgs),
    /// Keep a torrent in the cache: never evicted
    Pin(CachePinArgs),
    /// Let a pinned torrent be evicted again
    Unpin(CachePinArgs),
    /// Evict least recently used torrents until the cache is within cache.max_size and
    /// cache.min_free
    Gc(CacheGcArgs),
}

#[derive(Debug, Args)]
pub struct CacheRmArgs {
    /// Info-hashes (40-hex or 32-base32)
    #[arg(required = true, value_name = "HASH")]
    pub hashes: Vec<String>,

    /// Print one JSON document on stdout
    #[arg(long, env = "PEERSTREAM_JSON", value_parser = BoolishValueParser::new())]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CachePinArgs {
    /// Info-hash (40-hex or 32-base32)
    pub hash: String,

    /// Print one JSON document on stdout
    #[arg(long, env = "PEERSTREAM_JSON", value_parser = BoolishValueParser::new())]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CacheGcArgs {
    /// Only print what would be evicted
    #[arg(long, env = "PEERSTREAM_DRY_RUN", value_parser = BoolishValueParser::new())]
    pub dry_run: bool,

    /// Print one JSON document on stdout
    #[arg(long, env = "PEERSTREAM_JSON", value_parser = BoolishValueParser::new())]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CacheLsArgs {
    /// Print one JSON document on stdout
    #[arg(long, env = "PEERSTREAM_JSON", value_parser = BoolishValueParser::new())]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CacheVerifyArgs {
    /// Only the files of this info-hash
    pub hash: Option<String>,

    /// Download corrupt pieces again from the swarm
    #[arg(long, env = "PEERSTREAM_REPAIR", value_parser = BoolishValueParser::new())]
    pub repair: bool,

    #[command(flatten)]
    pub settings: SettingArgs<SwarmScope>,

    /// Print one JSON document on stdout
    #[arg(long, env = "PEERSTREAM_JSON", value_parser = BoolishValueParser::new())]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct FetchArgs {
    /// Info-hash (40-hex or 32-base32), magnet URI, or path of a .torrent file
    pub target: String,

    /// Which file: its index or name [default: the largest video]
    #[arg(
        long,
        env = "PEERSTREAM_FILE",
        value_name = "INDEX|NAME",
        conflicts_with = "all"
    )]
    pub file: Option<String>,

    /// Download every file of the torrent
    #[arg(long, env = "PEERSTREAM_ALL", value_parser = BoolishValueParser::new())]
    pub all: bool,

    #[command(flatten)]
    pub settings: SettingArgs<SwarmScope>,

    /// Print NDJSON on stdout: one JSON object per line (progress events, then the result;
    /// schema: docs/JSON.md)
    #[arg(long, env = "PEERSTREAM_JSON", conflicts_with_all = ["print_path", "stdout"], value_parser = BoolishValueParser::new())]
    pub json: bool,

    /// Print only the cached file's path on stdout
    #[arg(long, env = "PEERSTREAM_PRINT_PATH", conflicts_with = "stdout", value_parser = BoolishValueParser::new())]
    pub print_path: bool,

    /// Write the file's bytes to stdout
    #[arg(long, env = "PEERSTREAM_STDOUT", value_parser = BoolishValueParser::new())]
    pub stdout: bool,
}

#[derive(Debug, Args)]
pub struct PlayArgs {
    /// Info-hash (40-hex or 32-base32), magnet URI, or path of a .torrent file
    pub target: String,

    /// mpv, vlc, iina, or a command line (shell-style quoting): the URL replaces `{url}` or is
    /// appended
    #[arg(
        long,
        env = "PEERSTREAM_PLAYER",
        default_value = "mpv",
        value_name = "PLAYER"
    )]
    pub player: String,

    /// Which file: its index or name [default: the largest video]
    #[arg(long, env = "PEERSTREAM_FILE", value_name = "INDEX|NAME")]
    pub file: Option<String>,

    #[command(flatten)]
    pub settings: SettingArgs<SwarmScope>,

    /// Arguments passed to the player, after `--`
    #[arg(last = true, value_name = "PLAYER ARGS")]
    pub player_args: Vec<String>,
}

/// `serve`'s flags all come from the settings table: `--bind`, `--token`, `--no-p2p` and the
/// swarm's.
#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub settings: SettingArgs<ServeScope>,
}
