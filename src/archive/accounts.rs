//! The web intake's accounts (issue 16): who may log in and send returns over HTTP, their
//! sessions, and the audit log of what each did. Secrets are never stored: passwords and
//! API tokens only as argon2 hashes (made by `serve::secrets`), session tokens as sha256
//! of 32 random bytes. The tables are migration 7 of `archive/mod.rs`.

use rusqlite::{params, OptionalExtension};

use super::{Archive, ArchiveError};

/// 7: accounts, sessions, the audit log, and which account sent each submission over the
/// web (with the receipt written for it). (`IF NOT EXISTS`: an archive rolled back to an
/// earlier schema version keeps its accounts.)
pub(super) const ACCOUNTS: &str = "
    CREATE TABLE IF NOT EXISTS account (
        id                   INTEGER PRIMARY KEY,
        name                 TEXT NOT NULL UNIQUE,  -- the login name: a unit's code, or the clerk's name
        role                 TEXT NOT NULL CHECK (role IN ('county', 'clerk')),
        unit_code            TEXT,                  -- a county's unit; NULL for a clerk
        password_hash        TEXT NOT NULL,         -- argon2 (PHC string)
        token_id             TEXT NOT NULL UNIQUE,  -- the public half of the API token
        token_hash           TEXT NOT NULL,         -- argon2 of its secret half
        must_change_password INTEGER NOT NULL DEFAULT 1,
        failed_logins        INTEGER NOT NULL DEFAULT 0,
        locked_until         TEXT,                  -- RFC 3339, UTC
        revoked_at           TEXT,                  -- RFC 3339, UTC; NULL while it may log in
        issued_at            TEXT NOT NULL,
        CHECK ((role = 'county') = (unit_code IS NOT NULL))
    );
    CREATE TABLE IF NOT EXISTS session (
        id          INTEGER PRIMARY KEY,
        token_hash  TEXT NOT NULL UNIQUE,           -- sha256 of the cookie's random token
        account_id  INTEGER NOT NULL REFERENCES account(id),
        csrf_token  TEXT NOT NULL,
        expires_at  TEXT NOT NULL                   -- RFC 3339, UTC
    );
    CREATE TABLE IF NOT EXISTS audit (
        id          INTEGER PRIMARY KEY,
        at          TEXT NOT NULL,                  -- RFC 3339, UTC
        account_id  INTEGER REFERENCES account(id), -- NULL when nobody could be named
        action      TEXT NOT NULL CHECK (action IN ('login', 'login_failed', 'upload', 'refused_other_unit', 'confirm', 'build')),
        detail      TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS web_upload (
        submission_id INTEGER PRIMARY KEY REFERENCES submission(id),
        account_id    INTEGER NOT NULL REFERENCES account(id),
        receipt       TEXT                          -- the receipt's path, when one was written
    );
";

/// 9: a county's answers to the question a held return asks (核实): what the county says of
/// the figure in doubt, kept with who said it and when, every answer (a later one does not
/// replace an earlier). The clerk reads them before confirming the return.
pub(super) const HELD_ANSWERS: &str = "
    CREATE TABLE IF NOT EXISTS held_answer (
        id            INTEGER PRIMARY KEY,
        submission_id INTEGER NOT NULL REFERENCES submission(id),
        account_id    INTEGER NOT NULL REFERENCES account(id),
        at            TEXT NOT NULL,                -- RFC 3339, UTC
        answer        TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS held_answer_by_submission ON held_answer(submission_id);
";

/// A county's answer to a held return's question (核实).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HeldAnswer {
    pub submission_id: i64,
    /// The submission's unit.
    pub unit_code: Option<String>,
    /// RFC 3339, UTC.
    pub at: String,
    /// The account that answered.
    pub account: String,
    pub answer: String,
}

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A county (区县): sends its own unit's returns, sees its own submissions.
    County,
    /// The clerk (经办人): sends any unit's returns, sees the status board, builds.
    Clerk,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::County => "county",
            Role::Clerk => "clerk",
        }
    }

    fn parse(s: &str) -> Option<Role> {
        match s {
            "county" => Some(Role::County),
            "clerk" => Some(Role::Clerk),
            _ => None,
        }
    }
}

/// An account as stored, without its secrets' hashes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Account {
    #[serde(skip)]
    pub id: i64,
    #[serde(rename = "account")]
    pub name: String,
    pub role: Role,
    /// A county's unit code; `None` for a clerk.
    pub unit_code: Option<String>,
    pub must_change_password: bool,
    pub failed_logins: i64,
    pub locked_until: Option<String>,
    pub revoked_at: Option<String>,
    pub issued_at: String,
}

/// An account being issued (or issued again): its secrets already hashed.
#[derive(Debug, Clone)]
pub struct NewAccount<'a> {
    pub name: &'a str,
    pub role: Role,
    pub unit_code: Option<&'a str>,
    pub password_hash: &'a str,
    pub token_id: &'a str,
    pub token_hash: &'a str,
    /// RFC 3339, UTC.
    pub issued_at: &'a str,
}

/// What is audited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    Login,
    LoginFailed,
    Upload,
    RefusedOtherUnit,
    Confirm,
    Build,
}

impl AuditAction {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Login => "login",
            AuditAction::LoginFailed => "login_failed",
            AuditAction::Upload => "upload",
            AuditAction::RefusedOtherUnit => "refused_other_unit",
            AuditAction::Confirm => "confirm",
            AuditAction::Build => "build",
        }
    }
}

/// One row of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditRow {
    pub at: String,
    /// The account's name, when the row names one.
    pub account: Option<String>,
    pub action: String,
    pub detail: String,
}

const ACCOUNT_COLUMNS: &str = "id, name, role, unit_code, must_change_password, failed_logins, locked_until, revoked_at, issued_at";

fn account_row(r: &rusqlite::Row) -> rusqlite::Result<Account> {
    let role: String = r.get(2)?;
    Ok(Account {
        id: r.get(0)?,
        name: r.get(1)?,
        // The CHECK constraint admits only the two roles; anything else reads as a county
        // with no rights beyond its (absent) unit.
        role: Role::parse(&role).unwrap_or(Role::County),
        unit_code: r.get(3)?,
        must_change_password: r.get::<_, i64>(4)? != 0,
        failed_logins: r.get(5)?,
        locked_until: r.get(6)?,
        revoked_at: r.get(7)?,
        issued_at: r.get(8)?,
    })
}

impl Archive {
    /// Issues `new`: a new account, or new secrets for an existing one of that name (its
    /// lockout, failed logins and revocation cleared, its sessions ended).
    pub fn issue_account(&mut self, new: &NewAccount) -> Result<(), ArchiveError> {
        let path = self.path.clone();
        let sql = |source| ArchiveError::Sql {
            path: path.clone(),
            source,
        };
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(&sql)?;
        tx.execute(
            "DELETE FROM session WHERE account_id IN (SELECT id FROM account WHERE name = ?1)",
            params![new.name],
        )
        .map_err(&sql)?;
        tx.execute(
            "INSERT INTO account (name, role, unit_code, password_hash, token_id, token_hash, issued_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT(name) DO UPDATE SET role = excluded.role, unit_code = excluded.unit_code,
                 password_hash = excluded.password_hash, token_id = excluded.token_id,
                 token_hash = excluded.token_hash, issued_at = excluded.issued_at,
                 must_change_password = 1, failed_logins = 0, locked_until = NULL, revoked_at = NULL",
            params![
                new.name,
                new.role.as_str(),
                new.unit_code,
                new.password_hash,
                new.token_id,
                new.token_hash,
                new.issued_at
            ],
        )
        .map_err(&sql)?;
        tx.commit().map_err(&sql)
    }

    /// Every account, by name.
    pub fn accounts(&self) -> Result<Vec<Account>, ArchiveError> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {ACCOUNT_COLUMNS} FROM account ORDER BY name"
            ))
            .map_err(self.sql())?;
        let rows = stmt
            .query_map([], account_row)
            .map_err(self.sql())?
            .collect::<Result<Vec<_>, _>>()
            .map_err(self.sql())?;
        Ok(rows)
    }

    /// Revokes the account `name` at `at` (its sessions ended); `false` when there is no
    /// such account.
    pub fn revoke_account(&mut self, name: &str, at: &str) -> Result<bool, ArchiveError> {
        let path = self.path.clone();
        let sql = |source| ArchiveError::Sql {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(&sql)?;
        tx.execute(
            "DELETE FROM session WHERE account_id IN (SELECT id FROM account WHERE name = ?1)",
            params![name],
        )
        .map_err(&sql)?;
        let n = tx
            .execute(
                "UPDATE account SET revoked_at = COALESCE(revoked_at, ?2) WHERE name = ?1",
                params![name, at],
            )
            .map_err(&sql)?;
        tx.commit().map_err(&sql)?;
        Ok(n > 0)
    }

    /// The account whose API token has the public half `token_id`, with the hash of its
    /// secret half (revoked accounts included: the caller refuses them).
    pub fn account_by_token_id(
        &self,
        token_id: &str,
    ) -> Result<Option<(Account, String)>, ArchiveError> {
        self.conn
            .query_row(
                &format!("SELECT {ACCOUNT_COLUMNS}, token_hash FROM account WHERE token_id = ?1"),
                params![token_id],
                |r| Ok((account_row(r)?, r.get(9)?)),
            )
            .optional()
            .map_err(self.sql())
    }

    /// Keeps a county's answer to the question its held return asks.
    pub fn answer_held(
        &self,
        submission_id: i64,
        account_id: i64,
        at: &str,
        answer: &str,
    ) -> Result<(), ArchiveError> {
        self.conn
            .execute(
                "INSERT INTO held_answer (submission_id, account_id, at, answer) VALUES (?1, ?2, ?3, ?4)",
                params![submission_id, account_id, at, answer],
            )
            .map_err(self.sql())?;
        Ok(())
    }

    /// The answers to one submission's question, oldest first.
    pub fn held_answers(&self, submission_id: i64) -> Result<Vec<HeldAnswer>, ArchiveError> {
        self.held_answers_where("h.submission_id = ?1", submission_id.to_string())
    }

    /// The answers to the questions of the period's current held returns, oldest first.
    pub fn held_answers_of_period(
        &self,
        period: crate::model::Period,
    ) -> Result<Vec<HeldAnswer>, ArchiveError> {
        self.held_answers_where(
            "s.period = ?1 AND s.superseded_by IS NULL AND s.hold = 'held'",
            period.to_string(),
        )
    }

    fn held_answers_where(
        &self,
        condition: &str,
        value: String,
    ) -> Result<Vec<HeldAnswer>, ArchiveError> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT h.submission_id, s.unit_code, h.at, c.name, h.answer FROM held_answer h
                 JOIN account c ON c.id = h.account_id
                 JOIN submission s ON s.id = h.submission_id
                 WHERE {condition} ORDER BY h.id"
            ))
            .map_err(self.sql())?;
        let rows = stmt
            .query_map([value], |r| {
                Ok(HeldAnswer {
                    submission_id: r.get(0)?,
                    unit_code: r.get(1)?,
                    at: r.get(2)?,
                    account: r.get(3)?,
                    answer: r.get(4)?,
                })
            })
            .map_err(self.sql())?
            .collect::<Result<Vec<_>, _>>()
            .map_err(self.sql())?;
        Ok(rows)
    }

    /// Adds a row to the audit log.
    pub fn audit(
        &self,
        at: &str,
        account_id: Option<i64>,
        action: AuditAction,
        detail: &str,
    ) -> Result<(), ArchiveError> {
        self.conn
            .execute(
                "INSERT INTO audit (at, account_id, action, detail) VALUES (?1, ?2, ?3, ?4)",
                params![at, account_id, action.as_str(), detail],
            )
            .map_err(self.sql())?;
        Ok(())
    }

    /// The audit log, oldest first.
    pub fn audit_log(&self) -> Result<Vec<AuditRow>, ArchiveError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT a.at, c.name, a.action, a.detail FROM audit a
                 LEFT JOIN account c ON c.id = a.account_id ORDER BY a.id",
            )
            .map_err(self.sql())?;
        let rows = stmt
            .query_map([], |r| {
                Ok(AuditRow {
                    at: r.get(0)?,
                    account: r.get(1)?,
                    action: r.get(2)?,
                    detail: r.get(3)?,
                })
            })
            .map_err(self.sql())?
            .collect::<Result<Vec<_>, _>>()
            .map_err(self.sql())?;
        Ok(rows)
    }

    /// Records that `account_id` sent submission `submission_id` over the web, and where
    /// its receipt was written.
    pub fn record_web_upload(
        &self,
        submission_id: i64,
        account_id: i64,
        receipt: Option<&str>,
    ) -> Result<(), ArchiveError> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO web_upload (submission_id, account_id, receipt) VALUES (?1, ?2, ?3)",
                params![submission_id, account_id, receipt],
            )
            .map_err(self.sql())?;
        Ok(())
    }

    /// The receipt written for a submission sent over the web, with the unit it is for.
    pub fn web_receipt(
        &self,
        submission_id: i64,
    ) -> Result<Option<(Option<String>, String)>, ArchiveError> {
        self.conn
            .query_row(
                "SELECT s.unit_code, w.receipt FROM web_upload w JOIN submission s ON s.id = w.submission_id
                 WHERE w.submission_id = ?1 AND w.receipt IS NOT NULL",
                params![submission_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(self.sql())
    }

    /// The account `name` with its password's hash, for a login.
    pub fn account_for_login(&self, name: &str) -> Result<Option<(Account, String)>, ArchiveError> {
        self.conn
            .query_row(
                &format!("SELECT {ACCOUNT_COLUMNS}, password_hash FROM account WHERE name = ?1"),
                params![name],
                |r| Ok((account_row(r)?, r.get(9)?)),
            )
            .optional()
            .map_err(self.sql())
    }

    /// Counts a failed login of account `id`; at `lock_after` failures in a row the
    /// account is locked until `lock_until`. Returns whether it is now locked.
    pub fn login_failed(
        &self,
        id: i64,
        lock_after: i64,
        lock_until: &str,
    ) -> Result<bool, ArchiveError> {
        self.conn
            .execute(
                "UPDATE account SET failed_logins = failed_logins + 1,
                     locked_until = CASE WHEN failed_logins + 1 >= ?2 THEN ?3 ELSE locked_until END
                 WHERE id = ?1",
                params![id, lock_after, lock_until],
            )
            .map_err(self.sql())?;
        let failed: i64 = self
            .conn
            .query_row(
                "SELECT failed_logins FROM account WHERE id = ?1",
                params![id],
                |r| r.get(0),
            )
            .map_err(self.sql())?;
        Ok(failed >= lock_after)
    }

    /// A login of account `id` succeeded: its failures are forgotten.
    pub fn login_succeeded(&self, id: i64) -> Result<(), ArchiveError> {
        self.conn
            .execute(
                "UPDATE account SET failed_logins = 0, locked_until = NULL WHERE id = ?1",
                params![id],
            )
            .map_err(self.sql())?;
        Ok(())
    }

    /// Sets account `id`'s password (its hash); it need not be changed again.
    pub fn set_password(&self, id: i64, password_hash: &str) -> Result<(), ArchiveError> {
        self.conn
            .execute(
                "UPDATE account SET password_hash = ?2, must_change_password = 0 WHERE id = ?1",
                params![id, password_hash],
            )
            .map_err(self.sql())?;
        Ok(())
    }

    /// Opens a session of account `id`, known by the hash of its cookie's token.
    pub fn create_session(
        &self,
        token_hash: &str,
        account_id: i64,
        csrf_token: &str,
        expires_at: &str,
    ) -> Result<(), ArchiveError> {
        self.conn
            .execute(
                "INSERT INTO session (token_hash, account_id, csrf_token, expires_at) VALUES (?1, ?2, ?3, ?4)",
                params![token_hash, account_id, csrf_token, expires_at],
            )
            .map_err(self.sql())?;
        Ok(())
    }

    /// The account of a session open at `now` (not expired, account not revoked), with the
    /// session's CSRF token.
    pub fn session(
        &self,
        token_hash: &str,
        now: &str,
    ) -> Result<Option<(Account, String)>, ArchiveError> {
        let columns = ACCOUNT_COLUMNS
            .split(", ")
            .map(|c| format!("a.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        self.conn
            .query_row(
                &format!(
                    "SELECT {columns}, s.csrf_token FROM session s JOIN account a ON a.id = s.account_id
                     WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND a.revoked_at IS NULL"
                ),
                params![token_hash, now],
                |r| Ok((account_row(r)?, r.get(9)?)),
            )
            .optional()
            .map_err(self.sql())
    }

    /// Ends a session (logout), and every session that has expired by `now`.
    pub fn end_session(&self, token_hash: &str, now: &str) -> Result<(), ArchiveError> {
        self.conn
            .execute(
                "DELETE FROM session WHERE token_hash = ?1 OR expires_at <= ?2",
                params![token_hash, now],
            )
            .map_err(self.sql())?;
        Ok(())
    }
}
