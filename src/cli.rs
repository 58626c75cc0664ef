//! The command line (clap derive). Doc comments here are the `--help` text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::lang::Lang;
use crate::model::Period;

/// tongbao（通报）：检查区县招商引资月报表，归档，汇总，生成通报。
///
/// Checks county investment-promotion returns, archives them, and writes the monthly
/// bulletin (通报).
#[derive(Debug, Parser)]
#[command(name = "tongbao", version, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// 工作区配置文件（默认在当前目录及上级目录中查找 tongbao.toml）
    /// / the workspace config (default: tongbao.toml in this folder or a parent)
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// 提示语言 / language of messages
    #[arg(long, global = true, value_enum, default_value = "zh")]
    pub lang: Lang,
    /// 少说话：不显示进度条，检查结果只列出有问题的文件 / quiet: no progress bars; check and ingest list only files with findings
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 新建工作区 / create a workspace
    ///
    /// Example: tongbao init 招商月报
    Init(InitArgs),
    /// 生成空白报表 / blank return forms, one per unit
    ///
    /// 每个单位一个工作簿：预填单位和报告期，带下拉列表、填报说明和自动计算的主要指标。
    ///
    /// One workbook per unit: unit and period filled in, drop-down lists, instructions, and
    /// summary figures computed from the ledger.
    ///
    /// Example: tongbao template --period 2025-06 --out 报表/2025-06
    Template(TemplateArgs),
    /// 检查报表，不入库，写回执 / check returns without storing them; write receipts
    ///
    /// Example: tongbao check --config samples/tongbao.toml samples/returns/2025-06
    Check(CheckArgs),
    /// 检查并入库，写回执 / check returns, store them in the archive; write receipts
    ///
    /// Example: tongbao ingest --period 2025-06 inbox/2025-06
    Ingest(CheckArgs),
    /// 报送情况 / who reported, who is missing or rejected
    ///
    /// Example: tongbao status --period 2025-06
    Status(StatusArgs),
    /// 核实确认 / confirm a return held for verification (核实), with the explanation
    ///
    /// 待核实的报表入库但不计入统计；经办人核实后用本命令确认，说明会印在通报的数据说明中。
    /// 区县重新报送也会替代待核实的版本。
    ///
    /// A held return is archived but not counted; once verified, this counts it, and the
    /// note is printed in the bulletin's data notes. A resubmission also replaces it.
    ///
    /// Example: tongbao confirm --period 2025-06 --unit 巴南区 --note "5月数据含重复项目，已核减"
    Confirm(ConfirmArgs),
    /// 生成通报 / the bulletin for a period: workbook, PDF, JSON
    Build(BuildArgs),
    /// 指标溯源 / every ledger row behind the figures: file, version, sheet, row, cell, value, sums
    ///
    /// 列出本期已通过审核的报表中计入各指标的每一行项目明细（文件、版本、工作表、行、单元格、数值），
    /// 以及各单位和全区的本月、本年累计合计。指标：signed_count, signed_amount, big_count,
    /// big_amount, started_count, started_investment, funds_in_place, funds_out_of_province,
    /// fdi_usd, negotiating_count。
    ///
    /// Lists, for the period's accepted returns, each ledger row counted in a figure (file,
    /// version, sheet, row, cell, value) and the sums per unit and for the area, month and
    /// year to date.
    ///
    /// Example: tongbao explain --period 2025-06 --unit 巴南区 --figure signed_amount
    Explain(ExplainArgs),
    /// 领导简报 / a one- or two-page briefing for a span and a selection
    ///
    /// Example: tongbao brief --from 2025-04 --to 2025-06 --unit 巴南区
    Brief(BriefArgs),
    /// 项目库 / every project followed across months: the register, or one project's history
    ///
    /// 按档案库中已计入统计的各月报表，列出截至该报告期的每个项目：单位、产业、投资方、合同投资额、
    /// 首次报送月份、签约、开工、投产、跨年累计到位资金、当前进展和最近报送的文件。
    /// --stalled 只列签约满 [projects] stalled_months 个月（默认 6）仍未开工的亿元以上项目（督办）。
    /// 无法确定是哪个项目的行单独列出，供经办人核对，不会自动合并。
    /// --follow-up 列出督办清单：上述超期未开工项目、连续 [projects] no_funds_months 个月（默认 3）
    /// 无到位资金的已开工项目、从本单位最近一期报表中消失且备注未说明终止或已投产的项目。
    /// --conversion 按单位和全市列出签约项目的开工率、投产率和签约至开工月数中位数
    /// （--cohort 年份，默认截至报告期的 12 个月内签约的项目）。
    ///
    /// Lists, from the counted returns of every month up to the period, each project: unit,
    /// industry, investor, contract amount, first reported, signed, started, in production,
    /// funds in place across years, current stage and the file that last reported it.
    /// --stalled lists only 亿元以上 projects signed [projects] stalled_months months ago
    /// (default 6) or more and not started. Rows that could be more than one project are
    /// listed for the clerk, never merged. --follow-up prints the follow-up list (督办清单):
    /// the stalled projects, started projects without funds in place for [projects]
    /// no_funds_months months (default 3), and projects gone from their unit's latest return
    /// without a 备注 saying 终止 or 已投产. --conversion prints 开工率, 投产率 and the median
    /// months from signing to start per unit and for the area, over the projects signed in
    /// --cohort YYYY or in the twelve months to the period.
    ///
    /// Example: tongbao projects --period 2025-06 --unit 巴南区 --stalled
    ///          tongbao projects --period 2025-06 --follow-up
    ///          tongbao projects --period 2025-06 --conversion --cohort 2025
    ///          tongbao projects show 500113:#5001132023001
    Projects(ProjectsArgs),
    /// 监视收件箱 / watch the inbox and ingest files as they arrive
    ///
    /// Example: tongbao watch --period 2025-06 inbox/2025-06   (Ctrl-C to stop)
    Watch(WatchArgs),
    /// 核对档案库 / re-read every stored original and compare it with the stored rows
    ///
    /// 逐份重新读取入库时保存的原始文件，与档案库中的项目明细、主要指标和校验和比对；
    /// 全部一致时退出码为 0，有不一致时为 1，档案库无法打开时为 2。
    ///
    /// Re-reads every stored original with the current reader and compares its projects
    /// and indicators with the stored rows and their checksum. Exit 0 when all agree, 1
    /// when any differs, 2 when the archive cannot be opened.
    ///
    /// Example: tongbao verify
    Verify(VerifyArgs),
    /// 备份档案库 / copy the archive consistently to a file or folder
    ///
    /// 用 SQLite 的在线备份复制档案库（即使其他进程正在读写也是一致的快照）。DEST 为文件夹时，
    /// 备份文件名带时间，如 tongbao-20250703T091500Z.db。每次 ingest 前也会自动备份到
    /// backups/（保留最近 [archive] keep_backups 份）。
    ///
    /// Copies the archive with SQLite's online backup API (a consistent snapshot even
    /// while others read or write). When DEST is a folder the copy gets a time-stamped
    /// name in it. `ingest` also copies the archive into backups/ before each run.
    ///
    /// Example: tongbao backup D:/备份/
    Backup(BackupArgs),
    /// 演示 / the whole pipeline on the bundled samples, into a fresh folder
    ///
    /// 再次运行时，上次演示的文件夹会清除后重新生成；其他非空文件夹不会被改动。
    ///
    /// Run again, it makes an earlier demo's folder anew; any other folder that is not
    /// empty is left untouched.
    ///
    /// Example: tongbao demo --out tongbao-demo
    Demo(DemoArgs),
}

/// Parses `YYYY-MM`.
pub fn parse_period(s: &str) -> Result<Period, String> {
    Period::parse_canonical(s).ok_or_else(|| {
        format!("报告期应写成 YYYY-MM，如 2025-06 / period must be YYYY-MM, e.g. 2025-06: {s:?}")
    })
}

/// Output formats of check and ingest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// 给人看的报告 / a report for people
    Human,
    /// JSON（格式见 docs/cli.md 和 docs/schema/）/ JSON (documented in docs/cli.md and docs/schema/)
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// 本批次的报告期（默认取多数报表的报告期）/ the batch period (default: the period most files are for)
    #[arg(long, value_parser = parse_period, value_name = "YYYY-MM")]
    pub period: Option<Period>,
    /// 输出格式 / output format
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// 同时显示提示信息（未识别的列等）/ also show notes (unrecognised columns, …)
    #[arg(short, long)]
    pub verbose: bool,
    /// 不写回执 / do not write receipts (回执)
    #[arg(long)]
    pub no_receipts: bool,
    /// 回执文件夹（默认为配置中的 receipts，其下按报告期分文件夹）/ the receipts folder (default: the config's receipts folder; one subfolder per period)
    #[arg(long, value_name = "DIR", conflicts_with = "no_receipts")]
    pub receipts: Option<PathBuf>,
    /// 报表文件或文件夹（文件夹会逐层查找）/ return files or folders (walked)
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// 报告期 / the period
    #[arg(long, value_parser = parse_period, value_name = "YYYY-MM")]
    pub period: Period,
    /// 输出 JSON / print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ConfirmArgs {
    /// 报告期 / the period
    #[arg(long, value_parser = parse_period, value_name = "YYYY-MM")]
    pub period: Period,
    /// 单位名称（或别名、代码）/ the unit (name, alias or code)
    #[arg(long, value_name = "NAME")]
    pub unit: String,
    /// 核实说明（印在通报的数据说明中）/ the explanation, printed in the bulletin's data notes
    #[arg(long, value_name = "TEXT")]
    pub note: String,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// 报告期 / the period
    #[arg(long, value_parser = parse_period, value_name = "YYYY-MM")]
    pub period: Period,
    /// 输出文件夹（默认 out/YYYY-MM/）/ output folder (default out/YYYY-MM/)
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// 成文日期（默认今天）/ date of issue (default today)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<chrono::NaiveDate>,
    /// 本期发文字号中的序号（默认取配置的 number，未设时为月份）/ the number of this issue in the 发文字号 (default: the config's `number`, else the month)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub number: Option<u32>,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// 报告期 / the period
    #[arg(long, value_parser = parse_period, value_name = "YYYY-MM")]
    pub period: Period,
    /// 只看该单位（名称、别名或代码）/ only this unit (name, alias or code)
    #[arg(long, value_name = "NAME")]
    pub unit: Option<String>,
    /// 只看该指标（JSON 中的指标键，如 signed_amount）/ only this figure (its key in the JSON, e.g. signed_amount)
    #[arg(long, value_name = "KEY")]
    pub figure: Option<String>,
    /// 输出 JSON / print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct ProjectsArgs {
    #[command(subcommand)]
    pub command: Option<ProjectsCommand>,
    /// 报告期：列出截至该月的项目 / the period: the register as of this month
    #[arg(long, value_parser = parse_period, value_name = "YYYY-MM", required = true)]
    pub period: Option<Period>,
    /// 只看该单位（名称、别名或代码）/ only this unit (name, alias or code)
    #[arg(long, value_name = "NAME")]
    pub unit: Option<String>,
    /// 只列签约已满期限仍未开工的亿元以上项目（督办）/ only 亿元以上 projects signed long enough ago and not started
    #[arg(long, conflicts_with_all = ["follow_up", "conversion"])]
    pub stalled: bool,
    /// 督办清单：超期未开工、连续无到位资金、无故消失的项目 / the follow-up list: stalled, without funds, vanished
    #[arg(long, conflicts_with = "conversion")]
    pub follow_up: bool,
    /// 开工率、投产率和签约至开工的月数中位数（按单位和全市）/ 开工率, 投产率 and median months to start, per unit and area
    #[arg(long, conflicts_with = "unit")]
    pub conversion: bool,
    /// 与 --conversion 合用：该年签约的项目（默认截至报告期的 12 个月）/ with --conversion: projects signed in this year (default: the twelve months to the period)
    #[arg(long, value_name = "YYYY", requires = "conversion", value_parser = clap::value_parser!(i32).range(1990..=2100))]
    pub cohort: Option<i32>,
    /// 输出 JSON（格式见 docs/cli.md）/ print JSON (documented in docs/cli.md)
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ProjectsCommand {
    /// 一个项目的逐月报送记录及其来源文件 / one project's month-by-month history, with the files it came from
    ///
    /// Example: tongbao projects show 500113:#5001132023001
    Show(ProjectShowArgs),
    /// 经办人确认两个项目库条目是同一项目（如更名而备注未写原名）/ the clerk says two register entries are one project (e.g. renamed without 原名)
    ///
    /// 后报送的条目的记录并入先报送的条目；两个单位的项目、或在同一个月都有报送的两个条目不能关联。
    ///
    /// The later entry's history joins the earlier one; two units' projects, or two entries
    /// that both report in one month, cannot be linked.
    ///
    /// Example: tongbao projects link "500113:软件园|丙科技香港有限公司" "500113:软件信息产业园|丙科技香港有限公司" --note "县里确认已更名"
    Link(ProjectLinkArgs),
    /// 撤销经办人的项目关联 / undo a link of the clerk's
    ///
    /// Example: tongbao projects unlink "500113:软件园|丙科技香港有限公司" "500113:软件信息产业园|丙科技香港有限公司"
    Unlink(ProjectLinkArgs),
}

#[derive(Debug, Args)]
pub struct ProjectLinkArgs {
    /// 一个条目的项目ID（tongbao projects 列出的），或项目编号、项目名称 / one entry's id (as tongbao projects lists it), or its 项目编号 or name
    #[arg(value_name = "ID_A")]
    pub a: String,
    /// 另一个条目 / the other entry
    #[arg(value_name = "ID_B")]
    pub b: String,
    /// 说明，与关联一同存档 / the clerk's explanation, kept with the link
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    /// 经办人（默认当前登录用户名）/ who (default: the login name)
    #[arg(long, value_name = "NAME")]
    pub by: Option<String>,
}

#[derive(Debug, Args)]
pub struct ProjectShowArgs {
    /// 项目 ID（tongbao projects 列出的），或项目编号、项目名称 / the project's id (as tongbao projects lists it), or its 项目编号 or name
    #[arg(value_name = "ID")]
    pub id: String,
    /// 只看截至该月的记录（默认全部）/ only the reports up to this month (default: all)
    #[arg(long, value_parser = parse_period, value_name = "YYYY-MM")]
    pub period: Option<Period>,
}

#[derive(Debug, Args)]
pub struct BriefArgs {
    /// 起始月份 / the first month of the span
    #[arg(long, value_parser = parse_period, value_name = "YYYY-MM")]
    pub from: Period,
    /// 截止月份（与起始月份同一年）/ the last month (in the same year)
    #[arg(long, value_parser = parse_period, value_name = "YYYY-MM")]
    pub to: Period,
    /// 单位（名称、别名或代码，可多次给出）/ a unit (name, alias or code; repeatable)
    #[arg(long, value_name = "NAME")]
    pub unit: Vec<String>,
    /// 分组（可多次给出）/ a group (repeatable)
    #[arg(long, value_name = "NAME")]
    pub group: Vec<String>,
    /// 只看这些产业类别的项目（可多次给出）/ only projects of this industry (repeatable)
    #[arg(long, value_name = "NAME")]
    pub industry: Vec<String>,
    /// 输出文件夹（默认 out/简报/）/ output folder (default out/简报/)
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// 日期（默认今天）/ date printed on the briefing (default today)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<chrono::NaiveDate>,
    /// 期号：报头下印“第N期”（不给则不印期号）/ issue number: prints 第N期 under the
    /// masthead (none when not given)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub number: Option<u32>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// 工作区文件夹 / the workspace folder
    pub dir: Option<PathBuf>,
    /// 同时复制通报措辞模板到 templates/ 以便修改 / also copy the bulletin's wording templates into templates/ for editing
    #[arg(long)]
    pub with_templates: bool,
}

#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// 报告期 / the period the forms are for
    #[arg(long, value_parser = parse_period, value_name = "YYYY-MM")]
    pub period: Period,
    /// 只生成这些单位（名称、别名或代码，可重复；默认名册中全部单位）
    /// / only these units (name, alias or code; repeatable; default: every roster unit)
    #[arg(long, value_name = "NAME")]
    pub unit: Vec<String>,
    /// 输出文件夹（不存在则新建）/ output folder (created if missing)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// 收件箱文件夹（默认为工作区的 inbox/，逐层查看）/ the inbox folder (default: the workspace's inbox/, walked)
    pub dir: Option<PathBuf>,
    /// 只受理该报告期的报表（默认按各报表自己的报告期）/ accept only returns for this period (default: each return's own)
    #[arg(long, value_parser = parse_period, value_name = "YYYY-MM")]
    pub period: Option<Period>,
    /// 文件大小和修改时间保持不变多少秒后才处理（正在复制的文件不处理）/ seconds a file must stay unchanged before it is taken (files still being copied are left alone)
    #[arg(long, value_name = "SECONDS", default_value_t = 2.0)]
    pub settle: f64,
    /// 每隔多少秒查看一次收件箱 / seconds between looks at the inbox
    #[arg(long, value_name = "SECONDS", default_value_t = 1.0)]
    pub interval: f64,
    /// 处理完目前已稳定的文件后退出，不再等候 / take the files that are complete now, then exit
    #[arg(long)]
    pub once: bool,
    /// 不写回执 / write no receipts
    #[arg(long)]
    pub no_receipts: bool,
    /// 回执写到此文件夹（默认为工作区的 receipts/）/ write receipts under this folder (default: the workspace's receipts/)
    #[arg(long, value_name = "DIR")]
    pub receipts: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// 演示文件夹（新的、空的或上次演示的文件夹，后者会清除后重新生成；默认 tongbao-demo）/ the folder (new, empty, or an earlier demo's, which is made anew; default tongbao-demo)
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// 输出 JSON / print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// 备份文件，或已有的文件夹（其中生成带时间的文件名）/ the copy's file, or an existing folder (the copy gets a time-stamped name in it)
    #[arg(value_name = "DEST")]
    pub dest: PathBuf,
}
