//! The charts: what each one plots (`chart_data`, `compare_data`,
//! `tail_data`, `network_chart`) and what the hover read-out says
//! (`read_out`), pure and tested natively, and the plotters
//! components that draw them on a canvas (`time_chart`, a series over time;
//! `tail_chart`, where the p99 goes; both through `chart_backend`).

pub mod chart_data;
pub mod compare_data;
pub mod network_chart;
pub mod read_out;
pub mod tail_data;

#[cfg(target_arch = "wasm32")]
pub mod chart_backend;
#[cfg(target_arch = "wasm32")]
pub mod resize;
#[cfg(target_arch = "wasm32")]
pub mod tail_chart;
#[cfg(target_arch = "wasm32")]
pub mod time_chart;
