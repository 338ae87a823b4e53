//! OneNote's throttling, on the fake's clock: per user 120 requests a minute, 400 an hour,
//! 5 at once; 429 with code 20166 and no `Retry-After` unless asked for.

use std::time::Duration;

use onenote_api::ErrorCode;
use onenote_fake::{Fault, FaultRule, ManualClock, Throttling};

use crate::harness::{STUDENTS, TEACHER, bare_client, bearer, builder, raw};

#[tokio::test]
async fn the_121st_request_in_a_minute_is_throttled_without_retry_after() {
    let clock = ManualClock::new();
    let fake = builder(&clock)
        .throttling(Throttling::onenote())
        .start()
        .await
        .unwrap();
    let teacher = bare_client(&fake, TEACHER);
    for n in 1..=120 {
        let listed = teacher.me().class_notebooks().list().send().await;
        assert!(listed.is_ok(), "request {n}: {listed:?}");
    }
    let error = teacher
        .me()
        .class_notebooks()
        .list()
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(429));
    assert_eq!(error.code(), Some(ErrorCode::Throttled));
    assert_eq!(error.retry_after(), None, "OneNote sends no Retry-After");
    assert!(error.is_retryable());
    // Another user has their own window.
    assert!(
        bare_client(&fake, STUDENTS[0])
            .me()
            .class_notebooks()
            .list()
            .send()
            .await
            .is_ok()
    );
    clock.advance(Duration::from_secs(60));
    assert!(
        teacher.me().class_notebooks().list().send().await.is_ok(),
        "a minute later"
    );
}

#[tokio::test]
async fn the_hour_limit_holds_across_minutes() {
    let clock = ManualClock::new();
    let limits = Throttling::onenote().per_hour(3);
    let fake = builder(&clock).throttling(limits).start().await.unwrap();
    let teacher = bare_client(&fake, TEACHER);
    for _ in 0..3 {
        assert!(teacher.me().class_notebooks().list().send().await.is_ok());
        clock.advance(Duration::from_secs(60));
    }
    clock.advance(Duration::from_secs(55 * 60));
    assert_eq!(
        teacher
            .me()
            .class_notebooks()
            .list()
            .send()
            .await
            .unwrap_err()
            .status(),
        Some(429)
    );
    clock.advance(Duration::from_secs(2 * 60));
    assert!(
        teacher.me().class_notebooks().list().send().await.is_ok(),
        "the first hour ended"
    );
}

#[tokio::test]
async fn a_retry_after_is_sent_only_when_asked_and_the_client_waits_it_out() {
    let clock = ManualClock::new();
    let limits = Throttling::onenote()
        .per_minute(1)
        .retry_after(Duration::from_secs(60));
    let fake = builder(&clock).throttling(limits).start().await.unwrap();
    // The default retry policy, on the same manual clock: its 60 s wait moves the fake's
    // window, and the retry gets through without the test sleeping. (No pacing: it would wait
    // before the second request instead of being refused.)
    let teacher = fake
        .client_builder_for(TEACHER)
        .pacing(onenote_api::Pacing::off())
        .build()
        .unwrap();
    teacher.me().class_notebooks().list().send().await.unwrap();
    teacher.me().class_notebooks().list().send().await.unwrap();
    let statuses: Vec<Option<u16>> = fake.journal().iter().map(|e| e.status).collect();
    assert_eq!(statuses, [Some(200), Some(429), Some(200)]);
    assert!(clock.elapsed() >= Duration::from_secs(60));
}

#[tokio::test]
async fn more_than_five_at_once_are_refused_with_too_many_active_requests() {
    let clock = ManualClock::new();
    let fake = builder(&clock)
        .throttling(Throttling::onenote())
        .fault(FaultRule::new(Fault::LateResponse(Duration::from_millis(300))).user(TEACHER))
        .start()
        .await
        .unwrap();
    let auth = bearer(TEACHER);
    let headers = [("Authorization", auth.as_str())];
    let requests = (0..6).map(|_| {
        raw(
            &fake,
            "GET",
            "/api/v1.0/me/notes/classNotebooks",
            &headers,
            b"",
        )
    });
    let answers = join_all(requests).await;
    let refused: Vec<_> = answers.iter().filter(|a| a.status == 429).collect();
    assert_eq!(
        refused.len(),
        1,
        "{:?}",
        answers.iter().map(|a| a.status).collect::<Vec<_>>()
    );
    assert_eq!(refused[0].json()["error"]["code"], "10003");
    assert_eq!(refused[0].header("retry-after"), None);
    assert_eq!(answers.iter().filter(|a| a.status == 200).count(), 5);
}

/// Runs the futures concurrently on this task and returns their outputs in order.
async fn join_all<F: std::future::Future>(futures: impl Iterator<Item = F>) -> Vec<F::Output> {
    let mut futures: Vec<_> = futures.map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, output) in futures.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(value) => *output = Some(value),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().flatten().collect()
}

#[tokio::test]
async fn the_clients_pacing_keeps_it_under_onenotes_limits() {
    // The client's default pacing (OneNote's delegated limits) against the fake's throttling,
    // both on one manual clock: 130 requests take over a minute and none is refused.
    let clock = ManualClock::new();
    let fake = builder(&clock)
        .throttling(Throttling::onenote())
        .start()
        .await
        .unwrap();
    let teacher = fake.client_for(TEACHER).unwrap();
    for n in 1..=130 {
        let listed = teacher.me().class_notebooks().list().send().await;
        assert!(listed.is_ok(), "request {n}: {listed:?}");
    }
    let refused = fake
        .journal()
        .iter()
        .filter(|e| e.status == Some(429))
        .count();
    assert_eq!(refused, 0);
    assert!(
        clock.elapsed() >= Duration::from_secs(60),
        "{:?}",
        clock.elapsed()
    );
}
