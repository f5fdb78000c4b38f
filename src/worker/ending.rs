//! Where a playing run pauses on its own: at its scenario's `duration`,
//! where `scalesim run` and `check` stop, so a lesson's figures are read at
//! the end its author wrote (the team lesson's 56 days, not years at max
//! speed). Play (or Step) from the end on continues past it, and the run
//! then goes on until paused, as before. Pure, tested natively.

use scalesim_engine::SimTime;

/// Whether the user chose to run past the scenario's end.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Ending {
    past: bool,
}

impl Ending {
    /// Play or Step was pressed at `now`: from the end on, the run goes past it.
    pub fn on_play(&mut self, now: SimTime, end: SimTime) {
        if now >= end {
            self.past = true;
        }
    }

    /// A fresh run (loaded, restarted, replayed) stops at its end again.
    pub fn reset(&mut self) {
        self.past = false;
    }

    /// A share link's run is replayed: `past_end` when its sharer had
    /// continued past the end, so the replay runs through the end to the
    /// link's time, and Play goes on from there as it did for the sharer.
    pub fn replaying(&mut self, past_end: bool) {
        self.past = past_end;
    }

    /// Whether the run was continued past its end (a link records it).
    pub fn past(&self) -> bool {
        self.past
    }

    /// How far a tick may advance: the time `asked` (`None`: as far as the
    /// tick's budget allows, at max speed) and no further than the end,
    /// unless the user continues past it.
    pub fn limit(&self, asked: Option<SimTime>, end: SimTime) -> Option<SimTime> {
        if self.past { asked } else { Some(asked.map_or(end, |t| t.min(end))) }
    }

    /// The run stands at its end and has not been continued: the worker
    /// pauses it, and its frames say so.
    pub fn at_end(&self, now: SimTime, end: SimTime) -> bool {
        !self.past && now >= end
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scalesim_engine::SimDuration;

    fn at(s: u64) -> SimTime {
        SimTime::ZERO + SimDuration::from_secs(s)
    }

    #[test]
    fn a_run_pauses_at_its_end_and_continues_when_asked() {
        let end = at(120);
        let mut ending = Ending::default();
        // Before the end: every speed stops there, max speed included.
        ending.on_play(at(0), end);
        assert_eq!(ending.limit(None, end), Some(end));
        assert_eq!(ending.limit(Some(at(50)), end), Some(at(50)));
        assert_eq!(ending.limit(Some(at(130)), end), Some(end));
        assert!(!ending.at_end(at(119), end));
        assert!(ending.at_end(at(120), end), "paused, finished");
        // Play at the end: on past it, unbounded at max speed.
        ending.on_play(at(120), end);
        assert!(!ending.at_end(at(120), end));
        assert_eq!(ending.limit(None, end), None);
        assert_eq!(ending.limit(Some(at(130)), end), Some(at(130)));
        // A restart stops at the end again.
        ending.reset();
        assert_eq!(ending.limit(None, end), Some(end));
        // A duration edited below the time now: the run stands at its end.
        let mut shortened = Ending::default();
        assert!(shortened.at_end(at(90), at(60)));
        shortened.on_play(at(90), at(60));
        assert!(!shortened.at_end(at(90), at(60)));
    }
}
