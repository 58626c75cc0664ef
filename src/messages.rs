//! The wording of the program's output outside diagnostics, in both languages: command
//! output (batch summaries, watch lines, explain, build and brief), the blank form and its
//! instructions, and receipts. A diagnostic's message and hint are `diag::catalogue`'s;
//! archive errors are `archive`'s own.
use crate::model::{Filed, FiledAs, Verdict};

use crate::lang::Lang;

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

/// The receipt's line saying a long sheet is copied abridged.
pub fn receipt_abridged(sheet: &str, rows: u32, head: u32, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "工作表“{sheet}”共 {rows} 行，回执只抄录前 {head} 行和有问题的行，行号与原表相同。"
        ),
        Lang::En => format!(
            "Sheet \"{sheet}\" has {rows} rows: the receipt copies its first {head} rows and the rows with a finding, each at its own row number."
        ),
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

// ---------------------------------------------------------------------------------------
// `tongbao projects`: the project register (项目库) and one project's history.
// ---------------------------------------------------------------------------------------

/// Fixed words of `tongbao projects`: column titles and fill-ins.
#[derive(Debug, Clone, Copy)]
pub enum ProjectsText {
    Id,
    Unit,
    Name,
    Investor,
    Industry,
    Contract,
    FirstReported,
    Signed,
    Started,
    InProduction,
    FundsInPlace,
    Stage,
    LastFile,
    MonthsSigned,
    Period,
    File,
    Row,
    FundsMonth,
    FundsYtd,
    Note,
    MatchedBy,
    /// A figure the return does not state.
    Unstated,
    /// No date, no period.
    Nothing,
    /// After a project no longer in its unit's latest return.
    NotCurrent,
    Reason,
    /// The months a follow-up rule counts.
    Months,
    MonthsOverdue,
    CohortSigned,
    StartRate,
    ProductionRate,
    MedianMonthsToStart,
    /// The whole area in English (Chinese uses `[bulletin] region`).
    Area,
}

pub fn projects_text(key: ProjectsText, lang: Lang) -> &'static str {
    use ProjectsText::*;
    match (key, lang) {
        (Id, Lang::Zh) => "项目ID",
        (Id, Lang::En) => "id",
        (Unit, Lang::Zh) => "单位",
        (Unit, Lang::En) => "unit",
        (Name, Lang::Zh) => "项目名称",
        (Name, Lang::En) => "project",
        (Investor, Lang::Zh) => "投资方",
        (Investor, Lang::En) => "investor",
        (Industry, Lang::Zh) => "产业类别",
        (Industry, Lang::En) => "industry",
        (Contract, Lang::Zh) => "合同投资额（万元）",
        (Contract, Lang::En) => "contract (10k CNY)",
        (FirstReported, Lang::Zh) => "首次报送",
        (FirstReported, Lang::En) => "first reported",
        (Signed, Lang::Zh) => "签约日期",
        (Signed, Lang::En) => "signed",
        (Started, Lang::Zh) => "开工日期",
        (Started, Lang::En) => "started",
        (InProduction, Lang::Zh) => "投产",
        (InProduction, Lang::En) => "in production",
        (FundsInPlace, Lang::Zh) => "累计到位资金（万元）",
        (FundsInPlace, Lang::En) => "funds in place (10k CNY)",
        (Stage, Lang::Zh) => "项目进展",
        (Stage, Lang::En) => "stage",
        (LastFile, Lang::Zh) => "最近报送文件",
        (LastFile, Lang::En) => "last reported in",
        (MonthsSigned, Lang::Zh) => "签约月数",
        (MonthsSigned, Lang::En) => "months since signing",
        (Period, Lang::Zh) => "报告期",
        (Period, Lang::En) => "period",
        (File, Lang::Zh) => "文件",
        (File, Lang::En) => "file",
        (Row, Lang::Zh) => "行",
        (Row, Lang::En) => "row",
        (FundsMonth, Lang::Zh) => "本月到位（万元）",
        (FundsMonth, Lang::En) => "funds, month (10k CNY)",
        (FundsYtd, Lang::Zh) => "本年累计到位（万元）",
        (FundsYtd, Lang::En) => "funds, year to date (10k CNY)",
        (Note, Lang::Zh) => "备注",
        (Note, Lang::En) => "note",
        (MatchedBy, Lang::Zh) => "识别依据",
        (MatchedBy, Lang::En) => "matched by",
        (Unstated, Lang::Zh) => "未报",
        (Unstated, Lang::En) => "not reported",
        (Nothing, _) => "—",
        (NotCurrent, Lang::Zh) => "（已不在最近一期报表中）",
        (NotCurrent, Lang::En) => " (not in its unit's latest return)",
        (Reason, Lang::Zh) => "督办事由",
        (Reason, Lang::En) => "reason",
        (Months, Lang::Zh) => "月数",
        (Months, Lang::En) => "months",
        (MonthsOverdue, Lang::Zh) => "超期月数",
        (MonthsOverdue, Lang::En) => "months overdue",
        (CohortSigned, Lang::Zh) => "签约项目",
        (CohortSigned, Lang::En) => "signed",
        (StartRate, Lang::Zh) => "开工率",
        (StartRate, Lang::En) => "start rate",
        (ProductionRate, Lang::Zh) => "投产率",
        (ProductionRate, Lang::En) => "production rate",
        (MedianMonthsToStart, Lang::Zh) => "签约至开工月数（中位数）",
        (MedianMonthsToStart, Lang::En) => "median months to start",
        (Area, Lang::Zh) => "全市",
        (Area, Lang::En) => "whole area",
    }
}

/// Why a project is on the follow-up list.
pub fn follow_up_reason_label(
    r: crate::aggregate::register::FollowUpReason,
    lang: Lang,
) -> &'static str {
    use crate::aggregate::register::FollowUpReason::*;
    match (r, lang) {
        (Stalled, Lang::Zh) => "签约超期未开工",
        (Stalled, Lang::En) => "signed, not started",
        (NoFunds, Lang::Zh) => "已开工无到位资金",
        (NoFunds, Lang::En) => "started, no funds in place",
        (Vanished, Lang::Zh) => "项目消失（未说明终止或已投产）",
        (Vanished, Lang::En) => "gone without 终止 or 已投产 in 备注",
    }
}

/// The first line of `--follow-up`.
pub fn projects_follow_up_heading(
    period: crate::model::Period,
    (stalled_months, no_funds_months): (u32, u32),
    count: usize,
    lang: Lang,
) -> String {
    match lang {
        Lang::Zh => format!(
            "截至{}年{}月的督办清单：{count} 个项目（签约满 {stalled_months} 个月未开工的亿元以上项目；已开工连续 {no_funds_months} 个月无到位资金的项目；从本单位最近一期报表中消失且备注未说明终止或已投产的项目）",
            period.year, period.month
        ),
        Lang::En => format!(
            "Follow-up list (督办清单) as of {period}: {count} projects (亿元以上 signed {stalled_months}+ months ago and not started; started with no funds in place for {no_funds_months} months; gone from their unit's latest return without 终止 or 已投产 in 备注)"
        ),
    }
}

/// The first line of `--conversion`: the cohort.
pub fn projects_conversion_heading(
    period: crate::model::Period,
    year: Option<i32>,
    (from, to): (crate::model::Period, crate::model::Period),
    lang: Lang,
) -> String {
    match (year, lang) {
        (Some(y), Lang::Zh) => format!(
            "{y}年签约项目截至{}年{}月的转化情况（签约月份 {from} 至 {to}）",
            period.year, period.month
        ),
        (None, Lang::Zh) => format!(
            "截至{}年{}月的 12 个月内签约项目的转化情况（签约月份 {from} 至 {to}）",
            period.year, period.month
        ),
        (Some(y), Lang::En) => format!(
            "Conversion as of {period} of the projects signed in {y} (signed {from} to {to})"
        ),
        (None, Lang::En) => format!(
            "Conversion as of {period} of the projects signed in the twelve months to it (signed {from} to {to})"
        ),
    }
}

/// 项目进展 in the reader's language.
pub fn stage_label(stage: crate::model::Stage, lang: Lang) -> &'static str {
    use crate::model::Stage::*;
    match (stage, lang) {
        (s, Lang::Zh) => s.label(),
        (Negotiating, Lang::En) => "negotiating",
        (Signed, Lang::En) => "signed",
        (Started, Lang::En) => "started",
        (InProduction, Lang::En) => "in production",
    }
}

/// How a report was recognised as the project's.
pub fn matched_by_label(m: crate::aggregate::register::MatchedBy, lang: Lang) -> &'static str {
    use crate::aggregate::register::MatchedBy::*;
    match (m, lang) {
        (First, Lang::Zh) => "首次报送",
        (First, Lang::En) => "first report",
        (Code, Lang::Zh) => "项目编号",
        (Code, Lang::En) => "项目编号",
        (Name, Lang::Zh) => "项目名称和投资方",
        (Name, Lang::En) => "name and investor",
        (FormerName, Lang::Zh) => "备注中的原名",
        (FormerName, Lang::En) => "former name in 备注",
    }
}

/// Why a row was listed for the clerk rather than matched.
pub fn ambiguity_label(a: crate::aggregate::register::Ambiguity, lang: Lang) -> &'static str {
    use crate::aggregate::register::Ambiguity::*;
    match (a, lang) {
        (SeveralCandidates, Lang::Zh) => "可能是以下多个项目中的任何一个",
        (SeveralCandidates, Lang::En) => "it could be any of several projects",
        (AlreadyTaken, Lang::Zh) => "对应的项目已被同一份报表的另一行占用",
        (AlreadyTaken, Lang::En) => "the project it fits is already another row of the same return",
        (OtherCode, Lang::Zh) => "项目名称和投资方与已有项目相同，但项目编号不同",
        (OtherCode, Lang::En) => "a project has the same name and investor but another 项目编号",
        (FormerNameOtherInvestor, Lang::Zh) => "备注中的原名是另一投资方的项目",
        (FormerNameOtherInvestor, Lang::En) => {
            "the former name in 备注 is a project of another investor"
        }
    }
}

/// The first line of the register: the period, how many projects, how many still reported.
pub fn projects_heading(
    period: crate::model::Period,
    total: usize,
    current: usize,
    lang: Lang,
) -> String {
    match lang {
        Lang::Zh => format!(
            "截至{}年{}月的项目库：{total} 个项目，其中 {current} 个在各单位最近一期报表中",
            period.year, period.month
        ),
        Lang::En => format!(
            "Project register as of {period}: {total} projects, {current} of them in their unit's latest return"
        ),
    }
}

/// The first line of `--stalled`.
pub fn projects_stalled_heading(
    period: crate::model::Period,
    months: u32,
    count: usize,
    lang: Lang,
) -> String {
    match lang {
        Lang::Zh => format!(
            "截至{}年{}月签约满 {months} 个月仍未开工的亿元以上项目（督办）：{count} 个",
            period.year, period.month
        ),
        Lang::En => format!(
            "亿元以上 projects signed {months} months or more before {period} and not started (督办): {count}"
        ),
    }
}

/// The heading of the rows listed for the clerk.
pub fn projects_ambiguous_heading(count: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("需经办人核对的行（无法确定是哪个项目，未自动合并，已单独登记）：{count} 行"),
        Lang::En => format!(
            "Rows for the clerk to check (which project they are is unclear; not merged, registered on their own): {count}"
        ),
    }
}

/// One row listed for the clerk: where it is, what it says, why, the candidates and the
/// id it was registered under.
pub fn projects_ambiguous_line(
    (period, unit, file, row): (crate::model::Period, &str, &str, u32),
    (name, investor): (&str, &str),
    reason: &str,
    candidates: &[String],
    registered_as: &str,
    lang: Lang,
) -> String {
    match lang {
        Lang::Zh => format!(
            "  {period} {unit} {file} 第 {row} 行「{name}」（{investor}）：{reason}：{}；已登记为 {registered_as}",
            candidates.join("、")
        ),
        Lang::En => format!(
            "  {period} {unit} {file} row {row} \"{name}\" ({investor}): {reason}: {}; registered as {registered_as}",
            candidates.join(", ")
        ),
    }
}

/// The first lines of `projects show`: the project, its unit, number and former names.
pub fn project_show_heading(
    id: &str,
    unit: &str,
    (name, investor, code): (&str, &str, Option<&str>),
    former_names: &[String],
    lang: Lang,
) -> String {
    let mut out = match lang {
        Lang::Zh => format!("项目 {id}：{unit} {name}（投资方：{investor}）"),
        Lang::En => format!("Project {id}: {unit} {name} (investor: {investor})"),
    };
    if let Some(code) = code {
        out.push_str(&match lang {
            Lang::Zh => format!("，项目编号 {code}"),
            Lang::En => format!(", 项目编号 {code}"),
        });
    }
    if !former_names.is_empty() {
        out.push_str(&match lang {
            Lang::Zh => format!("\n曾用名：{}", former_names.join("、")),
            Lang::En => format!("\nformer names: {}", former_names.join(", ")),
        });
    }
    out
}

/// The closing line of `projects show`: the register's figures of the project.
pub fn project_show_summary(reports: usize, funds: &str, stage: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("共 {reports} 次报送；跨年累计到位资金 {funds} 万元；当前进展：{stage}"),
        Lang::En => format!(
            "{reports} report(s); funds in place across years {funds} (10k CNY); current stage: {stage}"
        ),
    }
}

/// `projects show` given an id that matches no project.
pub fn project_not_found(query: &str, period: crate::model::Period, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "截至 {period} 的项目库中没有项目“{query}”；可用 tongbao projects --period {period} 查看项目ID"
        ),
        Lang::En => format!(
            "no project {query:?} in the register as of {period}; tongbao projects --period {period} lists the ids"
        ),
    }
}

/// `projects show` given a number or name several projects have.
pub fn project_several(query: &str, ids: &[&str], lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("“{query}”对应多个项目，请给出项目ID：{}", ids.join("、")),
        Lang::En => format!(
            "{query:?} is several projects; give one id: {}",
            ids.join(", ")
        ),
    }
}

/// `projects` when the archive has no counted return up to the period.
pub fn projects_nothing_counted(period: Option<crate::model::Period>, lang: Lang) -> String {
    let Some(period) = period else {
        return match lang {
            Lang::Zh => "档案库中没有已计入统计的报表，项目库为空；请先用 tongbao ingest 入库报表".into(),
            Lang::En => "the archive has no counted return: the register is empty; ingest returns first (tongbao ingest)".into(),
        };
    };
    match lang {
        Lang::Zh => format!(
            "档案库中没有截至 {period} 已计入统计的报表，项目库为空；请先用 tongbao ingest 入库报表"
        ),
        Lang::En => format!(
            "the archive has no counted return up to {period}: the register is empty; ingest returns first (tongbao ingest)"
        ),
    }
}
