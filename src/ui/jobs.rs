//! The page's side of the workers (see `crate::jobs`): starts each on first use, queues jobs until
//! it says it is ready, and turns each reply into the awaited result.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use js_sys::{Array, Function, Promise, Uint8Array};
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{MessageEvent, Worker};

use serde::{de::DeserializeOwned, Serialize};

use crate::jobs::{open, seal};

/// The workers. Their files are in the app's folder (scripts/split.mjs puts them there), two
/// levels above this crate's JS snippets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Charts,
    Files,
}

#[wasm_bindgen::prelude::wasm_bindgen(
    inline_js = "export function app_file(name) { return new URL('../../' + name, import.meta.url).href; }"
)]
extern "C" {
    fn app_file(name: &str) -> String;
}

impl Kind {
    fn url(self) -> String {
        app_file(match self {
            Kind::Charts => "worker_loader.js",
            Kind::Files => "files_loader.js",
        })
    }
}

#[derive(Default)]
struct Pool {
    worker: Option<Worker>,
    ready: bool,
    /// Sealed jobs waiting for the worker to start.
    queue: Vec<Uint8Array>,
    /// Each job's promise resolver, by job number.
    waiting: HashMap<u32, (Function, Function)>,
    /// Progress callbacks, by job number.
    progress: HashMap<u32, Rc<dyn Fn(u32, u32)>>,
    next_id: u32,
}

thread_local! {
    static POOLS: RefCell<HashMap<Kind, Pool>> = RefCell::default();
}

fn with_pool<R>(kind: Kind, f: impl FnOnce(&mut Pool) -> R) -> R {
    POOLS.with(|pools| f(pools.borrow_mut().entry(kind).or_default()))
}

/// Runs `job` in the `kind` worker. Fails (with a console-level reason) if the worker cannot
/// start or the reply cannot be read.
pub async fn run<J: Serialize, O: DeserializeOwned>(kind: Kind, job: J) -> Result<O, String> {
    run_with_progress(kind, job, |_, _| {}).await
}

/// Like `run`, calling `progress(done, total)` when the worker reports progress.
pub async fn run_with_progress<J: Serialize, O: DeserializeOwned>(
    kind: Kind,
    job: J,
    progress: impl Fn(u32, u32) + 'static,
) -> Result<O, String> {
    let progress: Rc<dyn Fn(u32, u32)> = Rc::new(progress);
    let promise = with_pool(kind, |pool| {
        if pool.worker.is_none() {
            pool.worker = Some(start(kind)?);
        }
        let id = pool.next_id;
        pool.next_id = pool.next_id.wrapping_add(1) % (u32::MAX - 1);
        let mut settle = None;
        let promise = Promise::new(&mut |resolve, reject| settle = Some((resolve, reject)));
        let Some(settle) = settle else { return Err("no promise".to_owned()) };
        pool.waiting.insert(id, settle);
        pool.progress.insert(id, progress);
        let message = Uint8Array::from(seal(id, &job).as_slice());
        if pool.ready {
            post(pool.worker.as_ref(), &message);
        } else {
            pool.queue.push(message);
        }
        Ok::<_, String>(promise)
    })?;
    let reply = JsFuture::from(promise).await.map_err(|e| e.as_string().unwrap_or_else(|| "worker failed".into()))?;
    open::<Result<O, String>>(&Uint8Array::new(&reply).to_vec()).and_then(|(_, outcome)| outcome)
}

fn post(worker: Option<&Worker>, message: &Uint8Array) {
    if let Some(worker) = worker {
        let _ = worker.post_message_with_transfer(message, &Array::of1(&message.buffer()));
    }
}

fn start(kind: Kind) -> Result<Worker, String> {
    let worker = Worker::new(&kind.url()).map_err(|e| format!("{e:?}"))?;
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let data = event.data();
        POOLS.with(|pools| {
            let mut pools = pools.borrow_mut();
            let pool = pools.entry(kind).or_default();
            if data.is_string() {
                // "ready": send what waited.
                pool.ready = true;
                for message in std::mem::take(&mut pool.queue) {
                    post(pool.worker.as_ref(), &message);
                }
                return;
            }
            if Array::is_array(&data) {
                // Progress: [job, done, total]. Called after the pool is released.
                let report = Array::from(&data);
                let number = |i| report.get(i).as_f64().unwrap_or(0.0) as u32;
                let callback = pool.progress.get(&number(0)).cloned();
                drop(pools);
                if let Some(callback) = callback {
                    callback(number(1), number(2));
                }
                return;
            }
            // The job number is the envelope's first field.
            let id = postcard::take_from_bytes::<u32>(&Uint8Array::new(&data).to_vec()).map(|(id, _)| id);
            if let Ok(id) = id {
                pool.progress.remove(&id);
            }
            if let Some((resolve, _)) = id.ok().and_then(|id| pool.waiting.remove(&id)) {
                let _ = resolve.call1(&JsValue::NULL, &data);
            }
        });
    });
    // A worker that fails to load or crashes fails every job waiting on it; the next job starts a new one.
    let on_error = Closure::<dyn Fn(JsValue)>::new(move |_event: JsValue| {
        POOLS.with(|pools| {
            let mut pools = pools.borrow_mut();
            let pool = pools.entry(kind).or_default();
            if let Some(worker) = pool.worker.take() {
                worker.terminate();
            }
            pool.ready = false;
            pool.queue.clear();
            pool.progress.clear();
            for (_, (_, reject)) in pool.waiting.drain() {
                let _ = reject.call1(&JsValue::NULL, &JsValue::from_str("the worker stopped"));
            }
        });
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_message.forget();
    on_error.forget();
    Ok(worker)
}

/// Offers `bytes` to the user as a file download.
pub fn download(bytes: &[u8], file_name: &str, mime: &str) -> Result<(), String> {
    let array = Uint8Array::from(bytes);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&Array::of1(&array), &options)
        .map_err(|e| format!("{e:?}"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| format!("{e:?}"))?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a").map_err(|e| format!("{e:?}"))?.unchecked_into();
    link.set_href(&url);
    link.set_download(file_name);
    link.click();
    // The download has started from the click; the URL can go once the browser has it.
    let revoke = Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    if let Some(window) = web_sys::window() {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 10_000);
    }
    Ok(())
}

/// The bytes of a file the user picked or dropped.
pub async fn read_file(file: &web_sys::File) -> Result<Vec<u8>, String> {
    let buffer = JsFuture::from(file.array_buffer()).await.map_err(|e| format!("{e:?}"))?;
    Ok(Uint8Array::new(&buffer).to_vec())
}
