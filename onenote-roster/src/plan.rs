//! The plan: the fewest writes that bring the actual class notebooks to the roster. Classes
//! are matched to notebooks by name (trimmed, without regard to case); a new class is one
//! create with its members in it; an existing one gets one add or remove per principal. No
//! change ever deletes a notebook, and notebooks the roster does not name are left alone.

use std::collections::{HashMap, HashSet};

use onenote_api::{Principal, PrincipalType};
use serde::{Deserialize, Serialize};

use crate::actual::{Actual, ActualClass};
use crate::roster::{Class, Member, Role, Roster, name_key};
use crate::upn::principal_key;

/// Choices the plan makes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanOptions {
    /// Creates with at least this many members (teachers and students) use the asynchronous
    /// form (`Prefer: respond-async`); `None` never does.
    ///
    /// The asynchronous form answers at once with an operation `Location`, which the journal
    /// keeps, so a long create cannot outlive the request timeout and a killed run resumes by
    /// polling the same operation. It costs at least one more request (the poll) out of the
    /// same quota, so small classes, which the service creates quickly, use the plain form.
    pub async_create_from: Option<usize>,
}

impl Default for PlanOptions {
    fn default() -> Self {
        Self {
            async_create_from: Some(50),
        }
    }
}

/// What a plan was made from: a digest of the roster (every class, member and section it
/// names) and of the [`PlanOptions`], with the roster's size for people to read. A journal
/// keeps it, so a resume with another roster is refused instead of carrying out the old plan.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanSource {
    /// The CRC-32 of the roster and the options, in hex.
    pub digest: String,
    /// Classes in the roster.
    pub classes: usize,
    /// Enrolments (teacher and student places) in the roster.
    pub enrolments: usize,
}

impl PlanSource {
    /// The source of a plan of `roster` with `options`.
    pub fn of(roster: &Roster, options: &PlanOptions) -> Self {
        let mut digest = crc32fast::Hasher::new();
        // Every field length-prefixed, so no two rosters write the same bytes.
        let mut field = |bytes: &[u8]| {
            digest.update(&(bytes.len() as u64).to_le_bytes());
            digest.update(bytes);
        };
        field(b"roster 1");
        field(
            &options
                .async_create_from
                .map_or(u64::MAX, |n| n as u64)
                .to_le_bytes(),
        );
        for class in roster.classes() {
            field(class.key().as_bytes());
            field(class.notebook_name().as_bytes());
            for role in [Role::Teacher, Role::Student] {
                field(role.as_str().as_bytes());
                for member in class.members(role) {
                    field(member.id.as_str().as_bytes());
                    field(&[member.principal_type as u8]);
                }
            }
            for section in class.student_sections() {
                field(section.as_bytes());
            }
            field(&[u8::from(class.teacher_only_section_group())]);
        }
        Self {
            digest: format!("{:08x}", digest.finalize()),
            classes: roster.classes().len(),
            enrolments: roster.enrolments(),
        }
    }
}

impl std::fmt::Display for PlanSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let classes = if self.classes == 1 { "" } else { "es" };
        write!(
            f,
            "roster {} ({} class{classes}, {})",
            self.digest,
            self.classes,
            count(self.enrolments, "enrolment")
        )
    }
}

/// One write.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Change {
    /// Create the class notebook with all its members: one request.
    Create {
        /// The teachers.
        teachers: Vec<Member>,
        /// The students.
        students: Vec<Member>,
        /// Sections in every student's section group.
        student_sections: Vec<String>,
        /// Whether the notebook gets a teacher-only section group.
        teacher_only_section_group: bool,
        /// Whether to use the asynchronous form.
        respond_async: bool,
    },
    /// Add one member in `role`.
    Add {
        /// Teacher or student.
        role: Role,
        /// Who.
        member: Member,
    },
    /// Remove one member from `role`; the id is sent as the service listed it.
    Remove {
        /// Teacher or student.
        role: Role,
        /// Who, as the service listed them.
        principal: Principal,
    },
}

impl Change {
    /// A short description: `create with 1 teacher, 30 students`, `add student a@x`.
    pub fn describe(&self) -> String {
        match self {
            Change::Create {
                teachers,
                students,
                respond_async,
                ..
            } => format!(
                "create with {}, {}{}",
                count(teachers.len(), "teacher"),
                count(students.len(), "student"),
                if *respond_async {
                    " (asynchronous)"
                } else {
                    ""
                }
            ),
            Change::Add { role, member } => format!("add {} {}", role.as_str(), member.id),
            Change::Remove { role, principal } => {
                format!("remove {} {}", role.as_str(), principal.id)
            }
        }
    }
}

/// `1 teacher`, `30 students`.
pub(crate) fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// What the plan does to one class.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClassPlan {
    /// The class's key in the roster.
    pub key: String,
    /// The notebook's name.
    pub notebook_name: String,
    /// The existing notebook's id; `None` when the plan creates it.
    pub notebook_id: Option<String>,
    /// Teachers and students the notebook has now (0 for a create).
    pub members_before: usize,
    /// Groups (and principals of unknown type) on the notebook that the roster does not list:
    /// the sync never removes them.
    pub kept: Vec<Principal>,
    /// The writes, in the order they are applied.
    pub changes: Vec<Change>,
}

impl ClassPlan {
    /// How many members the plan removes from this class.
    pub fn removals(&self) -> usize {
        self.changes
            .iter()
            .filter(|c| matches!(c, Change::Remove { .. }))
            .count()
    }
}

/// A notebook the roster does not name: left alone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotebookRef {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
}

/// A class whose name matches more than one notebook: nothing is planned for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    /// The class's key in the roster.
    pub key: String,
    /// The notebook name.
    pub notebook_name: String,
    /// The notebooks with that name.
    pub notebooks: Vec<NotebookRef>,
}

/// The identity of one change in a plan: its position in [`Plan::steps`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct StepId(pub u32);

impl std::fmt::Display for StepId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// One change with its class.
#[derive(Clone, Copy, Debug)]
pub struct Step<'a> {
    /// Its id.
    pub id: StepId,
    /// Its index in [`Plan::classes`].
    pub class_index: usize,
    /// The class it changes.
    pub class: &'a ClassPlan,
    /// The change.
    pub change: &'a Change,
}

/// What it takes to bring the notebooks to the roster. Serialises to JSON (and back); the
/// dry-run text is its `Display`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The roster and options it was made from.
    pub source: PlanSource,
    /// Every class of the roster that matched at most one notebook, in roster order (by
    /// notebook name), with or without changes.
    pub classes: Vec<ClassPlan>,
    /// Classes skipped because their name matches several notebooks.
    pub conflicts: Vec<Conflict>,
    /// Notebooks the roster does not name, by name.
    pub unmanaged: Vec<NotebookRef>,
}

impl Plan {
    /// Every change, in order, with its id.
    pub fn steps(&self) -> impl Iterator<Item = Step<'_>> {
        let mut next = 0u32;
        self.classes
            .iter()
            .enumerate()
            .flat_map(|(class_index, class)| {
                class
                    .changes
                    .iter()
                    .map(move |change| (class_index, class, change))
            })
            .map(move |(class_index, class, change)| {
                let id = StepId(next);
                next += 1;
                Step {
                    id,
                    class_index,
                    class,
                    change,
                }
            })
    }

    /// How many requests the plan sends, not counting polls of asynchronous creates.
    pub fn requests(&self) -> usize {
        self.classes.iter().map(|c| c.changes.len()).sum()
    }

    /// Whether there is nothing to do.
    pub fn is_empty(&self) -> bool {
        self.requests() == 0
    }
}

/// Compares `roster` with `actual` and plans the writes.
pub fn plan(roster: &Roster, actual: &Actual, options: &PlanOptions) -> Plan {
    let mut by_name: HashMap<String, Vec<&ActualClass>> =
        HashMap::with_capacity(actual.classes.len());
    for notebook in &actual.classes {
        by_name
            .entry(name_key(&notebook.name))
            .or_default()
            .push(notebook);
    }
    let mut plan = Plan {
        source: PlanSource::of(roster, options),
        ..Plan::default()
    };
    for class in roster.classes() {
        match by_name.remove(&name_key(class.notebook_name())).as_deref() {
            None => plan.classes.push(create(class, options)),
            Some([notebook]) => plan.classes.push(update(class, notebook)),
            Some(several) => {
                let mut notebooks: Vec<NotebookRef> =
                    several.iter().map(|n| notebook_ref(n)).collect();
                notebooks.sort_by(|a, b| a.id.cmp(&b.id));
                plan.conflicts.push(Conflict {
                    key: class.key().to_owned(),
                    notebook_name: class.notebook_name().to_owned(),
                    notebooks,
                });
            }
        }
    }
    plan.unmanaged = by_name.into_values().flatten().map(notebook_ref).collect();
    plan.unmanaged
        .sort_by(|a, b| (name_key(&a.name), &a.id).cmp(&(name_key(&b.name), &b.id)));
    plan
}

fn notebook_ref(notebook: &ActualClass) -> NotebookRef {
    NotebookRef {
        id: notebook.id.clone(),
        name: notebook.name.clone(),
    }
}

fn create(class: &Class, options: &PlanOptions) -> ClassPlan {
    let members = class.teachers().len() + class.students().len();
    ClassPlan {
        key: class.key().to_owned(),
        notebook_name: class.notebook_name().to_owned(),
        notebook_id: None,
        members_before: 0,
        kept: Vec::new(),
        changes: vec![Change::Create {
            teachers: class.teachers().to_vec(),
            students: class.students().to_vec(),
            student_sections: class.student_sections().to_vec(),
            teacher_only_section_group: class.teacher_only_section_group(),
            respond_async: options
                .async_create_from
                .is_some_and(|from| members >= from),
        }],
    }
}

/// The members of one role of a notebook, by comparison key.
fn index(principals: &[Principal]) -> HashMap<String, &Principal> {
    principals
        .iter()
        .map(|p| (principal_key(&p.id), p))
        .collect()
}

const ROLES: [Role; 2] = [Role::Teacher, Role::Student];

fn other(role: Role) -> Role {
    match role {
        Role::Teacher => Role::Student,
        Role::Student => Role::Teacher,
    }
}

/// The changes for an existing notebook, in this order: members who change role (their removal
/// just before their addition), other additions (teachers, then students), other removals.
/// Additions come before removals so a class is never left without the teacher who replaces
/// another.
fn update(class: &Class, notebook: &ActualClass) -> ClassPlan {
    let actual = [index(&notebook.teachers), index(&notebook.students)];
    let actual_in = |role: Role| &actual[role as usize];
    let desired: [HashSet<&str>; 2] =
        ROLES.map(|role| class.members(role).iter().map(|m| m.id.key()).collect());
    let desired_in = |role: Role| &desired[role as usize];

    let mut moves = Vec::new();
    let mut adds = Vec::new();
    for role in ROLES {
        for member in class.members(role) {
            let key = member.id.key();
            if actual_in(role).contains_key(key) {
                continue;
            }
            match actual_in(other(role)).get(key) {
                Some(principal) if !desired_in(other(role)).contains(key) => {
                    moves.push(Change::Remove {
                        role: other(role),
                        principal: (*principal).clone(),
                    });
                    moves.push(Change::Add {
                        role,
                        member: member.clone(),
                    });
                }
                _ => adds.push(Change::Add {
                    role,
                    member: member.clone(),
                }),
            }
        }
    }
    let moved: HashSet<String> = moves
        .iter()
        .filter_map(|c| match c {
            Change::Remove { principal, .. } => Some(principal_key(&principal.id)),
            _ => None,
        })
        .collect();
    let mut removes = Vec::new();
    let mut kept = Vec::new();
    for role in ROLES {
        let mut current: Vec<(&String, &&Principal)> = actual_in(role).iter().collect();
        current.sort_by(|a, b| a.0.cmp(b.0));
        for (key, principal) in current {
            if desired_in(role).contains(key.as_str()) || moved.contains(key) {
                continue;
            }
            if principal.principal_type == PrincipalType::Person {
                removes.push(Change::Remove {
                    role,
                    principal: (*principal).clone(),
                });
            } else {
                kept.push((*principal).clone());
            }
        }
    }
    let mut changes = moves;
    changes.extend(adds);
    changes.extend(removes);
    ClassPlan {
        key: class.key().to_owned(),
        notebook_name: class.notebook_name().to_owned(),
        notebook_id: Some(notebook.id.clone()),
        members_before: notebook.member_count(),
        kept,
        changes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::ClassSpec;

    fn person(id: &str) -> Principal {
        Principal::new(id, PrincipalType::Person)
    }

    fn notebook(id: &str, name: &str, teachers: &[&str], students: &[&str]) -> ActualClass {
        ActualClass {
            id: id.into(),
            name: name.into(),
            teachers: teachers.iter().map(|t| person(t)).collect(),
            students: students.iter().map(|s| person(s)).collect(),
        }
    }

    fn roster(classes: Vec<ClassSpec>) -> Roster {
        Roster::builder().classes(classes).build().unwrap()
    }

    fn described(plan: &Plan) -> Vec<String> {
        plan.steps()
            .map(|s| format!("{}: {}", s.class.notebook_name, s.change.describe()))
            .collect()
    }

    #[test]
    fn a_new_class_is_one_create_with_its_members() {
        let roster = roster(vec![
            ClassSpec::new("bio", "Biology 10")
                .teacher("t@contoso.edu")
                .students(["a@contoso.edu", "b@contoso.edu"])
                .student_sections(["Handouts"]),
        ]);
        let plan = plan(&roster, &Actual::default(), &PlanOptions::default());
        assert_eq!(plan.requests(), 1);
        let Change::Create {
            teachers,
            students,
            student_sections,
            respond_async,
            ..
        } = &plan.classes[0].changes[0]
        else {
            panic!("expected a create: {plan:?}");
        };
        assert_eq!(teachers.len(), 1);
        assert_eq!(students.len(), 2);
        assert_eq!(student_sections, &vec!["Handouts".to_string()]);
        assert!(!respond_async);
        assert_eq!(plan.classes[0].notebook_id, None);
    }

    #[test]
    fn large_creates_use_the_asynchronous_form() {
        let class =
            ClassSpec::new("big", "Big").students((0..50).map(|i| format!("s{i}@contoso.edu")));
        let plan = plan(
            &roster(vec![class]),
            &Actual::default(),
            &PlanOptions::default(),
        );
        assert!(matches!(
            plan.classes[0].changes[0],
            Change::Create {
                respond_async: true,
                ..
            }
        ));
    }

    #[test]
    fn an_existing_class_gets_only_the_missing_and_extra_members() {
        let roster = roster(vec![
            ClassSpec::new("bio", "Biology 10")
                .teacher("t@contoso.edu")
                .students(["a@contoso.edu", "b@contoso.edu", "new@contoso.edu"]),
        ]);
        let actual = Actual {
            classes: vec![notebook(
                "1-bio",
                "biology 10 ",
                &["T@contoso.edu"],
                &[
                    "a@contoso.edu",
                    "i:0#.f|membership|B@contoso.edu",
                    "gone@contoso.edu",
                ],
            )],
        };
        let plan = plan(&roster, &actual, &PlanOptions::default());
        assert_eq!(
            described(&plan),
            vec![
                "Biology 10: add student new@contoso.edu",
                "Biology 10: remove student gone@contoso.edu",
            ]
        );
        assert_eq!(plan.classes[0].notebook_id.as_deref(), Some("1-bio"));
        assert_eq!(plan.classes[0].members_before, 4);
    }

    #[test]
    fn a_member_changing_role_is_removed_just_before_being_added() {
        let roster = roster(vec![
            ClassSpec::new("c", "C")
                .teachers(["a@contoso.edu", "new@contoso.edu"])
                .students(["t@contoso.edu"]),
        ]);
        let actual = Actual {
            classes: vec![notebook(
                "1-c",
                "C",
                &["t@contoso.edu"],
                &["a@contoso.edu", "x@contoso.edu"],
            )],
        };
        assert_eq!(
            described(&plan(&roster, &actual, &PlanOptions::default())),
            vec![
                "C: remove student a@contoso.edu",
                "C: add teacher a@contoso.edu",
                "C: remove teacher t@contoso.edu",
                "C: add student t@contoso.edu",
                "C: add teacher new@contoso.edu",
                "C: remove student x@contoso.edu",
            ]
        );
    }

    #[test]
    fn groups_the_roster_does_not_list_are_kept_not_removed() {
        let roster = roster(vec![ClassSpec::new("c", "C").teacher("t@contoso.edu")]);
        let mut nb = notebook("1-c", "C", &["t@contoso.edu"], &[]);
        nb.teachers
            .push(Principal::new("staff@contoso.edu", PrincipalType::Group));
        let plan = plan(
            &roster,
            &Actual { classes: vec![nb] },
            &PlanOptions::default(),
        );
        assert!(plan.is_empty());
        assert_eq!(plan.classes[0].kept[0].id, "staff@contoso.edu");
    }

    #[test]
    fn notebooks_outside_the_roster_are_left_alone_and_listed() {
        let roster = roster(vec![ClassSpec::new("c", "C").teacher("t@contoso.edu")]);
        let actual = Actual {
            classes: vec![
                notebook(
                    "1-z",
                    "Staff Notebook",
                    &["t@contoso.edu"],
                    &["s@contoso.edu"],
                ),
                notebook("1-c", "C", &["t@contoso.edu"], &[]),
                notebook("1-a", "Archive 2023", &[], &[]),
            ],
        };
        let plan = plan(&roster, &actual, &PlanOptions::default());
        assert!(plan.is_empty());
        let names: Vec<_> = plan.unmanaged.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, vec!["Archive 2023", "Staff Notebook"]);
    }

    #[test]
    fn a_name_matching_two_notebooks_is_a_conflict_with_no_changes() {
        let roster = roster(vec![ClassSpec::new("c", "Art").teacher("t@contoso.edu")]);
        let actual = Actual {
            classes: vec![
                notebook("1-b", "ART", &[], &[]),
                notebook("1-a", "Art", &[], &[]),
            ],
        };
        let plan = plan(&roster, &actual, &PlanOptions::default());
        assert!(plan.classes.is_empty());
        let ids: Vec<_> = plan.conflicts[0]
            .notebooks
            .iter()
            .map(|n| n.id.as_str())
            .collect();
        assert_eq!(ids, vec!["1-a", "1-b"]);
    }

    #[test]
    fn the_plan_does_not_depend_on_listing_order_and_round_trips_through_json() {
        let roster = roster(vec![
            ClassSpec::new("a", "A")
                .teacher("t@contoso.edu")
                .student("s@contoso.edu"),
            ClassSpec::new("b", "B").teacher("t@contoso.edu"),
        ]);
        let mut actual = Actual {
            classes: vec![
                notebook(
                    "1-a",
                    "A",
                    &["x@contoso.edu", "t@contoso.edu"],
                    &["y@contoso.edu", "z@contoso.edu"],
                ),
                notebook("1-q", "Q", &[], &[]),
                notebook("1-r", "R", &[], &[]),
            ],
        };
        let first = plan(&roster, &actual, &PlanOptions::default());
        actual.classes.reverse();
        actual.classes[2].students.reverse();
        let second = plan(&roster, &actual, &PlanOptions::default());
        let json = serde_json::to_string(&first).unwrap();
        assert_eq!(json, serde_json::to_string(&second).unwrap());
        let back: Plan = serde_json::from_str(&json).unwrap();
        assert_eq!(back, first);
        assert!(json.contains(r#""action":"remove","role":"student","principal":{"id":"y@contoso.edu","principalType":"Person"}"#), "{json}");
    }
}
