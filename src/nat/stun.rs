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
    /// An ICMP port unreachable came back: the host is there, nothing listens on the port.
    Refused,
    /// An ICMP host or network unreachable came back.
    Unreachable(String),
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

    /// Maps a socket error (send, or the ICMP error a connected socket reports) to an outcome.
    fn from_error(e: &io::Error) -> Outcome {
        match e.kind() {
            io::ErrorKind::ConnectionRefused => Outcome::Refused,
            io::ErrorKind::HostUnreachable | io::ErrorKind::NetworkUnreachable => {
                Outcome::Unreachable(e.to_string())
            }
            _ => Outcome::SendFailed(e.to_string()),
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

/// RFC 8489 section 6.2.1: Rc transmissions, and a last wait of Rm times the RTO.
pub const RC: u32 = 7;
pub const RM: u32 = 16;

impl Schedule {
    /// The RFC timing squeezed into `budget`: Rc = 7 sends at 0, R, 3R, ..., 63R and a last
    /// wait of Rm × R, so 79 R = budget (R kept within 10..500 ms). A small budget gives
    /// early retransmissions rather than fewer of them: a lost request costs one short RTO.
    pub fn within(budget: Duration) -> Schedule {
        let r = budget / (63 + RM);
        Schedule {
            initial_rto: r.clamp(Duration::from_millis(10), Duration::from_millis(500)),
            give_up: budget,
        }
    }

    /// The send times, relative to the first send, that fit before `give_up`.
    pub fn send_offsets(&self) -> Vec<Duration> {
        let mut offsets = vec![Duration::ZERO];
        let mut at = Duration::ZERO;
        let mut rto = self.initial_rto.max(Duration::from_millis(10));
        while offsets.len() < RC as usize {
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
    let offsets = schedule.send_offsets();
    let planned: Vec<(Request, Vec<Duration>)> =
        requests.iter().map(|r| (*r, offsets.clone())).collect();
    let result = exchange_planned(socket, &planned, schedule.give_up, |p| done(p.outcomes)).await?;
    Ok(result.outcomes)
}

/// The state of an [`exchange_planned`] while it runs.
pub struct Progress<'a> {
    pub outcomes: &'a [Option<Outcome>],
    /// When each request was transmitted so far.
    pub sent: &'a [Vec<Instant>],
    pub now: Instant,
}

/// What [`exchange_planned`] did.
#[derive(Debug)]
pub struct Exchanged {
    pub outcomes: Vec<Outcome>,
    /// When each request was transmitted.
    pub sent: Vec<Vec<Instant>>,
}

/// Like [`exchange`], with each request's own send times (offsets from the start; one offset is
/// a single transmission, e.g. for control requests), a `budget` for the whole exchange, and
/// `done` seeing the send times as well.
pub async fn exchange_planned(
    socket: &UdpSocket,
    requests: &[(Request, Vec<Duration>)],
    budget: Duration,
    mut done: impl FnMut(&Progress) -> bool,
) -> io::Result<Exchanged> {
    struct Pending {
        id: TransactionId,
        bytes: Vec<u8>,
        dest: SocketAddr,
        offsets: Vec<Duration>,
        next: usize,
    }
    let start = Instant::now();
    let connected = socket.peer_addr().ok();
    let mut pending = Vec::with_capacity(requests.len());
    for (request, offsets) in requests {
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
    let mut sent: Vec<Vec<Instant>> = vec![Vec::new(); requests.len()];
    let deadline = start + budget;
    let mut buf = [0u8; 1500];
    let mut refused_by_send: Option<Outcome> = None;
    loop {
        // Send whatever is due.
        let now = Instant::now();
        for (i, p) in pending.iter_mut().enumerate() {
            while outcomes[i].is_none()
                && p.next < p.offsets.len()
                && start + p.offsets[p.next] <= now
            {
                p.next += 1;
                let result = match connected {
                    Some(_) => socket.send(&p.bytes).await,
                    None => socket.send_to(&p.bytes, p.dest).await,
                };
                match result {
                    Ok(_) => sent[i].push(Instant::now()),
                    Err(e) => {
                        tracing::debug!("STUN send to {} failed: {e}", p.dest);
                        outcomes[i] = Some(Outcome::from_error(&e));
                        // A connected socket reports a pending ICMP error on send, once.
                        if connected.is_some() {
                            refused_by_send = outcomes[i].clone();
                        }
                    }
                }
            }
        }
        if let Some(failure) = refused_by_send.take() {
            for o in outcomes.iter_mut().filter(|o| o.is_none()) {
                *o = Some(failure.clone());
            }
        }
        let progress = Progress {
            outcomes: &outcomes,
            sent: &sent,
            now,
        };
        if outcomes.iter().all(Option::is_some) || done(&progress) {
            break;
        }
        let next_send = pending
            .iter()
            .enumerate()
            .filter(|(i, p)| outcomes[*i].is_none() && p.next < p.offsets.len())
            .map(|(_, p)| start + p.offsets[p.next])
            .min();
        // Wake for the next send, the deadline, or (for `done`) a little later to re-judge.
        let wake = next_send.map_or(deadline, |t| t.min(deadline));
        let wake = wake.min(now + Duration::from_millis(20));
        if Instant::now() >= deadline {
            break;
        }
        tokio::select! {
            received = socket.recv_from(&mut buf) => {
                let (len, from) = match received {
                    Ok(x) => x,
                    // A connected socket reports the ICMP error of its peer here.
                    Err(e) => {
                        tracing::debug!("STUN receive: {e}");
                        if let Some(peer) = connected {
                            let failure = Outcome::from_error(&e);
                            if !matches!(failure, Outcome::SendFailed(_)) {
                                for (i, p) in pending.iter().enumerate() {
                                    if p.dest == peer && outcomes[i].is_none() {
                                        outcomes[i] = Some(failure.clone());
                                    }
                                }
                            }
                        }
                        continue;
                    }
                };
                if let Some(Incoming::Response(id, mut response)) = decode(&buf[..len], from)
                    && let Some(i) = pending.iter().position(|p| p.id == id)
                    && outcomes[i].is_none()
                {
                    response.rtt = sent[i].last().map_or(start, |t| *t).elapsed();
                    outcomes[i] = Some(Outcome::Response(*response));
                }
            }
            // The ICMP error of a connected socket wakes no reader: watch for it.
            ready = socket.ready(tokio::io::Interest::ERROR), if connected.is_some() => {
                if let (Ok(_), Ok(Some(e)), Some(peer)) = (ready, socket.take_error(), connected) {
                    tracing::debug!("STUN socket error: {e}");
                    let failure = Outcome::from_error(&e);
                    for (i, p) in pending.iter().enumerate() {
                        if p.dest == peer && outcomes[i].is_none() {
                            outcomes[i] = Some(failure.clone());
                        }
                    }
                }
            }
            _ = tokio::time::sleep_until(wake) => {}
        }
    }
    let timed_out = Instant::now() >= deadline;
    Ok(Exchanged {
        outcomes: outcomes
            .into_iter()
            .map(|o| {
                o.unwrap_or(if timed_out {
                    Outcome::Timeout
                } else {
                    Outcome::NotNeeded
                })
            })
            .collect(),
        sent,
    })
}

/// RFC 5780 section 4.5: sends a binding request from `sender` to `target` (the public address
/// of `receiver`) on `schedule`, and reports whether `receiver` got it back through the NAT,
/// with the send times. Stops early when `enough` says the silence so far is conclusive.
pub async fn hairpin(
    sender: &UdpSocket,
    receiver: &UdpSocket,
    target: SocketAddr,
    schedule: Schedule,
    copies: usize,
    mut enough: impl FnMut(&[Instant]) -> bool,
) -> io::Result<(bool, Vec<Instant>)> {
    let (id, bytes) = encode_request(None)?;
    let start = Instant::now();
    let deadline = start + schedule.give_up;
    let offsets = schedule.send_offsets();
    let mut sent = Vec::new();
    let mut slot = 0;
    let mut buf = [0u8; 1500];
    loop {
        while slot < offsets.len() && start + offsets[slot] <= Instant::now() {
            slot += 1;
            // Copies of one transmission fare independently under random loss.
            for _ in 0..copies.max(1) {
                if let Err(e) = sender.send_to(&bytes, target).await {
                    tracing::debug!("hairpin send to {target} failed: {e}");
                    return Ok((false, sent));
                }
                sent.push(Instant::now());
            }
        }
        let now = Instant::now();
        if now >= deadline || enough(&sent) {
            return Ok((false, sent));
        }
        let next = offsets
            .get(slot)
            .map_or(deadline, |o| start + *o)
            .min(deadline)
            .min(now + Duration::from_millis(20));
        if receive_request(receiver, id, next, &mut buf).await {
            return Ok((true, sent));
        }
    }
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
    fn schedule_within_a_budget_keeps_all_transmissions_and_the_last_wait() {
        let s = Schedule::within(Duration::from_secs(3));
        let ms: Vec<u128> = s.send_offsets().iter().map(|d| d.as_millis()).collect();
        // R = 3000 / 79 = 37.97 ms: 0, R, 3R, 7R, 15R, 31R, 63R, then a wait of 16 R.
        assert_eq!(ms, vec![0, 37, 113, 265, 569, 1177, 2392]);
        assert!(s.give_up - s.send_offsets()[6] >= s.initial_rto * (RM - 1));
        // A long budget keeps RFC 8489's 500 ms initial RTO.
        let s = Schedule::within(Duration::from_secs(60));
        assert_eq!(s.initial_rto, Duration::from_millis(500));
        assert_eq!(s.send_offsets().len(), RC as usize);
        // A tiny one still retransmits, 10 ms apart at least.
        let s = Schedule::within(Duration::from_millis(100));
        assert_eq!(s.initial_rto, Duration::from_millis(10));
        assert!(s.send_offsets().len() >= 3);
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
