//! Every diagnostic's message and hint, one table per language.
//!
//! Templates name their facts in braces: `{value}` is the value found, `{row}` the
//! one-based row, and any other name is an argument the diagnostic carries; English text
//! takes the argument `NAME_en` first, where one worded in Chinese has an English wording.
//! `{detail}` of `E-FILE-TRUNCATED` is its [`Damage`], worded here (`catalogue/damage.rs`).

mod damage;

use super::{Code, Damage, Diagnostic};
use crate::lang::Lang;

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
            // A damage is worded here, in the reader's language; a finding stored before
            // damages were kept as data has its detail already worded.
            "detail" if d.code == Code::FileTruncated => find_arg(d, super::damage::ARG)
                .as_deref()
                .and_then(Damage::from_arg)
                .map(|damage| self::damage(&damage, lang))
                .or_else(|| find_arg(d, "detail")),
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

fn find_arg(d: &Diagnostic, key: &str) -> Option<String> {
    d.args
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
}

/// What is damaged in a file (the `{detail}` of `E-FILE-TRUNCATED`), in `lang`.
pub fn damage(d: &Damage, lang: Lang) -> String {
    match lang {
        Lang::Zh => damage::zh(d),
        Lang::En => damage::en(d),
    }
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
        TextTooLong => (
            "“{column}”有 {length} 个字符，超过 Excel 一个单元格能容纳的 {limit} 个：“{value}”",
            "请精简第 {row} 行的“{column}”后重新报送（说明性文字请另附）",
        ),
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
        CarriedVanished => (
            "上年结转项目“{project}”在{period}的报表（{file}）中尚未投产或终止，本月未出现",
            "上年签约、尚未投产的项目应逐月填报（结转项目），直到项目进展为“已投产”或备注注明“终止”；请补列该项目，或在备注中注明已终止、已投产后重新报送",
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
        TextTooLong => (
            "\"{column}\" has {length} characters, more than the {limit} one Excel cell holds: \"{value}\"",
            "shorten \"{column}\" in row {row} and send the return again (put explanations in a separate document)",
        ),
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
        CarriedVanished => (
            "project \"{project}\", carried over from an earlier year and neither in production nor terminated in the return for {period} ({file}), is missing from this one",
            "a project signed in an earlier year stays in the ledger (结转项目) until its 项目进展 is 已投产 or its 备注 says 终止: list it again, or say in 备注 that it was terminated or is in production, and resend",
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
