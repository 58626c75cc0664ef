//! A month's counted returns, read from the archive once for a batch and handed on.
//!
//! A batch of June's returns reads May's twice over: the register's checkpoint is carried
//! forward by every return of May (`aggregate::register::checkpoint::prepare`, beside the
//! batch), and each June file's last-month rules want its own unit's May return. On a
//! province that second reading was 90 ms of CPU time of every `ingest` (BENCHMARKS.md,
//! issue 13). The carry-forward now offers each unit's return here as it adds it, its rows
//! shared with the register rather than copied; a file's rules take their unit's if it is
//! here, and read it from the archive otherwise. Either way they see the same return: a
//! batch for a month changes nothing of the month before (`ingest --period`), and only a
//! unit with one counted return that month is offered (the rules read the unit's current
//! one, which is then that one).
//!
//! A unit's return is taken once. Once a unit's was wanted, whether or not it was here,
//! none is kept for it any more, so that what stays is only what a file still to come may
//! want.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use crate::model::{Period, Project, Unstated};

/// A unit's counted return of the month, as the last-month rules read it.
#[derive(Debug)]
pub struct LastReturn {
    pub file_name: String,
    pub unstated: Unstated,
    /// Its ledger's rows, in order (shared with the register that added them).
    pub rows: Vec<Arc<Project>>,
}

/// The returns of `period` offered so far, by unit code (see the module's documentation).
#[derive(Debug)]
pub struct SharedMonth {
    period: Period,
    units: Mutex<HashMap<String, Slot>>,
}

#[derive(Debug)]
enum Slot {
    Kept(Arc<LastReturn>),
    /// Wanted already: nothing is kept for the unit any more.
    Taken,
}

impl SharedMonth {
    /// Nothing offered yet of `period`'s returns.
    pub fn new(period: Period) -> SharedMonth {
        SharedMonth {
            period,
            units: Mutex::new(HashMap::new()),
        }
    }

    /// The month whose returns are shared.
    pub fn period(&self) -> Period {
        self.period
    }

    fn units(&self) -> std::sync::MutexGuard<'_, HashMap<String, Slot>> {
        // A panic elsewhere while the map was held leaves it whole (every change is one
        // insert): it is still right to read.
        self.units.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Keeps `unit`'s return (made by `ret` only if kept), unless the unit's was wanted
    /// already.
    pub fn offer(&self, unit: &str, ret: impl FnOnce() -> LastReturn) {
        let mut units = self.units();
        if !units.contains_key(unit) {
            units.insert(unit.to_string(), Slot::Kept(Arc::new(ret())));
        }
    }

    /// `unit`'s return if it was offered and not taken yet; from now on none is kept for
    /// the unit.
    pub fn take(&self, unit: &str) -> Option<Arc<LastReturn>> {
        match self.units().insert(unit.to_string(), Slot::Taken) {
            Some(Slot::Kept(ret)) => Some(ret),
            Some(Slot::Taken) | None => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ret(name: &str) -> LastReturn {
        LastReturn {
            file_name: name.to_string(),
            unstated: Unstated::default(),
            rows: Vec::new(),
        }
    }

    #[test]
    fn a_return_offered_is_taken_once() {
        let month = SharedMonth::new(Period::new(2025, 5).expect("period"));
        month.offer("500101", || ret("a.xlsx"));
        month.offer("500101", || ret("again.xlsx"));
        assert_eq!(
            month.take("500101").map(|r| r.file_name.clone()).as_deref(),
            Some("a.xlsx")
        );
        assert!(month.take("500101").is_none());
        // Offered again after it was taken: not kept.
        month.offer("500101", || ret("late.xlsx"));
        assert!(month.take("500101").is_none());
    }

    #[test]
    fn a_return_wanted_before_it_is_offered_is_not_kept() {
        let month = SharedMonth::new(Period::new(2025, 5).expect("period"));
        assert!(month.take("500102").is_none());
        let mut made = false;
        month.offer("500102", || {
            made = true;
            ret("b.xlsx")
        });
        assert!(!made, "nothing is made for a unit whose return was wanted");
        assert!(month.take("500102").is_none());
        assert_eq!(month.period(), Period::new(2025, 5).expect("period"));
    }
}
