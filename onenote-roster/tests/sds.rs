//! Reading School Data Sync v2.1 CSV: the sample export, header-driven columns, and every kind
//! of mistake reported at its file:line:column, all of a folder at once, never a panic.

use onenote_roster::sds::{self, NotebookNaming, SdsFiles, SdsOptions};
use onenote_roster::{Problems, Role};

const USERS: &str = "sourcedId,username\n\
                     u1,teacher@contoso.edu\n\
                     u2,a@contoso.edu\n\
                     u3,b@contoso.edu\n";
const CLASSES: &str = "sourcedId,title\nc1,Biology 10\nc2,Chemistry 11\n";
const ENROLLMENTS: &str = "classSourcedId,userSourcedId,role\n\
                           c1,u1,teacher\n\
                           c1,u2,student\n\
                           c2,u1,Teacher\n\
                           c2,u3,STUDENT\n";

fn parse(classes: &str, enrollments: &str, users: &str) -> Result<sds::SdsImport, Problems> {
    parse_with(classes, enrollments, users, &SdsOptions::default())
}

fn parse_with(
    classes: &str,
    enrollments: &str,
    users: &str,
    options: &SdsOptions,
) -> Result<sds::SdsImport, Problems> {
    sds::parse(
        SdsFiles {
            classes: Some(classes.as_bytes()),
            enrollments: Some(enrollments.as_bytes()),
            users: Some(users.as_bytes()),
        },
        options,
    )
}

fn problems(classes: &str, enrollments: &str, users: &str) -> String {
    parse(classes, enrollments, users).unwrap_err().to_string()
}

fn members(import: &sds::SdsImport, class: usize, role: Role) -> Vec<String> {
    import.roster.classes()[class]
        .members(role)
        .iter()
        .map(|m| m.id.to_string())
        .collect()
}

#[test]
fn the_sample_export_in_the_repository_loads() {
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/sample/sds");
    let import = sds::load_folder(folder, &SdsOptions::default()).unwrap();
    let names: Vec<_> = import
        .roster
        .classes()
        .iter()
        .map(|c| (c.key(), c.notebook_name()))
        .collect();
    assert_eq!(
        names,
        vec![
            ("C-1001", "Biology 10"),
            ("C-1002", "Chemistry 11, Section A"),
            ("C-1003", "Computer Science 101"),
            ("C-1004", "World History 9"),
        ]
    );
    assert_eq!(
        members(&import, 2, Role::Teacher),
        vec!["mrivera@fabrikam.edu", "tnguyen@fabrikam.edu"],
        "`professor` is a teaching role"
    );
    assert_eq!(import.roster.enrolments(), 19);
    assert_eq!(import.skipped.get("nurse"), Some(&1));
}

#[test]
fn columns_are_found_by_header_in_any_order_and_extra_columns_are_ignored() {
    let import = parse(
        "courseSourcedId,title,orgSourcedId,sourcedId\nX,Biology 10,S1,c1\n",
        "role,primary,userSourcedId,classSourcedId\nstudent,false,u2,c1\nteacher,true,u1,c1\n",
        "givenName,username,sourcedId,password\nT,teacher@contoso.edu,u1,secret\nA,a@contoso.edu,u2,\n",
    )
    .unwrap();
    assert_eq!(
        members(&import, 0, Role::Teacher),
        vec!["teacher@contoso.edu"]
    );
    assert_eq!(members(&import, 0, Role::Student), vec!["a@contoso.edu"]);
}

#[test]
fn roles_match_without_regard_to_case() {
    let import = parse(CLASSES, ENROLLMENTS, USERS).unwrap();
    assert_eq!(
        members(&import, 1, Role::Teacher),
        vec!["teacher@contoso.edu"]
    );
    assert_eq!(members(&import, 1, Role::Student), vec!["b@contoso.edu"]);
}

#[test]
fn a_missing_column_is_named_with_the_case_sensitive_spelling() {
    assert_eq!(
        problems("sourcedId,Title\nc1,Biology 10\n", ENROLLMENTS, USERS),
        "classes.csv:1:1: the required column `title` is missing\n  \
         = hint: column `Title` (column 11) should be spelled `title`: SDS column names are case-sensitive\n\
         1 problem in the roster; nothing was planned"
    );
}

#[test]
fn a_bad_username_is_reported_once_in_users_csv_not_at_every_enrolment() {
    assert_eq!(
        problems(
            CLASSES,
            ENROLLMENTS,
            "sourcedId,username\nu1,teacher@contoso.edu\nu2,a contoso.edu\nu3,b@contoso.edu\n"
        ),
        "users.csv:3:4: user `u2` has the username \"a contoso.edu\", which is not a user principal \
         name: it has no `@`; write it as alias@domain, e.g. jcraig@contoso.edu\n  \
         = hint: SDS usernames are Microsoft 365 sign-in names with their domain, e.g. jcraig@contoso.edu\n\
         1 problem in the roster; nothing was planned"
    );
}

#[test]
fn unknown_classes_and_users_are_reported_at_their_cell() {
    let text = problems(
        CLASSES,
        "classSourcedId,userSourcedId,role\nc1,u1,teacher\nc9,u2,student\nc1,u7,student\n",
        USERS,
    );
    assert!(
        text.contains(
            "enrollments.csv:3:1: unknown class `c9`: no row of classes.csv has this sourcedId\n  \
             = hint: add the class to classes.csv, or remove this enrolment"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "enrollments.csv:4:4: unknown user `u7`: no row of users.csv has this sourcedId"
        ),
        "{text}"
    );
}

#[test]
fn duplicate_rows_are_reported_with_the_first_line() {
    let text = problems(
        "sourcedId,title\nc1,Biology 10\nc1,Biology 11\n",
        "classSourcedId,userSourcedId,role\nc1,u1,teacher\nc1,u2,student\nc1,u2,Student\n",
        "sourcedId,username\nu1,teacher@contoso.edu\nu2,a@contoso.edu\nu2,x@contoso.edu\nu3,A@contoso.edu\n",
    );
    assert!(
        text.contains("classes.csv:3:1: class `c1` is listed twice (first on line 2)"),
        "{text}"
    );
    assert!(
        text.contains(
            "enrollments.csv:4:1: duplicate enrolment: user `u2` in class `c1` as `Student` is already on line 3"
        ),
        "{text}"
    );
    assert!(
        text.contains("users.csv:4:1: user `u2` is listed twice (first on line 3)"),
        "{text}"
    );
    assert!(
        text.contains("users.csv:5:4: user `u3` has the username A@contoso.edu, which user `u2` (line 3) already has"),
        "{text}"
    );
}

#[test]
fn an_unknown_role_lists_what_is_accepted() {
    let text = problems(
        CLASSES,
        "classSourcedId,userSourcedId,role\nc1,u1,techer\n",
        USERS,
    );
    assert!(text.starts_with("enrollments.csv:2:7: `techer` is not an SDS role\n  = hint: use `student`, a teaching role (teacher, professor"), "{text}");
}

#[test]
fn the_same_user_as_teacher_and_student_of_a_class_is_refused() {
    let text = problems(
        CLASSES,
        "classSourcedId,userSourcedId,role\nc1,u1,teacher\nc1,u1,student\n",
        USERS,
    );
    assert!(
        text.contains(
            "enrollments.csv:3:4: class `c1`: teacher@contoso.edu is both a teacher and a student"
        ),
        "{text}"
    );
    assert!(
        text.contains("first listed at enrollments.csv:2:4"),
        "{text}"
    );
}

#[test]
fn duplicate_titles_point_at_the_naming_option_which_resolves_them() {
    let classes = "sourcedId,title\nc1,Biology 10\nc2,biology 10\n";
    let enrollments = "classSourcedId,userSourcedId,role\nc1,u1,teacher\nc2,u1,teacher\n";
    let text = problems(classes, enrollments, USERS);
    assert!(
        text.contains("classes.csv:3:4: class `c2` has the notebook name \"biology 10\", which class `c1` already has"),
        "{text}"
    );
    assert!(text.contains("NotebookNaming::TitleAndSourcedId"), "{text}");
    let options = SdsOptions {
        naming: NotebookNaming::TitleAndSourcedId,
        ..SdsOptions::default()
    };
    let import = parse_with(classes, enrollments, USERS, &options).unwrap();
    let names: Vec<_> = import
        .roster
        .classes()
        .iter()
        .map(|c| c.notebook_name())
        .collect();
    assert_eq!(names, vec!["Biology 10 (c1)", "biology 10 (c2)"]);
}

#[test]
fn roles_that_neither_teach_nor_attend_are_skipped_and_counted() {
    let import = parse(
        CLASSES,
        "classSourcedId,userSourcedId,role\nc1,u1,teacher\nc1,u2,nurse\nc1,u3,officeStaff\nc2,u3,nurse\n",
        USERS,
    )
    .unwrap();
    assert_eq!(import.roster.enrolments(), 1);
    assert_eq!(
        import.skipped.into_iter().collect::<Vec<_>>(),
        vec![("nurse".to_string(), 2), ("officeStaff".to_string(), 1)]
    );
}

#[test]
fn malformed_csv_is_reported_where_it_is_and_the_rest_is_still_read() {
    let text = problems(
        "sourcedId,title\nc1,\"Biology\n10\"\nc2,Chem\"istry\nc3,\"Art\"s\nc4,Music,extra\n",
        "classSourcedId,userSourcedId,role\n",
        USERS,
    );
    assert_eq!(
        text,
        "classes.csv:2:4: the `title` value holds a line break\n  \
         = hint: SDS does not accept line breaks in values; put the value on one line\n\
         classes.csv:4:8: a quote inside an unquoted field; put the whole value in quotes and double the quote: `\"say \"\"hi\"\"\"`\n\
         classes.csv:5:9: unexpected text after the closing quote of a field; quote the whole value, and write a quote inside it as `\"\"`\n\
         classes.csv:6:1: this row has 3 fields but the header has 2\n  \
         = hint: a value that contains a comma must be in double quotes\n\
         4 problems in the roster; nothing was planned"
    );
}

#[test]
fn invalid_utf8_is_reported_at_its_line_and_column() {
    let mut users = b"sourcedId,username\nu1,teacher@contoso.edu\nu2,a@cont".to_vec();
    users.extend_from_slice(&[0xff, 0xfe]);
    users.extend_from_slice(b"oso.edu\nu3,b@contoso.edu\n");
    let error = sds::parse(
        SdsFiles {
            classes: Some(CLASSES.as_bytes()),
            enrollments: Some(ENROLLMENTS.as_bytes()),
            users: Some(&users),
        },
        &SdsOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        error.contains(
            "users.csv:3:10: the file is not valid UTF-8 here\n  = hint: SDS files must be UTF-8"
        ),
        "{error}"
    );
}

#[test]
fn every_problem_of_a_folder_is_reported_in_one_pass() {
    let folder = std::env::temp_dir().join(format!("onenote-roster-sds-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("classes.csv"),
        "sourcedId,title\nc1,Biology: 10\n",
    )
    .unwrap();
    std::fs::write(
        folder.join("enrollments.csv"),
        "classSourcedId,userSourcedId,role\nc1,u1,teacher\nc2,u1,student\n",
    )
    .unwrap();
    let _ = std::fs::remove_file(folder.join("users.csv"));
    let text = sds::load_folder(&folder, &SdsOptions::default())
        .unwrap_err()
        .to_string();
    std::fs::remove_dir_all(&folder).unwrap();
    let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with("  =")).collect();
    assert_eq!(
        lines,
        vec![
            "classes.csv:2:4: class `c1`: the notebook name \"Biology: 10\" contains ':'; notebook names cannot contain ? * / : < > | ' \"",
            "enrollments.csv:3:1: unknown class `c2`: no row of classes.csv has this sourcedId",
            &format!("users.csv: not found in {}", folder.display()),
            "3 problems in the roster; nothing was planned",
        ]
    );
}

/// A small deterministic generator (xorshift64*), so the garbage test is the same every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Text built from the pieces CSV and SDS care about, so the garbage reaches deep paths.
fn garbage(rng: &mut Rng) -> Vec<u8> {
    const PIECES: &[&[u8]] = &[
        b",",
        b"\"",
        b"\"\"",
        b"\n",
        b"\r\n",
        b"\r",
        b"sourcedId",
        b"title",
        b"username",
        b"classSourcedId",
        b"userSourcedId",
        b"role",
        b"student",
        b"teacher",
        b"nurse",
        b"c1",
        b"u1",
        b"a@contoso.edu",
        b"@",
        b".",
        b" ",
        b"\xef\xbb\xbf",
        b"\xff",
        b"\xc3\xa9",
        b"\xe2\x80",
        b"?",
        b":",
        b"\t",
        b"\0",
    ];
    let len = rng.below(60);
    let mut out = Vec::new();
    for _ in 0..len {
        if rng.below(8) == 0 {
            out.push((rng.next() & 0xff) as u8);
        } else {
            out.extend_from_slice(PIECES[rng.below(PIECES.len())]);
        }
    }
    out
}

#[test]
fn garbage_input_never_panics_and_every_problem_has_a_place_in_its_file() {
    let mut rng = Rng(0x0005_eed0_f5d5);
    for _ in 0..3000 {
        let files = [garbage(&mut rng), garbage(&mut rng), garbage(&mut rng)];
        let present = rng.below(8);
        let result = sds::parse(
            SdsFiles {
                classes: (present & 1 == 0).then_some(files[0].as_slice()),
                enrollments: (present & 2 == 0).then_some(files[1].as_slice()),
                users: (present & 4 == 0).then_some(files[2].as_slice()),
            },
            &SdsOptions::default(),
        );
        let Err(problems) = result else { continue };
        for problem in problems.as_slice() {
            let Some(position) = &problem.position else {
                continue;
            };
            let index = ["classes.csv", "enrollments.csv", "users.csv"]
                .iter()
                .position(|f| *f == position.file)
                .unwrap_or_else(|| panic!("unknown file in {problem}"));
            let lines = files[index]
                .iter()
                .filter(|&&b| b == b'\n' || b == b'\r')
                .count() as u32
                + 1;
            assert!(
                position.line >= 1 && position.line <= lines && position.column >= 1,
                "{problem} is outside its file of {lines} lines"
            );
        }
    }
}
