//! `tongbao gen-samples` (hidden): writes sample and benchmark returns.
//!
//! The samples the README, the demo and the tests use are generated, not hand-made, so
//! that they are consistent in every way the tool checks: each return's summary equals
//! its ledger (both come from [`tongbao::model::PeriodFigures::from_ledger`] over the same
//! projects), and months agree with each other because every month's ledger is cut from
//! the same yearly pools of projects ([`pool`]). Everything is drawn from a seed with a
//! PRNG of our own ([`rng`]) and workbooks carry a fixed creation date, so the same
//! arguments give byte-identical files.
//!
//! Two modes: with a roster (`--config`), one return per roster unit; with
//! `--synthetic-units N`, a synthetic roster of N units written beside their returns,
//! for benchmarks.

/// Returns with one deliberate defect each, and the diagnostic each must produce.
pub mod flawed;
/// Yearly project pools and the ledger of any month cut from them.
pub mod pool;
/// The deterministic PRNG.
pub mod rng;
/// Words for names of projects, investors and clerks.
pub mod vocab;
/// The .xlsx writer.
pub mod workbook;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context};
use rayon::prelude::*;

use pool::{History, UnitProfile, UnitReturn};
use tongbao::config::{Config, FigureKey};
use tongbao::model::Period;
use workbook::Style;

/// The seed of the committed samples.
pub const DEFAULT_SEED: u64 = 20250630;

/// Annual signing target assumed for a roster unit without one, 万元.
const DEFAULT_SIGNED_TARGET: f64 = 3_000_000.0;

/// Writes synthetic county returns (samples, tests, benchmarks).
///
/// Examples:
///   tongbao --config samples/tongbao.toml gen-samples --period 2025-06 --out samples/returns/2025-06
///   tongbao gen-samples --synthetic-units 200 --projects 100 --period 2025-06 --out /tmp/bench
#[derive(clap::Args, Debug, Clone)]
pub struct GenArgs {
    /// The roster to write returns for. Not a flag of its own: the dispatcher copies the
    /// global `--config` here (default: tongbao.toml in this folder or a parent).
    #[arg(skip)]
    pub config: Option<PathBuf>,

    /// Report month, YYYY-MM.
    #[arg(long, value_parser = parse_period, value_name = "YYYY-MM")]
    pub period: Period,

    /// Output folder (created if missing). With --synthetic-units it receives
    /// tongbao.toml and returns/YYYY-MM/.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Write a synthetic roster of N units (in a few groups) and their returns instead of
    /// using --config.
    #[arg(long, value_name = "N")]
    pub synthetic_units: Option<usize>,

    /// About how many projects each synthetic return lists.
    #[arg(long, value_name = "M", default_value_t = 60)]
    pub projects: usize,

    /// Seed of every random choice; the same arguments give byte-identical files.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,

    /// Leave out this unit's return (name or alias), as if it had not reported. Repeatable.
    #[arg(long, value_name = "UNIT")]
    pub skip: Vec<String>,

    /// Write this unit's return in the traditional-character layout (two-row merged
    /// header, numbers as text with thousands separators, a 合计 row). Repeatable.
    #[arg(long, value_name = "UNIT")]
    pub traditional: Vec<String>,

    /// Write the flawed samples (one defect each) instead of clean returns.
    #[arg(long)]
    pub flawed: bool,
}

fn parse_period(s: &str) -> Result<Period, String> {
    Period::parse_canonical(s).ok_or_else(|| format!("period must be YYYY-MM, e.g. 2025-06: {s:?}"))
}

/// Runs `gen-samples`.
pub fn run(args: &GenArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    if let Some(n) = args.synthetic_units {
        return run_synthetic(args, n, started);
    }
    let path = match &args.config {
        Some(p) => p.clone(),
        None => Config::discover(&std::env::current_dir()?)?,
    };
    let cfg = Config::load(&path)?;
    generate(&cfg, args, &args.out, started)
}

/// The generator's view of every roster unit.
pub fn profiles(cfg: &Config) -> Vec<UnitProfile> {
    let industries: Vec<String> = if cfg.has_industries() {
        cfg.industry_names()
            .into_iter()
            .map(str::to_string)
            .collect()
    } else {
        vocab::INDUSTRIES
            .iter()
            .map(|i| i.name.to_string())
            .collect()
    };
    cfg.file
        .units
        .iter()
        .map(|u| {
            let target = u
                .targets
                .get(&FigureKey::SignedAmount)
                .copied()
                .unwrap_or(DEFAULT_SIGNED_TARGET);
            UnitProfile::new(u.code(), u.name(), target, &industries)
        })
        .collect()
}

/// Roster codes of the units named on the command line; unknown names are an error.
fn codes_of(cfg: &Config, names: &[String], flag: &str) -> anyhow::Result<Vec<String>> {
    names
        .iter()
        .map(|n| match cfg.find_unit(n) {
            Some(u) => Ok(u.code().to_string()),
            None => bail!("{flag} {n}: no such unit in the roster"),
        })
        .collect()
}

/// Every roster unit's history for `period`, with names made unique across the roster.
/// Skipped units are included, so that a month with a missing return names its projects
/// exactly as a month without one.
pub fn histories(seed: u64, units: &[UnitProfile], period: Period) -> Vec<History> {
    let mut all: Vec<History> = units
        .par_iter()
        .map(|u| History::for_period(seed, u, period))
        .collect();
    pool::disambiguate(&mut all);
    all
}

fn generate(cfg: &Config, args: &GenArgs, out: &Path, started: Instant) -> anyhow::Result<()> {
    let units = profiles(cfg);
    let skip = codes_of(cfg, &args.skip, "--skip")?;
    let traditional = codes_of(cfg, &args.traditional, "--traditional")?;
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let histories = histories(args.seed, &units, args.period);
    if args.flawed {
        let files = flawed::flawed_files(&histories, args.period)?;
        for f in &files {
            write_file(&out.join(&f.file), &f.bytes)?;
        }
        eprintln!(
            "gen-samples: wrote {} flawed returns to {}",
            files.len(),
            out.display()
        );
        for f in &files {
            println!("{}", f.table_row());
        }
        return Ok(());
    }
    let written: Vec<(usize, u64)> = histories
        .par_iter()
        .filter(|h| !skip.contains(&h.unit.code))
        .map(|h| -> anyhow::Result<(usize, u64)> {
            let ret = UnitReturn::build(h, args.period);
            let style = if traditional.contains(&h.unit.code) {
                Style::Traditional
            } else {
                Style::Standard
            };
            let bytes = workbook::write_return(&ret, style, &workbook::Tweaks::default())?;
            write_file(&out.join(ret.file_name()), &bytes)?;
            Ok((ret.projects.len(), bytes.len() as u64))
        })
        .collect::<anyhow::Result<_>>()?;
    let projects: usize = written.iter().map(|w| w.0).sum();
    let bytes: u64 = written.iter().map(|w| w.1).sum();
    eprintln!(
        "gen-samples: wrote {} returns for {} ({} projects, {} KiB) to {} in {:.2} s",
        written.len(),
        args.period,
        projects,
        bytes / 1024,
        out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn write_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    tongbao::render::write_atomic(path, bytes)
        .with_context(|| format!("writing {}", path.display()))
}

/// Rows a return lists, per signing a year, beyond the year's signings so far: projects
/// under negotiation and last year's projects still receiving funds. Measured over the
/// sample roster (see the calibration test).
const EXTRA_ROWS_PER_SIGNING: f64 = 1.53;

/// The annual signing target that gives about `rows` ledger rows in month `month`.
pub fn target_for_rows(rows: usize, month: u32) -> f64 {
    let signings = rows as f64 / (f64::from(month) / 12.0 + EXTRA_ROWS_PER_SIGNING);
    // target = signings × mean amount, where the mean grows with √target (pool::amount_scale).
    let unclamped = (signings * pool::MEAN_BASE_AMOUNT).powi(2) / 5_000_000.0;
    let scale = pool::amount_scale(unclamped);
    (signings * pool::MEAN_BASE_AMOUNT * scale / 10_000.0)
        .round()
        .max(1.0)
        * 10_000.0
}

const NAME_FIRST: [char; 40] = [
    '东', '西', '南', '北', '中', '青', '安', '永', '长', '平', '新', '兴', '宁', '和', '丰', '嘉',
    '云', '清', '华', '临', '宝', '金', '玉', '江', '河', '山', '石', '龙', '凤', '白', '红', '黄',
    '绿', '春', '秋', '明', '光', '德', '福', '太',
];
const NAME_SECOND: [char; 40] = [
    '阳', '川', '源', '城', '溪', '湖', '林', '泉', '泰', '昌', '隆', '盛', '乐', '康', '宁', '远',
    '定', '口', '水', '峰', '州', '陵', '坪', '坝', '桥', '渡', '关', '岭', '寨', '堡', '庄', '原',
    '田', '塘', '沙', '湾', '浦', '海', '门', '岗',
];

/// Writes a synthetic roster and its returns: units in three groups (城区, 县 and a zone
/// group outside the league), targets sized for about `--projects` rows a return.
fn run_synthetic(args: &GenArgs, n: usize, started: Instant) -> anyhow::Result<()> {
    if n == 0 {
        bail!("--synthetic-units must be at least 1");
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let target = target_for_rows(args.projects.max(1), args.period.month);
    let mut toml = String::new();
    let _ = writeln!(
        toml,
        "# Synthetic roster written by `tongbao gen-samples --synthetic-units {n} --projects {}`",
        args.projects
    );
    let _ = writeln!(
        toml,
        "# (seed {}), for benchmarks. See samples/tongbao.toml for every key explained.\n",
        args.seed
    );
    let _ = writeln!(toml, "[bulletin]\nissuer = \"示范市招商投资促进局\"\ndoc_number = \"示招通〔{{year}}〕{{number}}号\"\nregion = \"全市\"\n");
    for (name, league) in [("城区", true), ("县", true), ("开发区", false)] {
        let _ = writeln!(toml, "[[group]]\nname = \"{name}\"\nleague = {league}\n");
    }
    for i in 0..n {
        let (group, suffix, factor) = match i % 10 {
            0..=3 => ("城区", "区", 1.3),
            4..=8 => ("县", "县", 0.7),
            _ => ("开发区", "经开区", 1.6),
        };
        let round = i / 1600;
        let name = format!(
            "{}{}{suffix}{}",
            NAME_FIRST[i % 40],
            NAME_SECOND[(i / 40) % 40],
            if round > 0 {
                round.to_string()
            } else {
                String::new()
            }
        );
        let signed = (target * factor / 10_000.0).round() * 10_000.0;
        let funds = (signed * 0.24 / 10_000.0).round() * 10_000.0;
        let _ = writeln!(
            toml,
            "[[unit]]\ncode = \"9{i:05}\"\nname = \"{name}\"\ngroup = \"{group}\"\ntargets = {{ signed_amount = {signed}, funds_in_place = {funds} }}\n"
        );
    }
    for ind in vocab::INDUSTRIES {
        let (sector, category) = vocab::sector_of(ind.name);
        let _ = write!(
            toml,
            "[[industry]]\nname = \"{}\"\nsector = \"{sector}\"\n",
            ind.name
        );
        if let Some(c) = category {
            let _ = writeln!(toml, "category = \"{c}\"");
        }
        toml.push('\n');
    }
    let config_path = args.out.join(tongbao::config::CONFIG_FILE);
    write_file(&config_path, toml.as_bytes())?;
    let cfg = Config::load(&config_path)?;
    let returns = args.out.join("returns").join(args.period.to_string());
    generate(
        &cfg,
        &GenArgs {
            flawed: false,
            ..args.clone()
        },
        &returns,
        started,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The repository's root (xtask/ is one of its folders).
    fn repo() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .map_or_else(|| PathBuf::from(".."), Path::to_path_buf)
    }

    fn sample_config() -> Config {
        let path = repo().join("samples/tongbao.toml");
        match Config::load(&path) {
            Ok(c) => c,
            Err(e) => panic!("samples/tongbao.toml does not load: {e}"),
        }
    }

    #[test]
    fn sample_config_parses_with_38_counties_and_2_zones() {
        let cfg = sample_config();
        assert_eq!(cfg.file.units.len(), 40);
        assert_eq!(cfg.file.groups.len(), 4);
        assert!(cfg
            .find_unit("石柱县")
            .is_some_and(|u| u.code() == "500240"));
        assert!(cfg
            .find_unit("西部科学城重庆高新区")
            .is_some_and(|u| u.code() == "CQGXQ"));
        for unit in &cfg.file.units {
            assert!(
                unit.targets.contains_key(&FigureKey::SignedAmount),
                "{} has no target",
                unit.name()
            );
        }
        // Every industry the generator writes is on the roster's list.
        for name in cfg.industry_names() {
            assert!(
                vocab::industry_words(name).is_some(),
                "no vocabulary for {name}"
            );
        }
    }

    #[test]
    fn samples_readme_lists_the_flawed_files_as_generated() {
        let cfg = sample_config();
        let readme = std::fs::read_to_string(repo().join("samples/README.md")).unwrap_or_default();
        let period = Period {
            year: 2025,
            month: 6,
        };
        let files = flawed::flawed_files(&histories(DEFAULT_SEED, &profiles(&cfg), period), period)
            .expect("flawed samples");
        for f in &files {
            assert!(
                readme.contains(&f.table_row()),
                "samples/README.md lacks the row\n{}",
                f.table_row()
            );
        }
    }

    #[test]
    fn the_same_arguments_give_the_same_bytes() {
        let cfg = sample_config();
        let period = Period {
            year: 2025,
            month: 6,
        };
        for style in [Style::Standard, Style::Traditional] {
            let write = || {
                let h = &histories(DEFAULT_SEED, &profiles(&cfg), period)[0];
                workbook::write_return(&UnitReturn::build(h, period), style, &Default::default())
                    .expect("writes")
            };
            assert_eq!(write(), write());
        }
    }

    #[test]
    fn no_project_is_reported_twice_in_a_month() {
        // A roster big enough that brands and place words repeat.
        let names: Vec<String> = vocab::INDUSTRIES
            .iter()
            .map(|i| i.name.to_string())
            .collect();
        let units: Vec<UnitProfile> = (0..150)
            .map(|i| UnitProfile::new(&format!("9{i:05}"), &format!("县{i}"), 8_000_000.0, &names))
            .collect();
        let period = Period {
            year: 2025,
            month: 6,
        };
        let mut seen = std::collections::HashSet::new();
        for h in histories(DEFAULT_SEED, &units, period) {
            for p in h.ledger(period) {
                let key = (
                    tongbao::text::normalize_key(&p.name),
                    tongbao::text::normalize_key(&p.investor),
                );
                assert!(
                    seen.insert(key),
                    "{} by {} listed twice",
                    p.name,
                    p.investor
                );
            }
        }
    }

    #[test]
    fn synthetic_targets_give_about_the_rows_asked_for() {
        let names: Vec<String> = vocab::INDUSTRIES
            .iter()
            .map(|i| i.name.to_string())
            .collect();
        for (rows, month) in [(100usize, 6u32), (40, 6), (100, 12), (100, 2)] {
            let target = target_for_rows(rows, month);
            let mean: f64 = (0..20)
                .map(|i| {
                    let unit = UnitProfile::new(&format!("9{i:05}"), "测试县", target, &names);
                    pool::ledger(DEFAULT_SEED, &unit, Period { year: 2025, month }).len() as f64
                })
                .sum::<f64>()
                / 20.0;
            assert!(
                (mean / rows as f64 - 1.0).abs() < 0.25,
                "asked {rows} rows in month {month}, got {mean:.1}"
            );
        }
    }
}

/// Measurements behind the constants above and the scale quoted in samples/README.md.
/// Run with `cargo test -p xtask gen::measurements -- --ignored --nocapture`.
#[cfg(test)]
mod measurements {
    use super::*;
    use tongbao::model::{Figures, PeriodFigures};

    fn repo() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .map_or_else(|| PathBuf::from(".."), Path::to_path_buf)
    }

    /// Rows per signing beyond the year's signings so far ([`EXTRA_ROWS_PER_SIGNING`]).
    #[test]
    #[ignore]
    fn extra_rows_per_signing() {
        let names: Vec<String> = vocab::INDUSTRIES
            .iter()
            .map(|i| i.name.to_string())
            .collect();
        for target in [800_000.0, 3_000_000.0, 10_000_000.0, 27_000_000.0] {
            for month in [2u32, 6, 12] {
                let (mut rows, mut signings) = (0.0, 0.0);
                for i in 0..20 {
                    let unit = UnitProfile::new(&format!("9{i:05}"), "测试县", target, &names);
                    rows += pool::ledger(DEFAULT_SEED, &unit, Period { year: 2025, month }).len()
                        as f64;
                    signings += pool::signings(DEFAULT_SEED, &unit, 2025).len() as f64;
                }
                let extra = rows / signings - f64::from(month) / 12.0;
                println!(
                    "target {target:>10} month {month:>2}: rows {:>6.1} extra {extra:.3}",
                    rows / 20.0
                );
            }
        }
    }

    /// The 督办 cases of the sample months (samples/README.md): 亿元以上 projects not started
    /// six months after signing, started ones without funds in place for three months or
    /// more, projects terminated, renamed and carried over.
    #[test]
    #[ignore]
    fn follow_up_cases() {
        use tongbao::model::{Stage, YI};
        let path = repo().join("samples/tongbao.toml");
        let cfg = Config::load(&path).expect("samples/tongbao.toml loads");
        let months: Vec<Period> = std::iter::successors(
            Some(Period {
                year: 2024,
                month: 11,
            }),
            |p| Some(p.next()),
        )
        .take(8)
        .collect();
        let all = histories(
            DEFAULT_SEED,
            &profiles(&cfg),
            Period {
                year: 2025,
                month: 6,
            },
        );
        for &period in &months {
            let (mut rows, mut carried, mut stalled, mut no_funds) = (0, 0, 0, 0);
            let (mut terminated, mut renamed, mut producing) = (0, 0, 0);
            for h in &all {
                let ledger = h.ledger(period);
                rows += ledger.len();
                for p in &ledger {
                    let Some(signed) = p.signed_on else { continue };
                    if chrono::Datelike::year(&signed) < period.year {
                        carried += 1;
                    }
                    let six = pool::add_months(pool::period_of(signed), 6);
                    if p.started_on.is_none()
                        && p.contract_amount.is_some_and(|a| a >= YI)
                        && six <= period
                        && !p.note.as_deref().is_some_and(|n| n.contains("终止"))
                    {
                        stalled += 1;
                    }
                    if p.note.as_deref().is_some_and(|n| n.contains("终止")) {
                        terminated += 1;
                    }
                    if p.note.as_deref().is_some_and(|n| n.contains("原名")) {
                        renamed += 1;
                    }
                    if p.stage == Stage::InProduction {
                        producing += 1;
                    }
                    if p.stage == Stage::Started {
                        let dry = (0..3).all(|k| {
                            let m = pool::add_months(period, -k);
                            let started = p.started_on.is_some_and(|d| pool::period_of(d) <= m);
                            started
                                && h.ledger(m)
                                    .iter()
                                    .find(|q| q.id == p.id && q.investor == p.investor)
                                    .is_some_and(|q| q.funds_month.is_zero())
                        });
                        if dry {
                            no_funds += 1;
                        }
                    }
                }
            }
            println!(
                "{period}: {rows} rows, {carried} carried over, {stalled} 亿元以上 not started after 6 months, {no_funds} started without funds 3 months, {terminated} 终止, {renamed} 原名, {producing} 已投产"
            );
        }
    }

    /// City totals of the sample roster, to compare with Chongqing's published figures.
    #[test]
    #[ignore]
    fn city_totals() {
        let path = repo().join("samples/tongbao.toml");
        let cfg = Config::load(&path).expect("samples/tongbao.toml loads");
        for (year, month) in [(2023, 3), (2024, 6), (2025, 6)] {
            let period = Period { year, month };
            let mut total = Figures::default();
            let mut rows = 0;
            for h in histories(DEFAULT_SEED, &profiles(&cfg), period) {
                let ledger = h.ledger(period);
                rows += ledger.len();
                total += &PeriodFigures::from_ledger(&ledger, period).ytd;
            }
            println!(
                "{period}: {rows} rows; YTD {} signings {:.0}亿元 ({} 亿元以上), funds {:.0}亿元, {} starts, FDI {:.0}万美元",
                total.signed_count,
                total.signed_amount.as_f64() / 1e4,
                total.big_count,
                total.funds_in_place.as_f64() / 1e4,
                total.started_count,
                total.fdi_usd.as_f64()
            );
        }
    }
}
