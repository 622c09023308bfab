"""`reporter calibrate`: the grade mix against the target, outlier reviewers, performance pay against the budget."""

from __future__ import annotations

from pathlib import Path

import click

from reporter.pipeline.calibrate import calibrate_folder
from reporter.writers.calibration_report import calibration_lines
from reporter.writers.language import language

from .app import cli, handle_errors
from .options import period_dir_argument


@cli.command("calibrate")
@period_dir_argument
@handle_errors
def calibrate_command(period_dir: Path):
    """Calibration before the letters go out: warnings only, nothing changes.

    \b
    Reads a built period folder (manifest.json, results/*.json) and prints,
    against 设置 目标等级分布 and 校准容差: the grade mix of everyone, of each
    department and of each reviewer (直属上级), marked ↑/↓ where a share is
    further from its target than the tolerance; the reviewers of 3 or more
    people whose average rating or top/bottom grade share is out of line,
    with the reason; performance pay (个人绩效提成 + 公共绩效提成) per grade
    against 绩效工资预算. The summary workbook's 校准 sheet holds the same,
    live. Exit 0 whatever it finds: a person decides.

    \b
    Examples:
      reporter calibrate output/2026-10
      reporter calibrate 绩效/2026-Q3
    """
    manifest, facts = calibrate_folder(period_dir)
    lang = language(manifest.language)
    click.echo(f"{manifest.company} {manifest.period_label} {lang.inline('校准', 'Calibration')}")
    for line in calibration_lines(facts, lang):
        click.echo(line)
