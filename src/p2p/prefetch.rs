//! Next-episode prefetch: when a stream of a playlist entry (a video file of the torrent, as
//! the `.m3u` lists them) reads past `prefetch_at` of the file, the next entry's head and tail
//! are fetched, so a player moving on finds what it reads first already on disk.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::AsyncReadExt;

use super::SwarmTorrent;
use super::select::next_in_playlist;
use crate::body::CHUNK_SIZE;

/// The head of the next entry fetched: what a player reads before the first frame (container
/// header, first seconds).
pub const PREFETCH_HEAD: u64 = 4 * 1024 * 1024;
/// The tail fetched too: an MP4's index (moov) at the end, an MKV's cues.
pub const PREFETCH_TAIL: u64 = 1024 * 1024;
/// A stream that starts past the point must read this much before it counts as playing:
/// players probe the end of a file (MP4 index, MKV cues) with short reads.
pub const PLAYING_AFTER_SEEK: u64 = 8 * 1024 * 1024;

/// Watches one stream's position; fires once when it plays past the point.
pub(super) struct PrefetchTrigger {
    torrent: Arc<SwarmTorrent>,
    index: usize,
    start: u64,
    threshold: u64,
    fired: bool,
}

impl PrefetchTrigger {
    /// `None` when prefetch is off or the file has no next entry.
    pub(super) fn new(torrent: &Arc<SwarmTorrent>, index: usize, start: u64) -> Option<Self> {
        if torrent.prefetch_at == 0 {
            return None;
        }
        next_in_playlist(&torrent.files, index)?;
        let threshold = threshold(torrent.file(index)?.len, torrent.prefetch_at);
        Some(PrefetchTrigger {
            torrent: torrent.clone(),
            index,
            start,
            threshold,
            fired: false,
        })
    }

    /// The stream has read up to `position` (exclusive).
    pub(super) fn advance(&mut self, position: u64) {
        if self.fired || !playing_past(self.start, position, self.threshold) {
            return;
        }
        self.fired = true;
        self.torrent.prefetch_after(self.index);
    }
}

/// `percent` of `len` bytes, without overflow.
pub fn threshold(len: u64, percent: u8) -> u64 {
    len / 100 * u64::from(percent) + len % 100 * u64::from(percent) / 100
}

/// Whether a stream that started at `start` and reached `position` is playing past
/// `threshold`: it crossed it, or it started beyond it and has read on for a while.
pub fn playing_past(start: u64, position: u64, threshold: u64) -> bool {
    if start < threshold {
        position >= threshold
    } else {
        position.saturating_sub(start) >= PLAYING_AFTER_SEEK
    }
}

impl SwarmTorrent {
    /// Fetches the head and tail of the playlist entry after `index`, once per torrent.
    pub fn prefetch_after(self: &Arc<Self>, index: usize) {
        let Some(next) = next_in_playlist(&self.files, index) else {
            return;
        };
        let (next, len) = (next.index, next.len);
        {
            let mut done = self.prefetched.lock().unwrap_or_else(|e| e.into_inner());
            if !done.insert(next) {
                return;
            }
        }
        if self.is_file_complete(next) {
            return;
        }
        let torrent = self.clone();
        tokio::spawn(async move {
            let head = (0, PREFETCH_HEAD.min(len));
            let tail_start = len.saturating_sub(PREFETCH_TAIL).max(head.1);
            for (from, to) in [head, (tail_start, len)] {
                if let Err(e) = torrent.fetch_span(next, from, to).await {
                    tracing::debug!(info_hash = %torrent.info_hash, next, "prefetch: {e}");
                    return;
                }
            }
            tracing::info!(
                info_hash = %torrent.info_hash,
                file = next,
                "prefetched the head and tail of the next playlist entry"
            );
        });
    }

    /// Reads bytes `from..to` of file `index` through a librqbit stream (which asks peers
    /// for those pieces first) and drops them: what matters is that they land on disk.
    async fn fetch_span(&self, index: usize, from: u64, to: u64) -> io::Result<()> {
        if from >= to {
            return Ok(());
        }
        let mut file = self.open_file_at(index, from).await?;
        let mut scratch = vec![0u8; CHUNK_SIZE];
        let mut position = from;
        let stall = self.stall_timeout.max(Duration::from_secs(1));
        while position < to {
            let want = usize::try_from(to - position)
                .unwrap_or(CHUNK_SIZE)
                .min(CHUNK_SIZE);
            let read = tokio::time::timeout(stall, file.read(&mut scratch[..want]))
                .await
                .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "no data from the swarm"))??;
            if read == 0 {
                break;
            }
            position += read as u64;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossing_the_point_counts_and_a_tail_probe_does_not() {
        let mib = 1024 * 1024;
        let threshold = 60 * mib;
        assert!(!playing_past(0, threshold - 1, threshold));
        assert!(playing_past(0, threshold, threshold));
        assert!(playing_past(59 * mib, 61 * mib, threshold));
        // A probe of the last MiB of a 100 MiB file is not playing.
        assert!(!playing_past(99 * mib, 100 * mib, threshold));
        // A seek to 70 % followed by playback is.
        assert!(playing_past(
            70 * mib,
            70 * mib + PLAYING_AFTER_SEEK,
            threshold
        ));
    }
}
