//! Publishing from the archive: the month's bulletin (PDF in 公文 layout, the consolidated
//! workbook, bulletin JSON) and leadership briefings. Each output is made whole in memory
//! from the aggregate stage and the renderers, then written atomically; nothing is printed
//! here (the commands say what was made).

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::aggregate::brief::{self, Selection, Span};
use crate::aggregate::{bulletin, month_total, ReturnStatus};
use crate::archive::Archive;
use crate::config::Config;
use crate::lang::Lang;
use crate::model::{Figures, Period};
use crate::render::compose::{brief_blocks, brief_info, bulletin_blocks, document_info, Shown};
use crate::render::pdf::{render, render_in, FontSet, Frame, MissingGlyph};
use crate::render::templates::Templates;
use crate::render::{path_safe, write_atomic, xlsx};

/// A bulletin built.
#[derive(Debug)]
pub(crate) struct Built {
    /// The PDF, the workbook and the JSON, in that order.
    pub paths: Vec<PathBuf>,
    /// Units accepted, held, rejected and missing.
    pub counts: [usize; 4],
    /// Characters the fonts lack, drawn from a fallback.
    pub missing_glyphs: Vec<MissingGlyph>,
}

/// A briefing written.
#[derive(Debug)]
pub(crate) struct Briefed {
    /// The PDF and the workbook.
    pub paths: Vec<PathBuf>,
    /// The selection in words.
    pub subject: String,
    pub pages: usize,
    /// Units with a return for the span's last month, and units in the selection.
    pub reported: usize,
    pub units: usize,
    pub missing_glyphs: Vec<MissingGlyph>,
}

/// Builds every output for `period` into `out`: made in memory (the workbook in its
/// temporary file) first, so a failure writes nothing; each file renamed into place.
pub(crate) fn bulletin_outputs(
    cfg: &Config,
    period: Period,
    out: &Path,
    issue_date: chrono::NaiveDate,
    lang: Lang,
) -> anyhow::Result<Built> {
    let mut phases = Phases::from_env();
    let archive = Archive::open_for_reading(&cfg.archive_path())?;
    // The report month and the months before it (the trend) are read side by side, each
    // on its own connection: neither waits for the other, and readers never block.
    let trend_archive = Archive::open_for_reading(&cfg.archive_path())?;
    // The templates and fonts are loaded meanwhile, on the thread that would wait.
    let base = cfg.path.parent().unwrap_or(Path::new("."));
    let ((b, earlier), (templates, fonts)) = std::thread::scope(|scope| {
        let loading = scope.spawn(|| {
            (
                Templates::for_config(cfg),
                FontSet::from_config(&cfg.file.fonts, base),
            )
        });
        let gathered = rayon::join(
            move || bulletin(&archive, cfg, period),
            move || earlier_months(&trend_archive, cfg, period),
        );
        let loaded = loading
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (gathered, loaded)
    });
    let b = b?;
    // A bulletin of a month nobody reported would publish zeros as figures.
    if !b.units.iter().any(|u| u.status == ReturnStatus::Accepted) {
        anyhow::bail!(crate::messages::nothing_counted(period, lang));
    }
    let mut trend = earlier?;
    trend.push((period, b.total.month));
    // What reading the archive and building the register freed, given back before the
    // render's threads allocate.
    crate::release_freed_memory();
    phases.lap("aggregate and trend");
    let json_path = out.join(format!("bulletin-{period}.json"));
    let xlsx_path = out.join(format!("通报-{period}.xlsx"));
    let pdf_path = out.join(format!("通报-{period}.pdf"));

    // Everything is made first (in memory, the workbook in its temporary file), so a
    // failure writes nothing.
    let templates = templates?;
    let blocks = bulletin_blocks(&b, cfg, &templates, issue_date, &trend)?;
    let info = document_info(&b, cfg, &templates, issue_date)?;
    let fonts = fonts?;
    phases.lap("compose");
    // The PDF takes longest; the workbook and JSON are made beside it. The workbook is
    // written to its temporary file as it is made (the only output too large to hold),
    // and renamed into place with the others.
    let (pdf, others) = rayon::join(
        || render(&blocks, &info, &fonts),
        || -> anyhow::Result<_> {
            Ok((
                serde_json::to_vec_pretty(&b)?,
                xlsx::workbook_staged(&b, &trend, cfg, &xlsx_path)?,
            ))
        },
    );
    let (pdf, (json, book)) = (pdf?, others?);
    let missing_glyphs = pdf.missing_glyphs.clone();
    phases.lap("pdf, workbook and json");
    write_atomic(&pdf_path, &pdf.bytes).with_context(|| pdf_path.display().to_string())?;
    book.commit()
        .with_context(|| xlsx_path.display().to_string())?;
    write_atomic(&json_path, &json).with_context(|| json_path.display().to_string())?;
    phases.lap("write");
    let accepted = b
        .units
        .iter()
        .filter(|u| u.status == ReturnStatus::Accepted)
        .count();
    let counts = [
        accepted,
        b.held.len(),
        b.rejected.len(),
        b.not_reported.len(),
    ];
    // The bulletin holds every counted project: freed while the command reports.
    crate::free_beside((b, pdf, json, blocks, trend, info));
    Ok(Built {
        paths: vec![pdf_path, xlsx_path, json_path],
        missing_glyphs,
        counts,
    })
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
/// The selection in words: 巴南区, 主城都市区, 巴南区等5个单位, 全市电子信息产业.
pub(crate) fn subject(cfg: &Config, sel: &Selection) -> String {
    let mut names: Vec<String> = sel
        .groups
        .iter()
        .cloned()
        .chain(sel.units.iter().map(|c| {
            cfg.unit_by_code(c)
                .map_or_else(|| c.clone(), |u| u.name().to_string())
        }))
        .collect();
    let mut who = match names.len() {
        0 => cfg.file.bulletin.region.clone(),
        1..=3 => names.join("、"),
        n => {
            names.truncate(1);
            format!("{}等{n}个单位和分组", names[0])
        }
    };
    if !sel.industries.is_empty() {
        let industries = sel.industries.join("、");
        who.push_str(&industries);
        if !industries.ends_with('业') {
            who.push_str("产业");
        }
    }
    who
}

/// How a briefing is issued: its date and, when given, its 期号.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BriefIssue {
    pub date: chrono::NaiveDate,
    pub number: Option<u32>,
}

/// Makes the briefing in memory, then writes its PDF and workbook into `out`.
pub(crate) fn write_brief(
    cfg: &Config,
    span: Span,
    selection: &Selection,
    out: &Path,
    issue: BriefIssue,
    lang: Lang,
) -> anyhow::Result<Briefed> {
    let BriefIssue { date, number } = issue;
    let archive = Archive::open_for_reading(&cfg.archive_path())?;
    let league = bulletin(&archive, cfg, span.to)?;
    let inputs = brief::gather(&archive, cfg, span)?;
    let subject = subject(cfg, selection);
    let b = brief::compute(cfg, span, selection, subject.clone(), &inputs, &league);
    // A briefing of months nobody reported would print zeros as figures.
    if b.reported == 0 {
        anyhow::bail!(crate::messages::nothing_counted(span.to, lang));
    }

    let templates = Templates::for_config(cfg)?;
    let info = brief_info(&b, cfg, &templates, date, number)?;
    let base = cfg.path.parent().unwrap_or(Path::new("."));
    let fonts = FontSet::from_config(&cfg.file.fonts, base)?;
    // Two pages at most if shorter tables get there; otherwise the shortest there is.
    let mut pdf = None;
    for shown in Shown::STEPS {
        let blocks = brief_blocks(&b, cfg, &templates, date, number, shown)?;
        let rendered = render_in(Frame::briefing(), &blocks, &info, &fonts)?;
        let fits = rendered.pages <= 2;
        pdf = Some(rendered);
        if fits {
            break;
        }
    }
    let pdf = pdf.context("no layout tried")?;
    let book = xlsx::brief_workbook(&b, cfg)?;

    let months = if span.from == span.to {
        span.to.to_string()
    } else {
        format!("{}至{}", span.from, span.to)
    };
    let stem = format!("简报-{months}-{}", path_safe(&subject));
    let pdf_path = out.join(format!("{stem}.pdf"));
    let xlsx_path = out.join(format!("{stem}.xlsx"));
    write_atomic(&pdf_path, &pdf.bytes).with_context(|| pdf_path.display().to_string())?;
    write_atomic(&xlsx_path, &book).with_context(|| xlsx_path.display().to_string())?;
    Ok(Briefed {
        paths: vec![pdf_path, xlsx_path],
        subject,
        pages: pdf.pages,
        reported: b.reported,
        units: b.units.len(),
        missing_glyphs: pdf.missing_glyphs,
    })
}
