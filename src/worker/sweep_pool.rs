//! Sweeps on every core: the simulation worker hands a sweep's runs to a
//! pool of workers of its own (nested dedicated workers running this same
//! Wasm module, started by `static/worker.js` with the role `"sweep"`),
//! sized `navigator.hardwareConcurrency - 1` (the page keeps a core; at
//! least 1; the page's `?sweep_workers=N` forces N, for measurements).
//!
//! Every pool worker holds the same plan (a [`SweepJob`]) and does whole
//! runs by number ([`SweepJob::run`]); the coordinator gives each worker
//! two runs at a time (the next is waiting when one ends), keeps each
//! run's [`RunFigures`] in run order, and finishes the curve with
//! [`SweepJob::finish_with`]. Which worker did a run, and when, changes
//! nothing: run `i` is seeded as `scalesim sweep` seeds it, so the points
//! are the CLI's bit for bit. The runtime polls [`Sweep::slice`] every tick
//! as before (progress); Cancel drops the pool, which terminates its
//! workers at once, mid-run. Where no pool can start, the sweep runs in the
//! simulation worker a slice at a time, as it did before.
//!
//! Messages are plain JS objects: to a pool worker `{plan: [file, base,
//! param, runs, duration_s | null]}` then `{run: i}`; back `{ready: true}`
//! once it listens, then `{run: i, figures: Float64Array(6)}` or
//! `{run: i, error}`.

use std::cell::RefCell;
use std::rc::Rc;

use scalesim_engine::sweep::RunFigures;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{
    DedicatedWorkerGlobalScope, ErrorEvent, MessageEvent, Worker, WorkerOptions, WorkerType,
};

use crate::worker::sweep_job::{SweepJob, SweepStatus, pool_size};

/// The bootstrap every worker starts from (relative to this worker's own
/// URL, which is the page's directory).
const WORKER_URL: &str = "./worker.js";
/// Runs given to a pool worker at a time.
const IN_FLIGHT: u32 = 2;

/// A sweep under way: on the pool, or sliced in this worker.
pub enum Sweep {
    Sliced(SweepJob),
    Pool(SweepPool),
}

impl Sweep {
    /// Plans the sweep (refusing a bad one in words, as [`SweepJob::new`])
    /// and starts it on a pool when one can start.
    pub fn start(
        param: &str,
        runs: u32,
        duration_s: Option<f64>,
        file: &str,
        base: &str,
    ) -> Result<Sweep, String> {
        let job = SweepJob::new(param, runs, duration_s, file, base)?;
        let plan = Plan {
            file: file.to_owned(),
            base: base.to_owned(),
            param: param.to_owned(),
            runs,
            duration_s,
        };
        Ok(match SweepPool::workers(job.total(), &plan) {
            Some((workers, state)) => Sweep::Pool(SweepPool { job, workers, state }),
            None => Sweep::Sliced(job),
        })
    }

    /// Runs in all.
    pub fn total(&self) -> u32 {
        match self {
            Sweep::Sliced(job) => job.total(),
            Sweep::Pool(pool) => pool.job.total(),
        }
    }

    /// Works while `more()` says there is time (sliced), or reads where the
    /// pool stands (it works on its own).
    pub fn slice(&mut self, more: impl FnMut() -> bool) -> Result<SweepStatus, String> {
        match self {
            Sweep::Sliced(job) => job.slice(more),
            Sweep::Pool(pool) => pool.poll(),
        }
    }
}

/// What each pool worker is told once.
struct Plan {
    file: String,
    base: String,
    param: String,
    runs: u32,
    duration_s: Option<f64>,
}

impl Plan {
    fn message(&self) -> JsValue {
        let plan = js_sys::Array::new();
        plan.push(&self.file.as_str().into());
        plan.push(&self.base.as_str().into());
        plan.push(&self.param.as_str().into());
        plan.push(&self.runs.into());
        plan.push(&self.duration_s.map_or(JsValue::NULL, JsValue::from));
        object(&[("plan", plan.into())])
    }
}

/// Where the pool's runs stand (shared with the workers' handlers).
struct PoolState {
    total: u32,
    /// The next run to give out.
    next: u32,
    done: u32,
    figures: Vec<Option<RunFigures>>,
    /// The first failure, with its run (the earliest run's is reported).
    failure: Option<(u32, String)>,
}

impl PoolState {
    /// Gives `worker` its next run, if any are left.
    fn give(&mut self, worker: &Worker) {
        if self.next < self.total && self.failure.is_none() {
            let _ = worker.post_message(&object(&[("run", self.next.into())]));
            self.next += 1;
        }
    }

    fn fail(&mut self, run: u32, message: String) {
        if self.failure.as_ref().is_none_or(|(r, _)| run < *r) {
            self.failure = Some((run, message));
        }
    }
}

/// One pool worker and its handlers (kept alive with it).
struct PoolWorker {
    worker: Worker,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

/// The pool: dropping it terminates every worker.
pub struct SweepPool {
    job: SweepJob,
    workers: Vec<PoolWorker>,
    state: Rc<RefCell<PoolState>>,
}

impl SweepPool {
    /// The pool's workers for `total` runs of `plan`, started, and their
    /// shared state; `None` when this worker cannot start others (no boot
    /// record, or the browser refuses).
    #[allow(clippy::type_complexity)]
    fn workers(total: u32, plan: &Plan) -> Option<(Vec<PoolWorker>, Rc<RefCell<PoolState>>)> {
        let scope: DedicatedWorkerGlobalScope = js_sys::global().dyn_into().ok()?;
        let boot = js_sys::Reflect::get(&scope, &"scalesimBoot".into()).ok()?;
        let glue = js_sys::Reflect::get(&boot, &"glue".into()).ok()?.as_string()?;
        let module = js_sys::Reflect::get(&boot, &"module".into()).ok()?;
        let forced = js_sys::Reflect::get(&boot, &"sweepWorkers".into()).ok()?.as_f64();
        let cores = js_sys::Reflect::get(&scope, &"navigator".into())
            .and_then(|n| js_sys::Reflect::get(&n, &"hardwareConcurrency".into()))
            .ok()
            .and_then(|c| c.as_f64())
            .unwrap_or(1.0);
        let size = pool_size(forced, cores, total);
        let state = Rc::new(RefCell::new(PoolState {
            total,
            next: 0,
            done: 0,
            figures: vec![None; total as usize],
            failure: None,
        }));
        let plan_message = plan.message();
        let mut workers = Vec::with_capacity(size as usize);
        for _ in 0..size {
            let options = WorkerOptions::new();
            options.set_type(WorkerType::Module);
            let worker = Worker::new_with_options(WORKER_URL, &options).ok()?;
            let start = object(&[
                ("glue", glue.as_str().into()),
                ("module", module.clone()),
                ("role", "sweep".into()),
            ]);
            worker.post_message(&start).ok()?;
            let on_message = {
                let (state, worker, plan_message) =
                    (Rc::clone(&state), worker.clone(), plan_message.clone());
                Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                    on_report(&state, &worker, &plan_message, &event.data());
                })
            };
            let on_error = {
                let state = Rc::clone(&state);
                Closure::<dyn FnMut(ErrorEvent)>::new(move |event: ErrorEvent| {
                    event.prevent_default();
                    let mut s = state.borrow_mut();
                    let run = s.next;
                    s.fail(run, format!("a sweep worker failed: {}", event.message()));
                })
            };
            worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
            workers.push(PoolWorker { worker, _on_message: on_message, _on_error: on_error });
        }
        Some((workers, state))
    }

    /// Where the sweep stands: running, done (the curve), or failed.
    fn poll(&mut self) -> Result<SweepStatus, String> {
        let s = self.state.borrow();
        if let Some((_, message)) = &s.failure {
            return Err(message.clone());
        }
        if s.done < s.total {
            return Ok(SweepStatus::Running { done: s.done, total: s.total });
        }
        let figures: Vec<RunFigures> = s.figures.iter().map(|f| f.unwrap_or_default()).collect();
        Ok(self.job.finish_with(&figures))
    }

    /// Workers in the pool.
    pub fn size(&self) -> usize {
        self.workers.len()
    }
}

impl Drop for SweepPool {
    fn drop(&mut self) {
        for w in &self.workers {
            w.worker.set_onmessage(None);
            w.worker.set_onerror(None);
            w.worker.terminate();
        }
    }
}

/// A pool worker's message to the coordinator.
fn on_report(state: &Rc<RefCell<PoolState>>, worker: &Worker, plan: &JsValue, data: &JsValue) {
    let get = |key: &str| js_sys::Reflect::get(data, &key.into()).unwrap_or(JsValue::UNDEFINED);
    let mut s = state.borrow_mut();
    if get("ready").is_truthy() {
        let _ = worker.post_message(plan);
        for _ in 0..IN_FLIGHT {
            s.give(worker);
        }
        return;
    }
    let Some(run) = get("run").as_f64().map(|r| r as u32) else { return };
    if let Some(message) = get("error").as_string() {
        s.fail(run, message);
        return;
    }
    let array = js_sys::Float64Array::new(&get("figures"));
    let mut numbers = [0.0; RunFigures::LEN];
    if array.length() as usize == RunFigures::LEN {
        array.copy_to(&mut numbers);
    }
    if let Some(slot) = s.figures.get_mut(run as usize)
        && slot.is_none()
    {
        *slot = Some(RunFigures::from_array(numbers));
        s.done += 1;
    }
    s.give(worker);
}

/// A pool worker's loop (`src/main.rs` runs it for the role `"sweep"`):
/// takes the plan, then does runs by number and answers each.
pub fn serve() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let job: Rc<RefCell<Option<SweepJob>>> = Rc::new(RefCell::new(None));
    let reply_scope = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let data = event.data();
        let get =
            |key: &str| js_sys::Reflect::get(&data, &key.into()).unwrap_or(JsValue::UNDEFINED);
        let plan = get("plan");
        if plan.is_object() {
            let plan: js_sys::Array = plan.unchecked_into();
            let text = |i: u32| plan.get(i).as_string().unwrap_or_default();
            let runs = plan.get(3).as_f64().unwrap_or(1.0) as u32;
            let duration_s = plan.get(4).as_f64();
            // The coordinator planned the same sweep already: a refusal here
            // would be a bug, reported by the runs that find no plan.
            *job.borrow_mut() = SweepJob::new(&text(2), runs, duration_s, &text(0), &text(1)).ok();
            return;
        }
        let Some(run) = get("run").as_f64().map(|r| r as u32) else { return };
        let outcome = match job.borrow().as_ref() {
            Some(job) => job.run(run),
            None => Err("the sweep worker has no plan".to_owned()),
        };
        let reply = match outcome {
            Ok(figures) => {
                let array = js_sys::Float64Array::from(&figures.to_array()[..]);
                object(&[("run", run.into()), ("figures", array.into())])
            }
            Err(message) => object(&[("run", run.into()), ("error", message.into())]),
        };
        let _ = reply_scope.post_message(&reply);
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    let _ = scope.post_message(&object(&[("ready", JsValue::TRUE)]));
}

/// A plain JS object of `pairs`.
fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    for (key, value) in pairs {
        let _ = js_sys::Reflect::set(&o, &(*key).into(), value);
    }
    o.into()
}
