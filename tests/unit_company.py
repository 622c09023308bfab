"""The fixture company (conftest.BASE) with the units of 篇七's cascade, numbers chosen to be worked by hand.

测试集团 (JT) → 华东公司 (HD) → 客服部 (HD_KF: E001–E003) and 运营部 (HD_YY: E004), and
华南公司 (HN), a peer of HD with one department and no people.  Every department plan covers
the four dimensions.  test_units.py works the scores out.
"""

from __future__ import annotations

import copy

from tests.conftest import BASE

UNIT_SHEETS = {
    "组织": [
        ["单位代码", "单位名称", "层级", "上级单位", "负责人", "负责人工号"],
        ["JT", "测试集团", "集团", None, "韩总", None],
        ["HD", "华东公司", "区域公司", "JT", "孙总", None],
        ["HN", "华南公司", "区域公司", "JT", "钱总", None],
        ["HD_KF", "客服部", "部门", "HD", "陈主管", None],
        ["HD_YY", "运营部", "部门", "HD", "赵经理", "E004"],
        ["HN_KF", "客服部", "部门", "HN", "吴主管", None],
    ],
    "单位方案": [
        ["单位代码", "期限", "行代码", "维度", "类别", "考核项目", "指标代码", "权重", "评分方法", "目标值", "下限", "封顶",
         "评分标准", "支撑上级指标", "原目标值", "调整原因", "批准人"],
        ["JT", None, "JT_GMV", None, "KPI", "集团成交额", "gmv", "70%", "达成率", 10000000, None, "120%", None, None, None, None, None],
        ["JT", None, "JT_CSAT", None, "KPI", "集团满意度", "csat", "10%", "达标制", 95, None, None, None, None, None, None, None],
        ["JT", None, "JT_TEAM", None, "重点工作", "组织建设", None, "20%", "评级", None, None, None, None, None, None, None, None],
        ["HD", None, "HD_GMV", None, "KPI", "区域成交额", "gmv", "60%", "达成率", 6000000, None, "120%", None, "JT_GMV",
         6500000, "市场重大变化", "韩总"],
        ["HD", None, "HD_CONV", None, "KPI", "区域转换率", "conversion", "40%", "线性", "4%", "2%", "100%", None, None, None, None, None],
        ["HN", None, "HN_GMV", None, "KPI", "区域成交额", "gmv", "100%", "达成率", 4000000, None, "120%", None, "JT_GMV", None, None, None],
        ["HD_KF", None, "KF_GMV", "规模与盈利", "KPI", "客服成交额", "gmv", "30%", "达成率", 1000000, None, "120%", None, "HD_GMV", None, None, None],
        ["HD_KF", None, "KF_CSAT", "客户", "KPI", "满意度", "csat", "30%", "达标制", 95, None, None, None, None, None, None, None],
        ["HD_KF", None, "KF_RESP", "内部运营", "KPI", "平均响应时间", "response_time", "20%", "达成率", 30, None, "120%", None, None, None, None, None],
        ["HD_KF", None, "KF_TEAM", "人与组织", "重点工作", "团队建设", None, "20%", "评级", None, None, None, None, None, None, None, None],
        ["HD_YY", None, "YY_CONV", "规模与盈利", "KPI", "部门转换率", "conversion", "50%", "线性", "4%", "2%", "100%", None, "HD_CONV", None, None, None],
        ["HD_YY", None, "YY_CSAT", "客户", "KPI", "满意度", "csat", "20%", "达标制", 95, None, None, None, None, None, None, None],
        ["HD_YY", None, "YY_RESP", "内部运营", "KPI", "平均响应时间", "response_time", "10%", "达成率", 30, None, "120%", None, None, None, None, None],
        ["HD_YY", None, "YY_TEAM", "人与组织", "重点工作", "团队建设", None, "20%", "评级", None, None, None, None, None, None, None, None],
        ["HN_KF", None, "KF_GMV", "规模与盈利", "KPI", "客服成交额", "gmv", "40%", "达成率", 800000, None, "120%", None, "HN_GMV", None, None, None],
        ["HN_KF", None, "KF_CSAT", "客户", "KPI", "满意度", "csat", "20%", "达标制", 95, None, None, None, None, None, None, None],
        ["HN_KF", None, "KF_RESP", "内部运营", "KPI", "平均响应时间", "response_time", "20%", "达成率", 30, None, "120%", None, None, None, None, None],
        ["HN_KF", None, "KF_TEAM", "人与组织", "重点工作", "团队建设", None, "20%", "评级", None, None, None, None, None, None, None, None],
    ],
    "单位数据": [
        ["单位代码", "单位名称", "gmv", "csat", "uv", "buyers", "response_seconds"],
        ["JT", "测试集团", 9000000, 96, None, None, None],
        ["HD", "华东公司", 6600000, None, 200000, 7000, None],
        ["HN", "华南公司", 2400000, None, None, None, None],
        ["HD_KF", "客服部", 900000, 94, None, None, 24],
        ["HD_YY", "运营部", None, 97, 50000, 1500, 40],
        ["HN_KF", "客服部", 1000000, 96, None, None, 30],
    ],
    "单位评分": [
        ["单位代码", "考核项目", "评分", "评分人"],
        ["JT", "组织建设", 4, "董事会"],
        ["HD_KF", "团队建设", 4, "孙总"],
        ["HD_YY", "团队建设", 5, "孙总"],
        ["HN_KF", "团队建设", 3, "钱总"],
    ],
}


def unit_sheets() -> dict:
    """BASE with the units, 度量定义 and 指标库 extended by the unit measures, and people's lines aligned."""
    sheets = {**copy.deepcopy(BASE), **copy.deepcopy(UNIT_SHEETS)}
    sheets["度量定义"] += [["gmv", "成交额", "金额"], ["csat", "满意度", "数值"]]
    plans = sheets["考核方案"]
    plans[0].append("支撑上级指标")
    for row in plans[1:]:
        row.append({"及时响应时间": "KF_RESP", "订单转换率": "YY_CONV"}.get(row[3]))
    return sheets
