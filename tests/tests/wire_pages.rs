//! Wire tests for pages: listing (across notebooks and per section), metadata, deleting, and
//! updating content with the JSON array of change commands.
//!
//! Example bodies are Microsoft Graph's ("List onenotePages", "List pages", "Get page",
//! "Update page"); its page properties not in the onenote.com shape (`content`,
//! `lastModifiedDateTime`) are ignored when decoding.

use onenote_api::{PatchAction, PatchContentCommand, PatchInsertPosition};
use serde_json::json;
use tests::wire::{
    Expected, assert_body_bytes, assert_request, client, only_request, server_answering,
};
use wiremock::ResponseTemplate;

const PAGE: &str = "1-126bc4155684422c827e1682b1e5f2ed!62-3a2cebc9-3121-4162-b84a-07e61671e653";
const PAGE_PATH: &str = "/v1.0/me/notes/pages/1-126bc4155684422c827e1682b1e5f2ed%2162-3a2cebc9-3121-4162-b84a-07e61671e653";
const SECTION: &str = "1-0bc35248-e4e2-4759-ad85-89407bceccfe";

/// Graph's page example, as its "Get page" and "List pages" pages publish it.
fn page() -> serde_json::Value {
    json!({
        "title": "title-value",
        "createdByAppId": "createdByAppId-value",
        "links": {
            "oneNoteClientUrl": { "href": "href-value" },
            "oneNoteWebUrl": { "href": "href-value" }
        },
        "contentUrl": "contentUrl-value",
        "content": "content-value",
        "lastModifiedDateTime": "2016-10-19T10:37:00Z"
    })
}

#[tokio::test]
async fn list_all_pages_sends_the_documented_top_select_and_order() {
    // The documented "top & select & orderby" example.
    let server =
        server_answering(ResponseTemplate::new(200).set_body_json(json!({ "value": [page()] })))
            .await;

    let pages = client(&server)
        .me()
        .all_pages()
        .list()
        .top(50)
        .select(["title", "self"])
        .orderby("title")
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected::get("/v1.0/me/notes/pages?$orderby=title&$select=title,self&$top=50"),
    );
    let found = &pages.value[0];
    assert_eq!(found.title.as_deref(), Some("title-value"));
    assert_eq!(
        found.created_by_app_id.as_deref(),
        Some("createdByAppId-value")
    );
    assert_eq!(found.content_url.as_deref(), Some("contentUrl-value"));
    assert_eq!(
        found
            .links
            .clone()
            .and_then(|l| l.one_note_web_url)
            .and_then(|l| l.href)
            .as_deref(),
        Some("href-value")
    );
}

#[tokio::test]
async fn list_all_pages_filters_by_parent_notebook_as_documented() {
    // The documented "filter & expand" example, at a group location.
    let server = server_answering(ResponseTemplate::new(200).set_body_json(json!({
        "value": [],
        "@odata.nextLink": "https://www.onenote.com/api/v1.0/myOrganization/groups/g/notes/pages?$skip=20"
    })))
    .await;

    let pages = client(&server)
        .group("1d13f814-83e5-4c11-8294-53bf40defd91")
        .all_pages()
        .list()
        .filter("parentNotebook/id eq '1-e13f257d'")
        .expand(["parentNotebook"])
        .skip(20)
        .count(true)
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected::get(
            "/v1.0/myOrganization/groups/1d13f814-83e5-4c11-8294-53bf40defd91/notes/pages?$filter=parentNotebook/id%20eq%20%271-e13f257d%27&$skip=20&$expand=parentNotebook&$count=true",
        ),
    );
    assert_eq!(
        pages.next_link.as_deref(),
        Some("https://www.onenote.com/api/v1.0/myOrganization/groups/g/notes/pages?$skip=20")
    );
}

#[tokio::test]
async fn list_pages_of_a_section_asks_for_page_levels() {
    // Graph's "List pages" example, with the `level` and `order` that `pagelevel=true` adds.
    let mut with_level = page();
    with_level["level"] = json!(1);
    with_level["order"] = json!(2);
    let server = server_answering(
        ResponseTemplate::new(200).set_body_json(json!({ "value": [with_level] })),
    )
    .await;

    let pages = client(&server)
        .user("teacher1@contoso.com")
        .section(SECTION)
        .pages()
        .list()
        .page_level(true)
        .top(100)
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected::get(
            "/v1.0/users/teacher1%40contoso.com/notes/sections/1-0bc35248-e4e2-4759-ad85-89407bceccfe/pages?pagelevel=true&$top=100",
        ),
    );
    assert_eq!(pages.value[0].level, Some(1));
    assert_eq!(pages.value[0].order, Some(2));
    assert_eq!(pages.value[0].title.as_deref(), Some("title-value"));
}

#[tokio::test]
async fn get_page_expands_its_parents_as_documented() {
    let mut body = page();
    body["id"] = json!(PAGE);
    body["parentSection"] = json!({ "id": SECTION, "name": "Quizzes", "self": "section-self" });
    body["parentNotebook"] = json!({ "id": "1-e13f257d", "name": "Math 101" });
    let server = server_answering(ResponseTemplate::new(200).set_body_json(body)).await;

    let found = client(&server)
        .me()
        .page(PAGE)
        .get()
        .expand(["parentSection", "parentNotebook"])
        .page_level(true)
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected::get(&format!(
            "{PAGE_PATH}?pagelevel=true&$expand=parentSection,parentNotebook"
        )),
    );
    assert_eq!(found.id.as_deref(), Some(PAGE));
    assert_eq!(
        found.parent_section.and_then(|s| s.name).as_deref(),
        Some("Quizzes")
    );
    assert_eq!(
        found.parent_notebook.and_then(|n| n.name).as_deref(),
        Some("Math 101")
    );
    assert_eq!(found.block_edits_in_client_start_date, None);
}

#[tokio::test]
async fn delete_page_sends_delete_and_expects_no_body() {
    let server = server_answering(ResponseTemplate::new(204)).await;

    client(&server)
        .me()
        .page(PAGE)
        .delete()
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected {
            method: "DELETE",
            target: PAGE_PATH,
            body: None,
            respond_async: false,
        },
    );
}

#[tokio::test]
async fn update_page_content_sends_the_documented_commands_as_a_json_array() {
    // Graph's "Update page" example (written with single quotes there, which is not JSON).
    let server = server_answering(ResponseTemplate::new(204)).await;

    client(&server)
        .me()
        .page(PAGE)
        .update_content(vec![
            PatchContentCommand::new("#para-id", PatchAction::Insert)
                .with_position(PatchInsertPosition::Before)
                .with_content(r#"<img src="image-url-or-part-name" alt="image-alt-text" />"#),
            PatchContentCommand::new("#list-id", PatchAction::Append)
                .with_content("<li>new-page-content</li>"),
        ])
        .send()
        .await
        .unwrap();

    let request = only_request(&server).await;
    assert_request(
        &request,
        Expected {
            method: "PATCH",
            target: &format!("{PAGE_PATH}/content"),
            body: Some(json!([
                {
                    "target": "#para-id",
                    "action": "insert",
                    "position": "before",
                    "content": "<img src=\"image-url-or-part-name\" alt=\"image-alt-text\" />"
                },
                {
                    "target": "#list-id",
                    "action": "append",
                    "content": "<li>new-page-content</li>"
                }
            ])),
            respond_async: false,
        },
    );
    assert_body_bytes(
        &request,
        r##"[{"target":"#para-id","action":"insert","position":"before","content":"<img src=\"image-url-or-part-name\" alt=\"image-alt-text\" />"},{"target":"#list-id","action":"append","content":"<li>new-page-content</li>"}]"##,
    );
}

#[tokio::test]
async fn update_page_content_replaces_the_title_and_a_generated_id_target() {
    // The documented "Change the title" and generated-id examples.
    let server = server_answering(ResponseTemplate::new(204)).await;

    client(&server)
        .me()
        .page(PAGE)
        .update_content(vec![
            PatchContentCommand::new("title", PatchAction::Replace).with_content("New title"),
            PatchContentCommand::new(
                "p:{33f8a242-7c33-4bb2-90c5-8425a68cc5bf}{40}",
                PatchAction::Insert,
            )
            .with_position(PatchInsertPosition::Before)
            .with_content("<p>This paragraph goes above the target paragraph.</p>"),
        ])
        .send()
        .await
        .unwrap();

    assert_body_bytes(
        &only_request(&server).await,
        r#"[{"target":"title","action":"replace","content":"New title"},{"target":"p:{33f8a242-7c33-4bb2-90c5-8425a68cc5bf}{40}","action":"insert","position":"before","content":"<p>This paragraph goes above the target paragraph.</p>"}]"#,
    );
}
