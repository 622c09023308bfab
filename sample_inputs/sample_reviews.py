"""The review texts of the demo company (``make_sample.py``): 考核评语 and 改进计划 written from each person's figures.

A comment states the month's figures of the role, a sentence for the grade and
one for the attitude rating; an improvement plan picks two of the role's
improvements and adds the grade's follow-up.  Plain text tables and one function.
"""

from __future__ import annotations

import datetime as dt

from reporter.samples.kpi_library import CAMP, CS, DES, DIR, OPS, PROMO

FACT = {
    OPS: lambda m: f"本月负责店铺成交额{m['gmv'] / 1e4:.1f}万元，完成目标的{m['gmv'] / 500000:.0%}，订单转换率{m['buyers'] / m['uv']:.2%}。",
    PROMO: lambda m: f"本月引入访客{m['uv']:,}人，平均获取成本{m['promo_spend'] / m['uv']:.2f}元，跳出率{m['single_page_visits'] / m['uv']:.1%}。",
    CAMP: lambda m: f"本月活动ROI为{m['campaign_gmv'] / m['campaign_cost']:.1f}，活动成交额占店铺成交额的{m['campaign_gmv'] / m['gmv']:.1%}。",
    CS: lambda m: f"本月平均响应时间{m['response_seconds']:.1f}秒，咨询转换率{m['paid_uv'] / m['served_uv']:.1%}，服务差评{m['bad_reviews']}次。",
    DES: lambda m: f"本月完成设计需求{m['design_items']}项，按时交付率{m['design_on_time'] / m['design_items']:.1%}，一次通过率{m['design_approved'] / m['design_items']:.1%}。",
    DIR: lambda m: f"本月华东公司成交额{m['company_gmv'] / 1e4:.1f}万元，完成月度销售目标的{m['company_gmv'] / m['company_gmv_target']:.1%}；活动成交额完成目标的{m['company_campaign_gmv'] / m['company_campaign_target']:.1%}。",
}
TIER = {
    "S": ["各项指标全面超额完成，是部门的标杆。", "业绩突出，多项指标位居部门前列。"],
    "A": ["整体完成情况良好，核心指标达到或接近目标。", "工作扎实，大部分指标完成较好。"],
    "B": ["整体达到岗位基本要求，但部分指标与目标仍有差距。", "完成了主要工作，个别指标波动较大。"],
    "C": ["多项指标未达目标，需要引起重视。", "核心指标完成偏低，工作方法有待改进。"],
    "D": ["核心指标大幅未达标，本月考核不合格。"],
}
ATTITUDE = {5: "工作积极主动，双11筹备期间多次主动加班支援。", 4: "工作态度认真，能及时向主管反馈问题。",
            3: "工作态度尚可，主动性还可以进一步提高。", 2: "工作主动性和责任心不足，需及时调整状态。"}
IMPROVE = {
    OPS: ["下月重点优化主推商品详情页的关联推荐，提升客单价。", "每周复盘一次流量与转化数据，及时发现异常。",
          "配合活动策划部做好双11返场活动的商品准备。", "优化店铺首页导航与栏目布局，延长访客停留时长。"],
    PROMO: ["调整直通车关键词出价结构，控制平均获取成本。", "针对高跳出率的投放渠道做落地页测试，提升访客质量。",
            "加强新客人群定向投放，提高新增UV占比。", "每周输出投放效果周报，与运营部对齐引流节奏。"],
    CAMP: ["活动方案上线前增加一次小流量测试，提升活动页点击率。", "做好活动费用预算与过程监控，提高ROI。",
           "加强活动复盘，沉淀双11活动的可复用玩法。", "与设计部提前锁定活动视觉排期，避免上线延误。"],
    CS: ["熟练掌握双11活动规则与常见问题话术，缩短响应时间。", "对照质检报告逐条纠正违规用语。",
         "提升催付与关联推荐技巧，提高咨询转换率。", "准确告知顾客缺货、断码、物流等信息，降低退款率。"],
    DES: ["合理拆分设计任务并提前预留修改时间，保证按时交付。", "设计前与需求方确认要点，提高一次通过率。",
          "坚持每日整理设计日志并归档源文件。", "学习详情页转化设计案例，提升视觉表达能力。"],
}
TIER_PLAN = {"S": "下月可在部门例会上分享工作经验，带动团队提升。", "C": "主管每两周进行一次一对一辅导，跟进改进效果。",
             "D": "下月制定书面改进计划，由主管每周跟进辅导，并安排脱岗强化培训。"}
INTERVIEW_DAYS = [dt.date(2026, 11, d) for d in (6, 7, 9, 10)]  # on or after the appraisal date (11-06)


def make_review(rng, e, hand):
    """考核人, 考核评语, 改进计划, 面谈日期: from the figures and the grade, or ``hand``-written (comment, plan)."""
    reviewer = e["manager"]
    if e["total"] is None:
        return (reviewer, *hand, None)
    g = e["grade"]
    fact = FACT[e["role"]](e["m"])
    if hand:
        comment, plan = hand
        return reviewer, fact + comment, plan, rng.choice(INTERVIEW_DAYS)
    prefix = "作为9月新入职员工，" if e["hire"] >= dt.date(2026, 9, 1) else ""
    attitude = ATTITUDE[max(2, e["ratings"]["工作态度"])]
    comment = prefix + fact + rng.choice(TIER[g]) + attitude
    plan = "".join(rng.sample(IMPROVE[e["role"]], 2)) + TIER_PLAN.get(g, "")
    if prefix:
        plan += "试用期内由主管安排带教，尽快熟悉公司设计规范与品牌视觉标准。"
    return reviewer, comment, plan, rng.choice(INTERVIEW_DAYS)
