//! `serve` against hostile and careless clients: slow request heads under a low open-file limit,
//! idle keep-alive connections, clients that stop reading, and the connection cap.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::time::{Duration, Instant};

use crate::support::*;

const PARTIAL_HEAD: &[u8] = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n";
const MIB: usize = 1024 * 1024;

/// `serve --no-p2p` with `extra` flags and, when given, RLIMIT_NOFILE set to (soft, hard)
/// before it starts.
fn start(cache: &std::path::Path, nofile: Option<(u64, u64)>, extra: &[&str]) -> Server {
    let mut cmd = peerstream(cache);
    cmd.args(["serve", "--bind", "127.0.0.1:0", "--no-p2p"])
        .args(extra);
    if let Some((soft, hard)) = nofile {
        let limit = libc::rlimit {
            rlim_cur: soft,
            rlim_max: hard,
        };
        // SAFETY: setrlimit is async-signal-safe and touches only the child's own limits.
        unsafe {
            cmd.pre_exec(move || {
                if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) == 0 {
                    Ok(())
                } else {
                    Err(std::io::Error::last_os_error())
                }
            });
        }
    }
    Server::spawn(cmd)
}

/// Raises this test process's own soft open-file limit so it can hold `needed` sockets; false
/// (after printing SKIP) when the hard limit is too low and only root could raise it, which
/// CI (root) never is.
fn allow_open_files(needed: u64) -> bool {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: plain syscalls on a local struct.
    unsafe {
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit), 0);
        if limit.rlim_max < needed {
            if !is_root() && !std::env::var("CI").is_ok_and(|v| v == "true") {
                eprintln!(
                    "SKIP: the hard open-file limit {} is below {needed}",
                    limit.rlim_max
                );
                return false;
            }
            limit.rlim_max = needed;
        }
        limit.rlim_cur = limit.rlim_max;
        assert_eq!(
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit),
            0,
            "cannot raise this test's open-file limit to {needed}: {}",
            std::io::Error::last_os_error()
        );
    }
    true
}

/// The soft and hard "Max open files" of a process.
fn open_file_limits(pid: u32) -> (u64, u64) {
    let text = std::fs::read_to_string(format!("/proc/{pid}/limits")).expect("read limits");
    let line = text
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .expect("Max open files line");
    let numbers: Vec<u64> = line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    (numbers[0], numbers[1])
}

fn connect(server: &Server) -> TcpStream {
    let addr: std::net::SocketAddr = server.addr().parse().expect("addr");
    TcpStream::connect_timeout(&addr, Duration::from_secs(5)).expect("connect")
}

/// A small receive buffer, so the server's writes block as soon as the client stops reading
/// (loopback buffers would otherwise swallow megabytes).
fn small_receive_buffer(stream: &TcpStream) {
    let size: libc::c_int = 64 * 1024;
    // SAFETY: setsockopt on a socket this test owns, with a correctly sized value.
    let rc = unsafe {
        libc::setsockopt(
            stream.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_RCVBUF,
            (&size as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    assert_eq!(rc, 0, "SO_RCVBUF");
}

/// Reads until the server closes the connection (EOF or reset); the bytes read, or `None` if
/// it is still open at `deadline`.
fn read_until_closed(stream: &mut TcpStream, deadline: Instant) -> Option<usize> {
    let mut total = 0;
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let left = deadline.checked_duration_since(Instant::now())?;
        stream
            .set_read_timeout(Some(left.max(Duration::from_millis(1))))
            .expect("read timeout");
        match stream.read(&mut buf) {
            Ok(0) => return Some(total),
            Ok(n) => total += n,
            Err(e) if e.kind() == ErrorKind::ConnectionReset => return Some(total),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return None;
            }
            Err(e) => panic!("read: {e}"),
        }
    }
}

/// `GET /health` on a fresh connection: the status and how long the answer took.
fn timed_health(server: &Server) -> (u16, Duration) {
    let started = Instant::now();
    let (status, _) = raw_get(&server.addr(), "/health");
    (status, started.elapsed())
}

/// Sends a request for `path` and reads up to the end of the response head.
fn request_head(stream: &mut TcpStream, path: &str, close: bool) -> String {
    let connection = if close { "Connection: close\r\n" } else { "" };
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{connection}\r\n"
    )
    .expect("send");
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        stream.read_exact(&mut byte).expect("response head");
        head.push(byte[0]);
    }
    String::from_utf8(head).expect("ascii head")
}

fn cached(size: usize) -> (tempfile::TempDir, Vec<u8>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let bytes = video_bytes(size);
    put(dir.path(), &format!("{HASH}/Long Movie.mp4"), &bytes);
    (dir, bytes)
}

#[test]
fn slow_request_heads_under_a_low_file_limit_neither_starve_health_nor_stay_open() {
    const SLOW: usize = 1100;
    if !allow_open_files(SLOW as u64 + 200) {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let server = start(dir.path(), Some((1024, 1024)), &["--header-timeout", "2"]);
    assert_eq!(open_file_limits(server.pid()), (1024, 1024));

    let opened = Instant::now();
    let mut slow: Vec<TcpStream> = (0..SLOW)
        .map(|_| {
            let mut stream = connect(&server);
            stream.write_all(PARTIAL_HEAD).expect("partial head");
            stream
        })
        .collect();
    for _ in 0..5 {
        let (status, took) = timed_health(&server);
        assert_eq!(status, 200);
        assert!(
            took < Duration::from_millis(100),
            "/health took {took:?} with {SLOW} slow sockets open"
        );
    }

    // Every slow socket is closed by the server: evicted to make room, or at the header
    // timeout (2 s), well before this deadline.
    let deadline = opened + Duration::from_secs(8);
    for (i, stream) in slow.iter_mut().enumerate() {
        let read = read_until_closed(stream, deadline);
        assert_eq!(read, Some(0), "slow socket {i} is still open, or got data");
    }
    assert!(opened.elapsed() >= Duration::from_secs(2) - Duration::from_millis(100));
    let (status, _) = timed_health(&server);
    assert_eq!(status, 200);
}

#[test]
fn the_soft_file_limit_is_raised_to_the_hard_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = start(dir.path(), Some((256, 1000)), &[]);
    assert_eq!(open_file_limits(server.pid()), (1000, 1000));
}

#[test]
fn idle_keep_alive_closes_while_a_slowly_read_stream_goes_on() {
    const SIZE: usize = 8 * MIB;
    let (dir, bytes) = cached(SIZE);
    let server = start(
        dir.path(),
        None,
        &["--idle-timeout", "2", "--write-timeout", "2"],
    );

    // A player reading slowly (1.25 MiB/s) for longer than both timeouts.
    let mut stream = connect(&server);
    small_receive_buffer(&stream);
    let path = format!("/stream/proxy/{HASH}");
    let streaming = std::thread::spawn(move || {
        let started = Instant::now();
        let head = request_head(&mut stream, &path, false);
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        let mut body = Vec::with_capacity(SIZE);
        let mut chunk = vec![0u8; 64 * 1024];
        while body.len() < SIZE {
            let want = chunk.len().min(SIZE - body.len());
            let n = stream.read(&mut chunk[..want]).expect("stream read");
            assert!(n > 0, "the stream was cut after {} bytes", body.len());
            body.extend_from_slice(&chunk[..n]);
            std::thread::sleep(Duration::from_millis(50));
        }
        (body, started.elapsed())
    });

    // A kept-alive connection after one request: closed after the idle timeout.
    let mut idle = connect(&server);
    let head = request_head(&mut idle, "/health", false);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length: "))
        .and_then(|v| v.trim().parse().ok())
        .expect("content-length");
    let mut body = vec![0u8; length];
    idle.read_exact(&mut body).expect("health body");
    let waited = Instant::now();
    let read = read_until_closed(&mut idle, waited + Duration::from_secs(6));
    assert_eq!(read, Some(0), "the idle connection was not closed");
    let idle_for = waited.elapsed();
    assert!(
        idle_for >= Duration::from_millis(1500),
        "closed too early: {idle_for:?}"
    );

    let (body, took) = streaming.join().expect("streaming thread");
    assert!(
        body == bytes,
        "the slowly read stream differs from the file"
    );
    assert!(
        took > Duration::from_secs(3),
        "the stream took {took:?}: too short to show anything"
    );
}

#[test]
fn a_client_that_stops_reading_is_closed_after_the_write_timeout() {
    const SIZE: usize = 8 * MIB;
    let (dir, _bytes) = cached(SIZE);
    let server = start(dir.path(), None, &["--write-timeout", "2"]);
    let mut stream = connect(&server);
    small_receive_buffer(&stream);
    let head = request_head(&mut stream, &format!("/stream/proxy/{HASH}"), false);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    std::thread::sleep(Duration::from_millis(4500));
    let read = read_until_closed(&mut stream, Instant::now() + Duration::from_secs(10))
        .expect("the connection of a client that stopped reading is still open");
    assert!(read < SIZE, "the whole file arrived ({read} bytes)");
    // The server itself is fine.
    assert_eq!(timed_health(&server).0, 200);
}

#[test]
fn at_the_connection_cap_idle_clients_make_room_and_busy_ones_get_503() {
    const SIZE: usize = 8 * MIB;
    let (dir, _bytes) = cached(SIZE);
    let server = start(dir.path(), None, &["--max-connections", "3"]);
    let path = format!("/stream/proxy/{HASH}");

    // Three streams whose clients do not read: busy, so never evicted.
    let mut busy: Vec<TcpStream> = (0..3)
        .map(|_| {
            let mut stream = connect(&server);
            small_receive_buffer(&stream);
            let head = request_head(&mut stream, &path, false);
            assert!(head.starts_with("HTTP/1.1 200"), "{head}");
            stream
        })
        .collect();
    let (status, text) = raw_get(&server.addr(), "/health");
    assert_eq!(status, 503, "{text}");
    let lower = text.to_ascii_lowercase();
    assert!(lower.contains("retry-after: 1\r\n"), "{text}");
    assert!(
        lower.contains("content-type: application/json\r\n"),
        "{text}"
    );
    let body = text.split("\r\n\r\n").nth(1).expect("body");
    let json: serde_json::Value = serde_json::from_str(body).expect("JSON body");
    assert_eq!(json["code"], "overloaded");
    assert!(json["error"].as_str().is_some_and(|e| !e.is_empty()));

    // A slot frees when a stream ends.
    drop(busy.pop());
    let freed = Instant::now();
    loop {
        let (status, _) = raw_get(&server.addr(), "/health");
        if status == 200 {
            break;
        }
        assert!(
            freed.elapsed() < Duration::from_secs(3),
            "no slot freed after a stream closed"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    // Full again with two streams and a slow head: the slow one makes room for a new client
    // long before its header timeout (10 s by default).
    let mut slow = connect(&server);
    slow.write_all(PARTIAL_HEAD).expect("partial head");
    std::thread::sleep(Duration::from_millis(200));
    let (status, took) = timed_health(&server);
    assert_eq!(status, 200);
    assert!(took < Duration::from_secs(1), "{took:?}");
    let read = read_until_closed(&mut slow, Instant::now() + Duration::from_secs(2));
    assert_eq!(read, Some(0), "the slow client was not evicted");
    drop(busy);
}

#[test]
fn an_oversized_request_head_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = start(dir.path(), None, &[]);
    let mut stream = connect(&server);
    let filler = "a".repeat(100 * 1024);
    // The server may answer and close before the whole head is sent.
    let _ = write!(
        stream,
        "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Filler: {filler}\r\n\r\n"
    );
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("read timeout");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 431"), "{text}");
    assert_eq!(timed_health(&server).0, 200);
}
