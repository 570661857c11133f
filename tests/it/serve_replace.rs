//! A cached file replaced on disk while a response from it is in flight is never served mixed:
//! the response either completes with the old bytes entirely or is cut short (the connection
//! closes before Content-Length), and the next request gets the new file whole.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::support::*;

/// Larger than what loopback socket buffers absorb, so the response is still being read from
/// the file when it is replaced.
const SIZE: usize = 48 * 1024 * 1024;
/// Read before the replacement.
const BEFORE: usize = 1024 * 1024;
const RELATIVE: &str = "Replaced Movie.mp4";

/// Sends a GET for the whole file and reads the head and the first [`BEFORE`] body bytes.
fn start_download(server: &Server) -> (TcpStream, usize, Vec<u8>) {
    let mut socket = TcpStream::connect(server.addr()).expect("connect");
    socket
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    write!(
        socket,
        "GET /stream/proxy/{HASH} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        server.addr()
    )
    .expect("send request");
    let mut data = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    let head_end = loop {
        let n = socket.read(&mut buf).expect("read head");
        assert!(n > 0, "closed before the head");
        data.extend_from_slice(&buf[..n]);
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 200"), "{head}");
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .expect("content-length")
        .trim()
        .parse()
        .expect("length");
    let mut body = data.split_off(head_end);
    while body.len() < BEFORE {
        let n = socket.read(&mut buf).expect("read body");
        assert!(n > 0, "closed early");
        body.extend_from_slice(&buf[..n]);
    }
    (socket, length, body)
}

/// Reads the rest; the connection closing early is an allowed end.
fn finish_download(mut socket: TcpStream, mut body: Vec<u8>) -> Vec<u8> {
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        match socket.read(&mut buf) {
            Ok(0) => return body,
            Ok(n) => body.extend_from_slice(&buf[..n]),
            // A reset is a cut, like a close.
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return body,
            Err(e) => panic!("reading the body: {e}"),
        }
    }
}

fn assert_old_or_cut(old: &[u8], length: usize, body: &[u8], how: &str) {
    assert_eq!(length, old.len(), "{how}: Content-Length of the old file");
    assert!(
        body.len() <= length,
        "{how}: more bytes than Content-Length"
    );
    let first_difference = body.iter().zip(old).position(|(a, b)| a != b);
    assert_eq!(
        first_difference, None,
        "{how}: byte {first_difference:?} of the response is not the old file's"
    );
}

/// Replaces the file with `replace` while a full GET is in flight; returns whether the
/// response completed.
fn replaced_while_served(replace: impl FnOnce(&std::path::Path, &[u8]), how: &str) -> bool {
    let dir = tempfile::tempdir().expect("tempdir");
    let old = fake_mp4(SIZE, 1);
    let new = fake_mp4(SIZE, 2);
    let path = put(dir.path(), &format!("{HASH}/{RELATIVE}"), &old);
    let server = Server::start(dir.path(), &["--no-p2p"]);
    // The timestamps of the two versions must differ.
    std::thread::sleep(Duration::from_millis(30));
    let (socket, length, body) = start_download(&server);
    replace(&path, &new);
    let body = finish_download(socket, body);
    assert_old_or_cut(&old, length, &body, how);
    let after = reqwest::blocking::get(server.stream_url(HASH))
        .expect("GET after")
        .bytes()
        .expect("body after");
    assert!(
        after[..] == new[..],
        "{how}: the next GET serves the new file whole"
    );
    body.len() == length
}

#[test]
fn a_file_replaced_by_rename_keeps_serving_the_old_bytes_whole() {
    let completed = replaced_while_served(
        |path, new| {
            let staging = path.with_extension("part-new");
            std::fs::write(&staging, new).expect("write new version");
            std::fs::rename(&staging, path).expect("rename over");
        },
        "rename",
    );
    // The open descriptor still reads the old inode: nothing forces a cut.
    assert!(completed, "rename: the response was cut");
}

#[test]
fn a_file_rewritten_in_place_is_cut_never_mixed() {
    replaced_while_served(
        |path, new| {
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .expect("open for rewrite");
            file.write_all(new).expect("rewrite in place");
        },
        "in-place rewrite",
    );
}

#[test]
fn a_file_truncated_and_rewritten_is_cut_never_mixed() {
    replaced_while_served(
        |path, new| std::fs::write(path, new).expect("truncate and write"),
        "truncate and rewrite",
    );
}
