//! The body of a cached file: positional reads from one descriptor opened when the request was
//! resolved, into buffers sized to what is left of the range (never zeroed), served from the
//! page cache on the async worker when the bytes are already there and from the blocking pool
//! only when they would have to come from the disk. See docs/ARCHITECTURE.md ("Serving cached
//! files") for the candidates measured and why this one was kept.
//!
//! A file changed under a response is never served mixed: the descriptor pins the inode, so a
//! replacement by rename keeps serving the old bytes to the end; after every read the file is
//! checked (`fstat`) against the size and modification time the response was built from, and a
//! file written in place or truncated ends the body with an error, which cuts the connection.

use std::fs::File;
use std::io;
use std::sync::Arc;
use std::time::SystemTime;

use bytes::Bytes;

use crate::body::{ByteStream, CHUNK_SIZE};
use crate::cache::InUse;

/// A cached file opened for serving, with what it looked like when it was checked.
#[derive(Debug, Clone)]
pub struct OpenFile {
    file: Arc<File>,
    size: u64,
    modified: Option<SystemTime>,
    /// Keeps the cache entry in use (never evicted) for as long as a body reads from it.
    _in_use: Option<Arc<InUse>>,
}

impl OpenFile {
    /// Blocking. Opens `path` if it still has the size and modification time the cache lookup
    /// judged; a file changed since is an error, never served under the old length.
    pub fn open(
        path: &std::path::Path,
        size: u64,
        modified: Option<SystemTime>,
    ) -> io::Result<OpenFile> {
        let file = File::open(path)?;
        let open = OpenFile {
            file: Arc::new(file),
            size,
            modified,
            _in_use: None,
        };
        open.check()?;
        Ok(open)
    }

    /// The same file, keeping `in_use` alive until every body built from it is dropped.
    pub fn holding(self, in_use: Option<Arc<InUse>>) -> OpenFile {
        OpenFile {
            _in_use: in_use,
            ..self
        }
    }

    /// Whether the descriptor still names a file of the size and age the response was built
    /// from. `fstat` on an open descriptor never waits for the disk.
    fn check(&self) -> io::Result<()> {
        let now = self.file.metadata()?;
        if now.len() != self.size || now.modified().ok() != self.modified {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the cached file changed while it was being served",
            ));
        }
        Ok(())
    }

    /// Streams `len` bytes from `start` in chunks of at most [`CHUNK_SIZE`].
    pub fn body(self, start: u64, len: u64) -> ByteStream {
        let state = (self, start, len);
        Box::pin(futures_util::stream::try_unfold(
            state,
            |(open, at, remaining)| async move {
                if remaining == 0 {
                    return Ok(None);
                }
                let want = usize::try_from(remaining.min(CHUNK_SIZE as u64)).unwrap_or(CHUNK_SIZE);
                let mut buf = Vec::with_capacity(want);
                // From the page cache without waiting, on this worker: no thread hand-off.
                let cached = fill_nowait(&open.file, &mut buf, at, want)?;
                if !cached {
                    // The rest would wait for the disk: that waits on the blocking pool.
                    let file = open.file.clone();
                    buf = tokio::task::spawn_blocking(move || {
                        fill_blocking(&file, &mut buf, at, want).map(|()| buf)
                    })
                    .await
                    .map_err(io::Error::other)??;
                }
                open.check()?;
                let n = buf.len() as u64;
                Ok(Some((Bytes::from(buf), (open, at + n, remaining - n))))
            },
        ))
    }
}

/// Reads into `buf` (up to `want` bytes) without waiting for the disk. True when `buf` is
/// full; false when the rest is not in the page cache (or the kernel cannot say).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn fill_nowait(file: &File, buf: &mut Vec<u8>, at: u64, want: usize) -> io::Result<bool> {
    while buf.len() < want {
        match pread(file, buf, at, want, libc::RWF_NOWAIT) {
            Ok(0) => return Err(ended_early()),
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            // EAGAIN: not cached; EOPNOTSUPP/EINVAL: a file system or kernel without it.
            Err(e)
                if matches!(
                    e.raw_os_error(),
                    Some(libc::EAGAIN | libc::EOPNOTSUPP | libc::EINVAL | libc::ENOSYS)
                ) =>
            {
                return Ok(false);
            }
            Err(e) => return Err(e),
        }
    }
    Ok(true)
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn fill_nowait(_: &File, _: &mut Vec<u8>, _: u64, _: usize) -> io::Result<bool> {
    Ok(false)
}

/// Blocking: fills `buf` up to `want` bytes.
fn fill_blocking(file: &File, buf: &mut Vec<u8>, at: u64, want: usize) -> io::Result<()> {
    while buf.len() < want {
        match pread(file, buf, at, want, 0) {
            Ok(0) => return Err(ended_early()),
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

fn ended_early() -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        "the cached file is shorter than when it was opened",
    )
}

/// One positional read appended to `buf` (at file offset `at + buf.len()`), into its spare
/// capacity: std's `read_at` needs an initialised slice, and zeroing each chunk first cost a
/// measurable share of a small range's time.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn pread(file: &File, buf: &mut Vec<u8>, at: u64, want: usize, flags: i32) -> io::Result<usize> {
    use std::os::fd::AsRawFd;
    let filled = buf.len();
    let spare = &mut buf.spare_capacity_mut()[..want - filled];
    let offset = libc::off_t::try_from(at + filled as u64)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "offset beyond off_t"))?;
    let iov = libc::iovec {
        iov_base: spare.as_mut_ptr().cast(),
        iov_len: spare.len(),
    };
    // SAFETY: the iovec covers `spare`, memory this Vec owns and does not read; the kernel
    // writes at most `iov_len` bytes, and `set_len` below counts only the bytes it wrote.
    let n = unsafe { libc::preadv2(file.as_raw_fd(), &iov, 1, offset, flags) };
    let n = usize::try_from(n).map_err(|_| io::Error::last_os_error())?;
    // SAFETY: the kernel initialised the first `n <= spare.len()` bytes of the spare capacity.
    unsafe { buf.set_len(filled + n) };
    Ok(n)
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn pread(file: &File, buf: &mut Vec<u8>, at: u64, want: usize, _flags: i32) -> io::Result<usize> {
    use std::os::unix::fs::FileExt;
    let filled = buf.len();
    buf.resize(want, 0);
    let n = file.read_at(&mut buf[filled..], at + filled as u64);
    buf.truncate(filled + *n.as_ref().unwrap_or(&0));
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::TryStreamExt;

    fn file_with(bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf, OpenFile) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.bin");
        std::fs::write(&path, bytes).unwrap();
        let meta = std::fs::metadata(&path).unwrap();
        let open = OpenFile::open(&path, meta.len(), meta.modified().ok()).unwrap();
        (dir, path, open)
    }

    #[tokio::test]
    async fn reads_exactly_the_range_in_bounded_chunks() {
        let bytes: Vec<u8> = (0..(CHUNK_SIZE * 2 + 123))
            .map(|i| (i % 251) as u8)
            .collect();
        let (_dir, _path, open) = file_with(&bytes);
        let chunks: Vec<Bytes> = open
            .clone()
            .body(7, bytes.len() as u64 - 7)
            .try_collect()
            .await
            .unwrap();
        assert!(
            chunks
                .iter()
                .all(|c| c.len() <= CHUNK_SIZE && !c.is_empty())
        );
        assert_eq!(chunks.concat(), &bytes[7..]);
        let small: Vec<Bytes> = open.body(100, 10).try_collect().await.unwrap();
        assert_eq!(small.concat(), &bytes[100..110]);
    }

    #[tokio::test]
    async fn a_file_changed_since_the_check_is_refused_or_cut() {
        let (_dir, path, open) = file_with(&[1u8; 1000]);
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&path, [2u8; 1000]).unwrap();
        let served: Result<Vec<Bytes>, _> = open.body(0, 1000).try_collect().await;
        assert!(served.is_err(), "rewritten in place: the body must fail");
        let meta = std::fs::metadata(&path).unwrap();
        assert!(OpenFile::open(&path, 999, meta.modified().ok()).is_err());
    }
}
