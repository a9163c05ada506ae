//! The compact binary encoding of what a batch spills: a report's series facts, for the
//! batch's spill file (`series::store`), and the rows `--summary` and `--format html`
//! keep per report (`report::tally`). Below both, and below the rule kinds that encode
//! their own facts. LEB128 varints for unsigned integers, zigzag varints for signed ones,
//! length-prefixed bytes for strings and lists. Written and read by this process only
//! (never a file format kept across runs), so there is no version or schema: the
//! reader mirrors the writer field for field, and any mismatch or truncation reads as
//! `None` (the facts are then treated as missing, never as other figures).

use std::ops::Range;

use crate::diagnostic::Place;
use crate::number::Num;

/// Appends encoded values to a byte buffer.
#[derive(Default)]
pub struct Writer {
    pub bytes: Vec<u8>,
}

impl Writer {
    pub fn u64(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.bytes.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.bytes.push(v as u8);
    }

    pub fn usize(&mut self, v: usize) {
        self.u64(v as u64);
    }

    pub fn i64(&mut self, v: i64) {
        self.u64(((v << 1) ^ (v >> 63)) as u64);
    }

    pub fn bool(&mut self, v: bool) {
        self.bytes.push(u8::from(v));
    }

    /// A fixed-width 64-bit value (hashes: a varint would be longer).
    pub fn fixed64(&mut self, v: u64) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }

    /// Fixed-width 32-bit values, without their count (the reader is told it).
    pub fn fixed32s(&mut self, values: &[u32]) {
        self.bytes.reserve(values.len() * 4);
        for v in values {
            self.bytes.extend_from_slice(&v.to_le_bytes());
        }
    }

    pub fn str(&mut self, s: &str) {
        self.usize(s.len());
        self.bytes.extend_from_slice(s.as_bytes());
    }

    pub fn num(&mut self, n: Num) {
        self.i64(n.to_raw());
    }

    /// A span as its start and length (spans are short: the length is one byte).
    pub fn span(&mut self, r: &Range<usize>) {
        self.usize(r.start);
        self.usize(r.end.wrapping_sub(r.start));
    }

    pub fn place(&mut self, p: &Place) {
        self.usize(p.line);
        self.usize(p.column);
        // Most places end on their own line.
        self.usize(p.end_line.wrapping_sub(p.line));
        self.usize(p.end_column);
        match &p.location {
            None => self.bool(false),
            Some(l) => {
                self.bool(true);
                self.str(l);
            }
        }
    }

    pub fn option<T>(&mut self, v: Option<&T>, f: impl FnOnce(&mut Writer, &T)) {
        match v {
            None => self.bool(false),
            Some(v) => {
                self.bool(true);
                f(self, v);
            }
        }
    }

    pub fn list<T>(&mut self, items: &[T], mut f: impl FnMut(&mut Writer, &T)) {
        self.usize(items.len());
        for item in items {
            f(self, item);
        }
    }
}

/// Reads values back in the order they were written; `None` on truncated or
/// malformed input.
pub struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes }
    }

    /// Whether every byte was read (a record decoded to its end).
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    pub fn u64(&mut self) -> Option<u64> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let (&b, rest) = self.bytes.split_first()?;
            self.bytes = rest;
            let part = u64::from(b & 0x7f);
            if shift == 63 && part > 1 {
                return None;
            }
            v |= part << shift;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    pub fn usize(&mut self) -> Option<usize> {
        usize::try_from(self.u64()?).ok()
    }

    pub fn i64(&mut self) -> Option<i64> {
        let v = self.u64()?;
        Some(((v >> 1) as i64) ^ -((v & 1) as i64))
    }

    pub fn bool(&mut self) -> Option<bool> {
        let (&b, rest) = self.bytes.split_first()?;
        self.bytes = rest;
        match b {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }

    pub fn fixed64(&mut self) -> Option<u64> {
        let (head, rest) = self.bytes.split_first_chunk::<8>()?;
        self.bytes = rest;
        Some(u64::from_le_bytes(*head))
    }

    /// `n` values written by `Writer::fixed32s`.
    pub fn fixed32s(&mut self, n: usize) -> Option<Vec<u32>> {
        let raw = self.bytes(n.checked_mul(4)?)?;
        Some(
            raw.chunks_exact(4)
                .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
        )
    }

    /// The next `n` bytes as they are.
    pub fn bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.bytes.len() {
            return None;
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Some(head)
    }

    pub fn string(&mut self) -> Option<String> {
        let n = self.usize()?;
        String::from_utf8(self.bytes(n)?.to_vec()).ok()
    }

    pub fn num(&mut self) -> Option<Num> {
        Some(Num::from_raw(self.i64()?))
    }

    pub fn span(&mut self) -> Option<Range<usize>> {
        let start = self.usize()?;
        let len = self.usize()?;
        Some(start..start.wrapping_add(len))
    }

    pub fn place(&mut self) -> Option<Place> {
        let line = self.usize()?;
        let column = self.usize()?;
        let end_line = line.wrapping_add(self.usize()?);
        let end_column = self.usize()?;
        let location = self.option(Reader::string)?;
        Some(Place {
            line,
            column,
            end_line,
            end_column,
            location,
        })
    }

    /// `Some(None)` for an absent value, `None` for malformed input.
    pub fn option<T>(&mut self, f: impl FnOnce(&mut Reader<'a>) -> Option<T>) -> Option<Option<T>> {
        match self.bool()? {
            false => Some(None),
            true => f(self).map(Some),
        }
    }

    pub fn list<T>(&mut self, mut f: impl FnMut(&mut Reader<'a>) -> Option<T>) -> Option<Vec<T>> {
        let n = self.usize()?;
        // Each item takes at least one byte: a corrupt length cannot reserve much.
        let mut out = Vec::with_capacity(n.min(self.bytes.len()));
        for _ in 0..n {
            out.push(f(self)?);
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_round_trip_at_their_limits() {
        let mut w = Writer::default();
        let us = [0, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX];
        let is = [0, -1, 1, i64::MIN, i64::MAX, -300, 1_000_000];
        for v in us {
            w.u64(v);
        }
        for v in is {
            w.i64(v);
        }
        w.fixed64(0xdead_beef_0123_4567);
        w.fixed32s(&[0, 1, u32::MAX, 0x0102_0304]);
        // A reversed span (never made, but read back as written).
        let reversed = Range {
            start: usize::MAX,
            end: 0,
        };
        w.span(&reversed);
        let mut r = Reader::new(&w.bytes);
        for v in us {
            assert_eq!(r.u64(), Some(v));
        }
        for v in is {
            assert_eq!(r.i64(), Some(v));
        }
        assert_eq!(r.fixed64(), Some(0xdead_beef_0123_4567));
        assert_eq!(r.fixed32s(4), Some(vec![0, 1, u32::MAX, 0x0102_0304]));
        assert_eq!(r.span(), Some(reversed));
        assert!(r.is_empty());
        assert_eq!(r.u64(), None);
    }

    #[test]
    fn truncated_or_malformed_input_reads_as_none() {
        let mut w = Writer::default();
        w.str("本年收到申请");
        w.place(&Place {
            line: 3,
            column: 5,
            end_line: 3,
            end_column: 9,
            location: Some("表2 第5行第3列".into()),
        });
        for n in 0..w.bytes.len() {
            let mut r = Reader::new(&w.bytes[..n]);
            assert!(r.string().is_none() || r.place().is_none(), "{n} bytes");
        }
        assert_eq!(Reader::new(&[0xff; 11]).u64(), None);
        assert_eq!(Reader::new(&[2]).bool(), None);
        assert_eq!(Reader::new(&[1, 2, 3, 4, 5, 6, 7]).fixed32s(2), None);
        assert_eq!(Reader::new(&[]).fixed32s(usize::MAX), None);
        assert_eq!(
            Reader::new(&[0xff, 0xff, 0xff, 0x0f]).list(Reader::bool),
            None
        );
    }
}
