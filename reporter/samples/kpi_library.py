"""The seed's KPI library (篇四 篇二 篇五 篇六), defined once.

Measure definitions, the KPI library of 篇四 (definitions quoted from it),
the five e-commerce roles and their departments, the role plans with their
scoring standards in words (KPIs of 篇四, weekly reports and attendance of
篇二), the operations director's plan (篇五), the grade bands and pay ranges
(篇六) and the catalogue of bonus and penalty items.

Used by the demo company (``sample_inputs/make_sample.py``) and by the
synthetic generator (``reporter.samples.demo_data``).  Plain data and the two helpers
the tables are written with (``P`` and ``L``); no I/O.
"""

from __future__ import annotations

from decimal import Decimal as D

# measure definitions (度量定义): code, name, kind, source
MEASURES = [
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
    ("company_campaign_gmv", "公司活动成交额", "金额", "财务部"),
    ("company_campaign_target", "公司活动销售目标", "金额", "经营计划"),
]

# the roles of 篇四 and 篇五, and the department each works in
OPS, PROMO, CAMP, CS, DES, DIR = "运营专员", "推广专员", "活动策划专员", "在线客服专员", "平面设计专员", "运营总监"
DEPT = {OPS: "运营部", PROMO: "推广部", CAMP: "活动策划部", CS: "客服部", DES: "设计部"}

# KPI library (指标库): code, name, formula, unit, direction, definition (篇四), source, role
KPIS = [
    ("pv_total", "浏览量PV", "pv", "次", "高优", "一个独立访客在24小时内访问网店页面的数量，重复访问同一页面只计算一次", "生意参谋", OPS),
    ("pv_per_uv", "人均浏览量PV/UV", "pv / uv", "页", "高优", "即人均访问页面量，直观反映网店的顾客粘度", "生意参谋", OPS),
    ("buyer_count", "成交人数", "buyers", "人", "高优", "即实际发生购买的人数", "生意参谋", OPS),
    ("conversion", "订单转换率", "buyers / uv", "%", "高优", "即成交人数/UV，双向考核指标", "生意参谋", OPS),
    ("sales_gmv", "成交额GMV", "gmv", "元", "高优", "网店单位时间内的销售额，以客户最终付款为定义标准，是目标管理的最核心KPI指标", "生意参谋", OPS),
    ("avg_dwell", "平均停留时长", "dwell_seconds", "秒", "高优", "反映顾客粘度的重要指标，可反映页面布局、内容、商品丰富度、栏目导航等状况", "生意参谋", OPS),
    ("aov", "客单价", "gmv / buyers", "元", "高优", "每独立访客在一次购物时的成交额，计算公式为成交金额/成交人数", "生意参谋", OPS),
    ("uv_total", "独立访客UV", "uv", "人", "高优", "网店独立访客数量（以一台终端访问为基准，不以IP为基准）", "生意参谋", PROMO),
    ("arrival_rate", "到达率", "page_arrivals / ad_impressions", "%", "高优", "页面到达次数/广告展现次数，反映广告投放获取用户的效果", "推广后台", PROMO),
    ("bounce_rate", "跳出率", "single_page_visits / uv", "%", "低优", "进入单页面后未做二次跳转的UV访客占总UV访客的比例", "生意参谋", PROMO),
    ("cost_per_uv", "平均获取成本", "promo_spend / uv", "元", "低优", "单位费用投入/单位UV量，即获取一个UV所投入的费用成本", "推广后台", PROMO),
    ("new_uv_share", "新增UV占比", "new_uv / uv", "%", "高优", "单位时间内新增加的顾客比例", "生意参谋", PROMO),
    ("click_rate", "平均点击率", "campaign_clicks / uv", "%", "高优", "每单位UV点击活动页面的次数（点击次数/UV量）", "生意参谋", CAMP),
    ("campaign_order_share", "活动订单比例", "campaign_orders / orders", "%", "高优", "活动期间促销活动订单占总订单数量的比例", "生意参谋", CAMP),
    ("campaign_gmv_share", "活动成交额比例", "campaign_gmv / gmv", "%", "高优", "活动期间活动订单成交额占订单成交额的比例", "生意参谋", CAMP),
    ("campaign_conversion", "活动订单转换率", "campaign_buyers / campaign_page_uv", "%", "高优", "促销活动成交人数/访问活动页面UV量", "生意参谋", CAMP),
    ("roi", "活动ROI", "campaign_gmv / campaign_cost", "倍", "高优", "成交额/活动投入成本，考核活动费用的控制情况", "财务部", CAMP),
    ("response_time", "及时响应时间", "response_seconds", "秒", "低优", "顾客咨询时客服人员的响应时间，原则上不超过30秒", "客服系统", CS),
    ("forbidden_count", "服务态度（违规用语）", "forbidden_phrases", "次", "低优", "主要针对违规用语进行考核，原则上每月不能超过5次", "客服质检", CS),
    ("bad_review_count", "差评次数", "bad_reviews", "次", "低优", "由于服务态度问题而造成的顾客差评", "客服系统", CS),
    ("consult_conversion", "咨询转换率", "paid_uv / served_uv", "%", "高优", "当月成功付款的UV数/当月接待的总UV数×100%", "客服系统", CS),
    ("sales_share", "成交额转换率", "own_gmv / team_avg_gmv", "%", "高优", "当月个人成交金额/当月客服部平均成交金额×100%", "客服系统", CS),
    ("return_rate", "退货率", "returns / converted_orders", "%", "低优", "退单量/咨询转换单量，以顾客接货后开始计算", "客服系统", CS),
    ("exchange_rate", "换货率", "exchanges / converted_orders", "%", "低优", "换单量/咨询转换单量，以顾客接货后开始计算", "客服系统", CS),
    ("refund_rate", "退款率", "refund_uv / paid_uv", "%", "低优", "退款UV量/接待的付款UV总量", "客服系统", CS),
    ("on_time_rate", "设计及时率", "design_on_time / design_items", "%", "高优", "以设计项目分配设计时间为基准，考核设计人员工作效率", "设计任务单", DES),
    ("approval_rate", "设计通过率", "design_approved / design_items", "%", "高优", "以设计项目的通过比例为基准，考核设计人员的工作质量", "设计任务单", DES),
    ("design_log_count", "设计日志", "design_logs", "条", "高优", "每天设计的页面及图片整理成日志备份，作为考核工作量的重要指标", "设计日志", DES),
    ("design_item_count", "设计需求完成数", "design_items", "项", "高优", "当月完成并交付的设计需求数量", "设计任务单", DES),
    ("company_gmv_rate", "销售计划完成率", "company_gmv / company_gmv_target", "%", "高优", "公司月度成交额/月度销售目标", "财务部", DIR),
    ("campaign_sales_rate", "活动销售目标完成率", "company_campaign_gmv / company_campaign_target", "%", "高优", "运营活动成交额/活动销售目标", "财务部", DIR),
    ("attendance_deduction", "考勤扣分", "(late + early_leave) * 2 + leave_days", "分", "低优", "迟到早退减2分/次，有效请假减1分/天", "考勤系统", ""),
    ("weekly_report_rate", "周报提交率", "reports_submitted / reports_due", "%", "高优", "把职能分类别每个星期向主管以文档的形式汇报", "OA系统", ""),
]
UNIT = {k[0]: k[3] for k in KPIS}  # KPI code -> unit


def P(pct: str) -> D:
    """'3.5%' -> Decimal('0.035'): percentages stay exact until they are written."""
    return D(pct.rstrip("%")) / 100


def L(cat, item, kpi, weight, method, target=None, floor=None, cap=None, std="", sup="", step=None, adj=None):
    """One plan line; weight/cap as percent strings, ``adj`` = (original target, reason, approver)."""
    return dict(cat=cat, item=item, kpi=kpi, weight=P(weight) if weight else None, method=method, target=target,
                floor=floor, cap=P(cap) if cap else None, std=std, sup=sup, step=step, adj=adj)


KEY_GOAL = {OPS: "双11预热期店铺运营方案落地", PROMO: "双11引流投放计划执行", CAMP: "双11活动方案策划与执行",
            CS: "双11大促客服预案与话术更新", DES: "双11活动视觉设计交付"}
RATE_BY = "主管按1–5分评定"
RATING_STD = RATE_BY + "：5分超出预期，4分完全达到，3分基本达到，2分部分达到，1分未达到；得分=评分/5×权重"


def common_lines(role):
    """The lines every role plan ends with: key goal, ability, attitude (rated), weekly reports, attendance,
    bonus and penalty (篇二)."""
    return [
        L("重点工作", KEY_GOAL[role], None, "10%", "评级", 5, std=RATING_STD),
        L("工作能力", "工作能力", None, "8%", "评级", 5, std="专业知识、学习能力、沟通技巧及语言文字表达能力，" + RATE_BY),
        L("工作态度", "工作态度", None, "8%", "评级", 5, std="积极性、主动性、责任感、信息反馈的及时性，" + RATE_BY),
        L("周报", "周报提交", "weekly_report_rate", "4%", "达成率", P("100%"), std="每周以文档形式向主管汇报；实交/应交×权重"),
        L("考勤", "考勤", "attendance_deduction", "10%", "扣分制", step=1, std="迟到早退每次扣2分，有效请假每天扣1分，扣完为止"),
        L("加减分", "自愿性任务加分", "bonus_points", None, "加分", cap="20%", std="自愿承担网站下发的任务，经批准加分，合计最多+20分"),
        L("加减分", "违规扣分", "penalty_points", None, "加分", std="违反公司制度或客户投诉经核实的扣分，不设上限"),
    ]


# role -> plan lines: the role's KPIs (篇四), then the common lines
PLANS = {
    OPS: [
        L("KPI", "成交额GMV", "sales_gmv", "20%", "达成率", 500000, cap="120%", sup="区域公司月度成交额",
          std="实际成交额/目标×权重，封顶120%",
          adj=(600000, "市场重大变化", "沈国华")),
        L("KPI", "订单转换率", "conversion", "10%", "达成率", P("3.5%"), sup="运营部订单转换率", std="实际转换率/3.5%×权重，封顶100%"),
        L("KPI", "客单价", "aov", "8%", "达成率", 200, std="实际客单价/200元×权重，封顶100%"),
        L("KPI", "成交人数", "buyer_count", "7%", "达成率", 2500, std="实际成交人数/2500×权重，封顶100%"),
        L("KPI", "人均浏览量PV/UV", "pv_per_uv", "8%", "线性", 4, floor=2, std="人均浏览2页得0分，4页及以上得满分，其间按比例"),
        L("KPI", "平均停留时长", "avg_dwell", "7%", "达标制", 90, std="平均停留时长≥90秒得满分，否则0分"),
    ],
    PROMO: [
        L("KPI", "独立访客UV", "uv_total", "15%", "达成率", 50000, cap="110%", sup="运营部成交人数", std="实际UV/5万×权重，封顶110%"),
        L("KPI", "到达率", "arrival_rate", "10%", "达成率", P("3%"), std="实际到达率/3%×权重，封顶100%"),
        L("KPI", "跳出率", "bounce_rate", "12%", "线性", P("45%"), floor=P("70%"), std="跳出率≥70%得0分，≤45%得满分，其间按比例"),
        L("KPI", "平均获取成本", "cost_per_uv", "12%", "达成率", D("1.20"), sup="推广部费用预算", std="目标成本1.20元/实际成本×权重，封顶100%"),
        L("KPI", "新增UV占比", "new_uv_share", "11%", "达成率", P("40%"), std="实际占比/40%×权重，封顶100%"),
    ],
    CAMP: [
        L("KPI", "平均点击率", "click_rate", "10%", "达成率", P("35%"), std="实际点击率/35%×权重，封顶100%"),
        L("KPI", "活动订单比例", "campaign_order_share", "10%", "线性", P("30%"), floor=P("10%"), std="10%得0分，30%及以上得满分，其间按比例"),
        L("KPI", "活动成交额比例", "campaign_gmv_share", "12%", "达成率", P("30%"), sup="运营总监活动销售目标", std="实际比例/30%×权重，封顶100%"),
        L("KPI", "活动订单转换率", "campaign_conversion", "12%", "达成率", P("5%"), std="实际转换率/5%×权重，封顶100%"),
        L("KPI", "活动ROI", "roi", "16%", "达成率", 5, cap="120%", std="实际ROI/5×权重，封顶120%"),
    ],
    CS: [
        L("KPI", "及时响应时间", "response_time", "10%", "达标制", 30, std="平均响应时间≤30秒得满分，否则0分"),
        L("KPI", "服务态度（违规用语）", "forbidden_count", "8%", "达标制", 5, std="当月违规用语≤5次得满分，否则0分"),
        L("KPI", "差评次数", "bad_review_count", "8%", "达成率", 2, std="目标2次/实际次数×权重，封顶100%；无差评得满分"),
        L("KPI", "咨询转换率", "consult_conversion", "10%", "达成率", P("45%"), std="实际转换率/45%×权重，封顶100%"),
        L("KPI", "成交额转换率", "sales_share", "12%", "达成率", P("100%"), cap="120%", sup="客服部成交额", std="个人成交额/部门人均×权重，封顶120%"),
        L("KPI", "退货率", "return_rate", "6%", "线性", P("3%"), floor=P("10%"), std="退货率≥10%得0分，≤3%得满分，其间按比例"),
        L("KPI", "退款率", "refund_rate", "6%", "达成率", P("5%"), std="目标5%/实际退款率×权重，封顶100%"),
    ],
    DES: [
        L("KPI", "设计及时率", "on_time_rate", "18%", "达成率", P("95%"), std="实际及时率/95%×权重，封顶100%"),
        L("KPI", "设计通过率", "approval_rate", "18%", "线性", P("90%"), floor=P("60%"), std="通过率60%得0分，90%及以上得满分，其间按比例"),
        L("KPI", "设计日志", "design_log_count", "14%", "达成率", 100, cap="120%", std="日志条数/100×权重，封顶120%"),
        L("KPI", "设计需求完成数", "design_item_count", "10%", "达成率", 40, sup="设计部需求交付量", std="完成需求数/40×权重，封顶100%"),
    ],
}
for _role in PLANS:
    PLANS[_role] += common_lines(_role)

# The operations director's personal plan (篇五): results and management indicators.
DIRECTOR_PLAN = [
    L("KPI", "销售计划完成率", "company_gmv_rate", "30%", "达成率", P("100%"), cap="120%", sup="集团年度销售目标",
      std="业绩指标：公司成交额/月度销售目标×权重，封顶120%"),
    L("KPI", "活动销售目标完成率", "campaign_sales_rate", "25%", "线性", P("100%"), floor=P("60%"),
      sup="集团年度活动销售目标", std="业绩指标：完成率60%得0分，100%及以上得满分，其间按比例"),
    L("重点工作", "团队建设", None, "15%", "评级", 5, std="管理指标：运营队伍配置、梯队建设与团队稳定性；" + RATE_BY),
    L("重点工作", "制度建设", None, "10%", "评级", 5, std="管理指标：运营中心规章制度与活动审批流程的制定和执行；" + RATE_BY),
    L("重点工作", "人才培养", None, "10%", "评级", 5, std="管理指标：新人带教、骨干培养与内部分享；" + RATE_BY),
    L("考勤", "考勤", "attendance_deduction", "10%", "扣分制", step=1, std="迟到早退每次扣2分，有效请假每天扣1分，扣完为止"),
    L("加减分", "自愿性任务加分", "bonus_points", None, "加分", cap="20%", std="经总经理批准的专项任务加分，合计最多+20分"),
    L("加减分", "违规扣分", "penalty_points", None, "加分", std="违反公司制度经核实的扣分"),
]

# grade bands (篇六): grade, name, min, max, pay coefficient, training, promotion, level change, salary change, failing
GRADES = [
    ("S", "优秀", 90, None, P("120%"), "选修提升课程", "优先晋升", "可升一级", "上调 5%", "否"),
    ("A", "良好", 80, 90, P("110%"), "常规在岗培训", "具备晋升资格", "保持", "上调 2%", "否"),
    ("B", "合格", 70, 80, P("100%"), "针对性技能培训", "暂不晋升", "保持", "不调整", "否"),
    ("C", "待改进", 60, 70, P("80%"), "强化培训（每月不少于8学时）", "不得晋升", "保持（观察期）", "下调 5%", "否"),
    ("D", "不合格", 0, 60, P("0%"), "脱岗强化培训", "不得晋升", "降一级", "下调 10%", "是"),
]

# position pay range by role, for generated people
PAY_RANGE = {OPS: (7000, 10000), PROMO: (6500, 9500), CAMP: (6500, 9500), CS: (4200, 5800), DES: (6000, 9000)}
# bonus and penalty items (加减分), points
VOLUNTARY = [("双11值班支援", 5), ("双11值班支援", 8), ("协助直播间场控", 4), ("新员工带教", 3),
             ("流程优化建议被采纳", 5), ("协助仓库发货高峰", 6)]
PENALTIES = [("违规用语被客户投诉", -3), ("未按流程报备活动", -2), ("未经审批超预算投放", -5)]

# 岗位职责: the rights (权利) and duties (职责) of each sample role, printed in its agreement.
ROLE_DUTIES = [
    *((DIR, "权利", t) for t in (
        "有权参与制定公司经营发展规划并提出建议。",
        "有权组织制定并修改运营中心规章制度、运营活动策略、活动销售目标。",
        "有权建立、培训、管理公司的运营队伍。",
        "有权控制、监督运营活动业务的开展情况，带领、指导各运营团队完成活动销售任务。")),
    *((DIR, "职责", t) for t in (
        "负责完成公司年度销售计划与运营活动销售目标。",
        "负责运营中心的团队建设、制度建设与人才培养。",
        "按月向公司总经理汇报经营指标完成情况。")),
    (OPS, "权利", "有权获取店铺运营所需的数据与资源支持。"), (OPS, "权利", "有权就商品、页面与促销方案提出建议。"),
    (OPS, "职责", "负责店铺日常运营，提升 PV、访客粘度、订单转换率与成交额。"),
    (OPS, "职责", "优化商品组合、详情页关联与促销活动，提升客单价。"),
    (OPS, "职责", "每周以文档形式向主管汇报工作。"),
    (PROMO, "权利", "有权在批准的预算内选择推广渠道与投放方式。"), (PROMO, "权利", "有权获取推广效果数据。"),
    (PROMO, "职责", "通过网络推广为店铺获取有效独立访客（UV），控制平均获取成本。"),
    (PROMO, "职责", "提升广告到达率与新增访客占比，降低跳出率。"),
    (PROMO, "职责", "每周以文档形式向主管汇报工作。"),
    (CAMP, "权利", "有权提出促销活动方案并组织实施。"), (CAMP, "权利", "有权在批准的活动预算内调配资源。"),
    (CAMP, "职责", "策划并执行促销活动，提升活动点击率、活动订单与成交额占比。"),
    (CAMP, "职责", "控制活动费用，提高投入产出比（ROI）。"),
    (CAMP, "职责", "每周以文档形式向主管汇报工作。"),
    (CS, "权利", "有权获取商品、库存与物流信息以答复顾客。"), (CS, "权利", "有权对不合理的顾客要求按流程上报。"),
    (CS, "职责", "及时响应顾客咨询，原则上不超过 30 秒；规范用语，每月违规用语不超过 5 次。"),
    (CS, "职责", "提升咨询转换率与成交额，降低差评、退货、换货与退款。"),
    (CS, "职责", "每周以文档形式向主管汇报工作。"),
    (DES, "权利", "有权获取设计所需的素材与需求说明。"), (DES, "权利", "有权对不明确的设计需求要求澄清。"),
    (DES, "职责", "按分配的时间完成店铺页面与图片设计，保证设计及时率与通过率。"),
    (DES, "职责", "每天整理设计日志并附设计文档备份。"),
    (DES, "职责", "每周以文档形式向主管汇报工作。"),
]
