//! Reading a torrent file while it downloads: librqbit's file stream moves piece priority to
//! the read position (about 32 MiB ahead), and a stall guard ends streams that stop moving.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_util::Stream;
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use super::SwarmTorrent;
use crate::pipeline::{ByteStream, CHUNK_SIZE};

impl SwarmTorrent {
    /// Streams `len` bytes of file `index` from `start`, waiting for pieces as needed.
    pub async fn read_range(
        self: &Arc<Self>,
        index: usize,
        start: u64,
        len: u64,
    ) -> io::Result<ByteStream> {
        let active = ActiveStream::open(self).await?;
        let mut file = self
            .handle
            .clone()
            .stream(index)
            .await
            .map_err(io::Error::other)?;
        file.seek(io::SeekFrom::Start(start)).await?;
        let body = tokio_util::io::ReaderStream::with_capacity(file.take(len), CHUNK_SIZE);
        Ok(Box::pin(StallGuard::new(body, self.stall_timeout, active)))
    }
}

/// Counts a torrent's open streams; with `keep_downloading` off, the last one to close pauses
/// the torrent and the next one to open resumes it.
struct ActiveStream {
    torrent: Arc<SwarmTorrent>,
}

impl ActiveStream {
    async fn open(torrent: &Arc<SwarmTorrent>) -> io::Result<ActiveStream> {
        torrent.open_streams.fetch_add(1, Ordering::SeqCst);
        let active = ActiveStream {
            torrent: torrent.clone(),
        };
        if torrent.handle.is_paused() {
            torrent
                .session
                .unpause(&torrent.handle)
                .await
                .map_err(io::Error::other)?;
        }
        Ok(active)
    }
}

impl Drop for ActiveStream {
    fn drop(&mut self) {
        let left = self.torrent.open_streams.fetch_sub(1, Ordering::SeqCst) - 1;
        if left > 0 || self.torrent.keep_downloading {
            return;
        }
        let torrent = self.torrent.clone();
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                // A new stream may have opened in between.
                if torrent.open_streams.load(Ordering::SeqCst) == 0
                    && !torrent.handle.is_paused()
                    && let Err(e) = torrent.session.pause(&torrent.handle).await
                {
                    tracing::debug!("pausing idle torrent {}: {e:#}", torrent.info_hash);
                }
            });
        }
    }
}

/// Ends a byte stream with a `TimedOut` error when no chunk arrives for `limit`.
struct StallGuard<S> {
    inner: S,
    limit: Duration,
    deadline: Pin<Box<tokio::time::Sleep>>,
    done: bool,
    _active: ActiveStream,
}

impl<S> StallGuard<S> {
    fn new(inner: S, limit: Duration, active: ActiveStream) -> Self {
        StallGuard {
            inner,
            limit,
            deadline: Box::pin(tokio::time::sleep(limit)),
            done: false,
            _active: active,
        }
    }
}

impl<S: Stream<Item = io::Result<Bytes>> + Unpin> Stream for StallGuard<S> {
    type Item = io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        match Pin::new(&mut self.inner).poll_next(cx) {
            Poll::Ready(item) => {
                let next = tokio::time::Instant::now() + self.limit;
                self.deadline.as_mut().reset(next);
                Poll::Ready(item)
            }
            Poll::Pending => match self.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => {
                    self.done = true;
                    let limit = self.limit;
                    tracing::info!("stream stalled for {limit:?}, closing it");
                    Poll::Ready(Some(Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        format!("no data from the swarm for {limit:?}"),
                    ))))
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }
}
