//! Settings in layers: built-in defaults < config file (TOML) < `PEERSTREAM_*` env < flags.
//! clap already merges env and flags; this module adds the file and the defaults.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use color_eyre::eyre::{Result, WrapErr};
use serde::Deserialize;

use crate::cli::{ColorChoice, GlobalArgs, P2pArgs, ServeArgs};
use crate::http::{Limits, Timeouts};
use crate::p2p::{CoordinatorOptions, P2pOptions};

pub const DEFAULT_CACHE_DIR: &str = "./temp";

/// The config file. Unknown keys are errors, so typos do not pass silently.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub cache_dir: Option<PathBuf>,
    pub color: Option<ColorChoice>,
    #[serde(default)]
    pub serve: ServeSection,
    #[serde(default)]
    pub p2p: P2pSection,
    #[serde(default)]
    pub nat: NatSection,
}

/// `[nat]`: the coordinator that runs before the first torrent.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NatSection {
    pub enabled: Option<bool>,
    pub stun_servers: Option<Vec<String>>,
    pub budget_secs: Option<u64>,
    pub cache_ttl_secs: Option<u64>,
    pub map_port: Option<bool>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct P2pSection {
    pub listen_port: Option<u16>,
    pub dht: Option<bool>,
    pub dht_bootstrap: Option<Vec<String>>,
    pub trackers: Option<Vec<String>>,
    pub lsd: Option<bool>,
    pub peers: Option<Vec<SocketAddr>>,
    pub metadata_timeout_secs: Option<u64>,
    pub stall_timeout_secs: Option<u64>,
    pub keep_downloading: Option<bool>,
    pub utp: Option<bool>,
    pub readahead_mib: Option<u64>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServeSection {
    pub bind: Option<SocketAddr>,
    pub token: Option<String>,
    pub p2p: Option<bool>,
    pub header_timeout_secs: Option<u64>,
    pub idle_timeout_secs: Option<u64>,
    pub write_timeout_secs: Option<u64>,
    pub max_connections: Option<usize>,
}

/// The settings every command shares, resolved.
#[derive(Debug, Clone)]
pub struct Settings {
    pub cache_dir: PathBuf,
    pub color: ColorChoice,
    /// Where the file layer came from, if any file was read.
    pub config_path: Option<PathBuf>,
    pub file: FileConfig,
}

impl Settings {
    pub fn resolve(global: &GlobalArgs) -> Result<Settings> {
        let (file, config_path) = match &global.config {
            Some(path) => (read_file(path)?, Some(path.clone())),
            None => match default_config_path().filter(|p| p.is_file()) {
                Some(path) => (read_file(&path)?, Some(path)),
                None => (FileConfig::default(), None),
            },
        };
        let cache_dir = global
            .cache_dir
            .clone()
            .or_else(|| file.cache_dir.clone())
            .unwrap_or_else(|| PathBuf::from(DEFAULT_CACHE_DIR));
        let color = global.color.or(file.color).unwrap_or(ColorChoice::Auto);
        Ok(Settings {
            cache_dir,
            color,
            config_path,
            file,
        })
    }
}

/// Flags and env over the `[p2p]` and `[nat]` sections over the built-in defaults.
pub fn p2p_options(args: &P2pArgs, config: &FileConfig) -> P2pOptions {
    let file = &config.p2p;
    let nat = &config.nat;
    let defaults = P2pOptions::default();
    let coordinator_defaults = defaults.coordinator.clone();
    let coordinator = CoordinatorOptions {
        enabled: !args.no_nat && nat.enabled.unwrap_or(coordinator_defaults.enabled),
        budget: args
            .nat_budget
            .or(nat.budget_secs)
            .map_or(coordinator_defaults.budget, Duration::from_secs),
        stun_servers: nat
            .stun_servers
            .clone()
            .unwrap_or(coordinator_defaults.stun_servers),
        cache_ttl: nat
            .cache_ttl_secs
            .map_or(coordinator_defaults.cache_ttl, Duration::from_secs),
        map_port: nat.map_port.unwrap_or(coordinator_defaults.map_port),
    };
    let list = |flag: &Vec<String>, file: &Option<Vec<String>>, default: Vec<String>| {
        if flag.is_empty() {
            file.clone().unwrap_or(default)
        } else {
            flag.clone()
        }
    };
    let secs = |flag: Option<u64>, file: Option<u64>, default: Duration| {
        flag.or(file).map_or(default, Duration::from_secs)
    };
    P2pOptions {
        listen_port: args
            .port
            .or(file.listen_port)
            .unwrap_or(defaults.listen_port),
        dht: !args.no_dht && file.dht.unwrap_or(defaults.dht),
        dht_bootstrap: list(
            &args.dht_bootstrap,
            &file.dht_bootstrap,
            defaults.dht_bootstrap,
        ),
        trackers: if args.no_trackers {
            Vec::new()
        } else {
            list(&args.trackers, &file.trackers, defaults.trackers)
        },
        lsd: file.lsd.unwrap_or(defaults.lsd),
        peers: if args.peers.is_empty() {
            file.peers.clone().unwrap_or_default()
        } else {
            args.peers.clone()
        },
        metadata_timeout: secs(
            args.metadata_timeout,
            file.metadata_timeout_secs,
            defaults.metadata_timeout,
        ),
        stall_timeout: secs(
            args.stall_timeout,
            file.stall_timeout_secs,
            defaults.stall_timeout,
        ),
        announce_port: None,
        coordinator,
        utp: args.utp || file.utp.unwrap_or(defaults.utp),
        readahead: args
            .readahead_mib
            .or(file.readahead_mib)
            .map_or(defaults.readahead, |mib| mib.saturating_mul(1024 * 1024)),
        keep_downloading: !args.pause_idle
            && file.keep_downloading.unwrap_or(defaults.keep_downloading),
    }
}

/// Flags and env over `[serve]` over the defaults: the HTTP server's limits. `nofile` is the
/// open-file limit the server runs with, which sizes the default connection cap. A timeout of
/// 0 turns it off.
pub fn serve_limits(args: &ServeArgs, file: &ServeSection, nofile: Option<u64>) -> Limits {
    let defaults = Limits::defaults(nofile);
    let timeout =
        |flag: Option<u64>, file: Option<u64>, default: Option<Duration>| match flag.or(file) {
            Some(0) => None,
            Some(secs) => Some(Duration::from_secs(secs)),
            None => default,
        };
    Limits {
        timeouts: Timeouts {
            header: timeout(
                args.header_timeout,
                file.header_timeout_secs,
                defaults.timeouts.header,
            ),
            idle: timeout(
                args.idle_timeout,
                file.idle_timeout_secs,
                defaults.timeouts.idle,
            ),
            write: timeout(
                args.write_timeout,
                file.write_timeout_secs,
                defaults.timeouts.write,
            ),
        },
        max_connections: args
            .max_connections
            .or(file.max_connections)
            .filter(|&n| n > 0)
            .unwrap_or(defaults.max_connections),
    }
}

/// `<platform config folder>/peerstream/config.toml`, e.g. `~/.config/peerstream/config.toml`.
pub fn default_config_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "peerstream").map(|d| d.config_dir().join("config.toml"))
}

fn read_file(path: &Path) -> Result<FileConfig> {
    let text = std::fs::read_to_string(path)
        .wrap_err_with(|| format!("reading config file {}", path.display()))?;
    toml::from_str(&text).wrap_err_with(|| format!("in config file {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn global(config: &Path) -> GlobalArgs {
        GlobalArgs {
            cache_dir: None,
            config: Some(config.to_path_buf()),
            verbose: 0,
            quiet: false,
            color: None,
        }
    }

    #[test]
    fn file_layer_sits_below_flags() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(
            &path,
            "cache_dir = \"/srv/cache\"\ncolor = \"never\"\n[serve]\nbind = \"127.0.0.1:9000\"\n",
        )
        .unwrap();
        let settings = Settings::resolve(&global(&path)).unwrap();
        assert_eq!(settings.cache_dir, PathBuf::from("/srv/cache"));
        assert_eq!(settings.color, ColorChoice::Never);
        assert_eq!(
            settings.file.serve.bind,
            Some("127.0.0.1:9000".parse().unwrap())
        );

        let mut flags = global(&path);
        flags.cache_dir = Some(PathBuf::from("/flag"));
        assert_eq!(
            Settings::resolve(&flags).unwrap().cache_dir,
            PathBuf::from("/flag")
        );
    }

    #[test]
    fn serve_limits_take_flags_over_the_file_and_zero_turns_a_timeout_off() {
        let args = ServeArgs {
            bind: None,
            token: None,
            no_p2p: false,
            header_timeout: Some(3),
            idle_timeout: None,
            write_timeout: Some(0),
            max_connections: None,
            p2p: P2pArgs::default(),
        };
        let file = ServeSection {
            header_timeout_secs: Some(9),
            idle_timeout_secs: Some(7),
            max_connections: Some(0),
            ..ServeSection::default()
        };
        let limits = serve_limits(&args, &file, Some(1024));
        assert_eq!(limits.timeouts.header, Some(Duration::from_secs(3)));
        assert_eq!(limits.timeouts.idle, Some(Duration::from_secs(7)));
        assert_eq!(limits.timeouts.write, None);
        // 0 in the file: sized from the open-file limit.
        assert_eq!(limits.max_connections, 384);
        let file = ServeSection {
            max_connections: Some(12),
            ..ServeSection::default()
        };
        let limits = serve_limits(&args, &file, Some(1024));
        assert_eq!(limits.max_connections, 12);
        assert_eq!(
            limits.timeouts.idle,
            Some(Duration::from_secs(crate::http::DEFAULT_IDLE_TIMEOUT_SECS))
        );
    }

    #[test]
    fn unknown_key_names_key_and_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(&path, "cache_dri = \"x\"\n").unwrap();
        let err = format!("{:?}", Settings::resolve(&global(&path)).unwrap_err());
        assert!(err.contains("cache_dri"), "{err}");
        assert!(err.contains("c.toml"), "{err}");
    }
}
