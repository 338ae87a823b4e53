//! Fuzz target `error_body`: the error-body parser (`ServiceError::from_body`) and the error the
//! client builds from a non-success response (status, support headers, body), which never
//! shows the token the request sent, wherever the body repeats it.
//!
//! Input: two bytes of status (100–999), a header count byte (0–3) and per header a name byte
//! (from the headers the client reads) and a value of up to 64 raw bytes, then the body.

use onenote_api::{ErrorCode, ErrorKind, ServiceError};

use super::Input;

/// Header names the client reads from an error response.
const HEADERS: &[&[u8]] = &[b"retry-after", b"date", b"x-correlationid", b"location"];

/// Longest service-supplied text an error keeps, in characters (the runtime's bound).
const TEXT_CHARS: usize = 1024;

/// Checks one input: see the module docs.
pub fn check(data: &[u8]) {
    let mut input = Input::new(data);
    let status =
        100 + u16::from_le_bytes([input.byte().unwrap_or(0), input.byte().unwrap_or(0)]) % 900;
    let mut headers = Vec::new();
    for _ in 0..input.byte().unwrap_or(0) % 4 {
        let name = HEADERS[usize::from(input.byte().unwrap_or(0)) % HEADERS.len()];
        headers.push((name, input.bytes(64)));
    }
    let body = input.rest();

    if let Some(parsed) = ServiceError::from_body(body) {
        check_service_error(&parsed, body);
    }

    let error = onenote_api::fuzzing::status_error(status, &headers, body, super::TOKEN);
    assert_eq!(error.kind(), ErrorKind::Status);
    assert_eq!(error.status(), Some(status));
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
    for text in [&parsed.code, &parsed.message, &parsed.api_url]
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
