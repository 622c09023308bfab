"""The files a run leaves and the failures of the machine it runs on (issue 13, defect 9).

Modes are read back with os.stat; environment failures are real ones: a file where a folder should be,
a read-only and a full file system (tmpfs, skipped where mounting is not permitted), and a database
held by a second process in an exclusive transaction.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import time
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from reporter.cli import cli
from reporter.mail.ledger import Ledger
from reporter.mail.lock import lock_path, sending_lock
from reporter.store import private
from reporter.store.history import connect_history, list_periods


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


# ------------------------------------------------------------------ 0600 for everything holding pay


def test_a_new_history_and_its_side_files_are_private(tmp_path):
    db = tmp_path / "out" / "reporter.sqlite"
    with closing(connect_history(db)) as conn:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO imported VALUES ('2026-09', 'E001', '90', 'A', 1, 'x')")
        journal = db.with_name(db.name + "-journal")
        assert journal.exists() and mode(journal) == 0o600  # the rollback journal, mid-transaction
        conn.execute("COMMIT")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("INSERT INTO imported VALUES ('2026-08', 'E001', '90', 'A', 1, 'x')")
        conn.commit()
        for suffix in ("-wal", "-shm"):
            assert mode(db.with_name(db.name + suffix)) == 0o600
    assert mode(db) == 0o600


def test_a_history_readable_by_others_is_tightened_when_opened(tmp_path):
    db = tmp_path / "reporter.sqlite"
    with closing(sqlite3.connect(db)) as conn:  # as an older reporter left it
        conn.execute("CREATE TABLE t (x)")
    os.chmod(db, 0o644)
    assert list_periods(db) == []
    assert mode(db) == 0o600


def test_the_mail_ledger_and_its_lock_are_private(tmp_path):
    db = tmp_path / "ledger" / "reporter.sqlite"
    Ledger(db, "2026-10", "live", lambda: "2026-11-05T09:00:00").close()
    with sending_lock(db, "2026-10", "2026-11-05T09:00:00"):
        pass
    assert mode(db) == 0o600 and mode(lock_path(db, "2026-10")) == 0o600


@pytest.mark.slow
def test_after_a_real_build_and_send_every_file_with_pay_is_private(small_build_copy, tmp_path):
    from tests.smtp_server import smtp_server

    out, db = small_build_copy.out, small_build_copy.out / "reporter.sqlite"
    assert mode(db) == 0o600 and mode(out / "2026-10") == 0o700
    assert mode(out / ".reporter.lock") == 0o600
    os.chmod(db, 0o644)  # copied with a loose umask: the next command tightens it
    with smtp_server(tmp_path) as server:
        config = tmp_path / "smtp.toml"
        config.write_text(f'[smtp]\nhost = "{server.host}"\nport = {server.port}\nsecurity = "starttls"\n'
                          f'user = "{server.user}"\ncafile = "{server.cafile}"\nsender = "hr@example.com"\n',
                          encoding="utf-8")
        sent = CliRunner().invoke(cli, ["email", str(out / "2026-10"), "--send", "--config", str(config)],
                                  env={"REPORTER_SMTP_PASSWORD": server.password})
    assert sent.exit_code == 0, sent.output
    assert mode(db) == 0o600 and mode(lock_path(db, "2026-10")) == 0o600
    assert not [p for p in out.iterdir() if p.name.startswith("reporter.sqlite") and mode(p) & 0o077]


# ------------------------------------------------------------------ a rebuild keeps outbox/


@pytest.mark.slow
def test_a_forced_rebuild_keeps_the_outbox_and_says_so(small_build_copy, tmp_path):
    out = small_build_copy.out
    period = out / "2026-10"
    config = tmp_path / "smtp.toml"
    config.write_text('[smtp]\nhost = "smtp.example.com"\nsender = "hr@example.com"\n', encoding="utf-8")
    dry = run("email", str(period), "--config", str(config))
    assert dry.exit_code == 0, dry.output
    before = {p.name: p.read_bytes() for p in (period / "outbox").iterdir()}
    assert sorted(before) == ["E001.eml", "E002.eml", "E003.eml", "E004.eml"]
    rebuilt = run("build", str(small_build_copy.book), "--out", str(out), "--force")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert {p.name: p.read_bytes() for p in (period / "outbox").iterdir()} == before
    assert "已保留 outbox/：4 封邮件" in rebuilt.output
    assert not [p for p in out.iterdir() if p.name.startswith((".staging-", ".replaced-"))]


# ------------------------------------------------------------------ images only from beside the workbook

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.mark.parametrize("name, make, says", [
    ("outside", lambda root: str(root / "elsewhere" / "seal.png"), "不在工作簿所在文件夹"),  # absolute
    ("dotdot", lambda root: "../elsewhere/seal.png", "不在工作簿所在文件夹"),
    ("symlink", lambda root: "link.png", "不在工作簿所在文件夹"),  # a link in the folder to a file outside
    ("text", lambda root: "notes.png", "PNG 或 JPEG"),
    ("huge", lambda root: "huge.png", "不超过 2 MB"),
])
def test_images_must_be_small_png_or_jpeg_files_in_the_workbooks_folder(tmp_path, base_sheets, make_book,
                                                                        name, make, says):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "seal.png").write_bytes(PNG)
    book_dir = tmp_path / "hr"
    book_dir.mkdir()
    (book_dir / "link.png").symlink_to(tmp_path / "elsewhere" / "seal.png")
    (book_dir / "notes.png").write_text("not an image", encoding="utf-8")
    (book_dir / "huge.png").write_bytes(PNG + b"\0" * (2 * 1024 * 1024))
    base_sheets["设置"].append(["公章图片", make(book_dir)])
    book = make_book(base_sheets, name=f"hr/{name}.xlsx")
    result = run("validate", str(book))
    assert result.exit_code == 2, result.output
    row = len(base_sheets["设置"])
    assert f"设置 › 第 {row} 行" in result.output and says in result.output


def test_an_image_in_a_subfolder_of_the_workbook_is_accepted(tmp_path, base_sheets, make_book):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "seal.png").write_bytes(PNG)
    base_sheets["设置"].append(["公章图片", "images/seal.png"])
    result = run("validate", str(make_book(base_sheets)))
    assert result.exit_code == 0, result.output


# ------------------------------------------------------------------ the machine fails: the file and what to do


def assert_plain_failure(result, *words: str) -> None:
    assert result.exit_code == 1, result.output
    assert "内部错误" not in result.output and "Traceback" not in result.output
    for word in words:
        assert word in result.output, result.output


def test_a_file_where_the_output_folder_should_be(tmp_path, make_book):
    blocker = tmp_path / "output"
    blocker.write_text("", encoding="utf-8")
    result = run("build", str(make_book()), "--out", str(blocker / "hr"))
    assert_plain_failure(result, str(blocker / "hr"), "是文件而不是文件夹", "--out")


@contextmanager
def tmpfs(folder: Path, options: str):
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.decode().strip()}): needs root outside a container")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_read_only_file_system(tmp_path, make_book):
    with tmpfs(tmp_path / "ro", "ro,size=64k") as ro:
        result = run("build", str(make_book()), "--out", str(ro / "output"))
    assert_plain_failure(result, str(ro / "output"), "只读", "--out")


def test_a_full_disk(tmp_path, make_book):
    with tmpfs(tmp_path / "small", "size=64k") as small:
        fd = os.open(small / "filler", os.O_WRONLY | os.O_CREAT)
        try:  # fill it: the next write fails
            while os.write(fd, b"\0" * 4096):
                pass
        except OSError:
            pass
        finally:
            os.close(fd)
        result = run("init", str(small / "2026-11.xlsx"))
    assert_plain_failure(result, str(small / "2026-11.xlsx"), "磁盘已满", "释放磁盘空间")


HOLD = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("held", flush=True)
time.sleep(30)
"""


def test_a_database_locked_by_another_program(tmp_path, make_book, monkeypatch):
    out = tmp_path / "output"
    db = out / "reporter.sqlite"
    with closing(connect_history(db)):
        pass
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        monkeypatch.setattr(private, "BUSY_TIMEOUT", 0.2)
        started = time.monotonic()
        result = run("build", str(make_book()), "--out", str(out))
        assert time.monotonic() - started < 10
    finally:
        holder.kill()
        holder.wait()
    assert_plain_failure(result, str(db), "正被另一程序占用", "重试")
