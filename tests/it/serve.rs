//! The web intake (`tongbao serve`, issue 16) over HTTP: the real binary on 127.0.0.1,
//! a free port it prints, accounts issued by `tongbao accounts issue --json`, and the
//! API of docs/cli.md asked by every role. No test sleeps: the server's address is read
//! from its output with a bounded wait, and the server is killed when the test ends.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;
use tongbao::archive::Archive;
use tongbao::model::Period;

use crate::binary::{bin, repo, run, sample_workspace};

/// The longest the server may take to say where it listens.
const START_WAIT: Duration = Duration::from_secs(60);

/// `tongbao serve --listen 127.0.0.1:0` in a workspace, killed on drop.
pub(crate) struct Server {
    child: Child,
    pub(crate) base: String,
    /// The lines it prints after the first.
    lines: mpsc::Receiver<String>,
}

impl Server {
    fn start(ws: &Path) -> Server {
        Server::start_with(ws, &[])
    }

    /// Started with these environment variables set (`SOURCE_DATE_EPOCH` pins "today",
    /// so the pages' open period).
    pub(crate) fn start_with(ws: &Path, env: &[(&str, &str)]) -> Server {
        let mut child = bin()
            .args(["serve", "--listen", "127.0.0.1:0"])
            .current_dir(ws)
            .envs(env.iter().copied())
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start tongbao serve");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        // Reads every line, so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let line = rx
            .recv_timeout(START_WAIT)
            .expect("tongbao serve printed no address in time");
        let mut server = Server {
            child,
            base: String::new(),
            lines: rx,
        };
        let start = line.find("http://").expect("an address in the first line");
        let host: String = line[start + "http://".len()..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ':')
            .collect();
        server.base = format!("http://{host}");
        assert!(
            server.base.starts_with("http://127.0.0.1:"),
            "{}",
            server.base
        );
        server
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into()
}

/// An answer: status, headers we look at, and the body as JSON (Null when not JSON).
pub(crate) struct Answer {
    status: u16,
    headers: ureq::http::HeaderMap,
    pub(crate) json: Value,
    bytes: Vec<u8>,
}

fn answer(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Answer {
    let mut r = r.expect("an HTTP answer");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let bytes = r.body_mut().read_to_vec().expect("body");
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Answer {
        status,
        headers,
        json,
        bytes,
    }
}

fn get(server: &Server, path: &str, token: Option<&str>) -> Answer {
    let mut req = agent().get(server.url(path));
    if let Some(t) = token {
        req = req.header("Authorization", format!("Bearer {t}"));
    }
    answer(req.call())
}

fn post(server: &Server, path: &str, token: Option<&str>) -> Answer {
    let mut req = agent().post(server.url(path));
    if let Some(t) = token {
        req = req.header("Authorization", format!("Bearer {t}"));
    }
    answer(req.send_empty())
}

/// A multipart/form-data body with one file in the field `file`.
fn multipart(name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "tongbao-test-boundary-7d1f";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

pub(crate) fn upload(server: &Server, token: Option<&str>, name: &str, bytes: &[u8]) -> Answer {
    let (content_type, body) = multipart(name, bytes);
    let mut req = agent()
        .post(server.url("/api/v1/returns?period=2025-06"))
        .header("Content-Type", content_type);
    if let Some(t) = token {
        req = req.header("Authorization", format!("Bearer {t}"));
    }
    answer(req.send(&body[..]))
}

pub(crate) fn sample(path: &str) -> (String, Vec<u8>) {
    let p = repo().join("samples").join(path);
    let name = p.file_name().expect("name").to_string_lossy().into_owned();
    (name, std::fs::read(&p).expect("sample"))
}

/// The tokens of the accounts issued: 巴南区 (500113), 江津区 (500116) and the clerk.
struct Tokens {
    banan: String,
    jiangjin: String,
    clerk: String,
    /// The one-time passwords of 巴南区's account and the clerk's.
    banan_password: String,
    clerk_password: String,
}

fn issue_accounts(ws: &Path) -> Tokens {
    let out = run(
        &[
            "accounts",
            "issue",
            "--unit",
            "巴南区",
            "--unit",
            "江津区",
            "--clerk",
            "张三",
            "--json",
        ],
        ws,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("accounts JSON");
    let accounts = v.as_array().expect("an array");
    assert_eq!(accounts.len(), 3);
    let token_of = |name: &str| -> String {
        let a = accounts
            .iter()
            .find(|a| a["account"] == name)
            .unwrap_or_else(|| panic!("no account {name}: {v}"));
        assert!(a["password"].as_str().is_some_and(|p| p.len() >= 12));
        a["token"].as_str().expect("token").to_string()
    };
    let banan = &accounts[0];
    assert_eq!(banan["role"], "county");
    assert_eq!(banan["unit"]["code"], "500113");
    assert_eq!(banan["unit"]["name"], "巴南区");
    let clerk = &accounts[2];
    assert_eq!(clerk["role"], "clerk");
    assert_eq!(clerk["unit"], Value::Null);
    let password_of = |i: usize| {
        accounts[i]["password"]
            .as_str()
            .expect("password")
            .to_string()
    };
    Tokens {
        banan: token_of("500113"),
        jiangjin: token_of("500116"),
        clerk: token_of("张三"),
        banan_password: password_of(0),
        clerk_password: password_of(2),
    }
}

fn june() -> Period {
    Period::new(2025, 6).expect("period")
}

/// (unit code, version, status) of every submission the archive holds for June.
fn archived(ws: &Path) -> Vec<(Option<String>, Option<i64>, String)> {
    let archive = Archive::open_for_reading(&ws.join("tongbao.db")).expect("archive");
    archive
        .submissions(june())
        .expect("submissions")
        .into_iter()
        .map(|s| {
            (
                s.unit_code,
                s.version,
                format!("{:?}", s.verdict).to_lowercase(),
            )
        })
        .collect()
}

fn assert_secure_headers(a: &Answer) {
    let h = |name: &str| {
        a.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    assert!(
        h("content-security-policy").contains("default-src 'self'"),
        "{:?}",
        a.headers
    );
    assert_eq!(h("x-content-type-options"), "nosniff");
    assert_eq!(h("referrer-policy"), "no-referrer");
}

/// No refusal shows a path, SQL or a stack trace.
fn assert_plain_refusal(a: &Answer) {
    let text = String::from_utf8_lossy(&a.bytes);
    assert!(a.json["error"].is_string(), "{text}");
    for leak in ["/tmp", "tongbao.db", "SELECT", "panicked", "src/", "sqlite"] {
        assert!(!text.contains(leak), "{leak} in {text}");
    }
}

#[test]
fn serve_every_role_and_endpoint_answers_or_refuses_as_the_api_says() {
    let (ws, _inbox) = sample_workspace();
    let t = issue_accounts(ws.path());
    let server = Server::start(ws.path());
    let q = "?period=2025-06";
    let wrong = "tb_0123456789abcdef_000000000000000000000000000000000000000000000000";

    // Nobody, or a wrong token: 401 on every endpoint, with the security headers.
    for token in [None, Some(wrong), Some("not a token")] {
        for a in [
            get(&server, &format!("/api/v1/returns{q}"), token),
            get(&server, &format!("/api/v1/status{q}"), token),
            post(&server, &format!("/api/v1/build{q}"), token),
            get(&server, "/api/v1/receipts/1", token),
            get(&server, "/api/v1/bulletins/2025-06/pdf", token),
        ] {
            assert_eq!(a.status, 401, "{token:?}: {:?}", a.json);
            assert_secure_headers(&a);
            assert_plain_refusal(&a);
        }
        let (name, bytes) = sample("returns/2025-06/巴南区-2025-06.xlsx");
        let a = upload(&server, token, &name, &bytes);
        assert_eq!(a.status, 401, "{:?}", a.json);
    }

    // A county: its own returns, never the status board, a build or a bulletin.
    let a = get(&server, &format!("/api/v1/returns{q}"), Some(&t.banan));
    assert_eq!(a.status, 200, "{:?}", a.json);
    assert_eq!(a.json["returns"], Value::Array(vec![]));
    assert_secure_headers(&a);
    for a in [
        get(&server, &format!("/api/v1/status{q}"), Some(&t.banan)),
        post(&server, &format!("/api/v1/build{q}"), Some(&t.banan)),
        get(&server, "/api/v1/bulletins/2025-06/pdf", Some(&t.banan)),
    ] {
        assert_eq!(a.status, 403, "{:?}", a.json);
        assert_secure_headers(&a);
        assert_plain_refusal(&a);
    }

    // The clerk: the status board is `status --json`'s.
    let a = get(&server, &format!("/api/v1/status{q}"), Some(&t.clerk));
    assert_eq!(a.status, 200, "{:?}", a.json);
    assert_eq!(a.json["period"], "2025-06");
    let units = a.json["units"].as_array().expect("units");
    assert!(units.len() > 30);
    assert!(units.iter().all(|u| u["status"] == "missing"));
    let a = get(&server, &format!("/api/v1/returns{q}"), Some(&t.clerk));
    assert_eq!(a.status, 200, "{:?}", a.json);

    // A period that is not YYYY-MM, or none: 400, worded for the caller.
    let a = get(&server, "/api/v1/returns?period=2025-13", Some(&t.clerk));
    assert_eq!(a.status, 400);
    assert!(a.json["error"]
        .as_str()
        .is_some_and(|e| e.contains("YYYY-MM")));
    let a = get(&server, "/api/v1/status?lang=en", Some(&t.clerk));
    assert_eq!(a.status, 400);
    assert!(
        a.json["error"]
            .as_str()
            .is_some_and(|e| e.contains("give the period")),
        "{:?}",
        a.json
    );

    // Nothing counted: the clerk's build is refused with the reason, nothing built.
    let a = post(&server, &format!("/api/v1/build{q}"), Some(&t.clerk));
    assert_eq!(a.status, 409, "{:?}", a.json);
    assert_plain_refusal(&a);
    assert!(!ws.path().join("out/2025-06/bulletin-2025-06.json").exists());

    // Anything else: 404 without detail.
    let a = get(&server, "/api/v1/secrets", Some(&t.clerk));
    assert_eq!(a.status, 404);
    assert_secure_headers(&a);

    // A revoked account's token stops working at once; the others go on.
    let out = run(&["accounts", "revoke", "500116"], ws.path());
    assert_eq!(out.status.code(), Some(0));
    let a = get(&server, &format!("/api/v1/returns{q}"), Some(&t.jiangjin));
    assert_eq!(a.status, 401);
    let a = get(&server, &format!("/api/v1/returns{q}"), Some(&t.banan));
    assert_eq!(a.status, 200);
}

#[test]
fn serve_a_county_sends_its_return_a_flawed_one_and_another_units_which_is_refused() {
    let (ws, _inbox) = sample_workspace();
    let t = issue_accounts(ws.path());
    let server = Server::start(ws.path());

    // 巴南区's valid return: accepted, stored as version 1, with a receipt.
    let (name, bytes) = sample("returns/2025-06/巴南区-2025-06.xlsx");
    let a = upload(&server, Some(&t.banan), &name, &bytes);
    assert_eq!(a.status, 200, "{:?}", a.json);
    assert_secure_headers(&a);
    assert_eq!(a.json["status"], "accepted");
    assert_eq!(a.json["file"], name.as_str());
    assert_eq!(a.json["unit"]["code"], "500113");
    assert_eq!(a.json["period"], "2025-06");
    assert_eq!(a.json["archive"]["stored"], "new");
    assert_eq!(a.json["archive"]["version"], 1);
    assert!(a.json["figures"]["ytd"]["signed_amount"].is_number());
    let receipt = a.json["receipt"]
        .as_str()
        .expect("a receipt URL")
        .to_string();
    let r = get(&server, &receipt, Some(&t.banan));
    assert_eq!(r.status, 200);
    assert!(r.bytes.starts_with(b"PK"), "a workbook");
    // Another county may not read it.
    assert_eq!(get(&server, &receipt, Some(&t.jiangjin)).status, 404);

    // 江津区's flawed return: answered with every finding, stored for the record.
    let (name, bytes) = sample("flawed/E-NEGATIVE-江津区-2025-06.xlsx");
    let a = upload(&server, Some(&t.jiangjin), &name, &bytes);
    assert_eq!(a.status, 200, "{:?}", a.json);
    assert_eq!(a.json["status"], "rejected");
    let findings = a.json["diagnostics"].as_array().expect("diagnostics");
    let negative = findings
        .iter()
        .find(|d| d["code"] == "E-NEGATIVE")
        .unwrap_or_else(|| panic!("E-NEGATIVE in {findings:?}"));
    assert_eq!(negative["severity"], "error");
    assert!(negative["sheet"].is_string() && negative["cell"].is_string());
    assert!(negative["message"].as_str().is_some_and(|m| !m.is_empty()));

    // 巴南区 sending 江北区's return: refused before storing, logged.
    let before = archived(ws.path());
    let (name, bytes) = sample("returns/2025-06/江北区-2025-06.xlsx");
    let a = upload(&server, Some(&t.banan), &name, &bytes);
    assert_eq!(a.status, 403, "{:?}", a.json);
    assert_plain_refusal(&a);
    assert_eq!(archived(ws.path()), before);
    let archive = Archive::open_for_reading(&ws.path().join("tongbao.db")).expect("archive");
    let log = archive.audit_log().expect("audit");
    let refused: Vec<_> = log
        .iter()
        .filter(|r| r.action == "refused_other_unit")
        .collect();
    assert_eq!(refused.len(), 1, "{log:?}");
    assert_eq!(refused[0].account.as_deref(), Some("500113"));
    assert!(refused[0].detail.contains("500105"), "{:?}", refused[0]);
    assert_eq!(log.iter().filter(|r| r.action == "upload").count(), 2);
    drop(archive);

    // The clerk may send any unit's return: 江北区's is taken from the clerk.
    let a = upload(&server, Some(&t.clerk), &name, &bytes);
    assert_eq!(a.status, 200, "{:?}", a.json);
    assert_eq!(a.json["status"], "accepted");

    // Each county lists its own submissions only; the clerk every unit's.
    let a = get(&server, "/api/v1/returns?period=2025-06", Some(&t.banan));
    let own = a.json["returns"].as_array().expect("returns");
    assert_eq!(own.len(), 1, "{own:?}");
    assert_eq!(own[0]["unit"]["code"], "500113");
    assert_eq!(own[0]["version"], 1);
    assert_eq!(own[0]["status"], "accepted");
    assert!(own[0]["received_at"].is_string());
    let a = get(&server, "/api/v1/returns?period=2025-06", Some(&t.clerk));
    assert_eq!(a.json["returns"].as_array().map(Vec::len), Some(3));

    // The archive holds exactly what was accepted or rejected, nothing refused.
    assert_eq!(
        archived(ws.path()),
        vec![
            (Some("500113".into()), Some(1), "accepted".into()),
            (Some("500116".into()), Some(1), "rejected".into()),
            (Some("500105".into()), Some(1), "accepted".into()),
        ]
    );

    // The status board sees them; the clerk builds, and the files are where it says.
    let a = get(&server, "/api/v1/status?period=2025-06", Some(&t.clerk));
    let units = a.json["units"].as_array().expect("units");
    let status_of = |code: &str| {
        units
            .iter()
            .find(|u| u["code"] == code)
            .map(|u| u["status"].clone())
    };
    assert_eq!(status_of("500113"), Some("accepted".into()));
    assert_eq!(status_of("500116"), Some("rejected".into()));
    let a = post(&server, "/api/v1/build?period=2025-06", Some(&t.clerk));
    assert_eq!(a.status, 200, "{:?}", a.json);
    assert_eq!(a.json["bulletin"]["period"], "2025-06");
    let pdf = get(
        &server,
        a.json["pdf"].as_str().expect("pdf"),
        Some(&t.clerk),
    );
    assert_eq!(pdf.status, 200);
    assert!(pdf.bytes.starts_with(b"%PDF"));
    let book = get(
        &server,
        a.json["workbook"].as_str().expect("workbook"),
        Some(&t.clerk),
    );
    assert_eq!(book.status, 200);
    assert!(book.bytes.starts_with(b"PK"));
}

#[test]
fn serve_refuses_an_upload_over_the_size_limit_with_413_and_stores_nothing() {
    let (ws, _inbox) = sample_workspace();
    let config = ws.path().join("tongbao.toml");
    let text = std::fs::read_to_string(&config).expect("config");
    let limited = text.replace("max_file_bytes = 104857600", "max_file_bytes = 100000");
    assert_ne!(text, limited, "the sample config states max_file_bytes");
    std::fs::write(&config, limited).expect("config");
    let t = issue_accounts(ws.path());
    let server = Server::start(ws.path());
    // Over the limit and its multipart allowance: refused from Content-Length, before
    // the body is read — the request's head alone is sent, and answered. (Sent whole, the
    // body would race the refusal: the server closes the connection once it has
    // answered, and a client still writing gets a broken pipe instead of the answer.)
    let head = format!(
        "POST /api/v1/returns?period=2025-06 HTTP/1.1\r\nHost: {host}\r\n\
         Authorization: Bearer {token}\r\n\
         Content-Type: multipart/form-data; boundary=b\r\n\
         Content-Length: 300000\r\n\r\n",
        host = server.base.trim_start_matches("http://"),
        token = t.banan,
    );
    let mut stream =
        std::net::TcpStream::connect(server.base.trim_start_matches("http://")).expect("connect");
    stream
        .set_read_timeout(Some(START_WAIT))
        .expect("read timeout");
    stream.write_all(head.as_bytes()).expect("request head");
    let mut status_line = String::new();
    BufReader::new(&stream)
        .read_line(&mut status_line)
        .expect("an answer before the body");
    assert!(status_line.starts_with("HTTP/1.1 413"), "{status_line:?}");
    drop(stream);
    // Over the limit, within the allowance: refused while it streams.
    let a = upload(&server, Some(&t.banan), "big.xlsx", &vec![b'x'; 120_000]);
    assert_eq!(a.status, 413, "{:?}", a.json);
    assert_plain_refusal(&a);
    assert_secure_headers(&a);
    assert!(archived(ws.path()).is_empty());
    // A file within the limit is taken as usual.
    let (name, bytes) = sample("returns/2025-06/巴南区-2025-06.xlsx");
    assert!(bytes.len() < 100_000);
    let a = upload(&server, Some(&t.banan), &name, &bytes);
    assert_eq!(a.status, 200, "{:?}", a.json);
    assert_eq!(archived(ws.path()).len(), 1);
    // Nothing is left of the uploads in the workspace.
    let left = std::fs::read_dir(ws.path().join(".tongbao-uploads"))
        .expect("uploads folder")
        .count();
    assert_eq!(left, 0);
}

#[test]
fn accounts_issue_refuses_a_unit_not_in_the_roster_and_list_shows_no_secrets() {
    let (ws, _inbox) = sample_workspace();
    let out = run(&["accounts", "issue", "--unit", "不存在县"], ws.path());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("名册中没有“不存在县”"), "{err}");
    let t = issue_accounts(ws.path());
    let out = run(&["accounts", "list", "--json"], ws.path());
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains(&t.banan) && !text.contains("hash"), "{text}");
    let v: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(v.as_array().map(Vec::len), Some(3));
    // Neither the password nor the token is in the archive as written.
    let db = std::fs::read(ws.path().join("tongbao.db")).expect("archive");
    let secret = t.banan.rsplit('_').next().expect("secret");
    assert!(!db.windows(secret.len()).any(|w| w == secret.as_bytes()));
}

/// Waits (bounded) until `ready` holds, looking again every few milliseconds.
fn wait_for(what: &str, mut ready: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + START_WAIT;
    while !ready() {
        assert!(std::time::Instant::now() < deadline, "{what}: not in time");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[cfg(unix)]
#[test]
fn serve_stops_on_sigterm_after_finishing_the_upload_in_hand() {
    use std::io::{Read, Write};

    let (ws, _inbox) = sample_workspace();
    let t = issue_accounts(ws.path());
    let mut server = Server::start(ws.path());
    let (name, bytes) = sample("returns/2025-06/巴南区-2025-06.xlsx");
    let (content_type, body) = multipart(&name, &bytes);
    let host = server.base.trim_start_matches("http://").to_string();
    let mut conn = std::net::TcpStream::connect(&host).expect("connect");
    conn.set_read_timeout(Some(START_WAIT)).expect("timeout");
    let head = format!(
        "POST /api/v1/returns?period=2025-06 HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        t.banan,
        body.len()
    );
    conn.write_all(head.as_bytes()).expect("head");
    // Half the file: the upload is in hand once its temporary folder exists.
    let half = body.len() / 2;
    conn.write_all(&body[..half]).expect("first half");
    conn.flush().expect("flush");
    let uploads = ws.path().join(".tongbao-uploads");
    wait_for("the upload begun", || {
        std::fs::read_dir(&uploads).is_ok_and(|mut d| d.next().is_some())
    });
    let pid = libc::pid_t::try_from(server.child.id()).expect("pid");
    // SAFETY: sends SIGTERM to the child this test started and still holds.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    conn.write_all(&body[half..]).expect("second half");
    let mut answer = String::new();
    conn.read_to_string(&mut answer).expect("answer");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"accepted\""), "{answer}");
    let mut status = None;
    wait_for("the server to stop", || {
        status = server.child.try_wait().expect("wait");
        status.is_some()
    });
    assert_eq!(status.and_then(|s| s.code()), Some(0));
    let stopped = server.lines.recv_timeout(START_WAIT).expect("a last line");
    assert!(stopped.contains("网上报送已停止"), "{stopped}");
    assert_eq!(archived(ws.path()).len(), 1);
}

/// A browser without JavaScript: keeps cookies, follows no redirect.
struct Browser<'a> {
    server: &'a Server,
    agent: ureq::Agent,
    cookies: std::collections::BTreeMap<String, String>,
}

/// A page: its status, where it redirects, its HTML.
struct Page {
    status: u16,
    location: Option<String>,
    set_cookies: Vec<String>,
    html: String,
}

impl Browser<'_> {
    fn new(server: &Server) -> Browser<'_> {
        Browser {
            server,
            agent: ureq::Agent::config_builder()
                .http_status_as_error(false)
                .proxy(None)
                .max_redirects(0)
                .timeout_global(Some(Duration::from_secs(120)))
                .build()
                .into(),
            cookies: Default::default(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn take(&mut self, r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Page {
        let mut r = r.expect("an HTTP answer");
        let set_cookies: Vec<String> = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_string))
            .collect();
        for c in &set_cookies {
            let pair = c.split(';').next().unwrap_or("");
            if let Some((k, v)) = pair.split_once('=') {
                if v.is_empty() {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_string(), v.to_string());
                }
            }
        }
        let location = r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        Page {
            status: r.status().as_u16(),
            location,
            set_cookies,
            html: r.body_mut().read_to_string().unwrap_or_default(),
        }
    }

    fn get(&mut self, path: &str) -> Page {
        let r = self
            .agent
            .get(self.server.url(path))
            .header("Cookie", self.cookie_header())
            .call();
        self.take(r)
    }

    fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let r = self
            .agent
            .post(self.server.url(path))
            .header("Cookie", self.cookie_header())
            .send_form(fields.iter().copied());
        self.take(r)
    }

    fn post_upload(&mut self, csrf: &str, period: &str, name: &str, bytes: &[u8]) -> Page {
        let boundary = "tongbao-page-boundary-91c2";
        let mut body = Vec::new();
        for (field, value) in [("csrf", csrf), ("period", period)] {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let r = self
            .agent
            .post(self.server.url("/upload"))
            .header("Cookie", self.cookie_header())
            .header(
                "Content-Type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .send(&body[..]);
        self.take(r)
    }

    /// Logs in as `account` (the login form's CSRF token first).
    fn login(&mut self, account: &str, password: &str) -> Page {
        let form = self.get("/login");
        assert_eq!(form.status, 200);
        let csrf = csrf_in(&form.html);
        self.post_form(
            "/login",
            &[
                ("csrf", &csrf),
                ("account", account),
                ("password", password),
            ],
        )
    }
}

/// The CSRF token of the first form of a page.
fn csrf_in(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("no CSRF token in {html}"))
        + marker.len();
    html[start..].chars().take_while(|c| *c != '"').collect()
}

#[test]
fn pages_a_county_logs_in_changes_its_password_and_sends_returns_through_the_form() {
    let (ws, _inbox) = sample_workspace();
    let t = issue_accounts(ws.path());
    let server = Server::start(ws.path());
    let mut b = Browser::new(&server);

    // Without a session every page leads to the login.
    let p = b.get("/");
    assert_eq!((p.status, p.location.as_deref()), (303, Some("/login")));
    // A login form posted without its CSRF cookie is refused.
    let mut stranger = Browser::new(&server);
    let p = stranger.post_form(
        "/login",
        &[
            ("csrf", "x"),
            ("account", "500113"),
            ("password", &t.banan_password),
        ],
    );
    assert_eq!(p.status, 403);

    let p = b.login("500113", "wrong password");
    assert_eq!(p.status, 401);
    assert!(p.html.contains("账号或密码不正确"), "{}", p.html);
    let p = b.login("500113", &t.banan_password);
    assert_eq!((p.status, p.location.as_deref()), (303, Some("/password")));
    let session = p
        .set_cookies
        .iter()
        .find(|c| c.starts_with("tb_session="))
        .expect("a session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Strict"),
        "{session}"
    );

    // The one-time password must be changed first.
    let p = b.get("/");
    assert_eq!((p.status, p.location.as_deref()), (303, Some("/password")));
    let form = b.get("/password");
    assert!(
        form.html.contains("首次登录请先修改一次性密码"),
        "{}",
        form.html
    );
    let csrf = csrf_in(&form.html);
    let p = b.post_form(
        "/password",
        &[("csrf", &csrf), ("password", "short"), ("again", "short")],
    );
    assert_eq!(p.status, 400);
    let p = b.post_form(
        "/password",
        &[
            ("csrf", "forged"),
            ("password", "巴南区新密码2025"),
            ("again", "巴南区新密码2025"),
        ],
    );
    assert_eq!(p.status, 403);
    let p = b.post_form(
        "/password",
        &[
            ("csrf", &csrf),
            ("password", "巴南区新密码2025"),
            ("again", "巴南区新密码2025"),
        ],
    );
    assert_eq!((p.status, p.location.as_deref()), (303, Some("/")));

    // The county's page: the upload form, with the CSRF token, without JavaScript.
    let home = b.get("/");
    assert_eq!(home.status, 200);
    assert!(home.html.contains("enctype=\"multipart/form-data\""));
    assert!(!home.html.contains("<script"));
    let csrf = csrf_in(&home.html);

    // The blank form of the open period, for the county's own unit.
    let link = "href=\"/form?period=";
    let at = home.html.find(link).expect("a blank form link") + "href=\"".len();
    let href: String = home.html[at..].chars().take_while(|c| *c != '"').collect();
    let r = b
        .agent
        .get(server.url(&href))
        .header("Cookie", b.cookie_header())
        .call()
        .expect("form");
    assert_eq!(r.status().as_u16(), 200);
    let disposition = r
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert!(
        disposition.contains("%E5%B7%B4%E5%8D%97%E5%8C%BA"),
        "{disposition}"
    ); // 巴南区
    let form = r.into_body().read_to_vec().expect("form bytes");
    assert!(form.starts_with(b"PK"));

    // A forged form stores nothing.
    let (name, bytes) = sample("returns/2025-06/巴南区-2025-06.xlsx");
    let p = b.post_upload("forged", "2025-06", &name, &bytes);
    assert_eq!(p.status, 403);
    assert!(archived(ws.path()).is_empty());

    // A valid return: 已受理.
    let p = b.post_upload(&csrf, "2025-06", &name, &bytes);
    assert_eq!(p.status, 200, "{}", p.html);
    assert!(p.html.contains("已受理"), "{}", p.html);
    // A flawed one: 未通过审核, with each finding's place.
    let flawed = crate::support::Form::valid()
        .set(0, "合同投资额", crate::support::s("约5000"))
        .xlsx();
    let p = b.post_upload(&csrf, "2025-06", "巴南区-更正.xlsx", &flawed);
    assert_eq!(p.status, 200, "{}", p.html);
    assert!(p.html.contains("未通过审核"), "{}", p.html);
    assert!(
        p.html.contains("E-NUMBER") && p.html.contains("!"),
        "{}",
        p.html
    );
    // Another unit's return: refused, nothing stored.
    let (other, other_bytes) = sample("returns/2025-06/江北区-2025-06.xlsx");
    let p = b.post_upload(&csrf, "2025-06", &other, &other_bytes);
    assert_eq!(p.status, 403);
    assert_eq!(archived(ws.path()).len(), 2);

    // The login and the new password are the account's from now on.
    let archive = Archive::open_for_reading(&ws.path().join("tongbao.db")).expect("archive");
    let log = archive.audit_log().expect("audit");
    assert!(log.iter().any(|r| r.action == "login_failed"));
    assert!(log.iter().any(|r| r.action == "login"));
    drop(archive);

    // Logged out, the session no longer opens a page.
    let p = b.post_form("/logout", &[("csrf", &csrf)]);
    assert_eq!(p.status, 303);
    let p = b.get("/");
    assert_eq!((p.status, p.location.as_deref()), (303, Some("/login")));
    let mut again = Browser::new(&server);
    let p = again.login("500113", "巴南区新密码2025");
    assert_eq!((p.status, p.location.as_deref()), (303, Some("/")));
}

#[test]
fn pages_five_failed_logins_lock_the_account_and_the_clerk_sees_the_status_board() {
    let (ws, _inbox) = sample_workspace();
    let t = issue_accounts(ws.path());
    let server = Server::start(ws.path());
    let mut b = Browser::new(&server);
    for attempt in 1..=5 {
        let p = b.login("500113", "not the password");
        let expected = if attempt < 5 { 401 } else { 429 };
        assert_eq!(p.status, expected, "attempt {attempt}");
    }
    // Locked: even the right password is refused, in the reader's language.
    let p = b.login("500113", &t.banan_password);
    assert_eq!(p.status, 429);
    assert!(p.html.contains("锁定"), "{}", p.html);
    let archive = Archive::open_for_reading(&ws.path().join("tongbao.db")).expect("archive");
    let log = archive.audit_log().expect("audit");
    assert_eq!(log.iter().filter(|r| r.action == "login_failed").count(), 6);
    assert!(!log.iter().any(|r| r.action == "login"));
    drop(archive);

    // The clerk: the status board of the open period, every roster unit on it.
    let mut clerk = Browser::new(&server);
    let p = clerk.login("张三", &t.clerk_password);
    assert_eq!(p.location.as_deref(), Some("/password"));
    let csrf = csrf_in(&clerk.get("/password").html);
    let p = clerk.post_form(
        "/password",
        &[
            ("csrf", &csrf),
            ("password", "经办人张三的新密码2025"),
            ("again", "经办人张三的新密码2025"),
        ],
    );
    assert_eq!(p.location.as_deref(), Some("/"));
    let board = clerk.get("/");
    assert_eq!(board.status, 200);
    assert!(board.html.contains("报送情况"), "{}", board.html);
    assert!(board.html.contains("500113 巴南区"), "{}", board.html);
    // In English when the browser asks for it.
    let r = clerk
        .agent
        .get(server.url("/?lang=en"))
        .header("Cookie", clerk.cookie_header())
        .call();
    let en = clerk.take(r);
    assert!(en.html.contains("Status board"), "{}", en.html);
}

#[test]
fn pages_the_clerk_confirms_a_held_return_from_the_board() {
    let (ws, _inbox) = sample_workspace();
    let t = issue_accounts(ws.path());
    // Today is 2025-07-03: the open period is 2025-06, the samples' month.
    let server = Server::start_with(ws.path(), &[("SOURCE_DATE_EPOCH", "1751533200")]);
    // 沙坪坝区's return with 亿元 amounts in the 万元 columns: held for verification (核实).
    let (name, bytes) = sample("layouts/V-MAGNITUDE-亿元填在万元列-沙坪坝区-2025-06.xlsx");
    let a = upload(&server, Some(&t.clerk), &name, &bytes);
    assert_eq!(a.json["status"], "held", "{:?}", a.json);
    let status_of = |code: &str| -> String {
        let archive = Archive::open_for_reading(&ws.path().join("tongbao.db")).expect("archive");
        let cfg = tongbao::config::Config::load(&ws.path().join("tongbao.toml")).expect("config");
        let report = tongbao::aggregate::status::status_report(
            &archive,
            &cfg,
            Period::new(2025, 6).expect("period"),
        )
        .expect("status");
        let unit = report
            .units
            .iter()
            .find(|u| u.code == code)
            .expect("on the roster");
        serde_json::to_value(unit.status)
            .expect("JSON")
            .as_str()
            .expect("text")
            .to_string()
    };
    let shapingba = "500106";
    assert_eq!(status_of(shapingba), "held");

    let mut clerk = Browser::new(&server);
    let p = clerk.login("张三", &t.clerk_password);
    assert_eq!(p.location.as_deref(), Some("/password"));
    let csrf = csrf_in(&clerk.get("/password").html);
    clerk.post_form(
        "/password",
        &[
            ("csrf", &csrf),
            ("password", "经办人张三的新密码2025"),
            ("again", "经办人张三的新密码2025"),
        ],
    );
    let board = clerk.get("/");
    assert_eq!(board.status, 200);
    // Received in Beijing time (stored 2025-07-03T09:00:00Z).
    assert!(
        board.html.contains("报送时间（北京时间）"),
        "{}",
        board.html
    );
    assert!(board.html.contains("2025-07-03 17:00:00"), "{}", board.html);
    // A reminder ready to send (催报): every unit with nothing in, by name, and the
    // deadline; not the held one, which came.
    let start = board.html.find("<textarea").expect("a reminder");
    let end = board.html[start..].find("</textarea>").expect("its end") + start;
    let reminder = &board.html[start..end];
    assert!(
        reminder.contains("2025年6月招商引资月报表的报送截止日期为2025年7月5日"),
        "{reminder}"
    );
    assert!(reminder.contains("截至2025年7月3日"), "{reminder}");
    assert!(
        reminder.contains("巴南区") && reminder.contains("渝中区"),
        "{reminder}"
    );
    assert!(!reminder.contains("沙坪坝区"), "{reminder}");
    // The held row, and only it, has a confirm form.
    assert_eq!(
        board.html.matches("action=\"/confirm\"").count(),
        1,
        "{}",
        board.html
    );
    assert!(board
        .html
        .contains(&format!("name=\"unit\" value=\"{shapingba}\"")));
    let csrf = csrf_in(&board.html);
    // Without an explanation, or without the form's token, nothing is confirmed.
    let p = clerk.post_form(
        "/confirm",
        &[
            ("csrf", &csrf),
            ("unit", shapingba),
            ("period", "2025-06"),
            ("note", "  "),
        ],
    );
    assert_eq!(p.status, 400, "{}", p.html);
    let p = clerk.post_form(
        "/confirm",
        &[
            ("csrf", "forged"),
            ("unit", shapingba),
            ("period", "2025-06"),
            ("note", "已电话核实"),
        ],
    );
    assert_eq!(p.status, 403, "{}", p.html);
    assert_eq!(status_of(shapingba), "held");
    // A county may not confirm, even its own return.
    let mut county = Browser::new(&server);
    county.login("500113", &t.banan_password);
    let csrf_county = csrf_in(&county.get("/password").html);
    county.post_form(
        "/password",
        &[
            ("csrf", &csrf_county),
            ("password", "巴南区新密码2025"),
            ("again", "巴南区新密码2025"),
        ],
    );
    let csrf_county = csrf_in(&county.get("/").html);
    let p = county.post_form(
        "/confirm",
        &[
            ("csrf", &csrf_county),
            ("unit", shapingba),
            ("period", "2025-06"),
            ("note", "已核实"),
        ],
    );
    assert_eq!(p.status, 403, "{}", p.html);
    assert_eq!(status_of(shapingba), "held");
    // The clerk confirms with a note: the return counts, the board changes, it is audited.
    let p = clerk.post_form(
        "/confirm",
        &[
            ("csrf", &csrf),
            ("unit", shapingba),
            ("period", "2025-06"),
            ("note", "已电话核实，金额单位为万元"),
        ],
    );
    assert_eq!(
        (p.status, p.location.as_deref()),
        (303, Some("/")),
        "{}",
        p.html
    );
    assert_eq!(status_of(shapingba), "accepted");
    let board = clerk.get("/");
    assert!(
        !board.html.contains("action=\"/confirm\""),
        "{}",
        board.html
    );
    let archive = Archive::open_for_reading(&ws.path().join("tongbao.db")).expect("archive");
    let confirmations = archive
        .confirmations(Period::new(2025, 6).expect("period"))
        .expect("confirmations");
    assert_eq!(confirmations.len(), 1);
    assert_eq!(confirmations[0].note, "已电话核实，金额单位为万元");
    let log = archive.audit_log().expect("audit");
    assert_eq!(
        log.iter().filter(|r| r.action == "confirm").count(),
        1,
        "{log:?}"
    );
}

/// A browser logged in as `account`, its one-time password changed.
fn logged_in<'a>(server: &'a Server, account: &str, once: &str, new: &str) -> Browser<'a> {
    let mut b = Browser::new(server);
    let p = b.login(account, once);
    assert_eq!(p.location.as_deref(), Some("/password"), "{}", p.html);
    let csrf = csrf_in(&b.get("/password").html);
    let p = b.post_form(
        "/password",
        &[("csrf", &csrf), ("password", new), ("again", new)],
    );
    assert_eq!(p.location.as_deref(), Some("/"), "{}", p.html);
    b
}

/// The submission id at the end of an upload's receipt address.
fn submission_id(a: &Answer) -> String {
    a.json["receipt"]
        .as_str()
        .and_then(|r| r.rsplit('/').next())
        .unwrap_or_else(|| panic!("no receipt in {:?}", a.json))
        .to_string()
}

#[test]
fn pages_a_county_sees_its_own_submissions_findings_and_receipts_and_no_other_units() {
    let (ws, _inbox) = sample_workspace();
    let t = issue_accounts(ws.path());
    let server = Server::start_with(ws.path(), &[("SOURCE_DATE_EPOCH", "1751533200")]);
    // 江津区's flawed return and 巴南区's, sent with their tokens.
    let (name, bytes) = sample("flawed/E-NEGATIVE-江津区-2025-06.xlsx");
    let theirs = submission_id(&upload(&server, Some(&t.jiangjin), &name, &bytes));
    let (name, bytes) = sample("returns/2025-06/巴南区-2025-06.xlsx");
    let ours = submission_id(&upload(&server, Some(&t.banan), &name, &bytes));

    let mut county = logged_in(&server, "500113", &t.banan_password, "巴南区新密码2025");
    // Its page lists its own submission, with its findings and receipt; not 江津区's.
    let home = county.get("/");
    assert_eq!(home.status, 200);
    assert!(home.html.contains("巴南区-2025-06.xlsx"), "{}", home.html);
    assert!(!home.html.contains("E-NEGATIVE"), "{}", home.html);
    assert!(home.html.contains(&format!("href=\"/submission/{ours}\"")));
    assert!(home.html.contains(&format!("href=\"/receipt/{ours}\"")));
    // The header bar names the unit, the period, the switch and the logout.
    assert!(home.html.contains("巴南区（500113）"), "{}", home.html);
    assert!(home.html.contains("报告期 2025-06"), "{}", home.html);
    assert!(home.html.contains("href=\"?lang=en\""), "{}", home.html);
    let p = county.get(&format!("/submission/{ours}"));
    assert_eq!(p.status, 200, "{}", p.html);
    assert!(p.html.contains("已受理"), "{}", p.html);
    let p = county.get(&format!("/receipt/{ours}"));
    assert_eq!(p.status, 200);
    // Another unit's submission: 403 for its findings, nothing of it shown; its receipt
    // is as if there were none.
    let p = county.get(&format!("/submission/{theirs}"));
    assert_eq!(p.status, 403, "{}", p.html);
    assert!(p.html.contains("不属于本单位"), "{}", p.html);
    assert!(!p.html.contains("E-NEGATIVE"), "{}", p.html);
    let p = county.get(&format!("/receipt/{theirs}"));
    assert_eq!(p.status, 404, "{}", p.html);
    assert_eq!(county.get("/submission/999999").status, 404);
    assert_eq!(county.get("/submission/x'--").status, 404);
    // The clerk's pages are not a county's.
    assert_eq!(county.get("/bulletin").status, 403);
    assert_eq!(county.get("/brief").status, 403);
    assert_eq!(county.get("/bulletin/2025-06/pdf").status, 403);

    // The clerk sees both, and 江津区's finding with its cell.
    let mut clerk = logged_in(&server, "张三", &t.clerk_password, "经办人张三的新密码2025");
    let list = clerk.get("/submissions?period=2025-06");
    assert_eq!(list.status, 200);
    assert!(
        list.html.contains("E-NEGATIVE-江津区-2025-06.xlsx")
            && list.html.contains("巴南区-2025-06.xlsx"),
        "{}",
        list.html
    );
    let p = clerk.get(&format!("/submission/{theirs}"));
    assert_eq!(p.status, 200, "{}", p.html);
    assert!(p.html.contains("未通过审核"), "{}", p.html);
    assert!(p.html.contains("E-NEGATIVE"), "{}", p.html);
    assert!(p.html.contains("项目明细!"), "{}", p.html);
    // A period that is none is refused, not guessed.
    assert_eq!(clerk.get("/?period=2025-13").status, 400);
    assert_eq!(clerk.get("/submissions?period=June").status, 400);
}

#[test]
fn pages_the_board_refreshes_itself_and_tallies_and_the_clerk_builds_the_bulletin() {
    let (ws, _inbox) = sample_workspace();
    let t = issue_accounts(ws.path());
    let server = Server::start_with(ws.path(), &[("SOURCE_DATE_EPOCH", "1751533200")]);
    let mut clerk = logged_in(&server, "张三", &t.clerk_password, "经办人张三的新密码2025");
    // The stylesheet is the binary's own, and the policy lets it in.
    let css = clerk.get("/style.css");
    assert_eq!(css.status, 200);
    assert!(css.html.contains("form.fields"), "{}", css.html);
    let board = clerk.get("/");
    assert!(
        board
            .html
            .contains("<meta http-equiv=\"refresh\" content=\"30\">"),
        "{}",
        board.html
    );
    assert!(board.html.contains("已报送 0 个"), "{}", board.html);
    // Nothing counted yet: the build says so and makes nothing.
    let page = clerk.get("/bulletin?period=2025-06");
    assert!(page.html.contains("本期通报尚未生成"), "{}", page.html);
    let csrf = csrf_in(&page.html);
    let p = clerk.post_form("/bulletin", &[("csrf", &csrf), ("period", "2025-06")]);
    assert_eq!(p.status, 409, "{}", p.html);
    let p = clerk.post_form("/bulletin", &[("csrf", "forged"), ("period", "2025-06")]);
    assert_eq!(p.status, 403, "{}", p.html);
    // 巴南区's return comes in: the board changes, and the bulletin builds.
    let (name, bytes) = sample("returns/2025-06/巴南区-2025-06.xlsx");
    assert_eq!(
        upload(&server, Some(&t.banan), &name, &bytes).json["status"],
        "accepted"
    );
    let board = clerk.get("/?period=2025-06");
    assert!(board.html.contains("已报送 1 个"), "{}", board.html);
    let p = clerk.post_form("/bulletin", &[("csrf", &csrf), ("period", "2025-06")]);
    assert_eq!(p.status, 200, "{}", p.html);
    for kind in ["pdf", "xlsx", "json"] {
        assert!(
            p.html
                .contains(&format!("href=\"/bulletin/2025-06/{kind}\"")),
            "{}",
            p.html
        );
    }
    let r = agent()
        .get(server.url("/bulletin/2025-06/pdf"))
        .header("Cookie", clerk.cookie_header())
        .call()
        .expect("PDF");
    let a = answer(Ok(r));
    assert_eq!(a.status, 200);
    assert!(a.bytes.starts_with(b"%PDF"));
    assert!(
        a.headers
            .get("content-disposition")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("download.pdf")),
        "{:?}",
        a.headers
    );
    assert_eq!(clerk.get("/bulletin/2025-06/exe").status, 404);
    // A briefing asks for a span within one year and a unit or group the roster has.
    let brief = clerk.get("/brief");
    assert_eq!(brief.status, 200, "{}", brief.html);
    let csrf = csrf_in(&brief.html);
    let p = clerk.post_form(
        "/brief",
        &[
            ("csrf", &csrf),
            ("from", "2025-06"),
            ("to", "2025-05"),
            ("who", ""),
        ],
    );
    assert_eq!(p.status, 400, "{}", p.html);
    assert!(p.html.contains("起始月不晚于截止月"), "{}", p.html);
    let p = clerk.post_form(
        "/brief",
        &[
            ("csrf", &csrf),
            ("from", "2025-06"),
            ("to", "2025-06"),
            ("who", "<b>火星区</b>"),
        ],
    );
    assert_eq!(p.status, 400, "{}", p.html);
    assert!(p.html.contains("&lt;b&gt;火星区"), "{}", p.html);
    assert!(!p.html.contains("<b>火星区"), "{}", p.html);
    assert_eq!(clerk.get("/brief/..%2Ftongbao.toml").status, 404);
    // The build is audited as the API's is.
    let archive = Archive::open_for_reading(&ws.path().join("tongbao.db")).expect("archive");
    let log = archive.audit_log().expect("audit");
    assert_eq!(
        log.iter().filter(|r| r.action == "build").count(),
        1,
        "{log:?}"
    );
}

#[test]
fn pages_speak_english_by_the_switch_or_the_browsers_language() {
    let (ws, _inbox) = sample_workspace();
    let t = issue_accounts(ws.path());
    let server = Server::start_with(ws.path(), &[("SOURCE_DATE_EPOCH", "1751533200")]);
    // The browser's language.
    let r = agent()
        .get(server.url("/login"))
        .header("Accept-Language", "en-GB,en;q=0.9")
        .call();
    let a = answer(r);
    let html = String::from_utf8_lossy(&a.bytes);
    assert!(
        html.contains("<html lang=\"en\">") && html.contains(">Log in<"),
        "{html}"
    );
    // The switch: kept for the pages after it.
    let mut county = logged_in(&server, "500113", &t.banan_password, "巴南区新密码2025");
    let p = county.get("/?lang=en");
    assert!(
        p.html.contains("Your unit's submissions 2025-06"),
        "{}",
        p.html
    );
    assert!(p.html.contains("href=\"?lang=zh\">中文<"), "{}", p.html);
    let p = county.get("/submissions");
    assert!(
        p.html.contains("<h1>Submissions 2025-06</h1>"),
        "{}",
        p.html
    );
    assert!(p.html.contains("none yet"), "{}", p.html);
    assert!(p.html.contains("巴南区 (500113)"), "{}", p.html);
    assert!(!p.html.contains("报送记录"), "{}", p.html);
    let p = county.get("/?lang=zh");
    assert!(p.html.contains("本单位报送记录 2025-06"), "{}", p.html);
}

#[test]
fn pages_a_county_answers_for_its_held_return_and_the_clerk_reads_it_before_confirming() {
    let (ws, _inbox) = sample_workspace();
    let accounts = crate::serve_tls::issue(
        ws.path(),
        &["--unit", "沙坪坝区", "--unit", "巴南区", "--clerk", "李四"],
    );
    let secret = |name: &str, what: &str| -> String {
        let a = accounts
            .iter()
            .find(|a| a["account"] == name)
            .unwrap_or_else(|| panic!("no account {name}"));
        a[what].as_str().expect("a secret").to_string()
    };
    let server = Server::start_with(ws.path(), &[("SOURCE_DATE_EPOCH", "1751533200")]);
    // 沙坪坝区 sends its return with 亿元 amounts in the 万元 columns: held (核实).
    let (name, bytes) = sample("layouts/V-MAGNITUDE-亿元填在万元列-沙坪坝区-2025-06.xlsx");
    let a = upload(&server, Some(&secret("500106", "token")), &name, &bytes);
    assert_eq!(a.json["status"], "held", "{:?}", a.json);
    let archive_path = ws.path().join("tongbao.db");
    let june = Period::new(2025, 6).expect("period");
    let id = Archive::open_for_reading(&archive_path)
        .expect("archive")
        .submissions(june)
        .expect("submissions")
        .iter()
        .find(|s| s.unit_code.as_deref() == Some("500106"))
        .expect("stored")
        .id;
    let answers = || {
        Archive::open_for_reading(&archive_path)
            .expect("archive")
            .held_answers(id)
            .expect("answers")
    };

    // The county's page of its held return asks, and offers a form to answer.
    let mut county = logged_in(
        &server,
        "500106",
        &secret("500106", "password"),
        "沙坪坝区新密码2025",
    );
    let page = county.get(&format!("/submission/{id}"));
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(page.html.contains("暂不计入汇总"), "{}", page.html);
    assert!(page.html.contains("action=\"/answer\""), "{}", page.html);
    let csrf = csrf_in(&page.html);
    let id_text = id.to_string();
    let said = "本月签约金额确为1.2亿元，单位填写无误，附合同复印件备查";
    // A forged token, an empty answer, or an answer over 1,000 characters: nothing kept.
    let p = county.post_form(
        "/answer",
        &[("csrf", "forged"), ("id", &id_text), ("answer", said)],
    );
    assert_eq!(p.status, 403, "{}", p.html);
    let p = county.post_form(
        "/answer",
        &[("csrf", &csrf), ("id", &id_text), ("answer", " \n ")],
    );
    assert_eq!(p.status, 400, "{}", p.html);
    let long = "说".repeat(1001);
    let p = county.post_form(
        "/answer",
        &[("csrf", &csrf), ("id", &id_text), ("answer", &long)],
    );
    assert_eq!(p.status, 400, "{}", p.html);
    // Another county may neither read nor answer it; nor may the clerk answer for it.
    let mut other = logged_in(
        &server,
        "500113",
        &secret("500113", "password"),
        "巴南区新密码2025",
    );
    assert_eq!(other.get(&format!("/submission/{id}")).status, 403);
    let csrf_other = csrf_in(&other.get("/").html);
    let p = other.post_form(
        "/answer",
        &[("csrf", &csrf_other), ("id", &id_text), ("answer", "代答")],
    );
    assert_eq!(p.status, 403, "{}", p.html);
    let mut clerk = logged_in(
        &server,
        "李四",
        &secret("李四", "password"),
        "经办人李四的新密码2025",
    );
    let board = clerk.get("/");
    let csrf_clerk = csrf_in(&board.html);
    let p = clerk.post_form(
        "/answer",
        &[("csrf", &csrf_clerk), ("id", &id_text), ("answer", "代答")],
    );
    assert_eq!(p.status, 403, "{}", p.html);
    assert!(answers().is_empty());

    // The county answers: kept with who and when, shown on its page.
    let p = county.post_form(
        "/answer",
        &[("csrf", &csrf), ("id", &id_text), ("answer", said)],
    );
    assert_eq!(
        (p.status, p.location.clone()),
        (303, Some(format!("/submission/{id}"))),
        "{}",
        p.html
    );
    let kept = answers();
    assert_eq!(kept.len(), 1);
    assert_eq!(
        (kept[0].account.as_str(), kept[0].answer.as_str()),
        ("500106", said)
    );
    assert_eq!(kept[0].at, "2025-07-03T09:00:00Z");
    assert!(county.get(&format!("/submission/{id}")).html.contains(said));

    // The clerk's board shows it on the held row and offers it as the note.
    let board = clerk.get("/");
    assert!(
        board.html.contains(&format!("单位说明：{said}")),
        "{}",
        board.html
    );
    assert!(
        board
            .html
            .contains(&format!("name=\"note\" value=\"{said}\"")),
        "{}",
        board.html
    );
    let p = clerk.post_form(
        "/confirm",
        &[
            ("csrf", &csrf_clerk),
            ("unit", "500106"),
            ("period", "2025-06"),
            ("note", said),
        ],
    );
    assert_eq!(p.status, 303, "{}", p.html);
    // Once confirmed, the question is closed: no form, and an answer is refused.
    let page = county.get(&format!("/submission/{id}"));
    assert!(!page.html.contains("action=\"/answer\""), "{}", page.html);
    let p = county.post_form(
        "/answer",
        &[("csrf", &csrf), ("id", &id_text), ("answer", said)],
    );
    assert_eq!(p.status, 403, "{}", p.html);
    assert_eq!(answers().len(), 1);
}
