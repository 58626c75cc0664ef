//! The endpoints of docs/cli.md, "The web intake's API": returns sent and listed, the
//! status board and the bulletin. Each checks the caller's role first, then reads or
//! changes the archive on the blocking pool through the services the commands use
//! (`intake`, `aggregate::status`, `publish`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Multipart, Path as UrlPath, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;
use tower_http::limit::RequestBodyLimitLayer;

use crate::archive::accounts::AuditAction;
use crate::archive::Archive;
use crate::batch::Batch;
use crate::intake::{self, ForUnit, ReceiptsTo, Taken};
use crate::lang::Lang;
use crate::messages::web::{other_unit, Refusal};
use crate::model::{Period, Verdict};
use crate::report::BatchJson;

use super::auth::{ApiError, Caller, Wanted};
use super::{secrets, App, MULTIPART_OVERHEAD};

/// The largest request body an upload may have: the file's limit and the multipart's
/// boundaries and headers.
pub(super) fn upload_body_limit(app: &App) -> usize {
    let body_limit = app
        .cfg
        .limits()
        .max_file_bytes
        .saturating_add(MULTIPART_OVERHEAD);
    usize::try_from(body_limit).unwrap_or(usize::MAX)
}

pub(super) fn routes(app: Arc<App>) -> Router {
    let body_limit = upload_body_limit(&app);
    Router::new()
        .route(
            "/api/v1/returns",
            post(upload)
                // The size is refused from Content-Length before the body is read, and
                // counted as it streams when there is none.
                .layer::<_, std::convert::Infallible>(RequestBodyLimitLayer::new(body_limit))
                .layer(DefaultBodyLimit::disable())
                .get(list_returns),
        )
        .route("/api/v1/receipts/{id}", get(receipt))
        .route("/api/v1/status", get(status))
        .route("/api/v1/build", post(build))
        .route("/api/v1/bulletins/{period}/{kind}", get(bulletin_file))
        .fallback(not_found)
        .with_state(app)
}

#[derive(Deserialize)]
struct PeriodQuery {
    period: Option<String>,
}

impl PeriodQuery {
    fn period(&self, lang: Lang) -> Result<Period, ApiError> {
        self.period
            .as_deref()
            .and_then(Period::parse_canonical)
            .ok_or_else(|| ApiError::new(Refusal::BadPeriod, lang))
    }
}

/// The period of `?period=`, refusing a missing or malformed one (a query that cannot be
/// decoded at all is no period either).
fn period_of(
    q: Result<Query<PeriodQuery>, impl std::fmt::Debug>,
    lang: Lang,
) -> Result<Period, ApiError> {
    match q {
        Ok(Query(q)) => q.period(lang),
        Err(_) => Err(ApiError::new(Refusal::BadPeriod, lang)),
    }
}

async fn not_found(Wanted(lang): Wanted) -> ApiError {
    ApiError::new(Refusal::NotFound, lang)
}

/// Runs `work` on the blocking pool; a failure (or panic) is the server's log's, the
/// caller hears only that it failed.
async fn blocking<T: Send + 'static>(
    lang: Lang,
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ApiError::internal(e, lang))?
}

/// A temporary folder holding one upload, removed whatever becomes of it.
struct Upload {
    dir: PathBuf,
}

impl Drop for Upload {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The name a file was sent under, reduced to a plain file name (no folders, no control
/// characters, not too long) for the archive and the answer.
fn file_name(sent: Option<&str>) -> String {
    let last = sent.unwrap_or("").rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = last.chars().filter(|c| !c.is_control()).take(120).collect();
    let clean = clean.trim().trim_start_matches('.').to_string();
    if clean.is_empty() {
        "upload.xlsx".to_string()
    } else {
        clean
    }
}

/// A file received, with the form's short text fields (`csrf`, `period`) sent before it.
pub(super) struct Received {
    upload: Upload,
    path: PathBuf,
    name: String,
    pub(super) csrf: Option<String>,
    pub(super) period: Option<String>,
}

/// The longest text field of an upload form that is kept.
const FIELD_MAX: usize = 200;

/// Streams the multipart field `file` to a temporary folder of the workspace, counting
/// its bytes against `[limits] max_file_bytes`; keeps the fields `csrf` and `period`.
pub(super) async fn receive(
    app: &App,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
    lang: Lang,
) -> Result<Received, ApiError> {
    let mut multipart = multipart.map_err(|_| ApiError::new(Refusal::NoFile, lang))?;
    let bad_body = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(Refusal::TooLarge, lang)
        } else {
            ApiError::new(Refusal::NoFile, lang)
        }
    };
    let limit = app.cfg.limits().max_file_bytes;
    let (mut csrf, mut period) = (None, None);
    loop {
        let Some(mut field) = multipart.next_field().await.map_err(bad_body)? else {
            return Err(ApiError::new(Refusal::NoFile, lang));
        };
        match field.name() {
            Some(short @ ("csrf" | "period")) => {
                let is_csrf = short == "csrf";
                let text = field.text().await.map_err(bad_body)?;
                let text = (text.len() <= FIELD_MAX).then_some(text);
                if is_csrf {
                    csrf = text;
                } else {
                    period = text;
                }
                continue;
            }
            Some("file") => {}
            _ => continue,
        }
        let name = file_name(field.file_name());
        let dir = app.uploads.join(secrets::hex(
            &secrets::random_bytes::<12>().map_err(|e| ApiError::internal(e, lang))?,
        ));
        tokio::fs::create_dir_all(&dir)
            .await
            .map_err(|e| ApiError::internal(e, lang))?;
        let upload = Upload { dir };
        let path = upload.dir.join(&name);
        let mut out = tokio::fs::File::create(&path)
            .await
            .map_err(|e| ApiError::internal(e, lang))?;
        let mut size: u64 = 0;
        while let Some(chunk) = field.chunk().await.map_err(bad_body)? {
            size = size.saturating_add(chunk.len() as u64);
            if size > limit {
                return Err(ApiError::new(Refusal::TooLarge, lang));
            }
            out.write_all(&chunk)
                .await
                .map_err(|e| ApiError::internal(e, lang))?;
        }
        out.flush().await.map_err(|e| ApiError::internal(e, lang))?;
        return Ok(Received {
            upload,
            path,
            name,
            csrf,
            period,
        });
    }
}

/// `POST /api/v1/returns?period=YYYY-MM`: one return, multipart field `file`.
async fn upload(
    State(app): State<Arc<App>>,
    caller: Caller,
    query: Result<Query<PeriodQuery>, axum::extract::rejection::QueryRejection>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, ApiError> {
    let lang = caller.lang;
    let period = period_of(query, lang)?;
    let received = receive(&app, multipart, lang).await?;
    let own = caller.own_unit().map(str::to_string);
    let v = take(app, caller.account, own, period, received, lang).await?;
    Ok(Json(v).into_response())
}

/// Checks, stores and answers a received file for `account` (a county's for its unit
/// `own` only), on the blocking pool: one element of the ingest JSON's `files`, with the
/// name it was sent under and the URL of its receipt.
pub(super) async fn take(
    app: Arc<App>,
    account: crate::archive::accounts::Account,
    own: Option<String>,
    period: Period,
    received: Received,
    lang: Lang,
) -> Result<Value, ApiError> {
    // The server's writers of the archive queue here (see `App::writers`).
    let queue = Arc::clone(&app);
    let _turn = queue
        .writers
        .acquire()
        .await
        .map_err(|e| ApiError::internal(e, lang))?;
    blocking(lang, move || {
        let Received {
            upload, path, name, ..
        } = received;
        let _upload = upload;
        let cfg = &app.cfg;
        let internal = |e: anyhow::Error| ApiError::internal(format!("{e:#}"), lang);
        let to = ReceiptsTo::Folder(None);
        let taken = match &own {
            Some(unit) => intake::take_for_unit(cfg, &path, Some(period), lang, to, unit),
            None => intake::take_one(cfg, &path, Some(period), lang, to, false).map(ForUnit::Taken),
        }
        .map_err(internal)?;
        let archive =
            Archive::open_for_reading(&cfg.archive_path()).map_err(|e| internal(e.into()))?;
        let now = crate::clock::received_now();
        match taken {
            ForUnit::OtherUnit(named) => {
                let detail = format!(
                    "{period} {} named {} ({name})",
                    own.as_deref().unwrap_or(""),
                    named.code
                );
                archive
                    .audit(
                        &now,
                        Some(account.id),
                        AuditAction::RefusedOtherUnit,
                        &detail,
                    )
                    .map_err(|e| internal(e.into()))?;
                let own_name = own
                    .as_deref()
                    .and_then(|c| cfg.unit_by_code(c))
                    .map_or_else(String::new, |u| u.name().to_string());
                Err(ApiError::with(
                    StatusCode::FORBIDDEN,
                    other_unit(&own_name, &named.name, lang),
                ))
            }
            ForUnit::Taken(Taken::AlreadyArchived { .. }) => Err(internal(anyhow::anyhow!(
                "an upload taken as already archived"
            ))),
            ForUnit::Taken(Taken::Done {
                file,
                filed,
                receipt,
            }) => {
                let id = file
                    .sha256
                    .as_deref()
                    .map(|s| archive.latest_with_sha256(s))
                    .transpose()
                    .map_err(|e| internal(e.into()))?
                    .flatten();
                let receipt_path = receipt.as_deref().map(|p| p.display().to_string());
                if let Some(id) = id {
                    archive
                        .record_web_upload(id, account.id, receipt_path.as_deref())
                        .map_err(|e| internal(e.into()))?;
                }
                let unit = file.unit().map_or("-", |u| u.code.as_str()).to_string();
                let detail = format!(
                    "{period} {unit} {name} {:?} v{}",
                    file.verdict(),
                    filed
                        .version
                        .map_or_else(|| "-".to_string(), |v| v.to_string())
                );
                archive
                    .audit(&now, Some(account.id), AuditAction::Upload, &detail)
                    .map_err(|e| internal(e.into()))?;
                let batch = Batch {
                    period: Some(period),
                    files: vec![*file],
                };
                let filed = [filed];
                let json = BatchJson::new(&batch, lang, &filed);
                let mut v = serde_json::to_value(&json.files[0]).map_err(|e| internal(e.into()))?;
                // The name it was sent under, not where the server kept it for a moment.
                v["file"] = Value::String(name);
                v["receipt"] = match (id, receipt_path) {
                    (Some(id), Some(_)) => Value::String(format!("/api/v1/receipts/{id}")),
                    _ => Value::Null,
                };
                Ok(v)
            }
        }
    })
    .await
}

/// `GET /api/v1/returns?period=YYYY-MM`: a county's own submissions, or every unit's for
/// the clerk, oldest first.
async fn list_returns(
    State(app): State<Arc<App>>,
    caller: Caller,
    query: Result<Query<PeriodQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let lang = caller.lang;
    let period = period_of(query, lang)?;
    let own = caller.own_unit().map(str::to_string);
    blocking(lang, move || {
        let cfg = &app.cfg;
        let archive = Archive::open_for_reading(&cfg.archive_path())
            .map_err(|e| ApiError::internal(e, lang))?;
        let subs = archive
            .submissions(period)
            .map_err(|e| ApiError::internal(e, lang))?;
        let returns: Vec<Value> = subs
            .iter()
            .filter(|s| own.is_none() || s.unit_code == own)
            .map(|s| {
                let unit = s.unit_code.as_deref().map(|code| {
                    json!({
                        "code": code,
                        "name": cfg.unit_by_code(code).map(|u| u.name()),
                    })
                });
                json!({
                    "id": s.id,
                    "unit": unit,
                    "file": s.file_name,
                    "version": s.version,
                    "status": s.verdict,
                    "current": s.superseded_by.is_none() && s.verdict != Verdict::Rejected,
                    "received_at": s.received_at,
                    "errors": s.errors,
                    "warnings": s.warnings,
                })
            })
            .collect();
        Ok(Json(json!({ "period": period, "returns": returns })))
    })
    .await
}

/// `GET /api/v1/receipts/{id}`: the receipt written for a return sent over the web (a
/// county: its own unit's only).
async fn receipt(
    State(app): State<Arc<App>>,
    caller: Caller,
    UrlPath(id): UrlPath<String>,
) -> Result<Response, ApiError> {
    let lang = caller.lang;
    let not_found = move || ApiError::new(Refusal::NotFound, lang);
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let own = caller.own_unit().map(str::to_string);
    let bytes = blocking(lang, move || {
        receipt_bytes(&app.cfg, id, own.as_deref(), lang)
    })
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, XLSX),
            (header::CONTENT_DISPOSITION, "attachment"),
        ],
        bytes,
    )
        .into_response())
}

/// The receipt written for the web upload `id` (blocking); a county (`own`) may have its
/// own unit's only: another's is as not found.
pub(super) fn receipt_bytes(
    cfg: &crate::config::Config,
    id: i64,
    own: Option<&str>,
    lang: Lang,
) -> Result<Vec<u8>, ApiError> {
    let not_found = || ApiError::new(Refusal::NotFound, lang);
    let archive =
        Archive::open_for_reading(&cfg.archive_path()).map_err(|e| ApiError::internal(e, lang))?;
    let (unit, path) = archive
        .web_receipt(id)
        .map_err(|e| ApiError::internal(e, lang))?
        .ok_or_else(not_found)?;
    if own.is_some() && unit.as_deref() != own {
        return Err(not_found());
    }
    std::fs::read(Path::new(&path)).map_err(|_| not_found())
}

pub(super) const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// `GET /api/v1/status?period=YYYY-MM` (clerk): the JSON of `status --json`.
async fn status(
    State(app): State<Arc<App>>,
    caller: Caller,
    query: Result<Query<PeriodQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    caller.clerk_only()?;
    let lang = caller.lang;
    let period = period_of(query, lang)?;
    blocking(lang, move || {
        let cfg = &app.cfg;
        let archive = Archive::open_for_reading(&cfg.archive_path())
            .map_err(|e| ApiError::internal(e, lang))?;
        let report = crate::aggregate::status::status_report(&archive, cfg, period)
            .map_err(|e| ApiError::internal(e, lang))?;
        serde_json::to_value(&report)
            .map(Json)
            .map_err(|e| ApiError::internal(e, lang))
    })
    .await
}

/// The folder a period's bulletin is built into: the workspace's out/ folder, as `build`.
pub(super) fn bulletin_dir(cfg: &crate::config::Config, period: Period) -> PathBuf {
    cfg.resolve(&cfg.file.paths.out).join(period.to_string())
}

/// Builds the period's bulletin into its folder (PDF, workbook, JSON) and audits it for
/// `account`; the one build of the API and the pages (blocking: the pool's work).
pub(super) fn build_bulletin(
    cfg: &crate::config::Config,
    period: Period,
    account: i64,
    lang: Lang,
) -> Result<Value, ApiError> {
    let out = bulletin_dir(cfg, period);
    let issue_date = crate::clock::issue_date_today(cfg.time_zone());
    match crate::publish::bulletin_outputs(cfg, period, &out, issue_date, lang) {
        Ok(_) => {}
        Err(e) if e.to_string() == crate::messages::nothing_counted(period, lang) => {
            return Err(ApiError::with(StatusCode::CONFLICT, e.to_string()));
        }
        Err(e) => return Err(ApiError::internal(format!("{e:#}"), lang)),
    }
    let archive =
        Archive::open_for_reading(&cfg.archive_path()).map_err(|e| ApiError::internal(e, lang))?;
    archive
        .audit(
            &crate::clock::received_now(),
            Some(account),
            AuditAction::Build,
            &period.to_string(),
        )
        .map_err(|e| ApiError::internal(e, lang))?;
    let json = std::fs::read(out.join(format!("bulletin-{period}.json")))
        .map_err(|e| ApiError::internal(e, lang))?;
    serde_json::from_slice(&json).map_err(|e| ApiError::internal(e, lang))
}

/// `POST /api/v1/build?period=YYYY-MM` (clerk): the bulletin JSON, and where the PDF and
/// workbook are.
async fn build(
    State(app): State<Arc<App>>,
    caller: Caller,
    query: Result<Query<PeriodQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    caller.clerk_only()?;
    let lang = caller.lang;
    let period = period_of(query, lang)?;
    let account = caller.account.id;
    blocking(lang, move || {
        let bulletin = build_bulletin(&app.cfg, period, account, lang)?;
        Ok(Json(json!({
            "period": period,
            "bulletin": bulletin,
            "pdf": format!("/api/v1/bulletins/{period}/pdf"),
            "workbook": format!("/api/v1/bulletins/{period}/xlsx"),
        })))
    })
    .await
}

/// The file name and media type of a built bulletin's `pdf`, `xlsx` or `json`.
pub(super) fn bulletin_file_of(period: Period, kind: &str) -> Option<(String, &'static str)> {
    match kind {
        "pdf" => Some((format!("通报-{period}.pdf"), "application/pdf")),
        "xlsx" => Some((format!("通报-{period}.xlsx"), XLSX)),
        "json" => Some((format!("bulletin-{period}.json"), "application/json")),
        _ => None,
    }
}

/// The bytes of a built bulletin's file, with its name and media type (blocking).
pub(super) fn bulletin_bytes(
    cfg: &crate::config::Config,
    period: Period,
    kind: &str,
    lang: Lang,
) -> Result<(String, &'static str, Vec<u8>), ApiError> {
    let not_found = || ApiError::new(Refusal::NotFound, lang);
    let (name, mime) = bulletin_file_of(period, kind).ok_or_else(not_found)?;
    let bytes = std::fs::read(bulletin_dir(cfg, period).join(&name)).map_err(|_| not_found())?;
    Ok((name, mime, bytes))
}

/// `GET /api/v1/bulletins/{period}/{pdf|xlsx|json}` (clerk): a built bulletin's file.
async fn bulletin_file(
    State(app): State<Arc<App>>,
    caller: Caller,
    UrlPath((period, kind)): UrlPath<(String, String)>,
) -> Result<Response, ApiError> {
    caller.clerk_only()?;
    let lang = caller.lang;
    let period =
        Period::parse_canonical(&period).ok_or_else(|| ApiError::new(Refusal::NotFound, lang))?;
    let (_, mime, bytes) =
        blocking(lang, move || bulletin_bytes(&app.cfg, period, &kind, lang)).await?;
    Ok(([(header::CONTENT_TYPE, mime)], bytes).into_response())
}
