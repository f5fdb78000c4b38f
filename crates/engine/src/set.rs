//! `--set path=value` (CLI) and the editor's parameter changes: one edit of
//! a scenario by path, with the value written as in the file.
//!
//! Paths: `scenario.seed`, `load.<id>.rate`, `node.<id>.replicas`,
//! `node.<id>.call.<n>.mode`, `node.<id>.queue.capacity`; the `node.` prefix
//! may be left out (`api.replicas`), and a bare id may name a load.

use toml::Value;

use crate::scenario::Scenario;

/// Sets `path` to `value` (TOML syntax; a bare word is taken as a string).
pub fn apply(scenario: &mut Scenario, path: &str, value: &str) -> Result<(), String> {
    let parsed = parse_value(value);
    let mut doc = Value::try_from(&*scenario).map_err(|e| e.to_string())?;
    let segments: Vec<&str> = path.split('.').collect();
    let (table, rest) = match segments.as_slice() {
        ["scenario", rest @ ..] => (Target::Meta, rest),
        ["node", id, rest @ ..] => (Target::Array("node", id), rest),
        ["load", id, rest @ ..] => (Target::Array("load", id), rest),
        [id, rest @ ..] if scenario.node_index(id).is_some() => (Target::Array("node", id), rest),
        [id, rest @ ..] if scenario.loads.iter().any(|l| l.id == *id) => {
            (Target::Array("load", id), rest)
        }
        [id, ..] => {
            let ids: Vec<&str> = scenario
                .nodes
                .iter()
                .map(|n| n.id.as_str())
                .chain(scenario.loads.iter().map(|l| l.id.as_str()))
                .collect();
            let hint = crate::scenario::diagnostics::suggest(id, &ids);
            return Err(format!("no node or load is called `{id}`{hint}"));
        }
        [] => return Err("empty path".to_owned()),
    };
    if rest.is_empty() {
        return Err(format!(
            "`{path}` names a whole table; set one of its keys, e.g. `{path}.replicas`"
        ));
    }
    let root = doc.as_table_mut().ok_or("scenario is not a table")?;
    let mut cursor: &mut Value = match table {
        Target::Meta => root.get_mut("scenario").ok_or("no [scenario] table")?,
        Target::Array(kind, id) => root
            .get_mut(kind)
            .and_then(Value::as_array_mut)
            .and_then(|items| {
                items.iter_mut().find(|v| v.get("id").and_then(Value::as_str) == Some(id))
            })
            .ok_or_else(|| format!("no {kind} is called `{id}`"))?,
    };
    for (i, segment) in rest.iter().enumerate() {
        let last = i + 1 == rest.len();
        cursor = match cursor {
            Value::Array(items) => {
                let n: usize = segment
                    .parse()
                    .map_err(|_| format!("`{segment}` in `{path}` should be an index"))?;
                let len = items.len();
                items.get_mut(n).ok_or_else(|| {
                    format!("index {n} in `{path}` is out of range (there are {len})")
                })?
            }
            Value::Table(t) if last => {
                t.insert((*segment).to_owned(), parsed.clone());
                break;
            }
            Value::Table(t) => {
                // `call.0` in a path is the `call` array.
                t.entry((*segment).to_owned()).or_insert_with(|| Value::Table(Default::default()))
            }
            _ => {
                return Err(format!("`{segment}` in `{path}` is inside a value, not a table"));
            }
        };
        if last {
            *cursor = parsed.clone();
        }
    }
    *scenario = doc
        .try_into()
        .map_err(|e: toml::de::Error| format!("`{path}` = {value}: {}", e.message().trim()))?;
    Ok(())
}

enum Target<'a> {
    Meta,
    Array(&'static str, &'a str),
}

fn parse_value(text: &str) -> Value {
    toml::from_str::<toml::Table>(&format!("v = {text}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| Value::String(text.to_owned()))
}
