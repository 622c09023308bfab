"""The benchmark's CPU count (bench/run.py): a child reaped while the others are read is still counted.

A stage's CPU is this process's, its reaped children's (getrusage) and its running ones' (/proc). A pool
worker reaped between the two readings was in neither: one stage of a run lost a worker's share this way.
Here the child is reaped exactly there, on purpose.
"""

from __future__ import annotations

import importlib
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
run = importlib.import_module("run")  # bench/run.py, which imports its neighbours (levers, content) by name

BURN = 0.5  # CPU seconds the child spends


def burning_child() -> int:
    pid = os.fork()
    if pid == 0:
        start = time.process_time()
        while time.process_time() - start < BURN:
            pass
        os._exit(0)
    while Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":  # until it has exited
        time.sleep(0.01)
    return pid


class Sampler:
    cpu = 0.0


def test_a_child_reaped_while_the_others_are_read_is_counted(monkeypatch):
    listing = run.process_tree
    before = run.cpu_seconds(Sampler())
    child = burning_child()

    reaped = []

    def reaping_first(pid):  # the pool's handler thread reaps the child just as the tree is read
        if not reaped:
            os.waitpid(child, 0)
            reaped.append(child)
        return listing(pid)

    monkeypatch.setattr(run, "process_tree", reaping_first)
    assert run.cpu_seconds(Sampler()) - before >= BURN * 0.9


def test_a_child_not_yet_reaped_is_counted_from_proc():
    before = run.cpu_seconds(Sampler())
    child = burning_child()
    try:
        assert run.cpu_seconds(Sampler()) - before >= BURN * 0.9  # a zombie: its times are still in /proc
    finally:
        os.waitpid(child, 0)
    assert run.cpu_seconds(Sampler()) - before >= BURN * 0.9  # reaped: among the children
