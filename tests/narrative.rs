//! Narrative rules (X, N, D, E, S3xx): each fires on a defect and stays silent on
//! correct text. The clean example report's tables say: 新收 24, 上年结转 2, （七）总计 24,
//! 结转下年度 2, 予以公开 13, 部分公开 3, 不予公开 1, 无法提供 6, 不予处理 1, 行政复议 2,
//! 行政诉讼 1 (直接起诉 1 + 复议后起诉 0), 行政规范性文件 制发 3 / 废止 1 / 现行有效 12.

use crate::common;

use common::{clean, lint, replace, rules_of};
use nianbao::{Diagnostic, Severity};

/// The clean report with `sentence` added as a paragraph of 一（二）.
fn in_overview(sentence: &str) -> String {
    replace(
        &clean(),
        "（三）政府信息管理情况\n",
        &format!("{sentence}\n（三）政府信息管理情况\n"),
    )
}

/// The clean report with `sentence` added at the start of 五.
fn in_problems(sentence: &str) -> String {
    replace(
        &clean(),
        "五、存在的主要问题及改进情况\n",
        &format!("五、存在的主要问题及改进情况\n{sentence}\n"),
    )
}

/// Correct sentences that must not produce any finding: figures that agree with the
/// tables, and figures that merely look like them.
const SILENT: &[&str] = &[
    // Figures that agree with the tables, in many wordings.
    "2024年共收到各类政府信息公开申请24件。",
    "全年共受理依申请公开24件。",
    "本年度共承办依申请公开政府信息事项24件。",
    "全局共收到政府信息公开申请二十四件。",
    "共收到政府信息公开申请２４件。",
    "收到24件政府信息公开申请，均按时答复。",
    "上年结转2件，已全部办结。",
    "全年共收到政府信息公开申请24件，已答复24件（含上年结转2件）。",
    "结转下年度继续办理2件。",
    "另有2件申请依法顺延至下年度答复。",
    "本年度办理结果为：予以公开13件，部分公开3件，不予公开1件，无法提供6件，不予处理1件。",
    "因政府信息公开被申请行政复议2件，被提起行政诉讼1件。",
    "本年度有2件行政复议案件，1件行政诉讼案件。",
    "制发行政规范性文件3件，废止行政规范性文件1件，现行有效行政规范性文件12件。",
    "本年度未制定规章。",
    "收到政府信息公开申请24件，其中自然人20件、法人或其他组织4件。",
    "本年度政府信息公开申请共24件。",
    "统计期限自2024年1月1日起至2024年12月31日止。",
    "本报告中所列数据统计期限从2024年1月1日到12月31日止。",
    "全年共收到政府信息公开申请24件，同比增长20%。",
    // Figures that look similar but are not cross-references.
    "办理人大代表建议和政协委员提案7件，其中主办2件、协办5件。",
    "利用微信公众号共推送信息395条。",
    "在全县投放“市民之窗”综合自助终端43台。",
    "全年召开新闻发布会12场，在线访谈5次。",
    "联系电话：0571-88886666。",
    "邮政编码：311300。",
    "地址：青山县人民路88号。",
    "2024年12月20日召开政务公开工作推进会。",
    "依据国办公开办函〔2021〕30号文件要求编制。",
    "根据《中华人民共和国政府信息公开条例》（国令第711号）开展工作。",
    "全年收取政府信息公开信息处理费3940元。",
    "群众满意率达100%。",
    "政务新媒体粉丝数同比增长12.5%。",
    "主要发布财政资金、规划信息等相关信息20余条。",
    "收到群众来信15件，均已办结。",
    "受理人大代表建议8件、政协提案5件。",
    "办结政协委员提案5件。",
    "发放政策宣传资料2000余份。",
    "接听群众咨询电话120余个。",
    "门户网站累计访问量达12.5万次。",
    "全年更新网站信息326条，其中政策文件21条、通知公告87条、工作动态218条。",
    "回复网民留言48条。",
    "组织业务培训2次，参训人员60人次。",
    "较2023年收到的政府信息公开申请30件有所下降。",
    "政府信息公开申请数量同比减少6件。",
    "2023年共收到政府信息公开申请30件。",
    "本单位政务公开领导小组共有成员12人。",
    "共梳理公开事项目录清单15项。",
    "建立健全制度3项。",
    "开设“政策解读”专栏，发布解读文章9篇。",
    "全年未发生政府信息公开工作责任追究情况。",
    "未发生因政府信息公开申请引发的行政复议纠错情况。",
    "行政复议纠错率为0。",
    "申请人为自然人的20件。",
    "办理依申请公开件24件，按时办结率100%。",
    "2024年1月1日起施行新的管理办法。",
    "共有政务新媒体账号5个，关停整合2个。",
    "信息公开专栏新增子栏目3个。",
    "全区各部门共收到人大代表建议45件。",
    "公开财政预决算信息36条。",
    "涉及资金共计1,250.5万元。",
    "第三季度召开专题会议4次。",
    "收到省政府办公厅转来的咨询2件。",
    "共处理网民留言、咨询等46件。",
    "详见网址https://www.example.gov.cn/index.html?id=3。",
    "您对本报告有什么意见？",
    "认认真真做好每一项工作。",
    "主动公开信息共计100条，主要包括政策文件、通知公告等。",
    // A combined category, categories answered, other wordings of the tables' figures.
    "其中，予以公开及部分公开16件（66.67%），不予公开1件（4.17%）。",
    "同意公开答复 13 件，部分公开答复 3 件，不予公开答复 1 件。",
    "全年共收到政府信息公开申请24件，其中同意公开答复13件。",
    "行政复议数为 2 件，行政诉讼数为 1 件。",
    "转下一年度办理答复的有 2 件。",
    "办结依申请公开24件，其中：予以公开13件，占54.17%；部分公开3件，占12.5%。",
];

/// Correct sentences about plans, in 五.
const SILENT_PLANS: &[&str] = &[
    "2025年，我局将进一步加强政策解读。",
    "下一步，我局将继续深化政务公开工作。",
    "2024年，我局将政务公开工作纳入年度考核，但培训仍显不足。",
];

#[test]
fn sixty_and_more_correct_sentences_stay_silent() {
    assert!(SILENT.len() + SILENT_PLANS.len() >= 60);
    assert!(lint(&clean()).is_empty());
    for sentence in SILENT {
        let d = lint(&in_overview(sentence));
        assert!(d.is_empty(), "「{sentence}」: {:#?}", d);
    }
    for sentence in SILENT_PLANS {
        let d = lint(&in_problems(sentence));
        assert!(d.is_empty(), "「{sentence}」: {:#?}", d);
    }
}

fn only(d: &[Diagnostic], rule: &str) -> Diagnostic {
    assert_eq!(rules_of(d), [rule], "{d:#?}");
    d[0].clone()
}

fn text_at<'a>(text: &'a str, d: &Diagnostic) -> &'a str {
    &text[d.primary.clone()]
}

// ───────────────────────────── X

#[test]
fn x101_figure_differs_from_the_table() {
    let text = replace(
        &clean(),
        "共收到政府信息公开申请24件",
        "共收到政府信息公开申请25件",
    );
    let d = lint(&text);
    let x = only(&d, "X101");
    assert_eq!(x.severity, Severity::Error);
    assert_eq!(text_at(&text, &x), "25");
    assert!(
        x.message.contains("为 25") && x.message.contains("（24）"),
        "{}",
        x.message
    );
    assert_eq!(x.labels.len(), 1, "the table cell is labelled");
    assert_eq!(&text[x.labels[0].span.clone()], "24");
}

#[test]
fn x101_chinese_and_full_width_numerals_are_read() {
    for figure in ["二十五", "２５"] {
        let d = lint(&replace(
            &clean(),
            "共收到政府信息公开申请24件",
            &format!("共收到政府信息公开申请{figure}件"),
        ));
        assert!(only(&d, "X101").message.contains("为 25"), "{figure}");
    }
}

#[test]
fn x101_new_plus_carried_is_a_warning_that_says_so() {
    let d = lint(&replace(
        &clean(),
        "共收到政府信息公开申请24件",
        "共收到政府信息公开申请26件",
    ));
    let x = only(&d, "X101");
    assert_eq!(x.severity, Severity::Warning);
    assert!(
        x.message.contains("本年新收与上年结转之和"),
        "{}",
        x.message
    );
}

/// "受理" often counts 新收 + 上年结转 (受理 749 = 新收 713 + 结转 36): a warning at most,
/// and the answered total (X103) knows the same alternative.
#[test]
fn received_including_carried_over_is_at_most_a_warning() {
    for sentence in [
        "全年共受理政府信息公开申请26件。",
        "全年共收到政府信息公开申请26件。",
        "2024年，全区收到申请26件。",
    ] {
        let x = only(&lint(&in_overview(sentence)), "X101");
        assert_eq!(x.severity, Severity::Warning, "{sentence}");
        assert!(x.help.as_deref().unwrap_or("").contains("应为 24"));
    }
    let x = only(
        &lint(&in_overview("全年共收到政府信息公开申请24件，已答复26件。")),
        "X103",
    );
    assert_eq!(x.severity, Severity::Warning);
}

#[test]
fn approximate_and_damaged_figures_are_not_compared() {
    let d = lint(&replace(
        &clean(),
        "共收到政府信息公开申请24件",
        "共收到政府信息公开申请30余件",
    ));
    assert!(d.is_empty(), "{d:#?}");
    let d = lint(&replace(
        &clean(),
        "共收到政府信息公开申请24件",
        "共收到政府信息公开申请?4件",
    ));
    assert_eq!(
        rules_of(&d),
        ["E101"],
        "the damage is reported, the figure is not read"
    );
}

#[test]
fn x101_negated_statement_means_zero() {
    let d = lint(&in_overview("本年度未收到政府信息公开申请。"));
    let x = only(&d, "X101");
    assert!(
        x.message.contains("为 0（「未收到政府信息公开申请」）"),
        "{}",
        x.message
    );
}

#[test]
fn x102_to_x104_carried_handled_next_year() {
    for (from, to, rule) in [
        ("上年结转2件", "上年结转3件", "X102"),
        ("结转下年度继续办理2件", "结转下年度继续办理1件", "X104"),
    ] {
        let d = lint(&replace(&clean(), from, to));
        only(&d, rule);
    }
    let d = lint(&in_overview("全年共收到政府信息公开申请24件，已答复20件。"));
    only(&d, "X103");
}

#[test]
fn x105_to_x110_results() {
    for (sentence, rule) in [
        ("予以公开12件。", "X105"),
        ("部分公开4件。", "X106"),
        ("不予公开2件。", "X107"),
        ("无法提供5件。", "X108"),
        ("不予处理2件。", "X109"),
        ("其他处理1件。", "X110"),
    ] {
        let d = lint(&in_overview(sentence));
        only(&d, rule);
    }
}

#[test]
fn x111_x112_reviews_and_lawsuits_in_both_word_orders() {
    only(&lint(&in_overview("被申请行政复议3件。")), "X111");
    only(&lint(&in_overview("本年度有3件行政复议案件。")), "X111");
    only(
        &lint(&in_overview("未发生因政府信息公开引起的行政复议。")),
        "X111",
    );
    only(&lint(&in_overview("本年度有2件行政诉讼案件。")), "X112");
    let x = only(&lint(&in_overview("没有发生行政诉讼。")), "X112");
    assert!(x.message.contains("为 0"), "{}", x.message);
}

#[test]
fn x112_lawsuits_sum_two_groups_and_knows_the_direct_only_alternative() {
    // 复议后起诉 becomes 1: the table now has 1 + 1 = 2 lawsuits, the text says 1.
    let text = replace(
        &clean(),
        "0 | 1 | 0 | 0 | 1 | 0 | 0 | 0 | 0 | 0 |",
        "0 | 1 | 0 | 0 | 1 | 1 | 0 | 0 | 0 | 1 |",
    );
    let d = lint(&format!("{text}\n因政府信息公开被提起行政诉讼1件。"));
    let x = d.iter().find(|x| x.rule == "X112").expect("X112");
    assert_eq!(x.severity, Severity::Warning, "1 is the direct-only total");
    assert_eq!(x.labels.len(), 2, "both totals are labelled");
}

#[test]
fn x113_to_x118_normative_documents_and_regulations() {
    for (sentence, rule) in [
        ("制发行政规范性文件4件。", "X113"),
        ("废止行政规范性文件2件。", "X114"),
        ("现行有效行政规范性文件11件。", "X115"),
        ("制定规章1件。", "X116"),
        ("废止规章1件。", "X117"),
        ("现行有效规章2件。", "X118"),
    ] {
        only(&lint(&in_overview(sentence)), rule);
    }
}

#[test]
fn a_blank_table_cell_means_nothing_is_compared() {
    let text = replace(
        &clean(),
        "一、本年新收政府信息公开申请数量 | 20 | 3 | 0 | 0 | 1 | 0 | 24 |",
        "一、本年新收政府信息公开申请数量 | 20 | 3 | 0 | 0 | 1 | 0 | |",
    );
    let d = lint(&replace(
        &text,
        "共收到政府信息公开申请24件",
        "共收到政府信息公开申请99件",
    ));
    assert_eq!(rules_of(&d), ["T104"]);
}

/// A combined category (予以公开及部分公开) is compared with the sum of its two cells,
/// never with 部分公开 alone.
#[test]
fn x119_combined_category_against_the_sum_of_its_cells() {
    for wording in [
        "予以公开及部分公开",
        "同意公开和部分公开",
        "予以公开、部分公开",
    ] {
        let d = lint(&in_overview(&format!("其中，{wording}13件。")));
        let x = only(&d, "X119");
        assert!(x.message.contains("（16）"), "{}", x.message);
        assert_eq!(x.labels.len(), 2, "both cells are labelled");
        assert!(lint(&in_overview(&format!("其中，{wording}16件。"))).is_empty());
    }
}

/// A category followed by 答复 is that category's count, not the 已答复 total.
#[test]
fn a_category_answered_binds_to_that_category() {
    let text = in_overview("全年共收到政府信息公开申请24件，其中同意公开答复9件。");
    let x = only(&lint(&text), "X105");
    assert_eq!(text_at(&text, &x), "9");
    only(
        &lint(&in_overview("收到申请24件，不予公开答复2件。")),
        "X107",
    );
    only(&lint(&in_overview("部分公开答复 4 件。")), "X106");
    only(&lint(&in_overview("不同意公开答复 3 件。")), "X107");
    // The total answered is still read.
    only(
        &lint(&in_overview("全年共收到政府信息公开申请24件，已答复20件。")),
        "X103",
    );
}

#[test]
fn counts_written_as_shu_wei_and_you_are_read() {
    only(&lint(&in_overview("行政诉讼数为 3 件。")), "X112");
    only(&lint(&in_overview("行政复议数为 5 件。")), "X111");
    let text = in_overview("转下一年度办理答复的有 5 件。");
    let x = only(&lint(&text), "X104");
    assert_eq!(text_at(&text, &x), "5");
}

// ───────────────────────────── N

#[test]
fn n101_parts_exceed_the_total() {
    let text = in_overview("办理人大代表建议和政协委员提案7件，其中主办2件、协办6件。");
    let d = lint(&text);
    let n = only(&d, "N101");
    assert_eq!(text_at(&text, &n), "7");
    assert_eq!(n.labels.len(), 2);
    assert!(n.notes[0].contains("主办 2 + 协办 6 = 8"), "{}", n.notes[0]);
}

#[test]
fn n102_complete_list_falls_short_but_an_open_list_does_not() {
    let n = only(
        &lint(&in_overview("办理提案7件，其中主办2件、协办4件。")),
        "N102",
    );
    assert_eq!(n.severity, Severity::Warning);
    assert!(lint(&in_overview("办理提案7件，其中主办2件、协办4件等。")).is_empty());
    assert!(lint(&in_overview("办理提案7件，其中主要有主办2件、协办4件。")).is_empty());
}

/// The results sentence as real reports write it: the total with a remark in
/// parentheses, parts with their shares in parentheses, a part whose name holds "、".
const RESULTS: &str = "市政府共受理政府信息公开申请 24 件，办结 24 件（含上年结转 2 件），均在法定期限内答复。其中，予以公开及部分公开 16 件（66.67%），不予公开 1 件（4.17%），因本机关不掌握等原因无法提供 6 件（25%），属信访、重复申请等不予处理 1 件（4.17%），其他处理 0 件（0%，含申请人主动撤回 0 件）。";

#[test]
fn breakdowns_skip_remarks_in_parentheses() {
    assert!(lint(&in_overview(RESULTS)).is_empty());
    let text = in_overview(&RESULTS.replace("无法提供 6 件", "无法提供 9 件"));
    let d = lint(&text);
    let n = d.iter().find(|x| x.rule == "N101").expect("N101");
    assert_eq!(
        text_at(&text, n),
        "24",
        "the total, not the 2 in its remark"
    );
    assert!(n.notes[0].contains("= 27"), "{}", n.notes[0]);
    // The same with ASCII punctuation, as web pages often have it.
    let ascii = |s: &str| s.replace('，', ",").replace('（', "(").replace('）', ")");
    assert!(lint(&in_overview(&ascii(RESULTS))).is_empty());
    let text = in_overview(&ascii(&RESULTS.replace("无法提供 6 件", "无法提供 9 件")));
    assert!(lint(&text).iter().any(|x| x.rule == "N101"));
}

/// A page whose whole body is one line: a breakdown ends at sentence punctuation and
/// never runs across a heading, exactly as on a wrapped page.
#[test]
fn breakdowns_on_a_one_line_page() {
    let one_line = |sentences: &str| {
        let text = in_overview(sentences);
        let mut out = String::new();
        for line in text.lines() {
            out.push_str(line.trim());
            out.push(' ');
        }
        out
    };
    let n_rules = |text: &str| -> Vec<String> {
        lint(text)
            .into_iter()
            .filter(|d| d.rule.starts_with('N'))
            .map(|d| format!("{} {}", d.rule, d.message))
            .collect()
    };
    let bad = one_line("主动公开信息共计120条，其中机构信息30条，政策文件50条，工作动态45条。");
    let found = n_rules(&bad);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("N101"), "{found:?}");
    let good = one_line("主动公开信息共计125条，其中机构信息30条，政策文件50条，工作动态45条。");
    assert!(n_rules(&good).is_empty(), "{:?}", n_rules(&good));
    // The figure before a heading is not the total of the list after it.
    let across = one_line("办理提案7件 （二）依申请公开 其中主办2件、协办6件。");
    assert!(n_rules(&across).is_empty(), "{:?}", n_rules(&across));
    // A list broken by a semicolon clause stays a partial list.
    let semicolons = one_line(
        "办结申请81件，其中：予以公开42件，占51.85%；不予公开5件；行政复议案件2件、行政诉讼案件7件。",
    );
    assert!(
        n_rules(&semicolons).is_empty(),
        "{:?}",
        n_rules(&semicolons)
    );
}

#[test]
fn n103_category_named_twice() {
    let text = in_overview("公开信息共计10条，其中规划计划1条、工作动态7条、规划计划2条。");
    let n = only(&lint(&text), "N103");
    assert_eq!(text_at(&text, &n), "规划计划");
    assert_eq!(n.labels.len(), 1, "the first occurrence is shown");
}

// ───────────────────────────── D

#[test]
fn d101_statistics_period_of_another_year() {
    let text = replace(
        &clean(),
        "统计期限自2024年1月1日起至2024年12月31日止",
        "统计期限自2023年1月1日起至2023年12月31日止",
    );
    let d = lint(&text);
    assert_eq!(rules_of(&d), ["D101", "D101"]);
    assert!(
        d[0].message.contains("应为2024年1月1日"),
        "{}",
        d[0].message
    );
    let d = lint(&replace(
        &clean(),
        "至2024年12月31日止",
        "至2024年11月30日止",
    ));
    assert!(only(&d, "D101").message.contains("截止"));
}

#[test]
fn d102_plan_in_the_report_year() {
    let text = in_problems("2024年我局将从以下几个方面加以努力。");
    let d = only(&lint(&text), "D102");
    assert_eq!(text_at(&text, &d), "2024年");
    assert!(d.message.contains("2025年"));
    // Elsewhere than 五 the same words are not a plan.
    assert!(lint(&in_overview("2024年我局将从以下几个方面加以努力。")).is_empty());
}

#[test]
fn d103_date_after_the_signature_date() {
    let text = format!(
        "{}\n青山县交通运输局\n2025年1月20日\n",
        in_problems("2025年3月15日将召开培训会。").trim_end()
    );
    only(&lint(&text), "D103");
    let fine = format!("{}\n青山县交通运输局\n2025年1月20日\n", clean().trim_end());
    assert!(lint(&fine).is_empty());
}

#[test]
fn d104_date_years_ahead() {
    only(&lint(&in_overview("于2042年3月1日完成专栏改版。")), "D104");
}

// ───────────────────────────── E

#[test]
fn e_rules_fire_on_damage_and_residue() {
    for (sentence, rule) in [
        ("统计期限?024年1月1日起。", "E101"),
        ("共收到申请24件\u{FFFD}。", "E101"),
        ("加强政策解读</span>。", "E102"),
        ("当前页/p>", "E102"),
        ("共&nbsp;24件。", "E102"),
        ("2024年锟斤拷锟斤拷信息公开。", "E103"),
        ("本局共收到申请XX件。", "E104"),
        ("（填写本单位名称）", "E104"),
        ("按月公开低保资金资金使用情况。", "E105"),
        ("扫一扫在手机打开当前页", "E106"),
    ] {
        let d = lint(&in_overview(sentence));
        assert!(
            rules_of(&d).contains(&rule),
            "「{sentence}」: {:?}",
            rules_of(&d)
        );
    }
}

#[test]
fn e101_damage_close_together_is_one_finding_with_every_spot_labelled() {
    let text = in_overview("统计期限?024??日起?024?2?1日止。");
    let d = lint(&text);
    let e = only(&d, "E101");
    assert!(e.message.contains("共 5 处"), "{}", e.message);
    assert_eq!(e.labels.len(), 4);
}

// ───────────────────────────── S3xx

#[test]
fn s301_other_matters_must_state_the_processing_fee() {
    let text = replace(&clean(), "2024年，我局未收取政府信息公开信息处理费。", "");
    only(&lint(&text), "S301");
}

#[test]
fn s302_problems_section_must_not_be_empty() {
    let text = clean();
    let start = text
        .find("五、存在的主要问题及改进情况\n")
        .map_or(0, |i| i + "五、存在的主要问题及改进情况\n".len());
    let end = text.find("六、其他需要报告的事项").unwrap_or(text.len());
    let empty = format!("{}无。\n\n{}", &text[..start], &text[end..]);
    only(&lint(&empty), "S302");
}

#[test]
fn explain_shows_the_wording_and_the_cell() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(["explain", "X101"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("比较对象：表三「一、本年新收」总计（t3.new.total"),
        "{text}"
    );
    assert!(
        text.contains("共收到各类政府信息公开申请98件"),
        "examples: {text}"
    );
    assert!(
        text.contains("本年新收与上年结转之和"),
        "alternatives: {text}"
    );
}
