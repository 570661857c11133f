//! Reading and writing peerstream's own small files (torrent metadata, markers, records).
//!
//! Blocking: call these only from blocking contexts (`spawn_blocking`, a walk of the cache),
//! never on an async worker.
//!
//! Reading opens with `O_NONBLOCK` and checks the opened handle, so a FIFO, a device or a
//! symlink to `/dev/zero` put where a small file belongs can neither block the reader nor
//! make it read without end. Writing goes to a temporary file in the same folder that is
//! renamed over the target, so a failed write (a full disk) leaves the old file or none.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::Path;

/// Torrent metadata larger than this is refused (real ones are well under 1 MiB).
pub const MAX_METADATA_BYTES: u64 = 16 * 1024 * 1024;
/// Cap for markers, records and the NAT report.
pub const MAX_SMALL_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Why a small file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SmallFileError {
    #[error("not a regular file")]
    NotRegular,
    #[error("{size} bytes, more than the {cap}-byte limit")]
    TooLarge { size: u64, cap: u64 },
    #[error(transparent)]
    Io(#[from] io::Error),
}

impl SmallFileError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, SmallFileError::Io(e) if e.kind() == io::ErrorKind::NotFound)
    }
}

/// Opens `path` for reading without blocking on FIFOs; `Err(NotRegular)` for anything but a
/// regular file, judged from the opened handle so a swap after a path check cannot fool it.
pub fn open_regular(path: &Path) -> Result<File, SmallFileError> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(SmallFileError::NotRegular);
    }
    Ok(file)
}

/// The whole content of a regular file of at most `cap` bytes.
pub fn read_small(path: &Path, cap: u64) -> Result<Vec<u8>, SmallFileError> {
    let file = open_regular(path)?;
    let size = file.metadata()?.len();
    if size > cap {
        return Err(SmallFileError::TooLarge { size, cap });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    // The file may grow after the size check; the cap holds regardless.
    file.take(cap + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(SmallFileError::TooLarge {
            size: bytes.len() as u64,
            cap,
        });
    }
    Ok(bytes)
}

/// Like [`read_small`], as UTF-8 text.
pub fn read_small_text(path: &Path, cap: u64) -> Result<String, SmallFileError> {
    let bytes = read_small(path, cap)?;
    String::from_utf8(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e).into())
}

/// Replaces `dir/name` with `bytes` atomically: a temporary file in `dir`, flushed to disk,
/// then renamed over the target. On any error the target is untouched and the temporary
/// file removed.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".peerstream-tmp-")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(dir.join(name)).map_err(|e| e.error)?;
    // The rename itself survives a crash only once the folder is synced too.
    if let Ok(folder) = File::open(dir) {
        let _ = folder.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_regular_files_within_the_cap() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a");
        std::fs::write(&path, b"hello").unwrap();
        assert_eq!(read_small(&path, 5).unwrap(), b"hello");
        assert!(matches!(
            read_small(&path, 4),
            Err(SmallFileError::TooLarge { size: 5, cap: 4 })
        ));
        assert!(
            read_small(&dir.path().join("absent"), 5)
                .unwrap_err()
                .is_not_found()
        );
        assert!(matches!(
            read_small(dir.path(), 5),
            Err(SmallFileError::NotRegular)
        ));
    }

    #[cfg(unix)]
    #[test]
    fn fifos_and_devices_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let c_path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
        // Nobody writes to it: a blocking open would hang this test.
        assert!(matches!(
            read_small(&fifo, 1024),
            Err(SmallFileError::NotRegular)
        ));
        let zero = dir.path().join("zero");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        assert!(matches!(
            read_small(&zero, 1024),
            Err(SmallFileError::NotRegular)
        ));
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        write_atomic(dir.path(), "x", b"one").unwrap();
        write_atomic(dir.path(), "x", b"two").unwrap();
        assert_eq!(std::fs::read(dir.path().join("x")).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("x")]);
    }
}
