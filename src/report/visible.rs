//! Makes control characters visible before they reach a terminal: a report or a file
//! name carrying terminal escape sequences (clipboard writes, erased lines, hidden
//! text) must not act on the user's terminal. As rustc does, C0 controls become their
//! Unicode control pictures (`ESC` → `␛`); DEL, C1 controls and bidirectional
//! overrides become `\u{…}`. Tabs and line breaks are left to the caller.

use std::borrow::Cow;

/// The visible form of `c`, or `None` when it can be printed as it is.
pub fn replacement(c: char) -> Option<Cow<'static, str>> {
    match c {
        '\t' | '\n' => None,
        '\0'..='\u{1F}' => char::from_u32(0x2400 + c as u32).map(|p| Cow::Owned(p.to_string())),
        '\u{7F}' => Some(Cow::Borrowed("␡")),
        '\u{80}'..='\u{9F}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}' => Some(Cow::Owned(format!("\\u{{{:x}}}", c as u32))),
        _ => None,
    }
}

/// `s` with every control character made visible (line breaks and tabs kept).
pub fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| replacement(c).is_some()) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match replacement(c) {
            Some(r) => out.push_str(&r),
            None => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// `visible`, also for line breaks: for one-line texts such as file names.
pub fn visible_line(s: &str) -> Cow<'_, str> {
    if !s.contains(['\n', '\t']) {
        return visible(s);
    }
    let v = visible(s);
    Cow::Owned(v.replace('\n', "␊").replace('\t', "␉"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_become_visible() {
        assert_eq!(visible("a\u{1b}]52;c;x\u{7}b"), "a␛]52;c;x␇b");
        assert_eq!(visible("x\u{9b}2Ky\u{202e}"), "x\\u{9b}2Ky\\u{202e}");
        assert_eq!(visible("一、总体情况\n\t"), "一、总体情况\n\t");
        assert_eq!(visible_line("a\nb"), "a␊b");
        assert!(matches!(visible("plain 文本"), Cow::Borrowed(_)));
    }
}
