//! .xlsx / .xlsm: every part inflated and read once, the cells of each sheet by our own
//! reader (`sheetscan`) with every budget checked as they stream.
//!
//! Until issue 13 ("one pass per file") a pre-scan walked every part to check what calamine
//! would build (calamine's `worksheet_range` allocates a sheet's bounding box at once,
//! issue 693, and reserves the shared strings a file declares, issue 684; both abort the
//! process when refused), and then calamine's `worksheet_cells_reader` inflated and parsed
//! every sheet a second time. Profiled on the province scenario (183 returns of 150
//! projects, `perf record --call-graph dwarf` of `tongbao check`, release build), reading
//! took 60 % of the run: calamine's part 46 % (its cell reader 28 %, of which quick-xml's
//! tokenising most; the shared strings and styles 7 %), the pre-scan 13 % (its sheet walk
//! 6 %). Handing calamine the single pass was not possible (its reader opens and parses
//! the zip entry itself and exposes no events), and its tokeniser was the larger cost, so
//! the pre-scan's lexer, which already walked every `<c>`, became the reader: calamine is
//! no longer used for .xlsx (it still reads .xls and .ods). The values are calamine
//! 0.38's, rule for rule (`sheetscan`, `sst`, `numfmt`), and so are its refusals' words;
//! BENCHMARKS.md ("One pass per sheet") has the figures before and after. The shared
//! strings went through quick-xml until 2026-12-04, when they were still 13 % of the
//! instructions of checking a province; the same lexer reads them now (`sst`). quick-xml
//! is left with the small parts (relationships, workbook, styles).
//!
//! The parts are read in this order: the package relationships, the workbook's
//! relationships and the workbook (sheet names, visibility, date system), the shared
//! strings and styles (whatever their place in the archive: the sheets need them), each
//! worksheet in workbook order, then every other entry, inflated through the budget so
//! that each is checked for its size and CRC. Relationship targets are resolved as paths
//! (`../xl/worksheets/sheet1.xml`), and one that climbs out of the package is refused.
//!
//! XML carrying a `<!DOCTYPE` (and so possibly `<!ENTITY` declarations) is refused as
//! [`ReadError::Other`]: Excel, WPS and LibreOffice never write one, a file that has one
//! was made by something else, and the county is best told to save it again from Excel.

use std::collections::HashMap;
use std::io::BufRead;

use quick_xml::events::{BytesStart, Event};

use super::fault::Fault;
use super::guard::{too_large, Inflated};
use super::numfmt::read_styles;
use super::raw::sort_cells;
use super::sheetscan::{read_sheet, SheetCells, Tally, Workbook};
use super::sst::{read_strings, SharedStrings};
use super::xml::{self, attr_text, doctype, raw_attrs, scan_for_doctype, shown, ScanError};
use super::zipscan::{drain_entry, key, read_entry, Archive, Entries};
use super::Damage;
use super::{Budget, CellValue, Container, RawCell, RawSheet, RawWorkbook, ReadError};
use crate::config::Limits;
use crate::model::a1;

/// The most text (bytes) a workbook may yield, as a share of the decompression budget:
/// an eighth (64 MiB by default). Every cell's text is a `String` of its own, and a
/// shared string is copied once per cell that uses it, so a 2 MB string used by 250
/// cells costs 500 MB while its XML costs a few KB; the decompression budget bounds
/// the XML, this bounds the copies. A county return holds a few MB of text.
pub(crate) fn text_budget(limits: &Limits) -> u64 {
    limits.max_decompressed_bytes / 8
}

/// What the workbook-level parts say about the sheets.
struct Package {
    /// Folder of the workbook part, e.g. `xl/`.
    xl_path: String,
    workbook: String,
    workbook_rels: String,
    /// Every sheet in workbook order.
    sheets: Vec<SheetEntry>,
    /// Serial dates count from 1904.
    is_1904: bool,
}

/// One `<sheet>` of the workbook, its part resolved.
struct SheetEntry {
    name: String,
    visible: bool,
    /// Normalised part path.
    path: String,
    /// A worksheet (not a chart or dialog sheet).
    worksheet: bool,
}

/// calamine's refusals of the workbook-level parts, in the order it read them (package
/// relationships, shared strings, styles, workbook relationships, workbook): the first is
/// told, after any fault of the pre-scan's kind, before any fault in the cells.
#[derive(Default)]
struct LateFaults([Option<ReadError>; 5]);

impl LateFaults {
    const PACKAGE_RELS: usize = 0;
    const STRINGS: usize = 1;
    const STYLES: usize = 2;
    const WORKBOOK_RELS: usize = 3;
    const WORKBOOK: usize = 4;

    fn set(&mut self, slot: usize, fault: Fault) {
        if self.0[slot].is_none() {
            self.0[slot] = Some(fault.refusal(None));
        }
    }

    fn first(self) -> Option<ReadError> {
        self.0.into_iter().flatten().next()
    }
}

/// Reads an .xlsx/.xlsm whose archive is already open.
pub(crate) fn read(
    archive: &mut Archive<'_>,
    entries: &Entries,
    budget: &Inflated,
    limits: &Limits,
) -> Result<RawWorkbook, ReadError> {
    let mut late = LateFaults::default();
    let package = read_package(archive, entries, budget, limits, &mut late)?;
    let sst_path = key(&format!("{}sharedStrings.xml", package.xl_path));
    let styles_path = key(&format!("{}styles.xml", package.xl_path));
    let theme_path = key(&format!("{}theme/theme1.xml", package.xl_path));
    let package_parts = [
        key("_rels/.rels"),
        key(&package.workbook),
        key(&package.workbook_rels),
    ];

    // Shared strings and styles first, whatever their place in the archive: the cells
    // need them.
    let mut strings = SharedStrings::default();
    if let Some(entry) = entries.find(&sst_path) {
        strings = read_entry(archive, entry, budget, true, |r| {
            read_strings(r, &entry.name, limits)
        })?;
        if let Some(fault) = strings.fault.take() {
            late.set(LateFaults::STRINGS, fault);
        }
    }
    let text_limit = text_budget(limits);
    if strings.total_bytes > text_limit {
        return Err(too_large(
            Budget::TextTotal,
            strings.total_bytes,
            text_limit,
        ));
    }
    let mut formats = Vec::new();
    if let Some(entry) = entries.find(&styles_path) {
        let (kinds, fault) = read_entry(archive, entry, budget, true, |r| {
            read_styles(r, &entry.name)
        })?;
        formats = kinds;
        if let Some(fault) = fault {
            late.set(LateFaults::STYLES, fault);
        }
    }

    let book = Workbook {
        strings: &strings.strings,
        string_count: strings.count,
        formats: &formats,
        is_1904: package.is_1904,
        limits,
    };
    let mut tally = Tally {
        cells: 0,
        text: strings.total_bytes,
        late: false,
    };
    // Every other part in the archive's order, each worksheet read once (under the name
    // of the first sheet that names it), the rest inflated for their size and checksum.
    let mut read_parts: HashMap<String, Option<SheetCells>> = HashMap::new();
    for entry in &entries.list {
        let path = key(&entry.name);
        if entry.is_dir || path == sst_path || path == styles_path || package_parts.contains(&path)
        {
            continue;
        }
        if let Some(sheet) = package
            .sheets
            .iter()
            .find(|s| s.worksheet && s.path == path)
        {
            let read = read_entry(archive, entry, budget, true, |r| {
                read_sheet(r, &entry.name, &sheet.name, &book, &mut tally)
            })?;
            read_parts.insert(path, read);
        } else if path == theme_path {
            read_entry(archive, entry, budget, true, |r| {
                scan_for_doctype(r, &entry.name)
            })?;
        } else {
            drain_entry(archive, entry, budget)?;
        }
    }
    if let Some(refusal) = late.first() {
        return Err(refusal);
    }

    // The sheets in workbook order, as calamine read them, its refusals in that order.
    // calamine found a sheet's part by its name: the first sheet of that name.
    fn part_of<'p>(sheets: &'p [SheetEntry], sheet: &'p SheetEntry) -> &'p str {
        sheets
            .iter()
            .find(|s| s.name == sheet.name)
            .map_or(sheet.path.as_str(), |s| s.path.as_str())
    }
    // How many sheets still to come read each part: the last one takes its cells, the
    // others (two sheets of one part, which only a made-up file has) a copy.
    let mut uses: HashMap<&str, usize> = HashMap::new();
    for sheet in package.sheets.iter().filter(|s| s.worksheet) {
        *uses.entry(part_of(&package.sheets, sheet)).or_default() += 1;
    }
    let mut sheets = Vec::new();
    let mut counted: Vec<&str> = Vec::new();
    for sheet in package.sheets.iter().filter(|s| s.worksheet) {
        let name = sheet.name.as_str();
        let path = part_of(&package.sheets, sheet);
        let Some(slot) = read_parts.get_mut(path) else {
            let missing = Fault::WorksheetMissing(name.to_string());
            return Err(missing.refusal(Some((name, None))));
        };
        // A part that is not a worksheet was passed over, as calamine passed it over.
        let Some(read) = slot.as_ref() else { continue };
        if let Some(refusal) = &read.late {
            return Err(refusal.clone());
        }
        if counted.contains(&path) {
            charge_again(read, &mut tally, limits.max_cells_per_sheet, text_limit)?;
        }
        counted.push(path);
        let left = uses.get_mut(path).map_or(0, |n| {
            *n = n.saturating_sub(1);
            *n
        });
        let cells = if left == 0 { slot.take() } else { slot.clone() };
        let Some(cells) = cells else { continue };
        sheets.push(finish_sheet(
            name,
            sheet.visible,
            cells,
            &mut tally,
            limits,
        )?);
    }
    Ok(RawWorkbook {
        container: Container::Xlsx,
        sheets,
    })
}

/// Counts the cells of a part read for an earlier sheet again, for a second sheet that
/// names it.
fn charge_again(
    cells: &SheetCells,
    tally: &mut Tally,
    cap: u64,
    text_limit: u64,
) -> Result<(), ReadError> {
    tally.cells += cells.cells.len() as u64;
    if tally.cells > cap {
        return Err(too_large(Budget::WorkbookCells, tally.cells, cap));
    }
    for cell in &cells.cells {
        if let CellValue::Text(t) | CellValue::Error(t) = &cell.value {
            tally.text = tally.text.saturating_add(t.len() as u64);
        }
    }
    if tally.text > text_limit {
        return Err(too_large(Budget::TextTotal, tally.text, text_limit));
    }
    Ok(())
}

/// A sheet once its part is read: two cells at one address are refused (which one a
/// program shows is anyone's guess), the cells sorted, and the formulas without a saved
/// result put where calamine read nothing, counted like the other cells.
fn finish_sheet(
    name: &str,
    visible: bool,
    read: SheetCells,
    tally: &mut Tally,
    limits: &Limits,
) -> Result<RawSheet, ReadError> {
    let cap = limits.max_cells_per_sheet;
    let text_limit = text_budget(limits);
    let SheetCells {
        mut cells,
        in_order,
        empty,
        merges,
        uncalculated,
        late: _,
    } = read;
    if !in_order {
        // Files are written in order; only a sheet that is not may repeat an address.
        let held = cells.len() + empty.as_ref().map_or(0, Vec::len);
        let Some(empty) = empty.filter(|_| held as u64 <= cap) else {
            return Err(too_large(
                Budget::SheetCells(name.to_string()),
                cap + 1,
                cap,
            ));
        };
        let mut seen: Vec<(u32, u32)> = cells.iter().map(|c| (c.row, c.col)).collect();
        seen.extend(empty);
        seen.sort_unstable();
        if let Some(w) = seen.windows(2).find(|w| w[0] == w[1]) {
            let at = a1(w[0].0, w[0].1);
            return Err(ReadError::Truncated(Damage::CellTwice {
                sheet: name.to_string(),
                cell: at,
            }));
        }
    }
    sort_cells(&mut cells);
    // Formulas without a saved result: never empty cells (see
    // [`CellValue::Uncalculated`]).
    let mut formulas = Vec::new();
    for (row, col, formula) in uncalculated {
        let read = cells
            .binary_search_by(|c| (c.row, c.col).cmp(&(row, col)))
            .is_ok();
        if read {
            continue;
        }
        tally.cells += 1;
        let held = (cells.len() + formulas.len()) as u64;
        if held >= cap {
            return Err(too_large(
                Budget::SheetCells(name.to_string()),
                held + 1,
                cap,
            ));
        }
        if tally.cells > cap {
            return Err(too_large(Budget::WorkbookCells, tally.cells, cap));
        }
        tally.text = tally.text.saturating_add(formula.len() as u64);
        if tally.text > text_limit {
            return Err(too_large(Budget::TextTotal, tally.text, text_limit));
        }
        formulas.push(RawCell {
            row,
            col,
            value: CellValue::Uncalculated(formula.into()),
        });
    }
    if !formulas.is_empty() {
        cells.append(&mut formulas);
        sort_cells(&mut cells);
    }
    Ok(RawSheet {
        name: name.to_string(),
        visible,
        cells,
        merges,
    })
}

/// One `<Relationship>`, its attributes raw (entities not decoded) as calamine read them.
#[derive(Debug, Clone, Default)]
struct Relationship {
    id: Option<String>,
    typ: Option<String>,
    target: Option<String>,
}

/// A relationships part as read: its relationships, and what calamine refused in it (a
/// malformed attribute, no `</Relationships>`).
struct Relationships {
    list: Vec<Relationship>,
    fault: Option<Fault>,
}

/// Reads the package relationships, the workbook's relationships and the workbook part,
/// and checks the sheet count.
fn read_package(
    archive: &mut Archive<'_>,
    entries: &Entries,
    budget: &Inflated,
    limits: &Limits,
    late: &mut LateFaults,
) -> Result<Package, ReadError> {
    let missing = |part: &str| ReadError::Truncated(Damage::PartMissing { part: part.into() });
    let root = entries
        .find("_rels/.rels")
        .ok_or_else(|| missing("_rels/.rels"))?;
    let root_rels = read_entry(archive, root, budget, true, |r| {
        scan_relationships(r, &root.name, RelsPart::Package)
    })?;
    // calamine took the last relationship to the workbook, its target decoded.
    let office_document = root_rels.list.iter().rposition(|rel| {
        rel.typ
            .as_deref()
            .is_some_and(|t| t.ends_with("/relationships/officeDocument"))
            && rel.target.is_some()
    });
    let Some(office_document) = office_document else {
        return Err(ReadError::Truncated(Damage::NoWorkbookRelationship));
    };
    if let Some(fault) = root_rels.fault {
        late.set(LateFaults::PACKAGE_RELS, fault);
    }
    let target = attr_text(
        root_rels.list[office_document]
            .target
            .as_deref()
            .unwrap_or_default(),
    );
    // Split as calamine does: folder and file name.
    let (dir, file) = match target.rfind('/') {
        Some(i) => target.split_at(i + 1),
        None => ("", target.as_str()),
    };
    let workbook_name = if file.is_empty() {
        "workbook.xml"
    } else {
        file
    };
    let outside = |what: &str| {
        ReadError::Truncated(Damage::TargetOutsidePackage {
            target: shown(what.as_bytes()),
        })
    };
    let xl_path = match resolve("", dir).ok_or_else(|| outside(&target))? {
        d if d.is_empty() => d,
        d => format!("{d}/"),
    };
    let workbook = format!("{xl_path}{workbook_name}");
    let workbook_rels = format!("{xl_path}_rels/{workbook_name}.rels");

    let rels_entry = entries
        .find(&workbook_rels)
        .ok_or_else(|| missing(&workbook_rels))?;
    let relationships = read_entry(archive, rels_entry, budget, true, |r| {
        scan_relationships(r, &rels_entry.name, RelsPart::Workbook)
    })?;
    if let Some(fault) = relationships.fault {
        late.set(LateFaults::WORKBOOK_RELS, fault);
    }
    let relationships = relationships.list;
    // By id, the last of each as calamine kept them.
    let by_id: HashMap<&str, usize> = relationships
        .iter()
        .enumerate()
        .filter_map(|(i, rel)| Some((rel.id.as_deref()?, i)))
        .collect();
    let listed = match entries.find(&workbook) {
        Some(entry) => read_entry(archive, entry, budget, true, |r| {
            scan_workbook(r, &entry.name, limits)
        })?,
        None => ListedWorkbook::default(),
    };
    let mut sheets = Vec::new();
    for listed in listed.sheets {
        // calamine refused a sheet it could not place (the pre-scan passed over it).
        if let Some(fault) = listed.fault {
            late.set(LateFaults::WORKBOOK, fault);
        }
        let Some(&i) = by_id.get(listed.rel_id.as_str()) else {
            late.set(LateFaults::WORKBOOK, Fault::RelationshipMissing);
            continue;
        };
        let rel = &relationships[i];
        let target = rel.target.as_deref().unwrap_or_default();
        // calamine went by the type's last segment.
        let worksheet = match rel.typ.as_deref().unwrap_or_default().rsplit('/').next() {
            Some("worksheet") => true,
            Some("chartsheet" | "dialogsheet") => false,
            _ => {
                let val = target.to_string();
                late.set(
                    LateFaults::WORKBOOK,
                    Fault::Unrecognized {
                        typ: "sheet:type",
                        val,
                    },
                );
                false
            }
        };
        // Only a worksheet's part is read (and so its target checked).
        let path = match worksheet {
            true => resolve(&xl_path, target).ok_or_else(|| outside(target))?,
            false => resolve(&xl_path, target).unwrap_or_default(),
        };
        sheets.push(SheetEntry {
            name: listed.name,
            visible: listed.visible,
            path: key(&path),
            worksheet,
        });
    }
    if let Some(fault) = listed.fault {
        late.set(LateFaults::WORKBOOK, fault);
    }
    Ok(Package {
        xl_path,
        workbook,
        workbook_rels,
        sheets,
        is_1904: listed.is_1904,
    })
}

/// Whether the package relationships (`_rels/.rels`) name a workbook part that the archive
/// holds: a package whose workbook is not `xl/workbook.xml` (a program's own layout) is
/// still a workbook to Excel and calamine. Word and PowerPoint packages are told apart
/// before this is asked.
pub(crate) fn names_a_workbook_part(
    archive: &mut Archive<'_>,
    entries: &Entries,
    budget: &Inflated,
) -> Result<bool, ReadError> {
    let Some(root) = entries.find("_rels/.rels") else {
        return Ok(false);
    };
    let rels = read_entry(archive, root, budget, true, |r| {
        scan_relationships(r, &root.name, RelsPart::Package)
    })?;
    let target = rels.list.iter().rev().find_map(|rel| {
        let office = rel
            .typ
            .as_deref()
            .is_some_and(|t| t.ends_with("/relationships/officeDocument"));
        rel.target.as_deref().filter(|_| office)
    });
    Ok(target
        .and_then(|t| resolve("", &attr_text(t)))
        .is_some_and(|path| {
            path.to_ascii_lowercase().ends_with(".xml") && entries.find(&path).is_some()
        }))
}

/// `target` resolved against the folder `base` (`xl/`, or empty for the package root) as
/// a relationship target is: from the root if it starts with `/`, `.` and `..` segments
/// and empty ones taken out, `\` read as `/`. `None` when a `..` climbs out of the
/// package.
fn resolve(base: &str, target: &str) -> Option<String> {
    let (mut parts, rest): (Vec<&str>, &str) = match target.strip_prefix(['/', '\\']) {
        Some(absolute) => (Vec::new(), absolute),
        None => (base.split('/').filter(|s| !s.is_empty()).collect(), target),
    };
    for segment in rest.split(['/', '\\']) {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Which relationships part is read: calamine read the two differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RelsPart {
    /// `_rels/.rels`: from the first `<Relationships>` on, `Type` and `Target` only.
    Package,
    /// The workbook's: from the start, `Id`, `Type` and `Target`.
    Workbook,
}

/// The `<Relationship>` elements of a relationships part, in order, read as calamine
/// read them: up to the first `</Relationships>`, attributes split by its rules, each it
/// looks for as last seen until it has seen as many as it looks for.
fn scan_relationships<R: BufRead>(
    r: R,
    part: &str,
    which: RelsPart,
) -> Result<Relationships, ScanError> {
    let mut x = xml::reader(r);
    let mut buf = Vec::new();
    let mut rels = Vec::new();
    let mut inside = which == RelsPart::Workbook;
    let mut fault = None;
    let wanted = match which {
        RelsPart::Package => 2,
        RelsPart::Workbook => 3,
    };
    loop {
        buf.clear();
        match x.read_event_into(&mut buf)? {
            Event::Start(e) if e.local_name().as_ref() == "Relationships" => inside = true,
            Event::Start(e) if inside && e.local_name().as_ref() == "Relationship" => {
                let mut rel = Relationship::default();
                let mut found = 0;
                for attr in raw_attrs(e.attributes_raw().as_bytes()) {
                    let Some((k, v)) = attr else {
                        fault.get_or_insert(Fault::Attribute);
                        break;
                    };
                    let value = Some(String::from_utf8_lossy(v).into_owned());
                    match k {
                        b"Id" if which == RelsPart::Workbook => rel.id = value,
                        b"Type" => rel.typ = value,
                        b"Target" => rel.target = value,
                        _ => continue,
                    }
                    found += 1;
                    if found == wanted {
                        break;
                    }
                }
                rels.push(rel);
            }
            Event::End(e) if inside && e.local_name().as_ref() == "Relationships" => {
                return Ok(Relationships { list: rels, fault })
            }
            Event::DocType(_) => return Err(doctype(part)),
            Event::Eof => {
                let fault = fault.unwrap_or(Fault::Eof("Relationships"));
                return Ok(Relationships {
                    list: rels,
                    fault: Some(fault),
                });
            }
            _ => {}
        }
    }
}

/// One `<sheet>` of the workbook part as listed.
struct ListedSheet {
    name: String,
    rel_id: String,
    visible: bool,
    /// What calamine refused in it (an unknown `state`, a malformed attribute).
    fault: Option<Fault>,
}

/// The workbook part as read.
#[derive(Default)]
struct ListedWorkbook {
    sheets: Vec<ListedSheet>,
    /// Serial dates count from 1904.
    is_1904: bool,
    /// What calamine refused in the part besides its sheets (no `</workbook>`).
    fault: Option<Fault>,
}

/// The `<sheet>` entries of the workbook part and its date system (`date1904`), refusing
/// more than `max_sheets`. Read as calamine read it, up to `</workbook>`, a defined
/// name's content passed over.
fn scan_workbook<R: BufRead>(
    r: R,
    part: &str,
    limits: &Limits,
) -> Result<ListedWorkbook, ScanError> {
    let mut x = xml::reader(r);
    let mut buf = Vec::new();
    let mut book = ListedWorkbook::default();
    // Inside a `<definedName name="…">`: its full name, whose end tag ends it.
    let mut defined_name: Option<Vec<u8>> = None;
    loop {
        buf.clear();
        let event = x.read_event_into(&mut buf)?;
        if let Some(name) = &defined_name {
            match event {
                Event::End(e) if e.name().as_ref().as_bytes() == name.as_slice() => {
                    defined_name = None
                }
                Event::DocType(_) => return Err(doctype(part)),
                Event::Eof => {
                    book.fault = Some(Fault::Eof("workbook"));
                    return Ok(book);
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(e) if e.local_name().as_ref() == "sheet" => {
                if book.sheets.len() as u64 >= limits.max_sheets {
                    return Err(too_large(
                        Budget::Sheets,
                        book.sheets.len() as u64 + 1,
                        limits.max_sheets,
                    )
                    .into());
                }
                book.sheets.push(sheet_entry(&e));
            }
            Event::Start(e) if e.local_name().as_ref() == "workbookPr" => {
                for attr in raw_attrs(e.attributes_raw().as_bytes()) {
                    match attr {
                        None => {
                            book.fault.get_or_insert(Fault::Attribute);
                            break;
                        }
                        Some((b"date1904", v)) => {
                            book.is_1904 = v == b"1" || v == b"true";
                            break;
                        }
                        Some(_) => {}
                    }
                }
            }
            Event::Start(e) if e.local_name().as_ref() == "definedName" => {
                let named = raw_attrs(e.attributes_raw().as_bytes())
                    .map_while(|a| a)
                    .any(|(k, _)| k == b"name");
                if named {
                    defined_name = Some(e.name().as_ref().as_bytes().to_vec());
                }
            }
            Event::End(e) if e.local_name().as_ref() == "workbook" => return Ok(book),
            Event::DocType(_) => return Err(doctype(part)),
            Event::Eof => {
                book.fault.get_or_insert(Fault::Eof("workbook"));
                return Ok(book);
            }
            _ => {}
        }
    }
}

/// One `<sheet>`: like calamine, the last `name`, `state` and `id` (of any prefix) count.
fn sheet_entry(e: &BytesStart<'_>) -> ListedSheet {
    let mut sheet = ListedSheet {
        name: String::new(),
        rel_id: String::new(),
        visible: true,
        fault: None,
    };
    for attr in raw_attrs(e.attributes_raw().as_bytes()) {
        let Some((k, v)) = attr else {
            sheet.fault.get_or_insert(Fault::Attribute);
            break;
        };
        let v = String::from_utf8_lossy(v);
        if k == b"name" {
            sheet.name = attr_text(&v);
        } else if k == b"state" {
            match v.as_ref() {
                "visible" => sheet.visible = true,
                "hidden" | "veryHidden" => sheet.visible = false,
                other => {
                    let val = other.to_string();
                    sheet.fault.get_or_insert(Fault::Unrecognized {
                        typ: "sheet:state",
                        val,
                    });
                }
            }
        } else if k == b"id" || k.strip_suffix(b"id").is_some_and(|p| p.ends_with(b":")) {
            sheet.rel_id = v.into_owned();
        }
    }
    sheet
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};

    #[test]
    fn cells_are_sorted_in_place_keeping_the_last_written_at_an_address() {
        let cell = |row, col, v: &str| RawCell {
            row,
            col,
            value: CellValue::Text(v.into()),
        };
        let text = |c: &RawCell| match &c.value {
            CellValue::Text(t) => (c.row, c.col, t.to_string()),
            other => panic!("{other:?}"),
        };
        let mut cells = vec![
            cell(1, 0, "b"),
            cell(0, 1, "first"),
            cell(0, 0, "a"),
            cell(0, 1, "second"),
        ];
        sort_cells(&mut cells);
        let got: Vec<_> = cells.iter().map(text).collect();
        assert_eq!(
            got,
            [
                (0, 0, "a".to_string()),
                (0, 1, "second".to_string()),
                (1, 0, "b".to_string())
            ]
        );
        // In order already, with a repeat: the same, without sorting.
        let mut cells = vec![cell(0, 0, "x"), cell(0, 0, "y"), cell(0, 2, "z")];
        sort_cells(&mut cells);
        let got: Vec<_> = cells.iter().map(text).collect();
        assert_eq!(got, [(0, 0, "y".to_string()), (0, 2, "z".to_string())]);
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

    /// An .xlsx of one sheet "S" holding `rows` (the `sheetData` content), by hand.
    fn sheet_workbook(rows: &str) -> Vec<u8> {
        let sheet = format!(
            r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>"#
        );
        let mut wb = rust_xlsxwriter::Workbook::new();
        wb.add_worksheet().set_name("S").expect("name");
        let good = wb.save_to_buffer().expect("xlsx");
        let mut source = zip::ZipArchive::new(Cursor::new(good)).expect("zip");
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..source.len() {
            let entry = source.by_index_raw(i).expect("entry");
            if entry.name().ok().as_deref() == Some("xl/worksheets/sheet1.xml") {
                continue;
            }
            out.raw_copy_file(entry).expect("copy");
        }
        out.start_file(
            "xl/worksheets/sheet1.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .expect("sheet");
        out.write_all(sheet.as_bytes()).expect("write");
        out.finish().expect("finish").into_inner()
    }

    #[test]
    fn a_cell_past_the_last_column_is_refused() {
        // Column XFE does not wrap in calamine; it is simply past Excel's last column.
        let bytes =
            sheet_workbook(r#"<row r="1"><c r="A1"><v>1</v></c><c r="XFE1"><v>2</v></c></row>"#);
        let limits = Limits::default();
        assert!(matches!(
            crate::read::read_bytes(&bytes, &limits),
            Err(ReadError::Truncated(d)) if d.text(crate::lang::Lang::Zh).contains("“XFE1”")
        ));
    }

    #[test]
    fn relationship_targets_resolve_like_paths() {
        assert_eq!(
            resolve("xl/", "worksheets/sheet1.xml").as_deref(),
            Some("xl/worksheets/sheet1.xml")
        );
        assert_eq!(
            resolve("xl/", "../xl/worksheets/sheet1.xml").as_deref(),
            Some("xl/worksheets/sheet1.xml")
        );
        assert_eq!(
            resolve("xl/", "/xl/./worksheets//sheet1.xml").as_deref(),
            Some("xl/worksheets/sheet1.xml")
        );
        assert_eq!(
            resolve("xl/", "worksheets\\sheet1.xml").as_deref(),
            Some("xl/worksheets/sheet1.xml")
        );
        assert_eq!(resolve("", "./xl/").as_deref(), Some("xl"));
        assert_eq!(resolve("xl/", "../../sheet1.xml"), None);
        assert_eq!(resolve("", "/../xl/workbook.xml"), None);
    }

    #[test]
    fn relationships_are_read_as_calamine_reads_them() {
        let targets = |xml: &str, which| {
            scan_relationships(xml.as_bytes(), "rels", which)
                .expect("scan")
                .list
                .into_iter()
                .map(|r| r.target.unwrap_or_default())
                .collect::<Vec<_>>()
        };
        // Nothing after the first `</Relationships>` counts, nor (in the package's part)
        // anything before the first `<Relationships>`.
        let forged = r#"<Relationship Type="t" Target="before"/><Relationships><Relationship Type="t" Target="a"/></Relationships><Relationship Type="t" Target="after"/>"#;
        assert_eq!(targets(forged, RelsPart::Package), ["a"]);
        assert_eq!(targets(forged, RelsPart::Workbook), ["before", "a"]);
        // calamine stops once it has seen as many attributes as it looks for.
        let twice = r#"<Relationships><Relationship Id="x" Type="t" Target="a" Target="b"/></Relationships>"#;
        assert_eq!(targets(twice, RelsPart::Package), ["a"]);
        assert_eq!(targets(twice, RelsPart::Workbook), ["a"]);
        let early = r#"<Relationships><Relationship Type="t" Target="a" Id="x" Target="b"/></Relationships>"#;
        assert_eq!(targets(early, RelsPart::Package), ["a"]);
    }

    #[test]
    fn declared_unique_count_is_checked_before_reading() {
        let xml = r#"<sst uniqueCount="4000000000"><si><t>a</t></si></sst>"#;
        let r = crate::read::sst::read_strings(xml.as_bytes(), "sst", &Limits::default());
        assert!(matches!(
            r,
            Err(ScanError::Reject(ReadError::TooLarge {
                found: 4_000_000_000,
                ..
            }))
        ));
    }
}
