"""What was agreed: each employee's plan lines as signed at the start of a period.

``reporter plan`` records them in the history file (table ``agreed_lines``);
``build`` compares the plan it is about to score with them, so a target that
changed after signing without a recorded change (考核方案's 原目标值, 调整原因
and 批准人) is an error naming its row, not a silent rescoring.  Decimals are
stored as text and compared exactly.
"""

from __future__ import annotations

from collections import defaultdict
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from reporter.errors import Problem
from reporter.input.schema import PLANS
from reporter.model import AppraisalInput, Employee, PlanLine
from reporter.store.history import _connect
from reporter.writers.language import language

SHEET = PLANS.zh


@dataclass(frozen=True)
class AgreedLine:
    """One plan line as agreed: what ``build`` holds the plan it scores to."""

    employee_id: str
    line_no: int
    plan_owner: str  # the role, or the employee ID of a personal plan
    category: str
    item: str
    kpi: str
    weight: Decimal
    target: Decimal | None
    original_target: Decimal | None
    change_reason: str
    approved_by: str
    agreed_on: str
    input_sha256: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.category, self.item, self.kpi)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def record_agreed(db_path: Path, inp: AppraisalInput, agreed_on: date, employee_ids=None, *,
                  input_sha256: str = "") -> int:
    """Replace the agreed lines of ``employee_ids`` (default: everyone) for inp's term, in one transaction.

    They are kept under the key of the agreement's term (设置 责任书期限; the period's own key by default),
    so every month of a quarterly term is checked against the one agreement.

    Other periods and other employees of the period are left as they were, so a corrected plan for
    one department is re-recorded by running ``plan`` for that department.  ``input_sha256`` is the
    plan workbook's digest (``reporter.pipeline.build.file_sha256``; the input knows only its file name).
    Returns the number of lines written.
    """
    period = inp.settings.term.key
    wanted = None if employee_ids is None else set(employee_ids)
    people = [e for e in inp.employees if wanted is None or e.employee_id in wanted]
    rows = []
    for e in people:
        plan = inp.plan_for(e)
        for n, line in enumerate(plan.lines, start=1):
            rows.append((period, e.employee_id, n, plan.owner, line.category, line.item, line.kpi,
                         str(line.weight), _text(line.target), _text(line.original_target), line.change_reason,
                         line.approved_by, agreed_on.isoformat(), input_sha256))
    with closing(_connect(Path(db_path))) as conn, conn:
        conn.executemany("DELETE FROM agreed_lines WHERE period = ? AND employee_id = ?",
                         [(period, e.employee_id) for e in people])
        conn.executemany("INSERT INTO agreed_lines VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return len(rows)


def load_agreed(db_path: Path, period: str) -> dict[str, tuple[AgreedLine, ...]]:
    """The agreed lines of one term (or period) key by employee ID, in plan order (empty when nothing was agreed)."""
    if not Path(db_path).exists():
        return {}
    with closing(_connect(Path(db_path))) as conn:
        rows = conn.execute(
            "SELECT employee_id, line_no, plan_owner, category, item, kpi, weight, target, original_target, "
            "change_reason, approved_by, agreed_on, input_sha256 FROM agreed_lines WHERE period = ? "
            "ORDER BY employee_id, line_no", (period,)).fetchall()
    agreed: dict[str, list[AgreedLine]] = defaultdict(list)
    for eid, n, owner, category, item, kpi, weight, target, original, reason, approver, on, digest in rows:
        agreed[eid].append(AgreedLine(eid, n, owner, category, item, kpi, Decimal(weight), _decimal(target),
                                      _decimal(original), reason, approver, on, digest))
    return {eid: tuple(lines) for eid, lines in agreed.items()}


def _show(value: Decimal | None, unit: str = "") -> str:
    if value is None:
        return "（空）"
    if unit == "%":
        return f"{(value * 100).normalize():f}%"
    return f"{value.normalize():f}{unit}"


def _who(e: Employee) -> str:
    return f"{e.name}（{e.employee_id}）"


def _amended(line: PlanLine, agreed: AgreedLine) -> bool:
    """The row records the change from what was agreed: 原目标值 is the agreed target, with reason and approver."""
    return (line.original_target is not None and line.original_target == agreed.target
            and bool(line.change_reason) and bool(line.approved_by))


def _pairs(lines: tuple[PlanLine, ...], agreed: tuple[AgreedLine, ...]):
    """Plan lines matched with agreed ones by category, item and KPI (repeats in order); unmatched on either side."""
    waiting: dict[tuple[str, str, str], list[AgreedLine]] = defaultdict(list)
    for a in agreed:
        waiting[a.key].append(a)
    matched, added = [], []
    for line in lines:
        queue = waiting.get((line.category, line.item, line.kpi))
        if queue:
            matched.append((line, queue.pop(0)))
        else:
            added.append(line)
    removed = [a for queue in waiting.values() for a in queue]
    return matched, added, removed


def agreed_problems(db_path: Path, inp: AppraisalInput) -> tuple[Problem, ...]:
    """The plan ``build`` would score, held to what was agreed for the term containing inp's period.

    Errors: a target or weight that differs from the agreed one without a recorded change, a line added
    or removed since.  A line of a role plan shared by several people is reported once, naming them all.
    Nothing agreed for the period at all: one warning (a company that does not use ``reporter plan``).
    """
    s = inp.settings
    # The term's agreement (责任书期限), else one recorded under the period itself.
    period = s.term.key
    agreed = load_agreed(db_path, period) or load_agreed(db_path, s.period.key)
    if not agreed:
        # It lands in the summary's 提示 sheet, so it is in the workbook's language; it points at no cell.
        return (Problem(language(inp.settings.language).say(
            f"本期（{period}）没有签订记录：考核方案未经 `reporter plan` 签订，无法核对目标与权重"
            f"是否与签订时一致（未使用 reporter plan 的公司可忽略此提示）",
            f"No agreement on record for {period}: the plan was not signed with `reporter plan`, so its "
            f"targets and weights cannot be checked against the agreed ones (ignore this if you do not use "
            f"reporter plan)"), inp.source, severity="warning"),)
    found: dict[tuple[int | None, str, str], list[str]] = defaultdict(list)
    for e in inp.employees:
        if e.employee_id not in agreed:
            continue
        plan = inp.plan_for(e)
        on = agreed[e.employee_id][0].agreed_on
        matched, added, removed = _pairs(plan.lines, agreed[e.employee_id])
        for line, a in matched:
            if line.target != a.target and not _amended(line, a):
                found[(line.row, PLANS.column("target").zh,
                       f"「{line.item}」的目标值 {_show(line.target, line.unit)} 与 {on} 签订的 "
                       f"{_show(a.target, line.unit)} 不同，且本行未记录这次调整：请在「原目标值」填 "
                       f"{_show(a.target, line.unit)} 并填写「调整原因」与「批准人」，或改回签订的目标")].append(_who(e))
            if line.weight != a.weight:
                found[(line.row, PLANS.column("weight").zh,
                       f"「{line.item}」的权重 {_show(line.weight, '%')} 与 {on} 签订的 {_show(a.weight, '%')} 不同："
                       f"请改回签订的权重，或重新运行 `reporter plan` 签订新方案")].append(_who(e))
        for line in added:
            found[(line.row, PLANS.column("item").zh,
                   f"方案「{plan.owner}」的「{line.item}」是 {on} 签订后新增的项目：请重新运行 `reporter plan` "
                   f"签订新方案，或删除此行")].append(_who(e))
        for a in removed:
            found[(None, "", f"方案「{a.plan_owner}」缺少 {on} 签订的「{a.item}」：请恢复此行，或重新运行 "
                             f"`reporter plan` 签订新方案")].append(_who(e))
    return tuple(Problem(f"{message}（{'、'.join(people)}）", inp.source, SHEET, row,
                         f"「{column}」列" if column else "")
                 for (row, column, message), people in sorted(found.items(), key=lambda kv: (kv[0][0] or 0, kv[0])))
