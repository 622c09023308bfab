"""One message per employee, to that employee alone, with their own files attached."""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from reporter.errors import DeliveryError
from reporter.period import parse_period
from reporter.writers.manifest import Manifest, Recipient
from reporter.writers.templates import default_templates
from reporter.writers.wording import period_context

ATTACHMENT_NAMES = {"letters": "绩效考核结果确认书", "scorecards": "绩效考核表", "agreements": "目标责任书"}
# A display name may not smuggle in header lines or encoded words that decode to other addresses.
_UNSAFE_HEADER_TEXT = re.compile(r"[\r\n\x00-\x1f\x7f]|=\?")


@dataclass(frozen=True)
class Outgoing:
    recipient: Recipient
    to: str  # the address actually used (the employee's, or --test-to)
    message_id: str
    message: EmailMessage
    attachments: tuple[str, ...]  # file names, for the summary


def check_header_text(value: str, what: str) -> None:
    if _UNSAFE_HEADER_TEXT.search(value):
        raise DeliveryError(f"{what} “{value!r}” 含有换行、控制字符或编码字（=?…?=）：请在输入中改正后重新生成")


def text_environment(templates: Path | None = None) -> jinja2.Environment:
    """Plain-text templates: no HTML escaping (it would garble ‘<’ in a text mail), but strict."""
    return SandboxedEnvironment(loader=jinja2.FileSystemLoader(templates or default_templates()), autoescape=False,
                                undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def build_message(env: jinja2.Environment, manifest: Manifest, r: Recipient, *, sender: str, sender_name: str,
                  attach: tuple[str, ...], test_to: str | None, now: datetime) -> Outgoing:
    check_header_text(r.name, "姓名")
    check_header_text(sender_name, "发件人名称")
    to = test_to or r.email
    context = {"name": r.name, "employee_id": r.employee_id, "company": manifest.company,
               "period_label": manifest.period_label, "appraised": r.appraised,
               "period_words": period_context(parse_period(manifest.period)),
               "appeal_deadline": manifest.appeal_deadline, "hr_signatory": manifest.hr_signatory,
               "hr_department": manifest.hr_department, "appeal_route": manifest.appeal,
               "rehearsal": test_to is not None, "real_address": r.email}
    subject = env.get_template("email_subject.txt.j2").render(context).strip()
    check_header_text(subject, "邮件主题")
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = Address(display_name=sender_name, addr_spec=sender)
    msg["To"] = Address(display_name=r.name, addr_spec=to)
    domain = sender.rpartition("@")[2]
    prefix = "rehearsal." if test_to else ""
    message_id = f"<{prefix}{manifest.period}.{r.employee_id}@reporter.{domain}>"
    msg["Message-ID"] = message_id
    msg["Date"] = format_datetime(now.astimezone())
    msg.set_content(env.get_template("email_body.txt.j2").render(context), cte="base64")  # not 8bit: any server
    names = []
    for kind in attach:
        relative = r.files.get(kind)
        if relative is None:
            continue  # e.g. no scorecard for someone not appraised
        path = manifest.folder / relative
        if not path.is_file():
            raise DeliveryError(f"{r.employee_id} 的附件 {path} 不存在：请先运行 reporter build")
        filename = f"{ATTACHMENT_NAMES[kind]}-{manifest.period}-{r.employee_id}-{r.name}{path.suffix}"
        maintype, subtype = (mimetypes.guess_type(path.name)[0] or "application/octet-stream").split("/")
        msg.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype, filename=filename)
        names.append(filename)
    return Outgoing(r, to, message_id, msg, tuple(names))
