//! The scalesim browser app: a Yew page and the Web Worker that runs the
//! engine, one Wasm module (`src/main.rs` picks which by where it starts).
//!
//! The page never touches engine internals: it sends [`protocol::ToWorker`]
//! commands and draws the [`protocol::FromWorker`] frames it gets back.

//! The pure modules (protocol and its wire encoding, a run and its history
//! of live changes, share links, library, chart and compare data, the
//! sweep job, the inspector's field catalogue, the topology layout, the
//! dot pool and the edit history) build natively and are tested there;
//! everything that touches the browser is wasm32-only.

pub mod chart_data;
pub mod compare_data;
pub mod crash;
pub mod dots;
pub mod edit_history;
pub mod export;
pub mod fields;
pub mod format;
pub mod insight;
pub mod library;
pub mod protocol;
pub mod replay;
pub mod share_link;
pub mod sweep_job;
pub mod topology_layout;
pub mod wire;
pub mod workbench;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod bench_page;
#[cfg(target_arch = "wasm32")]
pub mod browser;
#[cfg(target_arch = "wasm32")]
pub mod chart_backend;
#[cfg(target_arch = "wasm32")]
pub mod compare_view;
#[cfg(target_arch = "wasm32")]
pub mod inspector;
#[cfg(target_arch = "wasm32")]
pub mod keep;
#[cfg(target_arch = "wasm32")]
pub mod models_page;
#[cfg(target_arch = "wasm32")]
pub mod page;
#[cfg(target_arch = "wasm32")]
pub mod panels;
#[cfg(target_arch = "wasm32")]
pub mod side;
#[cfg(target_arch = "wasm32")]
pub mod time_chart;
#[cfg(target_arch = "wasm32")]
pub mod topology_canvas;
#[cfg(target_arch = "wasm32")]
pub mod worker_client;
#[cfg(target_arch = "wasm32")]
pub mod worker_runtime;
