//! The topology canvas: its geometry and hit tests (`topology_layout`), the
//! animated request dots (`dots`), both pure and tested natively, and the
//! component that draws them and turns gestures into edits
//! (`topology_canvas`).

pub mod dots;
pub mod topology_layout;

#[cfg(target_arch = "wasm32")]
pub mod topology_canvas;
