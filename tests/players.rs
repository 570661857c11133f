//! Real players read through `serve`: ffprobe and mpv, from the start and after a seek.
//! Each test prints SKIP when the player is missing locally; under CI=true it must run.

mod support;

use std::process::Command;
use std::time::Duration;

use support::*;

fn mock_asset() -> Vec<u8> {
    std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/mock.mp4")).expect("mock asset")
}

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

/// mpv must never hang a test run.
fn run_with_timeout(mut cmd: Command, limit: Duration) -> std::process::Output {
    use std::process::Stdio;
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn player");
    let deadline = std::time::Instant::now() + limit;
    while std::time::Instant::now() < deadline {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("player did not finish within {limit:?}");
}
