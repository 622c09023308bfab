"""The ``reporter`` command group, and how failures become messages and exit codes.

Exit codes: 0 ok, 1 failure (including refusing to overwrite), 2 bad input or
bad usage.  A traceback is shown only with ``--verbose``.
"""

from __future__ import annotations

import sys
import traceback
from functools import wraps

import click

from reporter.errors import InputError, InputFileError, OutputExistsError, ReporterError, UsageError

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2


def echo_problems(problems, label: str) -> None:
    for p in problems:
        click.echo(f"{label} {p}", err=True)


def report_error(err: Exception) -> int:
    """Print one failure the way HR reads it; return the exit code."""
    if isinstance(err, InputError):
        echo_problems(err.problems, "错误")
        echo_problems(err.warnings, "提示")
        click.echo(f"共 {len(err.problems)} 个问题，未写入任何文件。请修改输入后重试。", err=True)
        return EXIT_BAD_INPUT
    if isinstance(err, InputFileError):
        click.echo(f"错误 {err.problem}", err=True)
        return EXIT_BAD_INPUT
    if isinstance(err, UsageError):
        click.echo(f"用法错误：{err}", err=True)
        return EXIT_BAD_INPUT
    if isinstance(err, OutputExistsError):
        click.echo(f"未生成：{err}", err=True)
        return EXIT_FAILURE
    if isinstance(err, ReporterError):
        click.echo(f"{type(err).__name__}: {err}", err=True)
        return EXIT_FAILURE
    if isinstance(err, OSError):  # a full disk, a folder without write permission …
        where = f"（{err.filename}）" if err.filename else ""
        click.echo(f"文件错误{where}：{err.strerror or err}", err=True)
        return EXIT_FAILURE
    click.echo(f"内部错误 {type(err).__name__}: {err}（加 --verbose 查看详情）", err=True)
    return EXIT_FAILURE


def handle_errors(func):
    """Turn library exceptions into messages and exit codes; tracebacks only with --verbose."""

    @wraps(func)
    def wrapper(*args, verbose: bool = False, **kwargs):
        try:
            return func(*args, **kwargs)
        except click.ClickException:
            raise  # usage errors: click prints them and exits 2
        except Exception as err:  # noqa: BLE001 - the last line of defence of a CLI
            code = report_error(err)
            if verbose:
                traceback.print_exc()
        sys.exit(code)

    return click.option("--verbose", "-v", is_flag=True, help="Show a traceback when something fails.")(wrapper)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="reporter")
def cli():
    """Appraisal results from one HR workbook: scores, grades, ranks, pay, documents, mail.

    \b
    A period's work, start to finish:
      reporter init 2026-10.xlsx          # a blank workbook with instructions
      (fill it in Excel: employees, plans, monthly data, ratings …)
      reporter plan 2026-10.xlsx          # at the start: agreements, tracking
                                          # scorecards → output/plans/2026-10/
      reporter validate 2026-10.xlsx      # every problem at once, with its cell
      reporter build 2026-10.xlsx         # scores, documents → output/2026-10/
      reporter email output/2026-10       # dry run: one .eml per employee
      reporter email output/2026-10 --send

    Run `reporter COMMAND --help` for a command's options and examples.
    """


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="reporter")
