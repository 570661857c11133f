//! What one connection is doing, as the server's limits need to know it: waiting for a request
//! head, serving requests, or stuck writing to a client that stopped reading.
//!
//! hyper 1 has no idle keep-alive timeout and no write timeout, and its header-read timeout
//! also runs through the idle time between kept-alive requests; so the socket, the service and
//! the response bodies report here, and a watchdog beside each connection ends it at the
//! deadline that its state calls for.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use hyper::body::{Body, Frame, SizeHint};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::Notify;

/// The timeouts a connection is held to; `None` turns one off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// From accepting (or from the first byte of a later request) to a complete request head.
    pub header: Option<Duration>,
    /// Between requests on a kept-alive connection.
    pub idle: Option<Duration>,
    /// A write that makes no progress for this long: the client stopped reading.
    pub write: Option<Duration>,
}

/// Why the watchdog ended a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    HeaderTimeout,
    IdleTimeout,
    WriteTimeout,
    /// Closed to make room for a new connection while the server was full.
    Evicted,
}

#[derive(Debug)]
struct State {
    accepted: Instant,
    /// Requests whose response body has not been fully handed to hyper yet.
    in_flight: u32,
    served: u64,
    /// When the last request finished (or the connection was accepted).
    waiting_since: Instant,
    /// First byte of the next request head, while waiting.
    head_started: Option<Instant>,
    last_write: Instant,
    write_blocked_since: Option<Instant>,
}

/// Shared between the socket wrapper, the service wrapper, the watchdog and the registry.
#[derive(Debug)]
pub struct Conn {
    state: Mutex<State>,
    changed: Notify,
    evicted: AtomicBool,
}

impl Conn {
    pub fn new() -> Arc<Conn> {
        let now = Instant::now();
        Arc::new(Conn {
            state: Mutex::new(State {
                accepted: now,
                in_flight: 0,
                served: 0,
                waiting_since: now,
                head_started: None,
                last_write: now,
                write_blocked_since: None,
            }),
            changed: Notify::new(),
            evicted: AtomicBool::new(false),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state stays consistent even if a holder panicked: every update is one assignment.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// When this connection is waiting for a request (nothing in flight, nothing stuck), since
    /// when; the registry evicts the one that waited longest.
    fn waiting(&self) -> Option<Instant> {
        let s = self.lock();
        (s.in_flight == 0
            && s.write_blocked_since.is_none()
            && !self.evicted.load(Ordering::Relaxed))
        .then_some(s.waiting_since)
    }

    fn evict(&self) {
        self.evicted.store(true, Ordering::Relaxed);
        self.changed.notify_one();
    }

    fn begin_request(self: &Arc<Self>) -> RequestGuard {
        let mut s = self.lock();
        s.in_flight += 1;
        s.head_started = None;
        drop(s);
        RequestGuard(self.clone())
    }

    fn on_read(&self, bytes: usize) {
        if bytes == 0 {
            return;
        }
        let mut s = self.lock();
        if s.in_flight == 0 && s.head_started.is_none() {
            s.head_started = Some(Instant::now());
            drop(s);
            // The header deadline may come before the idle one the watchdog sleeps on.
            self.changed.notify_one();
        }
    }

    fn on_write(&self, progress: bool) {
        let mut s = self.lock();
        if progress {
            s.last_write = Instant::now();
            s.write_blocked_since = None;
        } else if s.write_blocked_since.is_none() {
            s.write_blocked_since = Some(Instant::now());
            drop(s);
            self.changed.notify_one();
        }
    }

    /// The next deadline and what passing it means; `None` while a request is being served
    /// and its writes make progress.
    fn deadline(&self, limits: &Timeouts) -> Option<(Instant, Ended)> {
        let s = self.lock();
        if let Some(blocked) = s.write_blocked_since {
            return limits.write.map(|w| (blocked + w, Ended::WriteTimeout));
        }
        if s.in_flight > 0 {
            return None;
        }
        if s.served == 0 {
            // A fresh connection: the header timeout from accept, or the idle one if sooner.
            let header = limits
                .header
                .map(|h| (s.accepted + h, Ended::HeaderTimeout));
            let idle = limits.idle.map(|i| (s.accepted + i, Ended::IdleTimeout));
            return match (header, idle) {
                (Some(h), Some(i)) => Some(if i.0 < h.0 { i } else { h }),
                (h, i) => h.or(i),
            };
        }
        if let Some(started) = s.head_started {
            return limits.header.map(|h| (started + h, Ended::HeaderTimeout));
        }
        let idle_from = s.waiting_since.max(s.last_write);
        limits.idle.map(|i| (idle_from + i, Ended::IdleTimeout))
    }

    /// Resolves when the connection has to end, and says why.
    pub async fn watchdog(&self, limits: Timeouts) -> Ended {
        loop {
            let changed = self.changed.notified();
            if self.evicted.load(Ordering::Relaxed) {
                return Ended::Evicted;
            }
            match self.deadline(&limits) {
                Some((at, why)) if at <= Instant::now() => return why,
                Some((at, _)) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(at.into()) => {}
                        () = changed => {}
                    }
                }
                None => changed.await,
            }
        }
    }
}

/// Held from the service call until hyper drops the response body.
#[derive(Debug)]
pub struct RequestGuard(Arc<Conn>);

impl Drop for RequestGuard {
    fn drop(&mut self) {
        let mut s = self.0.lock();
        s.in_flight = s.in_flight.saturating_sub(1);
        s.served += 1;
        if s.in_flight == 0 {
            s.waiting_since = Instant::now();
            s.head_started = None;
        }
        drop(s);
        self.0.changed.notify_one();
    }
}

/// The live connections, for eviction when the server is full.
#[derive(Debug, Default)]
pub struct Registry {
    next_id: AtomicU64,
    conns: Mutex<HashMap<u64, Arc<Conn>>>,
}

impl Registry {
    pub fn add(self: &Arc<Self>, conn: Arc<Conn>) -> Registration {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.lock().insert(id, conn);
        Registration {
            registry: self.clone(),
            id,
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<u64, Arc<Conn>>> {
        self.conns.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Connections open now (for `/metrics`).
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Ends the connection that has waited longest for a request; false when every connection
    /// is busy serving one.
    pub fn evict_longest_waiting(&self) -> bool {
        let conns = self.lock();
        let oldest = conns
            .values()
            .filter_map(|c| c.waiting().map(|since| (since, c)))
            .min_by_key(|(since, _)| *since);
        match oldest {
            Some((_, conn)) => {
                conn.evict();
                true
            }
            None => false,
        }
    }
}

/// Removes its connection from the registry when the connection's task ends.
#[derive(Debug)]
pub struct Registration {
    registry: Arc<Registry>,
    id: u64,
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.registry.lock().remove(&self.id);
    }
}

/// The socket, reporting reads and write progress to its [`Conn`].
#[derive(Debug)]
pub struct TrackedIo<T> {
    inner: T,
    conn: Arc<Conn>,
}

impl<T> TrackedIo<T> {
    pub fn new(inner: T, conn: Arc<Conn>) -> Self {
        TrackedIo { inner, conn }
    }

    fn track_write(&self, result: Poll<io::Result<usize>>) -> Poll<io::Result<usize>> {
        match &result {
            Poll::Ready(Ok(n)) if *n > 0 => self.conn.on_write(true),
            Poll::Pending => self.conn.on_write(false),
            _ => {}
        }
        result
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for TrackedIo<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = result {
            self.conn.on_read(buf.filled().len() - before);
        }
        result
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for TrackedIo<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.track_write(result)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.track_write(result)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// The service, marking each request in flight until its response body is dropped.
#[derive(Debug, Clone)]
pub struct TrackedService<S> {
    inner: S,
    conn: Arc<Conn>,
}

impl<S> TrackedService<S> {
    pub fn new(inner: S, conn: Arc<Conn>) -> Self {
        TrackedService { inner, conn }
    }
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

impl<S, R, B> hyper::service::Service<R> for TrackedService<S>
where
    S: hyper::service::Service<R, Response = http::Response<B>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = http::Response<TrackedBody<B>>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Self::Response, S::Error>>;

    fn call(&self, request: R) -> Self::Future {
        // Taken before the handler runs, so a handler that is still working counts as busy.
        let guard = self.conn.begin_request();
        let response = self.inner.call(request);
        Box::pin(async move {
            let response = response.await?;
            Ok(response.map(|body| TrackedBody {
                inner: body,
                _guard: guard,
            }))
        })
    }
}

/// A response body that keeps its request in flight until hyper drops it.
#[derive(Debug)]
pub struct TrackedBody<B> {
    inner: B,
    _guard: RequestGuard,
}

impl<B: Body + Unpin> Body for TrackedBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
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

    const LIMITS: Timeouts = Timeouts {
        header: Some(Duration::from_secs(10)),
        idle: Some(Duration::from_secs(60)),
        write: Some(Duration::from_secs(300)),
    };

    #[test]
    fn deadline_follows_the_connection_state() {
        let conn = Conn::new();
        let accepted = conn.lock().accepted;
        // Fresh: the request head is due within the header timeout.
        assert_eq!(
            conn.deadline(&LIMITS),
            Some((accepted + Duration::from_secs(10), Ended::HeaderTimeout))
        );
        // Serving: no deadline while writes make progress.
        let guard = conn.begin_request();
        conn.on_write(true);
        assert_eq!(conn.deadline(&LIMITS), None);
        assert!(conn.waiting().is_none());
        // A stuck write: the write timeout.
        conn.on_write(false);
        let blocked = conn.lock().write_blocked_since.expect("blocked");
        assert_eq!(
            conn.deadline(&LIMITS),
            Some((blocked + Duration::from_secs(300), Ended::WriteTimeout))
        );
        conn.on_write(true);
        drop(guard);
        // Between requests: the idle timeout, then the header timeout once bytes arrive.
        let (idle_at, why) = conn.deadline(&LIMITS).expect("idle deadline");
        assert_eq!(why, Ended::IdleTimeout);
        assert!(idle_at >= accepted + Duration::from_secs(60));
        conn.on_read(5);
        let (head_at, why) = conn.deadline(&LIMITS).expect("header deadline");
        assert_eq!(why, Ended::HeaderTimeout);
        assert!(head_at < idle_at);
        assert!(conn.waiting().is_some());
    }

    #[test]
    fn eviction_picks_the_longest_waiting_connection() {
        let registry = Arc::new(Registry::default());
        let old = Conn::new();
        std::thread::sleep(Duration::from_millis(2));
        let busy = Conn::new();
        let young = Conn::new();
        let _a = registry.add(old.clone());
        let _b = registry.add(busy.clone());
        let _c = registry.add(young.clone());
        let _serving = busy.begin_request();
        assert!(registry.evict_longest_waiting());
        assert!(old.evicted.load(Ordering::Relaxed));
        assert!(!young.evicted.load(Ordering::Relaxed));
        assert!(registry.evict_longest_waiting());
        assert!(young.evicted.load(Ordering::Relaxed));
        // Only the busy one is left, and it is never evicted.
        assert!(!registry.evict_longest_waiting());
        assert!(!busy.evicted.load(Ordering::Relaxed));
    }
}
