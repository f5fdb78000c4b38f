//! Components of the workbench page that own one region each: the figure
//! strip under the top bar and the tab bars of the side panel and the
//! dashboard.

pub mod figure_strip;
pub mod tab_bar;
