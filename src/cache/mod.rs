//! The on-disk cache: finding a file for an info-hash, listing what is there, and checking it.
//!
//! A file belongs to an info-hash when its path below the cache folder contains that hash
//! (40-hex or 32-base32, any case), e.g. `temp/<hash>/Movie.mp4` or `temp/Movie-<HASH>.mkv`.

mod display;
pub mod evict;
pub mod files;
pub mod integrity;
pub mod lifecycle;
mod loose;
mod manage;
pub mod validate;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::SystemTime;

use serde::Serialize;

use crate::target::InfoHash;
pub use evict::{CacheFull, Limits, TorrentUsage, evictions, last_measured_bytes};
pub use integrity::{DamageReason, Judgement, TorrentFacts};
pub use lifecycle::InUse;
pub use manage::{ManageError, Removed};
pub use validate::{FileState, InvalidReason, PARTIAL_MARKER};

/// How deep below the cache folder files are looked for; torrents rarely nest deeper.
const MAX_DEPTH: usize = 6;

/// The folder of a torrent downloaded by peerstream: `<cache>/<info-hash>/`, holding its files,
/// its metadata (`crate::metadata::TORRENT_FILE_NAME`) and its markers. The one place that says
/// how the cache is laid out.
pub fn torrent_folder(cache_root: &Path, info_hash: &InfoHash) -> PathBuf {
    cache_root.join(info_hash.to_hex())
}

#[derive(Debug, Clone)]
pub struct Cache {
    root: PathBuf,
    /// `root` resolved, once it exists: entry paths are absolute below it, and resolving it
    /// again on every cached range request costs a syscall per path component.
    canonical_root: OnceLock<PathBuf>,
    limits: Limits,
    /// Throttles the last-access records; shared by clones.
    access: lifecycle::AccessLog,
    /// Files outside torrent folders whose paths name a hash; shared by clones.
    loose: Arc<loose::LooseIndex>,
}

/// One file in the cache that belongs to an info-hash.
#[derive(Debug, Clone, Serialize)]
pub struct CacheEntry {
    pub info_hash: InfoHash,
    /// Absolute path.
    pub path: PathBuf,
    /// Path relative to the cache folder.
    pub file: PathBuf,
    pub size: u64,
    #[serde(flatten)]
    pub state: FileState,
    #[serde(serialize_with = "serialize_time")]
    pub last_access: Option<SystemTime>,
    #[serde(serialize_with = "serialize_time")]
    pub modified: Option<SystemTime>,
    /// Its torrent is pinned (never evicted).
    pub pinned: bool,
    /// Holds the entry in use for as long as a stream of it lives; never serialised, and
    /// dropped from entries kept for later (see [`CacheEntry::unheld`]).
    #[serde(skip)]
    pub hold: Option<Arc<InUse>>,
}

fn serialize_time<S: serde::Serializer>(t: &Option<SystemTime>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&httpdate::fmt_http_date(*t)),
        None => s.serialize_none(),
    }
}

impl CacheEntry {
    /// The same entry without its hold, to remember it without keeping it in use.
    pub fn unheld(&self) -> CacheEntry {
        CacheEntry {
            hold: None,
            ..self.clone()
        }
    }

    pub fn is_complete(&self) -> bool {
        self.state == FileState::Complete
    }

    pub fn file_name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// The whole cache as one JSON document (`cache ls --json`, `GET /api/cache`).
#[derive(Debug, Clone, Serialize)]
pub struct CacheListing {
    /// `None` once [`CacheListing::without_absolute_paths`] took it out.
    pub cache_dir: Option<PathBuf>,
    pub entries: Vec<CacheEntry>,
    pub complete: usize,
    pub partial: usize,
    pub damaged: usize,
    pub invalid: usize,
    pub total_bytes: u64,
    /// Bytes counted against `cache.max_size` (torrent folders with their metadata, and
    /// loose files), and the limits; `None` for a limit that is off.
    pub cache_bytes: u64,
    pub max_size: Option<u64>,
    pub min_free: Option<u64>,
    pub available_bytes: Option<u64>,
    /// Per torrent: pinned, in use, last access.
    pub torrents: Vec<TorrentUsage>,
}

impl CacheListing {
    pub fn of(cache: &Cache) -> Self {
        Self::from_entries(cache, cache.list())
    }

    pub fn from_entries(cache: &Cache, entries: Vec<CacheEntry>) -> Self {
        let count = |label| entries.iter().filter(|e| e.state.label() == label).count();
        let usage = cache.usage();
        let limit = |n: u64| (n > 0).then_some(n);
        CacheListing {
            cache_bytes: usage.total_bytes,
            max_size: limit(usage.limits.max_size),
            min_free: limit(usage.limits.min_free),
            available_bytes: usage.available_bytes,
            torrents: usage.torrents,
            cache_dir: Some(cache.root().to_path_buf()),
            complete: count("complete"),
            partial: count("partial"),
            damaged: count("damaged"),
            invalid: count("invalid"),
            total_bytes: entries.iter().map(|e| e.size).sum(),
            entries,
        }
    }
}

impl Cache {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Cache {
            root: root.into(),
            canonical_root: OnceLock::new(),
            limits: Limits::default(),
            access: Default::default(),
            loose: Default::default(),
        }
    }

    /// The same cache kept within `limits`.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Blocking. Records an access to `hash` (at most one write a minute per torrent).
    pub fn touch(&self, hash: &InfoHash) {
        self.access.touch(*hash, &self.torrent_folder(hash));
    }

    /// Whether an access to `hash` is due to be recorded (see [`Cache::touch`]). Never blocks:
    /// one map look-up.
    pub fn access_due(&self, hash: &InfoHash) -> bool {
        self.access.due(hash)
    }

    /// Blocking (an `open` and a `flock` of the lock file). Marks `hash` in use for as long as
    /// the returned hold lives: what a stream of it does. `None` for a hash without a torrent
    /// folder (loose files are not evicted, so need no hold).
    pub fn hold(&self, hash: &InfoHash) -> Option<InUse> {
        lifecycle::hold(&self.torrent_folder(hash))
    }

    fn canonical_root(&self) -> Option<&Path> {
        if let Some(resolved) = self.canonical_root.get() {
            return Some(resolved);
        }
        let resolved = self.root.canonicalize().ok()?;
        Some(self.canonical_root.get_or_init(|| resolved))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The folder peerstream downloads `info_hash` into (see [`torrent_folder`]), below the
    /// resolved root once it exists: entry paths are absolute below it too, so comparing them
    /// with this folder works also for a relative cache folder such as the default `./temp`.
    /// Blocking the first time (the root is resolved once).
    pub fn torrent_folder(&self, info_hash: &InfoHash) -> PathBuf {
        torrent_folder(self.canonical_root().unwrap_or(&self.root), info_hash)
    }

    /// The best complete file for `hash`: the largest valid video. `Err` carries every
    /// candidate that was found but rejected, so callers can say why nothing was served.
    /// Blocking: a `stat` of the torrent folder and a look at its few files, plus the loose
    /// files from an in-memory index; no walk of the cache folder. On a miss the index is
    /// refreshed (at most every [`loose::MISS_REFRESH`]) and the loose files looked at again.
    pub fn lookup(&self, hash: &InfoHash) -> Result<CacheEntry, Vec<CacheEntry>> {
        let best = |mut candidates: Vec<CacheEntry>| {
            candidates.sort_by_key(|e| (e.is_complete(), e.size));
            match candidates.last() {
                Some(best) if best.is_complete() => Ok(best.clone()),
                _ => Err(candidates),
            }
        };
        match best(self.entries_of(hash, false)) {
            Ok(hit) => Ok(hit),
            Err(rejected) if !self.loose.stale_for_miss() => Err(rejected),
            Err(_) => best(self.entries_of(hash, true)),
        }
    }

    /// Blocking. A subtitle file of a torrent whose video is cached and complete, when the
    /// torrent's stored metadata says the subtitle is complete and verified. Subtitles are too
    /// small to pass as videos, yet offline playback needs them.
    pub fn subtitle(
        &self,
        facts: &TorrentFacts,
        file: &crate::metadata::TorrentFile,
    ) -> Option<CacheEntry> {
        if !validate::is_subtitle_extension(&file.path) {
            return None;
        }
        let hash = facts
            .folder
            .file_name()?
            .to_str()?
            .parse::<InfoHash>()
            .ok()?;
        let root = self.canonical_root()?;
        let relative = PathBuf::from(hash.to_hex()).join(&file.path);
        let path = root.join(&relative);
        let meta = std::fs::symlink_metadata(&path).ok()?;
        let verified = meta.is_file()
            && facts.judge(&facts.folder.join(&file.path), &meta) == Some(Judgement::Verified)
            && !validate::is_marked_partial(&path, root);
        if !verified || self.lookup(&hash).is_err() {
            return None;
        }
        Some(CacheEntry {
            info_hash: hash,
            path,
            file: relative,
            size: meta.len(),
            state: FileState::Complete,
            last_access: lifecycle::last_access(&facts.folder),
            modified: meta.modified().ok(),
            pinned: lifecycle::is_pinned(&facts.folder),
            hold: None,
        })
    }

    /// Whether a complete entry found earlier is still the same complete file: still a regular
    /// file (not a symlink), same size and modification time, and not marked partial since.
    /// A few `stat` calls instead of a walk of the cache folder. With stored metadata, the
    /// verification the entry passed holds as long as size and mtime do. Blocking.
    pub fn still_complete(&self, entry: &CacheEntry) -> bool {
        let Ok(meta) = std::fs::symlink_metadata(&entry.path) else {
            return false;
        };
        let Some(root) = self.canonical_root() else {
            return false;
        };
        entry.is_complete()
            && meta.is_file()
            && meta.len() == entry.size
            && meta.modified().ok() == entry.modified
            && !validate::is_marked_partial(&entry.path, root)
    }

    /// Every file in the cache that belongs to `hash`, valid or not.
    pub fn entries(&self, hash: &InfoHash) -> Vec<CacheEntry> {
        let entries = self.entries_of(hash, false);
        if entries.is_empty() && self.loose.stale_for_miss() {
            return self.entries_of(hash, true);
        }
        entries
    }

    /// The files of `hash`: everything in its torrent folder, and the loose files elsewhere
    /// whose paths name it (from the index; `refresh` rebuilds it first). Blocking.
    fn entries_of(&self, hash: &InfoHash, refresh: bool) -> Vec<CacheEntry> {
        let Some(canonical_root) = self.canonical_root() else {
            return Vec::new();
        };
        let folder = torrent_folder(canonical_root, hash);
        let mut out = Vec::new();
        if folder.is_dir() {
            let facts = TorrentFacts::load(&folder);
            let extra = FolderFacts::of(&folder);
            let walker = walkdir::WalkDir::new(&folder)
                .min_depth(1)
                .max_depth(MAX_DEPTH - 1)
                .follow_links(false)
                .into_iter()
                .filter_entry(|e| !is_internal(e.file_name()));
            for entry in walker.filter_map(Result::ok) {
                if entry.file_type().is_dir() {
                    continue;
                }
                let Ok(relative) = entry.path().strip_prefix(canonical_root) else {
                    continue;
                };
                out.push(self.describe(
                    entry.path(),
                    relative,
                    *hash,
                    canonical_root,
                    facts.as_ref(),
                    &extra,
                ));
            }
        }
        let hex = hash.to_hex();
        let b32 = data_encoding::BASE32
            .encode(hash.as_bytes())
            .to_ascii_lowercase();
        for path in self.loose.matching(canonical_root, refresh, |lower| {
            lower.contains(hex.as_str()) || lower.contains(b32.as_str())
        }) {
            let Ok(relative) = path.strip_prefix(canonical_root) else {
                continue;
            };
            let extra = FolderFacts::loose(&path);
            out.push(self.describe(&path, relative, *hash, canonical_root, None, &extra));
        }
        out
    }

    /// Blocking. The loose files (outside torrent folders) by the hash their paths name.
    fn loose_files(&self) -> HashMap<InfoHash, Vec<PathBuf>> {
        let mut by_hash: HashMap<InfoHash, Vec<PathBuf>> = HashMap::new();
        let Some(root) = self.canonical_root() else {
            return by_hash;
        };
        for path in self.loose.matching(root, true, |_| true) {
            let Ok(relative) = path.strip_prefix(root) else {
                continue;
            };
            if let Some(hash) = find_hash_in(&relative.to_string_lossy().to_ascii_lowercase()) {
                by_hash.entry(hash).or_default().push(path);
            }
        }
        by_hash
    }

    /// Every file in the cache whose path names an info-hash.
    pub fn list(&self) -> Vec<CacheEntry> {
        let mut entries = self.walk_all();
        entries.sort_by(|a, b| (a.info_hash, &a.file).cmp(&(b.info_hash, &b.file)));
        entries
    }

    /// Walks the whole cache once (listings only; a lookup never does). Blocking.
    fn walk_all(&self) -> Vec<CacheEntry> {
        let Some(canonical_root) = self.canonical_root() else {
            return Vec::new();
        };
        let walker = walkdir::WalkDir::new(canonical_root)
            .min_depth(1)
            .max_depth(MAX_DEPTH)
            .follow_links(false)
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_internal(e.file_name()));
        let mut out = Vec::new();
        // Metadata and record are read once per torrent folder, not once per file.
        let mut facts: HashMap<InfoHash, (Option<TorrentFacts>, FolderFacts)> = HashMap::new();
        for entry in walker.filter_map(Result::ok) {
            if entry.file_type().is_dir() {
                continue;
            }
            let Ok(relative) = entry.path().strip_prefix(canonical_root) else {
                continue;
            };
            let relative_lower = relative.to_string_lossy().to_ascii_lowercase();
            let Some(info_hash) = find_hash_in(&relative_lower) else {
                continue;
            };
            let (facts, extra) = facts.entry(info_hash).or_insert_with(|| {
                let folder = torrent_folder(canonical_root, &info_hash);
                (TorrentFacts::load(&folder), FolderFacts::of(&folder))
            });
            let extra = if entry
                .path()
                .starts_with(torrent_folder(canonical_root, &info_hash))
            {
                extra.clone()
            } else {
                FolderFacts::loose(entry.path())
            };
            out.push(self.describe(
                entry.path(),
                relative,
                info_hash,
                canonical_root,
                facts.as_ref(),
                &extra,
            ));
        }
        out
    }

    fn describe(
        &self,
        path: &Path,
        relative: &Path,
        info_hash: InfoHash,
        canonical_root: &Path,
        facts: Option<&TorrentFacts>,
        extra: &FolderFacts,
    ) -> CacheEntry {
        // Symlinks are followed only when they stay inside the cache folder.
        let inside = path
            .canonicalize()
            .map(|real| real.starts_with(canonical_root))
            .unwrap_or(false);
        let (mut state, size) = if inside {
            validate::check_file(path, canonical_root)
        } else {
            let reason = InvalidReason::OutsideCache;
            (FileState::Invalid { reason }, 0)
        };
        let meta = std::fs::metadata(path).ok();
        if inside
            && let (Some(facts), Some(meta)) = (facts, meta.as_ref())
            && let Some(judgement) = facts.judge(path, meta)
        {
            state = with_metadata_rule(state, judgement);
        }
        CacheEntry {
            info_hash,
            path: path.to_path_buf(),
            file: relative.to_path_buf(),
            size,
            state,
            last_access: extra.last_access,
            modified: meta.as_ref().and_then(|m| m.modified().ok()),
            pinned: extra.pinned,
            hold: None,
        }
    }
}

/// What a file's torrent folder says about all its files: pin and last access.
#[derive(Debug, Clone, Default)]
struct FolderFacts {
    pinned: bool,
    last_access: Option<SystemTime>,
}

impl FolderFacts {
    fn of(folder: &Path) -> FolderFacts {
        FolderFacts {
            pinned: lifecycle::is_pinned(folder),
            last_access: lifecycle::last_access(folder),
        }
    }

    /// A loose file: never pinned; its last change stands in for its last access.
    fn loose(path: &Path) -> FolderFacts {
        FolderFacts {
            pinned: false,
            last_access: std::fs::metadata(path).and_then(|m| m.modified()).ok(),
        }
    }
}

/// Combines the general rules with the metadata rule: partial stays partial, a file that is
/// not a readable regular file stays invalid, a length mismatch is damage whatever the other
/// rules said, and a complete file needs a verification that still holds.
fn with_metadata_rule(state: FileState, judgement: Judgement) -> FileState {
    match (state, judgement) {
        (
            state @ (FileState::Partial
            | FileState::Invalid {
                reason:
                    InvalidReason::NotAFile
                    | InvalidReason::OutsideCache
                    | InvalidReason::Unreadable { .. },
            }),
            _,
        ) => state,
        (_, Judgement::Damaged(reason @ DamageReason::LengthMismatch { .. })) => {
            FileState::Damaged { reason }
        }
        (FileState::Complete, Judgement::Damaged(reason)) => FileState::Damaged { reason },
        (state, _) => state,
    }
}

/// peerstream's own bookkeeping files (markers, torrent metadata, session state) start with a dot.
fn is_internal(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

/// The first run of exactly 40 hex digits in a (lower-case) path.
fn find_hash_in(path_lower: &str) -> Option<InfoHash> {
    let bytes = path_lower.as_bytes();
    let mut run_start = 0;
    for i in 0..=bytes.len() {
        let is_hex = i < bytes.len() && bytes[i].is_ascii_hexdigit();
        if !is_hex {
            if i - run_start == 40 {
                return path_lower[run_start..i].parse().ok();
            }
            run_start = i + 1;
        }
    }
    None
}

#[cfg(test)]
mod proptests;

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "08ada5a7a6183aae1e09d831df6748d566095a10";

    fn mp4(path: &Path, size: usize) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut bytes = b"\0\0\0\x20ftypisom".to_vec();
        bytes.resize(size, 0);
        std::fs::write(path, bytes).unwrap();
    }

    #[test]
    fn finds_hash_in_folder_or_file_name_any_case() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        let hash: InfoHash = HASH.parse().unwrap();
        assert!(cache.lookup(&hash).is_err());

        mp4(
            &dir.path()
                .join(format!("Movie-{}.mp4", HASH.to_uppercase())),
            2 << 20,
        );
        let hit = cache.lookup(&hash).unwrap();
        assert_eq!(hit.size, 2 << 20);

        mp4(&dir.path().join(HASH).join("Bigger.mp4"), 3 << 20);
        let hit = cache.lookup(&hash).unwrap();
        assert_eq!(hit.file_name(), "Bigger.mp4");
        assert_eq!(cache.list().len(), 2);
    }

    #[test]
    fn loose_files_are_indexed_and_a_miss_refreshes_the_index_at_most_every_few_seconds() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        let first: InfoHash = HASH.parse().unwrap();
        let second: InfoHash = "18ada5a7a6183aae1e09d831df6748d566095a10".parse().unwrap();
        mp4(
            &dir.path().join("Shows").join(format!("{HASH}.mp4")),
            2 << 20,
        );
        assert!(cache.lookup(&first).is_ok(), "built on first use");

        // Deeper than the top: the cache folder's mtime does not change.
        let late = dir
            .path()
            .join("Shows")
            .join(format!("Late-{}.mp4", second.to_hex()));
        mp4(&late, 2 << 20);
        assert!(
            cache.lookup(&second).is_err(),
            "a miss right after a rebuild"
        );
        std::thread::sleep(loose::MISS_REFRESH + std::time::Duration::from_millis(100));
        assert_eq!(cache.lookup(&second).unwrap().path, late);

        // A new top-level entry changes the folder's mtime: seen at once. A torrent folder is
        // looked at directly, never through the index.
        let third: InfoHash = "28ada5a7a6183aae1e09d831df6748d566095a10".parse().unwrap();
        mp4(&dir.path().join(format!("{}.mp4", third.to_hex())), 2 << 20);
        assert!(cache.lookup(&third).is_ok());
        let fourth: InfoHash = "38ada5a7a6183aae1e09d831df6748d566095a10".parse().unwrap();
        std::fs::create_dir(dir.path().join(fourth.to_hex())).unwrap();
        assert!(cache.lookup(&fourth).is_err());
        mp4(
            &dir.path().join(fourth.to_hex()).join("deep").join("a.mp4"),
            2 << 20,
        );
        assert!(cache.lookup(&fourth).is_ok());
    }

    #[test]
    fn a_remembered_hit_is_dropped_when_the_file_changes_or_turns_partial() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        let hash: InfoHash = HASH.parse().unwrap();
        let path = dir.path().join(HASH).join("a.mp4");
        mp4(&path, 2 << 20);
        let hit = cache.lookup(&hash).unwrap();
        assert!(cache.still_complete(&hit));

        std::fs::write(dir.path().join(HASH).join(PARTIAL_MARKER), "a.mp4\n").unwrap();
        assert!(!cache.still_complete(&hit), "marked partial");
        std::fs::remove_file(dir.path().join(HASH).join(PARTIAL_MARKER)).unwrap();
        assert!(cache.still_complete(&hit));

        mp4(&path, 3 << 20);
        assert!(!cache.still_complete(&hit), "replaced by another file");
        std::fs::remove_file(&path).unwrap();
        assert!(!cache.still_complete(&hit), "deleted");
    }

    #[test]
    fn invalid_candidates_are_reported_not_served() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        let hash: InfoHash = HASH.parse().unwrap();
        mp4(&dir.path().join(format!("{HASH}.mp4")), 100);
        let rejected = cache.lookup(&hash).unwrap_err();
        assert_eq!(rejected.len(), 1);
        assert_eq!(rejected[0].state.label(), "invalid");
    }

    #[cfg(unix)]
    #[test]
    fn symlink_out_of_the_cache_is_invalid() {
        let outside = tempfile::tempdir().unwrap();
        let target = outside.path().join("secret.mp4");
        mp4(&target, 2 << 20);
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(&target, dir.path().join(format!("{HASH}.mp4"))).unwrap();
        let cache = Cache::new(dir.path());
        let rejected = cache.lookup(&HASH.parse().unwrap()).unwrap_err();
        assert_eq!(
            rejected[0].state,
            FileState::Invalid {
                reason: InvalidReason::OutsideCache
            }
        );
    }

    /// Hand-made single-file metadata: `a.mp4`, `len` bytes, one piece (its hash is not
    /// looked at by the lookup).
    fn metadata(len: u64) -> Vec<u8> {
        let mut bytes = format!(
            "d4:infod6:lengthi{len}e4:name5:a.mp412:piece lengthi{}e6:pieces20:",
            len.next_power_of_two()
        )
        .into_bytes();
        bytes.extend_from_slice(&[7u8; 20]);
        bytes.extend_from_slice(b"ee");
        bytes
    }

    #[test]
    fn with_metadata_a_file_needs_its_length_and_a_verification_that_holds() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        let len = 2 << 20;
        let bytes = metadata(len as u64);
        let hash = InfoHash::from_bytes(librqbit::torrent_from_bytes(&bytes).unwrap().info_hash.0);
        let folder = dir.path().join(hash.to_hex());
        let path = folder.join("a.mp4");
        mp4(&path, len);
        std::fs::write(folder.join(crate::metadata::TORRENT_FILE_NAME), &bytes).unwrap();
        let state = |cache: &Cache| cache.entries(&hash)[0].state.clone();

        // Right length, never verified: not served.
        assert!(cache.lookup(&hash).is_err());
        assert_eq!(
            state(&cache),
            FileState::Damaged {
                reason: DamageReason::Unverified
            }
        );
        integrity::update_record(&folder, &["a.mp4".into()], &[]).unwrap();
        let hit = cache.lookup(&hash).unwrap();
        assert!(cache.still_complete(&hit));

        // Cut short: damaged whatever the record says, and the remembered hit is dropped.
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(len as u64 - 1000)
            .unwrap();
        assert!(!cache.still_complete(&hit));
        assert_eq!(
            state(&cache),
            FileState::Damaged {
                reason: DamageReason::LengthMismatch {
                    expected: len as u64,
                    actual: len as u64 - 1000
                }
            }
        );
        let listing = CacheListing::of(&cache);
        assert_eq!((listing.damaged, listing.complete), (1, 0));

        // Too long, even when recorded at that length.
        mp4(&path, len + 1);
        integrity::update_record(&folder, &["a.mp4".into()], &[]).unwrap();
        assert!(matches!(
            state(&cache),
            FileState::Damaged {
                reason: DamageReason::LengthMismatch { .. }
            }
        ));

        // Another torrent's metadata counts as absent: the general rules alone apply.
        std::fs::write(
            folder.join(crate::metadata::TORRENT_FILE_NAME),
            metadata(len as u64 + 1),
        )
        .unwrap();
        assert_eq!(state(&cache), FileState::Complete);
        assert!(integrity::read_metadata(&folder).is_none());

        // So does empty metadata.
        std::fs::write(folder.join(crate::metadata::TORRENT_FILE_NAME), b"").unwrap();
        assert_eq!(state(&cache), FileState::Complete);
    }

    #[test]
    fn hash_detection_needs_exactly_forty_hex_digits() {
        assert_eq!(
            find_hash_in(&format!("dir/{HASH}/a.mp4")).map(|h| h.to_hex()),
            Some(HASH.to_owned())
        );
        assert!(find_hash_in(&format!("{HASH}0.mp4")).is_none());
        assert!(find_hash_in("movie.mp4").is_none());
    }
}
