//! .xlsx / .xlsm: a streaming pre-scan of every part, then calamine's streaming cell
//! reader with the cells counted as they come.
//!
//! calamine's own `worksheet_range` allocates the bounding box of a sheet's cells at once
//! (issue 693: cells at A1 and XFD1048576 ask for ~550 GB) and reserves the shared-string
//! table by its declared `uniqueCount` (issue 684), and both allocations abort the process
//! when refused. So before calamine opens the file, [`prescan`] inflates every part once
//! through the decompression budget (which also bounds the longest XML token and checks
//! each checksum), counts the shared strings and style records calamine will build, and
//! walks each sheet's markup once (`sheetscan`): every row and cell reference must lie
//! within XFD1048576 (calamine's `u32` would wrap `K4294967299` to K3), every typed value
//! must be what its type says (a shared-string index a plain number inside the table),
//! and the merged regions are collected on the way. The cells are then read with
//! `worksheet_cells_reader`, whose memory follows the cells actually present, and [`load`]
//! counts them against the same budgets as they come: cells per sheet and per workbook,
//! each sheet's used area, and the text copied out; two cells at one address are refused
//! there. (The zip reader stops any entry at its declared size, so calamine's own
//! inflating is bounded by the sizes the pre-scan saw.)
//!
//! The package is resolved the way calamine resolves it, so the parts checked are the
//! parts it reads. Where calamine would go wrong on a valid file (a relationship target
//! such as `../xl/worksheets/sheet1.xml`, which it joins to its folder without resolving
//! the `..`), it is handed a copy of the package whose relationship parts name their
//! targets by resolved, absolute paths; a target that climbs out of the package is
//! refused.
//!
//! XML carrying a `<!DOCTYPE` (and so possibly `<!ENTITY` declarations) is refused as
//! [`ReadError::Other`]: Excel, WPS and LibreOffice never write one, a file that has one
//! was made by something else, and the county is best told to save it again from Excel.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{BufRead, Cursor, Write};

use calamine::{Reader, SheetType, SheetVisible, Xlsx, XlsxError};
use quick_xml::events::{BytesStart, Event};

use super::convert::from_data_ref;
use super::guard::{fenced, too_large, Inflated};
use super::sheetscan::{scan_sheet, scan_strings, SharedStrings, SheetFacts};
use super::xml::{self, attr_text, raw_attrs, shown, ScanError, MAX_COLUMNS, MAX_ROWS};
use super::zipscan::{drain_entry, key, read_entry, xml_problem, zip_error, Archive, Entries};
use super::Damage;
use super::{Budget, CellValue, Container, NotWorkbook, RawCell, RawSheet, RawWorkbook, ReadError};
use crate::config::Limits;
use crate::model::a1;

/// Most style records (`xf`, `font`, `fill`, `border`, `numFmt`, `dxf`) calamine is let
/// build. Each becomes a `Style` of a few hundred bytes, from as little as five bytes of
/// XML. Excel itself allows 64 000 cell formats.
pub(crate) const MAX_STYLE_RECORDS: u64 = 100_000;

/// The most text (bytes) a workbook may yield, as a share of the decompression budget:
/// an eighth (64 MiB by default). Every cell's text is a `String` of its own, and a
/// shared string is copied once per cell that uses it, so a 2 MB string used by 250
/// cells costs 500 MB while its XML costs a few KB; the decompression budget bounds
/// the XML, this bounds the copies. A county return holds a few MB of text.
pub(crate) fn text_budget(limits: &Limits) -> u64 {
    limits.max_decompressed_bytes / 8
}

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
    /// Relationship parts rewritten for calamine (entry index, new content), when a target
    /// needs resolving that calamine would not resolve.
    rewritten: Vec<(usize, Vec<u8>)>,
}

/// What the pre-scan hands to [`load`].
struct Scanned {
    /// Each worksheet's merged regions and formulas without results, by sheet name (read
    /// here rather than by a second pass of calamine over every sheet).
    sheets: HashMap<String, SheetFacts>,
    /// Bytes of XML text in the shared-string table, which calamine holds throughout.
    string_bytes: u64,
    /// The package calamine is to read instead of the file, if its relationships had to
    /// be rewritten.
    package: Option<Vec<u8>>,
}

/// Checks what calamine would build from this archive before it builds anything: every
/// part is inflated through the budget (size, longest XML token, CRC), the package parts,
/// shared strings and styles are counted, and each worksheet is walked once for its
/// references, typed values and merged regions. The cells themselves are counted as
/// calamine's cell reader yields them ([`load`]): that reader's memory follows the cells
/// it returns, so there they are bounded without parsing every sheet twice.
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
    // counted with their lengths, and their indexes checked against their number.
    let mut strings = SharedStrings::default();
    if let Some(entry) = entries.find(&sst_path) {
        strings = read_entry(archive, entry, budget, true, |r| {
            scan_strings(r, &entry.name, limits)
        })?;
    }
    let text_limit = text_budget(limits);
    if strings.total_bytes > text_limit {
        return Err(too_large(
            Budget::TextTotal,
            strings.total_bytes,
            text_limit,
        ));
    }
    let mut sheet_facts: HashMap<String, SheetFacts> = HashMap::new();
    for entry in &entries.list {
        let path = key(&entry.name);
        if entry.is_dir || path == sst_path || package_parts.contains(&path) {
            continue;
        }
        if let Some(name) = sheet_names.get(path.as_str()) {
            let facts = read_entry(archive, entry, budget, true, |r| {
                scan_sheet(r, &entry.name, name, strings.count, limits)
            })?;
            sheet_facts.insert(path, facts);
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
    // A part listed for two sheets is one part: each sheet gets its facts.
    let sheets = package
        .sheets
        .iter()
        .filter_map(|(name, path)| Some((name.clone(), sheet_facts.get(path)?.clone())))
        .collect();
    let rewritten = if package.rewritten.is_empty() {
        None
    } else {
        Some(rewrite_package(archive, &package.rewritten)?)
    };
    Ok(Scanned {
        sheets,
        string_bytes: strings.total_bytes,
        package: rewritten,
    })
}

/// One `<Relationship>`, its attributes raw (entities not decoded) as calamine reads them.
#[derive(Debug, Clone, Default)]
struct Relationship {
    id: Option<String>,
    typ: Option<String>,
    target: Option<String>,
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
    let mut root_rels = read_entry(archive, root, budget, true, |r| {
        scan_relationships(r, &root.name, RelsPart::Package)
    })?;
    // calamine takes the last relationship to the workbook, its target decoded.
    let office_document = root_rels.iter().rposition(|rel| {
        rel.typ
            .as_deref()
            .is_some_and(|t| t.ends_with("/relationships/officeDocument"))
            && rel.target.is_some()
    });
    let Some(office_document) = office_document else {
        return Err(ReadError::Truncated(Damage::new(
            "找不到工作簿部件的关系",
            "no relationship names the workbook part",
        )));
    };
    let target = attr_text(
        root_rels[office_document]
            .target
            .as_deref()
            .unwrap_or_default(),
    );
    // Split as calamine does: folder (without a leading '/') and file name.
    let (dir, file) = match target.rfind('/') {
        Some(i) => target.split_at(i + 1),
        None => ("", target.as_str()),
    };
    let workbook_name = if file.is_empty() {
        "workbook.xml"
    } else {
        file
    };
    let naive_dir = dir.strip_prefix('/').unwrap_or(dir);
    let outside = |what: &str| {
        let t = shown(what.as_bytes());
        ReadError::Truncated(Damage::new(
            format!("关系的目标“{t}”指向压缩包之外"),
            format!("a relationship's target \"{t}\" points outside the package"),
        ))
    };
    let xl_path = match resolve("", dir).ok_or_else(|| outside(&target))? {
        d if d.is_empty() => d,
        d => format!("{d}/"),
    };
    let mut rewritten = Vec::new();
    // Any difference (`.`, `..`, `//`, `\\`) is one calamine would not get past.
    if naive_dir != xl_path {
        // calamine decodes this target (and only this one), so it is written encoded.
        let absolute = format!("/{xl_path}{workbook_name}");
        root_rels[office_document].target = Some(quick_xml::escape::escape(&absolute).into_owned());
        rewritten.push((root.index, relationships_xml(&root_rels)));
    }
    let workbook = format!("{xl_path}{workbook_name}");
    let workbook_rels = format!("{xl_path}_rels/{workbook_name}.rels");

    let rels_entry = entries
        .find(&workbook_rels)
        .ok_or_else(|| missing(&workbook_rels))?;
    let mut relationships = read_entry(archive, rels_entry, budget, true, |r| {
        scan_relationships(r, &rels_entry.name, RelsPart::Workbook)
    })?;
    // By id, the last of each as calamine keeps them.
    let by_id: HashMap<&str, usize> = relationships
        .iter()
        .enumerate()
        .filter_map(|(i, rel)| Some((rel.id.as_deref()?, i)))
        .collect();
    let sheets = match entries.find(&workbook) {
        Some(entry) => read_entry(archive, entry, budget, true, |r| {
            scan_workbook(r, &entry.name, limits)
        })?,
        None => Vec::new(),
    };
    let mut worksheets = Vec::new();
    let mut retargeted: Vec<(usize, String)> = Vec::new();
    for (name, rel_id) in sheets {
        let Some(&i) = by_id.get(rel_id.as_str()) else {
            continue;
        };
        let rel = &relationships[i];
        // calamine goes by the type's last segment.
        if rel.typ.as_deref().unwrap_or_default().rsplit('/').next() != Some("worksheet") {
            continue;
        }
        let target = rel.target.as_deref().unwrap_or_default();
        let path = resolve(&xl_path, target).ok_or_else(|| outside(target))?;
        let naive = match target.strip_prefix('/') {
            Some(abs) => abs.to_string(),
            None => format!("{xl_path}{target}"),
        };
        if naive != path {
            retargeted.push((i, format!("/{path}")));
        }
        worksheets.push((name, key(&path)));
    }
    if !retargeted.is_empty() {
        for (i, target) in retargeted {
            relationships[i].target = Some(target);
        }
        rewritten.push((rels_entry.index, relationships_xml(&relationships)));
    }
    Ok(Package {
        xl_path,
        workbook,
        workbook_rels,
        sheets: worksheets,
        rewritten,
    })
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

/// A relationships part holding `rels` in their order, their values written back raw.
fn relationships_xml(rels: &[Relationship]) -> Vec<u8> {
    let mut out = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    );
    for rel in rels {
        out.push_str("<Relationship");
        for (k, v) in [("Id", &rel.id), ("Type", &rel.typ), ("Target", &rel.target)] {
            if let Some(v) = v {
                // A raw value holds no quote of its own kind.
                let q = if v.contains('"') { '\'' } else { '"' };
                out.push_str(&format!(" {k}={q}{v}{q}"));
            }
        }
        out.push_str("/>");
    }
    out.push_str("</Relationships>");
    out.into_bytes()
}

/// A copy of the package with the parts of `rewritten` replaced; every other entry is
/// copied as it is stored (not inflated again).
fn rewrite_package(
    archive: &mut Archive<'_>,
    rewritten: &[(usize, Vec<u8>)],
) -> Result<Vec<u8>, ReadError> {
    let failed = |e: &zip::result::ZipError| zip_error(e, None);
    fenced("zip", || {
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for index in 0..archive.len() {
            match rewritten.iter().find(|(i, _)| *i == index) {
                Some((_, content)) => {
                    let name = archive
                        .name_for_index(index)
                        .transpose()
                        .map_err(|e| failed(&e))?
                        .map(|n| n.into_owned())
                        .unwrap_or_default();
                    let options = zip::write::SimpleFileOptions::default()
                        .compression_method(zip::CompressionMethod::Stored);
                    out.start_file(name, options).map_err(|e| failed(&e))?;
                    out.write_all(content)
                        .map_err(|e| failed(&zip::result::ZipError::Io(e)))?;
                }
                None => {
                    let entry = archive.by_index_raw(index).map_err(|e| failed(&e))?;
                    out.raw_copy_file(entry).map_err(|e| failed(&e))?;
                }
            }
        }
        Ok(out.finish().map_err(|e| failed(&e))?.into_inner())
    })
}

/// Which relationships part is read: calamine reads the two differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RelsPart {
    /// `_rels/.rels`: from the first `<Relationships>` on, `Type` and `Target` only.
    Package,
    /// The workbook's: from the start, `Id`, `Type` and `Target`.
    Workbook,
}

/// The `<Relationship>` elements of a relationships part, in order, read as calamine
/// reads them, so that the pre-scan follows the relationships calamine will: up to the
/// first `</Relationships>`, attributes split by its rules, each it looks for as last
/// seen until it has seen as many as it looks for.
fn scan_relationships<R: BufRead>(
    r: R,
    part: &str,
    which: RelsPart,
) -> Result<Vec<Relationship>, ScanError> {
    let mut x = xml::reader(r);
    let mut buf = Vec::new();
    let mut rels = Vec::new();
    let mut inside = which == RelsPart::Workbook;
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
                for (k, v) in raw_attrs(e.attributes_raw().as_bytes()).map_while(|a| a) {
                    let value = Some(String::from_utf8_lossy(v).into_owned());
                    match k {
                        // Kept for writing the part again; the package's is not read.
                        b"Id" if which == RelsPart::Package => {
                            rel.id = value;
                            continue;
                        }
                        b"Id" => rel.id = value,
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
                return Ok(rels)
            }
            Event::DocType(_) => return Err(doctype(part)),
            Event::Eof => return Ok(rels),
            _ => {}
        }
    }
}

/// The `<sheet>` entries of the workbook part as (name, relationship id), refusing more
/// than `max_sheets`. Like calamine, the last `name` and the last `id` (of any prefix)
/// of an element count.
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
                sheets.push(sheet_entry(&e));
            }
            Event::DocType(_) => return Err(doctype(part)),
            Event::Eof => return Ok(sheets),
            _ => {}
        }
    }
}

/// The (name, relationship id) of one `<sheet>`.
fn sheet_entry(e: &BytesStart<'_>) -> (String, String) {
    let (mut name, mut id) = (String::new(), String::new());
    for (k, v) in raw_attrs(e.attributes_raw().as_bytes()).map_while(|a| a) {
        let v = String::from_utf8_lossy(v);
        if k == b"name" {
            name = attr_text(&v);
        } else if k == b"id" || k.strip_suffix(b"id").is_some_and(|p| p.ends_with(b":")) {
            id = v.into_owned();
        }
    }
    (name, id)
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

/// Maps calamine's error to the reason given to the county, in both languages (its own
/// words stay out of them). `place` says where it happened: the sheet, and the last cell
/// read before.
fn xlsx_error(e: XlsxError, place: Option<(&str, Option<(u32, u32)>)>) -> ReadError {
    use XlsxError as E;
    let (zh, en): (String, String) = match &e {
        E::Password => return ReadError::Encrypted,
        E::Zip(z) => return zip_error(z, None),
        E::Io(_) => ("读取部件时出错".into(), "a part could not be read".into()),
        E::Xml(x) => {
            let (zh, en) = xml_problem(x);
            (format!("XML {zh}"), format!("the XML {en}"))
        }
        E::XmlAttr(_) => (
            "XML 属性格式错误".into(),
            "an XML attribute is malformed".into(),
        ),
        E::Parse(_) | E::ParseInt(_) | E::ParseFloat(_) => (
            "标为数值的内容不是数字".into(),
            "a value marked as a number is not one".into(),
        ),
        E::XmlEof(tag) => (
            format!("XML 在“</{tag}>”之前中断（部件不完整）"),
            format!("the XML ends before \"</{tag}>\" (the part is incomplete)"),
        ),
        E::UnexpectedNode(n) => (
            format!("XML 结构不符合格式（此处应为“{n}”元素）"),
            format!("the XML does not follow the format (a \"{n}\" element was expected)"),
        ),
        E::FileNotFound(p) => (
            format!("缺少“{p}”部件"),
            format!("the part \"{p}\" is missing"),
        ),
        E::RelationshipNotFound => (
            "工作表的关系缺失".into(),
            "a sheet's relationship is missing".into(),
        ),
        E::Alphanumeric(_)
        | E::NumericColumn(_)
        | E::RangeWithoutColumnComponent
        | E::RangeWithoutRowComponent
        | E::ColumnNumberOverflow
        | E::RowNumberOverflow
        | E::DimensionCount(_) => (
            "单元格地址或范围无效".into(),
            "a cell address or range is invalid".into(),
        ),
        E::CellTAttribute(t) => {
            let t = shown(t.as_bytes());
            (
                format!("单元格类型“{t}”无法识别"),
                format!("a cell has an unknown type \"{t}\""),
            )
        }
        E::Unexpected(m) if m.contains("shared strings") => (
            "单元格引用的共享字符串不存在".into(),
            "a cell uses a shared string that does not exist".into(),
        ),
        E::Unrecognized { typ, val } => {
            let v = shown(val.as_bytes());
            match *typ {
                "boolean cell value" => (
                    format!("逻辑值“{v}”无效（应为 TRUE 或 FALSE）"),
                    format!("the logical value \"{v}\" is neither TRUE nor FALSE"),
                ),
                "sheet:state" => (
                    format!("工作表的显示状态“{v}”无法识别"),
                    format!("a sheet's visibility \"{v}\" is not known"),
                ),
                _ => (
                    "工作表的类型无法识别".into(),
                    "a sheet's type is not known".into(),
                ),
            }
        }
        E::CellError(v) => {
            let v = shown(v.as_bytes());
            (
                format!("错误值“{v}”无法识别"),
                format!("the error value \"{v}\" is not known"),
            )
        }
        E::WorksheetNotFound(n) => (
            format!("找不到工作表“{n}”的部件"),
            format!("the part of sheet \"{n}\" is missing"),
        ),
        E::Encoding(_) => ("文字编码无效".into(), "the text encoding is invalid".into()),
        _ => (
            "内容不符合格式".into(),
            "the content does not follow the format".into(),
        ),
    };
    let (zh, en) = match place {
        None => (zh, en),
        Some((sheet, None)) => (
            format!("工作表“{sheet}”：{zh}"),
            format!("sheet \"{sheet}\": {en}"),
        ),
        Some((sheet, Some((row, col)))) => {
            let after = a1(row, col);
            (
                format!("工作表“{sheet}”{after} 之后：{zh}"),
                format!("sheet \"{sheet}\", after {after}: {en}"),
            )
        }
    };
    ReadError::Truncated(Damage::new(
        format!("工作簿内容无法解析：{zh}"),
        format!("the workbook's content cannot be parsed: {en}"),
    ))
}

/// Reads the cells with calamine once the pre-scan has passed, counting them against the
/// budgets as they come: cells per sheet and in the workbook, each sheet's used area, and
/// the text copied out (a shared string once per reference) together with the table. Two
/// cells at one address are refused: which one a program shows is anyone's guess.
fn load(bytes: &[u8], scanned: Scanned, limits: &Limits) -> Result<RawWorkbook, ReadError> {
    let Scanned {
        sheets: mut facts,
        string_bytes,
        package,
    } = scanned;
    let bytes: Cow<'_, [u8]> = match package {
        Some(p) => Cow::Owned(p),
        None => Cow::Borrowed(bytes),
    };
    let cap = limits.max_cells_per_sheet;
    let text_limit = text_budget(limits);
    fenced("calamine", || {
        let mut book: Xlsx<Cursor<&[u8]>> =
            Xlsx::new(Cursor::new(&bytes[..])).map_err(|e| xlsx_error(e, None))?;
        let metadata = book.sheets_metadata().to_vec();
        let mut sheets = Vec::with_capacity(metadata.len());
        let mut workbook_cells = 0u64;
        let mut text = string_bytes;
        for sheet in metadata {
            if sheet.typ != SheetType::WorkSheet {
                continue;
            }
            let name = sheet.name.as_str();
            let mut cells = Vec::new();
            let mut used = UsedArea::default();
            // The furthest address so far, in reading order: a cell at or before it may
            // repeat an address, which is then looked for (files are written in order).
            let mut furthest: Option<(u32, u32)> = None;
            let mut in_order = true;
            {
                let mut reader = match book.worksheet_cells_reader(name) {
                    Ok(r) => r,
                    Err(XlsxError::NotAWorksheet(_)) => continue,
                    Err(e) => return Err(xlsx_error(e, Some((name, None)))),
                };
                while let Some(cell) = reader
                    .next_cell()
                    .map_err(|e| xlsx_error(e, Some((name, furthest))))?
                {
                    let (row, col) = cell.get_position();
                    // The pre-scan placed every cell as calamine does; should they ever
                    // differ, a position past Excel's last cell is still no position.
                    if row >= MAX_ROWS || col >= MAX_COLUMNS {
                        return Err(ReadError::Truncated(Damage::new(
                            format!(
                                "工作表“{name}”有单元格超出了 Excel 的范围（最大为 XFD1048576）"
                            ),
                            format!(
                                "sheet \"{name}\" has a cell past Excel's last cell, XFD1048576"
                            ),
                        )));
                    }
                    match furthest {
                        Some(f) if (row, col) <= f => in_order = false,
                        _ => furthest = Some((row, col)),
                    }
                    let Some(value) = from_data_ref(cell.get_value()) else {
                        continue;
                    };
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
                        if text > text_limit {
                            return Err(too_large(Budget::TextTotal, text, text_limit));
                        }
                    }
                    cells.push(RawCell { row, col, value });
                }
            }
            if !in_order {
                if let Some((row, col)) = repeated_address(&mut book, name, cap)? {
                    let at = a1(row, col);
                    return Err(ReadError::Truncated(Damage::new(
                        format!("工作表“{name}”的单元格 {at} 出现了两次"),
                        format!("cell {at} of sheet \"{name}\" appears twice"),
                    )));
                }
            }
            sort_cells(&mut cells);
            let SheetFacts {
                merges,
                uncalculated,
            } = facts.remove(&sheet.name).unwrap_or_default();
            // Formulas without a saved result, where calamine read nothing: never empty
            // cells (see [`CellValue::Uncalculated`]). Counted like the other cells.
            let mut formulas = Vec::new();
            for (row, col, formula) in uncalculated {
                let read = cells
                    .binary_search_by(|c| (c.row, c.col).cmp(&(row, col)))
                    .is_ok();
                if read {
                    continue;
                }
                workbook_cells += 1;
                let held = (cells.len() + formulas.len()) as u64;
                if held >= cap {
                    return Err(too_large(
                        Budget::SheetCells(sheet.name.clone()),
                        held + 1,
                        cap,
                    ));
                }
                if workbook_cells > cap {
                    return Err(too_large(Budget::WorkbookCells, workbook_cells, cap));
                }
                text = text.saturating_add(formula.len() as u64);
                if text > text_limit {
                    return Err(too_large(Budget::TextTotal, text, text_limit));
                }
                formulas.push(RawCell {
                    row,
                    col,
                    value: CellValue::Uncalculated(formula),
                });
            }
            if !formulas.is_empty() {
                cells.append(&mut formulas);
                sort_cells(&mut cells);
            }
            sheets.push(RawSheet {
                merges,
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

/// The first address (in row, column order) that two cells of the sheet share, empty
/// cells included: a second reading of a sheet whose cells were not in order, where one
/// may repeat an earlier address. The positions cost 8 bytes a cell and are capped like
/// the cells.
fn repeated_address(
    book: &mut Xlsx<Cursor<&[u8]>>,
    name: &str,
    cap: u64,
) -> Result<Option<(u32, u32)>, ReadError> {
    let mut reader = book
        .worksheet_cells_reader(name)
        .map_err(|e| xlsx_error(e, Some((name, None))))?;
    let mut seen: Vec<(u32, u32)> = Vec::new();
    while let Some(cell) = reader
        .next_cell()
        .map_err(|e| xlsx_error(e, Some((name, None))))?
    {
        if seen.len() as u64 >= cap {
            return Err(too_large(
                Budget::SheetCells(name.to_string()),
                seen.len() as u64 + 1,
                cap,
            ));
        }
        seen.push(cell.get_position());
    }
    seen.sort_unstable();
    Ok(seen.windows(2).find(|w| w[0] == w[1]).map(|w| w[0]))
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
    fn a_cell_past_the_last_column_is_refused_even_past_the_prescan() {
        // Column XFE does not wrap in calamine; it is simply past Excel's last column.
        let bytes =
            sheet_workbook(r#"<row r="1"><c r="A1"><v>1</v></c><c r="XFE1"><v>2</v></c></row>"#);
        let limits = Limits::default();
        let unchecked = Scanned {
            sheets: HashMap::new(),
            string_bytes: 0,
            package: None,
        };
        match load(&bytes, unchecked, &limits) {
            Err(ReadError::Truncated(d)) => assert!(d.zh.contains("超出了 Excel 的范围"), "{d}"),
            other => panic!("expected damage, got {other:?}"),
        }
        assert!(matches!(
            crate::read::read_bytes(&bytes, &limits),
            Err(ReadError::Truncated(d)) if d.zh.contains("“XFE1”")
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
        let r = scan_strings(xml.as_bytes(), "sst", &Limits::default());
        assert!(matches!(
            r,
            Err(ScanError::Reject(ReadError::TooLarge {
                found: 4_000_000_000,
                ..
            }))
        ));
    }
}
