//! A school for the sync's tests and benchmark: `classes` classes of one teacher and
//! `students` students each, the fake tenant that knows them, and the notebooks a previous term
//! left behind (drifted from the roster).

#![allow(dead_code)] // the tests and the benchmark each use their part

use onenote_fake::{ClassSeed, LocationSeed, NotebookSeed, Tenant, User};
use onenote_roster::{ClassSpec, Roster};

#[path = "tenant.rs"]
mod tenant;

/// The school's domain.
pub const DOMAIN: &str = "fabrikam.edu";
/// The account that runs the sync and owns the notebooks (its `me`).
pub const ACCOUNT: &str = "sds-sync@fabrikam.edu";

pub fn teacher(class: usize) -> String {
    format!("t{}@{DOMAIN}", class % 40)
}

pub fn student(class: usize, n: usize) -> String {
    format!("s{n}.c{class}@{DOMAIN}")
}

/// A student who left class `class` since the last sync.
pub fn leaver(class: usize) -> String {
    format!("left.c{class}@{DOMAIN}")
}

pub fn notebook_name(class: usize) -> String {
    format!("Class {class:04}")
}

pub fn roster(classes: usize, students: usize) -> Roster {
    Roster::builder()
        .classes((0..classes).map(|c| {
            ClassSpec::new(format!("C-{c}"), notebook_name(c))
                .teacher(teacher(c))
                .students((0..students).map(|n| student(c, n)))
        }))
        .build()
        .unwrap_or_else(|problems| panic!("{problems}"))
}

/// The tenant for `roster`, with no notebooks.
pub fn empty(roster: &Roster) -> Tenant {
    tenant::tenant_for(roster, DOMAIN, ACCOUNT)
}

/// The tenant with last term's notebooks: every tenth class has none yet; in the others two
/// students of the roster are missing and one who left is still there.
///
/// So the plan is, per existing class, two adds and one remove, and a create per tenth class.
pub fn drifted(classes: usize, students: usize) -> Tenant {
    let roster = roster(classes, students);
    let mut tenant = empty(&roster);
    for c in (0..classes).filter(|c| c % 10 != 9) {
        tenant = tenant.user(User::new(leaver(c), "left"));
        let missing = [c % students, (c + 7) % students];
        let mut enrolled: Vec<String> = (0..students)
            .filter(|n| !missing.contains(n))
            .map(|n| student(c, n))
            .collect();
        enrolled.push(leaver(c));
        let class = ClassSeed {
            teachers: vec![teacher(c)],
            students: enrolled,
            ..ClassSeed::default()
        };
        tenant = tenant.notebook(
            NotebookSeed::new(notebook_name(c), LocationSeed::User(ACCOUNT.to_owned()))
                .class(class),
        );
    }
    tenant
}

/// The tenant at the start of a term: every class's notebook exists with its teacher, and no
/// student is enrolled yet. The plan is one add per enrolment.
pub fn term_start(classes: usize, students: usize) -> Tenant {
    let roster = roster(classes, students);
    (0..classes).fold(empty(&roster), |tenant, c| {
        let class = ClassSeed {
            teachers: vec![teacher(c)],
            ..ClassSeed::default()
        };
        tenant.notebook(
            NotebookSeed::new(notebook_name(c), LocationSeed::User(ACCOUNT.to_owned()))
                .class(class),
        )
    })
}
