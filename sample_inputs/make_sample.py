"""Build the demo input workbook ``sample_inputs/appraisal-2026-10.xlsx``.

A fictional e-commerce company (杭州云栖电子商务有限公司) with two regional
companies, five departments each, the five roles and KPI library of the seed's
篇四, attendance and weekly reports of 篇二, the operations director of 篇五,
customer-service pay of 篇六 and the plan structure of 篇七: the group's, the
companies' and the departments' plans, aligned by line codes (``sample_units.py``).

Run ``python sample_inputs/make_sample.py``.  The output is deterministic: the
bulk numbers come from a seeded generator, the edge cases are written by hand,
and the zip entries and document properties carry fixed timestamps.

The KPI library, role plans and grade bands are the seed's, from
``reporter.samples.kpi_library``; this script adds the company: its people, their
numbers, the edge cases and the settings.  The workbook is checked and scored
by reporter itself (``load_input`` raises on any problem in the data,
``score_period`` scores it): once before the history and review sheets are
written, because the made-up August and September results and the review texts
follow October's results, and once more on the file written, to print each
employee's result so the edge cases can be seen at a glance.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import tempfile
import zipfile
from decimal import Decimal as D
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from sample_reviews import make_review
from sample_units import PERSON_SUPPORTS, UNIT_KPIS, UNIT_MEASURE_DEFS, unit_sheets

from reporter.input.validate import load_input
from reporter.rules.engine import find_grade, score_period
from reporter.samples import kpi_library as seed
from reporter.samples.demo_data import month_measures
from reporter.samples.kpi_library import CAMP, CS, DES, DIR, OPS, PROMO

OUT = Path(__file__).with_name("appraisal-2026-10.xlsx")
FIXED_TIME = dt.datetime(2026, 11, 3, 9, 0, 0)
PERIOD = "2026-10"
DOMAIN = "yunqi.example.com"

SETTINGS = [
    ("公司名称", "杭州云栖电子商务有限公司"), ("考核期间", PERIOD), ("币种", "CNY"),
    ("考核日期", dt.date(2026, 11, 6)), ("申诉截止日期", dt.date(2026, 11, 13)),
    ("考核人", "部门负责人"), ("人事负责人", "人事行政部 周敏"),
    ("提成销售额度量", "own_gmv"), ("公共提成比例", D("0.005")),
    ("连续第一奖励", 200), ("连续月数", 3), ("缺勤上限月数", 2),
    ("工龄工资每年", 50), ("工龄工资上限", 500),
    ("邮件服务器", "smtp.exmail.qq.com"), ("邮件端口", 465), ("加密方式", "SSL"),
    ("邮箱账号", "hr@yunqi.example.com"), ("发件人", "hr@yunqi.example.com"), ("发件人名称", "人事行政部"),
    ("每分钟发送上限", 30),
    ("人事部门名称", "人事行政部"), ("责任书监督", "甲方总经理、人事行政部"),
    ("目标制定说明", "人事行政部根据公司经营发展规划与销售计划、参考外部市场环境制定工作目标及评分标准"),
    ("申诉方式", "以书面形式向人事行政部提出"),
    # 校准 (calibration before the letters go out): the target grade mix, its tolerance, the performance-pay budget
    ("目标等级分布", "S 10% / A 20% / B 40% / C 20% / D 10%"), ("校准容差", D("0.1")), ("绩效工资预算", 40000),
]

# company, ID prefix, role (department from seed.DEPT), manager, "姓名 拼音" ...
ORG = [
    ("华东公司", "HZ", OPS, "林海峰", "林海峰 linhaifeng,周子涵 zhouzihan,吴俊杰 wujunjie,郑雨桐 zhengyutong,冯嘉怡 fengjiayi,蒋浩然 jianghaoran"),
    ("华东公司", "HZ", PROMO, "赵俊", "韩志强 hanzhiqiang,杨晓雯 yangxiaowen,朱明轩 zhumingxuan,秦诗琪 qinshiqi,许鹏飞 xupengfei"),
    ("华东公司", "HZ", CAMP, "孙悦", "何佳琪 hejiaqi,吕文涛 lvwentao,施雨萱 shiyuxuan,张子豪 zhangzihao"),
    ("华东公司", "HZ", CS, "刘洋", "沈梦婷 shenmengting,孔晓燕 kongxiaoyan,曹雪 caoxue,严丽娟 yanlijuan,华宇航 huayuhang,金雅琴 jinyaqin"),
    ("华东公司", "HZ", DES, "王强", "魏思远 weisiyuan,陶欣然 taoxinran,姜博文 jiangbowen,戚晓彤 qixiaotong"),
    ("华南公司", "GZ", OPS, "黄志明", "谢伟明 xieweiming,邹美玲 zoumeiling,喻俊豪 yujunhao,柏嘉欣 baijiaxin,罗志坚 luozhijian"),
    ("华南公司", "GZ", PROMO, "郑凯", "窦凯文 doukaiwen,章慧敏 zhanghuimin,苏浩宇 suhaoyu,潘晓东 panxiaodong,葛伟 gewei"),
    ("华南公司", "GZ", CAMP, "何丽", "奚梓萱 xizixuan,范晓琳 fanxiaolin,彭家乐 pengjiale,鲁嘉豪 lujiahao"),
    ("华南公司", "GZ", CS, "梁静怡", "韦秀珍 weixiuzhen,马丽华 malihua,苗晓慧 miaoxiaohui,方婉婷 fangwanting,俞佳 yujia"),
    ("华南公司", "GZ", DES, "许文博", "任思彤 rensitong,袁梓航 yuanzihang,柳一鸣 liuyiming,唐欣怡 tangxinyi"),
]
POOLS = {"华东客服": 2400000, "华南客服": 1860000}
# 篇五: year sales target/actual, reward rate, campaign target/actual, rate, threshold
ANNUAL_REWARD = [31200000, 28460000, D("0.003"), 8000000, 8350000, D("0.005"), D("0.8")]

# Hand-written edge cases (IDs follow from ORG order); the operations director of 篇五 heads 华东公司运营部.
DIRECTOR_ID = "HZ0001"
STAR, MATERNITY, FAILING, NEW_HIRE, NO_BAD_REVIEW, BIG_BONUS = "HZ0016", "HZ0017", "GZ0010", "GZ0023", "GZ0017", "HZ0009"
MEASURE_OVERRIDES = {
    STAR: dict(served_uv=2650, paid_uv=1590, converted_orders=1672, own_gmv=318640.00, response_seconds=16.2,
               forbidden_phrases=0, bad_reviews=0, returns=22, exchanges=15, refund_uv=30),
    FAILING: dict(ad_impressions=1820000, page_arrivals=38500, uv=33200, single_page_visits=23900,
                  promo_spend=56400.00, new_uv=8300),
    NO_BAD_REVIEW: dict(bad_reviews=0),
}
ATTENDANCE_OVERRIDES = {STAR: (0, 0, 0, 4, 4), FAILING: (2, 1, 1, 4, 2), MATERNITY: (0, 0, 17, 0, 0)}
RATING_OVERRIDES = {STAR: (5, 5, 5), FAILING: (2, 2, 1)}
ADJUSTMENTS = [
    (STAR, "双11值班支援", 8), (BIG_BONUS, "双11值班支援", 8), (BIG_BONUS, "协助直播间场控", 6),
    (BIG_BONUS, "流程优化建议被采纳", 5), (BIG_BONUS, "新员工带教", 3),
    (FAILING, "未经审批超预算投放", -3), ("GZ0019", "违规用语被客户投诉", -3),
]

# ----------------------------------------------------------------------------- generation


def make_employees(rng):
    emps = []
    for company, prefix, role, manager, names in ORG:
        for entry in names.split(","):
            name, pinyin = entry.split()
            n = sum(e["id"].startswith(prefix) for e in emps) + 1
            e = dict(id=f"{prefix}{n:04d}", name=name, email=f"{pinyin}@{DOMAIN}", company=company,
                     dept=seed.DEPT[role], role=role, manager=manager, absent=0, seniority=None, sales=None,
                     rate=None, pool=None,
                     q=max(0.78, min(1.18, rng.gauss(0.94, 0.08))),
                     hire=dt.date(2016, 3, 1) + dt.timedelta(days=rng.randint(0, 3700)))
            lo, hi = seed.PAY_RANGE[role]
            e["pay"] = rng.randrange(lo, hi + 1, 100)
            if role == CS:
                e.update(rate=D("0.01"), pool=company[:2] + "客服")
            emps.append(e)
    by_id = {e["id"]: e for e in emps}
    by_id[DIRECTOR_ID].update(role=DIR, manager="沈国华", pay=15000, hire=dt.date(2017, 5, 8), q=1.0)
    by_id[STAR].update(q=1.2, hire=dt.date(2019, 4, 15), pay=5600)
    by_id[MATERNITY].update(absent=3, hire=dt.date(2020, 6, 1))
    by_id[FAILING].update(q=0.7, hire=dt.date(2025, 11, 3))
    by_id[NEW_HIRE].update(hire=dt.date(2026, 9, 7), pay=6000)
    for eid in ("HZ0007", "GZ0001"):  # veterans on the old seniority scheme, amount fixed in their contract
        by_id[eid].update(seniority=400, hire=dt.date(2016, 7, 1))
    return emps


def generate(rng):
    emps = make_employees(rng)
    by_id = {e["id"]: e for e in emps}
    for e in emps:
        e["m"] = month_measures(e["role"], e["q"], rng)
        e["m"].update(MEASURE_OVERRIDES.get(e["id"], {}))
        late = rng.choices([0, 1, 2, 3], [55, 28, 12, 5])[0]
        early = rng.choices([0, 1], [88, 12])[0]
        leave = rng.choices([0, 0.5, 1, 2, 3], [55, 12, 18, 10, 5])[0]
        e["att"] = ATTENDANCE_OVERRIDES.get(e["id"], (late, early, leave, 4, 4 if rng.random() < 0.85 else 3))
    by_id[MATERNITY]["m"] = {}  # on maternity leave since August: no data this month
    for company in ("华东公司", "华南公司"):  # team average for 成交额转换率, over the CS staff at work
        team = [e for e in emps if e["company"] == company and e["role"] == CS and e["m"]]
        avg = round(sum(e["m"]["own_gmv"] for e in team) / len(team), 2)
        for e in team:  # personal sales for commission are own_gmv itself (设置 提成销售额度量): one cell
            e["m"]["team_avg_gmv"] = avg
    ops = [e for e in emps if e["company"] == "华东公司" and e["role"] in (OPS, CAMP)]
    by_id[DIRECTOR_ID]["m"] = dict(
        company_gmv=round(sum(e["m"]["gmv"] for e in ops if e["role"] == OPS), 2), company_gmv_target=2050000,
        company_campaign_gmv=round(sum(e["m"]["campaign_gmv"] for e in ops if e["role"] == CAMP), 2),
        company_campaign_target=470000)
    adjustments = [(eid, item, pts) for eid, item, pts in ADJUSTMENTS]
    hand = {a[0] for a in ADJUSTMENTS} | {MATERNITY, DIRECTOR_ID}
    for e in rng.sample([e for e in emps if e["id"] not in hand], 12):
        item, pts = rng.choice(seed.VOLUNTARY)
        adjustments.append((e["id"], item, pts))
    for e in emps:
        items = [ln["item"] for ln in plan_for(e) if ln["method"] == "评级"]
        if e["absent"] > 2:
            e["ratings"] = {}
            continue
        base = [max(1, min(5, round(3 + (e["q"] - 0.9) * 8 + rng.gauss(0, 0.6)))) for _ in items]
        e["ratings"] = dict(zip(items, RATING_OVERRIDES.get(e["id"], base), strict=True))
    return emps, adjustments


def plan_for(e):
    return seed.DIRECTOR_PLAN if e["id"] == DIRECTOR_ID else seed.PLANS[e["role"]]


def rank_eq(total, totals) -> int:
    """Excel's RANK.EQ, descending: 1 + how many scored more."""
    return 1 + sum(t > total for t in totals)


def make_history(rng, emps, grades):
    """August and September results: around this month's totals, the star first, the failing employee failing."""
    hist = {}
    for period, start in (("2026-08", dt.date(2026, 8, 31)), ("2026-09", dt.date(2026, 9, 30))):
        totals = {}
        for e in emps:
            if e["hire"] > start or e["absent"] > 2:
                continue
            totals[e["id"]] = round(max(61.0, min(99.0, float(e["total"] or 80) + rng.gauss(0, 4))), 1)
        group = lambda x: (x["company"], x["dept"])  # noqa: E731
        peers = {g: [e for e in emps if group(e) == g and e["id"] in totals] for g in {group(e) for e in emps}}
        for e in emps:
            others = [totals[x["id"]] for x in peers[group(e)] if x is not e]
            if e["id"] == STAR:  # first in August and September too
                totals[STAR] = round(max(others) + rng.uniform(1, 3), 1)
            elif e.get("rank") == 1 and period == "2026-09" and others:  # nobody else gets a 3-month streak
                totals[e["id"]] = round(max(others) - rng.uniform(0.5, 3), 1)
        totals[FAILING] = {"2026-08": 54.5, "2026-09": 51.0}[period]
        hist[period] = {e["id"]: (t, find_grade(t, grades).grade, rank_eq(t, [totals[x["id"]] for x in peers[group(e)]]))
                        for e in emps if (t := totals.get(e["id"])) is not None}
    return hist


# ----------------------------------------------------------------------------- reviews

HAND_REVIEWS = {
    STAR: ("连续三个月部门考核排名第一，零差评，个人成交额位居客服部首位。双11预售期间主动承担夜班值守，是客服团队的标杆。",
           "下月牵头整理双11高频问题话术库，并在部门例会上分享经验。继续保持零差评，协助主管带教新同事。"),
    FAILING: ("连续三个月考核不合格，访客质量与获取成本均明显落后于部门水平。本月还出现未经审批超预算投放，迟到早退较多。",
              "下月制定书面改进计划，由部门负责人每周跟进，并安排脱岗强化培训。人事行政部将按制度对连续不合格情况进行复核。"),
    MATERNITY: ("2026年8月起休产假，考评期内累计缺岗超过2个月，按制度不参与本期考核。",
                "返岗后由主管安排一周岗位适应与业务培训，再恢复正常考核。"),
    DIRECTOR_ID: ("运营团队梯队基本健全，活动审批制度已发布试行，双11筹备节奏总体可控。",
                  "加快运营助理岗位的人才储备，完善新人培养方案。双11结束后组织各部门复盘，修订活动费用管控制度。"),
}


# ----------------------------------------------------------------------------- workbook

HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
MONEY, PCT, DATE, TEXT = "#,##0.00", "0.00%", "yyyy-mm-dd", "@"
FORMATS = {"工号": TEXT, "适用员工": TEXT, "考核期间": TEXT, "岗位工资": MONEY, "工龄工资": MONEY, "个人销售额": MONEY,
           "个人提成比例": PCT, "公共销售业绩总额": MONEY, "年销售目标": MONEY, "年销售实绩": MONEY, "活动销售目标": MONEY,
           "活动销售实绩": MONEY, "销售奖励比例": PCT, "活动奖励比例": PCT, "达成率门槛": "0%", "绩效系数": "0%",
           "权重": "0%", "封顶": "0%", **{m[0]: MONEY for m in seed.MEASURES if m[2] == "金额"}}
WIDTHS = {"项目": 16, "值": 30, "邮箱": 30, "入职日期": 12, "面谈日期": 12, "度量代码": 24, "指标代码": 22,
          "指标名称": 20, "计算公式": 44, "指标定义": 60, "考核项目": 28, "评分标准": 60, "支撑上级指标": 22,
          "考核评语": 70, "改进计划": 70, "事项": 24, "培训强度": 28}


def add_sheet(wb, title, headers, rows):
    """Header row in bold, then rows; a cell given as (value, format) overrides the column's format."""
    ws = wb.create_sheet(title)
    ws.append(headers)
    for c in ws[1]:
        c.font, c.fill = Font(bold=True), HEAD_FILL
    for r, row in enumerate(rows, start=2):
        for c, v in enumerate(row, start=1):
            v, fmt = v if isinstance(v, tuple) else (v, FORMATS.get(headers[c - 1]))
            if v is None or v == "":
                continue
            cell = ws.cell(row=r, column=c, value=float(v) if isinstance(v, D) else v)
            fmt = DATE if isinstance(v, dt.date) else fmt
            if fmt:
                cell.number_format = fmt
    for i, h in enumerate(headers, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = WIDTHS.get(h, max(10, 2 * len(h) + 4))
    ws.freeze_panes = "A2"


def fmt_target(ln, v):
    unit = seed.UNIT.get(ln["kpi"], "")
    return None if v is None else (v, PCT if unit == "%" else MONEY if unit == "元" else "General")


def plan_rows(owner_role, owner_id, lines):
    """考核方案 rows; 支撑上级指标 is the code of the department's line each supports (sample_units)."""
    rows, supports = [], PERSON_SUPPORTS[DIR if owner_id == DIRECTOR_ID else owner_role]
    for ln in lines:
        orig, reason, approver = ln["adj"] or (None, None, None)
        rows.append([owner_role, owner_id, ln["cat"], ln["item"], ln["kpi"], ln["weight"], ln["method"],
                     fmt_target(ln, ln["target"]), fmt_target(ln, ln["floor"]), ln["cap"], ln["step"],
                     ln["std"], supports.get(ln["item"]), fmt_target(ln, orig), reason, approver])
    return rows


INTRO = [
    "杭州云栖电子商务有限公司 2026年10月 月度绩效考核输入数据（演示用，全部为虚构数据）",
    "",
    "公司简介：杭州云栖电子商务有限公司（集团，总经理钱正阳）为虚构的多平台服饰家居电商企业，下设华东公司（杭州，总经理沈国华）"
    "与华南公司（广州，总经理邓志远）两个区域公司，各设运营部、推广部、活动策划部、客服部、设计部；华东公司运营部由运营总监林海峰（HZ0001）负责。",
    "本文件：人事行政部于2026年11月初汇总的10月考核数据，供 reporter 生成考核表、考核结果确认书、目标责任书与人事汇总表。",
    "各工作表：设置（考核期间、日期、提成与工龄规则）、员工、度量定义、指标库（篇四的岗位KPI）、考核方案（岗位方案与运营总监个人方案）、"
    "月度数据（每个度量一列，列名为度量代码）、考勤（迟到、早退、请假、周报）、评分（评级类项目1–5分）、评语、加减分、等级、提成池、年度奖励、岗位职责（目标责任书中各岗位的权利与职责）、历史（8月、9月结果）、"
    "组织（集团、区域公司、部门及负责人）、单位方案（集团的月度与年度方案，区域公司与部门的月度方案）、单位数据（各单位本月合计）、单位评分（单位重点工作的评级）。",
    "单位考核（篇七）：部门方案覆盖规模与盈利、客户、内部运营、人与组织四个维度。员工方案的「支撑上级指标」填所在部门方案的行代码（如 YY_GMV），"
    "部门方案填所属区域公司的（如 HD_GMV），区域公司填集团的（如 JT_GMV）。部门数据为部门员工本月数据的合计，区域公司为其部门之和，集团为两个区域公司之和。",
    "权重：每个方案中 KPI、重点工作、工作能力、工作态度、周报(4%)、考勤(10%) 合计100%；自愿性任务加分另计，最多+20分（100%+20%）。",
    "",
    "需要人事留意的情况：",
    f"· {STAR} 沈梦婷：8月、9月部门排名第一，本月再次第一，符合连续3个月第一的一次性奖励200元。",
    f"· {FAILING} 葛伟：8月、9月考核不合格(D)，本月再次不合格，需人事复核（制度原文为“自动请辞”，由人决定）。",
    f"· {MATERNITY} 孔晓燕：2026年8月起休产假，缺勤月数3，本期不参与考核，8月、9月亦无考核结果。",
    f"· {NEW_HIRE} 唐欣怡：2026年9月7日入职的新员工，仅有9月历史结果。",
    f"· {NO_BAD_REVIEW} 苗晓慧：本月零差评（低优指标取值为0）。 {BIG_BONUS} 朱明轩：自愿性任务加分合计22分，按方案封顶20分。",
    "· 客服人员的个人销售额（个人绩效提成的基数）即「月度数据」的个人成交额 own_gmv（设置「提成销售额度量」），"
    "与成交额转换率指标同一个数，只填一处；「员工」表的个人销售额留空。",
    "· 运营专员“成交额GMV”目标因平台流量规则调整（市场重大变化）由60万元下调为50万元，经沈国华批准；"
    "华东公司运营部的店铺成交额月度目标同因由246万元下调为205万元，经华东公司总经理沈国华批准。",
    "· 区域公司的“客单价”（HD_AOV、HN_AOV）没有部门方案支撑，对齐报告将其列为无人支撑的指标。",
    "",
    "所有姓名、工号、邮箱均为虚构；邮箱使用 example.com 保留域名，不会发送到真实地址。",
]


def write_workbook(emps, adjustments, hist, reviews):
    wb = Workbook()
    ws = wb.active
    ws.title = "说明"
    for line in INTRO:
        ws.append([line])
        ws.cell(row=ws.max_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 120
    ws["A1"].font = Font(bold=True, size=14)

    setting_fmt = {"公共提成比例": PCT, "连续第一奖励": MONEY, "工龄工资每年": MONEY, "工龄工资上限": MONEY, "考核期间": TEXT,
                   "校准容差": PCT, "绩效工资预算": MONEY}
    by_id = {e["id"]: e for e in emps}
    codes = [m[0] for m in seed.MEASURES]
    sheets = [
        ("设置", ["项目", "值"], [[k, (v, setting_fmt.get(k))] for k, v in SETTINGS]),
        ("员工", ["工号", "姓名", "邮箱", "公司", "部门", "岗位", "直属上级", "入职日期", "岗位工资", "工龄工资", "缺勤月数",
                "个人销售额", "个人提成比例", "公共提成池", "排名组"],
         [[e["id"], e["name"], e["email"], e["company"], e["dept"], e["role"], e["manager"], e["hire"], e["pay"],
           e["seniority"], e["absent"], e["sales"], e["rate"], e["pool"],
           "管理层" if e["role"] == DIR else None] for e in emps]),  # the director is not ranked against his staff
        ("度量定义", ["度量代码", "度量名称", "类型", "数据来源"], [list(m) for m in seed.MEASURES + UNIT_MEASURE_DEFS]),
        ("指标库", ["指标代码", "指标名称", "计算公式", "单位", "方向", "指标定义", "数据来源", "适用岗位"],
         [list(k) for k in seed.KPIS + UNIT_KPIS]),
        ("考核方案", ["适用岗位", "适用员工", "类别", "考核项目", "指标代码", "权重", "评分方法", "目标值", "下限", "封顶",
                  "每单位分值", "评分标准", "支撑上级指标", "原目标值", "调整原因", "批准人"],
         [r for role, lines in seed.PLANS.items() for r in plan_rows(role, None, lines)]
         + plan_rows(None, DIRECTOR_ID, seed.DIRECTOR_PLAN)),
        ("月度数据", ["工号", "姓名", *codes], [[e["id"], e["name"], *(e["m"].get(c) for c in codes)] for e in emps]),
        ("考勤", ["工号", "姓名", "迟到次数", "早退次数", "请假天数", "周报应交", "周报实交"],
         [[e["id"], e["name"], *e["att"]] for e in emps]),
        ("评分", ["工号", "姓名", "考核项目", "评分"],
         [[e["id"], e["name"], item, r] for e in emps for item, r in e["ratings"].items()]),
        ("评语", ["工号", "姓名", "考核人", "考核评语", "改进计划", "面谈日期"],
         [[e["id"], e["name"], *reviews[e["id"]]] for e in emps if e["id"] in reviews]),
        ("加减分", ["工号", "姓名", "事项", "分值", "批准人"],
         [[eid, by_id[eid]["name"], item, pts, by_id[eid]["manager"]] for eid, item, pts in adjustments]),
        ("等级", ["等级", "等级名称", "分数下限", "分数上限", "绩效系数", "培训强度", "职位晋升", "岗位级别", "岗位工资调整",
                "不及格"], [list(g) for g in seed.GRADES]),
        ("提成池", ["提成池", "公共销售业绩总额", "提成比例"], [[k, v, None] for k, v in POOLS.items()]),
        ("年度奖励", ["工号", "姓名", "年销售目标", "年销售实绩", "销售奖励比例", "活动销售目标", "活动销售实绩", "活动奖励比例",
                  "达成率门槛"], [[DIRECTOR_ID, by_id[DIRECTOR_ID]["name"], *ANNUAL_REWARD]]),
        ("岗位职责", ["岗位", "类型", "内容"], [list(r) for r in seed.ROLE_DUTIES]),
        ("历史", ["考核期间", "工号", "姓名", "总分", "等级", "部门排名"],
         [[p, e["id"], e["name"], *hist[p][e["id"]]] for p in sorted(hist) for e in emps if e["id"] in hist[p]]),
        *unit_sheets(emps),
    ]
    for title, headers, rows in sheets:
        add_sheet(wb, title, headers, rows)
    wb.properties.creator = wb.properties.lastModifiedBy = "人事行政部"
    wb.properties.title = "2026年10月绩效考核输入"
    wb.properties.created = wb.properties.modified = FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)
    return deterministic_zip(buf.getvalue())


def deterministic_zip(data):
    """openpyxl stamps the save time into the zip entries and core.xml; pin both."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), body)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(entry, body)
    return out.getvalue()


# ----------------------------------------------------------------------------- main

def score_workbook(data):
    """Score workbook bytes as reporter would; load_input raises InputError on any problem in the data."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / OUT.name
        path.write_bytes(data)
        return score_period(load_input(path))


def print_summary(result):
    """Each employee's result as reporter computed it."""
    print(f"{'公司':<6}{'部门':<7}{'工号':<8}{'姓名':<5}{'岗位':<8}{'总分':>7} 等级 排名 {'月薪':>10}  备注")
    for r in result.results:
        e = r.employee
        notes = [n for n, on in ((f"连续第一+{r.pay.one_time_bonus:,.0f}", r.pay.one_time_bonus > 0),
                                 ("连续不及格", r.failing_streak >= result.input.settings.streak_months),
                                 ("不参与考核", not r.appraised), ("新入职", e.hire_date >= dt.date(2026, 9, 1))) if on]
        total, grade = ("—", "—") if r.total is None else (f"{r.total:.2f}", r.grade.grade)
        print(f"{e.company:<6}{e.department:<7}{e.employee_id:<8}{e.name:<5}{e.role:<8}{total:>7}  {grade}  "
              f"{r.department_rank or '—':>3} {r.pay.total:>10,.2f}  {' '.join(notes)}")
    for u in (u for u in result.units if u.scored):  # 篇七's cascade: rank among the units under the same parent
        print(f"{u.unit.code:<7}{u.unit.name:<14}{u.total:>7}  {u.grade.grade}  {u.rank}/{u.peers}")
    grades = [r.grade.grade for r in result.appraised]
    print("等级分布:", " ".join(f"{g}={grades.count(g)}" for g, *_ in seed.GRADES), f"；写入 {OUT}")


def main():
    rng = random.Random(20261001)
    emps, adjustments = generate(rng)
    # The made-up history and the review texts follow this month's results: score the month first.
    month = score_workbook(write_workbook(emps, adjustments, {}, {}))
    by_id = {r.employee.employee_id: r for r in month.results}
    for e in emps:
        r = by_id[e["id"]]
        e.update(total=r.total, rank=r.department_rank, grade=r.grade.grade if r.grade else None)
    hist = make_history(rng, emps, month.input.grades)
    reviews = {e["id"]: make_review(rng, e, HAND_REVIEWS.get(e["id"])) for e in emps}

    data = write_workbook(emps, adjustments, hist, reviews)
    tmp = OUT.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(OUT)

    result = score_period(load_input(OUT))
    assert not result.warnings, [w.message for w in result.warnings]
    by_id = {r.employee.employee_id: r for r in result.results}
    star, failing = by_id[STAR], by_id[FAILING]
    assert star.grade.grade == "S" and star.department_rank == 1 and star.first_rank_streak == 3
    assert failing.grade.grade == "D" and failing.failing_streak == 3
    assert not by_id[MATERNITY].appraised and result.input.measures[NO_BAD_REVIEW]["bad_reviews"] == 0
    print_summary(result)


if __name__ == "__main__":
    main()
