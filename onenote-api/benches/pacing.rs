//! Pacing: how close the client gets to the rate the limits allow, and how often it is
//! throttled, against a local server that enforces OneNote's limits (`cargo bench -p
//! onenote-api --bench pacing`; `cargo xtask bench` runs it).
//!
//! Time is virtual: the server and the client share one current-thread tokio runtime with a
//! paused clock (handed to the client as its `Clock`), so time jumps ahead whenever both wait.
//! The limits are the real ones (120 a minute, 400 an hour, 5 at once); every request takes
//! 50 ms of virtual time to serve. Hours of traffic take a second or two of wall time.
//!
//! Two runs:
//! - known limits: the server enforces exactly the client's default pacing. The ratio is the
//!   requests served in the second hour over the 400 an hour allows (the first hour's are the
//!   same by construction); the goal is ≥ 0.95 with no 429.
//! - unknown limit: the server allows 60 a minute, the client believes 120. The ratio is the
//!   requests served after the first two minutes (once the client has adapted) over the 60 a
//!   minute the server allows, with the 429s it took.
//!
//! Prints a table and one JSON line (`{"bench":"pacing",…}`) for `cargo xtask bench`.

#[path = "../tests/support/throttling_server.rs"]
mod throttling_server;

use std::time::{Duration, Instant};

use onenote_api::{Client, Pacing};
use throttling_server::{ServerLimits, ThrottlingServer, VirtualClock, run_workload};

const MINUTE: Duration = Duration::from_secs(60);
const HOUR: Duration = Duration::from_secs(3600);

struct Run {
    name: &'static str,
    requests: usize,
    failed: usize,
    throttled: usize,
    /// Waits the client asked its clock for (pacing and back-off).
    waits: usize,
    ratio: f64,
    virtual_time: Duration,
    wall_time: Duration,
    what: &'static str,
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap_or_else(|e| panic!("cannot start the runtime: {e}"));
    let known = runtime.block_on(known_limits());
    let unknown = runtime.block_on(unknown_limit());

    println!(
        "pacing: virtual time (paused tokio clock as the client's Clock), 50 ms per request, 10 \
         workers sending one request after another"
    );
    println!();
    println!(
        "{:<16} {:>8} {:>7} {:>10} {:>7} {:>12} {:>9}  ratio of",
        "run", "requests", "failed", "throttled", "ratio", "virtual", "wall"
    );
    for run in [&known, &unknown] {
        println!(
            "{:<16} {:>8} {:>7} {:>10} {:>7.3} {:>11.0}s {:>8.2}s  {}",
            run.name,
            run.requests,
            run.failed,
            run.throttled,
            run.ratio,
            run.virtual_time.as_secs_f64(),
            run.wall_time.as_secs_f64(),
            run.what
        );
    }
    println!();
    let json = |run: &Run| {
        format!(
            "{{\"requests\":{},\"failed\":{},\"throttled\":{},\"waits\":{},\"ratio\":{:.4},\"virtual_s\":{:.1},\"wall_s\":{:.3}}}",
            run.requests,
            run.failed,
            run.throttled,
            run.waits,
            run.ratio,
            run.virtual_time.as_secs_f64(),
            run.wall_time.as_secs_f64()
        )
    };
    println!(
        "{{\"bench\":\"pacing\",\"known_limit\":{},\"unknown_limit\":{}}}",
        json(&known),
        json(&unknown)
    );
}

fn delegated_server() -> ServerLimits {
    ServerLimits {
        windows: vec![(120, MINUTE), (400, HOUR)],
        concurrent: 5,
        service_time: Duration::from_millis(50),
    }
}

fn client(server: &ThrottlingServer, clock: &VirtualClock) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .bearer_token("bench-token-0123456789")
        .pacing(Pacing::default())
        .request_timeout(None)
        .connect_timeout(None)
        .clock(clock.clone())
        .build()
        .unwrap_or_else(|e| panic!("cannot build the client: {e}"))
}

async fn known_limits() -> Run {
    let server = ThrottlingServer::start(delegated_server()).await;
    let clock = VirtualClock::default();
    let client = client(&server, &clock);
    let wall = Instant::now();
    let requests = 1200;
    let workload = run_workload(&client, 10, requests).await;
    let stats = server.stats();
    Run {
        name: "known limits",
        requests,
        failed: workload.failed.len(),
        throttled: stats.throttled,
        waits: clock.sleeps(),
        ratio: stats.served_between(HOUR, 2 * HOUR) as f64 / 400.0,
        virtual_time: workload.elapsed,
        wall_time: wall.elapsed(),
        what: "400/h (second hour)",
    }
}

async fn unknown_limit() -> Run {
    let server = ThrottlingServer::start(ServerLimits {
        windows: vec![(60, MINUTE)],
        ..delegated_server()
    })
    .await;
    let clock = VirtualClock::default();
    let client = client(&server, &clock);
    let wall = Instant::now();
    // Below the 400 an hour the client also keeps (throttled attempts count there too).
    let requests = 360;
    let workload = run_workload(&client, 10, requests).await;
    let stats = server.stats();
    let settled = 2 * MINUTE;
    let after = workload.elapsed.saturating_sub(settled);
    let served = stats.served_between(settled, workload.elapsed + MINUTE);
    Run {
        name: "unknown limit",
        requests,
        failed: workload.failed.len(),
        throttled: stats.throttled,
        waits: clock.sleeps(),
        ratio: served as f64 / (after.as_secs_f64() / 60.0 * 60.0),
        virtual_time: workload.elapsed,
        wall_time: wall.elapsed(),
        what: "60/min (server), after 2 min",
    }
}
