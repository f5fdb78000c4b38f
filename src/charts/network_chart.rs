//! What the network and staleness charts plot, from the streamed windows:
//! the network's losses and its share of user latency (when the scenario
//! has a network), and each replicated database's stale-read share (when
//! it has one). Each chart exists only when its figures do: a scenario
//! without a network has no network chart, never a chart of zeros, and a
//! window without the figure has no point. Pure data, tested natively.

use std::borrow::Borrow;

use scalesim_engine::WindowReport;

use crate::charts::chart_data::{ChartData, series};

/// Whether any window carries network figures (the scenario has a network).
pub fn has_network<W: Borrow<WindowReport>>(windows: &[W]) -> bool {
    windows.iter().any(|w| w.borrow().network.is_some())
}

/// The replicated databases (window index, id): those whose windows carry
/// a read count.
pub fn replicated<W: Borrow<WindowReport>>(
    windows: &[W],
    nodes: &[String],
) -> Vec<(usize, String)> {
    nodes
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            windows.iter().any(|w| w.borrow().nodes.get(*i).is_some_and(|n| n.reads.is_some()))
        })
        .map(|(i, id)| (i, id.clone()))
        .collect()
}

/// The network, in percent: the share of messages lost (loss and
/// partitions; no point in a window with no messages) and the network's
/// share of the time users waited (no point in a window with no answers).
pub fn network<W: Borrow<WindowReport>>(windows: &[W]) -> ChartData {
    let lines = vec![
        series("messages lost", 5, windows, |w| {
            let n = w.network?;
            (n.messages > 0).then(|| 100.0 * n.lost as f64 / n.messages as f64)
        }),
        series("network's share of user latency", 8, windows, |w| {
            let n = w.network?;
            (w.latency_ms.count > 0).then_some(100.0 * n.latency_share)
        }),
    ];
    ChartData::over(windows, lines, false)
}

/// Each replicated database's stale reads over its reads, in percent (no
/// point in a window where it served no reads).
pub fn staleness<W: Borrow<WindowReport>>(
    windows: &[W],
    databases: &[(usize, String)],
) -> ChartData {
    let series = databases
        .iter()
        .enumerate()
        .map(|(k, (index, name))| {
            series(name, k, windows, |w| {
                let n = w.nodes.get(*index)?;
                n.reads.filter(|r| *r > 0).and(n.stale_read_share).map(|s| 100.0 * s)
            })
        })
        .collect();
    ChartData::over(windows, series, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use scalesim_engine::time::SimDuration;
    use scalesim_engine::{Scenario, Simulation};

    fn windows_of(text: &str, seconds: u64) -> (Vec<WindowReport>, Vec<String>) {
        let scenario = Scenario::from_toml("t.toml", text).unwrap_or_else(|e| panic!("{e}"));
        let nodes = scenario.nodes.iter().map(|n| n.id.clone()).collect();
        let mut sim = Simulation::new(scenario).unwrap_or_else(|e| panic!("{e}"));
        (sim.advance_by(SimDuration::from_secs(seconds)), nodes)
    }

    #[test]
    fn a_partition_shows_as_lost_messages_while_it_lasts() {
        let (w, _) = windows_of(include_str!("../../scenarios/partition-timeouts.toml"), 40);
        assert!(has_network(&w));
        let data = network(&w);
        let lost = &data.series[0].points;
        let at = |t: f64| lost.iter().find(|p| p.0 >= t).map(|p| p.1).unwrap_or(f64::NAN);
        assert_eq!(at(10.0), 0.0, "{lost:?}");
        assert!(at(25.0) > 10.0, "{lost:?}");
        let share = &data.series[1].points;
        assert!(share.iter().all(|p| (0.0..=100.0).contains(&p.1)) && !share.is_empty());
    }

    #[test]
    fn no_network_no_chart() {
        let (w, nodes) = windows_of(include_str!("../../scenarios/checkout.toml"), 5);
        assert!(!has_network(&w));
        assert!(network(&w).series.iter().all(|s| s.points.is_empty()));
        assert!(replicated(&w, &nodes).is_empty());
    }

    #[test]
    fn stale_reads_per_replicated_database() {
        let (w, nodes) = windows_of(include_str!("../../scenarios/read-your-writes.toml"), 20);
        let dbs = replicated(&w, &nodes);
        assert_eq!(dbs, vec![(2, "profiles".to_owned())]);
        let data = staleness(&w, &dbs);
        assert_eq!(data.series.len(), 1);
        assert_eq!(data.series[0].label, "profiles");
        // Editors' reloads are stale, viewers' mostly not: a few percent.
        assert_eq!(data.series[0].points.len(), w.len(), "a point every window with reads");
        let last = data.series[0].points.last().map_or(0.0, |p| p.1);
        assert!(last > 2.0 && last < 50.0, "{:?}", data.series[0].points);
    }

    /// The read-your-writes lesson's Watch: the write an editor's reload
    /// missed is a few milliseconds old, as the Stale reads tab says.
    #[test]
    fn the_missed_writes_are_a_few_milliseconds_old() {
        let (w, nodes) = windows_of(include_str!("../../scenarios/read-your-writes.toml"), 20);
        let dbs = replicated(&w, &nodes);
        let said = crate::insight::stale_figures(w.last().expect("windows"), &dbs)
            .expect("a replicated database");
        let p50 = said.split("age p50 ").nth(1).and_then(|t| t.split(" ms,").next());
        assert!(
            p50.and_then(|v| v.parse::<f64>().ok()).is_some_and(|v| v > 0.1 && v < 20.0),
            "{said}"
        );
    }
}
