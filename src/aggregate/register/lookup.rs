//! A unit's look-ups from a row's keys (its 项目编号; its normalised name and investor;
//! its name) to the projects reported with them.
//!
//! Most keys come from the checkpoint, and nearly all of those are only ever looked up:
//! a month adds a few percent of keys. They are kept as the checkpoint lists them, in
//! ascending order, their texts one after the other in one buffer, and found by
//! bisection ([`Sorted`]); only the keys filed since, or given another project since, are
//! kept in a map of their own. A national register has 2.4 million keys: as strings and
//! entries of maps they were 265 MB of `build`'s 1.40 GB at its peak (`heaptrack`).

use foldhash::{HashMap, HashMapExt};

/// The projects one key was seen with, in the order they were first filed under it:
/// nearly always one, kept without an allocation of its own.
#[derive(Debug, Clone, PartialEq)]
enum Hits {
    One(usize),
    /// Two or more.
    Many(Vec<usize>),
}

impl Hits {
    fn as_slice(&self) -> &[usize] {
        match self {
            Hits::One(i) => std::slice::from_ref(i),
            Hits::Many(list) => list,
        }
    }

    fn add(&mut self, at: usize) {
        if self.as_slice().contains(&at) {
            return;
        }
        match self {
            Hits::One(i) => *self = Hits::Many(vec![*i, at]),
            Hits::Many(list) => list.push(at),
        }
    }
}

/// Keys in ascending order (byte order, as `str` compares) with their projects, every
/// key's text in one buffer.
#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct Sorted {
    text: String,
    /// Each key's end in `text`, and the end of its projects in `hits`.
    ends: Vec<(u32, u32)>,
    hits: Vec<usize>,
}

impl Sorted {
    pub(super) fn with_capacity(keys: usize) -> Sorted {
        Sorted {
            text: String::new(),
            ends: Vec::with_capacity(keys),
            hits: Vec::with_capacity(keys),
        }
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    fn key(&self, i: usize) -> &str {
        let start = i.checked_sub(1).map_or(0, |j| self.ends[j].0 as usize);
        &self.text[start..self.ends[i].0 as usize]
    }

    fn hits(&self, i: usize) -> &[usize] {
        let start = i.checked_sub(1).map_or(0, |j| self.ends[j].1 as usize);
        &self.hits[start..self.ends[i].1 as usize]
    }

    fn find(&self, key: &str) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.key(mid).cmp(key) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    /// Adds `key` after the others with its projects; false (and nothing added) when it
    /// does not sort after the last key, or the buffers would outgrow their offsets.
    pub(super) fn push(&mut self, key: &str, hits: &[usize]) -> bool {
        let after_last = self.len() == 0 || self.key(self.len() - 1) < key;
        let (Ok(text_end), Ok(hits_end)) = (
            u32::try_from(self.text.len() + key.len()),
            u32::try_from(self.hits.len() + hits.len()),
        ) else {
            return false;
        };
        if !after_last {
            return false;
        }
        self.text.push_str(key);
        self.hits.extend_from_slice(hits);
        self.ends.push((text_end, hits_end));
        true
    }

    /// Gives back the room the buffers took beyond their keys.
    pub(super) fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
        self.hits.shrink_to_fit();
    }

    fn entries(&self) -> impl Iterator<Item = (&str, &[usize])> {
        (0..self.len()).map(|i| (self.key(i), self.hits(i)))
    }
}

/// One look-up: the keys as the checkpoint held them, and those filed (or given another
/// project) since, which stand for the checkpoint's own.
#[derive(Debug, Default)]
pub(super) struct Lookup {
    read: Sorted,
    filed: HashMap<Box<str>, Hits>,
}

impl Lookup {
    /// The look-up a checkpoint held.
    pub(super) fn read(read: Sorted) -> Lookup {
        Lookup {
            read,
            filed: HashMap::new(),
        }
    }

    /// The projects filed under `key`, in the order they were first filed: none when the
    /// key was never seen.
    pub(super) fn get(&self, key: &str) -> &[usize] {
        if let Some(hits) = self.filed.get(key) {
            return hits.as_slice();
        }
        self.read.find(key).map_or(&[], |i| self.read.hits(i))
    }

    /// Files project `at` under `key` (once: a project is listed under a key only once).
    pub(super) fn file(&mut self, key: &str, at: usize) {
        if let Some(hits) = self.filed.get_mut(key) {
            hits.add(at);
            return;
        }
        let hits = match self.read.find(key).map(|i| self.read.hits(i)) {
            // The project reported again under a key it had: nothing changes.
            Some(read) if read.contains(&at) => return,
            Some(read) => {
                let mut list = read.to_vec();
                list.push(at);
                Hits::Many(list)
            }
            None => Hits::One(at),
        };
        self.filed.insert(key.into(), hits);
    }

    /// Every key with its projects, in ascending order of key: what a checkpoint writes.
    pub(super) fn sorted(&self) -> Vec<(&str, &[usize])> {
        let mut filed: Vec<(&str, &[usize])> = self
            .filed
            .iter()
            .map(|(k, h)| (&**k, h.as_slice()))
            .collect();
        filed.sort_unstable_by_key(|&(k, _)| k);
        let mut out = Vec::with_capacity(self.read.len() + filed.len());
        let mut read = self.read.entries().peekable();
        for (key, hits) in filed {
            while let Some(&(k, h)) = read.peek() {
                if k > key {
                    break;
                }
                read.next();
                // A key filed since stands for the checkpoint's.
                if k < key {
                    out.push((k, h));
                }
            }
            out.push((key, hits));
        }
        out.extend(read);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same look-up kept in one map, as it was before the checkpoint's keys were
    /// kept sorted: what every `Lookup` must agree with.
    #[derive(Default)]
    struct Plain(HashMap<String, Vec<usize>>);

    impl Plain {
        fn file(&mut self, key: &str, at: usize) {
            let list = self.0.entry(key.to_string()).or_default();
            if !list.contains(&at) {
                list.push(at);
            }
        }
        fn sorted(&self) -> Vec<(&str, &[usize])> {
            let mut all: Vec<(&str, &[usize])> = self
                .0
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_slice()))
                .collect();
            all.sort_unstable_by_key(|&(k, _)| k);
            all
        }
    }

    fn read_from(plain: &Plain) -> Lookup {
        let mut s = Sorted::with_capacity(plain.0.len());
        for (k, h) in plain.sorted() {
            assert!(s.push(k, h));
        }
        Lookup::read(s)
    }

    #[test]
    fn keys_filed_after_a_checkpoint_agree_with_one_map_of_them_all() {
        let keys = [
            "光伏组件",
            "光伏",
            "Ａ项目",
            "",
            "锂电池|宁德",
            "光伏组件|隆基",
            "z",
        ];
        // A deterministic walk of keys and projects, some filed before the checkpoint is
        // read, the rest after, repeats and new projects among both.
        let mut plain = Plain::default();
        let mut state = 7u64;
        let mut next = |n: usize| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 33) as usize % n
        };
        let before: Vec<(usize, usize)> = (0..40).map(|_| (next(keys.len()), next(9))).collect();
        for &(k, at) in &before {
            plain.file(keys[k], at);
        }
        let mut lookup = read_from(&plain);
        assert_eq!(lookup.sorted(), plain.sorted());
        for _ in 0..60 {
            let (k, at) = (next(keys.len()), next(12));
            plain.file(keys[k], at);
            lookup.file(keys[k], at);
            for key in keys.iter().chain(&["never", "光"]) {
                let want = plain.0.get(*key).map_or(&[][..], Vec::as_slice);
                assert_eq!(lookup.get(key), want, "{key}");
            }
            assert_eq!(lookup.sorted(), plain.sorted());
        }
    }

    #[test]
    fn a_key_out_of_order_is_refused() {
        let mut s = Sorted::default();
        assert!(s.push("b", &[0]));
        assert!(!s.push("a", &[1]));
        assert!(!s.push("b", &[1]), "the same key twice");
        assert!(s.push("c", &[1, 2]));
        assert_eq!(
            s.entries().collect::<Vec<_>>(),
            [("b", &[0][..]), ("c", &[1, 2][..])]
        );
    }
}
