//! P2P on a real local swarm (loopback only: DHT, trackers and LSD off, peers given by address).

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::swarm::{
    Seeder, fetched_early_while_held, loopback_flags, make_torrent, payload, seeded,
};
use crate::support::*;
use assert_cmd::prelude::*;
use reqwest::StatusCode;

const MIB: usize = 1024 * 1024;

/// A payload file in its own folder, its torrent, and a seeder for it.
fn fetch_json(
    cache: &Path,
    target: &str,
    flags: &[String],
) -> (serde_json::Value, std::process::Output) {
    let output = peerstream(cache)
        .arg("fetch")
        .arg(target)
        .arg("--json")
        .args(flags)
        .output()
        .expect("run fetch");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let last = stdout.lines().last().unwrap_or_default().to_owned();
    let record = serde_json::from_str(&last).unwrap_or(serde_json::Value::Null);
    (record, output)
}

fn assert_success(output: &std::process::Output) {
    assert!(
        output.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn fetch_by_magnet_from_a_librqbit_seeder_gives_identical_bytes() {
    let (_seed_dir, torrent, seeder, bytes) = seeded("movie.mp4", 12 * MIB + 777, 1, None);
    let cache = tempfile::tempdir().expect("tempdir");
    let flags = loopback_flags(&[], &[]);
    let (done, output) = fetch_json(cache.path(), &torrent.magnet(&[seeder.addr]), &flags);
    assert_success(&output);
    assert_eq!(done["event"], "done");
    assert_eq!(done["source"], "swarm");
    let path = PathBuf::from(done["path"].as_str().expect("path"));
    assert!(path.starts_with(cache.path()));
    assert_eq!(std::fs::read(&path).expect("downloaded"), bytes);

    // It is now a complete cache entry, and fetching again needs no peer at all.
    let out = peerstream(cache.path())
        .args(["cache", "verify", &torrent.info_hash])
        .assert()
        .success();
    drop(out);
    drop(seeder);
    let (again, output) = fetch_json(cache.path(), &torrent.info_hash, &flags);
    assert_success(&output);
    assert_eq!(again["source"], "cache");
}

#[test]
fn fetch_with_utp_enabled_still_completes() {
    let (_seed_dir, torrent, seeder, bytes) = seeded("utp.mp4", 3 * MIB + 5, 11, None);
    let cache = tempfile::tempdir().expect("tempdir");
    let mut flags = loopback_flags(&[seeder.addr], &[]);
    flags.push("--utp".to_owned());
    let (done, output) = fetch_json(cache.path(), &torrent.info_hash, &flags);
    assert_success(&output);
    let path = done["path"].as_str().expect("path");
    assert_eq!(std::fs::read(path).expect("file"), bytes);
}

#[test]
fn serve_answers_ranges_before_the_download_finishes_then_caches() {
    // 100 MiB at 20 MiB/s: about five seconds of downloading to catch it in the act.
    let size = 100 * MIB;
    let (_seed_dir, torrent, seeder, bytes) = seeded("big.mp4", size, 2, Some(20 * MIB as u32));
    let cache = tempfile::tempdir().expect("tempdir");
    let flags = loopback_flags(&[seeder.addr], &[]);
    let server = Server::start(cache.path(), &flags);
    let client = reqwest::blocking::Client::new();
    let url = server.stream_url(&torrent.info_hash);

    for (label, start) in [("middle", size / 2), ("seek to 90%", size * 9 / 10)] {
        let end = start + 256 * 1024 - 1;
        let response = client
            .get(&url)
            .header("range", format!("bytes={start}-{end}"))
            .send()
            .expect("range request");
        assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT, "{label}");
        assert_eq!(
            response.headers()["content-range"].to_str().expect("ascii"),
            format!("bytes {start}-{end}/{size}")
        );
        assert_eq!(response.headers()["x-peerstream-source"], "swarm");
        let body = response.bytes().expect("body");
        assert_eq!(body.as_ref(), &bytes[start..=end], "{label}");
        let torrents: serde_json::Value = client
            .get(server.url("/api/torrents"))
            .send()
            .and_then(|r| r.json())
            .expect("torrents json");
        let progress = torrents["torrents"][0]["progress"]
            .as_f64()
            .expect("progress");
        assert!(
            progress < 1.0,
            "{label}: the download had already finished ({progress})"
        );
    }

    // The download goes on after the clients left and lands in the cache.
    wait_until(Duration::from_secs(60), "the download to complete", || {
        let listing: serde_json::Value = client
            .get(server.url("/api/cache"))
            .send()
            .and_then(|r| r.json())
            .expect("cache json");
        if listing["complete"] == 1 {
            Ok(())
        } else {
            Err(listing)
        }
    });
    drop(server);
    drop(seeder);

    // A new server answers from the cache and starts no P2P engine.
    let server = Server::start(cache.path(), &flags);
    let response = client
        .get(server.stream_url(&torrent.info_hash))
        .header("range", "bytes=1000-1999")
        .send()
        .expect("request");
    assert_eq!(response.headers()["x-peerstream-source"], "cache");
    assert_eq!(response.bytes().expect("body").as_ref(), &bytes[1000..2000]);
    let torrents: serde_json::Value = client
        .get(server.url("/api/torrents"))
        .send()
        .and_then(|r| r.json())
        .expect("torrents json");
    assert_eq!(torrents["torrents"], serde_json::json!([]));
}

#[test]
fn players_read_a_video_through_serve_while_it_downloads() {
    let have_ffprobe = have_tool("ffprobe");
    let have_mpv = have_tool("mpv");
    if !have_ffprobe && !have_mpv {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let video = mock_asset();
    let file = dir.path().join("clip.mp4");
    std::fs::write(&file, &video).expect("video");
    let torrent = make_torrent(&file, 32 * 1024, &[]);
    // About six seconds for the whole file: players start long before that.
    let seeder = Seeder::start(&torrent, dir.path(), Some(256 * 1024));
    let cache = tempfile::tempdir().expect("tempdir");
    let flags = loopback_flags(&[seeder.addr], &[]);
    let server = Server::start(cache.path(), &flags);
    let url = server.stream_url(&torrent.info_hash);
    let started = Instant::now();
    if have_ffprobe {
        let output = Command::new("ffprobe")
            .args([
                "-v",
                "error",
                "-show_entries",
                "stream=codec_name",
                "-of",
                "csv=p=0",
            ])
            .arg(&url)
            .output()
            .expect("ffprobe");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(String::from_utf8_lossy(&output.stdout).contains("h264"));
    }
    if have_mpv {
        let output = Command::new("mpv")
            .args([
                "--no-config",
                "--vo=null",
                "--ao=null",
                "--frames=30",
                "--msg-level=all=warn",
            ])
            .arg(&url)
            .output()
            .expect("mpv");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let torrents: serde_json::Value = reqwest::blocking::get(server.url("/api/torrents"))
        .and_then(|r| r.json())
        .expect("torrents");
    let progress = torrents["torrents"][0]["progress"].as_f64().unwrap_or(1.0);
    eprintln!(
        "players done after {:?} at progress {progress:.2}",
        started.elapsed()
    );
    assert!(
        progress < 1.0,
        "the players only ran after the download finished"
    );
}

#[test]
fn killed_fetch_resumes_without_refetching_verified_pieces() {
    let size = 40 * MIB;
    let (_seed_dir, torrent, seeder, bytes) = seeded("resume.mp4", size, 3, Some(8 * MIB as u32));
    let cache = tempfile::tempdir().expect("tempdir");
    let flags = loopback_flags(&[seeder.addr], &[]);

    let mut child = ChildGuard::spawn(
        peerstream(cache.path())
            .arg("fetch")
            .arg(&torrent.info_hash)
            .arg("--json")
            .args(&flags)
            .stdout(Stdio::piped())
            .stderr(Stdio::null()),
    );
    let mut verified_before_kill = 0u64;
    let stdout = child.stdout.take().expect("stdout");
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("line");
        let event: serde_json::Value = serde_json::from_str(&line).expect("ndjson");
        verified_before_kill = event["downloaded_bytes"].as_u64().unwrap_or(0);
        if verified_before_kill >= (size / 2) as u64 {
            break;
        }
    }
    child.kill().expect("kill -9");
    let _ = child.wait();
    assert!(
        verified_before_kill >= (size / 2) as u64,
        "never got half-way"
    );

    // The partial file is not a cache hit.
    peerstream(cache.path())
        .args(["cache", "verify", &torrent.info_hash])
        .assert()
        .code(5);

    let events = resume(cache.path(), &torrent.info_hash, &flags);
    let first = events.first().expect("a progress event");
    let kept = first["downloaded_bytes"].as_u64().expect("bytes");
    let refetched = verified_before_kill.saturating_sub(kept);
    eprintln!(
        "verified before kill: {verified_before_kill}, kept after restart: {kept}, refetched: {refetched}"
    );
    assert!(
        refetched * 5 < verified_before_kill,
        "refetched {refetched} of {verified_before_kill} verified bytes"
    );
    let done = events.last().expect("done");
    let path = done["path"].as_str().expect("path");
    assert_eq!(std::fs::read(path).expect("file"), bytes);
}

#[test]
fn sigterm_stops_fetch_like_ctrl_c_with_exit_143_and_it_resumes() {
    let size = 40 * MIB;
    let (_seed_dir, torrent, seeder, bytes) = seeded("term.mp4", size, 5, Some(8 * MIB as u32));
    let cache = tempfile::tempdir().expect("tempdir");
    let flags = loopback_flags(&[seeder.addr], &[]);

    let mut child = peerstream(cache.path())
        .arg("fetch")
        .arg(&torrent.info_hash)
        .arg("--json")
        .args(&flags)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn fetch");
    let mut verified_before = 0u64;
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    for line in lines.by_ref() {
        let event: serde_json::Value = serde_json::from_str(&line.expect("line")).expect("ndjson");
        verified_before = event["downloaded_bytes"].as_u64().unwrap_or(0);
        if verified_before >= (size / 4) as u64 {
            break;
        }
    }
    let pid = i32::try_from(child.id()).expect("pid");
    // SAFETY: kill(2) with a pid this test spawned and still owns (not yet waited for).
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    // Keep reading stdout so the child never blocks on a full pipe while it stops.
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let output = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(143), "stderr: {stderr}");
    assert!(stderr.contains("terminated"), "stderr: {stderr}");
    assert!(
        verified_before >= (size / 4) as u64 && verified_before < size as u64,
        "not stopped mid-download: {verified_before} of {size}"
    );
    assert!(
        !rest.iter().any(|l| l.contains("\"done\"")),
        "it finished instead of stopping"
    );
    peerstream(cache.path())
        .args(["cache", "verify", &torrent.info_hash])
        .assert()
        .code(5);

    let events = resume(cache.path(), &torrent.info_hash, &flags);
    let kept = events.first().expect("a progress event")["downloaded_bytes"]
        .as_u64()
        .expect("bytes");
    eprintln!("verified before SIGTERM: {verified_before}, kept after restart: {kept}");
    assert!(
        kept * 5 >= verified_before * 4,
        "kept {kept} of {verified_before} verified bytes"
    );
    let done = events.last().expect("done");
    let path = done["path"].as_str().expect("path");
    assert_eq!(std::fs::read(path).expect("file"), bytes);
}

#[test]
fn corrupt_pieces_from_a_bad_seeder_are_rejected() {
    let size = 16 * MIB;
    let bytes = payload(size, 4);
    let good_dir = tempfile::tempdir().expect("tempdir");
    let bad_dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(good_dir.path().join("c.mp4"), &bytes).expect("good");
    std::fs::write(bad_dir.path().join("c.mp4"), &bytes).expect("bad");
    let torrent = make_torrent(&good_dir.path().join("c.mp4"), 256 * 1024, &[]);
    let good = Seeder::start(&torrent, good_dir.path(), Some(4 * MIB as u32));
    let bad = Seeder::start(&torrent, bad_dir.path(), None);
    // Corrupt the bad seeder's copy after it verified it: it now uploads wrong bytes.
    let mut corrupted = bytes.clone();
    for b in &mut corrupted[MIB..size - MIB] {
        *b = !*b;
    }
    std::fs::write(bad_dir.path().join("c.mp4"), &corrupted).expect("corrupt");

    let cache = tempfile::tempdir().expect("tempdir");
    let flags = loopback_flags(&[bad.addr, good.addr], &[]);
    let (done, output) = fetch_json(cache.path(), &torrent.info_hash, &flags);
    assert_success(&output);
    let path = done["path"].as_str().expect("path");
    assert_eq!(std::fs::read(path).expect("file"), bytes);
}

#[test]
fn no_peers_ends_fetch_with_its_exit_code_and_serve_with_504() {
    let cache = tempfile::tempdir().expect("tempdir");
    // A port nobody listens on.
    let closed: SocketAddr = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr")
    };
    let mut flags = loopback_flags(&[closed], &[]);
    flags.extend(["--metadata-timeout".to_owned(), "3".to_owned()]);
    let hash = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00";
    let started = Instant::now();
    peerstream(cache.path())
        .arg("fetch")
        .arg(hash)
        .args(&flags)
        .assert()
        .code(6)
        .stderr(predicates::str::contains("metadata"));
    assert!(started.elapsed() < Duration::from_secs(30));

    let server = Server::start(cache.path(), &flags);
    let response = reqwest::blocking::Client::new()
        .get(server.stream_url(hash))
        .send()
        .expect("request");
    assert_eq!(response.status(), StatusCode::GATEWAY_TIMEOUT);
    let body: serde_json::Value = response.json().expect("json");
    assert_eq!(body["code"], "no_peers");
}

#[test]
fn cache_verify_finds_corrupt_pieces_and_repair_refetches_them() {
    let (_seed_dir, torrent, seeder, bytes) = seeded("verify.mp4", 6 * MIB + 99, 5, None);
    let cache = tempfile::tempdir().expect("tempdir");
    let flags = loopback_flags(&[seeder.addr], &[]);
    let (done, output) = fetch_json(cache.path(), &torrent.info_hash, &flags);
    assert_success(&output);
    let path = PathBuf::from(done["path"].as_str().expect("path"));

    // A healthy download hashes clean.
    let out = peerstream(cache.path())
        .args(["cache", "verify", &torrent.info_hash, "--json"])
        .assert()
        .success();
    let report: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).expect("json");
    let check = &report["entries"][0]["piece_check"];
    assert_eq!(check["pieces"], 25);
    assert_eq!(check["checked"], 25);

    // Flip bytes inside pieces 4 and 20 (256 KiB pieces), keeping size and header.
    let mut damaged = bytes.clone();
    for offset in [4 * 256 * 1024 + 7, 20 * 256 * 1024 + 100_000] {
        damaged[offset] ^= 0xff;
    }
    std::fs::write(&path, &damaged).expect("damage");
    let out = peerstream(cache.path())
        .args(["cache", "verify", &torrent.info_hash, "--json"])
        .assert()
        .code(5);
    let report: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).expect("json");
    let entry = &report["entries"][0];
    assert_eq!(entry["state"], "invalid");
    assert_eq!(entry["reason"]["kind"], "corrupt_pieces");
    assert_eq!(entry["reason"]["pieces"], serde_json::json!([4, 20]));

    // --repair fetches the two pieces again from the swarm.
    peerstream(cache.path())
        .args(["cache", "verify", &torrent.info_hash, "--repair"])
        .args(&flags)
        .assert()
        .success();
    assert_eq!(std::fs::read(&path).expect("repaired"), bytes);
}

#[test]
fn multi_file_torrents_pick_the_largest_video_and_address_files_by_index() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = dir.path().join("Season");
    std::fs::create_dir(&content).expect("folder");
    let episode = payload(3 * MIB + 1, 6);
    let feature = payload(5 * MIB + 3, 7);
    let notes = b"not a video".repeat(100_000);
    std::fs::write(content.join("a-episode.mp4"), &episode).expect("episode");
    std::fs::write(content.join("b-feature.mp4"), &feature).expect("feature");
    std::fs::write(content.join("c-notes.txt"), &notes).expect("notes");
    let torrent = make_torrent(&content, 256 * 1024, &[]);
    // A folder torrent's files sit directly in the folder given as output.
    let seeder = Seeder::start(&torrent, &content, None);
    let flags = loopback_flags(&[seeder.addr], &[]);

    // fetch: the default is the largest video; --file picks by name; --all takes everything.
    let cache = tempfile::tempdir().expect("tempdir");
    let (done, output) = fetch_json(cache.path(), &torrent.info_hash, &flags);
    assert_success(&output);
    assert!(
        done["path"]
            .as_str()
            .expect("path")
            .ends_with("b-feature.mp4")
    );
    let mut by_name = flags.clone();
    by_name.extend(["--file".to_owned(), "A-EPISODE.mp4".to_owned()]);
    let (done, output) = fetch_json(cache.path(), &torrent.info_hash, &by_name);
    assert_success(&output);
    let episode_path = done["path"].as_str().expect("path").to_owned();
    assert_eq!(std::fs::read(&episode_path).expect("episode"), episode);
    let all_cache = tempfile::tempdir().expect("tempdir");
    let output = peerstream(all_cache.path())
        .args(["fetch", &torrent.info_hash, "--all"])
        .args(&flags)
        .output()
        .expect("fetch --all");
    assert_success(&output);
    let listed = String::from_utf8_lossy(&output.stdout).into_owned();
    assert_eq!(listed.lines().count(), 3, "{listed}");
    let notes_path = listed
        .lines()
        .find(|l| l.ends_with("c-notes.txt"))
        .expect("notes path");
    assert_eq!(std::fs::read(notes_path).expect("notes"), notes);

    // serve: /:hash is the default file, /:hash/:index any file, from the swarm.
    let serve_cache = tempfile::tempdir().expect("tempdir");
    let server = Server::start(serve_cache.path(), &flags);
    let client = reqwest::blocking::Client::new();
    let default = client
        .get(server.stream_url(&torrent.info_hash))
        .send()
        .expect("get");
    assert_eq!(default.status(), StatusCode::OK);
    assert_eq!(default.bytes().expect("body").as_ref(), &feature[..]);
    let first = client
        .get(server.url(&format!("/stream/proxy/{}/0", torrent.info_hash)))
        .header("range", "bytes=100-199")
        .send()
        .expect("get");
    assert_eq!(first.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(first.bytes().expect("body").as_ref(), &episode[100..200]);
    let missing = client
        .get(server.url(&format!("/stream/proxy/{}/9", torrent.info_hash)))
        .send()
        .expect("get");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let body: serde_json::Value = missing.json().expect("json");
    assert_eq!(body["code"], "no_such_file");
}

#[test]
fn fetch_to_stdout_streams_the_bytes_in_order() {
    let (_seed_dir, torrent, seeder, bytes) =
        seeded("pipe.mp4", 10 * MIB + 1, 8, Some(10 * MIB as u32));
    let cache = tempfile::tempdir().expect("tempdir");
    let output = peerstream(cache.path())
        .args(["fetch", &torrent.info_hash, "--stdout"])
        .args(loopback_flags(&[seeder.addr], &[]))
        .output()
        .expect("fetch --stdout");
    assert_success(&output);
    assert_eq!(output.stdout.len(), bytes.len());
    assert!(
        output.stdout == bytes,
        "stdout bytes differ from the source"
    );
}

#[test]
fn a_stalled_stream_is_closed_instead_of_hanging() {
    let size = 40 * MIB;
    let (_seed_dir, torrent, seeder, _bytes) = seeded("stall.mp4", size, 9, Some(2 * MIB as u32));
    let cache = tempfile::tempdir().expect("tempdir");
    let mut flags = loopback_flags(&[seeder.addr], &[]);
    flags.extend(["--stall-timeout".to_owned(), "2".to_owned()]);
    let server = Server::start(cache.path(), &flags);
    let url = server.stream_url(&torrent.info_hash);
    let reader = std::thread::spawn(move || {
        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .expect("client");
        let started = Instant::now();
        let outcome = client.get(&url).send().and_then(|r| r.bytes());
        (started.elapsed(), outcome.map(|b| b.len()))
    });
    std::thread::sleep(Duration::from_secs(3));
    drop(seeder); // the only peer goes away mid-stream
    let (elapsed, outcome) = reader.join().expect("reader thread");
    eprintln!("stream ended after {elapsed:?}: {outcome:?}");
    assert!(
        !matches!(outcome, Ok(n) if n == size),
        "a 40 MiB file cannot have arrived in full at 2 MiB/s"
    );
    assert!(
        elapsed < Duration::from_secs(30),
        "the stream hung for {elapsed:?}"
    );
}

#[test]
fn pause_idle_stops_downloading_when_the_last_stream_closes() {
    let size = 40 * MIB;
    let (_seed_dir, torrent, seeder, bytes) = seeded("idle.mp4", size, 10, Some(4 * MIB as u32));
    let cache = tempfile::tempdir().expect("tempdir");
    let mut flags = loopback_flags(&[seeder.addr], &[]);
    flags.push("--pause-idle".to_owned());
    let server = Server::start(cache.path(), &flags);
    let client = reqwest::blocking::Client::new();
    let status = || -> serde_json::Value {
        let all: serde_json::Value = client
            .get(server.url("/api/torrents"))
            .send()
            .and_then(|r| r.json())
            .expect("torrents");
        all["torrents"][0].clone()
    };
    let body = client
        .get(server.stream_url(&torrent.info_hash))
        .header("range", "bytes=0-65535")
        .send()
        .and_then(|r| r.bytes())
        .expect("range");
    assert_eq!(body.as_ref(), &bytes[..65536]);

    // The client left: the torrent pauses and its progress stands still.
    wait_until(Duration::from_secs(10), "the torrent to pause", || {
        let now = status();
        if now["state"] == "paused" {
            Ok(())
        } else {
            Err(now)
        }
    });
    let before = status()["downloaded_bytes"].as_u64().expect("bytes");
    std::thread::sleep(Duration::from_secs(2));
    let after = status()["downloaded_bytes"].as_u64().expect("bytes");
    assert_eq!(before, after, "downloading while paused");
    assert!(after < size as u64);

    // The next request resumes it.
    let start = size - 65536;
    let tail = client
        .get(server.stream_url(&torrent.info_hash))
        .header("range", format!("bytes={start}-"))
        .send()
        .and_then(|r| r.bytes())
        .expect("tail");
    assert_eq!(tail.as_ref(), &bytes[start..]);
}

/// Opens a stream at 50 % of a 100 MiB file, reads 64 KiB and holds it open until `wanted`
/// bytes are downloaded; returns whether the bytes at 96–97 MiB are already on disk.
fn far_region_present(readahead_mib: Option<u64>) -> bool {
    let size = 100 * MIB;
    let (_seed_dir, torrent, seeder, bytes) = seeded("ahead.mp4", size, 12, Some(16 * MIB as u32));
    let cache = tempfile::tempdir().expect("tempdir");
    let mut flags = loopback_flags(&[seeder.addr], &[]);
    if let Some(mib) = readahead_mib {
        flags.extend(["--readahead-mib".to_owned(), mib.to_string()]);
    }
    let server = Server::start(cache.path(), &flags);
    // Both windows together are 50 MiB; wait for 52 MiB while the player sits at 50 %.
    fetched_early_while_held(
        &server,
        cache.path(),
        &torrent,
        "ahead.mp4",
        &bytes,
        "",
        52 * MIB,
        96 * MIB..97 * MIB,
    )
}

#[test]
fn readahead_widens_the_prioritised_window() {
    // librqbit alone fetches 32 MiB past the playhead first, then from the start of the file.
    assert!(
        !far_region_present(None),
        "without read-ahead the far region came early"
    );
    assert!(
        far_region_present(Some(64)),
        "read-ahead of 64 MiB did not fetch 46 MiB ahead"
    );
}

/// Runs the same `fetch --json` again after an interruption; its NDJSON events (the first one
/// tells how many verified bytes were kept).
fn resume(cache: &std::path::Path, hash: &str, flags: &[String]) -> Vec<serde_json::Value> {
    let output = peerstream(cache)
        .arg("fetch")
        .arg(hash)
        .arg("--json")
        .args(flags)
        .output()
        .expect("resume");
    assert_success(&output);
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("ndjson"))
        .collect()
}

/// With a relative cache folder (the default is `./temp`), `cache verify` still finds the
/// torrent's folder and hashes every piece: entry paths are resolved, so the folder must be too.
#[test]
fn cache_verify_hashes_pieces_with_a_relative_cache_folder() {
    let (_seed_dir, torrent, seeder, _bytes) = seeded("relative.mp4", 2 * MIB + 5, 17, None);
    let work = tempfile::tempdir().expect("tempdir");
    let run = |args: &[&str]| {
        let mut cmd = std::process::Command::new(BIN);
        isolate(&mut cmd);
        cmd.current_dir(work.path())
            .args(["--cache-dir", "rel-cache"])
            .args(args);
        cmd
    };
    let flags = loopback_flags(&[seeder.addr], &[]);
    let output = run(&["fetch", &torrent.info_hash])
        .args(&flags)
        .output()
        .expect("fetch");
    assert_success(&output);
    let output = run(&["cache", "verify", &torrent.info_hash, "--json"])
        .output()
        .expect("verify");
    assert_success(&output);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let check = &report["entries"][0]["piece_check"];
    assert_eq!(check["pieces"], 9, "{report:#}");
    assert_eq!(check["checked"], 9, "{report:#}");
}
