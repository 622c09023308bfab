"""The file payroll imports once the results are settled: the build's payroll.csv, 确认状态 as it is now.

The rows and columns are the build's own (read back from ``payroll.csv``, so the figures are the ones
the letters showed); its last column, 确认状态 (the state when the letters were issued), is replaced by
the state as of the day asked about (a payroll.csv from before that column existed gains it).  With pending answers allowed, a pending or escalated row is
paid as built and says so; a disputed row (an open appeal, or one upheld but not yet re-issued) is never
paid the disputed figure: the parts that follow the grade — 个人绩效提成 (scaled by the grade's pay
coefficient) and 一次性奖励 (a ranking reward) — are left blank and 应发合计 holds only the undisputed
parts (岗位工资 + 公共绩效提成 + 工龄工资), to be paid in full once the appeal is decided.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

from reporter.errors import ReporterError
from reporter.pipeline.settle import DISPUTED, PeriodStanding
from reporter.writers.payroll_csv import MONTHLY_HEADER, MONTHLY_HEADER_EN, STATE_HEADER
from reporter.writers.wording import state_words

COLUMN = {name: i for i, name in enumerate(MONTHLY_HEADER)}
WITHHELD = ("个人绩效提成", "一次性奖励")
UNDISPUTED = ("岗位工资", "公共绩效提成", "工龄工资")
WITHHELD_NOTE = {"zh": "：个人绩效提成、一次性奖励暂缓发放，应发合计不含这两项，待申诉处理后补发",
                 "en": ": personal commission and one-time bonus withheld (not in total pay) until the appeal "
                       "is decided"}


def state_text(state: str, prose: str = "zh") -> str:
    return state_words(state, prose) + (WITHHELD_NOTE[prose] if state in DISPUTED else "")


def read_payroll(folder: Path) -> list[list[str]]:
    """The build's payroll.csv, header first; an error if the period has none or it is not one of ours."""
    path = folder / "payroll.csv"
    if not path.is_file():
        raise ReporterError(f"{path} 不存在：请先完整运行 reporter build 生成本期的工资表")
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))
    if not rows or tuple(rows[0][:len(MONTHLY_HEADER)]) not in (MONTHLY_HEADER, MONTHLY_HEADER_EN):
        raise ReporterError(f"{path} 的表头不是 reporter build 写出的工资表：请重新运行 reporter build")
    return rows


def settled_row(row: list[str], state: str, prose: str = "zh") -> list[str]:
    """One payroll row (without its state column) with its state; a disputed row's grade-dependent parts withheld."""
    row = list(row)
    if state in DISPUTED:
        for name in WITHHELD:
            row[COLUMN[name]] = ""
        row[COLUMN["应发合计"]] = f"{sum(Decimal(row[COLUMN[name]] or 0) for name in UNDISPUTED):.2f}"
    return [*row, state_text(state, prose)]


def render_settled_payroll(standing: PeriodStanding) -> bytes:
    """The payroll file of the period, every row with its 确认状态 (UTF-8 with BOM, like payroll.csv)."""
    header, *rows = read_payroll(standing.manifest.folder)
    states = {s.recipient.employee_id: s.state for s in standing.standings}
    prose = "en" if tuple(header[:len(MONTHLY_HEADER)]) == MONTHLY_HEADER_EN else "zh"
    width = len(header) - (header[-1] == STATE_HEADER[prose])  # the columns before the build's 确认状态
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([*header[:width], STATE_HEADER[prose]])
    for row in rows:
        state = states.get(row[COLUMN["工号"]].lstrip("'"))
        if state is not None:
            writer.writerow(settled_row(row[:width], state, prose))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
