//! Seeded, realistic demo data: Chinese and English companies and people, reps in teams, and
//! histories, for manager demos and benchmarks. The same seed always gives the same data.

use chrono::{Duration, NaiveDate};
use uuid::Uuid;

use super::money::Money;
use super::pipeline::{Activity, Deal, DealChange, DealEvent, Pipeline};
use super::quota::RepProfile;
use super::records::{
    ActivityKind, CommKind, Communication, CompanySize, Contact, Currency, Customer, CustomerKind, Intent, Meta, Rep,
    StageOutcome, Team, Tier, Timestamp, Transaction, UtcOffset,
};
use super::revision::EntryId;
use super::Records;

/// The sizes the demo action offers.
pub const DEMO_SIZES: [usize; 5] = [100, 1_000, 10_000, 50_000, 100_000];

/// Region (province) with its cities, Chinese name first.
const REGIONS: &[(&str, &[&str])] = &[
    ("广东", &["广州", "深圳", "佛山", "东莞", "中山"]),
    ("浙江", &["杭州", "宁波", "温州", "义乌", "绍兴"]),
    ("江苏", &["南京", "苏州", "无锡", "常州"]),
    ("上海", &["上海"]),
    ("北京", &["北京"]),
    ("山东", &["济南", "青岛", "烟台"]),
    ("福建", &["福州", "厦门", "泉州"]),
    ("四川", &["成都", "绵阳"]),
    ("湖北", &["武汉", "宜昌"]),
    ("河南", &["郑州", "洛阳"]),
];

const INDUSTRIES: &[&str] =
    &["家电", "电子元器件", "纺织服装", "机械设备", "食品饮料", "建材", "化工", "物流", "软件", "医疗器械"];
const LEAD_SOURCES: &[&str] = &["广交会", "阿里巴巴", "官网", "客户介绍", "陌生拜访", "展会", "抖音"];
const CN_PREFIX: &[&str] = &[
    "恒达",
    "华美",
    "金鹏",
    "新世纪",
    "宏远",
    "瑞丰",
    "天成",
    "东方",
    "永盛",
    "鑫源",
    "海纳",
    "博远",
    "中联",
    "佳禾",
    "盛世",
];
const CN_SUFFIX: &[&str] = &["有限公司", "股份有限公司", "贸易有限公司", "科技有限公司", "实业有限公司"];
const EN_PREFIX: &[&str] = &[
    "Northwind",
    "Brightway",
    "Bluepeak",
    "Silverline",
    "Evergreen",
    "Harbor",
    "Summit",
    "Golden Gate",
    "Redwood",
    "Oakridge",
];
const EN_SUFFIX: &[&str] = &["Co., Ltd.", "Ltd", "Inc.", "LLC", "Group", "Trading Co."];
/// English words for INDUSTRIES, position by position.
const EN_INDUSTRIES: &[&str] = &[
    "Home Appliances",
    "Components",
    "Apparel",
    "Machinery",
    "Foods",
    "Building Supply",
    "Chemicals",
    "Logistics",
    "Software",
    "Medical",
];
const SURNAMES: &[&str] = &["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡"];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "建华",
    "志强", "晓东",
];
const EN_FIRST: &[&str] = &["James", "Mary", "John", "Linda", "David", "Susan", "Michael", "Emma", "Daniel", "Olivia"];
const EN_LAST: &[&str] = &["Smith", "Brown", "Wilson", "Taylor", "Clark", "Walker", "Hall", "Young", "King", "Wright"];
const TITLES: &[&str] = &["总经理", "采购经理", "采购专员", "技术总监", "Purchasing Manager", "CEO", "财务"];
const PRODUCTS: &[&str] = &["空气炸锅", "电饭煲", "电水壶", "微波炉", "吸尘器", "LED灯具", "控制板", "Sample kit"];
const SUMMARIES: &[&str] = &[
    "电话沟通需求，客户关注价格",
    "拜访工厂，介绍新款产品",
    "发送报价单，等待回复",
    "Sent catalogue and price list",
    "客户要求寄样品",
    "Follow-up call about delivery terms",
    "微信沟通付款方式",
];

/// At most this many deals, so large demos measure customers as before.
const MAX_DEMO_DEALS: usize = 7_500;
const DEAL_PRODUCTS: &[&str] = &[
    "空气炸锅 OEM",
    "电饭煲 年度采购",
    "LED灯具 订单",
    "控制板 试单",
    "Kettle private label",
    "Vacuum cleaner order",
    "微波炉 新品",
];
const OUTCOMES: &[&str] = &[
    "客户认可样品",
    "需要降价 5%",
    "等待老板确认",
    "Asked for a better lead time",
    "约定下周验厂",
    "Sent revised quotation",
];

fn pick<'a, T>(rng: &mut fastrand::Rng, items: &'a [T]) -> &'a T {
    &items[rng.usize(..items.len())]
}

fn seeded_id(rng: &mut fastrand::Rng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.u128(..).to_le_bytes()).into_uuid()
}

fn phone(rng: &mut fastrand::Rng) -> String {
    format!("1{}{:09}", pick(rng, &[3, 5, 7, 8, 9]), rng.u32(..1_000_000_000))
}

fn person_name(rng: &mut fastrand::Rng, english: bool) -> String {
    if english {
        format!("{} {}", pick(rng, EN_FIRST), pick(rng, EN_LAST))
    } else {
        format!("{}{}", pick(rng, SURNAMES), pick(rng, GIVEN))
    }
}

/// Generates `count` customers (plus 3 teams of 4 reps) from `seed`, dated up to `now`.
pub fn generate(seed: u64, count: usize, now: Timestamp, offset: UtcOffset, actor: &str) -> Records {
    generate_with(seed, count, None, 12, now, offset, actor)
}

/// `generate`, but with exactly `deals` deals (customers take several each as needed) and `reps`
/// reps (at least one): the forecast's and the quotas' benchmarks want more deals than the
/// demo's usual three for every four customers, and more reps than its twelve.
pub fn generate_with_deals(
    seed: u64,
    customers: usize,
    deals: usize,
    reps: usize,
    now: Timestamp,
    offset: UtcOffset,
    actor: &str,
) -> Records {
    generate_with(seed, customers, Some(deals), reps.max(1), now, offset, actor)
}

fn generate_with(
    seed: u64,
    count: usize,
    deals: Option<usize>,
    rep_count: usize,
    now: Timestamp,
    offset: UtcOffset,
    actor: &str,
) -> Records {
    let mut rng = fastrand::Rng::with_seed(seed);
    let meta = |rng: &mut fastrand::Rng, age_days: i64| {
        let created = Timestamp(now.0 - age_days * 86_400_000);
        let mut m = Meta::new(seeded_id(rng), created, actor);
        m.updated_at = Timestamp(created.0 + rng.i64(0..=(now.0 - created.0).max(0)));
        m
    };
    let mut teams: Vec<Team> = [("华南团队", "South"), ("华东团队", "East"), ("Key Accounts", "KA")]
        .iter()
        .map(|(name, _)| Team { meta: meta(&mut rng, 400), name: (*name).to_owned(), manager: None })
        .collect();
    let reps: Vec<Rep> = (0..rep_count)
        .map(|i| Rep {
            meta: meta(&mut rng, 400),
            name: person_name(&mut rng, i % 6 == 5),
            team: Some(teams[i % teams.len()].meta.id),
            email: format!("rep{}@pocketcrm.example", i + 1),
            phone: phone(&mut rng),
            // One of the twelve left (her history stays).
            active: i != 11,
        })
        .collect();
    // Each team's first rep manages it.
    for (team, rep) in teams.iter_mut().zip(&reps) {
        team.manager = Some(rep.meta.id);
    }
    let today = now.date(offset);
    let customers = (0..count)
        .map(|_| {
            let english = rng.u8(..10) < 3;
            let kind = if rng.u8(..10) < 8 { CustomerKind::Organisation } else { CustomerKind::Individual };
            let (region, cities) = pick(&mut rng, REGIONS);
            let city = *pick(&mut rng, cities);
            let industry = rng.usize(..INDUSTRIES.len());
            let name = match (kind, english) {
                (CustomerKind::Organisation, false) => {
                    format!("{city}{}{}{}", pick(&mut rng, CN_PREFIX), INDUSTRIES[industry], pick(&mut rng, CN_SUFFIX))
                }
                (CustomerKind::Organisation, true) => {
                    format!("{} {} {}", pick(&mut rng, EN_PREFIX), EN_INDUSTRIES[industry], pick(&mut rng, EN_SUFFIX))
                }
                (CustomerKind::Individual, _) => person_name(&mut rng, english),
            };
            let contacts = match kind {
                CustomerKind::Individual => {
                    vec![Contact { name: name.clone(), phone: phone(&mut rng), ..Contact::default() }]
                }
                CustomerKind::Organisation => (0..rng.usize(1..=2))
                    .map(|_| Contact {
                        id: EntryId::default(),
                        name: person_name(&mut rng, english),
                        title: pick(&mut rng, TITLES).to_string(),
                        phone: phone(&mut rng),
                        email: if rng.bool() {
                            format!("contact{}@example.com", rng.u32(..100_000))
                        } else {
                            String::new()
                        },
                        wechat: String::new(),
                    })
                    .collect(),
            };
            let tier = *pick(
                &mut rng,
                &[
                    Tier::Strategic,
                    Tier::Key,
                    Tier::Key,
                    Tier::Regular,
                    Tier::Regular,
                    Tier::Regular,
                    Tier::Prospect,
                    Tier::Prospect,
                ],
            );
            let date_within =
                |rng: &mut fastrand::Rng, days: i64| -> NaiveDate { today - Duration::days(rng.i64(0..days)) };
            let transactions = (0..rng.usize(0..=2))
                .map(|_| Transaction {
                    id: EntryId::default(),
                    date: date_within(&mut rng, 720),
                    product: pick(&mut rng, PRODUCTS).to_string(),
                    amount: Money::from_yuan(rng.i64(1..500) * 100),
                })
                .collect();
            let communications = (0..rng.usize(0..=2))
                .map(|_| Communication {
                    id: EntryId::default(),
                    date: date_within(&mut rng, 180),
                    kind: *pick(&mut rng, CommKind::ALL),
                    summary: pick(&mut rng, SUMMARIES).to_string(),
                    by: String::new(),
                })
                .collect();
            Customer {
                meta: {
                    let age = rng.i64(1..1000);
                    meta(&mut rng, age)
                },
                kind,
                name,
                industry: INDUSTRIES[industry].to_owned(),
                region: region.to_string(),
                city: city.to_owned(),
                address: String::new(),
                size: (kind == CustomerKind::Organisation).then(|| *pick(&mut rng, CompanySize::ALL)),
                potential_value: Money::from_yuan(rng.i64(1..200) * 5_000),
                intent: *pick(&mut rng, Intent::ALL),
                tier,
                tags: Vec::new(),
                lead_source: pick(&mut rng, LEAD_SOURCES).to_string(),
                owner: (rng.u8(..10) < 9).then(|| reps[rng.usize(..reps.len())].meta.id),
                notes: String::new(),
                contacts: contacts.into(),
                transactions,
                communications,
                owner_history: Vec::new(),
            }
        })
        .collect();
    let customers: Vec<Customer> = customers;
    let pipeline = Pipeline::defaults(true, now, actor);
    let deals = demo_deals(&mut rng, &customers, &pipeline, now, offset, actor, deals);
    let rep_profiles = rep_profiles(seed, &reps, today, now, actor);
    Records { teams, reps, customers, deals, pipelines: vec![pipeline], rep_profiles, ..Records::default() }.numbered()
}

/// Profiles that make splitting by capacity or experience show a difference: capacities from a
/// part-timer's 60 % to a lead's 120 %, a few years' experience each, and a leaving day (two
/// months ago) for the rep who left. Drawn from their own generator so the rest of the demo stays
/// what the same seed always gave.
fn rep_profiles(seed: u64, reps: &[Rep], today: NaiveDate, now: Timestamp, actor: &str) -> Vec<RepProfile> {
    let mut rng = fastrand::Rng::with_seed(seed ^ 0x5eed_9e0f);
    reps.iter()
        .map(|rep| {
            let experience_years = rng.u8(0..9);
            let started = today - Duration::days(i64::from(experience_years) * 365 + rng.i64(30..300));
            RepProfile {
                meta: Meta::new(rep.meta.id, now, actor),
                capacity: *pick(&mut rng, &[60, 80, 100, 100, 100, 120]),
                experience_years,
                started: Some(started),
                left: (!rep.active).then(|| today - Duration::days(60)),
            }
        })
        .collect()
}

/// Deals for the first customers (about three for every four), consistent with them: the
/// customer's owner and lead source, a history that walked the stages, activities since.
fn demo_deals(
    rng: &mut fastrand::Rng,
    customers: &[Customer],
    pipeline: &Pipeline,
    now: Timestamp,
    offset: UtcOffset,
    actor: &str,
    exactly: Option<usize>,
) -> Vec<Deal> {
    let today = now.date(offset);
    let cap = exactly.unwrap_or(MAX_DEMO_DEALS);
    let open: Vec<usize> =
        (0..pipeline.stages.len()).filter(|&i| pipeline.stages[i].outcome == StageOutcome::Open).collect();
    let mut deals = Vec::new();
    // Over the customers once (about three deals for every four), or as often as `exactly` needs.
    let live: Vec<&Customer> = customers.iter().filter(|c| !c.meta.is_deleted()).collect();
    let rounds = if exactly.is_some() && !live.is_empty() { usize::MAX } else { 1 };
    for customer in live.iter().cycle().take(live.len().saturating_mul(rounds)) {
        for _ in 0..[0, 0, 1, 2][rng.usize(..4)] {
            if deals.len() == cap {
                return deals;
            }
            // Two in three still open; the rest won or lost.
            let stage_at = if rng.u8(..3) < 2 {
                open[rng.usize(..open.len())]
            } else {
                pipeline.stages.len() - 1 - rng.usize(..2)
            };
            let age_days = rng.i64(5..200);
            let created = Timestamp(now.0 - age_days * 86_400_000);
            let mut history = vec![DealEvent {
                id: EntryId::default(),
                at: created,
                by: actor.to_owned(),
                change: DealChange::Created { stage: pipeline.stages[0].id },
            }];
            let walked = if pipeline.stages[stage_at].outcome == StageOutcome::Open {
                stage_at
            } else {
                rng.usize(..open.len())
            };
            let mut at = created.0;
            for step in 1..=walked.max(1).min(stage_at) {
                at += rng.i64(1..=(age_days * 86_400_000 / (walked as i64 + 2)).max(2));
                history.push(DealEvent {
                    id: EntryId::default(),
                    at: Timestamp(at),
                    by: actor.to_owned(),
                    change: DealChange::Stage { from: pipeline.stages[step - 1].id, to: pipeline.stages[step].id },
                });
            }
            if stage_at >= open.len() {
                history.push(DealEvent {
                    id: EntryId::default(),
                    at: Timestamp(at + 86_400_000),
                    by: actor.to_owned(),
                    change: DealChange::Stage { from: pipeline.stages[walked].id, to: pipeline.stages[stage_at].id },
                });
            }
            let activities = (0..rng.usize(0..=3))
                .map(|_| {
                    let kind = *pick(rng, ActivityKind::ALL);
                    Activity {
                        id: EntryId::default(),
                        date: today - Duration::days(rng.i64(0..age_days)),
                        kind,
                        by: actor.to_owned(),
                        outcome: pick(rng, OUTCOMES).to_string(),
                        courier: if kind == ActivityKind::Sample {
                            pick(rng, &["顺丰", "DHL", "EMS"]).to_string()
                        } else {
                            String::new()
                        },
                        tracking: if kind == ActivityKind::Sample {
                            format!("SF{:010}", rng.u64(..10_000_000_000))
                        } else {
                            String::new()
                        },
                        amount: if kind == ActivityKind::Quotation {
                            Money::from_yuan(rng.i64(1..200) * 1_000)
                        } else {
                            Money::ZERO
                        },
                    }
                })
                .collect();
            let expected_close = today + Duration::days(rng.i64(-10..120));
            let mut stage = pipeline.stages[stage_at].id;
            let mut last_change = history.last().map_or(created.0, |e| e.at.0);
            // An open deal past its date and grace is closed as expired, as the app would have
            // done on the day after the grace ran out: the demo is as the app leaves it today.
            if pipeline.stages[stage_at].outcome == StageOutcome::Open {
                if let Some(lost) = pipeline.lost_stage().map(|s| s.id) {
                    let due = expected_close + Duration::days(pipeline.grace_days as i64 + 1);
                    if due <= today {
                        last_change = (now.0 - (today - due).num_days() * 86_400_000).max(last_change + 1);
                        history.push(DealEvent {
                            id: EntryId::default(),
                            at: Timestamp(last_change),
                            by: actor.to_owned(),
                            change: DealChange::Expired { from: stage, to: lost },
                        });
                        stage = lost;
                    }
                }
            }
            deals.push(Deal {
                meta: {
                    let mut m = Meta::new(seeded_id(rng), created, actor);
                    m.updated_at = Timestamp(last_change);
                    m
                },
                customer: customer.meta.id,
                title: format!("{} · {}", pick(rng, DEAL_PRODUCTS), short_name(&customer.name)),
                amount: Money::from_yuan(rng.i64(1..400) * 5_000),
                currency: if rng.u8(..10) < 8 { Currency::Cny } else { Currency::Usd },
                owner: customer.owner,
                lead_source: customer.lead_source.clone(),
                expected_close: Some(expected_close),
                stage,
                probability: None,
                difficulty: *pick(rng, &[100, 100, 100, 150, 200, 250]),
                next_step: String::new(),
                activities,
                history,
            });
        }
    }
    deals
}

/// A customer's name as a deal title carries it: two words of a Latin name ("Harbor
/// Building"), eight characters of a Chinese one ("青岛佳禾纺织服装").
fn short_name(name: &str) -> String {
    if name.contains(' ') {
        name.split_whitespace().take(2).collect::<Vec<_>>().join(" ")
    } else {
        name.chars().take(8).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::validate::validate_customer;
    use std::collections::HashSet;

    #[test]
    fn same_seed_same_data_and_every_customer_is_valid() {
        let now = Timestamp(1_790_000_000_000);
        let a = generate(7, 500, now, UtcOffset::CHINA, "demo");
        let b = generate(7, 500, now, UtcOffset::CHINA, "demo");
        assert_eq!(a.customers, b.customers);
        assert_ne!(a.customers, generate(8, 500, now, UtcOffset::CHINA, "demo").customers);
        for c in &a.customers {
            assert!(validate_customer(c).is_empty(), "{c:?}: {:?}", validate_customer(c));
            assert!(c.meta.created_at <= c.meta.updated_at && c.meta.updated_at <= now);
            if let Some(owner) = c.owner {
                assert!(a.reps.iter().any(|r| r.meta.id == owner));
            }
        }
        let ids: HashSet<Uuid> = a.customers.iter().map(|c| c.id()).collect();
        assert_eq!(ids.len(), 500, "ids are unique");
        assert_eq!(a.deals, b.deals);
    }

    #[test]
    fn deals_fit_their_customers_and_the_pipeline_and_store_as_they_are() {
        let now = Timestamp(1_790_000_000_000);
        let d = generate(3, 2_000, now, UtcOffset::CHINA, "demo");
        assert!((1_000..2_000).contains(&d.deals.len()), "{}", d.deals.len());
        let pipeline = d.pipelines[0].clone();
        let open = d.deals.iter().filter(|x| pipeline.is_open(x)).count();
        assert!(open * 2 > d.deals.len() && open < d.deals.len(), "mostly open, some closed: {open}");
        let mut archive = crate::domain::Archive::from_records(Records {
            customers: d.customers.clone(),
            reps: d.reps,
            pipelines: d.pipelines,
            ..Records::default()
        });
        let actor = crate::domain::Actor::at("t", now);
        for deal in &d.deals {
            let customer = d.customers.iter().find(|c| c.id() == deal.customer).expect("a real customer");
            assert_eq!(deal.owner, customer.owner);
            // The title names the customer without cutting a word in two.
            let named = deal.title.rsplit(" · ").next().unwrap();
            assert!(customer.name.starts_with(named), "{} / {}", deal.title, customer.name);
            assert!(
                !customer.name.contains(' ')
                    || customer.name[named.len()..].is_empty()
                    || customer.name[named.len()..].starts_with(' '),
                "{}",
                deal.title
            );
            assert!(deal.history.windows(2).all(|w| w[0].at <= w[1].at) && deal.history[0].at == deal.meta.created_at);
            assert!(deal.activities.iter().all(|x| x.date <= now.date(UtcOffset::CHINA)));
            // Nothing the app would expire on opening: those are already closed as expired.
            assert!(!pipeline.has_expired(deal, now.date(UtcOffset::CHINA)), "{deal:?}");
            assert!(deal.meta.updated_at >= deal.history.last().unwrap().at);
            // Every demo deal is one the app itself would accept.
            archive.apply(crate::domain::Command::CreateDeal(deal.clone()), &actor).unwrap();
        }
        let expired =
            d.deals.iter().filter(|x| x.history.iter().any(|e| matches!(e.change, DealChange::Expired { .. }))).count();
        assert!(
            expired > 0
                && d.deals.iter().all(|x| !x.history.iter().any(|e| matches!(e.change, DealChange::Expired { .. }))
                    || !pipeline.is_open(x)),
            "{expired}"
        );
        assert_eq!(generate(3, 50_000, now, UtcOffset::CHINA, "demo").deals.len(), MAX_DEMO_DEALS);
    }

    #[test]
    fn every_rep_has_a_profile_the_app_accepts_and_capacities_differ() {
        let now = Timestamp(1_790_000_000_000);
        let d = generate(9, 50, now, UtcOffset::CHINA, "demo");
        assert_eq!(d.rep_profiles.len(), d.reps.len());
        let capacities: HashSet<u16> = d.rep_profiles.iter().map(|p| p.capacity).collect();
        assert!(capacities.len() > 1, "{capacities:?}");
        let mut archive = crate::domain::Archive::from_records(Records {
            reps: d.reps.clone(),
            teams: d.teams.clone(),
            ..Records::default()
        });
        let actor = crate::domain::Actor::at("t", now);
        for (rep, profile) in d.reps.iter().zip(&d.rep_profiles) {
            assert_eq!(profile.meta.id, rep.meta.id);
            assert_eq!(profile.left.is_some(), !rep.active, "only the rep who left has a leaving day");
            archive.apply(crate::domain::Command::SaveRepProfile(profile.clone()), &actor).unwrap();
        }
    }

    #[test]
    fn a_benchmark_demo_has_exactly_the_deals_asked_for_on_its_own_customers() {
        let d = generate_with_deals(5, 300, 2_000, 200, Timestamp(1_790_000_000_000), UtcOffset::CHINA, "demo");
        assert_eq!(d.reps.len(), 200);
        assert_eq!((d.customers.len(), d.deals.len()), (300, 2_000));
        let ids: std::collections::HashSet<_> = d.customers.iter().map(|c| c.meta.id).collect();
        assert!(d.deals.iter().all(|x| ids.contains(&x.customer)));
        assert!(generate_with_deals(5, 0, 10, 12, Timestamp(1_790_000_000_000), UtcOffset::CHINA, "demo")
            .deals
            .is_empty());
    }

    #[test]
    fn mixes_languages_kinds_and_regions() {
        let d = generate(1, 1000, Timestamp(1_790_000_000_000), UtcOffset::CHINA, "demo");
        let chinese = d.customers.iter().filter(|c| c.name.chars().any(|ch| ch > '\u{2e80}')).count();
        let individuals = d.customers.iter().filter(|c| c.kind == CustomerKind::Individual).count();
        let regions: HashSet<&str> = d.customers.iter().map(|c| c.region.as_str()).collect();
        assert!((500..950).contains(&chinese), "{chinese}");
        assert!((100..350).contains(&individuals), "{individuals}");
        assert_eq!(regions.len(), REGIONS.len());
    }
}
