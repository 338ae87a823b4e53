//! When and how long to wait before repeating a request: `RetryPolicy`, `Retry-After` and
//! back-off with jitter.

use std::hash::{BuildHasher, RandomState};
use std::time::{Duration, SystemTime};

use crate::request::Method;

/// How the client repeats failed requests.
///
/// What is retried:
/// - `429 Too Many Requests` and `503 Service Unavailable`, for every method: the service
///   refused the request before acting on it. `Retry-After` (seconds or an HTTP date) is
///   honoured; a 429 or 503 without it backs off exponentially with jitter.
/// - other 5xx statuses, transport failures and timeouts, only for idempotent methods
///   (GET, DELETE). POST and PATCH are not repeated then: the first attempt may have taken
///   effect.
///
/// Retrying stops after [`max_attempts`](Self::max_attempts) attempts, or when the next wait
/// would push the total time spent waiting past [`max_wait`](Self::max_wait); the final error
/// says how many attempts were made and how long the client waited.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    max_wait: Duration,
    initial_backoff: Duration,
    max_backoff: Duration,
    jitter: bool,
}

impl Default for RetryPolicy {
    /// 4 attempts, at most 60 s of waiting in total, back-off from 1 s doubling up to 30 s,
    /// with jitter.
    fn default() -> Self {
        Self {
            max_attempts: 4,
            max_wait: Duration::from_secs(60),
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// The default policy (see [`Default`](#impl-Default-for-RetryPolicy)).
    pub fn new() -> Self {
        Self::default()
    }

    /// Never retry: every request is sent once.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            max_wait: Duration::ZERO,
            ..Self::default()
        }
    }

    /// Total attempts including the first (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The most time spent waiting between attempts, summed over one request.
    pub fn max_wait(mut self, budget: Duration) -> Self {
        self.max_wait = budget;
        self
    }

    /// The first back-off delay when the service gives no `Retry-After`; it doubles per retry.
    pub fn initial_backoff(mut self, delay: Duration) -> Self {
        self.initial_backoff = delay;
        self
    }

    /// The longest single back-off delay (a `Retry-After` from the service may be longer).
    pub fn max_backoff(mut self, delay: Duration) -> Self {
        self.max_backoff = delay;
        self
    }

    /// Whether back-off delays are randomised (between half and all of the computed delay) so
    /// many clients do not retry in lockstep. On by default.
    pub fn jitter(mut self, enabled: bool) -> Self {
        self.jitter = enabled;
        self
    }

    /// The configured attempt limit.
    pub fn attempts_limit(&self) -> u32 {
        self.max_attempts
    }

    /// The configured total wait budget.
    pub fn wait_budget(&self) -> Duration {
        self.max_wait
    }

    /// The back-off before retry number `retry` (0 for the first retry), before jitter:
    /// `initial_backoff * 2^retry`, capped at `max_backoff`.
    pub(crate) fn backoff_ceiling(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry);
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }

    /// The back-off before retry number `retry`, with jitter when enabled.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self.backoff_ceiling(retry);
        if !self.jitter {
            return ceiling;
        }
        jittered(ceiling, random_u64())
    }
}

/// A delay between half of `ceiling` and `ceiling`, picked by `random`.
fn jittered(ceiling: Duration, random: u64) -> Duration {
    let half = ceiling / 2;
    let span = u64::try_from((ceiling - half).as_nanos()).unwrap_or(u64::MAX);
    let extra = if span == 0 {
        0
    } else {
        random % span.saturating_add(1)
    };
    half.saturating_add(Duration::from_nanos(extra))
}

/// A random number for jitter. `RandomState` is randomly keyed per instance, which is all the
/// randomness jitter needs, without a dependency.
fn random_u64() -> u64 {
    RandomState::new().hash_one(0u8)
}

/// What a failed attempt means for retrying.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Retryable {
    /// Not worth repeating (or not safe for this method).
    No,
    /// Repeat after the service's `Retry-After`, or after back-off when it gave none.
    Yes,
}

/// Whether a response status may be retried for `method`.
pub(crate) fn classify_status(status: u16, method: Method) -> Retryable {
    match status {
        429 | 503 => Retryable::Yes,
        500..=599 if method.is_idempotent() => Retryable::Yes,
        _ => Retryable::No,
    }
}

/// Whether a transport failure (connect, send, read, timeout) may be retried for `method`.
pub(crate) fn classify_transport(method: Method) -> Retryable {
    if method.is_idempotent() {
        Retryable::Yes
    } else {
        Retryable::No
    }
}

/// Parses a `Retry-After` value: delta-seconds, or an HTTP date measured from `now` (the
/// response's `Date` when it has one, so client clock skew does not matter). A date in the
/// past means "now". Unparseable values give `None`.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // More digits than u64 holds is still "a very long time".
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> SystemTime {
        httpdate::parse_http_date(text).unwrap()
    }

    #[test]
    fn retry_after_seconds() {
        let now = SystemTime::UNIX_EPOCH;
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Some(Duration::from_secs(u64::MAX))
        );
        assert_eq!(parse_retry_after("-1", now), None);
        assert_eq!(parse_retry_after("1.5", now), None);
        assert_eq!(parse_retry_after("", now), None);
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn retry_after_http_date() {
        let now = at("Sun, 25 Feb 2018 23:17:16 GMT");
        assert_eq!(
            parse_retry_after("Sun, 25 Feb 2018 23:17:19 GMT", now),
            Some(Duration::from_secs(3))
        );
        // Obsolete formats are accepted too.
        assert_eq!(
            parse_retry_after("Sunday, 25-Feb-18 23:18:16 GMT", now),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            parse_retry_after("Sun, 25 Feb 2018 23:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(
            parse_retry_after("Sun, 31 Feb 2018 23:00:00 GMT", now),
            None
        );
    }

    #[test]
    fn backoff_doubles_and_caps() {
        let policy = RetryPolicy::new()
            .initial_backoff(Duration::from_secs(1))
            .max_backoff(Duration::from_secs(10))
            .jitter(false);
        let delays: Vec<_> = (0..6).map(|n| policy.backoff(n).as_secs()).collect();
        assert_eq!(delays, [1, 2, 4, 8, 10, 10]);
        assert_eq!(policy.backoff(u32::MAX), Duration::from_secs(10));
    }

    #[test]
    fn jitter_stays_within_half_and_full() {
        let policy = RetryPolicy::new();
        for retry in 0..8 {
            let ceiling = policy.backoff_ceiling(retry);
            for _ in 0..200 {
                let delay = policy.backoff(retry);
                assert!(
                    delay >= ceiling / 2 && delay <= ceiling,
                    "{delay:?} vs {ceiling:?}"
                );
            }
        }
        assert_eq!(jittered(Duration::from_secs(4), 0), Duration::from_secs(2));
        assert_eq!(
            jittered(Duration::from_secs(4), 2_000_000_000),
            Duration::from_secs(4)
        );
        assert_eq!(jittered(Duration::ZERO, 7), Duration::ZERO);
        assert!(jittered(Duration::MAX, u64::MAX) >= Duration::MAX / 2);
    }

    #[test]
    fn which_failures_retry() {
        assert_eq!(classify_status(429, Method::Post), Retryable::Yes);
        assert_eq!(classify_status(503, Method::Post), Retryable::Yes);
        assert_eq!(classify_status(503, Method::Patch), Retryable::Yes);
        assert_eq!(classify_status(500, Method::Post), Retryable::No);
        assert_eq!(classify_status(500, Method::Patch), Retryable::No);
        assert_eq!(classify_status(500, Method::Get), Retryable::Yes);
        assert_eq!(classify_status(502, Method::Delete), Retryable::Yes);
        assert_eq!(classify_status(504, Method::Delete), Retryable::Yes);
        assert_eq!(classify_status(404, Method::Get), Retryable::No);
        assert_eq!(classify_status(401, Method::Get), Retryable::No);
        assert_eq!(classify_transport(Method::Get), Retryable::Yes);
        assert_eq!(classify_transport(Method::Post), Retryable::No);
        assert_eq!(classify_transport(Method::Patch), Retryable::No);
    }

    #[test]
    fn none_sends_once() {
        assert_eq!(RetryPolicy::none().attempts_limit(), 1);
        assert_eq!(RetryPolicy::new().max_attempts(0).attempts_limit(), 1);
    }
}
