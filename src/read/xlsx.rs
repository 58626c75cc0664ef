//! .xlsx / .xlsm: a streaming pre-scan of every part, then calamine's streaming cell
//! reader with the cells counted as they come.
//!
//! calamine's own `worksheet_range` allocates the bounding box of a sheet's cells at once
//! (issue 693: cells at A1 and XFD1048576 ask for ~550 GB) and reserves the shared-string
//! table by its declared `uniqueCount` (issue 684), and both allocations abort the process
//! when refused. So before calamine opens the file, [`prescan`] inflates every part once
//! through the decompression budget (which also bounds the longest XML token and checks
//! each checksum), counts the shared strings and style records calamine will build, and
//! finds each sheet's merged regions. The cells are then read with
//! `worksheet_cells_reader`, whose memory follows the cells actually present, and [`load`]
//! counts them against the same budgets as they come: cells per sheet and per workbook,
//! each sheet's used area, and the text copied out. (The zip reader stops any entry at its
//! declared size, so calamine's own inflating is bounded by the sizes the pre-scan saw.)
//!
//! XML carrying a `<!DOCTYPE` (and so possibly `<!ENTITY` declarations) is refused as
//! [`ReadError::Other`]: Excel, WPS and LibreOffice never write one, a file that has one
//! was made by something else, and the county is best told to save it again from Excel.

use std::collections::HashMap;
use std::io::{BufRead, Cursor, Read};

use calamine::{Reader, SheetType, SheetVisible, Xlsx, XlsxError};
use quick_xml::events::Event;

use super::convert::from_data_ref;
use super::guard::{fenced, too_large, Inflated};
use super::xml::{self, attr, attr_local, attr_text, cell_ref, digits, ScanError};
use super::zipscan::{drain_entry, key, read_entry, Archive, Entries};
use super::Damage;
use super::{
    Budget, CellValue, Container, Merge, NotWorkbook, RawCell, RawSheet, RawWorkbook, ReadError,
};
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
    let scanned = prescan(archive, entries, budget, limits)?;
    load(bytes, scanned, limits)
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

/// What the pre-scan hands to [`load`].
struct Scanned {
    /// Each worksheet's merged regions, by sheet name (read here rather than by a second
    /// pass of calamine over every sheet).
    merges: HashMap<String, Vec<Merge>>,
    /// Bytes of XML text in the shared-string table, which calamine holds throughout.
    string_bytes: u64,
}

/// Checks what calamine would build from this archive before it builds anything: every
/// part is inflated through the budget (size, longest XML token, CRC), the package parts,
/// shared strings and styles are counted, and each worksheet is searched for its merged
/// regions. The cells themselves are counted as calamine's cell reader yields them
/// ([`load`]): that reader's memory follows the cells it returns, so there they are bounded
/// without parsing every sheet twice.
fn prescan(
    archive: &mut Archive<'_>,
    entries: &Entries,
    budget: &Inflated,
    limits: &Limits,
) -> Result<Scanned, ReadError> {
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
    let mut sheet_merges: HashMap<String, Vec<Merge>> = HashMap::new();
    for entry in &entries.list {
        let path = key(&entry.name);
        if entry.is_dir || path == sst_path || package_parts.contains(&path) {
            continue;
        }
        if let Some(name) = sheet_names.get(path.as_str()) {
            let merges = read_entry(archive, entry, budget, true, |r| {
                scan_sheet(r, &entry.name, name, limits)
            })?;
            sheet_merges.insert(path, merges);
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
    if strings.total_bytes > limits.max_decompressed_bytes {
        return Err(too_large(
            Budget::TextTotal,
            strings.total_bytes,
            limits.max_decompressed_bytes,
        ));
    }
    let merges = package
        .sheets
        .iter()
        .filter_map(|(name, path)| Some((name.clone(), sheet_merges.get(path)?.clone())))
        .collect();
    Ok(Scanned {
        merges,
        string_bytes: strings.total_bytes,
    })
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
    /// Bytes of XML text in the strings.
    total_bytes: u64,
}

fn scan_shared_strings<R: BufRead>(
    r: R,
    part: &str,
    limits: &Limits,
) -> Result<SharedStrings, ScanError> {
    let mut x = xml::reader(r);
    let mut buf = Vec::new();
    let mut count = 0u64;
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
                    if count >= limits.max_strings {
                        return Err(
                            too_large(Budget::Strings, count + 1, limits.max_strings).into()
                        );
                    }
                    count += 1;
                    current = Some(0);
                }
                _ => {}
            },
            Event::Text(t) => add(&mut current, t.len()),
            Event::CData(t) => add(&mut current, t.len()),
            Event::GeneralRef(g) => add(&mut current, g.len() + 2),
            Event::End(e) if e.local_name().as_ref() == "si" => {
                total = total.saturating_add(current.take().unwrap_or(0));
            }
            Event::DocType(_) => return Err(doctype(part)),
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(SharedStrings { total_bytes: total })
}

fn add(counter: &mut Option<u64>, n: usize) {
    if let Some(c) = counter {
        *c = c.saturating_add(n as u64);
    }
}

/// The merged regions of one worksheet part, without parsing its cells: the part is read
/// through (so its size, longest token and checksum are checked like every part's), the
/// first `mergeCells` element — after `sheetData`, near the end — is found by a byte
/// search, and only from there is the XML parsed. calamine reads only that first element
/// too. A DTD in the part's prolog is refused as in every other part.
fn scan_sheet<R: BufRead>(
    mut r: R,
    part: &str,
    name: &str,
    limits: &Limits,
) -> Result<Vec<Merge>, ScanError> {
    const NEEDLE: &[u8] = b"mergeCells";
    // Enough of the previous chunk to hold a needle cut in two and its `<prefix:` start.
    const CARRY: usize = 64;
    let finder = memchr::memmem::Finder::new(NEEDLE);
    let mut carry: Vec<u8> = Vec::new();
    let mut first = true;
    loop {
        let chunk = r.fill_buf().map_err(xml_io)?;
        if chunk.is_empty() {
            return Ok(Vec::new());
        }
        if first {
            scan_for_doctype(chunk, part)?;
            first = false;
        }
        // Search the seam (the carry and the chunk's head), then the chunk.
        let head = &chunk[..chunk.len().min(CARRY)];
        let mut seam = carry.clone();
        seam.extend_from_slice(head);
        let found = finder
            .find_iter(&seam)
            .find_map(|i| element_start(&seam, i))
            .map(|start| {
                let mut from = seam[start..].to_vec();
                from.extend_from_slice(&chunk[head.len()..]);
                from
            })
            .or_else(|| {
                finder
                    .find_iter(chunk)
                    .find_map(|i| element_start(chunk, i))
                    .map(|start| chunk[start..].to_vec())
            });
        let n = chunk.len();
        if let Some(from) = found {
            r.consume(n);
            return merge_cells(std::io::Cursor::new(from).chain(r), name, limits);
        }
        let keep = n.min(CARRY);
        carry = [&carry[..], &chunk[n - keep..]].concat();
        let excess = carry.len().saturating_sub(CARRY);
        carry.drain(..excess);
        r.consume(n);
    }
}

/// Where the element whose name (`mergeCells`, maybe after a `prefix:`) matched at `at`
/// opens, if the match is an element name at all.
fn element_start(hay: &[u8], at: usize) -> Option<usize> {
    let before = &hay[..at];
    match before.last()? {
        b'<' => Some(at - 1),
        b':' => {
            let lt = before.iter().rposition(|&b| b == b'<')?;
            let prefix = &before[lt + 1..at - 1];
            prefix
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
                .then_some(lt)
        }
        _ => None,
    }
}

/// The `mergeCell` regions of a `mergeCells` element, read from its start tag on.
fn merge_cells<R: BufRead>(r: R, name: &str, limits: &Limits) -> Result<Vec<Merge>, ScanError> {
    let mut x = xml::reader(r);
    let mut buf = Vec::new();
    let mut merges = Vec::new();
    loop {
        buf.clear();
        match x.read_event_into(&mut buf)? {
            Event::Start(e) if e.local_name().as_ref() == "mergeCell" => {
                if merges.len() as u64 >= limits.max_cells_per_sheet {
                    return Err(too_large(
                        Budget::SheetMerges(name.to_string()),
                        merges.len() as u64 + 1,
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
                    merges.push(merge);
                }
            }
            Event::End(e) if e.local_name().as_ref() == "mergeCells" => return Ok(merges),
            Event::Eof => return Ok(merges),
            _ => {}
        }
    }
}

/// A read error under a scan (a tripped budget, a damaged entry), as the XML reader
/// would report it.
fn xml_io(e: std::io::Error) -> ScanError {
    ScanError::Xml(quick_xml::Error::Io(std::sync::Arc::new(e)))
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

/// Reads the cells with calamine once the pre-scan has passed, counting them against the
/// budgets as they come: cells per sheet and in the workbook, each sheet's used area, and
/// the text copied out (a shared string once per reference) together with the table.
fn load(bytes: &[u8], scanned: Scanned, limits: &Limits) -> Result<RawWorkbook, ReadError> {
    let Scanned {
        mut merges,
        string_bytes,
    } = scanned;
    let cap = limits.max_cells_per_sheet;
    fenced("calamine", || {
        let mut book: Xlsx<Cursor<&[u8]>> = Xlsx::new(Cursor::new(bytes)).map_err(xlsx_error)?;
        let metadata = book.sheets_metadata().to_vec();
        let mut sheets = Vec::with_capacity(metadata.len());
        let mut workbook_cells = 0u64;
        let mut text = string_bytes;
        for sheet in metadata {
            if sheet.typ != SheetType::WorkSheet {
                continue;
            }
            let mut cells = Vec::new();
            let mut used = UsedArea::default();
            {
                let mut reader = match book.worksheet_cells_reader(&sheet.name) {
                    Ok(r) => r,
                    Err(XlsxError::NotAWorksheet(_)) => continue,
                    Err(e) => return Err(xlsx_error(e)),
                };
                while let Some(cell) = reader.next_cell().map_err(xlsx_error)? {
                    let Some(value) = from_data_ref(cell.get_value()) else {
                        continue;
                    };
                    let (row, col) = cell.get_position();
                    // Cells written twice at one address widen nothing but still cost.
                    workbook_cells += 1;
                    if cells.len() as u64 >= cap {
                        return Err(too_large(
                            Budget::SheetCells(sheet.name.clone()),
                            cells.len() as u64 + 1,
                            cap,
                        ));
                    }
                    if workbook_cells > cap {
                        return Err(too_large(Budget::WorkbookCells, workbook_cells, cap));
                    }
                    used.widen(row, col);
                    if used.area() > cap {
                        return Err(too_large(
                            Budget::SheetArea(sheet.name.clone()),
                            used.area(),
                            cap,
                        ));
                    }
                    if let CellValue::Text(t) | CellValue::Error(t) = &value {
                        text = text.saturating_add(t.len() as u64);
                        if text > limits.max_decompressed_bytes {
                            return Err(too_large(
                                Budget::TextTotal,
                                text,
                                limits.max_decompressed_bytes,
                            ));
                        }
                    }
                    cells.push(RawCell { row, col, value });
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

/// The rows and columns a sheet's cells span so far.
#[derive(Default)]
struct UsedArea(Option<(u32, u32, u32, u32)>);

impl UsedArea {
    fn widen(&mut self, row: u32, col: u32) {
        self.0 = Some(match self.0 {
            None => (row, row, col, col),
            Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(col), c1.max(col)),
        });
    }

    fn area(&self) -> u64 {
        self.0.map_or(0, |(r0, r1, c0, c1)| {
            (u64::from(r1 - r0) + 1).saturating_mul(u64::from(c1 - c0) + 1)
        })
    }
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

    fn sheet(xml: &str) -> Result<Vec<Merge>, ScanError> {
        scan_sheet(xml.as_bytes(), "sheet.xml", "S", &Limits::default())
    }

    fn m(r0: u32, c0: u32, r1: u32, c1: u32) -> Merge {
        Merge {
            first_row: r0,
            first_col: c0,
            last_row: r1,
            last_col: c1,
        }
    }

    /// An .xlsx of one sheet holding `text` at each of `cells`, by rust_xlsxwriter (which
    /// writes text as shared strings).
    fn workbook(cells: &[(u32, u16)], text: &str) -> Vec<u8> {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for &(r, c) in cells {
            ws.write_string(r, c, text).expect("write");
        }
        wb.save_to_buffer().expect("xlsx")
    }

    #[test]
    fn far_apart_cells_make_a_huge_area() {
        let bytes = workbook(&[(0, 0), (1_048_575, 16_383)], "x");
        assert!(matches!(
            crate::read::read_bytes(&bytes, &Limits::default()),
            Err(ReadError::TooLarge {
                what: Budget::SheetArea(_),
                found: 17_179_869_184,
                ..
            })
        ));
    }

    #[test]
    fn shared_string_references_are_charged_per_use() {
        // One 1 000-byte string referenced 600 times copies 600 000 bytes.
        let bytes = workbook(
            &(0..600).map(|r| (r, 0)).collect::<Vec<_>>(),
            &"a".repeat(1000),
        );
        let mut limits = Limits::default();
        assert!(crate::read::read_bytes(&bytes, &limits).is_ok());
        limits.max_decompressed_bytes = 500_000;
        assert!(matches!(
            crate::read::read_bytes(&bytes, &limits),
            Err(ReadError::TooLarge {
                what: Budget::TextTotal,
                ..
            })
        ));
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
    fn merged_regions_are_found_after_the_cells() {
        let xml = r#"<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>mergeCells</t></is></c></row></sheetData>
            <mergeCells count="3"><mergeCell ref="A1:C2"/>
            <mergeCell ref="D5"/><mergeCell ref="F9:E7"/><mergeCell/></mergeCells>
            <mergeCells><mergeCell ref="Z9"/></mergeCells></worksheet>"#;
        // Text that reads "mergeCells" is not the element; only the first element counts.
        assert_eq!(
            sheet(xml).expect("scan"),
            [m(0, 0, 1, 2), m(4, 3, 4, 3), m(6, 4, 8, 5)]
        );
        let prefixed =
            r#"<x:worksheet><x:mergeCells><x:mergeCell ref="B2:C3"/></x:mergeCells></x:worksheet>"#;
        assert_eq!(sheet(prefixed).expect("scan"), [m(1, 1, 2, 2)]);
        assert_eq!(
            sheet("<worksheet><sheetData/></worksheet>").expect("scan"),
            []
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
    fn merged_regions_cut_across_reads_are_found() {
        // A reader that hands out the part a few bytes at a time puts the element name
        // across every possible seam.
        let mut xml = String::from("<worksheet><sheetData>");
        xml.push_str(&"<row/>".repeat(50));
        xml.push_str(
            r#"</sheetData><mergeCells><mergeCell ref="A1:B1"/></mergeCells></worksheet>"#,
        );
        for step in 1..=13 {
            let r = std::io::BufReader::with_capacity(step, xml.as_bytes());
            let found = scan_sheet(r, "sheet.xml", "S", &Limits::default()).expect("scan");
            assert_eq!(found, [m(0, 0, 0, 1)], "reads of {step} bytes");
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
