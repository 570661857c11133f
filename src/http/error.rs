//! JSON error bodies: `{ "error": "...", "code": "..." }` with the matching status.

use serde::Serialize;
use warp::Reply;
use warp::http::StatusCode;
use warp::reply::Response;

use crate::cache::{CacheEntry, DamageReason, FileState};
use crate::p2p::P2pError;
use crate::pipeline::ResolveError;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    code: &'a str,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }
}

impl Reply for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: &self.message,
            code: self.code,
        };
        warp::reply::with_status(warp::reply::json(&body), self.status).into_response()
    }
}

/// The one error -> HTTP status mapping for the pipeline.
impl From<&ResolveError> for ApiError {
    fn from(e: &ResolveError) -> Self {
        let message = e.to_string();
        let (status, code) = match e {
            ResolveError::NotFound { rejected, .. } => match damaged(rejected) {
                Some((entry, reason)) => {
                    // Say why the file on disk is not served, and what would mend it.
                    let message = format!(
                        "{message}; the cached {} is damaged ({reason}): with P2P on it is \
                         repaired from the swarm, or run `peerstream cache verify --repair`",
                        entry.file.display()
                    );
                    return ApiError::new(StatusCode::NOT_FOUND, "damaged", message);
                }
                None => (StatusCode::NOT_FOUND, "not_found"),
            },
            ResolveError::NoSuchFile { .. } | ResolveError::P2p(P2pError::NoSuchFile { .. }) => {
                (StatusCode::NOT_FOUND, "no_such_file")
            }
            ResolveError::P2pOff => (StatusCode::NOT_FOUND, "p2p_off"),
            ResolveError::Internal(_) | ResolveError::P2p(P2pError::Internal(_)) => {
                tracing::error!("{message}");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal")
            }
            ResolveError::P2p(
                P2pError::MetadataTimeout { .. }
                | P2pError::MetadataUnavailable { .. }
                | P2pError::NoPeerSource(_),
            ) => (StatusCode::GATEWAY_TIMEOUT, "no_peers"),
            ResolveError::P2p(P2pError::InvalidMetadata { .. }) => {
                tracing::warn!("P2P: {message}");
                (StatusCode::BAD_GATEWAY, "invalid_metadata")
            }
            ResolveError::P2p(P2pError::CacheFull(_)) => {
                tracing::warn!("P2P: {message}");
                (StatusCode::INSUFFICIENT_STORAGE, "cache_full")
            }
            ResolveError::P2p(disk) if disk.is_disk() => {
                tracing::warn!("P2P: {message}");
                (StatusCode::INSUFFICIENT_STORAGE, "insufficient_storage")
            }
            ResolveError::P2p(_) => {
                tracing::warn!("P2P: {message}");
                (StatusCode::BAD_GATEWAY, "p2p_error")
            }
        };
        ApiError::new(status, code, message)
    }
}

/// The one error -> HTTP status mapping for `cache rm` and `cache pin` over HTTP.
impl From<&crate::cache::ManageError> for ApiError {
    fn from(e: &crate::cache::ManageError) -> Self {
        use crate::cache::ManageError;
        let (status, code) = match e {
            ManageError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ManageError::InUse(_) => (StatusCode::CONFLICT, "in_use"),
            ManageError::NotPinnable(_) => (StatusCode::CONFLICT, "not_pinnable"),
            ManageError::Io { .. } => {
                tracing::warn!("cache: {e}");
                (StatusCode::INTERNAL_SERVER_ERROR, "cache_error")
            }
        };
        ApiError::new(status, code, e.to_string())
    }
}

fn damaged(rejected: &[CacheEntry]) -> Option<(&CacheEntry, &DamageReason)> {
    rejected.iter().find_map(|entry| match &entry.state {
        FileState::Damaged { reason } => Some((entry, reason)),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_resolve_error_has_its_status() {
        let status = |e: ResolveError| {
            let api = ApiError::from(&e);
            (api.status.as_u16(), api.code)
        };
        assert_eq!(status(ResolveError::P2pOff), (404, "p2p_off"));
        assert_eq!(
            status(ResolveError::Internal("join".into())),
            (500, "internal")
        );
        assert_eq!(
            status(ResolveError::P2p(P2pError::Internal("join".into()))),
            (500, "internal")
        );
        assert_eq!(
            status(ResolveError::NoSuchFile { index: 3 }),
            (404, "no_such_file")
        );
        assert_eq!(
            status(ResolveError::P2p(P2pError::InvalidMetadata {
                reason: "x".into()
            })),
            (502, "invalid_metadata")
        );
        assert_eq!(
            status(ResolveError::P2p(P2pError::Engine(anyhow::anyhow!("x")))),
            (502, "p2p_error")
        );
        assert_eq!(
            status(ResolveError::P2p(P2pError::CacheFull(
                crate::cache::CacheFull {
                    info_hash: None,
                    needed: 5,
                    reason: "x".into()
                }
            ))),
            (507, "cache_full")
        );
    }
}
