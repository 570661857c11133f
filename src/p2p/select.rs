//! Which file of a torrent to play: the largest video by default, or one named by index or name.

use std::str::FromStr;

use crate::cache::validate::is_video_extension;
use crate::metadata::TorrentFile;

/// `--file INDEX|NAME`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum FileChoice {
    /// The largest video file, or the largest file when none is a video.
    #[default]
    Default,
    Index(usize),
    /// Matches the file name, or the path inside the torrent, case-insensitively.
    Name(String),
}

impl FromStr for FileChoice {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.parse::<usize>() {
            Ok(i) => FileChoice::Index(i),
            Err(_) => FileChoice::Name(s.to_owned()),
        })
    }
}

/// Resolves a choice to a file index; `None` when nothing matches.
pub fn choose_file(files: &[TorrentFile], choice: &FileChoice) -> Option<usize> {
    match choice {
        FileChoice::Default => files
            .iter()
            .filter(|f| is_video_extension(&f.path))
            .max_by_key(|f| f.len)
            .or_else(|| files.iter().max_by_key(|f| f.len))
            .map(|f| f.index),
        FileChoice::Index(i) => files.iter().find(|f| f.index == *i).map(|f| f.index),
        FileChoice::Name(name) => {
            let wanted = name.to_lowercase();
            files
                .iter()
                .find(|f| {
                    let path = f.path.to_string_lossy().to_lowercase();
                    let file_name = f
                        .path
                        .file_name()
                        .map(|n| n.to_string_lossy().to_lowercase());
                    path == wanted || file_name.as_deref() == Some(wanted.as_str())
                })
                .map(|f| f.index)
        }
    }
}

/// The entries of a torrent's `.m3u` playlist: its video files in torrent order.
pub fn playlist(files: &[TorrentFile]) -> impl Iterator<Item = &TorrentFile> {
    files.iter().filter(|f| is_video_extension(&f.path))
}

/// The playlist entry after file `index`, when `index` is an entry and not the last.
pub fn next_in_playlist(files: &[TorrentFile], index: usize) -> Option<&TorrentFile> {
    let mut entries = playlist(files).skip_while(|f| f.index != index);
    entries.next()?;
    entries.next()
}

impl std::fmt::Display for FileChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileChoice::Default => f.write_str("default file"),
            FileChoice::Index(i) => write!(f, "file number {i}"),
            FileChoice::Name(name) => write!(f, "file named {name:?}"),
        }
    }
}

/// The error for a `--file` that matches nothing: says what the torrent holds and how to pick.
pub fn no_such_file(files: &[TorrentFile], choice: &FileChoice) -> crate::p2p::P2pError {
    const SHOWN: usize = 10;
    let mut listing: Vec<String> = files
        .iter()
        .take(SHOWN)
        .map(|f| format!("{} {}", f.index, f.path.display()))
        .collect();
    if files.len() > SHOWN {
        listing.push(format!("and {} more", files.len() - SHOWN));
    }
    let count = match files.len() {
        1 => "1 file".to_owned(),
        n => format!("{n} files"),
    };
    crate::p2p::P2pError::NoSuchFile {
        wanted: choice.to_string(),
        files: format!(
            "it has {count} ({}); pick one with --file NUMBER or --file NAME",
            listing.join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn files() -> Vec<TorrentFile> {
        [
            ("Sample/sample.mkv", 50),
            ("Movie.mkv", 900),
            ("Extras/big.iso", 5000),
            ("movie.srt", 1),
        ]
        .iter()
        .enumerate()
        .map(|(index, (p, len))| TorrentFile {
            index,
            path: PathBuf::from(p),
            len: *len,
        })
        .collect()
    }

    #[test]
    fn default_is_largest_video_not_largest_file() {
        assert_eq!(choose_file(&files(), &FileChoice::Default), Some(1));
        let no_video = vec![TorrentFile {
            index: 0,
            path: "a.bin".into(),
            len: 3,
        }];
        assert_eq!(choose_file(&no_video, &FileChoice::Default), Some(0));
        assert_eq!(choose_file(&[], &FileChoice::Default), None);
    }

    #[test]
    fn by_index_and_name() {
        let f = files();
        assert_eq!(choose_file(&f, &"3".parse().unwrap()), Some(3));
        assert_eq!(choose_file(&f, &"7".parse().unwrap()), None);
        assert_eq!(choose_file(&f, &"SAMPLE.mkv".parse().unwrap()), Some(0));
        assert_eq!(choose_file(&f, &"extras/big.iso".parse().unwrap()), Some(2));
        assert_eq!(choose_file(&f, &"nope".parse().unwrap()), None);
        let message = no_such_file(&f, &"nope".parse().unwrap()).to_string();
        assert!(message.contains(r#"no file named "nope""#), "{message}");
        assert!(message.contains("0 Sample/sample.mkv"), "{message}");
        assert!(message.contains("--file NUMBER"), "{message}");
        let message = no_such_file(&f, &FileChoice::Index(9)).to_string();
        assert!(
            message.starts_with("the torrent has no file number 9;"),
            "{message}"
        );
    }

    #[test]
    fn next_playlist_entry_skips_files_that_are_not_videos() {
        let f = files();
        assert_eq!(next_in_playlist(&f, 0).map(|f| f.index), Some(1));
        assert_eq!(next_in_playlist(&f, 1), None, "the last video has no next");
        assert_eq!(next_in_playlist(&f, 2), None, "not an entry");
        assert_eq!(playlist(&f).map(|f| f.index).collect::<Vec<_>>(), [0, 1]);
    }
}
