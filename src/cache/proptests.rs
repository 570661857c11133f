//! Property tests of the cache-name matcher: a file whose path holds the hash (hex or base32, any
//! case) belongs to it, one that does not hold it does not, and no file name makes it panic.

use proptest::prelude::*;

use super::*;
use crate::proptest_support::{config, mixed_case, text, text_of};

fn info_hash() -> impl Strategy<Value = InfoHash> {
    any::<[u8; 20]>().prop_map(InfoHash::from_bytes)
}

/// The hash as a file name may spell it: hex or base32, each letter in either case.
fn spelled(hash: &InfoHash, base32: bool, mask: u64) -> String {
    let text = if base32 {
        data_encoding::BASE32.encode(hash.as_bytes())
    } else {
        hash.to_hex()
    };
    mixed_case(&text, mask)
}

/// Name parts that are not hex digits at their ends, so a hex hash stays exactly 40 long.
fn part() -> impl Strategy<Value = String> {
    const EDGE: &str = " ._()[]ghijkxyzGHXYZé日ü-";
    prop_oneof![
        Just(String::new()),
        (
            text_of(EDGE, 1..2),
            text_of("abcdefxyzABCXYZ0189 ._é日-", 0..9),
            text_of(EDGE, 1..2)
        )
            .prop_map(|(a, b, c)| format!("{a}{b}{c}")),
    ]
}

proptest! {
    #![proptest_config(config(10_000))]

    #[test]
    fn proptest_any_text_finds_a_hash_or_none(
        text in text(0..80),
    ) {
        if let Some(hash) = find_hash_in(&text.to_ascii_lowercase()) {
            prop_assert!(text.to_ascii_lowercase().contains(&hash.to_hex()));
        }
    }

}

proptest! {
    #![proptest_config(config(5_000))]

    #[test]
    fn proptest_forty_hex_digits_between_other_characters_are_found(
        hash in info_hash(),
        mask in any::<u64>(),
        before in part(),
        after in part(),
    ) {
        let path = format!("{before}{}{after}", spelled(&hash, false, mask)).to_ascii_lowercase();
        prop_assert_eq!(find_hash_in(&path), Some(hash));
    }
}

proptest! {
    // Each case writes files and walks a folder.
    #![proptest_config(config(200))]

    #[test]
    fn proptest_a_file_belongs_to_the_hash_its_path_holds(
        hash in info_hash(),
        other in info_hash(),
        base32 in any::<bool>(),
        mask in any::<u64>(),
        folder in prop::option::of(part()),
        before in part(),
        after in part(),
        in_folder_name in any::<bool>(),
    ) {
        prop_assume!(hash != other);
        let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let name = spelled(&hash, base32, mask);
        let relative = if in_folder_name {
            Path::new(&format!("{before}{name}{after}")).join("Movie.mkv")
        } else {
            let folder = folder.filter(|f| !f.is_empty() && !f.starts_with('.'));
            let file = format!("{before}{name}{after}.mp4");
            folder.map_or_else(|| PathBuf::from(&file), |f| Path::new(&f).join(&file))
        };
        prop_assume!(!relative.iter().any(|c| c.to_string_lossy().starts_with('.')));
        let path = dir.path().join(&relative);
        std::fs::create_dir_all(path.parent().unwrap_or(dir.path()))
            .and_then(|()| std::fs::write(&path, b"not a video"))
            .map_err(|e| TestCaseError::fail(e.to_string()))?;

        let cache = Cache::new(dir.path());
        let found = cache.entries(&hash);
        prop_assert_eq!(found.len(), 1, "{:?}", relative);
        prop_assert_eq!(found[0].info_hash, hash);
        prop_assert_eq!(&found[0].file, &relative);
        prop_assert!(cache.entries(&other).is_empty(), "{:?} matched {}", relative, other);
        prop_assert!(cache.lookup(&hash).is_err(), "an invalid file was served");
        if !base32 {
            // `cache ls` finds hex spellings by themselves.
            let listed: Vec<InfoHash> = cache.list().iter().map(|e| e.info_hash).collect();
            prop_assert_eq!(listed, vec![hash]);
        }
    }
}

#[cfg(unix)]
proptest! {
    #![proptest_config(config(100))]

    #[test]
    fn proptest_hostile_file_names_never_panic(
        hash in info_hash(),
        names in prop::collection::vec(
            (
                prop::collection::vec(
                    prop_oneof![
                        Just(b".".to_vec()),
                        Just(b"..".to_vec()),
                        Just("日本語".as_bytes().to_vec()),
                        Just(vec![0xff, 0xfe, 0xc3]),
                        Just(b"\n\t\\ \"'".to_vec()),
                        prop::collection::vec(any::<u8>(), 1..20),
                        prop::collection::vec(any::<u8>(), 200..256),
                    ],
                    1..4,
                ),
                any::<bool>(),
                1usize..8,
            ),
            1..5,
        ),
    ) {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let hex = hash.to_hex();
        // (path, listed by rule, holds the hash)
        let mut written = Vec::new();
        for (index, (pieces, with_hash, depth)) in names.iter().enumerate() {
            let mut name: Vec<u8> = pieces.concat();
            if *with_hash {
                name.extend_from_slice(hex.to_uppercase().as_bytes());
            }
            // What a file system accepts as one name: no '/', no NUL, at most 255 bytes.
            name.retain(|b| *b != b'/' && *b != 0);
            name.truncate(255);
            if name.is_empty() || name == b"." || name == b".." {
                continue;
            }
            // A folder per name, so no name is a prefix folder of another.
            let mut path = dir.path().join(format!("n{index}"));
            for level in 1..*depth {
                path.push(format!("d{level}"));
            }
            let Ok(()) = std::fs::create_dir_all(&path) else { continue };
            path.push(std::ffi::OsStr::from_bytes(&name));
            if std::fs::write(&path, b"x").is_err() {
                continue;
            }
            // `depth` folders above the file; the walk goes MAX_DEPTH levels down.
            let visible = !name.starts_with(b".") && *depth < MAX_DEPTH;
            let holds_hash = name.to_ascii_lowercase().windows(40).any(|w| w == hex.as_bytes());
            written.push((path, visible, holds_hash));
        }
        let cache = Cache::new(dir.path());
        let listed = cache.list();
        let found = cache.entries(&hash);
        for (path, visible, holds_hash) in &written {
            let path = path.canonicalize().map_err(|e| TestCaseError::fail(e.to_string()))?;
            if *visible && *holds_hash {
                prop_assert!(found.iter().any(|e| e.path == path), "{:?} not found for {}", path, hex);
            }
            if !*visible {
                prop_assert!(!listed.iter().chain(&found).any(|e| e.path == path), "{:?}", path);
            }
        }
    }
}

proptest! {
    #![proptest_config(config(2_000))]

    #[test]
    fn proptest_messages_lose_the_cache_folder_and_keep_the_rest(
        before in text(0..30),
        relative in prop::collection::vec(text_of("abcXYZ019 ._é日-", 1..10), 1..4),
        after in text(0..30),
    ) {
        // Any existing folder will do; the system's temporary folder costs nothing to make.
        let folder = std::env::temp_dir().canonicalize().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let cache = Cache::new(&folder);
        let root = folder.display().to_string();
        prop_assume!(!before.contains(&root) && !after.contains(&root));
        let relative = relative.join("/");
        let message = format!("{before} {root}/{relative}: {after}");
        prop_assert_eq!(cache.hide_root(&message), format!("{before} {relative}: {after}"));
        let whole = format!("{before} {root} {after}");
        prop_assert_eq!(cache.hide_root(&whole), format!("{before} the cache folder {after}"));
    }
}
