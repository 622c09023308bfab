"""The send ledger: one row per message and channel, in the history database.

planned → sending (the claim, committed before the SMTP transaction starts) →
sent, or failed (5xx: permanent), retry (4xx or a connection lost before the
data was sent), unknown (the connection was lost while the message data was in
flight, or the run sending it died: it may have been delivered).  A rerun sends
what is planned or retry, never what is sent, and unknown only when asked to.

A message is sent only by the run that claimed it: ``claim`` moves the row to
``sending`` only if it still has the status this run saw, in one write
transaction, so of two runs racing for one message exactly one wins.

A letter re-issued as a new version (reporter.store.documents) is a new
message: the ledger is keyed by the letter's version too, so version 2 is
sent even though version 1 was, and both rows stay.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from contextlib import closing
from pathlib import Path

from reporter.store.private import connect_private

STATUSES = ("planned", "sending", "sent", "failed", "retry", "unknown")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    period TEXT NOT NULL,
    employee_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    message_id TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_reply TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (period, employee_id, channel, version)
);
"""
_COLUMNS = "period, employee_id, channel, recipient, message_id, status, attempts, last_reply, updated_at"


def ensure_outbox(conn: sqlite3.Connection) -> None:
    """Create the table, or move a ledger from before letter versions into it (its rows were version 1)."""
    columns = [row[1] for row in conn.execute("PRAGMA table_info(outbox)")]
    if columns and "version" not in columns:
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("ALTER TABLE outbox RENAME TO outbox_unversioned")
            conn.execute(_SCHEMA)
            conn.execute(f"INSERT INTO outbox ({_COLUMNS}, version) SELECT {_COLUMNS}, 1 FROM outbox_unversioned")
            conn.execute("DROP TABLE outbox_unversioned")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    conn.executescript(_SCHEMA)


class Ledger:
    """The rows of one period and channel; ``versions`` gives each employee's letter version (default 1)."""

    def __init__(self, path: Path, period: str, channel: str, clock, versions: Mapping[str, int] | None = None):
        self.path, self.period, self.channel, self.clock = Path(path), period, channel, clock
        self.versions = dict(versions or {})
        self.conn = connect_private(self.path)
        ensure_outbox(self.conn)

    def _key(self, employee_id: str) -> tuple:
        return self.period, employee_id, self.channel, self.versions.get(employee_id, 1)

    def close(self) -> None:
        self.conn.close()

    def status(self, employee_id: str) -> tuple[str, str] | None:
        row = self.conn.execute(
            "SELECT status, last_reply FROM outbox WHERE period=? AND employee_id=? AND channel=? AND version=?",
            self._key(employee_id)).fetchone()
        return None if row is None else (row[0], row[1])

    def plan(self, employee_id: str, recipient: str, message_id: str) -> None:
        with self.conn:
            self.conn.execute(
                "INSERT INTO outbox (period, employee_id, channel, version, recipient, message_id, status, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, 'planned', ?) ON CONFLICT DO UPDATE SET recipient=excluded.recipient, "
                "message_id=excluded.message_id, updated_at=excluded.updated_at",
                (*self._key(employee_id), recipient, message_id, self.clock()))

    def claim(self, employee_id: str, seen: str) -> bool:
        """Take the message for this run: True if its row still had status ``seen`` and is now ``sending``."""
        self.conn.execute("BEGIN IMMEDIATE")  # the write lock first: the check and the change are one step
        try:
            taken = self.conn.execute(
                "UPDATE outbox SET status='sending', last_reply='', attempts=attempts+1, updated_at=? "
                "WHERE period=? AND employee_id=? AND channel=? AND version=? AND status=?",
                (self.clock(), *self._key(employee_id), seen)).rowcount == 1
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        return taken

    def abandon_claims(self, reply: str) -> list[str]:
        """Rows left ``sending`` by a run that died become ``unknown``; the employees, for the report.

        Called only while holding the period's sending lock (reporter.mail.lock), when no other run
        can be sending: a ``sending`` row then belongs to a run that ended before it heard back.
        """
        with self.conn:
            rows = self.conn.execute(
                "UPDATE outbox SET status='unknown', last_reply=?, updated_at=? "
                "WHERE period=? AND channel=? AND status='sending' RETURNING employee_id",
                (reply, self.clock(), self.period, self.channel)).fetchall()
        return sorted(row[0] for row in rows)

    def undelivered(self) -> list[tuple[str, str, str]]:
        """(employee_id, status, last_reply) of each current message of the period and channel not ``sent``.

        Current: the letter version the period folder holds now (a superseded version's row no longer counts);
        with ``versions`` given, only those employees.  Messages no run has chosen yet have no row.
        """
        rows = self.conn.execute(
            "SELECT employee_id, version, status, last_reply FROM outbox WHERE period=? AND channel=? "
            "AND status != 'sent' ORDER BY employee_id", (self.period, self.channel)).fetchall()
        return [(eid, status, reply) for eid, version, status, reply in rows
                if (eid in self.versions or not self.versions) and version == self.versions.get(eid, 1)]

    def mark(self, employee_id: str, status: str, reply: str = "", *, attempt: bool = False) -> None:
        assert status in STATUSES
        with self.conn:  # committed at once: a crash right after must not lose what happened
            self.conn.execute(
                "UPDATE outbox SET status=?, last_reply=?, attempts=attempts+?, updated_at=? "
                "WHERE period=? AND employee_id=? AND channel=? AND version=?",
                (status, reply, int(attempt), self.clock(), *self._key(employee_id)))


def ledger_rows(path: Path, period: str) -> list[tuple]:
    """(employee_id, channel, recipient, status, attempts, last_reply) of a period, for reports and tests."""
    if not Path(path).exists():
        return []
    with closing(connect_private(path)) as conn:
        ensure_outbox(conn)
        return conn.execute("SELECT employee_id, channel, recipient, status, attempts, last_reply FROM outbox "
                            "WHERE period=? ORDER BY employee_id, channel, version", (period,)).fetchall()


def ledger_versions(path: Path, period: str) -> list[tuple]:
    """(employee_id, channel, version, status) of a period: every letter version sent or planned."""
    if not Path(path).exists():
        return []
    with closing(connect_private(path)) as conn:
        ensure_outbox(conn)
        return conn.execute("SELECT employee_id, channel, version, status FROM outbox WHERE period=? "
                            "ORDER BY employee_id, channel, version", (period,)).fetchall()
