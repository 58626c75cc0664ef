//! `tongbao explain --period [--unit] [--figure] [--json]`: every ledger row behind the
//! period's figures — file, version, sheet, row, cell and value — with the sums per unit
//! and for the area, for the month and the year to date.

use std::io::Write;

use anyhow::bail;

use crate::aggregate::trace::{explain, Explanation, FigureTrace, SpanTrace, TracedRow};
use crate::aggregate::{gather, ReturnStatus};
use crate::cli::{ExplainArgs, GlobalArgs};
use crate::lang::Lang;
use crate::messages::{
    explain_nothing_accepted, explain_text, explain_total, explain_unknown_figure,
    explain_unknown_unit, explain_value, explain_ytd, receipt_row, ExplainText,
};
use crate::model::FigureKey;
use crate::render::xlsx::display_width;
use crate::text::printable;

use super::open_archive;
use super::{load_config, Outcome};

pub fn run(global: &GlobalArgs, args: &ExplainArgs) -> anyhow::Result<Outcome> {
    let lang = global.lang;
    let cfg = load_config(global)?;
    let keys = match &args.figure {
        Some(given) => vec![figure_key(given).ok_or_else(|| {
            let known: Vec<String> = FigureKey::ALL.into_iter().map(key_name).collect();
            anyhow::anyhow!(explain_unknown_figure(given, &known, lang))
        })?],
        None => FigureKey::ALL.to_vec(),
    };
    let unit = match &args.unit {
        Some(given) => {
            let Some(u) = cfg
                .find_unit(given)
                .or_else(|| cfg.unit_by_code(given.trim()))
            else {
                let roster: Vec<&str> = cfg.file.units.iter().map(|u| u.name()).collect();
                bail!(explain_unknown_unit(given, &roster, lang));
            };
            Some(u)
        }
        None => None,
    };
    let archive = open_archive(&cfg)?;
    let inputs = gather(&archive, &cfg, args.period)?;
    let any_accepted = inputs
        .iter()
        .any(|i| i.status == ReturnStatus::Accepted && unit.is_none_or(|u| u.code() == i.code));
    if !any_accepted {
        bail!(explain_nothing_accepted(
            args.period,
            unit.map(|u| u.name()),
            lang
        ));
    }
    let e = explain(&cfg, args.period, &inputs, unit.map(|u| u.code()), &keys);
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &e)?;
        writeln!(out)?;
    } else {
        out.write_all(human(&e, lang).as_bytes())?;
    }
    Ok(Outcome::Ok)
}

/// The figure key of the JSON contract (`signed_amount`) a user typed.
fn figure_key(given: &str) -> Option<FigureKey> {
    FigureKey::ALL
        .into_iter()
        .find(|k| key_name(*k) == given.trim())
}

/// A figure's key in the JSON contract (`signed_amount`).
fn key_name(k: FigureKey) -> String {
    serde_json::to_value(k)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Where a row's value was read, as the report shows it: `项目明细!K7`, else the sheet and
/// row, else the row alone (returns archived before tongbao kept their sheet).
fn place(r: &TracedRow, lang: Lang) -> String {
    match (&r.sheet, &r.cell) {
        (Some(sheet), Some(cell)) => format!("{}!{cell}", printable(sheet)),
        (Some(sheet), None) => format!("{} {}", printable(sheet), receipt_row(r.row, lang)),
        _ => receipt_row(r.row, lang),
    }
}

/// Pads `s` with spaces to `width` display units (CJK characters count two).
fn pad(s: &str, width: usize) -> String {
    let mut out = s.to_string();
    out.extend(std::iter::repeat_n(
        ' ',
        width.saturating_sub(display_width(s)),
    ));
    out
}

/// Right-aligns `s` in `width` display units.
fn right(s: &str, width: usize) -> String {
    let mut out: String =
        std::iter::repeat_n(' ', width.saturating_sub(display_width(s))).collect();
    out.push_str(s);
    out
}

/// The report for people: a section per figure, each unit's rows indented under the
/// span, values and sums right-aligned in one column.
fn human(e: &Explanation, lang: Lang) -> String {
    let mut out = String::new();
    let heading = explain_text(ExplainText::Heading, lang);
    out.push_str(&crate::messages::explain_heading(e.period, heading, lang));
    for f in &e.figures {
        out.push('\n');
        section(&mut out, f, e.period, lang);
    }
    out
}

fn section(out: &mut String, f: &FigureTrace, period: crate::model::Period, lang: Lang) {
    let ytd_label = explain_ytd(period, lang);
    let month_label = explain_text(ExplainText::Month, lang);
    let subtotal = explain_text(ExplainText::Subtotal, lang);
    let name = key_name(f.figure);
    out.push_str(&crate::messages::explain_section_title(
        f.label, &name, f.unit, lang,
    ));
    // Column widths over the whole section, so that every value lines up.
    let all_rows: Vec<&TracedRow> = f
        .units
        .iter()
        .flat_map(|u| u.month.rows.iter().chain(&u.ytd.rows))
        .collect();
    let place_w = all_rows
        .iter()
        .map(|r| display_width(&place(r, lang)))
        .chain([display_width(subtotal)])
        .max()
        .unwrap_or(0);
    let name_w = all_rows
        .iter()
        .map(|r| display_width(&printable(&r.project)).min(40))
        .max()
        .unwrap_or(0);
    let value_w = f
        .units
        .iter()
        .flat_map(|u| [shown_sum(&u.month, lang), shown_sum(&u.ytd, lang)])
        .chain(all_rows.iter().map(|r| r.value.shown()))
        .chain([f.total.month.shown(), f.total.ytd.shown()])
        .map(|s| display_width(&s))
        .max()
        .unwrap_or(0);
    let version = explain_text(ExplainText::Version, lang);
    for u in &f.units {
        let v = u.source.version.map_or_else(String::new, |v| {
            crate::messages::explain_version(v, version, lang)
        });
        out.push_str(&format!(
            "  {}（{}）  {}{v}\n",
            printable(&u.name),
            u.code,
            printable(&u.source.file)
        ));
        for (label, s) in [(month_label, &u.month), (ytd_label.as_str(), &u.ytd)] {
            out.push_str(&format!("    {label}\n"));
            span_rows(out, s, lang, place_w, name_w, value_w);
        }
    }
    out.push_str(&format!(
        "  {}\n",
        explain_total(
            &explain_value(&f.total.month.shown(), f.unit, lang),
            &ytd_label,
            &explain_value(&f.total.ytd.shown(), f.unit, lang),
            lang
        )
    ));
}

fn span_rows(
    out: &mut String,
    s: &SpanTrace,
    lang: Lang,
    place_w: usize,
    name_w: usize,
    value_w: usize,
) {
    if s.sum.is_none() {
        out.push_str(&format!(
            "      {}\n",
            explain_text(ExplainText::NotReported, lang)
        ));
        return;
    }
    if s.rows.is_empty() {
        out.push_str(&format!(
            "      {}\n",
            explain_text(ExplainText::NoRows, lang)
        ));
    }
    for r in &s.rows {
        let name = printable(&r.project);
        let name: String = if display_width(&name) > 40 {
            // Long names are cut so the value column stays in place.
            let mut cut = String::new();
            for c in name.chars() {
                if display_width(&cut) + display_width(&c.to_string()) > 38 {
                    break;
                }
                cut.push(c);
            }
            cut.push('…');
            cut
        } else {
            name.into_owned()
        };
        out.push_str(&format!(
            "      {}  {}  {}\n",
            pad(&place(r, lang), place_w),
            pad(&name, name_w),
            right(&r.value.shown(), value_w)
        ));
    }
    out.push_str(&format!(
        "      {}  {}  {}\n",
        pad(explain_text(ExplainText::Subtotal, lang), place_w),
        pad("", name_w),
        right(&shown_sum(s, lang), value_w)
    ));
}

/// A span's sum as shown: the number, or 未报 when the return does not state the figure.
fn shown_sum(s: &SpanTrace, lang: Lang) -> String {
    s.sum.map_or_else(
        || explain_text(ExplainText::Unstated, lang).to_string(),
        |v| v.shown(),
    )
}
