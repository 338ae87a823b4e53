//! Wire tests: the runtime against a real HTTP server (wiremock), asserting exact requests,
//! retries, errors, paging and asynchronous operations.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::{Duration, Instant};

use onenote_api::{
    AccessToken, Audience, BoxError, Client, Clock, CreateClassNotebook, ErrorCode, ErrorKind,
    OperationHandle, OperationStatus, Principal, PrincipalType, RetryPolicy, TokenFuture,
    TokenProvider, WaitOptions,
};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

#[path = "wire/graph.rs"]
mod graph;
#[path = "wire/retry_table.rs"]
mod retry_table;
#[path = "wire/rules.rs"]
mod rules;

const TOKEN: &str = "test-token-7f3a";
const CORRELATION: &str = "2b1e5c2a-7a0b-4f7e-9d8c-1a2b3c4d5e6f";
const DATE: &str = "Sun, 25 Feb 2018 23:17:16 GMT";
const USER_AGENT: &str = concat!("onenote-api/", env!("CARGO_PKG_VERSION"));

/// A clock whose sleeps return at once and are recorded; `now` advances by each sleep.
#[derive(Clone)]
struct TestClock {
    start: Instant,
    sleeps: Arc<Mutex<Vec<Duration>>>,
}

impl TestClock {
    fn new() -> Self {
        Self {
            start: Instant::now(),
            sleeps: Arc::default(),
        }
    }

    fn sleeps(&self) -> Vec<Duration> {
        self.sleeps.lock().unwrap().clone()
    }
}

impl Clock for TestClock {
    fn now(&self) -> Instant {
        self.start + self.sleeps.lock().unwrap().iter().sum::<Duration>()
    }

    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + 'static>> {
        self.sleeps.lock().unwrap().push(duration);
        Box::pin(async {})
    }
}

struct Harness {
    server: MockServer,
    clock: TestClock,
    client: Client,
}

async fn harness(policy: RetryPolicy) -> Harness {
    let server = MockServer::start().await;
    let clock = TestClock::new();
    let client = Client::builder()
        .base_url(server.uri())
        .bearer_token(TOKEN)
        .retry_policy(policy)
        .clock(clock.clone())
        .build()
        .unwrap();
    Harness {
        server,
        clock,
        client,
    }
}

fn no_jitter() -> RetryPolicy {
    RetryPolicy::new().jitter(false)
}

fn secs(values: &[u64]) -> Vec<Duration> {
    values.iter().map(|s| Duration::from_secs(*s)).collect()
}

fn header(request: &Request, name: &str) -> Option<String> {
    request
        .headers
        .get(name)
        .map(|value| value.to_str().unwrap().to_owned())
}

/// Method, path and query of a request, as on the wire.
fn line(request: &Request) -> String {
    match request.url.query() {
        Some(query) => format!("{} {}?{query}", request.method, request.url.path()),
        None => format!("{} {}", request.method, request.url.path()),
    }
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

fn error_body(code: &str, message: &str) -> serde_json::Value {
    json!({"error": {"code": code, "message": message, "@api.url": "http://aka.ms/onenote-errors#C".to_owned() + code}})
}

fn with_ids(template: ResponseTemplate) -> ResponseTemplate {
    template
        .insert_header("X-CorrelationId", CORRELATION)
        .insert_header("Date", DATE)
}

fn notebook(id: &str) -> serde_json::Value {
    json!({"id": id, "name": format!("Notebook {id}")})
}

#[tokio::test]
async fn get_sends_the_documented_headers_and_query() {
    let h = harness(no_jitter()).await;
    Mock::given(method("GET"))
        .and(path("/v1.0/users/teacher%40contoso.com/notes/classNotebooks"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "@odata.context": "https://www.onenote.com/api/v1.0/$metadata#users('teacher%40contoso.com')/notes/classNotebooks",
            "value": [notebook("1-a")]
        })))
        .mount(&h.server)
        .await;

    let page = h
        .client
        .user("teacher@contoso.com")
        .class_notebooks()
        .list()
        .filter("createdTime ge 2016-01-01")
        .select(["id", "name"])
        .top(5)
        .send()
        .await
        .unwrap();
    assert_eq!(page.value.len(), 1);
    assert_eq!(page.value[0].id.as_deref(), Some("1-a"));
    assert_eq!(page.next_link, None);

    let sent = requests(&h.server).await;
    assert_eq!(sent.len(), 1);
    let request = &sent[0];
    assert_eq!(
        line(request),
        "GET /v1.0/users/teacher%40contoso.com/notes/classNotebooks\
         ?$filter=createdTime%20ge%202016-01-01&$select=id,name&$top=5"
    );
    assert_eq!(
        header(request, "authorization").as_deref(),
        Some("Bearer test-token-7f3a")
    );
    assert_eq!(
        header(request, "accept").as_deref(),
        Some("application/json")
    );
    assert_eq!(header(request, "user-agent").as_deref(), Some(USER_AGENT));
    assert_eq!(header(request, "content-type"), None);
    assert_eq!(header(request, "prefer"), None);
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn post_sends_the_json_body_with_content_type() {
    let h = harness(no_jitter()).await;
    Mock::given(method("POST"))
        .and(path(
            "/v1.0/users/teacher%40contoso.com/notes/classNotebooks",
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(notebook("1-new")))
        .mount(&h.server)
        .await;

    let body = CreateClassNotebook::new("Math 101")
        .with_student_sections(vec!["Handouts".into(), "Class Notes".into()])
        .with_teachers(vec![Principal::new(
            "teacher1@contoso.com",
            PrincipalType::Person,
        )])
        .with_has_teacher_only_section_group(true);
    let created = h
        .client
        .user("teacher@contoso.com")
        .class_notebooks()
        .create(body)
        .send_email(true)
        .send()
        .await
        .unwrap();
    assert_eq!(created.id.as_deref(), Some("1-new"));

    let sent = requests(&h.server).await;
    let request = &sent[0];
    assert_eq!(
        line(request),
        "POST /v1.0/users/teacher%40contoso.com/notes/classNotebooks?sendemail=true"
    );
    assert_eq!(
        header(request, "content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(
        header(request, "accept").as_deref(),
        Some("application/json")
    );
    assert_eq!(header(request, "prefer"), None);
    assert_eq!(
        String::from_utf8(request.body.clone()).unwrap(),
        r#"{"name":"Math 101","studentSections":["Handouts","Class Notes"],"teachers":[{"id":"teacher1@contoso.com","principalType":"Person"}],"hasTeacherOnlySectionGroup":true}"#
    );
}

#[tokio::test]
async fn hostile_ids_stay_in_their_segment_or_are_refused() {
    let h = harness(no_jitter()).await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&h.server)
        .await;
    let notebook = h.client.me().class_notebook("1-b68a");
    notebook
        .teacher("a/b?c#d %41é'")
        .remove()
        .send()
        .await
        .unwrap();
    notebook
        .teacher("teacher2@contoso.net")
        .remove()
        .send()
        .await
        .unwrap();
    let sent = requests(&h.server).await;
    assert_eq!(
        line(&sent[0]),
        "DELETE /v1.0/me/notes/classNotebooks/1-b68a/teachers/a%2Fb%3Fc%23d%20%2541%C3%A9%27"
    );
    assert_eq!(
        line(&sent[1]),
        "DELETE /v1.0/me/notes/classNotebooks/1-b68a/teachers/teacher2%40contoso.net"
    );
    assert_eq!(header(&sent[0], "content-type"), None);

    let error = h
        .client
        .me()
        .class_notebook("..")
        .delete()
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidRequest);
    assert_eq!(
        error.to_string(),
        "deleteClassNotebook: the path \"me/notes/classNotebooks/%2E%2E\" would be sent as \
         \"/v1.0/me/notes/\" after URL normalisation (an id of `.` or `..`?); refusing to send it"
    );
    assert_eq!(error.attempts(), 0);
    assert_eq!(requests(&h.server).await.len(), 2);
}

#[tokio::test]
async fn unauthorized_with_a_token_reports_status_and_code() {
    let h = harness(no_jitter()).await;
    Mock::given(method("GET"))
        .respond_with(
            with_ids(ResponseTemplate::new(401)).set_body_json(error_body(
                "40001",
                "The request does not contain a valid authentication token.",
            )),
        )
        .mount(&h.server)
        .await;
    let error = h
        .client
        .me()
        .class_notebooks()
        .list()
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "listClassNotebooks: HTTP 401 Unauthorized, code 40001: The request does not contain a \
         valid authentication token. (X-CorrelationId 2b1e5c2a-7a0b-4f7e-9d8c-1a2b3c4d5e6f)"
    );
    assert_eq!(error.kind(), ErrorKind::Status);
    assert_eq!(error.status(), Some(401));
    assert_eq!(error.code(), Some(ErrorCode::InvalidToken));
    assert_eq!(error.date(), Some(DATE));
    assert_eq!(error.attempts(), 1);
    assert!(!error.is_retryable());
    assert!(!format!("{error} {error:?}").contains(TOKEN));
    assert_eq!(
        error.service_error().unwrap().api_url.as_deref(),
        Some("http://aka.ms/onenote-errors#C40001")
    );
    assert!(h.clock.sleeps().is_empty());
}

struct FailingTokens;

impl TokenProvider for FailingTokens {
    fn token(
        &self,
        _: Audience,
    ) -> Pin<Box<dyn Future<Output = Result<String, BoxError>> + Send + '_>> {
        Box::pin(async { Err("token cache is empty".into()) })
    }
}

#[tokio::test]
async fn without_a_token_nothing_is_sent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let failing = Client::builder()
        .base_url(server.uri())
        .token_provider(FailingTokens)
        .build()
        .unwrap();
    let error = failing
        .me()
        .class_notebooks()
        .list()
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Auth);
    assert_eq!(
        error.to_string(),
        "listClassNotebooks: could not get an access token: token cache is empty"
    );
    assert_eq!(error.attempts(), 0);

    let empty = Client::builder()
        .base_url(server.uri())
        .bearer_token("")
        .build()
        .unwrap();
    let error = empty
        .me()
        .class_notebooks()
        .list()
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "listClassNotebooks: the token provider returned an empty token"
    );
    let broken = Client::builder()
        .base_url(server.uri())
        .bearer_token("line\nbreak")
        .build()
        .unwrap();
    let error = broken
        .me()
        .class_notebooks()
        .list()
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "listClassNotebooks: the token provider returned a token that is not a valid header value"
    );
    assert!(!format!("{error:?}").contains("line"));
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn not_found_with_error_body() {
    let h = harness(no_jitter()).await;
    Mock::given(method("GET"))
        .respond_with(with_ids(ResponseTemplate::new(404)).set_body_json(json!({
            "error": {"code": "20102", "message": "The requested resource does not exist.", "@api.url": "http://aka.ms/onenote-errors#C20102"},
            "@api.diagnostics": [{"message": "notebook 1-x not found"}]
        })))
        .mount(&h.server)
        .await;
    let error = h
        .client
        .me()
        .class_notebook("1-x")
        .get()
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "getClassNotebook: HTTP 404 Not Found, code 20102: The requested resource does not \
         exist. (X-CorrelationId 2b1e5c2a-7a0b-4f7e-9d8c-1a2b3c4d5e6f)"
    );
    assert_eq!(error.code(), Some(ErrorCode::ResourceNotFound));
    assert_eq!(
        error.message(),
        Some("The requested resource does not exist.")
    );
    assert_eq!(
        error.service_error().unwrap().diagnostics,
        vec![json!({"message": "notebook 1-x not found"})]
    );
    assert_eq!(error.correlation_id(), Some(CORRELATION));
    assert_eq!(error.operation(), Some("getClassNotebook"));
    assert_eq!(requests(&h.server).await.len(), 1);
}

/// Mounts `first` for one request, then a 200 list page for the rest.
async fn first_then_ok(server: &MockServer, first: ResponseTemplate) {
    Mock::given(method("GET"))
        .respond_with(first)
        .up_to_n_times(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [notebook("1-a")]})))
        .mount(server)
        .await;
}

#[tokio::test]
async fn throttled_then_ok_honours_retry_after_seconds() {
    let h = harness(no_jitter()).await;
    first_then_ok(
        &h.server,
        ResponseTemplate::new(429)
            .insert_header("Retry-After", "7")
            .set_body_json(error_body("20166", "Too many requests")),
    )
    .await;
    let page = h.client.me().class_notebooks().list().send().await.unwrap();
    assert_eq!(page.value.len(), 1);
    assert_eq!(h.clock.sleeps(), secs(&[7]));
    let sent = requests(&h.server).await;
    assert_eq!(sent.len(), 2);
    assert_eq!(line(&sent[0]), line(&sent[1]));
    assert_eq!(
        header(&sent[1], "authorization").as_deref(),
        Some("Bearer test-token-7f3a")
    );
}

#[tokio::test]
async fn throttled_then_ok_honours_retry_after_http_date() {
    let h = harness(no_jitter()).await;
    first_then_ok(
        &h.server,
        ResponseTemplate::new(429)
            .insert_header("Date", DATE)
            .insert_header("Retry-After", "Sun, 25 Feb 2018 23:17:19 GMT"),
    )
    .await;
    h.client.me().class_notebooks().list().send().await.unwrap();
    assert_eq!(h.clock.sleeps(), secs(&[3]));
}

#[tokio::test]
async fn throttled_without_retry_after_backs_off() {
    let h = harness(no_jitter().initial_backoff(Duration::from_millis(250))).await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429))
        .up_to_n_times(2)
        .mount(&h.server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": []})))
        .mount(&h.server)
        .await;
    h.client.me().class_notebooks().list().send().await.unwrap();
    assert_eq!(
        h.clock.sleeps(),
        vec![Duration::from_millis(250), Duration::from_millis(500)]
    );

    // With jitter (the default) each wait is between half and all of the back-off.
    let h = harness(RetryPolicy::new()).await;
    first_then_ok(&h.server, ResponseTemplate::new(429)).await;
    h.client.me().class_notebooks().list().send().await.unwrap();
    let sleeps = h.clock.sleeps();
    assert_eq!(sleeps.len(), 1);
    assert!(sleeps[0] >= Duration::from_millis(500) && sleeps[0] <= Duration::from_secs(1));
}

/// The id of Microsoft Graph's `request-id` header and `innerError` in the Graph tests.
const GRAPH_REQUEST_ID: &str = "e4c1d1b2-0a9f-4f57-9a55-3f6c3c8a1d01";

/// Microsoft Graph's error body (as received: obsidianmd/obsidian-importer#120): OneNote's
/// code, no `@api.url` or `isRetriable`, the request's ids in `innerError`.
fn graph_error_body(code: &str, message: &str) -> serde_json::Value {
    json!({"error": {"code": code, "message": message, "innerError": {
        "date": "2023-09-25T08:41:06",
        "request-id": GRAPH_REQUEST_ID,
        "client-request-id": "7b0a3f52-19c4-4d1e-8f3a-5c2e9d1b6a70",
    }}})
}

#[tokio::test]
async fn a_graph_20166_without_retry_after_is_throttling_and_is_repeated_even_for_post() {
    let h = harness(no_jitter().initial_backoff(Duration::from_millis(250))).await;
    let throttled = graph_error_body(
        "20166",
        "The app has issued too many requests on behalf of this user in a short time period.",
    );
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).set_body_json(throttled))
        .up_to_n_times(2)
        .mount(&h.server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(notebook("1-new")))
        .mount(&h.server)
        .await;
    let created = h
        .client
        .me()
        .class_notebooks()
        .create(CreateClassNotebook::new("Math 101"))
        .send()
        .await
        .unwrap();
    assert_eq!(created.id.as_deref(), Some("1-new"));
    // Backed off without Retry-After, and the pacer lowered its limits twice.
    assert_eq!(
        h.clock.sleeps(),
        vec![Duration::from_millis(250), Duration::from_millis(500)]
    );
    assert_eq!(requests(&h.server).await.len(), 3);
    assert!(h.client.pacer().unwrap().factor() < 1.0);
}

#[tokio::test]
async fn a_graph_error_body_gives_its_code_message_and_inner_error() {
    let h = harness(no_jitter()).await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(graph_error_body(
            "20102",
            "The requested resource does not exist.",
        )))
        .mount(&h.server)
        .await;
    let error = h
        .client
        .me()
        .class_notebook("1-x")
        .get()
        .send()
        .await
        .unwrap_err();
    // No correlation header: the request-id of the body is the one to quote.
    assert_eq!(
        error.to_string(),
        "getClassNotebook: HTTP 404 Not Found, code 20102: The requested resource does not \
         exist. (request-id e4c1d1b2-0a9f-4f57-9a55-3f6c3c8a1d01)"
    );
    assert_eq!(error.code(), Some(ErrorCode::ResourceNotFound));
    assert_eq!(error.correlation_id(), Some(GRAPH_REQUEST_ID));
    let inner = error.inner_error().unwrap();
    assert_eq!(inner.request_id.as_deref(), Some(GRAPH_REQUEST_ID));
    assert_eq!(
        inner.client_request_id.as_deref(),
        Some("7b0a3f52-19c4-4d1e-8f3a-5c2e9d1b6a70")
    );
    assert_eq!(inner.date.as_deref(), Some("2023-09-25T08:41:06"));
    assert_eq!(error.service_error().unwrap().api_url, None);
}

#[tokio::test]
async fn a_busy_503_on_post_is_retried_with_the_same_body() {
    let h = harness(no_jitter()).await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(503)
                .insert_header("Retry-After", "2")
                .set_body_json(error_body("10007", "The server is too busy.")),
        )
        .up_to_n_times(1)
        .mount(&h.server)
        .await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"id": "teacher2@contoso.com", "principalType": "Person"})),
        )
        .mount(&h.server)
        .await;
    let added = h
        .client
        .me()
        .class_notebook("1-b68a")
        .teachers()
        .add(Principal::new(
            "teacher2@contoso.com",
            PrincipalType::Person,
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(added.id, "teacher2@contoso.com");
    assert_eq!(h.clock.sleeps(), secs(&[2]));
    let sent = requests(&h.server).await;
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].body, sent[1].body);
    assert_eq!(
        String::from_utf8(sent[1].body.clone()).unwrap(),
        r#"{"id":"teacher2@contoso.com","principalType":"Person"}"#
    );
}

/// Issue 24, item 1: a 503 can come after the write took effect (a gateway, an overloaded
/// front end); the client used to send the POST again.
#[tokio::test]
async fn a_503_on_post_is_not_sent_again_and_its_outcome_is_unknown() {
    let h = harness(no_jitter()).await;
    Mock::given(method("POST"))
        .respond_with(
            with_ids(ResponseTemplate::new(503).insert_header("Retry-After", "2"))
                .set_body_json(error_body("10002", "The service is not available.")),
        )
        .up_to_n_times(1)
        .mount(&h.server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(notebook("1-second")))
        .mount(&h.server)
        .await;
    let error = h
        .client
        .me()
        .class_notebooks()
        .create(CreateClassNotebook::new("Math 101"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::OutcomeUnknown);
    assert_eq!(requests(&h.server).await.len(), 1);
    assert!(h.clock.sleeps().is_empty());
    assert_eq!(error.status(), Some(503));
    assert_eq!(error.method(), Some("POST"));
    assert_eq!(
        error.url(),
        Some(format!("{}/v1.0/me/notes/classNotebooks", h.server.uri()).as_str())
    );
    assert_eq!(error.correlation_id(), Some(CORRELATION));
}

#[tokio::test]
async fn server_error_on_post_and_patch_is_not_retried() {
    let h = harness(no_jitter()).await;
    Mock::given(wiremock::matchers::any())
        .respond_with(
            with_ids(ResponseTemplate::new(500))
                .set_body_json(error_body("10001", "An unexpected error occurred.")),
        )
        .mount(&h.server)
        .await;
    let error = h
        .client
        .me()
        .class_notebook("1-b68a")
        .repair()
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "repairNotebook: outcome unknown: POST {}/v1.0/me/notes/classNotebooks/1-b68a/\
             Microsoft.OneNote.Api.RepairNotebook answered HTTP 500 Internal Server Error, code \
             10001: An unexpected error occurred.; it may have taken effect, so it was not sent \
             again: check the state before repeating it (X-CorrelationId \
             2b1e5c2a-7a0b-4f7e-9d8c-1a2b3c4d5e6f)",
            h.server.uri()
        )
    );
    assert_eq!(error.kind(), ErrorKind::OutcomeUnknown);
    assert_eq!(error.attempts(), 1);
    assert!(!error.is_retryable());
    let error = h
        .client
        .me()
        .class_notebook("1-b68a")
        .update(onenote_api::ClassNotebookUpdate::new(true))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.attempts(), 1);
    assert_eq!(error.kind(), ErrorKind::OutcomeUnknown);
    assert_eq!(requests(&h.server).await.len(), 2);
    assert!(h.clock.sleeps().is_empty());
}

#[tokio::test]
async fn server_error_on_get_is_retried() {
    let h = harness(no_jitter()).await;
    first_then_ok(&h.server, ResponseTemplate::new(502)).await;
    h.client.me().class_notebooks().list().send().await.unwrap();
    assert_eq!(h.clock.sleeps(), secs(&[1]));
    assert_eq!(requests(&h.server).await.len(), 2);
}

#[tokio::test]
async fn retry_budget_exhausted_says_attempts_and_wait() {
    let h = harness(
        no_jitter()
            .max_attempts(10)
            .max_wait(Duration::from_secs(60)),
    )
    .await;
    Mock::given(method("GET"))
        .respond_with(
            with_ids(ResponseTemplate::new(429).insert_header("Retry-After", "25"))
                .set_body_json(error_body("20166", "Too many requests.")),
        )
        .mount(&h.server)
        .await;
    let error = h
        .client
        .me()
        .class_notebooks()
        .list()
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "listClassNotebooks: HTTP 429 Too Many Requests, code 20166: Too many requests.; gave up \
         after 3 attempts, waited 50s: the next wait of 25s would exceed the retry budget of 60s \
         (X-CorrelationId 2b1e5c2a-7a0b-4f7e-9d8c-1a2b3c4d5e6f)"
    );
    assert_eq!(error.attempts(), 3);
    assert_eq!(error.waited(), Duration::from_secs(50));
    assert_eq!(error.retry_after(), Some(Duration::from_secs(25)));
    assert_eq!(error.code(), Some(ErrorCode::Throttled));
    assert!(error.is_retryable());
    assert_eq!(h.clock.sleeps(), secs(&[25, 25]));
    assert_eq!(requests(&h.server).await.len(), 3);
}

#[tokio::test]
async fn retry_attempts_exhausted_says_attempts_and_wait() {
    let h = harness(no_jitter().max_attempts(3)).await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&h.server)
        .await;
    let error = h
        .client
        .me()
        .class_notebooks()
        .list()
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "listClassNotebooks: HTTP 503 Service Unavailable; gave up after 3 attempts, waited 3s"
    );
    assert_eq!(h.clock.sleeps(), secs(&[1, 2]));

    let h = harness(RetryPolicy::none()).await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&h.server)
        .await;
    let error = h
        .client
        .me()
        .class_notebooks()
        .list()
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "listClassNotebooks: HTTP 503 Service Unavailable; gave up after 1 attempt, waited 0ns"
    );
    assert_eq!(requests(&h.server).await.len(), 1);
}

/// Hands out `token-1`, `token-2`, … and records the audience each was asked for.
struct CountingTokens(AtomicUsize, Mutex<Vec<Audience>>);

impl TokenProvider for CountingTokens {
    fn token(
        &self,
        audience: Audience,
    ) -> Pin<Box<dyn Future<Output = Result<String, BoxError>> + Send + '_>> {
        let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
        self.1.lock().unwrap().push(audience);
        Box::pin(async move { Ok(format!("token-{n}")) })
    }
}

#[tokio::test]
async fn the_token_is_fetched_for_every_attempt() {
    let server = MockServer::start().await;
    first_then_ok(
        &server,
        ResponseTemplate::new(429).insert_header("Retry-After", "0"),
    )
    .await;
    let tokens = Arc::new(CountingTokens(AtomicUsize::new(0), Mutex::default()));
    let client = Client::builder()
        .base_url(server.uri())
        .token_provider(tokens.clone())
        .clock(TestClock::new())
        .build()
        .unwrap();
    client.me().class_notebooks().list().send().await.unwrap();
    let sent = requests(&server).await;
    assert_eq!(
        header(&sent[0], "authorization").as_deref(),
        Some("Bearer token-1")
    );
    assert_eq!(
        header(&sent[1], "authorization").as_deref(),
        Some("Bearer token-2")
    );
    // Every operation of the spec is OneNote's: its token is the one asked for.
    assert_eq!(*tokens.1.lock().unwrap(), [Audience::OneNote; 2]);
}

#[tokio::test]
async fn malformed_and_truncated_json_are_decode_errors() {
    let h = harness(no_jitter()).await;
    Mock::given(method("GET"))
        .and(path("/v1.0/me/notes/classNotebooks"))
        .respond_with(
            with_ids(ResponseTemplate::new(200))
                .set_body_raw(r#"{"value":[{"id":"1-a"},"#, "application/json"),
        )
        .mount(&h.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/me/notes/classNotebooks/1-a"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("<html>gateway</html>", "text/html"))
        .mount(&h.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/me/notes/classNotebooks/1-b"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 5})))
        .mount(&h.server)
        .await;

    let error = h
        .client
        .me()
        .class_notebooks()
        .list()
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(
        error.to_string(),
        "listClassNotebooks: could not decode the HTTP 200 response body: EOF while parsing a \
         value at line 1 column 23; body \"{\\\"value\\\":[{\\\"id\\\":\\\"1-a\\\"},\" \
         (X-CorrelationId 2b1e5c2a-7a0b-4f7e-9d8c-1a2b3c4d5e6f)"
    );
    assert_eq!(error.status(), Some(200));
    assert_eq!(error.body_snippet(), Some(r#"{"value":[{"id":"1-a"},"#));

    let error = h
        .client
        .me()
        .class_notebook("1-a")
        .get()
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "getClassNotebook: could not decode the HTTP 200 response body: expected value at line 1 \
         column 1; body \"<html>gateway</html>\""
    );
    let error = h
        .client
        .me()
        .class_notebook("1-b")
        .get()
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "getClassNotebook: could not decode the HTTP 200 response body: invalid type: integer \
         `5`, expected a string at line 1 column 7; body \"{\\\"id\\\":5}\""
    );
}

const OPERATIONS: &str =
    "/v1.0/me/notes/operations/classnotebook-ee91aafb-5685-4357-9465-77d611ef064c";

async fn accept_async(server: &MockServer, location: &str) {
    Mock::given(method("POST"))
        .and(path("/v1.0/me/notes/classNotebooks"))
        .respond_with(ResponseTemplate::new(202).insert_header("Location", location))
        .mount(server)
        .await;
}

async fn poll_once_with(server: &MockServer, model: serde_json::Value) {
    Mock::given(method("GET"))
        .and(path(OPERATIONS))
        .respond_with(with_ids(ResponseTemplate::new(200)).set_body_json(model))
        .up_to_n_times(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn async_create_polls_until_completed() {
    let h = harness(no_jitter()).await;
    let location = format!("{}{OPERATIONS}", h.server.uri());
    accept_async(&h.server, &location).await;
    let id = "classnotebook-ee91aafb-5685-4357-9465-77d611ef064c";
    poll_once_with(&h.server, json!({"id": id, "status": "notStarted", "createdDateTime": "2018-02-25T15:17:16.0938811-08:00"})).await;
    poll_once_with(&h.server, json!({"id": id, "status": "Running"})).await;
    poll_once_with(
        &h.server,
        json!({
            "id": id,
            "status": "completed",
            "resourceLocation": "https://www.onenote.com/api/v1.0/me/notes/classNotebooks/1-new",
            "resourceId": "1-new"
        }),
    )
    .await;

    let handle = h
        .client
        .me()
        .class_notebooks()
        .create(
            CreateClassNotebook::new("Math 101").with_student_sections(vec!["Class Notes".into()]),
        )
        .send_email(true)
        .respond_async()
        .send()
        .await
        .unwrap();
    assert_eq!(handle.location(), location);
    assert_eq!(handle.operation(), "createClassNotebook");
    let done = handle
        .wait_with(WaitOptions::new().interval(Duration::from_secs(1)))
        .await
        .unwrap();
    assert_eq!(done.status, Some(OperationStatus::Completed));
    assert_eq!(done.resource_id.as_deref(), Some("1-new"));
    assert_eq!(
        done.resource_location.as_deref(),
        Some("https://www.onenote.com/api/v1.0/me/notes/classNotebooks/1-new")
    );
    assert_eq!(h.clock.sleeps(), secs(&[1, 2]));

    let sent = requests(&h.server).await;
    assert_eq!(sent.len(), 4);
    assert_eq!(
        line(&sent[0]),
        "POST /v1.0/me/notes/classNotebooks?sendemail=true"
    );
    assert_eq!(header(&sent[0], "prefer").as_deref(), Some("respond-async"));
    assert_eq!(
        header(&sent[0], "content-type").as_deref(),
        Some("application/json")
    );
    for poll in &sent[1..] {
        assert_eq!(line(poll), format!("GET {OPERATIONS}"));
        assert_eq!(
            header(poll, "authorization").as_deref(),
            Some("Bearer test-token-7f3a")
        );
        assert_eq!(header(poll, "prefer"), None);
    }

    // Resuming from the saved Location polls the same URL.
    let resumed = OperationHandle::from_location(&h.client, handle.location()).unwrap();
    poll_once_with(&h.server, json!({"id": id, "status": "running"})).await;
    let state = resumed.poll().await.unwrap();
    assert_eq!(state.status, Some(OperationStatus::Running));
}

#[tokio::test]
async fn async_operation_failure_carries_error_and_diagnostics() {
    let h = harness(no_jitter()).await;
    accept_async(&h.server, OPERATIONS).await; // a relative Location resolves on the API origin
    poll_once_with(
        &h.server,
        json!({
            "id": "classnotebook-1",
            "status": "failed",
            "error": {"code": "30109", "message": "Some users in the request do not exist."},
            "@api.diagnostics": [{"message": "student9@contoso.com"}]
        }),
    )
    .await;
    let handle = h
        .client
        .me()
        .class_notebooks()
        .create(CreateClassNotebook::new("Math 101"))
        .respond_async()
        .send()
        .await
        .unwrap();
    assert_eq!(handle.location(), format!("{}{OPERATIONS}", h.server.uri()));
    let error = handle.wait().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::OperationFailed);
    assert_eq!(
        error.to_string(),
        "createClassNotebook: the operation failed, code 30109: Some users in the request do not \
         exist. (X-CorrelationId 2b1e5c2a-7a0b-4f7e-9d8c-1a2b3c4d5e6f)"
    );
    assert_eq!(error.code(), Some(ErrorCode::UsersNotFound));
    assert_eq!(
        error.service_error().unwrap().diagnostics,
        vec![json!({"message": "student9@contoso.com"})]
    );
    assert_eq!(
        error.operation_model().unwrap().status,
        Some(OperationStatus::Failed)
    );
    assert!(h.clock.sleeps().is_empty());
}

#[tokio::test]
async fn async_wait_times_out() {
    let h = harness(no_jitter()).await;
    accept_async(&h.server, OPERATIONS).await;
    Mock::given(method("GET"))
        .and(path(OPERATIONS))
        .respond_with(
            with_ids(ResponseTemplate::new(200))
                .set_body_json(json!({"id": "classnotebook-1", "status": "running"})),
        )
        .mount(&h.server)
        .await;
    let handle = h
        .client
        .me()
        .class_notebooks()
        .create(CreateClassNotebook::new("Math 101"))
        .respond_async()
        .send()
        .await
        .unwrap();
    let error = handle
        .wait_with(
            WaitOptions::new()
                .timeout(Duration::from_secs(5))
                .interval(Duration::from_secs(1))
                .max_interval(Duration::from_secs(10)),
        )
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::OperationTimedOut);
    assert_eq!(
        error.to_string(),
        "createClassNotebook: operation \"classnotebook-1\" still running after 5s (wait timeout \
         5s) (X-CorrelationId 2b1e5c2a-7a0b-4f7e-9d8c-1a2b3c4d5e6f)"
    );
    assert!(error.is_retryable());
    assert_eq!(error.date(), Some(DATE));
    assert_eq!(
        error.operation_model().unwrap().status,
        Some(OperationStatus::Running)
    );
    // Polls at 0 s, 1 s, 3 s and, cut to the deadline, 5 s.
    assert_eq!(h.clock.sleeps(), secs(&[1, 2, 2]));
    assert_eq!(requests(&h.server).await.len(), 5);
}

#[tokio::test]
async fn async_wait_honours_retry_after_and_can_be_cancelled() {
    let h = harness(no_jitter()).await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(202)
                .insert_header("Location", OPERATIONS)
                .insert_header("Retry-After", "4"),
        )
        .mount(&h.server)
        .await;
    Mock::given(method("GET"))
        .and(path(OPERATIONS))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("Retry-After", "6")
                .set_body_json(json!({"id": "op-9", "status": "running"})),
        )
        .mount(&h.server)
        .await;
    let handle = h
        .client
        .me()
        .class_notebooks()
        .create(CreateClassNotebook::new("Math 101"))
        .respond_async()
        .send()
        .await
        .unwrap();
    assert_eq!(handle.retry_after(), Some(Duration::from_secs(4)));

    // Cancel once the client asks to wait a second time (after the first poll).
    let clock = h.clock.clone();
    let cancel = std::future::poll_fn(move |_| {
        if clock.sleeps().len() >= 2 {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    });
    let fired = Arc::new(AtomicBool::new(false));
    let error = handle
        .wait_with(WaitOptions::new().cancel_on({
            let fired = fired.clone();
            async move {
                cancel.await;
                fired.store(true, Ordering::SeqCst);
            }
        }))
        .await
        .unwrap_err();
    assert!(fired.load(Ordering::SeqCst));
    assert_eq!(error.kind(), ErrorKind::Cancelled);
    assert_eq!(
        error.to_string(),
        "createClassNotebook: stopped waiting for operation \"op-9\": cancelled (last status: running)"
    );
    assert_eq!(h.clock.sleeps(), secs(&[4, 6]));
    assert_eq!(requests(&h.server).await.len(), 2);
}

#[tokio::test]
async fn foreign_origin_location_is_refused() {
    let h = harness(no_jitter()).await;
    let foreign = MockServer::start().await;
    accept_async(&h.server, &format!("{}{OPERATIONS}", foreign.uri())).await;
    let error = h
        .client
        .me()
        .class_notebooks()
        .create(CreateClassNotebook::new("Math 101"))
        .respond_async()
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidLocation);
    assert_eq!(
        error.to_string(),
        format!(
            "createClassNotebook: refusing the operation Location \"{}{OPERATIONS}\": it is not on \
             the API origin {} (scheme, host and port must match the base URL), so it is not sent \
             the access token",
            foreign.uri(),
            h.server.uri()
        )
    );
    let error =
        OperationHandle::from_location(&h.client, &format!("{}/x", foreign.uri())).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidLocation);
    assert!(requests(&foreign).await.is_empty());
}

async fn mount_page(server: &MockServer, page: &str, body: serde_json::Value) {
    Mock::given(method("GET"))
        .and(path(format!(
            "/v1.0/me/notes/notebooks/1-313d/permissions{page}"
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(server)
        .await;
}

fn permission(id: u32) -> serde_json::Value {
    json!({"id": format!("1-{id}"), "userRole": "Owner", "userId": format!("i:0#.f|membership|u{id}@contoso.com"), "name": format!("User {id}")})
}

#[tokio::test]
async fn stream_walks_three_pages() {
    let h = harness(no_jitter()).await;
    let base = h.server.uri();
    mount_page(&h.server, "", json!({
        "@odata.count": 5,
        "value": [permission(1), permission(2)],
        "@odata.nextLink": format!("{base}/v1.0/me/notes/notebooks/1-313d/permissions/page2?$skiptoken=2")
    })).await;
    mount_page(&h.server, "/page2", json!({
        "value": [permission(3), permission(4)],
        "@odata.nextLink": format!("{base}/v1.0/me/notes/notebooks/1-313d/permissions/page3?$skiptoken=4")
    })).await;
    mount_page(&h.server, "/page3", json!({"value": [permission(5)]})).await;

    let list = || h.client.me().notebook("1-313d").permissions().list();
    let all = list().count(true).stream().collect_all().await.unwrap();
    let ids: Vec<_> = all
        .iter()
        .map(|p| p.id.clone().unwrap_or_default())
        .collect();
    assert_eq!(ids, ["1-1", "1-2", "1-3", "1-4", "1-5"]);
    let sent = requests(&h.server).await;
    let lines: Vec<_> = sent.iter().map(line).collect();
    assert_eq!(
        lines,
        [
            "GET /v1.0/me/notes/notebooks/1-313d/permissions?$count=true",
            "GET /v1.0/me/notes/notebooks/1-313d/permissions/page2?$skiptoken=2",
            "GET /v1.0/me/notes/notebooks/1-313d/permissions/page3?$skiptoken=4",
        ]
    );
    assert!(
        sent.iter()
            .all(|r| header(r, "authorization").as_deref() == Some("Bearer test-token-7f3a"))
    );

    // A limit stops early: page 3 is never requested.
    let mut limited = list().stream().limit(3);
    let mut got = Vec::new();
    while let Some(item) = limited.next_item().await {
        got.push(item.unwrap().id.unwrap_or_default());
    }
    assert_eq!(got, ["1-1", "1-2", "1-3"]);
    assert_eq!(requests(&h.server).await.len(), 5);
}

#[tokio::test]
async fn stream_stops_on_a_repeated_link() {
    let h = harness(no_jitter()).await;
    let base = h.server.uri();
    let page2 = format!("{base}/v1.0/me/notes/notebooks/1-313d/permissions/page2");
    mount_page(
        &h.server,
        "",
        json!({"value": [permission(1)], "@odata.nextLink": page2}),
    )
    .await;
    mount_page(
        &h.server,
        "/page2",
        json!({"value": [permission(2)], "@odata.nextLink": page2}),
    )
    .await;
    let mut stream = h
        .client
        .me()
        .notebook("1-313d")
        .permissions()
        .list()
        .stream();
    assert_eq!(
        stream.next_item().await.unwrap().unwrap().id.as_deref(),
        Some("1-1")
    );
    assert_eq!(
        stream.next_item().await.unwrap().unwrap().id.as_deref(),
        Some("1-2")
    );
    let error = stream.next_item().await.unwrap().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::RepeatedLink);
    assert_eq!(
        error.to_string(),
        format!(
            "listPermissions: the service returned the @odata.nextLink \"{page2}\" a second time; \
             stopping to avoid a loop"
        )
    );
    assert!(stream.next_item().await.is_none());
    assert_eq!(requests(&h.server).await.len(), 2);
}

#[tokio::test]
async fn stream_refuses_a_foreign_next_link() {
    let h = harness(no_jitter()).await;
    let foreign = MockServer::start().await;
    mount_page(
        &h.server,
        "",
        json!({"value": [permission(1)], "@odata.nextLink": format!("{}/steal", foreign.uri())}),
    )
    .await;
    let mut stream = h
        .client
        .me()
        .notebook("1-313d")
        .permissions()
        .list()
        .stream();
    assert!(stream.next_item().await.unwrap().is_ok());
    let error = stream.next_item().await.unwrap().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidLocation);
    assert!(requests(&foreign).await.is_empty());
}

#[tokio::test]
async fn redirect_to_another_origin_drops_authorization() {
    let h = harness(no_jitter()).await;
    let other = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [notebook("1-r")]})))
        .mount(&other)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(302).insert_header("Location", format!("{}/moved", other.uri())),
        )
        .mount(&h.server)
        .await;
    let page = h.client.me().class_notebooks().list().send().await.unwrap();
    assert_eq!(page.value[0].id.as_deref(), Some("1-r"));
    let first = requests(&h.server).await;
    assert_eq!(
        header(&first[0], "authorization").as_deref(),
        Some("Bearer test-token-7f3a")
    );
    let moved = requests(&other).await;
    assert_eq!(moved.len(), 1);
    assert_eq!(line(&moved[0]), "GET /moved");
    assert_eq!(header(&moved[0], "authorization"), None);
    assert_eq!(header(&moved[0], "referer"), None);
}

#[tokio::test]
async fn paused_tokio_time_drives_the_default_clock() {
    let server = MockServer::start().await;
    first_then_ok(
        &server,
        ResponseTemplate::new(429).insert_header("Retry-After", "120"),
    )
    .await;
    let client = Client::builder()
        .base_url(server.uri())
        .bearer_token(TOKEN)
        .request_timeout(None)
        .connect_timeout(None)
        .retry_policy(RetryPolicy::new().max_wait(Duration::from_secs(300)))
        .build()
        .unwrap();
    tokio::time::pause();
    let start = tokio::time::Instant::now();
    client.me().class_notebooks().list().send().await.unwrap();
    assert!(start.elapsed() >= Duration::from_secs(120));
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn page_lock_sends_exact_dates_and_null() {
    let h = harness(no_jitter()).await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&h.server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"blockEditsInClientStartDate":"1985-02-25T23:17:16Z","title":"ignored"}"#,
            "application/json",
        ))
        .mount(&h.server)
        .await;
    let page = h
        .client
        .me()
        .page("1-126bc4155684422c827e1682b1e5f2ed!62-3a2cebc9-3121-4162-b84a-07e61671e653");
    let date: onenote_api::DateTime = "2018-02-25T15:17:16.0938811-08:00".parse().unwrap();
    page.update_lock(
        onenote_api::PageLockUpdate::default()
            .with_block_edits_in_client_start_date(onenote_api::Nullable::Value(date)),
    )
    .send()
    .await
    .unwrap();
    page.update_lock(
        onenote_api::PageLockUpdate::default()
            .with_block_edits_in_client_start_date(onenote_api::Nullable::Null),
    )
    .send()
    .await
    .unwrap();
    let lock = page.get().include_lock_date(true).send().await.unwrap();
    assert_eq!(
        lock.block_edits_in_client_start_date.unwrap().to_string(),
        "1985-02-25T23:17:16Z"
    );

    let sent = requests(&h.server).await;
    assert_eq!(
        line(&sent[0]),
        "PATCH /v1.0/me/notes/pages/1-126bc4155684422c827e1682b1e5f2ed%2162-3a2cebc9-3121-4162-b84a-07e61671e653"
    );
    assert_eq!(
        String::from_utf8(sent[0].body.clone()).unwrap(),
        r#"{"blockEditsInClientStartDate":"2018-02-25T15:17:16.0938811-08:00"}"#
    );
    assert_eq!(
        String::from_utf8(sent[1].body.clone()).unwrap(),
        r#"{"blockEditsInClientStartDate":null}"#
    );
    assert_eq!(
        line(&sent[2]),
        "GET /v1.0/me/notes/pages/1-126bc4155684422c827e1682b1e5f2ed%2162-3a2cebc9-3121-4162-b84a-07e61671e653?blockEditsInClientStartDate=true"
    );
}

#[tokio::test]
async fn site_ids_from_url_quote_the_odata_literal() {
    let h = harness(no_jitter()).await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"@odata.context":"https://www.onenote.com/api/v1.0/$metadata#Microsoft.OneNote.Api.SiteMetadata", "siteCollectionId":"09d1a587-a84b-4264-3d15-669429be8cc5", "siteId":"d9e4d5c8-683f-4363-89ae-18c4e3da91e9"}"#,
            "application/json",
        ))
        .mount(&h.server)
        .await;
    let ids = h
        .client
        .site_metadata_from_url("https://domain.com/sites/O'Brien site")
        .send()
        .await
        .unwrap();
    assert_eq!(
        ids.site_collection_id,
        "09d1a587-a84b-4264-3d15-669429be8cc5"
    );
    assert_eq!(ids.site_id, "d9e4d5c8-683f-4363-89ae-18c4e3da91e9");
    let sent = requests(&h.server).await;
    assert_eq!(
        line(&sent[0]),
        "GET /v1.0/myOrganization/siteCollections/FromUrl(url='https://domain.com/sites/O%27%27Brien%20site')"
    );
    assert_eq!(
        h.client.site(ids.site_collection_id, ids.site_id).path(),
        "myOrganization/siteCollections/09d1a587-a84b-4264-3d15-669429be8cc5/sites/d9e4d5c8-683f-4363-89ae-18c4e3da91e9/notes"
    );
}

#[tokio::test]
async fn a_refused_connection_is_retried_for_every_method() {
    // Port 1 on loopback: nothing listens, so every connect is refused before anything is sent.
    let clock = TestClock::new();
    let client = Client::builder()
        .base_url("http://127.0.0.1:1")
        .bearer_token(TOKEN)
        .retry_policy(no_jitter())
        .clock(clock.clone())
        .build()
        .unwrap();
    let error = client
        .me()
        .class_notebooks()
        .list()
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport);
    let text = error.to_string();
    assert!(
        text.starts_with("listClassNotebooks: request failed: error sending request for url (http://127.0.0.1:1/v1.0/me/notes/classNotebooks)"),
        "{text}"
    );
    assert!(
        text.ends_with("; gave up after 4 attempts, waited 7s"),
        "{text}"
    );
    assert!(error.is_retryable());
    assert_eq!(error.status(), None);
    assert_eq!(clock.sleeps(), secs(&[1, 2, 4]));

    let error = client
        .me()
        .class_notebook("1-b68a")
        .repair()
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport);
    assert_eq!(error.attempts(), 4);
    assert!(error.is_retryable());
    assert_eq!(clock.sleeps().len(), 6);
}

#[tokio::test]
async fn request_timeout_is_a_timeout_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .bearer_token(TOKEN)
        .request_timeout(Duration::from_millis(100))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let error = client
        .me()
        .class_notebooks()
        .list()
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout);
    assert!(
        error
            .to_string()
            .starts_with("listClassNotebooks: request timed out: "),
        "{error}"
    );
    assert_eq!(error.attempts(), 1);
    assert!(error.is_retryable());
}

// ---------------------------------------------------------------------------------------------
// Wire defects found by trying the client as a new user would (issue 13).

#[tokio::test]
async fn bodyless_posts_send_content_length_zero_and_json_content_type() {
    let h = harness(no_jitter()).await;
    Mock::given(method("POST"))
        .and(wiremock::matchers::header("prefer", "respond-async"))
        .respond_with(ResponseTemplate::new(202).insert_header("Location", OPERATIONS))
        .mount(&h.server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&h.server)
        .await;
    let group = h.client.group("1d13f814-83e5-4c11-8294-53bf40defd91");
    group
        .class_notebooks()
        .update_membership()
        .send()
        .await
        .unwrap();
    group
        .class_notebooks()
        .update_membership()
        .respond_async()
        .send()
        .await
        .unwrap();
    h.client
        .me()
        .class_notebook("1-b607")
        .repair()
        .send()
        .await
        .unwrap();

    let sent = requests(&h.server).await;
    assert_eq!(sent.len(), 3);
    for request in &sent {
        assert_eq!(
            header(request, "content-length").as_deref(),
            Some("0"),
            "{}",
            line(request)
        );
        assert_eq!(
            header(request, "content-type").as_deref(),
            Some("application/json"),
            "{}",
            line(request)
        );
        assert!(request.body.is_empty());
    }
    assert_eq!(header(&sent[0], "prefer"), None);
    assert_eq!(header(&sent[1], "prefer").as_deref(), Some("respond-async"));
}

#[tokio::test]
async fn a_relative_location_resolves_against_the_request_url_and_resumes() {
    let h = harness(no_jitter()).await;
    accept_async(&h.server, OPERATIONS).await;
    poll_once_with(&h.server, json!({"id": "op-1", "status": "completed"})).await;
    let handle = h
        .client
        .me()
        .class_notebooks()
        .create(CreateClassNotebook::new("Math 101"))
        .respond_async()
        .send()
        .await
        .unwrap();
    let absolute = format!("{}{OPERATIONS}", h.server.uri());
    assert_eq!(handle.location(), absolute);
    let resumed = OperationHandle::from_location(&h.client, handle.location()).unwrap();
    assert_eq!(resumed.location(), absolute);
    let done = resumed.poll().await.unwrap();
    assert_eq!(done.status, Some(OperationStatus::Completed));
}

#[tokio::test]
async fn a_next_link_that_changes_only_its_fragment_is_a_repeated_link() {
    let h = harness(no_jitter()).await;
    let page2 = format!(
        "{}/v1.0/me/notes/notebooks/1-313d/permissions/page2",
        h.server.uri()
    );
    mount_page(
        &h.server,
        "",
        json!({"value": [permission(1)], "@odata.nextLink": format!("{page2}#a")}),
    )
    .await;
    mount_page(
        &h.server,
        "/page2",
        json!({"value": [permission(2)], "@odata.nextLink": format!("{page2}#b")}),
    )
    .await;
    let stream = h
        .client
        .me()
        .notebook("1-313d")
        .permissions()
        .list()
        .stream();
    let error = stream.limit(50).collect_all().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::RepeatedLink);
    assert_eq!(requests(&h.server).await.len(), 2);
}

#[tokio::test]
async fn a_token_echoed_by_the_server_is_redacted_from_the_error() {
    let h = harness(no_jitter()).await;
    let echo = format!("Bearer {TOKEN} is not valid for this audience; token={TOKEN}");
    Mock::given(method("GET"))
        .respond_with(
            with_ids(ResponseTemplate::new(401)).set_body_json(json!({
                "error": {"code": "40001", "message": echo, "@api.url": format!("https://x/?t={TOKEN}")},
                "@api.diagnostics": [{"message": TOKEN}]
            })),
        )
        .mount(&h.server)
        .await;
    let error = h
        .client
        .me()
        .class_notebooks()
        .list()
        .send()
        .await
        .unwrap_err();
    let texts = [
        error.to_string(),
        format!("{error:?}"),
        error.message().unwrap_or_default().to_owned(),
        error.body_snippet().unwrap_or_default().to_owned(),
        format!("{:?}", error.service_error()),
    ];
    for text in &texts {
        assert!(!text.contains(TOKEN), "{text}");
    }
    assert_eq!(
        error.message(),
        Some("Bearer <redacted> is not valid for this audience; token=<redacted>")
    );
    assert!(error.body_snippet().unwrap().contains("<redacted>"));
}

#[tokio::test]
async fn display_turns_every_line_break_into_a_space() {
    let h = harness(no_jitter()).await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(error_body(
            "20102",
            "one\u{2028}two\u{2029}three\u{85}four\u{b}five\u{c}six\r\nseven",
        )))
        .mount(&h.server)
        .await;
    let error = h
        .client
        .me()
        .class_notebook("1-x")
        .get()
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "getClassNotebook: HTTP 404 Not Found, code 20102: one two three four five six  seven"
    );
}

// ---------------------------------------------------------------------------------------------
// Tokens that expire: cached, refreshed once under concurrency, one refresh on a 401.

/// Hands out `token-1`, `token-2`, … valid for an hour, after a short real delay so concurrent
/// requests overlap inside the provider.
struct ExpiringTokens {
    calls: AtomicUsize,
}

impl TokenProvider for ExpiringTokens {
    fn token(&self, _: Audience) -> TokenFuture<'_, String> {
        Box::pin(async { Err("use access_token".into()) })
    }

    fn access_token(&self, _: Audience) -> TokenFuture<'_, AccessToken> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        Box::pin(async move {
            tokio::time::sleep(Duration::from_millis(30)).await;
            Ok(AccessToken::expiring(
                format!("token-{n}"),
                std::time::SystemTime::now() + Duration::from_secs(3600),
            ))
        })
    }
}

async fn expiring_client(server: &MockServer, clock: &TestClock) -> (Client, Arc<ExpiringTokens>) {
    let tokens = Arc::new(ExpiringTokens {
        calls: AtomicUsize::new(0),
    });
    let client = Client::builder()
        .base_url(server.uri())
        .token_provider(tokens.clone())
        .retry_policy(no_jitter())
        .clock(clock.clone())
        .build()
        .unwrap();
    (client, tokens)
}

async fn list_concurrently(client: &Client, count: usize) {
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..count {
        let client = client.clone();
        tasks.spawn(async move { client.me().class_notebooks().list().send().await });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap().unwrap();
    }
}

#[tokio::test]
async fn an_expiring_token_is_fetched_once_for_concurrent_requests_and_refreshed_before_expiry() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": []})))
        .mount(&server)
        .await;
    let clock = TestClock::new();
    let (client, tokens) = expiring_client(&server, &clock).await;
    list_concurrently(&client, 40).await;
    assert_eq!(tokens.calls.load(Ordering::SeqCst), 1);
    // 54 minutes later the token is still fresh; at 55 (5 minutes before expiry) it is not.
    clock.sleep(Duration::from_secs(54 * 60)).await;
    list_concurrently(&client, 10).await;
    assert_eq!(tokens.calls.load(Ordering::SeqCst), 1);
    clock.sleep(Duration::from_secs(60)).await;
    list_concurrently(&client, 40).await;
    assert_eq!(tokens.calls.load(Ordering::SeqCst), 2);
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 90);
    let bearer = |n: &str| Some(format!("Bearer token-{n}"));
    assert!(
        sent[..50]
            .iter()
            .all(|r| header(r, "authorization") == bearer("1"))
    );
    assert!(
        sent[50..]
            .iter()
            .all(|r| header(r, "authorization") == bearer("2"))
    );
}

#[tokio::test]
async fn a_401_refreshes_the_token_and_retries_once_even_for_post() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_json(error_body("40001", "expired")))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"id": "teacher2@contoso.com", "principalType": "Person"})),
        )
        .mount(&server)
        .await;
    let clock = TestClock::new();
    let (client, tokens) = expiring_client(&server, &clock).await;
    client
        .me()
        .class_notebook("1-b68a")
        .teachers()
        .add(Principal::new(
            "teacher2@contoso.com",
            PrincipalType::Person,
        ))
        .send()
        .await
        .unwrap();
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 2);
    assert_eq!(
        header(&sent[0], "authorization").as_deref(),
        Some("Bearer token-1")
    );
    assert_eq!(
        header(&sent[1], "authorization").as_deref(),
        Some("Bearer token-2")
    );
    assert_eq!(sent[0].body, sent[1].body);
    assert_eq!(tokens.calls.load(Ordering::SeqCst), 2);
    assert!(clock.sleeps().is_empty());
}

#[tokio::test]
async fn two_401s_in_a_row_end_after_exactly_two_attempts() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            with_ids(ResponseTemplate::new(401)).set_body_json(error_body(
                "40001",
                "The request does not contain a valid authentication token.",
            )),
        )
        .mount(&server)
        .await;
    let clock = TestClock::new();
    let (client, tokens) = expiring_client(&server, &clock).await;
    let error = client
        .me()
        .class_notebooks()
        .list()
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Status);
    assert_eq!(error.status(), Some(401));
    assert_eq!(error.attempts(), 2);
    assert_eq!(
        error.to_string(),
        "listClassNotebooks: HTTP 401 Unauthorized, code 40001: The request does not contain a \
         valid authentication token. (X-CorrelationId 2b1e5c2a-7a0b-4f7e-9d8c-1a2b3c4d5e6f)"
    );
    assert_eq!(requests(&server).await.len(), 2);
    assert_eq!(tokens.calls.load(Ordering::SeqCst), 2);
}

// ---------------------------------------------------------------------------------------------
// The service's isRetriable.

#[tokio::test]
async fn is_retriable_false_stops_a_retry_and_true_allows_one_for_get() {
    let h = harness(no_jitter()).await;
    Mock::given(method("GET"))
        .and(path("/v1.0/me/notes/classNotebooks/permanent"))
        .respond_with(ResponseTemplate::new(503).set_body_json(json!({
            "error": {"code": "10002", "message": "Down for good.", "isRetriable": false}
        })))
        .mount(&h.server)
        .await;
    let error = h
        .client
        .me()
        .class_notebook("permanent")
        .get()
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.attempts(), 1);
    assert_eq!(error.service_retriable(), Some(false));
    assert!(!error.is_retryable());

    Mock::given(method("GET"))
        .and(path("/v1.0/me/notes/classNotebooks/busy"))
        .respond_with(ResponseTemplate::new(409).set_body_json(json!({
            "error": {"code": "19999", "message": "Try again.", "isRetriable": true}
        })))
        .up_to_n_times(1)
        .mount(&h.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/me/notes/classNotebooks/busy"))
        .respond_with(ResponseTemplate::new(200).set_body_json(notebook("busy")))
        .mount(&h.server)
        .await;
    let notebook = h
        .client
        .me()
        .class_notebook("busy")
        .get()
        .send()
        .await
        .unwrap();
    assert_eq!(notebook.id.as_deref(), Some("busy"));
    assert_eq!(h.clock.sleeps(), secs(&[1]));
}

// ---------------------------------------------------------------------------------------------
// Response metadata on success.

#[tokio::test]
async fn send_with_meta_returns_status_correlation_id_and_date() {
    let h = harness(no_jitter()).await;
    Mock::given(method("GET"))
        .respond_with(
            with_ids(ResponseTemplate::new(200)).set_body_json(json!({"value": [notebook("1-a")]})),
        )
        .mount(&h.server)
        .await;
    Mock::given(method("POST"))
        .respond_with(
            with_ids(ResponseTemplate::new(202))
                .insert_header("Location", OPERATIONS)
                .insert_header("Retry-After", "3"),
        )
        .mount(&h.server)
        .await;
    let page = h
        .client
        .me()
        .class_notebooks()
        .list()
        .send_with_meta()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.correlation_id(), Some(CORRELATION));
    assert_eq!(page.date(), Some(DATE));
    assert_eq!(page.attempts(), 1);
    assert_eq!(page.value.value[0].id.as_deref(), Some("1-a"));

    let accepted = h
        .client
        .me()
        .class_notebooks()
        .create(CreateClassNotebook::new("Math 101"))
        .respond_async()
        .send_with_meta()
        .await
        .unwrap();
    assert_eq!(accepted.status(), 202);
    assert_eq!(accepted.correlation_id(), Some(CORRELATION));
    assert_eq!(accepted.retry_after(), Some(Duration::from_secs(3)));
    assert_eq!(
        accepted.value.location(),
        format!("{}{OPERATIONS}", h.server.uri())
    );
}

// ---------------------------------------------------------------------------------------------
// Operation handles: awaitable, a stream of updates, both families.

const COPY_STATUS: &str = "/v1.0/me/notes/operations/copy-7c1e";

#[tokio::test]
async fn a_copy_operation_location_streams_its_updates_until_completed() {
    let h = harness(no_jitter()).await;
    let accepted =
        OperationHandle::from_location(&h.client, &format!("{}{COPY_STATUS}", h.server.uri()))
            .unwrap();
    for (status, percent) in [("NotStarted", "0"), ("Running", "50")] {
        Mock::given(method("GET"))
            .and(path(COPY_STATUS))
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"id": "copy-7c1e", "status": status, "percentComplete": percent}),
            ))
            .up_to_n_times(1)
            .mount(&h.server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path(COPY_STATUS))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "copy-7c1e", "status": "Completed", "percentComplete": "100",
            "resourceLocation": "https://www.onenote.com/api/v1.0/me/notes/sections/1-new",
            "resourceId": "1-new"
        })))
        .mount(&h.server)
        .await;
    let mut updates = accepted.updates();
    let mut seen = Vec::new();
    while let Some(update) = updates.next_update().await {
        let model = update.unwrap();
        seen.push((model.status.clone(), model.percent_complete.clone()));
    }
    assert_eq!(
        seen,
        [
            (Some(OperationStatus::NotStarted), Some("0".to_owned())),
            (Some(OperationStatus::Running), Some("50".to_owned())),
            (Some(OperationStatus::Completed), Some("100".to_owned())),
        ]
    );
    assert!(updates.next_update().await.is_none());
    assert_eq!(h.clock.sleeps(), secs(&[1, 2]));
    // Awaiting the handle waits the same way (the server now answers Completed at once).
    let done = accepted.await.unwrap();
    assert_eq!(done.resource_id.as_deref(), Some("1-new"));
}

#[tokio::test]
async fn a_202_with_operation_location_is_polled_there() {
    let h = harness(no_jitter()).await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(202)
                .insert_header(
                    "Operation-Location",
                    format!("{}{COPY_STATUS}", h.server.uri()),
                )
                .insert_header("Location", "/v1.0/elsewhere"),
        )
        .mount(&h.server)
        .await;
    Mock::given(method("GET"))
        .and(path(COPY_STATUS))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "status": "Failed", "error": {"code": "20156", "message": "The destination does not exist."}
        })))
        .mount(&h.server)
        .await;
    let handle = h
        .client
        .me()
        .class_notebooks()
        .create(CreateClassNotebook::new("Math 101"))
        .respond_async()
        .send()
        .await
        .unwrap();
    assert_eq!(
        handle.location(),
        format!("{}{COPY_STATUS}", h.server.uri())
    );
    let mut updates = handle.updates();
    let last = updates.next_update().await.unwrap().unwrap();
    assert_eq!(last.status, Some(OperationStatus::Failed));
    assert!(updates.next_update().await.is_none());
    let error = handle.await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::OperationFailed);
    assert_eq!(error.code(), Some(ErrorCode::DestinationNotFound));
}
