//! `nat detect`: the RFC 5780 sequence (`rfc5780.rs`), the TURN check and the port-mapping
//! probe run side by side, then the verdict and advice.

use std::time::{Duration, Instant};

use super::classify::{self, ClassicType, MappingFacts, Observations};
use super::mapping;
use super::report::{DetectError, DetectOptions, Report, Status, Tests, parse_server};
use super::rfc5780::run_stun;
use super::turn;

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
        // The gateway is one hop away: 1 s is plenty, and a short --timeout shortens it.
        let budget = opts.timeout.min(Duration::from_millis(1000));
        tokio::spawn(async move { mapping::probe(port, budget).await })
    });

    // The TURN check uses its own socket and server; run it beside the rest too.
    let turn_check = opts.turn.clone().map(|spec| {
        let timeout = opts.timeout;
        tokio::spawn(async move { turn::check(&spec, timeout).await })
    });

    run_stun(opts, &mut report).await?;

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
        status: report.status,
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
            double_nat: false,
        })
        .unwrap_or_default();
    if let Some(p) = &report.port_mapping {
        for (name, x) in [
            ("UPnP-IGD", &p.upnp_igd),
            ("NAT-PMP", &p.nat_pmp),
            ("PCP", &p.pcp),
        ] {
            if x.answered && x.test_mapping != Some(true) && x.error.is_some() {
                report.notes.push(format!(
                    "{name} refused: {}",
                    x.error.as_deref().unwrap_or("no reason given")
                ));
            }
        }
        if p.external_ip().is_none() && p.no_public_address() && report.status == Status::Ok {
            // The router has no public address, yet STUN reached the internet through it.
            report.double_nat = Some(true);
            facts.double_nat = true;
            report.notes.push(
                "the router says it has no public address of its own (NAT-PMP \"network \
                 failure\") while STUN reaches the internet through it: another NAT sits \
                 beyond it (carrier-grade NAT, 100.64.0.0/10, or double NAT)"
                    .into(),
            );
        }
        if let Some(gateway_ip) = p.external_ip() {
            let public = report.public_address.map(|a| a.ip());
            let (double, note) = double_nat(gateway_ip, public, facts.test_mapping_ok);
            report.double_nat = double;
            report.notes.push(note);
            facts.double_nat = double == Some(true);
        }
    }
    let (verdict, advice) = classify::verdict(report.classic, opts.port, facts);
    report.verdict = verdict;
    report.advice = advice;
    report.duration_ms = started.elapsed().as_millis() as u64;
    Ok(report)
}

/// RFC 6598 shared address space (carrier-grade NAT), 100.64.0.0/10.
fn is_shared(ip: std::net::Ipv4Addr) -> bool {
    let o = ip.octets();
    o[0] == 100 && (o[1] & 0xc0) == 64
}

/// Whether another NAT sits beyond the router, from the external address the router reports
/// (UPnP / NAT-PMP / PCP) and the one STUN saw; with the note that explains it.
///
/// What can be told: a router address in 100.64.0.0/10 (CGNAT), in a private or link-local
/// range, or different from the STUN address means a NAT beyond it. What cannot: a router that
/// learns its address by STUN (miniupnpd `ext_perform_stun`) reports the STUN address even
/// behind another NAT, and maps when that NAT passes its filtering test (the NAT lab's
/// full-cone carrier does, yet drops inbound traffic to the mapped port). So "same address"
/// stays unknown (`None`) whether the test mapping worked or not.
fn double_nat(
    gateway: std::net::IpAddr,
    public: Option<std::net::IpAddr>,
    mapping_ok: bool,
) -> (Option<bool>, String) {
    let v4 = match gateway {
        std::net::IpAddr::V4(v4) => Some(v4),
        std::net::IpAddr::V6(_) => None,
    };
    if let Some(v4) = v4 {
        if is_shared(v4) {
            return (
                Some(true),
                format!(
                    "the router's WAN address {v4} is in 100.64.0.0/10 (RFC 6598, carrier-grade \
                     NAT): the ISP's NAT sits beyond it, so a mapping on the router alone does \
                     not make you reachable"
                ),
            );
        }
        if v4.is_private() || v4.is_link_local() {
            return (
                Some(true),
                format!(
                    "the router's WAN address {v4} is private: another NAT sits beyond it \
                     (double NAT), so a mapping on the router alone does not make you reachable"
                ),
            );
        }
    }
    match public {
        Some(public) if public != gateway => (
            Some(true),
            format!(
                "the router reports {gateway} as its external address, but STUN sees {public}: \
                 another NAT sits beyond the router (double NAT or carrier-grade NAT), so a \
                 mapping on the router alone does not make you reachable"
            ),
        ),
        Some(_) if mapping_ok => (
            None,
            format!(
                "the router reports the public address {gateway} that STUN sees and accepted the \
                 test mapping; a router that learns its address by STUN behind another NAT can \
                 look the same, so double NAT cannot be ruled out (the router's status page shows \
                 its own WAN address: 100.64.x.x or private means a NAT beyond it)"
            ),
        ),
        Some(_) => (
            None,
            format!(
                "the router reports the public address {gateway} that STUN sees, but refused \
                 the test mapping: a router that learns its address by STUN behind another NAT \
                 looks the same, so double NAT cannot be ruled out"
            ),
        ),
        None => (
            None,
            format!("the router reports {gateway}; no STUN address to compare it with"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn empty_server_list_is_an_error() {
        let opts = DetectOptions {
            servers: vec![],
            ..DetectOptions::default()
        };
        assert!(matches!(detect(&opts).await, Err(DetectError::NoServers)));
    }

    #[test]
    fn double_nat_from_the_router_address() {
        let ip = |s: &str| s.parse::<std::net::IpAddr>().expect("ip");
        let public = Some(ip("203.0.113.7"));
        assert_eq!(double_nat(ip("100.64.3.4"), public, true).0, Some(true));
        assert_eq!(double_nat(ip("100.127.255.1"), None, false).0, Some(true));
        assert_eq!(
            double_nat(ip("100.128.0.1"), Some(ip("100.128.0.1")), true).0,
            None
        );
        assert_eq!(double_nat(ip("192.168.1.5"), public, true).0, Some(true));
        assert_eq!(double_nat(ip("198.51.100.1"), public, true).0, Some(true));
        // Same address: a STUN-learning router behind another NAT looks so, mapping or not.
        assert_eq!(double_nat(ip("203.0.113.7"), public, true).0, None);
        assert_eq!(double_nat(ip("203.0.113.7"), public, false).0, None);
    }
}

/// The whole sequence against the fake RFC 5780 server (`fake_stun`).
#[cfg(test)]
mod loopback {
    use super::*;
    use crate::nat::classify::Behaviour;
    use crate::nat::fake_stun::{Server, start};

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
        // A socket that receives and never answers.
        let silent = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
        let addr = silent.local_addr().expect("addr");
        let started = std::time::Instant::now();
        let r = detect(&options(vec![addr.to_string()], 800))
            .await
            .expect("detect");
        assert_eq!(r.status, Status::UdpBlocked);
        assert_eq!(r.classic, ClassicType::UdpBlocked);
        assert!(started.elapsed() < Duration::from_secs(2));
        assert_eq!(r.servers_tried[0].result, "timeout");
        // Every one of the Rc transmissions went out (two transactions at once).
        let mut buf = [0u8; 1500];
        silent.set_nonblocking(true).expect("nonblocking");
        let mut received = 0;
        while silent.recv_from(&mut buf).is_ok() {
            received += 1;
        }
        assert_eq!(received, 2 * crate::nat::stun::RC, "transmissions seen");
    }

    #[tokio::test]
    async fn a_closed_port_is_refused_not_udp_blocked() {
        let closed = std::net::UdpSocket::bind("127.0.0.1:0")
            .and_then(|s| s.local_addr())
            .expect("bind");
        let started = std::time::Instant::now();
        let r = detect(&options(vec![closed.to_string()], 3000))
            .await
            .expect("detect");
        // The ICMP port unreachable ends it at once, as "refused".
        assert!(
            started.elapsed() < Duration::from_millis(500),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(r.status, Status::NoServerReachable);
        assert_eq!(r.classic, ClassicType::NoServerReachable);
        assert_eq!(r.servers_tried[0].result, "refused");
        assert!(
            !r.verdict.contains("UDP does not get through"),
            "{}",
            r.verdict
        );
    }

    #[tokio::test]
    async fn a_dead_server_first_in_the_list_costs_about_one_round_trip() {
        let silent = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
        let closed = std::net::UdpSocket::bind("127.0.0.1:0")
            .and_then(|s| s.local_addr())
            .expect("bind");
        let primary = start(Server::Honest).await;
        let servers = vec![
            silent.local_addr().expect("addr").to_string(),
            closed.to_string(),
            primary.to_string(),
        ];
        let started = std::time::Instant::now();
        let r = detect(&options(servers, 3000)).await.expect("detect");
        let took = started.elapsed();
        assert_eq!(r.classic, ClassicType::OpenInternet);
        assert_eq!(r.server.map(|s| s.address), Some(primary));
        assert_eq!(r.servers_tried[0].result, "not_needed");
        assert_eq!(
            r.servers_tried[1].result, "refused",
            "{:?}",
            r.servers_tried
        );
        assert_eq!(r.servers_tried[2].result, "answered");
        // Not the 3 s timeout of the silent one: a few of the live server's round trips plus
        // the filtering tests' evidence (about 3 RTOs of 38 ms).
        assert!(took < Duration::from_millis(1500), "{took:?}");
    }

    #[tokio::test]
    async fn heavy_loss_gives_right_or_unknown_never_a_firm_wrong_type() {
        // Half the requests dropped: the filtering test's silence must not read as a firewall,
        // and the lack of answers must not read as "UDP blocked".
        let primary = start(Server::Lossy(50)).await;
        let (mut right, mut unknown) = (0, 0);
        for _ in 0..6 {
            let r = detect(&options(vec![primary.to_string()], 1000))
                .await
                .expect("detect");
            match r.classic {
                ClassicType::OpenInternet => right += 1,
                ClassicType::Unknown => unknown += 1,
                other => panic!("firm wrong verdict {other:?} under loss: {r:?}"),
            }
        }
        assert_eq!(right + unknown, 6);
    }

    #[tokio::test]
    async fn rtt_has_no_float_noise() {
        let r = run(Server::Honest).await;
        let text = serde_json::to_string(&r).expect("json");
        let rtt = r.server.map(|s| s.rtt_ms).expect("server");
        assert_eq!((rtt * 1000.0).round() / 1000.0, rtt);
        let shown = text.split("\"rtt_ms\":").nth(1).expect("rtt in json");
        let number: String = shown.chars().take_while(|c| *c != ',').collect();
        assert!(number.len() <= 9, "{number}");
    }

    #[tokio::test]
    async fn without_nat_a_single_address_server_guesses_neither_filtering_nor_hairpinning() {
        let r = run(Server::NoOtherAddress).await;
        // No NAT on loopback: the hairpin test does not apply, and no filtering was guessed.
        assert_eq!(r.hairpinning, None);
        assert_eq!(r.filtering, None);
    }
}
