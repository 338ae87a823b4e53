//! The guard against a truncated export: the same school exported whole and cut off part way
//! through `enrollments.csv` (as a failed transfer leaves it) — the whole export plans nothing,
//! the truncated one is refused, naming the classes it would empty.

use std::fmt::Write as _;

use onenote_api::{Principal, PrincipalType};
use onenote_roster::sds::{self, SdsFiles, SdsOptions};
use onenote_roster::{Actual, ActualClass, Guard, PlanOptions, Roster, plan};

const CLASSES: usize = 20;
const STUDENTS: usize = 30;

/// `classes.csv`, `enrollments.csv` and `users.csv` of the school.
fn export() -> [String; 3] {
    let mut classes = String::from("sourcedId,orgSourcedId,title\n");
    let mut users = String::from("sourcedId,username\n");
    let mut enrollments = String::from("classSourcedId,userSourcedId,role\n");
    for c in 0..CLASSES {
        let _ = writeln!(classes, "C{c},S1,Class {c:02}");
        let _ = writeln!(users, "T{c},t{c}@fabrikam.edu");
        let _ = writeln!(enrollments, "C{c},T{c},teacher");
        for s in 0..STUDENTS {
            let _ = writeln!(users, "U{c}-{s},s{s}.c{c}@fabrikam.edu");
            let _ = writeln!(enrollments, "C{c},U{c}-{s},student");
        }
    }
    [classes, enrollments, users]
}

fn roster(classes: &str, enrollments: &str, users: &str) -> Roster {
    sds::parse(
        SdsFiles {
            classes: Some(classes.as_bytes()),
            enrollments: Some(enrollments.as_bytes()),
            users: Some(users.as_bytes()),
        },
        &SdsOptions::default(),
    )
    .unwrap()
    .roster
}

/// The service as the last full sync left it.
fn synced(roster: &Roster) -> Actual {
    let people = |members: &[onenote_roster::Member]| {
        members
            .iter()
            .map(|m| Principal::new(m.id.as_str(), PrincipalType::Person))
            .collect()
    };
    Actual {
        classes: roster
            .classes()
            .iter()
            .enumerate()
            .map(|(i, class)| ActualClass {
                id: format!("1-{i}"),
                name: class.notebook_name().to_owned(),
                teachers: people(class.teachers()),
                students: people(class.students()),
            })
            .collect(),
    }
}

#[test]
fn a_truncated_enrollments_file_is_refused_and_the_whole_one_plans_nothing() {
    let [classes, enrollments, users] = export();
    let whole = roster(&classes, &enrollments, &users);
    let actual = synced(&whole);
    assert!(plan(&whole, &actual, &PlanOptions::default()).is_empty());

    // Cut off at a line end part way through class 12, as an interrupted transfer leaves it:
    // the header, 12 whole classes of 31 rows, then 10 rows of class 12.
    let kept: String = enrollments
        .split_inclusive('\n')
        .take(1 + 12 * 31 + 10)
        .collect();
    let truncated = roster(&classes, &kept, &users);
    let plan = plan(&truncated, &actual, &PlanOptions::default());
    assert!(!plan.is_empty(), "the truncated export would remove people");
    let refusal = Guard::default().approve(plan.clone()).unwrap_err();
    // Classes 13 to 19 lose every member; class 12 keeps 10 of its 31.
    let emptied: Vec<_> = refusal
        .classes
        .iter()
        .filter(|c| c.removals == c.members_before)
        .map(|c| c.notebook_name.as_str())
        .collect();
    assert_eq!(
        emptied,
        (13..20)
            .map(|c| format!("Class {c:02}"))
            .collect::<Vec<_>>()
    );
    let text = refusal.to_string();
    assert!(
        text.contains("\"Class 13\" [class C13]: removes 31 of 31 members (100%"),
        "{text}"
    );
    assert!(
        text.contains("\"Class 12\" [class C12]: removes 21 of 31 members (68%"),
        "{text}"
    );
    assert!(text.contains("in all: removes"), "{text}");
    assert!(
        text.ends_with("plan again with a guard that allows removing 100% of a class and in all"),
        "{text}"
    );
    // The caller can still override, explicitly.
    assert!(Guard::unlimited().approve(plan).is_ok());
}
