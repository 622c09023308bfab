"""The example rows of ``reporter init --language en``: the schema's Chinese examples, in English.

Only what a company types is translated (names, items, standards, policy words); coded columns keep
the spellings of their drop-down lists, which the reader accepts in either language.  Keyed by the
Chinese example, so a value used on several sheets (a role, a rated item, a name) stays the same on all.
"""

from __future__ import annotations

from reporter.input.schema import Column
from reporter.model import HR_DEPARTMENT

ENGLISH = {
    # 设置
    "示例科技有限公司": "Example Technology Co., Ltd.",
    "部门负责人": "Head of Department",
    "人事部门负责人": "HR Manager",
    "人事部门": "HR Department",
    # people (names print as typed: these are only examples)
    "张伟": "Zhang Wei",
    "李娜": "Li Na",
    "王强": "Wang Qiang",
    "刘洋": "Liu Yang",
    # organisation
    "总公司": "Head Office",
    "运营部": "Operations",
    "客服部": "Customer Service",
    "运营专员": "Operations Specialist",
    "客服组": "Customer service pool",
    # measures and KPIs
    "访客数": "Visitors",
    "成交人数": "Buyers",
    "生意参谋": "Shop analytics",
    "订单转换率": "Conversion rate",
    "人": "people",
    "成交人数/UV": "Buyers / visitors",
    "实际发生购买的人数": "People who actually bought",
    # plans
    "迟到": "Late arrivals",
    "工作能力": "Competence",
    "自愿性任务": "Voluntary tasks",
    "转换率/目标×权重，封顶120%": "Rate / target × weight, capped at 120%",
    "迟到每次扣2分，扣完为止": "2 points off per late arrival, down to 0",
    "1–5 分，按评分/5×权重": "Rated 1–5: rating / 5 × weight",
    "自愿性任务加分，合计最多 +20": "Points for voluntary tasks, at most +20 in all",
    # reviews and adjustments
    "本月转化率提升明显。": "Conversion improved markedly this month.",
    "响应及时。": "Responds promptly.",
    "加强活动复盘。": "Review each campaign more thoroughly.",
    "双11活动志愿值班": "Volunteered for the Singles' Day shift",
    # grades
    "合格": "Satisfactory",
    "不合格": "Unsatisfactory",
    "常规培训": "Regular training",
    "脱岗强化培训": "Intensive off-the-job training",
    "正常": "As normal",
    "不得晋升": "No promotion",
    "不变": "Unchanged",
    "降一级": "Down one level",
    "下调 10%": "Reduced by 10%",
    # role duties
    "有权获取完成岗位目标所需的数据与资源支持。": "May obtain the data and resources needed to meet the post's targets.",
    "负责店铺日常运营，提升访客数与成交额。": "Runs the shop day to day and grows its visitors and sales.",
}


# Where one Chinese example needs two English ones: the department's name is printed inside sentences
# ("return it to the HR Department"), the sender's name alone.  The same as a blank 人事部门名称 gives.
BY_COLUMN = {"hr_department": (HR_DEPARTMENT["en"],)}


def example_values(col: Column, language: str = "zh") -> tuple:
    """A column's example values for a workbook in ``language``: typed text in English for ``en``."""
    if col.key == "language" and col.kind == "language":
        return (language,)
    if language != "en" or col.kind not in ("text", "name"):
        return col.example
    if col.key in BY_COLUMN:
        return BY_COLUMN[col.key]
    return tuple(ENGLISH.get(str(value), value) for value in col.example)
