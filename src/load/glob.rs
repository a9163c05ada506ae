//! Path globs of a configuration (`include`, `exclude`, `per-file-ignores`), matched
//! against a path relative to the configuration's folder, with `/` separators:
//! `*` and `?` stay within one path segment, `**` spans any number of segments, and a
//! pattern without `/` matches a file or folder name at any depth (as in `.gitignore`).

use crate::load::glob_match;

pub fn matches(pattern: &str, relative: &str) -> bool {
    let pattern = pattern.trim_start_matches("./");
    let path: Vec<&str> = relative.split('/').filter(|s| !s.is_empty()).collect();
    if !pattern.contains('/') {
        return path.iter().any(|segment| glob_match(pattern, segment));
    }
    let pat: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
    segments(&pat, &path) || prefix(&pat, &path)
}

/// A pattern naming a folder (`drafts/**` or `drafts`) covers the files inside it.
fn prefix(pat: &[&str], path: &[&str]) -> bool {
    (1..path.len()).any(|n| segments(pat, &path[..n]) && pat.last() != Some(&"**"))
}

fn segments(pat: &[&str], path: &[&str]) -> bool {
    match pat.split_first() {
        None => path.is_empty(),
        Some((&"**", rest)) => (0..=path.len()).any(|skip| segments(rest, &path[skip..])),
        Some((first, rest)) => path
            .split_first()
            .is_some_and(|(p, tail)| glob_match(first, p) && segments(rest, tail)),
    }
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn globs_follow_path_segments() {
        assert!(matches("2023/*.docx", "2023/年报.docx"));
        assert!(!matches("2023/*.docx", "2024/年报.docx"));
        assert!(!matches("2023/*.docx", "2023/sub/年报.docx"));
        assert!(matches("**/*.docx", "a/b/年报.docx"));
        assert!(matches("**/*.docx", "年报.docx"));
        assert!(matches("*.docx", "a/b/年报.docx"));
        assert!(matches("drafts/**", "drafts/x/年报.txt"));
        assert!(matches("drafts", "drafts/年报.txt"));
        assert!(matches("./drafts/*.txt", "drafts/年报.txt"));
        assert!(!matches("drafts/**", "final/年报.txt"));
    }
}
