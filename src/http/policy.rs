//! Who may talk to the server from a browser: the Host check against DNS rebinding, and CORS.
//!
//! - Host: a hostile page can rebind its own name to 127.0.0.1 and read the loopback server
//!   as same-origin; its requests still carry `Host: its-name`. So only the bound address,
//!   `localhost`, loopback IPs and the names in `serve.allowed_hosts` are answered. When bound
//!   beyond loopback, every IP literal is accepted too (the machine's own addresses, a port
//!   forward): a literal cannot be rebound, only names can.
//! - CORS: streams are for any player, so `/stream/...` answers every origin (`*`); `/api/*` and
//!   the page answer only the origins in `serve.cors_origins`. Preflights never need the token
//!   (browsers send none); the actual request does.

use std::net::IpAddr;

use warp::http::header::{self, HeaderMap, HeaderValue};
use warp::http::{Method, StatusCode};
use warp::reply::Response;
use warp::{Reply, http::uri::Authority};

use super::error::ApiError;

/// Headers a cross-origin script may read from a stream response.
const EXPOSED: &str = "Content-Range, Accept-Ranges, Content-Length, ETag, X-Peerstream-Source";
/// Request headers a cross-origin script may send.
const ALLOWED_HEADERS: &str = "Authorization, Range, If-Range, If-Match, If-None-Match, \
                               If-Modified-Since, If-Unmodified-Since, Content-Type";
/// How long a browser may cache a preflight answer, in seconds.
const PREFLIGHT_MAX_AGE: &str = "600";

#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// The configured bind address (before the port is known).
    bound: Option<IpAddr>,
    /// Lowercase names without a trailing dot.
    allowed_hosts: Vec<String>,
    /// Origins as browsers send them: `scheme://host[:port]`, no trailing slash.
    cors_origins: Vec<String>,
}

/// Which CORS rules a path follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Area {
    Stream,
    Private,
}

impl Policy {
    pub fn new(bound: IpAddr, allowed_hosts: &[String], cors_origins: &[String]) -> Policy {
        Policy {
            bound: Some(bound),
            allowed_hosts: allowed_hosts.iter().map(|h| normalise_name(h)).collect(),
            cors_origins: cors_origins
                .iter()
                .map(|o| o.trim().trim_end_matches('/').to_ascii_lowercase())
                .collect(),
        }
    }

    /// Whether a request for `authority` (its Host) is answered. A request without any (an
    /// HTTP/1.0 client) is: browsers always send one, and rebinding needs a browser.
    /// A Host that is not a valid authority is refused.
    pub fn host_allowed(&self, host: Option<&str>) -> bool {
        let Some(text) = host else {
            return true;
        };
        let Ok(authority) = text.parse::<Authority>() else {
            return false;
        };
        let host = authority.host();
        let literal = host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = literal.parse::<IpAddr>() {
            let beyond_loopback = self.bound.is_some_and(|b| !b.is_loopback());
            return ip.is_loopback() || Some(ip) == self.bound || beyond_loopback;
        }
        let name = normalise_name(host);
        name == "localhost" || self.allowed_hosts.contains(&name)
    }

    /// The answer to a request that must not reach the routes: a foreign Host (403) or a
    /// preflight (204, or 403 for an origin not allowed on `/api/*`).
    pub fn gate(&self, path: &str, method: &Method, headers: &HeaderMap) -> Option<Response> {
        if !self.host_allowed(host_of(headers)) {
            return Some(
                ApiError::new(
                    StatusCode::FORBIDDEN,
                    "forbidden_host",
                    "this server answers only its own address, localhost and \
                     serve.allowed_hosts (--allowed-host)",
                )
                .into_response(),
            );
        }
        if *method != Method::OPTIONS {
            return None;
        }
        let origin = headers.get(header::ORIGIN);
        let mut response = match (area(path), origin) {
            (Area::Private, Some(origin)) if !self.origin_allowed(origin) => {
                return Some(
                    ApiError::new(
                        StatusCode::FORBIDDEN,
                        "forbidden_origin",
                        "this origin may not read /api/*: add it to serve.cors_origins \
                         (--cors-origin)",
                    )
                    .into_response(),
                );
            }
            _ => Response::default(),
        };
        *response.status_mut() = StatusCode::NO_CONTENT;
        let out = response.headers_mut();
        let methods = match area(path) {
            Area::Stream => "GET, HEAD, OPTIONS",
            Area::Private => "GET, HEAD, POST, PATCH, PUT, DELETE, OPTIONS",
        };
        out.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static(methods),
        );
        out.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static(ALLOWED_HEADERS),
        );
        out.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static(PREFLIGHT_MAX_AGE),
        );
        out.insert(header::ALLOW, HeaderValue::from_static(methods));
        Some(response)
    }

    /// Adds the CORS headers `path` gets for this request's Origin.
    pub fn decorate(&self, path: &str, headers: &HeaderMap, response: &mut Response) {
        let out = response.headers_mut();
        match area(path) {
            Area::Stream => {
                out.insert(
                    header::ACCESS_CONTROL_ALLOW_ORIGIN,
                    HeaderValue::from_static("*"),
                );
                out.insert(
                    header::ACCESS_CONTROL_EXPOSE_HEADERS,
                    HeaderValue::from_static(EXPOSED),
                );
            }
            Area::Private => {
                out.append(header::VARY, HeaderValue::from_static("Origin"));
                if let Some(origin) = headers.get(header::ORIGIN)
                    && self.origin_allowed(origin)
                {
                    out.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
                    out.insert(
                        header::ACCESS_CONTROL_EXPOSE_HEADERS,
                        HeaderValue::from_static(EXPOSED),
                    );
                }
            }
        }
    }

    fn origin_allowed(&self, origin: &HeaderValue) -> bool {
        origin.to_str().is_ok_and(|o| {
            let o = o.trim_end_matches('/').to_ascii_lowercase();
            self.cors_origins.contains(&o)
        })
    }
}

/// The request's Host header; `Some("")` (refused) when it is not text.
pub fn host_of(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::HOST)
        .map(|h| h.to_str().unwrap_or_default())
}

fn area(path: &str) -> Area {
    if path.starts_with("/stream/") {
        Area::Stream
    } else {
        Area::Private
    }
}

fn normalise_name(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn authority(text: &str) -> Option<&str> {
        Some(text)
    }

    #[test]
    fn loopback_bind_answers_only_its_own_names() {
        let policy = Policy::new([127, 0, 0, 1].into(), &["Media.Lan".into()], &[]);
        for ok in [
            "127.0.0.1:8787",
            "127.0.0.2",
            "[::1]:8787",
            "localhost:8787",
            "LOCALHOST.",
            "media.lan:8787",
        ] {
            assert!(policy.host_allowed(authority(ok)), "{ok}");
        }
        for bad in [
            "",
            "evil.example",
            "evil.example:8787",
            "192.168.1.5:8787",
            "localhost.evil",
        ] {
            assert!(!policy.host_allowed(authority(bad)), "{bad}");
        }
        assert!(policy.host_allowed(None));
    }

    #[test]
    fn beyond_loopback_every_ip_literal_is_answered_but_names_are_not() {
        let policy = Policy::new([0, 0, 0, 0].into(), &[], &[]);
        assert!(policy.host_allowed(Some("192.168.1.5:8787")));
        assert!(policy.host_allowed(Some("[fe80::1]:8787")));
        assert!(!policy.host_allowed(Some("evil.example:8787")));
        assert!(!policy.host_allowed(Some("a b")));
    }

    #[test]
    fn api_preflight_only_for_listed_origins_stream_preflight_for_all() {
        let policy = Policy::new(
            [127, 0, 0, 1].into(),
            &[],
            &["http://localhost:3000/".into()],
        );
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8787"));
        headers.insert(header::ORIGIN, HeaderValue::from_static("http://other:1"));
        let stream = policy.gate("/stream/proxy/x", &Method::OPTIONS, &headers);
        assert_eq!(stream.map(|r| r.status()), Some(StatusCode::NO_CONTENT));
        let api = policy.gate("/api/cache", &Method::OPTIONS, &headers);
        assert_eq!(api.map(|r| r.status()), Some(StatusCode::FORBIDDEN));
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://localhost:3000"),
        );
        let api = policy.gate("/api/cache", &Method::OPTIONS, &headers);
        assert_eq!(api.map(|r| r.status()), Some(StatusCode::NO_CONTENT));
        assert!(policy.gate("/api/cache", &Method::GET, &headers).is_none());
    }
}
