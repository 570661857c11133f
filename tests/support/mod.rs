//! Helpers shared by the integration tests: the real binary, a real server on a free port,
//! cache fixtures, and external tools that may be missing locally (but never under CI=true).

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub mod swarm;

pub const BIN: &str = env!("CARGO_BIN_EXE_peerstream");
pub const MOCK_HASH: &str = "0000000000000000000000000000000000000000";
pub const HASH: &str = "5a4b3c2d1e0f5a4b3c2d1e0f5a4b3c2d1e0f5a4b";

/// `peerstream` with a private cache folder and no config file from the user's machine.
pub fn peerstream(cache: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg("--cache-dir").arg(cache);
    isolate(&mut cmd);
    cmd
}

/// Keeps a developer's own config and env from leaking into a test run, and keeps the swarm
/// engine off the internet: no DHT, no built-in public trackers and no STUN servers unless a
/// test says otherwise.
pub fn isolate(cmd: &mut Command) {
    for (key, _) in std::env::vars() {
        if key.starts_with("PEERSTREAM_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("XDG_CONFIG_HOME", "/nonexistent-peerstream-test-config");
    cmd.env("NO_COLOR", "1");
    cmd.env("PEERSTREAM_NO_DHT", "true");
    cmd.env("PEERSTREAM_NO_TRACKERS", "true");
    cmd.env("PEERSTREAM_NO_NAT", "true");
}

/// A running `peerstream serve` on 127.0.0.1 and a free port; killed on drop.
pub struct Server {
    child: Child,
    pub base: String,
}

impl Server {
    pub fn start(cache: &Path, extra: &[&str]) -> Server {
        let mut cmd = peerstream(cache);
        cmd.args(["serve", "--bind", "127.0.0.1:0"]).args(extra);
        Self::spawn(cmd)
    }

    pub fn spawn(mut cmd: Command) -> Server {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start peerstream serve");
        let stdout = child.stdout.take().expect("stdout piped");
        let mut first = String::new();
        BufReader::new(stdout)
            .read_line(&mut first)
            .expect("read the listen URL");
        let base = first.trim().trim_end_matches('/').to_owned();
        assert!(
            base.starts_with("http://127.0.0.1:"),
            "first line: {first:?}"
        );
        Server { child, base }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn stream_url(&self, hash: &str) -> String {
        self.url(&format!("/stream/proxy/{hash}"))
    }

    pub fn addr(&self) -> String {
        self.base.trim_start_matches("http://").to_owned()
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Bytes of a fake but well-formed MP4 head followed by a deterministic pattern.
pub fn video_bytes(size: usize) -> Vec<u8> {
    let mut bytes = b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41".to_vec();
    let mut x: u32 = 0x1234_5678;
    while bytes.len() < size {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        bytes.push((x >> 24) as u8);
    }
    bytes.truncate(size);
    bytes
}

/// Writes `bytes` at `relative` under the cache folder, creating folders.
pub fn put(cache: &Path, relative: &str, bytes: &[u8]) -> PathBuf {
    let path = cache.join(relative);
    std::fs::create_dir_all(path.parent().expect("has parent")).expect("mkdir");
    std::fs::write(&path, bytes).expect("write fixture");
    path
}

/// True when the test runs as root (effective uid 0).
pub fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|uid| uid == "0"))
        })
        .unwrap_or(false)
}

/// True when `tool` can run. Missing tools skip locally (printing SKIP) and fail under CI=true.
pub fn have_tool(tool: &str) -> bool {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{tool} is required under CI=true; .ci/run installs it");
        }
        eprintln!("SKIP: {tool} is not installed");
    }
    found
}

/// A raw HTTP/1.1 request over TCP, so the path reaches the server exactly as written.
/// Returns the status and the whole response text (headers and body).
pub fn raw_get(addr: &str, path: &str) -> (u16, String) {
    use std::io::{Read, Write};
    use std::time::Duration;
    let socket: std::net::SocketAddr = addr.parse().expect("IP:PORT");
    let mut stream =
        std::net::TcpStream::connect_timeout(&socket, Duration::from_secs(5)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("read timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("read");
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status line");
    (status, text)
}
