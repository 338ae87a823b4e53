//! Client-side pacing: requests wait for a slot under OneNote's published limits instead of
//! being throttled, and the limits adapt (AIMD) when the service throttles anyway.
//!
//! The rule, in full:
//! - Each limit is "at most N requests in any window of length W" (120 per minute and 400 per
//!   hour for delegated tokens), plus at most C requests in flight. A request holds its place in
//!   a window from the moment it is admitted until W after its response ended, so however long
//!   the network takes, the service never counts more than N in any window.
//! - Requests are admitted first come, first served.
//! - Throttling (a 429, or the OneNote codes 20166, 10007 or 30103) multiplies the window limit
//!   closest to full (the largest share of its current value in use) by 0.7 (multiplicative
//!   decrease); code 10003 ("too many active requests") lowers the concurrency limit instead.
//!   At most once per round: a throttle of a request admitted before the last decrease does not
//!   decrease again. A throttle with `Retry-After` also holds every request back until then.
//!   Limits never go below one request.
//! - Each success gives every lowered limit back a tenth of a request (additive increase): with
//!   the delegated limits, ten successes give one request per minute back, until the
//!   configured limits are reached.
//!
//! One pacer per client (or per user, shared), never one per service: calls to OneNote and to
//! Microsoft Graph wait in the same budget. Microsoft publishes the same limits for Graph's
//! OneNote resources (120 a minute, 400 an hour, 5 at once, per app and user, 429 without
//! `Retry-After`) and does not say whether they are counted apart from onenote.com's; both
//! reach the same OneNote service, so counting them together is the reading that never
//! overruns the quota.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Poll, Waker};
use std::time::{Duration, Instant};

use crate::clock::Clock;

/// Multiplicative decrease on throttling (aws-sdk-rust's adaptive mode uses the same β).
const DECREASE: f64 = 0.7;
/// Additive increase per success, in requests of each limit.
const INCREASE: f64 = 0.1;
/// The factor never goes lower (limits still never go below one request).
const MIN_FACTOR: f64 = 0.01;
/// A window's log merges requests that end within this fraction of the window, so it holds
/// about this many entries whatever the limit (each merged entry expires with its last member:
/// a request may be held back up to 1% of the window longer than strictly needed).
const LOG_RESOLUTION: u32 = 100;
/// The default [`Pacing::max_wait`]: the longest window, so waiting for the hour limit works.
const DEFAULT_MAX_WAIT: Duration = Duration::from_secs(3600);

/// One limit: at most `requests` in any window of `per`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    /// Requests allowed per window.
    pub requests: u32,
    /// The window's length.
    pub per: Duration,
}

/// A request's wait for a pacing slot, as [`Pacer::observe_waits`] reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PacingWait {
    /// How long the request will wait at least (it may wait longer: requests ahead in line
    /// or in flight can hold the slot longer than estimated).
    pub at_least: Duration,
    /// The limit it waits for.
    pub cause: WaitCause,
}

/// Which limit holds a request back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WaitCause {
    /// A window limit, as in force now (lowered by throttling, if it was).
    Window(Limit),
    /// The concurrency limit in force now: a request in flight must end first.
    Concurrency(u32),
    /// The service's `Retry-After` on a throttled response holds every request back.
    RetryAfter,
    /// Requests that asked earlier go first.
    Queue,
}

impl fmt::Display for WaitCause {
    /// `120 requests per 60s`, `5 at once`, `the service's Retry-After`, `requests ahead in line`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Window(limit) => write!(f, "{} requests per {:?}", limit.requests, limit.per),
            Self::Concurrency(requests) => write!(f, "{requests} at once"),
            Self::RetryAfter => f.write_str("the service's Retry-After"),
            Self::Queue => f.write_str("requests ahead in line"),
        }
    }
}

/// Observes a [`Pacer`]'s waits until dropped (see [`Pacer::observe_waits`]).
#[must_use = "the observer stops when this is dropped"]
pub struct WaitObserver {
    shared: Arc<Shared>,
    id: u64,
}

impl fmt::Debug for WaitObserver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitObserver")
            .field("id", &self.id)
            .finish()
    }
}

impl Drop for WaitObserver {
    fn drop(&mut self) {
        self.shared
            .observers()
            .list
            .retain(|(id, _)| *id != self.id);
    }
}

type ObserveWait = Arc<dyn Fn(&PacingWait) + Send + Sync>;

/// The callbacks of [`Pacer::observe_waits`], by id.
#[derive(Default)]
struct Observers {
    list: Vec<(u64, ObserveWait)>,
    next_id: u64,
}

/// How a [`Client`](crate::Client) paces its requests (see the [module rule](crate::Pacing)).
///
/// The default is [`delegated`](Self::delegated): OneNote's published limits for delegated
/// tokens, per app and user.
///
/// Requests wait for a slot instead of being throttled. The wait uses the client's
/// [`Clock`](crate::Clock), is traced (`onenote_api::pacing` events with the wait), ends when the
/// request future is dropped (it then holds nothing), and is bounded by
/// [`max_wait`](Self::max_wait): a request that would wait longer fails at once with
/// [`ErrorKind::PacingLimit`](crate::ErrorKind::PacingLimit).
///
/// # The rule
///
/// - At most `requests` in any window of `per`, for each [`Limit`], and at most
///   [`concurrent`](Self::concurrent) in flight. A request holds its place in a window from its
///   admission until `per` after its response ended.
/// - First come, first served.
/// - A throttle (429, or OneNote code 20166, 10007 or 30103) multiplies the window limit closest
///   to full by 0.7, once per round; code 10003 (too many active requests) lowers the
///   concurrency limit instead. With `Retry-After` every request also waits until then.
/// - Each success gives every lowered limit back a tenth of a request, until the configured
///   limits are reached.
///
/// ```
/// use std::time::Duration;
/// use onenote_api::{Client, Pacing};
///
/// # fn run() -> onenote_api::Result<()> {
/// // An interactive app: fail after 10 s rather than wait for the hour limit.
/// let client = Client::builder()
///     .bearer_token("…")
///     .pacing(Pacing::delegated().max_wait(Duration::from_secs(10)))
///     .build()?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pacing {
    limits: Vec<Limit>,
    concurrent: Option<u32>,
    max_wait: Duration,
}

impl Default for Pacing {
    /// [`Pacing::delegated`].
    fn default() -> Self {
        Self::delegated()
    }
}

impl Pacing {
    /// OneNote's limits for delegated tokens, per app and user: 120 requests per minute, 400
    /// per hour, 5 at once.
    pub fn delegated() -> Self {
        Self::custom()
            .limit(120, Duration::from_secs(60))
            .limit(400, Duration::from_secs(3600))
            .concurrent(5)
    }

    /// OneNote's limits for app-only tokens, per app: 240 requests per minute, 800 per hour, 20
    /// at once.
    pub fn app_only() -> Self {
        Self::custom()
            .limit(240, Duration::from_secs(60))
            .limit(800, Duration::from_secs(3600))
            .concurrent(20)
    }

    /// No limits yet: add them with [`limit`](Self::limit) and
    /// [`concurrent`](Self::concurrent). Without any, nothing is paced.
    pub fn custom() -> Self {
        Self {
            limits: Vec::new(),
            concurrent: None,
            max_wait: DEFAULT_MAX_WAIT,
        }
    }

    /// No pacing: every request is sent at once (the service's throttling still applies).
    pub fn off() -> Self {
        Self::custom()
    }

    /// Adds a limit: at most `requests` in any window of `per` (zero values are raised to 1
    /// request and 1 ms).
    pub fn limit(mut self, requests: u32, per: Duration) -> Self {
        self.limits.push(Limit {
            requests: requests.max(1),
            per: per.max(Duration::from_millis(1)),
        });
        self
    }

    /// At most `requests` in flight at once (at least 1).
    pub fn concurrent(mut self, requests: u32) -> Self {
        self.concurrent = Some(requests.max(1));
        self
    }

    /// The longest a request waits for a slot, summed over its attempts (default one hour, the
    /// longest window). A request that would wait longer fails at once.
    pub fn max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = max_wait;
        self
    }

    /// The configured window limits.
    pub fn limits(&self) -> &[Limit] {
        &self.limits
    }

    /// The configured concurrency limit.
    pub fn concurrency(&self) -> Option<u32> {
        self.concurrent
    }

    /// The configured wait limit.
    pub fn wait_limit(&self) -> Duration {
        self.max_wait
    }

    /// Whether anything is limited.
    pub fn is_off(&self) -> bool {
        self.limits.is_empty() && self.concurrent.is_none()
    }
}

impl fmt::Display for Pacing {
    /// `120 requests per 60s, 400 per 3600s, 5 at once`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_off() {
            return f.write_str("no limits");
        }
        for (index, limit) in self.limits.iter().enumerate() {
            let unit = if index == 0 { " requests" } else { "" };
            if index > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{}{unit} per {:?}", limit.requests, limit.per)?;
        }
        if let Some(concurrent) = self.concurrent {
            if !self.limits.is_empty() {
                f.write_str(", ")?;
            }
            write!(f, "{concurrent} at once")?;
        }
        Ok(())
    }
}

/// A pacing budget shared by clients: one per signed-in principal.
///
/// Every [`Client`](crate::Client) gets its own from
/// [`ClientBuilder::pacing`](crate::ClientBuilder::pacing), shared by all its clones. OneNote
/// counts per app and user, so clients that act for the same user (one per task, say) should
/// share one: build a `Pacer` and pass it to each with
/// [`ClientBuilder::pacer`](crate::ClientBuilder::pacer). Clients for different users need
/// different pacers. Every call of a client waits in its pacer, whichever service
/// ([`Audience`](crate::Audience)) it goes to: one per-user quota for OneNote and Microsoft
/// Graph, whose OneNote limits Microsoft publishes with the same numbers and does not say are
/// counted apart. Cheap to clone (an `Arc` inside).
#[derive(Clone)]
pub struct Pacer {
    shared: Arc<Shared>,
}

struct Shared {
    pacing: Pacing,
    state: Mutex<State>,
    observers: Mutex<Observers>,
}

impl fmt::Debug for Pacer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pacer")
            .field("pacing", &self.shared.pacing)
            .field("factor", &self.factor())
            .finish()
    }
}

impl Pacer {
    /// A new, empty budget under `pacing`.
    pub fn new(pacing: Pacing) -> Self {
        let windows = pacing
            .limits
            .iter()
            .map(|limit| Window {
                limit: Adaptive::new(limit.requests),
                length: limit.per,
                resolution: limit.per / LOG_RESOLUTION,
                log: VecDeque::new(),
                held: 0,
            })
            .collect();
        Self {
            shared: Arc::new(Shared {
                state: Mutex::new(State {
                    windows,
                    concurrent: pacing.concurrent.map(Adaptive::new),
                    in_flight: 0,
                    paused_until: None,
                    decreased_at: None,
                    queue: VecDeque::new(),
                    next_ticket: 0,
                }),
                observers: Mutex::default(),
                pacing,
            }),
        }
    }

    /// The configuration.
    pub fn pacing(&self) -> &Pacing {
        &self.shared.pacing
    }

    /// How far throttling has lowered the most lowered limit: 1.0 at the configured limits,
    /// 0.7 after one decrease.
    pub fn factor(&self) -> f64 {
        let state = self.shared.lock();
        state
            .windows
            .iter()
            .map(|window| &window.limit)
            .chain(&state.concurrent)
            .map(|limit| limit.factor)
            .fold(1.0, f64::min)
    }

    /// The limits in force now, as configured or lowered by throttling:
    /// `120 requests per 60s, 400 per 3600s, 5 at once`.
    pub fn current_limits(&self) -> String {
        let state = self.shared.lock();
        let windows = state.windows.iter().map(|window| Limit {
            requests: window.limit.current(),
            per: window.length,
        });
        let mut current = Pacing::custom();
        current.limits = windows.collect();
        current.concurrent = state.concurrent.as_ref().map(Adaptive::current);
        current.to_string()
    }

    /// Calls `observer` each time a request of this pacer starts to wait for a slot, with how
    /// long it will wait at least and for which limit, until the returned [`WaitObserver`] is
    /// dropped. One call per wait (not per wake-up); a request refused at once for
    /// [`Pacing::max_wait`] is not a wait. The observer runs on the waiting request's task,
    /// with no lock held: keep it short (push to a queue, bump a counter).
    ///
    /// For progress displays ("waiting 42 s for 120 requests per 60s"); the same waits are
    /// traced as `onenote_api::pacing` events.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// use onenote_api::{Pacer, Pacing};
    ///
    /// let pacer = Pacer::new(Pacing::delegated());
    /// let waits = Arc::new(Mutex::new(Vec::new()));
    /// let seen = Arc::clone(&waits);
    /// let observer = pacer.observe_waits(move |wait| seen.lock().unwrap().push(*wait));
    /// // … requests of clients built with `.pacer(pacer.clone())` …
    /// drop(observer);
    /// ```
    pub fn observe_waits(
        &self,
        observer: impl Fn(&PacingWait) + Send + Sync + 'static,
    ) -> WaitObserver {
        let mut observers = self.shared.observers();
        let id = observers.next_id;
        observers.next_id += 1;
        observers.list.push((id, Arc::new(observer)));
        WaitObserver {
            shared: Arc::clone(&self.shared),
            id,
        }
    }

    /// Waits for a slot, at most `budget`. Dropping the future gives up the place in line.
    pub(crate) async fn acquire(
        &self,
        clock: Arc<dyn Clock>,
        budget: Duration,
    ) -> Result<Permit, Refusal> {
        let start = clock.now();
        let deadline = start.checked_add(budget);
        let ticket = Ticket::enqueue(&self.shared);
        let mut announced = false;
        loop {
            let now = clock.now();
            let step = self.shared.lock().step(ticket.id, now);
            let until = match step {
                Step::Admit => {
                    let waited = now.saturating_duration_since(start);
                    if announced || waited > Duration::ZERO {
                        tracing::debug!(target: "onenote_api::pacing", ?waited, "slot granted");
                    }
                    ticket.admitted();
                    return Ok(Permit {
                        shared: self.shared.clone(),
                        clock,
                        admitted_at: now,
                        waited,
                        outcome: None,
                    });
                }
                Step::Wait {
                    until,
                    at_least,
                    cause,
                } => {
                    let earliest = at_least.max(until.unwrap_or(now));
                    let would_wait = earliest.saturating_duration_since(start);
                    if deadline.is_some_and(|deadline| earliest > deadline) {
                        return Err(Refusal {
                            would_wait,
                            waited: now.saturating_duration_since(start),
                            budget,
                            limits: self.describe(),
                        });
                    }
                    if !announced {
                        announced = true;
                        let at_least = earliest.saturating_duration_since(now);
                        tracing::debug!(
                            target: "onenote_api::pacing",
                            ?at_least,
                            %cause,
                            "waiting for a slot"
                        );
                        self.shared.notify_wait(&PacingWait { at_least, cause });
                    }
                    until
                }
            };
            // Sleep until the slot time; when the slot depends on other requests (in flight or
            // ahead in line), wait for them: every request that ends or leaves the line wakes
            // the head, and the wait limit is checked at each wake-up. (No timer for the limit:
            // requests in flight end within their own timeouts.)
            let sleep = until.map(|until| clock.sleep(until.saturating_duration_since(now)));
            ticket.wait(sleep).await;
        }
    }

    /// The limits in force, for messages.
    fn describe(&self) -> String {
        let current = self.current_limits();
        let configured = self.shared.pacing.to_string();
        if current == configured {
            configured
        } else {
            format!("{current} (lowered after throttling from {configured})")
        }
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn observers(&self) -> MutexGuard<'_, Observers> {
        self.observers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Tells every observer, outside the lock (an observer may drop its own `WaitObserver`).
    fn notify_wait(&self, wait: &PacingWait) {
        let observers: Vec<ObserveWait> = self
            .observers()
            .list
            .iter()
            .map(|(_, observer)| Arc::clone(observer))
            .collect();
        for observer in observers {
            observer(wait);
        }
    }
}

/// Why a request got no slot in time.
#[derive(Debug)]
pub(crate) struct Refusal {
    /// How long it would have waited at least (or has waited, at the deadline).
    pub(crate) would_wait: Duration,
    pub(crate) waited: Duration,
    pub(crate) budget: Duration,
    pub(crate) limits: String,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.waited >= self.budget {
            write!(f, "waited {:?} for a pacing slot", self.waited)?;
        } else {
            write!(
                f,
                "the request would wait at least {:?} for a pacing slot",
                self.would_wait
            )?;
        }
        write!(
            f,
            ", longer than Pacing::max_wait ({:?}); limits: {}. Raise the wait with \
             Pacing::max_wait, or change the limits with ClientBuilder::pacing",
            self.budget, self.limits
        )
    }
}

/// How an admitted request ended, for the adaptive limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// A 2xx.
    Success,
    /// Throttled: 429 or a throttling code; with the service's `Retry-After`, if any.
    Throttled(Option<Duration>),
    /// Code 10003: too many requests in flight for the account.
    TooManyActive(Option<Duration>),
    /// Anything else (other errors, transport failures, a dropped request).
    Other,
}

/// A slot: the request may be sent. Dropping it ends the request's hold on the concurrency
/// limit; its place in each window lasts a window longer.
pub(crate) struct Permit {
    shared: Arc<Shared>,
    clock: Arc<dyn Clock>,
    admitted_at: Instant,
    waited: Duration,
    outcome: Option<Outcome>,
}

impl Permit {
    /// How long the request waited for this slot.
    pub(crate) fn waited(&self) -> Duration {
        self.waited
    }

    /// Records how the request ended (released when the permit drops).
    pub(crate) fn finish(mut self, outcome: Outcome) {
        self.outcome = Some(outcome);
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        let now = self.clock.now();
        let outcome = self.outcome.unwrap_or(Outcome::Other);
        let mut state = self.shared.lock();
        state.release(now, self.admitted_at, outcome);
        state.notify_head();
    }
}

struct State {
    windows: Vec<Window>,
    concurrent: Option<Adaptive>,
    in_flight: u32,
    paused_until: Option<Instant>,
    /// When the factor last decreased: throttles of requests admitted earlier are ignored.
    decreased_at: Option<Instant>,
    /// Requests waiting, first come first served.
    queue: VecDeque<Waiter>,
    next_ticket: u64,
}

struct Waiter {
    ticket: u64,
    waker: Option<Waker>,
    notified: bool,
}

/// A configured limit and how far throttling has lowered it.
#[derive(Clone, Debug)]
struct Adaptive {
    configured: u32,
    /// The limit in force is `configured × factor` (1.0 until throttled).
    factor: f64,
}

impl Adaptive {
    fn new(configured: u32) -> Self {
        Self {
            configured,
            factor: 1.0,
        }
    }

    fn current(&self) -> u32 {
        // Truncation is the point: a fraction of a request is no request.
        ((f64::from(self.configured) * self.factor) as u32).max(1)
    }

    fn decrease(&mut self) {
        self.factor = (self.factor * DECREASE).max(MIN_FACTOR);
    }

    fn increase(&mut self) {
        self.factor = (self.factor + INCREASE / f64::from(self.configured)).min(1.0);
    }
}

/// One window's log of requests that ended within the window (merged by resolution).
struct Window {
    limit: Adaptive,
    length: Duration,
    resolution: Duration,
    log: VecDeque<Entry>,
    /// The sum of the log's counts.
    held: u32,
}

struct Entry {
    first: Instant,
    /// When the last merged request ended: the entry leaves the window `length` after.
    last: Instant,
    count: u32,
}

/// What an acquiring request does next.
enum Step {
    Admit,
    /// Wait until `until` (a time a slot frees), or without one for a notification; the slot
    /// comes no earlier than `at_least`.
    Wait {
        until: Option<Instant>,
        at_least: Instant,
        /// The limit that sets `at_least` (or, when none sets a time, what holds it back).
        cause: WaitCause,
    },
}

impl State {
    /// Admits the head of the line when every limit allows it; else says how long to wait.
    fn step(&mut self, ticket: u64, now: Instant) -> Step {
        for window in &mut self.windows {
            window.expire(now);
        }
        let position = self
            .queue
            .iter()
            .position(|waiter| waiter.ticket == ticket)
            .unwrap_or(0);
        let mut until = self.paused_until.filter(|paused| *paused > now);
        let mut at_least = until.unwrap_or(now);
        let mut blocked = until.is_some() || position > 0;
        let concurrency = self.concurrent.as_ref().map(Adaptive::current);
        let concurrency_full = concurrency.is_some_and(|limit| self.in_flight >= limit);
        blocked |= concurrency_full;
        let mut cause = match concurrency {
            _ if until.is_some() => WaitCause::RetryAfter,
            Some(limit) if concurrency_full => WaitCause::Concurrency(limit),
            _ => WaitCause::Queue,
        };
        for window in &self.windows {
            // The requests ahead in line will each take a place too.
            let ahead = u32::try_from(position).unwrap_or(u32::MAX);
            let cap = window.limit.current();
            let taken = window
                .held
                .saturating_add(self.in_flight)
                .saturating_add(ahead);
            if taken < cap {
                continue;
            }
            blocked = true;
            let must_leave = taken - cap + 1;
            let free = match window.time_when_left(must_leave) {
                Some(free) => {
                    if position == 0 {
                        until = Some(until.map_or(free, |until| until.max(free)));
                    }
                    free
                }
                // Requests in flight (or ahead) must end first, and then stay a window.
                None => now + window.length,
            };
            if free > at_least {
                at_least = free;
                cause = WaitCause::Window(Limit {
                    requests: cap,
                    per: window.length,
                });
            }
        }
        if !blocked {
            return Step::Admit;
        }
        if position > 0 {
            // Only the head watches the clock; the others are woken when they move up.
            until = None;
        }
        Step::Wait {
            until,
            at_least,
            cause,
        }
    }

    fn release(&mut self, now: Instant, admitted_at: Instant, outcome: Outcome) {
        self.in_flight = self.in_flight.saturating_sub(1);
        for window in &mut self.windows {
            window.record(now);
        }
        let (retry_after, concurrency) = match outcome {
            Outcome::Success => {
                for window in &mut self.windows {
                    window.limit.increase();
                }
                if let Some(limit) = &mut self.concurrent {
                    limit.increase();
                }
                return;
            }
            Outcome::Other => return,
            Outcome::Throttled(retry_after) => (retry_after, false),
            Outcome::TooManyActive(retry_after) => (retry_after, true),
        };
        if let Some(until) = retry_after.and_then(|wait| now.checked_add(wait)) {
            self.paused_until = Some(self.paused_until.map_or(until, |p| p.max(until)));
        }
        if self.decreased_at.is_some_and(|at| admitted_at <= at) {
            return;
        }
        let in_flight = self.in_flight;
        let lowered = match (&mut self.concurrent, concurrency) {
            (Some(limit), true) => Some(limit),
            // The window whose current limit is most used is the likeliest one the service
            // counts lower than configured.
            _ => self
                .windows
                .iter_mut()
                .max_by(|a, b| a.usage(in_flight).total_cmp(&b.usage(in_flight)))
                .map(|window| &mut window.limit),
        };
        if let Some(limit) = lowered {
            limit.decrease();
            self.decreased_at = Some(now);
            tracing::info!(
                target: "onenote_api::pacing",
                limit = limit.current(),
                configured = limit.configured,
                "throttled by the service: limit lowered"
            );
        }
    }

    fn notify_head(&mut self) {
        if let Some(head) = self.queue.front_mut() {
            head.notified = true;
            if let Some(waker) = head.waker.take() {
                waker.wake();
            }
        }
    }
}

impl Window {
    /// The share of the current limit taken (by ended requests still in the window and
    /// `in_flight` ones).
    fn usage(&self, in_flight: u32) -> f64 {
        f64::from(self.held.saturating_add(in_flight)) / f64::from(self.limit.current())
    }

    fn expire(&mut self, now: Instant) {
        while let Some(entry) = self.log.front() {
            if entry.last + self.length > now {
                break;
            }
            self.held -= entry.count;
            self.log.pop_front();
        }
    }

    /// Counts a request that ended at `now`.
    fn record(&mut self, now: Instant) {
        self.expire(now);
        self.held = self.held.saturating_add(1);
        if let Some(last) = self.log.back_mut()
            && now.saturating_duration_since(last.first) <= self.resolution
        {
            last.last = last.last.max(now);
            last.count = last.count.saturating_add(1);
            return;
        }
        self.log.push_back(Entry {
            first: now,
            last: now,
            count: 1,
        });
    }

    /// When `count` of the logged requests will have left the window, if that many are logged.
    fn time_when_left(&self, count: u32) -> Option<Instant> {
        let mut left = 0u32;
        for entry in &self.log {
            left = left.saturating_add(entry.count);
            if left >= count {
                return Some(entry.last + self.length);
            }
        }
        None
    }
}

/// A place in line; leaving the line (admitted, refused or dropped) hands the head's turn on.
struct Ticket<'a> {
    shared: &'a Shared,
    id: u64,
}

impl<'a> Ticket<'a> {
    fn enqueue(shared: &'a Shared) -> Self {
        let mut state = shared.lock();
        let id = state.next_ticket;
        state.next_ticket += 1;
        state.queue.push_back(Waiter {
            ticket: id,
            waker: None,
            notified: false,
        });
        Ticket { shared, id }
    }

    /// Takes the slot: counted in flight, out of the line.
    fn admitted(self) {
        let mut state = self.shared.lock();
        state.in_flight = state.in_flight.saturating_add(1);
        // Dropping `self` leaves the line and wakes the next.
    }

    /// Waits for a notification, or until `sleep` ends.
    async fn wait(&self, mut sleep: Option<Pin<Box<dyn Future<Output = ()> + Send>>>) {
        std::future::poll_fn(|cx| {
            {
                let mut state = self.shared.lock();
                if let Some(waiter) = state.queue.iter_mut().find(|w| w.ticket == self.id) {
                    if waiter.notified {
                        waiter.notified = false;
                        return Poll::Ready(());
                    }
                    waiter.waker = Some(cx.waker().clone());
                } else {
                    return Poll::Ready(());
                }
            }
            let slept = sleep
                .as_mut()
                .is_some_and(|sleep| sleep.as_mut().poll(cx).is_ready());
            if slept {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
        .await
    }
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        let mut state = self.shared.lock();
        let was_head = state.queue.front().is_some_and(|w| w.ticket == self.id);
        state.queue.retain(|waiter| waiter.ticket != self.id);
        if was_head {
            state.notify_head();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(pacing: &Pacing) -> State {
        let pacer = Pacer::new(pacing.clone());
        let shared = Arc::try_unwrap(pacer.shared).unwrap_or_else(|_| unreachable!());
        shared.state.into_inner().unwrap()
    }

    /// The step of a request that asks for a slot at `now`, alone in line.
    fn ask(state: &mut State, now: Instant) -> Step {
        state.queue.push_back(Waiter {
            ticket: 99,
            waker: None,
            notified: false,
        });
        let step = state.step(99, now);
        state.queue.pop_back();
        step
    }

    fn admit(state: &mut State, now: Instant) -> bool {
        let admitted = matches!(ask(state, now), Step::Admit);
        if admitted {
            state.in_flight += 1;
        }
        admitted
    }

    fn cause(state: &mut State, now: Instant) -> Option<WaitCause> {
        match ask(state, now) {
            Step::Admit => None,
            Step::Wait { cause, .. } => Some(cause),
        }
    }

    #[test]
    fn a_wait_names_the_limit_that_sets_its_end() {
        let pacing = Pacing::custom()
            .limit(2, Duration::from_secs(60))
            .limit(3, Duration::from_secs(3600))
            .concurrent(1);
        let mut state = state(&pacing);
        let t0 = Instant::now();
        assert_eq!(cause(&mut state, t0), None);
        state.in_flight = 1;
        assert_eq!(cause(&mut state, t0), Some(WaitCause::Concurrency(1)));
        state.release(t0, t0, Outcome::Success);
        state.in_flight = 1;
        state.release(t0, t0, Outcome::Success);
        // Two ended: the minute window is full until 60 s.
        let minute = Limit {
            requests: 2,
            per: Duration::from_secs(60),
        };
        assert_eq!(cause(&mut state, t0), Some(WaitCause::Window(minute)));
        state.in_flight = 1;
        state.release(t0, t0, Outcome::Success);
        // Three ended: the hour window frees later than the minute one.
        let hour = Limit {
            requests: 3,
            per: Duration::from_secs(3600),
        };
        let later = t0 + Duration::from_secs(61);
        assert_eq!(cause(&mut state, later), Some(WaitCause::Window(hour)));
        assert_eq!(WaitCause::Window(hour).to_string(), "3 requests per 3600s");
    }

    #[test]
    fn a_wait_after_retry_after_says_so() {
        let mut state = state(&Pacing::delegated());
        let t0 = Instant::now();
        state.in_flight = 1;
        state.release(t0, t0, Outcome::Throttled(Some(Duration::from_secs(30))));
        assert_eq!(cause(&mut state, t0), Some(WaitCause::RetryAfter));
    }

    #[test]
    fn presets_are_the_published_limits() {
        assert_eq!(
            Pacing::delegated().to_string(),
            "120 requests per 60s, 400 per 3600s, 5 at once"
        );
        assert_eq!(
            Pacing::app_only().to_string(),
            "240 requests per 60s, 800 per 3600s, 20 at once"
        );
        assert_eq!(Pacing::default(), Pacing::delegated());
        assert!(Pacing::off().is_off());
        assert_eq!(Pacing::off().to_string(), "no limits");
    }

    #[test]
    fn a_window_admits_its_limit_then_frees_a_window_after_the_response() {
        let pacing = Pacing::custom().limit(3, Duration::from_secs(60));
        let mut state = state(&pacing);
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(admit(&mut state, t0));
        }
        assert!(!admit(&mut state, t0));
        // The responses end 2 s later: the places are held until 62 s.
        let t2 = t0 + Duration::from_secs(2);
        for _ in 0..3 {
            state.release(t2, t0, Outcome::Success);
        }
        assert!(!admit(&mut state, t0 + Duration::from_secs(61)));
        assert!(admit(&mut state, t0 + Duration::from_secs(62)));
    }

    #[test]
    fn concurrency_is_limited() {
        let mut state = state(&Pacing::custom().concurrent(2));
        let now = Instant::now();
        assert!(admit(&mut state, now));
        assert!(admit(&mut state, now));
        assert!(!admit(&mut state, now));
        state.release(now, now, Outcome::Other);
        assert!(admit(&mut state, now));
    }

    #[test]
    fn throttling_lowers_the_fullest_limit_once_per_round_and_successes_raise_it() {
        let mut state = state(&Pacing::delegated());
        let t0 = Instant::now();
        let t1 = t0 + Duration::from_secs(1);
        state.in_flight = 2;
        state.release(t1, t0, Outcome::Throttled(None));
        // The minute window (1 of 120 used) is fuller than the hour (1 of 400).
        assert_eq!(state.windows[0].limit.current(), 84);
        assert_eq!(state.windows[1].limit.current(), 400);
        // Admitted before the decrease: no second decrease.
        state.release(t1, t0, Outcome::Throttled(None));
        assert_eq!(state.windows[0].limit.current(), 84);
        state.in_flight = 1;
        let t2 = t1 + Duration::from_millis(1);
        state.release(t2, t2, Outcome::Throttled(None));
        assert_eq!(state.windows[0].limit.current(), 58);
        // Too many active requests lowers the concurrency limit instead.
        state.in_flight = 1;
        let t3 = t2 + Duration::from_millis(1);
        state.release(t3, t3, Outcome::TooManyActive(None));
        assert_eq!(state.concurrent.as_ref().unwrap().current(), 3);
        assert_eq!(state.windows[0].limit.current(), 58);
        // Ten successes give one request per minute back.
        for _ in 0..10 {
            state.release(t3, t3, Outcome::Success);
        }
        assert_eq!(state.windows[0].limit.current(), 59);
        for _ in 0..10_000 {
            state.release(t3, t3, Outcome::Success);
        }
        assert_eq!(state.windows[0].limit.current(), 120);
        assert_eq!(state.concurrent.as_ref().unwrap().current(), 5);
    }

    #[test]
    fn retry_after_on_a_throttle_holds_everyone_back() {
        let mut state = state(&Pacing::delegated());
        let t0 = Instant::now();
        state.in_flight = 1;
        state.release(t0, t0, Outcome::Throttled(Some(Duration::from_secs(30))));
        assert!(!admit(&mut state, t0 + Duration::from_secs(29)));
        assert!(admit(&mut state, t0 + Duration::from_secs(30)));
    }

    #[test]
    fn the_log_stays_small_whatever_the_limit() {
        let pacing = Pacing::custom().limit(1_000_000, Duration::from_secs(60));
        let mut state = state(&pacing);
        let t0 = Instant::now();
        for n in 0..100_000u64 {
            state.release(t0 + Duration::from_millis(n), t0, Outcome::Other);
        }
        // 100 s of requests, one a millisecond: the last minute's, in entries of 0.6 s.
        let window = &state.windows[0];
        assert!(window.log.len() <= 102, "{}", window.log.len());
        assert!((59_000..=60_600).contains(&window.held), "{}", window.held);
    }
}
