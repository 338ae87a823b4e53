//! The dry run: a plan as text a person checks before applying it, in the plan's stable order.

use std::fmt;

use crate::plan::{Change, ClassPlan, Plan, count};

/// Classes without changes are named one by one up to this many, then only counted.
const UNCHANGED_LISTED: usize = 10;

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let creates = self
            .classes
            .iter()
            .filter(|c| c.notebook_id.is_none())
            .count();
        let changed = self
            .classes
            .iter()
            .filter(|c| c.notebook_id.is_some() && !c.changes.is_empty())
            .count();
        let unchanged: Vec<&ClassPlan> = self
            .classes
            .iter()
            .filter(|c| c.changes.is_empty())
            .collect();
        let (mut adds, mut removes) = (0, 0);
        for step in self.steps() {
            match step.change {
                Change::Add { .. } => adds += 1,
                Change::Remove { .. } => removes += 1,
                Change::Create { .. } => {}
            }
        }
        writeln!(
            f,
            "Plan: {creates} to create, {changed} to change, {} unchanged; {} ({}, {}, {}).",
            unchanged.len(),
            count(self.requests(), "request"),
            count(creates, "create"),
            count(adds, "addition"),
            count(removes, "removal"),
        )?;
        for class in self.classes.iter().filter(|c| !c.changes.is_empty()) {
            write_class(f, class)?;
        }
        if !unchanged.is_empty() {
            write!(f, "\n= unchanged: ")?;
            if unchanged.len() <= UNCHANGED_LISTED {
                let names: Vec<String> = unchanged
                    .iter()
                    .map(|c| format!("{:?}", c.notebook_name))
                    .collect();
                writeln!(f, "{}", names.join(", "))?;
            } else {
                writeln!(f, "{} classes", unchanged.len())?;
            }
        }
        for conflict in &self.conflicts {
            let ids: Vec<&str> = conflict.notebooks.iter().map(|n| n.id.as_str()).collect();
            writeln!(
                f,
                "\n! {:?} [class {}]: {} notebooks have this name ({}); skipped. Rename all but \
                 one of them, or rename the class.",
                conflict.notebook_name,
                conflict.key,
                conflict.notebooks.len(),
                ids.join(", ")
            )?;
        }
        if !self.unmanaged.is_empty() {
            let names: Vec<String> = self
                .unmanaged
                .iter()
                .map(|n| format!("{:?}", n.name))
                .collect();
            writeln!(f, "\nNot in the roster, left alone: {}", names.join(", "))?;
        }
        Ok(())
    }
}

fn write_class(f: &mut fmt::Formatter<'_>, class: &ClassPlan) -> fmt::Result {
    match &class.notebook_id {
        None => write!(f, "\n+ {:?} [class {}]", class.notebook_name, class.key)?,
        Some(id) => write!(
            f,
            "\n~ {:?} [class {}] (notebook {id}, {} now)",
            class.notebook_name,
            class.key,
            count(class.members_before, "member")
        )?,
    }
    writeln!(f)?;
    for change in &class.changes {
        match change {
            Change::Create {
                teachers, students, ..
            } => {
                writeln!(f, "    {}", change.describe())?;
                let names: Vec<&str> = teachers.iter().map(|t| t.id.as_str()).collect();
                if !names.is_empty() {
                    writeln!(f, "      teachers: {}", names.join(", "))?;
                }
                match students.as_slice() {
                    [] => {}
                    [one] => writeln!(f, "      student: {}", one.id)?,
                    [first, second] => writeln!(f, "      students: {}, {}", first.id, second.id)?,
                    [first, .., last] => writeln!(f, "      students: {} … {}", first.id, last.id)?,
                }
            }
            Change::Add { role, member } => writeln!(f, "    + {} {}", role.as_str(), member.id)?,
            Change::Remove { role, principal } => {
                writeln!(f, "    - {} {}", role.as_str(), principal.id)?
            }
        }
    }
    for principal in &class.kept {
        writeln!(
            f,
            "    (kept: {} {}, not managed by the sync)",
            principal.principal_type, principal.id
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use onenote_api::{Principal, PrincipalType};

    use crate::actual::{Actual, ActualClass};
    use crate::plan::{PlanOptions, plan};
    use crate::roster::{ClassSpec, Roster};

    #[test]
    fn the_dry_run_lists_creates_changes_conflicts_and_what_is_left_alone() {
        let roster = Roster::builder()
            .class(
                ClassSpec::new("112002", "Biology 10")
                    .teacher("kfein@contoso.edu")
                    .students(["a@contoso.edu", "b@contoso.edu", "c@contoso.edu"]),
            )
            .class(
                ClassSpec::new("112001", "Computer Science 101")
                    .teacher("jjonzer@contoso.edu")
                    .students(["smiller@contoso.edu"]),
            )
            .class(ClassSpec::new("112003", "Art").teacher("t@contoso.edu"))
            .class(ClassSpec::new("112004", "Math").teacher("t@contoso.edu"))
            .build()
            .unwrap();
        let person = |id: &str| Principal::new(id, PrincipalType::Person);
        let class = |id: &str, name: &str, teachers: Vec<Principal>, students: Vec<Principal>| {
            ActualClass {
                id: id.into(),
                name: name.into(),
                teachers,
                students,
            }
        };
        let actual = Actual {
            classes: vec![
                class(
                    "1-cs",
                    "Computer Science 101",
                    vec![
                        person("jjonzer@contoso.edu"),
                        Principal::new("cs-staff@contoso.edu", PrincipalType::Group),
                    ],
                    vec![person("old@contoso.edu")],
                ),
                class("1-m", "Math", vec![person("t@contoso.edu")], vec![]),
                class("1-a1", "Art", vec![], vec![]),
                class("1-a2", "art", vec![], vec![]),
                class("1-s", "Staff Notebook", vec![], vec![]),
            ],
        };
        let plan = plan(&roster, &actual, &PlanOptions::default());
        assert_eq!(
            plan.to_string(),
            "Plan: 1 to create, 1 to change, 1 unchanged; 3 requests (1 create, 1 addition, 1 removal).

+ \"Biology 10\" [class 112002]
    create with 1 teacher, 3 students
      teachers: kfein@contoso.edu
      students: a@contoso.edu … c@contoso.edu

~ \"Computer Science 101\" [class 112001] (notebook 1-cs, 3 members now)
    + student smiller@contoso.edu
    - student old@contoso.edu
    (kept: Group cs-staff@contoso.edu, not managed by the sync)

= unchanged: \"Math\"

! \"Art\" [class 112003]: 2 notebooks have this name (1-a1, 1-a2); skipped. Rename all but one of them, or rename the class.

Not in the roster, left alone: \"Staff Notebook\"
"
        );
    }
}
