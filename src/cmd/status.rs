//! `tongbao status --period`: every roster unit with what it sent for the period —
//! reported (which version, when, on time or late), rejected, or missing.

use std::io::Write;

use crate::aggregate::status::{status_report, StatusReport};
use crate::aggregate::ReturnStatus;
use crate::cli::{GlobalArgs, StatusArgs};
use crate::lang::Lang;
use crate::text::printable;

use super::{load_config, Outcome};

pub fn run(global: &GlobalArgs, args: &StatusArgs) -> anyhow::Result<Outcome> {
    let cfg = load_config(global)?;
    let archive = super::open_archive(&cfg)?;
    let report = status_report(&archive, &cfg, args.period)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        write_human(&mut out, &report, cfg.time_zone(), global.lang)?;
    }
    Ok(Outcome::Ok)
}

/// The report for people: times of receipt in the bureau's time zone `zone`, named in the
/// title, as receipts show them.
fn write_human(
    out: &mut impl Write,
    r: &StatusReport,
    zone: chrono::FixedOffset,
    lang: Lang,
) -> std::io::Result<()> {
    let zh = lang == Lang::Zh;
    let zone_name = crate::clock::time_zone_name(zone, lang);
    let title = if zh {
        format!(
            "{} 报送情况（截止日期 {}；报送时间为{zone_name}）",
            r.period, r.deadline
        )
    } else {
        format!(
            "Returns for {} (due by {}; times are {zone_name})",
            r.period, r.deadline
        )
    };
    writeln!(out, "{title}")?;
    for u in &r.units {
        let label = u.status.label_in(lang);
        let state = match (u.status, zh) {
            (ReturnStatus::Accepted | ReturnStatus::Held, true) => {
                format!("{label} 第{}版", u.version.unwrap_or(0))
            }
            (ReturnStatus::Accepted | ReturnStatus::Held, false) => {
                format!("{label} v{}", u.version.unwrap_or(0))
            }
            _ => label.to_string(),
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
        let when = u.received_at.as_deref().map_or_else(
            || "—".to_string(),
            |r| crate::clock::local_time(r, zone).unwrap_or_else(|| r.to_string()),
        );
        writeln!(
            out,
            "  {:<8} {:<14} {:<12} {:<19} {}",
            u.code,
            u.name,
            state,
            when,
            extra.join("，")
        )?;
    }
    let statuses = [
        ReturnStatus::Accepted,
        ReturnStatus::Held,
        ReturnStatus::Rejected,
        ReturnStatus::Missing,
    ];
    let counts: Vec<String> = statuses
        .iter()
        .map(|&s| {
            let n = r.units.iter().filter(|u| u.status == s).count();
            if zh {
                format!("{} {n}", s.label_in(lang))
            } else {
                format!("{n} {}", s.label_in(lang))
            }
        })
        .collect();
    if zh {
        writeln!(out, "合计：{} 个单位，{}", r.units.len(), counts.join("，"))?;
    } else {
        writeln!(out, "Total: {} units, {}", r.units.len(), counts.join(", "))?;
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
