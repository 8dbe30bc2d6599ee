//! The forecast: funnel, the two methods, categories, the range.

use super::{plural, Lang};
use crate::domain::forecast::{Category, PlanProblem};

super::messages! {
    /// Texts without placeholders.
    FcMsg {
        Title => "销售预测", "Forecast";
        Month => "月", "Month";
        Quarter => "季度", "Quarter";
        Year => "年", "Year";
        Previous => "上一期", "Previous period";
        Next => "下一期", "Next period";
        AllReps => "全部销售", "All reps";
        AllSources => "全部线索来源", "All lead sources";
        AllTeams => "全部团队", "All teams";
        AllConverted => "全部币种（按汇率折算）", "Every currency (converted)";
        FxTitle => "汇率", "Exchange rates";
        FxHint => "选择“全部币种”时，其他币种按汇率折算为公司本币：每个机会用其成交日（或预计成交日）当天适用的汇率；早于所有汇率的日期用最早的一个。", "With \"every currency\", other currencies are converted into the company currency at the rate of each deal's close (or expected close) date; a date before every rate takes the earliest.";
        FxSaved => "汇率已保存", "Exchange rate saved";
        ColFrom => "起始日期", "From";
        AddRate => "添加汇率", "Add rate";
        Remove => "删除", "Remove";
        Currency => "币种", "Currency";
        ByPeople => "按销售与团队汇总", "By rep and team";
        ColRep => "销售 / 团队", "Rep / team";
        NoOwner => "未分配", "Unassigned";
        NoTeam => "无团队", "No team";
        CurrencyHint => "不同币种的金额不直接相加：只看一种币种，或选择“全部币种”按下方汇率折算。", "Amounts in different currencies are never added as they are: one currency at a time, or \"every currency\" converted at the rates below.";
        Weighted => "加权预测", "Weighted forecast";
        WeightedHint => "每个机会的金额 × 赢率之和", "Each deal's amount × win probability, summed";
        ClassMethod => "A/B/C/D 漏斗预测", "A/B/C/D funnel forecast";
        ClassMethodHint => "每类机会的金额 × 该类成交率之和", "Each class's amount × the class's conversion rate, summed";
        ClosedWon => "本期已赢单", "Closed won this period";
        Target => "目标", "Target";
        NoTarget => "尚未设定目标", "No target set";
        Coverage => "覆盖率", "Coverage";
        ColClass => "漏斗分类", "Class";
        ColCount => "机会数", "Deals";
        ColAmount => "金额", "Amount";
        ColRate => "成交率 %", "Rate %";
        ColForecast => "预测", "Forecast";
        ColWeighted => "加权金额", "Weighted";
        ColLearned => "团队实际成交率", "The team's actual rate";
        RateFromStages => "按阶段", "stages";
        RateHint => "留空则用该类阶段的平均赢率。", "Leave empty to use the average probability of the class's stages.";
        RateSaved => "成交率已保存", "Rate saved";
        NoHistory => "暂无已结束的机会", "no closed deals yet";
        LearnedHint => "不足 20 单时给出区间，而不是一个成交率。", "Below 20 closed deals this is an interval, not a rate.";
        Categories => "预测类别", "Forecast categories";
        DealCategory => "预测类别", "Forecast category";
        FollowsStage => "跟随阶段", "Follows the stage";
        CategorySaved => "预测类别已保存", "Forecast category saved";
        CatPipeline => "漏斗中", "Pipeline";
        CatBestCase => "乐观", "Best case";
        CatCommit => "承诺", "Commit";
        CatClosed => "已成交", "Closed";
        CatOmitted => "排除", "Omitted";
        Single => "单项", "Single";
        Cumulative => "累计", "Cumulative";
        OpenPipeline => "全部在途", "Open pipeline";
        CategoriesHint => "类别跟随阶段：A 类为承诺，B 类为乐观，C、D 类为漏斗中；赢单为已成交，输单为排除。", "Categories follow the stage: class A is commit, B best case, C and D pipeline; won is closed, lost omitted.";
        Slipped => "已逾期的承诺与乐观机会", "Slipped: commit and best-case deals past their close date";
        NoSlipped => "没有逾期的承诺或乐观机会。", "No commit or best-case deal has slipped.";
        Range => "结果区间", "Range of outcomes";
        RangeHint => "按每个机会的赢率，本期可能的成交总额（含已赢单）。", "What this period may close, from each deal's win probability (closed won included).";
        Exact => "精确计算", "computed exactly";
        ByProbability => "按各机会赢率", "By each deal's win probability";
        ByClassRate => "按分类成交率", "By the class rates";
        Low => "P10 保守", "P10 low";
        Median => "P50 中位", "P50 median";
        High => "P90 乐观", "P90 high";
        Carriers => "影响最大的机会", "Deals that carry most of the spread";
        TargetWhatIf => "假设目标金额", "A target to try";
        TargetReached => "已成交部分已达到该目标", "closed won already reaches it";
        WhatIfWin => "假设赢单", "Win it";
        WhatIfLose => "假设输单", "Lose it";
        WhatIfSlip => "假设推迟", "Slip it";
        WhatIfReset => "还原", "Reset";
        ColTry => "假设成交率", "Rate to try";
        ColClassError => "A/B/C/D 法偏差", "A/B/C/D: off by";
        ColClassCall => "A/B/C/D 预测（+ 已成交）", "A/B/C/D call (+ closed)";
        Trend => "预测的变化", "How the forecast moved";
        LearnMonths => "实际成交率按最近几个月的已关闭机会计算", "Months of closed deals the actual rates read";
        LearnSaved => "已保存", "Saved";
        FunnelHint => "每条的长度是金额，深色部分是加权金额（金额 × 赢率）；数字为 金额 / 加权金额。", "Each bar is the amount; its darker part the weighted amount (amount × win probability); the figures read amount / weighted.";
        TryHint => "“假设成交率”只用于试算，不保存；“成交率”保存在账本中，全团队共用。", "A rate to try changes the figures on this page only and is not kept; a rate set in the rate column is kept in the book for the whole team.";
        Funnel => "销售漏斗", "Sales funnel";
        StageFlow => "阶段转化", "Stage conversion";
        ColStage => "阶段", "Stage";
        ColEntered => "进入", "Entered";
        ColMovedOn => "推进", "Moved on";
        ColMedianDays => "中位天数", "Median days";
        NoDeals => "本期没有机会。", "No deals in this period.";
        Snapshots => "预测快照与趋势", "Snapshots and trend";
        SaveSnapshot => "现在保存快照", "Save a snapshot now";
        SnapshotSaved => "已保存预测快照", "Snapshot saved";
        NoSnapshots => "本期还没有快照。", "No snapshots of this period yet.";
        SnapshotsHint => "每周第一次打开预测时自动保存一次；期末后可看每次预测与实际成交的偏差。", "One is saved each week the first time the forecast is opened; once the period is over, each shows how far it was from what closed.";
        ColTaken => "日期", "Taken";
        ColCall => "预测（加权 + 已成交）", "Forecast (weighted + closed)";
        ColError => "加权法偏差", "Weighted: off by";
        ActualClosed => "实际成交", "Actually closed";
        Weekly => "每周", "weekly";
        ByHand => "手动", "by hand";
        Present => "演示模式", "Present";
        PresentClose => "退出演示", "Exit";
        SlidePrevious => "上一页", "Previous";
        SlideNext => "下一页", "Next";
        Print => "打印", "Print";
        SlideForecast => "预测与目标", "Forecast and target";
        SlideMovers => "变化与关键机会", "What moved, and the deals that matter";
        SlideRisks => "风险", "Risks";
        NoMoves => "本期还没有更早的快照可比较。", "No earlier snapshot of this period to compare with.";
        NoPipeline => "还没有销售阶段，请先设置阶段。", "There are no stages yet: set them up first.";
    }
}

super::phrases! {
    /// The period's name: `2026年12月`, `December 2026`.
    month_name(year: i32, month: u32) => "{year}年{month}月", { format!("{} {year}", MONTHS[month as usize - 1]) };
    quarter_name(year: i32, quarter: u32) => "{year}年第{quarter}季度", "Q{quarter} {year}";
    year_name(year: i32) => "{year}年", "{year}";
    /// A learned rate resting on enough deals.
    learned_rate(percent: String, closed: u32) => "{percent}%（{closed} 单）", { format!("{percent} % ({})", plural(closed as usize, "deal", "deals")) };
    /// A learned rate on too few deals, as its interval.
    learned_interval(low: u32, high: u32, won: u32, closed: u32) => "{won}/{closed} 单成交，区间 {low}–{high}%", { format!("{won} of {}, {low}–{high} %", plural(closed as usize, "deal", "deals")) };
    undated(n: usize) => "{n} 个在途机会没有预计成交日期，不计入任何一期。", [n => "{n} open deal has no expected close date and is in no period.", "{n} open deals have no expected close date and are in no period."];
    no_amount(n: usize) => "本期有 {n} 个机会没有金额。", [n => "{n} deal of this period has no amount.", "{n} deals of this period have no amount."];
    simulated(runs: usize) => "模拟 {runs} 次", "{runs} simulated runs";
    deals_count(n: usize) => "{n} 个机会", [n => "{n} deal", "{n} deals"];
    what_if_active(n: usize) => "假设情形：已改动 {n} 处（机会或成交率），未保存。", [n => "What-if: 1 change (a deal or a rate), not saved.", "What-if: {n} changes (deals or rates), not saved."];
    moved_since(date: String, delta: String) => "自 {date} 的快照以来，预测变化 {delta}", "Since the snapshot of {date} the forecast moved {delta}";
    fx_unit(company: &str) => "1 单位 = {company}", "1 unit in {company}";
    other_currency(n: usize) => "{n} 个机会因币种不同未计入；可设置汇率后选择“全部币种”。", [n => "{n} deal in another currency is left out; set a rate and choose \"every currency\" to add it.", "{n} deals in other currencies are left out; set rates and choose \"every currency\" to add them."];
    target_chance(chance: String, coverage: String) => "达成概率 {chance}；覆盖率 {coverage}（在途加权 ÷（目标 − 已成交））", "Chance of reaching it {chance}; coverage {coverage} (open weighted ÷ (target − closed))";
    spread_share(percent: u32) => "占波动 {percent}%", "{percent} % of the spread";
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Lang {
    /// A forecast category's name.
    pub fn category(self, category: Category) -> &'static str {
        self.t(match category {
            Category::Pipeline => FcMsg::CatPipeline,
            Category::BestCase => FcMsg::CatBestCase,
            Category::Commit => FcMsg::CatCommit,
            Category::Closed => FcMsg::CatClosed,
            Category::Omitted => FcMsg::CatOmitted,
        })
    }

    pub fn plan_problem(self, problem: PlanProblem) -> &'static str {
        match (self, problem) {
            (Lang::Zh, PlanProblem::RateTooHigh) => "成交率不能超过 100%",
            (Lang::En, PlanProblem::RateTooHigh) => "A rate cannot be over 100 %",
            (Lang::Zh, PlanProblem::NotARate) => "请输入 0 到 100 之间的百分数，最多两位小数",
            (Lang::En, PlanProblem::NotARate) => "Enter a percentage from 0 to 100, with at most two decimals",
            (Lang::Zh, PlanProblem::CategoryNotSettable) => "只有进行中的机会可以手动设定预测类别",
            (Lang::En, PlanProblem::CategoryNotSettable) => "Only an open deal takes a forecast category by hand",
            (Lang::Zh, PlanProblem::BadFxRate) => "汇率须为正数，最多四位小数，且不能是公司本币",
            (Lang::En, PlanProblem::BadFxRate) => {
                "A rate must be a positive number with at most four decimals, not of the company currency"
            }
            (Lang::Zh, PlanProblem::MonthsOutOfRange) => "月数须在 1 到 60 之间",
            (Lang::En, PlanProblem::MonthsOutOfRange) => "Months must be 1 to 60",
        }
    }
}
