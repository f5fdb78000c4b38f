//! How a request (or a call) ends.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Every user request ends as exactly one of these.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Answered in full.
    Ok,
    /// Answered, but a dependency failed and a fallback stood in.
    Degraded,
    /// A component answered with an error.
    Error,
    /// Someone stopped waiting.
    Timeout,
    /// Turned away: queue full, shed, rate-limited, breaker open.
    Rejected,
}

impl Outcome {
    /// Every outcome, in report order.
    pub const ALL: [Outcome; 5] =
        [Outcome::Ok, Outcome::Degraded, Outcome::Error, Outcome::Timeout, Outcome::Rejected];

    /// An answer the user can use.
    #[inline]
    pub fn is_success(self) -> bool {
        matches!(self, Outcome::Ok | Outcome::Degraded)
    }

    /// Position in [`Outcome::ALL`], for counters.
    #[inline]
    pub fn index(self) -> usize {
        self as usize
    }
}

/// One counter an outcome.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeCounts {
    pub ok: u64,
    pub degraded: u64,
    pub error: u64,
    pub timeout: u64,
    pub rejected: u64,
}

impl OutcomeCounts {
    /// Counts one more `outcome`.
    #[inline]
    pub fn add(&mut self, outcome: Outcome) {
        *self.get_mut(outcome) += 1;
    }

    #[inline]
    fn get_mut(&mut self, outcome: Outcome) -> &mut u64 {
        match outcome {
            Outcome::Ok => &mut self.ok,
            Outcome::Degraded => &mut self.degraded,
            Outcome::Error => &mut self.error,
            Outcome::Timeout => &mut self.timeout,
            Outcome::Rejected => &mut self.rejected,
        }
    }

    /// The count for `outcome`.
    #[inline]
    pub fn get(&self, outcome: Outcome) -> u64 {
        match outcome {
            Outcome::Ok => self.ok,
            Outcome::Degraded => self.degraded,
            Outcome::Error => self.error,
            Outcome::Timeout => self.timeout,
            Outcome::Rejected => self.rejected,
        }
    }

    /// All outcomes together.
    #[inline]
    pub fn total(&self) -> u64 {
        self.ok + self.degraded + self.error + self.timeout + self.rejected
    }

    /// Adds another span's counts.
    #[inline]
    pub fn merge(&mut self, other: &OutcomeCounts) {
        for o in Outcome::ALL {
            *self.get_mut(o) += other.get(o);
        }
    }
}
