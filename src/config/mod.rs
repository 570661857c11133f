//! Settings in layers: built-in defaults < config file (TOML) < `PEERSTREAM_*` env < flags.
//!
//! Every setting is described once, in `table.rs`; this module merges the layers into
//! [`Settings`] (last layer wins, both ways for switches) and turns them into the core's plain
//! option structs. Nothing below `commands` sees clap or this module.

mod args;
mod table;
pub mod units;
pub mod value;

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;

pub use args::{CliValue, GlobalScope, ServeScope, SettingArgs, SwarmScope};
pub use table::{Scope, Setting, Settings, TABLE};
pub use units::DataSize;
use value::SettingValue;
pub use value::{ColorChoice, Shape};

use crate::http::{Limits, Timeouts, default_max_connections};
use crate::p2p::{CoordinatorOptions, P2pOptions};

/// Where a value comes from, lowest layer first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    Default,
    File,
    Env,
    Flag,
}

impl Origin {
    pub fn word(self) -> &'static str {
        match self {
            Origin::Default => "default",
            Origin::File => "file",
            Origin::Env => "env",
            Origin::Flag => "flag",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("reading config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {path} is larger than {limit} bytes")]
    TooLarge { path: PathBuf, limit: u64 },
    #[error("in config file {path}: {message}")]
    Syntax { path: PathBuf, message: String },
    #[error("in config file {path}: unknown key `{key}`, expected one of {expected}")]
    UnknownKey {
        path: PathBuf,
        key: String,
        expected: String,
    },
    #[error("in config file {path}: `{key}`: {message}")]
    BadValue {
        path: PathBuf,
        key: String,
        message: String,
    },
    #[error("setting `{key}` (from {via}): {message}")]
    Build {
        key: &'static str,
        via: String,
        message: String,
    },
}

/// One setting's effective value and the layer that set it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub setting: &'static Setting,
    /// `None`: unset (an optional setting no layer gave).
    pub value: Option<toml::Value>,
    pub origin: Origin,
    /// The flag, variable or file that set it; `None` for a default.
    pub via: Option<String>,
}

/// Every setting's effective value, in table order.
#[derive(Debug, Clone)]
pub struct Values {
    pub entries: Vec<Entry>,
}

/// A type error here would be a value that passed its layer's check and still does not read
/// back; it names the setting and its origin all the same.
pub type SettingError = ConfigError;

impl Values {
    fn defaults() -> Values {
        Values {
            entries: TABLE
                .iter()
                .map(|setting| Entry {
                    setting,
                    value: (setting.default)(),
                    origin: Origin::Default,
                    via: None,
                })
                .collect(),
        }
    }

    fn set(&mut self, key: &str, value: Option<toml::Value>, origin: Origin, via: String) {
        if let Some(entry) = self.entries.iter_mut().find(|e| e.setting.key == key) {
            entry.value = value;
            entry.origin = origin;
            entry.via = Some(via);
        }
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.setting.key == key)
    }

    fn get<T: SettingValue>(&self, key: &'static str) -> Result<T, SettingError> {
        let entry = self.entry(key).ok_or_else(|| ConfigError::Build {
            key,
            via: "the built-in table".into(),
            message: "no such setting".into(),
        })?;
        let via = || entry.via.clone().unwrap_or_else(|| "the default".into());
        match &entry.value {
            Some(value) => T::from_toml(value).map_err(|message| ConfigError::Build {
                key,
                via: via(),
                message,
            }),
            None => T::unset().ok_or_else(|| ConfigError::Build {
                key,
                via: via(),
                message: "a value is needed".into(),
            }),
        }
    }
}

/// The config file that was read, or the default location that was looked at.
#[derive(Debug, Clone, Serialize)]
pub struct ConfigFile {
    pub path: Option<PathBuf>,
    /// Whether a file was read.
    pub loaded: bool,
    pub origin: Origin,
    pub via: Option<String>,
}

/// `--config FILE` / `PEERSTREAM_CONFIG`, when given.
#[derive(Debug, Clone)]
pub struct ConfigChoice {
    pub path: PathBuf,
    pub origin: Origin,
    pub via: String,
}

/// The settings with the layer of every value, for `config show`.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub settings: Settings,
    pub values: Values,
    pub config_file: ConfigFile,
}

/// Merges the layers: the table's defaults, the config file (the one given, else the platform
/// default if it exists), then the environment and flags in `cli`.
pub fn resolve<'a>(
    config: Option<ConfigChoice>,
    cli: impl IntoIterator<Item = &'a CliValue>,
) -> Result<Resolved, ConfigError> {
    let mut values = Values::defaults();
    let config_file = match config {
        Some(choice) => {
            read_file(&choice.path, &mut values)?;
            ConfigFile {
                path: Some(choice.path),
                loaded: true,
                origin: choice.origin,
                via: Some(choice.via),
            }
        }
        None => {
            let path = default_config_path();
            let loaded = match path.as_deref().filter(|p| p.is_file()) {
                Some(p) => {
                    read_file(p, &mut values)?;
                    true
                }
                None => false,
            };
            ConfigFile {
                path,
                loaded,
                origin: Origin::Default,
                via: None,
            }
        }
    };
    // Environment first, then flags: a flag beats any variable.
    let mut cli: Vec<&CliValue> = cli.into_iter().collect();
    cli.sort_by_key(|v| v.origin);
    for value in cli {
        values.set(
            value.setting.key,
            value.value.clone(),
            value.origin,
            value.via.clone(),
        );
    }
    Ok(Resolved {
        settings: Settings::build(&values)?,
        values,
        config_file,
    })
}

/// A config file is a few KiB; anything past this is not one.
const MAX_CONFIG_FILE: u64 = 1024 * 1024;

fn read_file(path: &Path, values: &mut Values) -> Result<(), ConfigError> {
    let read_error = |source| ConfigError::Read {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(read_error)?;
    let mut text = String::new();
    file.take(MAX_CONFIG_FILE + 1)
        .read_to_string(&mut text)
        .map_err(read_error)?;
    if text.len() as u64 > MAX_CONFIG_FILE {
        return Err(ConfigError::TooLarge {
            path: path.to_owned(),
            limit: MAX_CONFIG_FILE,
        });
    }
    let table: toml::Table = toml::from_str(&text).map_err(|e| ConfigError::Syntax {
        path: path.to_owned(),
        message: e.to_string(),
    })?;
    let via = path.display().to_string();
    let keys = file_keys(&table).map_err(|(key, expected)| ConfigError::UnknownKey {
        path: path.to_owned(),
        key,
        expected: expected
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", "),
    })?;
    for (key, value, setting) in keys {
        (setting.check)(value).map_err(|message| ConfigError::BadValue {
            path: path.to_owned(),
            key: key.clone(),
            message,
        })?;
        values.set(setting.key, Some(value.clone()), Origin::File, via.clone());
    }
    Ok(())
}

/// A key of the file, its value and its setting.
type FileKey<'a> = (String, &'a toml::Value, &'static Setting);

/// Every key of the file with its setting; `Err` names the first key no setting has, and the
/// names its table accepts.
fn file_keys(table: &toml::Table) -> Result<Vec<FileKey<'_>>, (String, Vec<&'static str>)> {
    let mut sections: Vec<&'static str> = Vec::new();
    for setting in TABLE {
        let (section, _) = setting.section_and_name();
        if !section.is_empty() && !sections.contains(&section) {
            sections.push(section);
        }
    }
    let names_in = |section: &str| -> Vec<&'static str> {
        let mut names: Vec<&'static str> = TABLE
            .iter()
            .map(|s| s.section_and_name())
            .filter(|(s, _)| *s == section)
            .map(|(_, name)| name)
            .collect();
        if section.is_empty() {
            names.extend(&sections);
        }
        names
    };
    let mut found = Vec::new();
    for (name, value) in table {
        match value {
            toml::Value::Table(inner) if sections.contains(&name.as_str()) => {
                for (inner_name, inner_value) in inner {
                    let key = format!("{name}.{inner_name}");
                    let Some(setting) = lookup(name, inner_name) else {
                        return Err((key, names_in(name)));
                    };
                    found.push((key, inner_value, setting));
                }
            }
            _ => {
                let Some(setting) = lookup("", name) else {
                    return Err((name.clone(), names_in("")));
                };
                found.push((name.clone(), value, setting));
            }
        }
    }
    Ok(found)
}

/// The setting a key of the file names, by its name or an older alias.
fn lookup(section: &str, name: &str) -> Option<&'static Setting> {
    TABLE.iter().find(|s| {
        let (s_section, s_name) = s.section_and_name();
        s_section == section && (s_name == name || s.aliases.contains(&name))
    })
}

/// `<platform config folder>/peerstream/config.toml`, e.g. `~/.config/peerstream/config.toml`.
pub fn default_config_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "peerstream").map(|d| d.config_dir().join("config.toml"))
}

impl Settings {
    /// The HTTP server's limits. `nofile` is the open-file limit the server runs with, which
    /// sizes the connection cap when it is 0 (automatic). A timeout of 0 turns it off.
    pub fn serve_limits(&self, nofile: Option<u64>) -> Limits {
        let off_when_zero = |d: std::time::Duration| (!d.is_zero()).then_some(d);
        Limits {
            timeouts: Timeouts {
                header: off_when_zero(self.header_timeout),
                idle: off_when_zero(self.idle_timeout),
                write: off_when_zero(self.write_timeout),
            },
            max_connections: match self.max_connections {
                0 => default_max_connections(nofile),
                n => n,
            },
        }
    }

    /// The swarm options every command that joins the swarm uses.
    pub fn p2p_options(&self) -> P2pOptions {
        P2pOptions {
            listen_port: self.listen_port,
            dht: self.dht,
            dht_bootstrap: self.dht_bootstrap.clone(),
            trackers: self.trackers.clone(),
            lsd: self.lsd,
            peers: self.peers.clone(),
            cluster_peers: self.cluster_peers.clone(),
            metadata_timeout: self.metadata_timeout,
            stall_timeout: self.stall_timeout,
            announce_port: None,
            coordinator: CoordinatorOptions {
                enabled: self.nat_enabled,
                budget: self.nat_budget,
                stun_servers: self.stun_servers.clone(),
                cache_ttl: self.nat_cache_ttl,
                map_port: self.map_port,
            },
            keep_downloading: self.keep_downloading,
            utp: self.utp,
            readahead: self.readahead_mib.saturating_mul(1024 * 1024),
            disk_reserve: self.disk_reserve_mib.saturating_mul(1024 * 1024),
            download_limit: self.download_limit.bytes_per_second(),
            upload_limit: self.upload_limit.bytes_per_second(),
            seeding: crate::p2p::SeedPolicy {
                ratio: (self.seed_ratio.0 > 0.0).then_some(self.seed_ratio.0),
                time: (!self.seed_time.is_zero()).then_some(self.seed_time),
            },
            prefetch_at: self.prefetch_at.0,
            cache_limits: self.cache_limits(),
        }
    }

    /// The limits the cache is kept within (`cache.max_size`, `cache.min_free`).
    pub fn cache_limits(&self) -> crate::cache::Limits {
        crate::cache::Limits {
            max_size: self.cache_max_size.bytes(),
            min_free: self.cache_min_free.bytes(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_file(text: &str) -> Result<Resolved, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(&path, text).unwrap();
        let choice = ConfigChoice {
            path,
            origin: Origin::Flag,
            via: "--config".into(),
        };
        resolve(Some(choice), [])
    }

    #[test]
    fn file_layer_over_defaults() {
        let resolved = with_file(
            "cache_dir = \"/srv/cache\"\ncolor = \"never\"\n[serve]\nbind = \"127.0.0.1:9000\"\n\
             [p2p]\ndht = false\nmetadata_timeout_secs = 11\nstall_timeout = \"1m\"\n",
        )
        .unwrap();
        let s = &resolved.settings;
        assert_eq!(s.cache_dir, PathBuf::from("/srv/cache"));
        assert_eq!(s.color, ColorChoice::Never);
        assert_eq!(s.bind.to_string(), "127.0.0.1:9000");
        assert!(!s.dht);
        assert_eq!(s.metadata_timeout, std::time::Duration::from_secs(11));
        assert_eq!(s.stall_timeout, std::time::Duration::from_secs(60));
        let entry = resolved.values.entry("p2p.metadata_timeout").unwrap();
        assert_eq!(entry.origin, Origin::File);
        assert!(!s.utp && s.keep_downloading, "untouched defaults stay");
    }

    #[test]
    fn serve_limits_zero_turns_a_timeout_off_and_sizes_the_cap_from_the_file_limit() {
        let resolved = with_file(
            "[serve]\nheader_timeout = 3\nwrite_timeout = 0\nidle_timeout = \"1500ms\"\n",
        )
        .unwrap();
        let limits = resolved.settings.serve_limits(Some(1024));
        assert_eq!(
            limits.timeouts.header,
            Some(std::time::Duration::from_secs(3))
        );
        assert_eq!(limits.timeouts.write, None);
        assert_eq!(
            limits.timeouts.idle,
            Some(std::time::Duration::from_millis(1500))
        );
        assert_eq!(limits.max_connections, 384, "(1024 - 256) / 2");
        let resolved = with_file("[serve]\nmax_connections = 12\n").unwrap();
        assert_eq!(
            resolved.settings.serve_limits(Some(1024)).max_connections,
            12
        );
    }

    #[test]
    fn unknown_keys_and_bad_values_name_key_and_file() {
        let err = with_file("cache_dri = \"x\"\n").unwrap_err().to_string();
        assert!(err.contains("cache_dri") && err.contains("c.toml"), "{err}");
        let err = with_file("[p2p]\nlisten_port = 70000\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("p2p.listen_port") && err.contains("c.toml"),
            "{err}"
        );
        let err = with_file("[p2q]\nx = 1\n").unwrap_err().to_string();
        assert!(err.contains("p2q"), "{err}");
        let err = with_file("[p2p\n").unwrap_err().to_string();
        assert!(err.contains("c.toml"), "{err}");
    }
}
