//! `tongbao build --period`: the bulletin for a period from the archive — the PDF
//! bulletin (公文 layout, wording from the templates), the consolidated workbook and
//! bulletin JSON.

use std::path::PathBuf;

use crate::cli::{BuildArgs, GlobalArgs};
use crate::messages;
use crate::publish;

use super::{load_config, Outcome};

pub fn run(global: &GlobalArgs, args: &BuildArgs) -> anyhow::Result<Outcome> {
    let mut cfg = load_config(global)?;
    if let Some(n) = args.number {
        cfg.file.bulletin.number = Some(n);
    }
    let out: PathBuf = args.out.clone().unwrap_or_else(|| {
        cfg.resolve(&cfg.file.paths.out)
            .join(args.period.to_string())
    });
    let built = publish::bulletin_outputs(
        &cfg,
        args.period,
        &out,
        args.date
            .unwrap_or_else(|| crate::clock::issue_date_today(cfg.time_zone())),
        global.lang,
    )?;
    super::report_missing_glyphs(&built.missing_glyphs, global.lang);
    println!(
        "{}",
        messages::built(args.period, built.counts, global.lang)
    );
    for path in built.paths {
        println!("  {}", path.display());
    }
    Ok(Outcome::Ok)
}
