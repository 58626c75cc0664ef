//! `tongbao serve --tls-cert PEM --tls-key PEM`: HTTPS with rustls, a certificate made in
//! the test (rcgen) and a client that trusts only it. Also the pieces the other tests of
//! the running server share (serve_hostile.rs, serve_load.rs): the server started with
//! any arguments, killed on drop; accounts issued as JSON; a multipart body. No test
//! sleeps: every wait is a bounded poll.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Output, Stdio};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::binary::{bin, repo, run, sample_workspace};

/// The longest the server may take to start, a request to be answered, or a process to
/// stop.
pub(crate) const WAIT: Duration = Duration::from_secs(120);

/// `tongbao serve --listen 127.0.0.1:0 ARGS…` in a workspace, killed on drop.
pub(crate) struct Served {
    pub(crate) child: Child,
    /// `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`.
    pub(crate) base: String,
    /// `127.0.0.1:PORT`.
    pub(crate) host: String,
    /// The lines printed after the first (kept read, so the server never blocks on a
    /// full pipe).
    _lines: mpsc::Receiver<String>,
}

impl Served {
    pub(crate) fn start(ws: &Path, args: &[&str], env: &[(&str, &str)]) -> Served {
        let mut child = bin()
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .current_dir(ws)
            .envs(env.iter().copied())
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start tongbao serve");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let line = match rx.recv_timeout(WAIT) {
            Ok(line) => line,
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("tongbao serve printed no address in time: {e}");
            }
        };
        let start = line.find("://").expect("an address in the first line");
        let scheme = if line[..start].ends_with("https") {
            "https"
        } else {
            "http"
        };
        let host: String = line[start + 3..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ':')
            .collect();
        assert!(host.starts_with("127.0.0.1:"), "{line}");
        Served {
            child,
            base: format!("{scheme}://{host}"),
            host,
            _lines: rx,
        }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits (bounded) for the server to exit; its exit code.
    pub(crate) fn wait_exit(&mut self) -> Option<i32> {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.code();
            }
            assert!(Instant::now() < deadline, "the server did not stop in time");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `tongbao accounts issue ARGS… --json`: the accounts issued.
pub(crate) fn issue(ws: &Path, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["accounts", "issue"];
    all.extend_from_slice(args);
    all.push("--json");
    let out = run(&all, ws);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("accounts JSON");
    v.as_array().expect("an array").clone()
}

/// A multipart/form-data body with one file in the field `file`: (Content-Type, body).
pub(crate) fn multipart(name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "tongbao-served-boundary-3e8a";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// An HTTP agent that reports every status as an answer and follows no redirect.
pub(crate) fn agent_with(tls: Option<ureq::tls::TlsConfig>) -> ureq::Agent {
    let mut config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .max_redirects(0)
        .timeout_global(Some(WAIT));
    if let Some(tls) = tls {
        config = config.tls_config(tls);
    }
    config.build().into()
}

/// The first form's CSRF token in a page.
fn csrf_in(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("a CSRF field") + marker.len();
    html[start..].chars().take_while(|c| *c != '"').collect()
}

/// A self-signed certificate for 127.0.0.1: (certificate PEM, key PEM).
fn self_signed() -> (String, String) {
    let certified =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).expect("a certificate");
    (certified.cert.pem(), certified.key_pair.serialize_pem())
}

/// A client that trusts `cert_pem` alone, with the server's crypto (ring).
fn trusting(cert_pem: &str) -> ureq::Agent {
    let cert = ureq::tls::Certificate::from_pem(cert_pem.as_bytes())
        .expect("PEM")
        .to_owned();
    agent_with(Some(
        ureq::tls::TlsConfig::builder()
            .provider(ureq::tls::TlsProvider::Rustls)
            .root_certs(ureq::tls::RootCerts::new_with_certs(&[cert]))
            .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .build(),
    ))
}

/// The cookies a response sets, whole (`name=value; attributes`).
fn set_cookies(r: &ureq::http::Response<ureq::Body>) -> Vec<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_string))
        .collect()
}

/// A workspace with the sample roster, a certificate and key in it, and 巴南区's account.
fn tls_workspace() -> (tempfile::TempDir, String, Value) {
    let (ws, _inbox) = sample_workspace();
    let (cert, key) = self_signed();
    std::fs::write(ws.path().join("cert.pem"), &cert).expect("cert");
    std::fs::write(ws.path().join("key.pem"), &key).expect("key");
    let accounts = issue(ws.path(), &["--unit", "巴南区"]);
    (ws, cert, accounts[0].clone())
}

const TLS_ARGS: [&str; 4] = ["--tls-cert", "cert.pem", "--tls-key", "key.pem"];

#[test]
fn serve_tls_logs_in_over_https_with_secure_cookies_and_plain_http_gets_no_page() {
    let (ws, cert, account) = tls_workspace();
    let server = Served::start(ws.path(), &TLS_ARGS, &[]);
    assert!(server.base.starts_with("https://"), "{}", server.base);
    let agent = trusting(&cert);

    // The login form over HTTPS: its CSRF cookie is Secure as well as HttpOnly, Strict.
    let mut r = agent
        .get(server.url("/login"))
        .call()
        .expect("HTTPS answer");
    assert_eq!(r.status(), 200);
    let cookies = set_cookies(&r);
    let csrf_cookie = cookies
        .iter()
        .find(|c| c.starts_with("tb_login_csrf="))
        .expect("the login CSRF cookie");
    for flag in ["; Secure", "HttpOnly", "SameSite=Strict"] {
        assert!(csrf_cookie.contains(flag), "{flag} missing: {csrf_cookie}");
    }
    let html = r.body_mut().read_to_string().expect("page");
    let csrf = csrf_in(&html);
    let pair = csrf_cookie
        .split(';')
        .next()
        .expect("name=value")
        .to_string();

    // Logging in sets the session cookie, Secure.
    let password = account["password"].as_str().expect("password");
    let r = agent
        .post(server.url("/login"))
        .header("Cookie", &pair)
        .send_form([
            ("csrf", csrf.as_str()),
            ("account", "500113"),
            ("password", password),
        ])
        .expect("HTTPS answer");
    assert_eq!(r.status(), 303, "{:?}", r.headers());
    let session = set_cookies(&r)
        .into_iter()
        .find(|c| c.starts_with("tb_session="))
        .expect("a session cookie");
    for flag in ["; Secure", "HttpOnly", "SameSite=Strict"] {
        assert!(session.contains(flag), "{flag} missing: {session}");
    }

    // The API answers over HTTPS as over HTTP.
    let token = account["token"].as_str().expect("token");
    let mut r = agent
        .get(server.url("/api/v1/returns?period=2025-06"))
        .header("Authorization", format!("Bearer {token}"))
        .call()
        .expect("HTTPS answer");
    assert_eq!(r.status(), 200);
    let v: Value =
        serde_json::from_slice(&r.body_mut().read_to_vec().expect("body")).expect("JSON");
    assert_eq!(v["returns"], Value::Array(vec![]));

    // A client that trusts another certificate gets no answer at all.
    let untrusting = trusting(&self_signed().0);
    assert!(untrusting.get(server.url("/login")).call().is_err());

    // Plain HTTP to the TLS port: no page, no cookie, whatever comes back.
    let mut conn = std::net::TcpStream::connect(&server.host).expect("connect");
    conn.set_read_timeout(Some(WAIT)).expect("timeout");
    conn.write_all(
        format!(
            "GET /login HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            server.host
        )
        .as_bytes(),
    )
    .expect("request");
    let mut back = Vec::new();
    let _ = conn.read_to_end(&mut back);
    let back = String::from_utf8_lossy(&back);
    assert!(!back.contains("HTTP/1.1 200"), "{back}");
    assert!(
        !back.contains("tb_login_csrf") && !back.contains("<html"),
        "{back}"
    );

    // And the server goes on over HTTPS.
    let r = agent
        .get(server.url("/login"))
        .call()
        .expect("HTTPS answer");
    assert_eq!(r.status(), 200);
}

/// The body of an upload that stops halfway until told to go on.
struct Gated {
    body: Vec<u8>,
    at: usize,
    half_sent: Option<mpsc::Sender<()>>,
    go_on: mpsc::Receiver<()>,
}

impl Read for Gated {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let half = self.body.len() / 2;
        if self.at == half {
            if let Some(told) = self.half_sent.take() {
                let _ = told.send(());
                self.go_on
                    .recv_timeout(WAIT)
                    .map_err(|e| std::io::Error::other(e.to_string()))?;
            }
        }
        let end = if self.at < half {
            half
        } else {
            self.body.len()
        };
        let n = buf.len().min(end - self.at);
        buf[..n].copy_from_slice(&self.body[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(unix)]
#[test]
fn serve_tls_stops_on_sigterm_after_finishing_the_upload_in_hand() {
    let (ws, cert, account) = tls_workspace();
    let mut server = Served::start(ws.path(), &TLS_ARGS, &[]);
    let token = account["token"].as_str().expect("token").to_string();
    let p = repo().join("samples/returns/2025-06/巴南区-2025-06.xlsx");
    let (content_type, body) = multipart("巴南区-2025-06.xlsx", &std::fs::read(p).expect("sample"));
    let (half_tx, half_rx) = mpsc::channel();
    let (go_tx, go_rx) = mpsc::channel();
    let url = server.url("/api/v1/returns?period=2025-06");
    let agent = trusting(&cert);
    let sending = std::thread::spawn(move || {
        let gated = Gated {
            body,
            at: 0,
            half_sent: Some(half_tx),
            go_on: go_rx,
        };
        let mut r = agent
            .post(url)
            .header("Authorization", format!("Bearer {token}"))
            .header("Content-Type", content_type)
            .send(ureq::SendBody::from_owned_reader(gated))
            .expect("an HTTPS answer");
        (
            r.status().as_u16(),
            r.body_mut().read_to_string().unwrap_or_default(),
        )
    });
    half_rx.recv_timeout(WAIT).expect("half the upload sent");
    // The upload is in hand once its temporary folder exists.
    let uploads = ws.path().join(".tongbao-uploads");
    let deadline = Instant::now() + WAIT;
    while !std::fs::read_dir(&uploads).is_ok_and(|mut d| d.next().is_some()) {
        assert!(
            Instant::now() < deadline,
            "the upload did not begin in time"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let pid = libc::pid_t::try_from(server.pid()).expect("pid");
    // SAFETY: sends SIGTERM to the child this test started and still holds.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    go_tx.send(()).expect("go on");
    let (status, answer) = sending.join().expect("the sending thread");
    assert_eq!(status, 200, "{answer}");
    assert!(answer.contains("\"accepted\""), "{answer}");
    assert_eq!(server.wait_exit(), Some(0));
    let archive = tongbao::archive::Archive::open_for_reading(&ws.path().join("tongbao.db"))
        .expect("archive");
    let june = tongbao::model::Period::new(2025, 6).expect("period");
    assert_eq!(archive.submissions(june).expect("submissions").len(), 1);
}

/// Runs `tongbao ARGS…` in `ws`, which must end by itself in time (a serve that started
/// listening would not): killed and failed otherwise.
fn run_ending(args: &[&str], ws: &Path) -> Output {
    let mut child = bin()
        .args(args)
        .current_dir(ws)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run tongbao");
    let deadline = Instant::now() + WAIT;
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("tongbao {args:?} did not end");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().expect("output")
}

#[test]
fn serve_tls_refuses_a_lone_option_and_unreadable_or_invalid_pem_in_both_languages() {
    let (ws, _cert, _account) = tls_workspace();
    let (_, other_key) = self_signed();
    std::fs::write(ws.path().join("other-key.pem"), other_key).expect("key");
    std::fs::write(ws.path().join("not.pem"), "hello, not a certificate\n").expect("file");
    let listen = ["serve", "--listen", "127.0.0.1:0"];
    let cases: [(&[&str], &str, &str); 6] = [
        (
            &["--tls-cert", "cert.pem"],
            "--tls-cert 和 --tls-key 须同时给出",
            "give both --tls-cert and --tls-key",
        ),
        (
            &["--tls-key", "key.pem"],
            "--tls-cert 和 --tls-key 须同时给出",
            "give both --tls-cert and --tls-key",
        ),
        (
            &["--tls-cert", "missing.pem", "--tls-key", "key.pem"],
            "无法读取 missing.pem",
            "cannot read missing.pem",
        ),
        (
            &["--tls-cert", "not.pem", "--tls-key", "key.pem"],
            "not.pem 中没有 PEM 格式的证书",
            "not.pem holds no PEM certificate",
        ),
        (
            &["--tls-cert", "cert.pem", "--tls-key", "cert.pem"],
            "cert.pem 中没有 PEM 格式的私钥",
            "cert.pem holds no PEM private key",
        ),
        (
            &["--tls-cert", "cert.pem", "--tls-key", "other-key.pem"],
            "私钥与证书不配对",
            "the key is not the certificate's",
        ),
    ];
    for (args, zh, en) in cases {
        for (lang, said) in [("zh", zh), ("en", en)] {
            let mut all = listen.to_vec();
            all.extend_from_slice(args);
            all.extend_from_slice(&["--lang", lang]);
            let out = run_ending(&all, ws.path());
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?} {lang}: {err}");
            assert!(err.contains(said), "{args:?} {lang}: {err}");
            assert!(
                out.stdout.is_empty(),
                "{}",
                String::from_utf8_lossy(&out.stdout)
            );
        }
    }
    // Nothing was created: the archive is made only by a server that starts.
    assert!(!ws.path().join(".tongbao-uploads").exists());
}
