"""The Dask cluster's overhead: one build on a loopback cluster against the same build on the local pool.

    python bench/cluster.py                  # 100 employees
    python bench/cluster.py --employees 300

Starts a Dask scheduler and two single-threaded workers on 127.0.0.1, then builds the same synthetic
group twice with the same document date: `--workers 2` (two forked processes) and `--cluster` (the two
workers render, this process writes; the workers' profiler off, as docs/performance.md advises). It prints each run's wall and CPU seconds, CPU being this process
and everything it started (the forked pool, or the scheduler and both workers: the cluster's own work
counts), read from getrusage and /proc as bench/run.py does, and the ratios cluster / local. Both
periods' files are compared byte for byte. A measurement, not a test: it asserts nothing else.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import datetime
from pathlib import Path

from run import measure  # bench/run.py: wall, CPU (this process and its descendants) and peak memory

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository: its tests' loopback cluster
from reporter.pipeline.build import RenderOptions, build
from reporter.samples.demo_data import write_demo_workbook
from tests.dask_cluster import loopback_cluster  # noqa: E402

CREATED = datetime(2026, 11, 3, 9, 0)
# As docs/performance.md advises: Dask's statistical profiler, sampling each worker thread every 10 ms,
# costs about a tenth of the rendering CPU on WeasyPrint's deep stacks.
WORKER_ENVIRONMENT = {"DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED": "False"}


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="reporter-bench-cluster-") as tmp:
        tmp = Path(tmp)
        source = tmp / "group.xlsx"
        write_demo_workbook(source, employees=args.employees, seed=args.seed)
        local = measure(lambda clock: build(source, tmp / "local", progress=clock,
                                            options=RenderOptions(workers=2, created=CREATED)))
        with loopback_cluster(tmp, 2, WORKER_ENVIRONMENT) as cluster:
            remote = measure(lambda clock: build(source, tmp / "cluster", progress=clock,
                                                 options=RenderOptions(cluster=cluster.address, created=CREATED)))
        same = files(local.report.folder) == files(remote.report.folder)

    n = len(local.report.result.results)
    result = {"employees": n,
              "local": {"wall_seconds": round(local.seconds, 1), "cpu_seconds": round(local.cpu, 1)},
              "cluster": {"wall_seconds": round(remote.seconds, 1), "cpu_seconds": round(remote.cpu, 1)},
              "wall_ratio": round(remote.seconds / local.seconds, 2), "cpu_ratio": round(remote.cpu / local.cpu, 2),
              "identical_files": same}
    print(f"{n} employees, one build each, same machine")
    print(f"  local pool, --workers 2:             {local.seconds:7.1f} s wall {local.cpu:7.1f} s CPU")
    print(f"  Dask loopback, 2 workers × 1 thread: {remote.seconds:7.1f} s wall {remote.cpu:7.1f} s CPU")
    print(f"  overhead (cluster / local): wall × {result['wall_ratio']}, CPU × {result['cpu_ratio']}; "
          f"files {'byte-identical' if same else 'DIFFERENT'}")
    print("  per stage, wall / CPU seconds, local → cluster:")
    stages = {"validation, scoring (and connecting)": ((local.setup_seconds, local.setup_cpu),
                                                      (remote.setup_seconds, remote.setup_cpu))}
    stages |= {stage: ((local.clock.seconds[stage], local.clock.cpu[stage]),
                       (remote.clock.seconds[stage], remote.clock.cpu[stage])) for stage in local.clock.seconds}
    for stage, ((lw, lc), (rw, rc)) in stages.items():
        print(f"    {stage}: {lw:.1f} / {lc:.1f} → {rw:.1f} / {rc:.1f}")
    return result


if __name__ == "__main__":
    main()
