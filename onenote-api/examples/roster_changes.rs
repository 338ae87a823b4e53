//! A new term's roster: compares the class notebook's students with the roster and adds and
//! removes students to match. A removed student loses access; their section group and work
//! stay with the teacher.
//!
//! ```sh
//! cargo run --example roster_changes
//! ```
//!
//! It runs against an in-process fake OneNote unless `ONENOTE_TOKEN` is set; see
//! `examples/common/mod.rs` for the variables (it needs at least two students).

mod common;

use onenote_api::{CreateClassNotebook, Location, Notes};

#[tokio::main]
async fn main() -> common::Result {
    let setup = common::setup("roster changes").await?;
    at_place!(setup, roster_changes)
}

// `cargo test` runs it against the fake and checks the roster it left.
#[cfg(test)]
#[tokio::test]
async fn roster_changes_runs_against_the_fake() {
    use onenote_fake::Role;
    let setup = common::setup("roster changes").await.unwrap();
    assert!(setup.fake.is_some(), "run the tests without ONENOTE_TOKEN");
    at_place!(setup, roster_changes).unwrap();
    let state = setup.fake.as_ref().unwrap().state();
    let notebook = state.notebook_named("Science 7").unwrap();
    let class = notebook.class.as_ref().unwrap();
    let students: Vec<&str> = class.students.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(students, &setup.students[1..]);
    let left = state
        .student_section_group(&notebook.id, &setup.students[0])
        .unwrap();
    assert_eq!(state.role(&setup.students[0], &left.id), None);
    for upn in &setup.students[1..] {
        let group = state.student_section_group(&notebook.id, upn).unwrap();
        assert_eq!(state.role(upn, &group.id), Some(Role::Contributor), "{upn}");
    }
}

async fn roster_changes<L: Location>(notes: Notes<L>, setup: &common::Setup) -> common::Result {
    let students = &setup.students;
    if students.len() < 2 {
        return Err("roster_changes needs at least two students (ONENOTE_STUDENTS)".into());
    }
    // Last term: the first two students. This term's roster: everyone but the first.
    let name = setup.unique("Science 7");
    let body = CreateClassNotebook::new(&name)
        .with_student_sections(vec!["Labs".into()])
        .with_teachers(vec![common::person(&setup.teacher)])
        .with_students(students[..2].iter().map(|s| common::person(s)).collect());
    let created = notes
        .class_notebooks()
        .create(body)
        .send_with_meta()
        .await?;
    let id = created.value.id.clone().unwrap_or_default();
    setup.done(
        format!("created  {name:?} with {} and {}", students[0], students[1]),
        created.correlation_id(),
    );
    let roster: Vec<&String> = students[1..].iter().collect();

    let notebook = notes.class_notebook(&id);
    let read = notebook.get().expand(["students"]).send_with_meta().await?;
    let current: Vec<String> = read
        .value
        .students
        .clone()
        .unwrap_or_default()
        .into_iter()
        .map(|p| p.id)
        .collect();
    setup.done(
        format!("read     the notebook's students: {}", current.join(", ")),
        read.correlation_id(),
    );

    let has = |list: &[String], upn: &str| list.iter().any(|s| s.eq_ignore_ascii_case(upn));
    for upn in roster.iter().filter(|upn| !has(&current, upn)) {
        let added = notebook
            .students()
            .add(common::person(upn))
            .send_with_meta()
            .await?;
        setup.done(format!("enrolled {upn}"), added.correlation_id());
    }
    let leaving = current
        .iter()
        .filter(|upn| !roster.iter().any(|r| r.eq_ignore_ascii_case(upn)));
    for upn in leaving {
        let removed = notebook.student(upn).remove().send_with_meta().await?;
        setup.done(
            format!("removed  {upn} (their section group and work stay)"),
            removed.correlation_id(),
        );
    }

    let now = notebook.get().expand(["students"]).send_with_meta().await?;
    let ids: Vec<String> = now
        .value
        .students
        .clone()
        .unwrap_or_default()
        .into_iter()
        .map(|p| p.id)
        .collect();
    setup.done(format!("now      {}", ids.join(", ")), now.correlation_id());

    if let Some(fake) = &setup.fake {
        let state = fake.state();
        for upn in students {
            let access = state
                .student_section_group(&id, upn)
                .map(|group| match state.role(upn, &group.id) {
                    Some(role) => format!("{} of their section group", role.as_str()),
                    None => "section group kept, no access".to_owned(),
                })
                .unwrap_or_else(|| "never enrolled".to_owned());
            println!("           {upn:<24} {access}");
        }
    }
    Ok(())
}
