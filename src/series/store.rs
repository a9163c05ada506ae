//! A batch's series facts, spilled: each report's facts are encoded (`record`) as soon
//! as it is checked and appended to an anonymous temporary file (`tempfile::tempfile`:
//! unlinked at creation on Unix, deleted on close on Windows, so nothing is left
//! behind even when the run is interrupted or killed). In memory stays one small entry
//! per report — its body (an index into the batch's distinct bodies), year, pack and
//! where its record is, 24 bytes; a record is about 3 KB for a full report — and the series stage (`engine`) reads back
//! only the reports of the pair it is checking. The reports whose facts can serve no
//! rule (no body or no year, and no aggregate declared) keep an entry and no record.
//!
//! When the temporary file cannot be created or written (no writable temporary
//! folder, a full disk), the records stay in memory instead — still the compact
//! encoding — and `warning` says so; the findings are the same.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};

use super::{FactsSource, ReportFacts};
use crate::pack::Pack;
use crate::parse::body_key::BodyKey;

/// Records are written to the file in chunks of about this size.
const CHUNK: usize = 256 << 10;

/// No body key.
const NO_KEY: u32 = u32::MAX;

/// A report's facts, encoded, with what pairing needs of them (made on the thread that
/// checked the report).
pub struct Encoded {
    pub key: Option<BodyKey>,
    pub year: Option<i32>,
    /// The record; `None` when no rule can use it.
    pub record: Option<Vec<u8>>,
}

impl Encoded {
    /// A report whose facts no rule will read (nothing to pair it with): its identity
    /// only, and no record.
    pub fn identity_only(identity: super::Identity) -> Encoded {
        Encoded {
            key: identity.key,
            year: identity.year,
            record: None,
        }
    }

    /// Encodes `facts`: the record is kept when the report has a body and a year (it
    /// can be paired), or when `always` (an aggregate may name it).
    pub fn of(facts: &ReportFacts, always: bool) -> Encoded {
        let pairable = facts.identity.key.is_some() && facts.identity.year.is_some();
        Encoded {
            key: facts.identity.key.clone(),
            year: facts.identity.year,
            record: (pairable || always).then(|| facts.encode()),
        }
    }
}

/// One report of the batch.
#[derive(Clone, Copy)]
struct Entry {
    /// Offset of the record in the spill (the file, then `pending`).
    offset: u64,
    /// Length of the record; `u32::MAX`: none.
    len: u32,
    key: u32,
    year: Option<i32>,
}

pub struct Store {
    entries: Vec<Entry>,
    /// The batch's distinct bodies, and their index.
    keys: Vec<BodyKey>,
    key_index: HashMap<BodyKey, u32>,
    file: Option<File>,
    /// False once a write failed.
    writable: bool,
    /// Bytes written to the file.
    written: u64,
    /// Records not written yet (all of them when there is no file).
    pending: Vec<u8>,
    /// Why the records are kept in memory, or could not be read back (for standard
    /// error).
    pub warning: Option<String>,
}

impl Default for Store {
    fn default() -> Self {
        Store::new()
    }
}

impl Store {
    /// A store spilling to a new anonymous temporary file.
    pub fn new() -> Store {
        let (file, warning) = match tempfile::tempfile() {
            Ok(f) => (Some(f), None),
            Err(e) => (
                None,
                Some(format!(
                    "无法创建临时文件（{e}），跨年度核对所需的数据保留在内存中"
                )),
            ),
        };
        Store::with(file, warning)
    }

    /// A store keeping every record in memory (no temporary file).
    pub fn in_memory() -> Store {
        Store::with(None, None)
    }

    fn with(file: Option<File>, warning: Option<String>) -> Store {
        Store {
            entries: Vec::new(),
            keys: Vec::new(),
            key_index: HashMap::new(),
            writable: file.is_some(),
            file,
            written: 0,
            pending: Vec::new(),
            warning,
        }
    }

    /// Number of reports.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Room for `n` more reports.
    pub fn reserve(&mut self, n: usize) {
        self.entries.reserve_exact(n);
    }

    /// Bytes written to the temporary file so far.
    pub fn spilled(&self) -> u64 {
        self.written
    }

    /// Adds a report; returns its index.
    pub fn push(&mut self, e: Encoded) -> usize {
        let key = match e.key {
            None => NO_KEY,
            Some(k) => match self.key_index.get(&k) {
                Some(&i) => i,
                None => {
                    let i = u32::try_from(self.keys.len()).unwrap_or(NO_KEY);
                    if i != NO_KEY {
                        self.keys.push(k.clone());
                        self.key_index.insert(k, i);
                    }
                    i
                }
            },
        };
        let (offset, len) = match e.record {
            Some(r) => self.append(&r),
            None => (0, u32::MAX),
        };
        self.entries.push(Entry {
            offset,
            len,
            key,
            year: e.year,
        });
        self.entries.len() - 1
    }

    /// Each report's body and year, for `pair_ids`.
    pub fn ids(&self) -> Vec<(Option<&BodyKey>, Option<i32>)> {
        self.entries
            .iter()
            .map(|e| (self.keys.get(e.key as usize), e.year))
            .collect()
    }

    /// The path of report `i` (when its record was kept).
    pub fn path(&mut self, i: usize) -> Option<String> {
        let bytes = self.read(i)?;
        super::record::path(&bytes)
    }

    /// Appends a record; returns where it is. A record too long for the entry (4 GB)
    /// is not kept.
    fn append(&mut self, record: &[u8]) -> (u64, u32) {
        let Ok(len) = u32::try_from(record.len()) else {
            return (0, u32::MAX);
        };
        if len == u32::MAX {
            return (0, u32::MAX);
        }
        let offset = self.written + self.pending.len() as u64;
        self.pending.extend_from_slice(record);
        if self.pending.len() >= CHUNK {
            self.flush();
        }
        (offset, len)
    }

    /// Writes the pending records to the file. On failure they stay in memory, with
    /// the next ones: the file is only read from then on (up to `written`, what was
    /// written whole).
    fn flush(&mut self) {
        if !self.writable {
            return;
        }
        let Some(file) = &mut self.file else { return };
        let result = file
            .seek(SeekFrom::Start(self.written))
            .and_then(|_| file.write_all(&self.pending));
        match result {
            Ok(()) => {
                self.written += self.pending.len() as u64;
                self.pending.clear();
            }
            Err(e) => {
                self.writable = false;
                self.warning = Some(format!(
                    "无法写入临时文件（{e}），跨年度核对所需的其余数据保留在内存中"
                ));
            }
        }
    }

    /// The record of report `i`.
    fn read(&mut self, i: usize) -> Option<Vec<u8>> {
        let e = *self.entries.get(i)?;
        if e.len == u32::MAX {
            return None;
        }
        let len = e.len as usize;
        if e.offset >= self.written {
            let start = usize::try_from(e.offset - self.written).ok()?;
            return self.pending.get(start..start + len).map(<[u8]>::to_vec);
        }
        let file = self.file.as_mut()?;
        let mut buf = vec![0; len];
        let result = file
            .seek(SeekFrom::Start(e.offset))
            .and_then(|_| file.read_exact(&mut buf));
        match result {
            Ok(()) => Some(buf),
            Err(err) => {
                self.warning = Some(format!(
                    "无法读回临时文件（{err}），部分报告没有做跨年度核对"
                ));
                None
            }
        }
    }
}

impl FactsSource for Store {
    fn load(&mut self, i: usize, packs: &[&Pack]) -> Option<ReportFacts> {
        let bytes = self.read(i)?;
        let facts = ReportFacts::decode(&bytes, packs);
        if facts.is_none() {
            self.warning = Some("临时文件中的数据无法读回，部分报告没有做跨年度核对".into());
        }
        facts
    }

    fn release(&mut self, i: usize, facts: ReportFacts, changed: bool) {
        // Settled cells are read by the aggregates: the record is written again.
        if changed {
            let (offset, len) = self.append(&facts.encode());
            if let Some(e) = self.entries.get_mut(i) {
                e.offset = offset;
                e.len = len;
            }
        }
    }
}
