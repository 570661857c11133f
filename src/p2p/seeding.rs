//! The seeding policy: a finished torrent keeps seeding while it is streamed, and otherwise
//! until it uploaded `ratio` times its size or seeded for `time`, whichever comes first; then
//! it is paused (its files stay in the cache). [`SeedPolicy::stop_reason`] is the whole rule,
//! a pure function, so a caller can exempt torrents (cluster seeding) by not applying it.

use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::{Engine, SwarmTorrent};

/// How often the policy looks at every torrent.
pub const SEED_CHECK_INTERVAL: Duration = Duration::from_secs(5);

/// When a finished torrent stops seeding; `None` fields never stop it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SeedPolicy {
    pub ratio: Option<f64>,
    pub time: Option<Duration>,
}

/// Why seeding stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SeedStop {
    Ratio,
    Time,
}

impl SeedPolicy {
    /// Why a finished torrent of `size` bytes that uploaded `uploaded` bytes over `seeded_for`
    /// should stop seeding now; `None` while it should go on.
    pub fn stop_reason(&self, uploaded: u64, size: u64, seeded_for: Duration) -> Option<SeedStop> {
        let ratio = uploaded as f64 / size.max(1) as f64;
        if self.ratio.is_some_and(|limit| ratio >= limit) {
            return Some(SeedStop::Ratio);
        }
        if self.time.is_some_and(|limit| seeded_for >= limit) {
            return Some(SeedStop::Time);
        }
        None
    }
}

/// A torrent's seeding as `GET /api/torrents` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct SeedingStatus {
    /// `downloading` (not finished yet), `seeding`, or `stopped` (by the policy).
    pub state: &'static str,
    pub stopped_by: Option<SeedStop>,
    /// Seconds since the selected files were finished.
    pub seeding_secs: u64,
}

/// What the policy tracks per torrent. librqbit's upload counter restarts from zero every
/// time a torrent resumes, so the bytes of earlier runs are kept here.
#[derive(Debug, Default)]
pub(super) struct SeedTrack {
    finished_at: Option<Instant>,
    stopped_by: Option<SeedStop>,
    uploaded_before: u64,
    uploaded_last: u64,
}

impl SeedTrack {
    /// Folds librqbit's counter of the current run (`None` while not live) into the total.
    fn observe(&mut self, live_uploaded: Option<u64>) -> u64 {
        match live_uploaded {
            Some(now) => {
                if now < self.uploaded_last {
                    self.uploaded_before += self.uploaded_last;
                }
                self.uploaded_last = now;
            }
            None => {
                self.uploaded_before += self.uploaded_last;
                self.uploaded_last = 0;
            }
        }
        self.uploaded_before + self.uploaded_last
    }
}

impl SwarmTorrent {
    /// Bytes uploaded to peers since the torrent was opened, across pauses.
    pub fn uploaded_bytes(&self) -> u64 {
        let live = self.handle.live().map(|l| l.get_uploaded_bytes());
        self.seed_track().observe(live)
    }

    pub(super) fn seeding_status(&self, finished: bool) -> SeedingStatus {
        let track = self.seed_track();
        let seeding_secs = track.finished_at.map_or(0, |t| t.elapsed().as_secs());
        let state = match (finished, track.stopped_by) {
            (false, _) => "downloading",
            (true, Some(_)) if self.handle.is_paused() => "stopped",
            (true, _) => "seeding",
        };
        SeedingStatus {
            state,
            stopped_by: track.stopped_by.filter(|_| state == "stopped"),
            seeding_secs,
        }
    }

    fn seed_track(&self) -> std::sync::MutexGuard<'_, SeedTrack> {
        self.seeding.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Applies the policy once: pauses a finished torrent nobody streams that reached it.
    async fn apply_seed_policy(&self, policy: &SeedPolicy) {
        let stats = self.handle.stats();
        let uploaded = self.uploaded_bytes();
        let reason = {
            let mut track = self.seed_track();
            if !stats.finished {
                track.finished_at = None;
                track.stopped_by = None;
                return;
            }
            let finished_at = *track.finished_at.get_or_insert_with(Instant::now);
            let streamed = self.open_streams.load(std::sync::atomic::Ordering::SeqCst) > 0;
            if streamed || self.handle.is_paused() {
                return;
            }
            let reason = policy.stop_reason(uploaded, stats.total_bytes, finished_at.elapsed());
            track.stopped_by = reason;
            reason
        };
        let Some(reason) = reason else {
            return;
        };
        tracing::info!(
            info_hash = %self.info_hash,
            uploaded,
            ?reason,
            "seeding policy reached; pausing the torrent (its files stay in the cache)"
        );
        // Keep what this run uploaded before librqbit's counter goes away with the pause.
        self.uploaded_bytes();
        if let Err(e) = self.session.pause(&self.handle).await {
            tracing::debug!("pausing {} after seeding: {e:#}", self.info_hash);
        }
    }
}

/// Runs the policy over the engine's torrents until the engine is dropped.
pub(super) async fn enforce(engine: Weak<Engine>, policy: SeedPolicy) {
    if policy == SeedPolicy::default() {
        return;
    }
    let mut tick = tokio::time::interval(SEED_CHECK_INTERVAL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let Some(engine) = engine.upgrade() else {
            return;
        };
        let torrents: Vec<Arc<SwarmTorrent>> = engine.torrents();
        drop(engine);
        for torrent in torrents {
            torrent.apply_seed_policy(&policy).await;
        }
    }
}

/// New per torrent.
pub(super) fn new_track() -> Mutex<SeedTrack> {
    Mutex::new(SeedTrack::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stops_at_the_ratio_or_the_time_whichever_comes_first() {
        let policy = SeedPolicy {
            ratio: Some(1.0),
            time: Some(Duration::from_secs(3600)),
        };
        let hour = Duration::from_secs(3600);
        assert_eq!(policy.stop_reason(99, 100, Duration::ZERO), None);
        assert_eq!(
            policy.stop_reason(100, 100, Duration::ZERO),
            Some(SeedStop::Ratio)
        );
        assert_eq!(policy.stop_reason(0, 100, hour), Some(SeedStop::Time));
        assert_eq!(
            policy.stop_reason(0, 100, hour - Duration::from_secs(1)),
            None
        );
        let never = SeedPolicy::default();
        assert_eq!(never.stop_reason(u64::MAX, 1, hour * 1000), None);
    }

    #[test]
    fn uploads_of_earlier_runs_are_kept() {
        let mut track = SeedTrack::default();
        assert_eq!(track.observe(Some(10)), 10);
        assert_eq!(track.observe(Some(30)), 30);
        assert_eq!(track.observe(None), 30, "paused");
        assert_eq!(track.observe(None), 30);
        assert_eq!(track.observe(Some(5)), 35, "a new run counts from zero");
        assert_eq!(
            track.observe(Some(2)),
            37,
            "a restart seen only after it happened"
        );
    }
}
