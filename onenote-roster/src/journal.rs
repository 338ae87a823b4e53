//! The journal: a JSON Lines file that holds the approved plan, then, for every write, its
//! intent before the request is sent and its result after, so a run killed at any point can be
//! resumed: replaying the records gives each step's [`StepState`].
//!
//! ```text
//! {"record":"plan","format":1,"guard":{…},"plan":{…}}
//! {"record":"intent","step":0,"attempt":1}
//! {"record":"done","step":0,"how":"applied","notebook_id":"1-…"}
//! {"record":"intent","step":1,"attempt":1}
//! {"record":"accepted","step":1,"location":"https://…/operations/…"}
//! {"record":"failed","step":2,"outcome":"rejected","error":"…","correlation_id":"…"}
//! {"record":"reconcile","step":3,"notebook_id":"1-…"}
//! {"record":"finished","done":3,"failed":1}
//! ```
//!
//! Each record is one `write` of one line. A kill can tear only the last line; a resumed run
//! ignores a torn last line and cuts it off before appending.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::executor::Outcome;
use crate::guard::{ApprovedPlan, Guard};
use crate::plan::{Plan, StepId};

/// The journal format this crate writes and reads.
pub const FORMAT: u32 = 1;

/// How a step was completed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Done {
    /// Its request was sent and succeeded.
    Applied,
    /// Its effect was found in place (a request whose answer was lost had succeeded, or someone
    /// else made the change), so nothing was sent again.
    AlreadyInEffect,
    /// A create found a notebook of that name (created by a request whose answer was lost, or
    /// by someone else) and added the members it lacked instead of creating another.
    MatchedExisting,
}

/// One line of the journal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "snake_case")]
pub(crate) enum Record {
    Plan {
        format: u32,
        guard: Guard,
        plan: Plan,
    },
    Intent {
        step: StepId,
        attempt: u32,
    },
    Accepted {
        step: StepId,
        location: String,
    },
    Reconcile {
        step: StepId,
        notebook_id: String,
    },
    Done {
        step: StepId,
        how: Done,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        notebook_id: Option<String>,
    },
    Failed {
        step: StepId,
        outcome: Outcome,
        error: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        correlation_id: Option<String>,
    },
    Finished {
        done: usize,
        failed: usize,
    },
}

/// Where a step stands, from the journal's records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepState {
    /// Nothing recorded: the request was never sent.
    Pending,
    /// An intent without a result: the request may or may not have been sent and may or may
    /// not have succeeded. A resumed run checks the actual state before sending it again.
    Intended {
        /// The attempt the intent was for.
        attempt: u32,
    },
    /// The service accepted an asynchronous create: a resumed run polls this `Location`.
    Accepted {
        /// The operation to poll.
        location: String,
    },
    /// A create matched an existing notebook and its missing members were being added: a
    /// resumed run reads the notebook and adds whoever is still missing.
    Reconciling {
        /// The notebook.
        notebook_id: String,
    },
    /// Complete.
    Done {
        /// How.
        how: Done,
        /// The notebook id a create produced, when known.
        notebook_id: Option<String>,
    },
    /// The last attempt failed. A resumed run tries again unless the service refused it
    /// ([`Outcome::Rejected`]), checking the actual state first.
    Failed {
        /// What the failure means.
        outcome: Outcome,
        /// The error.
        error: String,
        /// The response's correlation id.
        correlation_id: Option<String>,
    },
}

impl StepState {
    /// Whether a run has nothing more to do for this step.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            StepState::Done { .. }
                | StepState::Failed {
                    outcome: Outcome::Rejected,
                    ..
                }
        )
    }

    /// The state after `record` (about this step).
    fn after(self, record: &Record) -> StepState {
        match (self, record) {
            // A completed step stays complete; a later record about it would be a bug.
            (done @ StepState::Done { .. }, _) => done,
            (_, Record::Intent { attempt, .. }) => StepState::Intended { attempt: *attempt },
            (_, Record::Accepted { location, .. }) => StepState::Accepted {
                location: location.clone(),
            },
            (_, Record::Reconcile { notebook_id, .. }) => StepState::Reconciling {
                notebook_id: notebook_id.clone(),
            },
            (
                _,
                Record::Done {
                    how, notebook_id, ..
                },
            ) => StepState::Done {
                how: *how,
                notebook_id: notebook_id.clone(),
            },
            // Polling failed without an answer: the operation is still the one to ask about.
            (
                accepted @ StepState::Accepted { .. },
                Record::Failed {
                    outcome: Outcome::Unknown,
                    ..
                },
            ) => accepted,
            // Adding a matched notebook's members failed, but the match still stands.
            (
                reconciling @ StepState::Reconciling { .. },
                Record::Failed {
                    outcome: Outcome::Unknown | Outcome::NotApplied,
                    ..
                },
            ) => reconciling,
            (
                _,
                Record::Failed {
                    outcome,
                    error,
                    correlation_id,
                    ..
                },
            ) => StepState::Failed {
                outcome: *outcome,
                error: error.clone(),
                correlation_id: correlation_id.clone(),
            },
            (state, Record::Plan { .. } | Record::Finished { .. }) => state,
        }
    }
}

/// Reading or writing the journal failed.
#[derive(Debug)]
pub enum JournalError {
    /// The file could not be read or written.
    Io {
        /// The journal.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// A line is not a journal record.
    Corrupt {
        /// The journal.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong with it.
        message: String,
    },
    /// The journal holds a run that has not finished; it is not overwritten.
    Unfinished {
        /// The journal.
        path: PathBuf,
        /// Steps still to do.
        remaining: usize,
        /// Steps in the plan.
        steps: usize,
    },
    /// There is no plan to resume at this path.
    NoPlan {
        /// The journal.
        path: PathBuf,
    },
}

impl fmt::Display for JournalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JournalError::Io { path, source } => {
                write!(f, "journal {}: {source}", path.display())
            }
            JournalError::Corrupt {
                path,
                line,
                message,
            } => write!(
                f,
                "journal {}:{line}: not a journal record: {message}; the file was changed by \
                 something else: restore it, or remove it and plan again (the plan reads the \
                 actual state, so nothing done is lost)",
                path.display()
            ),
            JournalError::Unfinished {
                path,
                remaining,
                steps,
            } => write!(
                f,
                "journal {} holds an unfinished run ({remaining} of {steps} steps left); resume \
                 it with Journal::resume (the example: run it again with the same --journal), \
                 or remove the file to start a new plan",
                path.display()
            ),
            JournalError::NoPlan { path } => write!(
                f,
                "journal {} holds no plan to resume; create one with Journal::create",
                path.display()
            ),
        }
    }
}

impl std::error::Error for JournalError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            JournalError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// A run's journal: the plan, each step's state, and the open file records are appended to.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: File,
    plan: Arc<Plan>,
    guard: Guard,
    replay: Replay,
    sync: bool,
}

/// Each step's state and whether the run finished: the records replayed in order.
#[derive(Debug)]
struct Replay {
    states: Vec<StepState>,
    finished: bool,
}

impl Replay {
    fn new(plan: &Plan) -> Self {
        Self {
            states: vec![StepState::Pending; plan.steps().count()],
            finished: false,
        }
    }

    /// Applies one record after the plan; fails when it names a step the plan does not have.
    fn apply(&mut self, record: &Record) -> Result<(), String> {
        if let Record::Finished { .. } = record {
            self.finished = true;
        }
        if let Some(step) = step_of(record) {
            let Some(state) = self.states.get_mut(step.0 as usize) else {
                return Err(format!("step {step} is not in the plan"));
            };
            *state = std::mem::replace(state, StepState::Pending).after(record);
        }
        Ok(())
    }

    fn remaining(&self) -> usize {
        self.states.iter().filter(|s| !s.is_final()).count()
    }
}

/// What a journal file holds.
struct Contents {
    header: Option<(Guard, Plan)>,
    replay: Option<Replay>,
    /// Bytes up to the end of the last complete line.
    complete: u64,
}

impl Journal {
    /// Starts a journal for `plan` at `path`. A finished journal there is replaced; an
    /// unfinished one is refused ([`JournalError::Unfinished`]), so a run is never forgotten.
    pub fn create(path: impl AsRef<Path>, plan: ApprovedPlan) -> Result<Journal, JournalError> {
        let path = path.as_ref().to_path_buf();
        if let Some(Contents {
            replay: Some(replay),
            ..
        }) = read(&path)?
            && !replay.finished
        {
            return Err(JournalError::Unfinished {
                path,
                remaining: replay.remaining(),
                steps: replay.states.len(),
            });
        }
        let (plan, guard) = plan.into_parts();
        let file = File::create(&path).map_err(|source| JournalError::Io {
            path: path.clone(),
            source,
        })?;
        let mut journal = Journal {
            path,
            file,
            replay: Replay::new(&plan),
            plan: Arc::new(plan),
            guard,
            sync: true,
        };
        let header = Record::Plan {
            format: FORMAT,
            guard: journal.guard.clone(),
            plan: (*journal.plan).clone(),
        };
        journal.append(&header)?;
        Ok(journal)
    }

    /// Opens the journal at `path` to carry on its run.
    pub fn resume(path: impl AsRef<Path>) -> Result<Journal, JournalError> {
        let path = path.as_ref().to_path_buf();
        let Some(Contents {
            header: Some((guard, plan)),
            replay: Some(replay),
            complete,
        }) = read(&path)?
        else {
            return Err(JournalError::NoPlan { path });
        };
        let io = |source| JournalError::Io {
            path: path.clone(),
            source,
        };
        let file = OpenOptions::new().write(true).open(&path).map_err(io)?;
        // Cut off a torn last line so the next record starts on a line of its own.
        file.set_len(complete).map_err(io)?;
        let file = OpenOptions::new().append(true).open(&path).map_err(io)?;
        Ok(Journal {
            path,
            file,
            plan: Arc::new(plan),
            guard,
            replay,
            sync: true,
        })
    }

    /// Whether each record is flushed to the disk (`fsync`) before the request it announces is
    /// sent. On by default; it guards against losing records in a machine crash, not a
    /// process kill.
    pub fn sync_each_record(mut self, sync: bool) -> Self {
        self.sync = sync;
        self
    }

    /// The journal's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The plan the journal is for.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The guard that approved it.
    pub fn guard(&self) -> &Guard {
        &self.guard
    }

    /// Each step's state, by [`StepId`].
    pub fn states(&self) -> &[StepState] {
        &self.replay.states
    }

    /// How many steps are not final (neither done nor refused by the service).
    pub fn remaining(&self) -> usize {
        self.replay.remaining()
    }

    /// Whether a run completed every step (each done, or refused by the service).
    pub fn is_finished(&self) -> bool {
        self.replay.finished
    }

    pub(crate) fn shared_plan(&self) -> Arc<Plan> {
        Arc::clone(&self.plan)
    }

    /// Appends `record` and updates the step it is about.
    pub(crate) fn record(&mut self, record: Record) -> Result<(), JournalError> {
        // A record about a step the plan lacks is a bug in the engine, never written.
        if let Err(message) = self.replay.apply(&record) {
            return Err(JournalError::Io {
                path: self.path.clone(),
                source: io::Error::other(message),
            });
        }
        self.append(&record)
    }

    fn append(&mut self, record: &Record) -> Result<(), JournalError> {
        let mut line = serde_json::to_string(record).map_err(|e| JournalError::Io {
            path: self.path.clone(),
            source: io::Error::other(e),
        })?;
        line.push('\n');
        let io = |source| JournalError::Io {
            path: self.path.clone(),
            source,
        };
        self.file.write_all(line.as_bytes()).map_err(io)?;
        if self.sync {
            self.file.sync_data().map_err(io)?;
        }
        Ok(())
    }
}

fn step_of(record: &Record) -> Option<StepId> {
    match record {
        Record::Intent { step, .. }
        | Record::Accepted { step, .. }
        | Record::Reconcile { step, .. }
        | Record::Done { step, .. }
        | Record::Failed { step, .. } => Some(*step),
        Record::Plan { .. } | Record::Finished { .. } => None,
    }
}

/// Reads and replays the journal at `path`; `None` when there is no file.
fn read(path: &Path) -> Result<Option<Contents>, JournalError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(JournalError::Io {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let corrupt = |line: usize, message: String| JournalError::Corrupt {
        path: path.to_path_buf(),
        line,
        message,
    };
    let mut contents = Contents {
        header: None,
        replay: None,
        complete: 0,
    };
    let mut offset = 0usize;
    for (index, raw) in bytes.split_inclusive(|&b| b == b'\n').enumerate() {
        let line = index + 1;
        // A line without its newline was torn by a kill in the middle of a write: the record
        // was never complete, so it never happened.
        let Some(raw) = raw.strip_suffix(b"\n") else {
            break;
        };
        offset += raw.len() + 1;
        let record: Record =
            serde_json::from_slice(raw).map_err(|e| corrupt(line, e.to_string()))?;
        match (&contents.header, record) {
            (
                None,
                Record::Plan {
                    format,
                    guard,
                    plan,
                },
            ) => {
                if format != FORMAT {
                    return Err(corrupt(
                        line,
                        format!("journal format {format}; this version reads format {FORMAT}"),
                    ));
                }
                contents.replay = Some(Replay::new(&plan));
                contents.header = Some((guard, plan));
            }
            (None, _) => return Err(corrupt(line, "the first record must be the plan".into())),
            (Some(_), Record::Plan { .. }) => {
                return Err(corrupt(line, "a second plan record".into()));
            }
            (Some(_), record) => {
                if let Some(replay) = contents.replay.as_mut() {
                    replay
                        .apply(&record)
                        .map_err(|message| corrupt(line, message))?;
                }
            }
        }
        contents.complete = offset as u64;
    }
    Ok(Some(contents))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state_after(records: &[Record]) -> StepState {
        records
            .iter()
            .fold(StepState::Pending, |state, record| state.after(record))
    }

    fn failed(outcome: Outcome) -> Record {
        Record::Failed {
            step: StepId(0),
            outcome,
            error: "boom".into(),
            correlation_id: Some("c-1".into()),
        }
    }

    const INTENT: Record = Record::Intent {
        step: StepId(0),
        attempt: 1,
    };

    #[test]
    fn an_intent_without_a_result_means_check_before_repeating() {
        assert_eq!(state_after(&[INTENT]), StepState::Intended { attempt: 1 });
    }

    #[test]
    fn a_lost_poll_keeps_the_operation_to_ask_about() {
        let accepted = Record::Accepted {
            step: StepId(0),
            location: "https://x/operations/1".into(),
        };
        assert_eq!(
            state_after(&[INTENT, accepted.clone(), failed(Outcome::Unknown)]),
            StepState::Accepted {
                location: "https://x/operations/1".into()
            }
        );
        assert!(matches!(
            state_after(&[INTENT, accepted, failed(Outcome::NotApplied)]),
            StepState::Failed {
                outcome: Outcome::NotApplied,
                ..
            }
        ));
    }

    #[test]
    fn a_done_step_stays_done() {
        let done = Record::Done {
            step: StepId(0),
            how: Done::Applied,
            notebook_id: None,
        };
        assert!(state_after(&[INTENT, done, INTENT]).is_final());
    }

    #[test]
    fn only_a_refusal_is_a_final_failure() {
        assert!(state_after(&[INTENT, failed(Outcome::Rejected)]).is_final());
        assert!(!state_after(&[INTENT, failed(Outcome::Unknown)]).is_final());
        assert!(!state_after(&[INTENT, failed(Outcome::NotApplied)]).is_final());
    }

    #[test]
    fn records_are_one_json_line_each_with_a_tag() {
        let line = serde_json::to_string(&failed(Outcome::Rejected)).unwrap();
        assert_eq!(
            line,
            r#"{"record":"failed","step":0,"outcome":"rejected","error":"boom","correlation_id":"c-1"}"#
        );
    }
}
