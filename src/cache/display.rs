//! The cache as HTTP clients see it: paths relative to the cache folder, never where the folder
//! lies on this machine.

use std::path::Path;

use super::{Cache, CacheListing};

impl CacheListing {
    /// The listing for HTTP clients, who have no business knowing this machine's folders:
    /// no `cache_dir`, and every `path` relative to the cache folder (the same as `file`).
    pub fn without_absolute_paths(mut self) -> Self {
        self.cache_dir = None;
        for entry in &mut self.entries {
            entry.path.clone_from(&entry.file);
        }
        self
    }
}

impl Cache {
    /// `text` (an error message) without the cache folder's path, absolute or as configured: a
    /// path below it becomes relative to it, the folder itself reads "the cache folder". For
    /// HTTP answers, which must not tell clients about this machine's folders.
    pub fn hide_root(&self, text: &str) -> String {
        let mut roots: Vec<String> = [
            self.canonical_root().map(Path::to_path_buf),
            std::path::absolute(&self.root).ok(),
            Some(self.root.clone()),
        ]
        .into_iter()
        .flatten()
        .map(|p| p.to_string_lossy().trim_end_matches(['/', '\\']).to_owned())
        .filter(|p| !p.is_empty() && p != ".")
        .collect();
        // The longer spelling first, so a shorter one never cuts it in half.
        roots.sort_by_key(|r| std::cmp::Reverse(r.len()));
        roots.dedup();
        roots
            .iter()
            .fold(text.to_owned(), |text, root| hide_one_root(&text, root))
    }
}

/// Hand-written because `str::replace` would also cut `<root>-old/x` or `/srv/<root>/x`.
/// Replaces `root` where it stands as a whole path: not inside a longer name or path before it,
/// and followed by a separator (taken out with it) or by the end of the path (a space, quote,
/// colon, bracket or the end).
fn hide_one_root(text: &str, root: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(root) {
        let after = &rest[at + root.len()..];
        out.push_str(&rest[..at]);
        let inside_a_path = out
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || "/\\._-~".contains(c));
        if inside_a_path {
            out.push_str(root);
            rest = after;
            continue;
        }
        match after.chars().next() {
            Some('/' | '\\') => rest = &after[1..],
            None | Some(' ' | '"' | '\'' | ':' | ')' | ']' | ',' | ';' | '\n') => {
                out.push_str("the cache folder");
                rest = after;
            }
            Some(_) => {
                out.push_str(root);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "08ada5a7a6183aae1e09d831df6748d566095a10";

    #[test]
    fn messages_and_listings_for_http_carry_no_absolute_path() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        let root = dir.path().canonicalize().unwrap();
        let root = root.display();
        let given = dir.path().display();
        assert_eq!(
            cache.hide_root(&format!("reading {root}/{HASH}/x.mkv: denied")),
            format!("reading {HASH}/x.mkv: denied")
        );
        assert_eq!(
            cache.hide_root(&format!("creating {given}: denied; {given}/a and {root}/b")),
            "creating the cache folder: denied; a and b"
        );
        // Another folder whose name starts like the cache's is left alone.
        let sibling = format!("{root}-old/x.mkv");
        assert_eq!(cache.hide_root(&sibling), sibling);
        // A cache folder given as a relative path: hidden too, but not inside another path.
        let relative = Cache::new("./temp");
        assert_eq!(
            relative.hide_root(&format!("reading ./temp/{HASH}/x.mkv: denied")),
            format!("reading {HASH}/x.mkv: denied")
        );
        let bare = Cache::new("temp");
        assert_eq!(
            bare.hide_root("opening \"temp/a\" and /var/temp/b"),
            "opening \"a\" and /var/temp/b"
        );

        std::fs::create_dir_all(dir.path().join(HASH)).unwrap();
        std::fs::write(dir.path().join(HASH).join("a.mp4"), b"\0\0\0\x20ftypisom").unwrap();
        let listing = CacheListing::of(&cache).without_absolute_paths();
        let json = serde_json::to_string(&listing).unwrap();
        assert!(!json.contains(&root.to_string()), "{json}");
        assert!(!json.contains(&given.to_string()), "{json}");
        assert_eq!(listing.entries[0].path, Path::new(HASH).join("a.mp4"));
        assert_eq!(listing.cache_dir, None);
    }
}
