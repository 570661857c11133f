//! `config show` (the effective settings and where each comes from) and `config init` (a
//! commented default file).
//!
//! The values shown are computed by the same functions the commands use (`Settings::resolve`,
//! `p2p_options`, and the `serve` rules below); only the origin is worked out here, from the
//! file layer and clap's `ArgMatches::value_source` (env or command line).

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory};
use color_eyre::eyre::{Result, WrapErr};
use serde::Serialize;
use serde::ser::SerializeMap;
use serde_json::{Value, json};

use super::{Context, print_json};
use crate::cli::{Cli, ConfigInitArgs, ConfigShowArgs};
use crate::config::{DEFAULT_CACHE_DIR, Settings, default_config_path, p2p_options, serve_limits};
use crate::exit::{CliError, ExitCode};
use crate::p2p::P2pOptions;

/// Where a value comes from, lowest layer first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    Default,
    File,
    Env,
    Flag,
}

/// One key of the config file with its effective value.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Dotted key as in the file: `cache_dir`, `serve.bind`, `p2p.listen_port`.
    pub key: &'static str,
    /// `null` when not set and without a default.
    pub value: Value,
    pub origin: Origin,
    /// The env variable, flag or file that set it; none for a default.
    pub via: Option<String>,
    /// Shown after the value in the human output.
    pub note: Option<&'static str>,
}

/// The `config show --json` document (schema in docs/JSON.md).
struct Report<'a> {
    config_file: ConfigFile,
    entries: &'a [Entry],
}

#[derive(Debug, Serialize)]
struct ConfigFile {
    /// The file read, or the default location that was looked at.
    path: Option<PathBuf>,
    /// Whether a file was read.
    loaded: bool,
    origin: Origin,
    via: Option<String>,
}

impl Serialize for Report<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Entries<'a>(&'a [Entry]);
        impl Serialize for Entries<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(Some(self.0.len()))?;
                #[derive(Serialize)]
                struct Item<'a> {
                    value: &'a Value,
                    origin: Origin,
                    via: &'a Option<String>,
                }
                for entry in self.0 {
                    let item = Item {
                        value: &entry.value,
                        origin: entry.origin,
                        via: &entry.via,
                    };
                    map.serialize_entry(entry.key, &item)?;
                }
                map.end()
            }
        }
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("config_file", &self.config_file)?;
        map.serialize_entry("settings", &Entries(self.entries))?;
        map.end()
    }
}

/// clap's view of where each argument came from, for the `config show` invocation.
struct Sources {
    matches: ArgMatches,
    command: clap::Command,
}

impl Sources {
    /// Parses the process's own command line again: `main` keeps only the typed `Cli`.
    fn from_process() -> Result<Sources> {
        let mut command = Cli::command();
        command.build();
        let root = command
            .clone()
            .try_get_matches_from(std::env::args_os())
            .wrap_err("parsing the command line again for value origins")?;
        let matches = root
            .subcommand_matches("config")
            .and_then(|m| m.subcommand_matches("show"))
            .cloned()
            .unwrap_or(root);
        let command = command
            .find_subcommand("config")
            .and_then(|c| c.find_subcommand("show"))
            .cloned()
            .unwrap_or(command);
        Ok(Sources { matches, command })
    }

    /// Origin of argument `id`, which is known to have set the value.
    fn origin(&self, id: &str) -> (Origin, Option<String>) {
        let arg = self.command.get_arguments().find(|a| a.get_id() == id);
        match self.matches.value_source(id) {
            Some(ValueSource::EnvVariable) => (
                Origin::Env,
                arg.and_then(|a| a.get_env())
                    .map(|e| e.to_string_lossy().into_owned()),
            ),
            _ => (
                Origin::Flag,
                arg.and_then(|a| a.get_long()).map(|l| format!("--{l}")),
            ),
        }
    }
}

/// Picks the layer: the argument `id` when `by_arg`, else the file when `in_file`, else the
/// default.
struct Layers<'a> {
    sources: &'a Sources,
    file_path: Option<String>,
}

impl Layers<'_> {
    fn pick(&self, id: &str, by_arg: bool, in_file: bool) -> (Origin, Option<String>) {
        if by_arg {
            self.sources.origin(id)
        } else if in_file {
            (Origin::File, self.file_path.clone())
        } else {
            (Origin::Default, None)
        }
    }
}

pub fn show(ctx: &Context, args: &ConfigShowArgs) -> Result<()> {
    let sources = Sources::from_process()?;
    let report_file = config_file(&ctx.settings, &sources);
    let entries = entries(&ctx.settings, args, &sources)?;
    if args.json {
        return print_json(&Report {
            config_file: report_file,
            entries: &entries,
        });
    }
    let mut out = std::io::stdout().lock();
    write_human(&mut out, &report_file, &entries)?;
    out.flush()?;
    Ok(())
}

fn config_file(settings: &Settings, sources: &Sources) -> ConfigFile {
    let by_arg = sources.matches.value_source("config").is_some();
    match &settings.config_path {
        Some(path) => {
            let (origin, via) = if by_arg {
                sources.origin("config")
            } else {
                (Origin::Default, None)
            };
            ConfigFile {
                path: Some(path.clone()),
                loaded: true,
                origin,
                via,
            }
        }
        None => ConfigFile {
            path: default_config_path(),
            loaded: false,
            origin: Origin::Default,
            via: None,
        },
    }
}

/// Every key that the config file accepts, in file order, with its effective value.
fn entries(settings: &Settings, args: &ConfigShowArgs, sources: &Sources) -> Result<Vec<Entry>> {
    let file = &settings.file;
    let layers = Layers {
        sources,
        file_path: settings
            .config_path
            .as_ref()
            .map(|p| p.display().to_string()),
    };
    let p2p_args = &args.serve.p2p;
    let effective: P2pOptions = p2p_options(p2p_args, file);
    let mut list = Vec::new();
    let mut push = |key, value: Value, (origin, via): (Origin, Option<String>), note| {
        list.push(Entry {
            key,
            value,
            origin,
            via,
            note,
        });
    };

    let global_set = |id: &str| sources.matches.value_source(id).is_some();
    push(
        "cache_dir",
        json!(settings.cache_dir.display().to_string()),
        layers.pick(
            "cache_dir",
            global_set("cache_dir"),
            file.cache_dir.is_some(),
        ),
        (settings.cache_dir == Path::new(DEFAULT_CACHE_DIR))
            .then_some("relative to the working folder"),
    );
    push(
        "color",
        serde_json::to_value(settings.color)?,
        layers.pick("color", global_set("color"), file.color.is_some()),
        None,
    );

    // [serve]: the rules of `commands::serve::run`.
    let serve = &file.serve;
    let bind: SocketAddr = match args.serve.bind.or(serve.bind) {
        Some(addr) => addr,
        None => crate::http::DEFAULT_BIND
            .parse()
            .wrap_err("parsing the built-in bind address")?,
    };
    push(
        "serve.bind",
        json!(bind.to_string()),
        layers.pick("bind", args.serve.bind.is_some(), serve.bind.is_some()),
        None,
    );
    let token = args.serve.token.clone().or_else(|| serve.token.clone());
    push(
        "serve.token",
        match &token {
            Some(t) if args.show_secrets => json!(t),
            Some(_) => json!(HIDDEN),
            None => Value::Null,
        },
        layers.pick("token", args.serve.token.is_some(), serve.token.is_some()),
        token
            .is_none()
            .then_some("not set: one is generated when binding beyond loopback"),
    );
    push(
        "serve.p2p",
        json!(!args.serve.no_p2p && serve.p2p != Some(false)),
        layers.pick("no_p2p", args.serve.no_p2p, serve.p2p.is_some()),
        None,
    );

    let nofile = crate::http::nofile_limit_after_raise();
    let limits = serve_limits(&args.serve, serve, nofile);
    let secs = |d: Option<std::time::Duration>| json!(d.map_or(0, |d| d.as_secs()));
    push(
        "serve.header_timeout_secs",
        secs(limits.timeouts.header),
        layers.pick(
            "header_timeout",
            args.serve.header_timeout.is_some(),
            serve.header_timeout_secs.is_some(),
        ),
        limits.timeouts.header.is_none().then_some("0: no limit"),
    );
    push(
        "serve.idle_timeout_secs",
        secs(limits.timeouts.idle),
        layers.pick(
            "idle_timeout",
            args.serve.idle_timeout.is_some(),
            serve.idle_timeout_secs.is_some(),
        ),
        limits.timeouts.idle.is_none().then_some("0: no limit"),
    );
    push(
        "serve.write_timeout_secs",
        secs(limits.timeouts.write),
        layers.pick(
            "write_timeout",
            args.serve.write_timeout.is_some(),
            serve.write_timeout_secs.is_some(),
        ),
        limits.timeouts.write.is_none().then_some("0: no limit"),
    );
    let cap_by_arg = args.serve.max_connections.is_some();
    let cap_in_file = serve.max_connections.is_some_and(|n| n > 0);
    push(
        "serve.max_connections",
        json!(limits.max_connections),
        layers.pick("max_connections", cap_by_arg, cap_in_file),
        (!cap_by_arg && !cap_in_file)
            .then_some("sized from the open-file limit: (limit - 256) / 2, within 64..16384"),
    );

    // [p2p]: from `p2p_options`, as `fetch`, `serve` and `cache verify --repair` use them.
    let p2p = &file.p2p;
    push(
        "p2p.listen_port",
        json!(effective.listen_port),
        layers.pick("port", p2p_args.port.is_some(), p2p.listen_port.is_some()),
        (effective.listen_port == 0).then_some("0: any free port"),
    );
    push(
        "p2p.dht",
        json!(effective.dht),
        layers.pick("no_dht", p2p_args.no_dht, p2p.dht.is_some()),
        None,
    );
    push(
        "p2p.dht_bootstrap",
        json!(effective.dht_bootstrap),
        layers.pick(
            "dht_bootstrap",
            !p2p_args.dht_bootstrap.is_empty(),
            p2p.dht_bootstrap.is_some(),
        ),
        effective
            .dht_bootstrap
            .is_empty()
            .then_some("empty: librqbit's built-in nodes"),
    );
    let trackers_origin = if p2p_args.no_trackers {
        sources.origin("no_trackers")
    } else {
        layers.pick(
            "trackers",
            !p2p_args.trackers.is_empty(),
            p2p.trackers.is_some(),
        )
    };
    push(
        "p2p.trackers",
        json!(effective.trackers),
        trackers_origin,
        None,
    );
    push(
        "p2p.lsd",
        json!(effective.lsd),
        layers.pick("", false, p2p.lsd.is_some()),
        None,
    );
    push(
        "p2p.peers",
        json!(
            effective
                .peers
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
        ),
        layers.pick("peers", !p2p_args.peers.is_empty(), p2p.peers.is_some()),
        None,
    );
    push(
        "p2p.metadata_timeout_secs",
        json!(effective.metadata_timeout.as_secs()),
        layers.pick(
            "metadata_timeout",
            p2p_args.metadata_timeout.is_some(),
            p2p.metadata_timeout_secs.is_some(),
        ),
        None,
    );
    push(
        "p2p.stall_timeout_secs",
        json!(effective.stall_timeout.as_secs()),
        layers.pick(
            "stall_timeout",
            p2p_args.stall_timeout.is_some(),
            p2p.stall_timeout_secs.is_some(),
        ),
        None,
    );

    push(
        "p2p.keep_downloading",
        json!(effective.keep_downloading),
        layers.pick(
            "pause_idle",
            p2p_args.pause_idle,
            p2p.keep_downloading.is_some(),
        ),
        (!effective.keep_downloading).then_some("a torrent pauses when its last stream closes"),
    );
    push(
        "p2p.readahead_mib",
        json!(effective.readahead / (1024 * 1024)),
        layers.pick(
            "readahead_mib",
            p2p_args.readahead_mib.is_some(),
            p2p.readahead_mib.is_some(),
        ),
        None,
    );
    push(
        "p2p.utp",
        json!(effective.utp),
        layers.pick("utp", p2p_args.utp, p2p.utp.is_some()),
        None,
    );

    // [nat]: the coordinator that runs before the first torrent.
    let nat = &file.nat;
    let coordinator = &effective.coordinator;
    push(
        "nat.enabled",
        json!(coordinator.enabled),
        layers.pick("no_nat", p2p_args.no_nat, nat.enabled.is_some()),
        None,
    );
    push(
        "nat.stun_servers",
        json!(coordinator.stun_servers),
        layers.pick("", false, nat.stun_servers.is_some()),
        None,
    );
    push(
        "nat.budget_secs",
        json!(coordinator.budget.as_secs()),
        layers.pick(
            "nat_budget",
            p2p_args.nat_budget.is_some(),
            nat.budget_secs.is_some(),
        ),
        None,
    );
    push(
        "nat.cache_ttl_secs",
        json!(coordinator.cache_ttl.as_secs()),
        layers.pick("", false, nat.cache_ttl_secs.is_some()),
        None,
    );
    push(
        "nat.map_port",
        json!(coordinator.map_port),
        layers.pick("", false, nat.map_port.is_some()),
        None,
    );
    Ok(list)
}

/// What `config show` prints instead of a secret without `--show-secrets`.
pub const HIDDEN: &str = "(hidden)";

/// TOML-looking lines, each with its origin as a comment; unset values are commented out.
fn write_human(out: &mut impl Write, file: &ConfigFile, entries: &[Entry]) -> Result<()> {
    match (&file.path, file.loaded) {
        (Some(path), true) => {
            let how = match (&file.origin, &file.via) {
                (Origin::Default, _) => "the default location".to_owned(),
                (_, Some(via)) => via.clone(),
                (origin, None) => format!("{origin:?}").to_lowercase(),
            };
            writeln!(out, "# config file: {} (from {how})", path.display())?;
        }
        (Some(path), false) => writeln!(
            out,
            "# config file: none ({} does not exist; `peerstream config init` writes it)",
            path.display()
        )?,
        (None, _) => writeln!(out, "# config file: none (no platform config folder)")?,
    }
    let mut section = "";
    for entry in entries {
        let (table, name) = entry.key.split_once('.').unwrap_or(("", entry.key));
        if table != section {
            writeln!(out, "\n[{table}]")?;
            section = table;
        }
        let assignment = match toml_value(&entry.value) {
            Some(value) => format!("{name} = {value}"),
            None => format!("# {name} ="),
        };
        let origin = match &entry.via {
            Some(via) => format!("{} {via}", origin_word(entry.origin)),
            None => origin_word(entry.origin).to_owned(),
        };
        let note = entry.note.map(|n| format!(" ({n})")).unwrap_or_default();
        writeln!(out, "{assignment:<40} # {origin}{note}")?;
    }
    Ok(())
}

fn origin_word(origin: Origin) -> &'static str {
    match origin {
        Origin::Default => "default",
        Origin::File => "file",
        Origin::Env => "env",
        Origin::Flag => "flag",
    }
}

/// A JSON value as an inline TOML value; `None` for null.
fn toml_value(value: &Value) -> Option<String> {
    Some(match value {
        Value::Null => return None,
        Value::String(s) => toml::Value::String(s.clone()).to_string(),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().filter_map(toml_value).collect();
            format!("[{}]", items.join(", "))
        }
        other => other.to_string(),
    })
}

pub fn init(ctx: &Context, args: &ConfigInitArgs) -> Result<()> {
    let path = match args.path.clone().or_else(default_config_path) {
        Some(path) => path,
        None => {
            return Err(CliError::new(
                ExitCode::Error,
                "no platform config folder is known on this system",
            )
            .with_hint("give the file to write: peerstream config init PATH")
            .into());
        }
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .wrap_err_with(|| format!("creating the folder {}", parent.display()))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if args.force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    let mut file = match options.open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(CliError::new(
                ExitCode::Error,
                format!("{} exists already; not overwritten", path.display()),
            )
            .with_hint("pass --force to replace it with the default file")
            .into());
        }
        Err(e) => {
            return Err(e).wrap_err_with(|| format!("creating {}", path.display()));
        }
    };
    file.write_all(default_file_text().as_bytes())
        .and_then(|()| file.flush())
        .wrap_err_with(|| format!("writing {}", path.display()))?;
    ctx.note(format!(
        "wrote {}; every key is commented out, so the defaults apply until you change one",
        path.display()
    ));
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", path.display())?;
    out.flush()?;
    Ok(())
}

/// The commented default config file: every key the file accepts, commented out with its
/// default value, so uncommenting a line changes nothing until its value is edited.
pub fn default_file_text() -> String {
    let defaults = P2pOptions::default();
    let coordinator = &defaults.coordinator;
    let list = |items: &[String]| {
        let quoted: Vec<String> = items
            .iter()
            .map(|s| toml::Value::String(s.clone()).to_string())
            .collect();
        format!("[{}]", quoted.join(", "))
    };
    format!(
        r#"# peerstream configuration (TOML).
#
# Layers, lowest first: built-in defaults < this file < PEERSTREAM_* environment variables
# < command-line flags. `peerstream config show` prints the effective value of every key and
# where it came from. Unknown keys are an error, so a typo does not pass silently.
# Every key below is commented out with its default value.

# Cache folder: downloads land here and are served from here. Relative paths are relative
# to the working folder.
# cache_dir = "{cache_dir}"

# Colours on stderr: "auto", "always" or "never" (NO_COLOR is honoured with "auto").
# color = "auto"

[serve]
# Listen address of `peerstream serve`; port 0 picks a free port.
# bind = "{bind}"

# Access token required on every request (?token= or Authorization: Bearer). Without one, a
# token is generated when binding beyond loopback.
# token = "change-me"

# Stream unknown hashes from the swarm; false serves only mock and cached files.
# p2p = true

# Seconds a client has from connecting (or from the first byte of a later request) to send a
# complete request head; 0 = no limit (also: --header-timeout).
# header_timeout_secs = {header_timeout}

# Seconds a kept-alive connection may wait for its next request; 0 = no limit
# (also: --idle-timeout).
# idle_timeout_secs = {idle_timeout}

# Seconds a response may make no progress because the client stopped reading (a paused
# player does too; players reopen the stream on resume); 0 = no limit (also: --write-timeout).
# write_timeout_secs = {write_timeout}

# Most connections served at once. At the cap, the connection that has waited longest for a
# request is closed to make room; when all are busy, new ones get 503 "overloaded". Unset or 0:
# sized from the open-file limit (raised to the hard limit at start) as (limit - 256) / 2 within
# 64..16384; the value below is that for this machine (also: --max-connections).
# max_connections = {max_connections}

[p2p]
# Torrent listen port; the next few are tried when it is taken; 0 = any free port.
# listen_port = {listen_port}

# Find peers through the DHT.
# dht = {dht}

# DHT bootstrap nodes (HOST:PORT); empty = librqbit's built-in list.
# dht_bootstrap = []

# Tracker announce URLs; replaces the built-in list below; [] for none.
# trackers = {trackers}

# Local service discovery (multicast on the LAN).
# lsd = {lsd}

# Peers to connect to at once (IP:PORT).
# peers = []

# Seconds to wait for a torrent's metadata.
# metadata_timeout_secs = {metadata_timeout}

# Seconds without data after which a stream or download counts as stalled.
# stall_timeout_secs = {stall_timeout}

# Download on into the cache after the last stream of a torrent closes; false pauses the
# torrent until the next request (also: --pause-idle).
# keep_downloading = {keep_downloading}

# MiB ahead of the playhead fetched first; librqbit's own window is 32 (also: --readahead-mib).
# readahead_mib = {readahead}

# Also use uTP (BitTorrent over UDP) on the listen port (also: --utp).
# utp = {utp}

[nat]
# NAT detection and port mapping before the first torrent (also: --no-nat).
# enabled = {nat_enabled}

# STUN servers for the detection (HOST:PORT).
# stun_servers = {stun_servers}

# The most the detection and mapping may delay the first torrent, in seconds.
# budget_secs = {budget}

# Seconds a NAT report stays valid in the cache folder before it is detected again.
# cache_ttl_secs = {cache_ttl}

# Map the listen port on the router (UPnP-IGD, PCP or NAT-PMP).
# map_port = {map_port}
"#,
        cache_dir = DEFAULT_CACHE_DIR,
        bind = crate::http::DEFAULT_BIND,
        header_timeout = crate::http::DEFAULT_HEADER_TIMEOUT_SECS,
        idle_timeout = crate::http::DEFAULT_IDLE_TIMEOUT_SECS,
        write_timeout = crate::http::DEFAULT_WRITE_TIMEOUT_SECS,
        max_connections =
            crate::http::Limits::defaults(crate::http::nofile_limit_after_raise()).max_connections,
        listen_port = defaults.listen_port,
        dht = defaults.dht,
        trackers = list(&defaults.trackers),
        lsd = defaults.lsd,
        metadata_timeout = defaults.metadata_timeout.as_secs(),
        stall_timeout = defaults.stall_timeout.as_secs(),
        keep_downloading = defaults.keep_downloading,
        utp = defaults.utp,
        readahead = defaults.readahead / (1024 * 1024),
        nat_enabled = coordinator.enabled,
        stun_servers = list(&coordinator.stun_servers),
        budget = coordinator.budget.as_secs(),
        cache_ttl = coordinator.cache_ttl.as_secs(),
        map_port = coordinator.map_port,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::FileConfig;

    /// Uncommenting every `# key = value` line gives a file that parses.
    #[test]
    fn default_file_uncommented_parses() {
        let text = default_file_text();
        let uncommented: String = text
            .lines()
            .map(|line| match line.strip_prefix("# ") {
                Some(rest) if rest.split_once(" = ").is_some_and(|(k, _)| is_key(k)) => rest,
                _ => line,
            })
            .collect::<Vec<_>>()
            .join("\n");
        assert!(toml::from_str::<FileConfig>(&text).is_ok());
        let parsed: FileConfig = toml::from_str(&uncommented).expect("uncommented parses");
        assert_eq!(parsed.p2p.listen_port, Some(6881));
        assert_eq!(parsed.nat.map_port, Some(true));
    }

    fn is_key(text: &str) -> bool {
        !text.is_empty()
            && text
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    }

    #[test]
    fn toml_values_render_inline() {
        let quoted = toml_value(&json!("a\"b'c")).expect("a string renders");
        let table: toml::Table = toml::from_str(&format!("x = {quoted}")).expect("valid TOML");
        assert_eq!(table["x"].as_str(), Some("a\"b'c"));
        assert_eq!(
            toml_value(&json!(["x", "y"])).as_deref(),
            Some(r#"["x", "y"]"#)
        );
        assert_eq!(toml_value(&json!(42)).as_deref(), Some("42"));
        assert_eq!(toml_value(&Value::Null), None);
    }
}
