//! Asynchronous forms: `202` and a `Location`, an operation that moves from notStarted
//! through running to completed or failed, its work done only then, by polls or by the clock.

use std::time::Duration;

use onenote_api::{CreateClassNotebook, ErrorCode, ErrorKind, OperationHandle, OperationStatus};
use onenote_fake::{AsyncPace, ManualClock, OperationStatus as Status, Role};

use crate::harness::{
    GROUP, STUDENTS, TEACHER, builder, class_notebook, client, person, send, start,
};

#[tokio::test]
async fn an_async_create_moves_through_not_started_and_running_to_completed() {
    let (fake, clock) = start().await;
    let teacher = client(&fake, TEACHER);
    let body = CreateClassNotebook::new("Math 101").with_students(vec![person(STUDENTS[0])]);
    let operation = teacher
        .me()
        .class_notebooks()
        .create(body)
        .respond_async()
        .send()
        .await
        .unwrap();
    let id = operation.location().rsplit('/').next().unwrap().to_owned();
    assert!(id.starts_with("classnotebook-"), "{id}");
    assert_eq!(
        operation.location(),
        format!("{}/v1.0/me/notes/operations/{id}", fake.base_url())
    );
    let state = fake.state();
    assert_eq!(state.operation(&id).unwrap().status, Status::NotStarted);
    assert_eq!(
        state.notebooks().filter(|n| n.class.is_some()).count(),
        0,
        "not done yet"
    );

    let first = operation.poll().await.unwrap();
    assert_eq!(first.status, Some(OperationStatus::NotStarted));
    assert_eq!(first.id.as_deref(), Some(id.as_str()));
    clock.advance(Duration::from_secs(2));
    let second = operation.poll().await.unwrap();
    assert_eq!(second.status, Some(OperationStatus::Running));
    assert_eq!(
        second.created_date_time.map(|t| t.to_string()).as_deref(),
        Some("2018-02-25T23:17:16Z")
    );
    assert_eq!(
        second
            .last_action_date_time
            .map(|t| t.to_string())
            .as_deref(),
        Some("2018-02-25T23:17:18Z")
    );
    let third = operation.poll().await.unwrap();
    assert_eq!(third.status, Some(OperationStatus::Completed));
    let notebook = fake.state().notebook_named("Math 101").unwrap().id.clone();
    assert_eq!(third.resource_id.as_deref(), Some(notebook.as_str()));
    assert_eq!(
        third.resource_location.as_deref(),
        Some(
            format!(
                "{}/v1.0/me/notes/classNotebooks/{notebook}",
                fake.base_url()
            )
            .as_str()
        )
    );
    assert!(
        fake.state()
            .student_section_group(&notebook, STUDENTS[0])
            .is_some()
    );
    // Finished operations stay finished.
    assert_eq!(
        operation.poll().await.unwrap().status,
        Some(OperationStatus::Completed)
    );
}

#[tokio::test]
async fn a_failed_operation_carries_error_and_diagnostics_and_changes_nothing() {
    let (fake, _clock) = start().await;
    let body = CreateClassNotebook::new("Math 101")
        .with_students(vec![person(STUDENTS[0]), person("nobody@contoso.com")]);
    let operation = client(&fake, TEACHER)
        .me()
        .class_notebooks()
        .create(body)
        .respond_async()
        .send()
        .await
        .unwrap();
    let error = operation.wait().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::OperationFailed);
    assert_eq!(error.code(), Some(ErrorCode::UsersNotFound));
    assert_eq!(
        error.message(),
        Some("Some users in the request don't exist in the tenant: nobody@contoso.com.")
    );
    let model = error.operation_model().unwrap();
    assert_eq!(model.status, Some(OperationStatus::Failed));
    assert_eq!(model.api_diagnostics.as_ref().unwrap()[0]["code"], "30109");
    assert_eq!(
        fake.state()
            .notebooks()
            .filter(|n| n.class.is_some())
            .count(),
        0
    );
}

#[tokio::test]
async fn a_time_paced_operation_moves_with_the_clock_without_polls() {
    let clock = ManualClock::new();
    let fake = builder(&clock)
        .async_pace(AsyncPace::Time {
            not_started: Duration::from_secs(5),
            running: Duration::from_secs(5),
        })
        .start()
        .await
        .unwrap();
    client(&fake, TEACHER)
        .me()
        .class_notebooks()
        .create(CreateClassNotebook::new("Math 101"))
        .respond_async()
        .send()
        .await
        .unwrap();
    let status = || fake.state().operations().next().map(|o| o.status);
    assert_eq!(status(), Some(Status::NotStarted));
    clock.advance(Duration::from_secs(5));
    assert_eq!(status(), Some(Status::Running));
    assert!(fake.state().notebook_named("Math 101").is_none());
    clock.advance(Duration::from_secs(5));
    assert_eq!(status(), Some(Status::Completed));
    assert!(fake.state().notebook_named("Math 101").is_some());
}

#[tokio::test]
async fn only_the_user_who_started_an_operation_can_poll_it() {
    let (fake, _clock) = start().await;
    let operation = client(&fake, TEACHER)
        .me()
        .class_notebooks()
        .create(CreateClassNotebook::new("Math 101"))
        .respond_async()
        .send()
        .await
        .unwrap();
    let stranger = client(&fake, STUDENTS[0]);
    let theirs = OperationHandle::from_location(&stranger, operation.location()).unwrap();
    assert_eq!(theirs.poll().await.unwrap_err().status(), Some(404));
}

#[tokio::test]
async fn students_are_added_and_removed_asynchronously() {
    let (fake, _clock) = start().await;
    let id = class_notebook(&fake, "Math 101", &[]).await;
    let teacher = client(&fake, TEACHER);
    let added = teacher
        .me()
        .class_notebook(&id)
        .students()
        .add(person(STUDENTS[1]))
        .respond_async()
        .send()
        .await
        .unwrap();
    assert!(
        added
            .location()
            .contains("/operations/classnotebookmember-")
    );
    assert!(
        fake.state()
            .student_section_group(&id, STUDENTS[1])
            .is_none(),
        "not yet"
    );
    let done = added.wait().await.unwrap();
    assert_eq!(done.resource_id.as_deref(), Some(id.as_str()));
    let group = fake
        .state()
        .student_section_group(&id, STUDENTS[1])
        .unwrap()
        .id
        .clone();
    assert_eq!(
        fake.state().role(STUDENTS[1], &group),
        Some(Role::Contributor)
    );
    teacher
        .me()
        .class_notebook(&id)
        .student(STUDENTS[1])
        .remove()
        .respond_async()
        .send()
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert_eq!(fake.state().role(STUDENTS[1], &group), None);
}

#[tokio::test]
async fn update_membership_syncs_the_groups_class_notebook_with_the_group() {
    let (fake, _clock) = start().await;
    let teacher = client(&fake, TEACHER);
    let group = teacher.group(GROUP);
    let created = group
        .class_notebooks()
        .create(CreateClassNotebook::new("Math 101"))
        .send()
        .await
        .unwrap();
    let id = created.id.unwrap();
    let done = group
        .class_notebooks()
        .update_membership()
        .respond_async()
        .send()
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert_eq!(done.resource_id.as_deref(), Some(id.as_str()));
    let class = fake.state().notebook(&id).unwrap().class.clone().unwrap();
    let ids =
        |members: &[onenote_fake::Member]| members.iter().map(|m| m.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&class.teachers), [TEACHER], "owners become teachers");
    assert_eq!(ids(&class.students), STUDENTS, "members become students");

    // student2..4 leave the group; syncing again removes them.
    fake.set_group_membership(GROUP, [TEACHER], [STUDENTS[0]])
        .unwrap();
    group
        .class_notebooks()
        .update_membership()
        .send()
        .await
        .unwrap();
    let state = fake.state();
    let class = state.notebook(&id).unwrap().class.clone().unwrap();
    assert_eq!(ids(&class.students), [STUDENTS[0]]);
    let left = state.student_section_group(&id, STUDENTS[1]).unwrap();
    assert_eq!(state.role(STUDENTS[1], &left.id), None);

    // Elsewhere it is refused with a message that says where it belongs.
    let at_me = send(
        &fake,
        "POST",
        "/v1.0/me/notes/classNotebooks/Microsoft.OneNote.Api.UpdateMembership",
        TEACHER,
        None,
    )
    .await;
    assert_eq!(at_me.status, 400);
    assert!(
        at_me.json()["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("UpdateMembership syncs a unified group's class notebook"),
    );
    // And only the group's owners may call it.
    let by_student = client(&fake, STUDENTS[0])
        .group(GROUP)
        .class_notebooks()
        .update_membership()
        .send()
        .await
        .unwrap_err();
    assert_eq!(by_student.status(), Some(403));
}

/// 000, "Operation model": "resourceLocation: The endpoint for the resource"; after an
/// asynchronous add, that is the class notebook the student was added to (a student has no
/// endpoint of their own to GET).
#[tokio::test]
async fn a_completed_adds_resource_location_is_the_class_notebooks_endpoint() {
    let (fake, _clock) = start().await;
    let id = class_notebook(&fake, "Math 101", &[]).await;
    let teacher = client(&fake, TEACHER);
    let notebook = teacher.me().class_notebook(&id);
    let student = notebook.students().add(person(STUDENTS[1])).respond_async();
    let colleague = notebook
        .teachers()
        .add(person(crate::harness::TEACHER2))
        .respond_async();
    for handle in [
        student.send().await.unwrap(),
        colleague.send().await.unwrap(),
    ] {
        let done = handle.wait().await.unwrap();
        let location = done.resource_location.unwrap();
        assert_eq!(
            location,
            format!("{}/v1.0/me/notes/classNotebooks/{id}", fake.base_url())
        );
        assert_eq!(done.resource_id.as_deref(), Some(id.as_str()));
        let path = location.strip_prefix(fake.base_url()).unwrap();
        let got = send(&fake, "GET", path, TEACHER, None).await;
        assert_eq!(got.status, 200, "{location}: {}", got.json());
        assert_eq!(got.json()["id"], id.as_str());
    }
}

/// 000, "Transfer notebook": asynchronous (`202` and a `Location` to poll), and "This API
/// requires tenant administrative privileges."
#[tokio::test]
async fn transfer_needs_a_tenant_administrator_and_runs_as_an_operation() {
    let (fake, _clock) = start().await;
    let id = class_notebook(&fake, "Math 101", &STUDENTS[..1]).await;
    let path =
        format!("/v1.0/me/notes/classnotebooks/{id}/Microsoft.OneNote.Api.classnotebooktransfer");
    let body = serde_json::json!({ "ClassNotebookTransfer": {
        "sourceTeacher": { "id": TEACHER, "principalType": "Person" },
        "destinationTeacher": { "id": crate::harness::TEACHER2, "principalType": "Person" },
        "destinationNotebookName": "Math 101",
    }});
    let refused = send(&fake, "POST", &path, TEACHER, Some(body.clone())).await;
    assert_eq!(refused.status, 403);
    let accepted = send(&fake, "POST", &path, crate::harness::ADMIN, Some(body)).await;
    assert_eq!(accepted.status, 202);
    let location = accepted.header("location").unwrap().to_owned();
    assert!(
        location.contains("/me/notes/operations/transfer-"),
        "{location}"
    );
    assert_eq!(
        fake.state().notebook(&id).unwrap().container,
        onenote_fake::Container::OneDrive(TEACHER.into()),
        "not before it finishes"
    );
    let handle =
        OperationHandle::from_location(&client(&fake, crate::harness::ADMIN), &location).unwrap();
    let done = handle.wait().await.unwrap();
    assert_eq!(done.status, Some(OperationStatus::Completed));
    assert_eq!(
        fake.state().notebook(&id).unwrap().container,
        onenote_fake::Container::OneDrive(crate::harness::TEACHER2.into())
    );
}
