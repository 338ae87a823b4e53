//! Fuzz target `retry_after`: `Retry-After` parsing (delta-seconds or an HTTP date, measured
//! from the response's `Date`), directly and through the headers of a response.
//!
//! Input: eight bytes for "now" and eight for an instant (both seconds since 1970, before the
//! year 10000), then the header value; bytes after a 0xFF byte in it are the `Date` header.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::Input;

/// 10000-01-01T00:00:00Z: HTTP dates have four-digit years.
const YEAR_10000: u64 = 253_402_300_800;

/// Checks one input: see the module docs.
pub fn check(data: &[u8]) {
    let mut input = Input::new(data);
    let now = instant(input.take(8));
    let then = instant(input.take(8));
    let rest = input.rest();
    let (value, date) = match rest.iter().position(|&b| b == 0xFF) {
        Some(at) => (&rest[..at], Some(&rest[at + 1..])),
        None => (rest, None),
    };

    check_value(&String::from_utf8_lossy(value), now);
    formatted_dates_round_trip(then, now);

    // Whatever the raw header bytes, reading them does not panic, and delta-seconds are the
    // same wait through the headers whatever the `Date` (spaces and tabs are all the padding a
    // header value can carry; the client reads at most 2048 characters of a header).
    let mut headers = vec![(&b"retry-after"[..], value)];
    if let Some(date) = date {
        headers.push((b"date", date));
    }
    let wait = onenote_api::fuzzing::retry_after_of(&headers);
    let header_safe = value.len() <= 2048
        && value
            .iter()
            .all(|b| b.is_ascii_digit() || matches!(b, b' ' | b'\t'));
    if let (Some(seconds), true) = (delta_seconds(value), header_safe) {
        assert_eq!(wait, Some(seconds), "{:?}", String::from_utf8_lossy(value));
    }
}

fn instant(bytes: &[u8]) -> SystemTime {
    let mut raw = [0u8; 8];
    raw[..bytes.len()].copy_from_slice(bytes);
    UNIX_EPOCH + Duration::from_secs(u64::from_le_bytes(raw) % YEAR_10000)
}

/// The value's contract: delta-seconds are that many seconds (any count of digits, saturating),
/// an HTTP date is the time from `now` to it (zero when past), anything else is no wait.
fn check_value(value: &str, now: SystemTime) {
    let parsed = onenote_api::fuzzing::parse_retry_after(value, now);
    if let Some(seconds) = delta_seconds(value.as_bytes()) {
        assert_eq!(parsed, Some(seconds), "{value:?}");
    } else if let Some(wait) = parsed {
        let date = httpdate::parse_http_date(value.trim())
            .unwrap_or_else(|e| panic!("{value:?} gave {wait:?} but is no HTTP date: {e}"));
        assert_eq!(
            wait,
            date.duration_since(now).unwrap_or(Duration::ZERO),
            "{value:?}"
        );
    }
}

/// Every instant, written as an HTTP date, reads back as the time from `now` to it, as a bare
/// value and with the server's `Date` standing for "now".
fn formatted_dates_round_trip(then: SystemTime, now: SystemTime) {
    let expected = Some(then.duration_since(now).unwrap_or(Duration::ZERO));
    let value = httpdate::fmt_http_date(then);
    assert_eq!(
        onenote_api::fuzzing::parse_retry_after(&value, now),
        expected,
        "{value:?}"
    );
    let date = httpdate::fmt_http_date(now);
    let headers = [
        (&b"retry-after"[..], value.as_bytes()),
        (b"date", date.as_bytes()),
    ];
    assert_eq!(
        onenote_api::fuzzing::retry_after_of(&headers),
        expected,
        "{value:?} at {date:?}"
    );
}

/// `Some(seconds)` when the value is delta-seconds: ASCII digits between optional whitespace.
fn delta_seconds(value: &[u8]) -> Option<Duration> {
    let text = std::str::from_utf8(value).ok()?.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(Duration::from_secs(text.parse().unwrap_or(u64::MAX)))
}
