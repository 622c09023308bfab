"""The 设置 rows of the year-end roll-up (reporter annual): read with the other settings, checked at their cell.

Kept apart from :mod:`reporter.input.validate` so that the settings of one subject live together:
季度权重 is four percentages in one cell, 晋升等级 names grades of the 等级 sheet (checked once the
bands are read).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal

from reporter.annual_settings import ANNUAL_KEYS, AnnualSettings
from reporter.errors import CellError
from reporter.input.cells import parse_percent
from reporter.model import GradeBand, Settings

QUARTERS = 4
_SEPARATORS = re.compile(r"[\s,，、;；/]+")


def split_words(text: str) -> list[str]:
    """A cell's items: separated by spaces, commas, 、 or semicolons (full-width too)."""
    return [part for part in _SEPARATORS.split(unicodedata.normalize("NFKC", text).strip()) if part]


def parse_quarter_weights(text: str) -> tuple[Decimal, ...]:
    """Four percentages (20% 20% 30% 30%, or 0.2 0.2 0.3 0.3) adding up to 100 %; CellError otherwise."""
    parts = split_words(text)
    if len(parts) != QUARTERS:
        raise CellError(f"季度权重须为 4 个百分比（第一至第四季度），以空格分隔，如 20% 20% 30% 30%；这里有 {len(parts)} 个")
    weights = tuple(parse_percent(part, "0", "1") for part in parts)
    if sum(weights) != 1:
        raise CellError(f"季度权重合计须为 100%，这里合计 {sum(weights) * 100:f}%".replace(".00%", "%"))
    return weights


def annual_values(values: dict, row_of: dict[str, int], problem: Callable) -> None:
    """Move the annual rows of ``values`` into one AnnualSettings (``values["annual"]``); a bad row is reported
    and left at its default."""
    for key in ("annual_min_months", "promotion_periods"):
        if key in values:
            values[key] = int(values[key])
    if "quarter_weights" in values:
        try:
            values["quarter_weights"] = parse_quarter_weights(values["quarter_weights"])
        except CellError as err:
            problem(str(err), "settings", row_of.get("quarter_weights"), "quarter_weights")
            del values["quarter_weights"]
    if "promotion_grades" in values:
        values["promotion_grades"] = tuple(split_words(values["promotion_grades"]))
    values["annual"] = AnnualSettings(**{key: values.pop(key) for key in ANNUAL_KEYS if key in values})


def check_promotion_grades(settings: Settings | None, grades: list[GradeBand], row: int | None,
                           problem: Callable) -> None:
    """晋升等级 must name grades of the 等级 sheet (compared ignoring case, as the workbooks' lookups do)."""
    if settings is None or not settings.annual.promotion_grades or not grades:
        return
    known = {g.grade.casefold() for g in grades}
    unknown = [g for g in settings.annual.promotion_grades if g.casefold() not in known]
    if unknown:
        problem(f"晋升等级 {'、'.join(unknown)} 不在「等级」表中：可用 {'、'.join(g.grade for g in grades)}",
                "settings", row, "promotion_grades")
