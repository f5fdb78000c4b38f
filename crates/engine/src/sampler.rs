//! A [`Distribution`] compiled for drawing: the parameters each draw needs,
//! worked out once (a log-normal's μ and σ take two logarithms; the
//! distribution as written would pay them on every draw). Draws are
//! bit-identical to the formulas in `dist`, which delegates here.

use crate::dist::{Distribution, Z99};
use crate::rng::Rng;
use crate::time::SimDuration;

/// A distribution ready to draw from, in nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Sampler {
    Const(SimDuration),
    Exp { mean: f64 },
    Uniform { min: u64, span: u64 },
    Lognormal { mu: f64, sigma: f64 },
    Bimodal { fast: SimDuration, slow: SimDuration, slow_share: f64 },
    Pareto { scale: f64, inverse_shape: f64, cap: f64 },
}

impl From<&Distribution> for Sampler {
    fn from(d: &Distribution) -> Sampler {
        match *d {
            Distribution::Const { value } => Sampler::Const(value),
            Distribution::Exp { mean } => Sampler::Exp { mean: mean.as_nanos() as f64 },
            Distribution::Uniform { min, max } => Sampler::Uniform {
                min: min.as_nanos(),
                span: max.as_nanos().saturating_sub(min.as_nanos()),
            },
            Distribution::Lognormal { p50, p99 } => Sampler::Lognormal {
                mu: libm::log(p50.as_nanos().max(1) as f64),
                sigma: libm::log(p99.as_nanos().max(1) as f64 / p50.as_nanos().max(1) as f64) / Z99,
            },
            Distribution::Bimodal { fast, slow, slow_share } => {
                Sampler::Bimodal { fast, slow, slow_share }
            }
            Distribution::Pareto { scale, shape, max } => Sampler::Pareto {
                scale: scale.as_nanos() as f64,
                inverse_shape: 1.0 / shape,
                cap: max.unwrap_or(SimDuration::from_secs(3600)).as_nanos() as f64,
            },
        }
    }
}

impl Sampler {
    /// One draw. The exponential, the most common by far, is inlined into
    /// the caller.
    #[inline(always)]
    pub fn sample(&self, rng: &mut Rng) -> SimDuration {
        match *self {
            Sampler::Exp { mean } => exponential(mean, rng),
            _ => self.sample_other(rng),
        }
    }

    /// One draw, out of line (every distribution but the exponential).
    #[inline(never)]
    fn sample_other(&self, rng: &mut Rng) -> SimDuration {
        match *self {
            Sampler::Const(value) => value,
            Sampler::Exp { mean } => exponential(mean, rng),
            Sampler::Uniform { min, span } => SimDuration::from_nanos(min + rng.below(span + 1)),
            Sampler::Lognormal { mu, sigma } => {
                let z = crate::ziggurat::standard_normal(rng);
                SimDuration::from_nanos_f64(libm::exp(mu + sigma * z))
            }
            Sampler::Bimodal { fast, slow, slow_share } => {
                if rng.next_f64() < slow_share {
                    slow
                } else {
                    fast
                }
            }
            Sampler::Pareto { scale, inverse_shape, cap } => {
                let x = scale / libm::pow(rng.next_f64_open0(), inverse_shape);
                SimDuration::from_nanos_f64(x.min(cap))
            }
        }
    }
}

/// An exponential draw with mean `mean` nanoseconds.
#[inline(always)]
fn exponential(mean: f64, rng: &mut Rng) -> SimDuration {
    SimDuration::from_nanos_f64(mean * crate::ziggurat::standard_exponential(rng))
}
