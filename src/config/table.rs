//! The one description of every setting: its key in the config file, its flags and
//! environment variables, its type and default, and its help. The merge of the layers
//! (`config::resolve`), the command-line flags (`config::args`), `config show` and
//! `config init` are all driven by this table; a new setting is one entry here.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use super::units::{DataSize, Percent, Rate, Ratio};
use super::value::{BindAddr, ColorChoice, SettingValue, Shape};
use super::{SettingError, Values};
use crate::{http, nat, p2p};

/// Which commands take a setting's flags (every setting can be set in the file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every command (`--cache-dir`, `--color`).
    Global,
    /// `serve` (and `config show`).
    Serve,
    /// Every command that may join the swarm: `fetch`, `serve`, `play`, `cache verify`.
    Swarm,
    /// Only the config file (and `PEERSTREAM_*` when an env name is given).
    File,
}

/// One setting. Built by the `settings!` macro below; the function fields are the typed
/// conversions of the setting's Rust type.
pub struct Setting {
    /// Dotted key as in the file: `cache_dir`, `serve.bind`, `p2p.dht`.
    pub key: &'static str,
    /// Doc comment of the entry: the first line is the flag's short help.
    pub help: &'static str,
    pub scope: Scope,
    /// Long flag without dashes (`dht`); switches also accept `--dht=false`.
    pub flag: Option<&'static str>,
    /// The opposite flag (`no-dht`): false for a switch, `[]` for a list.
    pub negative: Option<&'static str>,
    pub env: Option<&'static str>,
    pub negative_env: Option<&'static str>,
    /// Older names of the key that the file still accepts.
    pub aliases: &'static [&'static str],
    /// The name of the flag's value in `--help`; `None`: the type's (`N`, `DURATION`, ...).
    pub value_name: Option<&'static str>,
    pub type_value_name: &'static str,
    /// Hidden by `config show` unless `--show-secrets`.
    pub secret: bool,
    /// Shown by `config init` for a setting without a default.
    pub example: Option<&'static str>,
    /// The values a setting takes, for `--help` and completions (empty: any).
    pub choices: &'static [&'static str],
    /// A remark `config show` adds after the value.
    pub note: fn(&toml::Value) -> Option<&'static str>,
    /// A remark `config show` adds when the setting is unset.
    pub unset_note: Option<&'static str>,
    pub shape: Shape,
    pub default: fn() -> Option<toml::Value>,
    /// Checks a value from the file.
    pub check: fn(&toml::Value) -> Result<(), String>,
    /// Parses the text of a flag or environment variable (every occurrence).
    pub parse: fn(&[String]) -> Result<Option<toml::Value>, String>,
}

impl std::fmt::Debug for Setting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key)
    }
}

impl Setting {
    const BASE: Setting = Setting {
        key: "",
        help: "",
        scope: Scope::File,
        flag: None,
        negative: None,
        env: None,
        negative_env: None,
        aliases: &[],
        value_name: None,
        type_value_name: "VALUE",
        secret: false,
        example: None,
        choices: &[],
        note: |_| None,
        unset_note: None,
        shape: Shape::Scalar,
        default: || None,
        check: |_| Ok(()),
        parse: |_| Ok(None),
    };

    /// The section of the file (`""` for top-level keys) and the name within it.
    pub fn section_and_name(&self) -> (&'static str, &'static str) {
        self.key.split_once('.').unwrap_or(("", self.key))
    }

    /// The help's first line.
    pub fn summary(&self) -> &'static str {
        self.help.lines().next().unwrap_or("").trim()
    }

    /// The whole help as one paragraph.
    pub fn paragraph(&self) -> String {
        self.help
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The flag's value as `--help` names it.
    pub fn value_name(&self) -> &'static str {
        self.value_name.unwrap_or(self.type_value_name)
    }

    /// Looks a setting up by key.
    pub fn find(key: &str) -> Option<&'static Setting> {
        TABLE.iter().find(|s| s.key == key)
    }
}

macro_rules! settings {
    ($(
        $(#[doc = $doc:literal])+
        $field:ident: $ty:ty = $default:expr, $key:literal, $scope:ident
            $(, $opt:ident = $val:expr)* ;
    )*) => {
        /// Every setting, resolved from the layers: what the commands (and through them the
        /// core, as plain option structs) receive.
        #[derive(Debug, Clone)]
        pub struct Settings {
            $( $(#[doc = $doc])+ pub $field: $ty, )*
        }

        /// Every setting, in the order of the config file.
        pub static TABLE: &[Setting] = &[$(
            Setting {
                key: $key,
                help: concat!($($doc, "\n"),+),
                scope: Scope::$scope,
                shape: <$ty as SettingValue>::SHAPE,
                type_value_name: <$ty as SettingValue>::VALUE_NAME,
                default: || {
                    let value: $ty = $default;
                    value.to_toml()
                },
                check: |value| <$ty as SettingValue>::from_toml(value).map(drop),
                parse: |texts| <$ty as SettingValue>::from_cli(texts).map(|v| v.to_toml()),
                $( $opt: $val, )*
                ..Setting::BASE
            },
        )*];

        impl Settings {
            /// The typed settings from the merged layers.
            pub(super) fn build(values: &Values) -> Result<Settings, SettingError> {
                Ok(Settings { $( $field: values.get::<$ty>($key)?, )* })
            }
        }
    };
}

/// `config show`'s remark on a timeout that is switched off.
fn zero_is_off(value: &toml::Value) -> Option<&'static str> {
    (value.as_integer() == Some(0)).then_some("0: no limit")
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

settings! {
    /// Cache folder: downloads land here and are served from here.
    /// Relative paths are relative to the working folder.
    cache_dir: PathBuf = PathBuf::from("./temp"), "cache_dir", Global,
        flag = Some("cache-dir"), env = Some("PEERSTREAM_CACHE_DIR"), value_name = Some("DIR"),
        note = |v| (v.as_str() == Some("./temp")).then_some("relative to the working folder");

    /// When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).
    color: ColorChoice = ColorChoice::Auto, "color", Global,
        flag = Some("color"), env = Some("PEERSTREAM_COLOR"), choices = ColorChoice::NAMES;

    /// Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download
    /// that would go past it first evicts the least recently used torrents that are neither
    /// pinned nor in use, and is refused when that is not enough.
    cache_max_size: DataSize = DataSize(0), "cache.max_size", Global,
        flag = Some("cache-max-size"), env = Some("PEERSTREAM_CACHE_MAX_SIZE"),
        note = |v| (v.as_integer() == Some(0)).then_some("0: no limit");

    /// Free space to keep on the cache folder's disk by evicting least recently used torrents
    /// before a download (e.g. 5GiB); 0 = evict for size only (p2p.disk_reserve_mib still
    /// refuses a download that would leave less than the reserve).
    cache_min_free: DataSize = DataSize(0), "cache.min_free", Global,
        flag = Some("cache-min-free"), env = Some("PEERSTREAM_CACHE_MIN_FREE"),
        note = |v| (v.as_integer() == Some(0)).then_some("0: nothing evicted for free space");

    /// Listen address of `peerstream serve` (an IP or a name such as localhost, and a port);
    /// port 0 picks a free port.
    bind: BindAddr = BindAddr::from(SocketAddr::from(([127, 0, 0, 1], 8787))), "serve.bind", Serve,
        flag = Some("bind"), env = Some("PEERSTREAM_BIND");

    /// Access token required on every request (?token= or Authorization: Bearer).
    /// Without one, a token is generated when binding beyond loopback.
    token: Option<String> = None, "serve.token", Serve,
        flag = Some("token"), env = Some("PEERSTREAM_TOKEN"), value_name = Some("TOKEN"),
        secret = true, example = Some("\"change-me\""),
        unset_note = Some("not set: one is generated when binding beyond loopback");

    /// Host names (besides the bound address, localhost and loopback IPs) that requests may
    /// carry in their Host header (repeatable); others get 403 (DNS-rebinding protection).
    allowed_hosts: Vec<String> = Vec::new(), "serve.allowed_hosts", Serve,
        flag = Some("allowed-host"), env = Some("PEERSTREAM_ALLOWED_HOSTS"), value_name = Some("NAME");

    /// Web origins whose pages may read /api/* (repeatable, e.g. http://localhost:3000);
    /// streams answer every origin.
    cors_origins: Vec<String> = Vec::new(), "serve.cors_origins", Serve,
        flag = Some("cors-origin"), env = Some("PEERSTREAM_CORS_ORIGINS"), value_name = Some("ORIGIN");

    /// Stream unknown hashes from the swarm; off serves only mock and cached files
    /// (unknown hashes get 404).
    serve_p2p: bool = true, "serve.p2p", Serve,
        flag = Some("p2p"), negative = Some("no-p2p"),
        env = Some("PEERSTREAM_P2P"), negative_env = Some("PEERSTREAM_NO_P2P");

    /// How long a client has from connecting (or from the first byte of a later request) to
    /// send a complete request head; 0 = no limit.
    header_timeout: Duration = Duration::from_secs(http::DEFAULT_HEADER_TIMEOUT_SECS),
        "serve.header_timeout", Serve,
        flag = Some("header-timeout"), env = Some("PEERSTREAM_HEADER_TIMEOUT"),
        note = zero_is_off;

    /// How long a kept-alive connection may wait for its next request; 0 = no limit.
    idle_timeout: Duration = Duration::from_secs(http::DEFAULT_IDLE_TIMEOUT_SECS),
        "serve.idle_timeout", Serve,
        flag = Some("idle-timeout"), env = Some("PEERSTREAM_IDLE_TIMEOUT"),
        note = zero_is_off;

    /// How long a response may make no progress because the client stopped reading before
    /// the connection is closed (a stream being read, however slowly, is never cut); 0 = no
    /// limit.
    write_timeout: Duration = Duration::from_secs(http::DEFAULT_WRITE_TIMEOUT_SECS),
        "serve.write_timeout", Serve,
        flag = Some("write-timeout"), env = Some("PEERSTREAM_WRITE_TIMEOUT"),
        note = zero_is_off;

    /// Most connections served at once; beyond it the longest-waiting idle connection is
    /// closed, or the new one gets 503. 0 = from the open-file limit: half of what is left
    /// after 256 kept for peers and files, within 64..16384.
    max_connections: usize = 0, "serve.max_connections", Serve,
        flag = Some("max-connections"), env = Some("PEERSTREAM_MAX_CONNECTIONS"),
        note = |v| (v.as_integer() == Some(0)).then_some("0: from the open-file limit");

    /// How long open streams may run on after SIGTERM or Ctrl-C (the listener closes and /ready
    /// answers 503 at once); then they are cut, the port mapping is removed and serve exits 0.
    shutdown_grace: Duration = Duration::from_secs(30), "serve.shutdown_grace", Serve,
        flag = Some("shutdown-grace"), env = Some("PEERSTREAM_SHUTDOWN_GRACE");

    /// Torrent listen port (TCP, and UDP for the DHT; with --utp, UDP for uTP and the DHT on a
    /// random port); the next few are tried when it is taken; 0 = any free port.
    listen_port: u16 = p2p::DEFAULT_LISTEN_PORT, "p2p.listen_port", Swarm,
        flag = Some("port"), env = Some("PEERSTREAM_PORT"), value_name = Some("PORT"),
        note = |v| (v.as_integer() == Some(0)).then_some("0: any free port");

    /// Find peers through the DHT.
    dht: bool = true, "p2p.dht", Swarm,
        flag = Some("dht"), negative = Some("no-dht"),
        env = Some("PEERSTREAM_DHT"), negative_env = Some("PEERSTREAM_NO_DHT");

    /// DHT bootstrap nodes (HOST:PORT); empty: librqbit's built-in list.
    dht_bootstrap: Vec<String> = Vec::new(), "p2p.dht_bootstrap", Swarm,
        flag = Some("dht-bootstrap"), env = Some("PEERSTREAM_DHT_BOOTSTRAP"),
        value_name = Some("HOST:PORT"),
        note = |v| v.as_array().is_some_and(Vec::is_empty).then_some("empty: librqbit's built-in nodes");

    /// Tracker announce URLs (repeatable); replaces the built-in list; --no-trackers for none.
    trackers: Vec<String> = strings(p2p::DEFAULT_TRACKERS), "p2p.trackers", Swarm,
        flag = Some("tracker"), negative = Some("no-trackers"),
        env = Some("PEERSTREAM_TRACKERS"), negative_env = Some("PEERSTREAM_NO_TRACKERS"),
        value_name = Some("URL");

    /// Local service discovery (multicast on the LAN); `serve` then seeds its cached torrents
    /// so that other nodes on the LAN find them (cluster mode).
    lsd: bool = false, "p2p.lsd", Swarm,
        flag = Some("lsd"), negative = Some("no-lsd"), env = Some("PEERSTREAM_LSD");

    /// Peers to connect to at once (IP:PORT, repeatable).
    peers: Vec<SocketAddr> = Vec::new(), "p2p.peers", Swarm,
        flag = Some("peer"), env = Some("PEERSTREAM_PEERS");

    /// Torrent ports of the other nodes of a cluster (HOST:PORT, repeatable): peers of every
    /// torrent; with one or more (or --lsd) the cached torrents with metadata are seeded.
    cluster_peers: Vec<String> = Vec::new(), "p2p.cluster_peers", Swarm,
        flag = Some("cluster-peer"), env = Some("PEERSTREAM_CLUSTER_PEERS"),
        value_name = Some("HOST:PORT");

    /// How long to wait for a torrent's metadata.
    metadata_timeout: Duration = p2p::DEFAULT_METADATA_TIMEOUT, "p2p.metadata_timeout", Swarm,
        flag = Some("metadata-timeout"), env = Some("PEERSTREAM_METADATA_TIMEOUT"),
        aliases = &["metadata_timeout_secs"];

    /// How long a stream or download may receive nothing before it counts as stalled.
    stall_timeout: Duration = p2p::DEFAULT_STALL_TIMEOUT, "p2p.stall_timeout", Swarm,
        flag = Some("stall-timeout"), env = Some("PEERSTREAM_STALL_TIMEOUT"),
        aliases = &["stall_timeout_secs"];

    /// Download on into the cache after the last stream of a torrent closes; off
    /// (--pause-idle) pauses the torrent until the next request.
    keep_downloading: bool = true, "p2p.keep_downloading", Swarm,
        flag = Some("keep-downloading"), negative = Some("pause-idle"),
        env = Some("PEERSTREAM_KEEP_DOWNLOADING"), negative_env = Some("PEERSTREAM_PAUSE_IDLE"),
        note = |v| (v.as_bool() == Some(false)).then_some("a torrent pauses when its last stream closes");

    /// MiB ahead of the playhead fetched first (librqbit's own window is 32).
    readahead_mib: u64 = p2p::LIBRQBIT_WINDOW / (1024 * 1024), "p2p.readahead_mib", Swarm,
        flag = Some("readahead-mib"), env = Some("PEERSTREAM_READAHEAD_MIB"), value_name = Some("MIB");

    /// Also use uTP (BitTorrent over UDP) on the listen port.
    utp: bool = false, "p2p.utp", Swarm,
        flag = Some("utp"), negative = Some("no-utp"), env = Some("PEERSTREAM_UTP");

    /// MiB that must stay free on the cache folder's disk; a download that would leave less
    /// is refused before it starts.
    disk_reserve_mib: u64 = p2p::DEFAULT_DISK_RESERVE / (1024 * 1024), "p2p.disk_reserve_mib", Swarm,
        flag = Some("disk-reserve-mib"), env = Some("PEERSTREAM_DISK_RESERVE_MIB"),
        value_name = Some("MIB");

    /// Most bytes per second downloaded from peers, all torrents together (e.g. 2MiB/s, or
    /// 0 for no limit); pieces a player waits for are still asked for first.
    download_limit: Rate = Rate(0), "p2p.download_limit", Swarm,
        flag = Some("download-limit"), env = Some("PEERSTREAM_DOWNLOAD_LIMIT"),
        note = |v| (v.as_integer() == Some(0)).then_some("0: no limit");

    /// Most bytes per second uploaded to peers, all torrents together (e.g. 1MiB/s, or 0
    /// for no limit).
    upload_limit: Rate = Rate(0), "p2p.upload_limit", Swarm,
        flag = Some("upload-limit"), env = Some("PEERSTREAM_UPLOAD_LIMIT"),
        note = |v| (v.as_integer() == Some(0)).then_some("0: no limit");

    /// Stop seeding a finished torrent once it uploaded this many times its size (0: no
    /// ratio limit); a torrent being streamed keeps seeding, and cluster nodes always seed.
    seed_ratio: Ratio = Ratio(1.0), "p2p.seed_ratio", Swarm,
        flag = Some("seed-ratio"), env = Some("PEERSTREAM_SEED_RATIO"),
        note = |v| (v.as_float() == Some(0.0)).then_some("0: no ratio limit");

    /// Stop seeding a finished torrent after this long, or at the ratio if that comes first
    /// (0: no time limit); a torrent being streamed keeps seeding, and cluster nodes always seed.
    seed_time: Duration = Duration::from_secs(24 * 3600), "p2p.seed_time", Swarm,
        flag = Some("seed-time"), env = Some("PEERSTREAM_SEED_TIME"),
        note = |v| (v.as_integer() == Some(0)).then_some("0: no time limit");

    /// Percent of a playlist entry a stream reads before the next entry's head and tail are
    /// fetched, so it starts at once (0: off).
    prefetch_at: Percent = Percent(60), "p2p.prefetch_at", Swarm,
        flag = Some("prefetch-at"), env = Some("PEERSTREAM_PREFETCH_AT"),
        note = |v| (v.as_integer() == Some(0)).then_some("0: no prefetch");

    /// NAT detection and port mapping before the first torrent.
    nat_enabled: bool = true, "nat.enabled", Swarm,
        flag = Some("nat"), negative = Some("no-nat"),
        env = Some("PEERSTREAM_NAT"), negative_env = Some("PEERSTREAM_NO_NAT");

    /// STUN servers for the NAT detection (HOST:PORT).
    stun_servers: Vec<String> = strings(nat::DEFAULT_STUN_SERVERS), "nat.stun_servers", File;

    /// The most NAT detection and port mapping may delay the first torrent.
    nat_budget: Duration = Duration::from_secs(4), "nat.budget", Swarm,
        flag = Some("nat-budget"), env = Some("PEERSTREAM_NAT_BUDGET"),
        aliases = &["budget_secs"];

    /// How long a NAT report stays valid in the cache folder before it is detected again.
    nat_cache_ttl: Duration = Duration::from_secs(3600), "nat.cache_ttl", File,
        aliases = &["cache_ttl_secs"];

    /// Map the listen port on the router (UPnP-IGD, PCP or NAT-PMP).
    map_port: bool = true, "nat.map_port", Swarm,
        flag = Some("map-port"), negative = Some("no-map-port"), env = Some("PEERSTREAM_MAP_PORT");
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn keys_flags_and_envs_are_unique_and_well_formed() {
        let mut seen = HashSet::new();
        for s in TABLE {
            let (section, _) = s.section_and_name();
            let mut names = vec![s.key.to_owned()];
            names.extend(s.aliases.iter().map(|a| format!("{section}.{a}")));
            names.extend(s.flag.iter().chain(&s.negative).map(|f| format!("--{f}")));
            names.extend(s.env.iter().chain(&s.negative_env).map(|e| (*e).to_owned()));
            for name in names {
                assert!(
                    seen.insert(name.clone()),
                    "{name} appears twice in the table"
                );
            }
            assert!(!s.summary().is_empty(), "{} has no help", s.key);
            if s.negative.is_some() {
                assert!(
                    s.shape != Shape::Scalar,
                    "{}: only switches and lists have a negative flag",
                    s.key
                );
            }
            if s.scope != Scope::File {
                assert!(
                    s.flag.is_some(),
                    "{} is in a command's scope but has no flag",
                    s.key
                );
            }
            if s.shape == Shape::Switch && s.flag.is_some() {
                assert!(
                    s.negative.is_some(),
                    "switch {} can only be turned one way",
                    s.key
                );
            }
            let default = (s.default)();
            if let Some(value) = &default {
                assert_eq!(
                    (s.check)(value),
                    Ok(()),
                    "{}: the default does not read back",
                    s.key
                );
            }
        }
    }
}
