//! The settings' flags and environment variables, added to clap from the table, and read
//! back from clap's matches as the command-line layer (with where each value came from).

use std::fmt;
use std::marker::PhantomData;

use clap::parser::ValueSource;
use clap::{Arg, ArgAction, ArgMatches, Command};

use super::Origin;
use super::table::{Scope, Setting, TABLE};
use super::value::{Shape, parse_bool};

/// The scopes whose flags a command takes.
pub trait Scopes {
    const SCOPES: &'static [Scope];
}

/// `--cache-dir`, `--color`: on every command.
#[derive(Debug, Clone, Copy, Default)]
pub struct GlobalScope;
impl Scopes for GlobalScope {
    const SCOPES: &'static [Scope] = &[Scope::Global];
}

/// The flags of `serve`: its own and the swarm's.
#[derive(Debug, Clone, Copy, Default)]
pub struct ServeScope;
impl Scopes for ServeScope {
    const SCOPES: &'static [Scope] = &[Scope::Serve, Scope::Swarm];
}

/// The swarm's flags: `fetch`, `play`, `cache verify`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SwarmScope;
impl Scopes for SwarmScope {
    const SCOPES: &'static [Scope] = &[Scope::Swarm];
}

/// One value given on the command line or in the environment.
#[derive(Debug, Clone)]
pub struct CliValue {
    pub setting: &'static Setting,
    /// `None` for an optional setting given no value.
    pub value: Option<toml::Value>,
    /// [`Origin::Env`] or [`Origin::Flag`].
    pub origin: Origin,
    /// The variable or flag that gave it.
    pub via: String,
}

/// The settings' flags of one command, flattened into its clap arguments.
pub struct SettingArgs<S> {
    pub values: Vec<CliValue>,
    scope: PhantomData<S>,
}

impl<S> Clone for SettingArgs<S> {
    fn clone(&self) -> Self {
        SettingArgs {
            values: self.values.clone(),
            scope: PhantomData,
        }
    }
}

impl<S> Default for SettingArgs<S> {
    fn default() -> Self {
        SettingArgs {
            values: Vec::new(),
            scope: PhantomData,
        }
    }
}

impl<S> fmt::Debug for SettingArgs<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.values.iter().map(|v| (v.setting.key, &v.value)))
            .finish()
    }
}

fn settings_of<S: Scopes>() -> impl Iterator<Item = &'static Setting> {
    TABLE
        .iter()
        .filter(|s| S::SCOPES.contains(&s.scope) && s.flag.is_some())
}

/// The clap id of a setting's negative flag.
fn negative_id(setting: &Setting) -> String {
    format!("{}!negative", setting.key)
}

/// A default as `--help` shows it: strings without quotes.
fn help_value(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => s.clone(),
        toml::Value::Array(items) => items.iter().map(help_value).collect::<Vec<_>>().join(", "),
        other => super::value::inline(other),
    }
}

fn long_help(setting: &'static Setting) -> String {
    let mut text = setting.paragraph();
    // An empty list has nothing worth showing as its default.
    let shown = (setting.default)().filter(|v| v.as_array().is_none_or(|a| !a.is_empty()));
    if let Some(value) = shown {
        text.push_str(&format!(" [default: {}]", help_value(&value)));
    }
    text
}

fn value_parser(setting: &'static Setting) -> clap::builder::ValueParser {
    clap::builder::ValueParser::new(move |text: &str| -> Result<String, String> {
        (setting.parse)(&[text.to_owned()]).map(|_| text.to_owned())
    })
}

fn switch_parser() -> clap::builder::ValueParser {
    clap::builder::ValueParser::new(|text: &str| parse_bool(text).map(|_| text.to_owned()))
}

/// An `--x` / `--x=false` argument.
fn switch(id: impl Into<clap::Id>, long: &'static str, env: Option<&'static str>) -> Arg {
    let arg = Arg::new(id)
        .long(long)
        .num_args(0..=1)
        .require_equals(true)
        .default_missing_value("true")
        .value_name("BOOL")
        .action(ArgAction::Append)
        .value_parser(switch_parser());
    match env {
        Some(env) => arg.env(env),
        None => arg,
    }
}

impl<S: Scopes> clap::Args for SettingArgs<S> {
    fn augment_args(mut command: Command) -> Command {
        for setting in settings_of::<S>() {
            let Some(long) = setting.flag else { continue };
            let global = setting.scope == Scope::Global;
            let mut arg = match setting.shape {
                Shape::Switch => switch(setting.key, long, setting.env),
                Shape::Scalar | Shape::List => {
                    let mut arg = Arg::new(setting.key)
                        .long(long)
                        .value_name(setting.value_name())
                        .action(ArgAction::Append)
                        .value_parser(value_parser(setting));
                    if let Some(env) = setting.env {
                        arg = arg.env(env);
                    }
                    if setting.shape == Shape::List {
                        arg = arg.value_delimiter(',');
                    }
                    if !setting.choices.is_empty() {
                        arg = arg.value_parser(clap::builder::PossibleValuesParser::new(
                            setting.choices,
                        ));
                    }
                    arg
                }
            };
            arg = arg
                .help(setting.summary())
                .long_help(long_help(setting))
                .global(global);
            command = command.arg(arg);
            if let Some(negative) = setting.negative {
                let opposite = match setting.shape {
                    Shape::List => {
                        format!("Use no {} at all (an empty list)", setting.value_name())
                    }
                    _ => format!("The opposite of --{long}"),
                };
                let arg = switch(negative_id(setting), negative, setting.negative_env)
                    .help(opposite)
                    .global(global);
                command = command.arg(arg);
            }
        }
        command
    }

    fn augment_args_for_update(command: Command) -> Command {
        Self::augment_args(command)
    }
}

/// Where an argument's value came from, ranked so that a later or stronger one wins: the
/// command line beats the environment, and a later flag beats an earlier one.
fn rank(matches: &ArgMatches, id: &str) -> Option<(u8, usize)> {
    match matches.value_source(id)? {
        ValueSource::CommandLine => Some((2, matches.indices_of(id)?.max()?)),
        ValueSource::EnvVariable => Some((1, 0)),
        _ => None,
    }
}

fn texts(matches: &ArgMatches, id: &str) -> Vec<String> {
    matches
        .get_many::<String>(id)
        .map(|values| values.cloned().collect())
        .unwrap_or_default()
}

fn via(matches: &ArgMatches, id: &str, long: &str, env: Option<&str>) -> (Origin, String) {
    match matches.value_source(id) {
        Some(ValueSource::EnvVariable) => (Origin::Env, env.unwrap_or_default().to_owned()),
        _ => (Origin::Flag, format!("--{long}")),
    }
}

fn read(setting: &'static Setting, matches: &ArgMatches) -> Result<Option<CliValue>, clap::Error> {
    let Some(long) = setting.flag else {
        return Ok(None);
    };
    let negative_id = negative_id(setting);
    let positive = rank(matches, setting.key);
    let negative = setting.negative.and_then(|_| rank(matches, &negative_id));
    let invalid = |e: String| clap::Error::raw(clap::error::ErrorKind::ValueValidation, e);
    let use_negative = match (positive, negative) {
        (None, None) => return Ok(None),
        (Some(p), Some(n)) => n > p,
        (None, Some(_)) => true,
        (Some(_), None) => false,
    };
    if use_negative {
        let negative_long = setting.negative.unwrap_or(long);
        let given = texts(matches, &negative_id);
        let on = parse_bool(given.last().map_or("true", String::as_str)).map_err(invalid)?;
        let value = match setting.shape {
            Shape::Switch => toml::Value::Boolean(!on),
            // `--no-trackers=false` asks for nothing.
            _ if !on => return Ok(None),
            _ => toml::Value::Array(Vec::new()),
        };
        let (origin, via) = via(matches, &negative_id, negative_long, setting.negative_env);
        return Ok(Some(CliValue {
            setting,
            value: Some(value),
            origin,
            via,
        }));
    }
    let given = texts(matches, setting.key);
    let value = (setting.parse)(&given).map_err(|e| invalid(format!("--{long}: {e}")))?;
    let (origin, via) = via(matches, setting.key, long, setting.env);
    Ok(Some(CliValue {
        setting,
        value,
        origin,
        via,
    }))
}

impl<S: Scopes> clap::FromArgMatches for SettingArgs<S> {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let mut values = Vec::new();
        for setting in settings_of::<S>() {
            values.extend(read(setting, matches)?);
        }
        Ok(SettingArgs {
            values,
            scope: PhantomData,
        })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}
