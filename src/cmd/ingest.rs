//! `tongbao ingest`: check files, then store every one of them in the archive — accepted
//! returns become their unit's current version, rejected ones are kept for the record —
//! and write each file's receipt (回执) unless `--no-receipts`.

use std::io::Write;

use crate::cli::{CheckArgs, Format, GlobalArgs};
use crate::intake;
use crate::messages;
use crate::report::{shown, write_human, BatchJson, Style};

use super::progress::Bars;
use super::{input_paths, intake_run, load_config, Outcome};

pub fn run(global: &GlobalArgs, args: &CheckArgs) -> anyhow::Result<Outcome> {
    let cfg = load_config(global)?;
    let lang = global.lang;
    let paths = input_paths(&args.paths, lang)?;
    // A copy of the archive as it was, made while the first files are read; nothing is
    // stored before it is made.
    let backup = intake::BackupBeside::start(&cfg)?;
    let ingested = intake::ingest(
        &intake_run(&cfg, args, lang),
        &paths,
        &Bars::new(lang, global.quiet),
        backup,
    )?;
    let intake::Ingested {
        batch,
        filed,
        receipts,
        late,
    } = ingested;
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            let json = BatchJson::new(&batch, lang, &filed).with_receipts(&receipts.paths);
            serde_json::to_writer_pretty(&mut out, &json)?;
            writeln!(out)?;
        }
        Format::Human => {
            let notes: Vec<String> = filed
                .iter()
                .zip(&batch.files)
                .map(|(o, f)| messages::filed_line(o, f.verdict(), lang))
                .collect();
            write_human(
                &mut out,
                &batch,
                lang,
                args.verbose,
                global.quiet,
                Style::detect(),
                &notes,
            )?;
            if let Some(line) = receipts.summary(lang) {
                writeln!(out, "{line}")?;
            }
            for p in &late {
                writeln!(out, "{}", messages::receipt_written_late(&shown(p), lang))?;
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
