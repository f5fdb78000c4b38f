//! The page's entry point.

#[cfg(target_arch = "wasm32")]
fn main() {
    yew::Renderer::<scalesim_web::app::App>::new().render();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("scalesim's app runs in the browser: `scripts/serve.sh` builds and serves it.");
    std::process::exit(2);
}
