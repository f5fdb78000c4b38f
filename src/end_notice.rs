//! What the page and the player say about a run standing past its
//! scenario's end, and what the player's Replay runs. A run pauses at its
//! `duration` (`worker::ending`); one continued past it (by Play at the
//! end, or a share link made that way, `past_end`) plays on when Play is
//! pressed. Paused there, a reader would otherwise see a clock beyond the
//! scenario's length and no word of why, so both views say it, and the
//! player's Replay starts such a run from time zero rather than at the
//! link's time past the end. Pure, tested natively.

use crate::format;
use crate::worker::protocol::ToWorker;

/// The run's end and time now, in seconds, when it stands paused past
/// its end (continued there): `(end_s, now_s)`. `ended` (paused at the
/// end, not continued) and a playing run give `None`.
pub fn paused_past_end(now_ns: u64, end_ns: u64, ended: bool, playing: bool) -> Option<(f64, f64)> {
    (!ended && !playing && now_ns > end_ns).then(|| (end_ns as f64 / 1e9, now_ns as f64 / 1e9))
}

/// The sentence for a run paused past its end: `end_s` the scenario's
/// duration, `now_s` the time now.
pub fn past_end_words(end_s: f64, now_s: f64) -> String {
    format!(
        "Past the scenario's duration ({}): this run went on to {}.",
        format::clock(end_s),
        format::clock(now_s)
    )
}

/// The player's Replay: the commands the embed opened with, and the
/// simulated time they run to before Play. A run the embed opened past
/// its end (a link with `past_end`) is replayed from time zero instead,
/// its live changes applied at their instants as it plays, pausing at
/// the end as a fresh run does; any other opening is repeated as it was
/// (its start time, load and a link's run).
pub fn replay_commands(start: &[ToWorker]) -> (Vec<ToWorker>, u64) {
    let mut to_ns = 0;
    let commands = start
        .iter()
        .map(|command| match command {
            ToWorker::Replay { seed, load, history, time_ns, past_end } => {
                let time_ns = if *past_end { 0 } else { *time_ns };
                to_ns = time_ns;
                ToWorker::Replay {
                    seed: *seed,
                    load: *load,
                    history: history.clone(),
                    time_ns,
                    past_end: false,
                }
            }
            other => other.clone(),
        })
        .collect();
    (commands, to_ns)
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: u64 = 1_000_000_000;

    #[test]
    fn only_a_paused_run_past_its_end_is_said_to_be_there() {
        assert_eq!(paused_past_end(4 * S, 2 * S, false, false), Some((2.0, 4.0)));
        assert_eq!(paused_past_end(4 * S, 2 * S, false, true), None, "playing on");
        assert_eq!(paused_past_end(2 * S, 2 * S, true, false), None, "finished, not past");
        assert_eq!(paused_past_end(2 * S, 2 * S, false, false), None, "at the end exactly");
        assert_eq!(paused_past_end(S, 2 * S, false, false), None, "before the end");
        // A duration edited live below the time now: the run stands at its
        // end, finished (`ended`), not continued.
        assert_eq!(paused_past_end(9 * S, 2 * S, true, false), None);
        assert_eq!(
            past_end_words(2.0, 4.0),
            "Past the scenario's duration (2.0 s): this run went on to 4.0 s."
        );
    }

    #[test]
    fn replay_starts_a_run_opened_past_its_end_from_zero() {
        let replay = |time_ns, past_end| ToWorker::Replay {
            seed: Some(7),
            load: 2.0,
            history: Vec::new(),
            time_ns,
            past_end,
        };
        let traces = ToWorker::SetTraces { on: false };
        // Past the end: from zero, stopping at the end.
        let (commands, to) = replay_commands(&[traces.clone(), replay(4 * S, true)]);
        assert_eq!(commands, vec![traces.clone(), replay(0, false)]);
        assert_eq!(to, 0);
        // A start time (`t=`) or a link's own time before the end: as opened.
        let (commands, to) = replay_commands(&[traces.clone(), replay(30 * S, false)]);
        assert_eq!(commands, vec![traces.clone(), replay(30 * S, false)]);
        assert_eq!(to, 30 * S);
        // A lesson by name at time zero: nothing to replay to.
        assert_eq!(replay_commands(std::slice::from_ref(&traces)), (vec![traces], 0));
    }
}
