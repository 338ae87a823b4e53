//! Wire tests for page content: reading it as HTML, creating pages from HTML alone and from
//! multipart (`PageContent`), creating in the default notebook with `sectionName`, the `$top`
//! limit of the page lists, and downloading a page's images and files (`resources/{id}/$value`).
//!
//! The page bodies follow Microsoft Graph's "Create page" and "Get page" examples; the HTML is
//! this project's own, in the shape "Get OneNote content and structure" describes (generated
//! `id`s with `includeIDs=true`, images as resource URLs).

use onenote_api::{ErrorKind, PageContent, RetryPolicy};
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
    assert!(
        in_section.to_string().contains(
            "$top is 101, but this request takes at most 100: ask for at most 100 and follow \
             `@odata.nextLink` for the rest (`stream()` does)"
        ),
        "{in_section}"
    );
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
