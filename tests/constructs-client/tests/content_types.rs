//! The fixture client's content types on the wire: the exact bytes of text and multipart
//! requests (boundary included), a retry resending them unchanged, multipart rules checked
//! before anything is sent, and text and bytes responses returned as they came.

use constructs_client::{Attendee, Client, ErrorKind, Multipart, RetryPolicy, StaticToken};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "fixture-token";

async fn server(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .token_provider(StaticToken::new(TOKEN))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap_or_else(|e| panic!("client: {e}"))
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

fn header(request: &Request, name: &str) -> Option<String> {
    request
        .headers
        .get(name)
        .map(|v| v.to_str().unwrap_or("<not text>").to_owned())
}

fn target(request: &Request) -> String {
    match request.url.query() {
        Some(query) => format!("{} {}?{query}", request.method, request.url.path()),
        None => format!("{} {}", request.method, request.url.path()),
    }
}

/// Asserts bytes are equal, showing them as escaped text when they are not.
fn assert_bytes(sent: &[u8], expected: &[u8]) {
    assert!(
        sent == expected,
        "sent:\n{}\nexpected:\n{}",
        sent.escape_ascii(),
        expected.escape_ascii()
    );
}

fn handout() -> Multipart {
    Multipart::new()
        .html(
            "Presentation",
            "<html><body><p>Fractions</p><img src=\"name:figure1\"/></body></html>",
        )
        .binary("figure1", &b"\x89PNG\r\n\x1a\n"[..], "image/png")
}

/// What `handout()` encodes to, boundary and all.
const HANDOUT_BOUNDARY: &str = "onenote-bdfd779bb12e231e";

fn handout_bytes(boundary: &str) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\n\
             Content-Disposition: form-data; name=\"Presentation\"\r\n\
             Content-Type: text/html\r\n\
             \r\n\
             <html><body><p>Fractions</p><img src=\"name:figure1\"/></body></html>\r\n\
             --{boundary}\r\n\
             Content-Disposition: form-data; name=\"figure1\"\r\n\
             Content-Type: image/png\r\n\
             \r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(b"\x89PNG\r\n\x1a\n");
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    body
}

#[tokio::test]
async fn a_multipart_request_is_sent_byte_for_byte() {
    let server = server(ResponseTemplate::new(201).set_body_string(r#"["p1","p2"]"#)).await;
    let ids = client(&server)
        .school("north", 3)
        .lesson("algebra 1")
        .create_handout(handout())
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ids, ["p1", "p2"], "a plain JSON array response");
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 1);
    let request = &sent[0];
    assert_eq!(
        target(request),
        "POST /preview/schools/north/campus/3/notes/lessons/algebra%201/handouts"
    );
    assert_eq!(
        header(request, "content-type").as_deref(),
        Some(format!("multipart/form-data; boundary={HANDOUT_BOUNDARY}").as_str())
    );
    assert_eq!(
        header(request, "accept").as_deref(),
        Some("application/json")
    );
    assert_bytes(&request.body, &handout_bytes(HANDOUT_BOUNDARY));
}

#[tokio::test]
async fn a_retried_multipart_request_resends_identical_bytes() {
    let server = MockServer::start().await;
    Mock::given(any())
        // A 429 proves the POST was not processed, so the client sends it again.
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(201).set_body_string("[]"))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .token_provider(StaticToken::new(TOKEN))
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    client
        .me()
        .lesson("l1")
        .create_handout(handout())
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 2, "the 429 is retried once");
    assert_bytes(&sent[0].body, &handout_bytes(HANDOUT_BOUNDARY));
    assert_bytes(&sent[1].body, &sent[0].body);
    assert_eq!(
        header(&sent[1], "content-type"),
        header(&sent[0], "content-type")
    );
}

#[tokio::test]
async fn a_multipart_body_that_breaks_the_spec_is_refused_before_sending() {
    let server = server(ResponseTemplate::new(201).set_body_string("[]")).await;
    let client = client(&server);
    let cases = [
        (
            Multipart::new().binary("figure1", &b"1"[..], "image/png"),
            "createHandout: invalid multipart body: the request needs a part named \
             \"Presentation\" (text/html): add it",
        ),
        (
            Multipart::new()
                .html("Presentation", "<p/>")
                .json("Metadata", &"not an attendee")
                .text("metadata", "text/plain", "again"),
            "createHandout: invalid multipart body: parts \"Metadata\" and \"metadata\" have the \
             same name (ignoring case): rename one",
        ),
        (
            Multipart::new().text("Presentation", "text/plain", "<p/>"),
            "createHandout: invalid multipart body: part \"Presentation\" must be text/html, not \
             text/plain",
        ),
    ];
    for (body, message) in cases {
        let error = client
            .me()
            .lesson("l1")
            .create_handout(body)
            .send()
            .await
            .err()
            .unwrap_or_else(|| panic!("{message}: was sent"));
        assert_eq!(error.kind(), ErrorKind::InvalidRequest);
        assert_eq!(error.to_string(), message);
        assert_eq!(error.attempts(), 0);
    }
    assert!(requests(&server).await.is_empty(), "nothing was sent");
}

#[tokio::test]
async fn an_oversized_binary_part_is_refused_before_sending() {
    let server = server(ResponseTemplate::new(201).set_body_string("[]")).await;
    let big = vec![0u8; 26_214_401];
    let error = client(&server)
        .me()
        .lesson("l1")
        .create_handout(Multipart::new().html("Presentation", "<p/>").binary(
            "video",
            big,
            "video/mp4",
        ))
        .send()
        .await
        .err()
        .unwrap_or_else(|| panic!("was sent"));
    assert_eq!(
        error.to_string(),
        "createHandout: invalid multipart body: part \"video\" is 26214401 bytes; the service \
         takes at most 26214400 bytes per part"
    );
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn a_text_body_is_sent_as_its_media_type() {
    let server = server(ResponseTemplate::new(204)).await;
    client(&server)
        .me()
        .lesson("l1")
        .replace_summary("<p>Fractions &amp; decimals</p>")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let sent = requests(&server).await;
    assert_eq!(
        target(&sent[0]),
        "PATCH /preview/me/notes/lessons/l1/summary"
    );
    assert_eq!(
        header(&sent[0], "content-type").as_deref(),
        Some("text/html")
    );
    assert_eq!(sent[0].body, b"<p>Fractions &amp; decimals</p>");
}

#[tokio::test]
async fn a_json_array_body_is_a_json_array() {
    let server = server(ResponseTemplate::new(204)).await;
    let anna = Attendee::default().with_name("Anna").with_present(true);
    client(&server)
        .me()
        .lesson("l1")
        .update_attendance(vec![anna, Attendee::default()])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let sent = requests(&server).await;
    assert_eq!(
        header(&sent[0], "content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(sent[0].body, br#"[{"name":"Anna","present":true},{}]"#);
}

#[tokio::test]
async fn a_text_response_is_returned_as_it_came_never_parsed() {
    let html = "<html><body><p>{\"not\": json}</p></body></html>";
    let server = server(
        ResponseTemplate::new(200)
            .insert_header("Content-Type", "text/html")
            .set_body_string(html),
    )
    .await;
    let summary = client(&server)
        .me()
        .lesson("l1")
        .get_summary()
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(summary, html);
    let sent = requests(&server).await;
    assert_eq!(header(&sent[0], "accept").as_deref(), Some("text/html"));
}

#[tokio::test]
async fn a_text_response_that_is_not_utf8_is_a_decode_error() {
    let server = server(ResponseTemplate::new(200).set_body_bytes(vec![0x3c, 0xff, 0x3e])).await;
    let error = client(&server)
        .me()
        .lesson("l1")
        .get_summary()
        .send()
        .await
        .err()
        .unwrap_or_else(|| panic!("decoded"));
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert!(
        error.to_string().contains("the body is not UTF-8 text"),
        "{error}"
    );
}

#[tokio::test]
async fn a_bytes_response_is_returned_exactly_with_integer_parameters_in_the_path() {
    let bytes: Vec<u8> = (0..=255).collect();
    let server = server(ResponseTemplate::new(200).set_body_bytes(bytes.clone())).await;
    let body = client(&server)
        .school("south", -1)
        .lesson("l1")
        .download_attachment(7)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(body.as_ref(), bytes.as_slice());
    let sent = requests(&server).await;
    assert_eq!(
        target(&sent[0]),
        "GET /preview/schools/south/campus/-1/notes/lessons/l1/attachments/7/$value"
    );
    assert_eq!(header(&sent[0], "accept").as_deref(), Some("*/*"));
}

#[tokio::test]
async fn send_with_meta_returns_the_taken_body_with_the_response_s_headers() {
    let bytes: Vec<u8> = vec![0x89, b'P', b'N', b'G', 0];
    let server = server(
        ResponseTemplate::new(200)
            .insert_header("X-CorrelationId", "c-42")
            .set_body_bytes(bytes.clone()),
    )
    .await;
    let response = client(&server)
        .school("south", 2)
        .lesson("l1")
        .download_attachment(7)
        .send_with_meta()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status(), 200);
    assert_eq!(response.correlation_id(), Some("c-42"));
    assert_eq!(response.attempts(), 1);
    assert_eq!(response.value.as_ref(), bytes.as_slice());
}
