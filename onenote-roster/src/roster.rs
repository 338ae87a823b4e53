//! The desired state: which class notebooks should exist and who teaches and attends each,
//! built in code with [`RosterBuilder`] (or from School Data Sync files by `sds`) and checked
//! as a whole.

use std::collections::BTreeMap;

use onenote_api::PrincipalType;
use serde::{Deserialize, Serialize};

use crate::diagnostics::{Position, Problem, Problems};
use crate::upn::Upn;

/// Longest notebook name the service accepts, in characters.
const MAX_NOTEBOOK_NAME: usize = 128;
/// Characters a notebook name cannot contain.
const FORBIDDEN_IN_NAME: &[char] = &['?', '*', '/', ':', '<', '>', '|', '\'', '"'];

/// Whether someone teaches or attends a class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A teacher: owns the notebook and sees every student's section group.
    Teacher,
    /// A student: gets a section group of their own.
    Student,
}

impl Role {
    /// `teacher` or `student`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Teacher => "teacher",
            Role::Student => "student",
        }
    }
}

/// A teacher or student of a class: a user (or a group) by principal name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Member {
    /// The user principal name.
    pub id: Upn,
    /// A person or a group.
    #[serde(rename = "principalType")]
    pub principal_type: PrincipalKind,
}

impl Member {
    /// A person.
    pub fn person(upn: Upn) -> Self {
        Self {
            id: upn,
            principal_type: PrincipalKind::Person,
        }
    }

    /// The member as the API's `Principal`.
    pub fn to_principal(&self) -> onenote_api::Principal {
        onenote_api::Principal::new(self.id.as_str(), self.principal_type.to_api())
    }
}

/// Whether a member is one person or a group (the API's `principalType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum PrincipalKind {
    /// One user.
    Person,
    /// A group of users.
    Group,
}

impl PrincipalKind {
    /// The API's value.
    pub fn to_api(self) -> PrincipalType {
        match self {
            PrincipalKind::Person => PrincipalType::Person,
            PrincipalKind::Group => PrincipalType::Group,
        }
    }
}

/// One class as it should be: a notebook name, its teachers and students, and the sections
/// every student gets when the notebook is created.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Class {
    key: String,
    notebook_name: String,
    teachers: Vec<Member>,
    students: Vec<Member>,
    student_sections: Vec<String>,
    teacher_only_section_group: bool,
}

impl Class {
    /// The stable key the roster knows the class by (SDS: the class's `sourcedId`).
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The notebook's name; classes are matched to existing notebooks by it.
    pub fn notebook_name(&self) -> &str {
        &self.notebook_name
    }

    /// The teachers, sorted by principal name.
    pub fn teachers(&self) -> &[Member] {
        &self.teachers
    }

    /// The students, sorted by principal name.
    pub fn students(&self) -> &[Member] {
        &self.students
    }

    /// The members in `role`.
    pub fn members(&self, role: Role) -> &[Member] {
        match role {
            Role::Teacher => &self.teachers,
            Role::Student => &self.students,
        }
    }

    /// Sections created in every student's section group when the notebook is created.
    pub fn student_sections(&self) -> &[String] {
        &self.student_sections
    }

    /// Whether a created notebook gets a teacher-only section group.
    pub fn teacher_only_section_group(&self) -> bool {
        self.teacher_only_section_group
    }
}

/// The desired state of every class notebook the sync manages, sorted by notebook name.
///
/// Checked when built: notebook names are valid and unique (without regard to case), every
/// member is a valid user principal name, nobody is listed twice in a class or in both roles.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Roster {
    classes: Vec<Class>,
}

impl Roster {
    /// Starts a roster in code.
    pub fn builder() -> RosterBuilder {
        RosterBuilder::default()
    }

    /// The classes, sorted by notebook name (without regard to case).
    pub fn classes(&self) -> &[Class] {
        &self.classes
    }

    /// How many enrolments (teacher and student places) the roster holds.
    pub fn enrolments(&self) -> usize {
        self.classes
            .iter()
            .map(|c| c.teachers.len() + c.students.len())
            .sum()
    }
}

/// The comparison key of a notebook name: trimmed, in lower case.
pub fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// Why `name` cannot be a notebook name, if it cannot.
pub fn check_notebook_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("the notebook name is empty".into());
    }
    if let Some(bad) = name.chars().find(|c| FORBIDDEN_IN_NAME.contains(c)) {
        return Err(format!(
            "the notebook name {name:?} contains {bad:?}; notebook names cannot contain ? * / : < > | ' \""
        ));
    }
    if let Some(bad) = name.chars().find(|c| c.is_control()) {
        return Err(format!(
            "the notebook name {name:?} contains the control character {bad:?}"
        ));
    }
    if name.chars().count() > MAX_NOTEBOOK_NAME {
        return Err(format!(
            "the notebook name {name:?} is longer than {MAX_NOTEBOOK_NAME} characters"
        ));
    }
    Ok(())
}

/// A class as written in code (or read from a file), not yet checked.
#[derive(Clone, Debug)]
pub struct ClassSpec {
    key: String,
    notebook_name: String,
    members: Vec<MemberSpec>,
    student_sections: Vec<String>,
    teacher_only_section_group: bool,
    at: Option<Position>,
}

#[derive(Clone, Debug)]
struct MemberSpec {
    role: Role,
    id: String,
    principal_type: PrincipalKind,
    at: Option<Position>,
}

impl ClassSpec {
    /// A class with a stable `key` (any text unique in the roster) and its notebook's name.
    pub fn new(key: impl Into<String>, notebook_name: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            notebook_name: notebook_name.into(),
            members: Vec::new(),
            student_sections: Vec::new(),
            teacher_only_section_group: false,
            at: None,
        }
    }

    /// Adds a teacher by user principal name.
    pub fn teacher(self, upn: impl Into<String>) -> Self {
        self.member(Role::Teacher, upn, PrincipalKind::Person)
    }

    /// Adds teachers by user principal name.
    pub fn teachers<I: IntoIterator<Item = S>, S: Into<String>>(self, upns: I) -> Self {
        upns.into_iter().fold(self, |class, upn| class.teacher(upn))
    }

    /// Adds a student by user principal name.
    pub fn student(self, upn: impl Into<String>) -> Self {
        self.member(Role::Student, upn, PrincipalKind::Person)
    }

    /// Adds students by user principal name.
    pub fn students<I: IntoIterator<Item = S>, S: Into<String>>(self, upns: I) -> Self {
        upns.into_iter().fold(self, |class, upn| class.student(upn))
    }

    /// Adds a member in `role`: a person or a group.
    pub fn member(
        mut self,
        role: Role,
        upn: impl Into<String>,
        principal_type: PrincipalKind,
    ) -> Self {
        self.members.push(MemberSpec {
            role,
            id: upn.into(),
            principal_type,
            at: None,
        });
        self
    }

    /// Sections created in every student's section group when the notebook is created.
    pub fn student_sections<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        sections: I,
    ) -> Self {
        self.student_sections = sections.into_iter().map(Into::into).collect();
        self
    }

    /// Gives a created notebook a section group only teachers can see.
    pub fn teacher_only_section_group(mut self, yes: bool) -> Self {
        self.teacher_only_section_group = yes;
        self
    }

    /// Where the class was read from, for problems.
    pub(crate) fn at(mut self, position: Position) -> Self {
        self.at = Some(position);
        self
    }

    /// Adds a member read from a file at `position`.
    pub(crate) fn member_at(
        mut self,
        role: Role,
        upn: impl Into<String>,
        position: Position,
    ) -> Self {
        self.members.push(MemberSpec {
            role,
            id: upn.into(),
            principal_type: PrincipalKind::Person,
            at: Some(position),
        });
        self
    }
}

/// Builds a [`Roster`] from classes written in code.
#[derive(Clone, Debug, Default)]
pub struct RosterBuilder {
    classes: Vec<ClassSpec>,
    duplicate_name_hint: Option<&'static str>,
}

impl RosterBuilder {
    /// Adds a class.
    pub fn class(mut self, class: ClassSpec) -> Self {
        self.classes.push(class);
        self
    }

    /// Adds classes.
    pub fn classes(mut self, classes: impl IntoIterator<Item = ClassSpec>) -> Self {
        self.classes.extend(classes);
        self
    }

    /// What the problem about two classes with one notebook name suggests (SDS names the
    /// option that makes names unique).
    pub(crate) fn duplicate_name_hint(mut self, hint: &'static str) -> Self {
        self.duplicate_name_hint = Some(hint);
        self
    }

    /// Checks every class and returns the roster, or every problem found.
    pub fn build(self) -> Result<Roster, Problems> {
        let mut problems = Vec::new();
        let mut keys: BTreeMap<String, Option<Position>> = BTreeMap::new();
        let mut names: BTreeMap<String, (String, Option<Position>)> = BTreeMap::new();
        let mut classes = Vec::with_capacity(self.classes.len());
        for spec in self.classes {
            let context = format!("class `{}`", spec.key);
            if spec.key.trim().is_empty() {
                problems.push(
                    Problem::at_opt(spec.at.clone(), "a class has an empty key")
                        .hint("give every class a stable key, e.g. its id in the school's system"),
                );
            } else if let Some(first) = keys.get(&spec.key) {
                problems.push(
                    Problem::at_opt(spec.at.clone(), format!("{context} is listed twice"))
                        .hint(first_at(first.as_ref())),
                );
                continue;
            } else {
                keys.insert(spec.key.clone(), spec.at.clone());
            }
            let name = spec.notebook_name.trim().to_owned();
            if let Err(why) = check_notebook_name(&name) {
                problems.push(
                    Problem::at_opt(spec.at.clone(), format!("{context}: {why}")).hint(
                        "notebook names are at most 128 characters, without ? * / : < > | ' \"",
                    ),
                );
            } else if let Some((other, first)) = names.get(&name_key(&name)) {
                problems.push(
                    Problem::at_opt(
                        spec.at.clone(),
                        format!(
                            "{context} has the notebook name {name:?}, which class `{other}` already has"
                        ),
                    )
                    .hint(format!(
                        "{}; {}",
                        self.duplicate_name_hint.unwrap_or(
                            "notebooks are matched by name, so names must be unique (without regard to case)"
                        ),
                        first_at(first.as_ref())
                    )),
                );
            } else {
                names.insert(name_key(&name), (spec.key.clone(), spec.at.clone()));
            }
            if let Some(class) = check_members(spec, name, &context, &mut problems) {
                classes.push(class);
            }
        }
        if !problems.is_empty() {
            return Err(Problems::new(problems));
        }
        classes.sort_by_cached_key(|c| (name_key(&c.notebook_name), c.key.clone()));
        Ok(Roster { classes })
    }
}

fn first_at(first: Option<&Position>) -> String {
    match first {
        Some(position) => format!("first listed at {position}"),
        None => "rename or remove one of them".into(),
    }
}

/// Checks a class's members; `None` when a member is unusable (the problem is recorded).
fn check_members(
    spec: ClassSpec,
    notebook_name: String,
    context: &str,
    problems: &mut Vec<Problem>,
) -> Option<Class> {
    let before = problems.len();
    let mut seen: BTreeMap<String, (Role, Option<Position>)> = BTreeMap::new();
    let mut teachers = Vec::new();
    let mut students = Vec::new();
    for member in spec.members {
        let upn = match Upn::parse(member.id.trim()) {
            Ok(upn) => upn,
            Err(why) => {
                problems.push(
                    Problem::at_opt(
                        member.at,
                        format!(
                            "{context}: {:?} is not a user principal name: {why}",
                            member.id
                        ),
                    )
                    .hint("members are Microsoft 365 sign-in names such as jcraig@contoso.edu"),
                );
                continue;
            }
        };
        if let Some((role, first)) = seen.get(upn.key()) {
            let message = if *role == member.role {
                format!("{context}: {upn} is listed twice as a {}", role.as_str())
            } else {
                format!(
                    "{context}: {upn} is both a {} and a {}",
                    role.as_str(),
                    member.role.as_str()
                )
            };
            problems.push(Problem::at_opt(member.at, message).hint(format!(
                "list each member once, in one role; {}",
                first_at(first.as_ref())
            )));
            continue;
        }
        seen.insert(upn.key().to_owned(), (member.role, member.at));
        let member_value = Member {
            id: upn,
            principal_type: member.principal_type,
        };
        match member.role {
            Role::Teacher => teachers.push(member_value),
            Role::Student => students.push(member_value),
        }
    }
    if problems.len() > before {
        return None;
    }
    teachers.sort();
    students.sort();
    Some(Class {
        key: spec.key,
        notebook_name,
        teachers,
        students,
        student_sections: spec.student_sections,
        teacher_only_section_group: spec.teacher_only_section_group,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(result: Result<Roster, Problems>) -> Vec<String> {
        result
            .unwrap_err()
            .into_iter()
            .map(|p| p.to_string())
            .collect()
    }

    #[test]
    fn a_roster_in_code_is_sorted_and_compares_members_without_case() {
        let roster = Roster::builder()
            .class(
                ClassSpec::new("bio", "Biology 10")
                    .teacher("KFein@contoso.edu")
                    .students(["b@contoso.edu", "A@contoso.edu"]),
            )
            .class(ClassSpec::new("art", "art 1").teacher("t@contoso.edu"))
            .build()
            .unwrap();
        let names: Vec<_> = roster.classes().iter().map(|c| c.notebook_name()).collect();
        assert_eq!(names, vec!["art 1", "Biology 10"]);
        let students: Vec<_> = roster.classes()[1]
            .students()
            .iter()
            .map(|m| m.id.as_str())
            .collect();
        assert_eq!(students, vec!["A@contoso.edu", "b@contoso.edu"]);
        assert_eq!(roster.enrolments(), 4);
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let problems = messages(
            Roster::builder()
                .class(ClassSpec::new("a", "Math: 101").teacher("nobody"))
                .class(
                    ClassSpec::new("b", "Art")
                        .student("x@contoso.edu")
                        .teacher("X@contoso.edu"),
                )
                .class(ClassSpec::new("c", "ART"))
                .class(ClassSpec::new("a", "Other"))
                .build(),
        );
        assert_eq!(problems.len(), 5, "{problems:#?}");
        let all = problems.join("\n");
        assert!(all.contains("class `a`: the notebook name \"Math: 101\" contains ':'"));
        assert!(all.contains("class `a`: \"nobody\" is not a user principal name"));
        assert!(all.contains("class `b`: X@contoso.edu is both a student and a teacher"));
        assert!(
            all.contains("class `c` has the notebook name \"ART\", which class `b` already has")
        );
        assert!(all.contains("class `a` is listed twice"));
    }

    #[test]
    fn notebook_name_rules() {
        assert!(check_notebook_name("Computer Science 101").is_ok());
        assert!(check_notebook_name("  ").is_err());
        assert!(check_notebook_name("a\"b").is_err());
        assert!(check_notebook_name("tab\there").is_err());
        assert!(check_notebook_name(&"n".repeat(129)).is_err());
        assert!(check_notebook_name(&"n".repeat(128)).is_ok());
    }
}
