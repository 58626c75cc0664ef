//! The command line's help (`--help`), in both languages: one entry per command and per
//! option, keyed by where it is (`check` for the command, `check/period` for its
//! `--period`, `/lang` for an option of every command). The first paragraph is the short
//! help (`-h`, the list of commands); the whole text is the long help (`--help`).
//! `cli::command` puts them on clap's command in the reader's language.

use crate::lang::Lang;

/// The help of the command or option at `key`, in `lang`; `None` for a key without one
/// (tests/it/help.rs checks every command and option has one).
pub(crate) fn help(key: &str, lang: Lang) -> Option<&'static str> {
    HELP.iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, zh, en)| match lang {
            Lang::Zh => *zh,
            Lang::En => *en,
        })
}

/// Whose arguments a command takes: `ingest` takes `check`'s, worded once.
pub(crate) fn args_of(command: &str) -> &str {
    match command {
        "ingest" => "check",
        other => other,
    }
}

/// Every key of the table, for the test that every command and option has a help.
#[cfg(test)]
pub(crate) fn keys() -> impl Iterator<Item = &'static str> {
    HELP.iter().map(|(k, _, _)| *k)
}

/// The words clap itself shows around the help: headings and its own options.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Chrome {
    /// Before the usage line (its own space included).
    Usage,
    /// The heading of the list of commands.
    Commands,
    /// The heading of positional arguments.
    Arguments,
    /// The heading of options.
    Options,
    /// `-h, --help`.
    HelpFlag,
    /// `-V, --version`.
    VersionFlag,
    /// The `help` command.
    HelpCommand,
    /// The `help` command's argument: a command's name.
    HelpCommandArg,
}

pub(crate) fn chrome(c: Chrome, lang: Lang) -> &'static str {
    use Chrome::*;
    match (c, lang) {
        (Usage, Lang::Zh) => "用法：",
        (Usage, Lang::En) => "Usage: ",
        (Commands, Lang::Zh) => "命令",
        (Commands, Lang::En) => "Commands",
        (Arguments, Lang::Zh) => "参数",
        (Arguments, Lang::En) => "Arguments",
        (Options, Lang::Zh) => "选项",
        (Options, Lang::En) => "Options",
        (HelpFlag, Lang::Zh) => "显示帮助（-h 为摘要）",
        (HelpFlag, Lang::En) => "Print help (a summary with '-h')",
        (VersionFlag, Lang::Zh) => "显示版本号",
        (VersionFlag, Lang::En) => "Print version",
        (HelpCommand, Lang::Zh) => "显示本帮助，或所给命令的帮助",
        (HelpCommand, Lang::En) => "Print this message or the help of the given command",
        (HelpCommandArg, Lang::Zh) => "要查看帮助的命令",
        (HelpCommandArg, Lang::En) => "the command to show the help of",
    }
}

/// (key, Chinese, English).
const HELP: &[(&str, &str, &str)] = &[
    (
        "",
        "tongbao（通报）：检查区县招商引资月报表，归档，汇总，生成通报。",
        "tongbao: checks county investment-promotion returns, archives them, and writes the monthly bulletin (通报).",
    ),
    (
        "/config",
        "工作区配置文件（默认在当前目录及上级目录中查找 tongbao.toml）",
        "the workspace config (default: tongbao.toml in this folder or a parent)",
    ),
    (
        "/lang",
        "提示语言：zh（简体中文，默认）或 en（English）",
        "language of messages: zh (简体中文, the default) or en (English)",
    ),
    (
        "/quiet",
        "少说话：不显示进度条，检查结果只列出有问题的文件",
        "quiet: no progress bars; check and ingest list only files with findings",
    ),
    (
        "init",
        "新建工作区\n\n示例：tongbao init 招商月报",
        "create a workspace\n\nExample: tongbao init 招商月报",
    ),
    ("init/dir", "工作区文件夹", "the workspace folder"),
    (
        "init/with_templates",
        "同时复制通报措辞模板到 templates/ 以便修改",
        "also copy the bulletin's wording templates into templates/ for editing",
    ),
    (
        "template",
        "生成空白报表，每个单位一份\n\n每个单位一个工作簿：预填单位和报告期，带下拉列表、填报说明和自动计算的主要指标。\n\n示例：tongbao template --period 2025-06 --out 报表/2025-06",
        "blank return forms, one per unit\n\nOne workbook per unit: unit and period filled in, drop-down lists, instructions, and summary figures computed from the ledger.\n\nExample: tongbao template --period 2025-06 --out 报表/2025-06",
    ),
    ("template/period", "报告期", "the period the forms are for"),
    (
        "template/unit",
        "只生成这些单位（名称、别名或代码，可重复；默认名册中全部单位）",
        "only these units (name, alias or code; repeatable; default: every roster unit)",
    ),
    (
        "template/out",
        "输出文件夹（不存在则新建）",
        "output folder (created if missing)",
    ),
    (
        "check",
        "检查报表，不入库，写回执\n\n示例：tongbao check --config samples/tongbao.toml samples/returns/2025-06",
        "check returns without storing them; write receipts\n\nExample: tongbao check --config samples/tongbao.toml samples/returns/2025-06",
    ),
    (
        "ingest",
        "检查并入库，写回执\n\n示例：tongbao ingest --period 2025-06 inbox/2025-06",
        "check returns, store them in the archive; write receipts\n\nExample: tongbao ingest --period 2025-06 inbox/2025-06",
    ),
    (
        "check/period",
        "本批次的报告期（默认取多数报表的报告期）",
        "the batch period (default: the period most files are for)",
    ),
    (
        "check/format",
        "输出格式：human（给人看的报告，默认）或 json（格式见 docs/cli.md 和 docs/schema/）",
        "output format: human (a report for people, the default) or json (documented in docs/cli.md and docs/schema/)",
    ),
    (
        "check/verbose",
        "同时显示提示信息（未识别的列等）",
        "also show notes (unrecognised columns, …)",
    ),
    ("check/no_receipts", "不写回执", "do not write receipts (回执)"),
    (
        "check/receipts",
        "回执文件夹（默认为配置中的 receipts，其下按报告期分文件夹）",
        "the receipts folder (default: the config's receipts folder; one subfolder per period)",
    ),
    (
        "check/paths",
        "报表文件或文件夹（文件夹会逐层查找）",
        "return files or folders (walked)",
    ),
    (
        "status",
        "报送情况：哪些单位已报送、未报送或被退回\n\n示例：tongbao status --period 2025-06",
        "who reported, who is missing or rejected\n\nExample: tongbao status --period 2025-06",
    ),
    ("status/period", "报告期", "the period"),
    ("status/json", "输出 JSON", "print JSON"),
    (
        "confirm",
        "核实确认：确认一份待核实的报表，并写明核实情况\n\n待核实的报表入库但不计入统计；经办人核实后用本命令确认，说明会印在通报的数据说明中。区县重新报送也会替代待核实的版本。\n\n示例：tongbao confirm --period 2025-06 --unit 巴南区 --note \"5月数据含重复项目，已核减\"",
        "confirm a return held for verification (核实), with the explanation\n\nA held return is archived but not counted; once verified, this counts it, and the note is printed in the bulletin's data notes. A resubmission also replaces it.\n\nExample: tongbao confirm --period 2025-06 --unit 巴南区 --note \"5月数据含重复项目，已核减\"",
    ),
    ("confirm/period", "报告期", "the period"),
    (
        "confirm/unit",
        "单位名称（或别名、代码）",
        "the unit (name, alias or code)",
    ),
    (
        "confirm/note",
        "核实说明（印在通报的数据说明中）",
        "the explanation, printed in the bulletin's data notes",
    ),
    (
        "build",
        "生成通报：本期的工作簿、PDF 和 JSON",
        "the bulletin for a period: workbook, PDF, JSON",
    ),
    ("build/period", "报告期", "the period"),
    (
        "build/out",
        "输出文件夹（默认 out/YYYY-MM/）",
        "output folder (default out/YYYY-MM/)",
    ),
    (
        "build/date",
        "成文日期（默认今天）",
        "date of issue (default today)",
    ),
    (
        "build/number",
        "本期发文字号中的序号（默认取配置的 number，未设时为月份）",
        "the number of this issue in the 发文字号 (default: the config's `number`, else the month)",
    ),
    (
        "explain",
        "指标溯源：计入各指标的每一行项目明细，及其文件、版本、工作表、行、单元格、数值和合计\n\n列出本期已通过审核的报表中计入各指标的每一行项目明细（文件、版本、工作表、行、单元格、数值），以及各单位和全区的本月、本年累计合计。指标：signed_count, signed_amount, big_count, big_amount, started_count, started_investment, funds_in_place, funds_out_of_province, fdi_usd, negotiating_count。\n\n示例：tongbao explain --period 2025-06 --unit 巴南区 --figure signed_amount",
        "every ledger row behind the figures: file, version, sheet, row, cell, value, sums\n\nLists, for the period's accepted returns, each ledger row counted in a figure (file, version, sheet, row, cell, value) and the sums per unit and for the area, month and year to date. Figures: signed_count, signed_amount, big_count, big_amount, started_count, started_investment, funds_in_place, funds_out_of_province, fdi_usd, negotiating_count.\n\nExample: tongbao explain --period 2025-06 --unit 巴南区 --figure signed_amount",
    ),
    ("explain/period", "报告期", "the period"),
    (
        "explain/unit",
        "只看该单位（名称、别名或代码）",
        "only this unit (name, alias or code)",
    ),
    (
        "explain/figure",
        "只看该指标（JSON 中的指标键，如 signed_amount）",
        "only this figure (its key in the JSON, e.g. signed_amount)",
    ),
    ("explain/json", "输出 JSON", "print JSON"),
    (
        "brief",
        "领导简报：一段时间、一些单位的一两页简报\n\n示例：tongbao brief --from 2025-04 --to 2025-06 --unit 巴南区",
        "a one- or two-page briefing for a span and a selection\n\nExample: tongbao brief --from 2025-04 --to 2025-06 --unit 巴南区",
    ),
    ("brief/from", "起始月份", "the first month of the span"),
    (
        "brief/to",
        "截止月份（与起始月份同一年）",
        "the last month (in the same year)",
    ),
    (
        "brief/unit",
        "单位（名称、别名或代码，可多次给出）",
        "a unit (name, alias or code; repeatable)",
    ),
    ("brief/group", "分组（可多次给出）", "a group (repeatable)"),
    (
        "brief/industry",
        "只看这些产业类别的项目（可多次给出）",
        "only projects of this industry (repeatable)",
    ),
    (
        "brief/out",
        "输出文件夹（默认 out/简报/）",
        "output folder (default out/简报/)",
    ),
    (
        "brief/date",
        "日期（默认今天）",
        "date printed on the briefing (default today)",
    ),
    (
        "brief/number",
        "期号：报头下印“第N期”（不给则不印期号）",
        "issue number: prints 第N期 under the masthead (none when not given)",
    ),
    (
        "projects",
        "项目库：逐月跟踪的每个项目，或一个项目的报送记录\n\n按档案库中已计入统计的各月报表，列出截至该报告期的每个项目：单位、产业、投资方、合同投资额、首次报送月份、签约、开工、投产、跨年累计到位资金、当前进展和最近报送的文件。--stalled 只列签约满 [projects] stalled_months 个月（默认 6）仍未开工的亿元以上项目（督办）。无法确定是哪个项目的行单独列出，供经办人核对，不会自动合并。--follow-up 列出督办清单：上述超期未开工项目、连续 [projects] no_funds_months 个月（默认 3）无到位资金的已开工项目、从本单位最近一期报表中消失且备注未说明终止或已投产的项目。--conversion 按单位和全市列出签约项目的开工率、投产率和签约至开工月数中位数（--cohort 年份，默认截至报告期的 12 个月内签约的项目）。\n\n示例：tongbao projects --period 2025-06 --unit 巴南区 --stalled\n      tongbao projects --period 2025-06 --follow-up\n      tongbao projects --period 2025-06 --conversion --cohort 2025\n      tongbao projects show 500113:#5001132023001",
        "every project followed across months: the register, or one project's history\n\nLists, from the counted returns of every month up to the period, each project: unit, industry, investor, contract amount, first reported, signed, started, in production, funds in place across years, current stage and the file that last reported it. --stalled lists only 亿元以上 projects signed [projects] stalled_months months ago (default 6) or more and not started. Rows that could be more than one project are listed for the clerk, never merged. --follow-up prints the follow-up list (督办清单): the stalled projects, started projects without funds in place for [projects] no_funds_months months (default 3), and projects gone from their unit's latest return without a 备注 saying 终止 or 已投产. --conversion prints 开工率, 投产率 and the median months from signing to start per unit and for the area, over the projects signed in --cohort YYYY or in the twelve months to the period.\n\nExample: tongbao projects --period 2025-06 --unit 巴南区 --stalled\n         tongbao projects --period 2025-06 --follow-up\n         tongbao projects --period 2025-06 --conversion --cohort 2025\n         tongbao projects show 500113:#5001132023001",
    ),
    (
        "projects/period",
        "报告期：列出截至该月的项目",
        "the period: the register as of this month",
    ),
    (
        "projects/unit",
        "只看该单位（名称、别名或代码）",
        "only this unit (name, alias or code)",
    ),
    (
        "projects/stalled",
        "只列签约已满期限仍未开工的亿元以上项目（督办）",
        "only 亿元以上 projects signed long enough ago and not started",
    ),
    (
        "projects/follow_up",
        "督办清单：超期未开工、连续无到位资金、无故消失的项目",
        "the follow-up list: stalled, without funds, vanished",
    ),
    (
        "projects/conversion",
        "开工率、投产率和签约至开工的月数中位数（按单位和全市）",
        "开工率, 投产率 and median months to start, per unit and area",
    ),
    (
        "projects/cohort",
        "与 --conversion 合用：该年签约的项目（默认按 [projects] cohort，即截至报告期的 12 个月）",
        "with --conversion: projects signed in this year (default: as [projects] cohort says, the twelve months to the period unless set to the year)",
    ),
    (
        "projects/json",
        "输出 JSON（格式见 docs/cli.md）",
        "print JSON (documented in docs/cli.md)",
    ),
    (
        "projects show",
        "一个项目的逐月报送记录及其来源文件\n\n示例：tongbao projects show 500113:#5001132023001",
        "one project's month-by-month history, with the files it came from\n\nExample: tongbao projects show 500113:#5001132023001",
    ),
    (
        "projects show/id",
        "项目 ID（tongbao projects 列出的），或项目编号、项目名称",
        "the project's id (as tongbao projects lists it), or its 项目编号 or name",
    ),
    (
        "projects show/period",
        "只看截至该月的记录（默认全部）",
        "only the reports up to this month (default: all)",
    ),
    (
        "projects link",
        "经办人确认两个项目库条目是同一项目（如更名而备注未写原名）\n\n后报送的条目的记录并入先报送的条目；两个单位的项目、或在同一个月都有报送的两个条目不能关联。\n\n示例：tongbao projects link \"500113:软件园|丙科技香港有限公司\" \"500113:软件信息产业园|丙科技香港有限公司\" --note \"县里确认已更名\"",
        "the clerk says two register entries are one project (e.g. renamed without 原名)\n\nThe later entry's history joins the earlier one; two units' projects, or two entries that both report in one month, cannot be linked.\n\nExample: tongbao projects link \"500113:软件园|丙科技香港有限公司\" \"500113:软件信息产业园|丙科技香港有限公司\" --note \"renamed, the county confirmed\"",
    ),
    (
        "projects link/a",
        "一个条目的项目 ID（tongbao projects 列出的），或项目编号、项目名称",
        "one entry's id (as tongbao projects lists it), or its 项目编号 or name",
    ),
    (
        "projects link/b",
        "另一个条目",
        "the other entry",
    ),
    (
        "projects link/note",
        "说明，与关联一同存档",
        "the clerk's explanation, kept with the link",
    ),
    (
        "projects link/by",
        "经办人（默认当前登录用户名）",
        "who (default: the login name)",
    ),
    (
        "projects unlink",
        "撤销经办人的项目关联\n\n示例：tongbao projects unlink \"500113:软件园|丙科技香港有限公司\" \"500113:软件信息产业园|丙科技香港有限公司\"",
        "undo a link of the clerk's\n\nExample: tongbao projects unlink \"500113:软件园|丙科技香港有限公司\" \"500113:软件信息产业园|丙科技香港有限公司\"",
    ),
    (
        "projects unlink/a",
        "一个条目的项目 ID（tongbao projects 列出的），或项目编号、项目名称",
        "one entry's id (as tongbao projects lists it), or its 项目编号 or name",
    ),
    (
        "projects unlink/b",
        "另一个条目",
        "the other entry",
    ),
    (
        "projects unlink/note",
        "说明，与撤销记录一同存档",
        "the clerk's explanation, kept with the record of the undoing",
    ),
    (
        "projects unlink/by",
        "经办人（默认当前登录用户名）",
        "who (default: the login name)",
    ),
    (
        "watch",
        "监视收件箱，文件到达即检查入库\n\n示例：tongbao watch --period 2025-06 inbox/2025-06   （按 Ctrl-C 停止）",
        "watch the inbox and ingest files as they arrive\n\nExample: tongbao watch --period 2025-06 inbox/2025-06   (Ctrl-C to stop)",
    ),
    (
        "watch/dir",
        "收件箱文件夹（默认为工作区的 inbox/，逐层查看）",
        "the inbox folder (default: the workspace's inbox/, walked)",
    ),
    (
        "watch/period",
        "只受理该报告期的报表（默认按各报表自己的报告期）",
        "accept only returns for this period (default: each return's own)",
    ),
    (
        "watch/settle",
        "文件大小和修改时间保持不变多少秒后才处理（正在复制的文件不处理；默认 2）",
        "seconds a file must stay unchanged before it is taken (files still being copied are left alone; default 2)",
    ),
    (
        "watch/interval",
        "每隔多少秒查看一次收件箱（默认 1）",
        "seconds between looks at the inbox (default 1)",
    ),
    (
        "watch/once",
        "处理完目前已稳定的文件后退出，不再等候",
        "take the files that are complete now, then exit",
    ),
    ("watch/no_receipts", "不写回执", "write no receipts"),
    (
        "watch/receipts",
        "回执写到此文件夹（默认为工作区的 receipts/）",
        "write receipts under this folder (default: the workspace's receipts/)",
    ),
    (
        "verify",
        "核对档案库：重新读取每份入库原件，与库中数据比对\n\n逐份重新读取入库时保存的原始文件，与档案库中的项目明细、主要指标和校验和比对；全部一致时退出码为 0，有不一致时为 1，档案库无法打开时为 2。\n\n示例：tongbao verify",
        "re-read every stored original and compare it with the stored rows\n\nRe-reads every stored original with the current reader and compares its projects and indicators with the stored rows and their checksum. Exit 0 when all agree, 1 when any differs, 2 when the archive cannot be opened.\n\nExample: tongbao verify",
    ),
    ("verify/json", "输出 JSON", "print JSON"),
    (
        "backup",
        "备份档案库：一致地复制到文件或文件夹\n\n用 SQLite 的在线备份复制档案库（即使其他进程正在读写也是一致的快照）。DEST 为文件夹时，备份文件名带时间，如 tongbao-20250703T091500Z.db。每次 ingest 前也会自动备份到 backups/（保留最近 [archive] keep_backups 份）。\n\n示例：tongbao backup D:/备份/",
        "copy the archive consistently to a file or folder\n\nCopies the archive with SQLite's online backup API (a consistent snapshot even while others read or write). When DEST is a folder the copy gets a time-stamped name in it. `ingest` also copies the archive into backups/ before each run.\n\nExample: tongbao backup D:/备份/",
    ),
    (
        "backup/dest",
        "备份文件，或已有的文件夹（其中生成带时间的文件名）",
        "the copy's file, or an existing folder (the copy gets a time-stamped name in it)",
    ),
    (
        "serve",
        "网上报送：区县通过网页或接口报送报表，经办人查看报送情况、生成通报\n\n在工作区的档案库上提供网上报送服务。区县账号只能报送本单位的报表（其他单位的报表不入库，并记入审计日志）；经办人可报送任何单位的报表、查看报送情况、生成通报。接口见 docs/cli.md（Authorization: Bearer 令牌）。账号用 tongbao accounts issue 开设。Ctrl-C 或 SIGTERM 停止，正在处理的上传会先完成。\n\n示例：tongbao serve --listen 127.0.0.1:8080\n      tongbao serve --listen 0.0.0.0:8443 --tls-cert cert.pem --tls-key key.pem",
        "the web intake: counties send returns over HTTP, the clerk follows and builds\n\nServes the web intake over the workspace's archive. A county account may send only its own unit's returns (another unit's is not stored, and the attempt is logged); the clerk may send any unit's, see the status board and build the bulletin. The API is in docs/cli.md (Authorization: Bearer token). Accounts are issued with tongbao accounts issue. Ctrl-C or SIGTERM stops it once uploads in hand are done.\n\nExample: tongbao serve --listen 127.0.0.1:8080\n         tongbao serve --listen 0.0.0.0:8443 --tls-cert cert.pem --tls-key key.pem",
    ),
    (
        "serve/listen",
        "监听地址（默认 127.0.0.1:8080；端口 0 表示任选空闲端口，启动后显示）",
        "the address to listen on (default 127.0.0.1:8080; port 0: any free port, printed when listening)",
    ),
    (
        "serve/tls_cert",
        "以此证书链（PEM）提供 HTTPS；须同时给出 --tls-key",
        "serve HTTPS with this certificate chain (PEM); needs --tls-key",
    ),
    (
        "serve/tls_key",
        "--tls-cert 的私钥（PEM）",
        "the private key (PEM) of --tls-cert",
    ),
    (
        "accounts",
        "网上报送的账号：开设、列出、停用\n\n示例：tongbao accounts issue --unit 巴南区 --clerk 张三\n      tongbao accounts list\n      tongbao accounts revoke 500113",
        "the web intake's accounts: issue, list, revoke\n\nExample: tongbao accounts issue --unit 巴南区 --clerk 张三\n         tongbao accounts list\n         tongbao accounts revoke 500113",
    ),
    (
        "accounts issue",
        "开设账号（已有的账号则换发新密码和令牌），每个账号的一次性密码和 API 令牌只显示这一次\n\n区县账号以单位代码为账号名，只能报送本单位的报表；经办人账号以姓名为账号名。档案库只保存密码和令牌的散列值。换发后旧密码、旧令牌和登录即失效，停用和锁定一并解除。\n\n示例：tongbao accounts issue --unit 巴南区 --unit 江北区 --clerk 张三 --json",
        "new accounts (or new secrets for existing ones), each one-time password and API token shown once\n\nA county account is named by its unit's code and may send only that unit's returns; a clerk's account by the clerk's name. The archive keeps only hashes of passwords and tokens. Issuing again ends the old password, token and sessions, and lifts a revocation or lockout.\n\nExample: tongbao accounts issue --unit 巴南区 --unit 江北区 --clerk 张三 --json",
    ),
    (
        "accounts issue/unit",
        "为名册中的该单位开设区县账号（名称、别名或代码；可重复）",
        "a county account for this roster unit (name, alias or code; repeatable)",
    ),
    (
        "accounts issue/clerk",
        "开设该姓名的经办人账号（可重复）",
        "a clerk's account of this name (repeatable)",
    ),
    (
        "accounts issue/json",
        "输出 JSON（格式见 docs/cli.md）",
        "print JSON (documented in docs/cli.md)",
    ),
    (
        "accounts list",
        "列出全部账号（不含密码和令牌）",
        "every account, without secrets",
    ),
    ("accounts list/json", "输出 JSON", "print JSON"),
    (
        "accounts revoke",
        "停用账号：其令牌和登录立即失效",
        "stop an account: its token and sessions no longer work",
    ),
    (
        "accounts revoke/name",
        "账号名（见 tongbao accounts list）",
        "the account's name (as accounts list shows it)",
    ),
    (
        "demo",
        "演示：在新文件夹中用内置样例走完整个流程\n\n再次运行时，上次演示的文件夹会清除后重新生成；其他非空文件夹不会被改动。\n\n示例：tongbao demo --out tongbao-demo",
        "the whole pipeline on the bundled samples, into a fresh folder\n\nRun again, it makes an earlier demo's folder anew; any other folder that is not empty is left untouched.\n\nExample: tongbao demo --out tongbao-demo",
    ),
    (
        "demo/out",
        "演示文件夹（新的、空的或上次演示的文件夹，后者会清除后重新生成；默认 tongbao-demo）",
        "the folder (new, empty, or an earlier demo's, which is made anew; default tongbao-demo)",
    ),
];
