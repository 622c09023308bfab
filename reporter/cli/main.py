"""Command line: parse arguments, call one library function, print what happened.

Exit codes: 0 ok, 1 failure (including refusing to overwrite), 2 bad input.
"""

from __future__ import annotations

import os
import sys
import traceback
from datetime import datetime
from functools import wraps
from pathlib import Path

import click

from reporter.errors import InputError, InputFileError, OutputExistsError, ReporterError
from reporter.input.template import write_template
from reporter.input.validate import load_input
from reporter.pipeline import build as build_module
from reporter.writers.wording import flag_text, not_appraised_text, running

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2


def _echo_problems(problems, label: str) -> None:
    for p in problems:
        click.echo(f"{label} {p}", err=True)


def _report(err: Exception) -> int:
    """Print one failure the way HR reads it; return the exit code."""
    if isinstance(err, InputError):
        _echo_problems(err.problems, "错误")
        _echo_problems(err.warnings, "提示")
        click.echo(f"共 {len(err.problems)} 个问题，未写入任何文件。请修改输入后重试。", err=True)
        return EXIT_BAD_INPUT
    if isinstance(err, InputFileError):
        click.echo(f"错误 {err.problem}", err=True)
        return EXIT_BAD_INPUT
    if isinstance(err, OutputExistsError):
        click.echo(f"未生成：{err}", err=True)
        return EXIT_FAILURE
    if isinstance(err, ReporterError):
        click.echo(f"{type(err).__name__}: {err}", err=True)
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
            code = _report(err)
            if verbose:
                traceback.print_exc()
        sys.exit(code)

    return click.option("--verbose", "-v", is_flag=True, help="Show a traceback when something fails.")(wrapper)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="reporter")
def cli():
    """Appraisal results from one HR workbook: scores, grades, ranks, pay.

    \b
    A month's work, start to finish:
      reporter init 2026-10.xlsx          # a blank workbook with instructions
      (fill it in Excel: employees, plans, monthly data, ratings …)
      reporter validate 2026-10.xlsx      # every problem at once, with its cell
      reporter build 2026-10.xlsx         # scores → output/2026-10/
    """


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
@handle_errors
def init(path: Path, force: bool):
    """Write a blank, documented input workbook to PATH.

    \b
    It has an instructions sheet (说明), one sheet per kind of data with
    Chinese headers, a note on every header, drop-down lists for coded
    columns (类别, 评分方法, 方向 …) and two example rows per sheet.
    Replace the examples with your own data.

    \b
    Example:
      reporter init 考核-2026-10.xlsx
    """
    if path.exists() and not force:
        raise OutputExistsError(f"{path} 已存在，加 --force 覆盖")
    write_template(path)
    click.echo(f"已写入空白模板：{path}")


@cli.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@handle_errors
def validate(input_path: Path):
    """Check INPUT and list every problem, each with file › sheet › row › column.

    \b
    Nothing is computed or written. Exit status 0 when the workbook is
    ready to build, 2 when it has problems.

    \b
    Example:
      reporter validate sample_inputs/appraisal-2026-10.xlsx
    """
    inp = load_input(input_path)
    _echo_problems(inp.warnings, "提示")
    click.echo(f"{input_path}: 检查通过 — {inp.settings.company} {inp.settings.period.label}，"
               f"{len(inp.employees)} 名员工，{len(inp.plans)} 套考核方案。")


@cli.command("demo-data")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--employees", "-n", type=click.IntRange(20, 100_000), default=1000, show_default=True,
              help="How many employees the synthetic group has.")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same workbook, byte for byte.")
@click.option("--period", default="2026-10", show_default=True, help="The period the workbook is for.")
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
@handle_errors
def demo_data(path: Path, employees: int, seed: int, period: str, force: bool):
    """Write a synthetic but valid input workbook of a whole group to PATH.

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

    if path.exists() and not force:
        raise OutputExistsError(f"{path} 已存在，加 --force 覆盖")
    write_demo_workbook(path, employees=employees, seed=seed, period=period)
    click.echo(f"已写入 {employees} 名员工的示例工作簿：{path}")


@cli.command()
@click.argument("period_dir", metavar="OUTPUT_PERIOD_DIR",
                type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--send", is_flag=True, help="Send for real. Without it nothing is sent: the messages are written "
                                           "as OUTPUT_PERIOD_DIR/outbox/<工号>.eml for you to inspect.")
@click.option("--only", "only", multiple=True, metavar="ID", help="Only these employees (repeatable).")
@click.option("--attach", default="letter", show_default=True, metavar="KINDS",
              help="Attachments, comma-separated: letter, scorecard, agreement.")
@click.option("--test-to", metavar="ADDRESS", help="Rehearsal: send every message to this one HR address instead.")
@click.option("--resend-unknown", is_flag=True,
              help="Also resend messages whose connection dropped while sending (they may have arrived).")
@click.option("--retry-failed", is_flag=True, help="Also retry messages the server refused before (after a fix).")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="TOML file whose [smtp] table overrides the workbook's mail settings.")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Ledger database [default: the history database beside the period folder].")
@handle_errors
def email(period_dir, send, only, attach, test_to, resend_unknown, retry_failed, config_file, db_path):
    """E-mail each employee their own results, once.

    \b
    Dry run by default: every message is built and written as an .eml
    file, and nothing is sent. With --send, each message goes to that
    employee alone (no CC, no BCC), over verified TLS (STARTTLS or SSL).
    Every message is recorded in a ledger, so rerunning after any failure
    sends only what has not gone; one refused address does not stop the rest.

    \b
    Server settings come from the workbook's 设置 sheet (邮件服务器, 邮件端口,
    加密方式, 邮箱账号, 发件人, 每分钟发送上限) or a --config TOML file:
      [smtp]
      host = "smtp.exmail.qq.com"
      port = 465
      security = "ssl"
      user = "hr@example.com"
      sender = "hr@example.com"
    The password only from the environment: REPORTER_SMTP_PASSWORD.

    \b
    Examples:
      reporter email output/2026-10                          # dry run: .eml files
      reporter email output/2026-10 --send --test-to hr@example.com   # rehearsal
      reporter email output/2026-10 --send                   # for real
      reporter email output/2026-10 --send --only HZ0016 --attach letter,scorecard
    """
    from reporter.mail.config import PASSWORD_VARIABLE, load_config
    from reporter.mail.send import send_results
    from reporter.writers.manifest import read_manifest

    config = load_config(read_manifest(period_dir).mail, config_file)
    report = send_results(period_dir, config, send=send, only=only,
                          attach=[a.strip() for a in attach.split(",") if a.strip()], test_to=test_to,
                          resend_unknown=resend_unknown, retry_failed=retry_failed,
                          password=os.environ.get(PASSWORD_VARIABLE), db_path=db_path)
    if report.dry_run:
        for out in report.outgoing:
            files = "、".join(out.attachments) or "（无附件）"
            click.echo(f"  {out.recipient.employee_id} {out.recipient.name} → {out.to}：{files}")
        click.echo(f"已写入 {len(report.written)} 封邮件到 {period_dir / 'outbox'}（.eml）；未发送任何邮件，加 --send 发送。")
        return
    click.echo(f"已发送：{len(report.sent)} 封")
    for label, rows in (("跳过", report.skipped), ("被拒收", report.failed), ("待重试", report.retry)):
        if rows:
            click.echo(f"{label}：{len(rows)} 封")
            for eid, why in rows:
                click.echo(f"  {eid}：{why}")
    if report.unknown:
        click.echo(f"状态不明（连接在发送中断开，可能已送达）：{'、'.join(report.unknown)}")
    if report.stopped:
        click.echo(report.stopped, err=True)
    if report.failed or report.retry or report.unknown or report.stopped:
        sys.exit(EXIT_FAILURE)


class _Bar(build_module.Progress):
    def __init__(self):
        self.bar = None

    def start(self, stage, total):
        from tqdm import tqdm

        self.bar = tqdm(total=total, desc=stage, unit="人", disable=None, leave=False, file=sys.stderr)

    def advance(self, n=1):
        self.bar.update(n)

    def close(self):
        self.bar.close()


@cli.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
              show_default=True, help="Folder for the outputs; each period gets its own sub-folder.")
@click.option("--employee", "employee_ids", multiple=True, metavar="ID",
              help="Only write these employees' files (repeatable). Ranks still use everyone.")
@click.option("--department", "departments", multiple=True, metavar="NAME",
              help="Only this department's employees (repeatable): 客服部, or 华东公司-客服部 for one company's.")
@click.option("--only", "only", multiple=True, metavar="KINDS",
              help="Only these outputs: scorecards, letters, agreements, summary (comma-separated or repeated). "
                   "Replaces just those files; the history is not updated.")
@click.option("--force", is_flag=True, help="Replace this period's existing outputs. Other periods are never touched.")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="History database [default: OUT/reporter.sqlite].")
@click.option("--workers", type=click.IntRange(1, 256), default=None,
              help="Processes rendering the files [default: one per CPU core].")
@click.option("--shard", metavar="K/N", default=None,
              help="Render only shard K of N of the employees (split by ID, stable); combine with `reporter merge`.")
@handle_errors
def build(input_path: Path, out_dir: Path, employee_ids: tuple[str, ...], departments: tuple[str, ...],
          only: tuple[str, ...], force: bool, db_path: Path | None, workers: int | None, shard: str | None):
    """Validate INPUT, score every employee and write the period's results.

    \b
    Writes into OUT/<period>/:
      letters/<工号>.pdf                review letter (绩效考核结果确认书)
      agreements/<工号>.pdf             target-responsibility agreement (目标责任书)
      print/<kind>-<公司-部门>.pdf      print batches for duplex printing
      scorecards/<公司-部门>/<工号>.xlsx  one scorecard per appraised employee,
                                        live formulas with cached values
      summary.xlsx                      everyone, grade distribution, averages,
                                        payroll, not appraised, warnings
      payroll.csv                       UTF-8 with BOM, opens in Excel
      results/<工号>.json               every number with its formula
    and records the period in the history database so that next month's
    three-month rules can see it. An existing period is never overwritten
    without --force; a failed build leaves nothing behind.

    \b
    Formula cells are protected without a password; to set one, put it in
    the environment variable REPORTER_SHEET_PASSWORD (never in a file).

    \b
    Examples:
      reporter build sample_inputs/appraisal-2026-10.xlsx
      reporter build 2026-10.xlsx --out /srv/hr/appraisal --force
      reporter build 2026-10.xlsx --employee HZ0007 --employee HZ0012 --force
      reporter build 2026-10.xlsx --department 华东公司-客服部 --force
      reporter build 2026-10.xlsx --only letters,agreements --force
      reporter build 2026-10.xlsx --shard 1/4 --out /shared/shard-1   # on four machines,
      reporter merge 2026-10.xlsx /shared/shard-* --out output        # then combine
    """
    kinds = [k.strip() for value in only for k in value.split(",") if k.strip()]
    unknown = sorted(set(kinds) - set(build_module.KINDS))
    if unknown:
        raise click.BadParameter(f"{', '.join(unknown)}; choose from {', '.join(build_module.KINDS)}",
                                 param_hint="--only")
    report = build_module.build(input_path, out_dir, employee_ids=employee_ids, departments=departments,
                                only=kinds or None, force=force,
                                db_path=db_path, shard=_parse_shard(shard),
                                now=lambda: datetime.now().astimezone().isoformat(timespec="seconds"),
                                progress=_Bar(), sheet_password=os.environ.get("REPORTER_SHEET_PASSWORD", ""),
                                workers=workers)
    _print_summary(report)


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
@click.argument("input_path", metavar="INPUT", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("shard_dirs", metavar="SHARD_OUT_DIR...", nargs=-1, required=True,
                type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
              show_default=True, help="Folder for the combined period.")
@click.option("--force", is_flag=True, help="Replace this period's existing outputs.")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="History database [default: OUT/reporter.sqlite].")
@handle_errors
def merge(input_path: Path, shard_dirs: tuple[Path, ...], out_dir: Path, force: bool, db_path: Path | None):
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
    report = build_module.merge(input_path, shard_dirs, out_dir, force=force, db_path=db_path,
                                now=lambda: datetime.now().astimezone().isoformat(timespec="seconds"),
                                progress=_Bar(), sheet_password=os.environ.get("REPORTER_SHEET_PASSWORD", ""))
    _print_summary(report)


def _print_summary(report) -> None:
    result = report.result
    s = result.input.settings
    click.echo(f"{s.company} {s.period.label}")
    click.echo(f"  已评分：{len(result.appraised)} 人")
    if result.not_appraised:
        click.echo(f"  未参与考核：{len(result.not_appraised)} 人")
        for r in result.not_appraised:
            click.echo(f"    {r.employee.employee_id} {r.employee.name} — {not_appraised_text(r.not_appraised_reason)}")
    flagged = [r for r in result.appraised if r.flags]
    if flagged:
        click.echo(f"  {running(s.streak_months, s.period.kind)}规则：")
        for r in flagged:
            for flag in r.flags:
                click.echo(f"    {r.employee.employee_id} {r.employee.name} — {flag_text(flag, s.period.kind)}")
    if report.warnings:
        click.echo(f"  提示：{len(report.warnings)} 条")
        for w in report.warnings:
            click.echo(f"    {w}")
    for note in report.skipped:
        click.echo(f"  未生成：{note}")
    kind = "（部分生成，未更新历史记录）" if report.partial else ""
    click.echo(f"  已写入 {len(report.files)} 个文件到 {report.folder}{kind}")


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="reporter")


if __name__ == "__main__":
    main()
