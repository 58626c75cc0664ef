//! A sheet laid out as rows of typed cells, and how such a grid is written: formats,
//! column widths measured from the content (a CJK character is two units wide), row
//! heights for wrapped text, frozen and repeated header rows, and the page setup every
//! sheet shares (A4 landscape, one page wide, title in the page header, page numbers in
//! the footer).

use rust_xlsxwriter::{
    Chart, Color, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use crate::config::Config;

/// What a cell shows. Amounts stay in the unit the bulletin holds them in (万元, 万美元)
/// until they are written.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Cell {
    /// Nothing, but the cell keeps the table's border.
    Blank,
    /// Nothing at all: a gap between two tables side by side.
    Gap,
    /// Text, left-aligned, wrapped when long. Always written as a string.
    Text(String),
    /// A short label, centred (status, 口径, names of rows).
    Label(String),
    /// A caption merged across this many columns from its own: the title of one of
    /// several small tables side by side.
    Span(String, u16),
    /// A rank or sequence number, centred.
    Ordinal(i64),
    /// An RMB amount in 万元, shown in 亿元 with two decimals.
    Yi(f64),
    /// A foreign-capital amount in 万美元, two decimals.
    Usd(f64),
    /// An amount kept in its own unit (万元, 万美元), two decimals: for tables a
    /// statistician sums again.
    Amount(f64),
    /// A date cell (a real date, shown yyyy-mm-dd).
    Date(chrono::NaiveDate),
    /// A whole number.
    Count(i64),
    /// A percentage already in percent (63.2 means 63.2%), one decimal; null shows "—".
    Pct(Option<f64>),
    /// A score, two decimals; null shows "—".
    Score(Option<f64>),
    /// A value that cannot be given: "—".
    Dash,
    /// A figure nobody stated (no return, or a return without its column): "未报",
    /// never 0.
    Unreported,
}

/// The text shown for a missing value.
pub(super) const DASH: &str = "—";

/// The text shown for a figure nobody stated: the one word the bulletin and `explain` use.
pub(super) fn unreported() -> &'static str {
    crate::messages::explain_text(
        crate::messages::ExplainText::Unstated,
        crate::lang::Lang::Zh,
    )
}

impl Cell {
    /// The text a cell shows, for measuring it.
    pub(super) fn shown(&self) -> String {
        match self {
            Cell::Blank | Cell::Gap => String::new(),
            // Cut where a cell cannot hold it (a text archived before E-TEXT-TOO-LONG, a
            // project's former names joined): the workbook is written all the same.
            Cell::Text(s) | Cell::Label(s) | Cell::Span(s, _) => {
                crate::text::cell_text(s).into_owned()
            }
            Cell::Ordinal(n) => n.to_string(),
            Cell::Yi(wan) => format!("{:.2}", wan / 10_000.0),
            Cell::Usd(v) | Cell::Amount(v) => format!("{v:.2}"),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
            Cell::Count(n) => n.to_string(),
            Cell::Pct(Some(p)) => format!("{p:.1}"),
            Cell::Score(Some(s)) => format!("{s:.2}"),
            Cell::Pct(None) | Cell::Score(None) | Cell::Dash => DASH.to_string(),
            Cell::Unreported => unreported().to_string(),
        }
    }

    /// The cell's style, which picks its format.
    pub(super) fn style(&self) -> Style {
        match self {
            Cell::Text(_) => Style::Text,
            Cell::Span(..) => Style::Text,
            Cell::Ordinal(_) => Style::CenterInt,
            Cell::Blank
            | Cell::Gap
            | Cell::Label(_)
            | Cell::Dash
            | Cell::Unreported
            | Cell::Pct(None)
            | Cell::Score(None) => Style::Center,
            Cell::Yi(_) | Cell::Usd(_) | Cell::Amount(_) | Cell::Score(Some(_)) => Style::Dec2,
            Cell::Date(_) => Style::Date,
            Cell::Count(_) => Style::Int,
            Cell::Pct(Some(_)) => Style::Dec1,
        }
    }
}

/// What a row is, which decides its look and whether its cells are merged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RowKind {
    /// Column titles: bold, centred, wrapped, shaded.
    Header,
    /// A table row.
    Body,
    /// A sum row: bold on a light shade.
    Total,
    /// A section caption (（一）按产业类别): one bold cell across the table.
    Caption,
    /// A remark (注：…): one wrapped cell across the table, no border.
    Note,
    /// An empty row between sections.
    Space,
}

/// One row of a grid.
#[derive(Debug, Clone)]
pub(super) struct Row {
    pub kind: RowKind,
    /// From the first column; a row may be shorter than the table.
    pub cells: Vec<Cell>,
}

impl Row {
    /// A header row of fixed titles.
    pub(super) fn header(titles: &[&str]) -> Row {
        Row {
            kind: RowKind::Header,
            cells: titles
                .iter()
                .map(|t| Cell::Label((*t).to_string()))
                .collect(),
        }
    }

    /// A header row of computed titles.
    pub(super) fn header_owned(titles: Vec<String>) -> Row {
        Row {
            kind: RowKind::Header,
            cells: titles.into_iter().map(Cell::Label).collect(),
        }
    }

    /// A header row of cells, for tables side by side (with gaps between).
    pub(super) fn header_cells(cells: Vec<Cell>) -> Row {
        Row {
            kind: RowKind::Header,
            cells,
        }
    }

    /// A table row.
    pub(super) fn body(cells: Vec<Cell>) -> Row {
        Row {
            kind: RowKind::Body,
            cells,
        }
    }

    /// A sum row.
    pub(super) fn total(cells: Vec<Cell>) -> Row {
        Row {
            kind: RowKind::Total,
            cells,
        }
    }

    /// A section caption across the table.
    pub(super) fn caption(text: impl Into<String>) -> Row {
        Row {
            kind: RowKind::Caption,
            cells: vec![Cell::Text(text.into())],
        }
    }

    /// A remark across the table.
    pub(super) fn note(text: impl Into<String>) -> Row {
        Row {
            kind: RowKind::Note,
            cells: vec![Cell::Text(text.into())],
        }
    }

    /// An empty row.
    pub(super) fn space() -> Row {
        Row {
            kind: RowKind::Space,
            cells: vec![],
        }
    }
}

/// A native chart placed at a cell.
pub(super) struct PlacedChart {
    pub row: u32,
    pub col: u16,
    pub chart: Chart,
}

/// A sheet laid out: its tab name, the title printed in its first row and in the page
/// header, and its rows (the first of which is sheet row 2, below the title).
pub(super) struct Grid<'a> {
    pub name: String,
    pub title: String,
    pub rows: Vec<Row>,
    /// Index in `rows` of the header row to freeze and repeat on every printed page; `None`
    /// freezes only the title row (for sheets of several small tables).
    pub header: Option<usize>,
    /// Columns to keep in view when scrolling right (unit names).
    pub freeze_cols: u16,
    /// Whether to put a filter on the header row.
    pub filter: bool,
    /// Header titles wrap beyond this many width units; narrow it for wide tables.
    pub header_wrap: usize,
    pub charts: Vec<PlacedChart>,
    /// Sheet rows that start a new printed page.
    pub page_breaks: Vec<u32>,
    /// How many pages wide the sheet is printed: 1, or more for a table too wide to be
    /// read on one page (each page then repeats the first `repeat_cols` columns).
    pub pages_wide: u16,
    /// Columns from the first to this one are printed on every page (unit names).
    pub repeat_cols: Option<u16>,
    /// Titles, captions and notes are merged across at most this many columns (on a table
    /// printed several pages wide, so that a note is read on one page).
    pub note_cols: Option<u16>,
    /// A long list (项目总表: every project of the month): written row by row in
    /// rust_xlsxwriter's constant-memory mode (strings inline, rows streamed to a temporary
    /// file instead of held), widths measured on its first rows, no row heights for
    /// wrapped text. A national month is 600,000 rows.
    pub long_list: bool,
    /// Body rows after `rows`, made one at a time as they are written and dropped (a long
    /// list's: a national month's would be 15 million cells held at once): how many, and
    /// the `i`th.
    pub tail: Option<(usize, RowMaker<'a>)>,
}

/// Makes a long list's `i`th row.
pub(super) type RowMaker<'a> = Box<dyn Fn(usize) -> Row + Send + Sync + 'a>;

/// How many body rows of a long list its column widths are measured on.
const LONG_LIST_WIDTH_SAMPLE: usize = 2_000;

impl<'a> Grid<'a> {
    pub(super) fn new(name: impl Into<String>, title: impl Into<String>) -> Grid<'a> {
        Grid {
            name: name.into(),
            title: title.into(),
            rows: vec![],
            header: None,
            freeze_cols: 0,
            filter: false,
            header_wrap: HEADER_WRAP,
            charts: vec![],
            page_breaks: vec![],
            pages_wide: 1,
            repeat_cols: None,
            note_cols: None,
            long_list: false,
            tail: None,
        }
    }

    /// Appends the header row that is frozen and repeated.
    pub(super) fn main_header(&mut self, row: Row) {
        self.header = Some(self.rows.len());
        self.rows.push(row);
    }

    /// The sheet row (zero-based) that `rows[i]` is written to.
    pub(super) fn sheet_row(i: usize) -> u32 {
        u32::try_from(i + 1).unwrap_or(u32::MAX)
    }

    /// The sheet row the next pushed row will be written to.
    pub(super) fn next_sheet_row(&self) -> u32 {
        Grid::sheet_row(self.rows.len())
    }

    fn columns(&self) -> usize {
        let tail = self
            .tail
            .as_ref()
            .filter(|(n, _)| *n > 0)
            .map(|(_, row)| row(0).cells.len());
        self.rows
            .iter()
            .map(|r| r.cells.len())
            .chain(tail)
            .max()
            .unwrap_or(0)
            .max(1)
    }

    /// Column widths in Excel's units (the width of "0"), measured from the content.
    /// Headers and long text wrap, so they count only up to a cap; merged cells (captions,
    /// notes) do not count at all. A column with nothing in it is a narrow gap.
    fn widths(&self) -> Vec<f64> {
        let mut need: Vec<Option<usize>> = vec![None; self.columns()];
        let measured = if self.long_list {
            LONG_LIST_WIDTH_SAMPLE
        } else {
            self.rows.len()
        };
        let sample: Vec<Row> = match &self.tail {
            Some((n, row)) => (0..(*n).min(LONG_LIST_WIDTH_SAMPLE)).map(row).collect(),
            None => Vec::new(),
        };
        for row in self.rows.iter().take(measured).chain(&sample) {
            for (c, cell) in row.cells.iter().enumerate() {
                let shown = cell.shown();
                let w = match (row.kind, cell) {
                    (_, Cell::Gap | Cell::Span(..)) => continue,
                    (RowKind::Header, _) => shown
                        .split('\n')
                        .map(|l| display_width(l).min(self.header_wrap))
                        .max()
                        .unwrap_or(0),
                    (RowKind::Body | RowKind::Total, Cell::Text(_)) => {
                        display_width(&shown).min(TEXT_WRAP)
                    }
                    (RowKind::Body | RowKind::Total, _) => display_width(&shown),
                    _ => continue,
                };
                need[c] = Some(need[c].unwrap_or(0).max(w));
            }
        }
        need.into_iter()
            .map(|w| {
                w.map_or(GAP_WIDTH, |w| {
                    (w as f64 * 1.05 + 1.5).ceil().clamp(MIN_WIDTH, MAX_WIDTH)
                })
            })
            .collect()
    }

    /// The height a row is given, in points; `None` for the sheet's default.
    fn height(&self, row: &Row, widths: &[f64], full_width: f64) -> Option<f64> {
        let lines = match row.kind {
            RowKind::Caption | RowKind::Note => row
                .cells
                .first()
                .map_or(1, |c| lines_needed(&c.shown(), full_width)),
            RowKind::Space => 1,
            RowKind::Header | RowKind::Body | RowKind::Total => row
                .cells
                .iter()
                .zip(widths)
                .filter(|(cell, _)| {
                    row.kind == RowKind::Header
                        || (matches!(cell, Cell::Text(_)) && !self.long_list)
                })
                .map(|(cell, w)| lines_needed(&cell.shown(), *w))
                .fold(1, usize::max),
        };
        if lines > 1 {
            Some(lines as f64 * LINE_HEIGHT + 4.0)
        } else if row.kind == RowKind::Header {
            Some(LINE_HEIGHT + 6.0)
        } else {
            None
        }
    }

    /// How the sheet is fitted to paper: `pages_wide` pages wide (one unless the sheet
    /// says), as many pages tall as the rows need — except that a last page holding no
    /// table row (only remarks under the repeated header) or a sliver of one is folded
    /// into the page before by printing a little smaller. Charts and long lists keep their
    /// own breaks.
    fn fit_print(
        &self,
        ws: &mut Worksheet,
        widths: &[f64],
        full_width: f64,
    ) -> Result<(), XlsxError> {
        ws.set_page_breaks(&self.page_breaks)?;
        if self.long_list || !self.page_breaks.is_empty() {
            return Ok(());
        }
        let mut table: f64 = widths.iter().map(|w| column_points(*w)).sum();
        if let Some(last) = self.repeat_cols {
            ws.set_repeat_columns(0, last)?;
            let repeated: f64 = widths
                .iter()
                .take(usize::from(last) + 1)
                .map(|w| column_points(*w))
                .sum();
            table += repeated * f64::from(self.pages_wide.saturating_sub(1));
        }
        let wide = self.pages_wide.max(1);
        let scale = (PRINT_WIDTH * f64::from(wide) / table).min(1.0);
        let pages = self.pages(widths, full_width, scale);
        let tall = match self.without_empty_last_page(widths, full_width, scale) {
            Some(fewer) => self.pages(widths, full_width, fewer).len(),
            None => pages.len(),
        };
        if wide > 1 || tall < pages.len() {
            ws.set_print_fit_to_pages(wide, u16::try_from(tall).unwrap_or(u16::MAX));
        }
        Ok(())
    }

    /// The rows' heights in points, the title's first, each with whether it is a table
    /// row (data a page should not be printed without).
    fn heights(&self, widths: &[f64], full_width: f64) -> Vec<(f64, bool)> {
        std::iter::once((TITLE_HEIGHT, false))
            .chain(self.rows.iter().map(|r| {
                (
                    self.height(r, widths, full_width).unwrap_or(ROW_HEIGHT),
                    matches!(r.kind, RowKind::Body | RowKind::Total),
                )
            }))
            .collect()
    }

    /// The first row of each printed page at `scale`, as a printer breaks them: whole
    /// rows, the repeated header at the top of every page after the first.
    fn pages(&self, widths: &[f64], full_width: f64, scale: f64) -> Vec<usize> {
        let heights = self.heights(widths, full_width);
        let room = PRINT_HEIGHT / scale;
        let repeated = self
            .header
            .and_then(|h| heights.get(h + 1))
            .map_or(0.0, |(h, _)| *h);
        let mut starts = vec![0];
        let mut used = 0.0;
        for (i, (h, _)) in heights.iter().enumerate() {
            if used + h > room && used > repeated {
                starts.push(i);
                used = repeated;
            }
            used += h;
        }
        starts
    }

    /// A smaller scale (not below [`MIN_SCALE`] %) at which the last printed page is no
    /// longer one without table rows or with only a sliver of the table; `None` when the
    /// last page at `scale` is a proper one.
    fn without_empty_last_page(&self, widths: &[f64], full_width: f64, scale: f64) -> Option<f64> {
        let heights = self.heights(widths, full_width);
        let pages = self.pages(widths, full_width, scale);
        let last = *pages.last()?;
        if pages.len() < 2 {
            return None;
        }
        let data = heights[last..].iter().any(|(_, d)| *d);
        let content: f64 = heights[last..].iter().map(|(h, _)| h).sum();
        if data && content * scale > PRINT_HEIGHT * SLIVER {
            return None;
        }
        let mut s = scale;
        while s * 100.0 > f64::from(MIN_SCALE) {
            s -= 0.01;
            if self.pages(widths, full_width, s).len() < pages.len() {
                return Some(s);
            }
        }
        None
    }

    /// Writes the grid as a new sheet of `wb`. With `splice`, a long list is written down
    /// to its first body row only: [`super::long_list::splice`] writes the rest into the
    /// saved file.
    pub(super) fn write(
        &self,
        wb: &mut Workbook,
        formats: &Formats,
        page: &PageText,
        splice: bool,
    ) -> Result<(), XlsxError> {
        let ws = if self.long_list {
            wb.add_worksheet_with_constant_memory()?
        } else {
            wb.add_worksheet()
        };
        ws.set_name(&self.name)?;
        ws.set_default_row_height(ROW_HEIGHT);
        let widths = self.widths();
        let last_col = u16::try_from(widths.len() - 1).unwrap_or(0);
        // Where titles, captions and notes end.
        let note_col = self
            .note_cols
            .map_or(last_col, |n| n.saturating_sub(1).min(last_col));
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(u16::try_from(c).unwrap_or(u16::MAX), *w)?;
        }
        let full_width: f64 = widths.iter().take(usize::from(note_col) + 1).sum();

        across(ws, 0, note_col, &self.title, &formats.title)?;
        ws.set_row_height(0, TITLE_HEIGHT)?;
        let write_row = |ws: &mut Worksheet, r: u32, row: &Row| -> Result<(), XlsxError> {
            // The row's height is set before its cells: in constant-memory mode a height
            // set after them writes the last row a second time.
            if let Some(h) = self.height(row, &widths, full_width) {
                ws.set_row_height(r, h)?;
            }
            match row.kind {
                RowKind::Caption | RowKind::Note => {
                    let text = row.cells.first().map(Cell::shown).unwrap_or_default();
                    let fmt = if row.kind == RowKind::Caption {
                        &formats.caption
                    } else {
                        &formats.note
                    };
                    across(ws, r, note_col, &text, fmt)?;
                }
                RowKind::Space => {}
                RowKind::Header | RowKind::Body | RowKind::Total => {
                    for (c, cell) in row.cells.iter().enumerate() {
                        let col = u16::try_from(c).unwrap_or(u16::MAX);
                        if let Cell::Span(text, n) = cell {
                            let last = col.saturating_add(n.saturating_sub(1)).min(last_col);
                            across_from(ws, r, col, last, text, &formats.caption)?;
                            continue;
                        }
                        let fmt = formats.cell(row.kind, cell.style());
                        write_cell(ws, r, col, cell, fmt)?;
                    }
                }
            }
            Ok(())
        };
        for (i, row) in self.rows.iter().enumerate() {
            write_row(ws, Grid::sheet_row(i), row)?;
        }
        // A long list's rows: each made, written and dropped.
        let tail_len = self.tail.as_ref().map_or(0, |(n, _)| *n);
        if let Some((n, make)) = &self.tail {
            let written = if splice && self.long_list {
                (*n).min(1)
            } else {
                *n
            };
            for i in 0..written {
                write_row(ws, Grid::sheet_row(self.rows.len() + i), &make(i))?;
            }
        }

        match self.header {
            Some(h) => {
                let hr = Grid::sheet_row(h);
                ws.set_freeze_panes(hr + 1, self.freeze_cols)?;
                ws.set_repeat_rows(hr, hr)?;
                // The filter covers the header and the table rows right below it: not the
                // sums, which stand apart after a blank row, nor the remarks, so that a
                // column's SUBTOTAL counts each row once.
                let table = if tail_len > 0 {
                    self.rows.len() - h - 1 + tail_len
                } else {
                    self.rows[h + 1..]
                        .iter()
                        .take_while(|r| r.kind == RowKind::Body)
                        .count()
                };
                if self.filter && table > 0 {
                    ws.autofilter(hr, 0, Grid::sheet_row(h + table), last_col)?;
                }
            }
            None => {
                ws.set_freeze_panes(1, 0)?;
            }
        }
        page.apply(ws, &self.title);
        self.fit_print(ws, &widths, full_width)?;
        for placed in &self.charts {
            ws.insert_chart(placed.row, placed.col, &placed.chart)?;
        }
        Ok(())
    }
}

/// Writes `text` in one cell merged across the table's width.
fn across(
    ws: &mut Worksheet,
    row: u32,
    last_col: u16,
    text: &str,
    fmt: &Format,
) -> Result<(), XlsxError> {
    across_from(ws, row, 0, last_col, text, fmt)
}

/// Writes `text` in one cell merged from `first` to `last` column.
fn across_from(
    ws: &mut Worksheet,
    row: u32,
    first: u16,
    last: u16,
    text: &str,
    fmt: &Format,
) -> Result<(), XlsxError> {
    if last <= first {
        ws.write_string_with_format(row, first, text, fmt)?;
    } else {
        ws.merge_range(row, first, row, last, text, fmt)?;
    }
    Ok(())
}

/// Writes one cell: numbers as numbers, everything else as a string (never a formula).
fn write_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    fmt: &Format,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Gap => {}
        Cell::Blank => {
            ws.write_blank(row, col, fmt)?;
        }
        Cell::Yi(wan) => {
            ws.write_number_with_format(row, col, wan / 10_000.0, fmt)?;
        }
        Cell::Usd(v) | Cell::Amount(v) | Cell::Pct(Some(v)) | Cell::Score(Some(v)) => {
            ws.write_number_with_format(row, col, *v, fmt)?;
        }
        Cell::Date(d) => {
            use chrono::Datelike;
            let date = ExcelDateTime::from_ymd(
                u16::try_from(d.year()).unwrap_or(1900),
                u8::try_from(d.month()).unwrap_or(1),
                u8::try_from(d.day()).unwrap_or(1),
            )?;
            ws.write_datetime_with_format(row, col, &date, fmt)?;
        }
        Cell::Count(n) | Cell::Ordinal(n) => {
            ws.write_number_with_format(row, col, *n as f64, fmt)?;
        }
        Cell::Text(_)
        | Cell::Label(_)
        | Cell::Span(..)
        | Cell::Pct(None)
        | Cell::Score(None)
        | Cell::Dash
        | Cell::Unreported => {
            ws.write_string_with_format(row, col, cell.shown(), fmt)?;
        }
    }
    Ok(())
}

/// The printable area of an A4 landscape page inside the margins of [`PageText::apply`],
/// in points, with a little room for the difference between our measure and a printer's.
const PRINT_WIDTH: f64 = (842.0 - 2.0 * 0.4 * 72.0) * 0.97;
const PRINT_HEIGHT: f64 = (595.0 - (0.75 + 0.7) * 72.0) * 0.95;
/// A last page holding less than this share of a page is folded into the page before.
const SLIVER: f64 = 0.15;
/// The smallest print scale (%) used to fold a last page or fit a slice of columns.
const MIN_SCALE: u16 = 55;
/// The height of the title row.
const TITLE_HEIGHT: f64 = 28.0;

/// A column's printed width in points: Excel's width unit is the width of "0" in the
/// default font (7 pixels) plus 5 pixels of padding, at 96 pixels an inch.
fn column_points(width: f64) -> f64 {
    (width * 7.0 + 5.0) * 0.75
}

/// Header titles wrap beyond this many width units, unless the sheet says otherwise.
const HEADER_WRAP: usize = 12;
/// Body text wraps beyond this many width units.
const TEXT_WRAP: usize = 44;
const MIN_WIDTH: f64 = 6.0;
const MAX_WIDTH: f64 = 60.0;
/// The width of an empty column between two tables side by side.
const GAP_WIDTH: f64 = 2.0;
/// Points per line of 11-point CJK text.
const LINE_HEIGHT: f64 = 15.0;
/// The height of a one-line row: CJK faces need more room than Excel's default 15.
const ROW_HEIGHT: f64 = 17.0;

/// How many lines `text` (which may hold line breaks) takes in a column `width` units wide.
fn lines_needed(text: &str, width: f64) -> usize {
    let usable = (width - 1.5).max(1.0);
    text.split('\n')
        .map(|line| ((display_width(line) as f64 * 1.05 / usable).ceil() as usize).max(1))
        .sum()
}

/// The width of text in Excel's units: about 2 for a CJK character or full-width form,
/// 1 for anything else.
pub(crate) fn display_width(s: &str) -> usize {
    if s.is_ascii() {
        return s.len();
    }
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(
        u32::from(c),
        0x1100..=0x115F
            | 0x2010..=0x206F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6
            | 0x20000..=0x3FFFD
    )
}

/// How a cell's content is aligned and numbered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Style {
    Text,
    Center,
    CenterInt,
    Dec2,
    Int,
    Dec1,
    Date,
}

impl Style {
    const ALL: [Style; 7] = [
        Style::Text,
        Style::Center,
        Style::CenterInt,
        Style::Dec2,
        Style::Int,
        Style::Dec1,
        Style::Date,
    ];
}

/// Every format the workbook uses, built once.
pub(super) struct Formats {
    title: Format,
    header: Format,
    caption: Format,
    note: Format,
    /// By style, then whether on a total row: see [`Formats::cell`].
    cells: Vec<[Format; 2]>,
    /// The index in the file's styles of the header's format and of `cells`'.
    xf_header: u32,
    xf_cells: Vec<[u32; 2]>,
}

/// The font of every cell: the usual face of Chinese government tables.
const FONT: &str = "宋体";
const FONT_SIZE: f64 = 11.0;
const SHADE_HEADER: u32 = 0xD9E1F2;
const SHADE_TOTAL: u32 = 0xF2F2F2;

impl Formats {
    /// Builds every format once; cells pick theirs by row kind and style.
    pub(super) fn new() -> Formats {
        let base = || {
            Format::new()
                .set_font_name(FONT)
                .set_font_size(FONT_SIZE)
                .set_align(FormatAlign::VerticalCenter)
        };
        let cell = |style: Style, total: bool| {
            let mut f = base().set_border(FormatBorder::Thin);
            f = match style {
                Style::Text => f.set_align(FormatAlign::Left).set_text_wrap(),
                Style::Center => f.set_align(FormatAlign::Center),
                Style::CenterInt => f.set_align(FormatAlign::Center).set_num_format("0"),
                Style::Dec2 => f.set_num_format("0.00"),
                Style::Int => f.set_num_format("0"),
                Style::Dec1 => f.set_num_format("0.0"),
                Style::Date => f
                    .set_align(FormatAlign::Center)
                    .set_num_format("yyyy-mm-dd"),
            };
            if total {
                f = f.set_bold().set_background_color(Color::RGB(SHADE_TOTAL));
            }
            f
        };
        let mut formats = Formats {
            title: base()
                .set_font_size(16)
                .set_bold()
                .set_align(FormatAlign::Center),
            header: base()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_text_wrap()
                .set_border(FormatBorder::Thin)
                .set_background_color(Color::RGB(SHADE_HEADER)),
            caption: base().set_bold().set_align(FormatAlign::Left),
            note: base().set_align(FormatAlign::Left).set_text_wrap(),
            cells: Style::ALL
                .iter()
                .map(|s| [cell(*s, false), cell(*s, true)])
                .collect(),
            xf_header: 0,
            xf_cells: Vec::new(),
        };
        formats.indices();
        formats
    }

    fn cell(&self, kind: RowKind, style: Style) -> &Format {
        if kind == RowKind::Header {
            return &self.header;
        }
        let i = Style::ALL.iter().position(|s| *s == style).unwrap_or(0);
        let j = usize::from(kind == RowKind::Total);
        &self.cells[i][j]
    }

    /// Every format, in the order [`Formats::register`] gives them to the workbook.
    fn in_order(&self) -> Vec<&Format> {
        [&self.title, &self.header, &self.caption, &self.note]
            .into_iter()
            .chain(self.cells.iter().flatten())
            .collect()
    }

    /// Gives the workbook every format before any sheet uses one, so that each has a
    /// known index in the file's styles ([`Formats::xf`]): a long list's rows are written
    /// into the saved file with those indices (`long_list`).
    pub(super) fn register(&self, wb: &mut Workbook) {
        for f in self.in_order() {
            wb.register_format(f);
        }
    }

    /// The style index (`s="…"`) in the file of a cell of `style` on a row of `kind`,
    /// once [`Formats::register`] has run.
    pub(super) fn xf(&self, kind: RowKind, style: Style) -> u32 {
        if kind == RowKind::Header {
            return self.xf_header;
        }
        let i = Style::ALL.iter().position(|s| *s == style).unwrap_or(0);
        self.xf_cells[i][usize::from(kind == RowKind::Total)]
    }

    /// The indices [`Formats::register`] gives: rust_xlsxwriter numbers formats from 1
    /// (0 is its default) in the order it first meets them, an equal format taking the
    /// index of the first.
    fn indices(&mut self) {
        let order = self.in_order();
        let mut firsts: Vec<&Format> = Vec::new();
        let index: Vec<u32> = order
            .iter()
            .map(|f| {
                let at = firsts.iter().position(|g| g == f).unwrap_or_else(|| {
                    firsts.push(f);
                    firsts.len() - 1
                });
                u32::try_from(at + 1).unwrap_or(0)
            })
            .collect();
        // `in_order`: title, header, caption, note, then the cells by style, plain and total.
        self.xf_header = index[1];
        self.xf_cells = index[4..].chunks(2).map(|c| [c[0], c[1]]).collect();
    }
}

/// The page header and footer text every sheet shares: the issuer on the left, the
/// sheet's title (which names the period) in the middle, page numbers below.
pub(super) struct PageText {
    issuer: String,
}

impl PageText {
    /// The page texts of the workspace's bulletin.
    pub(super) fn new(cfg: &Config) -> PageText {
        PageText {
            issuer: cfg.file.bulletin.issuer.clone(),
        }
    }

    /// A4 landscape, one page wide, the sheet title in the page header, page numbers in the
    /// footer.
    fn apply(&self, ws: &mut Worksheet, title: &str) {
        /// Paper size 9 is A4 in Excel's list.
        const A4: u8 = 9;
        ws.set_paper_size(A4);
        ws.set_landscape();
        ws.set_print_fit_to_pages(1, 0);
        ws.set_print_center_horizontally(true);
        ws.set_margins(0.4, 0.4, 0.75, 0.7, 0.3, 0.3);
        // No font size code: "&12" before a title that starts with "2025" would read as size 122025.
        let header = format!(
            "&L{}&C&\"{FONT},Bold\"{}",
            escape(&self.issuer),
            escape(title)
        );
        // Excel refuses headers over 255 characters; drop the side texts rather than the title.
        if header.encode_utf16().count() <= 255 {
            ws.set_header(header);
        } else {
            ws.set_header(format!("&C{}", escape(title)));
        }
        ws.set_footer("&C第 &P 页 / 共 &N 页");
    }
}

/// Escapes `&`, the control character of page headers.
fn escape(s: &str) -> String {
    s.replace('&', "&&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cjk_character_is_two_units_wide() {
        assert_eq!(display_width("巴南区"), 6);
        assert_eq!(display_width("12.50"), 5);
        assert_eq!(display_width("（亿元）"), 8);
        assert_eq!(display_width("—"), 2);
    }

    #[test]
    fn widths_follow_the_longest_cell_and_headers_wrap() {
        let mut g = Grid::new("x", "t");
        g.main_header(Row::header(&["单位", "新签约合同投资额（亿元）"]));
        g.rows.push(Row::body(vec![
            Cell::Text("两江新区".into()),
            Cell::Yi(1_234_500.0),
        ]));
        let w = g.widths();
        assert!(w[0] >= 10.0 && w[0] < 12.0, "{w:?}");
        assert!(w[1] >= 14.0 && w[1] < 16.0, "{w:?}");
    }

    /// A table of `rows` unit rows and a remark below it.
    fn league_like(rows: i64) -> Grid<'static> {
        let mut g = Grid::new("x", "t");
        g.main_header(Row::header(&["名次", "单位"]));
        for i in 0..rows {
            g.rows.push(Row::body(vec![
                Cell::Ordinal(i),
                Cell::Text("两江新区".into()),
            ]));
        }
        g.rows.push(Row::note("注：得分按功效系数法计算。"));
        g
    }

    #[test]
    fn a_last_page_holding_only_the_remark_is_folded_into_the_one_before() {
        // Title, header and 24 rows fill the page; the remark alone would take a second.
        let g = league_like(24);
        let w = g.widths();
        let full: f64 = w.iter().sum();
        assert_eq!(g.pages(&w, full, 1.0).len(), 2);
        let smaller = g
            .without_empty_last_page(&w, full, 1.0)
            .expect("the remark's page is folded");
        assert!(smaller > f64::from(MIN_SCALE) / 100.0);
        assert_eq!(g.pages(&w, full, smaller).len(), 1);
    }

    #[test]
    fn a_last_page_with_table_rows_on_it_stays() {
        let g = league_like(40);
        let w = g.widths();
        let full: f64 = w.iter().sum();
        assert_eq!(g.pages(&w, full, 1.0).len(), 2);
        assert_eq!(g.without_empty_last_page(&w, full, 1.0), None);
    }

    #[test]
    fn missing_values_show_a_dash() {
        assert_eq!(Cell::Pct(None).shown(), DASH);
        assert_eq!(Cell::Unreported.shown(), "未报");
        assert_eq!(Cell::Yi(12_345.0).shown(), "1.23");
        assert_eq!(Cell::Pct(Some(63.25)).shown(), "63.2");
    }
}
