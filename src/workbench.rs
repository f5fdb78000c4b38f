//! The workbench's arrangement as state: which tab of the side panel and of
//! the dashboard is shown, and which view a phone shows. Pure, so the rules
//! (a selection opens the inspector, a tab for a mechanism the scenario
//! does not use is hidden, comparing opens the comparison) are tested
//! natively; the page only renders what these say.

use scalesim_engine::edit::{self, Edit};
use scalesim_engine::outline::Outline;
use scalesim_engine::scenario::{Mode, NodeKind};

use crate::canvas::topology_layout::Selection;

/// The side panel beside the topology.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SideTab {
    /// The scenario's explanation: what to watch, what to try.
    #[default]
    Lesson,
    /// The selected component's parameters, and the component list.
    Inspector,
    /// One request's trace: its waterfall, its path lit on the canvas.
    Request,
    /// The scenario file as text, to edit and apply whole.
    Source,
}

impl SideTab {
    pub const ALL: [SideTab; 4] =
        [SideTab::Lesson, SideTab::Inspector, SideTab::Request, SideTab::Source];

    pub fn label(self) -> &'static str {
        match self {
            SideTab::Lesson => "Lesson",
            SideTab::Inspector => "Inspector",
            SideTab::Request => "Request",
            SideTab::Source => "Source",
        }
    }

    /// The element id of its tab button.
    pub fn id(self) -> &'static str {
        match self {
            SideTab::Lesson => "tab-lesson",
            SideTab::Inspector => "tab-inspector",
            SideTab::Request => "tab-request",
            SideTab::Source => "tab-source",
        }
    }

    /// The tab after the user selects something (or clears the selection):
    /// a selection shows its parameters; clearing it leaves the tab alone.
    pub fn after_selection(self, selected: bool) -> SideTab {
        if selected { SideTab::Inspector } else { self }
    }

    /// The tab after the user opens a scenario from the library (the picker
    /// or a lesson's problem or cure): its lesson, which is what they chose
    /// it for, rather than the inspector or a trace of the one before. The
    /// Source tab stays: someone reading files reads the next one too.
    pub fn after_open(self) -> SideTab {
        if self == SideTab::Source { self } else { SideTab::Lesson }
    }
}

/// The dashboard's third panel, beside the latency and throughput charts
/// (which are always in view).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DashTab {
    /// Utilization per node, and each node's state now.
    #[default]
    Nodes,
    /// Queue length per node.
    Queues,
    /// Retries and amplification.
    Retries,
    /// Cost per million requests (only when the scenario prices something).
    Cost,
    /// The scaling curve from a sweep.
    Scaling,
    /// Queueing theory beside the simulated values.
    Formulas,
    /// Where the p99 goes: the latest window's tail split (traces).
    Tail,
    /// Variant A against B (only while comparing).
    Compare,
    /// Messages lost and the network's share of latency (only with a network).
    Network,
    /// Stale reads per replicated database (only with one).
    Stale,
}

impl DashTab {
    const ORDER: [DashTab; 10] = [
        DashTab::Compare,
        DashTab::Nodes,
        DashTab::Tail,
        DashTab::Queues,
        DashTab::Network,
        DashTab::Stale,
        DashTab::Retries,
        DashTab::Cost,
        DashTab::Scaling,
        DashTab::Formulas,
    ];

    pub fn label(self) -> &'static str {
        match self {
            DashTab::Nodes => "Nodes",
            DashTab::Queues => "Queues",
            DashTab::Retries => "Retries",
            DashTab::Cost => "Cost",
            DashTab::Scaling => "Scaling",
            DashTab::Formulas => "Formulas",
            DashTab::Tail => "p99 split",
            DashTab::Compare => "A vs B",
            DashTab::Network => "Network",
            DashTab::Stale => "Stale reads",
        }
    }

    /// The element id of its tab button.
    pub fn id(self) -> &'static str {
        match self {
            DashTab::Nodes => "tab-nodes",
            DashTab::Queues => "tab-queues",
            DashTab::Retries => "tab-retries",
            DashTab::Cost => "tab-cost",
            DashTab::Scaling => "tab-scaling",
            DashTab::Formulas => "tab-formulas",
            DashTab::Tail => "tab-tail",
            DashTab::Compare => "tab-compare",
            DashTab::Network => "tab-network",
            DashTab::Stale => "tab-stale",
        }
    }

    /// The tabs worth showing: cost only when something is priced, the
    /// comparison only while comparing.
    pub fn visible(priced: bool, comparing: bool) -> Vec<DashTab> {
        Self::visible_with(priced, comparing, false, false)
    }

    /// The tabs worth showing, the network's only when the run has a
    /// network and stale reads only with a replicated database.
    pub fn visible_with(
        priced: bool,
        comparing: bool,
        network: bool,
        replicated: bool,
    ) -> Vec<DashTab> {
        Self::ORDER
            .into_iter()
            .filter(|t| match t {
                DashTab::Cost => priced,
                DashTab::Compare => comparing,
                DashTab::Network => network,
                DashTab::Stale => replicated,
                _ => true,
            })
            .collect()
    }

    /// The tab to show: the chosen one while it is visible, else the first.
    pub fn shown(self, visible: &[DashTab]) -> DashTab {
        if visible.contains(&self) { self } else { visible.first().copied().unwrap_or_default() }
    }
}

/// What a narrow screen shows below the top bar and the figures; a wide one
/// shows all three at once.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum View {
    #[default]
    Topology,
    Charts,
    Panel,
}

impl View {
    pub const ALL: [View; 3] = [View::Topology, View::Charts, View::Panel];

    pub fn label(self) -> &'static str {
        match self {
            View::Topology => "Topology",
            View::Charts => "Charts",
            View::Panel => "Details",
        }
    }

    /// The value of the page's `data-view`, which the narrow layout's CSS
    /// reads.
    pub fn key(self) -> &'static str {
        match self {
            View::Topology => "topology",
            View::Charts => "charts",
            View::Panel => "panel",
        }
    }
}

/// The selection after an edit changed the outline from `before` to
/// `after`: a component just added is selected (so its parameters are at
/// hand), a renamed one stays selected under its new name, and one that is
/// gone is no longer selected.
pub fn selection_after(
    selected: Option<Selection>,
    before: &Outline,
    after: &Outline,
) -> Option<Selection> {
    let ids = |o: &Outline| -> (Vec<String>, Vec<String>) {
        (
            o.nodes.iter().map(|n| n.id.clone()).collect(),
            o.loads.iter().map(|l| l.id.clone()).collect(),
        )
    };
    let ((nodes_before, loads_before), (nodes_after, loads_after)) = (ids(before), ids(after));
    let new = |a: &[String], b: &[String]| -> Vec<String> {
        a.iter().filter(|id| !b.contains(id)).cloned().collect()
    };
    let (added_nodes, gone_nodes) =
        (new(&nodes_after, &nodes_before), new(&nodes_before, &nodes_after));
    let (added_loads, gone_loads) =
        (new(&loads_after, &loads_before), new(&loads_before, &loads_after));
    match (selected, added_nodes.as_slice(), added_loads.as_slice()) {
        // One node renamed: follow it.
        (Some(Selection::Node(id)), [to], []) if gone_nodes == [id.clone()] => {
            Some(Selection::Node(to.clone()))
        }
        (Some(Selection::Call { node, call }), [to], []) if gone_nodes == [node.clone()] => {
            Some(Selection::Call { node: to.clone(), call })
        }
        (Some(Selection::Load(id)), [], [to]) if gone_loads == [id.clone()] => {
            Some(Selection::Load(to.clone()))
        }
        // One component added: select it.
        (_, [added], []) if gone_nodes.is_empty() => Some(Selection::Node(added.clone())),
        (_, [], [added]) if gone_loads.is_empty() => Some(Selection::Load(added.clone())),
        // Otherwise keep what still exists.
        (Some(Selection::Node(id)), ..) => nodes_after.contains(&id).then_some(Selection::Node(id)),
        (Some(Selection::Load(id)), ..) => loads_after.contains(&id).then_some(Selection::Load(id)),
        (Some(Selection::Call { node, call }), ..) => after
            .nodes
            .iter()
            .any(|n| n.id == node && call < n.calls.len())
            .then_some(Selection::Call { node, call }),
        (None, ..) => None,
    }
}

/// The scaling curve's form as typed: what to sweep (`None` until the user
/// types, so the scenario's suggestion shows), runs a point and seconds a
/// run. Held by the page, so it outlives a switch of tabs.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepForm {
    pub param: Option<String>,
    pub runs: String,
    pub seconds: String,
}

impl Default for SweepForm {
    fn default() -> Self {
        SweepForm { param: None, runs: "2".to_owned(), seconds: "20".to_owned() }
    }
}

impl SweepForm {
    /// What the parameter field shows: the user's text, or `hint`.
    pub fn param_or<'a>(&'a self, hint: &'a str) -> &'a str {
        self.param.as_deref().unwrap_or(hint)
    }

    /// The worker's command for this form (a run count that does not parse
    /// is one run; seconds that do not parse keep the scenario's duration,
    /// and the worker checks both).
    pub fn command(&self, hint: &str) -> crate::worker::protocol::ToWorker {
        crate::worker::protocol::ToWorker::Sweep {
            param: self.param_or(hint).trim().to_owned(),
            runs: self.runs.trim().parse().unwrap_or(1),
            duration_s: self.seconds.trim().parse().ok(),
        }
    }
}

/// The edit the palette's "+ kind" makes with `selected` (a node) chosen:
/// a service, database or external becomes something `selected` calls
/// (placed in the next column, beside what calls it), and a cache or queue
/// goes in front of `selected` (reading through or delivering to it). With
/// nothing selected, a component on its own.
pub fn add_component(outline: &Outline, kind: NodeKind, selected: Option<&str>) -> Edit {
    let add = Edit::AddNode { kind, position: None, behind: selected.map(str::to_owned) };
    let caller = selected.filter(|_| !matches!(kind, NodeKind::Cache | NodeKind::Queue));
    let Some(from) = caller else { return add };
    let taken: Vec<&str> = outline
        .nodes
        .iter()
        .map(|n| n.id.as_str())
        .chain(outline.loads.iter().map(|l| l.id.as_str()))
        .collect();
    let to = edit::fresh_id_among(&taken, kind.as_str());
    let connect = Edit::Connect { from: from.to_owned(), to, mode: Mode::Sync };
    Edit::Many { edits: vec![add, connect] }
}

/// What the palette's button for `kind` says it will do.
pub fn add_title(kind: NodeKind, selected: Option<&str>) -> String {
    match (kind, selected) {
        (NodeKind::Cache, Some(s)) => format!("Add a cache in front of {s}"),
        (NodeKind::Queue, Some(s)) => format!("Add a queue that delivers to {s}"),
        (_, Some(s)) => format!("Add a {kind} that {s} calls"),
        (_, None) => format!("Add a {kind}"),
    }
}

/// What a key press asks of the editor's history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HistoryKey {
    Undo,
    Redo,
}

/// The history step a key asks for (`key` as `KeyboardEvent.key` gives it),
/// with Ctrl or ⌘ held, outside a text field.
pub fn history_key(key: &str, ctrl: bool, shift: bool, in_text: bool) -> Option<HistoryKey> {
    if !ctrl || in_text {
        return None;
    }
    match (key.to_lowercase().as_str(), shift) {
        ("z", false) => Some(HistoryKey::Undo),
        ("z", true) | ("y", _) => Some(HistoryKey::Redo),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outline(text: &str) -> Outline {
        scalesim_engine::outline::of_text(text).expect("outline")
    }

    const TWO: &str = "[scenario]\nname = \"t\"\n[[load]]\nid = \"users\"\ntarget = \"api\"\nrate = 10\n\
        [[node]]\nid = \"api\"\nkind = \"service\"\nservice_time = { dist = \"const\", value = \"1ms\" }\n[[node.call]]\nto = \"db\"\n\
        [[node]]\nid = \"db\"\nkind = \"database\"\nservice_time = { dist = \"const\", value = \"1ms\" }\n";

    #[test]
    fn the_sweep_form_sends_what_it_shows() {
        use crate::worker::protocol::ToWorker;
        let form = SweepForm::default();
        assert_eq!(form.param_or("load.u.rate=1..2:2"), "load.u.rate=1..2:2");
        assert_eq!(
            form.command(" load.u.rate=1..2:2 "),
            ToWorker::Sweep { param: "load.u.rate=1..2:2".into(), runs: 2, duration_s: Some(20.0) }
        );
        let typed = SweepForm {
            param: Some("api.workers=1..4:4".into()),
            runs: "x".into(),
            seconds: "".into(),
        };
        assert_eq!(
            typed.command("ignored"),
            ToWorker::Sweep { param: "api.workers=1..4:4".into(), runs: 1, duration_s: None }
        );
    }

    #[test]
    fn history_keys_are_ctrl_z_shift_z_and_y_outside_text() {
        assert_eq!(history_key("z", true, false, false), Some(HistoryKey::Undo));
        assert_eq!(history_key("Z", true, true, false), Some(HistoryKey::Redo));
        assert_eq!(history_key("y", true, false, false), Some(HistoryKey::Redo));
        assert_eq!(history_key("z", false, false, false), None);
        assert_eq!(history_key("z", true, false, true), None, "a text field keeps its own undo");
    }

    #[test]
    fn a_component_added_with_a_selection_is_called_by_it() {
        let two = outline(TWO);
        let add = add_component(&two, NodeKind::External, Some("api"));
        let text = edit::apply(TWO, &add).expect("applies");
        let after = outline(&text);
        let api = after.nodes.iter().find(|n| n.id == "api").expect("api");
        assert!(api.calls.iter().any(|c| c.to == "external" && c.mode == Mode::Sync));
        // The id predicted is the one the edit gives, taken or not.
        let again = edit::apply(&text, &add_component(&after, NodeKind::External, Some("db")))
            .expect("applies");
        let db = outline(&again).nodes.into_iter().find(|n| n.id == "db").expect("db");
        assert_eq!(db.calls[0].to, "external-2");
        // A cache goes in front of the selection; nothing selected, alone.
        assert!(matches!(add_component(&two, NodeKind::Cache, Some("db")), Edit::AddNode { .. }));
        assert!(matches!(add_component(&two, NodeKind::Service, None), Edit::AddNode { .. }));
        assert_eq!(add_title(NodeKind::Database, Some("api")), "Add a database that api calls");
    }

    #[test]
    fn a_rename_keeps_the_selection_under_the_new_name() {
        let before = outline(TWO);
        let after = outline(&TWO.replace("\"db\"", "\"store\""));
        let picked = Some(Selection::Node("db".into()));
        assert_eq!(selection_after(picked, &before, &after), Some(Selection::Node("store".into())));
        let call = Some(Selection::Call { node: "api".into(), call: 0 });
        let renamed = outline(&TWO.replace("\"api\"", "\"gateway\""));
        assert_eq!(
            selection_after(call, &before, &renamed),
            Some(Selection::Call { node: "gateway".into(), call: 0 })
        );
    }

    #[test]
    fn a_new_component_is_selected_and_a_removed_one_is_not() {
        let before = outline(TWO);
        let added = outline(&format!(
            "{TWO}[[node]]\nid = \"mailer\"\nkind = \"external\"\nlatency = {{ dist = \"const\", value = \"9ms\" }}\n"
        ));
        let picked = Some(Selection::Node("api".into()));
        assert_eq!(
            selection_after(picked.clone(), &before, &added),
            Some(Selection::Node("mailer".into()))
        );
        // Undoing the add: the selection goes with the component.
        let gone = Some(Selection::Node("mailer".into()));
        assert_eq!(selection_after(gone, &added, &before), None);
        // A parameter change keeps the selection.
        let tuned = outline(&TWO.replace("rate = 10", "rate = 20"));
        assert_eq!(selection_after(picked.clone(), &before, &tuned), picked);
    }

    #[test]
    fn a_selection_opens_the_inspector_clearing_it_keeps_the_tab_and_a_pick_shows_its_lesson() {
        assert_eq!(SideTab::Lesson.after_selection(true), SideTab::Inspector);
        assert_eq!(SideTab::Lesson.after_selection(false), SideTab::Lesson);
        for tab in [SideTab::Lesson, SideTab::Inspector, SideTab::Request] {
            assert_eq!(tab.after_open(), SideTab::Lesson, "{tab:?}");
        }
        assert_eq!(SideTab::Source.after_open(), SideTab::Source);
        assert_eq!(SideTab::Inspector.after_selection(false), SideTab::Inspector);
    }

    #[test]
    fn unused_mechanisms_have_no_tab_and_comparing_comes_first() {
        let plain = DashTab::visible(false, false);
        assert!(!plain.contains(&DashTab::Cost) && !plain.contains(&DashTab::Compare));
        assert_eq!(plain[0], DashTab::Nodes);
        let both = DashTab::visible(true, true);
        assert_eq!(both[0], DashTab::Compare);
        assert!(both.contains(&DashTab::Cost));
        // A hidden tab falls back to the first visible one.
        assert_eq!(DashTab::Cost.shown(&plain), DashTab::Nodes);
        assert_eq!(DashTab::Compare.shown(&plain), DashTab::Nodes);
        assert_eq!(DashTab::Retries.shown(&plain), DashTab::Retries);
        assert!(!plain.contains(&DashTab::Network) && !plain.contains(&DashTab::Stale));
        let networked = DashTab::visible_with(false, false, true, true);
        assert!(networked.contains(&DashTab::Network) && networked.contains(&DashTab::Stale));
        assert_eq!(DashTab::Network.shown(&plain), DashTab::Nodes);
    }
}
