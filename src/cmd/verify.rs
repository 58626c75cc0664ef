//! `tongbao verify`: re-reads every stored original (the bytes kept with each submission)
//! with the current reader and compares what it finds with the stored rows and their
//! checksums — the clerk's way to know the archive still says what the counties sent.

use std::io::Write;

use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::archive::{ArchiveError, SubmissionInfo};
use crate::cli::{GlobalArgs, VerifyArgs};
use crate::config::Config;
use crate::lang::Lang;
use crate::model::{Project, ReportedIndicator, Verdict};
use crate::parse::parse_return;
use crate::read::read_bytes;
use crate::text::printable;

use super::{load_config, open_archive, Outcome};

/// How many submissions are held in memory at once (their bytes and rows), re-read in
/// parallel.
const CHUNK: usize = 64;

/// One way a submission disagrees with its original or its checksum.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Problem {
    /// The stored bytes no longer have the sha256 recorded when they were received.
    Original,
    /// The stored rows no longer give the checksum stored with them.
    Checksum,
    /// The stored rows cannot be read back at all.
    StoredUnreadable { detail: String },
    /// The original can no longer be read, although rows were stored from it.
    OriginalUnreadable,
    /// The unit the original names now resolves to another code.
    Unit {
        stored: Option<String>,
        original: String,
    },
    /// The original is for another period.
    Period {
        stored: Option<String>,
        original: String,
    },
    /// Projects differ: how many, and the first (its sheet row, one-based, and fields).
    Projects {
        stored: usize,
        original: usize,
        differing: usize,
        first_row: Option<u32>,
        fields: Vec<String>,
    },
    /// Reported indicators (主要指标) differ.
    Indicators { differing: usize },
}

/// The outcome for one submission.
#[derive(Debug, Clone, Serialize)]
pub struct Checked {
    pub id: i64,
    pub unit_code: Option<String>,
    pub unit_name: Option<String>,
    pub period: Option<String>,
    pub version: Option<i64>,
    pub file: String,
    pub status: &'static str,
    pub problems: Vec<Problem>,
}

#[derive(Debug, Serialize)]
struct Report<'a> {
    archive: String,
    submissions: &'a [Checked],
    summary: Summary,
}

#[derive(Debug, Serialize)]
struct Summary {
    submissions: usize,
    ok: usize,
    mismatch: usize,
}

pub fn run(global: &GlobalArgs, args: &VerifyArgs) -> anyhow::Result<Outcome> {
    let cfg = load_config(global)?;
    let archive = open_archive(&cfg)?;
    let infos = archive.all_submissions()?;
    let mut checked = Vec::with_capacity(infos.len());
    for chunk in infos.chunks(CHUNK) {
        let mut loaded = Vec::with_capacity(chunk.len());
        for info in chunk {
            let bytes = archive.bytes(info.id)?;
            let stored = match archive.stored_rows(info) {
                Ok((projects, indicators)) => {
                    let agree = archive.checksums_agree(info, &projects, &indicators)?;
                    Ok((projects, indicators, agree))
                }
                Err(ArchiveError::Corrupt(detail)) => Err(detail),
                Err(e) => return Err(e.into()),
            };
            loaded.push((info, bytes, stored));
        }
        checked.extend(
            loaded
                .into_par_iter()
                .map(|(info, bytes, stored)| check_one(&cfg, info, &bytes, stored))
                .collect::<Vec<_>>(),
        );
    }
    let mismatch = checked.iter().filter(|c| !c.problems.is_empty()).count();
    let summary = Summary {
        submissions: checked.len(),
        ok: checked.len() - mismatch,
        mismatch,
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        let report = Report {
            archive: archive.path().display().to_string(),
            submissions: &checked,
            summary,
        };
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        let places = Places {
            archive: archive.path().display().to_string(),
            backups: cfg.backups_dir().display().to_string(),
        };
        write_human(
            &mut out,
            &places,
            &checked,
            &summary,
            global.lang,
            global.quiet,
        )?;
    }
    Ok(if mismatch > 0 {
        Outcome::SomeRejected
    } else {
        Outcome::Ok
    })
}

type Stored = Result<(Vec<Project>, Vec<ReportedIndicator>, bool), String>;

/// Compares one submission's original with its stored rows and checksums.
fn check_one(cfg: &Config, info: &SubmissionInfo, bytes: &[u8], stored: Stored) -> Checked {
    let mut problems = Vec::new();
    let sha: String = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if sha != info.sha256 {
        problems.push(Problem::Original);
    }
    match stored {
        Err(detail) => problems.push(Problem::StoredUnreadable { detail }),
        Ok((projects, indicators, agree)) => {
            if !agree {
                problems.push(Problem::Checksum);
            }
            let limits = cfg.limits();
            let parsed = crate::batch::guarded(|| {
                read_bytes(bytes, &limits).map(|wb| parse_return(&wb, cfg))
            });
            match parsed {
                Ok(Ok(parsed)) => {
                    if let (Some(stored), Some(unit)) = (&info.unit_code, &parsed.unit) {
                        if *stored != unit.code {
                            problems.push(Problem::Unit {
                                stored: Some(stored.clone()),
                                original: unit.code.clone(),
                            });
                        }
                    }
                    if let (Some(stored), Some(period)) = (info.period, parsed.period) {
                        if stored != period {
                            problems.push(Problem::Period {
                                stored: Some(stored.to_string()),
                                original: period.to_string(),
                            });
                        }
                    }
                    // A rejected file is kept whole but its rows are never stored: there
                    // is nothing to compare them with.
                    if info.verdict != Verdict::Rejected {
                        let original = parsed.ledger.map(|l| l.projects).unwrap_or_default();
                        if let Some(p) = compare_projects(&projects, &original) {
                            problems.push(p);
                        }
                        let original = parsed.summary.unwrap_or_default();
                        let differing = differing_indicators(&indicators, &original);
                        if differing > 0 {
                            problems.push(Problem::Indicators { differing });
                        }
                    }
                }
                // Nothing could be read from it when it was stored either.
                _ if projects.is_empty() && indicators.is_empty() => {}
                _ => problems.push(Problem::OriginalUnreadable),
            }
        }
    }
    Checked {
        id: info.id,
        unit_code: info.unit_code.clone(),
        unit_name: info
            .unit_code
            .as_deref()
            .and_then(|c| cfg.unit_by_code(c))
            .map(|u| u.name().to_string()),
        period: info.period.map(|p| p.to_string()),
        version: info.version,
        file: info.file_name.clone(),
        status: if problems.is_empty() {
            "ok"
        } else {
            "mismatch"
        },
        problems,
    }
}

/// The projects' differences, if any: how many rows differ and the first one's fields.
fn compare_projects(stored: &[Project], original: &[Project]) -> Option<Problem> {
    let mut differing = stored.len().abs_diff(original.len());
    let mut first: Option<(u32, Vec<String>)> = None;
    for (s, o) in stored.iter().zip(original) {
        if s == o {
            continue;
        }
        differing += 1;
        if first.is_none() {
            first = Some((s.row + 1, differing_fields(s, o)));
        }
    }
    if differing == 0 {
        return None;
    }
    let (first_row, fields) = match first {
        Some((row, fields)) => (Some(row), fields),
        None => (None, Vec::new()),
    };
    Some(Problem::Projects {
        stored: stored.len(),
        original: original.len(),
        differing,
        first_row,
        fields,
    })
}

/// The names of the fields in which two projects differ.
fn differing_fields(a: &Project, b: &Project) -> Vec<String> {
    let (Ok(serde_json::Value::Object(a)), Ok(serde_json::Value::Object(b))) =
        (serde_json::to_value(a), serde_json::to_value(b))
    else {
        return Vec::new();
    };
    a.iter()
        .filter(|(k, v)| b.get(*k) != Some(v))
        .map(|(k, _)| k.clone())
        .collect()
}

/// How many indicators differ (the cells they were read from are not stored).
fn differing_indicators(stored: &[ReportedIndicator], original: &[ReportedIndicator]) -> usize {
    let same = |s: &ReportedIndicator, o: &ReportedIndicator| {
        s.indicator == o.indicator
            && s.month == o.month
            && s.ytd == o.ytd
            && s.last_year_ytd == o.last_year_ytd
    };
    stored.len().abs_diff(original.len())
        + stored
            .iter()
            .zip(original)
            .filter(|(s, o)| !same(s, o))
            .count()
}

/// One problem in the reader's language.
pub fn describe(p: &Problem, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    match p {
        Problem::Original if zh => "保存的原始文件与入库时的 sha256 不符".into(),
        Problem::Original => {
            "the stored original no longer has the sha256 it was received with".into()
        }
        Problem::Checksum if zh => "项目明细或主要指标与入库时的校验和不符（入库后被改动）".into(),
        Problem::Checksum => {
            "the stored rows no longer match their checksum (changed after they were stored)".into()
        }
        Problem::StoredUnreadable { detail } if zh => format!("档案库中的数据无法读取（{detail}）"),
        Problem::StoredUnreadable { detail } => {
            format!("the stored rows cannot be read ({detail})")
        }
        Problem::OriginalUnreadable if zh => "原始文件现在读不出来，但入库时读出了数据".into(),
        Problem::OriginalUnreadable => {
            "the original cannot be read now, although rows were stored from it".into()
        }
        Problem::Unit { stored, original } if zh => format!(
            "单位代码：档案库 {}，原件 {original}",
            stored.as_deref().unwrap_or("—")
        ),
        Problem::Unit { stored, original } => format!(
            "unit code: archive {}, original {original}",
            stored.as_deref().unwrap_or("—")
        ),
        Problem::Period { stored, original } if zh => format!(
            "报告期：档案库 {}，原件 {original}",
            stored.as_deref().unwrap_or("—")
        ),
        Problem::Period { stored, original } => format!(
            "period: archive {}, original {original}",
            stored.as_deref().unwrap_or("—")
        ),
        Problem::Projects {
            stored,
            original,
            differing,
            first_row,
            fields,
        } => {
            let first = match (first_row, zh) {
                (Some(row), true) => format!("，首处在第 {row} 行（{}）", fields.join("、")),
                (Some(row), false) => format!("; the first in row {row} ({})", fields.join(", ")),
                (None, _) => String::new(),
            };
            if zh {
                format!("项目明细：{differing} 个项目与原件不符（档案库 {stored} 个，原件 {original} 个）{first}")
            } else {
                format!("projects: {differing} differ from the original (archive {stored}, original {original}){first}")
            }
        }
        Problem::Indicators { differing } if zh => format!("主要指标：{differing} 项与原件不符"),
        Problem::Indicators { differing } => {
            format!("indicators: {differing} differ from the original")
        }
    }
}

/// The archive and its backups folder, as the report names them.
struct Places {
    archive: String,
    backups: String,
}

fn write_human(
    out: &mut impl Write,
    places: &Places,
    checked: &[Checked],
    summary: &Summary,
    lang: Lang,
    quiet: bool,
) -> std::io::Result<()> {
    let zh = lang == Lang::Zh;
    if zh {
        writeln!(
            out,
            "核对档案库 {}：逐份重新读取原始文件，与入库数据比对",
            places.archive
        )?;
    } else {
        writeln!(
            out,
            "verifying {}: every stored original read again and compared",
            places.archive
        )?;
    }
    for c in checked {
        if quiet && c.problems.is_empty() {
            continue;
        }
        let unit = match (&c.unit_code, &c.unit_name) {
            (Some(code), Some(name)) => format!("{code} {name}"),
            (Some(code), None) => code.clone(),
            _ => "—".into(),
        };
        let version = match (c.version, zh) {
            (Some(v), true) => format!("第{v}版"),
            (Some(v), false) => format!("v{v}"),
            (None, _) => "—".into(),
        };
        let state = match (c.problems.is_empty(), zh) {
            (true, true) => "一致",
            (true, false) => "ok",
            (false, true) => "不一致",
            (false, false) => "MISMATCH",
        };
        let mut line = format!(
            "  {state:<8} {unit} {} {version} {}",
            c.period.as_deref().unwrap_or("—"),
            printable(&c.file)
        );
        if !c.problems.is_empty() {
            let said: Vec<String> = c.problems.iter().map(|p| describe(p, lang)).collect();
            line.push_str(if zh { "：" } else { ": " });
            line.push_str(&said.join(if zh { "；" } else { "; " }));
        }
        writeln!(out, "{line}")?;
    }
    if zh {
        writeln!(
            out,
            "合计：{} 份报送，一致 {}，不一致 {}",
            summary.submissions, summary.ok, summary.mismatch
        )?;
        if summary.mismatch > 0 {
            writeln!(out, "有不一致：请从备份文件夹 {} 中最近一份核对一致的备份恢复档案库（复制为 {}），或请相关单位重新报送", places.backups, places.archive)?;
        }
    } else {
        writeln!(
            out,
            "Total: {} submissions, {} ok, {} mismatched",
            summary.submissions, summary.ok, summary.mismatch
        )?;
        if summary.mismatch > 0 {
            writeln!(out, "mismatches found: restore the archive from the newest backup in {} that verifies (copy it to {}), or ask the units to submit again", places.backups, places.archive)?;
        }
    }
    Ok(())
}
