//! `serve` against a real HTTP client: ranges, validators, errors and what must never be served.

use crate::support::*;
use reqwest::StatusCode;
use reqwest::blocking::{Client, Response};

const SIZE: usize = 3 * 1024 * 1024 + 123;
const MIB_2: usize = 2 * 1024 * 1024;

fn client() -> Client {
    Client::builder().build().expect("http client")
}

fn get(url: &str, headers: &[(&str, &str)]) -> Response {
    let mut request = client().get(url);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    request.send().expect("request")
}

fn header(response: &Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().expect("ascii header").to_owned())
        .unwrap_or_default()
}

fn json_code(response: Response) -> String {
    assert_eq!(header(&response, "content-type"), "application/json");
    let body: serde_json::Value = response.json().expect("json error body");
    assert!(
        body["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{body}"
    );
    body["code"].as_str().expect("code").to_owned()
}

/// A server over a cache holding one valid 3 MiB file for HASH.
fn fixture() -> (tempfile::TempDir, Server, Vec<u8>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let bytes = video_bytes(SIZE);
    put(dir.path(), &format!("{HASH}/Some Movie.mp4"), &bytes);
    let server = Server::start(dir.path(), &["--no-p2p"]);
    (dir, server, bytes)
}

#[test]
fn full_get_and_every_range_form() {
    let (_dir, server, bytes) = fixture();
    let url = server.stream_url(HASH);

    let full = get(&url, &[]);
    assert_eq!(full.status(), StatusCode::OK);
    assert_eq!(header(&full, "accept-ranges"), "bytes");
    assert_eq!(header(&full, "content-length"), SIZE.to_string());
    assert_eq!(header(&full, "content-type"), "video/mp4");
    assert_eq!(header(&full, "x-peerstream-source"), "cache");
    assert!(
        header(&full, "content-disposition").starts_with("inline; filename=\"Some Movie.mp4\"")
    );
    assert!(header(&full, "etag").starts_with('"'));
    assert!(!header(&full, "last-modified").is_empty());
    assert_eq!(full.bytes().expect("body").as_ref(), &bytes[..]);

    let n = SIZE as u64;
    let cases: &[(&str, u64, u64)] = &[
        ("bytes=0-0", 0, 0),
        ("bytes=100-1099", 100, 1099),
        ("bytes=2000000-", 2_000_000, n - 1),
        ("bytes=-500", n - 500, n - 1),
        ("bytes=3145000-999999999", 3_145_000, n - 1),
        ("bytes=-99999999", 0, n - 1),
    ];
    for (range, start, end) in cases {
        let response = get(&url, &[("range", range)]);
        assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT, "{range}");
        assert_eq!(
            header(&response, "content-range"),
            format!("bytes {start}-{end}/{n}"),
            "{range}"
        );
        assert_eq!(
            header(&response, "content-length"),
            (end - start + 1).to_string()
        );
        let body = response.bytes().expect("body");
        assert_eq!(
            body.as_ref(),
            &bytes[*start as usize..=*end as usize],
            "{range}"
        );
    }
}

#[test]
fn unsatisfiable_malformed_and_multiple_ranges() {
    let (_dir, server, bytes) = fixture();
    let url = server.stream_url(HASH);
    // What VLC sends to learn the size.
    for range in [format!("bytes={SIZE}-"), format!("bytes={}-", SIZE + 10)] {
        let response = get(&url, &[("range", &range)]);
        assert_eq!(response.status(), StatusCode::RANGE_NOT_SATISFIABLE);
        assert_eq!(
            header(&response, "content-range"),
            format!("bytes */{SIZE}")
        );
        assert_eq!(json_code(response), "range_not_satisfiable");
    }
    for malformed in ["bytes=abc", "bytes=10-5", "pages=1-2", "bytes="] {
        let response = get(&url, &[("range", malformed)]);
        assert_eq!(response.status(), StatusCode::OK, "{malformed}");
        assert_eq!(response.bytes().expect("body").len(), bytes.len());
    }
    let response = get(&url, &[("range", "bytes=0-9,100-109")]);
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.bytes().expect("body").as_ref(), &bytes[..]);
}

#[test]
fn head_matches_get_without_body() {
    let (_dir, server, _bytes) = fixture();
    let url = server.stream_url(HASH);
    for range in [None, Some("bytes=10-19")] {
        let mut head = client().head(&url);
        let mut get_req = client().get(&url);
        if let Some(r) = range {
            head = head.header("range", r);
            get_req = get_req.header("range", r);
        }
        let head = head.send().expect("head");
        let get_res = get_req.send().expect("get");
        assert_eq!(head.status(), get_res.status());
        for name in [
            "content-length",
            "content-range",
            "content-type",
            "etag",
            "last-modified",
            "accept-ranges",
            "content-disposition",
        ] {
            assert_eq!(header(&head, name), header(&get_res, name), "{name}");
        }
        assert!(head.bytes().expect("head body").is_empty());
    }
}

#[test]
fn validators_if_range_if_match_if_none_match() {
    let (_dir, server, bytes) = fixture();
    let url = server.stream_url(HASH);
    let etag = header(&get(&url, &[("range", "bytes=0-0")]), "etag");
    let last_modified = header(&get(&url, &[("range", "bytes=0-0")]), "last-modified");
    assert_eq!(
        etag,
        header(&get(&url, &[("range", "bytes=0-0")]), "etag"),
        "ETag must be stable"
    );

    let hit = get(&url, &[("range", "bytes=10-19"), ("if-range", &etag)]);
    assert_eq!(hit.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(hit.bytes().expect("body").as_ref(), &bytes[10..20]);
    let date_hit = get(
        &url,
        &[("range", "bytes=10-19"), ("if-range", &last_modified)],
    );
    assert_eq!(date_hit.status(), StatusCode::PARTIAL_CONTENT);

    let miss = get(&url, &[("range", "bytes=10-19"), ("if-range", "\"stale\"")]);
    assert_eq!(miss.status(), StatusCode::OK);
    assert_eq!(miss.bytes().expect("body").len(), SIZE);

    // VLC echoes the ETag in If-Match.
    let matched = get(&url, &[("range", "bytes=5-"), ("if-match", &etag)]);
    assert_eq!(matched.status(), StatusCode::PARTIAL_CONTENT);
    let failed = get(&url, &[("if-match", "\"other\"")]);
    assert_eq!(failed.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(json_code(failed), "precondition_failed");

    let not_modified = get(&url, &[("if-none-match", &etag)]);
    assert_eq!(not_modified.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&not_modified, "etag"), etag);
}

#[test]
fn mock_hash_serves_the_embedded_video() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(dir.path(), &[] as &[&str]);
    let expected = mock_asset();
    for hash in [MOCK_HASH, &"F".repeat(40), &"7".repeat(40)] {
        let response = get(&server.stream_url(hash), &[]);
        assert_eq!(response.status(), StatusCode::OK, "{hash}");
        assert_eq!(header(&response, "x-peerstream-source"), "mock");
        assert_eq!(header(&response, "content-type"), "video/mp4");
        assert_eq!(response.bytes().expect("body").as_ref(), &expected[..]);
    }
    let tail = get(&server.stream_url(MOCK_HASH), &[("range", "bytes=-1000")]);
    assert_eq!(tail.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        tail.bytes().expect("body").as_ref(),
        &expected[expected.len() - 1000..]
    );
}

#[test]
fn cached_file_found_by_hash_anywhere_in_its_path_and_by_base32() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut mkv = vec![0x1a, 0x45, 0xdf, 0xa3];
    mkv.extend(video_bytes(2 * 1024 * 1024));
    put(
        dir.path(),
        &format!("Movie-{}.mkv", HASH.to_uppercase()),
        &mkv,
    );
    let server = Server::start(dir.path(), &["--no-p2p"]);
    let response = get(&server.stream_url(HASH), &[]);
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "content-type"), "video/x-matroska");
    assert_eq!(response.bytes().expect("body").as_ref(), &mkv[..]);

    let raw = data_encoding_hex_to_base32(HASH);
    let by_b32 = get(&server.stream_url(&raw), &[("range", "bytes=0-3")]);
    assert_eq!(by_b32.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(by_b32.bytes().expect("body").as_ref(), &mkv[..4]);
}

/// RFC 4648 base32 of the hash bytes, written out here so the test does not reuse the code
/// under test.
fn data_encoding_hex_to_base32(hex: &str) -> String {
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
        .collect();
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0);
    for b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(alphabet[((buffer >> bits) & 31) as usize] as char);
        }
    }
    out
}

#[test]
fn invalid_cache_files_are_never_served() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hashes = [
        (
            "1111111111111111111111111111111111111112",
            "small.mp4",
            video_bytes(1000),
        ),
        (
            "2222222222222222222222222222222222222223",
            "notes.txt",
            video_bytes(2 << 20),
        ),
        (
            "3333333333333333333333333333333333333334",
            "movie.mp4.part",
            video_bytes(2 << 20),
        ),
        (
            "4444444444444444444444444444444444444445",
            "fake.mkv",
            video_bytes(2 << 20),
        ),
    ];
    for (hash, name, bytes) in &hashes {
        put(dir.path(), &format!("{hash}/{name}"), bytes);
    }
    // A complete-looking file inside a folder still marked as downloading.
    let partial_hash = "5555555555555555555555555555555555555556";
    put(
        dir.path(),
        &format!("{partial_hash}/movie.mp4"),
        &video_bytes(2 << 20),
    );
    put(
        dir.path(),
        &format!("{partial_hash}/.peerstream-partial"),
        b"",
    );

    let off = Server::start(dir.path(), &["--no-p2p"]);
    let on = Server::start(dir.path(), &[] as &[&str]);
    for hash in hashes.iter().map(|h| h.0).chain([partial_hash]) {
        let response = get(&off.stream_url(hash), &[]);
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{hash}");
        assert_eq!(json_code(response), "not_found");
        // With P2P on (but no DHT, tracker or peer in tests) it goes to the swarm, not the file.
        let response = get(&on.stream_url(hash), &[]);
        assert_eq!(response.status(), StatusCode::GATEWAY_TIMEOUT, "{hash}");
        assert_eq!(json_code(response), "no_peers");
    }
}

#[cfg(unix)]
#[test]
fn symlink_leading_out_of_the_cache_is_not_served() {
    let outside = tempfile::tempdir().expect("tempdir");
    let secret = put(outside.path(), "secret.mp4", &video_bytes(2 << 20));
    let dir = tempfile::tempdir().expect("tempdir");
    std::os::unix::fs::symlink(&secret, dir.path().join(format!("{HASH}.mp4"))).expect("symlink");
    let server = Server::start(dir.path(), &["--no-p2p"]);
    assert_eq!(
        get(&server.stream_url(HASH), &[]).status(),
        StatusCode::NOT_FOUND
    );
}

#[test]
fn bad_hashes_and_traversal_attempts_get_json_errors() {
    let (_dir, server, _bytes) = fixture();
    for bad in [
        "xyz",
        "0000",
        &"g".repeat(40),
        "..%2F..%2Fetc%2Fpasswd",
        "%2e%2e%2f",
        &format!("{HASH}0"),
    ] {
        let response = get(&server.url(&format!("/stream/proxy/{bad}")), &[]);
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(json_code(response), "invalid_hash");
    }
    for path in [
        "/stream/proxy/../../../../etc/passwd",
        "/stream/proxy/..%2f..%2f..%2fetc%2fpasswd",
        "/stream/proxy/%2e%2e/%2e%2e/etc/passwd",
        &format!("/stream/proxy/{HASH}/../../../etc/passwd"),
        "/../../etc/passwd",
    ] {
        let (status, text) = raw_get(&server.addr(), path);
        assert!(status == 400 || status == 404, "{path}: {status}");
        assert!(
            text.contains("\"code\""),
            "{path}: not a JSON error: {text}"
        );
        assert!(!text.contains("root:"), "{path} leaked a system file");
    }
    let unknown_route = get(&server.url("/nope"), &[]);
    assert_eq!(unknown_route.status(), StatusCode::NOT_FOUND);
    assert_eq!(json_code(unknown_route), "no_route");
    let post = client().post(server.stream_url(HASH)).send().expect("post");
    assert_eq!(post.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[test]
fn health_and_cache_listing() {
    let (_dir, server, _bytes) = fixture();
    let health: serde_json::Value = get(&server.url("/health"), &[]).json().expect("json");
    assert_eq!(health["status"], "ok");
    let listing: serde_json::Value = get(&server.url("/api/cache"), &[]).json().expect("json");
    let entries = listing["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["info_hash"], HASH);
    assert_eq!(entries[0]["state"], "complete");
    assert_eq!(entries[0]["size"], SIZE as u64);
    // Paths are relative to the cache folder: HTTP clients learn nothing of the server's disk.
    assert_eq!(entries[0]["path"], format!("{HASH}/Some Movie.mp4"));
    assert_eq!(entries[0]["file"], format!("{HASH}/Some Movie.mp4"));
    assert_eq!(listing["cache_dir"], serde_json::Value::Null);
    assert_no_cache_path(&listing.to_string(), _dir.path());
}

/// `text` names neither the cache folder as given nor its resolved absolute path.
fn assert_no_cache_path(text: &str, cache: &std::path::Path) {
    let resolved = cache.canonicalize().expect("canonical cache path");
    for path in [cache, resolved.as_path()] {
        let path = path.display().to_string();
        assert!(!text.contains(&path), "{path} leaked: {text}");
    }
}

#[test]
fn a_p2p_error_about_a_cache_file_names_it_relative_to_the_cache() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = tempfile::tempdir().expect("tempdir");
    let file = content.path().join("broken.mp4");
    std::fs::write(&file, video_bytes(MIB_2)).expect("payload");
    let torrent = crate::support::swarm::make_torrent(&file, 256 * 1024, &[]);
    // Stored metadata lets the engine skip the swarm; a folder where the partial marker must
    // be written makes it fail with an error that names a path inside the cache.
    let folder = dir.path().join(&torrent.info_hash);
    std::fs::create_dir_all(folder.join(".peerstream-partial")).expect("marker folder");
    torrent.write_to(&folder.join(".peerstream.torrent"));

    let server = Server::start(dir.path(), &["--port", "0"]);
    let response = get(&server.stream_url(&torrent.info_hash), &[]);
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    let body = response.text().expect("body");
    let json: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(json["code"], "p2p_error", "{body}");
    assert!(
        json["error"]
            .as_str()
            .is_some_and(|e| e.contains(&torrent.info_hash)),
        "the error no longer names the folder: {body}"
    );
    assert_no_cache_path(&body, dir.path());
}

#[test]
fn token_is_enforced_when_set() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(dir.path(), &["--token", "s3cret"]);
    let url = server.stream_url(MOCK_HASH);
    let denied = get(&url, &[]);
    assert_eq!(denied.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(json_code(denied), "unauthorised");
    assert_eq!(
        get(&format!("{url}?token=s3cret"), &[]).status(),
        StatusCode::OK
    );
    // RFC 9110 section 11.1: the scheme is case-insensitive; spaces may follow it.
    for header in ["Bearer s3cret", "bearer s3cret", "BEARER   s3cret"] {
        assert_eq!(
            get(&url, &[("authorization", header)]).status(),
            StatusCode::OK,
            "{header}"
        );
    }
    for wrong in [
        "Bearer s3cre",
        "Bearer s3cret2",
        "Basic s3cret",
        "Bearers3cret",
        "s3cret",
    ] {
        assert_eq!(
            get(&url, &[("authorization", wrong)]).status(),
            StatusCode::UNAUTHORIZED,
            "{wrong}"
        );
    }
    assert_eq!(
        get(&format!("{url}?token=S3CRET"), &[]).status(),
        StatusCode::UNAUTHORIZED,
        "the token itself is case-sensitive"
    );
}

#[test]
fn status_reports_the_p2p_coordinator_within_its_budget() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("peerstream.toml");
    // A STUN server that never answers (loopback only) and no router to map on.
    std::fs::write(
        &config,
        "[nat]\nstun_servers = [\"127.0.0.1:9\"]\nbudget_secs = 2\nmap_port = false\n[p2p]\nlisten_port = 0\n",
    )
    .expect("config");
    let mut cmd = peerstream(dir.path());
    cmd.env_remove("PEERSTREAM_NO_NAT")
        .arg("--config")
        .arg(&config)
        .args(["serve", "--bind", "127.0.0.1:0"]);
    let server = Server::spawn(cmd);
    let before: serde_json::Value = get(&server.url("/api/status"), &[]).json().expect("json");
    assert_eq!(before["p2p_enabled"], true);

    // serve starts the engine (and the coordinator) at once; an unknown hash waits for it and
    // finds no peers.
    let started = std::time::Instant::now();
    let response = get(
        &server.stream_url("c0ffee00c0ffee00c0ffee00c0ffee00c0ffee01"),
        &[],
    );
    assert_eq!(response.status(), StatusCode::GATEWAY_TIMEOUT);
    assert!(started.elapsed() < std::time::Duration::from_secs(10));

    let after: serde_json::Value = get(&server.url("/api/status"), &[]).json().expect("json");
    let coordinator = &after["engine"]["coordinator"];
    assert_eq!(coordinator["enabled"], true, "{after}");
    assert!(
        coordinator["listen_port"].as_u64().is_some_and(|p| p > 0),
        "{after}"
    );
    assert!(
        coordinator["duration_ms"]
            .as_u64()
            .is_some_and(|ms| ms <= 2_500),
        "over budget: {after}"
    );
    assert_eq!(coordinator["mappings"], serde_json::json!([]));
}

#[test]
fn a_file_marked_partial_after_being_served_is_not_served_again() {
    let (dir, server, _bytes) = fixture();
    let url = server.stream_url(HASH);
    assert_eq!(
        get(&url, &[("range", "bytes=0-9")]).status(),
        StatusCode::PARTIAL_CONTENT
    );
    std::fs::write(
        dir.path().join(HASH).join(".peerstream-partial"),
        "Some Movie.mp4\n",
    )
    .expect("marker");
    let response = get(&url, &[("range", "bytes=0-9")]);
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(json_code(response), "not_found");
    std::fs::remove_file(dir.path().join(HASH).join(".peerstream-partial")).expect("unmark");
    assert_eq!(
        get(&url, &[("range", "bytes=0-9")]).status(),
        StatusCode::PARTIAL_CONTENT
    );
}

#[test]
fn serve_stops_with_exit_0_on_sigterm_and_on_ctrl_c() {
    use std::io::BufRead;
    for signal in [libc::SIGTERM, libc::SIGINT] {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut child = peerstream(dir.path())
            .args(["serve", "--bind", "127.0.0.1:0", "--no-p2p"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start serve");
        let mut first = String::new();
        std::io::BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut first)
            .expect("listen URL");
        assert!(first.starts_with("http://127.0.0.1:"), "{first:?}");
        let pid = i32::try_from(child.id()).expect("pid");
        // SAFETY: kill(2) on the child this test started and has not reaped yet.
        assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
        let started = std::time::Instant::now();
        let output = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "signal {signal}: {stderr}");
        assert!(stderr.contains("stopped"), "signal {signal}: {stderr}");
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
    }
}
