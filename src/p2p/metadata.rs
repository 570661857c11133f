//! The info-hash of a `.torrent` file given as a target (the parsing is `crate::metadata`'s).

use super::P2pError;
use crate::metadata::info_hash_of;
use crate::target::{InfoHash, Target};

pub(super) async fn torrent_file_hash(target: &Target) -> Result<InfoHash, P2pError> {
    let Target::TorrentFile(path) = target else {
        return Err(anyhow::anyhow!("the target has no info-hash").into());
    };
    let bytes = tokio::fs::read(path).await.map_err(|source| P2pError::Io {
        path: path.clone(),
        source,
    })?;
    Ok(info_hash_of(&bytes)?)
}
