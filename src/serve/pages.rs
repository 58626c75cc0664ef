//! The web intake's pages, for people: login (5 failures in a row lock the account for
//! 15 minutes, every attempt audited), the one-time password changed at first login, a
//! county's upload form and verdict with every finding, the clerk's status board. Plain
//! HTML forms, no JavaScript. Sessions are random tokens in `HttpOnly; SameSite=Strict`
//! cookies (the archive keeps their sha256); every form carries a CSRF token: the
//! session's, or before login a double-submit cookie's.

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Form, FromRequestParts, Multipart, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use tower_http::limit::RequestBodyLimitLayer;

use crate::archive::accounts::{Account, AuditAction, Role};
use crate::archive::Archive;
use crate::lang::Lang;
use crate::messages::web::{word, Word};
use crate::model::Period;

use super::api::{receive, take};
use super::auth::{lang_of, ApiError};
use super::{secrets, App};

/// Failed logins in a row that lock an account, and for how long.
const LOCK_AFTER: i64 = 5;
const LOCK_MINUTES: i64 = 15;
/// How long a session lasts.
const SESSION_HOURS: i64 = 8;
const SESSION_COOKIE: &str = "tb_session";
const LOGIN_CSRF_COOKIE: &str = "tb_login_csrf";
const MIN_PASSWORD: usize = 10;

pub(super) fn routes(body_limit: usize) -> Router<Arc<App>> {
    Router::new()
        .route("/", get(home))
        .route("/login", get(login_page).post(login))
        .route("/password", get(password_page).post(change_password))
        .route("/logout", post(logout))
        .route("/form", get(blank_form))
        .route("/confirm", post(confirm))
        .route(
            "/upload",
            post(upload)
                .layer::<_, std::convert::Infallible>(RequestBodyLimitLayer::new(body_limit))
                .layer(DefaultBodyLimit::disable()),
        )
}

/// Text made safe to put in HTML.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A whole page.
fn page(lang: Lang, body: &str) -> Html<String> {
    let html_lang = match lang {
        Lang::Zh => "zh-CN",
        Lang::En => "en",
    };
    Html(format!(
        "<!doctype html><html lang=\"{html_lang}\"><head><meta charset=\"utf-8\"><title>{}</title></head><body><h1>{}</h1>{body}</body></html>",
        word(Word::Title, lang),
        word(Word::Title, lang)
    ))
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn set_cookie(name: &str, value: &str, max_age: i64) -> String {
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}")
}

fn sha256_hex(s: &str) -> String {
    secrets::hex(&Sha256::digest(s.as_bytes()))
}

fn now_plus(minutes: i64) -> String {
    (crate::clock::now_utc() + chrono::Duration::minutes(minutes))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Constant-time comparison of two tokens.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Runs archive work on the blocking pool.
async fn blocking<T: Send + 'static>(
    lang: Lang,
    work: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ApiError::internal(e, lang))?
        .map_err(|e| ApiError::internal(format!("{e:#}"), lang))
}

/// A logged-in visitor; without a session, the page sends them to the login.
struct Visitor {
    account: Account,
    csrf: String,
    token_hash: String,
    lang: Lang,
}

impl FromRequestParts<Arc<App>> for Visitor {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Response> {
        let lang = lang_of(parts);
        let to_login = || Redirect::to("/login").into_response();
        let token = cookie(&parts.headers, SESSION_COOKIE).ok_or_else(to_login)?;
        let token_hash = sha256_hex(&token);
        let path = app.cfg.archive_path();
        let hash = token_hash.clone();
        let found = blocking(lang, move || {
            let archive = Archive::open_for_reading(&path)?;
            Ok(archive.session(&hash, &crate::clock::received_now())?)
        })
        .await
        .map_err(IntoResponse::into_response)?;
        let (account, csrf) = found.ok_or_else(to_login)?;
        Ok(Visitor {
            account,
            csrf,
            token_hash,
            lang,
        })
    }
}

fn login_form(lang: Lang, csrf: &str, message: Option<&str>) -> Html<String> {
    let msg = message.map_or_else(String::new, |m| format!("<p role=\"alert\">{}</p>", esc(m)));
    page(
        lang,
        &format!(
            "<h2>{login}</h2>{msg}<form method=\"post\" action=\"/login\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><p><label>{account} <input name=\"account\" required autocomplete=\"username\"></label></p><p><label>{password} <input type=\"password\" name=\"password\" required autocomplete=\"current-password\"></label></p><p><button type=\"submit\">{login}</button></p></form>",
            login = word(Word::Login, lang),
            account = word(Word::Account, lang),
            password = word(Word::Password, lang),
            csrf = esc(csrf),
        ),
    )
}

/// `GET /login`: the form, with a fresh double-submit CSRF token.
async fn login_page(headers: HeaderMap, parts: LangOf) -> Result<Response, ApiError> {
    let lang = parts.0;
    let csrf = match cookie(&headers, LOGIN_CSRF_COOKIE) {
        Some(c) if c.len() == 32 => c,
        _ => secrets::hex(&secrets::random_bytes::<16>().map_err(|e| ApiError::internal(e, lang))?),
    };
    Ok((
        [(
            header::SET_COOKIE,
            set_cookie(LOGIN_CSRF_COOKIE, &csrf, 3600),
        )],
        login_form(lang, &csrf, None),
    )
        .into_response())
}

/// The language of a request, for pages without a visitor.
struct LangOf(Lang);

impl<S: Send + Sync> FromRequestParts<S> for LangOf {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(LangOf(lang_of(parts)))
    }
}

#[derive(Deserialize)]
struct LoginForm {
    csrf: String,
    account: String,
    password: String,
}

fn expired(lang: Lang) -> Response {
    (
        StatusCode::FORBIDDEN,
        page(
            lang,
            &format!(
                "<p role=\"alert\">{}</p><p><a href=\"/\">{}</a></p>",
                word(Word::FormExpired, lang),
                word(Word::Back, lang)
            ),
        ),
    )
        .into_response()
}

/// `POST /login`: password checked (argon2) unless the account is locked; a failure
/// counts towards the lock; both audited.
async fn login(
    State(app): State<Arc<App>>,
    LangOf(lang): LangOf,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, ApiError> {
    let csrf = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if csrf.is_empty() || !same(&csrf, &form.csrf) {
        return Ok(expired(lang));
    }
    enum Outcome {
        Failed,
        Locked,
        In { token: String, must_change: bool },
    }
    let path = app.cfg.archive_path();
    let outcome = blocking(lang, move || {
        let archive = Archive::open_for_reading(&path)?;
        let now = crate::clock::received_now();
        let name = form.account.trim();
        let Some((account, hash)) = archive.account_for_login(name)? else {
            // Verified all the same, so an unknown name takes as long as a wrong password.
            let _ = secrets::verify(&form.password, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
            archive.audit(&now, None, AuditAction::LoginFailed, &format!("unknown account {name}"))?;
            return Ok(Outcome::Failed);
        };
        if account.revoked_at.is_some() {
            archive.audit(&now, Some(account.id), AuditAction::LoginFailed, "revoked")?;
            return Ok(Outcome::Failed);
        }
        if account.locked_until.as_deref().is_some_and(|t| t > now.as_str()) {
            archive.audit(&now, Some(account.id), AuditAction::LoginFailed, "locked")?;
            return Ok(Outcome::Locked);
        }
        if !secrets::verify(&form.password, &hash) {
            let locked = archive.login_failed(account.id, LOCK_AFTER, &now_plus(LOCK_MINUTES))?;
            let detail = if locked { "wrong password; locked" } else { "wrong password" };
            archive.audit(&now, Some(account.id), AuditAction::LoginFailed, detail)?;
            return Ok(if locked { Outcome::Locked } else { Outcome::Failed });
        }
        archive.login_succeeded(account.id)?;
        let token = secrets::hex(&secrets::random_bytes::<32>()?);
        let session_csrf = secrets::hex(&secrets::random_bytes::<16>()?);
        archive.create_session(
            &sha256_hex(&token),
            account.id,
            &session_csrf,
            &now_plus(SESSION_HOURS * 60),
        )?;
        archive.audit(&now, Some(account.id), AuditAction::Login, "")?;
        Ok(Outcome::In {
            token,
            must_change: account.must_change_password,
        })
    })
    .await?;
    Ok(match outcome {
        Outcome::Failed => (
            StatusCode::UNAUTHORIZED,
            login_form(lang, &csrf, Some(word(Word::LoginFailed, lang))),
        )
            .into_response(),
        Outcome::Locked => (
            StatusCode::TOO_MANY_REQUESTS,
            login_form(lang, &csrf, Some(word(Word::Locked, lang))),
        )
            .into_response(),
        Outcome::In { token, must_change } => (
            [(
                header::SET_COOKIE,
                set_cookie(SESSION_COOKIE, &token, SESSION_HOURS * 3600),
            )],
            Redirect::to(if must_change { "/password" } else { "/" }),
        )
            .into_response(),
    })
}

fn password_form(v: &Visitor, message: Option<&str>) -> Html<String> {
    let lang = v.lang;
    let msg = message.map_or_else(String::new, |m| format!("<p role=\"alert\">{}</p>", esc(m)));
    let must = if v.account.must_change_password {
        format!("<p>{}</p>", word(Word::MustChange, lang))
    } else {
        String::new()
    };
    page(
        lang,
        &format!(
            "<h2>{title}</h2>{must}{msg}<form method=\"post\" action=\"/password\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><p><label>{new} <input type=\"password\" name=\"password\" required minlength=\"{MIN_PASSWORD}\" autocomplete=\"new-password\"></label></p><p><label>{again} <input type=\"password\" name=\"again\" required autocomplete=\"new-password\"></label></p><p>{rules}</p><p><button type=\"submit\">{title}</button></p></form>",
            title = word(Word::ChangePassword, lang),
            new = word(Word::NewPassword, lang),
            again = word(Word::Again, lang),
            rules = word(Word::PasswordRules, lang),
            csrf = esc(&v.csrf),
        ),
    )
}

async fn password_page(v: Visitor) -> Html<String> {
    password_form(&v, None)
}

#[derive(Deserialize)]
struct PasswordForm {
    csrf: String,
    password: String,
    again: String,
}

/// `POST /password`: the new password, hashed; it need not be changed again.
async fn change_password(
    State(app): State<Arc<App>>,
    v: Visitor,
    Form(form): Form<PasswordForm>,
) -> Result<Response, ApiError> {
    if !same(&v.csrf, &form.csrf) {
        return Ok(expired(v.lang));
    }
    if form.password.chars().count() < MIN_PASSWORD || form.password != form.again {
        return Ok((
            StatusCode::BAD_REQUEST,
            password_form(&v, Some(word(Word::PasswordRules, v.lang))),
        )
            .into_response());
    }
    let path = app.cfg.archive_path();
    let id = v.account.id;
    blocking(v.lang, move || {
        let hash = secrets::hash(&form.password)?;
        Archive::open_for_reading(&path)?.set_password(id, &hash)?;
        Ok(())
    })
    .await?;
    Ok(Redirect::to("/").into_response())
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf: String,
}

/// `POST /logout`: the session ends.
async fn logout(
    State(app): State<Arc<App>>,
    v: Visitor,
    Form(form): Form<CsrfForm>,
) -> Result<Response, ApiError> {
    if !same(&v.csrf, &form.csrf) {
        return Ok(expired(v.lang));
    }
    let path = app.cfg.archive_path();
    let hash = v.token_hash.clone();
    blocking(v.lang, move || {
        Archive::open_for_reading(&path)?.end_session(&hash, &crate::clock::received_now())?;
        Ok(())
    })
    .await?;
    Ok((
        [(header::SET_COOKIE, set_cookie(SESSION_COOKIE, "", 0))],
        Redirect::to("/login"),
    )
        .into_response())
}

/// The month returns are being collected for: the one before this month, in the bureau's
/// time zone.
fn open_period(app: &App) -> Option<Period> {
    let today = crate::clock::issue_date_today(app.cfg.time_zone());
    Period::new(
        chrono::Datelike::year(&today),
        chrono::Datelike::month(&today),
    )
    .map(Period::previous)
}

fn logout_form(v: &Visitor) -> String {
    format!(
        "<form method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><button type=\"submit\">{}</button></form>",
        esc(&v.csrf),
        word(Word::Logout, v.lang)
    )
}

/// `GET /`: a county's upload form and submissions, or the clerk's status board.
async fn home(State(app): State<Arc<App>>, v: Visitor) -> Result<Response, ApiError> {
    if v.account.must_change_password {
        return Ok(Redirect::to("/password").into_response());
    }
    let lang = v.lang;
    let period =
        open_period(&app).ok_or_else(|| ApiError::internal("no period for today's date", lang))?;
    let own = v.account.unit_code.clone();
    let own_for_rows = own.clone();
    let role = v.account.role;
    let app2 = Arc::clone(&app);
    let (rows, chase) = blocking(lang, move || {
        let cfg = &app2.cfg;
        let archive = Archive::open_for_reading(&cfg.archive_path())?;
        let mut rows = Vec::new();
        // The units to chase (催报): nothing came, or nothing that passed.
        let mut chase = Chase::default();
        match role {
            Role::Clerk => {
                let report = crate::aggregate::status::status_report(&archive, cfg, period)?;
                for u in &report.units {
                    match u.status {
                        crate::aggregate::ReturnStatus::Missing => {
                            chase.missing.push(u.name.clone())
                        }
                        crate::aggregate::ReturnStatus::Rejected => {
                            chase.rejected.push(u.name.clone());
                        }
                        _ => {}
                    }
                    rows.push((
                        [
                            format!("{} {}", u.code, u.name),
                            u.status.label_in(lang).to_string(),
                            u.version.map_or_else(String::new, |v| v.to_string()),
                            u.received_at.clone().unwrap_or_default(),
                        ],
                        (u.status == crate::aggregate::ReturnStatus::Held).then(|| u.code.clone()),
                    ));
                }
            }
            Role::County => {
                for s in archive.submissions(period)? {
                    if s.unit_code.is_some() && s.unit_code == own_for_rows {
                        rows.push((
                            [
                                s.file_name.clone(),
                                verdict_word(&format!("{:?}", s.verdict).to_lowercase(), lang)
                                    .to_string(),
                                s.version.map_or_else(String::new, |v| v.to_string()),
                                s.received_at.clone(),
                            ],
                            None,
                        ));
                    }
                }
            }
        }
        Ok((rows, chase))
    })
    .await?;
    let table = if rows.is_empty() {
        format!("<p>{}</p>", word(Word::Nothing, lang))
    } else {
        let first = match role {
            Role::Clerk => word(Word::Unit, lang),
            Role::County => word(Word::File, lang),
        };
        // The clerk confirms a held return (核实) from its row, with the explanation the
        // bulletin's data notes will print.
        let confirming = rows.iter().any(|(_, held)| held.is_some());
        let mut t = format!(
            "<table><thead><tr><th>{first}</th><th>{}</th><th>{}</th><th>{}</th>{}</tr></thead><tbody>",
            word(Word::Status, lang),
            word(Word::Version, lang),
            // Times as people at the bureau read them (北京时间), not as stored (UTC).
            match lang {
                Lang::Zh => format!(
                    "{}（{}）",
                    word(Word::Received, lang),
                    crate::clock::time_zone_name(app.cfg.time_zone(), lang)
                ),
                Lang::En => format!(
                    "{} ({})",
                    word(Word::Received, lang),
                    crate::clock::time_zone_name(app.cfg.time_zone(), lang)
                ),
            },
            if confirming {
                format!("<th>{}</th>", word(Word::Confirm, lang))
            } else {
                String::new()
            }
        );
        for (r, held) in &rows {
            let action = match held {
                Some(code) => format!(
                    "<td><form method=\"post\" action=\"/confirm\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><input type=\"hidden\" name=\"unit\" value=\"{code}\"><input type=\"hidden\" name=\"period\" value=\"{period}\"><label>{note} <input name=\"note\" required></label> <button type=\"submit\">{confirm}</button></form></td>",
                    csrf = esc(&v.csrf),
                    code = esc(code),
                    note = word(Word::ConfirmNote, lang),
                    confirm = word(Word::Confirm, lang),
                ),
                None if confirming => "<td></td>".to_string(),
                None => String::new(),
            };
            t.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td>{action}</tr>",
                esc(&r[0]),
                esc(&r[1]),
                esc(&r[2]),
                esc(&crate::clock::local_time(&r[3], app.cfg.time_zone())
                    .unwrap_or_else(|| r[3].clone()))
            ));
        }
        t.push_str("</tbody></table>");
        t
    };
    let body = match role {
        Role::Clerk => {
            // A reminder ready to send (催报), when a unit is to be chased.
            let reminder = if chase.missing.is_empty() && chase.rejected.is_empty() {
                String::new()
            } else {
                let today = crate::clock::issue_date_today(app.cfg.time_zone());
                format!(
                    "<h2>{} ({})</h2><p><textarea readonly rows=\"6\" cols=\"80\">{}</textarea></p>",
                    word(Word::Chase, lang),
                    chase.missing.len() + chase.rejected.len(),
                    esc(&crate::messages::web::reminder(
                        period,
                        app.cfg.deadline(period),
                        today,
                        &chase.missing,
                        &chase.rejected,
                        lang
                    ))
                )
            };
            format!(
                "<p>{}</p>{}<h2>{} {period}</h2>{table}{reminder}",
                esc(&v.account.name),
                logout_form(&v),
                word(Word::StatusBoard, lang)
            )
        }
        Role::County => {
            let unit = own
                .as_deref()
                .and_then(|c| app.cfg.unit_by_code(c))
                .map_or_else(String::new, |u| u.name().to_string());
            format!(
                "<p>{unit}</p>{logout}<form method=\"post\" action=\"/upload\" enctype=\"multipart/form-data\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><p><label>{period_word} <input name=\"period\" value=\"{period}\" required pattern=\"[0-9]{{4}}-[0-9]{{2}}\"></label></p><p><label>{file} <input type=\"file\" name=\"file\" required accept=\".xlsx,.xls,.ods\"></label></p><p><button type=\"submit\">{send}</button></p></form><p><a href=\"/form?period={period}\">{blank}</a></p><h2>{yours} {period}</h2>{table}",
                unit = esc(&unit),
                logout = logout_form(&v),
                csrf = esc(&v.csrf),
                period_word = word(Word::Period, lang),
                file = word(Word::File, lang),
                send = word(Word::Send, lang),
                yours = word(Word::YourReturns, lang),
                blank = word(Word::BlankForm, lang),
            )
        }
    };
    Ok(page(lang, &body).into_response())
}

/// The units of the status board to chase (催报), by roster name.
#[derive(Default)]
struct Chase {
    missing: Vec<String>,
    rejected: Vec<String>,
}

#[derive(Deserialize)]
struct ConfirmForm {
    csrf: String,
    unit: String,
    period: String,
    note: String,
}

/// `POST /confirm` (clerk): confirms the unit's held return of the period with the
/// explanation, as `tongbao confirm` does (the automatic backup first), and audits it.
async fn confirm(
    State(app): State<Arc<App>>,
    v: Visitor,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, ApiError> {
    let lang = v.lang;
    if !same(&v.csrf, &form.csrf) {
        return Ok(expired(lang));
    }
    if v.account.role != Role::Clerk {
        return Ok((
            StatusCode::FORBIDDEN,
            page(
                lang,
                &format!("<p role=\"alert\">{}</p>", word(Word::ClerksOnly, lang)),
            ),
        )
            .into_response());
    }
    let note = form.note.trim().to_string();
    let period = Period::parse_canonical(&form.period);
    let unit = app
        .cfg
        .unit_by_code(form.unit.trim())
        .map(|u| u.code().to_string());
    // The note is printed in a published bulletin: it must say something.
    let (Some(period), Some(unit), true) = (period, unit, note.chars().any(char::is_alphanumeric))
    else {
        return Ok((
            StatusCode::BAD_REQUEST,
            page(
                lang,
                &format!(
                    "<p role=\"alert\">{}</p><p><a href=\"/\">{}</a></p>",
                    word(Word::ConfirmNeedsNote, lang),
                    word(Word::Back, lang)
                ),
            ),
        )
            .into_response());
    };
    let account = v.account.id;
    let app2 = Arc::clone(&app);
    blocking(lang, move || {
        let cfg = &app2.cfg;
        crate::intake::backup_before_change(cfg)?;
        let mut archive = Archive::open_for_writing(&cfg.archive_path())?;
        let now = crate::clock::received_now();
        if archive.confirm(&unit, period, &note, &now)?.is_some() {
            archive.audit(
                &now,
                Some(account),
                AuditAction::Confirm,
                &format!("{unit} {period}: {note}"),
            )?;
        }
        Ok(())
    })
    .await?;
    Ok(Redirect::to("/").into_response())
}

fn verdict_word(status: &str, lang: Lang) -> &'static str {
    match status {
        "accepted" => word(Word::Accepted, lang),
        "held" => word(Word::Held, lang),
        _ => word(Word::Rejected, lang),
    }
}

/// `POST /upload`: the form's file through the same intake as the API; the verdict
/// (已受理 / 待核实 / 未通过审核) with every finding.
async fn upload(
    State(app): State<Arc<App>>,
    v: Visitor,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, Response> {
    let lang = v.lang;
    let fail = |e: ApiError| {
        let (status, message) = e.parts();
        (
            status,
            page(
                lang,
                &format!(
                    "<p role=\"alert\">{}</p><p><a href=\"/\">{}</a></p>",
                    esc(&message),
                    word(Word::Back, lang)
                ),
            ),
        )
            .into_response()
    };
    if v.account.must_change_password {
        return Ok(Redirect::to("/password").into_response());
    }
    let received = receive(&app, multipart, lang).await.map_err(fail)?;
    if !received.csrf.as_deref().is_some_and(|c| same(c, &v.csrf)) {
        return Err(expired(lang));
    }
    let period = received
        .period
        .as_deref()
        .and_then(Period::parse_canonical)
        .ok_or_else(|| {
            fail(ApiError::new(
                crate::messages::web::Refusal::BadPeriod,
                lang,
            ))
        })?;
    let own = v
        .account
        .unit_code
        .clone()
        .filter(|_| v.account.role == Role::County);
    let json = take(
        Arc::clone(&app),
        v.account.clone(),
        own,
        period,
        received,
        lang,
    )
    .await
    .map_err(fail)?;
    Ok(page(lang, &verdict_html(&json, lang)).into_response())
}

/// A verdict and every finding, from the file's ingest JSON.
fn verdict_html(json: &Value, lang: Lang) -> String {
    let s = |v: &Value| v.as_str().unwrap_or("").to_string();
    let mut out = format!(
        "<h2>{}：{}</h2><p>{}</p>",
        word(Word::Verdict, lang),
        verdict_word(json["status"].as_str().unwrap_or(""), lang),
        esc(&s(&json["file"]))
    );
    let findings = json["diagnostics"].as_array().cloned().unwrap_or_default();
    out.push_str(&format!("<h3>{}</h3>", word(Word::Findings, lang)));
    if findings.is_empty() {
        out.push_str(&format!("<p>{}</p>", word(Word::NoFindings, lang)));
    } else {
        out.push_str(&format!(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            word(Word::Place, lang),
            word(Word::Value, lang),
            word(Word::Problem, lang),
            word(Word::Fix, lang)
        ));
        for d in &findings {
            let place = match (d["sheet"].as_str(), d["cell"].as_str()) {
                (Some(sheet), Some(cell)) => format!("{sheet}!{cell}"),
                (Some(sheet), None) => sheet.to_string(),
                _ => String::new(),
            };
            out.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{} {}</td><td>{}</td></tr>",
                esc(&place),
                esc(&s(&d["value"])),
                esc(&s(&d["code"])),
                esc(&s(&d["message"])),
                esc(&s(&d["hint"]))
            ));
        }
        out.push_str("</tbody></table>");
    }
    out.push_str(&format!(
        "<p><a href=\"/\">{}</a></p>",
        word(Word::Back, lang)
    ));
    out
}

#[derive(Deserialize)]
struct PeriodForm {
    period: Option<String>,
}

/// A file name for `Content-Disposition` (RFC 5987: UTF-8, percent-encoded).
fn attachment(name: &str) -> String {
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"form.xlsx\"; filename*=UTF-8''{encoded}")
}

/// `GET /form?period=YYYY-MM` (a county): its blank return for the period, as
/// `tongbao template` makes it.
async fn blank_form(
    State(app): State<Arc<App>>,
    v: Visitor,
    axum::extract::Query(q): axum::extract::Query<PeriodForm>,
) -> Result<Response, ApiError> {
    let lang = v.lang;
    let period = q
        .period
        .as_deref()
        .and_then(Period::parse_canonical)
        .ok_or_else(|| ApiError::new(crate::messages::web::Refusal::BadPeriod, lang))?;
    let Some(code) = v
        .account
        .unit_code
        .clone()
        .filter(|_| v.account.role == Role::County)
    else {
        return Err(ApiError::new(crate::messages::web::Refusal::NotFound, lang));
    };
    let (name, bytes) = blocking(lang, move || {
        let unit = app
            .cfg
            .unit_by_code(&code)
            .ok_or_else(|| anyhow::anyhow!("unit {code} is not in the roster"))?;
        let bytes = crate::render::form::form_workbook(&app.cfg, unit, period, lang)?;
        Ok((crate::render::form::file_name(unit.name(), period), bytes))
    })
    .await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (header::CONTENT_DISPOSITION, attachment(&name)),
        ],
        bytes,
    )
        .into_response())
}
