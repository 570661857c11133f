//! The page at `GET /`: plain HTML, CSS and JS compiled into the binary and served as one
//! document (the style and script inlined), so a token in `?token=` covers all of it.

use std::sync::LazyLock;

use warp::Reply;
use warp::http::header::{self, HeaderMap, HeaderValue};
use warp::http::{Method, StatusCode};
use warp::reply::Response;

const HTML: &str = include_str!("web/index.html");
const STYLE: &str = include_str!("web/style.css");
const SCRIPT: &str = include_str!("web/app.js");

/// The assembled page and its ETag (a hash of the bytes: it changes with every build that
/// changes the page).
static PAGE: LazyLock<(String, String)> = LazyLock::new(|| {
    let page = HTML
        .replace("/*STYLE*/", STYLE)
        .replace("/*SCRIPT*/", SCRIPT)
        .replace("@VERSION@", env!("CARGO_PKG_VERSION"));
    let digest = <sha1::Sha1 as sha1::Digest>::digest(page.as_bytes());
    let etag = format!("\"page-{}\"", data_encoding::HEXLOWER.encode(&digest[..8]));
    (page, etag)
});

/// `GET|HEAD /`.
pub fn page(method: &Method, headers: &HeaderMap) -> Response {
    let (page, etag) = &*PAGE;
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut response = if fresh {
        let mut r = Response::default();
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        r
    } else if *method == Method::HEAD {
        Response::default()
    } else {
        warp::reply::html(page.clone()).into_response()
    };
    let out = response.headers_mut();
    out.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    if let Ok(value) = HeaderValue::from_str(etag) {
        out.insert(header::ETAG, value);
    }
    // Revalidate every time: a new binary brings a new page.
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    out.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; \
             media-src 'self' blob:; img-src 'self' data:; frame-ancestors 'none'",
        ),
    );
    out.insert("x-frame-options", HeaderValue::from_static("DENY"));
    response
}

/// The 401 a browser gets for the page without its token: a form that asks for it once.
pub fn token_form() -> Response {
    let body = "<!doctype html><meta charset=utf-8><meta name=viewport \
        content=\"width=device-width,initial-scale=1\"><title>peerstream: token</title>\
        <body style=\"font-family:system-ui,sans-serif;max-width:30em;margin:3em auto;padding:0 1em\">\
        <h1>peerstream</h1><p>This server needs its access token (printed by \
        <code>peerstream serve</code>, or <code>serve.token</code> in its config).</p>\
        <form method=get action=\"/\"><input name=token type=password autofocus \
        required placeholder=token style=\"font-size:1.1em;width:100%\"> \
        <p><button>Open</button></p></form></body>";
    let mut response = warp::reply::html(body).into_response();
    *response.status_mut() = StatusCode::UNAUTHORIZED;
    response
}
