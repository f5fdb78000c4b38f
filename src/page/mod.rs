//! Components of the workbench page that own one region each: the figure
//! strip under the top bar, the tab bars of the side panel and the
//! dashboard, and the text entry that keeps a user's draft.

pub mod draft_input;
pub mod figure_strip;
pub mod tab_bar;
