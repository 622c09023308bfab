"""The command line as HR uses it: exit codes, messages, what is written and what is never touched."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import pytest
from click.testing import CliRunner

from reporter.cli import cli
from reporter.store.atomic import staged_folder
from tests.conftest import streak_of_two


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def read_payroll(folder: Path) -> list[dict]:
    raw = (folder / "payroll.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "payroll.csv must start with a UTF-8 BOM so Excel reads Chinese"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("command", [[], ["init"], ["validate"], ["build"], ["demo-data"], ["merge"], ["email"]])
def test_every_command_has_help_that_teaches(command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output or "reporter init" in result.output


def test_the_commands_start_without_pandas():
    """pandas takes about 0.4 s to import: only the commands that lay out the history (annual, history) and
    the calibration load it, so `reporter --help` and `reporter validate` answer sooner."""
    loaded = subprocess.run([sys.executable, "-c", "import sys, reporter.cli; print(sorted({'pandas', 'reporter.frames'}"
                             " & set(sys.modules)))"], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_validate_ok(make_book):
    result = run("validate", make_book())
    assert result.exit_code == 0 and "检查通过" in result.output


def test_validate_bad_input_exits_2_with_locations_and_no_traceback(base_sheets, make_book):
    base_sheets["员工"][2][7] = "四千五"
    base_sheets["考勤"][1][2] = -1
    result = run("validate", make_book(base_sheets))
    assert result.exit_code == 2
    assert "员工 › 第 3 行 › H 列「岗位工资」" in result.stderr
    assert "考勤 › 第 2 行 › C 列「迟到次数」" in result.stderr
    assert "Traceback" not in result.stderr and "共 2 个问题" in result.stderr


def test_verbose_shows_the_traceback(base_sheets, make_book):
    base_sheets["员工"][2][0] = 1002
    result = run("validate", make_book(base_sheets), "--verbose")
    assert result.exit_code == 2 and "Traceback" in result.stderr


def test_not_a_workbook_exits_2(tmp_path):
    path = tmp_path / "data.xlsx"
    path.write_text("工号,姓名\nE001,张伟\n", encoding="utf-8")
    result = run("validate", path)
    assert result.exit_code == 2 and "CSV" in result.stderr and "Traceback" not in result.stderr


def test_build_writes_payroll_results_and_history(small_build):
    out, output = small_build.out, small_build.output  # the build's exit code 0 is checked by the fixture
    assert "已评分：3 人" in output and "未参与考核：1 人" in output and "E003 王芳" in output
    rows = {r["工号"]: r for r in read_payroll(out / "2026-10")}
    assert rows["E001"]["应发合计"] == "9000.00" and rows["E001"]["等级"] == "S"
    assert rows["E003"]["考核状态"] == "未参与考核" and rows["E003"]["应发合计"] == "4850.00"
    trace = json.loads((out / "2026-10" / "results" / "E004.json").read_text(encoding="utf-8"))
    assert trace["lines"][0]["kpi_formula"] == "buyers / uv" and trace["lines"][0]["points"] == "30.00"
    with sqlite3.connect(out / "reporter.sqlite") as conn:
        assert conn.execute("SELECT COUNT(*) FROM results WHERE period='2026-10'").fetchone()[0] == 4
    assert not list(out.glob(".staging-*"))


def test_existing_period_is_not_overwritten_without_force(small_build_copy):
    out, book = small_build_copy.out, small_build_copy.book
    before = snapshot(out / "2026-10")
    result = run("build", book, "--out", out)
    assert result.exit_code == 1 and "--force" in result.stderr
    assert snapshot(out / "2026-10") == before
    assert run("build", book, "--out", out, "--force").exit_code == 0


def test_bad_input_writes_nothing(tmp_path, base_sheets, make_book):
    out = tmp_path / "out"
    base_sheets["员工"][1][7] = "abc"
    result = run("build", make_book(base_sheets), "--out", out)
    assert result.exit_code == 2
    assert not out.exists() or not any(out.iterdir())


def test_failed_rebuild_keeps_the_earlier_results(small_build_copy, base_sheets, make_book):
    out = small_build_copy.out
    before = snapshot(out / "2026-10")
    base_sheets["员工"][1][7] = "abc"
    assert run("build", make_book(base_sheets), "--out", out, "--force").exit_code == 2
    assert snapshot(out / "2026-10") == before


def test_staged_folder_leaves_target_intact_when_writing_fails(tmp_path):
    target = tmp_path / "2026-10"
    target.mkdir()
    (target / "payroll.csv").write_text("old")
    with pytest.raises(RuntimeError), staged_folder(target, force=True) as staging:
        (staging / "payroll.csv").write_text("half")
        raise RuntimeError("disk full")
    assert (target / "payroll.csv").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["2026-10"]


@pytest.mark.slow
def test_other_periods_survive_and_feed_the_history_rules(tmp_path, base_sheets, make_book):
    """Build Aug, Sep, Oct from the same data: Oct sees E001 first three times running."""
    out = tmp_path / "out"
    for month in ("2026-08", "2026-09", "2026-10"):
        base_sheets["设置"][2][1] = month
        assert run("build", make_book(base_sheets), "--out", out).exit_code == 0
    assert {p.name for p in out.iterdir() if p.is_dir()} == {"2026-08", "2026-09", "2026-10"}
    rows = {r["工号"]: r for r in read_payroll(out / "2026-10")}
    assert rows["E001"]["一次性奖励"] == "200.00"
    assert rows["E001"]["备注"] == "连续 3 个月部门排名第一，发放一次性奖励 ¥200.00"
    assert rows["E002"]["备注"] == "连续 3 个月考核不及格，需跟进"  # for HR: no "automatic resignation"
    aug = {r["工号"]: r for r in read_payroll(out / "2026-08")}
    assert aug["E001"]["一次性奖励"] == "0.00"


def test_build_summary_words_the_settings(tmp_path, base_sheets, make_book):
    """连续月数 = 2 and 缺勤上限月数 = 1: what the build prints says 2 and 1."""
    base_sheets["设置"].append(["缺勤上限月数", 1])
    result = run("build", make_book(streak_of_two(base_sheets)), "--out", tmp_path / "out", "--only", "summary")
    assert result.exit_code == 0, result.output
    assert "E003 王芳 — 考评期内累计未到岗 3 个月，超过 1 个月，按制度不参与本期考核" in result.output
    assert "连续 2 个月规则：" in result.output
    assert "E001 张伟 — 连续 2 个月部门排名第一，发放一次性奖励 ¥200.00" in result.output
    assert "E002 李娜 — 连续 2 个月考核不及格，需跟进" in result.output


@pytest.mark.slow
def test_partial_build_writes_only_the_chosen_employees(tmp_path, make_book):
    out = tmp_path / "out"
    result = run("build", make_book(), "--out", out, "--employee", "E002")
    assert result.exit_code == 0, result.output
    folder = out / "2026-10"
    assert [p.name for p in (folder / "results").iterdir()] == ["E002.json"]
    assert [p.name for p in (folder / "letters").iterdir()] == ["E002.pdf"]
    assert "未生成：letters-华东公司-客服部.pdf" in result.output  # the department's other letters are missing
    assert not (out / "2026-10" / "payroll.csv").exists() and not (out / "reporter.sqlite").exists()
    trace = json.loads((out / "2026-10" / "results" / "E002.json").read_text(encoding="utf-8"))
    assert trace["department_rank"] == 2  # ranked against everyone, not just the chosen


def test_partial_build_with_unknown_id(tmp_path, make_book):
    result = run("build", make_book(), "--out", tmp_path / "out", "--employee", "E999")
    assert result.exit_code == 2 and "E999" in result.stderr


def test_injected_formula_text_stays_text_in_csv(hostile_build):
    # hostile_build: E001's name is '=HYPERLINK("http://evil.example","点我")'
    rows = {r["工号"]: r for r in read_payroll(hostile_build.out / "2026-10")}
    assert rows["E001"]["姓名"].startswith("'=")


@pytest.mark.slow
def test_init_writes_a_template_that_builds(tmp_path):
    path = tmp_path / "blank.xlsx"
    assert run("init", path).exit_code == 0
    assert run("init", path).exit_code == 1  # never overwrite silently
    assert run("validate", path).exit_code == 0
    result = run("build", path, "--out", tmp_path / "out")
    assert result.exit_code == 0
    rows = read_payroll(tmp_path / "out" / "2026-10")
    assert len(rows) == 2 and D(rows[0]["总分"]) > 0


def test_template_has_instructions_dropdowns_and_notes(tmp_path):
    import openpyxl

    path = tmp_path / "blank.xlsx"
    run("init", path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "说明"
    plans = wb["考核方案"]
    lists = [dv.formula1 for dv in plans.data_validations.dataValidation]
    assert any("达成率" in f for f in lists) and any("KPI" in f for f in lists)
    assert "必填" in wb["员工"]["A1"].comment.text
    assert wb["员工"]["A2"].data_type == "s"  # IDs are text


def test_only_some_kinds_replaces_just_those_files(small_build_copy):
    out, book = small_build_copy.out, small_build_copy.book
    folder = out / "2026-10"
    before = snapshot(folder)
    letter = folder / "letters" / "E001.pdf"
    letter.write_bytes(b"stale")
    assert run("build", book, "--out", out, "--only", "letters").exit_code == 1  # exists: needs --force
    result = run("build", book, "--out", out, "--only", "letters", "--force")
    assert result.exit_code == 0, result.output
    after = snapshot(folder)
    assert after[Path("letters/E001.pdf")] == before[Path("letters/E001.pdf")]  # rebuilt, same bytes
    assert {k for k in after if after[k] != before.get(k)} == set()
    assert run("build", book, "--out", out, "--only", "memos").exit_code == 2


def test_shards_merge_into_the_same_period_as_one_build(small_build, small_shards, tmp_path):
    book, whole = small_build.book, small_build.out  # the fixtures check each build's exit code
    shard_ids = [sorted(p.stem for p in (shard.out / "2026-10" / "results").iterdir()) for shard in small_shards]
    assert shard_ids[0] and shard_ids[1] and not set(shard_ids[0]) & set(shard_ids[1])  # a real split
    merged = tmp_path / "merged"
    result = run("merge", book, small_shards[0].out, small_shards[1].out, "--out", merged)
    assert result.exit_code == 0, result.output
    assert snapshot(merged / "2026-10") == snapshot(whole / "2026-10")  # byte for byte
    with sqlite3.connect(merged / "reporter.sqlite") as conn:
        assert conn.execute("SELECT COUNT(*) FROM results WHERE period='2026-10'").fetchone()[0] == 4


def test_merge_refuses_a_missing_shard(small_shards, tmp_path):
    shard = small_shards[0]  # the fixture checks the shard build's exit code
    result = run("merge", shard.book, shard.out, "--out", tmp_path / "merged")
    assert result.exit_code == 1 and "分片结果不完整" in result.stderr
    assert not (tmp_path / "merged" / "2026-10").exists()


@pytest.mark.slow
def test_worker_processes_write_the_same_files_as_one_process(tmp_path):
    from reporter.samples.demo_data import write_demo_workbook

    book = tmp_path / "group.xlsx"
    write_demo_workbook(book, employees=20, seed=3)  # the fewest it makes: three tasks of the pool (CHUNK is 8)
    folders = []
    for workers in ("1", "2"):
        out = tmp_path / f"w{workers}"
        result = run("build", book, "--out", out, "--workers", workers, "--only", "scorecards,letters,summary")
        assert result.exit_code == 0, result.output
        folders.append(snapshot(out / "2026-10"))
    assert folders[0] == folders[1] and len(folders[0]) > 2 * 20  # a letter and a scorecard each, and more


@pytest.mark.slow
def test_a_plan_in_worker_processes_writes_the_same_files_as_one_process(tmp_path):
    """The plan's print batches are joined in the pool that wrote the agreements (they were made in the plan's
    own process after it): the same agreements, tracking scorecards and batches either way."""
    from reporter.samples.demo_data import write_demo_workbook

    book = tmp_path / "group.xlsx"
    write_demo_workbook(book, employees=20, seed=3)
    folders = []
    for workers in ("1", "2"):
        out = tmp_path / f"w{workers}"
        result = run("plan", book, "--out", out, "--workers", workers)
        assert result.exit_code == 0, result.output
        folders.append(snapshot(out / "plans"))
    batches = [name for name in folders[0] if name.parts[1] == "print"]
    assert folders[0] == folders[1] and len(batches) >= 3  # a batch of each department's agreements


def test_redo_one_department(small_build_copy):
    out, book = small_build_copy.out, small_build_copy.book
    result = run("build", book, "--out", out, "--department", "运营部", "--force")
    assert result.exit_code == 0, result.output
    # E004's trace, letter and scorecard, and the department's letter batch (agreements: reporter plan)
    assert "已写入 4 个文件" in result.output
    assert "未生成" not in result.output
    assert run("build", book, "--out", out, "--department", "财务部").exit_code == 2


def test_init_refuses_a_path_that_is_not_xlsx(tmp_path):
    result = run("init", tmp_path / "plan.xls")
    assert result.exit_code == 2 and "plan.xlsx" in result.stderr
    assert not (tmp_path / "plan.xls").exists()


def test_one_form_for_lists_of_ids_and_kinds(tmp_path, make_book):
    """--employee a,b == --employee a --employee b; --only and --attach take the same kind names."""
    book, out = make_book(), tmp_path / "out"
    result = run("build", book, "--out", out, "--employee", "E001,E004", "--only", "scorecards")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (out / "2026-10" / "scorecards").rglob("*.xlsx")) == ["E001.xlsx", "E004.xlsx"]
    run("build", book, "--out", out, "--only", "summary", "--force")
    email = run("email", out / "2026-10", "--attach", "letter")
    assert email.exit_code == 2 and "letters, scorecards, agreements" in email.output


def test_email_on_the_output_root_says_which_folder_to_give(tmp_path, make_book):
    out = tmp_path / "out"
    assert run("build", make_book(), "--out", out, "--only", "summary").exit_code == 0
    result = run("email", out)
    assert result.exit_code == 2 and "内部错误" not in result.stderr
    assert f"{out / '2026-10'}" in result.stderr and "输出根目录" in result.stderr


def test_library_usage_errors_are_reporter_errors(make_book, tmp_path):
    import reporter

    with pytest.raises(reporter.UsageError, match="memos"):
        reporter.build(make_book(), tmp_path, only=["memos"])
    with pytest.raises(reporter.UsageError):
        reporter.build(make_book(), tmp_path, shard=(3, 2))


@pytest.mark.slow
def test_source_date_epoch_dates_every_output_alike(tmp_path, make_book):
    import zipfile

    from pypdf import PdfReader

    book = make_book()
    for env, day in (({}, "2026-10-31"), ({"SOURCE_DATE_EPOCH": "1767225600"}, "2026-01-01")):
        out = tmp_path / (day or "default")
        result = CliRunner().invoke(cli, ["build", str(book), "--out", str(out)], env=env, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        period = out / "2026-10"
        pdf_date = PdfReader(period / "letters" / "E001.pdf").metadata["/CreationDate"]
        assert pdf_date.startswith("D:" + day.replace("-", ""))
        for workbook in (period / "summary.xlsx", next(period.glob("scorecards/*/E001.xlsx"))):
            core = zipfile.ZipFile(workbook).read("docProps/core.xml").decode()
            assert f"<dcterms:created xsi:type=\"dcterms:W3CDTF\">{day}T00:00:00Z" in core, workbook


@pytest.mark.slow
def test_a_company_template_folder_replaces_the_bundled_one(tmp_path, make_book):
    import shutil

    import reporter
    from reporter.pipeline.build import RenderOptions
    from reporter.writers.templates import default_templates
    from tests.test_letters import pdftext

    own = tmp_path / "templates"
    shutil.copytree(default_templates(), own)
    base = own / "base.html.j2"
    base.write_text(base.read_text(encoding="utf-8").replace('"doc-title">{{ title }}', '"doc-title">{{ title }}（本公司格式）'),
                    encoding="utf-8")
    report = reporter.build(make_book(), tmp_path / "out", employee_ids=["E001"], only=["letters"],
                            options=RenderOptions(templates=own, workers=1))
    assert "本公司格式" in pdftext(report.folder / "letters" / "E001.pdf").replace(" ", "")
    # the same through the command line
    result = run("build", make_book(), "--out", tmp_path / "cli", "--employee", "E001", "--only", "letters",
                 "--templates", own)
    assert result.exit_code == 0, result.output
    assert "本公司格式" in pdftext(tmp_path / "cli" / "2026-10" / "letters" / "E001.pdf").replace(" ", "")
