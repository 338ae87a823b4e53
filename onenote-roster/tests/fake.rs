//! The sync end to end against the in-process fake OneNote (`onenote-fake`): a school of 200
//! classes of 30 students converges from empty and from last term's drifted notebooks; with 5%
//! of requests failing (5xx, dropped connections, before and after the fake acted) the result is
//! the same and the fake's journal shows no write that took effect twice; a run killed at seeded
//! random points and resumed converges the same way; an asynchronous create is resumed from
//! the `Location` its journal kept; and the guard stops a truncated export before any write.
//!
//! The fake and the clients share a `ManualClock`: the client's pacing and back-off waits move
//! the clock instead of sleeping, so an hour of OneNote's limits takes no wall time.

mod support {
    pub mod school;
    pub mod temp_journal;
}

#[path = "kill/mod.rs"]
mod kill;

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use onenote_api::{CreateClassNotebook, Me};
use onenote_fake::{
    AsyncPace, FakeOneNote, Fault, FaultPlan, FaultRule, JournalEntry, ManualClock, Tenant,
};
use onenote_roster::{
    Actual, ActualClass, ApplyOptions, ClientExecutor, Done, Event, Executor, Guard, Journal,
    Member, PlanOptions, PlanSource, Progress, Report, Role, Roster, StepState, WriteError, apply,
    plan,
};
use support::school::{self, ACCOUNT};
use support::temp_journal::TempJournal;
use tokio::sync::Notify;

const CLASSES: usize = 200;
const STUDENTS: usize = 30;

// ---------------------------------------------------------------------------------------------
// The fake, the run, and what must hold after it.

async fn fake(tenant: Tenant, faults: Vec<FaultRule>) -> FakeOneNote {
    FakeOneNote::builder()
        .tenant(tenant)
        .clock(ManualClock::new())
        .faults(FaultPlan {
            seed: 2027,
            rules: faults,
            ..FaultPlan::default()
        })
        .journal_capacity(200_000)
        .start()
        .await
        .unwrap()
}

/// A fresh executor, as a new process would make: its own client and pacer, the fake's clock.
fn executor(fake: &FakeOneNote) -> ClientExecutor<Me> {
    let client = fake.client_builder_for(ACCOUNT).build().unwrap();
    ClientExecutor::new(client.me())
}

/// Reads the state, plans, and writes the journal of the approved plan.
async fn planned(fake: &FakeOneNote, roster: &Roster, journal: &TempJournal) -> Journal {
    let client = fake.client_builder_for(ACCOUNT).build().unwrap();
    let actual = Actual::read(&client.me()).await.unwrap();
    let plan = plan(roster, &actual, &PlanOptions::default());
    let approved = Guard::default().approve(plan).unwrap();
    Journal::create(&journal.0, approved)
        .unwrap()
        .sync_each_record(false)
}

/// What `roster` is planned from, with the default options.
fn source(roster: &Roster) -> PlanSource {
    PlanSource::of(roster, &PlanOptions::default())
}

async fn run_to_end<E: Executor>(executor: E, journal: Journal) -> Report {
    apply(executor, journal, ApplyOptions::default())
        .report()
        .await
}

/// The fake's class notebooks hold exactly the roster's classes and members.
fn assert_converged(fake: &FakeOneNote, roster: &Roster) {
    let state = fake.state();
    let mut by_name: BTreeMap<String, Vec<_>> = BTreeMap::new();
    for notebook in state.notebooks() {
        if let Some(class) = &notebook.class {
            by_name
                .entry(notebook.name.to_lowercase())
                .or_default()
                .push(class);
        }
    }
    assert_eq!(by_name.len(), roster.classes().len(), "class notebooks");
    let ids = |members: &[onenote_fake::Member]| -> BTreeSet<String> {
        members.iter().map(|m| m.id.to_lowercase()).collect()
    };
    let keys = |members: &[Member]| -> BTreeSet<String> {
        members.iter().map(|m| m.id.key().to_owned()).collect()
    };
    for class in roster.classes() {
        let name = class.notebook_name();
        let found = &by_name[&name.to_lowercase()];
        assert_eq!(found.len(), 1, "{} notebooks named {name:?}", found.len());
        assert_eq!(ids(&found[0].teachers), keys(class.teachers()), "{name}");
        assert_eq!(ids(&found[0].students), keys(class.students()), "{name}");
    }
}

/// What a write changes, for counting repeats: the create's name, or the member and notebook.
fn write_key(entry: &JournalEntry) -> Option<String> {
    let body = || entry.body_json().unwrap_or_default();
    match entry.operation? {
        "createClassNotebook" => Some(format!("create {}", body()["name"])),
        op @ ("addStudent" | "addTeacher") => Some(format!(
            "{op} {} {}",
            entry.path,
            body()["id"].as_str().unwrap_or_default().to_lowercase()
        )),
        op @ ("removeStudent" | "removeTeacher") => {
            Some(format!("{op} {}", entry.path.to_lowercase()))
        }
        _ => None,
    }
}

/// Whether the fake acted on the request: answered 2xx, or failed it only after acting.
fn took_effect(entry: &JournalEntry) -> bool {
    entry.status.is_some_and(|s| (200..300).contains(&s))
        || entry
            .fault
            .as_deref()
            .is_some_and(|f| f.ends_with("after processing"))
}

/// Every write that took effect did so once; returns how many took effect.
fn assert_no_duplicate_write(fake: &FakeOneNote) -> usize {
    assert_eq!(fake.journal_dropped(), 0, "raise the journal capacity");
    let mut effective: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for entry in fake.journal().iter().filter(|e| took_effect(e)) {
        if let Some(key) = write_key(entry) {
            effective.entry(key).or_default().push(entry.seq);
        }
    }
    let repeated: Vec<_> = effective
        .iter()
        .filter(|(_, seqs)| seqs.len() > 1)
        .collect();
    assert!(
        repeated.is_empty(),
        "writes that took effect twice: {repeated:?}"
    );
    effective.len()
}

/// 5% of requests fail: 5xx and dropped connections, before and after the fake acted. (A 503
/// after acting is what a gateway sends; the client repeats a write only on a 429 or a busy
/// code, so the engine reads before it sends one again.)
fn five_percent_faults() -> Vec<FaultRule> {
    vec![
        FaultRule::new(Fault::Status(500)).rate(1.0),
        FaultRule::new(Fault::Status(503))
            .rate(1.0)
            .after_processing(),
        FaultRule::new(Fault::Status(503)).rate(1.0),
        FaultRule::new(Fault::DropConnection).rate(1.0),
        FaultRule::new(Fault::DropConnection)
            .rate(1.0)
            .after_processing(),
    ]
}

// ---------------------------------------------------------------------------------------------
// Killing a run: an executor that stops answering at a chosen call.

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kill {
    /// The process dies before the request is sent.
    Before,
    /// The request is answered, then the process dies.
    After,
}

/// `ClientExecutor` that "dies" at call `at`: that call and every later one never return, and
/// the test drops the run (every request in flight with it).
struct Killable {
    inner: ClientExecutor<Me>,
    at: usize,
    how: Kill,
    calls: AtomicUsize,
    dead: AtomicBool,
    killed: Arc<Notify>,
}

impl Killable {
    fn new(inner: ClientExecutor<Me>, at: usize, how: Kill) -> Self {
        Self {
            inner,
            at,
            how,
            calls: AtomicUsize::new(0),
            dead: AtomicBool::new(false),
            killed: Arc::new(Notify::new()),
        }
    }

    async fn call<T>(&self, request: impl Future<Output = T>) -> T {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        if self.dead.load(Ordering::SeqCst) || (n == self.at && self.how == Kill::Before) {
            self.die().await
        }
        let answer = request.await;
        if n == self.at {
            self.die().await
        }
        answer
    }

    async fn die<T>(&self) -> T {
        self.dead.store(true, Ordering::SeqCst);
        self.killed.notify_one();
        std::future::pending().await
    }
}

impl Executor for Killable {
    fn create(
        &self,
        body: CreateClassNotebook,
    ) -> impl Future<Output = Result<String, WriteError>> + Send {
        self.call(self.inner.create(body))
    }

    fn start_create(
        &self,
        body: CreateClassNotebook,
    ) -> impl Future<Output = Result<String, WriteError>> + Send {
        self.call(self.inner.start_create(body))
    }

    fn finish_create(
        &self,
        location: &str,
    ) -> impl Future<Output = Result<Option<String>, WriteError>> + Send {
        self.call(self.inner.finish_create(location))
    }

    fn add(
        &self,
        notebook_id: &str,
        role: Role,
        member: &Member,
    ) -> impl Future<Output = Result<(), WriteError>> + Send {
        self.call(self.inner.add(notebook_id, role, member))
    }

    fn remove(
        &self,
        notebook_id: &str,
        role: Role,
        principal_id: &str,
    ) -> impl Future<Output = Result<(), WriteError>> + Send {
        self.call(self.inner.remove(notebook_id, role, principal_id))
    }

    fn class(
        &self,
        notebook_id: &str,
    ) -> impl Future<Output = Result<Option<ActualClass>, WriteError>> + Send {
        self.call(self.inner.class(notebook_id))
    }

    fn find(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Vec<ActualClass>, WriteError>> + Send {
        self.call(self.inner.find(name))
    }

    fn attach(&self, progress: Progress) {
        self.inner.attach(progress);
    }
}

/// Runs until the executor dies (`None`) or the run finishes.
async fn run_until_killed(executor: Killable, journal: Journal) -> Option<Report> {
    let killed = Arc::clone(&executor.killed);
    let mut run = apply(executor, journal, ApplyOptions::default());
    loop {
        tokio::select! {
            biased;
            () = killed.notified() => return None,
            event = run.next_event() => match event {
                Some(Event::Finished(report)) => return Some(report),
                Some(_) => {}
                None => return None,
            },
        }
    }
}

/// Waits until the fake has answered every request that reached it (requests of a dropped run
/// may still be on their way).
async fn settle(fake: &FakeOneNote) {
    let mut seen = fake.journal().len();
    loop {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let now = fake.journal().len();
        if now == seen {
            return;
        }
        seen = now;
    }
}

/// A seeded xorshift, so the kill points are the same every run.
struct Seeded(u64);

impl Seeded {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

// ---------------------------------------------------------------------------------------------
// Tests.

#[tokio::test]
async fn a_school_converges_from_empty_with_one_create_per_class() {
    let roster = school::roster(CLASSES, STUDENTS);
    let fake = fake(school::empty(&roster), Vec::new()).await;
    let journal = TempJournal::new("empty");
    let report = run_to_end(executor(&fake), planned(&fake, &roster, &journal).await).await;
    assert!(report.is_complete(), "{report}");
    assert_eq!(report.applied, CLASSES);
    assert_converged(&fake, &roster);
    assert_eq!(assert_no_duplicate_write(&fake), CLASSES);
}

#[tokio::test]
async fn a_drifted_school_converges_with_only_the_difference_sent() {
    let roster = school::roster(CLASSES, STUDENTS);
    let fake = fake(school::drifted(CLASSES, STUDENTS), Vec::new()).await;
    let journal = TempJournal::new("drifted");
    let report = run_to_end(executor(&fake), planned(&fake, &roster, &journal).await).await;
    assert!(report.is_complete(), "{report}");
    // 180 existing classes: two adds and one remove each; 20 creates.
    assert_eq!(report.applied, 180 * 3 + 20);
    assert_converged(&fake, &roster);
    assert_eq!(assert_no_duplicate_write(&fake), 180 * 3 + 20);
    // A second sync finds nothing to do.
    let again = planned(&fake, &roster, &TempJournal::new("drifted-again")).await;
    assert_eq!(again.states().len(), 0);
}

#[tokio::test]
async fn with_five_percent_of_requests_failing_the_result_is_the_same_and_no_write_repeats() {
    let roster = school::roster(CLASSES, STUDENTS);
    let fake = fake(school::drifted(CLASSES, STUDENTS), five_percent_faults()).await;
    let journal = TempJournal::new("faults");
    let report = run_to_end(executor(&fake), planned(&fake, &roster, &journal).await).await;
    let requests = fake.journal().len();
    let faults = fake.journal().iter().filter(|e| e.fault.is_some()).count();
    assert!(
        faults * 100 >= requests * 3,
        "only {faults} faults in {requests} requests"
    );
    assert!(report.is_complete(), "{report}");
    assert_converged(&fake, &roster);
    assert_eq!(assert_no_duplicate_write(&fake), 180 * 3 + 20);
}

#[tokio::test]
async fn a_run_killed_at_random_points_and_resumed_converges_with_no_duplicate() {
    let roster = school::roster(CLASSES, STUDENTS);
    let fake = fake(school::drifted(CLASSES, STUDENTS), Vec::new()).await;
    let journal = TempJournal::new("killed");
    let mut next = Some(planned(&fake, &roster, &journal).await);
    let mut seeded = Seeded(0x5EED_2027);
    let mut kills = 0;
    let report = loop {
        let resumed = next.take().unwrap_or_else(|| {
            Journal::resume(&journal.0, &source(&roster))
                .unwrap()
                .sync_each_record(false)
        });
        if kills == 6 {
            break run_to_end(executor(&fake), resumed).await;
        }
        let how = if seeded.below(2) == 0 {
            Kill::Before
        } else {
            Kill::After
        };
        let at = seeded.below(150);
        let killable = Killable::new(executor(&fake), at, how);
        match run_until_killed(killable, resumed).await {
            Some(report) => break report,
            None => {
                kills += 1;
                settle(&fake).await;
            }
        }
    };
    assert_eq!(kills, 6, "every run but the last was killed");
    assert!(report.is_complete(), "{report}");
    assert!(report.done_earlier > 0, "{report}");
    assert_converged(&fake, &roster);
    assert_eq!(assert_no_duplicate_write(&fake), 180 * 3 + 20);
}

#[tokio::test]
async fn an_asynchronous_create_killed_after_acceptance_is_finished_from_its_location() {
    // 60 students: the plan creates it with Prefer: respond-async.
    let roster = school::roster(1, 60);
    let fake = FakeOneNote::builder()
        .tenant(school::empty(&roster))
        .clock(ManualClock::new())
        .async_pace(AsyncPace::Polls {
            not_started: 1,
            running: 2,
        })
        .start()
        .await
        .unwrap();
    let journal = TempJournal::new("async");
    // Call 0 is the create; the process dies when it would start polling (call 1), so the
    // journal holds the accepted create and its Location.
    let killable = Killable::new(executor(&fake), 1, Kill::Before);
    let first = planned(&fake, &roster, &journal).await;
    assert!(run_until_killed(killable, first).await.is_none());
    let resumed = Journal::resume(&journal.0, &source(&roster)).unwrap();
    let StepState::Accepted { location } = resumed.states()[0].clone() else {
        panic!("expected an accepted create: {:?}", resumed.states());
    };
    assert!(
        location.starts_with(&format!("{}/v1.0/me/notes/operations/", fake.base_url())),
        "{location}"
    );
    let report = run_to_end(executor(&fake), resumed.sync_each_record(false)).await;
    assert!(report.is_complete(), "{report}");
    assert_eq!(report.applied, 1);
    assert_converged(&fake, &roster);
    let journal = fake.journal();
    let creates = journal
        .iter()
        .filter(|e| e.operation == Some("createClassNotebook"))
        .count();
    assert_eq!(creates, 1);
    let polls: Vec<_> = journal
        .iter()
        .filter(|e| location.ends_with(&e.path))
        .map(|e| e.status)
        .collect();
    // Three polls before it completes (notStarted, running, running), all after the restart.
    assert_eq!(polls, vec![Some(200); 4]);
}

#[tokio::test]
async fn the_guard_stops_a_truncated_export_before_any_write() {
    let roster = school::roster(CLASSES, STUDENTS);
    let fake = fake(school::drifted(CLASSES, STUDENTS), Vec::new()).await;
    // The export stopped a third of the way through: later classes lost all their students.
    let truncated = Roster::builder()
        .classes((0..CLASSES).map(|c| {
            let class = onenote_roster::ClassSpec::new(format!("C-{c}"), school::notebook_name(c))
                .teacher(school::teacher(c));
            if c < CLASSES / 3 {
                class.students((0..STUDENTS).map(|n| school::student(c, n)))
            } else {
                class
            }
        }))
        .build()
        .unwrap();
    assert_eq!(truncated.classes().len(), roster.classes().len());
    let client = fake.client_builder_for(ACCOUNT).build().unwrap();
    let actual = Actual::read(&client.me()).await.unwrap();
    let refusal = Guard::default()
        .approve(plan(&truncated, &actual, &PlanOptions::default()))
        .unwrap_err();
    let text = refusal.to_string();
    // The teacher stays; 28 students of the roster and the one who left would go.
    assert!(
        text.contains("\"Class 0066\" [class C-66]: removes 29 of 30 members (97%"),
        "{text}"
    );
    let emptied = (CLASSES / 3..CLASSES).filter(|c| c % 10 != 9).count();
    assert_eq!(text.matches(": removes 29 of 30 members").count(), emptied);
    assert!(
        fake.journal().iter().all(|e| e.method == "GET"),
        "only reads were sent"
    );
}

// ---------------------------------------------------------------------------------------------
// Issue 24: accepted operations are kept, and a lost 202 is matched by name.

fn creates(fake: &FakeOneNote) -> usize {
    fake.journal()
        .iter()
        .filter(|e| e.operation == Some("createClassNotebook"))
        .count()
}

/// Issue 24, item 2: when polling an accepted create failed past the retries (429), the
/// journal recorded the step as failed and forgot its `Location`; the resume created it again.
#[tokio::test]
async fn a_create_whose_polls_are_throttled_stays_accepted_and_is_polled_again() {
    // 60 students: the plan creates it with Prefer: respond-async.
    let roster = school::roster(1, 60);
    let fake = fake(
        school::empty(&roster),
        vec![
            FaultRule::new(Fault::Status(429))
                .operation("getOperation")
                .times(1_000),
        ],
    )
    .await;
    let journal = TempJournal::new("throttled-polls");
    let first = run_to_end(executor(&fake), planned(&fake, &roster, &journal).await).await;
    assert_eq!(first.failed, 1, "{first}");
    assert!(
        first.failures[0]
            .error
            .ends_with("the operation stays accepted in the journal: a resumed run asks it again"),
        "{first}"
    );
    let resumed = Journal::resume(&journal.0, &source(&roster)).unwrap();
    let StepState::Accepted { location } = resumed.states()[0].clone() else {
        panic!(
            "expected the create to stay accepted: {:?}",
            resumed.states()
        );
    };
    assert!(!resumed.is_finished());

    fake.clear_faults();
    let report = run_to_end(executor(&fake), resumed.sync_each_record(false)).await;
    assert!(report.is_complete(), "{report}");
    assert_eq!(report.applied, 1);
    assert_converged(&fake, &roster);
    assert_eq!(creates(&fake), 1, "the create was sent once");
    let answered_polls = fake
        .journal()
        .iter()
        .filter(|e| location.ends_with(&e.path) && e.status == Some(200))
        .count();
    assert!(answered_polls >= 1);
}

/// A fake whose operations complete by time (1 s not started, 1 s running), on `clock`.
async fn timed_fake(roster: &Roster, clock: &ManualClock) -> FakeOneNote {
    FakeOneNote::builder()
        .tenant(school::empty(roster))
        .clock(clock.clone())
        .async_pace(AsyncPace::Time {
            not_started: Duration::from_secs(1),
            running: Duration::from_secs(1),
        })
        .start()
        .await
        .unwrap()
}

/// Runs the plan of `roster` until the process "dies" right after the create's 202, before the
/// journal keeps its `Location`; returns the journal, its one step `Intended`.
async fn killed_after_the_202(
    fake: &FakeOneNote,
    roster: &Roster,
    journal: &TempJournal,
) -> Journal {
    let killable = Killable::new(executor(fake), 0, Kill::After);
    let first = planned(fake, roster, journal).await;
    assert!(run_until_killed(killable, first).await.is_none());
    let resumed = Journal::resume(&journal.0, &source(roster)).unwrap();
    assert_eq!(resumed.states()[0], StepState::Intended { attempt: 1 });
    resumed.sync_each_record(false)
}

/// A resume while the lost create's operation still runs looks for its notebook again, on the
/// executor's clock, instead of sending the create again.
#[tokio::test]
async fn a_create_whose_202_was_lost_is_found_by_name_once_its_operation_completes() {
    let roster = school::roster(1, 60);
    let clock = ManualClock::new();
    let fake = timed_fake(&roster, &clock).await;
    let journal = TempJournal::new("lost-202-found");
    let resumed = killed_after_the_202(&fake, &roster, &journal).await;
    // The resume starts while the operation still runs (it completes 2 s after acceptance).
    clock.advance(Duration::from_millis(500));
    let report = apply(
        executor(&fake).clock(clock.clone()),
        resumed,
        ApplyOptions::default(),
    )
    .report()
    .await;
    assert!(report.is_complete(), "{report}");
    assert_eq!(report.matched_existing, 1, "{report}");
    assert_converged(&fake, &roster);
    assert_eq!(creates(&fake), 1, "the create was sent once");
    // Looked for at once, then after 1 s and 2 s: found when the operation had completed.
    let looks = fake
        .journal()
        .iter()
        .filter(|e| e.operation == Some("listClassNotebooks"))
        .count();
    assert_eq!(looks, 1 + 3, "the plan's read, then three looks");
}

/// Issue 24, item 3: killed between a 202 and the journal's record of it, the resume sent the
/// create again; when the first operation made the notebook first, the second failed with
/// 20117, and the step failed instead of matching the notebook by name. (With no grace, as
/// when the operation outlasts it.)
#[tokio::test]
async fn an_asynchronous_create_that_fails_because_the_name_exists_matches_by_name() {
    let roster = school::roster(1, 60);
    let clock = ManualClock::new();
    let fake = timed_fake(&roster, &clock).await;
    let journal = TempJournal::new("lost-202");
    let resumed = killed_after_the_202(&fake, &roster, &journal).await;
    // The resume starts while the first operation still runs: its name check finds nothing.
    clock.advance(Duration::from_millis(1_500));
    let impatient = ApplyOptions {
        lost_create_grace: Duration::ZERO,
        ..ApplyOptions::default()
    };
    let report = apply(executor(&fake), resumed, impatient).report().await;
    assert!(report.is_complete(), "{report}");
    assert_eq!(report.matched_existing, 1, "{report}");
    assert_converged(&fake, &roster);
    assert_eq!(
        creates(&fake),
        2,
        "with no grace the lost 202 costs one create"
    );
    let failed_operation = fake
        .state()
        .operations()
        .any(|o| o.error.as_ref().is_some_and(|e| e["code"] == "20117"));
    assert!(failed_operation, "the second operation failed with 20117");
    let journal = Journal::resume(&journal.0, &source(&roster)).unwrap();
    assert!(matches!(
        journal.states()[0],
        StepState::Done {
            how: Done::MatchedExisting,
            ..
        }
    ));
}
