//! Word comments (批注) addressed to nianbao: an editor marks text that was checked and
//! is right with a comment `nianbao-disable X101`. This pass, separate from the text
//! extraction, reads the comments part (`word/comments.xml`, or the part the main
//! part's relationships name), keeps the comments whose text starts with `nianbao-`,
//! finds where each is anchored in `document.xml` (`w:commentRangeStart` …
//! `w:commentRangeEnd`), and maps that anchor to a byte range of the extracted text.
//!
//! Mapping: `annotate::body` walks `document.xml` exactly as the loader does and
//! knows, for every character of every paragraph, its XML position and its Word place
//! (第N段, 表N 第R行第C列). The characters of each place are aligned with the text
//! the loader wrote for that place (same characters in the same order; the loader may
//! add text of its own, e.g. list numbers, which the alignment steps over), which gives
//! each anchored character its offset in the extracted text. Nothing here runs unless
//! the document has a comment starting with `nianbao-`.

use std::collections::{BTreeMap, HashSet};
use std::io::{Read, Seek};
use std::ops::Range;

use quick_xml::events::Event;

use super::source::SourceMap;
use crate::load::docx::body::PlaceKey;
use crate::load::docx::body::{self, Loc};

/// A Word comment whose text starts with `nianbao-`, and what it is anchored to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WordComment {
    /// The comment's text (its paragraphs joined by line breaks), trimmed.
    pub text: String,
    /// The byte range of the extracted text the comment is anchored to; `None` when
    /// it marks no text nianbao read (no range, or only empty paragraphs).
    pub anchor: Option<Range<usize>>,
}

/// How many loader characters the alignment looks ahead for the next Word character.
const LOOKAHEAD: usize = 8;

/// The nianbao comments of the document whose main part `part` was rendered to
/// `text` with `map`. A missing or unreadable comments part means no comments: the
/// report itself was read, and it is checked as it is. The main part is read again
/// (whole) only when there are such comments.
pub fn read<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    part: &str,
    text: &str,
    map: &SourceMap,
) -> Vec<WordComment> {
    let dir = part.rfind('/').map_or("", |i| &part[..=i]);
    let file = &part[dir.len()..];
    let rels = format!("{dir}_rels/{file}.rels");
    let target = if zip.file_names().any(|n| n == rels) {
        super::docx::read_part(zip, &rels)
            .ok()
            .and_then(|r| crate::load::docx::package::comments_target(&r))
    } else {
        None
    };
    let name = match target {
        Some(t) => crate::load::docx::package::resolve(dir, &t),
        None => format!("{dir}comments.xml"),
    };
    if !zip.file_names().any(|n| n == name) {
        return Vec::new();
    }
    let Ok(comments_xml) = super::docx::read_part(zip, &name) else {
        return Vec::new();
    };
    let ours = nianbao_comments(&comments_xml);
    if ours.is_empty() {
        return Vec::new();
    }
    let Ok(xml) = super::docx::read_part(zip, part) else {
        return Vec::new();
    };
    let xml = xml.as_str();
    let ids: HashSet<&str> = ours.iter().map(|(id, _)| id.as_str()).collect();
    let ranges = anchors(xml, &ids);
    let lists = super::docx::read_lists(zip, part);
    let places = match body::index(xml, lists) {
        Ok(b) => Placed::new(&b, text, map),
        Err(_) => Placed::default(),
    };
    ours.into_iter()
        .map(|(id, text)| {
            let anchor = ranges
                .get(&id)
                .and_then(|r| places.text_range(r.start, r.end.unwrap_or(r.start)));
            WordComment { text, anchor }
        })
        .collect()
}

/// (id, text) of the comments whose text starts with `nianbao-`.
fn nianbao_comments(xml: &str) -> Vec<(String, String)> {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = false;
    let mut out = Vec::new();
    let mut open: Option<(String, String)> = None;
    let mut in_t = false;
    while let Ok(event) = reader.read_event() {
        match event {
            Event::Start(e) => match e.local_name().as_ref() {
                b"comment" => open = Some((attr_id(&e).unwrap_or_default(), String::new())),
                b"t" => in_t = true,
                b"p" => {
                    if let Some((_, t)) = &mut open
                        && !t.is_empty()
                    {
                        t.push('\n');
                    }
                }
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                b"comment" => {
                    if let Some((id, t)) = open.take() {
                        let t = t.trim();
                        if starts_with_nianbao(t) {
                            out.push((id, t.to_string()));
                        }
                    }
                }
                b"t" => in_t = false,
                _ => {}
            },
            Event::Text(t) if in_t => {
                if let (Some((_, s)), Ok(c)) = (&mut open, t.xml10_content()) {
                    s.push_str(&c);
                }
            }
            Event::GeneralRef(r) if in_t => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    _ => r.decode().ok().and_then(|name| {
                        quick_xml::escape::resolve_xml_entity(&name).map(str::to_string)
                    }),
                };
                if let (Some((_, s)), Some(c)) = (&mut open, resolved) {
                    s.push_str(&c);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

fn starts_with_nianbao(s: &str) -> bool {
    s.get(..8)
        .is_some_and(|p| p.eq_ignore_ascii_case("nianbao-"))
}

fn attr_id(e: &quick_xml::events::BytesStart<'_>) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == b"id")
            .then(|| String::from_utf8_lossy(&a.value).into_owned())
    })
}

/// Where a comment's range starts (after `w:commentRangeStart`) and ends (before
/// `w:commentRangeEnd`) in the XML.
struct XmlRange {
    start: usize,
    end: Option<usize>,
}

fn anchors(xml: &str, ids: &HashSet<&str>) -> BTreeMap<String, XmlRange> {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = false;
    let mut out: BTreeMap<String, XmlRange> = BTreeMap::new();
    loop {
        let before = reader.buffer_position() as usize;
        let Ok(event) = reader.read_event() else {
            break;
        };
        let after = reader.buffer_position() as usize;
        let (Event::Empty(e) | Event::Start(e)) = event else {
            if matches!(event, Event::Eof) {
                break;
            }
            continue;
        };
        let local = e.local_name();
        let Some(id) = attr_id(&e).filter(|id| ids.contains(id.as_str())) else {
            continue;
        };
        match local.as_ref() {
            b"commentRangeStart" => {
                out.entry(id).or_insert(XmlRange {
                    start: after,
                    end: None,
                });
            }
            b"commentRangeEnd" => {
                if let Some(r) = out.get_mut(&id)
                    && r.end.is_none()
                {
                    r.end = Some(before.max(r.start));
                }
            }
            _ => {}
        }
    }
    out
}

/// Every Word character with an XML position, sorted by it, and its offset and
/// length in the extracted text when the alignment found it.
#[derive(Default)]
struct Placed {
    chars: Vec<(usize, Option<(usize, usize)>)>,
}

impl Placed {
    fn new(body: &body::Body, text: &str, map: &SourceMap) -> Placed {
        // The extracted text of each place, as (offset, character), without the
        // spaces and cell bars the layout adds.
        let mut loaded: BTreeMap<PlaceKey, Vec<(usize, char)>> = BTreeMap::new();
        for s in map.segments() {
            let Some(key) = PlaceKey::of(&s.origin) else {
                continue;
            };
            let Some(piece) = text.get(s.text.clone()) else {
                continue;
            };
            let chars = loaded.entry(key).or_default();
            chars.extend(
                piece
                    .char_indices()
                    .filter(|(_, c)| !c.is_whitespace() && *c != '|')
                    .map(|(i, c)| (s.text.start + i, c)),
            );
        }
        let mut chars = Vec::new();
        for (key, paras) in &body.places {
            let target = loaded.get(key).map_or(&[][..], Vec::as_slice);
            let mut j = 0;
            for &p in paras {
                let Some(para) = body.paras.get(p) else {
                    continue;
                };
                for &(off, loc) in &para.locs {
                    let at = match loc {
                        Loc::Text { at, .. } | Loc::Elem { at, .. } => at,
                        Loc::Free => continue,
                    };
                    let Some(c) = para.text.get(off..).and_then(|s| s.chars().next()) else {
                        continue;
                    };
                    if c.is_whitespace() {
                        continue;
                    }
                    let end = (j + LOOKAHEAD).min(target.len());
                    let found = (j..end).find(|&k| target[k].1 == c);
                    let mapped = found.map(|k| {
                        j = k + 1;
                        (target[k].0, c.len_utf8())
                    });
                    chars.push((at, mapped));
                }
            }
        }
        chars.sort_by_key(|(at, _)| *at);
        Placed { chars }
    }

    /// The extracted-text range of the Word characters between XML bytes `start`
    /// and `end`; `None` when none of them is in the extracted text.
    fn text_range(&self, start: usize, end: usize) -> Option<Range<usize>> {
        let from = self.chars.partition_point(|(at, _)| *at < start);
        let to = self.chars.partition_point(|(at, _)| *at < end);
        let inside = self.chars.get(from..to)?;
        let first = inside.iter().find_map(|(_, m)| *m)?;
        let last = inside.iter().rev().find_map(|(_, m)| *m)?;
        Some(first.0..(last.0 + last.1).max(first.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Origin;

    const W: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"";

    #[test]
    fn anchors_map_to_the_loaders_text_even_with_text_it_added() {
        // The loader wrote a list number before the paragraph's own text.
        let xml = format!(
            "<w:document {W}><w:body><w:p><w:r><w:t>共收到申请</w:t></w:r>\
             <w:commentRangeStart w:id=\"7\"/><w:r><w:t>25</w:t></w:r><w:commentRangeEnd w:id=\"7\"/>\
             <w:r><w:t>件</w:t></w:r></w:p></w:body></w:document>"
        );
        let text = "（一）共收到申请25件\n";
        let mut map = SourceMap::default();
        map.push(0..text.len() - 1, Origin::Paragraph(1));
        let ids: HashSet<&str> = ["7"].into_iter().collect();
        let ranges = anchors(&xml, &ids);
        let lists = crate::load::docx::numbering::Lists::new(None, None);
        let body = body::index(&xml, lists).expect("indexes");
        let placed = Placed::new(&body, text, &map);
        let r = ranges.get("7").expect("anchored");
        let got = placed.text_range(r.start, r.end.unwrap_or(r.start));
        assert_eq!(got.map(|g| &text[g]), Some("25"));
    }

    #[test]
    fn only_comments_for_nianbao_are_kept() {
        let xml = format!(
            "<w:comments {W}><w:comment w:id=\"1\"><w:p><w:r><w:t>请核对</w:t></w:r></w:p></w:comment>\
             <w:comment w:id=\"2\"><w:p><w:r><w:annotationRef/></w:r><w:r><w:t xml:space=\"preserve\"> nianbao-disable X101 &amp; </w:t></w:r></w:p></w:comment></w:comments>"
        );
        assert_eq!(
            nianbao_comments(&xml),
            vec![("2".to_string(), "nianbao-disable X101 &".to_string())]
        );
    }
}
