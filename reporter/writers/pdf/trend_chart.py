"""The review letter's trend chart: the employee's last totals beside the department's average, as inline SVG.

WeasyPrint draws SVG itself, so the chart needs no browser, network or plotting library.  Every
point carries its value as text, so each number on the chart can be traced to a letter or the
history; the facts come from :func:`reporter.rules.trend.employee_trends`, the words from the
letter's language.  Text is escaped; coordinates are millimetres (the viewBox is the chart's size).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from markupsafe import Markup, escape

from reporter.period import parse_period
from reporter.rules.trend import MIN_PEERS, Trend
from reporter.writers.language import Language
from reporter.writers.pdf.fonts import FAMILY, SPARE_FAMILY
from reporter.writers.pdf.renderer import FONTS

SVG_FONTS = f"'{FAMILY}', '{SPARE_FAMILY}', '{FONTS[0]}'"  # the reduced faces, then the full one (print.css's order)

WIDTH, HEIGHT = 78.0, 26.2  # mm
FONT = 2.85  # mm: 8.1 pt, no smaller than any other text of the letter (print.css)
LEFT, RIGHT = 7.0, WIDTH - 7.0  # the first and the last point (room for their values either side)
TOP, BOTTOM = 7.0, 15.4  # the highest and the lowest value (the legend is above TOP's value)
AXIS = 19.4
OWN, PEERS = "#1f3864", "#8c8c8c"
LETTER_PAGES = 2  # what a letter with a standard plan fits (docs/outputs.md); the chart should not add a third


def _fmt(value: Decimal) -> str:
    return f"{value:.2f}"


def _width(text: str) -> float:
    """Roughly how wide a text prints: a CJK character is one em, anything else about half."""
    return sum(FONT if ord(c) > 0x2E7F else FONT * 0.55 for c in text)


def _text(x: float, y: float, text: str, *, fill: str = "#333", anchor: str = "middle", bold: bool = False) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (f'<text x="{x:.2f}" y="{y:.2f}" text-anchor="{anchor}" fill="{fill}"{weight}>'
            f"{escape(text)}</text>")


def _value(x: float, y: float, value: Decimal, fill: str, bold: bool = False) -> str:
    """A point's value on a white ground, so it stays legible where a line crosses it."""
    text = _fmt(value)
    width = _width(text) + 0.6
    return (f'<rect x="{x - width / 2:.2f}" y="{y - FONT * 0.78:.2f}" width="{width:.2f}" height="{FONT * 0.9:.2f}" '
            f'fill="white" fill-opacity="0.85"/>' + _text(x, y, text, fill=fill, bold=bold))


def _lines(points: list[tuple[float, float] | None], colour: str, dashed: bool) -> list[str]:
    """One polyline per run of consecutive points: a gap breaks the line."""
    runs, run = [], []
    for point in [*points, None]:
        if point is None:
            if len(run) > 1:
                runs.append(run)
            run = []
        else:
            run.append(point)
    dash = ' stroke-dasharray="1.2 0.8"' if dashed else ""
    return [f'<polyline points="{" ".join(f"{x:.2f},{y:.2f}" for x, y in r)}" fill="none" stroke="{colour}" '
            f'stroke-width="{0.35 if dashed else 0.5}"{dash}/>' for r in runs]


def _legend(lang: Language) -> list[str]:
    parts, x = [], 0.5
    for words, colour, dashed in ((("本人", "You"), OWN, False), (("部门平均", "Department average"), PEERS, True)):
        dash = ' stroke-dasharray="1.2 0.8"' if dashed else ""
        parts.append(f'<line x1="{x:.2f}" y1="1.5" x2="{x + 4:.2f}" y2="1.5" stroke="{colour}" '
                     f'stroke-width="{0.35 if dashed else 0.5}"{dash}/>')
        label = lang.inline(*words)
        parts.append(_text(x + 5, 2.4, label, anchor="start"))
        x += 5 + _width(label) + 3
    return parts


def trend_svg(trend: Trend, lang: Language) -> str:
    """The chart as an ``<svg>`` element (a string, its text escaped)."""
    points = trend.points
    values = [v for p in points for v in (p.total, p.department_average) if v is not None]
    low, high = min(values), max(values)
    if high - low < 10:  # a flat line still reads as one: at least 10 points of scale
        middle = (high + low) / 2
        low, high = middle - 5, middle + 5
    step = (RIGHT - LEFT) / (len(points) - 1) if len(points) > 1 else 0
    xs = [LEFT + i * step for i in range(len(points))]

    def y(value: Decimal) -> float:
        return BOTTOM - float((value - low) / (high - low)) * (BOTTOM - TOP)

    own = [(x, y(p.total)) if p.total is not None else None for x, p in zip(xs, points, strict=True)]
    peers = [(x, y(p.department_average)) if p.department_average is not None else None
             for x, p in zip(xs, points, strict=True)]
    parts = [f'<line x1="1" y1="{AXIS}" x2="{WIDTH - 1}" y2="{AXIS}" stroke="#999" stroke-width="0.25"/>']
    parts += _lines(peers, PEERS, dashed=True) + _lines(own, OWN, dashed=False)
    year = ""
    for x, p, mine, theirs in zip(xs, points, own, peers, strict=True):
        period = parse_period(p.period)
        parts.append(f'<line x1="{x:.2f}" y1="{AXIS}" x2="{x:.2f}" y2="{AXIS + 0.8}" stroke="#999" '
                     'stroke-width="0.25"/>')
        parts.append(_text(x, AXIS + 3.0, lang.period_tick(period)))
        if lang.year_tick(period) != year:
            year = lang.year_tick(period)
            parts.append(_text(x, AXIS + 6.0, year, fill="#777"))
        # The higher value is written above its point, the lower one beneath: they never overlap.  Alone
        # (in a gap) the average's value goes above, clear of the dash on the axis.
        own_above = theirs is None or mine is None or p.total >= p.department_average
        if theirs is not None:
            dy = 3.3 if own_above and mine is not None else -1.2
            parts.append(f'<rect x="{x - 0.55:.2f}" y="{theirs[1] - 0.55:.2f}" width="1.1" height="1.1" '
                         f'fill="white" stroke="{PEERS}" stroke-width="0.3"/>')
            parts.append(_value(x, theirs[1] + dy, p.department_average, "#666"))
        if mine is not None:
            dy = -1.2 if own_above else 3.3
            parts.append(f'<circle cx="{x:.2f}" cy="{mine[1]:.2f}" r="0.7" fill="{OWN}"/>')
            parts.append(_value(x, mine[1] + dy, p.total, OWN, bold=True))
        else:
            parts.append(_text(x, AXIS - 1.0, "—", fill="#777"))
    body = "".join(_legend(lang) + parts)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="trend-chart" width="{WIDTH}mm" height="{HEIGHT}mm" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="{SVG_FONTS}" font-size="{FONT}">{body}</svg>')


def trend_context(trend: Trend | None, lang: Language) -> dict:
    """What the letter's template prints: the chart, and a note when a gap or a withheld average needs one
    (``trend`` None: no chart)."""
    if trend is None:
        return {"trend": None}
    notes = []
    if any(p.total is None for p in trend.points):
        notes.append(lang.say("“—”：该期未参与考核。", "—: not appraised that period."))
    if trend.withheld:
        notes.append(lang.say(f"本部门考核不足 {MIN_PEERS} 人的期间不显示部门平均。",
                              f"No department average where fewer than {MIN_PEERS} of its people were appraised."))
    return {"trend": {"svg": Markup(trend_svg(trend, lang)), "note": ("" if lang.prose == "zh" else " ").join(notes),
                      "apart": False}}


def render_with_trend(render: Callable[[dict], tuple[bytes, int]], context: dict, trend: Trend | None,
                      lang: Language) -> bytes:
    """The letter with its chart beside the conclusion's figures.  Where that takes it past
    :data:`LETTER_PAGES` pages and the letter without the chart would be shorter, the chart goes in a
    block of its own after the figures (which may start the next page) if that is as short, else the
    letter goes without it: the chart never costs a sheet of paper.  A letter long anyway (a bilingual
    one) keeps the chart after two layouts; only a letter the chart would lengthen is laid out three times.
    ``render`` returns the PDF and its number of pages."""
    with_chart = context | trend_context(trend, lang)
    beside, beside_pages = render(with_chart)
    if trend is None or beside_pages <= LETTER_PAGES:
        return beside
    plain, plain_pages = render(context | {"trend": None})
    if plain_pages >= beside_pages:
        return beside
    apart, apart_pages = render(with_chart | {"trend": {**with_chart["trend"], "apart": True}})
    return apart if apart_pages <= plain_pages else plain
