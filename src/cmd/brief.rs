//! `tongbao brief --from --to [--unit|--group|--industry]`: a one- or two-page briefing
//! for leadership (PDF and workbook) on any span of months within a year, for the whole
//! roster, some units, some groups, or some industries.

use std::path::PathBuf;

use crate::aggregate::brief::{Selection, Span};
use crate::cli::{BriefArgs, GlobalArgs};
use crate::config::Config;
use crate::lang::Lang;
use crate::messages;
use crate::messages::RosterEntry;
use crate::publish;

use super::{load_config, Outcome};

pub fn run(global: &GlobalArgs, args: &BriefArgs) -> anyhow::Result<Outcome> {
    let cfg = load_config(global)?;
    let lang = global.lang;
    let span = Span::new(args.from, args.to)?;
    let selection = resolve(&cfg, args, lang)?;
    let out: PathBuf = args
        .out
        .clone()
        .unwrap_or_else(|| cfg.resolve(&cfg.file.paths.out).join("简报"));
    let date = args
        .date
        .unwrap_or_else(|| crate::clock::issue_date_today(cfg.time_zone()));
    let issue = publish::BriefIssue {
        date,
        number: args.number,
    };
    let briefed = publish::write_brief(&cfg, span, &selection, &out, issue, lang)?;
    super::report_missing_glyphs(&briefed.missing_glyphs, lang);
    println!(
        "{}",
        messages::briefed(
            &briefed.subject,
            (&span.label(), span.from, span.to),
            briefed.pages,
            [briefed.reported, briefed.units],
            lang
        )
    );
    for path in briefed.paths {
        println!("  {}", path.display());
    }
    Ok(Outcome::Ok)
}

/// Turns the names on the command line into roster codes, group and industry names; a
/// name the roster does not know is an error that lists what it does know.
pub fn resolve(cfg: &Config, args: &BriefArgs, lang: Lang) -> anyhow::Result<Selection> {
    let unknown = |what: RosterEntry, name: &str, known: Vec<String>| {
        anyhow::anyhow!(crate::messages::roster_has_no(what, name, &known, lang))
    };
    let mut sel = Selection::default();
    for name in &args.unit {
        let unit = cfg
            .find_unit(name)
            .or_else(|| cfg.unit_by_code(name.trim()))
            .ok_or_else(|| {
                unknown(
                    RosterEntry::Unit,
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
                    RosterEntry::Group,
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
                RosterEntry::Industry,
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
