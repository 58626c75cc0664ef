//! The wording of a [`Damage`], the `{detail}` of `E-FILE-TRUNCATED`: one function per
//! language, each a table of every kind.

use crate::diag::damage::{
    Biff8Only, CompoundProblem, ContentFault, Damage, XmlProblem, ZipProblem,
};

pub(super) fn zh(d: &Damage) -> String {
    use Damage::*;
    match d {
        Zip { problem } => format!("ZIP 压缩包损坏：{}", zip_zh(problem)),
        ZipDuplicatePart { part } => format!("压缩包内有两个同名的部件“{part}”"),
        ZipCaseDuplicate { first, second } => {
            format!("压缩包内有两个只差大小写的同名部件“{first}”和“{second}”")
        }
        PartXml { part, problem } => format!("“{part}”的 XML {}", xml_zh(*problem)),
        PartMissing { part } => format!("缺少“{part}”部件"),
        NoWorkbookRelationship => "找不到工作簿部件的关系".into(),
        TargetOutsidePackage { target } => format!("关系的目标“{target}”指向压缩包之外"),
        Content {
            sheet,
            after,
            fault,
        } => {
            let place = match (sheet, after) {
                (None, _) => String::new(),
                (Some(sheet), None) => format!("工作表“{sheet}”："),
                (Some(sheet), Some(after)) => format!("工作表“{sheet}”{after} 之后："),
            };
            format!("工作簿内容无法解析：{place}{}", fault_zh(fault))
        }
        SheetMarkup { sheet } => format!("工作表“{sheet}”的 XML 标记格式错误"),
        PartMarkup { part } => format!("“{part}”的 XML 标记格式错误"),
        RowTwice { sheet, row } => format!("工作表“{sheet}”的第 {row} 行出现了两次"),
        CellPastLastColumn { sheet, row } => {
            format!("工作表“{sheet}”第 {row} 行的单元格超出了最后一列 XFD")
        }
        CellTwice { sheet, cell } => format!("工作表“{sheet}”的单元格 {cell} 出现了两次"),
        StringPastTable {
            sheet,
            cell,
            index,
            count,
        } => format!(
            "工作表“{sheet}”的单元格 {cell} 引用第 {index} 号共享字符串，但共享字符串表只有 {count} 条"
        ),
        BadStringIndex { sheet, cell, value } => format!(
            "工作表“{sheet}”的单元格 {cell} 的共享字符串编号“{value}”无效（应为不带符号的整数）"
        ),
        NotANumber { sheet, cell, value } => {
            format!("工作表“{sheet}”的单元格 {cell} 标为数值，但内容“{value}”不是数字")
        }
        NotALogical { sheet, cell, value } => format!(
            "工作表“{sheet}”的单元格 {cell} 标为逻辑值，但内容“{value}”不是 TRUE 或 FALSE"
        ),
        BadDimension { sheet, value } => {
            format!("工作表“{sheet}”声明的范围（dimension）“{value}”无效")
        }
        DimensionWithoutRef { sheet } => {
            format!("工作表“{sheet}”的范围声明（dimension）缺少 ref")
        }
        BadMerge { sheet, value } => format!("工作表“{sheet}”的合并区域“{value}”无效"),
        BadCellAddress { sheet, value } => format!("工作表“{sheet}”的单元格地址“{value}”无效"),
        CellAddressPastLast { sheet, value } => format!(
            "工作表“{sheet}”的单元格地址“{value}”超出了 Excel 的范围（最大为 XFD1048576）"
        ),
        BadRowNumber { sheet, value } => format!("工作表“{sheet}”的行号“{value}”无效"),
        RowNumberPastLast { sheet, value } => format!(
            "工作表“{sheet}”的行号“{value}”超出了 Excel 的范围（最大为 1048576）"
        ),
        RowsPastLast { sheet } => format!("工作表“{sheet}”的行超出了 Excel 的最后一行 1048576"),
        UnknownCellType { sheet, cell, value } => {
            format!("工作表“{sheet}”的单元格 {cell} 的类型“{value}”无法识别")
        }
        OdsEndsInSheet { part, sheet } => format!("“{part}”在工作表“{sheet}”的中途结束"),
        OdsNoSheet { part } => {
            format!("“{part}”中没有任何工作表（table:table），内容为空或已损坏")
        }
        OdsZeroRepeat { sheet, key, raw } => {
            format!("工作表“{sheet}”中有重复次数为 0 的元素（{key}=\"{raw}\"）")
        }
        OdsUnparsable { detail } => format!("表格内容无法解析：{detail}"),
        Compound { problem } => format!("复合文档结构损坏：{}", compound_zh(problem)),
        EncryptedStreamOutside => "加密的工作簿数据流不在复合文档的扇区中".into(),
        EncryptedStreamOverlap => "加密的工作簿数据流的扇区相互重叠".into(),
        FormulaOutside => "公式记录不在复合文档的扇区中".into(),
        XlsUnparsable { detail } => format!("工作簿内容无法解析：{detail}"),
        RecordCut => "工作簿数据流中的记录被截断".into(),
        Biff8InBiff5 { found } => format!(
            "工作簿开头的 BOF 记录声明为 Excel 5.0/95 格式（BIFF5），但文件中有只属于 Excel 97–2003 格式（BIFF8）的{}",
            match found {
                Biff8Only::Sst => "共享字符串表（SST）",
                Biff8Only::BoundSheet => "工作表目录记录（带字符标志字节的 BoundSheet）",
                Biff8Only::LabelSst => "共享字符串单元格（LABELSST）",
            }
        ),
        StreamEmpty => "工作簿数据流是空的，长度为 0 字节".into(),
        NoLeadingBof => "工作簿数据流不是以 BOF 记录开头的".into(),
        DefinedNameCut => "定义名称（Lbl 记录）的公式被截断".into(),
        OldBiffVersion { version } => format!(
            "工作簿开头的 BOF 记录声明的格式版本为 0x{version:04X}（Excel 2.x–4.0），而这些版本从不写出这种复合文档格式的工作簿"
        ),
        NoSheets => "工作簿中没有列出任何工作表（没有 BOUNDSHEET 记录）".into(),
        SheetPastStream { sheet } => format!("工作表“{sheet}”的位置超出工作簿数据流"),
        SheetInsideSheet { sheet, inside } => {
            format!("工作表“{sheet}”的位置落在工作表“{inside}”的数据之内")
        }
        SheetWithoutBof { sheet } => {
            format!("工作表“{sheet}”的位置上不是工作表的开头（BOF 记录）")
        }
        SheetAtGlobals { sheet } => {
            format!("工作表“{sheet}”的位置指向工作簿的全局数据，而不是工作表")
        }
        DimensionsDamaged { sheet } => format!("工作表“{sheet}”的尺寸记录损坏"),
        MulrkColumns { sheet } => {
            format!("工作表“{sheet}”的多数值记录（MULRK）的列范围与其长度不符")
        }
        CellStoredTwice { sheet, cell } => format!(
            "工作表“{sheet}”的单元格 {cell} 存储了不止一次（读取时只会保留最后一次的值）"
        ),
        SstIndexPast {
            sheet,
            cell,
            index,
            count,
        } => format!(
            "工作表“{sheet}”的单元格 {cell} 引用了编号为 {index} 的共享字符串，而共享字符串表只有 {count} 个字符串"
        ),
        NoSst { sheet, cell } => format!(
            "工作表“{sheet}”的单元格 {cell} 引用了共享字符串，而工作簿没有共享字符串表（SST）"
        ),
        SstDamaged => "共享字符串表（SST）损坏".into(),
    }
}

pub(super) fn en(d: &Damage) -> String {
    use Damage::*;
    match d {
        Zip { problem } => format!("damaged ZIP archive: {}", zip_en(problem)),
        ZipDuplicatePart { part } => format!("the ZIP archive holds two parts named \"{part}\""),
        ZipCaseDuplicate { first, second } => format!(
            "the ZIP archive holds two parts whose names differ only in case, \"{first}\" and \"{second}\""
        ),
        PartXml { part, problem } => format!("the XML of \"{part}\" {}", xml_en(*problem)),
        PartMissing { part } => format!("the part \"{part}\" is missing"),
        NoWorkbookRelationship => "no relationship names the workbook part".into(),
        TargetOutsidePackage { target } => {
            format!("a relationship's target \"{target}\" points outside the package")
        }
        Content {
            sheet,
            after,
            fault,
        } => {
            let place = match (sheet, after) {
                (None, _) => String::new(),
                (Some(sheet), None) => format!("sheet \"{sheet}\": "),
                (Some(sheet), Some(after)) => format!("sheet \"{sheet}\", after {after}: "),
            };
            format!(
                "the workbook's content cannot be parsed: {place}{}",
                fault_en(fault)
            )
        }
        SheetMarkup { sheet } => format!("the XML markup of sheet \"{sheet}\" is malformed"),
        PartMarkup { part } => format!("the XML markup of \"{part}\" is malformed"),
        RowTwice { sheet, row } => format!("row {row} of sheet \"{sheet}\" appears twice"),
        CellPastLastColumn { sheet, row } => {
            format!("a cell of row {row} of sheet \"{sheet}\" lies past the last column, XFD")
        }
        CellTwice { sheet, cell } => format!("cell {cell} of sheet \"{sheet}\" appears twice"),
        StringPastTable {
            sheet,
            cell,
            index,
            count,
        } => format!(
            "cell {cell} of sheet \"{sheet}\" uses shared string {index}, but the table holds {count}"
        ),
        BadStringIndex { sheet, cell, value } => format!(
            "cell {cell} of sheet \"{sheet}\" has an invalid shared-string index \"{value}\" (expected a whole number without sign)"
        ),
        NotANumber { sheet, cell, value } => format!(
            "cell {cell} of sheet \"{sheet}\" is marked as a number but holds \"{value}\""
        ),
        NotALogical { sheet, cell, value } => format!(
            "cell {cell} of sheet \"{sheet}\" is marked as a logical value but holds \"{value}\""
        ),
        BadDimension { sheet, value } => {
            format!("sheet \"{sheet}\" declares an invalid range (dimension) \"{value}\"")
        }
        DimensionWithoutRef { sheet } => {
            format!("the range declaration (dimension) of sheet \"{sheet}\" has no ref")
        }
        BadMerge { sheet, value } => {
            format!("sheet \"{sheet}\" has an invalid merged range \"{value}\"")
        }
        BadCellAddress { sheet, value } => {
            format!("sheet \"{sheet}\" has an invalid cell address \"{value}\"")
        }
        CellAddressPastLast { sheet, value } => format!(
            "sheet \"{sheet}\" has a cell address \"{value}\" past Excel's last cell, XFD1048576"
        ),
        BadRowNumber { sheet, value } => {
            format!("sheet \"{sheet}\" has an invalid row number \"{value}\"")
        }
        RowNumberPastLast { sheet, value } => format!(
            "sheet \"{sheet}\" has a row number \"{value}\" past Excel's last row, 1048576"
        ),
        RowsPastLast { sheet } => {
            format!("sheet \"{sheet}\" has rows past Excel's last row, 1048576")
        }
        UnknownCellType { sheet, cell, value } => {
            format!("cell {cell} of sheet \"{sheet}\" has an unknown type \"{value}\"")
        }
        OdsEndsInSheet { part, sheet } => {
            format!("\"{part}\" ends in the middle of sheet \"{sheet}\"")
        }
        OdsNoSheet { part } => {
            format!("\"{part}\" holds no sheet (table:table): it is empty or damaged")
        }
        OdsZeroRepeat { sheet, key, raw } => {
            format!("sheet \"{sheet}\" has an element repeated 0 times ({key}=\"{raw}\")")
        }
        OdsUnparsable { detail } => {
            format!("the spreadsheet's content cannot be parsed: {detail}")
        }
        Compound { problem } => format!("damaged compound file: {}", compound_en(problem)),
        EncryptedStreamOutside => {
            "the encrypted workbook stream lies outside the compound file's sectors".into()
        }
        EncryptedStreamOverlap => "the sectors of the encrypted workbook stream overlap".into(),
        FormulaOutside => "a formula record lies outside the compound file's sectors".into(),
        XlsUnparsable { detail } => format!("the workbook's content cannot be parsed: {detail}"),
        RecordCut => "a record of the workbook stream is cut short".into(),
        Biff8InBiff5 { found } => format!(
            "the workbook's BOF record says Excel 5.0/95 (BIFF5), but the file holds {}, which only Excel 97-2003 (BIFF8) writes",
            match found {
                Biff8Only::Sst => "a shared string table (SST)",
                Biff8Only::BoundSheet => {
                    "sheet entries in its layout (BoundSheet records with a character flags byte)"
                }
                Biff8Only::LabelSst => "shared-string cells (LABELSST)",
            }
        ),
        StreamEmpty => "the Workbook stream is empty, 0 bytes long".into(),
        NoLeadingBof => "the Workbook stream does not start with a BOF record".into(),
        DefinedNameCut => "the formula of a defined name (Lbl record) is cut short".into(),
        OldBiffVersion { version } => format!(
            "the workbook's BOF record claims format version 0x{version:04X} (Excel 2.x-4.0), which never wrote workbooks in this compound-file form"
        ),
        NoSheets => "the workbook lists no sheets (no BOUNDSHEET record)".into(),
        SheetPastStream { sheet } => {
            format!("sheet \"{sheet}\" starts past the end of the workbook stream")
        }
        SheetInsideSheet { sheet, inside } => {
            format!("sheet \"{sheet}\" starts inside the records of sheet \"{inside}\"")
        }
        SheetWithoutBof { sheet } => format!(
            "the position of sheet \"{sheet}\" is not the start of a sheet (a BOF record)"
        ),
        SheetAtGlobals { sheet } => format!(
            "the position of sheet \"{sheet}\" points at the workbook globals, not at a sheet"
        ),
        DimensionsDamaged { sheet } => {
            format!("the DIMENSIONS record of sheet \"{sheet}\" is damaged")
        }
        MulrkColumns { sheet } => {
            format!("a MULRK record of sheet \"{sheet}\" does not hold the columns it names")
        }
        CellStoredTwice { sheet, cell } => format!(
            "cell {cell} of sheet \"{sheet}\" is stored more than once (only the last value would be read)"
        ),
        SstIndexPast {
            sheet,
            cell,
            index,
            count,
        } => format!(
            "cell {cell} of sheet \"{sheet}\" refers to shared string #{index}, but the shared string table holds only {count}"
        ),
        NoSst { sheet, cell } => format!(
            "cell {cell} of sheet \"{sheet}\" refers to a shared string, but the workbook has no shared string table (SST)"
        ),
        SstDamaged => "the shared string table (SST) is damaged".into(),
    }
}

fn zip_zh(p: &ZipProblem) -> String {
    use ZipProblem::*;
    // The data of a named part says whose it is.
    let whose = |part: &Option<String>| match part {
        Some(n) => format!("“{n}”的"),
        None => String::new(),
    };
    match p {
        NameNotUtf8 => "部件名称不是有效的 UTF-8 文字".into(),
        SplitVolume => "这是分卷压缩包的一卷，不是完整的文件".into(),
        EntryHeader { part } => format!("“{part}”的文件头损坏或不完整"),
        Directory => "压缩包的目录损坏或不完整".into(),
        DataEnds { part } => format!("{}数据在结尾之前中断", whose(part)),
        DataChecksum { part } => format!("{}数据与校验和不符", whose(part)),
        DataInflate { part } => format!("{}压缩数据无法解开", whose(part)),
    }
}

fn zip_en(p: &ZipProblem) -> String {
    use ZipProblem::*;
    let data = |part: &Option<String>| match part {
        Some(n) => format!("the data of \"{n}\""),
        None => "the data".into(),
    };
    match p {
        NameNotUtf8 => "a part name is not valid UTF-8".into(),
        SplitVolume => "it is one volume of a split (multi-disk) archive, not a whole file".into(),
        EntryHeader { part } => format!("the header of \"{part}\" is damaged or cut short"),
        Directory => "the archive's directory is damaged or cut short".into(),
        DataEnds { part } => format!("{} ends before it should", data(part)),
        DataChecksum { part } => format!("{} does not match its checksum", data(part)),
        DataInflate { part } => format!("{} cannot be inflated", data(part)),
    }
}

/// Follows "XML " (or "“part”的 XML ").
fn xml_zh(p: XmlProblem) -> &'static str {
    use XmlProblem::*;
    match p {
        Unclosed => "有未闭合的标记、注释或段落（部件可能不完整）",
        TagsMismatch => "的开始标记与结束标记不匹配",
        IllFormed => "不符合 XML 规范",
        Attribute => "的属性格式错误",
        Encoding => "的文字编码无效",
        Escape => "的实体引用（&…;）无效",
        Namespace => "的命名空间无效",
        Io => "无法读取",
    }
}

/// Follows "the XML " (or "the XML of \"part\" ").
fn xml_en(p: XmlProblem) -> &'static str {
    use XmlProblem::*;
    match p {
        Unclosed => "has a tag, comment or section that is not closed (the part may be cut short)",
        TagsMismatch => "has start and end tags that do not match",
        IllFormed => "is not well-formed",
        Attribute => "has a malformed attribute",
        Encoding => "has an invalid text encoding",
        Escape => "has an invalid entity reference (&…;)",
        Namespace => "has an invalid namespace",
        Io => "cannot be read",
    }
}

fn fault_zh(f: &ContentFault) -> String {
    use ContentFault::*;
    match f {
        Xml { problem } => format!("XML {}", xml_zh(*problem)),
        Attribute => "XML 属性格式错误".into(),
        Eof { tag } => format!("XML 在“</{tag}>”之前中断（部件不完整）"),
        UnexpectedNode { element } => {
            format!("XML 结构不符合格式（此处应为“{element}”元素）")
        }
        RelationshipMissing => "工作表的关系缺失".into(),
        SheetState { value } => format!("工作表的显示状态“{value}”无法识别"),
        SheetType => "工作表的类型无法识别".into(),
        CellError { value } => format!("错误值“{value}”无法识别"),
        MissingString => "单元格引用的共享字符串不存在".into(),
        WorksheetMissing { sheet } => format!("找不到工作表“{sheet}”的部件"),
    }
}

fn fault_en(f: &ContentFault) -> String {
    use ContentFault::*;
    match f {
        Xml { problem } => format!("the XML {}", xml_en(*problem)),
        Attribute => "an XML attribute is malformed".into(),
        Eof { tag } => format!("the XML ends before \"</{tag}>\" (the part is incomplete)"),
        UnexpectedNode { element } => {
            format!("the XML does not follow the format (a \"{element}\" element was expected)")
        }
        RelationshipMissing => "a sheet's relationship is missing".into(),
        SheetState { value } => format!("a sheet's visibility \"{value}\" is not known"),
        SheetType => "a sheet's type is not known".into(),
        CellError { value } => format!("the error value \"{value}\" is not known"),
        MissingString => "a cell uses a shared string that does not exist".into(),
        WorksheetMissing { sheet } => format!("the part of sheet \"{sheet}\" is missing"),
    }
}

fn compound_zh(p: &CompoundProblem) -> String {
    use CompoundProblem::*;
    match p {
        Unreadable { detail } => return detail.clone(),
        SectorOutsideFile => "扇区号超出文件范围",
        SectorPastEnd => "扇区超出文件末尾",
        ChainLoops => "扇区链成环",
        SectorNotAllocated => "扇区分配表中没有该扇区",
        HeaderIncomplete => "文件头不完整",
        SectorSize => "扇区大小无效",
        MiniSectorSize => "小扇区大小无效",
        DifatTooLong => "DIFAT 链过长",
        DifatEmpty => "DIFAT 为空",
        TooManyFatSectors => "扇区分配表的扇区数多于文件的扇区数",
        ShorterThanFat => "文件比扇区分配表记录的短，可能在传输中被截断",
        RootEmpty => "根目录为空",
        NoWorkbookStream => "没有 Workbook 数据流",
        MiniChain => "小扇区链无效",
        MiniSectorOutside => "小扇区超出小数据流",
        MiniSectorNotAllocated => "小扇区分配表中没有该扇区",
    }
    .into()
}

fn compound_en(p: &CompoundProblem) -> String {
    use CompoundProblem::*;
    match p {
        Unreadable { detail } => return detail.clone(),
        SectorOutsideFile => "a sector number lies outside the file",
        SectorPastEnd => "a sector runs past the end of the file",
        ChainLoops => "a sector chain loops",
        SectorNotAllocated => "a sector is missing from the allocation table",
        HeaderIncomplete => "the header is incomplete",
        SectorSize => "invalid sector size",
        MiniSectorSize => "invalid mini sector size",
        DifatTooLong => "the DIFAT chain is too long",
        DifatEmpty => "the DIFAT is empty",
        TooManyFatSectors => "the allocation table lists more sectors than the file has",
        ShorterThanFat => {
            "the file is shorter than its allocation table says; it was probably cut short in transfer"
        }
        RootEmpty => "the root directory is empty",
        NoWorkbookStream => "there is no Workbook stream",
        MiniChain => "invalid mini sector chain",
        MiniSectorOutside => "a mini sector lies outside the mini stream",
        MiniSectorNotAllocated => "a mini sector is missing from the mini allocation table",
    }
    .into()
}
