//! Every command: what it refuses (with which reason, changing nothing), what it does, and that
//! its undo (a new change) takes back what it set where nobody changed it since.
#![cfg(not(target_arch = "wasm32"))]

use chrono::NaiveDate;
use pocket_crm::domain::pipeline::{Activity, Deal, DealProblem, Pipeline};
use pocket_crm::domain::{
    demo, ActivityKind, Actor, Archive, Assignment, CommKind, Command, Communication, Customer, CustomerKind,
    DealsOfDeleted, DomainError, EntryId, EntryProblem, Hlc, Money, RecordEntry, RecordKind, StageOutcome, Stamp,
    Timestamp, Today, Transaction, UtcOffset,
};
use uuid::Uuid;

const T0: i64 = 1_790_000_000_000;

/// A clock for one test: every command gets a later stamp.
struct Session {
    archive: Archive,
    step: i64,
}

impl Session {
    fn new() -> Session {
        let records = demo::generate(21, 300, Timestamp(T0), UtcOffset::CHINA, "demo");
        let mut archive = Archive::default();
        archive.apply(Command::ReplaceAll(Box::new(records)), &Actor::at("setup", Timestamp(T0))).unwrap();
        Session { archive, step: 0 }
    }

    fn actor(&mut self) -> Actor {
        self.step += 1;
        let now = Timestamp(T0 + self.step * 60_000);
        let stamp = Stamp { at: Hlc::new(now.0, 0), device: pocket_crm::domain::DeviceId(3) };
        Actor { name: "经理".into(), now, today: Today::at(now, UtcOffset::CHINA), stamp }
    }

    fn apply(&mut self, command: Command) -> Result<pocket_crm::domain::UndoToken, DomainError> {
        let actor = self.actor();
        let applied = self.archive.apply(command, &actor)?;
        Ok(applied.undo_token(&self.archive).expect("an undo"))
    }

    fn undo(&mut self, token: pocket_crm::domain::UndoToken) {
        self.apply(Command::Undo(Box::new(token))).expect("an undo applies");
    }

    fn refuses(&mut self, command: Command, expected: DomainError) {
        let before = self.archive.to_records();
        let actor = self.actor();
        assert_eq!(self.archive.apply(command, &actor).err(), Some(expected));
        assert_eq!(self.archive.to_records(), before, "a refused command changes nothing");
    }

    fn customer(&self, n: usize) -> Customer {
        self.archive.customers.rows()[n].clone()
    }

    fn open_deal_by(&self, id: Uuid) -> Deal {
        self.archive.deals.get(id).unwrap().clone()
    }

    fn open_deal(&self) -> Deal {
        let pipeline = self.archive.pipeline().unwrap();
        self.archive.deals.live().find(|d| pipeline.is_open(d)).unwrap().clone()
    }
}

/// What a user sees of a customer (not its revisions or owner history).
fn visible(c: &Customer) -> (String, String, String, bool, Vec<String>, Vec<String>, Option<Uuid>) {
    (
        c.name.clone(),
        c.city.clone(),
        c.industry.clone(),
        c.meta.is_deleted(),
        c.communications.iter().map(|e| e.summary.clone()).collect(),
        c.contacts.iter().map(|e| e.name.clone()).collect(),
        c.owner,
    )
}

fn communication(summary: &str) -> Communication {
    Communication {
        id: EntryId::default(),
        date: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
        kind: CommKind::Visit,
        summary: summary.into(),
        by: String::new(),
    }
}

#[test]
fn customers_are_created_edited_and_deleted_with_their_rules_and_undone() {
    let mut s = Session::new();
    let mut blank = Customer::blank(CustomerKind::Organisation);
    s.refuses(Command::CreateCustomer(blank.clone()), DomainError::NilId);
    blank.meta.id = Uuid::from_u128(9);
    assert!(matches!(
        s.archive.apply(Command::CreateCustomer(blank.clone()), &Actor::at("t", Timestamp(T0))),
        Err(DomainError::Invalid(_))
    ));
    blank.name = " 新客户 ".into();
    let created = s.apply(Command::CreateCustomer(blank.clone())).unwrap();
    assert_eq!(s.archive.customers.get(Uuid::from_u128(9)).unwrap().name, "新客户", "trimmed");
    s.refuses(Command::CreateCustomer(blank), DomainError::AlreadyExists(Uuid::from_u128(9)));
    s.undo(created);
    assert!(s.archive.customers.get(Uuid::from_u128(9)).unwrap().meta.is_deleted(), "an undone creation is deleted");

    // An edit changes only what the form changed; its undo only that, too.
    let before = s.customer(10);
    let mut after = before.clone();
    after.name = "改名".into();
    after.contacts.push(pocket_crm::domain::Contact { name: "新联系人".into(), ..Default::default() });
    let edited = s.apply(Command::EditCustomer { before: Box::new(before.clone()), after: Box::new(after) }).unwrap();
    // Someone else changes the city meanwhile; the undo leaves it.
    let current = s.customer(10);
    let mut city = current.clone();
    city.city = "宁波".into();
    s.apply(Command::EditCustomer { before: Box::new(current), after: Box::new(city) }).unwrap();
    s.undo(edited);
    let back = s.customer(10);
    assert_eq!((back.name.as_str(), back.city.as_str()), (before.name.as_str(), "宁波"));
    assert_eq!(back.contacts.len(), before.contacts.len(), "the added contact is taken back");
    // An edit with a bad phone is refused with its field.
    let mut bad = back.clone();
    bad.contacts.push(pocket_crm::domain::Contact { name: "x".into(), phone: "12ab".into(), ..Default::default() });
    assert!(matches!(
        s.archive.apply(
            Command::EditCustomer { before: Box::new(back.clone()), after: Box::new(bad) },
            &Actor::at("t", Timestamp(T0))
        ),
        Err(DomainError::Invalid(_))
    ));
}

#[test]
fn deleting_a_customer_decides_its_deals_and_undo_brings_all_back() {
    for choice in [DealsOfDeleted::Delete, DealsOfDeleted::CloseAsLost] {
        let mut s = Session::new();
        let deal = s.open_deal();
        let id = deal.customer;
        let theirs: Vec<Deal> = s.archive.deals.live().filter(|d| d.customer == id).cloned().collect();
        let token = s.apply(Command::DeleteCustomer { id, deals: choice }).unwrap();
        assert!(s.archive.customers.get(id).unwrap().meta.is_deleted());
        let pipeline = s.archive.pipeline().unwrap().clone();
        for d in &theirs {
            let now = s.archive.deals.get(d.meta.id).unwrap();
            match choice {
                DealsOfDeleted::Delete => assert!(now.meta.is_deleted()),
                DealsOfDeleted::CloseAsLost => {
                    assert!(!now.meta.is_deleted());
                    assert!(!pipeline.is_open(now), "no open deal is left on a deleted customer");
                }
            }
        }
        // Nothing new goes on its deals while it is deleted.
        let mut edit = s.archive.deals.get(deal.meta.id).unwrap().clone();
        if choice == DealsOfDeleted::CloseAsLost {
            edit.stage = pipeline.stages[0].id;
            let before = s.archive.deals.get(deal.meta.id).unwrap().clone();
            s.refuses(
                Command::EditDeal { before: Box::new(before), after: Box::new(edit) },
                DomainError::Deal(vec![DealProblem::CustomerDeleted]),
            );
        }
        s.undo(token);
        assert!(!s.archive.customers.get(id).unwrap().meta.is_deleted());
        for d in &theirs {
            let now = s.archive.deals.get(d.meta.id).unwrap();
            assert_eq!((now.meta.is_deleted(), now.stage), (false, d.stage), "{choice:?}");
        }
    }
}

#[test]
fn orders_follow_ups_and_activities_are_checked_added_removed_and_undone() {
    let mut s = Session::new();
    let id = s.customer(5).meta.id;
    let order = |product: &str, amount: i64| Transaction {
        id: EntryId::default(),
        date: NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(),
        product: product.into(),
        amount: Money(amount),
    };
    s.refuses(
        Command::AddTransaction { customer: id, transaction: order("  ", 100) },
        DomainError::Entry(EntryProblem::TextRequired),
    );
    s.refuses(
        Command::AddTransaction { customer: id, transaction: order("空调", 0) },
        DomainError::Entry(EntryProblem::AmountRequired),
    );
    s.refuses(
        Command::AddTransaction { customer: Uuid::from_u128(404), transaction: order("空调", 100) },
        DomainError::NotFound(Uuid::from_u128(404)),
    );
    let before = visible(&s.customer(5));
    let added = s.apply(Command::AddTransaction { customer: id, transaction: order("空调", 1_200_000) }).unwrap();
    assert_eq!(
        s.customer(5).lifetime_revenue().0 - s.archive.customers.get(id).map(|_| 0).unwrap(),
        s.customer(5).lifetime_revenue().0
    );
    s.undo(added);
    assert_eq!(visible(&s.customer(5)), before);

    s.refuses(
        Command::AddCommunication { customer: id, communication: communication(" ") },
        DomainError::Entry(EntryProblem::TextRequired),
    );
    let talked = s.apply(Command::AddCommunication { customer: id, communication: communication("拜访工厂") }).unwrap();
    let entry = s.customer(5).communications.iter().find(|c| c.summary == "拜访工厂").unwrap().clone();
    assert_eq!(entry.by, "经理", "who, when not given");
    let mut twice = communication("again");
    twice.id = entry.id;
    s.refuses(
        Command::AddCommunication { customer: id, communication: twice },
        DomainError::Entry(EntryProblem::RepeatedId),
    );
    let removed = s.apply(Command::RemoveEntry { record: id, entry: RecordEntry::Communication(entry.id) }).unwrap();
    assert!(s.customer(5).communications.find(entry.id).is_none());
    s.undo(removed);
    assert_eq!(
        s.customer(5).communications.find(entry.id).map(|c| c.summary.clone()),
        Some("拜访工厂".into()),
        "back, same id (its files stay attached)"
    );
    s.undo(talked);
    assert!(s.customer(5).communications.find(entry.id).is_none());

    // An activity: only a sample keeps a courier, only a quotation an amount.
    let deal = s.open_deal().meta.id;
    let activity = |kind| Activity {
        id: EntryId::default(),
        date: NaiveDate::from_ymd_opt(2026, 9, 2).unwrap(),
        kind,
        by: String::new(),
        outcome: " 客户认可 ".into(),
        courier: "顺丰".into(),
        tracking: "SF123".into(),
        amount: Money(500_000),
    };
    for kind in [ActivityKind::Sample, ActivityKind::Quotation, ActivityKind::Call] {
        s.apply(Command::AddActivity { deal, activity: activity(kind) }).unwrap();
        let stored = s.archive.deals.get(deal).unwrap().activities.iter().find(|a| a.kind == kind).unwrap().clone();
        assert_eq!(stored.outcome, "客户认可");
        assert_eq!(stored.courier.is_empty(), kind != ActivityKind::Sample, "{kind:?}");
        assert_eq!(stored.amount.0 == 0, kind != ActivityKind::Quotation, "{kind:?}");
    }
    let mut huge = activity(ActivityKind::Quotation);
    huge.amount = Money(Money::MAX.0 + 1);
    s.refuses(Command::AddActivity { deal, activity: huge }, DomainError::Entry(EntryProblem::AmountTooLarge));
}

#[test]
fn deals_are_created_edited_moved_extended_and_every_one_undone() {
    let mut s = Session::new();
    let customer = s.customer(3).meta.id;
    let first = s.archive.pipeline().unwrap().stages[0].id;
    let mut deal = Deal::blank(customer, first);
    deal.meta.id = Uuid::from_u128(77);
    deal.difficulty = 5;
    s.refuses(
        Command::CreateDeal(deal.clone()),
        DomainError::Deal(vec![DealProblem::TitleRequired, DealProblem::Difficulty]),
    );
    deal.title = "空气炸锅 OEM".into();
    deal.difficulty = 250;
    deal.expected_close = Some(NaiveDate::from_ymd_opt(2026, 1, 10).unwrap());
    s.apply(Command::CreateDeal(deal)).unwrap();
    let id = Uuid::from_u128(77);
    // Extend: 30 days past the later of today and the date it has.
    let extended = s.apply(Command::ExtendDeal { id, days: 30 }).unwrap();
    let today = s.actor().today.date;
    assert_eq!(s.archive.deals.get(id).unwrap().expected_close, Some(today + chrono::Duration::days(30)));
    s.undo(extended);
    assert_eq!(s.archive.deals.get(id).unwrap().expected_close, NaiveDate::from_ymd_opt(2026, 1, 10));
    // A move, undone; the history keeps both.
    let won = s.archive.pipeline().unwrap().stages.iter().find(|x| x.outcome == StageOutcome::Won).unwrap().id;
    let moved = s.apply(Command::MoveDeal { id, stage: won, from: Some(first) }).unwrap();
    s.undo(moved);
    let d = s.archive.deals.get(id).unwrap();
    assert_eq!(d.stage, first);
    assert_eq!(d.history.len(), 5, "created, extended and back, moved and back: {:?}", d.history);
    // An edit and its undo.
    let before = d.clone();
    let mut after = before.clone();
    after.amount = Money::from_yuan(99_000);
    after.probability = Some(35);
    let edited = s.apply(Command::EditDeal { before: Box::new(before.clone()), after: Box::new(after) }).unwrap();
    s.undo(edited);
    let d = s.archive.deals.get(id).unwrap();
    assert_eq!((d.amount, d.probability), (before.amount, before.probability));
    // Deleted and brought back.
    let deleted = s.apply(Command::DeleteDeal(id)).unwrap();
    assert!(s.archive.deals.get(id).unwrap().meta.is_deleted());
    s.undo(deleted);
    assert!(!s.archive.deals.get(id).unwrap().meta.is_deleted());
    s.refuses(Command::ExtendDeal { id: Uuid::from_u128(404), days: 30 }, DomainError::NotFound(Uuid::from_u128(404)));
}

#[test]
fn stages_hand_overs_assignments_and_expiry_are_undone() {
    let mut s = Session::new();
    let pipeline = s.archive.pipeline().unwrap().clone();
    // Removing a stage moves its deals; undone, both come back.
    let stage = pipeline.stages[1].id;
    let in_it: Vec<Uuid> = s.archive.deals.live().filter(|d| d.stage == stage).map(|d| d.meta.id).collect();
    assert!(!in_it.is_empty());
    let removed = s.apply(Command::RemoveStage { stage, move_to: pipeline.stages[2].id }).unwrap();
    assert!(s.archive.pipeline().unwrap().stage(stage).is_none());
    s.undo(removed);
    assert!(s.archive.pipeline().unwrap().stage(stage).is_some());
    assert!(in_it.iter().all(|id| s.archive.deals.get(*id).unwrap().stage == stage));
    // Saving stages without a lost one is refused.
    let mut broken: Pipeline = s.archive.pipeline().unwrap().clone();
    broken.stages.retain(|x| x.outcome != StageOutcome::Lost);
    assert!(matches!(
        s.archive.apply(Command::SavePipeline(broken), &Actor::at("t", Timestamp(T0))),
        Err(DomainError::Pipeline(_))
    ));
    // A batch assignment, undone: every record with its owner before.
    let rep = s.archive.reps.rows()[0].meta.id;
    let customers: Vec<Uuid> = s.archive.customers.rows()[..20].iter().map(|c| c.meta.id).collect();
    let owners: Vec<Option<Uuid>> = customers.iter().map(|id| s.archive.customers.get(*id).unwrap().owner).collect();
    let assigned = s
        .apply(Command::Assign(vec![Assignment { to: Some(rep), deals: vec![], customers: customers.clone() }]))
        .unwrap();
    assert!(customers.iter().all(|id| s.archive.customers.get(*id).unwrap().owner == Some(rep)));
    s.undo(assigned);
    let back: Vec<Option<Uuid>> = customers.iter().map(|id| s.archive.customers.get(*id).unwrap().owner).collect();
    assert_eq!(back, owners);
    s.refuses(
        Command::HandOver { deals: vec![], customers, to: Some(Uuid::from_u128(404)) },
        DomainError::NotFound(Uuid::from_u128(404)),
    );
    // Expiry, undone: the deals open again.
    let mut late = s.open_deal();
    let before = late.clone();
    late.expected_close = Some(NaiveDate::from_ymd_opt(2020, 1, 1).unwrap());
    s.apply(Command::EditDeal { before: Box::new(before), after: Box::new(late.clone()) }).unwrap();
    let today = s.actor().today.date;
    let expired = s.apply(Command::ExpireDeals { today }).unwrap();
    let pipeline = s.archive.pipeline().unwrap().clone();
    assert!(!pipeline.is_open(s.archive.deals.get(late.meta.id).unwrap()));
    s.undo(expired);
    assert!(pipeline.is_open(s.archive.deals.get(late.meta.id).unwrap()));
}

#[test]
fn imports_create_and_fill_and_are_undone() {
    let mut s = Session::new();
    let target = s.customer(7);
    let mut row = Customer::blank(CustomerKind::Organisation);
    row.industry = "新行业".into();
    row.contacts.push(pocket_crm::domain::Contact {
        name: "新联系人".into(),
        phone: "13900000000".into(),
        ..Default::default()
    });
    let mut fresh = Customer::blank(CustomerKind::Individual);
    fresh.meta.id = Uuid::from_u128(500);
    fresh.name = "导入的客户".into();
    let token = s.apply(Command::ImportCustomers { create: vec![fresh], fill: vec![(target.meta.id, row)] }).unwrap();
    let filled = s.customer(7);
    assert_eq!(filled.industry, "新行业");
    assert!(filled.contacts.iter().any(|c| c.name == "新联系人" && c.id != EntryId::default()));
    s.undo(token);
    assert_eq!(visible(&s.customer(7)), visible(&target));
    assert!(s.archive.customers.get(Uuid::from_u128(500)).unwrap().meta.is_deleted());
    // A replacement changes everything and offers no undo.
    let actor = s.actor();
    let applied = s.archive.apply(Command::ReplaceAll(Box::default()), &actor).unwrap();
    assert!(applied.undo_token(&s.archive).is_none());
    assert_eq!(s.archive.count(RecordKind::Customer), 0);
}

/// 01:30 on 4 December 2026 in Shanghai, which is still 3 December in UTC.
#[test]
fn at_half_past_one_in_shanghai_today_is_the_local_date_everywhere() {
    let now = Timestamp(chrono::DateTime::parse_from_rfc3339("2026-12-03T17:30:00Z").unwrap().timestamp_millis());
    let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    let today = Today::at(now, UtcOffset::CHINA);
    assert_eq!(today.date, day(12, 4));
    assert_eq!(Today::at(now, UtcOffset(0)).date, day(12, 3), "the UTC date, which the app must not use");
    let stamp = Stamp { at: Hlc::new(now.0, 0), device: pocket_crm::domain::DeviceId(3) };
    let actor = Actor { name: "王伟".into(), now, today, stamp };

    let mut s = Session::new();
    let pipeline = s.archive.pipeline().unwrap().clone();
    let mut deal = s.open_deal();
    // Reminders: a deal due on 3 December is overdue at 01:30 on the 4th.
    deal.expected_close = Some(day(12, 3));
    assert!(pipeline.attention(&deal, today).overdue);
    // Expiry: due 26 November with 7 days' grace expires on the 4th (not yet on the UTC date).
    deal.expected_close = Some(day(11, 26));
    assert!(pipeline.has_expired(&deal, today.date));
    assert!(!pipeline.has_expired(&deal, day(12, 3)));
    // A change made now is a change of the 4th (idle days count from it).
    assert_eq!(now.date(UtcOffset::CHINA), day(12, 4));

    // Extending counts 30 days from the local today when the date has passed.
    let id = deal.meta.id;
    s.archive.apply(Command::EditDeal { before: Box::new(s.open_deal_by(id)), after: Box::new(deal) }, &actor).unwrap();
    s.archive.apply(Command::ExtendDeal { id, days: 30 }, &actor).unwrap();
    assert_eq!(s.archive.deals.get(id).unwrap().expected_close, Some(day(12, 4) + chrono::Duration::days(30)));
    // The time rule closes deals past date and grace by the local date.
    let mut late = s.open_deal();
    late.expected_close = Some(day(11, 26));
    let late_id = late.meta.id;
    s.archive
        .apply(Command::EditDeal { before: Box::new(s.open_deal_by(late_id)), after: Box::new(late) }, &actor)
        .unwrap();
    s.archive.apply(Command::ExpireDeals { today: actor.today.date }, &actor).unwrap();
    assert!(!pipeline.is_open(s.archive.deals.get(late_id).unwrap()), "expired on the local date");
}

#[test]
fn reps_and_teams_are_checked_saved_and_undone() {
    use pocket_crm::domain::validate::{Field, FieldError, Problem};
    use pocket_crm::domain::{Rep, Team};
    let mut s = Session::new();
    let team_id = s.archive.teams.rows()[0].meta.id;
    let rep = |name: &str, team: Option<Uuid>| Rep {
        meta: pocket_crm::domain::Meta::new(Uuid::from_u128(900), Timestamp(0), ""),
        name: name.into(),
        team,
        email: String::new(),
        phone: String::new(),
        active: true,
    };
    let required = DomainError::Invalid(vec![FieldError { field: Field::Name, problem: Problem::Required }]);
    s.refuses(Command::SaveRep(rep("  ", None)), required.clone());
    s.refuses(Command::SaveRep(rep("赵六", Some(Uuid::from_u128(404)))), DomainError::NotFound(Uuid::from_u128(404)));
    let mut bad_mail = rep("赵六", None);
    bad_mail.email = "zhao@".into();
    s.refuses(
        Command::SaveRep(bad_mail),
        DomainError::Invalid(vec![FieldError { field: Field::Email, problem: Problem::InvalidEmail }]),
    );
    let added = s.apply(Command::SaveRep(rep(" 赵六 ", Some(team_id)))).unwrap();
    assert_eq!(s.archive.reps.get(Uuid::from_u128(900)).unwrap().name, "赵六", "trimmed");
    let moved = s.apply(Command::SaveRep(rep("赵六", None))).unwrap();
    assert_eq!(s.archive.reps.get(Uuid::from_u128(900)).unwrap().team, None);
    s.undo(moved);
    assert_eq!(s.archive.reps.get(Uuid::from_u128(900)).unwrap().team, Some(team_id));
    s.undo(added);
    assert!(s.archive.reps.live_one(Uuid::from_u128(900)).is_none(), "the new rep is taken back");

    let team = |name: &str, manager: Option<Uuid>| Team {
        meta: pocket_crm::domain::Meta::new(Uuid::from_u128(901), Timestamp(0), ""),
        name: name.into(),
        manager,
    };
    s.refuses(Command::SaveTeam(team("", None)), required);
    s.refuses(Command::SaveTeam(team("华南", Some(Uuid::from_u128(404)))), DomainError::NotFound(Uuid::from_u128(404)));
    let manager = s.archive.reps.rows()[0].meta.id;
    let saved = s.apply(Command::SaveTeam(team("华南", Some(manager)))).unwrap();
    assert_eq!(s.archive.teams.get(Uuid::from_u128(901)).unwrap().manager, Some(manager));
    s.undo(saved);
    assert!(s.archive.teams.live_one(Uuid::from_u128(901)).is_none());
}

#[test]
fn forecast_settings_categories_and_snapshots_are_checked_and_undone() {
    use pocket_crm::domain::forecast::{Category, PlanProblem, FORECAST_PLAN_ID};
    use pocket_crm::domain::snapshot::ForecastSnapshot;
    use pocket_crm::domain::{Currency, FunnelClass};
    let mut s = Session::new();
    let plan = |s: &Session| s.archive.forecast_plans.get(FORECAST_PLAN_ID).cloned();
    // Class rates: over 100 % refused; set, changed, each undone back to what it was.
    s.refuses(
        Command::SetClassRate { class: FunnelClass::A, rate: Some(10_001) },
        DomainError::Forecast(vec![PlanProblem::RateTooHigh]),
    );
    let first = s.apply(Command::SetClassRate { class: FunnelClass::A, rate: Some(9_000) }).unwrap();
    s.apply(Command::SetClassRate { class: FunnelClass::D, rate: Some(1_000) }).unwrap();
    s.undo(first);
    assert_eq!(plan(&s).unwrap().rate(FunnelClass::A), None);
    assert_eq!(plan(&s).unwrap().rate(FunnelClass::D), Some(1_000), "another class's later change stays");
    // A rate changed again since is left as it is now.
    let earlier = s.apply(Command::SetClassRate { class: FunnelClass::A, rate: Some(9_000) }).unwrap();
    s.apply(Command::SetClassRate { class: FunnelClass::A, rate: Some(8_500) }).unwrap();
    s.undo(earlier);
    assert_eq!(plan(&s).unwrap().rate(FunnelClass::A), Some(8_500));

    // The learned rates' window: 1 to 60 months; set and undone.
    s.refuses(Command::SetLearnMonths(0), DomainError::Forecast(vec![PlanProblem::MonthsOutOfRange]));
    s.refuses(Command::SetLearnMonths(61), DomainError::Forecast(vec![PlanProblem::MonthsOutOfRange]));
    let months = s.apply(Command::SetLearnMonths(6)).unwrap();
    assert_eq!(plan(&s).unwrap().learn_months, 6);
    s.undo(months);
    assert_eq!(plan(&s).unwrap().learn_months, pocket_crm::domain::forecast::DEFAULT_LEARN_MONTHS);

    // Exchange rates: none for the company currency, none of zero; set and undone.
    let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    s.refuses(
        Command::SetFxRate { currency: Currency::Cny, from: day, rate: Some(10_000) },
        DomainError::Forecast(vec![PlanProblem::BadFxRate]),
    );
    s.refuses(
        Command::SetFxRate { currency: Currency::Usd, from: day, rate: Some(0) },
        DomainError::Forecast(vec![PlanProblem::BadFxRate]),
    );
    let fx = s.apply(Command::SetFxRate { currency: Currency::Usd, from: day, rate: Some(72_345) }).unwrap();
    assert_eq!(plan(&s).unwrap().fx.len(), 1);
    s.undo(fx);
    assert!(plan(&s).unwrap().fx.is_empty());

    // A category by hand: only on an open deal, never "closed"; undone, it follows the stage.
    let open = s.open_deal().meta.id;
    s.refuses(
        Command::SetDealCategory { deal: open, category: Some(Category::Closed) },
        DomainError::Forecast(vec![PlanProblem::CategoryNotSettable]),
    );
    let pipeline = s.archive.pipeline().unwrap().clone();
    let closed = s.archive.deals.live().find(|d| !pipeline.is_open(d)).unwrap().meta.id;
    s.refuses(
        Command::SetDealCategory { deal: closed, category: Some(Category::Commit) },
        DomainError::Forecast(vec![PlanProblem::CategoryNotSettable]),
    );
    let set = s.apply(Command::SetDealCategory { deal: open, category: Some(Category::Commit) }).unwrap();
    assert_eq!(s.archive.deal_categories.get(open).unwrap().category, Some(Category::Commit));
    s.undo(set);
    assert!(s.archive.deal_categories.live_one(open).is_none());

    // A snapshot: a nil or repeated id refused; kept, and undone.
    let snapshot = |id: u128| {
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        Box::new(ForecastSnapshot {
            meta: pocket_crm::domain::Meta::new(Uuid::from_u128(id), Timestamp(0), ""),
            taken: day(10, 1),
            period_start: day(10, 1),
            period_end: day(12, 31),
            owner: None,
            team: None,
            currency: Currency::Cny,
            converted: false,
            weighted: Money(100),
            class_method: Money(90),
            closed: Money(10),
            commit: Money(20),
            best_case: Money(30),
            p10: Money(1),
            p50: Money(2),
            p90: Money(3),
            automatic: false,
        })
    };
    s.refuses(Command::SaveSnapshot(snapshot(0)), DomainError::NilId);
    let kept = s.apply(Command::SaveSnapshot(snapshot(77))).unwrap();
    s.refuses(Command::SaveSnapshot(snapshot(77)), DomainError::AlreadyExists(Uuid::from_u128(77)));
    assert_eq!(s.archive.forecast_snapshots.get(Uuid::from_u128(77)).unwrap().meta.updated_by, "经理");
    s.undo(kept);
    assert!(s.archive.forecast_snapshots.live_one(Uuid::from_u128(77)).is_none());
}

#[test]
fn the_first_run_sets_up_default_stages_once() {
    let mut archive = Archive::default();
    let actor = Actor::at("王伟", Timestamp(T0));
    archive.apply(Command::SetUpPipeline { chinese: true }, &actor).unwrap();
    let stages: Vec<String> = archive.pipeline().unwrap().stages.iter().map(|s| s.name.clone()).collect();
    assert_eq!(stages[0], "获取线索");
    // A book that has stages keeps its own.
    archive.apply(Command::SetUpPipeline { chinese: false }, &Actor::at("Wang", Timestamp(T0 + 1_000))).unwrap();
    assert_eq!(archive.pipeline().unwrap().stages[0].name, "获取线索");
}
