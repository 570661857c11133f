//! The cache never serves a wrong byte: files that disagree with their stored metadata are
//! damaged (not served, reported, repaired from a local swarm), small files peerstream reads
//! cannot block or flood it, and its own writes survive a full disk.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use crate::support::swarm::{loopback_flags, seeded};
use crate::support::*;
use reqwest::StatusCode;

const MIB: usize = 1024 * 1024;

fn output_text(output: &Output) -> String {
    format!(
        "exit {:?}\nstdout: {}\nstderr: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// `fetch --json`; returns the final record.
fn fetch(cache: &Path, hash: &str, flags: &[String]) -> serde_json::Value {
    let output = peerstream(cache)
        .args(["fetch", hash, "--json"])
        .args(flags)
        .output()
        .expect("run fetch");
    assert!(output.status.success(), "{}", output_text(&output));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    serde_json::from_str(stdout.lines().last().unwrap_or_default()).expect("done record")
}

fn json_of(cache: &Path, args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let output = peerstream(cache).args(args).output().expect("run");
    let value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", output_text(&output)));
    (output.status.code(), value)
}

/// Not served from the cache with P2P off, reported damaged by `cache ls` and `cache verify`.
fn assert_damaged(cache: &Path, hash: &str, expected: u64, actual: u64, short: bool) {
    let server = Server::start(cache, &["--no-p2p"]);
    let response = reqwest::blocking::get(server.stream_url(hash)).expect("request");
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(response.headers().get("x-peerstream-source").is_none());
    let body: serde_json::Value = response.json().expect("json error");
    assert_eq!(body["code"], "damaged", "{body}");
    assert!(
        body["error"]
            .as_str()
            .unwrap_or_default()
            .contains("damaged"),
        "{body}"
    );
    drop(server);

    let (_, listing) = json_of(cache, &["cache", "ls", "--json"]);
    assert_eq!(listing["damaged"], 1, "{listing}");
    assert_eq!(listing["complete"], 0, "{listing}");
    let entry = &listing["entries"][0];
    assert_eq!(entry["state"], "damaged");
    assert_eq!(entry["reason"]["kind"], "length_mismatch");
    assert_eq!(entry["reason"]["expected"], expected);
    assert_eq!(entry["reason"]["actual"], actual);

    let (code, report) = json_of(cache, &["cache", "verify", hash, "--json"]);
    assert_eq!(code, Some(5), "{report}");
    assert_eq!(report["ok"], false);
    let entry = &report["entries"][0];
    assert_eq!(entry["state"], "damaged", "{report}");
    assert_eq!(entry["reason"]["kind"], "length_mismatch");
    let check = &entry["piece_check"];
    assert_eq!(check["expected_len"], expected);
    assert_eq!(check["actual_len"], actual);
    assert_eq!(check["corrupt"], serde_json::json!([]));
    let missing = check["missing"].as_array().expect("missing list");
    if short {
        // Every piece from the cut to the end.
        let pieces = check["pieces"].as_u64().expect("pieces");
        let first_missing = actual / (256 * 1024);
        assert_eq!(missing.len() as u64, pieces - first_missing, "{report}");
        assert_eq!(missing[0], first_missing);
    } else {
        assert!(missing.is_empty(), "{report}");
        assert_eq!(check["checked"], check["pieces"]);
    }
}

fn wait_verified(cache: &Path, hash: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let status = peerstream(cache)
            .args(["cache", "verify", hash])
            .output()
            .expect("verify");
        if status.status.success() {
            return;
        }
        assert!(Instant::now() < deadline, "{}", output_text(&status));
        std::thread::sleep(Duration::from_millis(300));
    }
}

#[test]
fn truncated_and_extended_downloads_are_damaged_never_served_and_repaired_from_the_swarm() {
    let size = 6 * MIB + 99;
    let (_seed_dir, torrent, seeder, bytes) = seeded("movie.mp4", size, 21, None);
    let hash = torrent.info_hash.as_str();
    let cache = tempfile::tempdir().expect("tempdir");
    let flags = loopback_flags(&[seeder.addr], &[]);
    let done = fetch(cache.path(), hash, &flags);
    let path = PathBuf::from(done["path"].as_str().expect("path"));
    assert_eq!(std::fs::read(&path).expect("downloaded"), bytes);
    peerstream(cache.path())
        .args(["cache", "verify", hash])
        .output()
        .map(|o| assert!(o.status.success(), "{}", output_text(&o)))
        .expect("verify");

    // Cut to half: still a valid-looking MP4 far above the size minimum.
    let half = 3 * MIB as u64;
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .and_then(|f| f.set_len(half))
        .expect("truncate");
    assert_damaged(cache.path(), hash, size as u64, half, true);
    // Fetching again mends it from the seeder.
    let again = fetch(cache.path(), hash, &flags);
    assert_eq!(again["source"], "swarm");
    assert_eq!(std::fs::read(&path).expect("repaired"), bytes);
    wait_verified(cache.path(), hash);

    // One MiB of garbage appended.
    {
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .expect("open");
        file.write_all(&vec![0xaa; MIB]).expect("extend");
    }
    assert_damaged(cache.path(), hash, size as u64, (size + MIB) as u64, false);
    // Serving with P2P on mends it too, and answers with the torrent's bytes only.
    let server = Server::start(cache.path(), &flags);
    let response = reqwest::blocking::get(server.stream_url(hash)).expect("request");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["x-peerstream-source"], "swarm");
    assert_eq!(response.bytes().expect("body").as_ref(), bytes.as_slice());
    wait_verified(cache.path(), hash);
    drop(server);
    assert_eq!(std::fs::read(&path).expect("repaired"), bytes);

    // Whole again: a cache hit without any peer.
    drop(seeder);
    let server = Server::start(cache.path(), &["--no-p2p"]);
    let response = reqwest::blocking::get(server.stream_url(hash)).expect("request");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["x-peerstream-source"], "cache");
    assert_eq!(response.bytes().expect("body").as_ref(), bytes.as_slice());
}

#[test]
fn a_file_without_metadata_is_checked_again_before_each_response() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bytes = video_bytes(4 * MIB);
    let path = put(dir.path(), &format!("{HASH}/film.mp4"), &bytes);
    let server = Server::start(dir.path(), &["--no-p2p"]);
    let client = reqwest::blocking::Client::new();
    let first = client.get(server.stream_url(HASH)).send().expect("first");
    assert_eq!(first.headers()["content-length"], (4 * MIB).to_string());
    assert_eq!(first.bytes().expect("body").len(), 4 * MIB);

    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .and_then(|f| f.set_len(2 * MIB as u64))
        .expect("truncate");
    let second = client.get(server.stream_url(HASH)).send().expect("second");
    assert_eq!(second.status(), StatusCode::OK);
    assert_eq!(second.headers()["content-length"], (2 * MIB).to_string());
    assert_eq!(second.bytes().expect("body").as_ref(), &bytes[..2 * MIB]);
}

/// Peak resident memory of a process, in KiB.
fn vm_rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

#[cfg(unix)]
#[test]
fn a_fifo_or_dev_zero_as_metadata_neither_blocks_nor_floods_the_server() {
    let dir = tempfile::tempdir().expect("tempdir");
    put(
        dir.path(),
        &format!("{HASH}/film.mp4"),
        &video_bytes(2 * MIB),
    );
    let metadata = dir.path().join(HASH).join(".peerstream.torrent");
    let status = Command::new("mkfifo")
        .arg(&metadata)
        .status()
        .expect("mkfifo");
    assert!(status.success());
    let server = Server::start(dir.path(), &["--no-p2p"]);
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client");

    for kind in ["fifo", "/dev/zero"] {
        if kind == "/dev/zero" {
            std::fs::remove_file(&metadata).expect("remove fifo");
            std::os::unix::fs::symlink("/dev/zero", &metadata).expect("symlink");
        }
        let playlist = {
            let client = client.clone();
            let url = server.url(&format!("/stream/proxy/{HASH}.m3u"));
            std::thread::spawn(move || client.get(url).send())
        };
        std::thread::sleep(Duration::from_millis(100));
        let started = Instant::now();
        let health = client.get(server.url("/health")).send().expect("health");
        assert_eq!(health.status(), StatusCode::OK, "{kind}");
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{kind}: /health took {:?}",
            started.elapsed()
        );
        let rss = vm_rss_kib(server.pid());
        assert!(rss < 200 * 1024, "{kind}: server RSS {rss} KiB");

        let playlist = playlist
            .join()
            .expect("thread")
            .unwrap_or_else(|e| panic!("{kind}: the .m3u request: {e}"));
        assert_eq!(playlist.status(), StatusCode::OK, "{kind}");
        let text = playlist.text().expect("playlist");
        // The metadata counts as absent: the one cached file is listed.
        assert!(text.starts_with("#EXTM3U"), "{kind}: {text}");
        assert!(text.contains("film.mp4"), "{kind}: {text}");
        let rss = vm_rss_kib(server.pid());
        assert!(rss < 200 * 1024, "{kind}: server RSS {rss} KiB");
    }
}

#[test]
fn empty_metadata_left_behind_is_fetched_again_from_peers() {
    let (_seed_dir, torrent, seeder, bytes) = seeded("e.mp4", 2 * MIB + 5, 22, None);
    let hash = torrent.info_hash.as_str();
    let cache = tempfile::tempdir().expect("tempdir");
    put(cache.path(), &format!("{hash}/.peerstream.torrent"), b"");
    let done = fetch(cache.path(), hash, &loopback_flags(&[seeder.addr], &[]));
    let path = done["path"].as_str().expect("path");
    assert_eq!(std::fs::read(path).expect("file"), bytes);
    // Stored again, whole: the file is hashed against it.
    let (code, report) = json_of(cache.path(), &["cache", "verify", hash, "--json"]);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(
        report["entries"][0]["piece_check"]["checked"], 9,
        "{report}"
    );
}

/// A full disk during the metadata write leaves no empty metadata behind, and once space is
/// free the same fetch succeeds. Runs in its own mount namespace over a small tmpfs.
#[test]
fn a_full_disk_while_storing_metadata_breaks_nothing_for_good() {
    if !is_root() {
        skip("needs root for unshare -m and a tmpfs");
        return;
    }
    if !have_tool("unshare") {
        return;
    }
    let (_seed_dir, torrent, seeder, bytes) = seeded("full.mp4", 2 * MIB + 7, 23, None);
    let hash = torrent.info_hash.clone();
    let cache = tempfile::tempdir().expect("tempdir");
    let out = tempfile::tempdir().expect("tempdir");
    // No disk reserve: the 8 MiB disk is meant to be all there is.
    let flags = loopback_flags(&[seeder.addr], &[]).join(" ") + " --disk-reserve-mib 0";
    let script = format!(
        r#"
set -u
mount -t tmpfs -o size=8m tmpfs "$CACHE" || exit 90
# Fill the tmpfs to the last byte.
dd if=/dev/zero of="$CACHE/fill" bs=4096 2>/dev/null
"$BIN" --cache-dir "$CACHE" fetch {hash} --json {flags} >"$OUT/first.out" 2>"$OUT/first.err"
echo $? >"$OUT/first.rc"
if [ -e "$CACHE/{hash}/.peerstream.torrent" ]; then
    stat -c %s "$CACHE/{hash}/.peerstream.torrent" >"$OUT/meta"
else
    echo absent >"$OUT/meta"
fi
ls -A "$CACHE/{hash}" >"$OUT/listing" 2>&1
rm -f "$CACHE/fill"
"$BIN" --cache-dir "$CACHE" fetch {hash} --json {flags} >"$OUT/second.out" 2>"$OUT/second.err"
echo $? >"$OUT/second.rc"
cp "$CACHE/{hash}/full.mp4" "$OUT/full.mp4"
"#
    );
    let mut cmd = Command::new("unshare");
    isolate(&mut cmd);
    let status = cmd
        .args(["-m", "--propagation", "private", "sh", "-c", &script])
        .env("CACHE", cache.path())
        .env("OUT", out.path())
        .env("BIN", BIN)
        .status()
        .expect("unshare");
    let read = |name: &str| std::fs::read_to_string(out.path().join(name)).unwrap_or_default();
    assert_ne!(status.code(), Some(90), "mounting the tmpfs failed");
    eprintln!("first fetch on a full disk: {}", read("first.err"));
    assert_ne!(
        read("first.rc").trim(),
        "0",
        "the first fetch should fail on a full disk: {}",
        read("first.err")
    );
    assert_eq!(
        read("meta").trim(),
        "absent",
        "metadata left behind after ENOSPC; folder: {}",
        read("listing")
    );
    assert!(
        !read("listing").contains(".peerstream-tmp-"),
        "a temporary file stayed: {}",
        read("listing")
    );
    assert_eq!(
        read("second.rc").trim(),
        "0",
        "the fetch after freeing space: {}",
        read("second.err")
    );
    assert_eq!(
        std::fs::read(out.path().join("full.mp4")).expect("copied out"),
        bytes
    );
}
