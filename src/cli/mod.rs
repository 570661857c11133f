//! The command line, as clap definitions. Every flag can also come from a `PEERSTREAM_*`
//! environment variable; the config file is the lowest layer (see `config.rs`).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::builder::BoolishValueParser;
use clap::{Args, Parser, Subcommand, ValueEnum};

mod nat;
pub use nat::{NatCommand, NatDetectArgs};

#[derive(Debug, Parser)]
#[command(
    name = "peerstream",
    version,
    about = "Play torrents by info-hash like a video link: from the cache at once, otherwise \
             straight from the swarm while it downloads",
    propagate_version = true,
    max_term_width = 100,
    after_long_help = EXIT_CODES_HELP
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Cache folder [default: ./temp]
    #[arg(long, global = true, env = "PEERSTREAM_CACHE_DIR", value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,

    /// Config file (TOML) [default: the platform config folder's peerstream/config.toml]
    #[arg(long, global = true, env = "PEERSTREAM_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// More log output on stderr (-v debug, -vv trace)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Print nothing but the data (errors still go to stderr)
    #[arg(short, long, global = true, env = "PEERSTREAM_QUIET", value_parser = BoolishValueParser::new())]
    pub quiet: bool,

    /// When to use colours on stderr
    #[arg(
        long,
        global = true,
        env = "PEERSTREAM_COLOR",
        value_enum,
        value_name = "WHEN"
    )]
    pub color: Option<ColorChoice>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
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

/// The exit codes, shown by `--help` and in the man page's EXIT STATUS section. One code per
/// line, indented, then its meaning; keep in step with `exit.rs` and the README.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0    success (also when stdout's reader went away, e.g. `cache ls --json | head -c 10`)
  1    error
  2    usage: bad flags or an unparseable target / hash
  3    not available in this version yet
  4    the info-hash has no file in the cache
  5    `cache verify` found partial or invalid files
  6    no peers, or a download timed out
  7    the network needed is unreachable
  8    `nat detect`: no STUN server could be reached
  9    `nat detect`: UDP is blocked
  130  interrupted by Ctrl-C (a download stays resumable)";

// Parsed once per run: the size of the `show` variant does not matter.
#[allow(clippy::large_enum_variant)]
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
    /// Both, into ROOT/completions and ROOT/man
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
    pub p2p: P2pArgs,

    /// Print one JSON document on stdout
    #[arg(long, env = "PEERSTREAM_JSON", value_parser = BoolishValueParser::new())]
    pub json: bool,
}

/// How to reach the swarm; shared by `fetch` and `serve`.
#[derive(Debug, Args, Default, Clone)]
pub struct P2pArgs {
    /// Torrent listen port (the next few are tried when it is taken; 0 = any) [default: 6881]
    #[arg(long, env = "PEERSTREAM_PORT", value_name = "PORT")]
    pub port: Option<u16>,

    /// Do not use the DHT to find peers
    #[arg(long, env = "PEERSTREAM_NO_DHT", value_parser = BoolishValueParser::new())]
    pub no_dht: bool,

    /// DHT bootstrap node (repeatable) [default: librqbit's list]
    #[arg(
        long,
        env = "PEERSTREAM_DHT_BOOTSTRAP",
        value_name = "HOST:PORT",
        value_delimiter = ','
    )]
    pub dht_bootstrap: Vec<String>,

    /// Tracker announce URL (repeatable); replaces the built-in list
    #[arg(
        long = "tracker",
        env = "PEERSTREAM_TRACKERS",
        value_name = "URL",
        value_delimiter = ','
    )]
    pub trackers: Vec<String>,

    /// Use no tracker at all (only the DHT and --peer)
    #[arg(long, env = "PEERSTREAM_NO_TRACKERS", conflicts_with = "trackers", value_parser = BoolishValueParser::new())]
    pub no_trackers: bool,

    /// A peer to connect to at once (repeatable)
    #[arg(
        long = "peer",
        env = "PEERSTREAM_PEERS",
        value_name = "HOST:PORT",
        value_delimiter = ','
    )]
    pub peers: Vec<std::net::SocketAddr>,

    /// Seconds to wait for the torrent's metadata [default: 60]
    #[arg(long, env = "PEERSTREAM_METADATA_TIMEOUT", value_name = "SECS")]
    pub metadata_timeout: Option<u64>,

    /// Seconds without data after which a stream or download counts as stalled [default: 30]
    #[arg(long, env = "PEERSTREAM_STALL_TIMEOUT", value_name = "SECS")]
    pub stall_timeout: Option<u64>,

    /// Pause a torrent when its last stream closes, instead of downloading on into the cache
    #[arg(long, env = "PEERSTREAM_PAUSE_IDLE", value_parser = BoolishValueParser::new())]
    pub pause_idle: bool,

    /// MiB ahead of the playhead fetched first (librqbit's own window is 32) [default: 32]
    #[arg(long, env = "PEERSTREAM_READAHEAD_MIB", value_name = "MIB")]
    pub readahead_mib: Option<u64>,

    /// Also use uTP (BitTorrent over UDP) on the listen port
    #[arg(long, env = "PEERSTREAM_UTP", value_parser = BoolishValueParser::new())]
    pub utp: bool,

    /// Skip NAT detection and port mapping before the first torrent
    #[arg(long, env = "PEERSTREAM_NO_NAT", value_parser = BoolishValueParser::new())]
    pub no_nat: bool,

    /// The most NAT detection and port mapping may delay the first torrent, in seconds [default: 4]
    #[arg(long, env = "PEERSTREAM_NAT_BUDGET", value_name = "SECS")]
    pub nat_budget: Option<u64>,
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
    pub p2p: P2pArgs,

    /// Print one JSON record on stdout
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

    /// mpv, vlc, iina, or a command line: the URL replaces `{url}` or is appended
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
    pub p2p: P2pArgs,

    /// Arguments passed to the player, after `--`
    #[arg(last = true, value_name = "PLAYER ARGS")]
    pub player_args: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Listen address; port 0 picks a free port [default: 127.0.0.1:8787]
    #[arg(long, env = "PEERSTREAM_BIND", value_name = "ADDR:PORT")]
    pub bind: Option<SocketAddr>,

    /// Access token required on every request; needed when binding beyond loopback
    /// (one is generated and printed if omitted)
    #[arg(long, env = "PEERSTREAM_TOKEN", value_name = "TOKEN")]
    pub token: Option<String>,

    /// Serve only mock and cached files; unknown hashes get 404
    #[arg(long, env = "PEERSTREAM_NO_P2P", value_parser = BoolishValueParser::new())]
    pub no_p2p: bool,

    /// Seconds a client has from connecting (or from the first byte of a later request) to
    /// send a complete request head; 0 = no limit [default: 10]
    #[arg(long, env = "PEERSTREAM_HEADER_TIMEOUT", value_name = "SECS")]
    pub header_timeout: Option<u64>,

    /// Seconds a kept-alive connection may wait for its next request; 0 = no limit
    /// [default: 60]
    #[arg(long, env = "PEERSTREAM_IDLE_TIMEOUT", value_name = "SECS")]
    pub idle_timeout: Option<u64>,

    /// Seconds a response may make no progress because the client stopped reading, before
    /// the connection is closed; 0 = no limit [default: 300]
    #[arg(long, env = "PEERSTREAM_WRITE_TIMEOUT", value_name = "SECS")]
    pub write_timeout: Option<u64>,

    /// Most connections served at once; beyond it the longest-waiting idle connection is
    /// closed, or the new one gets 503 [default: from the open-file limit]
    #[arg(
        long,
        env = "PEERSTREAM_MAX_CONNECTIONS",
        value_name = "N",
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..)
    )]
    pub max_connections: Option<usize>,

    #[command(flatten)]
    pub p2p: P2pArgs,
}
