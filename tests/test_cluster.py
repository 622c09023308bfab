"""`build`/`plan` --cluster: the employees' files rendered on a real Dask cluster on loopback.

A scheduler and two single-threaded workers are started as processes for this module.  Each run is
compared file by file, byte by byte, with the same run on a local process; one build loses a worker
(SIGKILL) while its letters are being rendered and must still complete.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sys
import time
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from reporter.cli import cli
from reporter.pipeline.build import RenderOptions, build
from reporter.pipeline.plan import plan
from reporter.pipeline.render import STAGE_NAMES, Progress
from reporter.samples.demo_data import write_demo_workbook
from reporter.writers.templates import default_templates
from tests.dask_cluster import Cluster, loopback_cluster

CREATED = datetime(2026, 11, 3, 9, 0)


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def group(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("group") / "group.xlsx"
    write_demo_workbook(path, employees=20, seed=3)
    return path


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dask")
    with loopback_cluster(folder, 2, {"TMPDIR": str(folder)}) as started:  # TMPDIR: a company's templates go there
        yield started


class KillABusyWorker(Progress):
    """Once the first letters have come back, SIGKILL a worker that is rendering more of them."""

    def __init__(self, cluster: Cluster):
        self.cluster, self.stage, self.killed = cluster, "", None

    def start(self, stage, total):
        self.stage = stage

    def advance(self, n=1):
        if self.stage != STAGE_NAMES["letters"] or self.killed is not None:
            return
        import distributed

        with distributed.Client(self.cluster.address, set_as_default=False) as client:
            busy = [worker for worker, keys in client.processing().items() if keys]
            pids = client.run(os.getpid)
        assert busy, "no worker was rendering when the first letters came back"
        self.killed = pids[busy[0]]
        assert self.killed in {w.pid for w in self.cluster.workers}
        os.kill(self.killed, signal.SIGKILL)


@pytest.mark.slow
def test_a_plan_on_the_cluster_with_company_templates_matches_a_local_one(cluster, group, tmp_path):
    # A company's own template folder, which the workers do not have: it travels in the job.
    templates = shutil.copytree(default_templates(), tmp_path / "our-templates")
    ids = ["G000001", "G000002", "G000003"]
    reports = {}
    for name, options in (("local", RenderOptions(workers=1, created=CREATED, templates=templates)),
                          ("cluster", RenderOptions(cluster=cluster.address, created=CREATED, templates=templates))):
        reports[name] = plan(group, tmp_path / name, employee_ids=ids, agreed_on=date(2026, 11, 3), options=options)
    local, remote = (folder_bytes(reports[name].folder) for name in ("local", "cluster"))
    assert any(name.startswith("agreements/") for name in local)
    assert remote == local
    assert ([p.relative_to(reports["cluster"].folder) for p in reports["cluster"].files]
            == [p.relative_to(reports["local"].folder) for p in reports["local"].files])


@pytest.mark.slow
def test_a_build_that_loses_a_worker_completes_with_the_local_build_s_bytes(cluster, group, tmp_path):
    local = build(group, tmp_path / "local", options=RenderOptions(workers=1, created=CREATED))
    killer = KillABusyWorker(cluster)
    remote = build(group, tmp_path / "cluster", progress=killer,
                   options=RenderOptions(cluster=cluster.address, created=CREATED))
    assert killer.killed is not None  # a worker died mid-run, and Dask ran its tasks again on the other
    expected, found = folder_bytes(local.folder), folder_bytes(remote.folder)
    assert len([n for n in expected if n.startswith("letters/")]) == 20
    assert sorted(found) == sorted(expected)
    assert [n for n in expected if found[n] != expected[n]] == []
    assert [p.relative_to(remote.folder) for p in remote.files] == [p.relative_to(local.folder) for p in local.files]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_an_unreachable_cluster_is_a_clear_error_and_nothing_is_written(group, tmp_path):
    start = time.monotonic()
    result = CliRunner().invoke(cli, ["build", str(group), "--out", str(tmp_path / "out"),
                                      "--cluster", f"tcp://127.0.0.1:{free_port()}"])
    assert time.monotonic() - start < 40
    assert result.exit_code == 1, result.output
    assert "无法在 10 秒内连接 Dask 调度器" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out" / "2026-10").exists()
    assert not [p for p in (tmp_path / "out").glob("*") if p.name.startswith(".staging")]


@pytest.mark.parametrize("extra, words", [(["--shard", "1/2"], "--cluster 与 --shard 不能同时使用"),
                                          (["--workers", "2"], "--cluster 与 --workers 不能同时使用"),
                                          ([], "不是 Dask 调度器的地址")])
def test_cluster_usage_errors(group, tmp_path, extra, words):
    address = "tcp://127.0.0.1:1" if extra else "http://127.0.0.1:1"
    result = CliRunner().invoke(cli, ["build", str(group), "--out", str(tmp_path), "--only", "scorecards",
                                      "--cluster", address, *extra])
    assert result.exit_code == 2, result.output
    assert words in result.output and "Traceback" not in result.output


def test_without_dask_cluster_says_what_to_install(group, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed: importing it fails
    result = CliRunner().invoke(cli, ["build", str(group), "--out", str(tmp_path), "--only", "scorecards",
                                      "--cluster", "tcp://127.0.0.1:1"])
    assert result.exit_code == 1, result.output
    assert "pip install 'reporter[cluster]'" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "2026-10").exists()
