"""E-mail in each 语言: English and bilingual messages through the real loopback SMTP server.

The periods are built with ``--only scorecards,summary`` (no PDFs, so these tests are fast) and mail the
scorecards; the letter's attachment name is checked on a stand-in PDF.
"""

from __future__ import annotations

import copy
import re
from dataclasses import replace
from pathlib import Path

import pytest

from reporter.mail.config import SmtpConfig
from reporter.mail.message import BILINGUAL_SEPARATOR, attachment_name
from reporter.mail.send import send_results
from reporter.writers.language import Language
from reporter.writers.manifest import read_manifest
from tests.conftest import BASE, cli_build, write_book
from tests.smtp_server import smtp_server

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
NAMES = ("张伟", "李娜", "王芳", "刘洋", "周敏")  # the employees and the HR signatory


def build_period(tmp_path: Path, language: str, company: str = "Test Commerce Co., Ltd.", extra=()) -> Path:
    sheets = copy.deepcopy(BASE)
    sheets["设置"][1][1] = company
    sheets["设置"] += [["语言", language], ["发件人", "hr@test.example.com"], *extra]
    book = write_book(tmp_path / f"input-{language}.xlsx", sheets)
    return cli_build(book, tmp_path / "out", "--only", "scorecards,summary").out / "2026-10"


def send(period: Path, server, **kw) -> list:
    config = SmtpConfig(host=server.host, port=server.port, security="starttls", user=server.user or "",
                        sender="hr@test.example.com", sender_name="HR", rate_limit=10_000, cafile=str(server.cafile))
    report = send_results(period, config, send=True, password=server.password, sleep=lambda s: None,
                          attach=("scorecards",), **kw)
    assert not (report.failed or report.retry or report.unknown), report
    by_address = {r.email: r.employee_id for r in read_manifest(period).recipients}
    return {by_address.get(m.rcpt_tos[0], m.rcpt_tos[0]): m.message for m in server.received}


def without_typed_text(text: str, *typed: str) -> str:
    for word in (*NAMES, *typed):
        text = text.replace(word, "")
    return text


def test_an_english_period_mails_in_english(tmp_path):
    period = build_period(tmp_path, "en")
    with smtp_server(tmp_path) as server:
        received = send(period, server)
    assert set(received) == {"E001", "E002", "E003", "E004"}
    msg = received["E001"]
    # Python folds a long mixed header as "- \r\n =?utf-8?…": unfolded, two spaces before the name
    assert " ".join(msg["Subject"].split()) == "Test Commerce Co., Ltd. appraisal results for October 2026 - 张伟"
    body = msg.get_body(preferencelist=("plain",)).get_content()
    assert "Dear 张伟 (employee ID E001)" in body and "by 13 November 2026" in body
    assert "in writing to the HR Department" in body and "your pay for the month" in body
    assert not CJK.search(without_typed_text(body)), body  # the only Chinese is the employee's name
    assert [p.get_filename() for p in msg.iter_attachments()] == ["Scorecard-2026-10-E001-张伟.xlsx"]
    absent = received["E003"].get_body().get_content()  # not appraised: no scorecard, a sentence that says why
    assert "you are not appraised this period" in absent and not list(received["E003"].iter_attachments())
    assert not CJK.search(without_typed_text(absent))


def test_an_english_rehearsal_is_marked_in_english(tmp_path):
    period = build_period(tmp_path, "en")
    with smtp_server(tmp_path) as server:
        send(period, server, test_to="hr-check@test.example.com", employee_ids=["E001"])
        msg = server.received[0].message
    assert server.received[0].rcpt_tos == ["hr-check@test.example.com"]
    assert msg["Subject"].startswith("[Rehearsal] Test Commerce")
    assert "[Rehearsal: when sent for real, this message goes to zhangwei@example.com]" in msg.get_body().get_content()


def test_a_bilingual_period_mails_chinese_then_english(tmp_path):
    period = build_period(tmp_path, "zh-en", company="测试电商有限公司")
    with smtp_server(tmp_path) as server:
        msg = send(period, server, test_to="hr-check@test.example.com", employee_ids=["E001"])["hr-check@test.example.com"]
    zh_subject, en_subject = msg["Subject"].split(" / ")
    assert zh_subject == "[演练] 测试电商有限公司 2026年10月绩效考核结果 - 张伟"
    assert en_subject == "测试电商有限公司 appraisal results for October 2026 - 张伟"  # the rehearsal mark once
    body = msg.get_body().get_content()
    chinese, english = body.split(BILINGUAL_SEPARATOR.strip("\n"))
    assert "张伟（工号 E001）" in chinese and "请于2026年11月13日前以书面形式向人事部门提出申诉" in chinese
    assert "【演练邮件" in chinese and "[Rehearsal:" in english
    # the English version is English: the default department's name too, only names and typed words stay
    assert "Dear 张伟" in english and "in writing to the HR Department by 13 November 2026" in english
    assert not CJK.search(without_typed_text(english, "测试电商有限公司"))
    assert [p.get_filename() for p in msg.iter_attachments()] == ["绩效考核表-Scorecard-2026-10-E001-张伟.xlsx"]


def test_the_company_policy_words_print_as_typed_in_both_versions(tmp_path):
    period = build_period(tmp_path, "zh-en", extra=[["人事部门名称", "人力资源部"], ["申诉方式", "通过 OA 系统"]])
    report = send_results(period, SmtpConfig(sender="hr@test.example.com"), employee_ids=["E001"],
                          attach=("scorecards",))
    body = report.outgoing[0].message.get_body().get_content()
    chinese, english = body.split(BILINGUAL_SEPARATOR.strip("\n"))
    assert "交回人力资源部" in chinese and "前通过 OA 系统申诉" in chinese
    assert "return it to 人力资源部" in english and "appeal 通过 OA 系统 by 13 November 2026" in english


def test_a_chinese_period_is_unchanged_but_for_the_date(tmp_path):
    period = build_period(tmp_path, "zh", company="测试电商有限公司")
    report = send_results(period, SmtpConfig(sender="hr@test.example.com"), employee_ids=["E001"],
                          attach=("scorecards",))
    msg = report.outgoing[0].message
    assert msg["Subject"] == "测试电商有限公司 2026年10月绩效考核结果 - 张伟"
    body = msg.get_body().get_content()
    assert "请于2026年11月13日前以书面形式向人事部门提出申诉" in body and BILINGUAL_SEPARATOR not in body
    assert not re.search(r"[A-Za-z]{4,}", body)
    assert report.outgoing[0].attachments == ("绩效考核表-2026-10-E001-张伟.xlsx",)


@pytest.mark.parametrize(("code", "name"), [("zh", "绩效考核结果确认书"), ("en", "Appraisal-letter"),
                                            ("zh-en", "绩效考核结果确认书-Appraisal-letter")])
def test_the_letter_is_named_in_the_language(tmp_path, code, name):
    period = build_period(tmp_path, code)
    person = read_manifest(period).recipients[0]
    (period / person.files["letters"]).parent.mkdir(exist_ok=True)
    (period / person.files["letters"]).write_bytes(b"%PDF-1.7 stand-in")
    report = send_results(period, SmtpConfig(sender="hr@test.example.com"), employee_ids=[person.employee_id])
    assert report.outgoing[0].attachments == (f"{name}-2026-10-{person.employee_id}-{person.name}.pdf",)
    assert attachment_name("letters", Language(code)) == name


def test_a_company_template_gets_lang_say_and_t(tmp_path):
    period = build_period(tmp_path, "zh-en")
    own = tmp_path / "templates"
    own.mkdir()
    (own / "email_subject.txt.j2").write_text('{{ t("考核结果", "Appraisal results") }} {{ period_label }}',
                                              encoding="utf-8")
    (own / "email_body.txt.j2").write_text('{{ lang.code }} {{ prose }}: {{ say("您好", "Hello") }} {{ name }}\n',
                                           encoding="utf-8")
    report = send_results(period, SmtpConfig(sender="hr@test.example.com"), employee_ids=["E001"],
                          attach=("scorecards",), templates=own)
    msg = report.outgoing[0].message
    assert msg["Subject"] == "考核结果 Appraisal results 2026年10月 / 考核结果 Appraisal results October 2026"
    assert msg.get_body().get_content() == f"zh-en zh: 您好 张伟\n{BILINGUAL_SEPARATOR}zh-en en: Hello 张伟\n"


def test_the_send_report_speaks_the_period_language(tmp_path):
    period = build_period(tmp_path, "en")
    with smtp_server(tmp_path) as server:
        send(period, server, employee_ids=["E001"])
        config = SmtpConfig(host=server.host, port=server.port, user=server.user, sender="hr@test.example.com",
                            cafile=str(server.cafile))
        again = send_results(period, replace(config, rate_limit=10_000), send=True, password=server.password,
                             employee_ids=["E001"], attach=("scorecards",))
    assert again.skipped == [("E001", "sent before")] and again.language == Language("en")
