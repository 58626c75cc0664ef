//! `tongbao demo [--out DIR]`: the whole monthly cycle on the bundled samples, in a fresh
//! folder — a workspace, last year's and last month's returns ingested, this month's
//! returns and a few flawed ones ingested, the status, and the bulletin built.

use std::path::{Path, PathBuf};

use anyhow::Context;
use include_dir::{include_dir, Dir};

use crate::batch::collect_paths;
use crate::cli::{DemoArgs, GlobalArgs};
use crate::config::Config;
use crate::intake;
use crate::lang::Lang;
use crate::model::Period;

use super::Outcome;

/// The samples folder, compiled in.
static SAMPLES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/samples");

/// The months of the samples, oldest first; the last is the bulletin's.
const MONTHS: [&str; 3] = ["2024-06", "2025-05", "2025-06"];

pub fn run(global: &GlobalArgs, args: &DemoArgs) -> anyhow::Result<Outcome> {
    let lang = global.lang;
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("tongbao-demo"));
    if dir.exists()
        && std::fs::read_dir(&dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        anyhow::bail!(match lang {
            Lang::Zh => format!(
                "{} 已存在且不是空文件夹；请用 --out 指定一个新文件夹",
                dir.display()
            ),
            Lang::En => format!(
                "{} exists and is not empty; choose a new folder with --out",
                dir.display()
            ),
        });
    }
    let config_path = super::init::create_workspace(&dir, lang)?;
    let cfg = Config::load(&config_path)?;
    let say = |zh: String, en: String| println!("{}", if lang == Lang::Zh { zh } else { en });

    // Returns into the inbox, one folder per month; the flawed ones arrive with June's.
    let inbox = dir.join("inbox");
    for month in MONTHS {
        extract(&format!("returns/{month}"), &inbox.join(month))?;
    }
    extract("flawed", &inbox.join("2025-06-补报"))?;
    // And one resubmission whose amounts were typed in 亿元 under 万元 titles: held for
    // verification (待核实), so the demo shows a held return in status and the bulletin.
    let held = "V-MAGNITUDE-亿元填在万元列-沙坪坝区-2025-06.xlsx";
    let file = SAMPLES
        .get_file(format!("layouts/{held}"))
        .context("the held sample is not compiled in")?;
    crate::render::write_atomic(&inbox.join("2025-06-补报").join(held), file.contents())?;

    for (month, folders) in [
        (MONTHS[0], vec![inbox.join(MONTHS[0])]),
        (MONTHS[1], vec![inbox.join(MONTHS[1])]),
        (
            MONTHS[2],
            vec![inbox.join(MONTHS[2]), inbox.join("2025-06-补报")],
        ),
    ] {
        let period = Period::parse_canonical(month);
        // The samples arrive as a county's would: on the 3rd of the following month, in
        // time for the deadline (so `status` shows them on time, and every run the same).
        let received_at = period.map_or_else(crate::clock::received_now, |p| {
            let next = p.next();
            format!("{:04}-{:02}-03T01:30:00Z", next.year, next.month)
        });
        // The report month's files are answered with receipts, as a clerk's would be.
        let run = intake::Run {
            cfg: &cfg,
            period,
            lang,
            receipts: if month == MONTHS[2] {
                intake::ReceiptsTo::Folder(None)
            } else {
                intake::ReceiptsTo::Nowhere
            },
            received_at,
        };
        for folder in folders {
            let paths = collect_paths(std::slice::from_ref(&folder));
            let ingested = intake::ingest(&run, &paths, &())?;
            ingested.receipts.into_result(lang).context("receipt")?;
            let batch = ingested.batch;
            say(
                format!(
                    "入库 {}：{} 个文件，{} 个通过，{} 个待核实，{} 个未通过",
                    rel(&folder, &dir),
                    batch.files.len(),
                    batch.accepted(),
                    batch.held(),
                    batch.rejected()
                ),
                format!(
                    "ingested {}: {} files, {} accepted, {} held, {} rejected",
                    rel(&folder, &dir),
                    batch.files.len(),
                    batch.accepted(),
                    batch.held(),
                    batch.rejected()
                ),
            );
        }
    }

    let june = Period::parse_canonical(MONTHS[2]).context("sample period")?;
    let out = cfg.resolve(&cfg.file.paths.out).join(june.to_string());
    let today = crate::clock::issue_date_today(cfg.time_zone());
    let built = crate::publish::bulletin_outputs(&cfg, june, &out, today, lang)?;
    super::report_missing_glyphs(&built.missing_glyphs, lang);
    println!("{}", crate::messages::built(june, built.counts, lang));
    let written = built.paths;
    say(
        format!("\n演示工作区：{}", dir.display()),
        format!("\nDemo workspace: {}", dir.display()),
    );
    say(
        format!("  配置  {}", config_path.display()),
        format!("  config   {}", config_path.display()),
    );
    say(
        format!(
            "  档案库 {}",
            cfg.resolve(&cfg.file.paths.archive).display()
        ),
        format!(
            "  archive  {}",
            cfg.resolve(&cfg.file.paths.archive).display()
        ),
    );
    for path in written {
        say(
            format!("  输出  {}", path.display()),
            format!("  output   {}", path.display()),
        );
    }
    let receipts = cfg.resolve(&cfg.file.paths.receipts).join(june.to_string());
    say(
        format!("  回执  {}", receipts.display()),
        format!("  receipts {}", receipts.display()),
    );
    say(
        format!(
            "\n查看报送情况：cd {} && tongbao status --period 2025-06",
            dir.display()
        ),
        format!(
            "\nSee who reported: cd {} && tongbao status --period 2025-06",
            dir.display()
        ),
    );
    Ok(Outcome::Ok)
}

fn rel(p: &Path, base: &Path) -> String {
    p.strip_prefix(base).unwrap_or(p).display().to_string()
}

/// Writes the files of a folder of the compiled-in samples to `to`.
fn extract(from: &str, to: &Path) -> anyhow::Result<()> {
    let dir = SAMPLES
        .get_dir(from)
        .with_context(|| format!("samples/{from} is not compiled in"))?;
    std::fs::create_dir_all(to).with_context(|| to.display().to_string())?;
    for f in dir.files() {
        if let Some(name) = f.path().file_name() {
            crate::render::write_atomic(&to.join(name), f.contents())
                .with_context(|| to.join(name).display().to_string())?;
        }
    }
    Ok(())
}
