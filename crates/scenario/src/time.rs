//! Simulated time: integer nanoseconds, as newtypes so an instant and a span
//! can never be confused.

use std::fmt;
use std::ops::{Add, AddAssign, Sub};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

const NANOS_PER_SEC: f64 = 1e9;

/// The units a duration is written in, each with its other spellings and
/// its nanoseconds, shortest first: the one description of durations that
/// reading ([`SimDuration::parse`]), its messages, writing (`Display`), the
/// JSON Schema and the reference follow.
pub const UNITS: [(&str, &[&str], u64); 7] = [
    ("ns", &[], 1),
    ("us", &["µs"], 1_000),
    ("ms", &[], 1_000_000),
    ("s", &[], 1_000_000_000),
    ("m", &["min"], 60_000_000_000),
    ("h", &[], 3_600_000_000_000),
    ("d", &[], 86_400_000_000_000),
];

/// Examples of durations, one a unit from microseconds to days, as the
/// schema and the reference show them.
pub const EXAMPLES: [&str; 6] = ["250us", "8ms", "2s", "5m", "1h", "1d"];

/// The nanoseconds in one `unit` (any of its spellings).
fn unit_nanos(unit: &str) -> Option<u64> {
    UNITS.iter().find(|(name, also, _)| *name == unit || also.contains(&unit)).map(|u| u.2)
}

/// The units' names as a list in words, with their other spellings:
/// `ns, us (or µs), ms, s, m (or min), h, d`.
pub fn unit_names() -> String {
    let name = |(name, also, _): &(&str, &[&str], u64)| {
        if also.is_empty() {
            (*name).to_owned()
        } else {
            format!("{name} (or {})", also.join(", "))
        }
    };
    UNITS.iter().map(name).collect::<Vec<_>>().join(", ")
}

/// An instant of simulated time, in nanoseconds since the run started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimTime(u64);

/// A span of simulated time, in nanoseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimDuration(u64);

impl SimTime {
    /// The start of every run.
    pub const ZERO: SimTime = SimTime(0);

    /// An instant `nanos` nanoseconds after the start.
    #[inline]
    pub const fn from_nanos(nanos: u64) -> Self {
        SimTime(nanos)
    }

    /// Nanoseconds since the start.
    #[inline]
    pub const fn as_nanos(self) -> u64 {
        self.0
    }

    /// Seconds since the start, for display and rates.
    #[inline]
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / NANOS_PER_SEC
    }

    /// The span since an earlier instant (zero if `earlier` is later).
    #[inline]
    pub fn since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }
}

/// 2⁶³, the first `f64` past `i64::MAX`.
const I64_LIMIT: f64 = 9_223_372_036_854_775_808.0;

impl SimDuration {
    /// No time at all.
    pub const ZERO: SimDuration = SimDuration(0);

    /// A span of `nanos` nanoseconds.
    #[inline]
    pub const fn from_nanos(nanos: u64) -> Self {
        SimDuration(nanos)
    }

    /// A span of `millis` milliseconds.
    #[inline]
    pub const fn from_micros(micros: u64) -> Self {
        SimDuration(micros * 1_000)
    }

    /// `millis` milliseconds.
    #[inline]
    pub const fn from_millis(millis: u64) -> Self {
        SimDuration(millis * 1_000_000)
    }

    /// A span of `secs` seconds.
    #[inline]
    pub const fn from_secs(secs: u64) -> Self {
        SimDuration(secs * 1_000_000_000)
    }

    /// A span of `secs` seconds, rounded to the nearest nanosecond; negative
    /// and NaN become zero, values past `u64::MAX` ns saturate.
    /// At least one nanosecond, so time always moves forward.
    #[inline]
    pub fn max_one(self) -> SimDuration {
        self.max(SimDuration::from_nanos(1))
    }

    #[inline]
    pub fn from_secs_f64(secs: f64) -> Self {
        SimDuration::from_nanos_f64(secs * NANOS_PER_SEC)
    }

    /// A span of `nanos` nanoseconds, rounded half up; negative and NaN
    /// become zero, values past `u64::MAX` saturate. (Adding ½ and
    /// truncating is exact IEEE arithmetic: the same on every platform, and
    /// no call into a math library on the hot path.)
    #[inline]
    pub fn from_nanos_f64(nanos: f64) -> Self {
        let x = nanos + 0.5;
        // On x86-64, below 2⁶³, a signed conversion truncates the same in
        // one instruction where an unsigned one takes a few more on the
        // simulation's critical path (BENCHMARKS.md); negatives become 0
        // as they would unsigned, and NaN and larger values go the
        // unsigned way. Wasm converts unsigned in one instruction.
        if cfg!(not(target_arch = "wasm32")) && x < I64_LIMIT {
            SimDuration((x as i64).max(0) as u64)
        } else {
            SimDuration(x as u64)
        }
    }

    /// Nanoseconds in this span.
    #[inline]
    pub const fn as_nanos(self) -> u64 {
        self.0
    }

    /// Seconds in this span.
    #[inline]
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / NANOS_PER_SEC
    }

    /// Milliseconds in this span, the unit the UI and the CLI report.
    #[inline]
    pub fn as_millis_f64(self) -> f64 {
        self.0 as f64 / 1e6
    }

    /// Parses a duration with a unit of [`UNITS`]: `"250us"`, `"8ms"`,
    /// `"2s"`, `"5m"`, `"1h"`, `"1d"`, `"1.5s"`, `"100ns"`. A bare number is
    /// refused: the unit is the point of writing the value down.
    pub fn parse(text: &str) -> Result<Self, DurationError> {
        let text = text.trim();
        let split = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(|| DurationError::MissingUnit(text.to_owned()))?;
        let (number, unit) = text.split_at(split);
        let value: f64 = number.parse().map_err(|_| DurationError::BadNumber(text.to_owned()))?;
        let unit = unit.trim();
        let scale = unit_nanos(unit).ok_or_else(|| DurationError::UnknownUnit {
            text: text.to_owned(),
            unit: unit.to_owned(),
        })?;
        let nanos = value * scale as f64;
        if !nanos.is_finite() || nanos >= u64::MAX as f64 {
            return Err(DurationError::TooLong(text.to_owned()));
        }
        Ok(SimDuration::from_nanos_f64(nanos))
    }
}

/// Why a duration string was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DurationError {
    /// A number without a unit, such as `"250"`.
    MissingUnit(String),
    /// The part before the unit is not a number.
    BadNumber(String),
    /// The unit is none of [`UNITS`].
    UnknownUnit { text: String, unit: String },
    /// Longer than simulated time can count (about 584 years).
    TooLong(String),
}

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DurationError::MissingUnit(t) => {
                write!(
                    f,
                    "`{t}` has no unit; write it as e.g. \"250us\", \"8ms\", \"2s\" or \"5m\""
                )
            }
            DurationError::BadNumber(t) if t.starts_with('-') => {
                write!(f, "`{t}` is negative: a duration is zero or more")
            }
            DurationError::BadNumber(t) => write!(f, "`{t}` does not start with a number"),
            DurationError::UnknownUnit { text, unit } => {
                write!(f, "`{text}` has unknown unit `{unit}`; expected one of ")?;
                for (k, (name, _, _)) in UNITS.iter().enumerate() {
                    if k > 0 {
                        f.write_str(", ")?;
                    }
                    f.write_str(name)?;
                }
                Ok(())
            }
            DurationError::TooLong(t) => write!(f, "`{t}` is longer than a simulation can run"),
        }
    }
}

impl std::error::Error for DurationError {}

impl fmt::Display for SimDuration {
    /// The shortest exact form with a unit, e.g. `8ms`, `250us`, `2s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0;
        for &(unit, _, size) in UNITS.iter().rev() {
            if n >= size && n.is_multiple_of(size) {
                return write!(f, "{}{unit}", n / size);
            }
        }
        write!(f, "{n}ns")
    }
}

impl Serialize for SimDuration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for SimDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(DurationVisitor)
    }
}

/// Reads a duration from its text, and tells a user who wrote a bare
/// number (`timeout = 3`) to add a unit.
struct DurationVisitor;

impl serde::de::Visitor<'_> for DurationVisitor {
    type Value = SimDuration;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a duration with its unit, such as \"250ms\" or \"2s\"")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<SimDuration, E> {
        SimDuration::parse(text).map_err(E::custom)
    }

    fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<SimDuration, E> {
        Err(E::custom(format!(
            "is a duration: write \"{n}s\" (or \"{n}ms\"), in quotes with its unit"
        )))
    }

    fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<SimDuration, E> {
        Err(E::custom(format!(
            "is a duration: write \"{n}s\" (or \"{n}ms\"), in quotes with its unit"
        )))
    }

    fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<SimDuration, E> {
        Err(E::custom(format!(
            "is a duration: write \"{n}s\" (or \"{n}ms\"), in quotes with its unit"
        )))
    }
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;
    #[inline]
    fn add(self, rhs: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(rhs.0))
    }
}

impl AddAssign<SimDuration> for SimTime {
    #[inline]
    fn add_assign(&mut self, rhs: SimDuration) {
        *self = *self + rhs;
    }
}

impl Sub for SimTime {
    type Output = SimDuration;
    #[inline]
    fn sub(self, rhs: SimTime) -> SimDuration {
        self.since(rhs)
    }
}

impl Add for SimDuration {
    type Output = SimDuration;
    #[inline]
    fn add(self, rhs: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_add(rhs.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_from_f64_is_the_unsigned_conversion_everywhere() {
        let unsigned = |n: f64| (n + 0.5) as u64;
        let mut edges = vec![
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -1e300,
            -1.0,
            -0.5,
            -0.4,
            0.0,
            0.49,
            0.5,
            1.5,
            1e18,
            I64_LIMIT - 2048.0,
            I64_LIMIT,
            1.8e19,
            1e20,
        ];
        let mut x = 0.37_f64;
        for _ in 0..10_000 {
            x = (x * 7.31 + 0.11).fract();
            edges.push(x * 1e12);
            edges.push(x * 3e19 - 1e19);
        }
        for n in edges {
            assert_eq!(SimDuration::from_nanos_f64(n).as_nanos(), unsigned(n), "{n}");
        }
    }

    #[test]
    fn parses_every_unit() {
        assert_eq!(SimDuration::parse("100ns"), Ok(SimDuration::from_nanos(100)));
        assert_eq!(SimDuration::parse("250us"), Ok(SimDuration::from_nanos(250_000)));
        assert_eq!(SimDuration::parse("8ms"), Ok(SimDuration::from_millis(8)));
        assert_eq!(SimDuration::parse("1.5s"), Ok(SimDuration::from_millis(1500)));
        assert_eq!(SimDuration::parse("5m"), Ok(SimDuration::from_secs(300)));
        assert_eq!(SimDuration::parse("1h"), Ok(SimDuration::from_secs(3600)));
        assert_eq!(SimDuration::parse("2d"), Ok(SimDuration::from_secs(2 * 86_400)));
        assert_eq!(SimDuration::parse("1.5d"), Ok(SimDuration::from_secs(36 * 3600)));
        assert_eq!(SimDuration::parse("90min"), Ok(SimDuration::from_secs(90 * 60)));
        assert_eq!(SimDuration::parse("3µs"), Ok(SimDuration::from_micros(3)));
        let unknown = SimDuration::parse("2w").err().map(|e| e.to_string());
        assert_eq!(
            unknown.as_deref(),
            Some("`2w` has unknown unit `w`; expected one of ns, us, ms, s, m, h, d")
        );
    }

    #[test]
    fn refuses_bad_durations_with_a_reason() {
        assert!(matches!(SimDuration::parse("250"), Err(DurationError::MissingUnit(_))));
        assert!(matches!(SimDuration::parse("ms"), Err(DurationError::BadNumber(_))));
        assert!(matches!(SimDuration::parse("3 weeks"), Err(DurationError::UnknownUnit { .. })));
        assert!(matches!(SimDuration::parse("-1s"), Err(DurationError::BadNumber(_))));
        let negative = SimDuration::parse("-1s").err().map(|e| e.to_string());
        assert_eq!(negative.as_deref(), Some("`-1s` is negative: a duration is zero or more"));
        assert!(SimDuration::parse("1e30h").is_err());
        assert!(matches!(SimDuration::parse("1000000000000h"), Err(DurationError::TooLong(_))));
    }

    #[test]
    fn displays_round_trip() {
        for text in ["8ms", "250us", "2s", "5m", "1h", "7ns", "1500us", "2d", "36h"] {
            let d = SimDuration::parse(text).unwrap();
            assert_eq!(SimDuration::parse(&d.to_string()), Ok(d));
        }
        assert_eq!(SimDuration::from_millis(1500).to_string(), "1500ms");
        assert_eq!(SimDuration::from_secs(2 * 86_400).to_string(), "2d");
        assert_eq!(SimDuration::from_secs(36 * 3600).to_string(), "36h");
    }
}
