"""A run's history rows travel inside the folder it publishes until the history holds them.

A full build (or a plan run) cannot rename a folder and commit a database in one step.  So the
statements that record it (a period's results and its letters' versions; a term's agreements, changes
and agreement versions) are written, before the swap, into the staged folder as ``.history-pending.json``; the folder's rename publishes the files and that journal together; the
journal is then committed to the history in one transaction and deleted.  A crash or a failed commit
(a locked, read-only or full database) leaves the journal in the period folder, and the next run that
opens the output folder commits it (:func:`commit_journal` is idempotent: every statement replaces rows
or inserts what is missing).  Files and history therefore never disagree for longer than until the
next run, and no run reads a stale history while a journal is pending.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

from reporter.errors import ReporterError
from reporter.store.atomic import Leftover, clear_leftovers, output_lock, write_bytes_atomic
from reporter.store.history import SCHEMA_VERSION, connect_history

JOURNAL = ".history-pending.json"


class StatementLog:
    """Stands in for a connection: records the write statements a function runs, to replay them later."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, list[list]]] = []

    def execute(self, sql: str, params=()) -> None:
        self.statements.append((sql, [list(params)]))

    def executemany(self, sql: str, rows) -> None:
        self.statements.append((sql, [list(row) for row in rows]))


def write_journal(folder: Path, log: StatementLog) -> Path:
    """The journal of ``log`` in ``folder`` (mode 0600: it holds everyone's pay)."""
    data = {"schema": SCHEMA_VERSION, "statements": log.statements}
    path = Path(folder) / JOURNAL
    write_bytes_atomic(path, json.dumps(data, ensure_ascii=False).encode("utf-8"))
    return path


def commit_journal(db_path: Path, folder: Path) -> bool:
    """Commit the journal of ``folder`` to the history, if it has one; True when there was one."""
    path = Path(folder) / JOURNAL
    if not path.is_file():
        return False
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        schema, statements = data["schema"], data["statements"]
    except (ValueError, KeyError, TypeError) as err:
        raise ReporterError(f"{path} 已损坏（{err}）：请用 --force 重新生成 {Path(folder).name}") from None
    if schema != SCHEMA_VERSION:
        raise ReporterError(f"{path} 由另一版本的 reporter 写出（历史记录格式 {schema}，本版 {SCHEMA_VERSION}）："
                            f"请用 --force 重新生成 {Path(folder).name}")
    try:
        with closing(connect_history(Path(db_path))) as conn, conn:
            for sql, rows in statements:
                conn.executemany(sql, rows)
    except sqlite3.Error as err:
        raise HistoryPendingError(Path(folder), Path(db_path), getattr(err, "reason", str(err))) from None
    path.unlink(missing_ok=True)
    return True


class HistoryPendingError(ReporterError):
    """The files are in place, the history could not take their record yet; the next run completes it."""

    def __init__(self, folder: Path, db_path: Path, reason: str):
        super().__init__(f"{folder} 的文件已写入，但历史记录 {db_path} 暂时无法写入（{reason}）：解决后再运行任一 "
                         f"reporter 命令（如 reporter status {folder}）即会自动补记；在此之前不会按旧记录计算")
        self.folder, self.db_path, self.reason = folder, db_path, reason


def recover_output(out_dir: Path, db_path: Path) -> list[Leftover]:
    """What dead runs left in ``out_dir``, cleared, and every pending journal committed; only under its lock.

    Returns what was done (``completed_history`` for a committed journal), for the command to report.
    """
    out_dir = Path(out_dir)
    done = clear_leftovers(out_dir) + clear_leftovers(out_dir / "plans")
    for folder in sorted(p.parent for pattern in (f"*/{JOURNAL}", f"plans/*/{JOURNAL}") for p in out_dir.glob(pattern)):
        if commit_journal(db_path, folder):
            done.append(Leftover("completed_history", folder))
    return done


def complete_pending(out_dir: Path, db_path: Path) -> list[Leftover]:
    """:func:`recover_output` for a command that only reads a period: skipped while a run holds the folder
    (that run recovers it, and commits its own journal)."""
    if not Path(out_dir).is_dir():
        return []
    with output_lock(Path(out_dir), wait=False) as held:
        return recover_output(Path(out_dir), db_path) if held else []
