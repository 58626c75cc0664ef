//! An ingest killed at random points, many times, leaves the archive sound: it passes
//! `PRAGMA integrity_check`, holds each return fully or not at all, and has exactly one
//! current version per unit and period. A build killed the same way never leaves a
//! partial output where a good one was.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use tongbao::archive::Archive;
use tongbao::model::Period;

use crate::binary::bin;
use crate::support::*;

/// A small deterministic generator for kill times (no external randomness in tests).
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

const FILES: usize = 30;

#[test]
fn ingest_killed_at_random_points_leaves_the_archive_sound() {
    let ws = tempfile::tempdir().expect("temp dir");
    std::fs::write(ws.path().join("tongbao.toml"), CONFIG).expect("config");
    let inbox = ws.path().join("inbox");
    std::fs::create_dir(&inbox).expect("inbox");
    let units = [
        ("巴南区", "500113"),
        ("渝中区", "500103"),
        ("两江新区", "LJXQ"),
    ];
    for i in 0..FILES {
        let (name, code) = units[i % 3];
        let form = Form::valid()
            .set_info("填报单位", s(name))
            .set_info("行政区划代码", s(code))
            .set(1, "本月到位资金", V::N(100.0 + i as f64))
            .set(1, "本年累计到位资金", V::N(2000.0 + i as f64));
        std::fs::write(inbox.join(format!("{i:02}-{name}.xlsx")), form.xlsx()).expect("file");
    }
    let ingest = || {
        let mut c = bin();
        c.args(["ingest", "--period", "2025-06", "inbox"])
            .current_dir(ws.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        c
    };

    // How long a whole run takes here, to spread the kills over it.
    let start = Instant::now();
    let status = ingest().status().expect("run ingest");
    assert_eq!(status.code(), Some(0));
    let full = start.elapsed();
    std::fs::remove_file(ws.path().join("tongbao.db")).expect("fresh archive");
    let _ = std::fs::remove_file(ws.path().join("tongbao.db-wal"));
    let _ = std::fs::remove_file(ws.path().join("tongbao.db-shm"));

    let mut rng = SplitMix(20250630);
    for round in 0..25 {
        let mut child = ingest().spawn().expect("spawn ingest");
        let delay = Duration::from_micros(rng.next() % (full.as_micros() as u64 + 1));
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();
        assert_sound(ws.path(), round);
    }
    // A last run completes whatever the kills left undone: every file stored exactly once.
    assert_eq!(ingest().status().expect("final ingest").code(), Some(0));
    let archive = Archive::open_for_reading(&ws.path().join("tongbao.db")).expect("archive");
    let subs = archive
        .submissions(Period {
            year: 2025,
            month: 6,
        })
        .expect("subs");
    assert_eq!(subs.len(), FILES, "each file once, none lost, none twice");
    assert_sound(ws.path(), 99);
}

fn assert_sound(dir: &std::path::Path, round: usize) {
    let db = dir.join("tongbao.db");
    if !db.exists() {
        return;
    }
    let archive = Archive::open_for_reading(&db).expect("archive opens");
    assert_eq!(
        archive.integrity_check().expect("integrity"),
        "ok",
        "round {round}"
    );
    let june = Period {
        year: 2025,
        month: 6,
    };
    let subs = archive.submissions(june).expect("subs");
    let mut shas: Vec<&str> = subs.iter().map(|s| s.sha256.as_str()).collect();
    shas.sort_unstable();
    shas.dedup();
    assert_eq!(shas.len(), subs.len(), "round {round}: a file stored twice");
    for code in ["500113", "500103", "LJXQ"] {
        let mine: Vec<_> = subs
            .iter()
            .filter(|s| s.unit_code.as_deref() == Some(code))
            .collect();
        let current = mine
            .iter()
            .filter(|s| s.verdict != tongbao::model::Verdict::Rejected && s.superseded_by.is_none())
            .count();
        assert_eq!(
            current,
            usize::from(!mine.is_empty()),
            "round {round}: {code} has {current} current versions"
        );
        if let Some(r) = archive.current_return(code, june).expect("current") {
            assert_eq!(
                r.projects.len(),
                4,
                "round {round}: a return stored in part"
            );
        }
    }
}

/// The outputs of a build, by file name.
fn outputs(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    (name, std::fs::read(e.path()).expect("read output"))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Whether `bytes` are a whole output of its kind: a PDF with its end marker, a workbook
/// calamine opens, JSON that parses.
fn complete(name: &str, bytes: &[u8]) -> bool {
    if name.ends_with(".pdf") {
        bytes.starts_with(b"%PDF-") && bytes.trim_ascii_end().ends_with(b"%%EOF")
    } else if name.ends_with(".xlsx") {
        tongbao::read::read_bytes(bytes, &Default::default()).is_ok()
    } else if name.ends_with(".json") {
        serde_json::from_slice::<serde_json::Value>(bytes).is_ok()
    } else {
        false
    }
}

/// A build killed at random points, many times, never leaves a partial output in place of
/// a good one: each output is the earlier build's bytes or the new build's, whole, and
/// the temporary files a kill leaves are hidden and cleaned up by the next good run.
#[test]
fn build_killed_at_random_points_never_leaves_a_partial_output() {
    let ws = tempfile::tempdir().expect("temp dir");
    std::fs::write(ws.path().join("tongbao.toml"), CONFIG).expect("config");
    let inbox = ws.path().join("inbox");
    std::fs::create_dir(&inbox).expect("inbox");
    for (name, code) in [
        ("巴南区", "500113"),
        ("渝中区", "500103"),
        ("两江新区", "LJXQ"),
    ] {
        let form = Form::valid()
            .set_info("填报单位", s(name))
            .set_info("行政区划代码", s(code));
        std::fs::write(inbox.join(format!("{name}.xlsx")), form.xlsx()).expect("file");
    }
    let run = |args: &[&str]| {
        let mut c = bin();
        c.args(args)
            .current_dir(ws.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        c
    };
    let ingest = run(&["ingest", "--period", "2025-06", "inbox"]).status();
    assert_eq!(ingest.expect("ingest").code(), Some(0));

    let build = |date: &str, out: &str| {
        run(&["build", "--period", "2025-06", "--date", date, "--out", out])
    };
    // The earlier good outputs, and what the new build writes when it is not killed.
    assert_eq!(
        build("2025-07-01", "out").status().expect("build").code(),
        Some(0)
    );
    let out = ws.path().join("out");
    let old = outputs(&out);
    assert_eq!(old.len(), 3, "{:?}", old.keys());
    let start = Instant::now();
    assert_eq!(
        build("2025-07-02", "new").status().expect("build").code(),
        Some(0)
    );
    let full = start.elapsed();
    let new = outputs(&ws.path().join("new"));
    assert_eq!(new.len(), 3);
    assert!(old.iter().all(|(name, bytes)| complete(name, bytes)));
    assert!(new.iter().all(|(name, bytes)| complete(name, bytes)));
    assert!(old != new, "the date of issue changes the outputs");

    let mut rng = SplitMix(20250702);
    let mut killed = 0;
    // The run's length moves with the machine's load: a round that finishes before its
    // kill time shortens the span the next kill times are drawn from, and rounds go on
    // for at least thirty rounds and until ten kills have landed mid-run (at most a hundred).
    let mut full = full;
    let mut round = 0;
    while (killed < 10 || round < 30) && round < 100 {
        round += 1;
        // Every round starts from the earlier good outputs.
        for (name, bytes) in &old {
            std::fs::write(out.join(name), bytes).expect("restore");
        }
        // Half the kills land in the last fifth of the run, where the files are written.
        let span = full.as_micros() as u64 + 1;
        let at = if round % 2 == 0 {
            rng.next() % span
        } else {
            span * 4 / 5 + rng.next() % (span / 5 + 1)
        };
        let deadline = Duration::from_micros(at);
        let mut child = build("2025-07-02", "out").spawn().expect("spawn build");
        let t = Instant::now();
        // Polls until the kill time (or the end of the run, if it finishes first).
        while t.elapsed() < deadline && child.try_wait().expect("poll").is_none() {
            std::thread::yield_now();
        }
        if child.try_wait().expect("poll").is_none() {
            killed += 1;
        } else {
            full = full.min(t.elapsed());
        }
        let _ = child.kill();
        let _ = child.wait();
        for (name, bytes) in outputs(&out) {
            if name.starts_with('.') {
                assert!(name.ends_with(".tmp"), "round {round}: stray {name}");
                continue;
            }
            let before = old.get(&name);
            let after = new.get(&name);
            assert!(
                Some(&bytes) == before || Some(&bytes) == after,
                "round {round}: {name} is neither the earlier nor the new output ({} bytes)",
                bytes.len()
            );
        }
    }
    assert!(
        killed >= 10,
        "only {killed} of {round} runs were killed mid-way"
    );
    // A good run replaces everything and removes what the kills left.
    assert_eq!(
        build("2025-07-02", "out").status().expect("build").code(),
        Some(0)
    );
    let last = outputs(&out);
    assert_eq!(
        last, new,
        "the final outputs are the new build's, and nothing else"
    );
}
