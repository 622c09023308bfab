"""The command that opens a period: ``plan`` (agreements and tracking scorecards, before any figures)."""

from __future__ import annotations

from pathlib import Path

import click

from reporter.pipeline import plan as pipeline
from reporter.writers.language import language

from .app import cli, handle_errors
from .build import render_options
from .options import (
    ProgressBar,
    db_option,
    department_option,
    employee_option,
    force_option,
    input_argument,
    out_option,
    split_list,
    templates_option,
    workers_option,
)


@cli.command()
@input_argument
@out_option("Folder for the outputs; a plan goes into OUT/plans/<term>/ (设置 责任书期限; default the period).")
@employee_option
@department_option
@force_option("Replace this term's existing plan (a second period of the term re-signs). `build`'s OUT/<period>/ is never touched.")
@db_option()
@workers_option
@templates_option
@handle_errors
def plan(input_path: Path, out_dir: Path, employee_ids: tuple[str, ...], departments: tuple[str, ...], force: bool,
         db_path: Path | None, workers: int | None, templates: Path | None):
    """Open a period: write each employee's agreement and tracking scorecard.

    \b
    INPUT needs only what a plan needs: 设置, 员工, 度量定义, 指标库, 考核方案
    (target changes included), 等级 and 岗位职责. The period's figures
    (月度数据, 考勤, 评分, 评语, 加减分) may be empty or absent; whatever they
    hold is ignored, so the month's workbook can be fed in as well.

    \b
    Writes into OUT/plans/<term>/ (the agreement's term: 设置 责任书期限,
    the period itself by default; one agreement per term):
      agreements/<工号>.pdf                target-responsibility agreement (目标责任书)
      addenda/<工号>.pdf                   amendment (变更补充协议), for a plan whose
                                           考核方案 records a changed target
      tracking/<公司-部门>/<工号>.xlsx      tracking scorecard: targets, weights and
                                           formulas in place, the figures empty (yellow);
                                           type them in mid-period to see points,
                                           total and grade so far (未录入 until all are in)
      print/agreements-<公司-部门>.pdf      print batch for duplex printing
      plan.json                            what the plan holds
    An existing plan is never replaced without --force; a failed run leaves
    nothing behind. --employee/--department replace just those files.
    What was agreed (targets, weights, changes) is recorded in the history
    database; `build` later checks the plan it scores against it.

    \b
    Examples:
      reporter plan 2026-11.xlsx
      reporter plan 2026-11.xlsx --out /srv/hr/appraisal --force
      reporter plan 2026-11.xlsx --employee HZ0007 --force    # one amended plan
      reporter plan 2026-11.xlsx --department 第一分公司-客服部 --force
    """
    report = pipeline.plan(input_path, out_dir, employee_ids=split_list(employee_ids),
                           departments=split_list(departments), force=force, progress=ProgressBar(),
                           options=render_options(workers, templates), db_path=db_path)
    print_plan_summary(report)


def print_plan_summary(report: pipeline.PlanReport) -> None:
    """What the plan wrote, in the workbook's language."""
    s = report.result.input.settings
    lang = language(s.language)
    agreements = sum(1 for p in report.files if p.parent.name == "agreements")
    tracking = sum(1 for p in report.files if p.suffix == ".xlsx")
    click.echo(f"{s.company} {lang.period_label(s.period)}")
    click.echo(lang.say(f"  目标责任书：{agreements} 份", f"  Agreements: {agreements}"))
    addenda = sum(1 for p in report.files if p.parent.name == "addenda")
    if addenda:
        click.echo(lang.say(f"  变更补充协议：{addenda} 份", f"  Amendments: {addenda}"))
    click.echo(lang.say(f"  跟踪评分表：{tracking} 份", f"  Tracking scorecards: {tracking}"))
    warnings = report.result.input.warnings  # HR's problems with the input: in Chinese, as validation says them
    if warnings:
        click.echo(lang.say(f"  提示：{len(warnings)} 条", f"  Warnings: {len(warnings)}"))
        for w in warnings:
            click.echo(f"    {w}")
    for note in report.skipped:
        click.echo(lang.say(f"  未生成：{note}", f"  Not written: {note}"))
    if report.partial:
        click.echo(lang.say(f"  已写入 {len(report.files)} 个文件到 {report.folder}（部分生成）",
                            f"  Wrote {len(report.files)} files to {report.folder} (partial run)"))
    else:
        click.echo(lang.say(f"  已写入 {len(report.files)} 个文件到 {report.folder}",
                            f"  Wrote {len(report.files)} files to {report.folder}"))
