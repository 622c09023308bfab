"""校准 (calibration): the grade mix against the target, outlier reviewers, performance pay against the budget.

A small company worked by hand.  One role, one rating line (评级, weight 100 %, full marks 5), so a
rating r gives the total 20·r: 5 → 100 (S), 4 → 80 (A), 3.5 → 70 (B), 3 → 60 (C), 2 → 40 (D).

    工号  部门  直属上级  评分  总分  等级  个人销售额 × 1 % × 系数      公共提成
    E01   甲部  王经理    5     100   S     100000 → 1000 × 120 % = 1200   500
    E02   甲部  王经理    5     100   S     0                              500
    E03   甲部  王经理    4     80    A     50000 → 500 × 110 % = 550      500
    E04   甲部  王经理    4     80    A     0                              500
    E05   乙部  李经理    3.5   70    B     20000 → 200 × 100 % = 200      500
    E06   乙部  李经理    3.5   70    B     0                              500
    E07   乙部  李经理    2     40    D     10000 → 100 × 0 % = 0          500
    E08   乙部  (blank)   3     60    C     0                              500
    E09   乙部  李经理    absent 3 months: not appraised; 10000 → 100 at coefficient 1, no pool share

The pool: 800000 × 0.5 % = 4000 among the 8 appraised = 500 each.
Target S 10 / A 20 / B 40 / C 20 / D 10 %, tolerance 10 points, budget 6000.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

import reporter
from reporter.cli import cli
from reporter.errors import InputError
from reporter.input.targets import parse_grade_targets
from reporter.input.validate import load_input
from reporter.rules.calibration import calibrate_period
from reporter.rules.engine import score_period
from reporter.writers.xlsx.summary import render_summary
from tests.conftest import BASE, write_book

PEOPLE = [  # 工号, 部门, 直属上级, 评分, 个人销售额, 缺勤月数
    ("E01", "甲部", "王经理", 5, 100000, 0), ("E02", "甲部", "王经理", 5, 0, 0),
    ("E03", "甲部", "王经理", 4, 50000, 0), ("E04", "甲部", "王经理", 4, 0, 0),
    ("E05", "乙部", "李经理", 3.5, 20000, 0), ("E06", "乙部", "李经理", 3.5, 0, 0),
    ("E07", "乙部", "李经理", 2, 10000, 0), ("E08", "乙部", None, 3, 0, 0),
    ("E09", "乙部", "李经理", None, 10000, 3),
]
TARGET = "S 10% / A 20% / B 40% / C 20% / D 10%"


def company(target: str | None = TARGET, budget: int | None = 6000, language: str = "zh",
            e08_manager: str | None = None) -> dict:
    sheets = copy.deepcopy(BASE)
    sheets["设置"] += [["目标等级分布", target], ["校准容差", "10%"], ["绩效工资预算", budget], ["语言", language]]
    sheets["员工"] = [["工号", "姓名", "邮箱", "公司", "部门", "岗位", "直属上级", "入职日期", "岗位工资", "缺勤月数",
                     "个人销售额", "个人提成比例", "公共提成池"]]
    sheets["员工"] += [[eid, f"员工{eid}", f"{eid.lower()}@example.com", "总公司", dept, "专员", manager,
                       BASE["员工"][1][6], 5000, absent, sales, "1%", "池"]
                      for eid, dept, manager, _, sales, absent in PEOPLE]
    sheets["员工"][8][6] = e08_manager
    sheets["考核方案"] = [sheets["考核方案"][0], ["专员", None, "工作能力", "综合评价", None, "100%", "评级", 5, None, None,
                                                "1-5 分"]]
    sheets["月度数据"] = [["工号", "姓名"]]
    sheets["考勤"] = [sheets["考勤"][0]]
    sheets["评分"] = [["工号", "考核项目", "评分"]] + [[eid, "综合评价", r] for eid, _, _, r, _, _ in PEOPLE if r]
    sheets["评语"] = [sheets["评语"][0]]
    sheets["加减分"] = [sheets["加减分"][0]]
    sheets["提成池"] = [["提成池", "公共销售业绩总额"], ["池", 800000]]
    return sheets


@pytest.fixture
def facts(tmp_path):
    return calibrate_period(score_period(load_input(write_book(tmp_path / "c.xlsx", company()))))


def by_name(groups):
    return {g.name: g for g in groups}


def test_the_distribution_worked_by_hand(facts):
    everyone = facts.everyone
    assert everyone.people == 8  # E09 is not appraised
    assert [(m.grade, m.count, m.share) for m in everyone.mix] == [
        ("S", 2, D("0.25")), ("A", 2, D("0.25")), ("B", 2, D("0.25")), ("C", 1, D("0.125")), ("D", 1, D("0.125"))]
    # S 25 − 10 = +15 and B 25 − 40 = −15 are beyond 10 points; A +5, C −7.5, D +2.5 are not.
    assert [(m.deviation, m.off_target) for m in everyone.mix] == [
        (D("0.15"), True), (D("0.05"), False), (D("-0.15"), True), (D("-0.075"), False), (D("0.025"), False)]
    assert everyone.average_total == D(600) / 8  # (100+100+80+80+70+70+40+60) / 8 = 75
    assert everyone.average_rating == D("0.75")  # (5+5+4+4+3.5+3.5+2+3) / 5 / 8
    departments = {(g.company, g.name): g for g in facts.departments}
    first = departments[("总公司", "甲部")]
    assert [m.count for m in first.mix] == [2, 2, 0, 0, 0] and first.average_total == 90
    second = departments[("总公司", "乙部")]
    assert [m.count for m in second.mix] == [0, 0, 2, 1, 1] and second.people == 4
    assert not any(g.outlier for g in facts.departments)  # outlier tests are for reviewers


def test_outlier_reviewers_worked_by_hand(facts):
    reviewers = by_name(facts.reviewers)
    assert set(reviewers) == {"王经理", "李经理", ""}  # "": the people whose 直属上级 is blank
    wang, li, blank = reviewers["王经理"], reviewers["李经理"], reviewers[""]
    # 王经理: S+A 4/4 = 100 % against 10 + 20 = 30 %: 70 points over; rating 0.9 against 0.75: 15 points.
    assert wang.people == 4 and wang.average_rating == D("0.9")
    assert wang.top_heavy and wang.rating_outlier and not wang.bottom_heavy
    # 李经理: C+D 1/3 = 33.33 % against 30 %: within 10 points; rating (0.7+0.7+0.4)/3 = 0.6: 15 under.
    assert li.people == 3 and li.average_rating == D("0.6") and li.mix[-1].share == D("0.3333")
    assert li.rating_outlier and not li.top_heavy and not li.bottom_heavy
    # One person is below the minimum of 3: never an outlier, whatever the mix.
    assert blank.people == 1 and not blank.outlier
    assert [g.name for g in facts.outliers] == ["李经理", "王经理"]


def test_performance_pay_against_the_budget_worked_by_hand(facts):
    pay = {p.grade: (p.people, p.personal_commission, p.shared_commission) for p in facts.pay}
    assert pay == {"S": (2, D("1200.00"), D("1000.00")), "A": (2, D("550.00"), D("1000.00")),
                   "B": (2, D("200.00"), D("1000.00")), "C": (1, D("0.00"), D("500.00")),
                   "D": (1, D("0.00"), D("500.00")), None: (1, D("100.00"), D("0.00"))}
    assert facts.performance_pay == D("6050.00")
    assert facts.budget == 6000 and facts.budget_difference == D("50.00")  # over budget by 50


def test_without_a_target_the_mix_is_shown_not_compared(tmp_path):
    facts = calibrate_period(score_period(load_input(write_book(tmp_path / "c.xlsx", company(None, None)))))
    assert facts.targets == () and facts.budget is None and facts.budget_difference is None
    assert all(m.deviation is None and not m.off_target for m in facts.everyone.mix)
    wang = by_name(facts.reviewers)["王经理"]
    assert not wang.top_heavy and wang.rating_outlier  # the rating test needs no target


@pytest.mark.parametrize(("text", "expected"), [
    ("S 10% / A 20% / B 40% / C 20% / D 10%", [("S", "0.1"), ("A", "0.2"), ("B", "0.4"), ("C", "0.2"), ("D", "0.1")]),
    ("S10%,A20%，B40%；C 20% D 10%", [("S", "0.1"), ("A", "0.2"), ("B", "0.4"), ("C", "0.2"), ("D", "0.1")]),
    ("s：12.5% / a 87.5％", [("s", "0.125"), ("a", "0.875")]),
])
def test_target_text_is_read(text, expected):
    targets, wrong = parse_grade_targets(text)
    assert wrong is None and targets == tuple((g, D(s)) for g, s in expected)


@pytest.mark.parametrize(("text", "fragment"), [
    ("S 10% / A 20% / B 40% / C 20%", "合计 90%，应为 100%"),
    ("S 10% / A 20% / S 40% / C 20% / D 10%", "「S」出现了两次"),
    ("S 10 / A 20 / B 40 / C 20 / D 10", "无法读取"),
    ("S 10% A", "无法读取"),
    ("S 10% / A 20% / X 40% / C 20% / D 10%", "等级 X 不在「等级」表中（等级：S、A、B、C、D）"),
    ("S 10% / A 30% / B 40% / C 20%", "缺少等级 D"),
])
def test_a_bad_target_is_an_error_at_its_cell(tmp_path, text, fragment):
    sheets = company(text)
    sheets["员工"][1][6] = "<bad"  # not a problem: any text is a name
    sheets["员工"][2][8] = -1  # another problem of the same file, reported with it
    with pytest.raises(InputError) as info:
        load_input(write_book(tmp_path / "c.xlsx", sheets))
    row = next(i for i, r in enumerate(sheets["设置"], start=1) if r[0] == "目标等级分布")
    hits = [p for p in info.value.problems if fragment in p.message]
    assert hits and all((p.sheet, p.row, p.column) == ("设置", row, "B 列「目标等级分布」") for p in hits), \
        info.value.problems
    assert any(p.sheet == "员工" for p in info.value.problems)  # every problem at once


def test_the_sheet_holds_the_engine_values_in_every_language(tmp_path):
    for code, title in (("zh", "校准"), ("en", "Calibration"), ("zh-en", "校准 Calibration")):
        result = score_period(load_input(write_book(tmp_path / f"{code}.xlsx", company(language=code))))
        path = tmp_path / f"summary-{code}.xlsx"
        path.write_bytes(render_summary(result))
        book = openpyxl.load_workbook(path, data_only=True)
        assert book.sheetnames[3] == title
        rows = {(r[0], r[1]): r for r in book[title].iter_rows(min_row=9, values_only=True) if r[1]}
        wang = next(r for (_, name), r in rows.items() if name == "王经理")
        assert wang[2] == 4 and wang[3:9] == (2, 0.5, 0.4, 2, 0.5, 0.3)  # S: 2, 50 %, +40; A: 2, 50 %, +30
        assert wang[-3:] == (1, 1, 0)  # rating off, top-heavy, not bottom-heavy
        totals = [r for r in book[title].iter_rows(values_only=True) if r[9] == 6050]
        assert totals, "the performance pay total"


def old_folder(folder: Path) -> None:
    """A period folder as an earlier version wrote it: no calibration in the manifest, no manager in a result."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    del manifest["calibration"]
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


@pytest.mark.slow  # a full build renders the letters
def test_reporter_calibrate_on_a_built_period(tmp_path):
    book = write_book(tmp_path / "c.xlsx", company())
    built = CliRunner().invoke(cli, ["build", str(book), "--out", str(tmp_path / "out")], catch_exceptions=False)
    assert built.exit_code == 0, built.output
    folder = tmp_path / "out" / "2026-10"
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    result = CliRunner().invoke(cli, ["calibrate", str(folder)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "偏离的考核人（考核 3 人及以上，超出容差 ±10.0 个百分点）：2 位" in out
    assert "王经理（4 人）：平均评分得分率 90.0%，全体 75.0%（+15.0 个百分点）；最高两个等级（S+A）占 100.0%，目标 30.0%" in out
    assert "李经理（3 人）：平均评分得分率 60.0%，全体 75.0%（-15.0 个百分点）" in out
    assert "合计 6,050.00" in out and "预算 6,000.00，超支 50.00" in out
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before  # reads only
    facts = reporter.calibrate(folder)  # the Python API: the same facts
    assert [(g.name, g.people, g.rating_outlier, g.top_heavy) for g in facts.outliers] == [
        ("李经理", 3, True, False), ("王经理", 4, True, True)]
    assert (facts.performance_pay, facts.budget_difference) == (D("6050.00"), D("50.00"))
    old_folder(folder)
    result = CliRunner().invoke(cli, ["calibrate", str(folder)])
    assert result.exit_code != 0 and "较早的版本" in result.output and "重新运行 reporter build" in result.output


@pytest.mark.slow  # LibreOffice
def test_the_calibration_sheet_recalculated_by_libreoffice(tmp_path):
    from tests.recalc import compare, recalculate

    # E08's manager is called 王*: as a COUNTIFS criterion that would also count 王经理's people.
    result = score_period(load_input(write_book(tmp_path / "c.xlsx", company(e08_manager="王*"))))
    summary = tmp_path / "summary.xlsx"
    summary.write_bytes(render_summary(result))
    recalculated = recalculate([summary], tmp_path / "re")[summary]
    mismatches, checked = compare(summary, recalculated)
    assert not mismatches and checked > 100, mismatches
    sheet = openpyxl.load_workbook(recalculated, data_only=True)["校准"]
    rows = {r[1]: r for r in sheet.iter_rows(min_row=9, values_only=True) if r[1] in ("王经理", "李经理", "王*")}
    assert {name: r[-3:] for name, r in rows.items() if name != "王*"} == {"王经理": (1, 1, 0), "李经理": (1, 0, 0)}
    assert rows["王*"][2] == 1 and rows["王经理"][2] == 4  # LibreOffice's own counts and rules
