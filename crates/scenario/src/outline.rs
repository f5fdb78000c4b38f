//! The editor's view of a scenario: its components, loads and calls, each
//! with its parameters flattened to `path = value` pairs as the file
//! writes them, for the topology canvas and the inspector.
//!
//! Read from the file's text (already known to be a valid scenario), so a
//! value shows exactly as the user wrote it (`"250ms"`, not nanoseconds).

use serde::{Deserialize, Serialize};
use toml::{Table, Value};

use crate::scenario::Mode;

/// Everything the canvas and the inspector show.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Outline {
    pub nodes: Vec<OutlineNode>,
    pub loads: Vec<OutlineLoad>,
}

/// A component.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutlineNode {
    pub id: String,
    /// `service`, `database`, `cache`, `queue` or `external`.
    pub kind: String,
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

/// The outline of a scenario file's text.
pub fn outline(text: &str) -> Result<Outline, String> {
    let root: Table = crate::scenario::read::table(text)?;
    let tables = |kind: &str| -> Vec<Table> {
        root.get(kind)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_table)
            .cloned()
            .collect()
    };
    let nodes = tables("node")
        .into_iter()
        .map(|t| {
            let calls = t
                .get("call")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_table)
                .map(|c| OutlineCall {
                    to: str_of(c, "to"),
                    mode: match c.get("mode").and_then(Value::as_str) {
                        Some("async") => Mode::Async,
                        _ => Mode::Sync,
                    },
                    weight: number(c, "probability").unwrap_or(1.0)
                        * number(c, "fanout").unwrap_or(1.0),
                    params: flatten(c, &["to", "mode"]),
                })
                .collect();
            let kind = str_of(&t, "kind");
            let feeds = match kind.as_str() {
                "queue" => t.get("to"),
                "cache" => t.get("on_miss"),
                _ => None,
            }
            .and_then(Value::as_str)
            .map(str::to_owned);
            OutlineNode {
                id: str_of(&t, "id"),
                replicas: number(&t, "replicas").map_or(1, |r| r as u32),
                position: position(&t),
                calls,
                feeds,
                params: flatten(&t, &["id", "kind", "call", "position"]),
                kind,
            }
        })
        .collect();
    let loads = tables("load")
        .into_iter()
        .map(|t| OutlineLoad {
            id: str_of(&t, "id"),
            target: str_of(&t, "target"),
            position: position(&t),
            params: flatten(&t, &["id", "target", "position"]),
        })
        .collect();
    Ok(Outline { nodes, loads })
}

fn str_of(t: &Table, key: &str) -> String {
    t.get(key).and_then(Value::as_str).unwrap_or_default().to_owned()
}

/// A TOML number (integer or float) as `f64`.
fn as_number(v: &Value) -> Option<f64> {
    match v {
        Value::Integer(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

fn number(t: &Table, key: &str) -> Option<f64> {
    as_number(t.get(key)?)
}

fn position(t: &Table) -> Option<[f64; 2]> {
    let a = t.get("position")?.as_array()?;
    Some([as_number(a.first()?)?, as_number(a.get(1)?)?])
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
to = "api"
"#;
        let o = outline(text).unwrap_or_default();
        assert_eq!(o.loads[0].position, Some([5.0, 6.0]));
        assert_eq!(o.loads[0].params, vec![("rate".to_owned(), "10".to_owned())]);
        let api = &o.nodes[0];
        assert_eq!((api.replicas, api.kind.as_str()), (3, "service"));
        assert!(api.params.contains(&("service_time.mean".to_owned(), "1ms".to_owned())));
        assert_eq!(api.calls[0].mode, Mode::Async);
        assert_eq!(api.calls[0].weight, 2.0);
        assert_eq!(o.nodes[1].feeds.as_deref(), Some("api"));
        assert!(outline("not toml [").is_err());
    }
}
