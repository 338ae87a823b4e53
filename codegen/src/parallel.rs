//! Runs one function over a list on every core, the results in list order.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

/// `work` applied to each item, using up to one thread per core (the calling thread is one of
/// them) when `spread`, else on the calling thread alone. Items are handed out one at a time,
/// so a few large ones do not leave a core idle; the results come back in the order of `items`
/// whichever thread made them. A panic in `work` is resumed on the calling thread.
///
/// `spread` is the caller's judgement that the work pays for a thread: a helper thread costs
/// little on an idle machine, but on a busy one the caller can wait for it to be scheduled.
pub fn map_in_order<T: Sync, R: Send>(
    items: &[T],
    spread: bool,
    work: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let cores = if spread {
        thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        1
    };
    let threads = cores.min(items.len());
    if threads <= 1 {
        return items.iter().map(work).collect();
    }
    let next = AtomicUsize::new(0);
    // Each worker tags its results with the item's index, to merge them in order.
    let tagged = || {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(index) else {
                break done;
            };
            done.push((index, work(item)));
        }
    };
    let mut results: Vec<(usize, R)> = thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(tagged)).collect();
        let mut all = tagged();
        for helper in helpers {
            match helper.join() {
                Ok(done) => all.extend(done),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        all
    });
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_order_of_the_items() {
        let items: Vec<u64> = (0..1000).collect();
        let squares = map_in_order(&items, true, |n| {
            // Uneven work, so threads finish out of order.
            if n % 7 == 0 {
                thread::yield_now();
            }
            n * n
        });
        assert_eq!(squares, items.iter().map(|n| n * n).collect::<Vec<_>>());
    }

    #[test]
    fn no_items_give_no_results() {
        assert!(map_in_order(&[] as &[u8], true, |b| *b).is_empty());
    }

    #[test]
    fn unspread_work_stays_on_the_calling_thread() {
        let caller = thread::current().id();
        let items = [1, 2, 3];
        let threads = map_in_order(&items, false, |_| thread::current().id());
        assert!(threads.iter().all(|id| *id == caller));
    }
}
