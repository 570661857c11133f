//! Port mapping in the network-namespace NAT lab: `nat map` / `nat unmap` against miniupnpd,
//! a CGNAT router that refuses every mapping, and a router that learns its address by STUN
//! behind a carrier NAT. Needs root and the lab's tools; `SKIP:` otherwise (fails under CI=true).

use std::process::Output;

use serde_json::Value;

use super::nat_lab::{BIN, detect, field};
use crate::support::netns::{self, Lab, STUN_PRIMARY};

/// Runs `peerstream nat ...` in the client namespace with the lab's cache folder.
fn nat_cmd(lab: &Lab, args: &[&str]) -> (Value, Output) {
    let out = lab
        .command(&lab.client, BIN)
        .args(["--quiet", "nat"])
        .args(args)
        .arg("--json")
        .env("PEERSTREAM_CACHE_DIR", lab.dir.path())
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run peerstream");
    let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (json, out)
}

/// Sends one UDP datagram and opens one TCP connection from the public namespace to the
/// router's WAN address and `port`; returns whether each reached the client's sockets.
fn inbound_reaches_client(lab: &Lab, port: u16) -> (bool, bool) {
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream, UdpSocket};
    use std::time::Duration;
    let (udp, tcp) = lab.in_ns(&lab.client, move || {
        let udp = UdpSocket::bind(("0.0.0.0", port)).expect("client udp");
        let tcp = TcpListener::bind(("0.0.0.0", port)).expect("client tcp");
        (udp, tcp)
    });
    let target = format!("{}:{port}", netns::ROUTER_WAN_IP);
    let (sender, connected) = lab.in_ns(&lab.public, move || {
        let sender = UdpSocket::bind("0.0.0.0:0").expect("public udp");
        let _ = sender.send_to(b"inbound through the mapping", &target);
        let addr: std::net::SocketAddr = target.parse().expect("addr");
        let connected = TcpStream::connect_timeout(&addr, Duration::from_millis(800))
            .and_then(|mut s| s.write_all(b"tcp"))
            .is_ok();
        (sender, connected)
    });
    udp.set_read_timeout(Some(Duration::from_millis(800)))
        .expect("timeout");
    let mut buf = [0u8; 64];
    let udp_ok = matches!(udp.recv_from(&mut buf), Ok((n, _)) if &buf[..n] == b"inbound through the mapping");
    let tcp_ok = connected && {
        tcp.set_nonblocking(false).expect("blocking");
        match tcp.accept() {
            Ok((mut s, _)) => {
                s.set_read_timeout(Some(Duration::from_millis(800)))
                    .expect("timeout");
                let mut got = [0u8; 3];
                s.read_exact(&mut got).is_ok() && &got == b"tcp"
            }
            Err(_) => false,
        }
    };
    drop(sender);
    (udp_ok, tcp_ok)
}

/// miniupnpd in the router: `nat detect` sees all three protocols, `nat map` works over
/// UPnP-IGD, PCP and NAT-PMP, a packet from the public side reaches the client through each
/// mapping, and `nat unmap` removes it.
#[test]
fn port_mapping_with_miniupnpd() {
    if netns::prerequisites(&[("miniupnpd", "miniupnpd")]).is_err() {
        return;
    }
    let mut lab = Lab::new();
    lab.start_miniupnpd();
    lab.start_stun();

    let primary = format!("{STUN_PRIMARY}:3478");
    let (report, out) = detect(&lab, &[&primary], &[]);
    assert_eq!(out.status.code(), Some(0), "{report}");
    assert_eq!(
        field(&report, "classic").as_deref(),
        Some("port_restricted_cone")
    );
    for proto in ["upnp_igd", "nat_pmp", "pcp"] {
        let p = &report["port_mapping"][proto];
        assert_eq!(p["answered"], Value::Bool(true), "{proto}: {report}");
        assert_eq!(p["test_mapping"], Value::Bool(true), "{proto}: {report}");
    }
    // miniupnpd reports its label, STUN the real address: detect calls that double NAT.
    assert_eq!(report["double_nat"], Value::Bool(true), "{report}");

    for (method, port) in [("upnp", 41000u16), ("pcp", 41001), ("nat-pmp", 41002)] {
        let port_text = port.to_string();
        // Before mapping, nothing gets in.
        assert_eq!(
            inbound_reaches_client(&lab, port),
            (false, false),
            "{method} before map"
        );

        let (json, out) = nat_cmd(&lab, &["map", "--method", method, "--port", &port_text]);
        let context = format!(
            "{method}: {json}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.code(), Some(0), "{context}");
        let mappings = json["mappings"].as_array().cloned().unwrap_or_default();
        assert_eq!(mappings.len(), 2, "{context}");
        for m in &mappings {
            assert_eq!(
                m["external_port"].as_u64(),
                Some(u64::from(port)),
                "{context}"
            );
            assert_eq!(
                m["external_ip"].as_str(),
                Some(netns::UPNP_LABEL),
                "{context}"
            );
        }
        assert_eq!(
            inbound_reaches_client(&lab, port),
            (true, true),
            "{context}"
        );

        let (json, out) = nat_cmd(&lab, &["unmap", "--port", &port_text]);
        let context = format!(
            "{method} unmap: {json}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.code(), Some(0), "{context}");
        assert_eq!(
            json["removed"].as_array().map(Vec::len),
            Some(2),
            "{context}"
        );
        let rules = lab.upnp_rules();
        assert!(
            !rules.contains(&format!("dport {port}")),
            "{context}\n{rules}"
        );
        assert_eq!(
            inbound_reaches_client(&lab, port),
            (false, false),
            "{method} after unmap"
        );
    }

    // Nothing recorded any more: unmap says so and fails.
    let (_, out) = nat_cmd(&lab, &["unmap"]);
    assert_eq!(out.status.code(), Some(1));

    hold_renews_and_removes_on_sigint(&lab);
}

/// `nat map --hold` renews its lease at half the lifetime, and Ctrl-C (SIGINT) removes the
/// mapping before it exits.
fn hold_renews_and_removes_on_sigint(lab: &Lab) {
    use std::time::Duration;
    let port = 41003u16;
    let rule = format!("dport {port}");
    let added = format!("AddPortMapping: ext port {port} ");
    let mut child = crate::support::ChildGuard::spawn(
        lab.command(&lab.client, BIN)
            .args(["--quiet", "nat", "map", "--method", "upnp", "--hold"])
            .args(["--port", &port.to_string(), "--lifetime", "2"])
            .env("PEERSTREAM_CACHE_DIR", lab.dir.path())
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped()),
    );
    crate::support::wait_until(
        Duration::from_secs(5),
        "nat map --hold to map the port",
        || {
            let rules = lab.upnp_rules();
            if rules.contains(&rule) {
                Ok(())
            } else {
                Err(rules)
            }
        },
    );
    // Lease 2 s: renewed every second, so after 3.2 s there were at least two renewals of each
    // of TCP and UDP besides the first two requests.
    std::thread::sleep(Duration::from_millis(3200));
    let requests = lab.log("miniupnpd").matches(&added).count();
    assert!(
        requests >= 6,
        "{requests} AddPortMapping requests for {port}"
    );
    // The renewals kept both forwards in the router. (Inbound traffic is checked right after
    // mapping, above; after renewals it is no oracle here: miniupnpd 2.3.1's nftables backend
    // rewrites its filter chain on every lease update and sometimes leaves it with two TCP
    // rules and no UDP one, which loses probes whatever the client sent.)
    let rules = lab.upnp_rules();
    for protocol in ["0x6", "0x11"] {
        assert!(
            rules.contains(&format!("@nh,72,8 {protocol} th dport {port} dnat ip to ")),
            "held mapping lost its {protocol} forward:\n{rules}"
        );
    }
    eprintln!(
        "held mapping, inbound after renewals: {:?}",
        inbound_reaches_client(lab, port)
    );

    // `ip netns exec` execs peerstream itself, so the child's pid is peerstream's.
    child.signal(libc::SIGINT);
    let status = child.wait_within(Duration::from_secs(5), "nat map --hold after SIGINT");
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        use std::io::Read;
        let _ = e.read_to_string(&mut stderr);
    }
    assert!(status.success(), "exit {status}: {stderr}");
    assert!(!lab.upnp_rules().contains(&rule), "mapping left behind");
}

/// A carrier-grade NAT router: miniupnpd on a 100.64.0.0/10 WAN answers UPnP, NAT-PMP and PCP
/// but refuses every mapping. The report says double NAT, shows the refusals in the human
/// output too, and the advice is the ISP and hole punching, never "enable UPnP".
#[test]
fn cgnat_router_refusing_mappings() {
    if netns::prerequisites(&[("miniupnpd", "miniupnpd")]).is_err() {
        return;
    }
    let mut lab = Lab::new();
    lab.start_cgnat_miniupnpd();
    lab.start_stun();
    let primary = format!("{STUN_PRIMARY}:3478");
    let (report, out) = detect(&lab, &[&primary], &[]);
    let context = serde_json::to_string_pretty(&report).unwrap_or_default();
    assert_eq!(out.status.code(), Some(0), "{context}");
    let mut answered = 0;
    for proto in ["upnp_igd", "nat_pmp", "pcp"] {
        let p = &report["port_mapping"][proto];
        assert_ne!(p["test_mapping"], Value::Bool(true), "{proto}: {context}");
        if p["answered"] == Value::Bool(true) {
            answered += 1;
            assert!(p["error"].is_string(), "{proto}: {context}");
        }
    }
    assert!(answered >= 2, "{context}");
    assert_eq!(report["double_nat"], Value::Bool(true), "{context}");
    let advice = report["advice"].to_string();
    assert!(!advice.contains("enable UPnP"), "{context}");
    assert!(
        advice.contains("ISP") && advice.contains("hole punching"),
        "{context}"
    );
    assert!(
        report["notes"].to_string().contains("100.64.0.0/10"),
        "{context}"
    );

    // The human form names the refusals.
    let out = lab
        .command(&lab.client, BIN)
        .args(["--quiet", "nat", "detect", "--stun", &primary])
        .env("PEERSTREAM_CACHE_DIR", lab.dir.path())
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run peerstream");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("refused ("), "{text}");
    assert!(text.contains("Double NAT:      yes"), "{text}");
    assert!(!text.contains("enable UPnP"), "{text}");
}

/// `nat detect --json` behind a real double NAT whose inner router learns its external address
/// by STUN (miniupnpd `ext_perform_stun`): client -> router (miniupnpd, WAN 100.64.0.2) ->
/// carrier NAT -> public. Checks what holds for any carrier and returns the report.
fn detect_behind_carrier(fullcone: bool) -> (Value, String, Lab) {
    let mut lab = Lab::new();
    lab.add_carrier_nat(fullcone);
    lab.start_stun();
    lab.start_stun_miniupnpd();
    let primary = format!("{STUN_PRIMARY}:3478");
    let (report, out) = detect(&lab, &[&primary], &[]);
    let context = format!(
        "{}\nminiupnpd: {}",
        serde_json::to_string_pretty(&report).unwrap_or_default(),
        lab.log("miniupnpd")
    );
    assert_eq!(out.status.code(), Some(0), "{context}");
    assert_eq!(report["nat"], Value::Bool(true), "{context}");
    assert_eq!(
        report["public_address"]
            .as_str()
            .map(|a| a.starts_with("198.19.0.1:")),
        Some(true),
        "{context}"
    );
    // The router reports the address STUN sees, so the report must not call it a single NAT
    // with a reachable port: `double_nat` is `true` or `null` with a note, never `false`, and the
    // advice names the ISP, never "enable UPnP" or "peers can reach you".
    match &report["double_nat"] {
        Value::Bool(true) => {}
        Value::Null => assert!(
            report["notes"]
                .to_string()
                .contains("double NAT cannot be ruled out"),
            "{context}"
        ),
        _ => panic!("double_nat must be true or null behind a carrier NAT: {context}"),
    }
    let advice = report["advice"].to_string();
    assert!(!advice.contains("enable UPnP"), "{context}");
    assert!(!advice.contains("can reach you"), "{context}");
    assert!(advice.contains("ISP"), "{context}");
    (report, context, lab)
}

/// A filtering carrier (CGNAT): miniupnpd learns 198.19.0.1 by STUN, sees the filter and refuses
/// every mapping. A full-cone carrier passes miniupnpd's STUN test, so it maps, though inbound
/// traffic to the mapped port never gets past the carrier. Both must stay unsure.
#[test]
fn stun_learning_router_behind_carrier_nat() {
    if netns::prerequisites(&[("miniupnpd", "miniupnpd")]).is_err() {
        return;
    }
    let (report, context, lab) = detect_behind_carrier(false);
    for proto in ["upnp_igd", "nat_pmp", "pcp"] {
        let p = &report["port_mapping"][proto];
        assert_eq!(p["answered"], Value::Bool(true), "{proto}: {context}");
        assert_ne!(p["test_mapping"], Value::Bool(true), "{proto}: {context}");
    }
    assert!(
        report["advice"].to_string().contains("hole punching"),
        "{context}"
    );
    // The refusals were real: miniupnpd installed no port forward.
    assert!(
        lab.upnp_rules().lines().all(|l| !l.contains("dnat")),
        "{context}"
    );
    drop(lab);

    let (report, context, lab) = detect_behind_carrier(true);
    let mapped = ["upnp_igd", "nat_pmp", "pcp"]
        .iter()
        .filter(|p| report["port_mapping"][**p]["test_mapping"] == Value::Bool(true))
        .count();
    assert!(mapped >= 1, "{context}");
    // The router maps, yet nothing from outside reaches the client: the caution was right.
    let (json, out) = nat_cmd(&lab, &["map", "--method", "upnp", "--port", "41000"]);
    assert_eq!(out.status.code(), Some(0), "{json}\n{context}");
    assert!(lab.upnp_rules().contains("41000"), "{context}");
    assert_eq!(
        inbound_reaches_client(&lab, 41000),
        (false, false),
        "{context}"
    );
}
