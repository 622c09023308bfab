"""`reporter history`: each employee's and department's totals over the built periods, as a workbook."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import click

from reporter.store.atomic import write_bytes_atomic

from .app import cli, handle_errors
from .options import db_option, out_file_option, out_option

SHOWN_PERIODS = 4  # the printed table: the latest periods; the workbook holds them all
CENT = Decimal("0.01")


@cli.command("history")
@out_option("The output folder of `reporter build`: its reporter.sqlite, and where history.xlsx goes.")
@db_option()
@out_file_option("X.xlsx", "Where to write the workbook [default: OUT/history.xlsx].")
@handle_errors
def history_command(out_dir: Path, db_path: Path | None, out_file: Path | None):
    """Trends over the built periods: a workbook, and a short table of departments.

    \b
    history.xlsx holds 员工趋势 (each employee's total and grade per period),
    部门趋势 (each department's average per period, a live AVERAGEIFS over
    明细, with a line chart and a column chart of the latest period) and 明细
    (every recorded result), in the 语言 recorded with the latest period
    (Employee trends, Department trends, Records in English). The terminal
    shows the departments' averages over the latest periods.

    \b
    Examples:
      reporter history                      # output/reporter.sqlite → output/history.xlsx
      reporter history --out 绩效 --out-file 趋势-2026.xlsx
    """
    from reporter.frames import open_history  # pandas, loaded for this command only
    from reporter.writers.xlsx.trends import department_trends, render_trends

    history = open_history(db_path or out_dir / "reporter.sqlite")
    target = out_file or out_dir / "history.xlsx"
    write_bytes_atomic(target, render_trends(history))
    periods, trends = department_trends(history)
    shown = periods[-SHOWN_PERIODS:]
    click.echo(f"{len(periods)} 个考核期间（{periods[0]} 至 {periods[-1]}），{len({r.employee_id for r in history.rows})} 名员工"
               if periods else "历史记录中还没有已生成的考核期间")
    if trends:
        click.echo("部门平均分：" + "  ".join(shown))
        for trend in trends:
            values = [f"{a.quantize(CENT, ROUND_HALF_UP)}" if a is not None else "—" for a in trend.averages[-SHOWN_PERIODS:]]
            click.echo(f"  {trend.company}{trend.department}  " + "  ".join(values))
    click.echo(f"已写入 {target}")
