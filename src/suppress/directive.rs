//! The text of one suppression comment: `nianbao-disable-next-line X101, X102`,
//! `nianbao-disable X101`, `nianbao-enable X101`. Rule ids are separated by commas
//! (`,`, `，`, `、`) or spaces and read case-insensitively; the list ends at `--` or
//! at the first word that is not ASCII, so a reason may follow
//! (`nianbao-disable X101 -- 已与业务科室核对`, `nianbao-disable X101 已核对`).
//! No id: every rule (as ESLint's and ruff's blanket forms).

/// What a directive does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    /// The line after the comment.
    NextLine,
    /// From the comment on, until a matching `Enable` (or, for a Word comment, the
    /// text the comment is anchored to).
    Disable,
    /// Ends a `Disable`.
    Enable,
}

impl Command {
    pub fn word(self) -> &'static str {
        match self {
            Command::NextLine => "nianbao-disable-next-line",
            Command::Disable => "nianbao-disable",
            Command::Enable => "nianbao-enable",
        }
    }
}

/// A comment addressed to nianbao.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Parsed {
    Directive {
        command: Command,
        /// Upper-case rule ids, each once, in the order written; empty: every rule.
        rules: Vec<String>,
    },
    /// Starts with `nianbao-` but is no directive (a typo): the word as written.
    Unknown(String),
}

/// Reads a comment's text; `None` when it is not addressed to nianbao.
pub fn parse(comment: &str) -> Option<Parsed> {
    let body = comment.trim();
    if !body
        .get(..8)
        .is_some_and(|p| p.eq_ignore_ascii_case("nianbao-"))
    {
        return None;
    }
    let word_end = body
        .find(|c: char| c.is_whitespace() || matches!(c, ':' | '：'))
        .unwrap_or(body.len());
    let word = &body[..word_end];
    let command = match word.to_ascii_lowercase().as_str() {
        "nianbao-disable-next-line" => Command::NextLine,
        "nianbao-disable" => Command::Disable,
        "nianbao-enable" => Command::Enable,
        _ => return Some(Parsed::Unknown(word.to_string())),
    };
    let rest = body[word_end..].trim_start_matches([':', '：']);
    let rest = rest.split("--").next().unwrap_or_default();
    let mut rules: Vec<String> = Vec::new();
    for token in rest.split(|c: char| c.is_whitespace() || matches!(c, ',' | '，' | '、')) {
        if token.is_empty() {
            continue;
        }
        if !token.is_ascii() {
            break;
        }
        let id = token.to_ascii_uppercase();
        if !rules.contains(&id) {
            rules.push(id);
        }
    }
    Some(Parsed::Directive { command, rules })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directive(s: &str) -> (Command, Vec<String>) {
        match parse(s) {
            Some(Parsed::Directive { command, rules }) => (command, rules),
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn forms_ids_and_reasons() {
        assert_eq!(
            directive(" nianbao-disable-next-line X101, x102，T201、T201 "),
            (
                Command::NextLine,
                vec!["X101".into(), "X102".into(), "T201".into()]
            )
        );
        assert_eq!(directive("nianbao-disable"), (Command::Disable, vec![]));
        assert_eq!(
            directive("nianbao-disable X101 -- 已核对 T201"),
            (Command::Disable, vec!["X101".into()])
        );
        assert_eq!(
            directive("nianbao-disable X101 已与业务科室核对"),
            (Command::Disable, vec!["X101".into()])
        );
        assert_eq!(
            directive("NIANBAO-ENABLE: X101"),
            (Command::Enable, vec!["X101".into()])
        );
        assert_eq!(
            parse("nianbao-disabel X101"),
            Some(Parsed::Unknown("nianbao-disabel".into()))
        );
        assert_eq!(parse("expect: X101"), None);
        assert_eq!(parse("nianbao"), None);
    }
}
