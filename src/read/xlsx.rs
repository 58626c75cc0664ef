//! .xlsx / .xlsm: a streaming pre-scan of every part calamine will parse, then calamine's
//! streaming cell reader.
//!
//! calamine's own `worksheet_range` allocates the bounding box of a sheet's cells at once
//! (issue 693: cells at A1 and XFD1048576 ask for ~550 GB) and reserves the shared-string
//! table by its declared `uniqueCount` (issue 684), and both allocations abort the process
//! when refused. So before calamine opens the file, [`prescan`] reads each part once,
//! through the decompression budget, counting what calamine would build from it: each
//! sheet's used area and cells, the shared strings, the style records, and the text that
//! every shared-string reference will copy. Only then are the cells read, with
//! `worksheet_cells_reader`, whose memory follows the cells actually present.
//!
//! XML carrying a `<!DOCTYPE` (and so possibly `<!ENTITY` declarations) is refused as
//! [`ReadError::Other`]: Excel, WPS and LibreOffice never write one, a file that has one
//! was made by something else, and the county is best told to save it again from Excel.

use std::collections::HashMap;
use std::io::{BufRead, Cursor};

use calamine::{Reader, SheetType, SheetVisible, Xlsx, XlsxError};
use quick_xml::events::Event;

use super::convert::from_data_ref;
use super::guard::{fenced, too_large, Inflated};
use super::xml::{self, attr, attr_local, attr_text, cell_ref, digits, ScanError};
use super::zipscan::{drain_entry, key, read_entry, Archive, Entries};
use super::Damage;
use super::{Budget, Container, Merge, NotWorkbook, RawCell, RawSheet, RawWorkbook, ReadError};
use crate::config::Limits;

/// Most style records (`xf`, `font`, `fill`, `border`, `numFmt`, `dxf`) calamine is let
/// build. Each becomes a `Style` of a few hundred bytes, from as little as five bytes of
/// XML. Excel itself allows 64 000 cell formats.
pub(crate) const MAX_STYLE_RECORDS: u64 = 100_000;

/// Reads an .xlsx/.xlsm whose archive is already open.
pub(crate) fn read(
    bytes: &[u8],
    archive: &mut Archive<'_>,
    entries: &Entries,
    budget: &Inflated,
    limits: &Limits,
) -> Result<RawWorkbook, ReadError> {
    let merges = prescan(archive, entries, budget, limits)?;
    load(bytes, merges)
}

/// The refusal of a part that declares a DTD.
pub(crate) fn doctype(part: &str) -> ScanError {
    ScanError::Reject(ReadError::Other(NotWorkbook::Doctype(part.to_string())))
}

/// Where calamine finds the parts of the package, resolved the way it resolves them.
struct Package {
    /// Folder of the workbook part, e.g. `xl/`.
    xl_path: String,
    workbook: String,
    workbook_rels: String,
    /// Worksheets in workbook order: (name, normalised part path).
    sheets: Vec<(String, String)>,
}

/// Checks every budget of [`Limits`] against what calamine would build from this archive,
/// and returns each worksheet's merged regions by sheet name (read here, in the same pass,
/// rather than by a second pass of calamine over every sheet).
fn prescan(
    archive: &mut Archive<'_>,
    entries: &Entries,
    budget: &Inflated,
    limits: &Limits,
) -> Result<HashMap<String, Vec<Merge>>, ReadError> {
    let package = read_package(archive, entries, budget, limits)?;
    let sst_path = key(&format!("{}sharedStrings.xml", package.xl_path));
    let styles_path = key(&format!("{}styles.xml", package.xl_path));
    let theme_path = key(&format!("{}theme/theme1.xml", package.xl_path));
    let package_parts = [
        key("_rels/.rels"),
        key(&package.workbook),
        key(&package.workbook_rels),
    ];
    let sheet_names: HashMap<&str, &str> = package
        .sheets
        .iter()
        .rev()
        .map(|(n, p)| (p.as_str(), n.as_str()))
        .collect();

    // Shared strings first, whatever their place in the archive: the sheets' text is
    // counted with their lengths.
    let mut strings = SharedStrings::default();
    if let Some(entry) = entries.find(&sst_path) {
        strings = read_entry(archive, entry, budget, true, |r| {
            scan_shared_strings(r, &entry.name, limits)
        })?;
    }
    let mut sheet_stats: HashMap<String, SheetStats> = HashMap::new();
    for entry in &entries.list {
        let path = key(&entry.name);
        if entry.is_dir || path == sst_path || package_parts.contains(&path) {
            continue;
        }
        if let Some(name) = sheet_names.get(path.as_str()) {
            let stats = read_entry(archive, entry, budget, true, |r| {
                scan_sheet(r, &entry.name, name, &strings, limits)
            })?;
            sheet_stats.insert(path, stats);
        } else if path == styles_path {
            read_entry(archive, entry, budget, true, |r| {
                scan_styles(r, &entry.name)
            })?;
        } else if path == theme_path {
            read_entry(archive, entry, budget, true, |r| {
                scan_for_doctype(r, &entry.name)
            })?;
        } else {
            drain_entry(archive, entry, budget)?;
        }
    }

    // calamine reads a part once per sheet that names it, so totals go by sheet.
    let mut cells = 0u64;
    let mut text = strings.total_bytes;
    for (_, path) in &package.sheets {
        if let Some(s) = sheet_stats.get(path) {
            cells = cells.saturating_add(s.cells);
            text = text.saturating_add(s.text_bytes);
        }
    }
    if cells > limits.max_cells_per_sheet {
        return Err(too_large(
            Budget::WorkbookCells,
            cells,
            limits.max_cells_per_sheet,
        ));
    }
    if text > limits.max_decompressed_bytes {
        return Err(too_large(
            Budget::TextTotal,
            text,
            limits.max_decompressed_bytes,
        ));
    }
    let merges = package
        .sheets
        .iter()
        .filter_map(|(name, path)| Some((name.clone(), sheet_stats.get(path)?.merges.clone())))
        .collect();
    Ok(merges)
}

/// Reads the package relationships, the workbook's relationships and the workbook part,
/// and checks the sheet count.
fn read_package(
    archive: &mut Archive<'_>,
    entries: &Entries,
    budget: &Inflated,
    limits: &Limits,
) -> Result<Package, ReadError> {
    let missing = |part: &str| {
        ReadError::Truncated(Damage::new(
            format!("缺少“{part}”部件"),
            format!("the part \"{part}\" is missing"),
        ))
    };
    let root = entries
        .find("_rels/.rels")
        .ok_or_else(|| missing("_rels/.rels"))?;
    let rels = read_entry(archive, root, budget, true, |r| {
        scan_relationships(r, &root.name)
    })?;
    let target = rels
        .values()
        .find(|(_, typ)| typ.ends_with("/relationships/officeDocument"))
        .map(|(t, _)| t.clone())
        .ok_or_else(|| {
            ReadError::Truncated(Damage::new(
                "找不到工作簿部件的关系",
                "no relationship names the workbook part",
            ))
        })?;
    // Split as calamine does: folder (without a leading '/') and file name.
    let (dir, file) = match target.rfind('/') {
        Some(i) => target.split_at(i + 1),
        None => ("", target.as_str()),
    };
    let xl_path = dir.strip_prefix('/').unwrap_or(dir).to_string();
    let workbook_name = if file.is_empty() {
        "workbook.xml"
    } else {
        file
    };
    let workbook = format!("{xl_path}{workbook_name}");
    let workbook_rels = format!("{xl_path}_rels/{workbook_name}.rels");

    let rels_entry = entries
        .find(&workbook_rels)
        .ok_or_else(|| missing(&workbook_rels))?;
    let relationships = read_entry(archive, rels_entry, budget, true, |r| {
        scan_relationships(r, &rels_entry.name)
    })?;
    let sheets = match entries.find(&workbook) {
        Some(entry) => read_entry(archive, entry, budget, true, |r| {
            scan_workbook(r, &entry.name, limits)
        })?,
        None => Vec::new(),
    };
    let mut worksheets = Vec::new();
    for (name, rel_id) in sheets {
        let Some((target, typ)) = relationships.get(&rel_id) else {
            continue;
        };
        if !typ.ends_with("/worksheet") {
            continue;
        }
        let path = match target.strip_prefix('/') {
            Some(abs) => abs.to_string(),
            None => format!("{xl_path}{target}"),
        };
        worksheets.push((name, key(&path)));
    }
    Ok(Package {
        xl_path,
        workbook,
        workbook_rels,
        sheets: worksheets,
    })
}

/// `Id → (Target, Type)` of a relationships part, targets raw as calamine keeps them.
fn scan_relationships<R: BufRead>(
    r: R,
    part: &str,
) -> Result<HashMap<String, (String, String)>, ScanError> {
    let mut x = xml::reader(r);
    let mut buf = Vec::new();
    let mut rels = HashMap::new();
    loop {
        buf.clear();
        match x.read_event_into(&mut buf)? {
            Event::Start(e) if e.local_name().as_ref() == "Relationship" => {
                let text = |k: &str| attr(&e, k).map(|v| v.into_owned()).unwrap_or_default();
                if let Some(id) = attr(&e, "Id") {
                    rels.insert(id.into_owned(), (text("Target"), text("Type")));
                }
            }
            Event::DocType(_) => return Err(doctype(part)),
            Event::Eof => return Ok(rels),
            _ => {}
        }
    }
}

/// The `<sheet>` entries of the workbook part as (name, relationship id), refusing more
/// than `max_sheets`.
fn scan_workbook<R: BufRead>(
    r: R,
    part: &str,
    limits: &Limits,
) -> Result<Vec<(String, String)>, ScanError> {
    let mut x = xml::reader(r);
    let mut buf = Vec::new();
    let mut sheets = Vec::new();
    loop {
        buf.clear();
        match x.read_event_into(&mut buf)? {
            Event::Start(e) if e.local_name().as_ref() == "sheet" => {
                if sheets.len() as u64 >= limits.max_sheets {
                    return Err(too_large(
                        Budget::Sheets,
                        sheets.len() as u64 + 1,
                        limits.max_sheets,
                    )
                    .into());
                }
                let name = attr(&e, "name").map(|v| attr_text(&v)).unwrap_or_default();
                let id = attr_local(&e, "id")
                    .map(|v| v.into_owned())
                    .unwrap_or_default();
                sheets.push((name, id));
            }
            Event::DocType(_) => return Err(doctype(part)),
            Event::Eof => return Ok(sheets),
            _ => {}
        }
    }
}

/// What the shared-string table costs once calamine has read it.
#[derive(Default)]
struct SharedStrings {
    /// For each index, the longest string at that index or after, in bytes of XML text.
    /// calamine skips an `<si>` without text, shifting later indices down, so the string
    /// a cell ends up with may be any later one; the suffix maximum bounds them all.
    longest_from: Vec<u32>,
    total_bytes: u64,
}

impl SharedStrings {
    /// Bytes a reference to shared string `index` may copy (0 for an index calamine will
    /// refuse as out of range).
    fn bytes_at(&self, index: u64) -> u64 {
        usize::try_from(index)
            .ok()
            .and_then(|i| self.longest_from.get(i))
            .map_or(0, |&n| u64::from(n))
    }
}

fn scan_shared_strings<R: BufRead>(
    r: R,
    part: &str,
    limits: &Limits,
) -> Result<SharedStrings, ScanError> {
    let mut x = xml::reader(r);
    let mut buf = Vec::new();
    let mut lengths: Vec<u32> = Vec::new();
    let mut current: Option<u64> = None;
    let mut total = 0u64;
    loop {
        buf.clear();
        match x.read_event_into(&mut buf)? {
            Event::Start(e) => match e.local_name().as_ref() {
                "sst" => {
                    // calamine reserves this many strings before reading one.
                    if let Some(n) = attr(&e, "uniqueCount").and_then(|v| digits(v.as_bytes())) {
                        if n > limits.max_strings {
                            return Err(
                                too_large(Budget::DeclaredStrings, n, limits.max_strings).into()
                            );
                        }
                    }
                }
                "si" => {
                    if lengths.len() as u64 >= limits.max_strings {
                        return Err(too_large(
                            Budget::Strings,
                            lengths.len() as u64 + 1,
                            limits.max_strings,
                        )
                        .into());
                    }
                    current = Some(0);
                }
                _ => {}
            },
            Event::Text(t) => add(&mut current, t.len()),
            Event::CData(t) => add(&mut current, t.len()),
            Event::GeneralRef(g) => add(&mut current, g.len() + 2),
            Event::End(e) if e.local_name().as_ref() == "si" => {
                let n = current.take().unwrap_or(0);
                total = total.saturating_add(n);
                lengths.push(u32::try_from(n).unwrap_or(u32::MAX));
            }
            Event::DocType(_) => return Err(doctype(part)),
            Event::Eof => break,
            _ => {}
        }
    }
    let mut longest = 0u32;
    for n in lengths.iter_mut().rev() {
        longest = longest.max(*n);
        *n = longest;
    }
    Ok(SharedStrings {
        longest_from: lengths,
        total_bytes: total,
    })
}

fn add(counter: &mut Option<u64>, n: usize) {
    if let Some(c) = counter {
        *c = c.saturating_add(n as u64);
    }
}

/// What calamine builds from one worksheet part.
#[derive(Debug, Default)]
struct SheetStats {
    /// Cells with a value element, i.e. at most the cells calamine returns.
    cells: u64,
    /// Used area: (first, last) row and column of those cells.
    rows: Option<(u64, u64)>,
    cols: Option<(u64, u64)>,
    /// Merged regions, in the order the part lists them.
    merges: Vec<Merge>,
    /// Text copied out of the part, counting a shared string once per reference.
    text_bytes: u64,
}

impl SheetStats {
    fn area(&self) -> u64 {
        match (self.rows, self.cols) {
            (Some((r0, r1)), Some((c0, c1))) => (r1 - r0 + 1).saturating_mul(c1 - c0 + 1),
            _ => 0,
        }
    }
}

/// The cell being read by [`scan_sheet`].
struct CellScan {
    row: u64,
    col: u64,
    shared: bool,
    has_value: bool,
    in_value: bool,
    text: u64,
    index: Vec<u8>,
}

/// Counts one worksheet part, following calamine's cell reader: a cell without `r` takes
/// the next column of the current row, a row without `r` the row after the previous one.
fn scan_sheet<R: BufRead>(
    r: R,
    part: &str,
    name: &str,
    strings: &SharedStrings,
    limits: &Limits,
) -> Result<SheetStats, ScanError> {
    let mut x = xml::reader(r);
    let mut buf = Vec::new();
    let mut stats = SheetStats::default();
    let (mut in_data, mut row, mut col) = (false, 0u64, 0u64);
    let mut cell: Option<CellScan> = None;
    let bad_ref = |v: &[u8]| {
        let v = String::from_utf8_lossy(v);
        ScanError::Reject(ReadError::Truncated(Damage::new(
            format!("工作表“{name}”的单元格地址“{v}”无效"),
            format!("sheet \"{name}\" has an invalid cell address \"{v}\""),
        )))
    };
    loop {
        buf.clear();
        match x.read_event_into(&mut buf)? {
            Event::Start(e) => match e.local_name().as_ref() {
                "sheetData" => in_data = true,
                "row" if in_data && cell.is_none() => {
                    if let Some(v) = attr(&e, "r") {
                        row = cell_ref(v.as_bytes())
                            .ok_or_else(|| bad_ref(v.as_bytes()))?
                            .0;
                    }
                }
                "c" if in_data && cell.is_none() => {
                    // One pass over the attributes for both (the first of each counts).
                    let (mut r_attr, mut t_attr) = (None, None);
                    for a in e.attributes().with_checks(false).flatten() {
                        match a.key.as_ref() {
                            "r" if r_attr.is_none() => r_attr = Some(a.value),
                            "t" if t_attr.is_none() => t_attr = Some(a.value),
                            _ => {}
                        }
                    }
                    let (r, c) = match r_attr {
                        Some(v) => match cell_ref(v.as_bytes()) {
                            Some((r, Some(c))) => (r, c),
                            _ => return Err(bad_ref(v.as_bytes())),
                        },
                        None => (row, col),
                    };
                    col = c;
                    let shared = t_attr.is_some_and(|t| t.as_ref() == "s");
                    cell = Some(CellScan {
                        row: r,
                        col: c,
                        shared,
                        has_value: false,
                        in_value: false,
                        text: 0,
                        index: Vec::new(),
                    });
                }
                "v" | "is" => {
                    if let Some(c) = cell.as_mut() {
                        c.has_value = true;
                        c.in_value = true;
                    }
                }
                "mergeCell" => {
                    if stats.merges.len() as u64 >= limits.max_cells_per_sheet {
                        return Err(too_large(
                            Budget::SheetMerges(name.to_string()),
                            stats.merges.len() as u64 + 1,
                            limits.max_cells_per_sheet,
                        )
                        .into());
                    }
                    // calamine skips a mergeCell without `ref`; so do we.
                    if let Some(v) = attr(&e, "ref") {
                        let merge = merge_ref(v.as_bytes()).ok_or_else(|| {
                            ScanError::Reject(ReadError::Truncated(Damage::new(
                                format!("工作表“{name}”的合并区域“{v}”无效"),
                                format!("sheet \"{name}\" has an invalid merged range \"{v}\""),
                            )))
                        })?;
                        stats.merges.push(merge);
                    }
                }
                _ => {}
            },
            Event::Text(t) => {
                if let Some(c) = cell.as_mut().filter(|c| c.in_value) {
                    c.text = c.text.saturating_add(t.len() as u64);
                    if c.shared && c.index.len() < 24 {
                        c.index.extend(t.as_bytes().iter().take(24));
                    }
                }
            }
            Event::CData(t) => {
                if let Some(c) = cell.as_mut().filter(|c| c.in_value) {
                    c.text = c.text.saturating_add(t.len() as u64);
                }
            }
            Event::GeneralRef(g) => {
                if let Some(c) = cell.as_mut().filter(|c| c.in_value) {
                    c.text = c.text.saturating_add(g.len() as u64 + 2);
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                "v" | "is" => {
                    if let Some(c) = cell.as_mut() {
                        c.in_value = false;
                    }
                }
                "c" => {
                    if let Some(c) = cell.take() {
                        col = col.saturating_add(1);
                        if c.has_value {
                            count_cell(&mut stats, &c, strings);
                            // Cells written twice at one address widen nothing but
                            // still cost memory.
                            if stats.cells > limits.max_cells_per_sheet {
                                return Err(too_large(
                                    Budget::SheetCells(name.to_string()),
                                    stats.cells,
                                    limits.max_cells_per_sheet,
                                )
                                .into());
                            }
                            if stats.area() > limits.max_cells_per_sheet {
                                return Err(too_large(
                                    Budget::SheetArea(name.to_string()),
                                    stats.area(),
                                    limits.max_cells_per_sheet,
                                )
                                .into());
                            }
                        }
                    }
                }
                "row" if in_data && cell.is_none() => {
                    row = row.saturating_add(1);
                    col = 0;
                }
                "sheetData" => in_data = false,
                _ => {}
            },
            Event::DocType(_) => return Err(doctype(part)),
            Event::Eof => return Ok(stats),
            _ => {}
        }
    }
}

/// A merged region's `ref` (`A1:C2`, or `B3` for one cell), corners in either order.
fn merge_ref(raw: &[u8]) -> Option<Merge> {
    let corner = |part: &[u8]| match cell_ref(part)? {
        (row, Some(col)) => Some((u32::try_from(row).ok()?, u32::try_from(col).ok()?)),
        _ => None,
    };
    let mut parts = raw.split(|&b| b == b':');
    let a = corner(parts.next()?)?;
    let b = match parts.next() {
        Some(p) => corner(p)?,
        None => a,
    };
    if parts.next().is_some() {
        return None;
    }
    Some(Merge {
        first_row: a.0.min(b.0),
        first_col: a.1.min(b.1),
        last_row: a.0.max(b.0),
        last_col: a.1.max(b.1),
    })
}

fn count_cell(stats: &mut SheetStats, c: &CellScan, strings: &SharedStrings) {
    stats.cells += 1;
    let widen = |span: Option<(u64, u64)>, at: u64| {
        Some(span.map_or((at, at), |(a, b)| (a.min(at), b.max(at))))
    };
    stats.rows = widen(stats.rows, c.row);
    stats.cols = widen(stats.cols, c.col);
    let text = if c.shared {
        // calamine reads an unparsable index as 0.
        let trimmed: Vec<u8> = c
            .index
            .iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        strings.bytes_at(digits(&trimmed).unwrap_or(0))
    } else {
        c.text
    };
    stats.text_bytes = stats.text_bytes.saturating_add(text);
}

/// Counts the style records calamine turns into `Style` values.
fn scan_styles<R: BufRead>(r: R, part: &str) -> Result<(), ScanError> {
    let mut x = xml::reader(r);
    let mut buf = Vec::new();
    let mut records = 0u64;
    loop {
        buf.clear();
        match x.read_event_into(&mut buf)? {
            Event::Start(e) => {
                if matches!(
                    e.local_name().as_ref(),
                    "xf" | "font" | "fill" | "border" | "numFmt" | "dxf"
                ) {
                    records += 1;
                    if records > MAX_STYLE_RECORDS {
                        return Err(
                            too_large(Budget::StyleRecords, records, MAX_STYLE_RECORDS).into()
                        );
                    }
                }
            }
            Event::DocType(_) => return Err(doctype(part)),
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// For parts calamine reads but tolerates damage in (the theme): only a DTD is refused.
/// A DTD can only come before the root element, so the scan stops at the first element
/// and never holds more than the prolog.
pub(crate) fn scan_for_doctype<R: BufRead>(r: R, part: &str) -> Result<(), ScanError> {
    let mut x = xml::reader(r);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match x.read_event_into(&mut buf) {
            Ok(Event::DocType(_)) => return Err(doctype(part)),
            Ok(Event::Start(_) | Event::Empty(_) | Event::Eof) | Err(_) => return Ok(()),
            Ok(_) => {}
        }
    }
}

/// Maps calamine's error to the reason given to the county.
fn xlsx_error(e: XlsxError) -> ReadError {
    match e {
        XlsxError::Password => ReadError::Encrypted,
        other => ReadError::Truncated(Damage::new(
            format!("工作簿内容无法解析：{other}"),
            format!("the workbook's content cannot be parsed: {other}"),
        )),
    }
}

/// Reads the cells with calamine, once the pre-scan has passed; `merges` are the pre-scan's,
/// by sheet name.
fn load(bytes: &[u8], mut merges: HashMap<String, Vec<Merge>>) -> Result<RawWorkbook, ReadError> {
    fenced("calamine", || {
        let mut book: Xlsx<Cursor<&[u8]>> = Xlsx::new(Cursor::new(bytes)).map_err(xlsx_error)?;
        let metadata = book.sheets_metadata().to_vec();
        let mut sheets = Vec::with_capacity(metadata.len());
        for sheet in metadata {
            if sheet.typ != SheetType::WorkSheet {
                continue;
            }
            let mut cells = Vec::new();
            {
                let mut reader = match book.worksheet_cells_reader(&sheet.name) {
                    Ok(r) => r,
                    Err(XlsxError::NotAWorksheet(_)) => continue,
                    Err(e) => return Err(xlsx_error(e)),
                };
                while let Some(cell) = reader.next_cell().map_err(xlsx_error)? {
                    if let Some(value) = from_data_ref(cell.get_value()) {
                        let (row, col) = cell.get_position();
                        cells.push(RawCell { row, col, value });
                    }
                }
            }
            sort_cells(&mut cells);
            sheets.push(RawSheet {
                merges: merges.remove(&sheet.name).unwrap_or_default(),
                name: sheet.name,
                visible: sheet.visible == SheetVisible::Visible,
                cells,
            });
        }
        Ok(RawWorkbook {
            container: Container::Xlsx,
            sheets,
        })
    })
}

/// Sorts by (row, col), keeping the last of cells written twice at one address (the one
/// a spreadsheet program would show).
pub(crate) fn sort_cells(cells: &mut Vec<RawCell>) {
    cells.sort_by_key(|c| (c.row, c.col));
    let mut kept: Vec<RawCell> = Vec::with_capacity(cells.len());
    for c in cells.drain(..) {
        match kept.last_mut() {
            Some(last) if (last.row, last.col) == (c.row, c.col) => *last = c,
            _ => kept.push(c),
        }
    }
    *cells = kept;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(xml: &str) -> Result<SheetStats, ScanError> {
        scan_sheet(
            xml.as_bytes(),
            "sheet.xml",
            "S",
            &SharedStrings::default(),
            &Limits::default(),
        )
    }

    #[test]
    fn far_apart_cells_make_a_huge_area() {
        let xml = r#"<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row>
            <row r="1048576"><c r="XFD1048576"><v>2</v></c></row></sheetData></worksheet>"#;
        assert!(matches!(
            sheet(xml),
            Err(ScanError::Reject(ReadError::TooLarge {
                found: 17_179_869_184,
                ..
            }))
        ));
    }

    #[test]
    fn cells_without_addresses_follow_calamine() {
        let xml = r#"<worksheet><sheetData><row><c><v>1</v></c><c/><c><v>2</v></c></row><row><c t="s"><v>0</v></c></row>
            </sheetData><mergeCells><mergeCell ref="A1:B1"/></mergeCells></worksheet>"#;
        let s = sheet(xml).expect("scan");
        assert_eq!(
            (s.cells, s.rows, s.cols, s.merges.len()),
            (3, Some((0, 1)), Some((0, 2)), 1)
        );
    }

    #[test]
    fn declared_unique_count_is_checked_before_reading() {
        let xml = r#"<sst uniqueCount="4000000000"><si><t>a</t></si></sst>"#;
        let r = scan_shared_strings(xml.as_bytes(), "sst", &Limits::default());
        assert!(matches!(
            r,
            Err(ScanError::Reject(ReadError::TooLarge {
                found: 4_000_000_000,
                ..
            }))
        ));
    }

    #[test]
    fn shared_string_references_are_charged_per_use() {
        let strings = scan_shared_strings(
            r#"<sst><si><t>abcd</t></si><si/></sst>"#.as_bytes(),
            "sst",
            &Limits::default(),
        )
        .expect("sst");
        let xml = r#"<worksheet><sheetData><row><c t="s"><v>0</v></c><c t="s"><v>0</v></c></row></sheetData></worksheet>"#;
        let s = scan_sheet(xml.as_bytes(), "p", "S", &strings, &Limits::default()).expect("scan");
        assert_eq!(s.text_bytes, 8);
    }

    #[test]
    fn merged_regions_are_read_in_the_scan() {
        let xml = r#"<worksheet><sheetData/><mergeCells count="3"><mergeCell ref="A1:C2"/>
            <mergeCell ref="D5"/><mergeCell ref="F9:E7"/><mergeCell/></mergeCells></worksheet>"#;
        let m = |r0, c0, r1, c1| Merge {
            first_row: r0,
            first_col: c0,
            last_row: r1,
            last_col: c1,
        };
        assert_eq!(
            sheet(xml).expect("scan").merges,
            [m(0, 0, 1, 2), m(4, 3, 4, 3), m(6, 4, 8, 5)]
        );
        for bad in ["A1:B2:C3", "1:2", "A:B", "A1:", "XFD99999999999"] {
            let xml = format!(
                r#"<worksheet><mergeCells><mergeCell ref="{bad}"/></mergeCells></worksheet>"#
            );
            assert!(
                matches!(sheet(&xml), Err(ScanError::Reject(ReadError::Truncated(_)))),
                "{bad}"
            );
        }
    }

    #[test]
    fn doctype_is_refused() {
        let xml = r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet/>"#;
        assert!(matches!(
            sheet(xml),
            Err(ScanError::Reject(ReadError::Other(_)))
        ));
    }
}
