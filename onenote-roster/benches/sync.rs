//! Roster sync throughput: enrolments applied per minute against the fake OneNote enforcing
//! OneNote's documented limits for a delegated token (120 requests a minute, 400 an hour, 5 at
//! once, per user), as a share of the quota, and the 429s it took (`cargo bench -p
//! onenote-roster --bench sync`; `cargo xtask bench` runs it).
//!
//! Time is virtual, not scaled: the fake and the client share one `ManualClock`, so the
//! client's pacing waits move the clock instead of sleeping and requests take no virtual time.
//! The limits are the real ones. The school: 40 classes of 30 students whose notebooks exist
//! with their teacher and no student yet (the start of a term): 1 200 adds, one enrolment per
//! request, which at 400 an hour take just over two hours. The ratio is the enrolments applied
//! in the second hour over the 400 the hour limit allows (the first hour's burst is shaped by
//! the minute limit too); the goal is ≥ 0.9 with no 429.
//!
//! Prints a table and one JSON line (`{"bench":"roster_sync",…}`) for `cargo xtask bench`.

#[path = "../tests/support/school.rs"]
mod school;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use onenote_fake::{FakeOneNote, ManualClock, Throttling};
use onenote_roster::{
    Actual, ApplyOptions, ClientExecutor, Event, Guard, Journal, PlanOptions, apply, plan,
};

const CLASSES: usize = 40;
const STUDENTS: usize = 30;
const HOUR: Duration = Duration::from_secs(3600);
const PER_HOUR: f64 = 400.0;

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("cannot start the runtime: {e}"));
    runtime.block_on(run());
}

async fn run() {
    let clock = ManualClock::new();
    let fake = FakeOneNote::builder()
        .tenant(school::term_start(CLASSES, STUDENTS))
        .clock(clock.clone())
        .throttling(Throttling::onenote())
        .journal_capacity(10_000)
        .start()
        .await
        .unwrap_or_else(|e| panic!("cannot start the fake: {e}"));
    let client = fake
        .client_for(school::ACCOUNT)
        .unwrap_or_else(|e| panic!("cannot build the client: {e}"));
    let roster = school::roster(CLASSES, STUDENTS);
    let wall = Instant::now();
    let actual = Actual::read(&client.me())
        .await
        .unwrap_or_else(|e| panic!("cannot read the state: {e}"));
    let plan = plan(&roster, &actual, &PlanOptions::default());
    let path =
        std::env::temp_dir().join(format!("roster-sync-bench-{}.journal", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let journal = Journal::create(
        &path,
        Guard::default()
            .approve(plan)
            .unwrap_or_else(|e| panic!("{e}")),
    )
    .unwrap_or_else(|e| panic!("cannot write the journal: {e}"))
    .sync_each_record(false);
    let started = clock.elapsed();
    let mut run = apply(
        ClientExecutor::new(client.me()),
        journal,
        ApplyOptions::default(),
    );
    let done_at = Arc::new(Mutex::new(Vec::new()));
    let mut waits = 0;
    let mut report = None;
    while let Some(event) = run.next_event().await {
        match event {
            Event::Done { .. } => done_at
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(clock.elapsed() - started),
            Event::WaitingForQuota { .. } => waits += 1,
            Event::Finished(finished) => report = Some(finished),
            Event::Failed { .. } => {}
        }
    }
    let _ = std::fs::remove_file(&path);
    let report = report.unwrap_or_else(|| panic!("the run ended without a report"));
    let wall = wall.elapsed();
    let virtual_time = clock.elapsed() - started;
    let journal = fake.journal();
    let throttled = journal.iter().filter(|e| e.status == Some(429)).count();
    let done_at = done_at.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let second_hour = done_at
        .iter()
        .filter(|at| **at >= HOUR && **at < 2 * HOUR)
        .count();
    let ratio = second_hour as f64 / PER_HOUR;
    let per_minute = second_hour as f64 / 60.0;

    println!(
        "roster sync: {CLASSES} classes × {STUDENTS} students, one add per enrolment, against the \
         fake enforcing 120/min, 400/h, 5 at once (virtual time: a ManualClock shared by the fake \
         and the client)"
    );
    println!();
    println!(
        "{:>11} {:>7} {:>10} {:>6} {:>14} {:>7} {:>10} {:>8}",
        "enrolments", "failed", "throttled", "waits", "2nd hour/min", "ratio", "virtual", "wall"
    );
    println!(
        "{:>11} {:>7} {:>10} {:>6} {:>14.2} {:>7.3} {:>9.0}s {:>7.2}s",
        report.applied,
        report.failed,
        throttled,
        waits,
        per_minute,
        ratio,
        virtual_time.as_secs_f64(),
        wall.as_secs_f64()
    );
    println!("(the quota: 400 an hour, {:.2} a minute)", PER_HOUR / 60.0);
    println!();
    println!(
        "{{\"bench\":\"roster_sync\",\"enrolments\":{},\"failed\":{},\"throttled\":{throttled},\"waits\":{waits},\"per_minute\":{per_minute:.3},\"quota_per_minute\":{:.3},\"ratio\":{ratio:.4},\"virtual_s\":{:.1},\"wall_s\":{:.3}}}",
        report.applied,
        report.failed,
        PER_HOUR / 60.0,
        virtual_time.as_secs_f64(),
        wall.as_secs_f64()
    );
    fake.shutdown().await;
}
