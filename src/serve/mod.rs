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
//! HTTPS (`--tls-cert`, `--tls-key`) is rustls through axum-server, with the same router;
//! its cookies are then `Secure`. Behind the bureau's reverse proxy the server speaks
//! plain HTTP on 127.0.0.1 and trusts no `X-Forwarded-*` header for anything (README,
//! "HTTPS, or behind a reverse proxy").
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
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

use crate::config::Config;
use crate::lang::Lang;
use crate::messages::web::{tls_problem, TlsProblem};

/// What every request handler shares.
pub(crate) struct App {
    pub(crate) cfg: Config,
    /// Where uploads are streamed before they are checked (inside the workspace, so the
    /// rename-free hand-over to the intake never crosses file systems).
    pub(crate) uploads: PathBuf,
    /// The server's writers of the archive, one at a time and in the order they came.
    /// The archive has one writer (its lock file), which a writer waits for at most 10 s
    /// by polling: 183 counties sending at once made most of them give up (500) before
    /// their turn. Queued here, only one of the server's writers ever waits for the lock
    /// (a `watch` or `ingest` may still hold it), and the queue itself has no deadline.
    pub(crate) writers: tokio::sync::Semaphore,
    /// argon2 checks of API tokens running at once, at most one per core: each takes
    /// 19 MiB (argon2's default memory cost) and a core for its time, so more at once only
    /// add memory (183 at once: 3.9 GB) without ending sooner.
    pub(crate) hashing: tokio::sync::Semaphore,
    /// API tokens verified already (see [`auth::VerifiedTokens`]).
    pub(crate) verified: auth::VerifiedTokens,
}

/// Extra bytes a multipart body may carry beyond the file itself (boundaries, headers).
const MULTIPART_OVERHEAD: u64 = 64 * 1024;
/// The longest a request may take, upload and check included.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(600);

/// The certificate chain and private key to serve HTTPS with (both PEM files).
#[derive(Debug, Clone)]
pub struct Tls {
    /// The certificate chain: the server's certificate first, then intermediates.
    pub cert: PathBuf,
    /// Its private key (PKCS#8, PKCS#1 or SEC1, not encrypted).
    pub key: PathBuf,
}

/// The rustls configuration of `tls`, or what is wrong with its files (worded for the
/// terminal: nothing has started yet).
fn tls_config(tls: &Tls, lang: Lang) -> anyhow::Result<Arc<rustls::ServerConfig>> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};

    let problem = |p: TlsProblem| anyhow::anyhow!(tls_problem(&p, lang));
    let read = |path: &Path| {
        std::fs::read(path).map_err(|_| {
            problem(TlsProblem::Unreadable {
                path: path.display().to_string(),
            })
        })
    };
    let cert_pem = read(&tls.cert)?;
    let key_pem = read(&tls.key)?;
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<Result<_, _>>()
        .ok()
        .filter(|c: &Vec<_>| !c.is_empty())
        .ok_or_else(|| {
            problem(TlsProblem::NoCertificate {
                path: tls.cert.display().to_string(),
            })
        })?;
    let key = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|_| {
        problem(TlsProblem::NoKey {
            path: tls.key.display().to_string(),
        })
    })?;
    let refused = |e: rustls::Error| {
        problem(TlsProblem::Refused {
            detail: e.to_string(),
        })
    };
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(refused)?
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .map_err(refused)?;
    // The router speaks HTTP/1.1 only (axum's `http1`).
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Serves the web intake on `listen` (HTTPS with `tls`) until SIGTERM or Ctrl-C;
/// `listening` is told the address bound (port 0 asks the system for a free one).
/// Uploads in hand finish first.
pub fn run(
    cfg: Config,
    listen: &str,
    tls: Option<&Tls>,
    lang: Lang,
    listening: impl FnOnce(SocketAddr),
) -> anyhow::Result<()> {
    // A certificate that cannot serve is said before anything is touched.
    let tls = tls.map(|t| tls_config(t, lang)).transpose()?;
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
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let app = Arc::new(App {
        cfg,
        uploads,
        writers: tokio::sync::Semaphore::new(1),
        hashing: tokio::sync::Semaphore::new(cores),
        verified: auth::VerifiedTokens::default(),
    });
    return_freed_memory_to_the_system();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen).await?;
        listening(listener.local_addr()?);
        match tls {
            None => {
                axum::serve(listener, router(app, false))
                    .with_graceful_shutdown(shutdown_signal())
                    .await?;
            }
            Some(config) => {
                let handle = axum_server::Handle::new();
                let stopping = handle.clone();
                tokio::spawn(async move {
                    shutdown_signal().await;
                    // No new connections; each one's request in hand is answered.
                    stopping.graceful_shutdown(None);
                });
                axum_server::from_tcp_rustls(
                    listener.into_std()?,
                    axum_server::tls_rustls::RustlsConfig::from_config(config),
                )
                .handle(handle)
                .serve(router(app, true).into_make_service())
                .await?;
            }
        }
        Ok(())
    })
}

/// Keeps glibc's malloc from holding on to memory the server has freed, which it does
/// in two ways that `cargo xtask load` (183 counties sending at once) showed:
/// - it raises its mmap threshold to the largest block freed so far, so after the first
///   argon2 check (19 MiB, `secrets::verify`) those blocks come from the heap and stay
///   resident once freed; a fixed threshold of 1 MiB gives each back when it is freed;
/// - each thread that allocates may get an arena of its own (up to 8 per core), which
///   keeps the high-water mark of whatever ran on it; the intake runs on whichever
///   thread of the blocking pool is free, so every arena ends up holding an intake's
///   worth. Two arenas are plenty for a server whose writers take turns.
///
/// Peak memory of that run: 612 MB by default, 409 MB with the threshold fixed, 92 MB
/// with both (BENCHMARKS.md, "The web intake under load"). Other C libraries manage
/// memory their own way; nothing to do there.
fn return_freed_memory_to_the_system() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes settings of the allocator; called before the server's
    // threads start.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

/// The routes with the layers every response goes through; `secure`: served over
/// HTTPS, so cookies are marked `Secure`.
fn router(app: Arc<App>, secure: bool) -> Router {
    let routes = api::routes(Arc::clone(&app))
        .merge(pages::routes(api::upload_body_limit(&app)).with_state(Arc::clone(&app)));
    let routes = if secure {
        routes.layer(axum::middleware::map_response(auth::secure_cookies))
    } else {
        routes
    };
    routes
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
