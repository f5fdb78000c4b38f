//! The page's components: the root (`app`, the workbench), the embedded
//! player (`player`) and the embed dialog (`embed_dialog`), the inspector, the lists (`panels`), the comparison, the models
//! page, the benchmark page, the Request tab (`waterfall`), the Source tab (`source_panel`), and the regions of the workbench that own
//! their own rendering: the figure strip, the tab bars and the text entry
//! that keeps a user's draft.

pub mod alerts;
pub mod app;
pub mod app_state;
pub mod bench_page;
pub mod compare_view;
pub mod controls;
pub mod dashboard;
pub mod draft_input;
pub mod editor_bar;
pub mod embed_dialog;
pub mod figure_strip;
pub mod file_menu;
pub mod inspector;
pub mod lesson_panel;
pub mod models_page;
pub mod panels;
pub mod player;
pub mod shortcuts;
pub mod source_panel;
pub mod sweep_panel;
pub mod tab_bar;
pub mod waterfall;
