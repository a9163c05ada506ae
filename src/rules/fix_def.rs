//! Not a rule kind: the `fix` field a `pattern` or `repetition` rule may declare, so
//! that `nianbao check --fix` can apply it. Only a text with exactly one right answer
//! may declare one: `fix = "delete"` (remove the offending text) or
//! `fix = { replace = "…" }` (put this text in its place). Checked when the pack
//! loads: the value's shape, a replacement without line breaks or numerals (a fix
//! never writes a number), and the rule's examples (see `pattern::compile`).

use crate::template::error::DefError;

/// What a fix does with the offending text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FixAction {
    Delete,
    Replace(String),
}

impl FixAction {
    /// The text put in place of `hit`.
    pub fn replacement(&self) -> &str {
        match self {
            FixAction::Delete => "",
            FixAction::Replace(r) => r,
        }
    }

    /// For `nianbao explain`.
    pub fn describe(&self) -> String {
        match self {
            FixAction::Delete => "删除识别出的文字".into(),
            FixAction::Replace(r) => format!("把识别出的文字改为「{r}」"),
        }
    }
}

/// Reads a `fix` value; `replace` says whether `{ replace = "…" }` is allowed.
pub fn parse(value: &toml::Spanned<toml::Value>, replace: bool) -> Result<FixAction, DefError> {
    let bad = |message: &str| {
        DefError::new(value.span(), message.to_string(), "此 fix").help(if replace {
            "可写 fix = \"delete\"（删除），或 fix = { replace = \"替换文字\" }"
        } else {
            "此类规则只支持 fix = \"delete\""
        })
    };
    match value.get_ref() {
        toml::Value::String(s) if s == "delete" => Ok(FixAction::Delete),
        toml::Value::Table(t) if replace && t.len() == 1 => match t.get("replace") {
            Some(toml::Value::String(r)) => {
                if r.contains(['\n', '\r']) {
                    Err(bad("fix 的替换文字不能换行"))
                } else if r.chars().any(crate::diagnostic::safe_fix::is_numeral) {
                    Err(bad("fix 的替换文字不能含数字：自动修复从不改动数字"))
                } else {
                    Ok(FixAction::Replace(r.clone()))
                }
            }
            _ => Err(bad("fix 的 replace 应是一个字符串")),
        },
        _ => Err(bad("无法识别的 fix")),
    }
}
