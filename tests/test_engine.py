"""Whole-period scoring of the small fixture company, every number worked out by hand."""

from decimal import Decimal as D

import pytest

from reporter.input.validate import load_input
from reporter.model import FAILING_STREAK, FIRST_RANK_STREAK, Flag, HistoryRecord, NotAppraised, ZeroDivisor
from reporter.rules.engine import score_period
from reporter.rules.rulebook import rule
from tests.conftest import streak_of_two


@pytest.fixture
def period(make_book):
    return score_period(load_input(make_book()))


def by_id(result, eid):
    return next(r for r in result.results if r.employee.employee_id == eid)


def test_customer_service_top_performer_by_hand(period):
    r = by_id(period, "E001")
    # response 25 s ≤ 30 s → pass: 30
    # bad reviews 0, lower is better → cap 120 % × 26 = 31.2
    # attitude 5 / 5 × 30 = 30
    # weekly reports 4 / 4 = 100 % × 4 = 4
    # attendance: 1 late × 2 + 1 leave day × 1 = 3 deducted from 10 → 7
    # voluntary tasks 15 + 8 = 23, capped at 20 % × 100 = 20; penalties 0
    assert [lr.points for lr in r.lines] == [D(x) for x in ("30", "31.2", "30", "4", "7", "20", "0")]
    assert r.total == D("122.20")  # 30 + 31.2 + 30 + 4 + 7 + 20 + 0
    assert r.grade.grade == "S"  # ≥ 90
    assert r.department_rank == 1 and r.department_size == 2  # E003 is absent, not ranked


def test_customer_service_failing_employee_by_hand(period):
    r = by_id(period, "E002")
    # response 41 s > 30 s → 0; bad reviews 4 vs target 2 → 2/4 × 26 = 13
    # attitude 3 / 5 × 30 = 18; reports 3 / 4 × 4 = 3; attendance clean → 10
    # voluntary 0; penalty −3
    assert r.total == D("41.00")  # 0 + 13 + 18 + 3 + 10 + 0 − 3
    assert r.grade.grade == "D" and r.grade.failing
    assert r.department_rank == 2


def test_operations_linear_band_by_hand(period):
    r = by_id(period, "E004")
    # conversion 1500 / 50000 = 3 %; linear 2 % → 0, 4 % → full: (3 − 2) / (4 − 2) × 60 = 30
    # ability 4 / 5 × 40 = 32
    assert r.lines[0].value == D("0.03")
    assert r.total == D("62.00") and r.grade.grade == "C"
    assert r.department_rank == 1 and r.role_rank == 1


def test_pay_by_hand(period):
    e001, e002, e003, e004 = (by_id(period, x).pay for x in ("E001", "E002", "E003", "E004"))
    # E001: grade S coefficient 120 %: 100,000 × 1 % × 1.2 = 1,200
    #       shared: 1,000,000 × 0.5 % ÷ 2 appraised pool members = 2,500
    #       seniority: hired 2020-03-01, 6 full years at 2026-10-31 × 50 = 300
    assert (e001.personal_commission, e001.shared_commission, e001.seniority_pay) == (D("1200"), D("2500"), D("300"))
    assert e001.total == D("9000.00")  # 5,000 + 1,200 + 2,500 + 300
    # E002: grade D coefficient 0 → no personal commission; 1 full year → 50
    assert e002.total == D("7050.00")  # 4,500 + 0 + 2,500 + 50
    # E003 not appraised: no shared part; 7 years × 50 = 350
    assert e003.total == D("4850.00") and e003.shared_commission == 0
    # E004: 11 years × 50 = 550, capped at 500
    assert e004.seniority_pay == D("500") and e004.total == D("8500.00")


def test_absent_more_than_two_months_not_appraised(period):
    r = by_id(period, "E003")
    assert not r.appraised and r.total is None and r.grade is None
    assert r.not_appraised_reason == NotAppraised(months_absent=D("3"), limit=D("2"))  # 3 months > 2
    assert r.flags == () and r.lines == ()


def test_department_pay_adds_up_to_the_cent(period):
    parts = ("position_pay", "personal_commission", "shared_commission", "seniority_pay", "one_time_bonus")
    for r in period.results:
        assert r.pay.total == sum(getattr(r.pay, p) for p in parts)
        assert all(getattr(r.pay, p) == getattr(r.pay, p).quantize(D("0.01")) for p in parts)


@pytest.mark.parametrize("values, value, expected", [
    ([D(90), D(80), D(80), D(70)], D(80), 2),  # ties share a rank …
    ([D(90), D(80), D(80), D(70)], D(70), 4),  # … and the next rank is skipped, like RANK.EQ
    ([D(90)], D(90), 1),
])
def test_rank_like_excel(values, value, expected):
    peers = {"peer_role": ["客服"] * len(values), "peer_rank_group": [None] * len(values), "peer_total": values}
    assert rule("role_rank").evaluate({**peers, "role": "客服", "rank_group": "", "total": value}) == expected


def test_ties_share_department_rank(base_sheets, make_book):
    base_sheets["评分"][2][2] = 5  # E002 attitude 5 → still far below E001; make them equal instead:
    for row in base_sheets["月度数据"][1:3]:
        row[2], row[3] = 25, 0
    for row in base_sheets["考勤"][1:3]:
        row[2:7] = [0, 0, 0, 4, 4]
    base_sheets["加减分"] = [base_sheets["加减分"][0]]
    result = score_period(load_input(make_book(base_sheets)))
    assert by_id(result, "E001").total == by_id(result, "E002").total
    assert by_id(result, "E001").department_rank == by_id(result, "E002").department_rank == 1


def history(*rows):
    return [HistoryRecord(p, e, D(t), g, rank) for p, e, t, g, rank in rows]


def test_three_months_first_pays_the_one_time_bonus(make_book):
    inp = load_input(make_book())
    past = history(("2026-08", "E001", "95", "S", 1), ("2026-09", "E001", "93", "S", 1))
    r = by_id(score_period(inp, past), "E001")
    assert r.first_rank_streak == 3
    assert r.pay.one_time_bonus == D("200.00") and r.pay.total == D("9200.00")
    assert r.flags == (Flag(FIRST_RANK_STREAK, streak=3, threshold=3, amount=D("200"), hr_only=False),)


@pytest.mark.parametrize("months, paid", [(1, False), (2, True), (3, False), (5, True)])
def test_bonus_once_per_full_streak(make_book, months, paid):
    """Streaks of 3 and 6 pay; 2 (with this month) and 4 do not: a one-time bonus, not a monthly one."""
    inp = load_input(make_book())
    periods = ["2026-09", "2026-08", "2026-07", "2026-06", "2026-05"][:months]
    r = by_id(score_period(inp, history(*[(p, "E001", "95", "S", 1) for p in periods])), "E001")
    assert (r.pay.one_time_bonus > 0) is paid


def test_gap_in_history_breaks_the_streak(make_book):
    inp = load_input(make_book())
    past = history(("2026-09", "E001", "95", "S", 1), ("2026-07", "E001", "93", "S", 1))
    assert by_id(score_period(inp, past), "E001").first_rank_streak == 2


def test_three_failing_months_flag_for_hr(make_book):
    inp = load_input(make_book())
    past = history(("2026-08", "E002", "50", "D", 2), ("2026-09", "E002", "55", "D", 2))
    r = by_id(score_period(inp, past), "E002")
    assert r.failing_streak == 3
    assert r.flags == (Flag(FAILING_STREAK, streak=3, threshold=3, amount=None, hr_only=True),)
    assert r.pay.one_time_bonus == 0


def test_history_sheet_feeds_the_rules(base_sheets, make_book):
    base_sheets["历史"] = [["考核期间", "工号", "总分", "等级", "部门排名"],
                         ["2026-08", "E001", 95, "S", 1], ["2026-09", "E001", 96, "S", 1]]
    r = by_id(score_period(load_input(make_book(base_sheets))), "E001")
    assert r.pay.one_time_bonus == D("200")


def test_recorded_history_wins_over_the_sheet(base_sheets, make_book):
    base_sheets["历史"] = [["考核期间", "工号", "总分", "等级", "部门排名"],
                         ["2026-08", "E001", 95, "S", 1], ["2026-09", "E001", 96, "S", 1]]
    stored = history(("2026-09", "E001", "80", "A", 2))
    r = by_id(score_period(load_input(make_book(base_sheets)), stored), "E001")
    assert r.first_rank_streak == 1 and r.pay.one_time_bonus == 0


def test_division_by_zero_scores_zero_and_warns(base_sheets, make_book):
    base_sheets["月度数据"][4][4] = 0  # E004 uv = 0 → conversion buyers / uv is defined as 0
    result = score_period(load_input(make_book(base_sheets)))
    r = by_id(result, "E004")
    assert r.lines[0].value == 0 and r.lines[0].points == 0
    assert result.zero_divisors == (ZeroDivisor("E004", "conversion", "uv"),)
    assert result.warnings == ()  # the input's own warnings: none; the engine's are facts, worded by writers


def test_streak_length_comes_from_the_setting(base_sheets, make_book):
    """连续月数 = 2: first in 2026-09 and now pays; failing in 2026-09 and now is flagged."""
    result = score_period(load_input(make_book(streak_of_two(base_sheets))))
    e001, e002 = by_id(result, "E001"), by_id(result, "E002")
    assert e001.flags == (Flag(FIRST_RANK_STREAK, streak=2, threshold=2, amount=D("200")),)
    assert e001.pay.one_time_bonus == D("200") and e001.pay.total == D("9200.00")  # 9,000 + 200
    assert e002.flags == (Flag(FAILING_STREAK, streak=2, threshold=2, hr_only=True),)


def test_absence_limit_comes_from_the_setting(base_sheets, make_book):
    base_sheets["设置"].append(["缺勤上限月数", 1])
    base_sheets["员工"][2][8] = 1.5  # E002: 1.5 months, within 2 but over 1
    result = score_period(load_input(make_book(base_sheets)))
    assert [r.employee.employee_id for r in result.not_appraised] == ["E002", "E003"]
    assert by_id(result, "E002").not_appraised_reason == NotAppraised(D("1.5"), D("1"))
    assert by_id(result, "E003").not_appraised_reason == NotAppraised(D("3"), D("1"))
