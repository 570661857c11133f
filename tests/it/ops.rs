//! What an operator runs and watches on one node: `/metrics` (and its token rule), `/ready`,
//! the shutdown grace period, and the systemd unit in deploy/.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::support::*;
use reqwest::StatusCode;
use reqwest::blocking::Client;

const MIB: usize = 1024 * 1024;

fn client() -> Client {
    Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
}

/// The value of one series (`name{labels}` exactly as rendered) in a `/metrics` text; 0 when
/// the series is absent (a counter nothing has touched yet).
pub fn series(text: &str, name: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
        .map_or(0.0, |v| v.trim().parse().expect("a number"))
}

/// `/metrics` of the server at `base`, with `token` if given.
pub fn metrics(base: &str, token: Option<&str>) -> String {
    let mut request = client().get(format!("{base}/metrics"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().expect("GET /metrics");
    assert_eq!(response.status(), StatusCode::OK);
    let kind = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(kind.starts_with("application/openmetrics-text"), "{kind}");
    response.text().expect("metrics text")
}

#[test]
fn metrics_follow_the_token_rule_and_count_hits_misses_and_bytes() {
    let cache = tempfile::tempdir().unwrap();
    let bytes = video_bytes(3 * MIB + 11);
    put(cache.path(), &format!("{HASH}/movie.mp4"), &bytes);
    let server = Server::start(cache.path(), &["--no-p2p", "--token", "s3cret"]);

    let refused = client().get(server.url("/metrics")).send().unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let before = metrics(&server.base, Some("s3cret"));
    assert_eq!(
        series(&before, r#"peerstream_cache_lookups_total{result="hit"}"#),
        0.0
    );

    let hit = client()
        .get(server.stream_url(HASH))
        .bearer_auth("s3cret")
        .send()
        .unwrap();
    assert_eq!(hit.status(), StatusCode::OK);
    assert_eq!(hit.bytes().unwrap().len(), bytes.len());
    let ranged = client()
        .get(server.stream_url(HASH))
        .bearer_auth("s3cret")
        .header("range", "bytes=100-")
        .send()
        .unwrap();
    assert_eq!(ranged.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(ranged.bytes().unwrap().len(), bytes.len() - 100);
    let missing = client()
        .get(server.stream_url("9999999999999999999999999999999999999998"))
        .bearer_auth("s3cret")
        .send()
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    // The mock is neither a hit nor a miss.
    let mock = client()
        .get(server.stream_url(MOCK_HASH))
        .bearer_auth("s3cret")
        .send()
        .unwrap();
    assert_eq!(mock.status(), StatusCode::OK);
    let mock_len = mock.bytes().unwrap().len();

    let after = metrics(&server.base, Some("s3cret"));
    let value = |name: &str| series(&after, name);
    assert_eq!(
        value(r#"peerstream_cache_lookups_total{result="hit"}"#),
        2.0,
        "{after}"
    );
    assert_eq!(
        value(r#"peerstream_cache_lookups_total{result="miss"}"#),
        1.0
    );
    assert_eq!(
        value(r#"peerstream_served_bytes_total{source="cache"}"#),
        (2 * bytes.len() - 100) as f64
    );
    assert_eq!(
        value(r#"peerstream_served_bytes_total{source="mock"}"#),
        mock_len as f64
    );
    assert_eq!(
        value(r#"peerstream_http_requests_total{route="stream",status="200"}"#),
        2.0
    );
    assert_eq!(
        value(r#"peerstream_http_requests_total{route="stream",status="206"}"#),
        1.0
    );
    assert_eq!(
        value(r#"peerstream_http_requests_total{route="stream",status="404"}"#),
        1.0
    );
    assert_eq!(
        value(r#"peerstream_http_requests_total{route="metrics",status="401"}"#),
        1.0
    );
    assert_eq!(
        value(r#"peerstream_time_to_first_byte_seconds_count{source="cache"}"#),
        2.0
    );
    // P2P off: no engine, and that is ready (a cache-only node serves what it has).
    assert_eq!(value("peerstream_engine_up"), 0.0);
    assert!(value("peerstream_http_connections") >= 1.0);
    let ready = client()
        .get(server.url("/ready"))
        .bearer_auth("s3cret")
        .send()
        .unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    let body: serde_json::Value = ready.json().unwrap();
    assert_eq!(body, serde_json::json!({"ready": true, "p2p": "off"}));
}

/// A GET on a raw socket that reads only the response head and `body_bytes` of the body, so
/// the rest stays in flight.
pub fn start_slow_read(addr: &str, path: &str, body_bytes: usize) -> (TcpStream, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut received = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = stream.read(&mut buf).expect("read");
        assert!(
            n > 0,
            "closed early: {}",
            String::from_utf8_lossy(&received)
        );
        received.extend_from_slice(&buf[..n]);
        if let Some(end) = received.windows(4).position(|w| w == b"\r\n\r\n")
            && received.len() >= end + 4 + body_bytes
        {
            break;
        }
    }
    (stream, received)
}

/// The head and the body of a raw response.
pub fn split_response(raw: &[u8]) -> (String, &[u8]) {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("response head");
    (
        String::from_utf8_lossy(&raw[..end]).into_owned(),
        &raw[end + 4..],
    )
}

#[test]
fn a_stream_that_outlasts_the_grace_period_is_cut_and_serve_exits_0() {
    let cache = tempfile::tempdir().unwrap();
    let bytes = video_bytes(64 * MIB);
    put(cache.path(), &format!("{HASH}/movie.mp4"), &bytes);
    let log = cache.path().join("serve.log");
    let mut cmd = peerstream(cache.path());
    cmd.args([
        "serve",
        "--bind",
        "127.0.0.1:0",
        "--no-p2p",
        "--shutdown-grace",
        "2s",
    ]);
    let mut server = Server::spawn_logged(cmd, &log);
    // The client reads the head and a little, then nothing: the stream cannot finish.
    let (_stalled, _) = start_slow_read(&server.addr(), &format!("/stream/proxy/{HASH}"), 4096);
    let stopped_at = Instant::now();
    server.signal(libc::SIGTERM);
    // The listener closes at once; the open stream holds serve up to the grace period.
    wait_until(
        Duration::from_secs(5),
        "the listener to close",
        || match TcpStream::connect(server.addr()) {
            Err(e) => Ok(e),
            Ok(_) => Err("still accepting"),
        },
    );
    assert!(
        server.exit_within(Duration::from_millis(1500)).is_none(),
        "serve exited before the grace period; stderr: {}",
        server.stderr()
    );
    let status = server
        .exit_within(Duration::from_secs(10))
        .unwrap_or_else(|| panic!("serve still runs; stderr: {}", server.stderr()));
    let took = stopped_at.elapsed();
    assert!(status.success(), "{status:?}; stderr: {}", server.stderr());
    assert!(
        took >= Duration::from_secs(2) && took < Duration::from_secs(8),
        "{took:?}"
    );
    let stderr = server.stderr();
    assert!(stderr.contains("the grace period is over"), "{stderr}");
}

#[test]
fn the_systemd_unit_passes_systemd_analyze_verify() {
    if !have_tool("systemd-analyze") {
        return;
    }
    let unit = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/deploy/peerstream.service"
    ))
    .unwrap();
    for hardening in [
        "DynamicUser=yes",
        "StateDirectory=peerstream",
        "ProtectSystem=strict",
        "NoNewPrivileges=yes",
        "LimitNOFILE=",
    ] {
        assert!(unit.contains(hardening), "the unit lacks {hardening}");
    }
    // verify checks that ExecStart exists: point it at the binary under test.
    assert!(unit.contains("ExecStart=/usr/local/bin/peerstream serve"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("peerstream.service");
    std::fs::write(&path, unit.replace("/usr/local/bin/peerstream", BIN)).unwrap();
    let output = std::process::Command::new("systemd-analyze")
        .arg("verify")
        .arg(&path)
        .env("SYSTEMD_LOG_LEVEL", "warning")
        .output()
        .expect("systemd-analyze");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    // Unknown or misspelt keys are only warned about: there must be none.
    assert!(stderr.trim().is_empty(), "{stderr}");
}
