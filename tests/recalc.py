"""Formula parity: recalculate generated workbooks in LibreOffice and compare with our cached values.

The workbooks we write carry a cached value in every formula cell (computed by the Python engine).
Viewers that do not calculate show those numbers; Excel/LibreOffice may recalculate them.  Both must
agree, so tests open the files in a real spreadsheet program and compare.

Trap: LibreOffice by default *keeps* the cached results of an .xlsx on load ("never recalculate"
for files not last saved by LibreOffice), so a naive ``--convert-to`` just echoes our numbers back
and proves nothing.  We therefore run soffice with a throwaway user profile whose
``registrymodifications.xcu`` sets ``Calc/Formula/Load/OOXMLRecalcMode`` (and ``ODFRecalcMode``) to
0 = "always recalculate".  ``test_recalc.py`` plants a wrong cached value to prove this works.
"""

from __future__ import annotations

import atexit
import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.utils.datetime import to_excel

SOFFICE_TIMEOUT = 300  # seconds for one soffice run (all files of one call)
MAX_REPORTED = 50

XLSX_FILTER = "xlsx:Calc MS Excel 2007 XML"

# 0 = always recalculate, 1 = never, 2 = prompt (headless: treated as never).
_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" \
xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">\
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">\
<prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""

ERROR_VALUES = frozenset(
    {
        "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
        "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
    }
)  # fmt: skip

_lock = threading.Lock()
_session: _Session | None = None


@dataclass(frozen=True)
class _Session:
    root: Path  # temp dir removed at interpreter exit
    profile: Path  # LibreOffice UserInstallation
    home: Path
    sandbox: tuple[str, ...]  # command prefix that cuts the network off, or ()


def _sandbox_prefix() -> tuple[str, ...]:
    """`unshare --net` (new, empty network namespace) when the kernel lets us; else nothing."""
    unshare = shutil.which("unshare")
    if not unshare or not sys.platform.startswith("linux"):
        return ()
    prefix = (unshare, "--net", "--map-root-user")
    try:
        probe = subprocess.run([*prefix, "true"], capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return ()
    return prefix if probe.returncode == 0 else ()


def _get_session() -> _Session:
    """One fresh LibreOffice profile per process (first start of a profile is the slow one)."""
    global _session
    if _session is None:
        root = Path(tempfile.mkdtemp(prefix="reporter-libreoffice-"))
        atexit.register(shutil.rmtree, root, True)
        profile = root / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(_XCU, encoding="utf-8")
        home = root / "home"
        home.mkdir()
        _session = _Session(root, profile, home, _sandbox_prefix())
    return _session


_KNOWN_LOCATIONS = [
    "/usr/lib/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
]


def find_soffice() -> str:
    """$SOFFICE, else soffice/libreoffice on PATH, else the usual install locations."""
    candidates = [os.environ.get("SOFFICE"), shutil.which("soffice"), shutil.which("libreoffice")]
    for candidate in [*candidates, *_KNOWN_LOCATIONS]:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    raise RuntimeError(
        "LibreOffice (soffice) is not installed, but the formula-parity tests need it to recalculate "
        "the generated workbooks. Run `make test` (it installs libreoffice-calc-nogui), or "
        "`sudo apt-get install libreoffice-calc-nogui`."
    )


def _staged_names(paths: list[Path]) -> list[str]:
    """Unique file names (soffice names each output after its input's stem)."""
    names: list[str] = []
    seen: set[str] = set()
    for i, path in enumerate(paths):
        name = f"{path.stem}.xlsx"
        if name.lower() in seen:
            name = f"{path.stem}~{i}.xlsx"
        seen.add(name.lower())
        names.append(name)
    return names


def recalculate(paths: list[Path], out_dir: Path) -> dict[Path, Path]:
    """Open each workbook in LibreOffice headless with recalculation forced, save as .xlsx into out_dir.

    One soffice process converts all files.  Returns {original: recalculated}.  Raises RuntimeError
    (with soffice's output) if soffice fails, times out, or any file was not produced.
    """
    paths = [Path(p) for p in paths]
    if not paths:
        return {}
    for path in paths:
        if not path.is_file():
            raise FileNotFoundError(path)
    soffice = find_soffice()
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    names = _staged_names(paths)
    targets = [out_dir / name for name in names]
    originals = {p.resolve() for p in paths}
    for target in targets:
        if target in originals:
            raise ValueError(f"recalculating into {out_dir} would overwrite the original {target}")
        target.unlink(missing_ok=True)  # never mistake a stale result for a fresh one

    with _lock:
        session = _get_session()
        # Copies: unique names, and the originals are neither locked nor touched by soffice.
        staging = Path(tempfile.mkdtemp(prefix="in-", dir=session.root))
        try:
            staged = []
            for path, name in zip(paths, names, strict=True):
                shutil.copyfile(path, staging / name)
                staged.append(str(staging / name))
            cmd = [
                *session.sandbox, soffice, "--headless", "--norestore", "--nolockcheck", "--nologo",
                "--nodefault", f"-env:UserInstallation={session.profile.as_uri()}",
                "--convert-to", XLSX_FILTER, "--outdir", str(out_dir), *staged,
            ]  # fmt: skip
            output = _run(cmd, session)
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    missing = [
        str(p) for p, t in zip(paths, targets, strict=True) if not t.is_file() or t.stat().st_size == 0
    ]
    if missing:
        raise RuntimeError(
            f"LibreOffice did not produce a recalculated copy of: {', '.join(missing)}\n{output}"
        )
    return dict(zip(paths, targets, strict=True))


def _run(cmd: list[str], session: _Session) -> str:
    env = dict(os.environ)
    env["HOME"] = str(session.home)
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        env.pop(var, None)
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=session.home,
        start_new_session=True,  # own process group, so a hung soffice.bin can be killed with it
        text=True,
        errors="replace",
    )
    try:
        stdout, stderr = proc.communicate(timeout=SOFFICE_TIMEOUT)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        stdout, stderr = proc.communicate()
        raise RuntimeError(
            f"soffice did not finish within {SOFFICE_TIMEOUT} s and was killed.\n"
            f"command: {' '.join(cmd)}\nstdout:\n{stdout}\nstderr:\n{stderr}"
        ) from None
    output = f"command: {' '.join(cmd)}\nexit status: {proc.returncode}\nstdout:\n{stdout}\nstderr:\n{stderr}"
    if proc.returncode != 0:
        raise RuntimeError(f"soffice failed.\n{output}")
    return output


# --------------------------------------------------------------------------- comparison


@dataclass
class Mismatch:
    workbook: str
    sheet: str
    cell: str
    formula: str
    cached: object
    recalculated: object
    kind: str = "value"  # "value" | "error" | "no cached value" | "missing sheet"

    def __str__(self) -> str:
        where = f"{self.workbook} › {self.sheet} › {self.cell}"
        if self.kind == "missing sheet":
            return f"{where}: sheet missing from the LibreOffice copy ({self.formula})"
        if self.kind == "no cached value":
            return (
                f"{where}: no cached value (viewers that do not calculate show nothing); "
                f"LibreOffice {_show(self.recalculated)} ({self.formula})"
            )
        if self.kind == "error":
            return f"{where}: cached {_show(self.cached)} ≠ LibreOffice error {self.recalculated} ({self.formula})"
        return (
            f"{where}: cached {_show(self.cached)} ≠ LibreOffice {_show(self.recalculated)} ({self.formula})"
        )


def _show(value: object) -> str:
    if value is None:
        return "(empty)"
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        return str(value)
    return repr(value)


def _formula_text(value: object) -> str | None:
    text = getattr(value, "text", value)  # ArrayFormula / DataTableFormula
    if isinstance(text, str) and text.startswith("="):
        return text
    return None


def _cells(ws, wanted: Iterable[str] | None = None) -> dict[str, object]:
    """coordinate -> read-only cell, for every non-empty cell (or only the wanted ones)."""
    wanted = set(wanted) if wanted is not None else None
    ws.reset_dimensions()  # do not trust the <dimension> element
    found = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None and wanted is None:
                continue
            coord = getattr(cell, "coordinate", None)
            if coord is None:  # EmptyCell
                continue
            if wanted is None or coord in wanted:
                found[coord] = cell
    return found


def _is_error(value: object, data_type: str | None) -> bool:
    if data_type == "e":
        return True
    return isinstance(value, str) and (value in ERROR_VALUES or value.startswith("Err:"))


def _as_number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta):
        return float(to_excel(value))
    return None


def _equal(cached: object, recalculated: object, *, money: bool, rel_tol: float) -> bool:
    if isinstance(cached, bool) or isinstance(recalculated, bool):
        return type(cached) is type(recalculated) and cached == recalculated
    a, b = _as_number(cached), _as_number(recalculated)
    if a is not None and b is not None:
        diff = abs(a - b)
        if diff <= rel_tol * max(1.0, abs(a), abs(b)):
            return True
        return money and diff <= 0.005 + 1e-9 * max(1.0, abs(a))
    if a is not None or b is not None:
        return False
    # Text (an empty text result is stored without a value; openpyxl reads None).
    return (cached or "") == (recalculated or "")


def _is_money_format(number_format: str | None) -> bool:
    return bool(number_format) and ("¥" in number_format or "0.00" in number_format)


def compare(
    original: Path,
    recalculated: Path,
    *,
    money_cells: Callable[[str, str], bool] | None = None,
    rel_tol: float = 1e-9,
) -> tuple[list[Mismatch], int]:
    """Compare every formula cell's cached value in `original` with LibreOffice's value in `recalculated`.

    Returns (mismatches, number of formula cells checked).  Numbers must agree within
    rel_tol*max(1,|x|), or to the cent for money cells (money_cells(sheet, cell) true, or a number
    format containing '¥' or '0.00').  Text and booleans must be equal.  An error value in the
    recalculated copy, and a formula cell without cached value in the original, are always mismatches.
    """
    original, recalculated = Path(original), Path(recalculated)
    name = original.name
    formulas_wb = openpyxl.load_workbook(original, read_only=True, data_only=False)
    cached_wb = openpyxl.load_workbook(original, read_only=True, data_only=True)
    recalc_wb = openpyxl.load_workbook(recalculated, read_only=True, data_only=True)
    mismatches: list[Mismatch] = []
    checked = 0
    try:
        for ws in formulas_wb.worksheets:
            formulas = {}
            for coord, cell in _cells(ws).items():
                text = _formula_text(cell.value)
                if text is not None:
                    formulas[coord] = text
            if not formulas:
                continue
            checked += len(formulas)
            cached_cells = _cells(cached_wb[ws.title], formulas)
            if ws.title not in recalc_wb.sheetnames:
                first = next(iter(formulas))
                mismatches.append(
                    Mismatch(
                        name, ws.title, first, f"{len(formulas)} formula cells", None, None, "missing sheet"
                    )
                )
                continue
            recalc_cells = _cells(recalc_wb[ws.title], formulas)
            for coord, formula in formulas.items():
                c_cell = cached_cells.get(coord)
                r_cell = recalc_cells.get(coord)
                cached = c_cell.value if c_cell is not None else None
                value = r_cell.value if r_cell is not None else None
                r_type = r_cell.data_type if r_cell is not None else None
                if _is_error(value, r_type):
                    mismatches.append(Mismatch(name, ws.title, coord, formula, cached, value, "error"))
                elif cached is None:
                    if value not in (None, ""):  # an empty text result needs no cached value
                        mismatches.append(
                            Mismatch(name, ws.title, coord, formula, None, value, "no cached value")
                        )
                else:
                    number_format = c_cell.number_format if c_cell is not None else None
                    money = _is_money_format(number_format) or bool(
                        money_cells and money_cells(ws.title, coord)
                    )
                    if not _equal(cached, value, money=money, rel_tol=rel_tol):
                        mismatches.append(Mismatch(name, ws.title, coord, formula, cached, value))
    finally:
        for wb in (formulas_wb, cached_wb, recalc_wb):
            wb.close()
    return mismatches, checked


def format_report(mismatches: list[Mismatch], checked: int, workbooks: int) -> str:
    lines = [
        f"{len(mismatches)} of {checked} formula cells in {workbooks} workbook(s) differ between the "
        "cached values and LibreOffice's recalculation:"
    ]
    lines += [f"  {m}" for m in mismatches[:MAX_REPORTED]]
    if len(mismatches) > MAX_REPORTED:
        lines.append(f"  … and {len(mismatches) - MAX_REPORTED} more")
    return "\n".join(lines)


def assert_parity(paths: list[Path], tmp_dir: Path, **kw) -> int:
    """Recalculate all `paths` in one soffice run and compare; AssertionError lists every mismatch.

    Keyword arguments go to compare().  Returns the number of formula cells checked.
    """
    return compare_all(recalculate(paths, Path(tmp_dir) / "libreoffice"), **kw)


def compare_all(recalculated: dict[Path, Path], **kw) -> int:
    """compare() every {original: recalculated} pair; AssertionError lists every mismatch."""
    mismatches: list[Mismatch] = []
    checked = 0
    for original, copy in recalculated.items():
        found, n = compare(original, copy, **kw)
        mismatches += found
        checked += n
    if mismatches:
        raise AssertionError(format_report(mismatches, checked, len(recalculated)))
    return checked
