//! The page's side of the worker (see `crate::jobs`): starts it on first use, queues jobs until
//! it says it is ready, and turns each reply into the awaited result.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use js_sys::{Array, Function, Promise, Uint8Array};
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{MessageEvent, Worker};

use crate::jobs::{open, seal, Job, Outcome};

/// Trunk writes the worker's loader next to index.html.
const WORKER_URL: &str = "./worker_loader.js";

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
    static POOL: RefCell<Pool> = RefCell::default();
}

/// Runs `job` in the worker. Fails (with a console-level reason) if the worker cannot start.
pub async fn run(job: Job) -> Result<Outcome, String> {
    run_with_progress(job, |_, _| {}).await
}

/// Like `run`, calling `progress(done, total)` when the worker reports progress.
pub async fn run_with_progress(job: Job, progress: impl Fn(u32, u32) + 'static) -> Result<Outcome, String> {
    let progress: Rc<dyn Fn(u32, u32)> = Rc::new(progress);
    let promise = POOL.with(|pool| {
        let mut pool = pool.borrow_mut();
        if pool.worker.is_none() {
            pool.worker = Some(start()?);
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
    open::<Outcome>(&Uint8Array::new(&reply).to_vec()).map(|(_, outcome)| outcome)
}

fn post(worker: Option<&Worker>, message: &Uint8Array) {
    if let Some(worker) = worker {
        let _ = worker.post_message_with_transfer(message, &Array::of1(&message.buffer()));
    }
}

fn start() -> Result<Worker, String> {
    let worker = Worker::new(WORKER_URL).map_err(|e| format!("{e:?}"))?;
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(|event: MessageEvent| {
        let data = event.data();
        POOL.with(|pool| {
            let mut pool = pool.borrow_mut();
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
                drop(pool);
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
    let on_error = Closure::<dyn Fn(JsValue)>::new(|_event: JsValue| {
        POOL.with(|pool| {
            let mut pool = pool.borrow_mut();
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
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&Array::of1(&array), &options).map_err(|e| format!("{e:?}"))?;
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
