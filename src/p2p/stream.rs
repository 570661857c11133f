//! Reading a torrent file while it downloads: librqbit's file stream moves piece priority to
//! the read position (about 32 MiB ahead), and a stall guard ends streams that stop moving.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_util::Stream;
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use super::prefetch::PrefetchTrigger;
use super::{LIBRQBIT_WINDOW, SwarmTorrent};
use crate::body::{ByteStream, CHUNK_SIZE};

impl SwarmTorrent {
    /// Streams `len` bytes of file `index` from `start`, waiting for pieces as needed, with
    /// `readahead` bytes ahead of the reader asked for first (`None`: the configured window).
    pub async fn read_range(
        self: &Arc<Self>,
        index: usize,
        start: u64,
        len: u64,
        readahead: Option<u64>,
    ) -> io::Result<ByteStream> {
        let readahead = readahead.unwrap_or(self.readahead);
        let active = ActiveStream::open(self).await?;
        let file = self.open_file_at(index, start).await?;
        let file_len = self.file(index).map_or(0, |f| f.len);
        let playhead = Arc::new(AtomicU64::new(start));
        let read_ahead =
            (readahead > LIBRQBIT_WINDOW && start + LIBRQBIT_WINDOW < file_len).then(|| {
                ReadAhead(tokio::spawn(read_ahead(
                    self.clone(),
                    index,
                    start + LIBRQBIT_WINDOW,
                    file_len,
                    playhead.clone(),
                    readahead,
                )))
            });
        let body: ByteStream = if readahead < LIBRQBIT_WINDOW {
            narrow_body(
                self.clone(),
                index,
                file,
                start,
                start.saturating_add(len),
                readahead,
            )
        } else {
            Box::pin(tokio_util::io::ReaderStream::with_capacity(
                file.take(len),
                CHUNK_SIZE,
            ))
        };
        let mut guarded = StallGuard::new(body, self.stall_timeout, active);
        guarded.playhead = Some(playhead);
        guarded._read_ahead = read_ahead;
        guarded.prefetch = PrefetchTrigger::new(self, index, start);
        Ok(Box::pin(guarded))
    }
}

impl SwarmTorrent {
    /// A librqbit stream of file `index` positioned at `at`: librqbit asks peers for the pieces
    /// ahead of every open stream first.
    pub(super) async fn open_file_at(&self, index: usize, at: u64) -> io::Result<FileReader> {
        let mut file = self
            .handle
            .clone()
            .stream(index)
            .await
            .map_err(io::Error::other)?;
        file.seek(io::SeekFrom::Start(at)).await?;
        Ok(Box::new(file))
    }
}

/// librqbit's file stream (its type is not exported).
pub(super) type FileReader = Box<dyn SeekRead>;
pub(super) trait SeekRead:
    tokio::io::AsyncRead + tokio::io::AsyncSeek + Send + Sync + Unpin
{
}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncSeek + Send + Sync + Unpin> SeekRead for T {}

/// A body for a request that asks for less read-ahead than librqbit's fixed window: librqbit
/// prioritises [`LIBRQBIT_WINDOW`] ahead of every open file stream and offers no smaller
/// window, so this body holds its stream only while it reads. After `readahead` bytes it closes
/// the stream and opens a new one at the next read; a player that keeps a connection open
/// without reading (probing several sources) then holds no window at all.
fn narrow_body(
    torrent: Arc<SwarmTorrent>,
    index: usize,
    first: FileReader,
    start: u64,
    end: u64,
    readahead: u64,
) -> ByteStream {
    struct Narrow {
        torrent: Arc<SwarmTorrent>,
        index: usize,
        file: Option<FileReader>,
        opened_at: u64,
        position: u64,
        end: u64,
        readahead: u64,
    }
    let state = Narrow {
        torrent,
        index,
        file: Some(first),
        opened_at: start,
        position: start,
        end,
        readahead,
    };
    Box::pin(futures_util::stream::try_unfold(
        state,
        |mut state| async move {
            if state.position >= state.end {
                return Ok(None);
            }
            let file = match state.file.as_mut() {
                Some(file) => file,
                None => {
                    // On a task: librqbit's opening future is not Sync, and a body must be.
                    let (torrent, index, at) = (state.torrent.clone(), state.index, state.position);
                    let file = tokio::spawn(async move { torrent.open_file_at(index, at).await })
                        .await
                        .map_err(io::Error::other)??;
                    state.opened_at = state.position;
                    state.file.insert(file)
                }
            };
            let want = usize::try_from(state.end - state.position)
                .unwrap_or(CHUNK_SIZE)
                .min(CHUNK_SIZE);
            let mut buf = bytes::BytesMut::zeroed(want);
            let read = file.read(&mut buf).await?;
            if read == 0 {
                return Ok(None);
            }
            buf.truncate(read);
            state.position += read as u64;
            if state.position - state.opened_at >= state.readahead {
                state.file = None;
            }
            Ok(Some((buf.freeze(), state)))
        },
    ))
}

/// A second file stream that keeps `readahead - LIBRQBIT_WINDOW` bytes past the player's
/// window moving, so librqbit prioritises a window as large as configured. It reads and drops
/// the bytes; its only job is to stand there.
async fn read_ahead(
    torrent: Arc<SwarmTorrent>,
    index: usize,
    from: u64,
    end: u64,
    playhead: Arc<AtomicU64>,
    readahead: u64,
) {
    let Ok(mut file) = torrent.open_file_at(index, from).await else {
        return;
    };
    let mut position = from;
    let mut scratch = vec![0u8; CHUNK_SIZE];
    while position < end {
        // This stream's own window reaches LIBRQBIT_WINDOW past it: stop where that ends at
        // the configured distance ahead of the player.
        let limit = playhead.load(Ordering::Relaxed) + readahead - LIBRQBIT_WINDOW;
        if position >= limit {
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        }
        match file.read(&mut scratch).await {
            Ok(0) | Err(_) => return,
            Ok(n) => position += n as u64,
        }
    }
}

/// Stops the read-ahead stream with the HTTP stream it serves.
struct ReadAhead(tokio::task::JoinHandle<()>);

impl Drop for ReadAhead {
    fn drop(&mut self) {
        self.0.abort();
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
        if left > 0 || self.torrent.keep_downloading || self.torrent.is_background() {
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
    /// Where the reader is, for the read-ahead stream.
    playhead: Option<Arc<AtomicU64>>,
    _read_ahead: Option<ReadAhead>,
    /// Fetches the next playlist entry's head once this stream plays past the point.
    prefetch: Option<PrefetchTrigger>,
}

impl<S> StallGuard<S> {
    fn new(inner: S, limit: Duration, active: ActiveStream) -> Self {
        StallGuard {
            inner,
            limit,
            deadline: Box::pin(tokio::time::sleep(limit)),
            done: false,
            _active: active,
            playhead: None,
            _read_ahead: None,
            prefetch: None,
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
                if let (Some(Ok(bytes)), Some(playhead)) = (&item, &self.playhead) {
                    let position = playhead.fetch_add(bytes.len() as u64, Ordering::Relaxed)
                        + bytes.len() as u64;
                    if let Some(prefetch) = &mut self.prefetch {
                        prefetch.advance(position);
                    }
                }
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
