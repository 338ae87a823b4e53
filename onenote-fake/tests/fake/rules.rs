//! The rules the documents state about inputs are checked on receipt with the client's own
//! check (`onenote_api::schema`): one test per kind of rule, each sending the same request
//! twice, through the client (which refuses it before sending: nothing reaches the fake) and
//! past it, as raw HTTP (which the fake refuses with `400`, the same code and the same
//! message). The rules are checked before what a request names is looked up.

use onenote_api::{
    CopyNotebook, CopySectionsToContentLibrary, CreateClassNotebook, CreateNotebook,
    CreatePermission, CreateSection, Error, ErrorKind, UserRole,
};
use onenote_fake::FakeOneNote;

use crate::harness::{FRACTIONS, RawResponse, TEACHER, bearer, client, raw, send, start};

const NOTEBOOK: &str = "1-10143016-70dc-4449-b92a-3015225f800d";

/// The client refused `sent` without sending anything, and the fake refuses the same request
/// sent past the client (`method`, `target`, `body`) with the same code and message.
async fn refused_alike<T: std::fmt::Debug>(
    fake: &FakeOneNote,
    sent: impl std::future::Future<Output = Result<T, Error>>,
    method: &str,
    target: &str,
    body: Option<serde_json::Value>,
) {
    let error = refused_before_sending(fake, sent).await;
    answered_alike(&error, &send(fake, method, target, TEACHER, body).await);
}

/// A page's HTML `body` sent past the client to `target` as `text/html`.
async fn html_past_the_client(fake: &FakeOneNote, target: &str, body: &[u8]) -> RawResponse {
    let auth = bearer(TEACHER);
    let headers = [
        ("Authorization", auth.as_str()),
        ("Content-Type", "text/html"),
    ];
    raw(fake, "POST", target, &headers, body).await
}

/// The client's refusal of `sent`, which reached nothing.
async fn refused_before_sending<T: std::fmt::Debug>(
    fake: &FakeOneNote,
    sent: impl std::future::Future<Output = Result<T, Error>>,
) -> Error {
    let before = fake.journal().len();
    let error = sent.await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidRequest, "{error}");
    assert_eq!(fake.journal().len(), before, "the client sends nothing");
    error
}

/// The fake's `400` carries the code and message of the client's `error`.
fn answered_alike(error: &Error, answer: &RawResponse) {
    assert_eq!(answer.status, 400, "{}", answer.json());
    let code = answer.json()["error"]["code"].as_str().unwrap().to_owned();
    assert_eq!(error.code().map(|c| c.as_str().to_owned()), Some(code));
    let message = answer.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    let operation = error.operation().unwrap_or_default();
    assert_eq!(error.to_string(), format!("{operation}: {message}"));
}

fn json(body: &impl serde::Serialize) -> Option<serde_json::Value> {
    Some(serde_json::to_value(body).unwrap())
}

#[tokio::test]
async fn an_empty_name_is_refused_as_the_client_refuses_it() {
    let (fake, _clock) = start().await;
    let body = CreateSection::new("");
    let sections = client(&fake, TEACHER).me().notebook(NOTEBOOK).sections();
    let path = format!("/v1.0/me/notes/notebooks/{NOTEBOOK}/sections");
    refused_alike(
        &fake,
        sections.create(body.clone()).send(),
        "POST",
        &path,
        json(&body),
    )
    .await;
}

#[tokio::test]
async fn a_notebook_name_over_128_characters_is_refused_as_the_client_refuses_it() {
    let (fake, _clock) = start().await;
    let body = CreateNotebook::new("n".repeat(129));
    let notebooks = client(&fake, TEACHER).me().notebooks();
    refused_alike(
        &fake,
        notebooks.create(body.clone()).send(),
        "POST",
        "/v1.0/me/notes/notebooks",
        json(&body),
    )
    .await;
}

#[tokio::test]
async fn a_forbidden_character_in_a_list_item_is_refused_as_the_client_refuses_it() {
    let (fake, _clock) = start().await;
    let body = CreateClassNotebook::new("Math 101")
        .with_student_sections(vec!["Handouts".into(), "Quiz: week 1".into()]);
    let notebooks = client(&fake, TEACHER).me().class_notebooks();
    refused_alike(
        &fake,
        notebooks.create(body.clone()).send(),
        "POST",
        "/v1.0/me/notes/classNotebooks",
        json(&body),
    )
    .await;
}

#[tokio::test]
async fn an_empty_list_is_refused_as_the_client_refuses_it() {
    let (fake, _clock) = start().await;
    let body = CopySectionsToContentLibrary::new(Vec::new());
    let notebook = client(&fake, TEACHER).me().class_notebook(NOTEBOOK);
    refused_alike(
        &fake,
        notebook
            .copy_sections_to_content_library(body.clone())
            .send(),
        "POST",
        &format!("/v1.0/me/notes/classNotebooks/{NOTEBOOK}/copySectionsToContentLibrary"),
        json(&body),
    )
    .await;
}

#[tokio::test]
async fn an_unknown_enum_value_is_refused_as_the_client_refuses_it() {
    let (fake, _clock) = start().await;
    let body = CreatePermission::new(UserRole::Unknown("Admin".into()), "student1@contoso.com");
    let permissions = client(&fake, TEACHER).me().section(FRACTIONS).permissions();
    refused_alike(
        &fake,
        permissions.create(body.clone()).send(),
        "POST",
        &format!("/v1.0/me/notes/sections/{FRACTIONS}/permissions"),
        json(&body),
    )
    .await;
}

#[tokio::test]
async fn an_order_that_is_not_the_responses_properties_is_refused_as_the_client_refuses_it() {
    let (fake, _clock) = start().await;
    let list = client(&fake, TEACHER).me().notebooks().list();
    refused_alike(
        &fake,
        list.orderby("name sideways").send(),
        "GET",
        "/v1.0/me/notes/notebooks?$orderby=name%20sideways",
        None,
    )
    .await;
}

#[tokio::test]
async fn top_over_its_maximum_is_refused_as_the_client_refuses_it() {
    let (fake, _clock) = start().await;
    let list = client(&fake, TEACHER).me().all_pages().list();
    refused_alike(
        &fake,
        list.top(101).send(),
        "GET",
        "/v1.0/me/notes/pages?$top=101",
        None,
    )
    .await;
}

#[tokio::test]
async fn an_unknown_property_in_select_is_refused_as_the_client_refuses_it() {
    let (fake, _clock) = start().await;
    let list = client(&fake, TEACHER).me().all_sections().list();
    refused_alike(
        &fake,
        list.select(["nmae"]).send(),
        "GET",
        "/v1.0/me/notes/sections?$select=nmae",
        None,
    )
    .await;
}

#[tokio::test]
async fn an_empty_page_is_refused_as_the_client_refuses_it() {
    let (fake, _clock) = start().await;
    let pages = client(&fake, TEACHER).me().section(FRACTIONS).pages();
    let sent = pages.create(onenote_api::PageContent::html("")).send();
    let error = refused_before_sending(&fake, sent).await;
    let target = format!("/api/v1.0/me/notes/sections/{FRACTIONS}/pages");
    answered_alike(&error, &html_past_the_client(&fake, &target, b"").await);
}

#[tokio::test]
async fn fields_of_two_alternative_groups_are_refused_as_the_client_refuses_them() {
    let (fake, _clock) = start().await;
    let notebook = fake.state().section(FRACTIONS).unwrap().notebook_id.clone();
    let body = CopyNotebook::default()
        .with_group_id("g1")
        .with_site_collection_id("sc1")
        .with_site_id("s1");
    let handle = client(&fake, TEACHER).me().notebook(&notebook);
    refused_alike(
        &fake,
        handle.copy(body.clone()).send(),
        "POST",
        &format!("/v1.0/me/notes/notebooks/{notebook}/copyNotebook"),
        json(&body),
    )
    .await;
}

#[tokio::test]
async fn a_query_parameter_breaking_its_rule_is_refused_as_the_client_refuses_it() {
    let (fake, _clock) = start().await;
    let pages = client(&fake, TEACHER).me().all_pages();
    let sent = pages
        .create(onenote_api::PageContent::html("<p>Hi</p>"))
        .section_name("Week 1/2")
        .send();
    let error = refused_before_sending(&fake, sent).await;
    let target = "/api/v1.0/me/notes/pages?sectionName=Week%201%2F2";
    answered_alike(
        &error,
        &html_past_the_client(&fake, target, b"<p>Hi</p>").await,
    );
}

#[tokio::test]
async fn an_empty_filter_is_refused_as_the_client_refuses_it() {
    let (fake, _clock) = start().await;
    let list = client(&fake, TEACHER).me().notebooks().list();
    refused_alike(
        &fake,
        list.filter("").send(),
        "GET",
        "/v1.0/me/notes/notebooks?$filter=",
        None,
    )
    .await;
}

#[tokio::test]
async fn an_expand_the_operation_does_not_take_is_refused_as_the_client_refuses_it() {
    let (fake, _clock) = start().await;
    let list = client(&fake, TEACHER).me().class_notebooks().list();
    refused_alike(
        &fake,
        list.expand(["pupils"]).send(),
        "GET",
        "/v1.0/me/notes/classNotebooks?$expand=pupils",
        None,
    )
    .await;
}
