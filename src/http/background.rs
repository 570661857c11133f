//! Per-request stream options and work with no player attached: `?readahead_mib=`,
//! `DELETE /api/torrents/:hash`, and the watch on a cached playlist entry that starts the
//! next-episode prefetch.

use std::sync::Arc;

use warp::Reply;
use warp::http::StatusCode;
use warp::reply::Response;

use super::AppState;
use super::error::ApiError;
use super::routes::parse_hash;
use crate::target::InfoHash;

/// `?readahead_mib=N`: this request's read-ahead window in bytes, from 0 up to the configured
/// `readahead_mib`; `None` when the query does not set it.
pub fn readahead_of(query: &str, state: &AppState) -> Result<Option<u64>, ApiError> {
    const MIB: u64 = 1024 * 1024;
    let Some(text) = url::form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == "readahead_mib")
        .map(|(_, value)| value.into_owned())
    else {
        return Ok(None);
    };
    let max = state
        .pipeline
        .p2p_options()
        .map_or(crate::p2p::LIBRQBIT_WINDOW, |o| o.readahead)
        / MIB;
    match text.trim().parse::<u64>() {
        Ok(mib) if mib <= max => Ok(Some(mib * MIB)),
        _ => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_readahead",
            format!(
                "readahead_mib must be a whole number from 0 to {max} (the server's readahead_mib)"
            ),
        )),
    }
}

/// `DELETE /api/torrents/:hash`: stops the torrent and forgets it; its files stay in the cache.
pub async fn forget(hash: &str, state: &AppState) -> Result<Response, ApiError> {
    let info_hash = parse_hash(hash)?;
    let not_running = || {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_running",
            format!("{info_hash} is not running in this server"),
        )
    };
    let engine = state.pipeline.running_engine().ok_or_else(not_running)?;
    let mut status = engine.forget(&info_hash).await.ok_or_else(not_running)?;
    if let Some(error) = &mut status.error {
        *error = state.pipeline.cache().hide_root(error);
    }
    Ok(warp::reply::json(&serde_json::json!({ "stopped": status })).into_response())
}

/// A cached playlist entry's body, watched as a swarm stream is: once the player reads past
/// `prefetch_at`, the next entry's head and tail are fetched (`Pipeline::prefetch_after_cached`).
pub fn watch_cached_play(
    response: Response,
    state: &Arc<AppState>,
    info_hash: InfoHash,
    index: usize,
    size: u64,
) -> Response {
    let Some(percent) = state.pipeline.p2p_options().map(|o| o.prefetch_at) else {
        return response;
    };
    let start = match response.status() {
        StatusCode::OK => 0,
        StatusCode::PARTIAL_CONTENT => {
            let Some(start) = response
                .headers()
                .get(warp::http::header::CONTENT_RANGE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("bytes "))
                .and_then(|v| v.split('-').next())
                .and_then(|v| v.parse::<u64>().ok())
            else {
                return response;
            };
            start
        }
        _ => return response,
    };
    if percent == 0 {
        return response;
    }
    let threshold = crate::p2p::prefetch_threshold(size, percent);
    let (parts, body) = response.into_parts();
    let pipeline = state.pipeline.clone();
    let (mut position, mut fired) = (start, false);
    let watched =
        futures_util::StreamExt::map(http_body_util::BodyDataStream::new(body), move |chunk| {
            if let Ok(bytes) = &chunk {
                position += bytes.len() as u64;
                if !fired && crate::p2p::playing_past(start, position, threshold) {
                    fired = true;
                    let pipeline = pipeline.clone();
                    tokio::spawn(async move {
                        pipeline.prefetch_after_cached(info_hash, index).await;
                    });
                }
            }
            chunk
        });
    let mut out = warp::reply::stream(watched).into_response();
    *out.status_mut() = parts.status;
    *out.headers_mut() = parts.headers;
    out
}
