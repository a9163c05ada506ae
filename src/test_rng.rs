//! Deterministic numbers for the unit tests that compare a fast path with the
//! straightforward computation on generated inputs (xorshift: the same sequence at
//! every run, so a failure can be replayed). `tests/common/rng.rs` is the same for the
//! integration tests.

/// A generator of numbers below its argument (`0` for `0`), from `seed`.
pub(crate) fn below(mut seed: u64) -> impl FnMut(usize) -> usize {
    move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n.max(1) as u64) as usize
    }
}
