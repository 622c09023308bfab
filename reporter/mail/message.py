"""One message per employee, to that employee alone, with their own files attached.

The message speaks the period's language (设置 语言, kept in manifest.json): Chinese, English, or for
``zh-en`` the Chinese text followed by the same text in English (a mail has no labels to print in both
words, so a bilingual mail is two versions, one after the other).  The templates are rendered once per
prose language with that language's words in the context: dates, the period, policy defaults.
"""

from __future__ import annotations

import mimetypes
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from reporter.errors import DeliveryError
from reporter.model import HR_DEPARTMENT, appeal_route
from reporter.period import parse_period
from reporter.writers.language import Language, language
from reporter.writers.manifest import Manifest, Recipient
from reporter.writers.templates import default_templates
from reporter.writers.wording import period_context

# An attachment's file name, by --attach kind: (Chinese, English).
ATTACHMENT_NAMES = {"letters": ("绩效考核结果确认书", "Appraisal-letter"), "scorecards": ("绩效考核表", "Scorecard"),
                    "agreements": ("目标责任书", "Target-agreement"),
                    "addenda": ("目标责任书变更补充协议", "Agreement-amendment")}
# Between the Chinese and the English version of a bilingual mail.
BILINGUAL_SEPARATOR = "\n" + "-" * 40 + "\n\n"
# A display name may not smuggle in header lines or encoded words that decode to other addresses.
_UNSAFE_HEADER_TEXT = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]|=\?")  # what str.splitlines() splits on, too
# What may not reach an attachment's file name: path separators, characters Windows refuses, quotes.
_UNSAFE_FILE_CHARACTERS = frozenset('/\\:*?"\'<>|`')
# Unicode categories dropped from it: controls and line separators, and format characters (e.g. U+202E, which
# shows "张三\u202efdp.exe" as 张三exe.pdf), surrogates, private-use and unassigned code points.
_UNSAFE_FILE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
NAME_IN_FILE_NAME = 40  # characters of the employee's name kept in an attachment's file name


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


def safe_file_part(text: str, limit: int) -> str:
    """``text`` as a piece of a file name: unsafe characters become ``_``, other spaces a plain space, at most ``limit``."""
    kept = []
    for ch in text:
        category = unicodedata.category(ch)
        if ch in _UNSAFE_FILE_CHARACTERS or category in _UNSAFE_FILE_CATEGORIES:
            kept.append("_")
        else:
            kept.append(" " if category == "Zs" else ch)
    return re.sub(r"_{2,}", "_", re.sub(r" {2,}", " ", "".join(kept))).strip(" ._")[:limit].rstrip(" .")


def attachment_filename(kind: str, lang: Language, period: str, r: Recipient, number: str, suffix: str) -> str:
    """绩效考核结果确认书-2026-10-HZ0016-沈梦婷.pdf: the kind, the period, the 工号 and the name made safe."""
    name = safe_file_part(r.name, NAME_IN_FILE_NAME)
    stem = "-".join(part for part in (f"{attachment_name(kind, lang)}{number}", period,
                                      safe_file_part(r.employee_id, 64), name) if part)
    return stem + suffix  # .pdf or .xlsx: our own files' ending


def attachment_name(kind: str, lang: Language) -> str:
    """The start of an attachment's file name: 绩效考核结果确认书, Appraisal-letter, or both joined by a hyphen."""
    zh, en = ATTACHMENT_NAMES[kind]
    return en if lang.code == "en" else f"{zh}-{en}" if lang.bilingual else zh


def mail_context(manifest: Manifest, r: Recipient, lang: Language, prose: str, rehearsal: bool) -> dict:
    """What the mail templates see when writing in ``prose`` (zh or en) for a document in ``lang``.

    ``lang`` is the period's language (``lang.bilingual`` for zh-en), ``say(zh, en)`` picks the sentence of
    this rendering and ``t(zh, en)`` is a one-line label in the document's language(s).
    """
    period = parse_period(manifest.period)
    words = Language(prose)
    hr_department = manifest.hr_department
    if prose == "en" and hr_department == HR_DEPARTMENT["zh"]:  # our Chinese default, not the company's words
        hr_department = HR_DEPARTMENT["en"]
    # manifest.json holds the route resolved for the Chinese text: the default is worded again in this language,
    # a route the company typed is printed as typed.
    route = manifest.appeal_route if manifest.appeal_route != appeal_route("", manifest.hr_department) else ""
    return {"name": r.name, "employee_id": r.employee_id, "company": manifest.company,
            "period_label": words.period_label(period), "appraised": r.appraised,
            "period_words": period_context(period, prose),
            "appeal_deadline": words.date(date.fromisoformat(manifest.appeal_deadline)),
            "hr_signatory": manifest.hr_signatory, "hr_department": hr_department,
            "appeal_route": appeal_route(route, hr_department, prose),
            "rehearsal": rehearsal, "real_address": r.email,
            "lang": lang, "prose": prose, "say": words.say, "t": lang.inline}


def render_mail(env: jinja2.Environment, manifest: Manifest, r: Recipient, rehearsal: bool) -> tuple[str, str]:
    """The subject and the body, in the period's language: for zh-en the Chinese, then the English."""
    lang = language(manifest.language)
    subjects, bodies = [], []
    for prose in ("zh", "en") if lang.bilingual else (lang.prose,):
        marked = rehearsal and not subjects  # the rehearsal mark once, at the front of the subject
        subjects.append(env.get_template("email_subject.txt.j2").render(
            mail_context(manifest, r, lang, prose, marked)).strip())
        bodies.append(env.get_template("email_body.txt.j2").render(mail_context(manifest, r, lang, prose, rehearsal)))
    return " / ".join(subjects), BILINGUAL_SEPARATOR.join(body.rstrip("\n") + "\n" for body in bodies)


def attachment_path(manifest: Manifest, r: Recipient, kind: str) -> Path | None:
    """The file of ``kind`` to attach for ``r``; None when there is none for them (someone not appraised).

    A period is built without agreements (`reporter plan` issues them): an agreement is taken from the
    period folder if `build --only agreements` wrote one, else from the plan's folder beside it
    (OUT/plans/<term>/agreements/, the term of 设置 责任书期限, by default the period).  An appraised employee's missing agreement is an error naming both.
    """
    relative = r.files.get(kind)
    if kind == "agreements" and relative is None:
        name = Path("agreements") / f"{r.employee_id}.pdf"
        plan = manifest.folder.parent / "plans" / (manifest.term or manifest.period) / name
        found = next((p for p in (manifest.folder / name, plan) if p.is_file()), None)
        if found is None and r.appraised:
            raise DeliveryError(f"{r.employee_id} 的目标责任书不在 {manifest.folder / name}，也不在 {plan}：请先运行 "
                                f"reporter plan，或 reporter build --only agreements")
        return found
    if relative is None:
        return None
    path = manifest.folder / relative
    if not path.is_file():
        raise DeliveryError(f"{r.employee_id} 的附件 {path} 不存在：请先运行 reporter build")
    return path


def addenda_paths(manifest: Manifest, r: Recipient) -> list[Path]:
    """The employee's addenda (变更补充协议) of the term so far, in number order: none for most people.

    `reporter plan` issues them into OUT/plans/<term>/addenda/<工号>-<n>.pdf, beside the agreement.
    """
    folder = manifest.folder.parent / "plans" / (manifest.term or manifest.period) / "addenda"
    found = [p for p in folder.glob("*.pdf") if p.stem.rpartition("-")[0] == r.employee_id
             and p.stem.rpartition("-")[2].isdigit()] if folder.is_dir() else []
    return sorted(found, key=lambda p: int(p.stem.rpartition("-")[2]))


def attachment_paths(manifest: Manifest, r: Recipient, kind: str) -> list[Path]:
    """The files of ``kind`` to attach for ``r``: one, or for addenda every one of the term (maybe none)."""
    if kind == "addenda":
        return addenda_paths(manifest, r)
    path = attachment_path(manifest, r, kind)
    return [] if path is None else [path]


def build_message(env: jinja2.Environment, manifest: Manifest, r: Recipient, *, sender: str, sender_name: str,
                  attach: tuple[str, ...], test_to: str | None, now: datetime) -> Outgoing:
    check_header_text(r.name, "姓名")
    check_header_text(sender_name, "发件人名称")
    to = test_to or r.email
    subject, body = render_mail(env, manifest, r, test_to is not None)
    check_header_text(subject, "邮件主题")
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = Address(display_name=sender_name, addr_spec=sender)
    msg["To"] = Address(display_name=r.name, addr_spec=to)
    domain = sender.rpartition("@")[2]
    prefix = "rehearsal." if test_to else ""
    version = f".v{r.letter_version}" if r.letter_version > 1 else ""  # a re-issued letter is a new message
    message_id = f"<{prefix}{manifest.period}.{r.employee_id}{version}@reporter.{domain}>"
    msg["Message-ID"] = message_id
    msg["Date"] = format_datetime(now.astimezone())
    msg.set_content(body, cte="base64")  # not 8bit: any server
    names = []
    lang = language(manifest.language)
    for kind in attach:
        paths = attachment_paths(manifest, r, kind)  # e.g. no scorecard, nor agreement, for someone not appraised
        for path in paths:
            number = f"-{path.stem.rpartition('-')[2]}" if kind == "addenda" else ""
            filename = attachment_filename(kind, lang, manifest.period, r, number, path.suffix)
            maintype, subtype = (mimetypes.guess_type(path.name)[0] or "application/octet-stream").split("/")
            msg.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype, filename=filename)
            names.append(filename)
    return Outgoing(r, to, message_id, msg, tuple(names))
