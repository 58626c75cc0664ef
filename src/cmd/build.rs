//! `tongbao build --period`: the bulletin for a period from the archive — the PDF
//! bulletin (公文 layout, wording from the templates), the consolidated workbook and
//! bulletin JSON.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::aggregate::{bulletin, month_total, ReturnStatus};
use crate::archive::Archive;
use crate::cli::{BuildArgs, GlobalArgs};
use crate::config::Config;
use crate::messages::Lang;
use crate::model::{Figures, Period};
use crate::render::compose::{bulletin_blocks, document_info};
use crate::render::pdf::{render, FontSet, MissingGlyph};
use crate::render::templates::Templates;
use crate::render::{write_atomic, xlsx};

use super::{load_config, Outcome};

pub fn run(global: &GlobalArgs, args: &BuildArgs) -> anyhow::Result<Outcome> {
    let cfg = load_config(global)?;
    let out: PathBuf = args.out.clone().unwrap_or_else(|| {
        cfg.resolve(&cfg.file.paths.out)
            .join(args.period.to_string())
    });
    let written = build(
        &cfg,
        args.period,
        &out,
        args.date.unwrap_or_else(issue_date_today),
        global.lang,
    )?;
    for path in written {
        println!("  {}", path.display());
    }
    Ok(Outcome::Ok)
}

/// The date of issue when none is given: today, or the day of `SOURCE_DATE_EPOCH` when set
/// (reproducible builds).
pub fn issue_date_today() -> chrono::NaiveDate {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
        .map_or_else(|| chrono::Local::now().date_naive(), |t| t.date_naive())
}

/// Why there is nothing to publish for `period`: no return of the roster counts.
pub fn nothing_counted(period: Period, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "{period} 没有已通过审核、可计入统计的报表，不生成通报（以免把未报数据印成 0）；请先入库报表，或用 tongbao status --period {period} 查看报送情况"
        ),
        Lang::En => format!(
            "no return for {period} is accepted and counted, so nothing is built (missing figures would print as 0); ingest returns first, or see tongbao status --period {period}"
        ),
    }
}

/// Says on stderr which characters the fonts lack (they were drawn from a fallback).
pub fn report_missing_glyphs(missing: &[MissingGlyph], lang: Lang) {
    for m in missing {
        match lang {
            Lang::Zh => eprintln!(
                "注意：字体缺少“{}”（U+{:04X}），已用备用字体绘制：{}",
                m.ch, m.ch as u32, m.text
            ),
            Lang::En => eprintln!(
                "note: the font lacks '{}' (U+{:04X}); drawn from a fallback: {}",
                m.ch, m.ch as u32, m.text
            ),
        }
    }
}

/// Each month's own totals from January to the month before `period`, for the trend chart;
/// months without any accepted return are left out. (The report month's totals are the
/// bulletin's own, added by the caller.)
fn earlier_months(
    archive: &Archive,
    cfg: &Config,
    period: Period,
) -> anyhow::Result<Vec<(Period, Figures)>> {
    let mut out = Vec::new();
    for month in 1..period.month {
        let Some(p) = Period::new(period.year, month) else {
            continue;
        };
        // Most months of a young archive hold nothing: skip them without loading returns.
        if !archive
            .submissions(p)?
            .iter()
            .any(|s| s.verdict == crate::model::Verdict::Accepted)
        {
            continue;
        }
        // One return at a time: a national month is ~600,000 projects.
        if let Some(total) = month_total(archive, cfg, p)? {
            out.push((p, total));
        }
    }
    Ok(out)
}

/// Builds every output for `period` into `out`; returns the files written.
pub fn build(
    cfg: &Config,
    period: Period,
    out: &Path,
    issue_date: chrono::NaiveDate,
    lang: Lang,
) -> anyhow::Result<Vec<PathBuf>> {
    let mut phases = Phases::from_env();
    let archive = super::open_archive(cfg)?;
    // The report month and the months before it (the trend) are read side by side, each
    // on its own connection: neither waits for the other, and readers never block.
    let trend_archive = super::open_archive(cfg)?;
    let (b, earlier) = rayon::join(
        move || bulletin(&archive, cfg, period),
        move || earlier_months(&trend_archive, cfg, period),
    );
    let b = b?;
    // A bulletin of a month nobody reported would publish zeros as figures.
    if !b.units.iter().any(|u| u.status == ReturnStatus::Accepted) {
        anyhow::bail!(nothing_counted(period, lang));
    }
    let mut trend = earlier?;
    trend.push((period, b.total.month));
    phases.lap("aggregate and trend");
    let json_path = out.join(format!("bulletin-{period}.json"));
    let xlsx_path = out.join(format!("通报-{period}.xlsx"));
    let pdf_path = out.join(format!("通报-{period}.pdf"));

    // Everything is made in memory first, so a failure writes nothing.
    let templates = Templates::for_config(cfg)?;
    let blocks = bulletin_blocks(&b, cfg, &templates, issue_date, &trend)?;
    let info = document_info(&b, cfg, &templates, issue_date)?;
    phases.lap("compose");
    let base = cfg.path.parent().unwrap_or(Path::new("."));
    let fonts = FontSet::from_config(&cfg.file.fonts, base)?;
    phases.lap("fonts");
    // The PDF takes longest; the workbook and JSON are made beside it.
    let (pdf, others) = rayon::join(
        || render(&blocks, &info, &fonts),
        || -> anyhow::Result<_> { Ok((serde_json::to_vec_pretty(&b)?, xlsx::workbook(&b, cfg)?)) },
    );
    let (pdf, (json, book)) = (pdf?, others?);
    phases.lap("pdf, workbook and json");
    report_missing_glyphs(&pdf.missing_glyphs, lang);
    write_atomic(&pdf_path, &pdf.bytes).with_context(|| pdf_path.display().to_string())?;
    write_atomic(&xlsx_path, &book).with_context(|| xlsx_path.display().to_string())?;
    write_atomic(&json_path, &json).with_context(|| json_path.display().to_string())?;
    phases.lap("write");
    let accepted = b
        .units
        .iter()
        .filter(|u| u.status == ReturnStatus::Accepted)
        .count();
    let (held, rejected, missing) = (b.held.len(), b.rejected.len(), b.not_reported.len());
    match lang {
        Lang::Zh => println!("已生成 {period} 通报：{accepted} 个单位已报送，{held} 个待核实，{rejected} 个未通过审核，{missing} 个未报送"),
        Lang::En => println!("built the {period} bulletin: {accepted} units accepted, {held} held for verification, {rejected} rejected, {missing} missing"),
    }
    Ok(vec![pdf_path, xlsx_path, json_path])
}

/// Wall time of each phase of `build`, printed to standard error as `phase NAME SECONDS`
/// when `TONGBAO_PHASE_TIMES` is set (for scripts/bench-scenarios.sh); silent otherwise.
struct Phases(Option<std::time::Instant>);

impl Phases {
    fn from_env() -> Phases {
        Phases(std::env::var_os("TONGBAO_PHASE_TIMES").map(|_| std::time::Instant::now()))
    }

    fn lap(&mut self, name: &str) {
        if let Some(t) = &mut self.0 {
            eprintln!("phase {name} {:.3}", t.elapsed().as_secs_f64());
            *t = std::time::Instant::now();
        }
    }
}
