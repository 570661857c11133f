//! How the engine joins the swarm, and the defaults the settings table starts from.

use std::net::SocketAddr;
use std::time::Duration;

use super::CoordinatorOptions;

/// How long a torrent's metadata is waited for by default.
pub const DEFAULT_METADATA_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a stream or download may receive nothing by default.
pub const DEFAULT_STALL_TIMEOUT: Duration = Duration::from_secs(30);

pub const DEFAULT_LISTEN_PORT: u16 = crate::nat::DEFAULT_PORT;
/// Ports tried after the configured one when it is taken.
pub const LISTEN_PORT_ATTEMPTS: u16 = 10;

/// Public trackers used when none are configured; several, so one being down does not matter.
pub const DEFAULT_TRACKERS: &[&str] = &[
    "udp://tracker.opentrackr.org:1337/announce",
    "udp://open.demonii.com:1337/announce",
    "udp://tracker.openbittorrent.com:6969/announce",
    "udp://exodus.desync.com:6969/announce",
    "udp://tracker.torrent.eu.org:451/announce",
    "https://tracker.gbitt.info:443/announce",
];

/// How the engine joins the swarm. Every timeout has a default and can be configured.
#[derive(Debug, Clone)]
pub struct P2pOptions {
    /// 0 lets the system choose.
    pub listen_port: u16,
    pub dht: bool,
    /// Empty: librqbit's built-in bootstrap nodes.
    pub dht_bootstrap: Vec<String>,
    pub trackers: Vec<String>,
    /// Local service discovery (multicast on the LAN).
    pub lsd: bool,
    pub peers: Vec<SocketAddr>,
    /// The other nodes of a cluster (HOST:PORT, resolved when the engine starts): peers of
    /// every torrent, and with any, `serve` seeds its cache (see `cluster.rs`).
    pub cluster_peers: Vec<String>,
    pub metadata_timeout: Duration,
    /// A stream that receives no byte for this long is ended (players reconnect).
    pub stall_timeout: Duration,
    /// Port announced to trackers when a NAT mapping gives a different external port.
    pub announce_port: Option<u16>,
    /// NAT detection and port mapping before the session starts.
    pub coordinator: CoordinatorOptions,
    /// Keep downloading into the cache after the last stream of a torrent closes; otherwise
    /// the torrent pauses until the next request.
    pub keep_downloading: bool,
    /// Accept and make uTP (BitTorrent over UDP) connections besides TCP; the router mapping
    /// of the UDP port then serves them.
    pub utp: bool,
    /// Bytes ahead of each stream's position that are fetched first. librqbit prioritises
    /// [`LIBRQBIT_WINDOW`] per stream; larger values add a read-ahead stream.
    pub readahead: u64,
    /// Bytes that must stay free on the cache folder's filesystem after a download; a torrent
    /// that would leave less is refused before it starts.
    pub disk_reserve: u64,
    /// Limits the cache is kept within: a torrent being added evicts least recently used
    /// torrents, or is refused when it cannot fit.
    pub cache_limits: crate::cache::Limits,
    /// Bytes per second from peers, all torrents together; 0 = no limit.
    pub download_limit: u64,
    /// Bytes per second to peers, all torrents together; 0 = no limit.
    pub upload_limit: u64,
    /// When a finished torrent stops seeding.
    pub seeding: super::SeedPolicy,
    /// Percent of a playlist entry past which the next entry's head is fetched; 0 = off.
    pub prefetch_at: u8,
}

/// Free space kept on the cache's filesystem by default: room for the system and the
/// metadata peerstream writes beside each torrent.
pub const DEFAULT_DISK_RESERVE: u64 = 256 * 1024 * 1024;

/// The window librqbit prioritises ahead of every open file stream.
pub const LIBRQBIT_WINDOW: u64 = 32 * 1024 * 1024;
