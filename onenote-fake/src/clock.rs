//! The fake's time: one `onenote_api::Clock` tells the server's time (throttling windows, the
//! pace of asynchronous operations, timestamps, `Date`) and can drive the client too.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use onenote_api::{Clock, DateTime};

/// A clock that moves only when told to: [`advance`](Self::advance), or a `sleep`, which
/// returns at once after moving the clock by its duration.
///
/// Give the same clock to the fake ([`FakeOneNoteBuilder::clock`](crate::FakeOneNoteBuilder::clock))
/// and it also drives the clients made by [`FakeOneNote::client_for`](crate::FakeOneNote::client_for):
/// a client that backs off for 30 s after a 429, or waits between polls, moves the fake's
/// throttling windows and operations by exactly that, without sleeping. Cheap to clone; clones
/// share the time.
#[derive(Clone, Debug)]
pub struct ManualClock {
    start: Instant,
    elapsed: Arc<Mutex<Duration>>,
}

impl ManualClock {
    /// A clock standing at the moment it is made.
    pub fn new() -> Self {
        Self {
            start: Instant::now(),
            elapsed: Arc::default(),
        }
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let mut elapsed = self.elapsed.lock().unwrap_or_else(|e| e.into_inner());
        *elapsed = elapsed.saturating_add(by);
    }

    /// How far the clock has moved since it was made.
    pub fn elapsed(&self) -> Duration {
        *self.elapsed.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        // `Instant + Duration` cannot overflow for any duration a test reaches (centuries).
        self.start.checked_add(self.elapsed()).unwrap_or(self.start)
    }

    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + 'static>> {
        self.advance(duration);
        Box::pin(std::future::ready(()))
    }
}

/// A shared clock, so the fake and the clients it makes read the same time.
#[derive(Clone)]
pub(crate) struct SharedClock(pub(crate) Arc<dyn Clock>);

impl Clock for SharedClock {
    fn now(&self) -> Instant {
        self.0.now()
    }

    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + 'static>> {
        self.0.sleep(duration)
    }
}

/// Wall-clock time derived from the clock: `epoch` plus however far the clock has moved since
/// the fake started, so a manual clock moves timestamps and `Date` headers too.
#[derive(Clone)]
pub(crate) struct FakeTime {
    clock: SharedClock,
    started: Instant,
    epoch: SystemTime,
}

impl FakeTime {
    pub(crate) fn new(clock: SharedClock, epoch: SystemTime) -> Self {
        let started = clock.now();
        Self {
            clock,
            started,
            epoch,
        }
    }

    pub(crate) fn clock(&self) -> &SharedClock {
        &self.clock
    }

    /// The clock's instant, for windows and paces.
    pub(crate) fn instant(&self) -> Instant {
        self.clock.now()
    }

    /// The fake's wall-clock time.
    pub(crate) fn wall(&self) -> SystemTime {
        let moved = self.clock.now().saturating_duration_since(self.started);
        self.epoch.checked_add(moved).unwrap_or(self.epoch)
    }

    /// The fake's wall-clock time as a timestamp for JSON and snapshots.
    pub(crate) fn timestamp(&self) -> DateTime {
        DateTime::new(time::OffsetDateTime::from(self.wall()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sleeping_moves_a_manual_clock_and_returns_at_once() {
        let clock = ManualClock::new();
        let before = clock.now();
        let sleep = clock.sleep(Duration::from_secs(90));
        assert_eq!(clock.now() - before, Duration::from_secs(90));
        drop(sleep);
        clock.advance(Duration::from_secs(10));
        assert_eq!(clock.elapsed(), Duration::from_secs(100));
    }

    #[test]
    fn wall_time_follows_the_clock() {
        let clock = ManualClock::new();
        let epoch = SystemTime::UNIX_EPOCH + Duration::from_secs(1_500_000_000);
        let time = FakeTime::new(SharedClock(Arc::new(clock.clone())), epoch);
        assert_eq!(time.wall(), epoch);
        clock.advance(Duration::from_secs(60));
        assert_eq!(time.wall(), epoch + Duration::from_secs(60));
        assert_eq!(time.timestamp().to_string(), "2017-07-14T02:41:00Z");
    }
}
