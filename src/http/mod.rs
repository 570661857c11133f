//! The HTTP face: warp routes over the pipeline, served on a listener we accept from ourselves
//! so every socket gets TCP_NODELAY (warp's own acceptor offers no hook for it).

mod error;
mod policy;
pub mod range;
mod respond;
mod routes;
mod torrents;
mod web;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;

use crate::pipeline::Pipeline;

pub use error::ApiError;
pub use policy::Policy;

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
}

/// Binds `addr` and returns the server future; binding errors surface here, not later.
pub async fn bind(
    state: AppState,
    addr: SocketAddr,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<BoundServer<impl Future<Output = ()>>> {
    let listener = TcpListener::bind(addr).await?;
    let local_addr = listener.local_addr()?;
    let service = warp::service(routes::all(Arc::new(state)));
    let serving = async move {
        let graceful = hyper_util::server::graceful::GracefulShutdown::new();
        let mut shutdown = std::pin::pin!(shutdown);
        loop {
            let (stream, peer) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(pair) => pair,
                    Err(e) => {
                        // EMFILE and friends: back off instead of spinning.
                        tracing::warn!("accept failed: {e}");
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                        continue;
                    }
                },
                () = &mut shutdown => break,
            };
            if let Err(e) = stream.set_nodelay(true) {
                tracing::debug!("TCP_NODELAY on {peer}: {e}");
            }
            let service = TowerToHyperService::new(service.clone());
            let builder = auto::Builder::new(TokioExecutor::new());
            let connection = builder
                .serve_connection(TokioIo::new(stream), service)
                .into_owned();
            let connection = graceful.watch(connection);
            tokio::spawn(async move {
                if let Err(e) = connection.await {
                    tracing::debug!("connection from {peer}: {e}");
                }
            });
        }
        drop(listener);
        graceful.shutdown().await;
    };
    Ok(BoundServer {
        local_addr,
        serving,
    })
}
