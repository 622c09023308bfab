"""`reporter build` and `reporter plan` of a company with units: the unit files, in a real run of each command."""

from __future__ import annotations

import copy

import openpyxl
import pytest
from click.testing import CliRunner

from reporter.cli import cli
from tests.conftest import cli_build, write_book
from tests.unit_company import unit_sheets

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("unit-build")
    return cli_build(write_book(folder / "units.xlsx", unit_sheets()), folder / "out")


def test_build_writes_each_scored_units_scorecard_and_letter(built):
    units = built.out / "2026-10" / "units"
    codes = {"JT", "HD", "HN", "HD_KF", "HD_YY", "HN_KF"}
    assert {p.stem for p in (units / "scorecards").glob("*.xlsx")} == codes
    assert {p.stem for p in (units / "letters").glob("*.pdf")} == codes
    assert "单位：6 个已评分（共 6 个）" in built.output
    assert "HD_KF 客服部（部门）67.00 C 排名 2/2" in built.output
    assert "无下级支撑的 KPI：5 项" in built.output


def test_the_summary_holds_the_unit_sheets(built):
    names = openpyxl.load_workbook(built.out / "2026-10" / "summary.xlsx", read_only=True).sheetnames
    assert {"单位汇总", "目标对齐", "目标调整"} <= set(names)


def test_the_history_holds_the_units(built):
    import sqlite3
    rows = sqlite3.connect(built.out / "reporter.sqlite").execute(
        "SELECT unit, total FROM unit_results WHERE period = '2026-10' ORDER BY unit").fetchall()
    assert ("HD_KF", "67.00") in rows and len(rows) == 6


def test_plan_writes_each_unit_plans_agreement_once(tmp_path):
    sheets = unit_sheets()
    sheets["单位方案"].append(["JT", "年度", "JT_Y", None, "KPI", "年度成交额", "gmv", "100%", "达成率", 120000000,
                              None, "120%", None, None, None, None, None])
    book = write_book(tmp_path / "plan.xlsx", sheets)
    out = tmp_path / "out"
    first = CliRunner().invoke(cli, ["plan", str(book), "--out", str(out)], catch_exceptions=False)
    assert first.exit_code == 0, first.output
    assert "单位目标责任书：7 份" in first.output
    agreements = out / "plans" / "2026-10" / "units" / "agreements"
    assert {p.name for p in agreements.glob("*.pdf")} == {
        "JT-2026.pdf", "JT-2026-10.pdf", "HD-2026-10.pdf", "HN-2026-10.pdf", "HD_KF-2026-10.pdf", "HD_YY-2026-10.pdf",
        "HN_KF-2026-10.pdf"}
    before = (agreements / "HD-2026-10.pdf").stat().st_ino
    again = CliRunner().invoke(cli, ["plan", str(book), "--out", str(out), "--force"], catch_exceptions=False)
    assert again.exit_code == 0, again.output
    assert "单位目标责任书：0 份（另有 7 份已签发" in again.output
    assert (agreements / "HD-2026-10.pdf").stat().st_ino == before  # issued once: --force rewrites the tracking
    # scorecards and links the agreements already issued into the new folder, unchanged


def test_a_plain_company_gets_no_unit_files(small_build):
    assert not (small_build.out / "2026-10" / "units").exists()
    names = openpyxl.load_workbook(small_build.out / "2026-10" / "summary.xlsx", read_only=True).sheetnames
    assert "单位汇总" not in names and "目标对齐" not in names


def test_shards_merge_with_the_units(tmp_path):
    book = write_book(tmp_path / "units.xlsx", copy.deepcopy(unit_sheets()))
    shards = []
    for k in (1, 2):
        shard = tmp_path / f"shard{k}"
        cli_build(book, shard, "--shard", f"{k}/2")
        shards.append(shard)
    merged = CliRunner().invoke(cli, ["merge", str(book), *map(str, shards), "--out", str(tmp_path / "out")],
                                catch_exceptions=False)
    assert merged.exit_code == 0, merged.output
    units = tmp_path / "out" / "2026-10" / "units"
    assert len(list((units / "scorecards").glob("*.xlsx"))) == 6 and len(list((units / "letters").glob("*.pdf"))) == 6


def test_a_company_template_folder_without_the_unit_templates_still_builds(tmp_path):
    """A folder copied before the unit documents existed: they come from the bundled templates."""
    import shutil

    from reporter.writers.templates import default_templates
    own = tmp_path / "templates"
    shutil.copytree(default_templates(), own, ignore=shutil.ignore_patterns("unit_*"))
    built = cli_build(write_book(tmp_path / "units.xlsx", unit_sheets()), tmp_path / "out", "--templates", str(own),
                      "--only", "letters,summary")
    assert len(list((built.out / "2026-10" / "units" / "letters").glob("*.pdf"))) == 6
