//! The RFC 5780 test sequence against the configured STUN servers: mapping test I to every
//! server at once, then mapping tests II and III and the filtering tests against the first
//! RFC 5780 server that answered, with hairpinning beside them.
//!
//! Order matters on Linux: the mapping tests (section 4.3) run first on one socket, the filtering
//! tests (section 4.4) on a fresh socket. A CHANGE-REQUEST reply that the router drops leaves an
//! unreplied conntrack entry behind; a mapping test from that same socket would then get a new
//! external port and a port-restricted router would look Symmetric.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use tokio::net::UdpSocket;

use super::classify::{self, Behaviour};
use super::report::{DetectError, DetectOptions, Report, ServerAttempt, ServerInfo, Status};
use super::stun::{self, Outcome, Request, Response, Schedule};

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

/// The server that answered mapping test I and runs the other tests.
struct Contact {
    /// As given (`HOST:PORT`).
    spec: String,
    primary: SocketAddr,
    local_ip: IpAddr,
    /// The socket of test I; mapping tests II and III reuse it.
    socket: UdpSocket,
    answer: Response,
}

/// How mapping test I ended.
enum FirstContact {
    Answered(Box<Contact>),
    /// No server gave a usable answer; `udp_works` when some answer came back at all.
    Failed {
        udp_works: bool,
    },
}

/// The RFC 5780 sequence. Returns whether UDP works (some server answered at all).
pub(super) async fn run_stun(
    opts: &DetectOptions,
    report: &mut Report,
) -> Result<bool, DetectError> {
    let contact = match first_contact(opts, report).await? {
        FirstContact::Answered(contact) => contact,
        FirstContact::Failed { udp_works } => return Ok(udp_works),
    };
    let Some(other) = describe_server(report, &contact) else {
        return Ok(true);
    };
    let probe = probe_schedule(contact.answer.rtt, opts.timeout);
    mapping_tests(opts, report, &contact, other).await?;
    filtering_and_hairpin(opts, report, &contact, probe).await?;
    Ok(true)
}

/// Resolves the servers and sends mapping test I to all of them at once from one socket: the
/// first RFC 5780 server to answer runs the rest; the others only save time when the
/// preferred one is down.
async fn first_contact(
    opts: &DetectOptions,
    report: &mut Report,
) -> Result<FirstContact, DetectError> {
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
        return Ok(FirstContact::Failed { udp_works: false });
    };
    let local_ip = match route_source(first) {
        Ok(ip) => ip,
        Err(e) => {
            report.status = Status::NoServerReachable;
            report
                .notes
                .push(format!("no route to the STUN server {first}: {e}"));
            return Ok(FirstContact::Failed { udp_works: false });
        }
    };

    let socket = UdpSocket::bind((local_ip, 0)).await?;
    report.local_address = Some(socket.local_addr()?);
    let requests: Vec<Request> = targets.iter().map(|(_, a)| Request::binding(*a)).collect();
    let outcomes = stun::exchange(&socket, &requests, answer_schedule(opts.timeout), |o| {
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

    let Some((index, answer)) = chosen.or(fallback) else {
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
        return Ok(FirstContact::Failed {
            udp_works: any_reply,
        });
    };
    let (spec, primary) = targets[index].clone();
    Ok(FirstContact::Answered(Box::new(Contact {
        spec,
        primary,
        local_ip,
        answer: answer.clone(),
        socket,
    })))
}

/// Records what test I told (public address, NAT or not, the server), and returns the
/// server's alternate address when it can run the behaviour tests.
fn describe_server(report: &mut Report, contact: &Contact) -> Option<SocketAddr> {
    let Contact {
        spec,
        primary,
        answer,
        ..
    } = contact;
    let primary = *primary;
    report.status = Status::Ok;
    let m1 = answer.mapped;
    report.public_address = m1;
    report.tests.mapping_test1 = m1;
    report.alg_suspected = answer.alg_suspected;
    let nat = m1 != report.local_address;
    report.nat = Some(nat);
    let mut other = answer.other;
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
        other_address: answer.other,
        response_origin: answer.origin,
        rfc5780: other.is_some(),
        rtt_ms: answer.rtt.as_secs_f64() * 1000.0,
    });
    if report.alg_suspected {
        report.notes.push(
            "MAPPED-ADDRESS and XOR-MAPPED-ADDRESS differ: a router ALG rewrites addresses in \
             packets"
                .into(),
        );
    }
    if other.is_none() {
        report.notes.push(format!(
            "{spec} does not support RFC 5780 (no OTHER-ADDRESS): the public address is valid, \
             but mapping and filtering behaviour could not be tested; use --stun with an RFC \
             5780 server"
        ));
        if !nat {
            report.mapping = Some(Behaviour::EndpointIndependent);
        }
    }
    other
}

/// Mapping tests II and III (section 4.3), from the socket of test I.
async fn mapping_tests(
    opts: &DetectOptions,
    report: &mut Report,
    contact: &Contact,
    other: SocketAddr,
) -> Result<(), DetectError> {
    if report.nat != Some(true) {
        // Without NAT the mapped address is the local one for every destination.
        report.mapping = Some(Behaviour::EndpointIndependent);
        return Ok(());
    }
    let m1 = contact.answer.mapped;
    let alt_ip = SocketAddr::new(other.ip(), contact.primary.port());
    let outcomes = stun::exchange(
        &contact.socket,
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
    Ok(())
}

/// Filtering tests (section 4.4) on a fresh socket, with hairpinning beside them.
async fn filtering_and_hairpin(
    opts: &DetectOptions,
    report: &mut Report,
    contact: &Contact,
    probe: Schedule,
) -> Result<(), DetectError> {
    let nat = report.nat == Some(true);
    let s2 = UdpSocket::bind((contact.local_ip, 0)).await?;
    let filtering = filtering_tests(&s2, contact.primary, opts.timeout, probe);
    let hairpin = async {
        match (nat && opts.hairpin, contact.answer.mapped) {
            (true, Some(target)) => {
                let s3 = UdpSocket::bind((contact.local_ip, 0)).await?;
                stun::hairpin(&s3, &contact.socket, target, probe)
                    .await
                    .map(Some)
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
    Ok(())
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
    use crate::nat::DEFAULT_TIMEOUT;

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
}
