//! Helpers shared by the integration tests: the real binary, a real server on a free port,
//! cache fixtures, external tools that may be missing locally (but never under CI=true), and
//! (in `process`) the kill-on-drop process guard and the one wait-until helper.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{ChildStdout, Command, ExitStatus, Stdio};
use std::time::Duration;

pub mod netns;
pub mod process;
pub mod swarm;

pub use process::{ChildGuard, poll_until, wait_until};

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
    process: ChildGuard,
    /// Kept open: serve may write to stdout after the first line.
    _stdout: BufReader<ChildStdout>,
    pub base: String,
    /// Where serve's stderr goes, when [`Server::spawn_logged`] started it.
    log: Option<PathBuf>,
}

impl Server {
    pub fn start(cache: &Path, extra: &[impl AsRef<std::ffi::OsStr>]) -> Server {
        let mut cmd = peerstream(cache);
        cmd.args(["serve", "--bind", "127.0.0.1:0"]).args(extra);
        Self::spawn(cmd)
    }

    /// Starts a prepared `serve` command (any wrapper that execs it, such as `ip netns exec` or
    /// `nsenter`, works); its stderr goes to the test's.
    pub fn spawn(mut cmd: Command) -> Server {
        cmd.stderr(Stdio::inherit());
        Self::launch(cmd, None)
    }

    /// Like [`Server::spawn`], with stderr written to `log`: failures quote it, and
    /// [`Server::stderr`] reads it.
    pub fn spawn_logged(mut cmd: Command, log: &Path) -> Server {
        cmd.stdin(Stdio::null())
            .stderr(std::fs::File::create(log).expect("serve log"));
        Self::launch(cmd, Some(log.to_path_buf()))
    }

    fn launch(mut cmd: Command, log: Option<PathBuf>) -> Server {
        let mut process = ChildGuard::spawn(cmd.stdout(Stdio::piped()));
        let mut stdout = BufReader::new(process.stdout.take().expect("stdout piped"));
        let mut first = String::new();
        stdout.read_line(&mut first).expect("read the listen URL");
        let server = Server {
            process,
            _stdout: stdout,
            base: first.trim().trim_end_matches('/').to_owned(),
            log,
        };
        assert!(
            server.base.starts_with("http://127.0.0.1:"),
            "first line: {first:?}; stderr: {}",
            server.stderr()
        );
        server
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

    pub fn pid(&self) -> u32 {
        self.process.id()
    }

    /// What serve wrote to stderr so far (empty unless started with [`Server::spawn_logged`]).
    pub fn stderr(&self) -> String {
        self.log
            .as_ref()
            .and_then(|log| std::fs::read_to_string(log).ok())
            .unwrap_or_default()
    }

    /// Sends `signal` (e.g. `libc::SIGTERM`) without waiting for the exit.
    pub fn signal(&self, signal: libc::c_int) {
        self.process.signal(signal);
    }

    /// The exit status once serve has exited, waiting at most `limit`; `None` if it still runs.
    pub fn exit_within(&mut self, limit: Duration) -> Option<ExitStatus> {
        self.process.exit_within(limit)
    }

    /// SIGTERM, then its exit status; fails the test if serve still runs after `limit`.
    pub fn terminate(&mut self, limit: Duration) -> ExitStatus {
        self.process.signal(libc::SIGTERM);
        match self.process.exit_within(limit) {
            Some(status) => status,
            None => panic!(
                "serve did not stop on SIGTERM within {limit:?}; stderr: {}",
                self.stderr()
            ),
        }
    }
}

/// The mock video the binary ships, which the mock hash serves.
pub const MOCK_ASSET: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/mock.mp4");

/// The bytes of [`MOCK_ASSET`].
pub fn mock_asset() -> Vec<u8> {
    std::fs::read(MOCK_ASSET).expect("mock asset")
}

/// An `ftyp` box: enough of an MP4 head for the cache to take a file as video.
pub const MP4_HEAD: &[u8] = b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41";

/// Bytes of a fake but well-formed MP4 head followed by a deterministic pattern.
pub fn video_bytes(size: usize) -> Vec<u8> {
    fake_mp4(size, 0x1234_5678)
}

/// [`MP4_HEAD`] then a xorshift pattern from `seed` (another seed, other bytes), `size` bytes.
pub fn fake_mp4(size: usize, seed: u32) -> Vec<u8> {
    let mut bytes = MP4_HEAD.to_vec();
    let mut x = seed | 1;
    while bytes.len() < size {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        bytes.extend_from_slice(&x.to_le_bytes());
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
        skip(&format!("{tool} is not installed"));
    }
    found
}

/// A test that cannot run here: SKIP locally, a failure under `CI=true` (where `.ci/run`
/// installs everything the tests need).
pub fn skip(why: &str) {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("under CI=true this must not be skipped: {why}; .ci/run installs what it needs");
    }
    eprintln!("SKIP: {why}");
}

/// A raw HTTP/1.1 request over TCP, so the path reaches the server exactly as written.
/// Returns the status and the whole response text (headers and body).
pub fn raw_get(addr: &str, path: &str) -> (u16, String) {
    use std::io::{Read, Write};
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
