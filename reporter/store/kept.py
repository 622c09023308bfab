"""What a rebuild keeps of the period folder it replaces: files that other commands wrote into it.

``reporter email`` (a dry run) writes ``outbox/<工号>.eml`` into the period folder for HR to read
before sending.  A ``build --force`` replaces the whole folder; without this, those files would be
deleted without a word.  They are carried into the new folder unchanged (hard links, so nothing is
copied) and the build says so: they still show the results before the rebuild until ``reporter
email`` is run again.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

KEPT_FOLDERS = ("outbox",)


def _link_or_copy(source: str, destination: str) -> None:
    try:
        os.link(source, destination)
    except OSError:  # another file system, or one without hard links
        shutil.copy2(source, destination)


def carry_over(old_folder: Path, new_folder: Path) -> tuple[Path, ...]:
    """Each kept folder of ``old_folder`` into ``new_folder`` (which must not have it); the files, in the new one."""
    carried: list[Path] = []
    for name in KEPT_FOLDERS:
        source = Path(old_folder) / name
        if source.is_dir() and not source.is_symlink():
            destination = Path(new_folder) / name
            shutil.copytree(source, destination, symlinks=True, copy_function=_link_or_copy)
            carried += sorted(p for p in destination.rglob("*") if p.is_file())
    return tuple(carried)
