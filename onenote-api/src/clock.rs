//! The time source for retry back-off and operation polling, replaceable in tests.

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

/// Tells time and waits. The client uses it for every retry delay, every poll interval and
/// the operation-wait timeout; HTTP timeouts stay with reqwest.
///
/// The default, [`TokioClock`], uses `tokio::time`, so `tokio::time::pause()` applies to it.
/// Tests against a real HTTP server can instead plug in a clock whose `sleep` returns at once
/// and records the delay.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> Instant;

    /// Completes after `duration`.
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + 'static>>;
}

/// The default [`Clock`]: `tokio::time::Instant::now` and `tokio::time::sleep`.
#[derive(Clone, Copy, Debug, Default)]
pub struct TokioClock;

impl Clock for TokioClock {
    fn now(&self) -> Instant {
        tokio::time::Instant::now().into_std()
    }

    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + 'static>> {
        Box::pin(tokio::time::sleep(duration))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn tokio_clock_follows_paused_time() {
        let clock = TokioClock;
        let start = clock.now();
        clock.sleep(Duration::from_secs(30)).await;
        assert_eq!(clock.now() - start, Duration::from_secs(30));
    }
}
