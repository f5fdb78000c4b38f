//! Reading a scenario file with messages a user can act on: each names the
//! file, the line and the key, says what was expected, and suggests the
//! nearest valid key for a typo. Every problem is listed, not just the first.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use serde::Deserialize;
use serde::de::{self, Visitor};
use toml::de::{DeTable, DeValue};

use super::{
    BurstSpec, CallSpec, Diurnal, ExpectSpec, FaultSpec, LoadSpec, Meta, NodeSpec, Pattern,
    QueueSpec, Ramp, RetrySpec, Scenario, Spike, Step,
};

/// One problem in a scenario file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, as the caller named it.
    pub file: String,
    /// 1-based line, 0 when the problem has no single place.
    pub line: usize,
    /// The key path, components named by id when they have one:
    /// `node "api".call[0].timeout`, `expect[2].metric` (empty for syntax
    /// errors and problems of the whole file).
    pub key: String,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.file.is_empty(), self.line) {
            (true, _) => {}
            (false, 0) => write!(f, "{}: ", self.file)?,
            (false, line) => write!(f, "{}:{line}: ", self.file)?,
        }
        if self.key.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "`{}`: {}", self.key, self.message)
        }
    }
}

/// A scenario that cannot run, with every reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.diagnostics.len();
        write!(f, "{} problem{} in the scenario:", n, if n == 1 { "" } else { "s" })?;
        for d in &self.diagnostics {
            write!(f, "\n  {d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}

/// Where each key of a parsed file is, for pointing at it later.
#[derive(Debug, Default)]
pub struct Locations {
    /// Each key path's span, from its key to the end of its value.
    spans: BTreeMap<String, Range<usize>>,
    /// Each key path's value span (what a reading error points at).
    values: BTreeMap<String, Range<usize>>,
    line_starts: Vec<usize>,
}

impl Locations {
    fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Locations { spans: BTreeMap::new(), values: BTreeMap::new(), line_starts }
    }

    /// The 1-based line of a byte offset.
    fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset)
    }

    /// The line of `path`, or of its nearest recorded ancestor.
    pub fn line(&self, path: &str) -> usize {
        let mut p = path;
        loop {
            if let Some(span) = self.spans.get(p) {
                return self.line_of(span.start);
            }
            match p.rfind(['.', '[']) {
                Some(i) => p = &p[..i],
                None => return 0,
            }
        }
    }

    /// The innermost key whose value spans `offset`.
    fn key_at(&self, offset: usize) -> String {
        self.spans
            .iter()
            .filter(|(_, span)| span.contains(&offset))
            .max_by_key(|(path, span)| (path.len(), std::cmp::Reverse(span.len())))
            .map(|(path, _)| path.clone())
            .unwrap_or_default()
    }

    /// The path whose value (or array item) spans exactly `span`.
    fn path_of(&self, span: &Range<usize>) -> Option<&str> {
        self.values.iter().find(|(_, s)| *s == span).map(|(p, _)| p.as_str())
    }
}

/// A problem found while reading: the key path it is about, the message,
/// and the value to leave out so that reading can go on past it.
struct Found {
    key: String,
    message: String,
    line: usize,
}

/// A file of `len` bytes refused for its size, both sizes as people read
/// them ("the file is 13.5 MB; at most 4.19 MB"), in bytes where the two
/// would read the same.
fn too_large(len: usize, most: usize) -> String {
    let (size, limit) = (size_words(len), size_words(most));
    let why = crate::limits::WHY;
    if size == limit {
        format!("the file is {len} bytes; at most {most} bytes ({why})")
    } else {
        format!("the file is {size}; at most {limit} ({why})")
    }
}

/// A size in decimal units to three figures: "812 bytes", "41.2 kB",
/// "13.5 MB".
fn size_words(bytes: usize) -> String {
    let b = bytes as f64;
    let (v, unit) = match b {
        b if b >= 1e6 => (b / 1e6, "MB"),
        b if b >= 1e3 => (b / 1e3, "kB"),
        _ => return format!("{bytes} bytes"),
    };
    let decimals = if v >= 100.0 {
        0
    } else if v >= 10.0 {
        1
    } else {
        2
    };
    format!("{v:.decimals$} {unit}")
}

/// Parses and validates a scenario: syntax, unknown keys, types, meaning.
/// Every problem of the three later passes is listed in one go, in line
/// order: a value that does not fit is left out and reading goes on, and
/// the meaning of what could be read is checked too.
pub fn parse(file: &str, text: &str) -> Result<Scenario, ScenarioError> {
    let mut locations = Locations::new(text);
    let diag = |line, key: &str, message: String| Diagnostic {
        file: file.to_owned(),
        line,
        key: key.to_owned(),
        message,
    };

    if text.len() > crate::limits::MAX_TEXT_BYTES {
        let message = too_large(text.len(), crate::limits::MAX_TEXT_BYTES);
        return Err(ScenarioError { diagnostics: vec![diag(0, "", message)] });
    }
    let table = match DeTable::parse(text) {
        Ok(table) => table,
        Err(e) => {
            let line = e.span().map_or(0, |s| locations.line_of(s.start));
            let message = format!("not valid TOML: {}", e.message().trim());
            return Err(ScenarioError { diagnostics: vec![diag(line, "", message)] });
        }
    };
    let mut unknown = Vec::new();
    check_table(&mut locations, "", Shape::Root, table.get_ref(), &mut unknown);

    // What cannot be read is left out of a copy, so the rest can be.
    let mut readable = table.clone();
    let mut pruned = Pruned::default();
    let mut found: Vec<Found> = Vec::new();
    for (key, message, leave_out) in unknown {
        if let Some(span) = locations.values.get(&leave_out).cloned() {
            let whole = readable.span();
            prune(readable.get_mut(), whole, &span, &mut pruned);
        }
        found.push(Found { line: locations.line(&key), key, message });
    }
    let mut scenario = None;
    for _ in 0..MAX_READ_ROUNDS {
        match super::read::from_parsed::<Scenario>(&readable) {
            Ok(s) => {
                scenario = Some(s);
                break;
            }
            Err(e) => {
                let span = e.span().unwrap_or_else(|| readable.span());
                let key = locations.key_at(span.start);
                let missing = missing_field(e.message());
                let caused = missing
                    .is_some_and(|field| pruned.keys.contains(&(span.clone(), field.to_owned())));
                if !caused {
                    let line = if e.span().is_some() { locations.line_of(span.start) } else { 0 };
                    let value = value_at(table.get_ref(), &span).map(written).unwrap_or_default();
                    found.push(Found {
                        message: explain_type_error(&key, &value, e.message()),
                        key,
                        line,
                    });
                }
                // A node whose kind cannot be read is read on as a service,
                // so the problems of its other keys are found too; what its
                // meaning would be is not judged.
                if caused && missing == Some("kind") {
                    let stand_in = (
                        toml::Spanned::new(0..0, "kind".into()),
                        toml::Spanned::new(0..0, DeValue::String("service".into())),
                    );
                    if let Some(t) = table_at(readable.get_mut(), &span) {
                        t.insert(stand_in.0, stand_in.1);
                        pruned.stand_ins.push(span);
                        continue;
                    }
                }
                let whole = readable.span();
                if !prune(readable.get_mut(), whole, &span, &mut pruned) {
                    break;
                }
            }
        }
    }
    if let Some(scenario) = &scenario {
        let removed_ids: Vec<String> =
            pruned.items.iter().filter_map(|span| id_at(table.get_ref(), span)).collect();
        let removed_paths: Vec<String> = pruned
            .items
            .iter()
            .filter_map(|span| locations.path_of(span).map(str::to_owned))
            .collect();
        let mut left_out: Vec<&str> =
            pruned.values.iter().filter_map(|span| locations.path_of(span)).collect();
        left_out.extend(pruned.stand_ins.iter().filter_map(|span| locations.path_of(span)));
        for p in super::validate::problems(scenario) {
            if removed_ids.iter().any(|id| p.message.contains(&format!("`{id}`"))) {
                continue;
            }
            let key = original_path(&p.key, &removed_paths);
            // A value left out as unreadable is already reported; what
            // its absence means is not news.
            if left_out.iter().any(|l| {
                key == *l || key.strip_prefix(l).is_some_and(|r| r.starts_with(['.', '[']))
            }) {
                continue;
            }
            found.push(Found { line: locations.line(&key), key, message: p.message });
        }
    }
    if found.is_empty()
        && let Some(scenario) = scenario
    {
        return Ok(scenario);
    }
    if found.is_empty() {
        // Never a refusal without a reason.
        found.push(Found {
            key: String::new(),
            message: "the file does not fit the scenario format".to_owned(),
            line: 0,
        });
    }
    crate::order::sort_by_key(&mut found, |f| if f.line == 0 { usize::MAX } else { f.line });
    let diagnostics = found
        .into_iter()
        .map(|f| diag(f.line, &named(table.get_ref(), &f.key), f.message))
        .collect();
    Err(ScenarioError { diagnostics })
}

/// How many values that do not fit one reading may leave out before it
/// stops (each round reads the whole file again).
const MAX_READ_ROUNDS: usize = 200;

/// What reading left out: table keys (with the span of their table) and
/// array items (their spans).
#[derive(Default)]
struct Pruned {
    keys: Vec<(Range<usize>, String)>,
    /// The spans of the values of the keys left out.
    values: Vec<Range<usize>>,
    items: Vec<Range<usize>>,
    /// Tables read with a stand-in for a value that could not be read.
    stand_ins: Vec<Range<usize>>,
}

/// The table (standard, inline or an array item) whose span is `span`.
fn table_at<'a, 'i>(
    table: &'a mut DeTable<'i>,
    span: &Range<usize>,
) -> Option<&'a mut DeTable<'i>> {
    /// Whether `value` is, or holds, the table at `span`.
    fn holds(value: &toml::Spanned<DeValue<'_>>, span: &Range<usize>) -> bool {
        match value.get_ref() {
            DeValue::Table(t) => value.span() == *span || t.iter().any(|(_, v)| holds(v, span)),
            DeValue::Array(items) => items.iter().any(|item| holds(item, span)),
            _ => false,
        }
    }
    let (_, value) = table.iter_mut().find(|(_, v)| holds(v, span))?;
    let here = value.span() == *span;
    match value.get_mut() {
        DeValue::Table(t) => {
            if here {
                Some(t)
            } else {
                table_at(t, span)
            }
        }
        DeValue::Array(items) => {
            let item = items.iter_mut().find(|item| holds(item, span))?;
            let here = item.span() == *span;
            match item.get_mut() {
                DeValue::Table(t) => {
                    if here {
                        Some(t)
                    } else {
                        table_at(t, span)
                    }
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// Leaves out of `table` (whose own span is `whole`) the value a reading
/// error at `target` is about: the entry or array-of-tables item whose
/// value spans exactly `target`, or else the entry whose value contains it
/// (an element of an inline array). False when there is none (the error is
/// about the whole document). A standard table's span is its header, not
/// its keys, so every table is searched, not only those around `target`.
fn prune(
    table: &mut DeTable<'_>,
    whole: Range<usize>,
    target: &Range<usize>,
    pruned: &mut Pruned,
) -> bool {
    let keys: Vec<_> = table.iter().map(|(k, _)| k.clone()).collect();
    for key in &keys {
        let Some(value) = table.get_mut(key) else { continue };
        let span = value.span();
        // An array of tables has the span of its first item's header, so
        // its items are looked at before the array itself.
        let done = match value.get_mut() {
            DeValue::Table(t) => span != *target && prune(t, span.clone(), target, pruned),
            DeValue::Array(items) => prune_items(items, target, pruned),
            _ => false,
        };
        if done {
            return true;
        }
        let inline_item = match table.get(key).map(|v| v.get_ref()) {
            Some(DeValue::Array(items)) => items.iter().any(|i| i.span() == *target),
            _ => false,
        };
        if span == *target || inline_item {
            pruned.keys.push((whole, key.get_ref().to_string()));
            pruned.values.push(span);
            table.remove(key);
            return true;
        }
    }
    let inside = |s: &Range<usize>| s.start <= target.start && target.end <= s.end;
    let around = keys.iter().find(|k| {
        table
            .get(*k)
            .is_some_and(|v| inside(&v.span()) && !matches!(v.get_ref(), DeValue::Table(_)))
    });
    match around {
        Some(key) => {
            let key = key.clone();
            pruned.keys.push((whole, key.get_ref().to_string()));
            if let Some(v) = table.get(&key) {
                pruned.values.push(v.span());
            }
            table.remove(&key);
            true
        }
        None => false,
    }
}

/// [`prune`] over an array's items: an array-of-tables item spanning
/// `target` is left out whole, otherwise each table item is searched.
fn prune_items(
    items: &mut toml::de::DeArray<'_>,
    target: &Range<usize>,
    pruned: &mut Pruned,
) -> bool {
    for i in 0..items.len() {
        let item_span = items[i].span();
        if item_span == *target {
            if matches!(items[i].get_ref(), DeValue::Table(_)) {
                pruned.items.push(item_span);
                remove_item(items, i);
                return true;
            }
            return false;
        }
        if let Some(DeValue::Table(t)) = items.get_mut(i).map(|item| item.get_mut())
            && prune(t, item_span, target, pruned)
        {
            return true;
        }
    }
    false
}

/// `items` without its `i`th item (a parsed array has no `remove`).
fn remove_item<'i>(items: &mut toml::de::DeArray<'i>, i: usize) {
    *items = std::mem::replace(items, toml::de::DeArray::new())
        .into_iter()
        .enumerate()
        .filter(|(j, _)| *j != i)
        .map(|(_, item)| item)
        .collect();
}

/// The parsed value that spans exactly `span`, if any.
fn value_at<'a, 'i>(table: &'a DeTable<'i>, span: &Range<usize>) -> Option<&'a DeValue<'i>> {
    fn within<'a, 'i>(
        value: &'a toml::Spanned<DeValue<'i>>,
        span: &Range<usize>,
    ) -> Option<&'a DeValue<'i>> {
        if value.span() == *span {
            return Some(value.get_ref());
        }
        match value.get_ref() {
            DeValue::Table(t) => value_at(t, span),
            DeValue::Array(items) => items.iter().find_map(|item| within(item, span)),
            _ => None,
        }
    }
    table.iter().find_map(|(_, v)| within(v, span))
}

/// The `id` of the array item at `span` (a node or load left out).
fn id_at(table: &DeTable<'_>, span: &Range<usize>) -> Option<String> {
    match value_at(table, span)? {
        DeValue::Table(t) => {
            t.iter().find(|(k, _)| k.get_ref().as_ref() == "id").and_then(|(_, v)| {
                match v.get_ref() {
                    DeValue::String(s) => Some(s.to_string()),
                    _ => None,
                }
            })
        }
        _ => None,
    }
}

/// A path of the scenario read with items left out, as a path of the
/// file: `node[2]` is the file's `node[3]` when its `node[1]` was left out.
fn original_path(path: &str, removed: &[String]) -> String {
    let mut out = String::new();
    let mut rest = path;
    while !rest.is_empty() {
        let (segment, tail) = match rest.find('.') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, ""),
        };
        let prefix = if out.is_empty() { String::new() } else { format!("{out}.") };
        match segment
            .split_once('[')
            .and_then(|(name, i)| Some((name, i.strip_suffix(']')?.parse::<usize>().ok()?)))
        {
            Some((name, index)) => {
                let mut original = 0;
                let mut seen = 0;
                loop {
                    let candidate = format!("{prefix}{name}[{original}]");
                    if !removed.contains(&candidate) {
                        if seen == index {
                            break;
                        }
                        seen += 1;
                    }
                    original += 1;
                }
                out = format!("{prefix}{name}[{original}]");
            }
            None => out = format!("{prefix}{segment}"),
        }
        rest = tail;
    }
    out
}

/// A key path with components named by their id: `node "api".workers`
/// for `node[3].workers`, `load "shoppers".rate` for `load[0].rate` (by
/// index when the id is longer than `limits::MAX_ID_LEN`).
fn named(table: &DeTable<'_>, path: &str) -> String {
    let mut out = path.to_owned();
    for kind in ["node", "load"] {
        let prefix = format!("{kind}[");
        let Some(rest) = out.strip_prefix(&prefix) else { continue };
        let Some((index, tail)) = rest.split_once(']') else { continue };
        let Ok(index) = index.parse::<usize>() else { continue };
        let items =
            table.iter().find(|(k, _)| k.get_ref().as_ref() == kind).map(|(_, v)| v.get_ref());
        let id = match items {
            Some(DeValue::Array(items)) => items.get(index).and_then(|item| match item.get_ref() {
                DeValue::Table(t) => {
                    t.iter().find(|(k, _)| k.get_ref().as_ref() == "id").and_then(|(_, v)| match v
                        .get_ref()
                    {
                        DeValue::String(s) => Some(s.to_string()),
                        _ => None,
                    })
                }
                _ => None,
            }),
            _ => None,
        };
        // An id past the limit on ids is not echoed (the problem with it
        // says how long it is): the item keeps its index.
        if let Some(id) = id.filter(|id| id.chars().count() <= crate::limits::MAX_ID_LEN) {
            out = format!("{kind} \"{id}\"{tail}");
        }
    }
    out
}

/// [`Diagnostic::key`]'s naming for a scenario already read (a problem
/// found after `--set` overrides): `node[0].replicas` is
/// `node "api".replicas`, as a file's own problems are named.
pub fn named_in(scenario: &Scenario, path: &str) -> String {
    let ids: [(&str, Vec<&str>); 2] = [
        ("node", scenario.nodes.iter().map(|n| n.id.as_str()).collect()),
        ("load", scenario.loads.iter().map(|l| l.id.as_str()).collect()),
    ];
    for (kind, ids) in ids {
        let Some(rest) = path.strip_prefix(kind).and_then(|r| r.strip_prefix('[')) else {
            continue;
        };
        let Some((index, tail)) = rest.split_once(']') else { continue };
        let id = index.parse::<usize>().ok().and_then(|i| ids.get(i).copied());
        if let Some(id) = id.filter(|id| id.chars().count() <= crate::limits::MAX_ID_LEN) {
            return format!("{kind} \"{id}\"{tail}");
        }
    }
    path.to_owned()
}

/// `x` of serde's "missing field `x`".
fn missing_field(message: &str) -> Option<&str> {
    message.trim().strip_prefix("missing field `")?.split('`').next()
}

/// The 1-based line of each item of the array of tables `array` (e.g.
/// `expect`) in a file's text, in order; empty when the text does not
/// parse. For pointing a report at the `[[expect]]` it is about.
pub fn lines_of(text: &str, array: &str) -> Vec<usize> {
    let Ok(table) = DeTable::parse(text) else { return Vec::new() };
    let locations = Locations::new(text);
    let item = table.get_ref().iter().find(|(k, _)| k.get_ref().as_ref() == array);
    match item.map(|(_, v)| v.get_ref()) {
        Some(DeValue::Array(items)) => {
            items.iter().map(|i| locations.line_of(i.span().start)).collect()
        }
        _ => Vec::new(),
    }
}

/// serde's wording of a value that does not fit, in words a user acts on:
/// what the key takes and what was written instead.
/// `written` is the value as the user wrote it (empty when unknown).
pub(crate) fn explain_type_error(path: &str, written: &str, message: &str) -> String {
    let message = message.trim();
    let leaf = path.rsplit(['.', '[']).next().unwrap_or(path);
    let name = if leaf.is_empty() || leaf.ends_with(']') {
        "this".to_owned()
    } else {
        format!("`{leaf}`")
    };
    if let Some(field) = missing_field(message) {
        return format!("needs `{field}`");
    }
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (got, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let options: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        return format!("unknown key `{got}`{}", hint_or_list(got, &options));
    }
    if message.contains("internally tagged enum Distribution") {
        return format!(
            "{name} is a distribution, e.g. {{ dist = \"exp\", mean = \"8ms\" }}, not {written}"
        );
    }
    if message.starts_with("is a size") || message.starts_with("is a rate of growth") {
        return format!("{name} {message}");
    }
    if message.contains("expected a size with its unit") {
        return format!("{name} is a size with its unit, e.g. \"2MB\" or \"1GB\", not {written}");
    }
    if message.contains("expected a size per unit of time") {
        return format!("{name} is a rate of growth, e.g. \"10MB/min\", not {written}");
    }
    if message.starts_with("is a duration") {
        return format!("{name} {message}");
    }
    if message.contains("expected a duration with its unit") {
        let number = message.split('`').nth(1).unwrap_or("5");
        return format!(
            "{name} holds a duration without its unit: write \"{number}ms\" (or \"{number}s\"), in quotes"
        );
    }
    if message.contains("has no unit") || message.contains("unknown unit") {
        return format!("{name} is a duration: {message}");
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let (got, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let options: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        let hint = suggest(got, &options);
        return format!("{name} must be one of {}, not `{got}`{hint}", list(&options));
    }
    if message.contains("untagged enum Bound") {
        return format!(
            "{name} is a bound: a number (e.g. 0.01), or for a latency a duration in quotes (e.g. \"250ms\"){}",
            if written.is_empty() { String::new() } else { format!(", not {written}") }
        );
    }
    if message.contains("wanted a string") {
        return format!("{name} is a name in quotes (e.g. kind = \"service\"), not {written}");
    }
    let expected = message.rsplit_once(", expected ").map(|(_, e)| e.trim());
    let whole =
        |min: &str| format!("{name} must be a whole number of at least {min}, not {written}");
    match expected {
        Some("u32" | "u64" | "usize" | "u16" | "u8") => {
            whole(&crate::schema::minimum_of(leaf).map_or("0".to_owned(), |m| m.to_string()))
        }
        Some("i64" | "i32") => format!("{name} must be a whole number, not {written}"),
        Some("f64" | "f32") => format!("{name} must be a number, not {written}"),
        Some("a boolean") => format!("{name} must be true or false, not {written}"),
        Some("a string") => format!("{name} must be text in quotes, not {written}"),
        Some(e) if e.starts_with("a sequence") || e.contains("array") => {
            format!("{name} must be a list in brackets, e.g. [1, 2], not {written}")
        }
        Some(e) if e.starts_with("struct") || e.contains("map") => {
            format!("{name} must be a table, e.g. {{ key = value }}, not {written}")
        }
        _ => format!("{name}: {message}"),
    }
}

/// A value as the user wrote it, for messages: `-4`, `"fast"`, `a list`.
fn written(value: &DeValue<'_>) -> String {
    match value {
        DeValue::String(s) => format!("\"{s}\""),
        DeValue::Integer(i) => i.as_str().to_owned(),
        DeValue::Float(f) => f.as_str().to_owned(),
        DeValue::Boolean(b) => b.to_string(),
        DeValue::Datetime(d) => d.to_string(),
        DeValue::Array(_) => "a list".to_owned(),
        DeValue::Table(_) => "a table".to_owned(),
    }
}

/// What a table in the file is, for knowing its keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    Root,
    Meta,
    Load,
    Burst,
    Pattern,
    Step,
    Ramp,
    Spike,
    Diurnal,
    Node,
    Queue,
    Call,
    Retry,
    Distribution,
    Fault,
    Expect,
    RateLimit,
    Breaker,
    FaultEffect,
    Cost,
    Coordination,
    Memory,
    Autoscale,
    Network,
    Link,
    Replication,
    /// Values, not tables: nothing below to check.
    Free,
}

impl Shape {
    /// The keys this table accepts.
    fn keys(self) -> Vec<&'static str> {
        match self {
            Shape::Root => vec!["scenario", "load", "node", "fault", "expect", "network"],
            Shape::Meta => fields_of::<Meta>(),
            Shape::Load => fields_of::<LoadSpec>(),
            Shape::Burst => fields_of::<BurstSpec>(),
            Shape::Pattern => fields_of::<Pattern>(),
            Shape::Step => fields_of::<Step>(),
            Shape::Ramp => fields_of::<Ramp>(),
            Shape::Spike => fields_of::<Spike>(),
            Shape::Diurnal => fields_of::<Diurnal>(),
            Shape::Node => fields_of::<NodeSpec>(),
            Shape::Queue => fields_of::<QueueSpec>(),
            Shape::Call => fields_of::<CallSpec>(),
            Shape::Retry => fields_of::<RetrySpec>(),
            Shape::Fault => fields_of::<FaultSpec>(),
            Shape::Expect => fields_of::<ExpectSpec>(),
            Shape::RateLimit => fields_of::<crate::rate_limit::RateLimitSpec>(),
            Shape::Breaker => fields_of::<crate::breaker::BreakerSpec>(),
            Shape::FaultEffect => fields_of::<super::FaultEffect>(),
            Shape::Cost => fields_of::<crate::cost::CostSpec>(),
            Shape::Coordination => fields_of::<crate::coordination::CoordinationSpec>(),
            Shape::Memory => fields_of::<crate::memory::MemorySpec>(),
            Shape::Autoscale => fields_of::<crate::autoscale::AutoscaleSpec>(),
            Shape::Network => fields_of::<crate::network::NetworkSpec>(),
            Shape::Link => fields_of::<crate::network::LinkSpec>(),
            Shape::Replication => fields_of::<crate::network::ReplicationSpec>(),
            Shape::Distribution | Shape::Free => Vec::new(),
        }
    }

    /// The shape of the table (or array of tables) under `key`.
    fn child(self, key: &str) -> Shape {
        match (self, key) {
            (Shape::Root, "scenario") => Shape::Meta,
            (Shape::Root, "load") => Shape::Load,
            (Shape::Root, "node") => Shape::Node,
            (Shape::Root, "fault") => Shape::Fault,
            (Shape::Root, "expect") => Shape::Expect,
            (Shape::Root, "network") => Shape::Network,
            (Shape::Network, "link") => Shape::Link,
            (Shape::Node, "replication") => Shape::Replication,
            (Shape::Network | Shape::Link | Shape::Call, "latency")
            | (Shape::Replication, "lag") => Shape::Distribution,
            (Shape::Load, "burst") => Shape::Burst,
            (Shape::Load, "pattern") => Shape::Pattern,
            (Shape::Load | Shape::Call, "retry") => Shape::Retry,
            (Shape::Load, "think_time")
            | (Shape::Node, "service_time" | "latency" | "hit_time") => Shape::Distribution,
            (Shape::Pattern, "steps") => Shape::Step,
            (Shape::Pattern, "ramp") => Shape::Ramp,
            (Shape::Pattern, "spike") => Shape::Spike,
            (Shape::Pattern, "diurnal") => Shape::Diurnal,
            (Shape::Node, "queue") => Shape::Queue,
            (Shape::Node, "call") => Shape::Call,
            (Shape::Node | Shape::Load, "rate_limit") => Shape::RateLimit,
            (Shape::Call, "breaker") => Shape::Breaker,
            (Shape::Fault, "effect") => Shape::FaultEffect,
            (Shape::Node, "cost") => Shape::Cost,
            (Shape::Node, "coordination") => Shape::Coordination,
            (Shape::Node, "memory") => Shape::Memory,
            (Shape::Node, "autoscale") => Shape::Autoscale,
            _ => Shape::Free,
        }
    }
}

/// The keys of each distribution, by its `dist`.
fn distribution_keys(dist: &str) -> Option<&'static [&'static str]> {
    Some(match dist {
        "const" => &["dist", "value"],
        "exp" => &["dist", "mean"],
        "uniform" => &["dist", "min", "max"],
        "lognormal" => &["dist", "p50", "p99"],
        "bimodal" => &["dist", "fast", "slow", "slow_share"],
        "pareto" => &["dist", "scale", "shape", "max"],
        _ => return None,
    })
}

const DISTRIBUTIONS: [&str; 6] = ["const", "exp", "uniform", "lognormal", "bimodal", "pareto"];

fn check_table(
    locations: &mut Locations,
    path: &str,
    shape: Shape,
    table: &DeTable<'_>,
    problems: &mut Vec<(String, String, String)>,
) {
    let mut keys = shape.keys();
    if shape == Shape::Distribution {
        let dist = table.iter().find(|(k, _)| k.get_ref().as_ref() == "dist");
        match dist.map(|(_, v)| v.get_ref()) {
            Some(DeValue::String(name)) => match distribution_keys(name) {
                Some(k) => keys = k.to_vec(),
                None => {
                    let hint = suggest(name, &DISTRIBUTIONS);
                    problems.push((
                        join(path, "dist"),
                        format!(
                            "unknown distribution `{name}`{hint}; expected one of {}",
                            list(&DISTRIBUTIONS)
                        ),
                        path.to_owned(),
                    ));
                    return;
                }
            },
            _ => {
                problems.push((
                    path.to_owned(),
                    format!("a distribution needs `dist`, one of {}, e.g. {{ dist = \"exp\", mean = \"8ms\" }}", list(&DISTRIBUTIONS)),
                    path.to_owned(),
                ));
                return;
            }
        }
    }
    for (key, value) in table.iter() {
        let name = key.get_ref().as_ref();
        let child_path = join(path, name);
        locations.spans.insert(child_path.clone(), key.span().start..value.span().end);
        locations.values.insert(child_path.clone(), value.span());
        if shape != Shape::Free && !keys.contains(&name) {
            problems.push((
                child_path.clone(),
                format!("unknown key{}", hint_or_list(name, &keys)),
                child_path,
            ));
            continue;
        }
        let child = shape.child(name);
        if child == Shape::Free {
            continue;
        }
        match value.get_ref() {
            DeValue::Table(t) => check_table(locations, &child_path, child, t, problems),
            DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let item_path = format!("{child_path}[{i}]");
                    locations.spans.insert(item_path.clone(), item.span());
                    locations.values.insert(item_path.clone(), item.span());
                    if let DeValue::Table(t) = item.get_ref() {
                        check_table(locations, &item_path, child, t, problems);
                    }
                }
            }
            _ => {}
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") }
}

fn list(keys: &[&str]) -> String {
    keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
}

/// What follows "unknown key": the nearest key when one is close (the
/// full list would bury it), else every key it could be.
fn hint_or_list(got: &str, keys: &[&str]) -> String {
    match suggest(got, keys) {
        hint if hint.is_empty() => format!("; expected one of {}", list(keys)),
        hint => hint,
    }
}

/// `"; did you mean `x`?"` for the nearest candidate within a small edit
/// distance, or nothing.
pub fn suggest(word: &str, candidates: &[&str]) -> String {
    // Bounded work whatever the input: names longer than an id may be are
    // not compared (a 40 000-character id would need a 40 000² table), a
    // pair is abandoned once it is past the distance a suggestion allows,
    // and the whole search stops after `BUDGET` table cells.
    const BUDGET: usize = 1 << 20;
    let word: Vec<char> = word.chars().take(crate::limits::MAX_ID_LEN + 1).collect();
    if word.len() > crate::limits::MAX_ID_LEN {
        return String::new();
    }
    let mut spent = 0usize;
    let mut best: Option<(usize, &str)> = None;
    for &c in candidates {
        if spent > BUDGET {
            break;
        }
        let len = c.chars().count();
        if len > crate::limits::MAX_ID_LEN {
            continue;
        }
        let limit = 2.max(len / 3);
        spent += (word.len() + 1) * (len + 1);
        if let Some(d) = edit_distance_within(&word, c, limit)
            && best.is_none_or(|b| (d, c) < b)
        {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| format!("; did you mean `{c}`?")).unwrap_or_default()
}

/// Levenshtein distance, with a swap of neighbours counted as one edit, if
/// it is at most `limit` (`None` otherwise): three rows, abandoned as soon
/// as a row's best is past the limit.
fn edit_distance_within(a: &[char], b: &str, limit: usize) -> Option<usize> {
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let width = b.len() + 1;
    let mut before: Vec<usize> = vec![0; width];
    let mut prev: Vec<usize> = (0..width).collect();
    let mut row: Vec<usize> = vec![0; width];
    for i in 1..=a.len() {
        row[0] = i;
        let mut best = row[0];
        for j in 1..width {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(row[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            row[j] = d;
            best = best.min(d);
        }
        if best > limit {
            return None;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut row);
    }
    Some(prev[b.len()]).filter(|&d| d <= limit)
}

/// The field names serde's derive gives a struct: asked of the type itself,
/// so the list of valid keys can never drift from what deserializes.
fn fields_of<'de, T: Deserialize<'de>>() -> Vec<&'static str> {
    let mut probe = FieldProbe(None);
    let _ = T::deserialize(&mut probe);
    probe.0.map(<[_]>::to_vec).unwrap_or_default()
}

struct FieldProbe(Option<&'static [&'static str]>);

#[derive(Debug)]
struct ProbeDone;

impl fmt::Display for ProbeDone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("probe")
    }
}

impl std::error::Error for ProbeDone {}

impl de::Error for ProbeDone {
    fn custom<M: fmt::Display>(_: M) -> Self {
        ProbeDone
    }
}

impl<'de> de::Deserializer<'de> for &mut FieldProbe {
    type Error = ProbeDone;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, ProbeDone> {
        Err(ProbeDone)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, ProbeDone> {
        self.0 = Some(fields);
        Err(ProbeDone)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_too_large_is_refused_in_sizes_people_read() {
        let why = crate::limits::WHY;
        assert_eq!(
            too_large(13_508_775, 4_194_304),
            format!("the file is 13.5 MB; at most 4.19 MB ({why})")
        );
        assert_eq!(
            too_large(4_194_305, 4_194_304),
            format!("the file is 4194305 bytes; at most 4194304 bytes ({why})"),
            "one byte over does not read as the limit itself"
        );
        assert_eq!(size_words(812), "812 bytes");
        assert_eq!(size_words(41_230), "41.2 kB");
        assert_eq!(size_words(412_300), "412 kB");
    }

    #[test]
    fn field_probe_reads_serde_field_names() {
        let keys = fields_of::<CallSpec>();
        assert!(keys.contains(&"timeout") && keys.contains(&"wait_for") && keys.contains(&"to"));
    }

    #[test]
    fn suggestions_find_typos() {
        assert_eq!(suggest("tiemout", &["to", "timeout", "mode"]), "; did you mean `timeout`?");
        assert_eq!(hint_or_list("tiemout", &["to", "timeout"]), "; did you mean `timeout`?");
        assert_eq!(hint_or_list("banana", &["to", "timeout"]), "; expected one of `to`, `timeout`");
        assert_eq!(suggest("replcias", &["replicas", "workers"]), "; did you mean `replicas`?");
        assert_eq!(suggest("banana", &["to", "timeout"]), "");
        assert_eq!(suggest("ab", &["ba", "abc"]), "; did you mean `abc`?");
        assert_eq!(suggest("api", &["apx", "ap"]), "; did you mean `ap`?");
    }

    #[test]
    fn a_huge_name_gets_no_suggestion_and_no_quadratic_table() {
        let long = "n".repeat(40_000);
        let typo = format!("{long}x");
        let started = std::time::Instant::now();
        assert_eq!(suggest(&typo, &[long.as_str()]), "");
        assert_eq!(suggest("api", &[long.as_str(), "apj"]), "; did you mean `apj`?");
        let many: Vec<String> = (0..100_000).map(|i| format!("node-{i:08}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        suggest("node-0000000x", &many);
        assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
    }

    /// The `$defs` entry of the JSON Schema a shape reads.
    fn schema_name(shape: Shape) -> Option<&'static str> {
        Some(match shape {
            Shape::Root | Shape::Free => return None,
            Shape::Meta => "Meta",
            Shape::Load => "LoadSpec",
            Shape::Burst => "BurstSpec",
            Shape::Pattern => "Pattern",
            Shape::Step => "Step",
            Shape::Ramp => "Ramp",
            Shape::Spike => "Spike",
            Shape::Diurnal => "Diurnal",
            Shape::Node => "NodeSpec",
            Shape::Queue => "QueueSpec",
            Shape::Call => "CallSpec",
            Shape::Retry => "RetrySpec",
            Shape::Distribution => "Distribution",
            Shape::Fault => "FaultSpec",
            Shape::Expect => "ExpectSpec",
            Shape::RateLimit => "RateLimitSpec",
            Shape::Breaker => "BreakerSpec",
            Shape::FaultEffect => "FaultEffect",
            Shape::Cost => "CostSpec",
            Shape::Coordination => "CoordinationSpec",
            Shape::Memory => "MemorySpec",
            Shape::Autoscale => "AutoscaleSpec",
            Shape::Network => "NetworkSpec",
            Shape::Link => "LinkSpec",
            Shape::Replication => "ReplicationSpec",
        })
    }

    /// The `$defs` entry a property's schema is (through an optional value
    /// or an array of them), when it is one.
    fn referenced(property: &serde_json::Value) -> Option<&str> {
        if let Some(r) = property.get("$ref").and_then(|r| r.as_str()) {
            return r.strip_prefix("#/$defs/");
        }
        if let Some(items) = property.get("items") {
            return referenced(items);
        }
        let alternatives = property.get("anyOf").or_else(|| property.get("oneOf"))?;
        alternatives.as_array()?.iter().find_map(referenced)
    }

    /// Every table the JSON Schema describes has the shape that accepts its
    /// keys, so a key added to a type cannot be forgotten here: a table
    /// under it gets its keys checked and its typos suggested.
    #[test]
    fn every_table_in_the_json_schema_has_its_shape() {
        let schema = crate::schema::scenario_schema();
        let root = schema.as_value();
        let defs = &root["$defs"];
        let is_table = |name: &str| {
            name == "Distribution" || defs[name].get("properties").is_some_and(|p| p.is_object())
        };
        let mut todo = vec![(Shape::Root, root)];
        let mut seen = Vec::new();
        while let Some((shape, schema)) = todo.pop() {
            if seen.contains(&shape) {
                continue;
            }
            seen.push(shape);
            let Some(properties) = schema.get("properties").and_then(|p| p.as_object()) else {
                continue;
            };
            let mut written: Vec<&str> = properties.keys().map(String::as_str).collect();
            let mut keys = shape.keys();
            written.sort_unstable();
            keys.sort_unstable();
            assert_eq!(written, keys, "{shape:?}: the keys serde reads are the schema's");
            for (key, property) in properties {
                let child = shape.child(key);
                match referenced(property).filter(|name| is_table(name)) {
                    Some(name) => {
                        assert_eq!(
                            schema_name(child),
                            Some(name),
                            "{shape:?}.{key} is a {name}: `Shape::child` must say so"
                        );
                        todo.push((child, &defs[name]));
                    }
                    None => assert_eq!(child, Shape::Free, "{shape:?}.{key} is not a table"),
                }
            }
        }
        assert!(seen.len() > 15, "{seen:?}");
    }

    #[test]
    fn a_problem_found_after_overrides_names_components_by_id() {
        let text = "[scenario]\nname = \"t\"\n\n[[load]]\nid = \"users\"\ntarget = \"api\"\nrate = 5\n\n[[node]]\nid = \"api\"\nkind = \"service\"\nservice_time = { dist = \"exp\", mean = \"1ms\" }\n";
        let scenario = Scenario::from_toml("t.toml", text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(named_in(&scenario, "node[0].replicas"), "node \"api\".replicas");
        assert_eq!(named_in(&scenario, "load[0].rate"), "load \"users\".rate");
        assert_eq!(named_in(&scenario, "node[7].replicas"), "node[7].replicas", "no such node");
        assert_eq!(named_in(&scenario, "node"), "node");
        assert_eq!(named_in(&scenario, "scenario.warmup"), "scenario.warmup");
    }

    #[test]
    fn a_typo_inside_a_caches_hit_time_is_named() {
        let text = "[scenario]\nname = \"t\"\n\n[[node]]\nid = \"c\"\nkind = \"cache\"\n\
                    hit_time = { dist = \"exp\", meen = \"1ms\" }\n";
        let message = parse("t.toml", text).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains("t.toml:7: `node \"c\".hit_time.meen`"), "{message}");
        assert!(message.contains("did you mean `mean`?"), "{message}");
    }

    #[test]
    fn paths_skip_the_items_left_out() {
        let removed = ["node[1]".to_owned(), "node[2].call[0]".to_owned()];
        assert_eq!(original_path("node[1].workers", &removed), "node[2].workers");
        assert_eq!(original_path("node[1].call[0].to", &removed), "node[2].call[1].to");
        assert_eq!(original_path("load[0].rate", &removed), "load[0].rate");
        assert_eq!(original_path("scenario.duration", &removed), "scenario.duration");
    }

    #[test]
    fn every_problem_is_read_in_one_go_in_line_order() {
        let text = "[scenario]\nname = \"x\"\nduration = 60\n\n[[node]]\nid = \"a\"\nkind = \"servce\"\n\n[[node]]\nid = \"b\"\nkind = \"service\"\nworkers = -1\nservice_time = { dist = \"exp\", mean = \"1ms\" }\n\n[[load]]\nid = \"u\"\ntarget = \"b\"\nrate = 10\ntimeout = 2\n";
        let e = parse("f.toml", text).unwrap_err();
        let lines: Vec<usize> = e.diagnostics.iter().map(|d| d.line).collect();
        assert_eq!(lines, [3, 7, 12, 19], "{e}");
        assert_eq!(e.diagnostics[2].key, "node \"b\".workers");
        assert!(e.diagnostics[1].message.contains("did you mean `service`?"), "{e}");
    }

    #[test]
    fn a_node_whose_kind_is_wrong_is_still_read_for_its_other_problems() {
        let text = "[scenario]\nname = \"k\"\n\n[[load]]\nid = \"u\"\ntarget = \"db\"\nrate = 10\n\n[[node]]\nid = \"db\"\nkind = \"databse\"\nworkers = -4\nservice_time = { dist = \"exp\", mean = 5 }\n";
        let e = parse("k.toml", text).unwrap_err();
        let lines: Vec<usize> = e.diagnostics.iter().map(|d| d.line).collect();
        assert_eq!(lines, [11, 12, 13], "{e}");
        assert!(e.diagnostics[2].message.contains("write \"5ms\""), "{e}");
        assert!(!e.to_string().contains("no node is called"), "{e}");
    }

    #[test]
    fn lines_are_one_based() {
        let l = Locations::new("a\nb\nc");
        assert_eq!((l.line_of(0), l.line_of(2), l.line_of(4)), (1, 2, 3));
    }
}
