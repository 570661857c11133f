//! A fake RFC 5780 STUN server on loopback (127.0.0.1 and 127.0.0.2, two ports each), so the
//! whole `nat detect` sequence runs in unit tests without root or network. It sits behind no
//! NAT: it checks the no-NAT branch, server-side oddities and timeouts; the NAT types are the
//! namespace lab's (tests/it/nat_lab.rs).

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use bytecodec::EncodeExt;
use stun_codec::rfc5389::attributes::{ErrorCode, XorMappedAddress};
use stun_codec::rfc5389::methods::BINDING;
use stun_codec::rfc5780::attributes::{OtherAddress, ResponseOrigin};
use stun_codec::{Message, MessageClass, MessageEncoder};
use tokio::net::UdpSocket;

use super::stun::{Attr, Incoming, decode};

/// How the fake server behaves.
#[derive(Clone, Copy, PartialEq)]
pub enum Server {
    Honest,
    Refuses420,
    IgnoresChange,
    NoOtherAddress,
    /// Honest, but drops this percentage of the requests it gets, at random.
    Lossy(u8),
}

/// CHANGE-REQUEST flags (change IP, change port) read straight from the wire.
fn change_flags(buf: &[u8]) -> (bool, bool) {
    let mut at = 20;
    while at + 4 <= buf.len() {
        let kind = u16::from_be_bytes([buf[at], buf[at + 1]]);
        let len = usize::from(u16::from_be_bytes([buf[at + 2], buf[at + 3]]));
        if kind == 0x0003 && len == 4 && at + 8 <= buf.len() {
            let flags = buf[at + 7];
            return (flags & 0x04 != 0, flags & 0x02 != 0);
        }
        at += 4 + len.div_ceil(4) * 4;
    }
    (false, false)
}

/// Binds the four sockets; returns them as [primary, primary-ip/alt-port, alt-ip/primary-port,
/// alt-ip/alt-port].
async fn sockets() -> [Arc<UdpSocket>; 4] {
    let a = Ipv4Addr::new(127, 0, 0, 1);
    let b = Ipv4Addr::new(127, 0, 0, 2);
    for _ in 0..20 {
        let Ok(s1) = UdpSocket::bind((a, 0)).await else {
            continue;
        };
        let Ok(s2) = UdpSocket::bind((a, 0)).await else {
            continue;
        };
        let (Ok(p1), Ok(p2)) = (s1.local_addr(), s2.local_addr()) else {
            continue;
        };
        let (Ok(s3), Ok(s4)) = (
            UdpSocket::bind((b, p1.port())).await,
            UdpSocket::bind((b, p2.port())).await,
        ) else {
            continue;
        };
        return [s1, s2, s3, s4].map(Arc::new);
    }
    panic!("could not bind a loopback STUN server");
}

/// Starts the fake server; returns its primary address.
pub async fn start(kind: Server) -> SocketAddr {
    let socks = sockets().await;
    let addr = |i: usize| socks[i].local_addr().expect("bound");
    let primary = addr(0);
    let other = addr(3);
    for i in 0..4 {
        let socks = socks.clone();
        tokio::spawn(async move {
            let mut buf = [0u8; 1500];
            loop {
                let Ok((len, from)) = socks[i].recv_from(&mut buf).await else {
                    return;
                };
                let Some(Incoming::Request(id)) = decode(&buf[..len], from) else {
                    continue;
                };
                if let Server::Lossy(percent) = kind {
                    let mut byte = [0u8; 1];
                    let _ = getrandom::fill(&mut byte);
                    if u32::from(byte[0]) * 100 < u32::from(percent) * 256 {
                        continue;
                    }
                }
                let (change_ip, change_port) = change_flags(&buf[..len]);
                let changing = change_ip || change_port;
                let mut out = i;
                if matches!(kind, Server::Honest | Server::Lossy(_)) {
                    // Bit 1 of the index is the IP, bit 0 the port.
                    if change_ip {
                        out ^= 2;
                    }
                    if change_port {
                        out ^= 1;
                    }
                }
                let reply_from = socks[out].local_addr().expect("bound");
                let message = if kind == Server::Refuses420 && changing {
                    let mut m: Message<Attr> =
                        Message::new(MessageClass::ErrorResponse, BINDING, id);
                    if let Ok(code) = ErrorCode::new(420, "Unknown Attribute".into()) {
                        m.add_attribute(code);
                    }
                    m
                } else {
                    let mut m: Message<Attr> =
                        Message::new(MessageClass::SuccessResponse, BINDING, id);
                    m.add_attribute(XorMappedAddress::new(from));
                    if kind != Server::NoOtherAddress {
                        m.add_attribute(OtherAddress::new(other));
                        m.add_attribute(ResponseOrigin::new(reply_from));
                    }
                    m
                };
                if let Ok(bytes) = MessageEncoder::new().encode_into_bytes(message) {
                    let _ = socks[out].send_to(&bytes, from).await;
                }
            }
        });
    }
    primary
}
