//! A worker that died, said in words: what most likely killed it, what is
//! kept, and what the user can do. Pure, so tested natively.

/// The prefix the worker client gives a worker's uncaught error.
pub const WORKER_FAILED: &str = "the simulation worker failed";

/// Whether a report is a worker's death rather than a refusal or an error
/// the worker itself reported.
pub fn is_crash(message: &str) -> bool {
    message.starts_with(WORKER_FAILED)
}

/// The page's explanation of a crash whose raw report is `raw`, while the
/// load multiplier was `load`.
pub fn explain(raw: &str, load: f64) -> String {
    let detail = raw.strip_prefix(WORKER_FAILED).unwrap_or(raw).trim_start_matches(':').trim();
    let lower = detail.to_lowercase();
    let memory = ["unreachable", "out of memory", "memory access out of bounds", "allocation"]
        .iter()
        .any(|m| lower.contains(m));
    let cause = if memory {
        "The simulation ran out of memory: more requests were waiting than a browser tab can hold. \
         A queue grew without bound; a queue capacity, max_wait, a rate limit or a lower load bounds it."
            .to_owned()
    } else {
        format!("The simulation stopped with an internal error ({detail}).")
    };
    let load_note = if load > 1.0 {
        format!(
            " It ran at {}× load; restarting at 1× avoids the same end.",
            crate::format::quantity(load)
        )
    } else {
        String::new()
    };
    format!("{cause} Your scenario, its edits and the seed are kept.{load_note}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trap_reads_as_memory_and_names_what_is_kept() {
        let raw = "the simulation worker failed: Uncaught RuntimeError: unreachable";
        assert!(is_crash(raw));
        let text = explain(raw, 1000.0);
        assert!(text.starts_with("The simulation ran out of memory"), "{text}");
        assert!(text.contains("edits and the seed are kept"), "{text}");
        assert!(text.contains("1000× load"), "{text}");
        assert!(!text.contains("Uncaught"), "{text}");
    }

    #[test]
    fn another_error_is_quoted_and_no_load_advice_at_one() {
        let text = explain("the simulation worker failed: Uncaught TypeError: x is null", 1.0);
        assert!(text.contains("(Uncaught TypeError: x is null)"), "{text}");
        assert!(!text.contains("load;"), "{text}");
        assert!(!is_crash("a change is PATH = VALUE"));
    }
}
