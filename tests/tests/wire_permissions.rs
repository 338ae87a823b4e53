//! Wire tests for permissions on notebooks, section groups and sections (inventory rows 23–26).

use onenote_api::{CreatePermission, UserRole};
use serde_json::json;
use tests::wire::{Expected, assert_request, client, only_request, server_answering};
use wiremock::ResponseTemplate;

const NOTEBOOK: &str = "1-313dc828-dd55-4c71-82c3-f9c30a40e7c5";

#[tokio::test]
async fn create_permission_posts_the_documented_owner_and_decodes_the_permission() {
    let server = server_answering(ResponseTemplate::new(201).set_body_json(json!({
        "@odata.context": "https://www.onenote.com/api/v1.0/$metadata#me/notes/notebooks('1-313dc828-dd55-4c71-82c3-f9c30a40e7c5')/permissions/$entity",
        "userRole": "Owner",
        "userId": "i:0#.f|membership|alexd@domainname.com",
        "name": "Alex Darrow",
        "id": "1-23",
        "self": "https://www.onenote.com/api/v1.0/me/notes/notebooks/1-313dc828-dd55-4c71-82c3-f9c30a40e7c5/permissions/1-23"
    })))
    .await;

    let permission = client(&server)
        .me()
        .notebook(NOTEBOOK)
        .permissions()
        .create(CreatePermission::new(
            UserRole::Owner,
            "i:0#.f|membership|alexd@domainname.com",
        ))
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected {
            method: "POST",
            target: "/v1.0/me/notes/notebooks/1-313dc828-dd55-4c71-82c3-f9c30a40e7c5/permissions",
            body: Some(json!({
                "userRole": "Owner",
                "userId": "i:0#.f|membership|alexd@domainname.com"
            })),
            respond_async: false,
        },
    );
    assert_eq!(permission.id.as_deref(), Some("1-23"));
    assert_eq!(permission.name.as_deref(), Some("Alex Darrow"));
    assert_eq!(permission.user_role, Some(UserRole::Owner));
    assert_eq!(
        permission.self_.as_deref(),
        Some(
            "https://www.onenote.com/api/v1.0/me/notes/notebooks/1-313dc828-dd55-4c71-82c3-f9c30a40e7c5/permissions/1-23"
        )
    );
}

#[tokio::test]
async fn list_permissions_decodes_the_documented_collection() {
    // The documents' example, trailing comma removed; the first `self` keeps its missing segment.
    let server = server_answering(ResponseTemplate::new(200).set_body_json(json!({
        "@odata.context": "https://www.onenote.com/api/v1.0/$metadata#me/notes/notebooks('1-313dc828-dd55-4c71-82c3-f9c30a40e7c5')/permissions",
        "value": [
            {
                "userRole": "Owner",
                "userId": "c:0(.s|true",
                "name": "Everyone",
                "id": "1-4",
                "self": "https://www.onenote.com/api/v1.0/me/notes/notebooks/1-313dc828-dd55-4c71-82c3-f9c30a40e7c5/1-4"
            },
            {
                "userRole": "Owner",
                "userId": "c:0-.f|rolemanager|spo-grid-all-users/8461cbdd-15a6-45c8-b177-ac24f48a8bee",
                "name": "Everyone except external users",
                "id": "1-5",
                "self": "https://www.onenote.com/api/v1.0/me/notes/notebooks/1-313dc828-dd55-4c71-82c3-f9c30a40e7c5/permissions/1-5"
            },
            {
                "userRole": "Owner",
                "userId": "i:0#.f|membership|alexd@domainname.com",
                "name": "Alex Darrow",
                "id": "1-23",
                "self": "https://www.onenote.com/api/v1.0/me/notes/notebooks/1-313dc828-dd55-4c71-82c3-f9c30a40e7c5/permissions/1-23"
            }
        ]
    })))
    .await;

    let page = client(&server)
        .me()
        .notebook(NOTEBOOK)
        .permissions()
        .list()
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected {
            method: "GET",
            target: "/v1.0/me/notes/notebooks/1-313dc828-dd55-4c71-82c3-f9c30a40e7c5/permissions",
            body: None,
            respond_async: false,
        },
    );
    let ids: Vec<_> = page
        .value
        .iter()
        .map(|p| p.id.as_deref().unwrap_or(""))
        .collect();
    assert_eq!(ids, ["1-4", "1-5", "1-23"]);
    assert_eq!(page.value[0].user_id.as_deref(), Some("c:0(.s|true"));
    assert!(
        page.context
            .as_deref()
            .unwrap_or("")
            .ends_with("/permissions")
    );
}

#[tokio::test]
async fn list_permissions_on_a_section_group_sends_the_odata_options_it_allows() {
    let server =
        server_answering(ResponseTemplate::new(200).set_body_json(json!({ "value": [] }))).await;

    client(&server)
        .user("teacher1@contoso.com")
        .section_group("1-sg")
        .permissions()
        .list()
        .filter("userRole eq 'Reader'")
        .orderby("name")
        .select(["id", "userRole"])
        .top(5)
        .skip(1)
        .count(true)
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected {
            method: "GET",
            target: "/v1.0/users/teacher1%40contoso.com/notes/sectiongroups/1-sg/permissions?$filter=userRole%20eq%20%27Reader%27&$orderby=name&$select=id,userRole&$top=5&$skip=1&$count=true",
            body: None,
            respond_async: false,
        },
    );
}

#[tokio::test]
async fn get_permission_on_a_section_selects_properties() {
    let server = server_answering(
        ResponseTemplate::new(200).set_body_json(json!({ "id": "1-23", "userRole": "Reader" })),
    )
    .await;

    let permission = client(&server)
        .group("1d13f814-83e5-4c11-8294-53bf40defd91")
        .section("1-85ba33b1-4959-4102-8dcd-d98e4e56e56f")
        .permission("1-23")
        .get()
        .select(["id", "userRole"])
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected {
            method: "GET",
            target: "/v1.0/myOrganization/groups/1d13f814-83e5-4c11-8294-53bf40defd91/notes/sections/1-85ba33b1-4959-4102-8dcd-d98e4e56e56f/permissions/1-23?$select=id,userRole",
            body: None,
            respond_async: false,
        },
    );
    assert_eq!(permission.user_role, Some(UserRole::Reader));
}

#[tokio::test]
async fn delete_permission_deletes_the_documented_permission() {
    let server = server_answering(ResponseTemplate::new(204)).await;

    client(&server)
        .me()
        .notebook(NOTEBOOK)
        .permission("1-23")
        .delete()
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected {
            method: "DELETE",
            target: "/v1.0/me/notes/notebooks/1-313dc828-dd55-4c71-82c3-f9c30a40e7c5/permissions/1-23",
            body: None,
            respond_async: false,
        },
    );
}

#[tokio::test]
async fn grant_reader_on_a_section_of_a_site_notebook() {
    let server = server_answering(
        ResponseTemplate::new(201).set_body_json(json!({ "id": "1-30", "userRole": "Reader" })),
    )
    .await;

    client(&server)
        .site(
            "09d1a587-a84b-4264-3d15-669429be8cc5",
            "d9e4d5c8-683f-4363-89ae-18c4e3da91e9",
        )
        .section("1-85ba33b1-4959-4102-8dcd-d98e4e56e56f")
        .permissions()
        .create(CreatePermission::new(
            UserRole::Reader,
            "student1@contoso.com",
        ))
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected {
            method: "POST",
            target: "/v1.0/myOrganization/siteCollections/09d1a587-a84b-4264-3d15-669429be8cc5/sites/d9e4d5c8-683f-4363-89ae-18c4e3da91e9/notes/sections/1-85ba33b1-4959-4102-8dcd-d98e4e56e56f/permissions",
            body: Some(json!({ "userRole": "Reader", "userId": "student1@contoso.com" })),
            respond_async: false,
        },
    );
}
