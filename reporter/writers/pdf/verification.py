"""What a document prints about its own version: the verification code, its QR code, and a change note.

The QR code is drawn by segno as a PNG of 4 × 4 pixels per module in a ``data:`` URI, so the renderer
fetches nothing; the stylesheet prints it without smoothing (``image-rendering: pixelated``), so every
module is a sharp square at any size (at one pixel per module, poppler's scaling blurs it past what a
scanner reads).  (As SVG, each module was a path drawn on every page: a twentieth
of a letter's CPU.)  A change note
(version 2 and later) says what changed in the figures, why and who approved it, in the document's
language; it is written once, when the version is first issued, and recorded with it.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from decimal import Decimal
from pathlib import Path

from reporter.errors import UsageError
from reporter.store.documents import DocumentStamp, Verification, find_code, find_codes, look_up
from reporter.writers.language import Language
from reporter.writers.wording import money

# What the change note compares, in the order it lists them: (figure, 中文, English, how it prints).
HEADLINE = (("total", "总分", "Total score", lambda v: f"{Decimal(v):.2f}"),
            ("grade", "等级", "Grade", str),
            ("department_rank", "部门排名", "Department rank", str),
            ("role_rank", "岗位排名", "Role rank", str))


def _shown(value, fmt) -> str:
    return "—" if value is None else fmt(value)


def figure_changes(before: dict, after: dict, lang: Language) -> list[str]:
    """Each figure that differs, as 总分 78.50 → 82.00; the changed lines' points only when no headline moved."""
    changes = []
    for key, zh, en, fmt in HEADLINE:
        if before.get(key) != after.get(key):
            changes.append(f"{lang.say(zh, en)} {_shown(before.get(key), fmt)} → {_shown(after.get(key), fmt)}")
    old_pay, new_pay = before.get("pay", {}), after.get("pay", {})
    if old_pay.get("total") != new_pay.get("total"):
        changes.append(f"{lang.say('应发合计', 'Total pay')} "
                       f"{money(_decimal(old_pay.get('total')))} → {money(_decimal(new_pay.get('total')))}")
    if not changes:
        old_lines = {ln["item"]: ln["points"] for ln in before.get("lines", [])}
        for line in after.get("lines", []):
            if old_lines.get(line["item"]) != line["points"]:
                changes.append(lang.say(f"「{line['item']}」得分 {_shown(old_lines.get(line['item']), str)} → "
                                        f"{_shown(line['points'], str)}",
                                        f"{line['item']} points {_shown(old_lines.get(line['item']), str)} → "
                                        f"{_shown(line['points'], str)}"))
    return changes or [lang.say("明细数字有调整", "details of the figures were corrected")]


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def change_note(stamp: DocumentStamp, reason: str, approved_by: str, lang: Language) -> str:
    """第 2 版（取代 …）：总分 78.50 → 82.00；等级 B → A。原因：…；批准：…"""
    changes = figure_changes(stamp.previous_figures or {}, stamp.figures, lang)
    if lang.prose == "en":
        return (f"Version {stamp.version} (replaces {stamp.supersedes}): {'; '.join(changes)}. "
                f"Reason: {reason}. Approved by {approved_by}.")
    return (f"第 {stamp.version} 版（取代 {stamp.supersedes}）：{'；'.join(changes)}。"
            f"原因：{reason}；批准：{approved_by}。")


def supersession_note(stamp: DocumentStamp, lang: Language) -> str:
    """An agreement signed again: 第 2 版，取代第 1 版（…）；双方签字后，原版本不再适用。"""
    return lang.say(f"第 {stamp.version} 版，取代第 {stamp.version - 1} 版（校验码 {stamp.supersedes}）；"
                    "双方签字后，原版本不再适用。",
                    f"Version {stamp.version}, replacing version {stamp.version - 1} ({stamp.supersedes}); "
                    "once both parties sign it, the earlier version no longer applies.")


def qr_data_uri(code: str) -> str:
    """The QR code of ``code`` (its text is the code itself) as a PNG data: URI, 4 × 4 pixels per module."""
    import segno

    return segno.make(code, error="m", micro=False).png_data_uri(scale=4, border=0)


def verification_context(stamp: DocumentStamp | None, lang: Language) -> dict:
    """What the templates print: ``verification`` is None for a document rendered without a record."""
    if stamp is None:
        return {"verification": None}
    return {"verification": {
        "code": stamp.code, "qr": qr_data_uri(stamp.code), "version": stamp.version,
        "label": lang.html("校验码", "Verification code"), "label_text": lang.say("校验码", "Verification code"),
        "change_note": stamp.change_note,
        "change_title": lang.html("更正说明", "Correction"),
        "version_title": lang.html("版本说明", "Version"),
    }}


def code_from_pdf(path: Path) -> str | None:
    """The verification code printed in a PDF, read from its text layer: the one on the most pages."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        pages = [find_codes(page.extract_text() or "") for page in PdfReader(str(path)).pages]
    except (PdfReadError, OSError, ValueError):
        return None
    # The document's own code is in every page's footer; a change note also names the version it replaces.
    counts = Counter(code for page in pages for code in set(page))
    return max(counts, key=lambda code: (counts[code], -min(i for i, p in enumerate(pages) if code in p)),
               default=None)


def verify(target: str, db_path: Path) -> Verification | None:
    """What the record says of ``target``: a code, a QR code's text, or a PDF we generated (its code, and
    whether its bytes are the ones issued).  None: no code could be read from it."""
    path = Path(target)
    if path.suffix.lower() == ".pdf" or path.is_file():
        if not path.is_file():
            raise UsageError(f"找不到文件 {path}")
        code = code_from_pdf(path)
        return None if code is None else look_up(db_path, code, sha256_of(path))
    code = find_code(target)
    return None if code is None else look_up(db_path, code)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
