//! The journal: a JSON Lines file that holds the approved plan (with the roster it was planned
//! from), then, for every write, its intent before the request is sent and its result after, so
//! a run killed at any point can be resumed: replaying the records gives each step's
//! [`StepState`].
//!
//! ```text
//! {"record":"plan","format":2,"guard":{…},"plan":{"source":{"digest":"…",…},…},"crc":"…"}
//! {"record":"intent","step":0,"attempt":1,"crc":"…"}
//! {"record":"done","step":0,"how":"applied","notebook_id":"1-…","crc":"…"}
//! {"record":"intent","step":1,"attempt":1,"crc":"…"}
//! {"record":"accepted","step":1,"location":"https://…/operations/…","crc":"…"}
//! {"record":"failed","step":2,"outcome":"rejected","error":"…","correlation_id":"…","crc":"…"}
//! {"record":"reconcile","step":3,"notebook_id":"1-…","crc":"…"}
//! {"record":"finished","done":3,"failed":1,"crc":"…"}
//! ```
//!
//! Each record is one `write` of one line, and ends with `"crc"`, the CRC-32 of the line before
//! it (the record without its check, closed by `}`): a record changed or damaged anywhere is an
//! error at its `file:line`. Only the last line may be torn (no newline: its write never
//! finished); a resumed run ignores it, says so, cuts it off before appending, and, since a
//! torn tail can also be a file cut short, checks every unfinished step against the service
//! before sending anything.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::commands::Commands;
use crate::executor::Outcome;
use crate::guard::{ApprovedPlan, Guard};
use crate::plan::{Plan, PlanSource, StepId};

/// The journal format this crate writes and reads (2: records carry their own check, the plan
/// its source).
pub const FORMAT: u32 = 2;

/// What ends every record: `,"crc":"` + 8 hex digits + `"}`.
const CHECK_PREFIX: &str = ",\"crc\":\"";
const CHECK_LEN: usize = CHECK_PREFIX.len() + 8 + 2;

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

/// Reading or writing the journal failed. `Display` says what is wrong; [`hint`](Self::hint)
/// names the command that fixes it, as a front end spells it.
#[derive(Debug)]
pub enum JournalError {
    /// The file could not be read or written.
    Io {
        /// The journal.
        path: PathBuf,
        /// Why.
        source: io::Error,
        /// Whether the file holds a run (a resume or an append failed) rather than being
        /// created.
        holds_run: bool,
    },
    /// A line is not a journal record, or not the record its check was made for.
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
    /// There is no plan to resume at this path (no file, or an empty one).
    NoPlan {
        /// The journal.
        path: PathBuf,
    },
    /// The journal was planned from another roster (or other plan options) than the one given
    /// to resume it.
    OtherRoster {
        /// The journal.
        path: PathBuf,
        /// What the journal's plan was made from.
        planned: PlanSource,
        /// What the resume was given.
        given: PlanSource,
    },
}

impl JournalError {
    fn io(path: &Path, holds_run: bool) -> impl FnOnce(io::Error) -> JournalError + '_ {
        move |source| JournalError::Io {
            path: path.to_path_buf(),
            source,
            holds_run,
        }
    }

    /// The command that fixes it, as `commands` spells it (one line, for after the message).
    pub fn hint(&self, commands: &dyn Commands) -> String {
        let plan = |path: &Path| commands.plan(path, None);
        match self {
            JournalError::Io {
                path,
                holds_run: true,
                ..
            } => format!(
                "fix the cause (free space, permissions), then resume: `{}`",
                commands.resume(path)
            ),
            JournalError::Io { path, .. } => format!(
                "fix the cause (the folder, permissions, free space), then run `{}`",
                plan(path)
            ),
            JournalError::Corrupt { path, .. } => format!(
                "restore {} from a copy and resume, or remove it and run `{}` (the plan reads \
                 the notebooks, so nothing done is lost)",
                path.display(),
                plan(path)
            ),
            JournalError::Unfinished { path, .. } => format!(
                "resume it: `{}`; or remove {} and run `{}` to plan anew",
                commands.resume(path),
                path.display(),
                plan(path)
            ),
            JournalError::NoPlan { path } => {
                format!("plan a run into it: `{}`", plan(path))
            }
            JournalError::OtherRoster { path, planned, .. } => format!(
                "resume it with the export it was planned from ({planned}); or, to sync this \
                 export, remove {} and run `{}`",
                path.display(),
                plan(path)
            ),
        }
    }
}

impl fmt::Display for JournalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JournalError::Io { path, source, .. } => {
                write!(f, "journal {}: {source}", path.display())
            }
            JournalError::Corrupt {
                path,
                line,
                message,
            } => write!(
                f,
                "journal {}:{line}: {message}; the file was changed or damaged after it was \
                 written",
                path.display()
            ),
            JournalError::Unfinished {
                path,
                remaining,
                steps,
            } => write!(
                f,
                "journal {} holds an unfinished run ({remaining} of {steps} steps left), so it \
                 is not overwritten with a new plan",
                path.display()
            ),
            JournalError::NoPlan { path } => write!(
                f,
                "journal {} holds no run to resume (no file, or an empty one)",
                path.display()
            ),
            JournalError::OtherRoster {
                path,
                planned,
                given,
            } => write!(
                f,
                "journal {} was planned from {planned}, not from the {given} given now",
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

/// A last record cut off in mid-write, which a resume ignored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TornRecord {
    /// The journal.
    pub path: PathBuf,
    /// Its 1-based line.
    pub line: usize,
    /// The bytes of it that were written.
    pub bytes: usize,
}

impl fmt::Display for TornRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "journal {}:{}: the last record is cut off ({} bytes, a write that never finished, \
             or a file cut short): ignored; every unfinished step is checked against the \
             service before anything is sent",
            self.path.display(),
            self.line,
            self.bytes
        )
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
    torn: Option<TornRecord>,
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
    /// A last line without its newline.
    torn: Option<TornRecord>,
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
        let file = File::create(&path).map_err(JournalError::io(&path, false))?;
        let mut journal = Journal {
            path,
            file,
            replay: Replay::new(&plan),
            plan: Arc::new(plan),
            guard,
            sync: true,
            torn: None,
        };
        let header = Record::Plan {
            format: FORMAT,
            guard: journal.guard.clone(),
            plan: (*journal.plan).clone(),
        };
        journal.append(&header)?;
        Ok(journal)
    }

    /// Opens the journal at `path` to carry on its run, which must have been planned from
    /// `source` (the roster and options given now: [`PlanSource::of`]); another is refused
    /// with [`JournalError::OtherRoster`], naming both.
    pub fn resume(path: impl AsRef<Path>, source: &PlanSource) -> Result<Journal, JournalError> {
        let path = path.as_ref().to_path_buf();
        let Some(Contents {
            header: Some((guard, plan)),
            replay: Some(replay),
            complete,
            torn,
        }) = read(&path)?
        else {
            return Err(JournalError::NoPlan { path });
        };
        if plan.source != *source {
            return Err(JournalError::OtherRoster {
                path,
                planned: plan.source,
                given: source.clone(),
            });
        }
        // Cut off a torn last line so the next record starts on a line of its own.
        let file = OpenOptions::new()
            .write(true)
            .open(&path)
            .and_then(|file| file.set_len(complete))
            .and_then(|()| OpenOptions::new().append(true).open(&path))
            .map_err(JournalError::io(&path, true))?;
        Ok(Journal {
            path,
            file,
            plan: Arc::new(plan),
            guard,
            replay,
            sync: true,
            torn,
        })
    }

    /// The last record, when it was cut off in mid-write and ignored (say so to the operator).
    /// A run from such a journal checks every unfinished step against the service before
    /// sending it, since the file may have lost more than that one record.
    pub fn torn_record(&self) -> Option<&TornRecord> {
        self.torn.as_ref()
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
            return Err(JournalError::io(&self.path, true)(io::Error::other(
                message,
            )));
        }
        self.append(&record)
    }

    fn append(&mut self, record: &Record) -> Result<(), JournalError> {
        let io = JournalError::io(&self.path, true);
        let line = checked_line(record).map_err(|e| io(io::Error::other(e)))?;
        let io = JournalError::io(&self.path, true);
        self.file.write_all(line.as_bytes()).map_err(io)?;
        if self.sync {
            self.file
                .sync_data()
                .map_err(JournalError::io(&self.path, true))?;
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

/// `record` as one line: its JSON with its check, `"crc"`, before the closing brace, and a
/// newline.
fn checked_line(record: &Record) -> Result<String, serde_json::Error> {
    let json = serde_json::to_string(record)?;
    // `json` is an object, so it ends with `}`: the check covers the record up to there.
    let body = json.strip_suffix('}').unwrap_or(&json);
    let crc = crc32fast::hash(format!("{body}}}").as_bytes());
    Ok(format!("{body}{CHECK_PREFIX}{crc:08x}\"}}\n"))
}

/// The record a line holds, after its check; the error says what is wrong.
fn checked_record(raw: &[u8]) -> Result<Record, String> {
    let text =
        std::str::from_utf8(raw).map_err(|_| "not a journal record: not UTF-8".to_owned())?;
    let Some(split) = text.len().checked_sub(CHECK_LEN) else {
        return Err(no_check(text));
    };
    let (Some(body), Some(check)) = (text.get(..split), text.get(split..)) else {
        return Err(no_check(text));
    };
    let expected = check
        .strip_prefix(CHECK_PREFIX)
        .and_then(|rest| rest.strip_suffix("\"}"))
        .filter(|hex| hex.len() == 8)
        .and_then(|hex| u32::from_str_radix(hex, 16).ok())
        .ok_or_else(|| no_check(text))?;
    let record = format!("{body}}}");
    let actual = crc32fast::hash(record.as_bytes());
    if actual != expected {
        return Err(format!(
            "the record does not match its check (crc {expected:08x}, its content gives \
             {actual:08x})"
        ));
    }
    serde_json::from_str(&record).map_err(|e| format!("not a journal record: {e}"))
}

/// Why a line without a check is refused: an older format's plan says so.
fn no_check(text: &str) -> String {
    if let Ok(Record::Plan { format, .. }) = serde_json::from_str::<Record>(text)
        && format != FORMAT
    {
        return format!(
            "journal format {format}; this version reads format {FORMAT} (finish that run with \
             the version that wrote it)"
        );
    }
    "not a journal record: it has no check (\"crc\") at its end".to_owned()
}

/// Reads and replays the journal at `path`; `None` when there is no file.
fn read(path: &Path) -> Result<Option<Contents>, JournalError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(JournalError::io(path, true)(source)),
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
        torn: None,
    };
    let mut offset = 0usize;
    for (index, raw) in bytes.split_inclusive(|&b| b == b'\n').enumerate() {
        let line = index + 1;
        // A line without its newline was torn in the middle of its write: the record was
        // never complete, so it never happened (split_inclusive gives it only last).
        let Some(raw) = raw.strip_suffix(b"\n") else {
            contents.torn = Some(TornRecord {
                path: path.to_path_buf(),
                line,
                bytes: raw.len(),
            });
            break;
        };
        offset += raw.len() + 1;
        let record = checked_record(raw).map_err(|message| corrupt(line, message))?;
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
    fn records_are_one_json_line_each_with_a_tag_and_their_check() {
        let line = checked_line(&failed(Outcome::Rejected)).unwrap();
        let record = r#"{"record":"failed","step":0,"outcome":"rejected","error":"boom","correlation_id":"c-1"}"#;
        let crc = crc32fast::hash(record.as_bytes());
        assert_eq!(
            line,
            format!("{},\"crc\":\"{crc:08x}\"}}\n", &record[..record.len() - 1])
        );
        let value: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(value["crc"], format!("{crc:08x}"));
        assert_eq!(
            checked_record(line.trim_end().as_bytes()),
            Ok(failed(Outcome::Rejected))
        );
    }

    #[test]
    fn a_record_changed_in_any_byte_fails_its_check() {
        let line = checked_line(&failed(Outcome::Rejected)).unwrap();
        let line = line.trim_end();
        let changed = line.replacen("rejected", "unknown", 1);
        let error = checked_record(changed.as_bytes()).unwrap_err();
        assert!(
            error.starts_with("the record does not match its check (crc "),
            "{error}"
        );
        for cut in [0, 1, line.len() / 2, line.len() - 1] {
            assert!(checked_record(&line.as_bytes()[..cut]).is_err(), "{cut}");
        }
        let unchecked = r#"{"record":"intent","step":0,"attempt":1}"#;
        assert_eq!(
            checked_record(unchecked.as_bytes()).unwrap_err(),
            "not a journal record: it has no check (\"crc\") at its end"
        );
    }

    #[test]
    fn a_journal_of_the_first_format_is_named_as_such() {
        let first = r#"{"record":"plan","format":1,"guard":{"max_class_removal":0.25,"class_allowance":2,"max_total_removal":0.1,"total_allowance":10},"plan":{"source":{"digest":"","classes":0,"enrolments":0},"classes":[],"conflicts":[],"unmanaged":[]}}"#;
        assert_eq!(
            checked_record(first.as_bytes()).unwrap_err(),
            "journal format 1; this version reads format 2 (finish that run with the version \
             that wrote it)"
        );
    }
}
