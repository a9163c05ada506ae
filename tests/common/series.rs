//! Generated series of reports: consecutive years of one body, in the layout of
//! `examples/report-2024.txt`, clean on their own (every single-report rule silent),
//! with the figures, wording and defects each test or benchmark asks for. Used by
//! `tests/series.rs` and `benches/series.rs`.
#![allow(dead_code)]

/// One year's report of one body.
#[derive(Clone, Debug)]
pub struct Year {
    pub body: String,
    pub year: i32,
    /// 表二「行政规范性文件」: 制发, 废止, 现行有效.
    pub issued: u32,
    pub repealed: u32,
    pub in_force: u32,
    /// 表三: 新收, 上年结转, 结转下年度 (all from 自然人).
    pub new: u32,
    pub carried: u32,
    pub carry_next: u32,
    /// 累计公开政策解读 … 篇.
    pub cumulative: u32,
    /// Which overview and section 五 wording (consecutive years use different ones).
    pub wording: usize,
    /// Section 五 copied from this wording instead (a copy of last year's).
    pub five_from: Option<usize>,
    /// The year of the 监督保障 sentence, when not `year` (last year's left in).
    pub stale_year: Option<i32>,
    /// 表二's 行政规范性文件 row written as one glued run of digits.
    pub glued_t2: bool,
    /// A sentence saying 现行有效件数 was adjusted after a 清理.
    pub cleanup_note: bool,
}

impl Year {
    pub fn new(body: &str, year: i32) -> Year {
        Year {
            body: body.to_string(),
            year,
            issued: 3,
            repealed: 1,
            in_force: 12,
            new: 24,
            carried: 2,
            carry_next: 2,
            cumulative: 100,
            wording: year as usize,
            five_from: None,
            stale_year: None,
            glued_t2: false,
            cleanup_note: false,
        }
    }

    /// The next year's clean report: figures that follow from this year's.
    pub fn next(&self) -> Year {
        let mut n = Year::new(&self.body, self.year + 1);
        n.issued = self.issued + 1;
        n.repealed = 1;
        n.in_force = self.in_force + n.issued - n.repealed;
        n.carried = self.carry_next;
        n.new = self.new + 1;
        n.carry_next = 1;
        n.cumulative = self.cumulative + 17;
        n
    }
}

const OVERVIEW: &[&str] = &[
    "坚持以公开为常态、不公开为例外，认真落实《条例》各项规定，推进政府信息公开工作规范开展，重点围绕交通建设项目和公共服务事项加大公开力度",
    "围绕群众关切的出行服务、工程招投标和执法监管信息，持续深化决策、执行、管理、服务、结果公开，政务公开的标准化规范化水平进一步提升",
    "紧扣年度重点任务，把政务公开与优化营商环境、法治政府建设统筹推进，完善信息发布协调机制，做到应公开尽公开、公开内容准确及时",
    "聚焦道路运输、港航管理和综合执法等领域，梳理公开事项目录，健全常态化工作机制，以高质量公开服务保障全县交通运输事业发展",
    "以提升群众满意度为导向，优化公开渠道和发布方式，推动政策文件与解读材料同步起草、同步审签、同步发布，公开实效持续增强",
    "深入贯彻上级关于政务公开工作的部署要求，统筹推进主动公开、依申请公开和政策解读回应，公开工作制度体系不断健全完善",
];

const FIVE: &[&str] = &[
    "仍存在政策解读形式较为单一、部分栏目更新不够及时等问题。下一步，我局将进一步丰富政策解读形式，建立栏目更新台账，压实信息发布责任，定期开展自查整改。",
    "工作人员业务能力有待提升，依申请公开答复文书的规范性还不够高。下一步，我局将组织专题培训，制定答复文书范本，实行法律顾问审核，提高答复质量。",
    "基层站所公开意识不强，个别信息发布前审核把关不严，存在表述不准确的情况。今后将完善三级审核机制，加强对下属单位的督促指导，开展季度通报。",
    "政务新媒体互动回应不够及时，公众留言办理时限偏长。下一步，我局将建立留言办理跟踪制度，明确专人负责，按周汇总分析，切实提高回应群众关切的效率。",
    "重点领域信息公开的深度和广度不够，项目建设全过程信息公开还不完整。今后将梳理项目审批、招标投标、施工管理等环节的公开清单，逐项落实到责任科室。",
    "信息公开专栏的检索功能和栏目设置不够友好，老年群体使用不便。下一步，我局将开展适老化改造，优化栏目分类，增加常见问题解答，提升专栏的易用性。",
];

/// The report's text.
pub fn render(y: &Year) -> String {
    let yr = y.year;
    let body = &y.body;
    let supervision = y.stale_year.unwrap_or(yr);
    let overview = OVERVIEW[y.wording % OVERVIEW.len()];
    let five = FIVE[y.five_from.unwrap_or(y.wording) % FIVE.len()];
    let t2_row = if y.glued_t2 {
        format!("行政规范性文件{}{}{}", y.issued, y.repealed, y.in_force)
    } else {
        format!(
            "行政规范性文件 | {} | {} | {} |",
            y.issued, y.repealed, y.in_force
        )
    };
    let cleanup = if y.cleanup_note {
        "因本年度对行政规范性文件开展了清理工作，现行有效件数根据清理结果进行了调整，以本年度报告为准。"
    } else {
        ""
    };
    let (n, c, k) = (y.new, y.carried, y.carry_next);
    let done = n + c - k;
    let mut t3 = String::new();
    let zero = "| 0 | 0 | 0 | 0 | 0 | 0 | 0 |";
    t3.push_str(&format!(
        "一、本年新收政府信息公开申请数量 | {n} | 0 | 0 | 0 | 0 | 0 | {n} |\n"
    ));
    t3.push_str(&format!(
        "二、上年结转政府信息公开申请数量 | {c} | 0 | 0 | 0 | 0 | 0 | {c} |\n"
    ));
    t3.push_str(&format!(
        "三、本年度办理结果 | （一）予以公开 | {done} | 0 | 0 | 0 | 0 | 0 | {done} |\n"
    ));
    {
        let label = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）";
        t3.push_str(&format!("{label} {zero}\n"));
    }
    t3.push_str(&format!("（三）不予公开 | 1.属于国家秘密 {zero}\n"));
    for label in [
        "2.其他法律行政法规禁止公开",
        "3.危及“三安全一稳定”",
        "4.保护第三方合法权益",
        "5.属于三类内部事务信息",
        "6.属于四类过程性信息",
        "7.属于行政执法案卷",
        "8.属于行政查询事项",
    ] {
        t3.push_str(&format!("{label} {zero}\n"));
    }
    t3.push_str(&format!(
        "（四）无法提供 | 1.本机关不掌握相关政府信息 {zero}\n"
    ));
    for label in ["2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确"] {
        t3.push_str(&format!("{label} {zero}\n"));
    }
    t3.push_str(&format!("（五）不予处理 | 1.信访举报投诉类申请 {zero}\n"));
    for label in [
        "2.重复申请",
        "3.要求提供公开出版物",
        "4.无正当理由大量反复申请",
        "5.要求行政机关确认或重新出具已获取信息",
    ] {
        t3.push_str(&format!("{label} {zero}\n"));
    }
    t3.push_str(&format!(
        "（六）其他处理 | 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 {zero}\n"
    ));
    t3.push_str(&format!(
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 {zero}\n"
    ));
    t3.push_str(&format!("3.其他 {zero}\n"));
    t3.push_str(&format!(
        "（七）总计 | {done} | 0 | 0 | 0 | 0 | 0 | {done} |\n"
    ));
    t3.push_str(&format!(
        "四、结转下年度继续办理 | {k} | 0 | 0 | 0 | 0 | 0 | {k} |\n"
    ));
    let (i, r) = (y.issued, y.repealed);
    format!(
        "{body}{yr}年政府信息公开工作年度报告

本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）编制。本报告中所列数据统计期限自{yr}年1月1日起至{yr}年12月31日止。如对本报告有疑问，请与{body}办公室联系（电话：0571-88886666）。

一、总体情况
{yr}年，{body}{overview}。
（一）主动公开情况
全年通过县政府门户网站主动公开政府信息326条。制发行政规范性文件{i}件，同步开展政策解读{i}次。截至年底，累计公开政策解读材料{cum}篇。
（二）依申请公开情况
全年共收到政府信息公开申请{n}件，上年结转{c}件，全部在法定期限内答复，结转下年度继续办理{k}件。
（三）政府信息管理情况
严格落实公开前保密审查制度，对拟公开信息逐条审核；废止行政规范性文件{r}件，并在网站作出标注。{cleanup}
（四）政府信息公开平台建设情况
优化门户网站政府信息公开专栏，提升信息检索便利度。
（五）监督保障情况
将政府信息公开工作纳入年度考核，组织业务培训2次。{supervision}年未发生政府信息公开工作责任追究情况。

二、主动公开政府信息情况
第二十条第（一）项 | | | |
信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |
规章 | 0 | 0 | 0 |
{t2_row}
第二十条第（五）项 | | | |
信息内容 | 本年处理决定数量 | | |
行政许可 | 156 | | |
第二十条第（六）项 | | | |
信息内容 | 本年处理决定数量 | | |
行政处罚 | 42 | | |
行政强制 | 3 | | |
第二十条第（八）项 | | | |
信息内容 | 本年收费金额（单位：万元） | | |
行政事业性收费 | 12.5 | | |

三、收到和处理政府信息公开申请情况
（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） | 申请人情况 | | | | | | | |
自然人 | 法人或其他组织 | 总计 | | | | | | |
商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | | | | |
{t3}
四、政府信息公开行政复议、行政诉讼情况
行政复议 | 行政诉讼 | | | | | | | | | | | | | |
结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | 复议后起诉 | | | | | | | | |
结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | | | | | |
1 | 0 | 0 | 1 | 2 | 0 | 1 | 0 | 0 | 1 | 0 | 0 | 0 | 0 | 0 |

五、存在的主要问题及改进情况
{five}

六、其他需要报告的事项
本年度未收取政府信息公开信息处理费，无其他需要报告的事项。
",
        cum = y.cumulative,
    )
}

/// `years` consecutive clean reports of a body, starting at `first`.
pub fn clean_series(body: &str, first: i32, years: usize) -> Vec<Year> {
    let mut out = vec![Year::new(body, first)];
    while out.len() < years {
        let next = out[out.len() - 1].next();
        out.push(next);
    }
    out
}

/// The `i`-th of many distinct bodies (a two-character county name and a department),
/// for batches of thousands of reports (`benches/series.rs`, `examples/write_series.rs`).
pub fn body_name(i: usize) -> String {
    const A: &[char] = &[
        '青', '白', '东', '西', '南', '北', '金', '银', '铜', '石', '松', '柏', '桃', '李', '梅',
        '兰', '竹', '菊', '安', '平', '永', '长', '新', '丰', '宁', '康', '泰', '和', '顺', '昌',
        '盛', '华', '龙', '凤', '云', '山', '川', '河', '湖', '海', '江', '溪', '林', '泉', '阳',
        '明', '德', '仁', '义', '信',
    ];
    const UNITS: &[&str] = &["交通运输局", "财政局", "教育局", "民政局"];
    let n = A.len();
    let county = format!(
        "{}{}",
        A[(i / UNITS.len()) % n],
        A[(i / UNITS.len() / n) % n]
    );
    format!("{county}县{}", UNITS[i % UNITS.len()])
}
