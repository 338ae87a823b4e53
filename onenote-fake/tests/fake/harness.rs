//! The fake's test harness: a fake on a manual clock, clients, raw HTTP on the wire.

#![allow(dead_code)] // each test module uses its own part of it

use std::time::{Duration, SystemTime};

use onenote_api::{Client, Principal, PrincipalType, RetryPolicy};
use onenote_fake::{FakeOneNote, FakeOneNoteBuilder, ManualClock};

pub const TEACHER: &str = "teacher1@contoso.com";
pub const TEACHER2: &str = "teacher2@contoso.com";
pub const ADMIN: &str = "admin@contoso.com";
pub const STUDENTS: [&str; 4] = [
    "student1@contoso.com",
    "student2@contoso.com",
    "student3@contoso.com",
    "student4@contoso.com",
];
/// The demo tenant's group (the documents' id).
pub const GROUP: &str = "1d13f814-83e5-4c11-8294-53bf40defd91";
/// The demo tenant's "Fractions" section and its quiz page (the documents' ids).
pub const FRACTIONS: &str = "1-85ba33b1-4959-4102-8dcd-d98e4e56e56f";
pub const QUIZ: &str = "1-b168ad794f2f469b8de2696dd737d2b3!69-d39b2f49-a8fc-4c92-894b-32a4c27595bb";

/// 2018-02-25T23:17:16Z, a date of the documents' examples.
pub fn epoch() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_519_600_636)
}

/// A builder with the demo tenant, a manual clock and a fixed start time.
pub fn builder(clock: &ManualClock) -> FakeOneNoteBuilder {
    FakeOneNote::builder()
        .clock(clock.clone())
        .start_time(epoch())
}

/// A started fake and its clock.
pub async fn start() -> (FakeOneNote, ManualClock) {
    let clock = ManualClock::new();
    let fake = builder(&clock).start().await.expect("the fake starts");
    (fake, clock)
}

/// The fake's client for `upn` (made once per user, default retry policy: 4xx answers are
/// not retried).
pub fn client(fake: &FakeOneNote, upn: &str) -> Client {
    fake.client_for(upn).expect("a client")
}

/// A new client for `upn` that neither retries nor paces itself, so every request goes out
/// when asked (building one takes tens of milliseconds).
pub fn bare_client(fake: &FakeOneNote, upn: &str) -> Client {
    fake.client_builder_for(upn)
        .retry_policy(RetryPolicy::none())
        .pacing(onenote_api::Pacing::off())
        .build()
        .expect("a client")
}

pub fn person(upn: &str) -> Principal {
    Principal::new(upn, PrincipalType::Person)
}

/// An answer read off the wire by [`raw`].
#[derive(Debug)]
pub struct RawResponse {
    /// 0 when the connection closed without an answer.
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// Sends exactly these bytes to the fake on one connection and reads the answer until the
/// fake closes it. For requests no client library would send.
pub async fn raw_bytes(fake: &FakeOneNote, request: &[u8]) -> RawResponse {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(fake.addr())
        .await
        .expect("connect");
    // The fake may answer (413) and close before reading all of a large body.
    let _ = stream.write_all(request).await;
    let mut received = Vec::new();
    let read = stream.read_to_end(&mut received);
    let _ = tokio::time::timeout(Duration::from_secs(10), read).await;
    parse_response(&received)
}

fn parse_response(bytes: &[u8]) -> RawResponse {
    let Some(split) = bytes.windows(4).position(|w| w == b"\r\n\r\n") else {
        return RawResponse {
            status: 0,
            headers: Vec::new(),
            body: Vec::new(),
        };
    };
    let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    RawResponse {
        status,
        headers,
        body: bytes[split + 4..].to_vec(),
    }
}

/// Sends `method target` (a path from the server root, e.g. `/api/v1.0/me/notes/…`) with
/// these headers and body, `Connection: close`.
pub async fn raw(
    fake: &FakeOneNote,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> RawResponse {
    let mut request = format!(
        "{method} {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
        fake.addr()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut bytes = request.into_bytes();
    bytes.extend_from_slice(body);
    raw_bytes(fake, &bytes).await
}

/// `raw` as `upn`, with a JSON body when given; the path is under the fake's `/api`.
pub async fn send(
    fake: &FakeOneNote,
    method: &str,
    path: &str,
    upn: &str,
    body: Option<serde_json::Value>,
) -> RawResponse {
    let auth = bearer(upn);
    let text = body.map(|b| b.to_string()).unwrap_or_default();
    let mut headers = vec![("Authorization", auth.as_str())];
    if !text.is_empty() {
        headers.push(("Content-Type", "application/json"));
    }
    raw(
        fake,
        method,
        &format!("/api{path}"),
        &headers,
        text.as_bytes(),
    )
    .await
}

/// Whether `text` has the shape of a GUID (8-4-4-4-12 hex digits).
pub fn is_guid(text: &str) -> bool {
    let lengths: Vec<usize> = text.split('-').map(str::len).collect();
    lengths == [8, 4, 4, 4, 12] && text.bytes().all(|b| b == b'-' || b.is_ascii_hexdigit())
}

/// `Bearer fake:{upn}`.
pub fn bearer(upn: &str) -> String {
    format!("Bearer {}", FakeOneNote::token_for(upn))
}

/// Creates a class notebook as teacher1 at `me` with these students; returns its id.
pub async fn class_notebook(fake: &FakeOneNote, name: &str, students: &[&str]) -> String {
    let mut body = onenote_api::CreateClassNotebook::new(name)
        .with_student_sections(vec!["Homework".to_owned()])
        .with_teachers(vec![person(TEACHER)]);
    // "One or more" students (001): none is said by leaving the list out.
    if !students.is_empty() {
        body = body.with_students(students.iter().map(|s| person(s)).collect());
    }
    client(fake, TEACHER)
        .me()
        .class_notebooks()
        .create(body)
        .send()
        .await
        .expect("the class notebook is created")
        .id
        .expect("with an id")
}

/// Every item of a stream (panics on an error item).
pub async fn collect<T>(mut stream: onenote_api::ItemStream<T>) -> Vec<T>
where
    T: serde::de::DeserializeOwned + Send + 'static,
{
    use futures_core::Stream;
    let mut items = Vec::new();
    while let Some(item) =
        std::future::poll_fn(|cx| std::pin::Pin::new(&mut stream).poll_next(cx)).await
    {
        items.push(item.expect("every page"));
    }
    items
}
