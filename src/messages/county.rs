//! The wording a county reads: the blank return form's explanations and prompts, and the
//! receipt (回执) its file gets back — in both languages. What the bureau's clerk reads
//! at the terminal is the parent module's.

use crate::lang::Lang;

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
