"""Shared fixtures: a small valid input workbook, built in code so each test can break one thing.

Each expensive artefact (a build with PDFs) is made once per test run by a session fixture and
shared; a test that changes or rebuilds outputs works on a private copy (``small_build_copy``).
Tests that render PDFs, start LibreOffice or use a slow fixture are marked ``slow``;
``make test-fast`` runs the others, and any of them that tries to render a PDF or start
LibreOffice fails (see ``refuse_slow_work``).
"""

from __future__ import annotations

import copy
import os
import pickle
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_inputs" / "appraisal-2026-10.xlsx"

# Sheet title -> rows; the first row is the header.  Numbers are chosen so that
# every score can be worked out by hand (see test_engine.py).
BASE = {
    "设置": [
        ["项目", "值"],
        ["公司名称", "测试电商有限公司"],
        ["考核期间", "2026-10"],
        ["申诉截止日期", date(2026, 11, 13)],
        ["人事负责人", "周敏"],
        ["公共提成比例", "0.5%"],
        ["工龄工资每年", 50],
        ["工龄工资上限", 500],
    ],
    "员工": [
        ["工号", "姓名", "邮箱", "公司", "部门", "岗位", "入职日期", "岗位工资", "缺勤月数", "个人销售额", "个人提成比例", "公共提成池"],
        ["E001", "张伟", "zhangwei@example.com", "华东公司", "客服部", "在线客服专员", date(2020, 3, 1), 5000, 0, 100000, "1%", "客服池"],
        ["E002", "李娜", "lina@example.com", "华东公司", "客服部", "在线客服专员", date(2024, 11, 1), 4500, 0, 80000, "1%", "客服池"],
        ["E003", "王芳", "wangfang@example.com", "华东公司", "客服部", "在线客服专员", date(2019, 1, 1), 4500, 3, 0, "1%", "客服池"],
        ["E004", "刘洋", "liuyang@example.com", "华东公司", "运营部", "运营专员", date(2015, 6, 30), 8000, 0, None, None, None],
    ],
    "度量定义": [
        ["度量代码", "度量名称", "类型"],
        ["response_seconds", "平均响应时间", "秒"],
        ["bad_reviews", "差评次数", "次数"],
        ["uv", "访客数", "次数"],
        ["buyers", "成交人数", "次数"],
    ],
    "指标库": [
        ["指标代码", "指标名称", "计算公式", "单位", "方向"],
        ["response_time", "及时响应时间", "response_seconds", "秒", "低优"],
        ["bad_review_count", "差评次数", "bad_reviews", "次", "低优"],
        ["conversion", "订单转换率", "buyers / uv", "%", "高优"],
        ["attendance_deduction", "考勤扣分", "(late + early_leave) * 2 + leave_days", "分", "低优"],
        ["weekly_report_rate", "周报提交率", "reports_submitted / reports_due", "%", "高优"],
    ],
    "考核方案": [
        ["适用岗位", "适用员工", "类别", "考核项目", "指标代码", "权重", "评分方法", "目标值", "下限", "封顶", "评分标准"],
        ["在线客服专员", None, "KPI", "及时响应时间", "response_time", "30%", "达标制", 30, None, None, "≤30 秒得满分"],
        ["在线客服专员", None, "KPI", "差评次数", "bad_review_count", "26%", "达成率", 2, None, "120%", "目标/实际"],
        ["在线客服专员", None, "工作态度", "工作态度", None, "30%", "评级", None, None, None, "1-5 分"],
        ["在线客服专员", None, "周报", "周报", "weekly_report_rate", "4%", "达成率", "100%", None, "100%", "每周一份"],
        ["在线客服专员", None, "考勤", "考勤", "attendance_deduction", "10%", "扣分制", None, None, None, "迟到早退-2/次，请假-1/天"],
        ["在线客服专员", None, "加减分", "自愿性任务", "bonus_points", None, "加分", None, None, "20%", "最多 +20"],
        ["在线客服专员", None, "加减分", "违规扣分", "penalty_points", None, "加分", None, None, None, "按次扣分"],
        ["运营专员", None, "KPI", "订单转换率", "conversion", "60%", "线性", "4%", "2%", "100%", "2% 得 0 分，4% 得满分"],
        ["运营专员", None, "工作能力", "工作能力", None, "40%", "评级", 5, None, None, "1-5 分"],
    ],
    "月度数据": [
        ["工号", "姓名", "response_seconds", "bad_reviews", "uv", "buyers"],
        ["E001", "张伟", 25, 0, None, None],
        ["E002", "李娜", 41, 4, None, None],
        ["E003", "王芳", None, None, None, None],
        ["E004", "刘洋", None, None, 50000, 1500],
    ],
    "考勤": [
        ["工号", "姓名", "迟到次数", "早退次数", "请假天数", "周报应交", "周报实交"],
        ["E001", "张伟", 1, 0, 1, 4, 4],
        ["E002", "李娜", 0, 0, 0, 4, 3],
        ["E004", "刘洋", 0, 0, 0, 4, 4],
    ],
    "评分": [
        ["工号", "考核项目", "评分"],
        ["E001", "工作态度", 5],
        ["E002", "工作态度", 3],
        ["E004", "工作能力", 4],
    ],
    "评语": [
        ["工号", "考核人", "考核评语", "改进计划", "面谈日期"],
        ["E001", "陈主管", "响应及时，服务规范。", "继续保持。", date(2026, 11, 6)],
        ["E002", "陈主管", "差评偏多。", "学习话术规范。", date(2026, 11, 6)],
        ["E004", "赵经理", "转化率稳定。", "加强活动复盘。", date(2026, 11, 7)],
    ],
    "加减分": [
        ["工号", "事项", "分值"],
        ["E001", "双11值班支援", 15],
        ["E001", "大促客服培训讲师", 8],
        ["E002", "违规用语", -3],
    ],
    "等级": [
        ["等级", "等级名称", "分数下限", "分数上限", "绩效系数", "不及格"],
        ["S", "优秀", 90, None, "120%", "否"],
        ["A", "良好", 80, 90, "110%", "否"],
        ["B", "合格", 70, 80, "100%", "否"],
        ["C", "待改进", 60, 70, "80%", "否"],
        ["D", "不合格", 0, 60, "0%", "是"],
    ],
    "提成池": [
        ["提成池", "公共销售业绩总额"],
        ["客服池", 1000000],
    ],
}


DATE_FORMATS = {datetime: "yyyy-mm-dd h:mm:ss", date: "yyyy-mm-dd", time: "h:mm:ss"}  # openpyxl's


def write_book(path: Path, sheets: dict) -> Path:
    """Write sheets to an xlsx; strings stay strings (IDs keep their leading zeros, "=…" is text).

    XlsxWriter, not openpyxl: the suite writes hundreds of workbooks, and XlsxWriter writes one in less
    than half the time (16 against 37 ms for BASE).  Cells read back as openpyxl wrote them: dates and times with openpyxl's
    number formats, an empty string as no cell."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    formats = {kind: book.add_format({"num_format": number_format}) for kind, number_format in DATE_FORMATS.items()}
    for title, rows in sheets.items():
        ws = book.add_worksheet(title)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, str):
                    ws.write_string(r, c, value)  # text that looks like a formula stays text, as HR might type it
                elif isinstance(value, bool):
                    ws.write_boolean(r, c, value)
                elif isinstance(value, (int, float, Decimal)):
                    ws.write_number(r, c, value)
                elif isinstance(value, (datetime, date, time)):
                    ws.write_datetime(r, c, value, formats[type(value)])
                else:
                    raise TypeError(f"{title}!{r + 1},{c + 1}: {value!r}")
    book.close()
    return path


# ------------------------------------------------------------------ slow tests and their guard

# Fixtures that render PDFs (or hold a renderer): a test that uses one, even indirectly, is slow.
SLOW_FIXTURES = frozenset({"sample_build", "small_build", "small_shards", "hostile_build", "renderer"})


class SlowWorkInFastTest(BaseException):
    """A test not marked slow rendered a PDF or started LibreOffice.

    A BaseException, so that no ``except Exception`` on the way (the CLI's last line of defence)
    turns it into an exit code: the test fails loudly with this message.
    """


@contextmanager
def refuse_slow_work() -> Iterator[None]:
    """While active, rendering a PDF (WeasyPrint) or running soffice raises SlowWorkInFastTest."""
    from weasyprint import HTML

    from reporter.writers.pdf.renderer import PdfRenderer
    from tests import recalc

    def refuse(what):
        def refused(*args, **kwargs):
            raise SlowWorkInFastTest(f"{what} in a test not marked slow: add @pytest.mark.slow")
        return refused

    with mock.patch.object(PdfRenderer, "__init__", refuse("PdfRenderer()")), \
            mock.patch.object(PdfRenderer, "render", refuse("PDF rendering")), \
            mock.patch.object(HTML, "render", refuse("WeasyPrint rendering")), \
            mock.patch.object(recalc, "_run", refuse("LibreOffice (soffice)")):
        yield


def pytest_collection_modifyitems(config, items):
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """Every test not marked slow runs (setup, call, teardown) with PDF rendering and soffice refused.

    Patched on the class, so a renderer cached by an earlier slow test is refused too, and so are
    forked build workers.
    """
    if item.get_closest_marker("slow"):
        yield
        return
    with refuse_slow_work():
        yield


# ------------------------------------------------------------------ builds, once per run


def once_per_run(tmp_path_factory, name: str, make: Callable[[Path], object]):
    """``make(folder)`` once per test run, its folder and returned value shared by every xdist worker.

    A session (or module) fixture runs once in each worker that needs it; for a build with PDFs that
    is minutes of CPU spent twice.  So the first worker to ask makes it under a file lock in the run's
    common temp folder (pytest-xdist's documented pattern), the others wait, then read the pickled value.
    Without xdist it is an ordinary call.  The folder is read only for tests: they copy what they change.
    """
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return make(tmp_path_factory.mktemp(name))
    import fcntl

    common = tmp_path_factory.getbasetemp().parent  # shared by the workers of this run
    folder, value = common / f"shared-{name}", common / f"shared-{name}.pickle"
    with open(common / f"shared-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, even if make() fails
        if value.is_file():
            return pickle.loads(value.read_bytes())
        shutil.rmtree(folder, ignore_errors=True)  # a worker that failed half-way left it
        folder.mkdir()
        made = make(folder)
        value.write_bytes(pickle.dumps(made))
        return made


@dataclass(frozen=True)
class Built:
    book: Path  # the input workbook: read it, never change it
    out: Path  # the --out folder: the period folder(s) and reporter.sqlite
    output: str  # what the build printed


def cli_build(book: Path, out: Path, *args: str) -> Built:
    from click.testing import CliRunner

    from reporter.cli import cli

    result = CliRunner().invoke(cli, ["build", str(book), "--out", str(out), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return Built(book, out, result.output)


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory):
    """The demo company built once for the whole session: the period folder.

    A full build (no agreements: `reporter plan` issues them), then `--only agreements` into the same
    folder (the appraised), then HZ0017, not appraised, named as HR would: every employee's agreement and
    the agreement batches are here for the document tests.  The manifest lists no agreements.
    """

    def make(out: Path) -> Path:
        cli_build(SAMPLE, out)
        cli_build(SAMPLE, out, "--only", "agreements", "--force")
        return cli_build(SAMPLE, out, "--only", "agreements", "--employee", "HZ0017", "--force").out / "2026-10"

    return once_per_run(tmp_path_factory, "sample-build", make)


@pytest.fixture(scope="session")
def small_build(tmp_path_factory) -> Built:
    """The fixture company (BASE) built once with every output, PDFs included. Read only."""
    return once_per_run(tmp_path_factory, "small-build",
                        lambda root: cli_build(write_book(root / "input.xlsx", copy.deepcopy(BASE)), root / "out"))


@pytest.fixture
def small_build_copy(small_build, tmp_path) -> Built:
    """A private copy of small_build's --out folder, for a test that rebuilds into it or changes it."""
    out = tmp_path / "out"
    shutil.copytree(small_build.out, out)
    return Built(small_build.book, out, small_build.output)


@pytest.fixture(scope="session")
def small_shards(small_build, tmp_path_factory) -> list[Built]:
    """small_build's workbook built as shards 1/2 and 2/2, each into its own --out folder. Read only."""
    return once_per_run(tmp_path_factory, "small-shards",
                        lambda root: [cli_build(small_build.book, root / f"shard-{k}", "--shard", f"{k}/2")
                                      for k in (1, 2)])


@pytest.fixture(scope="session")
def hostile_build(tmp_path_factory) -> Built:
    """BASE with spreadsheet-formula text typed into a name, a bonus item and a comment. Read only."""
    sheets = copy.deepcopy(BASE)
    sheets["员工"][1][1] = "=HYPERLINK(\"http://evil.example\",\"点我\")"
    sheets["加减分"][1][1] = "@SUM(1+1)*cmd|' /C calc'!A0"
    sheets["评语"][1][2] = "+1+1"
    return once_per_run(tmp_path_factory, "hostile-build",
                        lambda root: cli_build(write_book(root / "input.xlsx", sheets), root / "out"))


@pytest.fixture(scope="session")
def sample_result():
    from reporter.input.validate import load_input
    from reporter.rules.engine import score_period

    return score_period(load_input(SAMPLE))


@pytest.fixture
def base_sheets():
    return copy.deepcopy(BASE)


@pytest.fixture
def make_book(tmp_path):
    """make_book(sheets) -> path of a written workbook."""
    counter = iter(range(10_000))

    def make(sheets=None, name=None):
        return write_book(tmp_path / (name or f"input-{next(counter)}.xlsx"), sheets or copy.deepcopy(BASE))

    return make


def streak_of_two(sheets: dict) -> dict:
    """连续月数 = 2, and 2026-09 on record: E001 first (again first now), E002 failing (again D now)."""
    sheets["设置"].append(["连续月数", 2])
    sheets["历史"] = [["考核期间", "工号", "总分", "等级", "部门排名"],
                    ["2026-09", "E001", 95, "S", 1], ["2026-09", "E002", 50, "D", 2]]
    return sheets
