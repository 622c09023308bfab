"""One sending run per ledger and period at a time.

The guard is an ``flock`` on a small file beside the ledger database
(``reporter.sqlite-email-2026-10.lock``).  Why ``flock`` and not a lock row with
a heartbeat: the kernel releases it the moment the holding process ends, however
it ends (``SIGKILL``, a power cut of a remote session), so a crashed run never
leaves the period locked and nothing has to guess whether a pid is still alive
or a lease has expired.  A second run does not wait (a batch can take many
minutes at the server's rate limit): it stops before sending anything and names
the run that holds the lock, read from the file.  The file stays behind, empty
when no run holds it; deleting an flock file on release would let a waiting
opener lock a file that no longer has a name.

The lock is per ledger and period, not per period folder: the ledger is what
says "sent", and a rebuilt period folder must not hand a second run a fresh lock.
Within the lock each message is still claimed in the ledger (``Ledger.claim``),
so even a run that somehow got past it (a file system that ignores ``flock``)
cannot send a message another run has taken.
"""

from __future__ import annotations

import fcntl
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reporter.errors import DeliveryError


def lock_path(db_path: Path, period: str) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(f"{db_path.name}-email-{period}.lock")


@contextmanager
def sending_lock(db_path: Path, period: str, started: str) -> Iterator[Path]:
    """Hold the period's sending lock for the block, or raise a DeliveryError naming who holds it."""
    path = lock_path(db_path, period)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 500, 0).decode("utf-8", "replace").strip() or "另一进程"
            raise DeliveryError(
                f"本期邮件正由另一次运行发送（{holder}）：本次未发送任何邮件。"
                "等它结束后再运行同一命令，只会发送尚未发送的邮件") from None
        except OSError as err:
            raise DeliveryError(f"无法锁定 {path}（{err.strerror}）：请把账本数据库（--db）放在本机磁盘上") from err
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{socket.gethostname()} 上的进程 {os.getpid()}，开始于 {started}".encode(), 0)
        try:
            yield path
        finally:
            os.ftruncate(fd, 0)  # an empty file: nobody holds it
    finally:
        os.close(fd)  # closing the last descriptor releases the lock
