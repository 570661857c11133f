//! Session-wide numbers for `/metrics`: what librqbit counts across every torrent.

use super::Engine;

/// A snapshot of the engine's traffic and peers.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SwarmStats {
    /// Torrents in the session (streams, downloads and, in cluster mode, seeded cache entries).
    pub torrents: usize,
    /// Peers with a live connection, over every torrent.
    pub peers_live: u32,
    /// Peers being connected to.
    pub peers_connecting: u32,
    /// Payload bytes received and verified since the engine started.
    pub downloaded_bytes: u64,
    /// Payload bytes sent to peers since the engine started.
    pub uploaded_bytes: u64,
    /// librqbit's estimate over the last seconds.
    pub download_bytes_per_second: u64,
    pub upload_bytes_per_second: u64,
}

impl Engine {
    pub fn swarm_stats(&self) -> SwarmStats {
        let snapshot = self.session.stats_snapshot();
        let torrents = self.session.with_torrents(|torrents| torrents.count());
        SwarmStats {
            torrents,
            peers_live: snapshot.peers.live,
            peers_connecting: snapshot.peers.connecting,
            downloaded_bytes: snapshot.counters.fetched_bytes,
            uploaded_bytes: snapshot.counters.uploaded_bytes,
            download_bytes_per_second: snapshot.download_speed.as_bytes(),
            upload_bytes_per_second: snapshot.upload_speed.as_bytes(),
        }
    }
}
