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
