//! The P2P coordinator in the network-namespace NAT lab (see tests/it/support/netns.rs): `serve`
//! runs in the client namespace behind a MASQUERADE router with miniupnpd, coturn answers STUN
//! in the public namespace, and `GET /api/status` must show the NAT type, the public address and
//! the router mapping of the listen port (TCP and UDP) once the engine has started; SIGTERM
//! must remove the mapping, `--no-nat` must leave the router alone, and a second run within the
//! cache TTL must take the NAT report from the cache folder (coturn is stopped by then).
//! Needs root, iproute2, nftables, coturn and miniupnpd; without them it prints `SKIP:` (and
//! fails under CI=true).

use crate::support;
use crate::support::netns;
use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitStatus;
use std::time::{Duration, Instant};

use netns::{Lab, ROUTER_WAN_IP, STUN_PRIMARY};
use serde_json::Value;

/// `[nat] budget_secs` in the config file.
const BUDGET_SECS: u64 = 5;

fn prerequisites() -> bool {
    netns::prerequisites(&[("miniupnpd", "miniupnpd")]).is_ok()
}

/// A lab whose router masquerades and runs miniupnpd, with coturn in the public namespace.
fn upnp_lab() -> Lab {
    let mut lab = Lab::new();
    lab.start_miniupnpd();
    lab.start_stun();
    lab
}

/// The config file every run uses: the lab's STUN server, the budget and the listen port.
fn write_config(dir: &Path, listen_port: u16) -> std::path::PathBuf {
    let path = dir.join("peerstream.toml");
    std::fs::write(
        &path,
        format!(
            "[nat]\n\
             stun_servers = [\"{STUN_PRIMARY}:3478\"]\n\
             budget_secs = {BUDGET_SECS}\n\
             \n\
             [p2p]\n\
             listen_port = {listen_port}\n"
        ),
    )
    .expect("write config");
    path
}

/// `peerstream serve` inside the client namespace (the shared [`support::Server`], started
/// through `ip netns exec`), with the requests this lab makes of it.
struct Serve {
    server: support::Server,
}

impl Serve {
    /// Starts serve with the coordinator on (`PEERSTREAM_NO_NAT` removed) plus `extra` flags.
    fn start(lab: &Lab, cache: &Path, config: &Path, name: &str, extra: &[&str]) -> Serve {
        let log = lab.dir.path().join(format!("{name}.stderr"));
        let mut cmd = lab.command(&lab.client, support::BIN);
        support::isolate(&mut cmd);
        cmd.env_remove("PEERSTREAM_NO_NAT");
        cmd.arg("--cache-dir")
            .arg(cache)
            .arg("--config")
            .arg(config)
            .args([
                "serve",
                "--bind",
                "127.0.0.1:0",
                "--no-dht",
                "--no-trackers",
            ])
            .args(extra);
        Serve {
            server: support::Server::spawn_logged(cmd, &log),
        }
    }

    fn stderr(&self) -> String {
        self.server.stderr()
    }

    /// GET `path` from inside the client namespace (serve listens on its loopback).
    fn get(&self, lab: &Lab, path: &str) -> (u16, String) {
        let addr: SocketAddr = self.server.addr().parse().expect("serve address");
        let path = path.to_owned();
        lab.in_ns(&lab.client, move || http_get(addr, &path))
    }

    fn status(&self, lab: &Lab) -> Value {
        let (code, body) = self.get(lab, "/api/status");
        assert_eq!(code, 200, "{body}");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("status is not JSON ({e}): {body}"))
    }

    /// The first request for an unknown hash starts the engine (and with it the coordinator);
    /// with no DHT, trackers or peers it ends in 504 `no_peers`.
    fn start_engine(&self, lab: &Lab) -> Duration {
        let started = Instant::now();
        let (code, body) = self.get(lab, &format!("/stream/proxy/{}", support::HASH));
        let took = started.elapsed();
        assert_eq!(code, 504, "{body}\nstderr: {}", self.stderr());
        assert!(body.contains("no_peers"), "{body}");
        took
    }

    /// SIGTERM, then waits (at most 10 s) for the exit. `ip netns exec` execs peerstream
    /// itself, so the child's pid is peerstream's.
    fn terminate(&mut self) -> ExitStatus {
        self.server.terminate(Duration::from_secs(10))
    }
}

/// A GET through the shared raw client; returns the status and the JSON body.
fn http_get(addr: SocketAddr, path: &str) -> (u16, String) {
    let (code, text) = support::raw_get(&addr.to_string(), path);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    // Chunked bodies: keep only the JSON between the first `{` and the last `}`.
    let body = match (body.find('{'), body.rfind('}')) {
        (Some(a), Some(b)) if a < b => body[a..=b].to_owned(),
        _ => body,
    };
    (code, body)
}

/// Rules in miniupnpd's port-forward chain for `port` and `protocol` ("tcp" or "udp").
/// miniupnpd writes the protocol as the IPv4 header byte: `@nh,72,8 0x6 th dport 46881 ...`.
fn forwards(lab: &Lab, port: u16, protocol: &str) -> usize {
    let number = if protocol == "tcp" { "0x6" } else { "0x11" };
    let dport = format!("dport {port} ");
    lab.upnp_rules()
        .lines()
        .filter(|l| l.contains(&dport))
        .filter(|l| l.contains(&format!("{protocol} dport")) || l.contains(&format!(" {number} ")))
        .count()
}

fn coordinator(status: &Value) -> &Value {
    &status["engine"]["coordinator"]
}

fn duration_ms(coordinator: &Value) -> u64 {
    coordinator["duration_ms"]
        .as_u64()
        .unwrap_or_else(|| panic!("no duration_ms: {coordinator}"))
}

/// Checks a first, uncached run behind the MASQUERADE router with miniupnpd; returns the
/// coordinator state.
fn check_mapped(lab: &Lab, serve: &Serve, listen_port: u16) -> Value {
    let status = serve.status(lab);
    let c = coordinator(&status).clone();
    let context = format!("{status}\nstderr: {}", serve.stderr());
    assert_eq!(c["enabled"], Value::Bool(true), "{context}");
    assert_eq!(
        c["nat_type"].as_str(),
        Some("Port-Restricted Cone"),
        "{context}"
    );
    assert_eq!(c["nat_status"].as_str(), Some("ok"), "{context}");
    let public: SocketAddr = c["public_address"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no public address: {context}"));
    assert_eq!(public.ip().to_string(), ROUTER_WAN_IP, "{context}");
    assert_eq!(
        c["listen_port"].as_u64(),
        Some(u64::from(listen_port)),
        "{context}"
    );
    // The engine really listens there (TCP: librqbit runs TCP only).
    assert_eq!(
        status["engine"]["listen_addr"].as_str(),
        Some(format!("0.0.0.0:{listen_port}").as_str()),
        "{context}"
    );
    let mappings = c["mappings"].as_array().cloned().unwrap_or_default();
    let mut protocols: Vec<&str> = mappings
        .iter()
        .filter_map(|m| m["protocol"].as_str())
        .collect();
    protocols.sort_unstable();
    assert_eq!(protocols, ["tcp", "udp"], "{context}");
    for m in &mappings {
        assert_eq!(
            m["external_port"].as_u64(),
            Some(u64::from(listen_port)),
            "{context}"
        );
        assert_eq!(
            m["internal"].as_str(),
            Some(format!("{}:{listen_port}", netns::CLIENT_IP).as_str()),
            "{context}"
        );
    }
    // miniupnpd grants the same external port; that is the port librqbit announces.
    assert_eq!(
        c["announce_port"].as_u64(),
        Some(u64::from(listen_port)),
        "{context}"
    );
    assert!(
        duration_ms(&c) <= BUDGET_SECS * 1000,
        "coordinator over its budget: {context}"
    );
    // The router forwards the port, as `nat map` makes it do in tests/it/nat_lab.rs.
    let rules = lab.upnp_rules();
    assert_eq!(forwards(lab, listen_port, "tcp"), 1, "{rules}\n{context}");
    assert_eq!(forwards(lab, listen_port, "udp"), 1, "{rules}\n{context}");
    c
}

/// SIGTERM and the mapping must be gone from miniupnpd.
fn stop_and_check_unmapped(lab: &Lab, serve: &mut Serve, listen_port: u16) {
    let status = serve.terminate();
    let stderr = serve.stderr();
    assert!(status.success(), "serve exit {status}; stderr: {stderr}");
    let rules = lab.upnp_rules();
    assert_eq!(
        forwards(lab, listen_port, "tcp") + forwards(lab, listen_port, "udp"),
        0,
        "serve left its port mapping behind after SIGTERM:\n{rules}\nstderr: {stderr}"
    );
}

#[test]
fn coordinator_maps_the_listen_port_and_unmaps_on_sigterm() {
    if !prerequisites() {
        return;
    }
    let lab = upnp_lab();
    let port = 46_881;
    let config = write_config(lab.dir.path(), port);
    let cache = tempfile::tempdir().expect("cache dir");

    let mut serve = Serve::start(&lab, cache.path(), &config, "serve", &[]);
    let took = serve.start_engine(&lab);
    let c = check_mapped(&lab, &serve, port);
    assert_eq!(c["nat_from_cache"], Value::Bool(false), "{c}");
    println!(
        "coordinator (fresh detection): {} ms; first request {} ms",
        duration_ms(&c),
        took.as_millis()
    );
    assert!(
        cache.path().join(".peerstream-nat.json").is_file(),
        "no cached NAT report"
    );
    stop_and_check_unmapped(&lab, &mut serve, port);
}

#[test]
fn no_nat_leaves_the_router_alone() {
    if !prerequisites() {
        return;
    }
    let lab = upnp_lab();
    let port = 46_891;
    let config = write_config(lab.dir.path(), port);
    let cache = tempfile::tempdir().expect("cache dir");

    let mut serve = Serve::start(&lab, cache.path(), &config, "serve-no-nat", &["--no-nat"]);
    serve.start_engine(&lab);
    let status = serve.status(&lab);
    let c = coordinator(&status);
    let context = format!("{status}\nstderr: {}", serve.stderr());
    assert_eq!(c["enabled"], Value::Bool(false), "{context}");
    assert_eq!(c["nat_type"], Value::Null, "{context}");
    assert_eq!(c["public_address"], Value::Null, "{context}");
    assert_eq!(c["announce_port"], Value::Null, "{context}");
    assert_eq!(c["mappings"], serde_json::json!([]), "{context}");
    assert_eq!(
        c["listen_port"].as_u64(),
        Some(u64::from(port)),
        "{context}"
    );
    let rules = lab.upnp_rules();
    assert_eq!(rules.matches("dport").count(), 0, "{rules}\n{context}");
    assert!(
        !lab.log("miniupnpd").contains("AddPortMapping"),
        "{}",
        lab.log("miniupnpd")
    );
    assert!(
        !cache.path().join(".peerstream-nat.json").exists(),
        "--no-nat still detected and cached"
    );
    let exit = serve.terminate();
    assert!(exit.success(), "serve exit {exit}; {}", serve.stderr());
}

#[test]
fn second_run_takes_the_nat_report_from_the_cache() {
    if !prerequisites() {
        return;
    }
    let mut lab = upnp_lab();
    let port = 46_901;
    let config = write_config(lab.dir.path(), port);
    let cache = tempfile::tempdir().expect("cache dir");

    let mut first = Serve::start(&lab, cache.path(), &config, "serve-first", &[]);
    first.start_engine(&lab);
    let fresh = check_mapped(&lab, &first, port);
    assert_eq!(fresh["nat_from_cache"], Value::Bool(false), "{fresh}");
    stop_and_check_unmapped(&lab, &mut first, port);

    // No STUN server any more: only the cached report can name the NAT type now.
    lab.stop_daemon("stun");
    let sockets = lab.exec(&lab.public, &["ss", "-Hlun"]);
    let sockets = String::from_utf8_lossy(&sockets.stdout);
    assert!(!sockets.contains(":3478"), "coturn still bound:\n{sockets}");
    let mut second = Serve::start(&lab, cache.path(), &config, "serve-second", &[]);
    second.start_engine(&lab);
    let cached = check_mapped(&lab, &second, port);
    let context = format!("fresh: {fresh}\ncached: {cached}");
    assert_eq!(cached["nat_from_cache"], Value::Bool(true), "{context}");
    assert_eq!(cached["nat_type"], fresh["nat_type"], "{context}");
    assert_eq!(
        cached["public_address"], fresh["public_address"],
        "{context}"
    );
    assert!(
        cached["notes"].as_array().is_none_or(Vec::is_empty),
        "{context}"
    );
    assert!(
        duration_ms(&cached) < duration_ms(&fresh),
        "the cached run was not faster: {context}"
    );
    println!(
        "coordinator: fresh detection {} ms, from the cache {} ms",
        duration_ms(&fresh),
        duration_ms(&cached)
    );
    stop_and_check_unmapped(&lab, &mut second, port);
}

/// A STUN server that refuses (nothing listens on it): the coordinator reports "No STUN server
/// reachable" in /api/status and its log, never "UDP Blocked".
#[test]
fn unreachable_stun_server_is_not_udp_blocked() {
    if !prerequisites() {
        return;
    }
    let lab = upnp_lab();
    let port = 46_901;
    let config = lab.dir.path().join("refused.toml");
    std::fs::write(
        &config,
        format!(
            "[nat]\n\
             stun_servers = [\"{}:3478\"]\n\
             budget_secs = {BUDGET_SECS}\n\
             \n\
             [p2p]\n\
             listen_port = {port}\n",
            netns::SPARE_PUBLIC
        ),
    )
    .expect("write config");
    let cache = tempfile::tempdir().expect("cache dir");
    let mut serve = Serve::start(&lab, cache.path(), &config, "serve-refused", &[]);
    serve.start_engine(&lab);
    let status = serve.status(&lab);
    let c = coordinator(&status).clone();
    let context = format!("{status}\nstderr: {}", serve.stderr());
    assert_eq!(
        c["nat_type"].as_str(),
        Some("No STUN server reachable"),
        "{context}"
    );
    assert_eq!(
        c["nat_status"].as_str(),
        Some("no_server_reachable"),
        "{context}"
    );
    assert!(!serve.stderr().contains("UDP Blocked"), "{context}");
    stop_and_check_unmapped(&lab, &mut serve, port);
}
