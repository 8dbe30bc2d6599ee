//! A door for the end-to-end tests that run hundreds of commands in several tabs at once:
//! `window.pocketTest(line)` runs one command through the app's own path (`AppState::execute`:
//! applied at once, written, other tabs told) and resolves to how it ended. The commands are the
//! ones the forms send; the tests check afterwards that nothing saved was lost. Lines are
//! tab-separated: `create id name`, `rep id name`, `owner customer-id rep-id`, `rename id name`, `city id city`, `delete id`,
//! `followup id text`, `import n prefix`, `scramble n seed` (n random edits), `demo customers deals reps` (demo data with that many
//! deals and reps, for the forecast's and quotas' benchmarks), `win` (an open deal due this
//! month moved to the won stage), and `digest` (every customer, one line each).

use leptos::prelude::*;
use uuid::Uuid;
use wasm_bindgen::prelude::*;

use super::state::AppState;
use crate::domain::{CommKind, Command, Communication, Customer, CustomerKind, DealsOfDeleted};
use crate::store::ActionError;

/// Installs `window.pocketTest`.
pub fn install(state: AppState) {
    let run = Closure::<dyn Fn(String) -> js_sys::Promise>::new(move |line: String| {
        wasm_bindgen_futures::future_to_promise(async move {
            Ok(JsValue::from_str(&super::areas::run_test_line(state, line).await))
        })
    });
    let _ = js_sys::Reflect::set(&window(), &JsValue::from_str("pocketTest"), run.as_ref());
    run.forget();
}

/// Runs one line (see the module's text); called through `areas::run_test_line`.
pub async fn run(state: AppState, line: &str) -> String {
    let parts: Vec<&str> = line.split('\t').collect();
    let id = |i: usize| parts.get(i).and_then(|p| p.parse::<Uuid>().ok()).unwrap_or_default();
    let text = |i: usize| parts.get(i).copied().unwrap_or_default().to_owned();
    let current = |id: Uuid| state.with_data(|d| d.archive().customers.get(id).cloned()).flatten();
    let edit = |id: Uuid, change: &dyn Fn(&mut Customer)| {
        current(id).map(|before| {
            let mut after = before.clone();
            change(&mut after);
            Command::EditCustomer { before: Box::new(before), after: Box::new(after) }
        })
    };
    let command = match parts.first().copied().unwrap_or_default() {
        "create" => {
            let mut c = Customer::blank(CustomerKind::Organisation);
            c.meta.id = id(1);
            c.name = text(2);
            Some(Command::CreateCustomer(c))
        }
        "rep" => {
            let meta = crate::domain::Meta::new(id(1), super::clock::now(), &state.user.get_untracked());
            let rep = crate::domain::Rep {
                meta,
                name: text(2),
                team: None,
                email: String::new(),
                phone: String::new(),
                active: true,
            };
            Some(Command::SaveRep(rep))
        }
        "owner" => edit(id(1), &|c| c.owner = Some(id(2))),
        "scramble" => return scramble(state, text(1).parse().unwrap_or(0), text(2).parse().unwrap_or(1)).await,
        "rename" => edit(id(1), &|c| c.name = text(2)),
        "city" => edit(id(1), &|c| c.city = text(2)),
        "delete" => Some(Command::DeleteCustomer { id: id(1), deals: DealsOfDeleted::Delete }),
        "followup" => {
            let entry = state.new_entry_id();
            let communication = Communication {
                id: entry,
                date: super::clock::today().date,
                kind: CommKind::Call,
                summary: text(2),
                by: String::new(),
            };
            let done = state.execute(Command::AddCommunication { customer: id(1), communication }).await;
            return outcome(done.map(|saved| (entry.hex(), saved.seq)));
        }
        "import" => {
            let n: usize = text(1).parse().unwrap_or(0);
            let create: Vec<Customer> = (0..n)
                .map(|i| {
                    let mut c = Customer::blank(CustomerKind::Organisation);
                    c.meta.id = Uuid::new_v4();
                    c.name = format!("{} {i}", text(2));
                    c
                })
                .collect();
            let ids: Vec<String> = create.iter().map(|c| c.meta.id.to_string()).collect();
            let done = state.execute(Command::ImportCustomers { create, fill: vec![] }).await;
            return outcome(done.map(|saved| (ids.join(","), saved.seq)));
        }
        "demo" => {
            let (customers, deals) = (text(1).parse().unwrap_or(0), text(2).parse().unwrap_or(0));
            let reps = text(3).parse().unwrap_or(12);
            match super::areas::benchmark_demo(customers, deals, reps).await {
                Ok(data) => Some(Command::ReplaceAll(Box::new(data))),
                Err(_) => return "failed\tthe settings chunk did not load".to_owned(),
            }
        }
        "digest" => return digest(state),
        "win" => {
            // The first open deal in yuan due this month (else any), moved to the won stage.
            let found = state
                .with_data(|d| {
                    let a = d.archive();
                    let pipeline = a.pipeline()?;
                    let won = pipeline.stages.iter().find(|s| s.outcome == crate::domain::StageOutcome::Won)?.id;
                    let today = super::clock::today().date;
                    let month =
                        crate::domain::forecast::Period::containing(crate::domain::forecast::PeriodKind::Month, today);
                    // In yuan, owned: it counts in attainment whatever the exchange rates.
                    let open = || {
                        a.deals.live().filter(|x| {
                            pipeline.is_open(x) && x.owner.is_some() && x.currency == crate::domain::Currency::Cny
                        })
                    };
                    let deal = open()
                        .find(|x| x.expected_close.is_some_and(|c| month.contains(c)))
                        .or_else(|| open().next())?;
                    Some((deal.meta.id, deal.stage, won))
                })
                .flatten();
            let Some((id, from, stage)) = found else { return "refused	no open deal".to_owned() };
            let done = state.execute(Command::MoveDeal { id, stage, from: Some(from) }).await;
            return outcome(done.map(|saved| (id.to_string(), saved.seq)));
        }
        _ => None,
    };
    match command {
        Some(command) => outcome(state.execute(command).await.map(|saved| (String::new(), saved.seq))),
        None => "refused\tno such command or record".to_owned(),
    }
}

/// `saved info seq` (seq: the change log entry the save became, which orders saves across
/// tabs), `refused reason`, or `failed reason`.
fn outcome(result: Result<(String, u64), ActionError>) -> String {
    match result {
        Ok((info, seq)) => format!("saved\t{info}\t{seq}"),
        Err(ActionError::Domain(e) | ActionError::Refused(e)) => format!("refused\t{e:?}"),
        Err(ActionError::Store(e)) => format!("failed\t{e}"),
    }
}

/// `n` random edits (a name, a city or the notes of a random customer), each saved as the form
/// saves it, from a seeded generator (the bench's replicas each use their own seed).
async fn scramble(state: AppState, n: usize, seed: u64) -> String {
    const CITIES: [&str; 6] = ["北京", "上海", "杭州", "苏州", "深圳", "成都"];
    let ids: Vec<Uuid> =
        state.with_data(|d| d.archive().customers.live().map(|c| c.meta.id).collect()).unwrap_or_default();
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut saved = 0;
    for i in 0..n {
        if ids.is_empty() {
            break;
        }
        let id = ids[rng.usize(..ids.len())];
        let Some(before) = state.with_data(|d| d.archive().customers.get(id).cloned()).flatten() else { continue };
        let mut after = before.clone();
        match rng.u8(..3) {
            0 => after.name = format!("客户 {seed}-{i}"),
            1 => after.city = CITIES[rng.usize(..CITIES.len())].to_owned(),
            _ => after.notes = format!("备注 {seed}-{i}"),
        }
        let command = Command::EditCustomer { before: Box::new(before), after: Box::new(after) };
        if state.execute(command).await.is_ok() {
            saved += 1;
        }
    }
    format!("saved\t{saved}")
}

/// Every customer as `id name city deleted follow-up-ids`, sorted by id, after the last log
/// entry this tab has taken in.
fn digest(state: AppState) -> String {
    state
        .with_data(|d| {
            let mut lines: Vec<String> = d
                .archive()
                .customers
                .rows()
                .iter()
                .map(|c| {
                    let log: Vec<String> = c.communications.iter().map(|e| e.id.hex()).collect();
                    format!("{}\t{}\t{}\t{}\t{}", c.meta.id, c.name, c.city, c.meta.is_deleted(), log.join(","))
                })
                .collect();
            lines.sort();
            format!("seen {}\n{}", d.replica.seen(), lines.join("\n"))
        })
        .unwrap_or_default()
}
