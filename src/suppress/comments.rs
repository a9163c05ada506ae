//! Where the comments addressed to nianbao are: `<!-- nianbao-… -->` in a Markdown text
//! (outside fenced code blocks) and in a web page's source (comments as html5ever
//! sees them, so that `<!--` inside a script or an attribute is not one). Each is
//! given as the byte range of the whole comment and its text, in the coordinates of
//! the string searched (the Markdown text, the page's source).

use std::cell::RefCell;
use std::ops::Range;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

use crate::text::LineIndex;

/// A comment: its whole range (`<!--` to `-->`) and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub range: Range<usize>,
    pub text: String,
}

const OPEN: &str = "<!--";
const CLOSE: &str = "-->";

/// True when `s` (a comment's text) may be addressed to nianbao.
fn ours(s: &str) -> bool {
    s.trim_start()
        .get(..8)
        .is_some_and(|p| p.eq_ignore_ascii_case("nianbao-"))
}

/// The nianbao comments of a Markdown text (at most `limit`).
pub fn markdown(text: &str, limit: usize) -> Vec<Found> {
    if !text.contains(OPEN) {
        return Vec::new();
    }
    let fences = fenced_blocks(text);
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text.get(from..).and_then(|t| t.find(OPEN)) {
        let start = from + i;
        let body_start = start + OPEN.len();
        let Some(j) = text[body_start..].find(CLOSE) else {
            break;
        };
        let end = body_start + j + CLOSE.len();
        from = end;
        // Fences are sorted and disjoint: the last one starting at or before.
        let k = fences.partition_point(|f| f.start <= start);
        if k > 0 && fences[k - 1].contains(&start) {
            continue;
        }
        if out.len() == limit {
            break;
        }
        let body = &text[body_start..body_start + j];
        if ours(body) {
            out.push(Found {
                range: start..end,
                text: body.trim().to_string(),
            });
        }
    }
    out
}

/// The byte ranges of fenced code blocks (``` or ~~~ at the start of a line).
fn fenced_blocks(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut open: Option<(usize, &str)> = None;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        let fence = ["```", "~~~"].into_iter().find(|f| t.starts_with(f));
        match (open, fence) {
            (None, Some(f)) => open = Some((at, f)),
            (Some((start, f)), Some(g)) if f == g => {
                out.push(start..at + line.len());
                open = None;
            }
            _ => {}
        }
        at += line.len();
    }
    if let Some((start, _)) = open {
        out.push(start..text.len());
    }
    out
}

/// The nianbao comments of a web page's source (at most `limit`).
pub fn html(src: &str, limit: usize) -> Vec<Found> {
    if !src.contains(OPEN) || !src.to_ascii_lowercase().contains("nianbao-") {
        return Vec::new();
    }
    let sink = Sink {
        comments: RefCell::new(Vec::new()),
        limit,
    };
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(src));
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
    let comments = tokenizer.sink.comments.into_inner();
    let lines = LineIndex::new(src);
    let mut out = Vec::new();
    let mut cursor = 0;
    for (text, line) in comments {
        // The comment ends on 1-based line `line`: it is the first `<!--` from the
        // cursor whose text starts as the token's does, no later than that line.
        let line_end = lines
            .line_range(src, line.saturating_sub(1))
            .end
            .min(src.len());
        let first = text
            .trim_start()
            .lines()
            .next()
            .unwrap_or_default()
            .trim_end();
        let mut from = cursor;
        let mut found = false;
        while let Some(i) = src.get(from..line_end).and_then(|s| s.find(OPEN)) {
            let start = from + i;
            let after = &src[start + OPEN.len()..];
            if after.trim_start().starts_with(first) {
                let end = after
                    .find(CLOSE)
                    .map_or(src.len(), |j| start + OPEN.len() + j + CLOSE.len());
                out.push(Found {
                    range: start..end,
                    text: text.trim().to_string(),
                });
                cursor = end;
                found = true;
                break;
            }
            from = start + OPEN.len();
        }
        if !found {
            // Odd markup: nothing before its line is searched again.
            cursor = cursor.max(line_end);
        }
    }
    out
}

struct Sink {
    comments: RefCell<Vec<(String, usize)>>,
    limit: usize,
}

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, line: u64) -> TokenSinkResult<()> {
        match token {
            Token::CommentToken(c) if ours(&c) => {
                let line = usize::try_from(line).unwrap_or(usize::MAX);
                let mut comments = self.comments.borrow_mut();
                if comments.len() < self.limit {
                    comments.push((c.to_string(), line));
                }
            }
            // As the page loader: the text of these elements is not markup.
            Token::TagToken(tag) if tag.kind == TagKind::StartTag && !tag.self_closing => {
                let kind = match &*tag.name {
                    "script" => Some(RawKind::ScriptData),
                    "title" | "textarea" => Some(RawKind::Rcdata),
                    "style" | "xmp" | "iframe" | "noembed" | "noframes" => Some(RawKind::Rawtext),
                    _ => None,
                };
                if let Some(k) = kind {
                    return TokenSinkResult::RawData(k);
                }
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_comments_outside_code() {
        let t = "a\n<!-- nianbao-disable X101 -->\n```\n<!-- nianbao-disable T201 -->\n```\n<!-- 其他 -->\n";
        let f = markdown(t, 10);
        assert_eq!(f.len(), 1);
        assert_eq!(&t[f[0].range.clone()], "<!-- nianbao-disable X101 -->");
        assert_eq!(f[0].text, "nianbao-disable X101");
    }

    #[test]
    fn html_comments_not_in_scripts() {
        let src = "<p>a</p>\n<script>var s = '<!-- nianbao-disable X1 -->';</script>\n<!-- nianbao-disable X101 -->\n<p>b</p><!--nianbao-enable-->";
        let f = html(src, 10);
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(&src[f[0].range.clone()], "<!-- nianbao-disable X101 -->");
        assert_eq!(&src[f[1].range.clone()], "<!--nianbao-enable-->");
    }
}
