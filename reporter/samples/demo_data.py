"""Synthetic input workbooks of any size: a group of regional e-commerce companies.

``write_demo_workbook(path, employees, seed)`` writes a valid input workbook for
load tests and demos.  The KPI library, measures, role plans and grade bands are
the seed's, from ``reporter.samples.kpi_library`` (as in ``sample_inputs/make_sample.py``);
the people come from ``random.Random(seed)`` and each period's numbers from a generator
seeded by the seed and the period, so the same seed gives the same bytes, and the
same people (IDs, names, companies, roles, managers, hire dates, pay) in every
period from 2026 on: twelve monthly workbooks of one seed built into one folder
make a year of history.  Every org carries
edge cases: people absent three months (not appraised), a zero divisor (uv = 0),
zero bad reviews, formula-like text ('=...', '+...', '@...') that must stay text,
and per company a star (three months first → one-time bonus) and a failing
employee (three failing months → flag).
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import xlsxwriter

from reporter.errors import UsageError
from reporter.input.schema import sheet_by_key
from reporter.period import parse_period
from reporter.samples.kpi_library import (
    CAMP,
    CS,
    DEPT,
    DES,
    DIR,
    DIRECTOR_PLAN,
    GRADES,
    KPIS,
    MEASURES,
    OPS,
    PAY_RANGE,
    PENALTIES,
    PLANS,
    PROMO,
    ROLE_DUTIES,
    UNIT,
    VOLUNTARY,
    P,
)

RATED = {role: [ln["item"] for ln in lines if ln["method"] == "评级"]  # the items rated 1–5, by role
         for role, lines in {**PLANS, DIR: DIRECTOR_PLAN}.items()}
REGIONS = ["华东", "华南", "华北", "西南", "华中", "西北", "东北"]
ROLE_CYCLE = [CS, OPS, PROMO, CAMP, DES, CS, OPS, PROMO, CS, CAMP, DES, CS, OPS, PROMO, CS, OPS, PROMO, CS, CAMP, DES]
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


def month_measures(role: str, q: float, r: random.Random) -> dict:
    """One month of numbers for one person of quality ``q`` (about 0.8–1.2); the demo company's too.

    A director has none of their own (their company's totals are summed from the staff), hence ``{}``.
    """
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
        return dict(ad_impressions=imp, page_arrivals=arrivals, uv=uv,
                    single_page_visits=round(uv * min(0.85, 0.48 / q * u(0.9, 1.1))),
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
                    response_seconds=round(24 / q * u(0.8, 1.2), 1),
                    forbidden_phrases=r.choice([0, 0, 1, 1, 2, 3, 4]) + (r.randint(1, 3) if q < 0.9 else 0),
                    bad_reviews=r.choice([0, 1, 1, 2, 2, 3]), returns=round(conv * 0.035 / q * u(0.8, 1.2)),
                    exchanges=round(conv * 0.02 * u(0.8, 1.2)), refund_uv=round(paid * 0.045 / q * u(0.8, 1.2)))
    if role == DES:
        items = r.randint(34, 48)
        return dict(design_items=items, design_on_time=min(items, round(items * 0.93 * q * u(0.95, 1.05))),
                    design_approved=min(items, round(items * 0.82 * q * u(0.92, 1.08))),
                    design_logs=round(items * 2.4 * q * u(0.9, 1.1)))
    return {}


# Every line at its cap: nobody can score more, so a star is first in the department.
PERFECT = {
    PROMO: dict(ad_impressions=2000000, page_arrivals=80000, uv=66000, single_page_visits=26400, promo_spend=66000, new_uv=29700),
    CAMP: dict(uv=60000, orders=2400, gmv=480000, campaign_clicks=24000, campaign_orders=840, campaign_gmv=168000,
               campaign_page_uv=14000, campaign_buyers=840, campaign_cost=24000),
    CS: dict(served_uv=2600, paid_uv=1500, converted_orders=1600, response_seconds=12.5, forbidden_phrases=0,
             bad_reviews=0, returns=16, exchanges=10, refund_uv=15),
    DES: dict(design_items=46, design_on_time=46, design_approved=44, design_logs=130),
}


# Hire dates are drawn before this day, whatever the period, so every period of a seed has the same people
# (a period before it draws them before its own start instead).
HIRED_BEFORE = date(2026, 1, 1)


def _people(rng: random.Random, n: int, period) -> list[dict]:
    companies = [REGIONS[i % len(REGIONS)] + (str(i // len(REGIONS) + 1) if i >= len(REGIONS) else "") + "公司"
                 for i in range(n // 250 + 2)]
    staff = n - len(companies)
    name = lambda: rng.choice(SURNAMES) + rng.choice(GIVEN)  # noqa: E731
    hired_before = min(period.start, HIRED_BEFORE)
    first_hire = hired_before - timedelta(days=3700)
    span = (hired_before - first_hire).days - 1
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


def _pick(rng: random.Random, pool: list[dict], k: int, special: str) -> list[dict]:
    """``k`` people of ``pool`` without a special role yet, now marked ``special``."""
    chosen = rng.sample([e for e in pool if not e["special"]], k)
    for e in chosen:
        e["special"] = special
    return chosen


def _mark_specials(rng: random.Random, people: list[dict], period) -> None:
    """Stars, failing, a zero divisor and formula-like names, each on different people, the same every period."""
    free = [e for e in people if e["role"] != DIR]

    def pick(pool, k, special):
        return _pick(rng, pool, k, special)

    old = min(period.start, HIRED_BEFORE) - timedelta(days=1000)  # in the history of a yearly period too
    for c, company in enumerate(dict.fromkeys(e["company"] for e in people)):
        mine = [e for e in free if e["company"] == company]
        dept = [CS, DES, PROMO, CAMP][c % 4]
        for e in pick([e for e in mine if e["role"] == dept], 1, "star") + pick(mine, 1, "failing"):
            e["hire"] = min(e["hire"], old)
    pick([e for e in free if e["role"] == PROMO], 1, "uv0")
    for e, text in zip(pick(free, len(INJECTED_NAMES), "injected"), INJECTED_NAMES, strict=True):
        e["name"] = text


def _generate(seed: int, n: int, period) -> tuple[random.Random, list[dict], list[tuple], list[tuple]]:
    """The people (from the seed alone) and this period's numbers (from the seed and the period), and the
    generator of the period, to draw the rest of its workbook from."""
    rng = random.Random(seed)
    people = _people(rng, n, period)
    _mark_specials(rng, people, period)
    rng = random.Random(f"{seed}/{period.key}")
    for e in _pick(rng, [e for e in people if e["role"] != DIR], max(1, len(people) // 100), "absent"):
        e["absent"] = 3  # absent this period: not appraised (a different few each period)
    adjustments = []
    due = round(52 * period.months / 12)  # weekly reports due: 4 a month, 13 a quarter, 52 a year
    for e in people:
        s, role = e["special"], e["role"]
        if s == "failing":
            e["q"] = 0.6
        e["m"] = {} if s == "absent" or role == DIR else month_measures(role, e["q"], rng)
        e["att"] = (rng.choices([0, 1, 2, 3], [55, 28, 12, 5])[0], rng.choices([0, 1], [88, 12])[0],
                    rng.choices([0, 0.5, 1, 2, 3], [55, 12, 18, 10, 5])[0], due, due if rng.random() < 0.85 else due - 1)
        e["ratings"] = {item: max(1, min(5, round(3 + (e["q"] - 0.9) * 8 + rng.gauss(0, 0.6)))) for item in RATED[role]}
        if s == "star":
            e["m"].update(PERFECT[role])
            e["att"], e["ratings"] = (0, 0, 0, due, due), dict.fromkeys(RATED[role], 5)
            adjustments += [(e, "双11值班支援", 12), (e, "协助直播间场控", 10)]  # 22, capped at +20
        elif s == "failing":  # total ≤ 64 KPI + 5.2 rated + 0 reports + 0 attendance − 20 < 60, whatever the KPIs
            e["att"], e["ratings"] = (3, 2, 2, due, 0), dict.fromkeys(RATED[role], 1)
            adjustments += [(e, "未经审批超预算投放", -10), (e, "违规用语被客户投诉", -10)]
        elif s == "uv0":
            e["m"].update(uv=0, single_page_visits=0, new_uv=0)
        elif s == "absent":
            e["att"], e["ratings"] = (0, 0, min(22 * period.months, period.days), 0, 0), {}
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
        for e in team:  # personal sales for commission are own_gmv itself (设置 提成销售额度量)
            e["m"]["team_avg_gmv"] = avg
        gmv = round(sum(e["m"]["gmv"] for e in mine if e["role"] == OPS and e["m"]), 2) or 1000000.0
        c_gmv = round(sum(e["m"]["campaign_gmv"] for e in mine if e["role"] == CAMP and e["m"]), 2) or 250000.0
        director = mine[0]
        director["m"] = dict(company_gmv=gmv, company_gmv_target=max(10000, round(gmv / rng.uniform(0.85, 1.1), -4)),
                             company_campaign_gmv=c_gmv,
                             company_campaign_target=max(10000, round(c_gmv / rng.uniform(0.8, 1.1), -4)))
        director["reward"] = [round(gmv * 12, -4), round(gmv * 12 * rng.uniform(0.75, 1.1), -2), P("0.3%"),
                              round(c_gmv * 12, -4), round(c_gmv * 12 * rng.uniform(0.75, 1.1), -2), P("0.5%"), P("80%")]
    return rng, people, adjustments, _history(rng, people, period.previous())


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


# The director heads his company's 运营部: he is ranked among directors, never against his own staff.
RANK_GROUPS = {DIR: "管理层"}
KIND_FORMATS = {"id": "text", "money": "money", "percent": "pct"}


def _write_sheet(wb, f: dict, key: str, rows, headers=None, kinds=None):
    """One input sheet of the schema ``key``: its Chinese headers, then the rows, each value in its format."""
    spec = sheet_by_key(key)
    headers = headers or [c.zh for c in spec.columns]
    fmts = [f[KIND_FORMATS.get(k)] for k in (kinds or [c.kind for c in spec.columns])]
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


def _settings_rows(per, appraisal_day: date, pct, money, employees: int) -> list[tuple]:
    return [("公司名称", "云栖电子商务集团有限公司"), ("考核期间", per.key), ("币种", "CNY"),
            ("考核日期", appraisal_day), ("申诉截止日期", appraisal_day + timedelta(days=7)),
            ("考核人", "部门负责人"), ("人事负责人", "集团人力资源部 周敏"), ("提成销售额度量", "own_gmv"), ("公共提成比例", (0.005, pct)),
            ("连续第一奖励", (200, money)), ("连续月数", 3), ("缺勤上限月数", 2),
            ("工龄工资每年", (50, money)), ("工龄工资上限", (500, money)),
            ("人事部门名称", "集团人力资源部"), ("申诉方式", "以书面形式向集团人力资源部提出"),
            # Calibration and the year-end roll-up: a target mix, budgets that grow with the group.
            ("目标等级分布", "S 10% / A 20% / B 40% / C 20% / D 10%"),
            ("绩效工资预算", (round(employees * 550 * per.months, -2), money)),
            ("年终奖预算", (round(employees * 8000, -3), money))]


def write_demo_workbook(path: Path, employees: int, seed: int, period: str = "2026-10") -> None:
    """A valid input workbook of a synthetic group: N employees, deterministic for a seed."""
    if employees < 20:
        raise UsageError("示例工作簿至少需要 20 名员工")
    per = parse_period(period)
    rng, people, adjustments, history = _generate(seed, employees, per)
    after = per.end + timedelta(days=1)
    appraisal_day = date(after.year, after.month, 6)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False, "in_memory": True})
    wb.set_properties({"title": f"{per.label}绩效考核输入（演示数据）", "author": "reporter demo_data",
                       "created": datetime(2026, 11, 1)})
    f = {"head": wb.add_format({"bold": True, "bg_color": "#DDEBF7"}), "text": wb.add_format({"num_format": "@"}),
         "date": wb.add_format({"num_format": "yyyy-mm-dd"}), "pct": wb.add_format({"num_format": "0.00%"}),
         "money": wb.add_format({"num_format": "#,##0.00"}), None: None}

    def sheet(key, rows, headers=None, kinds=None):
        return _write_sheet(wb, f, key, rows, headers, kinds)

    intro = wb.add_worksheet("说明")
    intro.set_column(0, 0, 100)
    for r, line in enumerate([f"云栖电商集团 {per.label} 绩效考核输入（合成演示数据，随机种子 {seed}，{employees} 人）",
                              "由 reporter.samples.demo_data 生成；姓名、工号、邮箱均为虚构，邮箱使用 example.com 保留域名。"]):
        intro.write_string(r, 0, line)
    settings = _settings_rows(per, appraisal_day, f["pct"], f["money"], employees)
    sheet("settings", settings, ["项目", "值"], ["text", "text"])
    pools = {e["company"]: e["company"][:-2] + "客服" for e in people}
    team = Counter(e["company"] for e in people if e["role"] == CS)
    sheet("employees", ([e["id"], e["name"], e["email"], e["company"], e["dept"], e["role"], e["manager"], e["hire"],
                         e["pay"], e["seniority"], e["absent"], e.get("sales"), P("1%") if e["role"] == CS else None,
                         pools[e["company"]] if e["role"] == CS else None, RANK_GROUPS.get(e["role"])]
                        for e in people))
    sheet("measure_defs", MEASURES)
    sheet("kpis", KPIS)

    def plan_rows(owner, lines):
        for ln in lines:
            pct = f["pct"] if UNIT.get(ln["kpi"]) == "%" else None
            target, floor = ((v, pct) if v is not None else None for v in (ln["target"], ln["floor"]))
            yield [*owner, ln["cat"], ln["item"], ln["kpi"], ln["weight"], ln["method"], target, floor, ln["cap"],
                   ln["step"], ln["std"], ln["sup"], *(ln["adj"] or (None, None, None))]

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
    sheet("role_duties", ROLE_DUTIES)
    sheet("history", history)
    wb.close()


def _reviews(rng: random.Random, people: list[dict], appraisal_day: date):
    for i, e in enumerate(people):
        if e["absent"]:
            yield [e["id"], e["name"], e["manager"], "考评期内累计未到岗超过2个月，按制度不参与本期考核。", "返岗后安排岗位适应培训。"]
            continue
        q = e["q"]
        tier = {"star": "S", "failing": "D"}.get(e["special"]) or "SABC"[(q < 1.06) + (q < 0.96) + (q < 0.86)]
        comment = rng.choice(COMMENTS[tier]) + rng.choice(ATTITUDE)
        improvement = rng.choice(IMPROVE[e["role"]])
        if e["special"] == "injected":  # text that a spreadsheet would run as a formula if it were not stored as text
            comment, improvement = "+" + comment, "@设计部 " + improvement
        yield [e["id"], e["name"], e["manager"], comment, improvement, appraisal_day + timedelta(days=i % 4)]
