//! `tongbao confirm`: the clerk confirms a return held for verification (核实). The return
//! counts from then on, and the explanation, stored with its time, is printed in the
//! bulletin's data notes.

use anyhow::bail;

use crate::archive::Archive;
use crate::cli::{ConfirmArgs, GlobalArgs};
use crate::messages;

use super::{load_config, Outcome};
use crate::clock::received_now;

pub fn run(global: &GlobalArgs, args: &ConfirmArgs) -> anyhow::Result<Outcome> {
    let cfg = load_config(global)?;
    let lang = global.lang;
    let Some(unit) = cfg
        .find_unit(&args.unit)
        .or_else(|| cfg.unit_by_code(args.unit.trim()))
    else {
        let names: Vec<&str> = cfg.file.units.iter().map(|u| u.name()).collect();
        bail!(messages::confirm_unknown_unit(&args.unit, &names, lang));
    };
    let note = args.note.trim();
    // The note is printed in a published bulletin: it must say something.
    if !note.chars().any(|c| c.is_alphanumeric()) {
        bail!(messages::confirm_needs_note(lang));
    }
    // Only an archive that is there and sound is changed (none is created here), and
    // the automatic backup is taken first, as before every change.
    drop(super::open_archive(&cfg)?);
    super::backup_before_change(&cfg)?;
    let mut archive = Archive::open_for_writing(&cfg.resolve(&cfg.file.paths.archive))?;
    let Some(info) = archive.confirm(unit.code(), args.period, note, &received_now())? else {
        bail!(messages::confirm_nothing_held(
            unit.name(),
            args.period,
            lang
        ));
    };
    crate::intake::refresh_register(&mut archive);
    let version = info.version.unwrap_or(0);
    println!(
        "{}",
        messages::confirmed(unit.name(), args.period, version, lang)
    );
    Ok(Outcome::Ok)
}
