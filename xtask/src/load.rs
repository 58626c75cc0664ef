//! `cargo xtask load`: the web intake under a province's load, measured (issue 16).
//!
//! Generates a synthetic roster and its returns (`gen-samples --synthetic-units`), issues
//! one county account per unit, starts the release `tongbao serve` on 127.0.0.1:0, and
//! has every account send its return at the same moment, each from its own thread; once
//! every first return is answered, every account sends a resubmission (the same workbook
//! saved again: other bytes, same content). Then it checks that every upload got its
//! verdict and that the archive holds exactly two versions per unit, the second current,
//! and prints the verdict latency (p50/p95/max, from the request's first byte to the
//! answer's last) and the server's peak memory (`VmHWM`). Everything runs over loopback,
//! bounded in count (one thread per unit) and in time (each request at most
//! [`REQUEST_TIMEOUT`]); the server is killed at the end whatever happened.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Barrier};
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context};
use serde_json::Value;
use tongbao::model::{Period, Verdict};

use crate::gen::{self, GenArgs};

/// The longest one upload may take before the run counts it as unanswered.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(300);
/// The longest the server may take to say where it listens.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// Measures the web intake with many counties sending at once.
#[derive(clap::Args, Debug)]
pub struct LoadArgs {
    /// County accounts (and synthetic units), each sending from its own thread.
    #[arg(long, default_value_t = 183)]
    pub units: usize,
    /// Projects per return.
    #[arg(long, default_value_t = 150)]
    pub projects: usize,
    /// The month the returns are for.
    #[arg(long, default_value = "2025-06", value_name = "YYYY-MM")]
    pub period: String,
    /// The tongbao binary to serve with (default: the release build in the target folder,
    /// `$CARGO_TARGET_DIR/release/tongbao` or `target/release/tongbao`).
    #[arg(long, value_name = "PATH")]
    pub tongbao: Option<PathBuf>,
    /// The folder to work in (made anew; default: a fresh folder in the system's temporary
    /// folder, removed afterwards).
    #[arg(long, value_name = "DIR")]
    pub work: Option<PathBuf>,
}

/// The server, killed when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What one upload got.
struct Answer {
    latency: Duration,
    status: u16,
    json: Value,
}

pub fn run(args: &LoadArgs) -> anyhow::Result<()> {
    let period = Period::parse_canonical(&args.period)
        .with_context(|| format!("--period {}: not YYYY-MM", args.period))?;
    let tongbao = match &args.tongbao {
        Some(p) => p.clone(),
        None => std::env::var_os("CARGO_TARGET_DIR")
            .map_or_else(|| repo().join("target"), PathBuf::from)
            .join("release/tongbao"),
    };
    ensure!(
        tongbao.is_file(),
        "no tongbao binary at {} (cargo build --release, or --tongbao PATH)",
        tongbao.display()
    );
    let (work, remove_after) = match &args.work {
        Some(w) => (w.clone(), false),
        None => (
            std::env::temp_dir().join(format!("tongbao-load-{}", std::process::id())),
            true,
        ),
    };
    if work.exists() {
        std::fs::remove_dir_all(&work).with_context(|| format!("clearing {}", work.display()))?;
    }
    let result = measure(args, period, &tongbao, &work);
    if remove_after {
        let _ = std::fs::remove_dir_all(&work);
    }
    result
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from(".."), Path::to_path_buf)
}

fn measure(args: &LoadArgs, period: Period, tongbao: &Path, work: &Path) -> anyhow::Result<()> {
    eprintln!(
        "load: generating {} units × {} projects for {period} in {}",
        args.units,
        args.projects,
        work.display()
    );
    gen::run(&GenArgs {
        config: None,
        period,
        out: work.to_path_buf(),
        synthetic_units: Some(args.units),
        projects: args.projects,
        seed: gen::DEFAULT_SEED,
        skip: Vec::new(),
        traditional: Vec::new(),
        flawed: false,
    })?;
    let accounts = issue_accounts(tongbao, work, args.units)?;
    let returns = work.join("returns").join(period.to_string());
    // (unit code, token, file name, bytes) of every county.
    let mut senders = Vec::new();
    for a in &accounts {
        let code = a["unit"]["code"].as_str().context("unit code")?.to_string();
        let name = a["unit"]["name"].as_str().context("unit name")?;
        let token = a["token"].as_str().context("token")?.to_string();
        let file = format!("{name}-{period}.xlsx");
        let bytes =
            std::fs::read(returns.join(&file)).with_context(|| format!("the return of {name}"))?;
        senders.push((code, token, file, bytes));
    }
    let server = start(tongbao, work)?;
    eprintln!("load: {} listening at {}", tongbao.display(), server.base);
    let pid = server.child.id();

    let barrier = Arc::new(Barrier::new(senders.len() + 1));
    let started = Instant::now();
    let threads: Vec<_> = senders
        .into_iter()
        .map(|(code, token, file, bytes)| {
            let barrier = Arc::clone(&barrier);
            let url = format!("{}/api/v1/returns?period={period}", server.base);
            std::thread::spawn(move || {
                barrier.wait();
                let first = send(&url, &token, &file, &bytes);
                barrier.wait();
                barrier.wait();
                let again = send(&url, &token, &file, &resaved(&bytes, "resubmitted"));
                (code, first, again)
            })
        })
        .collect();
    barrier.wait();
    let t0 = Instant::now();
    barrier.wait();
    let first_wall = t0.elapsed();
    let t1 = Instant::now();
    barrier.wait();
    let mut answers = Vec::new();
    for t in threads {
        answers.push(
            t.join()
                .map_err(|_| anyhow::anyhow!("an uploading thread panicked"))?,
        );
    }
    let second_wall = t1.elapsed();
    let peak_kib = peak_memory_kib(pid)?;
    drop(server);
    let total_wall = started.elapsed();

    // Every upload got its verdict, and the version it says.
    let mut problems = Vec::new();
    let mut verdicts: BTreeMap<String, usize> = BTreeMap::new();
    let mut firsts = Vec::new();
    let mut seconds = Vec::new();
    for (code, first, again) in &answers {
        for (answer, version) in [(first, 1), (again, 2)] {
            match answer {
                Err(e) => problems.push(format!("{code} v{version}: no answer: {e}")),
                Ok(a) => {
                    if version == 1 {
                        firsts.push(a.latency);
                    } else {
                        seconds.push(a.latency);
                    }
                    let status = a.json["status"].as_str().unwrap_or("-").to_string();
                    *verdicts
                        .entry(format!("{} {status}", a.status))
                        .or_default() += 1;
                    if a.status != 200 || status != "accepted" {
                        problems.push(format!("{code} v{version}: {} {}", a.status, a.json));
                    } else if a.json["archive"]["version"] != version {
                        problems.push(format!(
                            "{code} v{version}: stored as {}",
                            a.json["archive"]
                        ));
                    }
                }
            }
        }
    }
    // The archive holds exactly versions 1 and 2 of every unit, the second current.
    let archive = tongbao::archive::Archive::open_for_reading(&work.join("tongbao.db"))?;
    let subs = archive.submissions(period)?;
    let mut versions: BTreeMap<String, Vec<(i64, bool, Verdict)>> = BTreeMap::new();
    for s in &subs {
        versions
            .entry(s.unit_code.clone().unwrap_or_default())
            .or_default()
            .push((s.version.unwrap_or(0), s.superseded_by.is_none(), s.verdict));
    }
    let expected = [(1, false, Verdict::Accepted), (2, true, Verdict::Accepted)];
    for (code, ..) in &answers {
        let mut v = versions.remove(code).unwrap_or_default();
        v.sort_unstable_by_key(|x| x.0);
        if v != expected {
            problems.push(format!("{code}: the archive holds {v:?}"));
        }
    }
    if !versions.is_empty() {
        problems.push(format!("submissions of no account: {versions:?}"));
    }

    let all: Vec<Duration> = firsts.iter().chain(&seconds).copied().collect();
    println!(
        "units {}, projects per return {}, uploads {} ({} answered: {})",
        answers.len(),
        args.projects,
        answers.len() * 2,
        all.len(),
        verdicts
            .iter()
            .map(|(k, n)| format!("{n}× {k}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "archive: {} submissions; every unit v1 superseded and v2 current: {}",
        subs.len(),
        problems.iter().all(|p| !p.contains("the archive holds"))
    );
    for (label, set, wall) in [
        ("first returns", &firsts, Some(first_wall)),
        ("resubmissions", &seconds, Some(second_wall)),
        ("all uploads", &all, None),
    ] {
        println!(
            "verdict latency, {label}: p50 {} s, p95 {} s, max {} s{}",
            secs(percentile(set, 50)),
            secs(percentile(set, 95)),
            secs(set.iter().max().copied()),
            wall.map_or_else(String::new, |w| format!(
                " (all answered in {:.2} s)",
                w.as_secs_f64()
            ))
        );
    }
    println!(
        "server peak memory (VmHWM): {:.1} MB; whole run {:.1} s",
        peak_kib as f64 / 1024.0,
        total_wall.as_secs_f64()
    );
    if !problems.is_empty() {
        for p in problems.iter().take(20) {
            eprintln!("load: {p}");
        }
        bail!("{} problems (the first 20 above)", problems.len());
    }
    Ok(())
}

/// `tongbao accounts issue --unit CODE… --json` for the first `n` roster units.
fn issue_accounts(tongbao: &Path, work: &Path, n: usize) -> anyhow::Result<Vec<Value>> {
    let cfg = tongbao::config::Config::load(&work.join(tongbao::config::CONFIG_FILE))?;
    let mut cmd = Command::new(tongbao);
    cmd.current_dir(work).args(["accounts", "issue", "--json"]);
    for u in cfg.file.units.iter().take(n) {
        cmd.args(["--unit", u.code()]);
    }
    let out = cmd.output().context("running tongbao accounts issue")?;
    ensure!(
        out.status.success(),
        "accounts issue: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout)?;
    let accounts = v.as_array().context("accounts JSON")?.clone();
    ensure!(accounts.len() == n, "{} accounts issued", accounts.len());
    Ok(accounts)
}

/// `tongbao serve --listen 127.0.0.1:0` in `work`; its log in `work/serve.log`.
fn start(tongbao: &Path, work: &Path) -> anyhow::Result<Server> {
    let log = std::fs::File::create(work.join("serve.log"))?;
    let mut child = Command::new(tongbao)
        .current_dir(work)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .context("starting tongbao serve")?;
    let stdout = child.stdout.take().context("stdout")?;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    // Killed on drop from here on, whatever happens next.
    let mut server = Server {
        child,
        base: String::new(),
    };
    let line = rx
        .recv_timeout(START_TIMEOUT)
        .context("tongbao serve printed no address")?;
    let start = line
        .find("http://")
        .context("no address in the first line")?;
    let host: String = line[start + "http://".len()..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ':')
        .collect();
    server.base = format!("http://{host}");
    Ok(server)
}

/// One upload, timed from before the request to after the whole answer.
fn send(url: &str, token: &str, name: &str, bytes: &[u8]) -> anyhow::Result<Answer> {
    let boundary = "tongbao-load-boundary-5c1d";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .timeout_global(Some(REQUEST_TIMEOUT))
        .build()
        .into();
    let started = Instant::now();
    let mut r = agent
        .post(url)
        .header("Authorization", format!("Bearer {token}"))
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .send(&body[..])?;
    let status = r.status().as_u16();
    let text = r.body_mut().read_to_string()?;
    let latency = started.elapsed();
    Ok(Answer {
        latency,
        status,
        json: serde_json::from_str(&text).unwrap_or(Value::Null),
    })
}

/// The same workbook with other bytes: a comment in the ZIP's end record.
fn resaved(xlsx: &[u8], comment: &str) -> Vec<u8> {
    let mut out = xlsx.to_vec();
    let Some(end) = xlsx.len().checked_sub(22) else {
        return out;
    };
    if xlsx[end..end + 4] == *b"PK\x05\x06" {
        let len = u16::try_from(comment.len()).unwrap_or(0);
        out[end + 20..end + 22].copy_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&comment.as_bytes()[..usize::from(len)]);
    }
    out
}

/// The nearest-rank percentile `p` of `set`.
fn percentile(set: &[Duration], p: usize) -> Option<Duration> {
    let mut v = set.to_vec();
    v.sort_unstable();
    let rank = (p * v.len()).div_ceil(100).max(1);
    v.get(rank - 1).copied()
}

fn secs(d: Option<Duration>) -> String {
    d.map_or_else(|| "-".to_string(), |d| format!("{:.3}", d.as_secs_f64()))
}

/// The peak resident memory (`VmHWM`) of a running process, in KiB.
fn peak_memory_kib(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .context("VmHWM in /proc/<pid>/status")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let set: Vec<Duration> = (1..=20).map(Duration::from_secs).collect();
        assert_eq!(percentile(&set, 50), Some(Duration::from_secs(10)));
        assert_eq!(percentile(&set, 95), Some(Duration::from_secs(19)));
        assert_eq!(percentile(&set, 100), Some(Duration::from_secs(20)));
        assert_eq!(percentile(&[], 50), None);
    }
}
