//! What a call's response says besides its value: `Response<T>` for successes (status and the
//! support headers), and the `Reply` the client hands back to typed decoding.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::Url;
use reqwest::header::{DATE, HeaderMap, RETRY_AFTER};
use serde::de::DeserializeOwned;

use crate::auth::Audience;
use crate::byte_stream::ByteStream;
use crate::error::{Error, Redact, ResponseInfo, Result};
use crate::retry::parse_retry_after;

/// A successful response: the decoded value, its HTTP status and headers.
///
/// Every request builder's `send_with_meta()` returns one (the `202 Accepted` of an
/// asynchronous call included, with the [`OperationHandle`](crate::OperationHandle) as its
/// value). The documents ask callers to quote the request's correlation id and `Date` when
/// they contact support about any request: [`correlation_id`](Self::correlation_id) (the
/// `X-CorrelationId` header of OneNote, the `request-id` of Microsoft Graph) and
/// [`date`](Self::date) give them.
///
/// Header values are kept as received and read only when asked for, so a plain `send()`,
/// which drops them, pays nothing for them.
pub struct Response<T> {
    /// The decoded body (`()` for calls without one).
    pub value: T,
    status: u16,
    headers: HeaderMap,
    attempts: u32,
    audience: Audience,
}

impl<T> Response<T> {
    pub(crate) fn new(
        value: T,
        status: u16,
        headers: HeaderMap,
        attempts: u32,
        audience: Audience,
    ) -> Self {
        Self {
            value,
            status,
            headers,
            attempts,
            audience,
        }
    }

    /// The HTTP status (`200`, `201`, `202`, `204`).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The id the service gave the request, to quote with [`date`](Self::date) to Microsoft
    /// support: the header [`Audience::correlation_header`] names for the service that
    /// answered (`X-CorrelationId` from OneNote, `request-id` from Microsoft Graph).
    pub fn correlation_id(&self) -> Option<&str> {
        self.header(self.audience.correlation_header())
    }

    /// The service that answered (the audience of the call's token).
    pub fn audience(&self) -> Audience {
        self.audience
    }

    /// The `Date` header, as sent.
    pub fn date(&self) -> Option<&str> {
        self.header(DATE.as_str())
    }

    /// The `Date` header parsed, when it is a valid HTTP date.
    pub fn date_time(&self) -> Option<SystemTime> {
        httpdate::parse_http_date(self.date()?).ok()
    }

    /// The `Retry-After` header as a wait (seconds or an HTTP date, measured from `Date`): on a
    /// `202 Accepted`, how long to wait before the first poll.
    pub fn retry_after(&self) -> Option<Duration> {
        retry_after(&self.headers)
    }

    /// Any header as text, when it is present and visible ASCII (`response.header("location")`).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// Every response header.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// How many attempts the call took (1 unless it was retried).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The value, dropping the rest.
    pub fn into_value(self) -> T {
        self.value
    }

    /// The same response with its value changed by `f`.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            value: f(self.value),
            status: self.status,
            headers: self.headers,
            attempts: self.attempts,
            audience: self.audience,
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("correlation_id", &self.correlation_id())
            .field("date", &self.date())
            .field("attempts", &self.attempts)
            .field("value", &self.value)
            .finish_non_exhaustive()
    }
}

/// A successful (2xx) response as the client read it, before typed decoding.
///
/// `pub` only so [`Receive`](crate::Receive) can name it; this module is private.
#[derive(Debug)]
pub struct Reply {
    /// The service that answered.
    pub(crate) audience: Audience,
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
    /// The body, still unread, of a call that streams it (then `body` is empty).
    pub(crate) unread: Option<reqwest::Response>,
    /// The URL that answered (after redirects), for resolving relative links.
    pub(crate) url: Url,
    pub(crate) attempts: u32,
    pub(crate) waited: Duration,
    /// The token the answered attempt sent, to redact it from anything kept from the body.
    pub(crate) token: Option<Arc<str>>,
}

impl Reply {
    /// Decodes the body as `T`, or a `Decode` error with a snippet of it.
    pub(crate) fn decode<T: DeserializeOwned>(&self, operation: &'static str) -> Result<T> {
        serde_json::from_slice(&self.body).map_err(|error| {
            Error::decode(
                operation,
                self.info(),
                &self.body,
                &error.to_string(),
                self.redact(),
            )
            .with_attempts(self.attempts, self.waited, None)
        })
    }

    /// Takes the body as UTF-8 text (leaving the metadata), or a `Decode` error with a snippet
    /// of it.
    pub(crate) fn take_text(&mut self, operation: &'static str) -> Result<String> {
        String::from_utf8(std::mem::take(&mut self.body)).map_err(|error| {
            let reason = format!("the body is not UTF-8 text: {}", error.utf8_error());
            Error::decode(
                operation,
                self.info(),
                error.as_bytes(),
                &reason,
                self.redact(),
            )
            .with_attempts(self.attempts, self.waited, None)
        })
    }

    /// Takes the body as it came (leaving the metadata).
    pub(crate) fn take_bytes(&mut self) -> bytes::Bytes {
        bytes::Bytes::from(std::mem::take(&mut self.body))
    }

    /// Takes the body as a stream of chunks under `limit` bytes in all (leaving the metadata).
    pub(crate) fn take_stream(&mut self, operation: &'static str, limit: usize) -> ByteStream {
        let read = bytes::Bytes::from(std::mem::take(&mut self.body));
        ByteStream::new(
            operation,
            self.unread.take(),
            read,
            limit,
            self.info().redacted(self.redact()),
            (self.attempts, self.waited),
        )
    }

    /// The status and support headers, as errors keep them.
    pub(crate) fn info(&self) -> ResponseInfo {
        response_info(self.audience, self.status, &self.headers)
    }

    /// Redacts the token this reply's attempt sent.
    pub(crate) fn redact(&self) -> Redact<'_> {
        self.token.as_deref().map_or(Redact::NONE, Redact::secret)
    }

    /// A header as text, if present and visible ASCII.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// The metadata around `value`, dropping the body.
    pub(crate) fn into_response<T>(self, value: T) -> Response<T> {
        Response::new(
            value,
            self.status,
            self.headers,
            self.attempts,
            self.audience,
        )
    }
}

/// Status and support headers of a response from `audience`'s service, as an [`Error`] keeps
/// them (text bounded): the correlation id from the header that service sends it in.
pub(crate) fn response_info(audience: Audience, status: u16, headers: &HeaderMap) -> ResponseInfo {
    ResponseInfo {
        audience: Some(audience),
        status: Some(status),
        correlation_id: header_text(headers, audience.correlation_header()),
        date: header_text(headers, DATE.as_str()),
        retry_after: retry_after(headers),
    }
}

/// `Retry-After` as a wait. An HTTP-date is measured from the server's own `Date` when it sent
/// one, so clock skew does not matter; `Date` is parsed only when there is a `Retry-After`.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    let now = headers
        .get(DATE)
        .and_then(|date| date.to_str().ok())
        .and_then(|date| httpdate::parse_http_date(date).ok())
        .unwrap_or_else(SystemTime::now);
    parse_retry_after(value, now)
}

/// A header as text (bounded), if present and visible ASCII.
fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    let value = headers.get(name)?.to_str().ok()?;
    Some(truncate(value, 2048).to_owned())
}

/// At most `max_chars` characters of `text`.
pub(crate) fn truncate(text: &str, max_chars: usize) -> &str {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn metadata_reads_the_support_headers() {
        let mut headers = HeaderMap::new();
        headers.insert("x-correlationid", HeaderValue::from_static("c-1"));
        headers.insert(
            DATE,
            HeaderValue::from_static("Sun, 25 Feb 2018 23:17:16 GMT"),
        );
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Sun, 25 Feb 2018 23:17:19 GMT"),
        );
        let response = Response::new(5u8, 202, headers, 2, Audience::OneNote);
        assert_eq!(response.status(), 202);
        assert_eq!(response.correlation_id(), Some("c-1"));
        assert_eq!(response.date(), Some("Sun, 25 Feb 2018 23:17:16 GMT"));
        assert_eq!(
            response.date_time(),
            httpdate::parse_http_date("Sun, 25 Feb 2018 23:17:16 GMT").ok()
        );
        assert_eq!(response.retry_after(), Some(Duration::from_secs(3)));
        assert_eq!(response.attempts(), 2);
        assert_eq!(response.header("X-CorrelationId"), Some("c-1"));
        assert_eq!(response.map(u32::from).into_value(), 5u32);
    }

    #[test]
    fn the_correlation_id_comes_from_the_header_of_the_service_that_answered() {
        let mut headers = HeaderMap::new();
        headers.insert("x-correlationid", HeaderValue::from_static("onenote-id"));
        headers.insert("request-id", HeaderValue::from_static("graph-id"));
        let onenote = Response::new((), 200, headers.clone(), 1, Audience::OneNote);
        assert_eq!(onenote.correlation_id(), Some("onenote-id"));
        assert_eq!(onenote.audience(), Audience::OneNote);
        let graph = Response::new((), 200, headers.clone(), 1, Audience::Graph);
        assert_eq!(graph.correlation_id(), Some("graph-id"));
        assert_eq!(graph.audience(), Audience::Graph);
        let info = response_info(Audience::Graph, 404, &headers);
        assert_eq!(info.correlation_id.as_deref(), Some("graph-id"));
        headers.remove("request-id");
        let graph = Response::new((), 200, headers, 1, Audience::Graph);
        assert_eq!(graph.correlation_id(), None);
    }
}
