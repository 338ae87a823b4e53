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
        "`name` is not a field of ClassNotebookUpdate (its fields: hasTeacherOnlySectionGroup)"
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
    // Names the documents forbid, sent past the client (which refuses them itself): the fake
    // refuses them with the rule's code.
    for (body, code) in [
        (serde_json::json!({ "name": "x".repeat(129) }), "20155"),
        (
            serde_json::json!({ "name": "Math 103", "studentSections": ["a:b"] }),
            "20153",
        ),
    ] {
        let refused = send(
            &fake,
            "POST",
            "/v1.0/me/notes/classNotebooks",
            TEACHER,
            Some(body),
        )
        .await;
        assert_eq!(refused.status, 400);
        assert_eq!(refused.json()["error"]["code"], code);
    }
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
            .starts_with("`omkt` is \"tlh-qo\", which is not one of: bg-bg,")
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
async fn omkt_takes_the_documented_codes_and_sendemail_true_or_false() {
    let (fake, _clock) = start().await;
    let create = |query: String, name: &str| {
        let body = serde_json::json!({
            "name": name,
            "students": [{ "id": STUDENTS[0], "principalType": "Person" }],
        });
        let fake = &fake;
        async move {
            send(
                fake,
                "POST",
                &format!("/v1.0/me/notes/classNotebooks?{query}"),
                TEACHER,
                Some(body),
            )
            .await
        }
    };
    for (query, name, language) in [
        ("omkt=de-de", "Mathe", "de-de"),
        ("omkt=sr-Latn-RS&sendemail=true", "Matematika", "sr-Latn-RS"),
        ("sendemail=false", "Math", "en-us"),
    ] {
        let made = create(query.to_owned(), name).await;
        assert_eq!(made.status, 201, "{query}: {}", made.json());
        let id = made.json()["id"].as_str().unwrap().to_owned();
        let class = fake.state().notebook(&id).unwrap().class.clone().unwrap();
        assert_eq!(class.language, language, "{query}");
    }
    assert_eq!(
        fake.state().sent_emails().len(),
        1,
        "true sends, false does not"
    );
    // The list is closed and exact, as the client's `Language` is; booleans are JSON's.
    for (query, message) in [
        (
            "omkt=DE-DE",
            "`omkt` is \"DE-DE\", which is not one of: bg-bg, cs-cz, da-dk, de-de, el-gr, en-us, \
             es-es, et-ee, fi-fi, fr-fr, hi-in, hr-hr, hu-hu, id-id, it-it, ja-jp, kk-kz, ko-kr, \
             lt-lt, lv-lv, ms-my, nb-no, nl-nl, pl-pl, pt-br, pt-pt, ro-ro, ru-ru, sk-sk, sl-si, \
             sr-Latn-RS, sv-se, th-th, tr-tr, uk-ua, vi-vn, zh-cn, zh-tw",
        ),
        (
            "sendemail=True",
            "`sendemail` is \"True\"; it takes true or false",
        ),
    ] {
        let refused = create(query.to_owned(), "Refused").await;
        assert_eq!(refused.status, 400, "{query}");
        assert_eq!(refused.json()["error"]["code"], "10017", "{query}");
        assert_eq!(refused.json()["error"]["message"], message, "{query}");
    }
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

/// 001, "Kursnotizbücher erstellen", its example: the documents' own body makes four student
/// section groups, each holding the four student sections and open only to that student and
/// the teachers, and a teacher-only section group only teachers see.
#[tokio::test]
async fn the_documents_create_example_makes_a_section_group_per_student_and_one_for_teachers() {
    let (fake, _clock) = start().await;
    let body = CreateClassNotebook::new("Math 101")
        .with_student_sections(
            ["Handouts", "Class Notes", "Homework", "Quizzes"]
                .map(String::from)
                .to_vec(),
        )
        .with_teachers(vec![person(TEACHER)])
        .with_students(STUDENTS.iter().map(|s| person(s)).collect())
        .with_has_teacher_only_section_group(true);
    let made = client(&fake, TEACHER)
        .me()
        .class_notebooks()
        .create(body)
        .send()
        .await
        .unwrap();
    let id = made.id.unwrap();
    let state = fake.state();
    for (i, student) in STUDENTS.iter().enumerate() {
        let own = state.student_section_group(&id, student).unwrap();
        let mut sections: Vec<&str> = state
            .sections_in(&own.id)
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        sections.sort_unstable();
        assert_eq!(sections, ["Class Notes", "Handouts", "Homework", "Quizzes"]);
        assert_eq!(state.role(student, &own.id), Some(Role::Contributor));
        assert_eq!(state.role(TEACHER, &own.id), Some(Role::Owner));
        let other = STUDENTS[(i + 1) % STUDENTS.len()];
        assert_eq!(state.role(other, &own.id), None, "{other} in {student}'s");
    }
    let class = state.notebook(&id).unwrap().class.clone().unwrap();
    let teacher_only = class.teacher_only.unwrap();
    assert_eq!(state.role(TEACHER, &teacher_only), Some(Role::Owner));
    assert!(STUDENTS.iter().all(|s| !state.can_see(s, &teacher_only)));
    assert_eq!(made.has_teacher_only_section_group, Some(true));
    assert_eq!(
        made.student_sections.unwrap(),
        ["Handouts", "Class Notes", "Homework", "Quizzes"]
    );
}

/// 001, "Kursnotizbücher erstellen", `sendemail`: whether the teachers and students get an
/// e-mail when the notebook is made; "Der Standardwert lautet false."
#[tokio::test]
async fn sendemail_notifies_the_teachers_and_students_and_is_off_by_default() {
    let (fake, _clock) = start().await;
    let body = |name: &str| {
        CreateClassNotebook::new(name)
            .with_teachers(vec![person(TEACHER)])
            .with_students(vec![person(STUDENTS[0]), person(STUDENTS[1])])
    };
    let classes = client(&fake, TEACHER).me().class_notebooks();
    classes.create(body("Math 101")).send().await.unwrap();
    assert!(fake.state().sent_emails().is_empty(), "false by default");
    let id = classes
        .create(body("Math 102"))
        .send_email(true)
        .send()
        .await
        .unwrap()
        .id
        .unwrap();
    let mut to: Vec<String> = fake
        .state()
        .sent_emails()
        .iter()
        .filter(|e| e.notebook_id == id)
        .map(|e| e.to.clone())
        .collect();
    to.sort();
    assert_eq!(to, [STUDENTS[0], STUDENTS[1], TEACHER]);
}

/// 001, "Kursnotizbücher abrufen": "Kursnotizbücher werden auch für GET /notebooks -Anfragen
/// zurückgegeben, aber die Ergebnisse enthalten keine Kursnotizbuch-spezifischen
/// Eigenschaften."
#[tokio::test]
async fn class_notebooks_are_listed_by_get_notebooks_without_their_class_properties() {
    let (fake, _clock) = start().await;
    let id = class_notebook(&fake, "Math 101", &STUDENTS[..1]).await;
    let listed = send(&fake, "GET", "/v1.0/me/notes/notebooks", TEACHER, None).await;
    let notebooks = listed.json()["value"].as_array().unwrap().clone();
    let class = notebooks.iter().find(|n| n["id"] == id.as_str()).unwrap();
    assert_eq!(class["name"], "Math 101");
    for property in [
        "studentSections",
        "teachers",
        "students",
        "hasTeacherOnlySectionGroup",
    ] {
        assert!(class.get(property).is_none(), "{property}: {class}");
    }
}

/// 001, "Kursnotizbücher abrufen": `GET ../classNotebooks/{notebook-id}[?select,expand]`;
/// "Notizbücher können die Eigenschaften teachers und students erweitern."
#[tokio::test]
async fn get_takes_select_and_expands_teachers_and_students() {
    let (fake, _clock) = start().await;
    let id = class_notebook(&fake, "Math 101", &STUDENTS[..2]).await;
    let path = format!("/v1.0/me/notes/classNotebooks/{id}");
    let plain = send(&fake, "GET", &path, TEACHER, None).await.json();
    assert!(plain.get("students").is_none(), "{plain}");
    let expanded = send(
        &fake,
        "GET",
        &format!("{path}?$expand=teachers,students&$select=name,students"),
        TEACHER,
        None,
    )
    .await
    .json();
    assert_eq!(expanded["name"], "Math 101");
    assert_eq!(
        expanded["students"],
        serde_json::json!([
            { "id": STUDENTS[0], "principalType": "Person" },
            { "id": STUDENTS[1], "principalType": "Person" },
        ])
    );
    assert!(
        expanded.get("teachers").is_none(),
        "not selected: {expanded}"
    );
    assert!(expanded.get("id").is_none(), "not selected: {expanded}");
    let refused = send(&fake, "GET", &format!("{path}?$top=1"), TEACHER, None).await;
    assert_eq!(refused.status, 400, "only select and expand on one");
}

/// 001, "Kursteilnehmer und Lehrer hinzufügen": one student or teacher per request, answered
/// 201 with "Der Kursteilnehmer oder Lehrer, der hinzugefügt wurde".
#[tokio::test]
async fn a_student_or_teacher_is_added_one_per_request_and_answered_with_the_principal() {
    let (fake, _clock) = start().await;
    let id = class_notebook(&fake, "Math 101", &[]).await;
    let path = format!("/v1.0/me/notes/classNotebooks/{id}/students");
    let added = send(
        &fake,
        "POST",
        &path,
        TEACHER,
        Some(serde_json::json!({ "id": STUDENTS[0], "principalType": "Person" })),
    )
    .await;
    assert_eq!(added.status, 201);
    let body = added.json();
    assert_eq!(body["id"], STUDENTS[0]);
    assert_eq!(body["principalType"], "Person");
    let two = send(
        &fake,
        "POST",
        &path,
        TEACHER,
        Some(serde_json::json!([
            { "id": STUDENTS[1], "principalType": "Person" },
            { "id": STUDENTS[2], "principalType": "Person" },
        ])),
    )
    .await;
    assert_eq!(two.status, 400);
    let class = fake.state().notebook(&id).unwrap().class.clone().unwrap();
    assert_eq!(class.students.len(), 1);
}

/// 001, "Kursteilnehmer oder Lehrer entfernen": "Das Entfernen … entzieht ihnen den Zugriff auf
/// das Notizbuch, löscht aber keine Inhalte" (revokes their access, deletes no content).
#[tokio::test]
async fn removing_a_student_revokes_their_access_and_keeps_their_section_group() {
    let (fake, _clock) = start().await;
    let id = class_notebook(&fake, "Math 101", &STUDENTS[..2]).await;
    let own = fake
        .state()
        .student_section_group(&id, STUDENTS[0])
        .unwrap()
        .id
        .clone();
    let homework = fake.state().sections_in(&own)[0].id.clone();
    let page = fake.add_page(&homework, "My work").unwrap();
    let answer = send(
        &fake,
        "DELETE",
        &format!(
            "/v1.0/me/notes/classNotebooks/{id}/students/{}",
            STUDENTS[0]
        ),
        TEACHER,
        None,
    )
    .await;
    assert_eq!(answer.status, 204);
    let state = fake.state();
    assert!(state.section_group(&own).is_some() && state.page(&page).is_some());
    assert!(!state.can_see(STUDENTS[0], &id));
    assert_eq!(state.role(TEACHER, &page), Some(Role::Owner));
    assert_eq!(state.role(STUDENTS[1], &own), None);
}

/// 001, "Bereiche einfügen": "Eine Inhaltsbibliothek ist eine Bereichsgruppe im
/// Kursnotizbuch, die Lese-/Schreibrechte für Lehrer und Leserechte für Kursteilnehmer hat."
#[tokio::test]
async fn the_content_library_is_read_write_for_teachers_and_read_only_for_students() {
    let (fake, _clock) = start().await;
    let body = CreateClassNotebook::new("Math 101")
        .with_teachers(vec![person(TEACHER), person(crate::harness::TEACHER2)])
        .with_students(vec![person(STUDENTS[0])]);
    let id = client(&fake, TEACHER)
        .me()
        .class_notebooks()
        .create(body)
        .send()
        .await
        .unwrap()
        .id
        .unwrap();
    let library = fake
        .state()
        .notebook(&id)
        .unwrap()
        .class
        .clone()
        .unwrap()
        .content_library;
    let state = fake.state();
    assert_eq!(
        state.role(crate::harness::TEACHER2, &library),
        Some(Role::Contributor)
    );
    assert_eq!(state.role(STUDENTS[0], &library), Some(Role::Reader));
    let create = |upn: &'static str| {
        let library = library.clone();
        let fake = &fake;
        async move {
            send(
                fake,
                "POST",
                &format!("/v1.0/users/{TEACHER}/notes/sectiongroups/{library}/sections"),
                upn,
                Some(serde_json::json!({ "name": format!("By {upn}") })),
            )
            .await
            .status
        }
    };
    assert_eq!(create(crate::harness::TEACHER2).await, 201);
    assert_eq!(create(STUDENTS[0]).await, 403);
}

/// 001, "Die Seiten an den Kursteilnehmer verteilen": the page is copied into the student's
/// section `targetSectionName` ("Wenn der Kursteilnehmer-Abschnitt nicht vorhanden ist, wird er
/// erstellt"), becomes read-only from `lockStartDate`, carries `assignmentId`, and the answer
/// (200) is the id of the student's copy.
#[tokio::test]
async fn a_distributed_page_goes_to_the_target_section_made_when_missing_and_locks_then() {
    let (fake, _clock) = start().await;
    let id = class_notebook(&fake, "Math 101", &STUDENTS[..1]).await;
    let answer = send(
        &fake,
        "POST",
        &format!(
            "/v1.0/me/notes/classNotebooks/{id}/pages('{QUIZ}')/Microsoft.OneNote.Api.DistributePageToStudent"
        ),
        TEACHER,
        Some(serde_json::json!({
            "studentUserPrincipalName": STUDENTS[0],
            "lockStartDate": "2018-12-15T23:17:16Z",
            "targetSectionName": "Quizzes",
            "assignmentId": "4cb4f3d3-d7fd-463b-beb5-526dafb7241d",
        })),
    )
    .await;
    assert_eq!(answer.status, 200);
    let copy = answer.json()["value"].as_str().unwrap().to_owned();
    let state = fake.state();
    let page = state.page(&copy).unwrap();
    let section = state.section(&page.section_id).unwrap();
    assert_eq!(section.name, "Quizzes", "made, it was missing");
    assert_eq!(
        section.parent_id,
        state.student_section_group(&id, STUDENTS[0]).unwrap().id
    );
    assert_eq!(page.lock, Some("2018-12-15T23:17:16Z".parse().unwrap()));
    assert_eq!(
        page.assignment_id.as_deref(),
        Some("4cb4f3d3-d7fd-463b-beb5-526dafb7241d")
    );
    assert_eq!(page.distributed_from.as_deref(), Some(QUIZ));
}

/// 001, "Die Seiten an den Kursteilnehmer verteilen": `ignoreIfStudentPageExists`: "true
/// Ignoriert das Kopieren der Seite, wenn eine andere Seite mit der gleichen Aufgaben-Id
/// vorhanden ist."
#[tokio::test]
async fn ignore_if_student_page_exists_skips_a_second_copy_for_the_same_assignment() {
    let (fake, _clock) = start().await;
    let id = class_notebook(&fake, "Math 101", &STUDENTS[..1]).await;
    let notebook = client(&fake, TEACHER).me().class_notebook(&id);
    let due = "2018-12-15T23:17:16Z".parse().unwrap();
    let handout = |ignore: bool| {
        DistributePageToStudent::new(STUDENTS[0], due, "Quizzes")
            .with_assignment_id("a-1")
            .with_ignore_if_student_page_exists(ignore)
    };
    let first = notebook
        .distribute_page_to_student(QUIZ, handout(true))
        .send()
        .await
        .unwrap();
    let again = notebook
        .distribute_page_to_student(QUIZ, handout(true))
        .send()
        .await
        .unwrap();
    assert_eq!(again.value, first.value, "the existing page");
    let copies = || {
        fake.state()
            .pages()
            .filter(|p| p.assignment_id.as_deref() == Some("a-1"))
            .count()
    };
    assert_eq!(copies(), 1);
    notebook
        .distribute_page_to_student(QUIZ, handout(false))
        .send()
        .await
        .unwrap();
    assert_eq!(copies(), 2, "without the flag a second copy is made");
}

/// 001, "Aktualisierung des Startdatums der Seitensperre" and "Abruf des Startdatums der
/// Seitensperre": PATCH sets `blockEditsInClientStartDate` (204), `null` clears it; GET with
/// `blockEditsInClientStartDate=true` includes it.
#[tokio::test]
async fn the_page_lock_is_set_read_with_its_flag_and_cleared_with_null() {
    let (fake, _clock) = start().await;
    let path = format!("/v1.0/me/notes/pages/{QUIZ}");
    let set = send(
        &fake,
        "PATCH",
        &path,
        TEACHER,
        Some(serde_json::json!({ "blockEditsInClientStartDate": "2018-02-25T15:17:16.0938811-08:00" })),
    )
    .await;
    assert_eq!(set.status, 204);
    let read = send(
        &fake,
        "GET",
        &format!("{path}?blockEditsInClientStartDate=true"),
        TEACHER,
        None,
    )
    .await
    .json();
    let read: onenote_api::DateTime = read["blockEditsInClientStartDate"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(read, "2018-02-25T23:17:16.0938811Z".parse().unwrap());
    let without = send(&fake, "GET", &path, TEACHER, None).await.json();
    assert!(without.get("blockEditsInClientStartDate").is_none());
    let cleared = send(
        &fake,
        "PATCH",
        &path,
        TEACHER,
        Some(serde_json::json!({ "blockEditsInClientStartDate": null })),
    )
    .await;
    assert_eq!(cleared.status, 204);
    assert_eq!(fake.state().page(QUIZ).unwrap().lock, None);
}

/// The fake's choice (issue 25, item 8): the lock is `blockEditsInClient…`, a date from which
/// OneNote clients stop editing the page; the API's own writes are not refused by it.
#[tokio::test]
async fn the_page_lock_does_not_refuse_the_apis_own_writes() {
    let (fake, _clock) = start().await;
    let page = client(&fake, TEACHER).me().page(QUIZ);
    page.update_lock(
        onenote_api::PageLockUpdate::default().with_block_edits_in_client_start_date(
            onenote_api::Nullable::Value("2000-01-01T00:00:00Z".parse().unwrap()),
        ),
    )
    .send()
    .await
    .unwrap();
    let changed = send(
        &fake,
        "PATCH",
        &format!("/v1.0/me/notes/pages/{QUIZ}/content"),
        TEACHER,
        Some(serde_json::json!([{ "target": "body", "action": "append", "content": "<p>x</p>" }])),
    )
    .await;
    assert_eq!(changed.status, 204, "locked since 2000, still written");
    assert!(
        fake.state()
            .page(QUIZ)
            .unwrap()
            .content
            .contains("<p>x</p>")
    );
}

/// 001, "Reparieren eines Klassennotizbuch": "Für einheitliche Gruppen wird die
/// Gruppenmitgliedschaft nicht aktualisiert; Verwenden Sie dafür stattdessen die
/// UpdateMembership-Aktion."
#[tokio::test]
async fn repair_does_not_update_a_groups_membership() {
    let (fake, _clock) = start().await;
    let group = client(&fake, TEACHER).group(crate::harness::GROUP);
    let id = group
        .class_notebooks()
        .create(CreateClassNotebook::new("Math 101").with_students(vec![person(STUDENTS[0])]))
        .send()
        .await
        .unwrap()
        .id
        .unwrap();
    group.class_notebook(&id).repair().send().await.unwrap();
    let class = fake.state().notebook(&id).unwrap().class.clone().unwrap();
    let students: Vec<&str> = class.students.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        students,
        [STUDENTS[0]],
        "the group's other members are not added"
    );
}

/// 001, "Zusammensetzen des Anforderungs-URI": class notebooks live at `me`, `users/{id}`,
/// `myOrganization/siteCollections/{id}/sites/{id}` and `myOrganization/groups/{id}`, each its
/// own container.
#[tokio::test]
async fn class_notebooks_are_made_at_me_users_sites_and_groups() {
    let (fake, _clock) = start().await;
    let roots = [
        "/v1.0/me/notes",
        "/v1.0/users/teacher1@contoso.com/notes",
        "/v1.0/myOrganization/siteCollections/09d1a587-a84b-4264-3d15-669429be8cc5/sites/d9e4d5c8-683f-4363-89ae-18c4e3da91e9/notes",
        "/v1.0/myOrganization/groups/1d13f814-83e5-4c11-8294-53bf40defd91/notes",
    ];
    for (i, root) in roots.iter().enumerate() {
        let made = send(
            &fake,
            "POST",
            &format!("{root}/classNotebooks"),
            TEACHER,
            Some(serde_json::json!({ "name": format!("Class {i}") })),
        )
        .await;
        assert_eq!(made.status, 201, "{root}: {}", made.json());
        let listed = send(
            &fake,
            "GET",
            &format!("{root}/classNotebooks"),
            TEACHER,
            None,
        )
        .await;
        let names: Vec<String> = listed.json()["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["name"].as_str().unwrap_or_default().to_owned())
            .collect();
        // `me` and `users/teacher1` are the same OneDrive.
        let expected: Vec<String> = match i {
            0 | 1 => vec!["Class 0".into(), "Class 1".into()][..=i].to_vec(),
            _ => vec![format!("Class {i}")],
        };
        assert_eq!(names, expected, "{root}");
    }
}

/// 001 and 002, "Construct the OneNote service root URL": `users/{id}` is "OneNote content that
/// the specified user has shared with the current user"; `myOrganization/groups/{id}` is
/// "OneNote content in the specified group that the current user is a member of".
#[tokio::test]
async fn users_shows_what_is_shared_with_the_caller_and_groups_only_their_members() {
    let (fake, _clock) = start().await;
    let id = class_notebook(&fake, "Math 101", &[]).await;
    let theirs = format!("/v1.0/users/{TEACHER}/notes/classNotebooks");
    let count =
        |answer: crate::harness::RawResponse| answer.json()["value"].as_array().map(Vec::len);
    assert_eq!(
        count(send(&fake, "GET", &theirs, STUDENTS[3], None).await),
        Some(0)
    );
    client(&fake, TEACHER)
        .me()
        .class_notebook(&id)
        .students()
        .add(person(STUDENTS[3]))
        .send()
        .await
        .unwrap();
    assert_eq!(
        count(send(&fake, "GET", &theirs, STUDENTS[3], None).await),
        Some(1)
    );
    let group =
        "/v1.0/myOrganization/groups/1d13f814-83e5-4c11-8294-53bf40defd91/notes/classNotebooks";
    assert_eq!(
        send(&fake, "GET", group, STUDENTS[0], None).await.status,
        200
    );
    let outsider = send(&fake, "GET", group, crate::harness::ADMIN, None).await;
    assert_eq!(outsider.status, 403);
    assert_eq!(
        outsider.json()["error"]["message"],
        "admin@contoso.com is not a member of the group 'Math 101'."
    );
}

/// The fake's choice where the documents are silent: a student removed and added again finds
/// the section group they had (removing deletes no content, 001).
#[tokio::test]
async fn a_student_added_again_finds_the_section_group_they_had() {
    let (fake, _clock) = start().await;
    let id = class_notebook(&fake, "Math 101", &STUDENTS[..1]).await;
    let notebook = client(&fake, TEACHER).me().class_notebook(&id);
    let before = fake
        .state()
        .student_section_group(&id, STUDENTS[0])
        .unwrap()
        .id
        .clone();
    notebook.student(STUDENTS[0]).remove().send().await.unwrap();
    notebook
        .students()
        .add(person(STUDENTS[0]))
        .send()
        .await
        .unwrap();
    let state = fake.state();
    assert_eq!(
        state.student_section_group(&id, STUDENTS[0]).unwrap().id,
        before
    );
    assert_eq!(state.role(STUDENTS[0], &before), Some(Role::Contributor));
    assert_eq!(state.section_groups_in(&id).count(), 3, "no second one");
}
