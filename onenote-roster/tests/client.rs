//! The roster's requests on the wire, against a local HTTP server: reading the actual state
//! (`$expand=teachers,students`, every page) and each write of `ClientExecutor`, with the
//! failure classification the engine relies on.

mod support {
    pub mod temp_journal;
}

use onenote_api::{Client, CreateClassNotebook, Principal, PrincipalType, RetryPolicy};
use onenote_roster::{Actual, ClientExecutor, Executor, Member, Outcome, Role, Upn};
use serde_json::{Value, json};
use support::temp_journal::TempJournal;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn server_and_client() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = Client::builder()
        .base_url(server.uri())
        .bearer_token("token")
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    (server, client)
}

fn notebook(id: &str, name: &str, students: &[&str]) -> Value {
    json!({
        "id": id,
        "name": name,
        "teachers": [{"id": "t@contoso.edu", "principalType": "Person"}],
        "students": students.iter().map(|s| json!({"id": s, "principalType": "Person"})).collect::<Vec<_>>(),
    })
}

#[tokio::test]
async fn reading_the_actual_state_expands_members_and_follows_every_page() {
    let (server, client) = server_and_client().await;
    let base = server.uri();
    Mock::given(method("GET"))
        .and(path("/v1.0/me/notes/classNotebooks"))
        .and(query_param("$expand", "teachers,students"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [notebook("1-a", "Art", &["a@contoso.edu"])],
            "@odata.nextLink": format!("{base}/v1.0/me/notes/classNotebooks/page2"),
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/me/notes/classNotebooks/page2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [notebook("1-b", "Biology 10", &["b@contoso.edu", "c@contoso.edu"])],
        })))
        .expect(1)
        .mount(&server)
        .await;
    let actual = Actual::read(&client.me()).await.unwrap();
    let names: Vec<_> = actual
        .classes
        .iter()
        .map(|c| (c.name.as_str(), c.students.len()))
        .collect();
    assert_eq!(names, vec![("Art", 1), ("Biology 10", 2)]);
}

#[tokio::test]
async fn a_listing_without_members_is_an_error_not_an_empty_class() {
    let (server, client) = server_and_client().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/me/notes/classNotebooks"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"value": [{"id": "1-a", "name": "Art"}]})),
        )
        .mount(&server)
        .await;
    let error = Actual::read(&client.me()).await.unwrap_err();
    assert!(
        error.to_string().contains("without its `teachers`"),
        "{error}"
    );
}

fn member(upn: &str) -> Member {
    Member::person(Upn::parse(upn).unwrap())
}

#[tokio::test]
async fn a_create_sends_every_member_in_one_request() {
    let (server, client) = server_and_client().await;
    Mock::given(method("POST"))
        .and(path("/v1.0/me/notes/classNotebooks"))
        .and(body_json(json!({
            "name": "Biology 10",
            "teachers": [{"id": "t@contoso.edu", "principalType": "Person"}],
            "students": [{"id": "a@contoso.edu", "principalType": "Person"}, {"id": "b@contoso.edu", "principalType": "Person"}],
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": "1-new", "name": "Biology 10"})))
        .expect(1)
        .mount(&server)
        .await;
    let body = CreateClassNotebook::new("Biology 10")
        .with_teachers(vec![member("t@contoso.edu").to_principal()])
        .with_students(vec![
            member("a@contoso.edu").to_principal(),
            member("b@contoso.edu").to_principal(),
        ]);
    let id = ClientExecutor::new(client.me()).create(body).await.unwrap();
    assert_eq!(id, "1-new");
}

#[tokio::test]
async fn an_asynchronous_create_returns_its_location_and_is_finished_from_it() {
    let (server, client) = server_and_client().await;
    let location = format!("{}/v1.0/me/notes/operations/classnotebook-1", server.uri());
    Mock::given(method("POST"))
        .and(path("/v1.0/me/notes/classNotebooks"))
        .and(header("Prefer", "respond-async"))
        .respond_with(ResponseTemplate::new(202).insert_header("Location", location.as_str()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/me/notes/operations/classnotebook-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "classnotebook-1", "status": "completed", "resourceId": "1-made"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let executor = ClientExecutor::new(client.me());
    let started = executor
        .start_create(CreateClassNotebook::new("Big Class"))
        .await
        .unwrap();
    assert_eq!(started, location);
    // A new executor, as after a restart: only the stored Location is needed.
    let resumed = ClientExecutor::new(client.me());
    assert_eq!(
        resumed.finish_create(&started).await.unwrap().as_deref(),
        Some("1-made")
    );
}

#[tokio::test]
async fn members_are_added_and_removed_one_per_request_at_their_role() {
    let (server, client) = server_and_client().await;
    Mock::given(method("POST"))
        .and(path("/v1.0/me/notes/classNotebooks/1-a/teachers"))
        .and(body_json(
            json!({"id": "t@contoso.edu", "principalType": "Person"}),
        ))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"id": "t@contoso.edu", "principalType": "Person"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(
            "/v1.0/me/notes/classNotebooks/1-a/students/i%3A0%23.f%7Cmembership%7Cs%40contoso.edu",
        ))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let executor = ClientExecutor::new(client.me());
    executor
        .add("1-a", Role::Teacher, &member("t@contoso.edu"))
        .await
        .unwrap();
    executor
        .remove("1-a", Role::Student, "i:0#.f|membership|s@contoso.edu")
        .await
        .unwrap();
}

#[tokio::test]
async fn failures_say_whether_the_write_may_have_taken_effect() {
    let (server, client) = server_and_client().await;
    let error_body = |code: &str| json!({"error": {"code": code, "message": "no"}});
    Mock::given(method("POST"))
        .and(path("/v1.0/me/notes/classNotebooks/1-a/students"))
        .respond_with(
            ResponseTemplate::new(400)
                .insert_header("X-CorrelationId", "c0ffee00-0000-0000-0000-000000000001")
                .set_body_json(error_body("30109")),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1.0/me/notes/classNotebooks/1-b/students"))
        .respond_with(ResponseTemplate::new(500).set_body_json(error_body("10007")))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1.0/me/notes/classNotebooks/1-c/students"))
        .respond_with(ResponseTemplate::new(429).set_body_json(error_body("20166")))
        .mount(&server)
        .await;
    let executor = ClientExecutor::new(client.me());
    let add = |id: &'static str| {
        let executor = &executor;
        async move {
            executor
                .add(id, Role::Student, &member("s@contoso.edu"))
                .await
                .unwrap_err()
        }
    };
    let refused = add("1-a").await;
    assert_eq!(refused.outcome, Outcome::Rejected);
    assert_eq!(refused.status, Some(400));
    assert_eq!(
        refused.correlation_id.as_deref(),
        Some("c0ffee00-0000-0000-0000-000000000001")
    );
    assert!(
        refused
            .to_string()
            .contains("c0ffee00-0000-0000-0000-000000000001"),
        "{refused}"
    );
    assert_eq!(add("1-b").await.outcome, Outcome::Unknown);
    assert_eq!(add("1-c").await.outcome, Outcome::NotApplied);
}

#[tokio::test]
async fn reading_one_class_expands_its_members_and_a_missing_one_is_none() {
    let (server, client) = server_and_client().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/me/notes/classNotebooks/1-a"))
        .and(query_param("$expand", "teachers,students"))
        .respond_with(ResponseTemplate::new(200).set_body_json(notebook(
            "1-a",
            "Art",
            &["a@contoso.edu"],
        )))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/me/notes/classNotebooks/1-gone"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"error": {"code": "20102"}})))
        .mount(&server)
        .await;
    let executor = ClientExecutor::new(client.me());
    let art = executor.class("1-a").await.unwrap().unwrap();
    assert_eq!(
        art.students,
        vec![Principal::new("a@contoso.edu", PrincipalType::Person)]
    );
    assert!(executor.class("1-gone").await.unwrap().is_none());
}

#[tokio::test]
async fn finding_by_name_ignores_case_and_reads_only_the_matches() {
    let (server, client) = server_and_client().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/me/notes/classNotebooks"))
        .and(query_param("$select", "id,name"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [
            {"id": "1-a", "name": "Art"},
            {"id": "1-b", "name": "biology 10"},
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/me/notes/classNotebooks/1-b"))
        .respond_with(ResponseTemplate::new(200).set_body_json(notebook("1-b", "biology 10", &[])))
        .expect(1)
        .mount(&server)
        .await;
    let found = ClientExecutor::new(client.me())
        .find("Biology 10")
        .await
        .unwrap();
    let ids: Vec<_> = found.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, vec!["1-b"]);
}

#[tokio::test]
async fn the_clients_pacing_waits_reach_the_runs_events_with_their_limit() {
    let server = MockServer::start().await;
    let per = std::time::Duration::from_millis(300);
    let client = Client::builder()
        .base_url(server.uri())
        .bearer_token("token")
        .retry_policy(RetryPolicy::none())
        .pacing(onenote_api::Pacing::custom().limit(1, per))
        .build()
        .unwrap();
    Mock::given(method("POST"))
        .and(path("/v1.0/me/notes/classNotebooks/1-a/students"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"id": "x@contoso.edu", "principalType": "Person"})),
        )
        .expect(2)
        .mount(&server)
        .await;
    let roster = onenote_roster::Roster::builder()
        .class(
            onenote_roster::ClassSpec::new("art", "Art")
                .teacher("t@contoso.edu")
                .students(["a@contoso.edu", "b@contoso.edu", "c@contoso.edu"]),
        )
        .build()
        .unwrap();
    let actual = onenote_roster::Actual::from_notebooks(vec![
        serde_json::from_value(notebook("1-a", "Art", &["a@contoso.edu"])).unwrap(),
    ])
    .unwrap();
    let plan = onenote_roster::plan(&roster, &actual, &Default::default());
    let approved = onenote_roster::Guard::default().approve(plan).unwrap();
    let path = TempJournal::new("client-pacing");
    let journal = onenote_roster::Journal::create(&path.0, approved).unwrap();
    let mut run = onenote_roster::apply(
        ClientExecutor::new(client.me()),
        journal,
        Default::default(),
    );
    let mut waits = Vec::new();
    let mut done = 0;
    while let Some(event) = run.next_event().await {
        match event {
            onenote_roster::Event::WaitingForQuota { wait, limit } => waits.push((wait, limit)),
            onenote_roster::Event::Done { .. } => done += 1,
            onenote_roster::Event::Finished(report) => assert!(report.is_complete(), "{report}"),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(done, 2);
    // The second add waits for the first's place in the window.
    assert_eq!(waits.len(), 1, "{waits:?}");
    let (wait, limit) = waits[0];
    assert_eq!(
        limit,
        onenote_api::WaitCause::Window(onenote_api::Limit { requests: 1, per })
    );
    assert!(wait > per / 2 && wait <= per, "{wait:?}");
}
