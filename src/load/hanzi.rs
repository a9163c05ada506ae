//! Traditional Chinese. Reports are mirrored in 繁體 (and some units publish so); the
//! packs are written in simplified Chinese. Such a text is read through a simplified
//! copy made character by character (the `fast2s` table), so every character keeps its
//! byte length and every span found on the copy is a span of the original too: the
//! rules match on the copy, the user is shown the original.

/// A simplified copy of `text` when it is written in traditional Chinese, else `None`.
/// The copy has the same length and character boundaries as `text`.
pub fn simplify(text: &str) -> Option<String> {
    // Every report passes here: decide on a sample of its opening, and convert the
    // whole text only when it is traditional (a mirror is traditional throughout).
    let mut end = text.len().min(SAMPLE_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    if changed_chars(&text[..end]) < MIN_SAMPLE_CHANGED {
        return None;
    }
    let converted = fast2s::convert(text);
    let mut out = String::with_capacity(text.len());
    let mut changed = 0usize;
    let mut cjk = 0usize;
    let mut conv = converted.chars();
    for ch in text.chars() {
        let Some(c) = conv.next() else {
            // The converter changed the character count: keep the rest as it is.
            out.push(ch);
            continue;
        };
        if is_cjk(ch) {
            cjk += 1;
        }
        if c != ch && c.len_utf8() == ch.len_utf8() {
            changed += 1;
            out.push(c);
        } else {
            out.push(ch);
        }
    }
    // A few converted characters occur in simplified text too (names, 乾/干): call a
    // text traditional only when it is so throughout.
    let traditional = changed >= 8 && changed * 100 >= cjk * 3;
    (traditional && out.len() == text.len()).then_some(out)
}

/// Bytes of the opening looked at to tell a traditional text.
const SAMPLE_BYTES: usize = 1024;
/// Converted characters the sample must have (a few occur in simplified text too).
const MIN_SAMPLE_CHANGED: usize = 3;

/// Characters of `sample` the conversion changes.
fn changed_chars(sample: &str) -> usize {
    let converted = fast2s::convert(sample);
    sample
        .chars()
        .zip(converted.chars())
        .filter(|(a, b)| a != b)
        .count()
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traditional_text_gets_a_simplified_copy_of_the_same_length() {
        let t = "一、總體情況\n二、主動公開政府信息情況\n三、收到和處理政府信息公開申請情況";
        let s = simplify(t).expect("traditional");
        assert_eq!(s.len(), t.len());
        assert!(s.starts_with("一、总体情况"), "{s}");
        assert!(s.contains("收到和处理政府信息公开申请情况"), "{s}");
    }

    #[test]
    fn simplified_text_is_left_alone() {
        let s = "一、总体情况\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况";
        assert_eq!(simplify(s), None);
        assert_eq!(simplify(""), None);
    }
}
