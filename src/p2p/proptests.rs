//! Property tests of `.torrent` parsing: any bytes given as a .torrent are an error or a torrent
//! (never a panic), and no file path from metadata leaves the torrent's folder.

use std::path::Component;

use proptest::prelude::*;

use super::*;
use crate::proptest_support::{config, text};

/// Minimal bencode, enough to build torrents with chosen (and hostile) contents.
enum Ben {
    Int(i64),
    Bytes(Vec<u8>),
    List(Vec<Ben>),
    /// Keys are written in the order given (bencode wants them sorted; some tests do not).
    Dict(Vec<(&'static str, Ben)>),
}

impl Ben {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Ben::Int(i) => out.extend_from_slice(format!("i{i}e").as_bytes()),
            Ben::Bytes(b) => {
                out.extend_from_slice(format!("{}:", b.len()).as_bytes());
                out.extend_from_slice(b);
            }
            Ben::List(items) => {
                out.push(b'l');
                items.iter().for_each(|i| i.encode(out));
                out.push(b'e');
            }
            Ben::Dict(pairs) => {
                out.push(b'd');
                for (k, v) in pairs {
                    Ben::Bytes(k.as_bytes().to_vec()).encode(out);
                    v.encode(out);
                }
                out.push(b'e');
            }
        }
    }
}

/// A path component as metadata may carry it: ordinary, empty, dots, separators, unicode.
fn component() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => text(1..12),
        1 => Just(String::new()),
        1 => Just(".".to_owned()),
        1 => Just("..".to_owned()),
        1 => Just("/etc".to_owned()),
        1 => Just("a/../../b".to_owned()),
        1 => Just("C:\\x".to_owned()),
    ]
}

/// A multi-file torrent whose files have the given paths and lengths.
fn torrent(name: &str, files: &[(Vec<String>, u32)], piece_length: u32) -> Vec<u8> {
    let total: u64 = files.iter().map(|(_, len)| u64::from(*len)).sum();
    let pieces = total.div_ceil(u64::from(piece_length.max(1)));
    let files = files
        .iter()
        .map(|(path, len)| {
            Ben::Dict(vec![
                ("length", Ben::Int(i64::from(*len))),
                (
                    "path",
                    Ben::List(
                        path.iter()
                            .map(|c| Ben::Bytes(c.as_bytes().to_vec()))
                            .collect(),
                    ),
                ),
            ])
        })
        .collect();
    let info = Ben::Dict(vec![
        ("files", Ben::List(files)),
        ("name", Ben::Bytes(name.as_bytes().to_vec())),
        ("piece length", Ben::Int(i64::from(piece_length))),
        (
            "pieces",
            Ben::Bytes(vec![0xab; usize::try_from(pieces).unwrap_or(0) * 20]),
        ),
    ]);
    let mut out = Vec::new();
    Ben::Dict(vec![("info", info)]).encode(&mut out);
    out
}

fn files() -> impl Strategy<Value = Vec<(Vec<String>, u32)>> {
    prop::collection::vec(
        (prop::collection::vec(component(), 0..4), 0u32..5_000_000),
        1..5,
    )
}

proptest! {
    #![proptest_config(config(10_000))]

    #[test]
    fn proptest_any_bytes_are_a_torrent_or_an_error(
        bytes in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..300),
            // Bencode-looking bytes get past the first check more often.
            prop::collection::vec(
                prop::sample::select(b"de0123456789:il-4infofilespathlengthname".to_vec()),
                0..200,
            ),
        ],
    ) {
        if let Ok(files) = files_of(&bytes) {
            for f in &files {
                prop_assert!(f.path.components().all(|c| matches!(c, Component::Normal(_))));
            }
        }
    }
}

proptest! {
    #![proptest_config(config(3_000))]

    #[test]
    fn proptest_no_metadata_path_leaves_the_torrent_folder(
        name in text(1..12),
        files in files(),
        piece_length in prop_oneof![Just(16_384u32), Just(262_144), 1u32..5_000_000],
        cut in any::<prop::sample::Index>(),
        flip in any::<prop::sample::Index>(),
    ) {
        let bytes = torrent(&name, &files, piece_length);
        // Either refused, or every path is plain names below the torrent's folder.
        if let Ok(parsed) = files_of(&bytes) {
            for f in &parsed {
                prop_assert!(
                    f.path.components().all(|c| matches!(c, Component::Normal(_))),
                    "{:?}", f.path
                );
            }
        }
        // A cut or a flipped byte anywhere never panics either.
        let _ = files_of(&bytes[..cut.index(bytes.len())]);
        let mut flipped = bytes.clone();
        let at = flip.index(flipped.len());
        flipped[at] ^= 0x5a;
        let _ = files_of(&flipped);
    }

    #[test]
    fn proptest_plain_paths_come_back_as_given(
        // Non-empty files at distinct paths: librqbit refuses the others, rightly.
        files in prop::collection::vec(
            (prop::collection::vec(crate::proptest_support::text_of("abcXYZ019 _-é日", 1..10), 1..4), 1u32..5_000_000),
            1..5,
        ),
    ) {
        let mut seen = std::collections::HashSet::new();
        prop_assume!(files.iter().all(|(path, _)| seen.insert(path.clone())), "two files, one path");
        let bytes = torrent("folder", &files, 262_144);
        let parsed = files_of(&bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let expected: Vec<(PathBuf, u64)> = files
            .iter()
            .map(|(p, len)| (p.iter().collect(), u64::from(*len)))
            .collect();
        let got: Vec<(PathBuf, u64)> = parsed.into_iter().map(|f| (f.path, f.len)).collect();
        prop_assert_eq!(got, expected);
    }
}

proptest! {
    // Each case writes a file.
    #![proptest_config(config(500))]

    #[test]
    fn proptest_any_file_given_as_a_torrent_is_a_target_or_an_error(
        bytes in prop::collection::vec(any::<u8>(), 0..400),
    ) {
        let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let path = dir.path().join("given.torrent");
        std::fs::write(&path, &bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let target = Target::parse(&path.to_string_lossy())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&target, &Target::TorrentFile(path.clone()));
        // Any bytes: a hash or an error, never a panic.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let _ = runtime.block_on(torrent_file_hash(&target));
    }
}
