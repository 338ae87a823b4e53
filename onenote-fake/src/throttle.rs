//! OneNote's per-user throttling: requests a minute, requests an hour and requests at once,
//! measured on the fake's clock. A refused request is a 429 with no `Retry-After` (OneNote
//! sends none) unless one is asked for.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::error::ApiError;

const MINUTE: Duration = Duration::from_secs(60);
const HOUR: Duration = Duration::from_secs(3600);

/// Per-user limits. [`Default`] is OneNote's published delegated limits: 120 requests a
/// minute, 400 an hour, 5 at once, and no `Retry-After` on the 429.
///
/// In a fault file: `"throttling": { "requestsPerMinute": 120, "requestsPerHour": 400,
/// "concurrentRequests": 5, "retryAfterSeconds": 30 }` (every field optional).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Throttling {
    /// Requests a user may make in any 60 s.
    pub requests_per_minute: u32,
    /// Requests a user may make in any hour.
    pub requests_per_hour: u32,
    /// Requests a user may have in flight at once.
    pub concurrent_requests: u32,
    /// Sends `Retry-After` with this many seconds on every 429 (OneNote does not).
    pub retry_after_seconds: Option<u64>,
}

impl Default for Throttling {
    fn default() -> Self {
        Self {
            requests_per_minute: 120,
            requests_per_hour: 400,
            concurrent_requests: 5,
            retry_after_seconds: None,
        }
    }
}

impl Throttling {
    /// OneNote's limits (the default).
    pub fn onenote() -> Self {
        Self::default()
    }

    /// Sets the requests allowed in any minute.
    pub fn per_minute(mut self, requests: u32) -> Self {
        self.requests_per_minute = requests;
        self
    }

    /// Sets the requests allowed in any hour.
    pub fn per_hour(mut self, requests: u32) -> Self {
        self.requests_per_hour = requests;
        self
    }

    /// Sets the requests allowed at once.
    pub fn concurrent(mut self, requests: u32) -> Self {
        self.concurrent_requests = requests;
        self
    }

    /// Sends `Retry-After` on every 429.
    pub fn retry_after(mut self, after: Duration) -> Self {
        self.retry_after_seconds = Some(after.as_secs());
        self
    }
}

/// A refused request: its error and the `Retry-After` to send, if any.
#[derive(Debug)]
pub(crate) struct Refusal {
    pub(crate) error: ApiError,
    pub(crate) retry_after: Option<u64>,
}

#[derive(Debug, Default)]
struct Window {
    /// When each admitted request of the last hour arrived, oldest first.
    admitted: VecDeque<Instant>,
    active: u32,
}

/// The throttle's state: one window per user that has called.
#[derive(Debug, Default)]
pub(crate) struct Throttle {
    limits: Option<Throttling>,
    users: HashMap<String, Window>,
}

impl Throttle {
    pub(crate) fn new(limits: Option<Throttling>) -> Self {
        Self {
            limits,
            users: HashMap::new(),
        }
    }

    pub(crate) fn set_limits(&mut self, limits: Option<Throttling>) {
        self.limits = limits;
    }

    /// Admits one request of `upn` at `now` (then [`release`](Self::release) it when
    /// answered), or refuses it. Refused requests do not count against the windows.
    pub(crate) fn admit(&mut self, upn: &str, now: Instant) -> Result<(), Refusal> {
        let Some(limits) = &self.limits else {
            return Ok(());
        };
        let window = self.users.entry(upn.to_owned()).or_default();
        while window
            .admitted
            .front()
            .is_some_and(|at| now.saturating_duration_since(*at) >= HOUR)
        {
            window.admitted.pop_front();
        }
        let last_minute = window
            .admitted
            .iter()
            .rev()
            .take_while(|at| now.saturating_duration_since(**at) < MINUTE)
            .count();
        let refuse = |code: &'static str, message: String| Refusal {
            error: ApiError::new(429, code, message).retriable(),
            retry_after: limits.retry_after_seconds,
        };
        if window.active >= limits.concurrent_requests {
            return Err(refuse(
                "10003",
                format!(
                    "The current user's account exceeded the maximum number of active requests \
                     ({} at once). Repeat the request when one has finished.",
                    limits.concurrent_requests
                ),
            ));
        }
        let hour = window.admitted.len();
        if last_minute >= limits.requests_per_minute as usize
            || hour >= limits.requests_per_hour as usize
        {
            return Err(refuse(
                "20166",
                format!(
                    "Too many requests for this user in a short time: {last_minute} in the last \
                     minute and {hour} in the last hour (the limits are {} a minute and {} an \
                     hour). OneNote sends no Retry-After: pace the requests.",
                    limits.requests_per_minute, limits.requests_per_hour
                ),
            ));
        }
        window.admitted.push_back(now);
        window.active = window.active.saturating_add(1);
        Ok(())
    }

    /// Ends one admitted request of `upn`.
    pub(crate) fn release(&mut self, upn: &str) {
        if let Some(window) = self.users.get_mut(upn) {
            window.active = window.active.saturating_sub(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_minute_window_slides() {
        let mut throttle = Throttle::new(Some(Throttling::onenote().per_minute(2)));
        let start = Instant::now();
        assert!(throttle.admit("u", start).is_ok());
        throttle.release("u");
        assert!(throttle.admit("u", start + Duration::from_secs(30)).is_ok());
        throttle.release("u");
        let refused = throttle
            .admit("u", start + Duration::from_secs(59))
            .unwrap_err();
        assert_eq!(refused.error.status, 429);
        assert_eq!(refused.error.code, "20166");
        assert_eq!(refused.retry_after, None);
        assert!(throttle.admit("other", start).is_ok());
        assert!(throttle.admit("u", start + Duration::from_secs(60)).is_ok());
    }

    #[test]
    fn the_hour_window_counts_too() {
        let mut throttle = Throttle::new(Some(Throttling::onenote().per_hour(3)));
        let start = Instant::now();
        for minute in 0..3 {
            assert!(throttle.admit("u", start + MINUTE * minute).is_ok());
            throttle.release("u");
        }
        assert!(throttle.admit("u", start + MINUTE * 59).is_err());
        assert!(throttle.admit("u", start + HOUR).is_ok());
    }

    #[test]
    fn concurrency_is_limited_until_requests_finish() {
        let limits = Throttling::onenote()
            .concurrent(1)
            .retry_after(Duration::from_secs(7));
        let mut throttle = Throttle::new(Some(limits));
        let now = Instant::now();
        assert!(throttle.admit("u", now).is_ok());
        let refused = throttle.admit("u", now).unwrap_err();
        assert_eq!(refused.error.code, "10003");
        assert_eq!(refused.retry_after, Some(7));
        throttle.release("u");
        assert!(throttle.admit("u", now).is_ok());
    }

    #[test]
    fn without_limits_everything_is_admitted() {
        let mut throttle = Throttle::new(None);
        assert!((0..1000).all(|_| throttle.admit("u", Instant::now()).is_ok()));
    }
}
