//! Property tests of STUN decoding: any datagram is decoded or dropped (never a panic), and a
//! binding response built here byte by byte (RFC 5389 section 15, RFC 5780 section 7) decodes to
//! the addresses it carries.

use std::net::{IpAddr, SocketAddr};

use proptest::prelude::*;

use super::*;
use crate::proptest_support::config;

const MAGIC_COOKIE: u32 = 0x2112_A442;
const BINDING_SUCCESS: u16 = 0x0101;
const MAPPED_ADDRESS: u16 = 0x0001;
const XOR_MAPPED_ADDRESS: u16 = 0x0020;
const RESPONSE_ORIGIN: u16 = 0x802B;
const OTHER_ADDRESS: u16 = 0x802C;

fn addr() -> impl Strategy<Value = SocketAddr> {
    (any::<IpAddr>(), any::<u16>()).prop_map(SocketAddr::from)
}

/// A MAPPED-ADDRESS-style value; XOR-ed with the cookie and transaction id when `xor`.
fn address_value(addr: SocketAddr, xor: Option<&[u8; 12]>) -> Vec<u8> {
    let cookie = MAGIC_COOKIE.to_be_bytes();
    let mut mask = cookie.to_vec();
    mask.extend_from_slice(xor.map_or(&[0u8; 12][..], |id| &id[..]));
    let port_mask = if xor.is_some() { 0x2112 } else { 0 };
    let (family, octets) = match addr.ip() {
        IpAddr::V4(ip) => (0x01u8, ip.octets().to_vec()),
        IpAddr::V6(ip) => (0x02u8, ip.octets().to_vec()),
    };
    let mut value = vec![0, family];
    value.extend_from_slice(&(addr.port() ^ port_mask).to_be_bytes());
    value.extend(
        octets
            .iter()
            .zip(mask.iter().cycle())
            .map(|(b, m)| if xor.is_some() { b ^ m } else { *b }),
    );
    value
}

fn attribute(kind: u16, value: &[u8]) -> Vec<u8> {
    let mut out = kind.to_be_bytes().to_vec();
    out.extend_from_slice(&u16::try_from(value.len()).unwrap_or(u16::MAX).to_be_bytes());
    out.extend_from_slice(value);
    out.resize(out.len().next_multiple_of(4), 0);
    out
}

fn message(kind: u16, id: &[u8; 12], attributes: &[Vec<u8>]) -> Vec<u8> {
    let body: Vec<u8> = attributes.concat();
    let mut out = kind.to_be_bytes().to_vec();
    out.extend_from_slice(&u16::try_from(body.len()).unwrap_or(u16::MAX).to_be_bytes());
    out.extend_from_slice(&MAGIC_COOKIE.to_be_bytes());
    out.extend_from_slice(id);
    out.extend_from_slice(&body);
    out
}

proptest! {
    #![proptest_config(config(10_000))]

    #[test]
    fn proptest_any_datagram_is_decoded_or_dropped(
        bytes in prop::collection::vec(any::<u8>(), 0..600),
        from in addr(),
    ) {
        let _ = decode(&bytes, from);
        let _ = parse_plain_address(&bytes);
    }

    #[test]
    fn proptest_a_valid_header_with_any_attributes_never_panics(
        kind in prop_oneof![Just(BINDING_SUCCESS), Just(0x0111u16), Just(0x0001), any::<u16>()],
        id in any::<[u8; 12]>(),
        attributes in prop::collection::vec(
            (
                prop_oneof![
                    Just(MAPPED_ADDRESS), Just(XOR_MAPPED_ADDRESS), Just(0x0009u16),
                    Just(CHANGED_ADDRESS), Just(RESPONSE_ORIGIN), Just(OTHER_ADDRESS),
                    Just(0x8022u16), Just(0x8028u16), any::<u16>(),
                ],
                prop::collection::vec(any::<u8>(), 0..40),
            ),
            0..6,
        ),
        from in addr(),
    ) {
        let attributes: Vec<Vec<u8>> =
            attributes.iter().map(|(k, v)| attribute(*k, v)).collect();
        let _ = decode(&message(kind, &id, &attributes), from);
    }

    #[test]
    fn proptest_a_binding_response_decodes_to_the_addresses_it_carries(
        id in any::<[u8; 12]>(),
        mapped in addr(),
        plain in prop::option::of(addr()),
        other in prop::option::of(addr()),
        changed in prop::option::of(addr()),
        origin in prop::option::of(addr()),
        from in addr(),
    ) {
        let mut attributes = vec![attribute(XOR_MAPPED_ADDRESS, &address_value(mapped, Some(&id)))];
        if let Some(a) = plain {
            attributes.push(attribute(MAPPED_ADDRESS, &address_value(a, None)));
        }
        if let Some(a) = other {
            attributes.push(attribute(OTHER_ADDRESS, &address_value(a, None)));
        }
        if let Some(a) = changed {
            attributes.push(attribute(CHANGED_ADDRESS, &address_value(a, None)));
        }
        if let Some(a) = origin {
            attributes.push(attribute(RESPONSE_ORIGIN, &address_value(a, None)));
        }
        let bytes = message(BINDING_SUCCESS, &id, &attributes);
        let Some(Incoming::Response(got, response)) = decode(&bytes, from) else {
            return Err(TestCaseError::fail(format!("not decoded: {bytes:02x?}")));
        };
        prop_assert_eq!(got, TransactionId::new(id));
        prop_assert_eq!(response.from, from);
        prop_assert_eq!(response.mapped, Some(mapped));
        prop_assert_eq!(response.alg_suspected, plain.is_some_and(|p| p != mapped));
        // OTHER-ADDRESS wins over the RFC 3489 CHANGED-ADDRESS.
        prop_assert_eq!(response.other, other.or(changed));
        prop_assert_eq!(response.origin, origin);
        prop_assert_eq!(response.error, None);
    }

}

proptest! {
    #![proptest_config(config(5_000))]

    #[test]
    fn proptest_plain_addresses_parse_back(a in addr(), tail in prop::collection::vec(any::<u8>(), 0..4)) {
        let mut value = address_value(a, None);
        value.extend(tail);
        prop_assert_eq!(parse_plain_address(&value), Some(a));
        let cut = address_value(a, None);
        prop_assert_eq!(parse_plain_address(&cut[..cut.len() - 1]), None);
    }
}
