"""Commands that produce a period's outputs: ``build`` and ``merge``."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import click

from reporter.input.columns import LEVELS
from reporter.pipeline import build as pipeline
from reporter.pipeline.render import KINDS
from reporter.rules.alignment import alignment, unsupported
from reporter.writers.language import language
from reporter.writers.wording import flag_text, not_appraised_text, period_streak, running

from .app import cli, handle_errors
from .options import (
    ProgressBar,
    check_choices,
    cluster_option,
    db_option,
    department_option,
    employee_option,
    force_option,
    input_argument,
    out_option,
    reissue_options,
    split_list,
    templates_option,
    workers_option,
)

SHEET_PASSWORD_VARIABLE = "REPORTER_SHEET_PASSWORD"


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def render_options(workers: int | None, templates: Path | None, cluster: str | None = None) -> pipeline.RenderOptions:
    """Rendering options: the template folder, and from the environment the sheet password and SOURCE_DATE_EPOCH."""
    return pipeline.RenderOptions(workers=workers, sheet_password=os.environ.get(SHEET_PASSWORD_VARIABLE, ""),
                                  created=pipeline.source_date(os.environ), templates=templates, cluster=cluster)


def _parse_shard(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    try:
        k, n = (int(part) for part in text.split("/"))
    except ValueError:
        raise click.BadParameter("write it as K/N, e.g. 2/4", param_hint="--shard") from None
    if not 1 <= k <= n:
        raise click.BadParameter(f"{text}: K must be between 1 and N", param_hint="--shard")
    return k, n


@cli.command()
@input_argument
@out_option()
@employee_option
@department_option
@click.option("--only", "only", multiple=True, metavar="KINDS",
              help=f"Only these outputs: {', '.join(KINDS)} (comma-separated or repeated; default: all but "
                   "agreements). Replaces just those files; the history is not updated.")
@force_option("Replace this period's existing outputs. Other periods are never touched.")
@db_option()
@workers_option
@templates_option
@click.option("--shard", metavar="K/N", default=None,
              help="Render only shard K of N of the employees (split by ID, stable); combine with `reporter merge`.")
@cluster_option
@reissue_options
@handle_errors
def build(input_path: Path, out_dir: Path, employee_ids: tuple[str, ...], departments: tuple[str, ...],
          only: tuple[str, ...], force: bool, db_path: Path | None, workers: int | None, templates: Path | None,
          shard: str | None, cluster: str | None, change_reason: str, approved_by: str):
    """Validate INPUT, score every employee and write the period's results.

    \b
    Writes into OUT/<period>/:
      letters/<工号>.pdf                review letter (绩效考核结果确认书)
      print/letters-<公司-部门>.pdf     print batches for duplex printing
      scorecards/<公司-部门>/<工号>.xlsx  one scorecard per appraised employee,
                                        live formulas with cached values
      summary.xlsx                      everyone, grade distribution, averages,
                                        payroll, not appraised, warnings
      payroll.csv                       UTF-8 with BOM, opens in Excel
      results/<工号>.json               every number with its formula
      manifest.json                     what the period holds (read by `email`)
    and records the period in the history database so that later periods'
    streak rules can see it. An existing period is never overwritten
    without --force; a failed build leaves nothing behind.

    \b
    Every letter carries a verification code and QR code (`reporter verify`).
    A rebuild with unchanged figures keeps each letter's version and code; a
    letter whose figures changed (an upheld appeal, a corrected input) is
    issued as its next version, which needs --change-reason and
    --approved-by and prints a change note. `--employee X --force`
    re-issues X alone, unless that would change anyone else's figures.

    \b
    Agreements (目标责任书) are issued at the start of the period by
    `reporter plan` (OUT/plans/<term>/agreements/). `--only agreements`
    renders them again here, into agreements/<工号>.pdf and
    print/agreements-<公司-部门>.pdf: for the appraised, and for
    someone not appraised only when named with --employee.

    \b
    Formula cells are protected without a password; to set one, put it in
    the environment variable REPORTER_SHEET_PASSWORD (never in a file).
    SOURCE_DATE_EPOCH, when set, dates every PDF and workbook.

    \b
    Examples:
      reporter build sample_inputs/appraisal-2026-10.xlsx
      reporter build 2026-10.xlsx --out /srv/hr/appraisal --force
      reporter build 2026-10.xlsx --employee HZ0007,HZ0012 --force
      reporter build 2026-10.xlsx --employee HZ0016 --force \\
          --change-reason "申诉成立：客户满意度数据更正" --approved-by 王经理
      reporter build 2026-10.xlsx --department 第一分公司-客服部 --force
      reporter build 2026-10.xlsx --only letters,agreements --force
      reporter build 2026-10.xlsx --only agreements --employee HZ0016 --force
      reporter build 2026-10.xlsx --templates ./our-templates --force   # own layout
      reporter build 2026-10.xlsx --shard 1/4 --out /shared/shard-1   # on four machines,
      reporter merge 2026-10.xlsx /shared/shard-* --out output        # then combine
      reporter build 2026-10.xlsx --cluster tcp://10.0.0.5:8786       # on a Dask cluster
    """
    kinds = check_choices(split_list(only), KINDS, "--only")
    report = pipeline.build(input_path, out_dir, employee_ids=split_list(employee_ids),
                            departments=split_list(departments), only=kinds or None, force=force,
                            db_path=db_path, shard=_parse_shard(shard), now=_now, progress=ProgressBar(),
                            options=render_options(workers, templates, cluster), change_reason=change_reason,
                            approved_by=approved_by)
    print_summary(report)


@cli.command()
@input_argument
@click.argument("shard_dirs", metavar="SHARD_OUT_DIR...", nargs=-1, required=True,
                type=click.Path(exists=True, file_okay=False, path_type=Path))
@out_option("Folder for the combined period.")
@force_option("Replace this period's existing outputs. Other periods are never touched.")
@db_option()
@templates_option
@reissue_options
@handle_errors
def merge(input_path: Path, shard_dirs: tuple[Path, ...], out_dir: Path, force: bool, db_path: Path | None,
          templates: Path | None, change_reason: str, approved_by: str):
    """Combine the outputs of `build --shard K/N` runs into one period.

    \b
    Every employee's files must come from one of the shard folders; the
    print batches, summary workbook, payroll and manifest are then written
    for everyone, and the period is recorded in the history, exactly as a
    single full build would have done.

    \b
    Example:
      reporter build 2026-10.xlsx --shard 1/2 --out /tmp/s1
      reporter build 2026-10.xlsx --shard 2/2 --out /tmp/s2
      reporter merge 2026-10.xlsx /tmp/s1 /tmp/s2 --out output
    """
    report = pipeline.merge(input_path, shard_dirs, out_dir, force=force, db_path=db_path, now=_now,
                            progress=ProgressBar(), options=render_options(1, templates),
                            change_reason=change_reason, approved_by=approved_by)
    print_summary(report)


def print_units(result, lang) -> None:
    """The units' scores (篇七), each with its grade and rank among its peers, and the KPIs no one supports."""
    scored = [u for u in result.units if u.scored]
    click.echo(lang.say(f"  单位：{len(scored)} 个已评分（共 {len(result.units)} 个）",
                        f"  Units: {len(scored)} scored (of {len(result.units)})"))
    for u in result.units:
        level = lang.say(LEVELS[u.unit.level][0], LEVELS[u.unit.level][1])
        if u.scored:
            click.echo(f"    {u.unit.code} {u.unit.name}（{level}）{u.total:f} {u.grade.grade} "
                       f"{lang.say('排名', 'rank')} {u.rank}/{u.peers}")
        else:
            click.echo(f"    {u.unit.code} {u.unit.name}（{level}）— {lang.say('本期没有方案', 'no plan for this period')}")
    nobody = unsupported(alignment(result.input), result.input)
    if nobody:
        codes = "、".join(f"{a.unit}/{a.line.code}" for a in nobody)
        click.echo(lang.say(f"  无下级支撑的 KPI：{len(nobody)} 项（{codes}），见汇总表「目标对齐」",
                            f"  KPIs no lower line supports: {len(nobody)} ({codes}); see the summary's Alignment sheet"))


def print_summary(report: pipeline.BuildReport) -> None:
    """What was written and skipped, and why: the last thing a build prints, in the workbook's prose language.

    The warnings and skipped notes are HR's problems with the input: they stay in Chinese, as validation does.
    """
    result = report.result
    s = result.input.settings
    lang = language(s.language)
    prose, kind = lang.prose, s.period.kind
    click.echo(f"{s.company} {lang.period_label(s.period)}")
    click.echo(lang.say(f"  已评分：{len(result.appraised)} 人", f"  Scored: {len(result.appraised)}"))
    if result.not_appraised:
        click.echo(lang.say(f"  未参与考核：{len(result.not_appraised)} 人", f"  Not appraised: {len(result.not_appraised)}"))
        for r in result.not_appraised:
            click.echo(f"    {r.employee.employee_id} {r.employee.name} — "
                       f"{not_appraised_text(r.not_appraised_reason, prose)}")
    flagged = [r for r in result.appraised if r.flags]
    if flagged:
        click.echo(lang.say(f"  {running(s.streak_months, kind)}规则：",
                            f"  Streak rules ({period_streak(s.streak_months, kind, prose)}):"))
        for r in flagged:
            for flag in r.flags:
                click.echo(f"    {r.employee.employee_id} {r.employee.name} — {flag_text(flag, kind, prose)}")
    if result.units:
        print_units(result, lang)
    if report.warnings:
        click.echo(lang.say(f"  提示：{len(report.warnings)} 条", f"  Warnings: {len(report.warnings)}"))
        for w in report.warnings:
            click.echo(f"    {w}")
    for note in report.skipped:
        click.echo(lang.say(f"  未生成：{note}", f"  Not written: {note}"))
    if report.reissued:
        who = "、".join(report.reissued)
        click.echo(lang.say(f"  重新签发的确认书（新版本，须重新确认）：{who}",
                            f"  Letters re-issued as a new version (to be confirmed again): {who}"))
    if report.partial and report.reissued:
        click.echo(lang.say(f"  已写入 {len(report.files)} 个文件到 {report.folder}（部分生成；更正后的结果已记入历史记录）",
                            f"  Wrote {len(report.files)} files to {report.folder} "
                            "(partial build; the corrected results are in the history)"))
    elif report.partial:
        click.echo(lang.say(f"  已写入 {len(report.files)} 个文件到 {report.folder}（部分生成，历史记录中的结果未变）",
                            f"  Wrote {len(report.files)} files to {report.folder} "
                            "(partial build: the results in the history are unchanged)"))
    else:
        click.echo(lang.say(f"  已写入 {len(report.files)} 个文件到 {report.folder}",
                            f"  Wrote {len(report.files)} files to {report.folder}"))
    if report.kept:
        click.echo(lang.say(f"  已保留 outbox/：{len(report.kept)} 封邮件（reporter email 的预览，仍是重新生成之前的结果；"
                            "发送前请再运行一次 reporter email 更新）",
                            f"  Kept outbox/: {len(report.kept)} messages (the preview `reporter email` wrote, still "
                            "of the results before this rebuild; run `reporter email` again before sending)"))
