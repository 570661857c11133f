//! Sizes in bytes with human units (`50GiB`, `500MB`, `1.5 TiB`, or a plain number of bytes),
//! parsed by the `bytesize` crate.

use super::value::SettingValue;

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
            return Err(format!("{text:?}: a size cannot be negative"));
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
        values
            .last()
            .ok_or_else(|| "a value is needed".to_owned())?
            .parse()
    }
    fn from_toml(value: &toml::Value) -> Result<Self, String> {
        match value {
            toml::Value::Integer(n) => u64::try_from(*n)
                .map(DataSize)
                .map_err(|_| format!("{n}: a size cannot be negative")),
            toml::Value::String(s) => s.parse(),
            other => Err(format!(
                "expected bytes or a size such as \"50GiB\", found {}",
                other.type_str()
            )),
        }
    }
    fn to_toml(&self) -> Option<toml::Value> {
        Some(if self.0 == 0 {
            toml::Value::Integer(0)
        } else {
            toml::Value::String(self.to_string())
        })
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
}
