"""Files that hold everyone's pay are the owner's alone (mode 0600), and their failures name them.

The history database (``reporter.sqlite`` or ``--db``) is created with mode 0600 before SQLite opens
it; SQLite gives its side files (``-journal``, ``-wal``, ``-shm``) the mode of the database, so they
are private too.  A database or side file found readable by group or others (written by an older
version, or copied with a loose umask) is tightened to 0600 silently: nothing is lost, and the
period folders beside it are 0700 already.

A database that cannot be used right now (locked by another program, read-only, full disk, not a
database) raises :class:`DatabaseUnavailableError`, which names the file and what to do; it is a
``sqlite3.OperationalError`` too, so code that handles SQLite errors keeps working.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

from reporter.errors import ReporterError

PRIVATE_MODE = 0o600
SIDE_FILES = ("-journal", "-wal", "-shm")
BUSY_TIMEOUT = 5.0  # seconds a statement waits for another program's lock before giving up


def make_private(path: Path) -> None:
    """Create ``path`` empty with mode 0600 if it is missing; take group and other permissions off if not."""
    path = Path(path)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, PRIVATE_MODE))
    except FileExistsError:
        tighten(path)


def tighten(path: Path) -> None:
    """Mode 0600 (keeping the owner's bits) for a regular file readable by others; nothing else changes."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return
    if stat.S_ISREG(info.st_mode) and info.st_mode & 0o077:
        try:
            os.chmod(path, stat.S_IMODE(info.st_mode) & 0o700)
        except OSError:
            pass  # not ours to change (another owner, read-only media): reading it still works


# What SQLite says, what it means for HR, and what to do about it.
_REASONS = (
    ("locked", "正被另一程序占用（如另一次 reporter 运行，或打开了它的数据库工具）",
     "等另一程序结束（或关闭该数据库工具）后重试"),
    ("readonly", "是只读的", "请确认该文件及其所在文件夹可写（不在只读磁盘或只读共享上）后重试"),
    ("unable to open", "无法打开", "请确认其所在文件夹存在且可写，或用 --db 指定另一个位置"),
    ("disk is full", "所在磁盘已满", "请释放磁盘空间后重试；已有的结果未受影响"),
    ("disk i/o", "读写时发生磁盘错误", "请检查磁盘或网络共享是否正常；历史数据库宜放在本机磁盘上"),
    ("not a database", "不是 reporter 的数据库或已损坏", "请检查 --db 所指的文件，或从备份恢复"),
    ("malformed", "已损坏", "请从备份恢复该文件"),
)


def describe_failure(reason: str) -> tuple[str, str]:
    """(what is wrong, what to do) for SQLite's message ``reason``, in HR's words."""
    return next(((what, todo) for key, what, todo in _REASONS if key in reason.lower()),
                ("无法使用", "请检查该文件后重试"))


class DatabaseUnavailableError(ReporterError, sqlite3.OperationalError):
    """The history database (or mail ledger) cannot be used now; names the file and what to do."""

    def __init__(self, path: Path, reason: str):
        self.path, self.reason = Path(path), reason
        what, todo = describe_failure(reason)
        super().__init__(f"历史数据库 {self.path} {what}（{reason}）：{todo}")


def _unavailable(err: sqlite3.Error) -> bool:
    return not isinstance(err, DatabaseUnavailableError) and any(key in str(err).lower() for key, _, _ in _REASONS)


class _Connection(sqlite3.Connection):
    """A connection that knows its file: an environment failure is raised as DatabaseUnavailableError."""

    path: Path

    def _guard(self, call, *args):
        try:
            return call(*args)
        except sqlite3.DatabaseError as err:
            if _unavailable(err):
                raise DatabaseUnavailableError(self.path, str(err)) from err
            raise

    def execute(self, *args):
        return self._guard(super().execute, *args)

    def executemany(self, *args):
        return self._guard(super().executemany, *args)

    def executescript(self, *args):
        return self._guard(super().executescript, *args)

    def commit(self):
        return self._guard(super().commit)

    def __exit__(self, *args):
        return self._guard(super().__exit__, *args)


def connect_private(path: Path) -> sqlite3.Connection:
    """Open (creating it with mode 0600) the SQLite file at ``path``; its parent folder is created too."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    make_private(path)
    for suffix in SIDE_FILES:
        tighten(path.with_name(path.name + suffix))
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT, factory=_Connection)
    except sqlite3.DatabaseError as err:
        if _unavailable(err):
            raise DatabaseUnavailableError(path, str(err)) from err
        raise
    conn.path = path
    return conn
