//! The JSON Schema of the scenario format (`scalesim schema`), for editors
//! that validate and complete TOML against a schema.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

use crate::expect::{METRIC_MEANINGS, METRICS};
use crate::scenario::Scenario;
use crate::time::{self, SimDuration};

/// The schema of a scenario file, as a JSON value: the types' own schema
/// (their doc comments are the descriptions), with the ranges of
/// [`RANGES`] and the metrics an expectation can name.
pub fn scenario_schema() -> Schema {
    let mut schema = schemars::schema_for!(Scenario);
    let Some(root) = schema.as_object_mut() else { return schema };
    if let Some(defs) = root.get_mut("$defs").and_then(|d| d.as_object_mut()) {
        for r in RANGES {
            let key = format!("/properties/{}", r.key);
            if let Some(p) = defs.get_mut(r.table).and_then(|t| t.pointer_mut(&key)) {
                p["minimum"] = r.min.into();
                if let Some(max) = r.max {
                    p["maximum"] = max.into();
                }
            }
        }
        let metric = defs.get_mut("ExpectSpec").and_then(|t| t.pointer_mut("/properties/metric"));
        if let Some(metric) = metric {
            metric["enum"] = METRICS.iter().map(|m| serde_json::Value::from(*m)).collect();
            metric["description"] =
                "What to measure: a metric name (`scalesim reference` lists what each counts)."
                    .into();
        }
    }
    root.values_mut().for_each(scrub);
    schema
}

/// Descriptions as users read them: rustdoc links `` [`X`] `` become `` `X` ``.
fn scrub(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match v {
                    serde_json::Value::String(text) if key == "description" => {
                        *text = text.replace("[`", "`").replace("`]", "`");
                    }
                    _ => scrub(v),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(scrub),
        _ => {}
    }
}

/// A number's allowed range: the table it is in (the schema's name of its
/// type), its key, and the least and greatest values (inclusive). The one
/// source of the schema's `minimum`/`maximum`, the reference's ranges and
/// the reader's words for a number out of range.
pub struct Range {
    pub table: &'static str,
    pub key: &'static str,
    pub min: f64,
    pub max: Option<f64>,
}

const fn range(table: &'static str, key: &'static str, min: f64, max: Option<f64>) -> Range {
    Range { table, key, min, max }
}

use crate::limits;

/// Every ranged number of the format.
pub const RANGES: &[Range] = &[
    range("LoadSpec", "rate", 0.0, Some(limits::MAX_RATE)),
    range("LoadSpec", "users", 1.0, Some(limits::MAX_USERS as f64)),
    range("LoadSpec", "work", 0.0, None),
    range("NodeSpec", "replicas", 1.0, Some(limits::MAX_REPLICAS as f64)),
    range("NodeSpec", "workers", 1.0, Some(limits::MAX_WORKERS as f64)),
    range("NodeSpec", "pool", 1.0, Some(limits::MAX_WORKERS as f64)),
    range("NodeSpec", "error_rate", 0.0, Some(1.0)),
    range("NodeSpec", "hit_ratio", 0.0, Some(1.0)),
    range("NodeSpec", "consumers", 1.0, Some(limits::MAX_WORKERS as f64)),
    range("NodeSpec", "max_deliveries", 1.0, Some(limits::MAX_ATTEMPTS as f64)),
    range("NodeSpec", "keys", 1.0, Some(limits::MAX_CACHE_KEYS as f64)),
    range("NodeSpec", "capacity", 1.0, Some(limits::MAX_CACHE_CAPACITY as f64)),
    range("CallSpec", "probability", 0.0, Some(1.0)),
    range("CallSpec", "fanout", 1.0, Some(limits::MAX_FANOUT as f64)),
    range("CallSpec", "wait_for", 1.0, Some(limits::MAX_FANOUT as f64)),
    range("CallSpec", "bulkhead", 1.0, None),
    range("RetrySpec", "attempts", 1.0, Some(limits::MAX_ATTEMPTS as f64)),
    range("RetrySpec", "budget", 0.0, Some(1.0)),
    range("FaultEffect", "error_rate", 0.0, Some(1.0)),
    range("LinkSpec", "loss", 0.0, Some(1.0)),
    range("ReplicationSpec", "followers", 1.0, Some(limits::MAX_FOLLOWERS as f64)),
    range("ReplicationSpec", "acks", 1.0, Some(limits::MAX_FOLLOWERS as f64)),
];

/// The least value of the whole-number key `key`, wherever it is.
pub fn minimum_of(key: &str) -> Option<u64> {
    RANGES.iter().find(|r| r.key == key).map(|r| r.min as u64)
}

impl JsonSchema for SimDuration {
    fn schema_name() -> Cow<'static, str> {
        "Duration".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let spellings: Vec<&str> = time::UNITS
            .iter()
            .flat_map(|(name, also, _)| std::iter::once(*name).chain(also.iter().copied()))
            .collect();
        json_schema!({
            "type": "string",
            "pattern": format!("^[0-9]+(\\.[0-9]+)?\\s*({})$", spellings.join("|")),
            "description": format!("A duration with {}.", duration_words()),
            "examples": time::EXAMPLES[..3]
        })
    }
}

/// How a duration is written, from [`time::UNITS`]: "a unit, one of ns,
/// us (or µs), …: "250us", …".
fn duration_words() -> String {
    let examples: Vec<String> = time::EXAMPLES.iter().map(|e| format!("\"{e}\"")).collect();
    format!("a unit, one of {}: {}", time::unit_names(), examples.join(", "))
}

/// The tables of a file in reading order: a heading (the TOML path) and
/// the schema's name of its type.
const TABLES: [(&str, &str); 26] = [
    ("`[scenario]`", "Meta"),
    ("`[[load]]`", "LoadSpec"),
    ("`[[load]]` `burst`", "BurstSpec"),
    ("`[[load]]` `pattern`", "Pattern"),
    ("`pattern.steps` (each)", "Step"),
    ("`pattern.ramp`", "Ramp"),
    ("`pattern.spike`", "Spike"),
    ("`pattern.diurnal`", "Diurnal"),
    ("`[[node]]`", "NodeSpec"),
    ("`[[node]]` `queue`", "QueueSpec"),
    ("`[[node.call]]`", "CallSpec"),
    ("`retry` (of a load or a call)", "RetrySpec"),
    ("`breaker` (of a call)", "BreakerSpec"),
    ("`rate_limit` (of a node or a load)", "RateLimitSpec"),
    ("`[[node]]` `cost`", "CostSpec"),
    ("`[[node]]` `coordination`", "CoordinationSpec"),
    ("`[[node]]` `autoscale`", "AutoscaleSpec"),
    ("`[[node]]` `memory`", "MemorySpec"),
    ("`[[node]]` `replication` (of a database)", "ReplicationSpec"),
    ("`[network]`", "NetworkSpec"),
    ("`[[network.link]]`", "LinkSpec"),
    ("`[[fault]]`", "FaultSpec"),
    ("`[[fault]]` `effect`", "FaultEffect"),
    ("`[[expect]]`", "ExpectSpec"),
    ("Distributions", "Distribution"),
    ("Values", "Duration"),
];

/// The schema's types that are not tables: named in the type column.
const VALUE_TYPES: [&str; 16] = [
    "ArrivalKind",
    "Backoff",
    "Balancer",
    "Bound",
    "Discipline",
    "Duration",
    "Fallback",
    "Io",
    "Jitter",
    "Mode",
    "NodeKind",
    "Op",
    "Outcome",
    "ReadFrom",
    "ReplicationMode",
    "Scope",
];

/// The reference of the scenario format (`docs/reference.md`), in
/// Markdown: every key of every table with its type, default, range and
/// meaning, generated from [`scenario_schema`], so the two cannot
/// disagree. `scalesim reference` prints it.
pub fn reference_markdown() -> String {
    let schema = scenario_schema();
    let root = schema.as_value();
    let defs = &root["$defs"];
    let mut out = format!(
        "# Scenario file reference\n\n\
         <!-- Generated by `scalesim reference` from the same source as `scalesim schema`; \
         do not edit by hand. -->\n\n\
         A scenario is one TOML file. This page lists every key: its type, its default \
         (\"required\" when it has none and must be given; \"none\" when leaving it out turns \
         the feature off), its range, and what it means. Durations are strings with {}. \
         Editors can check files against the same format as a JSON Schema: `scalesim schema`. \
         How the engine reads each key is in [semantics.md](semantics.md).\n\n",
        duration_words()
    );
    out += "## The file\n\n";
    out += &table(root, defs);
    for (heading, name) in TABLES {
        let def = &defs[name];
        match name {
            "Distribution" => out += &distributions(def, defs),
            "Duration" => out += &values(defs),
            _ => {
                out += &format!("\n## {heading}\n\n");
                // A description that only names the table says nothing more.
                if let Some(d) = def["description"].as_str().filter(|d| d.contains(' ')) {
                    out += &format!("{}\n\n", one_line(d));
                }
                out += &table(def, defs);
            }
        }
        if name == "ExpectSpec" {
            out += "\n### Metrics\n\nAll rates are shares (0 to 1) of the requests offered after warm-up \
                    (of a node's arrivals with `node`). A figure with no data (a latency when no \
                    request was answered, a rate when none was offered) has no value, and an \
                    expectation on it fails.\n\n| metric | measures |\n|---|---|\n";
            for (metric, meaning) in METRIC_MEANINGS {
                out += &format!("| `{metric}` | {} |\n", cell(meaning));
            }
        }
    }
    out
}

/// A table's keys as a Markdown table.
fn table(def: &serde_json::Value, defs: &serde_json::Value) -> String {
    let mut out =
        String::from("| key | type | default | range | meaning |\n|---|---|---|---|---|\n");
    let required: Vec<&str> = def["required"]
        .as_array()
        .map(|r| r.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    if let Some(props) = def["properties"].as_object() {
        for (key, p) in props {
            let default = match p.get("default") {
                Some(d) => format!("`{}`", toml_value(d)),
                None if required.contains(&key.as_str()) => "required".to_owned(),
                None => implicit_default(p),
            };
            let range = match (
                p.get("minimum").and_then(|v| v.as_f64()),
                p.get("maximum").and_then(|v| v.as_f64()),
            ) {
                (Some(min), Some(max)) => format!("{} to {}", number(min), number(max)),
                (Some(min), None) => format!("≥ {}", number(min)),
                _ => String::new(),
            };
            let mut meaning = p["description"].as_str().map(one_line).unwrap_or_default();
            if let Some(values) = p.get("enum").and_then(|e| e.as_array()) {
                let names: Vec<String> =
                    values.iter().filter_map(|v| v.as_str()).map(|v| format!("`{v}`")).collect();
                meaning += &format!(" One of {}.", names.join(", "));
            }
            out += &format!(
                "| `{key}` | {} | {default} | {range} | {} |\n",
                type_of(p, defs),
                cell(meaning.trim())
            );
        }
    }
    out
}

/// The default of an optional key the schema gives none for: `none` for an
/// optional value (leaving it out turns the feature off), else the type's
/// zero, which is what serde fills in.
fn implicit_default(p: &serde_json::Value) -> String {
    let nullable = p["type"].as_array().is_some_and(|t| t.iter().any(|v| v == "null"))
        || p["anyOf"].as_array().is_some_and(|a| a.iter().any(|v| v["type"] == "null"));
    if nullable {
        return "none".to_owned();
    }
    match p["type"].as_str() {
        Some("integer") => "`0`".to_owned(),
        Some("number") => "`0.0`".to_owned(),
        Some("boolean") => "`false`".to_owned(),
        Some("array") => "`[]`".to_owned(),
        _ => "none".to_owned(),
    }
}

/// The values of a set of choices with their descriptions: documented
/// ones are `oneOf` constants, the rest an `enum` among them.
fn choices(def: &serde_json::Value) -> Vec<(String, Option<String>)> {
    let alts: Vec<&serde_json::Value> = match def["oneOf"].as_array() {
        Some(alts) => alts.iter().collect(),
        None => vec![def],
    };
    let mut out = Vec::new();
    for alt in alts {
        let description = alt["description"].as_str().map(str::to_owned);
        if let Some(c) = alt["const"].as_str() {
            out.push((c.to_owned(), description));
        } else if let Some(values) = alt["enum"].as_array() {
            out.extend(values.iter().filter_map(|v| v.as_str()).map(|v| (v.to_owned(), None)));
        }
    }
    out
}

/// A property's type in words.
fn type_of(p: &serde_json::Value, defs: &serde_json::Value) -> String {
    if let Some(r) = p["$ref"].as_str() {
        let name = r.rsplit('/').next().unwrap_or(r);
        return match name {
            "Duration" => "duration".to_owned(),
            "Size" => "size".to_owned(),
            "LeakRate" => "size per time".to_owned(),
            "Distribution" => "distribution".to_owned(),
            "Bound" => "number, or duration for a time metric".to_owned(),
            n if VALUE_TYPES.contains(&n) => {
                let values: Vec<String> =
                    choices(&defs[n]).into_iter().map(|(c, _)| format!("`{c}`")).collect();
                format!("one of {}", values.join(", "))
            }
            n => format!("table ({})", TABLES.iter().find(|(_, t)| *t == n).map_or(n, |(h, _)| h)),
        };
    }
    if let Some(alts) = p["anyOf"].as_array() {
        let kinds: Vec<String> =
            alts.iter().filter(|a| a["type"] != "null").map(|a| type_of(a, defs)).collect();
        return kinds.join(" or ");
    }
    let ty = match &p["type"] {
        serde_json::Value::Array(t) => {
            t.iter().filter_map(|v| v.as_str()).find(|v| *v != "null").unwrap_or("")
        }
        t => t.as_str().unwrap_or(""),
    };
    match ty {
        "integer" => "whole number".to_owned(),
        "number" => "number".to_owned(),
        "string" => "text".to_owned(),
        "boolean" => "true or false".to_owned(),
        "array" => match p.get("maxItems") {
            Some(n) => format!("list of {n} {}s", type_of(&p["items"], defs)),
            None => format!("list of: {}", type_of(&p["items"], defs)),
        },
        other => other.to_owned(),
    }
}

/// The distributions, one table a `dist`.
fn distributions(def: &serde_json::Value, defs: &serde_json::Value) -> String {
    let mut out = String::from("\n## Distributions\n\n");
    if let Some(d) = def["description"].as_str() {
        out += &format!("{} Every parameter is required unless marked otherwise.\n\n", one_line(d));
    }
    out += "| `dist` | keys | meaning |\n|---|---|---|\n";
    for alt in def["oneOf"].as_array().into_iter().flatten() {
        let name = alt["properties"]["dist"]["const"].as_str().unwrap_or("");
        let required: Vec<&str> = alt["required"]
            .as_array()
            .map(|r| r.iter().filter_map(|v| v.as_str()).collect())
            .unwrap_or_default();
        let keys: Vec<String> = alt["properties"]
            .as_object()
            .map(|props| {
                props
                    .iter()
                    .filter(|(k, _)| *k != "dist")
                    .map(|(k, p)| {
                        let optional =
                            if required.contains(&k.as_str()) { "" } else { ", optional" };
                        format!("`{k}` ({}{optional})", type_of(p, defs))
                    })
                    .collect()
            })
            .unwrap_or_default();
        out += &format!(
            "| `{name}` | {} | {} |\n",
            keys.join(", "),
            cell(&alt["description"].as_str().map(one_line).unwrap_or_default())
        );
    }
    out
}

/// The named values: durations and each set of choices.
fn values(defs: &serde_json::Value) -> String {
    let mut out = String::from("\n## Values\n\n| type | values |\n|---|---|\n");
    out += &format!(
        "| duration | {} |\n",
        cell(&defs["Duration"]["description"].as_str().map(one_line).unwrap_or_default())
    );
    for (name, what) in [("Size", "size"), ("LeakRate", "size per time")] {
        out += &format!(
            "| {what} | {} |\n",
            cell(&defs[name]["description"].as_str().map(one_line).unwrap_or_default())
        );
    }
    for name in VALUE_TYPES {
        let listed = choices(&defs[name]);
        if listed.is_empty() {
            continue;
        }
        let choices: Vec<String> = listed
            .iter()
            .map(|(c, d)| match d {
                Some(d) => format!("`{c}`: {}", one_line(d).trim_end_matches('.')),
                None => format!("`{c}`"),
            })
            .collect();
        let what =
            defs[name]["description"].as_str().map(one_line).unwrap_or_else(|| name.to_owned());
        out += &format!("| {} | {} |\n", cell(&what), cell(&choices.join("; ")));
    }
    out
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 { format!("{}", v as i64) } else { v.to_string() }
}

/// A default as the file would write it.
fn toml_value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => format!("\"{s}\""),
        serde_json::Value::Array(items) => {
            format!("[{}]", items.iter().map(toml_value).collect::<Vec<_>>().join(", "))
        }
        serde_json::Value::Object(map) => format!(
            "{{ {} }}",
            map.iter()
                .map(|(k, v)| format!("{k} = {}", toml_value(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_names_the_top_level_tables_and_durations() {
        let schema = scenario_schema();
        let value = schema.as_value();
        let props = &value["properties"];
        for key in ["scenario", "load", "node", "fault", "expect"] {
            assert!(props.get(key).is_some(), "missing {key}: {value}");
        }
        let text = value.to_string();
        assert!(
            text.contains("\"Duration\"") && text.contains("lognormal") && text.contains("p2c")
        );
    }

    #[test]
    fn durations_are_described_by_the_units_the_reader_takes() {
        let schema = scenario_schema();
        let duration = &schema.as_value()["$defs"]["Duration"];
        let pattern = duration["pattern"].as_str().unwrap_or_default();
        assert_eq!(pattern, "^[0-9]+(\\.[0-9]+)?\\s*(ns|us|µs|ms|s|m|min|h|d)$");
        let description = duration["description"].as_str().unwrap_or_default();
        assert!(description.contains("ms, s, m (or min), h, d: "), "{description}");
        for example in time::EXAMPLES {
            assert!(SimDuration::parse(example).is_ok(), "{example}");
            assert!(description.contains(&format!("\"{example}\"")), "{description}");
        }
        assert!(reference_markdown().contains("\"1d\""));
    }

    #[test]
    fn the_schema_has_ranges_and_the_metrics() {
        let schema = scenario_schema();
        let defs = &schema.as_value()["$defs"];
        let probability = &defs["CallSpec"]["properties"]["probability"];
        assert_eq!(
            (probability["minimum"].as_f64(), probability["maximum"].as_f64()),
            (Some(0.0), Some(1.0))
        );
        assert_eq!(defs["NodeSpec"]["properties"]["workers"]["minimum"].as_f64(), Some(1.0));
        let metrics = defs["ExpectSpec"]["properties"]["metric"]["enum"].as_array().unwrap();
        assert!(
            metrics.iter().any(|m| m == "utilization")
                && !metrics.iter().any(|m| m == "utilisation")
        );
        let kinds = defs["NodeKind"].to_string();
        assert!(kinds.contains("database") && kinds.contains("cache"));
        let text = schema.as_value().to_string();
        assert!(!text.contains("SPEC") && !text.contains("[`"), "no notes users cannot follow");
        for r in RANGES {
            assert!(
                defs[r.table]["properties"].get(r.key).is_some(),
                "{}.{} is not a key",
                r.table,
                r.key
            );
        }
    }

    #[test]
    fn every_table_of_the_schema_is_in_the_reference() {
        let schema = scenario_schema();
        for name in schema.as_value()["$defs"].as_object().unwrap().keys() {
            assert!(
                TABLES.iter().any(|(_, t)| t == name)
                    || VALUE_TYPES.contains(&name.as_str())
                    || ["Size", "LeakRate"].contains(&name.as_str()),
                "`{name}` is in the schema but not in the reference"
            );
        }
    }

    /// `docs/reference.md` is the generated reference; regenerate it with
    /// `UPDATE_REFERENCE=1 cargo test -p scalesim-scenario reference`.
    #[test]
    fn the_checked_in_reference_is_the_generated_one() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/reference.md");
        let generated = reference_markdown();
        if std::env::var_os("UPDATE_REFERENCE").is_some() {
            std::fs::write(path, &generated).unwrap();
        }
        let checked_in = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            checked_in == generated,
            "docs/reference.md differs from the generated reference: run \
             UPDATE_REFERENCE=1 cargo test -p scalesim-scenario reference"
        );
        for (metric, _) in METRIC_MEANINGS {
            assert!(generated.contains(&format!("| `{metric}` |")));
        }
        for key in ["`replicas`", "`probability`", "`timeout`", "`max_deliveries`", "`slow_share`"]
        {
            assert!(generated.contains(key), "{key}");
        }
    }
}
