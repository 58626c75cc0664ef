//! Checksums of a stored return's typed rows, so that the archive is never silently wrong.
//!
//! `PRAGMA integrity_check` vouches for SQLite's pages, not for what they say: a flipped
//! byte inside an amount passes it and moves the year's total by billions. So each
//! submission carries, from the moment it is stored, the sha256 of a canonical
//! serialisation of what aggregation reads back — its key (unit, period, version), its
//! projects and its reported indicators — and every read for aggregation recomputes it.
//!
//! Two checksums, because the bulletin reads a return two ways: [`rows`] covers every
//! column a full load reads (`load_return`), and [`figures`] only the columns the figures
//! are derived from (`each_current_figures`, which skips names and notes to stay fast).
//!
//! The serialisation is typed, not textual: each field is a tag (absent / present), then
//! a little-endian integer, or a length-prefixed UTF-8 string; dates are days from the
//! common era; choices are their labels. A change of this format is a new migration.

use chrono::{Datelike, NaiveDate};
use sha2::{Digest, Sha256};

use crate::model::{FundsSource, Project, ProjectKind, ReportedIndicator};

/// A reader that hashes what it reads, or a writer that hashes what it writes: data
/// checked against (or given) their sha256 as they stream.
pub(crate) struct Hashing<R> {
    inner: R,
    hash: Sha256,
    /// Bytes through so far.
    bytes: u64,
}

impl<R> Hashing<R> {
    pub(crate) fn new(inner: R) -> Hashing<R> {
        Hashing {
            inner,
            hash: Sha256::new(),
            bytes: 0,
        }
    }

    /// The stream, the number of bytes through it and their sha256 in lower-case hex.
    pub(crate) fn into_parts(self) -> (R, u64, String) {
        (self.inner, self.bytes, hex(&self.hash.finalize()))
    }
}

impl<R: std::io::Read> Hashing<R> {
    /// The sha256 of all the data in lower-case hex, the rest read first; `None` when
    /// the rest cannot be read.
    pub(crate) fn finish_hex(mut self) -> Option<String> {
        std::io::copy(&mut self, &mut std::io::sink()).ok()?;
        Some(hex(&self.hash.finalize()))
    }
}

impl<R: std::io::Read> std::io::Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

impl<W: std::io::Write> std::io::Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Bytes in lower-case hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The key of a submission as it takes part in its checksums.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Key<'a> {
    pub unit_code: Option<&'a str>,
    pub period: Option<&'a str>,
    pub version: Option<i64>,
}

/// The checksum of every column a full load reads: key, projects, indicators.
pub(crate) fn rows(key: Key, projects: &[Project], indicators: &[ReportedIndicator]) -> String {
    let mut w = Writer::new(b"tongbao rows v1");
    w.key(key);
    w.int(Some(projects.len() as i64));
    for p in projects {
        w.figure_columns(p);
        w.str(p.id.as_deref());
        w.str(Some(&p.name));
        w.str(Some(&p.investor));
        w.str(p.origin.as_deref());
        w.str(Some(&p.industry));
        w.str(p.kind.map(ProjectKind::label));
        w.int(Some(p.contract_fdi.cents()));
        w.int(p.fortune500.map(i64::from));
        w.str(p.note.as_deref());
        w.flush();
    }
    w.int(Some(indicators.len() as i64));
    for i in indicators {
        w.str(Some(&super::indicator_key(i.indicator)));
        w.int(i.month);
        w.int(i.ytd);
        w.int(i.last_year_ytd);
    }
    w.finish()
}

/// The checksum of the columns the figures are derived from: key and, per project, its
/// row, stage, funds source, dates and amounts.
pub(crate) fn figures(key: Key, projects: &[Project]) -> String {
    let mut w = Writer::new(b"tongbao figures v1");
    w.key(key);
    w.int(Some(projects.len() as i64));
    for p in projects {
        w.figure_columns(p);
        w.flush();
    }
    w.finish()
}

/// Serialises fields into a buffer that is hashed a project at a time.
struct Writer {
    hash: Sha256,
    buf: Vec<u8>,
}

impl Writer {
    fn new(domain: &[u8]) -> Writer {
        let mut w = Writer {
            hash: Sha256::new(),
            buf: Vec::with_capacity(512),
        };
        w.str(Some(std::str::from_utf8(domain).unwrap_or_default()));
        w
    }

    fn key(&mut self, k: Key) {
        self.str(k.unit_code);
        self.str(k.period);
        self.int(k.version);
    }

    fn figure_columns(&mut self, p: &Project) {
        self.int(Some(i64::from(p.row)));
        self.str(Some(p.stage.label()));
        self.str(p.funds_source.map(FundsSource::label));
        self.date(p.signed_on);
        self.int(p.contract_amount.map(|w| w.cents()));
        self.date(p.started_on);
        self.int(Some(p.funds_month.cents()));
        self.int(Some(p.funds_ytd.cents()));
        self.int(Some(p.fdi_month.cents()));
        self.int(Some(p.fdi_ytd.cents()));
    }

    fn int(&mut self, v: Option<i64>) {
        match v {
            None => self.buf.push(0),
            Some(v) => {
                self.buf.push(1);
                self.buf.extend_from_slice(&v.to_le_bytes());
            }
        }
    }

    fn date(&mut self, d: Option<NaiveDate>) {
        self.int(d.map(|d| i64::from(d.num_days_from_ce())));
    }

    fn str(&mut self, s: Option<&str>) {
        match s {
            None => self.buf.push(0),
            Some(s) => {
                self.buf.push(1);
                self.buf.extend_from_slice(&(s.len() as u64).to_le_bytes());
                self.buf.extend_from_slice(s.as_bytes());
            }
        }
    }

    fn flush(&mut self) {
        self.hash.update(&self.buf);
        self.buf.clear();
    }

    fn finish(mut self) -> String {
        self.flush();
        hex(&self.hash.finalize())
    }
}
