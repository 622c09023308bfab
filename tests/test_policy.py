"""Company policy as data: HR department, monitor, target sentence, appeal route and role duties.

They come from the workbook (设置 rows and the 岗位职责 sheet), with defaults that name no company;
nothing of the sample company is built into the tool.
"""

from __future__ import annotations

import ast
import email
import re
import subprocess
from datetime import date
from email import policy
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from reporter.cli import cli
from reporter.errors import InputError
from reporter.input.validate import load_input
from reporter.rules.engine import score_period
from reporter.writers.pdf.documents import agreement_context
from reporter.writers.templates import default_templates
from tests.conftest import ROOT, cli_build

SAMPLE_WORDS = ("杭州云栖", "云栖", "人事行政部", "周敏", "华东公司", "华南公司")
ALLOWED = (ROOT / "reporter" / "samples",)

HR = "人力资源中心"
MONITOR = "董事会薪酬委员会"
TARGETS = "人力资源中心会同各车队依据年度运输任务制定工作目标及评分标准"
APPEAL = "经车队长向人力资源中心提出"
DRIVER_DUTIES = ("安全驾驶，遵守道路交通法规。", "每日出车前检查车辆并填写行车记录。")


def with_policy(sheets: dict) -> dict:
    """BASE with the company's own policy words and a driver, a role no sample company has."""
    sheets["设置"] = [row if row[0] != "人事负责人" else ["人事负责人", "人力资源中心 李主任"] for row in sheets["设置"]]
    sheets["设置"] += [["人事部门名称", HR], ["责任书监督", MONITOR], ["目标制定说明", TARGETS],
                     ["申诉方式", APPEAL]]
    sheets["员工"].append(["E005", "孙强", "sunqiang@example.com", "", "车队", "司机", date(2022, 5, 1), 6000,
                         0, None, None, None])
    for row in sheets["员工"][1:]:
        row[3] = "第一分公司"  # the fixture's regional company is the sample's name
    sheets["考核方案"] += [["司机", None, "KPI", "安全行驶里程", "safe_km", "70%", "达成率", 8000, None, "120%", "里程/目标"],
                       ["司机", None, "工作态度", "工作态度", None, "30%", "评级", None, None, None, "1-5 分"]]
    sheets["度量定义"].append(["km", "行驶里程", "数值"])
    sheets["指标库"].append(["safe_km", "安全行驶里程", "km", "公里", "高优"])
    sheets["月度数据"][0].append("km")
    for row in sheets["月度数据"][1:]:
        row.append(None)
    sheets["月度数据"].append(["E005", "孙强", None, None, None, None, 8400])
    sheets["评分"].append(["E005", "工作态度", 4])
    sheets["岗位职责"] = [["岗位", "类型", "内容"], *(["司机", "职责", t] for t in DRIVER_DUTIES),
                       ["运营专员", "权利", "有权获取运营数据。"]]
    return sheets


def test_policy_words_and_duties_are_read_from_the_workbook(make_book, base_sheets):
    s = with_policy(base_sheets)
    inp = load_input(make_book(s))
    st = inp.settings
    assert (st.hr_department, st.monitor, st.target_sentence, st.appeal) == (HR, MONITOR, TARGETS, APPEAL)
    assert inp.role_duties["司机"].duties == DRIVER_DUTIES and inp.role_duties["司机"].rights == ()
    assert inp.role_duties["运营专员"].rights == ("有权获取运营数据。",)
    assert "在线客服专员" not in inp.role_duties


def test_a_workbook_without_the_policy_rows_validates_with_neutral_defaults(make_book):
    inp = load_input(make_book())
    st = inp.settings
    assert st.hr_department == "人事部门"
    assert st.monitor == "甲方负责人、人事部门"
    assert st.appeal == "以书面形式向人事部门提出"
    assert "人事部门" in st.target_sentence and "销售计划" not in st.target_sentence
    assert dict(inp.role_duties) == {}
    assert not inp.warnings


def test_defaults_follow_the_hr_department_name(make_book, base_sheets):
    base_sheets["设置"].append(["人事部门名称", HR])
    st = load_input(make_book(base_sheets)).settings
    assert st.monitor == f"甲方负责人、{HR}" and st.appeal == f"以书面形式向{HR}提出"
    assert st.target_sentence.startswith(HR)


def test_a_bad_duty_kind_is_an_error_at_its_cell_and_an_unknown_role_a_warning(make_book, base_sheets):
    base_sheets["岗位职责"] = [["岗位", "类型", "内容"], ["运营专员", "义务", "按时上班。"]]
    with pytest.raises(InputError) as err:
        load_input(make_book(base_sheets))
    assert any(p.sheet == "岗位职责" and p.row == 2 for p in err.value.problems)
    base_sheets["岗位职责"][1] = ["厨师", "职责", "做饭。"]
    inp = load_input(make_book(base_sheets))
    assert [(w.sheet, w.row) for w in inp.warnings] == [("岗位职责", 2)]
    assert "厨师" in inp.warnings[0].message


def _string_literals(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def test_no_sample_company_word_is_built_into_the_tool():
    found = []
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:  # text, not Python's bytecode of __init__.py
            text = path.read_text(encoding="utf-8")
            found += [(path.name, w) for w in SAMPLE_WORDS if w in text]
    for path in sorted((ROOT / "reporter").rglob("*.py")):
        if any(path.is_relative_to(a) for a in ALLOWED):
            continue
        literals = " ".join(_string_literals(path))
        found += [(str(path.relative_to(ROOT)), w) for w in SAMPLE_WORDS if w in literals]
    assert found == []
    assert not (ROOT / "templates" / "roles.zh.json").exists()


def test_the_grep_sees_a_sample_word_when_there_is_one(tmp_path):
    planted = tmp_path / "m.py"
    planted.write_text('X = "请交回人事行政部"\n', encoding="utf-8")
    assert any("人事行政部" in s for s in _string_literals(planted))


def test_init_writes_the_policy_rows_and_duties_sheet_and_validates_clean(tmp_path):
    book = tmp_path / "x.xlsx"
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(book)]).exit_code == 0
    checked = runner.invoke(cli, ["validate", str(book)])
    assert checked.exit_code == 0, checked.output
    assert "提示" not in checked.output and "警告" not in checked.output
    inp = load_input(book)
    assert not inp.warnings
    assert inp.settings.company == "示例科技有限公司"
    assert inp.settings.hr_department == "人事部门" and inp.settings.appeal == "以书面形式向人事部门提出"
    assert inp.role_duties["运营专员"].rights and inp.role_duties["运营专员"].duties
    wb = openpyxl.load_workbook(book)
    settings = {ws_row[0].value: ws_row for ws_row in wb["设置"].iter_rows()}
    assert settings["人事部门名称"][1].value == "人事部门"  # pre-filled: HR sees the name it will print
    for name in ("责任书监督", "目标制定说明", "申诉方式"):
        assert settings[name][1].value is None, name  # left blank, so they follow the department's name
        assert "留空则为" in settings[name][2].value, name  # the note says what a blank prints
    assert [c.value for c in wb["岗位职责"][1]] == ["岗位", "类型", "内容"]
    texts = " ".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value)
    assert [w for w in SAMPLE_WORDS if w in texts] == []


def _text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", out)


@pytest.mark.slow
def test_documents_speak_the_companys_own_policy(make_book, base_sheets, tmp_path):
    s = with_policy(base_sheets)
    built = cli_build(make_book(s), tmp_path / "out", "--only", "letters,agreements,summary")
    period = built.out / "2026-10"
    driver, clerk = _text(period / "agreements" / "E005.pdf"), _text(period / "agreements" / "E001.pdf")
    for duty in DRIVER_DUTIES:
        assert duty in driver and duty not in clerk
    assert "按公司岗位说明书执行" in driver  # the driver's rights: none written, so the neutral sentence
    copies = clerk.count("过程监控")  # one agreement file holds both originals (甲方执 / 乙方执)
    assert copies >= 1 and clerk.count("按公司岗位说明书执行") == 2 * copies  # no rows: rights and duties
    for agreement in (driver, clerk):
        assert f"{MONITOR}对本责任书的执行情况进行过程监控" in agreement
        assert f"{TARGETS}，具体如下" in agreement
        assert "销售计划" not in agreement and "每周以文档形式向主管汇报工作" not in agreement
    letter = _text(period / "letters" / "E005.pdf")
    assert f"前{APPEAL}申诉" in letter
    for document in (driver, clerk, letter):
        assert [w for w in (*SAMPLE_WORDS, "人事部门") if w in document] == []
    config = tmp_path / "smtp.toml"
    config.write_text('[smtp]\nsender = "hr@example.com"\n', encoding="utf-8")
    mailed = CliRunner().invoke(cli, ["email", str(period), "--employee", "E005", "--config", str(config)])
    assert mailed.exit_code == 0, mailed.output
    msg = email.message_from_bytes((period / "outbox" / "E005.eml").read_bytes(), policy=policy.default)
    body = re.sub(r"\s+", "", msg.get_body(preferencelist=("plain",)).get_content())
    assert f"签字后交回{HR}" in body and f"前{APPEAL}申诉" in body
    assert [w for w in SAMPLE_WORDS if w in body] == []


@pytest.mark.parametrize("language, typed, printed", [
    ("en", "Targets follow the half-year plan the board approved.", "Targets follow the half-year plan the board approved"),
    ("zh", TARGETS + "。", TARGETS)])
def test_the_policy_clauses_go_on_without_their_own_full_stop(make_book, base_sheets, language, typed, printed):
    """The agreement goes on with ", as follows." (，具体如下。): the sentence as HR typed it, full stop and all,
    must not read "approved., as follows"."""
    base_sheets["设置"] += [["语言", language], ["目标制定说明", typed], ["责任书监督", typed], ["申诉方式", typed]]
    result = score_period(load_input(make_book(base_sheets)))
    context = agreement_context(result, result.appraised[0], default_templates())
    assert context["target_setting"] == printed
    # So do the monitor ("… is monitored by <it>.") and the appeal route ("appeal <it> by <date>"): read once.
    assert context["monitor"] == result.input.settings.appeal == printed
