//! Every kind of edit, on every scenario in `scenarios/` (with comments
//! added), changes only the lines it is about, and the edited file reads
//! back to the scenario the edit meant.

use std::ops::Range;

use scalesim_scenario::edit::{Edit, apply};
use scalesim_scenario::scenario::{CallSpec, Mode, NodeKind, NodeSpec, read};
use scalesim_scenario::{Scenario, set};
use toml_edit::{Document, Item, TableLike};

/// The scenario files, each with a comment line and end-of-line comments
/// added.
fn scenarios() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("scenarios/ is readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 10, "the scenarios are found");
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("a scenario is readable");
            let commented: String = text
                .lines()
                .map(|line| {
                    if line.trim_start().starts_with("id = ") || line.starts_with("rate = ") {
                        format!("{line} # kept\n")
                    } else {
                        format!("{line}\n")
                    }
                })
                .collect();
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            (name.unwrap_or_default(), format!("# A comment the edits keep.\n{commented}"))
        })
        .collect()
}

/// The scenario a text says, read without validation (an edit's result
/// may be refused later, but must still say what the edit meant).
fn read(text: &str) -> Scenario {
    let table = read::table(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    read::from_table(&table).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// Lines of a text, each with its index.
type Lines = Vec<(usize, String)>;

/// The lines only in `a` and the lines only in `b`, each with its index,
/// by a longest common subsequence.
fn diff(a: &str, b: &str) -> (Lines, Lines) {
    let (a, b): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] =
                if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut removed, mut added) = (Vec::new(), Vec::new());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            added.push((j, b[j].to_owned()));
            j += 1;
        } else {
            removed.push((i, a[i].to_owned()));
            i += 1;
        }
    }
    (removed, added)
}

fn lines(found: &[(usize, String)]) -> Vec<&str> {
    found.iter().map(|(_, l)| l.as_str()).collect()
}

/// Where a value is in the text: the item at `path` inside the `kind`
/// entry called `id`.
fn span_of(text: &str, kind: &str, id: &str, path: &[&str]) -> Option<Range<usize>> {
    let doc = Document::parse(text).ok()?;
    let entries = doc.as_table().get(kind)?.as_array_of_tables()?;
    let entry = entries.iter().find(|t| t.get("id").and_then(Item::as_str) == Some(id))?;
    let mut item: &Item = entry.get(path[0])?;
    for segment in &path[1..] {
        item = match segment.parse::<usize>() {
            Ok(n) => item.get(n)?,
            Err(_) => item.get(*segment)?,
        };
    }
    item.span()
}

/// The line `span` starts on, and that line with the span replaced.
fn line_with(text: &str, span: Range<usize>, new: &str) -> (String, String) {
    let start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let end = text[span.end..].find('\n').map_or(text.len(), |i| span.end + i);
    let line = &text[start..end];
    let edited = format!("{}{new}{}", &text[start..span.start], &text[span.end..end]);
    (line.to_owned(), edited)
}

fn edited(name: &str, text: &str, edit: &Edit) -> String {
    apply(text, edit).unwrap_or_else(|e| panic!("{name}: {edit:?}: {e}"))
}

/// A value set where it is written changes its line only, the rest of the
/// line (spacing, an inline table around it, an end-of-line comment) kept.
fn assert_value_changed(name: &str, text: &str, out: &str, span: Range<usize>, new: &str) {
    let (line, expected) = line_with(text, span, new);
    let (removed, added) = diff(text, out);
    if line == expected {
        assert!(removed.is_empty() && added.is_empty(), "{name}: set to what it was");
        return;
    }
    assert_eq!(
        (lines(&removed), lines(&added)),
        (vec![line.as_str()], vec![expected.as_str()]),
        "{name}"
    );
}

/// A key added to a table is one new line, right after the table's last
/// key, indented like it.
fn assert_key_added(name: &str, text: &str, out: &str, after: Range<usize>, new: &str) {
    let (last, _) = line_with(text, after.clone(), "");
    let indent: String = last.chars().take_while(|c| *c == ' ' || *c == '\t').collect();
    let (removed, added) = diff(text, out);
    assert!(removed.is_empty(), "{name}: {removed:?}");
    assert_eq!(lines(&added), vec![format!("{indent}{new}").as_str()], "{name}");
    let line_of_last = text[..after.end].matches('\n').count();
    assert_eq!(added[0].0, line_of_last + 1, "{name}: the new key follows the last");
}

/// The last value key of a table (by where it ends in the text).
fn last_value(table: &dyn TableLike) -> Option<Range<usize>> {
    table.iter().filter(|(_, v)| v.is_value()).filter_map(|(_, v)| v.span()).max_by_key(|s| s.end)
}

fn first_node_with(s: &Scenario, pick: impl Fn(&NodeSpec) -> bool) -> Option<&NodeSpec> {
    s.nodes.iter().find(|n| pick(n))
}

#[test]
fn setting_a_written_value_changes_its_line_only() {
    for (name, text) in scenarios() {
        let scenario = read(&text);
        let node = &scenario.nodes[0];
        // A count written in the file.
        let key = ["workers", "replicas", "consumers", "pool"]
            .into_iter()
            .find(|k| span_of(&text, "node", &node.id, &[k]).is_some());
        if let Some(key) = key {
            let path = format!("{}.{key}", node.id);
            let out = edited(&name, &text, &Edit::Set { path: path.clone(), value: "7".into() });
            let span = span_of(&text, "node", &node.id, &[key]).unwrap_or_default();
            assert_value_changed(&name, &text, &out, span, "7");
            let mut meant = scenario.clone();
            set::apply(&mut meant, &path, "7").unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(read(&out), meant, "{name}");
        }
        // A load's rate, with its end-of-line comment.
        let load = &scenario.loads[0];
        if let Some(span) = span_of(&text, "load", &load.id, &["rate"]) {
            let path = format!("load.{}.rate", load.id);
            let out = edited(&name, &text, &Edit::Set { path: path.clone(), value: "3e2".into() });
            assert_value_changed(&name, &text, &out, span, "3e2");
            assert!(out.contains("rate = 3e2 # kept"), "{name}");
            let mut meant = scenario.clone();
            set::apply(&mut meant, &path, "3e2").unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(read(&out), meant, "{name}");
        }
    }
}

#[test]
fn a_value_inside_an_inline_table_stays_inline() {
    let mut checked = 0;
    for (name, text) in scenarios() {
        let scenario = read(&text);
        for node in &scenario.nodes {
            for table in ["service_time", "latency"] {
                let Some(Item::Value(toml_edit::Value::InlineTable(inline))) =
                    Document::parse(text.as_str()).ok().and_then(|d| {
                        let nodes = d.as_table().get("node")?.as_array_of_tables()?.clone();
                        let t = nodes
                            .iter()
                            .find(|t| t.get("id").and_then(Item::as_str) == Some(&node.id))?
                            .clone();
                        t.get(table).cloned()
                    })
                else {
                    continue;
                };
                let Some((key, _)) = inline.iter().find(|(k, _)| *k != "dist") else { continue };
                let key = key.to_owned();
                let path = format!("{}.{table}.{key}", node.id);
                let span = span_of(&text, "node", &node.id, &[table, &key]).unwrap_or_default();
                let out =
                    edited(&name, &text, &Edit::Set { path: path.clone(), value: "7ms".into() });
                assert_value_changed(&name, &text, &out, span, "\"7ms\"");
                let mut meant = scenario.clone();
                set::apply(&mut meant, &path, "7ms").unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(read(&out), meant, "{name}");
                checked += 1;
            }
        }
    }
    assert!(checked > 20, "{checked} inline values checked");
}

#[test]
fn a_new_key_goes_after_the_tables_last_key() {
    for (name, text) in scenarios() {
        let scenario = read(&text);
        let doc = Document::parse(text.as_str()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let nodes = doc["node"].as_array_of_tables().cloned().unwrap_or_default();
        for (i, node) in scenario.nodes.iter().enumerate() {
            let Some(table) = nodes.get(i) else { continue };
            let after = last_value(table).unwrap_or_default();
            // A plain key, and a key in a table not written yet.
            for (path, value, line) in [
                ("replicas", "3", "replicas = 3"),
                ("queue.capacity", "10", "queue = { capacity = 10 }"),
            ] {
                let first = path.split('.').next().unwrap_or_default();
                if table.contains_key(first) {
                    continue;
                }
                let path = format!("{}.{path}", node.id);
                let out =
                    edited(&name, &text, &Edit::Set { path: path.clone(), value: value.into() });
                assert_key_added(&name, &text, &out, after.clone(), line);
                let mut meant = scenario.clone();
                set::apply(&mut meant, &path, value).unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(read(&out), meant, "{name}");
            }
            // A call's mode: changed where written, else added to the call.
            for (j, call) in node.calls.iter().enumerate() {
                let path = format!("{}.call.{j}.mode", node.id);
                let out =
                    edited(&name, &text, &Edit::Set { path: path.clone(), value: "async".into() });
                let written = span_of(&text, "node", &node.id, &["call", &j.to_string(), "mode"]);
                let calls = table.get("call").and_then(Item::as_array_of_tables);
                match (written, calls.and_then(|c| c.get(j))) {
                    (Some(span), _) => assert_value_changed(&name, &text, &out, span, "\"async\""),
                    (None, Some(call_table)) => {
                        let after = last_value(call_table).unwrap_or_default();
                        assert_key_added(&name, &text, &out, after, "mode = \"async\"");
                    }
                    (None, None) => {}
                }
                let mut meant = scenario.clone();
                meant.nodes[i].calls[j].mode = Mode::Async;
                assert_eq!(read(&out), meant, "{name}: {call:?}");
            }
        }
    }
}

#[test]
fn unset_removes_its_line_only() {
    let mut checked = 0;
    for (name, text) in scenarios() {
        let scenario = read(&text);
        for (i, node) in scenario.nodes.iter().enumerate() {
            if let Some(span) = span_of(&text, "node", &node.id, &["workers"]) {
                let out = edited(
                    &name,
                    &text,
                    &Edit::Unset { path: format!("node.{}.workers", node.id) },
                );
                let (line, _) = line_with(&text, span, "");
                let (removed, added) = diff(&text, &out);
                assert_eq!(
                    (lines(&removed), lines(&added)),
                    (vec![line.as_str()], vec![]),
                    "{name}"
                );
                let mut meant = scenario.clone();
                meant.nodes[i].workers = 1;
                assert_eq!(read(&out), meant, "{name}");
                checked += 1;
            }
            for (j, call) in node.calls.iter().enumerate() {
                let Some(span) =
                    span_of(&text, "node", &node.id, &["call", &j.to_string(), "timeout"])
                else {
                    continue;
                };
                let path = format!("{}.call.{j}.timeout", node.id);
                let out = edited(&name, &text, &Edit::Unset { path });
                let (line, _) = line_with(&text, span, "");
                let (removed, added) = diff(&text, &out);
                assert_eq!(
                    (lines(&removed), lines(&added)),
                    (vec![line.as_str()], vec![]),
                    "{name}"
                );
                let mut meant = scenario.clone();
                meant.nodes[i].calls[j].timeout = None;
                assert_eq!(read(&out), meant, "{name}: {call:?}");
                checked += 1;
            }
        }
    }
    assert!(checked >= 30, "{checked} unsets checked");
}

/// The nearest table header above line `at`.
fn header_above(text: &str, at: usize) -> String {
    text.lines()
        .take(at)
        .filter(|l| l.trim_start().starts_with('['))
        .last()
        .map(|l| l.trim().to_owned())
        .unwrap_or_default()
}

/// Lines only added, one block (blank lines aside), equal to `block`.
fn assert_block_added(name: &str, text: &str, out: &str, block: &[String]) -> usize {
    let (removed, added) = diff(text, out);
    assert!(removed.is_empty(), "{name}: {removed:?}");
    let written: Vec<&(usize, String)> =
        added.iter().filter(|(_, l)| !l.trim().is_empty()).collect();
    assert_eq!(written.iter().map(|(_, l)| l.as_str()).collect::<Vec<_>>(), block, "{name}");
    let first = written[0].0;
    assert!(
        written.iter().enumerate().all(|(k, (at, _))| *at == first + k),
        "{name}: one block: {added:?}"
    );
    first
}

#[test]
fn new_components_loads_and_calls_go_after_the_last_of_their_kind() {
    for (name, text) in scenarios() {
        let scenario = read(&text);
        // A component.
        let out = edited(
            &name,
            &text,
            &Edit::AddNode { kind: NodeKind::Service, position: None, behind: None },
        );
        let id = read(&out).nodes.last().map(|n| n.id.clone()).unwrap_or_default();
        let block = [
            "[[node]]".to_owned(),
            format!("id = \"{id}\""),
            "kind = \"service\"".to_owned(),
            "workers = 8".to_owned(),
            "service_time = { dist = \"exp\", mean = \"5ms\" }".to_owned(),
        ];
        let at = assert_block_added(&name, &text, &out, &block);
        assert!(header_above(&out, at).starts_with("[[node"), "{name}: after the last node");
        assert!(
            !out.lines().skip(at + block.len()).any(|l| l.trim_start().starts_with("[[node")),
            "{name}: no node after it"
        );
        let appended = format!("{text}\n{}\n", block.join("\n"));
        assert_eq!(read(&out), read(&appended), "{name}");

        // A load.
        let target = scenario.nodes[0].id.clone();
        let out = edited(&name, &text, &Edit::AddLoad { target: target.clone(), position: None });
        let id = read(&out).loads.last().map(|l| l.id.clone()).unwrap_or_default();
        let block = [
            "[[load]]".to_owned(),
            format!("id = \"{id}\""),
            format!("target = \"{target}\""),
            "rate = 100".to_owned(),
        ];
        let at = assert_block_added(&name, &text, &out, &block);
        assert!(header_above(&out, at).starts_with("[[load"), "{name}: after the last load");
        let appended = format!("{text}\n{}\n", block.join("\n"));
        assert_eq!(read(&out), read(&appended), "{name}");

        // A call, from a component that makes calls to one it does not call.
        let Some(from) = first_node_with(&scenario, |n| {
            matches!(format!("{:?}", n.kind).as_str(), "Service" | "Database")
        }) else {
            continue;
        };
        let Some(to) = scenario
            .nodes
            .iter()
            .find(|n| n.id != from.id && !from.calls.iter().any(|c| c.to == n.id))
        else {
            continue;
        };
        let connect = Edit::Connect { from: from.id.clone(), to: to.id.clone(), mode: Mode::Async };
        let out = edited(&name, &text, &connect);
        let (removed, added) = diff(&text, &out);
        assert!(removed.is_empty(), "{name}: {removed:?}");
        let written: Vec<String> =
            added.iter().map(|(_, l)| l.trim().to_owned()).filter(|l| !l.is_empty()).collect();
        assert_eq!(
            written,
            [
                "[[node.call]]".to_owned(),
                format!("to = \"{}\"", to.id),
                "mode = \"async\"".to_owned()
            ],
            "{name}"
        );
        let mut meant = scenario.clone();
        let call: CallSpec = read::from_table(
            &read::table(&format!("to = \"{}\"\nmode = \"async\"", to.id)).unwrap_or_default(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let index = meant.nodes.iter().position(|n| n.id == from.id).unwrap_or_default();
        meant.nodes[index].calls.push(call);
        assert_eq!(read(&out), meant, "{name}");
        // Indented as the file's other calls are.
        if let Some(other) = text.lines().find(|l| l.trim() == "[[node.call]]") {
            assert!(
                out.contains(&format!(
                    "\n{other}\n{}to = \"{}\"",
                    &other[..other.len() - 13],
                    to.id
                )),
                "{name}\n{out}"
            );
        }
    }
}

#[test]
fn a_removed_call_or_component_takes_its_own_lines_only() {
    for (name, text) in scenarios() {
        let scenario = read(&text);
        // A call.
        if let Some((i, node)) =
            scenario.nodes.iter().enumerate().find(|(_, n)| !n.calls.is_empty())
        {
            let out = edited(&name, &text, &Edit::Disconnect { from: node.id.clone(), call: 0 });
            let (removed, added) = diff(&text, &out);
            assert!(added.is_empty(), "{name}: {added:?}");
            assert!(
                removed.iter().any(|(_, l)| l.trim() == "[[node.call]]") || removed.len() == 1,
                "{name}"
            );
            let mut meant = scenario.clone();
            meant.nodes[i].calls.remove(0);
            assert_eq!(read(&out), meant, "{name}");
        }
        // A component nothing delivers to or reads through to.
        let free = scenario.nodes.iter().rev().find(|n| {
            !scenario
                .nodes
                .iter()
                .any(|o| o.to.as_deref() == Some(&n.id) || o.on_miss.as_deref() == Some(&n.id))
        });
        let Some(gone) = free else { continue };
        let out = edited(&name, &text, &Edit::Remove { id: gone.id.clone() });
        let (removed, added) = diff(&text, &out);
        assert!(added.is_empty(), "{name}: {added:?}");
        assert!(
            removed
                .iter()
                .any(|(_, l)| l.starts_with("id = ") && l.contains(&format!("\"{}\"", gone.id))),
            "{name}"
        );
        let mut meant = scenario.clone();
        meant.nodes.retain(|n| n.id != gone.id);
        meant.loads.retain(|l| l.target != gone.id);
        meant.faults.retain(|f| f.target != gone.id);
        for node in &mut meant.nodes {
            node.calls.retain(|c| c.to != gone.id);
        }
        assert_eq!(read(&out), meant, "{name}");
        assert!(out.starts_with("# A comment the edits keep.\n"), "{name}");
    }
}

#[test]
fn rename_lane_and_move_change_the_lines_that_name_them() {
    for (name, text) in scenarios() {
        let scenario = read(&text);
        // Rename a component that is called (else the first).
        let called = scenario
            .nodes
            .iter()
            .find(|n| scenario.nodes.iter().any(|o| o.calls.iter().any(|c| c.to == n.id)));
        let node = called.unwrap_or(&scenario.nodes[0]).clone();
        let out =
            edited(&name, &text, &Edit::Rename { from: node.id.clone(), to: "renamed".into() });
        let (removed, added) = diff(&text, &out);
        assert_eq!(removed.len(), added.len(), "{name}");
        for ((_, old), (_, new)) in removed.iter().zip(&added) {
            assert_eq!(&old.replace(&format!("\"{}\"", node.id), "\"renamed\""), new, "{name}");
        }
        let mut meant = scenario.clone();
        let renamed = |s: &mut String| {
            if *s == node.id {
                *s = "renamed".to_owned();
            }
        };
        for n in &mut meant.nodes {
            renamed(&mut n.id);
            n.to.as_mut().map(renamed);
            n.on_miss.as_mut().map(renamed);
            n.calls.iter_mut().for_each(|c| renamed(&mut c.to));
        }
        meant.loads.iter_mut().for_each(|l| renamed(&mut l.target));
        meant.faults.iter_mut().for_each(|f| renamed(&mut f.target));
        meant.expects.iter_mut().for_each(|e| {
            e.node.as_mut().map(renamed);
        });
        assert_eq!(read(&out), meant, "{name}");

        // The lane: only `mode` lines change or appear.
        if called.is_some() {
            let lane = Edit::SetLane { id: node.id.clone(), mode: Mode::Async };
            let moved = Edit::Move { id: node.id.clone(), position: [12.04, -3.0] };
            for edit in [lane.clone(), Edit::Many { edits: vec![lane, moved] }] {
                let out = edited(&name, &text, &edit);
                let (removed, added) = diff(&text, &out);
                for (_, l) in removed.iter().chain(&added) {
                    let l = l.trim();
                    assert!(
                        l.starts_with("mode = ") || l == "position = [12.0, -3.0]",
                        "{name}: {l}"
                    );
                }
                let mut meant = scenario.clone();
                for n in &mut meant.nodes {
                    n.calls
                        .iter_mut()
                        .filter(|c| c.to == node.id)
                        .for_each(|c| c.mode = Mode::Async);
                }
                if matches!(edit, Edit::Many { .. }) {
                    meant
                        .nodes
                        .iter_mut()
                        .filter(|n| n.id == node.id)
                        .for_each(|n| n.position = Some([12.0, -3.0]));
                }
                assert_eq!(read(&out), meant, "{name}");
            }
        }

        // A move: one line, added after the last key or changed in place.
        let load = &scenario.loads[0];
        let out = edited(&name, &text, &Edit::Move { id: load.id.clone(), position: [1.0, 2.5] });
        let (_, added) = diff(&text, &out);
        assert_eq!(lines(&added), vec!["position = [1.0, 2.5]"], "{name}");
        let mut meant = scenario.clone();
        meant.loads[0].position = Some([1.0, 2.5]);
        assert_eq!(read(&out), meant, "{name}");
    }
}

#[test]
fn comments_above_a_removed_component_stay_when_a_blank_line_parts_them() {
    let text = "[scenario]\nname = \"t\"\n\n[[load]]\nid = \"users\"\ntarget = \"api\"\nrate = 10\n\n\
                [[node]]\nid = \"api\"\nkind = \"service\"\nservice_time = { dist = \"exp\", mean = \"1ms\" }\n\n\
                # The back end.\n\n# The cache, soon gone.\n[[node]]\nid = \"cache\"\nkind = \"service\"\n\
                service_time = { dist = \"exp\", mean = \"1ms\" }\n\n[[node]]\nid = \"db\"\nkind = \"service\"\n";
    let out = apply(text, &Edit::Remove { id: "cache".into() }).unwrap_or_else(|e| panic!("{e}"));
    assert!(out.contains("# The back end.\n\n[[node]]\nid = \"db\""), "{out}");
    assert!(!out.contains("soon gone"), "{out}");
    let (_, added) = diff(text, &out);
    assert!(added.is_empty(), "{added:?}");
}

#[test]
fn compact_inline_tables_and_windows_line_endings_are_kept() {
    let text = "[scenario]\r\nname = \"t\"\r\n\r\n[[node]]\r\nid = \"api\"\r\nkind = \"service\"\r\n\
                service_time = {dist=\"exp\",mean=\"1ms\"}\r\n";
    let out = apply(text, &Edit::Set { path: "api.service_time.mean".into(), value: "2ms".into() })
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out, text.replace("\"1ms\"", "\"2ms\""));
    let out = apply(
        text,
        &Edit::Set {
            path: "api.service_time".into(),
            value: "{ dist = \"const\", value = \"1ms\" }".into(),
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(out.contains("service_time = { dist = \"const\", value = \"1ms\" }\r\n"), "{out:?}");
    let lognormal = "[[node]]\nid = \"a\"\nlatency = { dist = \"exp\", mean = \"1ms\" }\n";
    let out = apply(lognormal, &Edit::Set { path: "a.latency.cv".into(), value: "2".into() })
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(out.contains("latency = { dist = \"exp\", mean = \"1ms\", cv = 2 }\n"), "{out}");
    let out = apply(lognormal, &Edit::Unset { path: "a.latency.mean".into() })
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(out.contains("latency = { dist = \"exp\" }\n"), "{out}");
}

#[test]
fn refused_edits_say_why_as_before() {
    let (_, text) =
        scenarios().into_iter().find(|(n, _)| n == "sync-chain.toml").unwrap_or_default();
    let refused = |edit: Edit| apply(&text, &edit).err().unwrap_or_default();
    assert_eq!(
        refused(Edit::Set { path: "apii.replicas".into(), value: "2".into() }),
        "no node or load is called `apii`; did you mean `api`?"
    );
    assert_eq!(
        refused(Edit::Set { path: "api.call.5.mode".into(), value: "async".into() }),
        "index 5 in `api.call.5.mode` is out of range (there are 2)"
    );
    assert_eq!(
        refused(Edit::Set { path: "api.workers.x".into(), value: "1".into() }),
        "`x` in `api.workers.x` is inside a value, not a table"
    );
    assert_eq!(refused(Edit::Remove { id: "nope".into() }), "no node or load is called `nope`");
    assert_eq!(refused(Edit::Disconnect { from: "api".into(), call: 9 }), "`api` has no call 9");
    assert_eq!(
        refused(Edit::Connect { from: "api".into(), to: "payments".into(), mode: Mode::Sync }),
        "`api` already calls `payments`"
    );
    assert_eq!(
        refused(Edit::Rename { from: "api".into(), to: "payments".into() }),
        "`payments` is taken"
    );
    assert_eq!(refused(Edit::Unset { path: "api.id".into() }), "`api.id` cannot be unset");
    // All or none.
    let many = Edit::Many {
        edits: vec![
            Edit::Set { path: "api.workers".into(), value: "3".into() },
            Edit::Remove { id: "nope".into() },
        ],
    };
    assert!(apply(&text, &many).is_err());
    // A value that does not fit is refused on reading, with the key named.
    let mut scenario = read(&text);
    let message = set::apply(&mut scenario, "api.replicaz", "2").err().unwrap_or_default();
    assert!(message.contains("did you mean `replicas`?"), "{message}");
    let message = set::apply(&mut scenario, "api.workers", "many").err().unwrap_or_default();
    assert!(message.contains("`workers` must be a whole number"), "{message}");
}

#[test]
fn dotted_keys_sections_and_inline_arrays_keep_their_form() {
    let text = "[scenario]\nname = \"t\"\n\n[[load]]\nid = \"users\"\ntarget = \"api\"\nrate = 10\n\n\
                [[node]]\nid = \"api\"\nkind = \"service\"\nservice_time.dist = \"exp\"\nservice_time.mean = \"3ms\"\n\
                call = [{ to = \"db\" }]\n\n[node.queue]\ncapacity = 5\n\n\
                [[node]]\nid = \"db\"\nkind = \"service\"\nservice_time = { dist = \"exp\", mean = \"1ms\" }\n\n\
                [[node]]\nid = \"cache\"\nkind = \"service\"\nservice_time = { dist = \"exp\", mean = \"1ms\" }\n";
    let check = |edit: Edit, gone: &[&str], new: &[&str]| {
        let out = apply(text, &edit).unwrap_or_else(|e| panic!("{edit:?}: {e}"));
        let (removed, added) = diff(text, &out);
        fn sorted(mut v: Vec<&str>) -> Vec<&str> {
            v.sort_unstable();
            v
        }
        assert_eq!(
            (sorted(lines(&removed)), sorted(lines(&added))),
            (sorted(gone.to_vec()), sorted(new.to_vec())),
            "{edit:?}\n{out}"
        );
        read(&out)
    };
    let s = check(
        Edit::Set { path: "api.service_time.mean".into(), value: "5ms".into() },
        &["service_time.mean = \"3ms\""],
        &["service_time.mean = \"5ms\""],
    );
    assert_eq!(
        s.nodes[0].service_time,
        read(&text.replace("\"3ms\"", "\"5ms\"")).nodes[0].service_time
    );
    let s = check(
        Edit::Set { path: "api.queue.max_wait".into(), value: "1s".into() },
        &[],
        &["max_wait = \"1s\""],
    );
    assert_eq!(s.nodes[0].queue.capacity, Some(5));
    assert!(s.nodes[0].queue.max_wait.is_some());
    let s = check(
        Edit::Connect { from: "api".into(), to: "cache".into(), mode: Mode::Async },
        &["call = [{ to = \"db\" }]"],
        &["call = [{ to = \"db\" }, { to = \"cache\", mode = \"async\" }]"],
    );
    assert_eq!(s.nodes[0].calls.len(), 2);
    check(
        Edit::SetLane { id: "db".into(), mode: Mode::Async },
        &["call = [{ to = \"db\" }]"],
        &["call = [{ to = \"db\", mode = \"async\" }]"],
    );
    let s = check(
        Edit::Remove { id: "db".into() },
        &[
            "call = [{ to = \"db\" }]",
            "",
            "[[node]]",
            "id = \"db\"",
            "kind = \"service\"",
            "service_time = { dist = \"exp\", mean = \"1ms\" }",
        ],
        &["call = []"],
    );
    assert!(s.nodes[0].calls.is_empty());
    check(Edit::Unset { path: "api.queue.capacity".into() }, &["capacity = 5"], &[]);
}

/// Every kind of edit, with ids and paths that exist and some that do not.
fn every_edit() -> Vec<Edit> {
    let mut edits = Vec::new();
    for id in ["api", "users", "db", "x", ""] {
        for path in
            ["replicas", "call.0.mode", "call.9.to", "service_time.mean", "queue.capacity", "a.b.c"]
        {
            let path = format!("{id}.{path}");
            edits.push(Edit::Set { path: path.clone(), value: "2".into() });
            edits.push(Edit::Set { path: path.clone(), value: "{ to = \"db\" }".into() });
            edits.push(Edit::Unset { path });
        }
        edits.push(Edit::Remove { id: id.into() });
        edits.push(Edit::Connect { from: id.into(), to: "db".into(), mode: Mode::Async });
        edits.push(Edit::Connect { from: "api".into(), to: id.into(), mode: Mode::Sync });
        edits.push(Edit::Disconnect { from: id.into(), call: 0 });
        edits.push(Edit::Rename { from: id.into(), to: "renamed".into() });
        edits.push(Edit::Move { id: id.into(), position: [1.0, 2.0] });
        edits.push(Edit::SetLane { id: id.into(), mode: Mode::Async });
        edits.push(Edit::AddLoad { target: id.into(), position: Some([f64::NAN, 1.0]) });
    }
    for kind in NodeKind::ALL {
        edits.push(Edit::AddNode { kind, position: None, behind: Some("db".into()) });
    }
    edits.push(Edit::Set { path: "scenario.seed".into(), value: "3".into() });
    edits.push(Edit::Set { path: "".into(), value: "3".into() });
    edits
}

#[test]
fn edits_of_odd_and_broken_documents_answer_without_a_panic() {
    let odd = [
        "",
        "node = 5\nload = \"x\"\nscenario = 3\n",
        "node = [1, { id = \"api\", call = 5 }, { id = \"db\", call = [1, { to = \"api\" }] }]\n",
        "[[node]]\nkind = \"service\"\n[[node]]\nid = 7\n[[node.call]]\n",
        "[[node]]\nid = \"api\"\nqueue = 3\nservice_time = [1, 2]\n[node.call]\nto = \"db\"\n",
        "[[load]]\nid = \"users\"\ntarget = \"db\"\n[[node]]\nid = \"db\"\nkind = \"queue\"\nto = \"db\"\n",
        "a = \"\\u0000\"\n[x]\n[[x.y]]\n",
        "[[node]\nid = ",
    ];
    let mut texts: Vec<String> = odd.iter().map(|t| (*t).to_owned()).collect();
    // Cut and damaged copies of the scenarios.
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for (_, text) in scenarios().into_iter().take(8) {
        for _ in 0..6 {
            let mut bytes = text.clone().into_bytes();
            let at = (next() as usize) % bytes.len();
            match next() % 3 {
                0 => bytes.truncate(at),
                1 => {
                    let damage = b"[]{}=\"\n#,.";
                    bytes[at] = damage[(next() as usize) % damage.len()];
                }
                _ => bytes.insert(at, b'\n'),
            }
            texts.push(String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    let edits = every_edit();
    let mut answered = 0;
    for text in &texts {
        for edit in &edits {
            // Ok or a message; a result that is text is TOML again.
            if let Ok(out) = apply(text, edit) {
                assert!(
                    out.parse::<toml_edit::DocumentMut>().is_ok(),
                    "{edit:?}\n{text}\n→\n{out}"
                );
            }
            answered += 1;
        }
    }
    assert!(answered > 5000, "{answered}");
}
