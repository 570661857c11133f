//! Counts every response for `/metrics`: requests by route and status, and for streams the
//! body bytes by source and the time to the first body byte. A wrapper around the whole
//! service, so no route has to remember it.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use hyper::body::{Body, Buf, Frame, SizeHint};

use super::metrics::Metrics;

/// The route label of a path: a fixed set, so clients cannot grow the series.
pub fn route_of(path: &str) -> &'static str {
    let mut parts = path.trim_start_matches('/').split('/');
    match (parts.next(), parts.next()) {
        (Some(""), None) => "page",
        (Some("stream"), Some("proxy")) => "stream",
        (Some("stream"), Some("magnet")) => "magnet",
        (Some("api"), Some("cache")) => "api_cache",
        (Some("api"), Some("torrents")) => "api_torrents",
        (Some("api"), Some("status")) => "api_status",
        (Some("api"), Some("settings")) => "api_settings",
        (Some("health"), None) => "health",
        (Some("ready"), None) => "ready",
        (Some("metrics"), None) => "metrics",
        _ => "other",
    }
}

/// The source label of a stream response, from its `X-Peerstream-Source`.
fn source_of<B>(response: &http::Response<B>) -> Option<&'static str> {
    match response.headers().get("x-peerstream-source")?.as_bytes() {
        b"cache" => Some("cache"),
        b"swarm" => Some("swarm"),
        b"mock" => Some("mock"),
        _ => None,
    }
}

#[derive(Debug, Clone)]
pub struct Metered<S> {
    inner: S,
    metrics: Arc<Metrics>,
}

impl<S> Metered<S> {
    pub fn new(inner: S, metrics: Arc<Metrics>) -> Self {
        Metered { inner, metrics }
    }
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

impl<S, R, B> hyper::service::Service<http::Request<R>> for Metered<S>
where
    S: hyper::service::Service<http::Request<R>, Response = http::Response<B>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = http::Response<MeteredBody<B>>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Self::Response, S::Error>>;

    fn call(&self, request: http::Request<R>) -> Self::Future {
        let started = Instant::now();
        let route = route_of(request.uri().path());
        let response = self.inner.call(request);
        let metrics = self.metrics.clone();
        Box::pin(async move {
            let response = response.await?;
            metrics.request(route, response.status().as_u16());
            let source = source_of(&response);
            Ok(response.map(|inner| MeteredBody {
                inner,
                meter: source.map(|source| Meter {
                    metrics,
                    source,
                    started,
                    first_seen: false,
                }),
            }))
        })
    }
}

#[derive(Debug)]
struct Meter {
    metrics: Arc<Metrics>,
    source: &'static str,
    started: Instant,
    first_seen: bool,
}

/// A response body that reports its bytes (and when the first came) for stream responses.
#[derive(Debug)]
pub struct MeteredBody<B> {
    inner: B,
    meter: Option<Meter>,
}

impl<B: Body + Unpin> Body for MeteredBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if let (Poll::Ready(frame), Some(meter)) = (&polled, self.meter.as_mut()) {
            let bytes = match frame {
                Some(Ok(frame)) => frame.data_ref().map_or(0, |d| d.remaining() as u64),
                _ => 0,
            };
            if !meter.first_seen && (bytes > 0 || frame.is_none()) {
                meter.first_seen = true;
                meter
                    .metrics
                    .first_byte(meter.source, meter.started.elapsed().as_secs_f64());
            }
            if bytes > 0 {
                meter.metrics.served(meter.source, bytes);
            }
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_are_a_fixed_set() {
        assert_eq!(route_of("/"), "page");
        assert_eq!(route_of("/stream/proxy/abc"), "stream");
        assert_eq!(route_of("/stream/proxy/abc/2"), "stream");
        assert_eq!(route_of("/stream/magnet"), "magnet");
        assert_eq!(route_of("/api/torrents"), "api_torrents");
        assert_eq!(route_of("/api/settings"), "api_settings");
        assert_eq!(route_of("/health"), "health");
        assert_eq!(route_of("/ready"), "ready");
        assert_eq!(route_of("/metrics"), "metrics");
        assert_eq!(route_of("/random/thing"), "other");
        assert_eq!(route_of("/healthz"), "other");
    }
}
