"""After the letters: ``confirm`` records the answers, ``status`` reports them, ``payroll`` pays what is settled."""

from __future__ import annotations

import getpass
import sys
from datetime import date, datetime
from pathlib import Path

import click

from reporter.input.confirm_sheet import read_answers
from reporter.pipeline.settle import period_standing
from reporter.store.atomic import write_bytes_atomic
from reporter.store.confirmations import record_answers
from reporter.store.journal import complete_pending
from reporter.writers.language import ZH
from reporter.writers.manifest import read_manifest
from reporter.writers.settled_payroll import render_settled_payroll
from reporter.writers.wording import policy_words, state_words
from reporter.writers.xlsx.status import (
    render_confirm_template,
    render_status,
    status_header,
    status_heading,
    status_rows,
)
from reporter.writers.xlsx.style import display_width

from .app import EXIT_FAILURE, cli, echo_problems, handle_errors
from .options import db_option, echo_recovered, out_file_option, period_dir_argument

RESULT_WORDS = {"confirmed": "无异议", "appealed": "有异议", "no_reply": "未回"}


def _db(period_dir: Path, db_path: Path | None) -> Path:
    """The history of the period, with whatever a dead build left pending completed first."""
    db = db_path or period_dir.parent / "reporter.sqlite"
    echo_recovered(complete_pending(period_dir.parent, db))
    return db




def as_of_option(func):
    return click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                        metavar="YYYY-MM-DD",
                        help="Judge what is overdue as of this day [default: today].")(func)


def aligned(rows: list[list]) -> list[str]:
    """A table for the terminal: the first column left-aligned, the counts right-aligned, CJK counted double."""
    cells = [[str(v) for v in row] for row in rows]
    widths = [max(display_width(row[i]) for row in cells) for i in range(len(cells[0]))]
    return ["  ".join(v + " " * (w - display_width(v)) if i == 0 else " " * (w - display_width(v)) + v
                      for i, (v, w) in enumerate(zip(row, widths, strict=True))) for row in cells]


def _day(as_of: datetime | None) -> date:
    return as_of.date() if as_of else date.today()


@cli.command()
@period_dir_argument
@click.argument("sheet_path", metavar="FILE.xlsx", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--recorded-by", "recorded_by", metavar="NAME", default=None,
              help="Who records these answers, kept with each row [default: your login name].")
@db_option()
@handle_errors
def confirm(period_dir, sheet_path, recorded_by, db_path):
    """Record the employees' answers to their letters from a 确认 sheet.

    \b
    FILE.xlsx holds a sheet 确认 (confirmations): 工号, 姓名, 校验码, 结果
    (无异议 / 有异议 / 未回), 日期, 申诉理由, 处理结果 (维持原结果 / 更正),
    处理说明; only 工号 and 结果 are required. `reporter status
    PERIOD_DIR --confirm-template FILE.xlsx` writes it pre-filled.
    Every row is checked first and every problem reported at once with
    its sheet, row and column; nothing is recorded unless all are right.
    A later import adds to the record: the latest answer counts.

    \b
    Example:
      reporter confirm output/2026-10 确认-2026-10.xlsx --recorded-by 人事专员
    """
    manifest = read_manifest(period_dir)
    db = _db(period_dir, db_path)
    answers, warnings = read_answers(sheet_path, manifest, db, date.today())
    who = recorded_by or getpass.getuser()
    record_answers(db, manifest.period, answers, recorded_by=who,
                   recorded_at=datetime.now().astimezone().isoformat(timespec="seconds"))
    echo_problems(warnings, "提示")
    counts = "、".join(f"{word} {sum(a.result == key for a in answers)}" for key, word in RESULT_WORDS.items())
    click.echo(f"已登记 {len(answers)} 条答复（{counts}），登记人 {who}。")


@cli.command()
@period_dir_argument
@out_file_option("X.xlsx", "Also write the report as a workbook HR can forward to managers.")
@click.option("--confirm-template", "template", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="FILE.xlsx", help="Write the period's 确认 sheet, pre-filled, for `reporter confirm`.")
@as_of_option
@db_option()
@handle_errors
def status(period_dir, out_file, template, as_of, db_path):
    """How far the period's letters are settled: issued, sent, confirmed, appealed, pending, overdue.

    \b
    Per department and in total, then who still waits for an answer or a
    decision, and the weak grades (failing, or a pay coefficient below
    100%) with no interview (面谈日期) on record. After the appeal
    deadline an unanswered letter is overdue; 设置 逾期未回 says whether
    it counts as confirmed (视为确认) or is escalated (上报).

    \b
    Examples:
      reporter status output/2026-10
      reporter status output/2026-10 --out-file 确认状态-2026-10.xlsx
      reporter status output/2026-10 --confirm-template 确认-2026-10.xlsx
    """
    db = _db(period_dir, db_path)
    standing = period_standing(period_dir, db, _day(as_of))
    click.echo(status_heading(standing, ZH))  # the terminal speaks Chinese; the workbooks follow 语言
    for line in aligned([status_header(ZH, " "), *status_rows(standing, ZH)]):
        click.echo(line)
    waiting = [s for s in standing.standings if not s.settled]
    if waiting:
        click.echo("待处理：")
        for s in waiting:
            click.echo(f"  {s.recipient.employee_id} {s.recipient.name}：{state_words(s.state)}")
    for s in standing.needing_interview():
        click.echo(f"待面谈：{s.recipient.employee_id} {s.recipient.name}（等级偏低，评语表未填写面谈日期）")
    if out_file:
        write_bytes_atomic(out_file, render_status(standing))
        click.echo(f"已写入 {out_file}")
    if template:
        write_bytes_atomic(template, render_confirm_template(standing, db))
        click.echo(f"已写入确认表 {template}：填写后运行 reporter confirm {period_dir} {template}")


@cli.command()
@period_dir_argument
@click.option("--allow-pending", is_flag=True,
              help="Write the file even if some are not settled: they are marked, and a disputed figure is "
                   "withheld (see docs/confirm.md).")
@out_file_option("X.csv", "Where to write [default: PERIOD_DIR/payroll-settled.csv].")
@as_of_option
@db_option()
@handle_errors
def payroll(period_dir, allow_pending, out_file, as_of, db_path):
    """Write the file payroll imports, only once every appraised result is settled.

    \b
    Settled: confirmed (无异议), an appeal rejected (维持原结果), or no
    answer past the appeal deadline when 设置 逾期未回 is 视为确认.
    Otherwise exit 1 naming who is pending, and write nothing; with
    --allow-pending the file is written with a 确认状态 column, and an
    open appeal's grade-dependent pay is withheld, never paid silently.

    \b
    Examples:
      reporter payroll output/2026-10
      reporter payroll output/2026-10 --allow-pending --out-file 工资-2026-10.csv
    """
    standing = period_standing(period_dir, _db(period_dir, db_path), _day(as_of))
    unsettled = standing.unsettled()
    for s in unsettled:
        click.echo(f"未结清：{s.recipient.employee_id} {s.recipient.name}：{state_words(s.state)}", err=True)
    if unsettled and not allow_pending:
        click.echo(f"{len(unsettled)} 人的结果尚未确认（逾期未回：{policy_words(standing.policy)}），未写入工资文件；"
                   "待确认后重试，或加 --allow-pending 写入并标明待确认的人。", err=True)
        sys.exit(EXIT_FAILURE)
    target = out_file or period_dir / "payroll-settled.csv"
    write_bytes_atomic(target, render_settled_payroll(standing))
    note = f"，其中 {len(unsettled)} 人未结清（见 确认状态 列）" if unsettled else ""
    click.echo(f"已写入工资文件 {target}{note}。")
