//! Wire tests for page content: reading it as HTML, creating pages from HTML alone and from
//! multipart (`PageContent`), creating in the default notebook with `sectionName`, the `$top`
//! limit of the page lists, and downloading a page's images and files (`resources/{id}/$value`),
//! whole or streamed (the streamed ones partly against a scripted server on 127.0.0.1, which
//! can hold a body back or cut it short).
//!
//! The page bodies follow Microsoft Graph's "Create page" and "Get page" examples; the HTML is
//! this project's own, in the shape "Get OneNote content and structure" describes (generated
//! `id`s with `includeIDs=true`, images as resource URLs).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use onenote_api::{ByteStream, Bytes, ErrorKind, PageContent, RetryPolicy};
use serde_json::json;
use tests::wire::{
    ExpectedBytes, TOKEN, assert_bytes_request, client, only_request, server_answering,
};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const PAGE: &str = "1-126bc4155684422c827e1682b1e5f2ed!62-3a2cebc9-3121-4162-b84a-07e61671e653";
const PAGE_PATH: &str = "/v1.0/me/notes/pages/1-126bc4155684422c827e1682b1e5f2ed%2162-3a2cebc9-3121-4162-b84a-07e61671e653";
const SECTION: &str = "1-0bc35248-e4e2-4759-ad85-89407bceccfe";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

/// Graph's "Create page" response example.
fn created_page() -> serde_json::Value {
    json!({
        "title": "title-value",
        "createdByAppId": "createdByAppId-value",
        "links": {
            "oneNoteClientUrl": { "href": "href-value" },
            "oneNoteWebUrl": { "href": "href-value" }
        },
        "contentUrl": "contentUrl-value",
        "lastModifiedDateTime": "2016-10-19T10:37:00Z"
    })
}

const HANDOUT: &str = "<!DOCTYPE html>\n<html>\n  <head>\n    <title>Fractions handout</title>\n    \
                       <meta name=\"created\" content=\"2015-07-22T09:00:00-08:00\" />\n  </head>\n  \
                       <body>\n    <p>Shade three quarters of the circle.</p>\n    \
                       <img src=\"name:part1\" alt=\"a circle\" width=\"300\" />\n  </body>\n</html>";

#[tokio::test]
async fn page_content_is_html_returned_as_sent_never_parsed() {
    // Not JSON in any way: a parse attempt would fail, and the text must come back unchanged.
    let html = "<html lang=\"en-US\">\n<head>\n<title>Fractions handout</title>\n\
                <meta name=\"created\" content=\"2015-07-22T09:00:00.0000000\" />\n</head>\n\
                <body data-absolute-enabled=\"true\">\n\
                <div id=\"div:{33f8a242-7c33-4bb2-90c5-8425a68cc5bf}{14}\" data-id=\"_default\">\n\
                <p id=\"p:{33f8a242-7c33-4bb2-90c5-8425a68cc5bf}{40}\">Shade three quarters</p>\n\
                <img src=\"https://www.onenote.com/api/v1.0/me/notes/resources/0-8a$value\" />\n\
                </div>\n</body>\n</html>";
    let server = server_answering(
        ResponseTemplate::new(200).set_body_raw(html.as_bytes().to_vec(), "text/html"),
    )
    .await;

    let content = client(&server)
        .me()
        .page(PAGE)
        .content()
        .include_ids(true)
        .send()
        .await
        .unwrap();

    assert_eq!(content, html);
    assert_bytes_request(
        &only_request(&server).await,
        ExpectedBytes {
            method: "GET",
            target: &format!("{PAGE_PATH}/content?includeIDs=true"),
            accept: "text/html",
            content_type: None,
            body: b"",
        },
    );
}

#[tokio::test]
async fn a_page_from_html_alone_is_sent_as_text_html() {
    let server = server_answering(ResponseTemplate::new(201).set_body_json(created_page())).await;

    let page = client(&server)
        .me()
        .section(SECTION)
        .pages()
        .create(PageContent::html(HANDOUT))
        .send()
        .await
        .unwrap();

    assert_bytes_request(
        &only_request(&server).await,
        ExpectedBytes {
            method: "POST",
            target: &format!("/v1.0/me/notes/sections/{SECTION}/pages"),
            accept: "application/json",
            content_type: Some("text/html"),
            body: HANDOUT.as_bytes(),
        },
    );
    assert_eq!(page.title.as_deref(), Some("title-value"));
    assert_eq!(page.content_url.as_deref(), Some("contentUrl-value"));
    assert_eq!(
        page.links
            .and_then(|links| links.one_note_web_url)
            .and_then(|link| link.href)
            .as_deref(),
        Some("href-value")
    );
}

/// The multipart body of `HANDOUT` with `PNG` as `part1`, boundary included: the boundary is
/// derived from the content, so it is the same on every run and every retry.
const BOUNDARY: &str = "onenote-98c3d7fbd632880b";

fn handout_multipart() -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"Presentation\"\r\n\
             Content-Type: text/html\r\n\r\n{HANDOUT}\r\n--{BOUNDARY}\r\n\
             Content-Disposition: form-data; name=\"part1\"\r\nContent-Type: image/png\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(PNG);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

#[tokio::test]
async fn a_page_with_an_image_is_multipart_with_crlf_framing() {
    let server = server_answering(ResponseTemplate::new(201).set_body_json(created_page())).await;

    client(&server)
        .me()
        .section(SECTION)
        .pages()
        .create(PageContent::html(HANDOUT).image("part1", PNG, "image/png"))
        .send()
        .await
        .unwrap();

    assert_bytes_request(
        &only_request(&server).await,
        ExpectedBytes {
            method: "POST",
            target: &format!("/v1.0/me/notes/sections/{SECTION}/pages"),
            accept: "application/json",
            content_type: Some(&format!("multipart/form-data; boundary={BOUNDARY}")),
            body: &handout_multipart(),
        },
    );
}

#[tokio::test]
async fn a_retried_multipart_create_resends_identical_bytes() {
    let server = MockServer::start().await;
    // A 429 proves the create was not processed (a 503 does not: a page create repeated after
    // one that worked makes a second page, so the client never repeats it).
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(created_page()))
        .mount(&server)
        .await;
    let client = onenote_api::Client::builder()
        .base_url(server.uri())
        .bearer_token(TOKEN)
        .retry_policy(RetryPolicy::new().jitter(false))
        .build()
        .unwrap();

    let page = client
        .me()
        .section(SECTION)
        .pages()
        .create(PageContent::html(HANDOUT).image("part1", PNG, "image/png"))
        .send()
        .await
        .unwrap();

    assert_eq!(page.title.as_deref(), Some("title-value"));
    let sent = server.received_requests().await.unwrap();
    assert_eq!(sent.len(), 2, "one 429, one retry");
    for request in &sent {
        assert_bytes_request(
            request,
            ExpectedBytes {
                method: "POST",
                target: &format!("/v1.0/me/notes/sections/{SECTION}/pages"),
                accept: "application/json",
                content_type: Some(&format!("multipart/form-data; boundary={BOUNDARY}")),
                body: &handout_multipart(),
            },
        );
    }
}

#[tokio::test]
async fn section_name_creates_in_the_default_notebook() {
    // Graph's "Create page" example path: `../onenote/pages?sectionName=My%20section`.
    let server = server_answering(ResponseTemplate::new(201).set_body_json(created_page())).await;

    client(&server)
        .me()
        .all_pages()
        .create(PageContent::html("<p>Hi</p>"))
        .section_name("My section")
        .send()
        .await
        .unwrap();

    assert_bytes_request(
        &only_request(&server).await,
        ExpectedBytes {
            method: "POST",
            target: "/v1.0/me/notes/pages?sectionName=My%20section",
            accept: "application/json",
            content_type: Some("text/html"),
            body: b"<p>Hi</p>",
        },
    );
}

#[tokio::test]
async fn part_names_must_be_unique_before_anything_is_sent() {
    let server = server_answering(ResponseTemplate::new(201)).await;

    let error = client(&server)
        .me()
        .section(SECTION)
        .pages()
        .create(
            PageContent::html(HANDOUT)
                .image("part1", PNG, "image/png")
                .file("PART1", &b"%PDF-1.4"[..], "application/pdf"),
        )
        .send()
        .await
        .unwrap_err();

    assert_eq!(error.kind(), ErrorKind::InvalidRequest);
    assert!(
        error.to_string().contains(
            "parts \"part1\" and \"PART1\" have the same name (ignoring case): rename one"
        ),
        "{error}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_part_over_25_mb_is_refused_before_sending() {
    let server = server_answering(ResponseTemplate::new(201)).await;
    let too_big = vec![0u8; 25 * 1024 * 1024 + 1];

    let error = client(&server)
        .me()
        .section(SECTION)
        .pages()
        .create(PageContent::html(HANDOUT).file("video", too_big, "video/mp4"))
        .send()
        .await
        .unwrap_err();

    assert_eq!(error.kind(), ErrorKind::InvalidRequest);
    assert!(
        error.to_string().contains(
            "part \"video\" is 26214401 bytes; the service takes at most 26214400 bytes per part"
        ),
        "{error}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn top_over_100_on_page_lists_is_refused_before_sending() {
    let server = server_answering(ResponseTemplate::new(200)).await;
    let client = client(&server);

    let in_section = client
        .me()
        .section(SECTION)
        .pages()
        .list()
        .top(101)
        .send()
        .await
        .unwrap_err();
    let everywhere = client.me().all_pages().list().top(500).send().await;

    assert_eq!(in_section.kind(), ErrorKind::InvalidRequest);
    assert_eq!(
        in_section.to_string(),
        "listPages: `$top` is 101; it takes at most 100"
    );
    // The code the service answers a larger `$top` with (Graph "List pages": error 20129).
    assert_eq!(in_section.code(), Some(onenote_api::ErrorCode::TopTooHigh));
    assert_eq!(
        everywhere.unwrap_err().kind(),
        ErrorKind::InvalidRequest,
        "listAllPages has the same limit"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn top_of_100_is_sent() {
    let server =
        server_answering(ResponseTemplate::new(200).set_body_json(json!({ "value": [] }))).await;

    client(&server)
        .me()
        .section(SECTION)
        .pages()
        .list()
        .top(100)
        .send()
        .await
        .unwrap();

    assert_eq!(only_request(&server).await.url.query(), Some("$top=100"));
}

#[tokio::test]
async fn a_page_file_downloads_as_bytes_from_its_value() {
    let server =
        server_answering(ResponseTemplate::new(200).set_body_raw(PNG.to_vec(), "image/png")).await;

    let bytes = client(&server)
        .me()
        .page_file("0-8a9e8b8e1a2b4c3d!1-34F3F3A4C8A1A9D2!172")
        .content()
        .send()
        .await
        .unwrap();

    assert_eq!(&bytes[..], PNG);
    assert_bytes_request(
        &only_request(&server).await,
        ExpectedBytes {
            method: "GET",
            target: "/v1.0/me/notes/resources/0-8a9e8b8e1a2b4c3d%211-34F3F3A4C8A1A9D2%21172/$value",
            accept: "*/*",
            content_type: None,
            body: b"",
        },
    );
}

#[tokio::test]
async fn a_hostile_resource_id_stays_in_its_segment_before_value() {
    let server =
        server_answering(ResponseTemplate::new(200).set_body_raw(b"x".to_vec(), "image/png")).await;

    client(&server)
        .me()
        .page_file("../../pages/x?$top=1#y")
        .content()
        .send()
        .await
        .unwrap();

    let request = only_request(&server).await;
    assert_eq!(
        request.url.path(),
        "/v1.0/me/notes/resources/..%2F..%2Fpages%2Fx%3F%24top%3D1%23y/$value"
    );
    assert_eq!(request.url.query(), None);
}

#[tokio::test]
async fn a_page_file_larger_than_max_bytes_is_refused() {
    let server = server_answering(
        ResponseTemplate::new(200).set_body_raw(vec![7u8; 4096], "application/pdf"),
    )
    .await;

    let error = client(&server)
        .me()
        .page_file("0-1")
        .content()
        .max_bytes(1024)
        .send()
        .await
        .unwrap_err();

    assert_eq!(error.kind(), ErrorKind::Decode);
    assert!(
        error
            .to_string()
            .contains("the body is larger than 1024 bytes"),
        "{error}"
    );
}

#[tokio::test]
async fn a_page_file_within_max_bytes_is_returned_whole() {
    let server = server_answering(
        ResponseTemplate::new(200).set_body_raw(vec![7u8; 1024], "application/pdf"),
    )
    .await;

    let bytes = client(&server)
        .me()
        .page_file("0-1")
        .content()
        .max_bytes(1024)
        .send()
        .await
        .unwrap();

    assert_eq!(bytes.len(), 1024);
}

/// A page file that several reads deliver: 2 MiB of a repeating pattern.
fn large_file() -> Vec<u8> {
    (0..2 * 1024 * 1024).map(|i| (i % 251) as u8).collect()
}

/// Reads every chunk of `stream`, stopping at the first error.
async fn chunks_of(stream: &mut ByteStream) -> (Vec<Bytes>, Option<onenote_api::Error>) {
    let mut chunks = Vec::new();
    while let Some(chunk) = stream.next_chunk().await {
        match chunk {
            Ok(chunk) => chunks.push(chunk),
            Err(error) => return (chunks, Some(error)),
        }
    }
    (chunks, None)
}

#[tokio::test]
async fn a_page_file_streams_as_chunks_that_make_up_the_file() {
    let file = large_file();
    let server =
        server_answering(ResponseTemplate::new(200).set_body_raw(file.clone(), "image/png")).await;

    let response = client(&server)
        .me()
        .page_file("0-8a9e8b8e1a2b4c3d!1-34F3F3A4C8A1A9D2!172")
        .content()
        .send_stream()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(response.header("content-type"), Some("image/png"));
    let mut stream = response.into_value();
    let (chunks, error) = chunks_of(&mut stream).await;
    assert!(error.is_none(), "{error:?}");
    assert!(chunks.len() > 1, "one chunk of {} bytes", file.len());
    assert_eq!(chunks.concat(), file);
    assert_eq!(stream.received(), file.len());
    assert!(stream.next_chunk().await.is_none(), "a chunk after the end");
    assert_bytes_request(
        &only_request(&server).await,
        ExpectedBytes {
            method: "GET",
            target: "/v1.0/me/notes/resources/0-8a9e8b8e1a2b4c3d%211-34F3F3A4C8A1A9D2%21172/$value",
            accept: "*/*",
            content_type: None,
            body: b"",
        },
    );
}

#[tokio::test]
async fn a_page_file_announced_over_max_bytes_fails_before_streaming() {
    let server = server_answering(
        ResponseTemplate::new(200).set_body_raw(vec![7u8; 4096], "application/pdf"),
    )
    .await;

    let error = client(&server)
        .me()
        .page_file("0-1")
        .content()
        .max_bytes(1024)
        .send_stream()
        .await
        .unwrap_err();

    assert_eq!(error.kind(), ErrorKind::Decode);
    assert!(
        error
            .to_string()
            .starts_with("getPageFileContent: could not decode the HTTP 200 response body: the body is larger than 1024 bytes"),
        "{error}"
    );
}

/// A server on 127.0.0.1 that answers its connections, one after another, with `answers`:
/// each gets the request read, then the answer's parts written with a flush between them
/// (`Part::Wait` holds the rest until the test says go). Returns the base URL and the
/// server, which counts every connection made to it.
fn scripted_server(answers: Vec<Vec<Part>>) -> (String, ScriptedServer) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (go, wait) = mpsc::channel::<()>();
    let (count_tx, count_rx) = mpsc::channel::<()>();
    let (counted_tx, counted_rx) = mpsc::channel::<usize>();
    let waited_out = Arc::new(AtomicBool::new(false));
    let flag = waited_out.clone();
    std::thread::spawn(move || {
        let mut connections = 0;
        for answer in answers {
            let Ok((mut stream, _)) = listener.accept() else {
                return;
            };
            connections += 1;
            read_request_head(&mut stream);
            for part in answer {
                match part {
                    Part::Bytes(bytes) => {
                        let _ = stream.write_all(&bytes);
                        let _ = stream.flush();
                    }
                    Part::Wait => {
                        if wait.recv_timeout(Duration::from_secs(10)).is_err() {
                            flag.store(true, Ordering::SeqCst);
                        }
                    }
                }
            }
            // Dropping the stream closes the connection: a body cut short if it promised more.
        }
        // Asked for the count: any connection made since is already in the backlog.
        if count_rx.recv().is_ok() {
            listener.set_nonblocking(true).unwrap();
            while listener.accept().is_ok() {
                connections += 1;
            }
            let _ = counted_tx.send(connections);
        }
    });
    let server = ScriptedServer {
        go,
        count: count_tx,
        counted: counted_rx,
        waited_out,
    };
    (base, server)
}

enum Part {
    Bytes(Vec<u8>),
    /// Send nothing more until [`ScriptedServer::go`] (or 10 s, noted in `waited_out`).
    Wait,
}

struct ScriptedServer {
    go: mpsc::Sender<()>,
    count: mpsc::Sender<()>,
    counted: mpsc::Receiver<usize>,
    waited_out: Arc<AtomicBool>,
}

impl ScriptedServer {
    /// Lets a waiting answer go on.
    fn go(&self) {
        self.go.send(()).unwrap();
    }

    /// How many connections were made, once every scripted answer was given.
    fn connections(&self) -> usize {
        self.count.send(()).unwrap();
        self.counted.recv_timeout(Duration::from_secs(10)).unwrap()
    }

    /// Whether a `Wait` ran out of time instead of being let go.
    fn waited_out(&self) -> bool {
        self.waited_out.load(Ordering::SeqCst)
    }
}

fn read_request_head(stream: &mut TcpStream) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).is_ok_and(|n| n == 1) {
        head.push(byte[0]);
    }
}

fn part(text: &str) -> Part {
    Part::Bytes(text.as_bytes().to_vec())
}

/// A chunk of `Transfer-Encoding: chunked` framing holding `bytes`.
fn chunk(bytes: &[u8]) -> Part {
    let mut framed = format!("{:x}\r\n", bytes.len()).into_bytes();
    framed.extend_from_slice(bytes);
    framed.extend_from_slice(b"\r\n");
    Part::Bytes(framed)
}

fn client_for(base: &str, retry: RetryPolicy) -> onenote_api::Client {
    onenote_api::Client::builder()
        .base_url(base)
        .bearer_token(TOKEN)
        .retry_policy(retry)
        .build()
        .unwrap()
}

/// Retries every idempotent failure at once: only what the client decides not to retry is not.
fn retry_at_once() -> RetryPolicy {
    RetryPolicy::new()
        .max_attempts(3)
        .initial_backoff(Duration::from_millis(1))
        .jitter(false)
}

const CHUNKED_PDF: &str = "HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\n\
                           Transfer-Encoding: chunked\r\n\r\n";

#[tokio::test]
async fn streamed_chunks_arrive_before_the_rest_of_the_file_is_sent() {
    let (base, server) = scripted_server(vec![vec![
        part(CHUNKED_PDF),
        chunk(&[1u8; 1000]),
        Part::Wait,
        chunk(&[2u8; 1000]),
        part("0\r\n\r\n"),
    ]]);

    let mut stream = client_for(&base, RetryPolicy::none())
        .me()
        .page_file("0-1")
        .content()
        .send_stream()
        .await
        .unwrap()
        .into_value();
    let mut first = Vec::new();
    while first.len() < 1000 {
        first.extend_from_slice(&stream.next_chunk().await.unwrap().unwrap());
    }
    server.go();
    let (rest, error) = chunks_of(&mut stream).await;

    assert!(
        !server.waited_out(),
        "the first chunk came only with the whole body"
    );
    assert!(error.is_none(), "{error:?}");
    assert_eq!(first, [1u8; 1000]);
    assert_eq!(rest.concat(), [2u8; 1000]);
}

#[tokio::test]
async fn a_streamed_page_file_over_max_bytes_ends_with_the_decode_error_mid_stream() {
    // Chunked, so no Content-Length tells the size in advance.
    let (base, server) = scripted_server(vec![vec![
        part(CHUNKED_PDF),
        chunk(&[1u8; 600]),
        chunk(&[2u8; 600]),
        part("0\r\n\r\n"),
    ]]);

    let mut stream = client_for(&base, retry_at_once())
        .me()
        .page_file("0-1")
        .content()
        .max_bytes(1024)
        .send_stream()
        .await
        .unwrap()
        .into_value();
    let (chunks, error) = chunks_of(&mut stream).await;

    assert_eq!(
        chunks.concat(),
        [1u8; 600],
        "only the bytes within the limit"
    );
    let error = error.expect("the second chunk passes the limit");
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(
        error.to_string(),
        "getPageFileContent: could not decode the HTTP 200 response body: the body is larger \
         than 1024 bytes"
    );
    assert!(
        stream.next_chunk().await.is_none(),
        "a chunk after the error"
    );
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn a_body_cut_short_after_bytes_were_yielded_is_not_retried() {
    let (base, server) = scripted_server(vec![
        // Closed before any answer: retried, as for `send`.
        vec![],
        // 400 of the 1000 bytes promised, then closed.
        vec![
            part(
                "HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\nContent-Length: 1000\r\n\r\n",
            ),
            Part::Bytes(vec![3u8; 400]),
        ],
    ]);

    let response = client_for(&base, retry_at_once())
        .me()
        .page_file("0-1")
        .content()
        .send_stream()
        .await
        .unwrap();
    assert_eq!(response.attempts(), 2);
    let mut stream = response.into_value();
    let (chunks, error) = chunks_of(&mut stream).await;

    assert_eq!(chunks.concat(), [3u8; 400]);
    let error = error.expect("the body ends early");
    assert_eq!(error.kind(), ErrorKind::Transport);
    assert!(
        error
            .to_string()
            .starts_with("getPageFileContent: request failed: "),
        "{error}"
    );
    assert!(
        stream.next_chunk().await.is_none(),
        "a chunk after the error"
    );
    assert_eq!(server.connections(), 2, "the cut body was asked for again");
}
