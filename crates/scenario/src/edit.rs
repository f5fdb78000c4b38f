//! The editor's edits of a scenario: add, connect, rename, move, delete,
//! switch a component between the request path and the background, and
//! set one parameter, each on the file's text.
//!
//! Edits work on the file as a format-preserving document, like
//! [`crate::set::apply_to_text`]: only what an edit is about changes, and
//! comments, layout, key order, inline tables and the spelling of values
//! stay as the user wrote them. A new key goes after its table's last key,
//! a new component after the last component, a new call after the
//! component's last call; a removed component takes its own lines and the
//! comments directly above it. The caller (the worker) needs no scenario
//! serializer; the result is read back with
//! [`Scenario::from_toml`](crate::Scenario::from_toml), which reports
//! anything an edit made impossible.

use serde::{Deserialize, Serialize};
use toml_edit::{Array, DocumentMut, Item, Table, Value};

use crate::document::{self, Layout, Leftovers, Tab};

use crate::scenario::{Mode, NodeKind};

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
    AddNode { kind: NodeKind, position: Option<[f64; 2]>, behind: Option<String> },
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
    let mut doc = document::parse(text)?;
    apply_to_doc(&mut doc, edit)?;
    Ok(document::render(&doc, text))
}

fn apply_to_doc(doc: &mut DocumentMut, edit: &Edit) -> Result<(), String> {
    match edit {
        Edit::Set { path, value } => crate::set::set_in(doc, path, value),
        Edit::Unset { path } => unset(doc, path),
        Edit::AddNode { kind, position, behind } => add_node(doc, *kind, *position, behind),
        Edit::AddLoad { target, position } => add_load(doc, target, *position),
        Edit::Remove { id } => remove(doc, id),
        Edit::Connect { from, to, mode } => connect(doc, from, to, *mode),
        Edit::Disconnect { from, call } => {
            let node = document::entry_mut(doc, "node", from)
                .ok_or_else(|| format!("no node is called `{from}`"))?;
            let mut leftovers = Leftovers::default();
            let Some(calls) = node.into_item("call") else {
                return Err(format!("`{from}` makes no calls"));
            };
            if document::array_len(calls).is_none() {
                return Err(format!("`{from}` makes no calls"));
            }
            if !document::remove_at(Some(calls), *call, &mut leftovers) {
                return Err(format!("`{from}` has no call {call}"));
            }
            leftovers.place(doc);
            Ok(())
        }
        Edit::Rename { from, to } => rename(doc, from, to),
        Edit::Move { id, position } => {
            if !position.iter().all(|v| v.is_finite()) {
                return Err("a position needs finite coordinates".to_owned());
            }
            let kind = kind_of(doc, id)?;
            let mut entry = entry_mut(doc, kind, id)?;
            entry.set("position", position_value(position.map(|v| (v * 10.0).round() / 10.0)));
            Ok(())
        }
        Edit::SetLane { id, mode } => set_lane(doc, id, *mode),
        Edit::Many { edits } => edits.iter().try_for_each(|e| apply_to_doc(doc, e)),
    }
}

/// `[x, y]` as the file writes a position.
fn position_value(position: [f64; 2]) -> Value {
    Value::Array(Array::from_iter(position))
}

fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Sync => "sync",
        Mode::Async => "async",
    }
}

fn ids<'a>(doc: &'a DocumentMut, kind: &str) -> Vec<&'a str> {
    document::entries(doc, kind).into_iter().filter_map(|t| document::str_in(t, "id")).collect()
}

fn entry_mut<'a>(doc: &'a mut DocumentMut, kind: &str, id: &str) -> Result<Tab<'a>, String> {
    document::entry_mut(doc, kind, id).ok_or_else(|| format!("no {kind} is called `{id}`"))
}

/// Whether `id` names a node or a load.
fn kind_of(doc: &DocumentMut, id: &str) -> Result<&'static str, String> {
    if ids(doc, "node").contains(&id) {
        Ok("node")
    } else if ids(doc, "load").contains(&id) {
        Ok("load")
    } else {
        let all: Vec<&str> = ids(doc, "node").into_iter().chain(ids(doc, "load")).collect();
        Err(format!(
            "no node or load is called `{id}`{}",
            crate::scenario::diagnostics::suggest(id, &all)
        ))
    }
}

fn node_kind<'a>(doc: &'a DocumentMut, id: &str) -> Option<&'a str> {
    document::entries(doc, "node")
        .into_iter()
        .find(|t| document::str_in(*t, "id") == Some(id))
        .and_then(|t| document::str_in(t, "kind"))
}

/// A fresh id: `base`, else `base-2`, `base-3`, …
fn fresh_id(doc: &DocumentMut, base: &str) -> String {
    let taken: Vec<&str> = ids(doc, "node").into_iter().chain(ids(doc, "load")).collect();
    fresh_id_among(&taken, base)
}

/// The id a new entry named after `base` gets when `taken` are in use
/// (`base`, else `base-2`, `base-3`, …): what [`Edit::AddNode`] and
/// [`Edit::AddLoad`] will call it, so an editor can connect it in the same
/// step.
pub fn fresh_id_among(taken: &[&str], base: &str) -> String {
    (1..)
        .map(|n| if n == 1 { base.to_owned() } else { format!("{base}-{n}") })
        .find(|id| !taken.contains(&id.as_str()))
        .unwrap_or_else(|| base.to_owned())
}

/// A new section of `key = value` lines, in the order given.
fn section(lines: &str) -> Table {
    let mut table = Table::new();
    if let Ok(parsed) = document::parse(lines) {
        for (key, item) in parsed.as_table().iter() {
            let mut item = item.clone();
            if let Some(v) = item.as_value_mut() {
                v.decor_mut().clear();
            }
            table.insert(key, item);
        }
    }
    table
}

/// Adds an entry of `kind` (`node`, `load`) after the last one, laid out as
/// it is; the first goes before the first node (a load) or at the end.
fn push(doc: &mut DocumentMut, kind: &str, table: Table) -> Result<(), String> {
    let first_node = doc
        .get("node")
        .and_then(Item::as_array_of_tables)
        .and_then(|a| a.iter().next())
        .and_then(Table::position);
    let position = match kind {
        "load" => first_node.map(|p| p - 1),
        _ => None,
    };
    let template = Layout::of_last(doc.get("node"));
    document::push_entry(&mut Tab::Std(doc.as_table_mut()), kind, table, template, position)
}

fn add_node(
    doc: &mut DocumentMut,
    kind: NodeKind,
    position: Option<[f64; 2]>,
    behind: &Option<String>,
) -> Result<(), String> {
    let id = fresh_id(doc, kind.as_str());
    let behind = || -> Result<String, String> {
        behind
            .clone()
            .filter(|b| node_kind(doc, b).is_some_and(|k| k != "queue"))
            .or_else(|| {
                document::entries(doc, "node")
                    .into_iter()
                    .find(|t| document::str_in(*t, "kind") != Some("queue"))
                    .and_then(|t| document::str_in(t, "id"))
                    .map(str::to_owned)
            })
            .ok_or_else(|| format!("a {kind} needs a node behind it: add a service first"))
    };
    let body = match kind {
        NodeKind::Service => {
            "workers = 8\nservice_time = { dist = \"exp\", mean = \"5ms\" }".to_owned()
        }
        NodeKind::Database => {
            "pool = 10\nservice_time = { dist = \"exp\", mean = \"2ms\" }".to_owned()
        }
        NodeKind::External => "latency = { dist = \"exp\", mean = \"50ms\" }".to_owned(),
        NodeKind::Cache => format!("hit_ratio = 0.9\non_miss = {:?}", behind()?),
        NodeKind::Queue => format!("consumers = 4\nto = {:?}", behind()?),
    };
    let mut table = section(&format!("id = {id:?}\nkind = {:?}\n{body}", kind.as_str()));
    if let Some(p) = position.filter(|p| p.iter().all(|v| v.is_finite())) {
        table.insert("position", Item::Value(position_value(p)));
    }
    push(doc, "node", table)
}

fn add_load(doc: &mut DocumentMut, target: &str, position: Option<[f64; 2]>) -> Result<(), String> {
    if node_kind(doc, target).is_none() {
        return Err(format!("a load needs a node to call; there is no node `{target}`"));
    }
    let id = fresh_id(doc, "users");
    let mut table = section(&format!("id = {id:?}\ntarget = {target:?}\nrate = 100"));
    if let Some(p) = position.filter(|p| p.iter().all(|v| v.is_finite())) {
        table.insert("position", Item::Value(position_value(p)));
    }
    push(doc, "load", table)
}

fn remove(doc: &mut DocumentMut, id: &str) -> Result<(), String> {
    let mut leftovers = Leftovers::default();
    let is =
        |key: &'static str| move |t: document::TabRef<'_>| document::str_in(t, key) != Some(id);
    if kind_of(doc, id)? == "load" {
        document::retain(doc.get_mut("load"), &mut leftovers, is("id"));
        leftovers.place(doc);
        return Ok(());
    }
    // A queue or cache that needs this node cannot be left pointing nowhere.
    if let Some(user) = document::entries(doc, "node")
        .into_iter()
        .find(|t| ["to", "on_miss"].iter().any(|k| document::str_in(*t, k) == Some(id)))
    {
        let user = document::str_in(user, "id").unwrap_or("?");
        return Err(format!(
            "`{user}` depends on `{id}` (it delivers or reads through to it): point it elsewhere or remove it first"
        ));
    }
    document::retain(doc.get_mut("node"), &mut leftovers, is("id"));
    document::retain(doc.get_mut("load"), &mut leftovers, is("target"));
    document::retain(doc.get_mut("fault"), &mut leftovers, is("target"));
    for node in document::entries_mut(doc, "node") {
        document::retain(node.into_item("call"), &mut leftovers, is("to"));
    }
    leftovers.place(doc);
    Ok(())
}

fn connect(doc: &mut DocumentMut, from: &str, to: &str, mode: Mode) -> Result<(), String> {
    if from == to {
        return Err(format!("`{from}` cannot call itself"));
    }
    if node_kind(doc, to).is_none() {
        return Err(format!("there is no node `{to}` to call"));
    }
    if kind_of(doc, from)? == "load" {
        entry_mut(doc, "load", from)?.set_str("target", to);
        return Ok(());
    }
    match node_kind(doc, from) {
        Some("queue") => entry_mut(doc, "node", from)?.set_str("to", to),
        Some("cache") => entry_mut(doc, "node", from)?.set_str("on_miss", to),
        Some("external") => {
            return Err(format!("`{from}` is external: it calls nothing we model"));
        }
        _ => {
            // Laid out like the calls the file already has.
            let template = document::entries(doc, "node")
                .into_iter()
                .find_map(|n| n.get("call").and_then(|c| Layout::of_last(Some(c))));
            let mut node = entry_mut(doc, "node", from)?;
            if let Some(calls) = node.get("call") {
                if document::array_len(calls).is_none() {
                    return Err(format!("`{from}.call` is not a list of calls"));
                }
                let tables = document::tables_in(Some(calls));
                if tables.iter().any(|c| document::str_in(*c, "to") == Some(to)) {
                    return Err(format!("`{from}` already calls `{to}`"));
                }
            }
            let call = section(&format!("to = {to:?}\nmode = {:?}", mode_name(mode)));
            document::push_entry(&mut node, "call", call, template, None)
                .map_err(|_| format!("`{from}.call` is not a list of calls"))?;
        }
    }
    Ok(())
}

fn rename(doc: &mut DocumentMut, from: &str, to: &str) -> Result<(), String> {
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
    if kind_of(doc, to).is_ok() {
        return Err(format!("`{to}` is taken"));
    }
    let kind = kind_of(doc, from)?;
    entry_mut(doc, kind, from)?.set_str("id", to);
    let renamed = |table: &mut Tab<'_>, key: &str| {
        if table.str_of(key) == Some(from) {
            table.set_str(key, to);
        }
    };
    if kind == "load" {
        for mut expect in document::entries_mut(doc, "expect") {
            renamed(&mut expect, "load");
        }
        return Ok(());
    }
    for mut load in document::entries_mut(doc, "load") {
        renamed(&mut load, "target");
    }
    for mut fault in document::entries_mut(doc, "fault") {
        renamed(&mut fault, "target");
    }
    for mut expect in document::entries_mut(doc, "expect") {
        renamed(&mut expect, "node");
    }
    for mut node in document::entries_mut(doc, "node") {
        renamed(&mut node, "to");
        renamed(&mut node, "on_miss");
        for mut call in document::tables_in_mut(node.get_mut("call")) {
            renamed(&mut call, "to");
        }
    }
    Ok(())
}

fn set_lane(doc: &mut DocumentMut, id: &str, mode: Mode) -> Result<(), String> {
    node_kind(doc, id).ok_or_else(|| format!("there is no node `{id}`"))?;
    let mut switched = 0;
    for mut node in document::entries_mut(doc, "node") {
        for mut call in document::tables_in_mut(node.get_mut("call")) {
            if call.str_of("to") == Some(id) {
                call.set_str("mode", mode_name(mode));
                switched += 1;
            }
        }
    }
    if switched == 0 {
        return Err(no_call_into(doc, id));
    }
    Ok(())
}

/// Why `id`, which no call goes into, cannot change lanes: the loads whose
/// users call it directly, when there are some.
fn no_call_into(doc: &DocumentMut, id: &str) -> String {
    let loads: Vec<&str> = document::entries(doc, "load")
        .into_iter()
        .filter(|t| document::str_in(*t, "target") == Some(id))
        .filter_map(|t| document::str_in(t, "id"))
        .collect();
    match loads.as_slice() {
        [] => format!(
            "no call goes into `{id}`: only a component that is called can move between the request path and the background"
        ),
        loads => {
            let calls = document::entries(doc, "node")
                .into_iter()
                .find(|t| document::str_in(*t, "id") == Some(id))
                .is_some_and(|t| t.get("call").is_some());
            let instead = if calls { ": what it calls can move instead" } else { "" };
            format!(
                "users call `{id}` directly (load `{}`) and wait for its answer, so it stays on the request path{instead}",
                loads.join("`, `")
            )
        }
    }
}

fn unset(doc: &mut DocumentMut, path: &str) -> Result<(), String> {
    let segments: Vec<&str> = path.split('.').collect();
    let (target, rest) = match segments.as_slice() {
        ["scenario", rest @ ..] => (None, rest),
        [kind @ ("node" | "load"), id, rest @ ..] => (Some((*kind, (*id).to_owned())), rest),
        [id, rest @ ..] => (Some((kind_of(doc, id)?, (*id).to_owned())), rest),
        [] => return Err("empty path".to_owned()),
    };
    let Some((last, inner)) = rest.split_last() else {
        let kind = target.as_ref().map_or("table", |(kind, _)| *kind);
        return Err(format!("`{path}` names a whole {kind}: use remove"));
    };
    if matches!(*last, "id" | "kind") {
        return Err(format!("`{path}` cannot be unset"));
    }
    let mut cursor: &mut Item = crate::set::start(doc, &target)?;
    for segment in inner {
        cursor = if document::array_len(cursor).is_some() {
            segment.parse::<usize>().ok().and_then(|n| cursor.get_mut(n))
        } else {
            Tab::of(cursor).and_then(|t| t.into_item(segment))
        }
        .ok_or_else(|| format!("`{path}` is not set"))?;
    }
    let mut table = Tab::of(cursor).ok_or_else(|| format!("`{path}` is inside a value"))?;
    table.remove(last);
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
        for kind in NodeKind::ALL {
            let s = run(TEXT, Edit::AddNode { kind, position: Some([1.0, 2.0]), behind: None });
            let added = s.nodes.last().unwrap_or_else(|| panic!("no node"));
            assert_eq!(added.id, kind.as_str());
            assert_eq!(added.position, Some([1.0, 2.0]));
        }
        let s = run(TEXT, Edit::AddNode { kind: NodeKind::Service, position: None, behind: None });
        let text =
            apply(TEXT, &Edit::AddNode { kind: NodeKind::Service, position: None, behind: None })
                .unwrap_or_default();
        let again =
            run(&text, Edit::AddNode { kind: NodeKind::Service, position: None, behind: None });
        assert_eq!(s.nodes.len() + 1, again.nodes.len());
        assert_eq!(again.nodes[3].id, "service-2");
    }

    #[test]
    fn connect_rename_remove_and_lanes() {
        let text =
            apply(TEXT, &Edit::AddNode { kind: NodeKind::Service, position: None, behind: None })
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
        let refused = apply(TEXT, &Edit::SetLane { id: "api".into(), mode: Mode::Async });
        let why = refused.expect_err("a load's target stays on the request path");
        assert!(why.starts_with("users call `api` directly (load `users`)"), "{why}");
        assert!(why.ends_with("request path: what it calls can move instead"), "{why}");
        let leaf = TEXT.replace("  [[node.call]]\n  to = \"db\"\n  timeout = \"1s\"\n", "");
        let why = apply(&leaf, &Edit::SetLane { id: "api".into(), mode: Mode::Async }).unwrap_err();
        assert!(why.ends_with("so it stays on the request path"), "{why}");

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
