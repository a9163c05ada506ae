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
    let sample = &text[..end];
    // A bound first, a bit per character: a simplified text has hardly any character
    // the conversion could change, and is let go without converting its sample.
    if sample.chars().filter(|&c| may_change(c)).count() < MIN_SAMPLE_CHANGED
        || changed_chars(sample) < MIN_SAMPLE_CHANGED
    {
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

/// A bit per character of the Basic Multilingual Plane: set for each one `fast2s`
/// can change (tabulated from it by `build.rs`). Every character it changes in a text
/// has its bit set, so the characters with a bit set bound those it changes.
static CHANGEABLE: [u64; 1024] = include!(concat!(env!("OUT_DIR"), "/t2s_changeable.rs"));

/// Whether `fast2s` can change `c` (in some text).
fn may_change(c: char) -> bool {
    let code = c as usize;
    CHANGEABLE
        .get(code / 64)
        .is_some_and(|word| word >> (code % 64) & 1 == 1)
}

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

    /// Every character `fast2s` changes has its bit set: alone, and between the
    /// characters of the words its special cases look at (and between others).
    #[test]
    fn the_table_bounds_what_the_conversion_changes() {
        let neighbours = [
            '0', '一', '的', '口', '憑', '看', '麻', '家', '書', '校', '定', '仇', '計', '企',
            '寬', '答', '批', '回', '甚', '慰', '狼', '望', '幺', '樊', '隆', '坤', '卦', '兒',
            '藉', '著', '苧', '闔', '鍾', '讎', '畫', '覆', '夥', '瞭', '麽', '於', '乾',
        ];
        let mut set = 0;
        for code in 0x800u32..=0xFFFF {
            let Some(c) = char::from_u32(code) else {
                continue;
            };
            for &(before, after) in &[('0', '0'), (neighbours[1], neighbours[2])] {
                let s: String = [before, c, after].iter().collect();
                let changed = fast2s::convert(&s).chars().nth(1) != Some(c);
                assert!(
                    !changed || may_change(c),
                    "{c} (U+{code:04X}) changed, bit unset"
                );
            }
            set += usize::from(may_change(c));
        }
        for &c in &neighbours {
            for &d in &neighbours {
                for s in [[c, d, '0'], ['0', c, d]] {
                    let s: String = s.iter().collect();
                    let converted = fast2s::convert(&s);
                    for (a, b) in s.chars().zip(converted.chars()) {
                        assert!(a == b || may_change(a), "{a} changed in {s}, bit unset");
                    }
                }
            }
        }
        // The table is the conversion's, not everything: about 2,700 characters.
        assert!((2_000..4_000).contains(&set), "{set} characters set");
        assert!(may_change('總') && may_change('著') && !may_change('总') && !may_change('a'));
    }

    /// `simplify` as it was before the table: the sample converted every time.
    fn reference_simplify(text: &str) -> Option<String> {
        let mut end = text.len().min(SAMPLE_BYTES);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        if changed_chars(&text[..end]) < MIN_SAMPLE_CHANGED {
            return None;
        }
        simplify(text)
    }

    #[test]
    fn the_table_decides_as_the_conversion_did() {
        let simplified: Vec<char> = "一、总体情况本年度收到申请件办结予以公开政府信息主动公开发布"
            .chars()
            .collect();
        let traditional: Vec<char> = "總體情況年度收到申請辦結予以公開政府資訊發佈著藉畫"
            .chars()
            .collect();
        let mut traditional_seen = 0;
        for seed in 0..400u64 {
            let mut rng = crate::test_rng::below(seed * 7919 + 1);
            let share = rng(6);
            let len = 50 + rng(600);
            let text: String = (0..len)
                .map(|_| {
                    if rng(10) < share {
                        traditional[rng(traditional.len())]
                    } else {
                        simplified[rng(simplified.len())]
                    }
                })
                .collect();
            let got = simplify(&text);
            traditional_seen += usize::from(got.is_some());
            assert_eq!(got, reference_simplify(&text), "{text}");
        }
        assert!(traditional_seen > 0, "no generated text was traditional");
    }

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
