"""Rewrite the generated parts of docs/ from the code (run by `make docs`).

Each generated part sits between ``<!-- BEGIN name … -->`` and ``<!-- END name -->``
in a Markdown file; everything outside the markers is written by hand.
``tests/test_docs.py`` imports :func:`generated_parts` and fails when a
document is not what this script would write.

    python scripts/update_docs.py          # rewrite the documents
    python scripts/update_docs.py --check  # exit 1 if any document is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

from reporter.input.limits import limits_markdown
from reporter.input.template import columns_markdown
from reporter.rules.engine import TOTAL_FORMULA
from reporter.rules.pay import PAY_FORMULAS
from reporter.rules.rulebook import RULE_FORMULAS
from reporter.rules.scoring import DEFAULTS, METHOD_FORMULAS
from reporter.writers.wording import METHOD_NAMES

DOCS = Path(__file__).resolve().parent.parent / "docs"

DIRECTIONS = {
    "higher": "高优 (higher is better)",
    "lower": "低优 (lower is better)",
    None: "either",
    "uncapped": "blank 封顶 (a penalty line, or a bonus without a cap)",
}
PAY_NAMES = {
    "personal_commission": "个人绩效提成",
    "shared_commission": "公共绩效提成",
    "seniority_pay": "工龄工资 (when the employee's own figure is blank)",
    "monthly_pay": "应发合计",
    "reward_part": "年度绩效奖励, each of its two parts (篇五)",
}


def methods_markdown() -> str:
    """The scoring methods table, from reporter.rules.scoring.METHOD_FORMULAS."""
    rows = ["| 评分方法 (method) | direction (方向) | points |", "|---|---|---|"]
    for (method, direction), formula in METHOD_FORMULAS.items():
        rows.append(f"| {METHOD_NAMES[method]} (`{method}`) | {DIRECTIONS.get(direction, direction)} | `{formula}` |")
    blanks = ", ".join(f"`{name}` = {value}" for name, value in DEFAULTS.items())
    rows.append(f"\nA parameter left blank in 考核方案 takes its default: {blanks}.\n")
    return "\n".join(rows)


def pay_markdown() -> str:
    """The pay rules table, from reporter.rules.pay.PAY_FORMULAS."""
    rows = ["| amount | rule |", "|---|---|"]
    for name, formula in PAY_FORMULAS.items():
        rows.append(f"| {PAY_NAMES.get(name, name)} (`{name}`) | `{formula}` |")
    return "\n".join(rows) + "\n"


RULE_NAMES = {
    "grade": "等级 (grade)", "grade_name": "等级名称", "pay_coefficient": "绩效系数 (pay coefficient)",
    "department_rank": "部门排名", "role_rank": "岗位排名", "bonus_points": "加分合计 (bonus_points)",
    "penalty_points": "扣分合计 (penalty_points)", "annual_reward": "年度绩效奖励 (annual reward)",
    "people_count": "单位所属员工人数", "people_average": "单位所属员工平均分",
    "unit_score_own": "单位得分（本单位方案）", "unit_score_blended": "单位得分（与员工平均加权）",
    "unit_rank": "单位排名（同级、同一上级）",
    "grade_share": "校准：等级占比", "share_deviation": "校准：占比偏差", "off_target": "校准：偏离目标（标红）",
    "rating_average": "校准：平均评分得分率", "rating_outlier": "校准：评分偏离", "top_heavy": "校准：高等级偏多",
    "bottom_heavy": "校准：低等级偏多", "budget_difference": "校准：绩效工资与预算之差",
    "annual_periods": "年度计分期数 (reporter annual)", "months_appraised": "考核月数",
    "annual_score_months": "年度得分（月度平均）", "quarter_score": "季度得分",
    "annual_score_quarters": "年度得分（季度加权）", "annual_score_plan": "年度得分（年度方案）",
    "annual_grade": "年度等级", "annual_eligible": "年终奖资格", "annual_bonus_coefficient": "年终奖系数",
    "annual_bonus_weight": "奖金权重", "annual_bonus_weight_total": "奖金权重合计", "annual_bonus": "年终奖",
    "annual_bonus_residue": "预算余差（舍入）", "top_streak": "连续晋升等级期数", "promotion_candidate": "晋升候选",
}


def rulebook_markdown() -> str:
    """The lookup, rank and sum rules, from reporter.rules.rulebook.RULE_FORMULAS."""
    rows = ["| result | rule (the engine evaluates it; the workbooks hold it as a live formula) |", "|---|---|"]
    rows.append(f"| 总分 (total) | `{TOTAL_FORMULA}` |")
    for name, formula in RULE_FORMULAS.items():
        rows.append(f"| {RULE_NAMES.get(name, name)} | `{formula.replace('|', '&#124;')}` |")
    return "\n".join(rows) + "\n"


def generated_parts() -> list[tuple[Path, str, str]]:
    """Every generated part: (document, part name, the Markdown it must hold)."""
    return [
        (DOCS / "input.md", "limits", limits_markdown()),
        (DOCS / "input.md", "columns", columns_markdown()),
        (DOCS / "rules.md", "methods", methods_markdown()),
        (DOCS / "rules.md", "pay", pay_markdown()),
        (DOCS / "rules.md", "rulebook", rulebook_markdown()),
    ]


def split_part(text: str, name: str) -> tuple[str, str, str]:
    """(text up to and including the BEGIN marker, the part, text from the END marker on)."""
    begin, end = f"<!-- BEGIN {name}", f"<!-- END {name} -->"
    if text.count(begin) != 1 or text.count(end) != 1:
        raise ValueError(f"expected one '{begin} … -->' and one '{end}'")
    head, rest = text.split(begin, 1)
    marker, rest = rest.split("-->", 1)
    part, tail = rest.split(end, 1)
    return f"{head}{begin}{marker}-->\n", part.lstrip("\n"), f"{end}{tail}"


def update(check: bool = False) -> list[str]:
    """Rewrite every generated part (or, with ``check``, only report); returns the parts out of date."""
    stale = []
    for path, name, content in generated_parts():
        text = path.read_text(encoding="utf-8")
        head, part, tail = split_part(text, name)
        if part.strip() != content.strip():
            stale.append(f"{path.name}: {name}")
            if not check:
                path.write_text(f"{head}{content.strip()}\n{tail}", encoding="utf-8")
    return stale


if __name__ == "__main__":
    check = "--check" in sys.argv[1:]
    out_of_date = update(check)
    for item in out_of_date:
        print(("out of date: " if check else "rewrote: ") + item)  # noqa: T201 - a script reports
    sys.exit(1 if check and out_of_date else 0)
