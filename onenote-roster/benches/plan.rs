//! Plan CPU time for a school of 10 013 enrolments (323 classes of 1 teacher and 30 students),
//! and reading the same roster from SDS CSV (`cargo bench -p onenote-roster --bench plan`).
//!
//! - `plan/from_empty`: every class is a create.
//! - `plan/drifted`: every class exists; a tenth of the students left and as many joined, and
//!   every seventh class has a new teacher: the weekly sync.
//! - `plan/unchanged`: the service already matches the roster.
//! - `sds/parse`: `classes.csv`, `enrollments.csv`, `users.csv` of the same roster to a
//!   checked `Roster`.
//!
//! Inputs are built once, outside the timed code. Divan's throughput column counts enrolments.

use std::fmt::Write as _;
use std::sync::OnceLock;

use divan::Bencher;
use divan::counter::ItemsCount;
use onenote_api::{Principal, PrincipalType};
use onenote_roster::sds::{self, SdsFiles, SdsOptions};
use onenote_roster::{Actual, ActualClass, ClassSpec, PlanOptions, Roster, plan};

const CLASSES: usize = 323;
const STUDENTS: usize = 30;

fn main() {
    let school = school();
    println!(
        "roster: {} classes, {} enrolments; drifted plan: {} requests; SDS files: {} bytes",
        school.roster.classes().len(),
        school.roster.enrolments(),
        plan(&school.roster, &school.drifted, &PlanOptions::default()).requests(),
        school.csv.iter().map(String::len).sum::<usize>()
    );
    divan::main();
}

struct School {
    roster: Roster,
    drifted: Actual,
    matching: Actual,
    csv: [String; 3],
}

fn student(class: usize, n: usize) -> String {
    format!("s{}.c{class}@fabrikam.edu", n)
}

fn teacher(class: usize) -> String {
    format!("t{}@fabrikam.edu", class % 40)
}

fn people(upns: impl IntoIterator<Item = String>) -> Vec<Principal> {
    upns.into_iter()
        .map(|upn| Principal::new(upn, PrincipalType::Person))
        .collect()
}

fn school() -> &'static School {
    static SCHOOL: OnceLock<School> = OnceLock::new();
    SCHOOL.get_or_init(|| {
        let roster = Roster::builder()
            .classes((0..CLASSES).map(|c| {
                ClassSpec::new(format!("C{c}"), format!("Class {c}"))
                    .teacher(teacher(c))
                    .students((0..STUDENTS).map(|s| student(c, s)))
            }))
            .build()
            .expect("the benchmark roster is valid");
        let actual = |drift: bool| Actual {
            classes: (0..CLASSES)
                .map(|c| {
                    // Drift: students 0..3 have not been added yet, 3 others have left.
                    let from = if drift { 3 } else { 0 };
                    let mut students: Vec<String> =
                        (from..STUDENTS).map(|s| student(c, s)).collect();
                    if drift {
                        students.extend((0..3).map(|s| format!("left{s}.c{c}@fabrikam.edu")));
                    }
                    let teacher = if drift && c % 7 == 0 {
                        format!("former.c{c}@fabrikam.edu")
                    } else {
                        teacher(c)
                    };
                    ActualClass {
                        id: format!("1-{c:08}"),
                        name: format!("Class {c}"),
                        teachers: people([teacher]),
                        students: people(students),
                    }
                })
                .collect(),
        };
        let mut classes = String::from("sourcedId,orgSourcedId,title\n");
        let mut users = String::from("sourcedId,username,givenName,familyName\n");
        let mut enrollments = String::from("classSourcedId,userSourcedId,role\n");
        for t in 0..40 {
            let _ = writeln!(users, "T{t},t{t}@fabrikam.edu,Teacher,{t}");
        }
        for c in 0..CLASSES {
            let _ = writeln!(classes, "C{c},S1,Class {c}");
            let _ = writeln!(enrollments, "C{c},T{},teacher", c % 40);
            for s in 0..STUDENTS {
                let _ = writeln!(users, "U{c}-{s},{},Student,{s}", student(c, s));
                let _ = writeln!(enrollments, "C{c},U{c}-{s},student");
            }
        }
        School {
            roster,
            drifted: actual(true),
            matching: actual(false),
            csv: [classes, enrollments, users],
        }
    })
}

fn enrolments() -> ItemsCount {
    ItemsCount::new(school().roster.enrolments())
}

#[divan::bench_group(name = "plan")]
mod plans {
    use super::*;

    #[divan::bench]
    fn from_empty(bencher: Bencher) {
        let school = school();
        let empty = Actual::default();
        bencher
            .counter(enrolments())
            .bench(|| plan(&school.roster, &empty, &PlanOptions::default()));
    }

    #[divan::bench]
    fn drifted(bencher: Bencher) {
        let school = school();
        bencher
            .counter(enrolments())
            .bench(|| plan(&school.roster, &school.drifted, &PlanOptions::default()));
    }

    #[divan::bench]
    fn unchanged(bencher: Bencher) {
        let school = school();
        bencher
            .counter(enrolments())
            .bench(|| plan(&school.roster, &school.matching, &PlanOptions::default()));
    }
}

#[divan::bench(name = "sds/parse")]
fn sds_parse(bencher: Bencher) {
    let school = school();
    let [classes, enrollments, users] = &school.csv;
    bencher.counter(enrolments()).bench(|| {
        sds::parse(
            SdsFiles {
                classes: Some(classes.as_bytes()),
                enrollments: Some(enrollments.as_bytes()),
                users: Some(users.as_bytes()),
            },
            &SdsOptions::default(),
        )
        .expect("the benchmark export is valid")
    });
}
