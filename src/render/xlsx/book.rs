//! Small workbooks written whole by hand: every part's XML as rust_xlsxwriter 0.102 writes
//! it for the features used here, packaged with one deflate state per thread.
//!
//! A receipt (回执) is a small workbook — a front sheet and copies of the county's sheets —
//! and a batch makes hundreds of them. Made through rust_xlsxwriter each paid a fixed cost
//! several times its cells' (BENCHMARKS.md, issue 13): a fresh deflate state, 256 KB
//! zeroed, for each of its 10–17 parts; the styles rebuilt and hashed; a thread spawned
//! per sheet; each front cell's `Format` hashed. Here the parts that never change (styles,
//! theme, the package's relationships) are made once per process — the styles and theme
//! by rust_xlsxwriter itself ([`Fixed`]) — and deflated once; the rest is written
//! straight from a plain description ([`Book`]) and deflated with a state reset, not
//! made, per part.
//!
//! The XML is rust_xlsxwriter's, element for element, attribute for attribute, with one
//! difference: text is written as inline strings, not through a shared-strings table. The
//! unit tests of `render::receipt` (`a_receipt_is_what_rust_xlsxwriter_writes`,
//! `the_samples_receipts_are_what_rust_xlsxwriter_writes`) write books with every feature
//! (merges, links, notes on the first row and column, frozen rows, hidden sheets, tab
//! colours, print titles) both ways and compare every part.
//!
//! What a book can hold is what receipts need: values (number, text, boolean, blank) with
//! a style index, column widths, row heights, merged regions, internal links, notes, a
//! frozen header, print titles, a tab colour, a hidden state, and one page setup (A4
//! landscape, one page wide, a footer). Nothing else is written, and the description has
//! no way to ask for it.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Write as _;

use super::long_list::{COL_MAX, ROW_MAX};
use super::sheet_xml::{escape_data, push_column_name, push_inline_text, push_number};
use super::zipped::{self, Entry};

/// A workbook to write: its document properties, styles and sheets.
pub(crate) struct Book<'a> {
    /// The styles and theme every book of its kind shares.
    pub fixed: &'a Fixed,
    pub title: &'a str,
    /// Author, last modified by and company (empty: written empty, as rust_xlsxwriter
    /// does when none is set).
    pub author: &'a str,
    pub comment: &'a str,
    /// Creation and modification time, W3CDTF in UTC (`2025-07-03T01:30:00Z`).
    pub created: &'a str,
    pub sheets: Vec<Sheet<'a>>,
}

/// One sheet of a [`Book`].
pub(crate) struct Sheet<'a> {
    pub name: String,
    pub hidden: bool,
    /// The tab's colour, `0xRRGGBB`.
    pub tab_color: Option<u32>,
    /// The height of rows not given one, in points (rust_xlsxwriter's
    /// `set_default_row_height`; every row written then states its height).
    pub default_row_height: f64,
    /// Column widths in Excel's character units, by column, ascending.
    pub columns: Vec<(u16, f64)>,
    /// Row heights in points, for rows that hold a cell.
    pub heights: BTreeMap<u32, f64>,
    /// The cells in (row, column) order, one per place.
    pub cells: Vec<Cell<'a>>,
    /// Merged regions: first row, first column, last row, last column.
    pub merges: Vec<(u32, u16, u32, u16)>,
    /// Links to places in the workbook, in (row, column) order.
    pub links: Vec<Link>,
    /// Notes in (row, column) order.
    pub notes: Vec<NoteAt>,
    /// Who the notes are by.
    pub note_author: &'a str,
    /// Rows frozen at the top (0: none).
    pub freeze_rows: u32,
    /// Rows repeated at the top of each printed page (first, last).
    pub print_titles: Option<(u32, u32)>,
    pub print_gridlines: bool,
    /// The page footer (Excel's codes: `&C`, `&P`, `&N`).
    pub footer: &'a str,
}

/// A cell: where, its style's index in the book's styles, and what it holds.
pub(crate) struct Cell<'a> {
    pub row: u32,
    pub col: u16,
    pub xf: u32,
    pub value: Value<'a>,
}

/// What a cell holds.
pub(crate) enum Value<'a> {
    Number(f64),
    Text(Cow<'a, str>),
    Bool(bool),
    Blank,
}

/// A link from a cell to a place in the workbook (`'项目明细'!K7`), shown as `display`.
pub(crate) struct Link {
    pub row: u32,
    pub col: u16,
    pub location: String,
    pub display: String,
}

/// A note on a cell: its text, font and box size in pixels.
pub(crate) struct NoteAt {
    pub row: u32,
    pub col: u16,
    pub text: String,
    pub font: &'static str,
    pub font_size: u32,
    pub width: u32,
    pub height: u32,
}

/// The parts every book of one kind shares, made once: the styles (every format the
/// books use, registered in a fixed order, so that each has a known index) and the theme,
/// as rust_xlsxwriter writes them, and each deflated. The styles come in two: a workbook
/// with notes has their font among its fonts.
pub(crate) struct Fixed {
    styles: Part,
    styles_with_notes: Part,
    theme: Part,
    root_rels: Part,
}

impl Fixed {
    /// The fixed parts from two packages saved by rust_xlsxwriter with the formats
    /// registered, the second with a note like the books' notes.
    pub(crate) fn from_packages(
        plain: &[u8],
        with_notes: &[u8],
    ) -> Result<Fixed, rust_xlsxwriter::XlsxError> {
        let part = |saved: &[u8], name: &str| -> Result<Part, rust_xlsxwriter::XlsxError> {
            let xml = super::sheet_xml::read_part(saved, name)?;
            Ok(Part::deflate(xml.as_bytes()))
        };
        Ok(Fixed {
            styles: part(plain, "xl/styles.xml")?,
            styles_with_notes: part(with_notes, "xl/styles.xml")?,
            theme: part(plain, "xl/theme/theme1.xml")?,
            root_rels: Part::deflate(ROOT_RELS.as_bytes()),
        })
    }
}

/// A part deflated once, kept with what its zip entry states.
struct Part {
    deflated: Vec<u8>,
    crc: u32,
    size: u32,
}

impl Part {
    fn deflate(xml: &[u8]) -> Part {
        let mut deflated = Vec::new();
        zipped::deflate(xml, LEVEL, &mut deflated);
        Part {
            deflated,
            crc: crc32fast::hash(xml),
            size: u32::try_from(xml.len()).unwrap_or(u32::MAX),
        }
    }
}

/// The deflate level of every part: a tenth less of `check`'s time with receipts than
/// level 3 for a fifth larger files (BENCHMARKS.md, issue 13).
const LEVEL: u32 = 1;

const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
const ROOT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/><Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/></Relationships>";
const RELS_NS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const REL_TYPE: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";
const MAIN_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

/// rust_xlsxwriter's row height before `set_default_row_height`, in pixels (15 points).
const ORIGINAL_ROW_PX: u32 = 20;
/// Excel's default column width in pixels, and the widest it allows.
const DEFAULT_COL_PX: u32 = 64;
const MAX_COL_PX: u32 = 1790;
const MAX_DIGIT_PX: u32 = 7;
const CELL_PADDING_PX: u32 = 5;

/// The book's package (.xlsx bytes).
pub(crate) fn write(book: &Book) -> Vec<u8> {
    let mut zip = ZipOut::default();
    let with_notes: Vec<usize> = (0..book.sheets.len())
        .filter(|&i| !book.sheets[i].notes.is_empty())
        .collect();
    zip.add(
        "[Content_Types].xml",
        &content_types(book, with_notes.len()),
    );
    zip.add_part("_rels/.rels", &book.fixed.root_rels);
    zip.add("xl/_rels/workbook.xml.rels", &workbook_rels(book));
    zip.add_part("xl/theme/theme1.xml", &book.fixed.theme);
    let styles = if with_notes.is_empty() {
        &book.fixed.styles
    } else {
        &book.fixed.styles_with_notes
    };
    zip.add_part("xl/styles.xml", styles);
    zip.add("xl/workbook.xml", &workbook_xml(book));
    let mut xml = Vec::new();
    let mut note_index = 0;
    for (i, sheet) in book.sheets.iter().enumerate() {
        xml.clear();
        write_sheet(&mut xml, sheet, i == 0);
        zip.add(&format!("xl/worksheets/sheet{}.xml", i + 1), &xml);
        if !sheet.notes.is_empty() {
            note_index += 1;
            zip.add(
                &format!("xl/worksheets/_rels/sheet{}.xml.rels", i + 1),
                &sheet_rels(note_index),
            );
        }
    }
    zip.add("docProps/core.xml", &core_xml(book));
    zip.add("docProps/app.xml", &app_xml(book));
    // Each sheet's notes take a block of 1,024 shape ids (more for more notes).
    let mut data_id = 1u32;
    for (n, &i) in with_notes.iter().enumerate() {
        let sheet = &book.sheets[i];
        xml.clear();
        write_vml(&mut xml, sheet, data_id);
        zip.add(&format!("xl/drawings/vmlDrawing{}.vml", n + 1), &xml);
        data_id += (1024 + u32::try_from(sheet.notes.len()).unwrap_or(u32::MAX)) / 1024;
    }
    for (n, &i) in with_notes.iter().enumerate() {
        xml.clear();
        write_comments(&mut xml, &book.sheets[i]);
        zip.add(&format!("xl/comments{}.xml", n + 1), &xml);
    }
    zip.finish()
}

// ---------------------------------------------------------------------------------------
// The package's own parts

fn content_types(book: &Book, comments: usize) -> Vec<u8> {
    let mut w = Vec::with_capacity(2048);
    w.extend_from_slice(DECLARATION.as_bytes());
    w.extend_from_slice(b"<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/>");
    if comments > 0 {
        w.extend_from_slice(b"<Default Extension=\"vml\" ContentType=\"application/vnd.openxmlformats-officedocument.vmlDrawing\"/>");
    }
    let over = |w: &mut Vec<u8>, part: &str, kind: &str| {
        let _ = write!(
            w,
            "<Override PartName=\"{part}\" ContentType=\"application/vnd.openxmlformats-{kind}\"/>"
        );
    };
    over(
        &mut w,
        "/docProps/app.xml",
        "officedocument.extended-properties+xml",
    );
    over(&mut w, "/docProps/core.xml", "package.core-properties+xml");
    over(
        &mut w,
        "/xl/styles.xml",
        "officedocument.spreadsheetml.styles+xml",
    );
    over(&mut w, "/xl/theme/theme1.xml", "officedocument.theme+xml");
    over(
        &mut w,
        "/xl/workbook.xml",
        "officedocument.spreadsheetml.sheet.main+xml",
    );
    for i in 1..=book.sheets.len() {
        over(
            &mut w,
            &format!("/xl/worksheets/sheet{i}.xml"),
            "officedocument.spreadsheetml.worksheet+xml",
        );
    }
    for i in 1..=comments {
        over(
            &mut w,
            &format!("/xl/comments{i}.xml"),
            "officedocument.spreadsheetml.comments+xml",
        );
    }
    w.extend_from_slice(b"</Types>");
    w
}

fn workbook_rels(book: &Book) -> Vec<u8> {
    let mut w = Vec::with_capacity(1024);
    w.extend_from_slice(DECLARATION.as_bytes());
    let _ = write!(w, "<Relationships xmlns=\"{RELS_NS}\">");
    let n = book.sheets.len();
    for i in 1..=n {
        let _ = write!(
            w,
            "<Relationship Id=\"rId{i}\" Type=\"{REL_TYPE}worksheet\" Target=\"worksheets/sheet{i}.xml\"/>"
        );
    }
    let _ = write!(
        w,
        "<Relationship Id=\"rId{}\" Type=\"{REL_TYPE}theme\" Target=\"theme/theme1.xml\"/><Relationship Id=\"rId{}\" Type=\"{REL_TYPE}styles\" Target=\"styles.xml\"/></Relationships>",
        n + 1,
        n + 2
    );
    w
}

fn sheet_rels(n: usize) -> Vec<u8> {
    let mut w = Vec::with_capacity(512);
    w.extend_from_slice(DECLARATION.as_bytes());
    let _ = write!(
        w,
        "<Relationships xmlns=\"{RELS_NS}\"><Relationship Id=\"rId1\" Type=\"{REL_TYPE}vmlDrawing\" Target=\"../drawings/vmlDrawing{n}.vml\"/><Relationship Id=\"rId2\" Type=\"{REL_TYPE}comments\" Target=\"../comments{n}.xml\"/></Relationships>"
    );
    w
}

/// The print titles' defined name of each sheet that has them: (sheet index, range).
fn print_titles(book: &Book) -> Vec<(usize, String)> {
    book.sheets
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            s.print_titles.map(|(first, last)| {
                (
                    i,
                    format!("{}!${}:${}", quoted_name(&s.name), first + 1, last + 1),
                )
            })
        })
        .collect()
}

fn workbook_xml(book: &Book) -> Vec<u8> {
    let mut w = Vec::with_capacity(1024);
    w.extend_from_slice(DECLARATION.as_bytes());
    let _ = write!(
        w,
        "<workbook xmlns=\"{MAIN_NS}\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><fileVersion appName=\"xl\" lastEdited=\"4\" lowestEdited=\"4\" rupBuild=\"4505\"/><workbookPr defaultThemeVersion=\"124226\"/><bookViews><workbookView xWindow=\"240\" yWindow=\"15\" windowWidth=\"16095\" windowHeight=\"9660\"/></bookViews><sheets>"
    );
    for (i, s) in book.sheets.iter().enumerate() {
        w.extend_from_slice(b"<sheet name=\"");
        escape_attribute(&mut w, &s.name);
        let _ = write!(w, "\" sheetId=\"{}\"", i + 1);
        if s.hidden {
            w.extend_from_slice(b" state=\"hidden\"");
        }
        let _ = write!(w, " r:id=\"rId{}\"/>", i + 1);
    }
    w.extend_from_slice(b"</sheets>");
    let titles = print_titles(book);
    if !titles.is_empty() {
        w.extend_from_slice(b"<definedNames>");
        for (i, range) in &titles {
            let _ = write!(
                w,
                "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"{i}\">"
            );
            escape_data(&mut w, range);
            w.extend_from_slice(b"</definedName>");
        }
        w.extend_from_slice(b"</definedNames>");
    }
    w.extend_from_slice(b"<calcPr calcId=\"124519\" fullCalcOnLoad=\"1\"/></workbook>");
    w
}

fn core_xml(book: &Book) -> Vec<u8> {
    let mut w = Vec::with_capacity(1024);
    w.extend_from_slice(DECLARATION.as_bytes());
    w.extend_from_slice(b"<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">");
    let element = |w: &mut Vec<u8>, tag: &str, text: &str| {
        let _ = write!(w, "<{tag}>");
        escape_data(w, text);
        let _ = write!(w, "</{tag}>");
    };
    if !book.title.is_empty() {
        element(&mut w, "dc:title", book.title);
    }
    element(&mut w, "dc:creator", book.author);
    if !book.comment.is_empty() {
        element(&mut w, "dc:description", book.comment);
    }
    element(&mut w, "cp:lastModifiedBy", book.author);
    for tag in ["dcterms:created", "dcterms:modified"] {
        let _ = write!(w, "<{tag} xsi:type=\"dcterms:W3CDTF\">");
        escape_data(&mut w, book.created);
        let _ = write!(w, "</{tag}>");
    }
    w.extend_from_slice(b"</cp:coreProperties>");
    w
}

fn app_xml(book: &Book) -> Vec<u8> {
    let mut w = Vec::with_capacity(1024);
    w.extend_from_slice(DECLARATION.as_bytes());
    w.extend_from_slice(b"<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\"><Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop><HeadingPairs>");
    let titles = print_titles(book);
    let pairs: Vec<(&str, usize)> = [
        ("Worksheets", book.sheets.len()),
        ("Named Ranges", titles.len()),
    ]
    .into_iter()
    .filter(|(_, n)| *n > 0)
    .collect();
    let _ = write!(
        w,
        "<vt:vector size=\"{}\" baseType=\"variant\">",
        pairs.len() * 2
    );
    for (name, n) in &pairs {
        let _ = write!(
            w,
            "<vt:variant><vt:lpstr>{name}</vt:lpstr></vt:variant><vt:variant><vt:i4>{n}</vt:i4></vt:variant>"
        );
    }
    let _ = write!(
        w,
        "</vt:vector></HeadingPairs><TitlesOfParts><vt:vector size=\"{}\" baseType=\"lpstr\">",
        book.sheets.len() + titles.len()
    );
    let lpstr = |w: &mut Vec<u8>, s: &str| {
        w.extend_from_slice(b"<vt:lpstr>");
        escape_data(w, s);
        w.extend_from_slice(b"</vt:lpstr>");
    };
    for s in &book.sheets {
        lpstr(&mut w, &s.name);
    }
    for (i, _) in &titles {
        lpstr(
            &mut w,
            &format!("{}!Print_Titles", quoted_name(&book.sheets[*i].name)),
        );
    }
    w.extend_from_slice(b"</vt:vector></TitlesOfParts><Company>");
    escape_data(&mut w, book.author);
    w.extend_from_slice(b"</Company><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged><AppVersion>12.0000</AppVersion></Properties>");
    w
}

/// A sheet's name as a formula refers to it, quoted when Excel needs it.
fn quoted_name(name: &str) -> String {
    rust_xlsxwriter::utility::quote_sheet_name(name)
}

// ---------------------------------------------------------------------------------------
// A sheet

/// A height in points as rust_xlsxwriter keeps it: whole pixels.
fn points_to_px(points: f64) -> u32 {
    (points * 4.0 / 3.0).round() as u32
}

/// A column width in Excel's units as rust_xlsxwriter keeps it: whole pixels.
fn width_to_px(width: f64) -> u32 {
    let px = if width == 0.0 {
        0
    } else if width < 1.0 {
        (width * f64::from(MAX_DIGIT_PX + CELL_PADDING_PX)).round() as u32
    } else {
        (width * f64::from(MAX_DIGIT_PX)).round() as u32 + CELL_PADDING_PX
    };
    px.min(MAX_COL_PX)
}

fn write_sheet(w: &mut Vec<u8>, s: &Sheet, selected: bool) {
    debug_assert!(
        s.cells
            .windows(2)
            .all(|p| (p[0].row, p[0].col) < (p[1].row, p[1].col)),
        "cells in (row, column) order, one per place"
    );
    let default_px = points_to_px(s.default_row_height);
    w.extend_from_slice(DECLARATION.as_bytes());
    let _ = write!(
        w,
        "<worksheet xmlns=\"{MAIN_NS}\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheetPr>"
    );
    if let Some(rgb) = s.tab_color {
        let _ = write!(w, "<tabColor rgb=\"FF{rgb:06X}\"/>");
    }
    w.extend_from_slice(b"<pageSetUpPr fitToPage=\"1\"/></sheetPr>");

    // The dimension: the cells' extent.
    w.extend_from_slice(b"<dimension ref=\"");
    match (s.cells.first(), s.cells.last()) {
        (Some(first), Some(last)) => {
            let (lo, hi) = s
                .cells
                .iter()
                .fold((u16::MAX, 0), |(lo, hi), c| (lo.min(c.col), hi.max(c.col)));
            push_cell(w, first.row, lo);
            if (first.row, lo) != (last.row, hi) {
                w.push(b':');
                push_cell(w, last.row, hi);
            }
        }
        _ => w.extend_from_slice(b"A1"),
    }
    w.extend_from_slice(b"\"/>");

    w.extend_from_slice(b"<sheetViews><sheetView ");
    if selected {
        w.extend_from_slice(b"tabSelected=\"1\" ");
    }
    w.extend_from_slice(b"workbookViewId=\"0\"");
    if s.freeze_rows > 0 {
        let _ = write!(
            w,
            "><pane ySplit=\"{}\" topLeftCell=\"A{}\" activePane=\"bottomLeft\" state=\"frozen\"/><selection pane=\"bottomLeft\"/></sheetView>",
            s.freeze_rows,
            s.freeze_rows + 1
        );
    } else {
        w.extend_from_slice(b"/>");
    }
    w.extend_from_slice(b"</sheetViews><sheetFormatPr defaultRowHeight=\"");
    push_number(w, f64::from(default_px) * 0.75);
    w.push(b'"');
    if default_px != ORIGINAL_ROW_PX {
        w.extend_from_slice(b" customHeight=\"1\"");
    }
    w.extend_from_slice(b"/>");
    write_cols(w, &s.columns);

    write_rows(w, s, default_px);

    if !s.merges.is_empty() {
        let _ = write!(w, "<mergeCells count=\"{}\">", s.merges.len());
        for &(r1, c1, r2, c2) in &s.merges {
            w.extend_from_slice(b"<mergeCell ref=\"");
            push_cell(w, r1, c1);
            w.push(b':');
            push_cell(w, r2, c2);
            w.extend_from_slice(b"\"/>");
        }
        w.extend_from_slice(b"</mergeCells>");
    }
    if !s.links.is_empty() {
        w.extend_from_slice(b"<hyperlinks>");
        for l in &s.links {
            w.extend_from_slice(b"<hyperlink ref=\"");
            push_cell(w, l.row, l.col);
            w.extend_from_slice(b"\" location=\"");
            escape_attribute(w, &l.location);
            w.extend_from_slice(b"\" display=\"");
            escape_attribute(w, &l.display);
            w.extend_from_slice(b"\"/>");
        }
        w.extend_from_slice(b"</hyperlinks>");
    }
    if s.print_gridlines {
        w.extend_from_slice(b"<printOptions gridLines=\"1\"/>");
    }
    w.extend_from_slice(b"<pageMargins left=\"0.4\" right=\"0.4\" top=\"0.6\" bottom=\"0.6\" header=\"0.3\" footer=\"0.3\"/><pageSetup paperSize=\"9\" fitToHeight=\"0\" orientation=\"landscape\" horizontalDpi=\"200\" verticalDpi=\"200\"/>");
    if s.footer.is_empty() {
        w.extend_from_slice(b"<headerFooter/>");
    } else {
        w.extend_from_slice(b"<headerFooter><oddFooter>");
        escape_data(w, s.footer);
        w.extend_from_slice(b"</oddFooter></headerFooter>");
    }
    if !s.notes.is_empty() {
        w.extend_from_slice(b"<legacyDrawing r:id=\"rId1\"/>");
    }
    w.extend_from_slice(b"</worksheet>");
}

/// `<cols>`: runs of adjacent columns of one width written as one element.
fn write_cols(w: &mut Vec<u8>, columns: &[(u16, f64)]) {
    if columns.is_empty() {
        return;
    }
    w.extend_from_slice(b"<cols>");
    let px: Vec<(u16, u32)> = columns
        .iter()
        .map(|&(c, wd)| (c, width_to_px(wd)))
        .collect();
    let mut at = 0;
    while at < px.len() {
        let (first, width) = px[at];
        let mut last = first;
        while at + 1 < px.len() && px[at + 1].0 == last + 1 && px[at + 1].1 == width {
            at += 1;
            last += 1;
        }
        at += 1;
        let chars = f64::from(width * 256 / MAX_DIGIT_PX) / 256.0;
        let _ = write!(
            w,
            "<col min=\"{}\" max=\"{}\" width=\"",
            first + 1,
            last + 1
        );
        push_number(w, chars);
        w.push(b'"');
        if width != DEFAULT_COL_PX {
            w.extend_from_slice(b" customWidth=\"1\"");
        }
        w.extend_from_slice(b"/>");
    }
    w.extend_from_slice(b"</cols>");
}

/// `<sheetData>`: each row's `spans` (the columns used in its block of 16 rows), its
/// height in points as whole pixels, each cell's style and value, text inline.
fn write_rows(w: &mut Vec<u8>, s: &Sheet, default_px: u32) {
    let cells = &s.cells;
    if cells.is_empty() {
        w.extend_from_slice(b"<sheetData/>");
        return;
    }
    w.extend_from_slice(b"<sheetData>");
    let mut spans: BTreeMap<u32, (u16, u16)> = BTreeMap::new();
    for c in cells {
        let span = spans.entry(c.row / 16).or_insert((c.col, c.col));
        *span = (span.0.min(c.col), span.1.max(c.col));
    }
    let custom = default_px != ORIGINAL_ROW_PX;
    // Every row of a sheet with a default height of its own states it: made once.
    let mut default_height = Vec::new();
    push_height(&mut default_height, default_px);
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
            w.extend_from_slice(b"<row r=\"");
            w.extend_from_slice(row_digits.format(c.row + 1).as_bytes());
            w.extend_from_slice(b"\" spans=\"");
            w.extend_from_slice(digits.format(lo + 1).as_bytes());
            w.push(b':');
            w.extend_from_slice(digits.format(hi + 1).as_bytes());
            w.push(b'"');
            match s.heights.get(&c.row).map(|&h| points_to_px(h)) {
                Some(px) => push_height(w, px),
                None if custom => w.extend_from_slice(&default_height),
                None => {}
            }
            w.push(b'>');
        }
        let r = row_digits.format(c.row + 1);
        w.extend_from_slice(b"<c r=\"");
        push_column_name(w, c.col);
        w.extend_from_slice(r.as_bytes());
        w.push(b'"');
        if c.xf > 0 {
            w.extend_from_slice(b" s=\"");
            w.extend_from_slice(digits.format(c.xf).as_bytes());
            w.push(b'"');
        }
        match &c.value {
            Value::Number(n) => {
                w.extend_from_slice(b"><v>");
                push_number(w, *n);
                w.extend_from_slice(b"</v></c>");
            }
            Value::Bool(b) => w.extend_from_slice(if *b {
                b" t=\"b\"><v>1</v></c>"
            } else {
                b" t=\"b\"><v>0</v></c>"
            }),
            Value::Blank => w.extend_from_slice(b"/>"),
            Value::Text(t) => push_inline_text(w, t),
        }
    }
    w.extend_from_slice(b"</row></sheetData>");
}

/// A row's height attributes, for a height of `px` pixels.
fn push_height(w: &mut Vec<u8>, px: u32) {
    w.extend_from_slice(b" ht=\"");
    push_number(w, f64::from(px) * 0.75);
    w.extend_from_slice(b"\" customHeight=\"1\"");
}

fn push_cell(w: &mut Vec<u8>, row: u32, col: u16) {
    push_column_name(w, col);
    w.extend_from_slice(itoa::Buffer::new().format(row + 1).as_bytes());
}

// ---------------------------------------------------------------------------------------
// Notes: comments and their VML drawing

fn write_comments(w: &mut Vec<u8>, s: &Sheet) {
    w.extend_from_slice(DECLARATION.as_bytes());
    let _ = write!(w, "<comments xmlns=\"{MAIN_NS}\"><authors><author>");
    escape_data(w, s.note_author);
    w.extend_from_slice(b"</author></authors><commentList>");
    for n in &s.notes {
        w.extend_from_slice(b"<comment ref=\"");
        push_cell(w, n.row, n.col);
        let _ = write!(
            w,
            "\" authorId=\"0\"><text><r><rPr><sz val=\"{}\"/><color indexed=\"81\"/><rFont val=\"",
            n.font_size
        );
        escape_attribute(w, n.font);
        w.extend_from_slice(b"\"/><family val=\"2\"/></rPr><t");
        let edge = ['\t', '\n', ' '];
        if n.text.starts_with(edge) || n.text.ends_with(edge) {
            w.extend_from_slice(b" xml:space=\"preserve\"");
        }
        w.push(b'>');
        escape_data(w, &n.text);
        w.extend_from_slice(b"</t></r></text></comment>");
    }
    w.extend_from_slice(b"</commentList></comments>");
}

/// A sheet's pixel grid, for placing notes' boxes as rust_xlsxwriter does.
struct Grid<'s> {
    widths: BTreeMap<u16, u32>,
    heights: &'s BTreeMap<u32, f64>,
    default_row_px: u32,
}

impl Grid<'_> {
    fn col_px(&self, col: u16) -> u32 {
        self.widths.get(&col).copied().unwrap_or(DEFAULT_COL_PX)
    }
    fn row_px(&self, row: u32) -> u32 {
        self.heights
            .get(&row)
            .map_or(self.default_row_px, |&h| points_to_px(h))
    }
    fn col_offset(&self, col: u16) -> u32 {
        (0..col).map(|c| self.col_px(c)).sum()
    }
    fn row_offset(&self, row: u32) -> u32 {
        // Rows of the default height, then the difference each row of its own makes.
        let base = row * self.default_row_px;
        self.heights
            .range(..row)
            .map(|(&r, _)| i64::from(self.row_px(r)) - i64::from(self.default_row_px))
            .fold(i64::from(base), |a, d| a + d)
            .max(0) as u32
    }
}

/// Where a note's box goes: its anchor (`from col, dx, row, dy, to col, dx, row, dy`) and
/// its absolute left and top in pixels.
struct Placed {
    anchor: String,
    left: u32,
    top: u32,
}

fn place_note(grid: &Grid, n: &NoteAt) -> Placed {
    // The box starts one column right and one row up of its cell, but at the sheet's edges.
    let row = match n.row {
        0 => 0,
        r if r == ROW_MAX - 3 => ROW_MAX - 7,
        r if r == ROW_MAX - 2 => ROW_MAX - 6,
        r if r == ROW_MAX - 1 => ROW_MAX - 5,
        r => r - 1,
    };
    let col = match n.col {
        c if c == COL_MAX - 3 => COL_MAX - 6,
        c if c == COL_MAX - 2 => COL_MAX - 5,
        c if c == COL_MAX - 1 => COL_MAX - 4,
        c => c + 1,
    };
    let mut x1: u32 = if n.col >= COL_MAX - 3 { 49 } else { 15 };
    let mut y1: u32 = match n.row {
        0 => 2,
        r if r == ROW_MAX - 3 || r == ROW_MAX - 2 => 16,
        r if r == ROW_MAX - 1 => 14,
        _ => 10,
    };
    let left = grid.col_offset(col) + x1;
    let top = grid.row_offset(row) + y1;
    let (mut col_start, mut row_start) = (col, row);
    while col_start < COL_MAX && x1 >= grid.col_px(col_start) {
        x1 -= grid.col_px(col_start);
        col_start += 1;
    }
    while row_start < ROW_MAX && y1 >= grid.row_px(row_start) {
        y1 -= grid.row_px(row_start);
        row_start += 1;
    }
    let (mut col_end, mut row_end) = (col_start, row_start);
    let mut x2 = f64::from(n.width) + f64::from(x1);
    let mut y2 = f64::from(n.height) + f64::from(y1);
    while col_end < COL_MAX && x2 >= f64::from(grid.col_px(col_end)) {
        x2 -= f64::from(grid.col_px(col_end));
        col_end += 1;
    }
    while row_end < ROW_MAX && y2 >= f64::from(grid.row_px(row_end)) {
        y2 -= f64::from(grid.row_px(row_end));
        row_end += 1;
    }
    Placed {
        anchor: format!(
            "{col_start}, {}, {row_start}, {}, {col_end}, {x2}, {row_end}, {y2}",
            f64::from(x1),
            f64::from(y1)
        ),
        left,
        top,
    }
}

/// Pixels as VML's points (rust_xlsxwriter's `vml_dpi_size`).
fn vml_points(px: f64) -> f64 {
    (px + 0.25).floor() * 72.0 / 96.0
}

fn write_vml(w: &mut Vec<u8>, s: &Sheet, data_id: u32) {
    let grid = Grid {
        widths: s
            .columns
            .iter()
            .map(|&(c, wd)| (c, width_to_px(wd)))
            .collect(),
        heights: &s.heights,
        default_row_px: points_to_px(s.default_row_height),
    };
    let mut ids = data_id.to_string();
    let count = u32::try_from(s.notes.len()).unwrap_or(u32::MAX);
    for i in 0..count / 1024 {
        ids.push_str(&format!(",{}", data_id + i + 1));
    }
    let _ = write!(
        w,
        "<xml xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:o=\"urn:schemas-microsoft-com:office:office\" xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><o:shapelayout v:ext=\"edit\"><o:idmap v:ext=\"edit\" data=\"{ids}\"/></o:shapelayout><v:shapetype id=\"_x0000_t202\" coordsize=\"21600,21600\" o:spt=\"202\" path=\"m,l,21600r21600,l21600,xe\"><v:stroke joinstyle=\"miter\"/><v:path gradientshapeok=\"t\" o:connecttype=\"rect\"/></v:shapetype>"
    );
    let first_shape = 1024 * data_id;
    for (z, n) in (1u32..).zip(&s.notes) {
        let p = place_note(&grid, n);
        let _ = write!(
            w,
            "<v:shape id=\"_x0000_s{}\" type=\"#_x0000_t202\" style=\"position:absolute;margin-left:{}pt;margin-top:{}pt;width:{}pt;height:{}pt;z-index:{z};visibility:hidden\" fillcolor=\"#ffffe1\" o:insetmode=\"auto\"><v:fill color2=\"#ffffe1\"/><v:shadow on=\"t\" color=\"black\" obscured=\"t\"/><v:path o:connecttype=\"none\"/><v:textbox style=\"mso-direction-alt:auto\"><div style=\"text-align:left\"></div></v:textbox><x:ClientData ObjectType=\"Note\"><x:MoveWithCells/><x:SizeWithCells/><x:Anchor>{}</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>{}</x:Row><x:Column>{}</x:Column></x:ClientData></v:shape>",
            first_shape + z,
            vml_points(f64::from(p.left)),
            vml_points(f64::from(p.top)),
            vml_points(f64::from(n.width)),
            vml_points(f64::from(n.height)),
            p.anchor,
            n.row,
            n.col
        );
    }
    w.extend_from_slice(b"</xml>");
}

// ---------------------------------------------------------------------------------------
// Escaping

/// An attribute's value as rust_xlsxwriter escapes it: `&`, `"`, `<`, `>` and line feed.
fn escape_attribute(w: &mut Vec<u8>, s: &str) {
    let mut rest = 0;
    for (i, b) in s.bytes().enumerate() {
        let r: &[u8] = match b {
            b'&' => b"&amp;",
            b'"' => b"&quot;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'\n' => b"&#xA;",
            _ => continue,
        };
        w.extend_from_slice(&s.as_bytes()[rest..i]);
        w.extend_from_slice(r);
        rest = i + 1;
    }
    w.extend_from_slice(&s.as_bytes()[rest..]);
}

// ---------------------------------------------------------------------------------------
// The zip container

/// The package as it is written: entries one after the other, then their directory.
#[derive(Default)]
struct ZipOut {
    bytes: Vec<u8>,
    names: Vec<String>,
    entries: Vec<Entry>,
}

impl ZipOut {
    /// Adds a part, deflating it.
    fn add(&mut self, name: &str, xml: &[u8]) {
        self.add_part(name, &Part::deflate(xml));
    }

    /// Adds a part deflated beforehand.
    fn add_part(&mut self, name: &str, part: &Part) {
        let entry = Entry {
            crc: part.crc,
            compressed: u32::try_from(part.deflated.len()).unwrap_or(u32::MAX),
            size: part.size,
            offset: u32::try_from(self.bytes.len()).unwrap_or(u32::MAX),
        };
        self.bytes
            .extend_from_slice(&zipped::local_header(name, &entry));
        self.bytes.extend_from_slice(&part.deflated);
        self.names.push(name.to_string());
        self.entries.push(entry);
    }

    fn finish(mut self) -> Vec<u8> {
        let at = u32::try_from(self.bytes.len()).unwrap_or(u32::MAX);
        let entries: Vec<(&str, Entry)> = self
            .names
            .iter()
            .map(String::as_str)
            .zip(self.entries.iter().copied())
            .collect();
        let directory = zipped::directory(&entries, at);
        self.bytes.extend_from_slice(&directory);
        self.bytes
    }
}
