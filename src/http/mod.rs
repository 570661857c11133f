//! The HTTP face: warp routes over the pipeline, served on a listener we accept from ourselves
//! so every socket gets TCP_NODELAY and the server's limits (see `server.rs`); warp's own
//! acceptor offers no hook for either.

mod background;
mod cache_api;
mod conn;
mod error;
mod health;
mod metered;
pub mod metrics;
mod policy;
pub mod range;
mod respond;
mod routes;
mod server;
mod settings;
mod torrents;
mod web;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;

use crate::pipeline::Pipeline;

pub use conn::Timeouts;
pub use health::Readiness;
pub use metrics::Metrics;
pub use policy::Policy;
pub use server::{
    DEFAULT_HEADER_TIMEOUT_SECS, DEFAULT_IDLE_TIMEOUT_SECS, DEFAULT_WRITE_TIMEOUT_SECS, Limits,
    default_max_connections, raise_nofile_limit,
};

/// A bound server: its real address, and the future that serves until `shutdown` resolves.
pub struct BoundServer<F> {
    pub local_addr: SocketAddr,
    pub serving: F,
}

/// State shared by every request.
#[derive(Debug)]
pub struct AppState {
    pub pipeline: Arc<Pipeline>,
    /// Required on every request when set (servers bound beyond loopback).
    pub token: Option<String>,
    /// Host check and CORS.
    pub policy: Policy,
    /// What `/metrics` shows.
    pub metrics: Arc<Metrics>,
    /// What `/ready` answers.
    pub readiness: Arc<Readiness>,
}

/// Binds `addr` and returns the server future; binding errors surface here, not later.
pub async fn bind(
    state: AppState,
    addr: SocketAddr,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<BoundServer<impl Future<Output = ()>>> {
    let listener = TcpListener::bind(addr).await?;
    let local_addr = listener.local_addr()?;
    let connections = Arc::new(conn::Registry::default());
    {
        let connections = connections.clone();
        state.metrics.register_gauge_fn(
            "http_connections",
            "HTTP connections open now",
            move || i64::try_from(connections.len()).unwrap_or(i64::MAX),
        );
    }
    let metrics = state.metrics.clone();
    let service = metered::Metered::new(
        TowerToHyperService::new(warp::service(routes::all(Arc::new(state)))),
        metrics,
    );
    Ok(BoundServer {
        local_addr,
        serving: server::serve(listener, service, limits, connections, shutdown),
    })
}
