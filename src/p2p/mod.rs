//! The swarm: the only module that talks to librqbit.
//!
//! One [`Engine`] (a librqbit session) per process. Torrents download into
//! `<cache>/<info-hash>/`, with the .torrent metadata kept beside them as `.peerstream.torrent`
//! and a `.peerstream-partial` marker listing the files that are not complete yet, so the cache
//! never serves a partial file and a restart resumes from what is already verified.

pub mod cluster;
pub mod coordinator;
mod error;
mod metadata;
mod options;
mod prefetch;
mod room;
mod seeding;
mod select;
mod stats;
mod storage;
mod stream;
mod torrent;
pub mod verify;

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use librqbit::storage::StorageFactoryExt;
use librqbit::{
    AddTorrent, AddTorrentOptions, AddTorrentResponse, DhtSessionConfig, ListenerMode,
    ListenerOptions, Session, SessionOptions,
};
use serde::Serialize;
use tokio::sync::OnceCell;

use crate::cache::validate::write_partial_marker;
pub use crate::metadata::{TORRENT_FILE_NAME, TorrentFile, files_of};
use crate::nat::Lease;
use crate::target::{InfoHash, Target};
pub use coordinator::{CoordinatorOptions, CoordinatorState};
pub use error::P2pError;
use metadata::torrent_file_hash;
pub use options::{
    DEFAULT_DISK_RESERVE, DEFAULT_LISTEN_PORT, DEFAULT_METADATA_TIMEOUT, DEFAULT_STALL_TIMEOUT,
    DEFAULT_TRACKERS, LIBRQBIT_WINDOW, LISTEN_PORT_ATTEMPTS, P2pOptions,
};
pub use prefetch::{playing_past, threshold as prefetch_threshold};
pub use seeding::{SeedPolicy, SeedingStatus};
pub use select::{FileChoice, choose_file, next_in_playlist, no_such_file, playlist};
pub use storage::DiskFault;
use storage::{DiskWatch, GuardedStorageFactory};
pub use torrent::SwarmTorrent;

/// The process's one librqbit session and the torrents opened through it.
pub struct Engine {
    session: Arc<Session>,
    coordination: CoordinatorState,
    /// The router mapping of the listen port, renewed in the background.
    lease: tokio::sync::Mutex<Option<Lease>>,
    options: P2pOptions,
    cache_root: PathBuf,
    torrents: Mutex<HashMap<InfoHash, Arc<OnceCell<Arc<SwarmTorrent>>>>>,
    /// The in-use locks of the torrents this engine runs: never evicted or removed meanwhile.
    holds: Mutex<HashMap<InfoHash, crate::cache::InUse>>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("listen", &self.session.listen_addr())
            .field("cache_root", &self.cache_root)
            .finish()
    }
}

/// What `GET /api/torrents` and `fetch --json` report about a torrent.
#[derive(Debug, Clone, Serialize)]
pub struct TorrentStatus {
    pub info_hash: InfoHash,
    pub name: String,
    pub state: &'static str,
    pub progress: f64,
    pub downloaded_bytes: u64,
    pub total_bytes: u64,
    pub download_bytes_per_second: u64,
    pub upload_bytes_per_second: u64,
    pub peers: u32,
    pub error: Option<String>,
    /// Bytes uploaded to peers since the torrent was opened (across pauses).
    pub uploaded_bytes: u64,
    /// `uploaded_bytes` per byte of the torrent's selected files.
    pub ratio: f64,
    pub seeding: SeedingStatus,
    /// Downloading with no player attached (`POST /api/torrents` with `download`).
    pub background: bool,
}

impl Engine {
    /// Starts the session, trying a few ports from the configured one upward.
    pub async fn start(
        mut options: P2pOptions,
        cache_root: &Path,
    ) -> Result<Arc<Engine>, P2pError> {
        tokio::fs::create_dir_all(cache_root)
            .await
            .map_err(|source| P2pError::Io {
                path: cache_root.to_path_buf(),
                source,
            })?;
        // Cluster peers join every torrent's initial peers (see cluster.rs).
        options
            .peers
            .extend(cluster::resolve_peers(&options.cluster_peers).await);
        options.peers.sort_unstable();
        options.peers.dedup();
        let coordinator_options = options.coordinator.clone();
        let (coordination, lease) =
            coordinator::prepare(&coordinator_options, &mut options, cache_root).await;
        // With a router mapping in place, only the mapped port will do.
        let attempts = if options.listen_port == 0 || lease.is_some() {
            1
        } else {
            LISTEN_PORT_ATTEMPTS
        };
        let mut last_error = None;
        for offset in 0..attempts {
            let port = options.listen_port.saturating_add(offset);
            match Session::new_with_opts(cache_root.to_path_buf(), session_options(&options, port))
                .await
            {
                Ok(session) => {
                    tracing::info!(listen = ?session.listen_addr(), "torrent engine started");
                    let mut coordination = coordination;
                    coordination.listen_port = session.listen_addr().map_or(port, |a| a.port());
                    // Cluster nodes are each other's source for cached films: a seeding stop
                    // would leave a node without the peer the load balancer counts on.
                    let policy = if options.cluster_mode() {
                        SeedPolicy::default()
                    } else {
                        options.seeding
                    };
                    let engine = Arc::new(Engine {
                        session,
                        coordination,
                        lease: tokio::sync::Mutex::new(lease),
                        options,
                        cache_root: cache_root.to_path_buf(),
                        torrents: Mutex::new(HashMap::new()),
                        holds: Mutex::new(HashMap::new()),
                    });
                    tokio::spawn(seeding::enforce(Arc::downgrade(&engine), policy));
                    return Ok(engine);
                }
                Err(e) => {
                    tracing::debug!("torrent engine on port {port}: {e:#}");
                    last_error = Some(e);
                }
            }
        }
        Err(P2pError::Engine(last_error.unwrap_or_else(|| {
            anyhow::anyhow!("could not start the torrent engine")
        })))
    }

    pub fn listen_addr(&self) -> Option<SocketAddr> {
        self.session.listen_addr()
    }

    /// Nodes in the DHT routing tables; `None` with the DHT off.
    pub fn dht_nodes(&self) -> Option<usize> {
        self.session.get_dht().map(|dht| {
            let stats = dht.stats();
            stats.routing_table_size + stats.routing_table_size_v6
        })
    }

    pub fn options(&self) -> &P2pOptions {
        &self.options
    }

    /// The folder a torrent downloads into.
    pub fn torrent_folder(&self, info_hash: &InfoHash) -> PathBuf {
        crate::cache::torrent_folder(&self.cache_root, info_hash)
    }

    /// Opens (or returns the already open) torrent for `target`. Concurrent callers for the
    /// same info-hash share one torrent. `all` downloads every file instead of the chosen one.
    pub async fn open(
        self: &Arc<Self>,
        target: &Target,
        choice: &FileChoice,
        all: bool,
    ) -> Result<Arc<SwarmTorrent>, P2pError> {
        let info_hash = match target.info_hash() {
            Some(h) => h,
            None => torrent_file_hash(target).await?,
        };
        let cell = {
            let mut torrents = self.torrents.lock().unwrap_or_else(|e| e.into_inner());
            torrents.entry(info_hash).or_default().clone()
        };
        let torrent = cell
            .get_or_try_init(|| self.add(target, info_hash, choice, all))
            .await?
            .clone();
        torrent.resume_after_disk_fault().await?;
        if all || *choice != FileChoice::Default {
            torrent.want(self, all, choice).await?;
        }
        Ok(torrent)
    }

    /// The torrents this process has opened.
    pub fn statuses(&self) -> Vec<TorrentStatus> {
        self.torrents().iter().map(|t| t.status()).collect()
    }

    /// The torrents open now (not those still being added).
    pub fn torrents(&self) -> Vec<Arc<SwarmTorrent>> {
        let cells: Vec<_> = {
            let torrents = self.torrents.lock().unwrap_or_else(|e| e.into_inner());
            torrents.values().cloned().collect()
        };
        cells.iter().filter_map(|c| c.get().cloned()).collect()
    }

    /// The open torrent for `info_hash`, if there is one.
    pub fn torrent(&self, info_hash: &InfoHash) -> Option<Arc<SwarmTorrent>> {
        let torrents = self.torrents.lock().unwrap_or_else(|e| e.into_inner());
        torrents.get(info_hash).and_then(|c| c.get().cloned())
    }

    /// Stops a torrent and forgets it: librqbit lets it go, its files stay in the cache
    /// (complete ones recorded as verified, the rest marked partial). Streams reading it end.
    /// Its last status, or `None` when it was not open.
    pub async fn forget(&self, info_hash: &InfoHash) -> Option<TorrentStatus> {
        let torrent = self.torrent(info_hash)?;
        {
            let mut torrents = self.torrents.lock().unwrap_or_else(|e| e.into_inner());
            torrents.remove(info_hash);
        }
        // The folder is no longer in use by this engine: eviction and `cache rm` may take it.
        self.holds
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(info_hash);
        let status = torrent.status();
        if let Err(e) = torrent.update_partial_marker().await {
            tracing::warn!(%info_hash, "recording the files of a stopped torrent: {e}");
        }
        let id = torrent.handle.id();
        if let Err(e) = self.session.delete(id.into(), false).await {
            tracing::warn!(%info_hash, "stopping the torrent: {e:#}");
        }
        tracing::info!(%info_hash, "torrent stopped and forgotten; its files stay in the cache");
        Some(status)
    }

    /// The session's rate limits in bytes per second (0: none).
    pub fn rate_limits(&self) -> RateLimits {
        let get = |v: Option<std::num::NonZeroU32>| v.map_or(0, |v| u64::from(v.get()));
        RateLimits {
            download: get(self.session.ratelimits.get_download_bps()),
            upload: get(self.session.ratelimits.get_upload_bps()),
        }
    }

    /// Changes the session's rate limits at once, for every torrent (0: none).
    pub fn set_rate_limits(&self, limits: RateLimits) {
        self.session
            .ratelimits
            .set_download_bps(limit_bps(limits.download));
        self.session
            .ratelimits
            .set_upload_bps(limit_bps(limits.upload));
        tracing::info!(
            download = limits.download,
            upload = limits.upload,
            "rate limits changed (bytes per second, 0: none)"
        );
    }

    /// What the coordinator found (NAT type, mapping, ports).
    pub fn coordination(&self) -> &CoordinatorState {
        &self.coordination
    }

    /// Stops every torrent and removes the port mapping; what is on disk stays resumable.
    pub async fn stop(&self) {
        if let Some(lease) = self.lease.lock().await.take() {
            for e in lease.release().await {
                tracing::warn!("removing the port mapping: {e}");
            }
        }
        self.session.stop().await;
    }

    async fn add(
        self: &Arc<Self>,
        target: &Target,
        info_hash: InfoHash,
        choice: &FileChoice,
        all: bool,
    ) -> Result<Arc<SwarmTorrent>, P2pError> {
        let folder = self.torrent_folder(&info_hash);
        let root = self.cache_root.clone();
        let mut initial_peers = self.options.peers.clone();
        if let Target::Magnet(m) = target {
            initial_peers.extend(m.peers.iter().filter_map(|p| p.parse::<SocketAddr>().ok()));
        }
        let torrent_bytes: bytes::Bytes = match blocking(move || {
            crate::cache::integrity::read_metadata(&folder_of(info_hash, &root))
        })
        .await?
        {
            // Metadata from an earlier run: no need to ask the swarm again. Unusable metadata
            // (empty, cut short, not a regular file) counts as absent.
            Some(bytes) => bytes.into(),
            None => {
                let (bytes, seen) = self
                    .fetch_metadata(target, info_hash, &initial_peers)
                    .await?;
                initial_peers.extend(seen);
                bytes
            }
        };
        let files = files_of(&torrent_bytes)?;
        let default_file =
            choose_file(&files, &FileChoice::Default).ok_or_else(|| P2pError::InvalidMetadata {
                reason: "the torrent has no file".to_owned(),
            })?;
        let mut selected = selection(&files, choice, all, default_file)?;
        selected.sort_unstable();
        self.make_room(info_hash, &files, &selected).await?;

        {
            let folder = folder.clone();
            let bytes = torrent_bytes.clone();
            let files = files.clone();
            blocking(move || prepare_folder(&folder, &bytes, &files)).await??;
        }
        self.hold_folder(info_hash).await;

        initial_peers.sort_unstable();
        initial_peers.dedup();
        let disk = Arc::new(DiskWatch::default());
        let options = AddTorrentOptions {
            only_files: Some(selected.clone()),
            output_folder: Some(folder.to_string_lossy().into_owned()),
            overwrite: true,
            initial_peers: Some(initial_peers),
            // Paused until the free-space check below has seen what the files already hold.
            paused: true,
            storage_factory: Some(GuardedStorageFactory::new(info_hash, disk.clone()).boxed()),
            ..Default::default()
        };
        let response = self
            .session
            .add_torrent(AddTorrent::from_bytes(torrent_bytes), Some(options))
            .await?;
        let handle = response
            .into_handle()
            .ok_or_else(|| anyhow::anyhow!("the torrent engine returned no handle"))?;
        let name = handle.name().unwrap_or_else(|| info_hash.to_hex());
        let torrent = Arc::new(SwarmTorrent {
            info_hash,
            name,
            folder,
            files,
            default_file,
            selected: Mutex::new(selected),
            handle,
            stall_timeout: self.options.stall_timeout,
            init_timeout: self.options.metadata_timeout,
            session: self.session.clone(),
            readahead: self.options.readahead,
            keep_downloading: self.options.keep_downloading,
            disk_reserve: self.options.disk_reserve,
            disk,
            open_streams: std::sync::atomic::AtomicUsize::new(0),
            prefetch_at: self.options.prefetch_at,
            prefetched: Mutex::new(HashSet::new()),
            background: std::sync::atomic::AtomicBool::new(false),
            seeding: seeding::new_track(),
        });
        if let Err(e) = torrent.start_if_space(&torrent.selected()).await {
            // Leave nothing half-added behind; the next request starts afresh.
            let id = torrent.handle.id();
            if let Err(removed) = self.session.delete(id.into(), false).await {
                tracing::debug!("removing the refused torrent {info_hash}: {removed:#}");
            }
            self.holds
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&info_hash);
            return Err(e);
        }
        // Mark files complete in the cache as soon as they are; runs for the process lifetime.
        let watcher = torrent.clone();
        tokio::spawn(async move { watcher.finish_when_complete().await });
        Ok(torrent)
    }

    /// Resolves the metadata (the .torrent) from a file or from peers, within the timeout.
    async fn fetch_metadata(
        &self,
        target: &Target,
        info_hash: InfoHash,
        initial_peers: &[SocketAddr],
    ) -> Result<(bytes::Bytes, Vec<SocketAddr>), P2pError> {
        let add = match target {
            Target::TorrentFile(path) => {
                let bytes = tokio::fs::read(path).await.map_err(|source| P2pError::Io {
                    path: path.clone(),
                    source,
                })?;
                return Ok((bytes.into(), Vec::new()));
            }
            Target::Magnet(m) => AddTorrent::from_url(m.uri.clone()),
            Target::InfoHash(h) => AddTorrent::from_url(format!("magnet:?xt=urn:btih:{h}")),
        };
        if !self.options.dht && self.options.trackers.is_empty() && initial_peers.is_empty() {
            let magnet_has_trackers = matches!(target, Target::Magnet(m) if !m.trackers.is_empty());
            if !magnet_has_trackers {
                return Err(P2pError::NoPeerSource(info_hash));
            }
        }
        let options = AddTorrentOptions {
            list_only: true,
            initial_peers: Some(initial_peers.to_vec()),
            ..Default::default()
        };
        let timeout = self.options.metadata_timeout;
        let response = tokio::time::timeout(timeout, self.session.add_torrent(add, Some(options)))
            .await
            .map_err(|_| P2pError::MetadataTimeout { info_hash, timeout })?
            .map_err(|e| {
                // A peer sent metadata with the right hash that fails librqbit's checks (a
                // path leaving the folder, no name, no file): the torrent itself is bad.
                if e.chain()
                    .any(|cause| cause.downcast_ref::<librqbit_core::Error>().is_some())
                {
                    return P2pError::InvalidMetadata {
                        reason: format!("{e:#}"),
                    };
                }
                // Every peer source ran dry before one of them sent the metadata.
                P2pError::MetadataUnavailable {
                    info_hash,
                    reason: format!("{e:#}"),
                }
            })?;
        match response {
            AddTorrentResponse::ListOnly(list) => Ok((list.torrent_bytes, list.seen_peers)),
            AddTorrentResponse::AlreadyManaged(_, handle)
            | AddTorrentResponse::Added(_, handle) => {
                let bytes = handle.with_metadata(|m| m.torrent_bytes.clone())?;
                Ok((bytes, Vec::new()))
            }
        }
    }
}

/// Download and upload limits in bytes per second; 0 means none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct RateLimits {
    pub download: u64,
    pub upload: u64,
}

/// librqbit's form of a limit: `None` for none, at most `u32::MAX`.
fn limit_bps(bytes_per_second: u64) -> Option<std::num::NonZeroU32> {
    std::num::NonZeroU32::new(u32::try_from(bytes_per_second).unwrap_or(u32::MAX))
}

fn session_options(options: &P2pOptions, port: u16) -> SessionOptions {
    let dht = options.dht.then(|| DhtSessionConfig {
        bootstrap_addrs: (!options.dht_bootstrap.is_empty()).then(|| options.dht_bootstrap.clone()),
        // The DHT answers on the torrent port, the one the coordinator maps (TCP and UDP) on
        // the router. uTP needs that UDP port itself; with it on, the DHT takes a random one.
        port: (port != 0 && !options.utp).then_some(port),
        persistence: None,
    });
    let trackers: HashSet<url::Url> = options
        .trackers
        .iter()
        .filter_map(|t| match url::Url::parse(t) {
            Ok(u) => Some(u),
            Err(e) => {
                tracing::warn!("ignoring tracker {t:?}: {e}");
                None
            }
        })
        .collect();
    SessionOptions {
        dht,
        listen: Some(ListenerOptions {
            mode: if options.utp {
                ListenerMode::TcpAndUtp
            } else {
                ListenerMode::TcpOnly
            },
            listen_addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), port),
            enable_upnp_port_forwarding: false,
            announce_port: options.announce_port,
            ipv4_only: true,
            ..Default::default()
        }),
        disable_trackers: trackers.is_empty(),
        trackers,
        disable_local_service_discovery: !options.lsd,
        fastresume: false,
        persistence: None,
        // Each open stream holds one blocking permit; players open several at once.
        runtime_worker_threads: Some(64),
        client_name_and_version: Some(format!("peerstream {}", env!("CARGO_PKG_VERSION"))),
        ratelimits: librqbit::limits::LimitsConfig {
            download_bps: limit_bps(options.download_limit),
            upload_bps: limit_bps(options.upload_limit),
        },
        ..Default::default()
    }
}

fn selection(
    files: &[TorrentFile],
    choice: &FileChoice,
    all: bool,
    default_file: usize,
) -> Result<Vec<usize>, P2pError> {
    if all {
        return Ok(files.iter().map(|f| f.index).collect());
    }
    let chosen = match choice {
        FileChoice::Default => default_file,
        other => choose_file(files, other).ok_or_else(|| no_such_file(files, other))?,
    };
    Ok(vec![chosen])
}

fn folder_of(info_hash: InfoHash, cache_root: &Path) -> PathBuf {
    crate::cache::torrent_folder(cache_root, &info_hash)
}

/// Runs blocking file work off the async workers.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, P2pError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| P2pError::Internal(format!("file task failed: {e}")))
}

/// Stores the metadata (atomically, only when it changed) and marks partial every file that
/// the cache's integrity rule does not find verified, before the engine touches anything.
/// Blocking.
fn prepare_folder(
    folder: &Path,
    torrent_bytes: &[u8],
    files: &[TorrentFile],
) -> Result<(), P2pError> {
    let io = |source| P2pError::Store {
        path: folder.join(TORRENT_FILE_NAME),
        source,
    };
    let stored = crate::cache::integrity::read_metadata(folder);
    if stored.as_deref() != Some(torrent_bytes) {
        crate::cache::files::write_atomic(folder, TORRENT_FILE_NAME, torrent_bytes).map_err(io)?;
    }
    let record = crate::cache::integrity::read_record(folder);
    let incomplete: Vec<PathBuf> = files
        .iter()
        .filter(|f| {
            let verified = std::fs::metadata(folder.join(&f.path)).is_ok_and(|meta| {
                crate::cache::integrity::judge(
                    f,
                    record.files.get(&*f.path.to_string_lossy()),
                    &meta,
                ) == crate::cache::Judgement::Verified
            });
            !verified
        })
        .map(|f| f.path.clone())
        .collect();
    write_partial_marker(folder, &incomplete).map_err(|source| P2pError::Store {
        path: folder.join(crate::cache::PARTIAL_MARKER),
        source,
    })
}

#[cfg(test)]
mod proptests;
