//! What outlives the tab: share links (`share_link`, a pure format tested
//! natively), exports (`export`: CSV, SVG, names), and what the page keeps
//! in local storage and opens with (`store`), where the canvas drew the
//! autosaved work (`positions`), and what becomes of an edited document
//! when another is opened in its place (`kept`).

pub mod embed_snippet;
pub mod export;
pub mod kept;
pub mod positions;
pub mod share_link;

#[cfg(target_arch = "wasm32")]
pub mod store;
