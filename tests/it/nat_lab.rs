//! `nat detect` in a network-namespace NAT lab (see tests/it/support/netns.rs; port mapping is
//! in nat_lab_mapping.rs): for every router mode, the real binary runs in the client namespace
//! against coturn in the public namespace,
//! its `--json` classification is checked, and coturn's `turnutils_natdiscovery` runs in the
//! same mode for comparison. Needs root, iproute2, nftables and coturn; without them it prints
//! `SKIP:` (and fails under CI=true).

use crate::support::netns;
use std::process::Output;

use netns::{Lab, STUN_PRIMARY};
use serde_json::Value;

pub(super) const BIN: &str = env!("CARGO_BIN_EXE_peerstream");

/// `nat detect --json` in the client namespace.
pub(super) fn detect(lab: &Lab, servers: &[&str], extra: &[&str]) -> (Value, Output) {
    let mut cmd = lab.command(&lab.client, BIN);
    cmd.args(["--quiet", "nat", "detect", "--json"]);
    for s in servers {
        cmd.args(["--stun", s]);
    }
    cmd.args(extra);
    cmd.env("PEERSTREAM_CACHE_DIR", lab.dir.path());
    let out = cmd
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run peerstream");
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "nat detect printed no JSON ({e}); stdout: {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (json, out)
}

/// What `turnutils_natdiscovery -m -f -H` concluded: mapping and filtering in our JSON
/// spelling, and whether the hairpinned request came back.
fn natdiscovery(lab: &Lab) -> (Option<String>, Option<String>, bool) {
    let out = lab
        .command(&lab.client, "turnutils_natdiscovery")
        .args(["-m", "-f", "-H", STUN_PRIMARY])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run turnutils_natdiscovery");
    let text = String::from_utf8_lossy(&out.stdout);
    let behaviour = |kind: &str| {
        text.lines()
            .find(|l| l.starts_with("NAT with ") && l.contains(kind))
            .map(|l| {
                if l.contains("Endpoint Independent") {
                    "endpoint_independent"
                } else if l.contains("Address and Port Dependent") {
                    "address_and_port_dependent"
                } else {
                    "address_dependent"
                }
                .to_string()
            })
    };
    let hairpin = text.contains("successful hairpinning");
    (behaviour("Mapping"), behaviour("Filtering"), hairpin)
}

pub(super) fn field(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

/// What a router mode must be reported as.
struct Expect {
    classic: &'static str,
    nat: Option<bool>,
    mapping: Option<&'static str>,
    filtering: Option<&'static str>,
    /// Only tested behind NAT.
    hairpinning: Option<bool>,
}

/// Builds a lab in `mode`, runs both detectors, checks the classification.
fn check_mode(mode: &str, expect: Expect) {
    let Expect {
        classic,
        nat,
        mapping,
        filtering,
        hairpinning,
    } = expect;
    if netns::prerequisites(&[]).is_err() {
        return;
    }
    let mut lab = Lab::new();
    lab.set_mode(mode);
    lab.start_stun();
    let primary = format!("{STUN_PRIMARY}:3478");
    let (report, out) = detect(&lab, &[&primary], &[]);
    let context = format!(
        "mode {mode}: {}\nstderr: {}",
        serde_json::to_string_pretty(&report).unwrap_or_default(),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        field(&report, "classic").as_deref(),
        Some(classic),
        "{context}"
    );
    assert_eq!(report.get("nat").and_then(Value::as_bool), nat, "{context}");
    assert_eq!(field(&report, "mapping").as_deref(), mapping, "{context}");
    assert_eq!(
        field(&report, "filtering").as_deref(),
        filtering,
        "{context}"
    );
    let expected_exit = if classic == "udp_blocked" { 9 } else { 0 };
    assert_eq!(out.status.code(), Some(expected_exit), "{context}");
    if classic != "udp_blocked" {
        assert_eq!(field(&report, "status").as_deref(), Some("ok"), "{context}");
        let public = field(&report, "public_address").unwrap_or_default();
        let expected_ip = if nat == Some(true) {
            netns::ROUTER_WAN_IP
        } else {
            netns::CLIENT_IP
        };
        assert!(public.starts_with(&format!("{expected_ip}:")), "{context}");
        assert_eq!(
            report.pointer("/server/rfc5780").and_then(Value::as_bool),
            Some(true),
            "{context}"
        );
    }
    assert_eq!(
        report.get("hairpinning").and_then(Value::as_bool),
        hairpinning,
        "{context}"
    );
    let verdict = field(&report, "verdict").unwrap_or_default();
    assert!(!verdict.is_empty(), "{context}");

    // The reference client, same lab, same mode.
    let (ref_mapping, ref_filtering, ref_hairpin) = natdiscovery(&lab);
    println!(
        "mode {mode}: peerstream {classic} ({mapping:?}, {filtering:?}, hairpin {hairpinning:?}); \
         turnutils_natdiscovery ({ref_mapping:?}, {ref_filtering:?}, hairpin {ref_hairpin})"
    );
    if let Some(h) = hairpinning {
        assert_eq!(ref_hairpin, h, "reference hairpinning, {context}");
    }
    assert_eq!(
        ref_mapping.as_deref(),
        mapping,
        "reference mapping, {context}"
    );
    assert_eq!(
        ref_filtering.as_deref(),
        filtering,
        "reference filtering, {context}"
    );
}

const EI: Option<&str> = Some("endpoint_independent");
const AD: Option<&str> = Some("address_dependent");
const APD: Option<&str> = Some("address_and_port_dependent");

#[test]
fn mode_none_is_open_internet() {
    check_mode(
        "none",
        Expect {
            classic: "open_internet",
            nat: Some(false),
            mapping: EI,
            filtering: EI,
            hairpinning: None,
        },
    );
}

#[test]
fn mode_firewall_is_symmetric_udp_firewall() {
    check_mode(
        "firewall",
        Expect {
            classic: "symmetric_udp_firewall",
            nat: Some(false),
            mapping: EI,
            filtering: APD,
            hairpinning: None,
        },
    );
}

#[test]
fn mode_masquerade_is_port_restricted_cone() {
    check_mode(
        "masquerade",
        Expect {
            classic: "port_restricted_cone",
            nat: Some(true),
            mapping: EI,
            filtering: APD,
            hairpinning: Some(false),
        },
    );
}

#[test]
fn mode_random_fully_is_symmetric() {
    check_mode(
        "random",
        Expect {
            classic: "symmetric",
            nat: Some(true),
            mapping: APD,
            filtering: APD,
            hairpinning: Some(false),
        },
    );
}

#[test]
fn mode_fullcone_is_full_cone() {
    check_mode(
        "fullcone",
        Expect {
            classic: "full_cone",
            nat: Some(true),
            mapping: EI,
            filtering: EI,
            hairpinning: Some(false),
        },
    );
}

#[test]
fn mode_restricted_is_restricted_cone() {
    check_mode(
        "restricted",
        Expect {
            classic: "restricted_cone",
            nat: Some(true),
            mapping: EI,
            filtering: AD,
            hairpinning: Some(false),
        },
    );
}

#[test]
fn mode_hairpin_is_port_restricted_cone_with_hairpinning() {
    check_mode(
        "hairpin",
        Expect {
            classic: "port_restricted_cone",
            nat: Some(true),
            mapping: EI,
            filtering: APD,
            hairpinning: Some(true),
        },
    );
}

#[test]
fn mode_udpdrop_is_udp_blocked() {
    check_mode(
        "udpdrop",
        Expect {
            classic: "udp_blocked",
            nat: None,
            mapping: None,
            filtering: None,
            hairpinning: None,
        },
    );
}

/// A server without RFC 5780 still gives the public address, with a note; and a name that
/// does not resolve is "no STUN server reachable" (exit 8).
#[test]
fn server_without_rfc5780_and_unreachable_servers() {
    if netns::prerequisites(&[]).is_err() {
        return;
    }
    let mut lab = Lab::new();
    lab.set_mode("masquerade");
    lab.start_plain_stun();
    let plain = format!("{}:3478", netns::SPARE_PUBLIC);
    let (report, out) = detect(&lab, &[&plain], &["--no-port-mapping"]);
    let context = serde_json::to_string_pretty(&report).unwrap_or_default();
    assert_eq!(out.status.code(), Some(0), "{context}");
    assert_eq!(
        field(&report, "classic").as_deref(),
        Some("unknown"),
        "{context}"
    );
    assert!(
        field(&report, "public_address")
            .is_some_and(|a| a.starts_with(&format!("{}:", netns::ROUTER_WAN_IP))),
        "{context}"
    );
    assert_eq!(report.get("nat").and_then(Value::as_bool), Some(true));
    let notes = report["notes"].to_string();
    assert!(notes.contains("RFC 5780"), "{context}");
    // Hairpinning needs only the one address: tested, and right both ways.
    assert_eq!(report["hairpinning"], Value::Bool(false), "{context}");
    lab.set_mode("hairpin");
    let (report, _) = detect(&lab, &[&plain], &["--no-port-mapping"]);
    let context = serde_json::to_string_pretty(&report).unwrap_or_default();
    assert_eq!(report["hairpinning"], Value::Bool(true), "{context}");
    assert_eq!(report["filtering"], Value::Null, "{context}");
    lab.set_mode("masquerade");

    // Nothing resolves inside the client namespace: exit 8, status no_server_reachable.
    let (report, out) = detect(
        &lab,
        &["stun.invalid:3478"],
        &["--no-port-mapping", "--timeout", "1"],
    );
    assert_eq!(out.status.code(), Some(8), "{report}");
    assert_eq!(
        field(&report, "status").as_deref(),
        Some("no_server_reachable")
    );
}

/// `nat detect --turn` against coturn as a TURN relay: the allocation is granted and the
/// relayed address reported; a wrong password is reported as such, without failing detection.
#[test]
fn turn_relay_allocation() {
    if netns::prerequisites(&[]).is_err() {
        return;
    }
    let mut lab = Lab::new();
    lab.set_mode("masquerade");
    lab.start_turn();
    let server = format!("{}:3478", netns::SPARE_PUBLIC);
    let good = format!("turn:peer:secret@{server}");
    let (report, out) = detect(&lab, &[&server], &["--no-port-mapping", "--turn", &good]);
    let context = serde_json::to_string_pretty(&report).unwrap_or_default();
    assert_eq!(out.status.code(), Some(0), "{context}");
    let turn = &report["turn"];
    assert_eq!(turn["ok"], Value::Bool(true), "{context}");
    let relayed = turn["relayed_address"].as_str().unwrap_or_default();
    assert!(
        relayed.starts_with(&format!("{}:", netns::SPARE_PUBLIC)),
        "{context}"
    );
    let mapped = turn["mapped_address"].as_str().unwrap_or_default();
    assert!(
        mapped.starts_with(&format!("{}:", netns::ROUTER_WAN_IP)),
        "{context}"
    );
    assert!(
        !context.contains("secret"),
        "the password leaked into the report"
    );

    let bad = format!("turn:peer:wrong@{server}");
    let (report, out) = detect(&lab, &[&server], &["--no-port-mapping", "--turn", &bad]);
    let context = serde_json::to_string_pretty(&report).unwrap_or_default();
    assert_eq!(out.status.code(), Some(0), "{context}");
    assert_eq!(report["turn"]["ok"], Value::Bool(false), "{context}");
    let error = report["turn"]["error"].as_str().unwrap_or_default();
    assert!(error.contains("401"), "{context}");
}

/// 30 % random UDP loss each way on the router: every run's verdict is either right or
/// explicitly unknown, never a confident wrong one (no "UDP blocked", no wrong cone).
#[test]
fn loss_never_gives_a_confident_wrong_verdict() {
    if netns::prerequisites(&[]).is_err() {
        return;
    }
    let runs: usize = std::env::var("PEERSTREAM_LOSS_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let primary = format!("{STUN_PRIMARY}:3478");
    for (mode, right) in [
        ("masquerade", "port_restricted_cone"),
        ("fullcone", "full_cone"),
    ] {
        let mut lab = Lab::new();
        lab.set_mode(mode);
        lab.set_loss(30);
        lab.start_stun();
        let (mut ok, mut unknown) = (0, 0);
        let mut times = Vec::new();
        for _ in 0..runs {
            let started = std::time::Instant::now();
            let (report, out) = detect(&lab, &[&primary], &["--no-port-mapping"]);
            times.push(started.elapsed().as_millis());
            let classic = field(&report, "classic").unwrap_or_default();
            let context = format!(
                "mode {mode} at 30 % loss: {}",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            );
            // Behaviours that were decided must be right.
            let mapping = field(&report, "mapping");
            assert!(
                mapping.is_none() || mapping.as_deref() == Some("endpoint_independent"),
                "{context}"
            );
            let filtering = field(&report, "filtering");
            let right_filtering = if mode == "fullcone" {
                "endpoint_independent"
            } else {
                "address_and_port_dependent"
            };
            assert!(
                filtering.is_none() || filtering.as_deref() == Some(right_filtering),
                "{context}"
            );
            if classic == right {
                ok += 1;
                assert_eq!(out.status.code(), Some(0), "{context}");
            } else {
                assert_eq!(classic, "unknown", "{context}");
                unknown += 1;
            }
        }
        times.sort_unstable();
        println!(
            "loss 30 % {mode}: {runs} runs, {ok} right, {unknown} unknown, 0 wrong, median {} ms",
            times[times.len() / 2]
        );
    }
}

/// No route and no DNS: "no STUN server reachable" (exit 8), never "UDP blocked"; and a dead
/// first server costs about one round trip of the live one, not the timeout.
#[test]
fn unreachable_servers_and_a_dead_first_server() {
    if netns::prerequisites(&[]).is_err() {
        return;
    }
    let mut lab = Lab::new();
    lab.set_mode("masquerade");
    lab.start_stun();
    let primary = format!("{STUN_PRIMARY}:3478");
    // Nothing listens on the spare address: ICMP port unreachable comes back.
    let dead = format!("{}:3478", netns::SPARE_PUBLIC);
    let started = std::time::Instant::now();
    let (report, out) = detect(&lab, &[&dead, &primary], &["--no-port-mapping"]);
    let took = started.elapsed();
    let context = serde_json::to_string_pretty(&report).unwrap_or_default();
    assert_eq!(out.status.code(), Some(0), "{context}");
    assert_eq!(report["servers_tried"][0]["result"], "refused", "{context}");
    assert_eq!(
        report["servers_tried"][1]["result"], "answered",
        "{context}"
    );
    // A silent (dropping) first server: the router drops what goes to 198.19.0.5.
    let silent = "198.19.0.5:3478";
    let started_silent = std::time::Instant::now();
    let (report, out) = detect(&lab, &[silent, &primary], &["--no-port-mapping"]);
    let took_silent = started_silent.elapsed();
    let context = serde_json::to_string_pretty(&report).unwrap_or_default();
    assert_eq!(out.status.code(), Some(0), "{context}");
    assert_eq!(
        field(&report, "classic").as_deref(),
        Some("port_restricted_cone"),
        "{context}"
    );
    println!("dead first server: refused {took:?}, silent {took_silent:?} (timeout 3 s)");
    assert!(
        took_silent < std::time::Duration::from_millis(2500),
        "{took_silent:?}"
    );

    // Only the dead server: refused is "no server reachable", exit 8, not "UDP blocked".
    let (report, out) = detect(&lab, &[&dead], &["--no-port-mapping"]);
    let context = serde_json::to_string_pretty(&report).unwrap_or_default();
    assert_eq!(out.status.code(), Some(8), "{context}");
    assert_eq!(
        field(&report, "classic").as_deref(),
        Some("no_server_reachable"),
        "{context}"
    );

    // No route at all, and a name that cannot resolve.
    lab.drop_client_route();
    let started = std::time::Instant::now();
    let (report, out) = detect(
        &lab,
        &[&primary, "stun.invalid:3478"],
        &["--no-port-mapping", "--timeout", "1"],
    );
    let context = serde_json::to_string_pretty(&report).unwrap_or_default();
    println!("offline: {:?}", started.elapsed());
    assert!(
        started.elapsed() < std::time::Duration::from_secs(3),
        "{context}"
    );
    assert_eq!(out.status.code(), Some(8), "{context}");
    assert_eq!(
        field(&report, "status").as_deref(),
        Some("no_server_reachable"),
        "{context}"
    );
    assert_eq!(
        field(&report, "classic").as_deref(),
        Some("no_server_reachable"),
        "{context}"
    );
    assert_eq!(
        report["servers_tried"][0]["result"], "unreachable",
        "{context}"
    );
    assert!(
        !report["verdict"]
            .to_string()
            .contains("UDP does not get through"),
        "{context}"
    );
}

/// An IPv6-only client: a dual-stack name resolves to its AAAA record (the A record has no
/// route), and with `--stun <v4> --stun [<v6>]` the IPv6 server is tried too.
#[test]
fn ipv6_only_client_uses_the_aaaa_record() {
    if netns::prerequisites(&[]).is_err() {
        return;
    }
    let mut lab = Lab::new();
    lab.set_mode("masquerade");
    lab.start_stun();
    lab.client_ipv6_only();
    lab.client_hosts(&format!(
        "{STUN_PRIMARY} stun.lab.test\n{} stun.lab.test",
        netns::STUN_PRIMARY_V6
    ));
    let (report, out) = detect(&lab, &["stun.lab.test:3478"], &["--no-port-mapping"]);
    let context = serde_json::to_string_pretty(&report).unwrap_or_default();
    assert_eq!(out.status.code(), Some(0), "{context}");
    assert_eq!(
        report.pointer("/server/address").and_then(Value::as_str),
        Some("[2001:db8:2::2]:3478"),
        "{context}"
    );
    // IPv6 is routed without NAT in the lab.
    assert_eq!(report["nat"], Value::Bool(false), "{context}");

    let v4 = format!("{STUN_PRIMARY}:3478");
    let v6 = format!("[{}]:3478", netns::STUN_PRIMARY_V6);
    let (report, out) = detect(&lab, &[&v4, &v6], &["--no-port-mapping"]);
    let context = serde_json::to_string_pretty(&report).unwrap_or_default();
    assert_eq!(out.status.code(), Some(0), "{context}");
    assert_eq!(
        report["servers_tried"][0]["result"], "unreachable",
        "{context}"
    );
    assert_eq!(
        report["servers_tried"][1]["result"], "answered",
        "{context}"
    );
}
