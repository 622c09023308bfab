"""``reporter verify``: is this letter or agreement the current version, unaltered, and what does it state?"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import click

from reporter.pipeline.build import DEFAULT_DB_NAME
from reporter.store.documents import IssuedDocument, Verification
from reporter.writers.pdf.verification import verify as verify_document
from reporter.writers.wording import money

from .app import EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK, cli, handle_errors
from .options import db_option, out_option

KIND_NAMES = {"letter": "绩效考核结果确认书", "agreement": "目标责任书"}
STATUS_TEXT = {"current": "当前有效版本", "superseded": "已作废：已被新版本取代", "altered": "文件已被改动：与签发时的文件不一致",
               "unknown": "记录中没有这个校验码：文件可能是伪造的，或校验码输错了"}


def figure_lines(document: IssuedDocument) -> list[str]:
    """The figures the document states, as HR reads them."""
    f = document.figures
    if document.kind == "agreement":
        return [f"  期限 {f.get('term', '')} · 提成比例 {f.get('commission_rate') or '—'}",
                *(f"    {ln['item']}：权重 {ln['weight']}，目标 {ln['target'] if ln['target'] is not None else '—'}"
                  for ln in f.get("lines", []))]
    pay = f.get("pay", {})
    lines = []
    if f.get("appraised"):
        lines.append(f"  总分 {_d(f['total']):.2f} · 等级 {f['grade']} · 部门排名 {f['department_rank']} / "
                     f"{f['department_size']} · 岗位排名 {f['role_rank']} / {f['role_size']}")
    else:
        lines.append("  本期未参与考核")
    lines.append(f"  应发合计 {money(_d(pay['total']))}（岗位工资 {money(_d(pay['position_pay']))}，个人绩效提成 "
                 f"{money(_d(pay['personal_commission']))}，公共绩效提成 {money(_d(pay['shared_commission']))}，"
                 f"工龄工资 {money(_d(pay['seniority_pay']))}，一次性奖励 {money(_d(pay['one_time_bonus']))}）")
    lines += [f"    {ln['item']}：{ln['points'] if ln['points'] is not None else '—'} 分" for ln in f.get("lines", [])]
    return lines


def _d(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def describe(found: Verification) -> list[str]:
    d = found.document
    if d is None:
        return [f"校验码 {found.code}", f"  {STATUS_TEXT['unknown']}"]
    out = [f"校验码 {d.code}",
           f"  期间 {d.period} · 工号 {d.employee_id} · {KIND_NAMES[d.kind]} 第 {d.version} 版（签发于 {d.issued_on}）"]
    status = found.status
    if status == "superseded":
        out.append(f"  {STATUS_TEXT[status]}（当前为第 {found.current.version} 版，校验码 {found.current.code}）")
    else:  # an altered file is still of the current version: the file line below says what is wrong
        out.append(f"  {STATUS_TEXT['current']}")
    if found.file_matches is not None:
        out.append("  文件：与签发时一致" if found.file_matches else f"  {STATUS_TEXT['altered']}")
    if d.change_note:
        out.append(f"  更正说明：{d.change_note}")
    return out + figure_lines(d)


@cli.command()
@click.argument("target", metavar="CODE_OR_PDF")
@out_option("Output folder whose history database holds the record.")
@db_option()
@handle_errors
def verify(target: str, out_dir: Path, db_path: Path | None):
    """Check a letter or agreement against the record: current, superseded, altered or unknown.

    CODE_OR_PDF is the verification code printed on every page (e.g.
    202610-HZ0016-L2-7KQ2M9XD), the text of its QR code, or a PDF that
    `reporter build` or `reporter plan` wrote. Prints the period, employee,
    kind and version, whether it is the current version (or which code
    supersedes it), whether a PDF's bytes are the ones issued, and the
    figures it states.

    \b
    Exit codes: 0 a current, unaltered document; 1 superseded or altered;
    2 an unknown (forged or mistyped) code, or a PDF without one.

    \b
    Examples:
      reporter verify 202610-HZ0016-L2-7KQ2M9XD
      reporter verify scanned/HZ0016.pdf --out /srv/hr/appraisal
    """
    found = verify_document(target, Path(db_path) if db_path else Path(out_dir) / DEFAULT_DB_NAME)
    if found is None:
        click.echo(f"{target} 中找不到校验码（如 202610-HZ0016-L1-…）：请核对输入", err=True)
        sys.exit(EXIT_BAD_INPUT)
    for line in describe(found):
        click.echo(line)
    sys.exit({"current": EXIT_OK, "unknown": EXIT_BAD_INPUT}.get(found.status, EXIT_FAILURE))
