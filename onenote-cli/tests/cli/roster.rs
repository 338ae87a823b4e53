//! `onenote roster plan` and `roster apply` on the sample School Data Sync export: the dry
//! run sends no write, apply converges, and a `kill -9` in the middle of apply followed by the
//! same command again converges with no write taking effect twice in the fake's journal.

#[path = "../../../onenote-roster/tests/support/tenant.rs"]
mod tenant;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use onenote_fake::{FakeOneNote, Fault, FaultRule};
use onenote_roster::Roster;
use onenote_roster::sds::{self, SdsOptions};

use crate::harness::{ConfigDir, Run, builder, command, finish, onenote_as, output, spawn};

const ACCOUNT: &str = "sds-sync@fabrikam.edu";

fn sample() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/../onenote-roster/sample/sds").to_owned()
}

fn roster() -> Roster {
    sds::load_folder(sample(), &SdsOptions::default())
        .expect("the sample loads")
        .roster
}

async fn fake_for(roster: &Roster) -> FakeOneNote {
    builder()
        .tenant(tenant::tenant_for(roster, "fabrikam.edu", ACCOUNT))
        .journal_capacity(100_000)
        .start()
        .await
        .unwrap()
}

async fn roster_cli(fake: &FakeOneNote, args: &[&str]) -> Run {
    onenote_as(fake, ACCOUNT, args).await
}

/// Each class of the roster is one notebook of the account, with exactly its members.
fn assert_converged(fake: &FakeOneNote, roster: &Roster) {
    let state = fake.state();
    for class in roster.classes() {
        let named: Vec<_> = state
            .notebooks()
            .filter(|n| n.name == class.notebook_name())
            .collect();
        assert_eq!(named.len(), 1, "{}: {named:?}", class.notebook_name());
        let info = named[0].class.as_ref().expect("a class notebook");
        let mut students: Vec<String> = info.students.iter().map(|m| m.id.to_lowercase()).collect();
        students.sort();
        let mut expected: Vec<String> = class
            .students()
            .iter()
            .map(|m| m.id.as_str().to_lowercase())
            .collect();
        expected.sort();
        assert_eq!(students, expected, "{}", class.notebook_name());
    }
}

/// Writes that took effect (2xx) more than once: the same create, or the same member added
/// or removed twice.
fn duplicate_writes(fake: &FakeOneNote) -> Vec<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for entry in fake.journal() {
        if entry.method == "GET" || !entry.status.is_some_and(|s| (200..300).contains(&s)) {
            continue;
        }
        let key = match entry.operation {
            Some("createClassNotebook") => format!(
                "create {}",
                entry
                    .body_json()
                    .map(|b| b["name"].to_string())
                    .unwrap_or_default()
            ),
            Some("addStudent" | "addTeacher") => format!(
                "{} {}",
                entry.path,
                entry
                    .body_json()
                    .map(|b| b["id"].to_string())
                    .unwrap_or_default()
            ),
            _ => format!("{} {}", entry.method, entry.path),
        };
        *seen.entry(key.to_lowercase()).or_default() += 1;
    }
    seen.into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(key, n)| format!("{key}: {n} times"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_prints_the_dry_run_and_sends_no_write() {
    let roster = roster();
    let fake = fake_for(&roster).await;
    let text = roster_cli(&fake, &["roster", "plan", &sample()]).await.ok();
    for class in roster.classes() {
        assert!(text.stdout.contains(class.notebook_name()), "{text:?}");
    }
    let json = roster_cli(&fake, &["roster", "plan", &sample(), "--json"])
        .await
        .ok()
        .object();
    assert_eq!(
        json["classes"].as_array().map(Vec::len),
        Some(roster.classes().len()),
        "{json}"
    );
    assert!(fake.journal().iter().all(|e| e.method == "GET"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_converges_and_the_same_command_again_sends_nothing() {
    let roster = roster();
    let fake = fake_for(&roster).await;
    let journal = ConfigDir::new("roster-apply");
    let path = journal.0.join("run.journal");
    let args = [
        "roster",
        "apply",
        &sample(),
        "--journal",
        path.to_str().unwrap(),
    ];
    roster_cli(&fake, &args).await.ok();
    assert_converged(&fake, &roster);
    let writes = fake.journal().iter().filter(|e| e.method != "GET").count();
    let again = roster_cli(&fake, &args).await.ok();
    assert!(again.stderr.contains("0 of"), "{again:?}");
    assert_eq!(
        fake.journal().iter().filter(|e| e.method != "GET").count(),
        writes
    );
    assert!(
        duplicate_writes(&fake).is_empty(),
        "{:?}",
        duplicate_writes(&fake)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_9_during_apply_then_the_same_command_converges_without_a_duplicate_write() {
    let roster = roster();
    let fake = fake_for(&roster).await;
    // Creates take effect at once but are answered 2 s later: the kill lands between the
    // two, so the run cannot know whether its write took effect.
    fake.inject(
        FaultRule::new(Fault::LateResponse(Duration::from_secs(2)))
            .operation("createClassNotebook")
            .after_processing(),
    );
    let dir = ConfigDir::new("roster-kill");
    let path = dir.0.join("run.journal");
    let folder = sample();
    let args = [
        "roster",
        "apply",
        folder.as_str(),
        "--journal",
        path.to_str().unwrap(),
        "--concurrency",
        "1",
    ];
    let config = ConfigDir::new("roster-kill-config");
    let mut apply = command(&fake, &config);
    apply
        .env("ONENOTE_TOKEN", FakeOneNote::token_for(ACCOUNT))
        .args(args);
    let mut child = spawn(apply);
    let deadline = Instant::now() + Duration::from_secs(30);
    while !fake
        .journal()
        .iter()
        .any(|e| e.operation == Some("createClassNotebook") && e.status == Some(201))
    {
        assert!(Instant::now() < deadline, "no create reached the fake");
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "apply ended before the kill: {status:?} {:?}",
                finish(child).await
            );
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    child.kill().unwrap(); // SIGKILL
    let killed = finish(child).await;
    assert_ne!(killed.code, 0, "{killed:?}");
    assert!(Path::new(&path).exists());

    fake.clear_faults();
    let mut again = command(&fake, &config);
    again
        .env("ONENOTE_TOKEN", FakeOneNote::token_for(ACCOUNT))
        .args(args);
    let run = output(again).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("resuming"), "{run:?}");
    assert_converged(&fake, &roster);
    assert!(
        duplicate_writes(&fake).is_empty(),
        "{:?}",
        duplicate_writes(&fake)
    );
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_stops_after_the_write_in_flight_and_the_same_command_finishes_the_run() {
    let roster = roster();
    let fake = fake_for(&roster).await;
    fake.inject(
        FaultRule::new(Fault::LateResponse(Duration::from_millis(1500)))
            .operation("createClassNotebook")
            .after_processing(),
    );
    let dir = ConfigDir::new("roster-interrupt");
    let path = dir.0.join("run.journal");
    let folder = sample();
    let args = [
        "roster",
        "apply",
        folder.as_str(),
        "--journal",
        path.to_str().unwrap(),
        "--concurrency",
        "1",
    ];
    let mut apply = command(&fake, &dir);
    apply
        .env("ONENOTE_TOKEN", FakeOneNote::token_for(ACCOUNT))
        .args(args);
    let child = spawn(apply);
    let deadline = Instant::now() + Duration::from_secs(30);
    while !fake
        .journal()
        .iter()
        .any(|e| e.operation == Some("createClassNotebook"))
    {
        assert!(Instant::now() < deadline, "no create reached the fake");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let interrupted = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    let run = finish(child).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("stopped: run the same command again"),
        "{run:?}"
    );
    // The create in flight was answered and recorded; no other write was sent.
    let creates = fake
        .journal()
        .iter()
        .filter(|e| e.operation == Some("createClassNotebook"))
        .count();
    assert_eq!(creates, 1);

    fake.clear_faults();
    let mut again = command(&fake, &dir);
    again
        .env("ONENOTE_TOKEN", FakeOneNote::token_for(ACCOUNT))
        .args(args);
    let run = output(again).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_converged(&fake, &roster);
    assert!(
        duplicate_writes(&fake).is_empty(),
        "{:?}",
        duplicate_writes(&fake)
    );
}
