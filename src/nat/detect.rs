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
}

/// The whole sequence against the fake RFC 5780 server (`fake_stun`).
#[cfg(test)]
mod loopback {
    use super::*;
    use crate::nat::Behaviour;
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
