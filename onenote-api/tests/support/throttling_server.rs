//! A local stand-in for OneNote's throttling, for the pacing test and benchmark: an HTTP/1.1
//! server on 127.0.0.1 that answers `429` (code 20166, no `Retry-After`, as OneNote does) to any
//! request over its limits, and the workload that drives a client against it.
//!
//! Time is tokio's: run it under a paused runtime (`start_paused`) so hours pass in
//! milliseconds. Server and client must share that current-thread runtime, so time only
//! advances when both are idle.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use onenote_api::{Client, Clock, Error};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

/// What the server enforces.
#[derive(Clone, Debug)]
pub struct ServerLimits {
    /// At most `.0` requests in any window of `.1`.
    pub windows: Vec<(u32, Duration)>,
    /// At most this many requests being served at once.
    pub concurrent: u32,
    /// How long each request takes to serve (virtual time).
    pub service_time: Duration,
}

/// What the server saw.
#[derive(Clone, Debug, Default)]
pub struct ServerStats {
    pub ok: usize,
    pub throttled: usize,
    /// When each request arrived (since the server started), and whether it was throttled.
    pub arrivals: Vec<(Duration, bool)>,
}

impl ServerStats {
    /// Requests served (not throttled) in `[from, to)` since the server started.
    pub fn served_between(&self, from: Duration, to: Duration) -> usize {
        self.arrivals
            .iter()
            .filter(|(at, throttled)| !throttled && *at >= from && *at < to)
            .count()
    }
}

struct ServerState {
    limits: ServerLimits,
    started: Instant,
    /// Arrivals counted against the limits (every request, throttled ones too: a throttled
    /// client that keeps retrying keeps itself throttled).
    log: VecDeque<Instant>,
    in_flight: u32,
    stats: ServerStats,
}

/// The running server.
pub struct ThrottlingServer {
    addr: SocketAddr,
    state: Arc<Mutex<ServerState>>,
}

const OK: &str = r#"{"value":[]}"#;
const THROTTLED: &str =
    r#"{"error":{"code":"20166","message":"Too many requests for this user."}}"#;

impl ThrottlingServer {
    /// Starts the server on the current runtime.
    pub async fn start(limits: ServerLimits) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("bind 127.0.0.1: {e}"));
        let addr = listener
            .local_addr()
            .unwrap_or_else(|e| panic!("local address: {e}"));
        let state = Arc::new(Mutex::new(ServerState {
            limits,
            started: Instant::now(),
            log: VecDeque::new(),
            in_flight: 0,
            stats: ServerStats::default(),
        }));
        let accepting = state.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let state = accepting.clone();
                // A client closing its connection ends the task; nothing to report.
                tokio::spawn(async move { drop(serve(stream, state).await) });
            }
        });
        Self { addr, state }
    }

    /// The base URL to give the client.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// What the server has seen so far.
    pub fn stats(&self) -> ServerStats {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .stats
            .clone()
    }
}

impl ServerState {
    /// Admits or throttles one arriving request.
    fn arrive(&mut self, now: Instant) -> bool {
        let longest = self
            .limits
            .windows
            .iter()
            .map(|(_, per)| *per)
            .max()
            .unwrap_or_default();
        while self.log.front().is_some_and(|at| *at + longest <= now) {
            self.log.pop_front();
        }
        let over_window = self.limits.windows.iter().any(|(limit, per)| {
            let in_window = self
                .log
                .iter()
                .rev()
                .take_while(|at| **at + *per > now)
                .count();
            in_window >= *limit as usize
        });
        let throttled = over_window || self.in_flight >= self.limits.concurrent;
        self.log.push_back(now);
        self.stats.arrivals.push((now - self.started, throttled));
        if throttled {
            self.stats.throttled += 1;
        } else {
            self.stats.ok += 1;
            self.in_flight += 1;
        }
        !throttled
    }
}

async fn serve(mut stream: TcpStream, state: Arc<Mutex<ServerState>>) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut buffer = Vec::with_capacity(4096);
    let mut chunk = vec![0u8; 4096];
    loop {
        let (head_end, body_len) = loop {
            if let Some(end) = find(&buffer, b"\r\n\r\n") {
                break (end + 4, content_length(&buffer[..end]));
            }
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buffer.extend_from_slice(&chunk[..n]);
        };
        while buffer.len() < head_end + body_len {
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buffer.extend_from_slice(&chunk[..n]);
        }
        buffer.drain(..head_end + body_len);
        let (admitted, service_time) = {
            let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
            let admitted = state.arrive(Instant::now());
            (admitted, state.limits.service_time)
        };
        let reply = if admitted {
            tokio::time::sleep(service_time).await;
            state.lock().unwrap_or_else(|e| e.into_inner()).in_flight -= 1;
            response("200 OK", OK)
        } else {
            response("429 Too Many Requests", THROTTLED)
        };
        stream.write_all(reply.as_bytes()).await?;
    }
}

fn response(status: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn content_length(head: &[u8]) -> usize {
    String::from_utf8_lossy(head)
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse().ok())
        .unwrap_or(0)
}

/// The clock handed to the client: tokio's (paused) time, counting the waits it was asked for.
#[derive(Clone, Default)]
pub struct VirtualClock {
    sleeps: Arc<AtomicUsize>,
}

impl VirtualClock {
    /// How many waits the client asked for (pacing, back-off).
    pub fn sleeps(&self) -> usize {
        self.sleeps.load(Ordering::Relaxed)
    }
}

impl Clock for VirtualClock {
    fn now(&self) -> std::time::Instant {
        Instant::now().into_std()
    }

    fn sleep(
        &self,
        duration: Duration,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + 'static>> {
        self.sleeps.fetch_add(1, Ordering::Relaxed);
        Box::pin(tokio::time::sleep(duration))
    }
}

/// What a workload did.
#[derive(Debug, Default)]
pub struct Workload {
    pub succeeded: usize,
    pub failed: Vec<Error>,
    /// Virtual time from the first request to the last response.
    pub elapsed: Duration,
}

/// Sends `requests` list calls from `workers` tasks, each one request after another (a roster
/// sync's loop), and waits for all of them.
pub async fn run_workload(client: &Client, workers: usize, requests: usize) -> Workload {
    let start = Instant::now();
    let remaining = Arc::new(AtomicUsize::new(requests));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..workers {
        let (client, remaining) = (client.clone(), remaining.clone());
        tasks.spawn(async move {
            let mut results = Vec::new();
            while remaining
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
                .is_ok()
            {
                results.push(client.me().class_notebooks().list().send().await.map(drop));
            }
            results
        });
    }
    let mut workload = Workload::default();
    while let Some(done) = tasks.join_next().await {
        for result in done.unwrap_or_else(|e| panic!("worker failed: {e}")) {
            match result {
                Ok(()) => workload.succeeded += 1,
                Err(error) => workload.failed.push(error),
            }
        }
    }
    workload.elapsed = start.elapsed();
    workload
}
