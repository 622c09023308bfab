"""设置 目标等级分布: the company's target grade mix, e.g. ``S 10% / A 20% / B 40% / C 20% / D 10%``.

Read in two steps: the text alone (each grade once, shares that add up to exactly 100 %), when the
settings are read; then against the 等级 sheet (the same grades, no more and no fewer), once the
bands are known.  Every problem is reported at the setting's cell, with the others of the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation

from reporter.formula.criteria import fold
from reporter.model import GradeBand

Targets = tuple[tuple[str, Decimal], ...]
EXAMPLE = "S 10% / A 20% / B 40% / C 20% / D 10%"
_SEPARATORS = re.compile(r"[/,，;；、\s:：=]+")
_GLUED = re.compile(r"^(.*?[^\d.])(\d+(?:\.\d+)?%)$")  # S10% → S, 10%
_SHARE = re.compile(r"^(\d+(?:\.\d+)?)%$")
HUNDRED = Decimal(100)


def parse_grade_targets(text: str) -> tuple[Targets, str | None]:
    """The (grade, share) pairs of the text in its order, or () and what is wrong with it."""
    tokens: list[str] = []
    for token in _SEPARATORS.split(text.replace("％", "%").strip()):
        if token:
            glued = _GLUED.match(token)
            tokens.extend(glued.groups() if glued and not _SHARE.match(token) else (token,))
    pairs = list(zip(tokens[::2], tokens[1::2], strict=False))
    shape = f"请按「{EXAMPLE}」的格式填写（等级、百分比，以 / 分隔）"
    if not pairs or len(tokens) % 2 or any(_SHARE.match(g) or not _SHARE.match(s) for g, s in pairs):
        return (), f"目标等级分布「{text}」无法读取：{shape}"
    try:
        targets = tuple((grade, Decimal(_SHARE.match(share)[1]) / HUNDRED) for grade, share in pairs)
    except InvalidOperation:  # pragma: no cover (the pattern admits only decimal numbers)
        return (), f"目标等级分布「{text}」无法读取：{shape}"
    seen: set[str] = set()
    for grade, _ in targets:
        if fold(grade) in seen:
            return (), f"目标等级分布中等级「{grade}」出现了两次：每个等级只写一次"
        seen.add(fold(grade))
    total = sum((share for _, share in targets), Decimal(0))
    if total != 1:
        return (), f"目标等级分布的占比合计 {(total * HUNDRED).normalize():f}%，应为 100%"
    return targets, None


def match_grades(targets: Targets, grades: Iterable[GradeBand],
                 problem: Callable[[str], None]) -> None:
    """Report a target grade the 等级 sheet lacks, and a band the target leaves out (case is ignored, like MATCH)."""
    bands = {fold(g.grade): g.grade for g in sorted(grades, key=lambda g: g.min_score, reverse=True)}
    named = {fold(grade) for grade, _ in targets}
    unknown = [grade for grade, _ in targets if fold(grade) not in bands]
    missing = [grade for key, grade in bands.items() if key not in named]
    if unknown:
        problem(f"目标等级分布中的等级 {'、'.join(unknown)} 不在「等级」表中（等级：{'、'.join(bands.values())}）")
    if missing:
        problem(f"目标等级分布缺少等级 {'、'.join(missing)}：每个等级都须写上目标占比（可为 0%）")


def in_band_order(targets: Targets, grades: Iterable[GradeBand]) -> Targets:
    """The targets with the 等级 sheet's spelling, highest band first."""
    share = {fold(grade): value for grade, value in targets}
    ordered = sorted(grades, key=lambda g: g.min_score, reverse=True)
    return tuple((g.grade, share[fold(g.grade)]) for g in ordered if fold(g.grade) in share)
