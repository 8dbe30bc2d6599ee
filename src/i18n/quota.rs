//! The quota area: targets and their split, attainment, incentives and payouts, evaluations,
//! customer allotments, the working-day calendar, teams and reps.

use super::{plural, Lang};
use crate::domain::evaluation::Level;
use crate::domain::incentive::RuleProblem;
use crate::domain::quota::{Measure, QuotaProblem};

super::messages! {
    /// Texts without placeholders.
    QMsg {
        Title => "销售目标", "Sales targets";
        TabTargets => "目标分解", "Targets";
        TabAttainment => "达成情况", "Attainment";
        TabIncentives => "激励与提成", "Incentives";
        TabEvaluations => "绩效考核", "Evaluations";
        TabAllotments => "客户配额", "Customer allotments";
        TabCalendar => "工作日历", "Working days";
        TabPeople => "团队与人员", "Teams and reps";
        MeasureAmount => "赢单金额", "Amount won";
        MeasureWon => "赢单数", "Deals won";
        MeasureCustomers => "新增客户", "New customers";
        MeasureActivities => "跟进活动", "Activities";
        TierTarget => "目标", "Target";
        TierStretch => "冲刺", "Stretch";
        TierChallenge => "挑战", "Challenge";
        Company => "全公司", "Company";
        ColHolder => "公司 / 团队 / 销售", "Company / team / rep";
        ColActual => "已完成", "Attained";
        ColAttainment => "达成率", "Attainment";
        ColGap => "差额", "Gap";
        ColDue => "按工作日今天应完成", "Due by today (working days)";
        ColAhead => "超前（−落后）", "Ahead (− behind)";
        ColCoverage => "覆盖率", "Coverage";
        ColOpen => "在途加权", "Open weighted";
        NoTarget => "未设目标", "No target";
        Save => "保存", "Save";
        Saved => "已保存", "Saved";
        SpreadHint => "月目标相加即为季度和年度目标。在季度或年度视图中填写，会平均分到各月（精确到分）。", "Months add up to quarters and years. A figure typed in a quarter's or year's view is spread evenly over its months (to the cent).";
        SplitTitle => "分解目标", "Split a target";
        SplitFrom => "分解", "Split";
        SplitBy => "方式", "By";
        SplitEven => "平均", "Evenly";
        SplitCapacity => "按产能", "By capacity";
        SplitExperience => "按经验", "By experience";
        SplitLast => "按上期完成占比", "By last period's share";
        SplitPreview => "预览分解", "Preview";
        SplitSave => "保存分解结果", "Save the split";
        SplitHint => "先预览，可在表中逐项修改，再保存。", "Preview, change any figure in the table by hand, then save.";
        History => "修改记录", "Changes";
        NoHistory => "还没有修改记录。", "No changes yet.";
        ChartAttainment => "各销售达成率", "Attainment by rep";
        ChartBurnUp => "本期累计赢单", "Won so far this period";
        ChartCoverage => "各销售覆盖率", "Coverage by rep";
        Leaderboard => "排行榜", "Leaderboard";
        SeriesWon => "累计赢单", "Won";
        SeriesTarget => "目标", "Target";
        SeriesPace => "按工作日应完成", "Due (working days)";
        CoverageHint => "覆盖率 = 本期在途机会加权金额 ÷（目标 − 已赢单）。", "Coverage = open weighted pipeline due this period ÷ (target − won).";
        Rules => "激励规则", "Incentive rules";
        NewRule => "新建规则", "New rule";
        NoRules => "还没有激励规则。", "No incentive rules yet.";
        RulePerDeal => "每单基础奖励 × 难度系数", "Base reward per won deal × difficulty";
        RuleBands => "按达成率分档提成", "Commission bands on attainment";
        ColName => "名称", "Name";
        ColKind => "类型", "Kind";
        BaseReward => "基础奖励（每单）", "Base reward per deal";
        RulePeriod => "考核周期", "Period";
        Marginal => "分段累进（各段按本档比例）", "Marginal (each slice at its band's rate)";
        Retroactive => "全额按达到的档", "Retroactive (the band reached, on all of it)";
        AnnualGate => "年度目标达成后，100% 以上的档才按加速比例计", "Bands from 100 % pay their rate only once the annual target is met";
        Bonuses => "达标奖金", "Bonuses";
        BonusAt => "达成率达到（%）", "At attainment (%)";
        BonusAmount => "奖金", "Bonus";
        AddBonus => "添加奖金", "Add bonus";
        Ramp => "新人爬坡：入职后几个月内目标按比例计", "Ramp: a new rep's target counts at a share for their first months";
        RampMonths => "月数", "Months";
        RampShare => "目标比例（%）", "Target share (%)";
        AppliesTo => "适用于", "Applies to";
        Everyone => "全体销售", "Every rep";
        Active => "启用", "Active";
        Bands => "提成档", "Bands";
        BandFrom => "达成率从（%）", "From (%)";
        BandTo => "到（%，空为以上）", "To (%, empty: and above)";
        BandRate => "提成比例（%）", "Rate (%)";
        AddBand => "添加一档", "Add band";
        RemoveRow => "删除", "Remove";
        Cancel => "取消", "Cancel";
        Edit => "编辑", "Edit";
        Delete => "删除", "Delete";
        RuleSaved => "激励规则已保存", "Incentive rule saved";
        RuleDeleted => "激励规则已删除", "Incentive rule deleted";
        Statements => "提成单", "Payout statements";
        ColTotal => "合计", "Total";
        ColStatus => "状态", "Status";
        Open => "未结算", "Not paid";
        Closed => "已结算", "Paid";
        ClosePayout => "结算", "Close and pay";
        PayoutClosed => "提成单已结算", "Statement closed";
        LineDeal => "赢单奖励", "Won deal";
        LineBand => "提成", "Commission";
        LineBonus => "达标奖金", "Bonus";
        LineClawback => "追回（已付后机会重开或输单）", "Clawback (a paid deal reopened or lost)";
        NoLines => "本期没有应付项目。", "Nothing to pay this period.";
        ExportCsv => "导出 CSV", "Export CSV";
        ExportXlsx => "导出 Excel", "Export Excel";
        Print => "打印", "Print";
        StatementHint => "结算后提成单即固定；之后若已付的赢单被重开或输单，会在下一期提成单中追回。", "A closed statement stays as paid; a paid deal later reopened or lost is clawed back in the next statement.";
        ColResults => "业绩分", "Results";
        Discipline => "纪律", "Discipline";
        Teamwork => "团队协作", "Teamwork";
        Service => "服务", "Service";
        Satisfaction => "客户满意度", "Customer satisfaction";
        ColScore => "总分", "Score";
        Note => "评语", "Review note";
        Weights => "权重（%）：业绩 / 工作态度 / 客户满意度", "Weights (%): results / attitude / satisfaction";
        ColWonDeals => "赢单", "Won";
        ColActivities => "活动", "Activities";
        ColPayout => "提成", "Payout";
        EvaluationSaved => "考核已保存", "Evaluation saved";
        EvalHint => "业绩分 = 达成率（满 100%）；工作态度为纪律、团队协作、服务的平均分；各项 0–100 分。未打分的项目不计权重。", "Results = attainment (full marks at 100 %); attitude is the mean of discipline, teamwork and service; each 0–100. A part not scored leaves its weight to the others.";
        EvalHistory => "历次考核", "Past evaluations";
        AllotRules => "配额规则", "Allotment rules";
        NoAllotRules => "还没有配额规则：例如重点客户每月 4 次免费上门服务。", "No allotment rules yet: for example, key customers get 4 free on-site services a month.";
        Product => "产品或服务", "Product or service";
        Tier => "客户等级", "Customer tier";
        Limit => "每期上限", "Limit per period";
        AddRule => "添加规则", "Add rule";
        RecordUse => "记录使用", "Record a use";
        Customer => "客户", "Customer";
        Quantity => "数量", "Quantity";
        Date => "日期", "Date";
        Used => "已用 / 上限", "Used / limit";
        Near => "接近上限", "Nearly used up";
        Over => "已超出", "Over the limit";
        Fine => "正常", "Within";
        UseRecorded => "已记录", "Recorded";
        WarnAt => "提醒比例（%）", "Warn at (%)";
        NoAllotments => "还没有配额规则。", "No allotment rules yet.";
        ChooseCustomer => "输入客户名称查找", "Type a customer's name";
        AllotWarnings => "本期接近或超出配额的客户", "Customers near or over an allotment this period";
        NoWarnings => "没有接近或超出配额的客户。", "No customer is near or over an allotment.";
        Holidays => "放假日", "Days off";
        Workdays => "调休上班日", "Weekend days worked (调休)";
        CalendarHint => "工作日为周一至周五，去掉放假日，加上调休上班的周末。中国每年的节假日安排不同，请按国务院通知填写。", "Working days are Monday to Friday, less the days off, plus the weekend days worked. China's holiday schedule changes every year: enter it from the State Council's notice.";
        DayOff => "放假", "Day off";
        DayWorked => "调休上班", "Worked";
        AddDay => "添加", "Add";
        Teams => "团队", "Teams";
        Reps => "销售人员", "Reps";
        NewTeam => "新建团队", "New team";
        NewRep => "新增销售", "New rep";
        Name => "姓名 / 名称", "Name";
        Team => "团队", "Team";
        NoTeamChoice => "无团队", "No team";
        Manager => "负责人", "Manager";
        NoManager => "未指定", "None";
        Email => "邮箱", "E-mail";
        Phone => "电话", "Phone";
        Capacity => "产能（%，满编 100）", "Capacity (%, a full rep 100)";
        Experience => "经验（年）", "Experience (years)";
        Started => "入职日期", "Started";
        Left => "离职日期", "Left";
        ActiveRep => "在职", "Active";
        PeopleHint => "离职的销售保留在记录中，历史和提成单仍可查看；不再参与目标分解。", "Reps who left stay on record, with their history and statements; they are left out of new splits.";
        LoadFailed => "这部分无法计算：请先设置销售阶段。", "This needs the pipeline's stages: set them up first.";
    }
}

super::phrases! {
    /// A parent's parts add up to more or less than its target.
    mismatch_over(name: &str, amount: &str) => "目标不一致：“{name}”的下级目标合计多出 {amount}。", "Target mismatch: the parts of “{name}” add up to {amount} more than its target.";
    mismatch_under(name: &str, amount: &str) => "目标不一致：“{name}”的下级目标合计少了 {amount}。", "Target mismatch: the parts of “{name}” add up to {amount} less than its target.";
    history_line(who: &str, when: &str, from: &str, to: &str) => "{when} {who}：{from} → {to}", "{when} {who}: {from} → {to}";
    working_days(elapsed: u32, total: u32) => "已过 {elapsed}/{total} 个工作日", [total => "{elapsed} of 1 working day gone", "{elapsed} of {total} working days gone"];
    period_working_days(n: u32) => "本期共 {n} 个工作日", [n => "1 working day in this period", "{n} working days in this period"];
    unconverted(n: usize) => "{n} 个赢单的币种没有汇率，未计入金额（在“销售预测”中设置汇率）。", [n => "{n} won deal in a currency with no rate is not in the amounts (set rates in the forecast).", "{n} won deals in currencies with no rate are not in the amounts (set rates in the forecast)."];
    reps_count(n: usize) => "{n} 位销售", { plural(n, "rep", "reps") };
    band_line(from: String, to: String, rate: String, base: String) => "{from}–{to}：{base} × {rate}", "{from}–{to}: {base} × {rate}";
    deal_line(title: &str, coefficient: String) => "{title}（难度 {coefficient}）", "{title} (difficulty {coefficient})";
    bonus_line(at: String) => "达成 {at}", "Reaching {at}";
    ramp_note(months: u8, share: String) => "新人前 {months} 个月目标按 {share} 计", { format!("target at {share} for a new rep's first {}", plural(months as usize, "month", "months")) };
    no_parent_target(name: &str) => "请先设定“{name}”本期的目标，再分解。", "Set the target of “{name}” for this period first, then split it.";
    split_done(n: usize) => "已分解到 {n} 项", [n => "Split into 1 part", "Split into {n} parts"];
}

impl Lang {
    pub fn measure(self, measure: Measure) -> &'static str {
        self.t(match measure {
            Measure::Amount => QMsg::MeasureAmount,
            Measure::WonDeals => QMsg::MeasureWon,
            Measure::NewCustomers => QMsg::MeasureCustomers,
            Measure::Activities => QMsg::MeasureActivities,
        })
    }

    pub fn level(self, level: Level) -> &'static str {
        self.t(match level {
            Level::Fine => QMsg::Fine,
            Level::Near => QMsg::Near,
            Level::Over => QMsg::Over,
        })
    }

    pub fn quota_problem(self, problem: QuotaProblem) -> &'static str {
        let (zh, en) = match problem {
            QuotaProblem::Negative => ("目标不能为负数", "A target cannot be negative"),
            QuotaProblem::TiersOutOfOrder => (
                "冲刺不能低于目标，挑战不能低于冲刺",
                "Stretch must be at least the target, challenge at least the stretch",
            ),
            QuotaProblem::UnknownHolder => ("该团队或销售已不存在", "That team or rep no longer exists"),
            QuotaProblem::NotAMonth => ("月份无效", "Not a month"),
            QuotaProblem::WeightsAllZero => (
                "所有权重都是 0，无法按此方式分解（例如上期没有任何完成）",
                "Every weight is zero: nothing to split by (say, nothing was attained last period)",
            ),
            QuotaProblem::NoParts => ("没有可以分解到的团队或销售", "There is no team or rep to split among"),
            QuotaProblem::NoWorkingDays => {
                ("本期没有工作日，无法计算进度", "This period has no working day: no pace can be worked out")
            }
            QuotaProblem::TooLarge => ("数值太大或文字太长", "The figure is too large, or the text too long"),
            QuotaProblem::WeightsNot100 => ("三项权重相加须为 100%", "The three weights must add up to 100 %"),
            QuotaProblem::OutOfRange => (
                "数值超出范围（分数 0–100，产能 1–500%，经验不超过 60 年，比例 1–100%）",
                "Out of range (scores 0–100, capacity 1–500 %, experience up to 60 years, shares 1–100 %)",
            ),
            QuotaProblem::LeftBeforeStart => ("离职日期不能早于入职日期", "The leaving day cannot be before the start"),
            QuotaProblem::ProductRequired => ("请填写产品或服务", "Name the product or service"),
            QuotaProblem::QuantityRequired => ("数量须大于 0", "The quantity must be above zero"),
        };
        if self.is_zh() {
            zh
        } else {
            en
        }
    }

    pub fn rule_problem(self, problem: RuleProblem) -> String {
        let zh = self.is_zh();
        match problem {
            RuleProblem::NameRequired => (if zh { "请填写规则名称" } else { "Name the rule" }).into(),
            RuleProblem::NoBaseReward => {
                (if zh { "基础奖励须大于 0" } else { "The base reward must be above zero" }).into()
            }
            RuleProblem::NoBands => (if zh { "至少需要一档" } else { "At least one band is needed" }).into(),
            RuleProblem::FirstBandNotZero => {
                (if zh { "第一档须从 0% 开始" } else { "The first band must start at 0 %" }).into()
            }
            RuleProblem::Gap(n) => {
                if zh {
                    format!("第 {n} 档的起点须等于上一档的终点（不能有空隙或重叠）")
                } else {
                    format!("Band {n} must start where the one before ends (no gap, no overlap)")
                }
            }
            RuleProblem::EmptyBand(n) => {
                if zh {
                    format!("第 {n} 档的终点须大于起点")
                } else {
                    format!("Band {n} must end after it starts")
                }
            }
            RuleProblem::OpenBandNotLast(n) => {
                if zh {
                    format!("只有最后一档可以不填终点（第 {n} 档）")
                } else {
                    format!("Only the last band may have no end (band {n})")
                }
            }
            RuleProblem::RateOver100 => {
                (if zh { "提成比例不能超过 100%" } else { "A rate cannot be over 100 %" }).into()
            }
            RuleProblem::BadBonus => (if zh {
                "奖金的达成率和金额须大于 0"
            } else {
                "A bonus needs a threshold and an amount above zero"
            })
            .into(),
            RuleProblem::BadRamp => (if zh {
                "爬坡目标比例须在 1% 到 100% 之间"
            } else {
                "A ramp share must be from 1 % to 100 %"
            })
            .into(),
        }
    }
}
