//! The RFC 5780 test sequence against the configured STUN servers: mapping test I to every
//! server at once (one connected socket each, so ICMP errors are seen), then mapping tests II
//! and III, then the filtering tests beside hairpinning, against the first RFC 5780 server that
//! answered.
//!
//! Every request follows RFC 8489's retransmission (Rc = 7, RTO doubling, Rm × RTO last wait)
//! squeezed into `--timeout` ([`Schedule::within`]), and requests that must be answered go out
//! as two transactions at once, so 30 % loss each way rarely loses them all. A test whose
//! answers are missing leaves its behaviour unknown; silence counts as "filtered" only by the
//! rule of `evidence.rs`.
//!
//! Order matters on Linux: the mapping tests (section 4.3) run first, the filtering tests
//! (section 4.4) on a fresh socket. A CHANGE-REQUEST reply that the router drops leaves an
//! unreplied conntrack entry behind; a mapping test from that same socket would then get a new
//! external port and a port-restricted router would look Symmetric.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use tokio::net::UdpSocket;
use tokio::time::Instant;

use super::classify::{self, Behaviour};
use super::evidence::silence_is_filtering;
use super::report::{DetectError, DetectOptions, Report, ServerAttempt, ServerInfo, Status};
use super::resolve::{Target, Unusable, resolve_all};
use super::stun::{self, Outcome, Request, Response, Schedule};

/// Transactions sent at once for each request that should be answered.
const COPIES: usize = 2;
/// Transactions (and controls) per filtering test and transmission slot.
const FILTER_COPIES: usize = 4;

fn answered(o: &Outcome) -> Option<&Response> {
    o.response()
        .filter(|r| r.error.is_none() && r.mapped.is_some())
}

/// The first usable answer among copies of one request.
fn first_answer(outcomes: &[Outcome]) -> Option<&Response> {
    outcomes.iter().find_map(answered)
}

/// How long after a transmission its answer may still come: a few round trips.
fn answer_grace(rtt: Duration) -> Duration {
    (rtt * 3).clamp(Duration::from_millis(50), Duration::from_secs(1))
}

/// The server that answered mapping test I and runs the other tests.
struct Contact {
    /// As given (`HOST:PORT`).
    spec: String,
    primary: SocketAddr,
    local_ip: IpAddr,
    answer: Response,
}

/// The RFC 5780 sequence; sets `report.status`.
pub(super) async fn run_stun(opts: &DetectOptions, report: &mut Report) -> Result<(), DetectError> {
    let Some(contact) = first_contact(opts, report).await? else {
        return Ok(());
    };
    let other = describe_server(report, &contact);
    let receiver = mapping_tests(opts, report, &contact, other).await?;
    filtering_and_hairpin(opts, report, &contact, other.is_some(), receiver).await?;
    Ok(())
}

/// Mapping test I from one connected socket, two transactions at once.
async fn contact_one(target: &Target, timeout: Duration) -> (Outcome, Option<SocketAddr>) {
    let socket = match UdpSocket::bind((target.local_ip, 0)).await {
        Ok(s) => s,
        Err(e) => return (Outcome::SendFailed(e.to_string()), None),
    };
    if let Err(e) = socket.connect(target.address).await {
        return (Outcome::Unreachable(e.to_string()), None);
    }
    let local = socket.local_addr().ok();
    let requests = [Request::binding(target.address); COPIES];
    let outcomes = match stun::exchange(&socket, &requests, Schedule::within(timeout), |o| {
        o.iter().flatten().any(|x| x.response().is_some())
    })
    .await
    {
        Ok(o) => o,
        Err(e) => return (Outcome::SendFailed(e.to_string()), local),
    };
    let pick = outcomes
        .iter()
        .find(|o| o.response().is_some())
        .or_else(|| outcomes.iter().find(|o| !matches!(o, Outcome::Timeout)))
        .cloned()
        .unwrap_or(Outcome::Timeout);
    (pick, local)
}

/// Resolves the servers (in parallel) and runs mapping test I against all of them at once. The
/// most preferred RFC 5780 server that answers wins; a less preferred one that answered first
/// waits only a few of its round trips for the preferred ones, so a dead server costs nothing.
async fn first_contact(
    opts: &DetectOptions,
    report: &mut Report,
) -> Result<Option<Contact>, DetectError> {
    let resolved = resolve_all(&opts.servers, opts.timeout).await;
    let mut attempts: Vec<ServerAttempt> = Vec::new();
    let mut targets: Vec<(usize, Target)> = Vec::new();
    for (i, (spec, r)) in opts.servers.iter().zip(resolved).enumerate() {
        let attempt = |address, result: &str, detail| ServerAttempt {
            server: spec.clone(),
            address,
            result: result.into(),
            rfc5780: false,
            detail,
        };
        match r {
            Ok(t) => {
                attempts.push(attempt(Some(t.address), "not_needed", None));
                targets.push((i, t));
            }
            Err(Unusable::Unresolved(e)) => attempts.push(attempt(None, "unresolved", Some(e))),
            Err(Unusable::NoRoute(a, e)) => attempts.push(attempt(
                Some(a),
                "unreachable",
                Some(format!("no route: {e}")),
            )),
        }
    }
    if targets.is_empty() {
        report.servers_tried = attempts;
        report.status = Status::NoServerReachable;
        report.notes.push(
            "no STUN server could be resolved or routed to (is DNS working, is there a route?)"
                .into(),
        );
        return Ok(None);
    }

    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut tasks = Vec::new();
    for (k, (_, target)) in targets.iter().enumerate() {
        let (tx, target, timeout) = (tx.clone(), target.clone(), opts.timeout);
        tasks.push(tokio::spawn(async move {
            let _ = tx.send((k, contact_one(&target, timeout).await));
        }));
    }
    drop(tx);
    let capable = |o: &Outcome| answered(o).is_some_and(|r| r.other.is_some());
    let mut results: Vec<Option<(Outcome, Option<SocketAddr>)>> = vec![None; targets.len()];
    let mut grace_until: Option<Instant> = None;
    loop {
        let best = results
            .iter()
            .position(|r| r.as_ref().is_some_and(|(o, _)| capable(o)));
        if let Some(best) = best
            && (results[..best].iter().all(Option::is_some)
                || grace_until.is_some_and(|t| Instant::now() >= t))
        {
            break;
        }
        if results.iter().all(Option::is_some) {
            break;
        }
        let received = match grace_until {
            Some(t) => tokio::time::timeout_at(t, rx.recv()).await.ok().flatten(),
            None => rx.recv().await,
        };
        let Some((k, result)) = received else {
            if grace_until.is_none() {
                break;
            }
            continue;
        };
        if capable(&result.0) && grace_until.is_none() {
            let rtt = result.0.response().map_or(Duration::ZERO, |r| r.rtt);
            grace_until = Some(
                Instant::now()
                    + (rtt * 2).clamp(Duration::from_millis(20), Duration::from_millis(250)),
            );
        }
        results[k] = Some(result);
    }
    for t in tasks {
        t.abort();
    }

    let mut chosen: Option<usize> = None;
    let mut fallback: Option<usize> = None;
    let (mut timeouts, mut failures, mut replies) = (0, 0, 0);
    for (k, (i, _)) in targets.iter().enumerate() {
        let a = &mut attempts[*i];
        let Some((outcome, _)) = &results[k] else {
            continue; // not_needed
        };
        let (result, detail) = match outcome {
            Outcome::Response(r) => {
                replies += 1;
                if let Some((code, reason)) = &r.error {
                    ("error_response", Some(format!("{code} {reason}")))
                } else if r.mapped.is_none() {
                    ("error_response", Some("no mapped address".into()))
                } else {
                    a.rfc5780 = r.other.is_some();
                    if a.rfc5780 && chosen.is_none() {
                        chosen = Some(k);
                    }
                    if fallback.is_none() {
                        fallback = Some(k);
                    }
                    ("answered", None)
                }
            }
            Outcome::Timeout => {
                timeouts += 1;
                ("timeout", None)
            }
            Outcome::Refused => {
                failures += 1;
                (
                    "refused",
                    Some("ICMP port unreachable: nothing listens there".into()),
                )
            }
            Outcome::Unreachable(e) => {
                failures += 1;
                ("unreachable", Some(e.clone()))
            }
            Outcome::SendFailed(e) => {
                failures += 1;
                ("send_failed", Some(e.clone()))
            }
            Outcome::NotNeeded => ("not_needed", None),
        };
        a.result = result.into();
        a.detail = detail;
    }
    report.servers_tried = attempts;

    let Some(k) = chosen.or(fallback) else {
        let unusable = report.servers_tried.len() - targets.len();
        report.status = if timeouts > 0 && failures == 0 && replies == 0 && unusable == 0 {
            report.notes.push(format!(
                "no STUN server answered within {:?}, after {} transmissions each: UDP is \
                 blocked on the way out, or every server listed is down",
                opts.timeout,
                stun::RC
            ));
            Status::UdpBlocked
        } else {
            report.notes.push(if replies > 0 {
                "no STUN server gave a usable answer".into()
            } else {
                "no STUN server could be reached (see servers_tried: refused, unreachable or \
                 unresolved); that says nothing about UDP being blocked"
                    .to_string()
            });
            Status::NoServerReachable
        };
        return Ok(None);
    };
    let Some((Outcome::Response(answer), local)) = results[k].clone() else {
        return Ok(None);
    };
    let target = &targets[k].1;
    report.local_address = local;
    Ok(Some(Contact {
        spec: target.spec.clone(),
        primary: target.address,
        local_ip: target.local_ip,
        answer,
    }))
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
        // Whole microseconds: no float noise in the JSON.
        rtt_ms: (answer.rtt.as_micros() as f64) / 1000.0,
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

/// Mapping tests I, II and III (section 4.3) together on a fresh socket, two transactions
/// each. Behind NAT without RFC 5780 only test I runs. Returns that socket and its mapped
/// address for the hairpinning test.
async fn mapping_tests(
    opts: &DetectOptions,
    report: &mut Report,
    contact: &Contact,
    other: Option<SocketAddr>,
) -> Result<Option<(UdpSocket, SocketAddr)>, DetectError> {
    if report.nat != Some(true) {
        // Without NAT the mapped address is the local one for every destination.
        report.mapping = Some(Behaviour::EndpointIndependent);
        return Ok(None);
    }
    let socket = UdpSocket::bind((contact.local_ip, 0)).await?;
    let mut requests = vec![Request::binding(contact.primary); COPIES];
    if let Some(other) = other {
        let alt_ip = SocketAddr::new(other.ip(), contact.primary.port());
        requests.extend([Request::binding(alt_ip); COPIES]);
        requests.extend([Request::binding(other); COPIES]);
    }
    let mapped = |o: &[Option<Outcome>], test: usize| {
        o[test * COPIES..(test + 1) * COPIES]
            .iter()
            .flatten()
            .find_map(answered)
            .and_then(|r| r.mapped)
    };
    let tests = requests.len() / COPIES;
    let outcomes = stun::exchange(&socket, &requests, Schedule::within(opts.timeout), |o| {
        let m1 = mapped(o, 0);
        if tests == 1 {
            return m1.is_some();
        }
        let m2 = mapped(o, 1);
        // Test III is only needed when test II shows a new mapping.
        m1.is_some() && m2.is_some() && (m1 == m2 || mapped(o, 2).is_some())
    })
    .await?;
    let get = |test: usize| {
        (test < tests)
            .then(|| first_answer(&outcomes[test * COPIES..(test + 1) * COPIES]))
            .flatten()
            .and_then(|r| r.mapped)
    };
    let (m1, m2, m3) = (get(0), get(1), get(2));
    report.tests.mapping_test1 = m1;
    report.tests.mapping_test2 = m2;
    report.tests.mapping_test3 = m3;
    if let Some(other) = other {
        report.mapping =
            m1.and_then(|m1| classify::mapping_behaviour(&m1, m2.as_ref(), m3.as_ref()));
        if report.mapping.is_none() {
            report.notes.push(format!(
                "mapping tests against {} and {other} got no answer after every \
                 retransmission: mapping behaviour unknown",
                contact.primary
            ));
        }
    }
    Ok(m1.map(|m1| (socket, m1)))
}

/// What the filtering exchange established about one test (II or III).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Filtered {
    Answered,
    /// Silent, and the controls make silence conclusive (`evidence.rs`).
    Silent,
    Unknown,
}

/// Filtering tests (section 4.4) on a fresh socket with their controls, and hairpinning beside
/// them (its silence judged by the same controls).
async fn filtering_and_hairpin(
    opts: &DetectOptions,
    report: &mut Report,
    contact: &Contact,
    rfc5780: bool,
    receiver: Option<(UdpSocket, SocketAddr)>,
) -> Result<(), DetectError> {
    let hairpin_wanted = report.nat == Some(true) && opts.hairpin && receiver.is_some();
    if !rfc5780 && !hairpin_wanted {
        return Ok(());
    }
    let grace = answer_grace(contact.answer.rtt);
    let schedule = Schedule::within(opts.timeout);
    let (evidence_tx, evidence_rx) = tokio::sync::watch::channel((0u32, 0u32));
    let s2 = UdpSocket::bind((contact.local_ip, 0)).await?;
    let filtering = filtering_tests(
        &s2,
        contact.primary,
        (rfc5780, hairpin_wanted),
        schedule,
        grace,
        evidence_tx,
    );
    let hairpin = async {
        let Some((socket, target)) = receiver.as_ref().filter(|_| hairpin_wanted) else {
            return Ok(None);
        };
        let s3 = UdpSocket::bind((contact.local_ip, 0)).await?;
        let expired =
            |sent: &[Instant]| sent.iter().filter(|t| t.elapsed() >= grace).count() as u32;
        let (arrived, sent) =
            stun::hairpin(&s3, socket, *target, schedule, FILTER_COPIES, |sent| {
                let (n, c) = *evidence_rx.borrow();
                silence_is_filtering(expired(sent), n, c)
            })
            .await?;
        let (n, c) = *evidence_rx.borrow();
        let result = if arrived {
            Some(true)
        } else if silence_is_filtering(expired(&sent), n, c) {
            Some(false)
        } else {
            None
        };
        Ok::<_, std::io::Error>(Some(result))
    };
    let (filtering, hairpin) = tokio::join!(filtering, hairpin);
    if rfc5780 {
        let (f2, f3, note) = filtering?;
        report.tests.filtering_test2 = f2;
        report.tests.filtering_test3 = f3;
        report.filtering = classify::filtering_behaviour(f2, f3);
        if let Some(note) = note {
            report.notes.push(note);
        }
    } else {
        filtering?;
    }
    match hairpin? {
        Some(Some(h)) => report.hairpinning = Some(h),
        Some(None) => report.notes.push(
            "the hairpinning test got no answer, but too much was lost on the way to call that \
             \"no hairpinning\": unknown"
                .into(),
        ),
        None => {}
    }
    Ok(())
}

/// Test II (change IP and port) and III (change port), [`FILTER_COPIES`] transactions each,
/// with as many control requests per transmission slot; publishes the controls' (sent, answered) on
/// `evidence`. Returns whether II and III were answered: `Some(false)` only when the silence is
/// conclusive, `None` where the server could not run them or the loss hid the answer.
async fn filtering_tests(
    socket: &UdpSocket,
    primary: SocketAddr,
    (with_tests, for_hairpin): (bool, bool),
    schedule: Schedule,
    grace: Duration,
    evidence: tokio::sync::watch::Sender<(u32, u32)>,
) -> std::io::Result<(Option<bool>, Option<bool>, Option<String>)> {
    let offsets = schedule.send_offsets();
    let mut planned: Vec<(Request, Vec<Duration>)> = Vec::new();
    let tests = if with_tests { 2 } else { 0 };
    if with_tests {
        planned.extend(std::iter::repeat_n(
            (Request::changed(primary, true, true), offsets.clone()),
            FILTER_COPIES,
        ));
        planned.extend(std::iter::repeat_n(
            (Request::changed(primary, false, true), offsets.clone()),
            FILTER_COPIES,
        ));
    }
    let controls_from = planned.len();
    for o in &offsets {
        planned.extend(std::iter::repeat_n(
            (Request::binding(primary), vec![*o]),
            FILTER_COPIES,
        ));
    }
    let judge_silence = |outcomes: &[Option<Outcome>], sent: &[Vec<Instant>], now: Instant| {
        let expired = |i: usize| {
            sent[i]
                .iter()
                .filter(|t| now.duration_since(**t) >= grace)
                .count() as u32
        };
        let (mut n, mut c) = (0u32, 0u32);
        for (i, outcome) in outcomes.iter().enumerate().skip(controls_from) {
            if matches!(outcome, Some(Outcome::Response(_))) {
                c += 1;
                n += 1;
            } else {
                n += expired(i);
            }
        }
        let state = |test: usize| {
            let range = test * FILTER_COPIES..(test + 1) * FILTER_COPIES;
            if range
                .clone()
                .any(|i| matches!(&outcomes[i], Some(Outcome::Response(_))))
            {
                Filtered::Answered
            } else if silence_is_filtering(range.map(expired).sum(), n, c) {
                Filtered::Silent
            } else {
                Filtered::Unknown
            }
        };
        let states = (0..tests).map(state).collect::<Vec<_>>();
        ((n, c), states)
    };
    let result = stun::exchange_planned(socket, &planned, schedule.give_up, |p| {
        let (counts, states) = judge_silence(p.outcomes, p.sent, p.now);
        evidence.send_replace(counts);
        // The hairpinning test judges its silence by these controls: keep them going until
        // they could prove a silence of three transmission slots.
        let controls_enough =
            !for_hairpin || silence_is_filtering(3 * FILTER_COPIES as u32, counts.0, counts.1);
        controls_enough
            && matches!(
                states.as_slice(),
                [] | [Filtered::Answered, _]
                    | [Filtered::Silent, Filtered::Answered | Filtered::Silent]
            )
    })
    .await?;
    if !with_tests {
        return Ok((None, None, None));
    }
    let outcomes: Vec<Option<Outcome>> = result.outcomes.iter().cloned().map(Some).collect();
    let (counts, states) = judge_silence(&outcomes, &result.sent, Instant::now());
    evidence.send_replace(counts);
    let mut note = None;
    let mut judge = |test: usize, same_ip_expected: bool| -> Option<bool> {
        let range = test * FILTER_COPIES..(test + 1) * FILTER_COPIES;
        if let Some(r) = result.outcomes[range].iter().find_map(Outcome::response) {
            if let Some((code, reason)) = &r.error {
                note = Some(format!(
                    "{primary} refused CHANGE-REQUEST ({code} {reason}): filtering behaviour \
                     could not be tested"
                ));
                return None;
            }
            let ip_changed = r.from.ip() != primary.ip();
            let port_changed = r.from.port() != primary.port();
            if port_changed && ip_changed != same_ip_expected {
                return Some(true);
            }
            note = Some(format!(
                "{primary} ignored CHANGE-REQUEST (answered from {}): filtering behaviour \
                 could not be tested",
                r.from
            ));
            return None;
        }
        match states[test] {
            Filtered::Silent => Some(false),
            _ => {
                note = Some(format!(
                    "filtering test {} got no answer, but only {} of {} control requests were \
                     answered: too much loss to call the silence filtering, so filtering is \
                     unknown",
                    if test == 0 { "II" } else { "III" },
                    counts.1,
                    counts.0
                ));
                None
            }
        }
    };
    let f2 = judge(0, false);
    let f3 = if f2 == Some(false) {
        judge(1, true)
    } else {
        None
    };
    Ok((f2, f3, note))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answer_grace_is_a_few_round_trips() {
        assert_eq!(
            answer_grace(Duration::from_micros(200)),
            Duration::from_millis(50)
        );
        assert_eq!(
            answer_grace(Duration::from_millis(100)),
            Duration::from_millis(300)
        );
        assert_eq!(answer_grace(Duration::from_secs(2)), Duration::from_secs(1));
    }
}
