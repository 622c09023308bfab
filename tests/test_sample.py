"""The demo company of sample_inputs/: three employees worked out by hand from the seed's rules.

Every expected number below comes from the input cells and the rules of the
seed (篇二 篇四 篇五 篇六), with the arithmetic written out; none is copied
from the program's output.
"""

from decimal import Decimal as D

import pytest

from reporter.model import FAILING_STREAK, FIRST_RANK_STREAK, Flag, NotAppraised


@pytest.fixture
def sample(sample_result):
    """The demo company scored once for the whole run (conftest.sample_result)."""
    return sample_result


def result(sample, eid):
    return next(r for r in sample.results if r.employee.employee_id == eid)


def test_sample_shape(sample):
    inp = sample.input
    assert len(inp.employees) >= 40
    assert {e.company for e in inp.employees} == {"华东公司", "华南公司"}
    assert len({e.department_key for e in inp.employees}) >= 4
    roles = {e.role for e in inp.employees}
    assert roles >= {"运营专员", "推广专员", "活动策划专员", "在线客服专员", "平面设计专员"}
    assert inp.annual_rewards and inp.pools and inp.history
    assert not sample.warnings


def test_customer_service_star_hz0016(sample):
    r = result(sample, "HZ0016")
    points = [lr.points for lr in r.lines]
    assert points == [D(p) for p in (
        "10.00",  # response 16.2 s ≤ 30 s (篇四): pass → weight 10
        "8.00",   # forbidden phrases 0 ≤ 5 a month: pass → 8
        "8.00",   # bad reviews 0, lower is better: no divisor → the cap (100 %) × 8
        "10.00",  # consult conversion 1590 / 2650 = 60 % vs 45 % → 133 %, cap 100 % × 10
        "14.40",  # sales share 318,640 / 195,394.24 = 163 %, cap 120 % × 12 = 14.4
        "6.00",   # returns 22 / 1672 = 1.32 %; linear 10 % → 0, 3 % → full: 124 %, cap 100 % × 6
        "6.00",   # refunds 30 / 1590 = 1.89 % vs 5 %, lower: 5 / 1.89 = 265 %, cap 100 % × 6
        "10.00",  # key goal rated 5 / 5 × 10
        "8.00",   # ability 5 / 5 × 8
        "8.00",   # attitude 5 / 5 × 8
        "4.00",   # weekly reports 4 / 4 × 4 (篇二: 4 %)
        "10.00",  # attendance: no late, early leave or leave day → 10 (篇二: 10 %)
        "8.00",   # voluntary task +8, under the +20 cap (篇二)
        "0.00",   # no penalty
    )]
    assert r.total == D("110.40")  # 10+8+8+10+14.4+6+6+10+8+8+4+10+8+0
    assert r.grade.grade == "S" and r.department_rank == 1
    # first in her department in 2026-08 and 2026-09 (history sheet) and now: ¥200 once (篇六 第12条)
    assert r.first_rank_streak == 3 and r.pay.one_time_bonus == D("200")
    assert r.flags == (Flag(FIRST_RANK_STREAK, streak=3, threshold=3, amount=D("200")),)  # shown to her too
    # pay (篇六 第9–11条):
    # personal sales for commission are her own GMV in 月度数据 (设置 提成销售额度量 = own_gmv), the very cell
    # the sales share reads: one fact, one input cell; 员工.个人销售额 is blank
    assert (r.employee.sales_measure, r.employee.personal_sales) == ("own_gmv", D("318640"))
    assert r.pay.personal_commission == D("3823.68")  # 318,640 × 1 % = 3,186.40; × grade S coefficient 1.2 = 3,823.68
    assert r.pay.shared_commission == D("2400.00")    # 2,400,000 × 0.5 % ÷ 5 appraised (HZ0017 on leave)
    assert r.pay.shared_by == 5                       # the divisor, recorded for the writers
    assert r.pay.seniority_pay == D("350")            # hired 2019-04-15: 7 full years × ¥50
    assert r.pay.total == D("12373.68")               # 5,600 + 3,823.68 + 2,400 + 350 + 200


def test_promotion_failing_third_month_gz0010(sample):
    r = result(sample, "GZ0010")
    assert [lr.points for lr in r.lines] == [D(p) for p in (
        "9.96",   # UV 33,200 / 50,000 = 66.4 % × 15 = 9.96
        "7.05",   # arrival 38,500 / 1,820,000 = 2.115 % vs 3 % → 70.51 % × 10 = 7.051 → 7.05
        "0.00",   # bounce 23,900 / 33,200 = 71.99 %, worse than the 70 % floor → 0
        "8.48",   # cost per UV 56,400 / 33,200 = ¥1.699 vs ¥1.20, lower: 1.2 / 1.699 = 70.64 % × 12 = 8.477
        "6.88",   # new UV 8,300 / 33,200 = 25 % vs 40 % → 62.5 % × 11 = 6.875 → 6.88 (half up)
        "4.00",   # key goal rated 2 / 5 × 10
        "3.20",   # ability 2 / 5 × 8
        "1.60",   # attitude 1 / 5 × 8
        "2.00",   # weekly reports 2 / 4 × 4
        "3.00",   # attendance: (2 late + 1 early) × 2 + 1 leave day = 7 deducted from 10
        "0.00",   # no voluntary task
        "-3.00",  # penalty: over-budget spend −3
    )]
    assert r.total == D("43.17")  # 9.96+7.05+0+8.48+6.88+4+3.2+1.6+2+3+0−3
    assert r.grade.grade == "D" and r.failing_streak == 3  # D in 2026-08, 2026-09 and now → flag for HR
    assert r.flags == (Flag(FAILING_STREAK, streak=3, threshold=3, hr_only=True),)  # no bonus, for HR only
    assert r.pay.total == D("7200.00")  # position pay only: no sales, hired 2025-11 (0 full years)


def test_operations_director_hz0001(sample):
    r = result(sample, "HZ0001")
    assert [lr.points for lr in r.lines] == [D(p) for p in (
        "30.93",  # sales plan 2,113,586.21 / 2,050,000 = 103.10 % (cap 120 %) × 30 = 30.9305
        "22.57",  # campaign 451,732.92 / 470,000 = 96.11 %; linear 60 % → 0, 100 % → full: 90.28 % × 25
        "12.00",  # team building 4 / 5 × 15
        "6.00",   # rules and systems 3 / 5 × 10
        "8.00",   # talent development 4 / 5 × 10
        "9.50",   # attendance: half a day of leave → 10 − 0.5
        "0.00", "0.00",
    )]
    assert r.total == D("89.00") and r.grade.grade == "A"
    # 篇五: annual reward = company sales part + campaign part, each only above 80 % completion
    #   28,460,000 / 31,200,000 = 91.2 % ≥ 80 % → 28,460,000 × 0.3 % = 85,380
    #    8,350,000 /  8,000,000 = 104.4 % ≥ 80 % →  8,350,000 × 0.5 % = 41,750
    assert r.pay.annual_reward == D("127130.00")
    assert r.pay.total == D("15450.00")  # 15,000 + 9 full years × ¥50 (hired 2017-05-08)


def test_absent_employee_is_listed_not_scored(sample):
    r = result(sample, "HZ0017")
    assert not r.appraised and r.not_appraised_reason == NotAppraised(D("3"), D("2"))  # 3 months > limit 2


def test_department_pay_totals_add_up(sample):
    by_department: dict = {}
    for r in sample.results:
        parts = by_department.setdefault(r.employee.department_key, [D(0), D(0)])
        parts[0] += r.pay.total
        parts[1] += (r.pay.position_pay + r.pay.personal_commission + r.pay.shared_commission
                     + r.pay.seniority_pay + r.pay.one_time_bonus)
    for total, sum_of_parts in by_department.values():
        assert total == sum_of_parts and total == total.quantize(D("0.01"))
