//! `memory = { per_request, base, limit, gc_from, gc_slowdown, restart }`
//! on a service, and the fault effect `{ leak = "10MB/min" }`: the settings
//! of the memory model, sizes with their units, and the pure logic the
//! engine runs (a replica's memory in use, the garbage-collection slowdown
//! curve, when a leak fills what is left).
//!
//! Sizes are decimal: 1 KB = 1 000 B, 1 MB = 10⁶ B, 1 GB = 10⁹ B,
//! 1 TB = 10¹² B (the binary KiB, MiB, GiB, TiB are read too).

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::time::SimDuration;

/// An amount of memory in bytes, written with its unit: `"2MB"`, `"512MB"`,
/// `"1GB"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ByteSize(u64);

/// The units a size may be written in, with their bytes.
const UNITS: [(&str, u64); 9] = [
    ("B", 1),
    ("KB", 1_000),
    ("MB", 1_000_000),
    ("GB", 1_000_000_000),
    ("TB", 1_000_000_000_000),
    ("KiB", 1 << 10),
    ("MiB", 1 << 20),
    ("GiB", 1 << 30),
    ("TiB", 1 << 40),
];

/// The units of time a leak's rate is per, with their seconds (the same
/// lengths as the duration units of those names); `m` is another spelling
/// of `min`, written as the first of its length: the one description of
/// a rate's time that reading ([`LeakRate::parse`]), writing (`Display`),
/// the messages ([`PER_NAMES`]) and the JSON Schema follow.
pub const PER: [(&str, u64); 5] = [("s", 1), ("min", 60), ("m", 60), ("h", 3_600), ("d", 86_400)];

/// [`PER`]'s units in words, as the messages say them (a literal, so the
/// messages are too: `concat!`).
macro_rules! per_names {
    () => {
        "s, min, h or d"
    };
}

/// [`PER`]'s units in words.
pub const PER_NAMES: &str = per_names!();

/// Why a size (or a leak's rate) was refused, in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SizeError {
    /// A number without a unit, such as `"512"`.
    MissingUnit(String),
    /// The part before the unit is not a number.
    BadNumber(String),
    /// The unit is none of B, KB, MB, GB, TB (or KiB, MiB, GiB, TiB).
    UnknownUnit { text: String, unit: String },
    /// More bytes than can be counted.
    TooLarge(String),
    /// A leak's rate without `/` and a unit of [`PER`].
    MissingPer(String),
    /// A leak's rate per something other than a unit of [`PER`].
    UnknownPer { text: String, per: String },
}

impl fmt::Display for SizeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SizeError::MissingUnit(t) => {
                write!(f, "is a size: `{t}` needs its unit, e.g. \"{t}MB\" (B, KB, MB, GB or TB)")
            }
            SizeError::BadNumber(t) => write!(f, "is a size: `{t}` does not start with a number"),
            SizeError::UnknownUnit { text, unit } => write!(
                f,
                "is a size: `{text}` has the unit `{unit}`, which is not one of B, KB, MB, GB, \
                 TB (or KiB, MiB, GiB, TiB)"
            ),
            SizeError::TooLarge(t) => write!(f, "is a size: `{t}` is more than can be counted"),
            SizeError::MissingPer(t) => write!(
                f,
                concat!(
                    "is a rate of growth: `{}` needs the time it grows in, e.g. \"10MB/min\" (per ",
                    per_names!(),
                    ")"
                ),
                t
            ),
            SizeError::UnknownPer { text, per } => write!(
                f,
                concat!(
                    "is a rate of growth: `{}` grows per `{}`, which is not one of ",
                    per_names!()
                ),
                text, per
            ),
        }
    }
}

impl std::error::Error for SizeError {}

impl ByteSize {
    /// No memory at all.
    pub const ZERO: ByteSize = ByteSize(0);

    /// `bytes` bytes.
    pub const fn from_bytes(bytes: u64) -> Self {
        ByteSize(bytes)
    }

    /// `mb` megabytes (10⁶ bytes each).
    pub const fn from_mb(mb: u64) -> Self {
        ByteSize(mb * 1_000_000)
    }

    /// The bytes.
    pub const fn bytes(self) -> u64 {
        self.0
    }

    /// The bytes as a number, for the engine's arithmetic.
    pub fn as_f64(self) -> f64 {
        self.0 as f64
    }

    /// Parses a size with its unit: `"2MB"`, `"1.5GB"`, `"512KiB"`, `"0B"`.
    /// A bare number is refused, as durations are: the unit is the point of
    /// writing the value down.
    pub fn parse(text: &str) -> Result<Self, SizeError> {
        let text = text.trim();
        let split = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(|| SizeError::MissingUnit(text.to_owned()))?;
        let (number, unit) = text.split_at(split);
        let value: f64 = number.parse().map_err(|_| SizeError::BadNumber(text.to_owned()))?;
        let unit = unit.trim();
        let Some(&(_, scale)) = UNITS.iter().find(|(u, _)| *u == unit) else {
            return Err(SizeError::UnknownUnit { text: text.to_owned(), unit: unit.to_owned() });
        };
        let bytes = (value * scale as f64).round();
        if !bytes.is_finite() || bytes >= u64::MAX as f64 {
            return Err(SizeError::TooLarge(text.to_owned()));
        }
        Ok(ByteSize(bytes as u64))
    }
}

impl fmt::Display for ByteSize {
    /// The shortest exact decimal form: `2MB`, `1GB`, `1500KB`, `7B`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0;
        for (unit, size) in UNITS[1..5].iter().rev() {
            if n >= *size && n.is_multiple_of(*size) {
                return write!(f, "{}{unit}", n / size);
            }
        }
        write!(f, "{n}B")
    }
}

impl Serialize for ByteSize {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ByteSize {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(SizeVisitor)
    }
}

/// Reads a size from its text, and tells a user who wrote a bare number
/// (`limit = 512`) to add a unit.
struct SizeVisitor;

fn bare_size<E: serde::de::Error>(n: impl fmt::Display) -> E {
    E::custom(format!("is a size: write \"{n}MB\" (or \"{n}GB\"), in quotes with its unit"))
}

impl serde::de::Visitor<'_> for SizeVisitor {
    type Value = ByteSize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a size with its unit, such as \"2MB\" or \"1GB\"")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<ByteSize, E> {
        ByteSize::parse(text).map_err(E::custom)
    }

    fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<ByteSize, E> {
        Err(bare_size(n))
    }

    fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<ByteSize, E> {
        Err(bare_size(n))
    }

    fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<ByteSize, E> {
        Err(bare_size(n))
    }
}

impl JsonSchema for ByteSize {
    fn schema_name() -> Cow<'static, str> {
        "Size".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^[0-9]+(\\.[0-9]+)?\\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$",
            "description": "A size with its unit: \"512KB\", \"2MB\", \"1GB\" (decimal: 1 MB = 1 000 000 B; KiB, MiB, GiB for binary).",
            "examples": ["2MB", "512MB", "1GB"]
        })
    }
}

/// How fast a leak grows, written as a size per unit of time ([`PER`]):
/// `"10MB/min"`, `"1GB/h"`, `"100KB/s"`, `"50MB/d"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LeakRate {
    /// What leaks in one `per`.
    pub amount: ByteSize,
    /// One of [`PER`]'s units: a second, minute, hour or day.
    pub per: SimDuration,
}

impl LeakRate {
    /// Bytes leaked a second.
    pub fn bytes_per_sec(self) -> f64 {
        self.amount.as_f64() / self.per.as_secs_f64()
    }

    /// Parses `"10MB/min"`: a size, a slash, and a unit of [`PER`].
    pub fn parse(text: &str) -> Result<Self, SizeError> {
        let text = text.trim();
        let Some((size, per)) = text.split_once('/') else {
            return Err(SizeError::MissingPer(text.to_owned()));
        };
        let amount = ByteSize::parse(size)?;
        let per = per.trim();
        let Some(&(_, secs)) = PER.iter().find(|u| u.0 == per) else {
            return Err(SizeError::UnknownPer { text: text.to_owned(), per: per.to_owned() });
        };
        Ok(LeakRate { amount, per: SimDuration::from_secs(secs) })
    }
}

impl fmt::Display for LeakRate {
    /// The size per the first unit of [`PER`] as long as `per` (seconds
    /// if none is: a rate is only ever read with one of them).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.per.as_nanos() / 1_000_000_000;
        let per = PER.iter().find(|u| u.1 == secs).map_or("s", |u| u.0);
        write!(f, "{}/{per}", self.amount)
    }
}

impl Serialize for LeakRate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for LeakRate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(LeakVisitor)
    }
}

struct LeakVisitor;

fn bare_leak<E: serde::de::Error>(n: impl fmt::Display) -> E {
    E::custom(format!(
        concat!(
            "is a rate of growth: write \"{}MB/min\" (a size per ",
            per_names!(),
            "), in quotes"
        ),
        n
    ))
}

impl serde::de::Visitor<'_> for LeakVisitor {
    type Value = LeakRate;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a size per unit of time, such as \"10MB/min\"")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<LeakRate, E> {
        LeakRate::parse(text).map_err(|e| {
            let message = e.to_string();
            // A size's own error inside a rate: say it is the rate that is wrong.
            match message.strip_prefix("is a size: ") {
                Some(rest) => E::custom(format!("is a rate of growth: {rest}")),
                None => E::custom(message),
            }
        })
    }

    fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<LeakRate, E> {
        Err(bare_leak(n))
    }

    fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<LeakRate, E> {
        Err(bare_leak(n))
    }

    fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<LeakRate, E> {
        Err(bare_leak(n))
    }
}

impl JsonSchema for LeakRate {
    fn schema_name() -> Cow<'static, str> {
        "LeakRate".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let pers: Vec<&str> = PER.iter().map(|u| u.0).collect();
        json_schema!({
            "type": "string",
            "pattern": format!(
                "^[0-9]+(\\.[0-9]+)?\\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)/({})$",
                pers.join("|")
            ),
            "description": format!(
                "A size per unit of time ({PER_NAMES}): \"10MB/min\", \"1GB/h\", \"100KB/s\", \"50MB/d\"."
            ),
            "examples": ["10MB/min", "1GB/h", "50MB/d"]
        })
    }
}

/// A replica's memory: what each request holds, what the process holds
/// anyway, and what happens as it fills (a garbage collector that slows
/// service past `gc_from` of the limit, and a kill at the limit).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MemorySpec {
    /// What one request holds while it waits or is served at the replica
    /// (until its visit ends).
    pub per_request: ByteSize,
    /// What the replica holds with no request at all (the process, its
    /// caches). Defaults to 0.
    #[serde(default)]
    pub base: ByteSize,
    /// The replica is killed (out of memory) when what it holds reaches
    /// this: every request it holds ends as `error`, and it restarts.
    pub limit: ByteSize,
    /// Past this share of `limit`, service slows as garbage collection
    /// takes its time (between 0 and 1, exclusive). Defaults to 0.7.
    #[serde(default = "default_gc_from")]
    pub gc_from: f64,
    /// Service time's multiplier at the limit; it grows linearly from 1
    /// at `gc_from` of the limit. At least 1. Defaults to 2.
    #[serde(default = "default_gc_slowdown")]
    pub gc_slowdown: f64,
    /// How long a killed replica takes to come back (a cold start).
    /// Defaults to 10 s.
    #[serde(default = "default_restart")]
    pub restart: SimDuration,
}

fn default_gc_from() -> f64 {
    0.7
}

fn default_gc_slowdown() -> f64 {
    2.0
}

fn default_restart() -> SimDuration {
    SimDuration::from_secs(10)
}

impl MemorySpec {
    /// Why these settings cannot work, each reason in words (empty when
    /// they can), with the key it is about.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if self.limit <= self.base {
            out.push((
                "limit",
                format!(
                    "the limit {} must be more than `base` {}: the replica would be out of \
                     memory before any request",
                    self.limit, self.base
                ),
            ));
        } else if self.limit.bytes() - self.base.bytes() < self.per_request.bytes() {
            out.push((
                "per_request",
                format!(
                    "not even one request fits: `base` {} plus `per_request` {} is past the \
                     limit {}",
                    self.base, self.per_request, self.limit
                ),
            ));
        }
        if !(self.gc_from.is_finite() && self.gc_from > 0.0 && self.gc_from < 1.0) {
            out.push((
                "gc_from",
                format!(
                    "`gc_from` is a share of the limit between 0 and 1 (e.g. 0.7), not {}",
                    self.gc_from
                ),
            ));
        }
        if !(self.gc_slowdown.is_finite() && self.gc_slowdown >= 1.0) {
            out.push((
                "gc_slowdown",
                format!(
                    "`gc_slowdown` multiplies service time at the limit: at least 1 (1 = no \
                     slowdown), not {}",
                    self.gc_slowdown
                ),
            ));
        } else if self.gc_slowdown > 1000.0 {
            out.push((
                "gc_slowdown",
                format!("`gc_slowdown` is at most 1000, not {}", self.gc_slowdown),
            ));
        }
        if self.restart == SimDuration::ZERO {
            out.push(("restart", "a restart takes some time, e.g. \"10s\"".to_owned()));
        }
        out
    }

    /// The service-time multiplier at `used` bytes in use: 1 up to
    /// `gc_from` × limit, then linear to `gc_slowdown` at the limit:
    /// `1 + (gc_slowdown − 1) · (used/limit − gc_from) / (1 − gc_from)`.
    pub fn slowdown(&self, used: f64) -> f64 {
        let share = used / self.limit.as_f64();
        if share <= self.gc_from {
            return 1.0;
        }
        let over = ((share - self.gc_from) / (1.0 - self.gc_from)).min(1.0);
        1.0 + (self.gc_slowdown - 1.0) * over
    }

    /// Bytes in use with `requests` held and `leaked` bytes leaked.
    pub fn in_use(&self, requests: u32, leaked: f64) -> f64 {
        self.base.as_f64() + self.per_request.as_f64() * f64::from(requests) + leaked
    }

    /// Whether `used` bytes reach the limit (the replica is killed).
    pub fn full(&self, used: f64) -> bool {
        used >= self.limit.as_f64()
    }

    /// The bytes where garbage collection starts to slow service.
    pub fn gc_threshold(&self) -> f64 {
        self.gc_from * self.limit.as_f64()
    }

    /// The requests a replica can hold without a leak before it is killed:
    /// the smallest count whose memory reaches the limit.
    pub fn requests_to_limit(&self) -> u64 {
        let room = self.limit.bytes() - self.base.bytes().min(self.limit.bytes());
        match self.per_request.bytes() {
            0 => u64::MAX,
            per => room.div_ceil(per),
        }
    }
}

/// Seconds until a leak of `rate` bytes a second takes `used` bytes to
/// `to` bytes (`None` when it never does: no leak).
pub fn seconds_to(used: f64, to: f64, rate: f64) -> Option<f64> {
    if rate <= 0.0 {
        return None;
    }
    Some(((to - used) / rate).max(0.0))
}

/// Seconds out of `span` that memory growing linearly from `from` (at the
/// start) at `rate` bytes a second spends above `threshold`.
pub fn seconds_above(from: f64, rate: f64, span: f64, threshold: f64) -> f64 {
    if from > threshold {
        return span;
    }
    if rate <= 0.0 {
        return 0.0;
    }
    (span - (threshold - from) / rate).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> MemorySpec {
        MemorySpec {
            per_request: ByteSize::from_mb(2),
            base: ByteSize::from_mb(100),
            limit: ByteSize::from_mb(300),
            gc_from: 0.5,
            gc_slowdown: 3.0,
            restart: SimDuration::from_secs(5),
        }
    }

    #[test]
    fn parses_sizes_with_units() {
        assert_eq!(ByteSize::parse("2MB"), Ok(ByteSize::from_bytes(2_000_000)));
        assert_eq!(ByteSize::parse("512MB"), Ok(ByteSize::from_mb(512)));
        assert_eq!(ByteSize::parse("1GB"), Ok(ByteSize::from_bytes(1_000_000_000)));
        assert_eq!(ByteSize::parse("1.5GB"), Ok(ByteSize::from_mb(1500)));
        assert_eq!(ByteSize::parse("1KiB"), Ok(ByteSize::from_bytes(1024)));
        assert_eq!(ByteSize::parse(" 7 B "), Ok(ByteSize::from_bytes(7)));
        assert!(matches!(ByteSize::parse("512"), Err(SizeError::MissingUnit(_))));
        assert!(matches!(ByteSize::parse("MB"), Err(SizeError::BadNumber(_))));
        assert!(matches!(ByteSize::parse("-1MB"), Err(SizeError::BadNumber(_))));
        assert!(matches!(ByteSize::parse("3 bananas"), Err(SizeError::UnknownUnit { .. })));
        assert!(matches!(ByteSize::parse("1e30TB"), Err(SizeError::UnknownUnit { .. })));
        assert!(matches!(ByteSize::parse("99999999999999999TB"), Err(SizeError::TooLarge(_))));
    }

    #[test]
    fn sizes_and_rates_round_trip_through_text() {
        for text in ["2MB", "512MB", "1GB", "1500KB", "7B", "3TB"] {
            let size = ByteSize::parse(text).unwrap();
            assert_eq!(size.to_string(), text);
        }
        for text in ["10MB/min", "1GB/h", "100KB/s", "50MB/d"] {
            assert_eq!(LeakRate::parse(text).unwrap().to_string(), text);
        }
        assert_eq!(LeakRate::parse("60MB/min").unwrap().bytes_per_sec(), 1e6);
        assert_eq!(LeakRate::parse("10MB/m").unwrap().to_string(), "10MB/min");
        assert_eq!(LeakRate::parse("86.4GB/d").unwrap().bytes_per_sec(), 1e6);
        assert!(matches!(LeakRate::parse("10MB"), Err(SizeError::MissingPer(_))));
        assert!(matches!(LeakRate::parse("10MB/day"), Err(SizeError::UnknownPer { .. })));
    }

    /// A rate's units are durations' units of the same names and lengths,
    /// and the messages name each of them.
    #[test]
    fn per_units_are_durations_and_named() {
        let named: Vec<&str> =
            PER_NAMES.split([',', ' ']).filter(|w| !["", "or"].contains(w)).collect();
        for (name, secs) in PER {
            let one = SimDuration::parse(&format!("1{name}")).unwrap();
            assert_eq!(one, SimDuration::from_secs(secs), "{name}");
            let first = PER.iter().find(|u| u.1 == secs).map(|u| u.0);
            assert_eq!(named.contains(&name), first == Some(name), "{name} in {PER_NAMES}");
        }
        assert_eq!(named.len(), 4);
    }

    #[test]
    fn errors_say_what_to_write() {
        let e = SizeError::MissingUnit("512".into()).to_string();
        assert!(e.contains("\"512MB\""), "{e}");
        let e = SizeError::UnknownPer { text: "1MB/day".into(), per: "day".into() }.to_string();
        assert!(e.contains("s, min, h or d"), "{e}");
    }

    #[test]
    fn the_slowdown_is_linear_from_gc_from_to_the_limit() {
        let s = spec();
        assert_eq!(s.slowdown(100e6), 1.0);
        assert_eq!(s.slowdown(150e6), 1.0);
        // Halfway between 150 MB and 300 MB: halfway between 1 and 3.
        assert!((s.slowdown(225e6) - 2.0).abs() < 1e-12);
        assert!((s.slowdown(300e6) - 3.0).abs() < 1e-12);
        assert!((s.slowdown(400e6) - 3.0).abs() < 1e-12);
    }

    #[test]
    fn checks_say_which_key_is_wrong() {
        assert!(spec().problems().is_empty());
        let keys = |s: MemorySpec| s.problems().into_iter().map(|(k, _)| k).collect::<Vec<_>>();
        assert_eq!(keys(MemorySpec { limit: ByteSize::from_mb(100), ..spec() }), ["limit"]);
        assert_eq!(
            keys(MemorySpec { per_request: ByteSize::from_mb(201), ..spec() }),
            ["per_request"]
        );
        assert_eq!(keys(MemorySpec { gc_from: 1.0, ..spec() }), ["gc_from"]);
        assert_eq!(keys(MemorySpec { gc_from: 0.0, ..spec() }), ["gc_from"]);
        assert_eq!(keys(MemorySpec { gc_slowdown: 0.5, ..spec() }), ["gc_slowdown"]);
        assert_eq!(keys(MemorySpec { restart: SimDuration::ZERO, ..spec() }), ["restart"]);
    }

    #[test]
    fn requests_to_limit_and_leak_timing() {
        assert_eq!(spec().requests_to_limit(), 100);
        assert_eq!(seconds_to(100.0, 300.0, 10.0), Some(20.0));
        assert_eq!(seconds_to(100.0, 300.0, 0.0), None);
        assert_eq!(seconds_above(100.0, 10.0, 30.0, 200.0), 20.0);
        assert_eq!(seconds_above(250.0, 0.0, 30.0, 200.0), 30.0);
        assert_eq!(seconds_above(100.0, 0.0, 30.0, 200.0), 0.0);
    }
}

#[cfg(test)]
mod reading {
    use crate::scenario::Scenario;

    fn messages(extra_node: &str, effect: &str) -> Vec<String> {
        let text = format!(
            "[scenario]\nname = \"m\"\n\n[[load]]\nid = \"u\"\ntarget = \"api\"\nrate = 10\n\n\
             [[node]]\nid = \"api\"\nkind = \"service\"\nservice_time = {{ dist = \"exp\", mean = \"5ms\" }}\n\
             {extra_node}\n\n[[node]]\nid = \"db\"\nkind = \"external\"\nlatency = {{ dist = \"exp\", mean = \"5ms\" }}\n\n\
             [[fault]]\nat = \"1s\"\nduration = \"1s\"\ntarget = \"api\"\neffect = {effect}\n"
        );
        match Scenario::from_toml("m.toml", &text) {
            Ok(_) => Vec::new(),
            Err(e) => {
                e.diagnostics.into_iter().map(|d| format!("{}: {}", d.key, d.message)).collect()
            }
        }
    }

    #[test]
    fn sizes_and_leaks_are_read_with_messages_in_words() {
        assert!(
            messages(
                "memory = { per_request = \"2MB\", limit = \"1GB\" }",
                "{ leak = \"10MB/min\" }"
            )
            .is_empty()
        );
        let m = messages("memory = { per_request = 2, limit = \"1GB\" }", "{ outage = true }");
        assert!(m.iter().any(|m| m.contains("`per_request` is a size: write \"2MB\"")), "{m:?}");
        let m = messages(
            "memory = { per_request = \"2 bananas\", limit = \"1GB\" }",
            "{ outage = true }",
        );
        assert!(m.iter().any(|m| m.contains("not one of B, KB, MB, GB, TB")), "{m:?}");
        let m =
            messages("memory = { per_request = \"2MB\", limit = \"1GB\" }", "{ leak = \"10MB\" }");
        assert!(m.iter().any(|m| m.contains("`leak` is a rate of growth")), "{m:?}");
        let with_memory = "memory = { per_request = \"2MB\", limit = \"1GB\" }";
        assert!(messages(with_memory, "{ leak = \"500MB/d\" }").is_empty());
        let m = messages(with_memory, "{ leak = \"500MB/day\" }");
        assert!(
            m.iter().any(|m| m.contains("per `day`, which is not one of s, min, h or d")),
            "{m:?}"
        );
        let m = messages(
            "memory = { per_request = \"2MB\", base = \"2GB\", limit = \"1GB\", gc_from = 1.5 }",
            "{ outage = true }",
        );
        assert!(
            m.iter().any(|m| m.starts_with("node \"api\".memory.limit: the limit 1GB")),
            "{m:?}"
        );
        assert!(m.iter().any(|m| m.starts_with("node \"api\".memory.gc_from:")), "{m:?}");
        // A leak needs a memory model on its target.
        let m = messages("", "{ leak = \"10MB/min\" }");
        assert!(m.iter().any(|m| m.contains("give `api` a `memory")), "{m:?}");
    }
}
