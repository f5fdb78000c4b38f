//! `--set path=value` (CLI) and the editor's parameter changes: one edit of
//! a scenario by path, with the value written as in the file.
//!
//! Paths: `scenario.seed`, `load.<id>.rate`, `node.<id>.replicas`,
//! `node.<id>.call.<n>.mode`, `node.<id>.queue.capacity`; the `node.` prefix
//! may be left out (`api.replicas`), and a bare id may name a load.

use toml_edit::{DocumentMut, Item};

use crate::document::{self, Tab};
use crate::scenario::Scenario;

/// Sets `path` to `value` (TOML syntax; a bare word is taken as a string).
/// The same edit as [`apply_to_text`], on the scenario written out.
pub fn apply(scenario: &mut Scenario, path: &str, value: &str) -> Result<(), String> {
    let text = toml::to_string(&*scenario).map_err(|e| e.to_string())?;
    let text = apply_to_text(&text, path, value)?;
    let table = crate::scenario::read::table(&text)?;
    *scenario = crate::scenario::read::from_table(&table)
        .map_err(|e| crate::scenario::diagnostics::explain_type_error(path, value, e.message()))?;
    Ok(())
}

/// The same edit on a scenario file's text, returning the new text (to be
/// read with `Scenario::from_toml`, which reports what the edit broke).
/// Only the edited value changes: comments, layout and the spelling of
/// every other value are kept (a new key goes after the table's last key,
/// a value inside an inline table stays inline).
pub fn apply_to_text(text: &str, path: &str, value: &str) -> Result<String, String> {
    let mut doc = document::parse(text)?;
    set_in(&mut doc, path, value)?;
    Ok(document::render(&doc, text))
}

/// One edit as a person reads it, for a confirmation: the path with
/// components named by id and the value as written before and after it
/// (`node "api".workers 4 → 8`; `(not set)` for a key the file did not
/// have; `(unchanged)` when the edit wrote what was there). `before` and
/// `after` are the file's text either side of [`apply_to_text`] with
/// `path` and `value`.
pub fn describe(before: &str, after: &str, path: &str, value: &str) -> String {
    let before = document::parse(before).ok();
    let name = before.as_ref().map_or_else(|| path.to_owned(), |doc| named(doc, path));
    let old = before.as_ref().and_then(|doc| written_at(doc, path));
    let new = document::parse(after)
        .ok()
        .and_then(|doc| written_at(&doc, path))
        .unwrap_or_else(|| value.to_owned());
    match old {
        Some(old) if old == new => format!("{name} {new} (unchanged)"),
        Some(old) => format!("{name} {old} → {new}"),
        None => format!("{name} (not set) → {new}"),
    }
}

/// `path` as diagnostics name it: `node "api".call[1].mode` for
/// `api.call.1.mode`, `load "users".rate` for `users.rate`.
fn named(doc: &DocumentMut, path: &str) -> String {
    let Ok((target, rest)) = resolve(doc, path) else { return path.to_owned() };
    let mut out = match target {
        None => "scenario".to_owned(),
        Some((kind, id)) => format!("{kind} \"{id}\""),
    };
    for segment in rest {
        if segment.parse::<usize>().is_ok() {
            out.push_str(&format!("[{segment}]"));
        } else {
            out.push_str(&format!(".{segment}"));
        }
    }
    out
}

/// The value at `path` as the file writes it (`4`, `"5ms"`), or `None`
/// when the file has no such key (or it names a table).
fn written_at(doc: &DocumentMut, path: &str) -> Option<String> {
    let (target, rest) = resolve(doc, path).ok()?;
    let mut item = match target {
        None => doc.get("scenario")?,
        Some((kind, id)) => {
            let index = document::entries(doc, kind)
                .iter()
                .position(|t| document::str_in(*t, "id") == Some(id.as_str()))?;
            doc.get(kind)?.get(index)?
        }
    };
    for segment in rest {
        item = match segment.parse::<usize>() {
            Ok(n) if document::array_len(item).is_some() => item.get(n)?,
            _ => item.get(segment)?,
        };
    }
    // Without its decor: the spaces and end-of-line comment around it.
    let mut value = item.as_value()?.clone();
    value.decor_mut().clear();
    Some(value.to_string())
}

/// The ids of the `[[kind]]` entries of a scenario document.
pub(crate) fn ids(doc: &DocumentMut, kind: &str) -> Vec<String> {
    document::entries(doc, kind)
        .into_iter()
        .filter_map(|t| document::str_in(t, "id").map(str::to_owned))
        .collect()
}

/// The table a path starts in: `None` for `[scenario]`, else an entry's
/// kind and id.
pub(crate) type Target<'k> = Option<(&'k str, String)>;

/// What a path's first segments name, and the segments left inside it.
pub(crate) fn resolve<'p>(
    doc: &DocumentMut,
    path: &'p str,
) -> Result<(Target<'static>, Vec<&'p str>), String> {
    let (nodes, loads) = (ids(doc, "node"), ids(doc, "load"));
    let segments: Vec<&str> = path.split('.').collect();
    let has = |ids: &[String], id: &str| ids.iter().any(|i| i == id);
    Ok(match segments.as_slice() {
        ["scenario", rest @ ..] => (None, rest.to_vec()),
        ["node", id, rest @ ..] => (Some(("node", (*id).to_owned())), rest.to_vec()),
        ["load", id, rest @ ..] => (Some(("load", (*id).to_owned())), rest.to_vec()),
        [id, rest @ ..] if has(&nodes, id) => (Some(("node", (*id).to_owned())), rest.to_vec()),
        [id, rest @ ..] if has(&loads, id) => (Some(("load", (*id).to_owned())), rest.to_vec()),
        [id, ..] => {
            let all: Vec<&str> = nodes.iter().chain(&loads).map(String::as_str).collect();
            let hint = crate::scenario::diagnostics::suggest(id, &all);
            return Err(format!("no node or load is called `{id}`{hint}"));
        }
        [] => return Err("empty path".to_owned()),
    })
}

/// The `[scenario]` table or the entry a path starts in.
pub(crate) fn start<'d>(
    doc: &'d mut DocumentMut,
    target: &Target<'_>,
) -> Result<&'d mut Item, String> {
    match target {
        None => doc.get_mut("scenario").ok_or_else(|| "no [scenario] table".to_owned()),
        Some((kind, id)) => {
            document::entry_item(doc, kind, id).ok_or_else(|| format!("no {kind} is called `{id}`"))
        }
    }
}

/// Sets `path` to `value` in a document, in place.
pub(crate) fn set_in(doc: &mut DocumentMut, path: &str, value: &str) -> Result<(), String> {
    let parsed = document::parse_value(value);
    let (target, rest) = resolve(doc, path)?;
    if rest.is_empty() {
        return Err(format!(
            "`{path}` names a whole table; set one of its keys, e.g. `{path}.replicas`"
        ));
    }
    let mut cursor: &mut Item = start(doc, &target)?;
    for (i, segment) in rest.iter().enumerate() {
        let last = i + 1 == rest.len();
        if let Some(len) = document::array_len(cursor) {
            let n: usize = segment
                .parse()
                .map_err(|_| format!("`{segment}` in `{path}` should be an index"))?;
            let item = cursor.get_mut(n).ok_or_else(|| {
                format!("index {n} in `{path}` is out of range (there are {len})")
            })?;
            if last {
                if item.is_table() && !parsed.is_inline_table() {
                    return Err(format!("`{path}` is a table: write it as {{ key = value, … }}"));
                }
                document::replace(item, parsed);
                return Ok(());
            }
            cursor = item;
        } else if let Some(mut table) = Tab::of(cursor) {
            if last {
                table.set(segment, parsed);
                return Ok(());
            }
            // `queue.capacity` on a node without a `queue`: made inline.
            // An index into a list that is not there (`api.call.0.mode` on
            // a node with no calls) is out of range, not a table to make.
            if table.get(segment).is_none() {
                if let Some(n) = rest.get(i + 1).and_then(|s| s.parse::<usize>().ok()) {
                    return Err(format!(
                        "index {n} in `{path}` is out of range (there is no `{segment}` entry)"
                    ));
                }
                table.add_table(segment);
            }
            cursor = table
                .into_item(segment)
                .ok_or_else(|| format!("`{segment}` in `{path}` could not be made"))?;
        } else {
            return Err(format!("`{segment}` in `{path}` is inside a value, not a table"));
        }
    }
    Ok(())
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
rate = 10 # peak

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

    #[test]
    fn describes_an_edit_by_component_and_value_as_written() {
        let said = |path: &str, value: &str| {
            let after = apply_to_text(TEXT, path, value).unwrap_or_default();
            describe(TEXT, &after, path, value)
        };
        assert_eq!(said("users.rate", "25"), "load \"users\".rate 10 → 25");
        assert_eq!(
            said("api.call.0.mode", "async"),
            "node \"api\".call[0].mode (not set) → \"async\""
        );
        assert_eq!(
            said("node.api.service_time.mean", "5ms"),
            "node \"api\".service_time.mean \"1ms\" → \"5ms\""
        );
        assert_eq!(said("scenario.name", "\"t\""), "scenario.name \"t\" (unchanged)");
        assert_eq!(said("db.queue.capacity", "10"), "node \"db\".queue.capacity (not set) → 10");
    }

    #[test]
    fn an_index_into_a_list_that_is_not_there_is_out_of_range() {
        let e = apply_to_text(TEXT, "db.call.0.timeout", "50ms").unwrap_err();
        assert_eq!(e, "index 0 in `db.call.0.timeout` is out of range (there is no `call` entry)");
        let e = apply_to_text(TEXT, "api.call.1.timeout", "50ms").unwrap_err();
        assert_eq!(e, "index 1 in `api.call.1.timeout` is out of range (there are 1)");
        // A table that is not there is still made: `queue.capacity`.
        let text = apply_to_text(TEXT, "db.queue.capacity", "10").unwrap_or_default();
        let edited = Scenario::from_toml("t", &text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(edited.nodes[1].queue.capacity, Some(10));
    }
}
