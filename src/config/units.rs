//! Setting types with units: sizes (`50GiB`, `500MB`, parsed by the `bytesize` crate),
//! transfer rates (`2MiB/s`), percentages (`60%`) and ratios (`1.0`). Each reads from a flag, an
//! environment variable or the file (text or a bare number, read as its text), and writes back
//! in a form that reads again.

use super::value::{SettingValue, from_text, last, zero_or_text};

/// A number of bytes; 0 often means "no limit" (the setting's help says so).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct DataSize(pub u64);

impl DataSize {
    pub fn bytes(self) -> u64 {
        self.0
    }
}

impl std::str::FromStr for DataSize {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.starts_with('-') {
            return Err(format!("{text}: a size cannot be negative"));
        }
        text.parse::<bytesize::ByteSize>()
            .map(|b| DataSize(b.as_u64()))
            .map_err(|e| format!("{text:?} is not a size such as 50GiB or 500MB: {e}"))
    }
}

impl std::fmt::Display for DataSize {
    /// The largest binary unit that divides the size exactly, so the text reads back the same.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const UNITS: [(&str, u64); 4] = [
            ("TiB", 1 << 40),
            ("GiB", 1 << 30),
            ("MiB", 1 << 20),
            ("KiB", 1 << 10),
        ];
        match UNITS
            .iter()
            .find(|(_, unit)| self.0 != 0 && self.0.is_multiple_of(*unit))
        {
            Some((name, unit)) => write!(f, "{}{name}", self.0 / unit),
            None => write!(f, "{}", self.0),
        }
    }
}

impl SettingValue for DataSize {
    const VALUE_NAME: &'static str = "SIZE";

    fn from_cli(values: &[String]) -> Result<Self, String> {
        last(values)?.parse()
    }
    fn from_toml(value: &toml::Value) -> Result<Self, String> {
        from_text(value, "bytes or a size such as \"50GiB\"")
    }
    fn to_toml(&self) -> Option<toml::Value> {
        Some(zero_or_text(self.0, self))
    }
}

/// Bytes per second; 0 means no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rate(pub u64);

impl Rate {
    /// BitTorrent moves data in 16 KiB blocks and librqbit asks its limiter for a whole block
    /// at once: a smaller limit could never grant one.
    pub const MIN: u64 = 16 * 1024;
    /// librqbit keeps limits as a u32 of bytes per second.
    pub const MAX: u64 = u32::MAX as u64;

    pub fn bytes_per_second(self) -> u64 {
        self.0
    }

    /// `None` when unlimited.
    pub fn limit(self) -> Option<u64> {
        (self.0 > 0).then_some(self.0)
    }
}

impl std::str::FromStr for Rate {
    type Err = String;

    /// `0`, `2MiB/s`, `2 MiB`, `500KiB/s`, `1.5MB/s`, `65536` (bytes per second).
    fn from_str(text: &str) -> Result<Self, String> {
        let trimmed = text.trim();
        let amount = trimmed
            .strip_suffix("/s")
            .or_else(|| trimmed.strip_suffix("ps"))
            .unwrap_or(trimmed)
            .trim();
        let bytes = amount
            .parse::<DataSize>()
            .map_err(|_| {
                format!("{trimmed:?} is not a rate (examples: 0 for no limit, 2MiB/s, 500KiB/s)")
            })?
            .bytes();
        if bytes != 0 && bytes < Rate::MIN {
            return Err(format!(
                "{trimmed:?} is below 16KiB/s, the smallest limit BitTorrent's 16 KiB blocks allow \
                 (0 = no limit)"
            ));
        }
        if bytes > Rate::MAX {
            return Err(format!("{trimmed:?} is above 4GiB/s (0 = no limit)"));
        }
        Ok(Rate(bytes))
    }
}

impl std::fmt::Display for Rate {
    /// In the size's own units, so the text reads back the same.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0 == 0 {
            return f.write_str("0");
        }
        write!(f, "{}/s", DataSize(self.0))
    }
}

impl serde::Serialize for Rate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(self.0)
    }
}

impl SettingValue for Rate {
    const VALUE_NAME: &'static str = "RATE";

    fn from_cli(values: &[String]) -> Result<Self, String> {
        last(values)?.parse()
    }
    fn from_toml(value: &toml::Value) -> Result<Self, String> {
        from_text(value, "a rate such as \"2MiB/s\"")
    }
    fn to_toml(&self) -> Option<toml::Value> {
        Some(zero_or_text(self.0, self))
    }
}

/// A whole percentage from 0 to 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Percent(pub u8);

impl std::str::FromStr for Percent {
    type Err = String;

    /// `60` or `60%`.
    fn from_str(text: &str) -> Result<Self, String> {
        let trimmed = text.trim();
        let digits = trimmed.strip_suffix('%').unwrap_or(trimmed).trim();
        match digits.parse::<u8>() {
            Ok(n) if n <= 100 => Ok(Percent(n)),
            _ => Err(format!("{trimmed:?} is not a percentage from 0 to 100")),
        }
    }
}

impl SettingValue for Percent {
    const VALUE_NAME: &'static str = "PERCENT";

    fn from_cli(values: &[String]) -> Result<Self, String> {
        last(values)?.parse()
    }
    fn from_toml(value: &toml::Value) -> Result<Self, String> {
        from_text(value, "a percentage such as 60")
    }
    fn to_toml(&self) -> Option<toml::Value> {
        Some(toml::Value::Integer(i64::from(self.0)))
    }
}

/// A non-negative ratio such as `1.0` (uploaded bytes per byte of the torrent).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ratio(pub f64);

impl std::str::FromStr for Ratio {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let trimmed = text.trim();
        match trimmed.parse::<f64>() {
            Ok(r) if r.is_finite() && r >= 0.0 => Ok(Ratio(r)),
            _ => Err(format!(
                "{trimmed:?} is not a ratio (a number from 0 up, e.g. 1.0)"
            )),
        }
    }
}

impl SettingValue for Ratio {
    const VALUE_NAME: &'static str = "RATIO";

    fn from_cli(values: &[String]) -> Result<Self, String> {
        last(values)?.parse()
    }
    fn from_toml(value: &toml::Value) -> Result<Self, String> {
        from_text(value, "a ratio such as 1.0")
    }
    fn to_toml(&self) -> Option<toml::Value> {
        Some(toml::Value::Float(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_units_parse_and_read_back() {
        let parse = |t: &str| t.parse::<DataSize>().map(DataSize::bytes);
        assert_eq!(parse("50GiB"), Ok(50 << 30));
        assert_eq!(parse("500MB"), Ok(500_000_000));
        assert_eq!(parse("1.5 KiB"), Ok(1536));
        assert_eq!(parse("4096"), Ok(4096));
        assert_eq!(parse("0"), Ok(0));
        assert!(parse("-1GiB").is_err());
        assert!(parse("lots").is_err());
        assert!(parse("5 parsecs").is_err());
        for size in [
            DataSize(50 << 30),
            DataSize(3 << 20),
            DataSize(1000),
            DataSize(0),
        ] {
            let back = DataSize::from_toml(&size.to_toml().unwrap()).unwrap();
            assert_eq!(back, size);
        }
        assert_eq!(DataSize(50 << 30).to_string(), "50GiB");
        assert_eq!(
            DataSize::from_toml(&toml::Value::Integer(-5)).unwrap_err(),
            "-5: a size cannot be negative"
        );
    }

    #[test]
    fn rates_take_human_units_and_read_back() {
        let mib = 1024 * 1024;
        assert_eq!("2MiB/s".parse(), Ok(Rate(2 * mib)));
        assert_eq!("2MiB".parse(), Ok(Rate(2 * mib)));
        assert_eq!(" 2 MiB/s ".parse(), Ok(Rate(2 * mib)));
        assert_eq!("500KiB/s".parse(), Ok(Rate(500 * 1024)));
        assert_eq!("1MB/s".parse(), Ok(Rate(1_000_000)));
        assert_eq!("0".parse(), Ok(Rate(0)));
        assert_eq!("65536".parse(), Ok(Rate(65536)));
        assert!("1KiB/s".parse::<Rate>().is_err(), "below one block");
        assert!("5GiB/s".parse::<Rate>().is_err(), "above librqbit's u32");
        assert!("fast".parse::<Rate>().is_err());
        assert!("-2MiB".parse::<Rate>().is_err());
        for rate in [Rate(0), Rate(2 * mib), Rate(500 * 1024), Rate(1_000_000)] {
            let toml = rate.to_toml().unwrap();
            assert_eq!(Rate::from_toml(&toml), Ok(rate), "{toml}");
        }
        assert_eq!(Rate(3 * mib).to_string(), "3MiB/s");
        assert_eq!(
            Rate::from_toml(&toml::Value::Integer(1 << 20)),
            Ok(Rate(mib))
        );
    }

    #[test]
    fn percentages_and_ratios() {
        assert_eq!("60".parse(), Ok(Percent(60)));
        assert_eq!("60%".parse(), Ok(Percent(60)));
        assert_eq!("0".parse(), Ok(Percent(0)));
        assert!("101".parse::<Percent>().is_err());
        assert!("-1".parse::<Percent>().is_err());
        assert_eq!(
            Percent::from_toml(&toml::Value::Integer(75)),
            Ok(Percent(75))
        );
        assert_eq!("1.5".parse(), Ok(Ratio(1.5)));
        assert_eq!(Ratio::from_toml(&toml::Value::Integer(2)), Ok(Ratio(2.0)));
        assert!("-0.5".parse::<Ratio>().is_err());
        assert!("inf".parse::<Ratio>().is_err());
        assert!("NaN".parse::<Ratio>().is_err());
    }
}
