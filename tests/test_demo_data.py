"""The synthetic group of reporter.samples.demo_data: valid, deterministic, with its edge cases."""

import openpyxl
import pytest

from reporter.input.validate import load_input
from reporter.rules.engine import score_period
from reporter.samples.demo_data import write_demo_workbook
from reporter.writers.wording import period_warnings

ROLES = {"运营专员", "推广专员", "活动策划专员", "在线客服专员", "平面设计专员"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo-200.xlsx"
    write_demo_workbook(path, 200, 7)
    inp = load_input(path)  # raises InputError on any problem
    return path, inp, score_period(inp)


def test_shape(demo):
    _, inp, _ = demo
    assert len(inp.employees) == 200
    assert len({e.employee_id for e in inp.employees}) == 200
    assert len({e.email for e in inp.employees}) == 200
    assert {e.role for e in inp.employees} >= ROLES | {"运营总监"}
    companies = {e.company for e in inp.employees}
    assert len(companies) >= 2
    assert all(e.employee_id.startswith("G") and len(e.employee_id) == 7 for e in inp.employees)
    directors = [e for e in inp.employees if e.role == "运营总监"]
    assert len(directors) == len(companies)
    assert all(inp.plans[d.employee_id].personal and d.employee_id in inp.annual_rewards for d in directors)
    assert len(inp.pools) == len(companies) and inp.history and inp.adjustments
    assert [g.grade for g in inp.grades] == ["D", "C", "B", "A", "S"]
    methods = {line.method for plan in inp.plans.values() for line in plan.lines}
    assert methods == {"achievement", "linear", "pass_fail", "deduction", "rating", "bonus"}


def test_edge_cases_fire(demo):
    _, inp, result = demo
    assert result.not_appraised and len(result.appraised) + len(result.not_appraised) == 200
    assert result.zero_divisors
    assert any("分母" in w.message and "为 0" in w.message for w in period_warnings(result))
    assert any(r.flags for r in result.appraised)
    assert any(r.pay.one_time_bonus > 0 for r in result.appraised)
    assert any(r.failing_streak >= 3 for r in result.appraised)
    assert any(m.get("bad_reviews") == 0 for m in inp.measures.values())
    assert any(e.name.startswith("=") for e in inp.employees)
    assert any(r.comment.startswith("+") for r in inp.reviews.values())


def test_formula_like_text_stays_text(demo):
    path = demo[0]
    ws = openpyxl.load_workbook(path)["员工"]
    names = [row[1] for row in ws.iter_rows(min_row=2)]
    injected = [c for c in names if isinstance(c.value, str) and c.value.startswith("=")]
    assert injected and all(c.data_type == "s" for c in injected)
    ids = [row[0] for row in ws.iter_rows(min_row=2)]
    assert all(c.data_type == "s" and c.number_format == "@" for c in ids)


def test_same_seed_same_bytes(tmp_path):
    a, b, c = tmp_path / "a.xlsx", tmp_path / "b.xlsx", tmp_path / "c.xlsx"
    write_demo_workbook(a, 300, 11)
    write_demo_workbook(b, 300, 11)
    write_demo_workbook(c, 300, 12)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_other_period(tmp_path):
    path = tmp_path / "q.xlsx"
    write_demo_workbook(path, 60, 3, period="2026-Q3")
    inp = load_input(path)
    assert inp.settings.period.key == "2026-Q3"
    assert {r.period for r in inp.history} == {"2026-Q1", "2026-Q2"}
    assert any(r.flags for r in score_period(inp).appraised)


def test_too_small(tmp_path):
    with pytest.raises(ValueError):
        write_demo_workbook(tmp_path / "small.xlsx", 5, 1)


@pytest.mark.slow  # a few seconds of CPU: the biggest workbook in the suite
def test_two_thousand_load_and_score(tmp_path):
    # No wall-clock limit here: speed is measured by bench/run.py ("validation + scoring" stage).
    path = tmp_path / "big.xlsx"
    write_demo_workbook(path, 2000, 5)
    inp = load_input(path)
    result = score_period(inp)
    assert len(result.results) == 2000


def test_same_people_every_month(tmp_path):
    """One seed, any month of the year: the same people; their months' numbers and absences differ."""
    people = {}
    for month in ("2026-01", "2026-07", "2026-12"):
        path = tmp_path / f"{month}.xlsx"
        write_demo_workbook(path, 60, 9, period=month)
        inp = load_input(path)
        assert inp.settings.period.key == month
        people[month] = inp
    first, *others = people.values()
    same = lambda inp: [(e.employee_id, e.name, e.email, e.company, e.department, e.role, e.manager,  # noqa: E731
                         e.hire_date, e.position_pay) for e in inp.employees]
    for inp in others:
        assert same(inp) == same(first)
        assert inp.measures != first.measures
    absent = {m: {e.employee_id for e in inp.employees if e.months_absent} for m, inp in people.items()}
    assert all(absent.values()) and len(set(map(frozenset, absent.values()))) > 1
