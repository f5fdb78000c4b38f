//! The page side of the worker: spawns it, sends commands, and turns its
//! messages (and its crashes) into [`FromWorker`] values for the UI.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};
use yew::Callback;

use crate::browser;
use crate::worker::protocol::{FromWorker, ToWorker, decode, encode};

/// The worker's bootstrap (`static/worker.js`), relative to the page so the
/// app works from any sub-path.
const WORKER_URL: &str = "./worker.js";

#[wasm_bindgen]
extern "C" {
    /// The URL of this module's JS glue (Trunk names it by a hash), which
    /// the worker imports to start the same module.
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static GLUE_URL: String;
}

/// A running simulation worker. Dropping it terminates the worker.
pub struct SimWorker {
    worker: Worker,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

impl SimWorker {
    /// Starts a worker whose every report goes to `on_report`.
    pub fn spawn(on_report: Callback<FromWorker>) -> Result<SimWorker, String> {
        // index.html started one beside the Wasm download, and
        // [`boot_early_worker`] has started the module in it while the page
        // mounted: the first spawn takes it, with what it has said meanwhile.
        let early = EARLY.with(|early| early.borrow_mut().take());
        let worker = match &early {
            Some(early) => early.worker.clone(),
            None => {
                let worker = match take_early_worker() {
                    Some(worker) => worker,
                    None => {
                        let options = WorkerOptions::new();
                        options.set_type(WorkerType::Module);
                        Worker::new_with_options(WORKER_URL, &options)
                            .or_else(|_| Self::through_blob())
                            .map_err(|e| format!("cannot start the simulation worker: {e:?}"))?
                    }
                };
                post_boot(&worker)
                    .map_err(|e| format!("cannot start the simulation worker: {e:?}"))?;
                worker
            }
        };
        let report = on_report.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let bytes = browser::message_bytes(event.data());
            let message = bytes.and_then(|bytes| decode::<FromWorker>(&bytes));
            report.emit(message.unwrap_or_else(|message| FromWorker::Error { message }));
        });
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            event.prevent_default();
            // A script that could not load raises a plain `Event`, with no
            // message (an `ErrorEvent` has one).
            let message = js_sys::Reflect::get(&event, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
                .unwrap_or_else(|| "its script could not be loaded".to_owned());
            on_report.emit(FromWorker::Error {
                message: format!("{}: {message}", crate::crash::WORKER_FAILED),
            });
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        if let Some(early) = early {
            replay_later(early, &on_message, &on_error);
        }
        Ok(SimWorker { worker, _on_message: on_message, _on_error: on_error })
    }

    /// A page with an opaque origin (an embed in a frame sandboxed without
    /// `allow-same-origin`) may not start a worker from the site's URL, nor
    /// a module worker from a blob; it may start a classic worker from a
    /// blob of its own, which imports the bootstrap as a module (the site
    /// must then serve it to any origin, with CORS). Messages that arrive
    /// before the bootstrap listens are kept and handed to it.
    fn through_blob() -> Result<Worker, JsValue> {
        let base = web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default();
        let url = web_sys::Url::new_with_base(WORKER_URL, &base)?.href();
        let url = serde_json::to_string(&url).map_err(|e| JsValue::from_str(&e.to_string()))?;
        let source = format!(
            "const early = []; self.onmessage = (e) => early.push(e);\n\
             import({url}).then(() => {{ for (const e of early) self.onmessage?.(e); }},\n\
             (error) => postMessage(`the simulation worker could not start: ${{error}}`));"
        );
        let blob = gloo_file::Blob::new_with_options(source.as_str(), Some("text/javascript"));
        let object_url = gloo_file::ObjectUrl::from(blob);
        Worker::new(&object_url)
    }

    /// Sends one command.
    pub fn send(&self, command: &ToWorker) {
        let _ = browser::post_bytes(
            |message, transfer| self.worker.post_message_with_transfer(message, transfer),
            &encode(command),
        );
    }
}

/// Posts the message that starts this very module in `worker`: no second
/// download, and no second compile.
fn post_boot(worker: &Worker) -> Result<(), JsValue> {
    let boot = js_sys::Object::new();
    let glue = GLUE_URL.with(String::clone);
    // `?sweep_workers=N` forces the size of the worker's sweep pool
    // (worker/sweep_pool), for measuring the speed-up on any machine.
    let sweep_workers = browser::query("sweep_workers")
        .and_then(|n| n.parse::<f64>().ok())
        .map_or(JsValue::UNDEFINED, JsValue::from);
    js_sys::Reflect::set(&boot, &"glue".into(), &glue.into())?;
    js_sys::Reflect::set(&boot, &"module".into(), &wasm_bindgen::module())?;
    js_sys::Reflect::set(&boot, &"sweepWorkers".into(), &sweep_workers)?;
    worker.post_message(&boot)
}

/// The early worker, given the module before the page has mounted, and what
/// it said before [`SimWorker::spawn`] took it.
struct Early {
    worker: Worker,
    held: Rc<RefCell<Vec<web_sys::Event>>>,
    _hold: Closure<dyn FnMut(web_sys::Event)>,
}

thread_local! {
    static EARLY: RefCell<Option<Early>> = const { RefCell::new(None) };
}

/// Starts the module in the worker `index.html` made, as soon as the page
/// has the compiled module (`src/main.rs`, before the page's first render):
/// the worker starts on the other core while the page renders, not after.
/// Until the first [`SimWorker::spawn`] takes it, what it says (its `Ready`,
/// or a failure) is held here: a worker's messages that find no handler are
/// lost.
pub fn boot_early_worker() {
    let Some(worker) = take_early_worker() else { return };
    let held = Rc::new(RefCell::new(Vec::new()));
    let keep = held.clone();
    let hold = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
        event.prevent_default();
        keep.borrow_mut().push(event);
    });
    worker.set_onmessage(Some(hold.as_ref().unchecked_ref()));
    worker.set_onerror(Some(hold.as_ref().unchecked_ref()));
    if post_boot(&worker).is_err() {
        // The spawn then starts a worker of its own.
        worker.terminate();
        return;
    }
    EARLY.with(|early| *early.borrow_mut() = Some(Early { worker, held, _hold: hold }));
}

/// Hands what the early worker said before the spawn to the spawn's
/// handlers, in order, once the spawn's caller holds the worker (a
/// microtask later: a report may send the worker a command). The handlers
/// are the worker's own already, so what it says next comes after.
fn replay_later(
    early: Early,
    on_message: &Closure<dyn FnMut(MessageEvent)>,
    on_error: &Closure<dyn FnMut(web_sys::Event)>,
) {
    let held = early.held.take();
    if held.is_empty() {
        return;
    }
    let on_message = on_message.as_ref().unchecked_ref::<js_sys::Function>().clone();
    let on_error = on_error.as_ref().unchecked_ref::<js_sys::Function>().clone();
    wasm_bindgen_futures::spawn_local(async move {
        for event in held {
            let handler =
                if event.is_instance_of::<MessageEvent>() { &on_message } else { &on_error };
            let _ = handler.call1(&JsValue::NULL, &event);
        }
    });
}

/// The worker `index.html`'s start-up script made (`window.scalesimWorker`),
/// once: later spawns (a restart, variant B) start their own.
fn take_early_worker() -> Option<Worker> {
    let window = web_sys::window()?;
    let key = JsValue::from_str("scalesimWorker");
    let early = js_sys::Reflect::get(&window, &key).ok()?;
    let _ = js_sys::Reflect::delete_property(&window, &key);
    early.dyn_into::<Worker>().ok()
}

impl Drop for SimWorker {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}
