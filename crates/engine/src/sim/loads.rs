//! Loads: open-loop arrivals and closed-loop users start user requests,
//! which end here with their outcome.

use super::*;

impl Simulation {
    pub(super) fn start_loads(&mut self) {
        for i in 0..self.model.loads.len() {
            self.start_load(i);
        }
    }

    /// Load `i`'s first requests, from now: its users each start within a
    /// think time, or its first arrival is scheduled.
    pub(super) fn start_load(&mut self, i: usize) {
        match self.model.loads[i].spec.users {
            Some(users) => {
                let think = self.think_mean(i).max(SimDuration::from_millis(1));
                for user in 0..users {
                    let offset = self.load_rngs[i].below(think.as_nanos() + 1);
                    self.events.schedule(
                        self.now + SimDuration::from_nanos(offset),
                        Event::UserStart { load: i as u32, user },
                    );
                }
            }
            None => self.schedule_arrival(i),
        }
    }

    pub(super) fn think_mean(&self, load: usize) -> SimDuration {
        self.model.loads[load].spec.think_time.as_ref().map_or(SimDuration::ZERO, |d| d.mean())
    }

    pub(super) fn schedule_arrival(&mut self, load: usize) {
        let generation = self.loads[load].generation;
        let rng = &mut self.load_rngs[load];
        if let Some(arrivals) = self.loads[load].arrivals.as_mut() {
            let (at, real) = match arrivals.next(self.now, rng) {
                Next::Arrival(at) => (at, true),
                Next::Recheck(at) => (at, false),
            };
            self.events.schedule(at, Event::Arrival { load: load as u32, generation, real });
        }
    }

    pub(super) fn start_user_request(&mut self, load: usize, user: Option<u32>) {
        let started = self.now;
        let counted = started >= self.warmup_end;
        let rt = &mut self.loads[load];
        rt.in_flight += 1;
        if counted {
            rt.run_in_flight += 1;
            self.load_run[load].offered += 1;
        }
        self.load_window[load].offered += 1;
        self.trace_request_start(load);
        if self.loads[load].limiter.as_mut().is_some_and(|bucket| !bucket.try_take(started)) {
            self.trace_request_refused(load);
            self.finish_user_request(load, started, user, Outcome::Rejected);
            return;
        }
        let work = self.model.loads[load].spec.work;
        let tag = self.new_tag();
        let parent = Parent::User { started, user };
        self.start_call(Site::Load(load as u32), parent, load as u32, work, tag);
    }

    pub(super) fn finish_user_request(
        &mut self,
        load: usize,
        started: SimTime,
        user: Option<u32>,
        outcome: Outcome,
    ) {
        let latency = self.now.since(started);
        self.net_user_done(started, latency);
        let window = &mut self.load_window[load];
        window.outcomes.add(outcome);
        if outcome.is_success() {
            window.latency.record(latency);
        }
        let rt = &mut self.loads[load];
        rt.in_flight -= 1;
        if started >= self.warmup_end {
            rt.run_in_flight -= 1;
            self.load_run[load].outcomes.add(outcome);
        }
        if let Some(user) = user {
            let think = match &self.model.loads[load].think {
                Some(d) => d.sample(&mut self.load_rngs[load]),
                None => SimDuration::ZERO,
            };
            self.events.schedule(self.now + think, Event::UserStart { load: load as u32, user });
        }
    }
}
