//! Rule kind `suppression`: a suppression comment that does nothing — it suppresses no
//! finding, names a rule the pack does not have, or is not a directive nianbao knows
//! (ruff's RUF100). A stale suppression hides the next real defect at that place, so
//! it is reported like any finding (and can be disabled or re-graded like one).
//!
//! Unlike the other kinds, its findings cannot be made by looking at the document
//! alone: they depend on what every other rule reported. So `check` does nothing, and
//! `crate::suppress::apply` — run after all rules — reports with this rule's id and
//! severity. A pack declares it once:
//!
//! ```toml
//! [[suppression]]
//! id = "E107"
//! severity = "warning"
//! summary = "检查豁免注释没有作用"
//! description = "…"
//! ```

use super::{Check, CompileCx, Context, rule_def};
use crate::template::Templates;
use crate::template::error::DefError;

rule_def! {
    /// `[[suppression]]`
    pub struct Def {
    }
}

struct Suppression;

pub fn compile(_def: &Def, _cx: &CompileCx<'_>) -> Result<Box<dyn Check>, DefError> {
    Ok(Box::new(Suppression))
}

impl Check for Suppression {
    /// Nothing here: `crate::suppress::apply` reports after every other rule ran.
    fn check(&self, _cx: &mut Context<'_>) {}

    fn explain(&self, _templates: &Templates) -> Vec<String> {
        vec![
            "Markdown 和网页中的注释：<!-- nianbao-disable-next-line X101 -->（下一行）、<!-- nianbao-disable X101 --> … <!-- nianbao-enable X101 -->（一段）；不写规则编号即豁免所有规则".to_string(),
            "Word 文档中的批注：批注文字为「nianbao-disable X101」，豁免批注所标注的文字".to_string(),
            "报告：没有豁免任何问题的注释、注释中不存在的规则编号、无法识别的 nianbao- 指令".to_string(),
        ]
    }
}
