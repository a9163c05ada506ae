GOV = [("青山县交通运输局2024年政府信息公开工作年度报告", "青山县人民政府2024年政府信息公开工作年度报告")]
NO_OVERSIGHT = [("将政府信息公开工作纳入年度考核，组织业务培训2次。2024年未发生政府信息公开工作责任追究情况。", "组织业务培训2次。")]
write("rules/common", "部门报告-不适用.txt", edit(CLEAN, NO_OVERSIGHT))
write("rules/common", "人民政府-未说明考核追责.txt", edit(CLEAN, GOV + NO_OVERSIGHT))
write("rules/common", "人民政府-已说明.txt", edit(CLEAN, GOV))
TOWN = [("青山县交通运输局2024年政府信息公开工作年度报告", "青山镇人民政府2024年政府信息公开工作年度报告")]
write("rules/common", "乡镇-未说明考核追责.txt", edit(CLEAN, TOWN + NO_OVERSIGHT))
def published(date): return [("年度报告\n\n本报告根据", "年度报告\n发布时间：" + date + " 09:30\n\n本报告根据")]
write("rules/common", "部门-逾期发布.txt", edit(CLEAN, published("2025-02-10")))
write("rules/common", "部门-按期发布.txt", edit(CLEAN, published("2025-01-20")))
write("rules/common", "人民政府-二月发布.txt", edit(CLEAN, GOV + published("2025-02-10")))
write("rules/common", "人民政府-逾期发布.txt", edit(CLEAN, GOV + published("2025-04-02")))
write("rules/common", "乡镇-逾期落款.txt", edit(CLEAN, TOWN + [("本年度无其他需要报告的事项。", "本年度无其他需要报告的事项。\n\n青山镇人民政府\n2025年2月12日")]))

FJ_BASIS = [("（以下简称《条例》）和《国务院", "（以下简称《条例》）、《福建省政府信息公开办法》和《国务院")]
write("rules/fujian", "无问题.txt", edit(CLEAN, FJ_BASIS))
write("rules/fujian", "未引福建办法-错别字.txt", edit(CLEAN, [("压实信息发布责任。", "压实信息发布责任，加强数据钩稽关系审核。")]))
write("rules/fujian", "信息处理费单列.txt", edit(CLEAN, FJ_BASIS + [("六、其他需要报告的事项\n", "五、信息处理费收取情况\n2024年未收取信息处理费。\n\n六、其他需要报告的事项\n")]))

SD = [("（以下简称《条例》）和《国务院", "（以下简称《条例》）、《关于做好2024年政府信息公开工作年度报告编制和发布工作的通知》和《国务院"),
      ("本年度无其他需要报告的事项。", "（三）人大代表建议和政协提案办理结果公开情况：本年度办理人大代表建议2件，均已公开办理结果。")]
write("rules/shandong", "无问题.txt", edit(CLEAN, SD))
write("rules/shandong", "缺山东子项.txt", CLEAN)

NO_PERIOD = [("本报告中所列数据统计期限自2024年1月1日起至2024年12月31日止。", "")]
write("rules/sichuan", "无问题.txt", CLEAN)
write("rules/sichuan", "未写统计期限.txt", edit(CLEAN, NO_PERIOD))
write("rules/sichuan", "统计期限年份错.txt", edit(CLEAN, [("统计期限自2024年1月1日起至2024年12月31日止", "统计期限自2023年1月1日起至2023年12月31日止")]))

SH = [("（以下简称《条例》）和《国务院", "（以下简称《条例》）、《上海市政府信息公开规定》和《国务院"),
      ("四、政府信息公开行政复议、行政诉讼情况", "四、因政府信息公开工作被申请行政复议和提起行政诉讼情况"),
      ("五、存在的主要问题及改进情况\n", "五、政府信息公开工作存在的主要问题及改进情况\n上年度报告指出的栏目更新不及时问题已完成整改。\n")]
write("rules/shanghai", "上海标题-无问题.txt", edit(CLEAN, SH))
write("rules/shanghai", "缺上海惯例.txt", CLEAN)
