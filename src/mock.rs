//! The embedded sample video returned for mock info-hashes (see [`InfoHash::is_mock`]).
//!
//! It is a 12 s, 640x360 H.264/AAC MP4 with the `moov` box at the start, generated once with
//! ffmpeg's test pattern (`assets/mock.mp4`); players can start and seek in it with no network.

use std::time::{Duration, SystemTime};

use crate::target::InfoHash;

pub const MOCK_MP4: &[u8] = include_bytes!("../assets/mock.mp4");
pub const MOCK_FILE_NAME: &str = "peerstream-mock.mp4";

/// A fixed modification time (2026-01-01T00:00:00Z) so ETag and Last-Modified are stable
/// across builds and restarts.
pub fn mock_modified() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600)
}

/// File name under which a mock hash appears, e.g. when `fetch` writes it to the cache.
pub fn mock_file_name_for(hash: &InfoHash) -> String {
    format!("peerstream-mock-{}.mp4", hash.to_hex())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_video_is_an_mp4_with_moov_first() {
        assert_eq!(&MOCK_MP4[4..8], b"ftyp");
        let ftyp_len = u32::from_be_bytes(MOCK_MP4[0..4].try_into().unwrap()) as usize;
        assert_eq!(&MOCK_MP4[ftyp_len + 4..ftyp_len + 8], b"moov");
        assert!(
            MOCK_MP4.len() > 1024 * 1024,
            "mock must pass the cache size rule"
        );
    }
}
