//! The editor's edits of a scenario: add, connect, rename, move, delete,
//! switch a component between the request path and the background, and
//! set one parameter, each on the file's text.
//!
//! Edits work on the TOML document, like [`crate::set::apply_to_text`], so
//! the caller (the worker) needs no scenario serializer; the result is read
//! back with [`Scenario::from_toml`](crate::Scenario::from_toml), which
//! reports anything an edit made impossible.

use serde::{Deserialize, Serialize};
use toml::{Table, Value};

use crate::scenario::Mode;

/// One edit, as the editor sends it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "edit", rename_all = "snake_case")]
pub enum Edit {
    /// One parameter by path (`api.replicas`, `node.api.call.0.timeout`),
    /// the value written as in the file.
    Set { path: String, value: String },
    /// Removes one key by path (back to its default).
    Unset { path: String },
    /// A new component of `kind` with working defaults, at `position`.
    /// Queues and caches need a node behind them: `behind` (else the first
    /// service).
    AddNode { kind: String, position: Option<[f64; 2]>, behind: Option<String> },
    /// A new open-loop load of 100 requests/s into `target`.
    AddLoad { target: String, position: Option<[f64; 2]> },
    /// Removes a node (and the calls into it, and loads aimed at it) or a
    /// load.
    Remove { id: String },
    /// `from` (a node or a load) now calls `to`: a new call for services
    /// and databases, the delivery target of a queue, the backing store of
    /// a cache, the target of a load.
    Connect { from: String, to: String, mode: Mode },
    /// Removes call `call` of node `from`.
    Disconnect { from: String, call: usize },
    /// Renames a node or load everywhere it is named.
    Rename { from: String, to: String },
    /// Where the canvas draws `id`.
    Move { id: String, position: [f64; 2] },
    /// Every call into `id` becomes `mode`: the drag between the request
    /// path (sync) and the background (async).
    SetLane { id: String, mode: Mode },
    /// Several edits as one (one undo step): all or none.
    Many { edits: Vec<Edit> },
}

/// Applies `edit` to a scenario file's text, returning the new text.
pub fn apply(text: &str, edit: &Edit) -> Result<String, String> {
    let mut root: Table = crate::scenario::read::table(text)?;
    apply_to_table(&mut root, edit)?;
    toml::to_string(&root).map_err(|e| e.to_string())
}

fn apply_to_table(root: &mut Table, edit: &Edit) -> Result<(), String> {
    match edit {
        Edit::Set { path, value } => crate::set::apply_to_table(root, path, value),
        Edit::Unset { path } => unset(root, path),
        Edit::AddNode { kind, position, behind } => add_node(root, kind, *position, behind),
        Edit::AddLoad { target, position } => add_load(root, target, *position),
        Edit::Remove { id } => remove(root, id),
        Edit::Connect { from, to, mode } => connect(root, from, to, *mode),
        Edit::Disconnect { from, call } => {
            let calls = entry_mut(root, "node", from)?
                .get_mut("call")
                .and_then(Value::as_array_mut)
                .ok_or_else(|| format!("`{from}` makes no calls"))?;
            if *call >= calls.len() {
                return Err(format!("`{from}` has no call {call}"));
            }
            calls.remove(*call);
            Ok(())
        }
        Edit::Rename { from, to } => rename(root, from, to),
        Edit::Move { id, position } => {
            if !position.iter().all(|v| v.is_finite()) {
                return Err("a position needs finite coordinates".to_owned());
            }
            let kind = kind_of(root, id)?;
            let entry = entry_mut(root, kind, id)?;
            let rounded = position.map(|v| Value::Float((v * 10.0).round() / 10.0));
            entry.insert("position".to_owned(), Value::Array(rounded.to_vec()));
            Ok(())
        }
        Edit::SetLane { id, mode } => set_lane(root, id, *mode),
        Edit::Many { edits } => edits.iter().try_for_each(|e| apply_to_table(root, e)),
    }
}

/// The array of `[[kind]]` tables (empty when absent).
fn items_mut<'a>(root: &'a mut Table, kind: &str) -> &'a mut Vec<Value> {
    let value = root.entry(kind.to_owned()).or_insert_with(|| Value::Array(Vec::new()));
    if !value.is_array() {
        *value = Value::Array(Vec::new());
    }
    match value {
        Value::Array(items) => items,
        _ => unreachable!("just made an array"),
    }
}

fn items<'a>(root: &'a Table, kind: &str) -> impl Iterator<Item = &'a Table> {
    root.get(kind).and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_table)
}

fn id_of(item: &Table) -> Option<&str> {
    item.get("id").and_then(Value::as_str)
}

fn entry_mut<'a>(root: &'a mut Table, kind: &str, id: &str) -> Result<&'a mut Table, String> {
    items_mut(root, kind)
        .iter_mut()
        .filter_map(Value::as_table_mut)
        .find(|t| id_of(t) == Some(id))
        .ok_or_else(|| format!("no {kind} is called `{id}`"))
}

/// Whether `id` names a node or a load.
fn kind_of(root: &Table, id: &str) -> Result<&'static str, String> {
    if items(root, "node").any(|t| id_of(t) == Some(id)) {
        Ok("node")
    } else if items(root, "load").any(|t| id_of(t) == Some(id)) {
        Ok("load")
    } else {
        let all: Vec<&str> =
            items(root, "node").chain(items(root, "load")).filter_map(id_of).collect();
        Err(format!(
            "no node or load is called `{id}`{}",
            crate::scenario::diagnostics::suggest(id, &all)
        ))
    }
}

fn node_kind<'a>(root: &'a Table, id: &str) -> Option<&'a str> {
    items(root, "node").find(|t| id_of(t) == Some(id)).and_then(|t| t.get("kind")?.as_str())
}

/// A fresh id: `base`, else `base-2`, `base-3`, …
fn fresh_id(root: &Table, base: &str) -> String {
    let taken: Vec<&str> =
        items(root, "node").chain(items(root, "load")).filter_map(id_of).collect();
    (1..)
        .map(|n| if n == 1 { base.to_owned() } else { format!("{base}-{n}") })
        .find(|id| !taken.contains(&id.as_str()))
        .unwrap_or_else(|| base.to_owned())
}

fn parse_inline(text: &str) -> Table {
    crate::scenario::read::table(text).unwrap_or_default()
}

fn add_node(
    root: &mut Table,
    kind: &str,
    position: Option<[f64; 2]>,
    behind: &Option<String>,
) -> Result<(), String> {
    let id = fresh_id(root, kind);
    let behind = || -> Result<String, String> {
        behind
            .clone()
            .filter(|b| node_kind(root, b).is_some_and(|k| k != "queue"))
            .or_else(|| {
                items(root, "node")
                    .find(|t| t.get("kind").and_then(Value::as_str) != Some("queue"))
                    .and_then(id_of)
                    .map(str::to_owned)
            })
            .ok_or_else(|| format!("a {kind} needs a node behind it: add a service first"))
    };
    let body = match kind {
        "service" => "workers = 8\nservice_time = { dist = \"exp\", mean = \"5ms\" }".to_owned(),
        "database" => "pool = 10\nservice_time = { dist = \"exp\", mean = \"2ms\" }".to_owned(),
        "external" => "latency = { dist = \"exp\", mean = \"50ms\" }".to_owned(),
        "cache" => format!("hit_ratio = 0.9\non_miss = {:?}", behind()?),
        "queue" => format!("consumers = 4\nto = {:?}", behind()?),
        other => {
            return Err(format!(
                "no component kind `{other}`: service, database, cache, queue or external"
            ));
        }
    };
    let mut table = parse_inline(&body);
    table.insert("id".to_owned(), Value::String(id));
    table.insert("kind".to_owned(), Value::String(kind.to_owned()));
    if let Some(p) = position.filter(|p| p.iter().all(|v| v.is_finite())) {
        table.insert("position".to_owned(), Value::Array(p.map(Value::Float).to_vec()));
    }
    items_mut(root, "node").push(Value::Table(table));
    Ok(())
}

fn add_load(root: &mut Table, target: &str, position: Option<[f64; 2]>) -> Result<(), String> {
    if node_kind(root, target).is_none() {
        return Err(format!("a load needs a node to call; there is no node `{target}`"));
    }
    let mut table = Table::new();
    table.insert("id".to_owned(), Value::String(fresh_id(root, "users")));
    table.insert("target".to_owned(), Value::String(target.to_owned()));
    table.insert("rate".to_owned(), Value::Integer(100));
    if let Some(p) = position.filter(|p| p.iter().all(|v| v.is_finite())) {
        table.insert("position".to_owned(), Value::Array(p.map(Value::Float).to_vec()));
    }
    items_mut(root, "load").push(Value::Table(table));
    Ok(())
}

fn remove(root: &mut Table, id: &str) -> Result<(), String> {
    if kind_of(root, id)? == "load" {
        items_mut(root, "load").retain(|v| v.get("id").and_then(Value::as_str) != Some(id));
        return Ok(());
    }
    // A queue or cache that needs this node cannot be left pointing nowhere.
    if let Some(user) = items(root, "node")
        .find(|t| ["to", "on_miss"].iter().any(|k| t.get(*k).and_then(Value::as_str) == Some(id)))
    {
        let user = id_of(user).unwrap_or("?");
        return Err(format!(
            "`{user}` depends on `{id}` (it delivers or reads through to it): point it elsewhere or remove it first"
        ));
    }
    items_mut(root, "node").retain(|v| v.get("id").and_then(Value::as_str) != Some(id));
    items_mut(root, "load").retain(|v| v.get("target").and_then(Value::as_str) != Some(id));
    items_mut(root, "fault").retain(|v| v.get("target").and_then(Value::as_str) != Some(id));
    for node in items_mut(root, "node").iter_mut().filter_map(Value::as_table_mut) {
        if let Some(Value::Array(calls)) = node.get_mut("call") {
            calls.retain(|c| c.get("to").and_then(Value::as_str) != Some(id));
        }
    }
    Ok(())
}

fn connect(root: &mut Table, from: &str, to: &str, mode: Mode) -> Result<(), String> {
    if from == to {
        return Err(format!("`{from}` cannot call itself"));
    }
    if node_kind(root, to).is_none() {
        return Err(format!("there is no node `{to}` to call"));
    }
    let mode = match mode {
        Mode::Sync => "sync",
        Mode::Async => "async",
    };
    match kind_of(root, from)? {
        "load" => {
            entry_mut(root, "load", from)?
                .insert("target".to_owned(), Value::String(to.to_owned()));
        }
        _ => match node_kind(root, from) {
            Some("queue") => {
                entry_mut(root, "node", from)?
                    .insert("to".to_owned(), Value::String(to.to_owned()));
            }
            Some("cache") => {
                entry_mut(root, "node", from)?
                    .insert("on_miss".to_owned(), Value::String(to.to_owned()));
            }
            Some("external") => {
                return Err(format!("`{from}` is external: it calls nothing we model"));
            }
            _ => {
                let node = entry_mut(root, "node", from)?;
                let calls =
                    node.entry("call".to_owned()).or_insert_with(|| Value::Array(Vec::new()));
                let Value::Array(calls) = calls else {
                    return Err(format!("`{from}.call` is not a list of calls"));
                };
                if calls.iter().any(|c| c.get("to").and_then(Value::as_str) == Some(to)) {
                    return Err(format!("`{from}` already calls `{to}`"));
                }
                let mut call = Table::new();
                call.insert("to".to_owned(), Value::String(to.to_owned()));
                call.insert("mode".to_owned(), Value::String(mode.to_owned()));
                calls.push(Value::Table(call));
            }
        },
    }
    Ok(())
}

fn rename(root: &mut Table, from: &str, to: &str) -> Result<(), String> {
    let valid =
        !to.is_empty() && to.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid {
        return Err(format!(
            "`{to}` is not a usable id: letters, digits, `-` and `_` only, not empty"
        ));
    }
    if from == to {
        return Ok(());
    }
    if kind_of(root, to).is_ok() {
        return Err(format!("`{to}` is taken"));
    }
    let kind = kind_of(root, from)?;
    entry_mut(root, kind, from)?.insert("id".to_owned(), Value::String(to.to_owned()));
    if kind == "load" {
        return Ok(());
    }
    let renamed = |v: &mut Value| {
        if v.as_str() == Some(from) {
            *v = Value::String(to.to_owned());
        }
    };
    for load in items_mut(root, "load").iter_mut().filter_map(Value::as_table_mut) {
        load.get_mut("target").map(renamed);
    }
    for fault in items_mut(root, "fault").iter_mut().filter_map(Value::as_table_mut) {
        fault.get_mut("target").map(renamed);
    }
    for expect in items_mut(root, "expect").iter_mut().filter_map(Value::as_table_mut) {
        expect.get_mut("node").map(renamed);
    }
    for node in items_mut(root, "node").iter_mut().filter_map(Value::as_table_mut) {
        node.get_mut("to").map(renamed);
        node.get_mut("on_miss").map(renamed);
        if let Some(Value::Array(calls)) = node.get_mut("call") {
            for call in calls.iter_mut().filter_map(Value::as_table_mut) {
                call.get_mut("to").map(renamed);
            }
        }
    }
    Ok(())
}

fn set_lane(root: &mut Table, id: &str, mode: Mode) -> Result<(), String> {
    node_kind(root, id).ok_or_else(|| format!("there is no node `{id}`"))?;
    let mode = match mode {
        Mode::Sync => "sync",
        Mode::Async => "async",
    };
    let mut switched = 0;
    for node in items_mut(root, "node").iter_mut().filter_map(Value::as_table_mut) {
        if let Some(Value::Array(calls)) = node.get_mut("call") {
            for call in calls.iter_mut().filter_map(Value::as_table_mut) {
                if call.get("to").and_then(Value::as_str) == Some(id) {
                    call.insert("mode".to_owned(), Value::String(mode.to_owned()));
                    switched += 1;
                }
            }
        }
    }
    if switched == 0 {
        return Err(format!(
            "no call goes into `{id}`: only a component that is called can move between the request path and the background"
        ));
    }
    Ok(())
}

fn unset(root: &mut Table, path: &str) -> Result<(), String> {
    let segments: Vec<&str> = path.split('.').collect();
    let (kind, id, rest) = match segments.as_slice() {
        [kind @ ("node" | "load"), id, rest @ ..] => (*kind, *id, rest),
        [id, rest @ ..] => (kind_of(root, id)?, *id, rest),
        [] => return Err("empty path".to_owned()),
    };
    let Some((last, inner)) = rest.split_last() else {
        return Err(format!("`{path}` names a whole {kind}: use remove"));
    };
    if matches!(*last, "id" | "kind") {
        return Err(format!("`{path}` cannot be unset"));
    }
    let mut cursor: &mut Value = items_mut(root, kind)
        .iter_mut()
        .find(|v| v.get("id").and_then(Value::as_str) == Some(id))
        .ok_or_else(|| format!("no {kind} is called `{id}`"))?;
    for segment in inner {
        cursor = match cursor {
            Value::Array(items) => segment.parse::<usize>().ok().and_then(|n| items.get_mut(n)),
            Value::Table(t) => t.get_mut(*segment),
            _ => None,
        }
        .ok_or_else(|| format!("`{path}` is not set"))?;
    }
    let cursor = cursor.as_table_mut().ok_or_else(|| format!("`{path}` is inside a value"))?;
    cursor.remove(*last);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Scenario;

    const TEXT: &str = r#"
[scenario]
name = "t"

[[load]]
id = "users"
target = "api"
rate = 10

[[node]]
id = "api"
kind = "service"
service_time = { dist = "exp", mean = "1ms" }
  [[node.call]]
  to = "db"
  timeout = "1s"

[[node]]
id = "db"
kind = "service"
service_time = { dist = "exp", mean = "1ms" }
"#;

    fn run(text: &str, edit: Edit) -> Scenario {
        let text = apply(text, &edit).unwrap_or_else(|e| panic!("{edit:?}: {e}"));
        Scenario::from_toml("t", &text).unwrap_or_else(|e| panic!("{edit:?}: {e}\n{text}"))
    }

    #[test]
    fn every_kind_added_is_a_runnable_scenario() {
        for kind in ["service", "database", "external", "cache", "queue"] {
            let s = run(
                TEXT,
                Edit::AddNode { kind: kind.into(), position: Some([1.0, 2.0]), behind: None },
            );
            let added = s.nodes.last().unwrap_or_else(|| panic!("no node"));
            assert_eq!(added.id, kind);
            assert_eq!(added.position, Some([1.0, 2.0]));
        }
        assert!(
            apply(TEXT, &Edit::AddNode { kind: "robot".into(), position: None, behind: None })
                .is_err()
        );
        let s = run(TEXT, Edit::AddNode { kind: "service".into(), position: None, behind: None });
        let text =
            apply(TEXT, &Edit::AddNode { kind: "service".into(), position: None, behind: None })
                .unwrap_or_default();
        let again =
            run(&text, Edit::AddNode { kind: "service".into(), position: None, behind: None });
        assert_eq!(s.nodes.len() + 1, again.nodes.len());
        assert_eq!(again.nodes[3].id, "service-2");
    }

    #[test]
    fn connect_rename_remove_and_lanes() {
        let text =
            apply(TEXT, &Edit::AddNode { kind: "service".into(), position: None, behind: None })
                .unwrap_or_default();
        let s = run(
            &text,
            Edit::Connect { from: "db".into(), to: "service".into(), mode: Mode::Async },
        );
        assert_eq!(s.nodes[1].calls[0].to, "service");
        assert_eq!(s.nodes[1].calls[0].mode, Mode::Async);
        assert!(
            apply(TEXT, &Edit::Connect { from: "api".into(), to: "db".into(), mode: Mode::Sync })
                .is_err()
        );
        assert!(
            apply(TEXT, &Edit::Connect { from: "api".into(), to: "api".into(), mode: Mode::Sync })
                .is_err()
        );

        let s = run(TEXT, Edit::Rename { from: "db".into(), to: "orders".into() });
        assert_eq!(s.nodes[0].calls[0].to, "orders");
        assert!(apply(TEXT, &Edit::Rename { from: "db".into(), to: "api".into() }).is_err());
        assert!(apply(TEXT, &Edit::Rename { from: "db".into(), to: "a b".into() }).is_err());

        let s = run(TEXT, Edit::SetLane { id: "db".into(), mode: Mode::Async });
        assert_eq!(s.nodes[0].calls[0].mode, Mode::Async);
        assert!(apply(TEXT, &Edit::SetLane { id: "api".into(), mode: Mode::Async }).is_err());

        let s = run(TEXT, Edit::Remove { id: "db".into() });
        assert_eq!(s.nodes.len(), 1);
        assert!(s.nodes[0].calls.is_empty());
        assert!(
            apply(TEXT, &Edit::Remove { id: "api".into() })
                .is_ok_and(|t| Scenario::from_toml("t", &t).is_err())
        );

        let s = run(TEXT, Edit::Move { id: "users".into(), position: [10.04, -3.0] });
        assert_eq!(s.loads[0].position, Some([10.0, -3.0]));
        let s = run(TEXT, Edit::Unset { path: "api.call.0.timeout".into() });
        assert_eq!(s.nodes[0].calls[0].timeout, None);
        let s = run(TEXT, Edit::Disconnect { from: "api".into(), call: 0 });
        assert!(s.nodes[0].calls.is_empty());
        let both = Edit::Many {
            edits: vec![
                Edit::SetLane { id: "db".into(), mode: Mode::Async },
                Edit::Move { id: "db".into(), position: [1.0, 500.0] },
            ],
        };
        let s = run(TEXT, both);
        assert_eq!(
            (s.nodes[0].calls[0].mode, s.nodes[1].position),
            (Mode::Async, Some([1.0, 500.0]))
        );
        let s = run(TEXT, Edit::AddLoad { target: "db".into(), position: None });
        assert_eq!(s.loads[1].id, "users-2");
    }
}
