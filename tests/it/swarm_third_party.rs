//! A third-party swarm on loopback: aria2c seeds a torrent made by mktorrent, announced to a
//! local opentracker; peerstream finds it by bare info-hash through the tracker in its config.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::process::wait_for_tcp_listener;
use crate::support::swarm::payload;
use crate::support::*;

/// The SHA-1 of the bencoded `info` dictionary, computed by python3 so the test does not reuse
/// the code under test.
fn info_hash_of(torrent: &Path) -> String {
    let script = "import hashlib,sys\nd=open(sys.argv[1],'rb').read()\ni=d.index(b'4:info')+6\nprint(hashlib.sha1(d[i:-1]).hexdigest())";
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(torrent)
        .output()
        .expect("python3");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Announces as a probe until the tracker's answer contains `wanted`. opentracker reads its
/// whitelist after it starts listening, and a client that announces to an empty swarm waits a
/// whole tracker interval before asking again, so the test waits for each step.
fn wait_for_tracker(announce: &str, hash: &str, wanted: &str) {
    let encoded: String = (0..hash.len())
        .step_by(2)
        .map(|i| format!("%{}", &hash[i..i + 2]))
        .collect();
    let url = format!(
        "{announce}?info_hash={encoded}&peer_id=-PS0000-probeprobepr&port=9&left=0&compact=1&numwant=0"
    );
    wait_until(
        Duration::from_secs(30),
        &format!("the tracker to answer {wanted:?} for {hash}"),
        || {
            let body = reqwest::blocking::get(&url)
                .and_then(|r| r.text())
                .unwrap_or_default();
            if body.contains(wanted) {
                Ok(())
            } else {
                Err(body)
            }
        },
    );
}

#[test]
fn fetch_by_bare_hash_from_aria2c_through_a_local_tracker() {
    if !(have_tool("aria2c")
        && have_tool("opentracker")
        && have_tool("mktorrent")
        && have_tool("python3")
        && have_tool("ss"))
    {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    // opentracker drops root and chroots into its folder: it must be able to read it.
    std::fs::set_permissions(
        dir.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .expect("chmod");
    let seed = dir.path().join("seed");
    std::fs::create_dir(&seed).expect("seed dir");
    let bytes = payload(9 * 1024 * 1024 + 5, 21);
    std::fs::write(seed.join("film.mp4"), &bytes).expect("payload");

    // Neither tool takes a bound socket, and a port picked by the test and released before
    // the tool binds it can be taken by another test meanwhile. So opentracker binds port 0
    // and the test reads back the port it got; its whitelist starts empty and is reloaded
    // (SIGHUP) once the torrent, which names the tracker, exists.
    let whitelist = dir.path().join("whitelist.txt");
    std::fs::write(&whitelist, "").expect("whitelist");
    let tracker = ChildGuard::spawn(
        Command::new("opentracker")
            .args([
                "-i",
                "127.0.0.1",
                "-p",
                "0",
                "-P",
                "0",
                "-w",
                "whitelist.txt",
                "-d",
            ])
            .arg(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    let tracker_port = wait_for_tcp_listener(tracker.id(), "opentracker to listen");
    let announce = format!("http://127.0.0.1:{tracker_port}/announce");
    let torrent = dir.path().join("film.torrent");
    let status = Command::new("mktorrent")
        .args(["-a", &announce, "-l", "18", "-o"])
        .arg(&torrent)
        .arg(seed.join("film.mp4"))
        .stdout(Stdio::null())
        .status()
        .expect("mktorrent");
    assert!(status.success());
    let hash = info_hash_of(&torrent);
    assert_eq!(hash.len(), 40);
    std::fs::write(&whitelist, format!("{hash}\n")).expect("whitelist");
    tracker.signal(libc::SIGHUP);
    wait_for_tracker(&announce, &hash, "interval");

    let _seeder = ChildGuard::spawn(
        Command::new("aria2c")
            .args([
                "--seed-ratio=0.0",
                "--check-integrity=true",
                "--enable-dht=false",
                "--enable-dht6=false",
                "--bt-enable-lpd=false",
                "--enable-peer-exchange=false",
                "--interface=127.0.0.1",
                "--bt-external-ip=127.0.0.1",
                "--disable-ipv6=true",
                "--console-log-level=warn",
            ])
            // A range: aria2c binds a port of it that is free at that moment (no port picked
            // in advance that another test could take first); peerstream learns it from the
            // tracker.
            .arg("--listen-port=6881-6999")
            .arg("-d")
            .arg(&seed)
            .arg(&torrent)
            .stdout(Stdio::null()),
    );

    // The probe itself counts as one seeder; aria2c makes two once it has checked its copy.
    wait_for_tracker(&announce, &hash, "completei2e");

    let config = dir.path().join("peerstream.toml");
    std::fs::write(
        &config,
        format!("[p2p]\ndht = false\nlisten_port = 0\ntrackers = [\"{announce}\"]\nmetadata_timeout_secs = 60\n"),
    )
    .expect("config");
    let cache = dir.path().join("cache");
    let output = peerstream(&cache)
        .env_remove("PEERSTREAM_NO_TRACKERS")
        .arg("--config")
        .arg(&config)
        .args(["fetch", &hash, "--print-path"])
        .output()
        .expect("fetch");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let path = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    assert_eq!(std::fs::read(&path).expect("downloaded"), bytes);
}
