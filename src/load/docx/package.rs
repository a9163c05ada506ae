//! The package parts of a Word document around its body: relationship targets and
//! how a target names a zip entry. Shared by the reader (which finds the comments a
//! report carries) and `annotate` (which writes them).

/// `name="value"` in a tag (first occurrence).
pub fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!("{name}=\"");
    let at = tag.find(&key)? + key.len();
    let end = tag[at..].find('"')? + at;
    Some(tag[at..end].to_string())
}

/// The target of the comments relationship in a relationships part.
pub fn comments_target(rels: &str) -> Option<String> {
    rel_target(rels, "/comments")
}

/// The target of the first relationship whose type ends with `suffix`.
pub fn rel_target(rels: &str, suffix: &str) -> Option<String> {
    let mut rest = rels;
    while let Some(at) = rest.find("<Relationship ") {
        let tag_end = rest[at..].find('>')? + at;
        let tag = &rest[at..tag_end];
        if attr(tag, "Type").is_some_and(|t| t.ends_with(suffix)) {
            return attr(tag, "Target");
        }
        rest = &rest[tag_end..];
    }
    None
}

/// A target relative to the main part's folder, as a zip entry name.
pub fn resolve(dir: &str, target: &str) -> String {
    if let Some(abs) = target.strip_prefix('/') {
        return abs.to_string();
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for piece in target.split('/') {
        match piece {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            p => parts.push(p),
        }
    }
    parts.join("/")
}
