//! The page and CORS in a real browser: headless Chromium driven over WebDriver (chromedriver),
//! against the real `serve`; a second origin is `python3 -m http.server` on another port.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use crate::support::swarm::{Seeder, loopback_flags, make_torrent, runtime};
use crate::support::*;

const UNDECODABLE_HASH: &str = "c9e15763f722f23e98a29decdfae341b98d53056";

/// Chromium and chromedriver, or a SKIP (a failure under CI=true).
fn have_browser() -> bool {
    have_tool("chromium") && have_tool("chromedriver") && have_tool("python3")
}

/// A chromedriver on a free loopback port (it picks one with --port=0 and prints it).
struct Driver {
    _process: ChildGuard,
    url: String,
}

impl Driver {
    fn start() -> Driver {
        let mut process = ChildGuard::spawn(
            Command::new("chromedriver")
                .arg("--port=0")
                .stdout(Stdio::piped())
                .stderr(Stdio::null()),
        );
        let stdout = process.stdout.take().expect("stdout piped");
        let mut port = None;
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(rest) = line.split("started successfully on port ").nth(1) {
                port = rest.trim_end_matches('.').parse::<u16>().ok();
                break;
            }
        }
        let port = port.expect("chromedriver printed its port");
        Driver {
            _process: process,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

/// A headless Chromium session. `evil.example` resolves to 127.0.0.1, as a rebinding attack
/// would make it; nothing else leaves loopback.
async fn browser(driver: &Driver, width: u32, height: u32) -> Client {
    let args = vec![
        "--headless=new".to_owned(),
        "--no-sandbox".to_owned(),
        "--disable-gpu".to_owned(),
        "--disable-dev-shm-usage".to_owned(),
        "--autoplay-policy=no-user-gesture-required".to_owned(),
        "--host-resolver-rules=MAP evil.example 127.0.0.1, EXCLUDE localhost".to_owned(),
        format!("--window-size={width},{height}"),
    ];
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".to_owned(),
        json!({ "args": args, "binary": "/usr/bin/chromium" }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("WebDriver session")
}

/// Evaluates `script` (a function body) in the page until it returns something truthy.
async fn wait_for(client: &Client, what: &str, limit: Duration, script: &str) -> Value {
    let deadline = Instant::now() + limit;
    loop {
        // While the page navigates (the token form reloads it) a script can fail to run:
        // that is "not yet", like a falsy answer.
        let value = match client.execute(script, vec![]).await {
            Ok(value) => value,
            Err(e) => json!(format!("(script did not run: {e})")),
        };
        let ran = !value
            .as_str()
            .is_some_and(|v| v.starts_with("(script did not run"));
        let truthy = ran
            && !matches!(value, Value::Null | Value::Bool(false))
            && value != json!("")
            && value != json!(0);
        if truthy {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {limit:?} waiting for {what}; last: {value}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Plays `target` through the page's box and waits until the video plays; returns how long it
/// took from the click.
async fn play_through_form(client: &Client, target: &str, limit: Duration) -> Duration {
    let field = client.find(Locator::Id("target")).await.expect("input");
    field.clear().await.expect("clear");
    field.send_keys(target).await.expect("type");
    let started = Instant::now();
    client
        .find(Locator::Id("play-button"))
        .await
        .expect("button")
        .click()
        .await
        .expect("click");
    wait_for(
        client,
        "the video to play",
        limit,
        "const v = document.getElementById('video'); \
         return v.dataset.state === 'playing' && v.currentTime > 0;",
    )
    .await;
    started.elapsed()
}

#[test]
fn page_lists_the_cache_plays_the_mock_and_seeks_with_a_token() {
    if !have_browser() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    put(
        dir.path(),
        &format!("{HASH}/Some Movie.mp4"),
        &video_bytes(2 << 20),
    );
    // An EBML head and nothing a decoder can use.
    let mut mkv = vec![0x1a, 0x45, 0xdf, 0xa3];
    mkv.extend(video_bytes(2 << 20));
    put(dir.path(), &format!("{UNDECODABLE_HASH}/Show.mkv"), &mkv);
    let server = Server::start(dir.path(), &["--no-p2p", "--token", "s3cret"]);
    let driver = Driver::start();
    runtime().block_on(async {
        let client = browser(&driver, 1280, 900).await;
        // Without the token the page asks for it; with it (once) the page keeps it.
        client.goto(&server.url("/")).await.expect("open /");
        let asked = client
            .find(Locator::Css("input[name=token]"))
            .await
            .expect("the token form");
        asked.send_keys("s3cret\n").await.expect("submit token");
        wait_for(
            &client,
            "the cache list",
            Duration::from_secs(10),
            "return document.getElementById('cache').textContent.includes('Some Movie.mp4');",
        )
        .await;

        let took = play_through_form(&client, MOCK_HASH, Duration::from_secs(20)).await;
        eprintln!("mock: playing {} ms after the click", took.as_millis());
        let src: String = serde_json::from_value(
            client
                .execute("return document.getElementById('video').src;", vec![])
                .await
                .expect("src"),
        )
        .expect("string");
        assert!(src.contains("token=s3cret"), "{src}");

        let seeked = client
            .execute_async(
                "const done = arguments[0]; const v = document.getElementById('video'); \
                 const t0 = performance.now(); \
                 v.addEventListener('seeked', () => done({ at: v.currentTime, \
                   ms: performance.now() - t0 }), { once: true }); \
                 v.currentTime = v.duration * 0.6;",
                vec![],
            )
            .await
            .expect("seek");
        let at = seeked["at"].as_f64().expect("currentTime");
        let duration = client
            .execute("return document.getElementById('video').duration;", vec![])
            .await
            .expect("duration")
            .as_f64()
            .expect("number");
        eprintln!(
            "mock: seeked to {at:.2}s of {duration:.2}s in {:.0} ms",
            seeked["ms"].as_f64().unwrap_or_default()
        );
        assert!(at > duration * 0.5, "seeked to {at} of {duration}");
        let events = client
            .execute("return window.peerstream.events;", vec![])
            .await
            .expect("events");
        assert!(events.as_array().expect("list").contains(&json!("seeked")));
        let command: String = serde_json::from_value(
            client
                .execute(
                    "return document.getElementById('player-command').value;",
                    vec![],
                )
                .await
                .expect("command"),
        )
        .expect("string");
        assert_eq!(
            command,
            format!("mpv '{}?token=s3cret'", server.stream_url(MOCK_HASH))
        );

        // A file the browser cannot decode: the page says so and gives the player command.
        client
            .execute(
                "window.peerstream.open(arguments[0]);",
                vec![json!(UNDECODABLE_HASH)],
            )
            .await
            .expect("open the mkv");
        let note = wait_for(
            &client,
            "the cannot-decode note",
            Duration::from_secs(20),
            "const n = document.getElementById('decode-note'); return !n.hidden && n.textContent;",
        )
        .await;
        let note = note.as_str().expect("text");
        assert!(note.contains("cannot decode"), "{note}");
        assert!(
            note.contains(&format!(
                "mpv '{}?token=s3cret'",
                server.stream_url(UNDECODABLE_HASH)
            )),
            "{note}"
        );
        client.close().await.expect("close");
    });
}

#[test]
fn another_origin_reads_stream_bytes_but_the_api_only_when_listed() {
    if !have_browser() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let site = tempfile::tempdir().expect("site");
    std::fs::write(
        site.path().join("index.html"),
        "<!doctype html><title>other</title>",
    )
    .expect("page");
    let mut python = ChildGuard::spawn(
        Command::new("python3")
            .args(["-m", "http.server", "0", "--bind", "127.0.0.1"])
            .current_dir(site.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null()),
    );
    let port = crate::support::process::wait_for_tcp_listener(python.id(), "python http.server");
    let _ = python.stdout.take();
    // Only the origin named `localhost` is listed; the same site as 127.0.0.1 is another origin.
    let listed = format!("http://localhost:{port}");
    let server = Server::start(
        dir.path(),
        &["--no-p2p", "--token", "s3cret", "--cors-origin", &listed],
    );
    let mock = mock_asset();
    let driver = Driver::start();
    runtime().block_on(async {
        let client = browser(&driver, 800, 600).await;
        let fetch_range = "const [url, done] = arguments; \
             fetch(url, { headers: { Range: 'bytes=100-199', Authorization: 'Bearer s3cret' } }) \
               .then(async r => done({ status: r.status, range: r.headers.get('content-range'), \
                 bytes: Array.from(new Uint8Array(await r.arrayBuffer())) })) \
               .catch(e => done({ error: String(e) }));";
        let fetch_json = "const [url, done] = arguments; \
             fetch(url, { headers: { Authorization: 'Bearer s3cret' } }) \
               .then(async r => done({ status: r.status, body: await r.json() })) \
               .catch(e => done({ error: String(e) }));";

        client
            .goto(&format!("http://127.0.0.1:{port}/"))
            .await
            .expect("other origin");
        // A Range and a Bearer need a preflight: it passes without the token, the GET with it.
        let got = client
            .execute_async(fetch_range, vec![json!(server.stream_url(MOCK_HASH))])
            .await
            .expect("fetch stream");
        assert_eq!(got["status"], 206, "{got}");
        assert_eq!(got["range"], format!("bytes 100-199/{}", mock.len()));
        let bytes: Vec<u8> = serde_json::from_value(got["bytes"].clone()).expect("bytes");
        assert_eq!(bytes, mock[100..200]);

        let refused = client
            .execute_async(fetch_json, vec![json!(server.url("/api/cache"))])
            .await
            .expect("fetch api");
        assert!(
            refused["error"]
                .as_str()
                .is_some_and(|e| e.contains("Failed to fetch")),
            "an unlisted origin read /api/cache: {refused}"
        );

        // <video crossorigin> from another origin plays too.
        let played = client
            .execute_async(
                "const [url, done] = arguments; const v = document.createElement('video'); \
                 v.crossOrigin = 'anonymous'; v.muted = true; \
                 v.addEventListener('playing', () => done('playing')); \
                 v.addEventListener('error', () => done('error ' + v.error.code)); \
                 v.src = url; document.body.appendChild(v); v.play().catch(() => {});",
                vec![json!(format!(
                    "{}?token=s3cret",
                    server.stream_url(MOCK_HASH)
                ))],
            )
            .await
            .expect("video");
        assert_eq!(played, json!("playing"));

        client
            .goto(&format!("{listed}/"))
            .await
            .expect("listed origin");
        let allowed = client
            .execute_async(fetch_json, vec![json!(server.url("/api/cache"))])
            .await
            .expect("fetch api");
        assert_eq!(allowed["status"], 200, "{allowed}");
        assert!(allowed["body"]["entries"].is_array(), "{allowed}");

        // A rebinding page: evil.example resolves to the server, and is refused by its Host.
        let evil = format!(
            "http://evil.example:{}/api/cache?token=s3cret",
            server.addr().rsplit_once(':').expect("port").1
        );
        client.goto(&evil).await.expect("evil page");
        let text: String = serde_json::from_value(
            client
                .execute("return document.body.innerText;", vec![])
                .await
                .expect("text"),
        )
        .expect("string");
        assert!(text.contains("forbidden_host"), "{text}");
        client.close().await.expect("close");
    });
}

#[test]
fn magnet_form_plays_an_uncached_torrent_from_its_x_pe_peer() {
    if !have_browser() {
        return;
    }
    let seed_dir = tempfile::tempdir().expect("seed dir");
    let clip = seed_dir.path().join("clip.mp4");
    std::fs::write(&clip, mock_asset()).expect("clip");
    let torrent = make_torrent(&clip, 16 * 1024, &[]);
    let seeder = Seeder::start(&torrent, seed_dir.path(), None);
    let cache = tempfile::tempdir().expect("cache");
    // No --peer: the only way to the seeder is the magnet's x.pe.
    let mut cmd = peerstream(cache.path());
    cmd.args(["serve", "--bind", "127.0.0.1:0"])
        .args(loopback_flags(&[], &[]))
        .args(["--no-nat"]);
    let server = Server::spawn(cmd);
    let driver = Driver::start();
    let peers: Vec<SocketAddr> = vec![seeder.addr];
    runtime().block_on(async {
        let client = browser(&driver, 1280, 900).await;
        client.goto(&server.url("/")).await.expect("open /");
        let took =
            play_through_form(&client, &torrent.magnet(&peers), Duration::from_secs(60)).await;
        eprintln!(
            "uncached torrent: playing {} ms after the click",
            took.as_millis()
        );
        let src: String = serde_json::from_value(
            client
                .execute("return document.getElementById('video').src;", vec![])
                .await
                .expect("src"),
        )
        .expect("string");
        assert!(src.contains("x.pe=127.0.0.1"), "{src}");
        client.close().await.expect("close");
    });
}
