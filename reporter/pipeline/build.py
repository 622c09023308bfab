"""The build pipeline: input workbook → validated model → scores → files → history.

Nothing is written until the input has validated, and one run at a time writes an output folder
(its lock; what a dead run left is cleared first).  A full build stages the whole period folder,
journals the period and its letters' versions inside it, renames it into place, then commits the
journal to the history (reporter.store.journal).  A partial build (``only`` some kinds of output, or
some employees) replaces just those files, one atomic write each, and records only the letters it
wrote (once the period has been built in full: before that nothing has been issued) — unless it
re-issues a letter with corrected figures: then the period's summary, payroll and history follow.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path

from reporter.errors import InputError, OutputExistsError, Problem, ReporterError, UsageError
from reporter.input.validate import load_input
from reporter.model import AppraisalInput, EmployeeResult, PeriodResult
from reporter.rules.engine import score_period
from reporter.rules.trend import Trend, employee_trends, past_results
from reporter.store.agreed import agreed_problems
from reporter.store.atomic import Leftover, crash_point, output_lock, staged_folder, write_bytes_atomic
from reporter.store.documents import DocumentStamp, current_documents, insert_documents
from reporter.store.history import list_periods, load_history, read_results, write_period
from reporter.store.journal import StatementLog, commit_journal, recover_output, write_journal
from reporter.store.kept import carry_over
from reporter.writers.manifest import MANIFEST, render_manifest
from reporter.writers.paths import department_label, employee_files
from reporter.writers.pdf.renderer import PdfRenderer
from reporter.writers.wording import period_warnings

from .issue import agreement_stamps, letter_stamps, record_issued, written_documents
from .render import DEFAULT_KINDS, KINDS, Progress, Renderer, RenderJob, employee_paths
from .settle import states_at_issue

DEFAULT_DB_NAME = "reporter.sqlite"


@dataclass(frozen=True)
class BuildReport:
    period: str
    folder: Path
    files: tuple[Path, ...]
    result: PeriodResult
    partial: bool
    skipped: tuple[str, ...] = field(default=())  # what was not written, and why
    recovered: tuple[Leftover, ...] = field(default=())  # what a dead run had left, and what was done
    reissued: tuple[str, ...] = field(default=())  # employees whose letter this build issued as a new version
    kept: tuple[Path, ...] = field(default=())  # files of the replaced folder carried over (reporter.store.kept)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return period_warnings(self.result)


@dataclass(frozen=True)
class RenderOptions:
    """How files are rendered; every field has a default that needs no environment.

    ``created`` dates every PDF and workbook alike (default: the period's last day, so a rebuild gives
    the same bytes; the CLI passes SOURCE_DATE_EPOCH through :func:`source_date`).
    ``templates`` is a company's own template folder (default: the bundled one); ``renderer`` a
    ready :class:`PdfRenderer` to reuse.  ``sheet_password`` protects the scorecards' formula cells
    (default: protected without a password, so HR can unprotect deliberately but not by accident).
    ``cluster`` is a Dask scheduler's address (``tcp://10.0.0.5:8786``): the employees' files are rendered
    by its workers and written here (reporter.pipeline.cluster); it excludes ``workers`` and a shard.
    """

    workers: int | None = None  # default: one per core
    sheet_password: str = ""
    created: datetime | None = None
    templates: Path | None = None
    renderer: PdfRenderer | None = None
    cluster: str | None = None


def check_cluster(options: RenderOptions, shard: tuple[int, int] | None = None) -> None:
    if options.cluster is None:
        return
    if shard is not None:
        raise UsageError("--cluster 与 --shard 不能同时使用：集群已把整期分给各台机器；分片只用于离线批处理，再用 reporter merge 合并")
    if options.workers is not None:
        raise UsageError("--cluster 与 --workers 不能同时使用：集群上的进程数由各台机器的 dask worker --nworkers 决定")


def source_date(environ: Mapping[str, str]) -> datetime | None:
    """SOURCE_DATE_EPOCH (reproducible-build tooling) as the date for every output, or None when unset."""
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    try:
        return datetime.fromtimestamp(int(epoch), tz=UTC).replace(tzinfo=None)
    except (ValueError, OverflowError, OSError):
        raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r} 不是以秒计的 Unix 时间") from None



def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_agreed(inp: AppraisalInput, db_path: Path) -> AppraisalInput:
    """The input held to what was agreed (reporter plan): errors raise, warnings join the input's."""
    problems = agreed_problems(db_path, inp)
    if any(p.severity == "error" for p in problems):
        raise InputError([*problems, *inp.warnings])
    return replace(inp, warnings=inp.warnings + problems)


def score_input(input_path: Path, db_path: Path | None) -> PeriodResult:
    """Validate, check the plan against what was agreed, and score, with earlier periods from the history."""
    inp = load_input(input_path)
    if db_path:
        inp = check_agreed(inp, db_path)
    stored = load_history(db_path, before=inp.settings.period.key) if db_path else []
    return score_period(inp, stored)


def letter_trends(db_path: Path, result: PeriodResult) -> dict[str, Trend]:
    """Each letter's trend chart, from the history as it stands (this period's rows come from ``result``)."""
    return employee_trends(past_results(read_results(db_path)) if Path(db_path).is_file() else [], result,
                           imported=result.input.history)


def in_shard(employee_id: str, shard: tuple[int, int]) -> bool:
    """Shard K of N (1-based) holds the IDs whose CRC-32 is K-1 modulo N: stable as people join or leave."""
    k, n = shard
    return zlib.crc32(employee_id.encode("utf-8")) % n == k - 1


def select_employees(result: PeriodResult, employee_ids: Iterable[str] = (),
                     departments: Iterable[str] = ()) -> set[str] | None:
    """The employees a partial build is for: IDs, plus everyone of the named departments (None: all)."""
    wanted = {e.strip() for e in employee_ids if e.strip()}
    for name in (d.strip() for d in departments if d.strip()):
        members = {r.employee.employee_id for r in result.results
                   if name in (r.employee.department, department_label(r))}
        if not members:
            known = sorted({department_label(r) for r in result.results})
            raise InputError([Problem(f"没有部门「{name}」：可用 {'、'.join(known)}，或只写部门名", result.input.source)])
        wanted |= members
    if not wanted:
        return None
    unknown = sorted(wanted - {r.employee.employee_id for r in result.results})
    if unknown:
        raise InputError([Problem(f"工号 {'、'.join(unknown)} 不在「员工」表中：请检查 --employee 参数",
                                  result.input.source)])
    return wanted


def _job(result: PeriodResult, folder: Path, options: RenderOptions, named: Iterable[str] = (),
         stamps: Mapping[str, Mapping[str, DocumentStamp]] | None = None,
         states: Mapping[str, str] | None = None, trends: Mapping[str, Trend] | None = None) -> RenderJob:
    created = options.created or result.input.settings.period.document_date
    return RenderJob(result, folder, created, options.sheet_password, options.templates, options.renderer,
                     frozenset(named), stamps or {}, states or {}, trends or {})


def _states(result: PeriodResult, db_path: Path, letters: Mapping[str, DocumentStamp] | None,
            issued_on: str) -> dict[str, str]:
    """Where each employee's letter stands as this build issues it, for payroll.csv and the 工资表 sheet.

    A letter issued by this very build (not on record yet) waits for its answer, even when the period
    is built after its appeal deadline; one on record is overdue once its deadline has passed.
    """
    s = result.input.settings
    if letters is None:  # no letter written: the versions on record
        letters = current_documents(db_path, "letter", s.period.key)
    due = {}
    for r in result.results:
        doc = letters.get(r.employee.employee_id)
        if doc is None or not doc.issued_on:
            due[r.employee.employee_id] = (doc.version if doc else 1, date.max)
        else:
            due[r.employee.employee_id] = (doc.version, date.fromisoformat(doc.appeal_deadline)
                                           if doc.appeal_deadline else s.appeal_deadline)
    return states_at_issue(db_path, s.period.key, due, s.unanswered_after_deadline, date.fromisoformat(issued_on))


def _issued_on(result: PeriodResult, now: Callable[[], str] | None) -> str:
    return (now() if now else "")[:10] or result.input.settings.period.document_date.date().isoformat()


def _letter_paths(folder: Path, chosen: Iterable[EmployeeResult]) -> dict[str, Path]:
    return {r.employee.employee_id: employee_paths(folder, r)["letters"] for r in chosen}


def _stamps(result: PeriodResult, db_path: Path, kinds: set[str], selected: set[str] | None, named: set[str],
            shard: tuple[int, int] | None, reissue: tuple[str, str], issued_on: str
            ) -> dict[str, dict[str, DocumentStamp]]:
    """The document versions to print: letters as they stand or re-issued; agreements only as `plan` recorded them."""
    stamps = {}
    if "letters" in kinds:
        stamps["letters"] = letter_stamps(result, db_path, selected=selected, change_reason=reissue[0],
                                          approved_by=reissue[1], check_others=shard is None,
                                          issued_on=date.fromisoformat(issued_on))
    if "agreements" in kinds:
        term = result.input.settings.term.key
        recorded = {eid: doc.code for eid, doc in current_documents(db_path, "agreement", term).items()}
        ids = {r.employee.employee_id for r in result.results if r.appraised or r.employee.employee_id in named}
        stamps["agreements"] = {eid: stamp for eid, stamp in agreement_stamps(result, db_path, ids).items()
                                if recorded.get(eid) == stamp.code}
    return stamps


def _check_kinds(only: Iterable[str] | None, shard: tuple[int, int] | None) -> None:
    if only is not None and set(only) - set(KINDS):
        raise UsageError(f"未知的输出类型 {sorted(set(only) - set(KINDS))}：可选 {', '.join(KINDS)}")
    if shard is not None and not 1 <= shard[0] <= shard[1]:
        raise UsageError(f"分片 {shard[0]}/{shard[1]}：K 应在 1 到 N 之间")


def build(input_path: Path, out_dir: Path = Path("output"), *, employee_ids: Iterable[str] = (),
          departments: Iterable[str] = (), only: Iterable[str] | None = None, force: bool = False,
          db_path: Path | None = None, now: Callable[[], str] | None = None, progress: Progress | None = None,
          shard: tuple[int, int] | None = None, options: RenderOptions = RenderOptions(),
          change_reason: str = "", approved_by: str = "") -> BuildReport:
    """Build one period's outputs into ``out_dir/<period>``; ``now`` gives the timestamp recorded in the history.

    ``only`` limits the kinds of output (see KINDS; default DEFAULT_KINDS, without the agreements that
    `reporter plan` issues) and ``employee_ids``/``departments`` the employees; either makes the build
    partial.  Agreements, when asked for, are for the appraised, and for whoever not appraised is named
    in ``employee_ids``. ``shard`` (K, N) renders only the employees of shard K of N, for
    :func:`merge` to combine.  A letter whose figures changed since it was recorded is issued as its next
    version, which needs ``change_reason`` and ``approved_by`` (see :mod:`reporter.pipeline.issue`).
    """
    _check_kinds(only, shard)
    check_cluster(options, shard)
    progress = progress or Progress()
    out_dir = Path(out_dir)
    db_path = Path(db_path) if db_path else out_dir / DEFAULT_DB_NAME
    with output_lock(out_dir, progress.waiting):
        recovered = recover_output(out_dir, db_path)
        progress.recovered(recovered)
        report = _build(input_path, out_dir, employee_ids, departments, only, force, db_path, now, progress, shard,
                        options, change_reason, approved_by)
    return replace(report, recovered=tuple(recovered))


def _build(input_path: Path, out_dir: Path, employee_ids: Iterable[str], departments: Iterable[str],
           only: Iterable[str] | None, force: bool, db_path: Path, now: Callable[[], str] | None, progress: Progress,
           shard: tuple[int, int] | None, options: RenderOptions, change_reason: str, approved_by: str) -> BuildReport:
    """:func:`build` once it holds the output folder."""
    workers = options.workers or os.cpu_count() or 1
    result = score_input(Path(input_path), db_path)
    period = result.input.settings.period.key
    target = out_dir / period
    selected = select_employees(result, employee_ids, departments)
    if shard is not None:
        ids = selected or {r.employee.employee_id for r in result.results}
        selected = {eid for eid in ids if in_shard(eid, shard)}
    # Some employees alone: their own files, not the period-wide summary and payroll.
    kinds = set(only) if only is not None else set(DEFAULT_KINDS) - ({"summary"} if selected is not None else set())
    named = {e.strip() for e in employee_ids if e.strip()}
    chosen = [r for r in result.results if selected is None or r.employee.employee_id in selected]
    issued_on = _issued_on(result, now)
    stamps = _stamps(result, db_path, kinds, selected, named, shard, (change_reason, approved_by), issued_on)
    built = period in {p for p, _, _ in list_periods(db_path)}
    trends = letter_trends(db_path, result) if "letters" in kinds else {}

    if selected is not None or only is not None:
        chosen_ids = {r.employee.employee_id for r in chosen}
        reissued = {eid for eid, s in stamps.get("letters", {}).items() if s.is_new_version and eid in chosen_ids}
        if reissued and built and shard is None:
            kinds.add("summary")  # corrected figures: the period's summary, payroll and history follow them
        states = _states(result, db_path, stamps.get("letters"), issued_on) if "summary" in kinds else {}
        renderer = Renderer(_job(result, target, options, named, stamps, states, trends), kinds, progress, workers,
                            options.cluster)
        existing = [p for p in renderer.targets(chosen) if p.exists()]
        if existing and not force:
            raise OutputExistsError(f"{existing[0]} 已存在。如确需替换这些文件，请加 --force")
        renderer.run(chosen, batches=shard is None)  # a department spans shards: merge prints it
        # A period not yet built in full has issued nothing; a shard's letters are recorded when merged.
        if "letters" in kinds and shard is None and built:
            letters = {eid: stamps["letters"][eid] for eid in chosen_ids if eid in stamps["letters"]}
            if reissued:  # the period's results in the history are the corrected ones from now on
                _journal(target, result, input_path, now, letters, _letter_paths(target, chosen))
                _commit(db_path, target)
            else:
                record_issued(db_path, letters, _letter_paths(target, chosen), issued_on)
            if "summary" not in kinds and (target / MANIFEST).is_file():  # e-mail reads the letters' versions
                write_bytes_atomic(target / MANIFEST, render_manifest(result, target, stamps["letters"]))
        return BuildReport(period, target, tuple(renderer.written), result, True, tuple(renderer.skipped),
                           reissued=tuple(sorted(reissued)) if "letters" in kinds else ())

    states = _states(result, db_path, stamps.get("letters"), issued_on)
    with staged_folder(target, force) as staging:
        renderer = Renderer(_job(result, staging, options, named, stamps, states, trends), kinds, progress,
                            workers, options.cluster)
        renderer.run(chosen)
        written = [target / p.relative_to(staging) for p in renderer.written]
        kept = [target / p.relative_to(staging) for p in carry_over(target, staging)]
        _journal(staging, result, input_path, now, stamps["letters"], _letter_paths(staging, chosen))
    _commit(db_path, target)
    return BuildReport(period, target, tuple(written), result, False, tuple(renderer.skipped),
                       reissued=_new_versions(stamps["letters"]), kept=tuple(kept))


def _new_versions(letters: Mapping[str, DocumentStamp]) -> tuple[str, ...]:
    return tuple(sorted(eid for eid, s in letters.items() if s.is_new_version))


def _journal(folder: Path, result: PeriodResult, input_path: Path, now: Callable[[], str] | None,
             letters: Mapping[str, DocumentStamp], paths: Mapping[str, Path]) -> None:
    """The period's results and its letters' versions, as a journal in ``folder`` (reporter.store.journal)."""
    shas, issued_on = written_documents(letters, paths), _issued_on(result, now)
    log = StatementLog()
    insert_documents(log, letters.values(), shas, issued_on)
    write_period(log, result, input_sha256=file_sha256(Path(input_path)), built_at=now() if now else "")
    write_journal(folder, log)


def _commit(db_path: Path, folder: Path) -> None:
    """The journal the folder's files came with, into the history (one transaction)."""
    crash_point("published")
    commit_journal(db_path, folder)
    crash_point("recorded")


def merge(input_path: Path, shard_dirs: Iterable[Path], out_dir: Path = Path("output"), *, force: bool = False,
          db_path: Path | None = None, now: Callable[[], str] | None = None, progress: Progress | None = None,
          options: RenderOptions = RenderOptions(), change_reason: str = "", approved_by: str = "") -> BuildReport:
    """Combine the employee files of shard builds into one period, then write what spans them all.

    The input is validated and scored again (seconds), every employee's files must be found in one of
    ``shard_dirs`` (each an OUT folder of a ``--shard`` build), and the result is the same folder a
    single full build would have written (no agreements: `reporter plan` issues them), recorded in the
    history the same way.
    """
    progress = progress or Progress()
    out_dir = Path(out_dir)
    db_path = Path(db_path) if db_path else out_dir / DEFAULT_DB_NAME
    with output_lock(out_dir, progress.waiting):
        recovered = recover_output(out_dir, db_path)
        progress.recovered(recovered)
        report = _merge(input_path, shard_dirs, out_dir, force, db_path, now, progress, options, change_reason,
                        approved_by)
    return replace(report, recovered=tuple(recovered))


def _merge(input_path: Path, shard_dirs: Iterable[Path], out_dir: Path, force: bool, db_path: Path,
           now: Callable[[], str] | None, progress: Progress, options: RenderOptions, change_reason: str,
           approved_by: str) -> BuildReport:
    result = score_input(Path(input_path), db_path)
    period = result.input.settings.period.key
    sources: dict[Path, Path] = {}
    missing = []
    for r in result.results:
        for relative in (p for p in employee_files(Path(), r) if p.parts[0] != "agreements"):  # plan issues them
            found = next((d / period / relative for d in map(Path, shard_dirs) if (d / period / relative).is_file()),
                         None)
            if found is None:
                missing.append(f"{r.employee.employee_id}: {relative}")
            else:
                sources[relative] = found
    # The shards printed the codes of this same history (a shard is built against a copy of it).
    letters = letter_stamps(result, db_path, change_reason=change_reason, approved_by=approved_by,
                            issued_on=date.fromisoformat(_issued_on(result, now)))
    if missing:
        raise ReporterError(f"分片结果不完整，缺少 {len(missing)} 个文件（如 {missing[0]}）：请检查每个分片都已生成")
    target = out_dir / period
    with staged_folder(target, force) as staging:
        progress.start("合并分片", len(sources))
        for relative, source in sources.items():
            (staging / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, staging / relative)
            progress.advance()
        progress.close()
        states = _states(result, db_path, letters, _issued_on(result, now))
        renderer = Renderer(_job(result, staging, options, stamps={"letters": letters}, states=states),
                            {"letters", "scorecards", "summary"}, progress, 1)
        renderer.run_tasks("print", *renderer.batch_tasks(list(result.results)), None)
        units = renderer.unit_tasks()  # the shards built people only: the units' files need every result
        renderer.run_tasks("units", units, [1] * len(units), None)
        renderer.period_files()
        written = [target / p for p in sources] + [target / p.relative_to(staging) for p in renderer.written]
        kept = [target / p.relative_to(staging) for p in carry_over(target, staging)]
        _journal(staging, result, input_path, now, letters, _letter_paths(staging, result.results))
    _commit(db_path, target)
    return BuildReport(period, target, tuple(written), result, False, tuple(renderer.skipped),
                       reissued=_new_versions(letters), kept=tuple(kept))
