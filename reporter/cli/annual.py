"""`reporter annual YEAR`: the year-end roll-up from the history (篇八 7)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from reporter.pipeline import annual as pipeline
from reporter.pipeline.build import source_date
from reporter.writers.language import language
from reporter.writers.wording import money

from .app import cli, handle_errors
from .options import (
    ProgressBar,
    check_choices,
    db_option,
    force_option,
    out_option,
    split_list,
    templates_option,
    workers_option,
)

LISTED = 20  # names printed per list; the workbook holds everyone


@cli.command("annual")
@click.argument("year", type=click.IntRange(1950, 2100))
@out_option("The output folder of `reporter build`: its reporter.sqlite, and where annual/<YEAR>/ goes.")
@db_option()
@click.option("--only", "only", multiple=True, metavar="KINDS",
              help=f"Only these outputs: {', '.join(pipeline.ANNUAL_KINDS)} (comma-separated or repeated; default: "
                   "both). Replaces just those files.")
@force_option("Replace the year's existing outputs.")
@click.option("--appeal-deadline", "appeal_deadline", type=click.DateTime(["%Y-%m-%d"]), default=None,
              metavar="YYYY-MM-DD", help="The letters' appeal deadline [default: 设置 年度申诉截止日期, else the "
                                         "year's latest period's 申诉截止日期].")
@workers_option
@templates_option
@handle_errors
def annual_command(year: int, out_dir: Path, db_path: Path | None, only: tuple[str, ...], force: bool,
                   appeal_deadline: datetime | None, workers: int | None, templates: Path | None):
    """Roll the year up from the history: annual score, grade, year-end bonus, promotion candidates.

    \b
    Writes into OUT/annual/<YEAR>/:
      annual.xlsx            年度汇总 (each employee's periods, annual score and
                             grade, months appraised, eligibility, bonus,
                             promotion candidate), 等级与晋升, 参数 — live formulas
      letters/<工号>.pdf     the annual result letter, the employee's own figures
    The rules (年度得分方式, 季度权重, 年度最少考核月数, 年终奖预算, 晋升连续期数,
    晋升等级) are the settings recorded with the year's latest built period.
    An existing year is never overwritten without --force.

    \b
    Examples:
      reporter annual 2026
      reporter annual 2026 --only workbook --force
      reporter annual 2026 --out /srv/hr/appraisal --appeal-deadline 2027-01-31
    """
    import os

    kinds = check_choices(split_list(only), pipeline.ANNUAL_KINDS, "--only")
    report = pipeline.annual(year, out_dir, db_path=db_path, only=kinds or None, force=force, progress=ProgressBar(),
                             created=source_date(os.environ), templates=templates,
                             appeal_deadline=appeal_deadline.date() if appeal_deadline else None, workers=workers)
    print_annual(report)


def _names(rows, why=lambda r: "") -> None:
    for r in rows[:LISTED]:
        click.echo(f"    {r.employee_id} {r.name}{why(r)}")
    if len(rows) > LISTED:
        click.echo(f"    … (+{len(rows) - LISTED})")


def print_annual(report: pipeline.AnnualReport) -> None:
    """What was rolled up, written and skipped, and why, in the company's prose language."""
    result, say = report.result, language(report.result.policy.language).say
    p = result.policy
    rows = result.rows
    graded = [r for r in rows if r.grade is not None]
    click.echo(f"{p.company} {say(f'{result.year}年度', str(result.year))}")
    click.echo(say(f"  汇总期间：{'、'.join(result.periods)}（设置取自 {p.source}）",
                   f"  Periods: {', '.join(result.periods)} (settings of {p.source})"))
    if result.ignored:
        click.echo(say(f"  未汇总（期间类型不同）：{'、'.join(result.ignored)}",
                       f"  Not rolled up (another kind of period): {', '.join(result.ignored)}"))
    click.echo(say(f"  员工：{len(rows)} 人，评定年度等级 {len(graded)} 人", f"  Employees: {len(rows)}, graded {len(graded)}"))
    eligible = [r for r in rows if r.eligible]
    click.echo(say(f"  年终奖：{len(eligible)} 人，合计 {money(result.bonus_total)}",
                   f"  Year-end bonus: {len(eligible)} people, total {money(result.bonus_total)}"))
    if p.budget is not None and not result.bonus_total:
        click.echo(say(f"    预算 {money(p.budget)} 未分配：无人符合发放条件", f"    budget {money(p.budget)} not shared: "
                       "nobody qualifies"))
    elif p.budget is not None:
        click.echo(say(f"    预算 {money(p.budget)}，舍入余差 {money(result.residue)}",
                       f"    budget {money(p.budget)}, rounding residue {money(result.residue)}"))
    missing = [r for r in eligible if r.bonus_base is None]
    if missing:
        click.echo(say(f"  没有年终奖基数（该年的期间由旧版本记录）：{len(missing)} 人，年终奖计 0",
                       f"  No bonus base recorded (periods recorded by an older version): {len(missing)}, bonus 0"))
        _names(missing)
    if report.not_eligible:
        click.echo(say(f"  不发年终奖：{len(report.not_eligible)} 人", f"  No year-end bonus: {len(report.not_eligible)}"))
        _names(list(report.not_eligible), lambda r: say(
            f" — 全年考核 {r.months_appraised} 个月，少于 {p.min_months} 个月" if r.grade else " — 本年度没有已评分的期间",
            f" — appraised {r.months_appraised} months, fewer than {p.min_months}" if r.grade
            else " — no scored period this year"))
    candidates = [r for r in rows if r.promotion_candidate]
    click.echo(say(f"  晋升候选（连续 {p.promotion_periods} 期 {'/'.join(p.top_grades)}，仅供人事参考）：{len(candidates)} 人",
                   f"  Promotion candidates ({p.promotion_periods} in a row of {'/'.join(p.top_grades)}, for HR "
                   f"only): {len(candidates)}"))
    _names(candidates)
    if report.skipped:
        click.echo(say(f"  未生成通知书：{len(report.skipped)} 人（本年度没有已考核的期间）",
                       f"  No letter: {len(report.skipped)} (no appraised period this year)"))
        _names(list(report.skipped))
    click.echo(say(f"  已写入 {len(report.files)} 个文件到 {report.folder}",
                   f"  Wrote {len(report.files)} files to {report.folder}"))
