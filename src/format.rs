//! Figures in human units, one way everywhere the page shows a number:
//! "405 ms", "1.2 s", "1.48k req/s", "37%". A figure with no data is
//! [`ABSENT`], never 0. Pure, so tested natively.

/// What the page shows for a figure with no data.
pub const ABSENT: &str = "–";

/// A latency in milliseconds: "850 µs", "6.85 ms", "40.5 ms", "405 ms",
/// "1.24 s", "11.3 min", "2.5 h"; three significant figures at most.
pub fn duration_ms(ms: f64) -> String {
    if !ms.is_finite() || ms < 0.0 {
        return ABSENT.to_owned();
    }
    let s = ms / 1000.0;
    if ms == 0.0 {
        "0 ms".to_owned()
    } else if ms < 1.0 {
        format!("{} µs", sig3(ms * 1000.0))
    } else if ms < 1000.0 {
        format!("{} ms", sig3(ms))
    } else if s < 60.0 {
        format!("{} s", sig3(s))
    } else if s < 3600.0 {
        format!("{} min", sig3(s / 60.0))
    } else {
        format!("{} h", sig3(s / 3600.0))
    }
}

/// The simulated clock: "35.5 s"; past two days in days, "56.0 days" (a
/// scenario in hours and days reads at a glance).
pub fn clock(seconds: f64) -> String {
    const DAY_S: f64 = 86_400.0;
    if seconds > 2.0 * DAY_S {
        format!("{:.1} days", seconds / DAY_S)
    } else {
        format!("{seconds:.1} s")
    }
}

/// A latency that may be absent (no answered request).
pub fn maybe_duration_ms(ms: Option<f64>) -> String {
    ms.map_or_else(|| ABSENT.to_owned(), duration_ms)
}

/// A plain quantity with a k/M/G suffix: "0.5", "12", "950", "1.48k",
/// "12.3k", "1.2M"; under 0.01 in plain decimals, three significant
/// figures ("0.0000757"), so a small figure never reads as 0.
pub fn quantity(v: f64) -> String {
    if !v.is_finite() {
        return ABSENT.to_owned();
    }
    let a = v.abs();
    let sign = if v < 0.0 { "-" } else { "" };
    if a > 0.0 && a < 0.01 {
        let decimals = (2.0 - a.log10().floor()).min(20.0) as usize;
        return format!("{sign}{}", trim(format!("{a:.decimals$}")));
    }
    let (scaled, suffix) = if a >= 1e9 {
        (a / 1e9, "G")
    } else if a >= 1e6 {
        (a / 1e6, "M")
    } else if a >= 1e4 {
        (a / 1e3, "k")
    } else {
        (a, "")
    };
    let digits = if suffix.is_empty() && a >= 10.0 { format!("{a:.0}") } else { sig3(scaled) };
    format!("{sign}{digits}{suffix}")
}

/// A count in full with its thousands apart: "950", "1 234 567" (narrow
/// no-break spaces), where the exact figure matters (a tooltip beside a
/// [`quantity`]).
pub fn whole(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() * 2);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

/// A count with its noun, singular for one: "1 request", "3 requests".
pub fn counted(n: u64, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

/// A rate per second: "0.5 req/s", "950 req/s", "12.3k req/s"; a rate
/// under 0.01 a second reads per hour ("3.6 req/h"), and one under one an
/// hour per day ("8.64 req/day"): a scenario in hours and days (changes
/// through teams) keeps its figures readable.
pub fn rate(per_s: f64) -> String {
    let (value, unit) = rate_parts(per_s);
    format!("{value} req/{unit}")
}

/// A rate without its noun, as the canvas labels a load: "141/s",
/// "8.64/day" (the same units as [`rate`]).
pub fn rate_short(per_s: f64) -> String {
    let (value, unit) = rate_parts(per_s);
    format!("{value}/{unit}")
}

/// A rate beside the rate it is part of, in the whole's unit: "201 of 202
/// req/s" (goodput of offered).
pub fn rate_of(part_per_s: f64, whole_per_s: f64) -> String {
    let (whole, unit) = rate_parts(whole_per_s);
    let per_unit = match unit {
        "day" => 86_400.0,
        "h" => 3_600.0,
        _ => 1.0,
    };
    format!("{} of {whole} req/{unit}", quantity(part_per_s * per_unit))
}

fn rate_parts(per_s: f64) -> (String, &'static str) {
    const HOUR_S: f64 = 3600.0;
    let a = per_s.abs();
    if a > 0.0 && a * HOUR_S < 1.0 {
        (quantity(per_s * 24.0 * HOUR_S), "day")
    } else if a > 0.0 && a < 0.01 {
        (quantity(per_s * HOUR_S), "h")
    } else {
        (quantity(per_s), "s")
    }
}

/// A share as a percentage: "0%", "0.4%", "37%", "100%".
pub fn share(x: f64) -> String {
    if !x.is_finite() {
        return ABSENT.to_owned();
    }
    let p = x * 100.0;
    if p == 0.0 || p >= 10.0 { format!("{p:.0}%") } else { format!("{}%", sig2(p)) }
}

/// A figure in its named unit, as the formula check names them: "ms" a
/// duration ("2.31 ms"), "share" a percentage ("75%"), any other a
/// quantity with the unit after it ("1905 requests", "0 requests").
pub fn in_unit(v: f64, unit: &str) -> String {
    match unit {
        "ms" => duration_ms(v),
        "share" => share(v),
        _ => format!("{} {unit}", quantity(v)),
    }
}

/// A load multiplier: "0.1×", "0.5×", "2×", "3.16×", "1000×".
pub fn multiplier(m: f64) -> String {
    if !m.is_finite() || m <= 0.0 {
        return ABSENT.to_owned();
    }
    format!("{}×", sig3(m))
}

/// The multiplier a log-scale slider at `exponent` (10^exponent) stands
/// for, to two significant figures, so the slider lands on 2× rather than
/// 1.995× and its label keeps one width.
pub fn slider_multiplier(exponent: f64) -> f64 {
    let m = 10f64.powf(exponent.clamp(SLIDER_EXPONENTS.0, SLIDER_EXPONENTS.1));
    let magnitude = 10f64.powf(m.log10().floor() - 1.0);
    (m / magnitude).round() * magnitude
}

/// The multiplier an arrow key moves the load slider to from `m`: the
/// next value of two significant figures up or down (1 → 1.1, 1 → 0.99).
/// `None` for other keys, which the browser's range input handles (Page
/// Up/Down, Home, End). Its own arrow step (0.01 in the exponent) is
/// smaller than the snapping near 1×, so it would never leave 1×.
pub fn slider_key(m: f64, key: &str) -> Option<f64> {
    let next = match key {
        "ArrowRight" | "ArrowUp" => grid_step(m, 1),
        "ArrowLeft" | "ArrowDown" => grid_step(m, -1),
        _ => return None,
    };
    let (low, high) = SLIDER_EXPONENTS;
    Some(next.clamp(slider_multiplier(low), slider_multiplier(high)))
}

/// The load slider's ends as powers of ten: 0.1× to 1000×.
pub const SLIDER_EXPONENTS: (f64, f64) = (-1.0, 3.0);

/// `m` (two significant figures) moved one unit of its second figure
/// up or down, crossing decades: 9.9 → 10, 1 → 0.99.
fn grid_step(m: f64, by: i32) -> f64 {
    let mut decade = (m.log10() + 1e-9).floor() as i32;
    let mut mantissa = (m / 10f64.powf(f64::from(decade) - 1.0)).round() as i32 + by;
    if mantissa >= 100 {
        (mantissa, decade) = (10, decade + 1);
    } else if mantissa < 10 {
        (mantissa, decade) = (99, decade - 1);
    }
    f64::from(mantissa) * 10f64.powf(f64::from(decade) - 1.0)
}

/// An axis tick: like [`quantity`], but never more than four characters
/// wide where it can help it ("25k", "1.5M", "0.25").
pub fn tick(v: f64) -> String {
    if v == 0.0 { "0".to_owned() } else { quantity(v) }
}

/// Three significant figures, trailing zeros dropped: 6.85, 40.5, 405, 1.2.
fn sig3(v: f64) -> String {
    let decimals = if v >= 100.0 {
        0
    } else if v >= 10.0 {
        1
    } else {
        2
    };
    trim(format!("{v:.decimals$}"))
}

/// Two significant figures under 10: 0.42, 4.2.
fn sig2(v: f64) -> String {
    let decimals = if v >= 1.0 { 1 } else { 2 };
    trim(format!("{v:.decimals$}"))
}

fn trim(s: String) -> String {
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_owned() } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_at_a_glance() {
        assert_eq!(duration_ms(0.85), "850 µs");
        assert_eq!(duration_ms(6.853), "6.85 ms");
        assert_eq!(duration_ms(40.52), "40.5 ms");
        assert_eq!(duration_ms(405.2), "405 ms");
        assert_eq!(duration_ms(1240.0), "1.24 s");
        assert_eq!(duration_ms(678_604.83), "11.3 min");
        assert_eq!(duration_ms(9_000_000.0), "2.5 h");
        assert_eq!(duration_ms(20.0), "20 ms");
        assert_eq!(duration_ms(f64::NAN), ABSENT);
        assert_eq!(maybe_duration_ms(None), ABSENT);
        assert_eq!(clock(0.0), "0.0 s");
        assert_eq!(clock(35.5), "35.5 s");
        assert_eq!(clock(4_838_400.0), "56.0 days");
    }

    #[test]
    fn whole_counts_group_their_thousands() {
        assert_eq!(whole(0), "0");
        assert_eq!(whole(950), "950");
        assert_eq!(whole(1_000), "1\u{202f}000");
        assert_eq!(whole(1_234_567), "1\u{202f}234\u{202f}567");
        assert_eq!(quantity(1_234_567.0), "1.23M", "the strip's figure beside it");
        assert_eq!(counted(1, "request"), "1 request");
        assert_eq!(counted(0, "request"), "0 requests");
        assert_eq!(counted(12, "request"), "12 requests");
    }

    #[test]
    fn quantities_and_rates() {
        assert_eq!(quantity(0.5), "0.5");
        assert_eq!(quantity(12.4), "12");
        assert_eq!(quantity(1482.0), "1482");
        assert_eq!(quantity(17_870.0), "17.9k");
        assert_eq!(quantity(25_000.0), "25k");
        assert_eq!(quantity(1_200_000.0), "1.2M");
        assert_eq!(rate(199.4), "199 req/s");
        assert_eq!(rate(0.0), "0 req/s");
        assert_eq!(rate(0.001), "3.6 req/h");
        assert_eq!(rate(0.0001), "8.64 req/day");
        assert_eq!(rate_short(141.3), "141/s");
        assert_eq!(rate_of(1000.0, 1999.6), "1000 of 2000 req/s");
        assert_eq!(rate_of(0.0005, 0.001), "1.8 of 3.6 req/h");
        assert_eq!(rate_short(0.0001), "8.64/day");
        assert_eq!(quantity(0.0000757), "0.0000757");
        assert_eq!(quantity(0.005), "0.005");
        assert_eq!(tick(0.0001), "0.0001");
        assert_eq!(tick(0.0), "0");
        assert_eq!(tick(0.25), "0.25");
    }

    #[test]
    fn shares_and_multipliers() {
        assert_eq!(share(0.0), "0%");
        assert_eq!(share(0.0042), "0.42%");
        assert_eq!(share(0.37), "37%");
        assert_eq!(share(1.0), "100%");
        assert_eq!(multiplier(1.0), "1×");
        assert_eq!(multiplier(0.1), "0.1×");
        assert_eq!(multiplier(3.162), "3.16×");
        assert_eq!(multiplier(1000.0), "1000×");
        assert_eq!(slider_multiplier(0.0), 1.0);
        assert_eq!(slider_multiplier(0.301), 2.0);
        assert_eq!(slider_multiplier(-1.0), 0.1);
        assert_eq!(slider_multiplier(3.0), 1000.0);
        assert_eq!(slider_multiplier(9.0), 1000.0);
        assert!((slider_multiplier(0.5) - 3.2).abs() < 1e-9);
    }

    #[test]
    fn slider_keys_step_off_one_and_across_decades() {
        assert_eq!(slider_key(1.0, "ArrowRight"), Some(1.1));
        assert_eq!(slider_key(1.0, "ArrowUp"), Some(1.1));
        assert_eq!(slider_key(1.0, "ArrowLeft"), Some(0.99));
        assert_eq!(slider_key(9.9, "ArrowRight"), Some(10.0));
        assert_eq!(slider_key(10.0, "ArrowLeft"), Some(9.9));
        assert_eq!(slider_key(0.1, "ArrowDown"), Some(0.1));
        assert_eq!(slider_key(1000.0, "ArrowUp"), Some(1000.0));
        assert_eq!(slider_key(2.0, "PageUp"), None);
        // Every arrow press lands on a value the slider itself would snap to
        // (the same float), so dragging afterwards does not jump.
        let mut m = 0.1;
        while m < 1000.0 {
            let next = slider_key(m, "ArrowRight").unwrap_or(m);
            assert!(next > m, "stuck at {m}");
            assert_eq!(slider_multiplier(next.log10()), next, "{next} is off the slider's grid");
            m = next;
        }
    }

    #[test]
    fn a_formulas_figures_read_in_their_unit() {
        assert_eq!(in_unit(2.3045, "ms"), "2.3 ms");
        assert_eq!(in_unit(0.75, "share"), "75%");
        assert_eq!(in_unit(1905.4481, "requests"), "1905 requests");
        assert_eq!(in_unit(0.0, "requests"), "0 requests");
        assert_eq!(in_unit(0.0042, "requests"), "0.0042 requests");
    }
}
