"""Build the demo input workbook ``sample_inputs/appraisal-2026-10.xlsx``.

A fictional e-commerce company (杭州云栖电子商务有限公司) with two regional
companies, five departments each, the five roles and KPI library of the seed's
篇四, attendance and weekly reports of 篇二, the operations director of 篇五,
customer-service pay of 篇六 and the plan structure of 篇七.

Run ``python sample_inputs/make_sample.py``.  The output is deterministic: the
bulk numbers come from a seeded generator, the edge cases are written by hand,
and the zip entries and document properties carry fixed timestamps.  The script
checks its own data and prints each employee's score as the engine would
compute it, so the edge cases can be seen at a glance.
"""

from __future__ import annotations

import ast
import datetime as dt
import io
import operator
import random
import re
import zipfile
from decimal import Decimal as D
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

OUT = Path(__file__).with_name("appraisal-2026-10.xlsx")
FIXED_TIME = dt.datetime(2026, 11, 3, 9, 0, 0)
PERIOD, PERIOD_END = "2026-10", dt.date(2026, 10, 31)
DOMAIN = "yunqi.example.com"

SETTINGS = [
    ("公司名称", "杭州云栖电子商务有限公司"), ("考核期间", PERIOD), ("币种", "CNY"),
    ("考核日期", dt.date(2026, 11, 6)), ("申诉截止日期", dt.date(2026, 11, 13)),
    ("考核人", "部门负责人"), ("人事负责人", "人事行政部 周敏"), ("公共提成比例", D("0.005")),
    ("连续第一奖励", 200), ("连续月数", 3), ("缺勤上限月数", 2),
    ("工龄工资每年", 50), ("工龄工资上限", 500),
    ("邮件服务器", "smtp.exmail.qq.com"), ("邮件端口", 465), ("加密方式", "SSL"),
    ("邮箱账号", "hr@yunqi.example.com"), ("发件人", "hr@yunqi.example.com"), ("发件人名称", "人事行政部"),
    ("每分钟发送上限", 30),
]

# code, name, kind, source
MEASURES = [
    ("pv", "浏览量", "次数", "生意参谋"), ("uv", "访客数", "次数", "生意参谋"),
    ("buyers", "成交人数", "次数", "生意参谋"), ("gmv", "成交额", "金额", "生意参谋"),
    ("dwell_seconds", "平均停留时长", "秒", "生意参谋"), ("orders", "订单数", "次数", "生意参谋"),
    ("ad_impressions", "广告展现次数", "次数", "推广后台"), ("page_arrivals", "页面到达次数", "次数", "推广后台"),
    ("single_page_visits", "单页跳出访客数", "次数", "生意参谋"), ("promo_spend", "推广费用", "金额", "推广后台"),
    ("new_uv", "新访客数", "次数", "生意参谋"), ("campaign_clicks", "活动页点击次数", "次数", "生意参谋"),
    ("campaign_orders", "活动订单数", "次数", "生意参谋"), ("campaign_gmv", "活动成交额", "金额", "生意参谋"),
    ("campaign_buyers", "活动成交人数", "次数", "生意参谋"), ("campaign_page_uv", "活动页访客数", "次数", "生意参谋"),
    ("campaign_cost", "活动投入成本", "金额", "财务部"), ("response_seconds", "平均响应时间", "秒", "客服系统"),
    ("forbidden_phrases", "违规用语次数", "次数", "客服质检"), ("bad_reviews", "服务差评次数", "次数", "客服系统"),
    ("served_uv", "接待访客数", "次数", "客服系统"), ("paid_uv", "付款访客数", "次数", "客服系统"),
    ("converted_orders", "咨询转换单量", "次数", "客服系统"), ("own_gmv", "个人成交额", "金额", "客服系统"),
    ("team_avg_gmv", "客服部人均成交额", "金额", "客服系统"), ("returns", "退货单量", "次数", "客服系统"),
    ("exchanges", "换货单量", "次数", "客服系统"), ("refund_uv", "退款访客数", "次数", "客服系统"),
    ("design_items", "设计需求数", "次数", "设计任务单"), ("design_on_time", "按时交付数", "次数", "设计任务单"),
    ("design_approved", "一次通过数", "次数", "设计任务单"), ("design_logs", "设计日志条数", "次数", "设计日志"),
    ("company_gmv", "公司月度成交额", "金额", "财务部"), ("company_gmv_target", "公司月度销售目标", "金额", "经营计划"),
    ("company_campaign_gmv", "公司活动成交额", "金额", "财务部"),
    ("company_campaign_target", "公司活动销售目标", "金额", "经营计划"),
]
ATTENDANCE_MEASURES = {"late", "early_leave", "leave_days", "reports_due", "reports_submitted"}
BUILTIN_MEASURES = {"bonus_points", "penalty_points"}
FUNCTIONS = {"MIN", "MAX", "IF", "ABS", "ROUND", "IFERROR"}

OPS, PROMO, CAMP, CS, DES, DIR = "运营专员", "推广专员", "活动策划专员", "在线客服专员", "平面设计专员", "运营总监"
# code, name, formula, unit, direction, definition (篇四), source, role
KPIS = [
    ("pv_total", "浏览量PV", "pv", "次", "高优", "一个独立访客在24小时内访问网店页面的数量，重复访问同一页面只计算一次", "生意参谋", OPS),
    ("pv_per_uv", "人均浏览量PV/UV", "pv / uv", "页", "高优", "即人均访问页面量，直观反映网店的顾客粘度", "生意参谋", OPS),
    ("buyer_count", "成交人数", "buyers", "人", "高优", "即实际发生购买的人数", "生意参谋", OPS),
    ("conversion", "订单转换率", "buyers / uv", "%", "高优", "即成交人数/UV，双向考核指标", "生意参谋", OPS),
    ("sales_gmv", "成交额GMV", "gmv", "元", "高优", "网店单位时间内的销售额，以客户最终付款为定义标准，是目标管理的最核心KPI指标", "生意参谋", OPS),
    ("avg_dwell", "平均停留时长", "dwell_seconds", "秒", "高优", "反映顾客粘度的重要指标，可反映页面布局、内容、商品丰富度、栏目导航等状况", "生意参谋", OPS),
    ("aov", "客单价", "gmv / buyers", "元", "高优", "每独立访客在一次购物时的成交额，计算公式为成交金额/成交人数", "生意参谋", OPS),
    ("uv_total", "独立访客UV", "uv", "人", "高优", "网店独立访客数量（以一台终端访问为基准，不以IP为基准）", "生意参谋", PROMO),
    ("arrival_rate", "到达率", "page_arrivals / ad_impressions", "%", "高优", "页面到达次数/广告展现次数，反映广告投放获取用户的效果", "推广后台", PROMO),
    ("bounce_rate", "跳出率", "single_page_visits / uv", "%", "低优", "进入单页面后未做二次跳转的UV访客占总UV访客的比例", "生意参谋", PROMO),
    ("cost_per_uv", "平均获取成本", "promo_spend / uv", "元", "低优", "单位费用投入/单位UV量，即获取一个UV所投入的费用成本", "推广后台", PROMO),
    ("new_uv_share", "新增UV占比", "new_uv / uv", "%", "高优", "单位时间内新增加的顾客比例", "生意参谋", PROMO),
    ("click_rate", "平均点击率", "campaign_clicks / uv", "%", "高优", "每单位UV点击活动页面的次数（点击次数/UV量）", "生意参谋", CAMP),
    ("campaign_order_share", "活动订单比例", "campaign_orders / orders", "%", "高优", "活动期间促销活动订单占总订单数量的比例", "生意参谋", CAMP),
    ("campaign_gmv_share", "活动成交额比例", "campaign_gmv / gmv", "%", "高优", "活动期间活动订单成交额占订单成交额的比例", "生意参谋", CAMP),
    ("campaign_conversion", "活动订单转换率", "campaign_buyers / campaign_page_uv", "%", "高优", "促销活动成交人数/访问活动页面UV量", "生意参谋", CAMP),
    ("roi", "活动ROI", "campaign_gmv / campaign_cost", "倍", "高优", "成交额/活动投入成本，考核活动费用的控制情况", "财务部", CAMP),
    ("response_time", "及时响应时间", "response_seconds", "秒", "低优", "顾客咨询时客服人员的响应时间，原则上不超过30秒", "客服系统", CS),
    ("forbidden_count", "服务态度（违规用语）", "forbidden_phrases", "次", "低优", "主要针对违规用语进行考核，原则上每月不能超过5次", "客服质检", CS),
    ("bad_review_count", "差评次数", "bad_reviews", "次", "低优", "由于服务态度问题而造成的顾客差评", "客服系统", CS),
    ("consult_conversion", "咨询转换率", "paid_uv / served_uv", "%", "高优", "当月成功付款的UV数/当月接待的总UV数×100%", "客服系统", CS),
    ("sales_share", "成交额转换率", "own_gmv / team_avg_gmv", "%", "高优", "当月个人成交金额/当月客服部平均成交金额×100%", "客服系统", CS),
    ("return_rate", "退货率", "returns / converted_orders", "%", "低优", "退单量/咨询转换单量，以顾客接货后开始计算", "客服系统", CS),
    ("exchange_rate", "换货率", "exchanges / converted_orders", "%", "低优", "换单量/咨询转换单量，以顾客接货后开始计算", "客服系统", CS),
    ("refund_rate", "退款率", "refund_uv / paid_uv", "%", "低优", "退款UV量/接待的付款UV总量", "客服系统", CS),
    ("on_time_rate", "设计及时率", "design_on_time / design_items", "%", "高优", "以设计项目分配设计时间为基准，考核设计人员工作效率", "设计任务单", DES),
    ("approval_rate", "设计通过率", "design_approved / design_items", "%", "高优", "以设计项目的通过比例为基准，考核设计人员的工作质量", "设计任务单", DES),
    ("design_log_count", "设计日志", "design_logs", "条", "高优", "每天设计的页面及图片整理成日志备份，作为考核工作量的重要指标", "设计日志", DES),
    ("design_item_count", "设计需求完成数", "design_items", "项", "高优", "当月完成并交付的设计需求数量", "设计任务单", DES),
    ("company_gmv_rate", "销售计划完成率", "company_gmv / company_gmv_target", "%", "高优", "公司月度成交额/月度销售目标", "财务部", DIR),
    ("campaign_sales_rate", "活动销售目标完成率", "company_campaign_gmv / company_campaign_target", "%", "高优", "运营活动成交额/活动销售目标", "财务部", DIR),
    ("attendance_deduction", "考勤扣分", "(late + early_leave) * 2 + leave_days", "分", "低优", "迟到早退减2分/次，有效请假减1分/天", "考勤系统", ""),
    ("weekly_report_rate", "周报提交率", "reports_submitted / reports_due", "%", "高优", "把职能分类别每个星期向主管以文档的形式汇报", "OA系统", ""),
]
KPI = {k[0]: k for k in KPIS}


def P(pct):
    """'3.5%' -> Decimal('0.035'): percentages stay exact until they are written."""
    return D(pct.rstrip("%")) / 100


def L(cat, item, kpi, weight, method, target=None, floor=None, cap=None, std="", sup="", step=None, adj=None):
    """One plan line; weight/cap as percent strings, ``adj`` = (original target, reason, approver)."""
    return dict(cat=cat, item=item, kpi=kpi, weight=P(weight) if weight else None, method=method, target=target,
                floor=floor, cap=P(cap) if cap else None, std=std, sup=sup, step=step, adj=adj)


KEY_GOAL = {OPS: "双11预热期店铺运营方案落地", PROMO: "双11引流投放计划执行", CAMP: "双11活动方案策划与执行",
            CS: "双11大促客服预案与话术更新", DES: "双11活动视觉设计交付"}
RATE_BY = "主管按1–5分评定"
RATING_STD = RATE_BY + "：5分超出预期，4分完全达到，3分基本达到，2分部分达到，1分未达到；得分=评分/5×权重"


def common_lines(role):
    return [
        L("重点工作", KEY_GOAL[role], None, "10%", "评级", 5, std=RATING_STD),
        L("工作能力", "工作能力", None, "8%", "评级", 5, std="专业知识、学习能力、沟通技巧及语言文字表达能力，" + RATE_BY),
        L("工作态度", "工作态度", None, "8%", "评级", 5, std="积极性、主动性、责任感、信息反馈的及时性，" + RATE_BY),
        L("周报", "周报提交", "weekly_report_rate", "4%", "达成率", P("100%"), std="每周以文档形式向主管汇报；实交/应交×权重"),
        L("考勤", "考勤", "attendance_deduction", "10%", "扣分制", step=1, std="迟到早退每次扣2分，有效请假每天扣1分，扣完为止"),
        L("加减分", "自愿性任务加分", "bonus_points", None, "加分", cap="20%", std="自愿承担网站下发的任务，经批准加分，合计最多+20分"),
        L("加减分", "违规扣分", "penalty_points", None, "加分", std="违反公司制度或客户投诉经核实的扣分，不设上限"),
    ]


PLANS = {
    OPS: [
        L("KPI", "成交额GMV", "sales_gmv", "20%", "达成率", 500000, cap="120%", sup="区域公司月度成交额",
          std="实际成交额/目标×权重，封顶120%（10月目标因平台流量规则调整由60万元下调为50万元）",
          adj=(600000, "市场重大变化", "沈国华")),
        L("KPI", "订单转换率", "conversion", "10%", "达成率", P("3.5%"), sup="运营部订单转换率", std="实际转换率/3.5%×权重，封顶100%"),
        L("KPI", "客单价", "aov", "8%", "达成率", 200, std="实际客单价/200元×权重，封顶100%"),
        L("KPI", "成交人数", "buyer_count", "7%", "达成率", 2500, std="实际成交人数/2500×权重，封顶100%"),
        L("KPI", "人均浏览量PV/UV", "pv_per_uv", "8%", "线性", 4, floor=2, std="人均浏览2页得0分，4页及以上得满分，其间按比例"),
        L("KPI", "平均停留时长", "avg_dwell", "7%", "达标制", 90, std="平均停留时长≥90秒得满分，否则0分"),
    ],
    PROMO: [
        L("KPI", "独立访客UV", "uv_total", "15%", "达成率", 50000, cap="110%", sup="运营部成交人数", std="实际UV/5万×权重，封顶110%"),
        L("KPI", "到达率", "arrival_rate", "10%", "达成率", P("3%"), std="实际到达率/3%×权重，封顶100%"),
        L("KPI", "跳出率", "bounce_rate", "12%", "线性", P("45%"), floor=P("70%"), std="跳出率≥70%得0分，≤45%得满分，其间按比例"),
        L("KPI", "平均获取成本", "cost_per_uv", "12%", "达成率", D("1.20"), sup="推广部费用预算", std="目标成本1.20元/实际成本×权重，封顶100%"),
        L("KPI", "新增UV占比", "new_uv_share", "11%", "达成率", P("40%"), std="实际占比/40%×权重，封顶100%"),
    ],
    CAMP: [
        L("KPI", "平均点击率", "click_rate", "10%", "达成率", P("35%"), std="实际点击率/35%×权重，封顶100%"),
        L("KPI", "活动订单比例", "campaign_order_share", "10%", "线性", P("30%"), floor=P("10%"), std="10%得0分，30%及以上得满分，其间按比例"),
        L("KPI", "活动成交额比例", "campaign_gmv_share", "12%", "达成率", P("30%"), sup="运营总监活动销售目标", std="实际比例/30%×权重，封顶100%"),
        L("KPI", "活动订单转换率", "campaign_conversion", "12%", "达成率", P("5%"), std="实际转换率/5%×权重，封顶100%"),
        L("KPI", "活动ROI", "roi", "16%", "达成率", 5, cap="120%", std="实际ROI/5×权重，封顶120%"),
    ],
    CS: [
        L("KPI", "及时响应时间", "response_time", "10%", "达标制", 30, std="平均响应时间≤30秒得满分，否则0分"),
        L("KPI", "服务态度（违规用语）", "forbidden_count", "8%", "达标制", 5, std="当月违规用语≤5次得满分，否则0分"),
        L("KPI", "差评次数", "bad_review_count", "8%", "达成率", 2, std="目标2次/实际次数×权重，封顶100%；无差评得满分"),
        L("KPI", "咨询转换率", "consult_conversion", "10%", "达成率", P("45%"), std="实际转换率/45%×权重，封顶100%"),
        L("KPI", "成交额转换率", "sales_share", "12%", "达成率", P("100%"), cap="120%", sup="客服部成交额", std="个人成交额/部门人均×权重，封顶120%"),
        L("KPI", "退货率", "return_rate", "6%", "线性", P("3%"), floor=P("10%"), std="退货率≥10%得0分，≤3%得满分，其间按比例"),
        L("KPI", "退款率", "refund_rate", "6%", "达成率", P("5%"), std="目标5%/实际退款率×权重，封顶100%"),
    ],
    DES: [
        L("KPI", "设计及时率", "on_time_rate", "18%", "达成率", P("95%"), std="实际及时率/95%×权重，封顶100%"),
        L("KPI", "设计通过率", "approval_rate", "18%", "线性", P("90%"), floor=P("60%"), std="通过率60%得0分，90%及以上得满分，其间按比例"),
        L("KPI", "设计日志", "design_log_count", "14%", "达成率", 100, cap="120%", std="日志条数/100×权重，封顶120%"),
        L("KPI", "设计需求完成数", "design_item_count", "10%", "达成率", 40, sup="设计部需求交付量", std="完成需求数/40×权重，封顶100%"),
    ],
}
for _role in PLANS:
    PLANS[_role] += common_lines(_role)
DIRECTOR_ID = "HZ0001"
DIRECTOR_PLAN = [
    L("KPI", "销售计划完成率", "company_gmv_rate", "30%", "达成率", P("100%"), cap="120%", sup="集团年度销售目标",
      std="业绩指标：公司成交额/月度销售目标×权重，封顶120%"),
    L("KPI", "活动销售目标完成率", "campaign_sales_rate", "25%", "线性", P("100%"), floor=P("60%"),
      sup="集团年度活动销售目标", std="业绩指标：完成率60%得0分，100%及以上得满分，其间按比例"),
    L("重点工作", "团队建设", None, "15%", "评级", 5, std="管理指标：运营队伍配置、梯队建设与团队稳定性；" + RATE_BY),
    L("重点工作", "制度建设", None, "10%", "评级", 5, std="管理指标：运营中心规章制度与活动审批流程的制定和执行；" + RATE_BY),
    L("重点工作", "人才培养", None, "10%", "评级", 5, std="管理指标：新人带教、骨干培养与内部分享；" + RATE_BY),
    L("考勤", "考勤", "attendance_deduction", "10%", "扣分制", step=1, std="迟到早退每次扣2分，有效请假每天扣1分，扣完为止"),
    L("加减分", "自愿性任务加分", "bonus_points", None, "加分", cap="20%", std="经总经理批准的专项任务加分，合计最多+20分"),
    L("加减分", "违规扣分", "penalty_points", None, "加分", std="违反公司制度经核实的扣分"),
]

# grade, name, min, max, pay coefficient, training, promotion, level change, salary change, failing
GRADES = [
    ("S", "优秀", 90, None, "120%", "选修提升课程", "优先晋升", "可升一级", "上调 5%", "否"),
    ("A", "良好", 80, 90, "110%", "常规在岗培训", "具备晋升资格", "保持", "上调 2%", "否"),
    ("B", "合格", 70, 80, "100%", "针对性技能培训", "暂不晋升", "保持", "不调整", "否"),
    ("C", "待改进", 60, 70, "80%", "强化培训（每月不少于8学时）", "不得晋升", "保持（观察期）", "下调 5%", "否"),
    ("D", "不合格", 0, 60, "0%", "脱岗强化培训", "不得晋升", "降一级", "下调 10%", "是"),
]

# company, ID prefix, department, role, manager, "姓名 拼音" ...
ORG = [
    ("华东公司", "HZ", "运营部", OPS, "林海峰", "林海峰 linhaifeng,周子涵 zhouzihan,吴俊杰 wujunjie,郑雨桐 zhengyutong,冯嘉怡 fengjiayi,蒋浩然 jianghaoran"),
    ("华东公司", "HZ", "推广部", PROMO, "赵俊", "韩志强 hanzhiqiang,杨晓雯 yangxiaowen,朱明轩 zhumingxuan,秦诗琪 qinshiqi,许鹏飞 xupengfei"),
    ("华东公司", "HZ", "活动策划部", CAMP, "孙悦", "何佳琪 hejiaqi,吕文涛 lvwentao,施雨萱 shiyuxuan,张子豪 zhangzihao"),
    ("华东公司", "HZ", "客服部", CS, "刘洋", "沈梦婷 shenmengting,孔晓燕 kongxiaoyan,曹雪 caoxue,严丽娟 yanlijuan,华宇航 huayuhang,金雅琴 jinyaqin"),
    ("华东公司", "HZ", "设计部", DES, "王强", "魏思远 weisiyuan,陶欣然 taoxinran,姜博文 jiangbowen,戚晓彤 qixiaotong"),
    ("华南公司", "GZ", "运营部", OPS, "黄志明", "谢伟明 xieweiming,邹美玲 zoumeiling,喻俊豪 yujunhao,柏嘉欣 baijiaxin,罗志坚 luozhijian"),
    ("华南公司", "GZ", "推广部", PROMO, "郑凯", "窦凯文 doukaiwen,章慧敏 zhanghuimin,苏浩宇 suhaoyu,潘晓东 panxiaodong,葛伟 gewei"),
    ("华南公司", "GZ", "活动策划部", CAMP, "何丽", "奚梓萱 xizixuan,范晓琳 fanxiaolin,彭家乐 pengjiale,鲁嘉豪 lujiahao"),
    ("华南公司", "GZ", "客服部", CS, "梁静怡", "韦秀珍 weixiuzhen,马丽华 malihua,苗晓慧 miaoxiaohui,方婉婷 fangwanting,俞佳 yujia"),
    ("华南公司", "GZ", "设计部", DES, "许文博", "任思彤 rensitong,袁梓航 yuanzihang,柳一鸣 liuyiming,唐欣怡 tangxinyi"),
]
PAY_RANGE = {OPS: (7000, 10000), PROMO: (6500, 9500), CAMP: (6500, 9500), CS: (4200, 5800), DES: (6000, 9000)}
POOLS = {"华东客服": 2400000, "华南客服": 1860000}
# 篇五: year sales target/actual, reward rate, campaign target/actual, rate, threshold
ANNUAL_REWARD = [31200000, 28460000, D("0.003"), 8000000, 8350000, D("0.005"), D("0.8")]

# Hand-written edge cases (IDs follow from ORG order).
STAR, MATERNITY, FAILING, NEW_HIRE, NO_BAD_REVIEW, BIG_BONUS = "HZ0016", "HZ0017", "GZ0010", "GZ0023", "GZ0017", "HZ0009"
MEASURE_OVERRIDES = {
    STAR: dict(served_uv=2650, paid_uv=1590, converted_orders=1672, own_gmv=318640.00, response_seconds=16.2,
               forbidden_phrases=0, bad_reviews=0, returns=22, exchanges=15, refund_uv=30),
    FAILING: dict(ad_impressions=1820000, page_arrivals=38500, uv=33200, single_page_visits=23900,
                  promo_spend=56400.00, new_uv=8300),
    NO_BAD_REVIEW: dict(bad_reviews=0),
}
ATTENDANCE_OVERRIDES = {STAR: (0, 0, 0, 4, 4), FAILING: (2, 1, 1, 4, 2), MATERNITY: (0, 0, 17, 0, 0)}
RATING_OVERRIDES = {STAR: (5, 5, 5), FAILING: (2, 2, 1)}
ADJUSTMENTS = [
    (STAR, "双11值班支援", 8), (BIG_BONUS, "双11值班支援", 8), (BIG_BONUS, "协助直播间场控", 6),
    (BIG_BONUS, "流程优化建议被采纳", 5), (BIG_BONUS, "新员工带教", 3),
    (FAILING, "未经审批超预算投放", -3), ("GZ0019", "违规用语被客户投诉", -3),
]
VOLUNTARY = [("双11值班支援", 5), ("双11值班支援", 8), ("协助直播间场控", 4), ("新员工带教", 3),
             ("流程优化建议被采纳", 5), ("协助仓库发货高峰", 6)]

# ----------------------------------------------------------------------------- generation


def make_employees(rng):
    emps = []
    for company, prefix, dept, role, manager, names in ORG:
        for entry in names.split(","):
            name, pinyin = entry.split()
            n = sum(e["id"].startswith(prefix) for e in emps) + 1
            e = dict(id=f"{prefix}{n:04d}", name=name, email=f"{pinyin}@{DOMAIN}", company=company, dept=dept,
                     role=role, manager=manager, absent=0, seniority=None, sales=None, rate=None, pool=None,
                     q=max(0.78, min(1.18, rng.gauss(0.94, 0.08))),
                     hire=dt.date(2016, 3, 1) + dt.timedelta(days=rng.randint(0, 3700)))
            lo, hi = PAY_RANGE[role]
            e["pay"] = rng.randrange(lo, hi + 1, 100)
            if role == CS:
                e.update(rate=D("0.01"), pool=company[:2] + "客服")
            emps.append(e)
    by_id = {e["id"]: e for e in emps}
    by_id[DIRECTOR_ID].update(role=DIR, manager="沈国华", pay=15000, hire=dt.date(2017, 5, 8), q=1.0)
    by_id[STAR].update(q=1.2, hire=dt.date(2019, 4, 15), pay=5600)
    by_id[MATERNITY].update(absent=3, hire=dt.date(2020, 6, 1))
    by_id[FAILING].update(q=0.7, hire=dt.date(2025, 11, 3))
    by_id[NEW_HIRE].update(hire=dt.date(2026, 9, 7), pay=6000)
    for eid in ("HZ0007", "GZ0001"):  # veterans on the old seniority scheme, amount fixed in their contract
        by_id[eid].update(seniority=400, hire=dt.date(2016, 7, 1))
    return emps


def gen_measures(e, r):
    q, role = e["q"], e["role"]
    u = r.uniform
    if role == OPS:
        uv = r.randint(55000, 85000)
        buyers = round(uv * 0.035 * q * u(0.93, 1.07))
        return dict(pv=round(uv * 3.6 * q * u(0.9, 1.1)), uv=uv, buyers=buyers,
                    gmv=round(buyers * 200 * (0.5 + q / 2) * u(0.9, 1.1), 2), dwell_seconds=round(95 * q * u(0.85, 1.15)))
    if role == PROMO:
        imp = r.randint(1600000, 2400000)
        arrivals = round(imp * 0.03 * q * u(0.92, 1.08))
        uv = round(arrivals * u(0.8, 0.9))
        return dict(ad_impressions=imp, page_arrivals=arrivals, uv=uv,
                    single_page_visits=round(uv * min(0.85, 0.48 / q * u(0.9, 1.1))),
                    promo_spend=round(uv * 1.15 / q * u(0.9, 1.1), 2), new_uv=round(uv * 0.40 * q * u(0.9, 1.1)))
    if role == CAMP:
        uv = r.randint(50000, 80000)
        orders = round(uv * u(0.033, 0.04))
        clicks = round(uv * 0.36 * q * u(0.9, 1.1))
        c_orders = round(orders * 0.30 * q * u(0.9, 1.1))
        c_gmv = round(c_orders * u(165, 195), 2)
        page_uv = round(clicks * u(0.55, 0.65))
        return dict(uv=uv, orders=orders, gmv=round(orders * u(180, 210), 2), campaign_clicks=clicks,
                    campaign_orders=c_orders, campaign_gmv=c_gmv, campaign_page_uv=page_uv,
                    campaign_buyers=min(c_orders, round(page_uv * 0.052 * q * u(0.9, 1.1))),
                    campaign_cost=round(c_gmv / (5.2 * q * u(0.9, 1.1)), 2))
    if role == CS:
        served = r.randint(1900, 2600)
        paid = round(served * 0.45 * q * u(0.92, 1.08))
        conv = round(paid * u(1.02, 1.10))
        return dict(served_uv=served, paid_uv=paid, converted_orders=conv, own_gmv=round(conv * u(140, 170), 2),
                    response_seconds=round(24 / q * u(0.8, 1.2), 1),
                    forbidden_phrases=r.choice([0, 0, 1, 1, 2, 3, 4]) + (r.randint(1, 3) if q < 0.9 else 0),
                    bad_reviews=r.choice([0, 1, 1, 2, 2, 3]), returns=round(conv * 0.035 / q * u(0.8, 1.2)),
                    exchanges=round(conv * 0.02 * u(0.8, 1.2)), refund_uv=round(paid * 0.045 / q * u(0.8, 1.2)))
    if role == DES:
        items = r.randint(34, 48)
        return dict(design_items=items, design_on_time=min(items, round(items * 0.93 * q * u(0.95, 1.05))),
                    design_approved=min(items, round(items * 0.82 * q * u(0.92, 1.08))),
                    design_logs=round(items * 2.4 * q * u(0.9, 1.1)))
    return {}


def generate(rng):
    emps = make_employees(rng)
    by_id = {e["id"]: e for e in emps}
    for e in emps:
        e["m"] = gen_measures(e, rng)
        e["m"].update(MEASURE_OVERRIDES.get(e["id"], {}))
        late = rng.choices([0, 1, 2, 3], [55, 28, 12, 5])[0]
        early = rng.choices([0, 1], [88, 12])[0]
        leave = rng.choices([0, 0.5, 1, 2, 3], [55, 12, 18, 10, 5])[0]
        e["att"] = ATTENDANCE_OVERRIDES.get(e["id"], (late, early, leave, 4, 4 if rng.random() < 0.85 else 3))
    by_id[MATERNITY]["m"] = {}  # on maternity leave since August: no data this month
    for company in ("华东公司", "华南公司"):  # team average for 成交额转换率, over the CS staff at work
        team = [e for e in emps if e["company"] == company and e["role"] == CS and e["m"]]
        avg = round(sum(e["m"]["own_gmv"] for e in team) / len(team), 2)
        for e in team:
            e["m"]["team_avg_gmv"] = avg
            e["sales"] = e["m"]["own_gmv"]
    ops = [e for e in emps if e["company"] == "华东公司" and e["role"] in (OPS, CAMP)]
    by_id[DIRECTOR_ID]["m"] = dict(
        company_gmv=round(sum(e["m"]["gmv"] for e in ops if e["role"] == OPS), 2), company_gmv_target=2050000,
        company_campaign_gmv=round(sum(e["m"]["campaign_gmv"] for e in ops if e["role"] == CAMP), 2),
        company_campaign_target=470000)
    adjustments = [(eid, item, pts) for eid, item, pts in ADJUSTMENTS]
    hand = {a[0] for a in ADJUSTMENTS} | {MATERNITY, DIRECTOR_ID}
    for e in rng.sample([e for e in emps if e["id"] not in hand], 12):
        item, pts = rng.choice(VOLUNTARY)
        adjustments.append((e["id"], item, pts))
    for e in emps:
        items = [ln["item"] for ln in plan_for(e) if ln["method"] == "评级"]
        if e["absent"] > 2:
            e["ratings"] = {}
            continue
        base = [max(1, min(5, round(3 + (e["q"] - 0.9) * 8 + rng.gauss(0, 0.6)))) for _ in items]
        e["ratings"] = dict(zip(items, RATING_OVERRIDES.get(e["id"], base), strict=True))
    return emps, adjustments


def plan_for(e):
    return DIRECTOR_PLAN if e["id"] == DIRECTOR_ID else PLANS[e["role"]]


# ----------------------------------------------------------------------------- scoring (the engine's rules)

def names_in(formula):
    return set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", formula)) - FUNCTIONS


def evaluate(formula, env):
    """Arithmetic over measure names, + - * / and MIN/MAX: enough for the library's formulas."""
    ops = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}

    def ev(n):
        if isinstance(n, ast.Constant):
            return float(n.value)
        if isinstance(n, ast.Name):
            return float(env[n.id])
        if isinstance(n, ast.BinOp) and type(n.op) in ops:
            return ops[type(n.op)](ev(n.left), ev(n.right))
        if isinstance(n, ast.Call) and n.func.id in ("MIN", "MAX"):
            return (min if n.func.id == "MIN" else max)(ev(x) for x in n.args)
        raise ValueError(f"unsupported expression in {formula!r}")
    return ev(ast.parse(formula, mode="eval").body)


def line_points(ln, value):
    w = float(ln["weight"] or 0) * 100
    cap = float(ln["cap"]) if ln["cap"] is not None else 1.0
    t = float(ln["target"]) if ln["target"] is not None else None
    higher = KPI[ln["kpi"]][4] == "高优" if ln["kpi"] in KPI else True
    m = ln["method"]
    if m == "达成率":
        pts = w * min(value / t, cap) if higher else w * (cap if value <= 0 else min(t / value, cap))
    elif m == "线性":
        f = float(ln["floor"])
        pts = w * max(0.0, min((value - f) / (t - f), cap))
    elif m == "达标制":
        pts = w if (value >= t if higher else value <= t) else 0.0
    elif m == "扣分制":
        pts = max(0.0, w - value * float(ln["step"] or 1))
    elif m == "评级":
        pts = w * min(value / t, 1.0)
    else:  # 加分
        pts = min(value, cap * 100) if ln["cap"] is not None else value
    return round(pts + 1e-9, 2)


def score(e, adjustments):
    late, early, leave, due, done = e["att"]
    mine = [p for eid, _, p in adjustments if eid == e["id"]]
    env = dict(e["m"], late=late, early_leave=early, leave_days=leave, reports_due=due, reports_submitted=done,
               bonus_points=sum(p for p in mine if p > 0), penalty_points=sum(p for p in mine if p < 0))
    total = 0.0
    for ln in plan_for(e):
        if ln["method"] == "评级":
            value = e["ratings"][ln["item"]]
        else:
            value = evaluate(KPI[ln["kpi"]][2], env) if ln["kpi"] in KPI else env[ln["kpi"]]
        total += line_points(ln, value)
    return round(max(0.0, total), 2)


def grade_of(total):
    return next(g for g in GRADES if total >= g[2])


def rank(emps, key):
    out = {}
    for group in {(e["company"], e["dept"]) for e in emps}:
        members = sorted((e for e in emps if (e["company"], e["dept"]) == group and key(e) is not None),
                         key=lambda e: -key(e))
        out.update({e["id"]: i + 1 for i, e in enumerate(members)})
    return out


def make_history(rng, emps):
    hist = {}
    for period, start in (("2026-08", dt.date(2026, 8, 31)), ("2026-09", dt.date(2026, 9, 30))):
        totals = {}
        for e in emps:
            if e["hire"] > start or e["absent"] > 2:
                continue
            totals[e["id"]] = round(max(61.0, min(99.0, (e["total"] or 80) + rng.gauss(0, 4))), 1)
        group = lambda x: (x["company"], x["dept"])  # noqa: E731
        peers = {g: [e for e in emps if group(e) == g and e["id"] in totals] for g in {group(e) for e in emps}}
        for e in emps:
            others = [totals[x["id"]] for x in peers[group(e)] if x is not e]
            if e["id"] == STAR:  # first in August and September too
                totals[STAR] = round(max(others) + rng.uniform(1, 3), 1)
            elif e.get("rank") == 1 and period == "2026-09" and others:  # nobody else gets a 3-month streak
                totals[e["id"]] = round(max(others) - rng.uniform(0.5, 3), 1)
        totals[FAILING] = {"2026-08": 54.5, "2026-09": 51.0}[period]
        ranks = rank([e for e in emps if e["id"] in totals], lambda e, t=totals: t[e["id"]])
        hist[period] = {eid: (t, grade_of(t)[0], ranks[eid]) for eid, t in totals.items()}
    return hist


def seniority_pay(e):
    if e["seniority"] is not None:
        return e["seniority"]
    years = PERIOD_END.year - e["hire"].year - ((PERIOD_END.month, PERIOD_END.day) < (e["hire"].month, e["hire"].day))
    return min(50 * years, 500)


def monthly_pay(e, emps, hist):
    if e["total"] is None:
        return None
    coef = float(P(grade_of(e["total"])[4]))
    pay = e["pay"] + seniority_pay(e)
    if e["role"] == CS:
        n = sum(1 for x in emps if x["pool"] == e["pool"] and x["total"] is not None)
        pay += round(e["sales"] * float(e["rate"]) * coef, 2) + round(POOLS[e["pool"]] * 0.005 / n, 2)
    if e["rank"] == 1 and all(hist[p].get(e["id"], (0, 0, 0))[2] == 1 for p in hist):
        pay += 200
    return round(pay, 2)


# ----------------------------------------------------------------------------- reviews

FACT = {
    OPS: lambda m: f"本月负责店铺成交额{m['gmv'] / 1e4:.1f}万元，完成目标的{m['gmv'] / 500000:.0%}，订单转换率{m['buyers'] / m['uv']:.2%}。",
    PROMO: lambda m: f"本月引入访客{m['uv']:,}人，平均获取成本{m['promo_spend'] / m['uv']:.2f}元，跳出率{m['single_page_visits'] / m['uv']:.1%}。",
    CAMP: lambda m: f"本月活动ROI为{m['campaign_gmv'] / m['campaign_cost']:.1f}，活动成交额占店铺成交额的{m['campaign_gmv'] / m['gmv']:.1%}。",
    CS: lambda m: f"本月平均响应时间{m['response_seconds']:.1f}秒，咨询转换率{m['paid_uv'] / m['served_uv']:.1%}，服务差评{m['bad_reviews']}次。",
    DES: lambda m: f"本月完成设计需求{m['design_items']}项，按时交付率{m['design_on_time'] / m['design_items']:.1%}，一次通过率{m['design_approved'] / m['design_items']:.1%}。",
    DIR: lambda m: f"本月华东公司成交额{m['company_gmv'] / 1e4:.1f}万元，完成月度销售目标的{m['company_gmv'] / m['company_gmv_target']:.1%}；活动成交额完成目标的{m['company_campaign_gmv'] / m['company_campaign_target']:.1%}。",
}
TIER = {
    "S": ["各项指标全面超额完成，是部门的标杆。", "业绩突出，多项指标位居部门前列。"],
    "A": ["整体完成情况良好，核心指标达到或接近目标。", "工作扎实，大部分指标完成较好。"],
    "B": ["整体达到岗位基本要求，但部分指标与目标仍有差距。", "完成了主要工作，个别指标波动较大。"],
    "C": ["多项指标未达目标，需要引起重视。", "核心指标完成偏低，工作方法有待改进。"],
    "D": ["核心指标大幅未达标，本月考核不合格。"],
}
ATTITUDE = {5: "工作积极主动，双11筹备期间多次主动加班支援。", 4: "工作态度认真，能及时向主管反馈问题。",
            3: "工作态度尚可，主动性还可以进一步提高。", 2: "工作主动性和责任心不足，需及时调整状态。"}
IMPROVE = {
    OPS: ["下月重点优化主推商品详情页的关联推荐，提升客单价。", "每周复盘一次流量与转化数据，及时发现异常。",
          "配合活动策划部做好双11返场活动的商品准备。", "优化店铺首页导航与栏目布局，延长访客停留时长。"],
    PROMO: ["调整直通车关键词出价结构，控制平均获取成本。", "针对高跳出率的投放渠道做落地页测试，提升访客质量。",
            "加强新客人群定向投放，提高新增UV占比。", "每周输出投放效果周报，与运营部对齐引流节奏。"],
    CAMP: ["活动方案上线前增加一次小流量测试，提升活动页点击率。", "做好活动费用预算与过程监控，提高ROI。",
           "加强活动复盘，沉淀双11活动的可复用玩法。", "与设计部提前锁定活动视觉排期，避免上线延误。"],
    CS: ["熟练掌握双11活动规则与常见问题话术，缩短响应时间。", "对照质检报告逐条纠正违规用语。",
         "提升催付与关联推荐技巧，提高咨询转换率。", "准确告知顾客缺货、断码、物流等信息，降低退款率。"],
    DES: ["合理拆分设计任务并提前预留修改时间，保证按时交付。", "设计前与需求方确认要点，提高一次通过率。",
          "坚持每日整理设计日志并归档源文件。", "学习详情页转化设计案例，提升视觉表达能力。"],
}
TIER_PLAN = {"S": "下月可在部门例会上分享工作经验，带动团队提升。", "C": "主管每两周进行一次一对一辅导，跟进改进效果。",
             "D": "下月制定书面改进计划，由主管每周跟进辅导，并安排脱岗强化培训。"}
HAND_REVIEWS = {
    STAR: ("连续三个月部门考核排名第一，零差评，个人成交额位居客服部首位。双11预售期间主动承担夜班值守，是客服团队的标杆。",
           "下月牵头整理双11高频问题话术库，并在部门例会上分享经验。继续保持零差评，协助主管带教新同事。"),
    FAILING: ("连续三个月考核不合格，访客质量与获取成本均明显落后于部门水平。本月还出现未经审批超预算投放，迟到早退较多。",
              "下月制定书面改进计划，由部门负责人每周跟进，并安排脱岗强化培训。人事行政部将按制度对连续不合格情况进行复核。"),
    MATERNITY: ("2026年8月起休产假，考评期内累计缺岗超过2个月，按制度不参与本期考核。",
                "返岗后由主管安排一周岗位适应与业务培训，再恢复正常考核。"),
    DIRECTOR_ID: ("运营团队梯队基本健全，活动审批制度已发布试行，双11筹备节奏总体可控。",
                  "加快运营助理岗位的人才储备，完善新人培养方案。双11结束后组织各部门复盘，修订活动费用管控制度。"),
}
INTERVIEW_DAYS = [dt.date(2026, 11, d) for d in (5, 6, 9, 10)]


def make_review(rng, e):
    reviewer = e["manager"]
    if e["total"] is None:
        return (reviewer, *HAND_REVIEWS[e["id"]], None)
    g = grade_of(e["total"])[0]
    fact = FACT[e["role"]](e["m"])
    if e["id"] in HAND_REVIEWS:
        comment, plan = HAND_REVIEWS[e["id"]]
        return reviewer, fact + comment, plan, rng.choice(INTERVIEW_DAYS)
    prefix = "作为9月新入职员工，" if e["hire"] >= dt.date(2026, 9, 1) else ""
    attitude = ATTITUDE[max(2, e["ratings"]["工作态度"])]
    comment = prefix + fact + rng.choice(TIER[g]) + attitude
    plan = "".join(rng.sample(IMPROVE[e["role"]], 2)) + TIER_PLAN.get(g, "")
    if prefix:
        plan += "试用期内由主管安排带教，尽快熟悉公司设计规范与品牌视觉标准。"
    return reviewer, comment, plan, rng.choice(INTERVIEW_DAYS)


# ----------------------------------------------------------------------------- checks

def check(emps, adjustments):
    measure_codes = {m[0] for m in MEASURES}
    known = measure_codes | ATTENDANCE_MEASURES | BUILTIN_MEASURES
    for code, _, formula, *_ in KPIS:
        assert code not in measure_codes, f"KPI code {code} collides with a measure code"
        assert names_in(formula) <= known, f"KPI {code}: undefined names {names_in(formula) - known}"
    plans = dict(PLANS, **{DIRECTOR_ID: DIRECTOR_PLAN})
    for owner, lines in plans.items():
        total = sum((ln["weight"] for ln in lines if ln["method"] != "加分"), D(0))
        assert total == D(1), f"plan {owner}: weights sum to {total}"
        for ln in lines:
            assert ln["method"] == "评级" or ln["kpi"] in KPI or ln["kpi"] in known, (owner, ln["item"])
    ids = [e["id"] for e in emps]
    assert len(set(ids)) == len(ids) and len({e["email"] for e in emps}) == len(emps)
    for e in emps:
        assert e["id"] == DIRECTOR_ID or e["role"] in PLANS, f"{e['id']}: role {e['role']} has no plan"
        assert dt.date(2016, 1, 1) <= e["hire"] <= dt.date(2026, 12, 31) and 4000 <= e["pay"] <= 15000
        assert set(e["m"]) <= measure_codes
        if e["absent"] <= 2:
            for ln in plan_for(e):
                if ln["method"] == "评级":
                    assert 1 <= e["ratings"].get(ln["item"], 0) <= 5, f"{e['id']}: no rating for {ln['item']}"
                elif ln["kpi"] in KPI:
                    missing = names_in(KPI[ln["kpi"]][2]) - set(e["m"]) - ATTENDANCE_MEASURES - BUILTIN_MEASURES
                    assert not missing, f"{e['id']}: missing measures {missing}"
    assert {a[0] for a in adjustments} <= set(ids)
    assert 45 <= len(emps) <= 60


# ----------------------------------------------------------------------------- workbook

HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
MONEY, PCT, DATE, TEXT = "#,##0.00", "0.00%", "yyyy-mm-dd", "@"
FORMATS = {"工号": TEXT, "适用员工": TEXT, "考核期间": TEXT, "岗位工资": MONEY, "工龄工资": MONEY, "个人销售额": MONEY,
           "个人提成比例": PCT, "公共销售业绩总额": MONEY, "年销售目标": MONEY, "年销售实绩": MONEY, "活动销售目标": MONEY,
           "活动销售实绩": MONEY, "销售奖励比例": PCT, "活动奖励比例": PCT, "达成率门槛": "0%", "绩效系数": "0%",
           "权重": "0%", "封顶": "0%", **{m[0]: MONEY for m in MEASURES if m[2] == "金额"}}
WIDTHS = {"项目": 16, "值": 30, "邮箱": 30, "入职日期": 12, "面谈日期": 12, "度量代码": 24, "指标代码": 22,
          "指标名称": 20, "计算公式": 44, "指标定义": 60, "考核项目": 28, "评分标准": 60, "支撑上级指标": 22,
          "考核评语": 70, "改进计划": 70, "事项": 24, "培训强度": 28}


def add_sheet(wb, title, headers, rows):
    """Header row in bold, then rows; a cell given as (value, format) overrides the column's format."""
    ws = wb.create_sheet(title)
    ws.append(headers)
    for c in ws[1]:
        c.font, c.fill = Font(bold=True), HEAD_FILL
    for r, row in enumerate(rows, start=2):
        for c, v in enumerate(row, start=1):
            v, fmt = v if isinstance(v, tuple) else (v, FORMATS.get(headers[c - 1]))
            if v is None or v == "":
                continue
            cell = ws.cell(row=r, column=c, value=float(v) if isinstance(v, D) else v)
            fmt = DATE if isinstance(v, dt.date) else fmt
            if fmt:
                cell.number_format = fmt
    for i, h in enumerate(headers, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = WIDTHS.get(h, max(10, 2 * len(h) + 4))
    ws.freeze_panes = "A2"


def fmt_target(ln, v):
    unit = KPI[ln["kpi"]][3] if ln["kpi"] in KPI else ""
    return None if v is None else (v, PCT if unit == "%" else MONEY if unit == "元" else "General")


def plan_rows(owner_role, owner_id, lines):
    rows = []
    for ln in lines:
        orig, reason, approver = ln["adj"] or (None, None, None)
        rows.append([owner_role, owner_id, ln["cat"], ln["item"], ln["kpi"], ln["weight"], ln["method"],
                     fmt_target(ln, ln["target"]), fmt_target(ln, ln["floor"]), ln["cap"], ln["step"],
                     ln["std"], ln["sup"], fmt_target(ln, orig), reason, approver])
    return rows


INTRO = [
    "杭州云栖电子商务有限公司 2026年10月 月度绩效考核输入数据（演示用，全部为虚构数据）",
    "",
    "公司简介：杭州云栖电子商务有限公司为虚构的多平台服饰家居电商企业，下设华东公司（杭州）与华南公司（广州）两个区域公司，"
    "各设运营部、推广部、活动策划部、客服部、设计部；华东公司运营部由运营总监林海峰（HZ0001）负责。",
    "本文件：人事行政部于2026年11月初汇总的10月考核数据，供 reporter 生成考核表、考核结果确认书、目标责任书与人事汇总表。",
    "各工作表：设置（考核期间、日期、提成与工龄规则）、员工、度量定义、指标库（篇四的岗位KPI）、考核方案（岗位方案与运营总监个人方案）、"
    "月度数据（每个度量一列，列名为度量代码）、考勤（迟到、早退、请假、周报）、评分（评级类项目1–5分）、评语、加减分、等级、提成池、年度奖励、历史（8月、9月结果）。",
    "权重：每个方案中 KPI、重点工作、工作能力、工作态度、周报(4%)、考勤(10%) 合计100%；自愿性任务加分另计，最多+20分（100%+20%）。",
    "",
    "需要人事留意的情况：",
    f"· {STAR} 沈梦婷：8月、9月部门排名第一，本月再次第一，符合连续3个月第一的一次性奖励200元。",
    f"· {FAILING} 葛伟：8月、9月考核不合格(D)，本月再次不合格，需人事复核（制度原文为“自动请辞”，由人决定）。",
    f"· {MATERNITY} 孔晓燕：2026年8月起休产假，缺勤月数3，本期不参与考核，8月、9月亦无考核结果。",
    f"· {NEW_HIRE} 唐欣怡：2026年9月7日入职的新员工，仅有9月历史结果。",
    f"· {NO_BAD_REVIEW} 苗晓慧：本月零差评（低优指标取值为0）。 {BIG_BONUS} 朱明轩：自愿性任务加分合计22分，按方案封顶20分。",
    "· 运营专员“成交额GMV”目标因平台流量规则调整（市场重大变化）由60万元下调为50万元，经沈国华批准。",
    "",
    "所有姓名、工号、邮箱均为虚构；邮箱使用 example.com 保留域名，不会发送到真实地址。",
]


def write_workbook(emps, adjustments, hist, reviews):
    wb = Workbook()
    ws = wb.active
    ws.title = "说明"
    for line in INTRO:
        ws.append([line])
        ws.cell(row=ws.max_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 120
    ws["A1"].font = Font(bold=True, size=14)

    setting_fmt = {"公共提成比例": PCT, "连续第一奖励": MONEY, "工龄工资每年": MONEY, "工龄工资上限": MONEY, "考核期间": TEXT}
    by_id = {e["id"]: e for e in emps}
    codes = [m[0] for m in MEASURES]
    sheets = [
        ("设置", ["项目", "值"], [[k, (v, setting_fmt.get(k))] for k, v in SETTINGS]),
        ("员工", ["工号", "姓名", "邮箱", "公司", "部门", "岗位", "直属上级", "入职日期", "岗位工资", "工龄工资", "缺勤月数",
                "个人销售额", "个人提成比例", "公共提成池"],
         [[e["id"], e["name"], e["email"], e["company"], e["dept"], e["role"], e["manager"], e["hire"], e["pay"],
           e["seniority"], e["absent"], e["sales"], e["rate"], e["pool"]] for e in emps]),
        ("度量定义", ["度量代码", "度量名称", "类型", "数据来源"], [list(m) for m in MEASURES]),
        ("指标库", ["指标代码", "指标名称", "计算公式", "单位", "方向", "指标定义", "数据来源", "适用岗位"], [list(k) for k in KPIS]),
        ("考核方案", ["适用岗位", "适用员工", "类别", "考核项目", "指标代码", "权重", "评分方法", "目标值", "下限", "封顶",
                  "每单位分值", "评分标准", "支撑上级指标", "原目标值", "调整原因", "批准人"],
         [r for role, lines in PLANS.items() for r in plan_rows(role, None, lines)]
         + plan_rows(None, DIRECTOR_ID, DIRECTOR_PLAN)),
        ("月度数据", ["工号", "姓名", *codes], [[e["id"], e["name"], *(e["m"].get(c) for c in codes)] for e in emps]),
        ("考勤", ["工号", "姓名", "迟到次数", "早退次数", "请假天数", "周报应交", "周报实交"],
         [[e["id"], e["name"], *e["att"]] for e in emps]),
        ("评分", ["工号", "姓名", "考核项目", "评分"],
         [[e["id"], e["name"], item, r] for e in emps for item, r in e["ratings"].items()]),
        ("评语", ["工号", "姓名", "考核人", "考核评语", "改进计划", "面谈日期"],
         [[e["id"], e["name"], *reviews[e["id"]]] for e in emps]),
        ("加减分", ["工号", "姓名", "事项", "分值", "批准人"],
         [[eid, by_id[eid]["name"], item, pts, by_id[eid]["manager"]] for eid, item, pts in adjustments]),
        ("等级", ["等级", "等级名称", "分数下限", "分数上限", "绩效系数", "培训强度", "职位晋升", "岗位级别", "岗位工资调整",
                "不及格"], [[g, n, lo, hi, P(c), *rest] for g, n, lo, hi, c, *rest in GRADES]),
        ("提成池", ["提成池", "公共销售业绩总额", "提成比例"], [[k, v, None] for k, v in POOLS.items()]),
        ("年度奖励", ["工号", "姓名", "年销售目标", "年销售实绩", "销售奖励比例", "活动销售目标", "活动销售实绩", "活动奖励比例",
                  "达成率门槛"], [[DIRECTOR_ID, by_id[DIRECTOR_ID]["name"], *ANNUAL_REWARD]]),
        ("历史", ["考核期间", "工号", "姓名", "总分", "等级", "部门排名"],
         [[p, e["id"], e["name"], *hist[p][e["id"]]] for p in sorted(hist) for e in emps if e["id"] in hist[p]]),
    ]
    for title, headers, rows in sheets:
        add_sheet(wb, title, headers, rows)
    wb.properties.creator = wb.properties.lastModifiedBy = "人事行政部"
    wb.properties.title = "2026年10月绩效考核输入"
    wb.properties.created = wb.properties.modified = FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)
    return deterministic_zip(buf.getvalue())


def deterministic_zip(data):
    """openpyxl stamps the save time into the zip entries and core.xml; pin both."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), body)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(entry, body)
    return out.getvalue()


# ----------------------------------------------------------------------------- main

def main():
    rng = random.Random(20261001)
    emps, adjustments = generate(rng)
    check(emps, adjustments)
    for e in emps:
        e["total"] = score(e, adjustments) if e["absent"] <= 2 else None
    ranks = rank(emps, lambda e: e["total"])
    for e in emps:
        e["rank"] = ranks.get(e["id"])
    hist = make_history(rng, emps)
    reviews = {e["id"]: make_review(rng, e) for e in emps}

    by_id = {e["id"]: e for e in emps}
    assert by_id[STAR]["rank"] == 1 and grade_of(by_id[STAR]["total"])[0] == "S"
    assert grade_of(by_id[FAILING]["total"])[0] == "D" and all(hist[p][FAILING][1] == "D" for p in hist)
    assert by_id[MATERNITY]["total"] is None and by_id[NO_BAD_REVIEW]["m"]["bad_reviews"] == 0

    data = write_workbook(emps, adjustments, hist, reviews)
    tmp = OUT.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(OUT)

    print(f"{'公司':<6}{'部门':<7}{'工号':<8}{'姓名':<5}{'岗位':<8}{'总分':>7} 等级 排名 {'月薪':>10}  备注")
    for e in emps:
        streak = e["rank"] == 1 and all(hist[p].get(e["id"], (0, 0, 0))[2] == 1 for p in hist)
        failing3 = e["total"] is not None and grade_of(e["total"])[0] == "D" and all(
            hist[p].get(e["id"], (0, "", 0))[1] == "D" for p in hist)
        notes = [n for n, on in (("连续第一+200", streak), ("连续不及格", failing3), ("不参与考核", e["total"] is None),
                                  ("新入职", e["hire"] >= dt.date(2026, 9, 1))) if on]
        total = "—" if e["total"] is None else f"{e['total']:.2f}"
        grade = "—" if e["total"] is None else grade_of(e["total"])[0]
        pay = monthly_pay(e, emps, hist)
        print(f"{e['company']:<6}{e['dept']:<7}{e['id']:<8}{e['name']:<5}{e['role']:<8}{total:>7}  {grade}  "
              f"{e['rank'] or '—':>3} {'—' if pay is None else f'{pay:,.2f}':>10}  {' '.join(notes)}")
    grades = [grade_of(e["total"])[0] for e in emps if e["total"] is not None]
    print("等级分布:", " ".join(f"{g}={grades.count(g)}" for g, *_ in GRADES), f"；写入 {OUT}")

if __name__ == "__main__":
    main()
