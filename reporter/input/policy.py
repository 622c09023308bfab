"""岗位职责: each role's rights and duties, as the company writes them in its workbook."""

from __future__ import annotations

from types import MappingProxyType

from reporter.model import RoleDuties


def role_duties(rows, roles: set[str], problem) -> MappingProxyType:
    """Rights and duties by role, in the rows' order; a role no employee holds is a warning."""
    found: dict[str, dict[str, list[str]]] = {}
    for r in rows:
        role, kind, text = (r.values.get(k) for k in ("role", "kind", "text"))
        if not role or not kind or not text:
            continue  # the reader has already reported the blank or bad cell
        if role not in roles:
            problem(f"岗位「{role}」在员工表中没有员工：请检查岗位名称是否与员工表一致",
                    "role_duties", r.number, "role", severity="warning")
        found.setdefault(role, {"right": [], "duty": []})[kind].append(text)
    return MappingProxyType({role: RoleDuties(tuple(k["right"]), tuple(k["duty"])) for role, k in found.items()})
