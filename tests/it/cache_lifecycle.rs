//! The cache over months: size limits with least-recently-used eviction (never a pinned entry,
//! never one being streamed), refusal of a torrent that cannot fit, and `cache rm|pin|unpin|gc`
//! on the command line and over HTTP.

use std::io::Read;
use std::path::Path;
use std::process::Output;

use crate::support::swarm::{loopback_flags, seeded};
use crate::support::*;
use reqwest::StatusCode;

const MIB: usize = 1024 * 1024;

/// Info-hashes of hand-made cache entries (a torrent folder holding one video); not mock
/// hashes (one digit repeated).
const OLD_A: &str = "a1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const PINNED_B: &str = "b1bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const STREAMED_C: &str = "c1cccccccccccccccccccccccccccccccccccccc";
const PLAYED_D: &str = "d1dddddddddddddddddddddddddddddddddddddd";
const PLAYED_E: &str = "e1eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";

fn text(output: &Output) -> String {
    format!(
        "exit {:?}\nstdout: {}\nstderr: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A cache entry as peerstream leaves it: `<hash>/movie.mp4`, last used at `accessed` (Unix
/// seconds, in the documented `.peerstream-access` record). Returns the video's bytes.
fn entry(cache: &Path, hash: &str, size: usize, accessed: u64) -> Vec<u8> {
    let bytes = fake_mp4(size, accessed as u32);
    put(cache, &format!("{hash}/movie.mp4"), &bytes);
    put(
        cache,
        &format!("{hash}/.peerstream-access"),
        format!("{accessed}\n").as_bytes(),
    );
    bytes
}

fn run_json(cache: &Path, args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let output = peerstream(cache).args(args).output().expect("run");
    let value =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&output)));
    (output.status.code(), value)
}

fn hashes(list: &serde_json::Value) -> Vec<String> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|t| t["info_hash"].as_str().expect("hash").to_owned())
        .collect()
}

/// Reads a response to the end, checking it against `expected` from `offset` on.
fn read_rest(mut response: reqwest::blocking::Response, expected: &[u8], offset: usize) {
    let mut rest = Vec::new();
    response.read_to_end(&mut rest).expect("read the stream");
    assert_eq!(rest.len(), expected.len() - offset);
    assert!(rest == expected[offset..], "the stream's bytes changed");
}

#[test]
fn a_download_over_the_limit_evicts_the_least_recently_played_never_pinned_or_streamed() {
    let (_seed_dir, torrent, seeder, wanted) = seeded("new.mp4", 3 * MIB, 31, None);
    let cache = tempfile::tempdir().expect("tempdir");
    // B (pinned) and A were last used years ago; C, D and E are played below, in that order.
    entry(cache.path(), PINNED_B, 2 * MIB, 1_000_000_000);
    entry(cache.path(), OLD_A, 2 * MIB, 1_100_000_000);
    // Larger than what loopback sockets buffer: its stream stays open until read.
    let c = entry(cache.path(), STREAMED_C, 16 * MIB, 1_200_000_000);
    let d = entry(cache.path(), PLAYED_D, 2 * MIB, 1_300_000_000);
    let e = entry(cache.path(), PLAYED_E, 2 * MIB, 1_400_000_000);
    let pin = peerstream(cache.path())
        .args(["cache", "pin", PINNED_B])
        .output()
        .expect("pin");
    assert!(pin.status.success(), "{}", text(&pin));

    // 24 MiB and a few records cached; 3 MiB more must fit in 24 MiB: two 2 MiB entries go,
    // or the 16 MiB one if it were not streamed.
    let mut args = vec!["--cache-max-size", "24MiB"];
    let flags = loopback_flags(&[seeder.addr], &[]);
    args.extend(flags.iter().map(String::as_str));
    let logs = tempfile::tempdir().expect("tempdir");
    let log = logs.path().join("serve.log");
    let mut cmd = peerstream(cache.path());
    cmd.args(["serve", "--bind", "127.0.0.1:0"]).args(&args);
    let server = Server::spawn_logged(cmd, &log);

    let mut streaming = reqwest::blocking::get(server.stream_url(STREAMED_C)).expect("play C");
    assert_eq!(streaming.headers()["x-peerstream-source"], "cache");
    let mut head = vec![0u8; 64 * 1024];
    streaming.read_exact(&mut head).expect("first bytes of C");
    assert!(head == c[..head.len()]);
    // Access is recorded in whole seconds: D after C, E after D.
    for (hash, bytes) in [(PLAYED_D, &d), (PLAYED_E, &e)] {
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let played = reqwest::blocking::get(server.stream_url(hash)).expect("play");
        assert_eq!(played.bytes().expect("body").as_ref(), bytes.as_slice());
    }

    let downloaded = reqwest::blocking::get(server.stream_url(&torrent.info_hash))
        .expect("stream the new torrent");
    assert_eq!(downloaded.status(), StatusCode::OK, "{}", server.stderr());
    assert!(downloaded.bytes().expect("new torrent").as_ref() == wanted.as_slice());

    // Least recently played first: A, then (C being streamed) D; never the pinned B.
    let gone = |hash: &str| !cache.path().join(hash).exists();
    for evicted in [OLD_A, PLAYED_D] {
        assert!(gone(evicted), "{evicted} kept: {}", server.stderr());
    }
    for kept in [PINNED_B, STREAMED_C, PLAYED_E] {
        assert!(!gone(kept), "{kept} was evicted: {}", server.stderr());
    }
    assert!(
        server.stderr().contains("evicted from the cache"),
        "{}",
        server.stderr()
    );
    // The held stream reads on, byte for byte, to its end.
    read_rest(streaming, &c, head.len());

    let listing: serde_json::Value = reqwest::blocking::get(server.url("/api/cache"))
        .and_then(|r| r.json())
        .expect("GET /api/cache");
    assert_eq!(listing["evictions"], 2, "{listing}");
    assert_eq!(listing["max_size"], 24 * MIB as u64);
    let b = listing["torrents"]
        .as_array()
        .expect("torrents")
        .iter()
        .find(|t| t["info_hash"] == PINNED_B)
        .expect("B listed");
    assert_eq!(b["pinned"], true);
    let total = listing["cache_bytes"].as_u64().expect("cache_bytes");
    assert!(total <= 24 * MIB as u64, "{listing}");

    // The same figures for Prometheus: the two evictions, the limit, and the size GET /api/cache
    // just measured.
    let metrics = reqwest::blocking::get(server.url("/metrics"))
        .and_then(|r| r.text())
        .expect("GET /metrics");
    let series = |name: &str| {
        metrics
            .lines()
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
            .unwrap_or_else(|| panic!("{name} missing: {metrics}"))
            .to_owned()
    };
    assert_eq!(series("peerstream_cache_evictions_total"), "2");
    assert_eq!(series("peerstream_cache_max_bytes"), (24 * MIB).to_string());
    assert_eq!(series("peerstream_cache_bytes"), total.to_string());
}

#[test]
fn a_torrent_that_cannot_fit_is_refused_by_fetch_and_over_http() {
    let (_seed_dir, torrent, seeder, _) = seeded("big.mp4", 3 * MIB, 32, None);
    let hash = torrent.info_hash.as_str();
    let cache = tempfile::tempdir().expect("tempdir");
    entry(cache.path(), PINNED_B, 4 * MIB, 1_000_000_000);
    let pin = peerstream(cache.path())
        .args(["cache", "pin", PINNED_B])
        .output()
        .expect("pin");
    assert!(pin.status.success(), "{}", text(&pin));
    let flags = loopback_flags(&[seeder.addr], &[]);

    let fetch = peerstream(cache.path())
        .args(["fetch", hash, "--cache-max-size", "5MiB"])
        .args(&flags)
        .output()
        .expect("fetch");
    assert_eq!(fetch.status.code(), Some(12), "{}", text(&fetch));
    let stderr = String::from_utf8_lossy(&fetch.stderr);
    assert!(stderr.contains("no room in the cache"), "{stderr}");

    let mut args = vec!["--cache-max-size", "5MiB"];
    args.extend(flags.iter().map(String::as_str));
    let server = Server::start(cache.path(), &args);
    let response = reqwest::blocking::get(server.stream_url(hash)).expect("request");
    assert_eq!(response.status(), StatusCode::INSUFFICIENT_STORAGE);
    let body: serde_json::Value = response.json().expect("json error");
    assert_eq!(body["code"], "cache_full", "{body}");
    assert!(cache.path().join(PINNED_B).join("movie.mp4").exists());
    assert!(!cache.path().join(hash).join("big.mp4").exists());
}

#[test]
fn cache_rm_pin_unpin_and_gc_with_their_json() {
    let cache = tempfile::tempdir().expect("tempdir");
    let dir = cache.path();
    entry(dir, OLD_A, 2 * MIB, 1_000_000_000);
    entry(dir, PINNED_B, 2 * MIB, 1_100_000_000);
    entry(dir, PLAYED_D, 2 * MIB, 1_200_000_000);

    let (code, pinned) = run_json(dir, &["cache", "pin", OLD_A, "--json"]);
    assert_eq!(code, Some(0));
    assert_eq!(
        pinned,
        serde_json::json!({ "info_hash": OLD_A, "pinned": true })
    );
    let (_, listing) = run_json(dir, &["cache", "ls", "--json", "--cache-max-size", "5MiB"]);
    assert_eq!(listing["max_size"], 5 * MIB as u64);
    let a = &listing["torrents"][0];
    assert_eq!(
        (&a["info_hash"], &a["pinned"]),
        (&OLD_A.into(), &true.into())
    );
    assert!(
        a["last_access"]
            .as_str()
            .is_some_and(|t| t.contains("2001")),
        "{listing}"
    );
    let human = peerstream(dir).args(["cache", "ls"]).output().expect("ls");
    let table = String::from_utf8_lossy(&human.stdout);
    assert!(
        table
            .lines()
            .any(|l| l.starts_with(OLD_A) && l.contains("pinned")),
        "{table}"
    );

    // Over 5 MiB: the least recently used entry that is not pinned (B) would go.
    let (code, plan) = run_json(
        dir,
        &[
            "cache",
            "gc",
            "--dry-run",
            "--json",
            "--cache-max-size",
            "5MiB",
        ],
    );
    assert_eq!(code, Some(0), "{plan}");
    assert_eq!(plan["dry_run"], true);
    assert_eq!(
        hashes(&plan["evicted"]),
        vec![PINNED_B.to_owned()],
        "{plan}"
    );
    assert_eq!(plan["satisfied"], true);
    assert!(dir.join(PINNED_B).exists(), "a dry run removes nothing");
    let dry = peerstream(dir)
        .args(["cache", "gc", "--dry-run", "--cache-max-size", "5MiB"])
        .output()
        .expect("gc");
    assert!(
        String::from_utf8_lossy(&dry.stdout).starts_with(PINNED_B),
        "{}",
        text(&dry)
    );
    assert!(String::from_utf8_lossy(&dry.stderr).contains("would evict 1 torrent(s)"));

    let (code, done) = run_json(dir, &["cache", "gc", "--json", "--cache-max-size", "5MiB"]);
    assert_eq!((code, &done["dry_run"]), (Some(0), &false.into()));
    assert_eq!(hashes(&done["evicted"]), vec![PINNED_B.to_owned()]);
    assert!(!dir.join(PINNED_B).exists());

    // With only the pinned A left to go, the limit cannot be met: said, not forced.
    let (_, stuck) = run_json(
        dir,
        &[
            "cache",
            "gc",
            "--dry-run",
            "--json",
            "--cache-max-size",
            "1MiB",
        ],
    );
    assert_eq!(hashes(&stuck["evicted"]), vec![PLAYED_D.to_owned()]);
    assert_eq!(stuck["satisfied"], false);

    let (code, removed) = run_json(dir, &["cache", "rm", PLAYED_D, "--json"]);
    assert_eq!(code, Some(0), "{removed}");
    assert_eq!(hashes(&removed["removed"]), vec![PLAYED_D.to_owned()]);
    assert_eq!(removed["removed"][0]["bytes"], 2 * MIB as u64);
    assert!(!dir.join(PLAYED_D).exists());
    let again = peerstream(dir)
        .args(["cache", "rm", PLAYED_D])
        .output()
        .expect("rm");
    assert_eq!(again.status.code(), Some(4), "{}", text(&again));

    let (code, unpinned) = run_json(dir, &["cache", "unpin", OLD_A, "--json"]);
    assert_eq!((code, &unpinned["pinned"]), (Some(0), &false.into()));
    assert!(!dir.join(OLD_A).join(".peerstream-pinned").exists());

    // Loose files (not peerstream's downloads) cannot be pinned, but can be removed.
    put(dir, &format!("Film-{HASH}.mp4"), &fake_mp4(2 * MIB, 3));
    let loose = peerstream(dir)
        .args(["cache", "pin", HASH])
        .output()
        .expect("pin");
    assert_eq!(loose.status.code(), Some(2), "{}", text(&loose));
    let (code, removed) = run_json(dir, &["cache", "rm", HASH, "--json"]);
    assert_eq!(code, Some(0), "{removed}");
    assert!(!dir.join(format!("Film-{HASH}.mp4")).exists());
}

#[test]
fn cache_rm_refuses_an_entry_that_serve_is_streaming() {
    let cache = tempfile::tempdir().expect("tempdir");
    let bytes = entry(cache.path(), STREAMED_C, 16 * MIB, 1_000_000_000);
    let server = Server::start(cache.path(), &["--no-p2p"]);
    let mut streaming = reqwest::blocking::get(server.stream_url(STREAMED_C)).expect("stream");
    let mut head = vec![0u8; 4096];
    streaming.read_exact(&mut head).expect("first bytes");

    let refused = peerstream(cache.path())
        .args(["cache", "rm", STREAMED_C])
        .output()
        .expect("rm");
    assert_eq!(refused.status.code(), Some(13), "{}", text(&refused));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("in use"));
    // The same over HTTP: 409 while the stream is open.
    let client = reqwest::blocking::Client::new();
    let url = server.url(&format!("/api/cache/{STREAMED_C}"));
    let conflict = client.delete(&url).send().expect("DELETE");
    assert_eq!(conflict.status(), StatusCode::CONFLICT);
    assert_eq!(
        conflict.json::<serde_json::Value>().expect("json")["code"],
        "in_use"
    );

    read_rest(streaming, &bytes, head.len());
    // Closed: the lock is gone (the server drops the body once it is sent).
    let removed = poll_until(std::time::Duration::from_secs(5), || {
        let response = client.delete(&url).send().map_err(|e| e.to_string())?;
        match response.status() {
            StatusCode::OK => response
                .json::<serde_json::Value>()
                .map_err(|e| e.to_string()),
            other => Err(format!("{other}")),
        }
    })
    .expect("DELETE once the stream ended");
    assert_eq!(removed["removed"]["info_hash"], STREAMED_C);
    assert!(!cache.path().join(STREAMED_C).exists());
    let after = reqwest::blocking::get(server.stream_url(STREAMED_C)).expect("request");
    assert_eq!(after.status(), StatusCode::NOT_FOUND);
}

#[test]
fn pins_and_removal_over_http_follow_the_token_rule() {
    let cache = tempfile::tempdir().expect("tempdir");
    entry(cache.path(), OLD_A, 2 * MIB, 1_000_000_000);
    let server = Server::start(cache.path(), &["--no-p2p", "--token", "s3cret"]);
    let client = reqwest::blocking::Client::new();
    let pin_url = server.url(&format!("/api/cache/{OLD_A}/pin"));

    let anonymous = client.put(&pin_url).send().expect("PUT");
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert!(!cache.path().join(OLD_A).join(".peerstream-pinned").exists());

    let pinned = client
        .put(&pin_url)
        .bearer_auth("s3cret")
        .send()
        .expect("PUT");
    assert_eq!(pinned.status(), StatusCode::OK);
    let body: serde_json::Value = pinned.json().expect("json");
    assert_eq!(
        body,
        serde_json::json!({ "info_hash": OLD_A, "pinned": true })
    );
    let listing: serde_json::Value = client
        .get(server.url("/api/cache"))
        .bearer_auth("s3cret")
        .send()
        .and_then(|r| r.json())
        .expect("GET /api/cache");
    assert_eq!(listing["torrents"][0]["pinned"], true, "{listing}");
    assert_eq!(listing["entries"][0]["pinned"], true, "{listing}");

    let unpinned = client
        .delete(&pin_url)
        .bearer_auth("s3cret")
        .send()
        .expect("DELETE pin");
    assert_eq!(unpinned.status(), StatusCode::OK);
    assert!(!cache.path().join(OLD_A).join(".peerstream-pinned").exists());

    let missing = client
        .delete(server.url(&format!("/api/cache/{PLAYED_D}")))
        .bearer_auth("s3cret")
        .send()
        .expect("DELETE");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let bad = client
        .delete(server.url("/api/cache/not-a-hash"))
        .bearer_auth("s3cret")
        .send()
        .expect("DELETE");
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let removed = client
        .delete(server.url(&format!("/api/cache/{OLD_A}")))
        .bearer_auth("s3cret")
        .send()
        .expect("DELETE");
    assert_eq!(removed.status(), StatusCode::OK);
    assert!(!cache.path().join(OLD_A).exists());
}
