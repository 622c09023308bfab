"""The language a company's documents speak: ``zh`` (default), ``en``, or bilingual ``zh-en``.

The 设置 row 语言 / language chooses it.  Two kinds of text follow it differently:

* **Prose** (sentences: the working of a line, a notice, the e-mail) is written in one language:
  English for ``en``, Chinese for ``zh`` and for ``zh-en`` (a joint venture's bilingual letter is a
  Chinese letter with its headings and labels also in English).  Writers pick it with :meth:`say`
  or branch on :attr:`prose`; the sentence functions of :mod:`reporter.writers.wording` take it.
* **Labels** (headings, column headers, field names) come in both words, written side by side where
  they are printed (``lang.label("姓名", "Name")``, ``{{ t("姓名", "Name") }}`` in a template), so the
  words live with their layout.  A bilingual label prints the English beneath the Chinese.

Names, amounts and everything the company typed (items, standards, comments, policy words) print
as typed: an English letter holds no Chinese except what the input holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

from reporter.period import Period

LANGUAGES = ("zh", "en", "zh-en")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


@dataclass(frozen=True)
class Language:
    """One of :data:`LANGUAGES`, with the ways a writer prints words in it."""

    code: str = "zh"

    def __post_init__(self) -> None:
        if self.code not in LANGUAGES:
            raise ValueError(f"unknown language {self.code!r}: one of {', '.join(LANGUAGES)}")

    @property
    def prose(self) -> str:
        """The language of sentences: ``en`` for an English document, else ``zh``."""
        return "en" if self.code == "en" else "zh"

    @property
    def bilingual(self) -> bool:
        return self.code == "zh-en"

    @property
    def html_lang(self) -> str:
        return "en" if self.code == "en" else "zh-CN"

    def __str__(self) -> str:
        """The HTML language tag, so a company template written as ``<html lang="{{ lang }}">`` stays right."""
        return self.html_lang

    def say(self, zh: str, en: str) -> str:
        """A sentence in the prose language."""
        return en if self.prose == "en" else zh

    def label(self, zh: str, en: str, sep: str = "\n") -> str:
        """A heading or label as plain text: the English beneath the Chinese when bilingual."""
        if self.code == "en":
            return en
        return f"{zh}{sep}{en}" if self.bilingual and en and en != zh else zh

    def inline(self, zh: str, en: str) -> str:
        """A label on one line (a sheet tab, a CLI line, a file name part): 汇总 Summary."""
        return self.label(zh, en, sep=" ")

    def html(self, zh: str, en: str) -> Markup:
        """A label for a template: a bilingual one carries the English in ``<span class="en">``."""
        if self.bilingual and en and en != zh:
            return Markup('{}<span class="en">{}</span>').format(zh, en)
        return escape(self.label(zh, en))

    def titles(self, zh: str, en: str) -> dict[str, str]:
        """A document's title as its templates print it: the heading (``title``), one line (``title_text``, the
        HTML <title>) and the footer's plain text (``footer_title``: the English beneath when bilingual)."""
        return {"title": self.html(zh, en), "title_text": self.inline(zh, en), "footer_title": self.label(zh, en)}

    def date(self, day: date | None) -> str:
        """2026年11月13日 / 13 November 2026; a missing date is a dash."""
        if day is None:
            return "—"
        if self.prose == "en":
            return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
        return f"{day.year}年{day.month}月{day.day}日"

    def period_label(self, period: Period) -> str:
        """2026年10月 / October 2026, 2026年第3季度 / Q3 2026, 2026年上半年 / H1 2026, 2026年度 / 2026."""
        if self.prose == "zh":
            return period.label
        if period.kind == "month":
            return f"{MONTHS[period.number - 1]} {period.year}"
        if period.kind == "quarter":
            return f"Q{period.number} {period.year}"
        if period.kind == "half":
            return f"H{period.number} {period.year}"
        return f"{period.year}"

    def period_tick(self, period: Period) -> str:
        """A period on a chart's axis, without its year (see :meth:`year_tick`): 10月 / Oct, 第3季度 / Q3."""
        if period.kind == "year":
            return self.period_label(period)
        if self.prose == "en":
            return MONTHS[period.number - 1][:3] if period.kind == "month" else self.period_label(period).split()[0]
        return {"month": f"{period.number}月", "quarter": f"第{period.number}季度",
                "half": "上半年" if period.number == 1 else "下半年"}[period.kind]

    def year_tick(self, period: Period) -> str:
        """The year beneath an axis's ticks (where it starts or changes); none for a year's own tick."""
        return "" if period.kind == "year" else self.say(f"{period.year}年", f"{period.year}")


ZH = Language("zh")


def language(code: str | None) -> Language:
    """The language of a code as 设置 stores it (blank: Chinese)."""
    return Language(code or "zh")
