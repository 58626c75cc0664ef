//! A folder of hostile and careless files around two good returns, through the real
//! binary: each bad file gets its own specific code, the good ones are accepted, and the
//! whole batch finishes within a time and memory bound.
//!
//! Every file is generated here (the encrypted .xlsx is the one committed fixture). The
//! bounds are asserted on the child process: a deadline polled with `wait4(WNOHANG)` (a
//! hang, e.g. on a FIFO, fails the test instead of blocking it) and the peak resident set
//! that `wait4` reports.

use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use tongbao::batch::read_error_diagnostic;
use tongbao::diag::Code;
use tongbao::lang::Lang;
use tongbao::read::{IoProblem, ReadError};

use crate::binary::bin;
use crate::read::{biff_stream, fixture, number, ods_with, ole_of, rec, xlsx_bomb, xlsx_with};
use crate::support::*;

/// The batch's budgets: the defaults, except a decompression budget a debug build
/// reaches in seconds (the bomb is 600 MB either way) that still takes the 50 MB return.
const LIMITS: &str = "
[limits]
max_decompressed_bytes = 67108864
";

/// How long the whole batch may take, and how much memory it may hold at its peak.
const DEADLINE: Duration = Duration::from_secs(120);
const PEAK_RSS_MB: i64 = 600;

/// A result of a bounded run of the binary.
pub(crate) struct Bounded {
    pub(crate) code: Option<i32>,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
    pub(crate) elapsed: Duration,
    pub(crate) peak_rss_kb: i64,
}

/// Runs the binary in `dir` with a deadline and measures its peak memory.
// The child is reaped by `wait4`, which also returns its resource usage; `Child::wait`
// would not.
#[allow(clippy::zombie_processes)]
pub(crate) fn run_bounded(args: &[&str], dir: &Path, deadline: Duration) -> Bounded {
    let out = tempfile::NamedTempFile::new().expect("stdout file");
    let err = tempfile::NamedTempFile::new().expect("stderr file");
    let start = Instant::now();
    let mut child = bin()
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(out.reopen().expect("stdout"))
        .stderr(err.reopen().expect("stderr"))
        .spawn()
        .expect("spawn tongbao");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value, and wait4 only writes into it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // The child's own peak (VmHWM, a high-water mark) read while it runs. getrusage's
    // ru_maxrss would also count this test process's memory, which a vfork-style spawn
    // shares with the child until exec.
    let mut peak_kb: Option<i64> = None;
    loop {
        if let Some(kb) = vm_hwm_kb(pid) {
            peak_kb = Some(peak_kb.map_or(kb, |p| p.max(kb)));
        }
        // SAFETY: polls our own child by pid; status and usage are valid out-pointers.
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if r == pid {
            break;
        }
        assert_eq!(r, 0, "wait4 failed");
        if start.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("tongbao {args:?} did not finish within {deadline:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let elapsed = start.elapsed();
    let read = |f: &tempfile::NamedTempFile| {
        let mut s = String::new();
        f.reopen()
            .expect("reopen")
            .read_to_string(&mut s)
            .expect("read output");
        s
    };
    Bounded {
        code: libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status)),
        stdout: read(&out),
        stderr: read(&err),
        elapsed,
        // A child gone before the first look: rusage, an upper bound, stands in.
        peak_rss_kb: peak_kb.unwrap_or(usage.ru_maxrss),
    }
}

/// `text` without the names it quotes ("项目明细" or '项目明细': no space inside).
fn unquoted(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '"' || c == '\'' {
            let close = chars[i + 1..]
                .iter()
                .position(|&d| d == c || d.is_whitespace())
                .filter(|&k| chars[i + 1 + k] == c);
            if let Some(k) = close {
                i += k + 2;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

/// A running process's peak resident set in KiB, from /proc.
fn vm_hwm_kb(pid: libc::pid_t) -> Option<i64> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

// ---------------------------------------------------------------------------------------
// Builders

/// The entries of a zip, in order.
pub(crate) fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).expect("entry");
            let mut data = Vec::new();
            f.read_to_end(&mut data).expect("inflate");
            (f.name().expect("entry name").to_string(), data)
        })
        .collect()
}

/// A zip of `entries`, deflated or stored.
pub(crate) fn rezip(entries: &[(String, Vec<u8>)], method: CompressionMethod) -> Vec<u8> {
    let mut z = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries {
        let opts = SimpleFileOptions::default()
            .compression_method(method)
            .large_file(data.len() > u32::MAX as usize / 2);
        z.start_file(name.as_str(), opts).expect("entry");
        z.write_all(data).expect("write");
    }
    z.finish().expect("finish").into_inner()
}

/// The standard good return with its parts edited by `edit`.
pub(crate) fn edited_return(edit: impl FnOnce(&mut Vec<(String, Vec<u8>)>)) -> Vec<u8> {
    let mut parts = unzip(&Form::valid().xlsx());
    edit(&mut parts);
    rezip(&parts, CompressionMethod::Deflated)
}

/// The content of part `name`, for editing.
pub(crate) fn part<'a>(parts: &'a mut [(String, Vec<u8>)], name: &str) -> &'a mut Vec<u8> {
    &mut parts
        .iter_mut()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no part {name}"))
        .1
}

/// Replaces the first `from` in `data` by `to`.
pub(crate) fn replace_once(data: &mut Vec<u8>, from: &str, to: &str) {
    let text = String::from_utf8(std::mem::take(data)).expect("utf-8 part");
    assert!(text.contains(from), "{from} not found");
    *data = text.replacen(from, to, 1).into_bytes();
}

/// Pseudo-random bytes (incompressible, like a photo).
fn noise(n: usize) -> Vec<u8> {
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    let mut out = Vec::with_capacity(n + 8);
    while out.len() < n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(n);
    out
}

/// A legitimate return of about 50 MB: the standard return with a 50 MB photo in it
/// (a scanned, stamped page is what makes a real return this large).
fn fifty_megabyte_return(form: &Form) -> Vec<u8> {
    let mut parts = unzip(&form.xlsx());
    parts.push(("xl/media/image1.jpeg".into(), noise(50 << 20)));
    rezip(&parts, CompressionMethod::Stored)
}

/// A BIFF5 (Excel 5/95) workbook: a `Book` stream, one sheet with one number.
fn biff5_book() -> Vec<u8> {
    let bof = |dt: u16| {
        rec(
            0x0809,
            &[&0x0500u16.to_le_bytes()[..], &dt.to_le_bytes(), &[0; 4]].concat(),
        )
    };
    let boundsheet = |pos: u32| rec(0x0085, &[&pos.to_le_bytes()[..], &[0, 0, 1, b'S']].concat());
    let head = bof(5).len() + boundsheet(0).len() + 4;
    let stream = [
        bof(5),
        boundsheet(head as u32),
        rec(0x000A, &[]),
        bof(0x10),
        number(0, 0, 1.0),
        rec(0x000A, &[]),
    ]
    .concat();
    ole_of(&[("Book", &stream)])
}

/// An .xls whose shared-string table claims a million strings and holds half of one,
/// with a cell pointing past it.
fn xls_with_corrupt_sst() -> Vec<u8> {
    let sst = rec(
        0x00FC,
        &[
            &1_000_000u32.to_le_bytes()[..],
            &1_000_000u32.to_le_bytes(),
            &[200, 0, 0],
            b"only a few characters",
        ]
        .concat(),
    );
    let labelsst = rec(
        0x00FD,
        &[
            &0u16.to_le_bytes()[..],
            &0u16.to_le_bytes(),
            &0u16.to_le_bytes(),
            &999_999u32.to_le_bytes(),
        ]
        .concat(),
    );
    ole_of(&[("Workbook", &biff_stream(&sst, &labelsst))])
}

/// Every file of the batch, with the code it must get (`None`: accepted).
fn corpus(inbox: &Path) -> Vec<(PathBuf, Option<Code>)> {
    let mut files: Vec<(String, Vec<u8>, Option<Code>)> = Vec::new();
    let mut add = |name: &str, bytes: Vec<u8>, code: Option<Code>| {
        files.push((name.to_string(), bytes, code));
    };
    use Code::*;
    add("good-巴南区.xlsx", Form::valid().xlsx(), None);
    let yuzhong = Form::valid()
        .set_info("填报单位", s("渝中区"))
        .set_info("行政区划代码", s("500103"));
    add("good-渝中区.xlsx", yuzhong.xlsx(), None);
    add(
        "legit-50MB-两江新区.xlsx",
        fifty_megabyte_return(
            &Form::valid()
                .set_info("填报单位", s("两江新区"))
                .set_info("行政区划代码", s("LJXQ")),
        ),
        None,
    );

    add(
        "zip-bomb.xlsx",
        // A picture: the sheet bombs are read.rs's, one process each, since a debug build
        // parses 64 MB of `<a/>` elements slowly.
        xlsx_bomb("xl/media/image1.png", 600 << 20),
        Some(FileTooLarge),
    );
    let laughs = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>"#;
    add("entities.xlsx", xlsx_with(laughs, None), Some(FileOther));
    add(
        "dimensions.xlsx",
        xlsx_with(
            r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>"#,
            None,
        ),
        Some(FileTooLarge),
    );
    let good = Form::valid().xlsx();
    for i in 0..10 {
        let cut = good.len() * (5 + 10 * i) / 100;
        add(
            &format!("truncated-{i}.xlsx"),
            good[..cut].to_vec(),
            Some(FileTruncated),
        );
    }
    add(
        "encrypted.xlsx",
        fixture("encrypted.xlsx"),
        Some(FileEncrypted),
    );
    let filepass = rec(0x002F, &[1, 0, 1, 0, 1, 0]);
    add(
        "encrypted.xls",
        ole_of(&[("Workbook", &biff_stream(&filepass, &number(0, 0, 1.0)))]),
        Some(FileEncrypted),
    );
    add(
        "page.xls",
        b"<html><body><table><tr><td>\xe5\xb7\xb4\xe5\x8d\x97\xe5\x8c\xba</td></tr></table></body></html>"
            .to_vec(),
        Some(FileHtml),
    );
    add(
        "export.xls",
        "填报单位,报告期\n巴南区,2025年6月\n".as_bytes().to_vec(),
        Some(FileText),
    );
    add("empty.xlsx", Vec::new(), Some(FileEmpty));

    // Extras: what else a careless county or an attacker may send.
    add(
        "whitespace.xlsx",
        edited_return(|p| {
            let spaces = " ".repeat(24 << 20);
            replace_once(
                part(p, "xl/worksheets/sheet1.xml"),
                "</worksheet>",
                &format!("{spaces}</worksheet>"),
            );
        }),
        Some(FileTooLarge),
    );
    add(
        "nested.xlsx",
        edited_return(|p| {
            let deep = format!("{}{}", "<x>".repeat(20_000), "</x>".repeat(20_000));
            replace_once(
                part(p, "xl/worksheets/sheet1.xml"),
                "</worksheet>",
                &format!("<extLst>{deep}</extLst></worksheet>"),
            );
        }),
        None,
    );
    add(
        "many-sheets.xlsx",
        edited_return(|p| {
            let sheets: String = (0..5000)
                .map(|i| format!(r#"<sheet name="S{i}" sheetId="{}" r:id="rId1"/>"#, i + 10))
                .collect();
            replace_once(
                part(p, "xl/workbook.xml"),
                "<sheets>",
                &format!("<sheets>{sheets}"),
            );
        }),
        Some(FileTooLarge),
    );
    add(
        "long-string.xlsx",
        edited_return(|p| {
            let long = "长".repeat(4 << 20);
            replace_once(
                part(p, "xl/sharedStrings.xml"),
                "<t>",
                &format!("<t>{long}"),
            );
        }),
        Some(FileTooLarge),
    );
    add(
        "sst-index.xlsx",
        edited_return(|p| {
            let sheet = part(p, "xl/worksheets/sheet1.xml");
            let text = String::from_utf8(std::mem::take(sheet)).expect("utf-8");
            let at = text.find(r#"t="s"><v>"#).expect("a shared string cell") + 9;
            let end = at + text[at..].find('<').expect("end of value");
            *sheet = format!("{}4000000000{}", &text[..at], &text[end..]).into_bytes();
        }),
        Some(FileTruncated),
    );
    add(
        "styles-bomb.xlsx",
        edited_return(|p| {
            let xfs = "<xf/>".repeat(300_000);
            replace_once(
                part(p, "xl/styles.xml"),
                "</styleSheet>",
                &format!("<dxfs>{xfs}</dxfs></styleSheet>"),
            );
        }),
        Some(FileTooLarge),
    );
    add(
        "missing-part.xlsx",
        edited_return(|p| p.retain(|(n, _)| n != "xl/worksheets/sheet2.xml")),
        Some(FileTruncated),
    );
    add(
        "binary.xlsb",
        crate::read::zip_of(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("xl/workbook.bin", b"\x83\x01\x00"),
        ]),
        Some(FileOther),
    );
    add(
        "apple.numbers",
        crate::read::zip_of(&[
            ("Index/Document.iwa", b"\x00\x01\x02"),
            ("Metadata/Properties.plist", b"bplist00"),
        ]),
        Some(FileOther),
    );
    add(
        "no-content.ods",
        crate::read::zip_of(&[(
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet",
        )]),
        Some(FileTruncated),
    );
    add(
        "repeats.ods",
        ods_with(
            r#"<table:table-row table:number-rows-repeated="1048576"><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="16384"/></table:table-row>"#,
        ),
        Some(FileTooLarge),
    );
    // Excel 95 files are read (calamine knows BIFF5); this one holds no return.
    add("biff5.xls", biff5_book(), Some(UnitMissing));
    add(
        "corrupt-sst.xls",
        xls_with_corrupt_sst(),
        Some(FileTruncated),
    );

    let mut out = Vec::new();
    for (name, bytes, code) in files {
        let path = inbox.join(name);
        std::fs::write(&path, bytes).expect("write case");
        out.push((path, code));
    }
    out
}

/// The special files: a folder named .xlsx, a FIFO, symlink loops, a non-UTF-8 name and
/// (unless running as root, which reads any file) a file without read permission.
fn special_files(inbox: &Path) -> Vec<(PathBuf, Option<Code>)> {
    use std::os::unix::ffi::OsStrExt;
    let mut out = Vec::new();
    let folder = inbox.join("folder.xlsx");
    std::fs::create_dir(&folder).expect("folder");
    std::fs::write(folder.join("inside.xlsx"), Form::valid().xlsx()).expect("inside");
    out.push((folder, Some(Code::FileUnreadable)));

    let fifo = inbox.join("pipe.xlsx");
    let c = std::ffi::CString::new(fifo.as_os_str().as_bytes()).expect("path");
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo");
    out.push((fifo, Some(Code::FileUnreadable)));

    // A link to the folder itself: walked once, not until the path is too long.
    std::os::unix::fs::symlink(".", inbox.join("loop")).expect("dir loop");
    let self_link = inbox.join("self.xlsx");
    std::os::unix::fs::symlink("self.xlsx", &self_link).expect("self loop");
    out.push((self_link, Some(Code::FileUnreadable)));

    let odd = inbox.join(std::ffi::OsStr::from_bytes(b"bad-name-\xff\xfe.xlsx"));
    std::fs::write(&odd, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").expect("odd name");
    out.push((odd, Some(Code::FileImage)));

    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        eprintln!("hostile: running as root, which reads any file: the unreadable-permission case is skipped (see io_problem_permission_denied_is_its_own_message)");
    } else {
        use std::os::unix::fs::PermissionsExt;
        let locked = inbox.join("locked.xlsx");
        std::fs::write(&locked, Form::valid().xlsx()).expect("locked");
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
        out.push((locked, Some(Code::FileUnreadable)));
    }
    out
}

/// The code of a file's first error, or `None` when it is accepted.
fn first_error(file: &Value) -> Option<String> {
    if file["status"] == "accepted" {
        return None;
    }
    file["diagnostics"]
        .as_array()?
        .iter()
        .find(|d| d["severity"] == "error")
        .and_then(|d| d["code"].as_str())
        .map(str::to_string)
}

#[test]
fn a_hostile_batch_gives_each_file_its_code_within_time_and_memory() {
    let ws = tempfile::tempdir().expect("temp dir");
    std::fs::write(ws.path().join("tongbao.toml"), format!("{CONFIG}{LIMITS}")).expect("config");
    let inbox = ws.path().join("inbox");
    std::fs::create_dir(&inbox).expect("inbox");
    let mut expected = corpus(&inbox);
    expected.extend(special_files(&inbox));

    let r = run_bounded(
        &["check", "--format", "json", "--period", "2025-06", "inbox"],
        ws.path(),
        DEADLINE,
    );
    println!(
        "check: {} files in {:.1} s, peak RSS {:.0} MB",
        expected.len(),
        r.elapsed.as_secs_f64(),
        r.peak_rss_kb as f64 / 1024.0
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout));
    let files = v["files"].as_array().expect("files");
    let mut wrong = Vec::new();
    for (path, code) in &expected {
        let shown = path.display().to_string();
        let Some(f) = files.iter().find(|f| {
            f["file"]
                .as_str()
                .is_some_and(|p| p.ends_with(&*rel(path, ws.path())))
        }) else {
            wrong.push(format!("{shown}: not reported"));
            continue;
        };
        let got = first_error(f);
        if got.as_deref() != code.map(Code::as_str) {
            wrong.push(format!(
                "{shown}: expected {:?}, got {got:?}: {}",
                code.map(Code::as_str),
                f["diagnostics"][0]["message"]
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // The loop link is walked once: no file is reported twice.
    assert_eq!(files.len(), expected.len(), "{}", r.stdout);
    assert!(r.elapsed < DEADLINE);
    assert!(
        r.peak_rss_kb < PEAK_RSS_MB * 1024,
        "peak RSS {} MB",
        r.peak_rss_kb / 1024
    );

    // The English report words every refusal in English, the damage details of
    // E-FILE-TRUNCATED too (only a parser's own words in E-FILE-INTERNAL are as it gave them).
    let en = run_bounded(
        &[
            "--lang", "en", "check", "--format", "json", "--period", "2025-06", "inbox",
        ],
        ws.path(),
        DEADLINE,
    );
    let v: Value = serde_json::from_str(&en.stdout).expect("json");
    for f in v["files"].as_array().expect("files") {
        for d in f["diagnostics"].as_array().expect("diagnostics") {
            // Names quoted from the file (a sheet called 项目明细) stay as they are.
            let text = unquoted(&format!(
                "{} {}",
                d["message"].as_str().unwrap_or_default(),
                d["hint"].as_str().unwrap_or_default()
            ));
            let code = d["code"].as_str().unwrap_or_default();
            if code.starts_with("E-FILE-") && code != "E-FILE-INTERNAL" {
                assert!(
                    !text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                    "{}: {text}",
                    f["file"]
                );
            }
        }
    }

    // Ingest takes the good returns and records the rest, within the same bounds.
    let r = run_bounded(
        &["ingest", "--period", "2025-06", "inbox"],
        ws.path(),
        DEADLINE,
    );
    println!(
        "ingest: {:.1} s, peak RSS {:.0} MB",
        r.elapsed.as_secs_f64(),
        r.peak_rss_kb as f64 / 1024.0
    );
    assert!(r.code.is_some(), "ingest died: {}", r.stderr);
    assert!(
        r.peak_rss_kb < PEAK_RSS_MB * 1024,
        "peak RSS {} MB",
        r.peak_rss_kb / 1024
    );
    let archive = tongbao::archive::Archive::open_for_reading(&ws.path().join("tongbao.db"))
        .expect("archive");
    let june = tongbao::model::Period::new(2025, 6).expect("period");
    for code in ["500113", "500103", "LJXQ"] {
        assert!(
            archive
                .current_return(code, june)
                .expect("current")
                .is_some(),
            "{code} archived"
        );
    }
}

/// The path of `p` relative to `base`, as the report shows it.
fn rel(p: &Path, base: &Path) -> String {
    p.strip_prefix(base).unwrap_or(p).display().to_string()
}

/// Root reads any file whatever its mode, so the batch test cannot make a file it may
/// not read when run as root (as CI does); the mapping is checked here instead.
#[test]
fn io_problem_permission_denied_is_its_own_message() {
    let p = IoProblem::from_kind(std::io::ErrorKind::PermissionDenied);
    assert_eq!(p, IoProblem::PermissionDenied);
    let d = read_error_diagnostic(&ReadError::Io(p), Path::new("a.xlsx"), Lang::Zh);
    assert_eq!(d.code, Code::FileUnreadable);
    assert!(d.message(Lang::Zh).contains("没有读取权限"));
    let d = read_error_diagnostic(&ReadError::Io(p), Path::new("a.xlsx"), Lang::En);
    assert!(d.message(Lang::En).contains("permission denied"));
}

#[test]
fn a_fifo_is_refused_without_being_opened() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join("pipe.xlsx");
    let c = std::ffi::CString::new(fifo.as_os_str().as_bytes()).expect("path");
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo");
    assert_eq!(
        tongbao::read::load(&fifo, &Default::default()).err(),
        Some(ReadError::Io(IoProblem::NotAFile))
    );
    assert_eq!(
        tongbao::read::load(Path::new("/dev/zero"), &Default::default()).err(),
        Some(ReadError::Io(IoProblem::NotAFile))
    );
}
