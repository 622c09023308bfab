"""Agreements typeset once per body: what people of one plan share is laid out once, what is theirs stamped.

The agreements of one role and plan differ only in the person: the name and 工号 (the particulars, the
signatures' 工号, every page's header) and the verification code (every page's footer, the signatures). A
template marks the person's text in the flow with ``data-slot`` (templates/agreement.html.j2). The body is
the document with each slot held by a hidden stand-in of one line ("〇", "0": the same room whoever it is),
the header's name and the footer's code left out. It is typeset once per distinct body and worker, and
where each slot was laid out is read off the layout. Each person's particulars are then typeset on pages
of their own (:func:`particulars_html`): the same page rules, the header's name and the footer's code in
their margin boxes, every slot's text at the place and in the style the body gave it; and those pages are
drawn over the body's, in both originals (:func:`reporter.writers.pdf.print_batch.stamp_originals`).

A person's agreement is typeset whole, as before, wherever sharing could show anything wrong: a template
without slots, a body that would still carry their name, 工号 or code (a name that is also a word of the
plan), a slot whose text would not fit its line, a header or footer that would run into the body's, or
particulars that would not make as many pages.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache

from markupsafe import escape

SLOT = re.compile(r'<(span|div) data-slot="([a-z]+)">(.*?)</\1>', re.S)
RUNNING = re.compile(r'<div class="running">.*?</div>', re.S)
VERIFICATION_RUNNING = re.compile(r'<div class="verification-running">.*?</div>\n?', re.S)
TITLE = re.compile(r"<title>.*?</title>", re.S)
STAND_IN = {"name": "〇", "id": "0", "code": "0"}
KEEP = 32  # bodies kept per worker (one per role and plan; the build goes through the people in order)
GAP = 8.0  # px (2 mm) kept between the person's header or footer and the body's, or the person is typeset whole
OVERFLOW = 0.5  # px a slot's text may pass its line's end (rounding) before the person is typeset whole


Rect = tuple[float, float, float, float]  # x0, y0, x1, y1 in CSS px from the page's corner


@dataclass(frozen=True)
class Slot:
    """Where the body laid a slot out, in CSS px from the page's content area, and how its text is set."""
    page: int
    name: str
    left: float
    top: float
    width: float
    style: str  # the inherited font size, weight, line height, colour and alignment, as CSS


@dataclass(frozen=True)
class Body:
    pdf: bytes
    pages: int
    slots: tuple[Slot, ...]
    margins: tuple[tuple[Rect, ...], ...]  # each page's header and footer text (margin_text)


def person_strings(context: dict) -> list[str]:
    """The strings of the person a body must not carry: name, 工号, verification code and its QR code."""
    e, v = context["employee"], context.get("verification")
    strings = [e.name, e.employee_id]
    if v:
        strings += [v["code"], v["qr"]]
    return [s for s in strings if s]


@cache
def _qr_stand_in(length: int) -> str:
    from reporter.writers.pdf.verification import qr_data_uri

    return qr_data_uri(STAND_IN["code"] * length)


def body_html(html: str, context: dict) -> str | None:
    """The document without the person (see the module docstring), or None where it would still carry them."""
    slots = list(SLOT.finditer(html))
    if not slots or any(f"<{m.group(1)}" in m.group(3) for m in slots):  # none, or one inside another
        return None
    e, v = context["employee"], context.get("verification")
    stand_ins = [(e.name, STAND_IN["name"]), (e.employee_id, STAND_IN["id"])]
    if v:  # first: the code holds the 工号
        stand_ins = [(v["qr"], _qr_stand_in(len(v["code"]))), (v["code"], STAND_IN["code"] * len(v["code"])),
                     *stand_ins]

    def hold(match: re.Match) -> str:
        inner = match.group(3)
        for text, stand_in in stand_ins:
            inner = inner.replace(str(escape(text)), stand_in)
        return f'<{match.group(1)} data-slot="{match.group(2)}" style="visibility: hidden">{inner}</{match.group(1)}>'

    body = SLOT.sub(hold, html)
    body = RUNNING.sub('<div class="running"></div>', body, count=1)
    body = VERIFICATION_RUNNING.sub("", body, count=1)
    body = TITLE.sub("<title></title>", body, count=1)
    if any(str(escape(s)) in body for s in person_strings(context)):
        return None
    return body


def _css_value(value) -> str:
    """A computed line height as CSS: ``normal``, a number (times the font size) or a length."""
    if isinstance(value, str):
        return value.lower()
    if isinstance(value, (int, float)):
        return f"{value}"
    number, unit = value
    return f"{number}{unit or ''}"


def _slot_style(style) -> str:
    color = style["color"]
    r, g, b = color.to("srgb")[:3]
    a = color.alpha
    return (f"font-size: {style['font_size']}px; font-weight: {style['font_weight']}; "
            f"line-height: {_css_value(style['line_height'])}; color: rgba({r * 255:.0f}, {g * 255:.0f}, "
            f"{b * 255:.0f}, {a}); text-align: {style['text_align_all']}")


def find_slots(document) -> tuple[Slot, ...]:
    """Each ``data-slot`` box of the laid-out body: a text slot by its line (the line's top, the width from
    the slot's start to the end of its block), an element slot by its own content box."""
    slots: list[Slot] = []

    def walk(box, line, block, page: int, origin: tuple[float, float]) -> None:
        element = getattr(box, "element", None)
        name = element.get("data-slot") if element is not None and box.element_tag in ("span", "div") else None
        if name:
            if box.element_tag == "span" and line is not None:  # to the end of the block its line is in
                left, top = box.position_x, line.position_y
                width = block.content_box_x() + block.width - box.position_x
            else:
                left, top, width = box.content_box_x(), box.content_box_y(), box.width
            slots.append(Slot(page, name, left - origin[0], top - origin[1], width, _slot_style(box.style)))
            return
        for child in getattr(box, "children", ()):
            is_line = type(child).__name__ == "LineBox"
            walk(child, child if is_line else line, box if is_line else block, page, origin)

    for number, page in enumerate(document.pages):
        page_box = page._page_box
        walk(page_box, None, None, number, (page_box.content_box_x(), page_box.content_box_y()))
    return tuple(slots)


def particulars_html(html: str, body: Body, lang: str) -> str | None:
    """The person's pages: their header and footer in the body's margin boxes (the others left empty), and
    each slot's content from their own document, where the body laid the slot out."""
    contents: dict[str, list[str]] = {}
    for match in SLOT.finditer(html):
        contents.setdefault(match.group(2), []).append(match.group(3))
    running = RUNNING.search(html)
    verification = VERIFICATION_RUNNING.search(html)
    pages: list[list[str]] = [[] for _ in range(body.pages)]
    seen: dict[str, int] = {}
    for slot in body.slots:
        index = seen.get(slot.name, 0)
        seen[slot.name] = index + 1
        if index >= len(contents.get(slot.name, ())):
            return None
        pages[slot.page].append(f'<div class="slot-at" style="left: {slot.left}px; top: {slot.top}px; '
                                f'width: {slot.width}px; {slot.style}">{contents[slot.name][index]}</div>')
    if sum(len(c) for c in contents.values()) != len(body.slots):
        return None
    style = ("@page { @top-left { content: none !important } @top-center { content: none !important }"
             " @bottom-left { content: none !important } @bottom-right { content: none !important } }"
             " .slot-page { position: relative; height: 0; } .slot-page + .slot-page { break-before: page; }"
             " .slot-at { position: absolute; white-space: nowrap; }")
    return (f'<!DOCTYPE html><html lang="{escape(lang)}"><head><meta charset="utf-8"><style>{style}</style></head>'
            f'<body>{verification.group(0) if verification else ""}{running.group(0) if running else ""}'
            + "".join(f'<div class="slot-page">{"".join(page)}</div>' for page in pages) + "</body></html>")


def overflows(document) -> bool:
    """Whether a slot's text in the person's pages runs past the width its slot had in the body."""
    def walk(box) -> bool:
        element = getattr(box, "element", None)
        if element is not None and "slot-at" in (element.get("class") or "") and box.element_tag == "div":
            end = box.content_box_x() + box.width + OVERFLOW
            return any(d.position_x + d.width > end for d in box.descendants() if hasattr(d, "width"))
        return any(walk(child) for child in getattr(box, "children", ()))
    return any(walk(page._page_box) for page in document.pages)


def margin_text(document) -> tuple[tuple[Rect, ...], ...]:
    """Where each page's margin boxes (header and footer) print something: a rectangle per line."""
    pages = []
    for page in document.pages:
        rects = []
        for margin in (b for b in page._page_box.children if type(b).__name__ == "MarginBox"):
            for line in (d for d in margin.descendants() if type(d).__name__ == "LineBox" and d.children):
                x0 = min(child.position_x for child in line.children)
                x1 = max(child.position_x + child.margin_width() for child in line.children)
                rects.append((x0, line.position_y, x1, line.position_y + line.height))
        pages.append(tuple(rects))
    return tuple(pages)


def collide(body: Body, particulars) -> bool:
    """Whether the person's header or footer would print into the body's (a long name beside a long company
    name: typeset whole, the margin boxes would have shared the width)."""
    for theirs, ours in zip(body.margins, margin_text(particulars), strict=True):
        for x0, y0, x1, y1 in ours:
            if any(x0 < bx1 + GAP and bx0 < x1 + GAP and y0 < by1 and by0 < y1 for bx0, by0, bx1, by1 in theirs):
                return True
    return False


class SharedBodies:
    """One worker's typeset bodies, by a digest of their HTML (the most recently used :data:`KEEP`)."""

    def __init__(self):
        self._bodies: OrderedDict[str, Body] = OrderedDict()
        self.laid_out = 0  # bodies typeset so far

    def get(self, key: str, typeset) -> Body:
        if key in self._bodies:
            self._bodies.move_to_end(key)
            return self._bodies[key]
        body = self._bodies[key] = typeset()
        self.laid_out += 1
        if len(self._bodies) > KEEP:
            self._bodies.popitem(last=False)
        return body


def digest(html: str) -> str:
    return hashlib.sha256(html.encode("utf-8")).hexdigest()[:32]
