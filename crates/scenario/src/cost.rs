//! `cost = { per_replica_hour, per_request, log_bytes_per_request,
//! per_gb_logged }` on a node: what running it costs, so a design's cost per
//! million requests stands beside its latency.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Prices of one node, in any one currency.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CostSpec {
    /// Price of one replica for an hour (compute).
    #[serde(default)]
    pub per_replica_hour: f64,
    /// Price of each request the node handles (a metered API, a function call).
    #[serde(default)]
    pub per_request: f64,
    /// Log volume each request writes, in bytes.
    #[serde(default)]
    pub log_bytes_per_request: f64,
    /// Price of logging one gigabyte (10⁹ bytes) ingested.
    #[serde(default)]
    pub per_gb_logged: f64,
}

impl CostSpec {
    /// Why these prices cannot be, if they cannot.
    pub fn check(&self) -> Result<(), String> {
        let fields = [
            ("per_replica_hour", self.per_replica_hour),
            ("per_request", self.per_request),
            ("log_bytes_per_request", self.log_bytes_per_request),
            ("per_gb_logged", self.per_gb_logged),
        ];
        match fields.iter().find(|(_, v)| !(v.is_finite() && *v >= 0.0)) {
            Some((name, v)) => Err(format!("`{name}` must be a price of 0 or more, got {v}")),
            None => Ok(()),
        }
    }

    /// What the node cost for `replica_seconds` of running replicas (the
    /// count integrated over time, so autoscaling shows in the bill) and
    /// `requests` handled.
    pub fn cost(&self, replica_seconds: f64, requests: u64) -> f64 {
        let compute = self.per_replica_hour * replica_seconds / 3600.0;
        let requests = requests as f64;
        compute
            + self.per_request * requests
            + self.log_bytes_per_request * requests / 1e9 * self.per_gb_logged
    }
}

/// Cost per million requests, given a total cost and the requests offered.
pub fn per_million(cost: f64, requests: u64) -> f64 {
    if requests == 0 { 0.0 } else { cost / requests as f64 * 1e6 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_compute_requests_and_logs() {
        let c = CostSpec {
            per_replica_hour: 0.36,
            per_request: 1e-6,
            log_bytes_per_request: 2_000.0,
            per_gb_logged: 0.5,
        };
        // 10 replicas for an hour: 3.6; 10⁶ requests: 1.0; 2 GB of logs: 1.0.
        assert!((c.cost(36_000.0, 1_000_000) - 5.6).abs() < 1e-9);
        assert!((per_million(5.6, 1_000_000) - 5.6).abs() < 1e-12);
        assert!(CostSpec { per_request: -1.0, ..CostSpec::default() }.check().is_err());
    }
}
