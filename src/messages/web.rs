//! What the web intake says (issue 16): the API's refusals, read by a county's or the
//! clerk's program, and the terminal lines of `tongbao serve` and `tongbao accounts`.
//! A refusal says what to do and never what exists (no paths, no SQL, no other unit's
//! data).

use crate::lang::Lang;
use crate::model::Period;
use chrono::{Datelike, NaiveDate};

/// Why the web intake refused a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No token, or one that is wrong, revoked or of a revoked account (401).
    Unauthorized,
    /// The account's role may not do this (403).
    Forbidden,
    /// The `period` parameter is missing or not `YYYY-MM` (400).
    BadPeriod,
    /// The multipart body has no field `file`, or cannot be read (400).
    NoFile,
    /// The upload is larger than the workspace's `[limits] max_file_bytes` (413).
    TooLarge,
    /// No such thing, or not the caller's (404).
    NotFound,
    /// Anything else; the details are in the server's log only (500).
    Internal,
}

/// The sentence of a refusal.
pub fn refusal(r: Refusal, lang: Lang) -> &'static str {
    use Refusal::*;
    match (r, lang) {
        (Unauthorized, Lang::Zh) => "需要有效的访问令牌（Authorization: Bearer …），请向经办人索取",
        (Unauthorized, Lang::En) => {
            "a valid access token is required (Authorization: Bearer …); ask the clerk for one"
        }
        (Forbidden, Lang::Zh) => "本账号无权进行此操作",
        (Forbidden, Lang::En) => "this account may not do that",
        (BadPeriod, Lang::Zh) => "请用参数 period=YYYY-MM 指明报告期，如 period=2025-06",
        (BadPeriod, Lang::En) => "give the period as period=YYYY-MM, e.g. period=2025-06",
        (NoFile, Lang::Zh) => "请以 multipart/form-data 上传，报表文件放在字段 file 中",
        (NoFile, Lang::En) => "send the return as multipart/form-data, in the field file",
        (TooLarge, Lang::Zh) => "文件超过工作区允许的大小上限，未接收",
        (TooLarge, Lang::En) => "the file is larger than the workspace allows; not received",
        (NotFound, Lang::Zh) => "未找到",
        (NotFound, Lang::En) => "not found",
        (Internal, Lang::Zh) => "服务器处理出错，请稍后重试或联系经办人",
        (Internal, Lang::En) => "the server could not do that; try again later or tell the clerk",
    }
}

/// A county sent a return that names another unit: refused before anything was stored.
pub fn other_unit(own: &str, named: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "该文件是“{named}”的报表，本账号只能报送“{own}”的报表；未入库，此次报送已记录"
        ),
        Lang::En => format!(
            "this file is the return of \"{named}\"; this account may send only \"{own}\"'s; nothing was stored and the attempt was logged"
        ),
    }
}

/// `tongbao serve` is listening (the first line it prints; tests read the address).
pub fn serve_listening(url: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("网上报送已启动：{url}（Ctrl-C 停止，正在处理的上传会先完成）"),
        Lang::En => {
            format!("web intake listening on {url} (Ctrl-C to stop; uploads in hand finish first)")
        }
    }
}

/// `tongbao serve` has stopped.
pub fn serve_stopped(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "网上报送已停止",
        Lang::En => "web intake stopped",
    }
}

/// What is wrong with `tongbao serve --tls-cert PEM --tls-key PEM`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsProblem {
    /// Only one of the two options was given.
    Pair,
    /// A file could not be read (missing, a folder, no permission).
    Unreadable { path: String },
    /// The certificate file holds no PEM certificate.
    NoCertificate { path: String },
    /// The key file holds no PEM private key.
    NoKey { path: String },
    /// rustls refused the pair (a key not of the certificate, an algorithm it lacks).
    Refused { detail: String },
}

/// The sentence of a [`TlsProblem`], for the terminal (nothing starts).
pub fn tls_problem(p: &TlsProblem, lang: Lang) -> String {
    match (p, lang) {
        (TlsProblem::Pair, Lang::Zh) => {
            "--tls-cert 和 --tls-key 须同时给出（证书链和私钥，均为 PEM 文件）；都不给则提供 HTTP".to_string()
        }
        (TlsProblem::Pair, Lang::En) => {
            "give both --tls-cert and --tls-key (the certificate chain and its private key, PEM files), or neither for plain HTTP".to_string()
        }
        (TlsProblem::Unreadable { path }, Lang::Zh) => {
            format!("无法读取 {path}（文件不存在、是文件夹或没有读取权限）")
        }
        (TlsProblem::Unreadable { path }, Lang::En) => {
            format!("cannot read {path} (missing, a folder, or not readable)")
        }
        (TlsProblem::NoCertificate { path }, Lang::Zh) => format!(
            "{path} 中没有 PEM 格式的证书（应含 -----BEGIN CERTIFICATE----- 段，服务器证书在前、中间证书在后）"
        ),
        (TlsProblem::NoCertificate { path }, Lang::En) => format!(
            "{path} holds no PEM certificate (expected -----BEGIN CERTIFICATE----- blocks, the server's first, then intermediates)"
        ),
        (TlsProblem::NoKey { path }, Lang::Zh) => format!(
            "{path} 中没有 PEM 格式的私钥（PKCS#8、PKCS#1 或 SEC1，不能加密）"
        ),
        (TlsProblem::NoKey { path }, Lang::En) => format!(
            "{path} holds no PEM private key (PKCS#8, PKCS#1 or SEC1, not encrypted)"
        ),
        (TlsProblem::Refused { detail }, Lang::Zh) => {
            format!("证书与私钥不能用于 HTTPS（私钥与证书不配对，或算法不受支持）：{detail}")
        }
        (TlsProblem::Refused { detail }, Lang::En) => format!(
            "the certificate and key cannot serve HTTPS (the key is not the certificate's, or its algorithm is not supported): {detail}"
        ),
    }
}

/// `accounts issue --unit NAME` for a name that is no roster unit.
pub fn unknown_unit(name: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "名册中没有“{name}”这个单位（单位名称、别名或代码，见 tongbao.toml 的 [[unit]]）"
        ),
        Lang::En => format!(
            "there is no unit \"{name}\" in the roster (a unit's name, alias or code; see [[unit]] in tongbao.toml)"
        ),
    }
}

/// `accounts issue` with neither `--unit` nor `--clerk`.
pub fn nothing_to_issue(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "请用 --unit 单位名称 或 --clerk 姓名 指明要开设的账号",
        Lang::En => "name the accounts to issue with --unit NAME or --clerk NAME",
    }
}

/// One issued account, for people.
pub fn issued(account: &str, who: &str, password: &str, token: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{account}（{who}）\n  一次性密码：{password}\n  API 令牌：{token}"),
        Lang::En => {
            format!("{account} ({who})\n  one-time password: {password}\n  API token: {token}")
        }
    }
}

/// After the issued accounts: the secrets are shown once.
pub fn issued_once(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "密码和令牌只显示这一次，档案库只保存其散列值；请当面或加密转交，首次登录须修改密码",
        Lang::En => "the passwords and tokens are shown only this once (the archive keeps their hashes); hand them over safely; each password must be changed at first login",
    }
}

/// The role of an account in words.
pub fn role(clerk: bool, lang: Lang) -> &'static str {
    match (clerk, lang) {
        (true, Lang::Zh) => "经办人",
        (true, Lang::En) => "clerk",
        (false, Lang::Zh) => "区县",
        (false, Lang::En) => "county",
    }
}

/// One line of `accounts list`.
pub fn account_line(account: &str, who: &str, revoked: bool, locked: bool, lang: Lang) -> String {
    let mut state = Vec::new();
    if revoked {
        state.push(match lang {
            Lang::Zh => "已停用",
            Lang::En => "revoked",
        });
    }
    if locked {
        state.push(match lang {
            Lang::Zh => "已锁定",
            Lang::En => "locked",
        });
    }
    if state.is_empty() {
        state.push(match lang {
            Lang::Zh => "有效",
            Lang::En => "active",
        });
    }
    format!("  {account:<12} {who:<16} {}", state.join(", "))
}

/// `accounts list` on a workspace without accounts.
pub fn no_accounts(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "尚未开设任何账号（tongbao accounts issue --unit 单位名称）",
        Lang::En => "no accounts yet (tongbao accounts issue --unit NAME)",
    }
}

/// `accounts revoke NAME` done.
pub fn revoked(account: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("已停用账号 {account}：其令牌和登录立即失效"),
        Lang::En => format!("revoked {account}: its token and sessions no longer work"),
    }
}

/// `accounts revoke NAME` for an account there is not.
pub fn no_such_account(account: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("没有名为“{account}”的账号（tongbao accounts list 列出全部账号）"),
        Lang::En => format!("there is no account \"{account}\" (tongbao accounts list shows them)"),
    }
}

/// `accounts issue --clerk NAME` with an empty name, or one that is a unit's code or
/// another role's account.
pub fn bad_clerk_name(name: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("“{name}”不能用作经办人账号名（为空，或与单位代码、区县账号重名）"),
        Lang::En => format!(
            "\"{name}\" cannot name a clerk's account (empty, or a unit's code or a county's account)"
        ),
    }
}

/// The words of the web intake's pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Word {
    Title,
    Login,
    Account,
    Password,
    LoginFailed,
    Locked,
    ChangePassword,
    MustChange,
    NewPassword,
    Again,
    PasswordRules,
    Logout,
    Period,
    File,
    Send,
    YourReturns,
    StatusBoard,
    Unit,
    Status,
    Version,
    Received,
    Verdict,
    Accepted,
    Held,
    Rejected,
    Findings,
    NoFindings,
    Place,
    Value,
    Problem,
    Fix,
    Back,
    Receipt,
    FormExpired,
    Nothing,
    BlankForm,
    Confirm,
    ConfirmNote,
    ConfirmNeedsNote,
    ClerksOnly,
    HeldQuestion,
    HeldAnswers,
    Answer,
    AnswerSend,
    AnswerNeedsText,
    AnswerNotOpen,
    CountyAnswered,
    Chase,
    Home,
    OtherLanguage,
    Submissions,
    Details,
    Submission,
    Errors,
    Warnings,
    Refreshes,
    Bulletin,
    Build,
    Built,
    BuiltFiles,
    NotBuilt,
    DownloadPdf,
    DownloadWorkbook,
    DownloadJson,
    Briefing,
    BriefFrom,
    BriefTo,
    BriefWho,
    BriefWhoHint,
    MakeBrief,
    NoSuchSubmission,
    NotYours,
    BadSpan,
    Show,
}

/// A word of the pages in `lang`.
pub fn word(w: Word, lang: Lang) -> &'static str {
    use Word::*;
    let (zh, en) = match w {
        Title => ("招商引资月报网上报送", "Investment returns: web intake"),
        Login => ("登录", "Log in"),
        Account => ("账号", "Account"),
        Password => ("密码", "Password"),
        LoginFailed => ("账号或密码不正确", "wrong account or password"),
        Locked => (
            "连续登录失败次数过多，账号已暂时锁定，请 15 分钟后再试或联系经办人",
            "too many failed logins: the account is locked for 15 minutes; try later or ask the clerk",
        ),
        ChangePassword => ("修改密码", "Change password"),
        MustChange => (
            "首次登录请先修改一次性密码",
            "change the one-time password before going on",
        ),
        NewPassword => ("新密码", "New password"),
        Again => ("再次输入新密码", "New password again"),
        PasswordRules => (
            "新密码至少 10 个字符，两次输入须一致",
            "the new password needs at least 10 characters, typed the same twice",
        ),
        Logout => ("退出", "Log out"),
        Period => ("报告期", "Period"),
        File => ("报表文件", "Return file"),
        Send => ("报送", "Send"),
        YourReturns => ("本单位报送记录", "Your unit's submissions"),
        StatusBoard => ("报送情况", "Status board"),
        Unit => ("单位", "Unit"),
        Status => ("状态", "Status"),
        Version => ("版本", "Version"),
        Received => ("报送时间", "Received"),
        Verdict => ("审核结果", "Verdict"),
        Accepted => ("已受理", "accepted"),
        Held => ("待核实", "held for verification"),
        Rejected => ("未通过审核", "rejected"),
        Findings => ("发现的问题", "Findings"),
        NoFindings => ("未发现问题", "no findings"),
        Place => ("位置", "Where"),
        Value => ("填写的值", "Value"),
        Problem => ("问题", "Problem"),
        Fix => ("怎么改", "How to fix"),
        Back => ("返回", "Back"),
        Receipt => ("下载回执", "Download the receipt"),
        FormExpired => (
            "页面已过期，请返回重新打开后再提交",
            "the page has expired; go back, reload it and send again",
        ),
        Nothing => ("暂无", "none yet"),
        BlankForm => ("下载本期空白报表", "Download this period's blank form"),
        Confirm => ("核实确认", "Confirm"),
        ConfirmNote => ("核实说明", "Explanation"),
        ConfirmNeedsNote => (
            "请填写核实说明（将印入通报的数据说明）",
            "write the explanation (it is printed in the bulletin's data notes)",
        ),
        ClerksOnly => ("只有经办人可以核实确认", "only a clerk may confirm a return"),
        HeldQuestion => (
            "本报表有需核实的数据（见下表），暂不计入汇总。请说明情况；如数据有误，请改正后重新报送。",
            "This return has figures to verify (below) and is not counted yet. Explain them; if a figure is wrong, correct it and send the return again.",
        ),
        HeldAnswers => ("核实答复", "Answers"),
        Answer => ("情况说明", "Explanation"),
        AnswerSend => ("提交说明", "Send"),
        AnswerNeedsText => (
            "请填写情况说明（不超过 1000 字）",
            "write the explanation (at most 1,000 characters)",
        ),
        AnswerNotOpen => (
            "只有报送单位可以答复本单位待核实的报表",
            "only the unit that sent it may answer for a return held for verification",
        ),
        CountyAnswered => ("单位说明", "The unit says"),
        Chase => ("催报", "Reminder"),
        Home => ("首页", "Home"),
        // The switch names the other language in itself.
        OtherLanguage => ("English", "中文"),
        Submissions => ("报送记录", "Submissions"),
        Details => ("详情", "Details"),
        Submission => ("报送详情", "Submission"),
        Errors => ("错误", "Errors"),
        Warnings => ("提示", "Warnings"),
        Refreshes => (
            "本页每 30 秒自动刷新",
            "this page refreshes itself every 30 seconds",
        ),
        Bulletin => ("通报", "Bulletin"),
        Build => ("生成本期通报", "Build the bulletin"),
        Built => ("本期通报已生成", "The bulletin is built"),
        BuiltFiles => ("本期通报文件", "The bulletin's files"),
        NotBuilt => ("本期通报尚未生成", "not built yet for this period"),
        DownloadPdf => ("下载 PDF", "Download the PDF"),
        DownloadWorkbook => ("下载工作簿（Excel）", "Download the workbook (Excel)"),
        DownloadJson => ("下载数据（JSON）", "Download the data (JSON)"),
        Briefing => ("简报", "Briefing"),
        BriefFrom => ("起始月", "From"),
        BriefTo => ("截止月", "To"),
        BriefWho => ("单位或片区", "Unit or group"),
        BriefWhoHint => ("留空为全部单位", "blank for every unit"),
        MakeBrief => ("生成简报", "Make the briefing"),
        NoSuchSubmission => ("没有这份报送记录", "there is no such submission"),
        NotYours => (
            "这份报送不属于本单位，无权查看",
            "this submission is not your unit's; you may not see it",
        ),
        BadSpan => (
            "请用 YYYY-MM 填写起止月份，且在同一年内、起始月不晚于截止月",
            "give both months as YYYY-MM, within one year, the first not after the last",
        ),
        Show => ("查看", "Show"),
    };
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// A reminder ready to send to the units still to report (催报): those with nothing in,
/// and those whose return did not pass, with the period's deadline.
pub fn reminder(
    period: Period,
    deadline: NaiveDate,
    today: NaiveDate,
    missing: &[String],
    rejected: &[String],
    lang: Lang,
) -> String {
    let day = |d: NaiveDate| match lang {
        Lang::Zh => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
        Lang::En => d.format("%Y-%m-%d").to_string(),
    };
    let mut out = match lang {
        Lang::Zh => format!(
            "【催报】{}年{}月招商引资月报表的报送截止日期为{}。截至{}：",
            period.year,
            period.month,
            day(deadline),
            day(today)
        ),
        Lang::En => format!(
            "[Reminder] Investment returns for {period} are due by {}. As of {}:",
            day(deadline),
            day(today)
        ),
    };
    if !missing.is_empty() {
        out.push_str(&match lang {
            Lang::Zh => format!(
                "\n尚未报送的单位（{}个）：{}。",
                missing.len(),
                missing.join("、")
            ),
            Lang::En => format!(
                "\nnot yet sent ({}): {}.",
                missing.len(),
                missing.join(", ")
            ),
        });
    }
    if !rejected.is_empty() {
        out.push_str(&match lang {
            Lang::Zh => format!(
                "\n报表未通过审核的单位（{}个）：{}，请按回执所列问题修改后重新报送。",
                rejected.len(),
                rejected.join("、")
            ),
            Lang::En => format!(
                "\nsent but not accepted ({}): {}; please correct what the receipt lists and send again.",
                rejected.len(),
                rejected.join(", ")
            ),
        });
    }
    out.push_str(match lang {
        Lang::Zh => "\n请抓紧通过网上报送系统报送。",
        Lang::En => "\nPlease send through the web intake.",
    });
    out
}

/// The status board's tally line: how many units reported, how many of those late, and
/// how many rejected, held and missing.
pub fn tally(
    reported: usize,
    late: usize,
    rejected: usize,
    held: usize,
    missing: usize,
    lang: Lang,
) -> String {
    match lang {
        Lang::Zh => format!(
            "已报送 {reported} 个（其中逾期 {late} 个）· 未通过审核 {rejected} 个 · 待核实 {held} 个 · 未报送 {missing} 个"
        ),
        Lang::En => format!(
            "{reported} accepted ({late} of them late) · {rejected} rejected · {held} held · {missing} missing"
        ),
    }
}

/// A briefing's selection that names no unit or group of the roster.
pub fn no_unit_or_group(name: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("名册中没有名为“{name}”的单位或片区"),
        Lang::En => format!("the roster has no unit or group \"{name}\""),
    }
}
