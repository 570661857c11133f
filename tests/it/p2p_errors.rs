//! What each P2P failure is called, and the exit code or HTTP status it gets: BitTorrent v2,
//! invalid or hostile metadata, a `--file` that matches nothing; and the DHT on the torrent
//! port. Everything stays on loopback.

use std::net::SocketAddr;
use std::process::Output;
use std::time::Duration;

use crate::support::swarm::{Seeder, TestTorrent, loopback_flags, make_torrent};
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
        for command in ["fetch", "play"] {
            let output = peerstream(cache.path())
                .args([command, &target])
                .output()
                .expect("run peerstream");
            assert_exit(
                &output,
                2,
                &["BitTorrent v2", "not supported", "v1 info-hash"],
            );
        }
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
        // play names the failure the same way, instead of "no peers".
        let played = peerstream(&dir.path().join("cache"))
            .arg("play")
            .arg(&path)
            .args(["--player", "true"])
            .args(loopback_flags(&[], &[]))
            .output()
            .expect("run play");
        assert_exit(&played, 11, &[needle]);
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

/// A python3 that has libtorrent (Debian's, even when another python3 comes first on PATH);
/// `None` after a SKIP line when there is none.
fn libtorrent_python() -> Option<&'static str> {
    let python = ["/usr/bin/python3", "python3"].into_iter().find(|p| {
        std::process::Command::new(p)
            .args(["-c", "import libtorrent"])
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if python.is_none() {
        skip("python3-libtorrent is not installed");
    }
    python
}

/// Makes a hybrid (v1+v2) torrent of `folder` with libtorrent, which aligns every file to a
/// piece with BEP 47 pad files. `None` (after a SKIP line) when python3-libtorrent is missing.
fn hybrid_torrent(folder: &std::path::Path) -> Option<TestTorrent> {
    let python = libtorrent_python()?;
    let out = folder.with_extension("torrent");
    let script = r#"
import sys, libtorrent as lt
folder, out = sys.argv[1], sys.argv[2]
fs = lt.file_storage()
lt.add_files(fs, folder)
t = lt.create_torrent(fs, 65536)
lt.set_piece_hashes(t, sys.argv[3])
open(out, "wb").write(lt.bencode(t.generate()))
ti = lt.torrent_info(out)
assert ti.info_hashes().has_v1() and ti.info_hashes().has_v2()
assert any(ti.files().file_flags(i) & 1 for i in range(ti.files().num_files())), "no pad file"
print(ti.info_hashes().v1)
"#;
    let output = std::process::Command::new(python)
        .arg("-c")
        .arg(script)
        .arg(folder)
        .arg(&out)
        .arg(folder.parent().expect("parent"))
        .output()
        .expect("run python3");
    assert!(output.status.success(), "{}", text(&output.stderr));
    Some(TestTorrent {
        bytes: std::fs::read(&out).expect("torrent"),
        info_hash: text(&output.stdout).trim().to_owned(),
        content_dir: folder.to_path_buf(),
    })
}

#[test]
fn pad_files_of_a_hybrid_torrent_are_not_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("Show");
    std::fs::create_dir(&folder).expect("folder");
    // Videos over the cache's 1 MiB minimum, of lengths that are not whole pieces.
    let e01 = fake_mp4(1_300_000, 1);
    let e02 = fake_mp4(1_200_000, 2);
    let srt = b"1\n00:00:01,000 --> 00:00:02,000\nHi\n";
    std::fs::write(folder.join("e01.mp4"), &e01).expect("e01");
    std::fs::write(folder.join("e01.srt"), srt).expect("srt");
    std::fs::write(folder.join("e02.mp4"), &e02).expect("e02");
    let Some(torrent) = hybrid_torrent(&folder) else {
        return;
    };
    let hash = torrent.info_hash.clone();
    let seeder = Seeder::start(&torrent, &folder, None);
    let flags = loopback_flags(&[seeder.addr], &[]);
    let cache = tempfile::tempdir().expect("tempdir");
    let server = Server::start(cache.path(), &flags);
    let get = |path: &str| {
        reqwest::blocking::Client::new()
            .get(server.url(path))
            .timeout(Duration::from_secs(60))
            .send()
            .expect("request")
    };

    // libtorrent lays the files out as 0 e01.mp4, 1 pad, 2 e01.srt, 3 pad, 4 e02.mp4, 5 pad.
    let m3u = get(&format!("/stream/proxy/{hash}.m3u"))
        .text()
        .expect("m3u");
    let urls: Vec<&str> = m3u.lines().filter(|l| l.starts_with("http://")).collect();
    assert_eq!(urls.len(), 2, "{m3u}");
    assert!(!m3u.contains(".pad"), "{m3u}");
    assert!(urls[0].ends_with(&format!("/{hash}/0")), "{m3u}");
    assert!(urls[1].ends_with(&format!("/{hash}/4")), "{m3u}");
    for pad in [1, 3, 5] {
        let response = get(&format!("/stream/proxy/{hash}/{pad}"));
        assert_eq!(response.status().as_u16(), 404, "pad {pad}");
        let body: serde_json::Value = response.json().expect("JSON error");
        assert_eq!(body["code"], "no_such_file", "{body}");
    }
    let subtitle = get(&format!("/stream/proxy/{hash}/2"));
    assert_eq!(subtitle.status().as_u16(), 200);
    assert_eq!(subtitle.bytes().expect("srt").as_ref(), srt);
    let video = get(&format!("/stream/proxy/{hash}/4"));
    assert_eq!(video.bytes().expect("e02").as_ref(), e02.as_slice());
    drop(server);

    // fetch --all downloads and names the three real files; a pad is no file to choose.
    let cache = tempfile::tempdir().expect("tempdir");
    let output = peerstream(cache.path())
        .args(["fetch", &hash, "--all", "--json"])
        .args(&flags)
        .output()
        .expect("run fetch");
    assert_exit(&output, 0, &[]);
    let stdout = text(&output.stdout);
    assert!(!stdout.contains(".pad"), "{stdout}");
    assert!(
        stdout.contains(r#""total_bytes":2500035"#),
        "the three files: {stdout}"
    );
    let folder = cache.path().join(&hash);
    assert_eq!(std::fs::read(folder.join("e01.srt")).expect("srt"), srt);
    assert_eq!(std::fs::read(folder.join("e02.mp4")).expect("e02"), e02);
    assert!(!folder.join(".pad").exists(), "a pad file was written");
    // The piece check counts pad bytes (zeros) where the torrent has them.
    let verified = peerstream(cache.path())
        .args(["cache", "verify", &hash, "--json"])
        .output()
        .expect("run cache verify");
    let report: serde_json::Value = serde_json::from_slice(&verified.stdout).expect("JSON");
    let entries = report["entries"].as_array().expect("entries");
    let videos: Vec<&serde_json::Value> = entries
        .iter()
        .filter(|e| e["file"].as_str().is_some_and(|f| f.ends_with(".mp4")))
        .collect();
    assert_eq!(videos.len(), 2, "{report}");
    for video in videos {
        let check = &video["piece_check"];
        assert_eq!(video["state"], "complete", "{video}");
        assert_eq!(check["corrupt"], serde_json::json!([]), "{video}");
        assert_eq!(check["checked"], check["pieces"], "{video}");
    }
    let output = peerstream(cache.path())
        .args(["fetch", &hash, "--file", "1"])
        .args(&flags)
        .output()
        .expect("run fetch");
    assert_exit(&output, 2, &["no file number 1", "it has 3 files"]);
}

/// libtorrent (a third-party client) sharing `torrent` on 127.0.0.1: it sends the metadata as
/// written, hostile paths included. The peer's address and the v1 info-hash; `None` after a
/// SKIP line when python3-libtorrent is missing.
fn libtorrent_peer(
    torrent: &std::path::Path,
    save: &std::path::Path,
) -> Option<(ChildGuard, SocketAddr, String)> {
    let python = libtorrent_python()?;
    let script = r#"
import sys, time, libtorrent as lt
ses = lt.session({"listen_interfaces": "127.0.0.1:0", "enable_dht": False, "enable_lsd": False,
                  "enable_upnp": False, "enable_natpmp": False})
ti = lt.torrent_info(lt.bdecode(open(sys.argv[1], "rb").read()))
h = ses.add_torrent({"ti": ti, "save_path": sys.argv[2]})
# Peers are turned away while libtorrent checks the (absent) files.
for _ in range(200):
    if h.status().state == lt.torrent_status.downloading:
        break
    time.sleep(0.05)
print(ses.listen_port(), ti.info_hashes().v1, flush=True)
sys.stdin.read()
"#;
    let mut child = ChildGuard::spawn(
        std::process::Command::new(python)
            .arg("-c")
            .arg(script)
            .arg(torrent)
            .arg(save)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped()),
    );
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().expect("stdout")),
        &mut line,
    )
    .expect("libtorrent's port");
    let (port, hash) = line.trim().split_once(' ').expect("port and hash");
    let addr = SocketAddr::from(([127, 0, 0, 1], port.parse::<u16>().expect("port")));
    Some((child, addr, hash.to_owned()))
}

#[test]
fn hostile_metadata_from_a_peer_is_invalid_metadata_not_no_peers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let piece = [7u8; 20];
    let hostile = torrent_with(Bencode::Dict(vec![
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
    let path = dir.path().join("hostile.torrent");
    std::fs::write(&path, hostile).expect("torrent");
    let save = dir.path().join("save");
    std::fs::create_dir(&save).expect("save");
    let Some((_peer, addr, hash)) = libtorrent_peer(&path, &save) else {
        return;
    };
    let mut flags = loopback_flags(&[addr], &[]);
    flags.extend(["--metadata-timeout".to_owned(), "20".to_owned()]);
    let cache = tempfile::tempdir().expect("tempdir");
    // libtorrent may turn the first connection away while it starts the torrent (exit 6: no
    // peer sent anything); once it answers, the metadata is what it is.
    let output = wait_until(Duration::from_secs(30), "libtorrent's answer", || {
        let output = peerstream(cache.path())
            .args(["fetch", &hash])
            .args(&flags)
            .output()
            .expect("run fetch");
        match output.status.code() {
            Some(6) => Err(text(&output.stderr)),
            _ => Ok(output),
        }
    });
    assert_exit(&output, 11, &["invalid torrent metadata", "path traversal"]);
    assert!(!text(&output.stderr).contains("--metadata-timeout"));

    let server = Server::start(cache.path(), &flags);
    let response = wait_until(Duration::from_secs(30), "libtorrent's answer", || {
        let response = reqwest::blocking::Client::new()
            .get(server.stream_url(&hash))
            .timeout(Duration::from_secs(60))
            .send()
            .expect("request");
        match response.status().as_u16() {
            504 => Err("504 no_peers"),
            _ => Ok(response),
        }
    });
    assert_eq!(response.status().as_u16(), 502);
    let body: serde_json::Value = response.json().expect("JSON error");
    assert_eq!(body["code"], "invalid_metadata", "{body}");
    assert!(!save.join("..").join("evil.mp4").exists() && !dir.path().join("evil.mp4").exists());
}
