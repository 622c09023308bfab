"""The zlib level at which the PDFs' streams are deflated.

pydyf, WeasyPrint's PDF writer, deflates every stream (each page's contents, each document's font subsets)
with ``zlib.compressobj(level=9)`` and takes no level.  Level 6, zlib's own default, costs a letter 5 to
13 % less CPU for 0.4 % more bytes (bench/levers.py measures it; docs/performance.md has the runs): level 9
searches longer for matches that page contents and font outlines rarely have.  So pydyf's module-level ``zlib`` is replaced, once per
process, by :class:`_Zlib`: the same module with another level for ``compressobj``.  The level is a
process-wide setting, the same for every document, so output stays reproducible (a cluster's worker sets
it as a local worker does).
"""

from __future__ import annotations

import types
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

LEVEL = 6  # what reporter's PDFs are deflated at
PYDYF_LEVEL = 9  # what pydyf deflates at by itself (bench/run.py times the bare page with it)


class _Zlib(types.ModuleType):
    """zlib, whose ``compressobj`` deflates at ``self.level`` whatever level its caller asks for."""

    def __init__(self, level: int):
        super().__init__("zlib")
        self.level = level

    def __getattr__(self, name: str):
        return getattr(zlib, name)

    def compressobj(self, level: int = -1, *args, **kwargs):
        return zlib.compressobj(self.level, *args, **kwargs)


def set_level(level: int = LEVEL) -> int:
    """Deflate pydyf's streams at ``level`` from now on, in this process; returns the level before."""
    import pydyf

    if not isinstance(pydyf.zlib, _Zlib):
        pydyf.zlib = _Zlib(PYDYF_LEVEL)
    before, pydyf.zlib.level = pydyf.zlib.level, level
    return before


@contextmanager
def deflated_at(level: int) -> Iterator[None]:
    """Within the block, pydyf's streams are deflated at ``level`` (the benchmark's floors and levers)."""
    before = set_level(level)
    try:
        yield
    finally:
        set_level(before)
