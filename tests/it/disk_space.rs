//! Full disks: the free-space check before a download, and a disk that fills up during one.
//! Each test mounts a small tmpfs in a mount namespace of its own (`unshare -m`), so the host
//! never sees the mount; the swarm is a librqbit seeder on 127.0.0.1.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use crate::support::swarm::{Seeder, TestTorrent, loopback_flags, make_torrent, payload};
use crate::support::*;

const MIB: usize = 1024 * 1024;

/// A tmpfs of `size_mib` mounted at `mount` in a mount namespace held open by a sleeping
/// process; commands join it with `nsenter`. Dropping it ends the namespace and the mount.
struct SmallDisk {
    holder: ChildGuard,
    mount: PathBuf,
    _dir: tempfile::TempDir,
}

impl SmallDisk {
    /// `None` (after printing SKIP) when not root; under CI=true the test must run.
    fn new(size_mib: u32) -> Option<SmallDisk> {
        if !is_root() {
            skip("mounting a small tmpfs needs root");
            return None;
        }
        if !have_tool("unshare") || !have_tool("nsenter") {
            return None;
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let mount = dir.path().to_path_buf();
        let mut holder = ChildGuard::spawn(
            Command::new("unshare")
                .args(["-m", "--propagation", "private", "sh", "-c"])
                .arg(format!(
                    "mount -t tmpfs -o size={size_mib}M peerstream-test \"$0\" && echo mounted && exec sleep 3600"
                ))
                .arg(&mount)
                .stdout(Stdio::piped()),
        );
        let mut line = String::new();
        BufReader::new(holder.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read from the namespace holder");
        assert_eq!(line.trim(), "mounted", "the tmpfs was not mounted");
        Some(SmallDisk {
            holder,
            mount,
            _dir: dir,
        })
    }

    /// `program` run inside the namespace, where the tmpfs is mounted.
    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new("nsenter");
        cmd.arg("--target")
            .arg(self.holder.id().to_string())
            .args(["--mount", "--"])
            .arg(program);
        cmd
    }

    /// A shell line inside the namespace; its output.
    fn sh(&self, script: &str) -> Output {
        self.command("sh")
            .args(["-c", script])
            .output()
            .expect("sh in the namespace")
    }

    /// `peerstream` with its cache on the tmpfs, isolated like every test's.
    fn peerstream(&self) -> Command {
        let mut cmd = self.command(BIN);
        isolate(&mut cmd);
        cmd.arg("--cache-dir").arg(self.cache());
        cmd
    }

    fn cache(&self) -> PathBuf {
        self.mount.join("cache")
    }

    /// KiB the cache folder occupies on the tmpfs (allocated blocks, not file lengths).
    fn cache_kib(&self) -> u64 {
        let out = self.sh(&format!("du -sk {} 2>/dev/null", self.cache().display()));
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    }

    /// Waits (at most 30 s) until the cache folder occupies `kib` KiB; whether it did.
    fn wait_for_cache_kib(&self, kib: u64) -> bool {
        poll_until(Duration::from_secs(30), || {
            if self.cache_kib() >= kib {
                Ok(())
            } else {
                Err(())
            }
        })
        .is_ok()
    }

    /// Writes zeros until the tmpfs is full.
    fn fill(&self) {
        let filler = self.mount.join("filler");
        self.sh(&format!(
            "dd if=/dev/zero of={} bs=1M 2>/dev/null; true",
            filler.display()
        ));
        let left = self.sh(&format!("df -k --output=avail {}", self.mount.display()));
        let text = String::from_utf8_lossy(&left.stdout);
        assert!(
            text.lines().nth(1).is_some_and(|l| l.trim() == "0"),
            "the tmpfs is not full: {text}"
        );
    }

    fn free_filler(&self) {
        let out = self.sh(&format!("rm {}", self.mount.join("filler").display()));
        assert!(out.status.success(), "{out:?}");
    }
}

/// A payload file in its own folder, its torrent (also written as a .torrent file), and a
/// seeder for it.
struct Seeded {
    _dir: tempfile::TempDir,
    torrent: TestTorrent,
    seeder: Seeder,
    file: PathBuf,
    torrent_file: PathBuf,
}

fn seeded(size: usize, seed: u32, upload_bps: Option<u32>) -> Seeded {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("movie.mp4");
    std::fs::write(&file, payload(size, seed)).expect("payload");
    let torrent = make_torrent(&file, 256 * 1024, &[]);
    let torrent_file = dir.path().join("movie.torrent");
    torrent.write_to(&torrent_file);
    let seeder = Seeder::start(&torrent, dir.path(), upload_bps);
    Seeded {
        _dir: dir,
        torrent,
        seeder,
        file,
        torrent_file,
    }
}

fn peer_flags(peer: SocketAddr) -> Vec<String> {
    loopback_flags(&[peer], &[])
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Lines where a peer is blamed for what the disk did.
fn peer_blamed(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| {
            let l = l.to_ascii_lowercase();
            l.contains("did not validate") || l.contains("bogus") || l.contains("bad piece")
        })
        .collect()
}

#[test]
fn fetch_refuses_a_torrent_that_does_not_fit_before_downloading() {
    let Some(disk) = SmallDisk::new(32) else {
        return;
    };
    let swarm = seeded(24 * MIB, 11, None);
    // 24 MiB would fit on the 32 MiB disk, but not with 16 MiB kept free.
    let output = disk
        .peerstream()
        .arg("fetch")
        .arg(&swarm.torrent_file)
        .args(peer_flags(swarm.seeder.addr))
        .args(["--disk-reserve-mib", "16"])
        .output()
        .expect("fetch");
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(10), "{stderr}");
    assert!(stderr.contains("not enough disk space"), "{stderr}");
    assert!(stderr.contains("24 MiB still to download"), "{stderr}");
    assert!(stderr.contains("16 MiB must stay free"), "{stderr}");
    assert!(stderr.contains("hint:"), "{stderr}");
    assert!(output.stdout.is_empty(), "{}", text(&output.stdout));
    // Nothing was downloaded: the sparse file holds no data.
    assert!(
        disk.cache_kib() < 256,
        "{} KiB in the cache",
        disk.cache_kib()
    );
}

#[test]
fn a_disk_that_fills_up_mid_download_is_a_disk_error_and_resumes_once_freed() {
    let Some(disk) = SmallDisk::new(32) else {
        return;
    };
    // Slow enough (about 6 s) to fill the disk while it downloads.
    let swarm = seeded(24 * MIB, 12, Some(4 * MIB as u32));
    let fetch = || {
        let mut cmd = disk.peerstream();
        cmd.arg("fetch")
            .arg(&swarm.torrent_file)
            .args(peer_flags(swarm.seeder.addr))
            .args(["--disk-reserve-mib", "0", "--stall-timeout", "20"]);
        cmd
    };
    let first = ChildGuard::spawn(fetch().stdout(Stdio::piped()).stderr(Stdio::piped()));
    assert!(disk.wait_for_cache_kib(2048), "the download did not start");
    disk.fill();
    let first = first.output_within(Duration::from_secs(60));
    let log = text(&first.stderr);
    assert_eq!(first.status.code(), Some(10), "{log}");
    assert!(log.contains("disk full"), "{log}");
    assert!(
        log.contains("--cache-dir"),
        "the hint names --cache-dir: {log}"
    );
    assert!(!log.contains("no data from any peer"), "{log}");
    assert_eq!(peer_blamed(&log), Vec::<&str>::new(), "{log}");

    // Nothing is complete while pieces are missing: `cache verify` calls the file partial.
    let verify = disk
        .peerstream()
        .args(["cache", "verify", &swarm.torrent.info_hash])
        .output()
        .expect("verify");
    assert_eq!(verify.status.code(), Some(5), "{}", text(&verify.stdout));

    // Space freed, the same command finishes from the same seeder with the seeded bytes.
    disk.free_filler();
    let second = ChildGuard::spawn(fetch().stdout(Stdio::piped()).stderr(Stdio::piped()))
        .output_within(Duration::from_secs(90));
    let log = text(&second.stderr);
    assert!(second.status.success(), "{log}");
    assert_eq!(peer_blamed(&log), Vec::<&str>::new(), "{log}");
    let path = text(&second.stdout).trim().to_owned();
    assert!(path.ends_with("movie.mp4"), "{path}");
    let same = disk.sh(&format!("cmp {path} {}", swarm.file.display()));
    assert!(same.status.success(), "{}", text(&same.stdout));
}

#[test]
fn serve_answers_507_when_a_torrent_does_not_fit() {
    let Some(disk) = SmallDisk::new(32) else {
        return;
    };
    let swarm = seeded(24 * MIB, 13, None);
    // The default reserve (256 MiB) is more than the whole disk.
    let mut cmd = disk.peerstream();
    cmd.args(["serve", "--bind", "127.0.0.1:0"])
        .args(peer_flags(swarm.seeder.addr));
    let server = Server::spawn(cmd);
    let response = reqwest::blocking::Client::new()
        .get(server.stream_url(&swarm.torrent.info_hash))
        .timeout(Duration::from_secs(60))
        .send()
        .expect("request");
    assert_eq!(response.status().as_u16(), 507);
    let body: serde_json::Value = response.json().expect("JSON error");
    assert_eq!(body["code"], "insufficient_storage", "{body}");
    let message = body["error"].as_str().unwrap_or_default();
    assert!(message.contains("not enough disk space"), "{body}");
    assert!(message.contains("256 MiB must stay free"), "{body}");
    assert!(
        disk.cache_kib() < 256,
        "{} KiB in the cache",
        disk.cache_kib()
    );
}

#[test]
fn serve_reports_a_full_disk_and_streams_again_once_space_is_freed() {
    let Some(disk) = SmallDisk::new(32) else {
        return;
    };
    let swarm = seeded(24 * MIB, 14, Some(4 * MIB as u32));
    let mut cmd = disk.peerstream();
    cmd.args(["serve", "--bind", "127.0.0.1:0"])
        .args(peer_flags(swarm.seeder.addr))
        .args(["--disk-reserve-mib", "0", "--stall-timeout", "5"]);
    let server = Server::spawn(cmd);
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(90))
        .build()
        .expect("client");
    let url = server.stream_url(&swarm.torrent.info_hash);

    // A player starts streaming; the disk fills up under it.
    let player = {
        let client = client.clone();
        let url = url.clone();
        std::thread::spawn(move || client.get(&url).send().and_then(|r| r.bytes()).ok())
    };
    let _ = disk.wait_for_cache_kib(2048);
    disk.fill();
    let torrent = poll_until(Duration::from_secs(30), || {
        let list: serde_json::Value = client
            .get(server.url("/api/torrents"))
            .send()
            .and_then(|r| r.json())
            .expect("/api/torrents");
        let torrent = list["torrents"][0].clone();
        if torrent["state"] == "disk_full" {
            Ok(torrent)
        } else {
            Err(torrent)
        }
    })
    .unwrap_or_else(|last| last);
    assert_eq!(torrent["state"], "disk_full", "{torrent}");
    let error = torrent["error"].as_str().unwrap_or_default();
    assert!(error.contains("No space left on device"), "{torrent}");
    let cut_short = player.join().expect("player thread");
    assert!(
        cut_short.is_none_or(|body| body.len() < 24 * MIB),
        "the first stream cannot have had every byte"
    );

    // While the disk is still full, a request is refused with 507.
    let refused = client.get(&url).send().expect("request");
    assert_eq!(refused.status().as_u16(), 507);
    let body: serde_json::Value = refused.json().expect("JSON error");
    assert_eq!(body["code"], "insufficient_storage", "{body}");

    // Space freed: the next request resumes the torrent and gets every byte.
    disk.free_filler();
    let response = client.get(&url).send().expect("request");
    assert_eq!(response.status().as_u16(), 200);
    let bytes = response.bytes().expect("body");
    assert!(
        bytes.as_ref() == std::fs::read(&swarm.file).expect("seeded file").as_slice(),
        "the streamed bytes differ from the seeded file ({} bytes)",
        bytes.len()
    );
}

#[test]
fn serve_checks_the_space_of_the_requested_file_not_the_default_one() {
    let Some(disk) = SmallDisk::new(32) else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("Show");
    std::fs::create_dir(&folder).expect("folder");
    std::fs::write(folder.join("e01.mp4"), payload(48 * MIB, 21)).expect("video");
    let srt = b"1\n00:00:01,000 --> 00:00:02,000\nSmall\n";
    std::fs::write(folder.join("e01.srt"), srt).expect("srt");
    let torrent = make_torrent(&folder, 256 * 1024, &[]);
    let seeder = Seeder::start(&torrent, &folder, None);
    let mut cmd = disk.peerstream();
    cmd.args(["serve", "--bind", "127.0.0.1:0", "--disk-reserve-mib", "1"])
        .args(peer_flags(seeder.addr));
    let server = Server::spawn(cmd);
    let get = |path: String| {
        reqwest::blocking::Client::new()
            .get(server.url(&path))
            .timeout(Duration::from_secs(60))
            .send()
            .expect("request")
    };
    // The 48 MiB video does not fit on the 32 MiB disk; its 40-byte subtitle does.
    let subtitle = get(format!("/stream/proxy/{}/1", torrent.info_hash));
    assert_eq!(subtitle.status().as_u16(), 200);
    assert_eq!(subtitle.bytes().expect("srt").as_ref(), srt);
    let video = get(format!("/stream/proxy/{}/0", torrent.info_hash));
    assert_eq!(video.status().as_u16(), 507);
    let body: serde_json::Value = video.json().expect("JSON error");
    assert_eq!(body["code"], "insufficient_storage", "{body}");
}
