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
    cluster_option,
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
@force_option("Replace files this run would write that exist already (this period's tracking scorecards). "
              "`build`'s OUT/<period>/ is never touched.")
@click.option("--reissue", is_flag=True,
              help="Issue new agreements even to those who have one on record for the term (a plan "
                   "re-signed mid-term); implies --force.")
@db_option()
@workers_option
@templates_option
@cluster_option
@handle_errors
def plan(input_path: Path, out_dir: Path, employee_ids: tuple[str, ...], departments: tuple[str, ...], force: bool,
         reissue: bool, db_path: Path | None, workers: int | None, templates: Path | None, cluster: str | None):
    """Open a period: agreements, amendments and tracking scorecards.

    \b
    INPUT needs only what a plan needs: 设置, 员工, 度量定义, 指标库, 考核方案
    (target changes included), 等级 and 岗位职责. The period's figures
    (月度数据, 考勤, 评分, 评语, 加减分) may be empty or absent; whatever they
    hold is ignored, so the month's workbook can be fed in as well.

    \b
    Run it at the start of every period. It compares the plan with what the
    history says was agreed for the agreement's term (设置 责任书期限: the
    period itself by default, or a quarter, half-year or year of monthly
    periods) and writes into OUT/plans/<term>/:
      agreements/<工号>.pdf          target-responsibility agreement (目标责任书), once
                                     per term: to whoever has none on record and is
                                     appraised this period (or named with --employee)
      addenda/<工号>-<n>.pdf         amendment No. n (变更补充协议) for targets changed
                                     since they were agreed: 考核方案's 原目标值 (the
                                     agreed target), 调整原因 and 批准人
      tracking/<期间>/<公司-部门>/<工号>.xlsx
                                     this period's tracking scorecard: targets, weights
                                     and formulas in place, the figures empty (yellow);
                                     type them in mid-period to see points, total and
                                     grade so far (未录入 until all are in)
      print/<期间>/agreements-<公司-部门>.pdf, addenda-<公司-部门>.pdf
                                     what this period issued, for duplex printing
      plan.json                      the term's files, employee by employee
    Any other change to an agreed plan (a target without its recorded change, a
    weight, a line added or removed) stops the run at its row: change it back,
    record it, or re-sign with --reissue. A run appears complete or not at all;
    what it issued goes into the history database, and `build` later checks
    the plan it scores against it.

    \b
    Examples:
      reporter plan 2026-10.xlsx                    # first month: agreements + tracking
      reporter plan 2026-11.xlsx                    # next month of a quarterly term:
                                                    # tracking, and addenda for changes
      reporter plan 2026-11.xlsx --employee HZ0007 --force   # a target changed mid-month
      reporter plan 2026-10.xlsx --department 第一分公司-客服部 --reissue
    """
    report = pipeline.plan(input_path, out_dir, employee_ids=split_list(employee_ids),
                           departments=split_list(departments), force=force, reissue=reissue,
                           progress=ProgressBar(), options=render_options(workers, templates, cluster), db_path=db_path)
    print_plan_summary(report)


def print_plan_summary(report: pipeline.PlanReport) -> None:
    """What the plan wrote, in the workbook's language."""
    s = report.result.input.settings
    lang = language(s.language)
    tracking = sum(1 for p in report.files if p.suffix == ".xlsx")
    click.echo(f"{s.company} {lang.period_label(s.period)}")
    agreements, addenda = len(report.agreements), len(report.addenda)
    click.echo(lang.say(f"  目标责任书：{agreements} 份", f"  Agreements: {agreements}"))
    if addenda:
        click.echo(lang.say(f"  变更补充协议：{addenda} 份", f"  Amendments: {addenda}"))
    click.echo(lang.say(f"  跟踪评分表：{tracking} 份", f"  Tracking scorecards: {tracking}"))
    units = sum(1 for p in report.files if p.parent.name == "agreements" and p.parent.parent.name == "units")
    if report.result.input.unit_plans:
        kept = len(report.result.input.unit_plans) - units
        click.echo(lang.say(f"  单位目标责任书：{units} 份" + (f"（另有 {kept} 份已签发，未重新生成；需要时加 --reissue）" if kept else ""),
                            f"  Unit agreements: {units}" + (f" ({kept} issued before, kept; --reissue to redo them)"
                                                             if kept else "")))
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
