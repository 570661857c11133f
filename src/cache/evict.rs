//! Size limits and eviction: what the cache holds per torrent, which torrents go first (least
//! recently used, never pinned or in use), and removing them.
//!
//! Only torrent folders (`<cache>/<hex>/`, what peerstream downloaded) are evicted. Loose files
//! whose names carry a hash count towards the total but are removed only by `cache rm`:
//! peerstream never deletes on its own what someone else put there.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use serde::Serialize;

use super::lifecycle::{self, Exclusive};
use super::{Cache, serialize_time};
use crate::target::InfoHash;

/// Torrents evicted by this process: for `/metrics`.
static EVICTIONS: AtomicU64 = AtomicU64::new(0);

/// The cache's total size at its last measurement (`usage`): for `/metrics`, which must not
/// walk the cache at every scrape.
static LAST_TOTAL_BYTES: AtomicU64 = AtomicU64::new(0);

/// How many torrents this process has evicted since it started.
pub fn evictions() -> u64 {
    EVICTIONS.load(Ordering::Relaxed)
}

/// The cache's size in bytes when `Cache::usage` last measured it in this process.
pub fn last_measured_bytes() -> u64 {
    LAST_TOTAL_BYTES.load(Ordering::Relaxed)
}

/// The limits a cache is kept within; 0 switches a limit off.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Limits {
    /// Most bytes the cache folder may hold.
    pub max_size: u64,
    /// Bytes to keep free on the cache folder's disk.
    pub min_free: u64,
}

impl Limits {
    pub fn is_set(&self) -> bool {
        self.max_size > 0 || self.min_free > 0
    }
}

/// One torrent's share of the cache.
#[derive(Debug, Clone, Serialize)]
pub struct TorrentUsage {
    pub info_hash: InfoHash,
    /// Bytes on disk (sparse files count what they hold), its metadata and markers included.
    pub bytes: u64,
    pub pinned: bool,
    /// A stream or a running torrent holds it (in this or another process).
    pub in_use: bool,
    /// A torrent folder peerstream downloaded into; `false` for loose files naming the hash,
    /// which are never evicted.
    pub managed: bool,
    /// The last request for it (recorded by peerstream), or when its folder last changed.
    #[serde(serialize_with = "serialize_time")]
    pub last_access: Option<SystemTime>,
}

/// The whole cache against its limits.
#[derive(Debug, Clone, Serialize)]
pub struct Usage {
    pub torrents: Vec<TorrentUsage>,
    pub total_bytes: u64,
    /// Free bytes on the cache folder's disk, when the filesystem says.
    pub available_bytes: Option<u64>,
    pub limits: Limits,
}

/// What would be (or was) evicted.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub evict: Vec<TorrentUsage>,
    pub freed_bytes: u64,
    /// Whether the limits hold (for a download of `needed` bytes) once these are gone.
    pub satisfied: bool,
}

/// A torrent that does not fit in the cache even after every evictable torrent is gone.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "no room in the cache for {needed_text} more{for_hash}: {reason}; unpin or remove \
     entries (`peerstream cache ls`), or raise cache.max_size / lower cache.min_free",
    needed_text = human(*.needed),
    for_hash = .info_hash.map(|h| format!(" ({h})")).unwrap_or_default(),
)]
pub struct CacheFull {
    pub info_hash: Option<InfoHash>,
    pub needed: u64,
    pub reason: String,
}

fn human(bytes: u64) -> String {
    humansize::format_size(bytes, humansize::BINARY)
}

/// Whether the limits hold for `needed` more bytes once `freed` bytes are gone.
fn satisfied(usage: &Usage, needed: u64, freed: u64) -> bool {
    let Limits { max_size, min_free } = usage.limits;
    let size_ok = max_size == 0 || usage.total_bytes.saturating_sub(freed) + needed <= max_size;
    let free_ok = min_free == 0
        || usage
            .available_bytes
            .is_none_or(|free| free.saturating_add(freed) >= needed.saturating_add(min_free));
    size_ok && free_ok
}

/// The eviction order: least recently used first (no record = oldest), never pinned, in use
/// (unless `releasable`: idle torrents of this process's own engine) or loose entries, never
/// `except`.
pub fn plan(usage: &Usage, needed: u64, except: Option<InfoHash>, releasable: &[InfoHash]) -> Plan {
    let mut candidates: Vec<&TorrentUsage> = usage
        .torrents
        .iter()
        .filter(|t| t.managed && !t.pinned && Some(t.info_hash) != except)
        .filter(|t| !t.in_use || releasable.contains(&t.info_hash))
        .collect();
    candidates.sort_by_key(|t| (t.last_access, t.info_hash));
    let mut evict = Vec::new();
    let mut freed = 0u64;
    for candidate in candidates {
        if satisfied(usage, needed, freed) {
            break;
        }
        freed += candidate.bytes;
        evict.push(candidate.clone());
    }
    Plan {
        satisfied: satisfied(usage, needed, freed),
        evict,
        freed_bytes: freed,
    }
}

impl Usage {
    /// Why `needed` more bytes do not fit even after `plan` (for [`CacheFull`]).
    pub fn refusal(&self, plan: &Plan, needed: u64, info_hash: Option<InfoHash>) -> CacheFull {
        let kept = self.total_bytes.saturating_sub(plan.freed_bytes);
        let mut reasons = Vec::new();
        if self.limits.max_size > 0 && kept + needed > self.limits.max_size {
            reasons.push(format!(
                "{} stay cached (pinned, in use or not peerstream's) and the limit is {}",
                human(kept),
                human(self.limits.max_size)
            ));
        }
        if let Some(free) = self.available_bytes
            && self.limits.min_free > 0
            && free + plan.freed_bytes < needed + self.limits.min_free
        {
            reasons.push(format!(
                "{} would be free and {} must stay free",
                human((free + plan.freed_bytes).saturating_sub(needed)),
                human(self.limits.min_free)
            ));
        }
        CacheFull {
            info_hash,
            needed,
            reason: reasons.join("; "),
        }
    }
}

impl Cache {
    /// Blocking. Every torrent in the cache with its size, pin, use and last access: one pass
    /// over the cache folder (a gc or a listing may cost a walk; a request's lookup does not).
    pub fn usage(&self) -> Usage {
        let mut torrents = Vec::new();
        let root = self.canonical_root().map(Path::to_path_buf);
        if let Some(root) = &root
            && let Ok(dir) = std::fs::read_dir(root)
        {
            for entry in dir.filter_map(Result::ok) {
                let Some(hash) = entry
                    .file_name()
                    .to_str()
                    .filter(|n| is_folder_name(n))
                    .and_then(|n| n.parse::<InfoHash>().ok())
                else {
                    continue;
                };
                if !entry.file_type().is_ok_and(|t| t.is_dir()) {
                    continue;
                }
                let folder = entry.path();
                torrents.push(TorrentUsage {
                    info_hash: hash,
                    bytes: folder_bytes(&folder),
                    pinned: lifecycle::is_pinned(&folder),
                    in_use: lifecycle::in_use(&folder),
                    managed: true,
                    last_access: lifecycle::last_access(&folder),
                });
            }
            for (hash, paths) in self.loose_files() {
                let bytes = paths.iter().map(|p| allocated(p)).sum();
                let last = paths
                    .iter()
                    .filter_map(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
                    .max();
                torrents.push(TorrentUsage {
                    info_hash: hash,
                    bytes,
                    pinned: false,
                    in_use: false,
                    managed: false,
                    last_access: last,
                });
            }
        }
        torrents.sort_by_key(|t| (t.info_hash, !t.managed));
        let total_bytes = torrents.iter().map(|t| t.bytes).sum();
        LAST_TOTAL_BYTES.store(total_bytes, Ordering::Relaxed);
        Usage {
            total_bytes,
            available_bytes: root.as_ref().and_then(|r| fs4::available_space(r).ok()),
            limits: self.limits(),
            torrents,
        }
    }

    /// Blocking. The torrents to evict so that `needed` more bytes fit, or why they cannot.
    /// Nothing is looked at when no limit is set.
    pub fn plan_room(
        &self,
        needed: u64,
        except: Option<InfoHash>,
        releasable: &[InfoHash],
    ) -> Result<Plan, CacheFull> {
        let empty = Plan {
            evict: Vec::new(),
            freed_bytes: 0,
            satisfied: true,
        };
        if !self.limits().is_set() {
            return Ok(empty);
        }
        let usage = self.usage();
        let plan = plan(&usage, needed, except, releasable);
        if plan.satisfied {
            Ok(plan)
        } else {
            Err(usage.refusal(&plan, needed, except))
        }
    }

    /// Blocking. Removes the planned torrents that nobody uses by now; returns those removed.
    pub fn evict(&self, plan: &Plan, why: &str) -> Vec<TorrentUsage> {
        let mut evicted = Vec::new();
        for victim in &plan.evict {
            let folder = self.torrent_folder(&victim.info_hash);
            match lifecycle::try_exclusive(&folder) {
                Ok(Some(lock)) => match remove_folder(self, &folder, lock) {
                    Ok(()) => {
                        EVICTIONS.fetch_add(1, Ordering::Relaxed);
                        tracing::info!(
                            info_hash = %victim.info_hash,
                            bytes = victim.bytes,
                            last_access = ?victim.last_access.map(httpdate::fmt_http_date),
                            "evicted from the cache ({why})"
                        );
                        evicted.push(victim.clone());
                    }
                    Err(e) => tracing::warn!("evicting {}: {e}", folder.display()),
                },
                Ok(None) => tracing::info!(
                    info_hash = %victim.info_hash,
                    "not evicted: it came into use"
                ),
                Err(e) => tracing::warn!("evicting {}: {e}", folder.display()),
            }
        }
        evicted
    }
}

/// A torrent folder's name: the lower-case 40-hex info-hash, as [`super::torrent_folder`]
/// writes it.
pub(super) fn is_folder_name(name: &str) -> bool {
    name.len() == 40
        && name
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Moves the folder out of sight in one rename (a lookup never sees half of it), then deletes
/// it. The exclusive lock is held until the folder is gone.
pub(super) fn remove_folder(cache: &Cache, folder: &Path, lock: Exclusive) -> std::io::Result<()> {
    let name = folder
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let nonce = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let parent = cache.canonical_root().unwrap_or(cache.root());
    let trash: PathBuf = parent.join(format!(
        ".peerstream-trash-{name}-{}-{nonce}",
        std::process::id()
    ));
    std::fs::rename(folder, &trash)?;
    let removed = std::fs::remove_dir_all(&trash);
    drop(lock);
    removed
}

/// Bytes the filesystem holds for everything below `folder`.
fn folder_bytes(folder: &Path) -> u64 {
    walkdir::WalkDir::new(folder)
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| allocated(e.path()))
        .sum()
}

/// Bytes a file takes: its length, or less while it is sparse.
fn allocated(path: &Path) -> u64 {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return 0;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        meta.blocks().saturating_mul(512).min(meta.len())
    }
    #[cfg(not(unix))]
    {
        meta.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    fn torrent(n: u8, bytes: u64, accessed: u64) -> TorrentUsage {
        TorrentUsage {
            info_hash: InfoHash::from_bytes([n; 20]),
            bytes,
            pinned: false,
            in_use: false,
            managed: true,
            last_access: Some(UNIX_EPOCH + Duration::from_secs(accessed)),
        }
    }

    fn usage(torrents: Vec<TorrentUsage>, max_size: u64) -> Usage {
        Usage {
            total_bytes: torrents.iter().map(|t| t.bytes).sum(),
            torrents,
            available_bytes: Some(1 << 40),
            limits: Limits {
                max_size,
                min_free: 0,
            },
        }
    }

    fn evicted(plan: &Plan) -> Vec<u8> {
        plan.evict
            .iter()
            .map(|t| t.info_hash.as_bytes()[0])
            .collect()
    }

    #[test]
    fn least_recently_used_goes_first_and_only_as_much_as_needed() {
        let cache = usage(
            vec![
                torrent(1, 100, 30),
                torrent(2, 100, 10),
                torrent(3, 100, 20),
            ],
            300,
        );
        assert_eq!(evicted(&plan(&cache, 0, None, &[])), Vec::<u8>::new());
        let p = plan(&cache, 50, None, &[]);
        assert_eq!(
            (evicted(&p), p.freed_bytes, p.satisfied),
            (vec![2], 100, true)
        );
        let p = plan(&cache, 150, None, &[]);
        assert_eq!(evicted(&p), vec![2, 3]);
        // The torrent being added is never its own victim.
        let p = plan(&cache, 150, Some(InfoHash::from_bytes([2; 20])), &[]);
        assert_eq!(evicted(&p), vec![3, 1]);
    }

    #[test]
    fn pinned_in_use_and_loose_entries_stay_and_a_misfit_is_reported() {
        let mut pinned = torrent(1, 100, 1);
        pinned.pinned = true;
        let mut streaming = torrent(2, 100, 2);
        streaming.in_use = true;
        let mut loose = torrent(3, 100, 3);
        loose.managed = false;
        let cache = usage(vec![pinned, streaming, loose, torrent(4, 100, 4)], 400);
        let p = plan(&cache, 100, None, &[]);
        assert_eq!((evicted(&p), p.satisfied), (vec![4], true));
        let p = plan(&cache, 200, None, &[]);
        assert_eq!((evicted(&p), p.satisfied), (vec![4], false));
        let refusal = cache.refusal(&p, 200, None);
        assert!(refusal.reason.contains("300 B stay cached"), "{refusal}");
        // An idle torrent of this process's own engine may go.
        let p = plan(&cache, 200, None, &[InfoHash::from_bytes([2; 20])]);
        assert_eq!((evicted(&p), p.satisfied), (vec![2, 4], true));
    }

    #[test]
    fn free_space_counts_too() {
        let mut cache = usage(vec![torrent(1, 100, 1), torrent(2, 100, 2)], 0);
        cache.available_bytes = Some(50);
        cache.limits.min_free = 100;
        let p = plan(&cache, 20, None, &[]);
        assert_eq!((evicted(&p), p.satisfied), (vec![1], true));
        let p = plan(&cache, 200, None, &[]);
        assert!(!p.satisfied);
        assert!(
            cache
                .refusal(&p, 200, None)
                .reason
                .contains("must stay free")
        );
    }
}
