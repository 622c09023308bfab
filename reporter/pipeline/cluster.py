"""Rendering the employees' files on a Dask distributed cluster (``build``/``plan`` ``--cluster ADDRESS``).

The employee tasks are the ones a local pool runs (reporter.pipeline.render), but a worker does not
write: it sends back each file as (path inside the period folder, bytes), and this process writes it
with write_bytes_atomic into the staged folder, so a period is published as atomically as a local
build's, byte for byte the same, and only this machine needs the output folder.  The job (the scored
period, the documents' versions …) travels once, scattered to every worker.  A task renders bytes from
the job and nothing else, so when a worker is lost the scheduler runs its tasks again elsewhere.

Each worker thread builds its PDF renderer on first use and keeps it for later runs with the same
templates and characters (``_local``).  A company's own
template folder travels in the job as file contents: a worker on another machine lays it out once in
its temporary folder, named by the contents' digest.  The client reaches only the scheduler (results
and the job go through it); the workers reach the scheduler and one another.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
import uuid
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from reporter.errors import ReporterError, UsageError
from reporter.store.atomic import write_bytes_atomic
from reporter.writers.pdf.documents import document_characters
from reporter.writers.pdf.renderer import PdfRenderer

from .render import Progress, RenderJob, fewer_collections

CONNECT_SECONDS = 10  # how long to wait for the scheduler, and then for its first worker
INSTALL = "pip install 'reporter[cluster]'"


class ClusterError(ReporterError):
    """The Dask cluster cannot be reached, has no worker, or runs another version of reporter."""


@dataclass(frozen=True)
class Shipment:
    """What every worker receives once: the job without its renderer, and the company's template files."""

    job: RenderJob
    token: str  # this run's: a worker thread keeps one run's job at a time
    templates: tuple[tuple[str, bytes], ...] | None  # (relative path, contents); None: the bundled templates
    digest: str  # of the templates' contents, naming the folder a worker lays them out in


def template_files(folder: Path) -> tuple[tuple[str, bytes], ...]:
    return tuple((p.relative_to(folder).as_posix(), p.read_bytes()) for p in sorted(folder.rglob("*")) if p.is_file())


def shipment(job: RenderJob) -> Shipment:
    files = template_files(Path(job.templates)) if job.templates is not None else None
    digest = hashlib.sha256()
    for name, data in files or ():
        digest.update(f"{name}\0{len(data)}\0".encode() + data)
    return Shipment(replace(job, renderer=None, templates=None), uuid.uuid4().hex, files,
                    digest.hexdigest() if files is not None else "")


def connect(address: str):
    """A client of the scheduler at ``address`` with at least one worker running our version of reporter."""
    try:
        import distributed
    except ImportError:
        raise ClusterError(f"--cluster 需要 Dask distributed，本机尚未安装：请运行 {INSTALL}") from None
    from distributed.comm.registry import backends

    scheme = address.partition("://")[0] if "://" in address else "tcp"
    if scheme not in backends:  # checked here: a Client refused for its address hangs 20 s in its __del__
        raise UsageError(f"--cluster {address}：不是 Dask 调度器的地址，应写作 tcp://主机:端口（如 tcp://10.0.0.5:8786）")
    try:
        client = distributed.Client(address, timeout=CONNECT_SECONDS, set_as_default=False,
                                    direct_to_workers=False)
    except (OSError, TimeoutError, ValueError) as err:
        raise ClusterError(f"无法在 {CONNECT_SECONDS} 秒内连接 Dask 调度器 {address}（{err}）：请检查地址（如 "
                           "tcp://10.0.0.5:8786）、调度器是否在运行（dask scheduler）、防火墙是否放行该端口；"
                           "未写入任何文件") from None
    try:
        client.wait_for_workers(1, timeout=CONNECT_SECONDS)
        versions = client.run(_reporter_version)
    except TimeoutError:
        client.close()
        raise ClusterError(f"Dask 调度器 {address} 没有可用的 worker：请在各台机器上运行 dask worker {address}；"
                           "未写入任何文件") from None
    except Exception as err:  # a worker that cannot import reporter fails to load the function
        client.close()
        raise ClusterError(f"Dask worker 无法运行 reporter（{err}）：每台 worker 须安装与本机相同版本的 reporter "
                           f"（{INSTALL}）") from None
    ours = _reporter_version()
    other = sorted(f"{worker}: {v}" for worker, v in versions.items() if v != ours)
    if other:
        client.close()
        raise ClusterError(f"Dask worker 的 reporter 版本与本机（{ours}）不同：{'、'.join(other)}；"
                           "请在每台 worker 上安装相同版本")
    return client


def _reporter_version() -> str:
    from reporter import __version__

    return __version__


class ClusterPool:
    """The employee tasks of one Renderer run on a cluster: results written here, progress per finished task."""

    def __init__(self, address: str, job: RenderJob):
        self.folder = job.folder
        self.client = connect(address)
        try:
            self.job = self.client.scatter(shipment(job), broadcast=True, hash=False)
        except BaseException:
            self.client.close()
            raise

    def run_tasks(self, tasks: list[tuple], sizes: list[int], progress: Progress) -> list[Path]:
        """Each task's files written into the folder; the paths in task order, whatever order they finish in."""
        from distributed import as_completed

        futures = self.client.map(render_task, tasks, shipment=self.job, pure=False)
        position = {f.key: i for i, f in enumerate(futures)}
        written: list[list[Path]] = [[] for _ in tasks]
        try:
            for future, files in as_completed(futures, with_results=True, loop=self.client.loop):
                i = position[future.key]
                written[i] = [self.write(relative, data) for relative, data in files]
                future.release()  # the worker may forget the bytes now
                progress.advance(sizes[i])
        except BaseException:
            self.client.cancel(futures)
            raise
        return [path for paths in written for path in paths]

    def write(self, relative: str, data: bytes) -> Path:
        parts = PurePosixPath(relative).parts
        if not parts or PurePosixPath(relative).is_absolute() or ".." in parts:
            raise ClusterError(f"Dask worker 返回了文件夹以外的路径 {relative!r}")
        path = self.folder.joinpath(*parts)
        write_bytes_atomic(path, data)
        return path

    def close(self) -> None:
        self.client.close()

    def join(self) -> None:
        pass  # close() has waited for the client to stop


_local = threading.local()  # per worker thread: renderers by template digest, and the current run's job


def render_task(task: tuple, shipment: Shipment) -> list[tuple[str, bytes]]:
    """On a worker: one employee task's files as (path relative to the period folder, bytes)."""
    job = _worker_job(shipment)
    try:
        with fewer_collections():  # as in a local worker
            return [(path.relative_to(job.folder).as_posix(), data) for path, data in job.task_files(task)]
    finally:
        if job.renderer is not None:
            _local.renderers[_local.renderer_key] = job.renderer


def _worker_job(shipment: Shipment) -> RenderJob:
    if getattr(_local, "token", None) != shipment.token:
        renderers: dict[str, PdfRenderer] = _local.__dict__.setdefault("renderers", {})
        templates = _lay_out(shipment) if shipment.templates is not None else None
        # a renderer is kept for the same templates and the same characters (its reduced faces hold those)
        _local.renderer_key = (shipment.digest, document_characters(shipment.job.result.input))
        _local.job = replace(shipment.job, templates=templates, renderer=renderers.get(_local.renderer_key))
        _local.token = shipment.token
    return _local.job


def _lay_out(shipment: Shipment) -> Path:
    """The company's templates as a folder on this machine, written once per contents (named by their digest)."""
    folder = Path(tempfile.gettempdir()) / f"reporter-templates-{os.getuid()}-{shipment.digest[:24]}"
    if folder.is_dir():
        return folder
    staging = Path(tempfile.mkdtemp(prefix=".reporter-templates-", dir=folder.parent))
    for name, data in shipment.templates or ():
        (staging / name).parent.mkdir(parents=True, exist_ok=True)
        (staging / name).write_bytes(data)
    try:
        os.replace(staging, folder)
    except OSError:  # another worker process laid out the same contents first
        shutil.rmtree(staging, ignore_errors=True)
    return folder
