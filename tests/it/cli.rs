//! The real binary: `cache ls`, `cache verify`, `fetch` on mock and cached hashes, exit codes,
//! configuration layers and quiet broken pipes.

use std::process::{Command, Stdio};

use crate::support::*;
use assert_cmd::prelude::*;
use predicates::prelude::*;

fn cache_with_one_of_each() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    put(
        dir.path(),
        &format!("{HASH}/Good Movie.mp4"),
        &video_bytes(2 << 20),
    );
    put(
        dir.path(),
        "small-1111111111111111111111111111111111111112.mp4",
        &video_bytes(4096),
    );
    put(
        dir.path(),
        "2222222222222222222222222222222222222223/movie.mkv.part",
        &video_bytes(2 << 20),
    );
    dir
}

#[test]
fn cache_ls_human_and_json() {
    let dir = cache_with_one_of_each();
    let out = peerstream(dir.path())
        .args(["cache", "ls"])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(text.starts_with("HASH"), "{text}");
    let good = text.lines().find(|l| l.contains(HASH)).expect("good row");
    assert!(
        good.contains("complete") && good.contains("2 MiB") && good.contains("Good Movie.mp4"),
        "{good}"
    );
    let small = text
        .lines()
        .find(|l| l.contains("small-"))
        .expect("small row");
    assert!(
        small.contains("invalid") && small.contains("smaller than"),
        "{small}"
    );
    assert!(
        text.lines()
            .any(|l| l.contains("partial") && l.contains("movie.mkv.part")),
        "{text}"
    );

    let out = peerstream(dir.path())
        .args(["cache", "ls", "--json"])
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).expect("json");
    assert_eq!(json["complete"], 1);
    assert_eq!(json["partial"], 1);
    assert_eq!(json["invalid"], 1);
    let entries = json["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 3);
    let small = entries
        .iter()
        .find(|e| e["state"] == "invalid")
        .expect("invalid entry");
    assert_eq!(small["reason"]["kind"], "too_small");
    assert_eq!(small["size"], 4096);
}

#[test]
fn cache_verify_exit_codes() {
    let dir = cache_with_one_of_each();
    // Everything: one file is invalid, one partial -> 5.
    peerstream(dir.path())
        .args(["cache", "verify"])
        .assert()
        .code(5)
        .stdout(predicate::str::contains("invalid ("))
        .stderr(predicate::str::contains("partial or invalid"));
    // Only the good one -> 0.
    let out = peerstream(dir.path())
        .args(["cache", "verify", HASH, "--json"])
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).expect("json");
    assert_eq!(json["ok"], true);
    assert_eq!(json["checked"], 1);
    // A hash with no file -> 4; a bad hash -> 2.
    peerstream(dir.path())
        .args([
            "cache",
            "verify",
            "9999999999999999999999999999999999999998",
        ])
        .assert()
        .code(4);
    peerstream(dir.path())
        .args(["cache", "verify", "nothex"])
        .assert()
        .code(2);
    // Corrupting the good file is noticed.
    std::fs::write(dir.path().join(HASH).join("Good Movie.mp4"), b"<html>").expect("overwrite");
    peerstream(dir.path())
        .args(["cache", "verify", HASH])
        .assert()
        .code(5);
}

#[test]
fn fetch_mock_lands_in_the_cache_and_plays_from_there() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = peerstream(dir.path())
        .args(["fetch", MOCK_HASH, "--print-path"])
        .assert()
        .success();
    let path = String::from_utf8_lossy(&out.get_output().stdout)
        .trim()
        .to_owned();
    let mock = mock_asset();
    assert_eq!(std::fs::read(&path).expect("fetched file"), mock);
    assert!(path.starts_with(&dir.path().to_string_lossy().into_owned()));

    let out = peerstream(dir.path())
        .args(["fetch", MOCK_HASH, "--stdout"])
        .assert()
        .success();
    assert_eq!(out.get_output().stdout, mock);

    let out = peerstream(dir.path())
        .args([
            "fetch",
            &format!("magnet:?xt=urn:btih:{MOCK_HASH}&dn=x"),
            "--json",
        ])
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).expect("json");
    assert_eq!(json["event"], "done");
    assert_eq!(json["source"], "mock");
    assert_eq!(json["size"], mock.len() as u64);
}

#[test]
fn fetch_cached_hash_needs_no_network_and_unknown_hash_has_no_peers() {
    let dir = cache_with_one_of_each();
    peerstream(dir.path())
        .args(["fetch", &HASH.to_uppercase(), "--print-path"])
        .assert()
        .success()
        .stdout(predicate::str::ends_with("Good Movie.mp4\n"));
    // DHT and trackers are off in tests and no peer is given: nothing to ask.
    peerstream(dir.path())
        .args(["fetch", "9999999999999999999999999999999999999998"])
        .assert()
        .code(6)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("no way to find peers"));
    peerstream(dir.path())
        .args(["fetch", "not-a-hash"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("expected a 40-hex"));
}

#[test]
fn env_and_config_file_layers() {
    let dir = cache_with_one_of_each();
    // The cache folder from the environment.
    let mut cmd = Command::new(BIN);
    isolate(&mut cmd);
    cmd.env("PEERSTREAM_CACHE_DIR", dir.path())
        .args(["cache", "ls", "--json"])
        .assert()
        .success()
        .stdout(predicate::str::contains(HASH));
    // From a config file, and a flag beats it.
    let config = dir.path().join("peerstream.toml");
    std::fs::write(&config, format!("cache_dir = {:?}\n", dir.path())).expect("config");
    let mut cmd = Command::new(BIN);
    isolate(&mut cmd);
    cmd.arg("--config")
        .arg(&config)
        .args(["cache", "ls", "--json"])
        .assert()
        .success()
        .stdout(predicate::str::contains(HASH));
    let empty = tempfile::tempdir().expect("tempdir");
    let mut cmd = Command::new(BIN);
    isolate(&mut cmd);
    cmd.arg("--config")
        .arg(&config)
        .arg("--cache-dir")
        .arg(empty.path())
        .args(["cache", "ls", "--json"])
        .assert()
        .success()
        .stdout(predicate::str::contains(HASH).not());
    // Unknown keys name the key and the file.
    std::fs::write(&config, "cache_dri = \"x\"\n").expect("config");
    let mut cmd = Command::new(BIN);
    isolate(&mut cmd);
    cmd.arg("--config")
        .arg(&config)
        .args(["cache", "ls"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("cache_dri").and(predicate::str::contains("peerstream.toml")),
        );
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    peerstream(dir.path()).arg("frobnicate").assert().code(2);
    peerstream(dir.path())
        .args(["serve", "--bind", "nowhere"])
        .assert()
        .code(2);
}

#[test]
fn broken_pipe_on_stdout_exits_quietly() {
    let dir = cache_with_one_of_each();
    // Enough output to overflow the pipe buffer after the reader is gone.
    for i in 0..400 {
        put(
            dir.path(),
            &format!("{:040x}/file-{i}.mp4", 0xabc0_0000_u64 + i),
            &video_bytes(16),
        );
    }
    let mut child = peerstream(dir.path())
        .args(["cache", "ls", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take()); // like `| head -c 0`
    let output = child.wait_with_output().expect("wait");
    assert_eq!(output.status.code(), Some(0));
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn serve_reports_a_taken_port_with_a_hint() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let dir = tempfile::tempdir().expect("tempdir");
    peerstream(dir.path())
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("hint:").and(predicate::str::contains("--bind")));
}

#[test]
fn action_flags_also_come_from_the_environment() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = peerstream(dir.path())
        .env("PEERSTREAM_PRINT_PATH", "true")
        .args(["fetch", MOCK_HASH])
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.trim_end().ends_with(".mp4"), "{stdout}");
    let out = peerstream(dir.path())
        .env("PEERSTREAM_JSON", "1")
        .args(["cache", "ls"])
        .assert()
        .success();
    let listing: serde_json::Value =
        serde_json::from_slice(&out.get_output().stdout).expect("json from the env flag");
    assert_eq!(listing["complete"], 1);
}

/// `nat detect` and `nat map` take the STUN servers and the torrent port from the settings, as
/// the swarm does, when no flag names them.
#[test]
fn nat_detect_uses_the_configured_stun_servers_and_port() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("c.toml");
    // Port 9 on loopback: nothing listens, so the answer is a quick ICMP refusal.
    std::fs::write(
        &config,
        "[p2p]\nlisten_port = 51413\n[nat]\nstun_servers = [\"127.0.0.1:9\"]\n",
    )
    .expect("config");
    let output = peerstream(dir.path())
        .arg("--config")
        .arg(&config)
        .args([
            "nat",
            "detect",
            "--json",
            "--no-port-mapping",
            "--timeout",
            "1",
        ])
        .output()
        .expect("nat detect");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stderr)));
    assert_eq!(
        report["servers_tried"][0]["server"], "127.0.0.1:9",
        "{report:#}"
    );
    assert_eq!(report["port"], 51413, "{report:#}");
}
