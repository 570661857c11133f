//! `serve`'s access rules over plain HTTP: the Host check (DNS rebinding), CORS headers, the
//! token on every route, and magnets over HTTP.

use std::time::Duration;

use crate::support::*;
use reqwest::StatusCode;
use reqwest::blocking::{Client, RequestBuilder, Response};

fn client() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client")
}

fn send(request: RequestBuilder) -> Response {
    request.send().expect("request")
}

fn code(response: Response) -> String {
    let body: serde_json::Value = response.json().expect("json body");
    body["code"].as_str().unwrap_or_default().to_owned()
}

fn cached_server(extra: &[&str]) -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().expect("tempdir");
    put(
        dir.path(),
        &format!("{HASH}/Some Movie.mp4"),
        &video_bytes(2 << 20),
    );
    let server = Server::start(dir.path(), extra);
    (dir, server)
}

#[test]
fn foreign_host_is_refused_and_the_m3u_never_reflects_it() {
    let (_dir, server) = cached_server(&["--no-p2p", "--allowed-host", "media.lan"]);
    let port = server.addr().rsplit_once(':').expect("port").1.to_owned();
    let m3u = server.url(&format!("/stream/proxy/{MOCK_HASH}.m3u"));
    for path in [
        "/api/cache",
        "/",
        "/health",
        &format!("/stream/proxy/{HASH}"),
    ] {
        for host in [
            "evil.example",
            "evil.example:8787",
            "127.0.0.1.evil.example",
            "a b",
        ] {
            let response = send(client().get(server.url(path)).header("host", host));
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path} {host}");
            assert_eq!(code(response), "forbidden_host");
        }
    }
    let refused = send(
        client()
            .get(&m3u)
            .header("host", format!("evil.example:{port}")),
    );
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let body = refused.text().expect("body");
    assert!(!body.contains("http://evil.example"), "{body}");

    for host in [
        format!("localhost:{port}"),
        format!("media.lan:{port}"),
        format!("127.0.0.1:{port}"),
    ] {
        let response = send(client().get(&m3u).header("host", &host));
        assert_eq!(response.status(), StatusCode::OK, "{host}");
        let text = response.text().expect("m3u");
        assert!(
            text.contains(&format!("http://{host}/stream/proxy/{MOCK_HASH}")),
            "{host}: {text}"
        );
    }
}

#[test]
fn token_is_required_on_every_route_but_not_for_a_preflight() {
    let (_dir, server) = cached_server(&["--no-p2p", "--token", "s3cret"]);
    let magnet = format!("magnet:?xt=urn:btih:{MOCK_HASH}&tr=http://127.0.0.1:1/announce");
    let magnet_route = format!("/stream/magnet?uri={}", percent_encode(&magnet));
    let gets = [
        "/".to_owned(),
        "/api/cache".to_owned(),
        "/api/torrents".to_owned(),
        "/api/status".to_owned(),
        "/health".to_owned(),
        format!("/stream/proxy/{MOCK_HASH}"),
        format!("/stream/proxy/{HASH}"),
        format!("/stream/proxy/{HASH}.m3u"),
        format!("/stream/proxy/{MOCK_HASH}/0"),
        magnet_route,
    ];
    for path in &gets {
        let without = send(client().get(server.url(path)));
        assert_eq!(without.status(), StatusCode::UNAUTHORIZED, "{path}");
        let wrong = send(client().get(server.url(path)).bearer_auth("nope"));
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED, "{path}");
        let with = send(client().get(server.url(path)).bearer_auth("s3cret"));
        assert!(
            with.status().is_success() || with.status().is_redirection(),
            "{path}: {}",
            with.status()
        );
    }
    let post = || client().post(server.url("/api/torrents")).body(MOCK_HASH);
    assert_eq!(send(post()).status(), StatusCode::UNAUTHORIZED);
    assert_eq!(send(post().bearer_auth("s3cret")).status(), StatusCode::OK);

    // The page asks a browser for the token with a form.
    let page = send(client().get(server.url("/")));
    assert_eq!(page.headers()["content-type"], "text/html; charset=utf-8");
    assert!(page.text().expect("form").contains("name=token"));

    for path in [
        format!("/stream/proxy/{MOCK_HASH}"),
        "/api/cache".to_owned(),
    ] {
        let preflight = send(
            client()
                .request(reqwest::Method::OPTIONS, server.url(&path))
                .header("origin", "http://127.0.0.1:1")
                .header("access-control-request-method", "GET")
                .header("access-control-request-headers", "range, authorization"),
        );
        let expected = if path.starts_with("/stream/") {
            StatusCode::NO_CONTENT
        } else {
            // An origin not in serve.cors_origins is refused, never asked for the token.
            StatusCode::FORBIDDEN
        };
        assert_eq!(preflight.status(), expected, "{path}");
    }
}

#[test]
fn cors_headers_answer_every_origin_on_streams_and_listed_origins_on_the_api() {
    let listed = "http://localhost:3000";
    let (_dir, server) = cached_server(&["--no-p2p", "--cors-origin", listed]);
    let stream = send(
        client()
            .get(server.stream_url(HASH))
            .header("origin", "http://anything.example")
            .header("range", "bytes=0-9"),
    );
    assert_eq!(stream.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(stream.headers()["access-control-allow-origin"], "*");
    let exposed = stream.headers()["access-control-expose-headers"]
        .to_str()
        .expect("ascii");
    for name in ["Content-Range", "Accept-Ranges", "Content-Length", "ETag"] {
        assert!(exposed.contains(name), "{exposed}");
    }
    let preflight = send(
        client()
            .request(reqwest::Method::OPTIONS, server.stream_url(HASH))
            .header("origin", "http://anything.example")
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "range"),
    );
    assert_eq!(preflight.status(), StatusCode::NO_CONTENT);
    assert_eq!(preflight.headers()["access-control-allow-origin"], "*");
    assert!(
        preflight.headers()["access-control-allow-headers"]
            .to_str()
            .expect("ascii")
            .contains("Range")
    );

    let other = send(
        client()
            .get(server.url("/api/cache"))
            .header("origin", "http://anything.example"),
    );
    assert_eq!(other.status(), StatusCode::OK);
    assert!(other.headers().get("access-control-allow-origin").is_none());
    let allowed = send(
        client()
            .get(server.url("/api/cache"))
            .header("origin", listed),
    );
    assert_eq!(allowed.headers()["access-control-allow-origin"], listed);
    assert_eq!(allowed.headers()["vary"], "Origin");
}

#[test]
fn magnets_over_http_keep_their_trackers_and_peers() {
    let (_dir, server) = cached_server(&["--no-p2p"]);
    let magnet = format!(
        "magnet:?xt=urn:btih:{HASH}&dn=Some%20Movie&tr=http%3A%2F%2F127.0.0.1%3A6969%2Fannounce&x.pe=127.0.0.1:51413"
    );
    let redirect =
        send(client().get(server.url(&format!("/stream/magnet?uri={}", percent_encode(&magnet)))));
    assert_eq!(redirect.status(), StatusCode::FOUND);
    let location = redirect.headers()["location"].to_str().expect("ascii");
    assert_eq!(
        location,
        format!(
            "/stream/proxy/{HASH}?dn=Some+Movie&tr=http%3A%2F%2F127.0.0.1%3A6969%2Fannounce&x.pe=127.0.0.1%3A51413"
        )
    );
    // The redirect target streams (from the cache here; the swarm keeps the peers).
    let stream = send(
        client()
            .get(server.url(location))
            .header("range", "bytes=0-9"),
    );
    assert_eq!(stream.status(), StatusCode::PARTIAL_CONTENT);

    let added = send(
        client()
            .post(server.url("/api/torrents"))
            .body(magnet.clone()),
    );
    assert_eq!(added.status(), StatusCode::OK);
    let added: serde_json::Value = added.json().expect("json");
    assert_eq!(added["info_hash"], HASH);
    assert_eq!(added["files"][0]["path"], "Some Movie.mp4");
    assert_eq!(added["files"][0]["video"], true);
    let url = added["files"][0]["stream_url"].as_str().expect("url");
    assert!(url.starts_with(&server.stream_url(HASH)), "{url}");
    assert!(url.contains("x.pe=127.0.0.1%3A51413"), "{url}");
    assert_eq!(
        added["m3u_url"],
        server.url(&format!("/stream/proxy/{HASH}.m3u"))
    );

    for bad in ["magnet:?dn=x", "/etc/passwd", "not a hash"] {
        let response = send(client().post(server.url("/api/torrents")).body(bad));
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(code(response), "invalid_target");
    }
    let response = send(client().get(server.url("/stream/magnet?uri=http://x")));
    assert_eq!(code(response), "invalid_magnet");
}

fn percent_encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[test]
fn mock_has_only_file_zero_and_bind_takes_a_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cmd = peerstream(dir.path());
    cmd.args(["serve", "--no-p2p", "--bind", "localhost:0"]);
    let server = Server::spawn(cmd);
    let port = server.addr().rsplit_once(':').expect("port").1.to_owned();
    let zero = send(client().get(server.url(&format!("/stream/proxy/{MOCK_HASH}/0"))));
    assert_eq!(zero.status(), StatusCode::OK);
    for index in ["1", "7"] {
        let other = send(client().get(server.url(&format!("/stream/proxy/{MOCK_HASH}/{index}"))));
        assert_eq!(other.status(), StatusCode::NOT_FOUND, "{index}");
        assert_eq!(code(other), "no_such_file");
    }
    let by_name = send(
        client()
            .get(server.url("/health"))
            .header("host", format!("localhost:{port}")),
    );
    assert_eq!(by_name.status(), StatusCode::OK);
}

#[test]
fn offline_serve_says_once_that_the_dht_found_no_node() {
    if !is_root() {
        skip("needs root for unshare -n");
        return;
    }
    if !have_tool("unshare") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("serve.log");
    // A network namespace of its own: no route, no DNS, as on a machine that is offline.
    let mut cmd = std::process::Command::new("unshare");
    cmd.args(["-n", BIN, "--cache-dir"])
        .arg(dir.path().join("cache"))
        .args(["serve", "--bind", "127.0.0.1:0", "--dht", "--port", "0"]);
    isolate(&mut cmd);
    let mut server = Server::spawn_logged(cmd, &log);
    wait_until(Duration::from_secs(20), "the DHT note", || {
        let text = server.stderr();
        if text.contains("DHT:") {
            Ok(())
        } else {
            Err(text)
        }
    });
    // Long enough for librqbit's next bootstrap retries (1.5 s, 3 s, ...).
    std::thread::sleep(Duration::from_secs(2));
    server.terminate(Duration::from_secs(10));
    let text = server.stderr();
    assert_eq!(text.matches("DHT:").count(), 1, "{text}");
    assert!(!text.contains("error in bootstrap"), "{text}");
}

#[test]
fn an_unknown_hash_says_what_it_waited_for_and_when_to_ask_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A port nobody listens on: a peer source that never answers.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .to_string();
    let server = Server::start(
        dir.path(),
        &[
            "--no-dht",
            "--no-trackers",
            "--port",
            "0",
            "--peer",
            &closed,
            "--metadata-timeout",
            "1",
        ],
    );
    let response =
        send(client().get(server.stream_url("c0ffee00c0ffee00c0ffee00c0ffee00c0ffee01")));
    assert_eq!(response.status(), StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(response.headers()["retry-after"], "30");
    let body: serde_json::Value = response.json().expect("json");
    assert_eq!(body["code"], "no_peers");
    let error = body["error"].as_str().expect("error");
    assert!(
        error.contains("waited for the torrent's metadata"),
        "{error}"
    );
    assert!(
        error.contains("no DHT (off), 0 trackers, 1 configured peers"),
        "{error}"
    );
}

#[test]
fn a_torrent_file_posted_to_the_api_is_opened_and_streams() {
    use crate::support::swarm::{Seeder, loopback_flags, make_torrent, payload};
    let seed_dir = tempfile::tempdir().expect("seed dir");
    let bytes = payload((3 << 20) + 11, 41);
    let file = seed_dir.path().join("posted.mp4");
    std::fs::write(&file, &bytes).expect("payload");
    let torrent = make_torrent(&file, 64 * 1024, &[]);
    let seeder = Seeder::start(&torrent, seed_dir.path(), None);
    let cache = tempfile::tempdir().expect("cache");
    let flags = loopback_flags(&[seeder.addr], &[]);
    let server = Server::start(cache.path(), &flags);

    let added = send(
        client()
            .post(server.url("/api/torrents"))
            .header("content-type", "application/x-bittorrent")
            .body(torrent.bytes.clone()),
    );
    assert_eq!(added.status(), StatusCode::OK);
    let added: serde_json::Value = added.json().expect("json");
    assert_eq!(added["info_hash"], torrent.info_hash.as_str());
    assert_eq!(added["files"][0]["path"], "posted.mp4");
    assert_eq!(added["files"][0]["size"], bytes.len());
    let url = added["files"][0]["stream_url"].as_str().expect("url");
    let range = send(client().get(url).header("range", "bytes=1000-1999"));
    assert_eq!(range.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(range.bytes().expect("body").as_ref(), &bytes[1000..2000]);

    let broken = send(
        client()
            .post(server.url("/api/torrents"))
            .body(&b"d4:infoi1ee"[..]),
    );
    assert_eq!(broken.status(), StatusCode::BAD_REQUEST);
    assert_eq!(code(broken), "invalid_target");
}

/// The README's "I have a magnet link" player line, run as written (only the port is the test
/// server's): the magnet goes through `/stream/magnet?uri=` and mpv plays the redirect.
#[test]
fn readme_magnet_player_line_plays_as_written() {
    if !have_tool("mpv") || !have_tool("python3") {
        return;
    }
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("read README.md");
    let line = readme
        .lines()
        .find_map(|l| {
            let start = l.find("`mpv \"http://127.0.0.1:8787/stream/magnet?uri=")?;
            let rest = &l[start + 1..];
            Some(rest[..rest.find('`')?].to_owned())
        })
        .expect("the README's player line");
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(dir.path(), &["--no-p2p"]);
    let command = line.replace("127.0.0.1:8787", &server.addr());
    // Headless mpv: the same command, without a window or sound.
    let script = format!(
        "mpv() {{ command mpv --no-config --vo=null --ao=null --frames=10 \"$@\"; }}\n{command}"
    );
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(&script)
        .env("MAGNET", format!("magnet:?xt=urn:btih:{MOCK_HASH}&dn=mock"))
        .output()
        .expect("run bash");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{command}\nexit {:?}\n{stdout}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("Video"),
        "mpv found no video stream:\n{stdout}"
    );
}

/// The `.m3u` carries the token URL-encoded: a token with `&`, `#` or a space still works.
#[test]
fn the_playlist_encodes_the_token() {
    let token = "a&b #c";
    let (_dir, server) = cached_server(&["--token", token]);
    let m3u = send(
        client()
            .get(server.url(&format!("/stream/proxy/{HASH}.m3u")))
            .bearer_auth(token),
    );
    assert_eq!(m3u.status(), StatusCode::OK);
    let text = m3u.text().expect("m3u");
    let url = text
        .lines()
        .find(|l| l.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in:\n{text}"));
    assert!(url.ends_with("?token=a%26b+%23c"), "{url}");
    // The URL as written plays.
    let stream = send(client().get(url));
    assert_eq!(stream.status(), StatusCode::OK, "{url}");
}
