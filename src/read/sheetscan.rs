//! The .xlsx sheet reader: one pass over each worksheet part's bytes that reads every
//! cell's value and checks, as it streams, everything that could make the values wrong or
//! the memory unbounded: every row and cell reference, every typed value, the budgets of
//! cells per sheet and per workbook, the used area and the text copied out; and it collects
//! the merged regions and the formulas without a saved result on the way.
//!
//! Until issue 13 this walk was a pre-scan and calamine's `worksheet_cells_reader` read
//! every sheet again; now it is the reader (see `xlsx` for the measurement that decided
//! it), and its values are calamine 0.38's, rule for rule: a cell is placed by its `r`, or
//! by calamine's rule without one (the column after the previous cell, in the row after
//! the previous row); its value is the last of its `<v>`, `<f>` and `<is>` elements (so a
//! formula written after its value leaves the cell empty, as calamine leaves it); a `<v>`
//! of a number, shared string, logical or error type is the first text in it, that of a
//! `str` or `d` cell all its text up to the first `</v>`; numbers are dates where the
//! cell's number format shows one (`numfmt`); text is decoded by `sst`'s rules. What
//! calamine refused it refuses with the same words, named after the sheet and the last
//! cell read before.
//!
//! calamine adds up the digits of `r="K4294967299"` in a `u32` that wraps (to K3), and it
//! read a shared-string index that is not a plain number (`-1`, `abc`, `1.5`) as string
//! 0; either would have changed a return's figures without a word, so both are refused
//! here. Parsing with quick-xml costs most of the time of reading a return, so the
//! [`Lexer`] walks the markup itself: memchr finds each `<`, and comments, CDATA sections,
//! processing instructions and tags (quotes included) are delimited exactly as quick-xml
//! delimits them, so that the elements seen here are the elements calamine saw, whatever
//! hides in an attribute or a comment. Only the tags that matter are looked into:
//! `dimension`, `row`, `c` and what is inside a cell, and the first `mergeCells`; the
//! usual cell, `<c …><v>…</v></c>`, is taken whole. A row number given twice is refused
//! as it comes; two cells at one address once the sheet is read (`xlsx`).

use std::io::BufRead;

use calamine::{CellErrorType, DataRef, ExcelDateTime, ExcelDateTimeType};
use memchr::{memchr, memchr2, memmem};

use super::convert::from_data_ref;
use super::fault::{Fault, UsedArea};
use super::guard::{too_large, MAX_XML_TOKEN_BYTES};
use super::numfmt::NumberKind;
use super::xml::{
    a1_ref, digits, raw_attrs, row_number, shown, BadRef, ScanError, MAX_COLUMNS, MAX_ROWS,
};
use super::xml::{doctype, scan_for_doctype};
use super::xmltext::{push_cdata, push_text, space_preserved, unescape_xml, RichText};
use super::{Budget, CellValue, Damage, Merge, RawCell, ReadError};
use crate::config::Limits;
use crate::model::a1;

/// What the workbook gives every sheet's reading: the shared strings, the number kind of
/// each cell format, the date system, and the limits.
pub(crate) struct Workbook<'a> {
    pub(crate) strings: &'a [std::sync::Arc<str>],
    /// The `<si>` start tags of the table (see `SharedStrings::count`): an index must be
    /// below.
    pub(crate) string_count: u64,
    pub(crate) formats: &'a [NumberKind],
    /// Serial dates count from 1904 (`workbookPr date1904`).
    pub(crate) is_1904: bool,
    pub(crate) limits: &'a Limits,
}

/// What the sheets of one workbook have used of the budgets so far.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    /// Cells with a value in all the sheets read.
    pub(crate) cells: u64,
    /// Bytes of text copied out (the shared-string table included).
    pub(crate) text: u64,
    /// A refusal of calamine's kind was made: from then on the sheets are only checked,
    /// their cells neither kept nor counted.
    pub(crate) late: bool,
}

/// One worksheet part as read.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct SheetCells {
    /// The cells with a value, in the order of the part.
    pub(crate) cells: Vec<RawCell>,
    /// Whether every cell (empty ones too) came after the one before in reading order:
    /// otherwise two may share an address, which `xlsx` then looks for.
    pub(crate) in_order: bool,
    /// The addresses of the cells without a value (`<c r="B2" s="3"/>`), for that look;
    /// `None` once there are more cells than a sheet may hold.
    pub(crate) empty: Option<Vec<(u32, u32)>>,
    /// The merged regions of the first `mergeCells` element (the only one calamine read).
    pub(crate) merges: Vec<Merge>,
    /// Every cell holding a formula (`<f>`) but no saved result (neither `<v>` nor
    /// `<is>`), as openpyxl and other libraries write them: zero-based (row, col) and
    /// the formula as a spreadsheet shows it (`=150+50`). calamine read such a cell as
    /// empty; the reader puts [`CellValue::Uncalculated`] there so that it is never
    /// taken for a blank (see [`uncalculated_formula`]).
    pub(crate) uncalculated: Vec<(u32, u32, String)>,
    /// The first refusal of the kind calamine made while reading the cells (malformed
    /// XML, a cut-off part, an unknown error value, a budget of the cells): calamine read
    /// the cells only after the pre-scan had passed every part, so a fault the pre-scan
    /// found anywhere is told before it, and the rest of the part is still checked.
    pub(crate) late: Option<ReadError>,
}

/// Reads one worksheet part: `part` is its name in the archive, `sheet` the tab's name
/// (for messages). `None` for a part that is not a worksheet (no `sheetData`, but other
/// elements), which calamine passed over.
pub(crate) fn read_sheet<R: BufRead>(
    r: R,
    part: &str,
    sheet: &str,
    book: &Workbook<'_>,
    tally: &mut Tally,
) -> Result<Option<SheetCells>, ScanError> {
    let mut scan = SheetScan::new(sheet, book, tally);
    scan_part(r, part, &mut scan)?;
    if scan.not_a_worksheet {
        return Ok(None);
    }
    let cap = book.limits.max_cells_per_sheet;
    if scan.out.uncalculated.len() as u64 > cap {
        let found = scan.out.uncalculated.len() as u64;
        return Err(too_large(Budget::SheetCells(sheet.to_string()), found, cap).into());
    }
    Ok(Some(scan.out))
}

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

/// Reads part `r` through the lexer into `markup`, chunk by chunk.
pub(super) fn scan_part<R: BufRead, M: Markup>(
    mut r: R,
    part: &str,
    markup: &mut M,
) -> Result<(), ScanError> {
    let mut lexer = Lexer { open: Open::None };
    // What is left of the previous chunk: an element cut in two, never more than one
    // token (the reader below refuses longer ones).
    let mut pending: Vec<u8> = Vec::new();
    let mut first = true;
    loop {
        let chunk = r.fill_buf().map_err(xml_io)?;
        if chunk.is_empty() {
            // The end of the part: anything still open was cut off.
            let open = lexer.open != Open::None || pending.contains(&b'<');
            if !open && !pending.is_empty() {
                markup.trailing_text(&pending)?;
            }
            return markup.eof(open, !open && !pending.is_empty());
        }
        if first {
            scan_for_doctype(chunk, part)?;
            first = false;
        }
        let n = chunk.len();
        if pending.is_empty() {
            let used = feed_checked(&mut lexer, markup, chunk, part)?;
            pending.extend_from_slice(&chunk[used..]);
        } else {
            pending.extend_from_slice(chunk);
            let used = feed_checked(&mut lexer, markup, &pending, part)?;
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

/// Feeds `buf` to the lexer, checking first (while the markup asks for it) that it is
/// UTF-8, as quick-xml checks every event it reads for calamine: the event holding the
/// first invalid byte is reported to the markup, which refuses the part.
fn feed_checked<M: Markup>(
    lexer: &mut Lexer,
    markup: &mut M,
    buf: &[u8],
    part: &str,
) -> Result<usize, ScanError> {
    if !markup.validates() {
        return lexer.feed(markup, buf, part);
    }
    // Nearly every read is valid, and simdutf8 says so several times faster than std
    // (`perf`: std's check was 3.8 % of `check`); std then says where a read goes wrong.
    let (limit, bad) = match simdutf8::basic::from_utf8(buf).map_err(|_| std::str::from_utf8(buf)) {
        Ok(_) | Err(Ok(_)) => (buf.len(), None),
        // A character cut by the end of the read is completed by the next.
        Err(Err(e)) => (e.valid_up_to(), e.error_len().map(|_| e)),
    };
    let used = lexer.feed(markup, &buf[..limit], part)?;
    if limit == buf.len() {
        return Ok(used);
    }
    if markup.validates() {
        // A character cut by the end of the read is completed by the next.
        let Some(bad) = bad else {
            return Ok(used);
        };
        markup.invalid_text(bad)?;
    }
    // Checking is over, at the invalid byte or before it (the markup refused the part
    // while reading what came before): the rest of the buffer is read unchecked, as it
    // would have been in another read.
    Ok(used + lexer.feed(markup, &buf[used..], part)?)
}

/// What a scan makes of the markup the [`Lexer`] delimits (a sheet's cells here, the
/// shared strings in `sst`).
pub(super) trait Markup {
    /// Whether nothing later in the part matters.
    fn finished(&self) -> bool;
    /// Reads the text at `i` if it matters to the scan: the position after what it took
    /// (`i` for nothing), or `None` to wait for more bytes.
    fn text(&mut self, buf: &[u8], i: usize) -> Result<Option<usize>, ScanError>;
    /// A comment, CDATA section or processing instruction begins.
    fn other(&mut self) {}
    /// Content of a CDATA section (all of it, or a piece of a long one).
    fn cdata(&mut self, _content: &[u8]) -> Result<(), ScanError> {
        Ok(())
    }
    /// A start or self-closing tag, `tag` what lies between `<` and `>`; `after` the
    /// bytes that follow, of which it returns how many it took too.
    fn start(&mut self, tag: &[u8], after: &[u8]) -> Result<usize, ScanError>;
    /// An end tag, `name` its name with trailing blanks trimmed (as quick-xml trims them).
    fn end(&mut self, name: &[u8]) -> Result<(), ScanError>;
    /// Text the part ends with (no markup after it), before [`Markup::eof`].
    fn trailing_text(&mut self, _text: &[u8]) -> Result<(), ScanError> {
        Ok(())
    }
    /// The part ended; `open` when inside a tag, comment, CDATA section or instruction,
    /// `text` when text came last.
    fn eof(&mut self, open: bool, text: bool) -> Result<(), ScanError>;
    /// Whether the text still has to be checked for UTF-8.
    fn validates(&self) -> bool {
        false
    }
    /// The next event holds bytes that are not UTF-8.
    fn invalid_text(&mut self, _e: std::str::Utf8Error) -> Result<(), ScanError> {
        Ok(())
    }
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

/// What a cell's `t` says its `<v>` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// No `t`: a number, or text when it does not read as one.
    Untyped,
    /// A number (`t="n"`).
    Number,
    /// A shared-string index (`t="s"`).
    Shared,
    /// A logical value (`t="b"`).
    Bool,
    /// An error value (`t="e"`).
    Error,
    /// Text, the result of a formula (`t="str"`).
    Str,
    /// An ISO 8601 date (`t="d"`).
    Date,
    /// An inline string (`t="inlineStr"`, or `is`), whose `<v>` is ignored.
    Inline,
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

impl Kind {
    fn value_read(self) -> ValueRead {
        match self {
            Kind::Str | Kind::Date | Kind::Unknown => ValueRead::Flat,
            Kind::Inline => ValueRead::Nested,
            _ => ValueRead::FirstThenNested,
        }
    }
}

/// The cell being read.
struct Cell {
    row: u32,
    col: u32,
    kind: Kind,
    /// The index of its cell format (`s`, read as calamine reads it), if it has one.
    style: Option<usize>,
    /// Its value so far: the last of its `<v>`, `<f>` and `<is>` decides.
    value: Option<CellValue>,
    /// The raw text of its `<f>`, if it has one (empty for `<f/>`), capped a little past
    /// what is shown.
    formula: Option<Vec<u8>>,
    /// The shared formula group (`si`) its `<f t="shared">` names, if any.
    shared: Option<u32>,
    /// Whether it holds a saved value: text in its `<v>`, an `<is>`, or a `<v>` at all
    /// in a text cell (`t="str"`), whose result may be the empty string. openpyxl writes
    /// a formula with an empty `<v />` and no type: that is no result.
    has_value: bool,
}

/// What is being read inside a cell's `<v>`, `<f>` or `<is>`.
enum Block {
    /// A `<v>` whose value is its first text, read when it comes.
    Value,
    /// A `<v>` that holds nothing (an inline string's).
    Ignored,
    /// A `str` or `d` cell's `<v>`: all its text up to the first `</v>`.
    Flat(String),
    /// An `<is>`: its rich text, and the `<t>` being read (name, `xml:space="preserve"`,
    /// text so far).
    Inline {
        rich: RichText,
        run: Option<(Vec<u8>, bool, String)>,
    },
    /// An `<f>`.
    Formula,
}

/// An element whose content calamine reads past as a block (a cell's `<v>`, `<f>` or
/// `<is>`): nothing inside is a row or a cell to it.
struct Skip {
    name: Vec<u8>,
    /// Open elements of the same name inside, when calamine counts them.
    depth: Option<u32>,
    block: Block,
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
    book: &'a Workbook<'a>,
    tally: &'a mut Tally,
    max_cells: u64,
    text_limit: u64,
    zone: Zone,
    /// An element other than `dimension` came before `sheetData` (calamine then took a
    /// part without `sheetData` for another kind of sheet, not a truncated one).
    prolog_element: bool,
    not_a_worksheet: bool,
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
    /// Inside the current cell's `<f>`: its text is the formula.
    in_formula: bool,
    /// The text of each shared formula group's first formula (`<f t="shared" si="0"
    /// ref="…">…</f>`), shown for the cells that only name the group.
    shared_formulas: std::collections::HashMap<u32, Vec<u8>>,
    /// The furthest cell read so far, in reading order (the place named in a refusal).
    furthest: Option<(u32, u32)>,
    /// Elements open (quick-xml refuses an end tag without a start).
    depth: u64,
    used: UsedArea,
    out: SheetCells,
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
                    None => {
                        // The bytes kept start a character: they are checked as UTF-8
                        // again with the next read.
                        let mut upto = i.max(len.saturating_sub(terminator.len() - 1));
                        while upto > i && upto < len && buf[upto] & 0xC0 == 0x80 {
                            upto -= 1;
                        }
                        upto
                    }
                };
                if self.open == Open::CData {
                    m.cdata(&buf[i..upto])?;
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
                    // quick-xml looks for `?>` from the `?` of `<?`: `<?>` ends there, an
                    // instruction without a target that it refuses.
                    match buf.get(lt + 2) {
                        None => return Ok(lt),
                        Some(b'>') => return Err(m.malformed()),
                        Some(_) => {}
                    }
                    self.open = Open::Pi;
                    i = lt + 2;
                }
                _ => {
                    let Some(gt) = tag_end(&buf[lt + 1..]).map(|n| lt + 1 + n) else {
                        return Ok(lt);
                    };
                    i = gt + 1;
                    if next == b'/' {
                        m.end(trim_end(&buf[lt + 2..gt]))?;
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
        let collecting = match self.skip.as_mut().map(|s| &mut s.block) {
            Some(Block::Flat(text)) => Some(text),
            Some(Block::Inline {
                run: Some((_, _, text)),
                ..
            }) => Some(text),
            _ => None,
        };
        if let Some(text) = collecting {
            // All the text up to the next markup is one run of character data.
            let Some(end) = memchr(b'<', &buf[i..]) else {
                return Ok(None);
            };
            if end > 0 {
                if let Err(e) = push_text(&buf[i..i + end], text) {
                    self.late_xml(e)?;
                }
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
            let value = self.first_value(&buf[i..i + end])?;
            self.v_first = false;
            if let Some(cell) = &mut self.cell {
                cell.has_value = true;
                cell.value = value;
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

    fn cdata(&mut self, content: &[u8]) -> Result<(), ScanError> {
        if let Some(Skip {
            block:
                Block::Inline {
                    run: Some((_, _, text)),
                    ..
                },
            ..
        }) = &mut self.skip
        {
            if let Err(e) = push_cdata(content, text) {
                self.late_xml(e)?;
            }
        }
        Ok(())
    }

    fn start(&mut self, tag: &[u8], after: &[u8]) -> Result<usize, ScanError> {
        if !tag.ends_with(b"/") {
            self.depth += 1;
        }
        if self.start_tag(tag)? {
            self.whole_cell(after)
        } else {
            Ok(0)
        }
    }

    fn end(&mut self, name: &[u8]) -> Result<(), ScanError> {
        match self.depth.checked_sub(1) {
            Some(d) => self.depth = d,
            // More end tags than start tags: quick-xml refused it while calamine read.
            None if self.zone != Zone::After => {
                let name = String::from_utf8_lossy(name).into_owned();
                let unmatched = quick_xml::errors::IllFormedError::UnmatchedEndTag(name);
                self.late(Fault::Xml(quick_xml::Error::IllFormed(unmatched)))?;
            }
            None => {}
        }
        self.end_tag(name)
    }

    fn validates(&self) -> bool {
        self.zone != Zone::After && self.out.late.is_none()
    }

    fn invalid_text(&mut self, e: std::str::Utf8Error) -> Result<(), ScanError> {
        self.late(Fault::Xml(quick_xml::Error::Encoding(e.into())))
    }

    fn eof(&mut self, open: bool, text: bool) -> Result<(), ScanError> {
        let place = match self.zone {
            Zone::After => return Ok(()),
            Zone::Prolog => None,
            Zone::Data => self.furthest,
        };
        let fault = if open {
            Fault::Xml(quick_xml::Error::Syntax(
                quick_xml::errors::SyntaxError::UnclosedTag,
            ))
        } else if self.zone == Zone::Prolog {
            if self.prolog_element {
                self.not_a_worksheet = true;
                return Ok(());
            }
            Fault::Eof("worksheet")
        } else {
            let missing_end = |name: &[u8]| {
                Fault::Xml(quick_xml::Error::IllFormed(
                    quick_xml::errors::IllFormedError::MissingEndTag(
                        String::from_utf8_lossy(name).into_owned(),
                    ),
                ))
            };
            match &self.skip {
                Some(Skip {
                    block: Block::Value,
                    ..
                }) if self.v_first && !text => Fault::Eof("v"),
                Some(Skip {
                    block: Block::Flat(_),
                    ..
                }) => Fault::Eof("v"),
                Some(Skip {
                    block: Block::Inline { run: Some(_), .. },
                    ..
                }) => Fault::Eof("t"),
                Some(Skip {
                    block: Block::Inline { .. },
                    ..
                }) => Fault::Eof(""),
                Some(skip) => missing_end(&skip.name),
                None if self.cell.is_some() => Fault::Eof("c"),
                None => Fault::Eof("sheetData"),
            }
        };
        self.late_at(fault, place)
    }

    fn malformed(&self) -> ScanError {
        let sheet = self.sheet;
        damaged(Damage::SheetMarkup {
            sheet: sheet.to_string(),
        })
    }
}

/// A tag's name, its attributes, and whether it closes itself (`<c/>`).
pub(super) fn split_tag(tag: &[u8]) -> (&[u8], &[u8], bool) {
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
    /// A refusal of calamine's kind (see [`SheetCells::late`]) after the furthest cell:
    /// kept if it is the first, and the rest of the part only checked.
    fn late(&mut self, fault: Fault) -> Result<(), ScanError> {
        let place = match self.zone {
            Zone::Prolog => None,
            _ => self.furthest,
        };
        self.late_at(fault, place)
    }

    fn late_at(&mut self, fault: Fault, place: Option<(u32, u32)>) -> Result<(), ScanError> {
        if self.out.late.is_none() {
            self.out.late = Some(fault.refusal(Some((self.sheet, place))));
        }
        self.tally.late = true;
        Ok(())
    }

    /// A quick-xml error while decoding text: told as calamine's was.
    fn late_xml(&mut self, e: ScanError) -> Result<(), ScanError> {
        match e {
            ScanError::Xml(x) => self.late(Fault::Xml(x)),
            other => Err(other),
        }
    }

    /// A budget of the cells, counted as calamine yielded them: told as late.
    fn late_budget(&mut self, e: ReadError) {
        if self.out.late.is_none() {
            self.out.late = Some(e);
        }
        self.tally.late = true;
    }

    fn new(sheet: &'a str, book: &'a Workbook<'a>, tally: &'a mut Tally) -> Self {
        SheetScan {
            sheet,
            book,
            tally,
            max_cells: book.limits.max_cells_per_sheet,
            text_limit: super::xlsx::text_budget(book.limits),
            zone: Zone::Prolog,
            prolog_element: false,
            not_a_worksheet: false,
            row_index: 0,
            col_index: 0,
            rows: Vec::new(),
            cell: None,
            unknown_type: Vec::new(),
            skip: None,
            v_first: false,
            merge_state: Merges::NotYet,
            in_formula: false,
            shared_formulas: std::collections::HashMap::new(),
            furthest: None,
            depth: 0,
            used: UsedArea::default(),
            out: SheetCells {
                in_order: true,
                empty: Some(Vec::new()),
                ..SheetCells::default()
            },
        }
    }

    /// A start (or self-closing) tag; `tag` is what lies between `<` and `>`. True when
    /// it opened a cell that is still open.
    fn start_tag(&mut self, tag: &[u8]) -> Result<bool, ScanError> {
        let (name, attrs, empty) = split_tag(tag);
        if self.skip.is_some() {
            self.start_in_block(name, attrs, empty)?;
            return Ok(false);
        }
        let local = local_name(name);
        if self.zone == Zone::Prolog && !matches!(local, b"dimension" | b"sheetData") {
            self.prolog_element = true;
        }
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
                if self.cell.is_some() {
                    self.start_in_cell(name, local, attrs, empty)?;
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
                                self.cell_end()?;
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

    /// A start tag inside a cell: calamine reads `v`, `f` and `is` as blocks, each
    /// replacing the value read so far, and refuses anything else.
    fn start_in_cell(
        &mut self,
        name: &[u8],
        local: &[u8],
        attrs: &[u8],
        empty: bool,
    ) -> Result<(), ScanError> {
        let Some(cell) = &mut self.cell else {
            return Ok(());
        };
        cell.value = None;
        let (read, block) = match local {
            b"v" => {
                if cell.kind == Kind::Unknown {
                    return Err(self.unknown_type());
                }
                // Other values count once their text comes ([`Markup::text`]).
                cell.has_value |= cell.kind == Kind::Str;
                let read = cell.kind.value_read();
                let block = match read {
                    ValueRead::FirstThenNested => Block::Value,
                    ValueRead::Nested => Block::Ignored,
                    ValueRead::Flat => Block::Flat(String::new()),
                };
                (read, block)
            }
            b"f" => {
                if cell.formula.is_none() {
                    cell.formula = Some(Vec::new());
                    cell.shared = shared_group(attrs);
                    self.in_formula = !empty;
                }
                (ValueRead::Nested, Block::Formula)
            }
            b"is" => {
                cell.has_value = true;
                let block = Block::Inline {
                    rich: RichText::default(),
                    run: None,
                };
                (ValueRead::Flat, block)
            }
            _ => {
                // The pre-scan passed over it; calamine refused it.
                return self.late(Fault::UnexpectedNode("v, f, or is"));
            }
        };
        let mut skip = Skip {
            name: name.to_vec(),
            depth: (read != ValueRead::Flat).then_some(0),
            block,
        };
        if empty {
            // `<v/>`: its end follows at once.
            return self.close_block(&mut skip);
        }
        self.v_first = read == ValueRead::FirstThenNested;
        self.skip = Some(skip);
        Ok(())
    }

    /// A start tag inside a `<v>`, `<f>` or `<is>`.
    fn start_in_block(&mut self, name: &[u8], attrs: &[u8], empty: bool) -> Result<(), ScanError> {
        let first = std::mem::take(&mut self.v_first);
        let Some(skip) = &mut self.skip else {
            return Ok(());
        };
        if let Some(depth) = &mut skip.depth {
            if !empty && !first && name == skip.name.as_slice() {
                *depth += 1;
            }
        }
        let mut fault = None;
        if let Block::Inline { rich, run } = &mut skip.block {
            // Inside a `<t>` every start tag is passed over.
            if run.is_none() && rich.starts(local_name(name)) {
                let preserve = space_preserved(attrs).unwrap_or_else(|f| {
                    fault = Some(f);
                    false
                });
                if empty {
                    rich.push_run("", preserve);
                } else {
                    *run = Some((name.to_vec(), preserve, String::new()));
                }
            }
        }
        match fault {
            Some(f) => self.late(f),
            None => Ok(()),
        }
    }

    /// An end tag; `name` is its name, trailing blanks trimmed (as quick-xml trims them).
    fn end_tag(&mut self, name: &[u8]) -> Result<(), ScanError> {
        self.v_first = false;
        if let Some(mut skip) = self.skip.take() {
            let closes = match &mut skip.block {
                Block::Inline { rich, run } => match run {
                    Some((t, preserve, text)) => {
                        if name == t.as_slice() {
                            rich.push_run(text, *preserve);
                            *run = None;
                        }
                        false
                    }
                    None if name == skip.name.as_slice() => true,
                    None => {
                        rich.ends(local_name(name));
                        false
                    }
                },
                _ if name == skip.name.as_slice() => match &mut skip.depth {
                    Some(d) if *d > 0 => {
                        *d -= 1;
                        false
                    }
                    _ => true,
                },
                _ => false,
            };
            if closes {
                return self.close_block(&mut skip);
            }
            self.skip = Some(skip);
            return Ok(());
        }
        let local = local_name(name);
        if self.merge_state == Merges::Inside && local == b"mergeCells" {
            self.merge_state = Merges::Done;
        }
        if self.zone != Zone::Data {
            return Ok(());
        }
        if self.cell.is_some() {
            // calamine reads a cell until its `</c>`, whatever else closes inside it.
            if local == b"c" {
                self.cell_end()?;
            }
            return Ok(());
        }
        match local {
            b"row" => self.row_end(),
            b"sheetData" => self.zone = Zone::After,
            _ => {}
        }
        Ok(())
    }

    /// The end of a `<v>`, `<f>` or `<is>`: its value, if it is read at its end.
    fn close_block(&mut self, skip: &mut Skip) -> Result<(), ScanError> {
        self.skip = None;
        let value = match std::mem::replace(&mut skip.block, Block::Ignored) {
            Block::Formula => {
                if std::mem::take(&mut self.in_formula) {
                    self.formula_end();
                }
                return Ok(());
            }
            Block::Value | Block::Ignored => return Ok(()),
            Block::Flat(text) => self.flat_value(text),
            Block::Inline { rich, .. } => from_data_ref(&DataRef::String(rich.finish())),
        };
        if let Some(cell) = &mut self.cell {
            cell.value = value;
        }
        Ok(())
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
        let Some(kind) = self.cell.as_ref().map(|c| c.kind) else {
            return Ok(0);
        };
        let value = match kind.value_read() {
            _ if kind == Kind::Unknown => return Err(self.unknown_type()),
            ValueRead::Nested => None,
            ValueRead::FirstThenNested if end == 0 => None,
            ValueRead::FirstThenNested => {
                self.check_value(&text[..end])?;
                self.first_value(&text[..end])?
            }
            ValueRead::Flat => {
                let mut s = String::new();
                match push_text(&text[..end], &mut s) {
                    Ok(()) => self.flat_value(s),
                    Err(e) => {
                        self.late_xml(e)?;
                        None
                    }
                }
            }
        };
        if let Some(cell) = &mut self.cell {
            cell.value = value;
            cell.has_value = end > 0 || kind == Kind::Str;
        }
        // The cell's `</c>`, taken here, closes what its start tag opened.
        self.depth = self.depth.saturating_sub(1);
        self.cell_end()?;
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
            return Err(damaged(Damage::RowTwice {
                sheet: sheet.to_string(),
                row: n,
            }));
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
        let (mut r, mut s, mut t) = (None, None, None);
        let mut found = 0;
        for attr in raw_attrs(attrs) {
            let Some((key, value)) = attr else {
                return Err(self.malformed());
            };
            match key {
                b"r" => r = Some(value),
                b"t" => t = Some(value),
                b"s" => s = Some(value),
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
                    return Err(damaged(Damage::CellPastLastColumn {
                        sheet: sheet.to_string(),
                        row,
                    }));
                }
                (self.row_index, self.col_index)
            }
        };
        self.col_index = col + 1;
        let kind = match t {
            None => Kind::Untyped,
            Some(b"n") => Kind::Number,
            Some(b"s") => Kind::Shared,
            Some(b"b") => Kind::Bool,
            Some(b"e") => Kind::Error,
            Some(b"str") => Kind::Str,
            Some(b"d") => Kind::Date,
            Some(b"inlineStr" | b"is") => Kind::Inline,
            Some(other) => {
                self.unknown_type.clear();
                self.unknown_type.extend_from_slice(other);
                Kind::Unknown
            }
        };
        self.cell = Some(Cell {
            row,
            col,
            kind,
            style: s.map(style_index),
            value: None,
            formula: None,
            shared: None,
            has_value: false,
        });
        Ok(())
    }

    fn formula_end(&mut self) {
        let Some(cell) = &self.cell else { return };
        if let (Some(si), Some(f)) = (cell.shared, &cell.formula) {
            // As many groups as cells at most; each text is capped.
            if !f.trim_ascii().is_empty() && (self.shared_formulas.len() as u64) < self.max_cells {
                self.shared_formulas.entry(si).or_insert_with(|| f.clone());
            }
        }
    }

    /// The `</c>` of the current cell: the cell is counted against the budgets and kept
    /// if it has a value; a formula without a saved result is recorded.
    fn cell_end(&mut self) -> Result<(), ScanError> {
        self.in_formula = false;
        let Some(cell) = self.cell.take() else {
            return Ok(());
        };
        let (row, col) = (cell.row, cell.col);
        match self.furthest {
            Some(f) if (row, col) <= f => self.out.in_order = false,
            _ => self.furthest = Some((row, col)),
        }
        if self.tally.late {
            // Only checked from now on: nothing is kept or counted.
            return Ok(());
        }
        let cap = self.max_cells;
        let Some(value) = cell.value else {
            let held = self.out.cells.len();
            if let Some(empty) = &mut self.out.empty {
                if (held + empty.len()) as u64 >= cap {
                    self.out.empty = None;
                } else {
                    empty.push((row, col));
                }
            }
            if cell.has_value {
                return Ok(());
            }
            let Some(f) = &cell.formula else {
                return Ok(());
            };
            // One past the cap is enough to refuse the sheet ([`read_sheet`]); no more is
            // kept.
            if self.out.uncalculated.len() as u64 > cap {
                return Ok(());
            }
            let raw = match cell.shared {
                Some(si) if f.trim_ascii().is_empty() => self.shared_formulas.get(&si).unwrap_or(f),
                _ => f,
            };
            self.out
                .uncalculated
                .push((row, col, uncalculated_formula(raw)));
            return Ok(());
        };
        self.tally.cells += 1;
        let held = self.out.cells.len() as u64;
        if held >= cap {
            let sheet = self.sheet.to_string();
            self.late_budget(too_large(Budget::SheetCells(sheet), held + 1, cap));
            return Ok(());
        }
        if self.tally.cells > cap {
            self.late_budget(too_large(Budget::WorkbookCells, self.tally.cells, cap));
            return Ok(());
        }
        self.used.widen(row, col);
        if self.used.area() > cap {
            let sheet = self.sheet.to_string();
            self.late_budget(too_large(Budget::SheetArea(sheet), self.used.area(), cap));
            return Ok(());
        }
        if let CellValue::Text(t) | CellValue::Error(t) = &value {
            self.tally.text = self.tally.text.saturating_add(t.len() as u64);
            if self.tally.text > self.text_limit {
                self.late_budget(too_large(
                    Budget::TextTotal,
                    self.tally.text,
                    self.text_limit,
                ));
                return Ok(());
            }
        }
        self.out.cells.push(RawCell { row, col, value });
        Ok(())
    }

    /// The value of the current cell's `<v>` from its first text (a number, shared
    /// string, logical or error cell), once [`SheetScan::check_value`] has passed it.
    fn first_value(&mut self, raw: &[u8]) -> Result<Option<CellValue>, ScanError> {
        let Some(cell) = &self.cell else {
            return Ok(None);
        };
        if cell.kind == Kind::Shared {
            // An index into the table, read as digits (anything else is no index).
            let index = digits(raw).and_then(|n| usize::try_from(n).ok());
            return match index.and_then(|i| self.book.strings.get(i)) {
                // The table's own string, shared (an empty one is an empty cell).
                Some(s) if s.is_empty() => Ok(None),
                Some(s) => Ok(Some(CellValue::Text(s.clone()))),
                // Not UTF-8: the part is refused late, for that.
                None if std::str::from_utf8(raw).is_err() => Ok(None),
                None => {
                    // Below the pre-scan's count, past calamine's table.
                    self.late(Fault::MissingString)?;
                    Ok(None)
                }
            };
        }
        // The part's text was checked to be UTF-8 (what was not is refused late).
        let Ok(text) = std::str::from_utf8(raw) else {
            return Ok(None);
        };
        let data = match cell.kind {
            // Read above, without decoding.
            Kind::Shared => return Ok(None),
            Kind::Bool => match text.trim() {
                "" => return Ok(None),
                t => DataRef::Bool(t == "1" || t.eq_ignore_ascii_case("true")),
            },
            Kind::Error => match text.parse::<CellErrorType>() {
                Ok(e) => DataRef::Error(e),
                Err(_) => {
                    let fault = Fault::CellError(text.to_string());
                    self.late(fault)?;
                    return Ok(None);
                }
            },
            _ => match text.parse::<f64>() {
                Ok(n) => self.number(n, cell.style),
                // Checked before for `t="n"`; without a type, text that is no number is text.
                Err(_) => DataRef::String(text.to_string()),
            },
        };
        Ok(from_data_ref(&data))
    }

    /// The value of a `str` or `d` cell from all the text of its `<v>`.
    fn flat_value(&self, text: String) -> Option<CellValue> {
        let kind = self.cell.as_ref().map_or(Kind::Str, |c| c.kind);
        if kind == Kind::Date {
            from_data_ref(&DataRef::DateTimeIso(text))
        } else {
            from_data_ref(&DataRef::String(unescape_xml(&text).into_owned()))
        }
    }

    /// A number as its cell format shows it: a date where the format is a date's.
    fn number(&self, n: f64, style: Option<usize>) -> DataRef<'static> {
        let kind = match style {
            None => Some(NumberKind::Other),
            Some(i) => self.book.formats.get(i).copied(),
        };
        let typ = match kind {
            Some(NumberKind::DateTime) => ExcelDateTimeType::DateTime,
            Some(NumberKind::TimeDelta) => ExcelDateTimeType::TimeDelta,
            _ => return DataRef::Float(n),
        };
        DataRef::DateTime(ExcelDateTime::new(n, typ, self.book.is_1904))
    }

    fn check_value(&self, text: &[u8]) -> Result<(), ScanError> {
        let Some(cell) = &self.cell else {
            return Ok(());
        };
        let fits = match cell.kind {
            Kind::Shared => {
                text.iter().all(u8::is_ascii_digit)
                    && digits(text).is_some_and(|n| n < self.book.string_count)
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
            _ => true,
        };
        if fits {
            return Ok(());
        }
        // Named only when refused: the check runs for every typed value.
        let (sheet, at, v) = (self.sheet, a1(cell.row, cell.col), shown(text));
        Err(match cell.kind {
            Kind::Shared if text.iter().all(u8::is_ascii_digit) => {
                let count = self.book.string_count;
                damaged(Damage::StringPastTable {
                    sheet: sheet.to_string(),
                    cell: at,
                    index: v,
                    count,
                })
            }
            Kind::Shared => damaged(Damage::BadStringIndex {
                sheet: sheet.to_string(),
                cell: at,
                value: v,
            }),
            Kind::Number => damaged(Damage::NotANumber {
                sheet: sheet.to_string(),
                cell: at,
                value: v,
            }),
            _ => damaged(Damage::NotALogical {
                sheet: sheet.to_string(),
                cell: at,
                value: v,
            }),
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
                    return Err(damaged(Damage::BadDimension {
                        sheet: sheet.to_string(),
                        value: shown(value),
                    }));
                }
                return Ok(());
            }
        }
        Err(damaged(Damage::DimensionWithoutRef {
            sheet: sheet.to_string(),
        }))
    }

    fn merge_cell(&mut self, attrs: &[u8]) -> Result<(), ScanError> {
        if self.out.merges.len() as u64 >= self.max_cells {
            return Err(too_large(
                Budget::SheetMerges(self.sheet.to_string()),
                self.out.merges.len() as u64 + 1,
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
            damaged(Damage::BadMerge {
                sheet: self.sheet.to_string(),
                value: shown(value),
            })
        })?;
        self.out.merges.push(merge);
        Ok(())
    }

    fn bad_ref(&self, raw: &[u8], e: BadRef) -> ScanError {
        let (sheet, value) = (self.sheet.to_string(), shown(raw));
        damaged(match e {
            BadRef::Malformed => Damage::BadCellAddress { sheet, value },
            BadRef::OutOfRange => Damage::CellAddressPastLast { sheet, value },
        })
    }

    fn bad_row(&self, raw: &[u8], e: BadRef) -> ScanError {
        let (sheet, value) = (self.sheet.to_string(), shown(raw));
        damaged(match e {
            BadRef::Malformed => Damage::BadRowNumber { sheet, value },
            BadRef::OutOfRange => Damage::RowNumberPastLast { sheet, value },
        })
    }

    fn beyond_last_row(&self) -> ScanError {
        damaged(Damage::RowsPastLast {
            sheet: self.sheet.to_string(),
        })
    }

    fn unknown_type(&self) -> ScanError {
        let Some(cell) = &self.cell else {
            return self.malformed();
        };
        damaged(Damage::UnknownCellType {
            sheet: self.sheet.to_string(),
            cell: a1(cell.row, cell.col),
            value: shown(&self.unknown_type),
        })
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

pub(super) fn damaged(damage: Damage) -> ScanError {
    ScanError::Reject(ReadError::Truncated(damage))
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
pub(super) fn local_name(name: &[u8]) -> &[u8] {
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

/// A cell's style index (`s`) as calamine reads it: digits, leading zeros allowed; 0 for
/// anything else or a number too large.
fn style_index(raw: &[u8]) -> usize {
    if raw.is_empty() || !raw.iter().all(u8::is_ascii_digit) {
        return 0;
    }
    raw.iter()
        .try_fold(0usize, |n, d| {
            n.checked_mul(10)?.checked_add(usize::from(d - b'0'))
        })
        .unwrap_or(0)
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

    /// One reading of a part with `limits`, whether or not it is a worksheet.
    fn read_with<R: BufRead>(r: R, strings: u64, limits: &Limits) -> Result<SheetCells, ScanError> {
        let strings: Vec<std::sync::Arc<str>> =
            (0..strings).map(|i| format!("s{i}").into()).collect();
        let book = Workbook {
            string_count: strings.len() as u64,
            strings: &strings,
            formats: &[],
            is_1904: false,
            limits,
        };
        let mut tally = Tally::default();
        let mut scan = SheetScan::new("S", &book, &mut tally);
        scan_part(r, "sheet.xml", &mut scan)?;
        let cap = limits.max_cells_per_sheet;
        if scan.out.uncalculated.len() as u64 > cap {
            let found = scan.out.uncalculated.len() as u64;
            return Err(too_large(Budget::SheetCells("S".into()), found, cap).into());
        }
        Ok(scan.out)
    }

    /// What [`scan`] finds, formulas without results and cells included.
    fn facts(xml: &str, strings: u64) -> Result<SheetCells, String> {
        let outcome = |r: Result<SheetCells, ScanError>| match r {
            Ok(m) => Ok(m),
            Err(ScanError::Reject(ReadError::Truncated(d))) => Err(d.text(crate::lang::Lang::Zh)),
            Err(other) => Err(format!("{other:?}")),
        };
        let whole = outcome(read_with(xml.as_bytes(), strings, &Limits::default()));
        for step in 1..=17 {
            let r = std::io::BufReader::with_capacity(step, xml.as_bytes());
            let cut = outcome(read_with(r, strings, &Limits::default()));
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
            read_with(xml.as_bytes(), 0, &limits),
            Err(ScanError::Reject(ReadError::TooLarge {
                what: Budget::SheetCells(_),
                ..
            }))
        ));
        let xml = rows(&r#"<row><c><f>1</f></c></row>"#.repeat(3));
        let facts = read_with(xml.as_bytes(), 0, &limits).expect("three");
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
    fn a_shared_string_index_that_is_not_utf8_is_refused_as_such() {
        // The index is read without decoding it: bytes that are not UTF-8 make no index,
        // and are refused as such, not as a string missing from the table.
        let read = |v: &[u8]| {
            let mut xml = rows(r#"<row r="2"><c r="B2" t="s"><v>"#).into_bytes();
            let tail = xml.split_off(xml.len() - "</sheetData></worksheet>".len());
            xml.extend_from_slice(v);
            xml.extend_from_slice(b"</v></c></row>");
            xml.extend_from_slice(&tail);
            match read_with(&xml[..], 10, &Limits::default()) {
                Err(ScanError::Reject(ReadError::Truncated(d))) => d.text(crate::lang::Lang::Zh),
                other => format!("{other:?}"),
            }
        };
        let not_utf8 = read(b"1\xff");
        let elsewhere = read(b"\xff");
        for why in [&not_utf8, &elsewhere] {
            assert!(
                why.contains("共享字符串编号") && !why.contains("只有"),
                "{why}"
            );
        }
        assert!(read(b"12").contains("只有 10 条"));
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
        // An empty comment is a comment; an instruction ends at the first `?>`.
        let closed = rows(r#"<row r="1"><!----><?x <c r="K4294967299"/>?><c r="A1"/></row>"#);
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
            // quick-xml 0.42 ends an instruction at the `?>` of `<?>` and refuses it.
            "<?>",
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
}
