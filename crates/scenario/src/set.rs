//! `--set path=value` (CLI) and the editor's parameter changes: one edit of
//! a scenario by path, with the value written as in the file.
//!
//! Paths: `scenario.seed`, `load.<id>.rate`, `node.<id>.replicas`,
//! `node.<id>.call.<n>.mode`, `node.<id>.queue.capacity`; the `node.` prefix
//! may be left out (`api.replicas`), and a bare id may name a load.

use toml::{Table, Value};

use crate::scenario::Scenario;

/// Sets `path` to `value` (TOML syntax; a bare word is taken as a string).
pub fn apply(scenario: &mut Scenario, path: &str, value: &str) -> Result<(), String> {
    let mut doc = Value::try_from(&*scenario).map_err(|e| e.to_string())?;
    let table = doc.as_table_mut().ok_or("scenario is not a table")?;
    apply_to_table(table, path, value)?;
    *scenario = crate::scenario::read::from_table(table)
        .map_err(|e| crate::scenario::diagnostics::explain_type_error(path, value, e.message()))?;
    Ok(())
}

/// The same edit on a scenario file's text, returning the new text (to be
/// read with `Scenario::from_toml`, which reports what the edit broke).
/// Works on the TOML document alone, so a caller that only reads scenarios
/// (the worker) needs no scenario serializer.
pub fn apply_to_text(text: &str, path: &str, value: &str) -> Result<String, String> {
    let mut table: Table = crate::scenario::read::table(text)?;
    apply_to_table(&mut table, path, value)?;
    toml::to_string(&table).map_err(|e| e.to_string())
}

/// The ids of the `[[kind]]` entries of a scenario document.
pub(crate) fn ids<'a>(root: &'a Table, kind: &str) -> Vec<&'a str> {
    root.get(kind)
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(|v| v.get("id").and_then(Value::as_str)).collect())
        .unwrap_or_default()
}

pub(crate) fn apply_to_table(root: &mut Table, path: &str, value: &str) -> Result<(), String> {
    let parsed = parse_value(value);
    let (nodes, loads) = (ids(root, "node"), ids(root, "load"));
    let segments: Vec<&str> = path.split('.').collect();
    let (table, rest) = match segments.as_slice() {
        ["scenario", rest @ ..] => (Target::Meta, rest),
        ["node", id, rest @ ..] => (Target::Array("node", id), rest),
        ["load", id, rest @ ..] => (Target::Array("load", id), rest),
        [id, rest @ ..] if nodes.contains(id) => (Target::Array("node", id), rest),
        [id, rest @ ..] if loads.contains(id) => (Target::Array("load", id), rest),
        [id, ..] => {
            let all: Vec<&str> = nodes.iter().chain(&loads).copied().collect();
            let hint = crate::scenario::diagnostics::suggest(id, &all);
            return Err(format!("no node or load is called `{id}`{hint}"));
        }
        [] => return Err("empty path".to_owned()),
    };
    if rest.is_empty() {
        return Err(format!(
            "`{path}` names a whole table; set one of its keys, e.g. `{path}.replicas`"
        ));
    }
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
    Ok(())
}

enum Target<'a> {
    Meta,
    Array(&'static str, &'a str),
}

fn parse_value(text: &str) -> Value {
    crate::scenario::read::table(&format!("v = {text}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| Value::String(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

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

[[node]]
id = "db"
kind = "service"
service_time = { dist = "exp", mean = "1ms" }
"#;

    #[test]
    fn edits_text_and_scenarios_alike() {
        let text = apply_to_text(TEXT, "api.call.0.mode", "async").unwrap_or_default();
        let edited = Scenario::from_toml("t", &text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(edited.nodes[0].calls[0].mode, crate::scenario::Mode::Async);
        let mut scenario = Scenario::from_toml("t", TEXT).unwrap_or_else(|e| panic!("{e}"));
        apply(&mut scenario, "users.rate", "25").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(scenario.loads[0].rate, Some(25.0));
        let text = apply_to_text(TEXT, "users.rate", "25").unwrap_or_default();
        assert_eq!(Scenario::from_toml("t", &text).ok(), Some(scenario));
        assert!(apply_to_text(TEXT, "apii.replicas", "2").is_err_and(|e| e.contains("`api`")));
    }
}
