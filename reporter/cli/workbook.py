"""Commands about the input workbook: ``init``, ``validate`` and ``demo-data``."""

from __future__ import annotations

from pathlib import Path

import click

from reporter.errors import OutputExistsError, UsageError
from reporter.input.template import write_template
from reporter.input.validate import load_input
from reporter.pipeline.build import check_agreed
from reporter.writers.language import LANGUAGES, language

from .app import cli, echo_problems, handle_errors
from .options import db_option, force_option, input_argument


def _new_workbook_path(path: Path, force: bool) -> None:
    """A workbook reporter writes must be .xlsx (Excel would refuse it otherwise) and not replace one by accident."""
    if path.suffix.lower() != ".xlsx":
        raise UsageError(f"{path}：请用 .xlsx 结尾的文件名，例如 {path.with_suffix('.xlsx').name}")
    if path.exists() and not force:
        raise OutputExistsError(f"{path} 已存在，加 --force 覆盖")


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--language", "language_code", type=click.Choice(LANGUAGES), default="zh", show_default=True,
              help="The workbook's 语言 setting: zh, en (example rows in English) or zh-en (bilingual documents).")
@force_option("Overwrite PATH if it exists.")
@handle_errors
def init(path: Path, language_code: str, force: bool):
    """Write a blank, documented input workbook to PATH (.xlsx).

    \b
    It has an instructions sheet (说明), one sheet per kind of data with
    Chinese headers, a note on every header, drop-down lists for coded
    columns (类别, 评分方法, 方向 …) and two example rows per sheet.
    Replace the examples with your own data, then run `reporter validate`.
    --language sets the 语言 row (the documents' language); with en the
    example rows and policy words are in English too.

    \b
    Examples:
      reporter init 考核-2026-10.xlsx
      reporter init --language en appraisal-2026-10.xlsx
    """
    _new_workbook_path(path, force)
    write_template(path, language_code)
    click.echo(language(language_code).say(f"已写入空白模板：{path}", f"Wrote a blank workbook: {path}"))


@cli.command()
@input_argument
@db_option("History database to hold the plan to what was agreed with `reporter plan` (as build does); "
           "without it that check is skipped.")
@handle_errors
def validate(input_path: Path, db_path: Path | None):
    """Check INPUT and list every problem, each with file › sheet › row › column.

    \b
    Nothing is computed or written. Exit status 0 when the workbook is
    ready to build, 2 when it has problems. With --db the plan is also
    checked against what was agreed, as `reporter build` checks it.

    \b
    Example:
      reporter validate sample_inputs/appraisal-2026-10.xlsx
      reporter validate appraisal-2026-10.xlsx --db output/reporter.sqlite
    """
    inp = load_input(input_path)
    if db_path:
        inp = check_agreed(inp, db_path)
    echo_problems(inp.warnings, "提示")
    s, lang = inp.settings, language(inp.settings.language)
    units = lang.say(f"，{len(inp.units)} 个单位、{len(inp.unit_plans)} 套单位方案",
                     f", {len(inp.units)} units with {len(inp.unit_plans)} unit plans") if inp.units else ""
    click.echo(lang.say(f"{input_path}: 检查通过 — {s.company} {s.period.label}，"
                        f"{len(inp.employees)} 名员工，{len(inp.plans)} 套考核方案{units}。",
                        f"{input_path}: ready to build — {s.company}, {lang.period_label(s.period)}, "
                        f"{len(inp.employees)} employees, {len(inp.plans)} appraisal plan{'' if len(inp.plans) == 1 else 's'}"
                        f"{units}."))


@cli.command("demo-data")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--employees", "-n", type=click.IntRange(20, 100_000), default=1000, show_default=True,
              help="How many employees the synthetic group has.")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same workbook, byte for byte.")
@click.option("--period", default="2026-10", show_default=True, help="The period the workbook is for.")
@force_option("Overwrite PATH if it exists.")
@handle_errors
def demo_data(path: Path, employees: int, seed: int, period: str, force: bool):
    """Write a synthetic but valid input workbook of a whole group to PATH (.xlsx).

    \b
    Regional companies with five departments each, all five roles with their
    KPIs, directors with annual plans, commission pools, history, and a few
    edge cases (absent staff, zero denominators, formula-like names). For
    trying reporter at scale and for benchmarks.

    \b
    Example:
      reporter demo-data --employees 10000 --seed 7 group-10k.xlsx
      reporter build group-10k.xlsx --out /tmp/out
    """
    from reporter.samples.demo_data import write_demo_workbook

    _new_workbook_path(path, force)
    write_demo_workbook(path, employees=employees, seed=seed, period=period)
    click.echo(f"已写入 {employees} 名员工的示例工作簿：{path}")
