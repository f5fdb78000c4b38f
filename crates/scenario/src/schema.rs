//! The JSON Schema of the scenario format (`scalesim schema`), for editors
//! that validate and complete TOML against a schema.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

use crate::scenario::Scenario;
use crate::time::SimDuration;

/// The schema of a scenario file, as a JSON value.
pub fn scenario_schema() -> Schema {
    schemars::schema_for!(Scenario)
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
        json_schema!({
            "type": "string",
            "pattern": "^[0-9]+(\\.[0-9]+)?\\s*(ns|us|µs|ms|s|m|min|h)$",
            "description": "A duration with its unit: \"250us\", \"8ms\", \"2s\", \"5m\", \"1h\".",
            "examples": ["250us", "8ms", "2s"]
        })
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
}
