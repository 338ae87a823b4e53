//! Roster sync for OneNote class notebooks.
//!
//! Bring hundreds of class notebooks in line with a school's roster: the desired state comes
//! from code ([`Roster::builder`]) or from a School Data Sync v2.1 export ([`sds`]); the actual
//! state is read from the service ([`Actual::read`]); [`plan`] computes the fewest requests that
//! close the gap; a [`Guard`] refuses plans that would remove too many people; and the apply
//! engine carries the plan out through an [`Executor`], recording each write in a [`Journal`]
//! so a run that is killed can be resumed with no duplicate and no lost change.

mod actual;
mod apply;
mod bounded;
mod client_executor;
mod commands;
mod csv;
mod diagnostics;
mod dry_run;
mod executor;
mod guard;
mod journal;
mod plan;
mod roster;
pub mod sds;
mod upn;

pub use actual::{Actual, ActualClass, ActualError, ActualProblem};
pub use apply::{ApplyOptions, ApplyRun, Event, Failure, Report, apply};
pub use client_executor::ClientExecutor;
pub use commands::Commands;
pub use diagnostics::{Position, Problem, Problems};
pub use executor::{Executor, Outcome, Progress, WriteError};
pub use guard::{ApprovedPlan, ClassRemoval, Guard, GuardRefusal};
pub use journal::{Done, FORMAT as JOURNAL_FORMAT, Journal, JournalError, StepState, TornRecord};
pub use plan::{
    Change, ClassPlan, Conflict, NotebookRef, Plan, PlanOptions, PlanSource, Step, StepId, plan,
};
pub use roster::{
    Class, ClassSpec, Member, PrincipalKind, Role, Roster, RosterBuilder, check_notebook_name,
    name_key,
};
pub use upn::{Upn, principal_key};

/// The README's examples, compiled as doctests so they stay true.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
