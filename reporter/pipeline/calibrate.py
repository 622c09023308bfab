"""`reporter calibrate`: the calibration facts of a built period, from its folder (never the input workbook).

Reads manifest.json (the grades and the 校准 settings the build used) and results/<工号>.json (each
employee's grade, total, ratings, performance pay and 直属上级), and runs the same rules as the summary's
校准 sheet (reporter.rules.calibration).  Reads only: nothing in the folder changes.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from reporter.errors import UsageError
from reporter.rules.calibration import Appraisee, Calibration, calibrate
from reporter.writers.manifest import Manifest, read_manifest

REBUILD = "请用当前版本重新运行 reporter build 生成该期间后再校准（已发出的确认书不受影响）"


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _appraisee(trace: dict) -> Appraisee:
    shares = tuple(Decimal(line["value"]) / Decimal(line["parameters"]["target"]) for line in trace["lines"]
                   if line["method"] == "rating" and line.get("value") is not None
                   and Decimal(line["parameters"]["target"]))
    pay = trace["pay"]
    return Appraisee(trace["employee_id"], trace["company"], trace["department"], trace["manager"],
                     trace["appraised"], _decimal(trace["total"]), trace["grade"], shares,
                     Decimal(pay["personal_commission"]), Decimal(pay["shared_commission"]))


def calibrate_folder(period_dir: Path) -> tuple[Manifest, Calibration]:
    """The manifest and calibration facts of a built period folder; a clear error for an older build."""
    manifest = read_manifest(period_dir)
    settings = manifest.calibration
    if settings is None:
        raise UsageError(f"{period_dir} 由较早的版本生成，manifest.json 中没有校准所需的等级与设置：{REBUILD}")
    people = []
    for r in manifest.recipients:
        path = Path(period_dir) / "results" / f"{r.employee_id}.json"
        if not path.is_file():
            raise UsageError(f"缺少 {path}：该期间的结果明细不完整，{REBUILD}")
        trace = json.loads(path.read_text(encoding="utf-8"))
        if "manager" not in trace:
            raise UsageError(f"{path} 由较早的版本生成，没有直属上级：{REBUILD}")
        people.append(_appraisee(trace))
    targets = tuple((grade, Decimal(share)) for grade, share in settings["targets"])
    return manifest, calibrate(people, settings["grades"], targets, Decimal(settings["tolerance"]),
                               _decimal(settings["budget"]))
