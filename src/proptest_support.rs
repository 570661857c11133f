//! Settings shared by the property tests (`proptests` modules next to the code they test).

use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};

/// `cases` generated inputs per test in a normal `cargo test`, multiplied by
/// `PEERSTREAM_PROPTEST_SCALE` for longer hunts (`scripts/proptest-long`).
pub fn config(cases: u32) -> Config {
    let scale: u32 = std::env::var("PEERSTREAM_PROPTEST_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    Config {
        cases: cases.saturating_mul(scale.max(1)),
        // A failure is turned into a plain unit test, so no regression files are kept.
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        ..Config::default()
    }
}

// Text strategies built from chars: proptest's regex and `any::<String>()` strategies cost
// about 100 times more per case in a debug build.

/// Any characters (all of Unicode), `len` of them.
pub fn text(len: std::ops::Range<usize>) -> impl Strategy<Value = String> {
    prop::collection::vec(any::<char>(), len).prop_map(String::from_iter)
}

/// Characters of `alphabet` only, `len` of them.
pub fn text_of(alphabet: &str, len: std::ops::Range<usize>) -> impl Strategy<Value = String> {
    let chars: Vec<char> = alphabet.chars().collect();
    prop::collection::vec(prop::sample::select(chars), len).prop_map(String::from_iter)
}

/// `text` with each ASCII letter's case picked by `mask`.
pub fn mixed_case(text: &str, mask: u64) -> String {
    text.chars()
        .enumerate()
        .map(|(i, c)| {
            if mask >> (i % 64) & 1 == 1 {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}
