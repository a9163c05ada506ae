//! A hash map for looking up a table's labels by their exact text, with a cheaper hash
//! than the standard library's: every text token of a table region is looked up, and
//! SipHash (built to resist collisions forced by whoever chooses the keys) cost more
//! than the lookups. The keys here are a pack's own labels; a report's text only looks
//! them up, so collisions it could force cost at most a scan of the table's few
//! dozen labels.
//!
//! The hash is FxHash (as rustc uses it): each word of the key is mixed in with a
//! rotate, an xor and a multiplication.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A map from labels (or anything hashed as bytes) to `V`.
pub type LabelMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// A new map with room for `n` entries.
pub fn with_capacity<K, V>(n: usize) -> LabelMap<K, V> {
    HashMap::with_capacity_and_hasher(n, BuildHasherDefault::default())
}

#[derive(Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_found_and_others_are_not() {
        let labels = ["规章", "行政规范性文件", "其他", "1.属于国家秘密", ""];
        let mut map: LabelMap<&str, usize> = with_capacity(labels.len());
        for (i, l) in labels.iter().enumerate() {
            map.insert(l, i);
        }
        for (i, l) in labels.iter().enumerate() {
            assert_eq!(map.get(l), Some(&i));
        }
        for other in [
            "规",
            "规章制度",
            "行政规范性文",
            "其他 ",
            "1.属于国家秘密。",
        ] {
            assert_eq!(map.get(other), None, "{other}");
        }
    }

    #[test]
    fn the_hash_depends_on_every_byte() {
        let hash = |s: &str| {
            let mut h = FxHasher::default();
            h.write(s.as_bytes());
            h.finish()
        };
        let base = "行政规范性文件本年新收";
        for i in 0..base.len() {
            let mut bytes = base.as_bytes().to_vec();
            bytes[i] ^= 1;
            let mut h = FxHasher::default();
            h.write(&bytes);
            assert_ne!(h.finish(), hash(base), "byte {i}");
        }
    }
}
