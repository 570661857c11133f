//! Turning a [`Source`] and the request headers into a response: status, validators and a
//! body streamed in bounded chunks.

use warp::Reply;
use warp::http::header::{self, HeaderMap, HeaderValue};
use warp::http::{Method, StatusCode};
use warp::reply::Response;

use super::error::ApiError;
use super::range::{self, Conditions, Decision, Representation};
use crate::pipeline::Source;

/// Builds the reply for GET or HEAD of `source`.
pub async fn serve_source(source: &Source, method: &Method, headers: &HeaderMap) -> Response {
    let etag = source.etag();
    let last_modified = source.last_modified();
    let total = source.len();
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    let conditions = Conditions {
        range: text(header::RANGE),
        if_range: text(header::IF_RANGE),
        if_match: text(header::IF_MATCH),
        if_none_match: text(header::IF_NONE_MATCH),
        if_modified_since: text(header::IF_MODIFIED_SINCE),
        if_unmodified_since: text(header::IF_UNMODIFIED_SINCE),
    };
    let representation = Representation {
        len: total,
        etag: &etag,
        last_modified,
    };
    let decision = range::decide(&conditions, &representation);
    let (status, start, len) = match decision {
        Decision::Full => (StatusCode::OK, 0, total),
        Decision::Partial(r) => (StatusCode::PARTIAL_CONTENT, r.start, r.len()),
        Decision::NotModified => {
            let mut response = Response::default();
            *response.status_mut() = StatusCode::NOT_MODIFIED;
            add_validators(response.headers_mut(), &etag, last_modified);
            return response;
        }
        Decision::PreconditionFailed => {
            return ApiError::new(
                StatusCode::PRECONDITION_FAILED,
                "precondition_failed",
                "If-Match or If-Unmodified-Since does not hold for this file",
            )
            .into_response();
        }
        Decision::NotSatisfiable => {
            let mut response = ApiError::new(
                StatusCode::RANGE_NOT_SATISFIABLE,
                "range_not_satisfiable",
                format!("the requested range lies outside the {total}-byte file"),
            )
            .into_response();
            let headers = response.headers_mut();
            headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
            insert_text(headers, header::CONTENT_RANGE, &format!("bytes */{total}"));
            return response;
        }
    };

    let mut response = if *method == Method::HEAD {
        Response::default()
    } else {
        match source.read_range(start, len).await {
            Ok(body) => warp::reply::stream(body).into_response(),
            Err(e) => {
                tracing::error!("opening {}: {e}", source.file_name());
                return ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "read_failed",
                    format!("{} could not be read", source.file_name()),
                )
                .into_response();
            }
        }
    };
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    insert_text(headers, header::CONTENT_LENGTH, &len.to_string());
    if let Decision::Partial(r) = decision {
        insert_text(headers, header::CONTENT_RANGE, &r.content_range(total));
    }
    insert_text(
        headers,
        header::CONTENT_TYPE,
        &content_type_for(&source.file_name()),
    );
    insert_text(
        headers,
        header::CONTENT_DISPOSITION,
        &content_disposition(&source.file_name()),
    );
    add_validators(headers, &etag, last_modified);
    headers.insert(
        "x-peerstream-source",
        HeaderValue::from_static(source.kind().as_str()),
    );
    response
}

fn add_validators(
    headers: &mut HeaderMap,
    etag: &str,
    last_modified: Option<std::time::SystemTime>,
) {
    insert_text(headers, header::ETAG, etag);
    if let Some(lm) = last_modified {
        insert_text(headers, header::LAST_MODIFIED, &httpdate::fmt_http_date(lm));
    }
}

fn insert_text(headers: &mut HeaderMap, name: header::HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(name, value);
    }
}

/// Content type from the extension, with the video types mime_guess gets wrong for us.
pub fn content_type_for(file_name: &str) -> String {
    let extension = std::path::Path::new(file_name)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "ts" | "m2ts" | "mts" => "video/mp2t".to_owned(),
        "mkv" => "video/x-matroska".to_owned(),
        "srt" => "application/x-subrip".to_owned(),
        "vtt" => "text/vtt".to_owned(),
        "ass" | "ssa" => "text/x-ssa".to_owned(),
        _ => mime_guess::from_path(file_name)
            .first_or_octet_stream()
            .essence_str()
            .to_owned(),
    }
}

/// `inline` with an ASCII fallback name and the exact name in RFC 8187 encoding.
pub fn content_disposition(file_name: &str) -> String {
    let ascii: String = file_name
        .chars()
        .map(|c| match c {
            ' '..='~' if c != '"' && c != '\\' => c,
            _ => '_',
        })
        .collect();
    let encoded =
        percent_encoding::utf8_percent_encode(file_name, percent_encoding::NON_ALPHANUMERIC);
    format!("inline; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types() {
        assert_eq!(content_type_for("a.mp4"), "video/mp4");
        assert_eq!(content_type_for("a.MKV"), "video/x-matroska");
        assert_eq!(content_type_for("a.webm"), "video/webm");
        assert_eq!(content_type_for("a.ts"), "video/mp2t");
        assert_eq!(content_type_for("a.srt"), "application/x-subrip");
        assert_eq!(content_type_for("a.VTT"), "text/vtt");
        assert_eq!(content_type_for("a.ass"), "text/x-ssa");
    }

    #[test]
    fn disposition_escapes_quotes_and_unicode() {
        assert_eq!(
            content_disposition("a \"b\".mp4"),
            "inline; filename=\"a _b_.mp4\"; filename*=UTF-8''a%20%22b%22%2Emp4"
        );
        assert_eq!(
            content_disposition("été.mkv"),
            "inline; filename=\"_t_.mkv\"; filename*=UTF-8''%C3%A9t%C3%A9%2Emkv"
        );
    }
}
