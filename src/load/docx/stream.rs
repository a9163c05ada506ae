//! `word/document.xml` read as it is inflated, never held whole: the walk
//! (`walk::walk_reader`) reads it through a 64 KB buffer, so a Word document costs
//! the text and map being written and the table being read (and its zip only when
//! it came as bytes: a file is read through the open file) — not the part, which is
//! often ten times the file. The checks that reading the part whole
//! made are made on the way, with the same errors: at most `MAX_XML_BYTES`
//! inflated (a lying declared size included), a damaged archive, bytes that are not
//! UTF-8. A part in UTF-16 (a byte order mark; no Word writes one) is handed back to
//! be decoded whole.

use std::cell::Cell;
use std::io::{self, BufReader, Read};

use super::numbering::Lists;
use super::{DocxProblem, MAX_XML_BYTES, too_large, walk};

/// How the walk went when it did not fail.
pub(super) enum Walked {
    Done,
    /// The part is UTF-16: its bytes (all of them), for the caller to decode.
    Utf16(Vec<u8>, Box<Lists>),
}

/// Walks the part `name` read from `file`, calling `v`.
pub(super) fn extract<R: Read, V: walk::Visitor>(
    name: &str,
    file: R,
    lists: Lists,
    v: &mut V,
) -> Result<Walked, DocxProblem> {
    let failure = Cell::new(None);
    let mut capped = Capped {
        inner: file,
        read: 0,
        name,
        failure: &failure,
    };
    // The byte order mark, if any (2 or 3 bytes).
    let mut head = [0u8; 3];
    let mut got = 0;
    while got < head.len() {
        match capped.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return Err(failure.take().unwrap_or_else(too_large)),
        }
    }
    let head = &head[..got];
    let bom = encoding_rs::Encoding::for_bom(head);
    if let Some((enc, _)) = bom
        && enc != encoding_rs::UTF_8
    {
        let mut bytes = head.to_vec();
        if capped.read_to_end(&mut bytes).is_err() {
            return Err(failure.take().unwrap_or_else(too_large));
        }
        return Ok(Walked::Utf16(bytes, Box::new(lists)));
    }
    // A UTF-8 byte order mark is not part of the XML (as when decoded whole).
    let start = bom.map_or(0, |(_, len)| len);
    let checked = Utf8 {
        inner: io::Cursor::new(head[start..].to_vec()).chain(capped),
        carry: Vec::new(),
        failure: &failure,
        problem: if bom.is_some() {
            format!("{name}：编码错误")
        } else {
            format!("{name}：不是 UTF-8 编码")
        },
    };
    let walked = walk::walk_reader(BufReader::with_capacity(1 << 16, checked), lists, v);
    match (walked, failure.take()) {
        (_, Some(problem)) => Err(problem),
        (Err(message), None) => Err(DocxProblem::Corrupt(message)),
        (Ok(()), None) => Ok(Walked::Done),
    }
}

/// Remembers the first problem met and turns it into an I/O error, which ends the
/// walk.
fn fail(failure: &Cell<Option<DocxProblem>>, problem: DocxProblem) -> io::Error {
    let first = failure.take().unwrap_or(problem);
    failure.set(Some(first));
    io::Error::new(io::ErrorKind::InvalidData, "word/document.xml")
}

/// The inflated part, capped at `MAX_XML_BYTES`; a read error is a damaged archive.
struct Capped<'a, R> {
    inner: R,
    read: u64,
    name: &'a str,
    failure: &'a Cell<Option<DocxProblem>>,
}

impl<R: Read> Read for Capped<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.inner.read(buf) {
            Ok(n) => {
                self.read += n as u64;
                if self.read > MAX_XML_BYTES {
                    return Err(fail(self.failure, too_large()));
                }
                Ok(n)
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Err(e),
            Err(e) => Err(fail(
                self.failure,
                DocxProblem::Corrupt(format!("{}：{e}", self.name)),
            )),
        }
    }
}

/// Passes the bytes on unchanged, failing at the first that is not UTF-8 (a
/// character cut between two reads is checked once complete).
struct Utf8<'a, R> {
    inner: R,
    /// The start of a character cut at the end of the last read.
    carry: Vec<u8>,
    failure: &'a Cell<Option<DocxProblem>>,
    problem: String,
}

impl<R: Read> Utf8<'_, R> {
    fn invalid(&self) -> io::Error {
        fail(self.failure, DocxProblem::Corrupt(self.problem.clone()))
    }
}

/// The length of the character a UTF-8 lead byte starts.
fn width(lead: u8) -> usize {
    match lead {
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

impl<R: Read> Read for Utf8<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 {
            if !self.carry.is_empty() {
                return Err(self.invalid());
            }
            return Ok(0);
        }
        let mut chunk = &buf[..n];
        if let Some(&lead) = self.carry.first() {
            let take = (width(lead) - self.carry.len()).min(chunk.len());
            self.carry.extend_from_slice(&chunk[..take]);
            chunk = &chunk[take..];
            if self.carry.len() < width(lead) {
                return Ok(n);
            }
            if std::str::from_utf8(&self.carry).is_err() {
                return Err(self.invalid());
            }
            self.carry.clear();
        }
        match std::str::from_utf8(chunk) {
            Ok(_) => {}
            Err(e) if e.error_len().is_none() => {
                self.carry = chunk[e.valid_up_to()..].to_vec();
            }
            Err(_) => return Err(self.invalid()),
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads in pieces of `step` bytes, as a decompressor may return them.
    struct Pieces<'a>(&'a [u8], usize);

    impl Read for Pieces<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.1.min(buf.len()).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn check(bytes: &[u8], step: usize) -> Result<Vec<u8>, Option<DocxProblem>> {
        let failure = Cell::new(None);
        let mut r = Utf8 {
            inner: Pieces(bytes, step),
            carry: Vec::new(),
            failure: &failure,
            problem: "bad".into(),
        };
        let mut out = Vec::new();
        r.read_to_end(&mut out).map_err(|_| failure.take())?;
        Ok(out)
    }

    #[test]
    fn utf8_is_checked_across_reads() {
        let good = "一、总体情况 é 😀 abc".as_bytes();
        for step in 1..8 {
            assert_eq!(check(good, step).ok().as_deref(), Some(good), "{step}");
        }
        for bad in [
            &b"ab\xffcd"[..],
            b"\xe4\xb8",
            b"\xe4\x41\x41",
            b"\xf0\x9f\x98",
        ] {
            for step in 1..5 {
                assert!(
                    matches!(check(bad, step), Err(Some(DocxProblem::Corrupt(_)))),
                    "{bad:?} {step}"
                );
            }
        }
    }
}
