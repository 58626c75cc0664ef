//! Budgets and panic fences shared by every container reader.
//!
//! Two things can take a whole batch down while one county's file is read: an allocation
//! that the operating system refuses (Rust aborts the process; no `catch_unwind` helps) and
//! a panic inside a parser. The first is prevented by metering every decompressed byte
//! before anything is built from it ([`Inflated`], [`Metered`]); the second is contained by
//! [`fenced`], which turns a panic into [`ReadError::Internal`] for that one file.

use std::any::Any;
use std::cell::Cell;
use std::io::{self, Read};
use std::panic::{catch_unwind, AssertUnwindSafe};

use super::{Budget, ReadError};

/// The longest run of bytes an XML part may hold between two markup delimiters (`<`, `>`).
///
/// quick-xml reads one whole event (a tag, or a text node) into memory before it hands it
/// over, so without this cap one 400 MB text node would cost 400 MB in the pre-scan and
/// again in calamine. Excel stores at most 32 767 characters in a cell, under 200 KB as
/// escaped UTF-8; 2 MiB leaves a wide margin for odd writers.
pub(crate) const MAX_XML_TOKEN_BYTES: u64 = 2 << 20;

/// The most text one .ods cell may expand to, in bytes.
///
/// The token cap does not bound a cell: OpenDocument stores a run of spaces as one
/// `<text:s text:c="60000"/>` element, which calamine expands one space at a time, so a
/// few KB of XML can make a cell of hundreds of megabytes, copied several times on its
/// way out. A cell holds at most 32 767 characters in Excel and LibreOffice alike; the
/// cap is the token cap's, with the same wide margin.
pub(crate) const MAX_CELL_TEXT_BYTES: u64 = MAX_XML_TOKEN_BYTES;

/// Runs `f`, turning a panic into [`ReadError::Internal`] named after `stage`.
///
/// Used around every call into calamine, zip and cfb, whose parsers index slices with
/// offsets read from the file. No panic hook is installed here: the binary's own hook
/// decides whether the default message is printed.
pub(crate) fn fenced<T>(
    stage: &str,
    f: impl FnOnce() -> Result<T, ReadError>,
) -> Result<T, ReadError> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => Err(ReadError::Internal(format!(
            "{stage}: {}",
            panic_text(payload.as_ref())
        ))),
    }
}

/// The message of a panic payload (`&str` or `String`), or a placeholder.
pub(crate) fn panic_text(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string())
}

/// A budget was exceeded.
pub(crate) fn too_large(what: Budget, found: u64, limit: u64) -> ReadError {
    ReadError::TooLarge { what, found, limit }
}

/// Which budget a [`Metered`] reader ran out of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Trip {
    /// The total of decompressed bytes passed the limit.
    Inflated { used: u64 },
    /// One XML token ran longer than [`MAX_XML_TOKEN_BYTES`].
    Token { run: u64 },
}

/// The decompressed-byte budget of one ZIP container, shared by all its entries.
///
/// The zip crate trusts no declared size, but it has no limit either: a deflate stream of
/// a few KB may expand to gigabytes. Every entry is read through a [`Metered`] reader that
/// adds to this counter and fails the read once it passes the limit.
pub(crate) struct Inflated {
    used: Cell<u64>,
    limit: u64,
    trip: Cell<Option<Trip>>,
}

impl Inflated {
    pub(crate) fn new(limit: u64) -> Inflated {
        Inflated {
            used: Cell::new(0),
            limit,
            trip: Cell::new(None),
        }
    }

    /// Why a read failed on purpose, if it did; checked before any I/O error is reported
    /// as damage, since the tripped read surfaces as an ordinary I/O error.
    pub(crate) fn tripped(&self) -> Option<ReadError> {
        self.trip.get().map(|t| match t {
            Trip::Inflated { used } => too_large(Budget::Decompressed, used, self.limit),
            Trip::Token { run } => too_large(Budget::XmlToken, run, MAX_XML_TOKEN_BYTES),
        })
    }
}

/// A reader that charges every byte to an [`Inflated`] budget and, for XML, watches the
/// length of each token.
pub(crate) struct Metered<'b, R> {
    inner: R,
    budget: &'b Inflated,
    /// Whether to apply [`MAX_XML_TOKEN_BYTES`] (XML parts only: a PNG has no markup).
    xml: bool,
    run: u64,
}

impl<'b, R: Read> Metered<'b, R> {
    pub(crate) fn new(inner: R, budget: &'b Inflated, xml: bool) -> Self {
        Metered {
            inner,
            budget,
            xml,
            run: 0,
        }
    }

    fn fail(&self, trip: Trip) -> io::Error {
        self.budget.trip.set(Some(trip));
        io::Error::other("read budget exceeded")
    }
}

impl<R: Read> Read for Metered<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.budget.trip.get().is_some() {
            return Err(io::Error::other("read budget exceeded"));
        }
        let n = self.inner.read(buf)?;
        let used = self.budget.used.get().saturating_add(n as u64);
        self.budget.used.set(used);
        if used > self.budget.limit {
            return Err(self.fail(Trip::Inflated { used }));
        }
        if self.xml {
            // Track the distance since the last delimiter across reads; only the tail
            // after the last delimiter of this chunk carries over. Within a chunk no
            // longer than the limit only the run into its first delimiter can be too
            // long, so two vector searches do; a longer chunk is walked byte by byte.
            let chunk = &buf[..n];
            match memchr::memrchr2(b'<', b'>', chunk) {
                None => self.run += n as u64,
                Some(last) if n as u64 <= MAX_XML_TOKEN_BYTES => {
                    let first = memchr::memchr2(b'<', b'>', chunk).unwrap_or(last);
                    let run = self.run + first as u64;
                    if run > MAX_XML_TOKEN_BYTES {
                        return Err(self.fail(Trip::Token { run }));
                    }
                    self.run = (n - 1 - last) as u64;
                }
                Some(last) => {
                    let mut run = self.run;
                    for &b in &chunk[..=last] {
                        if b == b'<' || b == b'>' {
                            if run > MAX_XML_TOKEN_BYTES {
                                return Err(self.fail(Trip::Token { run }));
                            }
                            run = 0;
                        } else {
                            run += 1;
                        }
                    }
                    self.run = (n - 1 - last) as u64;
                }
            }
            if self.run > MAX_XML_TOKEN_BYTES {
                return Err(self.fail(Trip::Token { run: self.run }));
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metered_reader_stops_at_the_budget() {
        let budget = Inflated::new(10);
        let mut r = Metered::new(&[0u8; 64][..], &budget, false);
        let mut out = Vec::new();
        assert!(r.read_to_end(&mut out).is_err());
        assert!(matches!(
            budget.tripped(),
            Some(ReadError::TooLarge { limit: 10, .. })
        ));
    }

    #[test]
    fn metered_reader_stops_a_long_xml_token() {
        let budget = Inflated::new(u64::MAX);
        let long = vec![b'a'; (MAX_XML_TOKEN_BYTES + 10) as usize];
        let mut r = Metered::new(&long[..], &budget, true);
        assert!(io::copy(&mut r, &mut io::sink()).is_err());
        assert!(matches!(budget.tripped(), Some(ReadError::TooLarge { .. })));
    }

    #[test]
    fn a_long_token_is_stopped_whatever_the_reads_look_like() {
        // A long run ending inside a read, after others ended in earlier reads, and
        // reads larger than the limit: each is measured as one run.
        let limit = MAX_XML_TOKEN_BYTES as usize;
        let mut xml = b"<a>".repeat(1000);
        xml.extend(std::iter::repeat_n(b'x', limit + 1));
        xml.extend_from_slice(b"</a>");
        for read in [7, 4096, 64 << 10, limit * 2] {
            let budget = Inflated::new(u64::MAX);
            let mut r =
                std::io::BufReader::with_capacity(read, Metered::new(&xml[..], &budget, true));
            assert!(
                io::copy(&mut r, &mut io::sink()).is_err(),
                "reads of {read}"
            );
            assert!(
                matches!(budget.tripped(), Some(ReadError::TooLarge { found, .. }) if found > limit as u64),
                "reads of {read}: {:?}",
                budget.tripped()
            );
        }
        let mut fits = b"<a>".repeat(1000);
        fits.extend(std::iter::repeat_n(b'x', limit));
        fits.extend_from_slice(b"</a>");
        for read in [7, 4096, 64 << 10, limit * 2] {
            let budget = Inflated::new(u64::MAX);
            let mut r =
                std::io::BufReader::with_capacity(read, Metered::new(&fits[..], &budget, true));
            assert!(io::copy(&mut r, &mut io::sink()).is_ok(), "reads of {read}");
        }
    }

    #[test]
    fn metered_reader_passes_ordinary_xml() {
        let budget = Inflated::new(1 << 20);
        let xml = b"<a><b>text</b></a>".repeat(1000);
        let mut r = Metered::new(&xml[..], &budget, true);
        assert_eq!(
            io::copy(&mut r, &mut io::sink()).ok(),
            Some(xml.len() as u64)
        );
        assert!(budget.tripped().is_none());
    }

    #[test]
    fn fenced_turns_a_panic_into_internal() {
        let r: Result<(), ReadError> = fenced("stage", || panic!("boom"));
        assert_eq!(r, Err(ReadError::Internal("stage: boom".into())));
    }
}
