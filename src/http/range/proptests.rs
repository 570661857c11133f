//! Property tests of the Range and conditional decisions: whatever a client sends, the answer is
//! a range inside the file, a 416 only when nothing of the file was asked for, and never a panic.

use std::time::{Duration, UNIX_EPOCH};

use proptest::prelude::*;

use super::*;
use crate::proptest_support::{config, text, text_of};

/// Text that looks like a Range header more often than random bytes would: units, digits,
/// dashes, commas and spaces in any order, plus a little of anything.
fn range_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("bytes=".to_owned()),
        Just("BYTES =".to_owned()),
        Just("items=".to_owned()),
        Just("-".to_owned()),
        Just(",".to_owned()),
        Just(" ".to_owned()),
        Just("=".to_owned()),
        any::<u64>().prop_map(|n| n.to_string()),
        (0u64..2000).prop_map(|n| n.to_string()),
        text_of("0123456789", 19..26),
        text(0..20),
    ];
    prop::collection::vec(piece, 0..8).prop_map(|parts| parts.concat())
}

/// Any header value, as the bytes a client may send turned into the `&str` the server sees.
fn header_text() -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop_oneof![
        prop::collection::vec(any::<u8>(), 0..64)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        range_like(),
        Just("\"tag\"".to_owned()),
        Just("W/\"tag\"".to_owned()),
        Just("*".to_owned()),
        (0u64..4_000_000_000)
            .prop_map(|s| httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(s))),
    ])
}

/// One satisfiable-or-not spec: `first-last`, `first-` or `-suffix`.
#[derive(Debug, Clone, Copy)]
enum Spec {
    FromTo(u64, u64),
    From(u64),
    Suffix(u64),
}

impl Spec {
    fn text(self) -> String {
        match self {
            Spec::FromTo(a, b) => format!("{a}-{b}"),
            Spec::From(a) => format!("{a}-"),
            Spec::Suffix(n) => format!("-{n}"),
        }
    }

    /// The range this spec selects in a `len`-byte file (RFC 9110 section 14.1.2), if any.
    fn selects(self, len: u64) -> Option<ByteRange> {
        match self {
            Spec::FromTo(a, b) if a < len => Some(ByteRange {
                start: a,
                end: b.min(len - 1),
            }),
            Spec::From(a) if a < len => Some(ByteRange {
                start: a,
                end: len - 1,
            }),
            Spec::Suffix(n) if n > 0 && len > 0 => Some(ByteRange {
                start: len.saturating_sub(n),
                end: len - 1,
            }),
            _ => None,
        }
    }
}

fn spec(len: u64) -> impl Strategy<Value = Spec> {
    // Around the end of the file is where the off-by-ones live.
    let near = move || {
        prop_oneof![
            0..=len.saturating_add(2),
            len.saturating_sub(3)..=len.saturating_add(3),
            any::<u64>(),
        ]
    };
    prop_oneof![
        (near(), near()).prop_map(|(a, b)| Spec::FromTo(a.min(b), a.max(b))),
        near().prop_map(Spec::From),
        near().prop_map(Spec::Suffix),
    ]
}

fn len() -> impl Strategy<Value = u64> {
    prop_oneof![0u64..5, 0u64..100_000, any::<u64>()]
}

proptest! {
    #![proptest_config(config(20_000))]

    #[test]
    fn proptest_any_headers_never_panic_and_partial_stays_inside(
        range in header_text(),
        if_range in header_text(),
        if_match in header_text(),
        if_none_match in header_text(),
        if_modified_since in header_text(),
        if_unmodified_since in header_text(),
        len in len(),
        modified in prop::option::of(0u64..4_000_000_000),
    ) {
        let cond = Conditions {
            range: range.as_deref(),
            if_range: if_range.as_deref(),
            if_match: if_match.as_deref(),
            if_none_match: if_none_match.as_deref(),
            if_modified_since: if_modified_since.as_deref(),
            if_unmodified_since: if_unmodified_since.as_deref(),
        };
        let rep = Representation {
            len,
            etag: "\"tag\"",
            last_modified: modified.map(|s| UNIX_EPOCH + Duration::from_secs(s)),
        };
        if let Decision::Partial(r) = decide(&cond, &rep) {
            prop_assert!(r.start <= r.end && r.end < len, "{r:?} of {len}");
            prop_assert_eq!(r.len(), r.end - r.start + 1);
        }
        if let RangeOutcome::Single(r) = parse_range(range.as_deref().unwrap_or(""), len) {
            prop_assert!(r.start <= r.end && r.end < len, "{r:?} of {len}");
        }
    }

}

proptest! {
    #![proptest_config(config(15_000))]

    #[test]
    fn proptest_one_spec_is_answered_as_rfc_9110_says(
        (len, spec) in len().prop_flat_map(|len| (Just(len), spec(len))),
        upper in any::<bool>(),
        spaces in any::<bool>(),
    ) {
        let unit = if upper { "BYTES" } else { "bytes" };
        let header = if spaces {
            format!(" {unit} = {} ", spec.text().replace('-', " - "))
        } else {
            format!("{unit}={}", spec.text())
        };
        let expected = match spec.selects(len) {
            Some(r) => RangeOutcome::Single(r),
            None => RangeOutcome::Unsatisfiable,
        };
        prop_assert_eq!(parse_range(&header, len), expected, "{}", header);
        // Through `decide`: 416 only when the spec selects nothing, i.e. it starts at or past the
        // end (or is an empty suffix, or the file is empty).
        let decision = decide(
            &Conditions { range: Some(&header), ..Default::default() },
            &Representation { len, etag: "\"tag\"", last_modified: None },
        );
        if decision == Decision::NotSatisfiable {
            let starts_past_end = match spec {
                Spec::FromTo(a, _) | Spec::From(a) => a >= len,
                Spec::Suffix(n) => n == 0 || len == 0,
            };
            prop_assert!(starts_past_end, "416 for {header} of {len}");
        }
    }

}

proptest! {
    #![proptest_config(config(10_000))]

    #[test]
    fn proptest_a_formatted_range_parses_back(
        (len, start, end) in (1u64..=u64::MAX)
            .prop_flat_map(|len| (Just(len), 0..len))
            .prop_flat_map(|(len, start)| (Just(len), Just(start), start..len)),
    ) {
        let range = ByteRange { start, end };
        let header = format!("bytes={start}-{end}");
        prop_assert_eq!(parse_range(&header, len), RangeOutcome::Single(range));
        prop_assert_eq!(
            range.content_range(len),
            format!("bytes {start}-{end}/{len}")
        );
        // Several satisfiable ranges are answered with the whole file, never multipart.
        let twice = format!("bytes={start}-{end},{start}-{end}");
        prop_assert_eq!(parse_range(&twice, len), RangeOutcome::Multiple);
        prop_assert_eq!(
            decide(
                &Conditions { range: Some(&twice), ..Default::default() },
                &Representation { len, etag: "\"t\"", last_modified: None },
            ),
            Decision::Full
        );
    }

}

proptest! {
    #![proptest_config(config(5_000))]

    #[test]
    fn proptest_if_range_with_another_tag_always_gets_the_whole_file(
        (len, spec) in len().prop_flat_map(|len| (Just(len), spec(len))),
        tag in text_of("abcdefghijklmnopqrstuvwxyz0123456789", 1..13),
    ) {
        prop_assume!(tag != "tag");
        let header = format!("bytes={}", spec.text());
        let other = format!("\"{tag}\"");
        let decision = decide(
            &Conditions { range: Some(&header), if_range: Some(&other), ..Default::default() },
            &Representation { len, etag: "\"tag\"", last_modified: None },
        );
        prop_assert_eq!(decision, Decision::Full);
    }
}
