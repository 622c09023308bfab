"""The ``reporter`` command group, and how failures become messages and exit codes.

Exit codes: 0 ok, 1 failure (including refusing to overwrite), 2 bad input or
bad usage.  A traceback is shown only with ``--verbose``.
"""

from __future__ import annotations

import errno
import sqlite3
import sys
import traceback
from functools import wraps

import click

from reporter.errors import InputError, InputFileError, OutputExistsError, ReporterError, UsageError
from reporter.store.private import DatabaseUnavailableError, describe_failure

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2


def echo_problems(problems, label: str) -> None:
    for p in problems:
        click.echo(f"{label} {p}", err=True)


# What an operating-system failure means for the file it names, and what to do (errno -> text).
_FILE_FAILURES = {
    errno.ENOSPC: ("所在磁盘已满", "请释放磁盘空间后重新运行同一命令（或把输出放到另一个磁盘上）；已有的结果未受影响"),
    errno.EDQUOT: ("超出了磁盘配额", "请清理空间或请管理员提高配额后重新运行同一命令；已有的结果未受影响"),
    errno.EACCES: ("没有访问权限", "请确认你对该文件及其文件夹有读写权限，或用 --out / --db 指定你有权限的位置"),
    errno.EPERM: ("不允许此操作", "请确认你对该文件及其文件夹有读写权限，或用 --out / --db 指定你有权限的位置"),
    errno.EROFS: ("位于只读的磁盘上", "请用 --out / --db 指定可写的文件夹（不在只读磁盘、光盘或只读共享上）"),
    errno.ENOENT: ("不存在", "请检查路径的拼写，并确认其上级文件夹存在"),
    errno.ENOTDIR: ("的路径中有一段是文件而不是文件夹", "请检查 --out / --db 的路径，或移走挡路的同名文件"),
    errno.EISDIR: ("是文件夹，不是文件", "请给出文件的路径"),
    errno.EIO: ("读写时发生磁盘错误", "请检查磁盘或网络共享是否正常后重试"),
}


def file_failure(err: OSError) -> str:
    """An OSError as HR reads it: the file, what is wrong with it, and what to do."""
    name = err.filename if err.filename is not None else "（未知文件）"
    what, todo = _FILE_FAILURES.get(err.errno, (f"无法使用（{err.strerror or err}）", "请检查该文件后重试"))
    return f"文件错误：{name} {what}：{todo}"


def os_error_within(err: BaseException | None) -> OSError | None:
    """The OSError a library wrapped (xlsxwriter's FileCreateError holds one), or None."""
    seen = set()
    while err is not None and id(err) not in seen:
        seen.add(id(err))
        if isinstance(err, OSError):
            return err
        err = next((a for a in err.args if isinstance(a, OSError)), None) or err.__cause__ or err.__context__
    return None


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
    if isinstance(err, DatabaseUnavailableError):  # locked, read-only, full: names the file
        click.echo(f"数据库错误：{err}", err=True)
        return EXIT_FAILURE
    if isinstance(err, ReporterError):
        click.echo(f"{type(err).__name__}: {err}", err=True)
        return EXIT_FAILURE
    if isinstance(err, sqlite3.OperationalError):  # a database opened where its path is not known
        what, todo = describe_failure(str(err))
        click.echo(f"数据库错误：历史数据库（reporter.sqlite 或 --db 所指文件）{what}（{err}）：{todo}", err=True)
        return EXIT_FAILURE
    if (cause := os_error_within(err)) is not None:  # a full disk, a folder without write permission …
        click.echo(file_failure(cause), err=True)
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
