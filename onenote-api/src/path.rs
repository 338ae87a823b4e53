//! Percent-encodes caller values into request paths so no value can change the endpoint.
//!
//! Generated code builds every path with these two functions. In a path segment everything
//! except the RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`) is encoded, so `/`, `?`,
//! `#`, `%`, spaces, `@` and non-ASCII text stay inside their segment.
//!
//! An OData string literal (`pages('{id}')`, `FromUrl(url='{url}')`) is written as the
//! documents write it: `:` `@` `!` and `/` as they are (a site URL reads
//! `FromUrl(url='https://contoso.sharepoint.com/sites/math')`, a page id `1-…!69-…`). RFC 3986
//! allows `:` `@` `!` in a segment. A `/` in the literal makes the URL several path segments,
//! which is what the service documents and what any front end passes on; encoded slashes
//! (`%2F`) are what front ends refuse (Apache's `AllowEncodedSlashes Off`, the default, answers
//! 404; others decode them before routing). The one danger of a raw `/` is a dot-segment: URL
//! normalisation (in the client's URL parser, in proxies) resolves `/./` and `/../`, and could
//! then send the request to another endpoint. So a literal with a `.` or `..` between slashes
//! has every `/` encoded, as one segment, which normalisation leaves alone; no real site URL
//! has one.

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
/// [`push_segment`] except for `:`, `@`, `!` and `/`, which are written as the documents write
/// them; `/` is encoded too when a `.` or `..` stands between slashes (see the module docs), so
/// no value can become a dot-segment.
///
/// ```
/// let mut path = String::from("FromUrl(url='");
/// onenote_api::path::push_odata_string(&mut path, "https://contoso.sharepoint.com/sites/o'brien");
/// path.push_str("')");
/// assert_eq!(path, "FromUrl(url='https://contoso.sharepoint.com/sites/o%27%27brien')");
/// ```
pub fn push_odata_string(path: &mut String, value: &str) {
    let doubled = value.replace('\'', "''");
    let dot_segment = doubled.split('/').any(|piece| matches!(piece, "." | ".."));
    let keep = if dot_segment {
        LITERAL_ONE_SEGMENT
    } else {
        LITERAL
    };
    path.extend(utf8_percent_encode(&doubled, keep));
}

/// Bytes an OData literal keeps besides the unreserved ones: `:` `@` `!` (RFC 3986 `pchar`) and
/// `/`, as the documents write them.
const LITERAL: &AsciiSet = &LITERAL_ONE_SEGMENT.remove(b'/');
/// [`LITERAL`] with `/` encoded: a literal that must stay one segment.
const LITERAL_ONE_SEGMENT: &AsciiSet = &SEGMENT.remove(b':').remove(b'@').remove(b'!');

/// Whether a relative request path has an empty segment (a leading, trailing or doubled `/`,
/// as an empty id would make) outside its OData literals, whose values may hold `//`
/// (`FromUrl(url='https://…')`).
pub(crate) fn has_empty_segment(path: &str) -> bool {
    // Quotes inside a literal are percent-encoded, so every raw `'` opens or closes one.
    let outside: String = path
        .split('\'')
        .enumerate()
        .map(|(i, part)| if i % 2 == 0 { part } else { "x" })
        .collect();
    outside.starts_with('/') || outside.ends_with('/') || outside.contains("//")
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
            "1-b168ad794f2f469b8de2696dd737d2b3!69-d39b2f49"
        );
        assert_eq!(odata(".."), "..");
        assert_eq!(odata("a b?c#d%e"), "a%20b%3Fc%23d%25e");
        assert_eq!(
            odata("a\\b"),
            "a%5Cb",
            "a backslash is a slash to URL parsers"
        );
    }

    #[test]
    fn a_site_url_is_written_as_the_documents_write_it() {
        assert_eq!(
            odata("https://domain.sharepoint.com/site-a"),
            "https://domain.sharepoint.com/site-a"
        );
        assert_eq!(
            odata("https://user@domain.com:443/sites/site-a/"),
            "https://user@domain.com:443/sites/site-a/"
        );
    }

    #[test]
    fn a_literal_with_a_dot_segment_stays_one_segment() {
        for (value, encoded) in [
            ("https://x.com/../me", "https:%2F%2Fx.com%2F..%2Fme"),
            ("https://x.com/./a", "https:%2F%2Fx.com%2F.%2Fa"),
            ("a/..", "a%2F.."),
            ("../a", "..%2Fa"),
        ] {
            assert_eq!(odata(value), encoded, "{value}");
        }
        assert_eq!(odata("a/.../b"), "a/.../b", "three dots are a name");
    }

    #[test]
    fn empty_segments_are_found_outside_literals_only() {
        for path in ["/me", "me/", "me//notes", "users//notes", "x('a')//y"] {
            assert!(has_empty_segment(path), "{path}");
        }
        for path in [
            "me/notes",
            "myOrganization/siteCollections/FromUrl(url='https://x.com/a')",
            "me/notes/classNotebooks/nb/pages('a//b')/Microsoft.OneNote.Api.DistributePageToStudent",
            "x('unclosed",
        ] {
            assert!(!has_empty_segment(path), "{path}");
        }
    }
}
