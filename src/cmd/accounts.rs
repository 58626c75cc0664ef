//! `tongbao accounts issue|list|revoke`: the web intake's accounts. `issue` prints each
//! account's one-time password and API token once (the archive keeps only their argon2
//! hashes); county accounts are named by their roster unit's code.

use std::io::Write;

use serde::Serialize;

use crate::archive::accounts::{NewAccount, Role};
use crate::archive::Archive;
use crate::cli::{AccountsArgs, AccountsCommand, AccountsIssueArgs, GlobalArgs};
use crate::messages::web;
use crate::serve::secrets;

use super::{load_config, Outcome};

pub fn run(global: &GlobalArgs, args: &AccountsArgs) -> anyhow::Result<Outcome> {
    let cfg = load_config(global)?;
    let lang = global.lang;
    match &args.command {
        AccountsCommand::Issue(a) => issue(&cfg, a, lang),
        AccountsCommand::List(a) => {
            let archive = super::open_archive(&cfg)?;
            let accounts = archive.accounts()?;
            let now = crate::clock::received_now();
            let mut out = std::io::stdout().lock();
            if a.json {
                serde_json::to_writer_pretty(&mut out, &accounts)?;
                writeln!(out)?;
            } else if accounts.is_empty() {
                writeln!(out, "{}", web::no_accounts(lang))?;
            } else {
                for acc in &accounts {
                    let who = who(&cfg, acc.role, acc.unit_code.as_deref(), lang);
                    // RFC 3339 times in UTC compare as text.
                    let locked = acc
                        .locked_until
                        .as_deref()
                        .is_some_and(|t| t > now.as_str());
                    writeln!(
                        out,
                        "{}",
                        web::account_line(&acc.name, &who, acc.revoked_at.is_some(), locked, lang)
                    )?;
                }
            }
            Ok(Outcome::Ok)
        }
        AccountsCommand::Revoke(a) => {
            let mut archive = super::open_archive(&cfg)?;
            if !archive.revoke_account(&a.name, &crate::clock::received_now())? {
                anyhow::bail!(web::no_such_account(&a.name, lang));
            }
            println!("{}", web::revoked(&a.name, lang));
            Ok(Outcome::Ok)
        }
    }
}

/// An account's role, and a county's unit, in words.
fn who(
    cfg: &crate::config::Config,
    role: Role,
    unit: Option<&str>,
    lang: crate::lang::Lang,
) -> String {
    match (role, unit) {
        (Role::County, Some(code)) => {
            let name = cfg.unit_by_code(code).map_or(code, |u| u.name());
            format!("{} {name}", web::role(false, lang))
        }
        (Role::County, None) => web::role(false, lang).to_string(),
        (Role::Clerk, _) => web::role(true, lang).to_string(),
    }
}

/// An account to issue, its name checked.
#[derive(Debug, PartialEq, Eq)]
struct Wanted {
    name: String,
    role: Role,
    unit: Option<UnitJson>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct UnitJson {
    code: String,
    name: String,
}

/// One issued account as `accounts issue --json` prints it (docs/cli.md).
#[derive(Serialize)]
struct Issued<'a> {
    account: &'a str,
    role: Role,
    unit: Option<&'a UnitJson>,
    password: String,
    token: String,
}

fn issue(
    cfg: &crate::config::Config,
    args: &AccountsIssueArgs,
    lang: crate::lang::Lang,
) -> anyhow::Result<Outcome> {
    if args.unit.is_empty() && args.clerk.is_empty() {
        anyhow::bail!(web::nothing_to_issue(lang));
    }
    // Every name is checked before any account is issued.
    let mut wanted: Vec<Wanted> = Vec::new();
    for name in &args.unit {
        let unit = cfg
            .find_unit(name)
            .ok_or_else(|| anyhow::anyhow!(web::unknown_unit(name, lang)))?;
        let entry = Wanted {
            name: unit.code().to_string(),
            role: Role::County,
            unit: Some(UnitJson {
                code: unit.code().to_string(),
                name: unit.name().to_string(),
            }),
        };
        if !wanted.contains(&entry) {
            wanted.push(entry);
        }
    }
    for name in &args.clerk {
        let name = crate::text::printable(name.trim()).into_owned();
        if name.is_empty() || cfg.unit_by_code(&name).is_some() {
            anyhow::bail!(web::bad_clerk_name(&name, lang));
        }
        let entry = Wanted {
            name,
            role: Role::Clerk,
            unit: None,
        };
        if !wanted.contains(&entry) {
            wanted.push(entry);
        }
    }
    let mut archive = Archive::open_for_writing(&cfg.archive_path())?;
    let existing = archive.accounts()?;
    for w in &wanted {
        if existing
            .iter()
            .any(|a| a.name == w.name && a.role != w.role)
        {
            anyhow::bail!(web::bad_clerk_name(&w.name, lang));
        }
    }
    let issued_at = crate::clock::received_now();
    let mut shown = Vec::new();
    for w in &wanted {
        let password = secrets::new_password()?;
        let (token_id, secret, token) = secrets::new_token()?;
        archive.issue_account(&NewAccount {
            name: &w.name,
            role: w.role,
            unit_code: w.unit.as_ref().map(|u| u.code.as_str()),
            password_hash: &secrets::hash(&password)?,
            token_id: &token_id,
            token_hash: &secrets::hash(&secret)?,
            issued_at: &issued_at,
        })?;
        shown.push(Issued {
            account: &w.name,
            role: w.role,
            unit: w.unit.as_ref(),
            password,
            token,
        });
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &shown)?;
        writeln!(out)?;
    } else {
        for i in &shown {
            let who = who(cfg, i.role, i.unit.map(|u| u.code.as_str()), lang);
            writeln!(
                out,
                "{}",
                web::issued(i.account, &who, &i.password, &i.token, lang)
            )?;
        }
        writeln!(out, "{}", web::issued_once(lang))?;
    }
    Ok(Outcome::Ok)
}
