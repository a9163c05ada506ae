//! Rule kind `aggregate`: a summary report's tables must equal the sum of its units'
//! reports, cell by cell (a county's summary = the sum of its departments' and
//! townships'). Which report sums which is the configuration's `[[aggregate]]`
//! (`nianbao.toml`: `total` and `parts`); the rule says which tables are summed and how
//! serious a mismatch is. Run by `series` over a batch.
//!
//! ```toml
//! [[aggregate]]
//! id = "Y201"
//! severity = "error"
//! tables = ["t2", "t3", "t4"]
//! ```
//!
//! A cell is compared only when the summary and every unit have a certain number in it
//! (a blank, unreadable or ambiguous cell is each report's own finding). The finding is
//! on the summary's cell, with the per-unit values in a note.

use super::{Check, resolve_ids, rule_def};
use crate::number::Num;
use crate::rules::series_check::{AggregateCx, Facts, SeriesCheck};
use crate::spill::Reader;
use crate::template::Templates;
use crate::template::error::DefError;

rule_def! {
    /// `[[aggregate]]`
    pub struct Def {
        #[serde(default)]
        pub tables: Vec<toml::Spanned<String>>,
    }
}

/// Units listed one by one in the note; the rest are counted.
const LISTED: usize = 12;

struct Aggregate {
    tables: Vec<usize>,
}

pub fn compile(def: &Def, cx: &super::CompileCx<'_>) -> Result<Box<dyn Check>, DefError> {
    let templates = cx.templates;
    let tables = resolve_ids(
        &def.tables,
        templates.tables.len(),
        |id| templates.table_index(id),
        || templates.tables.iter().map(|t| t.id.as_str()).collect(),
        "表格",
    )?;
    Ok(Box::new(Aggregate { tables }))
}

impl Check for Aggregate {
    fn check(&self, _cx: &mut super::Context<'_>) {}

    fn series(&self) -> Option<&dyn SeriesCheck> {
        Some(self)
    }

    fn explain(&self, templates: &Templates) -> Vec<String> {
        let names: Vec<&str> = self
            .tables
            .iter()
            .filter_map(|&t| templates.tables.get(t).map(|t| t.name.as_str()))
            .collect();
        vec![
            format!(
                "逐格核对：汇总报告的{} = 各单位报告相应单元格之和",
                names.join("、")
            ),
            "哪份报告汇总哪些报告，由配置文件 nianbao.toml 的 [[aggregate]]（total、parts）指定。"
                .into(),
        ]
    }
}

impl SeriesCheck for Aggregate {
    /// No facts of its own (it reads the cells).
    fn decode_facts(&self, _input: &mut Reader<'_>) -> Option<Box<dyn Facts>> {
        None
    }

    fn check_aggregate(&self, cx: &mut AggregateCx<'_>) {
        if cx.parts.is_empty() {
            return;
        }
        let mut found = Vec::new();
        for &t in &self.tables {
            let Some(tpl) = cx.templates.tables.get(t) else {
                continue;
            };
            let Some(rows) = cx.total.cells.tables.get(t) else {
                continue;
            };
            for (ri, row) in rows.iter().enumerate() {
                if tpl.rows[ri].group {
                    continue;
                }
                for &c in &tpl.rows[ri].columns {
                    let Some(total) = row.value(c) else {
                        continue;
                    };
                    let mut sum = Num::ZERO;
                    let mut each: Vec<(&str, Num)> = Vec::with_capacity(cx.parts.len());
                    let mut certain = true;
                    for p in &cx.parts {
                        match p.cells.row(t, ri).and_then(|r| r.value(c)) {
                            Some(v) => {
                                each.push((p.path.as_str(), v.value));
                                match sum.checked_add(v.value) {
                                    Some(s) => sum = s,
                                    None => certain = false,
                                }
                            }
                            _ => certain = false,
                        }
                    }
                    if !certain || sum == total.value {
                        continue;
                    }
                    let name = format!(
                        "{}「{}」{}",
                        tpl.name,
                        tpl.rows[ri].short,
                        tpl.columns[c].display()
                    );
                    let mut listed: Vec<String> = each
                        .iter()
                        .take(LISTED)
                        .map(|(p, v)| format!("{p} {v}"))
                        .collect();
                    if each.len() > LISTED {
                        listed.push(format!("其余 {} 个单位", each.len() - LISTED));
                    }
                    let d = crate::diagnostic::Diagnostic::new(
                        &cx.meta.id,
                        cx.meta.severity,
                        total.span.clone(),
                        format!(
                            "汇总报告的{name}与 {} 个单位报告之和不符：汇总 {}，各单位之和 {sum}",
                            each.len(),
                            total.value
                        ),
                    )
                    .primary_label(format!("汇总 {}", total.value))
                    .note(format!("各单位：{}", listed.join("、")))
                    .help(format!(
                        "若各单位报告无误，汇总应为 {sum}；否则请核对各单位的数字"
                    ));
                    found.push(d);
                }
            }
        }
        cx.out.diagnostics.extend(found);
    }
}
