//! The guard: a plan that removes more than a set share of any class's members, or of all
//! members, is refused, because a truncated roster export looks exactly like a school that
//! lost its students. Only an [`ApprovedPlan`] can be applied.

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::commands::Commands;
use crate::plan::{ClassPlan, Plan};

/// How much a plan may remove.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Guard {
    /// The largest share (0.0–1.0) of one class's current members a plan may remove.
    pub max_class_removal: f64,
    /// Removing up to this many members from a class is always allowed, whatever the share
    /// (one student leaving a class of three is not a truncated export).
    pub class_allowance: usize,
    /// The largest share (0.0–1.0) of all current members of the roster's notebooks a plan may
    /// remove.
    pub max_total_removal: f64,
    /// Removing up to this many members in all is always allowed.
    pub total_allowance: usize,
}

impl Default for Guard {
    /// At most 25% of a class (2 members always allowed) and 10% of all members (10 always
    /// allowed).
    fn default() -> Self {
        Self {
            max_class_removal: 0.25,
            class_allowance: 2,
            max_total_removal: 0.10,
            total_allowance: 10,
        }
    }
}

impl Guard {
    /// A guard that allows any removal: the caller's explicit override.
    pub fn unlimited() -> Self {
        Self {
            max_class_removal: 1.0,
            class_allowance: usize::MAX,
            max_total_removal: 1.0,
            total_allowance: usize::MAX,
        }
    }

    /// The default guard with both shares set to `share` (0.0–1.0).
    pub fn max_removal(share: f64) -> Self {
        Self {
            max_class_removal: share,
            max_total_removal: share,
            ..Self::default()
        }
    }

    fn exceeds(removals: usize, members: usize, share: f64, allowance: usize) -> bool {
        removals > allowance && removals as f64 > share * members as f64
    }

    /// Approves `plan`, or says which classes it removes too many members from.
    pub fn approve(&self, plan: Plan) -> Result<ApprovedPlan, GuardRefusal> {
        let mut classes: Vec<ClassRemoval> = plan
            .classes
            .iter()
            .filter(|class| {
                Self::exceeds(
                    class.removals(),
                    class.members_before,
                    self.max_class_removal,
                    self.class_allowance,
                )
            })
            .map(ClassRemoval::of)
            .collect();
        classes.sort_by(|a, b| {
            b.share()
                .total_cmp(&a.share())
                .then_with(|| a.notebook_name.cmp(&b.notebook_name))
        });
        let removals: usize = plan.classes.iter().map(ClassPlan::removals).sum();
        let members: usize = plan.classes.iter().map(|c| c.members_before).sum();
        let total = Self::exceeds(
            removals,
            members,
            self.max_total_removal,
            self.total_allowance,
        )
        .then_some((removals, members));
        if classes.is_empty() && total.is_none() {
            Ok(ApprovedPlan {
                plan,
                guard: self.clone(),
            })
        } else {
            Err(GuardRefusal {
                classes,
                total,
                guard: self.clone(),
            })
        }
    }
}

/// A plan a [`Guard`] allowed.
#[derive(Clone, Debug, PartialEq)]
pub struct ApprovedPlan {
    plan: Plan,
    guard: Guard,
}

impl ApprovedPlan {
    /// The plan.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The guard that allowed it.
    pub fn guard(&self) -> &Guard {
        &self.guard
    }

    /// The plan and the guard, apart.
    pub fn into_parts(self) -> (Plan, Guard) {
        (self.plan, self.guard)
    }
}

/// One class a refused plan removes too many members from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassRemoval {
    /// The class's key.
    pub key: String,
    /// The notebook's name.
    pub notebook_name: String,
    /// Members the plan removes.
    pub removals: usize,
    /// Members the notebook has now.
    pub members_before: usize,
}

impl ClassRemoval {
    fn of(class: &ClassPlan) -> Self {
        Self {
            key: class.key.clone(),
            notebook_name: class.notebook_name.clone(),
            removals: class.removals(),
            members_before: class.members_before,
        }
    }

    fn share(&self) -> f64 {
        share(self.removals, self.members_before)
    }
}

fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

/// A plan the guard refused: which classes lose too many members, and by how much.
#[derive(Clone, Debug, PartialEq)]
pub struct GuardRefusal {
    /// The classes over the limit, the largest share first.
    pub classes: Vec<ClassRemoval>,
    /// `(removals, members)` in all, when the total is over its limit.
    pub total: Option<(usize, usize)>,
    /// The guard that refused.
    pub guard: Guard,
}

impl fmt::Display for GuardRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "refusing the plan: it removes more members than the guard allows; a truncated \
             roster export looks like this"
        )?;
        for class in &self.classes {
            writeln!(
                f,
                "  {:?} [class {}]: removes {} of {} members ({}; the limit is {}, or {} members)",
                class.notebook_name,
                class.key,
                class.removals,
                class.members_before,
                percent(class.share()),
                percent(self.guard.max_class_removal),
                self.guard.class_allowance,
            )?;
        }
        if let Some((removals, members)) = self.total {
            writeln!(
                f,
                "  in all: removes {removals} of {members} members ({}; the limit is {}, or {} members)",
                percent(share(removals, members)),
                percent(self.guard.max_total_removal),
                self.guard.total_allowance,
            )?;
        }
        write!(
            f,
            "check the export first; if these members really left, plan again with a guard \
             that allows removing {} of a class and in all",
            percent(self.needed_share())
        )
    }
}

impl GuardRefusal {
    /// The smallest share (0–1, in whole percent, rounded up) a guard must allow for this
    /// plan to pass.
    pub fn needed_share(&self) -> f64 {
        let total = self.total.map(|(r, m)| share(r, m));
        let largest = self
            .classes
            .iter()
            .map(ClassRemoval::share)
            .chain(total)
            .fold(0.0, f64::max);
        ((largest * 100.0).ceil() / 100.0).min(1.0)
    }

    /// What the operator runs if the members really left: the plan command with a guard that
    /// allows this plan ([`needed_share`](Self::needed_share)), as `commands` spells it.
    pub fn hint(&self, commands: &dyn Commands, journal: &Path) -> String {
        format!(
            "check the export first; if these members really left, run `{}`",
            commands.plan(journal, Some(self.needed_share()))
        )
    }
}

impl std::error::Error for GuardRefusal {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Change;
    use onenote_api::{Principal, PrincipalType};

    fn class(name: &str, members_before: usize, removals: usize) -> ClassPlan {
        ClassPlan {
            key: name.to_lowercase(),
            notebook_name: name.into(),
            notebook_id: Some(format!("1-{name}")),
            members_before,
            kept: vec![],
            changes: (0..removals)
                .map(|i| Change::Remove {
                    role: crate::roster::Role::Student,
                    principal: Principal::new(format!("s{i}@contoso.edu"), PrincipalType::Person),
                })
                .collect(),
        }
    }

    fn plan(classes: Vec<ClassPlan>) -> Plan {
        Plan {
            classes,
            ..Plan::default()
        }
    }

    #[test]
    fn ordinary_churn_is_approved() {
        let plan = plan(vec![class("A", 30, 2), class("B", 30, 6), class("C", 3, 2)]);
        assert!(Guard::default().approve(plan).is_ok());
    }

    #[test]
    fn a_class_losing_most_of_its_members_is_refused_with_the_numbers_and_the_override() {
        let plan = plan(vec![
            class("A", 30, 1),
            class("Biology 10", 30, 25),
            class("C", 20, 9),
        ]);
        let refusal = Guard::default().approve(plan.clone()).unwrap_err();
        let names: Vec<_> = refusal
            .classes
            .iter()
            .map(|c| c.notebook_name.as_str())
            .collect();
        assert_eq!(names, vec!["Biology 10", "C"]);
        let text = refusal.to_string();
        assert!(
            text.contains("\"Biology 10\" [class biology 10]: removes 25 of 30 members (83%; the limit is 25%, or 2 members)"),
            "{text}"
        );
        assert!(
            text.contains("in all: removes 35 of 80 members (44%"),
            "{text}"
        );
        assert!(
            text.ends_with(
                "if these members really left, plan again with a guard that allows removing \
                 84% of a class and in all"
            ),
            "{text}"
        );
        assert_eq!(refusal.needed_share(), 0.84);
        assert!(Guard::unlimited().approve(plan.clone()).is_ok());
        assert!(
            Guard::max_removal(refusal.needed_share())
                .approve(plan.clone())
                .is_ok()
        );
        assert!(Guard::max_removal(0.83).approve(plan).is_err());
    }

    struct Sync;

    impl Commands for Sync {
        fn resume(&self, journal: &Path) -> String {
            format!("sync --resume --journal {}", journal.display())
        }

        fn plan(&self, journal: &Path, max_removal: Option<f64>) -> String {
            let guard = max_removal.map_or(String::new(), |s| format!(" --max-removal {s}"));
            format!("sync{guard} --journal {}", journal.display())
        }
    }

    #[test]
    fn the_hint_names_the_command_with_a_guard_that_passes() {
        let refusal = Guard::default()
            .approve(plan(vec![class("A", 10, 7)]))
            .unwrap_err();
        assert_eq!(
            refusal.hint(&Sync, Path::new("term.journal")),
            "check the export first; if these members really left, run `sync --max-removal 0.7 \
             --journal term.journal`"
        );
    }

    #[test]
    fn many_small_removals_across_classes_trip_the_total() {
        let plan = plan((0..20).map(|i| class(&format!("K{i}"), 10, 2)).collect());
        let refusal = Guard::default().approve(plan).unwrap_err();
        assert!(refusal.classes.is_empty());
        assert_eq!(refusal.total, Some((40, 200)));
    }
}
