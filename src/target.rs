//! What the user asked for: a bare info-hash, a magnet URI or a `.torrent` file.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::Serialize;

/// A BitTorrent v1 info-hash (SHA-1 of the info dictionary).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InfoHash([u8; 20]);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TargetError {
    #[error(
        "invalid info-hash {input:?}: expected 40 hexadecimal characters or 32 base32 characters"
    )]
    InvalidHash { input: String },
    #[error("invalid magnet URI: {reason}")]
    InvalidMagnet { reason: String },
    #[error(
        "cannot understand {input:?}: expected a 40-hex or 32-base32 info-hash, a magnet: URI, or the path of an existing .torrent file"
    )]
    Unrecognised { input: String },
    /// A BitTorrent v2 hash (`btmh` magnet or 64 hex characters).
    #[error(
        "{input:?} is a BitTorrent v2 info-hash; v2-only torrents are not supported. A hybrid \
         (v1+v2) torrent works by its v1 info-hash (40 hex characters, magnet:?xt=urn:btih:...)"
    )]
    V2Hash { input: String },
}

impl InfoHash {
    pub fn from_bytes(bytes: [u8; 20]) -> Self {
        InfoHash(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 20] {
        &self.0
    }

    /// Lower-case hex, the canonical spelling used in paths, URLs and JSON.
    pub fn to_hex(self) -> String {
        data_encoding::HEXLOWER.encode(&self.0)
    }

    /// Mock hashes are the sixteen 40-hex hashes made of one repeated digit
    /// (`000…0` to `fff…f`); they always play the embedded sample video.
    pub fn is_mock(&self) -> bool {
        let first_nibble = self.0[0] >> 4;
        self.0
            .iter()
            .all(|b| b >> 4 == first_nibble && b & 0x0f == first_nibble)
    }
}

impl FromStr for InfoHash {
    type Err = TargetError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let invalid = || TargetError::InvalidHash {
            input: input.to_owned(),
        };
        let decoded = match input.len() {
            40 => data_encoding::HEXLOWER_PERMISSIVE.decode(input.as_bytes()),
            32 => data_encoding::BASE32.decode(input.to_ascii_uppercase().as_bytes()),
            _ => return Err(invalid()),
        };
        let bytes: [u8; 20] = decoded
            .ok()
            .and_then(|v| v.try_into().ok())
            .ok_or_else(invalid)?;
        Ok(InfoHash(bytes))
    }
}

impl fmt::Display for InfoHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for InfoHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "InfoHash({})", self.to_hex())
    }
}

impl Serialize for InfoHash {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

/// The parts of a magnet URI that peerstream uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Magnet {
    pub info_hash: InfoHash,
    /// `dn`: display name.
    pub name: Option<String>,
    /// `tr`: tracker URLs.
    pub trackers: Vec<String>,
    /// `x.pe`: initial peers as `host:port`.
    pub peers: Vec<String>,
    /// The URI as given, for handing to the torrent engine.
    pub uri: String,
}

impl Magnet {
    pub fn parse(uri: &str) -> Result<Self, TargetError> {
        let invalid = |reason: &str| TargetError::InvalidMagnet {
            reason: reason.to_owned(),
        };
        let url = url::Url::parse(uri).map_err(|e| invalid(&e.to_string()))?;
        if url.scheme() != "magnet" {
            return Err(invalid("the scheme must be magnet:"));
        }
        let mut info_hash = None;
        let mut name = None;
        let mut trackers = Vec::new();
        let mut peers = Vec::new();
        let mut v2 = false;
        for (key, value) in url.query_pairs() {
            match key.as_ref() {
                "xt" => {
                    // Only BitTorrent v1 hashes are addressable; other xt values are skipped.
                    if let Some(hash) = value.strip_prefix("urn:btih:") {
                        info_hash = Some(hash.parse::<InfoHash>()?);
                    }
                    v2 |= value.starts_with("urn:btmh:");
                }
                "dn" => name = Some(value.into_owned()),
                "tr" => trackers.push(value.into_owned()),
                "x.pe" => peers.push(value.into_owned()),
                _ => {}
            }
        }
        let info_hash = match info_hash {
            Some(h) => h,
            None if v2 => {
                return Err(TargetError::V2Hash {
                    input: uri.to_owned(),
                });
            }
            None => return Err(invalid("no xt=urn:btih:<info-hash> parameter")),
        };
        Ok(Magnet {
            info_hash,
            name,
            trackers,
            peers,
            uri: uri.to_owned(),
        })
    }
}

/// Something the pipeline can resolve into bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    InfoHash(InfoHash),
    Magnet(Magnet),
    TorrentFile(PathBuf),
}

impl Target {
    /// Parses a command-line target. A `.torrent` path must exist; hashes and
    /// magnets are checked for syntax only.
    pub fn parse(input: &str) -> Result<Self, TargetError> {
        let trimmed = input.trim();
        // `get`, not indexing: byte 7 may fall inside a multi-byte character.
        if trimmed
            .get(..7)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("magnet:"))
        {
            return Magnet::parse(trimmed).map(Target::Magnet);
        }
        if let Ok(hash) = trimmed.parse::<InfoHash>() {
            return Ok(Target::InfoHash(hash));
        }
        let path = Path::new(trimmed);
        let is_torrent = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("torrent"));
        if is_torrent && path.is_file() {
            return Ok(Target::TorrentFile(path.to_path_buf()));
        }
        // A v2 hash: 32 SHA-256 bytes, or the multihash form (`1220` + those bytes).
        let hex = trimmed.bytes().all(|b| b.is_ascii_hexdigit());
        if hex && (trimmed.len() == 64 || (trimmed.len() == 68 && trimmed.starts_with("1220"))) {
            return Err(TargetError::V2Hash {
                input: input.to_owned(),
            });
        }
        if trimmed.len() == 40 || trimmed.len() == 32 {
            return Err(TargetError::InvalidHash {
                input: input.to_owned(),
            });
        }
        Err(TargetError::Unrecognised {
            input: input.to_owned(),
        })
    }

    /// The info-hash, when it is known without reading a file.
    pub fn info_hash(&self) -> Option<InfoHash> {
        match self {
            Target::InfoHash(h) => Some(*h),
            Target::Magnet(m) => Some(m.info_hash),
            Target::TorrentFile(_) => None,
        }
    }
}

#[cfg(test)]
mod proptests;

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "08ada5a7a6183aae1e09d831df6748d566095a10";

    #[test]
    fn v2_hashes_are_named_as_such() {
        let v2 = "a".repeat(64);
        let error = Target::parse(&v2).unwrap_err();
        assert!(matches!(error, TargetError::V2Hash { .. }));
        assert!(error.to_string().contains("v1 info-hash"));
        let magnet = format!("magnet:?xt=urn:btmh:1220{v2}&dn=x");
        assert!(matches!(
            Target::parse(&magnet),
            Err(TargetError::V2Hash { .. })
        ));
        // A hybrid magnet carries both; its v1 hash is used.
        let hybrid = format!("magnet:?xt=urn:btih:{HEX}&xt=urn:btmh:1220{v2}");
        assert!(matches!(Target::parse(&hybrid), Ok(Target::Magnet(_))));
    }

    #[test]
    fn hex_hash_is_case_insensitive() {
        let lower: InfoHash = HEX.parse().unwrap();
        let upper: InfoHash = HEX.to_uppercase().parse().unwrap();
        assert_eq!(lower, upper);
        assert_eq!(lower.to_hex(), HEX);
    }

    #[test]
    fn base32_hash_decodes_to_same_bytes_as_hex() {
        let hash: InfoHash = HEX.parse().unwrap();
        let b32 = data_encoding::BASE32.encode(hash.as_bytes());
        assert_eq!(b32.len(), 32);
        assert_eq!(b32.parse::<InfoHash>().unwrap(), hash);
        assert_eq!(b32.to_lowercase().parse::<InfoHash>().unwrap(), hash);
    }

    #[test]
    fn bad_hashes_are_rejected() {
        for bad in [
            "",
            "abc",
            "zz",
            &"g".repeat(40),
            &"1".repeat(39),
            &"1".repeat(41),
            "../../../../../../../../etc/passwd",
            &"8".repeat(32),
        ] {
            assert!(bad.parse::<InfoHash>().is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn mock_hashes_are_one_repeated_digit() {
        for digit in "0123456789abcdefABCDEF".chars() {
            let hash: InfoHash = digit.to_string().repeat(40).parse().unwrap();
            assert!(hash.is_mock(), "{digit}");
        }
        assert!(!HEX.parse::<InfoHash>().unwrap().is_mock());
        let almost = format!("{}1", "0".repeat(39));
        assert!(!almost.parse::<InfoHash>().unwrap().is_mock());
        // Same nibble in every byte but two different digits: not a mock.
        assert!(!"01".repeat(20).parse::<InfoHash>().unwrap().is_mock());
    }

    #[test]
    fn magnet_parts_are_extracted() {
        let uri = format!(
            "magnet:?xt=urn:btih:{HEX}&dn=Big%20Buck%20Bunny&tr=udp%3A%2F%2F127.0.0.1%3A6969&tr=http://127.0.0.1:6969/announce&x.pe=127.0.0.1:51413"
        );
        let Target::Magnet(m) = Target::parse(&uri).unwrap() else {
            panic!("not a magnet")
        };
        assert_eq!(m.info_hash.to_hex(), HEX);
        assert_eq!(m.name.as_deref(), Some("Big Buck Bunny"));
        assert_eq!(
            m.trackers,
            ["udp://127.0.0.1:6969", "http://127.0.0.1:6969/announce"]
        );
        assert_eq!(m.peers, ["127.0.0.1:51413"]);
    }

    #[test]
    fn magnet_without_btih_is_an_error() {
        assert!(matches!(
            Target::parse("magnet:?dn=x"),
            Err(TargetError::InvalidMagnet { .. })
        ));
        assert!(matches!(
            Target::parse("magnet:?xt=urn:btih:1234"),
            Err(TargetError::InvalidHash { .. })
        ));
    }

    #[test]
    fn text_with_multibyte_characters_near_the_start_is_an_error_not_a_panic() {
        // Found by proptest_any_text_is_a_target_or_an_error: byte 7 inside a character.
        for text in ["  \u{11d50}a\u{2e9b}", "magnet\u{e9}:?xt", "magn\u{1f600}"] {
            assert!(matches!(
                Target::parse(text),
                Err(TargetError::Unrecognised { .. })
            ));
        }
    }

    #[test]
    fn torrent_file_must_exist() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.torrent");
        let missing = path.to_string_lossy().into_owned();
        assert!(matches!(
            Target::parse(&missing),
            Err(TargetError::Unrecognised { .. })
        ));
        std::fs::write(&path, b"d4:infode").unwrap();
        assert_eq!(
            Target::parse(&missing).unwrap(),
            Target::TorrentFile(path.clone())
        );
    }
}
