//! Fuzz target `error_body`: the error-body parser (`ServiceError::from_body`, OneNote's and
//! Microsoft Graph's bodies) and the error the client builds from a non-success response
//! (status, support headers, body), which never shows the token the request sent, wherever the
//! body repeats it, and quotes the correlation id of the service that answered.
//!
//! Input: two bytes of status (100–999), a byte whose low bits are the header count (0–3) and
//! whose high bit says the answer came from Microsoft Graph (else OneNote), per header a name
//! byte (from the headers the client reads) and a value of up to 64 raw bytes, then the body.

use onenote_api::{Audience, ErrorCode, ErrorKind, ServiceError};

use super::Input;

/// Header names the client reads from an error response.
const HEADERS: &[&[u8]] = &[
    b"retry-after",
    b"date",
    b"x-correlationid",
    b"location",
    b"request-id",
    b"client-request-id",
];

/// Longest service-supplied text an error keeps, in characters (the runtime's bound).
const TEXT_CHARS: usize = 1024;

/// Checks one input: see the module docs.
pub fn check(data: &[u8]) {
    let mut input = Input::new(data);
    let status =
        100 + u16::from_le_bytes([input.byte().unwrap_or(0), input.byte().unwrap_or(0)]) % 900;
    let shape = input.byte().unwrap_or(0);
    let audience = if shape & 0x80 == 0 {
        Audience::OneNote
    } else {
        Audience::Graph
    };
    let mut headers = Vec::new();
    for _ in 0..shape % 4 {
        let name = HEADERS[usize::from(input.byte().unwrap_or(0)) % HEADERS.len()];
        headers.push((name, input.bytes(64)));
    }
    let body = input.rest();

    if let Some(parsed) = ServiceError::from_body(body) {
        check_service_error(&parsed, body);
    }

    let error = onenote_api::fuzzing::status_error(audience, status, &headers, body, super::TOKEN);
    assert_eq!(error.kind(), ErrorKind::Status);
    assert_eq!(error.status(), Some(status));
    check_correlation_id(&error, audience, &headers);
    // Where the body repeats the token, the service error is parsed from the redacted body.
    if !body
        .windows(super::TOKEN.len())
        .any(|w| w == super::TOKEN.as_bytes())
    {
        assert_eq!(
            error.service_error(),
            ServiceError::from_body(body).as_ref()
        );
    }
    super::assert_no_token(&error);
    let text = error.to_string();
    assert!(!text.contains(['\n', '\r']), "not one line: {text:?}");
    assert!(
        error
            .body_snippet()
            .is_none_or(|s| s.chars().count() <= 512 + 1),
        "snippet unbounded"
    );
    let _ = format!("{error:?}");
}

/// What a parsed body promises: bounded text, at most 16 diagnostics, and the code exactly as
/// the document's `error.code` string says (cut to the bound).
fn check_service_error(parsed: &ServiceError, body: &[u8]) {
    let inner = parsed.inner_error.clone().unwrap_or_default();
    for text in [
        &parsed.code,
        &parsed.message,
        &parsed.api_url,
        &inner.request_id,
        &inner.client_request_id,
        &inner.date,
    ]
    .into_iter()
    .flatten()
    {
        assert!(text.chars().count() <= TEXT_CHARS, "unbounded text");
    }
    assert!(parsed.diagnostics.len() <= 16, "unbounded diagnostics");
    let document: serde_json::Value = serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("parsed a body that is not JSON: {e}"));
    if let Some(code) = document.pointer("/error/code").and_then(|c| c.as_str()) {
        let expected: String = code.chars().take(TEXT_CHARS).collect();
        assert_eq!(parsed.code.as_deref(), Some(expected.as_str()));
    }
    if let (Some(code), Some(raw)) = (parsed.error_code(), &parsed.code) {
        // Known codes are matched after trimming; unknown ones are kept as received.
        assert!(
            code.as_str() == raw || code.as_str() == raw.trim(),
            "{code:?} from {raw:?}"
        );
        assert_eq!(ErrorCode::from(code.as_str()), code);
    }
}

/// The correlation id is the answering service's header ([`Audience::correlation_header`]),
/// never the other service's; without it, Graph's `innerError.request-id` from the body.
fn check_correlation_id(
    error: &onenote_api::Error,
    audience: Audience,
    headers: &[(&[u8], &[u8])],
) {
    let own = audience.correlation_header().to_ascii_lowercase();
    // The client reads the first such header a server could send, if its text is readable.
    let readable = headers
        .iter()
        .find(|(name, value)| *name == own.as_bytes() && sendable(value))
        .is_some_and(|(_, value)| visible(value));
    if readable {
        assert!(error.correlation_id().is_some(), "the {own} header is lost");
    } else {
        assert_eq!(
            error.correlation_id(),
            error
                .inner_error()
                .and_then(|inner| inner.request_id.as_deref()),
            "a correlation id without a readable {own} header"
        );
    }
}

/// Bytes a header value may have on the wire (tab, and no other control character).
fn sendable(value: &[u8]) -> bool {
    value
        .iter()
        .all(|b| *b == b'\t' || (*b >= 0x20 && *b != 0x7f))
}

/// A value the client reads as text: visible ASCII, spaces and tabs.
fn visible(value: &[u8]) -> bool {
    value
        .iter()
        .all(|b| *b == b'\t' || (0x20..0x7f).contains(b))
}
