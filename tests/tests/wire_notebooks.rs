//! Wire tests for notebooks: list (with the documented OData options and `$expand`), get and
//! create, each at a different location.
//!
//! Example bodies are Microsoft Graph's ("List notebooks", "Create notebook"); where Graph's
//! names differ from the onenote.com ones (`displayName` for `name`), the test says so.

use onenote_api::{CreateNotebook, UserRole};
use serde_json::json;
use tests::wire::{
    Expected, assert_body_bytes, assert_request, client, only_request, server_answering,
};
use wiremock::ResponseTemplate;

const NOTEBOOK: &str = "1-10143016-70dc-4449-b92a-3015225f800d";
const GRAPH_NOTEBOOK_URL: &str = "https://graph.microsoft.com/v1.0/users/7d54cb02-aaa3-4016-9f9c-a4b49422dd9b/onenote/notebooks/1-10143016-70dc-4449-b92a-3015225f800d";
const CLIENT_URL: &str = "onenote:https://contoso-my.sharepoint.com/personal/admin_m365x841051_onmicrosoft_com/Documents/Notebooks/My%20Private%20notebook";
const WEB_URL: &str = "https://contoso-my.sharepoint.com/personal/admin_m365x841051_onmicrosoft_com/Documents/Notebooks/My%20Private%20notebook";

/// The response of Graph's "Create notebook" example, as published (`displayName` included).
fn created_notebook() -> serde_json::Value {
    json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('7d54cb02-aaa3-4016-9f9c-a4b49422dd9b')/onenote/notebooks/$entity",
        "id": NOTEBOOK,
        "self": GRAPH_NOTEBOOK_URL,
        "displayName": "My Private notebook",
        "userRole": "Owner",
        "isShared": false,
        "sectionsUrl": format!("{GRAPH_NOTEBOOK_URL}/sections"),
        "sectionGroupsUrl": format!("{GRAPH_NOTEBOOK_URL}/sectionGroups"),
        "links": {
            "oneNoteClientUrl": { "href": CLIENT_URL },
            "oneNoteWebUrl": { "href": WEB_URL }
        }
    })
}

#[tokio::test]
async fn list_notebooks_decodes_the_documented_collection() {
    // Graph's "List notebooks" response example, verbatim.
    let server = server_answering(ResponseTemplate::new(200).set_body_json(json!({
        "value": [{
            "isDefault": true,
            "userRole": "Owner",
            "isShared": false,
            "sectionsUrl": format!("{GRAPH_NOTEBOOK_URL}/sections"),
            "sectionGroupsUrl": format!("{GRAPH_NOTEBOOK_URL}/sectionGroups"),
            "links": {
                "oneNoteClientUrl": { "href": CLIENT_URL },
                "oneNoteWebUrl": { "href": WEB_URL }
            }
        }]
    })))
    .await;

    let page = client(&server)
        .me()
        .notebooks()
        .list()
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected::get("/v1.0/me/notes/notebooks"),
    );
    assert_eq!(page.value.len(), 1);
    let notebook = &page.value[0];
    assert_eq!(notebook.is_default, Some(true));
    assert_eq!(notebook.user_role, Some(UserRole::Owner));
    assert_eq!(notebook.is_shared, Some(false));
    assert_eq!(
        notebook.sections_url.as_deref(),
        Some(format!("{GRAPH_NOTEBOOK_URL}/sections").as_str())
    );
    assert_eq!(
        notebook.section_groups_url.as_deref(),
        Some(format!("{GRAPH_NOTEBOOK_URL}/sectionGroups").as_str())
    );
    let links = notebook.links.clone().unwrap_or_default();
    assert_eq!(
        links.one_note_client_url.and_then(|l| l.href).as_deref(),
        Some(CLIENT_URL)
    );
    assert_eq!(
        links.one_note_web_url.and_then(|l| l.href).as_deref(),
        Some(WEB_URL)
    );
    assert_eq!(page.next_link, None);
}

#[tokio::test]
async fn list_notebooks_expands_sections_and_section_groups() {
    // The documented request `../notebooks?expand=sections,sectionGroups`; the answer holds the
    // two relationships the notebook resource type lists, with onenote.com property names.
    let server = server_answering(ResponseTemplate::new(200).set_body_json(json!({
        "value": [{
            "id": NOTEBOOK,
            "name": "School",
            "sections": [
                { "id": "1-0bc35248-e4e2-4759-ad85-89407bceccfe", "name": "Quizzes", "pagesUrl": "pagesUrl-value" }
            ],
            "sectionGroups": [
                {
                    "id": "1-0b13154b-d92d-46c3-b18b-838c4c9fb88d",
                    "name": "student1",
                    "sections": [{ "id": "1-s1", "name": "Homework" }]
                }
            ]
        }]
    })))
    .await;

    let page = client(&server)
        .user("teacher1@contoso.com")
        .notebooks()
        .list()
        .expand(["sections", "sectionGroups(expand=sections)"])
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected::get(
            "/v1.0/users/teacher1%40contoso.com/notes/notebooks?$expand=sections,sectionGroups(expand%3Dsections)",
        ),
    );
    let notebook = &page.value[0];
    let sections = notebook.sections.clone().unwrap_or_default();
    assert_eq!(sections.len(), 1);
    assert_eq!(sections[0].name.as_deref(), Some("Quizzes"));
    assert_eq!(sections[0].pages_url.as_deref(), Some("pagesUrl-value"));
    let groups = notebook.section_groups.clone().unwrap_or_default();
    assert_eq!(groups[0].name.as_deref(), Some("student1"));
    assert_eq!(
        groups[0]
            .sections
            .as_ref()
            .and_then(|s| s.first())
            .and_then(|s| s.name.as_deref()),
        Some("Homework")
    );
}

#[tokio::test]
async fn list_notebooks_sends_every_documented_odata_option() {
    // The documented "select & expand & filter" example, plus the remaining options.
    let server = server_answering(ResponseTemplate::new(200).set_body_json(json!({
        "@odata.count": 3,
        "@odata.nextLink": "https://www.onenote.com/api/v1.0/me/notes/notebooks?$skip=2",
        "value": []
    })))
    .await;

    let page = client(&server)
        .me()
        .notebooks()
        .list()
        .select(["name"])
        .expand(["sections(select=name,pagesUrl)"])
        .filter("isDefault eq true")
        .orderby("lastModifiedTime desc")
        .top(1)
        .skip(1)
        .count(true)
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected::get(
            "/v1.0/me/notes/notebooks?$filter=isDefault%20eq%20true&$orderby=lastModifiedTime%20desc&$select=name&$top=1&$skip=1&$expand=sections(select%3Dname,pagesUrl)&$count=true",
        ),
    );
    assert_eq!(page.count, Some(3));
    assert_eq!(
        page.next_link.as_deref(),
        Some("https://www.onenote.com/api/v1.0/me/notes/notebooks?$skip=2")
    );
}

#[tokio::test]
async fn get_notebook_sends_select_and_expand_and_decodes_the_notebook() {
    // Graph's "Get notebook" example answers with placeholders (`"userRole": {}`), so this uses
    // the full notebook of its "Create notebook" example instead.
    let server =
        server_answering(ResponseTemplate::new(200).set_body_json(created_notebook())).await;

    let notebook = client(&server)
        .site(
            "09d1a587-a84b-4264-3d15-669429be8cc5",
            "d9e4d5c8-683f-4363-89ae-18c4e3da91e9",
        )
        .notebook(NOTEBOOK)
        .get()
        .select(["id", "name", "links"])
        .expand(["sections"])
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected::get(
            "/v1.0/myOrganization/siteCollections/09d1a587-a84b-4264-3d15-669429be8cc5/sites/d9e4d5c8-683f-4363-89ae-18c4e3da91e9/notes/notebooks/1-10143016-70dc-4449-b92a-3015225f800d?$select=id,name,links&$expand=sections",
        ),
    );
    assert_eq!(notebook.id.as_deref(), Some(NOTEBOOK));
    assert_eq!(notebook.self_.as_deref(), Some(GRAPH_NOTEBOOK_URL));
    assert_eq!(notebook.user_role, Some(UserRole::Owner));
    assert_eq!(
        notebook.odata_context.as_deref(),
        Some(
            "https://graph.microsoft.com/v1.0/$metadata#users('7d54cb02-aaa3-4016-9f9c-a4b49422dd9b')/onenote/notebooks/$entity"
        )
    );
    // Graph's `displayName` is not the onenote.com `name`.
    assert_eq!(notebook.name, None);
}

#[tokio::test]
async fn create_notebook_posts_the_name_and_decodes_the_created_notebook() {
    let server =
        server_answering(ResponseTemplate::new(201).set_body_json(created_notebook())).await;

    let notebook = client(&server)
        .group("1d13f814-83e5-4c11-8294-53bf40defd91")
        .notebooks()
        .create(CreateNotebook::new("My Private notebook"))
        .send()
        .await
        .unwrap();

    let request = only_request(&server).await;
    assert_request(
        &request,
        Expected::post(
            "/v1.0/myOrganization/groups/1d13f814-83e5-4c11-8294-53bf40defd91/notes/notebooks",
            json!({ "name": "My Private notebook" }),
        ),
    );
    assert_body_bytes(&request, r#"{"name":"My Private notebook"}"#);
    assert_eq!(notebook.id.as_deref(), Some(NOTEBOOK));
    assert_eq!(notebook.is_shared, Some(false));
    assert_eq!(
        notebook
            .links
            .and_then(|l| l.one_note_web_url)
            .and_then(|l| l.href)
            .as_deref(),
        Some(WEB_URL)
    );
}
