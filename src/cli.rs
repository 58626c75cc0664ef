//! The command line (clap derive): the arguments each command takes, parsed into typed
//! settings. The `--help` text is not the doc comments here but `messages::help`'s, in
//! the language `--lang` asks for (Chinese by default), set on clap's command at run time
//! by [`command`].

use std::path::PathBuf;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::lang::Lang;
use crate::model::Period;

/// The command line. Its help is worded in `messages::help`, in the reader's language,
/// and put on clap's command by [`command`]; the doc comments here are for developers.
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
    /// the workspace config (default: tongbao.toml in this folder or a parent)
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// language of messages
    #[arg(long, global = true, value_enum, default_value = "zh")]
    pub lang: Lang,
    /// quiet: no progress bars; check and ingest list only files with findings
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// create a workspace
    ///
    /// Example: tongbao init 招商月报
    Init(InitArgs),
    /// blank return forms, one per unit
    ///
    /// One workbook per unit: unit and period filled in, drop-down lists, instructions, and
    /// summary figures computed from the ledger.
    ///
    /// Example: tongbao template --period 2025-06 --out 报表/2025-06
    Template(TemplateArgs),
    /// check returns without storing them; write receipts
    ///
    /// Example: tongbao check --config samples/tongbao.toml samples/returns/2025-06
    Check(CheckArgs),
    /// check returns, store them in the archive; write receipts
    ///
    /// Example: tongbao ingest --period 2025-06 inbox/2025-06
    Ingest(CheckArgs),
    /// who reported, who is missing or rejected
    ///
    /// Example: tongbao status --period 2025-06
    Status(StatusArgs),
    /// confirm a return held for verification (核实), with the explanation
    ///
    /// A held return is archived but not counted; once verified, this counts it, and the
    /// note is printed in the bulletin's data notes. A resubmission also replaces it.
    ///
    /// Example: tongbao confirm --period 2025-06 --unit 巴南区 --note "5月数据含重复项目，已核减"
    Confirm(ConfirmArgs),
    /// the bulletin for a period: workbook, PDF, JSON
    Build(BuildArgs),
    /// every ledger row behind the figures: file, version, sheet, row, cell, value, sums
    ///
    /// Lists, for the period's accepted returns, each ledger row counted in a figure (file,
    /// version, sheet, row, cell, value) and the sums per unit and for the area, month and
    /// year to date.
    ///
    /// Example: tongbao explain --period 2025-06 --unit 巴南区 --figure signed_amount
    Explain(ExplainArgs),
    /// a one- or two-page briefing for a span and a selection
    ///
    /// Example: tongbao brief --from 2025-04 --to 2025-06 --unit 巴南区
    Brief(BriefArgs),
    /// every project followed across months: the register, or one project's history
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
    /// watch the inbox and ingest files as they arrive
    ///
    /// Example: tongbao watch --period 2025-06 inbox/2025-06   (Ctrl-C to stop)
    Watch(WatchArgs),
    /// re-read every stored original and compare it with the stored rows
    ///
    /// Re-reads every stored original with the current reader and compares its projects
    /// and indicators with the stored rows and their checksum. Exit 0 when all agree, 1
    /// when any differs, 2 when the archive cannot be opened.
    ///
    /// Example: tongbao verify
    Verify(VerifyArgs),
    /// copy the archive consistently to a file or folder
    ///
    /// Copies the archive with SQLite's online backup API (a consistent snapshot even
    /// while others read or write). When DEST is a folder the copy gets a time-stamped
    /// name in it. `ingest` also copies the archive into backups/ before each run.
    ///
    /// Example: tongbao backup D:/备份/
    Backup(BackupArgs),
    /// the web intake: counties send returns over HTTP, the clerk follows and builds
    ///
    /// Example: tongbao serve --listen 127.0.0.1:8080
    Serve(ServeArgs),
    /// the web intake's accounts: issue, list, revoke
    ///
    /// Example: tongbao accounts issue --unit 巴南区 --clerk 张三
    Accounts(AccountsArgs),
    /// the whole pipeline on the bundled samples, into a fresh folder
    ///
    /// Run again, it makes an earlier demo's folder anew; any other folder that is not
    /// empty is left untouched.
    ///
    /// Example: tongbao demo --out tongbao-demo
    Demo(DemoArgs),
}

/// Parses `YYYY-MM`, refusing in the default language; [`command`] makes each period
/// argument refuse in the reader's.
pub fn parse_period(s: &str) -> Result<Period, String> {
    parse_period_in(s, Lang::default())
}

/// Parses `YYYY-MM`, refusing in `lang`.
pub fn parse_period_in(s: &str, lang: Lang) -> Result<Period, String> {
    Period::parse_canonical(s).ok_or_else(|| crate::messages::period_format(s, lang))
}

/// The language the arguments ask for (`--lang en`, `--lang=en`; the last one given),
/// read before they are parsed so that the help and clap's refusals are in it. A value
/// clap would refuse is left to clap: the default is taken here.
pub fn lang_in<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Lang {
    let mut lang = Lang::default();
    let mut args = args.iter().map(|a| a.as_ref().to_string_lossy());
    while let Some(arg) = args.next() {
        if arg == "--" {
            break;
        }
        let value = match arg.strip_prefix("--lang") {
            Some("") => args.next().map(|v| v.into_owned()),
            Some(rest) => rest.strip_prefix('=').map(str::to_string),
            None => None,
        };
        if let Some(l) = value.and_then(|v| Lang::from_str(&v, true).ok()) {
            lang = l;
        }
    }
    lang
}

/// Parses the arguments (the program's name first), with the help in `lang`. Like
/// clap's `Parser::parse`, prints the help, the version or the refusal and exits when
/// that is what the arguments ask for or earn; `tongbao help [COMMAND…]` prints the
/// long help of the command named.
pub fn parse<S: Into<std::ffi::OsString> + Clone>(args: &[S], lang: Lang) -> Cli {
    let mut cmd = command(lang);
    let matches = cmd
        .try_get_matches_from_mut(args.iter().cloned())
        .unwrap_or_else(|e| e.exit());
    if let Some((HELP_COMMAND, m)) = matches.subcommand() {
        cmd.build();
        let mut target = &mut cmd;
        for name in m.get_many::<String>(HELP_COMMAND_ARG).into_iter().flatten() {
            match target.find_subcommand_mut(name) {
                Some(sub) => target = sub,
                None => clap::Error::raw(
                    clap::error::ErrorKind::InvalidSubcommand,
                    crate::messages::unknown_command(name, lang),
                )
                .exit(),
            }
        }
        let _ = target.print_long_help();
        std::process::exit(0);
    }
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.format(&mut cmd).exit())
}

/// The `help` command, ours so that it is worded like the rest.
const HELP_COMMAND: &str = "help";
const HELP_COMMAND_ARG: &str = "command";

/// clap's command with its help, headings and period arguments in `lang`.
pub fn command(lang: Lang) -> clap::Command {
    use crate::messages::help::{chrome, Chrome};
    let help = clap::Command::new(HELP_COMMAND)
        .about(chrome(Chrome::HelpCommand, lang))
        .arg(
            clap::Arg::new(HELP_COMMAND_ARG)
                .num_args(0..)
                .value_name("COMMAND")
                .help(chrome(Chrome::HelpCommandArg, lang))
                .help_heading(chrome(Chrome::Arguments, lang)),
        );
    let cmd = localise(Cli::command(), "", lang).subcommand(with_chrome(help, lang));
    with_chrome(cmd, lang).disable_help_subcommand(true)
}

/// The command at `path` (`""` for tongbao itself, `projects show`) and its subcommands,
/// with their help from the catalogue.
fn localise(mut cmd: clap::Command, path: &str, lang: Lang) -> clap::Command {
    use crate::messages::help::{chrome, help, Chrome};
    let (short, long) = paragraphs(help(path, lang));
    cmd = cmd.about(short).long_about(long);
    let owner = crate::messages::help::args_of(path);
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        let (short, long) = paragraphs(help(&format!("{owner}/{id}"), lang));
        cmd = cmd.mut_arg(&id, |a| {
            let heading = if a.is_positional() {
                Chrome::Arguments
            } else {
                Chrome::Options
            };
            let period = a
                .get_value_names()
                .is_some_and(|names| names.iter().any(|n| n == "YYYY-MM"));
            let takes_values = a.get_action().takes_values();
            let a = a
                .help(short)
                .long_help(long)
                .help_heading(chrome(heading, lang))
                // The values and the default are said in the help's own words.
                .hide_possible_values(takes_values)
                .hide_default_value(takes_values);
            if period {
                a.value_parser(move |s: &str| parse_period_in(s, lang))
            } else {
                a
            }
        });
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    for name in names {
        let sub_path = if path.is_empty() {
            name.clone()
        } else {
            format!("{path} {name}")
        };
        cmd = cmd.mut_subcommand(&name, |sub| {
            with_chrome(localise(sub, &sub_path, lang), lang)
        });
    }
    cmd
}

/// The help's headings and clap's own options (`-h`, `-V`) in `lang`.
fn with_chrome(cmd: clap::Command, lang: Lang) -> clap::Command {
    use crate::messages::help::{chrome, Chrome};
    use clap::{Arg, ArgAction};
    let options = chrome(Chrome::Options, lang);
    cmd.help_template(format!(
        "{{before-help}}{{about-with-newline}}\n{}{{usage}}\n\n{{all-args}}{{after-help}}",
        chrome(Chrome::Usage, lang)
    ))
    .subcommand_help_heading(chrome(Chrome::Commands, lang))
    .disable_help_flag(true)
    .disable_version_flag(true)
    .arg(
        Arg::new("help")
            .short('h')
            .long("help")
            .action(ArgAction::Help)
            .help(chrome(Chrome::HelpFlag, lang))
            .help_heading(options),
    )
    .arg(
        Arg::new("version")
            .short('V')
            .long("version")
            .action(ArgAction::Version)
            .help(chrome(Chrome::VersionFlag, lang))
            .help_heading(options),
    )
}

/// The short help (the first paragraph) and, when there is more, the long help.
fn paragraphs(text: Option<&'static str>) -> (Option<&'static str>, Option<&'static str>) {
    match text {
        Some(t) => match t.split_once("\n\n") {
            Some((first, _)) => (Some(first), Some(t)),
            None => (Some(t), None),
        },
        None => (None, None),
    }
}

/// Output formats of check and ingest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    // Described by the help of --format (`messages::help`).
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// the batch period (default: the period most files are for)
    #[arg(long, value_parser = parse_period, value_name = "YYYY-MM")]
    pub period: Option<Period>,
    /// output format
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// also show notes (unrecognised columns, …)
    #[arg(short, long)]
    pub verbose: bool,
    /// do not write receipts (回执)
    #[arg(long)]
    pub no_receipts: bool,
    /// the receipts folder (default: the config's receipts folder; one subfolder per period)
    #[arg(long, value_name = "DIR", conflicts_with = "no_receipts")]
    pub receipts: Option<PathBuf>,
    /// return files or folders (walked)
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// the period
    #[arg(long, value_parser = parse_period, value_name = "YYYY-MM")]
    pub period: Period,
    /// print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ConfirmArgs {
    /// the period
    #[arg(long, value_parser = parse_period, value_name = "YYYY-MM")]
    pub period: Period,
    /// the unit (name, alias or code)
    #[arg(long, value_name = "NAME")]
    pub unit: String,
    /// the explanation, printed in the bulletin's data notes
    #[arg(long, value_name = "TEXT")]
    pub note: String,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// the period
    #[arg(long, value_parser = parse_period, value_name = "YYYY-MM")]
    pub period: Period,
    /// output folder (default out/YYYY-MM/)
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// date of issue (default today)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<chrono::NaiveDate>,
    /// the number of this issue in the 发文字号 (default: the config's `number`, else the month)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub number: Option<u32>,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// the period
    #[arg(long, value_parser = parse_period, value_name = "YYYY-MM")]
    pub period: Period,
    /// only this unit (name, alias or code)
    #[arg(long, value_name = "NAME")]
    pub unit: Option<String>,
    /// only this figure (its key in the JSON, e.g. signed_amount)
    #[arg(long, value_name = "KEY")]
    pub figure: Option<String>,
    /// print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct ProjectsArgs {
    #[command(subcommand)]
    pub command: Option<ProjectsCommand>,
    /// the period: the register as of this month
    #[arg(long, value_parser = parse_period, value_name = "YYYY-MM", required = true)]
    pub period: Option<Period>,
    /// only this unit (name, alias or code)
    #[arg(long, value_name = "NAME")]
    pub unit: Option<String>,
    /// only 亿元以上 projects signed long enough ago and not started
    #[arg(long, conflicts_with_all = ["follow_up", "conversion"])]
    pub stalled: bool,
    /// the follow-up list: stalled, without funds, vanished
    #[arg(long, conflicts_with = "conversion")]
    pub follow_up: bool,
    /// 开工率, 投产率 and median months to start, per unit and area
    #[arg(long, conflicts_with = "unit")]
    pub conversion: bool,
    /// with --conversion: projects signed in this year (default: the twelve months to the period)
    #[arg(long, value_name = "YYYY", requires = "conversion", value_parser = clap::value_parser!(i32).range(1990..=2100))]
    pub cohort: Option<i32>,
    /// print JSON (documented in docs/cli.md)
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ProjectsCommand {
    /// one project's month-by-month history, with the files it came from
    ///
    /// Example: tongbao projects show 500113:#5001132023001
    Show(ProjectShowArgs),
    /// the clerk says two register entries are one project (wording: messages::help)
    Link(ProjectLinkArgs),
    /// undo a link of the clerk's
    Unlink(ProjectLinkArgs),
}

#[derive(Debug, Args)]
pub struct ProjectLinkArgs {
    /// one entry's id, 项目编号 or name
    #[arg(value_name = "ID_A")]
    pub a: String,
    /// the other entry
    #[arg(value_name = "ID_B")]
    pub b: String,
    /// the clerk's explanation, kept with the link
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    /// who (default: the login name)
    #[arg(long, value_name = "NAME")]
    pub by: Option<String>,
}

#[derive(Debug, Args)]
pub struct ProjectShowArgs {
    /// the project's id (as tongbao projects lists it), or its 项目编号 or name
    #[arg(value_name = "ID")]
    pub id: String,
    /// only the reports up to this month (default: all)
    #[arg(long, value_parser = parse_period, value_name = "YYYY-MM")]
    pub period: Option<Period>,
}

#[derive(Debug, Args)]
pub struct BriefArgs {
    /// the first month of the span
    #[arg(long, value_parser = parse_period, value_name = "YYYY-MM")]
    pub from: Period,
    /// the last month (in the same year)
    #[arg(long, value_parser = parse_period, value_name = "YYYY-MM")]
    pub to: Period,
    /// a unit (name, alias or code; repeatable)
    #[arg(long, value_name = "NAME")]
    pub unit: Vec<String>,
    /// a group (repeatable)
    #[arg(long, value_name = "NAME")]
    pub group: Vec<String>,
    /// only projects of this industry (repeatable)
    #[arg(long, value_name = "NAME")]
    pub industry: Vec<String>,
    /// output folder (default out/简报/)
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// date printed on the briefing (default today)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<chrono::NaiveDate>,
    /// issue number: prints 第N期 under the
    /// masthead (none when not given)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub number: Option<u32>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// the workspace folder
    pub dir: Option<PathBuf>,
    /// also copy the bulletin's wording templates into templates/ for editing
    #[arg(long)]
    pub with_templates: bool,
}

#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// the period the forms are for
    #[arg(long, value_parser = parse_period, value_name = "YYYY-MM")]
    pub period: Period,
    /// only these units (name, alias or code; repeatable; default: every roster unit)
    #[arg(long, value_name = "NAME")]
    pub unit: Vec<String>,
    /// output folder (created if missing)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// the inbox folder (default: the workspace's inbox/, walked)
    pub dir: Option<PathBuf>,
    /// accept only returns for this period (default: each return's own)
    #[arg(long, value_parser = parse_period, value_name = "YYYY-MM")]
    pub period: Option<Period>,
    /// seconds a file must stay unchanged before it is taken (files still being copied are left alone)
    #[arg(long, value_name = "SECONDS", default_value_t = 2.0)]
    pub settle: f64,
    /// seconds between looks at the inbox
    #[arg(long, value_name = "SECONDS", default_value_t = 1.0)]
    pub interval: f64,
    /// take the files that are complete now, then exit
    #[arg(long)]
    pub once: bool,
    /// write no receipts
    #[arg(long)]
    pub no_receipts: bool,
    /// write receipts under this folder (default: the workspace's receipts/)
    #[arg(long, value_name = "DIR")]
    pub receipts: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// the folder (new, empty, or an earlier demo's, which is made anew; default tongbao-demo)
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// the copy's file, or an existing folder (the copy gets a time-stamped name in it)
    #[arg(value_name = "DEST")]
    pub dest: PathBuf,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// the address to listen on (port 0: any free port, printed when listening)
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// serve HTTPS with this certificate chain (PEM); needs --tls-key
    #[arg(long, value_name = "PEM")]
    pub tls_cert: Option<PathBuf>,
    /// the private key (PEM) of --tls-cert
    #[arg(long, value_name = "PEM")]
    pub tls_key: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AccountsArgs {
    #[command(subcommand)]
    pub command: AccountsCommand,
}

#[derive(Debug, Subcommand)]
pub enum AccountsCommand {
    /// new accounts (or new secrets for existing ones), each shown once
    Issue(AccountsIssueArgs),
    /// every account, without secrets
    List(AccountsListArgs),
    /// stop an account: its token and sessions no longer work
    Revoke(AccountsRevokeArgs),
}

#[derive(Debug, Args)]
pub struct AccountsIssueArgs {
    /// a county account for this roster unit (name, alias or code; repeatable)
    #[arg(long, value_name = "NAME")]
    pub unit: Vec<String>,
    /// a clerk's account of this name (repeatable)
    #[arg(long, value_name = "NAME")]
    pub clerk: Vec<String>,
    /// print JSON (documented in docs/cli.md)
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct AccountsListArgs {
    /// print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct AccountsRevokeArgs {
    /// the account's name (as accounts list shows it)
    #[arg(value_name = "ACCOUNT")]
    pub name: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::help::{args_of, help, keys};

    /// Every key the command line asks the catalogue for: each command's path and each
    /// of its arguments (`-h` and `-V` are clap's, worded apart).
    fn asked(cmd: &clap::Command, path: &str, out: &mut Vec<String>) {
        out.push(path.to_string());
        for a in cmd.get_arguments() {
            let id = a.get_id().as_str();
            if id != "help" && id != "version" {
                out.push(format!("{}/{id}", args_of(path)));
            }
        }
        for sub in cmd.get_subcommands() {
            let name = sub.get_name();
            let sub_path = if path.is_empty() {
                name.to_string()
            } else {
                format!("{path} {name}")
            };
            asked(sub, &sub_path, out);
        }
    }

    #[test]
    fn every_command_and_option_has_its_help_in_both_languages_and_no_other() {
        let mut wanted = Vec::new();
        asked(&Cli::command(), "", &mut wanted);
        for key in &wanted {
            for lang in [Lang::Zh, Lang::En] {
                let text = help(key, lang).unwrap_or_else(|| panic!("no help for {key:?}"));
                assert!(!text.trim().is_empty(), "{key:?}");
            }
        }
        for key in keys() {
            assert!(wanted.iter().any(|k| k == key), "{key:?} is no command's");
        }
    }

    #[test]
    fn the_help_is_set_from_the_catalogue_in_the_language_asked() {
        let mut zh = command(Lang::Zh);
        let mut en = command(Lang::En);
        let zh = zh.render_long_help().to_string();
        let en = en.render_long_help().to_string();
        assert!(zh.contains("检查报表，不入库，写回执"), "{zh}");
        assert!(!zh.contains("check returns without storing them"), "{zh}");
        assert!(en.contains("check returns without storing them"), "{en}");
        assert!(!en.contains("检查报表，不入库，写回执"), "{en}");
    }

    #[test]
    fn the_language_is_read_before_the_arguments_are_parsed() {
        assert_eq!(lang_in(&["tongbao", "--help"]), Lang::Zh);
        assert_eq!(lang_in(&["tongbao", "--lang", "en", "--help"]), Lang::En);
        assert_eq!(lang_in(&["tongbao", "check", "--lang=en", "x"]), Lang::En);
        assert_eq!(
            lang_in(&["tongbao", "--lang", "en", "--lang", "zh"]),
            Lang::Zh
        );
        // A value clap refuses leaves the default; a path after `--` is not an option.
        assert_eq!(lang_in(&["tongbao", "--lang", "fr"]), Lang::Zh);
        assert_eq!(lang_in(&["tongbao", "check", "--", "--lang=en"]), Lang::Zh);
    }

    #[test]
    fn the_period_arguments_refuse_in_the_readers_language() {
        let refusal = |lang| {
            command(lang)
                .try_get_matches_from(["tongbao", "status", "--period", "2025-13"])
                .map(|_| ())
                .unwrap_err()
                .to_string()
        };
        assert!(refusal(Lang::Zh).contains("报告期应写成 YYYY-MM"));
        assert!(refusal(Lang::En).contains("the period must be YYYY-MM"));
    }
}
