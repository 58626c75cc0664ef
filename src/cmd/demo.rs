//! `tongbao demo [--out DIR]`: the whole monthly cycle on the bundled samples, in a fresh
//! folder — a workspace, last year's same month and every month from 2024-11 ingested in
//! order (so the archive holds each project's history across the year boundary), this
//! month's returns and a few flawed ones ingested, the status, and the bulletin built.
//!
//! A folder that holds an earlier demo (recognised by its files: only what a demo writes,
//! and the demo's own inbox folders) is made anew, so `tongbao demo` can be run again and
//! again; any other folder that is not empty is left untouched.

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
const MONTHS: [&str; 9] = [
    "2024-06", "2024-11", "2024-12", "2025-01", "2025-02", "2025-03", "2025-04", "2025-05",
    "2025-06",
];
/// The bulletin's month.
const REPORT_MONTH: &str = MONTHS[MONTHS.len() - 1];

/// The inbox folder of the flawed returns and resubmissions that arrive with June's.
const LATE_FOLDER: &str = "2025-06-补报";

/// What a demo writes at the top of its folder: the files…
const DEMO_FILES: [&str; 6] = [
    crate::config::CONFIG_FILE,
    "tongbao.db",
    "tongbao.db.lock",
    "tongbao.db-journal",
    "tongbao.db-wal",
    "tongbao.db-shm",
];
/// …and the folders (the workspace's, and the automatic backups).
const DEMO_FOLDERS: [&str; 4] = ["inbox", "out", "receipts", "backups"];

/// What is in the demo's folder before it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    /// Nothing: a new or empty folder.
    Nothing,
    /// An earlier demo, to be made anew.
    EarlierDemo,
    /// Something else, never touched.
    Other,
}

pub fn run(global: &GlobalArgs, args: &DemoArgs) -> anyhow::Result<Outcome> {
    let lang = global.lang;
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("tongbao-demo"));
    let say = |zh: String, en: String| println!("{}", if lang == Lang::Zh { zh } else { en });
    match what_is_in(&dir) {
        Found::Nothing => {}
        Found::EarlierDemo => {
            clear_earlier_demo(&dir)?;
            say(
                format!("{} 中是上次的演示，已清除后重新生成", dir.display()),
                format!(
                    "{} held an earlier demo: cleared and made anew",
                    dir.display()
                ),
            );
        }
        Found::Other => anyhow::bail!(crate::messages::demo_folder_taken(&dir, lang)),
    }
    let config_path = super::init::create_workspace(&dir, lang)?;
    let cfg = Config::load(&config_path)?;

    // Returns into the inbox, one folder per month; the flawed ones arrive with June's.
    let inbox = dir.join("inbox");
    for month in MONTHS {
        extract(&format!("returns/{month}"), &inbox.join(month))?;
    }
    extract("flawed", &inbox.join(LATE_FOLDER))?;
    // And one resubmission whose amounts were typed in 亿元 under 万元 titles: held for
    // verification (待核实), so the demo shows a held return in status and the bulletin.
    let held = "V-MAGNITUDE-亿元填在万元列-沙坪坝区-2025-06.xlsx";
    let file = SAMPLES
        .get_file(format!("layouts/{held}"))
        .context("the held sample is not compiled in")?;
    crate::render::write_atomic(&inbox.join(LATE_FOLDER).join(held), file.contents())?;

    for month in MONTHS {
        let mut folders = vec![inbox.join(month)];
        if month == REPORT_MONTH {
            folders.push(inbox.join(LATE_FOLDER));
        }
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
            receipts: if month == REPORT_MONTH {
                intake::ReceiptsTo::Folder(None)
            } else {
                intake::ReceiptsTo::Nowhere
            },
            received_at,
        };
        for folder in folders {
            let paths = collect_paths(std::slice::from_ref(&folder));
            arrived_at(&paths, &run.received_at)?;
            let ingested = intake::ingest(&run, &paths, &(), intake::BackupBeside::none())?;
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

    let june = Period::parse_canonical(REPORT_MONTH).context("sample period")?;
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
    // The command works from here; `cargo run --release --` stands for `tongbao` in the
    // source folder, before `cargo install --path .`.
    say(
        format!(
            "\n查看报送情况：tongbao status --config {} --period 2025-06\n（在源代码文件夹中、尚未安装 tongbao 命令时，用 cargo run --release -- 代替 tongbao）",
            config_path.display()
        ),
        format!(
            "\nSee who reported: tongbao status --config {} --period 2025-06\n(in the source folder, before tongbao is installed, write cargo run --release -- for tongbao)",
            config_path.display()
        ),
    );
    Ok(Outcome::Ok)
}

/// Whether `dir` is missing or empty, holds an earlier demo, or holds anything else.
///
/// An earlier demo is a folder with a `tongbao.toml` and an `inbox/` holding the demo's
/// folders only ([`MONTHS`] and [`LATE_FOLDER`]), and at its top nothing but the files
/// and folders a demo writes ([`DEMO_FILES`], [`DEMO_FOLDERS`]), each of its kind (no
/// link, no folder where a file belongs). Anything unreadable counts as something else.
fn what_is_in(dir: &Path) -> Found {
    let Ok(entries) = std::fs::read_dir(dir) else {
        // Missing: a new folder. Unreadable or not a folder: `create_workspace` says why.
        return if dir.exists() {
            Found::Other
        } else {
            Found::Nothing
        };
    };
    let Ok(entries) = entries.collect::<Result<Vec<_>, _>>() else {
        return Found::Other;
    };
    if entries.is_empty() {
        return Found::Nothing;
    }
    let is_demo_entry = |e: &std::fs::DirEntry| {
        let name = e.file_name();
        let Some(name) = name.to_str() else {
            return false;
        };
        match e.file_type() {
            Ok(t) if t.is_file() => DEMO_FILES.contains(&name),
            Ok(t) if t.is_dir() => DEMO_FOLDERS.contains(&name),
            _ => false,
        }
    };
    let inbox_is_the_demos = std::fs::read_dir(dir.join("inbox")).is_ok_and(|inbox| {
        inbox.into_iter().all(|e| {
            e.is_ok_and(|e| {
                e.file_type().is_ok_and(|t| t.is_dir())
                    && e.file_name()
                        .to_str()
                        .is_some_and(|n| MONTHS.contains(&n) || n == LATE_FOLDER)
            })
        })
    });
    let has_config = dir.join(crate::config::CONFIG_FILE).is_file();
    if has_config && inbox_is_the_demos && entries.iter().all(is_demo_entry) {
        Found::EarlierDemo
    } else {
        Found::Other
    }
}

/// Removes what an earlier demo wrote in `dir` (see [`what_is_in`]); nothing else is there.
fn clear_earlier_demo(dir: &Path) -> anyhow::Result<()> {
    for name in DEMO_FILES {
        let path = dir.join(name);
        if path.is_file() {
            std::fs::remove_file(&path).with_context(|| path.display().to_string())?;
        }
    }
    for name in DEMO_FOLDERS {
        let path = dir.join(name);
        if path.is_dir() {
            std::fs::remove_dir_all(&path).with_context(|| path.display().to_string())?;
        }
    }
    Ok(())
}

fn rel(p: &Path, base: &Path) -> String {
    p.strip_prefix(base).unwrap_or(p).display().to_string()
}

/// Gives the files the modification time of their arrival, `received_at`: the archive
/// keeps each file's time, so a demo made again is the same archive byte for byte.
fn arrived_at(paths: &[PathBuf], received_at: &str) -> anyhow::Result<()> {
    let Ok(when) = chrono::DateTime::parse_from_rfc3339(received_at) else {
        return Ok(());
    };
    let when = std::time::SystemTime::from(when);
    for path in paths {
        std::fs::File::options()
            .write(true)
            .open(path)
            .and_then(|f| f.set_modified(when))
            .with_context(|| path.display().to_string())?;
    }
    Ok(())
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
