//! When and how long to wait before repeating a request: `RetryPolicy`, `Retry-After` and
//! back-off with jitter.

use std::hash::{BuildHasher, RandomState};
use std::time::{Duration, SystemTime};

use crate::error::GaveUp;
use crate::request::Method;

/// How the client repeats failed requests.
///
/// A request is repeated only when repeating it cannot do twice what the caller asked once:
/// a `GET` after any failure that may pass, a write (`POST`, `PATCH`, `DELETE`) only when the
/// answer proves the service did not process it. Any other failure of a write is an error of
/// kind [`ErrorKind::OutcomeUnknown`](crate::ErrorKind::OutcomeUnknown): it may have taken
/// effect, so the caller reads the state before sending it again.
///
/// | the attempt's answer | `GET` | `POST`, `PATCH`, `DELETE` |
/// |---|---|---|
/// | `429 Too Many Requests` | repeated | repeated |
/// | a OneNote code saying the service throttled or was busy (20166, 10003, 10007, 30103), with any status | repeated | repeated |
/// | `401 Unauthorized`, once, with a fresh token | repeated | repeated |
/// | no connection: refused, or connecting timed out (nothing was sent) | repeated | repeated |
/// | `503` or another 5xx without such a code | repeated | not repeated: `OutcomeUnknown` |
/// | a timeout, or the connection lost, after the request went out | repeated | not repeated: `OutcomeUnknown` |
/// | `isRetriable: true` in the body of another status | repeated | not repeated |
/// | `isRetriable: false` in the body, whatever the status | not repeated | not repeated (a 5xx is still `OutcomeUnknown`) |
/// | any other status (`400`, `404`, `409`, …), or a success whose body is over the limit | not repeated | not repeated |
///
/// Why `DELETE` counts as a write although HTTP calls it idempotent: on OneNote a `DELETE`
/// repeated after one that worked answers `404` (code 20102), so the caller of a removal that
/// succeeded would be told "not found"; a repeat can also undo what another writer did in
/// between (a student added back, a permission granted again), and with
/// `Prefer: respond-async` it starts a second operation. So a `DELETE` whose outcome is
/// unknown is reported as such, and the caller checks (a `GET` that answers `404` means it is
/// done). The API has no `PUT`.
///
/// Every wait before a repeat honours `Retry-After` (seconds or an HTTP date); without it the
/// client backs off exponentially with jitter. Every repeat waits for a slot of the client's
/// [`Pacing`](crate::Pacing) too, so repeats never add to the throttling. The `401` re-send
/// happens once, even under [`none`](Self::none): the cached token is dropped and the provider
/// asked again; when it returns the same token, or the second attempt gets a `401` too, the
/// `401` is the error.
///
/// Repeating stops after [`max_attempts`](Self::max_attempts) attempts, or when the next wait
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

/// How an attempt ended, as far as whether the service processed it goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Answer {
    /// The service answered with this status.
    Status(u16),
    /// No connection was made: nothing of the request was sent.
    NotConnected,
    /// The request went out (or may have), then no answer came: a timeout, or the connection
    /// was lost.
    Lost,
}

/// What an attempt's answer proves about whether the service processed the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Evidence {
    /// Not processed: throttled or busy, refused for its token, or never sent.
    NotProcessed,
    /// Processed or not, nobody knows: a 5xx without a throttling code, a timeout, a lost
    /// connection.
    Unknown,
    /// The service gave its answer (another status, or a success the client could not use).
    Answered,
}

/// The facts about one failed attempt the policy decides on.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Failure {
    pub(crate) method: Method,
    /// How the attempt ended.
    pub(crate) answer: Answer,
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

impl Failure {
    /// The status, when the service answered.
    pub(crate) fn status(&self) -> Option<u16> {
        match self.answer {
            Answer::Status(status) => Some(status),
            Answer::NotConnected | Answer::Lost => None,
        }
    }

    /// What the answer proves about whether the request was processed.
    pub(crate) fn evidence(&self) -> Evidence {
        if self.unusable_success {
            return Evidence::Answered;
        }
        match self.answer {
            Answer::NotConnected => Evidence::NotProcessed,
            Answer::Lost => Evidence::Unknown,
            Answer::Status(401 | 429) => Evidence::NotProcessed,
            Answer::Status(_) if self.throttled_code => Evidence::NotProcessed,
            Answer::Status(status) if status >= 500 => Evidence::Unknown,
            Answer::Status(_) => Evidence::Answered,
        }
    }

    /// Whether this failure leaves the request's effect unknown to the caller: a write that
    /// may have been processed (a `GET` changes nothing, so its outcome is never in doubt).
    pub(crate) fn outcome_unknown(&self) -> bool {
        !self.method.is_safe() && self.evidence() == Evidence::Unknown
    }
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
    /// Whether `failure` may be repeated at all, whatever the attempts so far (the table in
    /// the type's docs).
    pub(crate) fn classify(&self, failure: &Failure) -> Retryable {
        if failure.answer == Answer::Status(401) {
            return Retryable::WithFreshToken;
        }
        let safe = failure.method.is_safe();
        let repeatable = match failure.evidence() {
            Evidence::NotProcessed => true,
            Evidence::Unknown => safe,
            // Only the service's own word makes another answer worth repeating, and only
            // for a read.
            Evidence::Answered => {
                safe && !failure.unusable_success && failure.service_retriable == Some(true)
            }
        };
        if repeatable && failure.service_retriable != Some(false) {
            Retryable::Yes
        } else {
            Retryable::No
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
            answer: Answer::Status(status),
            throttled_code: false,
            service_retriable: None,
            retry_after: None,
            unusable_success: false,
        }
    }

    fn ended(method: Method, answer: Answer) -> Failure {
        Failure {
            answer,
            ..status(method, 0)
        }
    }

    const WRITES: [Method; 3] = [Method::Post, Method::Patch, Method::Delete];

    #[test]
    fn proof_of_no_processing_repeats_every_method() {
        let policy = RetryPolicy::new();
        for method in WRITES.into_iter().chain([Method::Get]) {
            let yes = |failure: Failure| policy.classify(&failure) == Retryable::Yes;
            assert!(yes(status(method, 429)), "{method}");
            assert!(yes(ended(method, Answer::NotConnected)), "{method}");
            // A throttling code says the request was refused, whatever the status.
            for code_status in [500, 503, 400] {
                let busy = Failure {
                    throttled_code: true,
                    ..status(method, code_status)
                };
                assert!(yes(busy), "{method} {code_status}");
                assert!(!busy.outcome_unknown());
            }
            assert_eq!(
                policy.classify(&status(method, 401)),
                Retryable::WithFreshToken
            );
        }
    }

    #[test]
    fn a_write_that_may_have_been_processed_is_not_repeated_and_its_outcome_is_unknown() {
        let policy = RetryPolicy::new();
        for method in WRITES {
            for failure in [
                status(method, 500),
                status(method, 502),
                status(method, 503),
                status(method, 504),
                ended(method, Answer::Lost),
            ] {
                assert_eq!(policy.classify(&failure), Retryable::No, "{failure:?}");
                assert!(failure.outcome_unknown(), "{failure:?}");
            }
        }
    }

    #[test]
    fn a_read_is_repeated_after_any_failure_that_may_pass() {
        let policy = RetryPolicy::new();
        for failure in [
            status(Method::Get, 500),
            status(Method::Get, 503),
            ended(Method::Get, Answer::Lost),
        ] {
            assert_eq!(policy.classify(&failure), Retryable::Yes, "{failure:?}");
            assert!(!failure.outcome_unknown());
        }
    }

    #[test]
    fn other_answers_are_final() {
        let policy = RetryPolicy::new();
        for method in WRITES.into_iter().chain([Method::Get]) {
            for code in [400, 403, 404, 409] {
                let failure = status(method, code);
                assert_eq!(policy.classify(&failure), Retryable::No);
                assert!(!failure.outcome_unknown());
            }
            let too_large = Failure {
                unusable_success: true,
                ..status(method, 200)
            };
            assert_eq!(policy.classify(&too_large), Retryable::No);
            assert!(!too_large.outcome_unknown());
        }
    }

    #[test]
    fn the_services_is_retriable_is_honoured_but_never_repeats_a_processed_write() {
        let policy = RetryPolicy::new();
        let with = |failure: Failure, retriable: bool| {
            let failure = Failure {
                service_retriable: Some(retriable),
                ..failure
            };
            (policy.classify(&failure), failure.outcome_unknown())
        };
        assert_eq!(
            with(status(Method::Get, 503), false),
            (Retryable::No, false)
        );
        assert_eq!(
            with(status(Method::Post, 429), false),
            (Retryable::No, false)
        );
        assert_eq!(
            with(status(Method::Post, 503), false),
            (Retryable::No, true)
        );
        assert_eq!(
            with(status(Method::Get, 409), true),
            (Retryable::Yes, false)
        );
        assert_eq!(
            with(status(Method::Delete, 400), true),
            (Retryable::No, false)
        );
        assert_eq!(with(status(Method::Post, 500), true), (Retryable::No, true));
        assert_eq!(
            with(status(Method::Patch, 409), true),
            (Retryable::No, false)
        );
        assert_eq!(
            with(status(Method::Post, 429), true),
            (Retryable::Yes, false)
        );
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
