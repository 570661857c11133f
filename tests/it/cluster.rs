//! Three `serve` nodes on loopback, each with its own cache, behind a real nginx running
//! deploy/nginx.conf (only the node addresses and the listen address replaced): consistent
//! hashing, BitTorrent between the nodes (cluster peers, no external seeder), SIGTERM draining
//! and the metrics that show it.

use std::io::Read;
use std::net::{Ipv4Addr, TcpListener, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::ops::{metrics, series, split_response, start_slow_read};
use crate::support::swarm::{loopback_flags, seeded};
use crate::support::*;
use reqwest::StatusCode;
use reqwest::blocking::Client;

const MIB: usize = 1024 * 1024;
const NGINX_TEMPLATE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/deploy/nginx.conf");
const STREAMS_OK: &str = r#"peerstream_http_requests_total{route="stream",status="200"}"#;

fn client() -> Client {
    Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client")
}

/// A port free for TCP and UDP on every address now (the node's torrent listener needs both and
/// its neighbours must know it before it starts).
fn free_port() -> u16 {
    loop {
        let tcp = TcpListener::bind((Ipv4Addr::UNSPECIFIED, 0)).expect("bind");
        let port = tcp.local_addr().expect("addr").port();
        if UdpSocket::bind((Ipv4Addr::UNSPECIFIED, port)).is_ok() {
            return port;
        }
    }
}

/// deploy/nginx.conf with its upstream servers replaced, in order, by `nodes` (their parameters
/// kept) and its `listen 80;` by `listen`. Every template line stays as written otherwise.
fn site_config(template: &str, nodes: &[String], listen: &str) -> String {
    let mut nodes = nodes.iter();
    let mut listened = false;
    let mut out = String::new();
    for line in template.lines() {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        if let Some(rest) = trimmed.strip_prefix("server ")
            && let Some((address, params)) = rest.split_once(' ')
            && address.contains(':')
        {
            // A template line beyond the nodes given is left out.
            if let Some(node) = nodes.next() {
                out.push_str(&format!("{indent}server {node} {params}\n"));
            }
            continue;
        }
        if trimmed == "listen 80;" {
            out.push_str(&format!("{indent}listen {listen};\n"));
            listened = true;
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    assert!(
        nodes.next().is_none(),
        "the template lists fewer servers than nodes"
    );
    assert!(listened, "the template has no `listen 80;`");
    out
}

/// nginx in the foreground with everything (pid, logs, temp files) in its own folder.
struct Nginx {
    _process: ChildGuard,
    addr: String,
    _dir: tempfile::TempDir,
}

impl Nginx {
    fn start(nodes: &[String]) -> Nginx {
        let dir = tempfile::tempdir().expect("nginx dir");
        let template = std::fs::read_to_string(NGINX_TEMPLATE).expect("deploy/nginx.conf");
        let addr = format!("127.0.0.1:{}", free_port());
        let site = dir.path().join("peerstream.conf");
        std::fs::write(&site, site_config(&template, nodes, &addr)).unwrap();
        let path = |name: &str| dir.path().join(name).display().to_string();
        // As root, the workers would become `nobody` and could not use this folder.
        let user = if is_root() { "user root;\n" } else { "" };
        let main = format!(
            "daemon off;\nworker_processes 1;\n{user}pid {pid};\nerror_log {error} info;\n\
             events {{ worker_connections 512; }}\n\
             http {{\n  access_log {access};\n  client_body_temp_path {tmp}/body;\n  \
             proxy_temp_path {tmp}/proxy;\n  fastcgi_temp_path {tmp}/fastcgi;\n  \
             uwsgi_temp_path {tmp}/uwsgi;\n  scgi_temp_path {tmp}/scgi;\n  include {site};\n}}\n",
            pid = path("nginx.pid"),
            error = path("error.log"),
            access = path("access.log"),
            tmp = dir.path().display(),
            site = site.display(),
        );
        let conf = dir.path().join("nginx.conf");
        std::fs::write(&conf, main).unwrap();
        let process = ChildGuard::spawn(
            Command::new(nginx_binary())
                .arg("-p")
                .arg(dir.path())
                .arg("-e")
                .arg(path("error.log"))
                .arg("-c")
                .arg(&conf)
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        );
        wait_until(Duration::from_secs(10), "nginx to listen", || {
            TcpStream::connect(&addr).map_err(|e| {
                let log = std::fs::read_to_string(path("error.log")).unwrap_or_default();
                format!("{e}; error.log: {log}")
            })
        });
        Nginx {
            _process: process,
            addr,
            _dir: dir,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

fn nginx_binary() -> PathBuf {
    ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from("nginx"))
}

fn have_nginx() -> bool {
    if nginx_binary().exists() {
        return true;
    }
    have_tool("nginx")
}

/// One node: `serve` on its own cache with the given torrent port and cluster peers.
fn start_node(cache: &Path, port: u16, peers: &[u16]) -> Server {
    let mut cmd = peerstream(cache);
    cmd.args([
        "serve",
        "--bind",
        "127.0.0.1:0",
        "--no-dht",
        "--no-trackers",
    ])
    .args(["--port", &port.to_string()])
    .args(["--shutdown-grace", "30s", "--metadata-timeout", "30s"]);
    for peer in peers {
        cmd.args(["--cluster-peer", &format!("127.0.0.1:{peer}")]);
    }
    Server::spawn_logged(cmd, &cache.with_extension("log"))
}

fn torrent_state(server: &Server, hash: &str) -> String {
    let body: serde_json::Value = client()
        .get(server.url("/api/torrents"))
        .send()
        .and_then(|r| r.json())
        .unwrap_or_default();
    body["torrents"]
        .as_array()
        .and_then(|all| all.iter().find(|t| t["info_hash"] == hash))
        .and_then(|t| t["state"].as_str())
        .unwrap_or("absent")
        .to_owned()
}

fn wait_complete(server: &Server, hash: &str, what: &str) {
    wait_until(Duration::from_secs(60), what, || {
        match torrent_state(server, hash).as_str() {
            "complete" => Ok(()),
            other => Err(format!("{other}; stderr: {}", server.stderr())),
        }
    });
}

/// Successful stream answers of each node so far.
fn streams_served(nodes: &[Server]) -> Vec<f64> {
    nodes
        .iter()
        .map(|n| series(&metrics(&n.base, None), STREAMS_OK))
        .collect()
}

/// The one node whose count grew by `by`, while the others stayed.
fn which_grew(before: &[f64], after: &[f64], by: f64) -> usize {
    let grown: Vec<usize> = (0..before.len())
        .filter(|&i| after[i] != before[i])
        .collect();
    assert_eq!(
        grown.len(),
        1,
        "more than one node answered: {before:?} -> {after:?}"
    );
    assert_eq!(
        after[grown[0]] - before[grown[0]],
        by,
        "{before:?} -> {after:?}"
    );
    grown[0]
}

#[test]
fn template_substitution_keeps_the_upstream_settings() {
    let template = std::fs::read_to_string(NGINX_TEMPLATE).unwrap();
    let nodes = vec!["127.0.0.1:1".to_owned(), "127.0.0.1:2".to_owned()];
    let site = site_config(&template, &nodes, "127.0.0.1:3");
    assert!(site.contains("hash $peerstream_key consistent;"));
    assert!(site.contains("server 127.0.0.1:1 max_fails="), "{site}");
    assert!(site.contains("server 127.0.0.1:2 max_fails="), "{site}");
    assert!(
        !site.contains("192.0.2.13"),
        "the third template node is left out"
    );
    assert!(site.contains("listen 127.0.0.1:3;"));
    assert!(site.contains("proxy_buffering off;"));
}

#[test]
fn the_haproxy_example_is_valid_and_hashes_on_the_info_hash() {
    if !have_tool("haproxy") {
        return;
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/deploy/haproxy.cfg");
    let text = std::fs::read_to_string(path).unwrap();
    for needed in ["balance uri depth 3", "hash-type consistent", "uri /ready"] {
        assert!(text.contains(needed), "haproxy.cfg lacks {needed}");
    }
    let output = Command::new("haproxy")
        .args(["-c", "-f", path])
        .output()
        .expect("haproxy -c");
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn three_nodes_behind_nginx_share_films_over_bittorrent_and_drain_on_sigterm() {
    if !have_nginx() {
        return;
    }
    // A film in node A's cache, fetched from a seeder that is then gone.
    let size = 48 * MIB + 321;
    let (_seed_dir, torrent, seeder, film) = seeded("film.mp4", size, 31, None);
    let hash = torrent.info_hash.clone();
    let root = tempfile::tempdir().unwrap();
    let caches: Vec<PathBuf> = ["a", "b", "c"]
        .iter()
        .map(|n| root.path().join(n))
        .collect();
    let fetched = peerstream(&caches[0])
        .args(["fetch", &hash])
        .args(loopback_flags(&[seeder.addr], &[]))
        .output()
        .expect("fetch");
    assert!(
        fetched.status.success(),
        "{}",
        String::from_utf8_lossy(&fetched.stderr)
    );
    drop(seeder);

    let ports: Vec<u16> = (0..3).map(|_| free_port()).collect();
    let mut nodes: Vec<Server> = (0..3)
        .map(|i| {
            let others: Vec<u16> = (0..3).filter(|&j| j != i).map(|j| ports[j]).collect();
            start_node(&caches[i], ports[i], &others)
        })
        .collect();
    // A seeds its cache (cluster mode) once librqbit has checked the file.
    wait_complete(&nodes[0], &hash, "node A to seed its cached film");

    // B lacks the film: it gets metadata and pieces from A, and streams them.
    let direct = client().get(nodes[1].stream_url(&hash)).send().unwrap();
    assert_eq!(direct.status(), StatusCode::OK);
    assert_eq!(direct.headers()["x-peerstream-source"], "swarm");
    assert!(direct.bytes().unwrap() == film, "B streamed other bytes");
    let b = metrics(&nodes[1].base, None);
    assert_eq!(
        series(&b, r#"peerstream_cache_lookups_total{result="miss"}"#),
        1.0
    );
    assert_eq!(
        series(&b, r#"peerstream_served_bytes_total{source="swarm"}"#),
        film.len() as f64
    );
    assert!(series(&b, "peerstream_swarm_downloaded_bytes_total") >= film.len() as f64);
    let a = metrics(&nodes[0].base, None);
    assert!(
        series(&a, "peerstream_swarm_uploaded_bytes_total") >= film.len() as f64,
        "A uploaded less than the film: {a}"
    );
    // Once complete, B serves it from its own cache.
    wait_complete(&nodes[1], &hash, "node B to finish the film");
    let again = client().get(nodes[1].stream_url(&hash)).send().unwrap();
    assert_eq!(again.headers()["x-peerstream-source"], "cache");
    assert!(again.bytes().unwrap() == film);
    let b = metrics(&nodes[1].base, None);
    assert_eq!(
        series(&b, r#"peerstream_cache_lookups_total{result="hit"}"#),
        1.0
    );
    assert_eq!(
        series(&b, r#"peerstream_served_bytes_total{source="cache"}"#),
        film.len() as f64
    );

    // nginx: each hash always lands on the same node.
    let addrs: Vec<String> = nodes.iter().map(Server::addr).collect();
    let nginx = Nginx::start(&addrs);
    let mut landed = Vec::new();
    for digit in ['1', '4', '7', 'a', 'c', 'f'] {
        let mock: String = std::iter::repeat_n(digit, 40).collect();
        let before = streams_served(&nodes);
        for _ in 0..3 {
            let response = client()
                .get(nginx.url(&format!("/stream/proxy/{mock}")))
                .send();
            let response = response.unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            assert_eq!(response.bytes().unwrap().len(), mock_asset().len());
        }
        landed.push(which_grew(&before, &streams_served(&nodes), 3.0));
    }
    eprintln!("mock hashes landed on nodes {landed:?}");

    // The film through nginx: identical bytes, from its node.
    let before = streams_served(&nodes);
    let through = client()
        .get(nginx.url(&format!("/stream/proxy/{hash}")))
        .send()
        .unwrap();
    assert_eq!(through.status(), StatusCode::OK);
    assert!(through.bytes().unwrap() == film);
    let owner = which_grew(&before, &streams_served(&nodes), 1.0);

    // SIGTERM to that node mid-stream: the stream completes, the node exits 0, and the next
    // request for the film goes to another node.
    let (mut slow, mut received) =
        start_slow_read(&nginx.addr, &format!("/stream/proxy/{hash}"), MIB);
    nodes[owner].signal(libc::SIGTERM);
    std::thread::sleep(Duration::from_secs(1));
    assert!(
        nodes[owner].exit_within(Duration::ZERO).is_none(),
        "the node exited with a stream open; stderr: {}",
        nodes[owner].stderr()
    );
    slow.read_to_end(&mut received)
        .expect("the rest of the stream");
    let (head, body) = split_response(&received);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        body == film.as_slice(),
        "the stream ended after {} bytes",
        body.len()
    );
    let status = nodes[owner]
        .exit_within(Duration::from_secs(20))
        .unwrap_or_else(|| panic!("no exit; stderr: {}", nodes[owner].stderr()));
    assert!(status.success(), "{status:?}");
    let stopped = nodes.remove(owner);
    assert!(stopped.stderr().contains("stopping: no new connections"));

    let before = streams_served(&nodes);
    let next = client()
        .get(nginx.url(&format!("/stream/proxy/{hash}")))
        .send()
        .unwrap();
    assert_eq!(next.status(), StatusCode::OK);
    assert!(next.bytes().unwrap() == film);
    which_grew(&before, &streams_served(&nodes), 1.0);
}
