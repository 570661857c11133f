//! The files outside torrent folders (`temp/Movie-<HASH>.mkv`, `temp/Some/<hash>/x.mp4`), kept
//! in memory so that a lookup, hit or miss, never walks a cache of thousands of torrent folders.
//!
//! Built by one walk that skips the torrent folders, rebuilt when the cache folder's own mtime
//! changes (an entry added or removed at its top), and on a miss when older than
//! [`MISS_REFRESH`] (a file dropped deeper in a subfolder).

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use super::evict::is_folder_name;
use super::{MAX_DEPTH, is_internal};

/// A miss rebuilds the index at most this often.
pub const MISS_REFRESH: Duration = Duration::from_secs(2);

#[derive(Debug, Default)]
pub struct LooseIndex {
    built: Mutex<Option<Built>>,
}

#[derive(Debug)]
struct Built {
    at: Instant,
    root_mtime: Option<SystemTime>,
    /// Path relative to the root in lower case, and the absolute path.
    files: Vec<(String, PathBuf)>,
}

impl LooseIndex {
    /// Whether a miss should rebuild the index before it counts.
    pub fn stale_for_miss(&self) -> bool {
        let built = self.built.lock().unwrap_or_else(|e| e.into_inner());
        built
            .as_ref()
            .is_none_or(|b| b.at.elapsed() >= MISS_REFRESH)
    }

    /// Blocking. The loose files whose lower-case relative path `wanted` accepts; `refresh`
    /// rebuilds the index first.
    pub fn matching(
        &self,
        root: &Path,
        refresh: bool,
        wanted: impl Fn(&str) -> bool,
    ) -> Vec<PathBuf> {
        let root_mtime = std::fs::metadata(root).and_then(|m| m.modified()).ok();
        let mut built = self.built.lock().unwrap_or_else(|e| e.into_inner());
        let current = built
            .as_ref()
            .is_some_and(|b| !refresh && b.root_mtime == root_mtime);
        if !current {
            *built = Some(Built {
                at: Instant::now(),
                root_mtime,
                files: walk(root),
            });
        }
        built
            .as_ref()
            .map(|b| {
                b.files
                    .iter()
                    .filter(|(lower, _)| wanted(lower))
                    .map(|(_, path)| path.clone())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Every file below `root` outside the torrent folders and peerstream's own files.
fn walk(root: &Path) -> Vec<(String, PathBuf)> {
    let walker = walkdir::WalkDir::new(root)
        .min_depth(1)
        .max_depth(MAX_DEPTH)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name();
            let torrent_folder = e.depth() == 1
                && e.file_type().is_dir()
                && name.to_str().is_some_and(is_folder_name);
            !is_internal(name) && !torrent_folder
        });
    walker
        .filter_map(Result::ok)
        .filter(|e| !e.file_type().is_dir())
        .filter_map(|e| {
            let relative = e.path().strip_prefix(root).ok()?;
            let lower = relative.to_string_lossy().to_ascii_lowercase();
            Some((lower, e.path().to_path_buf()))
        })
        .collect()
}
