//! Real players read through `serve`: ffprobe, mpv and VLC, from the start and after a seek.
//! Each test prints SKIP when the player is missing locally; under CI=true it must run.

use std::process::Command;
use std::time::Duration;

use crate::support::*;

/// A server with the mock video also stored as a cached file under HASH.
fn server() -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().expect("tempdir");
    put(
        dir.path(),
        &format!("{HASH}/Test Pattern.mp4"),
        &mock_asset(),
    );
    let server = Server::start(dir.path(), &["--no-p2p"]);
    (dir, server)
}

#[test]
fn ffprobe_reads_mock_and_cached_file() {
    if !have_tool("ffprobe") {
        return;
    }
    let (_dir, server) = server();
    for hash in [MOCK_HASH, HASH] {
        let output = Command::new("ffprobe")
            .args([
                "-v",
                "error",
                "-show_entries",
                "format=duration:stream=codec_name",
            ])
            .args(["-of", "json"])
            .arg(server.stream_url(hash))
            .output()
            .expect("run ffprobe");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
        let duration: f64 = json["format"]["duration"]
            .as_str()
            .and_then(|d| d.parse().ok())
            .expect("duration");
        assert!(duration >= 5.0, "{hash}: {duration}");
        let codecs: Vec<_> = json["streams"]
            .as_array()
            .expect("streams")
            .iter()
            .filter_map(|s| s["codec_name"].as_str())
            .collect();
        assert!(codecs.contains(&"h264"), "{codecs:?}");
    }
}

#[test]
fn mpv_plays_and_seeks_mock_and_cached_file() {
    if !have_tool("mpv") {
        return;
    }
    let (_dir, server) = server();
    for hash in [MOCK_HASH, HASH] {
        for start in [None, Some("--start=50%")] {
            let mut cmd = Command::new("mpv");
            cmd.args(["--no-config", "--vo=null", "--ao=null", "--frames=30"])
                .args(["--msg-level=all=warn", "--network-timeout=10"])
                .args(start)
                .arg(server.stream_url(hash));
            let output = run_with_timeout(cmd, Duration::from_secs(60));
            assert!(
                output.status.success(),
                "mpv {hash} {start:?}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
}

/// A cached copy of the mock video with its index (moov) at the end, as many downloads are:
/// a player has to read the tail first, then seek back to the media data.
const MOOV_LAST_HASH: &str = "6b5c4d3e2f1a6b5c4d3e2f1a6b5c4d3e2f1a6b5c";

#[test]
fn vlc_plays_mock_and_seeks_in_moov_last_file() {
    if !have_tool("cvlc") || !have_tool("ffmpeg") {
        return;
    }
    let (dir, server) = server();
    let moov_last = dir.path().join(format!("{MOOV_LAST_HASH}/Moov Last.mp4"));
    std::fs::create_dir_all(moov_last.parent().expect("parent")).expect("mkdir");
    let remux = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(MOCK_ASSET)
        .args(["-c", "copy", "-movflags", "-faststart", "-f", "mp4"])
        .arg(&moov_last)
        .output()
        .expect("run ffmpeg");
    assert!(remux.status.success(), "{remux:?}");
    let size = std::fs::metadata(&moov_last).expect("remuxed").len();

    // VLC refuses to run as root; its home must be writable by the user it runs as.
    let home = tempfile::tempdir().expect("tempdir");
    let as_root = is_root();
    if as_root {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(home.path(), std::fs::Permissions::from_mode(0o777))
            .expect("chmod");
    }
    for hash in [MOCK_HASH, MOOV_LAST_HASH] {
        let mut cmd = if as_root {
            let mut c = Command::new("runuser");
            c.args(["-u", "nobody", "--", "cvlc"]);
            c
        } else {
            Command::new("cvlc")
        };
        // A small read-ahead buffer, so VLC fetches the tail with its own range request
        // instead of buffering the whole small file from the first one.
        cmd.env("HOME", home.path())
            .args(["-vv", "--no-video", "--aout=dummy", "--play-and-exit"])
            .args(["--prefetch-buffer-size=64", "--prefetch-read-size=16384"])
            .arg(server.stream_url(hash))
            .arg("vlc://quit");
        let output = run_with_timeout(cmd, Duration::from_secs(60));
        let log = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "vlc {hash}: {log}");
        for seen in ["successfully opened", "Buffering 100%", "EOF reached"] {
            assert!(log.contains(seen), "vlc {hash}: no {seen:?} in {log}");
        }
        assert!(!log.contains("http stream error"), "vlc {hash}: {log}");

        let exchanges = range_exchanges(&log);
        assert!(!exchanges.is_empty(), "vlc {hash}: no request in {log}");
        for (start, status, content_start) in &exchanges {
            match status {
                206 => assert_eq!(content_start, &Some(*start), "vlc {hash}: {exchanges:?}"),
                // VLC probes the end with bytes=SIZE- and expects exactly this.
                416 => assert_eq!(*start, size, "vlc {hash}: {exchanges:?}"),
                _ => panic!("vlc {hash}: status {status} in {exchanges:?}"),
            }
        }
        if hash == MOOV_LAST_HASH {
            assert!(
                exchanges
                    .iter()
                    .any(|(start, status, _)| *start > size / 2 && *status == 206),
                "VLC never read the tail of the moov-last file: {exchanges:?}"
            );
        }
    }
}

/// (requested range start, response status, Content-Range start) for every request in a
/// `cvlc -vv` log, which prints each outgoing request and incoming response head.
fn range_exchanges(log: &str) -> Vec<(u64, u16, Option<u64>)> {
    let mut out = Vec::new();
    let mut requested = 0;
    for line in log.lines() {
        if line.starts_with("GET ") {
            // A request without a Range header asks for the whole file.
            requested = 0;
        } else if let Some(rest) = line.strip_prefix("Range: bytes=") {
            requested = rest.trim_end_matches('-').parse().unwrap_or(u64::MAX);
        } else if let Some(rest) = line.strip_prefix("HTTP/1.1 ") {
            let status = rest.get(..3).and_then(|s| s.parse().ok()).unwrap_or(0);
            out.push((requested, status, None));
        } else if let Some(rest) = line.strip_prefix("content-range: bytes ")
            && let Some(last) = out.last_mut()
        {
            last.2 = rest.split('-').next().and_then(|s| s.parse().ok());
        }
    }
    out
}

/// A player must never hang a test run.
fn run_with_timeout(mut cmd: Command, limit: Duration) -> std::process::Output {
    use std::process::Stdio;
    let mut child = ChildGuard::spawn(
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
    );
    child.wait_within(limit, "the player");
    child.into_inner().wait_with_output().expect("output")
}
