"""The send ledger: one row per message and channel, in the history database.

planned → sending (committed before the SMTP transaction starts) → sent, or
failed (5xx: permanent), retry (4xx or a connection lost before the data was
sent), unknown (the connection was lost while the message data was in flight:
it may have been delivered).  A rerun sends what is planned or retry, never
what is sent, and unknown only when asked to.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

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
    PRIMARY KEY (period, employee_id, channel)
);
"""


class Ledger:
    def __init__(self, path: Path, period: str, channel: str, clock):
        self.path, self.period, self.channel, self.clock = Path(path), period, channel, clock
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(self.path)
        self.conn.executescript(_SCHEMA)

    def close(self) -> None:
        self.conn.close()

    def status(self, employee_id: str) -> tuple[str, str] | None:
        row = self.conn.execute(
            "SELECT status, last_reply FROM outbox WHERE period=? AND employee_id=? AND channel=?",
            (self.period, employee_id, self.channel)).fetchone()
        return None if row is None else (row[0], row[1])

    def plan(self, employee_id: str, recipient: str, message_id: str) -> None:
        with self.conn:
            self.conn.execute(
                "INSERT INTO outbox (period, employee_id, channel, recipient, message_id, status, updated_at) "
                "VALUES (?, ?, ?, ?, ?, 'planned', ?) ON CONFLICT DO UPDATE SET recipient=excluded.recipient, "
                "message_id=excluded.message_id, updated_at=excluded.updated_at",
                (self.period, employee_id, self.channel, recipient, message_id, self.clock()))

    def mark(self, employee_id: str, status: str, reply: str = "", *, attempt: bool = False) -> None:
        assert status in STATUSES
        with self.conn:  # committed at once: a crash right after must not lose what happened
            self.conn.execute(
                "UPDATE outbox SET status=?, last_reply=?, attempts=attempts+?, updated_at=? "
                "WHERE period=? AND employee_id=? AND channel=?",
                (status, reply, int(attempt), self.clock(), self.period, employee_id, self.channel))


def ledger_rows(path: Path, period: str) -> list[tuple]:
    """(employee_id, channel, recipient, status, attempts, last_reply) of a period, for reports and tests."""
    if not Path(path).exists():
        return []
    with closing(sqlite3.connect(path)) as conn:
        conn.executescript(_SCHEMA)
        return conn.execute("SELECT employee_id, channel, recipient, status, attempts, last_reply FROM outbox "
                            "WHERE period=? ORDER BY employee_id, channel", (period,)).fetchall()
