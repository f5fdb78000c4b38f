//! The charts: what each one plots (`chart_data`, `compare_data`, `network_chart`), pure and
//! tested natively, and the plotters component that draws a series on a
//! canvas (`time_chart`, through `chart_backend`).

pub mod chart_data;
pub mod compare_data;
pub mod network_chart;

#[cfg(target_arch = "wasm32")]
pub mod chart_backend;
#[cfg(target_arch = "wasm32")]
pub mod time_chart;
