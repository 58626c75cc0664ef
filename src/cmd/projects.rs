//! `tongbao projects --period [--unit] [--stalled] [--json]`: the project register (项目库)
//! as of a period, every project followed across months and years; `tongbao projects show
//! ID`: one project's month-by-month history with the files it came from; `tongbao
//! projects link|unlink ID_A ID_B`: the clerk says two register entries are one project
//! (or no longer), recorded in the archive.

use std::io::Write;

use anyhow::bail;

use crate::aggregate::register::{
    self, Cohort, Conversion, RateChange, Register, RegisteredProject, Selection,
};
use crate::archive::{Archive, ProjectLink, Unlinking};
use crate::cli::{GlobalArgs, ProjectLinkArgs, ProjectShowArgs, ProjectsArgs, ProjectsCommand};
use crate::clock::received_now;
use crate::config::{Config, ProjectsSettings};
use crate::lang::Lang;
use crate::messages::{
    ambiguity_label, explain_unknown_unit, follow_up_reason_label, matched_by_label,
    project_not_found, project_several, project_show_heading, project_show_summary,
    projects_ambiguous_heading, projects_ambiguous_line, projects_conversion_heading,
    projects_conversion_last_month, projects_follow_up_heading, projects_heading,
    projects_nothing_counted, projects_stalled_heading, projects_text, stage_label,
    ProjectsText as T,
};
use crate::messages::{
    project_link_done, project_link_refused, project_show_joined, project_unlink_done,
    project_unlink_not_found, projects_ambiguous_hint, projects_ambiguous_link,
    projects_unapplied_heading, projects_unapplied_line,
};
use crate::model::{Period, Wan};
use crate::render::xlsx::display_width;
use crate::text::printable;

use super::{load_config, open_archive, Outcome};

pub fn run(global: &GlobalArgs, args: &ProjectsArgs) -> anyhow::Result<Outcome> {
    match &args.command {
        Some(ProjectsCommand::Show(show_args)) => show(global, show_args),
        Some(ProjectsCommand::Link(link_args)) => link(global, link_args),
        Some(ProjectsCommand::Unlink(link_args)) => unlink(global, link_args),
        None => list(global, args),
    }
}

/// The register as of `period` from the workspace's archive (with the register built to
/// the month before when `with_last_month`, for the movement since); an error when
/// nothing is counted up to it.
fn register_as_of(
    cfg: &Config,
    period: Period,
    with_last_month: bool,
    lang: Lang,
) -> anyhow::Result<Register> {
    let archive = open_archive(cfg)?;
    let register = if with_last_month {
        register::load_with_last_month(&archive, period)?
    } else {
        register::load(&archive, period)?
    };
    if register.projects.is_empty() && register.ambiguous.is_empty() {
        bail!(projects_nothing_counted(Some(period), lang));
    }
    Ok(register)
}

fn list(global: &GlobalArgs, args: &ProjectsArgs) -> anyhow::Result<Outcome> {
    let lang = global.lang;
    let cfg = load_config(global)?;
    let Some(period) = args.period else {
        // clap requires --period without a subcommand; kept total for the type's sake.
        bail!(crate::cli::parse_period_in("", lang)
            .err()
            .unwrap_or_default());
    };
    let unit = match &args.unit {
        Some(given) => match cfg
            .find_unit(given)
            .or_else(|| cfg.unit_by_code(given.trim()))
        {
            Some(u) => Some(u.code().to_string()),
            None => {
                let roster: Vec<&str> = cfg.file.units.iter().map(|u| u.name()).collect();
                bail!(explain_unknown_unit(given, &roster, lang));
            }
        },
        None => None,
    };
    let register = register_as_of(&cfg, period, !args.follow_up, lang)?;
    let selection = Selection {
        unit: unit.as_deref(),
        stalled: args.stalled,
        stalled_months: cfg.file.projects.stalled_months,
    };
    let settings = cfg.file.projects;
    let mut out = std::io::stdout().lock();
    if args.follow_up {
        if args.json {
            let doc = register.follow_up_document(&cfg, unit.as_deref(), &settings);
            serde_json::to_writer_pretty(&mut out, &doc)?;
            writeln!(out)?;
        } else {
            let text = human_follow_up(&cfg, &register, unit.as_deref(), &settings, lang);
            out.write_all(text.as_bytes())?;
        }
        return Ok(Outcome::Ok);
    }
    if args.conversion {
        // --cohort YYYY, else the cohort `[projects] cohort` chooses, as the bulletin does.
        let cohort = match args.cohort {
            Some(year) => Cohort::new(Some(year), period),
            None => crate::aggregate::progress::cohort(&cfg, period),
        };
        if args.json {
            let doc = register.conversion_document(&cfg, cohort);
            serde_json::to_writer_pretty(&mut out, &doc)?;
            writeln!(out)?;
        } else {
            let text = human_conversion(&cfg, &register, cohort, lang);
            out.write_all(text.as_bytes())?;
        }
        return Ok(Outcome::Ok);
    }
    if args.json {
        serde_json::to_writer_pretty(&mut out, &register.document(&cfg, &selection))?;
        writeln!(out)?;
    } else {
        out.write_all(human_list(&cfg, &register, &selection, lang).as_bytes())?;
    }
    Ok(Outcome::Ok)
}

fn show(global: &GlobalArgs, args: &ProjectShowArgs) -> anyhow::Result<Outcome> {
    let lang = global.lang;
    let cfg = load_config(global)?;
    let archive = open_archive(&cfg)?;
    let period = match args.period {
        Some(p) => p,
        None => match archive.counted_periods()?.last() {
            Some(&p) => p,
            None => bail!(projects_nothing_counted(None, lang)),
        },
    };
    let register = register::load(&archive, period)?;
    let found = register.find(&args.id);
    let project = match found.as_slice() {
        [one] => *one,
        [] => bail!(project_not_found(&args.id, period, lang)),
        several => {
            let ids: Vec<&str> = several.iter().map(|p| p.id.as_str()).collect();
            bail!(project_several(&args.id, &ids, lang));
        }
    };
    std::io::stdout()
        .lock()
        .write_all(human_show(&cfg, project, lang).as_bytes())?;
    Ok(Outcome::Ok)
}

/// The register of every counted month, links applied: what `link` and `unlink` read.
fn whole_register(archive: &Archive, lang: Lang) -> anyhow::Result<Register> {
    match archive.counted_periods()?.last() {
        Some(&period) => Ok(register::load(archive, period)?),
        None => bail!(projects_nothing_counted(None, lang)),
    }
}

/// Who acts: `--by`, else the login name when the system gives one.
fn clerk(by: Option<&str>) -> Option<String> {
    let given = by.map(str::to_string).or_else(|| {
        ["USERNAME", "USER", "LOGNAME"]
            .iter()
            .find_map(|k| std::env::var(k).ok())
    });
    given
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// The note, when it says something.
fn note_of(note: Option<&str>) -> Option<String> {
    note.map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
}

/// `projects link`: checked against the register first; the archive is changed (after
/// its automatic backup) only when the two may be one project.
fn link(global: &GlobalArgs, args: &ProjectLinkArgs) -> anyhow::Result<Outcome> {
    let lang = global.lang;
    let cfg = load_config(global)?;
    let register = whole_register(&open_archive(&cfg)?, lang)?;
    let (earlier, later) = register
        .link_plan(&args.a, &args.b)
        .map_err(|r| anyhow::anyhow!(project_link_refused(&r, &|c| unit_name(&cfg, c), lang)))?;
    let link = ProjectLink {
        id: 0,
        earlier: earlier.id.clone(),
        later: later.id.clone(),
        linked_at: received_now(),
        linked_by: clerk(args.by.as_deref()),
        note: note_of(args.note.as_deref()),
    };
    super::backup_before_change(&cfg)?;
    let mut archive = Archive::open_for_writing(&cfg.archive_path())?;
    archive.link_projects(&link)?;
    crate::intake::refresh_register(&mut archive);
    println!(
        "{}",
        project_link_done(
            &link.earlier,
            &link.later,
            &unit_name(&cfg, earlier.unit_code()),
            lang
        )
    );
    Ok(Outcome::Ok)
}

/// `projects unlink`: the link in force between the two is undone, kept on record.
fn unlink(global: &GlobalArgs, args: &ProjectLinkArgs) -> anyhow::Result<Outcome> {
    let lang = global.lang;
    let cfg = load_config(global)?;
    let link = {
        let archive = open_archive(&cfg)?;
        let links = archive.project_links()?;
        let register = whole_register(&archive, lang)?;
        match register.link_between(&links, &args.a, &args.b) {
            Some(l) => l.clone(),
            None => bail!(project_unlink_not_found(&args.a, &args.b, lang)),
        }
    };
    super::backup_before_change(&cfg)?;
    let mut archive = Archive::open_for_writing(&cfg.archive_path())?;
    let by = clerk(args.by.as_deref());
    let note = note_of(args.note.as_deref());
    let undone = archive.unlink_projects(
        link.id,
        Unlinking {
            at: &received_now(),
            by: by.as_deref(),
            note: note.as_deref(),
        },
    )?;
    if !undone {
        // Another clerk undid it meanwhile.
        bail!(project_unlink_not_found(&args.a, &args.b, lang));
    }
    crate::intake::refresh_register(&mut archive);
    println!("{}", project_unlink_done(&link.earlier, &link.later, lang));
    Ok(Outcome::Ok)
}

/// A unit's roster name, else its code.
fn unit_name(cfg: &Config, code: &str) -> String {
    cfg.unit_by_code(code)
        .map_or_else(|| code.to_string(), |u| u.name().to_string())
}

fn amount(a: Option<Wan>, lang: Lang) -> String {
    a.map_or_else(
        || projects_text(T::Unstated, lang).to_string(),
        |w| w.to_string(),
    )
}

fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map_or_else(
        || projects_text(T::Nothing, Lang::Zh).to_string(),
        |d| d.format("%Y-%m-%d").to_string(),
    )
}

/// A change in percentage points with its sign (`+1.9`, `-0.5`, `0.0`); — when not
/// computed.
fn points(x: Option<f64>, lang: Lang) -> String {
    x.map_or_else(
        || projects_text(T::Nothing, lang).to_string(),
        |x| {
            if x > 0.0 {
                format!("+{x:.1}")
            } else {
                format!("{x:.1}")
            }
        },
    )
}

/// A percentage with one decimal (`15.4%`); — when not computed.
fn percent(x: Option<f64>, lang: Lang) -> String {
    x.map_or_else(
        || projects_text(T::Nothing, lang).to_string(),
        |x| format!("{x:.1}%"),
    )
}

fn period_or_dash(p: Option<Period>) -> String {
    p.map_or_else(
        || projects_text(T::Nothing, Lang::Zh).to_string(),
        |p| p.to_string(),
    )
}

/// Which columns are right-aligned (numbers).
#[derive(Clone, Copy, PartialEq)]
enum Align {
    Left,
    Right,
}

/// Lays out rows under titles, each column as wide as its widest cell (CJK characters
/// count two), two spaces apart; the last column is not padded.
fn table(titles: &[(&str, Align)], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = titles.iter().map(|(t, _)| display_width(t)).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(display_width(cell));
        }
    }
    let line = |cells: Vec<&str>| {
        let last = cells.len().saturating_sub(1);
        let mut s = String::new();
        for (i, cell) in cells.into_iter().enumerate() {
            let pad = widths[i].saturating_sub(display_width(cell));
            let align = titles[i].1;
            if align == Align::Right {
                s.extend(std::iter::repeat_n(' ', pad));
            }
            s.push_str(cell);
            if align == Align::Left && i < last {
                s.extend(std::iter::repeat_n(' ', pad));
            }
            if i < last {
                s.push_str("  ");
            }
        }
        s.push('\n');
        s
    };
    let mut out = line(titles.iter().map(|(t, _)| *t).collect());
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

/// The register for people: a heading, one row per project, then the rows for the clerk.
fn human_list(cfg: &Config, r: &Register, s: &Selection, lang: Lang) -> String {
    let listed = r.select(s);
    let mut out = if s.stalled {
        projects_stalled_heading(r.period, s.stalled_months, listed.len(), lang)
    } else {
        let current = listed.iter().filter(|p| p.current).count();
        projects_heading(r.period, listed.len(), current, lang)
    };
    out.push('\n');
    let mut titles = vec![
        (projects_text(T::Id, lang), Align::Left),
        (projects_text(T::Unit, lang), Align::Left),
        (projects_text(T::Name, lang), Align::Left),
        (projects_text(T::Investor, lang), Align::Left),
        (projects_text(T::Industry, lang), Align::Left),
        (projects_text(T::Contract, lang), Align::Right),
        (projects_text(T::FirstReported, lang), Align::Left),
        (projects_text(T::Signed, lang), Align::Left),
        (projects_text(T::Started, lang), Align::Left),
        (projects_text(T::InProduction, lang), Align::Left),
        (projects_text(T::FundsInPlace, lang), Align::Right),
        (projects_text(T::FundsRate, lang), Align::Right),
        (projects_text(T::LastMonthFundsRate, lang), Align::Right),
        (projects_text(T::ChangePp, lang), Align::Right),
        (projects_text(T::Stage, lang), Align::Left),
        (projects_text(T::StageChange, lang), Align::Left),
    ];
    if s.stalled {
        titles.push((projects_text(T::MonthsSigned, lang), Align::Right));
    }
    titles.push((projects_text(T::LastFile, lang), Align::Left));
    let rows: Vec<Vec<String>> = listed
        .iter()
        .map(|p| {
            let latest = p.latest();
            let moved = r.movement(p);
            let stage_change = match (moved.last_month, moved.stage_change) {
                (_, Some((from, to))) => {
                    format!("{}→{}", stage_label(from, lang), stage_label(to, lang))
                }
                (None, _) if r.last_month.is_some() => {
                    projects_text(T::NewThisMonth, lang).to_string()
                }
                _ => String::new(),
            };
            let mut row = vec![
                p.id.clone(),
                unit_name(cfg, p.unit_code()),
                printable(&latest.name).into_owned(),
                printable(&latest.investor).into_owned(),
                printable(&latest.industry).into_owned(),
                amount(p.contract_amount(), lang),
                p.first_reported().to_string(),
                date(p.signed_on()),
                date(p.started_on()),
                period_or_dash(p.in_production()),
                amount(p.funds_in_place(), lang),
                percent(p.funds_rate_pct(), lang),
                percent(moved.last_month.and_then(|b| b.funds_rate_pct()), lang),
                points(moved.funds_rate_change_pp, lang),
                stage_label(p.stage(), lang).to_string(),
                stage_change,
            ];
            if s.stalled {
                row.push(
                    p.months_since_signed(r.period)
                        .map_or_else(String::new, |m| m.to_string()),
                );
            }
            let f = p.last_file();
            let mut last = format!("{} {}", f.period, printable(&f.file_name));
            if !p.current {
                last.push_str(projects_text(T::NotCurrent, lang));
            }
            row.push(last);
            row
        })
        .collect();
    out.push_str(&table(&titles, &rows));
    let ambiguous: Vec<_> = r
        .ambiguous
        .iter()
        .filter(|a| s.unit.is_none_or(|u| a.unit_code == u))
        .collect();
    if !ambiguous.is_empty() {
        out.push('\n');
        out.push_str(&projects_ambiguous_heading(ambiguous.len(), lang));
        out.push('\n');
        for a in ambiguous {
            let link = match a.candidates.as_slice() {
                [one] => projects_ambiguous_link(one, &a.registered_as, lang),
                _ => String::new(),
            };
            out.push_str(&projects_ambiguous_line(
                (
                    a.file.period,
                    &unit_name(cfg, &a.unit_code),
                    &printable(&a.file.file_name),
                    a.row,
                ),
                (&printable(&a.name), &printable(&a.investor)),
                ambiguity_label(a.reason, lang),
                &a.candidates,
                &a.registered_as,
                lang,
            ));
            out.push_str(&link);
            out.push('\n');
        }
        out.push_str(&projects_ambiguous_hint(lang));
        out.push('\n');
    }
    let unapplied: Vec<_> = r
        .unapplied_links
        .iter()
        .filter(|u| {
            s.unit
                .is_none_or(|code| u.link.later.split(':').next() == Some(code))
        })
        .collect();
    if !unapplied.is_empty() {
        out.push('\n');
        out.push_str(&projects_unapplied_heading(unapplied.len(), lang));
        out.push('\n');
        for u in unapplied {
            out.push_str(&projects_unapplied_line(
                &u.link.earlier,
                &u.link.later,
                u.reason,
                lang,
            ));
            out.push('\n');
        }
    }
    out
}

/// One project's history for people: a row per report, with its file.
fn human_show(cfg: &Config, p: &RegisteredProject, lang: Lang) -> String {
    let latest = p.latest();
    let mut out = project_show_heading(
        &p.id,
        &unit_name(cfg, p.unit_code()),
        (
            &printable(&latest.name),
            &printable(&latest.investor),
            p.code(),
        ),
        p.former_names(),
        lang,
    );
    out.push('\n');
    // Times are shown in the bureau's time zone, named.
    let zone = cfg.time_zone();
    for j in p.joined() {
        let at = crate::clock::local_time(&j.link.linked_at, zone).map_or_else(
            || j.link.linked_at.clone(),
            |t| format!("{t} {}", crate::clock::time_zone_name(zone, lang)),
        );
        out.push_str(&project_show_joined(
            &j.id,
            (&at, j.link.linked_by.as_deref()),
            j.link.note.as_deref(),
            lang,
        ));
        out.push('\n');
    }
    let titles = [
        (projects_text(T::Period, lang), Align::Left),
        (projects_text(T::File, lang), Align::Left),
        (projects_text(T::Row, lang), Align::Right),
        (projects_text(T::Name, lang), Align::Left),
        (projects_text(T::Stage, lang), Align::Left),
        (projects_text(T::Signed, lang), Align::Left),
        (projects_text(T::Contract, lang), Align::Right),
        (projects_text(T::Started, lang), Align::Left),
        (projects_text(T::FundsMonth, lang), Align::Right),
        (projects_text(T::FundsYtd, lang), Align::Right),
        (projects_text(T::FundsRate, lang), Align::Right),
        (projects_text(T::MatchedBy, lang), Align::Left),
        (projects_text(T::Note, lang), Align::Left),
    ];
    let rates = p.funds_rate_by_report();
    let rows: Vec<Vec<String>> = p
        .reports
        .iter()
        .zip(rates)
        .map(|(r, rate)| {
            let version = r
                .file
                .version
                .map_or_else(String::new, |v| crate::messages::file_version(v, lang));
            vec![
                r.file.period.to_string(),
                format!("{}{version}", printable(&r.file.file_name)),
                r.row.to_string(),
                printable(&r.name).into_owned(),
                stage_label(r.stage, lang).to_string(),
                date(r.signed_on),
                amount(r.contract_amount(), lang),
                date(r.started_on),
                amount(r.funds_month(), lang),
                amount(r.funds_ytd(), lang),
                percent(rate, lang),
                matched_by_label(r.matched_by, lang).to_string(),
                r.note
                    .as_deref()
                    .map_or_else(String::new, |n| printable(n).into_owned()),
            ]
        })
        .collect();
    out.push_str(&table(&titles, &rows));
    out.push_str(&project_show_summary(
        p.reports.len(),
        (
            &amount(p.funds_in_place(), lang),
            &percent(p.funds_rate_pct(), lang),
        ),
        stage_label(p.stage(), lang),
        lang,
    ));
    out.push('\n');
    out
}

/// The follow-up list (督办清单) for people: a heading, one row per project.
fn human_follow_up(
    cfg: &Config,
    r: &Register,
    unit: Option<&str>,
    s: &ProjectsSettings,
    lang: Lang,
) -> String {
    let listed = r.follow_ups(unit, s);
    let mut out = projects_follow_up_heading(
        r.period,
        (s.stalled_months, s.no_funds_months),
        listed.len(),
        lang,
    );
    out.push('\n');
    let titles = [
        (projects_text(T::Unit, lang), Align::Left),
        (projects_text(T::Name, lang), Align::Left),
        (projects_text(T::Investor, lang), Align::Left),
        (projects_text(T::Reason, lang), Align::Left),
        (projects_text(T::Months, lang), Align::Right),
        (projects_text(T::MonthsOverdue, lang), Align::Right),
        (projects_text(T::Contract, lang), Align::Right),
        (projects_text(T::LastFile, lang), Align::Left),
        (projects_text(T::Id, lang), Align::Left),
    ];
    let dash = || projects_text(T::Nothing, lang).to_string();
    let rows: Vec<Vec<String>> = listed
        .iter()
        .map(|f| {
            let p = f.project;
            let latest = p.latest();
            let file = p.last_file();
            vec![
                unit_name(cfg, p.unit_code()),
                printable(&latest.name).into_owned(),
                printable(&latest.investor).into_owned(),
                follow_up_reason_label(f.reason, lang).to_string(),
                f.months.map_or_else(dash, |m| m.to_string()),
                f.months_overdue.map_or_else(dash, |m| m.to_string()),
                amount(p.contract_amount(), lang),
                format!("{} {}", file.period, printable(&file.file_name)),
                p.id.clone(),
            ]
        })
        .collect();
    out.push_str(&table(&titles, &rows));
    out
}

/// A share as a percentage with one decimal, and its count: `50.0%（3/6）`; — when the
/// cohort is empty.
fn rate(r: &register::Rate, lang: Lang) -> String {
    match r.percent() {
        Some(x) => crate::messages::rate_of(x, r.count, r.of, lang),
        None => projects_text(T::Nothing, lang).to_string(),
    }
}

/// Conversion figures for people: one row per roster unit, then the whole area.
fn human_conversion(cfg: &Config, r: &Register, cohort: Cohort, lang: Lang) -> String {
    let doc = r.conversion_document(cfg, cohort);
    let mut out =
        projects_conversion_heading(r.period, cohort.year, (cohort.from, cohort.to), lang);
    out.push('\n');
    if let Some(m) = &doc.last_month {
        out.push_str(&projects_conversion_last_month(
            m.period,
            (m.cohort.from, m.cohort.to),
            lang,
        ));
        out.push('\n');
    }
    let titles = [
        (projects_text(T::Unit, lang), Align::Left),
        (projects_text(T::CohortSigned, lang), Align::Right),
        (projects_text(T::StartRate, lang), Align::Right),
        (projects_text(T::LastMonthStartRate, lang), Align::Right),
        (projects_text(T::StartRateChange, lang), Align::Right),
        (projects_text(T::ProductionRate, lang), Align::Right),
        (
            projects_text(T::LastMonthProductionRate, lang),
            Align::Right,
        ),
        (projects_text(T::ProductionRateChange, lang), Align::Right),
        (projects_text(T::MedianMonthsToStart, lang), Align::Right),
    ];
    let dash = || projects_text(T::Nothing, lang).to_string();
    let row = |name: String, c: &Conversion, before: Option<&Conversion>, moved: &RateChange| {
        vec![
            name,
            c.started.of.to_string(),
            rate(&c.started, lang),
            before.map_or_else(dash, |b| rate(&b.started, lang)),
            points(moved.started, lang),
            rate(&c.in_production, lang),
            before.map_or_else(dash, |b| rate(&b.in_production, lang)),
            points(moved.in_production, lang),
            c.median_months_to_start
                .map_or_else(dash, |m| format!("{m:.1}")),
        ]
    };
    let mut rows: Vec<Vec<String>> = doc
        .units
        .iter()
        .map(|u| {
            row(
                u.unit.name.clone(),
                &u.figures,
                u.last_month.as_ref(),
                &u.change_pp,
            )
        })
        .collect();
    let area = match lang {
        Lang::Zh => cfg.file.bulletin.region.clone(),
        Lang::En => projects_text(T::Area, lang).to_string(),
    };
    rows.push(row(
        area,
        &doc.area,
        doc.area_last_month.as_ref(),
        &doc.area_change_pp,
    ));
    out.push_str(&table(&titles, &rows));
    out
}
