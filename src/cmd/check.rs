//! `tongbao check`: read, parse and validate files; write nothing to the archive, and a
//! receipt (回执) per file unless `--no-receipts`.

use std::io::Write;

use crate::cli::{CheckArgs, Format, GlobalArgs};
use crate::intake;
use crate::report::{write_human, BatchJson, Style};

use super::progress::Bars;
use super::{input_paths, intake_run, load_config, Outcome};

pub fn run(global: &GlobalArgs, args: &CheckArgs) -> anyhow::Result<Outcome> {
    let cfg = load_config(global)?;
    let lang = global.lang;
    let paths = input_paths(&args.paths, lang)?;
    let checked = intake::check(
        &intake_run(&cfg, args, lang),
        &paths,
        &Bars::new(lang, global.quiet),
    )?;
    let (batch, receipts) = (checked.batch, checked.receipts);
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            let json = BatchJson::new(&batch, lang, &[]).with_receipts(&receipts.paths);
            serde_json::to_writer_pretty(&mut out, &json)?;
            writeln!(out)?;
        }
        Format::Human => {
            write_human(
                &mut out,
                &batch,
                lang,
                args.verbose,
                global.quiet,
                Style::detect(),
                &[],
            )?;
            if let Some(line) = receipts.summary(lang) {
                writeln!(out, "{line}")?;
            }
        }
    }
    drop(out);
    receipts.into_result(lang)?;
    // A held return is not counted either: the clerk has something to act on.
    let outcome = Outcome::of_batch(&batch);
    // A province's batch is a few hundred thousand allocations: nothing waits for them.
    crate::free_beside(batch);
    Ok(outcome)
}
