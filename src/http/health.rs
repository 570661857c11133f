//! Readiness for load balancers: `GET /ready` answers 200 while this node should get new
//! streams, 503 with the reason otherwise. `GET /health` (liveness) stays 200 as long as the
//! process answers at all.
//!
//! Ready means: not shutting down, and either P2P is off (a cache-only node serves what it has)
//! or the torrent engine has started — which includes the NAT coordinator, since the engine
//! starts after it. A coordinator that found no NAT type or no mapping does not make a node
//! unready: the node still reaches peers that reach it, and cluster peers on the LAN.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;
use warp::http::StatusCode;

use crate::pipeline::Pipeline;

/// Whether the node takes new streams.
#[derive(Debug, Default)]
pub struct Readiness {
    draining: AtomicBool,
    /// Why the engine's start failed, until a later start succeeds.
    engine_error: Mutex<Option<String>>,
}

/// The body of `/ready`: `{"ready": true, "p2p": "up"}` or
/// `{"ready": false, "code": "draining", "error": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReadyAnswer {
    pub ready: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p2p: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl ReadyAnswer {
    fn ready(p2p: &'static str) -> Self {
        ReadyAnswer {
            ready: true,
            p2p: Some(p2p),
            code: None,
            error: None,
        }
    }

    fn not_ready(code: &'static str, error: String) -> Self {
        ReadyAnswer {
            ready: false,
            p2p: None,
            code: Some(code),
            error: Some(error),
        }
    }

    pub fn status(&self) -> StatusCode {
        if self.ready {
            StatusCode::OK
        } else {
            StatusCode::SERVICE_UNAVAILABLE
        }
    }
}

impl Readiness {
    /// From now on `/ready` answers 503 `draining`; called on SIGTERM before the listener
    /// closes.
    pub fn begin_drain(&self) {
        self.draining.store(true, Ordering::SeqCst);
    }

    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::SeqCst)
    }

    /// The engine could not start (it is tried again on the next uncached request).
    pub fn engine_failed(&self, error: String) {
        *self.engine_error.lock().unwrap_or_else(|e| e.into_inner()) = Some(error);
    }

    pub fn answer(&self, pipeline: &Pipeline) -> ReadyAnswer {
        if self.is_draining() {
            return ReadyAnswer::not_ready(
                "draining",
                "the server is shutting down; open streams are finishing".to_owned(),
            );
        }
        if !pipeline.p2p_enabled() {
            return ReadyAnswer::ready("off");
        }
        if pipeline.running_engine().is_some() {
            return ReadyAnswer::ready("up");
        }
        let failed = self
            .engine_error
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        match failed {
            Some(error) => ReadyAnswer::not_ready(
                "engine_failed",
                format!("the torrent engine did not start: {error}"),
            ),
            None => ReadyAnswer::not_ready(
                "engine_starting",
                "the torrent engine (and the NAT coordinator before it) is starting".to_owned(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::Cache;

    fn pipeline(p2p: bool) -> Pipeline {
        let options = p2p.then(|| {
            let resolved = crate::config::resolve(None, []).expect("default settings");
            resolved.settings.p2p_options()
        });
        Pipeline::new(
            Cache::new(std::path::Path::new("/nonexistent-peerstream-cache")),
            options,
        )
    }

    #[test]
    fn cache_only_nodes_are_ready_until_they_drain() {
        let readiness = Readiness::default();
        let off = pipeline(false);
        assert_eq!(readiness.answer(&off), ReadyAnswer::ready("off"));
        readiness.begin_drain();
        let answer = readiness.answer(&off);
        assert_eq!(answer.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(answer.code, Some("draining"));
    }

    #[test]
    fn a_p2p_node_is_ready_only_with_its_engine() {
        let readiness = Readiness::default();
        let on = pipeline(true);
        assert_eq!(readiness.answer(&on).code, Some("engine_starting"));
        readiness.engine_failed("no port".to_owned());
        let answer = readiness.answer(&on);
        assert_eq!(answer.code, Some("engine_failed"));
        assert!(answer.error.is_some_and(|e| e.contains("no port")));
    }
}
