//! Every sentence a user reads, in one place per language.
//!
//! Templates name their facts in braces: `{value}` is the value found, `{row}` the
//! one-based row, and any other name is an argument the diagnostic carries; English text
//! takes the argument `NAME_en` first, where one worded in Chinese has an English wording.

use crate::diag::{Code, Diagnostic};
use crate::model::{Filed, FiledAs, Verdict};

pub use crate::lang::Lang;

/// Fills `{name}` placeholders from a diagnostic.
pub fn render(template: &str, d: &Diagnostic, lang: Lang) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let key = &after[..end];
        let value = match key {
            "value" => d.value.clone(),
            "row" => d.row.map(|r| (r + 1).to_string()),
            "cell" => d.cell_a1(),
            // An argument worded in Chinese (a condition, a suggestion) carries its
            // English wording under `KEY_en`, which English text takes first.
            _ => {
                let find = |key: &str| {
                    d.args
                        .iter()
                        .find(|(k, _)| k == key)
                        .map(|(_, v)| v.clone())
                };
                match lang {
                    Lang::En => find(&format!("{key}_en")).or_else(|| find(key)),
                    Lang::Zh => find(key),
                }
            }
        };
        out.push_str(value.as_deref().unwrap_or(match lang {
            Lang::Zh => "（无）",
            Lang::En => "(none)",
        }));
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The one-sentence statement of the problem.
pub fn message(code: Code, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => zh(code).0,
        Lang::En => en(code).0,
    }
}

/// What the county should do about it.
pub fn hint(code: Code, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => zh(code).1,
        Lang::En => en(code).1,
    }
}

const SAVE_AS_XLSX_ZH: &str =
    "请在 Excel 或 WPS 中打开该文件，“另存为”Excel 工作簿（.xlsx）后重新报送";
const SAVE_AS_XLSX_EN: &str =
    "open it in Excel or WPS, \"Save As\" an Excel workbook (.xlsx) and send it again";

fn zh(code: Code) -> (&'static str, &'static str) {
    use Code::*;
    match code {
        FileEmpty => ("文件是空的（0 字节）", "文件可能在导出或传输时出错，请重新导出报表后报送"),
        FileHtml => ("文件实际上是网页（HTML），只是扩展名为 {ext}", SAVE_AS_XLSX_ZH),
        FileText => ("文件是纯文本（CSV 或文本文件），不是电子表格", SAVE_AS_XLSX_ZH),
        FilePdf => ("文件是 PDF 文档，不是电子表格", "请报送 Excel 格式的报表（.xlsx），不要导出为 PDF"),
        FileImage => ("文件是图片（{kind}），不是电子表格", "请报送 Excel 原文件，不要截图或拍照"),
        FileWord => ("文件是 Word 文档，不是电子表格", "请使用下发的 Excel 报表模板填报"),
        FileOther => ("文件不是可识别的电子表格（{kind}）", SAVE_AS_XLSX_ZH),
        FileEncrypted => (
            "文件设有打开密码，无法读取",
            "请在 Excel 中去掉打开密码（文件 › 信息 › 保护工作簿 › 用密码进行加密，清空密码）后重新报送",
        ),
        FileTruncated => ("文件已损坏或不完整（{detail}）", "文件可能在传输中被截断，请重新导出并报送"),
        FileTooLarge => (
            "文件超出处理上限：{what}为 {found}，上限为 {limit}",
            "月报表不应有这么多内容；请删除多余的工作表和远处的空白格式，只保留报表内容后另存为 .xlsx",
        ),
        FileUnreadable => ("无法读取文件：{detail}", "请检查文件是否存在、是否是文件而非文件夹、是否有读取权限"),
        FileInternal => (
            "读取文件时出现内部错误：{detail}",
            "请用 Excel 打开后另存为 .xlsx 再试；如仍失败，请把文件转给系统维护人员",
        ),
        LedgerMissing => (
            "找不到“项目明细”表：没有哪个工作表的表头同时含有“项目名称”“投资方”等列",
            "请使用下发的模板，保留“项目明细”工作表及其表头行",
        ),
        ColumnMissing => (
            "“项目明细”表缺少必填列“{column}”",
            "请在表头行补上“{column}”列（列名可用模板中的名称或其认可的别名）",
        ),
        UnitMissing => ("找不到填报单位", "请在“基本信息”表“填报单位”右侧填写单位全称"),
        UnitUnknown => ("填报单位“{value}”不在名册中", "请填写名册中的单位全称{suggestion}"),
        UnitCodeMismatch => (
            "行政区划代码 {value} 与填报单位“{unit}”不一致（名册代码为 {expected}）",
            "请核对行政区划代码，{unit}应为 {expected}",
        ),
        PeriodMissing => ("找不到报告期", "请在“基本信息”表“报告期”右侧填写，如“2025年6月”"),
        PeriodInvalid => ("报告期“{value}”无法识别{reason}", "请写成“2025年6月”或“2025-06”"),
        PeriodMismatch => (
            "报告期为 {found}，本批次为 {expected}",
            "请确认报送的是 {expected} 的报表；如填错了月份，请改正后重新报送",
        ),
        Required => ("“{column}”未填写{condition}", "请补填第 {row} 行的“{column}”"),
        Number => (
            "“{column}”应为数字，实际为“{value}”",
            "请只填数字（单位：{unit}），不要加“约”“待定”等文字；没有请填 0 或留空",
        ),
        NumberRange => (
            "“{column}”的数值“{value}”大得超出了可能的范围",
            "请核对位数和单位（{unit}），是否多打了零或填到了别的列",
        ),
        Negative => ("“{column}”为负数（{value}）", "金额和个数不能为负；如需调减，请与上级招商部门联系"),
        Date => ("“{column}”不是有效日期：“{value}”", "请填写完整日期，如 2025-06-15 或 2025年6月15日"),
        Choice => ("“{column}”的值“{value}”不在可选范围内", "请从以下选项中选择：{allowed}"),
        Industry => ("产业类别“{value}”不在产业目录中", "请从产业目录中选择：{allowed}"),
        SignedAfterPeriod => (
            "签约日期 {value} 晚于报告期 {period}",
            "报告期之后签约的项目应在以后月份的报表中填报，请核对日期",
        ),
        YtdBelowMonth => ("“{column}”（{value}）小于本月数（{month}）", "本年累计数包含本月数，不能小于本月数，请核对"),
        DuplicateProject => (
            "与第 {other_row} 行是同一个项目（{identity}）",
            "同一项目只能填报一行，请删除或合并重复行",
        ),
        ColumnUnmapped => (
            "列“{value}”写的是“{figure}”，但无法对应到报表的任何一列{reason}，其中的数字不能读取",
            "请使用模板中的列名（如“{expected}”），或把表头改成一行、每列一个指标后重新报送",
        ),
        UnitConflict => (
            "“{column}”的单位有两种说法：{first}，又有 {second}",
            "请只保留一种单位说明（列名中的单位或表格上方的“单位：…”），并确认数字按该单位填写",
        ),
        ColumnSpan => (
            "列“{value}”是{span}的数，而本表报告期为 {period}，该列应为“{expected}”",
            "请把该列改为本报告期的数（列名写成“{expected}”），核对数字后重新报送",
        ),
        LedgerSplit => (
            "工作表“{other}”也是一张填有项目的项目明细表：项目分在“{sheet}”和“{other}”两张表中，无法确定以哪张为准，也不能只读其中一张",
            "请把全部项目合并到一张“项目明细”表中，删去多余的表后重新报送",
        ),
        FormulaNoValue => (
            "“{column}”是公式（{value}），但文件中没有保存它的计算结果",
            "请用 Excel 或 WPS 打开文件、确认数字后保存，再重新报送（由程序生成的文件常见此问题）",
        ),
        HoldYtdDrop => (
            "“{indicator}”本年累计 {value}，比上月报送的 {previous} 少了 {drop}，超出核实界限",
            "本年累计数不应大幅减少：如是更正前期数据，请在报送时附说明，由市（省）招商局核实后确认；否则请改正后重新报送",
        ),
        HoldProjectsGone => (
            "上月报送的 {previous} 个项目中有 {gone} 个本月未出现（超过一半）",
            "请核对是否漏报了项目明细；如项目确已终止或转出，请说明原因，由市（省）招商局核实后确认",
        ),
        HoldMagnitude => (
            "金额大小与所写单位不符：{reason}",
            "请核对金额的单位（万元、亿元、元）是否与表头或“单位：”说明一致，改正后重新报送；确实无误的请说明，由市（省）招商局核实后确认",
        ),
        FundsAboveContract => (
            "本年累计到位资金 {value} 万元超过合同投资额 {contract} 万元",
            "请核对到位资金和合同投资额是否填反或单位有误",
        ),
        SummaryMismatch => (
            "主要指标“{indicator}”{span}为 {value}，项目明细计算为 {ledger}（{ledger_cells}）",
            "请核对两处数据；通报以项目明细计算的数为准",
        ),
        TotalMismatch => (
            "合计行“{column}”为 {value}，各项目之和为 {sum}",
            "请核对合计行；通报按各项目逐行计算，不使用合计行",
        ),
        NegotiatingDated => (
            "在谈项目填写了签约日期 {value}，不计为签约",
            "如已签约，请把项目进展改为“已签约”；否则请清空签约日期",
        ),
        BigNotStarted => (
            "亿元以上项目于 {value} 签约，已超过 6 个月仍未开工",
            "请填写开工日期，或说明未开工的原因",
        ),
        YtdDecrease => (
            "“{indicator}”本年累计 {value} 小于上月报送的 {previous}",
            "本年累计数不应减少，请核对本月或上月数据",
        ),
        ProjectVanished => (
            "上月报送的项目“{project}”本月未出现",
            "在库项目应持续填报到年底；如项目已终止，请在备注中说明",
        ),
        ProjectElsewhere => (
            "项目“{project}”同时由“{other_unit}”报送",
            "请与对方单位核实项目归属，避免重复统计",
        ),
        UnknownColumn => ("未识别的列“{value}”，已忽略", "如该列数据需要统计，请使用模板中的列名"),
        SummaryAbsent => (
            "没有“主要指标”表：可由项目明细计算的指标已计算，其他指标视为未报",
            "如需报送外出招商活动次数、接待客商批次，请填写“主要指标”表",
        ),
        LedgerSeveral => (
            "工作表“{other}”{hidden}也是一张项目明细表，未读取；本表数字只取自“{sheet}”",
            "请删去多余的明细表，只保留一张“项目明细”后重新报送",
        ),
        RowIgnored => ("第 {row} 行不是项目行，已忽略：“{value}”", "如该行是项目，请补全项目名称等必填内容"),
    }
}

fn en(code: Code) -> (&'static str, &'static str) {
    use Code::*;
    match code {
        FileEmpty => ("the file is empty (0 bytes)", "it was probably damaged when exported or sent; export the return again"),
        FileHtml => ("the file is a web page (HTML) named {ext}", SAVE_AS_XLSX_EN),
        FileText => ("the file is plain text (CSV or text), not a spreadsheet", SAVE_AS_XLSX_EN),
        FilePdf => ("the file is a PDF document, not a spreadsheet", "send the return as an Excel workbook (.xlsx), not a PDF"),
        FileImage => ("the file is an image ({kind}), not a spreadsheet", "send the Excel file itself, not a screenshot or photo"),
        FileWord => ("the file is a Word document, not a spreadsheet", "fill in the Excel return form that was sent out"),
        FileOther => ("the file is not a recognised spreadsheet ({kind})", SAVE_AS_XLSX_EN),
        FileEncrypted => (
            "the file is password-protected and cannot be read",
            "remove the password in Excel (File › Info › Protect Workbook › Encrypt with Password, clear it) and send it again",
        ),
        FileTruncated => ("the file is damaged or incomplete ({detail})", "it was probably cut short in transfer; export it again and resend"),
        FileTooLarge => (
            "the file exceeds a processing limit: {what} is {found}, the limit is {limit}",
            "a monthly return never holds this much; delete extra sheets and far-away formatting, keep the return, save as .xlsx",
        ),
        FileUnreadable => ("the file cannot be read: {detail}", "check that it exists, is a file rather than a folder, and is readable"),
        FileInternal => (
            "an internal error occurred while reading the file: {detail}",
            "open it in Excel and save it as .xlsx, then try again; if it still fails, pass the file to the maintainers",
        ),
        LedgerMissing => (
            "no project ledger (项目明细): no sheet has a header with 项目名称, 投资方 and the other columns",
            "use the form that was sent out and keep its 项目明细 sheet and header row",
        ),
        ColumnMissing => (
            "the project ledger lacks the required column \"{column}\"",
            "add a \"{column}\" column to the header row (the form's title or an accepted alias)",
        ),
        UnitMissing => ("the reporting unit (填报单位) is missing", "write the unit's full name to the right of 填报单位 on the 基本信息 sheet"),
        UnitUnknown => ("the reporting unit \"{value}\" is not on the roster", "write the unit's name as the roster has it{suggestion}"),
        UnitCodeMismatch => (
            "code {value} does not match the unit \"{unit}\" (the roster says {expected})",
            "check the code; {unit} is {expected}",
        ),
        PeriodMissing => ("the report period (报告期) is missing", "write it to the right of 报告期 on the 基本信息 sheet, e.g. 2025年6月"),
        PeriodInvalid => ("the report period \"{value}\" cannot be read{reason}", "write it as 2025年6月 or 2025-06"),
        PeriodMismatch => (
            "the return is for {found}, the batch is for {expected}",
            "make sure this is the return for {expected}; correct the month and resend if it is wrong",
        ),
        Required => ("\"{column}\" is blank{condition}", "fill in \"{column}\" on row {row}"),
        Number => (
            "\"{column}\" must be a number, found \"{value}\"",
            "write only the number (unit: {unit}), without words like 约 or 待定; leave blank or write 0 for none",
        ),
        NumberRange => (
            "\"{column}\" holds {value}, far beyond any possible figure",
            "check the digits and the unit ({unit}): extra zeros, or a figure typed into the wrong column",
        ),
        Negative => ("\"{column}\" is negative ({value})", "amounts and counts cannot be negative; ask the bureau about corrections"),
        Date => ("\"{column}\" is not a valid date: \"{value}\"", "write a full date, e.g. 2025-06-15 or 2025年6月15日"),
        Choice => ("\"{column}\" has the value \"{value}\", which is not allowed", "choose one of: {allowed}"),
        Industry => ("the industry \"{value}\" is not in the industry list", "choose one of: {allowed}"),
        SignedAfterPeriod => (
            "signing date {value} is after the report period {period}",
            "a project signed after the period belongs in a later month's return; check the date",
        ),
        YtdBelowMonth => ("\"{column}\" ({value}) is smaller than the month's figure ({month})", "the year-to-date figure includes the month; check both"),
        DuplicateProject => (
            "the same project as row {other_row} ({identity})",
            "report each project on one row only; delete or merge the duplicate",
        ),
        ColumnUnmapped => (
            "column \"{value}\" names \"{figure}\" but cannot be matched to a column of the return{reason_en}, so its figures cannot be read",
            "use the form's column title (such as \"{expected}\"), or make the header one row with one figure per column, and send the return again",
        ),
        UnitConflict => (
            "the unit of \"{column}\" is stated twice, differently: {first_en}, and {second_en}",
            "keep one statement of the unit (in the column title or a 单位：… line above the table) and make sure the figures are in it",
        ),
        ColumnSpan => (
            "column \"{value}\" holds figures for {span_en}, but the return is for {period}; it should be {expected}",
            "make the column this period's figures (titled \"{expected}\"), check them, and send the return again",
        ),
        LedgerSplit => (
            "the sheet \"{other}\" is a project ledger with projects too: the projects are split between \"{sheet}\" and \"{other}\", and neither can be taken alone",
            "put every project on one 项目明细 sheet, delete the other, and send the return again",
        ),
        FormulaNoValue => (
            "\"{column}\" is a formula ({value}) whose result was not saved in the file",
            "open the file in Excel or WPS, check the figures, save it and send it again (files written by programs often lack the results)",
        ),
        HoldYtdDrop => (
            "year-to-date \"{indicator}\" is {value}, {drop} below last month's {previous}, beyond the verification threshold",
            "year-to-date figures should not fall this much: if earlier figures were corrected, say so and the bureau will confirm; otherwise correct and resend",
        ),
        HoldProjectsGone => (
            "{gone} of the {previous} projects in last month's return are missing from this one (more than half)",
            "check that no ledger rows were left out; if the projects really ended or moved, say why and the bureau will confirm",
        ),
        HoldMagnitude => (
            "the amounts do not fit their stated unit: {reason_en}",
            "check the unit of the amounts (万元, 亿元, 元) against the column titles and any 单位：… line, correct and resend; if they are right, say so and the bureau will confirm",
        ),
        FundsAboveContract => (
            "funds in place this year ({value} 万元) exceed the contract amount ({contract} 万元)",
            "check the two amounts and their units",
        ),
        SummaryMismatch => (
            "summary indicator \"{indicator}\" {span} is {value}, the ledger gives {ledger} ({ledger_cells})",
            "check both; the bulletin uses the figure computed from the ledger",
        ),
        TotalMismatch => (
            "the total row's \"{column}\" is {value}, the projects add up to {sum}",
            "check the total row; the bulletin adds the projects and never uses the total row",
        ),
        NegotiatingDated => (
            "a project under negotiation has a signing date ({value}); it is not counted as signed",
            "if it was signed, set 项目进展 to 已签约; otherwise clear the signing date",
        ),
        BigNotStarted => (
            "a project of 100 million yuan or more signed on {value} has not started after six months",
            "fill in its start date, or explain why it has not started",
        ),
        YtdDecrease => (
            "year-to-date \"{indicator}\" ({value}) is smaller than last month's {previous}",
            "year-to-date figures cannot fall; check this month's and last month's figures",
        ),
        ProjectVanished => (
            "project \"{project}\" was in last month's return and is missing from this one",
            "keep reporting a project until the end of the year; note in 备注 if it was cancelled",
        ),
        ProjectElsewhere => (
            "project \"{project}\" is also reported by \"{other_unit}\"",
            "agree with the other unit which one reports it, so it is not counted twice",
        ),
        UnknownColumn => ("column \"{value}\" is not recognised and was ignored", "if its figures matter, use the form's column title"),
        SummaryAbsent => (
            "no summary sheet (主要指标): figures derivable from the ledger were computed, the others are absent",
            "fill in the 主要指标 sheet to report activity counts such as 外出招商活动次数",
        ),
        LedgerSeveral => (
            "the sheet \"{other}\"{hidden} is a project ledger too and was not read; the figures come from \"{sheet}\" only",
            "delete the extra ledger, keep one 项目明细 sheet, and send the return again",
        ),
        RowIgnored => ("row {row} is not a project and was ignored: \"{value}\"", "if it is a project, fill in its name and the other required columns"),
    }
}

/// Why a file could not be opened, for `E-FILE-UNREADABLE`.
pub fn io_problem(p: crate::read::IoProblem, lang: Lang) -> &'static str {
    use crate::read::IoProblem::*;
    match (p, lang) {
        (NotFound, Lang::Zh) => "文件不存在",
        (NotFound, Lang::En) => "no such file",
        (PermissionDenied, Lang::Zh) => "没有读取权限",
        (PermissionDenied, Lang::En) => "permission denied",
        (IsADirectory, Lang::Zh) => "这是文件夹，不是文件",
        (IsADirectory, Lang::En) => "it is a folder, not a file",
        (NotAFile, Lang::Zh) => "这不是普通文件（是管道、设备或套接字），未打开",
        (NotAFile, Lang::En) => {
            "it is not a regular file (a pipe, device or socket) and was not opened"
        }
        (SymlinkLoop, Lang::Zh) => "这是循环指向自身的符号链接",
        (SymlinkLoop, Lang::En) => "it is a symbolic link that loops back on itself",
        (Other, Lang::Zh) => "读取出错",
        (Other, Lang::En) => "read error",
    }
}

/// What a file is that is not a workbook, for the `{kind}` of `E-FILE-OTHER`.
pub fn not_workbook(k: &crate::read::NotWorkbook, lang: Lang) -> String {
    use crate::read::NotWorkbook::*;
    let zh = lang == Lang::Zh;
    let pick = |z: &str, e: &str| if zh { z.to_string() } else { e.to_string() };
    match k {
        Unknown => pick("未知格式", "unknown format"),
        Rar => pick("RAR 压缩包", "a RAR archive"),
        SevenZip => pick("7z 压缩包", "a 7z archive"),
        Gzip => pick("GZIP 压缩包", "a GZIP archive"),
        Rtf => pick("RTF 文档", "an RTF document"),
        Excel2003Xml => pick("Excel 2003 XML 表格", "an Excel 2003 XML spreadsheet"),
        Doctype(part) if zh => {
            format!("含 DOCTYPE 声明的 XML 部件“{part}”（不是 Excel 或 WPS 保存的文件）")
        }
        Doctype(part) => {
            format!("the XML part \"{part}\" declares a DOCTYPE (not saved by Excel or WPS)")
        }
        UnsupportedZip(m) if zh => format!("不支持的 ZIP 格式（{m}）"),
        UnsupportedZip(m) => format!("an unsupported ZIP format ({m})"),
        UnsupportedCompression(m) if zh => format!("不支持的 ZIP 压缩方式 {m}"),
        UnsupportedCompression(m) => format!("an unsupported ZIP compression method {m}"),
        EmptyZip => pick("空的 ZIP 压缩包", "an empty ZIP archive"),
        Xlsb => pick(
            "Excel 二进制工作簿 .xlsb",
            "an Excel binary workbook (.xlsb)",
        ),
        Numbers => pick("Apple Numbers 表格", "an Apple Numbers spreadsheet"),
        Odt => pick(
            "OpenDocument 文本文档（.odt）",
            "an OpenDocument text (.odt)",
        ),
        Odp => pick(
            "OpenDocument 演示文稿（.odp）",
            "an OpenDocument presentation (.odp)",
        ),
        PowerPoint => pick("PowerPoint 演示文稿", "a PowerPoint presentation"),
        Zip => pick("ZIP 压缩包", "a ZIP archive"),
        OutlookMessage => pick("Outlook 邮件", "an Outlook message"),
        Ole => pick(
            "OLE 复合文档（不是 Excel 工作簿）",
            "an OLE compound file (not an Excel workbook)",
        ),
    }
}

/// The name of a read budget, for the `{what}` of `E-FILE-TOO-LARGE`.
pub fn budget(b: &crate::read::Budget, lang: Lang) -> String {
    use crate::read::Budget::*;
    let fixed = |zh: &str, en: &str| match lang {
        Lang::Zh => zh.to_string(),
        Lang::En => en.to_string(),
    };
    let sheet = |name: &str, zh: &str, en: &str| match lang {
        Lang::Zh => format!("工作表“{name}”的{zh}"),
        Lang::En => format!("{en} of sheet \"{name}\""),
    };
    match b {
        FileSize => fixed("文件大小（字节）", "the file size (bytes)"),
        Decompressed => fixed("解压后大小（字节）", "the decompressed size (bytes)"),
        XmlToken => fixed(
            "XML 中单个标记或文本的长度（字节）",
            "the length of one XML tag or text run (bytes)",
        ),
        ZipEntries => fixed(
            "压缩包内的文件数",
            "the number of parts in the ZIP container",
        ),
        Sheets => fixed("工作表数", "the number of sheets"),
        Strings => fixed("共享字符串数", "the number of shared strings"),
        DeclaredStrings => fixed(
            "共享字符串表声明的字符串数（uniqueCount）",
            "the shared strings the table declares (uniqueCount)",
        ),
        StyleRecords => fixed("样式表中的样式记录数", "the number of style records"),
        WorkbookCells => fixed(
            "整个工作簿的单元格数",
            "the number of cells of the whole workbook",
        ),
        TextTotal => fixed(
            "读取后的文字总量（字节，含共享字符串的每次引用）",
            "the text read out (bytes, each shared-string use counted)",
        ),
        SheetCells(n) => sheet(
            n,
            "单元格数（含重复）",
            "the number of cells (repeats included)",
        ),
        SheetArea(n) => sheet(n, "使用区域（行×列）", "the used area (rows × columns)"),
        SheetMerges(n) => sheet(n, "合并单元格数", "the number of merged regions"),
        SheetDimensions(n) => sheet(
            n,
            "声明的尺寸（DIMENSIONS，行×列）",
            "the declared size (DIMENSIONS, rows × columns)",
        ),
        CellText(n) => sheet(
            n,
            "单个单元格的文字长度（字节，连续空格展开计算）",
            "the text of one cell (bytes, runs of spaces expanded)",
        ),
        SheetColumns(n) => sheet(n, "有内容的最远列号", "the last column with content"),
        SheetRows(n) => sheet(n, "有内容的最远行号", "the last row with content"),
    }
}

/// The closing line of a check or ingest report.
pub fn batch_summary(
    files: usize,
    [accepted, held, rejected]: [usize; 3],
    errors: usize,
    warnings: usize,
    lang: Lang,
) -> String {
    // The held count is named only when there is one: most months have none.
    match (lang, held) {
        (Lang::Zh, 0) => format!("合计：{files} 个文件，{accepted} 个通过，{rejected} 个未通过；{errors} 个错误，{warnings} 个警告"),
        (Lang::Zh, _) => format!("合计：{files} 个文件，{accepted} 个通过，{held} 个待核实，{rejected} 个未通过；{errors} 个错误，{warnings} 个警告"),
        (Lang::En, 0) => format!("Total: {files} files, {accepted} accepted, {rejected} rejected; {errors} errors, {warnings} warnings"),
        (Lang::En, _) => format!("Total: {files} files, {accepted} accepted, {held} held for verification, {rejected} rejected; {errors} errors, {warnings} warnings"),
    }
}

/// A hint to the clerk, not the county: a return names its unit in a way the roster does
/// not know, but its code is a roster unit's.
pub fn roster_hint(written: &str, code: &str, name: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "名册提示：有报表把代码 {code} 的单位写作“{written}”（名册为“{name}”）；如为同一单位，请在 tongbao.toml 中该单位的 aliases 里加上“{written}”"
        ),
        Lang::En => format!(
            "roster hint: a return writes the unit with code {code} as \"{written}\" (the roster says \"{name}\"); if it is the same unit, add \"{written}\" to its aliases in tongbao.toml"
        ),
    }
}

/// Labels of the human report and other fixed interface text.
#[derive(Debug, Clone, Copy)]
pub enum Ui {
    Accepted,
    /// Held for verification (核实).
    Held,
    Rejected,
    Errors,
    /// Findings to verify (核实).
    Holds,
    Warnings,
    UnitUnknownName,
    PeriodUnknown,
    /// Progress bar labels.
    Checking,
    Storing,
    /// Checking and storing at once (ingest with a known period).
    Ingesting,
}

pub fn ui(key: Ui, lang: Lang) -> &'static str {
    use Ui::*;
    match (key, lang) {
        (Accepted, Lang::Zh) => "通过",
        (Accepted, Lang::En) => "accepted",
        (Held, Lang::Zh) => "待核实",
        (Held, Lang::En) => "held for verification",
        (Rejected, Lang::Zh) => "未通过",
        (Rejected, Lang::En) => "rejected",
        (Errors, Lang::Zh) => "个错误",
        (Holds, Lang::Zh) => "项待核实",
        (Holds, Lang::En) => " to verify",
        (Errors, Lang::En) => " errors",
        (Warnings, Lang::Zh) => "个警告",
        (Warnings, Lang::En) => " warnings",
        (Checking, Lang::Zh) => "检查",
        (Checking, Lang::En) => "checking",
        (Storing, Lang::Zh) => "入库",
        (Storing, Lang::En) => "storing",
        (Ingesting, Lang::Zh) => "检查入库",
        (Ingesting, Lang::En) => "checking and storing",
        (UnitUnknownName, Lang::Zh) => "单位未知",
        (UnitUnknownName, Lang::En) => "unit unknown",
        (PeriodUnknown, Lang::Zh) => "报告期未知",
        (PeriodUnknown, Lang::En) => "period unknown",
    }
}

// ---------------------------------------------------------------------------------------
// The blank return form (`tongbao template`). Sheet names, labels, column titles and
// indicator names are the contract's Chinese words in both languages (the reader and the
// counties rely on them); what follows is the explaining text around them.
// ---------------------------------------------------------------------------------------

/// The facts the form's explanations mention.
#[derive(Debug, Clone)]
pub struct FormFacts {
    /// The unit the form is for, as the roster names it.
    pub unit: String,
    pub period: crate::model::Period,
    /// 发文机关: who collects the returns and answers questions.
    pub issuer: String,
    /// The day returns are due, when the configuration sets a deadline.
    pub deadline: Option<chrono::NaiveDate>,
}

impl FormFacts {
    fn period_zh(&self) -> String {
        format!("{}年{}月", self.period.year, self.period.month)
    }
    fn span_zh(&self) -> String {
        if self.period.month == 1 {
            "1月".to_string()
        } else {
            format!("1—{}月", self.period.month)
        }
    }
    fn end(&self) -> String {
        self.period.last_day().format("%Y-%m-%d").to_string()
    }
}

/// One line of the 填报说明 sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InstructionLine {
    /// The sheet's title.
    Title(String),
    /// A section heading (一、二、…).
    Heading(String),
    /// A paragraph under a heading.
    Item(String),
}

/// Fixed words of the form besides the contract's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormText {
    /// Under the 基本信息 pairs: the units of amounts.
    InfoNote,
    /// Under the 基本信息 pairs: which cells are pre-filled.
    InfoPrefilled,
    /// Under the 主要指标 table: which rows are computed and which are typed.
    SummaryNote,
}

/// The text of a fixed word of the form.
pub fn form_text(key: FormText, lang: Lang) -> &'static str {
    use FormText::*;
    match (key, lang) {
        (InfoNote, Lang::Zh) => "说明：金额单位为万元，外资金额单位为万美元。",
        (InfoNote, Lang::En) => "Amounts are in 万元 (RMB 10,000); foreign capital is in 万美元 (USD 10,000).",
        (InfoPrefilled, Lang::Zh) => "填报单位、行政区划代码、报告期已预填，请勿修改；请填写填报人、联系电话、审核人、填报日期。",
        (InfoPrefilled, Lang::En) => "填报单位, 行政区划代码 and 报告期 are filled in; do not change them. Fill in 填报人, 联系电话, 审核人 and 填报日期.",
        (SummaryNote, Lang::Zh) => "注：灰色单元格由“项目明细”自动计算，请勿改动；黄色单元格（外出招商活动次数、接待客商批次）请直接填写；上年同期累计可选填。",
        (SummaryNote, Lang::En) => "Grey cells are computed from the 项目明细 ledger: do not change them. Type in the yellow cells (外出招商活动次数, 接待客商批次); 上年同期累计 is optional.",
    }
}

/// An input prompt: its title (at most 32 characters) and message (at most 255).
pub type Prompt = (String, String);

/// What a county types into a ledger column, shown when the cell is selected.
pub fn column_prompt(field: crate::parse::vocab::Field, facts: &FormFacts, lang: Lang) -> Prompt {
    use crate::parse::vocab::Field::*;
    let end = facts.end();
    let (title, message): (&str, String) = match lang {
        Lang::Zh => (
            field.title(),
            match field {
                Seq => "可不填，仅便于核对。".into(),
                Id => "项目的固定编号，逐月保持不变：上月已报的项目请沿用原编号；新项目可按本单位规则编写或留空。".into(),
                Name => "必填。项目全称。每个项目只填一行，同一项目不要重复填报。".into(),
                Investor => "必填。投资方（签约企业）全称。".into(),
                Origin => "投资方所在的省、市或国家（地区），如“江苏南京”“香港”“德国”。".into(),
                FundsSource => "从下拉列表选择：市内 / 省内市外 / 省外境内 / 境外。“省外境内”计入省外境内到位资金。".into(),
                Industry => "必填。从下拉列表选择产业目录中的类别。".into(),
                Kind => "新建 或 增资扩产。增资扩产项目只填报增资部分。".into(),
                Stage => "必填。在谈：正在洽谈、尚未签约；已签约：已签投资协议、尚未开工；已开工：已开工建设；已投产：已建成投产。".into(),
                SignedOn => format!("已签约、已开工、已投产的项目必填，在谈项目不填。格式如 2025-06-15，不得晚于报告期末 {end}。"),
                ContractAmount => "已签约、已开工、已投产的项目必填。单位：万元，保留两位小数。亿元以上项目指 10000 万元及以上。".into(),
                ContractFdi => "外资项目的合同外资额，单位：万美元；其他项目留空。".into(),
                StartedOn => format!("已开工、已投产的项目必填。格式如 2025-06-15，不得晚于报告期末 {end}。"),
                FundsMonth => "本月实际到位资金（不是合同投资额），单位：万元；没有请填 0 或留空。".into(),
                FundsYtd => "1月至本月累计实际到位资金，单位：万元，不得小于本月数。".into(),
                FdiMonth => "本月实际使用外资，单位：万美元；没有请留空。".into(),
                FdiYtd => "1月至本月累计实际使用外资，单位：万美元，不得小于本月数。".into(),
                Fortune500 => "投资方是否为世界500强企业：是 / 否。".into(),
                Note => "需要说明的其他情况，如项目终止、变更、未开工原因。".into(),
            },
        ),
        Lang::En => (
            match field {
                Seq => "No.",
                Id => "Project id",
                Name => "Project name",
                Investor => "Investor",
                Origin => "Investor's home",
                FundsSource => "Source of funds",
                Industry => "Industry",
                Kind => "Project type",
                Stage => "Stage",
                SignedOn => "Signing date",
                ContractAmount => "Contract amount (万元)",
                ContractFdi => "Contract FDI (万美元)",
                StartedOn => "Construction start",
                FundsMonth => "Funds in place, month",
                FundsYtd => "Funds in place, year",
                FdiMonth => "FDI used, month",
                FdiYtd => "FDI used, year to date",
                Fortune500 => "Fortune Global 500",
                Note => "Remarks",
            },
            match field {
                Seq => "Optional; only for cross-checking.".into(),
                Id => "The project's fixed id, the same every month: keep last month's id; a new project may have one by your own rule, or none.".into(),
                Name => "Required. The project's full name. One row per project; never the same project twice.".into(),
                Investor => "Required. The investor's (signing company's) full name.".into(),
                Origin => "The investor's province, city or country, e.g. 江苏南京, 香港, 德国.".into(),
                FundsSource => "Choose from the list: 市内 / 省内市外 / 省外境内 / 境外. 省外境内 counts towards funds from other provinces.".into(),
                Industry => "Required. Choose the industry from the list.".into(),
                Kind => "新建 (new) or 增资扩产 (expansion: report only the increase).".into(),
                Stage => "Required. 在谈 under negotiation; 已签约 signed, not started; 已开工 under construction; 已投产 in production.".into(),
                SignedOn => format!("Required unless 在谈; leave blank for 在谈. A date such as 2025-06-15, not after the end of the period ({end})."),
                ContractAmount => "Required unless 在谈. In 万元 with two decimals; 亿元以上 means 10000 万元 or more.".into(),
                ContractFdi => "Foreign capital in the contract, in 万美元; blank for other projects.".into(),
                StartedOn => format!("Required for 已开工 and 已投产. A date such as 2025-06-15, not after the end of the period ({end})."),
                FundsMonth => "Funds actually invested this month (not the contract amount), in 万元; 0 or blank for none.".into(),
                FundsYtd => "Funds actually invested from January to this month, in 万元; not less than the month's.".into(),
                FdiMonth => "Foreign capital actually used this month, in 万美元; blank for none.".into(),
                FdiYtd => "Foreign capital used from January to this month, in 万美元; not less than the month's.".into(),
                Fortune500 => "Whether the investor is a Fortune Global 500 company: 是 (yes) / 否 (no).".into(),
                Note => "Anything else to explain, e.g. a cancelled or changed project, why it has not started.".into(),
            },
        ),
    };
    (title.to_string(), message)
}

/// What an indicator of 主要指标 means.
pub fn indicator_definition(indicator: crate::model::Indicator, lang: Lang) -> &'static str {
    use crate::model::Indicator::*;
    match lang {
        Lang::Zh => match indicator {
            SignedCount => "项目进展不是“在谈”、签约日期在本月（累计为1月至本月）的项目个数。",
            SignedAmount => "上述签约项目的合同投资额之和。",
            BigCount => "上述签约项目中合同投资额在 10000 万元（1亿元）及以上的个数。",
            BigAmount => "上述亿元以上签约项目的合同投资额之和。",
            StartedCount => "开工日期在本月（累计为1月至本月）的项目个数。",
            StartedInvestment => "上述开工项目的合同投资额之和。",
            FundsInPlace => "各项目本月到位资金之和（累计为本年累计到位资金之和）；是实际到位的资金，不是合同投资额。",
            FundsOutOfProvince => "资金来源为“省外境内”的项目的到位资金之和。",
            FdiUsd => "各项目实际使用外资之和，单位万美元，不折算、不与人民币相加。",
            NegotiatingCount => "项目进展为“在谈”的项目个数（本月与累计相同）。",
            OutboundTrips => "本单位组织或参加的外出招商活动次数，直接填写。",
            VisitorsReceived => "本单位接待来访客商的批次，直接填写。",
        },
        Lang::En => match indicator {
            SignedCount => "Projects not 在谈 whose signing date is in the month (year to date: January to the month).",
            SignedAmount => "The contract amounts of those signings, added up.",
            BigCount => "Those signings of 10000 万元 (100 million yuan) or more.",
            BigAmount => "The contract amounts of those 亿元以上 signings, added up.",
            StartedCount => "Projects whose construction start date is in the month (year to date: January to the month).",
            StartedInvestment => "The contract amounts of those starts, added up.",
            FundsInPlace => "The projects' funds in place this month (year to date: their year's funds), added up; money actually invested, not contract amounts.",
            FundsOutOfProvince => "Funds in place of projects whose 资金来源 is 省外境内.",
            FdiUsd => "The projects' foreign capital used, in 万美元, never converted or added to RMB.",
            NegotiatingCount => "Projects whose 项目进展 is 在谈 (the same in both columns).",
            OutboundTrips => "Investment-promotion trips your unit made or joined; type it in.",
            VisitorsReceived => "Groups of visiting investors your unit received; type it in.",
        },
    }
}

/// Prompts of the cells a county fills outside the ledger: a 基本信息 label's value, or
/// a typed-in 主要指标 figure (`key` is the label or indicator name).
pub fn input_prompt(key: &str, lang: Lang) -> Prompt {
    let (title, message) = match (key, lang) {
        ("填报人", Lang::Zh) => ("填报人", "填写本表填报人姓名。"),
        ("填报人", Lang::En) => (
            "Prepared by",
            "The name of the person who filled in this return.",
        ),
        ("联系电话", Lang::Zh) => ("联系电话", "填报人的联系电话（手机或座机）。"),
        ("联系电话", Lang::En) => ("Telephone", "The preparer's telephone number."),
        ("审核人", Lang::Zh) => ("审核人", "填写审核本表的负责人姓名。"),
        ("审核人", Lang::En) => (
            "Checked by",
            "The name of the person who checked this return.",
        ),
        ("填报日期", Lang::Zh) => ("填报日期", "填写日期，格式如 2025-07-03。"),
        ("填报日期", Lang::En) => {
            ("Date", "The date the return is filled in, e.g. 2025-07-03.")
        }
        ("上年同期累计", Lang::Zh) => (
            "上年同期累计",
            "可选填：上年同期1月至同月的累计数，仅供对比。",
        ),
        ("上年同期累计", Lang::En) => (
            "Last year",
            "Optional: last year's figure for the same months, for comparison only.",
        ),
        (_, Lang::Zh) => (
            "直接填写",
            "填写整数次数；没有请填 0。累计数不得小于本月数。",
        ),
        (_, Lang::En) => (
            "Type it in",
            "A whole number; 0 for none. The year-to-date figure is not less than the month's.",
        ),
    };
    (title.to_string(), message.to_string())
}

/// The error a drop-down, date or number check shows when a cell breaks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputRule {
    /// A value from the drop-down list.
    Choice,
    /// A date within the allowed span.
    Date,
    /// A number of at least zero.
    Amount,
    /// A whole number of at least zero.
    Count,
}

/// The title and message shown when an input breaks its rule.
pub fn input_error(rule: InputRule, lang: Lang) -> Prompt {
    let (title, message) = match (rule, lang) {
        (InputRule::Choice, Lang::Zh) => ("请从下拉列表中选择", "只能填写下拉列表中的选项。"),
        (InputRule::Choice, Lang::En) => (
            "Choose from the list",
            "Only the values of the drop-down list are accepted.",
        ),
        (InputRule::Date, Lang::Zh) => (
            "日期无效",
            "请填写有效日期，格式如 2025-06-15，且不晚于报告期末。",
        ),
        (InputRule::Date, Lang::En) => (
            "Not a valid date",
            "Type a date such as 2025-06-15, not after the end of the report period.",
        ),
        (InputRule::Amount, Lang::Zh) => (
            "请填写数字",
            "请只填不小于 0 的数字（单位见表头），不要加文字。",
        ),
        (InputRule::Amount, Lang::En) => (
            "Type a number",
            "Type only a number of at least 0 (the unit is in the header), without words.",
        ),
        (InputRule::Count, Lang::Zh) => ("请填写整数", "请填写不小于 0 的整数。"),
        (InputRule::Count, Lang::En) => {
            ("Type a whole number", "Type a whole number of at least 0.")
        }
    };
    (title.to_string(), message.to_string())
}

/// The text of the 填报说明 sheet.
pub fn form_instructions(facts: &FormFacts, lang: Lang) -> Vec<InstructionLine> {
    use crate::model::Indicator;
    use crate::parse::vocab::Field;
    use InstructionLine::*;
    let period = facts.period_zh();
    let span = facts.span_zh();
    let end = facts.end();
    let mut out = Vec::new();
    match lang {
        Lang::Zh => {
            out.push(Title(format!("招商引资工作月报表填报说明（{period}）")));
            out.push(Heading("一、报送要求".into()));
            out.push(Item(format!(
                "1. 本表由{}填报，报告期为{period}。每个单位每月报送一个文件，内容为本单位{period}的招商引资情况。",
                facts.unit
            )));
            out.push(Item(match facts.deadline {
                Some(d) => format!(
                    "2. 请于{}前将本文件报送{}；如有疑问，请联系{}。",
                    d.format("%Y年%-m月%-d日"),
                    facts.issuer,
                    facts.issuer
                ),
                None => format!(
                    "2. 请按时将本文件报送{0}；如有疑问，请联系{0}。",
                    facts.issuer
                ),
            }));
            out.push(Item("3. 请直接在本文件中填写：不要更改工作表名称和表头，不要增删列，不要另做表格；“项目明细”可插入行。请以 Excel 工作簿（.xlsx）报送，不要转为 PDF 或图片。".into()));
            out.push(Heading("二、基本信息".into()));
            out.push(Item("填报单位、行政区划代码、报告期已预先填好，不得修改（报表按这三项归属单位和月份）。请填写填报人、联系电话、审核人和填报日期。".into()));
            out.push(Heading("三、主要指标".into()));
            out.push(Item(format!(
                "“本月”为{period}当月数，“1—{}月累计”为{}年{span}累计数。灰色单元格的指标由“项目明细”自动计算，请勿改动；外出招商活动次数、接待客商批次（黄色单元格）请直接填写；上年同期累计可选填。",
                facts.period.month, facts.period.year
            )));
            for ind in Indicator::ALL {
                out.push(Item(format!(
                    "{}（{}）：{}",
                    ind.label(),
                    ind.unit_label(),
                    indicator_definition(ind, lang)
                )));
            }
            out.push(Heading("四、项目明细".into()));
            out.push(Item("填报范围：本年内签约的项目、正在洽谈的项目，以及本年有资金到位的项目（含以前年度签约、本年仍有资金到位的项目）。每个项目填一行，同一项目不得重复填报；上月已报的项目请继续填报至年底，编号不变。不要添加合计行。".into()));
            out.push(Item("项目进展：在谈——正在洽谈、尚未签约；已签约——已签订投资协议、尚未开工；已开工——已开工建设、尚未投产；已投产——已建成投产。".into()));
            for f in Field::ALL {
                let (_, message) = column_prompt(f, facts, lang);
                out.push(Item(format!("{}：{message}", f.title())));
            }
            out.push(Heading("五、数据格式".into()));
            out.push(Item("金额：人民币单位为万元，外资单位为万美元（外资不折算为人民币，也不与人民币相加），保留两位小数。只填数字，不要填“约”“待定”等文字或单位；没有的填 0 或留空。".into()));
            out.push(Item(format!(
                "日期：填写完整日期，格式为 yyyy-mm-dd，如 2025-06-15。签约日期、开工日期不得晚于报告期末（{end}）。"
            )));
            out.push(Item(
                "亿元以上项目：合同投资额在 10000 万元及以上。增资扩产项目只填报增资部分。".into(),
            ));
        }
        Lang::En => {
            out.push(Title(format!(
                "How to fill in the monthly investment-promotion return ({})",
                facts.period
            )));
            out.push(Heading("1. Sending the return".into()));
            out.push(Item(format!(
                "This return is filled in by {} for {} ({period}). Each unit sends one file a month about that month's investment promotion.",
                facts.unit, facts.period
            )));
            out.push(Item(match facts.deadline {
                Some(d) => format!(
                    "Send this file to {} by {}; ask {} if anything is unclear.",
                    facts.issuer,
                    d.format("%Y-%m-%d"),
                    facts.issuer
                ),
                None => format!(
                    "Send this file to {0} in time; ask {0} if anything is unclear.",
                    facts.issuer
                ),
            }));
            out.push(Item("Fill in this file itself: do not rename sheets or change headers, do not add or delete columns, do not build another table; rows may be inserted in 项目明细. Send it as an Excel workbook (.xlsx), not as a PDF or a picture.".into()));
            out.push(Heading("2. 基本信息 (who and when)".into()));
            out.push(Item("填报单位, 行政区划代码 and 报告期 are filled in and must not be changed (they decide the unit and month the return counts for). Fill in 填报人, 联系电话, 审核人 and 填报日期.".into()));
            out.push(Heading("3. 主要指标 (summary)".into()));
            out.push(Item(format!(
                "本月 is the figure of {} alone, 1-{}月累计 the total from January. Grey cells are computed from 项目明细: do not change them. Type in 外出招商活动次数 and 接待客商批次 (yellow cells); 上年同期累计 is optional.",
                facts.period, facts.period.month
            )));
            for ind in Indicator::ALL {
                out.push(Item(format!(
                    "{} ({}): {}",
                    ind.label(),
                    ind.unit_label(),
                    indicator_definition(ind, lang)
                )));
            }
            out.push(Heading("4. 项目明细 (project ledger)".into()));
            out.push(Item("Which rows: projects signed this year, projects under negotiation, and projects receiving funds this year (also those signed in earlier years). One row per project, never the same project twice; keep reporting last month's projects until the end of the year, with the same id. Do not add a total row.".into()));
            out.push(Item("项目进展: 在谈 under negotiation, not signed; 已签约 agreement signed, construction not started; 已开工 under construction; 已投产 in production.".into()));
            for f in Field::ALL {
                let (title, message) = column_prompt(f, facts, lang);
                out.push(Item(format!("{} ({title}): {message}", f.title())));
            }
            out.push(Heading("5. Formats".into()));
            out.push(Item("Amounts: RMB in 万元 (10,000 yuan), foreign capital in 万美元 (10,000 US dollars), never converted or added to RMB; two decimals. Numbers only, no words such as 约 or 待定 and no units; 0 or blank for none.".into()));
            out.push(Item(format!(
                "Dates: full dates as yyyy-mm-dd, e.g. 2025-06-15. Signing and start dates are not after the end of the period ({end})."
            )));
            out.push(Item("亿元以上 projects: contract amount of 10000 万元 or more. For an expansion (增资扩产) report only the increase.".into()));
        }
    }
    out
}

/// The line printed for each form written.
pub fn template_written(path: &std::path::Path, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("已生成：{}", path.display()),
        Lang::En => format!("wrote {}", path.display()),
    }
}

/// The closing line of `tongbao template`.
pub fn template_summary(
    count: usize,
    period: crate::model::Period,
    dir: &std::path::Path,
    lang: Lang,
) -> String {
    match lang {
        Lang::Zh => format!(
            "共生成 {count} 份 {}年{}月 空白报表（{}），请下发各单位填报",
            period.year,
            period.month,
            dir.display()
        ),
        Lang::En => format!("{count} blank returns for {period} in {}", dir.display()),
    }
}

/// The error when `--unit` names no roster unit; `roster` is every unit's name.
pub fn template_unknown_units(unknown: &[String], roster: &[&str], lang: Lang) -> String {
    const SHOWN: usize = 20;
    let more = roster.len().saturating_sub(SHOWN);
    let shown = roster.iter().take(SHOWN).copied().collect::<Vec<_>>();
    match lang {
        Lang::Zh => format!(
            "名册中没有单位：{}（名册中的单位：{}{}）；未生成任何文件",
            unknown.join("、"),
            shown.join("、"),
            if more > 0 {
                format!(" 等 {} 个", roster.len())
            } else {
                String::new()
            }
        ),
        Lang::En => format!(
            "not on the roster: {} (the roster has {}{}); no file was written",
            unknown.join(", "),
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ),
    }
}

/// The error when a form cannot be made or saved.
pub fn template_failed(unit: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("无法生成“{unit}”的报表"),
        Lang::En => format!("cannot write the form of {unit}"),
    }
}

/// Fixed text of a receipt (回执): its labels, headings and verdicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiptText {
    /// The name of the receipt's first sheet.
    SheetName,
    /// The big title in the first row.
    Title,
    /// Label: the file received.
    File,
    /// Label: the file's sha256.
    Sha256,
    /// Label: the reporting unit.
    Unit,
    /// Label: the return's report period.
    Period,
    /// Label: the period the batch was checked against.
    BatchPeriod,
    /// Label: when the file was received.
    Received,
    /// Label: the verdict.
    Verdict,
    /// Label: what the archive did with the file (ingest only).
    Archive,
    /// Label: how many findings of each kind.
    Counts,
    /// Verdict: no errors.
    Accepted,
    /// Verdict: at least one error.
    Rejected,
    /// Verdict: no error, but held for verification (核实).
    HeldVerdict,
    /// A unit or period that could not be read.
    NotRecognised,
    /// How to read the reproduced sheets.
    Guide,
    /// In place of the reproduced sheets: the file could not be read.
    NoSheets,
    /// In place of the reproduced sheets: the file changed after it was checked.
    SheetsChanged,
    /// Guide line of a receipt with nothing to mark.
    CleanGuide,
    /// The table's row when there is nothing to report.
    NoFindings,
    /// Table heading: sequence number.
    ColNo,
    /// Table heading: severity.
    ColLevel,
    /// Table heading: sheet.
    ColSheet,
    /// Table heading: cell.
    ColCell,
    /// Table heading: the value found.
    ColValue,
    /// Table heading: the problem.
    ColProblem,
    /// Table heading: how to fix it.
    ColFix,
    /// Table heading: the diagnostic code.
    ColCode,
    /// Place of a finding about the whole file.
    WholeFile,
    /// Place of a finding about a whole sheet.
    WholeSheet,
    /// Severity words.
    Error,
    /// Severity words.
    Warning,
    /// Severity words: held for verification (核实).
    Hold,
    /// Severity words.
    Info,
    /// Before the hint in a cell note.
    FixPrefix,
    /// After a time shown in Beijing time.
    BeijingTime,
    /// The footer of every printed page (Excel header/footer codes).
    Footer,
}

pub fn receipt_text(key: ReceiptText, lang: Lang) -> &'static str {
    use ReceiptText::*;
    match (key, lang) {
        (SheetName, Lang::Zh) => "回执",
        (SheetName, Lang::En) => "Receipt",
        (Title, Lang::Zh) => "招商引资月报表回执",
        (Title, Lang::En) => "Receipt for an investment-promotion monthly return",
        (File, Lang::Zh) => "报送文件",
        (File, Lang::En) => "File",
        (Sha256, _) => "SHA-256",
        (Unit, Lang::Zh) => "填报单位",
        (Unit, Lang::En) => "Reporting unit",
        (Period, Lang::Zh) => "报告期",
        (Period, Lang::En) => "Report period",
        (BatchPeriod, Lang::Zh) => "本批次报告期",
        (BatchPeriod, Lang::En) => "Batch period",
        (Received, Lang::Zh) => "接收时间",
        (Received, Lang::En) => "Received",
        (Verdict, Lang::Zh) => "审核结论",
        (Verdict, Lang::En) => "Verdict",
        (Archive, Lang::Zh) => "入库情况",
        (Archive, Lang::En) => "Archive",
        (Counts, Lang::Zh) => "问题统计",
        (Counts, Lang::En) => "Findings",
        (Accepted, Lang::Zh) => "已受理",
        (Accepted, Lang::En) => "Accepted",
        (HeldVerdict, Lang::Zh) => "待核实 — 已入库，暂不计入统计；请说明情况或改正后重新报送",
        (HeldVerdict, Lang::En) => "Held for verification — archived, not counted for now; explain the figures or correct and resend",
        (Rejected, Lang::Zh) => "未通过审核 — 请修改后重新报送",
        (Rejected, Lang::En) => "Not accepted — please correct the return and send it again",
        (NotRecognised, Lang::Zh) => "未能识别",
        (NotRecognised, Lang::En) => "not recognised",
        (Guide, Lang::Zh) => "下表列出审核发现的全部问题（错误须修改后重新报送；警告请核实；提示仅供参考）。报表各工作表附在本页之后：标红的单元格为错误，标黄的为警告，标蓝的为提示，鼠标移到单元格上可查看批注；点击“单元格”列可跳转到该单元格。",
        (Guide, Lang::En) => "The table lists every finding (errors must be fixed and the return sent again; check warnings; notes are for information). The return's own sheets follow this one: cells in red are errors, yellow warnings, blue notes; hover over a cell to read its note, or click the Cell column to jump to it.",
        (NoSheets, Lang::Zh) => "文件无法作为电子表格读取，因此未附原表。",
        (NoSheets, Lang::En) => "The file could not be read as a spreadsheet, so its sheets are not reproduced.",
        (SheetsChanged, Lang::Zh) => "文件在审核后已被改动或移走，因此未附原表。",
        (SheetsChanged, Lang::En) => "The file changed or moved after it was checked, so its sheets are not reproduced.",
        (CleanGuide, Lang::Zh) => "审核未发现任何问题，报表已受理；没有需要标注的单元格，故不附原表。",
        (CleanGuide, Lang::En) => "The check found nothing; the return is accepted. With no cell to mark, its sheets are not reproduced.",
        (NoFindings, Lang::Zh) => "未发现问题。",
        (NoFindings, Lang::En) => "No problems found.",
        (ColNo, Lang::Zh) => "序号",
        (ColNo, Lang::En) => "No.",
        (ColLevel, Lang::Zh) => "级别",
        (ColLevel, Lang::En) => "Level",
        (ColSheet, Lang::Zh) => "工作表",
        (ColSheet, Lang::En) => "Sheet",
        (ColCell, Lang::Zh) => "单元格",
        (ColCell, Lang::En) => "Cell",
        (ColValue, Lang::Zh) => "发现的值",
        (ColValue, Lang::En) => "Value found",
        (ColProblem, Lang::Zh) => "问题",
        (ColProblem, Lang::En) => "Problem",
        (ColFix, Lang::Zh) => "怎么改",
        (ColFix, Lang::En) => "How to fix",
        (ColCode, Lang::Zh) => "代码",
        (ColCode, Lang::En) => "Code",
        (WholeFile, Lang::Zh) => "整个文件",
        (WholeFile, Lang::En) => "whole file",
        (WholeSheet, Lang::Zh) => "整张表",
        (WholeSheet, Lang::En) => "whole sheet",
        (Error, Lang::Zh) => "错误",
        (Error, Lang::En) => "Error",
        (Warning, Lang::Zh) => "警告",
        (Warning, Lang::En) => "Warning",
        (Hold, Lang::Zh) => "待核实",
        (Hold, Lang::En) => "To verify",
        (Info, Lang::Zh) => "提示",
        (Info, Lang::En) => "Note",
        (FixPrefix, Lang::Zh) => "怎么改：",
        (FixPrefix, Lang::En) => "How to fix: ",
        (BeijingTime, Lang::Zh) => "（北京时间）",
        (BeijingTime, Lang::En) => " (Beijing time, UTC+8)",
        (Footer, Lang::Zh) => "&C第 &P 页 / 共 &N 页",
        (Footer, Lang::En) => "&CPage &P of &N",
    }
}

/// The place of a finding about a whole row: `第7行` / `row 7` (one-based).
pub fn receipt_row(row_one_based: u32, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("第{row_one_based}行"),
        Lang::En => format!("row {row_one_based}"),
    }
}

/// A report period as a receipt shows it: `2025年6月` / `2025-06`.
pub fn receipt_period(p: crate::model::Period, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{}年{}月", p.year, p.month),
        Lang::En => p.to_string(),
    }
}

/// The counts line of a receipt.
pub fn receipt_counts([errors, holds, warnings, notes]: [usize; 4], lang: Lang) -> String {
    // Findings to verify are named only when there are some: most returns have none.
    match (lang, holds) {
        (Lang::Zh, 0) => format!("错误 {errors} 个，警告 {warnings} 个，提示 {notes} 个"),
        (Lang::Zh, _) => {
            format!("错误 {errors} 个，待核实 {holds} 个，警告 {warnings} 个，提示 {notes} 个")
        }
        (Lang::En, 0) => format!("{errors} errors, {warnings} warnings, {notes} notes"),
        (Lang::En, _) => {
            format!("{errors} errors, {holds} to verify, {warnings} warnings, {notes} notes")
        }
    }
}

/// The line under a check or ingest report that says where the receipts went.
pub fn receipts_written(count: usize, folders: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("回执：已写入 {count} 份，位于 {folders}"),
        Lang::En => format!("Receipts: {count} written to {folders}"),
    }
}

/// A receipt that could not be written.
pub fn receipt_not_written(path: &str, problem: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("无法写入回执 {path}：{problem}"),
        Lang::En => format!("cannot write the receipt {path}: {problem}"),
    }
}

/// The error that ends a run in which some receipts could not be written.
pub fn receipts_failed(failed: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{failed} 份回执未能写入（审核结果已在上方列出）"),
        Lang::En => {
            format!("{failed} receipts could not be written (the results are listed above)")
        }
    }
}

/// Receipt file and folder names. They stay Chinese whatever `--lang` says, so that a
/// run in English replaces the unit's receipt instead of writing a second one beside it.
pub mod receipt_names {
    /// Ends every receipt's file name: `巴南区-回执.xlsx`.
    pub const SUFFIX: &str = "-回执.xlsx";
    /// Starts the name of a receipt whose unit could not be recognised.
    pub const UNKNOWN_UNIT: &str = "未识别单位";
    /// The folder of receipts whose period is unknown.
    pub const UNKNOWN_PERIOD: &str = "未知报告期";
    /// Between unit and suffix on the receipt of a rejected resubmission while an earlier
    /// version stands: `巴南区-第3版未通过-回执.xlsx` (`{}` is the version).
    pub fn rejected_version(version: i64) -> String {
        format!("-第{version}版未通过")
    }
}

/// A receipt written late: its file was archived earlier, but its receipt never written.
pub fn receipt_written_late(path: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("补写回执 {path}（该文件此前已入库，但回执未写成）"),
        Lang::En => format!("receipt written late: {path} (the file was archived before, its receipt never written)"),
    }
}

/// The text of a cell note on a reproduced sheet: `【错误】问题` then `怎么改：…`.
pub fn receipt_note(severity: &str, message: &str, hint: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("【{severity}】{message}\n怎么改：{hint}"),
        Lang::En => format!("[{severity}] {message}\nHow to fix: {hint}"),
    }
}

/// What the archive did with a rejected return, as its receipt says it.
pub fn receipt_kept_on_file(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "已存档备查（未通过审核，不计入统计）",
        Lang::En => "kept on file for the record (not accepted, not counted)",
    }
}

/// A roster unit as a receipt names it: `巴南区（500113）`.
pub fn receipt_unit(name: &str, code: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{name}（{code}）"),
        Lang::En => format!("{name} ({code})"),
    }
}

// ---------------------------------------------------------------------------------------
// `tongbao watch`
// ---------------------------------------------------------------------------------------

/// The first line of `watch`: what is watched and how to stop.
pub fn watch_started(dir: &str, settle: f64, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "正在监视 {dir}：文件放入后保持 {settle} 秒不变即受理；按 Ctrl-C 停止"
        ),
        Lang::En => format!(
            "watching {dir}: a file is taken once it has stayed unchanged for {settle} s; Ctrl-C stops"
        ),
    }
}

/// One line per file taken by `watch`.
#[allow(clippy::too_many_arguments)]
pub fn watch_line(
    time: &str,
    file: &str,
    who: &str,
    verdict: crate::model::Verdict,
    errors: usize,
    warnings: usize,
    archive: &str,
    receipt: Option<&str>,
    lang: Lang,
) -> String {
    let verdict = ui(
        match verdict {
            crate::model::Verdict::Accepted => Ui::Accepted,
            crate::model::Verdict::Held => Ui::Held,
            crate::model::Verdict::Rejected => Ui::Rejected,
        },
        lang,
    );
    match lang {
        Lang::Zh => {
            let mut counts = String::new();
            if errors > 0 {
                counts.push_str(&format!("，{errors}{}", ui(Ui::Errors, lang)));
            }
            if warnings > 0 {
                counts.push_str(&format!("，{warnings}{}", ui(Ui::Warnings, lang)));
            }
            format!(
                "{time} {file} → {who}：{verdict}{counts}；{archive}{}",
                receipt.map_or_else(String::new, |r| format!("；回执 {r}"))
            )
        }
        Lang::En => format!(
            "{time} {file} → {who}: {verdict}{}; {archive}{}",
            finding_counts_en(errors, 0, warnings)
                .iter()
                .map(|c| format!(", {c}"))
                .collect::<String>(),
            receipt.map_or_else(String::new, |r| format!("; receipt {r}"))
        ),
    }
}

/// "1 error", "2 warnings": a file's findings counted in English, the nonzero ones.
pub fn finding_counts_en(errors: usize, holds: usize, warnings: usize) -> Vec<String> {
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut out = Vec::new();
    if errors > 0 {
        out.push(count(errors, "error", "errors"));
    }
    if holds > 0 {
        out.push(count(holds, "finding to verify", "findings to verify"));
    }
    if warnings > 0 {
        out.push(count(warnings, "warning", "warnings"));
    }
    out
}

/// A file `watch` could not take (the archive was busy, a receipt could not be written).
pub fn watch_failed(time: &str, file: &str, problem: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{time} {file} → 未能处理：{problem}"),
        Lang::En => format!("{time} {file} → not taken: {problem}"),
    }
}

/// Files already in the archive when `watch` started, left alone.
pub fn watch_skipped(count: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("收件箱中已有 {count} 个文件此前已受理，不再重复处理"),
        Lang::En => format!("{count} file(s) in the inbox were taken before; left alone"),
    }
}

/// The last line of `watch`.
pub fn watch_stopped(taken: usize, [accepted, held, rejected]: [usize; 3], lang: Lang) -> String {
    // The held count is named only when there is one, as in the batch summary.
    match (lang, held) {
        (Lang::Zh, 0) => {
            format!("已停止监视：本次处理 {taken} 个文件，通过 {accepted} 个，未通过 {rejected} 个")
        }
        (Lang::Zh, _) => format!(
            "已停止监视：本次处理 {taken} 个文件，通过 {accepted} 个，待核实 {held} 个，未通过 {rejected} 个"
        ),
        (Lang::En, 0) => format!(
            "stopped watching: {taken} file(s) taken, {accepted} accepted, {rejected} rejected"
        ),
        (Lang::En, _) => format!(
            "stopped watching: {taken} file(s) taken, {accepted} accepted, {held} held, {rejected} rejected"
        ),
    }
}

/// `watch` on a folder that is not there.
pub fn watch_no_folder(dir: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("收件箱文件夹 {dir} 不存在"),
        Lang::En => format!("the inbox folder {dir} does not exist"),
    }
}

// ---------------------------------------------------------------------------------------
// `tongbao explain`: every ledger row behind a figure.
// ---------------------------------------------------------------------------------------

/// The error when `--figure` names no figure key; `known` is every key.
pub fn explain_unknown_figure(given: &str, known: &[String], lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("没有指标“{given}”；可用的指标：{}", known.join("、")),
        Lang::En => format!("no figure {given:?}; the figures are: {}", known.join(", ")),
    }
}

/// The error when `--unit` names no roster unit; `roster` is every unit's name.
pub fn explain_unknown_unit(given: &str, roster: &[&str], lang: Lang) -> String {
    const SHOWN: usize = 40;
    let shown = roster.iter().take(SHOWN).copied().collect::<Vec<_>>();
    let more = roster.len().saturating_sub(SHOWN);
    match lang {
        Lang::Zh => format!(
            "名册中没有单位“{given}”；名册中的单位：{}{}",
            shown.join("、"),
            if more > 0 {
                format!(" 等 {} 个", roster.len())
            } else {
                String::new()
            }
        ),
        Lang::En => format!(
            "no unit {given:?} on the roster; the roster has: {}{}",
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ),
    }
}

/// The error when the period (or the unit asked for) has no accepted return.
pub fn explain_nothing_accepted(
    period: crate::model::Period,
    unit: Option<&str>,
    lang: Lang,
) -> String {
    match (unit, lang) {
        (None, Lang::Zh) => format!(
            "{}年{}月没有已通过审核的报表，无可溯源的指标；请先用 tongbao ingest 入库报表，或用 tongbao status 查看报送情况",
            period.year, period.month
        ),
        (None, Lang::En) => format!(
            "no accepted return for {period}: nothing to explain; ingest returns first (tongbao ingest), or see tongbao status"
        ),
        (Some(u), Lang::Zh) => format!(
            "{u} 没有 {}年{}月 已通过审核的报表，无可溯源的指标；可用 tongbao status --period {period} 查看报送情况",
            period.year, period.month
        ),
        (Some(u), Lang::En) => format!(
            "{u} has no accepted return for {period}: nothing to explain; see tongbao status --period {period}"
        ),
    }
}

/// Fixed words of `tongbao explain`'s report.
#[derive(Debug, Clone, Copy)]
pub enum ExplainText {
    /// The heading of the report.
    Heading,
    /// A unit's file: before its name and version.
    Version,
    /// Sum of one unit's rows.
    Subtotal,
    /// No row adds to the figure.
    NoRows,
    /// The return does not state the figure (its ledger lacks the column).
    NotReported,
    /// In place of a sum the return does not state.
    Unstated,
    /// The place of a row whose sheet was not kept.
    RowOnly,
    Month,
}

pub fn explain_text(key: ExplainText, lang: Lang) -> &'static str {
    use ExplainText::*;
    match (key, lang) {
        (Heading, Lang::Zh) => "指标溯源",
        (Heading, Lang::En) => "where the figures come from",
        (Version, Lang::Zh) => "版",
        (Version, Lang::En) => "version",
        (Subtotal, Lang::Zh) => "小计",
        (Subtotal, Lang::En) => "sum",
        (NoRows, Lang::Zh) => "（无计入的行）",
        (NoRows, Lang::En) => "(no row counts)",
        (NotReported, Lang::Zh) => "未报：报表的项目明细中没有该指标的列，不计入合计",
        (NotReported, Lang::En) => {
            "not reported: the return's ledger has no column for this figure; not in the total"
        }
        (Unstated, Lang::Zh) => "未报",
        (Unstated, Lang::En) => "not reported",
        (RowOnly, Lang::Zh) => "行",
        (RowOnly, Lang::En) => "row",
        (Month, Lang::Zh) => "本月",
        (Month, Lang::En) => "month",
    }
}

/// The year-to-date span as the report names it: `1—6月累计` / `year to date`.
pub fn explain_ytd(period: crate::model::Period, lang: Lang) -> String {
    match lang {
        Lang::Zh if period.month == 1 => "1月累计".to_string(),
        Lang::Zh => format!("1—{}月累计", period.month),
        Lang::En => "year to date".to_string(),
    }
}

/// The unit of a figure's values: `万元` / `10k CNY`.
pub fn explain_unit(unit: &str, lang: Lang) -> &str {
    match (lang, unit) {
        (Lang::Zh, u) => u,
        (Lang::En, "万元") => "10k CNY",
        (Lang::En, "万美元") => "10k USD",
        (Lang::En, _) => "count",
    }
}

/// A value with its unit: `67000.00 万元`, `3 个` / `67000.00 (10k CNY)`, `3`.
pub fn explain_value(value: &str, unit: &str, lang: Lang) -> String {
    match (lang, unit) {
        (Lang::Zh, _) => format!("{value} {unit}"),
        (Lang::En, "万元" | "万美元") => format!("{value} ({})", explain_unit(unit, lang)),
        (Lang::En, _) => value.to_string(),
    }
}

/// The closing line of a figure's section: the sums over every unit listed.
pub fn explain_total(month: &str, ytd_label: &str, ytd: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("合计：本月 {month}；{ytd_label} {ytd}"),
        Lang::En => format!("total: month {month}; {ytd_label} {ytd}"),
    }
}

/// Why the archive could not be used, what was (not) stored, and what to do; `backups` is
/// the workspace's backups folder, `unit_name` a unit's roster name by code.
pub fn archive_error(
    e: &crate::archive::ArchiveError,
    lang: Lang,
    backups: &std::path::Path,
    unit_name: &dyn Fn(&str) -> Option<String>,
) -> String {
    use crate::archive::ArchiveError as E;
    use rusqlite::ErrorCode as C;
    let zh = lang == Lang::Zh;
    // "Restore from the newest backup": name it when there is one.
    let restore = |path: &std::path::Path| match crate::archive::backup::newest(backups, path) {
        Some(newest) if zh => format!(
            "从最新备份恢复：将 {} 复制为 {}",
            newest.display(),
            path.display()
        ),
        Some(newest) => format!(
            "restore the newest backup: copy {} to {}",
            newest.display(),
            path.display()
        ),
        None if zh => format!(
            "从最新备份恢复（备份文件夹 {} 中暂无备份）",
            backups.display()
        ),
        None => format!(
            "restore it from your newest backup (the backups folder {} holds none)",
            backups.display()
        ),
    };
    let nothing_written = if zh {
        "本命令未输出任何文件"
    } else {
        "no output file was written"
    };
    match e {
        E::Missing { path } if zh => format!(
            "档案库 {} 不存在，{nothing_written}。请先运行 tongbao ingest 入库报表；如档案库本应有数据，请{}",
            path.display(),
            restore(path)
        ),
        E::Missing { path } => format!(
            "there is no archive at {}; {nothing_written}. Run `tongbao ingest` first; if the archive should hold returns, {}",
            path.display(),
            restore(path)
        ),
        E::Empty { path } if zh => format!(
            "档案库 {} 是空的（0 字节或没有数据表），可能已被清空或损坏，{nothing_written}。请先运行 tongbao ingest 入库报表；如档案库本应有数据，请{}",
            path.display(),
            restore(path)
        ),
        E::Empty { path } => format!(
            "the archive {} is empty (0 bytes or no tables): it may have been wiped or damaged; {nothing_written}. Run `tongbao ingest` first; if the archive should hold returns, {}",
            path.display(),
            restore(path)
        ),
        E::Lost { path, newest } if zh => format!(
            "档案库 {} 不存在或是空的，但备份文件夹中有它的备份（最新：{}）；为免在丢失的档案库上另起新库，本次未入库任何文件。请将最新备份复制为 {} 后重试；确要新建档案库，请先移走备份文件夹 {}",
            path.display(),
            newest.display(),
            path.display(),
            backups.display()
        ),
        E::Lost { path, newest } => format!(
            "the archive {} is missing or empty, but the backups folder holds copies of it (newest: {}); nothing was stored, so that a fresh archive is not started over the lost one. Copy the newest backup to {} and try again; to start a new archive on purpose, move the backups folder {} away first",
            path.display(),
            newest.display(),
            path.display(),
            backups.display()
        ),
        E::Mismatch {
            path,
            unit_code,
            period,
            version,
            file_name,
        } => {
            let code = unit_code.as_deref().unwrap_or("?");
            let unit = match unit_name(code) {
                Some(name) => format!("{name}（{code}）"),
                None => code.to_string(),
            };
            let period = period.map_or_else(|| "?".to_string(), |p| p.to_string());
            let version = version.map_or_else(|| "?".to_string(), |v| v.to_string());
            if zh {
                format!(
                    "档案库 {} 中 {unit} {period} 第 {version} 版报表（{file_name}）的数据与入库时的校验和不符：档案库已被改动或损坏，{nothing_written}。请运行 tongbao verify 查看全部不符之处，并{}",
                    path.display(),
                    restore(path)
                )
            } else {
                format!(
                    "in the archive {}, the return of {unit} for {period}, version {version} ({file_name}) no longer matches the checksum stored with it: the archive was altered or damaged; {nothing_written}. Run `tongbao verify` to see every mismatch, and {}",
                    path.display(),
                    restore(path)
                )
            }
        }
        E::Busy { path, waited } if zh => format!(
            "档案库 {} 正被另一个 tongbao 进程写入，等待 {waited} 秒后仍未释放；未做任何改动，请等它结束后重试",
            path.display()
        ),
        E::Busy { path, waited } => format!(
            "the archive {} is in use by another tongbao process (waited {waited} s); nothing was changed: try again when it has finished",
            path.display()
        ),
        E::TooNew {
            path,
            found,
            supported,
        } if zh => format!(
            "档案库 {} 的版本（{found}）比本程序支持的（{supported}）新；未做任何改动，请升级 tongbao",
            path.display()
        ),
        E::TooNew {
            path,
            found,
            supported,
        } => format!(
            "the archive {} has schema version {found}, newer than this tongbao supports ({supported}); nothing was changed: upgrade tongbao",
            path.display()
        ),
        E::Lock { path, source } if zh => format!(
            "无法使用档案库锁文件 {}（{source}）；未做任何改动，请检查该文件夹是否可写",
            path.display()
        ),
        E::Lock { path, source } => format!(
            "cannot use the archive's lock file {} ({source}); nothing was changed: check that the folder is writable",
            path.display()
        ),
        E::Backup { path, source } if zh => format!(
            "无法写入备份 {}（{source}）；档案库未被改动",
            path.display()
        ),
        E::Backup { path, source } => format!(
            "cannot write the backup {} ({source}); the archive was not changed",
            path.display()
        ),
        E::Corrupt(detail) if zh => format!(
            "档案库中的数据无法读取（{detail}），{nothing_written}。请运行 tongbao verify 检查，必要时从最新备份恢复（备份文件夹 {}）",
            backups.display()
        ),
        E::Corrupt(detail) => format!(
            "unreadable data in the archive ({detail}); {nothing_written}. Run `tongbao verify`, and if need be restore the newest backup (backups folder {})",
            backups.display()
        ),
        E::Sql { path, source } => {
            let code = source.sqlite_error_code();
            let p = path.display();
            let rolled_back = if zh {
                "正在进行的写入已整体撤销，档案库保持上一次完整写入后的状态"
            } else {
                "the write in progress was rolled back whole; the archive is as it was after the last complete write"
            };
            match (code, zh) {
                (Some(C::DiskFull), true) => format!(
                    "磁盘已满，档案库 {p} 无法写入：{rolled_back}，{nothing_written}。请腾出磁盘空间后重试"
                ),
                (Some(C::DiskFull), false) => format!(
                    "the disk is full: the archive {p} cannot be written; {rolled_back}; {nothing_written}. Free some space and try again"
                ),
                (Some(C::NotADatabase | C::DatabaseCorrupt), true) => format!(
                    "档案库 {p} 已损坏（{source}），无法使用，{nothing_written}。请{}；之后可运行 tongbao verify 检查",
                    restore(path)
                ),
                (Some(C::NotADatabase | C::DatabaseCorrupt), false) => format!(
                    "the archive {p} is damaged ({source}) and cannot be used; {nothing_written}. {}; then run `tongbao verify`",
                    restore(path)
                ),
                (Some(C::DatabaseBusy | C::DatabaseLocked), true) => format!(
                    "档案库 {p} 正被其他程序锁定，未做任何改动，{nothing_written}。请关闭正在使用它的程序后重试"
                ),
                (Some(C::DatabaseBusy | C::DatabaseLocked), false) => format!(
                    "the archive {p} is locked by another program; nothing was changed and {nothing_written}. Close the program using it and try again"
                ),
                (Some(C::ReadOnly | C::CannotOpen | C::PermissionDenied), true) => format!(
                    "档案库 {p} 只读或无法打开（{source}），未做任何改动，{nothing_written}。请检查该文件及其文件夹的权限后重试"
                ),
                (Some(C::ReadOnly | C::CannotOpen | C::PermissionDenied), false) => format!(
                    "the archive {p} is read-only or cannot be opened ({source}); nothing was changed and {nothing_written}. Check the permissions of the file and its folder"
                ),
                (_, true) => format!(
                    "档案库 {p} 出错（{source}）：{rolled_back}，{nothing_written}。如反复出现，请运行 tongbao verify，必要时{}",
                    restore(path)
                ),
                (_, false) => format!(
                    "archive {p}: {source}; {rolled_back}; {nothing_written}. If it happens again, run `tongbao verify`, and if need be {}",
                    restore(path)
                ),
            }
        }
    }
}
/// The line `build` prints when the bulletin is made.
pub fn built(period: crate::model::Period, counts: [usize; 4], lang: Lang) -> String {
    let [accepted, held, rejected, missing] = counts;
    match lang {
        Lang::Zh => format!("已生成 {period} 通报：{accepted} 个单位已报送，{held} 个待核实，{rejected} 个未通过审核，{missing} 个未报送"),
        Lang::En => format!("built the {period} bulletin: {accepted} units accepted, {held} held for verification, {rejected} rejected, {missing} missing"),
    }
}

/// The line `brief` prints when the briefing is written: its subject, its span (`label`
/// in Chinese, `from`–`to`), pages, and how many of its units have a return.
pub fn briefed(
    subject: &str,
    (label, from, to): (&str, crate::model::Period, crate::model::Period),
    pages: usize,
    [reported, units]: [usize; 2],
    lang: Lang,
) -> String {
    match lang {
        Lang::Zh => format!(
            "已生成简报：{subject}，{label}，{pages} 页；{reported}/{units} 个单位有截至{}月的报表",
            to.month
        ),
        Lang::En => format!(
            "briefing written: {subject}, {from} to {to}, {pages} page(s); {reported}/{units} units have a return for {to}"
        ),
    }
}

/// `check`/`ingest` given no file (folders empty or only hidden files).
pub fn no_files_to_check(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "没有找到要检查的文件",
        Lang::En => "no files to check",
    }
}

/// One line saying what happened to a file in the archive.
pub fn filed_line(o: &Filed, verdict: Verdict, lang: Lang) -> String {
    let line = filed_store(o, verdict, lang);
    match (verdict, o.stands, lang) {
        (Verdict::Held, _, Lang::Zh) => format!("{line}；待核实，暂不计入统计"),
        (Verdict::Held, _, Lang::En) => {
            format!("{line}; held for verification, not counted for now")
        }
        // A rejected resubmission: the version that still counts is named, so nobody
        // reads the rejection as the unit having no return.
        (Verdict::Rejected, Some(v), Lang::Zh) => format!("{line}；已入库的第 {v} 版仍然有效"),
        (Verdict::Rejected, Some(v), Lang::En) => {
            format!("{line}; archived version {v} still stands")
        }
        _ => line,
    }
}

fn filed_store(o: &Filed, verdict: Verdict, lang: Lang) -> String {
    let v = |n: Option<i64>| n.map_or_else(String::new, |n| n.to_string());
    match (o.stored, lang) {
        // A rejected return is stored only for the record; "已入库（第 1 版）" would read as
        // accepted to the county.
        (FiledAs::New | FiledAs::Superseded, _) if verdict == Verdict::Rejected => {
            receipt_kept_on_file(lang).to_string()
        }
        (FiledAs::Resent, Lang::Zh) => format!(
            "与第 {} 版相同，作为第 {} 版重新入库{}",
            v(o.same_as),
            v(o.version),
            o.replaces
                .map_or_else(String::new, |r| format!("，替代第 {r} 版"))
        ),
        (FiledAs::Resent, Lang::En) => format!(
            "the same as version {}, archived again as version {}{}",
            v(o.same_as),
            v(o.version),
            o.replaces
                .map_or_else(String::new, |r| format!(", replacing version {r}"))
        ),
        (FiledAs::New, Lang::Zh) if o.version.is_some() => {
            format!("已入库（第 {} 版）", v(o.version))
        }
        (FiledAs::New, Lang::Zh) => "已存档（未能确定单位或报告期）".into(),
        (FiledAs::New, Lang::En) if o.version.is_some() => {
            format!("archived (version {})", v(o.version))
        }
        (FiledAs::New, Lang::En) => "archived (unit or period unknown)".into(),
        (FiledAs::Superseded, Lang::Zh) => format!(
            "已入库（第 {} 版，替代第 {} 版）",
            v(o.version),
            v(o.replaces)
        ),
        (FiledAs::Superseded, Lang::En) => format!(
            "archived (version {}, replaces version {})",
            v(o.version),
            v(o.replaces)
        ),
        (FiledAs::Duplicate, Lang::Zh) => {
            format!("与已入库的第 {} 版完全相同，未重复入库", v(o.version))
        }
        (FiledAs::Duplicate, Lang::En) => format!(
            "identical to archived version {}; not stored again",
            v(o.version)
        ),
        (_, Lang::Zh) => "未入库（文件无法读取）".into(),
        (_, Lang::En) => "not archived (the file could not be read)".into(),
    }
}
