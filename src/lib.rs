//! The scalesim browser app: a Yew page and the Web Worker that runs the
//! engine, one Wasm module (`src/main.rs` picks which by where it starts).
//!
//! The page never touches engine internals: it sends [`protocol::ToWorker`]
//! commands and draws the [`protocol::FromWorker`] frames it gets back.

//! Folders by concern: `page` (the components), `canvas` (the topology),
//! `charts`, `worker` (the worker, the protocol to it, a run and its
//! history of live changes), `keep` (links, local storage, exports). The
//! pure modules (protocol and its wire encoding, a run and its history of
//! live changes, share links, the library, chart and compare data, the
//! sweep job, the inspector's field catalogue, the topology layout, the
//! dots, the edit history, the workbench's rules, a request's waterfall,
//! human units, saturation and an overload's explanation, the scaling
//! curve's state, what is said of a run past its end) build natively and are tested there;
//! everything that touches the browser is wasm32-only.

pub mod canvas;
pub mod charts;
pub mod crash;
pub mod end_notice;
pub mod fields;
pub mod format;
pub mod headline;
pub mod insight;
pub mod keep;
pub mod lesson_text;
pub mod library;
pub mod load_gesture;
pub mod markdown;
pub mod overload_words;
pub mod source_draft;
pub mod sweep_state;
pub mod sweep_words;
pub mod waterfall;
pub mod workbench;
pub mod worker;

#[cfg(target_arch = "wasm32")]
pub mod browser;
#[cfg(target_arch = "wasm32")]
pub mod page;
#[cfg(target_arch = "wasm32")]
pub mod side;
