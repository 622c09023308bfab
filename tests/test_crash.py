"""Builds killed at every step, and two builds at once: real processes, one output folder, one history.

After each kill the previous results are intact (or the new ones complete), the history matches the
folder once any command has opened it again, and a plain rerun of the killed command completes.  The
steps are named in reporter.store.atomic (``REPORTER_TEST_CRASH_AT`` makes the process SIGKILL itself
there); a bounded loop also kills a two-worker build at increasing delays.
"""

from __future__ import annotations

import copy
import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from reporter.store.confirmations import current_letters
from reporter.store.journal import (
    JOURNAL,
    HistoryPendingError,
    StatementLog,
    commit_journal,
    recover_output,
    write_journal,
)
from reporter.writers.manifest import read_manifest
from tests.conftest import BASE, ROOT, write_book

PERIOD = "2026-10"
CHANGE = ("--change-reason", "评分更正", "--approved-by", "人事经理")


def inputs(root: Path) -> tuple[Path, Path]:
    """Workbook A, and B with E002's rating corrected (everyone's letter may change: ranks, pools)."""
    a = write_book(root / "a.xlsx", copy.deepcopy(BASE))
    sheets = copy.deepcopy(BASE)
    sheets["评分"][2][2] = 5
    return a, write_book(root / "b.xlsx", sheets)


def reporter(*args, crash_at: str | None = None, wait: bool = True) -> subprocess.Popen | subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("REPORTER_TEST_CRASH_AT", None)
    if crash_at:
        env["REPORTER_TEST_CRASH_AT"] = crash_at
    command = [sys.executable, "-m", "reporter", *map(str, args)]
    if not wait:
        return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)


def folder_codes(out: Path) -> dict[str, str]:
    return {r.employee_id: r.letter_code for r in read_manifest(out / PERIOD).recipients}


def history_codes(out: Path) -> dict[str, str]:
    return {eid: code for eid, (_, code) in (current_letters(out / "reporter.sqlite", PERIOD) or {}).items()}


def recorded_input(out: Path) -> str:
    with closing(sqlite3.connect(out / "reporter.sqlite")) as conn:
        return conn.execute("SELECT input_sha256 FROM periods WHERE period = ?", (PERIOD,)).fetchone()[0]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leftovers(out: Path) -> list[str]:
    hidden = [p.name for p in out.iterdir() if p.name.startswith((".staging-", ".replaced-"))]
    return hidden + ([JOURNAL] if (out / PERIOD / JOURNAL).exists() else [])


@pytest.fixture(scope="module")
def built_a(tmp_path_factory):
    """Period 2026-10 built from A, once; each test works on a copy."""
    root = tmp_path_factory.mktemp("crash")
    a, b = inputs(root)
    out = root / "out"
    done = reporter("build", a, "--out", out, "--workers", "1")
    assert done.returncode == 0, done.stdout + done.stderr
    return a, b, out


@pytest.fixture
def out_a(built_a, tmp_path):
    a, b, out = built_a
    copy_ = tmp_path / "out"
    shutil.copytree(out, copy_)
    return a, b, copy_


@pytest.mark.slow
@pytest.mark.parametrize(("step", "files_after_kill", "history_after_kill"), [
    ("staged", "a", "a"),  # every file written, nothing renamed yet
    ("between_renames", None, "a"),  # the old folder moved aside, the new one not yet in place
    ("swapped", "b", "a"),  # the new folder in place, its journal not yet committed
    ("published", "b", "a"),  # the old folder removed, the journal not yet committed
    ("recorded", "b", "b"),  # the journal committed
])
def test_a_build_killed_at_each_step_recovers(out_a, step, files_after_kill, history_after_kill):
    a, b, out = out_a
    codes_a = folder_codes(out)
    assert history_codes(out) == codes_a and recorded_input(out) == sha(a)
    killed = reporter("build", b, "--out", out, "--force", "--workers", "1", *CHANGE, crash_at=step)
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr

    if files_after_kill is None:
        assert not (out / PERIOD).exists()  # the results sit only in .replaced-*: the next run puts them back
    else:
        assert (folder_codes(out) == codes_a) == (files_after_kill == "a")
    assert (history_codes(out) == codes_a) == (history_after_kill == "a")

    # Any run that opens the output folder recovers first: here the build without --force, refused.
    refused = reporter("build", b, "--out", out, "--workers", "1", *CHANGE)
    assert refused.returncode == 1 and "已存在" in refused.stdout + refused.stderr, refused.stdout + refused.stderr
    assert leftovers(out) == []
    assert history_codes(out) == folder_codes(out)  # the history matches the folder
    expected_input = sha(a) if files_after_kill in ("a", None) else sha(b)
    assert recorded_input(out) == expected_input
    if files_after_kill is None:
        assert folder_codes(out) == codes_a and "已恢复原有结果" in refused.stderr

    # The plain rerun of the killed command completes.
    rerun = reporter("build", b, "--out", out, "--force", "--workers", "1", *CHANGE)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert leftovers(out) == [] and history_codes(out) == folder_codes(out) and recorded_input(out) == sha(b)


@pytest.mark.slow
def test_a_build_killed_at_increasing_delays_never_loses_a_period(out_a):
    """A bounded loop: kill a two-worker build after 0.5 s, 1 s, … whatever it was doing."""
    a, b, out = out_a
    for delay in (0.5, 1.0, 1.5, 2.0, 3.0):
        running = reporter("build", b, "--out", out, "--force", "--workers", "2", *CHANGE, wait=False)
        time.sleep(delay)
        running.kill()
        running.wait(timeout=30)
        check = reporter("build", b, "--out", out, "--workers", "1", *CHANGE)  # recovers, then refuses: it exists
        assert check.returncode == 1, check.stdout + check.stderr
        assert leftovers(out) == [] and (out / PERIOD / "manifest.json").is_file()
        assert history_codes(out) == folder_codes(out), delay
    assert reporter("build", b, "--out", out, "--force", "--workers", "1", *CHANGE).returncode == 0


@pytest.mark.slow
def test_two_builds_of_one_period_at_once_one_wins_and_one_is_refused(tmp_path):
    a, b = inputs(tmp_path)
    out = tmp_path / "out"
    first = reporter("build", a, "--out", out, "--workers", "1", *CHANGE, wait=False)
    second = reporter("build", b, "--out", out, "--workers", "1", *CHANGE, wait=False)
    outputs = [p.communicate(timeout=300)[0] for p in (first, second)]
    codes = sorted(p.returncode for p in (first, second))
    assert codes == [0, 1], outputs
    loser = outputs[[first.returncode, second.returncode].index(1)]
    assert "已存在" in loser
    winner = (a, b)[[first.returncode, second.returncode].index(0)]
    assert recorded_input(out) == sha(winner)  # the folder and the history are the winner's, whole
    assert history_codes(out) == folder_codes(out) and leftovers(out) == []


@pytest.mark.slow  # waits out SQLite's busy timeout (5 s)
def test_a_history_locked_at_the_commit_keeps_the_journal_until_a_later_run(out_a):
    """The files are in place and the history cannot take their record: the journal waits in the folder."""
    _, _, out = out_a
    db = out / "reporter.sqlite"
    log = StatementLog()
    log.execute("UPDATE periods SET built_at = ? WHERE period = ?", ("2026-11-20T10:00:00", PERIOD))
    write_journal(out / PERIOD, log)
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sqlite3, sys, time\n"
        f"conn = sqlite3.connect({str(db)!r}, isolation_level=None)\n"
        "conn.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); time.sleep(30)")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(HistoryPendingError) as raised:
            commit_journal(db, out / PERIOD)
        assert "database is locked" in str(raised.value) and str(out / PERIOD) in str(raised.value)
        assert (out / PERIOD / JOURNAL).is_file()
    finally:
        holder.kill()
        holder.wait()
    assert [(x.action, x.path) for x in recover_output(out, db)] == [("completed_history", out / PERIOD)]
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT built_at FROM periods").fetchone()[0] == "2026-11-20T10:00:00"
    assert not (out / PERIOD / JOURNAL).exists()


@pytest.mark.slow
@pytest.mark.parametrize("step", ["staged", "swapped"])
def test_a_plan_killed_after_its_files_is_recorded_by_the_next_run(tmp_path, step):
    """The agreements a killed plan run published are recorded by the next run, never issued twice."""
    from reporter.store.agreed import load_agreed
    from reporter.store.documents import current_documents
    from tests.test_plan import plan_sheets

    book, out = write_book(tmp_path / "plan.xlsx", plan_sheets()), tmp_path / "out"
    killed = reporter("plan", book, "--out", out, "--workers", "1", crash_at=step)
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
    term = out / "plans" / PERIOD
    published = step == "swapped"
    assert (term / JOURNAL).is_file() == published and not load_agreed(out / "reporter.sqlite", PERIOD)
    # The rerun: as it was when nothing was published; with --force once this period's tracking files exist.
    rerun = reporter("plan", book, "--out", out, "--workers", "1", *(["--force"] if published else []))
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    issued = "目标责任书：0 份" if published else "目标责任书：3 份"  # E003 is not appraised
    assert issued in rerun.stdout, rerun.stdout
    assert sorted(load_agreed(out / "reporter.sqlite", PERIOD)) == ["E001", "E002", "E004"]
    documents = current_documents(out / "reporter.sqlite", "agreement", PERIOD)
    assert {eid: d.version for eid, d in documents.items()} == {"E001": 1, "E002": 1, "E004": 1}
    assert not (term / JOURNAL).exists() and not [p for p in (out / "plans").iterdir() if p.name.startswith(".")]
