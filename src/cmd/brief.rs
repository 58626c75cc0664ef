//! `tongbao brief --from --to [--unit|--group|--industry]`: a one- or two-page briefing
//! for leadership (PDF and workbook) on any span of months within a year, for the whole
//! roster, some units, some groups, or some industries.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::aggregate::brief::{self, Selection, Span};
use crate::aggregate::bulletin;
use crate::cli::{BriefArgs, GlobalArgs};
use crate::config::Config;
use crate::messages::Lang;
use crate::render::compose::{brief_blocks, brief_info, Shown};
use crate::render::pdf::{render_in, FontSet, Frame};
use crate::render::templates::Templates;
use crate::render::{path_safe, write_atomic, xlsx};

use super::build::{issue_date_today, report_missing_glyphs};
use super::open_archive;
use super::{load_config, Outcome};

pub fn run(global: &GlobalArgs, args: &BriefArgs) -> anyhow::Result<Outcome> {
    let cfg = load_config(global)?;
    let lang = global.lang;
    let span = Span::new(args.from, args.to).map_err(|e| anyhow::anyhow!("{e}"))?;
    let selection = resolve(&cfg, args, lang)?;
    let out: PathBuf = args
        .out
        .clone()
        .unwrap_or_else(|| cfg.resolve(&cfg.file.paths.out).join("简报"));
    let date = args.date.unwrap_or_else(issue_date_today);
    for path in write_brief(&cfg, span, &selection, &out, date, lang)? {
        println!("  {}", path.display());
    }
    Ok(Outcome::Ok)
}

/// Turns the names on the command line into roster codes, group and industry names; a
/// name the roster does not know is an error that lists what it does know.
pub fn resolve(cfg: &Config, args: &BriefArgs, lang: Lang) -> anyhow::Result<Selection> {
    let unknown = |what_zh: &str, what_en: &str, name: &str, known: Vec<String>| {
        let known = known.join("、");
        anyhow::anyhow!(match lang {
            Lang::Zh => format!("名册中没有{what_zh}“{name}”；可选：{known}"),
            Lang::En => format!("the roster has no {what_en} '{name}'; known: {known}"),
        })
    };
    let mut sel = Selection::default();
    for name in &args.unit {
        let unit = cfg
            .find_unit(name)
            .or_else(|| cfg.unit_by_code(name.trim()))
            .ok_or_else(|| {
                unknown(
                    "单位",
                    "unit",
                    name,
                    cfg.file
                        .units
                        .iter()
                        .map(|u| u.name().to_string())
                        .collect(),
                )
            })?;
        if !sel.units.iter().any(|c| c == unit.code()) {
            sel.units.push(unit.code().to_string());
        }
    }
    for name in &args.group {
        let key = crate::text::normalize_key(name);
        let group = cfg
            .file
            .groups
            .iter()
            .find(|g| crate::text::normalize_key(g.name.get_ref()) == key)
            .ok_or_else(|| {
                unknown(
                    "分组",
                    "group",
                    name,
                    cfg.file
                        .groups
                        .iter()
                        .map(|g| g.name.get_ref().clone())
                        .collect(),
                )
            })?;
        if !sel.groups.contains(group.name.get_ref()) {
            sel.groups.push(group.name.get_ref().clone());
        }
    }
    for name in &args.industry {
        let industry = cfg.find_industry(name).ok_or_else(|| {
            unknown(
                "产业类别",
                "industry",
                name,
                cfg.file
                    .industries
                    .iter()
                    .map(|i| i.name.get_ref().clone())
                    .collect(),
            )
        })?;
        if !sel.industries.iter().any(|i| i == industry) {
            sel.industries.push(industry.to_string());
        }
    }
    Ok(sel)
}

/// The selection in words: 巴南区, 主城都市区, 巴南区等5个单位, 全市电子信息产业.
pub fn subject(cfg: &Config, sel: &Selection) -> String {
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

/// Makes the briefing in memory, then writes its PDF and workbook into `out`.
pub fn write_brief(
    cfg: &Config,
    span: Span,
    selection: &Selection,
    out: &Path,
    date: chrono::NaiveDate,
    lang: Lang,
) -> anyhow::Result<Vec<PathBuf>> {
    let archive = open_archive(cfg)?;
    let league = bulletin(&archive, cfg, span.to)?;
    let inputs = brief::gather(&archive, cfg, span)?;
    let subject = subject(cfg, selection);
    let b = brief::compute(cfg, span, selection, subject.clone(), &inputs, &league);
    // A briefing of months nobody reported would print zeros as figures.
    if b.reported == 0 {
        anyhow::bail!(super::build::nothing_counted(span.to, lang));
    }

    let templates = Templates::for_config(cfg)?;
    let info = brief_info(&b, cfg, &templates, date)?;
    let base = cfg.path.parent().unwrap_or(Path::new("."));
    let fonts = FontSet::from_config(&cfg.file.fonts, base)?;
    // Two pages at most if shorter tables get there; otherwise the shortest there is.
    let mut pdf = None;
    for shown in Shown::STEPS {
        let blocks = brief_blocks(&b, cfg, &templates, date, shown)?;
        let rendered = render_in(Frame::briefing(), &blocks, &info, &fonts)?;
        let fits = rendered.pages <= 2;
        pdf = Some(rendered);
        if fits {
            break;
        }
    }
    let pdf = pdf.context("no layout tried")?;
    report_missing_glyphs(&pdf.missing_glyphs, lang);
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
    match lang {
        Lang::Zh => println!(
            "已生成简报：{subject}，{}，{} 页；{}/{} 个单位有截至{}月的报表",
            span.label(),
            pdf.pages,
            b.reported,
            b.units.len(),
            span.to.month
        ),
        Lang::En => println!(
            "briefing written: {subject}, {} to {}, {} page(s); {}/{} units have a return for {}",
            span.from,
            span.to,
            pdf.pages,
            b.reported,
            b.units.len(),
            span.to
        ),
    }
    Ok(vec![pdf_path, xlsx_path])
}
