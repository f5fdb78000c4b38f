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
    /// The key path, e.g. `node[1].call[0].timeout` (empty for syntax errors).
    pub key: String,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.key.is_empty()) {
            (0, true) => write!(f, "{}: {}", self.file, self.message),
            (0, false) => write!(f, "{}: `{}`: {}", self.file, self.key, self.message),
            (line, true) => write!(f, "{}:{line}: {}", self.file, self.message),
            (line, false) => write!(f, "{}:{line}: `{}`: {}", self.file, self.key, self.message),
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
    spans: BTreeMap<String, Range<usize>>,
    line_starts: Vec<usize>,
}

impl Locations {
    fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Locations { spans: BTreeMap::new(), line_starts }
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
}

/// Parses and validates a scenario: syntax, unknown keys, types, meaning.
pub fn parse(file: &str, text: &str) -> Result<Scenario, ScenarioError> {
    let mut locations = Locations::new(text);
    let diag = |line, key: &str, message: String| Diagnostic {
        file: file.to_owned(),
        line,
        key: key.to_owned(),
        message,
    };

    if text.len() > crate::limits::MAX_TEXT_BYTES {
        let message = format!(
            "the file is {} bytes; at most {} ({})",
            text.len(),
            crate::limits::MAX_TEXT_BYTES,
            crate::limits::WHY
        );
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
    let mut problems = Vec::new();
    check_table(&mut locations, "", Shape::Root, table.get_ref(), &mut problems);
    if !problems.is_empty() {
        let diagnostics = problems
            .into_iter()
            .map(|(key, message)| diag(locations.line(&key), &key, message))
            .collect();
        return Err(ScenarioError { diagnostics });
    }

    let scenario: Scenario = super::read::from_parsed(&table).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        let key = locations.key_at(offset);
        let line = e.span().map_or(0, |_| locations.line_of(offset));
        ScenarioError { diagnostics: vec![diag(line, &key, explain_type_error(e.message()))] }
    })?;

    let problems = super::validate::problems(&scenario);
    if problems.is_empty() {
        Ok(scenario)
    } else {
        let diagnostics =
            problems.into_iter().map(|p| diag(locations.line(&p.key), &p.key, p.message)).collect();
        Err(ScenarioError { diagnostics })
    }
}

/// serde's wording, with the hint a user needs for the common case.
fn explain_type_error(message: &str) -> String {
    let message = message.trim();
    if message.contains("has no unit") || message.contains("unknown unit") {
        format!("{message} (a duration)")
    } else {
        message.to_owned()
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
    Autoscale,
    /// Values, not tables: nothing below to check.
    Free,
}

impl Shape {
    /// The keys this table accepts.
    fn keys(self) -> Vec<&'static str> {
        match self {
            Shape::Root => vec!["scenario", "load", "node", "fault", "expect"],
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
            Shape::Autoscale => fields_of::<crate::autoscale::AutoscaleSpec>(),
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
    problems: &mut Vec<(String, String)>,
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
                    ));
                    return;
                }
            },
            _ => {
                problems.push((
                    path.to_owned(),
                    format!("a distribution needs `dist`, one of {}, e.g. {{ dist = \"exp\", mean = \"8ms\" }}", list(&DISTRIBUTIONS)),
                ));
                return;
            }
        }
    }
    for (key, value) in table.iter() {
        let name = key.get_ref().as_ref();
        let child_path = join(path, name);
        locations.spans.insert(child_path.clone(), key.span().start..value.span().end);
        if shape != Shape::Free && !keys.contains(&name) {
            let hint = suggest(name, &keys);
            problems
                .push((child_path, format!("unknown key{hint}; expected one of {}", list(&keys))));
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
    fn field_probe_reads_serde_field_names() {
        let keys = fields_of::<CallSpec>();
        assert!(keys.contains(&"timeout") && keys.contains(&"wait_for") && keys.contains(&"to"));
    }

    #[test]
    fn suggestions_find_typos() {
        assert_eq!(suggest("tiemout", &["to", "timeout", "mode"]), "; did you mean `timeout`?");
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
            Shape::Autoscale => "AutoscaleSpec",
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
    fn a_typo_inside_a_caches_hit_time_is_named() {
        let text = "[scenario]\nname = \"t\"\n\n[[node]]\nid = \"c\"\nkind = \"cache\"\n\
                    hit_time = { dist = \"exp\", meen = \"1ms\" }\n";
        let message = parse("t.toml", text).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains("t.toml:7: `node[0].hit_time.meen`"), "{message}");
        assert!(message.contains("did you mean `mean`?"), "{message}");
    }

    #[test]
    fn lines_are_one_based() {
        let l = Locations::new("a\nb\nc");
        assert_eq!((l.line_of(0), l.line_of(2), l.line_of(4)), (1, 2, 3));
    }
}
