//! Checking files in parallel and handing each result to the writer as soon as it and
//! every file before it are done: findings reach the output in input order while
//! later files are still being checked (`nianbao check DIR | head` prints at once).
//!
//! Workers take files in order; a worker does not start a file more than `WINDOW`
//! files ahead of the one being written, so at most `WINDOW` checked documents wait in
//! the reordering buffer, whatever the number of files or findings. The worker that
//! finishes the file next in order writes it, and the ones after it that are ready: no
//! thread sleeps waiting for results and is woken for each file (on two cores a
//! writing thread of its own cost a wake-up and a context switch per file). The writer
//! can stop the run (a closed pipe): workers finish the file they are on and stop.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

/// Files checked ahead of the one being written, at most.
pub const WINDOW: usize = 16;

/// Whether the writer wants more results.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Flow {
    Continue,
    Stop,
}

/// What the workers share for writing: results waiting for the ones before them,
/// the index of the next to write, and the writer.
struct Writing<R, W> {
    waiting: BTreeMap<usize, R>,
    next: usize,
    write: W,
    flow: Flow,
    /// Workers waiting for the window to move (woken only when there are some).
    sleepers: usize,
}

/// Runs `work` over `items` on `threads` threads and calls `write` with each result in
/// the order of `items` (on whichever worker finished the result next in order; one
/// call at a time). Returns `Flow::Stop` when `write` stopped the run.
pub fn in_order<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    work: impl Fn(&T) -> R + Sync,
    write: impl FnMut(R) -> Flow + Send,
) -> Flow {
    if items.is_empty() {
        return Flow::Continue;
    }
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let writing = Mutex::new(Writing {
        waiting: BTreeMap::new(),
        next: 0,
        write,
        flow: Flow::Continue,
        sleepers: 0,
    });
    let advanced = Condvar::new();
    let threads = threads.clamp(1, items.len());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let (next, stop, writing, advanced, work) = (&next, &stop, &writing, &advanced, &work);
            scope.spawn(move || {
                loop {
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { return };
                    {
                        let Ok(mut w) = writing.lock() else { return };
                        while i >= w.next + WINDOW && !stop.load(Ordering::Relaxed) {
                            w.sleepers += 1;
                            w = match advanced.wait(w) {
                                Ok(w) => w,
                                Err(_) => return,
                            };
                            w.sleepers -= 1;
                        }
                    }
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    let result = work(item);
                    let Ok(mut guard) = writing.lock() else {
                        return;
                    };
                    let w = &mut *guard;
                    if w.flow == Flow::Stop {
                        return;
                    }
                    w.waiting.insert(i, result);
                    let before = w.next;
                    while let Some(result) = w.waiting.remove(&w.next) {
                        w.next += 1;
                        if (w.write)(result) == Flow::Stop {
                            w.flow = Flow::Stop;
                            stop.store(true, Ordering::Relaxed);
                            w.waiting.clear();
                            break;
                        }
                    }
                    if w.sleepers > 0 && (w.next != before || w.flow == Flow::Stop) {
                        advanced.notify_all();
                    }
                }
            });
        }
    });
    writing.into_inner().map_or(Flow::Stop, |w| w.flow)
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
    fn the_writer_runs_once_at_a_time_on_the_workers() {
        let items: Vec<usize> = (0..2_000).collect();
        let inside = AtomicBool::new(false);
        let caller = std::thread::current().id();
        let mut written = Vec::new();
        let flow = in_order(
            &items,
            3,
            |&i| i,
            |r| {
                assert!(!inside.swap(true, Ordering::SeqCst), "two writes at once");
                assert_ne!(std::thread::current().id(), caller);
                written.push(r);
                inside.store(false, Ordering::SeqCst);
                Flow::Continue
            },
        );
        assert_eq!(flow, Flow::Continue);
        assert_eq!(written, items);
    }

    #[test]
    fn no_items_no_calls() {
        let items: Vec<u8> = Vec::new();
        let flow = in_order(&items, 2, |_| 0, |_: i32| panic!("nothing to write"));
        assert_eq!(flow, Flow::Continue);
    }
}
