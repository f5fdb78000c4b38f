//! The topology canvas: its geometry and hit tests (`topology_layout`), the
//! animated request dots (`dots`), what each gesture means as an edit
//! (`gestures`), a picked request's path (`trace_path`), the zones, links,
//! partitions and stale reads drawn over it (`zones`), replicas' memory
//! gauges and restart rings (`memory_gauge`), the view when the design
//! need not fit whole, on a phone (`viewport`), all pure and tested natively,
//! and the component that draws
//! them and tracks the pointer (`topology_canvas`).

pub mod dots;
pub mod gestures;
pub mod memory_gauge;
pub mod topology_layout;
pub mod trace_path;
pub mod viewport;
pub mod zones;

#[cfg(target_arch = "wasm32")]
pub mod edge_hints;
#[cfg(target_arch = "wasm32")]
pub mod topology_canvas;
#[cfg(target_arch = "wasm32")]
pub mod zone_drawing;
