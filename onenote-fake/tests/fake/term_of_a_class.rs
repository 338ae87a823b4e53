//! A term of a class, end to end through the typed client: create, enrol, copy to the content
//! library, distribute, lock, grant, remove, transfer. After every call the fake's state is
//! checked, not only the answer.

use std::time::Duration;

use onenote_api::{
    ClassNotebookTransfer, ClassNotebookTransferBody, CopySectionsToContentLibrary,
    CreateClassNotebook, CreatePermission, DateTime, DistributePageToStudent, ErrorCode, Nullable,
    OperationStatus, PageLockUpdate, UserRole,
};
use onenote_fake::{ClassSectionGroup, Container, Role, State};

use crate::harness::{ADMIN, FRACTIONS, STUDENTS, TEACHER, TEACHER2, client, person, start};

fn math_101() -> CreateClassNotebook {
    CreateClassNotebook::new("Math 101")
        .with_student_sections(vec!["Handouts".into(), "Homework".into()])
        .with_teachers(vec![person(TEACHER)])
        .with_students(STUDENTS[..3].iter().map(|s| person(s)).collect())
        .with_has_teacher_only_section_group(true)
}

/// The names of the section groups directly in the notebook, sorted.
fn groups(state: &State, notebook: &str) -> Vec<String> {
    let mut names: Vec<String> = state
        .section_groups_in(notebook)
        .map(|g| g.name.clone())
        .collect();
    names.sort();
    names
}

fn date(text: &str) -> DateTime {
    text.parse().unwrap()
}

#[tokio::test]
async fn a_term_of_a_class() {
    let (fake, _clock) = start().await;
    let teacher = client(&fake, TEACHER);

    // --- create ---
    let created = teacher
        .me()
        .class_notebooks()
        .create(math_101())
        .send_email(true)
        .send()
        .await
        .unwrap();
    let id = created.id.clone().unwrap();
    assert!(id.starts_with("1-") && id.len() == 38, "{id}");
    assert_eq!(
        created.self_.as_deref(),
        Some(format!("{}/v1.0/me/notes/classNotebooks/{id}", fake.base_url()).as_str())
    );
    assert_eq!(created.user_role, Some(UserRole::Owner));
    assert_eq!(created.created_by.as_deref(), Some("Teacher One"));
    assert_eq!(
        created.created_time.map(|t| t.to_string()).as_deref(),
        Some("2018-02-25T23:17:16Z")
    );
    assert_eq!(created.students.as_ref().map(Vec::len), Some(3));

    let state = fake.state();
    let notebook = state.notebook(&id).unwrap();
    assert_eq!(notebook.container, Container::OneDrive(TEACHER.into()));
    let class = notebook.class.clone().unwrap();
    assert!(class.has_teacher_only_section_group);
    assert_eq!(
        groups(&state, &id),
        [
            "Student One",
            "Student Three",
            "Student Two",
            "_Collaboration Space",
            "_Content Library",
            "_Teacher Only"
        ]
    );
    let own = state.student_section_group(&id, STUDENTS[0]).unwrap();
    let sections: Vec<&str> = state
        .sections_in(&own.id)
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(sections, ["Handouts", "Homework"]);
    let other = state.student_section_group(&id, STUDENTS[1]).unwrap();
    assert_eq!(state.role(TEACHER, &id), Some(Role::Owner));
    assert_eq!(state.role(STUDENTS[0], &own.id), Some(Role::Contributor));
    assert_eq!(state.role(STUDENTS[0], &other.id), None);
    assert_eq!(
        state.role(STUDENTS[0], &class.content_library),
        Some(Role::Reader)
    );
    assert_eq!(
        state.role(STUDENTS[0], &class.collaboration_space),
        Some(Role::Contributor)
    );
    assert_eq!(
        state.role(STUDENTS[0], class.teacher_only.as_deref().unwrap()),
        None
    );
    assert_eq!(
        state.sent_emails().len(),
        4,
        "one teacher and three students"
    );

    // --- enrol ---
    teacher
        .me()
        .class_notebook(&id)
        .students()
        .add(person(STUDENTS[3]))
        .send()
        .await
        .unwrap();
    teacher
        .me()
        .class_notebook(&id)
        .teachers()
        .add(person(TEACHER2))
        .send()
        .await
        .unwrap();
    let state = fake.state();
    let class = state.notebook(&id).unwrap().class.clone().unwrap();
    assert_eq!(class.students.len(), 4);
    assert_eq!(class.teachers.len(), 2);
    let fourth = state.student_section_group(&id, STUDENTS[3]).unwrap();
    assert_eq!(
        fourth.class_role,
        Some(ClassSectionGroup::Student(onenote_fake::Grantee::user(
            STUDENTS[3]
        )))
    );
    assert_eq!(state.sections_in(&fourth.id).len(), 2);
    assert_eq!(state.role(TEACHER2, &fourth.id), Some(Role::Contributor));
    // The co-teacher finds it in teacher1's OneDrive, not in their own.
    let teacher2 = client(&fake, TEACHER2);
    let theirs = teacher2
        .user(TEACHER)
        .class_notebooks()
        .list()
        .send()
        .await
        .unwrap();
    assert_eq!(theirs.value.len(), 1);
    assert_eq!(theirs.value[0].user_role, Some(UserRole::Contributor));
    assert!(
        teacher2
            .me()
            .class_notebooks()
            .list()
            .send()
            .await
            .unwrap()
            .value
            .is_empty()
    );

    // --- copy a lesson into the content library ---
    teacher
        .me()
        .class_notebook(&id)
        .copy_sections_to_content_library(CopySectionsToContentLibrary::new(vec![FRACTIONS.into()]))
        .send()
        .await
        .unwrap();
    let state = fake.state();
    let library = state.sections_in(&class.content_library);
    assert_eq!(library.len(), 1);
    assert_eq!(library[0].name, "Fractions");
    let copied: Vec<&str> = state
        .pages_in(&library[0].id)
        .iter()
        .map(|p| p.title.as_str())
        .collect();
    assert_eq!(copied, ["Fractions quiz", "Homework 1"]);
    assert_eq!(state.role(STUDENTS[2], &library[0].id), Some(Role::Reader));
    let quiz = state.pages_in(&library[0].id)[0].id.clone();

    // --- distribute the quiz to a student ---
    let due = date("2018-03-01T23:59:00Z");
    let handout = DistributePageToStudent::new(STUDENTS[0], due, "Quizzes")
        .with_assignment_id("4cb4f3d3-d7fd-463b-beb5-526dafb7241d")
        .with_ignore_if_student_page_exists(true);
    let copy = teacher
        .me()
        .class_notebook(&id)
        .distribute_page_to_student(&quiz, handout.clone())
        .send()
        .await
        .unwrap();
    let copy_id = copy.value.clone().unwrap();
    let state = fake.state();
    let page = state.page(&copy_id).unwrap().clone();
    let section = state.section(&page.section_id).unwrap();
    assert_eq!(section.name, "Quizzes", "the target section is made");
    assert_eq!(
        section.parent_id, own.id,
        "in the student's own section group"
    );
    assert_eq!(page.title, "Fractions quiz");
    assert_eq!(page.lock, Some(due));
    assert_eq!(page.distributed_from.as_deref(), Some(quiz.as_str()));
    assert_eq!(state.role(STUDENTS[0], &copy_id), Some(Role::Contributor));
    assert_eq!(state.role(STUDENTS[1], &copy_id), None);
    // Again for the same assignment: the existing page, no second copy.
    let again = teacher
        .me()
        .class_notebook(&id)
        .distribute_page_to_student(&quiz, handout)
        .send()
        .await
        .unwrap();
    assert_eq!(again.value.as_deref(), Some(copy_id.as_str()));
    assert_eq!(
        fake.state()
            .pages()
            .filter(|p| p.distributed_from.is_some())
            .count(),
        1
    );

    // --- lock: move the date, read it, clear it; a student may not ---
    let page_handle = teacher.me().page(&copy_id);
    page_handle
        .update_lock(
            PageLockUpdate::default().with_block_edits_in_client_start_date(Nullable::Value(date(
                "2018-03-02T08:00:00-08:00",
            ))),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        fake.state().page(&copy_id).unwrap().lock,
        Some(date("2018-03-02T16:00:00Z"))
    );
    let lock = page_handle
        .get()
        .include_lock_date(true)
        .send()
        .await
        .unwrap();
    assert_eq!(
        lock.block_edits_in_client_start_date,
        Some(date("2018-03-02T16:00:00Z"))
    );
    let student = client(&fake, STUDENTS[0]);
    let refused = student
        .user(TEACHER)
        .page(&copy_id)
        .update_lock(
            PageLockUpdate::default().with_block_edits_in_client_start_date(Nullable::Null),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(refused.status(), Some(403));
    assert_eq!(refused.code(), Some(ErrorCode::WriteDenied));
    assert!(
        fake.state().page(&copy_id).unwrap().lock.is_some(),
        "the student changed nothing"
    );
    page_handle
        .update_lock(
            PageLockUpdate::default().with_block_edits_in_client_start_date(Nullable::Null),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(fake.state().page(&copy_id).unwrap().lock, None);
    assert_eq!(
        page_handle
            .get()
            .include_lock_date(true)
            .send()
            .await
            .unwrap()
            .block_edits_in_client_start_date,
        None
    );

    // --- grant: student2 may read student1's work ---
    let permission = teacher
        .me()
        .section_group(&own.id)
        .permissions()
        .create(CreatePermission::new(UserRole::Reader, STUDENTS[1]))
        .send()
        .await
        .unwrap();
    assert_eq!(
        permission.user_id.as_deref(),
        Some("i:0#.f|membership|student2@contoso.com")
    );
    assert_eq!(permission.name.as_deref(), Some("Student Two"));
    let state = fake.state();
    assert_eq!(state.role(STUDENTS[1], &own.id), Some(Role::Reader));
    assert_eq!(
        state.role(STUDENTS[1], &copy_id),
        Some(Role::Reader),
        "inherited by the page"
    );
    assert_eq!(state.role(STUDENTS[2], &own.id), None);

    // --- remove a student: access goes, content stays ---
    let leaving = state
        .student_section_group(&id, STUDENTS[2])
        .unwrap()
        .id
        .clone();
    teacher
        .me()
        .class_notebook(&id)
        .student(STUDENTS[2])
        .remove()
        .send()
        .await
        .unwrap();
    let state = fake.state();
    let class = state.notebook(&id).unwrap().class.clone().unwrap();
    assert!(!class.students.iter().any(|s| s.id == STUDENTS[2]));
    assert!(
        state.section_group(&leaving).is_some(),
        "their section group stays"
    );
    assert_eq!(state.role(STUDENTS[2], &leaving), None);
    assert_eq!(state.role(STUDENTS[2], &class.content_library), None);
    assert!(!state.can_see(STUDENTS[2], &id));
    let gone = client(&fake, STUDENTS[2])
        .user(TEACHER)
        .class_notebook(&id)
        .get()
        .send()
        .await
        .unwrap_err();
    assert_eq!(gone.status(), Some(404));

    // --- transfer at the end of term (a tenant administrator, asynchronous only) ---
    let transfer = ClassNotebookTransferBody::new(ClassNotebookTransfer::new(
        person(TEACHER),
        person(TEACHER2),
        "Math 101 (archive)",
    ));
    let refused = teacher
        .me()
        .class_notebook(&id)
        .transfer(transfer.clone())
        .send()
        .await
        .unwrap_err();
    assert_eq!(refused.status(), Some(403));
    let admin = client(&fake, ADMIN);
    let operation = admin
        .me()
        .class_notebook(&id)
        .transfer(transfer)
        .send()
        .await
        .unwrap();
    assert!(
        operation
            .location()
            .contains("/v1.0/me/notes/operations/transfer-"),
        "{}",
        operation.location()
    );
    let done = operation
        .wait_with(onenote_api::WaitOptions::new().timeout(Duration::from_secs(60)))
        .await
        .unwrap();
    assert_eq!(done.status, Some(OperationStatus::Completed));
    assert_eq!(done.resource_id.as_deref(), Some(id.as_str()));
    let state = fake.state();
    let moved = state.notebook(&id).unwrap();
    assert_eq!(moved.name, "Math 101 (archive)");
    assert_eq!(moved.container, Container::OneDrive(TEACHER2.into()));
    let teachers: Vec<&str> = moved
        .class
        .as_ref()
        .unwrap()
        .teachers
        .iter()
        .map(|t| t.id.as_str())
        .collect();
    assert_eq!(teachers, [TEACHER2]);
    assert_eq!(state.role(TEACHER2, &id), Some(Role::Owner));
    assert_eq!(state.role(TEACHER, &id), None);
    assert_eq!(
        state.role(STUDENTS[0], &own.id),
        Some(Role::Contributor),
        "students keep their work"
    );
    let found = teacher2
        .me()
        .class_notebook(&id)
        .get()
        .send()
        .await
        .unwrap();
    assert_eq!(found.name.as_deref(), Some("Math 101 (archive)"));
    assert_eq!(found.user_role, Some(UserRole::Owner));

    fake.shutdown().await;
}
