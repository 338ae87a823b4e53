//! Notebooks, section groups, sections and pages as collections: create where the caller
//! may write, list what they can see (by name; pages newest first), get one with its parents,
//! change a page's content, delete a page. The state is checked after every change.

use std::time::Duration;

use onenote_api::{
    CreateNotebook, CreateSection, CreateSectionGroup, ErrorCode, PatchAction, PatchContentCommand,
};
use onenote_fake::Role;

use crate::harness::{FRACTIONS, QUIZ, STUDENTS, TEACHER, builder, class_notebook, client, send};

const LESSONS: &str = "1-313dc828-dd55-4c71-82c3-f9c30a40e7c5";

#[tokio::test]
async fn notebooks_section_groups_and_sections_are_made_where_the_caller_may_write() {
    let clock = onenote_fake::ManualClock::new();
    let fake = builder(&clock).start().await.unwrap();
    let teacher = client(&fake, TEACHER);
    let me = teacher.me();

    let notebook = me
        .notebooks()
        .create(CreateNotebook::new("Science"))
        .send()
        .await
        .unwrap();
    let id = notebook.id.clone().unwrap();
    assert_eq!(notebook.user_role, Some(onenote_api::UserRole::Owner));
    let group = me
        .notebook(&id)
        .section_groups()
        .create(CreateSectionGroup::new("Units"))
        .send()
        .await
        .unwrap();
    let group_id = group.id.clone().unwrap();
    let section = me
        .section_group(&group_id)
        .sections()
        .create(CreateSection::new("Unit 1"))
        .send()
        .await
        .unwrap();
    let section_id = section.id.clone().unwrap();
    assert_eq!(
        section
            .parent_section_group
            .and_then(onenote_api::Nullable::into_option)
            .and_then(|g| g.id)
            .as_deref(),
        Some(group_id.as_str())
    );
    assert_eq!(
        section.parent_notebook.and_then(|n| n.name).as_deref(),
        Some("Science")
    );

    let state = fake.state();
    let stored = state.notebook(&id).unwrap();
    assert!(stored.class.is_none());
    assert_eq!(state.section_group(&group_id).unwrap().parent_id, id);
    assert_eq!(state.section(&section_id).unwrap().parent_id, group_id);
    assert_eq!(state.role(TEACHER, &section_id), Some(Role::Owner));

    let names: Vec<String> = me
        .notebooks()
        .list()
        .send()
        .await
        .unwrap()
        .value
        .into_iter()
        .filter_map(|n| n.name)
        .collect();
    assert_eq!(names, ["Lesson Plans", "Science"]);
    let expanded = me
        .notebook(&id)
        .get()
        .expand(["sections", "sectionGroups"])
        .send()
        .await
        .unwrap();
    assert_eq!(
        expanded.section_groups.unwrap()[0].name.as_deref(),
        Some("Units")
    );
    assert!(expanded.sections.unwrap().is_empty());
    let all: Vec<String> = me
        .all_sections()
        .list()
        .send()
        .await
        .unwrap()
        .value
        .into_iter()
        .filter_map(|s| s.name)
        .collect();
    assert_eq!(all, ["Fractions", "Unit 1"]);
    let in_group = me
        .section_group(&group_id)
        .sections()
        .list()
        .send()
        .await
        .unwrap();
    assert_eq!(in_group.value.len(), 1);

    let taken = me
        .notebook(&id)
        .section_groups()
        .create(CreateSectionGroup::new("units"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(taken.code(), Some(ErrorCode::NameAlreadyExists));
    let long = me
        .section_group(&group_id)
        .sections()
        .create(CreateSection::new("x".repeat(51)))
        .send()
        .await
        .unwrap_err();
    assert_eq!(long.code(), Some(ErrorCode::NameTooLong));
    assert_eq!(
        fake.state().sections().count(),
        2,
        "Fractions and Unit 1, nothing else"
    );
    // Someone else cannot write in it, nor even see it.
    let student = client(&fake, STUDENTS[0]);
    let refused = student
        .user(TEACHER)
        .notebook(&id)
        .sections()
        .create(CreateSection::new("Mine"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(refused.status(), Some(404));
    assert!(
        student
            .me()
            .notebooks()
            .list()
            .send()
            .await
            .unwrap()
            .value
            .is_empty()
    );
}

#[tokio::test]
async fn students_list_only_the_section_groups_they_may_see() {
    let clock = onenote_fake::ManualClock::new();
    let fake = builder(&clock).start().await.unwrap();
    let id = class_notebook(&fake, "Math 101", &STUDENTS[..2]).await;
    let student = client(&fake, STUDENTS[0]).user(TEACHER);
    let mut names: Vec<String> = student
        .all_section_groups()
        .list()
        .send()
        .await
        .unwrap()
        .value
        .into_iter()
        .filter_map(|g| g.name)
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["Student One", "_Collaboration Space", "_Content Library"]
    );
    let library = fake
        .state()
        .notebook(&id)
        .unwrap()
        .class
        .clone()
        .unwrap()
        .content_library;
    let refused = student
        .section_group(&library)
        .sections()
        .create(CreateSection::new("Notes"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        refused.status(),
        Some(403),
        "a Reader of the content library"
    );
    let listed = student.notebooks().list().send().await.unwrap();
    assert_eq!(
        listed.value.len(),
        1,
        "the class notebook, not teacher1's lesson plans"
    );
}

#[tokio::test]
async fn pages_list_newest_first_and_change_and_go() {
    let clock = onenote_fake::ManualClock::new();
    let fake = builder(&clock).start().await.unwrap();
    clock.advance(Duration::from_secs(60));
    let newer = fake.add_page(FRACTIONS, "Homework 2").unwrap();
    let teacher = client(&fake, TEACHER);
    let me = teacher.me();

    let listed = me
        .section(FRACTIONS)
        .pages()
        .list()
        .page_level(true)
        .send()
        .await
        .unwrap();
    let mut titles: Vec<&str> = listed
        .value
        .iter()
        .filter_map(|p| p.title.as_deref())
        .collect();
    assert_eq!(titles[0], "Homework 2", "newest first");
    titles[1..].sort();
    assert_eq!(
        titles[1..],
        ["Fractions quiz", "Homework 1"],
        "the seeded two"
    );
    let orders: Vec<Option<i64>> = listed.value.iter().map(|p| p.order).collect();
    assert!(
        orders.iter().all(|o| o.is_some()),
        "pagelevel adds order: {orders:?}"
    );
    assert_eq!(
        listed.value[0]
            .parent_section
            .as_ref()
            .and_then(|s| s.id.as_deref()),
        Some(FRACTIONS)
    );
    let too_many = send(&fake, "GET", "/v1.0/me/notes/pages?$top=101", TEACHER, None).await;
    assert_eq!(too_many.json()["error"]["code"], "20129");

    me.page(&newer)
        .update_content(vec![
            PatchContentCommand::new("title", PatchAction::Replace)
                .with_content("Homework 2 (graded)"),
            PatchContentCommand::new("body", PatchAction::Append)
                .with_content("<p data-id=\"a\">A+</p>"),
        ])
        .send()
        .await
        .unwrap();
    let state = fake.state();
    let page = state.page(&newer).unwrap();
    assert_eq!(page.title, "Homework 2 (graded)");
    assert!(
        page.content.contains("<title>Homework 2 (graded)</title>"),
        "{}",
        page.content
    );
    assert!(
        page.content
            .ends_with("<p data-id=\"a\">A+</p></body></html>"),
        "{}",
        page.content
    );
    let missing = me
        .page(&newer)
        .update_content(vec![
            PatchContentCommand::new("#nope", PatchAction::Replace).with_content("x"),
        ])
        .send()
        .await
        .unwrap_err();
    // The command names an element the page lacks: 404, as any resource a request names.
    assert_eq!(missing.status(), Some(404));
    assert_eq!(missing.code(), Some(ErrorCode::ResourceNotFound));
    assert_eq!(
        fake.state().page(&newer).unwrap().content,
        page.content,
        "nothing applied"
    );

    let got = me.page(QUIZ).get().send().await.unwrap();
    assert_eq!(got.title.as_deref(), Some("Fractions quiz"));
    assert_eq!(
        got.parent_section.and_then(|s| s.name).as_deref(),
        Some("Fractions")
    );
    me.page(&newer).delete().send().await.unwrap();
    assert!(fake.state().page(&newer).is_none());
    let gone = me.page(&newer).get().send().await.unwrap_err();
    assert_eq!(gone.status(), Some(404));
    // teacher1's lesson plans are not the student's to change.
    let student = client(&fake, STUDENTS[0]).user(TEACHER);
    assert_eq!(
        student
            .page(QUIZ)
            .delete()
            .send()
            .await
            .unwrap_err()
            .status(),
        Some(404)
    );
    assert!(fake.state().page(QUIZ).is_some());
    let lessons = fake.state().notebook(LESSONS).map(|n| n.name.clone());
    assert_eq!(lessons.as_deref(), Some("Lesson Plans"));
}
