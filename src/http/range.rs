//! HTTP Range and conditional-request decisions (RFC 9110 sections 13 and 14), kept free of I/O
//! so every case can be table-tested.
//!
//! Choices where the RFC leaves room:
//! - a syntactically invalid `Range` is ignored (full 200);
//! - a `Range` with several ranges is answered with the full representation (200), never
//!   multipart: players never ask for several ranges, and a 200 is always correct;
//! - a range whose end lies past the representation is clamped to the last byte.

use std::time::{SystemTime, UNIX_EPOCH};

/// An inclusive byte range inside a representation of known length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteRange {
    pub start: u64,
    pub end: u64,
}

impl ByteRange {
    pub fn len(&self) -> u64 {
        self.end - self.start + 1
    }

    pub fn content_range(&self, total: u64) -> String {
        format!("bytes {}-{}/{}", self.start, self.end, total)
    }
}

/// What the server should send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// 200 with the whole representation.
    Full,
    /// 206 with one range.
    Partial(ByteRange),
    /// 416 with `Content-Range: bytes */len`.
    NotSatisfiable,
    /// 412: If-Match or If-Unmodified-Since failed.
    PreconditionFailed,
    /// 304: If-None-Match or If-Modified-Since matched.
    NotModified,
}

/// What is known about the representation being served.
#[derive(Debug, Clone, Copy)]
pub struct Representation<'a> {
    pub len: u64,
    /// A strong entity tag, quotes included.
    pub etag: &'a str,
    pub last_modified: Option<SystemTime>,
}

/// The request headers that influence the decision (raw values).
#[derive(Debug, Clone, Copy, Default)]
pub struct Conditions<'a> {
    pub range: Option<&'a str>,
    pub if_range: Option<&'a str>,
    pub if_match: Option<&'a str>,
    pub if_none_match: Option<&'a str>,
    pub if_modified_since: Option<&'a str>,
    pub if_unmodified_since: Option<&'a str>,
}

/// Outcome of parsing a `Range` header against a length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeOutcome {
    /// Absent, malformed or in another unit: serve the whole thing.
    Ignore,
    Single(ByteRange),
    /// Several satisfiable ranges: answered with the whole representation.
    Multiple,
    Unsatisfiable,
}

/// Evaluates preconditions in the order of RFC 9110 section 13.2.2, then the range.
/// Only GET and HEAD reach this function.
pub fn decide(cond: &Conditions<'_>, rep: &Representation<'_>) -> Decision {
    if let Some(if_match) = cond.if_match {
        if !etag_list_matches(if_match, rep.etag, true) {
            return Decision::PreconditionFailed;
        }
    } else if let Some(since) = cond.if_unmodified_since.and_then(parse_date)
        && rep.last_modified.is_some_and(|lm| seconds(lm) > since)
    {
        return Decision::PreconditionFailed;
    }
    if let Some(if_none_match) = cond.if_none_match {
        if etag_list_matches(if_none_match, rep.etag, false) {
            return Decision::NotModified;
        }
    } else if let Some(since) = cond.if_modified_since.and_then(parse_date)
        && rep.last_modified.is_some_and(|lm| seconds(lm) <= since)
    {
        return Decision::NotModified;
    }
    let Some(range) = cond.range else {
        return Decision::Full;
    };
    if let Some(if_range) = cond.if_range
        && !if_range_holds(if_range, rep)
    {
        return Decision::Full;
    }
    match parse_range(range, rep.len) {
        RangeOutcome::Ignore | RangeOutcome::Multiple => Decision::Full,
        RangeOutcome::Single(r) => Decision::Partial(r),
        RangeOutcome::Unsatisfiable => Decision::NotSatisfiable,
    }
}

/// Parses `bytes=a-b`, `bytes=a-`, `bytes=-n` and lists of them.
pub fn parse_range(header: &str, len: u64) -> RangeOutcome {
    let header = header.trim();
    let Some((unit, specs)) = header.split_once('=') else {
        return RangeOutcome::Ignore;
    };
    if !unit.trim().eq_ignore_ascii_case("bytes") {
        return RangeOutcome::Ignore;
    }
    let mut satisfiable = Vec::new();
    let mut any = false;
    for spec in specs.split(',') {
        let spec = spec.trim();
        if spec.is_empty() {
            continue; // RFC 9110 list syntax allows empty elements.
        }
        any = true;
        let Some((first, last)) = spec.split_once('-') else {
            return RangeOutcome::Ignore;
        };
        let (first, last) = (first.trim(), last.trim());
        let range = if first.is_empty() {
            // Suffix range: the last `n` bytes.
            let Some(n) = parse_digits(last) else {
                return RangeOutcome::Ignore;
            };
            (n > 0 && len > 0).then(|| ByteRange {
                start: len.saturating_sub(n),
                end: len - 1,
            })
        } else {
            let Some(start) = parse_digits(first) else {
                return RangeOutcome::Ignore;
            };
            let end = if last.is_empty() {
                None
            } else {
                match parse_digits(last) {
                    Some(end) if end >= start => Some(end),
                    _ => return RangeOutcome::Ignore,
                }
            };
            (start < len).then(|| ByteRange {
                start,
                end: end.map_or(len - 1, |e| e.min(len - 1)),
            })
        };
        satisfiable.extend(range);
    }
    match satisfiable.len() {
        _ if !any => RangeOutcome::Ignore,
        0 => RangeOutcome::Unsatisfiable,
        1 => RangeOutcome::Single(satisfiable[0]),
        _ => RangeOutcome::Multiple,
    }
}

/// Digits only (no sign, no spaces inside); overflow counts as malformed.
fn parse_digits(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `If-Range` holds when it names our strong ETag, or exactly our Last-Modified date.
fn if_range_holds(value: &str, rep: &Representation<'_>) -> bool {
    let value = value.trim();
    if value.starts_with('"') || value.starts_with("W/") {
        // Weak tags never match for If-Range (strong comparison).
        return value == rep.etag;
    }
    match (parse_date(value), rep.last_modified) {
        (Some(date), Some(lm)) => date == seconds(lm),
        _ => false,
    }
}

/// Matches a comma-separated entity-tag list or `*`. `strong` selects the comparison function.
fn etag_list_matches(list: &str, etag: &str, strong: bool) -> bool {
    let list = list.trim();
    if list == "*" {
        return true;
    }
    let ours = etag.trim_start_matches("W/");
    list.split(',').map(str::trim).any(|tag| {
        if strong {
            !tag.starts_with("W/") && tag == etag
        } else {
            tag.trim_start_matches("W/") == ours
        }
    })
}

fn parse_date(value: &str) -> Option<u64> {
    httpdate::parse_http_date(value.trim()).ok().map(seconds)
}

/// HTTP dates have one-second resolution.
fn seconds(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const LEN: u64 = 1000;

    fn r(start: u64, end: u64) -> RangeOutcome {
        RangeOutcome::Single(ByteRange { start, end })
    }

    #[test]
    fn range_forms() {
        let table: &[(&str, RangeOutcome)] = &[
            ("bytes=0-", r(0, 999)),
            ("bytes=0-0", r(0, 0)),
            ("bytes=10-19", r(10, 19)),
            ("bytes=500-", r(500, 999)),
            ("bytes=-100", r(900, 999)),
            ("bytes=-5000", r(0, 999)),
            ("bytes=990-5000", r(990, 999)),
            ("bytes=999-", r(999, 999)),
            ("BYTES = 1-2", r(1, 2)),
            ("bytes= 1 - 2 ", r(1, 2)),
            ("bytes=1-2,", r(1, 2)),
            ("bytes=1000-", RangeOutcome::Unsatisfiable),
            ("bytes=1000-1001", RangeOutcome::Unsatisfiable),
            ("bytes=5000-", RangeOutcome::Unsatisfiable),
            ("bytes=-0", RangeOutcome::Unsatisfiable),
            ("bytes=0-1,5-6", RangeOutcome::Multiple),
            ("bytes=0-1,2000-3000", r(0, 1)),
            ("bytes=2000-3000,3000-", RangeOutcome::Unsatisfiable),
            ("bytes=5-1", RangeOutcome::Ignore),
            ("bytes=abc", RangeOutcome::Ignore),
            ("bytes=-", RangeOutcome::Ignore),
            ("bytes=1-2-3", RangeOutcome::Ignore),
            ("bytes=+1-2", RangeOutcome::Ignore),
            ("bytes=", RangeOutcome::Ignore),
            ("bytes=99999999999999999999999-", RangeOutcome::Ignore),
            ("items=0-1", RangeOutcome::Ignore),
            ("0-1", RangeOutcome::Ignore),
            ("", RangeOutcome::Ignore),
        ];
        for (header, expected) in table {
            assert_eq!(parse_range(header, LEN), *expected, "{header:?}");
        }
    }

    #[test]
    fn empty_representation_satisfies_no_range() {
        assert_eq!(parse_range("bytes=0-", 0), RangeOutcome::Unsatisfiable);
        assert_eq!(parse_range("bytes=-1", 0), RangeOutcome::Unsatisfiable);
    }

    fn rep(lm: SystemTime) -> Representation<'static> {
        Representation {
            len: LEN,
            etag: "\"abc\"",
            last_modified: Some(lm),
        }
    }

    #[test]
    fn conditional_table() {
        let lm = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let lm_text = httpdate::fmt_http_date(lm);
        let earlier = httpdate::fmt_http_date(lm - Duration::from_secs(60));
        let later = httpdate::fmt_http_date(lm + Duration::from_secs(60));
        let part = Decision::Partial(ByteRange { start: 0, end: 9 });
        let range = Some("bytes=0-9");
        let c = |f: &dyn Fn(&mut Conditions<'static>)| {
            let mut c = Conditions {
                range,
                ..Default::default()
            };
            f(&mut c);
            c
        };
        // These closures leak the formatted dates into 'static strings for the table.
        let s = |v: &str| -> &'static str { Box::leak(v.to_owned().into_boxed_str()) };
        let (lm_s, earlier_s, later_s) = (s(&lm_text), s(&earlier), s(&later));
        let table: Vec<(&str, Conditions<'static>, Decision)> = vec![
            ("plain range", c(&|_| {}), part),
            ("no range", c(&|c| c.range = None), Decision::Full),
            (
                "if-range etag hit",
                c(&|c| c.if_range = Some("\"abc\"")),
                part,
            ),
            (
                "if-range etag miss",
                c(&|c| c.if_range = Some("\"old\"")),
                Decision::Full,
            ),
            (
                "if-range weak never matches",
                c(&|c| c.if_range = Some("W/\"abc\"")),
                Decision::Full,
            ),
            ("if-range date hit", c(&|c| c.if_range = Some(lm_s)), part),
            (
                "if-range date miss",
                c(&|c| c.if_range = Some(earlier_s)),
                Decision::Full,
            ),
            ("if-match hit", c(&|c| c.if_match = Some("\"abc\"")), part),
            (
                "if-match list",
                c(&|c| c.if_match = Some("\"x\", \"abc\"")),
                part,
            ),
            ("if-match star", c(&|c| c.if_match = Some("*")), part),
            (
                "if-match miss",
                c(&|c| c.if_match = Some("\"x\"")),
                Decision::PreconditionFailed,
            ),
            (
                "if-match weak",
                c(&|c| c.if_match = Some("W/\"abc\"")),
                Decision::PreconditionFailed,
            ),
            (
                "if-none-match hit",
                c(&|c| c.if_none_match = Some("W/\"abc\"")),
                Decision::NotModified,
            ),
            (
                "if-none-match miss",
                c(&|c| c.if_none_match = Some("\"x\"")),
                part,
            ),
            (
                "if-modified-since same",
                c(&|c| c.if_modified_since = Some(lm_s)),
                Decision::NotModified,
            ),
            (
                "if-modified-since earlier",
                c(&|c| c.if_modified_since = Some(earlier_s)),
                part,
            ),
            (
                "if-unmodified-since earlier",
                c(&|c| c.if_unmodified_since = Some(earlier_s)),
                Decision::PreconditionFailed,
            ),
            (
                "if-unmodified-since later",
                c(&|c| c.if_unmodified_since = Some(later_s)),
                part,
            ),
            (
                "bad date ignored",
                c(&|c| c.if_modified_since = Some("yesterday")),
                part,
            ),
            (
                "416",
                c(&|c| c.range = Some("bytes=1000-")),
                Decision::NotSatisfiable,
            ),
        ];
        for (name, cond, expected) in table {
            assert_eq!(decide(&cond, &rep(lm)), expected, "{name}");
        }
    }

    #[test]
    fn content_range_text() {
        let range = ByteRange { start: 5, end: 9 };
        assert_eq!(range.len(), 5);
        assert_eq!(range.content_range(10), "bytes 5-9/10");
    }
}

#[cfg(test)]
mod proptests;
