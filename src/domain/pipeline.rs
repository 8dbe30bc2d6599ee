//! Opportunities (销售机会) and the pipeline they move through: the user's own stages with their
//! win probabilities and funnel classes, each deal's history of who moved or handed it on, and
//! the time rules (expiry, reminders, rotting). Commands that change them live in `archive`.

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::money::Money;
use super::record::{record, Entries, Entry, FieldText};
use super::records::{ActivityKind, Currency, FunnelClass, Meta, StageOutcome, Timestamp, Today, UtcOffset};
use super::revision::EntryId;

/// The one pipeline's record id (one pipeline per store; a fixed id lets devices merge it).
pub const PIPELINE_ID: Uuid = Uuid::from_u128(0x5049_5045_4c49_4e45);

/// 销售阶段: one step of the user's own sales process.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    pub id: Uuid,
    pub name: String,
    /// Default win probability of deals in this stage, 0-100.
    pub probability: u8,
    pub class: FunnelClass,
    pub outcome: StageOutcome,
    /// A deal here with no activity for this many days is "rotting" (0: never).
    pub rotting_days: u16,
}

/// The stages in order, and the pipeline's time rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pipeline {
    pub meta: Meta,
    pub stages: Vec<Stage>,
    /// Days after the expected close date before an open deal closes itself as lost.
    pub grace_days: u16,
    /// Days before the expected close date when the owner is reminded.
    pub remind_days: u16,
    /// The lead sources users pick from (they may type others).
    pub lead_sources: Vec<String>,
    /// Stages removed, by id and last name, so deal histories still name them.
    pub retired: Vec<(Uuid, String)>,
}

/// One thing done on a deal: a call, a visit, samples sent, a quotation...
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    #[serde(default)]
    pub id: EntryId,
    #[serde(with = "super::dates")]
    pub date: NaiveDate,
    pub kind: ActivityKind,
    /// Who did it.
    pub by: String,
    /// What came of it.
    pub outcome: String,
    /// Samples: the courier and tracking number.
    pub courier: String,
    pub tracking: String,
    /// Quotations: the amount quoted.
    pub amount: Money,
}

/// What changed on a deal, as its timeline shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DealChange {
    Created {
        stage: Uuid,
    },
    Stage {
        from: Uuid,
        to: Uuid,
    },
    /// Handed over from one rep to another.
    Owner {
        from: Option<Uuid>,
        to: Option<Uuid>,
    },
    /// Closed as lost by the time rule: the expected close date plus the grace passed.
    Expired {
        from: Uuid,
        to: Uuid,
    },
    /// The expected close date moved.
    CloseDate {
        #[serde(with = "optional_date")]
        from: Option<NaiveDate>,
        #[serde(with = "optional_date")]
        to: Option<NaiveDate>,
    },
    /// The win probability set by hand (None: follows the stage again).
    Probability {
        to: Option<u8>,
    },
}

/// One entry of a deal's history: when, who, what.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealEvent {
    #[serde(default)]
    pub id: EntryId,
    pub at: Timestamp,
    pub by: String,
    pub change: DealChange,
}

/// 销售机会: a possible sale to one customer, owned by one rep.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deal {
    pub meta: Meta,
    pub customer: Uuid,
    pub title: String,
    pub amount: Money,
    pub currency: Currency,
    pub owner: Option<Uuid>,
    pub lead_source: String,
    #[serde(with = "optional_date")]
    pub expected_close: Option<NaiveDate>,
    pub stage: Uuid,
    /// Set by hand; otherwise the stage's probability applies.
    pub probability: Option<u8>,
    /// 难度系数 in hundredths (100 = 1.0), multiplies the owner's reward later.
    pub difficulty: u16,
    pub next_step: String,
    pub activities: Entries<Activity>,
    /// Written by the archive on every change; oldest first.
    pub history: Vec<DealEvent>,
}

impl Deal {
    /// A new deal for `customer` in `stage`, as the new-deal form starts.
    pub fn blank(customer: Uuid, stage: Uuid) -> Self {
        Deal {
            meta: Meta::new(Uuid::nil(), Timestamp(0), ""),
            customer,
            title: String::new(),
            amount: Money::ZERO,
            currency: Currency::Cny,
            owner: None,
            lead_source: String::new(),
            expected_close: None,
            stage,
            probability: None,
            difficulty: 100,
            next_step: String::new(),
            activities: Entries::default(),
            history: Vec::new(),
        }
    }

    pub fn id(&self) -> Uuid {
        self.meta.id
    }

    /// The day (where the user is) of the last thing that happened on the deal: an activity,
    /// a move, its creation.
    pub fn last_touched(&self, offset: UtcOffset) -> NaiveDate {
        let moved = self
            .history
            .iter()
            .filter(|e| matches!(e.change, DealChange::Created { .. } | DealChange::Stage { .. }))
            .map(|e| e.at.date(offset));
        self.activities.iter().map(|a| a.date).chain(moved).max().unwrap_or_else(|| self.meta.created_at.date(offset))
    }
}

record!(
    Deal,
    Deal,
    fields: [
        customer, title, amount, currency, owner, lead_source, expected_close, stage, probability, difficulty, next_step,
    ],
    entries: [activities, history]
);
record!(Pipeline, Pipeline, fields: [stages, grace_days, remind_days, lead_sources, retired], entries: []);

impl Entry for Activity {
    fn entry_id(&self) -> EntryId {
        self.id
    }
}

impl Entry for DealEvent {
    fn entry_id(&self) -> EntryId {
        self.id
    }
}

impl FieldText for Stage {
    fn text(&self) -> String {
        format!("{} {}%", self.name, self.probability)
    }
}

impl FieldText for (Uuid, String) {
    fn text(&self) -> String {
        self.1.clone()
    }
}

impl Pipeline {
    /// The stages a new store starts with, named in Chinese or English.
    pub fn defaults(chinese: bool, now: Timestamp, actor: &str) -> Pipeline {
        use FunnelClass::*;
        use StageOutcome::*;
        let stages: [(&str, &str, u8, FunnelClass, StageOutcome, u16); 8] = [
            ("获取线索", "Lead acquired", 10, D, Open, 14),
            ("初步接触", "First contact", 20, D, Open, 14),
            ("需求确认", "Requirements gathered", 40, C, Open, 21),
            ("寄送样品", "Samples sent", 60, B, Open, 21),
            ("报价", "Quotation", 75, B, Open, 14),
            ("验厂谈判", "Factory audit & negotiation", 90, A, Open, 10),
            ("赢单", "Won", 100, A, Won, 0),
            ("输单", "Lost", 0, D, Lost, 0),
        ];
        Pipeline {
            meta: Meta::new(PIPELINE_ID, now, actor),
            stages: stages
                .iter()
                .enumerate()
                .map(|(i, &(zh, en, probability, class, outcome, rotting_days))| Stage {
                    id: Uuid::from_u128(0x5354_4147_4500_0000 + i as u128),
                    name: if chinese { zh } else { en }.to_owned(),
                    probability,
                    class,
                    outcome,
                    rotting_days,
                })
                .collect(),
            grace_days: 7,
            remind_days: 7,
            lead_sources: if chinese {
                ["广交会", "官网", "客户介绍", "阿里巴巴", "陌生电话", "展会"].map(String::from).to_vec()
            } else {
                ["Canton Fair", "Website", "Referral", "Alibaba", "Cold call", "Trade show"].map(String::from).to_vec()
            },
            retired: Vec::new(),
        }
    }

    pub fn stage(&self, id: Uuid) -> Option<&Stage> {
        self.stages.iter().find(|s| s.id == id)
    }

    /// A stage's name, also of a removed one (for histories).
    pub fn stage_name(&self, id: Uuid) -> Option<&str> {
        self.stage(id)
            .map(|s| s.name.as_str())
            .or_else(|| self.retired.iter().find(|(r, _)| *r == id).map(|(_, n)| n.as_str()))
    }

    /// Remembers the names of `before`'s stages this pipeline no longer has.
    pub fn retire_missing(&mut self, before: &Pipeline) {
        for stage in &before.stages {
            if self.stage(stage.id).is_none() && !self.retired.iter().any(|(id, _)| *id == stage.id) {
                self.retired.push((stage.id, stage.name.clone()));
            }
        }
    }

    /// Where an expired deal goes: the first lost stage.
    pub fn lost_stage(&self) -> Option<&Stage> {
        self.stages.iter().find(|s| s.outcome == StageOutcome::Lost)
    }

    /// The deal's win probability: its own if set, else its stage's.
    pub fn probability(&self, deal: &Deal) -> u8 {
        deal.probability.or_else(|| self.stage(deal.stage).map(|s| s.probability)).unwrap_or(0)
    }

    /// The deal's funnel class (its stage's).
    pub fn class(&self, deal: &Deal) -> FunnelClass {
        self.stage(deal.stage).map_or(FunnelClass::D, |s| s.class)
    }

    pub fn is_open(&self, deal: &Deal) -> bool {
        self.stage(deal.stage).is_some_and(|s| s.outcome == StageOutcome::Open)
    }

    /// Amount x probability, in cents.
    pub fn weighted(&self, deal: &Deal) -> Money {
        Money(deal.amount.0 * self.probability(deal) as i64 / 100)
    }

    /// What needs the owner's attention on an open deal today.
    pub fn attention(&self, deal: &Deal, today: Today) -> Attention {
        let Today { date: today, offset } = today;
        let Some(stage) = self.stage(deal.stage).filter(|s| s.outcome == StageOutcome::Open) else {
            return Attention::default();
        };
        let overdue = deal.expected_close.is_some_and(|d| d < today);
        let due_soon =
            !overdue && deal.expected_close.is_some_and(|d| d <= today + Duration::days(self.remind_days as i64));
        let idle_days = (today - deal.last_touched(offset)).num_days();
        let rotting = stage.rotting_days > 0 && idle_days > stage.rotting_days as i64;
        Attention { overdue, due_soon, rotting, idle_days }
    }

    /// Whether the time rule closes this deal today: open, and past its close date plus grace.
    pub fn has_expired(&self, deal: &Deal, today: NaiveDate) -> bool {
        self.is_open(deal) && deal.expected_close.is_some_and(|d| d + Duration::days(self.grace_days as i64) < today)
    }

    /// Checks the stages: named, probabilities up to 100, at least one open, one won and one
    /// lost stage, no id twice.
    pub fn problems(&self) -> Vec<PipelineProblem> {
        let mut problems = Vec::new();
        for (i, stage) in self.stages.iter().enumerate() {
            if stage.name.trim().is_empty() {
                problems.push(PipelineProblem::UnnamedStage(i));
            }
            if stage.probability > 100 {
                problems.push(PipelineProblem::ProbabilityOver100(i));
            }
            if self.stages[..i].iter().any(|s| s.id == stage.id) {
                problems.push(PipelineProblem::RepeatedStage(i));
            }
        }
        for outcome in StageOutcome::ALL {
            if !self.stages.iter().any(|s| s.outcome == *outcome) {
                problems.push(PipelineProblem::Missing(*outcome));
            }
        }
        problems
    }
}

/// Why a pipeline cannot be saved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PipelineProblem {
    UnnamedStage(usize),
    ProbabilityOver100(usize),
    RepeatedStage(usize),
    /// No stage with this outcome (every pipeline needs open, won and lost stages).
    Missing(StageOutcome),
}

/// What an open deal asks of its owner.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Attention {
    /// Past its expected close date (not yet expired: within the grace).
    pub overdue: bool,
    /// Closes within the reminder window.
    pub due_soon: bool,
    /// No activity for longer than its stage allows.
    pub rotting: bool,
    pub idle_days: i64,
}

/// Why a deal cannot be saved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DealProblem {
    TitleRequired,
    TitleTooLong,
    UnknownCustomer,
    /// The customer was deleted: nothing new goes on its deals.
    CustomerDeleted,
    UnknownStage,
    ProbabilityOver100,
    /// Difficulty outside 0.1-10.
    Difficulty,
    AmountTooLarge,
}

/// The difficulty coefficients a deal may have, in hundredths: 0.1 to 10.
pub const DIFFICULTY: std::ops::RangeInclusive<u16> = 10..=1000;

/// Reads a difficulty coefficient as typed (`2.5`, `1`): in hundredths, within [`DIFFICULTY`].
pub fn parse_difficulty(text: &str) -> Result<u16, DealProblem> {
    match Money::parse(text) {
        Ok(m) if DIFFICULTY.contains(&u16::try_from(m.0).unwrap_or(0)) => Ok(m.0 as u16),
        _ => Err(DealProblem::Difficulty),
    }
}

/// Reads a win probability as typed (`85`, `85%`, `８５％`): None when empty (the stage's
/// applies), a whole number of percent from 0 to 100 otherwise.
pub fn parse_probability(text: &str) -> Result<Option<u8>, DealProblem> {
    let text: String = text.trim().chars().map(super::money::half_width).collect();
    let text = text.trim_end_matches('%').trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<u8>() {
        Ok(p) if p <= 100 => Ok(Some(p)),
        _ => Err(DealProblem::ProbabilityOver100),
    }
}

/// How many days "extend" moves a deal's expected close date past the later of today and the
/// date it has.
pub const EXTEND_DAYS: u16 = 30;

/// Deals closed (won, lost or expired) without one activity, per owner: who let deals go
/// without follow-up. Owners with most such deals first.
pub fn closed_without_follow_up<'a>(
    pipeline: &Pipeline,
    deals: impl Iterator<Item = &'a Deal>,
) -> Vec<(Option<Uuid>, Vec<Uuid>)> {
    let mut by_owner: Vec<(Option<Uuid>, Vec<Uuid>)> = Vec::new();
    for deal in deals.filter(|d| {
        !d.meta.is_deleted() && d.activities.is_empty() && !pipeline.is_open(d) && pipeline.stage(d.stage).is_some()
    }) {
        match by_owner.iter_mut().find(|(o, _)| *o == deal.owner) {
            Some((_, ids)) => ids.push(deal.id()),
            None => by_owner.push((deal.owner, vec![deal.id()])),
        }
    }
    super::sorting::sort_by(&mut by_owner, |a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
    by_owner
}

/// Which deals the board shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BoardFilter {
    /// Some(None): deals without an owner.
    pub owner: Option<Option<Uuid>>,
    /// Lower-case text found in the title or the customer's name.
    pub text: String,
    /// Only open deals that are overdue, closing soon or idle too long.
    pub attention_only: bool,
}

/// One stage's column: its deals in order (open: soonest close first; closed: latest change
/// first) and what they add up to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Column {
    pub deals: Vec<u32>,
    /// Amounts per currency, and the same weighted by each deal's probability.
    pub total: Vec<(super::records::Currency, Money)>,
    pub weighted: Vec<(super::records::Currency, Money)>,
}

/// The board: a column per stage (in the pipeline's order), and the reminder counts of the
/// open deals shown.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Board {
    pub columns: Vec<Column>,
    pub due_soon: usize,
    pub overdue: usize,
    pub rotting: usize,
}

impl BoardFilter {
    /// The deal's attention if it is live and passes the filter.
    fn passes<'a>(
        &self,
        pipeline: &Pipeline,
        deal: &Deal,
        customer_name: &impl Fn(Uuid) -> &'a str,
        today: Today,
    ) -> Option<Attention> {
        if deal.meta.is_deleted() || self.owner.is_some_and(|o| o != deal.owner) {
            return None;
        }
        if !self.text.is_empty()
            && !deal.title.to_lowercase().contains(&self.text)
            && !customer_name(deal.customer).to_lowercase().contains(&self.text)
        {
            return None;
        }
        let attention = pipeline.attention(deal, today);
        let needs = attention.overdue || attention.due_soon || attention.rotting;
        (!self.attention_only || needs).then_some(attention)
    }
}

/// Which deals the list shows, beyond the board's filter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DealStatus {
    #[default]
    Open,
    Won,
    Lost,
    All,
}

/// What the list sorts by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DealSort {
    /// Expected close date, deals without one last.
    #[default]
    Close,
    Title,
    Customer,
    /// The pipeline's order of stages.
    Stage,
    /// Amounts per currency (CNY first, then USD, then EUR).
    Amount,
    Probability,
    /// Amount x probability, per currency as `Amount`.
    Weighted,
    Owner,
    /// Days since the last activity (or since the deal was made).
    Idle,
    Updated,
}

impl DealStatus {
    pub const ALL: [DealStatus; 4] = [DealStatus::Open, DealStatus::Won, DealStatus::Lost, DealStatus::All];

    /// The word in the URL.
    pub fn code(self) -> &'static str {
        match self {
            DealStatus::Open => "open",
            DealStatus::Won => "won",
            DealStatus::Lost => "lost",
            DealStatus::All => "all",
        }
    }

    pub fn from_code(code: &str) -> Option<DealStatus> {
        DealStatus::ALL.into_iter().find(|s| s.code() == code)
    }
}

impl DealSort {
    pub const ALL: [DealSort; 10] = [
        DealSort::Title,
        DealSort::Customer,
        DealSort::Stage,
        DealSort::Amount,
        DealSort::Probability,
        DealSort::Weighted,
        DealSort::Close,
        DealSort::Owner,
        DealSort::Idle,
        DealSort::Updated,
    ];

    /// The word in the URL.
    pub fn code(self) -> &'static str {
        match self {
            DealSort::Close => "close",
            DealSort::Title => "title",
            DealSort::Customer => "customer",
            DealSort::Stage => "stage",
            DealSort::Amount => "amount",
            DealSort::Probability => "probability",
            DealSort::Weighted => "weighted",
            DealSort::Owner => "owner",
            DealSort::Idle => "idle",
            DealSort::Updated => "updated",
        }
    }

    pub fn from_code(code: &str) -> Option<DealSort> {
        DealSort::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Whether a first click sorts this column largest first.
    pub fn starts_descending(self) -> bool {
        matches!(
            self,
            DealSort::Amount | DealSort::Probability | DealSort::Weighted | DealSort::Idle | DealSort::Updated
        )
    }
}

/// The list: row numbers of the deals shown, in order, with their sums.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DealList {
    pub rows: Vec<u32>,
    pub total: Vec<(super::records::Currency, Money)>,
    pub weighted: Vec<(super::records::Currency, Money)>,
}

/// The deals passing `filter`, `status` and (if given) `stage`, sorted by `sort` (`descending`
/// reverses it; ties keep row order). Names sort by `customer_name`/`owner_name` as shown.
#[allow(clippy::too_many_arguments)]
pub fn deal_list<'a>(
    pipeline: &Pipeline,
    deals: &[Deal],
    customer_name: impl Fn(Uuid) -> &'a str,
    owner_name: impl Fn(Option<Uuid>) -> &'a str,
    filter: &BoardFilter,
    status: DealStatus,
    stage: Option<Uuid>,
    (sort, descending): (DealSort, bool),
    today: Today,
) -> DealList {
    let mut out = DealList::default();
    // The stage's place in the pipeline.
    let place = |id: Uuid| pipeline.stages.iter().position(|s| s.id == id).unwrap_or(usize::MAX);
    for (row, deal) in deals.iter().enumerate() {
        let Some(found) = pipeline.stage(deal.stage) else { continue };
        let wanted = match status {
            DealStatus::Open => found.outcome == StageOutcome::Open,
            DealStatus::Won => found.outcome == StageOutcome::Won,
            DealStatus::Lost => found.outcome == StageOutcome::Lost,
            DealStatus::All => true,
        };
        if !wanted || stage.is_some_and(|s| s != deal.stage) {
            continue;
        }
        if filter.passes(pipeline, deal, &customer_name, today).is_none() {
            continue;
        }
        out.rows.push(row as u32);
        add(&mut out.total, deal.currency, deal.amount);
        add(&mut out.weighted, deal.currency, pipeline.weighted(deal));
    }
    // Each row's key computed once (not per comparison): a group that sorts the same way both
    // ways (amounts in different currencies never compare), then a number or a text.
    let key = |deal: &Deal| -> (u8, i64, String) {
        match sort {
            DealSort::Close => {
                (0, deal.expected_close.map_or(i64::MAX, |d| i64::from(d.num_days_from_ce())), String::new())
            }
            DealSort::Title => (0, 0, deal.title.to_lowercase()),
            DealSort::Customer => (0, 0, customer_name(deal.customer).to_lowercase()),
            DealSort::Stage => (0, place(deal.stage) as i64, String::new()),
            DealSort::Amount => (deal.currency as u8, deal.amount.0, String::new()),
            DealSort::Probability => (0, i64::from(pipeline.probability(deal)), String::new()),
            DealSort::Weighted => (deal.currency as u8, pipeline.weighted(deal).0, String::new()),
            DealSort::Owner => (0, i64::from(deal.owner.is_none()), owner_name(deal.owner).to_lowercase()),
            DealSort::Idle => (0, (today.date - deal.last_touched(today.offset)).num_days(), String::new()),
            DealSort::Updated => (0, deal.meta.updated_at.0, String::new()),
        }
    };
    let keys: Vec<(u8, i64, String)> = out.rows.iter().map(|&row| key(&deals[row as usize])).collect();
    let mut order: Vec<u32> = (0..out.rows.len() as u32).collect();
    super::sorting::sort_rows(&mut order, &|a, b| {
        let (x, y) = (&keys[a as usize], &keys[b as usize]);
        let within = (x.1, &x.2).cmp(&(y.1, &y.2));
        x.0.cmp(&y.0).then(if descending { within.reverse() } else { within })
    });
    out.rows = order.into_iter().map(|at| out.rows[at as usize]).collect();
    out
}

/// The reminder counts of the live deals (closing soon, overdue, idle too long): the board's
/// reminder bar without laying out the board (the daily notification, at start-up).
pub fn reminder_counts(pipeline: &Pipeline, deals: &[Deal], today: Today) -> (usize, usize, usize) {
    let mut counts = (0, 0, 0);
    for deal in deals.iter().filter(|d| !d.meta.is_deleted()) {
        let attention = pipeline.attention(deal, today);
        counts.0 += attention.due_soon as usize;
        counts.1 += attention.overdue as usize;
        counts.2 += attention.rotting as usize;
    }
    counts
}

/// Lays out the live deals passing `filter` by stage. `customer_name` finds a deal's customer.
pub fn board<'a>(
    pipeline: &Pipeline,
    deals: &[Deal],
    customer_name: impl Fn(Uuid) -> &'a str,
    filter: &BoardFilter,
    today: Today,
) -> Board {
    let mut out = Board { columns: vec![Column::default(); pipeline.stages.len()], ..Board::default() };
    for (row, deal) in deals.iter().enumerate() {
        let Some(at) = pipeline.stages.iter().position(|s| s.id == deal.stage) else { continue };
        let Some(attention) = filter.passes(pipeline, deal, &customer_name, today) else { continue };
        out.due_soon += attention.due_soon as usize;
        out.overdue += attention.overdue as usize;
        out.rotting += attention.rotting as usize;
        let column = &mut out.columns[at];
        column.deals.push(row as u32);
        add(&mut column.total, deal.currency, deal.amount);
        add(&mut column.weighted, deal.currency, pipeline.weighted(deal));
    }
    for (column, stage) in out.columns.iter_mut().zip(&pipeline.stages) {
        let open = stage.outcome == StageOutcome::Open;
        super::sorting::sort_rows(&mut column.deals, &|a, b| {
            let (a, b) = (&deals[a as usize], &deals[b as usize]);
            if open {
                (a.expected_close.is_none(), a.expected_close).cmp(&(b.expected_close.is_none(), b.expected_close))
            } else {
                b.meta.updated_at.cmp(&a.meta.updated_at)
            }
        });
    }
    out
}

/// Adds to the sum in `currency`; sums stay in currency order (CNY, USD, EUR), so a total reads
/// the same however the deals are sorted.
fn add(sums: &mut Vec<(super::records::Currency, Money)>, currency: super::records::Currency, amount: Money) {
    let at = sums.partition_point(|(c, _)| *c < currency);
    match sums.get_mut(at) {
        Some((c, sum)) if *c == currency => sum.0 += amount.0,
        _ => sums.insert(at, (currency, amount)),
    }
}

/// Optional dates: a day number in the binary store, `2026-03-15` or null in JSON.
pub(crate) mod optional_date {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(date: &Option<NaiveDate>, serializer: S) -> Result<S::Ok, S::Error> {
        match date {
            Some(d) => serializer.serialize_some(&Wrapped(*d)),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<NaiveDate>, D::Error> {
        Ok(Option::<Wrapped>::deserialize(deserializer)?.map(|w| w.0))
    }

    #[derive(serde::Serialize, serde::Deserialize)]
    struct Wrapped(#[serde(with = "crate::domain::dates")] NaiveDate);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{
        Actor, Archive, Command, Customer, CustomerKind, DomainError, EntryId, RecordKind, Records, Rep,
    };

    #[test]
    fn probabilities_are_read_as_typed_and_anything_else_refused() {
        for (typed, read) in [("", None), ("85", Some(85)), (" 85% ", Some(85)), ("８５％", Some(85)), ("0", Some(0))]
        {
            assert_eq!(parse_probability(typed), Ok(read), "{typed}");
        }
        for bad in ["101", "abc", "-5", "85.5", "300"] {
            assert_eq!(parse_probability(bad), Err(DealProblem::ProbabilityOver100), "{bad}");
        }
    }

    const DAY: i64 = 86_400_000;
    /// 2026-11-22, noon UTC.
    const NOW: i64 = 1_795_780_800_000;

    fn actor(name: &str, days: i64) -> Actor {
        Actor::at(name, Timestamp(NOW + days * DAY))
    }

    fn today() -> NaiveDate {
        Timestamp(NOW).date(UtcOffset::CHINA)
    }

    /// Today, `days` from now, where the user is.
    fn on(days: i64) -> Today {
        Today { date: today() + Duration::days(days), offset: UtcOffset::CHINA }
    }

    /// Saves a form's edit of a stored deal (only the fields that changed count).
    fn save(a: &mut Archive, after: Deal, actor: &Actor) -> Result<(), DomainError> {
        let command = match a.deals.get(after.meta.id) {
            Some(before) => Command::EditDeal { before: Box::new(before.clone()), after: Box::new(after) },
            None => Command::CreateDeal(after),
        };
        a.apply(command, actor).map(|_| ())
    }

    fn activity(kind: ActivityKind, date: NaiveDate) -> Activity {
        Activity {
            id: EntryId::default(),
            date,
            kind,
            by: "王伟".into(),
            outcome: String::new(),
            courier: String::new(),
            tracking: String::new(),
            amount: Money::ZERO,
        }
    }

    fn rep(n: u128) -> Rep {
        Rep {
            meta: Meta::new(Uuid::from_u128(n), Timestamp(1), "t"),
            name: format!("rep{n}"),
            team: None,
            email: String::new(),
            phone: String::new(),
            active: true,
        }
    }

    /// A store with the default pipeline, one customer (id 1), reps 7 and 8.
    fn archive() -> Archive {
        let mut customer = Customer::blank(CustomerKind::Organisation);
        customer.meta.id = Uuid::from_u128(1);
        customer.name = "恒达电器".into();
        customer.owner = Some(Uuid::from_u128(7));
        let pipeline = Pipeline::defaults(true, Timestamp(NOW), "t");
        Archive::from_records(Records {
            customers: vec![customer],
            reps: vec![rep(7), rep(8)],
            pipelines: vec![pipeline],
            ..Records::default()
        })
    }

    fn stage(a: &Archive, i: usize) -> Uuid {
        a.pipeline().unwrap().stages[i].id
    }

    fn new_deal(a: &mut Archive, n: u128, close_in_days: i64) -> Uuid {
        let mut deal = Deal::blank(Uuid::from_u128(1), stage(a, 0));
        deal.meta.id = Uuid::from_u128(n);
        deal.title = format!("订单{n}");
        deal.amount = Money::from_yuan(10_000);
        deal.owner = Some(Uuid::from_u128(7));
        deal.expected_close = Some(today() + Duration::days(close_in_days));
        a.apply(Command::CreateDeal(deal), &actor("王伟", 0)).unwrap();
        Uuid::from_u128(n)
    }

    #[test]
    fn moves_are_recorded_with_who_and_when_and_probability_follows_the_stage() {
        let mut a = archive();
        let id = new_deal(&mut a, 100, 30);
        let pipeline = a.pipeline().unwrap().clone();
        assert_eq!(pipeline.probability(a.deals.get(id).unwrap()), 10);
        a.apply(Command::MoveDeal { id, stage: stage(&a, 4), from: None }, &actor("李娜", 2)).unwrap();
        let deal = a.deals.get(id).unwrap();
        assert_eq!((pipeline.probability(deal), pipeline.class(deal)), (75, FunnelClass::B));
        assert_eq!(pipeline.weighted(deal), Money::from_yuan(7_500));
        let last = deal.history.last().unwrap();
        assert_eq!(
            (last.by.as_str(), last.at, &last.change),
            ("李娜", Timestamp(NOW + 2 * DAY), &DealChange::Stage { from: stage(&a, 0), to: stage(&a, 4) })
        );
        assert!(matches!(deal.history[0].change, DealChange::Created { .. }));

        // An override sticks through moves until cleared.
        let mut edited = deal.clone();
        edited.probability = Some(30);
        edited.history.clear(); // a form cannot rewrite the history
        save(&mut a, edited, &actor("李娜", 3)).unwrap();
        a.apply(Command::MoveDeal { id, stage: stage(&a, 5), from: None }, &actor("李娜", 4)).unwrap();
        let deal = a.deals.get(id).unwrap();
        assert_eq!(pipeline.probability(deal), 30);
        assert_eq!(deal.history.len(), 4, "created, moved, probability set, moved");
        let mut cleared = deal.clone();
        cleared.probability = None;
        save(&mut a, cleared, &actor("李娜", 5)).unwrap();
        assert_eq!(pipeline.probability(a.deals.get(id).unwrap()), 90);
    }

    #[test]
    fn bad_deals_are_refused_with_reasons() {
        let mut a = archive();
        let mut deal = Deal::blank(Uuid::from_u128(99), Uuid::from_u128(12345));
        deal.meta.id = Uuid::from_u128(5);
        deal.probability = Some(120);
        deal.difficulty = 0;
        let err = a.apply(Command::CreateDeal(deal), &actor("t", 0)).unwrap_err();
        assert_eq!(
            err,
            DomainError::Deal(vec![
                DealProblem::TitleRequired,
                DealProblem::UnknownCustomer,
                DealProblem::UnknownStage,
                DealProblem::ProbabilityOver100,
                DealProblem::Difficulty
            ])
        );
        assert!(a.deals.is_empty());
    }

    #[test]
    fn a_stage_with_deals_is_removed_only_by_moving_them() {
        let mut a = archive();
        let id = new_deal(&mut a, 100, 30);
        let first = stage(&a, 0);
        let mut pipeline = a.pipeline().unwrap().clone();
        pipeline.stages.remove(0);
        assert_eq!(
            a.apply(Command::SavePipeline(pipeline), &actor("t", 1)).unwrap_err(),
            DomainError::StageInUse(first)
        );

        let applied = a.apply(Command::RemoveStage { stage: first, move_to: stage(&a, 2) }, &actor("经理", 1)).unwrap();
        assert_eq!(
            (applied.changes.ids(RecordKind::Deal).len(), applied.changes.ids(RecordKind::Pipeline).len()),
            (1, 1)
        );
        let deal = a.deals.get(id).unwrap();
        assert_eq!(deal.stage, a.pipeline().unwrap().stages[1].id);
        assert_eq!(deal.history.last().unwrap().change, DealChange::Stage { from: first, to: deal.stage });
        assert_eq!(a.pipeline().unwrap().stages.len(), 7);
        assert_eq!(a.pipeline().unwrap().stage_name(first), Some("获取线索"), "histories still name it");
        // Taken back whole: the stage and the deal's place.
        a.revert(applied);
        assert_eq!((a.pipeline().unwrap().stages.len(), a.deals.get(id).unwrap().stage), (8, first));

        // Renaming, reordering, a new stage: fine. A pipeline without a lost stage: refused.
        let mut pipeline = a.pipeline().unwrap().clone();
        pipeline.stages.swap(1, 2);
        pipeline.stages[1].name = "客户验货".into();
        pipeline.stages.insert(
            3,
            Stage {
                id: Uuid::from_u128(77),
                name: "寄样".into(),
                probability: 50,
                class: FunnelClass::B,
                outcome: StageOutcome::Open,
                rotting_days: 0,
            },
        );
        a.apply(Command::SavePipeline(pipeline.clone()), &actor("t", 2)).unwrap();
        assert_eq!(a.pipeline().unwrap().stages[3].name, "寄样");
        pipeline.stages.retain(|s| s.outcome != StageOutcome::Lost);
        assert_eq!(
            a.apply(Command::SavePipeline(pipeline), &actor("t", 2)).unwrap_err(),
            DomainError::Pipeline(vec![PipelineProblem::Missing(StageOutcome::Lost)])
        );
    }

    #[test]
    fn deals_past_close_and_grace_expire_as_lost_unless_extended() {
        let mut a = archive();
        let late = new_deal(&mut a, 100, -8); // grace is 7 days
        let within_grace = new_deal(&mut a, 101, -7);
        let extended = new_deal(&mut a, 102, -30);
        let mut deal = a.deals.get(extended).unwrap().clone();
        deal.expected_close = Some(today() + Duration::days(14));
        save(&mut a, deal, &actor("王伟", 0)).unwrap();
        assert!(matches!(a.deals.get(extended).unwrap().history.last().unwrap().change, DealChange::CloseDate { .. }));

        let applied = a.apply(Command::ExpireDeals { today: today() }, &actor("system", 0)).unwrap();
        assert_eq!(applied.changes.ids(RecordKind::Deal), vec![late]);
        let pipeline = a.pipeline().unwrap();
        let deal = a.deals.get(late).unwrap();
        assert_eq!(pipeline.stage(deal.stage).unwrap().outcome, StageOutcome::Lost);
        assert_eq!(deal.history.last().unwrap().change, DealChange::Expired { from: stage(&a, 0), to: deal.stage });
        assert!(pipeline.is_open(a.deals.get(within_grace).unwrap()));
        // Running it again the same day changes nothing.
        assert!(a
            .apply(Command::ExpireDeals { today: today() }, &actor("system", 0))
            .unwrap()
            .changes
            .ids(RecordKind::Deal)
            .is_empty());
    }

    #[test]
    fn reminders_before_close_and_rotting_without_activity() {
        let mut a = archive();
        let soon = new_deal(&mut a, 100, 7);
        let later = new_deal(&mut a, 101, 8);
        let pipeline = a.pipeline().unwrap().clone();
        let attention = |a: &Archive, id, day: i64| pipeline.attention(a.deals.get(id).unwrap(), on(day));
        assert!(attention(&a, soon, 0).due_soon && !attention(&a, later, 0).due_soon);
        assert!(attention(&a, soon, 8).overdue && !attention(&a, soon, 8).due_soon);
        // The first stage rots after 14 idle days; an activity resets the clock.
        assert!(!attention(&a, later, 14).rotting && attention(&a, later, 15).rotting);
        let call = activity(ActivityKind::Call, today() + Duration::days(10));
        a.apply(Command::AddActivity { deal: later, activity: call }, &actor("王伟", 10)).unwrap();
        assert_eq!(
            attention(&a, later, 15),
            Attention { overdue: true, due_soon: false, rotting: false, idle_days: 5 }
        );
        // Closed deals ask for nothing.
        a.apply(Command::MoveDeal { id: soon, stage: stage(&a, 6), from: None }, &actor("王伟", 1)).unwrap();
        assert_eq!(attention(&a, soon, 30), Attention::default());
    }

    #[test]
    fn hand_over_moves_deals_and_customers_and_keeps_the_history() {
        let mut a = archive();
        let one = new_deal(&mut a, 100, 30);
        let two = new_deal(&mut a, 101, 30);
        let to = Some(Uuid::from_u128(8));
        a.apply(
            Command::HandOver { deals: vec![one, two], customers: vec![Uuid::from_u128(1)], to },
            &actor("经理", 3),
        )
        .unwrap();
        for id in [one, two] {
            let deal = a.deals.get(id).unwrap();
            assert_eq!(deal.owner, to);
            assert_eq!(deal.history.len(), 2, "the old history is kept");
            let handed = deal.history.last().unwrap();
            assert_eq!(
                (handed.by.as_str(), &handed.change),
                ("经理", &DealChange::Owner { from: Some(Uuid::from_u128(7)), to })
            );
        }
        let customer = a.customers.get(Uuid::from_u128(1)).unwrap();
        assert_eq!(customer.owner, to);
        assert_eq!(
            customer.owner_history,
            vec![crate::domain::OwnerChange {
                id: customer.owner_history[0].id,
                at: actor("经理", 3).now,
                by: "经理".into(),
                from: Some(Uuid::from_u128(7)),
                to
            }]
        );
        // An edit that changes the owner is recorded too; a form cannot write the history.
        let mut edited = customer.clone();
        edited.owner = None;
        edited.owner_history.clear();
        let stored = a.customers.get(Uuid::from_u128(1)).unwrap().clone();
        let edit = |before: &Customer, after: &Customer| Command::EditCustomer {
            before: Box::new(before.clone()),
            after: Box::new(after.clone()),
        };
        a.apply(edit(&stored, &edited), &actor("王伟", 4)).unwrap();
        let history = &a.customers.get(Uuid::from_u128(1)).unwrap().owner_history;
        assert_eq!(
            history.iter().map(|h| (h.from, h.to, h.by.as_str())).collect::<Vec<_>>(),
            vec![(Some(Uuid::from_u128(7)), to, "经理"), (to, None, "王伟")]
        );
        edited.owner_history = Vec::new();
        edited.name = "改名".into();
        let before_edit = a.customers.get(Uuid::from_u128(1)).unwrap().owner_history.clone();
        let stored = a.customers.get(Uuid::from_u128(1)).unwrap().clone();
        edited.owner = stored.owner;
        a.apply(edit(&stored, &edited), &actor("王伟", 5)).unwrap();
        assert_eq!(a.customers.get(Uuid::from_u128(1)).unwrap().owner_history, before_edit, "no owner change, no line");
        // Taken back (the store failed): deals and customer exactly as before.
        let mut a = archive();
        let one = new_deal(&mut a, 100, 30);
        let two = new_deal(&mut a, 101, 30);
        let before = a.deals.rows().to_vec();
        let applied = a
            .apply(
                Command::HandOver { deals: vec![one, two], customers: vec![Uuid::from_u128(1)], to },
                &actor("经理", 3),
            )
            .unwrap();
        a.revert(applied);
        assert_eq!(a.deals.rows(), &before[..]);
        assert_eq!(a.customers.get(Uuid::from_u128(1)).unwrap().owner, Some(Uuid::from_u128(7)));
        // To a rep who does not exist: refused, nothing changes.
        let err = a.apply(
            Command::HandOver { deals: vec![one], customers: vec![], to: Some(Uuid::from_u128(99)) },
            &actor("经理", 3),
        );
        assert_eq!(err.unwrap_err(), DomainError::NotFound(Uuid::from_u128(99)));
    }

    #[test]
    fn a_batch_assignment_spreads_leads_records_each_and_is_all_or_nothing() {
        use crate::domain::assignment::{plan, Target};
        let mut a = archive();
        let leads: Vec<Uuid> = (100..105).map(|n| new_deal(&mut a, n, 30)).collect();
        let before = a.deals.rows().to_vec();
        let items: Vec<(Uuid, bool)> =
            leads.iter().map(|&id| (id, true)).chain([(Uuid::from_u128(1), false)]).collect();
        let assignments = plan(&items, &Target::Spread(vec![(Uuid::from_u128(7), 5), (Uuid::from_u128(8), 0)]));
        let applied = a.apply(Command::Assign(assignments), &actor("经理", 1)).unwrap();
        let owners: Vec<Option<Uuid>> = leads.iter().map(|&id| a.deals.get(id).unwrap().owner).collect();
        let (seven, eight) = (Some(Uuid::from_u128(7)), Some(Uuid::from_u128(8)));
        // Rep 8 holds least, so deals first: 8, 7, 8, 7, 8; the customer (sixth) to 7.
        assert_eq!(owners, vec![eight, seven, eight, seven, eight]);
        assert_eq!(a.customers.get(Uuid::from_u128(1)).unwrap().owner, seven);
        // Deals that changed hands say so; the ones that stayed with 7 have no new event.
        assert_eq!(
            a.deals.get(leads[0]).unwrap().history.last().unwrap().change,
            DealChange::Owner { from: seven, to: eight }
        );
        assert_eq!(a.deals.get(leads[1]).unwrap().history.len(), 1);
        a.revert(applied);
        assert_eq!(a.deals.rows(), &before[..]);
        // One unknown rep refuses the whole batch.
        let mut bad = plan(&items, &Target::One(eight));
        bad.push(crate::domain::Assignment { to: Some(Uuid::from_u128(99)), deals: vec![leads[0]], customers: vec![] });
        assert_eq!(
            a.apply(Command::Assign(bad), &actor("经理", 1)).unwrap_err(),
            DomainError::NotFound(Uuid::from_u128(99))
        );
        assert_eq!(a.deals.rows(), &before[..]);
    }

    #[test]
    fn the_report_lists_deals_closed_without_follow_up_per_rep() {
        let mut a = archive();
        let ignored = new_deal(&mut a, 100, -30);
        let followed = new_deal(&mut a, 101, -30);
        let open = new_deal(&mut a, 102, 30);
        let visit = activity(ActivityKind::Visit, today());
        a.apply(Command::AddActivity { deal: followed, activity: visit }, &actor("王伟", 0)).unwrap();
        a.apply(Command::ExpireDeals { today: today() }, &actor("system", 0)).unwrap();
        let report = closed_without_follow_up(a.pipeline().unwrap(), a.deals.rows().iter());
        assert_eq!(report, vec![(Some(Uuid::from_u128(7)), vec![ignored])]);
        assert!(a.pipeline().unwrap().is_open(a.deals.get(open).unwrap()));
    }

    #[test]
    fn the_board_adds_up_each_stage_and_a_move_changes_two_columns() {
        let mut a = archive();
        let one = new_deal(&mut a, 100, 20);
        let two = new_deal(&mut a, 101, 5);
        let mut usd = a.deals.get(one).unwrap().clone();
        usd.meta.id = Uuid::from_u128(102);
        usd.currency = crate::domain::Currency::Usd;
        usd.owner = None;
        save(&mut a, usd, &actor("t", 0)).unwrap();
        let pipeline = a.pipeline().unwrap().clone();
        let name = |_| "恒达电器";
        let b = board(&pipeline, a.deals.rows(), name, &BoardFilter::default(), on(0));
        let first = &b.columns[0];
        assert_eq!(
            first.deals.iter().map(|&r| a.deals.rows()[r as usize].id()).collect::<Vec<_>>(),
            [two, one, Uuid::from_u128(102)],
            "soonest close first"
        );
        assert_eq!(
            first.total,
            vec![
                (crate::domain::Currency::Cny, Money::from_yuan(20_000)),
                (crate::domain::Currency::Usd, Money::from_yuan(10_000))
            ]
        );
        assert_eq!(first.weighted[0].1, Money::from_yuan(2_000));
        assert_eq!((b.due_soon, b.overdue, b.rotting), (1, 0, 0));
        assert_eq!(
            reminder_counts(&pipeline, a.deals.rows(), on(0)),
            (b.due_soon, b.overdue, b.rotting),
            "as the board counts"
        );

        a.apply(Command::MoveDeal { id: one, stage: stage(&a, 5), from: None }, &actor("t", 0)).unwrap();
        let b = board(&pipeline, a.deals.rows(), name, &BoardFilter::default(), on(0));
        assert_eq!((b.columns[0].deals.len(), b.columns[5].deals.len()), (2, 1));
        assert_eq!(b.columns[5].weighted, vec![(crate::domain::Currency::Cny, Money::from_yuan(9_000))]);

        let mine = BoardFilter { owner: Some(Some(Uuid::from_u128(7))), ..BoardFilter::default() };
        assert_eq!(board(&pipeline, a.deals.rows(), name, &mine, on(0)).columns[0].deals.len(), 1);
        let unowned = BoardFilter { owner: Some(None), ..BoardFilter::default() };
        assert_eq!(board(&pipeline, a.deals.rows(), name, &unowned, on(0)).columns[0].deals.len(), 1);
        let text = BoardFilter { text: "订单101".into(), ..BoardFilter::default() };
        assert_eq!(
            board(&pipeline, a.deals.rows(), name, &text, on(0)).columns.iter().map(|c| c.deals.len()).sum::<usize>(),
            1
        );
        let by_customer = BoardFilter { text: "恒达".into(), ..BoardFilter::default() };
        assert_eq!(
            board(&pipeline, a.deals.rows(), name, &by_customer, on(0))
                .columns
                .iter()
                .map(|c| c.deals.len())
                .sum::<usize>(),
            3
        );
        let attention = BoardFilter { attention_only: true, ..BoardFilter::default() };
        assert_eq!(
            board(&pipeline, a.deals.rows(), name, &attention, on(0)).columns[0].deals,
            vec![a.deals.row_of(two).unwrap() as u32]
        );
    }

    #[test]
    fn default_stages_in_both_languages_share_ids() {
        let zh = Pipeline::defaults(true, Timestamp(NOW), "t");
        let en = Pipeline::defaults(false, Timestamp(NOW), "t");
        assert!(zh.problems().is_empty());
        assert_eq!(
            zh.stages.iter().map(|s| s.id).collect::<Vec<_>>(),
            en.stages.iter().map(|s| s.id).collect::<Vec<_>>()
        );
        assert_eq!((zh.stages[0].name.as_str(), en.stages[0].name.as_str()), ("获取线索", "Lead acquired"));
    }

    #[test]
    fn the_list_filters_by_status_stage_and_text_and_sorts_either_way() {
        let mut a = archive();
        for (n, days, yuan) in [(100, 30, 5_000), (101, 10, 20_000), (102, 20, 1_000)] {
            let id = new_deal(&mut a, n, days);
            let mut deal = a.deals.get(id).unwrap().clone();
            deal.amount = Money::from_yuan(yuan);
            save(&mut a, deal, &actor("王伟", 0)).unwrap();
        }
        let won = a.pipeline().unwrap().stages.iter().find(|s| s.outcome == StageOutcome::Won).unwrap().id;
        a.apply(Command::MoveDeal { id: Uuid::from_u128(102), stage: won, from: None }, &actor("王伟", 0)).unwrap();
        a.apply(Command::MoveDeal { id: Uuid::from_u128(101), stage: stage(&a, 1), from: None }, &actor("王伟", 0))
            .unwrap();
        fn ids(a: &Archive, list: &DealList) -> Vec<u128> {
            list.rows.iter().map(|&r| a.deals.rows()[r as usize].meta.id.as_u128()).collect()
        }
        fn list(
            a: &Archive,
            status: DealStatus,
            stage_id: Option<Uuid>,
            sort: (DealSort, bool),
            text: &str,
        ) -> DealList {
            let filter = BoardFilter { text: text.into(), ..BoardFilter::default() };
            deal_list(
                a.pipeline().unwrap(),
                a.deals.rows(),
                |_| "恒达电器",
                |_| "rep7",
                &filter,
                status,
                stage_id,
                sort,
                on(0),
            )
        }
        // Open deals by close date; both ways.
        assert_eq!(ids(&a, &list(&a, DealStatus::Open, None, (DealSort::Close, false), "")), vec![101, 100]);
        assert_eq!(ids(&a, &list(&a, DealStatus::Open, None, (DealSort::Close, true), "")), vec![100, 101]);
        // All deals by amount, and the sums.
        let all = list(&a, DealStatus::All, None, (DealSort::Amount, true), "");
        assert_eq!(ids(&a, &all), vec![101, 100, 102]);
        assert_eq!(all.total, vec![(crate::domain::Currency::Cny, Money::from_yuan(26_000))]);
        let weighted: i64 = [100, 101, 102]
            .iter()
            .map(|&n| a.pipeline().unwrap().weighted(a.deals.get(Uuid::from_u128(n)).unwrap()).0)
            .sum();
        assert_eq!(all.weighted[0].1 .0, weighted);
        // Won only; one stage; text in the title; by stage order.
        assert_eq!(ids(&a, &list(&a, DealStatus::Won, None, (DealSort::Close, false), "")), vec![102]);
        assert_eq!(ids(&a, &list(&a, DealStatus::All, Some(stage(&a, 1)), (DealSort::Close, false), "")), vec![101]);
        assert_eq!(ids(&a, &list(&a, DealStatus::All, None, (DealSort::Close, false), "订单100")), vec![100]);
        assert_eq!(ids(&a, &list(&a, DealStatus::All, None, (DealSort::Stage, false), "")), vec![100, 101, 102]);
        // Amounts in another currency form their own group, after CNY, both ways.
        let mut usd = a.deals.get(Uuid::from_u128(101)).unwrap().clone();
        usd.currency = crate::domain::Currency::Usd;
        save(&mut a, usd, &actor("王伟", 0)).unwrap();
        assert_eq!(ids(&a, &list(&a, DealStatus::All, None, (DealSort::Amount, true), "")), vec![100, 102, 101]);
        assert_eq!(ids(&a, &list(&a, DealStatus::All, None, (DealSort::Amount, false), "")), vec![102, 100, 101]);
        // Sums read CNY, USD, EUR, whatever the order of the rows (here the first stored deal is
        // in euros, the second in dollars).
        let mut eur = a.deals.get(Uuid::from_u128(100)).unwrap().clone();
        eur.currency = crate::domain::Currency::Eur;
        save(&mut a, eur, &actor("王伟", 0)).unwrap();
        for sort in [(DealSort::Amount, false), (DealSort::Title, true), (DealSort::Close, false)] {
            let shown = list(&a, DealStatus::All, None, sort, "");
            let currencies: Vec<_> = shown.total.iter().chain(&shown.weighted).map(|(c, _)| *c).collect();
            use crate::domain::Currency::{Cny, Eur, Usd};
            assert_eq!(currencies, [Cny, Usd, Eur].repeat(2), "{sort:?}");
        }
        // A deleted deal is never listed.
        a.apply(Command::DeleteDeal(Uuid::from_u128(100)), &actor("王伟", 0)).unwrap();
        assert_eq!(ids(&a, &list(&a, DealStatus::All, None, (DealSort::Title, false), "")), vec![101, 102]);
    }
}
