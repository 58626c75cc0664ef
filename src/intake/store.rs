//! Storing checked files in the archive, one after another: the rules that need the
//! archive (last month's return of the unit, other units' projects this month) add their
//! findings, then the file is stored and its outcome ([`Filed`]) returned.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::archive::{Archive, ArchiveError, NewSubmission, SharedMonth, Stored};
use crate::batch::{Batch, FileReport};
use crate::config::Config;
use crate::diag::Diagnostic;
use crate::model::{Filed, FiledAs, Period, Unstated, Verdict};
use crate::validate::history::{
    against_last_month, project_elsewhere, Elsewhere, History, Rows, UnitRef,
};
use crate::validate::Subject;

/// Adds the archive rules' findings to each file and stores it; files in path order, so
/// that a project reported twice is flagged on the later file. Each file's bytes stay in
/// its report, for its receipt.
pub fn ingest_batch(
    archive: &mut Archive,
    cfg: &Config,
    batch: &mut Batch,
    received_at: &str,
) -> Result<Vec<Filed>, ArchiveError> {
    ingest_batch_with(archive, cfg, batch, received_at, &|| {})
}

/// [`ingest_batch`], calling `on_stored` after each file, for a progress bar.
pub fn ingest_batch_with(
    archive: &mut Archive,
    cfg: &Config,
    batch: &mut Batch,
    received_at: &str,
    on_stored: &dyn Fn(),
) -> Result<Vec<Filed>, ArchiveError> {
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
    /// Per period, units' projects: name-and-investor key → (unit code, unit name) of each
    /// unit that reported it.
    elsewhere_by_period: HashMap<Period, Elsewhere>,
    /// Per period, the units whose projects are in that period's map.
    units_by_period: HashMap<Period, HashSet<String>>,
    /// Whether each file's projects are looked up in the archive by key rather than in an
    /// index of the month made once for the batch.
    by_key: bool,
}

impl<'a> Storer<'a> {
    pub fn new(archive: &'a mut Archive, cfg: &'a Config, received_at: &'a str) -> Self {
        Storer {
            archive,
            cfg,
            received_at,
            elsewhere_by_period: HashMap::new(),
            units_by_period: HashMap::new(),
            by_key: false,
        }
    }

    /// A storer for a file or two at a time (a web upload, a file `watch` takes): each
    /// file's projects are looked up in the archive by key, where indexing the whole month
    /// for each file would cost more than the file.
    pub fn for_single_files(
        archive: &'a mut Archive,
        cfg: &'a Config,
        received_at: &'a str,
    ) -> Self {
        Storer {
            by_key: true,
            ..Storer::new(archive, cfg, received_at)
        }
    }

    /// The archive stored into.
    pub fn archive(&self) -> &Archive {
        self.archive
    }

    /// Done storing. The month's look-ups (a nation's are 600,000 keys) are freed beside
    /// whatever comes next: freeing them was the last 20 ms of a province's ingest.
    pub fn finish(self) {
        crate::free_beside((self.elsewhere_by_period, self.units_by_period));
    }

    /// The archive stored into, to write to between files.
    pub fn archive_mut(&mut self) -> &mut Archive {
        self.archive
    }

    /// Stores from now on in one group, until [`Storer::commit_group`]
    /// ([`Archive::begin_group`]).
    pub fn begin_group(&mut self) -> Result<(), ArchiveError> {
        self.archive.begin_group()
    }

    /// Commits the files stored since [`Storer::begin_group`].
    pub fn commit_group(&mut self) -> Result<(), ArchiveError> {
        self.archive.commit_group()
    }

    /// Adds the archive rules' findings to `file` and stores it. Its bytes are kept only
    /// if it has findings: its receipt shows its sheets then; a clean return's does not.
    /// Its projects are dropped from the report once stored.
    pub fn store(
        &mut self,
        batch_period: Option<Period>,
        file: &mut FileReport,
    ) -> Result<Filed, ArchiveError> {
        let prepared = prepare(self.archive, self.cfg, batch_period, file)?;
        self.store_prepared(file, prepared)
    }

    /// [`Storer::store`] with what [`prepare`] made of the file.
    pub fn store_prepared(
        &mut self,
        file: &mut FileReport,
        prepared: Prepared,
    ) -> Result<Filed, ArchiveError> {
        let outcome = ingest_file(
            self.archive,
            self.cfg,
            prepared,
            file,
            self.received_at,
            if self.by_key {
                Elsewheres::ByKey
            } else {
                Elsewheres::Month {
                    by_period: &mut self.elsewhere_by_period,
                    units_by_period: &mut self.units_by_period,
                }
            },
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
    /// [`Project::cross_unit_key`](crate::model::Project::cross_unit_key) of each of
    /// those projects.
    own_keys: Vec<String>,
    /// W-YTD-DECREASE, W-PROJECT-VANISHED and W-CARRIED-VANISHED (and the holds
    /// V-YTD-DROP and V-PROJECTS-GONE), in the order the rules give them.
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
    prepare_sharing(archive, cfg, batch_period, file, None)
}

/// [`prepare`], taking last month's return from `shared` when it holds the unit's (read
/// already for the register), else from `archive`.
pub fn prepare_sharing(
    archive: &Archive,
    cfg: &Config,
    batch_period: Option<Period>,
    file: &FileReport,
    shared: Option<&SharedMonth>,
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
    prepared.own_keys = projects.iter().map(|p| p.cross_unit_key()).collect();
    if let (Some(unit), Some(p)) = (&parsed.unit, parsed.period) {
        // The previous month's, December's for January: the year's rules pass over it,
        // the carried-over projects' rule reads it.
        let before = p.previous();
        let kept = shared
            .filter(|s| s.period() == before)
            .and_then(|s| s.take(&unit.code));
        let read = match kept {
            Some(_) => None,
            None => archive.current_return(&unit.code, before)?,
        };
        let last: Option<(Rows, &str, Unstated)> = match (&kept, &read) {
            (Some(k), _) => Some((Rows::Shared(&k.rows), &k.file_name, k.unstated)),
            (None, Some(r)) => Some((Rows::Owned(&r.projects), &r.info.file_name, r.info.unstated)),
            (None, None) => None,
        };
        let nobody_else = Elsewhere::default();
        let history = History {
            last_month: last.map(|(rows, _, _)| (before, rows)),
            last_month_file: last.map(|(_, file, _)| file),
            last_month_unstated: last.map(|(_, _, u)| u).unwrap_or_default(),
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
    mut elsewheres: Elsewheres<'_>,
) -> Result<Filed, ArchiveError> {
    let not_stored = Filed::new(FiledAs::NotStored, None);
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
        // Other units' projects this month: name-and-investor key → the units.
        let looked_up;
        let elsewhere_map = match &mut elsewheres {
            Elsewheres::ByKey => {
                looked_up = elsewhere_of(cfg, archive.reporters_of(p, &own_keys)?, None);
                &looked_up
            }
            Elsewheres::Month {
                by_period,
                units_by_period,
            } => match by_period.entry(p) {
                std::collections::hash_map::Entry::Occupied(e) => &*e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    let held = units_by_period.entry(p).or_default();
                    &*e.insert(elsewhere_of(cfg, archive.cross_unit_keys(p)?, Some(held)))
                }
            },
        };
        let history = History {
            last_month: None,
            last_month_file: None,
            last_month_unstated: Default::default(),
            elsewhere: elsewhere_map,
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
        cross_keys: if accepted { &own_keys } else { &[] },
        indicators: if accepted { indicators } else { &[] },
        diagnostics: &file.diagnostics.0,
        received_at,
        file_modified: file.modified,
        ledger: parsed.and_then(|p| p.ledger.as_ref()).filter(|_| accepted),
    })?;
    // A held return's projects are filed too: once confirmed they count, and a project
    // two units report is worth saying before that.
    if let (
        true,
        Some(unit),
        Some(p),
        Elsewheres::Month {
            by_period,
            units_by_period,
        },
    ) = (accepted, &unit, period, elsewheres)
    {
        if let Some(map) = by_period.get_mut(&p) {
            // Only a unit already in the map (archived before, or twice in one batch) has
            // entries to drop; scanning the whole map for every file was quadratic
            // (national: 2,850 files × 600,000 projects).
            let held = units_by_period.entry(p).or_default();
            if !held.insert(unit.code.clone()) {
                map.retain(|_, units| {
                    units.retain(|u| u.0 != unit.code);
                    !units.is_empty()
                });
            }
            debug_assert_eq!(own_keys.len(), projects.len());
            let own = Arc::new((unit.code.clone(), unit.name.clone()));
            for key in own_keys {
                file_under(map, key, &own);
            }
        }
    }
    let mut json = match stored {
        Stored::New { version, .. } => Filed::new(FiledAs::New, version),
        Stored::Superseded {
            version, previous, ..
        } => Filed {
            replaces: archive.version_of(previous)?,
            ..Filed::new(FiledAs::Superseded, Some(version))
        },
        Stored::Resent {
            version,
            previous,
            same_as,
            ..
        } => Filed {
            replaces: match previous {
                Some(p) => archive.version_of(p)?,
                None => None,
            },
            same_as: archive.version_of(same_as)?,
            ..Filed::new(FiledAs::Resent, Some(version))
        },
        Stored::Duplicate { version, .. } => Filed::new(FiledAs::Duplicate, version),
    };
    // A rejected file over a version that counts: that version still stands.
    if let (false, Some(unit), Some(p)) = (accepted, &unit, period) {
        json.stands = archive.current_version(&unit.code, p)?;
    }
    Ok(json)
}

/// Where [`ingest_file`] finds the month's other projects.
enum Elsewheres<'s> {
    /// In the archive, by the file's own keys.
    ByKey,
    /// In an index of the month made once for the batch and kept up to date as its
    /// files are stored.
    Month {
        by_period: &'s mut HashMap<Period, Elsewhere>,
        /// Per period, the units whose projects are in that period's index.
        units_by_period: &'s mut HashMap<Period, HashSet<String>>,
    },
}

/// The index of (unit code, key) pairs in unit order, each unit named from the roster;
/// the units noted in `units` when given.
fn elsewhere_of(
    cfg: &Config,
    keys: Vec<(String, String)>,
    mut units: Option<&mut HashSet<String>>,
) -> Elsewhere {
    let mut map = Elsewhere::with_capacity_and_hasher(keys.len(), Default::default());
    let mut unit: Option<UnitRef> = None;
    for (code, key) in keys {
        if unit.as_ref().is_none_or(|u| u.0 != code) {
            if let Some(units) = units.as_deref_mut() {
                units.insert(code.clone());
            }
            let name = cfg
                .unit_by_code(&code)
                .map_or(code.clone(), |u| u.name().to_string());
            unit = Some(Arc::new((code, name)));
        }
        if let Some(u) = &unit {
            file_under(&mut map, key, u);
        }
    }
    map
}

/// Files `unit` under `key`, once however many of its rows have that key.
fn file_under(map: &mut Elsewhere, key: String, unit: &UnitRef) {
    let units = map.entry(key).or_default();
    if units.last().is_none_or(|u| u.0 != unit.0) {
        units.push(Arc::clone(unit));
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::batch::{check_files, BatchOptions};
    use crate::diag::Code;
    use crate::lang::Lang;

    fn samples() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
    }

    /// Last month's rules find the same in a unit's May return whether the register's
    /// carry-forward handed it over ([`SharedMonth`]) or the rules read it from the archive.
    #[test]
    fn last_months_rules_find_the_same_in_a_return_shared_as_in_one_read() {
        let ws = tempfile::tempdir().expect("workspace");
        std::fs::copy(
            samples().join("tongbao.toml"),
            ws.path().join("tongbao.toml"),
        )
        .expect("config");
        let cfg = Config::load(&ws.path().join("tongbao.toml")).expect("config");
        let (may, june) = (
            Period::new(2025, 5).expect("period"),
            Period::new(2025, 6).expect("period"),
        );
        let options = |period| BatchOptions {
            period: Some(period),
            lang: Lang::Zh,
            keep_bytes: true,
        };
        let mut archive = Archive::open_for_writing(&cfg.archive_path()).expect("archive");
        let may_files = crate::batch::collect_paths(&[samples().join("returns/2025-05")]);
        let mut batch = check_files(&may_files, &cfg, &options(may));
        ingest_batch(&mut archive, &cfg, &mut batch, "2025-06-05T09:00:00+08:00").expect("May");
        drop(archive);
        let archive = Archive::open_for_reading(&cfg.archive_path()).expect("archive");

        // A June return of one of them with a project of May's gone from its ledger.
        let june_file = samples().join("returns/2025-06/万州区-2025-06.xlsx");
        let mut file = check_files(&[june_file], &cfg, &options(june))
            .files
            .pop()
            .expect("file");
        let unit = file.unit().expect("unit").code.clone();
        let ledger = file
            .parsed
            .as_mut()
            .and_then(|p| p.ledger.as_mut())
            .expect("ledger");
        ledger.projects.remove(0);

        // The carry-forward of the register to June adds May, and offers the unit's return.
        let offered = SharedMonth::new(may);
        crate::aggregate::register::checkpoint::prepare(&archive, june, Some(&offered))
            .expect("carried forward");
        let kept = offered.take(&unit).expect("the unit's May return offered");
        let read = archive
            .current_return(&unit, may)
            .expect("read")
            .expect("May's");
        assert_eq!(kept.file_name, read.info.file_name);
        assert_eq!(kept.unstated, read.info.unstated);
        assert!(kept.rows.iter().map(|r| &**r).eq(read.projects.iter()));

        let shared = SharedMonth::new(may);
        crate::aggregate::register::checkpoint::prepare(&archive, june, Some(&shared))
            .expect("carried forward");
        let with = prepare_sharing(&archive, &cfg, Some(june), &file, Some(&shared))
            .expect("prepared")
            .last_month_findings;
        // Taken: nothing is kept for the unit any more.
        assert!(shared.take(&unit).is_none());
        let without = prepare(&archive, &cfg, Some(june), &file)
            .expect("prepared")
            .last_month_findings;
        assert!(
            with.iter().any(|d| d.code == Code::ProjectVanished),
            "{with:?}"
        );
        assert_eq!(with, without);
    }
}
