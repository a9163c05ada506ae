//! Annotate: the Word draft back, with every finding as a Word comment (批注).
//!
//! Editors live in Word or WPS. `annotate` takes the original `.docx` bytes and the
//! findings of a check of that same file, and writes a copy where each finding is a
//! comment by author `nianbao`, anchored on the finding's text (the span the loader's
//! source map places in a paragraph or table cell; the whole paragraph or cell when
//! the exact text cannot be found). Every other part of the package is copied
//! byte for byte; the main part is changed only by inserting comment markers
//! (splitting a run where a comment starts or ends inside it); `comments.xml`, the
//! relationship and the content type are added when missing.
//!
//! Comments by `nianbao` already in the file (an earlier run) are removed first, so
//! that annotating an annotated file replaces them: annotating twice gives the same
//! bytes. Output is deterministic: no dates, entries in the original order with their
//! original timestamps.

mod anchor;

use std::collections::{BTreeMap, HashSet};
use std::io::{Cursor, Read, Write};

use quick_xml::events::Event;

use crate::diagnostic::Diagnostic;
use crate::load::SourceKind;
use crate::parse::Document;

use crate::load::docx::body;
pub use crate::load::docx::body::PlaceKey;
use crate::load::docx::package::{attr, comments_target, rel_target, resolve};
pub use anchor::{Anchor, anchor, places};

/// The author of nianbao's comments; comments by this author are replaced on the
/// next run.
pub const AUTHOR: &str = "nianbao";

const MAIN_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const COMMENTS_REL: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments";
const COMMENTS_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml";
const MAIN_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";
/// Same caps as the loader.
const MAX_PART_BYTES: u64 = crate::load::docx::MAX_XML_BYTES;

/// The annotated document.
#[derive(Debug)]
pub struct Annotated {
    pub bytes: Vec<u8>,
    /// Comments written (one per finding).
    pub comments: usize,
    /// Comments of an earlier nianbao run that were removed.
    pub replaced: usize,
    /// Comments on a whole paragraph or cell, the exact text not being found there.
    pub on_whole_place: usize,
}

/// Why a document could not be annotated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnnotateError {
    /// Only Word documents can carry comments (the kind that was given).
    NotDocx(SourceKind),
    /// The package could not be read or written (the detail).
    Package(String),
}

impl AnnotateError {
    /// One sentence in Chinese.
    pub fn message(&self) -> String {
        match self {
            AnnotateError::NotDocx(kind) => {
                format!("只能给 Word 文档（.docx）加批注，这是{}", kind.chinese())
            }
            AnnotateError::Package(detail) => format!("无法写入批注：{detail}"),
        }
    }

    pub fn help(&self) -> &'static str {
        match self {
            AnnotateError::NotDocx(_) => "用 `nianbao check` 检查其他格式的报告",
            AnnotateError::Package(_) => {
                "用 Word 或 WPS 打开并重新保存为 .docx 后再试；仍然不行时请报告此问题"
            }
        }
    }
}

impl std::fmt::Display for AnnotateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for AnnotateError {}

fn pkg(detail: impl std::fmt::Display) -> AnnotateError {
    AnnotateError::Package(detail.to_string())
}

/// Writes `original` (a .docx) with each of `diagnostics` (found in `document`, the
/// check of that same file) as a comment.
pub fn annotate(
    original: &[u8],
    document: &Document,
    diagnostics: &[Diagnostic],
) -> Result<Annotated, AnnotateError> {
    if document.source.kind != SourceKind::Docx {
        return Err(AnnotateError::NotDocx(document.source.kind));
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(original)).map_err(pkg)?;
    if zip.len() > crate::load::docx::MAX_ENTRIES {
        return Err(pkg("压缩条目过多"));
    }
    let main = main_part(&mut zip)?;
    let (dir, file) = match main.rfind('/') {
        Some(i) => (&main[..=i], &main[i + 1..]),
        None => ("", main.as_str()),
    };
    let rels_name = format!("{dir}_rels/{file}.rels");
    let rels = read_opt(&mut zip, &rels_name)?;
    let existing_target = rels.as_deref().and_then(comments_target);
    let comments_name = match &existing_target {
        Some(t) => resolve(dir, t),
        None => unused_name(&zip, dir),
    };
    let comments_xml = read_opt(&mut zip, &comments_name)?;

    // nianbao's comments from an earlier run, and the ids taken by others.
    let old = match &comments_xml {
        Some(x) => scan_comments(x)?,
        None => CommentScan::default(),
    };
    let first_id: usize = old.max_other.map_or(0, |m| m as usize + 1);

    let xml = read_part(&mut zip, &main)?;
    if !xml.contains(&format!("xmlns:w=\"{MAIN_NS}\"")) {
        return Err(pkg("Word 正文没有使用标准的命名空间前缀 w:"));
    }
    let ours: HashSet<String> = old.ours.iter().map(|c| c.id.clone()).collect();
    let clean = body::remove_comments(&xml, &ours).map_err(pkg)?;
    let lists = crate::load::docx::read_lists(&mut zip, &main);
    let index = body::index(&clean, lists).map_err(pkg)?;

    let mut cuts: BTreeMap<body::Cut, body::Marks> = BTreeMap::new();
    let mut new_comments = String::new();
    let mut on_whole_place = 0;
    let mut written = 0;
    for (id, d) in (first_id..).zip(diagnostics) {
        let a = anchor(document, &d.primary);
        let placed = match a.place {
            Some(key) => index.cuts(&clean, key, &a.needle, a.nth),
            None => None,
        };
        let (start, end) = match placed {
            Some(c) => c,
            None => match index.first_paragraph() {
                Some(c) => c,
                None => return Err(pkg("文档中没有可以加批注的段落")),
            },
        };
        if a.needle.is_empty() || a.place.is_none() || is_whole(&index, start) {
            on_whole_place += 1;
        }
        cuts.entry(start)
            .or_default()
            .items
            .push(((1, id), format!("<w:commentRangeStart w:id=\"{id}\"/>")));
        let end_key = if start.byte() == end.byte() { 2 } else { 0 };
        cuts.entry(end).or_default().items.push((
            (end_key, id),
            format!(
                "<w:commentRangeEnd w:id=\"{id}\"/><w:r><w:commentReference w:id=\"{id}\"/></w:r>"
            ),
        ));
        new_comments.push_str(&comment_xml(id, d));
        written += 1;
    }
    let new_main = body::apply(&clean, &index, cuts);

    // comments.xml: the earlier nianbao comments out, the new ones in.
    let new_comments_xml = match &comments_xml {
        Some(x) => {
            let mut edits: Vec<(std::ops::Range<usize>, String)> = old
                .ours
                .iter()
                .map(|c| (c.range.clone(), String::new()))
                .collect();
            match (x.rfind("</w:comments>"), old.root_self_closing.clone()) {
                (Some(at), _) => edits.push((at..at, new_comments)),
                (None, Some(root)) => {
                    let tag = x[root.clone()].trim_end_matches('>').trim_end_matches('/');
                    edits.push((root, format!("{tag}>{new_comments}</w:comments>")));
                }
                (None, None) => return Err(pkg("批注部件（comments.xml）格式不正确")),
            }
            Some(body::splice(x, edits))
        }
        None if written > 0 => Some(format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n<w:comments xmlns:w=\"{MAIN_NS}\">{new_comments}</w:comments>"
        )),
        None => None,
    };
    let needs_part = new_comments_xml.is_some() && comments_xml.is_none();
    let new_rels = if existing_target.is_none() && needs_part {
        let target = comments_name
            .strip_prefix(dir)
            .unwrap_or(&comments_name)
            .to_string();
        Some(add_relationship(rels.as_deref(), &target))
    } else {
        None
    };
    // Word's companion parts (threads, ids, dates) of the removed comments.
    let mut companions: Vec<(String, String)> = Vec::new();
    if !old.our_para_ids.is_empty()
        && let Some(rels) = rels.as_deref()
    {
        let mut durable = HashSet::new();
        for (suffix, element, key) in [
            ("commentsExtended", &b"commentEx"[..], &b"paraId"[..]),
            ("commentsIds", b"commentId", b"paraId"),
            ("commentsExtensible", b"commentExtensible", b"durableId"),
        ] {
            let Some(target) = rel_target(rels, suffix) else {
                continue;
            };
            let name = resolve(dir, &target);
            let Some(xml) = read_opt(&mut zip, &name)? else {
                continue;
            };
            let values = if key == b"durableId" {
                &durable
            } else {
                &old.our_para_ids
            };
            let (clean, ids) = remove_elements(&xml, element, key, values).map_err(pkg)?;
            if key != b"durableId" {
                durable.extend(ids);
            }
            if clean != xml {
                companions.push((name, clean));
            }
        }
    }
    let types = read_part(&mut zip, "[Content_Types].xml")?;
    let new_types = if new_comments_xml.is_some() {
        add_override(&types, &comments_name)
    } else {
        None
    };

    // The package: entries in their order, changed ones rewritten, the rest copied.
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(original.len() + 4096)));
    let mut replacements: BTreeMap<&str, &str> = BTreeMap::new();
    replacements.insert(main.as_str(), new_main.as_str());
    if let Some(c) = &new_comments_xml {
        replacements.insert(comments_name.as_str(), c.as_str());
    }
    if let Some(r) = &new_rels {
        replacements.insert(rels_name.as_str(), r.as_str());
    }
    if let Some(t) = &new_types {
        replacements.insert("[Content_Types].xml", t.as_str());
    }
    for (name, xml) in &companions {
        replacements.insert(name.as_str(), xml.as_str());
    }
    let mut done: HashSet<String> = HashSet::new();
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(pkg)?;
        let name = entry.name().to_string();
        match replacements.get(name.as_str()) {
            Some(content) => {
                let time = entry.last_modified().unwrap_or_default();
                drop(entry);
                write_entry(&mut out, &name, content, time)?;
                done.insert(name);
            }
            None => out.raw_copy_file(entry).map_err(pkg)?,
        }
    }
    for (name, content) in &replacements {
        if !done.contains(*name) {
            write_entry(&mut out, name, content, zip::DateTime::default())?;
        }
    }
    let bytes = out.finish().map_err(pkg)?.into_inner();
    Ok(Annotated {
        bytes,
        comments: written,
        replaced: old.ours.len(),
        on_whole_place,
    })
}

/// The text of every paragraph and cell as the annotator finds them in the XML
/// (paragraphs joined by line breaks): tests check it against the loader's places.
#[doc(hidden)]
pub fn word_places(docx: &[u8]) -> Result<BTreeMap<PlaceKey, String>, AnnotateError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(docx)).map_err(pkg)?;
    let main = main_part(&mut zip)?;
    let xml = read_part(&mut zip, &main)?;
    let lists = crate::load::docx::read_lists(&mut zip, &main);
    let index = body::index(&xml, lists).map_err(pkg)?;
    Ok(index
        .places
        .iter()
        .map(|(k, ps)| {
            let texts: Vec<&str> = ps.iter().map(|&p| index.paras[p].text.as_str()).collect();
            (*k, texts.join("\n"))
        })
        .collect())
}

fn is_whole(index: &body::Body, cut: body::Cut) -> bool {
    index.paras.iter().any(|p| match cut {
        body::Cut::At(at) => at == p.content_start,
        body::Cut::EmptyPara { .. } => true,
        _ => false,
    })
}

fn write_entry(
    out: &mut zip::ZipWriter<Cursor<Vec<u8>>>,
    name: &str,
    content: &str,
    time: zip::DateTime,
) -> Result<(), AnnotateError> {
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(time);
    out.start_file(name, options).map_err(pkg)?;
    out.write_all(content.as_bytes()).map_err(pkg)
}

/// The main document part, as the loader finds it.
fn main_part(zip: &mut zip::ZipArchive<Cursor<&[u8]>>) -> Result<String, AnnotateError> {
    if zip.file_names().any(|n| n == "word/document.xml") {
        return Ok("word/document.xml".into());
    }
    let types = read_part(zip, "[Content_Types].xml")?;
    let found = types.find(MAIN_TYPE).and_then(|at| {
        let tag = &types[types[..at].rfind('<')?..];
        attr(tag, "PartName").map(|p| p.trim_start_matches('/').to_string())
    });
    match found {
        Some(p) if zip.file_names().any(|n| n == p) => Ok(p),
        _ => Err(pkg("找不到 Word 正文部件")),
    }
}

fn read_opt(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<String>, AnnotateError> {
    if zip.file_names().any(|n| n == name) {
        read_part(zip, name).map(Some)
    } else {
        Ok(None)
    }
}

fn read_part(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
) -> Result<String, AnnotateError> {
    let file = zip.by_name(name).map_err(|e| pkg(format!("{name}：{e}")))?;
    if file.size() > MAX_PART_BYTES {
        return Err(pkg(format!("{name} 过大")));
    }
    let mut bytes = Vec::new();
    file.take(MAX_PART_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| pkg(format!("{name}：{e}")))?;
    if bytes.len() as u64 > MAX_PART_BYTES {
        return Err(pkg(format!("{name} 过大")));
    }
    String::from_utf8(bytes).map_err(|_| pkg(format!("{name} 不是 UTF-8 编码")))
}

/// Removes the elements named `element` (local name) whose attribute `key` (local
/// name) is one of `values`; returns the XML and the `durableId`s of what was removed.
fn remove_elements(
    xml: &str,
    element: &[u8],
    key: &[u8],
    values: &HashSet<String>,
) -> Result<(String, Vec<String>), String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = false;
    let mut edits = Vec::new();
    let mut durable = Vec::new();
    // An open element being removed: its start and depth.
    let mut open: Option<(usize, usize)> = None;
    let mut depth = 0usize;
    loop {
        let before = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| e.to_string())?;
        let after = reader.buffer_position() as usize;
        match event {
            Event::Start(e) | Event::Empty(e) => {
                let empty = xml[before..after].ends_with("/>");
                if !empty {
                    depth += 1;
                }
                if open.is_none() && e.local_name().as_ref() == element {
                    let attr = |k: &[u8]| {
                        e.attributes()
                            .flatten()
                            .find(|a| a.key.local_name().as_ref() == k)
                            .map(|a| String::from_utf8_lossy(&a.value).into_owned())
                    };
                    if attr(key).is_some_and(|v| values.contains(&v)) {
                        durable.extend(attr(b"durableId"));
                        if empty {
                            edits.push((before..after, String::new()));
                        } else {
                            open = Some((before, depth));
                        }
                    }
                }
            }
            Event::End(_) => {
                if let Some((start, d)) = open
                    && d == depth
                {
                    edits.push((start..after, String::new()));
                    open = None;
                }
                depth = depth.saturating_sub(1);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok((body::splice(xml, edits), durable))
}

fn unused_name(zip: &zip::ZipArchive<Cursor<&[u8]>>, dir: &str) -> String {
    let taken = |n: &str| zip.file_names().any(|f| f == n);
    let first = format!("{dir}comments.xml");
    if !taken(&first) {
        return first;
    }
    (1..)
        .map(|i| format!("{dir}comments-nianbao{i}.xml"))
        .find(|n| !taken(n))
        .unwrap_or(first)
}

fn add_relationship(rels: Option<&str>, target: &str) -> String {
    let mut n = 1;
    let id = loop {
        let id = format!("rIdNianbao{n}");
        if !rels.is_some_and(|r| r.contains(&format!("\"{id}\""))) {
            break id;
        }
        n += 1;
    };
    let rel = format!("<Relationship Id=\"{id}\" Type=\"{COMMENTS_REL}\" Target=\"{target}\"/>");
    match rels {
        Some(r) => match r.rfind("</Relationships>") {
            Some(at) => format!("{}{rel}{}", &r[..at], &r[at..]),
            None => {
                // `<Relationships .../>`: no relationships yet.
                let root = r
                    .find("<Relationships")
                    .and_then(|s| r[s..].find("/>").map(|e| s + e));
                match root {
                    Some(at) => format!("{}>{rel}</Relationships>{}", &r[..at], &r[at + 2..]),
                    None => r.to_string(),
                }
            }
        },
        None => format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">{rel}</Relationships>"
        ),
    }
}

/// `[Content_Types].xml` with an override for the comments part, or `None` when it
/// has one.
fn add_override(types: &str, part: &str) -> Option<String> {
    let name = format!("PartName=\"/{part}\"");
    if types.contains(&name) {
        return None;
    }
    let at = types.rfind("</Types>")?;
    Some(format!(
        "{}<Override {name} ContentType=\"{COMMENTS_TYPE}\"/>{}",
        &types[..at],
        &types[at..]
    ))
}

struct OldComment {
    id: String,
    range: std::ops::Range<usize>,
}

#[derive(Default)]
struct CommentScan {
    ours: Vec<OldComment>,
    /// `w14:paraId` of the paragraphs of nianbao's comments (Word adds them when it
    /// saves; its companion parts refer to comments by them).
    our_para_ids: HashSet<String>,
    max_other: Option<u64>,
    root_self_closing: Option<std::ops::Range<usize>>,
}

fn scan_comments(xml: &str) -> Result<CommentScan, AnnotateError> {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = false;
    let mut scan = CommentScan::default();
    let mut open: Option<(usize, String, bool, usize)> = None;
    let mut depth = 0usize;
    loop {
        let before = reader.buffer_position() as usize;
        let event = reader
            .read_event()
            .map_err(|e| pkg(format!("comments.xml：{e}")))?;
        let after = reader.buffer_position() as usize;
        match event {
            Event::Start(e) | Event::Empty(e) => {
                let empty = xml[before..after].ends_with("/>");
                if !empty {
                    depth += 1;
                }
                match e.name().as_ref() {
                    b"w:comments" if empty => scan.root_self_closing = Some(before..after),
                    b"w:p" if open.as_ref().is_some_and(|o| o.2) => {
                        if let Some(v) = e
                            .attributes()
                            .flatten()
                            .find(|a| a.key.local_name().as_ref() == b"paraId")
                        {
                            scan.our_para_ids
                                .insert(String::from_utf8_lossy(&v.value).into_owned());
                        }
                    }
                    b"w:comment" => {
                        let mut id = String::new();
                        let mut author = String::new();
                        for a in e.attributes().flatten() {
                            let raw = String::from_utf8_lossy(&a.value);
                            let v = quick_xml::escape::unescape(&raw)
                                .map(|v| v.into_owned())
                                .unwrap_or_default();
                            match a.key.as_ref() {
                                b"w:id" => id = v,
                                b"w:author" => author = v,
                                _ => {}
                            }
                        }
                        let ours = author == AUTHOR;
                        if empty {
                            record(&mut scan, id, ours, before..after);
                        } else {
                            open = Some((before, id, ours, depth));
                        }
                    }
                    _ => {}
                }
            }
            Event::End(e) => {
                if e.name().as_ref() == b"w:comment"
                    && let Some((start, id, ours, d)) = open.take()
                {
                    if d == depth {
                        record(&mut scan, id, ours, start..after);
                    } else {
                        open = Some((start, id, ours, d));
                    }
                }
                depth = depth.saturating_sub(1);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(scan)
}

fn record(scan: &mut CommentScan, id: String, ours: bool, range: std::ops::Range<usize>) {
    if ours {
        scan.ours.push(OldComment { id, range });
    } else if let Ok(n) = id.parse::<u64>() {
        scan.max_other = Some(scan.max_other.map_or(n, |m| m.max(n)));
    }
}

/// The comment of one finding: the rule and severity with the message, the notes (the
/// arithmetic), and the fix.
fn comment_xml(id: usize, d: &Diagnostic) -> String {
    let mut paras = vec![format!(
        "[{} {}] {}",
        d.rule,
        d.severity.chinese(),
        d.message
    )];
    paras.extend(d.notes.iter().map(|n| format!("说明：{n}")));
    if let Some(h) = &d.help {
        paras.push(format!("建议：{h}"));
    }
    let mut s = format!("<w:comment w:id=\"{id}\" w:author=\"{AUTHOR}\" w:initials=\"NB\">");
    for p in paras {
        s.push_str("<w:p><w:r><w:t xml:space=\"preserve\">");
        s.push_str(&escape_xml(&p));
        s.push_str("</w:t></w:r></w:p>");
    }
    s.push_str("</w:comment>");
    s
}

/// Escapes text for XML, dropping characters XML 1.0 does not allow.
pub fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_targets_resolve() {
        assert_eq!(resolve("word/", "comments.xml"), "word/comments.xml");
        assert_eq!(resolve("word/", "../x/c.xml"), "x/c.xml");
        assert_eq!(resolve("word/", "/word/c.xml"), "word/c.xml");
    }

    #[test]
    fn relationships_are_added_once() {
        let r = add_relationship(None, "comments.xml");
        assert_eq!(comments_target(&r).as_deref(), Some("comments.xml"));
        let existing = "<Relationships xmlns=\"x\"><Relationship Id=\"rIdNianbao1\" Type=\"t\" Target=\"a\"/></Relationships>";
        let r = add_relationship(Some(existing), "comments.xml");
        assert!(r.contains("rIdNianbao2"), "{r}");
        assert_eq!(comments_target(&r).as_deref(), Some("comments.xml"));
    }

    #[test]
    fn comment_text_is_escaped() {
        let d = Diagnostic::new(
            "E102",
            crate::diagnostic::Severity::Warning,
            0..1,
            "<script>&\u{1}".into(),
        );
        let x = comment_xml(3, &d);
        assert!(x.contains("[E102 警告] &lt;script&gt;&amp;<"), "{x}");
    }
}
