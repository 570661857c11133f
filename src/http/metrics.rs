//! `GET /metrics`: the server's numbers in the OpenMetrics text format (which Prometheus
//! scrapes), through `prometheus-client`.
//!
//! Requests, bytes and first-byte times are counted by [`super::metered`] around every
//! response; cache hits and misses by the stream route; the engine's torrents, peers, rates,
//! NAT type and port mapping are read from the running engine at each scrape, and other parts of
//! the program add their own numbers through [`Metrics::register_counter_fn`],
//! [`Metrics::register_gauge_fn`] or [`Metrics::register`].

use std::sync::{Arc, Mutex};

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Metric, Registry};

use crate::pipeline::Pipeline;

/// The content type of the OpenMetrics text format.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub route: &'static str,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SourceLabels {
    /// `cache`, `swarm` or `mock` (the `X-Peerstream-Source` of the response).
    pub source: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ResultLabels {
    result: &'static str,
}

/// Every series `/metrics` shows. Shared by the routes, the response wrapper and the collectors.
#[derive(Debug)]
pub struct Metrics {
    registry: Mutex<Registry>,
    requests: Family<RequestLabels, Counter>,
    bytes: Family<SourceLabels, Counter>,
    first_byte: Family<SourceLabels, Histogram>,
    cache: Family<ResultLabels, Counter>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("peerstream");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route and status",
            requests.clone(),
        );
        let bytes = Family::<SourceLabels, Counter>::default();
        registry.register(
            "served_bytes",
            "Response body bytes of streams handed to the connection, by source \
             (cache, swarm, mock)",
            bytes.clone(),
        );
        // 1 ms to ~65 s: a cache hit is a few ms, a swarm start up to the metadata timeout.
        let first_byte = Family::<SourceLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.001, 2.0, 17))
        });
        registry.register(
            "time_to_first_byte_seconds",
            "Seconds from a stream request to the first body byte, by source",
            first_byte.clone(),
        );
        let cache = Family::<ResultLabels, Counter>::default();
        registry.register(
            "cache_lookups",
            "Stream requests for a real info-hash: answered from the cache (hit) or not (miss)",
            cache.clone(),
        );
        Metrics {
            registry: Mutex::new(registry),
            requests,
            bytes,
            first_byte,
            cache,
        }
    }
}

impl Metrics {
    pub fn new() -> Arc<Metrics> {
        Arc::new(Metrics::default())
    }

    fn registry(&self) -> std::sync::MutexGuard<'_, Registry> {
        // Registration is one push; a panic in between leaves the registry usable.
        self.registry.lock().unwrap_or_else(|e| e.into_inner())
    }

    #[allow(
        dead_code,
        reason = "for parts that keep their own metric, such as the cache"
    )]
    /// Adds a metric of prometheus-client's (a `Counter`, `Gauge`, `Family`, ...) kept by the
    /// caller; `name` gets the `peerstream_` prefix.
    pub fn register(&self, name: &str, help: &str, metric: impl Metric) {
        self.registry().register(name, help, metric);
    }

    /// A counter read from `value` at every scrape (e.g. the cache's evictions); `name` gets the
    /// `peerstream_` prefix and, as every counter, the `_total` suffix.
    pub fn register_counter_fn(
        &self,
        name: &'static str,
        help: &'static str,
        value: impl Fn() -> u64 + Send + Sync + 'static,
    ) {
        self.registry().register_collector(Box::new(FnMetric {
            name,
            help,
            read: Read::Counter(Box::new(value)),
        }));
    }

    /// A gauge read from `value` at every scrape (e.g. the cache's size in bytes).
    pub fn register_gauge_fn(
        &self,
        name: &'static str,
        help: &'static str,
        value: impl Fn() -> i64 + Send + Sync + 'static,
    ) {
        self.registry().register_collector(Box::new(FnMetric {
            name,
            help,
            read: Read::Gauge(Box::new(value)),
        }));
    }

    /// Shows the engine's numbers (torrents, peers, rates, NAT, port mapping) from now on.
    pub fn watch_engine(&self, pipeline: Arc<Pipeline>) {
        self.registry()
            .register_collector(Box::new(EngineCollector { pipeline }));
    }

    /// The whole text answer of `/metrics`.
    pub fn render(&self) -> String {
        let mut text = String::new();
        if let Err(e) = prometheus_client::encoding::text::encode(&mut text, &self.registry()) {
            tracing::warn!("encoding the metrics: {e}");
        }
        text
    }

    pub fn request(&self, route: &'static str, status: u16) {
        self.requests
            .get_or_create(&RequestLabels { route, status })
            .inc();
    }

    pub fn served(&self, source: &'static str, bytes: u64) {
        self.bytes
            .get_or_create(&SourceLabels { source })
            .inc_by(bytes);
    }

    pub fn first_byte(&self, source: &'static str, seconds: f64) {
        self.first_byte
            .get_or_create(&SourceLabels { source })
            .observe(seconds);
    }

    /// A stream request the cache answered (`true`) or could not (`false`).
    pub fn cache_lookup(&self, hit: bool) {
        let result = if hit { "hit" } else { "miss" };
        self.cache.get_or_create(&ResultLabels { result }).inc();
    }
}

/// How an [`FnMetric`] reads its value.
enum Read {
    Counter(Box<dyn Fn() -> u64 + Send + Sync>),
    Gauge(Box<dyn Fn() -> i64 + Send + Sync>),
}

/// One number read at scrape time.
struct FnMetric {
    name: &'static str,
    help: &'static str,
    read: Read,
}

impl std::fmt::Debug for FnMetric {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

impl Collector for FnMetric {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        match &self.read {
            Read::Counter(read) => encode_one(&mut encoder, self.name, self.help, &counter(read())),
            Read::Gauge(read) => encode_one(&mut encoder, self.name, self.help, &gauge(read())),
        }
    }
}

fn counter(value: u64) -> ConstCounter<u64> {
    ConstCounter::new(value)
}

fn gauge(value: i64) -> ConstGauge<i64> {
    ConstGauge::new(value)
}

fn encode_one(
    encoder: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    metric: &impl EncodeMetric,
) -> Result<(), std::fmt::Error> {
    metric.encode(encoder.encode_descriptor(name, help, None, metric.metric_type())?)
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct NatLabels {
    nat_type: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct MappingLabels {
    method: String,
    protocol: String,
}

/// The engine's numbers, read from the running engine at each scrape (all zero before it
/// starts and with P2P off).
struct EngineCollector {
    pipeline: Arc<Pipeline>,
}

impl std::fmt::Debug for EngineCollector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EngineCollector")
    }
}

impl Collector for EngineCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let engine = self.pipeline.running_engine();
        let stats = engine.map(|e| e.swarm_stats()).unwrap_or_default();
        let up = i64::from(engine.is_some());
        encode_one(
            &mut encoder,
            "engine_up",
            "1 when the torrent engine (and the NAT coordinator before it) has started",
            &gauge(up),
        )?;
        let as_gauge = |n: u64| gauge(i64::try_from(n).unwrap_or(i64::MAX));
        encode_one(
            &mut encoder,
            "torrents",
            "Torrents in the engine's session",
            &as_gauge(stats.torrents as u64),
        )?;
        encode_one(
            &mut encoder,
            "peers",
            "Peers with a live connection, over every torrent",
            &gauge(i64::from(stats.peers_live)),
        )?;
        encode_one(
            &mut encoder,
            "peers_connecting",
            "Peers being connected to",
            &gauge(i64::from(stats.peers_connecting)),
        )?;
        encode_one(
            &mut encoder,
            "swarm_download_bytes_per_second",
            "Download rate from peers (librqbit's estimate over the last seconds)",
            &as_gauge(stats.download_bytes_per_second),
        )?;
        encode_one(
            &mut encoder,
            "swarm_upload_bytes_per_second",
            "Upload rate to peers",
            &as_gauge(stats.upload_bytes_per_second),
        )?;
        encode_one(
            &mut encoder,
            "swarm_downloaded_bytes",
            "Payload bytes received from peers since the engine started",
            &counter(stats.downloaded_bytes),
        )?;
        encode_one(
            &mut encoder,
            "swarm_uploaded_bytes",
            "Payload bytes sent to peers since the engine started",
            &counter(stats.uploaded_bytes),
        )?;
        let Some(engine) = engine else {
            return Ok(());
        };
        let coordination = engine.coordination();
        let labels = NatLabels {
            nat_type: coordination
                .nat_type
                .clone()
                .unwrap_or_else(|| "unknown".to_owned()),
            status: coordination.nat_status.map_or_else(
                || {
                    if coordination.enabled {
                        "unknown"
                    } else {
                        "off"
                    }
                    .to_owned()
                },
                |s| {
                    serde_json::to_value(s)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default()
                },
            ),
        };
        let one = gauge(1);
        let mut nat = encoder.encode_descriptor(
            "nat",
            "The NAT type the coordinator found (the value is always 1)",
            None,
            one.metric_type(),
        )?;
        one.encode(nat.encode_family(&labels)?)?;
        encode_one(
            &mut encoder,
            "port_mapped",
            "1 when the router maps the torrent port (UPnP-IGD, PCP or NAT-PMP)",
            &gauge(i64::from(!coordination.mappings.is_empty())),
        )?;
        if !coordination.mappings.is_empty() {
            let mut mappings = encoder.encode_descriptor(
                "port_mapping_external_port",
                "The external port of each router mapping",
                None,
                one.metric_type(),
            )?;
            for record in &coordination.mappings {
                let labels = MappingLabels {
                    method: record.method.to_string(),
                    protocol: record.protocol.to_string(),
                };
                gauge(i64::from(record.external_port)).encode(mappings.encode_family(&labels)?)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line_value(text: &str, series: &str) -> Option<String> {
        text.lines()
            .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ').map(str::to_owned))
    }

    #[test]
    fn counters_and_histograms_render_with_their_labels() {
        let metrics = Metrics::default();
        metrics.request("stream", 206);
        metrics.request("stream", 206);
        metrics.request("health", 200);
        metrics.served("cache", 1000);
        metrics.served("cache", 24);
        metrics.first_byte("cache", 0.003);
        metrics.cache_lookup(true);
        metrics.cache_lookup(false);
        metrics.cache_lookup(false);
        let text = metrics.render();
        assert_eq!(
            line_value(
                &text,
                r#"peerstream_http_requests_total{route="stream",status="206"}"#
            )
            .as_deref(),
            Some("2"),
            "{text}"
        );
        assert_eq!(
            line_value(
                &text,
                r#"peerstream_http_requests_total{route="health",status="200"}"#
            )
            .as_deref(),
            Some("1")
        );
        assert_eq!(
            line_value(&text, r#"peerstream_served_bytes_total{source="cache"}"#).as_deref(),
            Some("1024")
        );
        assert_eq!(
            line_value(&text, r#"peerstream_cache_lookups_total{result="miss"}"#).as_deref(),
            Some("2")
        );
        // 3 ms falls in the 4 ms bucket and every bucket above it, not the 2 ms one.
        assert_eq!(
            line_value(
                &text,
                r#"peerstream_time_to_first_byte_seconds_bucket{le="0.002",source="cache"}"#
            )
            .as_deref(),
            Some("0"),
            "{text}"
        );
        assert_eq!(
            line_value(
                &text,
                r#"peerstream_time_to_first_byte_seconds_bucket{le="0.004",source="cache"}"#
            )
            .as_deref(),
            Some("1")
        );
        assert!(text.ends_with("# EOF\n"), "{text}");
    }

    #[test]
    fn registered_functions_are_read_at_every_scrape() {
        let metrics = Metrics::default();
        let evictions = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let read = evictions.clone();
        metrics.register_counter_fn("cache_evictions", "Files evicted", move || {
            read.load(std::sync::atomic::Ordering::Relaxed)
        });
        metrics.register_gauge_fn("cache_size_bytes", "Bytes in the cache", || 4096);
        assert_eq!(
            line_value(&metrics.render(), "peerstream_cache_evictions_total").as_deref(),
            Some("0")
        );
        evictions.store(3, std::sync::atomic::Ordering::Relaxed);
        let text = metrics.render();
        assert_eq!(
            line_value(&text, "peerstream_cache_evictions_total").as_deref(),
            Some("3")
        );
        assert!(
            text.contains("# TYPE peerstream_cache_evictions counter"),
            "{text}"
        );
        assert_eq!(
            line_value(&text, "peerstream_cache_size_bytes").as_deref(),
            Some("4096")
        );
    }

    #[test]
    fn without_an_engine_its_series_are_zero() {
        let metrics = Metrics::default();
        let pipeline = Arc::new(Pipeline::new(
            crate::cache::Cache::new(std::path::Path::new("/nonexistent-peerstream-cache")),
            None,
        ));
        metrics.watch_engine(pipeline);
        let text = metrics.render();
        assert_eq!(
            line_value(&text, "peerstream_engine_up").as_deref(),
            Some("0")
        );
        assert_eq!(
            line_value(&text, "peerstream_torrents").as_deref(),
            Some("0")
        );
        assert!(!text.contains("peerstream_nat{"), "{text}");
    }
}
