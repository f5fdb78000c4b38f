//! The one entry point of the one Wasm module: the page, or, started again
//! inside the simulation worker by `static/worker.js`, the worker.

#[cfg(target_arch = "wasm32")]
fn main() {
    use scalesim_web::browser;
    if browser::in_worker() {
        // `static/worker.js` says which worker this is: a sweep pool's
        // (`worker/sweep_pool`), or the simulation worker.
        if browser::worker_role().as_deref() == Some("sweep") {
            scalesim_web::worker::sweep_pool::serve();
        } else {
            scalesim_web::worker::runtime::start();
        }
        return;
    }
    browser::remove_boot_note();
    // The simulation worker starts this module now, on another core, while
    // the page renders its first frame (`worker::client`).
    scalesim_web::worker::client::boot_early_worker();
    if browser::query("bench").as_deref() == Some("1") {
        // `?bench=1` is the engine benchmark page, `?embed=1` the player
        // for an iframe; anything else the app.
        yew::Renderer::<scalesim_web::page::bench_page::BenchPage>::new().render();
    } else if browser::query("embed").as_deref() == Some("1") {
        yew::Renderer::<scalesim_web::page::player::Player>::new().render();
    } else {
        yew::Renderer::<scalesim_web::page::app::App>::new().render();
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("scalesim's app runs in the browser: `scripts/serve.sh` builds and serves it.");
    std::process::exit(2);
}
