//! The P2P coordinator: before the first torrent starts, learn the NAT (cached with a TTL in
//! the cache folder), pick a free listen port, map it on the router, and tell librqbit which
//! port to announce. Everything is bounded by one time budget and can be turned off.

use std::net::{Ipv4Addr, SocketAddr, TcpListener, UdpSocket};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::{LISTEN_PORT_ATTEMPTS, P2pOptions};
use crate::nat::{self, DetectOptions, Lease, MapOptions, MappingRecord, Protocol};

/// Where the last NAT report is kept.
pub const NAT_CACHE_FILE: &str = ".peerstream-nat.json";

#[derive(Debug, Clone)]
pub struct CoordinatorOptions {
    pub enabled: bool,
    /// The most the coordinator may delay the first torrent.
    pub budget: Duration,
    pub stun_servers: Vec<String>,
    /// How long a NAT report stays good.
    pub cache_ttl: Duration,
    /// Try UPnP-IGD / PCP / NAT-PMP for the listen port.
    pub map_port: bool,
}

/// What the coordinator found and did; shown in `GET /api/status` and `fetch -v`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CoordinatorState {
    pub enabled: bool,
    /// Classic NAT type label, when known ("No STUN server reachable" is not "UDP Blocked").
    pub nat_type: Option<String>,
    /// How the STUN contact ended (`ok`, `udp_blocked`, `no_server_reachable`).
    pub nat_status: Option<nat::Status>,
    pub public_address: Option<SocketAddr>,
    /// The NAT report came from the cache folder rather than a fresh detection.
    pub nat_from_cache: bool,
    pub listen_port: u16,
    /// Port announced to trackers (the mapped external port), when it differs from none.
    pub announce_port: Option<u16>,
    pub mappings: Vec<MappingRecord>,
    pub notes: Vec<String>,
    pub duration_ms: u64,
}

#[derive(Serialize, Deserialize)]
struct CachedReport {
    detected_at: u64,
    /// The default gateway at detection time: another network means another NAT.
    gateway: Option<Ipv4Addr>,
    report: nat::Report,
}

/// Runs the coordinator, adjusting `p2p` (listen port, announce port). The lease, if any,
/// keeps the mapping alive until released.
pub async fn prepare(
    options: &CoordinatorOptions,
    p2p: &mut P2pOptions,
    cache_root: &Path,
) -> (CoordinatorState, Option<Lease>) {
    let started = std::time::Instant::now();
    let mut state = CoordinatorState {
        enabled: options.enabled,
        ..Default::default()
    };
    if let Some(port) = free_port_from(p2p.listen_port) {
        p2p.listen_port = port;
    }
    state.listen_port = p2p.listen_port;
    if !options.enabled {
        return (state, None);
    }
    let deadline = tokio::time::Instant::now() + options.budget;

    let cached = {
        let (root, ttl) = (cache_root.to_path_buf(), options.cache_ttl);
        tokio::task::spawn_blocking(move || read_cached(&root, ttl))
            .await
            .ok()
            .flatten()
    };
    let report = match cached {
        Some(report) => {
            state.nat_from_cache = true;
            Some(report)
        }
        None => {
            let detect_options = DetectOptions {
                servers: options.stun_servers.clone(),
                timeout: options.budget.min(nat::DEFAULT_TIMEOUT),
                hairpin: false,
                port_mapping: false,
                port: p2p.listen_port,
                turn: None,
            };
            match tokio::time::timeout_at(deadline, nat::detect(&detect_options)).await {
                Ok(Ok(report)) => {
                    let (root, saved) = (cache_root.to_path_buf(), report.clone());
                    // Best effort: losing the saved report only costs a detection next time.
                    let _ = tokio::task::spawn_blocking(move || write_cached(&root, &saved)).await;
                    Some(report)
                }
                Ok(Err(e)) => {
                    state.notes.push(format!("NAT detection failed: {e}"));
                    None
                }
                Err(_) => {
                    state
                        .notes
                        .push("NAT detection did not finish within the budget".to_owned());
                    None
                }
            }
        }
    };
    if let Some(report) = &report {
        state.nat_type = Some(report.classic_label.clone());
        state.nat_status = Some(report.status);
    }
    // Behind a NAT (or when we could not tell), ask the router to forward the port.
    let behind_nat = report.as_ref().and_then(|r| r.nat).unwrap_or(true);
    let mut lease = None;
    if options.map_port && behind_nat && p2p.listen_port != 0 {
        let map_options = MapOptions {
            port: p2p.listen_port,
            protocols: vec![Protocol::Tcp, Protocol::Udp],
            timeout: options.budget.min(Duration::from_secs(2)),
            ..Default::default()
        };
        match tokio::time::timeout_at(deadline, Lease::start(&map_options)).await {
            Ok(Ok(granted)) => {
                state.mappings = granted.records().to_vec();
                let external = granted
                    .records()
                    .iter()
                    .find(|r| r.protocol == Protocol::Tcp)
                    .map(|r| r.external_port);
                if external.is_some_and(|p| p != p2p.listen_port) {
                    p2p.announce_port = external;
                }
                state.announce_port = external;
                lease = Some(granted);
            }
            Ok(Err(e)) => state.notes.push(format!("port mapping: {e}")),
            Err(_) => state
                .notes
                .push("port mapping did not finish within the budget".to_owned()),
        }
    }
    // STUN probes ran from their own ports: keep the public IP, with the port peers should use.
    state.public_address = report
        .as_ref()
        .and_then(|r| r.public_address)
        .map(|a| SocketAddr::new(a.ip(), state.announce_port.unwrap_or(p2p.listen_port)));
    state.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    tracing::info!(
        nat = state.nat_type.as_deref().unwrap_or("unknown"),
        nat_status = ?state.nat_status,
        public = ?state.public_address,
        listen_port = state.listen_port,
        mapped = !state.mappings.is_empty(),
        "P2P coordinator ready in {} ms",
        state.duration_ms
    );
    (state, lease)
}

/// The first port from `first` on where TCP and UDP both bind (0 stays 0).
fn free_port_from(first: u16) -> Option<u16> {
    if first == 0 {
        return Some(0);
    }
    (0..LISTEN_PORT_ATTEMPTS)
        .filter_map(|offset| first.checked_add(offset))
        .find(|&port| {
            TcpListener::bind((Ipv4Addr::UNSPECIFIED, port)).is_ok()
                && UdpSocket::bind((Ipv4Addr::UNSPECIFIED, port)).is_ok()
        })
}

fn cache_path(cache_root: &Path) -> PathBuf {
    cache_root.join(NAT_CACHE_FILE)
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Blocking.
fn read_cached(cache_root: &Path, ttl: Duration) -> Option<nat::Report> {
    let text = crate::cache::files::read_small_text(
        &cache_path(cache_root),
        crate::cache::files::MAX_SMALL_FILE_BYTES,
    )
    .ok()?;
    let cached: CachedReport = serde_json::from_str(&text).ok()?;
    let fresh = now_secs().saturating_sub(cached.detected_at) < ttl.as_secs();
    let same_network = cached.gateway == nat::mapping::default_gateway();
    (fresh && same_network).then_some(cached.report)
}

/// Blocking; atomic, so a full disk leaves the previous report or none.
fn write_cached(cache_root: &Path, report: &nat::Report) {
    let cached = CachedReport {
        detected_at: now_secs(),
        gateway: nat::mapping::default_gateway(),
        report: report.clone(),
    };
    match serde_json::to_string(&cached) {
        Ok(text) => {
            if let Err(e) =
                crate::cache::files::write_atomic(cache_root, NAT_CACHE_FILE, text.as_bytes())
            {
                tracing::debug!("saving the NAT report: {e}");
            }
        }
        Err(e) => tracing::debug!("encoding the NAT report: {e}"),
    }
}
