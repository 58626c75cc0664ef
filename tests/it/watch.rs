//! `tongbao watch` on a real inbox: forty files dropped while it runs, one of them still
//! being copied, some bad; then a restart that repeats nothing.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use tongbao::archive::Archive;
use tongbao::model::Period;

use crate::binary::{bin, repo};

/// The watch's standard output, a line at a time, read on its own thread.
pub(crate) fn lines_of(child: &mut Child) -> Receiver<String> {
    let out = child.stdout.take().expect("piped stdout");
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// The next line that satisfies `want`, waiting at most until `deadline`.
pub(crate) fn wait_for(
    rx: &Receiver<String>,
    deadline: Instant,
    seen: &mut Vec<String>,
    want: impl Fn(&str) -> bool,
) -> String {
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => {
                seen.push(line.clone());
                if want(&line) {
                    return line;
                }
            }
            Err(e) => panic!(
                "watch said no such line ({e}); it said:\n{}",
                seen.join("\n")
            ),
        }
    }
}

/// The file name a watch line is about: `HH:MM:SS name → …`.
pub(crate) fn file_of(line: &str) -> Option<&str> {
    let (head, _) = line.split_once(" → ")?;
    head.split_once(' ').map(|(_, name)| name)
}

#[test]
fn forty_files_dropped_into_a_watched_inbox_are_each_taken_once() {
    let (ws, inbox) = crate::binary::sample_workspace();

    // The flawed samples, and the good returns of every other unit: forty files, fourteen
    // of them flawed (two only with warnings), each unit's receipt its own.
    let flawed: Vec<PathBuf> = std::fs::read_dir(repo().join("samples/flawed"))
        .expect("flawed")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e != "md"))
        .collect();
    let flawed_units: Vec<String> = flawed
        .iter()
        .filter_map(|p| {
            p.file_stem()?
                .to_str()?
                .split('-')
                .rev()
                .nth(2)
                .map(String::from)
        })
        .collect();
    let good: Vec<PathBuf> = std::fs::read_dir(repo().join("samples/returns/2025-06"))
        .expect("returns")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            !flawed_units.iter().any(|u| name.starts_with(u.as_str()))
        })
        .collect();
    assert_eq!(flawed.len() + good.len(), 40, "{flawed_units:?}");

    let mut child = bin()
        .args([
            "watch",
            "--period",
            "2025-06",
            "--settle",
            "1.5",
            "--interval",
            "0.1",
        ])
        .current_dir(ws.path())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .spawn()
        .expect("start watch");
    let rx = lines_of(&mut child);
    let deadline = Instant::now() + Duration::from_secs(240);
    let mut said = Vec::new();
    wait_for(&rx, deadline, &mut said, |l| l.contains("正在监视"));

    // One good return arrives slowly, as over a network share: never still for long.
    let (slow, rest) = good.split_first().expect("a good return");
    let slow_bytes = std::fs::read(slow).expect("slow file");
    let slow_name = slow.file_name().unwrap().to_owned();
    let slow_target = inbox.join(&slow_name);
    let copier = std::thread::spawn(move || {
        let mut f = std::fs::File::create(&slow_target).expect("create");
        for chunk in slow_bytes.chunks(slow_bytes.len().div_ceil(40)) {
            f.write_all(chunk).expect("write");
            f.flush().expect("flush");
            // A copy in progress: the watch must leave the file alone meanwhile.
            std::thread::sleep(Duration::from_millis(50));
        }
    });
    for p in rest.iter().chain(&flawed) {
        std::fs::copy(p, inbox.join(p.file_name().unwrap())).expect("drop a file");
    }
    // An Excel lock file beside them is never taken.
    std::fs::write(inbox.join("~$巴南区-2025-06.xlsx"), b"lock").expect("lock file");
    copier.join().expect("copier");

    let mut taken: BTreeMap<String, String> = BTreeMap::new();
    while taken.len() < 40 {
        let line = wait_for(&rx, deadline, &mut said, |l| file_of(l).is_some());
        let file = file_of(&line).unwrap().to_string();
        assert!(
            taken.insert(file.clone(), line.clone()).is_none(),
            "{file} taken twice:\n{}",
            said.join("\n")
        );
    }
    let slow_line = &taken[slow_name.to_str().unwrap()];
    assert!(
        slow_line.contains("：通过"),
        "the slow copy was taken whole: {slow_line}"
    );
    assert!(!taken.keys().any(|f| f.starts_with("~$")));
    for (file, line) in &taken {
        let bad = file.starts_with("E-");
        assert_eq!(line.contains("：未通过"), bad, "{line}");
        let receipt = line.split("回执 ").nth(1).expect("a receipt on every line");
        assert!(ws.path().join(receipt).is_file(), "{receipt}");
    }

    // Stop as a service manager would; the watch ends cleanly.
    // SAFETY: sends a signal to our own child process.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    let last = wait_for(&rx, deadline, &mut said, |l| l.contains("已停止监视"));
    assert!(
        last.contains("处理 40 个文件，通过 28 个，未通过 12 个"),
        "{last}"
    );
    assert_eq!(child.wait().expect("exit").code(), Some(0));

    let archive_path = ws.path().join("tongbao.db");
    let stored = |p: &Path| {
        let a = Archive::open_for_reading(p).expect("archive");
        assert_eq!(a.integrity_check().expect("check"), "ok");
        a.submissions(Period::new(2025, 6).unwrap())
            .expect("submissions")
            .len()
    };
    let before = stored(&archive_path);
    assert_eq!(
        before,
        40 - 5,
        "every file with a unit and period stored once"
    );

    // A restart takes nothing again: it says so and stores nothing.
    let again = bin()
        .args([
            "watch",
            "--once",
            "--period",
            "2025-06",
            "--settle",
            "0.2",
            "--interval",
            "0.05",
        ])
        .current_dir(ws.path())
        .env("NO_COLOR", "1")
        .output()
        .expect("watch --once");
    let text = String::from_utf8_lossy(&again.stdout);
    assert!(text.contains("此前已受理"), "{text}");
    assert_eq!(stored(&archive_path), before, "{text}");
}
