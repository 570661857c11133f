//! STUN over UDP: binding requests with the RFC 5780 attributes, and a small transaction engine
//! that runs several requests on one socket at once with RFC 5389 retransmission.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use bytecodec::{DecodeExt, EncodeExt};
use stun_codec::rfc5389::attributes::{ErrorCode, MappedAddress, Software, XorMappedAddress};
use stun_codec::rfc5389::methods::BINDING;
use stun_codec::rfc5780::attributes::{ChangeRequest, OtherAddress, ResponseOrigin};
use stun_codec::{Attribute as _, Message, MessageClass, MessageDecoder, MessageEncoder};
use stun_codec::{TransactionId, define_attribute_enums};
use tokio::net::UdpSocket;
use tokio::time::Instant;

define_attribute_enums!(
    Attr,
    AttrDecoder,
    AttrEncoder,
    [
        MappedAddress,
        XorMappedAddress,
        ErrorCode,
        Software,
        ChangeRequest,
        ResponseOrigin,
        OtherAddress
    ]
);

/// RFC 3489 CHANGED-ADDRESS, the predecessor of OTHER-ADDRESS; parsed from the raw attribute.
const CHANGED_ADDRESS: u16 = 0x0005;

const SOFTWARE: &str = concat!("peerstream ", env!("CARGO_PKG_VERSION"));

/// One binding request to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request {
    pub dest: SocketAddr,
    /// CHANGE-REQUEST flags (change IP, change port); `None` sends no CHANGE-REQUEST.
    pub change: Option<(bool, bool)>,
}

impl Request {
    pub fn binding(dest: SocketAddr) -> Self {
        Request { dest, change: None }
    }

    pub fn changed(dest: SocketAddr, ip: bool, port: bool) -> Self {
        Request {
            dest,
            change: Some((ip, port)),
        }
    }
}

/// A decoded binding response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// Where the response came from (the socket's view).
    pub from: SocketAddr,
    /// XOR-MAPPED-ADDRESS, else MAPPED-ADDRESS.
    pub mapped: Option<SocketAddr>,
    /// MAPPED-ADDRESS and XOR-MAPPED-ADDRESS both present and different: an ALG rewrote the
    /// plain one.
    pub alg_suspected: bool,
    /// OTHER-ADDRESS, else the RFC 3489 CHANGED-ADDRESS.
    pub other: Option<SocketAddr>,
    pub origin: Option<SocketAddr>,
    /// An error response's code and reason.
    pub error: Option<(u16, String)>,
    pub rtt: Duration,
}

/// How one request ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Response(Response),
    /// No answer within the allowed time, after retransmissions.
    Timeout,
    /// The request could not be sent at all (no route, network unreachable, ...).
    SendFailed(String),
    /// Still unanswered when the other answers made it unnecessary.
    NotNeeded,
}

impl Outcome {
    pub fn response(&self) -> Option<&Response> {
        match self {
            Outcome::Response(r) => Some(r),
            _ => None,
        }
    }
}

/// Retransmission per RFC 5389 section 7.2.1: send, wait RTO, resend with RTO doubled, and so on,
/// but never past `give_up` after the first send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub initial_rto: Duration,
    pub give_up: Duration,
}

impl Schedule {
    /// The send times, relative to the first send, that fit before `give_up`.
    pub fn send_offsets(&self) -> Vec<Duration> {
        let mut offsets = vec![Duration::ZERO];
        let mut at = Duration::ZERO;
        let mut rto = self.initial_rto.max(Duration::from_millis(10));
        // RFC 5389: at most 7 transmissions.
        while offsets.len() < 7 {
            at += rto;
            if at >= self.give_up {
                break;
            }
            offsets.push(at);
            rto *= 2;
        }
        offsets
    }
}

fn random_transaction_id() -> io::Result<TransactionId> {
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).map_err(|e| io::Error::other(e.to_string()))?;
    Ok(TransactionId::new(bytes))
}

/// Encodes a binding request; returns its transaction id and bytes.
pub fn encode_request(change: Option<(bool, bool)>) -> io::Result<(TransactionId, Vec<u8>)> {
    let id = random_transaction_id()?;
    let mut message: Message<Attr> = Message::new(MessageClass::Request, BINDING, id);
    if let Ok(software) = Software::new(SOFTWARE.to_owned()) {
        message.add_attribute(software);
    }
    if let Some((ip, port)) = change {
        message.add_attribute(ChangeRequest::new(ip, port));
    }
    let bytes = MessageEncoder::new()
        .encode_into_bytes(message)
        .map_err(|e| io::Error::other(e.to_string()))?;
    Ok((id, bytes))
}

/// What arrived on a socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incoming {
    Request(TransactionId),
    Response(TransactionId, Box<Response>),
}

/// Decodes a STUN message; `None` for anything that is not a binding request or response.
pub fn decode(buf: &[u8], from: SocketAddr) -> Option<Incoming> {
    let message = MessageDecoder::<Attr>::new()
        .decode_from_bytes(buf)
        .ok()?
        .ok()?;
    if message.method() != BINDING {
        return None;
    }
    let id = message.transaction_id();
    match message.class() {
        MessageClass::Request => Some(Incoming::Request(id)),
        MessageClass::SuccessResponse | MessageClass::ErrorResponse => {
            let xor = message
                .get_attribute::<XorMappedAddress>()
                .map(|a| a.address());
            let plain = message
                .get_attribute::<MappedAddress>()
                .map(|a| a.address());
            let changed = message
                .unknown_attributes()
                .find(|a| a.get_type().as_u16() == CHANGED_ADDRESS)
                .and_then(|a| parse_plain_address(a.value()));
            let response = Response {
                from,
                mapped: xor.or(plain),
                alg_suspected: matches!((xor, plain), (Some(x), Some(p)) if x != p),
                other: message
                    .get_attribute::<OtherAddress>()
                    .map(|a| a.address())
                    .or(changed),
                origin: message
                    .get_attribute::<ResponseOrigin>()
                    .map(|a| a.address()),
                error: message
                    .get_attribute::<ErrorCode>()
                    .map(|e| (e.code(), e.reason_phrase().to_owned())),
                rtt: Duration::ZERO,
            };
            Some(Incoming::Response(id, Box::new(response)))
        }
        MessageClass::Indication => None,
    }
}

/// A MAPPED-ADDRESS-style value: reserved byte, family, port, address.
fn parse_plain_address(value: &[u8]) -> Option<SocketAddr> {
    let port = u16::from_be_bytes([*value.get(2)?, *value.get(3)?]);
    match value.get(1)? {
        0x01 => {
            let octets: [u8; 4] = value.get(4..8)?.try_into().ok()?;
            Some(SocketAddr::new(IpAddr::V4(Ipv4Addr::from(octets)), port))
        }
        0x02 => {
            let octets: [u8; 16] = value.get(4..20)?.try_into().ok()?;
            Some(SocketAddr::new(IpAddr::V6(Ipv6Addr::from(octets)), port))
        }
        _ => None,
    }
}

/// Runs `requests` concurrently on `socket`, each with its own retransmissions, and returns one
/// outcome per request (same order). Stops early once `done` says the answers so far suffice.
pub async fn exchange(
    socket: &UdpSocket,
    requests: &[Request],
    schedule: Schedule,
    done: impl Fn(&[Option<Outcome>]) -> bool,
) -> io::Result<Vec<Outcome>> {
    struct Pending {
        id: TransactionId,
        bytes: Vec<u8>,
        dest: SocketAddr,
        offsets: Vec<Duration>,
        next: usize,
    }
    let start = Instant::now();
    let offsets = schedule.send_offsets();
    let mut pending = Vec::with_capacity(requests.len());
    for request in requests {
        let (id, bytes) = encode_request(request.change)?;
        pending.push(Pending {
            id,
            bytes,
            dest: request.dest,
            offsets: offsets.clone(),
            next: 0,
        });
    }
    let mut outcomes: Vec<Option<Outcome>> = vec![None; requests.len()];
    let deadline = start + schedule.give_up;
    let mut buf = [0u8; 1500];
    loop {
        // Send whatever is due.
        let now = Instant::now();
        for (i, p) in pending.iter_mut().enumerate() {
            if outcomes[i].is_some() {
                continue;
            }
            while p.next < p.offsets.len() && start + p.offsets[p.next] <= now {
                p.next += 1;
                if let Err(e) = socket.send_to(&p.bytes, p.dest).await {
                    tracing::debug!("STUN send to {} failed: {e}", p.dest);
                    outcomes[i] = Some(Outcome::SendFailed(e.to_string()));
                    break;
                }
            }
        }
        if outcomes.iter().all(Option::is_some) || done(&outcomes) {
            break;
        }
        let next_send = pending
            .iter()
            .enumerate()
            .filter(|(i, p)| outcomes[*i].is_none() && p.next < p.offsets.len())
            .map(|(_, p)| start + p.offsets[p.next])
            .min();
        let wake = next_send.map_or(deadline, |t| t.min(deadline));
        if Instant::now() >= deadline {
            break;
        }
        tokio::select! {
            received = socket.recv_from(&mut buf) => {
                let (len, from) = match received {
                    Ok(x) => x,
                    // ICMP errors surface here on some systems; keep listening.
                    Err(e) => {
                        tracing::debug!("STUN receive: {e}");
                        continue;
                    }
                };
                if let Some(Incoming::Response(id, mut response)) = decode(&buf[..len], from)
                    && let Some(i) = pending.iter().position(|p| p.id == id)
                    && outcomes[i].is_none()
                {
                    response.rtt = start.elapsed();
                    outcomes[i] = Some(Outcome::Response(*response));
                }
            }
            _ = tokio::time::sleep_until(wake) => {}
        }
    }
    let timed_out = Instant::now() >= deadline;
    Ok(outcomes
        .into_iter()
        .map(|o| {
            o.unwrap_or(if timed_out {
                Outcome::Timeout
            } else {
                Outcome::NotNeeded
            })
        })
        .collect())
}

/// RFC 5780 section 4.5: sends a binding request from `sender` to `target` (the public address
/// of `receiver`) and reports whether `receiver` got it back through the NAT.
pub async fn hairpin(
    sender: &UdpSocket,
    receiver: &UdpSocket,
    target: SocketAddr,
    schedule: Schedule,
) -> io::Result<bool> {
    let (id, bytes) = encode_request(None)?;
    let start = Instant::now();
    let deadline = start + schedule.give_up;
    let mut buf = [0u8; 1500];
    for (n, offset) in schedule.send_offsets().iter().enumerate() {
        if n > 0 {
            // Wait for the next send time, but return as soon as the request shows up.
            let until = start + *offset;
            if receive_request(receiver, id, until, &mut buf).await {
                return Ok(true);
            }
        }
        if let Err(e) = sender.send_to(&bytes, target).await {
            tracing::debug!("hairpin send to {target} failed: {e}");
            return Ok(false);
        }
    }
    Ok(receive_request(receiver, id, deadline, &mut buf).await)
}

async fn receive_request(
    socket: &UdpSocket,
    id: TransactionId,
    until: Instant,
    buf: &mut [u8],
) -> bool {
    loop {
        let received = tokio::time::timeout_at(until, socket.recv_from(buf)).await;
        match received {
            Err(_) => return false,
            Ok(Err(_)) => continue,
            Ok(Ok((len, from))) => {
                if let Some(Incoming::Request(got)) = decode(&buf[..len], from)
                    && got == id
                {
                    return true;
                }
            }
        }
    }
}

/// The public address of `socket` as one STUN server sees it: a plain binding request, no
/// behaviour tests. For callers that only need the address (e.g. to announce it).
pub fn public_address(
    socket: &std::net::UdpSocket,
    server: SocketAddr,
    timeout: Duration,
) -> Result<SocketAddr, stunclient::Error> {
    let mut client = stunclient::StunClient::new(server);
    client
        .set_timeout(timeout)
        .set_retry_interval(Duration::from_millis(500).min(timeout))
        .set_software(Some(SOFTWARE));
    client.query_external_address(socket)
}

#[cfg(test)]
mod proptests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_doubles_and_stops_at_give_up() {
        let s = Schedule {
            initial_rto: Duration::from_millis(500),
            give_up: Duration::from_millis(3000),
        };
        let ms: Vec<u128> = s.send_offsets().iter().map(|d| d.as_millis()).collect();
        assert_eq!(ms, vec![0, 500, 1500]);
        let s = Schedule {
            initial_rto: Duration::from_millis(100),
            give_up: Duration::from_secs(60),
        };
        assert_eq!(s.send_offsets().len(), 7);
    }

    #[test]
    fn change_request_flags_on_the_wire() {
        // RFC 5780 section 7.2: 0x04 change IP, 0x02 change port. (The codec's decoder reads
        // these bits shifted, so the wire bytes are what this checks.)
        let from: SocketAddr = "127.0.0.1:3478".parse().expect("addr");
        for (ip, port, flags) in [(true, false, 4u8), (false, true, 2), (true, true, 6)] {
            let (id, bytes) = encode_request(Some((ip, port))).expect("encode");
            assert_eq!(decode(&bytes, from), Some(Incoming::Request(id)));
            let attr = [0x00, 0x03, 0x00, 0x04, 0, 0, 0, flags];
            assert!(
                bytes.windows(attr.len()).any(|w| w == attr),
                "CHANGE-REQUEST {ip}/{port} not encoded as {flags:#04x}"
            );
        }
        let (_, plain) = encode_request(None).expect("encode");
        assert!(!plain.windows(4).any(|w| w == [0x00, 0x03, 0x00, 0x04]));
    }

    #[test]
    fn response_attributes_are_read() {
        let id = TransactionId::new([7; 12]);
        let mapped: SocketAddr = "198.19.0.1:40000".parse().expect("addr");
        let other: SocketAddr = "198.19.0.3:3479".parse().expect("addr");
        let origin: SocketAddr = "198.19.0.2:3478".parse().expect("addr");
        let mut m: Message<Attr> = Message::new(MessageClass::SuccessResponse, BINDING, id);
        m.add_attribute(XorMappedAddress::new(mapped));
        m.add_attribute(OtherAddress::new(other));
        m.add_attribute(ResponseOrigin::new(origin));
        let bytes = MessageEncoder::new().encode_into_bytes(m).expect("encode");
        let Some(Incoming::Response(got, r)) = decode(&bytes, origin) else {
            panic!("not a response");
        };
        assert_eq!(got, id);
        assert_eq!(r.mapped, Some(mapped));
        assert_eq!(r.other, Some(other));
        assert_eq!(r.origin, Some(origin));
        assert!(!r.alg_suspected && r.error.is_none());
    }

    #[test]
    fn error_response_and_plain_address() {
        let id = TransactionId::new([9; 12]);
        let mut m: Message<Attr> = Message::new(MessageClass::ErrorResponse, BINDING, id);
        m.add_attribute(ErrorCode::new(420, "Unknown Attribute".into()).expect("code"));
        let bytes = MessageEncoder::new().encode_into_bytes(m).expect("encode");
        let from: SocketAddr = "127.0.0.1:1".parse().expect("addr");
        let Some(Incoming::Response(_, r)) = decode(&bytes, from) else {
            panic!("not a response");
        };
        assert_eq!(r.error.as_ref().map(|e| e.0), Some(420));
        assert_eq!(
            parse_plain_address(&[0, 1, 0x0d, 0x97, 198, 19, 0, 3]),
            Some("198.19.0.3:3479".parse().expect("addr"))
        );
        assert_eq!(parse_plain_address(&[0, 1, 0]), None);
        assert_eq!(decode(b"not stun", from), None);
    }

    #[test]
    fn public_address_with_a_plain_binding_request() {
        let server = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
        let server_addr = server.local_addr().expect("addr");
        let responder = std::thread::spawn(move || {
            let mut buf = [0u8; 1500];
            server
                .set_read_timeout(Some(Duration::from_secs(5)))
                .expect("timeout");
            let Ok((len, from)) = server.recv_from(&mut buf) else {
                return;
            };
            if let Some(Incoming::Request(id)) = decode(&buf[..len], from) {
                let mut m: Message<Attr> = Message::new(MessageClass::SuccessResponse, BINDING, id);
                m.add_attribute(XorMappedAddress::new(from));
                if let Ok(bytes) = MessageEncoder::new().encode_into_bytes(m) {
                    let _ = server.send_to(&bytes, from);
                }
            }
        });
        let client = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
        let got = public_address(&client, server_addr, Duration::from_secs(2)).expect("answer");
        assert_eq!(Some(got), client.local_addr().ok());
        let _ = responder.join();
    }

    #[tokio::test]
    async fn exchange_against_a_loopback_responder() {
        let server = UdpSocket::bind("127.0.0.1:0").await.expect("bind");
        let server_addr = server.local_addr().expect("addr");
        let responder = tokio::spawn(async move {
            let mut buf = [0u8; 1500];
            // Drop the first request to force a retransmission, answer the second.
            let mut seen = 0;
            loop {
                let Ok((len, from)) = server.recv_from(&mut buf).await else {
                    return;
                };
                seen += 1;
                if seen == 1 {
                    continue;
                }
                if let Some(Incoming::Request(id)) = decode(&buf[..len], from) {
                    let mut m: Message<Attr> =
                        Message::new(MessageClass::SuccessResponse, BINDING, id);
                    m.add_attribute(XorMappedAddress::new(from));
                    if let Ok(bytes) = MessageEncoder::new().encode_into_bytes(m) {
                        let _ = server.send_to(&bytes, from).await;
                    }
                    return;
                }
            }
        });
        let client = UdpSocket::bind("127.0.0.1:0").await.expect("bind");
        let schedule = Schedule {
            initial_rto: Duration::from_millis(50),
            give_up: Duration::from_secs(2),
        };
        let out = exchange(&client, &[Request::binding(server_addr)], schedule, |_| {
            false
        })
        .await
        .expect("exchange");
        let r = out[0].response().expect("response");
        assert_eq!(r.mapped, client.local_addr().ok());
        responder.abort();
    }
}
