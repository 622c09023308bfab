"""The command line in each 语言: build, merge and email summaries, `init --language`, validate."""

from __future__ import annotations

import copy
import re
from datetime import date

import openpyxl
import pytest
from click.testing import CliRunner

from reporter.cli import cli
from reporter.input.english_examples import ENGLISH
from reporter.input.schema import SHEETS
from reporter.input.validate import load_input
from reporter.store.agreed import record_agreed
from tests.conftest import BASE, streak_of_two, write_book

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def book_in(tmp_path, language: str, sheets=None):
    sheets = sheets or copy.deepcopy(BASE)
    sheets["设置"] += [["语言", language], ["发件人", "hr@test.example.com"]]
    return write_book(tmp_path / f"input-{language}.xlsx", sheets)


def run(*args, **kw):
    result = CliRunner().invoke(cli, [str(a) for a in args], **kw)
    assert result.exit_code == 0, result.output
    return result.output


def test_an_english_build_summary_is_english(tmp_path):
    book = book_in(tmp_path, "en", streak_of_two(copy.deepcopy(BASE)))
    record_agreed(tmp_path / "out" / "reporter.sqlite", load_input(book), date(2026, 10, 1))  # no warning
    output = run("build", book, "--out", tmp_path / "out", "--only", "scorecards,summary")
    lines = output.splitlines()
    assert lines[0] == "测试电商有限公司 October 2026"
    assert "  Scored: 3" in lines and "  Not appraised: 1" in lines
    assert "  Streak rules (2 months in a row):" in lines
    assert any(line.startswith("    E001 张伟 — ") for line in lines)
    assert lines[-1].startswith("  Wrote ") and lines[-1].endswith("(partial build: the results in the history are unchanged)")
    names = ("测试电商有限公司", "张伟", "李娜", "王芳", "刘洋")
    assert not CJK.search(re.sub("|".join(names), "", output)), output


def test_a_bilingual_build_summary_is_chinese(tmp_path):
    output = run("build", book_in(tmp_path, "zh-en"), "--out", tmp_path / "out", "--only", "summary")
    assert "测试电商有限公司 2026年10月" in output and "  已评分：3 人" in output and "Scored" not in output


def test_an_english_email_summary_is_english(tmp_path):
    run("build", book_in(tmp_path, "en"), "--out", tmp_path / "out", "--only", "scorecards,summary")
    output = run("email", tmp_path / "out" / "2026-10", "--attach", "scorecards")
    assert "  E001 张伟 → zhangwei@example.com: Scorecard-2026-10-E001-张伟.xlsx" in output
    assert "  E003 王芳 → wangfang@example.com: (no attachments)" in output
    assert "Wrote 4 messages to" in output and "nothing was sent: add --send" in output


def test_validate_says_ready_in_the_workbook_language(tmp_path):
    output = run("validate", book_in(tmp_path, "en"))
    assert output.strip().endswith("ready to build — 测试电商有限公司, October 2026, 4 employees, 2 appraisal plans.")


def settings_values(path) -> dict:
    ws = openpyxl.load_workbook(path)["设置"]
    return {row[0]: row[1] for row in ws.iter_rows(min_row=2, values_only=True)}


def test_init_in_english_writes_english_examples_and_builds_without_warnings(tmp_path):
    book = tmp_path / "appraisal.xlsx"
    assert run("init", "--language", "en", book).strip() == f"Wrote a blank workbook: {book}"
    settings = settings_values(book)
    assert settings["语言"] == "en" and settings["公司名称"] == "Example Technology Co., Ltd."
    assert settings["人事部门名称"] == "the HR Department" and settings["人事负责人"] == "HR Manager"
    wb = openpyxl.load_workbook(book)
    for sheet in SHEETS:  # every example the company would type is English; headers and notes are as before
        for row in wb[sheet.zh].iter_rows(min_row=2, max_col=2 if sheet.key_value else None, values_only=True):
            typed = [v for v in (row[1:] if sheet.key_value else row) if isinstance(v, str)]
            coded = {str(v[0]) for c in sheet.columns for v in _choices(c)}
            assert not [v for v in typed if CJK.search(v) and v not in coded], (sheet.zh, row)
    inp = load_input(book)
    assert inp.settings.language == "en" and not inp.warnings
    validated = CliRunner().invoke(cli, ["validate", str(book)])
    assert validated.exit_code == 0 and "ready to build" in validated.output and "提示" not in validated.output
    output = run("build", book, "--out", tmp_path / "out", "--only", "scorecards,summary")
    assert "Scored: 2" in output and "Not appraised" not in output
    assert "Warnings: 1" in output and "No agreement on record for 2026-10" in output  # only: the plan was never signed with `plan`


def _choices(col):
    from reporter.input.schema import CHOICES

    return CHOICES[col.kind].values() if col.kind in CHOICES else ()


@pytest.mark.parametrize("code", ["zh", "zh-en"])
def test_init_in_chinese_or_bilingual_keeps_the_chinese_examples(tmp_path, code):
    book = tmp_path / f"{code}.xlsx"
    assert "已写入空白模板" in run("init", "--language", code, book)
    settings = settings_values(book)
    assert settings["语言"] == code and settings["公司名称"] == "示例科技有限公司" and settings["人事部门名称"] == "人事部门"
    assert not load_input(book).warnings


def test_every_english_example_is_used():
    examples = {str(v) for sheet in SHEETS for c in sheet.columns for v in c.example}
    assert set(ENGLISH) <= examples  # a renamed example in the schema would silently stay Chinese


@pytest.mark.slow
def test_init_english_validate_build_end_to_end(tmp_path):
    """The documented start of an English company: every output, PDFs included, and no warning but one:
    the plan was not signed with `reporter plan`.  The agreements then come from `build --only agreements`."""
    book = tmp_path / "x.xlsx"
    run("init", "--language", "en", book)
    run("validate", book)
    result = CliRunner().invoke(cli, ["build", str(book), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert "Warnings: 1" in result.output and "No agreement on record" in result.output
    period = tmp_path / "o" / "2026-10"
    assert (period / "letters" / "E0001.pdf").is_file() and not (period / "agreements").exists()
    result = CliRunner().invoke(cli, ["build", str(book), "--out", str(tmp_path / "o"), "--only", "agreements",
                                      "--force"])
    assert result.exit_code == 0, result.output
    assert (period / "agreements" / "E0002.pdf").is_file()
    output = run("email", period, "--attach", "letters,agreements")
    assert "Appraisal-letter-2026-10-E0001-Zhang Wei.pdf, Target-agreement-2026-10-E0001-Zhang Wei.pdf" in output
