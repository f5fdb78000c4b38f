//! The simulation worker's entry point (loaded by Trunk as `data-type="worker"`).

#[cfg(target_arch = "wasm32")]
fn main() {
    scalesim_web::worker_runtime::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the simulation worker runs in the browser; natively, use the `scalesim` CLI.");
    std::process::exit(2);
}
