//! One test per kind of rule the documents state about inputs (`onenote_api::schema`): a
//! request that breaks it is refused before sending, with an `InvalidRequest` error naming the
//! field and the rule, and the code the service answers with; nothing reaches the server.
//! (`onenote-fake`'s `rules` tests send the same requests past the client: the fake refuses
//! them with the same code and message.)

use onenote_api::{
    CopyNotebook, CopySectionsToContentLibrary, CreateClassNotebook, CreateNotebook,
    CreatePermission, CreateSection, Error, ErrorCode, ErrorKind, PageContent, RetryPolicy,
    UserRole,
};

use super::{harness, requests};

const NOTEBOOK: &str = "1-10143016-70dc-4449-b92a-3015225f800d";

/// Sends nothing, and is refused as `text` with `code`.
async fn refused(
    sent: impl std::future::Future<Output = Result<impl std::fmt::Debug, Error>>,
    server: &wiremock::MockServer,
    text: &str,
    code: ErrorCode,
) {
    let error = sent.await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidRequest);
    assert_eq!(error.to_string(), text);
    assert_eq!(error.code(), Some(code));
    assert_eq!(error.status(), None);
    assert!(requests(server).await.is_empty(), "nothing is sent");
}

#[tokio::test]
async fn an_empty_name_is_refused_before_sending() {
    let h = harness(RetryPolicy::default()).await;
    let sections = h.client.me().notebook(NOTEBOOK).sections();
    refused(
        sections.create(CreateSection::new("")).send(),
        &h.server,
        "createSection: `name` is empty; it takes at least 1 character",
        ErrorCode::MissingName,
    )
    .await;
}

#[tokio::test]
async fn a_notebook_name_over_128_characters_is_refused_before_sending() {
    let h = harness(RetryPolicy::default()).await;
    let name = "n".repeat(129);
    refused(
        h.client
            .me()
            .notebooks()
            .create(CreateNotebook::new(name))
            .send(),
        &h.server,
        "createNotebook: `name` has 129 characters; it takes at most 128",
        ErrorCode::NameTooLong,
    )
    .await;
}

#[tokio::test]
async fn a_character_section_names_may_not_contain_is_refused_before_sending() {
    let h = harness(RetryPolicy::default()).await;
    let sections = h.client.me().notebook(NOTEBOOK).sections();
    refused(
        sections.create(CreateSection::new("Week 1/2")).send(),
        &h.server,
        "createSection: `name` contains '/', which it may not contain (none of ? * \\ / : < > | & # \" % ~)",
        ErrorCode::InvalidEntityName,
    )
    .await;
}

#[tokio::test]
async fn each_item_of_a_list_keeps_the_items_rules() {
    let h = harness(RetryPolicy::default()).await;
    let body = CreateClassNotebook::new("Math 101")
        .with_student_sections(vec!["Handouts".into(), "Quiz: week 1".into()]);
    refused(
        h.client.me().class_notebooks().create(body).send(),
        &h.server,
        "createClassNotebook: `studentSections[1]` contains ':', which it may not contain (none of ? * \\ / : < > | & # \" % ~)",
        ErrorCode::InvalidEntityName,
    )
    .await;
}

#[tokio::test]
async fn an_empty_list_the_documents_want_one_or_more_of_is_refused_before_sending() {
    let h = harness(RetryPolicy::default()).await;
    let notebook = h.client.me().class_notebook(NOTEBOOK);
    refused(
        notebook
            .copy_sections_to_content_library(CopySectionsToContentLibrary::new(Vec::new()))
            .send(),
        &h.server,
        "copySectionsToContentLibrary: `sectionIds` is empty; it takes at least 1 item",
        ErrorCode::InvalidBody,
    )
    .await;
}

#[tokio::test]
async fn an_unknown_enum_value_in_a_request_is_refused_before_sending() {
    let h = harness(RetryPolicy::default()).await;
    let permissions = h.client.me().notebook(NOTEBOOK).permissions();
    let grant = CreatePermission::new(UserRole::Unknown("Admin".into()), "a@contoso.com");
    refused(
        permissions.create(grant).send(),
        &h.server,
        "createPermission: `userRole` is \"Admin\", which is not one of: Owner, Contributor, Reader",
        ErrorCode::InvalidBody,
    )
    .await;
}

#[tokio::test]
async fn an_order_that_is_not_the_responses_properties_is_refused_before_sending() {
    let h = harness(RetryPolicy::default()).await;
    refused(
        h.client
            .me()
            .notebooks()
            .list()
            .orderby("name sideways")
            .send(),
        &h.server,
        "listNotebooks: `$orderby` is \"name sideways\", which is not a comma-separated list of \
         Notebook's properties (id, name, self, createdBy, createdTime, lastModifiedBy, \
         lastModifiedTime, isDefault, isShared, userRole, sectionsUrl, sectionGroupsUrl), each \
         optionally followed by `asc` or `desc`",
        ErrorCode::ODataSyntaxError,
    )
    .await;
}

#[tokio::test]
async fn a_property_the_response_lacks_is_refused_in_select_before_sending() {
    let h = harness(RetryPolicy::default()).await;
    refused(
        h.client.me().notebooks().list().select(["nmae"]).send(),
        &h.server,
        "listNotebooks: `$select` is \"nmae\", which is not one of: id, name, self, createdBy, \
         createdTime, lastModifiedBy, lastModifiedTime, isDefault, isShared, userRole, \
         sectionsUrl, sectionGroupsUrl, links, sections, sectionGroups",
        ErrorCode::PropertyNotFound,
    )
    .await;
}

#[tokio::test]
async fn a_query_parameter_keeps_its_rules() {
    let h = harness(RetryPolicy::default()).await;
    let create = h
        .client
        .me()
        .all_pages()
        .create(PageContent::html("<p>Hi</p>"))
        .section_name("Week 1/2");
    refused(
        create.send(),
        &h.server,
        "createPageInDefaultNotebook: `sectionName` contains '/', which it may not contain (none of ? * \\ / : < > | & # \" % ~)",
        ErrorCode::InvalidEntityName,
    )
    .await;
}

#[tokio::test]
async fn an_empty_page_is_refused_before_sending() {
    let h = harness(RetryPolicy::default()).await;
    let pages = h.client.me().section("1-0bc35248").pages();
    refused(
        pages.create(PageContent::html("")).send(),
        &h.server,
        "createPage: `Presentation` is empty; it takes at least 1 character",
        ErrorCode::InvalidBody,
    )
    .await;
}

#[tokio::test]
async fn fields_of_two_alternative_groups_are_refused_before_sending() {
    let h = harness(RetryPolicy::default()).await;
    let body = CopyNotebook::default()
        .with_group_id("g1")
        .with_site_collection_id("sc1")
        .with_site_id("s1");
    refused(
        h.client.me().notebook(NOTEBOOK).copy(body).send(),
        &h.server,
        "copyNotebook: `groupId` and `siteCollectionId` are alternatives in CopyNotebook: send \
         one of groupId; siteCollectionId and siteId, not both",
        ErrorCode::InvalidBody,
    )
    .await;
}

#[tokio::test]
async fn half_of_an_alternative_group_is_refused_before_sending() {
    let h = harness(RetryPolicy::default()).await;
    let body = CopyNotebook::default().with_site_id("s1");
    refused(
        h.client.me().notebook(NOTEBOOK).copy(body).send(),
        &h.server,
        "copyNotebook: `siteId` goes with `siteCollectionId` in CopyNotebook: send both, or \
         neither",
        ErrorCode::InvalidBody,
    )
    .await;
}

#[tokio::test]
async fn an_empty_filter_is_refused_before_sending() {
    let h = harness(RetryPolicy::default()).await;
    refused(
        h.client.me().notebooks().list().filter("").send(),
        &h.server,
        "listNotebooks: `$filter` is empty; it takes at least 1 character",
        ErrorCode::ODataSyntaxError,
    )
    .await;
}

#[tokio::test]
async fn an_expand_the_operation_does_not_take_is_refused_before_sending() {
    let h = harness(RetryPolicy::default()).await;
    let list = h.client.me().class_notebooks().list();
    refused(
        list.expand(["pupils"]).send(),
        &h.server,
        "listClassNotebooks: `$expand` is \"pupils\", which is not one of: teachers, students",
        ErrorCode::PropertyNotFound,
    )
    .await;
}
