//! What the fake received, seen from outside: the journal file (a JSON line per request, with
//! the status it was handled with and the fault that struck), latency that strikes after
//! processing (the write worked, the answer was lost), a request whose client dies during the
//! latency (still processed, still journaled), and the binary's `--journal` and `--async-ms`.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use onenote_api::{Client, CreateClassNotebook, ErrorKind, OperationStatus};
use onenote_fake::{FakeOneNote, Fault, FaultRule, ManualClock};
use serde_json::Value;

use crate::harness::{TEACHER, bare_client, builder};

/// A journal file of its own in the temporary folder, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str) -> Self {
        Self(std::env::temp_dir().join(format!("onenote-fake-{name}-{}.jsonl", std::process::id())))
    }

    fn lines(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.0)
            .unwrap_or_default()
            .lines()
            .map(|line| serde_json::from_str(line).expect("every line is JSON"))
            .collect()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

async fn journaled(file: &TempFile, rules: Vec<FaultRule>) -> FakeOneNote {
    let clock = ManualClock::new();
    let builder = rules
        .into_iter()
        .fold(builder(&clock).journal_file(&file.0), |b, rule| {
            b.fault(rule)
        });
    builder.start().await.expect("the fake starts")
}

fn class_notebooks(fake: &FakeOneNote) -> usize {
    fake.state()
        .notebooks()
        .filter(|n| n.class.is_some())
        .count()
}

#[tokio::test]
async fn the_journal_file_has_a_json_line_per_request_as_it_is_answered() {
    let file = TempFile::new("journal-lines");
    let fake = journaled(&file, Vec::new()).await;
    let client = bare_client(&fake, TEACHER);
    let notebooks = client.me().class_notebooks();
    notebooks
        .create(CreateClassNotebook::new("Math 101"))
        .send()
        .await
        .unwrap();
    // Written as the request is answered: the file has the line before the fake stops.
    let lines = file.lines();
    assert_eq!(lines.len(), 1);
    notebooks.list().send().await.unwrap();
    let lines = file.lines();
    assert_eq!(lines.len(), 2);
    let create = &lines[0];
    let body = &fake.journal()[0].body;
    assert_eq!(create["seq"], 1);
    assert_eq!(create["method"], "POST");
    assert_eq!(create["path"], "/api/v1.0/me/notes/classNotebooks");
    assert_eq!(create["operation"], "createClassNotebook");
    assert_eq!(create["user"], TEACHER);
    assert_eq!(create["body_len"], body.len());
    assert_eq!(
        create["body_digest"],
        format!("crc32:{:08x}", crc32fast::hash(body))
    );
    assert_eq!(
        (create["status"].clone(), create["handled"].clone()),
        (201.into(), 201.into())
    );
    assert_eq!(create["fault"], Value::Null);
    assert_eq!(create["correlation_id"], fake.journal()[0].correlation_id);
    assert_eq!(lines[1]["method"], "GET");
    assert_eq!(lines[1]["body_digest"], "crc32:00000000");
}

#[tokio::test]
async fn a_fault_after_processing_shows_the_status_the_request_was_handled_with() {
    let file = TempFile::new("journal-after");
    let fake = journaled(
        &file,
        vec![
            FaultRule::new(Fault::Status(503))
                .after_processing()
                .times(1),
        ],
    )
    .await;
    let client = bare_client(&fake, TEACHER);
    let create = CreateClassNotebook::new("Math 101");
    let error = client
        .me()
        .class_notebooks()
        .create(create)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::OutcomeUnknown);
    let line = &file.lines()[0];
    assert_eq!(line["status"], 503);
    assert_eq!(line["handled"], 201);
    assert_eq!(line["fault"], "status 503 after processing");
    assert_eq!(line["error_code"], "10002");
    assert_eq!(class_notebooks(&fake), 1);
}

#[tokio::test]
async fn a_status_after_processing_never_carries_a_code_that_says_it_was_refused() {
    for status in [429, 502, 504] {
        let file = TempFile::new(&format!("journal-code-{status}"));
        let fake = journaled(
            &file,
            vec![FaultRule::new(Fault::Status(status)).after_processing()],
        )
        .await;
        let error = bare_client(&fake, TEACHER)
            .me()
            .class_notebooks()
            .create(CreateClassNotebook::new("Math 101"))
            .send()
            .await
            .unwrap_err();
        // 20166 or 10007 would tell the client it may safely send the write again.
        assert_eq!(
            error.code().map(|c| c.to_string()).as_deref(),
            Some("10001")
        );
        assert_eq!(error.status(), Some(status));
        assert_eq!(class_notebooks(&fake), 1);
    }
}

/// Creates "Math 101" with a client that waits `timeout` for an answer; the error it gets.
async fn create_giving_up_after(fake: &FakeOneNote, timeout: Duration) -> onenote_api::Error {
    fake.client_builder_for(TEACHER)
        .request_timeout(timeout)
        .build()
        .unwrap()
        .me()
        .class_notebooks()
        .create(CreateClassNotebook::new("Math 101"))
        .send()
        .await
        .unwrap_err()
}

#[tokio::test]
async fn latency_after_processing_loses_the_answer_of_a_write_that_worked() {
    let file = TempFile::new("journal-latency-after");
    let fake = journaled(
        &file,
        vec![FaultRule::new(Fault::Latency(Duration::from_millis(400))).after_processing()],
    )
    .await;
    let error = create_giving_up_after(&fake, Duration::from_millis(100)).await;
    assert_eq!(error.kind(), ErrorKind::OutcomeUnknown, "{error}");
    assert_eq!(class_notebooks(&fake), 1, "the write worked");
    let line = &file.lines()[0];
    assert_eq!(
        (line["status"].clone(), line["handled"].clone()),
        (201.into(), 201.into())
    );
    assert_eq!(line["fault"], "400ms latency after processing");
}

/// Issue 24, item 7: with latency before processing, a request whose client gave up during the
/// wait was never processed nor journaled (its handler was dropped with the connection).
#[tokio::test]
async fn a_request_whose_client_dies_during_the_latency_is_still_processed_and_journaled() {
    let file = TempFile::new("journal-latency-before");
    let fake = journaled(
        &file,
        vec![FaultRule::new(Fault::Latency(Duration::from_millis(300)))],
    )
    .await;
    let error = create_giving_up_after(&fake, Duration::from_millis(50)).await;
    assert_eq!(error.kind(), ErrorKind::OutcomeUnknown, "{error}");
    // The client is gone; the fake still takes the request it received whole.
    let mut waited = Duration::ZERO;
    while fake.journal().is_empty() && waited < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(20)).await;
        waited += Duration::from_millis(20);
    }
    assert_eq!(class_notebooks(&fake), 1, "processed");
    let journal = fake.journal();
    assert_eq!(journal.len(), 1, "journaled");
    assert_eq!(
        (journal[0].status, journal[0].handled),
        (Some(201), Some(201))
    );
    assert_eq!(file.lines().len(), 1);
}

/// Kills the child when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the binary and returns it with its base URL, read off its banner.
fn serve(args: &[&str]) -> (Running, String) {
    let child = Command::new(env!("CARGO_BIN_EXE_onenote-fake"))
        .args(["--listen", "127.0.0.1:0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let mut running = Running(child);
    let stdout = running.0.stdout.take().expect("stdout");
    let base = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|line| {
            line.trim()
                .strip_prefix("base URL")
                .and_then(|rest| rest.split_whitespace().next().map(str::to_owned))
        })
        .expect("a base URL in the banner");
    (running, base)
}

#[tokio::test]
async fn the_binary_journals_to_a_file_and_paces_operations_by_time() {
    let file = TempFile::new("journal-binary");
    let (_running, base) = serve(&["--journal", file.0.to_str().unwrap(), "--async-ms", "40,40"]);
    let client = Client::builder()
        .base_url(&base)
        .bearer_token(FakeOneNote::token_for(TEACHER))
        .build()
        .unwrap();
    let handle = client
        .me()
        .class_notebooks()
        .create(CreateClassNotebook::new("Math 101"))
        .respond_async()
        .send()
        .await
        .unwrap();
    // By time, not by polls: the first poll after 80 ms sees the result.
    tokio::time::sleep(Duration::from_millis(120)).await;
    let operation = handle.poll().await.unwrap();
    assert_eq!(
        operation.status,
        Some(OperationStatus::Completed),
        "{operation:?}"
    );
    let lines = file.lines();
    let seen: Vec<_> = lines
        .iter()
        .map(|l| {
            (
                l["method"].as_str().unwrap_or_default(),
                l["status"].clone(),
            )
        })
        .collect();
    assert_eq!(seen, [("POST", 202.into()), ("GET", 200.into())]);
    assert_eq!(lines[0]["handled"], 202);
}

/// A reader that takes the base URL and closes the pipe (as a test harness does) used to kill
/// the binary: the rest of a long banner (a school's thousands of users) failed to print, and
/// printing panicked.
#[tokio::test]
async fn the_binary_serves_on_when_nobody_reads_its_output_any_more() {
    let seed = TempFile::new("big-tenant");
    let users: Vec<serde_json::Value> = (0..3_000)
        .map(|n| serde_json::json!({"upn": format!("u{n}@school.edu"), "displayName": "U"}))
        .collect();
    let tenant = serde_json::json!({"domain": "school.edu", "users": users});
    std::fs::write(&seed.0, tenant.to_string()).unwrap();
    let (mut running, base) = serve(&["--seed-file", seed.0.to_str().unwrap()]);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        running.0.try_wait().unwrap().is_none(),
        "the binary stopped"
    );
    let client = Client::builder()
        .base_url(&base)
        .bearer_token(FakeOneNote::token_for("u7@school.edu"))
        .build()
        .unwrap();
    let listed = client.me().class_notebooks().list().send().await;
    assert!(listed.is_ok(), "{listed:?}");
}

/// `--faults FILE` and `--fail-rate` together: the flags' rules are added after the file's
/// instead of being dropped for it.
#[tokio::test]
async fn rules_added_next_to_a_fault_file_are_kept() {
    let file = TempFile::new("fault-file");
    std::fs::write(
        &file.0,
        r#"{ "rules": [ { "operations": ["listClassNotebooks"], "fault": { "status": 502 } } ] }"#,
    )
    .unwrap();
    let clock = ManualClock::new();
    let fake = builder(&clock)
        .fault_file(&file.0)
        .fault(FaultRule::new(Fault::Status(500)).operation("createClassNotebook"))
        .start()
        .await
        .unwrap();
    let client = bare_client(&fake, TEACHER);
    let listed = client
        .me()
        .class_notebooks()
        .list()
        .send()
        .await
        .unwrap_err();
    assert_eq!(listed.status(), Some(502));
    let created = client
        .me()
        .class_notebooks()
        .create(CreateClassNotebook::new("Math 101"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(created.status(), Some(500));
}
