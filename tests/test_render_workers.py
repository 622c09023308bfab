"""Render workers end with the build that forked them, even when it is killed (SIGKILL).

A pool worker that is between tasks ends by itself when its parent dies (its task pipe reaches
end-of-file); one in the middle of a long task rendered on, for minutes, before it noticed.  So the
build here renders letters that each take seconds: a company template with pages of extra text.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reporter.writers.templates import default_templates
from tests.conftest import SAMPLE

PROC = Path("/proc")
pytestmark = pytest.mark.skipif(not (PROC / "self" / "stat").exists(), reason="reads processes from /proc")


def process_state(pid: int) -> tuple[str, int] | None:
    """(state letter, parent pid) of a process, or None once it is gone."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    state, ppid = stat[stat.rindex(")") + 2:].split()[:2]  # the name, in parentheses, may hold spaces
    return state, int(ppid)


def alive(pid: int) -> bool:
    state = process_state(pid)
    return state is not None and state[0] not in "ZX"  # a zombie has ended; only its exit status is left


def forked_children(pid: int) -> list[int]:
    """The children of ``pid`` running its own command line: the forked render workers."""
    try:
        command = (PROC / str(pid) / "cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError):  # gone (ProcessLookupError: it exited while being read)
        return []
    children = []
    for entry in PROC.iterdir():
        if entry.name.isdigit() and (state := process_state(int(entry.name))) and state[1] == pid:
            try:
                if (entry / "cmdline").read_bytes() == command:
                    children.append(int(entry.name))
            except (FileNotFoundError, ProcessLookupError):  # a short-lived child that exited while we looked
                continue
    return children


def slow_letter_templates(folder: Path) -> Path:
    """The bundled templates, with a letter that ends in 3,000 numbered paragraphs (seconds to lay out)."""
    shutil.copytree(default_templates(), folder, ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    letter = folder / "letter.html.j2"
    text = letter.read_text(encoding="utf-8")
    end = text.rindex("{% endblock %}")
    letter.write_text(text[:end] + "{% for i in range(3000) %}<p>{{ i }}</p>{% endfor %}\n" + text[end:],
                      encoding="utf-8")
    return folder


@pytest.mark.slow  # renders PDFs until it is killed
def test_render_workers_exit_when_the_build_is_killed(tmp_path):
    build = subprocess.Popen([sys.executable, "-m", "reporter", "build", str(SAMPLE), "--out", str(tmp_path / "out"),
                              "--only", "letters", "--workers", "2",
                              "--templates", str(slow_letter_templates(tmp_path / "templates"))],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 120
        while len(workers) < 2:
            assert build.poll() is None, "the build ended before its workers started"
            assert time.monotonic() < deadline, "no render workers appeared"
            time.sleep(0.1)
            workers = forked_children(build.pid)
        time.sleep(3)  # past the results (a second's work): each worker is inside a task of eight slow letters
        assert build.poll() is None and all(alive(pid) for pid in workers)
        build.send_signal(signal.SIGKILL)
        build.wait(timeout=10)
        deadline = time.monotonic() + 5
        while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in workers if alive(pid)], "render workers outlived the killed build"
    finally:
        try:
            os.killpg(build.pid, signal.SIGKILL)  # whatever is left of the build's session, if the test failed
        except ProcessLookupError:
            pass
