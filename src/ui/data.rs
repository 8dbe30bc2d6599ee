//! Import, export, backup and restore: an area loaded on first use (see `areas`), working on
//! the app's one copy of the data. Files are read and written in the worker (`crate::jobs`);
//! this page shows the preview and mapping, the problems and the choices, and commits an import
//! or a restore as one transaction.

use leptos::prelude::*;
use uuid::Uuid;

use super::attachments::size_text;
use super::clock;
use super::jobs::{self, download, read_file};
use super::perf;
use super::route::Route;
use super::state::{pause, tr, use_app, AppState};
use crate::domain::backup::days_since;
use crate::domain::dedupe::{plan_decided, Decider, Decision, DuplicateChoice, PlanCounts};
use crate::domain::{Command, Customer, RecordKind};
use crate::i18n::{Lang, Msg, ToolMsg};
use crate::io::backup::{Contents, StoredFile};
use crate::io::export::header;
use crate::io::mapping::{with_remembered, Target};
use crate::jobs::{CheckedRows, FileJob as Job, FileOutcome as Outcome, Opened};

/// What checking found and what importing would do.
#[derive(Clone, Copy, Debug, PartialEq)]
struct PlanSummary {
    good: usize,
    bad: usize,
    in_store: usize,
    in_file: usize,
    create: usize,
    update: usize,
    skipped: usize,
}

/// How many rows are read, decided or saved in one part, between pauses (about 20 ms each).
const PART: usize = 10_000;

/// The rows checked good, what was wrong with the others, and the duplicates as last decided.
struct CheckState {
    customers: Vec<Customer>,
    found: CheckedRows,
    decided: Option<Decided>,
}

/// Each row's fate under `choice`, decided on the archive at `version`.
struct Decided {
    choice: DuplicateChoice,
    version: u64,
    decisions: Vec<Decision>,
    counts: PlanCounts,
}

/// Decides every row's duplicates against the store and the earlier rows, a part at a time
/// with pauses in between. None if `current()` turns false meanwhile (the check was reset) or
/// the store is not loaded.
async fn decide_in_parts(
    state: AppState,
    rows: &[Customer],
    choice: DuplicateChoice,
    current: &dyn Fn() -> bool,
) -> Option<Decided> {
    let (stored, version) = state.with_data(|d| (d.archive().customers.len(), d.archive().version()))?;
    let mut decider = Decider::new(stored + rows.len(), choice);
    for start in (0..stored).step_by(PART) {
        state.with_data(|d| {
            decider
                .add_stored(d.archive().customers.rows().iter().skip(start).take(PART).filter(|c| !c.meta.is_deleted()))
        });
        pause(0).await;
        if !current() {
            return None;
        }
    }
    for part in rows.chunks(PART) {
        decider.decide(part.iter());
        pause(0).await;
        if !current() {
            return None;
        }
    }
    let (decisions, counts) = decider.finish();
    Some(Decided { choice, version, decisions, counts })
}

/// Where the import stands.
#[derive(Clone, Debug, PartialEq)]
enum Step {
    Idle,
    Busy(ToolMsg),
    Opened,
    Checked,
}

/// Today's date for file names.
fn today() -> String {
    crate::ui::clock::today().date.to_string()
}

fn owners(state: &AppState) -> Vec<(Uuid, String)> {
    state.with_data(|d| d.archive().reps.live().map(|r| (r.meta.id, r.name.clone())).collect()).unwrap_or_default()
}

fn target_label(lang: Lang, target: Target) -> String {
    match target {
        Target::Ignore => lang.t(ToolMsg::SkipColumn).to_owned(),
        t => header(lang, t).to_owned(),
    }
}

/// Exports `ids` (in this order) as CSV or XLSX through the worker and offers the file.
pub fn export_customers(state: AppState, ids: Vec<u32>, xlsx: bool) {
    let customers = state
        .with_data(|d| {
            let rows = d.archive().customers.rows();
            ids.iter()
                .filter_map(|&r| rows.get(r as usize))
                .filter(|c| !c.meta.is_deleted())
                .cloned()
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let count = customers.len();
    let lang = state.lang.get_untracked();
    let job = Job::ExportSheet { customers, owners: owners(&state), lang, xlsx };
    leptos::task::spawn_local(async move {
        let started = perf::now();
        match jobs::run::<_, Outcome>(jobs::Kind::Files, job).await {
            Ok(Outcome::Bytes(bytes)) => {
                perf::record(if xlsx { "export:xlsx" } else { "export:csv" }, perf::now() - started);
                let (ext, mime) = if xlsx {
                    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
                } else {
                    ("csv", "text/csv;charset=utf-8")
                };
                let name = format!("{}-{}.{ext}", if lang == Lang::Zh { "客户" } else { "customers" }, today());
                if download(&bytes, &name, mime).is_ok() {
                    state.show_toast(lang.exported(count), false, None);
                }
            }
            _ => state.show_toast(state.t(Msg::ErrWorker).to_owned(), true, None),
        }
    });
}

#[component]
pub fn DataPage() -> impl IntoView {
    // Start the files worker now (its module is large): the first file then opens at once.
    leptos::task::spawn_local(async {
        let _ = jobs::run::<_, Outcome>(jobs::Kind::Files, Job::ReadBackup { bytes: Vec::new() }).await;
    });
    view! {
        <section class="page data">
            <h1>{tr(ToolMsg::DataTitle)}</h1>
            <ImportCard />
            <ExportCard />
            <BackupCard />
        </section>
    }
}

#[component]
fn ImportCard() -> impl IntoView {
    let state = use_app();
    let step = RwSignal::new(Step::Idle);
    let file_name = RwSignal::new(String::new());
    let opened = RwSignal::new(None::<Opened>);
    let mapping = RwSignal::new(Vec::<Target>::new());
    let choice = RwSignal::new(DuplicateChoice::Skip);
    let progress = RwSignal::new(None::<(u32, u32)>);
    let error = RwSignal::new(None::<String>);
    // The checked rows stay out of the reactive graph (they can be 100,000 customers).
    let checked = StoredValue::new(None::<CheckState>);
    let import_plan = RwSignal::new(None::<PlanSummary>);
    let problems_shown = RwSignal::new(Vec::<(u64, String, String, String)>::new());
    // Bumped whenever the check is reset: work in parts for an older check stops.
    let generation = StoredValue::new(0u32);

    let reset_check = move || {
        generation.update_value(|g| *g = g.wrapping_add(1));
        checked.set_value(None);
        import_plan.set(None);
        problems_shown.set(Vec::new());
    };
    let still_current = move || {
        let mine = generation.get_value();
        move || generation.try_get_value() == Some(mine)
    };
    let fail = move |text: String| {
        error.set(Some(text));
        progress.set(None);
        step.set(if opened.get_untracked().is_some() { Step::Opened } else { Step::Idle });
    };

    let open_file = move |file: web_sys::File| {
        reset_check();
        error.set(None);
        opened.set(None);
        let lang = state.lang.get_untracked();
        if file.size() > crate::io::table::MAX_FILE_BYTES as f64 {
            fail(lang.t(ToolMsg::ErrFileTooLarge).to_owned());
            return;
        }
        file_name.set(file.name());
        step.set(Step::Busy(ToolMsg::ReadingFile));
        leptos::task::spawn_local(async move {
            let started = perf::now();
            let Ok(bytes) = read_file(&file).await else {
                fail(lang.t(ToolMsg::ErrFileUnreadable).to_owned());
                return;
            };
            match jobs::run::<_, Outcome>(jobs::Kind::Files, Job::OpenTable { bytes }).await {
                Ok(Outcome::TableOpened(table)) => {
                    perf::record("import:open", perf::now() - started);
                    let remembered = state.remembered_mapping();
                    mapping.set(with_remembered(&table.headers, table.guessed.clone(), &remembered));
                    opened.set(Some(table));
                    step.set(Step::Opened);
                }
                Ok(Outcome::TableRefused(e)) => fail(lang.table_error(&e).to_owned()),
                _ => fail(lang.t(Msg::ErrWorker).to_owned()),
            }
        });
    };

    // Counts what importing would do under the current choice, a part at a time.
    let recompute_plan = move || {
        let current = still_current();
        let Some(mut rows) = checked.try_update_value(Option::take).flatten() else { return };
        import_plan.set(None);
        step.set(Step::Busy(ToolMsg::FindingDuplicates));
        leptos::task::spawn_local(async move {
            let started = perf::now();
            // Again if the user picked another choice meanwhile.
            let decided = loop {
                let asked = choice.get_untracked();
                let Some(decided) = decide_in_parts(state, &rows.customers, asked, &current).await else { return };
                if choice.try_get_untracked() == Some(asked) {
                    break decided;
                }
            };
            perf::record("import:dedupe", perf::now() - started);
            import_plan.set(Some(PlanSummary {
                good: rows.customers.len(),
                bad: rows.found.bad_rows.len(),
                in_store: decided.counts.in_store,
                in_file: decided.counts.in_file,
                create: decided.counts.create,
                update: decided.counts.update,
                skipped: decided.counts.skipped,
            }));
            rows.decided = Some(decided);
            checked.set_value(Some(rows));
            progress.set(None);
            step.set(Step::Checked);
        });
    };

    let check = move |_| {
        reset_check();
        error.set(None);
        step.set(Step::Busy(ToolMsg::CheckingRows));
        let total = opened.get_untracked().map_or(0, |o| o.rows) as u32;
        progress.set(Some((0, total)));
        let current = still_current();
        let job = Job::CheckRows { mapping: mapping.get_untracked(), owners: owners(&state) };
        leptos::task::spawn_local(async move {
            let started = perf::now();
            let outcome = jobs::run_with_progress::<_, Outcome>(jobs::Kind::Files, job, move |done, total| {
                _ = progress.try_set(Some((done, total)))
            })
            .await;
            let Ok(Outcome::RowsChecked(found)) = outcome else {
                fail(state.t(Msg::ErrWorker).to_owned());
                return;
            };
            // The good rows come over a part at a time, each read in a short task.
            let mut customers = Vec::with_capacity(found.good as usize);
            while customers.len() < found.good as usize {
                let Ok(Outcome::Customers(part)) =
                    jobs::run::<_, Outcome>(jobs::Kind::Files, Job::TakeChecked { count: PART as u32 }).await
                else {
                    fail(state.t(Msg::ErrWorker).to_owned());
                    return;
                };
                if part.is_empty() || !current() {
                    return;
                }
                customers.extend(part);
                _ = progress.try_set(Some((customers.len() as u32, found.good)));
                pause(0).await;
            }
            perf::record("import:check", perf::now() - started);
            let lang = state.lang.get_untracked();
            problems_shown.set(
                found
                    .problems
                    .iter()
                    .take(50)
                    .map(|p| (p.line, p.column.clone(), p.value.clone(), lang.import_reason(&p.reason)))
                    .collect(),
            );
            checked.set_value(Some(CheckState { customers, found, decided: None }));
            recompute_plan();
        });
    };

    let commit = move |_| {
        if import_plan.get_untracked().is_none_or(|p| p.create + p.update == 0) {
            error.set(Some(state.t(ToolMsg::NothingToImport).to_owned()));
            return;
        }
        // The checked rows move into the import (no copy); after a failed save, check again.
        let Some(rows) = checked.try_update_value(Option::take).flatten() else { return };
        step.set(Step::Busy(ToolMsg::SavingImport));
        let headers = opened.get_untracked().map(|o| o.headers).unwrap_or_default();
        let remembered: Vec<(String, String)> =
            headers.iter().cloned().zip(mapping.get_untracked().iter().map(|t| t.code().to_owned())).collect();
        leptos::task::spawn_local(async move {
            // Let "saving" paint before the work that holds the page's thread.
            pause(20).await;
            let started = perf::now();
            let choice = choice.get_untracked();
            let version = state.with_data(|d| d.archive().version());
            // The duplicates as the preview counted them, unless the store changed since.
            let decided = match rows.decided {
                Some(d) if d.choice == choice && Some(d.version) == version => Some(d),
                _ => decide_in_parts(state, &rows.customers, choice, &|| true).await,
            };
            let Some(p) = decided
                .and_then(|d| state.with_data(|a| plan_decided(a.archive(), rows.customers, (d.decisions, d.counts))))
            else {
                return;
            };
            let (created, updated) = (p.create.len(), p.fill.len());
            // Large imports apply and save in parts (still one transaction); small ones at once.
            let result = if created + updated > 20_000 {
                let mut commands = Vec::new();
                let mut creates = p.create.into_iter();
                let mut fills = p.fill.into_iter();
                loop {
                    let create: Vec<_> = creates.by_ref().take(PART).collect();
                    let fill: Vec<_> = if create.is_empty() { fills.by_ref().take(PART).collect() } else { Vec::new() };
                    if create.is_empty() && fill.is_empty() {
                        break;
                    }
                    commands.push(Command::ImportCustomers { create, fill });
                }
                state.execute_staged(commands, None).await
            } else {
                state.execute(Command::ImportCustomers { create: p.create, fill: p.fill }).await
            };
            perf::record("import:save", perf::now() - started);
            match result {
                Ok(_) => {
                    state.remember_mapping(&remembered);
                    let lang = state.lang.get_untracked();
                    state.show_toast(lang.import_done(created, updated), false, None);
                    reset_check();
                    opened.set(None);
                    step.set(Step::Idle);
                }
                // The store error is shown by execute; the file stays open to check and try again.
                Err(_) => {
                    reset_check();
                    step.set(Step::Opened);
                }
            }
        });
    };

    let download_bad = move |_| {
        let lang = state.lang.get_untracked();
        // Problems come in row order: one group per refused row.
        let Some((rows, reasons)) = checked.with_value(|c| {
            c.as_ref().map(|c| {
                c.found
                    .problems
                    .chunk_by(|a, b| a.row == b.row)
                    .map(|group| {
                        let reasons = group.iter().map(|p| format!("{}: {}", p.column, lang.import_reason(&p.reason)));
                        (group[0].row, reasons.collect::<Vec<_>>().join("; "))
                    })
                    .unzip::<_, _, Vec<_>, Vec<_>>()
            })
        }) else {
            return;
        };
        let job = Job::BadRows { rows, reasons, reason_header: lang.t(ToolMsg::ColReason).to_owned() };
        leptos::task::spawn_local(async move {
            match jobs::run::<_, Outcome>(jobs::Kind::Files, job).await {
                Ok(Outcome::Bytes(bytes)) => {
                    let name = if lang == Lang::Zh { "问题行.csv" } else { "problem-rows.csv" };
                    let _ = download(&bytes, name, "text/csv;charset=utf-8");
                }
                _ => state.show_toast(state.t(Msg::ErrWorker).to_owned(), true, None),
            }
        });
    };

    let on_pick = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            open_file(file);
        }
        input.set_value("");
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        if let Some(file) = ev.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0)) {
            open_file(file);
        }
    };

    view! {
        <div class="card import" data-testid="import-card">
            <h2>{tr(ToolMsg::ImportTitle)}</h2>
            <p class="hint">{tr(ToolMsg::ImportHint)}</p>
            <label class="dropzone" on:dragover=|ev: leptos::ev::DragEvent| ev.prevent_default() on:drop=on_drop>
                <input type="file" accept=".csv,.tsv,.txt,.xlsx" data-testid="import-file" on:change=on_pick />
                <span class="button secondary">{tr(ToolMsg::ChooseFile)}</span>
                <span class="hint">{tr(ToolMsg::DropHere)}</span>
            </label>
            <Show when=move || error.with(Option::is_some)>
                <p class="form-error" role="alert" data-testid="import-error">{move || error.get().unwrap_or_default()}</p>
            </Show>
            {move || match step.get() {
                Step::Busy(msg) => view! {
                    <div class="busy" data-testid="import-busy">
                        <span>{state.t(msg)}</span>
                        {move || progress.get().map(|(done, total)| view! { <progress max=total.max(1) value=done /> })}
                    </div>
                }.into_any(),
                _ => ().into_any(),
            }}
            {move || opened.get().map(|o| {
                let lang = state.lang.get();
                let summary = lang.file_summary(&file_name.get(), o.rows, o.encoding.map_or("XLSX", |e| e.label()));
                let headers = o.headers.clone();
                view! {
                    <p data-testid="import-summary">{summary}</p>
                    {o.lossy.then(|| view! { <p class="form-error">{lang.t(ToolMsg::LossyText)}</p> })}
                    <p class="hint">{lang.t(ToolMsg::MapColumns)}</p>
                    <div class="preview-scroll">
                        <table class="preview" data-testid="import-preview">
                            <thead>
                                <tr>{headers.iter().map(|h| view! { <th>{h.clone()}</th> }).collect_view()}</tr>
                                <tr>
                                    {(0..headers.len()).map(|col| view! {
                                        <th>
                                            <select
                                                data-testid=format!("map-{col}")
                                                on:change=move |ev| {
                                                    let Some(t) = Target::from_code(&event_target_value(&ev)) else { return };
                                                    mapping.update(|m| {
                                                        if t != Target::Ignore {
                                                            for other in m.iter_mut().filter(|x| **x == t) {
                                                                *other = Target::Ignore;
                                                            }
                                                        }
                                                        m[col] = t;
                                                    });
                                                    reset_check();
                                                    step.set(Step::Opened);
                                                }
                                            >
                                                {Target::ALL.iter().map(|&t| view! {
                                                    <option value=t.code() selected=move || mapping.with(|m| m.get(col) == Some(&t))>
                                                        {target_label(lang, t)}
                                                    </option>
                                                }).collect_view()}
                                            </select>
                                        </th>
                                    }).collect_view()}
                                </tr>
                            </thead>
                            <tbody>
                                {o.preview.iter().map(|row| view! {
                                    <tr>{row.iter().map(|c| view! { <td>{c.clone()}</td> }).collect_view()}</tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <fieldset class="dup-choice">
                        <legend>{lang.t(ToolMsg::DuplicatesLabel)}</legend>
                        {[(DuplicateChoice::Skip, ToolMsg::DupSkip, "skip"), (DuplicateChoice::Update, ToolMsg::DupUpdate, "update"), (DuplicateChoice::KeepBoth, ToolMsg::DupKeepBoth, "keep")]
                            .into_iter()
                            .map(|(c, label, id)| view! {
                                <label>
                                    <input
                                        type="radio"
                                        name="dup"
                                        data-testid=format!("dup-{id}")
                                        prop:checked=move || choice.get() == c
                                        on:change=move |_| {
                                            choice.set(c);
                                            recompute_plan();
                                        }
                                    />
                                    {lang.t(label)}
                                </label>
                            })
                            .collect_view()}
                    </fieldset>
                    <button class="primary" data-testid="import-check" on:click=check disabled=move || matches!(step.get(), Step::Busy(_))>
                        {lang.t(ToolMsg::CheckButton)}
                    </button>
                }
            })}
            {move || import_plan.get().map(|PlanSummary { good, bad, in_store, in_file, create, update, skipped }| {
                let lang = state.lang.get();
                let writes = create + update;
                view! {
                    <div class="import-result" data-testid="import-result">
                        <p data-testid="import-good">{lang.import_summary(good)}</p>
                        {(bad > 0).then(|| view! {
                            <p class="form-error" data-testid="import-bad">{lang.import_bad_rows(bad)}</p>
                            <button class="secondary" data-testid="download-bad" on:click=download_bad>{lang.t(ToolMsg::DownloadBadRows)}</button>
                        })}
                        {(in_store + in_file > 0).then(|| view! {
                            <p data-testid="import-dups">{lang.import_duplicates(in_store, in_file)}</p>
                        })}
                        <p data-testid="import-plan">
                            {lang.import_plan_line(create, update, skipped)}
                        </p>
                        <button class="primary" data-testid="import-commit" on:click=commit disabled=move || writes == 0 || matches!(step.get(), Step::Busy(_))>
                            {lang.import_button(writes)}
                        </button>
                        <Show when=move || problems_shown.with(|p| !p.is_empty())>
                            <h3>{move || state.lang.get().problems_title(problems_shown.with(Vec::len))}</h3>
                            <div class="preview-scroll">
                                <table class="preview problems" data-testid="import-problems">
                                    <thead><tr><th>{tr(ToolMsg::ColRow)}</th><th>{tr(ToolMsg::ColColumn)}</th><th>{tr(ToolMsg::ColCell)}</th><th>{tr(ToolMsg::ColReason)}</th></tr></thead>
                                    <tbody>
                                        {move || problems_shown.get().into_iter().map(|(line, column, value, reason)| view! {
                                            <tr><td>{line}</td><td>{column}</td><td>{value}</td><td>{reason}</td></tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        </Show>
                    </div>
                }
            })}
        </div>
    }
}

#[component]
fn ExportCard() -> impl IntoView {
    let state = use_app();
    // The customer list links here with its filters and sort in the query.
    let filtered = state.route.with_untracked(|r| matches!(r, Route::Data { query } if !query.is_empty()));
    let query = StoredValue::new(state.route.with_untracked(Route::customer_filter));
    // What to export, worked out when asked: customers imported or changed meanwhile go too.
    let rows = move || -> Vec<u32> {
        state
            .with_data_mut(|d| {
                if filtered {
                    query.with_value(|(filter, sort)| d.query.run(d.replica.archive(), filter, *sort))
                } else {
                    (0..d.archive().customers.len() as u32).collect()
                }
            })
            .unwrap_or_default()
    };
    let count = Memo::new(move |_| {
        state.track(&[RecordKind::Customer]);
        let rows = rows();
        state
            .with_data(|d| {
                rows.iter().filter(|&&i| !d.archive().customers.rows()[i as usize].meta.is_deleted()).count()
            })
            .unwrap_or(0)
    });
    view! {
        <div class="card export">
            <h2>{tr(ToolMsg::ExportTitle)}</h2>
            <p class="hint" data-testid="export-scope">
                {move || if filtered { state.lang.get().export_filtered(count.get()) } else { state.t(ToolMsg::ExportAllHint).to_owned() }}
            </p>
            <div class="actions">
                <button class="secondary" data-testid="export-csv" on:click=move |_| export_customers(state, rows(), false)>{tr(ToolMsg::ExportCsv)}</button>
                <button class="secondary" data-testid="export-xlsx" on:click=move |_| export_customers(state, rows(), true)>{tr(ToolMsg::ExportXlsx)}</button>
            </div>
        </div>
    }
}

/// Clears a busy signal when the work holding it ends, however it ends.
struct Done(RwSignal<Option<ToolMsg>>);

impl Drop for Done {
    fn drop(&mut self) {
        self.0.try_set(None);
    }
}

#[component]
fn BackupCard() -> impl IntoView {
    let state = use_app();
    let pending = StoredValue::new(None::<Contents>);
    let confirm_text = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let last_backup = RwSignal::new(state.last_backup());
    // What is under way (files make a backup take seconds); the buttons wait meanwhile.
    let busy = RwSignal::new(None::<ToolMsg>);

    let backup = move |_| {
        busy.set(Some(ToolMsg::BackupBusy));
        leptos::task::spawn_local(async move {
            let _done = Done(busy);
            let started = perf::now();
            // Every kind of record (the first load leaves some for later).
            if state.engine().await.is_err() {
                return;
            }
            // The attached files are read first; the records are taken as they are after that.
            let files = match state.load_files(crate::store::files::FILE_PREFIX).await {
                Ok(files) => files.into_iter().map(|(key, value)| StoredFile { key, value }).collect(),
                Err(e) => return state.show_store_error(&e),
            };
            let Some(contents) = state.with_data(|d| Contents {
                settings: state.settings_for_backup(),
                records: d.archive().to_records(),
                files: Some(files),
            }) else {
                return;
            };
            match jobs::run::<_, Outcome>(jobs::Kind::Files, Job::WriteBackup(contents)).await {
                Ok(Outcome::Bytes(bytes)) => {
                    perf::record("backup:write", perf::now() - started);
                    if download(&bytes, &format!("pocket-crm-backup-{}.json", today()), "application/json").is_ok() {
                        let now = clock::now();
                        state.mark_backup(now);
                        last_backup.set(Some(now));
                        if let Ok(event) = web_sys::Event::new(AppState::BACKED_UP_EVENT) {
                            let _ = window().dispatch_event(&event);
                        }
                        state.show_toast(state.t(ToolMsg::BackupSaved).to_owned(), false, None);
                    }
                }
                _ => state.show_toast(state.t(Msg::ErrWorker).to_owned(), true, None),
            }
        });
    };

    let on_restore_pick = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        input.set_value("");
        error.set(None);
        confirm_text.set(None);
        let lang = state.lang.get_untracked();
        if file.size() > crate::io::backup::MAX_BACKUP_BYTES as f64 {
            error.set(Some(lang.t(ToolMsg::ErrBackupTooLarge).to_owned()));
            return;
        }
        busy.set(Some(ToolMsg::RestoreChecking));
        leptos::task::spawn_local(async move {
            let _done = Done(busy);
            let Ok(bytes) = read_file(&file).await else {
                error.set(Some(lang.t(ToolMsg::ErrNotABackup).to_owned()));
                return;
            };
            match jobs::run::<_, Outcome>(jobs::Kind::Files, Job::ReadBackup { bytes }).await {
                Ok(Outcome::BackupRead(Ok(contents))) => {
                    let current = state.with_data(|d| d.query.live_count()).unwrap_or(0);
                    let r = &contents.records;
                    let mut text = lang.restore_confirm(r.customers.len(), r.reps.len(), r.teams.len(), current);
                    text.push(' ');
                    match contents.files {
                        Some(ref files) if files.is_empty() => text += lang.t(ToolMsg::RestoreNoFiles),
                        Some(_) => {
                            let (n, bytes) = contents.file_totals();
                            text += &lang.restore_files(n, &size_text(bytes));
                        }
                        None => text += lang.t(ToolMsg::RestoreKeepsFiles),
                    }
                    confirm_text.set(Some(text));
                    pending.set_value(Some(contents));
                }
                Ok(Outcome::BackupRead(Err(e))) => error.set(Some(lang.backup_error(&e))),
                _ => error.set(Some(lang.t(Msg::ErrWorker).to_owned())),
            }
        });
    };

    let restore = move |_| {
        let Some(contents) = pending.try_update_value(Option::take).flatten() else { return };
        confirm_text.set(None);
        let count = contents.records.customers.len();
        busy.set(Some(ToolMsg::Restoring));
        leptos::task::spawn_local(async move {
            let _done = Done(busy);
            let restore = contents.into_restore();
            let files = restore.files.map(|files| files.into_iter().map(|f| (f.key, f.value)).collect());
            let records = Box::new(restore.records);
            let result = match files {
                Some(files) => state.execute_with_files(Command::ReplaceAll(records), files, true).await,
                None => state.execute(Command::ReplaceAll(records)).await,
            };
            if result.is_ok() {
                state.restore_settings(&restore.settings);
                state.show_toast(state.lang.get_untracked().restored2(count), false, None);
            }
        });
    };

    view! {
        <div class="card backup">
            <h2>{tr(ToolMsg::BackupTitle)}</h2>
            <p class="hint">{tr(ToolMsg::BackupHint)}</p>
            <p data-testid="last-backup">
                {move || {
                    let lang = state.lang.get();
                    match last_backup.get().map(|at| days_since(at, clock::today())) {
                        None => lang.t(ToolMsg::LastBackupNever).to_owned(),
                        Some(0) => lang.t(ToolMsg::LastBackupToday).to_owned(),
                        Some(days) => lang.last_backup_days(days as usize),
                    }
                }}
            </p>
            <div class="actions">
                <button class="primary" data-testid="backup" on:click=backup disabled=move || busy.with(Option::is_some)>{tr(ToolMsg::BackupButton)}</button>
                <label class="button secondary file-button">
                    {tr(ToolMsg::RestoreButton)}
                    <input type="file" accept=".json,application/json" data-testid="restore-file" on:change=on_restore_pick disabled=move || busy.with(Option::is_some) />
                </label>
            </div>
            {move || busy.get().map(|msg| view! { <p class="busy" role="status" data-testid="backup-busy">{state.t(msg)}</p> })}
            <Show when=move || error.with(Option::is_some)>
                <p class="form-error" role="alert" data-testid="restore-error">{move || error.get().unwrap_or_default()}</p>
            </Show>
            {move || confirm_text.get().map(|text| view! {
                <div class="confirm" data-testid="restore-confirm">
                    <p>{text}</p>
                    <button class="primary" data-testid="restore-go" on:click=restore>{tr(ToolMsg::RestoreGo)}</button>
                    <button class="secondary" on:click=move |_| { confirm_text.set(None); pending.set_value(None); }>{tr(Msg::Cancel)}</button>
                </div>
            })}
        </div>
    }
}
