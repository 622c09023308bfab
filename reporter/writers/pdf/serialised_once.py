"""Each object of a PDF serialised and deflated once while pydyf writes it, not twice.

pydyf, WeasyPrint's PDF writer, serialises every object to write it, and then, to make the file's ``/ID``
(which PDF 1.7 recommends and PDF 2.0 requires; the renderer passes one so the bytes are reproducible),
serialises every object again and hashes the result. A stream's ``data`` joins its operators and deflates
them each time it is asked for, so each page's contents and each font subset were built and deflated twice.

:func:`install` makes the ``data`` of pydyf's streams, dictionaries and arrays remember, for the length of
one ``PDF.write`` and in that thread only, what it returned for each object: the hash reads the bytes just
written. Nothing is mutated during a write, so the file is the same byte for byte
(tests/test_serialised_once.py); outside a write ``data`` is pydyf's own. Installed once per process, like
the deflate level (reporter.writers.pdf.flate); bench/levers.py measures it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

_written = threading.local()  # .objects: id(object) -> (object, data) during one write in this thread
_pydyf: dict = {}  # pydyf's own properties and write, kept to restore them


def _remembered(data: property) -> property:
    def remembered_data(self) -> bytes:
        objects = getattr(_written, "objects", None)
        if objects is None:
            return data.fget(self)
        kept = objects.get(id(self))
        if kept is None:
            kept = objects[id(self)] = (self, data.fget(self))  # the object held, so its id is not reused
        return kept[1]

    return property(remembered_data)


def _remembering(write):
    def write_once(self, *args, **kwargs):
        _written.objects = {}
        try:
            return write(self, *args, **kwargs)
        finally:
            _written.objects = None

    return write_once


def install() -> None:
    """From now on, in this process, each object is serialised once per write (idempotent)."""
    import pydyf

    if _pydyf:
        return
    _pydyf.update({cls: cls.data for cls in (pydyf.Stream, pydyf.Dictionary, pydyf.Array)}, write=pydyf.PDF.write)
    for cls in (pydyf.Stream, pydyf.Dictionary, pydyf.Array):
        cls.data = _remembered(_pydyf[cls])
    pydyf.PDF.write = _remembering(_pydyf["write"])


def uninstall() -> None:
    """pydyf's own serialisation again."""
    import pydyf

    if not _pydyf:
        return
    for cls in (pydyf.Stream, pydyf.Dictionary, pydyf.Array):
        cls.data = _pydyf[cls]
    pydyf.PDF.write = _pydyf["write"]
    _pydyf.clear()


@contextmanager
def serialised_twice() -> Iterator[None]:
    """Within the block, pydyf serialises as it does by itself (the benchmark's lever, and the tests)."""
    installed = bool(_pydyf)
    uninstall()
    try:
        yield
    finally:
        if installed:
            install()
