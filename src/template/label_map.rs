//! A hash map for looking up a table's labels by their exact text, with a cheaper hash
//! than the standard library's (here, below the parser, so that a table template can
//! keep its labels' map: `TableTemplate::rows_by_label`): every text token of a table
//! region is looked up, and SipHash (built to resist collisions forced by whoever
//! chooses the keys) cost more than the lookups. The keys here are a pack's own labels; a report's text only looks
//! them up, so collisions it could force cost at most a scan of the table's few
//! dozen labels.
//!
//! The hash is `foldhash`'s fast one with its fixed seed: the same in every run, so
//! nothing can depend on a process's random state.

use std::collections::HashMap;

use foldhash::fast::FixedState;

/// A map from labels (or anything hashed as bytes) to `V`.
pub type LabelMap<K, V> = HashMap<K, V, FixedState>;

/// A new map with room for `n` entries.
pub fn with_capacity<K, V>(n: usize) -> LabelMap<K, V> {
    HashMap::with_capacity_and_hasher(n, FixedState::default())
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
}
