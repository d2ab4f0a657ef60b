//! The set of sentence keys an extraction has seen (weights count distinct sentences).
//!
//! A corpus of a gigabyte of news has millions of distinct sentences, and the set of their
//! 64-bit keys was the largest thing beside the graph: a hash table at 7/8 load or less, of
//! 9 bytes a slot (5.4 M keys: 2^23 slots, 72 MiB), which doubles at once when it grows.
//! Here recent keys go to a small hash table and, when it is full, move into one sorted
//! array of 8 bytes a key, found through an index of their leading bits: about 9 bytes a
//! key in all, and the array grows by the batch, not by doubling. Keys are hashes, so
//! they spread evenly over the index.

use rustc_hash::FxHashSet;

/// Keys held in the hash table before they move to the sorted array: a full table of 2^20
/// slots (hashbrown fills 7/8), 9.4 MB. Below that (about 150 MB of news) the set is that
/// one table, as before; the sorted array serves larger corpora. Moving earlier would save
/// little and, measured at 100 MB, cost more in the allocator's holes left by the array's
/// growth than it saved.
const RECENT_KEYS: usize = (1 << 20) / 8 * 7;

/// A set of 64-bit keys (hashes), compact when large.
#[derive(Debug, Clone)]
pub struct KeySet {
    recent: FxHashSet<u64>,
    /// Older keys, sorted, none of them in `recent`.
    sorted: Vec<u64>,
    /// `sorted[index[b]..index[b + 1]]` are the keys whose leading `64 - shift` bits are `b`.
    index: Vec<u32>,
    shift: u32,
}

impl Default for KeySet {
    fn default() -> Self {
        KeySet {
            recent: FxHashSet::default(),
            sorted: Vec::new(),
            index: Vec::new(),
            shift: 64,
        }
    }
}

impl KeySet {
    /// Add `key`; true when it was not there yet.
    pub fn insert(&mut self, key: u64) -> bool {
        if self.in_sorted(key) {
            return false;
        }
        if self.recent.len() >= RECENT_KEYS && !self.recent.contains(&key) {
            self.move_recent();
        }
        self.recent.insert(key)
    }

    pub fn contains(&self, key: u64) -> bool {
        self.recent.contains(&key) || self.in_sorted(key)
    }

    pub fn len(&self) -> usize {
        self.recent.len() + self.sorted.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn in_sorted(&self, key: u64) -> bool {
        if self.sorted.is_empty() {
            return false;
        }
        let b = (key >> self.shift) as usize;
        let (from, to) = (self.index[b] as usize, self.index[b + 1] as usize);
        self.sorted[from..to].binary_search(&key).is_ok()
    }

    /// Merge the hash table's keys into the sorted array (in place, from the back) and
    /// rebuild the index.
    fn move_recent(&mut self) {
        let mut batch: Vec<u64> = self.recent.drain().collect();
        batch.sort_unstable();
        let old = self.sorted.len();
        // Grown by the batch: a large array is moved by the allocator's remapping, not copied.
        self.sorted.reserve_exact(batch.len());
        self.sorted.resize(old + batch.len(), 0);
        let (mut i, mut j) = (old, batch.len());
        while j > 0 {
            let k = i + j - 1;
            if i > 0 && self.sorted[i - 1] > batch[j - 1] {
                self.sorted[k] = self.sorted[i - 1];
                i -= 1;
            } else {
                self.sorted[k] = batch[j - 1];
                j -= 1;
            }
        }
        // About four keys per index slot, from 2^8 to 2^24 slots.
        let bits = (self.sorted.len() / 4)
            .max(1)
            .next_power_of_two()
            .trailing_zeros()
            .clamp(8, 24);
        self.shift = 64 - bits;
        self.index.clear();
        self.index.resize((1 << bits) + 1, 0);
        for &k in &self.sorted {
            self.index[(k >> self.shift) as usize + 1] += 1;
        }
        for b in 1..self.index.len() {
            self.index[b] += self.index[b - 1];
        }
        self.index.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Keys from a generator that repeats some of them, inserted past several moves.
    #[test]
    fn agrees_with_a_hash_set_across_moves() {
        let mut set = KeySet::default();
        let mut plain = std::collections::HashSet::new();
        let mut x: u64 = 0x1234_5678_9abc_def0;
        for n in 0..(3 * RECENT_KEYS + 1000) {
            // xorshift, with every fifth key a repeat of an earlier one.
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let key = if n % 5 == 0 { x % 100_000 } else { x };
            assert_eq!(set.insert(key), plain.insert(key), "key {key} at {n}");
        }
        assert_eq!(set.len(), plain.len());
        assert!(!set.sorted.is_empty());
        assert!(set.sorted.windows(2).all(|w| w[0] < w[1]));
        for k in plain.iter().take(10_000) {
            assert!(set.contains(*k));
        }
    }

    proptest! {
        #[test]
        fn insert_says_whether_the_key_is_new(keys in proptest::collection::vec(any::<u64>(), 0..2000), small in any::<bool>()) {
            let mut set = KeySet::default();
            let mut plain = std::collections::HashSet::new();
            for (n, k) in keys.iter().enumerate() {
                // Force moves on small inputs too.
                if small && n % 97 == 96 {
                    set.move_recent();
                }
                let k = if small { k % 512 } else { *k };
                prop_assert_eq!(set.insert(k), plain.insert(k));
            }
            prop_assert_eq!(set.len(), plain.len());
        }
    }
}
