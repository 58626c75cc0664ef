//! Receipts (回执): the workbook the bureau sends back to a county for each file it checked
//! or ingested.
//!
//! The first sheet (回执) says which file was received, from whom, for which period and
//! when, the verdict, what the archive did with it, and then lists every finding — errors
//! first, as [`Diagnostics::sorted`] orders them — with its sheet, cell, the value found,
//! the problem and how to fix it. Then come the county's own sheets, reproduced from the
//! cells as they were read: each offending cell is filled (red for errors, yellow for
//! warnings, blue for notes) and carries a note with the problem and the fix, so the clerk
//! repairs the return where the mistake is instead of hunting for `项目明细!K7`.
//!
//! Only values are reproduced, never the county's formatting, formulas or macros: text is
//! always written as a string (a project called `=HYPERLINK(…)` stays text), numbers as
//! numbers, dates as `yyyy-mm-dd`. Merged regions are reproduced when they are small and do
//! not overlap, because titles and two-row headers read badly without them; anything larger
//! is left unmerged rather than letting a hostile file make the writer fill millions of
//! blank cells.
//!
//! The workbook is described as plain data — each sheet's cells with their style indices,
//! widths, heights, merges, links and notes — and written by [`crate::render::xlsx::book`],
//! which writes what rust_xlsxwriter would for the same calls, text inline, at a fraction
//! of its cost per workbook. The styles are rust_xlsxwriter's own, made once per process
//! with every format of a receipt registered in a fixed order ([`Styles`]). The unit tests
//! `a_receipt_is_what_rust_xlsxwriter_writes` (every feature, both languages) and
//! `the_samples_receipts_are_what_rust_xlsxwriter_writes` (each sample and flawed return)
//! write receipts both ways and compare every part of the two packages.
//!
//! This module only turns facts into bytes. Where receipts go, how they are named and how a
//! return's cells are re-read is [`crate::intake::receipts`]. The bytes depend only on the
//! facts: the workbook's creation time is the time of receipt (which honours
//! `SOURCE_DATE_EPOCH`), so the same file received at the same time gives the same receipt.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use rust_xlsxwriter::{
    Color, ExcelDateTime, Format, FormatAlign, FormatBorder, FormatUnderline, Workbook, XlsxError,
};

use crate::batch::FileReport;
use crate::diag::{Diagnostic, Severity};
use crate::lang::Lang;
use crate::messages::{self, receipt_text, ReceiptText as T};
use crate::model::{a1, Period, Verdict};
use crate::read::{CellValue, RawCell, RawSheet, RawWorkbook};
use crate::render::xlsx::book::{self, Book, Cell, Fixed, Link, NoteAt, Sheet, Value};
use crate::render::xlsx::{display_width, xlsx_problem};
use crate::text::cell_text;

/// What a receipt says about one file, besides its findings.
#[derive(Debug, Clone, Copy)]
pub struct ReceiptFacts<'a> {
    /// The file's report: path, sha256, unit, period and findings.
    pub file: &'a FileReport,
    /// The period the batch was checked against.
    pub batch_period: Option<Period>,
    /// When the file was received, RFC 3339 (`crate::clock::received_now`).
    pub received_at: &'a str,
    /// The bureau's time zone (`Config::time_zone`), in which the time of receipt is shown.
    pub time_zone: chrono::FixedOffset,
    /// Who issues the receipt (the bulletin's 发文机关); empty leaves the line out.
    pub issuer: &'a str,
    /// What the archive did with the file, as a sentence (ingest only).
    pub archive: Option<&'a str>,
}

/// The county's sheets to reproduce after the first sheet, or why there are none.
#[derive(Debug, Clone, Copy)]
pub enum SourceSheets<'a> {
    /// The workbook as read.
    Read(&'a RawWorkbook),
    /// The file could not be read as a spreadsheet (it is a web page, empty, damaged…).
    Unreadable,
    /// The file is no longer what was checked (changed or moved since).
    Changed,
    /// Nothing to mark: a return without findings is not reproduced (reading it again
    /// would double the cost of a batch for sheets the county already has).
    Clean,
}

/// Why a receipt could not be made: only the styles every receipt shares, made once by
/// rust_xlsxwriter, can fail (a defect of tongbao's, not of the county's file); the
/// problem is kept in both languages.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ReceiptError {
    #[error("生成回执失败：{zh}")]
    Styles { zh: String, en: String },
}

impl ReceiptError {
    /// The error in the reader's language.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (_, Lang::Zh) => self.to_string(),
            (ReceiptError::Styles { en, .. }, Lang::En) => {
                format!("cannot make the receipt: {en}")
            }
        }
    }
}

/// The receipt workbook's bytes.
pub fn receipt_workbook(
    facts: &ReceiptFacts,
    sheets: SourceSheets,
    lang: Lang,
) -> Result<Vec<u8>, ReceiptError> {
    let created = creation_time(facts.received_at);
    Ok(book::write(&receipt_book(facts, sheets, &created, lang)?))
}

/// The receipt as a workbook to write: its first sheet and the county's sheets copied.
fn receipt_book<'a>(
    facts: &ReceiptFacts<'a>,
    sheets: SourceSheets<'a>,
    created: &'a str,
    lang: Lang,
) -> Result<Book<'a>, ReceiptError> {
    let styles = Styles::get()?;
    let front_name = receipt_text(T::SheetName, lang).to_string();
    let raw: &[RawSheet] = match sheets {
        SourceSheets::Read(w) => &w.sheets,
        _ => &[],
    };
    let names = sheet_names(&front_name, raw);
    let diags = facts.file.diagnostics.sorted();
    let mut out = Vec::with_capacity(1 + raw.len());
    out.push(front_sheet(
        front_name, facts, sheets, raw, &names, &diags, styles, lang,
    ));
    for (sheet, name) in raw.iter().zip(names) {
        out.push(copy_sheet(sheet, name, facts, &diags, styles, lang));
    }
    Ok(Book {
        fixed: &styles.fixed,
        title: receipt_text(T::Title, lang),
        author: facts.issuer,
        comment: COMMENT,
        created,
        sheets: out,
    })
}

/// The document's comment.
const COMMENT: &str = "由 tongbao 生成";

/// The time of receipt as the workbook's creation time (W3CDTF, UTC), so that no clock
/// reading other than the one the caller chose reaches the file; 2000-01-01 when the time
/// is not one Excel can hold.
fn creation_time(received_at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(received_at)
        .ok()
        .filter(|t| ExcelDateTime::from_timestamp(t.timestamp()).is_ok())
        .map_or_else(
            || "2000-01-01T00:00:00Z".to_string(),
            |t| t.to_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        )
}

/// Who a copy's notes are by: the issuer, or `tongbao` without one or when the name is
/// longer than Excel allows an author (52 UTF-16 units).
fn note_author(issuer: &str) -> &str {
    if issuer.is_empty() || issuer.encode_utf16().count() > 52 {
        "tongbao"
    } else {
        issuer
    }
}

// ---------------------------------------------------------------------------------------
// Sheet names

/// Excel's longest sheet name, in UTF-16 units.
const SHEET_NAME_MAX: usize = 31;

/// The receipt's names for the county's sheets: Excel's rules applied (no `[]:*?/\`, no
/// leading or trailing apostrophe, at most 31 characters, not blank) and made unique,
/// ignoring case as Excel does, against the first sheet and each other.
fn sheet_names(front: &str, sheets: &[RawSheet]) -> Vec<String> {
    let mut taken: Vec<String> = vec![front.to_lowercase()];
    let mut out = Vec::with_capacity(sheets.len());
    for (i, s) in sheets.iter().enumerate() {
        let mut base: String = s
            .name
            .chars()
            .map(|c| {
                if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') || c.is_control() {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        base = base.trim_matches('\'').trim().to_string();
        if base.is_empty() || base.eq_ignore_ascii_case("history") {
            base = format!("Sheet{}", i + 1);
        }
        let mut candidate = clip_utf16(&base, SHEET_NAME_MAX);
        let mut n = 2;
        while taken.contains(&candidate.to_lowercase()) {
            let suffix = format!("({n})");
            candidate = format!(
                "{}{suffix}",
                clip_utf16(&base, SHEET_NAME_MAX - suffix.len())
            );
            n += 1;
        }
        taken.push(candidate.to_lowercase());
        out.push(candidate);
    }
    out
}

/// `s` cut to at most `max` UTF-16 units (Excel's measure), on a character boundary, with
/// apostrophes trimmed from the ends again (a cut may expose one).
fn clip_utf16(s: &str, max: usize) -> String {
    let mut n = 0;
    let cut: String = s
        .chars()
        .take_while(|c| {
            n += c.len_utf16();
            n <= max
        })
        .collect();
    cut.trim_end_matches('\'').to_string()
}

/// Text cut to `max` characters with an ellipsis, for the summary table and notes.
fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}

// ---------------------------------------------------------------------------------------
// Colours and shared layout

const FONT: &str = "宋体";
const FONT_SIZE: f64 = 11.0;
const SHADE_HEADER: u32 = 0xD9E1F2;
/// Fill and font of a mark, as Excel's own "Bad", "Neutral" and a light blue note style.
const ERROR_FILL: u32 = 0xFFC7CE;
const ERROR_FONT: u32 = 0x9C0006;
const WARNING_FILL: u32 = 0xFFEB9C;
const WARNING_FONT: u32 = 0x9C5700;
/// Held for 核实: orange, between a warning's yellow and an error's red.
const HOLD_FILL: u32 = 0xFCD5B4;
const HOLD_FONT: u32 = 0x974706;
const INFO_FILL: u32 = 0xDDEBF7;
const INFO_FONT: u32 = 0x1F4E78;
const ACCEPTED_FILL: u32 = 0xC6EFCE;
const ACCEPTED_FONT: u32 = 0x006100;
/// Points per line of 11-point CJK text, and the height of a one-line row.
const LINE_HEIGHT: f64 = 15.0;
const ROW_HEIGHT: f64 = 17.0;
/// Excel's tallest row, in points.
const MAX_ROW_HEIGHT: f64 = 409.0;
/// Excel's last row and column (zero-based).
const LAST_ROW: u32 = 1_048_575;
const LAST_COL: u32 = 16_383;
/// Excel allows 65 530 hyperlinks per sheet.
const MAX_LINKS: usize = 60_000;

fn severity_colors(s: Severity) -> (u32, u32) {
    match s {
        Severity::Error => (ERROR_FILL, ERROR_FONT),
        Severity::Warning => (WARNING_FILL, WARNING_FONT),
        Severity::Hold => (HOLD_FILL, HOLD_FONT),
        Severity::Info => (INFO_FILL, INFO_FONT),
    }
}

fn severity_word(s: Severity, lang: Lang) -> &'static str {
    receipt_text(
        match s {
            Severity::Error => T::Error,
            Severity::Warning => T::Warning,
            Severity::Hold => T::Hold,
            Severity::Info => T::Info,
        },
        lang,
    )
}

/// How many lines `text` (which may hold line breaks) takes in a column `width` units wide.
fn lines_needed(text: &str, width: f64) -> usize {
    text.split('\n')
        .map(|line| lines_of(display_width(line), width))
        .sum()
}

/// How many lines one line of text `w` units wide takes in a column `width` units wide.
fn lines_of(w: usize, width: f64) -> usize {
    let usable = (width - 1.5).max(1.0);
    ((w as f64 * 1.05 / usable).ceil() as usize).max(1)
}

/// The column width (Excel's units) that shows text `w` units wide on one line, by the
/// same measure as [`lines_needed`].
fn fitted(w: usize) -> f64 {
    (w as f64 * 1.05).ceil() + 2.0
}

fn row_height(lines: usize) -> f64 {
    (lines as f64 * LINE_HEIGHT + 4.0).clamp(ROW_HEIGHT, MAX_ROW_HEIGHT)
}

/// Where a finding points in the reproduced sheets, for its hyperlink and its mark.
fn target(d: &Diagnostic, sheet: &RawSheet) -> Option<(u32, u32)> {
    match (d.cell, d.row) {
        (Some(cell), _) => Some(cell),
        (None, Some(r)) => Some((r, sheet.row(r).first().map_or(0, |c| c.col))),
        (None, None) => None,
    }
    .filter(|&(r, c)| r <= LAST_ROW && c <= LAST_COL)
}

// ---------------------------------------------------------------------------------------
// The first sheet

/// Columns of the findings table: 序号 级别 工作表 单元格 发现的值 问题 怎么改 代码.
const COLUMNS: usize = 8;
const LAST: u16 = (COLUMNS - 1) as u16;

/// The first sheet's formats, in the order [`Styles`] registers them.
#[derive(Debug, Clone, Copy)]
enum Front {
    Title,
    Subtitle,
    Label,
    Value,
    Accepted,
    Held,
    Rejected,
    Guide,
    Header,
    Center,
    Text,
    Link,
    Info,
    Warning,
    Hold,
    Error,
}

const FRONT_FORMATS: usize = Front::Error as usize + 1;

impl Front {
    fn severity(s: Severity) -> Front {
        match s {
            Severity::Info => Front::Info,
            Severity::Warning => Front::Warning,
            Severity::Hold => Front::Hold,
            Severity::Error => Front::Error,
        }
    }
}

/// The first sheet's formats, in [`Front`]'s order.
fn front_formats() -> Vec<Format> {
    let base = || {
        Format::new()
            .set_font_name(FONT)
            .set_font_size(FONT_SIZE)
            .set_align(FormatAlign::VerticalCenter)
    };
    let boxed = || base().set_border(FormatBorder::Thin);
    let sev = |s: Severity| {
        let (fill, font) = severity_colors(s);
        boxed()
            .set_align(FormatAlign::Center)
            .set_bold()
            .set_background_color(Color::RGB(fill))
            .set_font_color(Color::RGB(font))
    };
    vec![
        base()
            .set_font_size(16)
            .set_bold()
            .set_align(FormatAlign::Center),
        base().set_font_size(12).set_align(FormatAlign::Center),
        boxed()
            .set_bold()
            .set_align(FormatAlign::Center)
            .set_background_color(Color::RGB(SHADE_HEADER)),
        boxed().set_align(FormatAlign::Left).set_text_wrap(),
        boxed()
            .set_bold()
            .set_align(FormatAlign::Left)
            .set_background_color(Color::RGB(ACCEPTED_FILL))
            .set_font_color(Color::RGB(ACCEPTED_FONT)),
        boxed()
            .set_bold()
            .set_align(FormatAlign::Left)
            .set_text_wrap()
            .set_background_color(Color::RGB(HOLD_FILL))
            .set_font_color(Color::RGB(HOLD_FONT)),
        boxed()
            .set_bold()
            .set_align(FormatAlign::Left)
            .set_background_color(Color::RGB(ERROR_FILL))
            .set_font_color(Color::RGB(ERROR_FONT)),
        base().set_align(FormatAlign::Left).set_text_wrap(),
        boxed()
            .set_bold()
            .set_align(FormatAlign::Center)
            .set_text_wrap()
            .set_background_color(Color::RGB(SHADE_HEADER)),
        boxed().set_align(FormatAlign::Center).set_text_wrap(),
        boxed().set_align(FormatAlign::Left).set_text_wrap(),
        boxed()
            .set_align(FormatAlign::Center)
            .set_font_color(Color::RGB(0x0563C1))
            .set_underline(FormatUnderline::Single),
        sev(Severity::Info),
        sev(Severity::Warning),
        sev(Severity::Hold),
        sev(Severity::Error),
    ]
}

/// Every format of a receipt — the first sheet's ([`Front`]), then the copies'
/// ([`cell_slot`]) — with the index each has in the workbook's styles, and the styles and
/// theme rust_xlsxwriter writes for them: made once per process, shared by every receipt.
struct Styles {
    /// The formats, for writing a receipt through rust_xlsxwriter in the tests.
    #[cfg(test)]
    formats: Vec<Format>,
    xf: Vec<u32>,
    fixed: Fixed,
}

impl Styles {
    fn get() -> Result<&'static Styles, ReceiptError> {
        static STYLES: OnceLock<Result<Styles, ReceiptError>> = OnceLock::new();
        STYLES
            .get_or_init(|| {
                Styles::make().map_err(|e| ReceiptError::Styles {
                    zh: xlsx_problem(&e, Lang::Zh),
                    en: xlsx_problem(&e, Lang::En),
                })
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    fn make() -> Result<Styles, XlsxError> {
        let mut formats = front_formats();
        formats.extend(cell_formats());
        // rust_xlsxwriter numbers formats from 1 (0 is its default) in the order it first
        // meets them, an equal format taking the index of the first.
        let mut firsts: Vec<&Format> = Vec::new();
        let xf = formats
            .iter()
            .map(|f| {
                let at = firsts.iter().position(|g| *g == f).unwrap_or_else(|| {
                    firsts.push(f);
                    firsts.len() - 1
                });
                u32::try_from(at + 1).unwrap_or(0)
            })
            .collect();
        let saved = |with_note: bool| -> Result<Vec<u8>, XlsxError> {
            let mut wb = Workbook::new();
            for f in &formats {
                wb.register_format(f);
            }
            let ws = wb.add_worksheet();
            if with_note {
                ws.insert_note(0, 0, &note("", 1))?;
            }
            wb.save_to_buffer()
        };
        let fixed = Fixed::from_packages(&saved(false)?, &saved(true)?)?;
        Ok(Styles {
            #[cfg(test)]
            formats,
            xf,
            fixed,
        })
    }

    fn front(&self, f: Front) -> u32 {
        self.xf[f as usize]
    }

    fn cell(&self, slot: usize) -> u32 {
        self.xf[FRONT_FORMATS + slot]
    }
}

/// One line of the findings table, as shown.
struct FindingRow {
    severity: Severity,
    sheet: String,
    place: String,
    /// The receipt's sheet name and cell the place links to.
    link: Option<(String, u32, u32)>,
    value: String,
    problem: String,
    fix: String,
    code: &'static str,
}

fn finding_rows(
    diags: &[&Diagnostic],
    raw: &[RawSheet],
    names: &[String],
    lang: Lang,
) -> Vec<FindingRow> {
    diags
        .iter()
        .map(|d| {
            let found = d
                .sheet
                .as_deref()
                .and_then(|s| raw.iter().position(|r| r.name == s));
            let place = match (&d.sheet, d.cell_a1(), d.row) {
                (_, Some(cell), _) => cell,
                (Some(_), None, Some(r)) => messages::receipt_row(r + 1, lang),
                (Some(_), None, None) => receipt_text(T::WholeSheet, lang).to_string(),
                (None, _, _) => receipt_text(T::WholeFile, lang).to_string(),
            };
            let link = found.map(|i| {
                let (r, c) = target(d, &raw[i]).unwrap_or((0, 0));
                (names[i].clone(), r, c)
            });
            FindingRow {
                severity: d.severity(),
                sheet: d.sheet.clone().unwrap_or_default(),
                place,
                link,
                value: short(d.value.as_deref().unwrap_or(""), 200),
                problem: d.message(lang),
                fix: d.hint(lang),
                code: d.code.as_str(),
            }
        })
        .collect()
}

/// Column widths of the first sheet, measured from its content within sensible bounds.
fn front_widths(rows: &[FindingRow], labels: &[&str], lang: Lang) -> [f64; COLUMNS] {
    let head = |k: T| display_width(receipt_text(k, lang));
    let measure = |k: T, f: &dyn Fn(&FindingRow) -> usize, lo: f64, hi: f64| {
        let widest = rows.iter().map(f).max().unwrap_or(0).max(head(k));
        fitted(widest).clamp(lo, hi)
    };
    let no = measure(T::ColNo, &|_| rows.len().to_string().len(), 6.0, 8.0);
    let level = measure(
        T::ColLevel,
        &|r| display_width(severity_word(r.severity, lang)),
        8.0,
        10.0,
    );
    let label_width = fitted(labels.iter().map(|l| display_width(l)).max().unwrap_or(0));
    let level = level.max(label_width - no);
    [
        no,
        level,
        measure(T::ColSheet, &|r| display_width(&r.sheet), 8.0, 18.0),
        measure(T::ColCell, &|r| display_width(&r.place), 8.0, 14.0),
        measure(T::ColValue, &|r| display_width(&r.value), 10.0, 24.0),
        measure(T::ColProblem, &|r| display_width(&r.problem), 24.0, 46.0),
        measure(T::ColFix, &|r| display_width(&r.fix), 24.0, 42.0),
        measure(T::ColCode, &|r| r.code.len(), 8.0, 26.0),
    ]
}

/// The received time as a clerk reads it: in the bureau's time zone, to the second, with
/// the zone named (`2025-07-03 09:30:00（北京时间）`).
fn received_display(rfc3339: &str, zone: chrono::FixedOffset, lang: Lang) -> String {
    let Some(local) = crate::clock::local_time(rfc3339, zone) else {
        return rfc3339.to_string();
    };
    let name = crate::clock::time_zone_name(zone, lang);
    match lang {
        Lang::Zh => format!("{local}（{name}）"),
        Lang::En => format!("{local} ({name})"),
    }
}

/// The first sheet: the facts of the file and the table of findings.
#[allow(clippy::too_many_arguments)]
fn front_sheet<'a>(
    name: String,
    facts: &ReceiptFacts<'a>,
    sheets: SourceSheets,
    raw: &[RawSheet],
    names: &[String],
    diags: &[&Diagnostic],
    styles: &Styles,
    lang: Lang,
) -> Sheet<'a> {
    let file = facts.file;
    let rows = finding_rows(diags, raw, names, lang);
    let not_recognised = receipt_text(T::NotRecognised, lang);

    // The facts block: label, value (and whether the value is the verdict).
    let mut facts_rows: Vec<(&str, String, Option<Verdict>)> = Vec::new();
    let file_name = file.path.file_name().map_or_else(
        || file.path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    facts_rows.push((receipt_text(T::File, lang), file_name, None));
    facts_rows.push((
        receipt_text(T::Sha256, lang),
        file.sha256.clone().unwrap_or_else(|| "—".into()),
        None,
    ));
    facts_rows.push((
        receipt_text(T::Unit, lang),
        file.unit().map_or_else(
            || not_recognised.to_string(),
            |u| messages::receipt_unit(&u.name, &u.code, lang),
        ),
        None,
    ));
    facts_rows.push((
        receipt_text(T::Period, lang),
        file.period().map_or_else(
            || not_recognised.to_string(),
            |p| messages::receipt_period(p, lang),
        ),
        None,
    ));
    if let Some(bp) = facts.batch_period.filter(|bp| file.period() != Some(*bp)) {
        facts_rows.push((
            receipt_text(T::BatchPeriod, lang),
            messages::receipt_period(bp, lang),
            None,
        ));
    }
    facts_rows.push((
        receipt_text(T::Received, lang),
        received_display(facts.received_at, facts.time_zone, lang),
        None,
    ));
    let verdict = file.verdict();
    facts_rows.push((
        receipt_text(T::Verdict, lang),
        receipt_text(
            match verdict {
                Verdict::Accepted => T::Accepted,
                Verdict::Held => T::HeldVerdict,
                Verdict::Rejected => T::Rejected,
            },
            lang,
        )
        .to_string(),
        Some(verdict),
    ));
    if let Some(archive) = facts.archive {
        facts_rows.push((receipt_text(T::Archive, lang), archive.to_string(), None));
    }
    facts_rows.push((
        receipt_text(T::Counts, lang),
        messages::receipt_counts(
            [
                file.diagnostics.count(Severity::Error),
                file.diagnostics.count(Severity::Hold),
                file.diagnostics.count(Severity::Warning),
                file.diagnostics.count(Severity::Info),
            ],
            lang,
        ),
        None,
    ));

    let labels: Vec<&str> = facts_rows.iter().map(|(l, _, _)| *l).collect();
    let widths = front_widths(&rows, &labels, lang);
    let full: f64 = widths.iter().sum();
    let value_width: f64 = widths[2..].iter().sum();

    let mut out = Sheet {
        name,
        hidden: false,
        tab_color: None,
        default_row_height: ROW_HEIGHT,
        columns: (0u16..).zip(widths).collect(),
        heights: BTreeMap::new(),
        cells: Vec::new(),
        merges: Vec::new(),
        links: Vec::new(),
        notes: Vec::new(),
        note_author: "",
        freeze_rows: 0,
        print_titles: None,
        print_gridlines: false,
        footer: receipt_text(T::Footer, lang),
    };
    let xf = |f: Front| styles.front(f);
    // Every text within what a cell holds (an issuer or a guide could pass it).
    let within_cell = |text: String| match cell_text(&text) {
        Cow::Borrowed(_) => text_value(Cow::Owned(text)),
        Cow::Owned(cut) => text_value(Cow::Owned(cut)),
    };
    // A merged region as rust_xlsxwriter's `merge_range` writes it: the text in its first
    // cell, blanks in the others, all in the region's format.
    let merged = |out: &mut Sheet<'a>, r: u32, c1: u16, c2: u16, text: String, f: Front| {
        out.merges.push((r, c1, r, c2));
        out.cells.push(Cell {
            row: r,
            col: c1,
            xf: xf(f),
            value: within_cell(text),
        });
        out.cells.extend((c1 + 1..=c2).map(|col| Cell {
            row: r,
            col,
            xf: xf(f),
            value: Value::Blank,
        }));
    };
    let text = |out: &mut Sheet<'a>, r: u32, c: u16, text: String, f: Front| {
        out.cells.push(Cell {
            row: r,
            col: c,
            xf: xf(f),
            value: within_cell(text),
        });
    };

    let mut r: u32 = 0;
    merged(
        &mut out,
        r,
        0,
        LAST,
        receipt_text(T::Title, lang).into(),
        Front::Title,
    );
    out.heights.insert(r, 30.0);
    r += 1;
    if !facts.issuer.is_empty() {
        merged(&mut out, r, 0, LAST, facts.issuer.into(), Front::Subtitle);
        out.heights.insert(r, 20.0);
        r += 1;
    }
    r += 1;
    for (label, value, verdict) in &facts_rows {
        merged(&mut out, r, 0, 1, (*label).into(), Front::Label);
        let f = match verdict {
            Some(Verdict::Accepted) => Front::Accepted,
            Some(Verdict::Held) => Front::Held,
            Some(Verdict::Rejected) => Front::Rejected,
            None => Front::Value,
        };
        merged(&mut out, r, 2, LAST, value.clone(), f);
        out.heights
            .insert(r, row_height(lines_needed(value, value_width)));
        r += 1;
    }
    r += 1;
    let mut guide = receipt_text(T::Guide, lang).to_string();
    match sheets {
        SourceSheets::Read(_) => {
            for (sheet, name) in raw.iter().zip(names) {
                if let Some(rows) = abridged(sheet) {
                    let line = messages::receipt_abridged(name, rows, COPY_HEAD_ROWS, lang);
                    guide = format!("{guide}\n{line}");
                }
            }
        }
        SourceSheets::Clean => guide = receipt_text(T::CleanGuide, lang).to_string(),
        SourceSheets::Unreadable => {
            guide = format!("{guide}\n{}", receipt_text(T::NoSheets, lang));
        }
        SourceSheets::Changed => {
            guide = format!("{guide}\n{}", receipt_text(T::SheetsChanged, lang));
        }
    }
    out.heights
        .insert(r, row_height(lines_needed(&guide, full)));
    merged(&mut out, r, 0, LAST, guide, Front::Guide);
    r += 2;

    let header_row = r;
    let headings = [
        T::ColNo,
        T::ColLevel,
        T::ColSheet,
        T::ColCell,
        T::ColValue,
        T::ColProblem,
        T::ColFix,
        T::ColCode,
    ];
    for (c, k) in (0u16..).zip(headings) {
        text(&mut out, r, c, receipt_text(k, lang).into(), Front::Header);
    }
    out.heights.insert(r, ROW_HEIGHT + 4.0);
    out.freeze_rows = header_row + 1;
    out.print_titles = Some((header_row, header_row));
    r += 1;

    if rows.is_empty() {
        merged(
            &mut out,
            r,
            0,
            LAST,
            receipt_text(T::NoFindings, lang).into(),
            Front::Text,
        );
        return out;
    }
    for (i, row) in rows.iter().enumerate() {
        out.cells.push(Cell {
            row: r,
            col: 0,
            xf: xf(Front::Center),
            value: Value::Number((i + 1) as f64),
        });
        let severity = Front::severity(row.severity);
        text(
            &mut out,
            r,
            1,
            severity_word(row.severity, lang).into(),
            severity,
        );
        text(&mut out, r, 2, row.sheet.clone(), Front::Center);
        match &row.link {
            Some((sheet, lr, lc)) if i < MAX_LINKS => {
                out.links.push(Link {
                    row: r,
                    col: 3,
                    location: format!("'{}'!{}", sheet.replace('\'', "''"), a1(*lr, *lc)),
                    display: row.place.clone(),
                });
                text(&mut out, r, 3, row.place.clone(), Front::Link);
            }
            _ => text(&mut out, r, 3, row.place.clone(), Front::Center),
        }
        text(&mut out, r, 4, row.value.clone(), Front::Text);
        text(&mut out, r, 5, row.problem.clone(), Front::Text);
        text(&mut out, r, 6, row.fix.clone(), Front::Text);
        text(&mut out, r, 7, row.code.into(), Front::Center);
        let lines = [
            lines_needed(&row.sheet, widths[2]),
            lines_needed(&row.value, widths[4]),
            lines_needed(&row.problem, widths[5]),
            lines_needed(&row.fix, widths[6]),
        ]
        .into_iter()
        .max()
        .unwrap_or(1);
        out.heights.insert(r, row_height(lines));
        r += 1;
    }
    out
}

// ---------------------------------------------------------------------------------------
// The county's sheets

/// What a cell holds, which picks its number format and alignment.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Text,
    /// Text alone in its row (a title, a remark): not wrapped, so it runs on over the
    /// empty cells to its right as it did in the county's sheet.
    Line,
    Number,
    Date,
    DateTime,
    Bool,
    Blank,
}

const KINDS: [Kind; 7] = [
    Kind::Text,
    Kind::Line,
    Kind::Number,
    Kind::Date,
    Kind::DateTime,
    Kind::Bool,
    Kind::Blank,
];

/// The copies' formats, by kind, mark (none, note, warning, held, error) and whether the
/// cell is in a merged region (centred), in [`cell_slot`]'s order.
fn cell_formats() -> Vec<Format> {
    let mut all = Vec::with_capacity(KINDS.len() * 5 * 2);
    for kind in KINDS {
        for mark in [
            None,
            Some(Severity::Info),
            Some(Severity::Warning),
            Some(Severity::Hold),
            Some(Severity::Error),
        ] {
            for merged in [false, true] {
                let mut f = Format::new()
                    .set_font_name(FONT)
                    .set_font_size(FONT_SIZE)
                    .set_align(FormatAlign::VerticalCenter);
                f = match kind {
                    Kind::Text => f.set_text_wrap(),
                    Kind::Line | Kind::Number | Kind::Blank => f,
                    Kind::Date => f.set_num_format("yyyy-mm-dd"),
                    Kind::DateTime => f.set_num_format("yyyy-mm-dd hh:mm:ss"),
                    Kind::Bool => f.set_align(FormatAlign::Center),
                };
                if merged {
                    f = f.set_align(FormatAlign::Center);
                }
                if let Some(s) = mark {
                    let (fill, font) = severity_colors(s);
                    f = f
                        .set_background_color(Color::RGB(fill))
                        .set_font_color(Color::RGB(font))
                        .set_border(FormatBorder::Thin)
                        .set_border_color(Color::RGB(font));
                }
                all.push(f);
            }
        }
    }
    all
}

/// A note as receipts make them (rust_xlsxwriter's, for the styles and the tests).
fn note(text: &str, lines: usize) -> rust_xlsxwriter::Note {
    rust_xlsxwriter::Note::new(text)
        .add_author_prefix(false)
        .set_font_name(FONT)
        .set_font_size(NOTE_FONT_SIZE)
        .set_width(NOTE_WIDTH)
        .set_height(note_height(lines))
}

/// The notes on one cell as one note's text, cut with "…" to what Excel allows a note
/// (32,767 UTF-16 units less the 54 rust_xlsxwriter keeps for itself).
fn note_text(notes: &[String]) -> String {
    const MAX: usize = crate::text::CELL_TEXT_MAX - 54;
    let text = notes.join("\n\n");
    match crate::text::cut_to(&text, MAX) {
        Cow::Borrowed(_) => text,
        Cow::Owned(cut) => cut,
    }
}

/// A note's font size, and its box's width and height in pixels.
const NOTE_FONT_SIZE: u32 = 10;
const NOTE_WIDTH: u32 = 320;
fn note_height(lines: usize) -> u32 {
    u32::try_from(lines * 16 + 12).unwrap_or(400).min(400)
}

/// A copy's cell format's place in [`cell_formats`].
fn cell_slot(kind: Kind, mark: Option<Severity>, merged: bool) -> usize {
    let k = kind as usize;
    let m = match mark {
        None => 0,
        Some(Severity::Info) => 1,
        Some(Severity::Warning) => 2,
        Some(Severity::Hold) => 3,
        Some(Severity::Error) => 4,
    };
    (k * 5 + m) * 2 + usize::from(merged)
}

/// A marked cell: the worst severity pointing at it and the notes it carries.
#[derive(Debug, Default)]
struct Mark {
    severity: Option<Severity>,
    notes: Vec<String>,
}

/// The marks of one sheet: each finding's cell (or, for a row finding, every used cell of
/// the row, the note on the first), in (row, col) order.
fn marks(sheet: &RawSheet, diags: &[&Diagnostic], lang: Lang) -> BTreeMap<(u32, u32), Mark> {
    let mut out: BTreeMap<(u32, u32), Mark> = BTreeMap::new();
    for d in diags
        .iter()
        .filter(|d| d.sheet.as_deref() == Some(&sheet.name))
    {
        let Some(anchor) = target(d, sheet) else {
            continue;
        };
        let sev = d.severity();
        let mut mark_at = |at: (u32, u32)| {
            let m = out.entry(at).or_default();
            m.severity = m.severity.max(Some(sev));
        };
        mark_at(anchor);
        if d.cell.is_none() {
            for c in sheet.row(anchor.0).iter().filter(|c| c.col <= LAST_COL) {
                mark_at((c.row, c.col));
            }
        }
        let note = messages::receipt_note(
            severity_word(sev, lang),
            &short(&d.message(lang), 1000),
            &short(&d.hint(lang), 1000),
            lang,
        );
        out.entry(anchor).or_default().notes.push(note);
    }
    out
}

/// The worst severity of the findings about a sheet, for its tab colour.
fn worst_on(sheet: &RawSheet, diags: &[&Diagnostic]) -> Option<Severity> {
    diags
        .iter()
        .filter(|d| d.sheet.as_deref() == Some(&sheet.name))
        .map(|d| d.severity())
        .max()
}

/// Merged regions worth reproducing: inside Excel's grid, more than one cell, small, not
/// overlapping an earlier one, and not too many in all (see the module docs).
fn merges_to_copy(sheet: &RawSheet) -> Vec<(u32, u32, u32, u32)> {
    const MAX_MERGES: usize = 1000;
    const MAX_AREA: u64 = 20_000;
    const MAX_TOTAL_AREA: u64 = 200_000;
    let mut kept: Vec<(u32, u32, u32, u32)> = Vec::new();
    let mut total = 0u64;
    for m in &sheet.merges {
        if kept.len() >= MAX_MERGES {
            break;
        }
        let (r1, c1, r2, c2) = (m.first_row, m.first_col, m.last_row, m.last_col);
        if r1 > r2 || c1 > c2 || r2 > LAST_ROW || c2 > LAST_COL || (r1 == r2 && c1 == c2) {
            continue;
        }
        let area = u64::from(r2 - r1 + 1) * u64::from(c2 - c1 + 1);
        if area > MAX_AREA || total + area > MAX_TOTAL_AREA {
            continue;
        }
        let overlaps = kept
            .iter()
            .any(|&(a1, b1, a2, b2)| r1 <= a2 && a1 <= r2 && c1 <= b2 && b1 <= c2);
        if !overlaps {
            kept.push((r1, c1, r2, c2));
            total += area;
        }
    }
    kept
}

/// Days since 1899-12-30 (Excel's serial date), for dates Excel can show: from 1900-03-01,
/// past its 1900 leap-year bug, to 9999-12-31.
fn excel_serial(dt: &chrono::NaiveDateTime) -> Option<f64> {
    use chrono::{Datelike, NaiveDate, Timelike};
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    let first = NaiveDate::from_ymd_opt(1900, 3, 1)?;
    let date = dt.date();
    if date < first || date.year() > 9999 {
        return None;
    }
    let days = (date - epoch).num_days() as f64;
    Some(days + f64::from(dt.num_seconds_from_midnight()) / 86_400.0)
}

/// The text a cell shows, for measuring its column.
fn shown(v: &CellValue) -> String {
    match v {
        CellValue::Text(s) | CellValue::Error(s) | CellValue::Uncalculated(s) => s.to_string(),
        CellValue::Number(n) => n.to_string(),
        CellValue::DateTime(dt) => {
            if dt.time() == chrono::NaiveTime::MIN {
                dt.format("%Y-%m-%d").to_string()
            } else {
                dt.format("%Y-%m-%d %H:%M:%S").to_string()
            }
        }
        CellValue::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
    }
}

/// The width of the widest line [`shown`] gives, without making its text (a copy measures
/// every cell).
fn shown_width(v: &CellValue) -> usize {
    /// Counts what is written (ASCII: one unit a byte).
    struct Count(usize);
    impl std::fmt::Write for Count {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0 += s.len();
            Ok(())
        }
    }
    match v {
        CellValue::Text(s) | CellValue::Error(s) | CellValue::Uncalculated(s) => {
            s.split('\n').map(display_width).max().unwrap_or(0)
        }
        // A whole number below 10^15 is written as its digits (as `push_number` writes
        // it): counted without formatting, for most of a return's numbers are amounts.
        CellValue::Number(n)
            if n.fract() == 0.0 && n.abs() < 1e15 && !(*n == 0.0 && n.is_sign_negative()) =>
        {
            let whole = *n as i64;
            let digits = whole
                .unsigned_abs()
                .checked_ilog10()
                .map_or(1, |d| d as usize + 1);
            digits + usize::from(whole < 0)
        }
        CellValue::Number(n) => {
            let mut count = Count(0);
            let _ = std::fmt::Write::write_fmt(&mut count, format_args!("{n}"));
            count.0
        }
        // `yyyy-mm-dd` or `yyyy-mm-dd hh:mm:ss` for a four-digit year.
        CellValue::DateTime(dt) if (1000..=9999).contains(&chrono::Datelike::year(dt)) => {
            if dt.time() == chrono::NaiveTime::MIN {
                10
            } else {
                19
            }
        }
        CellValue::Bool(b) => {
            if *b {
                4
            } else {
                5
            }
        }
        CellValue::DateTime(_) => display_width(&shown(v)),
    }
}

/// A sheet of more rows than this is copied abridged: its first [`COPY_HEAD_ROWS`] rows
/// (titles and header) and the rows with a finding, each at its own row number, so that
/// every reference (项目明细!K5032) still points where the county's file has it. A county
/// return has a few hundred rows; a copy of 100,000 would make the receipt cost three times
/// the check and mail 12 MB back to say where one cell is wrong.
pub const COPY_FULL_ROWS: u32 = 5_000;
/// The rows an abridged copy keeps from the top of its sheet.
pub const COPY_HEAD_ROWS: u32 = 10;

/// For a sheet copied abridged, the rows it has (one past the last row holding a cell).
fn abridged(sheet: &RawSheet) -> Option<u32> {
    let rows = sheet.cells.iter().map(|c| c.row.saturating_add(1)).max()?;
    (rows > COPY_FULL_ROWS).then_some(rows)
}

/// Widest column the copy gives a column, in Excel's units; longer text wraps.
const COPY_MAX_WIDTH: f64 = 40.0;
const COPY_MIN_WIDTH: f64 = 6.0;

/// Whether `cell` is one line of text alone in its row: a title or a remark, not a table
/// row (which has more than one cell).
/// `cells` are a sheet's, in (row, column) order, so the cell's neighbours tell.
fn is_line(cells: &[RawCell], at: usize) -> bool {
    let row = cells[at].row;
    let alone = (at == 0 || cells[at - 1].row != row)
        && cells.get(at + 1).is_none_or(|next| next.row != row);
    alone && matches!(&cells[at].value, CellValue::Text(s) if !s.contains('\n'))
}

/// A county sheet's copy: its values, each marked cell filled and noted.
fn copy_sheet<'s>(
    sheet: &'s RawSheet,
    name: String,
    facts: &ReceiptFacts<'s>,
    diags: &[&Diagnostic],
    styles: &Styles,
    lang: Lang,
) -> Sheet<'s> {
    let marks = marks(sheet, diags, lang);
    // The rows copied: all, or for a long sheet its head and the rows with a finding.
    let marked_rows: BTreeSet<u32> = marks.keys().map(|&(r, _)| r).collect();
    let short = abridged(sheet).is_none();
    let copied = |row: u32| short || row < COPY_HEAD_ROWS || marked_rows.contains(&row);
    let merges: Vec<_> = merges_to_copy(sheet)
        .into_iter()
        .filter(|&(r1, _, r2, _)| (r1..=r2).all(copied))
        .collect();
    let anchors: foldhash::HashMap<(u32, u32), u32> = merges
        .iter()
        .map(|&(r1, c1, _, c2)| ((r1, c1), c2 - c1 + 1))
        .collect();
    let worst = worst_on(sheet, diags);

    // Column widths from the content. A merged anchor's text spreads over its region and a
    // line alone in its row runs on over its empty neighbours, so neither widens a column.
    // A one-line text's width is kept for its row's height below (`NOT_ONE_LINE` for any
    // other cell).
    const NOT_ONE_LINE: usize = usize::MAX;
    let mut one_line = vec![NOT_ONE_LINE; sheet.cells.len()];
    let mut widths: BTreeMap<u32, f64> = BTreeMap::new();
    let in_copy = |c: &RawCell| c.row <= LAST_ROW && c.col <= LAST_COL && copied(c.row);
    for (at, c) in sheet.cells.iter().enumerate().filter(|(_, c)| in_copy(c)) {
        if anchors.get(&(c.row, c.col)).is_some_and(|&span| span > 1) || is_line(&sheet.cells, at) {
            continue;
        }
        let w = match &c.value {
            CellValue::Text(t) | CellValue::Error(t) | CellValue::Uncalculated(t)
                if !t.contains('\n') =>
            {
                one_line[at] = display_width(t);
                one_line[at]
            }
            v => shown_width(v),
        };
        let slot = widths.entry(c.col).or_insert(COPY_MIN_WIDTH);
        *slot = slot.max(fitted(w).min(COPY_MAX_WIDTH));
    }
    let width_of = |col: u32| widths.get(&col).copied().unwrap_or(8.43);

    // The cells, in the order rust_xlsxwriter would have had them written (a later one at
    // the same place replaces an earlier): each merged region's blanks, the county's
    // values, then the marked cells the county left empty.
    let mut cells: Vec<Placed<'s>> = Vec::with_capacity(sheet.cells.len() + marks.len());
    for &(r1, c1, r2, c2) in &merges {
        let mark = marks.get(&(r1, c1)).and_then(|m| m.severity);
        let slot = cell_slot(Kind::Blank, mark, true);
        for row in r1..=r2 {
            cells.extend((c1..=c2).map(|col| Placed::blank(row, col, slot)));
        }
    }
    let mut lines_by_row: BTreeMap<u32, usize> = BTreeMap::new();
    for (at, cell) in sheet.cells.iter().enumerate().filter(|(_, c)| in_copy(c)) {
        let mark = marks.get(&(cell.row, cell.col)).and_then(|m| m.severity);
        let merged = anchors.contains_key(&(cell.row, cell.col));
        let place = |kind: Kind, value: Value<'s>| Placed {
            row: cell.row,
            col: cell.col,
            slot: cell_slot(kind, mark, merged),
            value,
        };
        cells.push(match &cell.value {
            CellValue::Text(s) | CellValue::Error(s) if is_line(&sheet.cells, at) => {
                place(Kind::Line, text_value(cell_text(s)))
            }
            // A formula without its result is shown as its text, `=150+50`: the copy
            // holds what the county's file holds, and no result was saved.
            CellValue::Text(s) | CellValue::Error(s) | CellValue::Uncalculated(s) => {
                let s = cell_text(s);
                if !merged {
                    let lines = match (&s, one_line[at]) {
                        // Not cut to a cell's limit: the width measured above.
                        (Cow::Borrowed(_), w) if w != NOT_ONE_LINE => {
                            lines_of(w, width_of(cell.col))
                        }
                        _ => lines_needed(&s, width_of(cell.col)),
                    };
                    let slot = lines_by_row.entry(cell.row).or_insert(1);
                    *slot = (*slot).max(lines);
                }
                place(Kind::Text, text_value(s))
            }
            CellValue::Number(n) if n.is_finite() => place(Kind::Number, Value::Number(*n)),
            CellValue::Number(n) => place(Kind::Text, text_value(Cow::Owned(n.to_string()))),
            CellValue::DateTime(dt) => match excel_serial(dt) {
                Some(serial) if dt.time() == chrono::NaiveTime::MIN => {
                    place(Kind::Date, Value::Number(serial))
                }
                Some(serial) => place(Kind::DateTime, Value::Number(serial)),
                None => place(Kind::Text, text_value(Cow::Owned(shown(&cell.value)))),
            },
            CellValue::Bool(b) => place(Kind::Bool, Value::Bool(*b)),
        });
    }
    let heights: BTreeMap<u32, f64> = lines_by_row
        .into_iter()
        .filter(|&(_, l)| l > 1)
        .map(|(row, lines)| (row, row_height(lines)))
        .collect();

    // Marked cells the county left empty (a required value missing) are filled too.
    let mut notes = Vec::new();
    for (&(r, c), m) in &marks {
        if sheet.get(r, c).is_none() {
            let merged = anchors.contains_key(&(r, c));
            cells.push(Placed::blank(
                r,
                c,
                cell_slot(Kind::Blank, m.severity, merged),
            ));
        }
        if !m.notes.is_empty() {
            let text = note_text(&m.notes);
            let lines = lines_needed(&text, 44.0);
            notes.push(NoteAt {
                row: r,
                col: c as u16,
                text,
                font: FONT,
                font_size: NOTE_FONT_SIZE,
                width: NOTE_WIDTH,
                height: note_height(lines),
            });
        }
    }

    // Keep the ledger's header in view while scrolling its rows.
    let freeze_rows = facts
        .file
        .parsed
        .as_ref()
        .and_then(|p| p.ledger.as_ref())
        .filter(|l| l.sheet == sheet.name && l.header.last_row < 30)
        .map_or(0, |l| l.header.last_row + 1);
    // In (row, column) order, the last written at each place kept.
    cells.sort_by_key(|c| (c.row, c.col));
    let mut kept: Vec<Cell<'s>> = Vec::with_capacity(cells.len());
    for c in cells {
        let cell = Cell {
            row: c.row,
            col: c.col as u16,
            xf: styles.cell(c.slot),
            value: c.value,
        };
        match kept.last_mut() {
            Some(last) if (last.row, last.col) == (cell.row, cell.col) => *last = cell,
            _ => kept.push(cell),
        }
    }
    Sheet {
        name,
        hidden: !sheet.visible && worst.is_none(),
        tab_color: worst.map(|s| severity_colors(s).1),
        default_row_height: ROW_HEIGHT,
        columns: widths.into_iter().map(|(c, w)| (c as u16, w)).collect(),
        heights,
        cells: kept,
        merges: merges
            .into_iter()
            .map(|(r1, c1, r2, c2)| (r1, c1 as u16, r2, c2 as u16))
            .collect(),
        links: Vec::new(),
        notes,
        note_author: note_author(facts.issuer),
        freeze_rows,
        print_titles: None,
        print_gridlines: true,
        footer: receipt_text(T::Footer, lang),
    }
}

/// One cell of a copy before its style is known: where, its format ([`cell_slot`]) and
/// what it holds.
struct Placed<'s> {
    row: u32,
    col: u32,
    slot: usize,
    value: Value<'s>,
}

impl Placed<'_> {
    fn blank(row: u32, col: u32, slot: usize) -> Placed<'static> {
        Placed {
            row,
            col,
            slot,
            value: Value::Blank,
        }
    }
}

/// Text, or a blank for none (rust_xlsxwriter writes an empty string as a blank).
fn text_value(s: Cow<'_, str>) -> Value<'_> {
    if s.is_empty() {
        Value::Blank
    } else {
        Value::Text(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;

    fn sheet(name: &str) -> RawSheet {
        RawSheet {
            name: name.into(),
            visible: true,
            cells: vec![],
            merges: vec![],
        }
    }

    #[test]
    fn sheet_names_follow_excels_rules_and_are_unique() {
        let names = sheet_names(
            "回执",
            &[
                sheet("回执"),
                sheet("a/b:c"),
                sheet("'quoted'"),
                sheet("REPORT"),
                sheet("report"),
                sheet(""),
                sheet(&"很长的工作表名称".repeat(5)),
            ],
        );
        assert_eq!(names[0], "回执(2)");
        assert_eq!(names[1], "a_b_c");
        assert_eq!(names[2], "quoted");
        assert_eq!(names[3], "REPORT");
        assert_eq!(names[4], "report(2)");
        assert_eq!(names[5], "Sheet6");
        assert!(names[6].encode_utf16().count() <= 31);
    }

    /// A pseudo-random county sheet: values of every kind (text with markup, control
    /// characters, `_xHHHH_`, quotes, edge spaces, CJK and emoji; numbers whole, fractional,
    /// huge, negative zero, not finite; dates; booleans), cells far apart, merges
    /// (overlapping, single-cell and huge ones among them), and findings on cells, rows
    /// and empty places.
    fn random_sheet(seed: u64, name: &str) -> (RawSheet, Vec<Diagnostic>) {
        use crate::diag::Code;
        use crate::read::Merge;
        let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let mut next = move |n: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % n.max(1)
        };
        let pieces = [
            "项目",
            "<b>",
            "&amp;",
            "\"q\"",
            "'",
            " edge ",
            "\t",
            "\n",
            "\u{1}",
            "\u{1f}",
            "_x0041_",
            "_x",
            "=SUM(A1)",
            "😀",
            "ａｂｃ",
            "\u{fffe}",
            "]]>",
            "万元",
            "x",
        ];
        let mut cells = Vec::new();
        for _ in 0..next(60) + 1 {
            let row = match next(10) {
                0 => u32::try_from(next(5_000)).unwrap_or(0),
                _ => u32::try_from(next(40)).unwrap_or(0),
            };
            let col = u32::try_from(next(30)).unwrap_or(0);
            let value = match next(7) {
                0 | 1 => {
                    let text: String = (0..next(6) + 1)
                        .map(|_| pieces[next(pieces.len() as u64) as usize])
                        .collect();
                    CellValue::Text(text.into())
                }
                2 => CellValue::Number(
                    [
                        0.0,
                        -0.0,
                        1.5,
                        -12_345.678,
                        1e15,
                        1e20,
                        f64::NAN,
                        f64::INFINITY,
                        42.0,
                    ][next(9) as usize],
                ),
                3 => CellValue::Number(next(1_000_000_000) as f64 / 100.0),
                4 => CellValue::DateTime(
                    chrono::NaiveDate::from_ymd_opt(
                        1899 + next(200) as i32,
                        1 + next(12) as u32,
                        1,
                    )
                    .and_then(|d| d.and_hms_opt(next(24) as u32, 0, 0))
                    .expect("date"),
                ),
                5 => CellValue::Bool(next(2) == 0),
                _ => CellValue::Error("#N/A".into()),
            };
            cells.push(RawCell { row, col, value });
        }
        cells.sort_by_key(|c| (c.row, c.col));
        cells.dedup_by_key(|c| (c.row, c.col));
        let merges = (0..next(5))
            .map(|_| {
                let (r, c) = (next(40) as u32, next(30) as u32);
                Merge {
                    first_row: r,
                    first_col: c,
                    last_row: r + next(3) as u32,
                    last_col: c + [0, 1, 2, 20_000][next(4) as usize],
                }
            })
            .collect();
        let findings = (0..next(8))
            .map(|_| {
                let (r, c) = (next(45) as u32, next(32) as u32);
                match next(3) {
                    0 => Diagnostic::at_row(Code::RowIgnored, name, r),
                    1 => Diagnostic::at(Code::LedgerMissing, name, r, c),
                    _ => Diagnostic::at(Code::HoldMagnitude, name, r, c),
                }
            })
            .collect();
        let sheet = RawSheet {
            name: name.into(),
            visible: next(5) > 0,
            cells,
            merges,
        };
        (sheet, findings)
    }

    /// Receipts of pseudo-random workbooks are what rust_xlsxwriter writes, and read back
    /// as a workbook by tongbao's own reader, sheet for sheet.
    #[test]
    fn receipts_of_random_sheets_are_what_rust_xlsxwriter_writes_and_read_back() {
        let limits = crate::config::Limits::default();
        for seed in 0..40 {
            let names = ["项目明细", "基本信息", "Sheet 1", "a'b"];
            let mut file = FileReport::empty(std::path::Path::new("县.xlsx"));
            let mut sheets = Vec::new();
            for (i, name) in names.iter().enumerate().take(1 + (seed as usize % 4)) {
                let (sheet, findings) = random_sheet(seed * 7 + i as u64, name);
                file.diagnostics.0.extend(findings);
                sheets.push(sheet);
            }
            let wb = RawWorkbook {
                sheets,
                container: crate::read::Container::Xlsx,
            };
            let issuer = if seed % 3 == 0 {
                ""
            } else {
                "招商局 & <办>"
            };
            let f = facts(&file, issuer);
            let lang = if seed % 2 == 0 { Lang::Zh } else { Lang::En };
            let b = receipt_book(&f, SourceSheets::Read(&wb), "2025-07-05T02:00:00Z", lang)
                .expect("book");
            assert_written_as_rust_xlsxwriter_would(&b);
            let back = crate::read::read_bytes(&book::write(&b), &limits)
                .unwrap_or_else(|e| panic!("seed {seed}: {e:?}"));
            assert_eq!(back.sheets.len(), b.sheets.len(), "seed {seed}");
            for (read, written) in back.sheets.iter().zip(&b.sheets) {
                assert_eq!(read.name, written.name, "seed {seed}");
            }
        }
    }

    #[test]
    fn texts_past_excels_limits_are_cut() {
        let long = "很长".repeat(10_000);
        let t = note_text(&[long.clone(), long]);
        assert!(t.encode_utf16().count() <= 32_767 - 54);
        assert!(t.ends_with('…'));
        assert_eq!(note_text(&["a".into(), "b".into()]), "a\n\nb");
        // A first sheet's text over a cell's limit is cut, not written whole.
        let file = FileReport::empty(std::path::Path::new("县.xlsx"));
        let issuer = "局".repeat(40_000);
        let f = facts(&file, &issuer);
        let b =
            receipt_book(&f, SourceSheets::Clean, "2025-07-05T02:00:00Z", Lang::Zh).expect("book");
        let longest = b.sheets[0]
            .cells
            .iter()
            .filter_map(|c| match &c.value {
                Value::Text(t) => Some(t.encode_utf16().count()),
                _ => None,
            })
            .max();
        assert_eq!(longest, Some(32_767));
    }

    #[test]
    fn excel_serial_dates() {
        let d = chrono::NaiveDate::from_ymd_opt(2025, 6, 10)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .expect("date");
        assert_eq!(excel_serial(&d), Some(45818.0));
        let old = chrono::NaiveDate::from_ymd_opt(1899, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .expect("date");
        assert_eq!(excel_serial(&old), None);
    }

    /// A county sheet with every kind of value, merged regions (one holding a value past
    /// its anchor), marks on values, on an empty cell and on a whole row, and columns and
    /// rows past the first block of 16.
    fn odd_sheet() -> RawSheet {
        use crate::read::Merge;
        let at = |row, col, value| RawCell { row, col, value };
        let day = |y, m, d, h| {
            chrono::NaiveDate::from_ymd_opt(y, m, d)
                .and_then(|d| d.and_hms_opt(h, 30, 0))
                .expect("date")
        };
        let t = |s: &str| CellValue::Text(s.into());
        let mut cells = vec![
            at(0, 0, t("2025年6月 招商引资项目明细 & <附表>")),
            at(2, 0, t("序号")),
            at(2, 1, t(" 项目名称")),
            at(2, 2, t("签约额\n（万元）")),
            at(2, 3, t("日期")),
            at(2, 29, t("备注_x0041_")),
            at(3, 0, CellValue::Number(1.0)),
            at(
                3,
                1,
                t("两江新区智能制造产业园项目，一期、二期、三期合计总投资较大需要换行显示"),
            ),
            at(3, 2, CellValue::Number(12_345.678)),
            at(3, 3, CellValue::DateTime(day(2025, 6, 10, 0))),
            at(3, 4, CellValue::DateTime(day(2025, 6, 10, 9))),
            at(3, 5, CellValue::DateTime(day(1899, 1, 1, 0))),
            at(3, 14, CellValue::DateTime(day(12_000, 1, 1, 5))),
            at(3, 6, CellValue::Bool(true)),
            at(3, 7, CellValue::Bool(false)),
            at(3, 8, CellValue::Error("#DIV/0!".into())),
            at(3, 9, CellValue::Uncalculated("=150+50".into())),
            at(3, 10, CellValue::Number(f64::NAN)),
            at(3, 11, CellValue::Number(-0.5)),
            at(3, 12, t("")),
            at(3, 13, t("ctrl\u{1}char trailing ")),
            at(5, 0, t("合并")),
            at(6, 0, t("合并区内的值")),
            at(6, 1, CellValue::Number(1e20)),
            at(19, 2, CellValue::Number(3.0)),
            at(19, 3, t("行")),
            at(40, 30, t("远处")),
        ];
        cells.sort_by_key(|c| (c.row, c.col));
        RawSheet {
            name: "项目明细".into(),
            visible: true,
            cells,
            merges: vec![
                Merge {
                    first_row: 0,
                    first_col: 0,
                    last_row: 0,
                    last_col: 5,
                },
                Merge {
                    first_row: 5,
                    first_col: 0,
                    last_row: 6,
                    last_col: 0,
                },
            ],
        }
    }

    /// A book written through rust_xlsxwriter, call for call as the receipt was written
    /// before `book` existed: the oracle [`book::write`] is compared with.
    fn through_rust_xlsxwriter(b: &Book, styles: &Styles) -> Vec<u8> {
        use rust_xlsxwriter::{DocProperties, Note, Url};
        let mut wb = Workbook::new();
        let created = chrono::DateTime::parse_from_rfc3339(b.created).expect("created");
        let mut props = DocProperties::new()
            .set_title(b.title)
            .set_comment(b.comment)
            .set_creation_datetime(
                &ExcelDateTime::from_timestamp(created.timestamp()).expect("time"),
            );
        if !b.author.is_empty() {
            props = props.set_author(b.author).set_company(b.author);
        }
        wb.set_properties(&props);
        for f in &styles.formats {
            wb.register_format(f);
        }
        let format = |xf: u32| {
            let at = styles.xf.iter().position(|&x| x == xf).expect("xf");
            &styles.formats[at]
        };
        for s in &b.sheets {
            let ws = wb.add_worksheet();
            ws.set_name(&s.name).expect("name");
            ws.set_default_row_height(s.default_row_height);
            if !s.notes.is_empty() {
                ws.set_default_note_author(s.note_author);
            }
            ws.set_paper_size(9);
            ws.set_landscape();
            ws.set_print_fit_to_pages(1, 0);
            ws.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
            ws.set_footer(s.footer);
            if s.print_gridlines {
                ws.set_print_gridlines(true);
            }
            if let Some(rgb) = s.tab_color {
                ws.set_tab_color(Color::RGB(rgb));
            }
            if s.hidden {
                ws.set_hidden(true);
            }
            for &(c, w) in &s.columns {
                ws.set_column_width(c, w).expect("width");
            }
            for &(r1, c1, r2, c2) in &s.merges {
                let first = s.cells.iter().find(|c| (c.row, c.col) == (r1, c1));
                let f = format(first.expect("merged anchor").xf);
                ws.merge_range(r1, c1, r2, c2, "", f).expect("merge");
            }
            for n in &s.notes {
                let note = Note::new(&n.text)
                    .add_author_prefix(false)
                    .set_font_name(n.font)
                    .set_font_size(n.font_size)
                    .set_width(n.width)
                    .set_height(n.height);
                ws.insert_note(n.row, n.col, &note).expect("note");
            }
            if s.freeze_rows > 0 {
                ws.set_freeze_panes(s.freeze_rows, 0).expect("freeze");
            }
            if let Some((first, last)) = s.print_titles {
                ws.set_repeat_rows(first, last).expect("titles");
            }
            for c in &s.cells {
                let f = format(c.xf);
                match &c.value {
                    Value::Number(n) => ws.write_number_with_format(c.row, c.col, *n, f),
                    Value::Text(t) => ws.write_string_with_format(c.row, c.col, t.as_ref(), f),
                    Value::Bool(v) => ws.write_boolean_with_format(c.row, c.col, *v, f),
                    Value::Blank => ws.write_blank(c.row, c.col, f),
                }
                .expect("cell");
            }
            // Heights after the cells: a height set first stretches rust_xlsxwriter's
            // dimension to column A (the book's, like the copies' before it, is the
            // cells' extent).
            for (&r, &h) in &s.heights {
                ws.set_row_height(r, h).expect("height");
            }
            for l in &s.links {
                let cell = s.cells.iter().find(|c| (c.row, c.col) == (l.row, l.col));
                let url = Url::new(format!("internal:{}", l.location)).set_text(&l.display);
                ws.write_url_with_format(l.row, l.col, url, format(cell.expect("link cell").xf))
                    .expect("link");
            }
        }
        wb.save_to_buffer().expect("saved")
    }

    /// Every part of two packages, the reference's shared strings put back inline
    /// (`t="s"><v>N</v>` → `t="inlineStr"><is><t…>…</t></is>`) and its table left out.
    fn parts_both_ways(b: &Book, styles: &Styles) -> Vec<(String, String, String)> {
        let ours = book::write(b);
        let theirs = through_rust_xlsxwriter(b, styles);
        let names = |bytes: &[u8]| -> Vec<String> {
            let z = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("zip");
            (0..z.len())
                .map(|i| {
                    let name = z.name_for_index(i).expect("index").expect("name");
                    name.into_owned()
                })
                .collect()
        };
        let read = |bytes: &[u8], n: &str| {
            crate::render::xlsx::sheet_xml::read_part(bytes, n).expect("part")
        };
        let table = names(&theirs)
            .iter()
            .any(|n| n == "xl/sharedStrings.xml")
            .then(|| read(&theirs, "xl/sharedStrings.xml"));
        let strings: Vec<String> = table
            .as_deref()
            .map(|t| {
                t.split("<si>")
                    .skip(1)
                    .map(|si| si.split("</si>").next().expect("si").to_string())
                    .collect()
            })
            .unwrap_or_default();
        let mut ours_names = names(&ours);
        let mut theirs_names: Vec<String> = names(&theirs)
            .into_iter()
            .filter(|n| n != "xl/sharedStrings.xml")
            .collect();
        ours_names.sort();
        theirs_names.sort();
        assert_eq!(ours_names, theirs_names);
        ours_names
            .iter()
            .map(|n| {
                let mut reference = read(&theirs, n);
                while let Some(at) = reference.find(" t=\"s\"><v>") {
                    let from = at + " t=\"s\"><v>".len();
                    let to = from + reference[from..].find("</v>").expect("v");
                    let i: usize = reference[from..to].parse().expect("index");
                    let inline = format!(" t=\"inlineStr\"><is>{}</is>", strings[i]);
                    reference.replace_range(at..to + "</v>".len(), &inline);
                }
                reference = reference.replace(
                    "<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>",
                    "",
                );
                if n == "xl/_rels/workbook.xml.rels" {
                    let last = b.sheets.len() + 3;
                    reference = reference.replace(
                        &format!("<Relationship Id=\"rId{last}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"),
                        "",
                    );
                }
                (n.clone(), read(&ours, n), reference)
            })
            .collect()
    }

    fn assert_written_as_rust_xlsxwriter_would(b: &Book) {
        let styles = Styles::get().expect("styles");
        for (name, ours, reference) in parts_both_ways(b, styles) {
            assert_eq!(ours, reference, "{name} differs");
        }
    }

    fn facts<'a>(file: &'a FileReport, issuer: &'a str) -> ReceiptFacts<'a> {
        ReceiptFacts {
            file,
            batch_period: None,
            received_at: "2025-07-05T10:00:00+08:00",
            time_zone: chrono::FixedOffset::east_opt(8 * 3600).expect("zone"),
            issuer,
            archive: None,
        }
    }

    #[test]
    fn a_receipt_is_what_rust_xlsxwriter_writes() {
        // A county sheet of every kind of value, merges, marks (on row 0, an empty cell,
        // a whole row), a hidden sheet without findings and one with; links from the
        // first sheet; notes; in both languages, with and without an issuer.
        let mut file = FileReport::empty(std::path::Path::new("县.xlsx"));
        file.diagnostics.0.extend([
            Diagnostic::at(Code::BigNotStarted, "项目明细", 3, 2),
            Diagnostic::at(Code::LedgerMissing, "项目明细", 4, 3),
            Diagnostic::at(Code::HoldMagnitude, "项目明细", 5, 0),
            Diagnostic::at(Code::HoldMagnitude, "项目明细", 0, 30),
            Diagnostic::at_row(Code::RowIgnored, "项目明细", 19),
            Diagnostic::at(Code::LedgerMissing, "隐藏'表", 1, 1),
        ]);
        let mut hidden = odd_sheet();
        hidden.name = "隐藏'表".into();
        hidden.visible = false;
        let mut quiet = odd_sheet();
        quiet.name = "说明".into();
        quiet.visible = false;
        let wb = RawWorkbook {
            sheets: vec![odd_sheet(), hidden, quiet],
            container: crate::read::Container::Xlsx,
        };
        for (lang, issuer) in [(Lang::Zh, "示范市招商投资促进局"), (Lang::En, "")] {
            let f = facts(&file, issuer);
            for sheets in [
                SourceSheets::Read(&wb),
                SourceSheets::Clean,
                SourceSheets::Unreadable,
            ] {
                let b = receipt_book(&f, sheets, "2025-07-05T02:00:00Z", lang).expect("book");
                assert_written_as_rust_xlsxwriter_would(&b);
            }
        }
        // Without findings, and a sheet of one cell.
        let clean = FileReport::empty(std::path::Path::new("县.xlsx"));
        let mut one = odd_sheet();
        one.cells.truncate(1);
        one.merges.clear();
        let wb = RawWorkbook {
            sheets: vec![one],
            container: crate::read::Container::Xlsx,
        };
        let f = facts(&clean, "局");
        let b = receipt_book(
            &f,
            SourceSheets::Read(&wb),
            "2025-07-05T02:00:00Z",
            Lang::Zh,
        )
        .expect("book");
        assert!(b.sheets[1].cells.len() == 1);
        assert_written_as_rust_xlsxwriter_would(&b);
        // Columns are measured without making each cell's text.
        let numbers = [
            0.0,
            -0.0,
            7.0,
            -7.0,
            10.0,
            99.0,
            -100.0,
            123_456.0,
            999_999_999_999_999.0,
        ]
        .into_iter()
        .chain([1e15, -1e15, 1e16, 0.5, -12.25, f64::MAX, f64::MIN_POSITIVE])
        .map(CellValue::Number);
        let values: Vec<CellValue> = odd_sheet().cells.into_iter().map(|c| c.value).collect();
        for v in values.into_iter().chain(numbers) {
            let made = shown(&v).split('\n').map(display_width).max();
            assert_eq!(shown_width(&v), made.unwrap_or(0), "{v:?}");
        }
    }

    #[test]
    fn the_samples_receipts_are_what_rust_xlsxwriter_writes() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let cfg = crate::config::Config::load(&root.join("samples/tongbao.toml")).expect("cfg");
        let period = Period::new(2025, 6);
        let mut files: Vec<std::path::PathBuf> = ["samples/flawed", "samples/returns/2025-06"]
            .iter()
            .flat_map(|d| std::fs::read_dir(root.join(d)).expect("samples"))
            .map(|e| e.expect("entry").path())
            .collect();
        files.sort();
        let mut compared = 0;
        for path in &files {
            let bytes = std::fs::read(path).expect("sample");
            let opts = crate::batch::BatchOptions {
                period,
                lang: Lang::Zh,
                keep_bytes: false,
            };
            let (report, workbook) = crate::batch::check_bytes_keeping(path, bytes, &cfg, &opts);
            let f = facts(&report, "示范市招商投资促进局");
            let sheets = match &workbook {
                Some(wb) if !report.diagnostics.0.is_empty() => SourceSheets::Read(wb),
                Some(_) => SourceSheets::Clean,
                None => SourceSheets::Unreadable,
            };
            let b = receipt_book(&f, sheets, "2025-07-05T02:00:00Z", Lang::Zh).expect("book");
            assert_written_as_rust_xlsxwriter_would(&b);
            compared += usize::from(matches!(sheets, SourceSheets::Read(_)));
        }
        // The flawed samples are answered with their sheets copied.
        assert!(compared >= 10, "{compared}");
    }

    #[test]
    fn overlapping_and_huge_merges_are_left_out() {
        use crate::read::Merge;
        let m = |first_row, first_col, last_row, last_col| Merge {
            first_row,
            first_col,
            last_row,
            last_col,
        };
        let mut s = sheet("x");
        s.merges = vec![
            m(0, 0, 0, 5),
            m(0, 3, 1, 4),
            m(2, 0, 2, 0),
            m(3, 0, 1_000_000, 16_000),
            m(5, 0, 6, 0),
        ];
        assert_eq!(merges_to_copy(&s), vec![(0, 0, 0, 5), (5, 0, 6, 0)]);
    }
}
