//! One attempt on the wire: the request's headers and body, sending it, and reading the
//! response (bounded), with nothing decided about retrying.

use std::time::Duration;

use reqwest::Url;
use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HeaderMap, HeaderValue, USER_AGENT,
};

use crate::request::{Call, Method};

/// Largest error body read: enough for any error document, bounded against hostile servers.
const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

/// The HTTP side of a client: the reqwest client and the headers every request carries.
pub(crate) struct Transport {
    pub(crate) http: reqwest::Client,
    pub(crate) user_agent: HeaderValue,
    /// Set per request only for a caller-supplied reqwest client (ours has it built in).
    pub(crate) per_request_timeout: Option<Duration>,
}

/// A request body as every attempt sends it: the encoded bytes and their `Content-Type`.
pub(crate) struct SentBody<'a> {
    pub(crate) bytes: &'a bytes::Bytes,
    pub(crate) content_type: HeaderValue,
}

/// A response as read.
pub(crate) struct Exchange {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    /// The body: at most the call's limit (16 MiB unless it sets one) for a
    /// success, 64 KiB (best effort) otherwise.
    pub(crate) body: Vec<u8>,
    /// Whether a success body was longer than the call's limit (then cut, or not read when its
    /// `Content-Length` said so).
    pub(crate) too_large: bool,
    /// The URL that answered, when redirects moved it from the one requested.
    pub(crate) redirected_to: Option<Url>,
    /// A success body left unread because the call streams it (`body` is then empty).
    pub(crate) unread: Option<reqwest::Response>,
}

impl Exchange {
    pub(crate) fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

impl Transport {
    /// Sends `call` to `url` once, with `authorization`, `accept` (the media type the
    /// operation's response has) and `body`, and reads the response.
    pub(crate) async fn send(
        &self,
        call: &Call,
        url: &Url,
        accept: &HeaderValue,
        body: Option<&SentBody<'_>>,
        authorization: HeaderValue,
    ) -> Result<Exchange, reqwest::Error> {
        let mut request = self
            .http
            .request(call.method.to_reqwest(), url.clone())
            .header(AUTHORIZATION, authorization)
            .header(ACCEPT, accept.clone())
            .header(USER_AGENT, self.user_agent.clone());
        match body {
            Some(body) => {
                request = request
                    .header(CONTENT_TYPE, body.content_type.clone())
                    // A cheap reference-counted clone, not a copy of the body.
                    .body(body.bytes.clone());
            }
            // hyper sends no framing for an empty body; front ends answer 411 without a
            // length, and the documents' examples send a JSON content type on these calls.
            None if matches!(call.method, Method::Post | Method::Patch) => {
                request = request
                    .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                    .header(CONTENT_LENGTH, HeaderValue::from_static("0"));
            }
            None => {}
        }
        if call.respond_async {
            request = request.header("Prefer", HeaderValue::from_static("respond-async"));
        }
        if let Some(timeout) = self.per_request_timeout {
            request = request.timeout(timeout);
        }

        let mut response = request.send().await?;
        let status = response.status().as_u16();
        tracing::debug!(status, "response");
        let redirected_to = (response.url() != url).then(|| response.url().clone());
        // Moved out, not copied: `HeaderMap::default` does not allocate.
        let headers = std::mem::take(response.headers_mut());
        let success = response.status().is_success();
        let limit = call.body_limit();
        let mut unread = None;
        let (body, too_large) = if success {
            // A body announced as too large is not read at all.
            if response
                .content_length()
                .is_some_and(|length| length > limit as u64)
            {
                (Vec::new(), true)
            } else if call.stream_body {
                // The caller reads it chunk by chunk, under the same limit (`ByteStream`).
                unread = Some(response);
                (Vec::new(), false)
            } else {
                read_body(response, limit).await?
            }
        } else {
            // An error body is read best-effort: a broken one must not hide the status.
            read_body(response, MAX_ERROR_BODY_BYTES)
                .await
                .unwrap_or_default()
        };
        Ok(Exchange {
            status,
            headers,
            body,
            too_large: success && too_large,
            redirected_to,
            unread,
        })
    }
}

/// Reads at most `limit` bytes of the body; `true` when more was available.
async fn read_body(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<(Vec<u8>, bool), reqwest::Error> {
    // Size the buffer once from Content-Length (bounded by the limit) instead of regrowing it.
    let expected = response
        .content_length()
        .map_or(0, |length| usize::try_from(length).unwrap_or(usize::MAX));
    let mut body = Vec::with_capacity(expected.min(limit));
    while let Some(chunk) = response.chunk().await? {
        let room = limit.saturating_sub(body.len());
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            return Ok((body, true));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body, false))
}
