//! The class-notebook calls the term test does not cover in depth: update (only
//! `hasTeacherOnlySectionGroup: true`), delete, repair, names and people checked before
//! anything is made, the content library and page distribution refusing what they cannot do.

use onenote_api::{
    ClassNotebookUpdate, CopySectionsToContentLibrary, CreateClassNotebook,
    DistributePageToStudent, ErrorCode, Language,
};
use onenote_fake::{ClassSectionGroup, Grantee, Role};

use crate::harness::{
    FRACTIONS, QUIZ, STUDENTS, TEACHER, class_notebook, client, person, send, start,
};

#[tokio::test]
async fn update_only_adds_the_teacher_only_section_group() {
    let (fake, _clock) = start().await;
    let id = class_notebook(&fake, "Math 101", &STUDENTS[..1]).await;
    let notebook = client(&fake, TEACHER).me().class_notebook(&id);
    notebook
        .update(ClassNotebookUpdate::new(true))
        .send()
        .await
        .unwrap();
    let state = fake.state();
    let class = state.notebook(&id).unwrap().class.clone().unwrap();
    let teacher_only = state
        .section_group(class.teacher_only.as_deref().unwrap())
        .unwrap();
    assert_eq!(teacher_only.name, "_Teacher Only");
    assert_eq!(
        teacher_only.class_role,
        Some(ClassSectionGroup::TeacherOnly)
    );
    assert_eq!(state.role(STUDENTS[0], &teacher_only.id), None);
    // Again: still one.
    notebook
        .update(ClassNotebookUpdate::new(true))
        .send()
        .await
        .unwrap();
    assert_eq!(
        fake.state()
            .section_groups_in(&id)
            .filter(|g| g.name == "_Teacher Only")
            .count(),
        1
    );
    let refused = notebook
        .update(ClassNotebookUpdate::new(false))
        .send()
        .await
        .unwrap_err();
    assert_eq!(refused.status(), Some(400));
    assert!(
        refused
            .message()
            .unwrap()
            .starts_with("hasTeacherOnlySectionGroup: false is not supported")
    );
    let other = send(
        &fake,
        "PATCH",
        &format!("/v1.0/me/notes/classNotebooks/{id}"),
        TEACHER,
        Some(serde_json::json!({ "name": "Renamed" })),
    )
    .await;
    assert_eq!(other.status, 400);
    assert_eq!(
        other.json()["error"]["message"],
        "Only hasTeacherOnlySectionGroup can be changed on a class notebook, not 'name'."
    );
    assert_eq!(fake.state().notebook(&id).unwrap().name, "Math 101");
}

#[tokio::test]
async fn delete_removes_the_notebook_and_everything_in_it() {
    let (fake, _clock) = start().await;
    let id = class_notebook(&fake, "Math 101", &STUDENTS).await;
    let student = client(&fake, STUDENTS[0]).user(TEACHER).class_notebook(&id);
    assert_eq!(
        student.delete().send().await.unwrap_err().status(),
        Some(403),
        "students may not"
    );
    client(&fake, TEACHER)
        .me()
        .class_notebook(&id)
        .delete()
        .send()
        .await
        .unwrap();
    let state = fake.state();
    assert!(state.notebook(&id).is_none());
    assert!(state.section_groups().all(|g| g.notebook_id != id));
    assert!(state.sections().all(|s| s.notebook_id != id));
    assert!(!state.can_see(STUDENTS[0], &id));
    let gone = client(&fake, TEACHER)
        .me()
        .class_notebook(&id)
        .get()
        .send()
        .await
        .unwrap_err();
    assert_eq!(gone.code(), Some(ErrorCode::ResourceNotFound));
}

#[tokio::test]
async fn repair_reapplies_the_roles_the_metadata_implies() {
    let (fake, _clock) = start().await;
    let id = class_notebook(&fake, "Math 101", &STUDENTS[..2]).await;
    let group = fake
        .state()
        .student_section_group(&id, STUDENTS[0])
        .unwrap()
        .id
        .clone();
    let teacher = client(&fake, TEACHER);
    // Someone deleted student1's role on their own section group.
    teacher
        .me()
        .section_group(&group)
        .permission("1-13")
        .delete()
        .send()
        .await
        .unwrap();
    assert_eq!(fake.state().role(STUDENTS[0], &group), None);
    teacher
        .me()
        .class_notebook(&id)
        .repair()
        .send()
        .await
        .unwrap();
    let state = fake.state();
    assert_eq!(state.role(STUDENTS[0], &group), Some(Role::Contributor));
    assert!(
        state
            .grants_on(&group)
            .contains_key(&Grantee::user(STUDENTS[0]))
    );
    assert_eq!(
        state.role(STUDENTS[1], &group),
        None,
        "repair gives nobody more"
    );
}

#[tokio::test]
async fn nothing_is_made_when_a_name_or_a_person_is_wrong() {
    let (fake, _clock) = start().await;
    let teacher = client(&fake, TEACHER);
    let create = |body| teacher.me().class_notebooks().create(body).send();
    class_notebook(&fake, "Math 101", &[]).await;
    let taken = create(CreateClassNotebook::new("math 101"))
        .await
        .unwrap_err();
    assert_eq!(
        (taken.status(), taken.code()),
        (Some(409), Some(ErrorCode::NameAlreadyExists))
    );
    let strangers = create(
        CreateClassNotebook::new("Math 102")
            .with_students(vec![person(STUDENTS[0]), person("ghost@contoso.com")])
            .with_teachers(vec![person("phantom@contoso.com")]),
    )
    .await
    .unwrap_err();
    assert_eq!(strangers.code(), Some(ErrorCode::UsersNotFound));
    assert_eq!(
        strangers.message(),
        Some(
            "Some users in the request don't exist in the tenant: phantom@contoso.com, ghost@contoso.com."
        )
    );
    let long = create(CreateClassNotebook::new("x".repeat(129)))
        .await
        .unwrap_err();
    assert_eq!(long.status(), Some(400));
    let section =
        create(CreateClassNotebook::new("Math 103").with_student_sections(vec!["a:b".into()]))
            .await
            .unwrap_err();
    assert_eq!(section.code(), Some(ErrorCode::InvalidEntityName));
    let state = fake.state();
    assert_eq!(state.notebooks().filter(|n| n.class.is_some()).count(), 1);
    assert_eq!(state.section_groups().count(), 2, "only Math 101's two");
    // A language is recorded; an unknown one is refused.
    let german = teacher
        .me()
        .class_notebooks()
        .create(CreateClassNotebook::new("Mathe"))
        .omkt(Language::DeDe)
        .send()
        .await
        .unwrap();
    let class = fake
        .state()
        .notebook(german.id.as_deref().unwrap())
        .unwrap()
        .class
        .clone()
        .unwrap();
    assert_eq!(class.language, "de-de");
    let klingon = send(
        &fake,
        "POST",
        "/v1.0/me/notes/classNotebooks?omkt=tlh-qo",
        TEACHER,
        Some(serde_json::json!({"name": "Q"})),
    )
    .await;
    assert_eq!(klingon.status, 400);
    assert!(
        klingon.json()["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("omkt=tlh-qo is not one of the 38")
    );
}

#[tokio::test]
async fn the_content_library_takes_readable_sections_once() {
    let (fake, _clock) = start().await;
    let id = class_notebook(&fake, "Math 101", &STUDENTS[..1]).await;
    let notebook = client(&fake, TEACHER).me().class_notebook(&id);
    let copy = |ids: Vec<String>| {
        notebook
            .copy_sections_to_content_library(CopySectionsToContentLibrary::new(ids))
            .send()
    };
    let unknown = copy(vec![FRACTIONS.into(), "1-nope".into()])
        .await
        .unwrap_err();
    assert_eq!(unknown.status(), Some(404));
    let library = fake
        .state()
        .notebook(&id)
        .unwrap()
        .class
        .clone()
        .unwrap()
        .content_library;
    assert!(
        fake.state().sections_in(&library).is_empty(),
        "all or nothing"
    );
    copy(vec![FRACTIONS.into(), FRACTIONS.into()])
        .await
        .unwrap();
    assert_eq!(
        fake.state().sections_in(&library).len(),
        1,
        "a repeated id is copied once"
    );
    let again = copy(vec![FRACTIONS.into()]).await.unwrap_err();
    assert_eq!(again.status(), Some(409));
    // A student cannot read teacher1's lesson plans, nor write the content library.
    let student = client(&fake, STUDENTS[0]).user(TEACHER).class_notebook(&id);
    let refused = student
        .copy_sections_to_content_library(CopySectionsToContentLibrary::new(vec![FRACTIONS.into()]))
        .send()
        .await
        .unwrap_err();
    assert_eq!(refused.status(), Some(403));
}

#[tokio::test]
async fn a_page_goes_only_to_a_student_of_the_class() {
    let (fake, _clock) = start().await;
    let id = class_notebook(&fake, "Math 101", &STUDENTS[..1]).await;
    let notebook = client(&fake, TEACHER).me().class_notebook(&id);
    let due = "2018-12-15T23:17:16Z".parse().unwrap();
    let outsider = notebook
        .distribute_page_to_student(
            QUIZ,
            DistributePageToStudent::new(STUDENTS[3], due, "quizes"),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(outsider.status(), Some(404));
    assert_eq!(
        outsider.message(),
        Some("'student4@contoso.com' is not a student of the class notebook 'Math 101'.")
    );
    let missing = notebook
        .distribute_page_to_student(
            "1-no-such-page",
            DistributePageToStudent::new(STUDENTS[0], due, "quizes"),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(missing.status(), Some(404));
    // The documents' own example (its section name "quizes" included) straight from teacher1's
    // lesson plans, a page in another notebook the teacher can read.
    let copy = notebook
        .distribute_page_to_student(
            QUIZ,
            DistributePageToStudent::new(STUDENTS[0], due, "quizes")
                .with_assignment_id("4cb4f3d3-d7fd-463b-beb5-526dafb7241d")
                .with_ignore_if_student_page_exists(true),
        )
        .send()
        .await
        .unwrap();
    let state = fake.state();
    let page = state.page(copy.value.as_deref().unwrap()).unwrap();
    assert_eq!(
        page.assignment_id.as_deref(),
        Some("4cb4f3d3-d7fd-463b-beb5-526dafb7241d")
    );
    assert_eq!(page.lock, Some(due));
    assert_eq!(
        state.pages_in(FRACTIONS).len(),
        2,
        "the original stays where it was"
    );
}

/// 001, under create, get, add and remove, DistributePageToStudent, the page lock (set and
/// get), UpdateMembership and RepairNotebook: "Wenn die Anforderung nicht erfüllt wird, gibt
/// die API Fehler im @api.diagnostics-Objekt im Antworttext zurück" (the API returns errors
/// in the @api.diagnostics object of the response body).
#[tokio::test]
async fn failures_of_the_calls_001_names_carry_api_diagnostics_beside_error() {
    let (fake, _clock) = start().await;
    let id = class_notebook(&fake, "Math 101", &STUDENTS[..1]).await;
    let class = format!("/v1.0/me/notes/classNotebooks/{id}");
    let nobody = serde_json::json!({ "id": "ghost@contoso.com", "principalType": "Person" });
    let lock = serde_json::json!({ "blockEditsInClientStartDate": "2018-02-25T15:17:16Z" });
    let distribute = serde_json::json!({
        "studentUserPrincipalName": STUDENTS[3],
        "lockStartDate": "2018-12-15T23:17:16Z",
        "targetSectionName": "quizes",
    });
    for (method, path, body) in [
        (
            "POST",
            "/v1.0/me/notes/classNotebooks".to_owned(),
            Some(serde_json::json!({ "name": "a:b" })),
        ),
        (
            "GET",
            "/v1.0/me/notes/classNotebooks?$filter=nope".to_owned(),
            None,
        ),
        (
            "GET",
            "/v1.0/me/notes/classNotebooks/1-nope".to_owned(),
            None,
        ),
        ("POST", format!("{class}/students"), Some(nobody.clone())),
        ("POST", format!("{class}/teachers"), Some(nobody)),
        ("DELETE", format!("{class}/students/{}", STUDENTS[2]), None),
        ("DELETE", format!("{class}/teachers/{}", STUDENTS[2]), None),
        (
            "POST",
            format!("{class}/pages('{QUIZ}')/Microsoft.OneNote.Api.DistributePageToStudent"),
            Some(distribute),
        ),
        (
            "PATCH",
            "/v1.0/me/notes/pages/1-nope".to_owned(),
            Some(lock),
        ),
        (
            "GET",
            "/v1.0/me/notes/pages/1-nope?blockEditsInClientStartDate=true".to_owned(),
            None,
        ),
        (
            "POST",
            "/v1.0/me/notes/classNotebooks/Microsoft.OneNote.Api.UpdateMembership".to_owned(),
            None,
        ),
        (
            "POST",
            "/v1.0/me/notes/classNotebooks/1-nope/Microsoft.OneNote.Api.RepairNotebook".to_owned(),
            None,
        ),
    ] {
        let answer = send(&fake, method, &path, TEACHER, body).await;
        assert!(answer.status >= 400, "{method} {path}: {}", answer.status);
        let body = answer.json();
        let error = &body["error"];
        assert_eq!(
            body["@api.diagnostics"],
            serde_json::json!([{
                "code": error["code"],
                "message": error["message"],
                "url": error["@api.url"],
            }]),
            "{method} {path}: {body}"
        );
    }
    // Where the documents say only "errors in the response body" (update, delete, the content
    // library, permissions), the fake sends `error` alone: a client cannot come to rely on
    // diagnostics the service does not promise there.
    for (method, path, body) in [
        (
            "PATCH",
            class.clone(),
            Some(serde_json::json!({ "name": "x" })),
        ),
        (
            "DELETE",
            "/v1.0/me/notes/classNotebooks/1-nope".to_owned(),
            None,
        ),
        (
            "GET",
            "/v1.0/me/notes/notebooks/1-nope/permissions".to_owned(),
            None,
        ),
    ] {
        let answer = send(&fake, method, &path, TEACHER, body).await;
        assert!(answer.status >= 400, "{method} {path}");
        let body = answer.json();
        assert!(body["error"].is_object(), "{method} {path}: {body}");
        assert!(
            body.get("@api.diagnostics").is_none(),
            "{method} {path}: {body}"
        );
    }
}

/// 001, "Die Seiten an den Kursteilnehmer verteilen" gives the student a read-only copy from a
/// lock date on; the fake leaves distributing (like locking) to teachers.
#[tokio::test]
async fn a_student_cannot_distribute_a_page_to_themselves() {
    let (fake, _clock) = start().await;
    let id = class_notebook(&fake, "Math 101", &STUDENTS[..1]).await;
    let own = fake
        .state()
        .student_section_group(&id, STUDENTS[0])
        .unwrap()
        .id
        .clone();
    let homework = fake.state().sections_in(&own)[0].id.clone();
    let page = fake.add_page(&homework, "My notes").unwrap();
    let due = "2018-12-15T23:17:16Z".parse().unwrap();
    let refused = client(&fake, STUDENTS[0])
        .user(TEACHER)
        .class_notebook(&id)
        .distribute_page_to_student(
            &page,
            DistributePageToStudent::new(STUDENTS[0], due, "Quizzes"),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(refused.status(), Some(403));
    assert_eq!(refused.code(), Some(ErrorCode::WriteDenied));
    let state = fake.state();
    assert!(state.sections_in(&own).iter().all(|s| s.name != "Quizzes"));
    assert_eq!(state.page(&page).unwrap().lock, None);
}

/// 001, "Unterstützte Sprachen": the codes are language tags (its own list writes
/// `sr-Latn-RS` beside `de-de`), which BCP 47 compares without case; `sendemail` is a boolean.
#[tokio::test]
async fn omkt_takes_a_language_tag_in_any_case_and_sendemail_any_boolean_spelling() {
    let (fake, _clock) = start().await;
    for (query, name, language) in [
        ("omkt=DE-DE", "Mathe", "de-de"),
        ("omkt=sr-latn-rs&sendemail=True", "Matematika", "sr-Latn-RS"),
        (
            "omkt=Sr-Latn-Rs&sendemail=FALSE",
            "Matematika 2",
            "sr-Latn-RS",
        ),
    ] {
        let made = send(
            &fake,
            "POST",
            &format!("/v1.0/me/notes/classNotebooks?{query}"),
            TEACHER,
            Some(serde_json::json!({ "name": name, "students": [{ "id": STUDENTS[0], "principalType": "Person" }] })),
        )
        .await;
        assert_eq!(made.status, 201, "{query}: {}", made.json());
        let id = made.json()["id"].as_str().unwrap().to_owned();
        let class = fake.state().notebook(&id).unwrap().class.clone().unwrap();
        assert_eq!(class.language, language, "{query}");
    }
    let sent = fake.state().sent_emails().len();
    assert_eq!(sent, 1, "True sends, FALSE does not");
}

/// The client's error exposes a synchronous failure's `@api.diagnostics` as it does a failed
/// operation's (001's diagnostics, read through `onenote_api::Error::diagnostics`).
#[tokio::test]
async fn the_clients_error_exposes_the_diagnostics_of_a_synchronous_failure() {
    let (fake, _clock) = start().await;
    let teacher = client(&fake, TEACHER);
    let missing = teacher
        .me()
        .class_notebook("1-nope")
        .get()
        .send()
        .await
        .unwrap_err();
    let diagnostics = missing.diagnostics();
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0]["code"], "20102");
    assert_eq!(diagnostics[0]["message"].as_str(), missing.message());
    let id = class_notebook(&fake, "Math 101", &[]).await;
    let failed = teacher
        .me()
        .class_notebook(&id)
        .students()
        .add(person("ghost@contoso.com"))
        .respond_async()
        .send()
        .await
        .unwrap()
        .wait()
        .await
        .unwrap_err();
    assert_eq!(failed.diagnostics()[0]["code"], "30109");
}
