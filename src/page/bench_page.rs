//! The benchmark page (`?bench=1`): runs the engine's benchmark workloads
//! inside the simulation worker, in the browser, and shows customers per
//! second beside each other, then the worker's memory over an hour of
//! simulated time at 10 000 requests/s. `tests/e2e/bench.test.mjs` drives
//! it and compares with the native figures of the same workloads.

use yew::prelude::*;

use crate::protocol::{FromWorker, ToWorker};
use crate::worker_client::SimWorker;

#[derive(Clone, Debug, Default, PartialEq)]
struct Results {
    ready: bool,
    running: bool,
    rows: Vec<(String, f64)>,
    memory: Vec<(f64, f64)>,
    done: bool,
    error: Option<String>,
}

/// The page.
#[function_component(BenchPage)]
pub fn bench_page() -> Html {
    let results = use_state(Results::default);
    let worker = use_mut_ref(|| None::<SimWorker>);
    let customers: u64 =
        crate::browser::query("customers").and_then(|c| c.parse().ok()).unwrap_or(300_000);
    {
        let (results, worker) = (results.clone(), worker.clone());
        use_effect_with((), move |_| {
            // Reports arrive one at a time; keep a running copy so each
            // update sees the ones before it.
            let acc = std::rc::Rc::new(std::cell::RefCell::new(Results::default()));
            let on_report = yew::Callback::from(move |report: FromWorker| {
                let mut r = acc.borrow_mut();
                match report {
                    FromWorker::Ready => r.ready = true,
                    FromWorker::BenchResult { name, customers_per_s } => {
                        r.rows.push((name, customers_per_s))
                    }
                    FromWorker::BenchDone { memory } => {
                        r.memory = memory;
                        r.done = true;
                        r.running = false;
                    }
                    FromWorker::Error { message } => {
                        r.error = Some(message);
                        r.running = false;
                    }
                    _ => {}
                }
                results.set(r.clone());
            });
            match SimWorker::spawn(on_report) {
                Ok(w) => *worker.borrow_mut() = Some(w),
                Err(message) => web_sys::console::error_1(&message.into()),
            }
            move || drop(worker.borrow_mut().take())
        });
    }
    let on_run = {
        let (results, worker) = (results.clone(), worker.clone());
        Callback::from(move |_| {
            if let Some(w) = worker.borrow().as_ref() {
                w.send(&ToWorker::Bench { customers });
                results.set(Results { ready: true, running: true, ..Results::default() });
            }
        })
    };
    let bare = results.rows.iter().find(|(n, _)| n == "bare_heap_loop_mm1").map(|(_, v)| *v);
    html! {
        <main class="bench">
            <h1>{"scalesim: the engine's speed in this browser"}</h1>
            <p>{ format!(
                "Each workload runs about {customers} user requests inside the simulation worker (Wasm), best of {best_of}; \
                 then an hour of simulated time at 10 000 requests/s, with the worker's memory measured as it goes.",
                best_of = scalesim_engine::workloads::BEST_OF
            ) }</p>
            <button id="bench-run" class="primary" onclick={on_run} disabled={!results.ready || results.running}>
                { if results.running { "Running…" } else { "Run the benchmark" } }
            </button>
            if let Some(e) = &results.error {
                <div class="error" role="alert">{ e.clone() }</div>
            }
            <table class="compare-table">
                <thead><tr><th>{"workload"}</th><th>{"customers/s (Wasm)"}</th><th>{"against the bare loop"}</th></tr></thead>
                <tbody>
                    { for results.rows.iter().map(|(name, v)| html! {
                        <tr>
                            <th scope="row">{ name.clone() }</th>
                            <td data-testid={format!("bench-{name}")}>{ format!("{v:.0}") }</td>
                            <td>{ bare.map_or("–".to_owned(), |b| format!("{:.2}×", v / b)) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            if !results.memory.is_empty() {
                <h2>{"Worker memory over the long run"}</h2>
                <table class="compare-table" data-testid="bench-memory">
                    <thead><tr><th>{"simulated"}</th><th>{"Wasm memory"}</th></tr></thead>
                    <tbody>
                        { for results.memory.iter().map(|(t, bytes)| html! {
                            <tr><td>{ format!("{t:.0} s") }</td><td data-bytes={format!("{bytes:.0}")}>{ format!("{:.1} MB", bytes / 1e6) }</td></tr>
                        }) }
                    </tbody>
                </table>
            }
            if results.done {
                <p data-testid="bench-done">{"Done."}</p>
            }
        </main>
    }
}
