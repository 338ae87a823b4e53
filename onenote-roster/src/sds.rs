//! School Data Sync v2.1 CSV → [`Roster`]: `classes.csv`, `enrollments.csv` and `users.csv`,
//! read by their headers (only the columns the roster needs; other columns are ignored), every
//! problem of the folder reported in one pass with its `file:line:column`.
//!
//! What is read (Microsoft's "SDS V2.1 CSV File Format" page and its sample files):
//! - `classes.csv`: `sourcedId` (the class key), `title` (the notebook name).
//! - `users.csv`: `sourcedId`, `username` (the user principal name).
//! - `enrollments.csv`: `classSourcedId`, `userSourcedId`, `role`.
//!
//! Column headers are case-sensitive, files are UTF-8 and RFC 4180, and values may not hold
//! line breaks, as SDS requires. Roles are matched without regard to case, as SDS matches enum
//! values; `student` makes a student, the teaching roles in [`SdsOptions::teacher_roles`] make a
//! teacher, and the other roles of SDS's list are skipped (counted in [`SdsImport::skipped`]).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::csv::{Field, Reader};
use crate::diagnostics::{Position, Problem, Problems};
use crate::roster::{ClassSpec, Role, Roster};
use crate::upn::Upn;

/// The three files, by the names SDS gives them.
pub const CLASSES: &str = "classes.csv";
/// Enrolments: who is in which class, in which role.
pub const ENROLLMENTS: &str = "enrollments.csv";
/// Users: their `sourcedId` and sign-in name.
pub const USERS: &str = "users.csv";

/// Every role value SDS's default list of values has for enrolments and roles, in its order
/// (`student` and `other` last).
pub const SDS_ROLES: &[&str] = &[
    "principal",
    "chair",
    "professor",
    "researcher",
    "adjunct",
    "affiliate",
    "occupationalTherapist",
    "physicalTherapist",
    "speechTherapist",
    "visionTherapist",
    "paraprofessional",
    "specialServices",
    "advisor",
    "proctor",
    "nurse",
    "officeStaff",
    "lecturer",
    "itAdmin",
    "administrator",
    "teacher",
    "faculty",
    "staff",
    "teacherAssistant",
    "assistant",
    "instructor",
    "substitute",
    "coach",
    "alumni",
    "student",
    "other",
];

/// The roles that become notebook teachers unless [`SdsOptions::teacher_roles`] says otherwise:
/// the ones that teach the class.
pub const DEFAULT_TEACHER_ROLES: &[&str] = &[
    "teacher",
    "professor",
    "lecturer",
    "instructor",
    "faculty",
    "adjunct",
    "substitute",
    "teacherAssistant",
];

/// How a class's notebook is named.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum NotebookNaming {
    /// The class's `title` (`Biology 10`).
    #[default]
    Title,
    /// The title and the class's `sourcedId` (`Biology 10 (112002)`): for exports where two
    /// schools teach classes of the same title.
    TitleAndSourcedId,
}

/// How SDS files become a roster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SdsOptions {
    /// How notebooks are named.
    pub naming: NotebookNaming,
    /// The roles (SDS values, any case) that make a notebook teacher.
    pub teacher_roles: Vec<String>,
    /// Sections every student gets when a notebook is created.
    pub student_sections: Vec<String>,
    /// Whether created notebooks get a teacher-only section group.
    pub teacher_only_section_group: bool,
}

impl Default for SdsOptions {
    fn default() -> Self {
        Self {
            naming: NotebookNaming::Title,
            teacher_roles: DEFAULT_TEACHER_ROLES
                .iter()
                .map(|r| r.to_string())
                .collect(),
            student_sections: Vec::new(),
            teacher_only_section_group: false,
        }
    }
}

/// The contents of the three files.
#[derive(Clone, Copy, Debug)]
pub struct SdsFiles<'a> {
    /// `classes.csv`; `None` when the file is missing.
    pub classes: Option<&'a [u8]>,
    /// `enrollments.csv`; `None` when the file is missing.
    pub enrollments: Option<&'a [u8]>,
    /// `users.csv`; `None` when the file is missing.
    pub users: Option<&'a [u8]>,
}

/// A roster read from SDS files, and what was left out of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SdsImport {
    /// The roster.
    pub roster: Roster,
    /// Enrolments skipped because their role neither teaches nor attends (`nurse`, …), by role
    /// as written in the file.
    pub skipped: BTreeMap<String, usize>,
}

/// Reads `classes.csv`, `enrollments.csv` and `users.csv` from `folder`.
pub fn load_folder(folder: impl AsRef<Path>, options: &SdsOptions) -> Result<SdsImport, Problems> {
    let folder = folder.as_ref();
    let mut problems = Vec::new();
    let mut read = |name: &str| match std::fs::read(folder.join(name)) {
        Ok(bytes) => Some(bytes),
        Err(error) => {
            let problem = if error.kind() == std::io::ErrorKind::NotFound {
                Problem::in_file(name, format!("not found in {}", folder.display())).hint(
                    "a School Data Sync v2.1 export has classes.csv, enrollments.csv and users.csv \
                     (file names are case-sensitive)",
                )
            } else {
                Problem::in_file(name, format!("cannot be read: {error}"))
            };
            problems.push(problem);
            None
        }
    };
    let classes = read(CLASSES);
    let enrollments = read(ENROLLMENTS);
    let users = read(USERS);
    let files = SdsFiles {
        classes: classes.as_deref(),
        enrollments: enrollments.as_deref(),
        users: users.as_deref(),
    };
    match parse(files, options) {
        Ok(import) if problems.is_empty() => Ok(import),
        Ok(_) => Err(Problems::new(problems)),
        Err(more) => {
            problems.extend(more);
            Err(Problems::new(problems))
        }
    }
}

/// Reads the three files' contents. Pure: no file system access.
pub fn parse(files: SdsFiles<'_>, options: &SdsOptions) -> Result<SdsImport, Problems> {
    let mut problems = Vec::new();
    let users = files
        .users
        .and_then(|bytes| read_table(USERS, bytes, &["sourcedId", "username"], &mut problems))
        .map(|rows| users(rows, &mut problems));
    let classes = files
        .classes
        .and_then(|bytes| read_table(CLASSES, bytes, &["sourcedId", "title"], &mut problems))
        .map(|rows| classes(rows, &mut problems));
    let enrollments = files.enrollments.and_then(|bytes| {
        read_table(
            ENROLLMENTS,
            bytes,
            &["classSourcedId", "userSourcedId", "role"],
            &mut problems,
        )
    });
    let teacher_roles: BTreeSet<String> = options
        .teacher_roles
        .iter()
        .map(|r| r.to_lowercase())
        .collect();
    let mut skipped = BTreeMap::new();
    let mut members: BTreeMap<String, Vec<(Role, String, Position)>> = BTreeMap::new();
    if let Some(rows) = enrollments {
        let mut seen: BTreeMap<(String, String, String), u32> = BTreeMap::new();
        for row in rows {
            let [class, user, role] = [&row.cells[0], &row.cells[1], &row.cells[2]];
            let role_key = role.text.to_lowercase();
            if let Some(first) = seen.insert(
                (class.text.clone(), user.text.clone(), role_key.clone()),
                row.line,
            ) {
                problems.push(
                    Problem::at(
                        position(ENROLLMENTS, &row.first),
                        format!(
                            "duplicate enrolment: user `{}` in class `{}` as `{}` is already on line {first}",
                            user.text, class.text, role.text
                        ),
                    )
                    .hint("remove the repeated row"),
                );
                continue;
            }
            let role = match class_role(&role_key, &teacher_roles) {
                Ok(Some(role)) => role,
                Ok(None) => {
                    *skipped.entry(role.text.clone()).or_insert(0) += 1;
                    continue;
                }
                Err(()) => {
                    problems.push(
                        Problem::at(
                            position(ENROLLMENTS, role),
                            format!("`{}` is not an SDS role", role.text),
                        )
                        .hint(format!(
                            "use `student`, a teaching role ({}), or another value of SDS's list \
                             of roles; case does not matter",
                            options.teacher_roles.join(", ")
                        )),
                    );
                    continue;
                }
            };
            let class_ok = check_reference(
                classes.as_ref().map(|c| &c.known),
                class,
                "class",
                CLASSES,
                &mut problems,
            );
            let upn = check_reference(
                users.as_ref().map(|u| &u.known),
                user,
                "user",
                USERS,
                &mut problems,
            );
            if let (Some(()), Some(upn)) = (class_ok, upn) {
                members.entry(class.text.clone()).or_default().push((
                    role,
                    upn.as_str().to_owned(),
                    position(ENROLLMENTS, user),
                ));
            }
        }
    }
    let Some(classes) = classes else {
        return Err(Problems::new(problems));
    };
    let mut builder = Roster::builder().duplicate_name_hint(match options.naming {
        NotebookNaming::Title => {
            "notebooks are matched by name, so titles must be unique; if two schools teach \
             classes of the same title, name notebooks with NotebookNaming::TitleAndSourcedId \
             (`--name title+id`)"
        }
        NotebookNaming::TitleAndSourcedId => {
            "notebooks are matched by name, so names must be unique"
        }
    });
    for class in classes.rows {
        let name = match options.naming {
            NotebookNaming::Title => class.title.clone(),
            NotebookNaming::TitleAndSourcedId => format!("{} ({})", class.title, class.id),
        };
        let mut spec = ClassSpec::new(&class.id, name)
            .at(class.at)
            .student_sections(options.student_sections.iter().cloned())
            .teacher_only_section_group(options.teacher_only_section_group);
        for (role, upn, at) in members.remove(&class.id).unwrap_or_default() {
            spec = spec.member_at(role, upn, at);
        }
        builder = builder.class(spec);
    }
    match builder.build() {
        Ok(roster) if problems.is_empty() => Ok(SdsImport { roster, skipped }),
        Ok(_) => Err(Problems::new(problems)),
        Err(more) => {
            problems.extend(more);
            Err(Problems::new(problems))
        }
    }
}

/// The roster role of an SDS role value (in lower case): `Ok(None)` for roles that neither
/// teach nor attend, `Err` for values not in SDS's list.
fn class_role(role: &str, teacher_roles: &BTreeSet<String>) -> Result<Option<Role>, ()> {
    if role == "student" {
        Ok(Some(Role::Student))
    } else if teacher_roles.contains(role) {
        Ok(Some(Role::Teacher))
    } else if SDS_ROLES
        .iter()
        .any(|known| known.eq_ignore_ascii_case(role))
    {
        Ok(None)
    } else {
        Err(())
    }
}

/// Looks `field` up among the ids of `file`: `None` (and a problem, unless the id is one whose
/// own row was already reported) when it is not there. `known` is `None` when `file` itself
/// could not be read, and then nothing is reported.
fn check_reference<T: Clone>(
    known: Option<&BTreeMap<String, Option<T>>>,
    field: &Field,
    what: &str,
    file: &str,
    problems: &mut Vec<Problem>,
) -> Option<T> {
    let known = known?;
    match known.get(&field.text) {
        Some(Some(value)) => Some(value.clone()),
        // Its row in `file` has a problem of its own; do not repeat it for every enrolment.
        Some(None) => None,
        None => {
            problems.push(
                Problem::at(
                    position(ENROLLMENTS, field),
                    format!(
                        "unknown {what} `{}`: no row of {file} has this sourcedId",
                        field.text
                    ),
                )
                .hint(format!(
                    "add the {what} to {file}, or remove this enrolment"
                )),
            );
            None
        }
    }
}

/// Why a row's `sourcedId` cannot be used.
enum SourcedId {
    Empty,
    Repeated,
}

/// Checks that a row of `file` has a `sourcedId` no earlier row had (`lines` maps each to its
/// first line); records the problem when not.
fn first_with_id(
    file: &str,
    what: &str,
    id: &Field,
    line: u32,
    lines: &mut BTreeMap<String, u32>,
    problems: &mut Vec<Problem>,
) -> Result<(), SourcedId> {
    if id.text.is_empty() {
        problems.push(
            Problem::at(
                position(file, id),
                format!("a {what} has an empty sourcedId"),
            )
            .hint(format!(
                "every {what} needs the unique id enrolments refer to"
            )),
        );
        return Err(SourcedId::Empty);
    }
    if let Some(first) = lines.get(&id.text) {
        problems.push(
            Problem::at(
                position(file, id),
                format!(
                    "{what} `{}` is listed twice (first on line {first})",
                    id.text
                ),
            )
            .hint(format!(
                "each sourcedId names one {what}; remove or renumber the repeat"
            )),
        );
        return Err(SourcedId::Repeated);
    }
    lines.insert(id.text.clone(), line);
    Ok(())
}

struct Users {
    /// Every `sourcedId` seen; `None` for a user whose row has a problem.
    known: BTreeMap<String, Option<Upn>>,
}

fn users(rows: Vec<Row>, problems: &mut Vec<Problem>) -> Users {
    let mut known: BTreeMap<String, Option<Upn>> = BTreeMap::new();
    let mut lines: BTreeMap<String, u32> = BTreeMap::new();
    let mut by_upn: BTreeMap<String, (String, u32)> = BTreeMap::new();
    for row in rows {
        let [id, username] = [&row.cells[0], &row.cells[1]];
        match first_with_id(USERS, "user", id, row.line, &mut lines, problems) {
            Ok(()) => {}
            Err(SourcedId::Empty) => continue,
            Err(SourcedId::Repeated) => {
                known.insert(id.text.clone(), None);
                continue;
            }
        }
        let upn = match Upn::parse(&username.text) {
            Ok(upn) => upn,
            Err(why) => {
                problems.push(
                    Problem::at(
                        position(USERS, username),
                        format!(
                            "user `{}` has the username {:?}, which is not a user principal name: {why}",
                            id.text, username.text
                        ),
                    )
                    .hint("SDS usernames are Microsoft 365 sign-in names with their domain, e.g. jcraig@contoso.edu"),
                );
                known.insert(id.text.clone(), None);
                continue;
            }
        };
        if let Some((other, line)) = by_upn.get(upn.key()) {
            problems.push(
                Problem::at(
                    position(USERS, username),
                    format!(
                        "user `{}` has the username {upn}, which user `{other}` (line {line}) already has",
                        id.text
                    ),
                )
                .hint("a sign-in name belongs to one user; merge the two rows"),
            );
            known.insert(id.text.clone(), None);
            continue;
        }
        by_upn.insert(upn.key().to_owned(), (id.text.clone(), row.line));
        known.insert(id.text.clone(), Some(upn));
    }
    Users { known }
}

struct ClassRow {
    id: String,
    title: String,
    at: Position,
}

struct Classes {
    /// Every `sourcedId` seen; `None` for a class whose row has a problem.
    known: BTreeMap<String, Option<()>>,
    rows: Vec<ClassRow>,
}

fn classes(rows: Vec<Row>, problems: &mut Vec<Problem>) -> Classes {
    let mut known = BTreeMap::new();
    let mut lines: BTreeMap<String, u32> = BTreeMap::new();
    let mut out = Vec::new();
    for row in rows {
        let [id, title] = [&row.cells[0], &row.cells[1]];
        match first_with_id(CLASSES, "class", id, row.line, &mut lines, problems) {
            Ok(()) => {}
            Err(SourcedId::Empty) => continue,
            Err(SourcedId::Repeated) => {
                known.insert(id.text.clone(), None);
                continue;
            }
        }
        if title.text.is_empty() {
            problems.push(
                Problem::at(
                    position(CLASSES, title),
                    format!("class `{}` has an empty title", id.text),
                )
                .hint("the title becomes the notebook's name"),
            );
            known.insert(id.text.clone(), None);
            continue;
        }
        known.insert(id.text.clone(), Some(()));
        out.push(ClassRow {
            id: id.text.clone(),
            title: title.text.clone(),
            at: position(CLASSES, title),
        });
    }
    Classes { known, rows: out }
}

/// One data row: the needed cells, in the order they were asked for.
struct Row {
    line: u32,
    /// The row's first field, for problems about the whole row.
    first: Field,
    cells: Vec<Field>,
}

fn position(file: &str, field: &Field) -> Position {
    Position::new(file, field.line, field.column)
}

/// Reads `file` and picks `columns` (exact, case-sensitive header names) from every row.
/// `None` when the file cannot be used at all (no header, a required column missing).
fn read_table(
    file: &str,
    bytes: &[u8],
    columns: &[&str],
    problems: &mut Vec<Problem>,
) -> Option<Vec<Row>> {
    let text = decode(file, bytes, problems);
    let mut reader = Reader::new(&text);
    let header = match reader.next_record() {
        None => {
            problems.push(Problem::in_file(file, "the file is empty").hint(format!(
                "it needs a header row naming its columns, at least {}",
                columns.join(", ")
            )));
            return None;
        }
        Some(Err(error)) => {
            problems.push(Problem::at(
                Position::new(file, error.line, error.column),
                error.message,
            ));
            return None;
        }
        Some(Ok(header)) => header,
    };
    let mut indexes = Vec::with_capacity(columns.len());
    for column in columns {
        let matching: Vec<&Field> = header.fields.iter().filter(|f| f.text == *column).collect();
        match matching.as_slice() {
            [one] => indexes.push(header.fields.iter().position(|f| std::ptr::eq(f, *one))),
            [] => {
                let near = header
                    .fields
                    .iter()
                    .find(|f| f.text.trim().eq_ignore_ascii_case(column));
                let problem = Problem::at(
                    Position::new(file, header.line, 1),
                    format!("the required column `{column}` is missing"),
                );
                problems.push(match near {
                    Some(near) => problem.hint(format!(
                        "column `{}` (column {}) should be spelled `{column}`: SDS column names are case-sensitive",
                        near.text, near.column
                    )),
                    None => problem.hint(format!(
                        "the header row needs the columns {}",
                        columns.join(", ")
                    )),
                });
                indexes.push(None);
            }
            [_, second, ..] => {
                problems.push(
                    Problem::at(
                        position(file, second),
                        format!("the column `{column}` appears twice in the header"),
                    )
                    .hint("keep one column of each name"),
                );
                indexes.push(None);
            }
        }
    }
    let indexes: Vec<usize> = indexes.into_iter().collect::<Option<_>>()?;
    let width = header.fields.len();
    let mut rows = Vec::new();
    for record in reader {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                problems.push(Problem::at(
                    Position::new(file, error.line, error.column),
                    error.message,
                ));
                continue;
            }
        };
        if record.fields.len() != width {
            problems.push(
                Problem::at(
                    Position::new(file, record.line, 1),
                    format!(
                        "this row has {} fields but the header has {width}",
                        record.fields.len()
                    ),
                )
                .hint("a value that contains a comma must be in double quotes"),
            );
            continue;
        }
        let mut cells = Vec::with_capacity(indexes.len());
        let mut usable = true;
        for (&index, column) in indexes.iter().zip(columns) {
            let mut field = record.fields[index].clone();
            if field.text.contains(['\r', '\n']) {
                problems.push(
                    Problem::at(
                        position(file, &field),
                        format!("the `{column}` value holds a line break"),
                    )
                    .hint("SDS does not accept line breaks in values; put the value on one line"),
                );
                usable = false;
            }
            field.text = field.text.trim().to_owned();
            cells.push(field);
        }
        if usable {
            let first = record.fields[0].clone();
            rows.push(Row {
                line: record.line,
                first,
                cells,
            });
        }
    }
    Some(rows)
}

/// The file as text; invalid UTF-8 is reported at its line and column and replaced, so the
/// rest of the file is still checked.
fn decode(file: &str, bytes: &[u8], problems: &mut Vec<Problem>) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(error) => {
            let valid = String::from_utf8_lossy(&bytes[..error.valid_up_to()]);
            let line = valid.matches('\n').count() + 1;
            let column = valid.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            problems.push(
                Problem::at(
                    Position::new(
                        file,
                        u32::try_from(line).unwrap_or(u32::MAX),
                        u32::try_from(column).unwrap_or(u32::MAX),
                    ),
                    "the file is not valid UTF-8 here",
                )
                .hint("SDS files must be UTF-8; save the export as \"CSV UTF-8\""),
            );
            String::from_utf8_lossy(bytes).into_owned()
        }
    }
}
