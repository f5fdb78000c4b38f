//! The dashboard under the stage: the latency and throughput charts always
//! in view, and a tabbed third panel (per-node utilization with each node's
//! state, queues, where the p99 goes, the network and stale reads when the
//! scenario has them, retries, cost when something is priced, the scaling
//! curve, the formula check, A vs B while comparing). It owns which nodes
//! the per-node charts show.

use std::rc::Rc;

use scalesim_engine::formula::FormulaCheck;
use scalesim_engine::{Snapshot, WindowReport};
use yew::prelude::*;

use crate::charts::chart_data::{self, ChartData};
use crate::charts::network_chart;
use crate::charts::tail_chart::TailChartView;
use crate::charts::tail_data;
use crate::charts::time_chart::TimeChart;
use crate::page::panels::{FormulaTable, NodeChooser, NodeStates};
use crate::page::tab_bar::TabBar;
use crate::workbench::DashTab;

#[derive(Properties, PartialEq)]
pub struct DashboardProps {
    /// The edited variant's windows, and the version the charts show (it
    /// differs between variants, so switching redraws).
    pub windows: Rc<Vec<Rc<WindowReport>>>,
    pub version: u64,
    /// Node ids in window order.
    pub nodes: Rc<Vec<String>>,
    /// Load ids in window order (each said apart when there are several).
    #[prop_or_default]
    pub loads: Rc<Vec<String>>,
    pub snapshot: Option<Rc<Snapshot>>,
    pub formulas: Rc<Vec<FormulaCheck>>,
    /// The tab asked for (shown if it applies), and a pick.
    pub tab: DashTab,
    pub on_tab: Callback<DashTab>,
    /// The scaling curve's panel.
    pub scaling: Html,
    /// The comparison's panel, while comparing.
    pub compare: Option<Html>,
    /// The simulated instants (s) of the run's live changes, marked on the
    /// time charts.
    #[prop_or_default]
    pub changes: Rc<Vec<f64>>,
    /// What the charts' PNG and SVG downloads are named by (the scenario,
    /// and the variant while comparing: `sync-chain-B-latency.png`).
    #[prop_or_default]
    pub export_stem: AttrValue,
    /// Requests are traced (the p99 split has data to show).
    #[prop_or(true)]
    pub tracing: bool,
}

/// Which chart of the ten, its canvas id, title and y axis.
const CHARTS: [(&str, &str, &str); 10] = [
    ("latency-chart", "User latency per window", "latency (ms)"),
    ("throughput-chart", "Answers per second by outcome", "requests/s"),
    ("utilization-chart", "Utilization per node", "busy workers (%)"),
    ("queue-chart", "Queue length per node", "requests waiting"),
    ("retries-chart", "Retries per second, all nodes", "retries/s"),
    ("cost-chart", "Cost per million requests", "cost / 10⁶ requests"),
    ("network-chart", "Network: messages lost, latency share", "share (%)"),
    ("stale-chart", "Stale reads per replicated database", "stale reads (%)"),
    ("amplification-chart", "Visits per user request", "visits/request"),
    ("replicas-chart", "Replicas running per node", "replicas"),
];

/// The dashboard.
#[function_component(Dashboard)]
pub fn dashboard(props: &DashboardProps) -> Html {
    // Nodes shown in the per-node charts (by index); `None` = the first four.
    let chosen = use_state(|| None::<Vec<usize>>);
    let shown: Vec<usize> =
        (*chosen).clone().unwrap_or_else(|| (0..props.nodes.len().min(4)).collect());
    let shown_nodes: Vec<(usize, String)> =
        shown.iter().filter_map(|&i| props.nodes.get(i).map(|n| (i, n.clone()))).collect();
    let data = {
        let windows = props.windows.clone();
        let ids = props.nodes.clone();
        use_memo((props.version, shown_nodes), move |(_, nodes)| {
            let w = &windows[..];
            let databases = network_chart::replicated(w, &ids);
            [
                Rc::new(chart_data::latency(w)),
                Rc::new(chart_data::throughput(w)),
                Rc::new(chart_data::utilization(w, nodes)),
                Rc::new(chart_data::queue(w, nodes)),
                Rc::new(chart_data::retries(w)),
                Rc::new(chart_data::cost(w)),
                Rc::new(network_chart::network(w)),
                Rc::new(network_chart::staleness(w, &databases)),
                Rc::new(chart_data::amplification(w, nodes)),
                Rc::new(chart_data::replicas(w, nodes)),
            ]
        })
    };
    let tail = {
        let windows = props.windows.clone();
        use_memo(props.version, move |_| tail_data::latest(&windows[..]).map(Rc::new))
    };
    let version = props.version;
    let chart = |i: usize| {
        let (id, title, y) = CHARTS[i];
        let data: Rc<ChartData> = data[i].clone();
        let delay_ms = 20 * i as i32;
        let marks = props.changes.clone();
        let file_stem = props.export_stem.clone();
        // A latency's gaps are windows where no request was answered.
        let empty = if i == 0 { "no request answered" } else { "no data" };
        html! { <TimeChart {id} {title} y_desc={y} {data} {version} {delay_ms} {marks} {file_stem} {empty} /> }
    };
    let on_choose = {
        let chosen = chosen.clone();
        Callback::from(move |next: Vec<usize>| chosen.set(Some(next)))
    };
    let chooser = html! { <NodeChooser names={props.nodes.clone()} shown={shown.clone()} on_change={on_choose} /> };
    let priced = props.windows.iter().any(|w| w.cost_per_million > 0.0);
    let network = network_chart::has_network(&props.windows[..]);
    let replicated = !data[7].series.is_empty();
    let tabs = DashTab::visible_with(priced, props.compare.is_some(), network, replicated);
    let current = props.tab.shown(&tabs);
    let scaled = current == DashTab::Queues && chart_data::replicas_vary(&props.windows[..]);
    let body = match current {
        DashTab::Nodes => html! {
            <>
                { chooser }
                { chart(2) }
                if let Some(snap) = &props.snapshot {
                    <NodeStates snapshot={snap.clone()} names={props.nodes.clone()} last={props.windows.last().cloned()} />
                }
                if let Some(each) = props.windows.last().and_then(|w| crate::insight::load_figures(w, &props.loads)) {
                    <p class="node-states" data-testid="load-figures">{ each }</p>
                }
            </>
        },
        // Replicas that came and went beside the queue they were for.
        DashTab::Queues if scaled => html! {
            <>{ chooser }<div class="chart-pair">{ chart(3) }{ chart(9) }</div></>
        },
        DashTab::Queues => html! { <>{ chooser }{ chart(3) }</> },
        DashTab::Retries => html! { <>{ chooser }{ chart(8) }{ chart(4) }</> },
        DashTab::Tail => {
            html! { <TailChartView chart={(*tail).clone()} tracing={props.tracing} /> }
        }
        DashTab::Cost => chart(5),
        DashTab::Network => chart(6),
        DashTab::Stale => {
            let databases = network_chart::replicated(&props.windows[..], &props.nodes);
            let said =
                props.windows.last().and_then(|w| crate::insight::stale_figures(w, &databases));
            html! {
                <>
                    { chart(7) }
                    if let Some(said) = said {
                        <p class="node-states" data-testid="stale-figures">{ said }</p>
                    }
                </>
            }
        }
        DashTab::Formulas => html! {
            <section class="formulas" aria-label="Formula check">
                <FormulaTable formulas={props.formulas.clone()} />
            </section>
        },
        DashTab::Compare => props.compare.clone().unwrap_or_default(),
        DashTab::Scaling => props.scaling.clone(),
    };
    let tab_bar = {
        let (on_tab, picks) = (props.on_tab.clone(), tabs.clone());
        let on_pick = Callback::from(move |i: usize| {
            if let Some(t) = picks.get(i) {
                on_tab.emit(*t);
            }
        });
        let at = tabs.iter().position(|t| *t == current).unwrap_or(0);
        let labels = tabs.iter().map(|t| (t.id(), t.label())).collect::<Vec<_>>();
        html! { <TabBar label="More charts" tabs={labels} current={at} {on_pick} /> }
    };
    // The scaling curve, A against B and a queue beside its replicas take
    // the dashboard's wider half: the time charts stay in view beside them.
    let wide = scaled || matches!(current, DashTab::Scaling | DashTab::Compare);
    html! {
        <section class={classes!("dashboard", wide.then_some("wide"))} aria-label="Live charts">
            <div class="dash-cell">{ chart(0) }</div>
            <div class="dash-cell">{ chart(1) }</div>
            <div class="dash-cell dash-more">
                { tab_bar }
                <div class="dash-body" role="tabpanel" tabindex="0" aria-labelledby={current.id()}>{ body }</div>
            </div>
        </section>
    }
}
