//! `tongbao ingest`: check files, then store every one of them in the archive — accepted
//! returns become their unit's current version, rejected ones are kept for the record —
//! and write each file's receipt (回执) unless `--no-receipts`.

use std::collections::{HashMap, HashSet};
use std::io::Write;

use crate::archive::{Archive, ArchiveError, NewSubmission, Readers, Stored};
use crate::batch::{check_files_streaming, check_files_with, Batch, BatchOptions, FileReport};
use crate::cli::{CheckArgs, Format, GlobalArgs};
use crate::config::Config;
use crate::diag::Diagnostic;
use crate::messages::{ui, Lang, Ui};
use crate::model::{Period, Verdict};
use crate::validate::history::{against_last_month, cross_unit_key, project_elsewhere, History};
use crate::validate::Subject;

use super::check::{input_paths, write_human, ArchiveJson, BatchJson, Style};
use super::progress::Progress;
use super::{load_config, Outcome};

pub fn run(global: &GlobalArgs, args: &CheckArgs) -> anyhow::Result<Outcome> {
    let cfg = load_config(global)?;
    let paths = input_paths(args, global.lang)?;
    // A copy of the archive as it was, before this run changes it.
    super::backup_before_change(&cfg)?;
    let opts = BatchOptions {
        period: args.period,
        lang: global.lang,
        keep_bytes: true,
    };
    let received_at = received_now();
    let (batch, outcomes) = match args.period {
        // The batch period is known: each file is stored as soon as it has been checked,
        // while the files after it are read.
        Some(_) => {
            let archive_path = cfg.resolve(&cfg.file.paths.archive);
            let mut archive = Archive::open_for_writing(&archive_path)?;
            // Last month's returns are read on the reading threads, each on a connection
            // of its own: with --period, no file of this batch can change them.
            let readers = Readers::new(&archive_path);
            let bar = Progress::new(paths.len(), ui(Ui::Ingesting, global.lang), global.quiet);
            let mut storer = Storer::new(&mut archive, &cfg, &received_at);
            let mut outcomes = Vec::with_capacity(paths.len());
            let batch = check_files_streaming(
                &paths,
                &cfg,
                &opts,
                &|| bar.inc(),
                |file: &FileReport| readers.with(|a| prepare(a, &cfg, args.period, file)),
                |file: &mut FileReport, prepared| {
                    outcomes.push(storer.store_prepared(file, prepared?)?);
                    Ok::<(), ArchiveError>(())
                },
            )?;
            bar.finish();
            (batch, outcomes)
        }
        // The batch period is the month most files are for: every file is read first.
        None => {
            let bar = Progress::new(paths.len(), ui(Ui::Checking, global.lang), global.quiet);
            let mut batch = check_files_with(&paths, &cfg, &opts, &|| bar.inc());
            bar.finish();
            let mut archive = Archive::open_for_writing(&cfg.resolve(&cfg.file.paths.archive))?;
            let bar = Progress::new(paths.len(), ui(Ui::Storing, global.lang), global.quiet);
            let outcomes =
                ingest_batch_with(&mut archive, &cfg, &mut batch, &received_at, &|| bar.inc())?;
            bar.finish();
            (batch, outcomes)
        }
    };
    let mut batch = batch;
    // After the archive: the receipt states the archive's outcome and its rules' findings.
    let receipts =
        super::receipts::write_for_batch(&cfg, args, &batch, &outcomes, global.lang, &received_at);
    // Receipts lost to an earlier stop (stored, never answered) are written too.
    let mut late = Vec::new();
    if let (Some(period), false) = (batch.period, args.no_receipts) {
        let archive = Archive::open_for_reading(&cfg.resolve(&cfg.file.paths.archive))?;
        late = super::receipts::write_missing(
            &cfg,
            &archive,
            period,
            args.receipts.as_deref(),
            global.lang,
        )?;
    }
    for f in &mut batch.files {
        f.bytes = None;
    }
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            let json =
                BatchJson::new(&batch, global.lang, &outcomes).with_receipts(&receipts.paths);
            serde_json::to_writer_pretty(&mut out, &json)?;
            writeln!(out)?;
        }
        Format::Human => {
            let notes: Vec<String> = outcomes
                .iter()
                .zip(&batch.files)
                .map(|(o, f)| describe(o, f.verdict(), global.lang))
                .collect();
            write_human(
                &mut out,
                &batch,
                global.lang,
                args.verbose,
                global.quiet,
                Style::detect(),
                &notes,
            )?;
            if let Some(line) = receipts.summary(global.lang) {
                writeln!(out, "{line}")?;
            }
            for p in &late {
                let line =
                    crate::messages::receipt_written_late(&super::receipts::shown(p), global.lang);
                writeln!(out, "{line}")?;
            }
        }
    }
    drop(out);
    receipts.into_result(global.lang)?;
    // A held return is not counted either: the clerk has something to act on.
    Ok(if batch.rejected() + batch.held() > 0 {
        Outcome::SomeRejected
    } else {
        Outcome::Ok
    })
}

/// The time of receipt: now, or `SOURCE_DATE_EPOCH` when set (reproducible runs).
pub fn received_now() -> String {
    let now = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
        .unwrap_or_else(chrono::Utc::now);
    now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Adds the archive rules' findings to each file and stores it; files in path order, so
/// that a project reported twice is flagged on the later file. Each file's bytes stay in
/// its report, for its receipt.
pub fn ingest_batch(
    archive: &mut Archive,
    cfg: &Config,
    batch: &mut Batch,
    received_at: &str,
) -> Result<Vec<ArchiveJson>, ArchiveError> {
    ingest_batch_with(archive, cfg, batch, received_at, &|| {})
}

/// [`ingest_batch`], calling `on_stored` after each file, for a progress bar.
pub fn ingest_batch_with(
    archive: &mut Archive,
    cfg: &Config,
    batch: &mut Batch,
    received_at: &str,
    on_stored: &dyn Fn(),
) -> Result<Vec<ArchiveJson>, ArchiveError> {
    let mut storer = Storer::new(archive, cfg, received_at);
    let mut outcomes = Vec::with_capacity(batch.files.len());
    for file in &mut batch.files {
        outcomes.push(storer.store(batch.period, file)?);
        on_stored();
    }
    Ok(outcomes)
}

/// Stores checked files one after another, in the order given, remembering what the
/// cross-unit rule needs between them.
pub struct Storer<'a> {
    archive: &'a mut Archive,
    cfg: &'a Config,
    received_at: &'a str,
    /// Per period, other units' projects: name-and-investor key → (unit code, unit name).
    elsewhere_by_period: HashMap<Period, HashMap<String, (String, String)>>,
    /// Per period, the units whose projects are in that period's map.
    units_by_period: HashMap<Period, HashSet<String>>,
}

impl<'a> Storer<'a> {
    pub fn new(archive: &'a mut Archive, cfg: &'a Config, received_at: &'a str) -> Self {
        Storer {
            archive,
            cfg,
            received_at,
            elsewhere_by_period: HashMap::new(),
            units_by_period: HashMap::new(),
        }
    }

    /// Adds the archive rules' findings to `file` and stores it. Its bytes are kept only
    /// if it has findings: its receipt shows its sheets then; a clean return's does not.
    /// Its projects are dropped from the report once stored.
    pub fn store(
        &mut self,
        batch_period: Option<Period>,
        file: &mut FileReport,
    ) -> Result<ArchiveJson, ArchiveError> {
        let prepared = prepare(self.archive, self.cfg, batch_period, file)?;
        self.store_prepared(file, prepared)
    }

    /// [`Storer::store`] with what [`prepare`] made of the file.
    pub fn store_prepared(
        &mut self,
        file: &mut FileReport,
        prepared: Prepared,
    ) -> Result<ArchiveJson, ArchiveError> {
        let outcome = ingest_file(
            self.archive,
            self.cfg,
            prepared,
            file,
            self.received_at,
            &mut self.elsewhere_by_period,
            &mut self.units_by_period,
        )?;
        if file.diagnostics.0.is_empty() {
            file.bytes = None;
        }
        // The projects are in the archive now; the report keeps what the output and the
        // receipt use (figures, unit, period, the ledger's place), so a national batch
        // does not hold every ledger until the end.
        if let Some(ledger) = file.parsed.as_mut().and_then(|p| p.ledger.as_mut()) {
            ledger.projects = Vec::new();
        }
        Ok(outcome)
    }
}

/// What storing a file needs that does not depend on the files stored before it in the
/// batch: its projects' identities and cross-unit keys, and the findings of the rules that
/// compare it with its unit's last month. [`check_files_streaming`] makes it on the
/// reading threads.
pub struct Prepared {
    /// [`Project::identity`](crate::model::Project::identity) of each project of a return
    /// that will count (a rejected one stores no projects).
    identities: Vec<String>,
    /// [`cross_unit_key`] of each of those projects.
    own_keys: Vec<String>,
    /// W-YTD-DECREASE and W-PROJECT-VANISHED (and the holds V-YTD-DROP and
    /// V-PROJECTS-GONE), in the order the rules give them.
    pub(crate) last_month_findings: Vec<Diagnostic>,
    /// The batch period the rules were run against.
    batch_period: Option<Period>,
}

/// Works out [`Prepared`] for a checked file, reading last month's return from `archive`.
pub fn prepare(
    archive: &Archive,
    cfg: &Config,
    batch_period: Option<Period>,
    file: &FileReport,
) -> Result<Prepared, ArchiveError> {
    let mut prepared = Prepared {
        identities: Vec::new(),
        own_keys: Vec::new(),
        last_month_findings: Vec::new(),
        batch_period,
    };
    // The archive rules speak to returns that will be stored with their rows (accepted or
    // held); a rejected one is fixed first. They add warnings and holds, never errors.
    let (Some(parsed), false) = (&file.parsed, file.rejected()) else {
        return Ok(prepared);
    };
    let projects = parsed.ledger.as_ref().map_or(&[][..], |l| &l.projects[..]);
    prepared.identities = projects.iter().map(|p| p.identity()).collect();
    prepared.own_keys = projects.iter().map(cross_unit_key).collect();
    if let (Some(unit), Some(p)) = (&parsed.unit, parsed.period) {
        let last = if p.month > 1 {
            archive.current_return(&unit.code, p.previous())?
        } else {
            None
        };
        let nobody_else = HashMap::new();
        let history = History {
            last_month: last.as_ref().map(|r| (p.previous(), r.projects.as_slice())),
            last_month_unstated: last.as_ref().map(|r| r.info.unstated).unwrap_or_default(),
            elsewhere: &nobody_else,
            own_code: &unit.code,
            own_keys: &prepared.own_keys,
            own_identities: &prepared.identities,
        };
        prepared.last_month_findings = against_last_month(
            &Subject {
                ret: parsed,
                cfg,
                batch_period,
            },
            &history,
        );
    }
    Ok(prepared)
}

fn ingest_file(
    archive: &mut Archive,
    cfg: &Config,
    prepared: Prepared,
    file: &mut FileReport,
    received_at: &str,
    elsewhere_by_period: &mut HashMap<Period, HashMap<String, (String, String)>>,
    units_by_period: &mut HashMap<Period, HashSet<String>>,
) -> Result<ArchiveJson, ArchiveError> {
    let not_stored = ArchiveJson::new("not_stored", None);
    let (Some(bytes), Some(sha)) = (file.bytes.as_deref(), file.sha256.clone()) else {
        return Ok(not_stored);
    };
    let unit = file.unit().cloned();
    let period = file.period();
    let Prepared {
        identities,
        own_keys,
        last_month_findings,
        batch_period,
    } = prepared;
    if let (Some(parsed), Some(unit), Some(p), false) =
        (&file.parsed, &unit, period, file.rejected())
    {
        // Other units' projects this month: name-and-investor key → (unit code, unit name).
        if let std::collections::hash_map::Entry::Vacant(slot) = elsewhere_by_period.entry(p) {
            let mut map = HashMap::new();
            let held = units_by_period.entry(p).or_default();
            for r in archive.current_returns(p)? {
                let code = r.info.unit_code.clone().unwrap_or_default();
                held.insert(code.clone());
                let name = cfg
                    .unit_by_code(&code)
                    .map_or(code.clone(), |u| u.name().to_string());
                for proj in &r.projects {
                    map.insert(cross_unit_key(proj), (code.clone(), name.clone()));
                }
            }
            slot.insert(map);
        }
        let history = History {
            last_month: None,
            last_month_unstated: Default::default(),
            elsewhere: &elsewhere_by_period[&p],
            own_code: &unit.code,
            own_keys: &own_keys,
            own_identities: &identities,
        };
        let elsewhere = project_elsewhere(
            &Subject {
                ret: parsed,
                cfg,
                batch_period,
            },
            &history,
        );
        file.diagnostics.0.extend(last_month_findings);
        file.diagnostics.0.extend(elsewhere);
    }
    let empty = Vec::new();
    let parsed = file.parsed.as_ref();
    let projects = parsed
        .and_then(|p| p.ledger.as_ref())
        .map_or(&empty[..], |l| &l.projects[..]);
    let indicators = parsed.and_then(|p| p.summary.as_deref()).unwrap_or(&[]);
    let header = parsed.map(|p| p.header.clone()).unwrap_or_default();
    let file_name = file.path.file_name().map_or_else(
        || file.path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    // After the archive rules, which may hold the return for verification.
    let verdict = file.verdict();
    let accepted = verdict != Verdict::Rejected;
    let stored = archive.store(&NewSubmission {
        unit_code: unit.as_ref().map(|u| u.code.as_str()),
        period,
        file_name: &file_name,
        sha256: &sha,
        bytes,
        verdict,
        header: &header,
        projects: if accepted { projects } else { &[] },
        identities: if accepted { &identities } else { &[] },
        indicators: if accepted { indicators } else { &[] },
        diagnostics: &file.diagnostics.0,
        received_at,
        file_modified: file.modified,
        ledger: parsed.and_then(|p| p.ledger.as_ref()).filter(|_| accepted),
    })?;
    // A held return's projects are filed too: once confirmed they count, and a project
    // two units report is worth saying before that.
    if let (true, Some(unit), Some(p)) = (accepted, &unit, period) {
        if let Some(map) = elsewhere_by_period.get_mut(&p) {
            // Only a unit already in the map (archived before, or twice in one batch) has
            // entries to drop; scanning the whole map for every file was quadratic
            // (national: 2,850 files × 600,000 projects).
            let held = units_by_period.entry(p).or_default();
            if !held.insert(unit.code.clone()) {
                map.retain(|_, (code, _)| *code != unit.code);
            }
            debug_assert_eq!(own_keys.len(), projects.len());
            for key in own_keys {
                map.insert(key, (unit.code.clone(), unit.name.clone()));
            }
        }
    }
    let mut json = match stored {
        Stored::New { version, .. } => ArchiveJson::new("new", version),
        Stored::Superseded {
            version, previous, ..
        } => ArchiveJson {
            replaces: archive.version_of(previous)?,
            ..ArchiveJson::new("superseded", Some(version))
        },
        Stored::Resent {
            version,
            previous,
            same_as,
            ..
        } => ArchiveJson {
            replaces: match previous {
                Some(p) => archive.version_of(p)?,
                None => None,
            },
            same_as: archive.version_of(same_as)?,
            ..ArchiveJson::new("resent", Some(version))
        },
        Stored::Duplicate { version, .. } => ArchiveJson::new("duplicate", version),
    };
    // A rejected file over a version that counts: that version still stands.
    if let (false, Some(unit), Some(p)) = (accepted, &unit, period) {
        json.stands = archive.current_version(&unit.code, p)?;
    }
    Ok(json)
}

/// One line saying what happened to a file in the archive.
pub fn describe(o: &ArchiveJson, verdict: Verdict, lang: Lang) -> String {
    let line = describe_store(o, verdict, lang);
    match (verdict, o.stands, lang) {
        (Verdict::Held, _, Lang::Zh) => format!("{line}；待核实，暂不计入统计"),
        (Verdict::Held, _, Lang::En) => {
            format!("{line}; held for verification, not counted for now")
        }
        // A rejected resubmission: the version that still counts is named, so nobody
        // reads the rejection as the unit having no return.
        (Verdict::Rejected, Some(v), Lang::Zh) => format!("{line}；已入库的第 {v} 版仍然有效"),
        (Verdict::Rejected, Some(v), Lang::En) => {
            format!("{line}; archived version {v} still stands")
        }
        _ => line,
    }
}

fn describe_store(o: &ArchiveJson, verdict: Verdict, lang: Lang) -> String {
    let v = |n: Option<i64>| n.map_or_else(String::new, |n| n.to_string());
    match (o.stored, lang) {
        // A rejected return is stored only for the record; "已入库（第 1 版）" would read as
        // accepted to the county.
        ("new" | "superseded", _) if verdict == Verdict::Rejected => {
            crate::messages::receipt_kept_on_file(lang).to_string()
        }
        ("resent", Lang::Zh) => format!(
            "与第 {} 版相同，作为第 {} 版重新入库{}",
            v(o.same_as),
            v(o.version),
            o.replaces
                .map_or_else(String::new, |r| format!("，替代第 {r} 版"))
        ),
        ("resent", Lang::En) => format!(
            "the same as version {}, archived again as version {}{}",
            v(o.same_as),
            v(o.version),
            o.replaces
                .map_or_else(String::new, |r| format!(", replacing version {r}"))
        ),
        ("new", Lang::Zh) if o.version.is_some() => format!("已入库（第 {} 版）", v(o.version)),
        ("new", Lang::Zh) => "已存档（未能确定单位或报告期）".into(),
        ("new", Lang::En) if o.version.is_some() => format!("archived (version {})", v(o.version)),
        ("new", Lang::En) => "archived (unit or period unknown)".into(),
        ("superseded", Lang::Zh) => format!(
            "已入库（第 {} 版，替代第 {} 版）",
            v(o.version),
            v(o.replaces)
        ),
        ("superseded", Lang::En) => format!(
            "archived (version {}, replaces version {})",
            v(o.version),
            v(o.replaces)
        ),
        ("duplicate", Lang::Zh) => format!("与已入库的第 {} 版完全相同，未重复入库", v(o.version)),
        ("duplicate", Lang::En) => format!(
            "identical to archived version {}; not stored again",
            v(o.version)
        ),
        (_, Lang::Zh) => "未入库（文件无法读取）".into(),
        (_, Lang::En) => "not archived (the file could not be read)".into(),
    }
}
