//! `tongbao template --period YYYY-MM [--unit NAME…] --out DIR`: the blank return forms
//! the bureau sends out, one per roster unit.
//!
//! Every unit is looked up and every workbook made in memory before the first file is
//! written, so a misspelt `--unit` (or any other failure) leaves the output folder as it was.

use std::collections::BTreeSet;
use std::path::PathBuf;

use anyhow::Context;

use crate::cli::{GlobalArgs, TemplateArgs};
use crate::config::{Config, Unit};
use crate::lang::Lang;
use crate::messages::{
    template_failed, template_summary, template_unknown_units, template_written,
};
use crate::render::form::{file_name, form_workbook};
use crate::render::write_atomic;

use super::{load_config, Outcome};

pub fn run(global: &GlobalArgs, args: &TemplateArgs) -> anyhow::Result<Outcome> {
    let lang = global.lang;
    let cfg = load_config(global)?;
    let units = select_units(&cfg, &args.unit, lang)?;

    let mut names = BTreeSet::new();
    let mut forms: Vec<(PathBuf, Vec<u8>)> = Vec::with_capacity(units.len());
    for unit in units {
        let bytes = form_workbook(&cfg, unit, args.period, lang)
            .with_context(|| template_failed(unit.name(), lang))?;
        // Two roster names that become the same file name once made path-safe keep
        // apart by their codes.
        let mut name = file_name(unit.name(), args.period);
        if !names.insert(name.clone()) {
            name = file_name(&format!("{}-{}", unit.name(), unit.code()), args.period);
            names.insert(name.clone());
        }
        forms.push((args.out.join(name), bytes));
    }

    std::fs::create_dir_all(&args.out).with_context(|| args.out.display().to_string())?;
    for (path, bytes) in &forms {
        write_atomic(path, bytes).with_context(|| path.display().to_string())?;
        println!("{}", template_written(path, lang));
    }
    println!(
        "{}",
        template_summary(forms.len(), args.period, &args.out, lang)
    );
    Ok(Outcome::Ok)
}

/// The units `--unit` names (by name, alias or code), in roster order without repeats;
/// every roster unit when none is named. Any name not on the roster is an error naming
/// all of them.
pub fn select_units<'a>(
    cfg: &'a Config,
    wanted: &[String],
    lang: Lang,
) -> anyhow::Result<Vec<&'a Unit>> {
    if wanted.is_empty() {
        return Ok(cfg.file.units.iter().collect());
    }
    let mut codes = BTreeSet::new();
    let mut unknown = Vec::new();
    for w in wanted {
        // By code too: `find_unit` normalises what it is given, which a code with
        // letters (a zone's `LJXQ`) does not survive.
        match cfg.find_unit(w).or_else(|| cfg.unit_by_code(w.trim())) {
            Some(u) => {
                codes.insert(u.code().to_string());
            }
            None => unknown.push(w.clone()),
        }
    }
    if !unknown.is_empty() {
        let roster: Vec<&str> = cfg.file.units.iter().map(Unit::name).collect();
        anyhow::bail!(template_unknown_units(&unknown, &roster, lang));
    }
    Ok(cfg
        .file
        .units
        .iter()
        .filter(|u| codes.contains(u.code()))
        .collect())
}
