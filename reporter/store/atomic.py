"""Atomic output: a period's files appear complete or not at all.

A build writes into a staging folder beside the target and renames it into
place at the end.  A failed build leaves the previous results untouched; an
existing period is only replaced when the caller asked for it (``--force``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from reporter.errors import OutputExistsError


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write a single file via a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def check_target(target: Path, force: bool) -> None:
    if target.exists() and any(target.iterdir()) and not force:
        raise OutputExistsError(
            f"{target} 已存在（该期间已生成过结果）。如确需重新生成并替换，请加 --force；其他期间的结果不受影响")


@contextmanager
def staged_folder(target: Path, force: bool):
    """Yield a staging folder; on success it replaces ``target``, on failure it is removed."""
    check_target(target, force)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".staging-{target.name}-", dir=target.parent))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".replaced-{target.name}-", dir=target.parent))
        os.replace(target, old / target.name)
    try:
        os.replace(staging, target)
    except OSError:
        if old is not None:
            os.replace(old / target.name, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
