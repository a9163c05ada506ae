//! Where in Word a finding's comment goes. A finding's span is a byte range of the
//! text nianbao checked; the loader's source map says which Word paragraph or table
//! cell each piece of that text came from. The anchor is that place plus the exact
//! text under the span (clipped to the piece it starts in) and which occurrence of
//! that text in the place it is, so that the same characters are found in the XML.

use std::ops::Range;

use crate::parse::Document;

use crate::load::docx::body::PlaceKey;

/// A finding's place in Word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anchor {
    /// The paragraph or cell; `None` when the span maps to no place (the comment
    /// then goes on the first paragraph).
    pub place: Option<PlaceKey>,
    /// The text to put the comment on; empty for the whole place.
    pub needle: String,
    /// Which occurrence of `needle` in the place (0-based).
    pub nth: usize,
}

pub fn anchor(doc: &Document, span: &Range<usize>) -> Anchor {
    let text = doc.text.as_str();
    let nowhere = Anchor {
        place: None,
        needle: String::new(),
        nth: 0,
    };
    let end = span.end.min(text.len());
    let mut start = span.start.min(end);
    if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
        return nowhere;
    }
    // Cell separators and spaces are not in Word: start at the first real character.
    let skipped = text[start..end]
        .char_indices()
        .find(|(_, c)| !c.is_whitespace() && *c != '|')
        .map(|(i, _)| start + i);
    if let Some(s) = skipped {
        start = s;
    }
    let map = &doc.source.map;
    let Some(seg) = map.segment_at(start) else {
        return nowhere;
    };
    let Some(place) = PlaceKey::of(&seg.origin) else {
        return nowhere;
    };
    if start < seg.text.start || start >= seg.text.end {
        return Anchor {
            place: Some(place),
            needle: String::new(),
            nth: 0,
        };
    }
    let mut stop = end.min(seg.text.end);
    if stop <= start {
        // An empty span (something missing here): the character after it.
        stop = start + text[start..].chars().next().map_or(0, char::len_utf8);
        stop = stop.min(seg.text.end);
    }
    let needle = text[start..stop]
        .trim_end_matches('|')
        .trim_end()
        .to_string();
    if needle.is_empty() {
        return Anchor {
            place: Some(place),
            needle,
            nth: 0,
        };
    }
    // Occurrences of the needle earlier in the same place.
    let mut nth = 0;
    for s in map.segments() {
        if s.text.start > seg.text.start {
            break;
        }
        if PlaceKey::of(&s.origin) != Some(place) {
            continue;
        }
        let piece = &text[s.text.clone()];
        nth += piece
            .match_indices(needle.as_str())
            .filter(|(i, _)| s.text.start + i < start)
            .count();
    }
    Anchor {
        place: Some(place),
        needle,
        nth,
    }
}

/// Every place of the document and its text as the loader read it (pieces joined by
/// line breaks): what the XML walk must find.
pub fn places(doc: &Document) -> std::collections::BTreeMap<PlaceKey, String> {
    let mut out = std::collections::BTreeMap::new();
    for s in doc.source.map.segments() {
        // Without the bar that closes a cell: layout, not Word text.
        let piece = doc.text[s.text.clone()].trim_end_matches('|').trim_end();
        if piece.is_empty() {
            continue;
        }
        if let Some(key) = PlaceKey::of(&s.origin) {
            let t: &mut String = out.entry(key).or_default();
            if !t.is_empty() {
                t.push('\n');
            }
            t.push_str(piece);
        }
    }
    out
}
