//! A local swarm on loopback: payload files, .torrent creation and librqbit seeders started by
//! the test (DHT, trackers, LSD and UPnP off; listening on 127.0.0.1 only).

#![allow(dead_code)]

use std::net::{Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use librqbit::limits::LimitsConfig;
use librqbit::spawn_utils::BlockingSpawner;
use librqbit::{
    AddTorrent, AddTorrentOptions, CreateTorrentOptions, ListenerMode, ListenerOptions, Session,
    SessionOptions,
};

/// Deterministic bytes; an MP4-looking head so the cache accepts the result as video.
pub fn payload(size: usize, seed: u32) -> Vec<u8> {
    super::fake_mp4(size, seed)
}

/// A torrent made from files on disk.
pub struct TestTorrent {
    pub bytes: Vec<u8>,
    pub info_hash: String,
    /// The folder the torrent's content lives in (single file: its parent).
    pub content_dir: PathBuf,
}

impl TestTorrent {
    pub fn magnet(&self, peers: &[SocketAddr]) -> String {
        let mut uri = format!("magnet:?xt=urn:btih:{}&dn=test", self.info_hash);
        for p in peers {
            uri.push_str(&format!("&x.pe={p}"));
        }
        uri
    }

    pub fn write_to(&self, path: &Path) {
        std::fs::write(path, &self.bytes).expect("write .torrent");
    }
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// Creates a torrent of `path` (a file or a folder), with `piece_length` bytes per piece.
pub fn make_torrent(path: &Path, piece_length: u32, trackers: &[&str]) -> TestTorrent {
    let rt = runtime();
    rt.block_on(async {
        let spawner = BlockingSpawner::new(2);
        let created = librqbit::create_torrent(
            path,
            CreateTorrentOptions {
                name: None,
                trackers: trackers.iter().map(|t| (*t).to_owned()).collect(),
                piece_length: Some(piece_length),
            },
            &spawner,
        )
        .await
        .expect("create torrent");
        TestTorrent {
            bytes: created.as_bytes().expect("torrent bytes").to_vec(),
            info_hash: created.info_hash().as_string(),
            content_dir: if path.is_dir() {
                path.to_path_buf()
            } else {
                path.parent().expect("parent").to_path_buf()
            },
        }
    })
}

/// A librqbit seeder on 127.0.0.1, in its own runtime; stops on drop.
pub struct Seeder {
    pub addr: SocketAddr,
    session: Arc<Session>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Seeder {
    /// Seeds `torrent` from `content_dir`, optionally limited to `upload_bps`.
    pub fn start(torrent: &TestTorrent, content_dir: &Path, upload_bps: Option<u32>) -> Seeder {
        let rt = runtime();
        let (session, addr) = rt.block_on(async {
            let options = SessionOptions {
                dht: None,
                disable_trackers: true,
                disable_local_service_discovery: true,
                listen: Some(ListenerOptions {
                    mode: ListenerMode::TcpOnly,
                    listen_addr: (Ipv4Addr::LOCALHOST, 0).into(),
                    enable_upnp_port_forwarding: false,
                    ipv4_only: true,
                    ..Default::default()
                }),
                ratelimits: LimitsConfig {
                    upload_bps: upload_bps.and_then(NonZeroU32::new),
                    download_bps: None,
                },
                ..Default::default()
            };
            let session = Session::new_with_opts(content_dir.to_path_buf(), options)
                .await
                .expect("seeder session");
            let handle = session
                .add_torrent(
                    AddTorrent::from_bytes(torrent.bytes.clone()),
                    Some(AddTorrentOptions {
                        overwrite: true,
                        output_folder: Some(content_dir.to_string_lossy().into_owned()),
                        ..Default::default()
                    }),
                )
                .await
                .expect("seed torrent")
                .into_handle()
                .expect("handle");
            handle
                .wait_until_completed()
                .await
                .expect("seeder has every piece");
            let addr = session.listen_addr().expect("seeder listens");
            let addr = SocketAddr::new(Ipv4Addr::LOCALHOST.into(), addr.port());
            (session, addr)
        });
        Seeder {
            addr,
            session,
            runtime: Some(rt),
        }
    }
}

impl Drop for Seeder {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            let session = self.session.clone();
            rt.block_on(async move { session.stop().await });
            rt.shutdown_background();
        }
    }
}

/// Flags that keep peerstream on loopback: no DHT, no trackers but the given ones, the given
/// peers, any free listen port.
pub fn loopback_flags(peers: &[SocketAddr], trackers: &[&str]) -> Vec<String> {
    let mut flags = vec!["--no-dht".to_owned(), "--port".to_owned(), "0".to_owned()];
    for p in peers {
        flags.push("--peer".to_owned());
        flags.push(p.to_string());
    }
    if trackers.is_empty() {
        flags.push("--no-trackers".to_owned());
    }
    for t in trackers {
        flags.push("--tracker".to_owned());
        flags.push((*t).to_owned());
    }
    flags
}

/// A file of `size` deterministic bytes (`seed`) seeded as a one-file torrent (256 KiB
/// pieces) by a librqbit seeder, at most `upload_bps` if given: its folder, torrent, seeder and
/// bytes.
pub fn seeded(
    name: &str,
    size: usize,
    seed: u32,
    upload_bps: Option<u32>,
) -> (tempfile::TempDir, TestTorrent, Seeder, Vec<u8>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let bytes = payload(size, seed);
    let file = dir.path().join(name);
    std::fs::write(&file, &bytes).expect("payload");
    let torrent = make_torrent(&file, 256 * 1024, &[]);
    let seeder = Seeder::start(&torrent, dir.path(), upload_bps);
    (dir, torrent, seeder, bytes)
}

/// A librqbit leecher on 127.0.0.1 that downloads `torrent` from the given peers only, in its
/// own runtime: how long the whole download took, or `None` when it did not finish in `limit`.
pub fn leech(
    torrent: &TestTorrent,
    peers: &[SocketAddr],
    limit: std::time::Duration,
) -> Option<std::time::Duration> {
    let dir = tempfile::tempdir().expect("tempdir");
    let rt = runtime();
    let took = rt.block_on(async {
        let options = SessionOptions {
            dht: None,
            disable_trackers: true,
            disable_local_service_discovery: true,
            listen: None,
            ..Default::default()
        };
        let session = Session::new_with_opts(dir.path().to_path_buf(), options)
            .await
            .expect("leecher session");
        let started = std::time::Instant::now();
        let handle = session
            .add_torrent(
                AddTorrent::from_bytes(torrent.bytes.clone()),
                Some(AddTorrentOptions {
                    overwrite: true,
                    initial_peers: Some(peers.to_vec()),
                    output_folder: Some(dir.path().to_string_lossy().into_owned()),
                    ..Default::default()
                }),
            )
            .await
            .expect("leech torrent")
            .into_handle()
            .expect("handle");
        let done = tokio::time::timeout(limit, handle.wait_until_completed()).await;
        let took = matches!(done, Ok(Ok(()))).then(|| started.elapsed());
        session.stop().await;
        took
    });
    rt.shutdown_background();
    took
}

/// Streams the one-file `torrent` (its file `name`, content `bytes`) from half its length, with
/// `query` appended to the URL; checks the first 64 KiB, then keeps the connection open without
/// reading until `server` has downloaded `downloaded` bytes. Whether `region` of the file on
/// disk in `cache` already holds its bytes: what the stream's window made come early.
#[allow(clippy::too_many_arguments)]
pub fn fetched_early_while_held(
    server: &super::Server,
    cache: &Path,
    torrent: &TestTorrent,
    name: &str,
    bytes: &[u8],
    query: &str,
    downloaded: usize,
    region: std::ops::Range<usize>,
) -> bool {
    let half = bytes.len() / 2;
    let client = reqwest::blocking::Client::new();
    let mut response = client
        .get(format!("{}{query}", server.stream_url(&torrent.info_hash)))
        .header("range", format!("bytes={half}-"))
        .send()
        .expect("stream");
    let mut first = vec![0u8; 65536];
    std::io::Read::read_exact(&mut response, &mut first).expect("first bytes");
    assert_eq!(first, &bytes[half..half + 65536]);
    super::wait_until(
        std::time::Duration::from_secs(60),
        &format!("{downloaded} bytes downloaded"),
        || {
            let all: serde_json::Value = client
                .get(server.url("/api/torrents"))
                .send()
                .and_then(|r| r.json())
                .expect("torrents");
            let done = all["torrents"]
                .as_array()
                .and_then(|list| list.iter().find(|t| t["info_hash"] == torrent.info_hash))
                .and_then(|t| t["downloaded_bytes"].as_u64())
                .unwrap_or(0);
            if done >= downloaded as u64 {
                Ok(())
            } else {
                Err(format!("stuck at {done} bytes"))
            }
        },
    );
    let on_disk = std::fs::read(cache.join(&torrent.info_hash).join(name)).expect("partial file");
    let present = on_disk.get(region.clone()) == Some(&bytes[region]);
    drop(response);
    present
}
