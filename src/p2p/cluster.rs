//! Cluster mode: several `serve` nodes behind one load balancer fetch films from each other over
//! BitTorrent, with no coordinator of their own.
//!
//! - Every node's torrent port is listed as a cluster peer on the others (`--cluster-peer`);
//!   those addresses join the initial peers of every torrent the node adds, so a node missing a
//!   film asks its neighbours first, for the metadata (BEP 9) and for the pieces.
//! - A node can only answer for torrents in its session, so in cluster mode `serve` adds every
//!   cached torrent that has stored metadata as a seeder of the files it has verified (librqbit
//!   checks them against the piece hashes, then seeds). A download that completes stays in the
//!   session, so it is seeded too.
//! - LSD (`--lsd`) finds nodes on the same LAN without a list; it turns cluster mode on as well.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use super::{Engine, FileChoice, P2pError, P2pOptions};
use crate::cache::{Judgement, TorrentFacts};
use crate::target::{InfoHash, Target};

impl P2pOptions {
    /// Whether this node seeds its cache to other nodes.
    pub fn cluster_mode(&self) -> bool {
        !self.cluster_peers.is_empty() || self.lsd
    }
}

/// The cluster peers' addresses: names are looked up now (IPv4, as the engine listens on IPv4
/// only); one that does not resolve is skipped with a warning, since the others still help.
pub async fn resolve_peers(peers: &[String]) -> Vec<SocketAddr> {
    let mut found = BTreeSet::new();
    for peer in peers {
        match tokio::net::lookup_host(peer.as_str()).await {
            Ok(addrs) => {
                let before = found.len();
                found.extend(addrs.filter(SocketAddr::is_ipv4));
                if found.len() == before {
                    tracing::warn!("cluster peer {peer}: no IPv4 address");
                }
            }
            Err(e) => tracing::warn!("cluster peer {peer}: {e}"),
        }
    }
    found.into_iter().collect()
}

/// A cached torrent that can be seeded: its hash and the indices of its verified files.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seedable {
    info_hash: InfoHash,
    files: Vec<usize>,
}

impl Engine {
    /// Adds every cached torrent with stored metadata and at least one verified file to the
    /// session, selecting exactly those files, so that cluster peers can fetch them. Torrents
    /// are added one after the other (each costs librqbit a read of its files to check them).
    /// Returns how many are seeded.
    pub async fn seed_cache(self: &Arc<Self>) -> usize {
        let root = self.cache_root.clone();
        let found = match tokio::task::spawn_blocking(move || seedable(&root)).await {
            Ok(found) => found,
            Err(e) => {
                tracing::warn!("listing the cache to seed it: {e}");
                return 0;
            }
        };
        let mut seeded = 0;
        for torrent in found {
            match self.seed(&torrent).await {
                Ok(()) => seeded += 1,
                Err(e) => tracing::warn!(info_hash = %torrent.info_hash, "not seeded: {e}"),
            }
        }
        tracing::info!("cluster: seeding {seeded} cached torrent(s)");
        seeded
    }

    async fn seed(self: &Arc<Self>, torrent: &Seedable) -> Result<(), P2pError> {
        let Some((&first, rest)) = torrent.files.split_first() else {
            return Ok(());
        };
        let target = Target::InfoHash(torrent.info_hash);
        let opened = self.open(&target, &FileChoice::Index(first), false).await?;
        opened.want_indices(self, rest).await
    }
}

/// Blocking. The torrent folders of the cache with usable metadata and verified files.
fn seedable(root: &Path) -> Vec<Seedable> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut found: Vec<Seedable> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| {
            let info_hash: InfoHash = e.file_name().to_str()?.parse().ok()?;
            let facts = TorrentFacts::load(&e.path())?;
            let files: Vec<usize> = facts
                .files
                .iter()
                .filter(|f| {
                    let path = facts.folder.join(&f.path);
                    std::fs::symlink_metadata(&path).is_ok_and(|meta| {
                        meta.is_file() && facts.judge(&path, &meta) == Some(Judgement::Verified)
                    })
                })
                .map(|f| f.index)
                .collect();
            (!files.is_empty()).then_some(Seedable { info_hash, files })
        })
        .collect();
    found.sort_by_key(|s| s.info_hash.to_hex());
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn peers_resolve_names_and_skip_what_does_not() {
        let peers = resolve_peers(&[
            "127.0.0.1:6881".to_owned(),
            "localhost:6882".to_owned(),
            "not an address".to_owned(),
            "127.0.0.1:6881".to_owned(),
        ])
        .await;
        assert!(peers.contains(&"127.0.0.1:6881".parse().unwrap()));
        assert!(
            peers.contains(&"127.0.0.1:6882".parse().unwrap()),
            "{peers:?}"
        );
        assert_eq!(
            peers.len(),
            2,
            "duplicates and the bad entry are dropped: {peers:?}"
        );
    }

    #[test]
    fn only_folders_with_metadata_and_verified_files_are_seedable() {
        let root = tempfile::tempdir().unwrap();
        // A folder without metadata, and a folder whose name is not a hash.
        std::fs::create_dir(root.path().join("5a4b3c2d1e0f5a4b3c2d1e0f5a4b3c2d1e0f5a4b")).unwrap();
        std::fs::create_dir(root.path().join("Some Movie")).unwrap();
        assert_eq!(seedable(root.path()), Vec::new());
    }
}
