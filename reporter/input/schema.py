"""The input workbook's layout: every sheet, every column, in Chinese and English.

This table is the single description of the input. The reader uses it to map
headers and parse cells, ``reporter init`` uses it to write the blank
workbook with its instructions, and the column reference in docs/input.md is
checked against it by a test.
"""

from __future__ import annotations

from reporter.input.columns import (  # noqa: F401  (re-exported: the layout's vocabulary, imported from here)
    CATEGORIES,
    CHANGE_REASONS,
    CHOICES,
    DIMENSIONS,
    LEVELS,
    PERIOD_BOUNDS,
    YES_NO,
    C,
    Column,
    Sheet,
    bound_text,
    period_bounds,
)
from reporter.input.unit_schema import UNIT_MEASURES, UNIT_PLANS, UNIT_RATINGS, UNITS

SETTINGS = Sheet(
    "settings", "设置", "settings", key_value=True,
    help="一行一项设置：第一列为项目，第二列为值。 One setting per row: name, value.",
    columns=(
        C("company", "公司名称", "company", "text", True, "抬头公司名称", example=("示例科技有限公司",)),
        C("period", "考核期间", "period", "text", True,
          "月度 2026-10，季度 2026-Q3，半年度 2026-H1（或 2026年上半年），年度 2026", example=("2026-10",)),
        C("agreement_term", "责任书期限", "agreement_term", "term", False,
          "目标责任书的期限：月度、季度、半年度或年度，不短于考核期间；留空则与考核期间相同。期限长于考核期间时，"
          "一份责任书管整个期限（如季度期限下 10–12 月的月度考核都按同一份责任书核对）", example=("",)),
        C("currency", "币种", "currency", "text", False, "默认 CNY", example=("CNY",)),
        C("appraisal_date", "考核日期", "appraisal_date", "date", False,
          "考核实施日，应在考核期结束后次月的 5–10 日", example=("2026-11-06",)),
        C("appeal_deadline", "申诉截止日期", "appeal_deadline", "date", True,
          "员工可申诉的最后一天", example=("2026-11-13",)),
        C("unanswered_after_deadline", "逾期未回", "unanswered_after_deadline", "unanswered", False, "申诉截止日期"
          "已过仍未回复确认书：视为确认（默认，工资照常导出）或 上报（列为待处理，工资暂不导出）", example=("视为确认",)),
        C("appraiser_title", "考核人", "appraiser", "text", False, "签字栏的考核人称谓", example=("部门负责人",)),
        C("hr_signatory", "人事负责人", "hr_signatory", "text", True, "确认书签批人与邮件落款", example=("人事部门负责人",)),
        C("language", "语言", "language", "language", False,
          "文档、邮件与命令行摘要的语言：zh 中文（默认）、en 英文、zh-en 中英双语（中文，标题与栏目名下附英文）",
          example=("zh",)),
        C("hr_department", "人事部门名称", "hr_department", "text", False,
          "本公司人事部门的名称，印在目标责任书、确认书与邮件中，默认「人事部门」", example=("人事部门",)),
        C("agreement_monitor", "责任书监督", "agreement_monitor", "text", False,
          "谁对目标责任书的执行进行过程监控；留空则为「甲方负责人、」加人事部门名称"),
        C("target_setting", "目标制定说明", "target_setting", "text", False,
          "目标责任书「考核指标」一节中说明工作目标如何制定的一句话；留空则为「人事部门名称根据公司经营发展规划、"
          "参考外部市场环境制定工作目标及评分标准」"),
        C("appeal_route", "申诉方式", "appeal_route", "text", False,
          "员工如何提出申诉，印在「请于申诉截止日期前」与「申诉」之间；留空则为「以书面形式向」加人事部门名称加「提出」"),
        C("commission_measure", "提成销售额度量", "commission_measure", "identifier", False,
          "「月度数据」中作为个人销售额（个人绩效提成的基数）的度量代码，如 own_gmv：填写后，在该列有数值的员工，"
          "个人销售额取自该度量，考核指标与提成用同一个数，「员工」表的个人销售额须留空；留空则提成取「员工」表的个人销售额",
          example=("",)),
        C("shared_commission_rate", "公共提成比例", "shared_commission_rate", "percent", False,
          "公共销售提成比例，默认 0.5%", "0", "0.2", example=("0.5%",)),
        C("first_rank_bonus", "连续第一奖励", "first_rank_bonus", "money", False,
          "连续若干期（见「连续月数」）部门排名第一的一次性奖励，默认 200", "0", "100000", example=("200",)),
        C("streak_months", "连续月数", "streak_months", "count", False,
          "连续排名第一/不及格的期数，按考核期间的类型计（月度为月，季度为季度…），默认 3", "2", "12", example=("3",)),
        C("absence_limit_months", "缺勤上限月数", "absence_limit_months", "decimal", False,
          "考评期内累计未到岗超过此月数则不参与考核，默认 2", "0", "12", example=("2",)),
        C("seniority_pay_per_year", "工龄工资每年", "seniority_pay_per_year", "money", False,
          "未填工龄工资时，按满一年计此金额", "0", "100000", example=("50",)),
        C("seniority_pay_cap", "工龄工资上限", "seniority_pay_cap", "money", False,
          "按年计算的工龄工资上限", "0", "100000", example=("500",)),
        C("letterhead_image", "抬头图片", "letterhead_image", "text", False,
          "公司标志图片（PNG/JPEG，不超过 2 MB），须在本工作簿所在文件夹（或其子文件夹）中，写相对路径，如 logo.png", example=("",)),
        C("seal_image", "公章图片", "seal_image", "text", False,
          "电子公章图片（透明背景 PNG，不超过 2 MB），印在目标责任书甲方盖章处；位置要求同抬头图片", example=("",)),
        C("smtp_host", "邮件服务器", "smtp_host", "text", False, "如 smtp.exmail.qq.com；密码只从环境变量读取",
          example=("smtp.example.com",)),
        C("smtp_port", "邮件端口", "smtp_port", "count", False, "STARTTLS 常用 587，SSL 常用 465", "1", "65535",
          example=("587",)),
        C("smtp_security", "加密方式", "smtp_security", "smtp_security", False, "STARTTLS 或 SSL", example=("STARTTLS",)),
        C("smtp_user", "邮箱账号", "smtp_user", "text", False, "登录邮件服务器的账号", example=("hr@example.com",)),
        C("sender", "发件人", "sender", "email", False, "发件邮箱地址", example=("hr@example.com",)),
        C("sender_name", "发件人名称", "sender_name", "text", False, "默认为公司名称", example=("",)),
        C("unit_score_rule", "单位得分方式", "unit_score_rule", "unit_score_rule", False,
          "单位（集团、区域公司、部门）的得分：本单位方案（默认，单位方案的总分）或 与员工平均加权"
          "（单位方案总分 × 单位方案权重 + 所属员工平均总分 × (1 − 单位方案权重)）", example=("本单位方案",)),
        C("unit_own_weight", "单位方案权重", "unit_own_weight", "percent", False,
          "单位得分方式为与员工平均加权时，单位方案总分所占的权重，默认 70%", "0", "1", example=("70%",)),
        # -- 校准 (calibration before the letters go out): the target grade mix and the performance-pay budget --
        C("grade_targets", "目标等级分布", "grade_targets", "text", False,
          "公司设定的等级目标占比，如 S 10% / A 20% / B 40% / C 20% / D 10%（以 / , ； 或空格分隔）：等级须与「等级」表的"
          "等级一一对应，占比合计 100%。汇总表「校准」页与 reporter calibrate 据此标出偏离；留空则只列分布、不比较",
          example=("",)),
        C("calibration_tolerance", "校准容差", "calibration_tolerance", "percent", False,
          "某等级的实际占比与目标占比相差超过此百分点即标出（考核人的平均评分得分率与全体相差超过此百分点亦标出），"
          "默认 10%", "0", "1", example=("10%",)),
        C("performance_pay_budget", "绩效工资预算", "performance_pay_budget", "money", False,
          "本期绩效工资（个人绩效提成 + 公共绩效提成）的预算；填写后「校准」页与 reporter calibrate 比较实际合计与预算",
          "0", "1000000000", example=("",)),
        # 年度汇总 (reporter annual): the year-end roll-up over the recorded periods of a year.
        C("annual_score_rule", "年度得分方式", "annual_score_rule", "annual_score_rule", False,
          "reporter annual 的年度得分：月度平均（默认，全年已考核各期总分的平均）、季度加权（各季度已考核各期的平均，"
          "按季度权重加权；没有得分的季度不计，其余权重按比例放大）或 年度方案（该年度期间本身的总分）",
          example=("月度平均",)),
        C("quarter_weights", "季度权重", "quarter_weights", "text", False,
          "年度得分方式为季度加权时第一至第四季度的权重，四个百分比以空格分隔，合计 100%，如 20% 20% 30% 30%；"
          "默认各 25%", example=("25% 25% 25% 25%",)),
        C("annual_min_months", "年度最少考核月数", "annual_min_months", "count", False,
          "全年至少考核（已评分）的月数，达到才有年终奖；季度考核每季计 3 个月，默认 6", "0", "12", example=("6",)),
        C("annual_bonus_budget", "年终奖预算", "annual_bonus_budget", "money", False,
          "年终奖总额：每人年终奖 = 预算 × 本人（年终奖基数 × 年终奖系数）÷ 全体合计，四舍五入到分；"
          "留空则不按预算缩放，年终奖 = 年终奖基数（岗位工资）× 年终奖系数", "0.01", "100000000000", example=("",)),
        C("promotion_periods", "晋升连续期数", "promotion_periods", "count", False,
          "连续若干期获得晋升等级即列为晋升候选（仅供人事部门参考），默认 2", "1", "12", example=("2",)),
        C("promotion_grades", "晋升等级", "promotion_grades", "text", False,
          "计入晋升连续期数的等级代码，以空格分隔，如 S A；留空则为最高的两个等级", example=("",)),
        C("annual_appeal_deadline", "年度申诉截止日期", "annual_appeal_deadline", "date", False,
          "年度考核结果通知书的申诉截止日期；留空则为该年最后一个考核期间的申诉截止日期", example=("",)),
        C("rate_limit", "每分钟发送上限", "rate_limit", "count", False, "默认 30 封/分钟", "1", "10000", example=("30",)),
    ),
)

EMPLOYEES = Sheet(
    "employees", "员工", "employees",
    help="每位员工一行。工号请以文本格式录入，保留前导零。",
    columns=(
        C("employee_id", "工号", "employee_id", "id", True, "文本格式，如 000123", example=("E0001", "E0002")),
        C("name", "姓名", "name", "name", True, example=("张伟", "李娜")),
        C("email", "邮箱", "email", "email", True, "仅一个地址", example=("zhangwei@example.com", "lina@example.com")),
        C("company", "公司", "company", "text", True, "所属区域公司", example=("总公司", "总公司")),
        C("department", "部门", "department", "text", True, example=("运营部", "客服部")),
        C("role", "岗位", "role", "text", True, "须与考核方案的适用岗位一致", example=("运营专员", "运营专员")),
        C("manager", "直属上级", "manager", "text", False, example=("王强", "刘洋")),
        C("hire_date", "入职日期", "hire_date", "date", True, example=("2021-03-01", "2023-07-15")),
        C("position_pay", "岗位工资", "position_pay", "money", True, low="0", high="1000000", example=("6000", "4200")),
        C("seniority_pay", "工龄工资", "seniority_pay", "money", False,
          "留空则按设置中的每年金额计算", "0", "100000", example=("", "")),
        C("months_absent", "缺勤月数", "months_absent", "decimal", False,
          "考评期内累计未到岗月数", "0", "12", example=("0", "0")),
        C("personal_sales", "个人销售额", "personal_sales", "money", False,
          "个人绩效提成的基数；「设置」中填写了提成销售额度量时，在「月度数据」该度量有数值的员工此处留空",
          "0", "1000000000", example=("", "186000")),
        C("commission_rate", "个人提成比例", "commission_rate", "percent", False, low="0", high="0.5", example=("", "1%")),
        C("commission_pool", "公共提成池", "commission_pool", "text", False,
          "参与公共提成分配的提成池名称", example=("", "客服组")),
        C("rank_group", "排名组", "rank_group", "text", False,
          "留空则与同部门、同岗位的人一起排名；填写后只与同一排名组的人排名（如各部门负责人填「管理层」，不与下属排名）",
          example=("", "")),
    ),
)

MEASURE_DEFS = Sheet(
    "measure_defs", "度量定义", "measure_definitions",
    help="考核期数据表（月度数据）中每一列度量的说明。",
    columns=(
        C("code", "度量代码", "code", "identifier", True, "英文字母、数字、下划线", example=("uv", "buyers")),
        C("name", "度量名称", "name", "text", True, example=("访客数", "成交人数")),
        C("kind", "类型", "kind", "measure_kind", True, "次数/金额/秒/百分比/数值", example=("次数", "次数")),
        C("source", "数据来源", "source", "text", False, example=("生意参谋", "生意参谋")),
    ),
)

KPIS = Sheet(
    "kpis", "指标库", "kpis",
    help="指标 = 由度量计算的公式。公式只能用度量代码、数字、+ - * / ( ) 与 MIN MAX IF ABS ROUND IFERROR。",
    columns=(
        C("code", "指标代码", "code", "identifier", True, example=("conversion", "buyer_count")),
        C("name", "指标名称", "name", "text", True, example=("订单转换率", "成交人数")),
        C("formula", "计算公式", "formula", "formula", True, example=("buyers / uv", "buyers")),
        C("unit", "单位", "unit", "text", False, "% 元 秒 次 个 倍", example=("%", "人")),
        C("direction", "方向", "direction", "direction", True, "高优/低优", example=("高优", "高优")),
        C("definition", "指标定义", "definition", "text", False, example=("成交人数/UV", "实际发生购买的人数")),
        C("source", "数据来源", "source", "text", False, example=("生意参谋", "生意参谋")),
        C("role", "适用岗位", "role", "text", False, example=("运营专员", "运营专员")),
    ),
)

PLANS = Sheet(
    "plans", "考核方案", "plans",
    help="每个考核项目一行。适用岗位或适用员工二选一；员工方案优先于岗位方案。KPI、重点工作等权重合计须为 100%，加减分项另计。",
    columns=(
        C("role", "适用岗位", "role", "text", False, example=("运营专员", "运营专员", "运营专员", "运营专员")),
        C("employee_id", "适用员工", "employee_id", "id", False, "填写工号则为个人方案", example=("", "")),
        C("category", "类别", "category", "category", True, example=("KPI", "考勤", "工作能力", "加减分")),
        C("item", "考核项目", "item", "text", False, "项目名称；KPI 类留空则取指标名称", example=("订单转换率", "迟到", "工作能力", "自愿性任务")),
        C("kpi", "指标代码", "kpi", "identifier", False,
          "取值来源：指标库的指标代码或度量代码；评级类留空", example=("conversion", "late", "", "bonus_points")),
        C("weight", "权重", "weight", "percent", False, "加减分项留空或 0", low="0", high="1", example=("80%", "10%", "10%", "")),
        C("method", "评分方法", "method", "method", True, example=("达成率", "扣分制", "评级", "加分")),
        C("target", "目标值", "target", "quantity", False, "评级类为满分（默认 5）", example=("3.5%", "", "", "")),
        C("floor", "下限", "floor", "quantity", False, "线性评分的零分点；评级的最低分（默认 1）", example=("", "")),
        C("cap", "封顶", "cap", "percent", False, "达成率封顶，如 120%；加分上限", low="0", high="5", example=("120%", "", "", "20%")),
        C("step", "每单位分值", "step", "decimal", False, "扣分制每单位扣分，默认 1", example=("", "2", "", "")),
        C("standard", "评分标准", "standard", "text", False, example=("转换率/目标×权重，封顶120%", "迟到每次扣2分，扣完为止", "1–5 分，按评分/5×权重", "自愿性任务加分，合计最多 +20")),
        C("supports", "支撑上级指标", "supports", "text", False,
          "有「组织」表时填所在部门「单位方案」的行代码（会核对）；没有时为说明文字", example=("", "")),
        C("original_target", "原目标值", "original_target", "quantity", False, "目标调整时填写原值", example=("", "")),
        C("change_reason", "调整原因", "change_reason", "change_reason", False,
          "市场重大变化/不可抗力/批准调整", example=("", "")),
        C("approved_by", "批准人", "approved_by", "text", False, example=("", "")),
    ),
)

MEASURES = Sheet(
    "measures", "月度数据", "measures", open_columns=True,
    help="考核期内的数据（表名沿用「月度数据」，季度、年度同样填写本期合计）：每位员工一行，每个度量一列，列名为度量代码。",
    columns=(
        C("employee_id", "工号", "employee_id", "id", True, example=("E0001", "E0002")),
        C("name", "姓名", "name", "text", False, example=("张伟", "李娜")),
    ),
)

ATTENDANCE = Sheet(
    "attendance", "考勤", "attendance",
    columns=(
        C("employee_id", "工号", "employee_id", "id", True, example=("E0001", "E0002")),
        C("name", "姓名", "name", "text", False, example=("张伟", "李娜")),
        C("late", "迟到次数", "late", "count", False, high="100", example=("1", "0")),
        C("early_leave", "早退次数", "early_leave", "count", False, high="100", example=("0", "0")),
        C("leave_days", "请假天数", "leave_days", "decimal", False, "考核期内的请假天数（可为 0.5）",
          low="0", high="period_days", example=("1", "0")),
        C("reports_due", "周报应交", "reports_due", "count", False, "考核期内应交的周报数",
          high="period_weeks", example=("4", "4")),
        C("reports_submitted", "周报实交", "reports_submitted", "count", False, "考核期内实交的周报数",
          high="period_weeks", example=("4", "3")),
    ),
)

RATINGS = Sheet(
    "ratings", "评分", "ratings",
    help="评级类考核项目的评分（默认 1–5 分，可在考核方案中用下限与目标值改变），每人每项一行。",
    columns=(
        C("employee_id", "工号", "employee_id", "id", True, example=("E0001", "E0002")),
        C("name", "姓名", "name", "text", False, example=("张伟", "李娜")),
        C("item", "考核项目", "item", "text", True, example=("工作能力", "工作能力")),
        C("rating", "评分", "rating", "decimal", True, "须在考核方案该项的下限（默认 1）与目标值（默认 5）之间",
          low="0", high="1000", example=("4", "5")),
    ),
)

REVIEWS = Sheet(
    "reviews", "评语", "reviews",
    columns=(
        C("employee_id", "工号", "employee_id", "id", True, example=("E0001", "E0002")),
        C("name", "姓名", "name", "text", False, example=("张伟", "李娜")),
        C("reviewer", "考核人", "reviewer", "text", True, example=("王强", "刘洋")),
        C("comment", "考核评语", "comment", "text", False, example=("本月转化率提升明显。", "响应及时。")),
        C("improvement", "改进计划", "improvement", "text", False, example=("加强活动复盘。", "")),
        C("interview_date", "面谈日期", "interview_date", "date", False, example=("2026-11-07", "2026-11-07")),
    ),
)

ADJUSTMENTS = Sheet(
    "adjustments", "加减分", "adjustments", required=False,
    help="加分为正，扣分为负；自愿性任务加分合计不超过方案封顶（如 +20）。",
    columns=(
        C("employee_id", "工号", "employee_id", "id", True, example=("E0001",)),
        C("name", "姓名", "name", "text", False, example=("张伟",)),
        C("item", "事项", "item", "text", True, example=("双11活动志愿值班",)),
        C("points", "分值", "points", "decimal", True, low="-100", high="100", example=("5",)),
        C("approved_by", "批准人", "approved_by", "text", False, example=("王强",)),
    ),
)

GRADES = Sheet(
    "grades", "等级", "grades",
    help="五个等级，下限含、上限不含，区间首尾相接。",
    columns=(
        C("grade", "等级", "grade", "text", True, example=("B", "D")),
        C("name", "等级名称", "name", "text", True, example=("合格", "不合格")),
        C("min_score", "分数下限", "min_score", "decimal", True, low="-1000", high="1000", example=("60", "0")),
        C("max_score", "分数上限", "max_score", "decimal", False, "最高等级留空", low="-1000", high="1000", example=("", "60")),
        C("pay_coefficient", "绩效系数", "pay_coefficient", "percent", True, low="0", high="5", example=("100%", "0%")),
        C("training", "培训强度", "training", "text", False, example=("常规培训", "脱岗强化培训")),
        C("promotion", "职位晋升", "promotion", "text", False, example=("正常", "不得晋升")),
        C("level_change", "岗位级别", "level_change", "text", False, example=("不变", "降一级")),
        C("salary_change", "岗位工资调整", "salary_change", "text", False, example=("不变", "下调 10%")),
        C("failing", "不及格", "failing", "yes_no", False, example=("否", "是")),
        C("bonus_coefficient", "年终奖系数", "bonus_coefficient", "percent", False,
          "reporter annual 的年终奖系数；留空则取绩效系数", low="0", high="10", example=("", "")),
    ),
)

POOLS = Sheet(
    "pools", "提成池", "commission_pools", required=False,
    help="公共销售提成 = 公共销售业绩总额 × 比例 ÷ 参与人数。",
    columns=(
        C("pool", "提成池", "pool", "text", True, example=("客服组",)),
        C("shared_sales", "公共销售业绩总额", "shared_sales", "money", True, low="0", high="100000000000", example=("2400000",)),
        C("rate", "提成比例", "rate", "percent", False, "留空取设置中的公共提成比例", "0", "0.2", example=("",)),
    ),
)

ANNUAL_REWARDS = Sheet(
    "annual_rewards", "年度奖励", "annual_rewards", required=False,
    help="运营总监年度绩效奖励 = 企业年销售目标达成奖励 + 运营活动销售目标达成奖励。",
    columns=(
        C("employee_id", "工号", "employee_id", "id", True, example=("E0001",)),
        C("name", "姓名", "name", "text", False, example=("张伟",)),
        C("sales_target", "年销售目标", "sales_target", "money", True, low="0.01", high="100000000000", example=("30000000",)),
        C("sales_actual", "年销售实绩", "sales_actual", "money", True, low="0", high="100000000000", example=("27600000",)),
        C("sales_rate", "销售奖励比例", "sales_rate", "percent", True, low="0", high="0.2", example=("0.3%",)),
        C("campaign_target", "活动销售目标", "campaign_target", "money", True, low="0.01", high="100000000000", example=("8000000",)),
        C("campaign_actual", "活动销售实绩", "campaign_actual", "money", True, low="0", high="100000000000", example=("8400000",)),
        C("campaign_rate", "活动奖励比例", "campaign_rate", "percent", True, low="0", high="0.2", example=("0.5%",)),
        C("threshold", "达成率门槛", "threshold", "percent", False, "低于此达成率该项奖励为 0，默认 80%", "0", "2", example=("80%",)),
    ),
)

ROLE_DUTIES = Sheet(
    "role_duties", "岗位职责", "role_duties", required=False,
    help="目标责任书中「岗位权利与职责」的内容：每条一行。没有任何行的岗位，责任书写「按公司岗位说明书执行」。",
    columns=(
        C("role", "岗位", "role", "text", True, "与员工表的岗位名称一致", example=("运营专员", "运营专员")),
        C("kind", "类型", "kind", "duty_kind", True, "权利/职责", example=("权利", "职责")),
        C("text", "内容", "text", "text", True, "一条权利或职责，一句话",
          example=("有权获取完成岗位目标所需的数据与资源支持。", "负责店铺日常运营，提升访客数与成交额。")),
    ),
)

HISTORY = Sheet(
    "history", "历史", "history", required=False,
    help="往期考核结果（可选），用于连续排名第一/不及格的规则；考核期间与「设置」同一类型。",
    columns=(
        C("period", "考核期间", "period", "text", True, example=("2026-09",)),
        C("employee_id", "工号", "employee_id", "id", True, example=("E0001",)),
        C("name", "姓名", "name", "text", False, example=("张伟",)),
        C("total", "总分", "total", "decimal", True, low="-1000", high="1000", example=("91.5",)),
        C("grade", "等级", "grade", "text", True, example=("S",)),
        C("department_rank", "部门排名", "department_rank", "count", False, low="1", example=("1",)),
    ),
)

SHEETS: tuple[Sheet, ...] = (
    SETTINGS, EMPLOYEES, MEASURE_DEFS, KPIS, PLANS, MEASURES, ATTENDANCE,
    RATINGS, REVIEWS, ADJUSTMENTS, GRADES, POOLS, ANNUAL_REWARDS, ROLE_DUTIES, HISTORY,
    UNITS, UNIT_PLANS, UNIT_MEASURES, UNIT_RATINGS,
)
INSTRUCTIONS_SHEET = ("说明", "instructions")


def sheet_by_key(key: str) -> Sheet:
    return next(s for s in SHEETS if s.key == key)
