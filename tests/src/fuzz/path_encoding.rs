//! Fuzz target `path_encoding`: ids in paths and OData string literals.
//!
//! The input (as text) is an id. Put in a resource path by the generated navigation
//! (`client.user(id).class_notebook(id)`), the URL the client sends has each id as exactly one
//! segment that percent-decodes to the id, on the API host, with no query or fragment; only the
//! ids URL normalisation would rewrite or drop (empty, `.`, `..`) are refused. Put in an OData
//! string literal (`FromUrl(url='…')`, by `push_odata_string`), the endpoint stays
//! `myOrganization/siteCollections` and the rest of the path (its `/`s the value's own, as the
//! documents write a site URL) decodes to the literal, whose doubled quotes un-double to the id.

use std::sync::OnceLock;

use onenote_api::{Client, ErrorKind};

/// Checks one input: see the module docs.
pub fn check(data: &[u8]) {
    let id = String::from_utf8_lossy(data);
    check_resource_path(&id);
    check_odata_literal(&id);
}

fn client() -> &'static Client {
    static CLIENT: OnceLock<Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        Client::builder()
            .bearer_token("token")
            .build()
            .unwrap_or_else(|e| panic!("client: {e}"))
    })
}

fn check_resource_path(id: &str) {
    let path = client().user(id).class_notebook(id).path().to_owned();
    match onenote_api::fuzzing::request_url(client(), path.clone()) {
        Ok(url) => {
            assert!(
                !matches!(id, "" | "." | ".."),
                "{id:?} was not refused: {url}"
            );
            let segments = segments_after_version_root(&url);
            assert_eq!(
                segments.len(),
                5,
                "{id:?} is not one segment each time: {url}"
            );
            assert_eq!(
                [
                    segments[0].as_str(),
                    segments[2].as_str(),
                    segments[3].as_str()
                ],
                ["users", "notes", "classNotebooks"],
                "{id:?}: {url}"
            );
            for segment in [&segments[1], &segments[4]] {
                assert_eq!(percent_decoded(segment), id.as_bytes(), "{id:?}: {url}");
            }
        }
        Err(error) => {
            assert!(
                matches!(id, "" | "." | ".."),
                "{id:?} was refused ({path}): {error}"
            );
            assert_eq!(error.kind(), ErrorKind::InvalidRequest, "{error}");
        }
    }
}

fn check_odata_literal(id: &str) {
    let mut path = String::from("myOrganization/siteCollections/FromUrl(url='");
    onenote_api::path::push_odata_string(&mut path, id);
    path.push_str("')");
    let url = onenote_api::fuzzing::request_url(client(), path.clone())
        .unwrap_or_else(|e| panic!("{id:?} ({path}): {e}"));
    let segments = segments_after_version_root(&url);
    assert_eq!(
        segments.get(..2),
        Some(&["myOrganization".to_owned(), "siteCollections".to_owned()][..]),
        "{id:?}: {url}"
    );
    let decoded = String::from_utf8(percent_decoded(&segments[2..].join("/")))
        .unwrap_or_else(|e| panic!("{id:?}: the literal is not UTF-8: {e}"));
    let literal = decoded
        .strip_prefix("FromUrl(url='")
        .and_then(|rest| rest.strip_suffix("')"))
        .unwrap_or_else(|| panic!("{id:?}: the literal's quotes moved: {decoded}"));
    assert_eq!(undoubled(literal), Some(id.to_owned()), "{id:?}: {decoded}");
}

/// The path segments after `/api/v1.0/`, as sent (still encoded), with the origin checked.
fn segments_after_version_root(url: &onenote_api::fuzzing::Url) -> Vec<String> {
    assert_eq!(url.scheme(), "https");
    assert_eq!(url.host_str(), Some("www.onenote.com"));
    assert_eq!(url.query(), None, "{url}");
    assert_eq!(url.fragment(), None, "{url}");
    let mut segments = url.path().split('/').map(str::to_owned);
    assert_eq!(segments.next().as_deref(), Some(""), "{url}");
    assert_eq!(segments.next().as_deref(), Some("api"), "{url}");
    assert_eq!(segments.next().as_deref(), Some("v1.0"), "{url}");
    segments.collect()
}

/// `%XX` sequences as the bytes they stand for; everything else as is.
fn percent_decoded(segment: &str) -> Vec<u8> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let hex = bytes
            .get(at + 1..at + 3)
            .filter(|pair| pair.iter().all(u8::is_ascii_hexdigit))
            .and_then(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok());
        match (bytes[at], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                at += 3;
            }
            (byte, _) => {
                out.push(byte);
                at += 1;
            }
        }
    }
    out
}

/// An OData literal's body with `''` turned back into `'`; `None` if a quote stands alone
/// (the literal would end there).
fn undoubled(literal: &str) -> Option<String> {
    let mut out = String::with_capacity(literal.len());
    let mut chars = literal.chars();
    while let Some(c) = chars.next() {
        if c == '\'' && chars.next() != Some('\'') {
            return None;
        }
        out.push(c);
    }
    Some(out)
}
