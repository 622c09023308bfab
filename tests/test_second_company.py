"""A second company, built as a new user would: nothing of the sample company in any output.

A logistics company the tool was never tuned for: a quarterly period, roles no sample company has
(仓库管理员, 配送司机), its own HR department (人力资源中心), its own grade names, an absence limit of
one month and a streak of two quarters.  Its workbook starts from ``reporter init``'s template with
the sheets filled in; it validates and builds every output with no code change.  Then every file the
build wrote (PDF text, every workbook cell, CSV, JSON, the e-mail) is searched for the sample
company's words and for month words that have no place in a quarter.
"""

from __future__ import annotations

import csv
import email
import json
import re
import subprocess
from datetime import date
from decimal import Decimal as D
from email import policy
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from reporter.cli import cli
from reporter.input.validate import load_input
from reporter.rules.engine import score_period
from tests.conftest import once_per_run

# The sample company's own words (company, people, HR department, roles, departments, KPI wording).
SAMPLE_WORDS = ("杭州云栖", "云栖", "人事行政部", "周敏", "华东公司", "华南公司", "示例科技", "在线客服", "运营专员",
                "客服部", "运营部", "销售计划", "成交额", "生意参谋", "人事部门", "自动请辞")
# A quarter's documents never speak of a month as the period.
MONTH_WORDS = ("本月", "月度", "连续 3", "连续3")
HR = "人力资源中心"

SETTINGS = {
    "公司名称": "远航物流有限公司", "考核期间": "2026-Q3", "考核日期": date(2026, 10, 8),
    "申诉截止日期": date(2026, 10, 20), "考核人": "站点经理", "人事负责人": "人力资源中心 黄主任",
    "人事部门名称": HR, "连续月数": 2, "缺勤上限月数": 1, "连续第一奖励": 500, "工龄工资每年": 100,
    "工龄工资上限": 800, "公共提成比例": "0.5%",
}
EMPLOYEES = [
    ["工号", "姓名", "邮箱", "公司", "部门", "岗位", "入职日期", "岗位工资", "缺勤月数"],
    ["W001", "韩立", "hanli@example.com", "远航物流", "仓储部", "仓库管理员", date(2019, 8, 1), 5200, 0],
    ["W002", "厉飞雨", "lifeiyu@example.com", "远航物流", "仓储部", "仓库管理员", date(2024, 3, 1), 4800, 0],
    ["D001", "南宫婉", "nangong@example.com", "远航物流", "车队", "配送司机", date(2021, 9, 30), 6000, 0],
    ["D002", "墨大夫", "modaifu@example.com", "远航物流", "车队", "配送司机", date(2022, 1, 1), 6000, 1.5],
]
MEASURES = [["度量代码", "度量名称", "类型"], ["picks", "拣货件数", "次数"], ["pick_errors", "拣货差错", "次数"],
            ["deliveries", "配送单数", "次数"], ["on_time", "准时送达单数", "次数"]]
KPIS = [["指标代码", "指标名称", "计算公式", "单位", "方向"],
        ["pick_volume", "拣货量", "picks", "件", "高优"],
        ["pick_accuracy_errors", "拣货差错", "pick_errors", "次", "低优"],
        ["on_time_rate", "准时送达率", "on_time / deliveries", "%", "高优"],
        ["attendance_points", "考勤扣分", "late * 2 + leave_days", "分", "低优"]]
PLANS = [["适用岗位", "适用员工", "类别", "考核项目", "指标代码", "权重", "评分方法", "目标值", "下限", "封顶", "评分标准"],
         ["仓库管理员", None, "KPI", "拣货量", "pick_volume", "50%", "达成率", 30000, None, "120%", "实际/目标×权重，封顶120%"],
         ["仓库管理员", None, "KPI", "拣货差错", "pick_accuracy_errors", "20%", "达标制", 3, None, None, "差错≤3次得满分"],
         ["仓库管理员", None, "工作态度", "工作态度", None, "20%", "评级", 5, None, None, "1-5 分，由站点经理评定"],
         ["仓库管理员", None, "考勤", "考勤", "attendance_points", "10%", "扣分制", None, None, None, "迟到-2/次，请假-1/天"],
         ["配送司机", None, "KPI", "准时送达率", "on_time_rate", "70%", "线性", "98%", "90%", "100%", "90%得0分，98%得满分"],
         ["配送司机", None, "工作态度", "工作态度", None, "20%", "评级", 5, None, None, "1-5 分，由站点经理评定"],
         ["配送司机", None, "考勤", "考勤", "attendance_points", "10%", "扣分制", None, None, None, "迟到-2/次，请假-1/天"]]
DATA = [["工号", "姓名", "picks", "pick_errors", "deliveries", "on_time"],
        ["W001", "韩立", 33000, 2, None, None], ["W002", "厉飞雨", 21000, 5, None, None],
        ["D001", "南宫婉", None, None, 1200, 1176], ["D002", "墨大夫", None, None, 400, 380]]
ATTENDANCE = [["工号", "姓名", "迟到次数", "早退次数", "请假天数", "周报应交", "周报实交"],
              ["W001", "韩立", 1, 0, 2, 0, 0], ["W002", "厉飞雨", 0, 0, 0, 0, 0], ["D001", "南宫婉", 0, 0, 0.5, 0, 0]]
RATINGS = [["工号", "考核项目", "评分"], ["W001", "工作态度", 5], ["W002", "工作态度", 3], ["D001", "工作态度", 4]]
REVIEWS = [["工号", "考核人", "考核评语", "改进计划", "面谈日期"],
           ["W001", "丁站长", "拣货量超额完成。", "带教新人。", date(2026, 10, 9)],
           ["W002", "丁站长", "差错偏多。", "复核流程培训。", date(2026, 10, 9)],
           ["D001", "丁站长", "准时率高。", "保持。", date(2026, 10, 9)]]
GRADES = [["等级", "等级名称", "分数下限", "分数上限", "绩效系数", "不及格"],
          ["A", "卓越", 90, None, "115%", "否"], ["B", "达标", 75, 90, "100%", "否"],
          ["C", "待提升", 60, 75, "85%", "否"], ["D", "不达标", 0, 60, "0%", "是"]]
HISTORY = [["考核期间", "工号", "总分", "等级", "部门排名"],
           ["2026-Q2", "W001", 96, "A", 1], ["2026-Q2", "W002", 55, "D", 2]]
DUTIES = [["岗位", "类型", "内容"], ["仓库管理员", "权利", "有权拒收手续不全的入库货物。"],
          ["仓库管理员", "职责", "按单拣货、复核、出库，保证账实相符。"],
          ["配送司机", "职责", "按调度路线准时送达，遵守道路交通法规。"]]


def fill(ws, rows) -> None:
    """Replace a sheet's rows below its header (or all of them) with rows, header first."""
    ws.delete_rows(1, ws.max_row)
    for row in rows:
        ws.append(row)


def second_company(folder: Path, language: str = "zh") -> Path:
    """reporter init's template, filled in by the logistics company's HR."""
    book = folder / "yuanhang-2026-Q3.xlsx"
    assert CliRunner().invoke(cli, ["init", str(book)]).exit_code == 0
    wb = openpyxl.load_workbook(book)
    settings = {**SETTINGS, "语言": language}
    for row in wb["设置"].iter_rows(min_row=2):
        if row[0].value in settings:
            row[1].value = settings.pop(row[0].value)
    assert settings == {}, f"init's template lacks the rows {settings}"
    for title, rows in (("员工", EMPLOYEES), ("度量定义", MEASURES), ("指标库", KPIS), ("考核方案", PLANS),
                        ("月度数据", DATA), ("考勤", ATTENDANCE), ("评分", RATINGS), ("评语", REVIEWS),
                        ("等级", GRADES), ("岗位职责", DUTIES)):
        fill(wb[title], rows)
    for title in ("加减分", "提成池", "年度奖励"):
        if title in wb.sheetnames:
            fill(wb[title], [[c.value for c in wb[title][1]]])
    history = wb["历史"] if "历史" in wb.sheetnames else wb.create_sheet("历史")
    fill(history, HISTORY)
    wb.save(book)
    return book


def test_the_second_company_validates_clean_and_scores_as_worked_by_hand(tmp_path):
    book = second_company(tmp_path)
    checked = CliRunner().invoke(cli, ["validate", str(book)])
    assert checked.exit_code == 0, checked.output
    result = score_period(load_input(book))
    by_id = {r.employee.employee_id: r for r in result.results}
    # W001: picks 33000/30000 = 110% (cap 120%) × 50 = 55; errors 2 ≤ 3 → 20; rating 5/5 × 20 = 20;
    # attendance 1 late × 2 + 2 days = 4 points off 10 → 6.  Total 101.
    assert by_id["W001"].total == D("101.00") and by_id["W001"].grade.name == "卓越"
    # D001: on time 1176/1200 = 98% → (98% − 90%)/(98% − 90%) = 100% × 70 = 70; rating 4/5 × 20 = 16;
    # 0.5 day leave → 10 − 0.5 = 9.5.  Total 95.5.
    assert by_id["D001"].total == D("95.50")
    # D002 was away 1.5 months against a limit of 1: not appraised.
    assert not by_id["D002"].appraised and by_id["D002"].not_appraised_reason.limit == D("1")
    # The streak of two quarters: W001 first in 仓储部 again (bonus 500), W002 failing again (HR only).
    assert [f.rule for f in by_id["W001"].flags] == ["first_rank_streak"]
    assert by_id["W001"].pay.one_time_bonus == D("500")
    assert [(f.rule, f.hr_only) for f in by_id["W002"].flags] == [("failing_streak", True)]
    # Seniority at the quarter's end (2026-09-30): W001 7 full years × 100 capped at 800 → 700;
    # D001 hired 2021-09-30: 5 full years that very day → 500.
    assert by_id["W001"].pay.seniority_pay == D("700") and by_id["D001"].pay.seniority_pay == D("500")


def texts_of(folder: Path) -> dict[str, str]:
    """Every file the build wrote, as text: PDFs through pdftotext, workbooks cell by cell (and their print headers)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix == ".sqlite":
            continue
        if path.suffix == ".pdf":
            found[str(path)] = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                              check=True).stdout
        elif path.suffix == ".xlsx":
            wb = openpyxl.load_workbook(path)
            parts = []
            for ws in wb.worksheets:
                parts += [ws.title, ws.oddHeader.center.text or "", ws.oddFooter.center.text or ""]
                parts += [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
            found[str(path)] = "\n".join(parts)
        elif path.suffix in (".csv", ".json", ".eml"):
            raw = path.read_bytes()
            if path.suffix == ".eml":
                msg = email.message_from_bytes(raw, policy=policy.default)
                raw = (str(msg["Subject"]) + "\n" + msg.get_body(preferencelist=("plain",)).get_content()
                       + "\n" + " ".join(p.get_filename() or "" for p in msg.iter_attachments())).encode()
            found[str(path)] = raw.decode("utf-8-sig")
    return found


def build_and_mail(root: Path, book: Path) -> tuple[Path, str]:
    """Build every output (agreements asked for: the period's end writes none unless asked) and mail a dry run.

    The period folder, and what the CLI printed."""
    runner = CliRunner()
    made = runner.invoke(cli, ["build", str(book), "--out", str(root / "out")], catch_exceptions=False)
    assert made.exit_code == 0, made.output
    agreements = runner.invoke(cli, ["build", str(book), "--out", str(root / "out"), "--only", "agreements", "--force"],
                               catch_exceptions=False)
    assert agreements.exit_code == 0, agreements.output
    config = root / "smtp.toml"
    config.write_text('[smtp]\nsender = "hr@yuanhang.example"\n', encoding="utf-8")
    period = root / "out" / "2026-Q3"
    mailed = runner.invoke(cli, ["email", str(period), "--config", str(config), "--attach", "letters,scorecards"])
    assert mailed.exit_code == 0, mailed.output
    return period, made.output + mailed.output


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Built and mailed once per run (shared by the xdist workers). Read only."""
    return once_per_run(tmp_path_factory, "second-company", lambda root: build_and_mail(root, second_company(root)))


@pytest.mark.slow
def test_no_output_holds_a_word_of_the_sample_company_or_of_a_month(built):
    period, printed = built
    texts = texts_of(period)
    kinds = {Path(p).suffix for p in texts}
    assert kinds >= {".pdf", ".xlsx", ".csv", ".json", ".eml"}
    texts["CLI"] = printed
    found = [(Path(p).name, w) for p, t in texts.items() for w in (*SAMPLE_WORDS, *MONTH_WORDS)
             if w in re.sub(r"\s+", "", t) or w in t]
    assert found == []


@pytest.mark.slow
def test_the_documents_speak_of_the_quarter_and_the_companys_own_policy(built):
    period, _ = built
    texts = {Path(p).relative_to(period).as_posix(): re.sub(r"\s+", "", t) for p, t in texts_of(period).items()}
    w001, d002 = texts["letters/W001.pdf"], texts["letters/D002.pdf"]
    assert "2026年第3季度" in w001 and "连续2个季度部门排名第一" in w001 and "¥500.00" in w001
    assert "不及格" not in texts["letters/W002.pdf"]  # the failing streak is HR's, never the employee's
    assert "连续2个季度考核不及格" in texts["summary.xlsx"]
    assert "超过1个月" in d002 and "2.5" not in d002
    agreement = texts["agreements/D001.pdf"]
    assert f"甲方负责人、{HR}对本责任书的执行情况进行过程监控" in agreement
    assert "按调度路线准时送达，遵守道路交通法规。" in agreement and "按单拣货" not in agreement
    assert "卓越" in agreement and "不达标" in agreement  # the company's own grade names
    body = texts["outbox/W001.eml"]
    assert f"签字后交回{HR}" in body and f"以书面形式向{HR}提出申诉" in body


@pytest.mark.slow
def test_payroll_holds_the_quarters_settled_pay(built):
    period, _ = built
    with (period / "payroll.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = {r["工号"]: r for r in csv.DictReader(f)}
    # W001: position 5,200 + seniority 700 + one-time bonus 500 = 6,400.00 (no commission in this company).
    assert D(rows["W001"]["应发合计"]) == D("6400.00")
    manifest = json.loads((period / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["hr_department"] == HR and manifest["period"] == "2026-Q3"


# ---- the same company in English and bilingual ---------------------------------------------------
# An English-speaking company types its own words in English; only the people's names stay Chinese.
NAMES = ("韩立", "厉飞雨", "南宫婉", "墨大夫")
IN_ENGLISH = {
    "远航物流有限公司": "Yuanhang Logistics Co., Ltd.", "远航物流": "Yuanhang Logistics", "站点经理": "Station manager",
    "人力资源中心 黄主任": "Huang, Head of People", HR: "the People Centre", "仓储部": "Warehouse", "车队": "Fleet",
    "仓库管理员": "Warehouse keeper", "配送司机": "Delivery driver", "拣货件数": "Items picked",
    "拣货差错": "Picking errors", "配送单数": "Deliveries", "准时送达单数": "Deliveries on time", "拣货量": "Items picked",
    "准时送达率": "On-time rate", "考勤扣分": "Attendance points", "件": "items", "次": "times", "分": "points",
    "实际/目标×权重，封顶120%": "Actual / target × weight, capped at 120%", "差错≤3次得满分": "Full marks at ≤ 3 errors",
    "1-5 分，由站点经理评定": "Rated 1–5 by the station manager", "迟到-2/次，请假-1/天": "−2 per late arrival, −1 per day of leave",
    "90%得0分，98%得满分": "0 at 90%, full marks at 98%", "工作态度": "Attitude", "考勤": "Attendance",
    "丁站长": "Ding (station manager)", "拣货量超额完成。": "Picked well above target.", "带教新人。": "Coach new staff.",
    "差错偏多。": "Too many errors.", "复核流程培训。": "Training on the check procedure.", "准时率高。": "Very punctual.",
    "保持。": "Keep it up.", "卓越": "Outstanding", "达标": "Meets targets", "待提升": "To improve", "不达标": "Below target",
    "有权拒收手续不全的入库货物。": "May refuse inbound goods without complete papers.",
    "按单拣货、复核、出库，保证账实相符。": "Picks, checks and ships by order; keeps stock and books in line.",
    "按调度路线准时送达，遵守道路交通法规。": "Delivers on time on the dispatched route, within traffic law.",
}
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")


def in_english(book: Path) -> Path:
    """The second company's workbook with everything it typed in English (names excepted); codes as typed."""
    wb = openpyxl.load_workbook(book)
    for title in ("设置", "员工", "度量定义", "指标库", "考核方案", "评分", "评语", "等级", "岗位职责"):
        for row in wb[title].iter_rows(min_row=2, min_col=2 if title == "设置" else 1):
            for cell in row:
                if isinstance(cell.value, str) and cell.value in IN_ENGLISH:
                    cell.value = IN_ENGLISH[cell.value]
    wb.save(book)
    return book


def build_in(language: str, tmp_path_factory) -> tuple[dict[str, str], str]:
    """The second company built in a language and mailed (dry run): every output as text, and what the CLI printed."""
    root = tmp_path_factory.mktemp(f"second-company-{language}")
    book = second_company(root, language)
    if language == "en":
        book = in_english(book)
    period, printed = build_and_mail(root, book)
    texts = {Path(p).relative_to(period).as_posix(): t for p, t in texts_of(period).items()}
    return texts, printed


@pytest.mark.slow
def test_an_english_company_reads_no_chinese_but_its_peoples_names(tmp_path_factory):
    texts, printed = build_in("en", tmp_path_factory)
    left = {}
    for name, text in {**texts, "CLI": printed}.items():
        for person in NAMES:
            text = text.replace(person, "")
        if CJK.search(text):
            left[name] = sorted(set(CJK.findall(text)))
    assert left == {}
    letter = re.sub(r"\s+", " ", texts["letters/W001.pdf"])
    assert "Q3 2026" in letter and "for 2 quarters in a row" in letter and "¥500.00" in letter
    assert "the People Centre" in texts["outbox/W001.eml"]
    assert "pass mark" not in texts["letters/W002.pdf"]  # HR's flag stays with HR
    assert "1 month" in re.sub(r"\s+", " ", texts["letters/D002.pdf"])


@pytest.mark.slow
def test_a_bilingual_company_prints_chinese_with_english_labels(tmp_path_factory):
    texts, _ = build_in("zh-en", tmp_path_factory)
    letter = re.sub(r"\s+", "", texts["letters/W001.pdf"])
    assert "根据公司绩效考核制度" in letter and "连续2个季度部门排名第一" in letter  # Chinese prose
    assert "Results" in letter or "Result" in letter  # English beneath the headings
    body = texts["outbox/W001.eml"]
    assert "您好" in body and "Dear" in body  # the Chinese mail, then the same in English
