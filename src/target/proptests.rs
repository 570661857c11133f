//! Property tests of target parsing: any text is an answer (never a panic), the two spellings of
//! a hash agree, and magnet URIs built from generated parts give those parts back.

use std::net::SocketAddr;

use proptest::prelude::*;

use super::*;
use crate::proptest_support::{config, mixed_case, text, text_of};

/// Text that starts like something the parser knows, then goes anywhere.
fn target_like() -> impl Strategy<Value = String> {
    let prefix = prop_oneof![
        Just(""),
        Just("magnet"),
        Just("magnet:"),
        Just("MAGNET:?"),
        Just("magnet:?xt=urn:btih:"),
        Just("  "),
        Just("file.torrent"),
    ];
    let rest = prop_oneof![
        text(0..60),
        text_of(HEX, 38..43),
        text_of(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
            30..35
        ),
        (text(0..4), text_of(HEX, 40..41), text(0..4)).prop_map(|(a, h, b)| format!("{a}{h}{b}")),
    ];
    (prefix, rest).prop_map(|(p, r)| format!("{p}{r}"))
}

const HEX: &str = "0123456789abcdefABCDEF";

/// Any hash, often one of the sixteen mock hashes or one digit away from one.
fn info_hash() -> impl Strategy<Value = InfoHash> {
    prop_oneof![
        3 => any::<[u8; 20]>(),
        1 => (0u8..16).prop_map(|d| [d << 4 | d; 20]),
        1 => (0u8..16, 0usize..20, any::<u8>()).prop_map(|(d, at, b)| {
            let mut bytes = [d << 4 | d; 20];
            bytes[at] = b;
            bytes
        }),
    ]
    .prop_map(InfoHash::from_bytes)
}

fn encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

fn tracker() -> impl Strategy<Value = String> {
    (
        prop_oneof![Just("udp"), Just("http"), Just("https"), Just("wss")],
        text_of("abcdefghijklmnopqrstuvwxyz0123456789.-", 1..21),
        any::<u16>(),
        text_of("/abcXYZ019_.~?&=%-", 0..30),
    )
        .prop_map(|(scheme, host, port, path)| format!("{scheme}://{host}:{port}{path}"))
}

proptest! {
    #![proptest_config(config(10_000))]

    #[test]
    fn proptest_any_text_is_a_target_or_an_error(text in target_like()) {
        let parsed = Target::parse(&text);
        if let Ok(Target::InfoHash(hash)) = &parsed {
            let spelled = text.trim();
            prop_assert!(spelled.len() == 40 || spelled.len() == 32, "{text:?}");
            prop_assert_eq!(spelled.parse::<InfoHash>().ok(), Some(*hash));
        }
        let _ = text.parse::<InfoHash>();
        let _ = Magnet::parse(&text);
    }

}

proptest! {
    #![proptest_config(config(5_000))]

    #[test]
    fn proptest_hex_and_base32_of_the_same_bytes_are_one_hash(
        hash in info_hash(),
        hex_case in any::<u64>(),
        b32_case in any::<u64>(),
    ) {
        let hex = mixed_case(&hash.to_hex(), hex_case);
        let b32 = mixed_case(&data_encoding::BASE32.encode(hash.as_bytes()), b32_case);
        prop_assert_eq!(b32.len(), 32);
        prop_assert_eq!(hex.parse::<InfoHash>(), Ok(hash));
        prop_assert_eq!(b32.parse::<InfoHash>(), Ok(hash));
        prop_assert_eq!(Target::parse(&format!(" {hex}\n")), Ok(Target::InfoHash(hash)));
        prop_assert_eq!(Target::parse(&b32), Ok(Target::InfoHash(hash)));
        prop_assert_eq!(hash.to_hex().parse::<InfoHash>().map(|h| h.to_hex()), Ok(hash.to_hex()));
        // Mock hashes are exactly the sixteen one-digit ones.
        let hex = hash.to_hex();
        prop_assert_eq!(hash.is_mock(), hex.chars().all(|c| hex.starts_with(c)));
    }

}

proptest! {
    #![proptest_config(config(3_000))]

    #[test]
    fn proptest_magnets_give_back_what_they_were_built_from(
        hash in info_hash(),
        base32 in any::<bool>(),
        case in any::<u64>(),
        name in prop::option::of(text(0..40)),
        trackers in prop::collection::vec(tracker(), 0..4),
        peers in prop::collection::vec(
            (any::<std::net::IpAddr>(), any::<u16>()).prop_map(SocketAddr::from),
            0..4,
        ),
        unknown in prop::collection::vec((text_of("abcdexyz.", 1..7), text(0..20)), 0..3),
    ) {
        let spelled = if base32 {
            data_encoding::BASE32.encode(hash.as_bytes())
        } else {
            hash.to_hex()
        };
        let mut uri = format!("magnet:?xt=urn:btih:{}", mixed_case(&spelled, case));
        if let Some(name) = &name {
            uri.push_str(&format!("&dn={}", encode(name)));
        }
        for t in &trackers {
            uri.push_str(&format!("&tr={}", encode(t)));
        }
        for p in &peers {
            uri.push_str(&format!("&x.pe={}", encode(&p.to_string())));
        }
        for (key, value) in &unknown {
            if !matches!(key.as_str(), "xt" | "dn" | "tr" | "x.pe") {
                uri.push_str(&format!("&{key}={}", encode(value)));
            }
        }
        let Ok(Target::Magnet(m)) = Target::parse(&uri) else {
            return Err(TestCaseError::fail(format!("not a magnet: {uri}")));
        };
        prop_assert_eq!(m.info_hash, hash);
        prop_assert_eq!(m.name, name);
        prop_assert_eq!(m.trackers, trackers);
        let parsed: Vec<SocketAddr> = m.peers.iter().filter_map(|p| p.parse().ok()).collect();
        prop_assert_eq!(parsed, peers);
        prop_assert_eq!(m.uri, uri);
    }
}
