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
        .route("/answer", post(answer))
        .route("/style.css", get(style))
        .route("/submissions", get(submissions))
        .route("/submission/{id}", get(submission))
        .route("/receipt/{id}", get(receipt))
        .route("/bulletin", get(bulletin_page).post(build))
        .route("/bulletin/{period}/{kind}", get(bulletin_download))
        .route("/brief", get(brief_page).post(brief))
        .route("/brief/{name}", get(brief_download))
        .route(
            "/upload",
            post(upload)
                .layer::<_, std::convert::Infallible>(RequestBodyLimitLayer::new(body_limit))
                .layer(DefaultBodyLimit::disable()),
        )
        .layer(axum::middleware::from_fn(remember_lang))
}

/// The cookie that keeps the language a visitor switched to (`?lang=en`, `?lang=zh`).
/// `auth::lang_of` reads it.
const LANG_COOKIE: &str = "tb_lang";

/// A page asked for with `?lang=en` or `?lang=zh` keeps that language for the pages after
/// it (a cookie), so the switch in the header bar holds.
async fn remember_lang(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let wanted = req.uri().query().and_then(|q| {
        q.split('&').find_map(|p| match p {
            "lang=en" => Some("en"),
            "lang=zh" => Some("zh"),
            _ => None,
        })
    });
    let mut response = next.run(req).await;
    if let Some(l) = wanted {
        if let Ok(v) = header::HeaderValue::from_str(&set_cookie(LANG_COOKIE, l, 365 * 86400)) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

/// The pages' stylesheet (served by the binary: the CSP allows only this origin's).
const STYLE: &str = include_str!("style.css");

async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        STYLE,
    )
        .into_response()
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

/// A whole page, for a visitor not logged in.
fn page(lang: Lang, body: &str) -> Html<String> {
    page_with(lang, "", "", body)
}

/// A whole page: extra `<head>` elements, the header bar, the body.
fn page_with(lang: Lang, head: &str, bar: &str, body: &str) -> Html<String> {
    let html_lang = match lang {
        Lang::Zh => "zh-CN",
        Lang::En => "en",
    };
    let bar = if bar.is_empty() {
        format!(
            "<header class=\"bar\"><span class=\"site\">{}</span><span class=\"grow\"></span><a href=\"?lang={}\">{}</a></header>",
            word(Word::Title, lang),
            other_lang(lang),
            word(Word::OtherLanguage, lang)
        )
    } else {
        bar.to_string()
    };
    Html(format!(
        "<!doctype html><html lang=\"{html_lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><link rel=\"stylesheet\" href=\"/style.css\">{head}</head><body>{bar}<main>{body}</main></body></html>",
        word(Word::Title, lang),
    ))
}

/// `en` in Chinese, `zh` in English: what the switch asks for.
fn other_lang(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "en",
        Lang::En => "zh",
    }
}

/// A logged-in visitor's page: the header bar (the site, the visitor's pages, the
/// account, the period, the language switch, logout), then the body.
fn visitor_page(v: &Visitor, period: Option<Period>, head: &str, body: &str) -> Html<String> {
    let lang = v.lang;
    let mut links = format!("<a href=\"/\">{}</a>", word(Word::Home, lang));
    if v.account.role == Role::Clerk {
        for (href, w) in [
            ("/submissions", Word::Submissions),
            ("/bulletin", Word::Bulletin),
            ("/brief", Word::Briefing),
        ] {
            let q = period
                .filter(|_| href != "/brief")
                .map_or_else(String::new, |p| format!("?period={p}"));
            links.push_str(&format!("<a href=\"{href}{q}\">{}</a>", word(w, lang)));
        }
    } else {
        links.push_str(&format!(
            "<a href=\"/submissions\">{}</a>",
            word(Word::Submissions, lang)
        ));
    }
    let period = period.map_or_else(String::new, |p| {
        format!(
            "<span class=\"period\">{} {p}</span>",
            word(Word::Period, lang)
        )
    });
    // A county's account is its unit's code: the unit's name says more.
    let who = match v.unit_name.as_deref() {
        Some(name) => match lang {
            Lang::Zh => format!("{name}（{}）", v.account.name),
            Lang::En => format!("{name} ({})", v.account.name),
        },
        None => v.account.name.clone(),
    };
    let bar = format!(
        "<header class=\"bar\"><span class=\"site\">{title}</span><nav>{links}</nav><span class=\"grow\"></span>{period}<span class=\"who\">{who}</span><a href=\"?lang={other}\">{switch}</a>{logout}</header>",
        title = word(Word::Title, lang),
        who = esc(&who),
        other = other_lang(lang),
        switch = word(Word::OtherLanguage, lang),
        logout = logout_form(v),
    );
    page_with(lang, head, &bar, body)
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
    /// A county's unit's roster name.
    unit_name: Option<String>,
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
        let unit_name = account
            .unit_code
            .as_deref()
            .and_then(|c| app.cfg.unit_by_code(c))
            .map(|u| u.name().to_string());
        Ok(Visitor {
            account,
            unit_name,
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
            "<h1>{login}</h1>{msg}<form method=\"post\" action=\"/login\" class=\"fields\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><label for=\"account\">{account}</label><input id=\"account\" name=\"account\" required autocomplete=\"username\"><label for=\"password\">{password}</label><input id=\"password\" type=\"password\" name=\"password\" required autocomplete=\"current-password\"><span></span><button type=\"submit\">{login}</button></form>",
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
    // A turn at argon2, as the API's tokens take (see `App::hashing`): logins at once
    // cannot take more memory than that bound.
    let _turn = app
        .hashing
        .acquire()
        .await
        .map_err(|e| ApiError::internal(e, lang))?;
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
    visitor_page(
        v,
        None,
        "",
        &format!(
            "<h1>{title}</h1>{must}{msg}<p class=\"note\">{rules}</p><form method=\"post\" action=\"/password\" class=\"fields\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><label for=\"password\">{new}</label><input id=\"password\" type=\"password\" name=\"password\" required minlength=\"{MIN_PASSWORD}\" autocomplete=\"new-password\"><label for=\"again\">{again}</label><input id=\"again\" type=\"password\" name=\"again\" required autocomplete=\"new-password\"><span></span><button type=\"submit\">{title}</button></form>",
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
    let _turn = app
        .hashing
        .acquire()
        .await
        .map_err(|e| ApiError::internal(e, v.lang))?;
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

#[derive(Deserialize)]
struct PeriodForm {
    period: Option<String>,
}

/// The period of `?period=YYYY-MM`, or the open one when none is asked for (a period
/// that cannot be read is refused).
fn period_asked(
    app: &App,
    q: Result<axum::extract::Query<PeriodForm>, axum::extract::rejection::QueryRejection>,
    lang: Lang,
) -> Result<Period, ApiError> {
    let bad = || ApiError::new(crate::messages::web::Refusal::BadPeriod, lang);
    match q {
        Ok(axum::extract::Query(PeriodForm { period: Some(p) })) if !p.trim().is_empty() => {
            Period::parse_canonical(p.trim()).ok_or_else(bad)
        }
        Ok(_) => {
            open_period(app).ok_or_else(|| ApiError::internal("no period for today's date", lang))
        }
        Err(_) => Err(bad()),
    }
}

/// The column heading of times, named with the bureau's time zone (北京时间).
fn received_heading(app: &App, lang: Lang) -> String {
    let zone = crate::clock::time_zone_name(app.cfg.time_zone(), lang);
    match lang {
        Lang::Zh => format!("{}（{zone}）", word(Word::Received, lang)),
        Lang::En => format!("{} ({zone})", word(Word::Received, lang)),
    }
}

/// A stored time as people at the bureau read it.
fn local(app: &App, utc: &str) -> String {
    crate::clock::local_time(utc, app.cfg.time_zone()).unwrap_or_else(|| utc.to_string())
}

/// A submission's verdict in words.
fn verdict_of(v: crate::model::Verdict, lang: Lang) -> &'static str {
    match v {
        crate::model::Verdict::Accepted => word(Word::Accepted, lang),
        crate::model::Verdict::Held => word(Word::Held, lang),
        crate::model::Verdict::Rejected => word(Word::Rejected, lang),
    }
}

/// A submission row's links: its findings, and its receipt when it was sent over the web.
fn submission_links(id: i64, has_receipt: bool, lang: Lang) -> String {
    let mut out = format!(
        "<a href=\"/submission/{id}\">{}</a>",
        word(Word::Details, lang)
    );
    if has_receipt {
        out.push_str(&format!(
            " · <a href=\"/receipt/{id}\">{}</a>",
            word(Word::Receipt, lang)
        ));
    }
    out
}

/// `GET /[?period=YYYY-MM]`: a county's upload form and submissions, or the clerk's
/// status board (which refreshes itself every 30 s, so it changes as files arrive).
async fn home(
    State(app): State<Arc<App>>,
    v: Visitor,
    q: Result<axum::extract::Query<PeriodForm>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    if v.account.must_change_password {
        return Ok(Redirect::to("/password").into_response());
    }
    let lang = v.lang;
    let period = period_asked(&app, q, lang)?;
    match v.account.role {
        Role::Clerk => board(app, v, period).await,
        Role::County => county_home(app, v, period).await,
    }
}

/// The clerk's status board of `period`.
async fn board(app: Arc<App>, v: Visitor, period: Period) -> Result<Response, ApiError> {
    let lang = v.lang;
    let app2 = Arc::clone(&app);
    let report = blocking(lang, move || {
        let cfg = &app2.cfg;
        let archive = Archive::open_for_reading(&cfg.archive_path())?;
        let report = crate::aggregate::status::status_report(&archive, cfg, period)?;
        Ok((report, archive.held_answers_of_period(period)?))
    })
    .await?;
    let (report, answers) = report;
    // Each held unit's latest answer (核实答复), shown on its row and offered as the note.
    let answer_of = |code: &str| {
        answers
            .iter()
            .rev()
            .find(|a| a.unit_code.as_deref() == Some(code))
    };
    use crate::aggregate::ReturnStatus as S;
    // The units to chase (催报): nothing came, or nothing that passed.
    let mut chase = Chase::default();
    let (mut reported, mut late, mut held) = (0, 0, 0);
    let confirming = report.units.iter().any(|u| u.status == S::Held);
    let mut t = format!(
        "<table class=\"board\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th>{}</tr></thead><tbody>",
        word(Word::Unit, lang),
        word(Word::Status, lang),
        word(Word::Version, lang),
        received_heading(&app, lang),
        if confirming {
            format!("<th>{}</th>", word(Word::Confirm, lang))
        } else {
            String::new()
        }
    );
    for u in &report.units {
        match u.status {
            S::Missing => chase.missing.push(u.name.clone()),
            S::Rejected => chase.rejected.push(u.name.clone()),
            S::Held => held += 1,
            S::Accepted => {
                reported += 1;
                if u.late {
                    late += 1;
                }
            }
        }
        let class = match u.status {
            S::Accepted => "ok",
            S::Held => "held",
            S::Rejected => "bad",
            S::Missing => "missing",
        };
        // The clerk confirms a held return (核实) from its row, with the explanation the
        // bulletin's data notes will print.
        let action = if u.status == S::Held {
            let answered = answer_of(&u.code);
            format!(
                "<td>{said}<form method=\"post\" action=\"/confirm\" class=\"inline\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><input type=\"hidden\" name=\"unit\" value=\"{code}\"><input type=\"hidden\" name=\"period\" value=\"{period}\"><label>{note} <input name=\"note\" value=\"{value}\" required></label> <button type=\"submit\">{confirm}</button></form></td>",
                said = answered.map_or_else(String::new, |a| format!(
                    "<p class=\"answer\">{}：{}</p>",
                    word(Word::CountyAnswered, lang),
                    esc(&a.answer)
                )),
                csrf = esc(&v.csrf),
                code = esc(&u.code),
                value = answered.map_or_else(String::new, |a| esc(&a.answer)),
                note = word(Word::ConfirmNote, lang),
                confirm = word(Word::Confirm, lang),
            )
        } else if confirming {
            "<td></td>".to_string()
        } else {
            String::new()
        };
        t.push_str(&format!(
            "<tr class=\"{class}\"><td>{} {}</td><td>{}</td><td>{}</td><td>{}</td>{action}</tr>",
            esc(&u.code),
            esc(&u.name),
            esc(u.status.label_in(lang)),
            u.version.map_or_else(String::new, |v| v.to_string()),
            esc(&u
                .received_at
                .as_deref()
                .map(|r| local(&app, r))
                .unwrap_or_default()),
        ));
    }
    t.push_str("</tbody></table>");
    let tally = crate::messages::web::tally(
        reported,
        late,
        chase.rejected.len(),
        held,
        chase.missing.len(),
        lang,
    );
    // A reminder ready to send (催报), when a unit is to be chased.
    let reminder = if chase.missing.is_empty() && chase.rejected.is_empty() {
        String::new()
    } else {
        let today = crate::clock::issue_date_today(app.cfg.time_zone());
        format!(
            "<h2>{} ({})</h2><p><textarea readonly rows=\"6\">{}</textarea></p>",
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
    let body = format!(
        "<h1>{board} {period}</h1><p class=\"tally\">{tally}</p><p class=\"note\">{refresh}</p>{t}{reminder}",
        board = word(Word::StatusBoard, lang),
        tally = esc(&tally),
        refresh = word(Word::Refreshes, lang),
    );
    Ok(visitor_page(
        &v,
        Some(period),
        "<meta http-equiv=\"refresh\" content=\"30\">",
        &body,
    )
    .into_response())
}

/// A county's page for `period`: the upload form, the blank form, its submissions.
async fn county_home(app: Arc<App>, v: Visitor, period: Period) -> Result<Response, ApiError> {
    let lang = v.lang;
    let own = v.account.unit_code.clone();
    let table = submissions_table(&app, &v, period).await?;
    let unit = own
        .as_deref()
        .and_then(|c| app.cfg.unit_by_code(c))
        .map_or_else(String::new, |u| u.name().to_string());
    let body = format!(
        "<h1>{unit}</h1><form method=\"post\" action=\"/upload\" enctype=\"multipart/form-data\" class=\"fields\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><label for=\"period\">{period_word}</label><input id=\"period\" name=\"period\" value=\"{period}\" required pattern=\"[0-9]{{4}}-[0-9]{{2}}\"><label for=\"file\">{file}</label><input id=\"file\" type=\"file\" name=\"file\" required accept=\".xlsx,.xls,.ods\"><span></span><button type=\"submit\">{send}</button></form><p><a href=\"/form?period={period}\">{blank}</a></p><h2>{yours} {period}</h2>{table}",
        unit = esc(&unit),
        csrf = esc(&v.csrf),
        period_word = word(Word::Period, lang),
        file = word(Word::File, lang),
        send = word(Word::Send, lang),
        yours = word(Word::YourReturns, lang),
        blank = word(Word::BlankForm, lang),
    );
    Ok(visitor_page(&v, Some(period), "", &body).into_response())
}

/// The period's submissions a visitor may see (a county its own unit's, the clerk all),
/// newest first, each with its findings and receipt.
async fn submissions_table(
    app: &Arc<App>,
    v: &Visitor,
    period: Period,
) -> Result<String, ApiError> {
    let lang = v.lang;
    let own = match v.account.role {
        Role::Clerk => None,
        Role::County => Some(v.account.unit_code.clone().unwrap_or_default()),
    };
    let clerk = own.is_none();
    let app2 = Arc::clone(app);
    let rows = blocking(lang, move || {
        let archive = Archive::open_for_reading(&app2.cfg.archive_path())?;
        let mut rows = Vec::new();
        for s in archive.submissions(period)? {
            if own.is_some() && s.unit_code != own {
                continue;
            }
            let receipt = archive.web_receipt(s.id)?.is_some();
            rows.push((s, receipt));
        }
        rows.reverse();
        Ok(rows)
    })
    .await?;
    if rows.is_empty() {
        return Ok(format!("<p>{}</p>", word(Word::Nothing, lang)));
    }
    let mut t = String::from("<table><thead><tr>");
    if clerk {
        t.push_str(&format!("<th>{}</th>", word(Word::Unit, lang)));
    }
    for w in [Word::File, Word::Status, Word::Version] {
        t.push_str(&format!("<th>{}</th>", word(w, lang)));
    }
    t.push_str(&format!(
        "<th>{}</th><th>{}</th><th>{}</th><th></th></tr></thead><tbody>",
        received_heading(app, lang),
        word(Word::Errors, lang),
        word(Word::Warnings, lang)
    ));
    for (s, receipt) in &rows {
        t.push_str("<tr>");
        if clerk {
            let unit = s.unit_code.as_deref().map_or_else(String::new, |c| {
                let name = app.cfg.unit_by_code(c).map_or("", |u| u.name());
                format!("{c} {name}")
            });
            t.push_str(&format!("<td>{}</td>", esc(&unit)));
        }
        t.push_str(&format!(
            "<td class=\"file\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&s.file_name),
            verdict_of(s.verdict, lang),
            s.version.map_or_else(String::new, |v| v.to_string()),
            esc(&local(app, &s.received_at)),
            s.errors,
            s.warnings,
            submission_links(s.id, *receipt, lang)
        ));
    }
    t.push_str("</tbody></table>");
    Ok(t)
}

/// A page that says why not, with its status.
fn refused(v: &Visitor, status: StatusCode, message: &str) -> Response {
    (
        status,
        visitor_page(
            v,
            None,
            "",
            &format!(
                "<p role=\"alert\">{}</p><p><a href=\"/\">{}</a></p>",
                esc(message),
                word(Word::Back, v.lang)
            ),
        ),
    )
        .into_response()
}

/// The page refusing a county a clerk's page or form (403), or `None` for a clerk.
fn clerks_only(v: &Visitor) -> Option<Response> {
    (v.account.role != Role::Clerk).then(|| {
        refused(
            v,
            StatusCode::FORBIDDEN,
            crate::messages::web::refusal(crate::messages::web::Refusal::Forbidden, v.lang),
        )
    })
}

/// `GET /submissions[?period=YYYY-MM]`: the period's submissions (a county: its own).
async fn submissions(
    State(app): State<Arc<App>>,
    v: Visitor,
    q: Result<axum::extract::Query<PeriodForm>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    if v.account.must_change_password {
        return Ok(Redirect::to("/password").into_response());
    }
    let lang = v.lang;
    let period = period_asked(&app, q, lang)?;
    let table = submissions_table(&app, &v, period).await?;
    let body = format!(
        "<h1>{} {period}</h1><form method=\"get\" action=\"/submissions\" class=\"inline\"><label>{} <input name=\"period\" value=\"{period}\" pattern=\"[0-9]{{4}}-[0-9]{{2}}\"></label> <button type=\"submit\">{}</button></form>{table}",
        word(Word::Submissions, lang),
        word(Word::Period, lang),
        word(Word::Show, lang),
    );
    Ok(visitor_page(&v, Some(period), "", &body).into_response())
}

/// `GET /submission/{id}`: one submission's verdict and every finding, with its receipt
/// (a county: its own unit's only, 403 otherwise).
async fn submission(
    State(app): State<Arc<App>>,
    v: Visitor,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Response, ApiError> {
    if v.account.must_change_password {
        return Ok(Redirect::to("/password").into_response());
    }
    let lang = v.lang;
    let Ok(id) = id.parse::<i64>() else {
        return Ok(refused(
            &v,
            StatusCode::NOT_FOUND,
            word(Word::NoSuchSubmission, lang),
        ));
    };
    let app2 = Arc::clone(&app);
    let found = blocking(lang, move || {
        let archive = Archive::open_for_reading(&app2.cfg.archive_path())?;
        let Some(s) = archive.submission(id)? else {
            return Ok(None);
        };
        let findings = archive.diagnostics_of(id)?.unwrap_or_default();
        let receipt = archive.web_receipt(id)?.is_some();
        let answers = archive.held_answers(id)?;
        Ok(Some((s, findings, receipt, answers)))
    })
    .await?;
    let Some((s, findings, receipt, answers)) = found else {
        return Ok(refused(
            &v,
            StatusCode::NOT_FOUND,
            word(Word::NoSuchSubmission, lang),
        ));
    };
    if v.account.role == Role::County
        && (s.unit_code.is_none() || s.unit_code != v.account.unit_code)
    {
        return Ok(refused(
            &v,
            StatusCode::FORBIDDEN,
            word(Word::NotYours, lang),
        ));
    }
    let findings: Vec<Value> = findings
        .iter()
        .filter_map(|d| serde_json::to_value(d.to_json(lang)).ok())
        .collect();
    let unit = s.unit_code.as_deref().map_or_else(String::new, |c| {
        let name = app.cfg.unit_by_code(c).map_or("", |u| u.name());
        format!("{c} {name}")
    });
    let mut body = format!(
        "<h1>{} {}</h1><table class=\"facts\"><tbody><tr><th>{}</th><td>{}</td></tr><tr><th>{}</th><td>{}</td></tr><tr><th>{}</th><td>{}</td></tr><tr><th>{}</th><td>{}</td></tr><tr><th>{}</th><td>{}</td></tr></tbody></table>",
        word(Word::Submission, lang),
        s.period.map_or_else(String::new, |p| p.to_string()),
        word(Word::Unit, lang),
        esc(&unit),
        word(Word::File, lang),
        esc(&s.file_name),
        word(Word::Verdict, lang),
        verdict_of(s.verdict, lang),
        word(Word::Version, lang),
        s.version.map_or_else(String::new, |v| v.to_string()),
        received_heading(&app, lang),
        esc(&local(&app, &s.received_at)),
    );
    if receipt {
        body.push_str(&format!(
            "<p><a href=\"/receipt/{id}\">{}</a></p>",
            word(Word::Receipt, lang)
        ));
    }
    body.push_str(&findings_html(&findings, lang));
    body.push_str(&held_question_html(&v, &app, &s, &answers));
    body.push_str(&format!(
        "<p><a href=\"/submissions{}\">{}</a></p>",
        s.period
            .map_or_else(String::new, |p| format!("?period={p}")),
        word(Word::Back, lang)
    ));
    Ok(visitor_page(&v, s.period, "", &body).into_response())
}

/// `GET /receipt/{id}`: the receipt of a return sent over the web (a county: its own).
async fn receipt(
    State(app): State<Arc<App>>,
    v: Visitor,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Response, ApiError> {
    let lang = v.lang;
    let id: i64 = id
        .parse()
        .map_err(|_| ApiError::new(crate::messages::web::Refusal::NotFound, lang))?;
    let own = match v.account.role {
        Role::Clerk => None,
        Role::County => Some(v.account.unit_code.clone().unwrap_or_default()),
    };
    let bytes = tokio::task::spawn_blocking(move || {
        super::api::receipt_bytes(&app.cfg, id, own.as_deref(), lang)
    })
    .await
    .map_err(|e| ApiError::internal(e, lang))??;
    Ok((
        [
            (header::CONTENT_TYPE, super::api::XLSX.to_string()),
            (
                header::CONTENT_DISPOSITION,
                attachment(&format!("回执-{id}.xlsx")),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /bulletin[?period=YYYY-MM]` (clerk): the period's built files and the form that
/// builds them.
async fn bulletin_page(
    State(app): State<Arc<App>>,
    v: Visitor,
    q: Result<axum::extract::Query<PeriodForm>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    if v.account.must_change_password {
        return Ok(Redirect::to("/password").into_response());
    }
    if let Some(refusal) = clerks_only(&v) {
        return Ok(refusal);
    }
    let period = period_asked(&app, q, v.lang)?;
    Ok(bulletin_html(&app, &v, period, None).await?.into_response())
}

/// The bulletin page: `built` says the build just done.
async fn bulletin_html(
    app: &Arc<App>,
    v: &Visitor,
    period: Period,
    message: Option<&str>,
) -> Result<Html<String>, ApiError> {
    let lang = v.lang;
    let app2 = Arc::clone(app);
    let present = blocking(lang, move || {
        let dir = super::api::bulletin_dir(&app2.cfg, period);
        Ok(["pdf", "xlsx", "json"]
            .into_iter()
            .filter(|k| {
                super::api::bulletin_file_of(period, k)
                    .is_some_and(|(name, _)| dir.join(name).is_file())
            })
            .collect::<Vec<_>>())
    })
    .await?;
    let files = if present.is_empty() {
        format!("<p>{}</p>", word(Word::NotBuilt, lang))
    } else {
        let mut ul = String::from("<ul class=\"downloads\">");
        for k in present {
            let w = match k {
                "pdf" => Word::DownloadPdf,
                "xlsx" => Word::DownloadWorkbook,
                _ => Word::DownloadJson,
            };
            ul.push_str(&format!(
                "<li><a href=\"/bulletin/{period}/{k}\" id=\"download-{k}\">{}</a></li>",
                word(w, lang)
            ));
        }
        ul.push_str("</ul>");
        ul
    };
    let message = message.map_or_else(String::new, |m| {
        format!("<p role=\"status\" class=\"done\">{}</p>", esc(m))
    });
    let body = format!(
        "<h1>{title} {period}</h1>{message}<form method=\"post\" action=\"/bulletin\" class=\"fields\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><label for=\"period\">{period_word}</label><input id=\"period\" name=\"period\" value=\"{period}\" required pattern=\"[0-9]{{4}}-[0-9]{{2}}\"><span></span><button type=\"submit\">{build}</button></form><h2>{built}</h2>{files}",
        title = word(Word::Bulletin, lang),
        csrf = esc(&v.csrf),
        period_word = word(Word::Period, lang),
        build = word(Word::Build, lang),
        built = word(Word::BuiltFiles, lang),
    );
    Ok(visitor_page(v, Some(period), "", &body))
}

#[derive(Deserialize)]
struct BuildForm {
    csrf: String,
    period: String,
}

/// `POST /bulletin` (clerk): builds the period's bulletin as `POST /api/v1/build` does,
/// then offers its files.
async fn build(
    State(app): State<Arc<App>>,
    v: Visitor,
    Form(form): Form<BuildForm>,
) -> Result<Response, ApiError> {
    let lang = v.lang;
    if !same(&v.csrf, &form.csrf) {
        return Ok(expired(lang));
    }
    if let Some(refusal) = clerks_only(&v) {
        return Ok(refusal);
    }
    let Some(period) = Period::parse_canonical(form.period.trim()) else {
        return Ok(refused(
            &v,
            StatusCode::BAD_REQUEST,
            crate::messages::web::refusal(crate::messages::web::Refusal::BadPeriod, lang),
        ));
    };
    let account = v.account.id;
    let app2 = Arc::clone(&app);
    let built = tokio::task::spawn_blocking(move || {
        super::api::build_bulletin(&app2.cfg, period, account, lang)
    })
    .await
    .map_err(|e| ApiError::internal(e, lang))?;
    match built {
        Ok(_) => Ok(
            bulletin_html(&app, &v, period, Some(word(Word::Built, lang)))
                .await?
                .into_response(),
        ),
        Err(e) => {
            let (status, message) = e.parts();
            Ok(refused(&v, status, &message))
        }
    }
}

/// `GET /bulletin/{period}/{pdf|xlsx|json}` (clerk): a built bulletin's file.
async fn bulletin_download(
    State(app): State<Arc<App>>,
    v: Visitor,
    axum::extract::Path((period, kind)): axum::extract::Path<(String, String)>,
) -> Result<Response, ApiError> {
    let lang = v.lang;
    if v.account.role != Role::Clerk {
        return Err(ApiError::new(
            crate::messages::web::Refusal::Forbidden,
            lang,
        ));
    }
    let period = Period::parse_canonical(&period)
        .ok_or_else(|| ApiError::new(crate::messages::web::Refusal::NotFound, lang))?;
    let (name, mime, bytes) = tokio::task::spawn_blocking(move || {
        super::api::bulletin_bytes(&app.cfg, period, &kind, lang)
    })
    .await
    .map_err(|e| ApiError::internal(e, lang))??;
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (header::CONTENT_DISPOSITION, attachment(&name)),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Deserialize)]
struct BriefForm {
    csrf: String,
    from: String,
    to: String,
    #[serde(default)]
    who: String,
}

/// The briefing form, filled with `from`, `to` and `who`.
fn brief_html(v: &Visitor, from: &str, to: &str, who: &str, result: &str) -> Html<String> {
    let lang = v.lang;
    let body = format!(
        "<h1>{title}</h1><form method=\"post\" action=\"/brief\" class=\"fields\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><label for=\"from\">{from_word}</label><input id=\"from\" name=\"from\" value=\"{from}\" required pattern=\"[0-9]{{4}}-[0-9]{{2}}\"><label for=\"to\">{to_word}</label><input id=\"to\" name=\"to\" value=\"{to}\" required pattern=\"[0-9]{{4}}-[0-9]{{2}}\"><label for=\"who\">{who_word}</label><input id=\"who\" name=\"who\" value=\"{who}\" placeholder=\"{hint}\"><span></span><button type=\"submit\">{make}</button></form>{result}",
        title = word(Word::Briefing, lang),
        csrf = esc(&v.csrf),
        from_word = word(Word::BriefFrom, lang),
        to_word = word(Word::BriefTo, lang),
        who_word = word(Word::BriefWho, lang),
        hint = word(Word::BriefWhoHint, lang),
        make = word(Word::MakeBrief, lang),
        from = esc(from),
        to = esc(to),
        who = esc(who),
    );
    visitor_page(v, None, "", &body)
}

/// `GET /brief` (clerk): the briefing form, for the open period.
async fn brief_page(State(app): State<Arc<App>>, v: Visitor) -> Result<Response, ApiError> {
    if v.account.must_change_password {
        return Ok(Redirect::to("/password").into_response());
    }
    if let Some(refusal) = clerks_only(&v) {
        return Ok(refusal);
    }
    let p = open_period(&app).map_or_else(String::new, |p| p.to_string());
    Ok(brief_html(&v, &p, &p, "", "").into_response())
}

/// The folder the pages' briefings are written to (as `tongbao brief`'s default).
fn brief_dir(cfg: &crate::config::Config) -> std::path::PathBuf {
    cfg.resolve(&cfg.file.paths.out).join("简报")
}

/// `POST /brief` (clerk): a briefing for a span and a unit or group (or all), as
/// `tongbao brief` makes it; the page offers its PDF and workbook.
async fn brief(
    State(app): State<Arc<App>>,
    v: Visitor,
    Form(form): Form<BriefForm>,
) -> Result<Response, ApiError> {
    let lang = v.lang;
    if !same(&v.csrf, &form.csrf) {
        return Ok(expired(lang));
    }
    if let Some(refusal) = clerks_only(&v) {
        return Ok(refusal);
    }
    let again = |message: &str, status: StatusCode| {
        (
            status,
            brief_html(
                &v,
                &form.from,
                &form.to,
                &form.who,
                &format!("<p role=\"alert\">{}</p>", esc(message)),
            ),
        )
            .into_response()
    };
    let span = Period::parse_canonical(form.from.trim())
        .zip(Period::parse_canonical(form.to.trim()))
        .and_then(|(f, t)| crate::aggregate::brief::Span::new(f, t).ok());
    let Some(span) = span else {
        return Ok(again(word(Word::BadSpan, lang), StatusCode::BAD_REQUEST));
    };
    let who = form.who.trim().to_string();
    let mut selection = crate::aggregate::brief::Selection::default();
    if !who.is_empty() {
        if let Some(u) = app
            .cfg
            .find_unit(&who)
            .or_else(|| app.cfg.unit_by_code(&who))
        {
            selection.units.push(u.code().to_string());
        } else {
            let key = crate::text::normalize_key(&who);
            match app
                .cfg
                .file
                .groups
                .iter()
                .find(|g| crate::text::normalize_key(g.name.get_ref()) == key)
            {
                Some(g) => selection.groups.push(g.name.get_ref().clone()),
                None => {
                    return Ok(again(
                        &crate::messages::web::no_unit_or_group(&who, lang),
                        StatusCode::BAD_REQUEST,
                    ))
                }
            }
        }
    }
    let app2 = Arc::clone(&app);
    let made = tokio::task::spawn_blocking(move || {
        let cfg = &app2.cfg;
        let issue = crate::publish::BriefIssue {
            date: crate::clock::issue_date_today(cfg.time_zone()),
            number: None,
        };
        crate::publish::write_brief(cfg, span, &selection, &brief_dir(cfg), issue, lang)
    })
    .await
    .map_err(|e| ApiError::internal(e, lang))?;
    let briefed = match made {
        Ok(b) => b,
        Err(e) if e.to_string() == crate::messages::nothing_counted(span.to, lang) => {
            return Ok(again(&e.to_string(), StatusCode::CONFLICT));
        }
        Err(e) => return Err(ApiError::internal(format!("{e:#}"), lang)),
    };
    let mut result = format!(
        "<p role=\"status\" class=\"done\">{}</p><ul class=\"downloads\">",
        esc(&crate::messages::briefed(
            &briefed.subject,
            (&span.label(), span.from, span.to),
            briefed.pages,
            [briefed.reported, briefed.units],
            lang
        )),
    );
    for path in &briefed.paths {
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let (w, id) = if name.ends_with(".pdf") {
            (Word::DownloadPdf, "brief-pdf")
        } else {
            (Word::DownloadWorkbook, "brief-xlsx")
        };
        result.push_str(&format!(
            "<li><a id=\"{id}\" href=\"/brief/{}\">{}</a></li>",
            percent(name),
            word(w, lang)
        ));
    }
    result.push_str("</ul>");
    Ok(brief_html(&v, &form.from, &form.to, &form.who, &result).into_response())
}

/// A file name as one URL path segment.
fn percent(name: &str) -> String {
    let mut out = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `GET /brief/{name}` (clerk): a briefing's PDF or workbook made by the pages.
async fn brief_download(
    State(app): State<Arc<App>>,
    v: Visitor,
    axum::extract::Path(name): axum::extract::Path<String>,
) -> Result<Response, ApiError> {
    let lang = v.lang;
    if v.account.role != Role::Clerk {
        return Err(ApiError::new(
            crate::messages::web::Refusal::Forbidden,
            lang,
        ));
    }
    let not_found = move || ApiError::new(crate::messages::web::Refusal::NotFound, lang);
    // A plain file name of the briefings' folder, nothing else.
    let mime = if name.ends_with(".pdf") {
        "application/pdf"
    } else if name.ends_with(".xlsx") {
        super::api::XLSX
    } else {
        return Err(not_found());
    };
    if !name.starts_with("简报-") || name.contains(['/', '\\']) || name.contains("..") {
        return Err(not_found());
    }
    let n = name.clone();
    let bytes = tokio::task::spawn_blocking(move || std::fs::read(brief_dir(&app.cfg).join(n)))
        .await
        .map_err(|e| ApiError::internal(e, lang))?
        .map_err(|_| not_found())?;
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (header::CONTENT_DISPOSITION, attachment(&name)),
        ],
        bytes,
    )
        .into_response())
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

/// The longest answer to a held return's question, in characters.
const MAX_ANSWER: usize = 1000;

/// Under a held return's findings: what is asked (核实), the answers given so far, and for
/// the county that sent it a form to answer.
fn held_question_html(
    v: &Visitor,
    app: &App,
    s: &crate::archive::SubmissionInfo,
    answers: &[crate::archive::accounts::HeldAnswer],
) -> String {
    let lang = v.lang;
    if s.verdict != crate::model::Verdict::Held || s.superseded_by.is_some() {
        return String::new();
    }
    let mut out = format!(
        "<h2>{}</h2><p>{}</p>",
        word(Word::HeldAnswers, lang),
        word(Word::HeldQuestion, lang)
    );
    if !answers.is_empty() {
        out.push_str("<ul class=\"answers\">");
        for a in answers {
            out.push_str(&format!(
                "<li><span class=\"note\">{} · {}</span><br>{}</li>",
                esc(&local(app, &a.at)),
                esc(&a.account),
                esc(&a.answer)
            ));
        }
        out.push_str("</ul>");
    }
    if v.account.role == Role::County {
        out.push_str(&format!(
            "<form method=\"post\" action=\"/answer\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><input type=\"hidden\" name=\"id\" value=\"{id}\"><p><label>{label}<br><textarea name=\"answer\" rows=\"4\" cols=\"60\" maxlength=\"{MAX_ANSWER}\" required></textarea></label></p><p><button type=\"submit\">{send}</button></p></form>",
            csrf = esc(&v.csrf),
            id = s.id,
            label = word(Word::Answer, lang),
            send = word(Word::AnswerSend, lang),
        ));
    }
    out
}

#[derive(Deserialize)]
struct AnswerForm {
    csrf: String,
    id: String,
    answer: String,
}

/// `POST /answer` (county): the county's explanation of its own held return (核实), kept
/// with who gave it and when; the clerk reads it on the board before confirming.
async fn answer(
    State(app): State<Arc<App>>,
    v: Visitor,
    Form(form): Form<AnswerForm>,
) -> Result<Response, ApiError> {
    let lang = v.lang;
    if !same(&v.csrf, &form.csrf) {
        return Ok(expired(lang));
    }
    let not_open = || refused(&v, StatusCode::FORBIDDEN, word(Word::AnswerNotOpen, lang));
    let (Role::County, Some(unit)) = (v.account.role, v.account.unit_code.clone()) else {
        return Ok(not_open());
    };
    let text = form.answer.trim().to_string();
    if !text.chars().any(char::is_alphanumeric) || text.chars().count() > MAX_ANSWER {
        return Ok(refused(
            &v,
            StatusCode::BAD_REQUEST,
            word(Word::AnswerNeedsText, lang),
        ));
    }
    let Ok(id) = form.id.trim().parse::<i64>() else {
        return Ok(not_open());
    };
    let account = v.account.id;
    let app2 = Arc::clone(&app);
    // The server's writers of the archive queue here (see `App::writers`), as uploads do.
    let _turn = app
        .writers
        .acquire()
        .await
        .map_err(|e| ApiError::internal(e, lang))?;
    let kept = blocking(lang, move || {
        let archive = Archive::open_for_writing(&app2.cfg.archive_path())?;
        // Only the sender's own return, while it is held and current.
        let open = archive.submission(id)?.is_some_and(|s| {
            s.unit_code.as_deref() == Some(unit.as_str())
                && s.verdict == crate::model::Verdict::Held
                && s.superseded_by.is_none()
        });
        if open {
            archive.answer_held(id, account, &crate::clock::received_now(), &text)?;
        }
        Ok(open)
    })
    .await?;
    if !kept {
        return Ok(not_open());
    }
    Ok(Redirect::to(&format!("/submission/{id}")).into_response())
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
    // The server's writers of the archive queue here (see `App::writers`), as uploads do.
    let _turn = app
        .writers
        .acquire()
        .await
        .map_err(|e| ApiError::internal(e, lang))?;
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
            crate::intake::refresh_register(&mut archive);
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
    Ok(visitor_page(&v, Some(period), "", &verdict_html(&json, lang)).into_response())
}

/// A verdict and every finding, from the file's ingest JSON, with its receipt.
fn verdict_html(json: &Value, lang: Lang) -> String {
    let s = |v: &Value| v.as_str().unwrap_or("").to_string();
    let status = json["status"].as_str().unwrap_or("");
    let class = match status {
        "accepted" => "ok",
        "held" => "held",
        _ => "bad",
    };
    let mut out = format!(
        "<h1>{}：<span class=\"verdict {class}\">{}</span></h1><p class=\"file\">{}</p>",
        word(Word::Verdict, lang),
        verdict_word(status, lang),
        esc(&s(&json["file"]))
    );
    // The API's receipt address ends with the submission's id; the pages have their own.
    if let Some(id) = json["receipt"]
        .as_str()
        .and_then(|r| r.rsplit('/').next())
        .and_then(|id| id.parse::<i64>().ok())
    {
        out.push_str(&format!(
            "<p><a href=\"/receipt/{id}\" id=\"receipt\">{}</a> · <a href=\"/submission/{id}\">{}</a></p>",
            word(Word::Receipt, lang),
            word(Word::Details, lang)
        ));
    }
    let findings = json["diagnostics"].as_array().cloned().unwrap_or_default();
    out.push_str(&findings_html(&findings, lang));
    out.push_str(&format!(
        "<p><a href=\"/\">{}</a></p>",
        word(Word::Back, lang)
    ));
    out
}

/// Every finding (JSON of docs/cli.md): where (sheet!cell), the value, the problem and
/// how to fix it.
fn findings_html(findings: &[Value], lang: Lang) -> String {
    let s = |v: &Value| v.as_str().unwrap_or("").to_string();
    let mut out = format!("<h2>{}</h2>", word(Word::Findings, lang));
    if findings.is_empty() {
        out.push_str(&format!("<p>{}</p>", word(Word::NoFindings, lang)));
        return out;
    }
    out.push_str(&format!(
        "<table class=\"findings\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        word(Word::Place, lang),
        word(Word::Value, lang),
        word(Word::Problem, lang),
        word(Word::Fix, lang)
    ));
    for d in findings {
        let place = match (d["sheet"].as_str(), d["cell"].as_str()) {
            (Some(sheet), Some(cell)) => format!("{sheet}!{cell}"),
            (Some(sheet), None) => sheet.to_string(),
            _ => String::new(),
        };
        let class = if d["severity"].as_str() == Some("error") {
            "bad"
        } else {
            "held"
        };
        out.push_str(&format!(
            "<tr class=\"{class}\"><td class=\"place\">{}</td><td>{}</td><td><code>{}</code> {}</td><td>{}</td></tr>",
            esc(&place),
            esc(&s(&d["value"])),
            esc(&s(&d["code"])),
            esc(&s(&d["message"])),
            esc(&s(&d["hint"]))
        ));
    }
    out.push_str("</tbody></table>");
    out
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
    // An ASCII name for clients that read no `filename*`, with the file's own extension.
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e)
        .filter(|e| e.len() <= 5 && e.bytes().all(|b| b.is_ascii_alphanumeric()))
        .unwrap_or("bin");
    format!("attachment; filename=\"download.{ext}\"; filename*=UTF-8''{encoded}")
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
