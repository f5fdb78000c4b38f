//! The load slider's gestures as live changes: one change a gesture. A drag
//! (mouse or touch) shows each value it passes and changes the run once,
//! when it is let go (the range input's `change`); arrow keys step at once
//! on the slider and change the run once they pause for [`KEY_SETTLE_MS`],
//! so a held or repeated key is one change too. Every change travels in
//! share links and marks the charts, so values passed on the way are not
//! changes. Pure, native-tested; `page/controls` does the timing.

use crate::format;

/// How long arrow keys must pause before their value changes the run.
pub const KEY_SETTLE_MS: u32 = 400;

/// What the user did to the slider.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SliderEvent<'a> {
    /// The thumb passed this exponent (`input`: during a drag, or a tap).
    Input(f64),
    /// The gesture ended on this exponent (`change`: let go).
    Change(f64),
    /// A key was pressed (`KeyboardEvent.key`).
    Key(&'a str),
}

/// When the run changes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Commit {
    /// Not now, and not what keys left pending: the value is the one in
    /// force, or a drag is under way (its end decides).
    No,
    /// Now, to this multiplier.
    Now(f64),
    /// To this multiplier once the keys pause ([`KEY_SETTLE_MS`]; a later
    /// key's value replaces it).
    Settled(f64),
}

/// What an event does: the multiplier the slider now shows (`None`: the
/// event is not the slider's, as a key it leaves to the browser) and when
/// the run changes. `shown` is what the slider shows before the event,
/// `in_force` the run's multiplier.
pub fn step(shown: f64, in_force: f64, event: SliderEvent) -> (Option<f64>, Commit) {
    let unless_in_force = |m: f64, commit: Commit| if m == in_force { Commit::No } else { commit };
    match event {
        SliderEvent::Input(exponent) => (Some(format::slider_multiplier(exponent)), Commit::No),
        SliderEvent::Change(exponent) => {
            let m = format::slider_multiplier(exponent);
            (Some(m), unless_in_force(m, Commit::Now(m)))
        }
        SliderEvent::Key(key) => match format::slider_key(shown, key) {
            Some(m) => (Some(m), unless_in_force(m, Commit::Settled(m))),
            None => (None, Commit::No),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The changes a sequence of events makes, keys settling after
    /// `KEY_SETTLE_MS` (a later key within it replaces the pending value),
    /// as the slider does: `(ms, event)` in time order.
    fn changes(events: &[(u32, SliderEvent)]) -> Vec<f64> {
        let (mut shown, mut in_force, mut out) = (1.0, 1.0, Vec::new());
        let mut pending: Option<(u32, f64)> = None;
        let commit = |m: f64, in_force: &mut f64, out: &mut Vec<f64>| {
            if m != *in_force {
                *in_force = m;
                out.push(m);
            }
        };
        for &(at, event) in events {
            // A key's value settles before the next event (which replaces
            // what is pending in every case).
            if let Some((_, m)) = pending.filter(|(due, _)| *due <= at) {
                commit(m, &mut in_force, &mut out);
            }
            let (next, what) = step(shown, in_force, event);
            shown = next.unwrap_or(shown);
            match what {
                Commit::No => pending = None,
                Commit::Now(m) => {
                    pending = None;
                    commit(m, &mut in_force, &mut out);
                }
                Commit::Settled(m) => pending = Some((at + KEY_SETTLE_MS, m)),
            }
        }
        if let Some((_, m)) = pending {
            commit(m, &mut in_force, &mut out);
        }
        // To two decimals: the slider's grid steps in floating point.
        out.iter().map(|m| (m * 100.0).round() / 100.0).collect()
    }

    #[test]
    fn a_drag_shows_every_value_and_changes_the_run_once_when_let_go() {
        let drag: Vec<(u32, SliderEvent)> = (1..=8)
            .map(|i| (i * 16, SliderEvent::Input(f64::from(i) * 0.375)))
            .chain([(140, SliderEvent::Change(3.0))])
            .collect();
        let (shown, commit) = step(1.0, 1.0, SliderEvent::Input(1.0));
        assert_eq!((shown, commit), (Some(10.0), Commit::No), "shown, not changed");
        assert_eq!(changes(&drag), vec![1000.0]);
    }

    #[test]
    fn a_tap_changes_once_and_a_drag_back_to_the_value_in_force_not_at_all() {
        let tap = [(0, SliderEvent::Input(3.0)), (1, SliderEvent::Change(3.0))];
        assert_eq!(changes(&tap), vec![1000.0]);
        let back = [
            (0, SliderEvent::Input(1.0)),
            (9, SliderEvent::Input(0.0)),
            (10, SliderEvent::Change(0.0)),
        ];
        assert!(changes(&back).is_empty());
    }

    #[test]
    fn keys_step_at_once_and_change_the_run_when_they_pause() {
        let (shown, commit) = step(1.0, 1.0, SliderEvent::Key("ArrowUp"));
        assert_eq!((shown, commit), (Some(1.1), Commit::Settled(1.1)));
        assert_eq!(step(1.0, 1.0, SliderEvent::Key("Home")), (None, Commit::No), "the browser's");
        let burst: Vec<(u32, SliderEvent)> =
            (0..5).map(|i| (i * 100, SliderEvent::Key("ArrowUp"))).collect();
        assert_eq!(changes(&burst), vec![1.5], "five presses, one change");
        let apart = [(0, SliderEvent::Key("ArrowUp")), (1_000, SliderEvent::Key("ArrowUp"))];
        assert_eq!(changes(&apart), vec![1.1, 1.2], "pauses apart, a change each");
        let there_and_back =
            [(0, SliderEvent::Key("ArrowUp")), (100, SliderEvent::Key("ArrowDown"))];
        assert!(changes(&there_and_back).is_empty(), "back to the value in force");
    }
}
