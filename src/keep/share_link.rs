//! Share links: the whole run, in the URL fragment (`#v2.` + base64url of
//! deflate-raw of a JSON [`Shared`]), so a link needs no server and the
//! server never sees it.
//!
//! A link holds each variant's scenario as it was at time zero of its run,
//! the seed, the load multiplier it started at, the live changes made
//! during the run at their simulated instants ([`crate::worker::replay`]), the
//! time to run to, and whether the sharer had continued past the
//! scenario's end (`past_end`, so the replay goes past it too): the
//! recipient replays the same run and sees every figure equal. A link made while comparing holds variant B too. Version
//! 1 links (no history, no B) are still read: their text is replayed from
//! time zero, as they always were.
//!
//! The browser compresses and decompresses (`CompressionStream`, see
//! `share`); this module owns the format: versioning, base64url, size caps,
//! and turning every way a link can be wrong into a message that says what
//! happened. Pure, tested natively.

use serde::{Deserialize, Serialize};

use crate::worker::replay::{self, Entry};

/// The format this build writes (it reads every version up to it).
pub const VERSION: u32 = 2;
/// The longest fragment read: a link is data, and a huge one is hostile.
pub const MAX_FRAGMENT: usize = 256 * 1024;
/// The most bytes a link may decompress to.
pub const MAX_DECOMPRESSED: usize = 1024 * 1024;

/// One variant's run as a link holds it.
#[derive(Clone, Debug, PartialEq)]
pub struct Variant {
    /// The scenario file's name (shown, and used in messages).
    pub file: String,
    /// The scenario's text at time zero of the run.
    pub toml: String,
    /// The seed to run with.
    pub seed: Option<u64>,
    /// Simulated nanoseconds to run to before pausing: where the sharer
    /// was, exactly.
    pub time_ns: u64,
    /// The load multiplier the run started at.
    pub load: f64,
    /// The live changes made during the run, at their instants, in order:
    /// in the link, base64url of their `wire` encoding (compact, and no
    /// second reader of edits in the bundle; a change to that encoding of
    /// `Entry`, `Change` or `Edit` needs a new link version, and a test
    /// pins it).
    pub history: Vec<Entry>,
    /// The sharer had continued past the scenario's `duration` ("Continue
    /// past the end"): the replay runs through the end to `time_ns`, and
    /// plays on past it. Without it (and in links made before it was
    /// recorded) the replay stops at the end, as a fresh run does.
    pub past_end: bool,
}

/// What a link holds: variant A, and B when it was made while comparing,
/// with which of the two was being edited.
#[derive(Clone, Debug, PartialEq)]
pub struct Shared {
    pub a: Variant,
    pub b: Option<Variant>,
    /// B was being edited (the canvas, inspector and figures were B's).
    /// Only meaningful with `b`; a comparison linked before this was
    /// recorded opens editing B, as it always did.
    pub editing_b: bool,
}

/// The JSON of a link: A's fields at the top (as version 1 wrote them),
/// B's, the same way, under `b` (one serde type for both keeps the bundle
/// small).
#[derive(Serialize, Deserialize)]
struct Payload {
    file: String,
    toml: String,
    seed: Option<u64>,
    time_ns: u64,
    #[serde(default = "one")]
    load: f64,
    #[serde(default, with = "history_text")]
    history: Vec<Entry>,
    /// Written only when true: a link that stops at the end reads as it did.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    past_end: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    b: Option<Box<Payload>>,
    /// Which variant was being edited, `"a"` or `"b"`, beside `b`: absent
    /// (links made before it was recorded, and on B itself) reads as B.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    editing: Option<String>,
}

impl Payload {
    fn new(variant: &Variant, b: Option<Box<Payload>>, editing: Option<String>) -> Payload {
        let Variant { file, toml, seed, time_ns, load, history, past_end } = variant.clone();
        Payload { file, toml, seed, time_ns, load, history, past_end, b, editing }
    }

    fn variant(self) -> Variant {
        let Payload { file, toml, seed, time_ns, load, history, past_end, .. } = self;
        Variant { file, toml, seed, time_ns, load, history, past_end }
    }
}

/// A history in a link: base64url of its `wire` encoding.
mod history_text {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::worker::replay::Entry;

    pub fn serialize<S: Serializer>(history: &[Entry], s: S) -> Result<S::Ok, S::Error> {
        let history = history.to_vec();
        s.serialize_str(&super::base64url_encode(&crate::worker::wire::to_bytes(&history)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Entry>, D::Error> {
        let text = String::deserialize(d)?;
        let bytes = super::base64url_decode(&text)
            .ok_or_else(|| serde::de::Error::custom("its history is not base64url"))?;
        crate::worker::wire::from_bytes(&bytes)
            .map_err(|e| serde::de::Error::custom(format!("its history is damaged: {e}")))
    }
}

fn one() -> f64 {
    1.0
}

/// Why a link could not be opened.
#[derive(Clone, Debug, PartialEq)]
pub enum LinkError {
    /// Not a scalesim link at all (no `v1.` prefix).
    NotALink,
    /// Made by a newer scalesim.
    Newer(u32),
    /// Longer than [`MAX_FRAGMENT`].
    TooLong(usize),
    /// Characters base64url never has: damaged when copied.
    Damaged,
    /// Cut at a length base64 never has, or not decompressing: cut short
    /// or altered.
    Truncated,
    /// Decompressed to more than [`MAX_DECOMPRESSED`].
    TooBig,
    /// Decompressed, but not what a link holds.
    NotAScenario(String),
}

impl std::fmt::Display for LinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kept = "Your own work is kept.";
        match self {
            LinkError::NotALink => write!(
                f,
                "This link does not hold a scalesim scenario (its part after # should start with v{VERSION}.). {kept}"
            ),
            LinkError::Newer(v) => write!(
                f,
                "This link was made by a newer scalesim (link format {v}; this version reads format {VERSION}). Open it with the newer version. {kept}"
            ),
            LinkError::TooLong(n) => write!(
                f,
                "This link is {n} characters long, more than a scenario needs ({MAX_FRAGMENT} at most); it was not opened. {kept}"
            ),
            LinkError::Damaged => write!(
                f,
                "This link is damaged: it has characters a share link never contains. Was it altered when copied? {kept}"
            ),
            LinkError::Truncated => write!(
                f,
                "This link is damaged or cut short: its scenario cannot be unpacked. Ask for the whole link again. {kept}"
            ),
            LinkError::TooBig => write!(
                f,
                "This link unpacks to more than {} kB, more than any scenario; it was not opened. {kept}",
                MAX_DECOMPRESSED / 1024
            ),
            LinkError::NotAScenario(why) => {
                write!(f, "This link unpacks, but not to a scenario ({why}). {kept}")
            }
        }
    }
}

/// The fragment for compressed bytes: `v2.` + base64url.
pub fn fragment(compressed: &[u8]) -> String {
    format!("v{VERSION}.{}", base64url_encode(compressed))
}

/// The compressed bytes of a fragment (with or without its `#`).
pub fn unwrap_fragment(fragment: &str) -> Result<Vec<u8>, LinkError> {
    let fragment = fragment.trim_start_matches('#');
    if fragment.len() > MAX_FRAGMENT {
        return Err(LinkError::TooLong(fragment.len()));
    }
    let rest = fragment.strip_prefix('v').ok_or(LinkError::NotALink)?;
    let (version, data) = rest.split_once('.').ok_or(LinkError::NotALink)?;
    let version: u32 = version.parse().map_err(|_| LinkError::NotALink)?;
    if version > VERSION {
        return Err(LinkError::Newer(version));
    }
    if version == 0 {
        return Err(LinkError::NotALink);
    }
    // Characters of the alphabet that do not decode are a link cut at a
    // length base64 never has: cut short, not altered.
    let clean = data.trim_end_matches('=').bytes().all(|c| ALPHABET.contains(&c));
    base64url_decode(data).ok_or(if clean { LinkError::Truncated } else { LinkError::Damaged })
}

/// Whether a URL fragment is meant as a share link (so a bad one is
/// reported rather than ignored).
pub fn looks_like_link(fragment: &str) -> bool {
    let f = fragment.trim_start_matches('#');
    f.starts_with('v')
        && f[1..]
            .split_once('.')
            .is_some_and(|(v, _)| v.chars().all(|c| c.is_ascii_digit()) && !v.is_empty())
}

/// What a link's decompressed bytes hold (a version 1 payload reads as a
/// variant with no history).
pub fn read_payload(bytes: &[u8]) -> Result<Shared, LinkError> {
    if bytes.len() > MAX_DECOMPRESSED {
        return Err(LinkError::TooBig);
    }
    let text =
        std::str::from_utf8(bytes).map_err(|_| LinkError::NotAScenario("not text".to_owned()))?;
    let payload: Payload =
        serde_json::from_str(text).map_err(|e| LinkError::NotAScenario(e.to_string()))?;
    let mut payload = payload;
    let b = payload.b.take().map(|b| (b.b.is_none(), b.variant()));
    if b.as_ref().is_some_and(|(alone, _)| !alone) {
        return Err(LinkError::NotAScenario("its variant B holds another".to_owned()));
    }
    let editing_b = b.is_some() && payload.editing.as_deref() != Some("a");
    let shared = Shared { a: payload.variant(), b: b.map(|(_, b)| b), editing_b };
    check(&shared.a)?;
    if let Some(b) = &shared.b {
        check(b)?;
    }
    Ok(shared)
}

/// What a link's variant must be beyond its shape.
fn check(variant: &Variant) -> Result<(), LinkError> {
    let refuse = |why: &str| Err(LinkError::NotAScenario(why.to_owned()));
    if !valid_multiplier(variant.load) {
        return refuse("its load multiplier is out of range");
    }
    if variant.file.len() > 200 || variant.file.contains(['/', '\\']) {
        return refuse("its file name is not a file name");
    }
    if variant.time_ns > scalesim_engine::limits::MAX_DURATION.as_nanos() {
        return refuse("its time is past the longest run scalesim plays (366 days)");
    }
    if let Err(why) = replay::check_history(&variant.history) {
        return Err(LinkError::NotAScenario(why));
    }
    Ok(())
}

/// A load multiplier a link may carry (the slider's range, 0 excluded).
pub fn valid_multiplier(load: f64) -> bool {
    load.is_finite() && load > 0.0 && load <= 1000.0
}

/// The bytes a link compresses.
pub fn write_payload(shared: &Shared) -> Vec<u8> {
    let b = shared.b.as_ref().map(|b| Box::new(Payload::new(b, None, None)));
    let editing = b.as_ref().map(|_| if shared.editing_b { "b" } else { "a" }.to_owned());
    serde_json::to_vec(&Payload::new(&shared.a, b, editing)).unwrap_or_default()
}

/// What the page says about a link it made: whether it was copied, and
/// whether it reproduces every figure (`complete`: the run's history was
/// kept whole) and both variants.
pub fn status(copied: bool, complete: bool, comparing: bool) -> String {
    let verb = if copied { "Link copied" } else { "Copy this link" };
    let what = if comparing {
        "both variants, A and B, with their live changes, paused where you are now"
    } else {
        "this run, with its live changes, paused where you are now"
    };
    let caveat = if complete {
        ""
    } else {
        " This run had more live changes than a link keeps, so it replays the design as it is now from time zero: figures that depend on when you changed it may differ."
    };
    format!("{verb}: it opens {what}.{caveat}")
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64url without padding (RFC 4648 §5): safe in a URL fragment.
pub fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * k)) & 63) as usize] as char);
        }
    }
    out
}

/// The bytes of base64url text (padding tolerated); `None` if it is not.
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes() {
        let v = ALPHABET.iter().position(|&a| a == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trips_every_length() {
        for len in 0..70 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let text = base64url_encode(&bytes);
            assert!(text.bytes().all(|c| ALPHABET.contains(&c)));
            assert_eq!(base64url_decode(&text), Some(bytes));
        }
        assert_eq!(base64url_encode(b"hello"), "aGVsbG8");
        assert_eq!(base64url_decode("a+b/"), None);
        assert_eq!(base64url_decode("abcde"), None);
    }

    #[test]
    fn every_bad_link_gets_its_own_message() {
        assert_eq!(unwrap_fragment("#hello"), Err(LinkError::NotALink));
        assert_eq!(unwrap_fragment("#v3.AAAA"), Err(LinkError::Newer(3)));
        assert_eq!(unwrap_fragment("#v1.ab$cd"), Err(LinkError::Damaged));
        assert_eq!(unwrap_fragment("#v1.abcde"), Err(LinkError::Truncated), "cut at 4n + 1");
        let long = format!("v1.{}", "A".repeat(MAX_FRAGMENT));
        assert!(matches!(unwrap_fragment(&long), Err(LinkError::TooLong(_))));
        assert!(matches!(read_payload(b"{\"toml\": 3}"), Err(LinkError::NotAScenario(_))));
        assert!(matches!(read_payload(&[0xff, 0xfe]), Err(LinkError::NotAScenario(_))));
        assert_eq!(read_payload(&vec![b' '; MAX_DECOMPRESSED + 1]), Err(LinkError::TooBig));
        let mut hostile = shared(1.0, Vec::new());
        hostile.a.file = "../etc".into();
        assert!(read_payload(&write_payload(&hostile)).is_err());
        let mut hostile_b = shared(1.0, Vec::new());
        hostile_b.b = Some(Variant { load: 0.0, ..hostile_b.a.clone() });
        assert!(read_payload(&write_payload(&hostile_b)).is_err());
        let nested = r#"{"file":"a.toml","toml":"","seed":1,"time_ns":1,"b":{"file":"b.toml","toml":"","seed":1,"time_ns":1,"b":{"file":"c.toml","toml":"","seed":1,"time_ns":1}}}"#;
        assert!(read_payload(nested.as_bytes()).is_err());
        let too_many = vec![load_at(1, 2.0); replay::MAX_ENTRIES + 1];
        let err = read_payload(&write_payload(&shared(1.0, too_many))).unwrap_err();
        assert!(err.to_string().contains("more than the 200"), "{err}");
        let backwards = vec![load_at(5, 2.0), load_at(1, 2.0)];
        assert!(read_payload(&write_payload(&shared(1.0, backwards))).is_err());
        let negative = r#"{"file":"a.toml","toml":"","seed":1,"time_ns":-1,"load":1}"#;
        assert!(read_payload(negative.as_bytes()).is_err());
        let huge_load = r#"{"file":"a.toml","toml":"","seed":1,"time_ns":1,"load":1e9}"#;
        assert!(read_payload(huge_load.as_bytes()).is_err());
        // A time past the longest run: refused, so no link keeps the worker
        // at full speed for ever.
        let forever =
            format!(r#"{{"file":"a.toml","toml":"","seed":1,"time_ns":{},"load":1}}"#, u64::MAX);
        let err = read_payload(forever.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("366 days"), "{err}");
        for e in [LinkError::NotALink, LinkError::Newer(7), LinkError::Truncated, LinkError::TooBig]
        {
            assert!(e.to_string().contains("Your own work is kept"));
        }
        assert!(
            looks_like_link("#v1.abc")
                && looks_like_link("v12.x")
                && !looks_like_link("#section-2")
        );
    }

    #[test]
    fn fuzzed_links_are_refused_never_panic() {
        // A link is hostile input: 20 000 rounds of random fragments,
        // random base64 after a valid (or odd) prefix, and random payloads.
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for case in 0..20_000 {
            let len = (next() % 300) as usize;
            let noise: Vec<u8> = (0..len).map(|_| (next() % 256) as u8).collect();
            let text = String::from_utf8_lossy(&noise).into_owned();
            let _ = unwrap_fragment(&text);
            let _ = looks_like_link(&text);
            let b64: String = noise.iter().map(|b| ALPHABET[(*b % 64) as usize] as char).collect();
            let prefix = ["v1.", "#v1.", "v0.", "v99999999999999999999.", "v1"][case % 5];
            let _ = unwrap_fragment(&format!("{prefix}{b64}"));
            let _ = read_payload(&noise);
            let json = format!(
                "{{\"file\":\"{}\",\"toml\":\"\",\"seed\":{},\"time_ns\":{},\"load\":{}}}",
                text.escape_default(),
                next(),
                next(),
                f64::from_bits(next())
            );
            let _ = read_payload(json.as_bytes());
        }
    }

    fn load_at(at_ns: u64, multiplier: f64) -> Entry {
        Entry { at_ns, change: replay::Change::Load { multiplier } }
    }

    fn shared(load: f64, history: Vec<Entry>) -> Shared {
        let a = Variant {
            file: "sync-chain.toml".into(),
            toml: "[scenario]\nname = \"x\"\n".into(),
            seed: Some(9),
            time_ns: 42_500_000_001,
            load,
            history,
            past_end: false,
        };
        Shared { a, b: None, editing_b: false }
    }

    #[test]
    fn payloads_round_trip() {
        let edit = scalesim_engine::edit::Edit::SetLane {
            id: "db".into(),
            mode: scalesim_engine::scenario::Mode::Async,
        };
        let history = vec![
            Entry { at_ns: 1, change: replay::Change::Edit { edit } },
            Entry { at_ns: 2, change: replay::Change::Text { toml: "[scenario]".into() } },
            load_at(3, 4.0),
        ];
        let alone = shared(2.0, history.clone());
        assert_eq!(read_payload(&write_payload(&alone)), Ok(alone.clone()));
        // A run continued past its end says so (and only then: a link that
        // stops at the end is written as before).
        let past = Shared { a: Variant { past_end: true, ..alone.a.clone() }, ..alone.clone() };
        let json = String::from_utf8(write_payload(&past)).unwrap();
        assert!(json.contains(r#""past_end":true"#), "{json}");
        assert_eq!(read_payload(json.as_bytes()), Ok(past));
        assert!(!String::from_utf8(write_payload(&alone)).unwrap().contains("past_end"));
        let mut both = alone;
        both.b =
            Some(Variant { time_ns: 42_400_000_000, past_end: true, ..shared(0.5, history).a });
        for editing_b in [false, true] {
            both.editing_b = editing_b;
            assert_eq!(read_payload(&write_payload(&both)), Ok(both.clone()));
        }
        let f = fragment(&[1, 2, 3, 250]);
        assert!(f.starts_with("v2."));
        assert_eq!(unwrap_fragment(&format!("#{f}")), Ok(vec![1, 2, 3, 250]));
    }

    #[test]
    fn the_status_says_what_a_link_reproduces() {
        assert!(status(true, true, false).starts_with("Link copied: it opens this run"));
        assert!(status(false, true, true).contains("both variants"));
        assert!(status(true, false, false).contains("more live changes than a link keeps"));
    }

    #[test]
    fn the_history_s_encoding_in_a_link_is_pinned() {
        // Links already shared must keep reading: a change to the `wire`
        // encoding of entries, changes or edits needs a new link version.
        let edit = scalesim_engine::edit::Edit::SetLane {
            id: "db".into(),
            mode: scalesim_engine::scenario::Mode::Async,
        };
        let history = vec![
            Entry { at_ns: 1_500_000_000, change: replay::Change::Edit { edit } },
            Entry { at_ns: 2_000_000_000, change: replay::Change::Text { toml: "x".into() } },
            load_at(3_000_000_000, 2.0),
        ];
        let json = String::from_utf8(write_payload(&shared(1.0, history.clone()))).unwrap();
        assert!(
            json.contains(r#""history":"A4DeoMsFAAkCZGIBgKjWuQcBAXiAvMGWCwIAAAAAAAAAQA""#),
            "{json}"
        );
        assert_eq!(read_payload(json.as_bytes()).unwrap().a.history, history);
        let damaged = json.replace(r#""history":""#, r#""history":"*"#);
        assert!(matches!(read_payload(damaged.as_bytes()), Err(LinkError::NotAScenario(_))));
    }

    #[test]
    fn version_1_links_are_still_read() {
        // A link as version 1 wrote it: the edited text, no history, no B.
        assert_eq!(unwrap_fragment("#v1.AQID"), Ok(vec![1, 2, 3]));
        let v1 = r#"{"file":"sync-chain.toml","toml":"[scenario]\nname = \"x\"\n","seed":9,"time_ns":42500000001,"load":2.0}"#;
        assert_eq!(read_payload(v1.as_bytes()), Ok(shared(2.0, Vec::new())));
        // A comparison linked before the edited side was recorded opens
        // editing B, as it did then; one alone edits A, whatever it says.
        let compared = r#"{"file":"a.toml","toml":"","seed":1,"time_ns":1,"b":{"file":"b.toml","toml":"","seed":1,"time_ns":1}}"#;
        let read = read_payload(compared.as_bytes()).unwrap();
        assert!(read.b.is_some() && read.editing_b);
        let alone = r#"{"file":"a.toml","toml":"","seed":1,"time_ns":1,"editing":"b"}"#;
        assert!(!read_payload(alone.as_bytes()).unwrap().editing_b);
        let no_load = r#"{"file":"a.toml","toml":"","seed":null,"time_ns":0}"#;
        let read = read_payload(no_load.as_bytes()).unwrap();
        assert_eq!((read.a.load, read.a.history.len(), read.b), (1.0, 0, None));
        // Links made before `past_end` was recorded stop at the end, as
        // they did.
        assert!(!read.a.past_end);
    }
}
