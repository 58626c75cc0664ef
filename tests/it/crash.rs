//! An ingest killed at random points, many times, leaves the archive sound: it passes
//! `PRAGMA integrity_check`, holds each return fully or not at all, and has exactly one
//! current version per unit and period.

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
            .filter(|s| s.accepted && s.superseded_by.is_none())
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
