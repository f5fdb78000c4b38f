//! `autoscale = { min, max, target_utilization, interval, provision_delay }`:
//! a utilization-driven control loop that reacts late, as real ones do. It
//! looks back over one `interval`, decides, and the replicas it asks for
//! arrive `provision_delay` later; replicas it removes stop taking work and
//! drain what they hold.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::time::SimDuration;

/// The control loop's settings, as written in a scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AutoscaleSpec {
    /// Fewest replicas.
    #[serde(default = "default_min")]
    pub min: u32,
    /// Most replicas.
    pub max: u32,
    /// The busy share of workers the loop steers towards.
    #[serde(default = "default_target")]
    pub target_utilization: f64,
    /// How often it measures and decides.
    #[serde(default = "default_interval")]
    pub interval: SimDuration,
    /// How long a new replica takes to start taking work.
    #[serde(default = "default_delay")]
    pub provision_delay: SimDuration,
}

fn default_min() -> u32 {
    1
}
fn default_target() -> f64 {
    0.7
}
fn default_interval() -> SimDuration {
    SimDuration::from_secs(15)
}
fn default_delay() -> SimDuration {
    SimDuration::from_secs(60)
}

/// Within this share of the target, the loop leaves things alone (as the
/// Kubernetes horizontal autoscaler's default tolerance does).
pub const TOLERANCE: f64 = 0.1;

impl AutoscaleSpec {
    /// Why these settings cannot work, if they cannot.
    pub fn check(&self) -> Result<(), String> {
        if self.min == 0 {
            return Err("`min` must be at least 1 replica".to_owned());
        }
        if self.max < self.min {
            return Err(format!("`max` ({}) is below `min` ({})", self.max, self.min));
        }
        if !(self.target_utilization > 0.0 && self.target_utilization <= 1.0) {
            return Err(format!(
                "`target_utilization` must be in (0, 1], got {}",
                self.target_utilization
            ));
        }
        if self.interval.as_nanos() == 0 {
            return Err("`interval` must be a positive duration such as \"15s\"".to_owned());
        }
        Ok(())
    }

    /// Replicas wanted when `current` replicas ran at `utilization`:
    /// ⌈current × utilization / target⌉ within [min, max], unchanged within
    /// the tolerance.
    pub fn desired(&self, current: u32, utilization: f64) -> u32 {
        let ratio = utilization / self.target_utilization;
        if (ratio - 1.0).abs() <= TOLERANCE {
            return current.clamp(self.min, self.max);
        }
        let wanted = (f64::from(current) * ratio).ceil();
        let wanted = if wanted.is_finite() { wanted.min(f64::from(u32::MAX)) as u32 } else { 0 };
        wanted.clamp(self.min, self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> AutoscaleSpec {
        AutoscaleSpec {
            min: 2,
            max: 10,
            target_utilization: 0.5,
            interval: SimDuration::from_secs(10),
            provision_delay: SimDuration::from_secs(30),
        }
    }

    #[test]
    fn scales_in_proportion_to_utilization_within_bounds() {
        let s = spec();
        assert_eq!(s.desired(4, 1.0), 8);
        assert_eq!(s.desired(4, 0.52), 4, "within tolerance");
        assert_eq!(s.desired(4, 0.1), 2, "never below min");
        assert_eq!(s.desired(8, 1.0), 10, "never above max");
        assert!(s.check().is_ok());
        assert!(AutoscaleSpec { max: 1, ..spec() }.check().is_err());
    }
}
