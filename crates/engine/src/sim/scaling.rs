//! Replicas over time: the autoscaler's control loop (measure one interval,
//! decide, replicas arrive a provisioning delay later), draining on scale
//! in, and the running-replica level that utilization and cost integrate.

use super::*;

/// One node's autoscaler.
#[derive(Clone, Debug)]
pub(super) struct Scaler {
    /// Busy workers over the current interval.
    busy: TimeWeighted,
    /// Replicas asked for and not up yet.
    pending: u32,
    /// Bumped when a live edit restarts the loop, retiring its events.
    epoch: u32,
    /// When the current interval began.
    since: SimTime,
}

impl Scaler {
    pub(super) fn new(epoch: u32, now: SimTime, busy: u64) -> Self {
        Scaler { busy: TimeWeighted::new(now, busy), pending: 0, epoch, since: now }
    }
}

impl Simulation {
    /// Records a change of the node's busy level (for its windows and its
    /// autoscaler).
    #[inline]
    pub(super) fn busy_changed(&mut self, node: usize) {
        let rt = &mut self.nodes[node];
        rt.window.busy.set(self.now, rt.busy);
        if let Some(scaler) = rt.scaler.as_mut() {
            scaler.busy.set(self.now, rt.busy);
        }
    }

    /// Arms the node's next autoscaler tick, if it has an autoscaler.
    pub(super) fn schedule_autoscale(&mut self, node: usize) {
        let (Some(spec), Some(scaler)) =
            (&self.model.nodes[node].autoscale, &self.nodes[node].scaler)
        else {
            return;
        };
        let at = self.now + spec.interval;
        self.events.schedule(at, Event::Autoscale { node: node as u32, epoch: scaler.epoch });
    }

    /// The control loop's tick: utilization over the last interval decides
    /// the replicas wanted; more are provisioned (arriving late), fewer are
    /// drained at once (only when nothing is on its way).
    pub(super) fn autoscale(&mut self, node: usize, epoch: u32) {
        let Some(spec) = self.model.nodes[node].autoscale.clone() else { return };
        let workers = self.model.nodes[node].workers;
        let now = self.now;
        let rt = &mut self.nodes[node];
        let Some(scaler) = rt.scaler.as_mut().filter(|s| s.epoch == epoch) else { return };
        let busy = scaler.busy.take(scaler.since, now);
        scaler.since = now;
        let capacity = f64::from(rt.active) * f64::from(workers) * busy.span_nanos as f64;
        let utilization = if capacity > 0.0 { busy.area as f64 / capacity } else { 0.0 };
        let desired = spec.desired(rt.active, utilization);
        let on_the_way = rt.active + scaler.pending;
        if desired > on_the_way {
            let count = desired - on_the_way;
            scaler.pending += count;
            let at = now + spec.provision_delay;
            self.events.schedule(at, Event::ReplicasReady { node: node as u32, epoch, count });
        } else if desired < rt.active && scaler.pending == 0 {
            self.set_active(node, desired);
        }
        self.schedule_autoscale(node);
    }

    /// Replicas asked for earlier are up and take work.
    pub(super) fn replicas_ready(&mut self, node: usize, epoch: u32, count: u32) {
        let Some(scaler) = self.nodes[node].scaler.as_mut().filter(|s| s.epoch == epoch) else {
            return;
        };
        scaler.pending = scaler.pending.saturating_sub(count);
        let max = self.model.nodes[node].autoscale.as_ref().map_or(u32::MAX, |a| a.max);
        let active = (self.nodes[node].active + count).min(max);
        self.set_active(node, active);
    }

    /// `active` replicas take new work from now on; replicas past them
    /// drain. Newly active replicas serve their waiting requests (a
    /// replica that was draining keeps its line).
    pub(super) fn set_active(&mut self, node: usize, active: u32) {
        let rt = &mut self.nodes[node];
        let active = active.max(1);
        if rt.replicas.len() < active as usize {
            rt.replicas.resize(active as usize, Replica::default());
        }
        rt.active = active;
        self.update_provisioned(node);
        for replica in 0..active as usize {
            self.start_waiting(node, replica);
        }
    }

    /// Recounts the replicas running: the active ones and those past them
    /// still holding work.
    pub(super) fn update_provisioned(&mut self, node: usize) {
        let rt = &mut self.nodes[node];
        let active = rt.active as usize;
        let draining = rt.replicas.iter().skip(active).filter(|r| r.outstanding > 0).count();
        rt.provisioned = rt.active + draining as u32;
        rt.window.replicas.set(self.now, u64::from(rt.provisioned));
    }

    /// After a live edit: follow a changed replica count, and start, stop or
    /// restart the autoscaler as the new model says.
    pub(super) fn rescale_after_edit(&mut self, node: usize, old_replicas: u32) {
        let (replicas, has_autoscale) = {
            let m = &self.model.nodes[node];
            (m.replicas, m.autoscale.is_some())
        };
        if replicas != old_replicas {
            self.set_active(node, replicas);
        }
        let rt = &mut self.nodes[node];
        match (has_autoscale, rt.scaler.as_ref().map(|s| s.epoch)) {
            (false, _) => rt.scaler = None,
            (true, Some(_)) if replicas == old_replicas => {}
            (true, epoch) => {
                let epoch = epoch.map_or(0, |e| e.wrapping_add(1));
                rt.scaler = Some(Scaler::new(epoch, self.now, rt.busy));
                self.schedule_autoscale(node);
            }
        }
    }
}
