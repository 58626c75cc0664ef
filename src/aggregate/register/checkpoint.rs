//! The register of the earlier months, kept in the archive (its checkpoint).
//!
//! Every `build` needs the register as of its month, and building it means reading every
//! counted return of every earlier month again and matching their rows: on a province
//! (183 units, three months) half a second of a one-second build, and growing with each
//! month archived. Those months do not change while the month in hand is being collected,
//! so the archive keeps the [`Builder`] as it stands after them: written by the commands
//! that change the archive ([`refresh`]), read by `build` ([`earlier`]).
//!
//! A checkpoint is only ever a faster way to the same register. It is used when its
//! *fingerprint* is the one worked out afresh from the archive at the moment of use: the
//! counted returns of every month before (their ids and the checksums of their rows, in
//! the order the register adds them), the clerk's links, and the code that built it (the
//! crate's version and the text of the modules whose rules decide the register). Anything
//! else — a resubmission or a confirmation in an earlier month, a link made or undone, a
//! new version of tongbao, a damaged blob (its own sha256 is checked) — and the register
//! is built from the returns as before. The tests build every bulletin both ways and
//! compare the files byte for byte.
//!
//! The encoding is this module's own: a flat, length-prefixed layout (integers as zigzag
//! LEB128, each file once, a report's texts written only where they differ from the
//! project's previous report) of
//! exactly the builder's state (the JSON forms of these types print amounts as 万元 in
//! floating point, which is for readers, not for keeping). Ids and lookups the builder
//! derives from its projects (`opened`, `joined_into`) are rebuilt on reading. The archive
//! keeps the encoding compressed as an LZ4 frame (see "The stored form" below); it is
//! written and read as a stream, never held whole.

use std::collections::BTreeSet;
use std::io::{Read, Seek, Write};
use std::sync::Arc;

use foldhash::{HashMap, HashMapExt};
use lz4_flex::frame::{BlockSize, FrameDecoder, FrameEncoder, FrameInfo};

use chrono::{Datelike, NaiveDate};
use sha2::{Digest, Sha256};

use super::{
    lookup::{Lookup, Sorted},
    Ambiguity, AmbiguousMatch, Amounts, Builder, FileRef, Joined, LinkConflict, MatchedBy,
    RegisteredProject, Report, UnappliedLink, UnitIndex,
};
use crate::archive::{hex, Archive, ArchiveError, ProjectLink, SharedMonth};
use crate::model::{FundsSource, Period, Project, ProjectKind, Stage, UsdWan, Wan};
use crate::text::Words;

/// The layout's version: part of every fingerprint.
const FORMAT: &str = "tongbao register checkpoint 3";

/// The sources whose rules decide what the register holds: a checkpoint written by other
/// code is not trusted, whatever its version number says.
const RULES: &[&str] = &[
    include_str!("../register.rs"),
    include_str!("checkpoint.rs"),
    include_str!("lookup.rs"),
    include_str!("../../text.rs"),
    include_str!("../../model.rs"),
    include_str!("../../archive/mod.rs"),
];

/// The part of every fingerprint that is the code's: hashed once per process (an upload
/// checks the fingerprint every time).
fn code_fingerprint() -> &'static [u8; 32] {
    static CODE: std::sync::OnceLock<[u8; 32]> = std::sync::OnceLock::new();
    CODE.get_or_init(|| {
        let mut h = Sha256::new();
        h.update(FORMAT);
        h.update(env!("CARGO_PKG_VERSION"));
        for source in RULES {
            h.update((source.len() as u64).to_le_bytes());
            h.update(source);
        }
        h.finalize().into()
    })
}

/// The fingerprint of the register of every counted month before `before`, as the archive
/// holds them now.
fn fingerprint(archive: &Archive, before: Period) -> Result<String, ArchiveError> {
    let mut h = Sha256::new();
    h.update(code_fingerprint());
    for (id, rows) in archive.counted_before(before)? {
        h.update(id.to_le_bytes());
        h.update(rows.as_deref().unwrap_or("-"));
        h.update([0]);
    }
    for l in archive.project_links()? {
        h.update(l.id.to_le_bytes());
        for s in [&l.earlier, &l.later] {
            h.update((s.len() as u64).to_le_bytes());
            h.update(s);
        }
    }
    Ok(hex(&h.finalize()))
}

/// The builder of every counted month before `period`, as `build` starts from: the
/// archive's checkpoint when it is the one for these months, else built from the returns.
/// The flag says which (true: the checkpoint).
pub fn earlier(archive: &Archive, period: Period) -> Result<(Builder, bool), ArchiveError> {
    let links = archive.project_links()?;
    let fp = fingerprint(archive, period)?;
    // The fingerprint is looked at before the data are read, and again on the row read (a
    // writer may have replaced it in between).
    if archive.has_register_checkpoint(period, &fp)? {
        let decoded = archive.with_register_checkpoint(|p, f, len, data| {
            (p == period && f == fp)
                .then(|| decode_stored(data, len, period, &links))
                .flatten()
        })?;
        if let Some(builder) = decoded {
            return Ok((builder, true));
        }
    }
    Ok((built(archive, period, &links, None)?, false))
}

/// The builder of every counted month before `period`, from the returns.
fn built(
    archive: &Archive,
    period: Period,
    links: &[ProjectLink],
    shared: Option<&SharedMonth>,
) -> Result<Builder, ArchiveError> {
    let mut builder = Builder::new(period, links);
    super::add_months_sharing(archive, &mut builder, |p| p < period, shared)?;
    Ok(builder)
}

/// A checkpoint worked out beside a batch of returns for `before` (which cannot change
/// the months before it), to be kept once the batch is stored ([`refresh_with`]).
pub struct Prepared {
    before: Period,
    fingerprint: String,
    data: Encoded,
}

/// An encoded checkpoint waiting to be stored, in its stored form ([`decode_stored`]): its
/// bytes in an anonymous temporary file in the archive's folder (gone with the process,
/// whatever stops it), their length and sha256.
struct Encoded {
    file: std::fs::File,
    len: u64,
    sha256: String,
}

impl Encoded {
    /// `builder` encoded into a temporary file in `folder`, in its stored form.
    fn of(builder: &Builder, folder: &std::path::Path) -> std::io::Result<Encoded> {
        let mut file = tempfile::tempfile_in(folder)?;
        // Room for the encoding's length, known once it is made.
        file.write_all(&[0; STORED_HEAD])?;
        let mut frame = FrameEncoder::with_frame_info(frame_info(), std::io::BufWriter::new(file));
        let raw_len = encode_into(builder, &mut frame)?;
        let mut file = frame
            .finish()
            .map_err(std::io::Error::other)?
            .into_inner()
            .map_err(std::io::IntoInnerError::into_error)?;
        file.rewind()?;
        file.write_all(&raw_len.to_le_bytes())?;
        // The checksum is of the bytes stored, read back once.
        file.rewind()?;
        let mut hashing = crate::archive::checksum::Hashing::new(std::io::sink());
        std::io::copy(&mut file, &mut hashing)?;
        let (_, len, sha256) = hashing.into_parts();
        file.rewind()?;
        Ok(Encoded { file, len, sha256 })
    }

    fn put(
        mut self,
        archive: &mut Archive,
        before: Period,
        fingerprint: &str,
    ) -> Result<(), ArchiveError> {
        archive.put_register_checkpoint(before, fingerprint, &self.sha256, self.len, &mut self.file)
    }
}

/// The checkpoint of the months before `before`, from a reading connection: what a batch
/// for `before` leaves the archive needing, worked out while its files are read rather
/// than after, with the register it was made from. `None` when the archive already holds
/// it. The returns of `shared`'s month read on the way are offered to it
/// ([`crate::archive::SharedMonth`]). The register is the caller's to let go when nothing
/// waits for it: a nation's is millions of allocations, a second of freeing, which slowed
/// the files read meanwhile (their threads' arenas take the freed rows back).
pub fn prepare(
    archive: &Archive,
    before: Period,
    shared: Option<&SharedMonth>,
) -> Result<Option<(Prepared, Builder)>, ArchiveError> {
    // A batch for an earlier month than the latest: the checkpoint wanted is the latest's.
    if archive
        .counted_periods()?
        .last()
        .is_some_and(|l| *l > before)
    {
        return Ok(None);
    }
    let fp = fingerprint(archive, before)?;
    if archive.has_register_checkpoint(before, &fp)? {
        return Ok(None);
    }
    let links = archive.project_links()?;
    let builder = carried_or_built(archive, before, &links, shared)?;
    let folder = archive.path().parent().unwrap_or(std::path::Path::new("."));
    let data = Encoded::of(&builder, folder).map_err(|source| ArchiveError::Scratch {
        path: archive.path().to_path_buf(),
        source,
    })?;
    Ok(Some((
        Prepared {
            before,
            fingerprint: fp,
            data,
        },
        builder,
    )))
}

/// [`refresh`], keeping `prepared` when it is the checkpoint wanted and still fits.
pub fn refresh_with(
    archive: &mut Archive,
    prepared: Option<Prepared>,
) -> Result<bool, ArchiveError> {
    if let Some(p) = prepared {
        if put_if_wanted(archive, p)?.is_none() {
            return Ok(true);
        }
    }
    refresh(archive)
}

/// Writes `prepared` if it is the checkpoint the archive wants now: its latest counted
/// month is the one it was worked out for (a batch has stored a return of it), and the
/// months before are as they were. Otherwise gives it back, for [`refresh_with`] once the
/// batch is stored. A batch writes it as soon as both hold, rather than last.
pub fn put_if_wanted(
    archive: &mut Archive,
    prepared: Prepared,
) -> Result<Option<Prepared>, ArchiveError> {
    let latest = archive.counted_periods()?.last().copied();
    if latest == Some(prepared.before)
        && fingerprint(archive, prepared.before)? == prepared.fingerprint
    {
        let Prepared {
            before,
            fingerprint,
            data,
        } = prepared;
        data.put(archive, before, &fingerprint)?;
        return Ok(None);
    }
    Ok(Some(prepared))
}

/// The builder of every counted month before `before`: the archive's checkpoint of an
/// earlier month carried forward with the months since, when it still fits, else built
/// from every month's returns.
fn carried_or_built(
    archive: &Archive,
    before: Period,
    links: &[ProjectLink],
    shared: Option<&SharedMonth>,
) -> Result<Builder, ArchiveError> {
    let carried = archive
        .with_register_checkpoint(
            |since, kept_fp, len, data| match fingerprint(archive, since) {
                Err(e) => Some(Err(e)),
                Ok(fp) if since < before && fp == kept_fp => {
                    decode_stored(data, len, before, links).map(|b| Ok((b, since)))
                }
                Ok(_) => None,
            },
        )?
        .transpose()?;
    match carried {
        Some((mut builder, since)) => {
            super::add_months_sharing(archive, &mut builder, |p| since <= p && p < before, shared)?;
            Ok(builder)
        }
        None => built(archive, before, links, shared),
    }
}

/// Makes the archive's checkpoint the one of the months before its latest counted month
/// (the month a bulletin is next built for), unless it already is. Returns whether it
/// wrote one. Called by the commands that change what counts; a command that does not
/// leaves a checkpoint that no longer fits, which `build` then passes over.
pub fn refresh(archive: &mut Archive) -> Result<bool, ArchiveError> {
    let Some(latest) = archive.counted_periods()?.last().copied() else {
        return Ok(false);
    };
    // A month on, the checkpoint of an earlier month that still fits is carried forward
    // with the months since, rather than every month being read again.
    match prepare(archive, latest, None)? {
        Some((p, register)) => {
            drop(register);
            p.data.put(archive, p.before, &p.fingerprint)?;
            Ok(true)
        }
        None => Ok(false),
    }
}

// ---------------------------------------------------------------------------------------
// Writing.

/// The encoding as it is made: bytes gathered in a small buffer and handed to `sink` a
/// buffer at a time. A national checkpoint is 300 MB; made whole in a growing vector it
/// took twice that at `ingest`'s peak, beside the builder it encodes.
struct Out<'w> {
    buf: Vec<u8>,
    sink: &'w mut dyn Write,
    /// Bytes handed to the sink so far.
    written: u64,
    /// The first error of `sink`: the rest is not written, and `finish` returns it.
    failed: Option<std::io::Error>,
}

impl<'w> Out<'w> {
    const SPILL_AT: usize = 1 << 16;

    fn new(sink: &'w mut dyn Write) -> Out<'w> {
        Out {
            buf: Vec::with_capacity(Self::SPILL_AT + 1024),
            sink,
            written: 0,
            failed: None,
        }
    }

    /// Hands the buffer to the sink once it is full (called between items, so an item
    /// may take the buffer a little past `SPILL_AT`).
    fn spill_if_full(&mut self) {
        if self.buf.len() >= Self::SPILL_AT {
            self.spill();
        }
    }

    fn spill(&mut self) {
        if self.failed.is_none() {
            match self.sink.write_all(&self.buf) {
                Ok(()) => self.written += self.buf.len() as u64,
                Err(e) => self.failed = Some(e),
            }
        }
        self.buf.clear();
    }

    /// The number of bytes written.
    fn finish(mut self) -> std::io::Result<u64> {
        self.spill();
        match self.failed.take() {
            Some(e) => Err(e),
            None => self.sink.flush().map(|()| self.written),
        }
    }

    fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.i64(i64::from(v));
    }
    /// Zigzag LEB128: most amounts, dates and ids take two to four bytes.
    fn i64(&mut self, v: i64) {
        let mut z = ((v << 1) ^ (v >> 63)) as u64;
        while z >= 0x80 {
            self.buf.push((z as u8) | 0x80);
            z >>= 7;
        }
        self.buf.push(z as u8);
    }
    fn len(&mut self, n: usize) {
        self.i64(i64::try_from(n).unwrap_or(i64::MAX));
    }
    fn str(&mut self, s: &str) {
        self.len(s.len());
        self.buf.extend_from_slice(s.as_bytes());
    }
    fn opt<T>(&mut self, v: Option<T>, f: impl FnOnce(&mut Self, T)) {
        match v {
            None => self.u8(0),
            Some(v) => {
                self.u8(1);
                f(self, v);
            }
        }
    }
    fn opt_str(&mut self, s: Option<&str>) {
        self.opt(s, |o, s| o.str(s));
    }
    fn strs(&mut self, v: &[String]) {
        self.len(v.len());
        for s in v {
            self.str(s);
        }
    }
    fn period(&mut self, p: Period) {
        self.i64(i64::from(p.year));
        self.u8(p.month as u8);
    }
    fn date(&mut self, d: Option<NaiveDate>) {
        self.opt(d, |o, d| o.i64(i64::from(d.num_days_from_ce())));
    }
    fn file(&mut self, f: &FileRef) {
        self.i64(f.submission);
        self.str(&f.file_name);
        self.opt(f.version, Out::i64);
        self.period(f.period);
    }
    fn link(&mut self, l: &ProjectLink) {
        self.i64(l.id);
        self.str(&l.earlier);
        self.str(&l.later);
        self.str(&l.linked_at);
        self.opt_str(l.linked_by.as_deref());
        self.opt_str(l.note.as_deref());
    }
    /// A text field of a report: `0` and the text, or `1` when it is the project's
    /// previous report's (most are: a project keeps its name and investor for years).
    fn text(&mut self, now: &str, before: Option<&str>) {
        if before == Some(now) {
            self.u8(1);
        } else {
            self.u8(0);
            self.str(now);
        }
    }
    /// An optional text field: `0` none, `1` and the text, `2` the previous report's.
    fn opt_text(&mut self, now: Option<&str>, before: Option<Option<&str>>) {
        match now {
            None => self.u8(0),
            Some(t) if before == Some(Some(t)) => self.u8(2),
            Some(t) => {
                self.u8(1);
                self.str(t);
            }
        }
    }
    /// A report, its texts written only where they differ from `before`'s.
    fn report(&mut self, r: &Report, file_at: usize, before: Option<&Report>) {
        self.len(file_at);
        self.u32(r.row);
        self.u8(index_of(&MATCHED_BY, r.matched_by));
        self.u8(index_of(&Stage::ALL, r.stage));
        self.text(&r.name, before.map(|b| &*b.name));
        self.opt_text(r.code.as_deref(), before.map(|b| b.code.as_deref()));
        self.opt_text(r.note.as_deref(), before.map(|b| b.note.as_deref()));
        self.date(r.signed_on);
        self.date(r.started_on);
        for v in [r.contract_amount(), r.funds_month(), r.funds_ytd()] {
            self.opt(v, |o, w| o.i64(w.0));
        }
    }
    /// What the latest row holds besides its report (whose fields it shares).
    fn rest_of_row(&mut self, p: &Project) {
        self.str(&p.investor);
        self.opt_str(p.origin.as_deref());
        self.opt(p.funds_source, |o, s| o.u8(index_of(&FundsSource::ALL, s)));
        self.str(&p.industry);
        self.opt(p.kind, |o, k| o.u8(index_of(&ProjectKind::ALL, k)));
        for v in [
            p.contract_fdi.0,
            p.funds_month.0,
            p.funds_ytd.0,
            p.fdi_month.0,
            p.fdi_ytd.0,
        ] {
            self.i64(v);
        }
        self.opt(p.fortune500, |o, b| o.u8(u8::from(b)));
    }
    fn index_map(&mut self, m: &Lookup) {
        // Sorted, so that the same builder always gives the same bytes.
        let entries = m.sorted();
        self.len(entries.len());
        for (k, hits) in entries {
            self.str(k);
            self.len(hits.len());
            for &i in hits {
                self.u32(u32::try_from(i).unwrap_or(u32::MAX));
            }
            self.spill_if_full();
        }
    }
}

fn index_of<T: PartialEq>(all: &[T], v: T) -> u8 {
    all.iter().position(|x| *x == v).unwrap_or(0) as u8
}

const MATCHED_BY: [MatchedBy; 5] = [
    MatchedBy::First,
    MatchedBy::Code,
    MatchedBy::Name,
    MatchedBy::FormerName,
    MatchedBy::Link,
];
const AMBIGUITY: [Ambiguity; 4] = [
    Ambiguity::SeveralCandidates,
    Ambiguity::AlreadyTaken,
    Ambiguity::OtherCode,
    Ambiguity::FormerNameOtherInvestor,
];

/// The builder's state as bytes (its period and links are not in it: they are the
/// checkpoint's key and the fingerprint's).
#[cfg(test)]
fn encode(b: &Builder) -> Vec<u8> {
    let mut bytes = Vec::new();
    let n = encode_into(b, &mut bytes).expect("a vector takes every byte");
    assert_eq!(n, bytes.len() as u64);
    bytes
}

/// The builder's state as bytes, written to `sink` as they are made; their number.
fn encode_into(b: &Builder, sink: &mut dyn Write) -> std::io::Result<u64> {
    let mut o = Out::new(sink);
    // Every file once, in the order first reported; a report names its file by place.
    let mut files: Vec<&FileRef> = Vec::new();
    let mut file_at: HashMap<i64, usize> = HashMap::new();
    for r in b.projects.iter().flat_map(|p| &p.reports) {
        file_at.entry(r.file.submission).or_insert_with(|| {
            files.push(&r.file);
            files.len() - 1
        });
    }
    o.len(files.len());
    for f in &files {
        o.file(f);
        o.spill_if_full();
    }
    o.len(b.projects.len());
    for (p, name_key) in b.projects.iter().zip(&b.name_keys) {
        o.str(&p.id);
        o.str(p.unit_code());
        o.str(super::name_key(name_key, p));
        o.strs(p.former_names());
        o.u8(u8::from(p.current));
        o.opt(p.missing_from, Out::period);
        o.len(p.joined().len());
        for j in p.joined() {
            o.str(&j.id);
            o.link(&j.link);
        }
        o.len(p.reports.len());
        let mut before: Option<&Report> = None;
        for r in &p.reports {
            o.report(r, file_at[&r.file.submission], before);
            before = Some(r);
        }
        o.rest_of_row(&p.latest_row);
        o.spill_if_full();
    }
    o.len(b.ambiguous.len());
    for a in &b.ambiguous {
        o.str(&a.unit_code);
        o.file(&a.file);
        o.u32(a.row);
        o.str(&a.name);
        o.str(&a.investor);
        o.opt_str(a.code.as_deref());
        o.u8(index_of(&AMBIGUITY, a.reason));
        o.strs(&a.candidates);
        o.str(&a.registered_as);
        o.spill_if_full();
    }
    let mut units: Vec<&String> = b.indexes.keys().collect();
    units.sort();
    o.len(units.len());
    for u in units {
        let index = &b.indexes[u];
        o.str(u);
        o.index_map(&index.by_code);
        o.index_map(&index.by_pair);
        o.index_map(&index.by_name);
    }
    let mut units: Vec<&String> = b.periods.keys().collect();
    units.sort();
    o.len(units.len());
    for u in units {
        o.str(u);
        o.len(b.periods[u].len());
        for &p in &b.periods[u] {
            o.period(p);
        }
    }
    o.len(b.unapplied_links.len());
    for u in &b.unapplied_links {
        o.link(&u.link);
        match u.reason {
            LinkConflict::SameMonth(p) => {
                o.u8(0);
                o.period(p);
            }
            LinkConflict::OtherUnit => o.u8(1),
            LinkConflict::EarlierMissing => o.u8(2),
        }
    }
    o.finish()
}

// ---------------------------------------------------------------------------------------
// Reading. Any inconsistency is `None`: the register is then built from the returns.

/// A text and the projects of a key as they are read, before they join what they belong
/// to: one buffer for all of them, not an allocation each.
#[derive(Default)]
struct Scratch {
    key: Vec<u8>,
    hits: Vec<usize>,
}

/// The checkpoint's bytes as they are read: a national checkpoint is 300 MB, and held
/// whole beside the builder it decodes to, it was the largest part of `build`'s peak.
struct In<'r> {
    source: &'r mut dyn Read,
    buf: Box<[u8]>,
    at: usize,
    end: usize,
    /// Bytes of the checkpoint not read yet (in `buf` or still in `source`).
    left: usize,
    /// A shared text's bytes as [`In::word`] reads them, before they are looked up.
    word: Vec<u8>,
}

impl<'r> In<'r> {
    fn new(source: &'r mut dyn Read, len: usize) -> In<'r> {
        In {
            source,
            buf: vec![0; 1 << 16].into_boxed_slice(),
            at: 0,
            end: 0,
            left: len,
            word: Vec::new(),
        }
    }
    /// Refills the buffer once it is read; `None` at the end of the source.
    fn fill(&mut self) -> Option<()> {
        if self.at < self.end {
            return Some(());
        }
        let n = loop {
            match self.source.read(&mut self.buf) {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) | Ok(0) => return None,
                Ok(n) => break n,
            }
        };
        (self.at, self.end) = (0, n);
        Some(())
    }
    /// `n` bytes, copied out.
    fn take(&mut self, n: usize) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        self.take_into(n, &mut out)?;
        Some(out)
    }
    /// The next `n` bytes, into `out` (emptied first).
    fn take_into(&mut self, n: usize, out: &mut Vec<u8>) -> Option<()> {
        if self.left < n {
            return None;
        }
        out.clear();
        out.reserve_exact(n);
        while out.len() < n {
            self.fill()?;
            let k = (n - out.len()).min(self.end - self.at);
            out.extend_from_slice(&self.buf[self.at..self.at + k]);
            self.at += k;
        }
        self.left -= n;
        Some(())
    }
    fn u8(&mut self) -> Option<u8> {
        if self.left == 0 {
            return None;
        }
        self.fill()?;
        let b = self.buf[self.at];
        self.at += 1;
        self.left -= 1;
        Some(b)
    }
    fn u32(&mut self) -> Option<u32> {
        u32::try_from(self.i64()?).ok()
    }
    fn i64(&mut self) -> Option<i64> {
        // Most numbers are read from the buffer at once (a varint is at most ten bytes).
        if self.end - self.at >= 10 && self.left >= 10 {
            let mut z: u64 = 0;
            for (k, shift) in (0..64).step_by(7).enumerate() {
                let b = self.buf[self.at + k];
                z |= u64::from(b & 0x7f) << shift;
                if b & 0x80 == 0 {
                    self.at += k + 1;
                    self.left -= k + 1;
                    return Some(((z >> 1) as i64) ^ -((z & 1) as i64));
                }
            }
            return None;
        }
        let mut z: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            z |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(((z >> 1) as i64) ^ -((z & 1) as i64));
            }
        }
        None
    }
    fn len(&mut self) -> Option<usize> {
        let n = usize::try_from(self.i64()?).ok()?;
        // No count can exceed the bytes left: a damaged length is not an allocation.
        (n <= self.left).then_some(n)
    }
    fn str(&mut self) -> Option<String> {
        let n = self.len()?;
        String::from_utf8(self.take(n)?).ok()
    }
    /// A text that repeats down the register (an industry, a place), shared through
    /// `words`: read into a buffer kept for it, not into a string of its own.
    fn word(&mut self, words: &mut Words) -> Option<Arc<str>> {
        let n = self.len()?;
        let mut bytes = std::mem::take(&mut self.word);
        self.take_into(n, &mut bytes)?;
        let word = words.get(std::str::from_utf8(&bytes).ok()?);
        self.word = bytes;
        Some(word)
    }
    fn opt<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<T>> {
        match self.u8()? {
            0 => Some(None),
            1 => f(self).map(Some),
            _ => None,
        }
    }
    fn strs(&mut self) -> Option<Vec<String>> {
        let n = self.len()?;
        (0..n).map(|_| self.str()).collect()
    }
    fn bool(&mut self) -> Option<bool> {
        match self.u8()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
    fn pick<T: Copy>(&mut self, all: &[T]) -> Option<T> {
        all.get(self.u8()? as usize).copied()
    }
    fn period(&mut self) -> Option<Period> {
        let year = i32::try_from(self.i64()?).ok()?;
        Period::new(year, u32::from(self.u8()?))
    }
    fn date(&mut self) -> Option<Option<NaiveDate>> {
        self.opt(|i| NaiveDate::from_num_days_from_ce_opt(i32::try_from(i.i64()?).ok()?))
    }
    fn wan(&mut self) -> Option<Option<Wan>> {
        self.opt(|i| i.i64().map(Wan))
    }
    fn file(&mut self) -> Option<FileRef> {
        Some(FileRef {
            submission: self.i64()?,
            file_name: self.str()?.into(),
            version: self.opt(In::i64)?,
            period: self.period()?,
        })
    }
    fn link(&mut self) -> Option<ProjectLink> {
        Some(ProjectLink {
            id: self.i64()?,
            earlier: self.str()?,
            later: self.str()?,
            linked_at: self.str()?,
            linked_by: self.opt(In::str)?,
            note: self.opt(In::str)?,
        })
    }
    /// [`Out::text`] read back, shared with `before` when it is the same.
    fn text(&mut self, before: Option<&Arc<str>>) -> Option<Arc<str>> {
        match self.u8()? {
            0 => self.str().map(Arc::from),
            1 => before.cloned(),
            _ => None,
        }
    }
    /// [`Out::opt_text`] read back, shared with `before` when it is the same.
    fn opt_text(&mut self, before: Option<Option<&Arc<str>>>) -> Option<Option<Arc<str>>> {
        match self.u8()? {
            0 => Some(None),
            1 => self.str().map(|s| Some(Arc::from(s))),
            2 => before.flatten().cloned().map(Some),
            _ => None,
        }
    }
    /// [`Out::report`] read back.
    fn report(&mut self, files: &[Arc<FileRef>], before: Option<&Report>) -> Option<Report> {
        Some(Report {
            file: files.get(self.len()?)?.clone(),
            row: self.u32()?,
            matched_by: self.pick(&MATCHED_BY)?,
            stage: self.pick(&Stage::ALL)?,
            name: self.text(before.map(|b| &b.name))?,
            code: self.opt_text(before.map(|b| b.code.as_ref()))?,
            note: self.opt_text(before.map(|b| b.note.as_ref()))?,
            signed_on: self.date()?,
            started_on: self.date()?,
            amounts: Amounts::new(self.wan()?, self.wan()?, self.wan()?),
        })
    }
    /// The latest row: [`Out::rest_of_row`] read back, with what its report holds.
    fn row(&mut self, last: &Report, words: &mut Words) -> Option<Project> {
        Some(Project {
            row: last.row.checked_sub(1)?,
            id: last.code.as_deref().map(str::to_string),
            name: last.name.to_string(),
            investor: self.str()?,
            origin: self.opt(|i| i.word(words))?,
            funds_source: self.opt(|i| i.pick(&FundsSource::ALL))?,
            industry: self.word(words)?,
            kind: self.opt(|i| i.pick(&ProjectKind::ALL))?,
            stage: last.stage,
            signed_on: last.signed_on,
            contract_amount: last.contract_amount(),
            contract_fdi: UsdWan(self.i64()?),
            started_on: last.started_on,
            funds_month: Wan(self.i64()?),
            funds_ytd: Wan(self.i64()?),
            fdi_month: UsdWan(self.i64()?),
            fdi_ytd: UsdWan(self.i64()?),
            fortune500: self.opt(In::bool)?,
            note: last.note.as_deref().map(str::to_string),
        })
    }
    /// A look-up as [`Out::index_map`] wrote it: its keys in ascending order (any other
    /// order is an inconsistency), each naming projects of the register.
    fn index_map(&mut self, projects: usize, scratch: &mut Scratch) -> Option<Lookup> {
        let n = self.len()?;
        let mut sorted = Sorted::with_capacity(n);
        for _ in 0..n {
            let len = self.len()?;
            self.take_into(len, &mut scratch.key)?;
            let key = std::str::from_utf8(&scratch.key).ok()?;
            scratch.hits.clear();
            for _ in 0..self.len()? {
                scratch
                    .hits
                    .push(Some(self.u32()? as usize).filter(|&i| i < projects)?);
            }
            if !sorted.push(key, &scratch.hits) {
                return None;
            }
        }
        sorted.shrink_to_fit();
        Some(Lookup::read(sorted))
    }
}

/// The builder `encode` wrote, as of `period` with the clerk's `links`.
#[cfg(test)]
fn decode(mut data: &[u8], period: Period, links: &[ProjectLink]) -> Option<Builder> {
    let len = data.len();
    decode_from(&mut data, len, period, links)
}

// ---------------------------------------------------------------------------------------
// The stored form.
//
// The archive keeps the encoding compressed: the length of the encoding (eight bytes,
// little-endian), then the encoding as one LZ4 frame. LZ4 because writing and reading
// the checkpoint are on the way of every `ingest` and `build`: a province's 15.6 MB
// encoding is stored as 5.8 MB, made in about 30 ms beside the batch and read back in
// about 7 (BENCHMARKS.md), so the archive, each of its backups and the write of the
// checkpoint at the end of `ingest` shrink by as much.

/// The bytes before the frame: the encoding's length.
const STORED_HEAD: usize = 8;

/// The most an LZ4 frame's data expand (a block of one repeated byte): a length beyond
/// that is damage, and no allocation is made for it.
const LZ4_MOST_EXPANSION: usize = 255;

/// The frame the encoding is compressed into: blocks of 256 KiB, compressed apart (as
/// small as 64 KiB ones linked, and quicker to make).
fn frame_info() -> FrameInfo {
    FrameInfo::new().block_size(BlockSize::Max256KB)
}

/// The encoding of `b` as the archive stores it ([`decode_stored`]), made whole.
#[cfg(test)]
fn stored_form(b: &Builder) -> Vec<u8> {
    let raw = encode(b);
    let mut frame = FrameEncoder::with_frame_info(frame_info(), Vec::new());
    frame.write_all(&raw).expect("a vector takes every byte");
    let mut bytes = (raw.len() as u64).to_le_bytes().to_vec();
    bytes.extend(frame.finish().expect("a vector takes every byte"));
    bytes
}

/// The builder stored as the archive keeps it, read from `source` (`len` bytes), as of
/// `period` with the clerk's `links`: the length of the encoding (eight bytes,
/// little-endian), then the encoding as one LZ4 frame.
fn decode_stored(
    source: &mut dyn Read,
    len: usize,
    period: Period,
    links: &[ProjectLink],
) -> Option<Builder> {
    let mut head = [0; STORED_HEAD];
    source.read_exact(&mut head).ok()?;
    let raw_len = usize::try_from(u64::from_le_bytes(head)).ok()?;
    if raw_len
        > len
            .checked_sub(STORED_HEAD)?
            .saturating_mul(LZ4_MOST_EXPANSION)
    {
        return None;
    }
    let mut frame = FrameDecoder::new(source);
    let builder = decode_from(&mut frame, raw_len, period, links)?;
    // Nothing after the encoding. (A frame cut in its four-byte end mark reads as whole
    // here: what vouches for the stored bytes to the last is their sha256, which the
    // archive checks as they are read.)
    matches!(frame.read(&mut [0]), Ok(0)).then_some(builder)
}

/// The builder `encode` wrote, read from `source` (`len` bytes), as of `period` with the
/// clerk's `links`.
fn decode_from(
    source: &mut dyn Read,
    len: usize,
    period: Period,
    links: &[ProjectLink],
) -> Option<Builder> {
    let mut i = In::new(source, len);
    let mut b = Builder::new(period, links);
    let files = (0..i.len()?)
        .map(|_| i.file().map(Arc::new))
        .collect::<Option<Vec<Arc<FileRef>>>>()?;
    let n = i.len()?;
    b.projects.reserve(n);
    b.name_keys.reserve(n);
    b.opened.reserve(n, &b.projects);
    // The latest month the checkpoint holds: a project reported then is likely to be
    // reported in the next month added.
    let latest = files.iter().map(|f| f.period).max();
    let mut scratch: Vec<Report> = Vec::new();
    let mut read = Scratch::default();
    // The rows' industries and places, each held once.
    let mut words = Words::default();
    for at in 0..n {
        let id = i.str()?;
        // The unit's code, which the id starts with (it is kept only there).
        let len = i.len()?;
        i.take_into(len, &mut read.key)?;
        if !(id.as_bytes().starts_with(&read.key) && id.is_char_boundary(len)) {
            return None;
        }
        let unit_len = u32::try_from(len).ok()?;
        let name_key = i.str()?;
        let former_names = i.strs()?;
        let current = i.bool()?;
        let missing_from = i.opt(In::period)?;
        let joined = (0..i.len()?)
            .map(|_| {
                Some(Joined {
                    id: i.str()?,
                    link: i.link()?,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        let count = i.len()?;
        scratch.clear();
        for _ in 0..count {
            let report = i.report(&files, scratch.last())?;
            scratch.push(report);
        }
        // Room for the month added next, for a project reported in the latest month:
        // growing 40,000 vectors of reports was a third of adding a province's month, and
        // room left in every project's (half of a national register's have ended) was
        // 60 MB.
        let continuing = scratch
            .last()
            .is_some_and(|r| Some(r.file.period) == latest);
        let mut reports: Vec<Report> = Vec::with_capacity(count + usize::from(continuing));
        reports.append(&mut scratch);
        let latest_row = Arc::new(i.row(reports.last()?, &mut words)?);
        // Kept only where it is not the latest name itself (`Builder::name_keys`).
        b.name_keys
            .push((name_key != latest_row.name).then(|| name_key.into_boxed_str()));
        for j in &joined {
            b.joined_into.insert(j.id.clone(), at);
        }
        b.projects.push(RegisteredProject {
            id,
            unit_len,
            reports,
            latest_row,
            rare: RegisteredProject::rare_of(former_names, joined),
            current,
            missing_from,
        });
        b.opened.push(&b.projects);
    }
    let ambiguous = (0..i.len()?)
        .map(|_| {
            Some(AmbiguousMatch {
                unit_code: i.str()?,
                file: i.file()?,
                row: i.u32()?,
                name: i.str()?,
                investor: i.str()?,
                code: i.opt(In::str)?,
                reason: i.pick(&AMBIGUITY)?,
                candidates: i.strs()?,
                registered_as: i.str()?,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    b.ambiguous = ambiguous;
    for _ in 0..i.len()? {
        let unit = i.str()?;
        let index = UnitIndex {
            by_code: i.index_map(n, &mut read)?,
            by_pair: i.index_map(n, &mut read)?,
            by_name: i.index_map(n, &mut read)?,
        };
        b.indexes.insert(unit, index);
    }
    for _ in 0..i.len()? {
        let unit = i.str()?;
        let periods = (0..i.len()?)
            .map(|_| i.period())
            .collect::<Option<BTreeSet<Period>>>()?;
        b.periods.insert(unit, periods);
    }
    let unapplied = (0..i.len()?)
        .map(|_| {
            let link = i.link()?;
            let reason = match i.u8()? {
                0 => LinkConflict::SameMonth(i.period()?),
                1 => LinkConflict::OtherUnit,
                2 => LinkConflict::EarlierMissing,
                _ => return None,
            };
            Some(UnappliedLink { link, reason })
        })
        .collect::<Option<Vec<_>>>()?;
    b.unapplied_links = unapplied;
    // Every byte read, and nothing left over.
    (i.left == 0).then_some(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::{StoredReturn, SubmissionInfo};
    use crate::model::Verdict;

    fn project(
        row: u32,
        code: Option<&str>,
        name: &str,
        investor: &str,
        note: Option<&str>,
    ) -> Project {
        Project {
            row,
            id: code.map(str::to_string),
            name: name.into(),
            investor: investor.into(),
            origin: Some("上海".into()),
            funds_source: Some(FundsSource::OutOfProvince),
            industry: "制造业".into(),
            kind: Some(ProjectKind::New),
            stage: Stage::Started,
            signed_on: NaiveDate::from_ymd_opt(2024, 12, 3),
            contract_amount: Some(Wan(1_234_567)),
            contract_fdi: UsdWan(0),
            started_on: None,
            funds_month: Wan(-5),
            funds_ytd: Wan(1_000),
            fdi_month: UsdWan(7),
            fdi_ytd: UsdWan(70),
            fortune500: Some(true),
            note: note.map(str::to_string),
        }
    }

    fn stored(id: i64, unit: &str, month: u32, projects: Vec<Project>) -> StoredReturn {
        let mut unstated = crate::model::Unstated::default();
        if id % 2 == 0 {
            unstated.month.insert(crate::model::FigureKey::FundsInPlace);
        }
        StoredReturn {
            info: SubmissionInfo {
                id,
                unit_code: Some(unit.into()),
                period: Period::new(2025, month),
                version: Some(1),
                file_name: format!("{unit}-{month}.xlsx"),
                sha256: String::new(),
                received_at: "2025-07-03T09:00:00Z".into(),
                verdict: Verdict::Accepted,
                superseded_by: None,
                unstated,
                errors: 0,
                warnings: 0,
            },
            projects,
            indicators: vec![],
            warnings: vec![],
            ledger: Default::default(),
        }
    }

    fn link(id: i64, earlier: &str, later: &str) -> ProjectLink {
        ProjectLink {
            id,
            earlier: earlier.into(),
            later: later.into(),
            linked_at: "2025-07-04T10:00:00Z".into(),
            linked_by: None,
            note: Some("同一项目".into()),
        }
    }

    /// Four months of two units: a rename by 原名, a project renumbered, two rows of one
    /// return that fit one project (ambiguous), a link that applies and one that cannot.
    fn history() -> (Vec<StoredReturn>, Vec<ProjectLink>) {
        let returns = vec![
            stored(
                1,
                "500101",
                1,
                vec![
                    project(5, Some("P1"), "园区A", "甲公司", None),
                    project(6, None, "工厂B", "乙公司", None),
                    project(7, None, "工厂B", "乙公司", Some("二期")),
                ],
            ),
            stored(
                2,
                "500102",
                1,
                vec![project(5, None, "仓储C", "丙公司", None)],
            ),
            stored(
                3,
                "500101",
                2,
                vec![
                    project(5, Some("P1"), "园区A（一期）", "甲公司", None),
                    project(6, None, "工厂B新", "乙公司", Some("原名：工厂B")),
                    project(7, None, "研发D", "丁公司", None),
                ],
            ),
            stored(
                4,
                "500102",
                2,
                vec![project(5, None, "仓储C扩建", "丙公司", None)],
            ),
            stored(
                5,
                "500101",
                3,
                vec![
                    project(5, Some("P1"), "园区A（一期）", "甲公司", None),
                    project(6, None, "工厂B新", "乙公司", None),
                ],
            ),
            stored(
                6,
                "500102",
                3,
                vec![project(5, None, "仓储C", "丙公司", None)],
            ),
            stored(
                7,
                "500101",
                4,
                vec![project(5, Some("P2"), "园区A（一期）", "甲公司", None)],
            ),
        ];
        let links = vec![
            // 仓储C扩建 is 仓储C renamed without 原名.
            link(1, "500102:仓储c|丙公司", "500102:仓储c扩建|丙公司"),
            // Across units: not applied.
            link(2, "500101:#p1", "500102:仓储c扩建|丙公司"),
            link(3, "500101:nothing|nobody", "500101:研发d|丁公司"),
        ];
        (returns, links)
    }

    fn builder_before(returns: &[StoredReturn], period: Period, links: &[ProjectLink]) -> Builder {
        let mut b = Builder::new(period, links);
        for r in returns.iter().filter(|r| r.info.period < Some(period)) {
            b.add(r);
        }
        b
    }

    /// A month added with its rows' keys made a few returns ahead on another thread
    /// (`progress::register_with`) is the month added one return after another.
    #[test]
    fn a_month_added_with_keys_made_ahead_is_the_month_added_in_turn() {
        use crate::aggregate::{progress, ReturnStatus, UnitInput};
        let (returns, links) = history();
        let period = Period::new(2025, 6).expect("period");
        // More returns than are keyed ahead at once, twice over: units continuing the
        // history's projects (renamed, renumbered, the same row twice) and new ones.
        let june = || -> Vec<StoredReturn> {
            (0..41)
                .map(|i| {
                    let unit = format!("5001{:02}", 41 - i);
                    let rows = vec![
                        project(5, Some("P1"), "园区A", "甲公司", None),
                        project(6, None, "工厂B", "乙公司", None),
                        project(7, None, "工厂B", "乙公司", Some("二期")),
                        project(8, None, &format!("新项目{i}"), "丁公司", None),
                        project(9, None, "仓储C", "丙公司", None),
                    ];
                    stored(100 + i, &unit, 6, rows)
                })
                .collect()
        };
        let mut inputs: Vec<UnitInput> = june()
            .into_iter()
            .map(|r| UnitInput {
                code: r.info.unit_code.clone().unwrap_or_default(),
                status: ReturnStatus::Accepted,
                current: Some(r),
                last_year: None,
                confirmation: None,
            })
            .collect();
        let (ahead, ahead_rows) =
            progress::register_with(builder_before(&returns, period, &links), &mut inputs);

        let mut in_turn = builder_before(&returns, period, &links);
        let mut month = june();
        month.sort_by(|a, b| (&a.info.unit_code, a.info.id).cmp(&(&b.info.unit_code, b.info.id)));
        let mut rows = progress::MonthRows::default();
        for r in &mut month {
            rows.insert(r.info.id, in_turn.add_shared(r));
        }
        let in_turn = in_turn.finish();
        assert!(
            ahead.projects.len() > 41,
            "{} projects",
            ahead.projects.len()
        );
        assert_eq!(ahead, in_turn);
        assert_eq!(ahead_rows, rows);
    }

    #[test]
    fn a_builder_read_back_builds_the_same_register() {
        let (returns, links) = history();
        let period = Period::new(2025, 4).expect("period");
        let mut before = builder_before(&returns, period, &links);
        // The history exercises what the checkpoint must keep.
        assert!(!before.ambiguous.is_empty(), "an ambiguous row");
        assert!(!before.unapplied_links.is_empty(), "a link not applied");
        assert!(!before.joined_into.is_empty(), "a link applied");
        assert!(
            before.projects.iter().any(|p| !p.former_names().is_empty()),
            "a rename"
        );

        let bytes = encode(&before);
        let mut again = decode(&bytes, period, &links).expect("decodes");
        assert_eq!(encode(&again), bytes, "the same bytes again");
        // Every project found by its id, at the same place.
        assert_eq!(again.opened.len(), before.opened.len());
        assert_eq!(before.opened.len(), before.projects.len());
        for (at, p) in before.projects.iter().enumerate() {
            assert_eq!(before.opened.get(&before.projects, &p.id), Some(at));
            assert_eq!(again.opened.get(&again.projects, &p.id), Some(at));
        }
        assert_eq!(again.opened.get(&again.projects, "500101:#none"), None);
        assert_eq!(again.joined_into, before.joined_into);
        for r in returns.iter().filter(|r| r.info.period == Some(period)) {
            before.add(r);
            again.add(r);
        }
        // The look-ups read back and then filed into write what those built whole do.
        assert_eq!(
            encode(&again),
            encode(&before),
            "carried forward, the same bytes"
        );
        let (a, b) = (again.finish(), before.finish());
        assert!(!a.projects.is_empty());
        assert_eq!(a, b);
    }

    /// A register read back holds each industry and place once, however many projects
    /// have it (a nation's 1.2 million projects have a few dozen industries).
    #[test]
    fn rows_read_back_share_their_industry_and_place() {
        let (returns, links) = history();
        let period = Period::new(2025, 4).expect("period");
        let read = decode(
            &encode(&builder_before(&returns, period, &links)),
            period,
            &links,
        )
        .expect("decodes");
        let rows: Vec<&Project> = read.projects.iter().map(|p| &*p.latest_row).collect();
        assert!(rows.len() > 3, "several projects");
        for r in &rows {
            assert_eq!(&*r.industry, "制造业");
            assert!(Arc::ptr_eq(&r.industry, &rows[0].industry), "one 制造业");
            let (o, first) = (r.origin.as_ref(), rows[0].origin.as_ref());
            assert!(
                Arc::ptr_eq(o.expect("origin"), first.expect("origin")),
                "one 上海"
            );
        }
    }

    /// A name that changes only in what its key leaves out (a space, a letter's case) is no
    /// rename, however the builder keeps the key (left out when it is the name itself) and
    /// whether it was read back from a checkpoint between the months; a real rename is.
    #[test]
    fn a_name_changed_only_outside_its_key_is_no_rename() {
        let unit = "500101";
        let month = |m: u32, name: &str, note: Option<&str>| {
            stored(
                i64::from(m),
                unit,
                m,
                vec![project(5, None, name, "甲公司", note)],
            )
        };
        let returns = [
            month(1, "阿尔法园区", None),
            month(2, "阿尔法 园区", None),
            month(3, "阿尔法园区", None),
            month(4, "Beta园区", Some("原名：阿尔法园区")),
            month(5, "BETA 园区", None),
            month(6, "beta园区", None),
        ];
        let former = |b: &Builder| {
            assert_eq!(b.projects.len(), 1, "one project throughout");
            b.projects[0].former_names().to_vec()
        };
        let period = Period::new(2025, 7).expect("period");
        for read_back_after in 0..returns.len() {
            let mut b = Builder::new(period, &[]);
            for (m, r) in returns.iter().enumerate() {
                b.add(r);
                if m == read_back_after {
                    b = decode(&encode(&b), period, &[]).expect("decodes");
                }
                let expected: &[&str] = if m < 3 { &[] } else { &["阿尔法园区"] };
                assert_eq!(former(&b), expected, "after month {}", m + 1);
            }
        }
    }

    /// A national register holds millions of reports, most the month before's again: a
    /// report shares its unchanged texts with the one before and its file with the file's
    /// other reports, as built and as read back.
    #[test]
    fn reports_share_unchanged_texts_and_their_file() {
        let (returns, links) = history();
        let period = Period::new(2025, 4).expect("period");
        let built = builder_before(&returns, period, &links);
        let read = decode(&encode(&built), period, &links).expect("decodes");
        for b in [&built, &read] {
            let p1 = b
                .projects
                .iter()
                .find(|p| p.id == "500101:#p1")
                .expect("P1");
            let names: Vec<&str> = p1.reports.iter().map(|r| &*r.name).collect();
            assert_eq!(names, ["园区A", "园区A（一期）", "园区A（一期）"]);
            assert!(!Arc::ptr_eq(&p1.reports[0].name, &p1.reports[1].name));
            assert!(Arc::ptr_eq(&p1.reports[1].name, &p1.reports[2].name));
            let (c1, c2) = (&p1.reports[1].code, &p1.reports[2].code);
            assert!(Arc::ptr_eq(
                c1.as_ref().expect("P1"),
                c2.as_ref().expect("P1")
            ));
            // The latest row is the last return's, whole.
            assert_eq!(p1.latest(), &returns[4].projects[0]);
            // Two projects of one file: one FileRef.
            let of_file = |id: &str| {
                let p = b.projects.iter().find(|p| p.id == id).expect("project");
                Arc::clone(&p.reports[0].file)
            };
            let (a, c) = (of_file("500101:#p1"), of_file("500101:工厂b|乙公司"));
            assert_eq!(a.submission, 1);
            assert!(Arc::ptr_eq(&a, &c));
        }
    }

    /// A builder whose encoding is many times [`Out::SPILL_AT`]: three months of one
    /// unit's 600 projects.
    fn large_builder() -> (Builder, Vec<ProjectLink>) {
        let rows = |month: u32| {
            (0..600)
                .map(|i| {
                    let name = format!("项目{i:04}（第{month}月）");
                    project(i + 5, Some(&format!("P{i:04}")), &name, "某投资公司", None)
                })
                .collect::<Vec<_>>()
        };
        let returns: Vec<StoredReturn> = (1..=3)
            .map(|m| stored(i64::from(m), "500101", m, rows(m)))
            .collect();
        let links = vec![];
        let b = builder_before(&returns, Period::new(2025, 4).expect("period"), &links);
        (b, links)
    }

    #[test]
    fn an_encoding_spilled_to_a_temporary_file_is_the_same_bytes() {
        let (b, links) = large_builder();
        let whole = encode(&b);
        assert!(whole.len() > 4 * Out::SPILL_AT, "{} bytes", whole.len());
        let stored = stored_form(&b);
        assert!(stored.len() < whole.len() / 2, "{} bytes", stored.len());
        let folder = tempfile::tempdir().expect("temporary folder");
        let mut encoded = Encoded::of(&b, folder.path()).expect("encoded");
        let mut spilled = Vec::new();
        encoded.file.read_to_end(&mut spilled).expect("read back");
        assert_eq!(spilled, stored);
        assert_eq!(encoded.len, stored.len() as u64);
        assert_eq!(encoded.sha256, hex(&Sha256::digest(&stored)));
        let period = Period::new(2025, 4).expect("period");
        let read = decode_stored(&mut &spilled[..], spilled.len(), period, &links);
        assert_eq!(read.as_ref().map(encode), Some(whole));
        // The temporary file has no name: nothing is left in the folder.
        assert_eq!(std::fs::read_dir(folder.path()).expect("folder").count(), 0);
    }

    /// The bytes of the archive's checkpoint and its key, read back whole.
    fn kept(archive: &Archive) -> Option<(Period, String, Vec<u8>)> {
        archive
            .with_register_checkpoint(|p, f, len, data| {
                let mut bytes = Vec::with_capacity(len);
                data.read_to_end(&mut bytes).ok()?;
                Some((p, f.to_string(), bytes))
            })
            .expect("read")
    }

    #[test]
    fn a_checkpoint_is_streamed_into_the_archive_whole_or_not_at_all() {
        let (b, _) = large_builder();
        let folder = tempfile::tempdir().expect("temporary folder");
        let mut archive =
            Archive::open_for_writing(&folder.path().join("tongbao.db")).expect("archive");
        let april = Period::new(2025, 4).expect("period");
        let encoded = Encoded::of(&b, folder.path()).expect("encoded");
        encoded
            .put(&mut archive, april, "fp-april")
            .expect("stored");
        let whole = stored_form(&b);
        assert_eq!(
            kept(&archive),
            Some((april, "fp-april".into(), whole.clone()))
        );

        // A stream shorter than its stated length: refused, and the checkpoint kept is
        // still the earlier one, whole.
        let may = Period::new(2025, 5).expect("period");
        let short = &whole[..1000];
        let refused = archive.put_register_checkpoint(
            may,
            "fp-may",
            "0".repeat(64).as_str(),
            whole.len() as u64,
            &mut &short[..],
        );
        assert!(
            matches!(refused, Err(ArchiveError::Scratch { .. })),
            "{refused:?}"
        );
        assert_eq!(kept(&archive), Some((april, "fp-april".into(), whole)));
        // Nothing but the archive's own files is left in its folder.
        let mut names: Vec<String> = std::fs::read_dir(folder.path())
            .expect("folder")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with("tongbao.db"))
            .collect();
        names.sort();
        assert_eq!(names, Vec::<String>::new());
    }

    /// A sink that takes `room` bytes, then fails as a full disk does.
    struct Full {
        room: usize,
    }

    impl Write for Full {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.room == 0 {
                return Err(std::io::Error::new(std::io::ErrorKind::StorageFull, "full"));
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_sink_that_fails_fails_the_encoding() {
        let (b, _) = large_builder();
        for room in [0, 100, Out::SPILL_AT + 7] {
            let err = encode_into(&b, &mut Full { room }).expect_err("the sink is full");
            assert_eq!(err.kind(), std::io::ErrorKind::StorageFull, "room {room}");
        }
        assert!(encode_into(&b, &mut Full { room: usize::MAX }).is_ok());
    }

    #[test]
    fn damaged_bytes_are_not_a_builder() {
        let (returns, links) = history();
        let period = Period::new(2025, 4).expect("period");
        let bytes = encode(&builder_before(&returns, period, &links));
        assert!(decode(&bytes, period, &links).is_some());
        // Cut anywhere, or with a byte left over, it is refused rather than half read.
        for cut in (0..bytes.len()).step_by(97).chain([bytes.len() - 1]) {
            assert!(
                decode(&bytes[..cut], period, &links).is_none(),
                "cut at {cut}"
            );
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode(&longer, period, &links).is_none());
        // A count larger than the bytes left is refused without allocating it.
        let mut huge = bytes;
        huge[..5].copy_from_slice(&[0xfe, 0xff, 0xff, 0xff, 0x0f]);
        assert!(decode(&huge, period, &links).is_none());
    }

    /// A project's unit is kept as the start of its id: a checkpoint whose unit code is
    /// not the start of the id is not read as another unit's project.
    #[test]
    fn a_unit_that_is_not_the_start_of_the_id_is_not_a_builder() {
        let (returns, links) = history();
        let period = Period::new(2025, 4).expect("period");
        let b = builder_before(&returns, period, &links);
        let first = &b.projects[0];
        assert!(first.id.starts_with(first.unit_code()) && !first.unit_code().is_empty());
        let bytes = encode(&b);
        assert!(decode(&bytes, period, &links).is_some());
        // The first project's id (length-prefixed), then its unit code, length-prefixed.
        let id = first.id.as_bytes();
        let at = bytes
            .windows(id.len())
            .position(|w| w == id)
            .expect("the id is in the encoding")
            + id.len();
        assert_eq!(
            usize::from(bytes[at]),
            2 * first.unit_code().len(),
            "zigzag length"
        );
        assert_eq!(
            &bytes[at + 1..][..first.unit_code().len()],
            first.unit_code().as_bytes()
        );
        let mut other = bytes.clone();
        other[at + 1] = if other[at + 1] == b'9' { b'8' } else { b'9' };
        assert!(decode(&other, period, &links).is_none());
    }

    #[test]
    fn a_damaged_stored_form_is_not_a_builder() {
        let (returns, links) = history();
        let period = Period::new(2025, 4).expect("period");
        let stored = stored_form(&builder_before(&returns, period, &links));
        let read = |bytes: &[u8]| decode_stored(&mut &bytes[..], bytes.len(), period, &links);
        assert!(read(&stored).is_some());
        // Cut anywhere before the frame's end mark, header or frame: refused. (The end
        // mark is the archive's checksum's to vouch for.)
        let end_mark = stored.len() - 4;
        for cut in (0..end_mark).step_by(61).chain([end_mark - 1]) {
            assert!(read(&stored[..cut]).is_none(), "cut at {cut}");
        }
        // A stated length one off either way, or beyond what the frame could hold (not
        // allocated): refused.
        let stated = u64::from_le_bytes(stored[..8].try_into().expect("eight bytes"));
        let frame_len = (stored.len() - STORED_HEAD) as u64;
        for wrong in [stated - 1, stated + 1, frame_len * 255 + 1, u64::MAX] {
            let mut bytes = stored.clone();
            bytes[..8].copy_from_slice(&wrong.to_le_bytes());
            assert!(read(&bytes).is_none(), "stated {wrong}");
        }
        // The encoding itself, not compressed, is not the stored form.
        let raw = encode(&builder_before(&returns, period, &links));
        assert!(read(&raw).is_none());
    }
}
