//! `Bounded`: runs futures from an iterator with at most N in flight, in one task, without a
//! runtime: dropping it drops every future it runs.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Polls up to `limit` futures at a time, starting the next from `source` as each finishes.
/// Completes when every future has.
pub(crate) struct Bounded<I: Iterator> {
    source: I,
    running: Vec<Pin<Box<I::Item>>>,
    limit: usize,
}

impl<I> Bounded<I>
where
    I: Iterator,
    I::Item: Future<Output = ()>,
{
    pub(crate) fn new(source: I, limit: usize) -> Self {
        Self {
            source,
            running: Vec::new(),
            limit: limit.max(1),
        }
    }
}

impl<I> Future for Bounded<I>
where
    I: Iterator + Unpin,
    I::Item: Future<Output = ()>,
{
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        loop {
            while this.running.len() < this.limit {
                match this.source.next() {
                    Some(future) => this.running.push(Box::pin(future)),
                    None => break,
                }
            }
            if this.running.is_empty() {
                return Poll::Ready(());
            }
            let before = this.running.len();
            // Poll each once; keep the ones still pending, in order.
            this.running
                .retain_mut(|future| future.as_mut().poll(cx).is_pending());
            if this.running.len() == before {
                return Poll::Pending;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::rc::Rc;
    use std::task::Waker;

    /// Pending `polls` times, then ready; counts how many are in flight at once.
    struct Job {
        polls: u32,
        in_flight: Rc<Cell<usize>>,
        peak: Rc<Cell<usize>>,
        started: bool,
    }

    impl Future for Job {
        type Output = ();
        fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
            if !self.started {
                self.started = true;
                self.in_flight.set(self.in_flight.get() + 1);
                self.peak.set(self.peak.get().max(self.in_flight.get()));
            }
            if self.polls == 0 {
                self.in_flight.set(self.in_flight.get() - 1);
                Poll::Ready(())
            } else {
                self.polls -= 1;
                Poll::Pending
            }
        }
    }

    #[test]
    fn never_runs_more_than_the_limit_and_finishes_them_all() {
        let in_flight = Rc::new(Cell::new(0));
        let peak = Rc::new(Cell::new(0));
        let jobs = (0..10u32).map(|i| Job {
            polls: 1 + i % 3,
            in_flight: in_flight.clone(),
            peak: peak.clone(),
            started: false,
        });
        let mut bounded = Bounded::new(jobs, 3);
        let mut cx = Context::from_waker(Waker::noop());
        let mut polls = 0;
        while Pin::new(&mut bounded).poll(&mut cx).is_pending() {
            polls += 1;
            assert!(polls < 100, "never finished");
        }
        assert_eq!(peak.get(), 3);
        assert_eq!(in_flight.get(), 0);
    }
}
