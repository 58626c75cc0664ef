//! The web intake (`tongbao serve`, issue 16): counties send their returns over HTTP
//! and the clerk follows the status board and builds the bulletin, over the workspace's
//! archive. This module is a way files arrive, like `watch`: every upload goes through
//! `intake::take_one` (`intake::take_for_unit` for a county, which refuses another unit's
//! return before anything is stored), with the workspace's limits and the intake's panic
//! fence, on tokio's blocking pool.
//!
//! - [`secrets`]: one-time passwords, API tokens, argon2 hashes.
//! - `auth`: who is calling (`Authorization: Bearer <token>`), and what their role allows.
//! - `api`: the endpoints of docs/cli.md ("The web intake's API").
//!
//! Every response carries the security headers (CSP `default-src 'self'`, `nosniff`, no
//! referrer); a refusal is JSON `{"error": "…"}` in the caller's language (Chinese, or
//! English by `Accept-Language: en` or `?lang=en`) and never shows a path, a query or a
//! stack trace.

mod api;
mod auth;
mod pages;
pub(crate) mod secrets;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

use crate::config::Config;

/// What every request handler shares.
pub(crate) struct App {
    pub(crate) cfg: Config,
    /// Where uploads are streamed before they are checked (inside the workspace, so the
    /// rename-free hand-over to the intake never crosses file systems).
    pub(crate) uploads: PathBuf,
}

/// Extra bytes a multipart body may carry beyond the file itself (boundaries, headers).
const MULTIPART_OVERHEAD: u64 = 64 * 1024;
/// The longest a request may take, upload and check included.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(600);

/// Serves the web intake on `listen` until SIGTERM or Ctrl-C; `listening` is told the
/// address bound (port 0 asks the system for a free one). Uploads in hand finish first.
pub fn run(cfg: Config, listen: &str, listening: impl FnOnce(SocketAddr)) -> anyhow::Result<()> {
    // The archive is created (or migrated) before the first request, so every request
    // can open it to read.
    drop(crate::archive::Archive::open_for_writing(
        &cfg.archive_path(),
    )?);
    let uploads = cfg.resolve(std::path::Path::new(".tongbao-uploads"));
    // Uploads a stopped server left half-received are of no use to anyone.
    if uploads.is_dir() {
        std::fs::remove_dir_all(&uploads)?;
    }
    std::fs::create_dir_all(&uploads)?;
    let app = Arc::new(App { cfg, uploads });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen).await?;
        listening(listener.local_addr()?);
        axum::serve(listener, router(app))
            .with_graceful_shutdown(shutdown_signal())
            .await?;
        Ok(())
    })
}

/// The routes with the layers every response goes through.
fn router(app: Arc<App>) -> Router {
    api::routes(Arc::clone(&app))
        .merge(pages::routes(api::upload_body_limit(&app)).with_state(Arc::clone(&app)))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        // Without a handler there is nothing to wait for but SIGTERM.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
