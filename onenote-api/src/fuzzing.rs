//! Thin entry points into the runtime's private parsers, for the fuzz targets in `fuzz/` and the
//! corpus replay that runs them in `cargo test`. Compiled only with the `fuzzing` feature; not
//! part of the API and not covered by semver.

use std::time::{Duration, SystemTime};

pub use reqwest::Url;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::de::DeserializeOwned;

use crate::auth::Audience;
use crate::client::Client;
use crate::error::{Error, Redact, Result};
use crate::request::{Call, Method};
use crate::response::{Reply, response_info};

/// The operation id the errors made here carry.
const OPERATION: &str = "fuzzOperation";

/// `Retry-After` as the client reads it: delta-seconds, or an HTTP date measured from `now`.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    crate::retry::parse_retry_after(value, now)
}

/// The wait the client takes from a response with these headers (raw bytes, as a server may
/// send them; a name or value that is not a valid header is left out, as hyper would refuse it).
pub fn retry_after_of(headers: &[(&[u8], &[u8])]) -> Option<Duration> {
    response_info(Audience::OneNote, 429, &header_map(headers)).retry_after
}

/// The error the client makes of a non-success response (status, headers, body) from
/// `audience`'s service to a request that sent `token`.
pub fn status_error(
    audience: Audience,
    status: u16,
    headers: &[(&[u8], &[u8])],
    body: &[u8],
    token: &str,
) -> Error {
    let info = response_info(audience, status, &header_map(headers));
    Error::from_status(OPERATION, info, body, Redact::secret(token))
}

/// The client's decoding of a success body as `T` (to a request that sent `token`): the value,
/// or the `Decode` error it reports.
pub fn decode_body<T: DeserializeOwned>(body: &[u8], token: &str) -> Result<T> {
    let reply = Reply {
        audience: Audience::OneNote,
        status: 200,
        headers: HeaderMap::new(),
        body: body.to_vec(),
        unread: None,
        url: Url::parse("https://www.onenote.com/api/v1.0/")
            .unwrap_or_else(|e| unreachable!("a fixed URL parses: {e}")),
        attempts: 1,
        waited: Duration::ZERO,
        token: Some(token.into()),
    };
    reply.decode(OPERATION)
}

/// The URL a `GET` of `path` (relative to the version root, as generated code builds it) is sent
/// to, or the error the client refuses it with.
pub fn request_url(client: &Client, path: String) -> Result<Url> {
    client.url_for(&Call::new(OPERATION, Method::Get, path, 200))
}

fn header_map(headers: &[(&[u8], &[u8])]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) =
            (HeaderName::from_bytes(name), HeaderValue::from_bytes(value))
        {
            map.append(name, value);
        }
    }
    map
}
