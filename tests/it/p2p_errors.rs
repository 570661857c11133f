//! What each P2P failure is called, and the exit code or HTTP status it gets: BitTorrent v2,
//! invalid or hostile metadata, a `--file` that matches nothing; and the DHT on the torrent
//! port. Everything stays on loopback.

use std::process::Output;
use std::time::Duration;

use crate::support::swarm::{Seeder, loopback_flags, make_torrent};
use crate::support::*;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn assert_exit(output: &Output, code: i32, needles: &[&str]) {
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(code), "stderr: {stderr}");
    for needle in needles {
        assert!(stderr.contains(needle), "{needle:?} not in: {stderr}");
    }
}

// Hand-written: the tests need deliberately broken metadata, which no torrent tool writes.
enum Bencode<'a> {
    Int(i64),
    Bytes(&'a [u8]),
    List(Vec<Bencode<'a>>),
    /// Keys in sorted order.
    Dict(Vec<(&'a str, Bencode<'a>)>),
}

impl Bencode<'_> {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Bencode::Int(i) => out.extend(format!("i{i}e").bytes()),
            Bencode::Bytes(b) => {
                out.extend(format!("{}:", b.len()).bytes());
                out.extend_from_slice(b);
            }
            Bencode::List(items) => {
                out.push(b'l');
                items.iter().for_each(|i| i.encode(out));
                out.push(b'e');
            }
            Bencode::Dict(entries) => {
                out.push(b'd');
                for (key, value) in entries {
                    Bencode::Bytes(key.as_bytes()).encode(out);
                    value.encode(out);
                }
                out.push(b'e');
            }
        }
    }
}

/// A .torrent whose `info` is `info`.
fn torrent_with(info: Bencode<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    Bencode::Dict(vec![("info", info)]).encode(&mut out);
    out
}

fn single_file_info<'a>(name: &'a [u8], length: i64, pieces: &'a [u8]) -> Bencode<'a> {
    Bencode::Dict(vec![
        ("length", Bencode::Int(length)),
        ("name", Bencode::Bytes(name)),
        ("piece length", Bencode::Int(16384)),
        ("pieces", Bencode::Bytes(pieces)),
    ])
}

#[test]
fn v2_hashes_and_magnets_are_refused_naming_v2() {
    let cache = tempfile::tempdir().expect("tempdir");
    let v2 = "c".repeat(64);
    for target in [
        v2.clone(),
        format!("1220{v2}"),
        format!("magnet:?xt=urn:btmh:1220{v2}&dn=show"),
    ] {
        let output = peerstream(cache.path())
            .args(["fetch", &target])
            .output()
            .expect("run fetch");
        assert_exit(
            &output,
            2,
            &["BitTorrent v2", "not supported", "v1 info-hash"],
        );
    }
}

#[test]
fn invalid_torrent_files_exit_11_with_what_is_wrong() {
    let dir = tempfile::tempdir().expect("tempdir");
    let piece = [7u8; 20];
    let v2_only = torrent_with(Bencode::Dict(vec![
        (
            "file tree",
            Bencode::Dict(vec![(
                "a.mp4",
                Bencode::Dict(vec![(
                    "",
                    Bencode::Dict(vec![
                        ("length", Bencode::Int(1000)),
                        ("pieces root", Bencode::Bytes(&[1u8; 32])),
                    ]),
                )]),
            )]),
        ),
        ("meta version", Bencode::Int(2)),
        ("name", Bencode::Bytes(b"a")),
        ("piece length", Bencode::Int(16384)),
    ]));
    let traversal = torrent_with(Bencode::Dict(vec![
        (
            "files",
            Bencode::List(vec![Bencode::Dict(vec![
                ("length", Bencode::Int(1000)),
                (
                    "path",
                    Bencode::List(vec![Bencode::Bytes(b".."), Bencode::Bytes(b"evil.mp4")]),
                ),
            ])]),
        ),
        ("name", Bencode::Bytes(b"show")),
        ("piece length", Bencode::Int(16384)),
        ("pieces", Bencode::Bytes(&piece)),
    ]));
    let empty_name = torrent_with(single_file_info(b"", 1000, &piece));
    let zero_bytes = torrent_with(single_file_info(b"empty.mp4", 0, b""));
    for (name, bytes, needle) in [
        ("v2.torrent", v2_only, "v2-only torrents are not supported"),
        ("traversal.torrent", traversal, "invalid torrent metadata"),
        ("noname.torrent", empty_name, "invalid torrent metadata"),
        ("zero.torrent", zero_bytes, "invalid torrent metadata"),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("torrent");
        let output = peerstream(&dir.path().join("cache"))
            .arg("fetch")
            .arg(&path)
            .args(loopback_flags(&[], &[]))
            .output()
            .expect("run fetch");
        assert_exit(&output, 11, &[needle]);
        assert!(
            !text(&output.stderr).contains("--metadata-timeout"),
            "{name}: not a peer problem: {}",
            text(&output.stderr)
        );
    }
}

/// A folder torrent of a video, its subtitle and a text file, seeded on loopback.
fn seeded_folder() -> (tempfile::TempDir, String, Seeder) {
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("Show");
    std::fs::create_dir(&folder).expect("folder");
    std::fs::write(folder.join("e01.mp4"), fake_mp4(3 * 1024 * 1024, 5)).expect("video");
    std::fs::write(
        folder.join("e01.srt"),
        b"1\n00:00:01,000 --> 00:00:02,000\nHi\n",
    )
    .expect("srt");
    std::fs::write(folder.join("notes.txt"), b"notes").expect("txt");
    let torrent = make_torrent(&folder, 64 * 1024, &[]);
    let seeder = Seeder::start(&torrent, &folder, None);
    (dir, torrent.info_hash, seeder)
}

#[test]
fn a_file_choice_that_matches_nothing_lists_the_files() {
    let (_dir, hash, seeder) = seeded_folder();
    let cache = tempfile::tempdir().expect("tempdir");
    for (choice, wanted) in [
        ("nope", r#"no file named "nope""#),
        ("9", "no file number 9"),
    ] {
        let output = peerstream(cache.path())
            .args(["fetch", &hash, "--file", choice])
            .args(loopback_flags(&[seeder.addr], &[]))
            .output()
            .expect("run fetch");
        assert_exit(
            &output,
            2,
            &[wanted, "it has 3 files", "e01.srt", "--file NUMBER"],
        );
        let stderr = text(&output.stderr);
        assert!(
            !stderr.contains("Name(") && !stderr.contains("Index("),
            "{stderr}"
        );
    }
}

#[test]
fn the_dht_listens_on_the_torrent_port() {
    if !have_tool("ss") {
        assert!(
            std::env::var("CI").is_err(),
            "CI=true: ss (iproute2) is missing"
        );
        eprintln!("SKIP: ss is not installed");
        return;
    }
    let cache = tempfile::tempdir().expect("tempdir");
    let port = {
        let probe = std::net::UdpSocket::bind("127.0.0.1:0").expect("free port");
        probe.local_addr().expect("addr").port()
    };
    let port_text = port.to_string();
    // Bootstraps to a closed loopback port only: nothing leaves this machine.
    let server = Server::start(
        cache.path(),
        &[
            "--dht",
            "--dht-bootstrap",
            "127.0.0.1:1",
            "--no-trackers",
            "--no-lsd",
            "--port",
            &port_text,
        ],
    );
    let pid = format!("pid={},", server.pid());
    let udp = wait_until(Duration::from_secs(20), "the DHT socket", || {
        let output = std::process::Command::new("ss")
            .args(["-Hulnp"])
            .output()
            .map_err(|e| e.to_string())?;
        let ports: Vec<u16> = text(&output.stdout)
            .lines()
            .filter(|l| l.contains(&pid))
            .filter_map(|l| {
                l.split_whitespace()
                    .nth(3)?
                    .rsplit(':')
                    .next()?
                    .parse()
                    .ok()
            })
            .collect();
        if ports.is_empty() {
            Err(format!("no UDP socket of {pid} yet"))
        } else {
            Ok(ports)
        }
    });
    assert!(
        udp.contains(&port),
        "UDP ports {udp:?}, torrent port {port}"
    );
    let tcp = crate::support::process::tcp_listen_ports(server.pid());
    assert!(
        tcp.contains(&port),
        "TCP ports {tcp:?}, torrent port {port}"
    );
}
