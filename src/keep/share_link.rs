//! Share links: the whole scenario, its seed and the view, in the URL
//! fragment (`#v1.` + base64url of deflate-raw of a JSON [`Shared`]), so a
//! link needs no server and the server never sees it.
//!
//! The browser compresses and decompresses (`CompressionStream`, see
//! `share`); this module owns the format: versioning, base64url, size caps,
//! and turning every way a link can be wrong into a message that says what
//! happened. Pure, tested natively.

use serde::{Deserialize, Serialize};

/// The format this build writes and reads.
pub const VERSION: u32 = 1;
/// The longest fragment read: a link is data, and a huge one is hostile.
pub const MAX_FRAGMENT: usize = 256 * 1024;
/// The most bytes a link may decompress to.
pub const MAX_DECOMPRESSED: usize = 1024 * 1024;

/// What a link holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Shared {
    /// The scenario file's name (shown, and used in messages).
    pub file: String,
    /// The scenario's text, as edited.
    pub toml: String,
    /// The seed to run with.
    pub seed: Option<u64>,
    /// Simulated nanoseconds to run to before pausing: where the sharer
    /// was, exactly.
    pub time_ns: u64,
    /// The load multiplier in force.
    #[serde(default = "one")]
    pub load: f64,
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
    /// Not base64url: damaged when copied.
    Damaged,
    /// Decompression failed: cut short or altered.
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
                "This link does not hold a scalesim scenario (its part after # should start with v1.). {kept}"
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

/// The fragment for compressed bytes: `v1.` + base64url.
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
    base64url_decode(data).ok_or(LinkError::Damaged)
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

/// What a link's decompressed bytes hold.
pub fn read_payload(bytes: &[u8]) -> Result<Shared, LinkError> {
    if bytes.len() > MAX_DECOMPRESSED {
        return Err(LinkError::TooBig);
    }
    let text =
        std::str::from_utf8(bytes).map_err(|_| LinkError::NotAScenario("not text".to_owned()))?;
    let shared: Shared =
        serde_json::from_str(text).map_err(|e| LinkError::NotAScenario(e.to_string()))?;
    if !(shared.load.is_finite() && shared.load > 0.0 && shared.load <= 1000.0) {
        return Err(LinkError::NotAScenario("its load multiplier is out of range".to_owned()));
    }
    if shared.file.len() > 200 || shared.file.contains(['/', '\\']) {
        return Err(LinkError::NotAScenario("its file name is not a file name".to_owned()));
    }
    Ok(shared)
}

/// The bytes a link compresses.
pub fn write_payload(shared: &Shared) -> Vec<u8> {
    serde_json::to_vec(shared).unwrap_or_default()
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
        assert_eq!(unwrap_fragment("#v2.AAAA"), Err(LinkError::Newer(2)));
        assert_eq!(unwrap_fragment("#v1.ab$cd"), Err(LinkError::Damaged));
        let long = format!("v1.{}", "A".repeat(MAX_FRAGMENT));
        assert!(matches!(unwrap_fragment(&long), Err(LinkError::TooLong(_))));
        assert!(matches!(read_payload(b"{\"toml\": 3}"), Err(LinkError::NotAScenario(_))));
        assert!(matches!(read_payload(&[0xff, 0xfe]), Err(LinkError::NotAScenario(_))));
        assert_eq!(read_payload(&vec![b' '; MAX_DECOMPRESSED + 1]), Err(LinkError::TooBig));
        let hostile = Shared {
            file: "../etc".into(),
            toml: String::new(),
            seed: None,
            time_ns: 0,
            load: 1.0,
        };
        assert!(read_payload(&write_payload(&hostile)).is_err());
        let negative = r#"{"file":"a.toml","toml":"","seed":1,"time_ns":-1,"load":1}"#;
        assert!(read_payload(negative.as_bytes()).is_err());
        let huge_load = r#"{"file":"a.toml","toml":"","seed":1,"time_ns":1,"load":1e9}"#;
        assert!(read_payload(huge_load.as_bytes()).is_err());
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

    #[test]
    fn payloads_round_trip() {
        let shared = Shared {
            file: "sync-chain.toml".into(),
            toml: "[scenario]\nname = \"x\"\n".into(),
            seed: Some(9),
            time_ns: 42_500_000_001,
            load: 2.0,
        };
        let bytes = write_payload(&shared);
        assert_eq!(read_payload(&bytes), Ok(shared));
        let f = fragment(&[1, 2, 3, 250]);
        assert_eq!(unwrap_fragment(&format!("#{f}")), Ok(vec![1, 2, 3, 250]));
    }
}
