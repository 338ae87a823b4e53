//! Wire tests for the asynchronous forms (inventory rows 17–22): `Prefer: respond-async`,
//! the `202 Accepted` and its `Location`, and polling that location.

use onenote_api::{
    ClassNotebookTransfer, ClassNotebookTransferBody, CreateClassNotebook, OperationStatus,
    Principal, PrincipalType,
};
use serde_json::json;
use tests::wire::{Expected, assert_request, client, only_request, server_answering};
use wiremock::ResponseTemplate;

fn person(upn: &str) -> Principal {
    Principal::new(upn, PrincipalType::Person)
}

/// A `202 Accepted` whose `Location` is `path` on the test server (the documents' locations
/// are on www.onenote.com; the client only polls its own origin).
fn accepted(server_uri: &str, path: &str) -> ResponseTemplate {
    ResponseTemplate::new(202).insert_header("Location", format!("{server_uri}{path}"))
}

async fn accepting(path: &str) -> (wiremock::MockServer, String) {
    let server = wiremock::MockServer::start().await;
    let location = format!("{}{path}", server.uri());
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(accepted(&server.uri(), path))
        .mount(&server)
        .await;
    (server, location)
}

#[tokio::test]
async fn async_create_sends_prefer_and_returns_the_location_to_poll() {
    let (server, location) =
        accepting("/v1.0/me/notes/operations/classnotebook-ee91aafb-5685-4357-9465-77d611ef064c")
            .await;

    let operation = client(&server)
        .me()
        .class_notebooks()
        .create(
            CreateClassNotebook::new("Math 101")
                .with_student_sections(vec!["Class Notes".to_owned()])
                .with_teachers(vec![person("teacher1@contoso.com")])
                .with_students(vec![
                    person("student1@contoso.com"),
                    person("student2@contoso.com"),
                    person("student3@contoso.com"),
                    person("student4@contoso.com"),
                ])
                .with_has_teacher_only_section_group(true),
        )
        .send_email(true)
        .respond_async()
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected {
            method: "POST",
            target: "/v1.0/me/notes/classNotebooks?sendemail=true",
            body: Some(json!({
                "name": "Math 101",
                "studentSections": ["Class Notes"],
                "teachers": [{ "id": "teacher1@contoso.com", "principalType": "Person" }],
                "students": [
                    { "id": "student1@contoso.com", "principalType": "Person" },
                    { "id": "student2@contoso.com", "principalType": "Person" },
                    { "id": "student3@contoso.com", "principalType": "Person" },
                    { "id": "student4@contoso.com", "principalType": "Person" }
                ],
                "hasTeacherOnlySectionGroup": true
            })),
            respond_async: true,
        },
    );
    assert_eq!(operation.location(), location);
}

#[tokio::test]
async fn async_add_teacher_sends_prefer_and_returns_the_member_operation() {
    let (server, location) = accepting(
        "/v1.0/me/notes/operations/classnotebookmember-28d4f01e-32f1-4e82-866e-025b1f2ca2b9",
    )
    .await;

    let operation = client(&server)
        .me()
        .class_notebook("1-b68a21fd-cdb3-41f1-a566-0772872a8a0c")
        .teachers()
        .add(person("teacher2@contoso.com"))
        .respond_async()
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected {
            method: "POST",
            target: "/v1.0/me/notes/classNotebooks/1-b68a21fd-cdb3-41f1-a566-0772872a8a0c/teachers",
            body: Some(json!({ "id": "teacher2@contoso.com", "principalType": "Person" })),
            respond_async: true,
        },
    );
    assert_eq!(operation.location(), location);
}

#[tokio::test]
async fn async_add_student_sends_prefer() {
    let (server, _) = accepting("/v1.0/me/notes/operations/classnotebookmember-1").await;

    client(&server)
        .me()
        .class_notebook("1-b68a21fd-cdb3-41f1-a566-0772872a8a0c")
        .students()
        .add(person("student1@contoso.com"))
        .respond_async()
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected {
            method: "POST",
            target: "/v1.0/me/notes/classNotebooks/1-b68a21fd-cdb3-41f1-a566-0772872a8a0c/students",
            body: Some(json!({ "id": "student1@contoso.com", "principalType": "Person" })),
            respond_async: true,
        },
    );
}

#[tokio::test]
async fn async_remove_teacher_sends_prefer_without_a_body() {
    let (server, location) = accepting(
        "/v1.0/me/notes/operations/classnotebookmember-e364e1fe-11a1-4551-8dcc-a143a8c0d78a",
    )
    .await;

    let operation = client(&server)
        .me()
        .class_notebook("1-b68a21fd-cdb3-41f1-a566-0772872a8a0c")
        .teacher("teacher2@contoso.net")
        .remove()
        .respond_async()
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected {
            method: "DELETE",
            target: "/v1.0/me/notes/classNotebooks/1-b68a21fd-cdb3-41f1-a566-0772872a8a0c/teachers/teacher2%40contoso.net",
            body: None,
            respond_async: true,
        },
    );
    assert_eq!(operation.location(), location);
}

#[tokio::test]
async fn async_remove_student_sends_prefer() {
    let (server, _) = accepting("/v1.0/me/notes/operations/classnotebookmember-2").await;

    client(&server)
        .me()
        .class_notebook("1-b68a21fd-cdb3-41f1-a566-0772872a8a0c")
        .student("student1@contoso.com")
        .remove()
        .respond_async()
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected {
            method: "DELETE",
            target: "/v1.0/me/notes/classNotebooks/1-b68a21fd-cdb3-41f1-a566-0772872a8a0c/students/student1%40contoso.com",
            body: None,
            respond_async: true,
        },
    );
}

#[tokio::test]
async fn transfer_is_always_asynchronous_and_wraps_its_body() {
    let (server, location) =
        accepting("/v1.0/me/notes/operations/transfer-9a43afaa-7dc9-4405-b661-b735ebf722a0").await;

    // The documents leave both teachers empty; these two are the create example's teachers.
    let operation = client(&server)
        .me()
        .class_notebook("1-9a43afaa-7dc9-4405-b661-b735ebf722a0")
        .transfer(ClassNotebookTransferBody::new(ClassNotebookTransfer::new(
            person("teacher1@contoso.com"),
            person("teacher2@contoso.com"),
            "Math 101",
        )))
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected {
            method: "POST",
            target: "/v1.0/me/notes/classNotebooks/1-9a43afaa-7dc9-4405-b661-b735ebf722a0/Microsoft.OneNote.Api.classnotebooktransfer",
            body: Some(json!({
                "ClassNotebookTransfer": {
                    "sourceTeacher": { "id": "teacher1@contoso.com", "principalType": "Person" },
                    "destinationTeacher": { "id": "teacher2@contoso.com", "principalType": "Person" },
                    "destinationNotebookName": "Math 101"
                }
            })),
            respond_async: true,
        },
    );
    assert_eq!(operation.location(), location);
}

#[tokio::test]
async fn async_update_membership_keeps_the_location_the_service_gives() {
    // The documents' answer to a group request points under /me/: the client must poll it as given.
    let (server, location) = accepting(
        "/v1.0/me/notes/operations/updatemembership-9a43afaa-7dc9-4405-b661-b735ebf722a0",
    )
    .await;

    let operation = client(&server)
        .group("1d13f814-83e5-4c11-8294-53bf40defd91")
        .class_notebooks()
        .update_membership()
        .respond_async()
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected {
            method: "POST",
            target: "/v1.0/myOrganization/groups/1d13f814-83e5-4c11-8294-53bf40defd91/notes/classNotebooks/Microsoft.OneNote.Api.UpdateMembership",
            body: None,
            respond_async: true,
        },
    );
    assert_eq!(operation.location(), location);
}

#[tokio::test]
async fn polling_gets_the_location_verbatim_and_decodes_the_operation() {
    let server = server_answering(ResponseTemplate::new(200).set_body_json(json!({
        "Id": "classnotebook-ee91aafb-5685-4357-9465-77d611ef064c",
        "Status": "Completed",
        "createdDateTime": "2016-08-22T23:29:13Z",
        "lastActionDateTime": "2016-08-22T23:29:20Z",
        "resourceLocation": "https://www.onenote.com/api/v1.0/me/notes/notebooks/1-b68a21fd-cdb3-41f1-a566-0772872a8a0c",
        "resourceId": "1-b68a21fd-cdb3-41f1-a566-0772872a8a0c"
    })))
    .await;
    let client = client(&server);
    let location = format!(
        "{}/v1.0/me/notes/operations/classnotebook-ee91aafb-5685-4357-9465-77d611ef064c",
        server.uri()
    );

    let operation = onenote_api::OperationHandle::from_location(&client, &location).unwrap();
    let status = operation.poll().await.unwrap();

    assert_request(
        &only_request(&server).await,
        Expected {
            method: "GET",
            target: "/v1.0/me/notes/operations/classnotebook-ee91aafb-5685-4357-9465-77d611ef064c",
            body: None,
            respond_async: false,
        },
    );
    assert_eq!(status.status, Some(OperationStatus::Completed));
    assert_eq!(
        status.id.as_deref(),
        Some("classnotebook-ee91aafb-5685-4357-9465-77d611ef064c")
    );
    assert_eq!(
        status.resource_id.as_deref(),
        Some("1-b68a21fd-cdb3-41f1-a566-0772872a8a0c")
    );
}

#[tokio::test]
async fn get_operation_by_id_reads_operations_under_the_location() {
    let server = server_answering(
        ResponseTemplate::new(200)
            .set_body_json(json!({ "id": "transfer-9a43", "status": "not started" })),
    )
    .await;

    let status = client(&server)
        .me()
        .operation("transfer-9a43afaa-7dc9-4405-b661-b735ebf722a0")
        .get()
        .send()
        .await
        .unwrap();

    assert_request(
        &only_request(&server).await,
        Expected {
            method: "GET",
            target: "/v1.0/me/notes/operations/transfer-9a43afaa-7dc9-4405-b661-b735ebf722a0",
            body: None,
            respond_async: false,
        },
    );
    assert_eq!(status.status, Some(OperationStatus::NotStarted));
}

#[test]
fn operation_status_accepts_any_casing_and_keeps_unknown_values() {
    for spelling in ["notStarted", "NotStarted", "not started", "NOT_STARTED"] {
        assert_eq!(
            OperationStatus::from(spelling),
            OperationStatus::NotStarted,
            "{spelling}"
        );
    }
    let unknown: OperationStatus = serde_json::from_value(json!("Paused")).unwrap();
    assert_eq!(unknown, OperationStatus::Unknown("Paused".to_owned()));
    assert_eq!(serde_json::to_value(&unknown).unwrap(), json!("Paused"));
}
