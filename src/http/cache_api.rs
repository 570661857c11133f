//! `GET /api/cache`, `DELETE /api/cache/:hash`, `PUT|DELETE /api/cache/:hash/pin`: the cache
//! over HTTP, under the same token rule as every `/api/*` route.

use std::sync::Arc;

use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

use super::AppState;
use super::error::ApiError;
use crate::cache::{CacheListing, ManageError, evictions};
use crate::target::InfoHash;

/// The cache routes; every one answers a `Response` (errors included).
pub fn routes(
    state: Arc<AppState>,
) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + Send + Sync + 'static {
    let with_state = warp::any().map(move || state.clone());
    let listing = warp::path!("api" / "cache")
        .and(warp::get())
        .and(with_state.clone())
        .then(|state| async move { respond(listing(state).await) });
    let remove = warp::path!("api" / "cache" / String)
        .and(warp::delete())
        .and(with_state.clone())
        .then(|hash, state| async move { respond(remove(hash, state).await) });
    let pin = warp::path!("api" / "cache" / String / "pin")
        .and(
            warp::put()
                .map(|| true)
                .or(warp::delete().map(|| false))
                .unify(),
        )
        .and(with_state)
        .then(|hash, pinned, state| async move { respond(pin(hash, pinned, state).await) });
    listing.or(remove).unify().or(pin).unify()
}

fn respond(result: Result<Response, ApiError>) -> Response {
    result.unwrap_or_else(Reply::into_response)
}

fn parse_hash(text: &str) -> Result<InfoHash, ApiError> {
    text.parse().map_err(|e: crate::target::TargetError| {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_hash", e.to_string())
    })
}

fn internal(e: tokio::task::JoinError) -> ApiError {
    tracing::error!("cache task failed: {e}");
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "cache task failed",
    )
}

/// A cache error for a client: paths relative to the cache folder.
fn manage_error(e: &ManageError, state: &AppState) -> ApiError {
    let mut error = ApiError::from(e);
    error.message = state.pipeline.cache().hide_root(&error.message);
    error
}

async fn listing(state: Arc<AppState>) -> Result<Response, ApiError> {
    let cache = state.pipeline.cache().clone();
    let listing = tokio::task::spawn_blocking(move || CacheListing::of(&cache))
        .await
        .map_err(internal)?;
    let mut body = serde_json::to_value(listing.without_absolute_paths())
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?;
    if let Some(map) = body.as_object_mut() {
        map.insert("evictions".into(), evictions().into());
    }
    Ok(warp::reply::json(&body).into_response())
}

/// Removes a torrent: refused (409) while a stream reads it; a torrent the engine runs with no
/// stream open is stopped first.
async fn remove(hash: String, state: Arc<AppState>) -> Result<Response, ApiError> {
    let info_hash = parse_hash(&hash)?;
    if let Some(engine) = state.pipeline.running_engine() {
        if engine.is_streaming(&info_hash) {
            return Err(manage_error(&ManageError::InUse(info_hash), &state));
        }
        if engine.forget(&info_hash).await.is_some() {
            tracing::info!(%info_hash, "stopped the torrent to remove it from the cache");
        }
    }
    let cache = state.pipeline.cache().clone();
    let removed = tokio::task::spawn_blocking(move || cache.remove(&info_hash))
        .await
        .map_err(internal)?
        .map_err(|e| manage_error(&e, &state))?;
    Ok(warp::reply::json(&serde_json::json!({ "removed": removed })).into_response())
}

async fn pin(hash: String, pinned: bool, state: Arc<AppState>) -> Result<Response, ApiError> {
    let info_hash = parse_hash(&hash)?;
    let cache = state.pipeline.cache().clone();
    tokio::task::spawn_blocking(move || cache.set_pinned(&info_hash, pinned))
        .await
        .map_err(internal)?
        .map_err(|e| manage_error(&e, &state))?;
    Ok(
        warp::reply::json(&serde_json::json!({ "info_hash": info_hash, "pinned": pinned }))
            .into_response(),
    )
}
