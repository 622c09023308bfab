"""The words of `reporter calibrate`: a compact report of the calibration facts, as lines of text.

The facts are the engine's (reporter.rules.calibration), the same the summary's 校准 sheet holds; this
only lays them out for a terminal, in the period's prose language (设置 语言).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from reporter.rules.calibration import MIN_PEOPLE, TOP_GRADES, Calibration, Group
from reporter.writers.language import Language
from reporter.writers.xlsx.style import display_width

UP, DOWN = "↑", "↓"  # more than the tolerance above / below the target


def _pct(value: Decimal) -> str:
    return f"{(value * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def _points(value: Decimal) -> str:
    return f"{(value * 100).quantize(Decimal('0.1'), ROUND_HALF_UP):+}"


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _pad(text: str, width: int) -> str:
    return text + " " * max(1, width - int(display_width(text)))


def _row(name: str, g: Group, width: int) -> str:
    cells = []
    for m in g.mix:
        mark = (UP if m.deviation > 0 else DOWN) if m.off_target else " "
        cells.append(f"{m.grade} {m.count:>3} {_pct(m.share):>6}{mark}")
    average = "—" if g.average_total is None else f"{g.average_total.quantize(Decimal('0.01'), ROUND_HALF_UP)}"
    return f"  {_pad(name, width)}{g.people:>4}  " + "  ".join(cells) + f"  {average:>6}"


def calibration_lines(facts: Calibration, lang: Language) -> list[str]:
    """The report: the target, the mix of everyone, each department and reviewer, the outliers, pay and budget."""
    say = lang.say
    target = " / ".join(f"{g} {_pct(s)}" for g, s in facts.targets)
    lines = [say("仅为提示：不改动任何结果，由人事与管理者决定。", "Warnings only: nothing is changed; people decide.")]
    if target:
        tolerance = _points(facts.tolerance).lstrip("+")
        lines.append(say(f"目标等级分布：{target}；容差 ±{tolerance} 个百分点（{UP}{DOWN} 超出容差）",
                         f"Target mix: {target}; tolerance ±{tolerance} points ({UP}{DOWN} beyond it)"))
    else:
        lines.append(say("未设定目标等级分布（设置「目标等级分布」）：只列分布，不比较",
                         "No target mix set (设置 目标等级分布): the mix is listed, not compared"))
    unnamed = say("（未填写）", "(not given)")
    names = [f"{g.company} {g.name}" for g in facts.departments] + [g.name or unnamed for g in facts.reviewers]
    width = int(max([12, *(display_width(n) for n in names)])) + 1
    head = say("人数", " No.")
    lines.append(f"  {_pad('', width)}{head:>4}  " + say("等级 人数 占比", "grade count share") + "  …  "
                 + say("平均分", "average"))
    lines.append(_row(say("全体", "Everyone"), facts.everyone, width))
    lines.append(say("部门：", "Departments:"))
    lines += [_row(f"{g.company} {g.name}", g, width) for g in facts.departments]
    lines.append(say("考核人（直属上级）：", "Reviewers (line managers):"))
    lines += [_row(g.name or unnamed, g, width) for g in facts.reviewers]
    lines += outlier_lines(facts, lang)
    lines += pay_lines(facts, lang)
    return lines


def outlier_lines(facts: Calibration, lang: Language) -> list[str]:
    say, unnamed = lang.say, lang.say("（未填写）", "(not given)")
    outliers = facts.outliers
    if not outliers:
        return [say(f"偏离的考核人：无（考核 {MIN_PEOPLE} 人及以上的考核人均在容差之内）",
                    f"Outlier reviewers: none (every reviewer of {MIN_PEOPLE} or more is within the tolerance)")]
    tolerance = _points(facts.tolerance).lstrip("+")
    lines = [say(f"偏离的考核人（考核 {MIN_PEOPLE} 人及以上，超出容差 ±{tolerance} 个百分点）：{len(outliers)} 位",
                 f"Outlier reviewers ({MIN_PEOPLE} or more people, beyond ±{tolerance} points): {len(outliers)}")]
    everyone = facts.everyone.average_rating
    for g in outliers:
        reasons = []
        if g.rating_outlier:
            gap = _points(g.average_rating - everyone)
            reasons.append(say(f"平均评分得分率 {_pct(g.average_rating)}，全体 {_pct(everyone)}（{gap} 个百分点）",
                               f"average rating {_pct(g.average_rating)}, everyone {_pct(everyone)} ({gap} points)"))
        for flag, part, zh, en in (("top_heavy", g.mix[:TOP_GRADES], "最高", "top"),
                                   ("bottom_heavy", g.mix[-TOP_GRADES:], "最低", "bottom")):
            if getattr(g, flag):
                grades = "+".join(m.grade for m in part)
                share, goal = sum(m.share for m in part), sum(m.target for m in part)
                reasons.append(say(f"{zh}两个等级（{grades}）占 {_pct(share)}，目标 {_pct(goal)}",
                                   f"{en} two grades ({grades}) {_pct(share)} against a target of {_pct(goal)}"))
        who = say(f"  {g.name or unnamed}（{g.people} 人）：", f"  {g.name or unnamed} ({g.people} people): ")
        lines.append(who + say("；", "; ").join(reasons))
    return lines


def pay_lines(facts: Calibration, lang: Language) -> list[str]:
    say = lang.say
    parts = "  ".join(f"{p.grade or say('未参与考核', 'not appraised')} {_money(p.total)}" for p in facts.pay)
    lines = [say(f"绩效工资（个人绩效提成 + 公共绩效提成）合计 {_money(facts.performance_pay)}：{parts}",
                 f"Performance pay (personal + shared commission) {_money(facts.performance_pay)}: {parts}")]
    if facts.budget is None:
        lines.append(say("  未设定绩效工资预算（设置「绩效工资预算」）", "  No performance-pay budget set (设置 绩效工资预算)"))
    elif facts.budget_difference > 0:
        lines.append(say(f"  预算 {_money(facts.budget)}，超支 {_money(facts.budget_difference)}",
                         f"  Budget {_money(facts.budget)}: over by {_money(facts.budget_difference)}"))
    else:
        lines.append(say(f"  预算 {_money(facts.budget)}，结余 {_money(-facts.budget_difference)}",
                         f"  Budget {_money(facts.budget)}: {_money(-facts.budget_difference)} left"))
    return lines
