//! Wire tests for sections and section groups: listing at the notes root, in a notebook and in
//! a section group (nested), getting one, and creating one in a notebook or a section group.
//!
//! Example bodies are Microsoft Graph's ("List sections", "Create section", "List
//! sectionGroups", …) with its names turned into the onenote.com ones the notes root uses:
//! `displayName` is `name`, and Graph's `createdBy` / `lastModifiedBy` identity objects
//! (`{"user": {"id": "id-value", "displayName": "displayName-value"}}`) are the display-name
//! strings onenote.com sends (`"displayName-value"`).

use onenote_api::{CreateSection, CreateSectionGroup};
use serde_json::json;
use tests::wire::{
    Expected, assert_body_bytes, assert_request, client, only_request, server_answering,
};
use wiremock::ResponseTemplate;

const NOTEBOOK: &str = "1-e13f257d-78c6-46cf-ae8c-13686517ac5f";
const SECTION: &str = "1-0bc35248-e4e2-4759-ad85-89407bceccfe";
const SECTION_GROUP: &str = "1-0b13154b-d92d-46c3-b18b-838c4c9fb88d";

/// Graph's section example, in onenote.com names.
fn section() -> serde_json::Value {
    json!({
        "isDefault": true,
        "pagesUrl": "pagesUrl-value",
        "name": "name-value",
        "createdBy": "displayName-value",
        "lastModifiedBy": "displayName-value"
    })
}

/// Graph's section group example, in onenote.com names.
fn section_group() -> serde_json::Value {
    json!({
        "sectionsUrl": "sectionsUrl-value",
        "sectionGroupsUrl": "sectionGroupsUrl-value",
        "name": "name-value",
        "createdBy": "displayName-value",
        "lastModifiedBy": "displayName-value"
    })
}

#[tokio::test]
async fn list_all_sections_reads_the_notes_root_and_decodes_the_documented_collection() {
    let server =
        server_answering(ResponseTemplate::new(200).set_body_json(json!({ "value": [section()] })))
            .await;

    let page = client(&server)
        .me()
        .all_sections()
        .list()
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected::get("/v1.0/me/notes/sections"),
    );
    let found = &page.value[0];
    assert_eq!(found.is_default, Some(true));
    assert_eq!(found.pages_url.as_deref(), Some("pagesUrl-value"));
    assert_eq!(found.name.as_deref(), Some("name-value"));
    assert_eq!(found.created_by.as_deref(), Some("displayName-value"));
    assert_eq!(found.last_modified_by.as_deref(), Some("displayName-value"));
}

#[tokio::test]
async fn list_all_sections_sends_the_documented_filter_select_and_order() {
    // The documented "filter & select & orderby" example.
    let server =
        server_answering(ResponseTemplate::new(200).set_body_json(json!({ "value": [] }))).await;

    client(&server)
        .user("teacher1@contoso.com")
        .all_sections()
        .list()
        .filter("contains(tolower(name),'spring')")
        .select(["name", "pagesUrl"])
        .orderby("lastModifiedTime desc")
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected::get(
            "/v1.0/users/teacher1%40contoso.com/notes/sections?$filter=contains(tolower(name),%27spring%27)&$orderby=lastModifiedTime%20desc&$select=name,pagesUrl",
        ),
    );
}

#[tokio::test]
async fn list_sections_of_a_notebook_decodes_the_documented_collection() {
    let server =
        server_answering(ResponseTemplate::new(200).set_body_json(json!({ "value": [section()] })))
            .await;

    let page = client(&server)
        .me()
        .notebook(NOTEBOOK)
        .sections()
        .list()
        .expand(["parentNotebook", "parentSectionGroup"])
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected::get(
            "/v1.0/me/notes/notebooks/1-e13f257d-78c6-46cf-ae8c-13686517ac5f/sections?$expand=parentNotebook,parentSectionGroup",
        ),
    );
    assert_eq!(page.value[0].name.as_deref(), Some("name-value"));
}

#[tokio::test]
async fn list_sections_of_a_section_group_reads_its_sections() {
    let server =
        server_answering(ResponseTemplate::new(200).set_body_json(json!({ "value": [section()] })))
            .await;

    let page = client(&server)
        .group("1d13f814-83e5-4c11-8294-53bf40defd91")
        .section_group(SECTION_GROUP)
        .sections()
        .list()
        .top(5)
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected::get(
            "/v1.0/myOrganization/groups/1d13f814-83e5-4c11-8294-53bf40defd91/notes/sectiongroups/1-0b13154b-d92d-46c3-b18b-838c4c9fb88d/sections?$top=5",
        ),
    );
    assert_eq!(page.value.len(), 1);
}

#[tokio::test]
async fn get_section_decodes_the_section_and_its_default_parents() {
    // The default query expands the parents with their id, name and self.
    let mut body = section();
    body["id"] = json!(SECTION);
    body["parentNotebook"] = json!({
        "id": NOTEBOOK,
        "name": "Math 101",
        "self": "https://www.onenote.com/api/v1.0/me/notes/notebooks/1-e13f257d-78c6-46cf-ae8c-13686517ac5f"
    });
    body["parentSectionGroup"] =
        json!({ "id": SECTION_GROUP, "name": "student1", "self": "sg-self" });
    let server = server_answering(ResponseTemplate::new(200).set_body_json(body)).await;

    let found = client(&server)
        .me()
        .section(SECTION)
        .get()
        .select(["name", "pagesUrl"])
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected::get(
            "/v1.0/me/notes/sections/1-0bc35248-e4e2-4759-ad85-89407bceccfe?$select=name,pagesUrl",
        ),
    );
    assert_eq!(found.id.as_deref(), Some(SECTION));
    let notebook = found.parent_notebook.unwrap_or_default();
    assert_eq!(notebook.id.as_deref(), Some(NOTEBOOK));
    assert_eq!(notebook.name.as_deref(), Some("Math 101"));
    let group = found
        .parent_section_group
        .and_then(onenote_api::Nullable::into_option)
        .unwrap_or_default();
    assert_eq!(group.name.as_deref(), Some("student1"));
    assert_eq!(group.self_.as_deref(), Some("sg-self"));
}

#[tokio::test]
async fn create_section_in_a_notebook_posts_the_name() {
    let server = server_answering(ResponseTemplate::new(201).set_body_json(section())).await;

    let created = client(&server)
        .me()
        .notebook(NOTEBOOK)
        .sections()
        .create(CreateSection::new("Section name"))
        .send()
        .await
        .unwrap();

    let request = only_request(&server).await;
    assert_request(
        &request,
        Expected::post(
            "/v1.0/me/notes/notebooks/1-e13f257d-78c6-46cf-ae8c-13686517ac5f/sections",
            json!({ "name": "Section name" }),
        ),
    );
    assert_body_bytes(&request, r#"{"name":"Section name"}"#);
    assert_eq!(created.pages_url.as_deref(), Some("pagesUrl-value"));
}

#[tokio::test]
async fn create_section_in_a_section_group_posts_the_name() {
    let server = server_answering(ResponseTemplate::new(201).set_body_json(section())).await;

    client(&server)
        .user("teacher1@contoso.com")
        .section_group(SECTION_GROUP)
        .sections()
        .create(CreateSection::new("Quizzes"))
        .send()
        .await
        .unwrap();

    let request = only_request(&server).await;
    assert_request(
        &request,
        Expected::post(
            "/v1.0/users/teacher1%40contoso.com/notes/sectiongroups/1-0b13154b-d92d-46c3-b18b-838c4c9fb88d/sections",
            json!({ "name": "Quizzes" }),
        ),
    );
    assert_body_bytes(&request, r#"{"name":"Quizzes"}"#);
}

#[tokio::test]
async fn list_all_section_groups_reads_the_notes_root_and_decodes_the_documented_collection() {
    let server = server_answering(
        ResponseTemplate::new(200).set_body_json(json!({ "value": [section_group()] })),
    )
    .await;

    let page = client(&server)
        .me()
        .all_section_groups()
        .list()
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected::get("/v1.0/me/notes/sectiongroups"),
    );
    let group = &page.value[0];
    assert_eq!(group.sections_url.as_deref(), Some("sectionsUrl-value"));
    assert_eq!(
        group.section_groups_url.as_deref(),
        Some("sectionGroupsUrl-value")
    );
    assert_eq!(group.name.as_deref(), Some("name-value"));
    assert_eq!(group.created_by.as_deref(), Some("displayName-value"));
}

#[tokio::test]
async fn list_section_groups_of_a_notebook_reads_its_section_groups() {
    let server = server_answering(
        ResponseTemplate::new(200).set_body_json(json!({ "value": [section_group()] })),
    )
    .await;

    client(&server)
        .me()
        .notebook(NOTEBOOK)
        .section_groups()
        .list()
        .expand(["sections", "sectionGroups"])
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected::get(
            "/v1.0/me/notes/notebooks/1-e13f257d-78c6-46cf-ae8c-13686517ac5f/sectiongroups?$expand=sections,sectionGroups",
        ),
    );
}

#[tokio::test]
async fn list_section_groups_of_a_section_group_reads_the_nested_ones() {
    let mut nested = section_group();
    nested["parentSectionGroup"] =
        json!({ "id": SECTION_GROUP, "name": "Term 1", "self": "parent-self" });
    let server =
        server_answering(ResponseTemplate::new(200).set_body_json(json!({ "value": [nested] })))
            .await;

    let page = client(&server)
        .me()
        .section_group(SECTION_GROUP)
        .section_groups()
        .list()
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected::get(
            "/v1.0/me/notes/sectiongroups/1-0b13154b-d92d-46c3-b18b-838c4c9fb88d/sectiongroups",
        ),
    );
    let parent = page.value[0]
        .parent_section_group
        .clone()
        .and_then(onenote_api::Nullable::into_option)
        .unwrap_or_default();
    assert_eq!(parent.id.as_deref(), Some(SECTION_GROUP));
    assert_eq!(parent.name.as_deref(), Some("Term 1"));
    assert_eq!(parent.self_.as_deref(), Some("parent-self"));
}

#[tokio::test]
async fn get_section_group_sends_the_documented_expand_and_select() {
    // The documented "expand & select (multiple levels)" example.
    let mut body = section_group();
    body["sections"] = json!([{ "name": "Homework", "self": "s-self" }]);
    let server = server_answering(ResponseTemplate::new(200).set_body_json(body)).await;

    let group = client(&server)
        .me()
        .section_group(SECTION_GROUP)
        .get()
        .expand(["sections(select=name,self)"])
        .select(["name", "self"])
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected::get(
            "/v1.0/me/notes/sectiongroups/1-0b13154b-d92d-46c3-b18b-838c4c9fb88d?$select=name,self&$expand=sections(select%3Dname,self)",
        ),
    );
    assert_eq!(
        group
            .sections
            .as_ref()
            .and_then(|s| s.first())
            .and_then(|s| s.self_.as_deref()),
        Some("s-self")
    );
}

#[tokio::test]
async fn create_section_group_in_a_notebook_posts_the_name() {
    // Graph's example answers `200 OK` although its text says `201 Created`; the spec expects
    // 201, and any 2xx is a success.
    let server = server_answering(ResponseTemplate::new(201).set_body_json(section_group())).await;

    let created = client(&server)
        .me()
        .notebook(NOTEBOOK)
        .section_groups()
        .create(CreateSectionGroup::new("Section group name"))
        .send()
        .await
        .unwrap();

    let request = only_request(&server).await;
    assert_request(
        &request,
        Expected::post(
            "/v1.0/me/notes/notebooks/1-e13f257d-78c6-46cf-ae8c-13686517ac5f/sectiongroups",
            json!({ "name": "Section group name" }),
        ),
    );
    assert_body_bytes(&request, r#"{"name":"Section group name"}"#);
    assert_eq!(created.name.as_deref(), Some("name-value"));
}

#[tokio::test]
async fn create_section_group_in_a_section_group_nests_it() {
    let server = server_answering(ResponseTemplate::new(200).set_body_json(section_group())).await;

    client(&server)
        .me()
        .section_group(SECTION_GROUP)
        .section_groups()
        .create(CreateSectionGroup::new("Term 1"))
        .send()
        .await
        .unwrap();

    let request = only_request(&server).await;
    assert_request(
        &request,
        Expected::post(
            "/v1.0/me/notes/sectiongroups/1-0b13154b-d92d-46c3-b18b-838c4c9fb88d/sectiongroups",
            json!({ "name": "Term 1" }),
        ),
    );
    assert_body_bytes(&request, r#"{"name":"Term 1"}"#);
}
