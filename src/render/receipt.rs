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
//! A copy's cells are not given to rust_xlsxwriter one by one: for each it hashed the
//! cell's whole `Format` to find its style and kept a shared-strings table, most of a
//! receipt's time. rust_xlsxwriter writes each copy's frame (name, columns, merged regions,
//! row heights, notes, page setup) with the copies' formats registered first, so their
//! indices in the file's styles are known; the cells are then written into the saved
//! sheet as rust_xlsxwriter writes rows, text as inline strings
//! ([`crate::render::xlsx::sheet_xml`]). The unit test
//! `a_copy_written_into_the_saved_sheet_is_what_rust_xlsxwriter_writes` compares the two
//! ways on a sheet of every kind of cell.
//!
//! This module only turns facts into bytes. Where receipts go, how they are named and how a
//! return's cells are re-read is [`crate::intake::receipts`]. The bytes depend only on the
//! facts: the workbook's creation time is the time of receipt (which honours
//! `SOURCE_DATE_EPOCH`), so the same file received at the same time gives the same receipt.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, FormatUnderline, Note,
    Url, Workbook, Worksheet, XlsxError,
};

use crate::batch::FileReport;
use crate::diag::{Diagnostic, Severity};
use crate::lang::Lang;
use crate::messages::{self, receipt_text, ReceiptText as T};
use crate::model::{a1, Period, Verdict};
use crate::read::{CellValue, RawCell, RawSheet, RawWorkbook};
use crate::render::xlsx::display_width;
use crate::render::xlsx::sheet_xml;
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

/// Why a receipt could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReceiptError {
    #[error("生成回执失败：{}", crate::render::xlsx::xlsx_problem(.0, crate::lang::Lang::Zh))]
    Xlsx(#[from] XlsxError),
}

impl ReceiptError {
    /// The error in the reader's language.
    pub fn message(&self, lang: crate::lang::Lang) -> String {
        match (self, lang) {
            (_, crate::lang::Lang::Zh) => self.to_string(),
            (ReceiptError::Xlsx(e), crate::lang::Lang::En) => {
                format!(
                    "cannot make the receipt: {}",
                    crate::render::xlsx::xlsx_problem(e, crate::lang::Lang::En)
                )
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
    let mut wb = Workbook::new();
    wb.set_properties(&properties(facts, lang)?);
    let front_name = receipt_text(T::SheetName, lang).to_string();
    let raw: &[RawSheet] = match sheets {
        SourceSheets::Read(w) => &w.sheets,
        _ => &[],
    };
    let names = sheet_names(&front_name, raw);
    let diags = facts.file.diagnostics.sorted();
    // The copies' formats first, so that their indices in the file's styles are known
    // when their cells are written into the saved sheets (`copy_xml`).
    let formats = CellFormats::new();
    formats.register(&mut wb);
    write_front(
        &mut wb,
        &front_name,
        facts,
        sheets,
        raw,
        &names,
        &diags,
        lang,
    )?;
    let mut copies = Vec::with_capacity(raw.len());
    for (sheet, name) in raw.iter().zip(&names) {
        copies.push(write_copy(
            &mut wb, sheet, name, facts, &diags, &formats, lang,
        )?);
    }
    // Deflating is the largest part of a receipt's time. Level 1 makes the province's 183
    // receipts 5.2 MB instead of 4.1 at level 3 (28 KB a receipt) for a tenth less of
    // `check`'s CPU time with receipts (BENCHMARKS.md, issue 13).
    const LEVEL: u8 = 1;
    wb.set_zip_compression_level(LEVEL);
    let saved = wb.save_to_buffer()?;
    // The copies' cells, written into the saved sheets: the front sheet is the package's
    // sheet 1, the copies follow in order.
    let mut parts = Vec::with_capacity(copies.len());
    for (i, copied) in copies
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.cells.is_empty())
    {
        let name = format!("xl/worksheets/sheet{}.xml", i + 2);
        let frame = sheet_xml::read_part(&saved, &name)?;
        parts.push((name, copy_xml(&frame, copied, &formats)?));
    }
    if parts.is_empty() {
        return Ok(saved);
    }
    Ok(sheet_xml::replace_parts(
        &saved,
        &parts,
        Some(i64::from(LEVEL)),
    )?)
}

/// Document properties with the time of receipt as the creation time, so that no clock
/// reading other than the one the caller chose reaches the file.
fn properties(facts: &ReceiptFacts, lang: Lang) -> Result<DocProperties, ReceiptError> {
    let created = chrono::DateTime::parse_from_rfc3339(facts.received_at)
        .ok()
        .and_then(|t| ExcelDateTime::from_timestamp(t.timestamp()).ok())
        .map_or_else(|| ExcelDateTime::from_ymd(2000, 1, 1), Ok)?;
    let mut props = DocProperties::new()
        .set_title(receipt_text(T::Title, lang))
        .set_comment("由 tongbao 生成")
        .set_creation_datetime(&created);
    if !facts.issuer.is_empty() {
        props = props.set_author(facts.issuer).set_company(facts.issuer);
    }
    Ok(props)
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
/// A4 in Excel's paper codes.
const A4: u8 = 9;

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
    let usable = (width - 1.5).max(1.0);
    text.split('\n')
        .map(|line| ((display_width(line) as f64 * 1.05 / usable).ceil() as usize).max(1))
        .sum()
}

/// The column width (Excel's units) that shows text `w` units wide on one line, by the
/// same measure as [`lines_needed`].
fn fitted(w: usize) -> f64 {
    (w as f64 * 1.05).ceil() + 2.0
}

fn row_height(lines: usize) -> f64 {
    (lines as f64 * LINE_HEIGHT + 4.0).clamp(ROW_HEIGHT, MAX_ROW_HEIGHT)
}

/// A4 landscape, one page wide, page numbers in the footer.
fn page_setup(ws: &mut Worksheet, lang: Lang) {
    ws.set_paper_size(A4);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
    ws.set_footer(receipt_text(T::Footer, lang));
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

struct FrontFormats {
    title: Format,
    subtitle: Format,
    label: Format,
    value: Format,
    accepted: Format,
    held: Format,
    rejected: Format,
    guide: Format,
    header: Format,
    center: Format,
    text: Format,
    link: Format,
    severity: [Format; 4],
}

impl FrontFormats {
    fn new() -> FrontFormats {
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
        FrontFormats {
            title: base()
                .set_font_size(16)
                .set_bold()
                .set_align(FormatAlign::Center),
            subtitle: base().set_font_size(12).set_align(FormatAlign::Center),
            label: boxed()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(SHADE_HEADER)),
            value: boxed().set_align(FormatAlign::Left).set_text_wrap(),
            accepted: boxed()
                .set_bold()
                .set_align(FormatAlign::Left)
                .set_background_color(Color::RGB(ACCEPTED_FILL))
                .set_font_color(Color::RGB(ACCEPTED_FONT)),
            held: boxed()
                .set_bold()
                .set_align(FormatAlign::Left)
                .set_text_wrap()
                .set_background_color(Color::RGB(HOLD_FILL))
                .set_font_color(Color::RGB(HOLD_FONT)),
            rejected: boxed()
                .set_bold()
                .set_align(FormatAlign::Left)
                .set_background_color(Color::RGB(ERROR_FILL))
                .set_font_color(Color::RGB(ERROR_FONT)),
            guide: base().set_align(FormatAlign::Left).set_text_wrap(),
            header: boxed()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_text_wrap()
                .set_background_color(Color::RGB(SHADE_HEADER)),
            center: boxed().set_align(FormatAlign::Center).set_text_wrap(),
            text: boxed().set_align(FormatAlign::Left).set_text_wrap(),
            link: boxed()
                .set_align(FormatAlign::Center)
                .set_font_color(Color::RGB(0x0563C1))
                .set_underline(FormatUnderline::Single),
            severity: [
                sev(Severity::Info),
                sev(Severity::Warning),
                sev(Severity::Hold),
                sev(Severity::Error),
            ],
        }
    }

    fn severity(&self, s: Severity) -> &Format {
        match s {
            Severity::Info => &self.severity[0],
            Severity::Warning => &self.severity[1],
            Severity::Hold => &self.severity[2],
            Severity::Error => &self.severity[3],
        }
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

#[allow(clippy::too_many_arguments)]
fn write_front(
    wb: &mut Workbook,
    name: &str,
    facts: &ReceiptFacts,
    sheets: SourceSheets,
    raw: &[RawSheet],
    names: &[String],
    diags: &[&Diagnostic],
    lang: Lang,
) -> Result<(), XlsxError> {
    let f = FrontFormats::new();
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

    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    ws.set_default_row_height(ROW_HEIGHT);
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    page_setup(ws, lang);

    let mut r: u32 = 0;
    ws.merge_range(r, 0, r, LAST, receipt_text(T::Title, lang), &f.title)?;
    ws.set_row_height(r, 30)?;
    r += 1;
    if !facts.issuer.is_empty() {
        ws.merge_range(r, 0, r, LAST, facts.issuer, &f.subtitle)?;
        ws.set_row_height(r, 20)?;
        r += 1;
    }
    r += 1;
    for (label, value, verdict) in &facts_rows {
        ws.merge_range(r, 0, r, 1, label, &f.label)?;
        let fmt = match verdict {
            Some(Verdict::Accepted) => &f.accepted,
            Some(Verdict::Held) => &f.held,
            Some(Verdict::Rejected) => &f.rejected,
            None => &f.value,
        };
        ws.merge_range(r, 2, r, LAST, &cell_text(value), fmt)?;
        ws.set_row_height(r, row_height(lines_needed(value, value_width)))?;
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
    ws.merge_range(r, 0, r, LAST, &guide, &f.guide)?;
    ws.set_row_height(r, row_height(lines_needed(&guide, full)))?;
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
    for (c, k) in headings.iter().enumerate() {
        ws.write_string_with_format(r, c as u16, receipt_text(*k, lang), &f.header)?;
    }
    ws.set_row_height(r, ROW_HEIGHT + 4.0)?;
    ws.set_freeze_panes(header_row + 1, 0)?;
    ws.set_repeat_rows(header_row, header_row)?;
    r += 1;

    if rows.is_empty() {
        ws.merge_range(r, 0, r, LAST, receipt_text(T::NoFindings, lang), &f.text)?;
        return Ok(());
    }
    for (i, row) in rows.iter().enumerate() {
        ws.write_number_with_format(r, 0, (i + 1) as f64, &f.center)?;
        ws.write_string_with_format(
            r,
            1,
            severity_word(row.severity, lang),
            f.severity(row.severity),
        )?;
        ws.write_string_with_format(r, 2, &*cell_text(&row.sheet), &f.center)?;
        match &row.link {
            Some((sheet, lr, lc)) if i < MAX_LINKS => {
                let url = Url::new(format!(
                    "internal:'{}'!{}",
                    sheet.replace('\'', "''"),
                    a1(*lr, *lc)
                ))
                .set_text(&row.place);
                ws.write_url_with_format(r, 3, url, &f.link)?;
            }
            _ => {
                ws.write_string_with_format(r, 3, &row.place, &f.center)?;
            }
        }
        ws.write_string_with_format(r, 4, &*cell_text(&row.value), &f.text)?;
        ws.write_string_with_format(r, 5, &*cell_text(&row.problem), &f.text)?;
        ws.write_string_with_format(r, 6, &*cell_text(&row.fix), &f.text)?;
        ws.write_string_with_format(r, 7, row.code, &f.center)?;
        let lines = [
            lines_needed(&row.sheet, widths[2]),
            lines_needed(&row.value, widths[4]),
            lines_needed(&row.problem, widths[5]),
            lines_needed(&row.fix, widths[6]),
        ]
        .into_iter()
        .max()
        .unwrap_or(1);
        ws.set_row_height(r, row_height(lines))?;
        r += 1;
    }
    Ok(())
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

/// Every format of the reproduced sheets, built once: by kind, mark (none, note, warning,
/// error) and whether the cell anchors a merged region (centred).
/// The copies' formats, by kind, mark and whether merged ([`CellFormats::slot`]), and
/// the index each has in the file's styles once [`CellFormats::register`] has run.
struct CellFormats {
    formats: Vec<Format>,
    xf: Vec<u32>,
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

impl CellFormats {
    fn new() -> CellFormats {
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
        // rust_xlsxwriter numbers formats from 1 (0 is its default) in the order it first
        // meets them, an equal format taking the index of the first.
        let mut firsts: Vec<&Format> = Vec::new();
        let xf = all
            .iter()
            .map(|f| {
                let at = firsts.iter().position(|g| *g == f).unwrap_or_else(|| {
                    firsts.push(f);
                    firsts.len() - 1
                });
                u32::try_from(at + 1).unwrap_or(0)
            })
            .collect();
        CellFormats { formats: all, xf }
    }

    /// Gives the workbook every format before anything else meets one, so that each has
    /// the index [`CellFormats::xf`] says.
    fn register(&self, wb: &mut Workbook) {
        for f in &self.formats {
            wb.register_format(f);
        }
    }

    fn slot(kind: Kind, mark: Option<Severity>, merged: bool) -> usize {
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

    fn get(&self, kind: Kind, mark: Option<Severity>, merged: bool) -> &Format {
        &self.formats[CellFormats::slot(kind, mark, merged)]
    }
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

/// Writes a county sheet's copy as far as rust_xlsxwriter writes it (its frame: name,
/// columns, merged regions, row heights, notes, page setup) and returns its cells, which
/// [`copy_xml`] writes into the saved sheet.
fn write_copy<'s>(
    wb: &mut Workbook,
    sheet: &'s RawSheet,
    name: &str,
    facts: &ReceiptFacts,
    diags: &[&Diagnostic],
    formats: &CellFormats,
    lang: Lang,
) -> Result<Copied<'s>, XlsxError> {
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
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    ws.set_default_row_height(ROW_HEIGHT);
    ws.set_default_note_author(if facts.issuer.is_empty() {
        "tongbao"
    } else {
        facts.issuer
    });
    page_setup(ws, lang);
    ws.set_print_gridlines(true);
    let worst = worst_on(sheet, diags);
    if let Some(s) = worst {
        ws.set_tab_color(Color::RGB(severity_colors(s).1));
    }
    if !sheet.visible && worst.is_none() {
        ws.set_hidden(true);
    }

    // Column widths from the content. A merged anchor's text spreads over its region and a
    // line alone in its row runs on over its empty neighbours, so neither widens a column.
    let mut widths: BTreeMap<u32, f64> = BTreeMap::new();
    let in_copy = |c: &RawCell| c.row <= LAST_ROW && c.col <= LAST_COL && copied(c.row);
    for (at, c) in sheet.cells.iter().enumerate().filter(|(_, c)| in_copy(c)) {
        if anchors.get(&(c.row, c.col)).is_some_and(|&span| span > 1) || is_line(&sheet.cells, at) {
            continue;
        }
        let w = shown_width(&c.value);
        let slot = widths.entry(c.col).or_insert(COPY_MIN_WIDTH);
        *slot = slot.max(fitted(w).min(COPY_MAX_WIDTH));
    }
    for (&c, &w) in &widths {
        ws.set_column_width(c as u16, w)?;
    }
    let width_of = |col: u32| widths.get(&col).copied().unwrap_or(8.43);

    for &(r1, c1, r2, c2) in &merges {
        let mark = marks.get(&(r1, c1)).and_then(|m| m.severity);
        ws.merge_range(
            r1,
            c1 as u16,
            r2,
            c2 as u16,
            "",
            formats.get(Kind::Blank, mark, true),
        )?;
    }

    // The cells, in the order rust_xlsxwriter would have had them written (a later one at
    // the same place replaces an earlier): each merged region's blanks, the county's
    // values, then the marked cells the county left empty.
    let mut cells: Vec<Placed<'s>> = Vec::with_capacity(sheet.cells.len() + marks.len());
    for &(r1, c1, r2, c2) in &merges {
        let mark = marks.get(&(r1, c1)).and_then(|m| m.severity);
        let slot = CellFormats::slot(Kind::Blank, mark, true);
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
            slot: CellFormats::slot(kind, mark, merged),
            value,
        };
        cells.push(match &cell.value {
            CellValue::Text(s) | CellValue::Error(s) if is_line(&sheet.cells, at) => {
                place(Kind::Line, Value::text(cell_text(s)))
            }
            // A formula without its result is shown as its text, `=150+50`: the copy
            // holds what the county's file holds, and no result was saved.
            CellValue::Text(s) | CellValue::Error(s) | CellValue::Uncalculated(s) => {
                let s = cell_text(s);
                if !merged {
                    let lines = lines_needed(&s, width_of(cell.col));
                    let slot = lines_by_row.entry(cell.row).or_insert(1);
                    *slot = (*slot).max(lines);
                }
                place(Kind::Text, Value::text(s))
            }
            CellValue::Number(n) if n.is_finite() => place(Kind::Number, Value::Number(*n)),
            CellValue::Number(n) => place(Kind::Text, Value::text(Cow::Owned(n.to_string()))),
            CellValue::DateTime(dt) => match excel_serial(dt) {
                Some(serial) if dt.time() == chrono::NaiveTime::MIN => {
                    place(Kind::Date, Value::Number(serial))
                }
                Some(serial) => place(Kind::DateTime, Value::Number(serial)),
                None => place(Kind::Text, Value::text(Cow::Owned(shown(&cell.value)))),
            },
            CellValue::Bool(b) => place(Kind::Bool, Value::Bool(*b)),
        });
    }
    let mut heights = BTreeMap::new();
    for (&row, &lines) in lines_by_row.iter().filter(|(_, &l)| l > 1) {
        // Set on the frame too: the notes' boxes are placed by the rows' heights.
        ws.set_row_height(row, row_height(lines))?;
        heights.insert(row, row_height(lines));
    }

    // Marked cells the county left empty (a required value missing) are filled too.
    for (&(r, c), m) in &marks {
        if sheet.get(r, c).is_none() {
            let merged = anchors.contains_key(&(r, c));
            cells.push(Placed::blank(
                r,
                c,
                CellFormats::slot(Kind::Blank, m.severity, merged),
            ));
        }
        if !m.notes.is_empty() {
            let text = m.notes.join("\n\n");
            let lines = lines_needed(&text, 44.0);
            let note = Note::new(text)
                .add_author_prefix(false)
                .set_font_name(FONT)
                .set_font_size(10)
                .set_width(320)
                .set_height(u32::try_from(lines * 16 + 12).unwrap_or(400).min(400));
            ws.insert_note(r, c as u16, &note)?;
        }
    }

    // Keep the ledger's header in view while scrolling its rows.
    if let Some(ledger) = facts.file.parsed.as_ref().and_then(|p| p.ledger.as_ref()) {
        if ledger.sheet == sheet.name && ledger.header.last_row < 30 {
            ws.set_freeze_panes(ledger.header.last_row + 1, 0)?;
        }
    }
    // In (row, column) order, the last written at each place kept.
    cells.sort_by_key(|c| (c.row, c.col));
    let mut kept: Vec<Placed<'s>> = Vec::with_capacity(cells.len());
    for c in cells {
        match kept.last_mut() {
            Some(last) if (last.row, last.col) == (c.row, c.col) => *last = c,
            _ => kept.push(c),
        }
    }
    Ok(Copied {
        cells: kept,
        heights,
    })
}

/// A county sheet's copy: its cells and the rows whose height is not the default.
struct Copied<'s> {
    cells: Vec<Placed<'s>>,
    heights: BTreeMap<u32, f64>,
}

/// One cell of a copy: where, its format ([`CellFormats::slot`]) and what it holds.
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

/// What a copied cell holds, as rust_xlsxwriter stores it.
enum Value<'s> {
    Number(f64),
    Text(Cow<'s, str>),
    Bool(bool),
    Blank,
}

impl<'s> Value<'s> {
    /// Text, or a blank for none (rust_xlsxwriter writes an empty string as a blank).
    fn text(s: Cow<'s, str>) -> Value<'s> {
        if s.is_empty() {
            Value::Blank
        } else {
            Value::Text(s)
        }
    }
}

/// The copy's sheet: the frame rust_xlsxwriter wrote (`frame`, whose cells are only the
/// merged regions' blanks) with its dimension and cells replaced by the copy's, written
/// as rust_xlsxwriter writes a sheet's rows: each row's `spans` (the columns used in its
/// block of 16 rows) and height, each cell's style index, text as inline strings.
fn copy_xml(frame: &str, copied: &Copied, formats: &CellFormats) -> Result<Vec<u8>, XlsxError> {
    let internal = |what: &str| XlsxError::CustomError(format!("receipt copy: {what}"));
    let (dim_at, dim_end) =
        sheet_xml::dimension_span(frame).ok_or_else(|| internal("no dimension"))?;
    let (data_at, data_end) =
        sheet_xml::sheet_data_span(frame).ok_or_else(|| internal("no sheetData"))?;
    if data_at < dim_end {
        return Err(internal("sheetData before the dimension"));
    }
    let cells = &copied.cells;
    let (Some(first), Some(last)) = (cells.first(), cells.last()) else {
        return Ok(frame.as_bytes().to_vec());
    };
    let (first_col, last_col) = cells
        .iter()
        .fold((u32::MAX, 0), |(lo, hi), c| (lo.min(c.col), hi.max(c.col)));
    let col = |c: u32| u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError);

    let mut w: Vec<u8> = Vec::with_capacity(frame.len() + cells.len() * 56);
    w.extend_from_slice(&frame.as_bytes()[..dim_at]);
    w.extend_from_slice(b"<dimension ref=\"");
    sheet_xml::push_column_name(&mut w, col(first_col)?);
    w.extend_from_slice(itoa::Buffer::new().format(first.row + 1).as_bytes());
    if (first.row, first_col) != (last.row, last_col) {
        w.push(b':');
        sheet_xml::push_column_name(&mut w, col(last_col)?);
        w.extend_from_slice(itoa::Buffer::new().format(last.row + 1).as_bytes());
    }
    w.extend_from_slice(b"\"/>");
    w.extend_from_slice(&frame.as_bytes()[dim_end..data_at]);
    w.extend_from_slice(b"<sheetData>");

    // The columns used in each block of 16 rows, one-based, as "first:last".
    let mut spans: BTreeMap<u32, (u32, u32)> = BTreeMap::new();
    for c in cells {
        let span = spans.entry(c.row / 16).or_insert((c.col, c.col));
        *span = (span.0.min(c.col), span.1.max(c.col));
    }
    let height = |row: u32| {
        // rust_xlsxwriter keeps a height in whole pixels and writes it in points.
        let points = copied.heights.get(&row).copied().unwrap_or(ROW_HEIGHT);
        (points * 4.0 / 3.0).round() * 0.75
    };
    let mut digits = itoa::Buffer::new();
    let mut row_digits = itoa::Buffer::new();
    let mut open: Option<u32> = None;
    for c in cells {
        if open != Some(c.row) {
            if open.is_some() {
                w.extend_from_slice(b"</row>");
            }
            open = Some(c.row);
            let (lo, hi) = spans.get(&(c.row / 16)).copied().unwrap_or((c.col, c.col));
            let _ = write!(
                w,
                "<row r=\"{}\" spans=\"{}:{}\" ht=\"{}\" customHeight=\"1\">",
                c.row + 1,
                lo + 1,
                hi + 1,
                height(c.row)
            );
        }
        let xf = formats.xf[c.slot];
        let r = row_digits.format(c.row + 1);
        w.extend_from_slice(b"<c r=\"");
        sheet_xml::push_column_name(&mut w, col(c.col)?);
        w.extend_from_slice(r.as_bytes());
        w.push(b'"');
        if xf > 0 {
            w.extend_from_slice(b" s=\"");
            w.extend_from_slice(digits.format(xf).as_bytes());
            w.push(b'"');
        }
        match &c.value {
            Value::Number(n) => {
                w.extend_from_slice(b"><v>");
                sheet_xml::push_number(&mut w, *n);
                w.extend_from_slice(b"</v></c>");
            }
            Value::Bool(b) => {
                w.extend_from_slice(if *b {
                    b" t=\"b\"><v>1</v></c>"
                } else {
                    b" t=\"b\"><v>0</v></c>"
                });
            }
            Value::Blank => w.extend_from_slice(b"/>"),
            Value::Text(s) => sheet_xml::push_inline_text(&mut w, s),
        }
    }
    w.extend_from_slice(b"</row></sheetData>");
    w.extend_from_slice(&frame.as_bytes()[data_end..]);
    Ok(w)
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

    /// The copy's sheet XML written into the saved frame, and the same cells written
    /// through rust_xlsxwriter, its shared strings put back inline.
    fn copy_both_ways(sheet: &RawSheet, diags: &[&Diagnostic]) -> (String, String) {
        let file = FileReport::empty(std::path::Path::new("县.xlsx"));
        let facts = ReceiptFacts {
            file: &file,
            batch_period: None,
            received_at: "2025-07-05T10:00:00+08:00",
            time_zone: chrono::FixedOffset::east_opt(8 * 3600).expect("zone"),
            issuer: "",
            archive: None,
        };
        let formats = CellFormats::new();
        let sheet_of = |saved: &[u8], part: &str| sheet_xml::read_part(saved, part).expect("part");

        // A workbook with the formats registered and the copy's frame written.
        let framed = || {
            let mut wb = Workbook::new();
            formats.register(&mut wb);
            let copied = write_copy(
                &mut wb,
                sheet,
                "项目明细",
                &facts,
                diags,
                &formats,
                Lang::Zh,
            )
            .expect("frame");
            (wb, copied)
        };

        let (mut wb, copied) = framed();
        let saved = wb.save_to_buffer().expect("saved");
        let frame = sheet_of(&saved, "xl/worksheets/sheet1.xml");
        let spliced = copy_xml(&frame, &copied, &formats).expect("copy");

        let (mut wb, copied) = framed();
        let ws = wb.worksheet_from_index(0).expect("sheet");
        for c in &copied.cells {
            let (r, col, f) = (c.row, c.col as u16, &formats.formats[c.slot]);
            match &c.value {
                Value::Number(n) => ws.write_number_with_format(r, col, *n, f),
                Value::Text(s) => ws.write_string_with_format(r, col, s.as_ref(), f),
                Value::Bool(b) => ws.write_boolean_with_format(r, col, *b, f),
                Value::Blank => ws.write_blank(r, col, f),
            }
            .expect("cell");
        }
        let saved = wb.save_to_buffer().expect("saved");
        let mut reference = sheet_of(&saved, "xl/worksheets/sheet1.xml");
        // Shared strings back inline: `t="s"><v>N</v>` → `t="inlineStr"><is><t…>…</t></is>`.
        let table = sheet_of(&saved, "xl/sharedStrings.xml");
        let strings: Vec<&str> = table
            .split("<si>")
            .skip(1)
            .map(|si| si.split("</si>").next().expect("si"))
            .collect();
        while let Some(at) = reference.find(" t=\"s\"><v>") {
            let from = at + " t=\"s\"><v>".len();
            let to = from + reference[from..].find("</v>").expect("v");
            let n: usize = reference[from..to].parse().expect("index");
            let inline = format!(" t=\"inlineStr\"><is>{}</is>", strings[n]);
            reference.replace_range(at..to + "</v>".len(), &inline);
        }
        (String::from_utf8(spliced).expect("utf-8"), reference)
    }

    #[test]
    fn a_copy_written_into_the_saved_sheet_is_what_rust_xlsxwriter_writes() {
        let sheet = odd_sheet();
        let findings = [
            Diagnostic::at(Code::BigNotStarted, "项目明细", 3, 2),
            Diagnostic::at(Code::LedgerMissing, "项目明细", 4, 3),
            Diagnostic::at(Code::HoldMagnitude, "项目明细", 5, 0),
            Diagnostic::at_row(Code::RowIgnored, "项目明细", 19),
        ];
        let diags: Vec<&Diagnostic> = findings.iter().collect();
        let (spliced, reference) = copy_both_ways(&sheet, &diags);
        assert!(spliced.contains("t=\"inlineStr\""), "{spliced}");
        assert!(
            spliced.contains("<dimension ref=\"A1:AE41\"/>"),
            "{spliced}"
        );
        assert_eq!(spliced, reference);
        // Without findings, and a sheet of one cell.
        let (spliced, reference) = copy_both_ways(&sheet, &[]);
        assert_eq!(spliced, reference);
        // Columns are measured without making each cell's text.
        for c in &sheet.cells {
            let made = shown(&c.value).split('\n').map(display_width).max();
            assert_eq!(shown_width(&c.value), made.unwrap_or(0), "{:?}", c.value);
        }
        let mut one = sheet.clone();
        one.cells.truncate(1);
        one.merges.clear();
        let (spliced, reference) = copy_both_ways(&one, &[]);
        assert!(spliced.contains("<dimension ref=\"A1\"/>"), "{spliced}");
        assert_eq!(spliced, reference);
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
