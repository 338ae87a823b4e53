//! Wire tests for the page lock (rows 12–13) and the site lookup outside `/notes/` (row 16).

use onenote_api::{DateTime, Nullable, PageLockUpdate};
use serde_json::json;
use tests::wire::{Expected, assert_request, client, only_request, server_answering};
use wiremock::ResponseTemplate;

const PAGE: &str = "1-126bc4155684422c827e1682b1e5f2ed!62-3a2cebc9-3121-4162-b84a-07e61671e653";
const PAGE_PATH: &str = "/v1.0/me/notes/pages/1-126bc4155684422c827e1682b1e5f2ed%2162-3a2cebc9-3121-4162-b84a-07e61671e653";

#[tokio::test]
async fn setting_a_page_lock_sends_the_documented_date_unchanged() {
    let server = server_answering(ResponseTemplate::new(204)).await;
    let date: DateTime = "2018-02-25T15:17:16.0938811-08:00".parse().unwrap();

    client(&server)
        .me()
        .page(PAGE)
        .update_lock(
            PageLockUpdate::default().with_block_edits_in_client_start_date(Nullable::Value(date)),
        )
        .send()
        .await
        .unwrap();

    let request = only_request(&server).await;
    assert_request(
        &request,
        Expected {
            method: "PATCH",
            target: PAGE_PATH,
            body: Some(
                json!({ "blockEditsInClientStartDate": "2018-02-25T15:17:16.0938811-08:00" }),
            ),
            respond_async: false,
        },
    );
    assert_eq!(
        String::from_utf8_lossy(&request.body),
        r#"{"blockEditsInClientStartDate":"2018-02-25T15:17:16.0938811-08:00"}"#
    );
}

#[tokio::test]
async fn clearing_a_page_lock_sends_null() {
    let server = server_answering(ResponseTemplate::new(204)).await;

    client(&server)
        .me()
        .page(PAGE)
        .update_lock(
            PageLockUpdate::default().with_block_edits_in_client_start_date(Nullable::Null),
        )
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected {
            method: "PATCH",
            target: PAGE_PATH,
            body: Some(json!({ "blockEditsInClientStartDate": null })),
            respond_async: false,
        },
    );
}

#[tokio::test]
async fn leaving_the_page_lock_unset_sends_an_empty_object() {
    let server = server_answering(ResponseTemplate::new(204)).await;

    client(&server)
        .me()
        .page(PAGE)
        .update_lock(PageLockUpdate::default())
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected {
            method: "PATCH",
            target: PAGE_PATH,
            body: Some(json!({})),
            respond_async: false,
        },
    );
}

#[tokio::test]
async fn getting_the_page_lock_asks_for_the_lock_date() {
    let server = server_answering(ResponseTemplate::new(200).set_body_json(json!({
        "id": PAGE,
        "title": "Quiz 1",
        "blockEditsInClientStartDate": "1985-02-25T23:17:16Z"
    })))
    .await;

    let lock = client(&server)
        .me()
        .page(PAGE)
        .get()
        .include_lock_date(true)
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected {
            method: "GET",
            target: &format!("{PAGE_PATH}?blockEditsInClientStartDate=true"),
            body: None,
            respond_async: false,
        },
    );
    assert_eq!(
        lock.block_edits_in_client_start_date
            .map(|d| d.to_string())
            .as_deref(),
        Some("1985-02-25T23:17:16Z")
    );
    assert_eq!(lock.title.as_deref(), Some("Quiz 1"));
}

#[tokio::test]
async fn site_metadata_from_url_is_outside_notes_and_sends_the_url_as_the_documents_write_it() {
    let server = server_answering(ResponseTemplate::new(200).set_body_json(json!({
        "@odata.context": "https://www.onenote.com/api/v1.0/$metadata#Microsoft.OneNote.Api.SiteMetadata",
        "siteCollectionId": "09d1a587-a84b-4264-3d15-669429be8cc5",
        "siteId": "d9e4d5c8-683f-4363-89ae-18c4e3da91e9"
    })))
    .await;

    let site = client(&server)
        .site_metadata_from_url("https://domain.sharepoint.com/site-a")
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected {
            method: "GET",
            target: "/v1.0/myOrganization/siteCollections/FromUrl(url='https://domain.sharepoint.com/site-a')",
            body: None,
            respond_async: false,
        },
    );
    assert_eq!(
        site.site_collection_id,
        "09d1a587-a84b-4264-3d15-669429be8cc5"
    );
    assert_eq!(site.site_id, "d9e4d5c8-683f-4363-89ae-18c4e3da91e9");
}

#[tokio::test]
async fn a_single_quote_in_an_odata_literal_is_doubled_before_encoding() {
    let server = server_answering(
        ResponseTemplate::new(200).set_body_json(json!({ "siteCollectionId": "a", "siteId": "b" })),
    )
    .await;

    client(&server)
        // Both quotes are doubled, so the value cannot close the literal early.
        .site_metadata_from_url("https://contoso.com/sites/o'brien')/x")
        .send()
        .await
        .unwrap();

    assert_eq!(
        only_request(&server).await.url.path(),
        "/v1.0/myOrganization/siteCollections/FromUrl(url='https://contoso.com/sites/o%27%27brien%27%27%29/x')"
    );
}
