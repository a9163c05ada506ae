//! xorshift64*: a small deterministic generator for the tests that make random inputs
//! (damaged reports, generated series). A fixed seed gives a fixed sequence, so a
//! failure is reproduced by the same run.

pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// `below` for a count held as `u32`.
    pub fn below_u32(&mut self, n: u32) -> u32 {
        (self.next() % u64::from(n.max(1))) as u32
    }

    /// True once in `one_in` times, on average.
    pub fn chance(&mut self, one_in: u32) -> bool {
        self.below_u32(one_in) == 0
    }
}
