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
            "Write what to vary, =, its first and last values with .. between, then : and \
             how many to try."
                .to_owned()
        } else {
            e
        }
    })?;
    let n = spec.step_count();
    let unit = match (spec.kind, spec.path.rsplit('.').next()) {
        (ValueKind::Number | ValueKind::Integer, Some("rate")) => " requests/s",
        _ => "",
    };
    // Durations with their unit, numbers rounded for reading ("167").
    let text = |step: usize| match spec.kind {
        ValueKind::Duration => spec.text_of(spec.value(step)),
        _ => crate::format::quantity(spec.value(step)),
    };
    let mut out = String::from("Tries the ");
    subject(&mut out, &spec.path);
    let (first, last) = (text(0), text(n - 1));
    out += &format!(" at {n} values from {first} to {last}{unit} (");
    let shown: &[usize] = if n <= 5 { &[0, 1, 2, 3, 4][..n] } else { &[0, 1, 2] };
    for &step in shown {
        out += &text(step);
        out += ", ";
    }
    if n > 5 {
        out += "…, ";
        out += &last;
    } else {
        out.truncate(out.len() - 2);
    }
    out += &format!("), {runs} run");
    plural(&mut out, runs);
    match seconds.trim().parse::<f64>() {
        Ok(s) => out += &format!(" of {} s", crate::format::quantity(s)),
        Err(_) => out += " as long as the scenario",
    }
    out += &format!(" at each: {} run", n as u32 * runs);
    plural(&mut out, n as u32 * runs);
    out.push('.');
    Ok(out)
}

/// A parameter's path as a phrase after "the ": `load.users.rate` is
/// "rate of the users load", `api.queue.capacity` "queue capacity of api".
fn subject(out: &mut String, path: &str) {
    let path = path.strip_prefix("node.").unwrap_or(path);
    let (owner, key) = path.split_once('.').unwrap_or(("", path));
    let (owner, key) = match (owner, key.split_once('.')) {
        ("load", Some((id, key))) => (format!(" of the {id} load"), key),
        ("", _) | ("load", None) => (String::new(), key),
        (id, _) => (format!(" of {id}"), key),
    };
    out.extend(key.chars().map(|c| if c == '.' || c == '_' { ' ' } else { c }));
    *out += &owner;
}

/// An "s" after a count's word unless the count is 1.
fn plural(out: &mut String, n: u32) {
    if n != 1 {
        out.push('s');
    }
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
