//! `tongbao build --period`: the bulletin for a period from the archive — the
//! consolidated workbook and bulletin JSON (the PDF joins them with the PDF work).

use std::path::PathBuf;

use anyhow::Context;

use crate::aggregate::bulletin;
use crate::archive::Archive;
use crate::cli::{BuildArgs, GlobalArgs};
use crate::messages::Lang;
use crate::render::{write_atomic, xlsx};

use super::{load_config, Outcome};

pub fn run(global: &GlobalArgs, args: &BuildArgs) -> anyhow::Result<Outcome> {
    let cfg = load_config(global)?;
    let archive_path = cfg.resolve(&cfg.file.paths.archive);
    if !archive_path.exists() {
        anyhow::bail!(match global.lang {
            Lang::Zh => format!(
                "档案库 {} 不存在：请先用 tongbao ingest 入库报表",
                archive_path.display()
            ),
            Lang::En => format!(
                "no archive at {}: ingest returns first with tongbao ingest",
                archive_path.display()
            ),
        });
    }
    let archive = Archive::open_for_reading(&archive_path)?;
    let b = bulletin(&archive, &cfg, args.period)?;
    let out: PathBuf = args.out.clone().unwrap_or_else(|| {
        cfg.resolve(&cfg.file.paths.out)
            .join(args.period.to_string())
    });
    let json_path = out.join(format!("bulletin-{}.json", args.period));
    let xlsx_path = out.join(format!("通报-{}.xlsx", args.period));
    let json = serde_json::to_vec_pretty(&b)?;
    let book = xlsx::workbook(&b, &cfg)?;
    write_atomic(&xlsx_path, &book).with_context(|| xlsx_path.display().to_string())?;
    write_atomic(&json_path, &json).with_context(|| json_path.display().to_string())?;
    let (a, r, m) = (
        b.units
            .iter()
            .filter(|u| u.status == crate::aggregate::ReturnStatus::Accepted)
            .count(),
        b.rejected.len(),
        b.not_reported.len(),
    );
    match global.lang {
        Lang::Zh => println!(
            "已生成 {} 通报：{} 个单位已通过，{} 个未通过审核，{} 个未报送",
            args.period, a, r, m
        ),
        Lang::En => println!(
            "built the {} bulletin: {} units accepted, {} rejected, {} missing",
            args.period, a, r, m
        ),
    }
    println!("  {}", xlsx_path.display());
    println!("  {}", json_path.display());
    Ok(Outcome::Ok)
}
