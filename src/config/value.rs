//! How each type of setting is read from a flag or environment variable (text), read from the
//! config file (TOML), and written back as TOML for `config show` and `config init`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// A type a setting can have.
pub trait SettingValue: Sized {
    /// From the flag or environment variable: every occurrence, in order (lists take them all,
    /// other types the last).
    fn from_cli(values: &[String]) -> Result<Self, String>;
    /// From the config file or the built-in default.
    fn from_toml(value: &toml::Value) -> Result<Self, String>;
    /// As TOML; `None` when unset.
    fn to_toml(&self) -> Option<toml::Value>;
    /// The value of a setting that no layer sets (only optional settings have one).
    fn unset() -> Option<Self> {
        None
    }
    /// What the command line does with this type.
    const SHAPE: Shape = Shape::Scalar;
    /// Shown in `--help` as the value's name.
    const VALUE_NAME: &'static str = "VALUE";
}

/// How a setting appears on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `--flag VALUE`
    Scalar,
    /// `--flag` or `--flag=false`; its negative form (`--no-flag`) means the opposite.
    Switch,
    /// `--flag A --flag B` or `--flag A,B`; its negative form (`--no-flags`) means `[]`.
    List,
}

pub(super) fn last(values: &[String]) -> Result<&str, String> {
    values
        .last()
        .map(String::as_str)
        .ok_or_else(|| "a value is needed".to_owned())
}

fn type_error(expected: &str, value: &toml::Value) -> String {
    format!("expected {expected}, found {}", value.type_str())
}

/// A value the file may give as text or as a bare number: a number reads as its text would.
pub(super) fn from_text<T: std::str::FromStr<Err = String>>(
    value: &toml::Value,
    expected: &str,
) -> Result<T, String> {
    match value {
        toml::Value::String(s) => s.parse(),
        toml::Value::Integer(n) => n.to_string().parse(),
        toml::Value::Float(f) => f.to_string().parse(),
        other => Err(type_error(expected, other)),
    }
}

/// 0 as a number (it means "off"), anything else as its text with units.
pub(super) fn zero_or_text(n: u64, text: impl std::fmt::Display) -> toml::Value {
    if n == 0 {
        toml::Value::Integer(0)
    } else {
        toml::Value::String(text.to_string())
    }
}

impl SettingValue for bool {
    const SHAPE: Shape = Shape::Switch;
    const VALUE_NAME: &'static str = "BOOL";

    fn from_cli(values: &[String]) -> Result<Self, String> {
        parse_bool(last(values)?)
    }
    fn from_toml(value: &toml::Value) -> Result<Self, String> {
        value
            .as_bool()
            .ok_or_else(|| type_error("true or false", value))
    }
    fn to_toml(&self) -> Option<toml::Value> {
        Some(toml::Value::Boolean(*self))
    }
}

/// `true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off`, any case.
pub fn parse_bool(text: &str) -> Result<bool, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "y" | "on" => Ok(true),
        "false" | "0" | "no" | "n" | "off" => Ok(false),
        other => Err(format!(
            "{other:?} is not a boolean (true/false, 1/0, yes/no)"
        )),
    }
}

macro_rules! integer_setting {
    ($($ty:ty),*) => {$(
        impl SettingValue for $ty {
            const VALUE_NAME: &'static str = "N";

            fn from_cli(values: &[String]) -> Result<Self, String> {
                let text = last(values)?.trim();
                text.parse()
                    .map_err(|e| format!("{text:?} is not a whole number from {} to {}: {e}", <$ty>::MIN, <$ty>::MAX))
            }
            fn from_toml(value: &toml::Value) -> Result<Self, String> {
                let n = value.as_integer().ok_or_else(|| type_error("a whole number", value))?;
                <$ty>::try_from(n).map_err(|_| format!("{n} is not from {} to {}", <$ty>::MIN, <$ty>::MAX))
            }
            fn to_toml(&self) -> Option<toml::Value> {
                i64::try_from(*self).ok().map(toml::Value::Integer)
            }
        }
    )*};
}
integer_setting!(u16, u32, u64, usize);

impl SettingValue for String {
    const VALUE_NAME: &'static str = "TEXT";

    fn from_cli(values: &[String]) -> Result<Self, String> {
        last(values).map(str::to_owned)
    }
    fn from_toml(value: &toml::Value) -> Result<Self, String> {
        value
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| type_error("a string", value))
    }
    fn to_toml(&self) -> Option<toml::Value> {
        Some(toml::Value::String(self.clone()))
    }
}

impl SettingValue for PathBuf {
    const VALUE_NAME: &'static str = "PATH";

    fn from_cli(values: &[String]) -> Result<Self, String> {
        last(values).map(PathBuf::from)
    }
    fn from_toml(value: &toml::Value) -> Result<Self, String> {
        String::from_toml(value).map(PathBuf::from)
    }
    fn to_toml(&self) -> Option<toml::Value> {
        Some(toml::Value::String(self.display().to_string()))
    }
}

impl SettingValue for SocketAddr {
    const VALUE_NAME: &'static str = "ADDR:PORT";

    fn from_cli(values: &[String]) -> Result<Self, String> {
        let text = last(values)?.trim();
        text.parse()
            .map_err(|e| format!("{text:?} is not an IP address and port: {e}"))
    }
    fn from_toml(value: &toml::Value) -> Result<Self, String> {
        Self::from_cli(&[String::from_toml(value)?])
    }
    fn to_toml(&self) -> Option<toml::Value> {
        Some(toml::Value::String(self.to_string()))
    }
}

/// A listen address whose host may be a name (`localhost:8787`), resolved when serve binds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindAddr {
    /// An IP address (IPv6 without brackets) or a host name.
    pub host: String,
    pub port: u16,
}

impl BindAddr {
    /// The address itself when the host is an IP literal (no lookup needed).
    pub fn ip(&self) -> Option<std::net::IpAddr> {
        self.host.parse().ok()
    }
}

impl From<SocketAddr> for BindAddr {
    fn from(addr: SocketAddr) -> Self {
        BindAddr {
            host: addr.ip().to_string(),
            port: addr.port(),
        }
    }
}

impl std::fmt::Display for BindAddr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

impl std::str::FromStr for BindAddr {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if let Ok(addr) = text.parse::<SocketAddr>() {
            return Ok(addr.into());
        }
        let invalid = || format!("{text:?} is not HOST:PORT (an IP address or a name, and a port)");
        let (host, port) = text.rsplit_once(':').ok_or_else(invalid)?;
        let port = port.parse::<u16>().map_err(|_| invalid())?;
        let valid_name = !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
        if !valid_name {
            return Err(invalid());
        }
        Ok(BindAddr {
            host: host.to_ascii_lowercase(),
            port,
        })
    }
}

impl SettingValue for BindAddr {
    const VALUE_NAME: &'static str = "HOST:PORT";

    fn from_cli(values: &[String]) -> Result<Self, String> {
        last(values)?.parse()
    }
    fn from_toml(value: &toml::Value) -> Result<Self, String> {
        Self::from_cli(&[String::from_toml(value)?])
    }
    fn to_toml(&self) -> Option<toml::Value> {
        Some(toml::Value::String(self.to_string()))
    }
}

/// A duration: whole or decimal seconds (`30`, `2.5`) or with units (`500ms`, `1m 30s`, `2h`).
/// The file takes a number of seconds or such a string. One syntax for every duration.
impl SettingValue for Duration {
    const VALUE_NAME: &'static str = "DURATION";

    fn from_cli(values: &[String]) -> Result<Self, String> {
        parse_duration(last(values)?)
    }
    fn from_toml(value: &toml::Value) -> Result<Self, String> {
        match value {
            toml::Value::Integer(n) => u64::try_from(*n)
                .map(Duration::from_secs)
                .map_err(|_| format!("{n} is not a number of seconds")),
            toml::Value::Float(f) => parse_duration(&f.to_string()),
            toml::Value::String(s) => parse_duration(s),
            other => Err(type_error("seconds or a duration such as \"500ms\"", other)),
        }
    }
    fn to_toml(&self) -> Option<toml::Value> {
        Some(if self.subsec_nanos() == 0 {
            toml::Value::Integer(i64::try_from(self.as_secs()).unwrap_or(i64::MAX))
        } else {
            toml::Value::String(humantime::format_duration(*self).to_string())
        })
    }
}

/// The longest duration any setting takes: a year, far past any sensible timeout, and short
/// enough that adding it to an `Instant` cannot overflow.
const MAX_DURATION: Duration = Duration::from_secs(365 * 24 * 3600);

/// Seconds (`30`, `2.5`, `0`) or a duration with units (`500ms`, `1m 30s`).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let duration = if let Ok(secs) = text.parse::<f64>() {
        if !secs.is_finite() || secs < 0.0 {
            return Err(format!("{text:?} is not a number of seconds"));
        }
        Duration::try_from_secs_f64(secs).map_err(|e| format!("{text:?}: {e}"))?
    } else {
        humantime::parse_duration(text)
            .map_err(|e| format!("{text:?}: {e} (examples: 30, 2.5, 500ms, 1m 30s)"))?
    };
    if duration > MAX_DURATION {
        return Err(format!("{text:?} is longer than a year"));
    }
    Ok(duration)
}

impl<T: SettingValue> SettingValue for Option<T> {
    const SHAPE: Shape = T::SHAPE;
    const VALUE_NAME: &'static str = T::VALUE_NAME;

    fn from_cli(values: &[String]) -> Result<Self, String> {
        T::from_cli(values).map(Some)
    }
    fn from_toml(value: &toml::Value) -> Result<Self, String> {
        T::from_toml(value).map(Some)
    }
    fn to_toml(&self) -> Option<toml::Value> {
        self.as_ref().and_then(T::to_toml)
    }
    fn unset() -> Option<Self> {
        Some(None)
    }
}

/// Lists: repeated flags and comma-separated values on the command line, arrays in the file.
pub trait ListItem: Sized {
    fn parse_item(text: &str) -> Result<Self, String>;
    fn item_to_string(&self) -> String;
    const ITEM_NAME: &'static str;
}

impl ListItem for String {
    const ITEM_NAME: &'static str = "TEXT";
    fn parse_item(text: &str) -> Result<Self, String> {
        Ok(text.trim().to_owned())
    }
    fn item_to_string(&self) -> String {
        self.clone()
    }
}

impl ListItem for SocketAddr {
    const ITEM_NAME: &'static str = "IP:PORT";
    fn parse_item(text: &str) -> Result<Self, String> {
        SocketAddr::from_cli(&[text.to_owned()])
    }
    fn item_to_string(&self) -> String {
        self.to_string()
    }
}

impl<T: ListItem> SettingValue for Vec<T> {
    const SHAPE: Shape = Shape::List;
    const VALUE_NAME: &'static str = T::ITEM_NAME;

    fn from_cli(values: &[String]) -> Result<Self, String> {
        values
            .iter()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(T::parse_item)
            .collect()
    }
    fn from_toml(value: &toml::Value) -> Result<Self, String> {
        let items = value
            .as_array()
            .ok_or_else(|| type_error("an array", value))?;
        items
            .iter()
            .map(|item| {
                item.as_str()
                    .ok_or_else(|| type_error("an array of strings", item))
                    .and_then(T::parse_item)
            })
            .collect()
    }
    fn to_toml(&self) -> Option<toml::Value> {
        Some(toml::Value::Array(
            self.iter()
                .map(|item| toml::Value::String(item.item_to_string()))
                .collect(),
        ))
    }
}

/// When to colour stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    pub const NAMES: &'static [&'static str] = &["auto", "always", "never"];
}

impl SettingValue for ColorChoice {
    const VALUE_NAME: &'static str = "WHEN";

    fn from_cli(values: &[String]) -> Result<Self, String> {
        match last(values)?.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(ColorChoice::Auto),
            "always" => Ok(ColorChoice::Always),
            "never" => Ok(ColorChoice::Never),
            other => Err(format!("{other:?} is not one of auto, always, never")),
        }
    }
    fn from_toml(value: &toml::Value) -> Result<Self, String> {
        Self::from_cli(&[String::from_toml(value)?])
    }
    fn to_toml(&self) -> Option<toml::Value> {
        let name = match self {
            ColorChoice::Auto => "auto",
            ColorChoice::Always => "always",
            ColorChoice::Never => "never",
        };
        Some(toml::Value::String(name.to_owned()))
    }
}

/// A value as inline TOML (`"text"`, `42`, `["a", "b"]`), as `config show` and `--help` print it.
pub fn inline(value: &toml::Value) -> String {
    match value {
        toml::Value::Array(items) => {
            let items: Vec<String> = items.iter().map(inline).collect();
            format!("[{}]", items.join(", "))
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bind_takes_ip_or_name_and_port() {
        let v6: BindAddr = "[::1]:8787".parse().unwrap();
        assert_eq!(
            (v6.host.as_str(), v6.port, v6.to_string()),
            ("::1", 8787, "[::1]:8787".into())
        );
        let name: BindAddr = "LocalHost:0".parse().unwrap();
        assert_eq!((name.host.as_str(), name.port), ("localhost", 0));
        assert_eq!(name.ip(), None);
        assert_eq!(
            "127.0.0.1:9".parse::<BindAddr>().unwrap().ip(),
            Some([127, 0, 0, 1].into())
        );
        for bad in [
            "localhost",
            "localhost:",
            ":80",
            "a b:80",
            "host:99999",
            "[::1]",
        ] {
            assert!(bad.parse::<BindAddr>().is_err(), "{bad}");
        }
    }

    #[test]
    fn durations_take_seconds_or_units() {
        assert_eq!(parse_duration("30"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("2.5"), Ok(Duration::from_millis(2500)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("1m 30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert!(parse_duration("-1").is_err());
        assert!(parse_duration("NaN").is_err());
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("400d").is_err());
        let toml_int = toml::Value::Integer(60);
        assert_eq!(Duration::from_toml(&toml_int), Ok(Duration::from_secs(60)));
        let toml_text = toml::Value::String("250ms".into());
        assert_eq!(
            Duration::from_toml(&toml_text),
            Ok(Duration::from_millis(250))
        );
        assert_eq!(Duration::from_secs(60).to_toml(), Some(toml_int));
        assert_eq!(Duration::from_millis(250).to_toml(), Some(toml_text));
    }

    #[test]
    fn booleans_and_lists() {
        for yes in ["true", "1", "YES", "on"] {
            assert_eq!(parse_bool(yes), Ok(true), "{yes}");
        }
        for no in ["false", "0", "No", "off"] {
            assert_eq!(parse_bool(no), Ok(false), "{no}");
        }
        assert!(parse_bool("maybe").is_err());
        let list = Vec::<String>::from_cli(&["a,b".into(), " c ".into()]);
        assert_eq!(list, Ok(vec!["a".into(), "b".into(), "c".into()]));
        assert!(Vec::<SocketAddr>::from_cli(&["nope".into()]).is_err());
        assert_eq!(u16::from_toml(&toml::Value::Integer(70000)).ok(), None);
        assert_eq!(Option::<String>::unset(), Some(None));
        assert_eq!(u16::unset(), None);
    }
}
