//! The apply engine against a recording double of the service: it converges from empty and
//! from drift, checks the state instead of repeating a write whose answer was lost, resumes
//! from its journal after a kill at any point with no duplicate write, resumes asynchronous
//! creates from their `Location`, and reports each failure with its error and correlation id.
//!
//! The double answers at once (or never, after a simulated kill), so a run is driven by
//! polling its stream with a no-op waker: no runtime, no clock, no sleeping.

mod support {
    pub mod temp_journal;
}

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use futures_core::Stream;
use onenote_api::{CreateClassNotebook, Principal, PrincipalType};
use onenote_roster::{
    Actual, ActualClass, ApplyOptions, ApplyRun, ApprovedPlan, ClassSpec, Done, Event, Executor,
    Guard, Journal, JournalError, Member, Outcome, PlanOptions, PlanSource, Progress, Report, Role,
    Roster, StepState, WriteError, apply, name_key, plan, principal_key,
};
use support::temp_journal::TempJournal;

// ---------------------------------------------------------------------------------------------
// The double.

/// What the double does with one call.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Fault {
    None,
    /// Fail without taking effect.
    FailBefore(Outcome),
    /// Take effect, then fail (the answer is lost).
    FailAfter(Outcome),
    /// The process dies before the request reaches the service.
    KillBefore,
    /// The request takes effect, then the process dies.
    KillAfter,
}

type FaultPlan = Box<dyn FnMut(usize, &str) -> Fault + Send>;

#[derive(Default)]
struct Notebook {
    name: String,
    teachers: BTreeSet<String>,
    students: BTreeSet<String>,
}

#[derive(Default)]
struct Service {
    notebooks: BTreeMap<String, Notebook>,
    next_id: u32,
    /// Asynchronous creates: `Location` → the notebook id they made.
    operations: BTreeMap<String, String>,
    /// Names this run's creates made (a second create of one is a duplicate).
    created: BTreeSet<String>,
    /// Every call, in order.
    calls: Vec<String>,
    /// Writes whose effect was already in place: the engine sent something twice.
    duplicates: Vec<String>,
    faults: Option<FaultPlan>,
    dead: bool,
    /// When set, every answer is pending once before it is ready.
    yield_once: bool,
    in_flight: usize,
    peak_in_flight: usize,
    progress: Option<Progress>,
}

impl Service {
    fn members(&mut self, id: &str, role: Role) -> Option<&mut BTreeSet<String>> {
        let notebook = self.notebooks.get_mut(id)?;
        Some(match role {
            Role::Teacher => &mut notebook.teachers,
            Role::Student => &mut notebook.students,
        })
    }

    fn insert(&mut self, body: &CreateClassNotebook) -> Result<String, WriteError> {
        let key = name_key(&body.name);
        if self.notebooks.values().any(|n| name_key(&n.name) == key) {
            if self.created.contains(&key) {
                self.duplicates.push(format!("create {}", body.name));
            }
            return Err(WriteError::new(
                Outcome::Rejected,
                "409: a notebook with this name exists",
            )
            .with_status(409));
        }
        self.next_id += 1;
        let id = format!("1-{}", self.next_id);
        let keys = |ps: &Option<Vec<Principal>>| {
            ps.iter().flatten().map(|p| principal_key(&p.id)).collect()
        };
        self.notebooks.insert(
            id.clone(),
            Notebook {
                name: body.name.clone(),
                teachers: keys(&body.teachers),
                students: keys(&body.students),
            },
        );
        self.created.insert(key);
        Ok(id)
    }

    fn actual(&self, id: &str) -> Option<ActualClass> {
        let notebook = self.notebooks.get(id)?;
        let people = |keys: &BTreeSet<String>| {
            keys.iter()
                .map(|k| Principal::new(k.clone(), PrincipalType::Person))
                .collect()
        };
        Some(ActualClass {
            id: id.to_owned(),
            name: notebook.name.clone(),
            teachers: people(&notebook.teachers),
            students: people(&notebook.students),
        })
    }

    fn snapshot(&self) -> Actual {
        Actual {
            classes: self
                .notebooks
                .keys()
                .filter_map(|id| self.actual(id))
                .collect(),
        }
    }
}

#[derive(Clone, Default)]
struct Double(Arc<Mutex<Service>>);

enum Reply<T> {
    Ready(Result<T, WriteError>),
    Hang,
}

/// The future a call returns: ready (maybe after one pending poll), or never.
struct Answer<T> {
    reply: Option<Reply<T>>,
    service: Arc<Mutex<Service>>,
    yielded: bool,
}

impl<T: Unpin> Future for Answer<T> {
    type Output = Result<T, WriteError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let yield_once = lock(&self.service).yield_once;
        if yield_once && !self.yielded {
            self.yielded = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        match self.reply.take() {
            Some(Reply::Ready(result)) => {
                lock(&self.service).in_flight -= 1;
                Poll::Ready(result)
            }
            Some(Reply::Hang) | None => {
                self.reply = Some(Reply::Hang);
                Poll::Pending
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Double {
    fn service(&self) -> MutexGuard<'_, Service> {
        lock(&self.0)
    }

    fn faults(&self, faults: impl FnMut(usize, &str) -> Fault + Send + 'static) {
        let mut service = self.service();
        service.faults = Some(Box::new(faults));
        service.dead = false;
    }

    /// Every call whose label starts with `prefix` gets `fault`.
    fn fault_on(&self, prefix: &'static str, fault: Fault) {
        self.faults(move |_, label| {
            if label.starts_with(prefix) {
                fault
            } else {
                Fault::None
            }
        });
    }

    fn healthy(&self) {
        let mut service = self.service();
        service.faults = None;
        service.dead = false;
    }

    fn call<T>(
        &self,
        label: String,
        effect: impl FnOnce(&mut Service) -> Result<T, WriteError>,
    ) -> Answer<T> {
        let mut service = self.service();
        let reply = if service.dead {
            Reply::Hang
        } else {
            let index = service.calls.len();
            service.calls.push(label.clone());
            if index == 0
                && let Some(progress) = &service.progress
            {
                progress.waiting_for_quota(
                    std::time::Duration::from_millis(500),
                    onenote_api::WaitCause::Concurrency(5),
                );
            }
            let fault = match service.faults.as_mut() {
                Some(faults) => faults(index, &label),
                None => Fault::None,
            };
            let injected = |outcome| {
                Err(
                    WriteError::new(outcome, format!("injected failure of call {index}"))
                        .with_status(503)
                        .with_correlation_id(format!("corr-{index}")),
                )
            };
            match fault {
                Fault::None => Reply::Ready(effect(&mut service)),
                Fault::FailBefore(outcome) => Reply::Ready(injected(outcome)),
                Fault::FailAfter(outcome) => {
                    let _ = effect(&mut service);
                    Reply::Ready(injected(outcome))
                }
                Fault::KillBefore => {
                    service.dead = true;
                    Reply::Hang
                }
                Fault::KillAfter => {
                    let _ = effect(&mut service);
                    service.dead = true;
                    Reply::Hang
                }
            }
        };
        service.in_flight += 1;
        service.peak_in_flight = service.peak_in_flight.max(service.in_flight);
        Answer {
            reply: Some(reply),
            service: Arc::clone(&self.0),
            yielded: false,
        }
    }
}

fn not_found(id: &str) -> WriteError {
    WriteError::new(Outcome::Rejected, format!("404: no notebook {id}")).with_status(404)
}

impl Executor for Double {
    fn create(
        &self,
        body: CreateClassNotebook,
    ) -> impl Future<Output = Result<String, WriteError>> + Send {
        self.call(format!("create {}", body.name), move |s| s.insert(&body))
    }

    fn start_create(
        &self,
        body: CreateClassNotebook,
    ) -> impl Future<Output = Result<String, WriteError>> + Send {
        self.call(format!("start create {}", body.name), move |s| {
            let id = s.insert(&body)?;
            let location = format!("https://www.onenote.com/api/v1.0/me/notes/operations/op-{id}");
            s.operations.insert(location.clone(), id);
            Ok(location)
        })
    }

    fn finish_create(
        &self,
        location: &str,
    ) -> impl Future<Output = Result<Option<String>, WriteError>> + Send {
        let location = location.to_owned();
        self.call(format!("poll {location}"), move |s| {
            match s.operations.get(&location) {
                Some(id) => Ok(Some(id.clone())),
                None => Err(WriteError::new(Outcome::Rejected, "404: no such operation")),
            }
        })
    }

    fn add(
        &self,
        notebook_id: &str,
        role: Role,
        member: &Member,
    ) -> impl Future<Output = Result<(), WriteError>> + Send {
        let (id, key) = (notebook_id.to_owned(), member.id.key().to_owned());
        let label = format!("add {id} {} {key}", role.as_str());
        self.call(label.clone(), move |s| {
            let members = s.members(&id, role).ok_or_else(|| not_found(&id))?;
            if !members.insert(key) {
                s.duplicates.push(label);
            }
            Ok(())
        })
    }

    fn remove(
        &self,
        notebook_id: &str,
        role: Role,
        principal_id: &str,
    ) -> impl Future<Output = Result<(), WriteError>> + Send {
        let (id, key) = (notebook_id.to_owned(), principal_key(principal_id));
        let label = format!("remove {id} {} {key}", role.as_str());
        self.call(label.clone(), move |s| {
            let members = s.members(&id, role).ok_or_else(|| not_found(&id))?;
            if !members.remove(&key) {
                s.duplicates.push(label);
                return Err(
                    WriteError::new(Outcome::Rejected, "404: not a member").with_status(404)
                );
            }
            Ok(())
        })
    }

    fn class(
        &self,
        notebook_id: &str,
    ) -> impl Future<Output = Result<Option<ActualClass>, WriteError>> + Send {
        let id = notebook_id.to_owned();
        self.call(format!("read {id}"), move |s| Ok(s.actual(&id)))
    }

    fn find(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Vec<ActualClass>, WriteError>> + Send {
        let key = name_key(name);
        self.call(format!("find {name}"), move |s| {
            Ok(s.snapshot()
                .classes
                .into_iter()
                .filter(|c| name_key(&c.name) == key)
                .collect())
        })
    }

    fn attach(&self, progress: Progress) {
        self.service().progress = Some(progress);
    }
}

// ---------------------------------------------------------------------------------------------
// Fixtures.

fn upn(class: usize, who: &str) -> String {
    format!("{who}.{class}@contoso.edu")
}

/// `classes` classes, each with a teacher and `students` students; class 0 has 60 students so
/// its create is asynchronous.
fn roster(classes: usize, students: usize) -> Roster {
    Roster::builder()
        .classes((0..classes).map(|c| {
            let n = if c == 0 { 60 } else { students };
            ClassSpec::new(format!("k{c}"), format!("Class {c:03}"))
                .teacher(upn(c, "teacher"))
                .students((0..n).map(|s| upn(c, &format!("s{s}"))))
        }))
        .build()
        .unwrap()
}

/// A service that already has some of the classes, drifted: the even classes exist, each
/// missing its first student, with a student who left, and class 2 has the wrong teacher.
fn drifted(double: &Double, classes: usize, students: usize) {
    let mut service = double.service();
    for c in (0..classes).filter(|c| c % 2 == 0 && *c > 0) {
        service.next_id += 1;
        let id = format!("1-{}", service.next_id);
        let mut notebook = Notebook {
            name: format!("class {c:03}"),
            teachers: [upn(c, "teacher")].into(),
            students: (1..students).map(|s| upn(c, &format!("s{s}"))).collect(),
        };
        notebook.students.insert(upn(c, "left"));
        if c == 2 {
            notebook.teachers = [upn(c, "former")].into();
        }
        service.notebooks.insert(id, notebook);
    }
}

fn start(double: &Double, roster: &Roster, path: &TempJournal) -> ApplyRun {
    let actual = double.service().snapshot();
    let plan = plan(roster, &actual, &PlanOptions::default());
    let approved = Guard::unlimited().approve(plan).unwrap();
    let journal = Journal::create(&path.0, approved)
        .unwrap()
        .sync_each_record(false);
    apply(double.clone(), journal, ApplyOptions::default())
}

/// What `roster` is planned from, with the default options.
fn source(roster: &Roster) -> PlanSource {
    PlanSource::of(roster, &PlanOptions::default())
}

fn resume(double: &Double, path: &TempJournal, roster: &Roster) -> ApplyRun {
    let journal = Journal::resume(&path.0, &source(roster))
        .unwrap()
        .sync_each_record(false);
    apply(double.clone(), journal, ApplyOptions::default())
}

/// Polls the run until it finishes or every request in it hangs (a simulated kill).
fn drive(double: &Double, run: &mut ApplyRun) -> (Vec<Event>, Option<Report>) {
    let mut cx = Context::from_waker(Waker::noop());
    let mut events = Vec::new();
    loop {
        match Pin::new(&mut *run).poll_next(&mut cx) {
            Poll::Ready(Some(Event::Finished(report))) => return (events, Some(report)),
            Poll::Ready(Some(event)) => events.push(event),
            Poll::Ready(None) => return (events, None),
            // Pending means every request hangs, unless the double is yielding once per answer.
            Poll::Pending if double.service().yield_once => {}
            Poll::Pending => return (events, None),
        }
    }
}

fn run_to_end(double: &Double, run: &mut ApplyRun) -> (Vec<Event>, Report) {
    let (events, report) = drive(double, run);
    (events, report.expect("the run should finish"))
}

/// Asserts the double holds exactly the roster's classes and members (plus notebooks the roster
/// does not name) and that nothing was sent twice.
fn assert_converged(double: &Double, roster: &Roster) {
    let service = double.service();
    assert!(
        service.duplicates.is_empty(),
        "duplicate writes: {:?}",
        service.duplicates
    );
    for class in roster.classes() {
        let matching: Vec<&Notebook> = service
            .notebooks
            .values()
            .filter(|n| name_key(&n.name) == name_key(class.notebook_name()))
            .collect();
        assert_eq!(
            matching.len(),
            1,
            "{} notebooks for {}",
            matching.len(),
            class.notebook_name()
        );
        let keys = |role| {
            class
                .members(role)
                .iter()
                .map(|m| m.id.key().to_owned())
                .collect::<BTreeSet<_>>()
        };
        assert_eq!(
            matching[0].teachers,
            keys(Role::Teacher),
            "teachers of {}",
            class.notebook_name()
        );
        assert_eq!(
            matching[0].students,
            keys(Role::Student),
            "students of {}",
            class.notebook_name()
        );
    }
}

fn calls(double: &Double) -> Vec<String> {
    double.service().calls.clone()
}

// ---------------------------------------------------------------------------------------------
// Tests.

#[test]
fn from_empty_each_class_is_one_create_and_the_journal_finishes() {
    let (double, path, roster) = (Double::default(), TempJournal::new("apply"), roster(8, 5));
    let mut run = start(&double, &roster, &path);
    assert_eq!(run.steps(), 8);
    let (events, report) = run_to_end(&double, &mut run);
    assert_converged(&double, &roster);
    assert_eq!(
        calls(&double).len(),
        9,
        "8 creates and one poll: {:?}",
        calls(&double)
    );
    assert!(calls(&double).iter().any(|c| c == "start create Class 000"));
    assert_eq!((report.applied, report.failed), (8, 0));
    assert!(report.is_complete());
    let done = events
        .iter()
        .filter(|e| matches!(e, Event::Done { .. }))
        .count();
    assert_eq!(done, 8);
    assert!(
        Journal::resume(&path.0, &source(&roster))
            .unwrap()
            .is_finished()
    );
}

#[test]
fn from_drift_only_the_difference_is_sent() {
    let (double, path, roster) = (Double::default(), TempJournal::new("apply"), roster(8, 5));
    drifted(&double, 8, 5);
    let plan_requests = {
        let actual = double.service().snapshot();
        plan(&roster, &actual, &PlanOptions::default()).requests()
    };
    let mut run = start(&double, &roster, &path);
    let (_, report) = run_to_end(&double, &mut run);
    assert_converged(&double, &roster);
    // 5 creates (0, 1, 3, 5, 7) + a poll; classes 2, 4, 6: add s0, remove `left`; class 2 also
    // swaps its teacher.
    assert_eq!(plan_requests, 5 + 3 * 2 + 2);
    assert_eq!(calls(&double).len(), plan_requests + 1);
    assert_eq!(report.applied, plan_requests);
}

#[test]
fn a_write_whose_answer_was_lost_is_checked_not_sent_again() {
    let (double, path, roster) = (Double::default(), TempJournal::new("apply"), roster(3, 2));
    drifted(&double, 3, 2);
    double.fault_on("add 1-1 teacher", Fault::FailAfter(Outcome::Unknown));
    let mut run = start(&double, &roster, &path);
    let (_, report) = run_to_end(&double, &mut run);
    assert_converged(&double, &roster);
    assert_eq!(report.already_in_effect, 1);
    let calls = calls(&double);
    let add = calls
        .iter()
        .position(|c| c.starts_with("add 1-1 teacher"))
        .unwrap();
    assert_eq!(calls[add + 1], "read 1-1", "{calls:?}");
    assert_eq!(
        calls
            .iter()
            .filter(|c| c.starts_with("add 1-1 teacher"))
            .count(),
        1
    );
}

#[test]
fn a_write_that_failed_before_taking_effect_is_checked_then_sent_again() {
    let (double, path, roster) = (Double::default(), TempJournal::new("apply"), roster(3, 2));
    drifted(&double, 3, 2);
    let mut failed_once = false;
    double.faults(move |_, label| {
        if label.starts_with("add 1-1 teacher") && !failed_once {
            failed_once = true;
            Fault::FailBefore(Outcome::Unknown)
        } else {
            Fault::None
        }
    });
    let mut run = start(&double, &roster, &path);
    let (_, report) = run_to_end(&double, &mut run);
    assert_converged(&double, &roster);
    assert_eq!(report.already_in_effect, 0);
    let teacher: Vec<_> = calls(&double)
        .into_iter()
        .filter(|c| c.starts_with("add 1-1 teacher") || c.starts_with("read"))
        .collect();
    assert_eq!(
        teacher,
        vec![
            "add 1-1 teacher teacher.2@contoso.edu",
            "read 1-1",
            "add 1-1 teacher teacher.2@contoso.edu",
        ]
    );
}

#[test]
fn a_refused_write_is_reported_with_its_error_and_correlation_id_and_not_retried() {
    let (double, path, roster) = (Double::default(), TempJournal::new("apply"), roster(3, 2));
    drifted(&double, 3, 2);
    double.fault_on("remove 1-1 student", Fault::FailBefore(Outcome::Rejected));
    let mut run = start(&double, &roster, &path);
    let (events, report) = run_to_end(&double, &mut run);
    let failed: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::Failed {
                notebook,
                change,
                error,
                ..
            } => Some((notebook, change.describe(), error)),
            _ => None,
        })
        .collect();
    assert_eq!(failed.len(), 1);
    let (notebook, change, error) = &failed[0];
    assert_eq!(notebook.as_str(), "Class 002");
    assert_eq!(change, "remove student left.2@contoso.edu");
    let index = calls(&double)
        .iter()
        .position(|c| c.starts_with("remove 1-1 student"))
        .unwrap();
    let correlation = format!("corr-{index}");
    assert_eq!(error.correlation_id.as_deref(), Some(correlation.as_str()));
    assert!(
        error
            .to_string()
            .contains(&format!("(correlation id {correlation})"))
    );
    assert_eq!(
        report.failures[0].correlation_id.as_deref(),
        Some(correlation.as_str())
    );
    assert_eq!(report.failed, 1);
    // A refusal is final: the journal is finished, and a resumed run sends nothing.
    let journal = Journal::resume(&path.0, &source(&roster)).unwrap();
    assert!(journal.is_finished());
    let before = calls(&double).len();
    double.healthy();
    let (_, again) = run_to_end(&double, &mut resume(&double, &path, &roster));
    assert_eq!(calls(&double).len(), before);
    assert_eq!(again.failed, 1);
    assert!(
        again.failures[0]
            .error
            .starts_with("refused in an earlier run")
    );
}

#[test]
fn a_throttled_write_is_left_for_the_resumed_run() {
    let (double, path, roster) = (Double::default(), TempJournal::new("apply"), roster(3, 2));
    drifted(&double, 3, 2);
    double.fault_on("remove 1-1 student", Fault::FailBefore(Outcome::NotApplied));
    let (_, first) = run_to_end(&double, &mut start(&double, &roster, &path));
    assert_eq!(first.failed, 1);
    let journal = Journal::resume(&path.0, &source(&roster)).unwrap();
    assert!(!journal.is_finished());
    assert_eq!(journal.remaining(), 1);
    double.healthy();
    let (_, second) = run_to_end(&double, &mut resume(&double, &path, &roster));
    assert_converged(&double, &roster);
    assert!(second.is_complete());
    assert_eq!((second.applied, second.done_earlier), (1, first.steps - 1));
}

#[test]
fn killed_at_every_call_and_resumed_it_converges_with_no_duplicate() {
    let (classes, students) = (6, 3);
    // How many calls an undisturbed run makes.
    let total = {
        let (double, path, roster) = (
            Double::default(),
            TempJournal::new("apply"),
            roster(classes, students),
        );
        drifted(&double, classes, students);
        run_to_end(&double, &mut start(&double, &roster, &path));
        calls(&double).len()
    };
    for kill in [Fault::KillBefore, Fault::KillAfter] {
        for at in 0..total {
            let (double, path, roster) = (
                Double::default(),
                TempJournal::new("apply"),
                roster(classes, students),
            );
            drifted(&double, classes, students);
            double.faults(move |index, _| if index == at { kill } else { Fault::None });
            let mut run = start(&double, &roster, &path);
            let (_, finished) = drive(&double, &mut run);
            assert!(finished.is_none(), "the run should hang at call {at}");
            drop(run);
            double.healthy();
            let (_, report) = run_to_end(&double, &mut resume(&double, &path, &roster));
            assert!(report.is_complete(), "{kill:?} at {at}: {report}");
            assert_converged(&double, &roster);
        }
    }
}

#[test]
fn killed_repeatedly_at_seeded_random_points_it_still_converges() {
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut random = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    for _ in 0..20 {
        let (double, path, roster) = (Double::default(), TempJournal::new("apply"), roster(6, 3));
        drifted(&double, 6, 3);
        let mut run = Some(start(&double, &roster, &path));
        for _ in 0..4 {
            let at = calls(&double).len() + random(6);
            let kill = if random(2) == 0 {
                Fault::KillBefore
            } else {
                Fault::KillAfter
            };
            double.faults(move |index, _| if index == at { kill } else { Fault::None });
            let mut current = run
                .take()
                .unwrap_or_else(|| resume(&double, &path, &roster));
            if drive(&double, &mut current).1.is_some() {
                break;
            }
            drop(current);
        }
        double.healthy();
        let (_, report) = run_to_end(&double, &mut resume(&double, &path, &roster));
        assert!(report.is_complete(), "{report}");
        assert_converged(&double, &roster);
    }
}

#[test]
fn an_accepted_asynchronous_create_is_resumed_from_its_stored_location() {
    let (double, path, roster) = (Double::default(), TempJournal::new("apply"), roster(1, 0));
    double.fault_on("poll", Fault::KillBefore);
    let mut run = start(&double, &roster, &path);
    assert!(drive(&double, &mut run).1.is_none());
    drop(run);
    let journal = Journal::resume(&path.0, &source(&roster)).unwrap();
    let StepState::Accepted { location } = &journal.states()[0] else {
        panic!("expected an accepted create: {:?}", journal.states());
    };
    assert_eq!(
        location,
        "https://www.onenote.com/api/v1.0/me/notes/operations/op-1-1"
    );
    drop(journal);
    double.healthy();
    let before = calls(&double).len();
    let (_, report) = run_to_end(&double, &mut resume(&double, &path, &roster));
    assert_eq!(
        calls(&double)[before..],
        ["poll https://www.onenote.com/api/v1.0/me/notes/operations/op-1-1".to_string()]
    );
    assert_eq!(report.applied, 1);
    assert_converged(&double, &roster);
}

#[test]
fn a_create_that_finds_its_notebook_adds_only_the_missing_members() {
    let (double, path, roster) = (Double::default(), TempJournal::new("apply"), roster(2, 3));
    // Planned from an empty service; then someone creates Class 001 with part of its class.
    let actual = double.service().snapshot();
    let approved = Guard::default()
        .approve(plan(&roster, &actual, &PlanOptions::default()))
        .unwrap();
    double.service().notebooks.insert(
        "1-other".into(),
        Notebook {
            name: "Class 001".into(),
            teachers: [upn(1, "teacher")].into(),
            students: [upn(1, "s0")].into(),
        },
    );
    let journal = Journal::create(&path.0, approved)
        .unwrap()
        .sync_each_record(false);
    let (events, report) = run_to_end(
        &double,
        &mut apply(double.clone(), journal, ApplyOptions::default()),
    );
    assert_converged(&double, &roster);
    assert_eq!(report.matched_existing, 1);
    assert!(events.iter().any(|e| matches!(e, Event::Done { how: Done::MatchedExisting, notebook, .. } if notebook == "Class 001")));
    let adds: Vec<_> = calls(&double)
        .into_iter()
        .filter(|c| c.starts_with("add 1-other"))
        .collect();
    assert_eq!(
        adds,
        vec![
            "add 1-other student s1.1@contoso.edu",
            "add 1-other student s2.1@contoso.edu"
        ]
    );
}

#[test]
fn waits_for_quota_reach_the_event_stream() {
    let (double, path, roster) = (Double::default(), TempJournal::new("apply"), roster(1, 1));
    let (events, _) = run_to_end(&double, &mut start(&double, &roster, &path));
    assert!(matches!(
        events[0],
        Event::WaitingForQuota { wait, limit: onenote_api::WaitCause::Concurrency(5) }
            if wait.as_millis() == 500
    ));
}

#[test]
fn classes_run_concurrently_up_to_the_limit_and_each_class_in_order() {
    let (double, path, roster) = (Double::default(), TempJournal::new("apply"), roster(12, 3));
    drifted(&double, 12, 3);
    double.service().yield_once = true;
    let actual = double.service().snapshot();
    let approved = Guard::unlimited()
        .approve(plan(&roster, &actual, &PlanOptions::default()))
        .unwrap();
    let journal = Journal::create(&path.0, approved)
        .unwrap()
        .sync_each_record(false);
    let options = ApplyOptions {
        concurrency: 3,
        ..ApplyOptions::default()
    };
    let (_, report) = run_to_end(&double, &mut apply(double.clone(), journal, options));
    assert!(report.is_complete());
    assert_eq!(double.service().peak_in_flight, 3);
    // Class 002's changes go out in plan order: the teacher swap, the addition, the removal.
    let class2: Vec<_> = calls(&double)
        .into_iter()
        .filter(|c| c.contains(" 1-1 "))
        .collect();
    assert_eq!(
        class2,
        vec![
            "add 1-1 teacher teacher.2@contoso.edu",
            "add 1-1 student s0.2@contoso.edu",
            "remove 1-1 teacher former.2@contoso.edu",
            "remove 1-1 student left.2@contoso.edu",
        ]
    );
    assert_converged(&double, &roster);
}

#[test]
fn a_journal_torn_by_a_kill_in_mid_write_resumes_from_its_last_whole_record() {
    let (double, path, roster) = (Double::default(), TempJournal::new("apply"), roster(3, 2));
    drifted(&double, 3, 2);
    double.faults(|index, _| {
        if index == 2 {
            Fault::KillAfter
        } else {
            Fault::None
        }
    });
    let mut run = start(&double, &roster, &path);
    assert!(drive(&double, &mut run).1.is_none());
    drop(run);
    let mut bytes = std::fs::read(&path.0).unwrap();
    bytes.extend_from_slice(br#"{"record":"done","st"#);
    std::fs::write(&path.0, &bytes).unwrap();
    double.healthy();
    let (_, report) = run_to_end(&double, &mut resume(&double, &path, &roster));
    assert!(report.is_complete());
    assert_converged(&double, &roster);
    let text = std::fs::read_to_string(&path.0).unwrap();
    assert!(
        text.lines()
            .all(|line| serde_json::from_str::<serde_json::Value>(line).is_ok())
    );
}

#[test]
fn a_journal_changed_by_hand_is_refused_with_its_line() {
    let (double, path, roster) = (Double::default(), TempJournal::new("apply"), roster(2, 1));
    run_to_end(&double, &mut start(&double, &roster, &path));
    let mut text = std::fs::read_to_string(&path.0).unwrap();
    text.insert_str(text.find('\n').unwrap() + 1, "{\"record\":\"intent\"}\n");
    std::fs::write(&path.0, text).unwrap();
    let error = Journal::resume(&path.0, &source(&roster)).unwrap_err();
    assert!(
        matches!(error, JournalError::Corrupt { line: 2, .. }),
        "{error}"
    );
    assert!(error.to_string().contains(":2: not a journal record"));
}

/// Starts a run that dies at its second call, so its journal is unfinished; returns a plan made
/// after it, to start anew with.
fn killed_at_its_second_call(double: &Double, roster: &Roster, path: &TempJournal) -> ApprovedPlan {
    double.faults(|index, _| {
        if index == 1 {
            Fault::KillBefore
        } else {
            Fault::None
        }
    });
    let mut run = start(double, roster, path);
    assert!(drive(double, &mut run).1.is_none());
    drop(run);
    Guard::unlimited()
        .approve(plan(
            roster,
            &double.service().snapshot(),
            &PlanOptions::default(),
        ))
        .unwrap()
}

#[test]
fn an_unfinished_journal_is_never_overwritten_but_a_finished_one_is() {
    let (double, path, roster) = (Double::default(), TempJournal::new("apply"), roster(3, 1));
    let again = killed_at_its_second_call(&double, &roster, &path);
    let error = Journal::create(&path.0, again.clone()).unwrap_err();
    assert!(
        matches!(
            error,
            JournalError::Unfinished {
                remaining: 3,
                steps: 3,
                ..
            }
        ),
        "{error}"
    );
    assert_eq!(
        error.to_string(),
        format!(
            "journal {} holds an unfinished run (3 of 3 steps left), so it is not overwritten \
             with a new plan",
            path.0.display()
        )
    );
    double.healthy();
    run_to_end(&double, &mut resume(&double, &path, &roster));
    assert!(Journal::create(&path.0, again).is_ok());
}

// ---------------------------------------------------------------------------------------------
// Issue 24: a resume checks what it resumes.

/// Issue 24, item 5: a journal cut in the middle of a line half way through was read as a
/// torn last record; the steps it lost were sent again without a check.
#[test]
fn a_journal_cut_short_mid_line_is_reported_and_nothing_is_sent_unchecked() {
    let (double, path, roster) = (Double::default(), TempJournal::new("apply"), roster(6, 3));
    drifted(&double, 6, 3);
    run_to_end(&double, &mut start(&double, &roster, &path));
    let bytes = std::fs::read(&path.0).unwrap();
    let lines = bytes.iter().filter(|b| **b == b'\n').count();
    let half = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(lines / 2 - 1)
        .map(|(at, _)| at)
        .unwrap();
    std::fs::write(&path.0, &bytes[..half + 10]).unwrap();

    let journal = Journal::resume(&path.0, &source(&roster)).unwrap();
    let torn = journal.torn_record().expect("the cut is reported").clone();
    assert_eq!((torn.line, torn.bytes), (lines / 2 + 1, 9));
    assert_eq!(
        torn.to_string(),
        format!(
            "journal {}:{}: the last record is cut off (9 bytes, a write that never finished, \
             or a file cut short): ignored; every unfinished step is checked against the \
             service before anything is sent",
            path.0.display(),
            lines / 2 + 1
        )
    );
    let before = calls(&double).len();
    let run = apply(
        double.clone(),
        journal.sync_each_record(false),
        ApplyOptions::default(),
    );
    let (_, report) = run_to_end(&double, &mut { run });
    assert!(report.is_complete(), "{report}");
    // Everything had been done: the resume only read, and found each effect in place.
    assert_converged(&double, &roster);
    let sent = &calls(&double)[before..];
    assert!(
        sent.iter()
            .all(|c| c.starts_with("read") || c.starts_with("find")),
        "{sent:?}"
    );
}

/// Issue 24, item 5: a record changed in the middle of the journal (still valid JSON) was
/// accepted; each record now carries its own check.
#[test]
fn a_record_changed_in_the_middle_is_an_error_at_its_line() {
    let (double, path, roster) = (Double::default(), TempJournal::new("apply"), roster(3, 2));
    drifted(&double, 3, 2);
    run_to_end(&double, &mut start(&double, &roster, &path));
    let text = std::fs::read_to_string(&path.0).unwrap();
    let line = text
        .lines()
        .position(|l| l.contains("\"how\":\"applied\""))
        .unwrap()
        + 1;
    let changed = text.replacen("\"how\":\"applied\"", "\"how\":\"matched_existing\"", 1);
    std::fs::write(&path.0, changed).unwrap();
    let error = Journal::resume(&path.0, &source(&roster)).unwrap_err();
    assert!(
        matches!(&error, JournalError::Corrupt { line: at, .. } if *at == line),
        "{error}"
    );
    assert!(
        error.to_string().starts_with(&format!(
            "journal {}:{line}: the record does not match its check (crc ",
            path.0.display()
        )),
        "{error}"
    );
}

/// Issue 24, item 4: a resume carried on the journal's plan whatever roster it was given.
#[test]
fn resuming_with_another_roster_is_refused_naming_both() {
    let (double, path, roster) = (Double::default(), TempJournal::new("apply"), roster(3, 2));
    run_to_end(&double, &mut start(&double, &roster, &path));
    let other = self::roster(4, 2);
    let error = Journal::resume(&path.0, &source(&other)).unwrap_err();
    let (planned, given) = (source(&roster), source(&other));
    assert_ne!(planned.digest, given.digest);
    assert_eq!(
        error.to_string(),
        format!(
            "journal {} was planned from roster {} (3 classes, 67 enrolments), not from the \
             roster {} (4 classes, 70 enrolments) given now",
            path.0.display(),
            planned.digest,
            given.digest
        )
    );
    // Other plan options make another source too.
    let eager = PlanOptions {
        async_create_from: None,
    };
    assert_ne!(PlanSource::of(&roster, &eager), planned);
    assert_eq!(
        source(&roster),
        planned,
        "the same roster gives the same digest"
    );
}

/// The commands of a front end, for the hints.
struct Sync;

impl onenote_roster::Commands for Sync {
    fn resume(&self, journal: &std::path::Path) -> String {
        format!("sync --resume --journal {} term/", journal.display())
    }

    fn plan(&self, journal: &std::path::Path, max_removal: Option<f64>) -> String {
        let guard = max_removal.map_or(String::new(), |s| format!(" --max-removal {s}"));
        format!("sync{guard} --journal {} term/", journal.display())
    }
}

/// Issue 24, item 6: the messages named an API call (`Journal::create`) or told the operator to
/// run again what had just failed.
#[test]
fn every_journal_error_names_the_command_to_run() {
    let (double, path, roster) = (Double::default(), TempJournal::new("apply"), roster(3, 1));
    let shown = path.0.display().to_string();
    std::fs::write(&path.0, "").unwrap();
    let empty = Journal::resume(&path.0, &source(&roster)).unwrap_err();
    assert_eq!(
        empty.hint(&Sync),
        format!("plan a run into it: `sync --journal {shown} term/`")
    );
    let again = killed_at_its_second_call(&double, &roster, &path);
    let unfinished = Journal::create(&path.0, again).unwrap_err();
    assert_eq!(
        unfinished.hint(&Sync),
        format!(
            "resume it: `sync --resume --journal {shown} term/`; or remove {shown} and run \
             `sync --journal {shown} term/` to plan anew"
        )
    );
    let other = Journal::resume(&path.0, &source(&self::roster(1, 1))).unwrap_err();
    assert!(
        other.hint(&Sync).ends_with(&format!(
            "or, to sync this export, remove {shown} and run `sync --journal {shown} term/`"
        )),
        "{}",
        other.hint(&Sync)
    );
    for error in [&empty, &unfinished, &other] {
        let text = format!("{error} {}", error.hint(&Sync));
        assert!(!text.contains("Journal::"), "{text}");
    }
}
