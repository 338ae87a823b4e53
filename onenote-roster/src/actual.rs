//! The actual state: the class notebooks at a location with their teachers and students, read
//! from the service (every page, with `$expand=teachers,students`).

use std::fmt;

use onenote_api::{ClassNotebook, Location, Notes, Principal};
use serde::{Deserialize, Serialize};

use crate::roster::Role;
use crate::upn::principal_key;

/// One class notebook as the service has it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActualClass {
    /// The notebook id.
    pub id: String,
    /// The notebook name.
    pub name: String,
    /// Its teachers, as the service returned them.
    pub teachers: Vec<Principal>,
    /// Its students, as the service returned them.
    pub students: Vec<Principal>,
}

impl ActualClass {
    /// Takes what the plan needs from a listed notebook. The listing must have expanded
    /// `teachers` and `students`: a notebook without them cannot be compared, and guessing
    /// "nobody" would plan to add everyone.
    pub fn from_notebook(notebook: ClassNotebook) -> Result<ActualClass, ActualProblem> {
        let label = notebook
            .name
            .clone()
            .or_else(|| notebook.id.clone())
            .unwrap_or_else(|| "(no name, no id)".into());
        let missing = |what: &'static str| ActualProblem {
            notebook: label.clone(),
            missing: what,
        };
        Ok(ActualClass {
            id: notebook.id.clone().ok_or_else(|| missing("id"))?,
            name: notebook.name.clone().ok_or_else(|| missing("name"))?,
            teachers: notebook.teachers.ok_or_else(|| missing("teachers"))?,
            students: notebook.students.ok_or_else(|| missing("students"))?,
        })
    }

    /// The members in `role`.
    pub fn members(&self, role: Role) -> &[Principal] {
        match role {
            Role::Teacher => &self.teachers,
            Role::Student => &self.students,
        }
    }

    /// Whether a member with this comparison key (see [`principal_key`]) is in `role`.
    pub fn has(&self, role: Role, key: &str) -> bool {
        self.members(role)
            .iter()
            .any(|principal| principal_key(&principal.id) == key)
    }

    /// How many teachers and students the notebook has.
    pub fn member_count(&self) -> usize {
        self.teachers.len() + self.students.len()
    }
}

/// A listed notebook that lacks something the plan needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActualProblem {
    /// The notebook's name (or id).
    pub notebook: String,
    /// The missing property: `id`, `name`, `teachers` or `students`.
    pub missing: &'static str,
}

impl fmt::Display for ActualProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the service listed the class notebook {:?} without its `{}`; list class notebooks \
             with `$expand=teachers,students` (Actual::read does)",
            self.notebook, self.missing
        )
    }
}

impl std::error::Error for ActualProblem {}

/// Reading the actual state failed.
#[derive(Debug)]
pub enum ActualError {
    /// A request failed.
    Request(onenote_api::Error),
    /// A notebook came back without what the plan needs.
    Incomplete(ActualProblem),
}

impl fmt::Display for ActualError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ActualError::Request(error) => write!(f, "listing class notebooks failed: {error}"),
            ActualError::Incomplete(problem) => problem.fmt(f),
        }
    }
}

impl std::error::Error for ActualError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ActualError::Request(error) => Some(error),
            ActualError::Incomplete(problem) => Some(problem),
        }
    }
}

impl From<onenote_api::Error> for ActualError {
    fn from(error: onenote_api::Error) -> Self {
        ActualError::Request(error)
    }
}

impl From<ActualProblem> for ActualError {
    fn from(problem: ActualProblem) -> Self {
        ActualError::Incomplete(problem)
    }
}

/// Every class notebook at a location, as the plan compares them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Actual {
    /// The notebooks, in the order they were listed.
    pub classes: Vec<ActualClass>,
}

impl Actual {
    /// The actual state from notebooks already listed (with `teachers` and `students`).
    pub fn from_notebooks(
        notebooks: impl IntoIterator<Item = ClassNotebook>,
    ) -> Result<Actual, ActualProblem> {
        let classes = notebooks
            .into_iter()
            .map(ActualClass::from_notebook)
            .collect::<Result<_, _>>()?;
        Ok(Actual { classes })
    }

    /// Lists every class notebook at `notes` with `$expand=teachers,students`, following
    /// `@odata.nextLink` to the last page.
    pub async fn read<L: Location>(notes: &Notes<L>) -> Result<Actual, ActualError> {
        let mut stream = notes
            .class_notebooks()
            .list()
            .expand(["teachers", "students"])
            .stream();
        let mut classes = Vec::new();
        while let Some(notebook) = stream.next_item().await {
            classes.push(ActualClass::from_notebook(notebook?)?);
        }
        Ok(Actual { classes })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use onenote_api::PrincipalType;

    #[test]
    fn a_notebook_listed_without_its_members_is_refused_not_read_as_empty() {
        let notebook = ClassNotebook::default()
            .with_id("1-a")
            .with_name("Math 101")
            .with_teachers(vec![Principal::new("t@contoso.edu", PrincipalType::Person)]);
        let problem = ActualClass::from_notebook(notebook).unwrap_err();
        assert_eq!(problem.missing, "students");
        assert!(problem.to_string().contains("`$expand=teachers,students`"));
    }

    #[test]
    fn members_are_found_by_key_in_either_spelling() {
        let class = ActualClass::from_notebook(
            ClassNotebook::default()
                .with_id("1-a")
                .with_name("Math 101")
                .with_teachers(vec![])
                .with_students(vec![Principal::new(
                    "i:0#.f|membership|A@Contoso.edu",
                    PrincipalType::Person,
                )]),
        )
        .unwrap();
        assert!(class.has(Role::Student, "a@contoso.edu"));
        assert!(!class.has(Role::Teacher, "a@contoso.edu"));
    }
}
