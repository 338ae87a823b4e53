//! Microsoft Graph through the same client: `client.graph()` sends to Graph's root with a
//! Graph token, in Graph's shapes, and what a Graph request leads to (a copy's polls, the next
//! pages) stays on Graph with Graph's token.

use onenote_api::{
    Audience, Client, GraphCopySection, GraphCreateSection, OperationStatus, RetryPolicy,
    StaticToken,
};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::{header, line, requests};

const GRAPH_TOKEN: &str = "graph-token-51c2";
const ONENOTE_TOKEN: &str = "onenote-token-9e07";

/// A client whose onenote.com root is `{server}/api` and Graph root `{server}`, holding one
/// token per audience.
async fn graph_harness() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = Client::builder()
        .base_url(format!("{}/api", server.uri()))
        .graph_base_url(server.uri())
        .token_provider(
            StaticToken::for_audience(Audience::OneNote, ONENOTE_TOKEN)
                .with_audience(Audience::Graph, GRAPH_TOKEN),
        )
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    (server, client)
}

fn bearer(token: &str) -> Option<String> {
    Some(format!("Bearer {token}"))
}

#[tokio::test]
async fn a_graph_list_goes_to_the_graph_root_with_the_graph_token_and_reads_graph_names() {
    let (server, client) = graph_harness().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/me/onenote/notebooks"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('u')/onenote/notebooks",
            "value": [{
                "id": "1-nb",
                "displayName": "Math",
                "createdDateTime": "2024-09-01T08:00:00Z",
                "lastModifiedDateTime": "2024-09-02T08:00:00Z",
                "createdBy": {"user": {"id": "u-1", "displayName": "Ada"}},
                "userRole": "None"
            }]
        })))
        .mount(&server)
        .await;

    let page = client
        .graph()
        .me()
        .notebooks()
        .list()
        .top(5)
        .send()
        .await
        .unwrap();

    let sent = requests(&server).await;
    assert_eq!(line(&sent[0]), "GET /v1.0/me/onenote/notebooks?$top=5");
    assert_eq!(header(&sent[0], "authorization"), bearer(GRAPH_TOKEN));
    let notebook = &page.value[0];
    assert_eq!(notebook.display_name.as_deref(), Some("Math"));
    assert_eq!(
        notebook.created_date_time.as_ref().map(ToString::to_string),
        Some("2024-09-01T08:00:00Z".to_owned())
    );
    let user = notebook.created_by.as_ref().and_then(|by| by.user.as_ref());
    assert_eq!(user.and_then(|u| u.display_name.as_deref()), Some("Ada"));
    assert_eq!(notebook.user_role, Some(onenote_api::GraphUserRole::NoRole));
}

#[tokio::test]
async fn a_graph_create_sends_display_name() {
    let (server, client) = graph_harness().await;
    Mock::given(method("POST"))
        .and(path(
            "/v1.0/users/ada%40contoso.com/onenote/notebooks/1-nb/sections",
        ))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"id": "1-s", "displayName": "Week 1"})),
        )
        .mount(&server)
        .await;

    let section = client
        .graph()
        .user("ada@contoso.com")
        .notebook("1-nb")
        .sections()
        .create(GraphCreateSection::new("Week 1"))
        .send()
        .await
        .unwrap();

    let sent = requests(&server).await;
    let body: serde_json::Value = serde_json::from_slice(&sent[0].body).unwrap();
    assert_eq!(body, json!({"displayName": "Week 1"}));
    assert_eq!(section.display_name.as_deref(), Some("Week 1"));
}

#[tokio::test]
async fn a_graph_copy_is_polled_on_graph_with_the_graph_token() {
    let (server, client) = graph_harness().await;
    let operation = format!("{}/v1.0/me/onenote/operations/copy-7", server.uri());
    Mock::given(method("POST"))
        .and(path("/v1.0/me/onenote/sections/1-s/copyToNotebook"))
        .respond_with(ResponseTemplate::new(202).insert_header("Operation-Location", &*operation))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/me/onenote/operations/copy-7"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "copy-7", "status": "Completed", "resourceId": "1-s2",
            "resourceLocation": "https://graph.microsoft.com/v1.0/me/onenote/sections/1-s2"
        })))
        .mount(&server)
        .await;

    let handle = client
        .graph()
        .me()
        .section("1-s")
        .copy_to_notebook(GraphCopySection::new("1-nb").with_rename_as("Copy"))
        .send()
        .await
        .unwrap();
    assert_eq!(handle.location(), operation);
    let done = handle.poll().await.unwrap();

    assert_eq!(done.status, Some(OperationStatus::Completed));
    let sent = requests(&server).await;
    assert_eq!(line(&sent[1]), "GET /v1.0/me/onenote/operations/copy-7");
    assert_eq!(header(&sent[1], "authorization"), bearer(GRAPH_TOKEN));
    let body: serde_json::Value = serde_json::from_slice(&sent[0].body).unwrap();
    assert_eq!(body, json!({"id": "1-nb", "renameAs": "Copy"}));
}

#[tokio::test]
async fn graph_next_pages_keep_the_graph_token() {
    let (server, client) = graph_harness().await;
    let next = format!("{}/v1.0/me/onenote/pages?%24skip=1", server.uri());
    Mock::given(method("GET"))
        .and(path("/v1.0/me/onenote/pages"))
        .and(wiremock::matchers::query_param_is_missing("$skip"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [{"id": "p1", "title": "One", "userTags": ["to-do"]}],
            "@odata.nextLink": next
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/me/onenote/pages"))
        .and(wiremock::matchers::query_param("$skip", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [{"id": "p2", "title": "Two", "lastModifiedDateTime": "2024-09-02T08:00:00Z"}]
        })))
        .mount(&server)
        .await;

    let pages = client
        .graph()
        .me()
        .all_pages()
        .list()
        .stream()
        .collect_all()
        .await
        .unwrap();

    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0].user_tags, Some(vec!["to-do".to_owned()]));
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 2);
    for request in &sent {
        assert_eq!(header(request, "authorization"), bearer(GRAPH_TOKEN));
    }
}

#[tokio::test]
async fn a_graph_next_link_to_the_onenote_root_is_refused() {
    let (server, client) = graph_harness().await;
    // The onenote.com root here is on the same host; another host would be refused as well.
    Mock::given(method("GET"))
        .and(path("/v1.0/me/onenote/notebooks"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [],
            "@odata.nextLink": "https://www.onenote.com/api/v1.0/me/notes/notebooks?$skip=1"
        })))
        .mount(&server)
        .await;

    let error = client
        .graph()
        .me()
        .notebooks()
        .list()
        .stream()
        .collect_all()
        .await
        .unwrap_err();

    assert_eq!(error.kind(), onenote_api::ErrorKind::InvalidLocation);
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn a_graph_error_quotes_the_request_id_header() {
    let (server, client) = graph_harness().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/groups/g-1/onenote/pages/p-9"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("request-id", "5f0c-graph")
                .set_body_json(json!({"error": {
                    "code": "20102",
                    "message": "The requested resource does not exist.",
                    "innerError": {"date": "2024-09-01T08:00:00", "request-id": "5f0c-graph", "client-request-id": "5f0c-graph"}
                }})),
        )
        .mount(&server)
        .await;

    let error = client
        .graph()
        .group("g-1")
        .page("p-9")
        .get()
        .send()
        .await
        .unwrap_err();

    assert_eq!(error.status(), Some(404));
    assert_eq!(error.correlation_id(), Some("5f0c-graph"));
}

#[tokio::test]
async fn the_onenote_root_still_gets_the_onenote_token() {
    let (server, client) = graph_harness().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": []})))
        .mount(&server)
        .await;

    client.me().notebooks().list().send().await.unwrap();
    client.graph().me().notebooks().list().send().await.unwrap();

    let sent = requests(&server).await;
    assert_eq!(line(&sent[0]), "GET /api/v1.0/me/notes/notebooks");
    assert_eq!(header(&sent[0], "authorization"), bearer(ONENOTE_TOKEN));
    assert_eq!(line(&sent[1]), "GET /v1.0/me/onenote/notebooks");
    assert_eq!(header(&sent[1], "authorization"), bearer(GRAPH_TOKEN));
}

#[tokio::test]
async fn both_services_draw_on_one_pacing_budget() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": []})))
        .mount(&server)
        .await;
    // One request a minute, and no waiting: the second request of the minute fails at once,
    // whichever service it is for.
    let client = Client::builder()
        .base_url(format!("{}/api", server.uri()))
        .graph_base_url(server.uri())
        .bearer_token(ONENOTE_TOKEN)
        .pacing(
            onenote_api::Pacing::custom()
                .limit(1, std::time::Duration::from_secs(60))
                .max_wait(std::time::Duration::ZERO),
        )
        .build()
        .unwrap();

    client.me().notebooks().list().send().await.unwrap();
    let error = client
        .graph()
        .me()
        .notebooks()
        .list()
        .send()
        .await
        .unwrap_err();

    assert_eq!(error.kind(), onenote_api::ErrorKind::PacingLimit);
    assert_eq!(requests(&server).await.len(), 1);
}
