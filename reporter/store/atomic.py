"""Atomic output: a period's files appear complete or not at all.

A build writes into a staging folder beside the target and renames it into
place at the end.  A failed build leaves the previous results untouched; an
existing period is only replaced when the caller asked for it (``--force``).

Runs that write one output folder take its lock (:func:`output_lock`) for their whole length, so they
follow one another; the kernel drops the lock of a process that dies, so a crash never leaves it held.
Holding the lock, a run clears what a dead run left (:func:`clear_leftovers`): a half-written
staging folder is removed, and a period a crash left only in its ``.replaced-*`` folder is put back.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import socket
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from reporter.errors import OutputExistsError


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write a single file via a temporary file and a rename."""
    with atomic_file(path) as fh:
        fh.write(data)


@contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """A file to write ``path`` through, piece by piece: it becomes ``path`` by a rename when the block ends
    without an error, and is removed otherwise."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
        os.replace(tmp, path)
    except OSError as err:  # a full disk …: the write's error names no file, this one names it
        Path(tmp).unlink(missing_ok=True)
        if err.filename is None:
            raise OSError(err.errno, err.strerror, str(path)) from err
        raise
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def check_target(target: Path, force: bool) -> None:
    if target.exists() and any(target.iterdir()) and not force:
        raise OutputExistsError(
            f"{target} 已存在（该期间已生成过结果）。如确需重新生成并替换，请加 --force；其他期间的结果不受影响")


LOCK_NAME = ".reporter.lock"
CRASH_AT = "REPORTER_TEST_CRASH_AT"  # tests kill the process at a named step (see crash_point)


def crash_point(step: str) -> None:
    """Where the crash tests kill a run (``REPORTER_TEST_CRASH_AT=step``): a no-op unless that is set."""
    if os.environ.get(CRASH_AT) == step:
        os.kill(os.getpid(), signal.SIGKILL)


@contextmanager
def file_lock(path: Path, holder: str, *, wait: bool = True,
              on_wait: Callable[[str], None] | None = None) -> Iterator[str | None]:
    """Hold the ``flock`` of ``path`` (created 0600), with ``holder`` written into it while held.

    The kernel releases an ``flock`` when its process ends in any way, so a killed run never leaves
    one held, and nothing has to guess whether a pid is alive.  Yields None once held; when another
    process holds it, ``wait=False`` yields that process's holder text at once instead, and a waiting
    run is first told it through ``on_wait``.  Local file systems only (not NFS).
    """
    fd = _locked(Path(path), on_wait, wait)
    if isinstance(fd, str):
        yield fd
        return
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, holder.encode(), 0)
        yield None
    finally:
        os.ftruncate(fd, 0)  # an empty file: nobody holds it
        os.close(fd)  # closing the last descriptor releases the lock


def _locked(path: Path, on_wait: Callable[[str], None] | None, wait: bool) -> int | str:
    """An fd of ``path`` holding its flock, or (busy and not to wait) the holder's text.

    A lock file can be removed by its holder (see output_lock): a run that got the lock of a file no
    longer at ``path`` opens it again, so two runs never hold locks on two different files.
    """
    told = False
    while True:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 500, 0).decode("utf-8", "replace").strip() or "?"
            if not wait:
                os.close(fd)
                return holder
            if on_wait is not None and not told:
                on_wait(holder)
                told = True
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError:
            os.close(fd)
            raise
        try:
            if os.fstat(fd).st_ino == os.stat(path).st_ino:
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)


@contextmanager
def output_lock(out_dir: Path, on_wait: Callable[[str], None] | None = None, wait: bool = True) -> Iterator[bool]:
    """Hold ``out_dir``'s lock (:func:`file_lock` on ``out_dir/.reporter.lock``): another run waits.

    With ``wait=False`` it yields False at once when another run holds the lock.  A run that created
    ``out_dir`` and wrote nothing into it (bad input) removes it again.
    """
    out_dir = Path(out_dir)
    created = not out_dir.exists()
    out_dir.mkdir(parents=True, exist_ok=True)
    with file_lock(out_dir / LOCK_NAME, f"pid {os.getpid()} on {socket.gethostname()}", wait=wait,
                   on_wait=on_wait) as busy:
        try:
            yield busy is None
        finally:
            if busy is None and created and os.listdir(out_dir) == [LOCK_NAME]:
                (out_dir / LOCK_NAME).unlink()  # before the lock is released: a waiting run then retries
                out_dir.rmdir()


@dataclass(frozen=True)
class Leftover:
    """What a dead run left beside a folder, and what was done about it."""

    action: str  # "removed_staging", "restored", "removed_replaced"
    path: Path  # the folder concerned (the target, for "restored")
    size: int = 0  # bytes removed


def _size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def clear_leftovers(parent: Path) -> list[Leftover]:
    """Clear what dead runs left in ``parent``; only while holding the output folder's lock."""
    done: list[Leftover] = []
    if not Path(parent).is_dir():
        return done
    for folder in sorted(Path(parent).iterdir()):
        if not folder.is_dir():
            continue
        if folder.name.startswith(".staging-"):
            done.append(Leftover("removed_staging", folder, _size(folder)))
            shutil.rmtree(folder, ignore_errors=True)
        elif folder.name.startswith(".replaced-"):
            for kept in list(folder.iterdir()):
                target = Path(parent) / kept.name
                if not target.exists():  # killed between the two renames: the old results go back
                    os.replace(kept, target)
                    done.append(Leftover("restored", target))
            done.append(Leftover("removed_replaced", folder, _size(folder)))
            shutil.rmtree(folder, ignore_errors=True)
    return done


@contextmanager
def staged_folder(target: Path, force: bool):
    """Yield a staging folder; on success it replaces ``target``, on failure it is removed.

    The existence check is made again at the swap: whatever appeared meanwhile is never silently replaced.
    """
    check_target(target, force)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".staging-{target.name}-", dir=target.parent))
    try:
        yield staging
        crash_point("staged")
        check_target(target, force)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".replaced-{target.name}-", dir=target.parent))
        os.replace(target, old / target.name)
        crash_point("between_renames")
    try:
        os.replace(staging, target)
    except OSError:
        if old is not None:
            os.replace(old / target.name, target)
        raise
    crash_point("swapped")
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
