//! The simulation worker and the page's side of it: the protocol both speak
//! (`protocol`, encoded by `wire`), the worker's loop (`runtime`, with
//! sweeps run on a pool of workers by `sweep_pool`, or a slice at a time
//! by `sweep_job`) and the page's handle on it
//! (`client`), the traces a run keeps and sends (`traces`), and where a
//! playing run pauses on its own (`ending`: the scenario's duration). The
//! protocol, its encoding, the sweep job and the traces are pure and
//! tested natively.

pub mod ending;
pub mod protocol;
pub mod replay;
pub mod sweep_job;
pub mod traces;
pub mod undo;
pub mod wire;

#[cfg(target_arch = "wasm32")]
pub mod client;
#[cfg(target_arch = "wasm32")]
pub mod runtime;
#[cfg(target_arch = "wasm32")]
pub mod sweep_pool;
