//! Routes: `GET /` (the page), `GET|HEAD /stream/proxy/:infoHash`, `GET /stream/magnet`,
//! `GET|DELETE /api/cache[/:hash[/pin]]` (see `cache_api`), `GET|POST /api/torrents`,
//! `DELETE /api/torrents/:hash`, `GET|PATCH /api/settings`, `GET /api/status`, `GET /health`,
//! `GET /ready`, `GET /metrics`.
//! Every failure is a JSON error; nothing a client sends can cause a 500 or a panic.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;

use warp::http::header::HeaderMap;
use warp::http::{Method, StatusCode};
use warp::path::FullPath;
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

use super::AppState;
use super::error::ApiError;
use super::respond::serve_source;
use super::{background, cache_api, policy, settings, torrents, web};
use crate::pipeline::{Request, ResolveError, Source};
use crate::target::{InfoHash, Target};

/// The largest .torrent `POST /api/torrents` takes.
const MAX_TORRENT_BYTES: u64 = 10 * 1024 * 1024;
/// The largest body `PATCH /api/settings` takes.
const MAX_SETTINGS_BYTES: u64 = 16 * 1024;

pub fn all(
    state: Arc<AppState>,
) -> impl Filter<Extract = (Response,), Error = Infallible> + Clone + Send + Sync + 'static {
    let with_state = {
        let state = state.clone();
        warp::any().map(move || state.clone())
    };
    let authorised = authorised(state.clone());

    let get_or_head = || warp::get().or(warp::head()).unify();
    let stream = warp::path!("stream" / "proxy" / String)
        .map(|hash| (hash, None))
        .or(warp::path!("stream" / "proxy" / String / String)
            .map(|hash, index| (hash, Some(index))))
        .unify()
        .untuple_one()
        .and(get_or_head())
        .and(warp::method())
        .and(warp::header::headers_cloned())
        .and(raw_query())
        .and(with_state.clone())
        .then(|hash, index, method, headers, query, state| async move {
            respond(stream_handler(hash, index, method, headers, query, state).await)
        });

    let magnet = warp::path!("stream" / "magnet")
        .and(get_or_head())
        .and(raw_query())
        .map(|query: String| match torrents::magnet_location(&query) {
            Ok(location) => warp::http::Response::builder()
                .status(StatusCode::FOUND)
                .header(warp::http::header::LOCATION, location)
                .body(warp::hyper::body::Bytes::new())
                .map(Reply::into_response)
                .unwrap_or_else(|e| {
                    ApiError::new(StatusCode::BAD_REQUEST, "invalid_magnet", e.to_string())
                        .into_response()
                }),
            Err(error) => error.into_response(),
        });

    let add_torrent = warp::path!("api" / "torrents")
        .and(warp::post())
        .and(warp::body::content_length_limit(MAX_TORRENT_BYTES))
        .and(warp::body::bytes())
        .and(warp::header::headers_cloned())
        .and(raw_query())
        .and(with_state.clone())
        .then(
            |body: bytes::Bytes, headers: HeaderMap, query: String, state: Arc<AppState>| async move {
                let base = format!("http://{}", own_host(&headers));
                match Box::pin(torrents::add(&state.pipeline, &body, &query, &base)).await {
                    Ok(added) => warp::reply::json(&added).into_response(),
                    Err(torrents::AddError::Api(e)) => e.into_response(),
                    Err(torrents::AddError::Resolve(e)) => resolve_error(e, &state).into_response(),
                }
            },
        );

    let torrents = warp::path!("api" / "torrents")
        .and(warp::get())
        .and(with_state.clone())
        .map(|state: Arc<AppState>| {
            let mut statuses = state
                .pipeline
                .running_engine()
                .map(|e| e.statuses())
                .unwrap_or_default();
            for status in &mut statuses {
                if let Some(error) = &mut status.error {
                    *error = state.pipeline.cache().hide_root(error);
                }
            }
            warp::reply::json(&serde_json::json!({ "torrents": statuses })).into_response()
        });

    let cache = cache_api::routes(state.clone());
    let forget_torrent = warp::path!("api" / "torrents" / String)
        .and(warp::delete())
        .and(with_state.clone())
        .then(|hash: String, state: Arc<AppState>| async move {
            respond(background::forget(&hash, &state).await)
        });

    let get_settings = warp::path!("api" / "settings")
        .and(warp::get())
        .and(with_state.clone())
        .map(|state: Arc<AppState>| {
            respond(
                settings::current(&state.pipeline).map(|s| warp::reply::json(&s).into_response()),
            )
        });

    let patch_settings = warp::path!("api" / "settings")
        .and(warp::patch().or(warp::put()).unify())
        .and(warp::body::content_length_limit(MAX_SETTINGS_BYTES))
        .and(warp::body::bytes())
        .and(with_state.clone())
        .then(|body: bytes::Bytes, state: Arc<AppState>| async move {
            respond(
                settings::patch(&state.pipeline, &body)
                    .await
                    .map(|s| warp::reply::json(&s).into_response()),
            )
        });

    let status = warp::path!("api" / "status")
        .and(warp::get())
        .and(with_state.clone())
        .map(|state: Arc<AppState>| {
            let engine = state.pipeline.running_engine().map(|e| {
                let mut coordinator = e.coordination().clone();
                for note in &mut coordinator.notes {
                    *note = state.pipeline.cache().hide_root(note);
                }
                serde_json::json!({
                    "listen_addr": e.listen_addr(),
                    "coordinator": coordinator,
                    "torrents": e.statuses().len(),
                })
            });
            warp::reply::json(&serde_json::json!({
                "version": env!("CARGO_PKG_VERSION"),
                "p2p_enabled": state.pipeline.p2p_enabled(),
                "engine": engine,
            }))
            .into_response()
        });

    let health = warp::path!("health").and(warp::get()).map(|| {
        warp::reply::json(&serde_json::json!({
            "status": "ok",
            "version": env!("CARGO_PKG_VERSION"),
        }))
        .into_response()
    });

    // Readiness for load balancers (see health.rs); same token rule as every route.
    let ready = warp::path!("ready")
        .and(warp::get())
        .and(with_state.clone())
        .map(|state: Arc<AppState>| {
            let answer = state.readiness.answer(&state.pipeline);
            let status = answer.status();
            warp::reply::with_status(warp::reply::json(&answer), status).into_response()
        });

    let metrics = warp::path!("metrics")
        .and(warp::get())
        .and(with_state.clone())
        .map(|state: Arc<AppState>| {
            warp::reply::with_header(
                state.metrics.render(),
                "content-type",
                super::metrics::CONTENT_TYPE,
            )
            .into_response()
        });

    let routes = authorised
        .and(
            stream
                .or(magnet)
                .unify()
                .or(add_torrent)
                .unify()
                .or(cache)
                .unify()
                .or(torrents)
                .unify()
                .or(forget_torrent)
                .unify()
                .or(get_settings)
                .unify()
                .or(patch_settings)
                .unify()
                .or(status)
                .unify()
                .or(health)
                .unify()
                .or(ready)
                .unify()
                .or(metrics)
                .unify(),
        )
        .recover(handle_rejection)
        .unify();

    // The page asks a browser without the token for it (a form), instead of a JSON 401.
    let page = {
        let state = state.clone();
        warp::path::end()
            .and(get_or_head())
            .and(warp::method())
            .and(warp::header::headers_cloned())
            .and(token_parts())
            .map(
                move |method: Method, headers: HeaderMap, bearer: Option<String>, query| {
                    if token_given(&state, bearer, &query) {
                        web::page(&method, &headers)
                    } else {
                        web::token_form()
                    }
                },
            )
    };
    let routes = page.or(routes).unify();

    // A foreign Host or a preflight is answered before the token is asked for.
    let gate = {
        let state = state.clone();
        warp::path::full()
            .and(warp::method())
            .and(warp::header::headers_cloned())
            .and_then(move |path: FullPath, method: Method, headers: HeaderMap| {
                let answer = state.policy.gate(path.as_str(), &method, &headers);
                async move { answer.ok_or_else(warp::reject::reject) }
            })
    };
    warp::path::full()
        .and(warp::header::headers_cloned())
        .and(gate.or(routes).unify())
        .map(
            move |path: FullPath, headers: HeaderMap, mut response: Response| {
                state
                    .policy
                    .decorate(path.as_str(), &headers, &mut response);
                if response.status() == StatusCode::GATEWAY_TIMEOUT {
                    response.headers_mut().insert(
                        warp::http::header::RETRY_AFTER,
                        warp::http::HeaderValue::from(torrents::RETRY_AFTER_SECS),
                    );
                }
                // Nothing here is meant to be framed or sniffed into another type.
                response.headers_mut().insert(
                    "x-content-type-options",
                    warp::http::HeaderValue::from_static("nosniff"),
                );
                response
            },
        )
}

#[derive(Debug)]
struct Unauthorised;
impl warp::reject::Reject for Unauthorised {}

/// When a token is configured, requests must carry it as `?token=` or `Authorization: Bearer`.
fn authorised(state: Arc<AppState>) -> impl Filter<Extract = (), Error = Rejection> + Clone {
    token_parts()
        .and_then(
            move |bearer: Option<String>, query: HashMap<String, String>| {
                let given = token_given(&state, bearer, &query);
                async move {
                    if given {
                        Ok(())
                    } else {
                        Err(warp::reject::custom(Unauthorised))
                    }
                }
            },
        )
        .untuple_one()
}

/// The `Authorization` header and the query, where a token may be.
fn token_parts()
-> impl Filter<Extract = (Option<String>, HashMap<String, String>), Error = Rejection> + Clone {
    warp::header::optional::<String>("authorization").and(
        warp::query::<HashMap<String, String>>()
            .or_else(|_| async { Ok::<_, Rejection>((HashMap::new(),)) }),
    )
}

/// Whether the request carries the token (always, when none is configured).
fn token_given(state: &AppState, bearer: Option<String>, query: &HashMap<String, String>) -> bool {
    let Some(expected) = state.token.as_deref() else {
        return true;
    };
    let given = bearer
        .as_deref()
        .and_then(bearer_token)
        .or(query.get("token").map(String::as_str));
    given.is_some_and(|given| token_matches(given, expected))
}

/// The query string as sent (empty when there is none).
fn raw_query() -> impl Filter<Extract = (String,), Error = Infallible> + Clone {
    warp::query::raw().or(warp::any().map(String::new)).unify()
}

/// The Host this request was answered for (the policy has checked it), for URLs the server
/// builds; the loopback address when the client sent none.
fn own_host(headers: &HeaderMap) -> &str {
    policy::host_of(headers)
        .filter(|h| !h.is_empty())
        .unwrap_or("127.0.0.1")
}

/// The credentials of an `Authorization: Bearer <token>` header. The scheme is matched
/// case-insensitively and any run of spaces may follow it (RFC 9110 section 11.1, 11.4).
fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, rest) = header.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| rest.trim_start_matches(' '))
}

/// Compares in constant time, so the answer's timing says nothing about how much of a guess
/// was right. Different lengths fail at once: the length is not the secret.
fn token_matches(given: &str, expected: &str) -> bool {
    use subtle::ConstantTimeEq;
    given.as_bytes().ct_eq(expected.as_bytes()).into()
}

async fn stream_handler(
    hash: String,
    index: Option<String>,
    method: Method,
    headers: HeaderMap,
    query: String,
    state: Arc<AppState>,
) -> Result<Response, ApiError> {
    if index.is_none()
        && let Some(hash) = hash.strip_suffix(".m3u")
    {
        return playlist(hash, &headers, &state).await;
    }
    let info_hash = parse_hash(&hash)?;
    let file = index.map(|i| i.parse::<usize>()).transpose().map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_file_index",
            "the file index must be a number",
        )
    })?;
    // `?tr=..&x.pe=..`: a magnet's trackers and peers reach the engine with the hash.
    let target = torrents::magnet_from_query(info_hash, &query)
        .map_or(Target::InfoHash(info_hash), Target::Magnet);
    let request = Request { target, file };
    let readahead = background::readahead_of(&query, &state)?;
    let resolved = state.pipeline.resolve(&request).await;
    if !info_hash.is_mock() {
        let hit = matches!(resolved, Ok(Source::Cached { .. }));
        state.metrics.cache_lookup(hit);
    }
    let mut source = resolved.map_err(|e| resolve_error(e, &state))?;
    if let Some(bytes) = readahead {
        source = source.with_readahead(bytes);
    }
    tracing::debug!(%info_hash, kind = ?source.kind(), "serving");
    let response = serve_source(&source, &method, &headers).await;
    Ok(match (&source, file) {
        (Source::Cached { entry, .. }, Some(index)) => {
            background::watch_cached_play(response, &state, info_hash, index, entry.size)
        }
        _ => response,
    })
}

/// `GET /stream/proxy/:infoHash.m3u`: the torrent's video files as absolute URLs, so a player
/// can step through a season.
async fn playlist(hash: &str, headers: &HeaderMap, state: &AppState) -> Result<Response, ApiError> {
    let info_hash = parse_hash(hash)?;
    let listing = state
        .pipeline
        .files(info_hash)
        .await
        .map_err(|e| resolve_error(e, state))?;
    let host = own_host(headers);
    // Encoded: a token may hold `&`, `#` or spaces.
    let query = state
        .token
        .as_deref()
        .map(|t| {
            let pair = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("token", t)
                .finish();
            format!("?{pair}")
        })
        .unwrap_or_default();
    let mut text = String::from("#EXTM3U\n");
    // The same entries the next-episode prefetch steps through.
    let videos: Vec<&crate::p2p::TorrentFile> = if listing.indexed {
        crate::p2p::playlist(&listing.files).collect()
    } else {
        listing.files.iter().collect()
    };
    for file in videos {
        let name = file
            .path
            .file_name()
            .map(|n| n.to_string_lossy().replace(['\r', '\n'], " "))
            .unwrap_or_default();
        let path = listing.stream_path(file);
        text.push_str(&format!("#EXTINF:-1,{name}\nhttp://{host}{path}{query}\n"));
    }
    warp::http::Response::builder()
        .header("content-type", "audio/x-mpegurl; charset=utf-8")
        .header(
            "content-disposition",
            format!("inline; filename=\"{info_hash}.m3u\""),
        )
        .body(text)
        .map(|r| r.into_response())
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))
}

/// A hash from the URL, or the 400 that answers a bad one.
pub(super) fn parse_hash(text: &str) -> Result<InfoHash, ApiError> {
    text.parse().map_err(|e: crate::target::TargetError| {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_hash", e.to_string())
    })
}

/// A pipeline error as the client sees it: paths relative to the cache folder, so clients learn
/// nothing about this machine's folders.
fn resolve_error(e: ResolveError, state: &AppState) -> ApiError {
    let mut error = ApiError::from(&e);
    if let Some(note) = torrents::waiting_note(&e, &state.pipeline) {
        error.message = format!("{}; {note}", error.message);
    }
    error.message = state.pipeline.cache().hide_root(&error.message);
    error
}

/// The one place a handler's error becomes its response.
fn respond(result: Result<Response, ApiError>) -> Response {
    result.unwrap_or_else(Reply::into_response)
}

async fn handle_rejection(rejection: Rejection) -> Result<Response, Infallible> {
    let error = if rejection.find::<Unauthorised>().is_some() {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorised",
            "this server needs its access token (?token= or Authorization: Bearer)",
        )
    } else if rejection.is_not_found() {
        ApiError::new(StatusCode::NOT_FOUND, "no_route", "no such endpoint")
    } else if rejection.find::<warp::reject::PayloadTooLarge>().is_some() {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "a .torrent may be at most 10 MiB",
        )
    } else if rejection.find::<warp::reject::MethodNotAllowed>().is_some() {
        ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "this endpoint does not answer this method (streams: GET, HEAD; /api/*: see the README)",
        )
    } else {
        tracing::debug!("unhandled rejection: {rejection:?}");
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "the request could not be understood",
        )
    };
    Ok(error.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_scheme_is_case_insensitive_and_spaces_may_follow_it() {
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bearer abc"), Some("abc"));
        assert_eq!(bearer_token("BEARER    abc"), Some("abc"));
        assert_eq!(bearer_token("  Bearer abc  "), Some("abc"));
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearerabc"), None);
        assert_eq!(bearer_token("Bearer"), None);
    }

    #[test]
    fn tokens_match_only_when_equal() {
        assert!(token_matches("s3cret", "s3cret"));
        assert!(!token_matches("s3cre", "s3cret"));
        assert!(!token_matches("s3cret!", "s3cret"));
        assert!(!token_matches("S3CRET", "s3cret"));
        assert!(!token_matches("", "s3cret"));
    }
}
