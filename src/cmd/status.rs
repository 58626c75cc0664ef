//! `tongbao status --period`: every roster unit with what it sent for the period —
//! reported (which version, when, on time or late), rejected, or missing.

use std::io::Write;

use serde::Serialize;

use crate::archive::{Archive, SubmissionInfo};
use crate::cli::{GlobalArgs, StatusArgs};
use crate::config::Config;
use crate::lang::Lang;
use crate::model::{Period, Verdict};
use crate::text::printable;

use super::{load_config, Outcome};

/// The state of one unit for a period.
#[derive(Debug, Clone, Serialize)]
pub struct UnitStatus {
    pub code: String,
    pub name: String,
    pub group: String,
    /// `accepted`, `held` (the current version waits for verification, 核实, and is not
    /// counted), `rejected` (no accepted or held version) or `missing`.
    pub status: &'static str,
    /// The current version (accepted or held), if any.
    pub version: Option<i64>,
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

/// The last day returns for `period` are on time: the configured day of the next month.
pub fn deadline(cfg: &Config, period: Period) -> chrono::NaiveDate {
    let next = period.next();
    let day = cfg.file.bulletin.deadline_day.clamp(1, 28);
    next.first_day()
        .with_day0(day - 1)
        .unwrap_or(next.first_day())
}

use chrono::Datelike;

pub fn status_report(
    archive: &Archive,
    cfg: &Config,
    period: Period,
) -> Result<StatusReport, crate::archive::ArchiveError> {
    let subs = archive.submissions(period)?;
    let due = deadline(cfg, period);
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
            let status = match (current, latest) {
                (Some(c), _) if c.verdict == Verdict::Held => "held",
                (Some(_), _) => "accepted",
                (None, Some(_)) => "rejected",
                (None, None) => "missing",
            };
            let shown = current.or(latest);
            let received = shown.map(|s| s.received_at.clone());
            let late = received
                .as_deref()
                .and_then(|r| chrono::DateTime::parse_from_rfc3339(r).ok())
                .is_some_and(|t| t.date_naive() > due);
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

pub fn run(global: &GlobalArgs, args: &StatusArgs) -> anyhow::Result<Outcome> {
    let cfg = load_config(global)?;
    let archive = super::open_archive(&cfg)?;
    let report = status_report(&archive, &cfg, args.period)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        write_human(&mut out, &report, global.lang)?;
    }
    Ok(Outcome::Ok)
}

fn write_human(out: &mut impl Write, r: &StatusReport, lang: Lang) -> std::io::Result<()> {
    let zh = lang == Lang::Zh;
    let title = if zh {
        format!("{} 报送情况（截止日期 {}）", r.period, r.deadline)
    } else {
        format!("Returns for {} (due by {})", r.period, r.deadline)
    };
    writeln!(out, "{title}")?;
    for u in &r.units {
        let state = match (u.status, zh) {
            ("accepted", true) => format!("已通过 第{}版", u.version.unwrap_or(0)),
            ("accepted", false) => format!("accepted v{}", u.version.unwrap_or(0)),
            ("held", true) => format!("待核实 第{}版", u.version.unwrap_or(0)),
            ("held", false) => format!("held v{}", u.version.unwrap_or(0)),
            ("rejected", true) => "未通过审核".to_string(),
            ("rejected", false) => "rejected".to_string(),
            (_, true) => "未报送".to_string(),
            (_, false) => "missing".to_string(),
        };
        let mut extra = Vec::new();
        if u.late {
            extra.push(if zh { "逾期" } else { "late" }.to_string());
        }
        if u.warnings > 0 {
            extra.push(if zh {
                format!("{} 个警告", u.warnings)
            } else {
                format!("{} warnings", u.warnings)
            });
        }
        if u.latest_rejected {
            extra.push(
                if zh {
                    "最新一次报送未通过，沿用上一版"
                } else {
                    "latest resubmission rejected; previous version stands"
                }
                .to_string(),
            );
        }
        let when = u.received_at.as_deref().unwrap_or("—");
        writeln!(
            out,
            "  {:<8} {:<14} {:<12} {:<22} {}",
            u.code,
            u.name,
            state,
            when,
            extra.join("，")
        )?;
    }
    let count = |s: &str| r.units.iter().filter(|u| u.status == s).count();
    if zh {
        writeln!(
            out,
            "合计：{} 个单位，已通过 {}，待核实 {}，未通过 {}，未报送 {}",
            r.units.len(),
            count("accepted"),
            count("held"),
            count("rejected"),
            count("missing")
        )?;
    } else {
        writeln!(
            out,
            "Total: {} units, {} accepted, {} held, {} rejected, {} missing",
            r.units.len(),
            count("accepted"),
            count("held"),
            count("rejected"),
            count("missing")
        )?;
    }
    if !r.unmatched.is_empty() {
        let label = if zh {
            "无法确定单位的文件"
        } else {
            "files whose unit is unknown"
        };
        let names: Vec<_> = r.unmatched.iter().map(|n| printable(n)).collect();
        writeln!(out, "{label}：{}", names.join("、"))?;
    }
    Ok(())
}
