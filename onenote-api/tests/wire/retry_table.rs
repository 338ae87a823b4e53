//! One test per row of the retry table in `RetryPolicy`'s docs: for each kind of failure, a
//! `GET` and the three writes (`POST`, `PATCH`, `DELETE`) against a local server, counting what
//! reached it. A write is sent again only when the answer proves it was not processed; any other
//! failure of a write is an `OutcomeUnknown` error that names the request.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use onenote_api::{
    ClassNotebookUpdate, Client, Error, ErrorKind, Principal, PrincipalType, RetryPolicy,
};
use serde_json::json;
use tokio::io::AsyncReadExt;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::{CORRELATION, TOKEN, TestClock, error_body, harness, no_jitter, requests, with_ids};

/// The four methods, each as one call of the class-notebook API.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Call {
    /// `getClassNotebook`.
    Get,
    /// `addStudent`.
    Post,
    /// `updateClassNotebook`.
    Patch,
    /// `removeStudent`.
    Delete,
}

const ALL: [Call; 4] = [Call::Get, Call::Post, Call::Patch, Call::Delete];
const WRITES: [Call; 3] = [Call::Post, Call::Patch, Call::Delete];

impl Call {
    fn method(self) -> &'static str {
        match self {
            Call::Get => "GET",
            Call::Post => "POST",
            Call::Patch => "PATCH",
            Call::Delete => "DELETE",
        }
    }

    /// The path after the version root.
    fn path(self) -> &'static str {
        match self {
            Call::Get | Call::Patch => "me/notes/classNotebooks/1-b68a",
            Call::Post => "me/notes/classNotebooks/1-b68a/students",
            Call::Delete => "me/notes/classNotebooks/1-b68a/students/s%40contoso.com",
        }
    }

    /// The success the service answers it with.
    fn success(self) -> ResponseTemplate {
        match self {
            Call::Get => ResponseTemplate::new(200).set_body_json(json!({"id": "1-b68a"})),
            Call::Post => ResponseTemplate::new(201)
                .set_body_json(json!({"id": "s@contoso.com", "principalType": "Person"})),
            Call::Patch | Call::Delete => ResponseTemplate::new(204),
        }
    }

    async fn send(self, client: &Client) -> Result<(), Error> {
        let notebook = client.me().class_notebook("1-b68a");
        match self {
            Call::Get => notebook.get().send().await.map(drop),
            Call::Post => notebook
                .students()
                .add(Principal::new("s@contoso.com", PrincipalType::Person))
                .send()
                .await
                .map(drop),
            Call::Patch => notebook
                .update(ClassNotebookUpdate::new(true))
                .send()
                .await
                .map(drop),
            Call::Delete => notebook.student("s@contoso.com").remove().send().await,
        }
    }
}

/// Answers `call`'s method with `first` once, then with its success; returns how many
/// requests reached the server and the call's result.
async fn first_then_success(call: Call, first: ResponseTemplate) -> (usize, Result<(), Error>) {
    let h = harness(no_jitter()).await;
    Mock::given(method(call.method()))
        .respond_with(first)
        .up_to_n_times(1)
        .mount(&h.server)
        .await;
    Mock::given(method(call.method()))
        .respond_with(call.success())
        .mount(&h.server)
        .await;
    let result = call.send(&h.client).await;
    (requests(&h.server).await.len(), result)
}

/// The error a write gets when its outcome is unknown after `first`: sent once.
async fn unknown_after(call: Call, first: ResponseTemplate) -> Error {
    let (sent, result) = first_then_success(call, first).await;
    let error = result.expect_err("a write whose outcome is unknown is an error");
    assert_eq!(sent, 1, "{call:?} was sent again");
    assert_eq!(error.kind(), ErrorKind::OutcomeUnknown, "{call:?}: {error}");
    assert_eq!(error.attempts(), 1);
    assert!(!error.is_retryable(), "{call:?}");
    assert_eq!(error.method(), Some(call.method()));
    let url = error.url().expect("the error names the request's URL");
    assert!(url.ends_with(&format!("/v1.0/{}", call.path())), "{url}");
    assert!(!error.to_string().contains(TOKEN));
    error
}

#[tokio::test]
async fn row_429_is_repeated_for_every_method() {
    for call in ALL {
        let throttled =
            ResponseTemplate::new(429).set_body_json(error_body("20166", "Too many requests"));
        let (sent, result) = first_then_success(call, throttled).await;
        assert!(result.is_ok(), "{call:?}: {result:?}");
        assert_eq!(sent, 2, "{call:?}");
    }
}

#[tokio::test]
async fn row_a_throttling_or_busy_code_is_repeated_for_every_method_whatever_the_status() {
    for (status, code) in [
        (503, "10007"),
        (500, "20166"),
        (503, "10003"),
        (502, "30103"),
    ] {
        for call in ALL {
            let busy = ResponseTemplate::new(status).set_body_json(error_body(code, "Busy"));
            let (sent, result) = first_then_success(call, busy).await;
            assert!(result.is_ok(), "{call:?} {status} {code}: {result:?}");
            assert_eq!(sent, 2, "{call:?} {status} {code}");
        }
    }
}

#[tokio::test]
async fn row_401_is_repeated_once_with_a_fresh_token_for_every_method() {
    for call in ALL {
        let server = MockServer::start().await;
        Mock::given(method(call.method()))
            .respond_with(ResponseTemplate::new(401).set_body_json(error_body("40001", "expired")))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method(call.method()))
            .respond_with(call.success())
            .mount(&server)
            .await;
        let clock = TestClock::new();
        let (client, _) = super::expiring_client(&server, &clock).await;
        call.send(&client).await.unwrap();
        let sent = requests(&server).await;
        let tokens: Vec<_> = sent
            .iter()
            .map(|r| super::header(r, "authorization").unwrap_or_default())
            .collect();
        assert_eq!(tokens, ["Bearer token-1", "Bearer token-2"], "{call:?}");
    }
}

#[tokio::test]
async fn row_no_connection_is_repeated_for_every_method_nothing_was_sent() {
    // A port nobody listens on: every connect is refused before a byte of the request is sent.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    for call in ALL {
        let clock = TestClock::new();
        let client = Client::builder()
            .base_url(format!("http://127.0.0.1:{port}"))
            .bearer_token(TOKEN)
            .retry_policy(no_jitter())
            .clock(clock.clone())
            .build()
            .unwrap();
        let error = call.send(&client).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Transport, "{call:?}: {error}");
        assert_eq!(error.attempts(), 4, "{call:?}");
        assert!(error.is_retryable());
        assert_eq!(clock.sleeps(), super::secs(&[1, 2, 4]), "{call:?}");
    }
}

#[tokio::test]
async fn row_a_5xx_without_such_a_code_is_repeated_for_get_and_unknown_for_a_write() {
    let unavailable = || {
        with_ids(ResponseTemplate::new(503))
            .set_body_json(error_body("10002", "The service is not available."))
    };
    let (sent, result) = first_then_success(Call::Get, unavailable()).await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(sent, 2);
    for call in WRITES {
        let error = unknown_after(call, unavailable()).await;
        assert_eq!(error.status(), Some(503));
        assert_eq!(error.correlation_id(), Some(CORRELATION));
    }
    let error = unknown_after(Call::Post, unavailable()).await;
    let url = error.url().unwrap().to_owned();
    assert_eq!(
        error.to_string(),
        format!(
            "addStudent: outcome unknown: POST {url} answered HTTP 503 Service Unavailable, code \
             10002: The service is not available.; it may have taken effect, so it was not sent \
             again: check the state before repeating it (X-CorrelationId {CORRELATION})"
        )
    );
    for status in [500, 502, 504] {
        let error = unknown_after(Call::Patch, ResponseTemplate::new(status)).await;
        assert_eq!(error.status(), Some(status));
    }
}

#[tokio::test]
async fn row_a_timeout_after_sending_is_repeated_for_get_and_unknown_for_a_write() {
    for call in ALL {
        let server = MockServer::start().await;
        Mock::given(method(call.method()))
            .respond_with(call.success().set_delay(Duration::from_secs(5)))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method(call.method()))
            .respond_with(call.success())
            .mount(&server)
            .await;
        let client = Client::builder()
            .base_url(server.uri())
            .bearer_token(TOKEN)
            .request_timeout(Duration::from_millis(200))
            .retry_policy(no_jitter().initial_backoff(Duration::from_millis(1)))
            .build()
            .unwrap();
        let result = call.send(&client).await;
        let sent = requests(&server).await.len();
        if call == Call::Get {
            assert!(result.is_ok(), "{result:?}");
            assert_eq!(sent, 2);
            continue;
        }
        let error = result.unwrap_err();
        assert_eq!(sent, 1, "{call:?} was sent again");
        assert_eq!(error.kind(), ErrorKind::OutcomeUnknown, "{error}");
        assert_eq!(error.status(), None);
        let text = error.to_string();
        let prefix = format!(
            "outcome unknown: {} {} timed out after it was sent: ",
            call.method(),
            error.url().unwrap()
        );
        assert!(text.contains(&prefix), "{text}");
        assert!(
            text.ends_with(
                "; it may have taken effect, so it was not sent again: check the state before \
                 repeating it"
            ),
            "{text}"
        );
    }
}

/// A server that reads each request and closes the connection without answering; counts them.
async fn hang_up_server() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&seen);
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let counter = Arc::clone(&counter);
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 64 * 1024];
                let mut read = Vec::new();
                // Read the head (and the small body after it), then hang up.
                while !read.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => read.extend_from_slice(&buffer[..n]),
                    }
                }
                counter.fetch_add(1, Ordering::SeqCst);
                drop(stream);
            });
        }
    });
    (uri, seen)
}

#[tokio::test]
async fn row_a_connection_lost_after_sending_is_repeated_for_get_and_unknown_for_a_write() {
    for call in ALL {
        let (uri, seen) = hang_up_server().await;
        let clock = TestClock::new();
        let client = Client::builder()
            .base_url(uri)
            .bearer_token(TOKEN)
            .retry_policy(no_jitter())
            .clock(clock.clone())
            .build()
            .unwrap();
        let error = call.send(&client).await.unwrap_err();
        let sent = seen.load(Ordering::SeqCst);
        if call == Call::Get {
            assert_eq!(error.kind(), ErrorKind::Transport, "{error}");
            assert_eq!((sent, error.attempts()), (4, 4));
            continue;
        }
        assert_eq!(sent, 1, "{call:?} was sent again");
        assert_eq!(error.kind(), ErrorKind::OutcomeUnknown, "{error}");
        assert_eq!(error.method(), Some(call.method()));
        assert!(
            error
                .to_string()
                .contains(" lost its connection after it was sent: "),
            "{error}"
        );
        assert!(clock.sleeps().is_empty());
    }
}

#[tokio::test]
async fn row_is_retriable_true_repeats_only_get() {
    for call in ALL {
        let try_again = ResponseTemplate::new(409).set_body_json(json!({
            "error": {"code": "19999", "message": "Try again.", "isRetriable": true}
        }));
        let (sent, result) = first_then_success(call, try_again).await;
        if call == Call::Get {
            assert!(result.is_ok(), "{result:?}");
            assert_eq!(sent, 2);
        } else {
            let error = result.unwrap_err();
            assert_eq!(sent, 1, "{call:?}");
            assert_eq!(error.kind(), ErrorKind::Status, "{call:?}");
            assert_eq!(error.status(), Some(409));
        }
    }
}

#[tokio::test]
async fn row_is_retriable_false_stops_every_method() {
    let permanent = |status| {
        ResponseTemplate::new(status).set_body_json(json!({
            "error": {"code": "10002", "message": "Down for good.", "isRetriable": false}
        }))
    };
    for call in ALL {
        let (sent, result) = first_then_success(call, permanent(429)).await;
        let error = result.unwrap_err();
        assert_eq!((sent, error.kind()), (1, ErrorKind::Status), "{call:?}");
        let (sent, result) = first_then_success(call, permanent(503)).await;
        let error = result.unwrap_err();
        let kind = if call == Call::Get {
            ErrorKind::Status
        } else {
            ErrorKind::OutcomeUnknown
        };
        assert_eq!((sent, error.kind()), (1, kind), "{call:?}");
        assert_eq!(error.service_retriable(), Some(false));
    }
}

#[tokio::test]
async fn row_any_other_status_is_final_for_every_method() {
    for status in [400, 403, 404, 409] {
        for call in ALL {
            let refused =
                with_ids(ResponseTemplate::new(status)).set_body_json(error_body("20102", "No."));
            let (sent, result) = first_then_success(call, refused).await;
            let error = result.unwrap_err();
            assert_eq!(sent, 1, "{call:?} {status}");
            assert_eq!(error.kind(), ErrorKind::Status);
            assert_eq!(error.status(), Some(status));
            assert_eq!(error.method(), Some(call.method()));
        }
    }
}

#[tokio::test]
async fn row_a_success_whose_body_is_over_the_limit_is_final() {
    let h = harness(RetryPolicy::new()).await;
    let huge = "x".repeat(17 * 1024 * 1024);
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"id": "s@contoso.com", "principalType": huge})),
        )
        .mount(&h.server)
        .await;
    let error = Call::Post.send(&h.client).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode, "{error}");
    assert_eq!(requests(&h.server).await.len(), 1);
}
