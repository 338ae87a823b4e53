//! Starts a local server for a wire test and asserts the exact request it received.

use onenote_api::{Client, StaticToken};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The bearer token every wire test's client sends.
pub const TOKEN: &str = "token-for-tests";

/// A server on 127.0.0.1 that answers every request with `response`.
pub async fn server_answering(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

/// A client for `server` (version `v1.0`, no retries, a static token).
pub fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .token_provider(StaticToken::new(TOKEN))
        .retry_policy(onenote_api::RetryPolicy::none())
        .build()
        .unwrap_or_else(|e| panic!("client: {e}"))
}

/// The one request the server received; fails the test if there were more or none.
pub async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 1, "expected exactly one request");
    requests.remove(0)
}

/// What a test expects on the wire.
pub struct Expected<'a> {
    /// `GET`, `POST`, …
    pub method: &'a str,
    /// Path and query exactly as sent, e.g. `/v1.0/me/notes/classNotebooks?sendemail=true`.
    pub target: &'a str,
    /// The JSON body, or `None` for a request without one.
    pub body: Option<serde_json::Value>,
    /// Whether `Prefer: respond-async` must be sent.
    pub respond_async: bool,
}

impl<'a> Expected<'a> {
    /// A `GET` of `target` without a body or `Prefer`.
    pub fn get(target: &'a str) -> Self {
        Expected {
            method: "GET",
            target,
            body: None,
            respond_async: false,
        }
    }

    /// A `POST` of `target` with the JSON `body`, without `Prefer`.
    pub fn post(target: &'a str, body: serde_json::Value) -> Self {
        Expected {
            method: "POST",
            target,
            body: Some(body),
            respond_async: false,
        }
    }
}

/// Asserts method, path and query, headers and body of `request` exactly.
pub fn assert_request(request: &Request, expected: Expected<'_>) {
    assert_eq!(request.method.as_str(), expected.method, "method");
    let target = match request.url.query() {
        Some(query) => format!("{}?{query}", request.url.path()),
        None => request.url.path().to_owned(),
    };
    assert_eq!(target, expected.target, "path and query");
    let header = |name: &str| {
        request
            .headers
            .get(name)
            .map(|v| v.to_str().unwrap_or("<not text>").to_owned())
    };
    assert_eq!(
        header("authorization").as_deref(),
        Some(format!("Bearer {TOKEN}").as_str()),
        "Authorization"
    );
    assert_eq!(
        header("accept").as_deref(),
        Some("application/json"),
        "Accept"
    );
    assert_eq!(
        header("prefer").as_deref(),
        expected.respond_async.then_some("respond-async"),
        "Prefer"
    );
    match expected.body {
        Some(body) => {
            assert_eq!(
                header("content-type").as_deref(),
                Some("application/json"),
                "Content-Type"
            );
            let sent: serde_json::Value =
                serde_json::from_slice(&request.body).unwrap_or_else(|e| {
                    panic!(
                        "body is not JSON ({e}): {:?}",
                        String::from_utf8_lossy(&request.body)
                    )
                });
            assert_eq!(sent, body, "JSON body");
        }
        // A POST without a body still says its (empty) length and, as the documents'
        // examples do, a JSON content type.
        None if matches!(expected.method, "POST" | "PATCH") => {
            assert_eq!(
                header("content-type").as_deref(),
                Some("application/json"),
                "Content-Type of a bodyless POST"
            );
            assert_eq!(
                header("content-length").as_deref(),
                Some("0"),
                "Content-Length of a bodyless POST"
            );
            assert!(
                request.body.is_empty(),
                "unexpected body {:?}",
                request.body
            );
        }
        None => {
            assert_eq!(header("content-type"), None, "Content-Type without a body");
            assert!(
                request.body.is_empty(),
                "unexpected body {:?}",
                request.body
            );
        }
    }
}

/// Asserts the body bytes exactly as sent: key order, spacing and escapes included.
pub fn assert_body_bytes(request: &Request, expected: &str) {
    assert_eq!(
        String::from_utf8_lossy(&request.body),
        expected,
        "body bytes"
    );
}

/// What a test expects of a request that is not JSON both ways: its `Accept`, its
/// `Content-Type` and the body bytes exactly.
pub struct ExpectedBytes<'a> {
    /// `GET`, `POST`, …
    pub method: &'a str,
    /// Path and query exactly as sent.
    pub target: &'a str,
    /// The `Accept` header.
    pub accept: &'a str,
    /// The `Content-Type` header, `None` for a request without a body.
    pub content_type: Option<&'a str>,
    /// The body bytes (empty without a body).
    pub body: &'a [u8],
}

/// Asserts method, path and query, `Authorization`, `Accept`, `Content-Type`, no `Prefer`, and
/// the body bytes of `request` exactly.
pub fn assert_bytes_request(request: &Request, expected: ExpectedBytes<'_>) {
    assert_eq!(request.method.as_str(), expected.method, "method");
    let target = match request.url.query() {
        Some(query) => format!("{}?{query}", request.url.path()),
        None => request.url.path().to_owned(),
    };
    assert_eq!(target, expected.target, "path and query");
    let header = |name: &str| {
        request
            .headers
            .get(name)
            .map(|v| v.to_str().unwrap_or("<not text>").to_owned())
    };
    assert_eq!(
        header("authorization").as_deref(),
        Some(format!("Bearer {TOKEN}").as_str()),
        "Authorization"
    );
    assert_eq!(header("accept").as_deref(), Some(expected.accept), "Accept");
    assert_eq!(
        header("content-type").as_deref(),
        expected.content_type,
        "Content-Type"
    );
    assert_eq!(header("prefer"), None, "Prefer");
    assert_eq!(
        String::from_utf8_lossy(&request.body),
        String::from_utf8_lossy(expected.body),
        "body bytes"
    );
    assert_eq!(request.body, expected.body, "body bytes");
}
