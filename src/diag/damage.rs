//! What a reader found damaged in a file, as data: the detail of `E-FILE-TRUNCATED`.
//!
//! The read stage names the damage (a kind and its facts: the part, the sheet, the cell,
//! what was found there) and never words it; [`super::catalogue`] words it in the
//! reader's language when the diagnostic is shown. A diagnostic carries it as the
//! argument `damage`, the JSON of this type, and that is how the archive stores it, so the
//! names below (kebab-case in the JSON) are stable like the codes: rename one and the
//! findings stored under the old name are no longer worded.

use serde::{Deserialize, Serialize};

/// The argument of a diagnostic that holds a [`Damage`].
pub(crate) const ARG: &str = "damage";

/// One damage a reader refuses a file for. Texts quoted from the file (names, values) are
/// kept as the reader shows them (see `read::xml::shown`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Damage {
    // ZIP container.
    /// A ZIP archive the zip crate could not list or read.
    Zip { problem: ZipProblem },
    /// Two entries under one name.
    ZipDuplicatePart { part: String },
    /// Two entries whose names differ only in case (one name to calamine and Excel).
    ZipCaseDuplicate { first: String, second: String },
    /// A part whose XML quick-xml refused.
    PartXml { part: String, problem: XmlProblem },
    /// A part the package needs is missing.
    PartMissing { part: String },

    // .xlsx package and parts.
    /// No relationship of the package names the workbook part.
    NoWorkbookRelationship,
    /// A relationship's target points outside the package.
    TargetOutsidePackage { target: String },
    /// What calamine refused in a part the reader reads as it did; `sheet` (and `after`,
    /// the last cell read before) say where, when known.
    Content {
        sheet: Option<String>,
        after: Option<String>,
        fault: ContentFault,
    },
    /// The XML markup of a sheet is malformed.
    SheetMarkup { sheet: String },
    /// The XML markup of another part is malformed.
    PartMarkup { part: String },
    /// A `<row>` number given twice.
    RowTwice { sheet: String, row: u32 },
    /// A cell without address past column XFD, on this (one-based) row.
    CellPastLastColumn { sheet: String, row: u32 },
    /// A cell given twice.
    CellTwice { sheet: String, cell: String },
    /// A shared-string index past the table's `count` strings.
    StringPastTable {
        sheet: String,
        cell: String,
        index: String,
        count: u64,
    },
    /// A shared-string index that is not a whole number.
    BadStringIndex {
        sheet: String,
        cell: String,
        value: String,
    },
    /// A cell typed as a number whose value is not one.
    NotANumber {
        sheet: String,
        cell: String,
        value: String,
    },
    /// A cell typed as a logical value whose value is not one.
    NotALogical {
        sheet: String,
        cell: String,
        value: String,
    },
    /// A `<dimension ref>` that is not a range.
    BadDimension { sheet: String, value: String },
    /// A `<dimension>` without `ref`.
    DimensionWithoutRef { sheet: String },
    /// A `<mergeCell ref>` that is not a range.
    BadMerge { sheet: String, value: String },
    /// A cell address that is not one.
    BadCellAddress { sheet: String, value: String },
    /// A cell address past XFD1048576.
    CellAddressPastLast { sheet: String, value: String },
    /// A row number that is not one.
    BadRowNumber { sheet: String, value: String },
    /// A row number past 1048576.
    RowNumberPastLast { sheet: String, value: String },
    /// Rows without number counted past 1048576.
    RowsPastLast { sheet: String },
    /// A cell type (`t="…"`) that is none of the format's.
    UnknownCellType {
        sheet: String,
        cell: String,
        value: String,
    },

    // .ods.
    /// The content part ends inside a sheet.
    OdsEndsInSheet { part: String, sheet: String },
    /// The content part holds no sheet.
    OdsNoSheet { part: String },
    /// An element repeated 0 times (`key="raw"`).
    OdsZeroRepeat {
        sheet: String,
        key: String,
        raw: String,
    },
    /// calamine refused the spreadsheet's content; its own words.
    OdsUnparsable { detail: String },

    // .xls: the compound file.
    /// The compound file (OLE) is damaged.
    Compound { problem: CompoundProblem },
    /// The encrypted Workbook stream lies outside the compound file's sectors.
    EncryptedStreamOutside,
    /// The sectors of the encrypted Workbook stream overlap.
    EncryptedStreamOverlap,
    /// A formula record lies outside the compound file's sectors.
    FormulaOutside,
    /// calamine refused the workbook's content; its own words.
    XlsUnparsable { detail: String },

    // .xls: the BIFF records of the Workbook stream.
    /// A record is cut short.
    RecordCut,
    /// The BOF says BIFF5, but the stream holds something only BIFF8 writes.
    Biff8InBiff5 { found: Biff8Only },
    /// The Workbook stream is empty.
    StreamEmpty,
    /// The Workbook stream does not start with a BOF record.
    NoLeadingBof,
    /// The formula of a defined name is cut short.
    DefinedNameCut,
    /// The BOF claims Excel 2.x–4.0, which never wrote a compound file.
    OldBiffVersion { version: u16 },
    /// No BOUNDSHEET record.
    NoSheets,
    /// A sheet starts past the end of the stream.
    SheetPastStream { sheet: String },
    /// A sheet starts inside the records of another.
    SheetInsideSheet { sheet: String, inside: String },
    /// A sheet's position is not a BOF record.
    SheetWithoutBof { sheet: String },
    /// A sheet's position points at the workbook globals.
    SheetAtGlobals { sheet: String },
    /// A DIMENSIONS record is damaged.
    DimensionsDamaged { sheet: String },
    /// A MULRK record does not hold the columns it names.
    MulrkColumns { sheet: String },
    /// A cell stored more than once (calamine keeps the last).
    CellStoredTwice { sheet: String, cell: String },
    /// A LABELSST index past the shared string table.
    SstIndexPast {
        sheet: String,
        cell: String,
        index: u64,
        count: u64,
    },
    /// A LABELSST cell in a workbook without a shared string table.
    NoSst { sheet: String, cell: String },
    /// The shared string table is damaged.
    SstDamaged,
}

/// What is wrong with a ZIP archive as a whole, or with the data of an entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ZipProblem {
    /// A part name is not valid UTF-8.
    NameNotUtf8,
    /// One volume of a split (multi-disk) archive.
    SplitVolume,
    /// The local header of an entry is damaged.
    EntryHeader { part: String },
    /// The central directory is damaged.
    Directory,
    /// The data (of `part`, when known) ends early.
    DataEnds { part: Option<String> },
    /// The data does not match its CRC-32.
    DataChecksum { part: Option<String> },
    /// The data cannot be inflated.
    DataInflate { part: Option<String> },
}

/// What quick-xml found wrong with an XML part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum XmlProblem {
    /// A tag, comment or section not closed.
    Unclosed,
    /// Start and end tags that do not match.
    TagsMismatch,
    /// Otherwise not well-formed.
    IllFormed,
    /// A malformed attribute.
    Attribute,
    /// An invalid text encoding.
    Encoding,
    /// An invalid entity reference.
    Escape,
    /// An invalid namespace.
    Namespace,
    /// The part could not be read.
    Io,
}

/// What calamine refused in a part of an .xlsx (see `read::fault`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ContentFault {
    /// Malformed XML.
    Xml { problem: XmlProblem },
    /// A malformed attribute.
    Attribute,
    /// The part ends before `</tag>`.
    Eof { tag: String },
    /// An element where `element` was expected.
    UnexpectedNode { element: String },
    /// A sheet whose relationship is missing.
    RelationshipMissing,
    /// A sheet's `state` that calamine does not know.
    SheetState { value: String },
    /// A sheet's type that calamine does not know.
    SheetType,
    /// An error value that is none of Excel's.
    CellError { value: String },
    /// A cell uses a shared string that does not exist.
    MissingString,
    /// The part of this sheet is missing.
    WorksheetMissing { sheet: String },
}

/// A record only Excel 97–2003 (BIFF8) writes, found in a stream that says BIFF5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Biff8Only {
    /// A shared string table (SST).
    Sst,
    /// BoundSheet records with a character flags byte.
    BoundSheet,
    /// Shared-string cells (LABELSST).
    LabelSst,
}

/// What is wrong with a compound file's structure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CompoundProblem {
    /// The cfb crate could not open it; its own words.
    Unreadable {
        detail: String,
    },
    SectorOutsideFile,
    SectorPastEnd,
    ChainLoops,
    SectorNotAllocated,
    HeaderIncomplete,
    SectorSize,
    MiniSectorSize,
    DifatTooLong,
    DifatEmpty,
    TooManyFatSectors,
    ShorterThanFat,
    RootEmpty,
    NoWorkbookStream,
    MiniChain,
    MiniSectorOutside,
    MiniSectorNotAllocated,
}

impl Damage {
    /// The damage in `lang`, as `E-FILE-TRUNCATED` shows it.
    pub fn text(&self, lang: crate::lang::Lang) -> String {
        super::catalogue::damage(self, lang)
    }

    /// The damage as a diagnostic's argument.
    pub(crate) fn to_arg(&self) -> String {
        // A derived Serialize of strings and integers cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The damage a diagnostic's argument holds, if it is one this version knows.
    pub(crate) fn from_arg(arg: &str) -> Option<Damage> {
        serde_json::from_str(arg).ok()
    }
}

impl std::fmt::Display for Damage {
    /// English, for logs and `Debug`-like output; a reader is shown [`Damage::text`].
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(crate::lang::Lang::En))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Code, Diagnostic};
    use crate::lang::Lang;

    fn s(text: &str) -> String {
        text.to_string()
    }

    /// One damage of every kind, and of every kind of its parts, with ASCII facts (a
    /// quoted name in Chinese would be the file's words, not the wording's).
    fn every_kind() -> Vec<Damage> {
        use Damage::*;
        let sheet = || s("Sheet1");
        let mut all = vec![
            ZipDuplicatePart {
                part: s("xl/a.xml"),
            },
            ZipCaseDuplicate {
                first: s("xl/a.xml"),
                second: s("XL/A.xml"),
            },
            PartMissing {
                part: s("_rels/.rels"),
            },
            NoWorkbookRelationship,
            TargetOutsidePackage { target: s("../x") },
            SheetMarkup { sheet: sheet() },
            PartMarkup {
                part: s("xl/b.xml"),
            },
            RowTwice {
                sheet: sheet(),
                row: 3,
            },
            CellPastLastColumn {
                sheet: sheet(),
                row: 4,
            },
            CellTwice {
                sheet: sheet(),
                cell: s("B2"),
            },
            StringPastTable {
                sheet: sheet(),
                cell: s("B2"),
                index: s("9"),
                count: 2,
            },
            BadStringIndex {
                sheet: sheet(),
                cell: s("B2"),
                value: s("-1"),
            },
            NotANumber {
                sheet: sheet(),
                cell: s("B2"),
                value: s("abc"),
            },
            NotALogical {
                sheet: sheet(),
                cell: s("B2"),
                value: s("yes"),
            },
            BadDimension {
                sheet: sheet(),
                value: s("A1:"),
            },
            DimensionWithoutRef { sheet: sheet() },
            BadMerge {
                sheet: sheet(),
                value: s("A1:"),
            },
            BadCellAddress {
                sheet: sheet(),
                value: s("1A"),
            },
            CellAddressPastLast {
                sheet: sheet(),
                value: s("XFE1"),
            },
            BadRowNumber {
                sheet: sheet(),
                value: s("x4"),
            },
            RowNumberPastLast {
                sheet: sheet(),
                value: s("1048577"),
            },
            RowsPastLast { sheet: sheet() },
            UnknownCellType {
                sheet: sheet(),
                cell: s("B2"),
                value: s("q"),
            },
            OdsEndsInSheet {
                part: s("content.xml"),
                sheet: sheet(),
            },
            OdsNoSheet {
                part: s("content.xml"),
            },
            OdsZeroRepeat {
                sheet: sheet(),
                key: s("table:number-rows-repeated"),
                raw: s("0"),
            },
            OdsUnparsable {
                detail: s("library words"),
            },
            EncryptedStreamOutside,
            EncryptedStreamOverlap,
            FormulaOutside,
            XlsUnparsable {
                detail: s("library words"),
            },
            RecordCut,
            StreamEmpty,
            NoLeadingBof,
            DefinedNameCut,
            OldBiffVersion { version: 0x0200 },
            NoSheets,
            SheetPastStream { sheet: sheet() },
            SheetInsideSheet {
                sheet: s("B"),
                inside: s("A"),
            },
            SheetWithoutBof { sheet: sheet() },
            SheetAtGlobals { sheet: sheet() },
            DimensionsDamaged { sheet: sheet() },
            MulrkColumns { sheet: sheet() },
            CellStoredTwice {
                sheet: sheet(),
                cell: s("B2"),
            },
            SstIndexPast {
                sheet: sheet(),
                cell: s("B2"),
                index: 5,
                count: 1,
            },
            NoSst {
                sheet: sheet(),
                cell: s("B2"),
            },
            SstDamaged,
        ];
        let part = || Some(s("xl/a.xml"));
        all.extend(
            [
                ZipProblem::NameNotUtf8,
                ZipProblem::SplitVolume,
                ZipProblem::EntryHeader {
                    part: s("xl/a.xml"),
                },
                ZipProblem::Directory,
                ZipProblem::DataEnds { part: part() },
                ZipProblem::DataEnds { part: None },
                ZipProblem::DataChecksum { part: part() },
                ZipProblem::DataChecksum { part: None },
                ZipProblem::DataInflate { part: part() },
                ZipProblem::DataInflate { part: None },
            ]
            .map(|problem| Zip { problem }),
        );
        let xml = [
            XmlProblem::Unclosed,
            XmlProblem::TagsMismatch,
            XmlProblem::IllFormed,
            XmlProblem::Attribute,
            XmlProblem::Encoding,
            XmlProblem::Escape,
            XmlProblem::Namespace,
            XmlProblem::Io,
        ];
        all.extend(xml.map(|problem| PartXml {
            part: s("xl/a.xml"),
            problem,
        }));
        let faults = xml
            .map(|problem| ContentFault::Xml { problem })
            .into_iter()
            .chain([
                ContentFault::Attribute,
                ContentFault::Eof {
                    tag: s("sheetData"),
                },
                ContentFault::UnexpectedNode { element: s("row") },
                ContentFault::RelationshipMissing,
                ContentFault::SheetState { value: s("odd") },
                ContentFault::SheetType,
                ContentFault::CellError { value: s("#BOGUS") },
                ContentFault::MissingString,
                ContentFault::WorksheetMissing { sheet: sheet() },
            ]);
        for fault in faults {
            for (sheet, after) in [
                (None, None),
                (Some(sheet()), None),
                (Some(sheet()), Some(s("C3"))),
            ] {
                all.push(Content {
                    sheet,
                    after,
                    fault: fault.clone(),
                });
            }
        }
        all.extend(
            [Biff8Only::Sst, Biff8Only::BoundSheet, Biff8Only::LabelSst]
                .map(|found| Biff8InBiff5 { found }),
        );
        all.extend(
            [
                CompoundProblem::Unreadable {
                    detail: s("library words"),
                },
                CompoundProblem::SectorOutsideFile,
                CompoundProblem::SectorPastEnd,
                CompoundProblem::ChainLoops,
                CompoundProblem::SectorNotAllocated,
                CompoundProblem::HeaderIncomplete,
                CompoundProblem::SectorSize,
                CompoundProblem::MiniSectorSize,
                CompoundProblem::DifatTooLong,
                CompoundProblem::DifatEmpty,
                CompoundProblem::TooManyFatSectors,
                CompoundProblem::ShorterThanFat,
                CompoundProblem::RootEmpty,
                CompoundProblem::NoWorkbookStream,
                CompoundProblem::MiniChain,
                CompoundProblem::MiniSectorOutside,
                CompoundProblem::MiniSectorNotAllocated,
            ]
            .map(|problem| Compound { problem }),
        );
        all
    }

    /// The position of `d`'s kind among all kinds. Exhaustive, so a new kind does not
    /// compile until it is placed here, and then [`every_kind`] must show it.
    fn kind_index(d: &Damage) -> usize {
        use Damage::*;
        match d {
            Zip { .. } => 0,
            ZipDuplicatePart { .. } => 1,
            ZipCaseDuplicate { .. } => 2,
            PartXml { .. } => 3,
            PartMissing { .. } => 4,
            NoWorkbookRelationship => 5,
            TargetOutsidePackage { .. } => 6,
            Content { .. } => 7,
            SheetMarkup { .. } => 8,
            PartMarkup { .. } => 9,
            RowTwice { .. } => 10,
            CellPastLastColumn { .. } => 11,
            CellTwice { .. } => 12,
            StringPastTable { .. } => 13,
            BadStringIndex { .. } => 14,
            NotANumber { .. } => 15,
            NotALogical { .. } => 16,
            BadDimension { .. } => 17,
            DimensionWithoutRef { .. } => 18,
            BadMerge { .. } => 19,
            BadCellAddress { .. } => 20,
            CellAddressPastLast { .. } => 21,
            BadRowNumber { .. } => 22,
            RowNumberPastLast { .. } => 23,
            RowsPastLast { .. } => 24,
            UnknownCellType { .. } => 25,
            OdsEndsInSheet { .. } => 26,
            OdsNoSheet { .. } => 27,
            OdsZeroRepeat { .. } => 28,
            OdsUnparsable { .. } => 29,
            Compound { .. } => 30,
            EncryptedStreamOutside => 31,
            EncryptedStreamOverlap => 32,
            FormulaOutside => 33,
            XlsUnparsable { .. } => 34,
            RecordCut => 35,
            Biff8InBiff5 { .. } => 36,
            StreamEmpty => 37,
            NoLeadingBof => 38,
            DefinedNameCut => 39,
            OldBiffVersion { .. } => 40,
            NoSheets => 41,
            SheetPastStream { .. } => 42,
            SheetInsideSheet { .. } => 43,
            SheetWithoutBof { .. } => 44,
            SheetAtGlobals { .. } => 45,
            DimensionsDamaged { .. } => 46,
            MulrkColumns { .. } => 47,
            CellStoredTwice { .. } => 48,
            SstIndexPast { .. } => 49,
            NoSst { .. } => 50,
            SstDamaged => 51,
        }
    }
    const KINDS: usize = 52;

    fn has_cjk(text: &str) -> bool {
        text.chars().any(|c| {
            ('\u{4e00}'..='\u{9fff}').contains(&c)
                || ('\u{3000}'..='\u{303f}').contains(&c)
                || ('\u{ff00}'..='\u{ffef}').contains(&c)
                || matches!(c, '“' | '”')
        })
    }

    #[test]
    fn every_damage_kind_is_worded_in_each_language_alone() {
        let all = every_kind();
        let mut seen = [false; KINDS];
        for d in &all {
            seen[kind_index(d)] = true;
        }
        assert!(seen.iter().all(|s| *s), "a kind has no example: {seen:?}");
        let mut texts = std::collections::BTreeSet::new();
        for d in &all {
            let (zh, en) = (d.text(Lang::Zh), d.text(Lang::En));
            assert!(has_cjk(&zh), "{d:?}: {zh}");
            assert!(!has_cjk(&en), "{d:?}: {en}");
            assert!(!en.is_empty(), "{d:?}");
            assert_eq!(d.to_string(), en);
            // Each example says something of its own in both languages.
            assert!(texts.insert(zh.clone()), "{zh} twice");
            assert!(texts.insert(en.clone()), "{en} twice");
        }
    }

    #[test]
    fn a_damage_is_stored_as_its_kind_and_facts_and_worded_when_shown() {
        for d in every_kind() {
            let arg = d.to_arg();
            assert_eq!(Damage::from_arg(&arg), Some(d.clone()), "{arg}");
            let diag = Diagnostic::new(Code::FileTruncated).arg(ARG, &arg);
            for lang in [Lang::Zh, Lang::En] {
                assert!(
                    diag.message(lang).contains(&d.text(lang)),
                    "{} lacks {}",
                    diag.message(lang),
                    d.text(lang)
                );
            }
        }
        // The stored form is the archive's: names are kept as they are.
        let d = Damage::Zip {
            problem: ZipProblem::DataEnds {
                part: Some(s("xl/worksheets/sheet1.xml")),
            },
        };
        assert_eq!(
            d.to_arg(),
            r#"{"zip":{"problem":{"data-ends":{"part":"xl/worksheets/sheet1.xml"}}}}"#
        );
    }

    #[test]
    fn a_detail_stored_worded_before_damages_were_data_is_shown_as_stored() {
        // Archives written before held the detail worded in the batch's language.
        let old = Diagnostic::new(Code::FileTruncated)
            .arg("detail", "ZIP 压缩包损坏：压缩包的目录损坏或不完整");
        assert_eq!(
            old.message(Lang::Zh),
            "文件已损坏或不完整（ZIP 压缩包损坏：压缩包的目录损坏或不完整）"
        );
        // A kind this version does not know falls back to the worded detail, if any.
        let unknown = Diagnostic::new(Code::FileTruncated).arg(ARG, r#"{"new-kind":{}}"#);
        assert_eq!(
            unknown.message(Lang::En),
            "the file is damaged or incomplete ((none))"
        );
    }
}
