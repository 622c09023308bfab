"""`reporter plan`: plan-only validation, agreements and tracking scorecards in OUT/plans/<term>/."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from reporter.cli import cli
from reporter.errors import InputError, OutputExistsError
from reporter.input.validate import PERIOD_DATA_SHEETS, load_input
from reporter.pipeline.plan import lay_out_plan, plan
from reporter.writers.pdf.verification import code_from_pdf
from reporter.writers.xlsx.layout import (
    POINTS_COL,
    STANDARD_COL,
    VALUE_AT,
    VALUE_COL,
    measure_names,
    plan_layout,
)
from tests.conftest import BASE, SAMPLE, once_per_run, write_book
from tests.test_verify import pdf_text

PERIOD_DATA_TITLES = ("月度数据", "考勤", "评分", "评语", "加减分")


def without_period_data(source: Path, target: Path) -> Path:
    """The workbook with the period's figures removed: the rows of the period-data sheets, headers kept."""
    wb = openpyxl.load_workbook(source)
    for title in PERIOD_DATA_TITLES:
        ws = wb[title]
        if ws.max_row > 1:
            ws.delete_rows(2, ws.max_row)
    wb.save(target)
    return target


def plan_sheets() -> dict:
    sheets = copy.deepcopy(BASE)
    for title in PERIOD_DATA_TITLES:
        sheets[title] = sheets[title][:1]
    return sheets


def run(*args: str):
    return CliRunner().invoke(cli, ["plan", *map(str, args)])


# ------------------------------------------------------------------ validation (fast)


def test_period_data_sheets_are_what_only_the_period_end_knows():
    assert set(PERIOD_DATA_SHEETS) == {"measures", "attendance", "ratings", "reviews", "adjustments",
                                      "unit_measures", "unit_ratings"}


def test_a_plan_without_figures_validates_for_plan_only(tmp_path):
    book = write_book(tmp_path / "plan.xlsx", plan_sheets())
    with pytest.raises(InputError):
        load_input(book)  # build needs the figures
    inp = load_input(book, stage="plan")
    assert [e.employee_id for e in inp.employees] == ["E001", "E002", "E003", "E004"]
    assert not inp.measures and not inp.ratings and not inp.reviews
    assert not [w for w in inp.warnings if "评语" in w.message]


def test_missing_period_sheets_are_fine_and_their_content_ignored(tmp_path):
    sheets = plan_sheets()
    del sheets["考勤"], sheets["评语"]
    sheets["月度数据"].append(["NOBODY", "某人", "not a number", None, None, None])
    sheets["评分"].append(["E001", "工作态度", "很好"])
    inp = load_input(write_book(tmp_path / "plan.xlsx", sheets), stage="plan")
    assert not inp.measures and not inp.ratings


def test_the_month_workbook_gives_the_same_plan():
    full, planned = load_input(SAMPLE), load_input(SAMPLE, stage="plan")
    assert planned.plans == full.plans and planned.grades == full.grades
    assert [e.employee_id for e in planned.employees] == [e.employee_id for e in full.employees]
    assert not planned.measures and not planned.adjustments


def test_bad_plan_input_names_row_and_column(tmp_path):
    sheets = plan_sheets()
    sheets["考核方案"][1][5] = "35%"  # weights no longer sum to 100 %
    sheets["指标库"][2][2] = "bad_reviews / nothing_known"
    book = write_book(tmp_path / "plan.xlsx", sheets)
    with pytest.raises(InputError) as caught:
        load_input(book, stage="plan")
    where = {(p.sheet, p.row) for p in caught.value.problems}
    assert ("指标库", 3) in where
    assert any(p.sheet == "指标库" and p.column for p in caught.value.problems)
    result = run(book, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "指标库" in result.output and "考核方案" in result.output
    assert not (tmp_path / "out" / "plans").exists()


def test_a_file_the_run_would_write_is_not_replaced_without_force(tmp_path):
    book = write_book(tmp_path / "plan.xlsx", plan_sheets())
    folder = tmp_path / "out" / "plans" / "2026-10"
    (folder / "agreements").mkdir(parents=True)
    (folder / "agreements" / "E001.pdf").write_bytes(b"old")  # no agreement on record: one is due
    for args in ((), ("--employee", "E001")):
        result = run(book, "--out", tmp_path / "out", *args)
        assert result.exit_code == 1 and "E001.pdf" in result.output and "--force" in result.output
        assert (folder / "agreements" / "E001.pdf").read_bytes() == b"old"
        assert [p.name for p in folder.rglob("*")] == ["agreements", "E001.pdf"]  # nothing else written
    assert not (tmp_path / "out" / "reporter.sqlite").exists()  # nor recorded


def test_unknown_employee_is_a_usage_problem(tmp_path):
    book = write_book(tmp_path / "plan.xlsx", plan_sheets())
    result = run(book, "--out", tmp_path / "out", "--employee", "E999")
    assert result.exit_code == 2 and "E999" in result.output


def test_what_was_agreed_goes_into_the_history(tmp_path):
    from datetime import date

    from reporter.store.agreed import PlanRecord, load_agreed, record_plan

    inp = load_input(write_book(tmp_path / "plan.xlsx", plan_sheets()), stage="plan")
    db = tmp_path / "reporter.sqlite"
    record_plan(db, inp, date(2026, 10, 1), PlanRecord(agreements=("E001", "E002", "E003", "E004")),
                input_sha256="abc")
    seen = [load_agreed(db, "2026-10")]
    assert set(seen[0]) == {"E001", "E002", "E003", "E004"}
    assert {line.input_sha256 for lines in seen[0].values() for line in lines} == {"abc"}
    assert {line.issued_in for lines in seen[0].values() for line in lines} == {"2026-10"}
    record_plan(db, inp, date(2026, 10, 2), PlanRecord(agreements=("E001",)), input_sha256="def")
    again = load_agreed(db, "2026-10")
    assert {line.agreed_on for line in again["E001"]} == {"2026-10-02"}  # re-agreed
    assert {line.agreed_on for line in again["E002"]} == {"2026-10-01"}  # untouched


def test_nothing_is_agreed_when_validation_fails(tmp_path):
    sheets = plan_sheets()
    sheets["考核方案"][1][5] = "35%"
    calls = []
    with pytest.raises(InputError):
        plan(write_book(tmp_path / "plan.xlsx", sheets), tmp_path / "out", on_agreed=lambda *a: calls.append(a))
    assert not calls


# ------------------------------------------------------------------ outputs (slow: PDFs, LibreOffice)


@pytest.fixture(scope="module")
def sample_plan(tmp_path_factory):
    """The sample's plan, made once per run (shared by the xdist workers). Read only."""

    def make(root: Path):
        book = without_period_data(SAMPLE, root / "plan.xlsx")
        result = run(book, "--out", root / "out", "--workers", "2")
        assert result.exit_code == 0, result.output
        return book, root / "out" / "plans" / "2026-10", result.output

    return once_per_run(tmp_path_factory, "sample-plan", make)


@pytest.mark.slow
def test_plan_writes_an_agreement_and_a_tracking_scorecard_per_employee(sample_plan, sample_result):
    _, folder, output = sample_plan
    assert "目标责任书" in output and str(folder) in output
    for r in sample_result.results:
        eid = r.employee.employee_id
        # Someone not appraised (HZ0017, on maternity leave) is absent for the period: nothing to sign.
        assert (folder / "agreements" / f"{eid}.pdf").exists() == r.appraised, eid
        assert len(list(folder.glob(f"tracking/2026-10/*/{eid}.xlsx"))) == (1 if r.appraised else 0)
    hz17 = next(r for r in sample_result.results if r.employee.employee_id == "HZ0017")
    assert not hz17.appraised and not (folder / "agreements" / "HZ0017.pdf").exists()
    assert list(folder.glob("print/2026-10/agreements-*.pdf")) and (folder / "plan.json").is_file()
    assert not (folder.parent.parent / "2026-10").exists()  # build's folder is untouched


def tracking_cells(book: Path, eid: str):
    """Where the figures, points, total and grade of an employee's tracking scorecard are (1-based)."""
    result = lay_out_plan(load_input(book, stage="plan"))
    r = next(x for x in result.results if x.employee.employee_id == eid)
    measures = measure_names(result, r)
    at = plan_layout(result, r, measures)
    return r, measures, at


def employee_to_fill(sample_result):
    """An appraised employee without bonus/penalty items (those rows stay for HR to add) and with a rating."""
    return next(r for r in sample_result.appraised
                if not sample_result.input.adjustments.get(r.employee.employee_id)
                and any(lr.line.method == "rating" for lr in r.lines))


@pytest.mark.slow
def test_tracking_scorecard_has_empty_figures_and_no_grade(sample_plan, sample_result):
    book, folder, _ = sample_plan
    r = employee_to_fill(sample_result)
    eid = r.employee.employee_id
    planned, measures, at = tracking_cells(book, eid)
    ws = openpyxl.load_workbook(next(folder.glob(f"tracking/2026-10/*/{eid}.xlsx")), data_only=True).active
    for i in range(len(measures)):
        assert ws.cell(at.measures + i + 1, VALUE_AT + 1).value is None
    for i, lr in enumerate(planned.lines):
        if lr.line.method == "rating":
            assert ws.cell(at.lines + i + 1, VALUE_COL + 1).value is None
        assert ws.cell(at.lines + i + 1, POINTS_COL + 1).value == 0
    assert ws.cell(at.totals + 1, POINTS_COL + 1).value == 0
    assert ws.cell(at.totals + 2, POINTS_COL + 1).value == "未录入"
    assert not ws.cell(at.totals + 2, STANDARD_COL + 1).value


@pytest.mark.slow
def test_a_tracking_scorecard_shows_no_streak_bonus_before_the_results(sample_plan, sample_result):
    """HZ0016 earns the first-rank bonus at the period's end; her tracking scorecard must not promise it."""
    from reporter.writers.xlsx.layout import RIGHT_VALUE_AT

    book, folder, _ = sample_plan
    assert next(r for r in sample_result.results if r.employee.employee_id == "HZ0016").pay.one_time_bonus > 0
    ws = openpyxl.load_workbook(next(folder.glob("tracking/2026-10/*/HZ0016.xlsx")), data_only=True).active
    label = next(c for row in ws.iter_rows() for c in row if c.value == "一次性奖励")
    assert ws.cell(label.row, RIGHT_VALUE_AT + 1).value == 0


def one_per_role(sample_result):
    """An appraised employee of each role without bonus/penalty items (those rows stay empty for HR to add)."""
    chosen = {}
    for r in sample_result.appraised:
        if not sample_result.input.adjustments.get(r.employee.employee_id):
            chosen.setdefault(r.employee.role, r)
    return list(chosen.values())


def fill_figures(tracking: Path, target: Path, book: Path, sample_result, eid: str) -> None:
    """Type the sample's real figures for ``eid`` into the input cells of its tracking scorecard."""
    planned, measures, at = tracking_cells(book, eid)
    figures = sample_result.input.measures[eid]
    ratings = sample_result.input.ratings.get(eid, {})
    wb = openpyxl.load_workbook(tracking)
    ws = wb.active
    for i, name in enumerate(measures):
        ws.cell(at.measures + i + 1, VALUE_AT + 1).value = float(figures.get(name, Decimal(0)))
    for i, lr in enumerate(planned.lines):
        if lr.line.method == "rating":
            ws.cell(at.lines + i + 1, VALUE_COL + 1).value = float(ratings[lr.line.item])
    wb.save(target)


@pytest.mark.slow
def test_filled_tracking_scorecards_score_as_build_does(sample_plan, sample_result, tmp_path):
    """Mid-period figures typed into the tracking scorecard give what `build` computes from them."""
    from tests.recalc import recalculate

    book, folder, _ = sample_plan
    employees = one_per_role(sample_result)
    assert len(employees) >= 5
    filled = {}
    for expected in employees:
        eid = expected.employee.employee_id
        filled[eid] = tmp_path / f"{eid}.xlsx"
        fill_figures(next(folder.glob(f"tracking/2026-10/*/{eid}.xlsx")), filled[eid], book, sample_result, eid)
    empty = {eid: tmp_path / f"empty-{eid}.xlsx" for eid in filled}
    for eid, path in empty.items():
        path.write_bytes(next(folder.glob(f"tracking/2026-10/*/{eid}.xlsx")).read_bytes())
    recalculated = recalculate([*filled.values(), *empty.values()], tmp_path / "lo")
    for eid, path in empty.items():  # before any figure: "not entered", a coefficient of 0, and no error cell
        _, _, at = tracking_cells(book, eid)
        ws = openpyxl.load_workbook(recalculated[path], data_only=True).active
        errors = [c.coordinate for row in ws.iter_rows() for c in row
                  if isinstance(c.value, str) and (c.value.startswith("#") or c.value.startswith("Err:"))]
        assert errors == [] and ws.cell(at.totals + 2, POINTS_COL + 1).value == "未录入", eid
    for expected in employees:
        eid = expected.employee.employee_id
        _, _, at = tracking_cells(book, eid)
        ws = openpyxl.load_workbook(recalculated[filled[eid]], data_only=True).active
        for i, lr in enumerate(expected.lines):
            assert ws.cell(at.lines + i + 1, POINTS_COL + 1).value == pytest.approx(float(lr.points), abs=0.005), \
                (eid, lr.line.item)
        assert ws.cell(at.totals + 1, POINTS_COL + 1).value == pytest.approx(float(expected.total), abs=0.005), eid
        assert ws.cell(at.totals + 2, POINTS_COL + 1).value == expected.grade.grade, eid
        assert ws.cell(at.totals + 2, STANDARD_COL + 1).value == expected.grade.name, eid


@pytest.mark.slow
def test_plan_force_reissue_and_partial_runs(tmp_path):
    book = write_book(tmp_path / "plan.xlsx", plan_sheets())
    out = tmp_path / "out"
    assert run(book, "--out", out, "--workers", "1").exit_code == 0
    folder = out / "plans" / "2026-10"
    e4, e4_tracking = folder / "agreements" / "E004.pdf", folder / "tracking" / "2026-10" / "华东公司-运营部" / "E004.xlsx"

    def changed_since(stamp):
        return {p for p in folder.rglob("*") if p.is_file() and p.stat().st_mtime_ns != stamp.get(p)}

    stamp = {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}
    assert run(book, "--out", out, "--department", "运营部", "--workers", "1").exit_code == 1  # its tracking exists
    result = run(book, "--out", out, "--department", "运营部", "--force", "--workers", "1")
    assert result.exit_code == 0, result.output
    assert "目标责任书：0 份" in result.output  # agreed already: the signed agreement is not rewritten
    assert changed_since(stamp) == {e4_tracking, folder / "print" / "2026-10" / "agreements-华东公司-运营部.pdf",
                                    folder / "plan.json"}
    stamp = {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}
    first = code_from_pdf(e4)
    result = run(book, "--out", out, "--employee", "E004", "--reissue", "--workers", "1")
    assert result.exit_code == 0 and "目标责任书：1 份" in result.output, result.output
    assert e4 in changed_since(stamp) and not any("E001" in p.name for p in changed_since(stamp))
    # The new paper says which one it replaces, so the two signed copies are told apart.
    second = code_from_pdf(e4)
    assert first and second and second != first and "-A2-" in second
    assert f"第2版，取代第1版（校验码{first}）" in "".join(pdf_text(e4).split())
    assert run(book, "--out", out).exit_code == 1
    assert run(book, "--out", out, "--force", "--workers", "1").exit_code == 0


@pytest.mark.slow
def test_on_agreed_is_called_after_every_successful_run(tmp_path):
    from datetime import date

    from reporter.store.agreed import load_agreed

    book = write_book(tmp_path / "plan.xlsx", plan_sheets())
    calls, seen = [], []

    def agreed(inp, on, ids):
        calls.append((inp.settings.period.key, on, ids))
        seen.append(load_agreed(tmp_path / "out" / "reporter.sqlite", "2026-10"))

    report = plan(book, tmp_path / "out", agreed_on=date(2026, 10, 8), on_agreed=agreed)
    assert calls == [("2026-10", date(2026, 10, 8), None)] and not report.partial
    assert set(seen[0]) == {"E001", "E002", "E004"}  # recorded before the callback hears of it
    plan(book, tmp_path / "out", employee_ids=["E002", "E001"], force=True, agreed_on=date(2026, 10, 9),
         on_agreed=agreed)
    assert calls[1] == ("2026-10", date(2026, 10, 9), ["E001", "E002"])
    with pytest.raises(OutputExistsError):
        plan(book, tmp_path / "out", employee_ids=["E001"], on_agreed=agreed)
    assert len(calls) == 2


@pytest.mark.parametrize(("code", "words"), [("zh", "未录入"), ("en", "not entered"), ("zh-en", "未录入 / not entered")])
def test_tracking_grade_says_not_entered_in_the_workbook_language(tmp_path, code, words):
    import io

    from reporter.writers.xlsx.tracking import render_tracking_scorecard

    sheets = plan_sheets()
    sheets["设置"].append(["语言", code])
    result = lay_out_plan(load_input(write_book(tmp_path / "plan.xlsx", sheets), stage="plan"))
    r = result.results[0]
    at = plan_layout(result, r, measure_names(result, r))
    ws = openpyxl.load_workbook(io.BytesIO(render_tracking_scorecard(result, r))).active
    grade = ws.cell(at.totals + 2, POINTS_COL + 1).value
    assert grade.startswith("=IF(COUNTBLANK(") and f'"{words}"' in grade
    ws = openpyxl.load_workbook(io.BytesIO(render_tracking_scorecard(result, r)), data_only=True).active
    assert ws.cell(at.totals + 2, POINTS_COL + 1).value == words
    assert ws.cell(at.totals + 1, POINTS_COL + 1).value == 0


@pytest.mark.slow
def test_plan_agreement_is_the_one_build_writes(sample_plan, sample_result):
    """The agreement comes from the plan alone: byte for byte the one `build` writes from the full workbook."""
    import os

    from reporter.pipeline.build import source_date
    from reporter.pipeline.issue import agreement_stamps
    from reporter.writers.pdf.documents import render_agreement
    from reporter.writers.pdf.renderer import PdfRenderer

    _, folder, _ = sample_plan
    created = source_date(os.environ) or sample_result.input.settings.period.document_date
    db = folder.parent.parent / "reporter.sqlite"
    for r in one_per_role(sample_result)[:2]:
        eid = r.employee.employee_id
        stamp = agreement_stamps(sample_result, db, [eid])[eid]  # the version plan recorded: same figures, same code
        assert stamp.version == 1 and stamp.issued_on
        built = render_agreement(PdfRenderer(None), sample_result, r, created, stamp)
        assert (folder / "agreements" / f"{eid}.pdf").read_bytes() == built, eid


# ------------------------------------------------------------------ the plan in the history, and its amendments


def amended(sheets: dict) -> dict:
    """The fixture plan with the 差评次数 target changed from 3 to 2, recorded with its reason and approver."""
    sheets["考核方案"][0] += ["原目标值", "调整原因", "批准人"]
    for row in sheets["考核方案"][1:]:
        row += [None, None, None]
    sheets["考核方案"][2][-3:] = [3, "市场重大变化", "赵总"]
    return sheets


@pytest.mark.slow
def test_plan_records_what_was_agreed_and_build_holds_the_plan_to_it(tmp_path):
    from reporter.store.agreed import load_agreed
    from tests.conftest import cli_build

    out = tmp_path / "out"
    planned = write_book(tmp_path / "plan.xlsx", amended(plan_sheets()))
    assert run(planned, "--out", out, "--workers", "1").exit_code == 0
    agreed = load_agreed(out / "reporter.sqlite", "2026-10")
    assert set(agreed) == {"E001", "E002", "E004"}  # E003 is absent for the period: nothing to sign
    assert [(a.item, a.target, a.original_target) for a in agreed["E001"]][1] == ("差评次数", Decimal(2), Decimal(3))
    # The month's workbook scores the plan that was agreed: no "never agreed" warning.
    month = write_book(tmp_path / "month.xlsx", amended(copy.deepcopy(BASE)))
    built = cli_build(month, out, "--only", "scorecards,summary")
    assert "reporter plan" not in built.output
    # A target changed afterwards without a recorded change stops the build at its cell.
    changed = amended(copy.deepcopy(BASE))
    changed["考核方案"][1][7] = 25  # 及时响应时间: 30 → 25, no 原目标值 / 调整原因 / 批准人
    result = CliRunner().invoke(cli, ["build", str(write_book(tmp_path / "changed.xlsx", changed)), "--out",
                                      str(tmp_path / "out2"), "--db", str(out / "reporter.sqlite")])
    assert result.exit_code == 2, result.output
    assert "考核方案" in result.output and "第 2 行" in result.output and "目标值" in result.output


@pytest.mark.slow
def test_a_changed_target_gets_an_addendum_beside_the_agreement(tmp_path):
    import subprocess

    out = tmp_path / "out"
    result = run(write_book(tmp_path / "plan.xlsx", amended(plan_sheets())), "--out", out, "--workers", "1")
    assert result.exit_code == 0, result.output
    folder = out / "plans" / "2026-10"
    # Only the role whose plan records the change (在线客服专员: E001–E003, E003 absent) gets one, numbered 1;
    # 运营专员 (E004) does not.
    assert sorted(p.stem for p in (folder / "addenda").glob("*.pdf")) == ["E001-1", "E002-1"]
    text = subprocess.run(["pdftotext", str(folder / "addenda" / "E001-1.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = "".join(text.split())
    assert "变更补充协议" in flat and "差评次数" in flat and "市场重大变化" in flat and "赵总" in flat
    assert "变更补充协议：2 份" in result.output
    assert "第1号" not in flat  # a first addendum carries no number
    assert (folder / "print" / "2026-10" / "addenda-华东公司-客服部.pdf").is_file()
