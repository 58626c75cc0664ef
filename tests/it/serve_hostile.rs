//! Hostile uploads to the running web intake over HTTP: a zip bomb, a 2 GB body streamed
//! without a length, a file whose reading panics. Each is answered as that file's
//! refusal, nothing is counted, the server's peak memory (`VmHWM` of its process) stays
//! under [`MEMORY_BOUND_KIB`], and the server goes on taking good returns.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tongbao::archive::Archive;
use tongbao::model::Period;

use crate::binary::{repo, sample_workspace};
use crate::read::xlsx_bomb;
use crate::serve_tls::{agent_with, issue, multipart, Served, WAIT};

/// The most resident memory the server may ever have used (300 MB, the issue's aim).
pub(crate) const MEMORY_BOUND_KIB: u64 = 300 * 1024;

/// The peak resident memory (`VmHWM`) of a running process, in KiB.
pub(crate) fn peak_memory_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/<pid>/status")
}

fn june() -> Period {
    Period::new(2025, 6).expect("period")
}

/// (unit code, verdict) of every June submission in the archive.
fn archived(ws: &Path) -> Vec<(Option<String>, String)> {
    Archive::open_for_reading(&ws.join("tongbao.db"))
        .expect("archive")
        .submissions(june())
        .expect("submissions")
        .into_iter()
        .map(|s| (s.unit_code, format!("{:?}", s.verdict).to_lowercase()))
        .collect()
}

/// Uploads `bytes` as `name` for June with `token`: (status, JSON answer, raw text).
fn upload(server: &Served, token: &str, name: &str, bytes: &[u8]) -> (u16, Value, String) {
    let (content_type, body) = multipart(name, bytes);
    let mut r = agent_with(None)
        .post(server.url("/api/v1/returns?period=2025-06"))
        .header("Authorization", format!("Bearer {token}"))
        .header("Content-Type", content_type)
        .send(&body[..])
        .expect("an HTTP answer");
    let status = r.status().as_u16();
    let text = r.body_mut().read_to_string().unwrap_or_default();
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    (status, json, text)
}

/// A good return of 巴南区 for June, accepted.
fn assert_takes_a_good_return(server: &Served, token: &str) {
    let p = repo().join("samples/returns/2025-06/巴南区-2025-06.xlsx");
    let (status, json, text) = upload(
        server,
        token,
        "巴南区-2025-06.xlsx",
        &std::fs::read(p).expect("sample"),
    );
    assert_eq!(status, 200, "{text}");
    assert_eq!(json["status"], "accepted", "{text}");
}

/// The diagnostic codes of an answer.
fn codes(json: &Value) -> Vec<String> {
    json["diagnostics"]
        .as_array()
        .map(|ds| {
            ds.iter()
                .filter_map(|d| d["code"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Nothing of an answer shows the server's insides.
fn assert_no_insides(text: &str) {
    for leak in [
        "panicked",
        "stack backtrace",
        "RUST_BACKTRACE",
        "src/",
        ".rs:",
        "/tmp",
        ".tongbao-uploads",
        "tongbao.db",
        "SELECT",
    ] {
        assert!(!text.contains(leak), "{leak} in {text}");
    }
}

/// A county's account in a workspace with the sample roster: (workspace, token).
fn county() -> (tempfile::TempDir, String) {
    let (ws, _inbox) = sample_workspace();
    let accounts = issue(ws.path(), &["--unit", "巴南区"]);
    let token = accounts[0]["token"].as_str().expect("token").to_string();
    (ws, token)
}

#[test]
fn serve_hostile_a_zip_bomb_is_that_files_refusal_within_the_memory_bound() {
    let (ws, token) = county();
    let server = Served::start(ws.path(), &[], &[]);
    // A 600 MB part that says so, and the same part claiming 4 KB.
    let honest = xlsx_bomb("xl/media/image1.png", 600 << 20);
    let claimed = (600u32 << 20).to_le_bytes();
    let mut lying = honest.clone();
    let mut patched = 0;
    for i in 0..lying.len().saturating_sub(4) {
        if lying[i..i + 4] == claimed {
            lying[i..i + 4].copy_from_slice(&4096u32.to_le_bytes());
            patched += 1;
        }
    }
    assert!(patched >= 2, "the sizes in the local and central headers");
    assert!(honest.len() < 8 << 20, "a bomb is small: {}", honest.len());
    for (name, bomb) in [("bomb.xlsx", honest), ("lying-bomb.xlsx", lying)] {
        let (status, json, text) = upload(&server, &token, name, &bomb);
        assert_eq!(status, 200, "{text}");
        assert_eq!(json["status"], "rejected", "{text}");
        let codes = codes(&json);
        assert!(
            codes
                .iter()
                .any(|c| c == "E-FILE-TOO-LARGE" || c == "E-FILE-TRUNCATED"),
            "{name}: {codes:?}"
        );
        assert_no_insides(&text);
    }
    // A file whose unit could not be read is not stored for a county.
    assert!(archived(ws.path()).is_empty());
    let peak = peak_memory_kib(server.pid());
    eprintln!("server's peak memory (VmHWM): {peak} KiB");
    assert!(peak < MEMORY_BOUND_KIB, "peak {peak} KiB");
    assert_takes_a_good_return(&server, &token);
}

/// One chunk of a chunked body.
fn chunk(out: &mut impl Write, bytes: &[u8]) -> std::io::Result<()> {
    write!(out, "{:x}\r\n", bytes.len())?;
    out.write_all(bytes)?;
    out.write_all(b"\r\n")
}

#[test]
fn serve_hostile_a_2_gb_upload_without_a_length_is_refused_as_it_streams() {
    const TWO_GB: u64 = 2 << 30;
    let (ws, token) = county();
    let server = Served::start(ws.path(), &[], &[]);
    let mut conn = std::net::TcpStream::connect(&server.host).expect("connect");
    conn.set_write_timeout(Some(WAIT)).expect("timeout");
    conn.set_read_timeout(Some(WAIT)).expect("timeout");
    let boundary = "hostile-2gb-boundary";
    let head = format!(
        "POST /api/v1/returns?period=2025-06 HTTP/1.1\r\nHost: {host}\r\n\
         Authorization: Bearer {token}\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\n\
         Transfer-Encoding: chunked\r\n\r\n",
        host = server.host,
    );
    conn.write_all(head.as_bytes()).expect("head");
    // The answer is read as soon as it comes, while the body is still being sent.
    let answered = Arc::new(AtomicBool::new(false));
    let reader = {
        let mut conn = conn.try_clone().expect("clone");
        let answered = Arc::clone(&answered);
        std::thread::spawn(move || {
            let mut back = Vec::new();
            let mut buf = [0u8; 4096];
            loop {
                match conn.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        back.extend_from_slice(&buf[..n]);
                        answered.store(true, Ordering::SeqCst);
                        if back.windows(4).any(|w| w == b"\r\n\r\n") {
                            break;
                        }
                    }
                }
            }
            String::from_utf8_lossy(&back).into_owned()
        })
    };
    let preamble = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    );
    let mut sent: u64 = 0;
    let mut refused_while_sending = chunk(&mut conn, preamble.as_bytes()).is_err();
    // 2 GB generated on the fly from one 64 KB block: never held whole.
    let block = vec![b'x'; 64 << 10];
    while !refused_while_sending && sent < TWO_GB && !answered.load(Ordering::SeqCst) {
        match chunk(&mut conn, &block) {
            Ok(()) => sent += block.len() as u64,
            Err(_) => refused_while_sending = true,
        }
    }
    if sent >= TWO_GB {
        let _ = conn.write_all(format!("\r\n--{boundary}--\r\n").as_bytes());
        let _ = conn.write_all(b"0\r\n\r\n");
    }
    let answer = reader.join().expect("the reading thread");
    eprintln!("sent {sent} bytes of the 2 GB body before the refusal");
    // Refused once past the limit (100 MiB and the form's allowance), long before 2 GB.
    assert!(sent < 200 << 20, "sent {sent} bytes before a refusal");
    assert!(
        answer.starts_with("HTTP/1.1 413"),
        "{answer:?} (sent {sent}, cut off: {refused_while_sending})"
    );
    assert_no_insides(&answer);
    drop(conn);
    assert!(archived(ws.path()).is_empty());
    // The half-received file is gone.
    let uploads = ws.path().join(".tongbao-uploads");
    let deadline = std::time::Instant::now() + WAIT;
    while std::fs::read_dir(&uploads).is_ok_and(|mut d| d.next().is_some()) {
        assert!(std::time::Instant::now() < deadline, "upload left behind");
        std::thread::sleep(Duration::from_millis(10));
    }
    let peak = peak_memory_kib(server.pid());
    eprintln!("server's peak memory (VmHWM): {peak} KiB");
    assert!(peak < MEMORY_BOUND_KIB, "peak {peak} KiB");
    assert_takes_a_good_return(&server, &token);
}

#[test]
fn serve_hostile_a_panic_in_a_parser_is_that_files_error_and_the_server_goes_on() {
    let (ws, token) = county();
    // The debug build's fault-injection hook (src/batch.rs): reading a file whose name
    // contains this panics inside the file's panic fence.
    let mut server = Served::start(ws.path(), &[], &[("TONGBAO_FAULT_PANIC_ON", "故障注入")]);
    let sample =
        std::fs::read(repo().join("samples/returns/2025-06/巴南区-2025-06.xlsx")).expect("sample");
    let (status, json, text) = upload(&server, &token, "故障注入-巴南区-2025-06.xlsx", &sample);
    assert_eq!(status, 200, "{text}");
    assert_eq!(json["status"], "rejected", "{text}");
    assert_eq!(codes(&json), ["E-FILE-INTERNAL"], "{text}");
    assert_no_insides(&text);
    // The same bytes under another name: read as usual, by the same server.
    assert!(server.child.try_wait().expect("wait").is_none());
    assert_takes_a_good_return(&server, &token);
    // The file that panicked named no unit it could be stored for.
    assert_eq!(
        archived(ws.path()),
        [(Some("500113".to_string()), "accepted".to_string())]
    );
}
