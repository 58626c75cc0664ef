//! Many counties at once (issue 16's load, at the scale of the bundled samples): the 40
//! units of `samples/returns/2025-05/` each send their return from their own thread at
//! the same moment, then each sends a resubmission (the same return saved again: other
//! bytes, same content). Every upload gets its verdict, and the archive ends with
//! exactly two versions per unit, the second current. The province-scale run with its
//! figures is `cargo xtask load` (BENCHMARKS.md); this one bounds its waits and asserts.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Barrier};

use serde_json::Value;
use tongbao::archive::Archive;
use tongbao::model::{Period, Verdict};

use crate::binary::{repo, run, sample_workspace};
use crate::serve_hostile::{peak_memory_kib, MEMORY_BOUND_KIB};
use crate::serve_tls::{agent_with, issue, multipart, Served};

/// The same workbook with other bytes: a comment in the ZIP's end record, which no
/// reader takes for content. Each resubmission is therefore a new version.
pub(crate) fn resaved(xlsx: &[u8], comment: &str) -> Vec<u8> {
    let end = xlsx.len() - 22;
    assert_eq!(
        &xlsx[end..end + 4],
        b"PK\x05\x06",
        "an end record without a comment"
    );
    let mut out = xlsx.to_vec();
    let len = u16::try_from(comment.len()).expect("short comment");
    out[end + 20..end + 22].copy_from_slice(&len.to_le_bytes());
    out.extend_from_slice(comment.as_bytes());
    out
}

/// One upload's answer: (HTTP status, the JSON of the file).
pub(crate) fn send(base: &str, token: &str, name: &str, bytes: &[u8]) -> (u16, Value) {
    let (content_type, body) = multipart(name, bytes);
    let mut r = agent_with(None)
        .post(format!("{base}/api/v1/returns?period=2025-05"))
        .header("Authorization", format!("Bearer {token}"))
        .header("Content-Type", content_type)
        .send(&body[..])
        .expect("an HTTP answer");
    let status = r.status().as_u16();
    let text = r.body_mut().read_to_string().unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[test]
fn serve_load_every_unit_sends_at_once_then_resubmits_and_the_archive_holds_both_versions() {
    let (ws, _inbox) = sample_workspace();
    let dir = repo().join("samples/returns/2025-05");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("samples")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 40, "the roster's 40 units");
    let names: Vec<String> = files
        .iter()
        .map(|p| {
            let stem = p.file_stem().expect("name").to_string_lossy();
            stem.trim_end_matches("-2025-05").to_string()
        })
        .collect();
    let mut args = Vec::new();
    for n in &names {
        args.push("--unit");
        args.push(n.as_str());
    }
    let accounts = issue(ws.path(), &args);
    assert_eq!(accounts.len(), 40);
    let server = Served::start(ws.path(), &[], &[]);

    // Every account from its own thread: all first returns at one moment, then (once
    // every first return is answered) all resubmissions.
    let barrier = Arc::new(Barrier::new(files.len()));
    let threads: Vec<_> = files
        .iter()
        .zip(&accounts)
        .map(|(file, account)| {
            let barrier = Arc::clone(&barrier);
            let base = server.base.clone();
            let token = account["token"].as_str().expect("token").to_string();
            let code = account["unit"]["code"].as_str().expect("code").to_string();
            let name = file
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            let bytes = std::fs::read(file).expect("sample");
            std::thread::spawn(move || {
                barrier.wait();
                let first = send(&base, &token, &name, &bytes);
                barrier.wait();
                let again = send(&base, &token, &name, &resaved(&bytes, "resubmitted"));
                (code, first, again)
            })
        })
        .collect();
    let mut by_unit = BTreeMap::new();
    for t in threads {
        let (code, first, again) = t.join().expect("an uploading thread");
        for (answer, version) in [(&first, 1), (&again, 2)] {
            let (status, json) = answer;
            assert_eq!(*status, 200, "{code} v{version}: {json}");
            assert_eq!(json["status"], "accepted", "{code} v{version}: {json}");
            assert_eq!(json["unit"]["code"], code.as_str(), "{json}");
            assert_eq!(json["archive"]["version"], version, "{code}: {json}");
        }
        by_unit.insert(code, ());
    }
    assert_eq!(by_unit.len(), 40, "every unit answered");
    let peak = peak_memory_kib(server.pid());
    eprintln!("server's peak memory (VmHWM): {peak} KiB");
    assert!(peak < MEMORY_BOUND_KIB, "peak {peak} KiB");

    // The archive: exactly versions 1 and 2 of every unit, the second current.
    let archive = Archive::open_for_reading(&ws.path().join("tongbao.db")).expect("archive");
    let may = Period::new(2025, 5).expect("period");
    let subs = archive.submissions(may).expect("submissions");
    assert_eq!(subs.len(), 80);
    let mut versions: BTreeMap<String, Vec<(i64, bool)>> = BTreeMap::new();
    for s in &subs {
        assert_eq!(s.verdict, Verdict::Accepted);
        versions
            .entry(s.unit_code.clone().expect("a unit"))
            .or_default()
            .push((s.version.expect("a version"), s.superseded_by.is_none()));
    }
    assert_eq!(versions.len(), 40);
    for (unit, mut v) in versions {
        v.sort_unstable();
        assert_eq!(v, [(1, false), (2, true)], "{unit}");
    }
    // Nothing is left of the uploads.
    let left = std::fs::read_dir(ws.path().join(".tongbao-uploads"))
        .expect("uploads folder")
        .count();
    assert_eq!(left, 0);
}

/// `GET /api/v1/returns` with `token`: the HTTP status.
fn list(base: &str, token: &str) -> u16 {
    agent_with(None)
        .get(format!("{base}/api/v1/returns?period=2025-05"))
        .header("Authorization", format!("Bearer {token}"))
        .call()
        .expect("an HTTP answer")
        .status()
        .as_u16()
}

/// A token verified once is not verified by argon2 again (the server remembers it), yet
/// a revocation or a new token ends it at once.
#[test]
fn serve_load_a_remembered_token_still_ends_at_once_when_revoked_or_reissued() {
    let (ws, _inbox) = sample_workspace();
    let old = issue(ws.path(), &["--unit", "巴南区"])[0]["token"]
        .as_str()
        .expect("token")
        .to_string();
    let server = Served::start(ws.path(), &[], &[]);
    assert_eq!(list(&server.base, &old), 200);
    assert_eq!(list(&server.base, &old), 200);
    let out = run(&["accounts", "revoke", "500113"], ws.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(list(&server.base, &old), 401);
    // Issued again: the revocation is lifted, the new token works and the old does not.
    let new = issue(ws.path(), &["--unit", "巴南区"])[0]["token"]
        .as_str()
        .expect("token")
        .to_string();
    assert_eq!(list(&server.base, &new), 200);
    assert_eq!(list(&server.base, &old), 401);
    assert_eq!(list(&server.base, &new), 200);
}
