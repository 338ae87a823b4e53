//! Wire test for a stream over a service that never stops linking to new, empty pages.

use std::sync::atomic::{AtomicUsize, Ordering};

use onenote_api::ErrorKind;
use serde_json::json;
use tests::wire::client;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Answers every request with an empty page that links to a page never seen before.
struct EndlessEmptyPages {
    base: String,
    served: AtomicUsize,
}

impl Respond for EndlessEmptyPages {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.served.fetch_add(1, Ordering::SeqCst) + 1;
        ResponseTemplate::new(200).set_body_json(json!({
            "value": [],
            "@odata.nextLink": format!("{}/v1.0/me/notes/classNotebooks?page={n}", self.base)
        }))
    }
}

#[tokio::test]
async fn endless_empty_pages_end_the_stream_with_an_error() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(EndlessEmptyPages {
            base: server.uri(),
            served: AtomicUsize::new(0),
        })
        .mount(&server)
        .await;

    let mut stream = client(&server)
        .me()
        .class_notebooks()
        .list()
        .stream()
        .limit(10);
    let error = stream.next_item().await.unwrap().unwrap_err();

    assert_eq!(error.kind(), ErrorKind::RepeatedLink);
    assert_eq!(
        error.to_string(),
        "listClassNotebooks: the service returned 100 empty pages in a row, each with a new \
         @odata.nextLink; stopping to avoid a loop"
    );
    assert!(stream.next_item().await.is_none());
    assert_eq!(
        server.received_requests().await.unwrap_or_default().len(),
        100
    );
}
