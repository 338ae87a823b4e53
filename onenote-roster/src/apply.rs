//! The apply engine: carries a journaled plan out through an [`Executor`], at most N classes at
//! a time (one class's changes in order), and reports progress as a `Stream` of [`Event`]s.
//!
//! For every step, by its journal state:
//! - done: skipped (reported as done in an earlier run);
//! - never sent: intent recorded, request sent, result recorded (after reading the state
//!   first when the journal's last record was torn: it may have lost more);
//! - intent without a result, or a failure that was not a refusal: the actual state is read
//!   first (the notebook's members, or for a create the notebooks of that name) and the
//!   request is sent again only if its effect is not in place;
//! - an asynchronous create the service accepted: its stored `Location` is polled, until the
//!   operation answers (a failed poll leaves it accepted); an operation that failed (say, the
//!   name is taken by a create whose answer was lost) is followed by a name check, like a
//!   refused create;
//! - a create that matched an existing notebook: the notebook's missing members are added;
//! - refused by the service in an earlier run: reported again, not sent.
//!
//! Within a run a write whose outcome is unknown (dropped connection, 5xx) is handled the same
//! way: the state is read and the write repeated only if it did not take effect, up to
//! [`ApplyOptions::max_attempts`]. So no write is ever sent twice when the first one worked.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Duration;

use onenote_api::{CreateClassNotebook, WaitCause};

use crate::actual::ActualClass;
use crate::bounded::Bounded;
use crate::executor::{Executor, Outcome, Progress, WriteError};
use crate::journal::{Done, Journal, Record, StepState};
use crate::plan::{Change, ClassPlan, Plan, StepId};
use crate::roster::{Member, Role, name_key};

/// How a run is carried out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplyOptions {
    /// Classes worked on at once. The client's pacing bounds requests in flight; this bounds
    /// how many classes wait for it.
    pub concurrency: usize,
    /// Tries per step in one run when a write's outcome is unknown (each after reading the
    /// state).
    pub max_attempts: u32,
    /// How long an asynchronous create whose answer was lost (a kill before its `202` was
    /// journaled, a 5xx or a timeout after it was sent) is looked for by name before it is sent
    /// again: its operation may still be running, and a notebook appears only when it
    /// completes. The engine looks at 1 s, 2 s, 4 s, … through the executor's
    /// [`pause`](Executor::pause). Zero sends it again after one look (the service's name
    /// check, 20117, then stops a second notebook).
    pub lost_create_grace: Duration,
}

impl Default for ApplyOptions {
    /// 4 classes at once, 3 tries per step, 60 s of grace for a lost asynchronous create.
    fn default() -> Self {
        Self {
            concurrency: 4,
            max_attempts: 3,
            lost_create_grace: Duration::from_secs(60),
        }
    }
}

/// Something that happened in a run.
#[derive(Debug)]
pub enum Event {
    /// A step is complete.
    Done {
        /// Which.
        step: StepId,
        /// The notebook's name.
        notebook: String,
        /// The change.
        change: Change,
        /// How it was completed.
        how: Done,
        /// Whether it was completed by an earlier run (nothing was sent now).
        earlier_run: bool,
    },
    /// A step failed in this run.
    Failed {
        /// Which.
        step: StepId,
        /// The notebook's name.
        notebook: String,
        /// The change.
        change: Change,
        /// The error, with its correlation id.
        error: WriteError,
    },
    /// A request is held back until the quota allows it (reported once per wait, by the
    /// client's pacing).
    WaitingForQuota {
        /// How long at least.
        wait: Duration,
        /// The limit it waits for (`120 requests per 60s`, …).
        limit: WaitCause,
    },
    /// The run ended; the last event.
    Finished(Report),
}

/// One failed step in a [`Report`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// Which.
    pub step: StepId,
    /// The notebook's name.
    pub notebook: String,
    /// The change, described.
    pub change: String,
    /// What it means for the service's state.
    pub outcome: Outcome,
    /// The error.
    pub error: String,
    /// The response's correlation id.
    pub correlation_id: Option<String>,
}

/// What a run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Steps in the plan.
    pub steps: usize,
    /// Steps whose request was sent and succeeded in this run.
    pub applied: usize,
    /// Steps found already in effect (nothing sent).
    pub already_in_effect: usize,
    /// Creates that matched an existing notebook.
    pub matched_existing: usize,
    /// Steps completed by an earlier run.
    pub done_earlier: usize,
    /// Steps that failed.
    pub failed: usize,
    /// The failures, by step.
    pub failures: Vec<Failure>,
    /// Why the run stopped early, if it did (the journal could not be written).
    pub aborted: Option<String>,
}

impl Report {
    /// Whether every step is complete.
    pub fn is_complete(&self) -> bool {
        self.failed == 0
            && self.aborted.is_none()
            && self.applied + self.already_in_effect + self.matched_existing + self.done_earlier
                == self.steps
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let done =
            self.applied + self.already_in_effect + self.matched_existing + self.done_earlier;
        write!(
            f,
            "{done} of {} steps done: {} applied, {} already in effect, {} matched an existing \
             notebook, {} done in an earlier run; {} failed",
            self.steps,
            self.applied,
            self.already_in_effect,
            self.matched_existing,
            self.done_earlier,
            self.failed
        )?;
        for failure in &self.failures {
            write!(
                f,
                "\n  {} {:?}: {}: {}",
                failure.step, failure.notebook, failure.change, failure.error
            )?;
        }
        if let Some(reason) = &self.aborted {
            write!(f, "\n  stopped early: {reason}")?;
        }
        Ok(())
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The run's events not yet handed out.
#[derive(Clone, Default)]
struct Events(Arc<Mutex<VecDeque<Event>>>);

impl Events {
    fn push(&self, event: Event) {
        lock(&self.0).push_back(event);
    }

    fn pop(&self) -> Option<Event> {
        lock(&self.0).pop_front()
    }

    /// The handle the executor reports quota waits through: each becomes an event.
    fn progress(&self) -> Progress {
        let events = self.clone();
        Progress::new(move |wait, limit| events.push(Event::WaitingForQuota { wait, limit }))
    }
}

/// A run in progress: a `Stream` of [`Event`]s ending with [`Event::Finished`]. Poll it to make
/// progress; dropping it stops the run (the journal says where).
pub struct ApplyRun {
    engine: Option<Pin<Box<dyn Future<Output = Report> + Send>>>,
    events: Events,
    steps: usize,
}

impl fmt::Debug for ApplyRun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApplyRun")
            .field("steps", &self.steps)
            .field("running", &self.engine.is_some())
            .finish_non_exhaustive()
    }
}

impl ApplyRun {
    /// How many steps the plan has (each ends in one `Done` or `Failed` event).
    pub fn steps(&self) -> usize {
        self.steps
    }

    /// The next event; `None` after [`Event::Finished`].
    pub async fn next_event(&mut self) -> Option<Event> {
        std::future::poll_fn(|cx| self.poll_event(cx)).await
    }

    /// Runs to the end and returns the report, dropping the other events.
    pub async fn report(mut self) -> Report {
        let mut last = Report::default();
        while let Some(event) = self.next_event().await {
            if let Event::Finished(report) = event {
                last = report;
            }
        }
        last
    }

    fn poll_event(&mut self, cx: &mut Context<'_>) -> Poll<Option<Event>> {
        if let Some(event) = self.events.pop() {
            return Poll::Ready(Some(event));
        }
        let Some(engine) = self.engine.as_mut() else {
            return Poll::Ready(None);
        };
        let finished = engine.as_mut().poll(cx);
        if let Poll::Ready(report) = finished {
            self.engine = None;
            self.events.push(Event::Finished(report));
        }
        match self.events.pop() {
            Some(event) => Poll::Ready(Some(event)),
            None if self.engine.is_none() => Poll::Ready(None),
            None => Poll::Pending,
        }
    }
}

impl futures_core::Stream for ApplyRun {
    type Item = Event;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Event>> {
        self.get_mut().poll_event(cx)
    }
}

/// Carries out the journal's plan through `executor`.
pub fn apply<E: Executor>(executor: E, journal: Journal, options: ApplyOptions) -> ApplyRun {
    let events = Events::default();
    executor.attach(events.progress());
    // A torn journal may have lost more than its last record (a file cut short looks the
    // same): then no step is trusted to be unsent.
    let check_pending = journal.torn_record().is_some();
    let plan = journal.shared_plan();
    let steps = journal.states().len();
    let states = journal.states().to_vec();
    let engine = Arc::new(Engine {
        executor,
        plan,
        journal: Mutex::new(journal),
        events: events.clone(),
        options,
        check_pending,
        report: Mutex::new(Report {
            steps,
            ..Report::default()
        }),
    });
    ApplyRun {
        engine: Some(Box::pin(run(engine, states))),
        events,
        steps,
    }
}

struct Engine<E> {
    executor: E,
    plan: Arc<Plan>,
    journal: Mutex<Journal>,
    events: Events,
    options: ApplyOptions,
    /// Whether a step the journal calls never sent is checked first too.
    check_pending: bool,
    report: Mutex<Report>,
}

/// The steps of one class, with their states at the start of the run.
struct ClassWork {
    class_index: usize,
    steps: Vec<(StepId, StepState)>,
}

async fn run<E: Executor>(engine: Arc<Engine<E>>, states: Vec<StepState>) -> Report {
    let mut work: Vec<ClassWork> = Vec::new();
    for (step, state) in engine.plan.steps().zip(states) {
        match work.last_mut() {
            Some(class) if class.class_index == step.class_index => {
                class.steps.push((step.id, state))
            }
            _ => work.push(ClassWork {
                class_index: step.class_index,
                steps: vec![(step.id, state)],
            }),
        }
    }
    let limit = engine.options.concurrency;
    let classes = work.into_iter().map(|class| {
        let engine = Arc::clone(&engine);
        async move { engine.run_class(class).await }
    });
    Bounded::new(classes, limit).await;
    let mut report = lock(&engine.report).clone();
    report.failures.sort_by_key(|f| f.step);
    let mut journal = lock(&engine.journal);
    if report.aborted.is_none() && journal.remaining() == 0 {
        let done = report.steps - report.failed;
        if let Err(error) = journal.record(Record::Finished {
            done,
            failed: report.failed,
        }) {
            report.aborted = Some(error.to_string());
        }
    }
    report
}

/// What is known of an earlier attempt of a step when it is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Earlier {
    /// There was none: send it.
    None,
    /// It failed without taking effect: check, then send.
    NotApplied,
    /// It may have taken effect: check (an asynchronous create for a while), then send.
    Unknown,
}

/// What reading the state says about a step.
enum Check {
    /// Its effect is in place.
    InEffect,
    /// A create's notebook exists (with these members).
    Matched(ActualClass),
    /// Not in place: send it.
    Missing,
}

/// Why a step stopped without completing.
enum Stop {
    /// It failed; the failure is recorded and reported.
    Failed,
    /// The journal could not be written: the run stops.
    Journal,
}

impl<E: Executor> Engine<E> {
    fn class(&self, index: usize) -> &ClassPlan {
        &self.plan.classes[index]
    }

    fn aborted(&self) -> bool {
        lock(&self.report).aborted.is_some()
    }

    /// Records `record`; on failure stops the run and says so.
    fn record(&self, record: Record) -> Result<(), Stop> {
        let result = lock(&self.journal).record(record);
        result.map_err(|error| {
            let mut report = lock(&self.report);
            if report.aborted.is_none() {
                report.aborted = Some(error.to_string());
            }
            Stop::Journal
        })
    }

    async fn run_class(&self, work: ClassWork) {
        let class = self.class(work.class_index);
        // The class's steps are its changes, in order (both come from `Plan::steps`).
        for (change, (step, state)) in class.changes.iter().zip(work.steps) {
            if self.aborted() {
                return;
            }
            if let Err(Stop::Journal) = self.run_step(step, class, change, state).await {
                return;
            }
        }
    }

    async fn run_step(
        &self,
        step: StepId,
        class: &ClassPlan,
        change: &Change,
        state: StepState,
    ) -> Result<(), Stop> {
        match state {
            StepState::Done { how, .. } => {
                self.report_done(step, class, change, how, true);
                Ok(())
            }
            StepState::Failed {
                outcome: Outcome::Rejected,
                error,
                correlation_id,
            } => {
                let mut error = WriteError::new(
                    Outcome::Rejected,
                    format!("refused in an earlier run: {error}"),
                );
                error.correlation_id = correlation_id;
                self.report_failed(step, class, change, error);
                Ok(())
            }
            StepState::Accepted { location } => {
                self.finish_create(step, class, change, &location).await
            }
            StepState::Reconciling { notebook_id } => {
                match self.executor.class(&notebook_id).await {
                    Ok(Some(actual)) => self.reconcile(step, class, change, actual).await,
                    Ok(None) => self.fail(
                        step,
                        class,
                        change,
                        WriteError::new(
                            Outcome::Rejected,
                            format!(
                                "the matched notebook {notebook_id} no longer exists; plan again"
                            ),
                        ),
                    ),
                    Err(error) => self.fail(step, class, change, error),
                }
            }
            StepState::Pending if self.check_pending => {
                self.attempt(step, class, change, Earlier::Unknown).await
            }
            StepState::Pending => self.attempt(step, class, change, Earlier::None).await,
            StepState::Failed {
                outcome: Outcome::NotApplied,
                ..
            } => self.attempt(step, class, change, Earlier::NotApplied).await,
            StepState::Intended { .. } | StepState::Failed { .. } => {
                self.attempt(step, class, change, Earlier::Unknown).await
            }
        }
    }

    /// Sends the step's write, reading the state first when an earlier attempt may have
    /// worked (`earlier`).
    async fn attempt(
        &self,
        step: StepId,
        class: &ClassPlan,
        change: &Change,
        mut earlier: Earlier,
    ) -> Result<(), Stop> {
        let mut last = None;
        for attempt in 1..=self.options.max_attempts.max(1) {
            if earlier != Earlier::None {
                match self.check_earlier(class, change, earlier).await {
                    Ok(Check::InEffect) => {
                        return self.complete(step, class, change, Done::AlreadyInEffect, None);
                    }
                    Ok(Check::Matched(actual)) => {
                        return self.reconcile(step, class, change, actual).await;
                    }
                    Ok(Check::Missing) => {}
                    Err(error) => {
                        last = Some(error);
                        continue;
                    }
                }
            }
            self.record(Record::Intent { step, attempt })?;
            match self.send(class, change).await {
                Ok(Sent::Done(notebook_id)) => {
                    return self.complete(step, class, change, Done::Applied, notebook_id);
                }
                Ok(Sent::Accepted(location)) => {
                    self.record(Record::Accepted {
                        step,
                        location: location.clone(),
                    })?;
                    return self.finish_create(step, class, change, &location).await;
                }
                Err(error) => match error.outcome {
                    Outcome::Unknown => {
                        earlier = Earlier::Unknown;
                        last = Some(error);
                    }
                    // A refused write may be refused because its effect is already there
                    // (a member added by someone else, a notebook of that name).
                    Outcome::Rejected => {
                        return self.after_refusal(step, class, change, error).await;
                    }
                    Outcome::NotApplied => return self.fail(step, class, change, error),
                },
            }
        }
        let error =
            last.unwrap_or_else(|| WriteError::new(Outcome::Unknown, "no attempt was made"));
        self.fail(step, class, change, error)
    }

    /// Reads the state a step would change, after an earlier attempt. An asynchronous create
    /// whose answer was lost may have an operation still running, so its name is looked for
    /// again, at 1 s, 2 s, 4 s, … for up to [`ApplyOptions::lost_create_grace`], before it is
    /// called missing.
    async fn check_earlier(
        &self,
        class: &ClassPlan,
        change: &Change,
        earlier: Earlier,
    ) -> Result<Check, WriteError> {
        let lost_async_create = earlier == Earlier::Unknown
            && matches!(
                change,
                Change::Create {
                    respond_async: true,
                    ..
                }
            );
        let mut waited = Duration::ZERO;
        let mut next = Duration::from_secs(1);
        loop {
            let check = self.check(class, change).await?;
            let grace = self.options.lost_create_grace.saturating_sub(waited);
            if !matches!(check, Check::Missing) || !lost_async_create || grace.is_zero() {
                return Ok(check);
            }
            let pause = next.min(grace);
            self.executor.pause(pause).await;
            waited += pause;
            next = next.saturating_mul(2);
        }
    }

    /// Reads the state a step would change.
    async fn check(&self, class: &ClassPlan, change: &Change) -> Result<Check, WriteError> {
        match change {
            Change::Create { .. } => {
                let key = name_key(&class.notebook_name);
                let mut found: Vec<ActualClass> = self
                    .executor
                    .find(&class.notebook_name)
                    .await?
                    .into_iter()
                    .filter(|n| name_key(&n.name) == key)
                    .collect();
                match found.len() {
                    0 => Ok(Check::Missing),
                    1 => Ok(Check::Matched(found.remove(0))),
                    n => Err(WriteError::new(
                        Outcome::Rejected,
                        format!(
                            "{n} notebooks are now named {:?}; rename all but one and plan again",
                            class.notebook_name
                        ),
                    )),
                }
            }
            Change::Add { role, member } => {
                let actual = self.current(class).await?;
                Ok(if actual.has(*role, member.id.key()) {
                    Check::InEffect
                } else {
                    Check::Missing
                })
            }
            Change::Remove { role, principal } => {
                let actual = self.current(class).await?;
                Ok(
                    if actual.has(*role, &crate::upn::principal_key(&principal.id)) {
                        Check::Missing
                    } else {
                        Check::InEffect
                    },
                )
            }
        }
    }

    async fn current(&self, class: &ClassPlan) -> Result<ActualClass, WriteError> {
        let id = notebook_id(class)?;
        self.executor.class(id).await?.ok_or_else(|| {
            WriteError::new(
                Outcome::Rejected,
                format!("the notebook {id} no longer exists; plan again"),
            )
        })
    }

    async fn send(&self, class: &ClassPlan, change: &Change) -> Result<Sent, WriteError> {
        match change {
            Change::Create {
                teachers,
                students,
                student_sections,
                teacher_only_section_group,
                respond_async,
            } => {
                // The lists are "one or more" (001): an empty one is left out, not sent.
                let mut body = CreateClassNotebook::new(class.notebook_name.clone());
                if !teachers.is_empty() {
                    body = body.with_teachers(teachers.iter().map(Member::to_principal).collect());
                }
                if !students.is_empty() {
                    body = body.with_students(students.iter().map(Member::to_principal).collect());
                }
                if !student_sections.is_empty() {
                    body = body.with_student_sections(student_sections.clone());
                }
                if *teacher_only_section_group {
                    body = body.with_has_teacher_only_section_group(true);
                }
                if *respond_async {
                    self.executor.start_create(body).await.map(Sent::Accepted)
                } else {
                    self.executor
                        .create(body)
                        .await
                        .map(|id| Sent::Done(Some(id)))
                }
            }
            Change::Add { role, member } => {
                let id = notebook_id(class)?;
                self.executor
                    .add(id, *role, member)
                    .await
                    .map(|()| Sent::Done(None))
            }
            Change::Remove { role, principal } => {
                let id = notebook_id(class)?;
                self.executor
                    .remove(id, *role, &principal.id)
                    .await
                    .map(|()| Sent::Done(None))
            }
        }
    }

    /// Polls an accepted asynchronous create until the operation gives its final answer.
    ///
    /// A poll that fails without one (throttled past the client's retries, 5xx, the wait
    /// running out) leaves the create accepted: it is polled again, and after the last try
    /// the failure is recorded as unknown, which keeps the journal's `Location` for the resumed
    /// run. An operation that failed (or that the service no longer knows) did not create the
    /// notebook, but another request may have (a create whose 202 was lost, then sent again,
    /// fails with "name exists"): the name is checked before the step fails.
    async fn finish_create(
        &self,
        step: StepId,
        class: &ClassPlan,
        change: &Change,
        location: &str,
    ) -> Result<(), Stop> {
        let mut last = None;
        for _ in 0..self.options.max_attempts.max(1) {
            match self.executor.finish_create(location).await {
                Ok(notebook_id) => {
                    return self.complete(step, class, change, Done::Applied, notebook_id);
                }
                Err(error) if error.outcome == Outcome::Unknown => last = Some(error),
                Err(error) => return self.after_refusal(step, class, change, error).await,
            }
        }
        let mut error = last.unwrap_or_else(|| WriteError::new(Outcome::Unknown, "not polled"));
        error
            .message
            .push_str("; the operation stays accepted in the journal: a resumed run asks it again");
        self.fail(step, class, change, error)
    }

    /// A write the service refused, or a create whose operation failed: its effect may be in
    /// place anyway (a member someone else added, a notebook of that name), so the state is
    /// read before the step fails.
    async fn after_refusal(
        &self,
        step: StepId,
        class: &ClassPlan,
        change: &Change,
        error: WriteError,
    ) -> Result<(), Stop> {
        match self.check(class, change).await {
            Ok(Check::InEffect) => self.complete(step, class, change, Done::AlreadyInEffect, None),
            Ok(Check::Matched(actual)) => self.reconcile(step, class, change, actual).await,
            Ok(Check::Missing) | Err(_) => self.fail(step, class, change, error),
        }
    }

    /// A create found its notebook already there: adds the members it lacks (never removes).
    async fn reconcile(
        &self,
        step: StepId,
        class: &ClassPlan,
        change: &Change,
        mut actual: ActualClass,
    ) -> Result<(), Stop> {
        let Change::Create {
            teachers, students, ..
        } = change
        else {
            return self.fail(
                step,
                class,
                change,
                WriteError::new(Outcome::Rejected, "only a create can match a notebook"),
            );
        };
        self.record(Record::Reconcile {
            step,
            notebook_id: actual.id.clone(),
        })?;
        let mut last = None;
        for round in 0..self.options.max_attempts.max(1) {
            if round > 0 {
                match self.executor.class(&actual.id).await {
                    Ok(Some(now)) => actual = now,
                    Ok(None) => {
                        last = Some(WriteError::new(
                            Outcome::Rejected,
                            format!(
                                "the matched notebook {} no longer exists; plan again",
                                actual.id
                            ),
                        ));
                        break;
                    }
                    Err(error) => {
                        last = Some(error);
                        continue;
                    }
                }
            }
            let missing: Vec<(Role, &Member)> =
                [(Role::Teacher, teachers), (Role::Student, students)]
                    .into_iter()
                    .flat_map(|(role, members)| members.iter().map(move |m| (role, m)))
                    .filter(|(role, member)| !actual.has(*role, member.id.key()))
                    .collect();
            if missing.is_empty() {
                let id = Some(actual.id.clone());
                return self.complete(step, class, change, Done::MatchedExisting, id);
            }
            let mut failed = false;
            for (role, member) in missing {
                if let Err(error) = self.executor.add(&actual.id, role, member).await {
                    failed = true;
                    last = Some(error);
                }
            }
            if !failed {
                let id = Some(actual.id.clone());
                return self.complete(step, class, change, Done::MatchedExisting, id);
            }
        }
        let error = last.unwrap_or_else(|| {
            WriteError::new(Outcome::Unknown, "the matched notebook disappeared")
        });
        self.fail(step, class, change, error)
    }

    fn complete(
        &self,
        step: StepId,
        class: &ClassPlan,
        change: &Change,
        how: Done,
        notebook_id: Option<String>,
    ) -> Result<(), Stop> {
        self.record(Record::Done {
            step,
            how,
            notebook_id,
        })?;
        self.report_done(step, class, change, how, false);
        Ok(())
    }

    fn fail(
        &self,
        step: StepId,
        class: &ClassPlan,
        change: &Change,
        error: WriteError,
    ) -> Result<(), Stop> {
        self.record(Record::Failed {
            step,
            outcome: error.outcome,
            error: error.to_string(),
            correlation_id: error.correlation_id.clone(),
        })?;
        self.report_failed(step, class, change, error);
        Err(Stop::Failed)
    }

    fn report_done(
        &self,
        step: StepId,
        class: &ClassPlan,
        change: &Change,
        how: Done,
        earlier: bool,
    ) {
        {
            let mut report = lock(&self.report);
            match (earlier, how) {
                (true, _) => report.done_earlier += 1,
                (false, Done::Applied) => report.applied += 1,
                (false, Done::AlreadyInEffect) => report.already_in_effect += 1,
                (false, Done::MatchedExisting) => report.matched_existing += 1,
            }
        }
        self.events.push(Event::Done {
            step,
            notebook: class.notebook_name.clone(),
            change: change.clone(),
            how,
            earlier_run: earlier,
        });
    }

    fn report_failed(&self, step: StepId, class: &ClassPlan, change: &Change, error: WriteError) {
        {
            let mut report = lock(&self.report);
            report.failed += 1;
            report.failures.push(Failure {
                step,
                notebook: class.notebook_name.clone(),
                change: change.describe(),
                outcome: error.outcome,
                error: error.to_string(),
                correlation_id: error.correlation_id.clone(),
            });
        }
        self.events.push(Event::Failed {
            step,
            notebook: class.notebook_name.clone(),
            change: change.clone(),
            error,
        });
    }
}

/// What a sent write gave back.
enum Sent {
    /// Complete; a create's notebook id.
    Done(Option<String>),
    /// An asynchronous create was accepted: poll this `Location`.
    Accepted(String),
}

fn notebook_id(class: &ClassPlan) -> Result<&str, WriteError> {
    class.notebook_id.as_deref().ok_or_else(|| {
        WriteError::new(
            Outcome::Rejected,
            format!(
                "the plan changes members of {:?} but has no notebook id for it",
                class.notebook_name
            ),
        )
    })
}
