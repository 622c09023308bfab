"""How the workbooks print beyond style.print_setup: header and footer words per language, whole blocks.

:func:`print_words` gives an English or bilingual sheet its page header and footer (print_setup
writes the Chinese ones). :func:`whole_blocks` plans the scorecard's page breaks when even its plan
or its appendix overruns a page (bilingual labels make rows taller), so that no block is split.
"""

from __future__ import annotations

from reporter.writers.language import Language
from reporter.writers.xlsx.layout import PRINT_SCALE, Layout
from reporter.writers.xlsx.style import DEFAULT_ROW_HEIGHT, HEADER_MARGIN, page_height

PAGE_FOOTERS = {"en": "&CPage &P of &N", "zh-en": "&C第 &P 页 / 共 &N 页  Page &P of &N"}


def print_words(ws, settings, lang: Language, title: str) -> None:
    """The printed header and footer in an English or bilingual workbook; called after print_setup.

    The company and the title as given, the period in the language's words.
    """
    if lang.code == "zh":
        return
    period = settings.period.label if lang.prose == "zh" else lang.period_label(settings.period)
    parts = (settings.company, title, period)
    ws.set_header("&L{}&C{}&R{}".format(*(part.replace("&", "&&") for part in parts)), {"margin": HEADER_MARGIN})
    ws.set_footer(PAGE_FOOTERS[lang.code], {"margin": HEADER_MARGIN})


def whole_blocks(breaks: list[int], heights: dict[int, float], at: Layout,
                 appendix_blocks: list[tuple[int, int]]) -> list[int]:
    """A scorecard's page breaks with blocks kept whole when even the plan or the appendix overruns a page.

    ``breaks`` are the scorecard's planned ones (before the appendix, and before the pay block when
    page 1 cannot hold it); ``heights`` the rows' heights; ``appendix_blocks`` the (first, end) rows of
    each appendix block, the last one closed by the signatures. Left to itself, LibreOffice would break
    after the total and strand the grade and rank rows on a page of their own, or print a band table's
    titles apart from its rows. So a long plan breaks before the last line that fits (the totals follow
    at least one line, and the pay block joins them when the page holds it), and the appendix breaks
    before a block that does not fit.
    Rows 1–2 (title and period) print atop every page.
    """
    room = page_height(PRINT_SCALE)

    def height(first: int, last: int) -> float:
        return sum(heights.get(row, DEFAULT_ROW_HEIGHT) for row in range(first, last))

    repeated, appendix = height(0, 2), at.annual
    planned = list(breaks)
    overrun = next((row for row in range(planned[0]) if height(0, row + 1) > room), None)
    if overrun is not None and min(overrun, at.totals - 1) > at.lines:
        line = min(overrun, at.totals - 1)  # the first line of page 2: the totals come with it
        planned = [line] + ([appendix] if repeated + height(line, appendix) <= room else planned)
    used = repeated + height(appendix, appendix_blocks[0][0])
    for first, last in appendix_blocks:
        if used + height(first, last) > room and first > appendix and used > repeated:
            planned.append(first)
            used = repeated
        used += height(first, last)
    return planned
