//! The accept loop and its limits: a cap on connections, timeouts for request heads, idle
//! keep-alive and stuck writes, and the open-file limit raised at start-up.
//!
//! At the cap, a new connection first displaces the connection that has waited longest for a
//! request (a slow or idle client costs nothing to drop, and a player mid-stream is never one of
//! them); only when every connection is busy serving is the new one answered 503 `overloaded`
//! and closed. Not accepting at the cap would leave every later client, `/health` included,
//! queued behind the slow ones in the kernel's backlog until their timeouts ran out.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

use super::conn::{Conn, Ended, Registry, Timeouts, TrackedIo, TrackedService};

/// Default seconds from accepting a connection to its complete request head.
pub const DEFAULT_HEADER_TIMEOUT_SECS: u64 = 10;
/// Default seconds a kept-alive connection may wait for its next request.
pub const DEFAULT_IDLE_TIMEOUT_SECS: u64 = 60;
/// Default seconds a response write may make no progress (a paused player stops reading too,
/// so this is long; players reopen the stream when they resume).
pub const DEFAULT_WRITE_TIMEOUT_SECS: u64 = 300;
/// File descriptors kept back from HTTP clients for torrent peers, cache files and the engine.
pub const NOFILE_RESERVE: u64 = 256;
/// The connection cap is never sized below this...
pub const MIN_CONNECTIONS: usize = 64;
/// ...nor above this (each connection may hold a body chunk of 256 KiB).
pub const MAX_DEFAULT_CONNECTIONS: usize = 16_384;
/// Refusals (503) being written at once; further excess connections are closed unanswered.
const REFUSALS_IN_FLIGHT: usize = 64;
/// How long a refusal waits for the client to read the 503 and close.
const REFUSAL_LINGER: Duration = Duration::from_secs(2);
/// At most one accept-error warning per this period; the rest are counted.
const ACCEPT_WARN_EVERY: Duration = Duration::from_secs(10);
/// How often the heap trimmer looks at the connection count.
const TRIM_CHECK_EVERY: Duration = Duration::from_secs(2);
/// The second trim after a burst.
const TRIM_AGAIN_AFTER: Duration = Duration::from_secs(12);
/// Connections that must have closed since the peak before the heap is trimmed.
const TRIM_AFTER_DROP_OF: usize = 256;
/// What a client can make a connection buffer for one request head (hyper's default is
/// ~400 KiB; nginx allows 32 KiB). Measured: no change in throughput or memory under normal load
/// (response chunks go to the socket, not through this buffer); it bounds hostile heads.
const MAX_BUF_SIZE: usize = 64 * 1024;

/// What the server holds its clients to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub timeouts: Timeouts,
    pub max_connections: usize,
}

impl Limits {
    /// The defaults for a process that may open `nofile` files.
    pub fn defaults(nofile: Option<u64>) -> Limits {
        Limits {
            timeouts: Timeouts {
                header: Some(Duration::from_secs(DEFAULT_HEADER_TIMEOUT_SECS)),
                idle: Some(Duration::from_secs(DEFAULT_IDLE_TIMEOUT_SECS)),
                write: Some(Duration::from_secs(DEFAULT_WRITE_TIMEOUT_SECS)),
            },
            max_connections: default_max_connections(nofile),
        }
    }
}

/// Half of the file descriptors left after the reserve (a streaming connection also holds an
/// open cache file), within [`MIN_CONNECTIONS`, `MAX_DEFAULT_CONNECTIONS`].
pub fn default_max_connections(nofile: Option<u64>) -> usize {
    let Some(nofile) = nofile else {
        return 1024;
    };
    let half = nofile.saturating_sub(NOFILE_RESERVE) / 2;
    usize::try_from(half)
        .unwrap_or(usize::MAX)
        .clamp(MIN_CONNECTIONS, MAX_DEFAULT_CONNECTIONS)
}

/// Raises the soft open-file limit to the hard one (as nginx and Go do) and returns the soft
/// limit in force, or `None` when it cannot be read.
pub fn raise_nofile_limit() -> Option<u64> {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => {
            tracing::debug!("open-file limit: {limit}");
            Some(limit)
        }
        Err(e) => {
            tracing::debug!("raising the open-file limit: {e}");
            rlimit::getrlimit(rlimit::Resource::NOFILE)
                .ok()
                .map(|(soft, _)| soft)
        }
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Accepts until `shutdown` resolves, then waits for open connections to finish. Every
/// connection is tracked in `registry`.
pub async fn serve<S, B>(
    listener: TcpListener,
    service: S,
    limits: Limits,
    registry: Arc<Registry>,
    shutdown: impl Future<Output = ()>,
) where
    S: hyper::service::Service<http::Request<Incoming>, Response = http::Response<B>>
        + Clone
        + Send
        + Sync
        + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError> + Send + 'static,
    B: hyper::body::Body + Send + Unpin + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut builder = auto::Builder::new(TokioExecutor::new());
    // Our own watchdog owns the header timeout: hyper's would also cut idle keep-alive time.
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(None)
        .max_buf_size(MAX_BUF_SIZE);
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let refusals = Arc::new(Semaphore::new(REFUSALS_IN_FLIGHT));
    let peak = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let _trimmer = AbortOnDrop(tokio::spawn(trim_after_bursts(
        slots.clone(),
        limits.max_connections,
        peak.clone(),
    )));
    let mut accept_warnings = RateLimitedWarning::new(ACCEPT_WARN_EVERY);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    accept_warnings.warn(format_args!("accept failed: {e}"));
                    if is_out_of_files(&e) {
                        registry.evict_longest_waiting();
                    }
                    // Back off instead of spinning while the error lasts.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let permit = match slots.clone().try_acquire_owned() {
            Ok(permit) => Some(permit),
            Err(_) if registry.evict_longest_waiting() => {
                tokio::time::timeout(Duration::from_secs(1), slots.clone().acquire_owned())
                    .await
                    .ok()
                    .and_then(Result::ok)
            }
            Err(_) => None,
        };
        let Some(permit) = permit else {
            if let Ok(refusal) = refusals.clone().try_acquire_owned() {
                tokio::spawn(async move {
                    refuse_overloaded(stream).await;
                    drop(refusal);
                });
            }
            continue;
        };
        let live = limits.max_connections - slots.available_permits();
        peak.fetch_max(live, std::sync::atomic::Ordering::Relaxed);
        if let Err(e) = stream.set_nodelay(true) {
            tracing::debug!("TCP_NODELAY on {peer}: {e}");
        }
        let conn = Conn::new();
        let registration = registry.add(conn.clone());
        let service = TrackedService::new(service.clone(), conn.clone());
        let io = TokioIo::new(TrackedIo::new(stream, conn.clone()));
        let connection = graceful.watch(builder.serve_connection(io, service).into_owned());
        let timeouts = limits.timeouts;
        tokio::spawn(async move {
            tokio::select! {
                result = connection => if let Err(e) = result {
                    tracing::debug!("connection from {peer}: {e}");
                },
                why = conn.watchdog(timeouts) => log_ended(peer, why),
            }
            drop(registration);
            drop(permit);
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// Gives the heap back to the system after a burst of connections has ended: glibc keeps freed
/// memory for reuse, measured at ~97 MiB after 2000 clients against 16 MiB once trimmed. It
/// trims again a little later, once tokio's idle blocking threads (10 s) have exited.
async fn trim_after_bursts(
    slots: Arc<Semaphore>,
    max_connections: usize,
    peak: Arc<std::sync::atomic::AtomicUsize>,
) {
    use std::sync::atomic::Ordering;
    let mut again_at: Option<Instant> = None;
    loop {
        tokio::time::sleep(TRIM_CHECK_EVERY).await;
        let live = max_connections - slots.available_permits();
        if peak.load(Ordering::Relaxed).saturating_sub(live) >= TRIM_AFTER_DROP_OF {
            peak.store(live, Ordering::Relaxed);
            trim_heap();
            again_at = Some(Instant::now() + TRIM_AGAIN_AFTER);
        } else if again_at.is_some_and(|at| Instant::now() >= at) {
            again_at = None;
            trim_heap();
        }
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn trim_heap() {
    // SAFETY: malloc_trim only returns free memory to the system; it is thread-safe.
    let released = unsafe { libc::malloc_trim(0) };
    tracing::debug!("heap trimmed after a burst of connections (released: {released})");
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn trim_heap() {}

/// Ends a helper task with the server future, however that ends.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

fn log_ended(peer: std::net::SocketAddr, why: Ended) {
    let what = match why {
        Ended::HeaderTimeout => "no complete request head in time",
        Ended::IdleTimeout => "idle keep-alive timeout",
        Ended::WriteTimeout => "the client stopped reading",
        Ended::Evicted => "closed to make room for a new connection",
    };
    tracing::debug!("connection from {peer} closed: {what}");
}

fn is_out_of_files(e: &std::io::Error) -> bool {
    // EMFILE (24) and ENFILE (23) on Linux and the BSDs.
    matches!(e.raw_os_error(), Some(23 | 24))
}

/// The body of the 503 sent when every connection slot is busy serving.
pub const OVERLOADED_BODY: &str =
    r#"{"error":"the server is at its connection limit; retry shortly","code":"overloaded"}"#;

/// Answers 503 and closes. Written by hand: running hyper for it would cost what is refused.
async fn refuse_overloaded(mut stream: TcpStream) {
    let response = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nretry-after: 1\r\nx-content-type-options: nosniff\r\n\
         connection: close\r\n\r\n{OVERLOADED_BODY}",
        OVERLOADED_BODY.len()
    );
    let linger = async {
        stream.write_all(response.as_bytes()).await?;
        stream.shutdown().await?;
        // Read what the client sent until it closes: closing with unread bytes would send a
        // reset that can destroy the 503 before the client reads it.
        let mut sink = [0u8; 4096];
        while stream.read(&mut sink).await? > 0 {}
        Ok::<_, std::io::Error>(())
    };
    let _ = tokio::time::timeout(REFUSAL_LINGER, linger).await;
}

/// One warning per period; the ones in between are counted and reported with the next.
struct RateLimitedWarning {
    every: Duration,
    last: Option<Instant>,
    suppressed: u64,
}

impl RateLimitedWarning {
    fn new(every: Duration) -> Self {
        RateLimitedWarning {
            every,
            last: None,
            suppressed: 0,
        }
    }

    /// Whether this one was logged.
    fn warn(&mut self, message: std::fmt::Arguments<'_>) -> bool {
        let now = Instant::now();
        if self
            .last
            .is_some_and(|last| now.duration_since(last) < self.every)
        {
            self.suppressed += 1;
            return false;
        }
        if self.suppressed > 0 {
            tracing::warn!(
                "{message} ({} more like it in the last {}s)",
                self.suppressed,
                self.every.as_secs()
            );
        } else {
            tracing::warn!("{message}");
        }
        self.last = Some(now);
        self.suppressed = 0;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_cap_follows_the_open_file_limit() {
        assert_eq!(default_max_connections(Some(1024)), 384);
        assert_eq!(default_max_connections(Some(256)), MIN_CONNECTIONS);
        assert_eq!(default_max_connections(Some(0)), MIN_CONNECTIONS);
        assert_eq!(default_max_connections(Some(20_000)), 9_872);
        assert_eq!(
            default_max_connections(Some(1 << 20)),
            MAX_DEFAULT_CONNECTIONS
        );
        assert_eq!(default_max_connections(None), 1024);
    }

    #[test]
    fn warnings_are_rate_limited() {
        let mut warning = RateLimitedWarning::new(Duration::from_secs(3600));
        assert!(warning.warn(format_args!("one")));
        assert!(!warning.warn(format_args!("two")));
        assert!(!warning.warn(format_args!("three")));
        assert_eq!(warning.suppressed, 2);
        warning.last = Some(Instant::now() - Duration::from_secs(3601));
        assert!(warning.warn(format_args!("four")));
        assert_eq!(warning.suppressed, 0);
    }
}
