//! The page's entry point.

#[cfg(target_arch = "wasm32")]
fn main() {
    // `?bench=1` is the engine benchmark page; anything else the app.
    if scalesim_web::browser::query("bench").as_deref() == Some("1") {
        yew::Renderer::<scalesim_web::bench_page::BenchPage>::new().render();
    } else {
        yew::Renderer::<scalesim_web::app::App>::new().render();
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("scalesim's app runs in the browser: `scripts/serve.sh` builds and serves it.");
    std::process::exit(2);
}
