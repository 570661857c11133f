//! Background downloads (`POST /api/torrents` with `download`), stopping them, next-episode
//! prefetch, bandwidth limits, the seeding policy and the per-request read-ahead, against a
//! real local swarm on loopback.

use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::support::swarm::{
    Seeder, fetched_early_while_held, leech, loopback_flags, make_torrent, payload, seeded,
};
use crate::support::*;
use reqwest::StatusCode;
use reqwest::blocking::Client;

const MIB: usize = 1024 * 1024;

fn serve(cache: &Path, peers: &[SocketAddr], extra: &[&str]) -> Server {
    let mut flags = loopback_flags(peers, &[]);
    flags.extend(extra.iter().map(|s| (*s).to_owned()));
    Server::start(cache, &flags)
}

/// `POST /api/torrents` with a query and a body: its status and JSON.
fn post(server: &Server, query: &str, body: &str) -> (StatusCode, serde_json::Value) {
    let response = Client::new()
        .post(server.url(&format!("/api/torrents{query}")))
        .body(body.to_owned())
        .send()
        .expect("post");
    let status = response.status();
    (status, response.json().expect("json"))
}

fn get_json(server: &Server, path: &str) -> serde_json::Value {
    Client::new()
        .get(server.url(path))
        .send()
        .and_then(|r| r.json())
        .expect("json")
}

/// The torrent's entry in `GET /api/torrents` (null when absent).
fn torrent_status(server: &Server, hash: &str) -> serde_json::Value {
    let all = get_json(server, "/api/torrents");
    all["torrents"]
        .as_array()
        .and_then(|list| list.iter().find(|t| t["info_hash"] == hash).cloned())
        .unwrap_or(serde_json::Value::Null)
}

fn wait_complete(server: &Server, hash: &str, limit: Duration) {
    wait_until(limit, "the background download to complete", || {
        let now = torrent_status(server, hash);
        if now["state"] == "complete" {
            Ok(())
        } else {
            Err(now)
        }
    });
}

#[test]
fn download_all_fetches_the_whole_file_with_no_client_then_it_is_a_cache_hit() {
    let size = 6 * MIB;
    let (_seed_dir, torrent, seeder, bytes) = seeded("film.mp4", size, 21, Some(4 * MIB as u32));
    let cache = tempfile::tempdir().expect("tempdir");
    let server = serve(cache.path(), &[seeder.addr], &[]);

    let (status, added) = post(&server, "?download=all", &torrent.info_hash);
    assert_eq!(status, StatusCode::OK, "{added}");
    assert_eq!(added["download"]["files"], serde_json::json!([0]));
    let state = added["download"]["state"].as_str().expect("state");
    assert!(["downloading", "complete"].contains(&state), "{added}");
    let listed = torrent_status(&server, &torrent.info_hash);
    assert_eq!(listed["background"], true, "{listed}");
    assert!(listed["download_bytes_per_second"].is_u64(), "{listed}");
    assert!(listed["peers"].is_u64(), "{listed}");

    // Nobody reads it, yet every piece arrives and the file lands in the cache.
    wait_complete(&server, &torrent.info_hash, Duration::from_secs(60));
    let client = Client::new();
    let body = wait_until(Duration::from_secs(10), "a cache hit", || {
        let response = client
            .get(server.stream_url(&torrent.info_hash))
            .send()
            .expect("get");
        if response.headers()["x-peerstream-source"] == "cache" {
            Ok(response.bytes().expect("body"))
        } else {
            Err(format!("{:?}", response.headers()["x-peerstream-source"]))
        }
    });
    assert_eq!(body.as_ref(), &bytes[..]);

    // Asking again for what is cached answers at once, without the swarm.
    let (status, again) = post(&server, "?download=0", &torrent.info_hash);
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["download"]["state"], "complete");

    let (status, bad) = post(&server, "?download=most", &torrent.info_hash);
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(bad["code"], "invalid_download");
}

#[test]
fn delete_stops_a_background_download_and_keeps_its_files() {
    let size = 24 * MIB;
    let (_seed_dir, torrent, seeder, _bytes) = seeded("slow.mp4", size, 22, Some(MIB as u32));
    let cache = tempfile::tempdir().expect("tempdir");
    let server = serve(cache.path(), &[], &[]);

    // The JSON form, with the peer in the magnet.
    let body = serde_json::json!({ "target": torrent.magnet(&[seeder.addr]), "download": 0 });
    let (status, added) = post(&server, "", &body.to_string());
    assert_eq!(status, StatusCode::OK, "{added}");
    assert_eq!(added["download"]["state"], "downloading");
    wait_until(Duration::from_secs(30), "some bytes", || {
        let now = torrent_status(&server, &torrent.info_hash);
        if now["downloaded_bytes"].as_u64().unwrap_or(0) > 0 {
            Ok(())
        } else {
            Err(now)
        }
    });

    let client = Client::new();
    let url = server.url(&format!("/api/torrents/{}", torrent.info_hash));
    let response = client.delete(&url).send().expect("delete");
    assert_eq!(response.status(), StatusCode::OK);
    let stopped: serde_json::Value = response.json().expect("json");
    assert_eq!(stopped["stopped"]["info_hash"], torrent.info_hash.as_str());
    assert!(stopped["stopped"]["progress"].as_f64().expect("progress") < 1.0);
    assert_eq!(
        get_json(&server, "/api/torrents")["torrents"],
        serde_json::json!([])
    );

    // The data stays, marked partial: deleting data is `cache rm`'s job.
    let folder = cache.path().join(&torrent.info_hash);
    let partial = std::fs::read_to_string(folder.join(".peerstream-partial")).expect("marker");
    assert!(partial.contains("slow.mp4"), "{partial}");
    assert!(folder.join("slow.mp4").exists());
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(
        get_json(&server, "/api/torrents")["torrents"],
        serde_json::json!([]),
        "stopped means stopped"
    );

    let again = client.delete(&url).send().expect("delete");
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    let body: serde_json::Value = again.json().expect("json");
    assert_eq!(body["code"], "not_running");
}

/// Whether the first MiB of `path` on disk is `expected`'s.
fn head_on_disk(path: &Path, expected: &[u8]) -> bool {
    std::fs::read(path)
        .ok()
        .is_some_and(|b| b.get(..MIB) == Some(&expected[..MIB]))
}

#[test]
fn next_episode_head_lands_on_disk_once_the_current_one_plays_past_60_percent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = dir.path().join("Show");
    std::fs::create_dir(&content).expect("folder");
    // A whole number of pieces each: no piece holds bytes of both episodes. Episode 1 is the
    // larger, so it is the torrent's default file that the playlist request opens.
    let size = 16 * MIB;
    let first = payload(size, 31);
    let second = payload(12 * MIB, 32);
    std::fs::write(content.join("e01.mp4"), &first).expect("e01");
    std::fs::write(content.join("e02.mp4"), &second).expect("e02");
    let torrent = make_torrent(&content, 256 * 1024, &[]);
    let seeder = Seeder::start(&torrent, &content, Some(2 * MIB as u32));
    let cache = tempfile::tempdir().expect("tempdir");
    let server = serve(cache.path(), &[seeder.addr], &[]);
    let client = Client::new();

    let playlist = client
        .get(server.url(&format!("/stream/proxy/{}.m3u", torrent.info_hash)))
        .send()
        .and_then(|r| r.text())
        .expect("m3u");
    let entries: Vec<&str> = playlist.lines().filter(|l| l.starts_with("http")).collect();
    assert_eq!(entries.len(), 2, "{playlist}");
    assert!(
        entries[0].contains(&format!("{}/0", torrent.info_hash)),
        "{playlist}"
    );

    let mut episode = client
        .get(entries[0])
        .timeout(Duration::from_secs(120))
        .send()
        .expect("episode 1");
    assert_eq!(episode.headers()["x-peerstream-source"], "swarm");
    let next = cache.path().join(&torrent.info_hash).join("e02.mp4");
    let mut read = vec![0u8; size / 2];
    std::io::Read::read_exact(&mut episode, &mut read).expect("first half");
    assert_eq!(read, &first[..size / 2]);
    std::thread::sleep(Duration::from_secs(1));
    assert!(
        !head_on_disk(&next, &second),
        "episode 2 arrived before episode 1 reached 60 %"
    );

    // On to 65 %: the next episode's head is fetched while episode 1 still plays.
    let mut more = vec![0u8; size * 15 / 100];
    std::io::Read::read_exact(&mut episode, &mut more).expect("on to 65 %");
    assert_eq!(more, &first[size / 2..size / 2 + more.len()]);
    wait_until(Duration::from_secs(30), "episode 2's head on disk", || {
        if head_on_disk(&next, &second) {
            Ok(())
        } else {
            Err("not yet")
        }
    });
    drop(episode);
}

#[test]
fn a_cached_episode_played_past_60_percent_prefetches_the_next_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = dir.path().join("Show");
    std::fs::create_dir(&content).expect("folder");
    let size = 8 * MIB;
    let first = payload(size, 33);
    let second = payload(6 * MIB, 34);
    std::fs::write(content.join("e01.mp4"), &first).expect("e01");
    std::fs::write(content.join("e02.mp4"), &second).expect("e02");
    let torrent = make_torrent(&content, 256 * 1024, &[]);
    let seeder = Seeder::start(&torrent, &content, None);
    let cache = tempfile::tempdir().expect("tempdir");
    let server = serve(cache.path(), &[seeder.addr], &[]);

    // Episode 1 only, in the background; then the torrent is stopped: a cache hit, no swarm.
    let (status, added) = post(&server, "?download=0", &torrent.info_hash);
    assert_eq!(status, StatusCode::OK, "{added}");
    wait_complete(&server, &torrent.info_hash, Duration::from_secs(60));
    let client = Client::new();
    let forget = server.url(&format!("/api/torrents/{}", torrent.info_hash));
    assert_eq!(
        client.delete(&forget).send().expect("delete").status(),
        StatusCode::OK
    );
    let next = cache.path().join(&torrent.info_hash).join("e02.mp4");
    assert!(!head_on_disk(&next, &second));

    let url = server.url(&format!("/stream/proxy/{}/0", torrent.info_hash));
    let half = client
        .get(&url)
        .header("range", format!("bytes=0-{}", size / 2 - 1))
        .send()
        .expect("first half");
    assert_eq!(half.headers()["x-peerstream-source"], "cache");
    assert_eq!(half.bytes().expect("body").as_ref(), &first[..size / 2]);
    std::thread::sleep(Duration::from_secs(1));
    assert!(!head_on_disk(&next, &second), "prefetched before 60 %");

    let rest = client
        .get(&url)
        .header("range", format!("bytes={}-", size / 2))
        .send()
        .expect("the rest");
    assert_eq!(rest.headers()["x-peerstream-source"], "cache");
    assert_eq!(rest.bytes().expect("body").as_ref(), &first[size / 2..]);
    wait_until(Duration::from_secs(30), "episode 2's head on disk", || {
        if head_on_disk(&next, &second) {
            Ok(())
        } else {
            Err("not yet")
        }
    });
}

#[test]
fn download_limit_holds_and_changes_live() {
    let size = 6 * MIB;
    let (_seed_dir, torrent, seeder, _bytes) = seeded("limited.mp4", size, 41, None);
    let cache = tempfile::tempdir().expect("tempdir");
    let server = serve(
        cache.path(),
        &[seeder.addr],
        &["--download-limit", "1MiB/s"],
    );
    let settings = get_json(&server, "/api/settings");
    assert_eq!(settings["download_limit"], MIB as u64, "{settings}");
    assert_eq!(settings["download_limit_text"], "1MiB/s");

    let started = Instant::now();
    let (status, added) = post(&server, "?download=all", &torrent.info_hash);
    assert_eq!(status, StatusCode::OK, "{added}");
    wait_complete(&server, &torrent.info_hash, Duration::from_secs(60));
    let took = started.elapsed();
    // N MiB at L MiB/s takes N/L s; the limiter lets one second's worth through at once.
    assert!(
        took >= Duration::from_secs_f64(0.7 * 6.0),
        "6 MiB at 1 MiB/s took only {took:?}"
    );

    let client = Client::new();
    let patched: serde_json::Value = client
        .patch(server.url("/api/settings"))
        .body(r#"{"download_limit": "2MiB/s", "upload_limit": 65536}"#)
        .send()
        .and_then(|r| r.json())
        .expect("patch");
    assert_eq!(patched["download_limit"], 2 * MIB as u64, "{patched}");
    assert_eq!(patched["upload_limit"], 65536);
    assert_eq!(
        get_json(&server, "/api/settings")["download_limit_text"],
        "2MiB/s"
    );
    let bad = client
        .patch(server.url("/api/settings"))
        .body(r#"{"download_limit": "1KiB/s"}"#)
        .send()
        .expect("patch");
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        bad.json::<serde_json::Value>().expect("json")["code"],
        "invalid_rate"
    );
}

#[test]
fn upload_limit_holds_and_seeding_stops_at_the_ratio() {
    let size = 4 * MIB;
    let (_seed_dir, torrent, seeder, _bytes) = seeded("shared.mp4", size, 42, None);
    let cache = tempfile::tempdir().expect("tempdir");
    let server = serve(cache.path(), &[seeder.addr], &["--upload-limit", "1MiB/s"]);
    let (status, added) = post(&server, "?download=all", &torrent.info_hash);
    assert_eq!(status, StatusCode::OK, "{added}");
    wait_complete(&server, &torrent.info_hash, Duration::from_secs(60));
    drop(seeder);
    let done = torrent_status(&server, &torrent.info_hash);
    assert_eq!(done["seeding"]["state"], "seeding", "{done}");

    let listen = get_json(&server, "/api/status")["engine"]["listen_addr"]
        .as_str()
        .expect("listen address")
        .parse::<SocketAddr>()
        .expect("address");
    let peerstream = SocketAddr::from(([127, 0, 0, 1], listen.port()));
    let took = leech(&torrent, &[peerstream], Duration::from_secs(60)).expect("leecher finished");
    assert!(
        took >= Duration::from_secs_f64(0.7 * 4.0),
        "4 MiB at 1 MiB/s uploaded in {took:?}"
    );

    // Uploaded its size once: the default ratio 1.0 is reached and seeding stops.
    let stopped = wait_until(Duration::from_secs(20), "seeding to stop", || {
        let now = torrent_status(&server, &torrent.info_hash);
        if now["seeding"]["state"] == "stopped" {
            Ok(now)
        } else {
            Err(now)
        }
    });
    assert_eq!(stopped["seeding"]["stopped_by"], "ratio", "{stopped}");
    assert!(stopped["uploaded_bytes"].as_u64().expect("uploaded") >= size as u64);
    assert!(stopped["ratio"].as_f64().expect("ratio") >= 1.0);
}

#[test]
fn readahead_query_is_bounded_by_the_setting() {
    let cache = tempfile::tempdir().expect("tempdir");
    let server = Server::start(cache.path(), &["--no-p2p"]);
    let client = Client::new();
    let url = |q: &str| server.url(&format!("/stream/proxy/{MOCK_HASH}?readahead_mib={q}"));
    for ok in ["0", "4", "32"] {
        let response = client.get(url(ok)).send().expect("get");
        assert_eq!(response.status(), StatusCode::OK, "{ok}");
    }
    for bad in ["33", "-1", "four", ""] {
        let response = client.get(url(bad)).send().expect("get");
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{bad}");
        let body: serde_json::Value = response.json().expect("json");
        assert_eq!(body["code"], "invalid_readahead", "{bad}");
    }
}

#[test]
fn a_request_can_narrow_the_configured_readahead() {
    // The server prioritises 64 MiB ahead; this request asks for librqbit's 32 only, so
    // the region 46 MiB past the reader does not come early.
    let size = 100 * MIB;
    let (_seed_dir, torrent, seeder, bytes) = seeded("ahead.mp4", size, 43, Some(16 * MIB as u32));
    let cache = tempfile::tempdir().expect("tempdir");
    let server = serve(cache.path(), &[seeder.addr], &["--readahead-mib", "64"]);
    let far_region_came = fetched_early_while_held(
        &server,
        cache.path(),
        &torrent,
        "ahead.mp4",
        &bytes,
        "?readahead_mib=32",
        52 * MIB,
        96 * MIB..97 * MIB,
    );
    assert!(
        !far_region_came,
        "the far region came early: the request's narrower window was not used"
    );
}

/// Reads 64 KiB at 50 % of a 100 MiB file with `?readahead_mib=N` and keeps the connection
/// open without reading; once 30 MiB are downloaded, whether the MiB 24 MiB past the reader
/// is already on disk (inside librqbit's 32 MiB window, outside the first 30 MiB).
fn window_held_while_idle(readahead_mib: u64, seed: u32) -> bool {
    let size = 100 * MIB;
    let (_seed_dir, torrent, seeder, bytes) = seeded("idle.mp4", size, seed, Some(16 * MIB as u32));
    let cache = tempfile::tempdir().expect("tempdir");
    let server = serve(cache.path(), &[seeder.addr], &[]);
    fetched_early_while_held(
        &server,
        cache.path(),
        &torrent,
        "idle.mp4",
        &bytes,
        &format!("?readahead_mib={readahead_mib}"),
        30 * MIB,
        size / 2 + 24 * MIB..size / 2 + 25 * MIB,
    )
}

#[test]
fn a_request_with_no_readahead_holds_no_window_while_its_player_idles() {
    assert!(
        window_held_while_idle(32, 44),
        "librqbit's window did not prioritise 24 MiB ahead"
    );
    assert!(
        !window_held_while_idle(0, 45),
        "an idle connection with readahead_mib=0 still held the window"
    );
}

#[test]
fn a_request_with_no_readahead_reads_the_whole_file_intact() {
    let size = 6 * MIB + 12345;
    let (_seed_dir, torrent, seeder, bytes) = seeded("narrow.mp4", size, 46, Some(4 * MIB as u32));
    let cache = tempfile::tempdir().expect("tempdir");
    let server = serve(cache.path(), &[seeder.addr], &[]);
    let client = Client::new();
    let url = server.url(&format!(
        "/stream/proxy/{}?readahead_mib=0",
        torrent.info_hash
    ));
    let whole = client.get(&url).send().expect("get");
    assert_eq!(whole.headers()["x-peerstream-source"], "swarm");
    assert_eq!(whole.bytes().expect("body").as_ref(), &bytes[..]);
    let part = client
        .get(&url)
        .header("range", "bytes=1000000-3999999")
        .send()
        .and_then(|r| r.bytes())
        .expect("range");
    assert_eq!(part.as_ref(), &bytes[1_000_000..4_000_000]);
}
