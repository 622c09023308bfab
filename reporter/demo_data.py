"""Synthetic input workbooks of any size: a group of regional e-commerce companies.

``write_demo_workbook(path, employees, seed)`` writes a valid input workbook for
load tests and demos.  The KPI library, measures, role plans and grade bands are
those of ``sample_inputs/make_sample.py``; the people and their numbers come from
``random.Random(seed)``, so the same seed gives the same bytes.  Every org carries
edge cases: people absent three months (not appraised), a zero divisor (uv = 0),
zero bad reviews, formula-like text ('=...', '+...', '@...') that must stay text,
and per company a star (three months first → one-time bonus) and a failing
employee (three failing months → flag).
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, timedelta
from decimal import Decimal as D
from pathlib import Path

import xlsxwriter

from .period import parse_period
from .schema import sheet_by_key

MEASURES = [  # code, name, kind, source
    ("pv", "浏览量", "次数", "生意参谋"), ("uv", "访客数", "次数", "生意参谋"),
    ("buyers", "成交人数", "次数", "生意参谋"), ("gmv", "成交额", "金额", "生意参谋"),
    ("dwell_seconds", "平均停留时长", "秒", "生意参谋"), ("orders", "订单数", "次数", "生意参谋"),
    ("ad_impressions", "广告展现次数", "次数", "推广后台"), ("page_arrivals", "页面到达次数", "次数", "推广后台"),
    ("single_page_visits", "单页跳出访客数", "次数", "生意参谋"), ("promo_spend", "推广费用", "金额", "推广后台"),
    ("new_uv", "新访客数", "次数", "生意参谋"), ("campaign_clicks", "活动页点击次数", "次数", "生意参谋"),
    ("campaign_orders", "活动订单数", "次数", "生意参谋"), ("campaign_gmv", "活动成交额", "金额", "生意参谋"),
    ("campaign_buyers", "活动成交人数", "次数", "生意参谋"), ("campaign_page_uv", "活动页访客数", "次数", "生意参谋"),
    ("campaign_cost", "活动投入成本", "金额", "财务部"), ("response_seconds", "平均响应时间", "秒", "客服系统"),
    ("forbidden_phrases", "违规用语次数", "次数", "客服质检"), ("bad_reviews", "服务差评次数", "次数", "客服系统"),
    ("served_uv", "接待访客数", "次数", "客服系统"), ("paid_uv", "付款访客数", "次数", "客服系统"),
    ("converted_orders", "咨询转换单量", "次数", "客服系统"), ("own_gmv", "个人成交额", "金额", "客服系统"),
    ("team_avg_gmv", "客服部人均成交额", "金额", "客服系统"), ("returns", "退货单量", "次数", "客服系统"),
    ("exchanges", "换货单量", "次数", "客服系统"), ("refund_uv", "退款访客数", "次数", "客服系统"),
    ("design_items", "设计需求数", "次数", "设计任务单"), ("design_on_time", "按时交付数", "次数", "设计任务单"),
    ("design_approved", "一次通过数", "次数", "设计任务单"), ("design_logs", "设计日志条数", "次数", "设计日志"),
    ("company_gmv", "公司月度成交额", "金额", "财务部"), ("company_gmv_target", "公司月度销售目标", "金额", "经营计划"),
    ("company_campaign_gmv", "公司活动成交额", "金额", "财务部"), ("company_campaign_target", "公司活动销售目标", "金额", "经营计划"),
]
OPS, PROMO, CAMP, CS, DES, DIR = "运营专员", "推广专员", "活动策划专员", "在线客服专员", "平面设计专员", "运营总监"
DEPT = {OPS: "运营部", PROMO: "推广部", CAMP: "活动策划部", CS: "客服部", DES: "设计部"}
KPIS = [  # code, name, formula, unit, direction, definition, source, role
    ("pv_total", "浏览量PV", "pv", "次", "高优", "一个独立访客在24小时内访问网店页面的数量", "生意参谋", OPS),
    ("pv_per_uv", "人均浏览量PV/UV", "pv / uv", "页", "高优", "即人均访问页面量，直观反映网店的顾客粘度", "生意参谋", OPS),
    ("buyer_count", "成交人数", "buyers", "人", "高优", "即实际发生购买的人数", "生意参谋", OPS),
    ("conversion", "订单转换率", "buyers / uv", "%", "高优", "即成交人数/UV，双向考核指标", "生意参谋", OPS),
    ("sales_gmv", "成交额GMV", "gmv", "元", "高优", "网店单位时间内的销售额，以客户最终付款为定义标准", "生意参谋", OPS),
    ("avg_dwell", "平均停留时长", "dwell_seconds", "秒", "高优", "反映顾客粘度的重要指标", "生意参谋", OPS),
    ("aov", "客单价", "gmv / buyers", "元", "高优", "每独立访客在一次购物时的成交额：成交金额/成交人数", "生意参谋", OPS),
    ("uv_total", "独立访客UV", "uv", "人", "高优", "网店独立访客数量（以一台终端访问为基准）", "生意参谋", PROMO),
    ("arrival_rate", "到达率", "page_arrivals / ad_impressions", "%", "高优", "页面到达次数/广告展现次数", "推广后台", PROMO),
    ("bounce_rate", "跳出率", "single_page_visits / uv", "%", "低优", "进入单页面后未做二次跳转的UV占总UV的比例", "生意参谋", PROMO),
    ("cost_per_uv", "平均获取成本", "promo_spend / uv", "元", "低优", "单位费用投入/单位UV量", "推广后台", PROMO),
    ("new_uv_share", "新增UV占比", "new_uv / uv", "%", "高优", "单位时间内新增加的顾客比例", "生意参谋", PROMO),
    ("click_rate", "平均点击率", "campaign_clicks / uv", "%", "高优", "每单位UV点击活动页面的次数", "生意参谋", CAMP),
    ("campaign_order_share", "活动订单比例", "campaign_orders / orders", "%", "高优", "活动订单占总订单数量的比例", "生意参谋", CAMP),
    ("campaign_gmv_share", "活动成交额比例", "campaign_gmv / gmv", "%", "高优", "活动订单成交额占订单成交额的比例", "生意参谋", CAMP),
    ("campaign_conversion", "活动订单转换率", "campaign_buyers / campaign_page_uv", "%", "高优", "活动成交人数/活动页UV", "生意参谋", CAMP),
    ("roi", "活动ROI", "campaign_gmv / campaign_cost", "倍", "高优", "成交额/活动投入成本", "财务部", CAMP),
    ("response_time", "及时响应时间", "response_seconds", "秒", "低优", "顾客咨询时客服的响应时间，原则上不超过30秒", "客服系统", CS),
    ("forbidden_count", "服务态度（违规用语）", "forbidden_phrases", "次", "低优", "违规用语原则上每月不能超过5次", "客服质检", CS),
    ("bad_review_count", "差评次数", "bad_reviews", "次", "低优", "由于服务态度问题而造成的顾客差评", "客服系统", CS),
    ("consult_conversion", "咨询转换率", "paid_uv / served_uv", "%", "高优", "付款UV数/接待总UV数", "客服系统", CS),
    ("sales_share", "成交额转换率", "own_gmv / team_avg_gmv", "%", "高优", "个人成交金额/客服部平均成交金额", "客服系统", CS),
    ("return_rate", "退货率", "returns / converted_orders", "%", "低优", "退单量/咨询转换单量", "客服系统", CS),
    ("exchange_rate", "换货率", "exchanges / converted_orders", "%", "低优", "换单量/咨询转换单量", "客服系统", CS),
    ("refund_rate", "退款率", "refund_uv / paid_uv", "%", "低优", "退款UV量/付款UV总量", "客服系统", CS),
    ("on_time_rate", "设计及时率", "design_on_time / design_items", "%", "高优", "按时交付的设计项目比例", "设计任务单", DES),
    ("approval_rate", "设计通过率", "design_approved / design_items", "%", "高优", "一次通过的设计项目比例", "设计任务单", DES),
    ("design_log_count", "设计日志", "design_logs", "条", "高优", "每天设计的页面及图片整理成日志备份", "设计日志", DES),
    ("design_item_count", "设计需求完成数", "design_items", "项", "高优", "当月完成并交付的设计需求数量", "设计任务单", DES),
    ("company_gmv_rate", "销售计划完成率", "company_gmv / company_gmv_target", "%", "高优", "公司月度成交额/月度销售目标", "财务部", DIR),
    ("campaign_sales_rate", "活动销售目标完成率", "company_campaign_gmv / company_campaign_target", "%", "高优", "运营活动成交额/活动销售目标", "财务部", DIR),
    ("attendance_deduction", "考勤扣分", "(late + early_leave) * 2 + leave_days", "分", "低优", "迟到早退减2分/次，有效请假减1分/天", "考勤系统", ""),
    ("weekly_report_rate", "周报提交率", "reports_submitted / reports_due", "%", "高优", "每个星期向主管以文档的形式汇报", "OA系统", ""),
]
UNIT = {k[0]: k[3] for k in KPIS}


def P(pct: str) -> D:
    return D(pct.rstrip("%")) / 100


def L(cat, item, kpi, weight, method, target=None, floor=None, cap=None, std="", sup="", step=None, adj=None):
    """One plan line in schema column order (after 适用岗位/适用员工)."""
    orig, reason, approver = adj or (None, None, None)
    return [cat, item, kpi, P(weight) if weight else None, method, target, floor, P(cap) if cap else None,
            step, std, sup, orig, reason, approver]


RATE_BY = "主管按1–5分评定：5分超出预期，4分完全达到，3分基本达到，2分部分达到，1分未达到"
KEY_GOAL = {OPS: "双11预热期店铺运营方案落地", PROMO: "双11引流投放计划执行", CAMP: "双11活动方案策划与执行",
            CS: "双11大促客服预案与话术更新", DES: "双11活动视觉设计交付"}
PLANS = {
    OPS: [L("KPI", "成交额GMV", "sales_gmv", "20%", "达成率", 500000, cap="120%", sup="区域公司月度成交额",
            std="实际成交额/目标×权重，封顶120%（目标由60万元下调为50万元）", adj=(600000, "市场重大变化", "沈国华")),
          L("KPI", "订单转换率", "conversion", "10%", "达成率", P("3.5%"), std="实际转换率/3.5%×权重"),
          L("KPI", "客单价", "aov", "8%", "达成率", 200, std="实际客单价/200元×权重"),
          L("KPI", "成交人数", "buyer_count", "7%", "达成率", 2500, std="实际成交人数/2500×权重"),
          L("KPI", "人均浏览量PV/UV", "pv_per_uv", "8%", "线性", 4, floor=2, std="2页得0分，4页及以上得满分"),
          L("KPI", "平均停留时长", "avg_dwell", "7%", "达标制", 90, std="平均停留时长≥90秒得满分，否则0分")],
    PROMO: [L("KPI", "独立访客UV", "uv_total", "15%", "达成率", 50000, cap="110%", std="实际UV/5万×权重，封顶110%"),
            L("KPI", "到达率", "arrival_rate", "10%", "达成率", P("3%"), std="实际到达率/3%×权重"),
            L("KPI", "跳出率", "bounce_rate", "12%", "线性", P("45%"), floor=P("70%"), std="≥70%得0分，≤45%得满分"),
            L("KPI", "平均获取成本", "cost_per_uv", "12%", "达成率", D("1.20"), std="目标成本1.20元/实际成本×权重"),
            L("KPI", "新增UV占比", "new_uv_share", "11%", "达成率", P("40%"), std="实际占比/40%×权重")],
    CAMP: [L("KPI", "平均点击率", "click_rate", "10%", "达成率", P("35%"), std="实际点击率/35%×权重"),
           L("KPI", "活动订单比例", "campaign_order_share", "10%", "线性", P("30%"), floor=P("10%"), std="10%得0分，30%得满分"),
           L("KPI", "活动成交额比例", "campaign_gmv_share", "12%", "达成率", P("30%"), std="实际比例/30%×权重"),
           L("KPI", "活动订单转换率", "campaign_conversion", "12%", "达成率", P("5%"), std="实际转换率/5%×权重"),
           L("KPI", "活动ROI", "roi", "16%", "达成率", 5, cap="120%", std="实际ROI/5×权重，封顶120%")],
    CS: [L("KPI", "及时响应时间", "response_time", "10%", "达标制", 30, std="平均响应时间≤30秒得满分"),
         L("KPI", "服务态度（违规用语）", "forbidden_count", "8%", "达标制", 5, std="当月违规用语≤5次得满分"),
         L("KPI", "差评次数", "bad_review_count", "8%", "达成率", 2, std="目标2次/实际次数×权重；无差评得满分"),
         L("KPI", "咨询转换率", "consult_conversion", "10%", "达成率", P("45%"), std="实际转换率/45%×权重"),
         L("KPI", "成交额转换率", "sales_share", "12%", "达成率", P("100%"), cap="120%", std="个人/部门人均，封顶120%"),
         L("KPI", "退货率", "return_rate", "6%", "线性", P("3%"), floor=P("10%"), std="≥10%得0分，≤3%得满分"),
         L("KPI", "退款率", "refund_rate", "6%", "达成率", P("5%"), std="目标5%/实际退款率×权重")],
    DES: [L("KPI", "设计及时率", "on_time_rate", "18%", "达成率", P("95%"), std="实际及时率/95%×权重"),
          L("KPI", "设计通过率", "approval_rate", "18%", "线性", P("90%"), floor=P("60%"), std="60%得0分，90%得满分"),
          L("KPI", "设计日志", "design_log_count", "14%", "达成率", 100, cap="120%", std="日志条数/100×权重，封顶120%"),
          L("KPI", "设计需求完成数", "design_item_count", "10%", "达成率", 40, std="完成需求数/40×权重")],
}
ATTENDANCE_LINE = L("考勤", "考勤", "attendance_deduction", "10%", "扣分制", step=1, std="迟到早退每次扣2分，请假每天扣1分")
BONUS_LINES = [L("加减分", "自愿性任务加分", "bonus_points", None, "加分", cap="20%", std="经批准加分，合计最多+20分"),
               L("加减分", "违规扣分", "penalty_points", None, "加分", std="违反公司制度经核实的扣分，不设上限")]
for _role, _lines in PLANS.items():
    _lines += [L("重点工作", KEY_GOAL[_role], None, "10%", "评级", 5, std=RATE_BY),
               L("工作能力", "工作能力", None, "8%", "评级", 5, std="专业知识、学习能力、沟通技巧；" + RATE_BY),
               L("工作态度", "工作态度", None, "8%", "评级", 5, std="积极性、主动性、责任感；" + RATE_BY),
               L("周报", "周报提交", "weekly_report_rate", "4%", "达成率", P("100%"), std="实交/应交×权重"),
               ATTENDANCE_LINE, *BONUS_LINES]
DIRECTOR_PLAN = [
    L("KPI", "销售计划完成率", "company_gmv_rate", "30%", "达成率", P("100%"), cap="120%", sup="集团年度销售目标",
      std="公司成交额/月度销售目标×权重，封顶120%"),
    L("KPI", "活动销售目标完成率", "campaign_sales_rate", "25%", "线性", P("100%"), floor=P("60%"), std="60%得0分，100%得满分"),
    L("重点工作", "团队建设", None, "15%", "评级", 5, std="运营队伍配置与梯队建设；" + RATE_BY),
    L("重点工作", "制度建设", None, "10%", "评级", 5, std="规章制度与活动审批流程；" + RATE_BY),
    L("重点工作", "人才培养", None, "10%", "评级", 5, std="新人带教与骨干培养；" + RATE_BY),
    ATTENDANCE_LINE, *BONUS_LINES]
RATED = {role: [ln[1] for ln in lines if ln[4] == "评级"] for role, lines in {**PLANS, DIR: DIRECTOR_PLAN}.items()}
GRADES = [  # grade, name, min, max, coefficient, training, promotion, level, salary, failing
    ("S", "优秀", 90, None, P("120%"), "选修提升课程", "优先晋升", "可升一级", "上调 5%", "否"),
    ("A", "良好", 80, 90, P("110%"), "常规在岗培训", "具备晋升资格", "保持", "上调 2%", "否"),
    ("B", "合格", 70, 80, P("100%"), "针对性技能培训", "暂不晋升", "保持", "不调整", "否"),
    ("C", "待改进", 60, 70, P("80%"), "强化培训（每月不少于8学时）", "不得晋升", "保持（观察期）", "下调 5%", "否"),
    ("D", "不合格", 0, 60, P("0%"), "脱岗强化培训", "不得晋升", "降一级", "下调 10%", "是"),
]
REGIONS = ["华东", "华南", "华北", "西南", "华中", "西北", "东北"]
ROLE_CYCLE = [CS, OPS, PROMO, CAMP, DES, CS, OPS, PROMO, CS, CAMP, DES, CS, OPS, PROMO, CS, OPS, PROMO, CS, CAMP, DES]
PAY_RANGE = {OPS: (7000, 10000), PROMO: (6500, 9500), CAMP: (6500, 9500), CS: (4200, 5800), DES: (6000, 9000)}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = ("伟 芳 娜 秀英 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀兰 霞 平 刚 桂英 子涵 浩然 雨桐 嘉怡 梓萱 俊杰 欣怡 "
         "思远 佳琪 文涛 晓燕 雪 丽娟 宇航 雅琴 志强 晓雯 明轩 诗琪 鹏飞 博文 晓彤 伟明 美玲 俊豪 嘉欣 志坚 凯文 "
         "慧敏 浩宇 晓东 家乐 嘉豪 秀珍 丽华 晓慧 婉婷 一鸣 思彤 梓航 欣然 海峰 子豪 雨萱 文博 静怡 志明").split()
INJECTED_NAMES = ['=HYPERLINK("http://evil.example/","张伟")', "+王芳", "@李娜"]
COMMENTS = {"S": ["各项指标全面超额完成，是部门的标杆。", "业绩突出，多项指标位居部门前列。"],
            "A": ["整体完成情况良好，核心指标达到或接近目标。", "工作扎实，大部分指标完成较好。"],
            "B": ["整体达到岗位基本要求，部分指标仍有差距。", "完成了主要工作，个别指标波动较大。"],
            "C": ["多项指标未达目标，需要引起重视。", "核心指标完成偏低，工作方法有待改进。"],
            "D": ["核心指标大幅未达标，本月多次违规，考核不合格。"]}
ATTITUDE = ["工作积极主动，大促期间多次主动加班支援。", "工作态度认真，能及时向主管反馈问题。",
            "工作态度尚可，主动性还可以进一步提高。", "责任心较强，能按时完成交办任务。"]
IMPROVE = {
    OPS: ["优化主推商品详情页的关联推荐，提升客单价。", "每周复盘一次流量与转化数据。", "优化首页导航，延长停留时长。"],
    PROMO: ["调整关键词出价结构，控制获取成本。", "针对高跳出率渠道做落地页测试。", "加强新客人群定向投放。"],
    CAMP: ["活动上线前增加小流量测试。", "做好活动费用预算与过程监控，提高ROI。", "加强活动复盘，沉淀可复用玩法。"],
    CS: ["熟练掌握活动规则与话术，缩短响应时间。", "对照质检报告逐条纠正违规用语。", "提升催付技巧，提高咨询转换率。"],
    DES: ["合理拆分设计任务，保证按时交付。", "设计前与需求方确认要点，提高一次通过率。", "坚持每日整理设计日志。"],
    DIR: ["加快运营岗位人才储备，完善新人培养方案。", "大促结束后组织各部门复盘，修订费用管控制度。"],
}
WIDTHS = {"项目": 16, "值": 28, "邮箱": 28, "计算公式": 34, "指标定义": 40, "评分标准": 40, "考核项目": 26,
          "考核评语": 56, "改进计划": 44, "事项": 20, "培训强度": 26}
VOLUNTARY = [("双11值班支援", 5), ("双11值班支援", 8), ("协助直播间场控", 4), ("新员工带教", 3), ("流程优化建议被采纳", 5)]
PENALTIES = [("违规用语被客户投诉", -3), ("未按流程报备活动", -2), ("超预算投放未审批", -5)]


def _measures(role: str, q: float, r: random.Random) -> dict:
    """One month of numbers for one person of quality ``q`` (about 0.8–1.2)."""
    u = r.uniform
    if role == OPS:
        uv = r.randint(55000, 85000)
        buyers = round(uv * 0.035 * q * u(0.93, 1.07))
        return dict(pv=round(uv * 3.6 * q * u(0.9, 1.1)), uv=uv, buyers=buyers,
                    gmv=round(buyers * 200 * (0.5 + q / 2) * u(0.9, 1.1), 2), dwell_seconds=round(95 * q * u(0.85, 1.15)))
    if role == PROMO:
        imp = r.randint(1600000, 2400000)
        arrivals = round(imp * 0.03 * q * u(0.92, 1.08))
        uv = round(arrivals * u(0.8, 0.9))
        return dict(ad_impressions=imp, page_arrivals=arrivals, uv=uv, single_page_visits=round(uv * min(0.85, 0.48 / q * u(0.9, 1.1))),
                    promo_spend=round(uv * 1.15 / q * u(0.9, 1.1), 2), new_uv=round(uv * 0.40 * q * u(0.9, 1.1)))
    if role == CAMP:
        uv = r.randint(50000, 80000)
        orders = round(uv * u(0.033, 0.04))
        clicks = round(uv * 0.36 * q * u(0.9, 1.1))
        c_orders = round(orders * 0.30 * q * u(0.9, 1.1))
        c_gmv = round(c_orders * u(165, 195), 2)
        page_uv = round(clicks * u(0.55, 0.65))
        return dict(uv=uv, orders=orders, gmv=round(orders * u(180, 210), 2), campaign_clicks=clicks,
                    campaign_orders=c_orders, campaign_gmv=c_gmv, campaign_page_uv=page_uv,
                    campaign_buyers=min(c_orders, round(page_uv * 0.052 * q * u(0.9, 1.1))),
                    campaign_cost=round(c_gmv / (5.2 * q * u(0.9, 1.1)), 2))
    if role == CS:
        served = r.randint(1900, 2600)
        paid = round(served * 0.45 * q * u(0.92, 1.08))
        conv = round(paid * u(1.02, 1.10))
        return dict(served_uv=served, paid_uv=paid, converted_orders=conv, own_gmv=round(conv * u(140, 170), 2),
                    response_seconds=round(24 / q * u(0.8, 1.2), 1), forbidden_phrases=r.choice([0, 0, 1, 1, 2, 3, 4, 6]),
                    bad_reviews=r.choice([0, 1, 1, 2, 2, 3]), returns=round(conv * 0.035 / q * u(0.8, 1.2)),
                    exchanges=round(conv * 0.02 * u(0.8, 1.2)), refund_uv=round(paid * 0.045 / q * u(0.8, 1.2)))
    items = r.randint(34, 48)  # DES
    return dict(design_items=items, design_on_time=min(items, round(items * 0.93 * q * u(0.95, 1.05))),
                design_approved=min(items, round(items * 0.82 * q * u(0.92, 1.08))),
                design_logs=round(items * 2.4 * q * u(0.9, 1.1)))


# Every line at its cap: nobody can score more, so a star is first in the department.
PERFECT = {
    PROMO: dict(ad_impressions=2000000, page_arrivals=80000, uv=66000, single_page_visits=26400, promo_spend=66000, new_uv=29700),
    CAMP: dict(uv=60000, orders=2400, gmv=480000, campaign_clicks=24000, campaign_orders=840, campaign_gmv=168000,
               campaign_page_uv=14000, campaign_buyers=840, campaign_cost=24000),
    CS: dict(served_uv=2600, paid_uv=1500, converted_orders=1600, response_seconds=12.5, forbidden_phrases=0,
             bad_reviews=0, returns=16, exchanges=10, refund_uv=15),
    DES: dict(design_items=46, design_on_time=46, design_approved=44, design_logs=130),
}


def _people(rng: random.Random, n: int, period) -> list[dict]:
    companies = [REGIONS[i % len(REGIONS)] + (str(i // len(REGIONS) + 1) if i >= len(REGIONS) else "") + "公司"
                 for i in range(n // 250 + 2)]
    staff = n - len(companies)
    name = lambda: rng.choice(SURNAMES) + rng.choice(GIVEN)  # noqa: E731
    first_hire = period.start - timedelta(days=3700)
    span = (period.start - first_hire).days - 1
    people: list[dict] = []
    for c, company in enumerate(companies):
        size = staff // len(companies) + (c < staff % len(companies))
        roles = sorted((ROLE_CYCLE[i % len(ROLE_CYCLE)] for i in range(size)), key=list(DEPT).index)
        director = name()
        heads = {role: director if role == OPS else name() for role in DEPT}
        for role in [DIR, *roles]:
            lo, hi = PAY_RANGE.get(role, (15000, 20000))
            people.append(dict(company=company, dept=DEPT.get(role, "运营部"), role=role, name=name(),
                               manager="沈国华" if role == DIR else heads[role], q=max(0.78, min(1.18, rng.gauss(0.92, 0.08))),
                               hire=first_hire + timedelta(days=rng.randint(0, span)), pay=rng.randrange(lo, hi + 1, 100),
                               absent=0, special="", seniority=400 if rng.random() < 0.02 else None))
    for i, e in enumerate(people, start=1):
        e.update(id=f"G{i:06d}", email=f"g{i:06d}@group.example.com")
    return people


def _mark_specials(rng: random.Random, people: list[dict], period) -> None:
    """Stars, failing, absent, a zero divisor and formula-like names, each on different people."""
    free = [e for e in people if e["role"] != DIR]
    taken: set[str] = set()

    def pick(pool, k, special):
        chosen = rng.sample([e for e in pool if e["id"] not in taken], k)
        for e in chosen:
            e["special"] = special
            taken.add(e["id"])
        return chosen

    old = period.start - timedelta(days=1000)  # in the history of a yearly period too
    for c, company in enumerate(dict.fromkeys(e["company"] for e in people)):
        mine = [e for e in free if e["company"] == company]
        dept = [CS, DES, PROMO, CAMP][c % 4]
        for e in pick([e for e in mine if e["role"] == dept], 1, "star") + pick(mine, 1, "failing"):
            e["hire"] = min(e["hire"], old)
    pick([e for e in free if e["role"] == PROMO], 1, "uv0")
    for e in pick(free, max(1, len(people) // 100), "absent"):
        e["absent"] = 3
    for e, text in zip(pick(free, len(INJECTED_NAMES), "injected"), INJECTED_NAMES, strict=True):
        e["name"] = text


def _generate(rng: random.Random, n: int, period) -> tuple[list[dict], list[tuple], list[tuple]]:
    people = _people(rng, n, period)
    _mark_specials(rng, people, period)
    adjustments = []
    for e in people:
        s, role = e["special"], e["role"]
        if s == "failing":
            e["q"] = 0.6
        e["m"] = {} if s == "absent" or role == DIR else _measures(role, e["q"], rng)
        e["att"] = (rng.choices([0, 1, 2, 3], [55, 28, 12, 5])[0], rng.choices([0, 1], [88, 12])[0],
                    rng.choices([0, 0.5, 1, 2, 3], [55, 12, 18, 10, 5])[0], 4, 4 if rng.random() < 0.85 else 3)
        e["ratings"] = {item: max(1, min(5, round(3 + (e["q"] - 0.9) * 8 + rng.gauss(0, 0.6)))) for item in RATED[role]}
        if s == "star":
            e["m"].update(PERFECT[role])
            e["att"], e["ratings"] = (0, 0, 0, 4, 4), dict.fromkeys(RATED[role], 5)
            adjustments += [(e, "双11值班支援", 12), (e, "协助直播间场控", 10)]  # 22, capped at +20
        elif s == "failing":  # total ≤ 64 KPI + 5.2 rated + 0 reports + 0 attendance − 20 < 60, whatever the KPIs
            e["att"], e["ratings"] = (3, 2, 2, 4, 0), dict.fromkeys(RATED[role], 1)
            adjustments += [(e, "超预算投放未审批", -10), (e, "违规用语被客户投诉", -10)]
        elif s == "uv0":
            e["m"].update(uv=0, single_page_visits=0, new_uv=0)
        elif s == "absent":
            e["att"], e["ratings"] = (0, 0, 22, 0, 0), {}
        elif rng.random() < 0.05:
            adjustments.append((e, *rng.choice(VOLUNTARY if rng.random() < 0.8 else PENALTIES)))
    for company in dict.fromkeys(e["company"] for e in people):
        mine = [e for e in people if e["company"] == company]
        team = [e for e in mine if e["role"] == CS and e["m"]]
        others = [e["m"]["own_gmv"] for e in team if e["special"] != "star"] or [300000.0]
        for e in team:
            if e["special"] == "star":
                e["m"]["own_gmv"] = round(2 * max(others), 2)
        avg = round(sum(e["m"]["own_gmv"] for e in team) / max(1, len(team)), 2)
        for e in team:
            e["m"]["team_avg_gmv"], e["sales"] = avg, e["m"]["own_gmv"]
        gmv = round(sum(e["m"]["gmv"] for e in mine if e["role"] == OPS and e["m"]), 2) or 1000000.0
        c_gmv = round(sum(e["m"]["campaign_gmv"] for e in mine if e["role"] == CAMP and e["m"]), 2) or 250000.0
        director = mine[0]
        director["m"] = dict(company_gmv=gmv, company_gmv_target=max(10000, round(gmv / rng.uniform(0.85, 1.1), -4)),
                             company_campaign_gmv=c_gmv,
                             company_campaign_target=max(10000, round(c_gmv / rng.uniform(0.8, 1.1), -4)))
        director["reward"] = [round(gmv * 12, -4), round(gmv * 12 * rng.uniform(0.75, 1.1), -2), P("0.3%"),
                              round(c_gmv * 12, -4), round(c_gmv * 12 * rng.uniform(0.75, 1.1), -2), P("0.5%"), P("80%")]
    return people, adjustments, _history(rng, people, period.previous())


def _history(rng: random.Random, people: list[dict], p1) -> list[tuple]:
    """Two earlier periods for ~30 % of people (and every star and failing employee)."""
    p2 = p1.previous()
    chosen = [e for e in people if e["hire"] <= p2.start and not e["absent"]
              and (e["special"] in ("star", "failing") or rng.random() < 0.3)]
    rows = []
    for p in (p2, p1):
        totals = {e["id"]: round(max(61.0, min(99.0, 80 + (e["q"] - 0.92) * 100 + rng.gauss(0, 5))), 1) for e in chosen}
        depts: dict[tuple, list[dict]] = {}
        for e in chosen:
            depts.setdefault((e["company"], e["dept"]), []).append(e)
        for members in depts.values():
            for e in members:
                if e["special"] == "failing":
                    totals[e["id"]] = round(rng.uniform(45, 58), 1)
                elif e["special"] == "star":
                    totals[e["id"]] = round(max(totals[x["id"]] for x in members) + rng.uniform(1, 3), 1)
            for e in members:
                t = totals[e["id"]]
                grade = next(g[0] for g in GRADES if t >= g[2])
                rows.append((p.key, e["id"], e["name"], t, grade, 1 + sum(totals[x["id"]] > t for x in members)))
    return rows


def write_demo_workbook(path: Path, employees: int, seed: int, period: str = "2026-10") -> None:
    """A valid input workbook of a synthetic group: N employees, deterministic for a seed."""
    if employees < 20:
        raise ValueError("a demo group needs at least 20 employees")
    per = parse_period(period)
    rng = random.Random(seed)
    people, adjustments, history = _generate(rng, employees, per)
    after = per.end + timedelta(days=1)
    appraisal_day = date(after.year, after.month, 6)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False, "in_memory": True})
    wb.set_properties({"title": f"{per.label}绩效考核输入（演示数据）", "author": "reporter demo_data",
                       "created": datetime(2026, 11, 1)})
    f = {"head": wb.add_format({"bold": True, "bg_color": "#DDEBF7"}), "text": wb.add_format({"num_format": "@"}),
         "date": wb.add_format({"num_format": "yyyy-mm-dd"}), "pct": wb.add_format({"num_format": "0.00%"}),
         "money": wb.add_format({"num_format": "#,##0.00"}), None: None}
    kind_fmt = {"id": "text", "money": "money", "percent": "pct"}

    def sheet(key, rows, headers=None, kinds=None):
        spec = sheet_by_key(key)
        headers = headers or [c.zh for c in spec.columns]
        fmts = [f[kind_fmt.get(k)] for k in (kinds or [c.kind for c in spec.columns])]
        ws = wb.add_worksheet(spec.zh)
        ws.freeze_panes(1, 0)
        for c, h in enumerate(headers):
            ws.set_column(c, c, WIDTHS.get(h, 12))
            ws.write_string(0, c, h, f["head"])
        for r, row in enumerate(rows, start=1):
            for c, v in enumerate(row):
                if v is None or v == "":
                    continue
                fmt = fmts[c]
                if isinstance(v, tuple):
                    v, fmt = v
                if isinstance(v, str):
                    ws.write_string(r, c, v, fmt)
                elif isinstance(v, date):
                    ws.write_datetime(r, c, v, f["date"])
                else:
                    ws.write_number(r, c, float(v), fmt)
        return ws

    intro = wb.add_worksheet("说明")
    intro.set_column(0, 0, 100)
    for r, line in enumerate([f"云栖电商集团 {per.label} 绩效考核输入（合成演示数据，随机种子 {seed}，{employees} 人）",
                              "由 reporter.demo_data 生成；姓名、工号、邮箱均为虚构，邮箱使用 example.com 保留域名。"]):
        intro.write_string(r, 0, line)
    settings = [("公司名称", "云栖电子商务集团有限公司"), ("考核期间", per.key), ("币种", "CNY"),
                ("考核日期", appraisal_day), ("申诉截止日期", appraisal_day + timedelta(days=7)),
                ("考核人", "部门负责人"), ("人事负责人", "集团人力资源部 周敏"), ("公共提成比例", (0.005, f["pct"])),
                ("连续第一奖励", (200, f["money"])), ("连续月数", 3), ("缺勤上限月数", 2),
                ("工龄工资每年", (50, f["money"])), ("工龄工资上限", (500, f["money"]))]
    sheet("settings", settings, ["项目", "值"], ["text", "text"])
    pools = {e["company"]: e["company"][:-2] + "客服" for e in people}
    team = Counter(e["company"] for e in people if e["role"] == CS)
    sheet("employees", ([e["id"], e["name"], e["email"], e["company"], e["dept"], e["role"], e["manager"], e["hire"],
                         e["pay"], e["seniority"], e["absent"], e.get("sales"), P("1%") if e["role"] == CS else None,
                         pools[e["company"]] if e["role"] == CS else None] for e in people))
    sheet("measure_defs", MEASURES)
    sheet("kpis", KPIS)

    def plan_rows(owner, lines):
        for ln in lines:
            pct = f["pct"] if UNIT.get(ln[2]) == "%" else None
            yield [*owner, *ln[:5], *((v, pct) if v is not None else None for v in ln[5:7]), *ln[7:]]

    sheet("plans", [*(r for role, lines in PLANS.items() for r in plan_rows((role, None), lines)),
                    *(r for e in people if e["role"] == DIR for r in plan_rows((None, e["id"]), DIRECTOR_PLAN))])
    codes = [m[0] for m in MEASURES]
    col = {code: i for i, code in enumerate(codes, start=2)}
    money = {m[0] for m in MEASURES if m[2] == "金额"}
    ws = sheet("measures", [], ["工号", "姓名", *codes], ["id", "text", *("money" if c in money else "" for c in codes)])
    for r, e in enumerate(people, start=1):
        ws.write_string(r, 0, e["id"], f["text"])
        ws.write_string(r, 1, e["name"])
        for code, v in e["m"].items():
            ws.write_number(r, col[code], v, f["money"] if code in money else None)
    sheet("attendance", ([e["id"], e["name"], *e["att"]] for e in people))
    sheet("ratings", ([e["id"], e["name"], item, v] for e in people for item, v in e["ratings"].items()))
    sheet("reviews", _reviews(rng, people, appraisal_day))
    sheet("adjustments", ([e["id"], e["name"], item, pts, e["manager"]] for e, item, pts in adjustments))
    sheet("grades", GRADES)
    sheet("pools", ([pool, round(team[c] * rng.uniform(9e4, 13e4), -2)] for c, pool in pools.items()))
    sheet("annual_rewards", ([e["id"], e["name"], *e["reward"]] for e in people if e["role"] == DIR))
    sheet("history", history)
    wb.close()


def _reviews(rng: random.Random, people: list[dict], appraisal_day: date):
    for i, e in enumerate(people):
        if e["absent"]:
            yield [e["id"], e["name"], e["manager"], "考评期内累计缺岗超过2个月，按制度不参与本期考核。", "返岗后安排岗位适应培训。"]
            continue
        q = e["q"]
        tier = {"star": "S", "failing": "D"}.get(e["special"]) or "SABC"[(q < 1.06) + (q < 0.96) + (q < 0.86)]
        comment = rng.choice(COMMENTS[tier]) + rng.choice(ATTITUDE)
        improvement = rng.choice(IMPROVE[e["role"]])
        if e["special"] == "injected":  # text that a spreadsheet would run as a formula if it were not stored as text
            comment, improvement = "+" + comment, "@设计部 " + improvement
        yield [e["id"], e["name"], e["manager"], comment, improvement, appraisal_day + timedelta(days=i % 4)]
