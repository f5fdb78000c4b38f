//! The scaling curve's form in words, for someone who has not met the
//! sweep syntax: `load.users.rate=50..400:8` with 2 runs of 20 s reads
//! "Tries the rate of the users load at 8 values from 50 to 400
//! requests/s (50, 100, 150, …, 400), 2 runs of 20 s at each: 16 runs."
//! Pure, tested natively; the panel shows it under the form as it is typed.

use scalesim_engine::sweep::{SweepSpec, ValueKind};

/// What the form asks for, or what is missing from it, in words.
pub fn describe(param: &str, runs: &str, seconds: &str) -> Result<String, String> {
    let runs: u32 = runs.trim().parse().unwrap_or(1);
    if runs == 0 {
        return Err("At least 1 run at each value.".to_owned());
    }
    let spec = SweepSpec::parse(param.trim(), runs).map_err(|e| {
        if e.contains("expected PATH") {
            "Write what to vary and over what: a parameter, = , its first and last values \
             with .. between, then : and how many values to try."
                .to_owned()
        } else {
            e
        }
    })?;
    let n = spec.step_count();
    let unit = match (spec.kind, spec.path.rsplit('.').next()) {
        (ValueKind::Duration, _) => "",
        (_, Some("rate")) => " requests/s",
        _ => "",
    };
    let values = spec.values();
    // Durations with their unit, numbers rounded for reading ("167").
    let text = |v: &f64| match spec.kind {
        ValueKind::Duration => spec.text_of(*v),
        _ => crate::format::quantity(*v),
    };
    let listed: Vec<String> = if n <= 5 {
        values.iter().map(text).collect()
    } else {
        let first = values.iter().take(3).map(text);
        first.chain(["…".to_owned(), text(&values[n - 1])]).collect()
    };
    let each = match seconds.trim().parse::<f64>() {
        Ok(s) => format!("{} of {} s", plural(runs, "run"), crate::format::quantity(s)),
        Err(_) => format!("{} as long as the scenario", plural(runs, "run")),
    };
    Ok(format!(
        "Tries {} at {n} values from {} to {}{unit} ({}), {each} at each: {}.",
        subject(&spec.path),
        text(&values[0]),
        text(&values[n - 1]),
        listed.join(", "),
        plural(n as u32 * runs, "run"),
    ))
}

/// A parameter's path as a phrase: `load.users.rate` is "the rate of the
/// users load", `api.queue.capacity` "the queue capacity of api".
fn subject(path: &str) -> String {
    let path = path.strip_prefix("node.").unwrap_or(path);
    let words = |key: &str| key.replace(['.', '_'], " ");
    match path.split_once('.') {
        Some(("scenario", key)) => format!("the scenario's {}", words(key)),
        Some(("load", rest)) => match rest.split_once('.') {
            Some((id, key)) => format!("the {} of the {id} load", words(key)),
            None => format!("the {}", words(rest)),
        },
        Some((id, key)) => format!("the {} of {id}", words(key)),
        None => words(path),
    }
}

fn plural(n: u32, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sweep_reads_as_a_sentence() {
        assert_eq!(
            describe("load.users.rate=50..400:8", "2", "20").unwrap(),
            "Tries the rate of the users load at 8 values from 50 to 400 requests/s \
             (50, 100, 150, …, 400), 2 runs of 20 s at each: 16 runs."
        );
        assert_eq!(
            describe("load.users.rate=50..400:4", "1", "5").unwrap(),
            "Tries the rate of the users load at 4 values from 50 to 400 requests/s \
             (50, 167, 283, 400), 1 run of 5 s at each: 4 runs."
        );
        assert_eq!(
            describe("api.replicas=1..4:10", "1", "").unwrap(),
            "Tries the replicas of api at 4 values from 1 to 4 (1, 2, 3, 4), \
             1 run as long as the scenario at each: 4 runs."
        );
        assert_eq!(
            describe("node.api.call.0.timeout=50ms..2s:3", "3", "5").unwrap(),
            "Tries the call 0 timeout of api at 3 values from 50ms to 2s \
             (50ms, 1025ms, 2s), 3 runs of 5 s at each: 9 runs."
        );
    }

    #[test]
    fn what_is_missing_is_said_in_words() {
        for typed in ["", "load.users.rate", "load.users.rate=50", "load.users.rate=50..400"] {
            let e = describe(typed, "2", "20").unwrap_err();
            assert!(e.starts_with("Write what to vary"), "{typed}: {e}");
        }
        assert!(describe("load.users.rate=50..400:1", "2", "20").unwrap_err().contains("2 steps"));
        assert!(describe("load.users.rate=50..400:8", "0", "20").unwrap_err().contains("1 run"));
    }
}
