"""One fact, one input cell: personal sales for commission taken from a 月度数据 measure (设置 提成销售额度量)."""

from __future__ import annotations

from dataclasses import replace

from reporter.model import Employee


def sales_from_measure(employees: list[Employee], code: str, measures: dict, measure_defs: dict, typed: set[str],
                       setting_row: int | None, problem) -> list[Employee]:
    """Employees whose personal sales are the measure ``code`` wherever 月度数据 has it.

    A KPI reads the same measure (customer service's own GMV for the sales share), so a correction there
    corrects the commission too. A copy typed in 员工 (``typed``: the employees whose 个人销售额 is filled)
    could silently disagree: it is refused when it differs, and a warning asks HR to clear it when it
    repeats the measure. Employees without the measure keep the 员工 column.
    """
    if not code:
        return employees
    if code not in measure_defs:
        problem(f"提成销售额度量 {code} 未在「度量定义」中定义：请填写「月度数据」中作为个人销售额的那一列的度量代码，"
                "或留空（提成取「员工」表的个人销售额）", "settings", setting_row, "commission_measure")
        return employees
    if measure_defs[code].kind != "amount":
        problem(f"提成销售额度量 {code} 的类型不是金额：个人绩效提成 = 个人销售额 × 比例 × 系数，请确认选对了度量",
                "settings", setting_row, "commission_measure", severity="warning")
    linked = []
    for e in employees:
        value = measures.get(e.employee_id, {}).get(code)
        if value is None:
            linked.append(e)
            continue
        if e.employee_id in typed:
            same = e.personal_sales == value
            said = "与之相同" if same else f"为 {e.personal_sales:,}，两者不同"
            problem(f"{e.name}（{e.employee_id}）的个人销售额取自「月度数据」的 {code}（{value:,}），此处又填写了{said}："
                    "同一事实只填一处，请清空此单元格，更正时改「月度数据」", "employees", e.row, "personal_sales",
                    severity="warning" if same else "error")
        linked.append(replace(e, personal_sales=value, sales_measure=code))
    return linked
