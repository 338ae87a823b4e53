//! The first example to run: creates a class notebook with four students and a teacher-only
//! section group, adds a co-teacher, copies a lesson into the content library and lists the
//! class notebooks, printing what it did and the `X-CorrelationId` of each call
//! (`send_with_meta()`).
//!
//! ```sh
//! cargo run --example class_setup
//! ```
//!
//! It runs against an in-process fake OneNote unless `ONENOTE_TOKEN` is set; see
//! `examples/common/mod.rs` for the variables (`ONENOTE_SECTION` names a section to copy
//! into the content library on the real service).

mod common;

use onenote_api::{CopySectionsToContentLibrary, CreateClassNotebook, Location, Notes};

/// The demo tenant's "Fractions" section (the documents' example id).
const DEMO_SECTION: &str = "1-85ba33b1-4959-4102-8dcd-d98e4e56e56f";

#[tokio::main]
async fn main() -> common::Result {
    let setup = common::setup("class setup").await?;
    at_place!(setup, class_setup)
}

// README's first command must keep working: `cargo test` runs it against the fake.
#[cfg(test)]
#[tokio::test]
async fn class_setup_runs_against_the_fake() {
    let setup = common::setup("class setup").await.unwrap();
    assert!(setup.fake.is_some(), "run the tests without ONENOTE_TOKEN");
    at_place!(setup, class_setup).unwrap();
    let state = setup.fake.as_ref().unwrap().state();
    let notebook = state.notebook_named("Math 101").unwrap();
    assert_eq!(state.section_groups_in(&notebook.id).count(), 7);
}

async fn class_setup<L: Location>(notes: Notes<L>, setup: &common::Setup) -> common::Result {
    let name = setup.unique("Math 101");
    let body = CreateClassNotebook::new(&name)
        .with_student_sections(vec![
            "Handouts".into(),
            "Class Notes".into(),
            "Homework".into(),
            "Quizzes".into(),
        ])
        .with_teachers(vec![common::person(&setup.teacher)])
        .with_students(setup.students.iter().map(|s| common::person(s)).collect())
        .with_has_teacher_only_section_group(true);
    let created = notes
        .class_notebooks()
        .create(body)
        .send_with_meta()
        .await?;
    let notebook = &created.value;
    let id = notebook.id.clone().unwrap_or_default();
    let web = notebook
        .links
        .clone()
        .and_then(|l| l.one_note_web_url)
        .and_then(|l| l.href)
        .unwrap_or_default();
    setup.done(
        format!(
            "created  class notebook {name:?}, id {id}
           {} students, a teacher-only \
             section group; on the web: {web}",
            setup.students.len()
        ),
        created.correlation_id(),
    );

    let notebook = notes.class_notebook(&id);
    let added = notebook
        .teachers()
        .add(common::person(&setup.co_teacher))
        .send_with_meta()
        .await?;
    setup.done(
        format!("added    co-teacher {}", setup.co_teacher),
        added.correlation_id(),
    );

    let section = match (&setup.fake, std::env::var("ONENOTE_SECTION")) {
        (_, Ok(section)) => Some(section),
        (Some(_), Err(_)) => Some(DEMO_SECTION.to_owned()),
        (None, Err(_)) => None,
    };
    match section {
        Some(section) => {
            let copied = notebook
                .copy_sections_to_content_library(CopySectionsToContentLibrary::new(vec![
                    section.clone(),
                ]))
                .send_with_meta()
                .await?;
            setup.done(
                format!("copied   section {section} into the content library"),
                copied.correlation_id(),
            );
        }
        None => println!("skipped  copying a section (set ONENOTE_SECTION to a section id)"),
    }

    let listed = notes.class_notebooks().list().send_with_meta().await?;
    let names: Vec<&str> = listed
        .value
        .value
        .iter()
        .filter_map(|n| n.name.as_deref())
        .collect();
    setup.done(
        format!(
            "listed   {} class notebook(s): {}",
            names.len(),
            names.join(", ")
        ),
        listed.correlation_id(),
    );

    if let Some(fake) = &setup.fake {
        let state = fake.state();
        println!("the fake's state now holds, in {name:?}:");
        let mut groups: Vec<_> = state.section_groups_in(&id).collect();
        groups.sort_by(|a, b| a.name.cmp(&b.name));
        for group in groups {
            let sections: Vec<&str> = state
                .sections_in(&group.id)
                .iter()
                .map(|s| s.name.as_str())
                .collect();
            println!("           {:<22} {}", group.name, sections.join(", "));
        }
    }
    Ok(())
}
