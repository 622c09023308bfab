"""What was agreed: each employee's plan lines as signed for a term, and every signed change since.

``reporter plan`` records them in the history file: table ``agreed_lines`` holds each employee's
lines as they now stand (the agreement's, with every signed change applied), with the period whose
plan run issued the agreement; table ``amendments`` keeps each signed change (变更补充协议), numbered
per employee and term.  ``build`` compares the plan it is about to score with ``agreed_lines``, so a
target that changed after signing without a recorded change (考核方案's 原目标值, 调整原因 and
批准人) is an error naming its row, not a silent rescoring; ``plan`` compares the same way to find the
changes it must issue an addendum for.  Decimals are stored as text and compared exactly.
"""

from __future__ import annotations

from collections import defaultdict
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from reporter.errors import Problem
from reporter.input.schema import PLANS
from reporter.model import AppraisalInput, Employee, Plan, PlanLine
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
    issued_in: str = ""  # the period whose plan run issued the agreement ("" in files from before it was kept)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.category, self.item, self.kpi)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


@dataclass(frozen=True)
class PlanRecord:
    """What one plan run issued: new agreements (their lines as the plan states them) and signed changes.

    ``amendments`` maps an employee ID to the lines whose target changed; the history numbers each
    employee's addenda of the term 1, 2, … in the order they are recorded (:func:`next_addendum_numbers`).
    """

    agreements: tuple[str, ...] = ()
    amendments: dict[str, tuple[PlanLine, ...]] = field(default_factory=dict)


def next_addendum_numbers(db_path: Path, term: str, employee_ids) -> dict[str, int]:
    """The number the next addendum of each employee in the term will carry (1 for their first)."""
    wanted = list(employee_ids)
    if not wanted or not Path(db_path).exists():
        return dict.fromkeys(wanted, 1)
    with closing(_connect(Path(db_path))) as conn:
        found = dict(conn.execute("SELECT employee_id, MAX(number) FROM amendments WHERE period = ? "
                                  "GROUP BY employee_id", (term,)).fetchall())
    return {eid: found.get(eid, 0) + 1 for eid in wanted}


def record_plan(db_path: Path, inp: AppraisalInput, agreed_on: date, record: PlanRecord, *,
                input_sha256: str = "", numbers: dict[str, int] | None = None) -> dict[str, int]:
    """Record one plan run in one transaction: its agreements, then its signed changes.

    An agreement replaces its employee's agreed lines for the term (a re-issue starts them afresh; the
    earlier addenda stay on record).  A change appends an amendment under the employee's next number and
    moves the agreed line to the new target, so ``build`` and the next ``plan`` compare against it.
    ``numbers`` are the addenda's numbers as their files carry them (default: each employee's next).
    Returns each amended employee's addendum number.
    """
    numbers = numbers or next_addendum_numbers(db_path, inp.settings.term.key, record.amendments)
    with closing(_connect(Path(db_path))) as conn, conn:
        write_plan(conn, inp, agreed_on, record, input_sha256=input_sha256, numbers=numbers)
    return numbers


def write_plan(conn, inp: AppraisalInput, agreed_on: date, record: PlanRecord, *, input_sha256: str,
               numbers: dict[str, int]) -> None:
    """The statements of :func:`record_plan`, on the caller's connection or a journal; each can run twice."""
    term, period = inp.settings.term.key, inp.settings.period.key
    by_id = {e.employee_id: e for e in inp.employees}
    for eid in record.agreements:
        conn.execute("DELETE FROM agreed_lines WHERE period = ? AND employee_id = ?", (term, eid))
        conn.executemany(
            "INSERT INTO agreed_lines VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(term, eid, n, inp.plan_for(by_id[eid]).owner, line.category, line.item, line.kpi,
              str(line.weight), _text(line.target), _text(line.original_target), line.change_reason,
              line.approved_by, agreed_on.isoformat(), input_sha256, period)
             for n, line in enumerate(inp.plan_for(by_id[eid]).lines, start=1)])
    for eid, lines in record.amendments.items():
        for n, line in enumerate(inp.plan_for(by_id[eid]).lines, start=1):
            if line not in lines:
                continue
            conn.execute("INSERT OR REPLACE INTO amendments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         (term, eid, numbers[eid], n, line.category, line.item, line.kpi,
                          _text(line.original_target), _text(line.target), line.change_reason,
                          line.approved_by, period, agreed_on.isoformat(), input_sha256))
            conn.execute("UPDATE agreed_lines SET target = ?, original_target = ?, "
                         "change_reason = ?, approved_by = ? WHERE period = ? AND employee_id = ? AND "
                         "category = ? AND item = ? AND kpi = ?",
                         (_text(line.target), _text(line.original_target), line.change_reason,
                          line.approved_by, term, eid, line.category, line.item, line.kpi))


def record_agreed(db_path: Path, inp: AppraisalInput, agreed_on: date, employee_ids=None, *,
                  input_sha256: str = "") -> int:
    """Record agreements for ``employee_ids`` (default: everyone) as the plan states them; the lines written.

    They are kept under the key of the agreement's term (设置 责任书期限; the period's own key by default),
    so every month of a quarterly term is checked against the one agreement.  Other employees are left
    as they were.  ``input_sha256`` is the plan workbook's digest (the input knows only its file name).
    """
    wanted = None if employee_ids is None else set(employee_ids)
    ids = tuple(e.employee_id for e in inp.employees if wanted is None or e.employee_id in wanted)
    record_plan(db_path, inp, agreed_on, PlanRecord(agreements=ids), input_sha256=input_sha256)
    return sum(len(inp.plan_for(e).lines) for e in inp.employees if e.employee_id in ids)


def load_agreed(db_path: Path, period: str) -> dict[str, tuple[AgreedLine, ...]]:
    """The agreed lines of one term (or period) key by employee ID, in plan order (empty when nothing was agreed)."""
    if not Path(db_path).exists():
        return {}
    with closing(_connect(Path(db_path))) as conn:
        rows = conn.execute(
            "SELECT employee_id, line_no, plan_owner, category, item, kpi, weight, target, original_target, "
            "change_reason, approved_by, agreed_on, input_sha256, issued_in FROM agreed_lines WHERE period = ? "
            "ORDER BY employee_id, line_no", (period,)).fetchall()
    agreed: dict[str, list[AgreedLine]] = defaultdict(list)
    for eid, n, owner, category, item, kpi, weight, target, original, reason, approver, on, digest, issued in rows:
        agreed[eid].append(AgreedLine(eid, n, owner, category, item, kpi, Decimal(weight), _decimal(target),
                                      _decimal(original), reason, approver, on, digest, issued))
    return {eid: tuple(lines) for eid, lines in agreed.items()}


@dataclass(frozen=True)
class Amendment:
    """One signed change of one line: addendum ``number`` of the employee in the term."""

    employee_id: str
    number: int
    item: str
    original_target: Decimal | None
    target: Decimal | None
    change_reason: str
    approved_by: str
    issued_in: str
    agreed_on: str


def load_amendments(db_path: Path, term: str) -> tuple[Amendment, ...]:
    """Every signed change of the term, by employee, addendum number and line."""
    if not Path(db_path).exists():
        return ()
    with closing(_connect(Path(db_path))) as conn:
        rows = conn.execute(
            "SELECT employee_id, number, item, original_target, target, change_reason, approved_by, issued_in, "
            "agreed_on FROM amendments WHERE period = ? ORDER BY employee_id, number, line_no", (term,)).fetchall()
    return tuple(Amendment(eid, n, item, _decimal(was), _decimal(now), reason, approver, issued, on)
                 for eid, n, item, was, now, reason, approver, issued, on in rows)


def _show(value: Decimal | None, unit: str = "") -> str:
    if value is None:
        return "（空）"
    if unit == "%":
        return f"{(value * 100).normalize():f}%"
    return f"{value.normalize():f}{unit}"


def who(e: Employee) -> str:
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


# (row, column, message): one problem, to be reported once for everyone it concerns.
Finding = tuple[int | None, str, str]
REISSUE = "或用 `reporter plan --reissue` 重新签订"


def compare_with_agreed(plan: Plan, agreed: tuple[AgreedLine, ...]) -> tuple[tuple[PlanLine, ...], list[Finding]]:
    """A plan held to an employee's agreed lines: the lines changed with a recorded change, and the problems.

    A target may change only as the row records it (原目标值 = the agreed target, 调整原因, 批准人); a
    changed weight, a line added or removed needs a new agreement (``reporter plan --reissue``).
    """
    on = agreed[0].agreed_on
    matched, added, removed = _pairs(plan.lines, agreed)
    changed, found = [], []
    for line, a in matched:
        if line.target != a.target:
            if _amended(line, a):
                changed.append(line)
            else:
                found.append((line.row, PLANS.column("target").zh,
                              f"「{line.item}」的目标值 {_show(line.target, line.unit)} 与 {on} 签订的 "
                              f"{_show(a.target, line.unit)} 不同，且本行未记录这次调整：请在「原目标值」填 "
                              f"{_show(a.target, line.unit)} 并填写「调整原因」与「批准人」，或改回签订的目标，{REISSUE}"))
        if line.weight != a.weight:
            found.append((line.row, PLANS.column("weight").zh,
                          f"「{line.item}」的权重 {_show(line.weight, '%')} 与 {on} 签订的 {_show(a.weight, '%')} "
                          f"不同：请改回签订的权重，{REISSUE}"))
    for line in added:
        found.append((line.row, PLANS.column("item").zh,
                      f"方案「{plan.owner}」的「{line.item}」是 {on} 签订后新增的项目：请删除此行，{REISSUE}"))
    for a in removed:
        found.append((None, "", f"方案「{a.plan_owner}」缺少 {on} 签订的「{a.item}」：请恢复此行，{REISSUE}"))
    return tuple(changed), found


def located(found: dict[Finding, list[str]], inp: AppraisalInput, severity: str = "error") -> tuple[Problem, ...]:
    """Findings as problems at their 考核方案 cells, each naming the people it concerns, in row order."""
    return tuple(Problem(f"{message}（{'、'.join(people)}）", inp.source, SHEET, row,
                         f"「{column}」列" if column else "", severity=severity)
                 for (row, column, message), people in sorted(found.items(), key=lambda kv: (kv[0][0] or 0, kv[0])))


def agreed_problems(db_path: Path, inp: AppraisalInput) -> tuple[Problem, ...]:
    """The plan ``build`` would score, held to what was agreed for the term containing inp's period.

    Errors: a target or weight that differs from the agreed one without a recorded change, a line added
    or removed since.  A change the row records but no ``reporter plan`` run has signed yet: a warning
    (no addendum was issued for it).  A line of a role plan shared by several people is reported once,
    naming them all.  Nothing agreed for the period at all: one warning (a company that does not use
    ``reporter plan``).
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
    errors: dict[Finding, list[str]] = defaultdict(list)
    unsigned: dict[Finding, list[str]] = defaultdict(list)
    for e in inp.employees:
        if e.employee_id not in agreed:
            continue
        changed, found = compare_with_agreed(inp.plan_for(e), agreed[e.employee_id])
        for finding in found:
            errors[finding].append(who(e))
        for line in changed:
            unsigned[(line.row, PLANS.column("target").zh,
                      f"「{line.item}」的目标调整（{_show(line.original_target, line.unit)} → "
                      f"{_show(line.target, line.unit)}）已记录，但尚未签订变更补充协议：运行 `reporter plan` "
                      f"签发")].append(who(e))
    return located(errors, inp) + located(unsigned, inp, "warning")
