//! How the Lesson tab fits a scenario's explanation above its Watch and
//! Try: a long description is shown by its lead (its first sentences) with
//! the rest behind "more", so what to watch and what to try are in view
//! when a scenario is picked, at 1280×720 as on a phone. Pure,
//! native-tested; `scripts/boot.mjs` applies the same rule to the start-up
//! skeleton's demo lesson.

/// A description at most this long (in characters, whitespace collapsed)
/// is shown whole.
pub const WHOLE_MAX: usize = 180;
/// The lead's length: whole sentences while they fit (the first always,
/// unless it alone is longer than `WHOLE_MAX`, then cut at a word).
pub const LEAD_MAX: usize = 120;

/// A description split for the Lesson tab: `head` is always shown; `tail`
/// (which starts with the space between them) is behind "more". The two
/// joined are the description with its whitespace collapsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lead {
    pub head: String,
    pub tail: String,
    /// The head ends inside a sentence (a "…" stands after it while the
    /// tail is hidden).
    pub cut: bool,
}

impl Lead {
    /// Whether there is more to show than the head.
    pub fn has_more(&self) -> bool {
        !self.tail.is_empty()
    }
}

/// Splits a description into what the Lesson tab shows at once and what
/// waits behind "more". (Over bytes, without `str`'s pattern searches: the
/// bundle's size.)
pub fn lead(description: &str) -> Lead {
    let flat = description.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars = |end: usize| flat[..end].chars().count();
    if chars(flat.len()) <= WHOLE_MAX {
        return Lead { head: flat, tail: String::new(), cut: false };
    }
    let b = flat.as_bytes();
    let mut at = 0;
    for i in (1..b.len().saturating_sub(1)).filter(|&i| sentence_ends_at(b, i)) {
        let n = chars(i);
        if n <= LEAD_MAX || (at == 0 && n <= WHOLE_MAX) {
            at = i;
        }
        if n > LEAD_MAX {
            break;
        }
    }
    let cut = at == 0;
    if cut {
        let limit = flat.char_indices().nth(LEAD_MAX).map_or(flat.len(), |(i, _)| i);
        at = b[..limit].iter().rposition(|&c| c == b' ').unwrap_or(limit);
        while at > 0 && matches!(b[at - 1], b',' | b';' | b':') {
            at -= 1;
        }
    }
    Lead { head: flat[..at].to_owned(), tail: flat[at..].to_owned(), cut }
}

/// Whether the space at byte `i` follows the end of a sentence: a full
/// stop (or ? or !) before it and what starts a sentence after it (a
/// capital A to Z, a digit, a quote or a parenthesis: the library's
/// explanations are in English, and Unicode's case tables would cost the
/// bundle). "e.g." and "i.e." end no sentence.
fn sentence_ends_at(b: &[u8], i: usize) -> bool {
    let next = b[i + 1];
    let starts = next.is_ascii_uppercase()
        || next.is_ascii_digit()
        || matches!(next, b'"' | b'(' | b'`')
        || b[i + 1..].starts_with("“".as_bytes());
    b[i] == b' '
        && matches!(b[i - 1], b'.' | b'?' | b'!')
        && starts
        && !b[..i].ends_with(b"e.g.")
        && !b[..i].ends_with(b"i.e.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use scalesim_engine::scenario::Scenario;

    #[test]
    fn a_short_description_is_shown_whole() {
        let l = lead("Every checkout waits on the payment provider.\n  It is slow.");
        assert_eq!(l.head, "Every checkout waits on the payment provider. It is slow.");
        assert!(!l.has_more());
    }

    #[test]
    fn a_long_one_shows_its_first_sentences_and_keeps_the_rest() {
        let text = "The api runs 4 replicas at 75% utilization and autoscales towards 80%. \
            At 60 s traffic jumps 1.8× for a minute. The autoscaler measures every 30 s \
            and new replicas take a minute to boot: for most of the spike the capacity is \
            the old one, the queue grows, latency soars.";
        let l = lead(text);
        assert_eq!(
            l.head,
            "The api runs 4 replicas at 75% utilization and autoscales towards 80%. At 60 s traffic jumps 1.8× for a minute."
        );
        assert!(l.tail.starts_with(" The autoscaler measures") && !l.cut);
        assert_eq!(
            format!("{}{}", l.head, l.tail),
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        );
    }

    #[test]
    fn abbreviations_and_lower_case_do_not_end_a_sentence() {
        let text = format!(
            "A cache (e.g. Redis) holds pages, i.e. the hot ones. Then more. {}",
            "x ".repeat(100)
        );
        let l = lead(&text);
        assert_eq!(l.head, "A cache (e.g. Redis) holds pages, i.e. the hot ones.");
    }

    #[test]
    fn a_first_sentence_too_long_is_cut_at_a_word() {
        let text = format!("{}, and so on. Next.", "word ".repeat(60).trim_end());
        let l = lead(&text);
        assert!(l.cut && l.head.chars().count() <= LEAD_MAX, "{l:?}");
        assert!(l.head.ends_with("word") && l.tail.starts_with(' '));
        assert_eq!(format!("{}{}", l.head, l.tail), text);
    }

    #[test]
    fn every_library_lead_is_short() {
        for file in
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios")).expect("scenarios")
        {
            let text = std::fs::read_to_string(file.expect("entry").path()).expect("read");
            let scenario = Scenario::from_toml("library", &text).expect("a library file reads");
            let Some(d) = scenario.scenario.description else { continue };
            let l = lead(&d);
            assert!(l.head.chars().count() <= WHOLE_MAX, "{}: {}", scenario.scenario.name, l.head);
        }
    }
}
