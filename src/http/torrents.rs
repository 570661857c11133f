//! Magnets and .torrent files over HTTP, keeping their trackers and peers:
//! `/stream/proxy/:hash?tr=..&x.pe=..`, `GET /stream/magnet?uri=` and `POST /api/torrents`.

use std::io::Write;

use serde::Serialize;
use warp::http::StatusCode;

use super::error::ApiError;
use crate::pipeline::{Download, FileListing, Pipeline, Preload, Request, ResolveError};
use crate::target::{InfoHash, Magnet, Target};

/// The magnet parameters a stream URL may carry besides `token`.
const MAGNET_KEYS: [&str; 3] = ["tr", "x.pe", "dn"];

/// Why adding a torrent failed: a bad request, or what the pipeline said.
#[derive(Debug)]
pub enum AddError {
    Api(ApiError),
    Resolve(ResolveError),
}

/// The answer to `POST /api/torrents`.
#[derive(Debug, Serialize)]
pub struct Added {
    pub info_hash: InfoHash,
    /// The file a plain `/stream/proxy/:hash` serves.
    pub stream_url: String,
    pub m3u_url: String,
    pub files: Vec<AddedFile>,
    /// The background download, when the request asked for one (`download`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub download: Option<Preload>,
}

#[derive(Debug, Serialize)]
pub struct AddedFile {
    pub index: usize,
    pub path: String,
    pub size: u64,
    /// A video extension; browsers still may not decode it (MKV, HEVC, AC-3).
    pub video: bool,
    pub stream_url: String,
}

/// The magnet described by a stream URL's query (`tr`, `x.pe`, `dn`), or `None` when the
/// query names none of them: then the plain hash is the target.
pub fn magnet_from_query(info_hash: InfoHash, query: &str) -> Option<Magnet> {
    let mut uri = url::Url::parse("magnet:").ok()?;
    let mut any = false;
    {
        let mut pairs = uri.query_pairs_mut();
        pairs.append_pair("xt", &format!("urn:btih:{info_hash}"));
        for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
            if MAGNET_KEYS.contains(&key.as_ref()) {
                pairs.append_pair(&key, &value);
                any = true;
            }
        }
    }
    if !any {
        return None;
    }
    Magnet::parse(uri.as_str()).ok()
}

/// The query that carries a magnet's trackers, peers and name: `tr=..&x.pe=..` (may be empty).
pub fn magnet_query(magnet: &Magnet) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if let Some(name) = &magnet.name {
        query.append_pair("dn", name);
    }
    for tracker in &magnet.trackers {
        query.append_pair("tr", tracker);
    }
    for peer in &magnet.peers {
        query.append_pair("x.pe", peer);
    }
    query.finish()
}

/// `GET /stream/magnet?uri=<magnet>`: where the canonical stream URL of the magnet is (relative;
/// the token, when the request carried one as `?token=`, is kept).
pub fn magnet_location(query: &str) -> Result<String, ApiError> {
    let mut uri = None;
    let mut token = None;
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        match key.as_ref() {
            "uri" => uri = Some(value.into_owned()),
            "token" => token = Some(value.into_owned()),
            _ => {}
        }
    }
    let uri = uri.ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_magnet",
            "give the magnet link as ?uri= (URL-encoded)",
        )
    })?;
    let magnet = Magnet::parse(uri.trim())
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid_magnet", e.to_string()))?;
    let mut query = magnet_query(&magnet);
    if let Some(token) = token {
        let mut with_token = url::form_urlencoded::Serializer::new(query);
        with_token.append_pair("token", &token);
        query = with_token.finish();
    }
    let mut location = format!("/stream/proxy/{}", magnet.info_hash);
    if !query.is_empty() {
        location.push('?');
        location.push_str(&query);
    }
    Ok(location)
}

/// The JSON form of `POST /api/torrents`: `{"target": "<magnet or hash>", "download": "all"}`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct AddRequest {
    target: String,
    #[serde(default)]
    download: Option<serde_json::Value>,
}

/// `"all"`, a file index (a number, or a string of digits), or absent.
fn parse_download(value: &serde_json::Value) -> Result<Download, ApiError> {
    let bad = || {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_download",
            "download is \"all\" or a file index (0, 1, ...)",
        )
    };
    match value {
        serde_json::Value::String(s) if s.eq_ignore_ascii_case("all") => Ok(Download::All),
        serde_json::Value::String(s) => s.trim().parse().map(Download::File).map_err(|_| bad()),
        serde_json::Value::Number(n) => n
            .as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .map(Download::File)
            .ok_or_else(bad),
        _ => Err(bad()),
    }
}

/// `POST /api/torrents`: a magnet, a hash or a .torrent file (the body) is opened and its
/// files listed; with `download` (`?download=all|INDEX`, or the JSON body
/// `{"target": .., "download": ..}`) the file(s) also download in the background, with no
/// player attached. `base` is `http://<checked host>`.
pub async fn add(
    pipeline: &Pipeline,
    body: &[u8],
    query: &str,
    base: &str,
) -> Result<Added, AddError> {
    let bad = |message: String| {
        AddError::Api(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_target",
            message,
        ))
    };
    let mut download = None;
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        if key == "download" {
            download = Some(
                parse_download(&serde_json::Value::String(value.into_owned()))
                    .map_err(AddError::Api)?,
            );
        }
    }
    let json;
    let body = if body.first() == Some(&b'{') {
        json = serde_json::from_slice::<AddRequest>(body).map_err(|e| {
            bad(format!(
                "the JSON body is {{\"target\": \"<magnet or hash>\", \"download\": \"all\" | INDEX}}: {e}"
            ))
        })?;
        if let Some(value) = &json.download {
            download = Some(parse_download(value).map_err(AddError::Api)?);
        }
        json.target.as_bytes()
    } else {
        body
    };
    // A .torrent is a bencoded dictionary; anything else must be a magnet or a hash (never a
    // path: this machine's files are not for clients to name).
    let mut upload = None;
    let (target, query) = if body.first() == Some(&b'd') {
        let parsed = librqbit::torrent_from_bytes(body)
            .map_err(|e| bad(format!("not a valid .torrent file: {e}")))?;
        let info_hash = InfoHash::from_bytes(parsed.info_hash.0);
        if pipeline.p2p_enabled() && !info_hash.is_mock() {
            // A file write: off the async workers, like every blocking call.
            let owned = body.to_vec();
            let file = tokio::task::spawn_blocking(move || save_upload(&owned))
                .await
                .map_err(std::io::Error::other)
                .flatten()
                .map_err(|e| {
                    AddError::Api(ApiError::new(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "internal",
                        format!("keeping the uploaded .torrent: {e}"),
                    ))
                })?;
            let target = Target::TorrentFile(file.path().to_path_buf());
            upload = Some(file);
            (target, String::new())
        } else {
            (Target::InfoHash(info_hash), String::new())
        }
    } else {
        let text = std::str::from_utf8(body)
            .map_err(|_| bad("the body must be a magnet link, an info-hash or a .torrent".into()))?
            .trim();
        if text
            .get(..7)
            .is_some_and(|s| s.eq_ignore_ascii_case("magnet:"))
        {
            let magnet = Magnet::parse(text).map_err(|e| bad(e.to_string()))?;
            let query = magnet_query(&magnet);
            (Target::Magnet(magnet), query)
        } else {
            let hash = text.parse::<InfoHash>().map_err(|e| bad(e.to_string()))?;
            (Target::InfoHash(hash), String::new())
        }
    };
    let opened = match download {
        Some(download) => pipeline
            .preload(&target, download)
            .await
            .map(|preload| (preload.info_hash, Some(preload))),
        None => pipeline
            .resolve(&Request { target, file: None })
            .await
            .map(|source| (source.info_hash(), None)),
    };
    if let Some(file) = upload {
        // Removing the temporary file is a blocking call too.
        let _ = tokio::task::spawn_blocking(move || drop(file)).await;
    }
    let (info_hash, preload) = opened.map_err(AddError::Resolve)?;
    let listing = pipeline.files(info_hash).await.map_err(AddError::Resolve)?;
    let mut added = describe(&listing, base, &query);
    added.download = preload;
    Ok(added)
}

fn describe(listing: &FileListing, base: &str, query: &str) -> Added {
    let hash = listing.info_hash;
    let with_query = |path: String| {
        if query.is_empty() {
            format!("{base}{path}")
        } else {
            format!("{base}{path}?{query}")
        }
    };
    let files = listing
        .files
        .iter()
        .map(|f| AddedFile {
            index: f.index,
            path: f.path.to_string_lossy().into_owned(),
            size: f.len,
            video: crate::cache::validate::is_video_extension(&f.path),
            stream_url: with_query(listing.stream_path(f)),
        })
        .collect();
    Added {
        info_hash: hash,
        stream_url: with_query(format!("/stream/proxy/{hash}")),
        m3u_url: format!("{base}/stream/proxy/{hash}.m3u"),
        files,
        download: None,
    }
}

/// Seconds a client is told to wait (`Retry-After`) before asking again for a torrent whose
/// metadata did not arrive: peers may turn up, and each request searches again.
pub const RETRY_AFTER_SECS: u64 = 30;

/// For a request that timed out waiting for a torrent's metadata: what was asked and where.
pub fn waiting_note(error: &ResolveError, pipeline: &Pipeline) -> Option<String> {
    let ResolveError::P2p(
        crate::p2p::P2pError::MetadataTimeout { .. }
        | crate::p2p::P2pError::MetadataUnavailable { .. },
    ) = error
    else {
        return None;
    };
    let engine = pipeline.running_engine()?;
    let options = engine.options();
    let dht = match engine.dht_nodes() {
        Some(nodes) => format!("the DHT ({nodes} nodes known)"),
        None => "no DHT (off)".to_owned(),
    };
    Some(format!(
        "waited for the torrent's metadata (its file list) from {dht}, {} trackers, {} configured \
         peers and the magnet's tr/x.pe if given; nothing is downloaded yet: retry in \
         {RETRY_AFTER_SECS}s (each request searches again), or add trackers/peers \
         (?tr=..&x.pe=..)",
        options.trackers.len(),
        options.peers.len(),
    ))
}

/// The engine opens a .torrent target by path; the upload lives in a temporary file until
/// the engine has read it.
fn save_upload(body: &[u8]) -> std::io::Result<tempfile::NamedTempFile> {
    let mut file = tempfile::Builder::new()
        .prefix("peerstream-upload-")
        .suffix(".torrent")
        .tempfile()?;
    file.write_all(body)?;
    file.flush()?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "08ada5a7a6183aae1e09d831df6748d566095a10";

    #[test]
    fn query_keeps_trackers_and_peers_and_ignores_the_rest() {
        let hash: InfoHash = HEX.parse().unwrap();
        let query = "tr=http%3A%2F%2F127.0.0.1%3A6969%2Fannounce&x.pe=127.0.0.1%3A6881&token=t";
        let magnet = magnet_from_query(hash, query).unwrap();
        assert_eq!(magnet.info_hash, hash);
        assert_eq!(magnet.trackers, ["http://127.0.0.1:6969/announce"]);
        assert_eq!(magnet.peers, ["127.0.0.1:6881"]);
        assert!(magnet_from_query(hash, "token=t").is_none());
        assert!(magnet_from_query(hash, "").is_none());
    }

    #[test]
    fn magnet_redirect_keeps_its_parameters_and_the_token() {
        let uri = format!("magnet:?xt=urn:btih:{HEX}&dn=A%20B&tr=udp://t:1&x.pe=127.0.0.1:6881");
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("uri", &uri)
            .append_pair("token", "s3cret")
            .finish();
        let location = magnet_location(&query).unwrap();
        assert_eq!(
            location,
            format!(
                "/stream/proxy/{HEX}?dn=A+B&tr=udp%3A%2F%2Ft%3A1&x.pe=127.0.0.1%3A6881&token=s3cret"
            )
        );
        let back =
            magnet_from_query(HEX.parse().unwrap(), location.split_once('?').unwrap().1).unwrap();
        assert_eq!(back.trackers, ["udp://t:1"]);
        assert_eq!(back.name.as_deref(), Some("A B"));
        assert!(magnet_location("uri=http://x").is_err());
        assert!(magnet_location("").is_err());
    }
}
