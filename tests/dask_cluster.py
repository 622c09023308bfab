"""A real Dask cluster on loopback: a scheduler and single-threaded workers started as child processes.

Used by tests/test_cluster.py (which kills a worker by its pid) and bench/cluster.py (which times a build
on it against the local pool).  Workers run without a nanny, so a killed worker stays dead and Dask must
retry its tasks elsewhere.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Cluster:
    address: str
    workers: list[subprocess.Popen]


@contextlib.contextmanager
def loopback_cluster(folder: Path, workers: int = 2, env: dict[str, str] | None = None) -> Iterator[Cluster]:
    """``workers`` workers and their scheduler on 127.0.0.1, logs and scratch files in ``folder``; ``env``
    added to this process's environment for all of them.  Everything is killed on leaving."""
    import distributed

    environment = {**os.environ, **(env or {})}
    started: list[subprocess.Popen] = []

    def start(*args: str) -> subprocess.Popen:
        log = open(folder / f"{args[0]}-{len(started)}.log", "wb")  # noqa: SIM115 - closed with the process
        started.append(subprocess.Popen([sys.executable, "-m", "dask", *args, "--no-dashboard"], cwd=folder,
                                        env=environment, stdout=log, stderr=subprocess.STDOUT))
        return started[-1]

    try:
        scheduler_file = folder / "scheduler.json"
        start("scheduler", "--host", "127.0.0.1", "--port", "0", "--scheduler-file", str(scheduler_file))
        deadline = time.monotonic() + 60
        while not scheduler_file.is_file() and time.monotonic() < deadline:
            time.sleep(0.1)
        address = json.loads(scheduler_file.read_text())["address"]
        processes = [start("worker", address, "--host", "127.0.0.1", "--nthreads", "1", "--nworkers", "1",
                           "--no-nanny", "--local-directory", str(folder)) for _ in range(workers)]
        with distributed.Client(address, set_as_default=False) as client:
            client.wait_for_workers(workers, timeout=60)
        yield Cluster(address, processes)
    finally:
        for process in started:
            process.kill()
            process.wait()
