//! Tasks: a request's visit to a node: admission (outage, rate limit,
//! full queue), replica choice, queueing, service, its call groups, and
//! the end of the visit. Also what active faults do to a node.

use super::*;

impl Simulation {
    /// A request arrives at `node` (by `via`, the way its answer goes
    /// back: `sim/network`). Returns the task, unless it was turned away at
    /// the door (then the rejection is already on its way).
    pub(super) fn arrive(
        &mut self,
        node: usize,
        load: u32,
        work: f64,
        reply: Reply,
        via: network::Via,
    ) -> Option<Key> {
        self.trace_arrive(&reply);
        self.nodes[node].window.arrivals += 1;
        let now = self.now;
        if self.nodes[node].fault.outage {
            self.answer_at_door(node, reply, Outcome::Error, via);
            return None;
        }
        if let Some(bucket) = self.nodes[node].limiter.as_mut()
            && !bucket.try_take(now)
        {
            let until = now + bucket.retry_after();
            if let Reply::Attempt { call, .. } = reply
                && let Some(call) = self.calls.get_mut(call)
            {
                call.retry_after = Some(until);
            }
            self.answer_at_door(node, reply, Outcome::Rejected, via);
            return None;
        }
        // A broker holds messages, never tasks (`sim/broker`): the
        // `Behaviour::Broker` arms of the task code below only complete
        // the matches.
        if self.model.nodes[node].behaviour == Behaviour::Broker {
            self.enqueue(node, load, work, reply, via);
            return None;
        }
        let active = self.active_replicas(node);
        let model = &self.model.nodes[node];
        let rt = &mut self.nodes[node];
        let replica = match model.behaviour {
            Behaviour::Remote | Behaviour::Cache | Behaviour::Broker => 0,
            Behaviour::Queueing => {
                let replicas = &rt.replicas[..active];
                match rt.memory.as_deref() {
                    None => {
                        let outstanding = |i: usize| replicas[i].outstanding;
                        balancer::pick(
                            model.balancer,
                            active,
                            outstanding,
                            &mut rt.cursor,
                            &mut rt.rng,
                        )
                    }
                    // A restarting replica looks infinitely loaded to the
                    // balancers that weigh load; round robin and random
                    // send to it anyway.
                    Some(memory) => {
                        let outstanding = |i: usize| {
                            if memory.down(i) { u32::MAX } else { replicas[i].outstanding }
                        };
                        balancer::pick(
                            model.balancer,
                            active,
                            outstanding,
                            &mut rt.cursor,
                            &mut rt.rng,
                        )
                    }
                }
            }
        };
        if rt.memory.as_deref().is_some_and(|m| m.down(replica)) {
            // The replica is restarting after running out of memory.
            self.answer_at_door(node, reply, Outcome::Error, via);
            return None;
        }
        if model.behaviour == Behaviour::Queueing {
            let r = &rt.replicas[replica];
            let full = r.busy >= model.workers
                && model.capacity.is_some_and(|cap| r.queue.len() as u64 >= cap);
            if full {
                self.answer_at_door(node, reply, Outcome::Rejected, via);
                return None;
            }
        }
        // A queueing node's visit waits unless a worker is free; any other
        // node serves (or awaits its third party) at once.
        let queueing = model.behaviour == Behaviour::Queueing;
        let free = queueing && self.nodes[node].replicas[replica].busy < model.workers;
        let task = self.tasks.insert(Task {
            node: node as u32,
            replica: replica as u32,
            load,
            work,
            arrived: now,
            reply,
            stage: if queueing && !free { Stage::Queued } else { Stage::Serving },
            holds_worker: free,
            cancelled: false,
            degraded: false,
            next_group: 0,
            pending: 0,
            via,
        });
        self.trace_visit_start(task, node, replica, !queueing);
        let model = &self.model.nodes[node];
        let rt = &mut self.nodes[node];
        rt.in_flight += 1;
        match model.behaviour {
            Behaviour::Remote | Behaviour::Cache | Behaviour::Broker => {
                rt.busy += 1;
                self.busy_changed(node);
                let latency = self.model.nodes[node].service.sample(&mut self.nodes[node].rng)
                    + self.nodes[node].fault.latency_add;
                self.events.schedule(now + latency, Event::ServiceDone { task });
            }
            Behaviour::Queueing => {
                rt.replicas[replica].outstanding += 1;
                if rt.memory.is_some() {
                    self.memory_changed(node, replica);
                }
                let model = &self.model.nodes[node];
                let rt = &mut self.nodes[node];
                if free {
                    self.begin_service(node, replica, task, work, SimDuration::ZERO);
                } else {
                    let lane = match model.discipline {
                        Discipline::Priority => self.model.loads[load as usize].lane,
                        _ => 0,
                    };
                    rt.replicas[replica].queue.push(lane, task);
                    rt.queued += 1;
                    rt.window.queue.set(now, rt.queued);
                }
            }
        }
        Some(task)
    }

    /// Replicas taking new work: the configured count, capped by a fault.
    pub(super) fn active_replicas(&self, node: usize) -> usize {
        let rt = &self.nodes[node];
        let cap = rt.fault.replicas.unwrap_or(u32::MAX).min(rt.active);
        (cap as usize).min(rt.replicas.len()).max(1)
    }

    /// Answers a request before it takes any resource: `rejected` (queue
    /// full, rate limited) or `error` (the node is down). The answer travels
    /// through the event queue.
    pub(super) fn answer_at_door(
        &mut self,
        node: usize,
        reply: Reply,
        outcome: Outcome,
        via: network::Via,
    ) {
        self.nodes[node].window.outcomes.add(outcome);
        if !matches!(reply, Reply::Nobody) {
            self.reply_at_door(node, via, reply, outcome);
        }
    }

    /// A fault starts or ends: recompute what the active faults do to its
    /// target (overlapping faults add their latency and compound their
    /// error rates; the latest replica cap wins).
    pub(super) fn set_fault(&mut self, index: usize, active: bool) {
        self.faults_active[index] = active;
        if self.scenario.faults[index].effect.partition.is_some() {
            self.set_partition(index, active);
        }
        let target = &self.scenario.faults[index].target;
        let Some(node) = self.model.fault_targets[index] else { return };
        let mut state = FaultState::default();
        let active_here = self
            .scenario
            .faults
            .iter()
            .zip(&self.faults_active)
            .filter(|(f, on)| **on && f.target == *target);
        for (fault, _) in active_here {
            let e = &fault.effect;
            state.latency_add = state.latency_add + e.latency_add.unwrap_or_default();
            if let Some(rate) = e.error_rate {
                state.error_rate = 1.0 - (1.0 - state.error_rate) * (1.0 - rate);
            }
            state.outage |= e.outage.unwrap_or(false);
            state.replicas = e.replicas.or(state.replicas);
            state.flush |= e.flush.unwrap_or(false);
            state.leak += e.leak.map_or(0.0, |l| l.bytes_per_sec());
        }
        let flush_starts = active && self.scenario.faults[index].effect.flush == Some(true);
        let leak = state.leak;
        self.nodes[node].fault = state;
        if self.nodes[node].memory.is_some() {
            self.memory_leak_changed(node, leak);
        }
        if flush_starts {
            self.flush_cache(node);
        }
    }

    /// Task `key` (already marked as serving and holding a worker) takes a
    /// worker of `replica` after waiting `waited`, and its service begins.
    fn begin_service(
        &mut self,
        node: usize,
        replica: usize,
        key: Key,
        work: f64,
        waited: SimDuration,
    ) {
        let rt = &mut self.nodes[node];
        rt.replicas[replica].busy += 1;
        rt.busy += 1;
        let in_service = rt.replicas[replica].busy;
        self.busy_changed(node);
        self.trace_service_start(key);
        let tally = &mut self.nodes[node].window;
        tally.waited += u128::from(waited.as_nanos());
        tally.served += 1;
        let model = &self.model.nodes[node];
        let service = model.service.sample(&mut self.nodes[node].rng);
        let work = match &model.coordination {
            None => work,
            Some(c) => {
                let n = match c.scope {
                    Scope::Replicas => self.active_replicas(node) as u32,
                    Scope::Concurrency => in_service,
                };
                work * c.factor(n)
            }
        };
        let work =
            if model.memory.is_some() { work * self.gc_slowdown(node, replica) } else { work };
        let service = if work == 1.0 {
            service
        } else {
            SimDuration::from_secs_f64(service.as_secs_f64() * work)
        };
        let service = service + self.nodes[node].fault.latency_add;
        self.events.schedule(self.now + service, Event::ServiceDone { task: key });
    }

    pub(super) fn service_done(&mut self, key: Key) {
        self.trace_service_end(key);
        let Some(task) = self.tasks.get(key) else {
            return;
        };
        let node = task.node as usize;
        if task.cancelled {
            self.finish_task(key, Outcome::Timeout);
            return;
        }
        if self.model.nodes[node].replication.is_some() && self.replicate(key) {
            return;
        }
        let (own, fault) = (self.model.nodes[node].error_rate, self.nodes[node].fault.error_rate);
        let error_rate = if fault > 0.0 { 1.0 - (1.0 - own) * (1.0 - fault) } else { own };
        if error_rate > 0.0 && self.nodes[node].rng.next_f64() < error_rate {
            self.finish_task(key, Outcome::Error);
            return;
        }
        match self.model.nodes[node].behaviour {
            Behaviour::Remote | Behaviour::Broker => {
                self.finish_task(key, Outcome::Ok);
                return;
            }
            Behaviour::Cache => {
                self.cache_lookup(key);
                return;
            }
            Behaviour::Queueing => {}
        }
        let model = &self.model.nodes[node];
        if model.groups.is_empty() {
            // A leaf: nothing to call, the visit is over.
            self.finish_task(key, Outcome::Ok);
            return;
        }
        let nonblocking = model.io == Io::Nonblocking;
        let Some(task) = self.tasks.get_mut(key) else { return };
        task.stage = Stage::Calling;
        if nonblocking && std::mem::take(&mut task.holds_worker) {
            let replica = task.replica as usize;
            self.free_worker(node, replica);
        }
        self.run_groups(key);
    }

    /// Issues the task's next call groups until one has sync calls to wait
    /// for, or finishes the task when none is left.
    pub(super) fn run_groups(&mut self, key: Key) {
        loop {
            let Some(task) = self.tasks.get_mut(key) else {
                return;
            };
            let node = task.node as usize;
            let group = task.next_group as usize;
            let Some(members) = self.model.nodes[node].groups.get(group).map(Vec::len) else {
                let outcome = task.outcome();
                self.finish_task(key, outcome);
                return;
            };
            task.next_group += 1;
            let (load, work, tag) = (task.load, task.work, task.via.tag);
            let mut pending = 0;
            for member in 0..members {
                let index = self.model.nodes[node].groups[group][member];
                let model = &self.model.nodes[node].calls[index];
                if model.probability < 1.0 && self.call_rng.next_f64() >= model.probability {
                    continue;
                }
                let sync = model.mode == Mode::Sync;
                let site = Site::Node { node: node as u32, call: index as u32 };
                let parent = if sync { Parent::Task(key) } else { Parent::Detached };
                if sync {
                    pending += 1;
                }
                self.trace_caller(key);
                self.start_call(site, parent, load, work, tag);
            }
            if pending > 0 {
                if let Some(t) = self.tasks.get_mut(key) {
                    t.pending = pending;
                }
                return;
            }
        }
    }

    /// One of the task's sync calls ended.
    pub(super) fn task_call_done(&mut self, key: Key, outcome: Outcome, fallback: Fallback) {
        let Some(task) = self.tasks.get_mut(key) else {
            return;
        };
        task.pending = task.pending.saturating_sub(1);
        match (outcome, fallback) {
            (Outcome::Ok, _) => {}
            (Outcome::Degraded, _) | (_, Fallback::Degrade) => task.degraded = true,
            (failure, Fallback::Fail) => {
                self.finish_task(key, failure);
                return;
            }
        }
        if task.pending > 0 {
            return;
        }
        let node = task.node as usize;
        if task.next_group as usize == self.model.nodes[node].groups.len() {
            // The last group answered: the visit is over.
            let outcome = task.outcome();
            self.finish_task(key, outcome);
        } else {
            self.run_groups(key);
        }
    }

    pub(super) fn cancel_task(&mut self, key: Key) {
        let Some(task) = self.tasks.get_mut(key) else {
            return;
        };
        task.cancelled = true;
        if task.stage == Stage::Calling {
            self.finish_task(key, Outcome::Timeout);
        }
    }

    /// A worker of `replica` is free: the next waiting task may have it.
    fn free_worker(&mut self, node: usize, replica: usize) {
        let rt = &mut self.nodes[node];
        rt.replicas[replica].busy -= 1;
        rt.busy -= 1;
        self.busy_changed(node);
        self.start_waiting(node, replica);
    }

    /// Hands free workers of a replica to waiting tasks, shedding those that
    /// waited past `max_wait` and dropping cancelled ones.
    #[inline(always)]
    pub(super) fn start_waiting(&mut self, node: usize, replica: usize) {
        if self.model.nodes[node].behaviour == Behaviour::Queueing
            && !self.nodes[node].replicas[replica].queue.is_empty()
        {
            self.hand_out_workers(node, replica);
        }
    }

    /// [`Simulation::start_waiting`] for a queueing replica with tasks
    /// waiting.
    fn hand_out_workers(&mut self, node: usize, replica: usize) {
        let model = &self.model.nodes[node];
        let (workers, discipline, max_wait, lifo_after) =
            (model.workers, model.discipline, model.max_wait, model.lifo_after);
        loop {
            let rt = &mut self.nodes[node];
            let r = &mut rt.replicas[replica];
            if r.busy >= workers {
                return;
            }
            let next = match discipline {
                Discipline::Fifo | Discipline::Priority => r.queue.pop_oldest(),
                Discipline::Lifo => r.queue.pop_newest(),
                Discipline::AdaptiveLifo => {
                    let overloaded = r
                        .queue
                        .front()
                        .and_then(|k| self.tasks.get(k))
                        .is_some_and(|t| self.now.since(t.arrived) > lifo_after);
                    if overloaded { r.queue.pop_newest() } else { r.queue.pop_oldest() }
                }
            };
            let Some(next) = next else { return };
            rt.queued -= 1;
            rt.window.queue.set(self.now, rt.queued);
            let Some(task) = self.tasks.get_mut(next) else {
                continue;
            };
            let waited = self.now.since(task.arrived);
            if task.cancelled {
                self.finish_task(next, Outcome::Timeout);
            } else if max_wait.is_some_and(|w| waited > w) {
                self.finish_task(next, Outcome::Rejected);
            } else {
                task.stage = Stage::Serving;
                task.holds_worker = true;
                let work = task.work;
                self.begin_service(node, replica, next, work, waited);
            }
        }
    }

    /// The visit is over: account for it, free its worker, answer the caller.
    pub(super) fn finish_task(&mut self, key: Key, outcome: Outcome) {
        let Some(task) = self.tasks.remove(key) else {
            return;
        };
        let remote = task.via.hop != network::LOCAL && !matches!(task.reply, Reply::Nobody);
        let attempt = self.trace_visit_end(key, outcome, remote);
        let node = task.node as usize;
        if task.holds_worker {
            self.free_worker(node, task.replica as usize);
        }
        let tally = &mut self.nodes[node].window;
        tally.outcomes.add(outcome);
        if outcome.is_success() {
            tally.latency.record(self.now.since(task.arrived));
        }
        let rt = &mut self.nodes[node];
        rt.in_flight -= 1;
        match self.model.nodes[node].behaviour {
            Behaviour::Remote | Behaviour::Broker => {
                rt.busy -= 1;
                self.busy_changed(node);
            }
            Behaviour::Cache => {
                rt.busy -= 1;
                self.busy_changed(node);
                self.cache_visit_done(node, key, outcome);
            }
            Behaviour::Queueing => {
                let replica = task.replica as usize;
                rt.replicas[replica].outstanding -= 1;
                let drained =
                    replica >= rt.active as usize && rt.replicas[replica].outstanding == 0;
                let memory = rt.memory.is_some();
                if drained {
                    self.update_provisioned(node);
                }
                if memory {
                    self.memory_changed(node, replica);
                }
            }
        }
        self.reply_via(task.via, task.reply, task.arrived, outcome, (node, attempt));
    }

    /// Gives a visit's `outcome` to whoever waits for it; `arrived` is when
    /// the visit began (a plain user request's start).
    pub(super) fn answer(&mut self, reply: Reply, arrived: SimTime, outcome: Outcome) {
        match reply {
            Reply::Nobody => {}
            Reply::Attempt { call, attempt } => self.on_reply(call, attempt, outcome),
            Reply::User { load, user } => {
                self.finish_user_request(load as usize, arrived, user, outcome)
            }
            Reply::Task { task, fallback } => self.task_call_done(task, outcome, fallback),
            Reply::Delivery { message, delivery } => {
                self.delivery_answered(message, delivery, outcome)
            }
        }
    }
}
