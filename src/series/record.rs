//! One report's facts as a record of the spill file (`store`): everything
//! `ReportFacts` holds, field for field, so that what the series stage reads back is
//! exactly what was extracted (the round trip is tested over generated reports). Each
//! rule's facts are written by the rule (`Facts::encode`) behind a length, and read
//! back by the rule of the same id in the report's pack.

use super::{Cells, GluedFact, Identity, ReportFacts, RowFacts};
use crate::pack::Pack;
use crate::parse::body_key::BodyKey;
use crate::rules::series_check::{NONE, Packed};
use crate::spill::{Reader, Writer};

impl ReportFacts {
    /// The record of these facts.
    pub fn encode(&self) -> Vec<u8> {
        // A full report's record is a few KB: one allocation instead of a dozen growths.
        let mut w = Writer {
            bytes: Vec::with_capacity(4096),
        };
        // The path first: `store::Store::path` reads only it.
        w.str(&self.path);
        encode_identity(&mut w, &self.identity);
        w.usize(self.pack);
        w.bool(self.reference);
        encode_cells(&mut w, &self.cells);
        w.usize(self.rules.len());
        let mut inner = Writer::default();
        for (id, facts) in &self.rules {
            w.str(id);
            inner.bytes.clear();
            facts.encode(&mut inner);
            w.usize(inner.bytes.len());
            w.bytes.extend_from_slice(&inner.bytes);
        }
        w.bytes
    }

    /// Reads a record back; each rule's facts by the rule of that id in the report's
    /// pack (`packs[pack]`). `None` when the record is malformed or names a rule the
    /// pack does not have.
    pub fn decode(bytes: &[u8], packs: &[&Pack]) -> Option<ReportFacts> {
        let mut r = Reader::new(bytes);
        let path = r.string()?;
        let identity = decode_identity(&mut r)?;
        let pack = r.usize()?;
        let reference = r.bool()?;
        let cells = decode_cells(&mut r)?;
        let n = r.usize()?;
        let mut rules = Vec::with_capacity(n.min(64));
        for _ in 0..n {
            let id = r.string()?;
            let len = r.usize()?;
            let body = r.bytes(len)?;
            let series = packs
                .get(pack)?
                .enabled_rules()
                .find(|rule| rule.meta.id == id)
                .and_then(|rule| rule.check.series())?;
            let mut inner = Reader::new(body);
            let facts = series.decode_facts(&mut inner)?;
            if !inner.is_empty() {
                return None;
            }
            rules.push((id, facts));
        }
        if !r.is_empty() {
            return None;
        }
        Some(ReportFacts {
            path,
            identity,
            pack,
            reference,
            cells,
            rules,
        })
    }
}

/// The path of a record (its first field).
pub fn path(bytes: &[u8]) -> Option<String> {
    Reader::new(bytes).string()
}

fn encode_identity(w: &mut Writer, id: &Identity) {
    w.option(id.name.as_ref(), |w, n| w.str(n));
    w.option(id.key.as_ref(), |w, k| {
        w.str(&k.region);
        w.str(&k.unit);
    });
    w.option(id.year.as_ref(), |w, y| w.i64(i64::from(*y)));
    w.bool(id.from_config);
}

fn decode_identity(r: &mut Reader<'_>) -> Option<Identity> {
    let name = r.option(Reader::string)?;
    let key = r.option(|r| {
        Some(BodyKey {
            region: r.string()?,
            unit: r.string()?,
        })
    })?;
    let year = r.option(|r| i32::try_from(r.i64()?).ok())?;
    let from_config = r.bool()?;
    Some(Identity {
        name,
        key,
        year,
        from_config,
    })
}

fn encode_cells(w: &mut Writer, cells: &Cells) {
    w.list(&cells.tables, |w, rows| {
        w.list(rows, |w, row| {
            w.list(&row.values, |w, p| {
                // 0: no certain number; else start + 1, length, value.
                if p.start == u32::MAX {
                    w.u64(0);
                } else {
                    w.u64(u64::from(p.start) + 1);
                    w.u64(u64::from(p.end.wrapping_sub(p.start)));
                    w.num(p.value);
                }
            });
            w.option(row.glued.as_ref(), |w, g| {
                w.list(&g.columns, |w, c| w.usize(*c));
                w.list(&g.readings, |w, reading| w.list(reading, |w, v| w.u64(*v)));
                w.str(&g.digits);
                w.span(&g.span);
            });
        });
    });
    w.list(&cells.places, |w, ((t, r, c), place)| {
        w.usize(*t);
        w.usize(*r);
        w.usize(*c);
        w.place(place);
    });
}

fn decode_cells(r: &mut Reader<'_>) -> Option<Cells> {
    let tables = r.list(|r| {
        r.list(|r| {
            let values = r.list(|r| {
                let start = r.u64()?;
                if start == 0 {
                    return Some(NONE);
                }
                let start = u32::try_from(start - 1).ok()?;
                let len = u32::try_from(r.u64()?).ok()?;
                Some(Packed {
                    start,
                    end: start.wrapping_add(len),
                    value: r.num()?,
                })
            })?;
            let glued = r.option(|r| {
                Some(GluedFact {
                    columns: r.list(Reader::usize)?,
                    readings: r.list(|r| r.list(Reader::u64))?,
                    digits: r.string()?,
                    span: r.span()?,
                })
            })?;
            Some(RowFacts { values, glued })
        })
    })?;
    let places = r.list(|r| Some(((r.usize()?, r.usize()?, r.usize()?), r.place()?)))?;
    Some(Cells { tables, places })
}
