//! Who reported for a period (`tongbao status`): every roster unit with what it sent —
//! its current version (when, on time or late), rejected, or missing.

use serde::Serialize;

use super::ReturnStatus;
use crate::archive::{Archive, ArchiveError, SubmissionInfo};
use crate::config::Config;
use crate::model::{Period, Verdict};

/// The state of one unit for a period.
#[derive(Debug, Clone, Serialize)]
pub struct UnitStatus {
    pub code: String,
    pub name: String,
    pub group: String,
    /// `accepted`, `held` (the current version waits for verification, 核实, and is not
    /// counted), `rejected` (no accepted or held version) or `missing`.
    pub status: ReturnStatus,
    /// The current version (accepted or held), if any.
    pub version: Option<i64>,
    /// When the version shown was received: RFC 3339 in UTC, as stored (shown to people
    /// in the bureau's time zone).
    pub received_at: Option<String>,
    pub file: Option<String>,
    pub late: bool,
    pub warnings: i64,
    /// Submissions received in all, accepted or not.
    pub submissions: usize,
    /// The latest submission was rejected although an earlier version stands.
    pub latest_rejected: bool,
}

/// Status of every roster unit, in roster order, plus submissions whose unit is unknown.
#[derive(Debug, Clone, Serialize)]
pub struct StatusReport {
    pub period: Period,
    pub deadline: String,
    pub units: Vec<UnitStatus>,
    pub unmatched: Vec<String>,
}

/// Who reported for `period`: every roster unit's current version (or its latest
/// submission when none stands), on time or late, and the submissions whose unit is not
/// on the roster.
pub fn status_report(
    archive: &Archive,
    cfg: &Config,
    period: Period,
) -> Result<StatusReport, ArchiveError> {
    let subs = archive.submissions(period)?;
    let due = cfg.deadline(period);
    let units = cfg
        .file
        .units
        .iter()
        .map(|u| {
            let mine: Vec<&SubmissionInfo> = subs
                .iter()
                .filter(|s| s.unit_code.as_deref() == Some(u.code()))
                .collect();
            let current = mine
                .iter()
                .rev()
                .find(|s| s.verdict != Verdict::Rejected && s.superseded_by.is_none());
            let latest = mine.last();
            let status = ReturnStatus::of(current.map(|c| c.verdict), latest.is_some());
            let shown = current.or(latest);
            let received = shown.map(|s| s.received_at.clone());
            // The deadline is a day of the bureau's calendar: a file received at 01:00 on
            // the 6th in Beijing (17:00 on the 5th in UTC) is late for a deadline of the 5th.
            let late = received
                .as_deref()
                .and_then(|r| crate::clock::local_date(r, cfg.time_zone()))
                .is_some_and(|day| day > due);
            UnitStatus {
                code: u.code().to_string(),
                name: u.name().to_string(),
                group: u.group.get_ref().clone(),
                status,
                version: current.and_then(|s| s.version),
                received_at: received,
                file: shown.map(|s| s.file_name.clone()),
                late,
                warnings: current.map_or(0, |s| s.warnings),
                submissions: mine.len(),
                latest_rejected: current.is_some()
                    && latest.is_some_and(|l| l.verdict == Verdict::Rejected),
            }
        })
        .collect();
    let unmatched = subs
        .iter()
        .filter(|s| s.unit_code.is_none())
        .map(|s| s.file_name.clone())
        .collect();
    Ok(StatusReport {
        period,
        deadline: due.to_string(),
        units,
        unmatched,
    })
}
