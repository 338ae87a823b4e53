//! Pacing against a local server that enforces OneNote's published limits, on virtual time
//! (tokio's paused clock, through the client's injectable `Clock`): hours of traffic run in well
//! under a second.

mod support {
    pub mod throttling_server;
}

use std::time::Duration;

use onenote_api::{Client, ErrorKind, Pacing, RetryPolicy};
use support::throttling_server::{ServerLimits, ThrottlingServer, VirtualClock, run_workload};

const MINUTE: Duration = Duration::from_secs(60);
const HOUR: Duration = Duration::from_secs(3600);

fn client(server: &ThrottlingServer, clock: &VirtualClock, pacing: Pacing) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .bearer_token("test-token-7f3a")
        .pacing(pacing)
        // reqwest's own timers run on the same paused clock: leave them out.
        .request_timeout(None)
        .connect_timeout(None)
        .clock(clock.clone())
        .build()
        .unwrap()
}

/// OneNote's delegated limits, enforced by the server.
fn delegated_server() -> ServerLimits {
    ServerLimits {
        windows: vec![(120, MINUTE), (400, HOUR)],
        concurrent: 5,
        service_time: Duration::from_millis(50),
    }
}

#[tokio::test(start_paused = true)]
async fn a_thousand_requests_at_the_default_limits_get_no_429() {
    let server = ThrottlingServer::start(delegated_server()).await;
    let clock = VirtualClock::default();
    let client = client(&server, &clock, Pacing::default());
    let wall = std::time::Instant::now();
    let workload = run_workload(&client, 10, 1000).await;
    let stats = server.stats();
    assert!(workload.failed.is_empty(), "{:?}", workload.failed.first());
    assert_eq!(workload.succeeded, 1000);
    assert_eq!(stats.throttled, 0);
    assert_eq!(stats.ok, 1000);
    // 400 an hour: requests 801–1000 can start only in the third hour, 120 a minute: the
    // fastest schedule the limits allow ends just after 2 h 1 min.
    let fastest = 2 * HOUR + MINUTE;
    assert!(workload.elapsed >= fastest, "{:?}", workload.elapsed);
    assert!(
        workload.elapsed <= fastest + Duration::from_secs(90),
        "{:?}",
        workload.elapsed
    );
    // Spread to the documented rate: 400 in each hour, 120 in each minute of a burst.
    assert_eq!(stats.served_between(Duration::ZERO, HOUR), 400);
    assert_eq!(stats.served_between(HOUR, 2 * HOUR), 400);
    assert_eq!(stats.served_between(Duration::ZERO, MINUTE), 120);
    assert!(clock.sleeps() > 0);
    assert!(
        wall.elapsed() < Duration::from_secs(20),
        "{:?}",
        wall.elapsed()
    );
}

#[tokio::test(start_paused = true)]
async fn a_server_that_throttles_without_retry_after_slows_the_client_down() {
    // The server allows half what the client believes: 60 a minute.
    let server = ThrottlingServer::start(ServerLimits {
        windows: vec![(60, MINUTE)],
        ..delegated_server()
    })
    .await;
    let clock = VirtualClock::default();
    let client = client(&server, &clock, Pacing::default());
    let workload = run_workload(&client, 10, 300).await;
    let stats = server.stats();
    // Every request finishes within its retry budget (4 attempts, 60 s of back-off).
    assert!(workload.failed.is_empty(), "{}", workload.failed[0]);
    assert_eq!(workload.succeeded, 300);
    assert_eq!(stats.ok, 300);
    // The limiter came down: few throttled attempts.
    assert!(stats.throttled <= 30, "{} throttled", stats.throttled);
    let factor = client.pacer().unwrap().factor();
    assert!(factor < 1.0, "{factor}");
    // Close to the server's rate: 300 requests at 60 a minute take at least 4 minutes.
    assert!(workload.elapsed >= 4 * MINUTE, "{:?}", workload.elapsed);
    assert!(workload.elapsed <= 7 * MINUTE, "{:?}", workload.elapsed);
}

#[tokio::test(start_paused = true)]
async fn without_pacing_the_same_server_fails_requests() {
    let server = ThrottlingServer::start(ServerLimits {
        windows: vec![(60, MINUTE)],
        ..delegated_server()
    })
    .await;
    let clock = VirtualClock::default();
    let client = client(&server, &clock, Pacing::off());
    let workload = run_workload(&client, 10, 300).await;
    assert!(!workload.failed.is_empty());
    assert!(
        server.stats().throttled > 100,
        "{}",
        server.stats().throttled
    );
}

#[tokio::test(start_paused = true)]
async fn a_request_that_would_wait_past_max_wait_fails_at_once_and_says_why() {
    let server = ThrottlingServer::start(delegated_server()).await;
    let clock = VirtualClock::default();
    let pacing = Pacing::custom()
        .limit(2, MINUTE)
        .max_wait(Duration::from_secs(10));
    let client = Client::builder()
        .base_url(server.base_url())
        .bearer_token("test-token-7f3a")
        .pacing(pacing)
        .retry_policy(RetryPolicy::none())
        .request_timeout(None)
        .connect_timeout(None)
        .clock(clock.clone())
        .build()
        .unwrap();
    let list = || client.me().class_notebooks().list().send();
    list().await.unwrap();
    list().await.unwrap();
    let started = tokio::time::Instant::now();
    let error = list().await.unwrap_err();
    assert_eq!(started.elapsed(), Duration::ZERO);
    assert_eq!(error.kind(), ErrorKind::PacingLimit);
    assert_eq!(error.attempts(), 0);
    assert_eq!(
        error.to_string(),
        "listClassNotebooks: the request would wait at least 60s for a pacing slot, longer \
         than Pacing::max_wait (10s); limits: 2 requests per 60s. Raise the wait with \
         Pacing::max_wait, or change the limits with ClientBuilder::pacing"
    );
    assert_eq!(server.stats().arrivals.len(), 2);
}

#[tokio::test(start_paused = true)]
async fn clients_sharing_a_pacer_share_one_budget() {
    let server = ThrottlingServer::start(ServerLimits {
        windows: vec![(10, MINUTE)],
        ..delegated_server()
    })
    .await;
    let clock = VirtualClock::default();
    let pacer = onenote_api::Pacer::new(Pacing::custom().limit(10, MINUTE).concurrent(5));
    let build = || {
        Client::builder()
            .base_url(server.base_url())
            .bearer_token("test-token-7f3a")
            .pacer(pacer.clone())
            .request_timeout(None)
            .connect_timeout(None)
            .clock(clock.clone())
            .build()
            .unwrap()
    };
    let (first, second) = (build(), build());
    let (a, b) = tokio::join!(run_workload(&first, 3, 15), run_workload(&second, 3, 15));
    assert_eq!(a.succeeded + b.succeeded, 30);
    assert_eq!(server.stats().throttled, 0);
    // 30 requests at 10 a minute: the third ten start two minutes in.
    assert!(a.elapsed.max(b.elapsed) >= 2 * MINUTE);
}

#[tokio::test(start_paused = true)]
async fn dropping_a_waiting_request_gives_up_its_place() {
    let server = ThrottlingServer::start(delegated_server()).await;
    let clock = VirtualClock::default();
    let client = client(&server, &clock, Pacing::custom().limit(1, MINUTE));
    client.me().class_notebooks().list().send().await.unwrap();
    // The second waits a minute; dropped after 10 s, it must not hold the slot.
    let waiting = tokio::time::timeout(
        Duration::from_secs(10),
        client.me().class_notebooks().list().send(),
    )
    .await;
    assert!(waiting.is_err());
    tokio::time::sleep(MINUTE).await;
    let started = tokio::time::Instant::now();
    client.me().class_notebooks().list().send().await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.stats().ok, 2);
}

#[tokio::test(start_paused = true)]
async fn an_observer_hears_each_wait_with_its_limit_until_dropped() {
    let server = ThrottlingServer::start(delegated_server()).await;
    let clock = VirtualClock::default();
    let client = client(&server, &clock, Pacing::custom().limit(2, MINUTE));
    let waits = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = std::sync::Arc::clone(&waits);
    let pacer = client.pacer().unwrap();
    let observer = pacer.observe_waits(move |wait| seen.lock().unwrap().push(*wait));
    let list = || client.me().class_notebooks().list().send();
    list().await.unwrap();
    list().await.unwrap();
    // The third waits for the minute window: one report, however many wake-ups.
    list().await.unwrap();
    let limit = onenote_api::Limit {
        requests: 2,
        per: MINUTE,
    };
    let first = *waits.lock().unwrap().first().unwrap();
    assert_eq!(waits.lock().unwrap().len(), 1);
    assert_eq!(first.cause, onenote_api::WaitCause::Window(limit));
    // Held until a minute after the responses (50 ms of service time each) ended.
    assert!(
        first.at_least >= MINUTE && first.at_least <= MINUTE + Duration::from_millis(200),
        "{:?}",
        first.at_least
    );
    drop(observer);
    list().await.unwrap();
    assert_eq!(waits.lock().unwrap().len(), 1);
    assert_eq!(server.stats().ok, 4);
}
