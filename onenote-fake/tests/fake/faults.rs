//! Faults on demand: a request that fails before processing leaves no trace, one that fails
//! after processing leaves exactly one effect; draws repeat for the same seed.

use std::time::{Duration, Instant};

use onenote_api::{CreateClassNotebook, ErrorKind, RetryPolicy};
use onenote_fake::{FakeOneNote, Fault, FaultPlan, FaultRule, ManualClock};

use crate::harness::{TEACHER, builder, send};

fn create(name: &str) -> CreateClassNotebook {
    CreateClassNotebook::new(name)
}

fn class_notebooks(fake: &FakeOneNote) -> usize {
    fake.state()
        .notebooks()
        .filter(|n| n.class.is_some())
        .count()
}

async fn faulty(rule: FaultRule) -> (FakeOneNote, ManualClock) {
    let clock = ManualClock::new();
    let fake = builder(&clock).fault(rule).start().await.unwrap();
    (fake, clock)
}

#[tokio::test]
async fn a_503_before_processing_leaves_no_trace_and_the_client_does_not_repeat_the_post() {
    let (fake, _clock) = faulty(
        FaultRule::new(Fault::Status(503))
            .operation("createClassNotebook")
            .times(1),
    )
    .await;
    // A plain 503 does not prove the POST was not processed, so the client reports it.
    let teacher = fake.client_for(TEACHER).unwrap();
    let error = teacher
        .me()
        .class_notebooks()
        .create(create("Math 101"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::OutcomeUnknown);
    assert_eq!(class_notebooks(&fake), 0);
    let journal = fake.journal();
    let statuses: Vec<Option<u16>> = journal.iter().map(|e| e.status).collect();
    assert_eq!(statuses, [Some(503)]);
    assert_eq!(journal[0].error_code, Some("10002"));
    assert_eq!(journal[0].handled, None);
    assert_eq!(
        journal[0].fault.as_deref(),
        Some("status 503 before processing")
    );
}

#[tokio::test]
async fn a_500_after_processing_leaves_exactly_one_notebook() {
    let (fake, _clock) = faulty(
        FaultRule::new(Fault::Status(500))
            .after_processing()
            .times(1),
    )
    .await;
    let teacher = fake.client_for(TEACHER).unwrap();
    let error = teacher
        .me()
        .class_notebooks()
        .create(create("Math 101"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(500));
    assert_eq!(error.attempts(), 1, "a POST is not repeated after a 500");
    assert_eq!(class_notebooks(&fake), 1, "processed once, answer lost");
    let again = teacher
        .me()
        .class_notebooks()
        .create(create("Math 101"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        again.status(),
        Some(409),
        "a blind retry finds the name taken"
    );
    assert_eq!(class_notebooks(&fake), 1);
}

#[tokio::test]
async fn a_connection_dropped_before_processing_leaves_no_trace() {
    let (fake, _clock) = faulty(FaultRule::new(Fault::DropConnection).times(1)).await;
    let error = fake
        .client_for(TEACHER)
        .unwrap()
        .me()
        .class_notebooks()
        .create(create("Math 101"))
        .send()
        .await
        .unwrap_err();
    // The client cannot tell when the connection was dropped: its POST's outcome is unknown.
    assert_eq!(error.kind(), ErrorKind::OutcomeUnknown);
    assert_eq!(class_notebooks(&fake), 0);
    let journal = fake.journal();
    assert_eq!(journal.len(), 1);
    assert_eq!(journal[0].status, None);
    assert_eq!(
        journal[0].fault.as_deref(),
        Some("connection dropped before processing")
    );
}

#[tokio::test]
async fn a_connection_dropped_after_processing_leaves_exactly_one_notebook() {
    let (fake, _clock) = faulty(
        FaultRule::new(Fault::DropConnection)
            .after_processing()
            .times(1),
    )
    .await;
    let error = fake
        .client_for(TEACHER)
        .unwrap()
        .me()
        .class_notebooks()
        .create(create("Math 101"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::OutcomeUnknown);
    assert_eq!(class_notebooks(&fake), 1);
}

#[tokio::test]
async fn an_answer_after_the_client_gave_up_still_took_effect() {
    let (fake, _clock) = faulty(
        FaultRule::new(Fault::LateResponse(Duration::from_millis(400)))
            .operation("createClassNotebook")
            .times(1),
    )
    .await;
    let impatient = fake
        .client_builder_for(TEACHER)
        .request_timeout(Duration::from_millis(50))
        .build()
        .unwrap();
    let error = impatient
        .me()
        .class_notebooks()
        .create(create("Math 101"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::OutcomeUnknown);
    assert_eq!(class_notebooks(&fake), 1);
    assert_eq!(
        fake.journal()[0].status,
        Some(201),
        "the fake did answer, too late"
    );
}

#[tokio::test]
async fn idempotent_reads_are_retried_through_dropped_connections() {
    let (fake, _clock) = faulty(
        FaultRule::new(Fault::DropConnection)
            .operation("listClassNotebooks")
            .times(2),
    )
    .await;
    let listed = fake
        .client_for(TEACHER)
        .unwrap()
        .me()
        .class_notebooks()
        .list()
        .send()
        .await;
    assert!(listed.is_ok(), "{listed:?}");
    let statuses: Vec<Option<u16>> = fake.journal().iter().map(|e| e.status).collect();
    assert_eq!(statuses, [None, None, Some(200)]);
}

async fn draws(seed: u64) -> Vec<u16> {
    let clock = ManualClock::new();
    let plan = FaultPlan {
        seed,
        throttling: None,
        rules: vec![FaultRule::new(Fault::Status(503)).rate(50.0)],
    };
    let fake = builder(&clock).faults(plan).start().await.unwrap();
    let mut statuses = Vec::new();
    for _ in 0..24 {
        statuses.push(
            send(&fake, "GET", "/v1.0/me/notes/classNotebooks", TEACHER, None)
                .await
                .status,
        );
    }
    statuses
}

#[tokio::test]
async fn fault_rates_repeat_for_the_same_seed() {
    let first = draws(7).await;
    assert_eq!(first, draws(7).await);
    assert_ne!(first, draws(8).await);
    let failed = first.iter().filter(|s| **s == 503).count();
    assert!((4..=20).contains(&failed), "{first:?}");
}

#[tokio::test]
async fn latency_delays_every_answer() {
    let (fake, _clock) = faulty(FaultRule::new(Fault::Latency(Duration::from_millis(40)))).await;
    let started = Instant::now();
    let answered = send(&fake, "GET", "/v1.0/me/notes/classNotebooks", TEACHER, None).await;
    assert_eq!(answered.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(40));
}

#[tokio::test]
async fn faults_come_from_a_dev_proxy_style_file_and_can_be_injected_later() {
    let path =
        std::env::temp_dir().join(format!("onenote-fake-faults-{}.json", std::process::id()));
    std::fs::write(
        &path,
        r#"{ "seed": 1, "rules": [ { "operations": ["listClassNotebooks"], "times": 1, "fault": { "status": 502 } } ] }"#,
    )
    .unwrap();
    let clock = ManualClock::new();
    let fake = builder(&clock).fault_file(&path).start().await;
    let _ = std::fs::remove_file(&path);
    let fake = fake.unwrap();
    let list = || async {
        fake.client_builder_for(TEACHER)
            .retry_policy(RetryPolicy::none())
            .build()
            .unwrap()
            .me()
            .class_notebooks()
            .list()
            .send()
            .await
    };
    assert_eq!(list().await.unwrap_err().status(), Some(502));
    assert!(list().await.is_ok(), "the rule fired its one time");
    fake.inject(FaultRule::new(Fault::Status(503)));
    assert_eq!(list().await.unwrap_err().status(), Some(503));
    fake.clear_faults();
    assert!(list().await.is_ok());
    let bad = onenote_fake::FakeOneNote::builder()
        .fault_file("/nonexistent/faults.json")
        .start()
        .await
        .unwrap_err();
    assert!(
        bad.to_string()
            .starts_with("/nonexistent/faults.json: cannot read the file"),
        "{bad}"
    );
}

#[tokio::test]
async fn a_503_after_processing_is_not_repeated_by_the_client() {
    // A 503 can come after the write took effect (a gateway, an overloaded front end): the
    // client reports the outcome as unknown instead of sending the POST again.
    let (fake, _clock) = faulty(
        FaultRule::new(Fault::Status(503))
            .after_processing()
            .operation("createClassNotebook")
            .times(1),
    )
    .await;
    let error = fake
        .client_for(TEACHER)
        .unwrap()
        .me()
        .class_notebooks()
        .create(create("Math 101"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::OutcomeUnknown);
    assert_eq!(error.status(), Some(503));
    assert_eq!(class_notebooks(&fake), 1);
    let journal = fake.journal();
    assert_eq!(journal.len(), 1, "sent once");
    assert_eq!(
        (journal[0].status, journal[0].handled),
        (Some(503), Some(201))
    );
}
