//! The simulation worker and the page's side of it: the protocol both speak
//! (`protocol`, encoded by `wire`), the worker's loop (`runtime`, with
//! sweeps run a slice at a time by `sweep_job`) and the page's handle on it
//! (`client`). The protocol, its encoding and the sweep job are pure and
//! tested natively.

pub mod protocol;
pub mod replay;
pub mod sweep_job;
pub mod undo;
pub mod wire;

#[cfg(target_arch = "wasm32")]
pub mod client;
#[cfg(target_arch = "wasm32")]
pub mod runtime;
