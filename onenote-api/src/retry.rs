//! When and how long to wait before repeating a request: `RetryPolicy`, `Retry-After` and
//! back-off with jitter.

use std::hash::{BuildHasher, RandomState};
use std::time::{Duration, SystemTime};

use crate::error::GaveUp;
use crate::request::Method;

/// How the client repeats failed requests.
///
/// What is retried:
/// - `429 Too Many Requests` and `503 Service Unavailable`, and any status whose OneNote code
///   says the service is throttling or busy (20166, 10003, 10007, 30103), for every method:
///   the service refused the request before acting on it. `Retry-After` (seconds or an HTTP
///   date) is honoured; without it the client backs off exponentially with jitter. Every
///   retry waits for a slot of the client's [`Pacing`](crate::Pacing) too, so retries never
///   add to the throttling.
/// - other 5xx statuses, transport failures and timeouts, only for idempotent methods
///   (GET, DELETE). POST and PATCH are not repeated then: the first attempt may have taken
///   effect.
/// - `401 Unauthorized` once, for every method, with a fresh token: the request was not
///   processed. The cached token is dropped and the provider asked again; when it returns the
///   same token, or the second attempt gets a 401 too, the 401 is the error. This one
///   re-send happens even under [`none`](Self::none).
///
/// The service's own `isRetriable` in the error body is honoured: `false` stops retries that
/// would otherwise happen (a 503 the service calls permanent); `true` makes any status
/// retryable for idempotent methods, but never makes a POST or PATCH repeat unless the status
/// or code already says the request was not processed.
///
/// Retrying stops after [`max_attempts`](Self::max_attempts) attempts, or when the next wait
/// would push the total time spent waiting past [`max_wait`](Self::max_wait); the final error
/// says how many attempts were made and how long the client waited. (Waiting for a pacing slot
/// is bounded separately, by [`Pacing::max_wait`](crate::Pacing::max_wait).)
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
    /// Repeat once at once with a fresh token (a 401).
    WithFreshToken,
}

/// The facts about one failed attempt the policy decides on.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Failure {
    pub(crate) method: Method,
    /// The HTTP status, or `None` when no response arrived (transport failure, timeout).
    pub(crate) status: Option<u16>,
    /// Whether the error code says the service is throttling or busy.
    pub(crate) throttled_code: bool,
    /// `isRetriable` from the error body.
    pub(crate) service_retriable: Option<bool>,
    /// The response's `Retry-After`.
    pub(crate) retry_after: Option<Duration>,
    /// Whether a success status came with a body the client could not accept (too large):
    /// never retried.
    pub(crate) unusable_success: bool,
}

/// Where one request stands after its attempts so far.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Attempts {
    /// Attempts sent so far.
    pub(crate) sent: u32,
    /// Time spent waiting between attempts (back-off and `Retry-After`; not pacing).
    pub(crate) waited: Duration,
    /// Back-off retries so far (the exponent of the next back-off).
    pub(crate) backoffs: u32,
    /// Whether the token was already refreshed after a 401.
    pub(crate) refreshed: bool,
}

/// What to do after a failed attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Next {
    /// Send again after waiting `after`.
    RetryAfter(Duration),
    /// Drop the token, fetch a fresh one and send again at once.
    RefreshToken,
    /// Stop: the failure is the request's error.
    GiveUp(GaveUp),
}

impl RetryPolicy {
    /// Whether `failure` may be repeated at all, whatever the attempts so far.
    pub(crate) fn classify(&self, failure: &Failure) -> Retryable {
        if failure.unusable_success {
            return Retryable::No;
        }
        let Some(status) = failure.status else {
            return if failure.method.is_idempotent() {
                Retryable::Yes
            } else {
                Retryable::No
            };
        };
        if status == 401 {
            return Retryable::WithFreshToken;
        }
        // Refused before the service acted on it: safe to repeat for every method.
        let refused = matches!(status, 429 | 503) || failure.throttled_code;
        let by_status = refused || (status >= 500 && failure.method.is_idempotent());
        match failure.service_retriable {
            Some(false) => Retryable::No,
            Some(true) if failure.method.is_idempotent() || refused => Retryable::Yes,
            _ if by_status => Retryable::Yes,
            _ => Retryable::No,
        }
    }

    /// The next step after `failure`, given the attempts so far (including the failed one).
    pub(crate) fn next(&self, failure: &Failure, attempts: &Attempts) -> Next {
        match self.classify(failure) {
            Retryable::No => Next::GiveUp(GaveUp::NotRetryable),
            Retryable::WithFreshToken if attempts.refreshed => Next::GiveUp(GaveUp::NotRetryable),
            Retryable::WithFreshToken => Next::RefreshToken,
            Retryable::Yes => {
                if attempts.sent >= self.max_attempts {
                    return Next::GiveUp(GaveUp::Attempts);
                }
                let delay = failure
                    .retry_after
                    .unwrap_or_else(|| self.backoff(attempts.backoffs));
                if attempts.waited.saturating_add(delay) > self.max_wait {
                    return Next::GiveUp(GaveUp::Budget {
                        next: delay,
                        budget: self.max_wait,
                    });
                }
                Next::RetryAfter(delay)
            }
        }
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

    fn status(method: Method, status: u16) -> Failure {
        Failure {
            method,
            status: Some(status),
            throttled_code: false,
            service_retriable: None,
            retry_after: None,
            unusable_success: false,
        }
    }

    fn transport(method: Method) -> Failure {
        Failure {
            status: None,
            ..status(method, 0)
        }
    }

    #[test]
    fn which_failures_retry() {
        let policy = RetryPolicy::new();
        let yes = |failure: Failure| policy.classify(&failure) == Retryable::Yes;
        assert!(yes(status(Method::Post, 429)));
        assert!(yes(status(Method::Post, 503)));
        assert!(yes(status(Method::Patch, 503)));
        assert!(!yes(status(Method::Post, 500)));
        assert!(!yes(status(Method::Patch, 500)));
        assert!(yes(status(Method::Get, 500)));
        assert!(yes(status(Method::Delete, 502)));
        assert!(yes(status(Method::Delete, 504)));
        assert!(!yes(status(Method::Get, 404)));
        assert!(yes(transport(Method::Get)));
        assert!(!yes(transport(Method::Post)));
        assert!(!yes(transport(Method::Patch)));
        assert_eq!(
            policy.classify(&status(Method::Post, 401)),
            Retryable::WithFreshToken
        );
        // A throttling code says the request was refused, whatever the status.
        let busy = Failure {
            throttled_code: true,
            ..status(Method::Post, 500)
        };
        assert!(yes(busy));
    }

    #[test]
    fn the_services_is_retriable_is_honoured_but_never_repeats_a_processed_post() {
        let policy = RetryPolicy::new();
        let with = |failure: Failure, retriable: bool| {
            policy.classify(&Failure {
                service_retriable: Some(retriable),
                ..failure
            })
        };
        assert_eq!(with(status(Method::Get, 503), false), Retryable::No);
        assert_eq!(with(status(Method::Post, 429), false), Retryable::No);
        assert_eq!(with(status(Method::Get, 409), true), Retryable::Yes);
        assert_eq!(with(status(Method::Delete, 400), true), Retryable::Yes);
        assert_eq!(with(status(Method::Post, 500), true), Retryable::No);
        assert_eq!(with(status(Method::Patch, 409), true), Retryable::No);
        assert_eq!(with(status(Method::Post, 503), true), Retryable::Yes);
    }

    #[test]
    fn next_stops_at_the_attempt_limit_and_the_wait_budget() {
        let policy = RetryPolicy::new()
            .max_attempts(3)
            .max_wait(Duration::from_secs(10))
            .jitter(false);
        let failure = status(Method::Get, 503);
        let mut attempts = Attempts {
            sent: 1,
            ..Attempts::default()
        };
        assert_eq!(
            policy.next(&failure, &attempts),
            Next::RetryAfter(Duration::from_secs(1))
        );
        attempts.sent = 3;
        assert_eq!(
            policy.next(&failure, &attempts),
            Next::GiveUp(GaveUp::Attempts)
        );
        attempts.sent = 1;
        let slow = Failure {
            retry_after: Some(Duration::from_secs(11)),
            ..failure
        };
        assert_eq!(
            policy.next(&slow, &attempts),
            Next::GiveUp(GaveUp::Budget {
                next: Duration::from_secs(11),
                budget: Duration::from_secs(10)
            })
        );
        let unauthorized = status(Method::Post, 401);
        assert_eq!(policy.next(&unauthorized, &attempts), Next::RefreshToken);
        attempts.refreshed = true;
        assert_eq!(
            policy.next(&unauthorized, &attempts),
            Next::GiveUp(GaveUp::NotRetryable)
        );
        // The 401 re-send does not depend on the attempt limit.
        let none = RetryPolicy::none();
        let first = Attempts {
            sent: 1,
            ..Attempts::default()
        };
        assert_eq!(none.next(&unauthorized, &first), Next::RefreshToken);
    }

    #[test]
    fn none_sends_once() {
        assert_eq!(RetryPolicy::none().attempts_limit(), 1);
        assert_eq!(RetryPolicy::new().max_attempts(0).attempts_limit(), 1);
    }
}
