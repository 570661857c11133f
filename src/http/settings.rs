//! `GET /api/settings` and `PATCH /api/settings`: the bandwidth limits, changed at once for
//! every torrent (until the server restarts; the config file is not written), and the
//! seeding and prefetch policy (read-only here).

use serde::{Deserialize, Serialize};
use warp::http::StatusCode;

use super::error::ApiError;
use crate::config::units::Rate;
use crate::p2p::RateLimits;
use crate::pipeline::Pipeline;

/// What `GET /api/settings` answers.
#[derive(Debug, Serialize)]
pub struct LiveSettings {
    /// Bytes per second, 0: no limit.
    pub download_limit: u64,
    pub upload_limit: u64,
    /// The same, as text (`2MiB/s`, `0`).
    pub download_limit_text: String,
    pub upload_limit_text: String,
    /// Uploaded bytes per byte of a torrent after which it stops seeding; null: no limit.
    pub seed_ratio: Option<f64>,
    /// Seconds of seeding after which a torrent stops; null: no limit.
    pub seed_time_secs: Option<u64>,
    /// Percent of a playlist entry past which the next one is prefetched; 0: off.
    pub prefetch_at: u8,
    /// The largest read-ahead a request may ask for (`?readahead_mib=`).
    pub readahead_mib: u64,
}

/// The body of `PATCH /api/settings`: either limit, as a number of bytes per second or a
/// text such as `"2MiB/s"`; 0 removes the limit.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Patch {
    #[serde(default)]
    download_limit: Option<serde_json::Value>,
    #[serde(default)]
    upload_limit: Option<serde_json::Value>,
}

fn p2p_off() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "p2p_off",
        "P2P is turned off: there is no bandwidth to limit",
    )
}

/// The limits in force: the engine's, or the configured ones before it started.
pub fn current(pipeline: &Pipeline) -> Result<LiveSettings, ApiError> {
    let options = pipeline.p2p_options().ok_or_else(p2p_off)?;
    let limits = pipeline
        .running_engine()
        .map(|e| e.rate_limits())
        .unwrap_or(RateLimits {
            download: options.download_limit,
            upload: options.upload_limit,
        });
    Ok(LiveSettings {
        download_limit: limits.download,
        upload_limit: limits.upload,
        download_limit_text: Rate(limits.download).to_string(),
        upload_limit_text: Rate(limits.upload).to_string(),
        seed_ratio: options.seeding.ratio,
        seed_time_secs: options.seeding.time.map(|t| t.as_secs()),
        prefetch_at: options.prefetch_at,
        readahead_mib: options.readahead / (1024 * 1024),
    })
}

/// Applies a patch to the running engine (starting it if needed) and answers the new state.
pub async fn patch(pipeline: &Pipeline, body: &[u8]) -> Result<LiveSettings, ApiError> {
    let patch: Patch = serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_settings",
            format!(
                "expected {{\"download_limit\": \"2MiB/s\", \"upload_limit\": 0}} (either may be \
                 left out): {e}"
            ),
        )
    })?;
    let download = patch.download_limit.as_ref().map(rate).transpose()?;
    let upload = patch.upload_limit.as_ref().map(rate).transpose()?;
    let engine = match pipeline.engine().await {
        None => return Err(p2p_off()),
        Some(Err(e)) => {
            return Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "engine_unavailable",
                format!("the torrent engine did not start: {e}"),
            ));
        }
        Some(Ok(engine)) => engine,
    };
    let mut limits = engine.rate_limits();
    if let Some(d) = download {
        limits.download = d.bytes_per_second();
    }
    if let Some(u) = upload {
        limits.upload = u.bytes_per_second();
    }
    engine.set_rate_limits(limits);
    current(pipeline)
}

/// A limit from JSON: a number of bytes per second or a text with units.
fn rate(value: &serde_json::Value) -> Result<Rate, ApiError> {
    let text = match value {
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::String(s) => s.clone(),
        _ => String::new(),
    };
    text.parse::<Rate>()
        .map_err(|message| ApiError::new(StatusCode::BAD_REQUEST, "invalid_rate", message))
}
