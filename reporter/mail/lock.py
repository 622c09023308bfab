"""One sending run per ledger and period at a time.

The guard is an ``flock`` on a small file beside the ledger database
(``reporter.sqlite-email-2026-10.lock``; :func:`reporter.store.atomic.file_lock`, which the kernel
releases the moment the holding process ends, however it ends).  A second run does not wait (a
batch can take many minutes at the server's rate limit): it stops before sending anything and names
the run that holds the lock.  The file stays behind, empty when no run holds it.

The lock is per ledger and period, not per period folder: the ledger is what
says "sent", and a rebuilt period folder must not hand a second run a fresh lock.
Within the lock each message is still claimed in the ledger (``Ledger.claim``),
so even a run that somehow got past it (a file system that ignores ``flock``)
cannot send a message another run has taken.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from reporter.errors import DeliveryError
from reporter.store.atomic import file_lock


def lock_path(db_path: Path, period: str) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(f"{db_path.name}-email-{period}.lock")


@contextmanager
def sending_lock(db_path: Path, period: str, started: str) -> Iterator[Path]:
    """Hold the period's sending lock for the block, or raise a DeliveryError naming who holds it."""
    path = lock_path(db_path, period)
    with ExitStack() as stack:
        try:
            busy = stack.enter_context(
                file_lock(path, f"{socket.gethostname()} 上的进程 {os.getpid()}，开始于 {started}", wait=False))
        except OSError as err:
            raise DeliveryError(f"无法锁定 {path}（{err.strerror}）：请把账本数据库（--db）放在本机磁盘上") from err
        if busy is not None:
            raise DeliveryError(f"本期邮件正由另一次运行发送（{busy}）：本次未发送任何邮件。"
                                "等它结束后再运行同一命令，只会发送尚未发送的邮件")
        yield path
