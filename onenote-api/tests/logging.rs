//! Logging: every attempt is a `tracing` span with the operation, attempt and status, pacing
//! waits and throttling show as events, and nothing logged contains the access token. (Its own test binary: callsite interest is
//! process-wide, so other tests running at once would make capture flaky.)

use std::sync::{Arc, Mutex};

use std::time::Duration;

use onenote_api::{Client, Pacing};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "test-token-7f3a";

/// Records every span and event field, to check what the client logs.
struct Capture(Arc<Mutex<String>>);

struct Fields<'a>(&'a mut String);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!("{}={value:?} ", field.name()));
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut log = self.0.lock().unwrap();
        log.push_str(&format!("\nspan {} ", span.metadata().name()));
        span.record(&mut Fields(&mut log));
        tracing::span::Id::from_u64(1)
    }

    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut log = self.0.lock().unwrap();
        log.push_str("\nrecord ");
        values.record(&mut Fields(&mut log));
    }

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        let mut log = self.0.lock().unwrap();
        log.push_str("\nevent ");
        event.record(&mut Fields(&mut log));
    }

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test]
async fn attempts_are_traced_without_the_token() {
    let log = Arc::new(Mutex::new(String::new()));
    let _guard = tracing::subscriber::set_default(Capture(log.clone()));
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": []})))
        .mount(&server)
        .await;
    // One request per 20 ms: the retry after the 429 waits for its slot.
    let client = Client::builder()
        .base_url(server.uri())
        .bearer_token(TOKEN)
        .pacing(Pacing::custom().limit(1, Duration::from_millis(20)))
        .build()
        .unwrap();
    client.me().class_notebooks().list().send().await.unwrap();
    let log = log.lock().unwrap().clone();
    assert!(
        log.contains(
            "span onenote.request operation=\"listClassNotebooks\" method=\"GET\" attempt=1 "
        ),
        "{log}"
    );
    assert!(log.contains("attempt=2"), "{log}");
    assert!(log.contains("\nrecord status=429 "), "{log}");
    assert!(log.contains("\nrecord status=200 "), "{log}");
    assert!(log.contains("delay=0ns"), "{log}");
    assert!(
        log.contains("message=throttled by the service: limit lowered limit=1 configured=1 "),
        "{log}"
    );
    assert!(
        log.contains("message=waiting for a slot at_least="),
        "{log}"
    );
    assert!(log.contains("message=slot granted waited="), "{log}");
    assert!(!log.contains(TOKEN), "{log}");
}
