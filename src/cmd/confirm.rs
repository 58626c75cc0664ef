//! `tongbao confirm`: the clerk confirms a return held for verification (核实). The return
//! counts from then on, and the explanation, stored with its time, is printed in the
//! bulletin's data notes.

use anyhow::bail;

use crate::archive::Archive;
use crate::cli::{ConfirmArgs, GlobalArgs};
use crate::lang::Lang;

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
        bail!(match lang {
            Lang::Zh => format!(
                "名册中没有单位“{}”；名册中的单位：{}",
                args.unit,
                names.join("、")
            ),
            Lang::En => format!(
                "no unit \"{}\" on the roster; the roster has: {}",
                args.unit,
                names.join(", ")
            ),
        });
    };
    let note = args.note.trim();
    // The note is printed in a published bulletin: it must say something.
    if !note.chars().any(|c| c.is_alphanumeric()) {
        bail!(match lang {
            Lang::Zh => "请用 --note 写明核实情况（会印在通报的数据说明中）",
            Lang::En =>
                "say what was verified with --note (it is printed in the bulletin's data notes)",
        });
    }
    // Only an archive that is there and sound is changed (none is created here), and
    // the automatic backup is taken first, as before every change.
    drop(super::open_archive(&cfg)?);
    super::backup_before_change(&cfg)?;
    let mut archive = Archive::open_for_writing(&cfg.resolve(&cfg.file.paths.archive))?;
    let Some(info) = archive.confirm(unit.code(), args.period, note, &received_now())? else {
        bail!(match lang {
            Lang::Zh => format!(
                "{} {} 没有待核实的报表（可用 tongbao status --period {} 查看）",
                unit.name(),
                args.period,
                args.period
            ),
            Lang::En => format!(
                "{} has no return held for verification for {} (see tongbao status --period {})",
                unit.name(),
                args.period,
                args.period
            ),
        });
    };
    let version = info.version.unwrap_or(0);
    match lang {
        Lang::Zh => println!(
            "已确认 {} {} 第 {version} 版，计入统计；核实说明将印在通报的数据说明中",
            unit.name(),
            args.period
        ),
        Lang::En => println!(
            "confirmed {} {} version {version}: it counts now; the note is printed in the bulletin's data notes",
            unit.name(),
            args.period
        ),
    }
    Ok(Outcome::Ok)
}
