"""The demo company's units (篇七's cascade): the group, its two regional companies and their ten departments.

杭州云栖电子商务有限公司 (the group, JT) sets the regional companies' plans, 华东公司
(HD) and 华南公司 (HN) set their five departments' plans, and each person's plan
line names, in 支撑上级指标, the line code of their department's plan it
supports.  The same kind of department has the same line codes in both
companies (YY_GMV, YY_CONV, …), because the role plans of 考核方案 serve both.

The departments' figures in 单位数据 are the sums of their people's October
numbers (月度数据), a company's are the sums of its departments' and the group's
the sums of its companies', so the cascade adds up; what no person reports
(satisfaction surveys, headcount, leavers, training hours) is written here by
hand.  Used by ``make_sample.py``; plain data and the functions writing the
four sheets, no I/O.
"""

from __future__ import annotations

from decimal import Decimal as D

from reporter.samples import kpi_library as seed
from reporter.samples.kpi_library import CAMP, CS, DES, DIR, KEY_GOAL, OPS, PROMO, P

GROUP, GROUP_NAME, GROUP_HEAD = "JT", "杭州云栖电子商务有限公司", "钱正阳"  # the name is 设置 公司名称
COMPANIES = {"华东公司": ("HD", "沈国华"), "华南公司": ("HN", "邓志远")}  # 沈国华 is 林海峰's manager (员工)
DEPTS = {OPS: "YY", PROMO: "TG", CAMP: "CH", CS: "KF", DES: "SJ"}  # role -> the department's code

# Unit-level figures no person reports: measure definitions and the KPIs of 指标库 read from them.
UNIT_MEASURE_DEFS = [
    ("survey_responses", "满意度回评数", "次数", "客服系统"), ("satisfied_responses", "满意回评数", "次数", "客服系统"),
    ("headcount", "在岗人数", "个数", "人事行政部"), ("leavers", "离职人数", "个数", "人事行政部"),
    ("training_hours", "培训学时", "数值", "人事行政部"),
]
UNIT_KPIS = [
    ("csat_rate", "客户满意度", "satisfied_responses / survey_responses", "%", "高优",
     "满意回评数/满意度回评数，反映顾客对购物与服务的整体满意程度", "客服系统", ""),
    ("marketing_cost_rate", "营销费用率", "(promo_spend + campaign_cost) / gmv", "%", "低优",
     "（推广费用+活动投入成本）/成交额，考核营销费用的控制情况", "财务部", ""),
    ("turnover_rate", "员工流失率", "leavers / headcount", "%", "低优", "当期离职人数/在岗人数", "人事行政部", ""),
    ("training_per_head", "人均培训学时", "training_hours / headcount", "小时", "高优", "当期培训总学时/在岗人数", "人事行政部", ""),
]
KPI_UNIT = {**seed.UNIT, **{k[0]: k[3] for k in UNIT_KPIS}}
MONEY_MEASURES = {m[0] for m in seed.MEASURES if m[2] == "金额"}
PCT, MONEY = "0.00%", "#,##0.00"

# 维度 (篇七 3.3)
SCALE, CUSTOMER, OPERATIONS, PEOPLE = "规模与盈利", "客户", "内部运营", "人与组织"
RATED_BY_PARENT = "上级单位负责人按1–5分评定：5分超出预期，4分完全达到，3分基本达到，2分部分达到，1分未达到；得分=评分/5×权重"
TEAM = "团队建设与人员稳定"


def U(code, dim, cat, item, kpi, weight, method, target=None, floor=None, cap=None, std="", sup=""):
    """One unit plan line; ``target`` is one value or {company code: value}; ``sup`` a code of the plan above
    (for a department or company line, without the company's or group's prefix)."""
    return dict(code=code, dim=dim, cat=cat, item=item, kpi=kpi, weight=P(weight), method=method, target=target,
                floor=floor, cap=P(cap) if cap else None, std=std, sup=sup)


def rated(code, dim, item, weight, sup):
    return U(code, dim, "重点工作", item, None, weight, "评级", std=RATED_BY_PARENT, sup=sup)


GROUP_PLAN = [  # the month's plan, which the companies support
    U("JT_GMV", SCALE, "KPI", "集团成交额", "sales_gmv", "30%", "达成率", 4550000, cap="120%",
      std="集团成交额/月度目标×权重，封顶120%"),
    U("JT_CAMP", SCALE, "KPI", "集团活动成交额", "campaign_gmv", "15%", "达成率", 890000, cap="120%",
      std="活动成交额/目标×权重，封顶120%"),
    U("JT_COST", OPERATIONS, "KPI", "营销费用率", "marketing_cost_rate", "15%", "达成率", P("18%"),
      std="目标18%/实际费用率×权重，封顶100%"),
    U("JT_CSAT", CUSTOMER, "KPI", "客户满意度", "csat_rate", "15%", "达成率", P("92%"), std="实际满意度/92%×权重，封顶100%"),
    U("JT_PEOPLE", PEOPLE, "KPI", "员工流失率", "turnover_rate", "10%", "达成率", P("3%"),
      std="目标3%/实际流失率×权重，封顶100%；无人离职得满分"),
    rated("JT_KEY", OPERATIONS, "双11大促整体筹备", "15%", ""),
]
GROUP_YEAR_PLAN = [  # 期限 年度: scored at the year's end, shown in the agreements and the alignment report
    U("JT_Y_GMV", SCALE, "KPI", "年度成交额", "sales_gmv", "40%", "达成率", 61000000, cap="120%",
      std="年度成交额/年度目标×权重，封顶120%"),
    U("JT_Y_CAMP", SCALE, "KPI", "年度活动成交额", "campaign_gmv", "20%", "达成率", 15000000, cap="120%",
      std="年度活动成交额/目标×权重，封顶120%"),
    U("JT_Y_COST", OPERATIONS, "KPI", "年度营销费用率", "marketing_cost_rate", "15%", "达成率", P("17%"),
      std="目标17%/实际费用率×权重，封顶100%"),
    U("JT_Y_CSAT", CUSTOMER, "KPI", "年度客户满意度", "csat_rate", "15%", "达成率", P("93%"), std="实际满意度/93%×权重，封顶100%"),
    U("JT_Y_TURNOVER", PEOPLE, "KPI", "年度员工流失率", "turnover_rate", "10%", "达成率", P("30%"),
      std="目标30%/实际流失率×权重，封顶100%"),
]
# A regional company's plan; its codes carry the company's prefix (HD_GMV, HN_GMV).
COMPANY_PLAN = [
    U("GMV", SCALE, "KPI", "区域成交额", "sales_gmv", "25%", "达成率", {"HD": 2050000, "HN": 2500000}, cap="120%",
      std="区域成交额/月度目标×权重，封顶120%", sup="JT_GMV"),
    U("CONV", CUSTOMER, "KPI", "订单转换率", "conversion", "10%", "达成率", P("3.5%"),
      std="实际转换率/3.5%×权重，封顶100%", sup="JT_GMV"),
    # No department plan carries 客单价: the alignment report flags this KPI as supported by nobody.
    U("AOV", SCALE, "KPI", "客单价", "aov", "5%", "达成率", 200, std="实际客单价/200元×权重，封顶100%", sup="JT_GMV"),
    U("CAMP", SCALE, "KPI", "活动成交额", "campaign_gmv", "10%", "达成率", {"HD": 470000, "HN": 420000}, cap="120%",
      std="活动成交额/目标×权重，封顶120%", sup="JT_CAMP"),
    U("COST", OPERATIONS, "KPI", "营销费用率", "marketing_cost_rate", "10%", "达成率", P("18%"),
      std="目标18%/实际费用率×权重，封顶100%", sup="JT_COST"),
    U("CSAT", CUSTOMER, "KPI", "客户满意度", "csat_rate", "10%", "达成率", P("92%"), std="实际满意度/92%×权重，封顶100%",
      sup="JT_CSAT"),
    U("REFUND", CUSTOMER, "KPI", "退款率", "refund_rate", "5%", "达成率", P("5%"), std="目标5%/实际退款率×权重，封顶100%",
      sup="JT_CSAT"),
    U("TURNOVER", PEOPLE, "KPI", "员工流失率", "turnover_rate", "5%", "达成率", P("3%"),
      std="目标3%/实际流失率×权重，封顶100%；无人离职得满分", sup="JT_PEOPLE"),
    U("TRAIN", PEOPLE, "KPI", "人均培训学时", "training_per_head", "5%", "达成率", 8, std="人均培训学时/8小时×权重，封顶100%",
      sup="JT_PEOPLE"),
    rated("KEY", OPERATIONS, "双11区域大促筹备", "15%", "JT_KEY"),
]


def people_lines(prefix, role):
    """The two 人与组织 lines every department plan ends with (the key goal is the role's, 篇七 3.3)."""
    return [
        rated(f"{prefix}_KEY", OPERATIONS, KEY_GOAL[role], "15%", "KEY"),
        U(f"{prefix}_TRAIN", PEOPLE, "KPI", "人均培训学时", "training_per_head", "10%", "达成率", 8,
          std="人均培训学时/8小时×权重，封顶100%", sup="TRAIN"),
        rated(f"{prefix}_TEAM", PEOPLE, TEAM, "10%", "TURNOVER"),
    ]


DEPT_PLANS = {  # role -> the plan of the department it works in (both companies; targets by company)
    OPS: [
        U("YY_GMV", SCALE, "KPI", "店铺成交额", "sales_gmv", "30%", "达成率", {"HD": 2050000, "HN": 2500000}, cap="120%",
          std="店铺成交额/月度目标×权重，封顶120%", sup="GMV"),
        U("YY_BUYERS", SCALE, "KPI", "成交人数", "buyer_count", "10%", "达成率", {"HD": 11000, "HN": 12500},
          std="成交人数/目标×权重，封顶100%", sup="GMV"),
        U("YY_CONV", CUSTOMER, "KPI", "订单转换率", "conversion", "15%", "达成率", P("3.5%"),
          std="实际转换率/3.5%×权重，封顶100%", sup="CONV"),
        U("YY_PVUV", OPERATIONS, "KPI", "人均浏览量PV/UV", "pv_per_uv", "10%", "线性", 4, floor=2,
          std="人均浏览2页得0分，4页及以上得满分，其间按比例", sup="CONV"),
        *people_lines("YY", OPS),
    ],
    PROMO: [
        U("TG_UV", SCALE, "KPI", "引流访客数", "uv_total", "25%", "达成率", 250000, cap="110%",
          std="引流UV/25万×权重，封顶110%", sup="GMV"),
        U("TG_COST", SCALE, "KPI", "平均获取成本", "cost_per_uv", "15%", "达成率", D("1.20"),
          std="目标成本1.20元/实际成本×权重，封顶100%", sup="COST"),
        U("TG_NEWUV", CUSTOMER, "KPI", "新增UV占比", "new_uv_share", "15%", "达成率", P("40%"),
          std="实际占比/40%×权重，封顶100%", sup="GMV"),
        U("TG_BOUNCE", OPERATIONS, "KPI", "跳出率", "bounce_rate", "10%", "线性", P("45%"), floor=P("70%"),
          std="跳出率≥70%得0分，≤45%得满分，其间按比例", sup="CONV"),
        *people_lines("TG", PROMO),
    ],
    CAMP: [
        U("CH_CAMP", SCALE, "KPI", "活动成交额", "campaign_gmv", "25%", "达成率", {"HD": 470000, "HN": 420000}, cap="120%",
          std="活动成交额/目标×权重，封顶120%", sup="CAMP"),
        U("CH_ROI", SCALE, "KPI", "活动ROI", "roi", "15%", "达成率", 5, cap="120%", std="实际ROI/5×权重，封顶120%", sup="COST"),
        U("CH_CONV", CUSTOMER, "KPI", "活动订单转换率", "campaign_conversion", "15%", "达成率", P("5%"),
          std="实际转换率/5%×权重，封顶100%", sup="CONV"),
        U("CH_CLICK", OPERATIONS, "KPI", "平均点击率", "click_rate", "10%", "达成率", P("35%"),
          std="实际点击率/35%×权重，封顶100%", sup="CAMP"),
        *people_lines("CH", CAMP),
    ],
    CS: [
        U("KF_SALES", SCALE, "KPI", "客服成交额", "own_gmv", "15%", "达成率", {"HD": 950000, "HN": 850000}, cap="120%",
          std="客服成交额/目标×权重，封顶120%", sup="GMV"),
        U("KF_CONV", SCALE, "KPI", "咨询转换率", "consult_conversion", "15%", "达成率", P("45%"),
          std="实际转换率/45%×权重，封顶100%", sup="CONV"),
        U("KF_CSAT", CUSTOMER, "KPI", "客户满意度", "csat_rate", "15%", "达成率", P("92%"),
          std="实际满意度/92%×权重，封顶100%", sup="CSAT"),
        U("KF_REFUND", CUSTOMER, "KPI", "退款率", "refund_rate", "10%", "达成率", P("5%"),
          std="目标5%/实际退款率×权重，封顶100%", sup="REFUND"),
        U("KF_RESP", OPERATIONS, "KPI", "平均响应时间", "response_time", "10%", "达标制", 30,
          std="部门平均响应时间≤30秒得满分，否则0分", sup="CSAT"),
        *people_lines("KF", CS),
    ],
    DES: [
        U("SJ_ITEMS", SCALE, "KPI", "设计需求完成数", "design_item_count", "25%", "达成率", 160,
          std="完成需求数/160×权重，封顶100%", sup="GMV"),
        U("SJ_APPROVAL", CUSTOMER, "KPI", "设计通过率", "approval_rate", "15%", "线性", P("90%"), floor=P("60%"),
          std="通过率60%得0分，90%及以上得满分，其间按比例", sup="CONV"),
        U("SJ_ONTIME", OPERATIONS, "KPI", "设计及时率", "on_time_rate", "25%", "达成率", P("95%"),
          std="实际及时率/95%×权重，封顶100%", sup="CAMP"),
        *people_lines("SJ", DES),
    ],
}
# 篇七 3.2: a target changes only for a recorded reason, approved by the head of the unit above.
TARGET_CHANGES = {("HD_YY", "YY_GMV"): (2460000, "市场重大变化", "沈国华")}

# 支撑上级指标 of the people's lines (考核方案): the department line each supports, by role and item.
PERSON_SUPPORTS = {
    OPS: {"成交额GMV": "YY_GMV", "订单转换率": "YY_CONV", "成交人数": "YY_BUYERS", "人均浏览量PV/UV": "YY_PVUV",
          "平均停留时长": "YY_PVUV"},
    PROMO: {"独立访客UV": "TG_UV", "到达率": "TG_UV", "跳出率": "TG_BOUNCE", "平均获取成本": "TG_COST",
            "新增UV占比": "TG_NEWUV"},
    CAMP: {"平均点击率": "CH_CLICK", "活动订单比例": "CH_CAMP", "活动成交额比例": "CH_CAMP", "活动订单转换率": "CH_CONV",
           "活动ROI": "CH_ROI"},
    CS: {"及时响应时间": "KF_RESP", "服务态度（违规用语）": "KF_CSAT", "差评次数": "KF_CSAT", "咨询转换率": "KF_CONV",
         "成交额转换率": "KF_SALES", "退货率": "KF_REFUND", "退款率": "KF_REFUND"},
    DES: {"设计及时率": "SJ_ONTIME", "设计通过率": "SJ_APPROVAL", "设计需求完成数": "SJ_ITEMS"},
    # the operations director of 华东公司运营部 (篇五): company sales are his department's shop sales
    DIR: {"销售计划完成率": "YY_GMV", "活动销售目标完成率": "YY_GMV", "团队建设": "YY_TEAM", "人才培养": "YY_TRAIN"},
}
for _role, _code in DEPTS.items():  # every role's key goal and ability support its department's
    PERSON_SUPPORTS[_role].update({KEY_GOAL[_role]: f"{_code}_KEY", "工作能力": f"{_code}_TRAIN"})

# Hand-written figures: training hours by department, leavers by company, satisfaction surveys of 客服部.
TRAINING_HOURS = {"HD_YY": 54, "HD_TG": 38, "HD_CH": 30, "HD_KF": D("61.5"), "HD_SJ": 28,
                  "HN_YY": 36, "HN_TG": 44, "HN_CH": 34, "HN_KF": 40, "HN_SJ": D("26.5")}
LEAVERS = {"HD": 0, "HN": 1}
SURVEYS = {"HD_KF": (1320, 1236), "HN_KF": (1180, 1068)}  # responses, satisfied
# 单位评分: (key goal, 团队建设与人员稳定) by department, rated by the company's head; the companies' key goal by
# the group's head, the group's by its board.
DEPT_RATINGS = {"HD_YY": (4, 5), "HD_TG": (4, 4), "HD_CH": (3, 4), "HD_KF": (5, 4), "HD_SJ": (4, 3),
                "HN_YY": (4, 3), "HN_TG": (3, 2), "HN_CH": (4, 4), "HN_KF": (4, 3), "HN_SJ": (3, 3)}
COMPANY_RATINGS = {"HD": 4, "HN": 3}
GROUP_RATING = (4, "董事会")

SUMMED = {  # department -> the people's measures its plan reads, summed
    "YY": ("gmv", "buyers", "uv", "pv"), "TG": ("uv", "new_uv", "single_page_visits", "promo_spend"),
    "CH": ("campaign_gmv", "campaign_cost", "campaign_clicks", "uv", "campaign_page_uv", "campaign_buyers"),
    "KF": ("own_gmv", "served_uv", "paid_uv", "refund_uv"), "SJ": ("design_items", "design_on_time", "design_approved"),
}
ROLLED_UP = {  # a company's measures: measure -> the department it comes from (None: the sum of all five)
    "gmv": "YY", "buyers": "YY", "uv": "YY", "campaign_gmv": "CH", "campaign_cost": "CH", "promo_spend": "TG",
    "paid_uv": "KF", "refund_uv": "KF", "survey_responses": "KF", "satisfied_responses": "KF",
    "headcount": None, "training_hours": None,
}
GROUP_MEASURES = ("gmv", "campaign_gmv", "promo_spend", "campaign_cost", "survey_responses", "satisfied_responses",
                  "headcount", "leavers")
MEASURE_COLUMNS = ("gmv", "buyers", "uv", "pv", "new_uv", "single_page_visits", "promo_spend", "campaign_gmv",
                   "campaign_cost", "campaign_clicks", "campaign_page_uv", "campaign_buyers", "own_gmv", "served_uv",
                   "paid_uv", "refund_uv", "response_seconds", "survey_responses", "satisfied_responses",
                   "design_items", "design_on_time", "design_approved", "headcount", "leavers", "training_hours")


BY_DEPARTMENT = {seed.DEPT[role]: code for role, code in DEPTS.items()}  # 运营部 -> YY


def dept_unit(e):
    """An employee's department unit: HD_YY for 华东公司运营部."""
    return f"{COMPANIES[e['company']][0]}_{BY_DEPARTMENT[e['dept']]}"


def org_rows(emps):
    """组织: the group, then each company and its departments, heads from 员工's 直属上级."""
    rows = [[GROUP, GROUP_NAME, "集团", None, GROUP_HEAD, None]]
    ids = {e["name"]: e["id"] for e in emps}
    for company, (code, head) in COMPANIES.items():
        rows.append([code, company, "区域公司", GROUP, head, ids.get(head)])
        for role, dept in DEPTS.items():
            head = next(e["manager"] for e in emps if e["company"] == company and e["role"] == role)
            rows.append([f"{code}_{dept}", seed.DEPT[role], "部门", code, head, ids.get(head)])
    return rows


def target_cell(kpi, value):
    unit = KPI_UNIT.get(kpi, "")
    return None if value is None else (value, PCT if unit == "%" else MONEY if unit == "元" or kpi in MONEY_MEASURES
                                       else "General")


def plan_rows():
    """单位方案: the group's month and year plans, each company's, each department's."""
    plans = [(GROUP, None, "", ln) for ln in GROUP_PLAN] + [(GROUP, "年度", "", ln) for ln in GROUP_YEAR_PLAN]
    for company, _ in COMPANIES.values():
        plans += [(company, None, GROUP, dict(ln, code=f"{company}_{ln['code']}")) for ln in COMPANY_PLAN]
        plans += [(f"{company}_{dept}", None, company, ln) for role, dept in DEPTS.items() for ln in DEPT_PLANS[role]]
    rows = []
    for unit, term, parent, ln in plans:
        company = unit[:2]
        target = ln["target"][company] if isinstance(ln["target"], dict) else ln["target"]
        sup = ln["sup"] and (ln["sup"] if parent == GROUP or not parent else f"{parent}_{ln['sup']}")
        orig, reason, approver = TARGET_CHANGES.get((unit, ln["code"]), (None, None, None))
        rows.append([unit, term, ln["code"], ln["dim"], ln["cat"], ln["item"], ln["kpi"], ln["weight"], ln["method"],
                     target_cell(ln["kpi"], target), target_cell(ln["kpi"], ln["floor"]), ln["cap"], None, ln["std"],
                     sup or None, target_cell(ln["kpi"], orig), reason, approver])
    return rows


def measure_rows(emps):
    """单位数据: the departments' sums of their people's figures, the companies' of their departments', the group's."""
    figures = {}
    for code, _ in COMPANIES.values():
        for dept in DEPTS.values():
            unit = f"{code}_{dept}"
            staff = [e for e in emps if dept_unit(e) == unit]
            at_work = [e["m"] for e in staff if e["m"] and e["role"] != DIR]  # the director's are company totals
            f = {m: round(sum(x[m] for x in at_work), 2) for m in SUMMED[dept]}
            if dept == "KF":
                f["response_seconds"] = round(sum(x["response_seconds"] * x["served_uv"] for x in at_work)
                                              / f["served_uv"], 1)
                f["survey_responses"], f["satisfied_responses"] = SURVEYS[unit]
            figures[unit] = dict(f, headcount=len(staff), training_hours=TRAINING_HOURS[unit])
        depts = [figures[f"{code}_{dept}"] for dept in DEPTS.values()]
        figures[code] = {m: figures[f"{code}_{d}"][m] if d else sum(x[m] for x in depts) for m, d in ROLLED_UP.items()}
        figures[code]["leavers"] = LEAVERS[code]
    companies = [figures[code] for code, _ in COMPANIES.values()]
    figures[GROUP] = {m: round(sum(c[m] for c in companies), 2) for m in GROUP_MEASURES}
    names = {r[0]: r[1] for r in org_rows(emps)}
    return [[unit, names[unit], *(f.get(m) for m in MEASURE_COLUMNS)] for unit, f in
            sorted(figures.items(), key=lambda item: list(names).index(item[0]))]


def rating_rows():
    """单位评分: every rated line of the month's plans, rated by the head of the unit above."""
    rows = [[GROUP, GROUP_NAME, "双11大促整体筹备", GROUP_RATING[0], GROUP_RATING[1]]]
    for company, (code, head) in COMPANIES.items():
        rows.append([code, company, "双11区域大促筹备", COMPANY_RATINGS[code], GROUP_HEAD])
        for role, dept in DEPTS.items():
            key, team = DEPT_RATINGS[f"{code}_{dept}"]
            rows += [[f"{code}_{dept}", seed.DEPT[role], KEY_GOAL[role], key, head],
                     [f"{code}_{dept}", seed.DEPT[role], TEAM, team, head]]
    return rows


def unit_sheets(emps):
    """The four sheets of the units: (title, headers, rows) as make_sample.add_sheet takes them."""
    return [
        ("组织", ["单位代码", "单位名称", "层级", "上级单位", "负责人", "负责人工号"], org_rows(emps)),
        ("单位方案", ["单位代码", "期限", "行代码", "维度", "类别", "考核项目", "指标代码", "权重", "评分方法", "目标值", "下限",
                  "封顶", "每单位分值", "评分标准", "支撑上级指标", "原目标值", "调整原因", "批准人"], plan_rows()),
        ("单位数据", ["单位代码", "单位名称", *MEASURE_COLUMNS], measure_rows(emps)),
        ("单位评分", ["单位代码", "单位名称", "考核项目", "评分", "评分人"], rating_rows()),
    ]
