//! Retry policy: which outcomes are retried, how long to back off, with
//! which jitter, and the retry budget (a token bucket, as in well-run client
//! libraries) that keeps retries a bounded share of calls.

use crate::outcome::Outcome;
use crate::rng::Rng;
use crate::scenario::{Backoff, Jitter, RetrySpec};
use crate::time::SimDuration;

/// Tokens a budget starts with and can hold at most: a small reserve so a
/// quiet client can still retry a few isolated failures.
const BUDGET_RESERVE: f64 = 10.0;

/// A retry budget: every first attempt deposits `ratio` tokens, every retry
/// withdraws one.
#[derive(Clone, Debug)]
pub struct RetryBudget {
    ratio: f64,
    /// The most tokens it holds: the reserve, or a hundred calls' deposits.
    cap: f64,
    tokens: f64,
}

impl RetryBudget {
    /// A budget allowing retries up to `ratio` of calls.
    pub fn new(ratio: f64) -> Self {
        RetryBudget { ratio, cap: BUDGET_RESERVE.max(ratio * 100.0), tokens: BUDGET_RESERVE }
    }

    /// A call was made (its first attempt). Capped by a comparison rather
    /// than `f64::min`, which in Wasm is a call into `fmin` (it must
    /// treat NaN as Rust says; the tokens are never NaN).
    pub fn deposit(&mut self) {
        let tokens = self.tokens + self.ratio;
        self.tokens = if tokens < self.cap { tokens } else { self.cap };
    }

    /// Takes a token for a retry, if there is one.
    pub fn try_withdraw(&mut self) -> bool {
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Whether a failed try with `outcome`, after `tries` tries, may go again.
pub fn should_retry(spec: &RetrySpec, outcome: Outcome, tries: u32) -> bool {
    tries < spec.attempts && spec.on.contains(&outcome)
}

/// The wait before retry number `retry` (1 for the first retry); `previous`
/// is the last wait, which decorrelated jitter grows from.
pub fn backoff(spec: &RetrySpec, retry: u32, previous: SimDuration, rng: &mut Rng) -> SimDuration {
    let base = spec.base.as_nanos() as f64;
    let max = spec.max.as_nanos() as f64;
    let plain = match spec.backoff {
        Backoff::None => return SimDuration::ZERO,
        Backoff::Constant => base,
        Backoff::Exponential => {
            (base * libm::pow(2.0, f64::from(retry.saturating_sub(1).min(62)))).min(max)
        }
    };
    let jittered = match spec.jitter {
        Jitter::None => plain,
        Jitter::Full => rng.next_f64() * plain,
        Jitter::Equal => plain / 2.0 + rng.next_f64() * plain / 2.0,
        Jitter::Decorrelated => {
            let upper = (previous.as_nanos() as f64).max(base) * 3.0;
            (base + rng.next_f64() * (upper - base)).min(max)
        }
    };
    SimDuration::from_nanos_f64(jittered)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(backoff: Backoff, jitter: Jitter) -> RetrySpec {
        RetrySpec {
            attempts: 5,
            backoff,
            base: SimDuration::from_millis(10),
            max: SimDuration::from_millis(50),
            jitter,
            budget: None,
            on: vec![Outcome::Error, Outcome::Timeout],
            respect_retry_after: false,
        }
    }

    #[test]
    fn exponential_backoff_doubles_up_to_max() {
        let s = spec(Backoff::Exponential, Jitter::None);
        let mut rng = Rng::seeded(1);
        let waits: Vec<u64> = (1..=4)
            .map(|k| backoff(&s, k, SimDuration::ZERO, &mut rng).as_nanos() / 1_000_000)
            .collect();
        assert_eq!(waits, [10, 20, 40, 50]);
    }

    #[test]
    fn jitter_stays_in_its_range() {
        let mut rng = Rng::seeded(2);
        for _ in 0..1000 {
            let full =
                backoff(&spec(Backoff::Constant, Jitter::Full), 1, SimDuration::ZERO, &mut rng);
            assert!(full <= SimDuration::from_millis(10));
            let equal =
                backoff(&spec(Backoff::Constant, Jitter::Equal), 1, SimDuration::ZERO, &mut rng);
            assert!(equal >= SimDuration::from_millis(5) && equal <= SimDuration::from_millis(10));
            let dec = backoff(
                &spec(Backoff::Exponential, Jitter::Decorrelated),
                2,
                SimDuration::from_millis(12),
                &mut rng,
            );
            assert!(dec >= SimDuration::from_millis(10) && dec <= SimDuration::from_millis(36));
        }
    }

    #[test]
    fn only_listed_outcomes_are_retried_and_attempts_bound_it() {
        let s = spec(Backoff::None, Jitter::None);
        assert!(should_retry(&s, Outcome::Error, 1));
        assert!(!should_retry(&s, Outcome::Rejected, 1));
        assert!(!should_retry(&s, Outcome::Error, 5));
    }

    #[test]
    fn budget_bounds_retries_to_a_share_of_calls() {
        let mut b = RetryBudget::new(0.1);
        let mut retries = 0;
        for _ in 0..10_000 {
            b.deposit();
            if b.try_withdraw() {
                retries += 1;
            }
        }
        assert!((1_000..=1_011).contains(&retries), "{retries}");
    }
}
