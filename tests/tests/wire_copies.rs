//! Wire tests for copies: a notebook (`copyNotebook`), a section into a notebook or a section
//! group (`copyToNotebook`, `copyToSectionGroup`) and a page into a section (`copyToSection`).
//! Each is a POST with a JSON body, answered `202 Accepted` with an `Operation-Location`, and
//! returns the operation handle that polls it.
//!
//! Request bodies use the parameters of onenote.com's "Copy notebooks, sections, and pages" and
//! Graph's "section: copyToNotebook" (`id`, `groupId`, `renameAs`, `siteCollectionId`,
//! `siteId`); the operation follows Graph's "Get onenoteOperation" example with the copy
//! family's status spelling and `percentComplete`.

use onenote_api::{CopyNotebook, CopyPage, CopySection, OperationStatus};
use serde_json::json;
use tests::wire::{Expected, assert_body_bytes, assert_request, client};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const NOTEBOOK: &str = "1-10143016-70dc-4449-b92a-3015225f800d";
const SECTION: &str = "1-0bc35248-e4e2-4759-ad85-89407bceccfe";
const PAGE: &str = "1-126bc4155684422c827e1682b1e5f2ed!62-3a2cebc9-3121-4162-b84a-07e61671e653";
const PAGE_SEGMENT: &str =
    "1-126bc4155684422c827e1682b1e5f2ed%2162-3a2cebc9-3121-4162-b84a-07e61671e653";

/// A server that accepts the copy with an `Operation-Location` on itself, and answers the poll
/// with a completed copy.
async fn copy_server() -> MockServer {
    let server = MockServer::start().await;
    let location = format!("{}/v1.0/me/notes/operations/copy-1-0bc35248", server.uri());
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(202).insert_header("Operation-Location", location))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "copy-1-0bc35248",
            "status": "Completed",
            "createdDateTime": "2016-10-19T10:37:00Z",
            "lastActionDateTime": "2016-10-19T10:37:00Z",
            "percentComplete": "100",
            "resourceLocation": "https://www.onenote.com/api/v1.0/me/notes/sections/1-copied"
        })))
        .mount(&server)
        .await;
    server
}

/// The copy request (the first one the server received).
async fn copy_request(server: &MockServer) -> wiremock::Request {
    let requests = server.received_requests().await.unwrap_or_default();
    assert!(!requests.is_empty(), "no request");
    requests[0].clone()
}

#[tokio::test]
async fn copy_notebook_posts_its_options_and_polls_the_operation_location() {
    let server = copy_server().await;

    let operation = client(&server)
        .me()
        .notebook(NOTEBOOK)
        .copy(CopyNotebook::default().with_rename_as("Math 101 (2027)"))
        .send()
        .await
        .unwrap();
    let done = operation.wait().await.unwrap();

    let sent = copy_request(&server).await;
    assert_request(
        &sent,
        Expected::post(
            &format!("/v1.0/me/notes/notebooks/{NOTEBOOK}/copyNotebook"),
            json!({ "renameAs": "Math 101 (2027)" }),
        ),
    );
    assert_body_bytes(&sent, r#"{"renameAs":"Math 101 (2027)"}"#);
    assert_eq!(done.status, Some(OperationStatus::Completed));
    assert_eq!(done.percent_complete.as_deref(), Some("100"));
    assert_eq!(
        done.resource_location.as_deref(),
        Some("https://www.onenote.com/api/v1.0/me/notes/sections/1-copied")
    );
}

#[tokio::test]
async fn copy_notebook_without_options_sends_an_empty_object() {
    let server = copy_server().await;

    client(&server)
        .me()
        .notebook(NOTEBOOK)
        .copy(CopyNotebook::default())
        .send()
        .await
        .unwrap();

    assert_body_bytes(&copy_request(&server).await, "{}");
}

#[tokio::test]
async fn copy_section_to_notebook_names_the_destination() {
    let server = copy_server().await;

    client(&server)
        .group("0b2d6a3e-1f1a-4c4e-9b0e-6f1f3f8d2a11")
        .section(SECTION)
        .copy_to_notebook(
            CopySection::new(NOTEBOOK)
                .with_group_id("0b2d6a3e-1f1a-4c4e-9b0e-6f1f3f8d2a11")
                .with_rename_as("Quizzes"),
        )
        .send()
        .await
        .unwrap();

    let sent = copy_request(&server).await;
    assert_request(
        &sent,
        Expected::post(
            &format!(
                "/v1.0/myOrganization/groups/0b2d6a3e-1f1a-4c4e-9b0e-6f1f3f8d2a11/notes/sections/{SECTION}/copyToNotebook"
            ),
            json!({
                "id": NOTEBOOK,
                "groupId": "0b2d6a3e-1f1a-4c4e-9b0e-6f1f3f8d2a11",
                "renameAs": "Quizzes"
            }),
        ),
    );
    assert_body_bytes(
        &sent,
        &format!(
            r#"{{"id":"{NOTEBOOK}","groupId":"0b2d6a3e-1f1a-4c4e-9b0e-6f1f3f8d2a11","renameAs":"Quizzes"}}"#
        ),
    );
}

#[tokio::test]
async fn copy_section_to_section_group_names_the_destination() {
    let server = copy_server().await;

    client(&server)
        .me()
        .section(SECTION)
        .copy_to_section_group(CopySection::new("1-e5f8b4ee-2b0e-4f4f-a5a5-1d6a7e9c0b11"))
        .send()
        .await
        .unwrap();

    let sent = copy_request(&server).await;
    assert_request(
        &sent,
        Expected::post(
            &format!("/v1.0/me/notes/sections/{SECTION}/copyToSectionGroup"),
            json!({ "id": "1-e5f8b4ee-2b0e-4f4f-a5a5-1d6a7e9c0b11" }),
        ),
    );
}

#[tokio::test]
async fn copy_page_to_section_at_a_site() {
    let server = copy_server().await;

    client(&server)
        .site("sc-1", "site-1")
        .page(PAGE)
        .copy_to_section(
            CopyPage::new(SECTION)
                .with_site_collection_id("sc-2")
                .with_site_id("site-2"),
        )
        .send()
        .await
        .unwrap();

    let sent = copy_request(&server).await;
    assert_request(
        &sent,
        Expected::post(
            &format!(
                "/v1.0/myOrganization/siteCollections/sc-1/sites/site-1/notes/pages/{PAGE_SEGMENT}/copyToSection"
            ),
            json!({ "id": SECTION, "siteCollectionId": "sc-2", "siteId": "site-2" }),
        ),
    );
}
