//! The editor's view of a scenario: its components, loads and calls, for
//! the topology canvas and the inspector.
//!
//! The structure (kinds, replicas, calls and their modes and weights, where
//! a queue delivers, positions) is the typed [`Scenario`]'s, so defaults
//! are the format's own and cannot drift; each entry's parameters are
//! flattened from the file's text to `path = value` pairs, so a value shows
//! exactly as the user wrote it (`"250ms"`, not nanoseconds).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use toml::{Table, Value};

use crate::Scenario;
use crate::scenario::{Mode, NodeKind};

/// Everything the canvas and the inspector show.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Outline {
    pub nodes: Vec<OutlineNode>,
    pub loads: Vec<OutlineLoad>,
    /// The network's links between zones (`[[network.link]]`), for the
    /// canvas's labels on calls that cross zones.
    #[serde(default)]
    pub links: Vec<OutlineLink>,
}

impl Outline {
    /// The components' ids, in the scenario's order: the order windows,
    /// snapshots and summaries report nodes in.
    pub fn node_ids(&self) -> Vec<String> {
        self.nodes.iter().map(|n| n.id.clone()).collect()
    }
}

/// A link between two zones: what a message across it pays.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutlineLink {
    /// The two zones, as written.
    pub between: [String; 2],
    /// Mean one-way latency, milliseconds.
    pub latency_ms: f64,
    /// Share of messages lost each way (0–1).
    pub loss: f64,
}

/// A component.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutlineNode {
    pub id: String,
    pub kind: NodeKind,
    pub replicas: u32,
    pub position: Option<[f64; 2]>,
    /// Its `[[node.call]]`s, in order.
    pub calls: Vec<OutlineCall>,
    /// Where a queue delivers or a cache reads on a miss.
    pub feeds: Option<String>,
    /// Every other key, flattened (`service_time.mean = 5ms`).
    pub params: Vec<(String, String)>,
}

/// A call from a component.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutlineCall {
    pub to: String,
    pub mode: Mode,
    /// Share of requests that make it, times its fan-out: its weight in
    /// the caller's traffic.
    pub weight: f64,
    pub params: Vec<(String, String)>,
}

/// A source of user requests.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutlineLoad {
    pub id: String,
    pub target: String,
    pub position: Option<[f64; 2]>,
    pub params: Vec<(String, String)>,
}

/// The outline of `scenario`, read from `text` (the file it was read from:
/// its entries' parameters as written).
pub fn outline(scenario: &Scenario, text: &str) -> Result<Outline, String> {
    let root: Table = crate::scenario::read::table(text)?;
    let written = |kind: &str| -> HashMap<String, Table> {
        root.get(kind)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_table)
            .map(|t| (str_of(t, "id"), t.clone()))
            .collect()
    };
    let (nodes_written, loads_written) = (written("node"), written("load"));
    let empty = Table::new();
    let nodes = scenario
        .nodes
        .iter()
        .map(|n| {
            let t = nodes_written.get(&n.id).unwrap_or(&empty);
            let calls_written: Vec<&Table> = t
                .get("call")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_table)
                .collect();
            let calls = n
                .calls
                .iter()
                .enumerate()
                .map(|(i, c)| OutlineCall {
                    to: c.to.clone(),
                    mode: c.mode,
                    weight: c.probability * f64::from(c.fanout),
                    params: calls_written
                        .get(i)
                        .map_or_else(Vec::new, |c| flatten(c, &["to", "mode"])),
                })
                .collect();
            let feeds = match n.kind {
                NodeKind::Queue => n.to.clone(),
                NodeKind::Cache => n.on_miss.clone(),
                _ => None,
            };
            OutlineNode {
                id: n.id.clone(),
                kind: n.kind,
                replicas: n.replicas,
                position: n.position,
                calls,
                feeds,
                params: flatten(t, &["id", "kind", "call", "position"]),
            }
        })
        .collect();
    let loads = scenario
        .loads
        .iter()
        .map(|l| OutlineLoad {
            id: l.id.clone(),
            target: l.target.clone(),
            position: l.position,
            params: loads_written
                .get(&l.id)
                .map_or_else(Vec::new, |t| flatten(t, &["id", "target", "position"])),
        })
        .collect();
    let links = scenario
        .network
        .iter()
        .flat_map(|n| &n.links)
        .map(|l| OutlineLink {
            between: l.between.clone(),
            latency_ms: l.latency.mean().as_nanos() as f64 / 1e6,
            loss: l.loss,
        })
        .collect();
    Ok(Outline { nodes, loads, links })
}

/// The outline of a scenario file's text, read and validated first.
pub fn of_text(text: &str) -> Result<Outline, String> {
    let scenario = Scenario::from_toml("outline", text).map_err(|e| e.to_string())?;
    outline(&scenario, text)
}

fn str_of(t: &Table, key: &str) -> String {
    t.get(key).and_then(Value::as_str).unwrap_or_default().to_owned()
}

/// `key = value` pairs of a table, nested tables as `outer.inner`; strings
/// bare, everything else as TOML writes it.
fn flatten(t: &Table, skip: &[&str]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    fn walk(prefix: &str, t: &Table, skip: &[&str], out: &mut Vec<(String, String)>) {
        for (k, v) in t {
            if prefix.is_empty() && skip.contains(&k.as_str()) {
                continue;
            }
            let path = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
            match v {
                Value::Table(inner) => walk(&path, inner, &[], out),
                Value::String(s) => out.push((path, s.clone())),
                other => out.push((path, other.to_string())),
            }
        }
    }
    walk("", t, skip, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outlines_nodes_calls_and_loads_as_written() {
        let text = r#"
[scenario]
name = "t"
[[load]]
id = "users"
target = "api"
rate = 10
position = [5, 6]
[[node]]
id = "api"
kind = "service"
replicas = 3
service_time = { dist = "exp", mean = "1ms" }
  [[node.call]]
  to = "q"
  mode = "async"
  probability = 0.5
  fanout = 4
[[node]]
id = "q"
kind = "queue"
to = "mailer"
[[node]]
id = "mailer"
kind = "external"
latency = { dist = "const", value = "5ms" }
"#;
        let o = of_text(text).unwrap_or_default();
        assert_eq!(o.loads[0].position, Some([5.0, 6.0]));
        assert!(o.links.is_empty());
        assert_eq!(o.loads[0].params, vec![("rate".to_owned(), "10".to_owned())]);
        let api = &o.nodes[0];
        assert_eq!((api.replicas, api.kind), (3, NodeKind::Service));
        assert!(api.params.contains(&("service_time.mean".to_owned(), "1ms".to_owned())));
        assert_eq!(api.calls[0].mode, Mode::Async);
        assert_eq!(api.calls[0].weight, 2.0);
        assert_eq!(o.nodes[1].feeds.as_deref(), Some("mailer"));
        assert!(of_text("not toml [").is_err());
        // Defaults are the format's: one replica, a sync call, weight 1.
        let q = &o.nodes[1];
        assert_eq!((q.replicas, q.kind), (1, NodeKind::Queue));
    }
}
