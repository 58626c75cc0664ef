//! The pre-scans of an .xlsx's worksheet parts and shared-string table: one pass over
//! each part's bytes that checks every row and cell reference and every typed cell
//! value the way calamine's cell reader will meet them, collects the merged regions, and
//! counts the shared strings.
//!
//! calamine adds up the digits of `r="K4294967299"` in a `u32` that wraps (to K3), and it
//! reads a shared-string index that is not a plain number (`-1`, `abc`, `1.5`) as string
//! 0; either would change a return's figures without a word. Parsing every sheet with
//! quick-xml a second time to look would double the cost of reading the hot path, so
//! the [`Lexer`] walks the markup itself: memchr finds each `<`, and comments, CDATA
//! sections, processing instructions and tags (quotes included) are delimited exactly as
//! quick-xml delimits them, so that the elements seen here are the elements calamine
//! sees, whatever hides in an attribute or a comment. Only the tags that matter are
//! looked into: `dimension`, `row`, `c`, the `v` of a typed cell, and the first
//! `mergeCells` (and in the table, `sst` and `si`); the usual cell, `<c …><v>…</v></c>`,
//! is taken whole. A cell without `r` is placed by calamine's rule (the column after the
//! previous cell, in the row after the previous row), so its position is checked too.
//!
//! Two cells at one address are found as calamine yields them (`xlsx::load`); a row
//! number given twice is found here.

use std::io::BufRead;

use memchr::{memchr, memchr2, memmem};

use super::guard::{too_large, MAX_XML_TOKEN_BYTES};
use super::xlsx::{doctype, scan_for_doctype};
use super::xml::{
    a1_ref, digits, raw_attrs, row_number, shown, BadRef, ScanError, MAX_COLUMNS, MAX_ROWS,
};
use super::{Budget, Damage, Merge, ReadError};
use crate::config::Limits;
use crate::model::a1;

/// What the scan of one worksheet part found besides its being sound.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct SheetFacts {
    /// The merged regions of the first `mergeCells` element (the only one calamine
    /// would read).
    pub(crate) merges: Vec<Merge>,
    /// Every cell holding a formula (`<f>`) but no saved result (neither `<v>` nor
    /// `<is>`), as openpyxl and other libraries write them: zero-based (row, col) and
    /// the formula as a spreadsheet shows it (`=150+50`). calamine reads such a cell as
    /// empty; the reader puts [`CellValue::Uncalculated`](super::CellValue) there so that
    /// it is never taken for a blank (see [`uncalculated_formula`]).
    pub(crate) uncalculated: Vec<(u32, u32, String)>,
}

/// Scans one worksheet part: `part` is its name in the archive, `sheet` the tab's name
/// (for messages), `strings` the number of shared strings the table holds.
pub(crate) fn scan_sheet<R: BufRead>(
    r: R,
    part: &str,
    sheet: &str,
    strings: u64,
    limits: &Limits,
) -> Result<SheetFacts, ScanError> {
    let mut scan = SheetScan::new(sheet, strings, limits.max_cells_per_sheet);
    scan_part(r, part, &mut scan)?;
    let cap = limits.max_cells_per_sheet;
    if scan.uncalculated.len() as u64 > cap {
        let found = scan.uncalculated.len() as u64;
        return Err(too_large(Budget::SheetCells(sheet.to_string()), found, cap).into());
    }
    Ok(SheetFacts {
        merges: scan.merges,
        uncalculated: scan.uncalculated,
    })
}

/// The longest formula text kept for a message, in characters; longer ones are cut
/// with `…` (a formula may run to 8 192 characters, and each is only shown).
const FORMULA_SHOWN_CHARS: usize = 200;

/// The formula of an `<f>` element as a spreadsheet shows it: `=` and its text, entities
/// decoded, cut at [`FORMULA_SHOWN_CHARS`].
fn uncalculated_formula(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    let text = quick_xml::escape::unescape(&text)
        .map(|t| t.into_owned())
        .unwrap_or_else(|_| text.into_owned());
    let mut shown = String::from("=");
    for (i, ch) in text.trim().chars().enumerate() {
        if i == FORMULA_SHOWN_CHARS {
            shown.push('…');
            break;
        }
        shown.push(ch);
    }
    shown
}

/// What the shared-string table costs once calamine has read it.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SharedStrings {
    /// Bytes of XML text in the strings (entities as written, CDATA content included).
    pub(crate) total_bytes: u64,
    /// `<si>` elements: calamine makes at most one string of each, so a cell's index
    /// must be below.
    pub(crate) count: u64,
}

/// Counts the shared-string part's strings and their text, refusing more than
/// `max_strings` (present or declared by `uniqueCount`, which calamine reserves before
/// it reads one).
pub(crate) fn scan_strings<R: BufRead>(
    r: R,
    part: &str,
    limits: &Limits,
) -> Result<SharedStrings, ScanError> {
    let mut scan = StringsScan {
        part,
        max_strings: limits.max_strings,
        strings: SharedStrings::default(),
        current: None,
    };
    scan_part(r, part, &mut scan)?;
    Ok(scan.strings)
}

/// Reads part `r` through the lexer into `markup`, chunk by chunk.
fn scan_part<R: BufRead, M: Markup>(mut r: R, part: &str, markup: &mut M) -> Result<(), ScanError> {
    let mut lexer = Lexer { open: Open::None };
    // What is left of the previous chunk: an element cut in two, never more than one
    // token (the reader below refuses longer ones).
    let mut pending: Vec<u8> = Vec::new();
    let mut first = true;
    loop {
        let chunk = r.fill_buf().map_err(xml_io)?;
        if chunk.is_empty() {
            // An element cut off by the end of the part: calamine reports it.
            return Ok(());
        }
        if first {
            scan_for_doctype(chunk, part)?;
            first = false;
        }
        let n = chunk.len();
        if pending.is_empty() {
            let used = lexer.feed(markup, chunk, part)?;
            pending.extend_from_slice(&chunk[used..]);
        } else {
            pending.extend_from_slice(chunk);
            let used = lexer.feed(markup, &pending, part)?;
            pending.drain(..used);
        }
        r.consume(n);
        if markup.finished() {
            return Ok(());
        }
        if pending.len() as u64 > 2 * MAX_XML_TOKEN_BYTES {
            return Err(
                too_large(Budget::XmlToken, pending.len() as u64, MAX_XML_TOKEN_BYTES).into(),
            );
        }
    }
}

/// What a scan makes of the markup the [`Lexer`] delimits.
trait Markup {
    /// Whether nothing later in the part matters.
    fn finished(&self) -> bool;
    /// Reads the text at `i` if it matters to the scan: the position after what it took
    /// (`i` for nothing), or `None` to wait for more bytes.
    fn text(&mut self, buf: &[u8], i: usize) -> Result<Option<usize>, ScanError>;
    /// A comment, CDATA section or processing instruction begins.
    fn other(&mut self) {}
    /// Bytes of CDATA content passed over.
    fn cdata(&mut self, _bytes: usize) {}
    /// A start or self-closing tag, `tag` what lies between `<` and `>`; `after` the
    /// bytes that follow, of which it returns how many it took too.
    fn start(&mut self, tag: &[u8], after: &[u8]) -> Result<usize, ScanError>;
    /// An end tag, `name` its name with trailing blanks trimmed (as quick-xml trims them).
    fn end(&mut self, name: &[u8]);
    /// The refusal of markup that quick-xml and this lexer could read differently.
    fn malformed(&self) -> ScanError;
}

/// Delimits tags, comments, CDATA sections and processing instructions exactly as
/// quick-xml does, so that the elements a scan sees are those calamine will see.
struct Lexer {
    open: Open,
}

/// A read error under the scan (a tripped budget, a damaged entry), as the XML reader
/// would report it.
pub(crate) fn xml_io(e: std::io::Error) -> ScanError {
    ScanError::Xml(quick_xml::Error::Io(std::sync::Arc::new(e)))
}

/// Where in the part the scan is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Zone {
    /// Before `<sheetData>`: only `dimension` is looked at (as calamine does).
    Prolog,
    /// Inside `<sheetData>`.
    Data,
    /// After `</sheetData>`.
    After,
}

/// A construct that may run across chunks and whose end is searched for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    /// Nothing open: looking for the next `<`.
    None,
    /// `<!-- … -->`.
    Comment,
    /// `<![CDATA[ … ]]>`.
    CData,
    /// `<? … ?>`.
    Pi,
}

/// What a cell's `t` says its `<v>` holds, for the values checked here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A shared-string index (`t="s"`).
    Shared,
    /// A number (`t="n"`).
    Number,
    /// A logical value (`t="b"`).
    Bool,
    /// Anything calamine takes as it comes (no `t`, `e`, `str`, `d`, inline strings).
    Other,
    /// A type calamine does not know: refused when a `<v>` comes.
    Unknown,
}

/// How calamine reads past a cell's `<v>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ValueRead {
    /// One event (the value, if it is text), then quick-xml's `read_to_end`, which counts
    /// nested `<v>` from there on (no `t`, and `s`, `n`, `b`, `e`).
    FirstThenNested,
    /// `read_to_end` from the start (inline strings, whose `<v>` is ignored).
    Nested,
    /// Up to the first `</v>` (`str`, `d`).
    Flat,
}

/// The cell being read.
struct Cell {
    row: u32,
    col: u32,
    kind: Kind,
    value_read: ValueRead,
    /// The raw text of its `<f>`, if it has one (empty for `<f/>`), capped a little past
    /// what is shown.
    formula: Option<Vec<u8>>,
    /// The shared formula group (`si`) its `<f t="shared">` names, if any.
    shared: Option<u32>,
    /// Whether it holds a saved value: text in its `<v>`, an `<is>`, or a `<v>` at all
    /// in a text cell (`t="str"`), whose result may be the empty string. openpyxl writes
    /// a formula with an empty `<v />` and no type: that is no result.
    has_value: bool,
    /// `t="str"`: an empty `<v>` is the saved result "" (Excel's `=IF(A1>0,"",A1)`).
    text_result: bool,
}

/// An element whose content calamine reads past as a block (a cell's `<v>`, `<f>` or
/// `<is>`): nothing inside is a row or a cell to it.
struct Skip {
    name: Vec<u8>,
    /// Open elements of the same name inside, when calamine counts them.
    depth: Option<u32>,
}

/// Whether the merged regions were read yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Merges {
    NotYet,
    Inside,
    Done,
}

struct SheetScan<'a> {
    sheet: &'a str,
    strings: u64,
    max_cells: u64,
    zone: Zone,
    /// calamine's row of a `<row>` without `r` (zero-based), and column of a `<c>`
    /// without `r`.
    row_index: u32,
    col_index: u32,
    /// One bit per row number seen.
    rows: Vec<u64>,
    cell: Option<Cell>,
    /// The raw `t` of the current cell when it is [`Kind::Unknown`], for the message.
    unknown_type: Vec<u8>,
    skip: Option<Skip>,
    /// The next event is the first inside a `<v>` read [`ValueRead::FirstThenNested`]:
    /// text is the value, and a nested `<v>` is not counted.
    v_first: bool,
    merge_state: Merges,
    merges: Vec<Merge>,
    /// Inside the current cell's `<f>`: its text is the formula.
    in_formula: bool,
    /// The text of each shared formula group's first formula (`<f t="shared" si="0"
    /// ref="…">…</f>`), shown for the cells that only name the group.
    shared_formulas: std::collections::HashMap<u32, Vec<u8>>,
    uncalculated: Vec<(u32, u32, String)>,
}

impl Lexer {
    /// Scans as much of `buf` as holds whole constructs; returns how many bytes were
    /// used (the rest is handed back with more bytes after it).
    fn feed<M: Markup>(&mut self, m: &mut M, buf: &[u8], part: &str) -> Result<usize, ScanError> {
        let len = buf.len();
        let mut i = 0;
        loop {
            if m.finished() {
                return Ok(len);
            }
            // The end of a construct that may be long is searched for; its last bytes are
            // kept in case the terminator is cut in two.
            let terminator: &[u8] = match self.open {
                Open::None => b"",
                Open::Comment => b"-->",
                Open::CData => b"]]>",
                Open::Pi => b"?>",
            };
            if !terminator.is_empty() {
                let found = memmem::find(&buf[i..], terminator);
                let upto = match found {
                    Some(at) => i + at,
                    None => i.max(len.saturating_sub(terminator.len() - 1)),
                };
                if self.open == Open::CData {
                    m.cdata(upto - i);
                }
                if found.is_none() {
                    return Ok(upto);
                }
                i = upto + terminator.len();
                self.open = Open::None;
                continue;
            }
            match m.text(buf, i)? {
                Some(next) => i = next,
                None => return Ok(i),
            }
            // Tags mostly follow one another: look at the next byte before searching.
            let lt = match buf.get(i) {
                Some(b'<') => i,
                _ => match memchr(b'<', &buf[i..]) {
                    Some(at) => i + at,
                    None => return Ok(len),
                },
            };
            let Some(&next) = buf.get(lt + 1) else {
                return Ok(lt);
            };
            if next == b'!' || next == b'?' {
                m.other();
            }
            match next {
                b'!' => {
                    // quick-xml's rules: `<!-` a comment, `<![` CDATA, `<!D` a DTD.
                    let Some(&kind) = buf.get(lt + 2) else {
                        return Ok(lt);
                    };
                    match kind {
                        b'-' => {
                            // `<!--`, then at least one byte: a comment whose text starts
                            // with `-` is closed differently by each reader, so refused
                            // (but for the empty one).
                            if buf.len() < lt + 7 {
                                return Ok(lt);
                            }
                            if &buf[lt..lt + 7] == b"<!---->" {
                                i = lt + 7;
                                continue;
                            }
                            if &buf[lt..lt + 4] != b"<!--" || buf[lt + 4] == b'-' {
                                return Err(m.malformed());
                            }
                            self.open = Open::Comment;
                            i = lt + 4;
                        }
                        b'[' => {
                            if buf.len() < lt + 9 {
                                return Ok(lt);
                            }
                            if &buf[lt..lt + 9] != b"<![CDATA[" {
                                return Err(m.malformed());
                            }
                            self.open = Open::CData;
                            i = lt + 9;
                        }
                        b'D' | b'd' => return Err(doctype(part)),
                        _ => return Err(m.malformed()),
                    }
                }
                b'?' => {
                    // The `?` of `<?` does not end it: `<?>` is still open.
                    self.open = Open::Pi;
                    i = lt + 2;
                }
                _ => {
                    let Some(gt) = tag_end(&buf[lt + 1..]).map(|n| lt + 1 + n) else {
                        return Ok(lt);
                    };
                    i = gt + 1;
                    if next == b'/' {
                        m.end(trim_end(&buf[lt + 2..gt]));
                    } else {
                        i += m.start(&buf[lt + 1..gt], &buf[i..])?;
                    }
                }
            }
        }
    }
}

impl Markup for SheetScan<'_> {
    fn finished(&self) -> bool {
        self.zone == Zone::After && self.merge_state == Merges::Done
    }

    fn text(&mut self, buf: &[u8], i: usize) -> Result<Option<usize>, ScanError> {
        if self.in_formula {
            // The formula's text up to the next markup (entities decoded at the end).
            let Some(end) = memchr(b'<', &buf[i..]) else {
                return Ok(None);
            };
            if let Some(f) = self.cell.as_mut().and_then(|c| c.formula.as_mut()) {
                let room = (4 * FORMULA_SHOWN_CHARS + 8).saturating_sub(f.len());
                f.extend_from_slice(&buf[i..i + end.min(room)]);
            }
            return Ok(Some(i + end));
        }
        if !self.v_first {
            return Ok(Some(i));
        }
        // Text up to the next markup or reference is one event, the value calamine
        // parses; a reference first means no value.
        let Some(end) = memchr2(b'<', b'&', &buf[i..]) else {
            return Ok(None);
        };
        if end > 0 {
            self.check_value(&buf[i..i + end])?;
            self.v_first = false;
            if let Some(cell) = &mut self.cell {
                cell.has_value = true;
            }
        } else if buf[i] == b'&' {
            self.v_first = false;
        }
        // At a tag, the tag decides.
        Ok(Some(i + end))
    }

    fn other(&mut self) {
        self.v_first = false;
    }

    fn start(&mut self, tag: &[u8], after: &[u8]) -> Result<usize, ScanError> {
        if self.start_tag(tag)? {
            self.whole_cell(after)
        } else {
            Ok(0)
        }
    }

    fn end(&mut self, name: &[u8]) {
        self.end_tag(name);
    }

    fn malformed(&self) -> ScanError {
        let sheet = self.sheet;
        damaged(
            format!("工作表“{sheet}”的 XML 标记格式错误"),
            format!("the XML markup of sheet \"{sheet}\" is malformed"),
        )
    }
}

/// The count of the shared-string part: every `<si>` start (as quick-xml reports
/// them), and the text inside each.
struct StringsScan<'a> {
    part: &'a str,
    max_strings: u64,
    strings: SharedStrings,
    /// Bytes of the string being read, if inside one.
    current: Option<u64>,
}

impl StringsScan<'_> {
    fn add(&mut self, n: usize) {
        if let Some(c) = &mut self.current {
            *c = c.saturating_add(n as u64);
        }
    }

    fn string_end(&mut self) {
        let n = self.current.take().unwrap_or(0);
        self.strings.total_bytes = self.strings.total_bytes.saturating_add(n);
    }
}

impl Markup for StringsScan<'_> {
    fn finished(&self) -> bool {
        false
    }

    fn text(&mut self, buf: &[u8], i: usize) -> Result<Option<usize>, ScanError> {
        if self.current.is_none() {
            return Ok(Some(i));
        }
        let end = memchr(b'<', &buf[i..]).map_or(buf.len(), |at| i + at);
        self.add(end - i);
        Ok(Some(end))
    }

    fn cdata(&mut self, bytes: usize) {
        self.add(bytes);
    }

    fn start(&mut self, tag: &[u8], _after: &[u8]) -> Result<usize, ScanError> {
        let (name, attrs, empty) = split_tag(tag);
        match local_name(name) {
            b"sst" => {
                // calamine reserves this many strings before reading one.
                let declared = raw_attrs(attrs)
                    .map_while(|a| a)
                    .find(|(k, _)| *k == b"uniqueCount")
                    .and_then(|(_, v)| digits(v));
                if let Some(n) = declared.filter(|&n| n > self.max_strings) {
                    return Err(too_large(Budget::DeclaredStrings, n, self.max_strings).into());
                }
            }
            b"si" => {
                let count = self.strings.count;
                if count >= self.max_strings {
                    return Err(too_large(Budget::Strings, count + 1, self.max_strings).into());
                }
                self.strings.count += 1;
                self.current = Some(0);
                if empty {
                    self.string_end();
                }
            }
            _ => {}
        }
        Ok(0)
    }

    fn end(&mut self, name: &[u8]) {
        if local_name(name) == b"si" {
            self.string_end();
        }
    }

    fn malformed(&self) -> ScanError {
        let part = self.part;
        damaged(
            format!("“{part}”的 XML 标记格式错误"),
            format!("the XML markup of \"{part}\" is malformed"),
        )
    }
}

/// A tag's name, its attributes, and whether it closes itself (`<c/>`).
fn split_tag(tag: &[u8]) -> (&[u8], &[u8], bool) {
    let (tag, empty) = match tag.strip_suffix(b"/") {
        Some(t) => (t, true),
        None => (tag, false),
    };
    let name_len = tag
        .iter()
        .position(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        .unwrap_or(tag.len());
    let (name, attrs) = tag.split_at(name_len);
    (name, attrs, empty)
}

impl<'a> SheetScan<'a> {
    fn new(sheet: &'a str, strings: u64, max_cells: u64) -> Self {
        SheetScan {
            sheet,
            strings,
            max_cells,
            zone: Zone::Prolog,
            row_index: 0,
            col_index: 0,
            rows: Vec::new(),
            cell: None,
            unknown_type: Vec::new(),
            skip: None,
            v_first: false,
            merge_state: Merges::NotYet,
            merges: Vec::new(),
            in_formula: false,
            shared_formulas: std::collections::HashMap::new(),
            uncalculated: Vec::new(),
        }
    }

    /// A start (or self-closing) tag; `tag` is what lies between `<` and `>`. True when
    /// it opened a cell that is still open.
    fn start_tag(&mut self, tag: &[u8]) -> Result<bool, ScanError> {
        let (name, attrs, empty) = split_tag(tag);
        if let Some(skip) = &mut self.skip {
            let first = std::mem::take(&mut self.v_first);
            if let Some(depth) = &mut skip.depth {
                if !empty && !first && name == skip.name.as_slice() {
                    *depth += 1;
                }
            }
            return Ok(false);
        }
        let local = local_name(name);
        if self.merge_state != Merges::Done {
            match (self.merge_state, local) {
                (Merges::NotYet, b"mergeCells") => {
                    self.merge_state = if empty { Merges::Done } else { Merges::Inside };
                    return Ok(false);
                }
                (Merges::Inside, b"mergeCell") => return self.merge_cell(attrs).map(|()| false),
                _ => {}
            }
        }
        match self.zone {
            Zone::Prolog => match local {
                b"sheetData" => self.zone = if empty { Zone::After } else { Zone::Data },
                b"dimension" => self.dimension(attrs)?,
                _ => {}
            },
            Zone::Data => {
                if let Some(cell) = &mut self.cell {
                    // Inside a cell calamine reads `v`, `f` and `is` as blocks.
                    let read = match local {
                        b"v" => {
                            if cell.kind == Kind::Unknown {
                                return Err(self.unknown_type());
                            }
                            // Other values count once their text comes ([`Markup::text`]).
                            cell.has_value |= cell.text_result;
                            Some(cell.value_read)
                        }
                        b"f" => {
                            if cell.formula.is_none() {
                                cell.formula = Some(Vec::new());
                                cell.shared = shared_group(attrs);
                                self.in_formula = !empty;
                            }
                            Some(ValueRead::Nested)
                        }
                        b"is" => {
                            cell.has_value = true;
                            Some(ValueRead::Flat)
                        }
                        _ => None,
                    };
                    if let (Some(read), false) = (read, empty) {
                        self.skip = Some(Skip {
                            name: name.to_vec(),
                            depth: (read != ValueRead::Flat).then_some(0),
                        });
                        self.v_first = read == ValueRead::FirstThenNested;
                    }
                } else {
                    match local {
                        b"row" => {
                            self.row(attrs)?;
                            if empty {
                                self.row_end();
                            }
                        }
                        b"c" => {
                            self.cell(attrs)?;
                            if empty {
                                self.cell = None;
                            } else {
                                return Ok(true);
                            }
                        }
                        _ => {}
                    }
                }
            }
            Zone::After => {}
        }
        Ok(false)
    }

    /// An end tag; `name` is its name, trailing blanks trimmed (as quick-xml trims them).
    fn end_tag(&mut self, name: &[u8]) {
        self.v_first = false;
        if let Some(skip) = &mut self.skip {
            if name == skip.name.as_slice() {
                match &mut skip.depth {
                    Some(d) if *d > 0 => *d -= 1,
                    _ => {
                        self.skip = None;
                        if std::mem::take(&mut self.in_formula) {
                            self.formula_end();
                        }
                    }
                }
            }
            return;
        }
        let local = local_name(name);
        if self.merge_state == Merges::Inside && local == b"mergeCells" {
            self.merge_state = Merges::Done;
        }
        if self.zone != Zone::Data {
            return;
        }
        if self.cell.is_some() {
            // calamine reads a cell until its `</c>`, whatever else closes inside it.
            if local == b"c" {
                self.cell_end();
            }
            return;
        }
        match local {
            b"row" => self.row_end(),
            b"sheetData" => self.zone = Zone::After,
            _ => {}
        }
    }

    /// The usual rest of a cell just opened, `<v>value</v></c>`, taken whole (it has no
    /// other reading: the text is the value, and the cell ends); the bytes it took, or
    /// 0 for anything else, which is then read tag by tag.
    fn whole_cell(&mut self, rest: &[u8]) -> Result<usize, ScanError> {
        const CLOSE: &[u8] = b"</v></c>";
        let Some(text) = rest.strip_prefix(b"<v>") else {
            return Ok(0);
        };
        let Some(end) = memchr2(b'<', b'&', text) else {
            return Ok(0);
        };
        if !text[end..].starts_with(CLOSE) {
            return Ok(0);
        }
        if self.cell.as_ref().is_some_and(|c| c.kind == Kind::Unknown) {
            return Err(self.unknown_type());
        }
        if end > 0 {
            self.check_value(&text[..end])?;
        }
        self.cell = None;
        Ok(3 + end + CLOSE.len())
    }

    fn row(&mut self, attrs: &[u8]) -> Result<(), ScanError> {
        // calamine takes the first `r`.
        for attr in raw_attrs(attrs) {
            let Some((key, value)) = attr else {
                return Err(self.malformed());
            };
            if key == b"r" {
                self.row_index = row_number(value).map_err(|e| self.bad_row(value, e))?;
                break;
            }
        }
        if self.row_index >= MAX_ROWS {
            return Err(self.beyond_last_row());
        }
        let (word, bit) = ((self.row_index / 64) as usize, self.row_index % 64);
        if word >= self.rows.len() {
            self.rows.resize(word + 1, 0);
        }
        if self.rows[word] & (1 << bit) != 0 {
            let n = self.row_index + 1;
            let sheet = self.sheet;
            return Err(damaged(
                format!("工作表“{sheet}”的第 {n} 行出现了两次"),
                format!("row {n} of sheet \"{sheet}\" appears twice"),
            ));
        }
        self.rows[word] |= 1 << bit;
        Ok(())
    }

    fn row_end(&mut self) {
        self.row_index += 1;
        self.col_index = 0;
    }

    fn cell(&mut self, attrs: &[u8]) -> Result<(), ScanError> {
        // calamine's `get_attrs!`: each of r, s, t as last seen, stopping once three
        // (of any of them) have been seen.
        let (mut r, mut t) = (None, None);
        let mut found = 0;
        for attr in raw_attrs(attrs) {
            let Some((key, value)) = attr else {
                return Err(self.malformed());
            };
            match key {
                b"r" => r = Some(value),
                b"t" => t = Some(value),
                b"s" => {}
                _ => continue,
            }
            found += 1;
            if found == 3 {
                break;
            }
        }
        let (row, col) = match r {
            Some(raw) => a1_ref(raw).map_err(|e| self.bad_ref(raw, e))?,
            None => {
                if self.row_index >= MAX_ROWS {
                    return Err(self.beyond_last_row());
                }
                if self.col_index >= MAX_COLUMNS {
                    let row = self.row_index + 1;
                    let sheet = self.sheet;
                    return Err(damaged(
                        format!("工作表“{sheet}”第 {row} 行的单元格超出了最后一列 XFD"),
                        format!("a cell of row {row} of sheet \"{sheet}\" lies past the last column, XFD"),
                    ));
                }
                (self.row_index, self.col_index)
            }
        };
        self.col_index = col + 1;
        let kind = match t {
            None => Kind::Other,
            Some(b"s") => Kind::Shared,
            Some(b"n") => Kind::Number,
            Some(b"b") => Kind::Bool,
            Some(b"e" | b"str" | b"d" | b"inlineStr" | b"is") => Kind::Other,
            Some(other) => {
                self.unknown_type.clear();
                self.unknown_type.extend_from_slice(other);
                Kind::Unknown
            }
        };
        let value_read = match t {
            Some(b"str" | b"d") => ValueRead::Flat,
            Some(b"inlineStr" | b"is") => ValueRead::Nested,
            _ => ValueRead::FirstThenNested,
        };
        self.cell = Some(Cell {
            row,
            col,
            kind,
            value_read,
            formula: None,
            shared: None,
            has_value: false,
            text_result: t == Some(b"str"),
        });
        Ok(())
    }

    /// The `</f>` of the current cell: the first formula of a shared group is kept for
    /// the cells that only name the group.
    fn formula_end(&mut self) {
        let Some(cell) = &self.cell else { return };
        if let (Some(si), Some(f)) = (cell.shared, &cell.formula) {
            // As many groups as cells at most; each text is capped.
            if !f.trim_ascii().is_empty() && (self.shared_formulas.len() as u64) < self.max_cells {
                self.shared_formulas.entry(si).or_insert_with(|| f.clone());
            }
        }
    }

    /// The `</c>` of the current cell: a formula without a saved result is recorded.
    fn cell_end(&mut self) {
        self.in_formula = false;
        let Some(cell) = self.cell.take() else { return };
        if cell.has_value {
            return;
        }
        let Some(f) = &cell.formula else { return };
        // One past the cap is enough to refuse the sheet ([`scan_sheet`]); no more is kept.
        if self.uncalculated.len() as u64 > self.max_cells {
            return;
        }
        let raw = match cell.shared {
            Some(si) if f.trim_ascii().is_empty() => self.shared_formulas.get(&si).unwrap_or(f),
            _ => f,
        };
        self.uncalculated
            .push((cell.row, cell.col, uncalculated_formula(raw)));
    }

    /// The text calamine parses as the value of the current cell's `<v>`.
    fn check_value(&self, text: &[u8]) -> Result<(), ScanError> {
        let Some(cell) = &self.cell else {
            return Ok(());
        };
        let fits = match cell.kind {
            Kind::Shared => {
                text.iter().all(u8::is_ascii_digit)
                    && digits(text).is_some_and(|n| n < self.strings)
            }
            Kind::Number => std::str::from_utf8(text).is_ok_and(|s| s.parse::<f64>().is_ok()),
            Kind::Bool => {
                let t = text.trim_ascii();
                t.is_empty()
                    || t == b"0"
                    || t == b"1"
                    || t.eq_ignore_ascii_case(b"true")
                    || t.eq_ignore_ascii_case(b"false")
            }
            Kind::Other | Kind::Unknown => true,
        };
        if fits {
            return Ok(());
        }
        // Named only when refused: the check runs for every typed value.
        let (sheet, at, v) = (self.sheet, a1(cell.row, cell.col), shown(text));
        Err(match cell.kind {
            Kind::Shared if text.iter().all(u8::is_ascii_digit) => {
                let count = self.strings;
                damaged(
                    format!("工作表“{sheet}”的单元格 {at} 引用第 {v} 号共享字符串，但共享字符串表只有 {count} 条"),
                    format!("cell {at} of sheet \"{sheet}\" uses shared string {v}, but the table holds {count}"),
                )
            }
            Kind::Shared => damaged(
                format!("工作表“{sheet}”的单元格 {at} 的共享字符串编号“{v}”无效（应为不带符号的整数）"),
                format!("cell {at} of sheet \"{sheet}\" has an invalid shared-string index \"{v}\" (expected a whole number without sign)"),
            ),
            Kind::Number => damaged(
                format!("工作表“{sheet}”的单元格 {at} 标为数值，但内容“{v}”不是数字"),
                format!("cell {at} of sheet \"{sheet}\" is marked as a number but holds \"{v}\""),
            ),
            _ => damaged(
                format!("工作表“{sheet}”的单元格 {at} 标为逻辑值，但内容“{v}”不是 TRUE 或 FALSE"),
                format!("cell {at} of sheet \"{sheet}\" is marked as a logical value but holds \"{v}\""),
            ),
        })
    }

    fn dimension(&self, attrs: &[u8]) -> Result<(), ScanError> {
        let sheet = self.sheet;
        for attr in raw_attrs(attrs) {
            let Some((key, value)) = attr else {
                return Err(self.malformed());
            };
            if key == b"ref" {
                let mut parts = value.split(|&b| b == b':');
                let ok =
                    parts.by_ref().take(2).all(|p| a1_ref(p).is_ok()) && parts.next().is_none();
                if !ok {
                    let v = shown(value);
                    return Err(damaged(
                        format!("工作表“{sheet}”声明的范围（dimension）“{v}”无效"),
                        format!("sheet \"{sheet}\" declares an invalid range (dimension) \"{v}\""),
                    ));
                }
                return Ok(());
            }
        }
        Err(damaged(
            format!("工作表“{sheet}”的范围声明（dimension）缺少 ref"),
            format!("the range declaration (dimension) of sheet \"{sheet}\" has no ref"),
        ))
    }

    fn merge_cell(&mut self, attrs: &[u8]) -> Result<(), ScanError> {
        if self.merges.len() as u64 >= self.max_cells {
            return Err(too_large(
                Budget::SheetMerges(self.sheet.to_string()),
                self.merges.len() as u64 + 1,
                self.max_cells,
            )
            .into());
        }
        // A mergeCell without `ref` is skipped, as calamine skips it.
        let Some(value) = raw_attrs(attrs)
            .map_while(|a| a)
            .find(|(k, _)| *k == b"ref")
            .map(|(_, v)| v)
        else {
            return Ok(());
        };
        let merge = merge_ref(value).ok_or_else(|| {
            let (sheet, v) = (self.sheet, shown(value));
            damaged(
                format!("工作表“{sheet}”的合并区域“{v}”无效"),
                format!("sheet \"{sheet}\" has an invalid merged range \"{v}\""),
            )
        })?;
        self.merges.push(merge);
        Ok(())
    }

    fn bad_ref(&self, raw: &[u8], e: BadRef) -> ScanError {
        let (sheet, r) = (self.sheet, shown(raw));
        match e {
            BadRef::Malformed => damaged(
                format!("工作表“{sheet}”的单元格地址“{r}”无效"),
                format!("sheet \"{sheet}\" has an invalid cell address \"{r}\""),
            ),
            BadRef::OutOfRange => damaged(
                format!("工作表“{sheet}”的单元格地址“{r}”超出了 Excel 的范围（最大为 XFD1048576）"),
                format!("sheet \"{sheet}\" has a cell address \"{r}\" past Excel's last cell, XFD1048576"),
            ),
        }
    }

    fn bad_row(&self, raw: &[u8], e: BadRef) -> ScanError {
        let (sheet, r) = (self.sheet, shown(raw));
        match e {
            BadRef::Malformed => damaged(
                format!("工作表“{sheet}”的行号“{r}”无效"),
                format!("sheet \"{sheet}\" has an invalid row number \"{r}\""),
            ),
            BadRef::OutOfRange => damaged(
                format!("工作表“{sheet}”的行号“{r}”超出了 Excel 的范围（最大为 1048576）"),
                format!(
                    "sheet \"{sheet}\" has a row number \"{r}\" past Excel's last row, 1048576"
                ),
            ),
        }
    }

    fn beyond_last_row(&self) -> ScanError {
        let sheet = self.sheet;
        damaged(
            format!("工作表“{sheet}”的行超出了 Excel 的最后一行 1048576"),
            format!("sheet \"{sheet}\" has rows past Excel's last row, 1048576"),
        )
    }

    fn unknown_type(&self) -> ScanError {
        let Some(cell) = &self.cell else {
            return self.malformed();
        };
        let (sheet, at, t) = (
            self.sheet,
            a1(cell.row, cell.col),
            shown(&self.unknown_type),
        );
        damaged(
            format!("工作表“{sheet}”的单元格 {at} 的类型“{t}”无法识别"),
            format!("cell {at} of sheet \"{sheet}\" has an unknown type \"{t}\""),
        )
    }
}

/// The group `si` of a shared formula's `<f t="shared" si="…">`.
fn shared_group(attrs: &[u8]) -> Option<u32> {
    let mut shared = false;
    let mut si = None;
    for (key, value) in raw_attrs(attrs).map_while(|a| a) {
        match key {
            b"t" => shared = value == b"shared",
            b"si" => si = digits(value).and_then(|n| u32::try_from(n).ok()),
            _ => {}
        }
    }
    si.filter(|_| shared)
}

fn damaged(zh: String, en: String) -> ScanError {
    ScanError::Reject(ReadError::Truncated(Damage::new(zh, en)))
}

/// Where the tag that `rest` (the bytes after its `<`) starts ends: its `>` outside
/// quotes, as quick-xml's `ElementParser` finds it. A plain loop: tags are a few dozen
/// bytes, too short for a vector search to pay for its start.
fn tag_end(rest: &[u8]) -> Option<usize> {
    let n = rest.len();
    let mut i = 0;
    loop {
        while i < n && !matches!(rest[i], b'>' | b'"' | b'\'') {
            i += 1;
        }
        let quote = *rest.get(i)?;
        if quote == b'>' {
            return Some(i);
        }
        i += 1;
        while i < n && rest[i] != quote {
            i += 1;
        }
        if i == n {
            return None;
        }
        i += 1;
    }
}

/// A name after its `prefix:`, split at the first colon as quick-xml splits it.
fn local_name(name: &[u8]) -> &[u8] {
    match name.iter().position(|&b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

fn trim_end(name: &[u8]) -> &[u8] {
    let end = name
        .iter()
        .rposition(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        .map_or(0, |i| i + 1);
    &name[..end]
}

/// A merged region's `ref` (`A1:C2`, or `B3` for one cell), corners in either order,
/// within Excel's limits.
pub(crate) fn merge_ref(raw: &[u8]) -> Option<Merge> {
    let mut parts = raw.split(|&b| b == b':');
    let a = a1_ref(parts.next()?).ok()?;
    let b = match parts.next() {
        Some(p) => a1_ref(p).ok()?,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Scans `xml` as the sheet "S" of a workbook with `strings` shared strings, read in
    /// chunks of every size from 1 to 17 bytes and in one piece: every construct is cut
    /// at every seam, and all readings must agree.
    fn scan(xml: &str, strings: u64) -> Result<Vec<Merge>, String> {
        facts(xml, strings).map(|f| f.merges)
    }

    /// What [`scan`] finds, formulas without results included.
    fn facts(xml: &str, strings: u64) -> Result<SheetFacts, String> {
        let outcome = |r: Result<SheetFacts, ScanError>| match r {
            Ok(m) => Ok(m),
            Err(ScanError::Reject(ReadError::Truncated(d))) => Err(d.zh),
            Err(other) => Err(format!("{other:?}")),
        };
        let whole = outcome(scan_sheet(
            xml.as_bytes(),
            "sheet.xml",
            "S",
            strings,
            &Limits::default(),
        ));
        for step in 1..=17 {
            let r = std::io::BufReader::with_capacity(step, xml.as_bytes());
            let cut = outcome(scan_sheet(r, "sheet.xml", "S", strings, &Limits::default()));
            assert_eq!(cut, whole, "reads of {step} bytes: {xml}");
        }
        whole
    }

    fn uncalculated(xml: &str) -> Vec<(u32, u32, String)> {
        facts(&rows(xml), 0).expect("sound").uncalculated
    }

    #[test]
    fn formulas_without_a_saved_result_are_found() {
        // As openpyxl writes them: the formula and an empty value; or no value at all.
        let found = uncalculated(concat!(
            r#"<row r="3"><c r="P3"><f>1+2</f><v /></c></row>"#,
            r#"<row r="4"><c r="N4" s="2"><f>150+50</f></c><c r="O4" t="n"><f>1</f><v></v></c>"#,
            r#"<c r="Q4" t="e"><f>1/0</f><v/></c></row>"#,
        ));
        assert_eq!(
            found,
            vec![
                (2, 15, "=1+2".to_string()),
                (3, 13, "=150+50".to_string()),
                (3, 14, "=1".to_string()),
                (3, 16, "=1/0".to_string()),
            ]
        );
        // As Excel writes them: the result beside, even an empty text result.
        let saved = concat!(
            r#"<row r="1"><c r="A1"><f>150+50</f><v>200</v></c>"#,
            r#"<c r="B1" t="str"><f>IF(A1&gt;0,"","x")</f><v></v></c>"#,
            r#"<c r="C1" t="str"><f>"a"</f><v/></c>"#,
            r#"<c r="D1" t="inlineStr"><f>"b"</f><is><t>b</t></is></c>"#,
            r#"<c r="E1"><v>1</v></c><c r="F1"/><c r="G1" t="b"><f>TRUE()</f><v>1</v></c>"#,
            r#"<c r="H1" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>"#,
        );
        assert_eq!(uncalculated(saved), vec![]);
        // Entities decoded, a prefix, an empty formula, a self-closing one.
        let found = uncalculated(concat!(
            r#"<row r="2"><c r="A2" t="str"><f>IF(B2&gt;0,"&amp;",C2)</f></c>"#,
            r#"<x:c r="B2"><x:f>SUM(B1:B1)</x:f></x:c><c r="C2"><f/></c></row>"#,
        ));
        assert_eq!(
            found,
            vec![
                (1, 0, r#"=IF(B2>0,"&",C2)"#.to_string()),
                (1, 1, "=SUM(B1:B1)".to_string()),
                (1, 2, "=".to_string()),
            ]
        );
        // A shared formula's cells name its group: the group's formula is shown.
        let shared = uncalculated(concat!(
            r#"<row r="5"><c r="N5"><f t="shared" ref="N5:N6" si="0">L5*2</f></c></row>"#,
            r#"<row r="6"><c r="N6"><f t="shared" si="0"/></c></row>"#,
        ));
        assert_eq!(
            shared,
            vec![(4, 13, "=L5*2".to_string()), (5, 13, "=L5*2".to_string())]
        );
        // A long formula is cut for the message.
        let long = uncalculated(&format!(
            r#"<row r="1"><c r="A1"><f>{}</f></c></row>"#,
            "1+".repeat(300) + "1"
        ));
        assert_eq!(long[0].2.chars().count(), 1 + FORMULA_SHOWN_CHARS + 1);
        assert!(long[0].2.ends_with('…'));
    }

    #[test]
    fn formulas_without_results_are_capped_like_cells() {
        let limits = Limits {
            max_cells_per_sheet: 3,
            ..Limits::default()
        };
        let xml = rows(&r#"<row><c><f>1</f></c></row>"#.repeat(4));
        assert!(matches!(
            scan_sheet(xml.as_bytes(), "sheet.xml", "S", 0, &limits),
            Err(ScanError::Reject(ReadError::TooLarge {
                what: Budget::SheetCells(_),
                ..
            }))
        ));
        let xml = rows(&r#"<row><c><f>1</f></c></row>"#.repeat(3));
        let facts = scan_sheet(xml.as_bytes(), "sheet.xml", "S", 0, &limits).expect("three");
        assert_eq!(facts.uncalculated.len(), 3);
    }

    fn rows(rows: &str) -> String {
        format!(
            r#"<?xml version="1.0"?><worksheet xmlns="x"><dimension ref="A1:C3"/><sheetData>{rows}</sheetData></worksheet>"#
        )
    }

    fn refused(xml: &str, strings: u64) -> String {
        scan(xml, strings).expect_err(xml)
    }

    fn m(r0: u32, c0: u32, r1: u32, c1: u32) -> Merge {
        Merge {
            first_row: r0,
            first_col: c0,
            last_row: r1,
            last_col: c1,
        }
    }

    #[test]
    fn merged_regions_are_found_after_the_cells() {
        let xml = r#"<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>mergeCells</t></is></c></row></sheetData>
            <mergeCells count="3"><mergeCell ref="A1:C2"/>
            <mergeCell ref="D5"/><mergeCell ref="F9:E7"/><mergeCell/></mergeCells>
            <mergeCells><mergeCell ref="Z9"/></mergeCells></worksheet>"#;
        // Text that reads "mergeCells" is not the element; only the first element counts.
        assert_eq!(
            scan(xml, 0),
            Ok(vec![m(0, 0, 1, 2), m(4, 3, 4, 3), m(6, 4, 8, 5)])
        );
        let prefixed =
            r#"<x:worksheet><x:mergeCells><x:mergeCell ref="B2:C3"/></x:mergeCells></x:worksheet>"#;
        assert_eq!(scan(prefixed, 0), Ok(vec![m(1, 1, 2, 2)]));
        assert_eq!(scan("<worksheet><sheetData/></worksheet>", 0), Ok(vec![]));
        for bad in ["A1:B2:C3", "1:2", "A:B", "A1:", "XFD99999999999", "A1:XFE1"] {
            let xml = format!(
                r#"<worksheet><mergeCells><mergeCell ref="{bad}"/></mergeCells></worksheet>"#
            );
            assert!(refused(&xml, 0).contains("合并区域"), "{bad}");
        }
    }

    #[test]
    fn merged_regions_cut_across_reads_are_found() {
        let mut xml = String::from("<worksheet><sheetData>");
        xml.push_str(&"<row/>".repeat(50));
        xml.push_str(
            r#"</sheetData><mergeCells><mergeCell ref="A1:B1"/></mergeCells></worksheet>"#,
        );
        assert_eq!(scan(&xml, 0), Ok(vec![m(0, 0, 0, 1)]));
    }

    #[test]
    fn doctype_is_refused() {
        let xml = r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet/>"#;
        assert!(refused(xml, 0).contains("Doctype"));
        let late = rows(r#"<row r="1"><!DOCTYPE x><c r="A1"/></row>"#);
        assert!(refused(&late, 0).contains("Doctype"));
    }

    #[test]
    fn references_past_excels_last_cell_are_refused_not_wrapped() {
        // calamine's u32 would read these as K3 and C4.
        for r in ["K4294967299", "C4294967300", "K1048577", "XFE3", "AAAA1"] {
            let xml = rows(&format!(r#"<row r="3"><c r="{r}"><v>1</v></c></row>"#));
            let why = refused(&xml, 0);
            assert!(
                why.contains(&format!("单元格地址“{r}”超出了 Excel 的范围")),
                "{why}"
            );
        }
        for r in ["4294967299", "1048577"] {
            let xml = rows(&format!(r#"<row r="{r}"><c><v>1</v></c></row>"#));
            assert!(
                refused(&xml, 0).contains(&format!("行号“{r}”超出了")),
                "{r}"
            );
        }
        let last = rows(r#"<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#);
        assert_eq!(scan(&last, 0), Ok(vec![]));
        // Positions implied past the last column or row.
        let wide = rows(&format!(
            r#"<row r="1"><c r="XFC1"/>{}</row>"#,
            "<c/>".repeat(2)
        ));
        assert!(refused(&wide, 0).contains("最后一列 XFD"));
        let long = rows(r#"<row r="1048576"/><row><c/></row>"#);
        assert!(refused(&long, 0).contains("最后一行"));
        let dimension = r#"<worksheet><dimension ref="A1:C4294967300"/><sheetData/></worksheet>"#;
        assert!(refused(dimension, 0).contains("dimension"));
    }

    #[test]
    fn malformed_references_are_named() {
        for r in ["$C$4", "K", "K0", "4K", ""] {
            let xml = rows(&format!(r#"<row r="4"><c r="{r}"><v>1</v></c></row>"#));
            assert_eq!(refused(&xml, 0), format!("工作表“S”的单元格地址“{r}”无效"));
        }
        let xml = rows(r#"<row r="x4"><c><v>1</v></c></row>"#);
        assert_eq!(refused(&xml, 0), "工作表“S”的行号“x4”无效");
        let xml = rows(r#"<row r="4"><c r=A4><v>1</v></c></row>"#);
        assert!(refused(&xml, 0).contains("XML 标记格式错误"));
    }

    #[test]
    fn a_row_number_given_twice_is_refused() {
        let twice = rows(
            r#"<row r="3"><c r="A3"><v>1</v></c></row><row r="4"/><row r="3"><c r="B3"><v>2</v></c></row>"#,
        );
        assert_eq!(refused(&twice, 0), "工作表“S”的第 3 行出现了两次");
        // A row without `r` is the one after the last: here row 4, again.
        let implied = rows(r#"<row r="3"/><row><c><v>1</v></c></row><row r="4"/>"#);
        assert_eq!(refused(&implied, 0), "工作表“S”的第 4 行出现了两次");
        let out_of_order = rows(r#"<row r="5"/><row r="2"/><row r="9"/><row/>"#);
        assert_eq!(scan(&out_of_order, 0), Ok(vec![]));
    }

    #[test]
    fn cells_without_addresses_are_placed_as_calamine_places_them() {
        // B1 is shared string 5 of 5: one past the end, and named by its implied place.
        let xml = rows(r#"<row><c><v>1</v></c><c t="s"><v>5</v></c></row>"#);
        assert!(refused(&xml, 5).contains("单元格 B1 引用第 5 号共享字符串"));
        let xml = rows(r#"<row r="7"><c r="D7"/><c t="s"><v>x</v></c></row>"#);
        assert!(refused(&xml, 5).contains("单元格 E7 的共享字符串编号“x”"));
        let xml = rows(r#"<row><c/></row><row><c/><c/><c t="s"><v>-1</v></c></row>"#);
        assert!(refused(&xml, 5).contains("单元格 C2 "));
        let fine = rows(
            r#"<row><c t="s"><v>0</v></c><c><v>2</v></c></row><row><c t="s"><v>4</v></c></row>"#,
        );
        assert_eq!(scan(&fine, 5), Ok(vec![]));
    }

    #[test]
    fn a_shared_string_index_must_be_a_plain_number_inside_the_table() {
        for v in [
            "-1",
            "abc",
            "1.5",
            " 2 ",
            "+2",
            "0x2",
            "18446744073709551616",
            "2 ",
        ] {
            let xml = rows(&format!(
                r#"<row r="2"><c r="B2" t="s"><v>{v}</v></c></row>"#
            ));
            let why = refused(&xml, 10);
            assert!(why.starts_with("工作表“S”的单元格 B2 "), "{v}: {why}");
        }
        let past = rows(r#"<row r="2"><c r="B2" t="s"><v>10</v></c></row>"#);
        assert!(refused(&past, 10).contains("只有 10 条"));
        // What calamine reads as an empty cell stays one: no text, or a reference first.
        for empty in ["<v></v>", "<v/>", "<v>&#50;</v>", "<v><!-- 2 -->-1</v>", ""] {
            let xml = rows(&format!(r#"<row r="2"><c r="B2" t="s">{empty}</c></row>"#));
            assert_eq!(scan(&xml, 10), Ok(vec![]), "{empty}");
        }
        let prefixed = rows(r#"<x:row r="2"><x:c r="B2" t="s"><x:v>09</x:v></x:c></x:row>"#);
        assert_eq!(scan(&prefixed, 10), Ok(vec![]));
    }

    #[test]
    fn typed_values_must_be_of_their_type() {
        let cell = |t: &str, v: &str| {
            rows(&format!(
                r#"<row r="3"><c r="K3" t="{t}"><v>{v}</v></c></row>"#
            ))
        };
        assert!(refused(&cell("n", "abc"), 0).contains("单元格 K3 标为数值"));
        assert_eq!(scan(&cell("n", "1.5e3"), 0), Ok(vec![]));
        assert!(refused(&cell("b", "2"), 0).contains("逻辑值"));
        assert_eq!(scan(&cell("b", "TRUE"), 0), Ok(vec![]));
        assert!(refused(&cell("zz", "1"), 0).contains("类型“zz”无法识别"));
        // Text types are whatever they hold.
        assert_eq!(scan(&cell("str", "abc"), 0), Ok(vec![]));
        assert_eq!(scan(&cell("inlineStr", "abc"), 0), Ok(vec![]));
        let no_value = rows(r#"<row r="3"><c r="K3" t="zz"/></row>"#);
        assert_eq!(scan(&no_value, 0), Ok(vec![]));
    }

    #[test]
    fn what_quick_xml_hides_is_hidden_here_and_nothing_else() {
        // Markup inside comments, CDATA and attribute values is not markup.
        let hidden = rows(concat!(
            r#"<!-- <c r="K4294967299"> --><row r="1" x='<c r="K4294967299">'>"#,
            r#"<c r="A1" t="inlineStr"><is><t><![CDATA[<c r="K4294967299">]]></t></is></c>"#,
            r#"<?pi <c r="K4294967299"> ?></row>"#,
        ));
        assert_eq!(scan(&hidden, 0), Ok(vec![]));
        // An empty comment is a comment; `<?>` opens an instruction that `?>` closes.
        let closed = rows(r#"<row r="1"><!----><?><c r="K4294967299"/>?><c r="A1"/></row>"#);
        assert_eq!(scan(&closed, 0), Ok(vec![]));
        // A comment opener inside a quoted value does not hide the cell after it.
        let quoted = rows(r#"<row r="1"><x a="<!--"/><c r="K4294967299"/><y b="-->"/></row>"#);
        assert!(refused(&quoted, 0).contains("K4294967299"));
        // calamine takes the first event after `<v>` whole, so this `</v>` closes it and
        // the next cell is a cell.
        let nested =
            rows(r#"<row r="1"><c r="A1"><v><v></v></c><c r="K4294967299"><v>1</v></c></row>"#);
        assert!(refused(&nested, 0).contains("K4294967299"));
        // What sits inside a formula is skipped, the value after it is checked.
        let formula = rows(r#"<row r="2"><c r="B2" t="s"><f><c r="B3"/></f><v>-1</v></c></row>"#);
        assert!(refused(&formula, 1).contains("单元格 B2 "));
        // A cell is read to its `</c>`, whatever closes inside it.
        let inside =
            rows(r#"<row r="1"><c r="A1"></row></sheetData><v>1</v></c></row><row r="1"/>"#);
        assert!(refused(&inside, 0).contains("第 1 行出现了两次"));
        // Elements of the sheet outside `sheetData` are not cells.
        let outside =
            r#"<worksheet><sheetData/><extLst><row r="0"><c r="K0"/></row></extLst></worksheet>"#;
        assert_eq!(scan(outside, 0), Ok(vec![]));
        for bad in [
            "<!--->",
            "<!-x-->",
            "<![CDAT[x]]>",
            "<!ELEMENT x>",
            "<!----->",
        ] {
            let xml = rows(&format!(r#"<row r="1">{bad}</row>"#));
            assert!(refused(&xml, 0).contains("XML 标记格式错误"), "{bad}");
        }
    }

    #[test]
    fn duplicate_attributes_are_read_as_calamine_reads_them() {
        // calamine stops at the third of r, s, t: here the second r is never read.
        let xml = rows(r#"<row r="1"><c r="A1" s="1" t="n" r="K4294967299"><v>1</v></c></row>"#);
        assert_eq!(scan(&xml, 0), Ok(vec![]));
        // Here it is, and it is the one used.
        let xml = rows(r#"<row r="1"><c r="A1" r="K4294967299"><v>1</v></c></row>"#);
        assert!(refused(&xml, 0).contains("K4294967299"));
        // A key without a value swallows the next one, as calamine reads it.
        let xml = rows(r#"<row r="1"><c r="A1" junk t="s"><v>-1</v></c></row>"#);
        assert_eq!(scan(&xml, 0), Ok(vec![]));
    }

    /// The count the pre-scan made with quick-xml before this lexer: every `si` start
    /// event, and the text, CDATA and references inside.
    fn quick_xml_count(xml: &str) -> SharedStrings {
        use quick_xml::events::Event;
        let mut x = super::super::xml::reader(xml.as_bytes());
        let mut buf = Vec::new();
        let (mut count, mut total, mut current) = (0, 0, None::<u64>);
        let add = |c: &mut Option<u64>, n: usize| {
            if let Some(c) = c {
                *c += n as u64;
            }
        };
        loop {
            buf.clear();
            match x.read_event_into(&mut buf).expect("xml") {
                Event::Start(e) if e.local_name().as_ref() == "si" => {
                    count += 1;
                    current = Some(0);
                }
                Event::Text(t) => add(&mut current, t.len()),
                Event::CData(t) => add(&mut current, t.len()),
                Event::GeneralRef(g) => add(&mut current, g.len() + 2),
                Event::End(e) if e.local_name().as_ref() == "si" => {
                    total += current.take().unwrap_or(0);
                }
                Event::Eof => break,
                _ => {}
            }
        }
        SharedStrings {
            total_bytes: total,
            count,
        }
    }

    #[test]
    fn shared_strings_are_counted_as_quick_xml_counted_them() {
        let tables = [
            r#"<?xml version="1.0"?><sst count="3" uniqueCount="3"><si><t>巴南区</t></si><si><t xml:space="preserve"> a &amp; b </t></si><si><r><rPr><b/></rPr><t>富</t></r><r><t>文本</t></r><rPh><t>ふり</t></rPh></si></sst>"#,
            r#"<sst><si/><si><t/></si><si><t><![CDATA[<c r="K4294967299">]]></t></si><!-- <si><t>no</t></si> --><si><t>&#x41;&lt;</t></si></sst>"#,
            r#"<x:sst xmlns:x="s"><x:si><x:t>前缀</x:t></x:si><x:si><x:si><x:t>nested</x:t></x:si>tail</x:si><?pi <si>?></x:sst>"#,
        ];
        for xml in tables {
            let expected = quick_xml_count(xml);
            for step in 1..=17 {
                let r = std::io::BufReader::with_capacity(step, xml.as_bytes());
                let found = scan_strings(r, "sst", &Limits::default()).expect("scan");
                assert_eq!(found, expected, "reads of {step}: {xml}");
            }
        }
        let limits = Limits {
            max_strings: 2,
            ..Limits::default()
        };
        let three = "<sst><si/><si/><si/></sst>";
        assert!(matches!(
            scan_strings(three.as_bytes(), "sst", &limits),
            Err(ScanError::Reject(ReadError::TooLarge {
                what: Budget::Strings,
                found: 3,
                ..
            }))
        ));
    }
}
