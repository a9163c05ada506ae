//! Checking files in parallel and handing each result to the writer as soon as it and
//! every file before it are done: findings reach the output in input order while
//! later files are still being checked (`nianbao check DIR | head` prints at once).
//!
//! Workers take files in order; a worker does not start a file more than `WINDOW`
//! files ahead of the one being written, so at most `WINDOW` checked documents wait in
//! the reordering buffer, whatever the number of files or findings. The writer can
//! stop the run (a closed pipe): workers finish the file they are on and stop.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, mpsc};

/// Files checked ahead of the one being written, at most.
pub const WINDOW: usize = 16;

/// Whether the writer wants more results.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Flow {
    Continue,
    Stop,
}

/// Runs `work` over `items` on `threads` threads and calls `write` with each result in
/// the order of `items`, on the calling thread. Returns `Flow::Stop` when `write`
/// stopped the run.
pub fn in_order<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    work: impl Fn(&T) -> R + Sync,
    mut write: impl FnMut(R) -> Flow,
) -> Flow {
    if items.is_empty() {
        return Flow::Continue;
    }
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    // Index of the next result to write: a worker waits while its file is WINDOW
    // files ahead of it.
    let written = Mutex::new(0usize);
    let advanced = Condvar::new();
    let (send, receive) = mpsc::channel::<(usize, R)>();
    let threads = threads.clamp(1, items.len());
    let mut flow = Flow::Continue;
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let send = send.clone();
            let (next, stop, written, advanced, work) = (&next, &stop, &written, &advanced, &work);
            scope.spawn(move || {
                loop {
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { return };
                    {
                        let Ok(mut w) = written.lock() else { return };
                        while i >= *w + WINDOW && !stop.load(Ordering::Relaxed) {
                            w = match advanced.wait(w) {
                                Ok(w) => w,
                                Err(_) => return,
                            };
                        }
                    }
                    if stop.load(Ordering::Relaxed) || send.send((i, work(item))).is_err() {
                        return;
                    }
                }
            });
        }
        drop(send);
        let mut waiting: BTreeMap<usize, R> = BTreeMap::new();
        let mut expected = 0usize;
        for (i, result) in receive.iter() {
            waiting.insert(i, result);
            while let Some(result) = waiting.remove(&expected) {
                expected += 1;
                if let Ok(mut w) = written.lock() {
                    *w = expected;
                }
                advanced.notify_all();
                if write(result) == Flow::Stop {
                    flow = Flow::Stop;
                    stop.store(true, Ordering::Relaxed);
                    advanced.notify_all();
                    waiting.clear();
                    break;
                }
            }
            if flow == Flow::Stop || expected == items.len() {
                break;
            }
        }
        // Dropping the receiver makes a worker's next send fail: it stops.
        drop(receive);
    });
    flow
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_input_order_with_bounded_lookahead() {
        let items: Vec<usize> = (0..500).collect();
        let started = AtomicUsize::new(0);
        let written = AtomicUsize::new(0);
        let mut out = Vec::new();
        let flow = in_order(
            &items,
            4,
            |&i| {
                started.fetch_add(1, Ordering::SeqCst);
                // Later items finish first, now and then.
                if i % 7 == 0 {
                    std::thread::yield_now();
                }
                i * 2
            },
            |r| {
                let ahead = started.load(Ordering::SeqCst) - written.load(Ordering::SeqCst);
                assert!(ahead <= WINDOW + 4, "{ahead} files checked ahead");
                written.fetch_add(1, Ordering::SeqCst);
                out.push(r);
                Flow::Continue
            },
        );
        assert_eq!(flow, Flow::Continue);
        assert_eq!(out, items.iter().map(|i| i * 2).collect::<Vec<_>>());
    }

    #[test]
    fn the_writer_can_stop_the_run() {
        let items: Vec<usize> = (0..10_000).collect();
        let done = AtomicUsize::new(0);
        let mut seen = 0;
        let flow = in_order(
            &items,
            2,
            |&i| {
                done.fetch_add(1, Ordering::SeqCst);
                i
            },
            |_| {
                seen += 1;
                if seen == 3 {
                    Flow::Stop
                } else {
                    Flow::Continue
                }
            },
        );
        assert_eq!(flow, Flow::Stop);
        assert_eq!(seen, 3);
        assert!(done.load(Ordering::SeqCst) <= 3 + WINDOW + 2);
    }

    #[test]
    fn no_items_no_calls() {
        let items: Vec<u8> = Vec::new();
        let flow = in_order(&items, 2, |_| 0, |_: i32| panic!("nothing to write"));
        assert_eq!(flow, Flow::Continue);
    }
}
