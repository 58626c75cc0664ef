//! `tongbao watch` and `tongbao serve` at once on one archive (issue 16: "`watch` and
//! `serve` may run at once"): half the units' returns dropped into the watched inbox while
//! the other half arrive over the API at the same moment, and five units send theirs both
//! ways. Every file gets its verdict from the one that took it, nothing waits on a locked
//! archive, and the archive ends with exactly the versions sent: one for most units, two
//! for the five, the later current.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use tongbao::archive::Archive;
use tongbao::model::{Period, Verdict};

use crate::binary::{bin, repo, sample_workspace};
use crate::serve_load::{resaved, send};
use crate::serve_tls::{issue, Served};
use crate::watch::{file_of, lines_of, wait_for};

#[test]
fn serve_and_watch_take_returns_at_once_into_one_archive() {
    let (ws, inbox) = sample_workspace();
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join("samples/returns/2025-05"))
        .expect("samples")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 40, "the roster's 40 units");
    let unit_of = |p: &PathBuf| {
        let stem = p.file_stem().expect("name").to_string_lossy().into_owned();
        stem.trim_end_matches("-2025-05").to_string()
    };
    // Units 0..20 by the inbox, 20..40 over the web, and 0..5 both ways.
    let (by_inbox, by_web_only) = files.split_at(20);
    let both = &by_inbox[..5];
    let by_web: Vec<&PathBuf> = both.iter().chain(by_web_only).collect();

    let mut args = Vec::new();
    let names: Vec<String> = by_web.iter().map(|p| unit_of(p)).collect();
    for n in &names {
        args.extend(["--unit", n.as_str()]);
    }
    let accounts = issue(ws.path(), &args);
    assert_eq!(accounts.len(), by_web.len());

    let mut watch = bin()
        .args(["watch", "--period", "2025-05", "--settle", "0.5"])
        .args(["--interval", "0.1"])
        .current_dir(ws.path())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .spawn()
        .expect("start watch");
    let rx = lines_of(&mut watch);
    let deadline = Instant::now() + Duration::from_secs(240);
    let mut said = Vec::new();
    wait_for(&rx, deadline, &mut said, |l| l.contains("正在监视"));
    let server = Served::start(ws.path(), &[], &[]);

    // Every web upload from its own thread and the inbox's files from one more, released
    // at one moment.
    let barrier = Arc::new(Barrier::new(by_web.len() + 1));
    let uploads: Vec<_> = by_web
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
            let bytes = resaved(&std::fs::read(file).expect("sample"), "sent over the web");
            std::thread::spawn(move || {
                barrier.wait();
                (code, send(&base, &token, &name, &bytes))
            })
        })
        .collect();
    let dropped: Vec<PathBuf> = by_inbox.to_vec();
    let inbox_copy = inbox.clone();
    let copier = {
        let barrier = Arc::clone(&barrier);
        std::thread::spawn(move || {
            barrier.wait();
            for p in &dropped {
                std::fs::copy(p, inbox_copy.join(p.file_name().expect("name")))
                    .expect("drop a file");
            }
        })
    };
    copier.join().expect("copier");

    let mut web_units = BTreeMap::new();
    for t in uploads {
        let (code, (status, json)) = t.join().expect("an uploading thread");
        assert_eq!(status, 200, "{code}: {json}");
        assert_eq!(json["status"], "accepted", "{code}: {json}");
        assert_eq!(json["unit"]["code"], code.as_str(), "{json}");
        web_units.insert(code, ());
    }
    assert_eq!(web_units.len(), by_web.len());

    let mut taken = BTreeMap::new();
    while taken.len() < by_inbox.len() {
        let line = wait_for(&rx, deadline, &mut said, |l| file_of(l).is_some());
        let file = file_of(&line).expect("a file").to_string();
        assert!(line.contains("：通过"), "{line}\n{}", said.join("\n"));
        assert!(taken.insert(file, line).is_none(), "a file taken twice");
    }
    // SAFETY: sends a signal to our own child process.
    unsafe { libc::kill(watch.id() as libc::pid_t, libc::SIGTERM) };
    let last = wait_for(&rx, deadline, &mut said, |l| l.contains("已停止监视"));
    assert!(last.contains("处理 20 个文件，通过 20 个"), "{last}");
    assert_eq!(watch.wait().expect("exit").code(), Some(0));
    drop(server);

    // The archive: every unit once, the five sent both ways twice, one version current.
    let archive = Archive::open_for_reading(&ws.path().join("tongbao.db")).expect("archive");
    assert_eq!(archive.integrity_check().expect("check"), "ok");
    let subs = archive
        .submissions(Period::new(2025, 5).expect("period"))
        .expect("submissions");
    assert_eq!(subs.len(), 40 + both.len());
    let mut versions: BTreeMap<String, Vec<(i64, bool)>> = BTreeMap::new();
    for s in &subs {
        assert_eq!(s.verdict, Verdict::Accepted, "{:?}", s.file_name);
        versions
            .entry(s.unit_code.clone().expect("a unit"))
            .or_default()
            .push((s.version.expect("a version"), s.superseded_by.is_none()));
    }
    assert_eq!(versions.len(), 40);
    let twice = versions
        .values_mut()
        .map(|v| {
            v.sort_unstable();
            v.len()
        })
        .filter(|n| *n == 2)
        .count();
    assert_eq!(twice, both.len());
    for (unit, v) in &versions {
        let expected: &[(i64, bool)] = if v.len() == 2 {
            &[(1, false), (2, true)]
        } else {
            &[(1, true)]
        };
        assert_eq!(v.as_slice(), expected, "{unit}");
    }
}
