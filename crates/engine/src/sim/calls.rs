//! Calls: a logical call with its attempts, fan-out copies, hedges,
//! timeout, retries, bulkhead and breaker, from first attempt to outcome.

use super::*;
use crate::trace::Refusal;

impl Simulation {
    /// Creates a call and sends its first attempt; the call site's retry
    /// budget (if any) earns its deposit.
    /// `tag` is the user request's (its key at replicated databases).
    pub(super) fn start_call(
        &mut self,
        site: Site,
        parent: Parent,
        load: u32,
        work: f64,
        tag: u64,
    ) {
        let span = self.trace_call_start(site, parent);
        let model = self.call_model(site);
        if model.plain {
            let (to, fallback, op) = (model.to, model.fallback, model.op);
            if let Site::Node { node, .. } = site {
                self.nodes[node as usize].window.calls += 1;
            }
            let reply = match parent {
                Parent::User { user, .. } => Reply::User { load, user },
                Parent::Task(task) => Reply::Task { task, fallback },
                Parent::Detached => Reply::Nobody,
            };
            let via = network::Via { hop: self.hop_of(site), op, acked: false, tag };
            self.send(to, load, work, reply, via);
            return;
        }
        let call = self.calls.insert(Call {
            site,
            parent,
            load,
            work,
            attempt: 1,
            oks: 0,
            fails: 0,
            sent: 0,
            degraded: false,
            last_backoff: SimDuration::ZERO,
            admitted: false,
            through_breaker: false,
            children: Vec::new(),
            retry_after: None,
            span,
            tag,
        });
        if let Some(b) = self.call_model(site).budget {
            self.budgets[b].deposit();
        }
        self.issue_attempt(call);
    }

    /// The current attempt is over for its caller: free its bulkhead slot
    /// and tell its breaker how it went.
    pub(super) fn end_attempt(&mut self, key: Key, failed: bool) {
        let Some(call) = self.calls.get_mut(key) else { return };
        let held = std::mem::take(&mut call.admitted);
        let counted = std::mem::take(&mut call.through_breaker);
        let site = call.site;
        let model = self.call_model(site);
        let (bulkhead, breaker) = (model.bulkhead, model.breaker);
        if held && let Some((slot, _)) = bulkhead {
            self.bulkheads[slot] = self.bulkheads[slot].saturating_sub(1);
        }
        if counted && let Some(b) = breaker {
            self.breakers[b].record(self.now, failed);
        }
    }

    pub(super) fn call_model(&self, site: Site) -> &CallModel {
        match site {
            Site::Load(l) => &self.model.loads[l as usize].call,
            Site::Node { node, call } => &self.model.nodes[node as usize].calls[call as usize],
        }
    }

    /// Sends the current attempt's copies and arms its timeout.
    pub(super) fn issue_attempt(&mut self, key: Key) {
        let Some(call) = self.calls.get_mut(key) else {
            return;
        };
        call.oks = 0;
        call.fails = 0;
        call.sent = 0;
        call.degraded = false;
        call.children.clear();
        let (site, attempt, load) = (call.site, call.attempt, call.load);
        let model = self.call_model(site);
        let (to, fanout, timeout, bulkhead, breaker, hedge) =
            (model.to, model.fanout, model.timeout, model.bulkhead, model.breaker, model.hedge);
        if let Site::Node { node, .. } = site {
            let tally = &mut self.nodes[node as usize].window;
            tally.calls += u64::from(fanout);
            if attempt > 1 {
                tally.retries += u64::from(fanout);
            }
        } else if attempt > 1 {
            self.load_window[load as usize].retries += 1;
            if self.calls.get(key).is_some_and(
                |c| matches!(c.parent, Parent::User { started, .. } if started >= self.warmup_end),
            ) {
                self.load_run[load as usize].retries += 1;
            }
        }
        self.trace_attempt_start(key);
        // Admission: a full bulkhead or an open breaker fails the attempt
        // fast, without reaching the target.
        let bulkhead_full = bulkhead.is_some_and(|(slot, limit)| self.bulkheads[slot] >= limit);
        let now = self.now;
        if bulkhead_full || breaker.is_some_and(|b| !self.breakers[b].admit(now)) {
            let why = if bulkhead_full { Refusal::Bulkhead } else { Refusal::Breaker };
            self.trace_attempt_refused(key, why);
            self.events.schedule_after(
                self.now,
                SimDuration::ZERO,
                Event::AttemptRejected { call: key, attempt },
            );
            return;
        }
        if let Some((slot, _)) = bulkhead {
            self.bulkheads[slot] += 1;
        }
        if let Some(call) = self.calls.get_mut(key) {
            call.admitted = bulkhead.is_some();
            call.through_breaker = breaker.is_some();
        }
        if let Some(timeout) = timeout {
            self.events.schedule_after(
                self.now,
                timeout,
                Event::CallTimeout { call: key, attempt },
            );
        }
        if let Some(delay) = hedge {
            self.events.schedule_after(self.now, delay, Event::Hedge { call: key, attempt });
        }
        self.send_copies(key, to, fanout);
    }

    /// Sends `copies` more copies of the call's current attempt to `to`.
    pub(super) fn send_copies(&mut self, key: Key, to: usize, copies: u32) {
        let Some(call) = self.calls.get_mut(key) else { return };
        call.sent += copies;
        let (site, attempt, load, work, tag) =
            (call.site, call.attempt, call.load, call.work, call.tag);
        let (keep_children, op) =
            (self.call_model(site).cancel_on_timeout, self.call_model(site).op);
        let via = network::Via { hop: self.hop_of(site), op, acked: false, tag };
        for _ in 0..copies {
            self.trace_copy(key);
            let task = self.send(to, load, work, Reply::Attempt { call: key, attempt }, via);
            if keep_children && let (Some(task), Some(call)) = (task, self.calls.get_mut(key)) {
                call.children.push(task);
            }
        }
    }

    /// The hedge delay of an attempt is over: one more copy for each answer
    /// still missing (the slow copies keep running and still cost work).
    pub(super) fn hedge(&mut self, key: Key, attempt: u32) {
        let Some(call) = self.calls.get(key) else { return };
        if call.attempt != attempt {
            return;
        }
        let model = self.call_model(call.site);
        let (to, need) = (model.to, model.wait_for);
        let missing = need.saturating_sub(call.oks);
        if let Site::Node { node, .. } = call.site {
            self.nodes[node as usize].window.calls += u64::from(missing);
        }
        self.send_copies(key, to, missing);
    }

    /// An answer from one copy of attempt `attempt`.
    pub(super) fn on_reply(&mut self, key: Key, attempt: u32, outcome: Outcome) {
        let Some(call) = self.calls.get(key) else {
            return;
        };
        if call.attempt != attempt {
            return;
        }
        let model = self.call_model(call.site);
        let need = model.wait_for;
        let Some(call) = self.calls.get_mut(key) else {
            return;
        };
        if outcome.is_success() {
            call.oks += 1;
            call.degraded |= outcome == Outcome::Degraded;
            if call.oks == need {
                let result = if call.degraded { Outcome::Degraded } else { Outcome::Ok };
                self.trace_attempt_end(key, result);
                self.end_attempt(key, false);
                self.complete_call(key, result);
            }
        } else {
            call.fails += 1;
            // The first failure that leaves fewer than `need` possible
            // answers among the copies sent (hedges included).
            if call.fails + need > call.sent {
                self.attempt_failed(key, outcome, false);
            }
        }
    }

    /// The current attempt failed: retry if the policy and budget allow,
    /// else the call ends with `outcome`. The attempt is retired first, so
    /// late answers to it (and cancelled copies) are ignored. `timed_out` is
    /// set when the caller's own timer fired: only then are the copies
    /// cancelled (with `cancel_on_timeout`).
    pub(super) fn attempt_failed(&mut self, key: Key, outcome: Outcome, timed_out: bool) {
        self.trace_attempt_end(key, outcome);
        self.end_attempt(key, true);
        let Some(call) = self.calls.get(key) else {
            return;
        };
        let model = self.call_model(call.site);
        let (retry_spec, budget, cancel) =
            (model.retry.clone(), model.budget, model.cancel_on_timeout);
        let tries = call.attempt;
        let children = match self.calls.get_mut(key) {
            Some(c) if cancel && timed_out => std::mem::take(&mut c.children),
            _ => Vec::new(),
        };
        let retry =
            retry_spec.as_ref().is_some_and(|spec| retry::should_retry(spec, outcome, tries))
                && budget.is_none_or(|b| self.budgets[b].try_withdraw());
        match (retry, retry_spec, self.calls.get_mut(key)) {
            (true, Some(spec), Some(_)) => {
                let Some(call) = self.calls.get_mut(key) else { return };
                let wait =
                    retry::backoff(&spec, call.attempt, call.last_backoff, &mut self.call_rng);
                call.last_backoff = wait;
                let hint = call.retry_after.take().filter(|_| spec.respect_retry_after);
                let wait = hint.map_or(wait, |until| wait.max(until.since(self.now)));
                call.attempt += 1;
                self.events.schedule(self.now + wait, Event::RetryFire { call: key });
                self.trace_backoff(key);
            }
            _ => self.complete_call(key, outcome),
        }
        for child in children {
            self.cancel_task(child);
        }
    }

    /// The call is over: tell whoever waits.
    pub(super) fn complete_call(&mut self, key: Key, outcome: Outcome) {
        let Some(call) = self.calls.remove(key) else {
            return;
        };
        match call.parent {
            Parent::User { started, user } => {
                self.trace_user_call_end(call.span, outcome);
                self.finish_user_request(call.load as usize, started, user, outcome)
            }
            Parent::Task(task) => {
                let fallback = self.call_model(call.site).fallback;
                self.task_call_done(task, outcome, fallback);
            }
            Parent::Detached => {}
        }
    }
}
