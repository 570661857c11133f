//! `nat detect`: the RFC 5780 test sequence against one STUN server, plus a port-mapping probe.
//!
//! Order matters on Linux: the mapping tests (section 4.3) run first on one socket, the filtering
//! tests (section 4.4) on a fresh socket. A CHANGE-REQUEST reply that the router drops leaves an
//! unreplied conntrack entry behind; a mapping test from that same socket would then get a new
//! external port and a port-restricted router would look Symmetric.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tokio::net::UdpSocket;

use super::classify::{self, Behaviour, ClassicType, MappingFacts, Observations};
use super::mapping::{self, ProbeReport};
use super::stun::{self, Outcome, Request, Response, Schedule};
use super::turn::{self, TurnReport, TurnSpec};

/// STUN servers tried when none is given; the first one that answers with OTHER-ADDRESS (RFC
/// 5780) runs the behaviour tests, the others still give the public address. Documented in
/// docs/P2P_SETUP_GUIDE.md.
pub const DEFAULT_STUN_SERVERS: &[&str] = &[
    "stun.stunprotocol.org:3478",
    "stun.l.google.com:19302",
    "stun.cloudflare.com:3478",
];

/// Default for `--timeout`: how long a request that should be answered may take, including
/// retransmissions.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3);

/// The port that the verdict's advice and the test mapping use when none is given.
pub const DEFAULT_PORT: u16 = 6881;

#[derive(Debug, Clone)]
pub struct DetectOptions {
    /// `HOST:PORT` strings, tried in order of preference.
    pub servers: Vec<String>,
    /// Budget of a request that should be answered (Test I, mapping tests).
    pub timeout: Duration,
    pub hairpin: bool,
    /// Probe UPnP-IGD, NAT-PMP and PCP on the default gateway (and try a test mapping).
    pub port_mapping: bool,
    /// The torrent port named in the advice and used for the test mapping.
    pub port: u16,
    /// Also check that this TURN relay grants an allocation.
    pub turn: Option<TurnSpec>,
}

impl Default for DetectOptions {
    fn default() -> Self {
        DetectOptions {
            servers: DEFAULT_STUN_SERVERS.iter().map(|s| s.to_string()).collect(),
            timeout: DEFAULT_TIMEOUT,
            hairpin: true,
            port_mapping: true,
            port: DEFAULT_PORT,
            turn: None,
        }
    }
}

/// Overall outcome; decides the exit code of `nat detect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// A STUN server answered; the report holds what could be tested.
    Ok,
    /// Requests were sent and nothing at all came back.
    UdpBlocked,
    /// No server could be resolved or sent to, or none gave a usable answer.
    NoServerReachable,
}

/// What happened with one configured server.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ServerAttempt {
    /// As given (`HOST:PORT`).
    pub server: String,
    /// The address used, once resolved.
    pub address: Option<SocketAddr>,
    /// `answered`, `timeout`, `unresolved`, `send_failed`, `error_response`, or `not_needed`
    /// (a preferred server had already answered).
    pub result: String,
    pub rfc5780: bool,
    pub detail: Option<String>,
}

/// The server that ran the tests.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ServerInfo {
    pub server: String,
    pub address: SocketAddr,
    /// OTHER-ADDRESS (RFC 5780) or CHANGED-ADDRESS (RFC 3489).
    pub other_address: Option<SocketAddr>,
    pub response_origin: Option<SocketAddr>,
    pub rfc5780: bool,
    pub rtt_ms: f64,
}

/// Raw results of each test, for the curious and for bug reports.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Tests {
    /// Mapped address of mapping tests I, II and III (II and III go to the alternate address).
    pub mapping_test1: Option<SocketAddr>,
    pub mapping_test2: Option<SocketAddr>,
    pub mapping_test3: Option<SocketAddr>,
    /// Filtering test II (change IP and port) and III (change port) answered.
    pub filtering_test2: Option<bool>,
    pub filtering_test3: Option<bool>,
}

/// The result of `detect`; serialised as `nat detect --json` (docs/JSON-nat.md).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub schema: u32,
    pub status: Status,
    /// Classic RFC 3489 type, machine form (`port_restricted_cone`).
    pub classic: ClassicType,
    /// Classic type, human form (`Port-Restricted Cone`).
    pub classic_label: String,
    /// NAT between this host and the server; `null` when no server answered.
    pub nat: Option<bool>,
    pub mapping: Option<Behaviour>,
    pub filtering: Option<Behaviour>,
    /// `null` when not tested (no NAT, no server, or disabled).
    pub hairpinning: Option<bool>,
    pub local_address: Option<SocketAddr>,
    pub public_address: Option<SocketAddr>,
    /// An application-level gateway rewrote MAPPED-ADDRESS.
    pub alg_suspected: bool,
    pub server: Option<ServerInfo>,
    pub servers_tried: Vec<ServerAttempt>,
    pub tests: Tests,
    /// `null` when the probe was skipped (disabled, or no NAT to map through).
    pub port_mapping: Option<ProbeReport>,
    /// The gateway's external address (UPnP/NAT-PMP/PCP) differs from the STUN public address;
    /// `null` when no gateway told its address.
    pub double_nat: Option<bool>,
    /// The `--turn` check; `null` when not asked for.
    pub turn: Option<TurnReport>,
    pub port: u16,
    pub verdict: String,
    pub advice: Vec<String>,
    pub notes: Vec<String>,
    pub duration_ms: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum DetectError {
    #[error("no STUN server given")]
    NoServers,
    #[error("STUN server {0:?} is not HOST:PORT")]
    BadServer(String),
    #[error("local socket: {0}")]
    Io(#[from] std::io::Error),
}

/// Checks `HOST:PORT` syntax without resolving it.
pub fn parse_server(spec: &str) -> Result<(), DetectError> {
    let bad = || DetectError::BadServer(spec.to_string());
    let (host, port) = spec.rsplit_once(':').ok_or_else(bad)?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() || port.parse::<u16>().map_or(true, |p| p == 0) {
        return Err(bad());
    }
    Ok(())
}

/// Runs the whole detection. Never fails for network reasons: those end up in
/// [`Report::status`].
pub async fn detect(opts: &DetectOptions) -> Result<Report, DetectError> {
    let started = Instant::now();
    if opts.servers.is_empty() {
        return Err(DetectError::NoServers);
    }
    for s in &opts.servers {
        parse_server(s)?;
    }
    let mut report = Report {
        schema: 1,
        status: Status::NoServerReachable,
        classic: ClassicType::Unknown,
        classic_label: String::new(),
        nat: None,
        mapping: None,
        filtering: None,
        hairpinning: None,
        local_address: None,
        public_address: None,
        alg_suspected: false,
        server: None,
        servers_tried: Vec::new(),
        tests: Tests::default(),
        port_mapping: None,
        double_nat: None,
        turn: None,
        port: opts.port,
        verdict: String::new(),
        advice: Vec::new(),
        notes: Vec::new(),
        duration_ms: 0,
    };

    // The port-mapping probe talks only to the gateway; run it beside the STUN tests.
    let probe = opts.port_mapping.then(|| {
        let port = opts.port;
        let budget = Duration::from_millis(1000);
        tokio::spawn(async move { mapping::probe(port, budget).await })
    });

    // The TURN check uses its own socket and server; run it beside the rest too.
    let turn_check = opts.turn.clone().map(|spec| {
        let timeout = opts.timeout;
        tokio::spawn(async move { turn::check(&spec, timeout).await })
    });

    let udp_works = run_stun(opts, &mut report).await?;

    if let Some(task) = turn_check {
        match task.await {
            Ok(t) => {
                if let Some(e) = &t.error {
                    report
                        .notes
                        .push(format!("TURN relay {}: no allocation ({e})", t.server));
                }
                report.turn = Some(t);
            }
            Err(e) => report.notes.push(format!("TURN check failed: {e}")),
        }
    }

    if let Some(task) = probe {
        if report.nat == Some(false) {
            // Nothing to map through; do not wait for the probe.
            task.abort();
            report
                .notes
                .push("no NAT: port-mapping protocols were not probed".into());
        } else {
            match task.await {
                Ok(p) => report.port_mapping = Some(p),
                Err(e) => report.notes.push(format!("port-mapping probe failed: {e}")),
            }
        }
    }

    report.classic = classify::classify(&Observations {
        udp_works,
        nat: report.nat,
        mapping: report.mapping,
        filtering: report.filtering,
    });
    report.classic_label = report.classic.label().to_string();
    let mut facts = report
        .port_mapping
        .as_ref()
        .map(|p| MappingFacts {
            test_mapping_ok: p.test_mapping_ok(),
            protocol_answered: p.any_answered(),
        })
        .unwrap_or_default();
    if let (Some(p), Some(public)) = (&report.port_mapping, report.public_address)
        && let Some(gateway_ip) = p.external_ip()
        && gateway_ip != public.ip()
    {
        // The router maps on an address that is not the public one: another NAT beyond it.
        report.notes.push(format!(
            "the router reports {gateway_ip} as its external address, but STUN sees \
             {}: another NAT sits beyond the router (double NAT or carrier-grade NAT), so a \
             mapping on the router alone does not make you reachable",
            public.ip()
        ));
        report.double_nat = Some(true);
        facts.test_mapping_ok = false;
    } else if report
        .port_mapping
        .as_ref()
        .is_some_and(|p| p.external_ip().is_some())
    {
        report.double_nat = Some(false);
    }
    let (verdict, advice) = classify::verdict(report.classic, opts.port, facts);
    report.verdict = verdict;
    report.advice = advice;
    if report.double_nat == Some(true) {
        report.advice.push(
            "put the outer router in bridge mode, forward the port on it as well, or ask the \
             ISP for a public IPv4 address"
                .into(),
        );
    }
    report.duration_ms = started.elapsed().as_millis() as u64;
    Ok(report)
}

/// Resolves each server to one address (IPv4 first).
async fn resolve(spec: &str) -> Result<SocketAddr, String> {
    match tokio::net::lookup_host(spec).await {
        Ok(addrs) => {
            let addrs: Vec<SocketAddr> = addrs.collect();
            addrs
                .iter()
                .find(|a| a.is_ipv4())
                .or(addrs.first())
                .copied()
                .ok_or_else(|| "no address".to_string())
        }
        Err(e) => Err(e.to_string()),
    }
}

/// The local IP that the routing table picks towards `dest` (no packet is sent).
fn route_source(dest: SocketAddr) -> std::io::Result<IpAddr> {
    let any: SocketAddr = if dest.is_ipv4() {
        (IpAddr::from([0u8; 4]), 0).into()
    } else {
        (IpAddr::from([0u16; 8]), 0).into()
    };
    let socket = std::net::UdpSocket::bind(any)?;
    socket.connect(dest)?;
    Ok(socket.local_addr()?.ip())
}

fn answered(o: &Outcome) -> Option<&Response> {
    o.response()
        .filter(|r| r.error.is_none() && r.mapped.is_some())
}

/// Timing for requests that are expected to go unanswered (changed-address replies that a NAT
/// may drop, hairpinning): short, scaled from the measured round trip.
fn probe_schedule(rtt: Duration, timeout: Duration) -> Schedule {
    let floor = Duration::from_millis(400);
    let ceiling = (timeout / 2).max(floor);
    Schedule {
        initial_rto: (rtt * 2).clamp(Duration::from_millis(50), Duration::from_millis(500)),
        give_up: (rtt * 10).clamp(floor, ceiling),
    }
}

/// Timing for requests that should be answered: RFC 5389's 500 ms RTO, within `timeout`.
fn answer_schedule(timeout: Duration) -> Schedule {
    Schedule {
        initial_rto: Duration::from_millis(500),
        give_up: timeout,
    }
}

/// Returns whether UDP works (some server answered at all).
async fn run_stun(opts: &DetectOptions, report: &mut Report) -> Result<bool, DetectError> {
    // Resolve every server; keep the order of preference.
    let mut targets: Vec<(String, SocketAddr)> = Vec::new();
    for spec in &opts.servers {
        match resolve(spec).await {
            Ok(addr) => targets.push((spec.clone(), addr)),
            Err(e) => report.servers_tried.push(ServerAttempt {
                server: spec.clone(),
                address: None,
                result: "unresolved".into(),
                rfc5780: false,
                detail: Some(e),
            }),
        }
    }
    let Some(&(_, first)) = targets.first() else {
        report.status = Status::NoServerReachable;
        report
            .notes
            .push("no STUN server name could be resolved (is DNS working?)".into());
        return Ok(false);
    };
    let local_ip = match route_source(first) {
        Ok(ip) => ip,
        Err(e) => {
            report.status = Status::NoServerReachable;
            report
                .notes
                .push(format!("no route to the STUN server {first}: {e}"));
            return Ok(false);
        }
    };

    // Mapping test I to every server at once from one socket: the first RFC 5780 server to
    // answer runs the rest; the others only save time when the preferred one is down.
    let s1 = UdpSocket::bind((local_ip, 0)).await?;
    let local = s1.local_addr()?;
    report.local_address = Some(local);
    let requests: Vec<Request> = targets.iter().map(|(_, a)| Request::binding(*a)).collect();
    let outcomes = stun::exchange(&s1, &requests, answer_schedule(opts.timeout), |o| {
        // Done once an RFC 5780 server answered and every server preferred to it is settled.
        for x in o {
            match x {
                None => return false,
                Some(x) if answered(x).is_some_and(|r| r.other.is_some()) => return true,
                Some(_) => {}
            }
        }
        false
    })
    .await?;

    let mut chosen: Option<(usize, &Response)> = None;
    let mut fallback: Option<(usize, &Response)> = None;
    let mut any_reply = false;
    let mut any_sent = false;
    for (i, outcome) in outcomes.iter().enumerate() {
        let (spec, addr) = &targets[i];
        let (result, detail, rfc5780) = match outcome {
            Outcome::Response(r) => {
                any_reply = true;
                any_sent = true;
                if let Some((code, reason)) = &r.error {
                    ("error_response", Some(format!("{code} {reason}")), false)
                } else if r.mapped.is_none() {
                    ("error_response", Some("no mapped address".into()), false)
                } else {
                    let capable = r.other.is_some();
                    if capable && chosen.is_none() {
                        chosen = Some((i, r));
                    }
                    if fallback.is_none() {
                        fallback = Some((i, r));
                    }
                    ("answered", None, capable)
                }
            }
            Outcome::Timeout => {
                any_sent = true;
                ("timeout", None, false)
            }
            Outcome::SendFailed(e) => ("send_failed", Some(e.clone()), false),
            Outcome::NotNeeded => ("not_needed", None, false),
        };
        report.servers_tried.push(ServerAttempt {
            server: spec.clone(),
            address: Some(*addr),
            result: result.into(),
            rfc5780,
            detail,
        });
    }

    let Some((index, first_answer)) = chosen.or(fallback) else {
        report.status = if any_sent && !any_reply {
            report.notes.push(format!(
                "no STUN server answered within {:?}: UDP is blocked on the way out, or every \
                 server listed is down",
                opts.timeout
            ));
            Status::UdpBlocked
        } else {
            report
                .notes
                .push("no STUN server gave a usable answer".into());
            Status::NoServerReachable
        };
        return Ok(any_reply);
    };
    report.status = Status::Ok;
    let (spec, primary) = targets[index].clone();
    let m1 = first_answer.mapped;
    report.public_address = m1;
    report.tests.mapping_test1 = m1;
    report.alg_suspected = first_answer.alg_suspected;
    let rtt = first_answer.rtt;
    let nat = m1 != Some(local);
    report.nat = Some(nat);
    let mut other = first_answer.other;
    if let Some(o) = other
        && (o.ip() == primary.ip() || o.port() == primary.port())
    {
        report.notes.push(format!(
            "the server's alternate address {o} shares the IP or port of {primary}: behaviour \
             tests skipped"
        ));
        other = None;
    }
    report.server = Some(ServerInfo {
        server: spec.clone(),
        address: primary,
        other_address: first_answer.other,
        response_origin: first_answer.origin,
        rfc5780: other.is_some(),
        rtt_ms: rtt.as_secs_f64() * 1000.0,
    });
    if report.alg_suspected {
        report.notes.push(
            "MAPPED-ADDRESS and XOR-MAPPED-ADDRESS differ: a router ALG rewrites addresses in \
             packets"
                .into(),
        );
    }
    let Some(other) = other else {
        report.notes.push(format!(
            "{spec} does not support RFC 5780 (no OTHER-ADDRESS): the public address is valid, \
             but mapping and filtering behaviour could not be tested; use --stun with an RFC \
             5780 server"
        ));
        if !nat {
            report.mapping = Some(Behaviour::EndpointIndependent);
        }
        return Ok(true);
    };
    let alt_ip = SocketAddr::new(other.ip(), primary.port());
    let probe = probe_schedule(rtt, opts.timeout);

    // Mapping tests II and III (section 4.3), same socket as test I.
    if nat {
        let outcomes = stun::exchange(
            &s1,
            &[Request::binding(alt_ip), Request::binding(other)],
            answer_schedule(opts.timeout.min(Duration::from_secs(2))),
            |o| {
                // Test III is only needed when test II shows a new mapping.
                matches!(&o[0], Some(x) if answered(x).and_then(|r| r.mapped) == m1)
            },
        )
        .await?;
        let m2 = answered(&outcomes[0]).and_then(|r| r.mapped);
        let m3 = answered(&outcomes[1]).and_then(|r| r.mapped);
        report.tests.mapping_test2 = m2;
        report.tests.mapping_test3 = m3;
        if let Some(m1) = m1 {
            report.mapping = classify::mapping_behaviour(&m1, m2.as_ref(), m3.as_ref());
        }
        if report.mapping.is_none() {
            report.notes.push(format!(
                "the server's alternate address {other} did not answer: mapping behaviour unknown"
            ));
        }
    } else {
        // Without NAT the mapped address is the local one for every destination.
        report.mapping = Some(Behaviour::EndpointIndependent);
    }

    // Filtering tests (section 4.4) on a fresh socket, with hairpinning beside them.
    let s2 = UdpSocket::bind((local_ip, 0)).await?;
    let filtering = filtering_tests(&s2, primary, opts.timeout, probe);
    let hairpin = async {
        match (nat && opts.hairpin, m1) {
            (true, Some(target)) => {
                let s3 = UdpSocket::bind((local_ip, 0)).await?;
                stun::hairpin(&s3, &s1, target, probe).await.map(Some)
            }
            _ => Ok(None),
        }
    };
    let (filtering, hairpin) = tokio::join!(filtering, hairpin);
    let (f2, f3, note) = filtering?;
    report.tests.filtering_test2 = f2;
    report.tests.filtering_test3 = f3;
    report.filtering = classify::filtering_behaviour(f2, f3);
    if let Some(note) = note {
        report.notes.push(note);
    }
    report.hairpinning = hairpin?;
    Ok(true)
}

/// Test I on the fresh socket, then II (change IP and port) and III (change port) together.
/// Returns whether II and III were answered, `None` where the server could not run them.
async fn filtering_tests(
    socket: &UdpSocket,
    primary: SocketAddr,
    timeout: Duration,
    probe: Schedule,
) -> std::io::Result<(Option<bool>, Option<bool>, Option<String>)> {
    let first = stun::exchange(
        socket,
        &[Request::binding(primary)],
        answer_schedule(timeout),
        |_| false,
    )
    .await?;
    if answered(&first[0]).is_none() {
        return Ok((
            None,
            None,
            Some(format!(
                "{primary} did not answer the filtering test's first request"
            )),
        ));
    }
    let outcomes = stun::exchange(
        socket,
        &[
            Request::changed(primary, true, true),
            Request::changed(primary, false, true),
        ],
        probe,
        |o| matches!(&o[0], Some(x) if answered(x).is_some()),
    )
    .await?;
    let mut note = None;
    let mut judge = |o: &Outcome, same_ip_expected: bool| -> Option<bool> {
        match o {
            Outcome::Response(r) if r.error.is_some() => {
                let (code, reason) = r.error.clone().unwrap_or_default();
                note = Some(format!(
                    "{primary} refused CHANGE-REQUEST ({code} {reason}): filtering behaviour \
                     could not be tested"
                ));
                None
            }
            Outcome::Response(r) => {
                let ip_changed = r.from.ip() != primary.ip();
                let port_changed = r.from.port() != primary.port();
                if port_changed && ip_changed != same_ip_expected {
                    Some(true)
                } else {
                    note = Some(format!(
                        "{primary} ignored CHANGE-REQUEST (answered from {}): filtering \
                         behaviour could not be tested",
                        r.from
                    ));
                    None
                }
            }
            Outcome::Timeout => Some(false),
            Outcome::SendFailed(_) | Outcome::NotNeeded => None,
        }
    };
    let f2 = judge(&outcomes[0], false);
    let f3 = if f2 == Some(true) {
        None
    } else {
        judge(&outcomes[1], true)
    };
    Ok((f2, f3, note))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_syntax() {
        assert!(parse_server("stun.example.org:3478").is_ok());
        assert!(parse_server("198.18.0.1:3478").is_ok());
        assert!(parse_server("[::1]:3478").is_ok());
        assert!(parse_server("stun.example.org").is_err());
        assert!(parse_server(":3478").is_err());
        assert!(parse_server("host:0").is_err());
        assert!(parse_server("host:99999").is_err());
    }

    #[test]
    fn probe_schedule_is_capped() {
        let s = probe_schedule(Duration::from_micros(200), DEFAULT_TIMEOUT);
        assert_eq!(s.give_up, Duration::from_millis(400));
        assert_eq!(s.initial_rto, Duration::from_millis(50));
        let s = probe_schedule(Duration::from_millis(300), DEFAULT_TIMEOUT);
        assert_eq!(s.give_up, Duration::from_millis(1500));
        let s = probe_schedule(Duration::from_millis(300), Duration::from_millis(100));
        assert_eq!(s.give_up, Duration::from_millis(400));
    }

    #[tokio::test]
    async fn empty_server_list_is_an_error() {
        let opts = DetectOptions {
            servers: vec![],
            ..DetectOptions::default()
        };
        assert!(matches!(detect(&opts).await, Err(DetectError::NoServers)));
    }
}

/// A fake RFC 5780 server on loopback (127.0.0.1 and 127.0.0.2, two ports each), to run the
/// whole sequence without root or network. Behind no NAT, so it checks the no-NAT branch, the
/// server-side oddities and the timeouts; the NAT types are covered by the namespace lab.
#[cfg(test)]
mod loopback {
    use std::net::{Ipv4Addr, SocketAddr};
    use std::sync::Arc;

    use bytecodec::EncodeExt;
    use stun_codec::rfc5389::attributes::{ErrorCode, XorMappedAddress};
    use stun_codec::rfc5389::methods::BINDING;
    use stun_codec::rfc5780::attributes::{OtherAddress, ResponseOrigin};
    use stun_codec::{Message, MessageClass, MessageEncoder};
    use tokio::net::UdpSocket;

    use super::*;
    use crate::nat::stun::{Attr, Incoming, decode};

    #[derive(Clone, Copy, PartialEq)]
    enum Server {
        Honest,
        Refuses420,
        IgnoresChange,
        NoOtherAddress,
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
    async fn start(kind: Server) -> SocketAddr {
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
                    let (change_ip, change_port) = change_flags(&buf[..len]);
                    let changing = change_ip || change_port;
                    let mut out = i;
                    if kind == Server::Honest {
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

    fn options(servers: Vec<String>, timeout_ms: u64) -> DetectOptions {
        DetectOptions {
            servers,
            timeout: Duration::from_millis(timeout_ms),
            hairpin: true,
            // Never probe the real gateway from a unit test.
            port_mapping: false,
            port: 6881,
            turn: None,
        }
    }

    async fn run(kind: Server) -> Report {
        let primary = start(kind).await;
        detect(&options(vec![primary.to_string()], 1000))
            .await
            .expect("detect")
    }

    #[tokio::test]
    async fn honest_server_without_nat_is_open_internet() {
        let r = run(Server::Honest).await;
        assert_eq!(r.status, Status::Ok);
        assert_eq!(r.nat, Some(false));
        assert_eq!(r.mapping, Some(Behaviour::EndpointIndependent));
        assert_eq!(r.filtering, Some(Behaviour::EndpointIndependent));
        assert_eq!(r.classic, ClassicType::OpenInternet);
        assert_eq!(r.public_address, r.local_address);
        assert_eq!(r.hairpinning, None);
        assert!(r.server.as_ref().is_some_and(|s| s.rfc5780));
        assert_eq!(r.tests.filtering_test2, Some(true));
        assert!(r.port_mapping.is_none());
        // The coordinator caches reports: they read back as written.
        let text = serde_json::to_string(&r).expect("json");
        let back: Report = serde_json::from_str(&text).expect("parse");
        assert_eq!(back.classic, r.classic);
        assert_eq!(back.public_address, r.public_address);
    }

    #[tokio::test]
    async fn error_420_on_change_request_keeps_the_public_address() {
        let r = run(Server::Refuses420).await;
        assert_eq!(r.status, Status::Ok);
        assert!(r.public_address.is_some());
        assert_eq!(r.filtering, None);
        assert_eq!(r.classic, ClassicType::Unknown);
        assert!(r.notes.iter().any(|n| n.contains("420")), "{:?}", r.notes);
    }

    #[tokio::test]
    async fn ignored_change_request_is_not_taken_for_open_filtering() {
        let r = run(Server::IgnoresChange).await;
        assert_eq!(r.filtering, None);
        assert_eq!(r.classic, ClassicType::Unknown);
        assert!(
            r.notes.iter().any(|n| n.contains("ignored")),
            "{:?}",
            r.notes
        );
    }

    #[tokio::test]
    async fn server_without_other_address_gives_the_public_address_and_a_note() {
        let r = run(Server::NoOtherAddress).await;
        assert_eq!(r.status, Status::Ok);
        assert!(r.public_address.is_some());
        assert!(r.server.as_ref().is_some_and(|s| !s.rfc5780));
        assert_eq!(r.classic, ClassicType::Unknown);
        assert!(
            r.notes.iter().any(|n| n.contains("RFC 5780")),
            "{:?}",
            r.notes
        );
    }

    #[tokio::test]
    async fn silence_is_udp_blocked_within_the_timeout() {
        // A port with nothing behind it.
        let closed = std::net::UdpSocket::bind("127.0.0.1:0")
            .and_then(|s| s.local_addr())
            .expect("bind");
        let started = std::time::Instant::now();
        let r = detect(&options(vec![closed.to_string()], 300))
            .await
            .expect("detect");
        assert_eq!(r.status, Status::UdpBlocked);
        assert_eq!(r.classic, ClassicType::UdpBlocked);
        assert!(started.elapsed() < Duration::from_secs(2));
        assert_eq!(r.servers_tried[0].result, "timeout");
    }

    #[tokio::test]
    async fn a_dead_server_first_in_the_list_is_skipped() {
        let closed = std::net::UdpSocket::bind("127.0.0.1:0")
            .and_then(|s| s.local_addr())
            .expect("bind");
        let primary = start(Server::Honest).await;
        let r = detect(&options(vec![closed.to_string(), primary.to_string()], 500))
            .await
            .expect("detect");
        assert_eq!(r.classic, ClassicType::OpenInternet);
        assert_eq!(r.servers_tried[0].result, "timeout");
        assert_eq!(r.servers_tried[1].result, "answered");
        assert_eq!(r.server.map(|s| s.address), Some(primary));
    }
}
