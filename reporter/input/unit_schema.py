"""The sheets of 篇七's cascade: the units (group, regional companies, departments) and their plans.

All four are optional: a workbook without 组织 appraises people only, as before,
and ``reporter init`` writes them with their headers and notes but no example
rows (docs/input.md shows a whole cascade).
With them, the group, each regional company and each department has a plan of
the same categories, methods, weights and scoring standards as a person's, each
line has a code, and a line's 支撑上级指标 names a line code of the unit above
(a person's: of the department's plan).
"""

from __future__ import annotations

from reporter.input.columns import C, Sheet

UNITS = Sheet(
    "units", "组织", "units", required=False,
    help="集团、区域公司、部门各一行。区域公司的单位名称与「员工」表的公司一致，部门的单位名称与部门一致；"
         "每位员工按其公司与部门归入一个部门单位。",
    columns=(
        C("code", "单位代码", "code", "identifier", True, "英文字母、数字、下划线，如 HD_YY"),
        C("name", "单位名称", "name", "text", True),
        C("level", "层级", "level", "level", True, "集团/区域公司/部门"),
        C("parent", "上级单位", "parent", "identifier", False, "上级单位的单位代码；集团留空"),
        C("head", "负责人", "head", "name", False, "单位负责人：单位考核结果通知书的收件人，下级单位目标调整的批准人"),
        C("head_id", "负责人工号", "head_id", "id", False, "负责人在「员工」表中的工号（可选）"),
    ),
)

UNIT_PLANS = Sheet(
    "unit_plans", "单位方案", "unit_plans", required=False,
    help="集团、区域公司、部门的考核方案，每个考核项目一行，规则与「考核方案」相同：同一单位同一期限的权重合计须为 100%，"
         "加减分项另计。行代码在本单位内唯一；「支撑上级指标」填上级单位方案的行代码。部门方案的每项须填维度，"
         "四个维度（规模与盈利、客户、内部运营、人与组织）都应覆盖。",
    columns=(
        C("unit", "单位代码", "unit", "identifier", True),
        C("term", "期限", "term", "term", False, "月度/季度/半年度/年度；留空则与考核期间相同。只有期限与考核期间相同的方案参与本期评分"),
        C("code", "行代码", "code", "identifier", True, "本单位内唯一，下级用它填写「支撑上级指标」"),
        C("dimension", "维度", "dimension", "dimension", False, "部门方案必填：规模与盈利/客户/内部运营/人与组织"),
        C("category", "类别", "category", "category", True),
        C("item", "考核项目", "item", "text", False, "项目名称；KPI 类留空则取指标名称"),
        C("kpi", "指标代码", "kpi", "identifier", False, "取值来源：指标库的指标或度量代码，数值在「单位数据」；评级类留空"),
        C("weight", "权重", "weight", "percent", False, "加减分项留空或 0", low="0", high="1"),
        C("method", "评分方法", "method", "method", True),
        C("target", "目标值", "target", "quantity", False, "评级类为满分（默认 5）"),
        C("floor", "下限", "floor", "quantity", False, "线性评分的零分点；评级的最低分（默认 1）"),
        C("cap", "封顶", "cap", "percent", False, "达成率封顶，如 120%；加分上限", low="0", high="5"),
        C("step", "每单位分值", "step", "decimal", False, "扣分制每单位扣分，默认 1"),
        C("standard", "评分标准", "standard", "text", False),
        C("supports", "支撑上级指标", "supports", "identifier", False, "上级单位方案的行代码；集团留空"),
        C("original_target", "原目标值", "original_target", "quantity", False, "目标调整时填写原值"),
        C("change_reason", "调整原因", "change_reason", "change_reason", False,
          "市场重大变化/不可抗力/批准调整"),
        C("approved_by", "批准人", "approved_by", "text", False, "目标调整须由上级单位负责人批准"),
    ),
)

UNIT_MEASURES = Sheet(
    "unit_measures", "单位数据", "unit_measures", required=False, open_columns=True,
    help="单位方案取值的数据：每个单位一行，每个度量一列，列名为「度量定义」中的度量代码，填本期合计。",
    columns=(
        C("unit", "单位代码", "unit", "identifier", True),
        C("name", "单位名称", "name", "text", False),
    ),
)

UNIT_RATINGS = Sheet(
    "unit_ratings", "单位评分", "unit_ratings", required=False,
    help="单位方案中评级类项目（如重点工作）的评分，由上级单位负责人评定，每个单位每项一行。",
    columns=(
        C("unit", "单位代码", "unit", "identifier", True),
        C("name", "单位名称", "name", "text", False),
        C("item", "考核项目", "item", "text", True),
        C("rating", "评分", "rating", "decimal", True, "须在单位方案该项的下限（默认 1）与目标值（默认 5）之间",
          low="0", high="1000"),
        C("rater", "评分人", "rater", "name", False),
    ),
)

UNIT_SHEETS = (UNITS, UNIT_PLANS, UNIT_MEASURES, UNIT_RATINGS)
