//! `tongbao backup DEST`: a consistent copy of the archive (SQLite's online backup), to a
//! file or into a folder under a time-stamped name.

use crate::archive::backup::copy_to;
use crate::cli::{BackupArgs, GlobalArgs};

use super::{load_config, open_archive, Outcome};

pub fn run(global: &GlobalArgs, args: &BackupArgs) -> anyhow::Result<Outcome> {
    let cfg = load_config(global)?;
    let archive = open_archive(&cfg)?;
    let submissions = archive.all_submissions()?.len();
    let copy = copy_to(&archive, &args.dest)?;
    let bytes = std::fs::metadata(&copy).map_or(0, |m| m.len());
    let size = format!("{:.1} MB", bytes as f64 / 1_048_576.0);
    println!(
        "{}",
        crate::messages::backed_up(
            &archive.path().display().to_string(),
            &copy.display().to_string(),
            submissions,
            &size,
            global.lang
        )
    );
    Ok(Outcome::Ok)
}
