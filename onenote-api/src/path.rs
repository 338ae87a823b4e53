//! Percent-encodes caller values into request paths so no value can change the endpoint.
//!
//! Generated code builds every path with these two functions. Everything except the RFC 3986
//! unreserved characters (`A-Z a-z 0-9 - . _ ~`) is encoded, so `/`, `?`, `#`, `%`, spaces, `@`
//! and non-ASCII text stay inside their segment.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Bytes that are encoded: everything but ALPHA, DIGIT and `-._~`.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Appends `value` to `path` as exactly one percent-encoded path segment.
///
/// A value of `.` or `..` is written as `%2E` or `%2E%2E` so it is not a dot-segment. (URL
/// parsers still treat `%2E` as a dot; the client refuses to send a path that normalisation would
/// rewrite, so such an id fails with [`ErrorKind::InvalidRequest`](crate::ErrorKind) rather than
/// reaching another endpoint.)
///
/// ```
/// let mut path = String::from("users/");
/// onenote_api::path::push_segment(&mut path, "a/b?c");
/// assert_eq!(path, "users/a%2Fb%3Fc");
/// ```
pub fn push_segment(path: &mut String, value: &str) {
    match value {
        "." => path.push_str("%2E"),
        ".." => path.push_str("%2E%2E"),
        _ => path.extend(utf8_percent_encode(value, SEGMENT)),
    }
}

/// Appends `value` as the body of an OData string literal (the caller writes the quotes).
///
/// Single quotes are doubled first (OData's escape), then the result is percent-encoded like
/// [`push_segment`], so `O'Brien` becomes `O%27%27Brien`.
///
/// ```
/// let mut path = String::from("pages('");
/// onenote_api::path::push_odata_string(&mut path, "it's");
/// path.push_str("')");
/// assert_eq!(path, "pages('it%27%27s')");
/// ```
pub fn push_odata_string(path: &mut String, value: &str) {
    let doubled = value.replace('\'', "''");
    path.extend(utf8_percent_encode(&doubled, SEGMENT));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(value: &str) -> String {
        let mut path = String::new();
        push_segment(&mut path, value);
        path
    }

    fn odata(value: &str) -> String {
        let mut path = String::new();
        push_odata_string(&mut path, value);
        path
    }

    #[test]
    fn hostile_ids_stay_in_one_segment() {
        assert_eq!(segment("a/b"), "a%2Fb");
        assert_eq!(segment(".."), "%2E%2E");
        assert_eq!(segment("."), "%2E");
        assert_eq!(segment("?x"), "%3Fx");
        assert_eq!(segment("#"), "%23");
        assert_eq!(segment("%41"), "%2541");
        assert_eq!(segment("a b"), "a%20b");
        assert_eq!(segment("teacher2@contoso.net"), "teacher2%40contoso.net");
        assert_eq!(segment("é"), "%C3%A9");
        assert_eq!(segment("'"), "%27");
        assert_eq!(segment("a\\b"), "a%5Cb");
        assert_eq!(segment("+&=;"), "%2B%26%3D%3B");
        assert_eq!(segment(""), "");
    }

    #[test]
    fn ordinary_ids_are_unchanged() {
        assert_eq!(
            segment("1-b68a21fd-cdb3-41f1-a566-0772872a8a0c"),
            "1-b68a21fd-cdb3-41f1-a566-0772872a8a0c"
        );
        assert_eq!(segment("a.b_c~d"), "a.b_c~d");
        assert_eq!(segment("..."), "...");
    }

    #[test]
    fn encoded_segments_contain_only_safe_bytes() {
        for value in [
            "a/b",
            "..",
            "?x",
            "#",
            "%41",
            " ",
            "@",
            "é",
            "'",
            "\u{0}\n\r",
            "日本",
        ] {
            let encoded = segment(value);
            assert!(
                encoded
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)),
                "{value:?} -> {encoded}"
            );
        }
    }

    #[test]
    fn odata_literals_double_quotes_then_encode() {
        assert_eq!(odata("O'Brien"), "O%27%27Brien");
        assert_eq!(odata("''"), "%27%27%27%27");
        assert_eq!(
            odata("1-b168ad794f2f469b8de2696dd737d2b3!69-d39b2f49"),
            "1-b168ad794f2f469b8de2696dd737d2b3%2169-d39b2f49"
        );
        assert_eq!(odata("a/b"), "a%2Fb");
        assert_eq!(odata(".."), "..");
        assert_eq!(
            odata("https://domain.sharepoint.com/site-a"),
            "https%3A%2F%2Fdomain.sharepoint.com%2Fsite-a"
        );
    }
}
