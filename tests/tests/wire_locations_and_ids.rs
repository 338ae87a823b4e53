//! Wire tests that every location root prefixes every kind of path, that the version is
//! chosen on the client, and that hostile ids can never change which endpoint is called.

use onenote_api::{CreateSectionGroup, Location, Notes, Principal, PrincipalType, Version};
use tests::wire::{TOKEN, client};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    server
}

async fn targets(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect()
}

/// Sends one call of every kind of path from `notes`; the server answers 204, so calls that
/// expect a body fail to decode, which does not matter here: the request was sent.
async fn one_call_of_each_kind<L: Location>(notes: Notes<L>) {
    let person = || Principal::new("student1@contoso.com", PrincipalType::Person);
    let _ = notes.class_notebooks().list().send().await;
    let _ = notes.class_notebook("nb").delete().send().await;
    let _ = notes
        .class_notebook("nb")
        .students()
        .add(person())
        .send()
        .await;
    let _ = notes
        .class_notebook("nb")
        .teacher("t@x")
        .remove()
        .send()
        .await;
    let _ = notes.class_notebook("nb").repair().send().await;
    let _ = notes.page("pg").get().send().await;
    let _ = notes.operation("op").get().send().await;
    let _ = notes.notebook("nb").permissions().list().send().await;
    let _ = notes
        .section_group("sg")
        .permission("p")
        .delete()
        .send()
        .await;
    let _ = notes.section("s").permission("p").delete().send().await;
    let _ = notes.notebooks().list().send().await;
    let _ = notes.notebook("nb").sections().list().send().await;
    let _ = notes
        .section_group("sg")
        .section_groups()
        .create(CreateSectionGroup::new("Term 1"))
        .send()
        .await;
    let _ = notes.all_section_groups().list().send().await;
    let _ = notes.section("s").pages().list().send().await;
    let title = onenote_api::PatchContentCommand::new("title", onenote_api::PatchAction::Replace);
    let _ = notes.page("pg").update_content(vec![title]).send().await;
}

const KINDS: [&str; 16] = [
    "GET {root}/notes/classNotebooks",
    "DELETE {root}/notes/classNotebooks/nb",
    "POST {root}/notes/classNotebooks/nb/students",
    "DELETE {root}/notes/classNotebooks/nb/teachers/t%40x",
    "POST {root}/notes/classNotebooks/nb/Microsoft.OneNote.Api.RepairNotebook",
    "GET {root}/notes/pages/pg",
    "GET {root}/notes/operations/op",
    "GET {root}/notes/notebooks/nb/permissions",
    "DELETE {root}/notes/sectiongroups/sg/permissions/p",
    "DELETE {root}/notes/sections/s/permissions/p",
    "GET {root}/notes/notebooks",
    "GET {root}/notes/notebooks/nb/sections",
    "POST {root}/notes/sectiongroups/sg/sectiongroups",
    "GET {root}/notes/sectiongroups",
    "GET {root}/notes/sections/s/pages",
    "PATCH {root}/notes/pages/pg/content",
];

fn expected(root: &str) -> Vec<String> {
    KINDS.iter().map(|k| k.replace("{root}", root)).collect()
}

#[tokio::test]
async fn me_prefixes_every_kind_of_path() {
    let server = server().await;
    one_call_of_each_kind(client(&server).me()).await;
    assert_eq!(targets(&server).await, expected("/v1.0/me"));
}

#[tokio::test]
async fn user_prefixes_every_kind_of_path() {
    let server = server().await;
    one_call_of_each_kind(client(&server).user("teacher1@contoso.com")).await;
    assert_eq!(
        targets(&server).await,
        expected("/v1.0/users/teacher1%40contoso.com")
    );
}

#[tokio::test]
async fn site_prefixes_every_kind_of_path() {
    let server = server().await;
    one_call_of_each_kind(client(&server).site(
        "09d1a587-a84b-4264-3d15-669429be8cc5",
        "d9e4d5c8-683f-4363-89ae-18c4e3da91e9",
    ))
    .await;
    assert_eq!(
        targets(&server).await,
        expected(
            "/v1.0/myOrganization/siteCollections/09d1a587-a84b-4264-3d15-669429be8cc5/sites/d9e4d5c8-683f-4363-89ae-18c4e3da91e9"
        )
    );
}

#[tokio::test]
async fn group_prefixes_every_kind_of_path() {
    let server = server().await;
    one_call_of_each_kind(client(&server).group("1d13f814-83e5-4c11-8294-53bf40defd91")).await;
    assert_eq!(
        targets(&server).await,
        expected("/v1.0/myOrganization/groups/1d13f814-83e5-4c11-8294-53bf40defd91")
    );
}

#[tokio::test]
async fn the_version_is_chosen_on_the_client() {
    let server = server().await;
    let beta = onenote_api::Client::builder()
        .base_url(server.uri())
        .version(Version::Beta)
        .token_provider(onenote_api::StaticToken::new(TOKEN))
        .build()
        .unwrap();

    beta.me()
        .class_notebook("nb")
        .delete()
        .send()
        .await
        .unwrap();

    assert_eq!(
        targets(&server).await,
        ["DELETE /beta/me/notes/classNotebooks/nb"]
    );
}

/// Ids that would change the endpoint if they went into the path as written.
const HOSTILE: [(&str, &str); 11] = [
    ("a/b", "a%2Fb"),
    ("../../users/x", "..%2F..%2Fusers%2Fx"),
    ("?$select=x", "%3F%24select%3Dx"),
    ("#fragment", "%23fragment"),
    ("%2F", "%252F"),
    ("with space", "with%20space"),
    ("teacher@contoso.com", "teacher%40contoso.com"),
    ("Grüße-日本", "Gr%C3%BC%C3%9Fe-%E6%97%A5%E6%9C%AC"),
    ("o'brien", "o%27brien"),
    ("a\\b", "a%5Cb"),
    ("semi;colon", "semi%3Bcolon"),
];

#[tokio::test]
async fn hostile_ids_stay_inside_their_own_segment() {
    let server = server().await;
    let client = client(&server);
    for (id, _) in HOSTILE {
        client
            .me()
            .class_notebook(id)
            .delete()
            .send()
            .await
            .unwrap();
    }
    let expected: Vec<String> = HOSTILE
        .iter()
        .map(|(_, encoded)| format!("DELETE /v1.0/me/notes/classNotebooks/{encoded}"))
        .collect();
    assert_eq!(targets(&server).await, expected);
}

#[tokio::test]
async fn hostile_notebook_section_group_section_and_page_ids_stay_inside_their_own_segment() {
    let server = server().await;
    let client = client(&server);
    let notes = client.me();
    for (id, _) in HOSTILE {
        let _ = notes.notebook(id).get().send().await;
        let _ = notes.section_group(id).sections().list().send().await;
        let _ = notes.section(id).pages().list().send().await;
        notes.page(id).delete().send().await.unwrap();
    }
    let expected: Vec<String> = HOSTILE
        .iter()
        .flat_map(|(_, encoded)| {
            [
                format!("GET /v1.0/me/notes/notebooks/{encoded}"),
                format!("GET /v1.0/me/notes/sectiongroups/{encoded}/sections"),
                format!("GET /v1.0/me/notes/sections/{encoded}/pages"),
                format!("DELETE /v1.0/me/notes/pages/{encoded}"),
            ]
        })
        .collect();
    assert_eq!(targets(&server).await, expected);
}

#[tokio::test]
async fn hostile_location_ids_stay_inside_their_own_segment() {
    let server = server().await;
    let client = client(&server);
    client
        .group("../me")
        .class_notebook("nb")
        .delete()
        .send()
        .await
        .unwrap();
    client
        .site("a/b", "?c")
        .class_notebook("nb")
        .delete()
        .send()
        .await
        .unwrap();
    assert_eq!(
        targets(&server).await,
        [
            "DELETE /v1.0/myOrganization/groups/..%2Fme/notes/classNotebooks/nb",
            "DELETE /v1.0/myOrganization/siteCollections/a%2Fb/sites/%3Fc/notes/classNotebooks/nb",
        ]
    );
}

#[tokio::test]
async fn dot_segment_ids_are_refused_before_anything_is_sent() {
    let server = server().await;
    let client = client(&server);
    let cases = [
        (
            ".",
            "deleteClassNotebook: the path \"me/notes/classNotebooks/%2E\" would be sent as \"/v1.0/me/notes/classNotebooks/\" after URL normalisation (an id of `.` or `..`?); refusing to send it",
        ),
        (
            "..",
            "deleteClassNotebook: the path \"me/notes/classNotebooks/%2E%2E\" would be sent as \"/v1.0/me/notes/\" after URL normalisation (an id of `.` or `..`?); refusing to send it",
        ),
    ];
    for (id, message) in cases {
        let error = client
            .me()
            .class_notebook(id)
            .delete()
            .send()
            .await
            .unwrap_err();
        assert_eq!(error.to_string(), message, "id {id:?}");
    }
    assert_eq!(targets(&server).await, Vec::<String>::new());
}

#[tokio::test]
async fn hostile_page_ids_stay_inside_the_odata_literal() {
    let server = server().await;
    let client = client(&server);
    let body = onenote_api::DistributePageToStudent::new(
        "student1@contoso.net",
        "2018-12-15T23:17:16Z".parse().unwrap(),
        "quizes",
    );
    let _ = client
        .me()
        .class_notebook("nb")
        .distribute_page_to_student("x')/../../y('", body)
        .send()
        .await;
    assert_eq!(
        targets(&server).await,
        [
            "POST /v1.0/me/notes/classNotebooks/nb/pages('x%27%27%29%2F..%2F..%2Fy%28%27%27')/Microsoft.OneNote.Api.DistributePageToStudent"
        ]
    );
}
