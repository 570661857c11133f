//! `config show` (the effective settings and where each comes from) and `config init` (a
//! commented default file). Both walk the settings table (`config::TABLE`); the values and
//! their layers were worked out once, by `config::resolve`, before any command ran.

use std::io::Write;

use color_eyre::eyre::{Result, WrapErr};
use serde::Serialize;
use serde::ser::SerializeMap;

use super::{Context, print_json};
use crate::cli::{ConfigInitArgs, ConfigShowArgs};
use crate::config::value::inline;
use crate::config::{ConfigFile, Entry, Origin, TABLE, default_config_path};
use crate::exit::{CliError, ExitCode};

/// The `config show --json` document (schema in docs/JSON.md).
struct Report<'a> {
    config_file: &'a ConfigFile,
    entries: &'a [Entry],
    show_secrets: bool,
}

impl Serialize for Report<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Entries<'a>(&'a [Entry], bool);
        impl Serialize for Entries<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(Some(self.0.len()))?;
                #[derive(Serialize)]
                struct Item<'a> {
                    value: serde_json::Value,
                    origin: Origin,
                    via: &'a Option<String>,
                }
                for entry in self.0 {
                    let item = Item {
                        value: shown_value(entry, self.1)
                            .map_or(serde_json::Value::Null, |v| toml_to_json(&v)),
                        origin: entry.origin,
                        via: &entry.via,
                    };
                    map.serialize_entry(entry.setting.key, &item)?;
                }
                map.end()
            }
        }
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("config_file", self.config_file)?;
        map.serialize_entry("settings", &Entries(self.entries, self.show_secrets))?;
        map.end()
    }
}

/// The value as shown: secrets hidden unless asked for.
fn shown_value(entry: &Entry, show_secrets: bool) -> Option<toml::Value> {
    match &entry.value {
        Some(_) if entry.setting.secret && !show_secrets => {
            Some(toml::Value::String(HIDDEN.to_owned()))
        }
        other => other.clone(),
    }
}

fn toml_to_json(value: &toml::Value) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

pub fn show(ctx: &Context, args: &ConfigShowArgs) -> Result<()> {
    let report = Report {
        config_file: &ctx.config_file,
        entries: &ctx.values.entries,
        show_secrets: args.show_secrets,
    };
    if args.json {
        return print_json(&report);
    }
    let mut out = super::printer::data();
    write_human(&mut out, &report)?;
    out.flush()?;
    Ok(())
}

/// What `config show` prints instead of a secret without `--show-secrets`.
pub const HIDDEN: &str = "(hidden)";

/// TOML-looking lines, each with its origin as a comment; unset values are commented out.
fn write_human(out: &mut impl Write, report: &Report) -> Result<()> {
    let file = report.config_file;
    match (&file.path, file.loaded) {
        (Some(path), true) => {
            let how = match (&file.origin, &file.via) {
                (Origin::Default, _) => "the default location".to_owned(),
                (_, Some(via)) => via.clone(),
                (origin, None) => origin.word().to_owned(),
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
    for entry in report.entries {
        let (table, name) = entry.setting.section_and_name();
        if table != section {
            writeln!(out, "\n[{table}]")?;
            section = table;
        }
        let value = shown_value(entry, report.show_secrets);
        let assignment = match &value {
            Some(value) => format!("{name} = {}", inline(value)),
            None => format!("# {name} ="),
        };
        let origin = match &entry.via {
            Some(via) => format!("{} {via}", entry.origin.word()),
            None => entry.origin.word().to_owned(),
        };
        let note = match &entry.value {
            Some(value) => (entry.setting.note)(value),
            None => entry.setting.unset_note,
        };
        let note = note.map(|n| format!(" ({n})")).unwrap_or_default();
        writeln!(out, "{assignment:<40} # {origin}{note}")?;
    }
    Ok(())
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
    let mut out = super::printer::data();
    writeln!(out, "{}", path.display())?;
    out.flush()?;
    Ok(())
}

/// The commented default config file: every key the file accepts, with its help, commented
/// out with its default value, so uncommenting a line changes nothing until its value is
/// edited.
pub fn default_file_text() -> String {
    let mut text = String::from(
        "# peerstream configuration (TOML).\n\
         #\n\
         # Layers, lowest first: built-in defaults < this file < PEERSTREAM_* environment variables\n\
         # < command-line flags. `peerstream config show` prints the effective value of every key and\n\
         # where it came from. Unknown keys are an error, so a typo does not pass silently.\n\
         # Every key below is commented out with its default value.\n",
    );
    let mut section = "";
    for setting in TABLE {
        let (table, name) = setting.section_and_name();
        if table != section {
            text.push_str(&format!("\n[{table}]\n"));
            section = table;
        } else {
            text.push('\n');
        }
        for line in setting
            .help
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            text.push_str(&format!("# {line}\n"));
        }
        let mut also: Vec<String> = setting
            .flag
            .iter()
            .chain(&setting.negative)
            .map(|f| format!("--{f}"))
            .collect();
        also.extend(setting.env.iter().map(|e| (*e).to_owned()));
        if !also.is_empty() {
            text.push_str(&format!("# Also: {}.\n", also.join(", ")));
        }
        let value = (setting.default)()
            .map(|v| inline(&v))
            .or_else(|| setting.example.map(str::to_owned))
            .unwrap_or_default();
        text.push_str(&format!("# {name} = {value}\n"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Uncommenting every `# key = value` line gives a file that parses and changes nothing.
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
        let table: toml::Table = toml::from_str(&uncommented).expect("uncommented parses");
        let p2p = table["p2p"].as_table().expect("[p2p]");
        assert_eq!(p2p["listen_port"].as_integer(), Some(6881));
        for setting in TABLE {
            let (section, name) = setting.section_and_name();
            let scope = if section.is_empty() {
                &table
            } else {
                table[section].as_table().expect("section")
            };
            let value = scope.get(name);
            assert!(
                value.is_some(),
                "{} missing from the default file",
                setting.key
            );
            if let (Some(value), Some(default)) = (value, (setting.default)()) {
                assert_eq!(value, &default, "{}", setting.key);
            }
        }
    }

    fn is_key(text: &str) -> bool {
        !text.is_empty()
            && text
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    }
}
