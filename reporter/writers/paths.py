"""Where each output file goes. Files are named by employee ID, never by name alone."""

from __future__ import annotations

from pathlib import Path

from reporter.model import EmployeeResult

_UNSAFE = '/\\:*?"<>|'


def department_label(r: EmployeeResult) -> str:
    """Company and department: two regional companies may both have a 客服部."""
    label = f"{r.employee.company}-{r.employee.department}"
    for ch in _UNSAFE:
        label = label.replace(ch, "_")
    return label


def scorecard_path(folder: Path, r: EmployeeResult) -> Path:
    return folder / "scorecards" / department_label(r) / f"{r.employee.employee_id}.xlsx"


def employee_files(folder: Path, r: EmployeeResult) -> list[Path]:
    """One employee's own files: trace, letter, agreement and, if appraised, the scorecard."""
    eid = r.employee.employee_id
    files = [folder / "results" / f"{eid}.json", folder / "letters" / f"{eid}.pdf",
             folder / "agreements" / f"{eid}.pdf"]
    if r.appraised:
        files.append(scorecard_path(folder, r))
    return files


def batch_path(folder: Path, kind: str, label: str) -> Path:
    return folder / "print" / f"{kind}-{label}.pdf"


def unit_paths(folder: Path, code: str) -> dict[str, Path]:
    """A unit's files of the period's build, named by unit code (an identifier: safe in a file name)."""
    return {"scorecards": folder / "units" / "scorecards" / f"{code}.xlsx",
            "letters": folder / "units" / "letters" / f"{code}.pdf"}


def unit_agreement_path(folder: Path, code: str, term: str) -> Path:
    """A unit's agreement for one term (a unit may have a month's plan and a year's): OUT/plans/<term>/units/…"""
    return folder / "units" / "agreements" / f"{code}-{term}.pdf"
