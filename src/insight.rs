//! What is happening, in words: the key figures of the latest windows and
//! which nodes are saturated (offered more than they can serve, so their
//! queue grows or they shed). Pure, so tested natively; the figure strip and
//! the canvas show what this finds.

use std::borrow::Borrow;

use scalesim_engine::order;
use scalesim_engine::outline::Outline;
use scalesim_engine::scenario::Mode;
pub use scalesim_engine::sim::RECENT_WINDOWS;
use scalesim_engine::{LatencyStats, NodeReport, WindowReport};

/// Windows the offered load and capacity are averaged over: two, so one
/// noisy window does not flip the judgement. A node counts as flat out when
/// every worker was busy in either window: the window that straddles a live
/// change (more workers) is partly idle on average and would otherwise hide
/// a node that is still falling behind.
pub const LOOK_BACK: usize = 2;
/// Requests offered the figures must rest on: when two windows hold fewer
/// (a change a day, in windows of a day), chance alone flips the verdict
/// from one window to the next, so the figures reach further back until
/// they hold this many, up to [`MAX_LOOK_BACK`] windows. Whether a node is
/// flat out still reads the last [`LOOK_BACK`].
const ENOUGH_REQUESTS: u64 = 100;
/// The furthest back the figures reach.
const MAX_LOOK_BACK: usize = 30;
/// Busy share from which a node counts as running flat out.
const BUSY: f64 = 0.95;
/// Offered over capacity from which a flat-out node counts as saturated
/// rather than merely busy.
const OVER: f64 = 1.02;
/// Windows' worth of work queued from which a flat-out node counts as
/// saturated whatever it is offered now: a node draining a backlog it built
/// earlier (a cache stampede's duplicate reads) may be offered less than it
/// serves, yet every worker is busy and a new arrival waits behind the
/// whole queue. A node that merely keeps up at high utilization queues a
/// small fraction of a window (M/M/1 at 99% busy holds about 100 visits,
/// a tenth of a second at 1 000 a second).
const BACKLOG_WINDOWS: f64 = 1.0;

/// The strip's figures, from the last closed window; `None` is absent.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Figures {
    /// Requests offered per second.
    pub offered_rps: Option<f64>,
    /// Requests answered ok or degraded per second.
    pub goodput_rps: Option<f64>,
    /// Latency of the answered requests, and how many there were.
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub answered: u64,
    /// Share of finished requests that failed the user (error, timeout,
    /// rejected).
    pub failed_share: Option<f64>,
}

/// The figures of the last window in `windows`.
pub fn figures<W: Borrow<WindowReport>>(windows: &[W]) -> Figures {
    let Some(w) = windows.last().map(Borrow::borrow) else {
        return Figures::default();
    };
    let span = w.end_s - w.start_s;
    let per_s = |n: u64| (span > 0.0).then(|| n as f64 / span);
    let r = &w.requests;
    let failed = r.error + r.timeout + r.rejected;
    let finished = failed + r.ok + r.degraded;
    let answered = w.latency_ms.count;
    Figures {
        offered_rps: per_s(r.offered),
        goodput_rps: per_s(r.ok + r.degraded),
        p50_ms: (answered > 0).then_some(w.latency_ms.p50),
        p99_ms: (answered > 0).then_some(w.latency_ms.p99),
        answered,
        failed_share: (finished > 0).then(|| failed as f64 / finished as f64),
    }
}

/// User latency over the last [`RECENT_WINDOWS`] closed windows together
/// (the worker's `Simulation::recent_latency`, sent in its frames), as the
/// page shows it: p50 and p99 in human units, "–" without answers. Steadier
/// than one window's, whose median jumps between a slow and a fast window
/// (fan-out). The figure strip and the embedded player both show this.
#[derive(Clone, Debug, PartialEq)]
pub struct Recent {
    pub p50: String,
    pub p99: String,
}

/// [`Recent`] from the frames' rolling latency (`None`: none came yet).
pub fn recent(rolling: Option<&LatencyStats>) -> Recent {
    let shown = |ms: fn(&LatencyStats) -> f64| match rolling {
        Some(r) if r.count > 0 => crate::format::duration_ms(ms(r)),
        _ => crate::format::ABSENT.to_owned(),
    };
    Recent { p50: shown(|r| r.p50), p99: shown(|r| r.p99) }
}

/// Requests fail while no node is saturated: a replica out of memory and
/// restarting, an outage, a breaker open, a partner refusing. The status
/// line says so rather than that every node keeps up: the share that
/// failed over the last window, as what, and the nodes that restarted in
/// the last minute (`None` under 10% failed, or with nothing finished).
pub fn unsaturated_failures<W: Borrow<WindowReport>>(
    windows: &[W],
    name_of: impl Fn(usize) -> String,
) -> Option<String> {
    /// How far back a restart still explains failures: a replica killed
    /// out of memory is down for its `restart` (seconds, typically).
    const RESTART_LOOK_BACK_S: f64 = 60.0;
    let w = windows.last()?.borrow();
    let r = &w.requests;
    let (failed, finished) = (r.failed(), r.failed() + r.answered());
    if finished == 0 || failed * 10 < finished {
        return None;
    }
    let most = if r.error >= r.timeout.max(r.rejected) {
        "errors"
    } else if r.timeout >= r.rejected {
        "timeouts"
    } else {
        "refused"
    };
    let mut why = String::new();
    for i in 0..w.nodes.len() {
        let k: u64 = windows
            .iter()
            .rev()
            .map(Borrow::borrow)
            .take_while(|x| x.end_s > w.end_s - RESTART_LOOK_BACK_S)
            .filter_map(|x| Some(x.nodes.get(i)?.memory?.restarts))
            .sum();
        if k > 0 {
            let sep = if why.is_empty() { "" } else { ", " };
            why += &format!("{sep}{} restarted out of memory ({k}×)", name_of(i));
        }
    }
    why += if why.is_empty() {
        "something is down or refusing (the canvas shows which)"
    } else {
        " in the last minute"
    };
    Some(format!(
        "{} of the requests that finished in the last window failed (mostly {most}), though no node is saturated: {why}.",
        crate::format::share(failed as f64 / finished as f64)
    ))
}

/// Each load's p99 and failed share over a window, in load order, when a
/// run has several (tenants): "Each load over the last window: small p99
/// 62 ms, 0% failed; big p99 410 ms, 0% failed." The headline figures mix
/// them, and a tenant hurt by another is seen only apart.
pub fn load_figures(w: &WindowReport, ids: &[String]) -> Option<String> {
    use crate::format::{ABSENT, maybe_duration_ms, share};
    if ids.len() < 2 || w.loads.len() < 2 {
        return None;
    }
    let each: Vec<String> = ids
        .iter()
        .zip(&w.loads)
        .map(|(id, l)| {
            let r = &l.requests;
            let (failed, finished) = (r.failed(), r.failed() + r.answered());
            let p99 = maybe_duration_ms((l.latency_ms.count > 0).then_some(l.latency_ms.p99));
            let failed = if finished > 0 {
                share(failed as f64 / finished as f64)
            } else {
                ABSENT.to_owned()
            };
            format!("{id} p99 {p99}, {failed} failed")
        })
        .collect();
    Some(format!("Each load over the last window: {}.", each.join("; ")))
}

/// Each replicated database's stale reads over the last window, for the
/// Stale reads tab: how many of its reads were stale, and how old the write
/// a stale read missed was (the engine's `staleness_ms`: the time from the
/// write's answer to the read), "–" where there is no data (no reads, no
/// stale read), never 0. `databases` are (window index, id), as
/// `network_chart::replicated` finds them; `None` without any.
pub fn stale_figures(w: &WindowReport, databases: &[(usize, String)]) -> Option<String> {
    use crate::format::{ABSENT, duration_ms, share, whole};
    let each: Vec<String> = databases
        .iter()
        .filter_map(|(i, id)| Some((w.nodes.get(*i)?, id)))
        .map(|(n, id)| {
            let reads = n.reads.unwrap_or(0);
            let stale = n.stale_reads.unwrap_or(0);
            let shown = n.stale_read_share.filter(|_| reads > 0).map_or(ABSENT.to_owned(), share);
            let age = n.staleness_ms.filter(|s| s.count > 0 && stale > 0).map_or_else(
                || format!("missed write's age p50 {ABSENT}, p99 {ABSENT}"),
                |s| {
                    format!(
                        "missed write's age p50 {}, p99 {}",
                        duration_ms(s.p50),
                        duration_ms(s.p99)
                    )
                },
            );
            format!("{id}: {} of {} reads stale ({shown}), {age}", whole(stale), whole(reads))
        })
        .collect();
    (!each.is_empty()).then(|| format!("Over the last window, {}.", each.join("; ")))
}

/// A cache's hit ratio over a window, for the label under its box: "58%
/// hits", "99.2% hits" (tenths from 90%, rounded down, so a cache still
/// missing never reads 100%); `None` without lookups (or not a cache).
pub fn cache_hits(node: &NodeReport) -> Option<String> {
    let c = &node.counters;
    let p = c.hit_ratio()? * 100.0;
    Some(if p >= 90.0 && c.misses > 0 {
        format!("{:.1}% hits", (p * 10.0).floor() / 10.0)
    } else {
        format!("{p:.0}% hits")
    })
}

/// A node offered more than it serves.
#[derive(Clone, Debug, PartialEq)]
pub struct Saturation {
    /// The node's index in the scenario (as in `WindowReport::nodes`).
    pub node: usize,
    /// Visits arriving per second (retries and repeat calls included).
    pub offered_rps: f64,
    /// Requests users offered per second over the same windows as
    /// `offered_rps`, quoted beside the node's own so the two are never
    /// read as one figure that disagrees: `offered_rps` is this times
    /// `per_user`.
    pub users_rps: Option<f64>,
    /// Visits to the node per request users offered, over the same windows
    /// as `offered_rps`.
    pub per_user: Option<f64>,
    /// Users or callers retried in those windows: what multiplies the
    /// visits, said as such.
    pub retried: bool,
    /// Visits it finishes per second when every worker is busy.
    pub capacity_rps: f64,
    /// How fast its queue grows (requests per second); 0 or less when it
    /// sheds what it cannot hold instead.
    pub queue_growth_per_s: f64,
    /// Share of arrivals turned away or shed.
    pub shed_share: f64,
    /// Visits waiting in its queue (the last window's mean): the one
    /// count the status sentence and the canvas's label quote.
    pub queued: f64,
    /// The last window's length in seconds: what `queued` is the mean over.
    pub window_s: f64,
    /// The length in seconds of the windows the rates, the capacity and
    /// the growth are taken over ([`LOOK_BACK`] windows, or more while
    /// requests are rare): said in the sentence, since it is not the
    /// strip's last window.
    pub span_s: f64,
    /// How long its queue takes to clear at its capacity, in seconds.
    pub backlog_s: f64,
    /// Its queue holds at least [`BACKLOG_WINDOWS`] windows' worth of work:
    /// saturated by the backlog, even when offered less than it serves.
    pub behind: bool,
    /// The saturated node this one's workers wait on through its sync
    /// calls, when there is one: it is flat out because of that node, not
    /// short of workers of its own (see [`saturated_in`]).
    pub waiting_on: Option<usize>,
    /// Listed because saturated nodes wait on it, though its callers, by
    /// holding its load back, keep it from counting as saturated itself.
    pub throttled: bool,
    /// The partition in force that its sync calls cross (its zone first):
    /// its workers hang on calls the cut loses, not on a lack of workers
    /// (see [`mark_cuts`]).
    pub cut: Option<[String; 2]>,
}

impl Saturation {
    /// Offered load over capacity: 1.6 means 60% more than it can serve
    /// (infinite for a stuck node).
    pub fn ratio(&self) -> f64 {
        self.offered_rps / self.capacity_rps
    }

    /// Every worker busy and none finishing: its workers hang (on calls
    /// nobody answers), so it has no capacity to speak of.
    pub fn stuck(&self) -> bool {
        self.capacity_rps <= 0.0
    }

    /// Saturated: offered more than it serves, or behind a backlog it
    /// cannot clear within a window.
    pub fn is_saturated(&self) -> bool {
        self.ratio() >= OVER || self.behind
    }

    /// Behind a backlog while offered no more than it serves: the backlog,
    /// not the offered load, is what the page reports.
    fn draining(&self) -> bool {
        self.behind && self.ratio() < OVER
    }

    /// The canvas's short label under the node: what it waits on, that it
    /// is the bottleneck, or how far over its capacity it is; with what is
    /// queued (`queued`, the figure the status sentence quotes).
    pub fn label(&self, callee: Option<&str>) -> String {
        use crate::format::quantity;
        let head = match (callee, &self.cut) {
            (_, Some(_)) => "waiting across the cut".to_owned(),
            (Some(callee), None) => format!("waiting on {callee}"),
            (None, None) if self.throttled => "bottleneck".to_owned(),
            (None, None) if self.stuck() => "stuck".to_owned(),
            (None, None) if self.draining() => {
                format!("backlog {}", crate::format::duration_ms(self.backlog_s * 1000.0))
            }
            (None, None) => format!("saturated {}×", quantity(self.ratio())),
        };
        let queued = self.queued.round();
        if queued > 0.0 { format!("{head} · {} queued", quantity(queued)) } else { head }
    }

    /// The period the figures are taken over: "over the last 2 s".
    fn period(&self) -> String {
        format!("over the last {}", crate::format::duration_ms(self.span_s * 1000.0))
    }

    /// What arrives at the node per second, said apart from what users
    /// offer: "2410 req/s arrive (809 req/s from users, ×2.98 with
    /// retries)", both over [`Self::period`].
    fn arriving(&self) -> String {
        use crate::format::{quantity, rate};
        let arrive = rate(self.offered_rps);
        let Some((users, k)) = self.users_rps.zip(self.per_user).filter(|(u, _)| *u > 0.0) else {
            return format!("{arrive} arrive");
        };
        let users = rate(users);
        if (0.99..=1.01).contains(&k) && !self.retried {
            format!("{arrive} arrive ({users} from users)")
        } else if self.retried {
            format!("{arrive} arrive ({users} from users, ×{} with retries)", quantity(k))
        } else {
            format!("{arrive} arrive ({users} from users, {} visits each)", quantity(k))
        }
    }

    /// One sentence naming the node, its load against its capacity, and
    /// where the excess goes.
    pub fn sentence(&self, name: &str) -> String {
        use crate::format::{duration_ms, quantity, rate, share};
        if self.stuck() {
            return format!(
                "{name} is stuck: every worker is busy and none finished {}, while {} arrived.",
                self.period(),
                rate(self.offered_rps)
            );
        }
        if self.draining() {
            return format!(
                "{name} is working off a backlog: every worker busy, {} queued on average over \
                 the last {}, about {} of work at the {} it finished {}, while {} arrived.",
                quantity(self.queued.round()),
                duration_ms(self.window_s * 1000.0),
                duration_ms(self.backlog_s * 1000.0),
                rate(self.capacity_rps),
                self.period(),
                rate(self.offered_rps)
            );
        }
        let head = format!(
            "{name} is saturated: {}, {} against a capacity of about {} ({}×)",
            self.period(),
            self.arriving(),
            rate(self.capacity_rps),
            quantity(self.ratio())
        );
        if self.queue_growth_per_s > 0.5 {
            format!("{head}; its queue grows by {} a second.", quantity(self.queue_growth_per_s))
        } else if self.shed_share > 0.0 {
            format!("{head}; it turns away {} of arrivals.", share(self.shed_share))
        } else {
            format!("{head}.")
        }
    }
}

/// The saturated nodes as the page reports them: a node whose sync calls
/// wait on a flat-out callee is marked as waiting on it (`waiting_on`, the
/// end of the chain of flat-out sync callees), and that callee is listed
/// even when its callers, by holding its load back, keep it from counting
/// as saturated itself (`throttled`); causes first, most overloaded first.
/// Node indices are the outline's (the scenario's order).
pub fn saturated_in<W: Borrow<WindowReport>>(windows: &[W], outline: &Outline) -> Vec<Saturation> {
    let flat = flat_out(windows);
    let mut found: Vec<Saturation> = flat.iter().filter(|s| s.is_saturated()).cloned().collect();
    let is_flat = |i: usize| flat.iter().any(|s| s.node == i);
    let index = |id: &str| outline.nodes.iter().position(|n| n.id == id);
    let callee_of = |i: usize| {
        outline.nodes.get(i).and_then(|n| {
            n.calls
                .iter()
                .filter(|c| c.mode == Mode::Sync)
                .filter_map(|c| index(&c.to))
                .find(|&j| j != i && is_flat(j))
        })
    };
    let mut causes = Vec::new();
    // Steps from each node to the end of its chain: direct callers first.
    let mut steps = vec![0usize; outline.nodes.len().max(flat.len())];
    for s in &mut found {
        let mut end = callee_of(s.node);
        let mut n = usize::from(end.is_some());
        for _ in 0..flat.len() {
            match end.and_then(callee_of) {
                Some(j) if j != s.node => (end, n) = (Some(j), n + 1),
                _ => break,
            }
        }
        s.waiting_on = end;
        if let Some(slot) = steps.get_mut(s.node) {
            *slot = n;
        }
        causes.extend(end);
    }
    for cause in causes {
        if !found.iter().any(|s| s.node == cause)
            && let Some(s) = flat.iter().find(|s| s.node == cause)
        {
            found.push(Saturation { throttled: true, ..s.clone() });
        }
    }
    let steps_of = |s: &Saturation| steps.get(s.node).copied().unwrap_or(0);
    order::sort_by(&mut found, |a, b| {
        steps_of(a).cmp(&steps_of(b)).then(b.ratio().total_cmp(&a.ratio()))
    });
    found
}

/// Marks each node in `found` whose sync calls cross a partition in force
/// (`partitions`, pairs of zones as the worker reports them): such a node
/// is flat out because the cut loses its calls and nothing answers them,
/// however many workers it has. Zones are the outline's `zone` parameters.
pub fn mark_cuts(found: &mut [Saturation], outline: &Outline, partitions: &[[String; 2]]) {
    use crate::canvas::zones::zone_in;
    if partitions.is_empty() {
        return;
    }
    let zone_of =
        |id: &str| outline.nodes.iter().find(|n| n.id == id).and_then(|n| zone_in(&n.params));
    for s in found {
        let Some(node) = outline.nodes.get(s.node) else { continue };
        let Some(from) = zone_in(&node.params) else { continue };
        s.cut = node
            .calls
            .iter()
            .filter(|c| c.mode == Mode::Sync)
            .filter_map(|c| zone_of(&c.to))
            .find(|to| {
                partitions
                    .iter()
                    .any(|p| (p[0] == from && p[1] == *to) || (p[1] == from && p[0] == *to))
            })
            .map(|to| [from.to_owned(), to.to_owned()]);
    }
}

/// The strip's one status sentence for `found` (as [`saturated_in`] lists
/// them), names by node index; `None` when nothing is saturated.
pub fn status(found: &[Saturation], name_of: impl Fn(usize) -> String) -> Option<String> {
    use crate::format::{quantity, rate};
    let first = found.first()?;
    let name = name_of(first.node);
    let waiters: Vec<&Saturation> =
        found.iter().filter(|s| s.waiting_on == Some(first.node)).collect();
    let head = match (&first.cut, first.waiting_on, waiters.first()) {
        (Some([from, to]), _, _) => format!(
            "{name} waits on calls across the cut {from} ✕ {to}: the partition loses them and \
             nothing answers, so its workers hang, however many it has."
        ),
        (None, Some(callee), _) => {
            let callee = name_of(callee);
            format!(
                "{name} is flat out waiting on {callee}: its workers are held by sync calls, \
                 so more of its own workers would only wait too."
            )
        }
        (None, None, Some(w)) => {
            let caller = name_of(w.node);
            let growth = if w.queue_growth_per_s > 0.5 {
                format!(", and its queue grows by {} a second", quantity(w.queue_growth_per_s))
            } else {
                String::new()
            };
            let cause = if first.throttled {
                format!(
                    "{name} is the bottleneck: every worker busy, finishing about {}",
                    rate(first.capacity_rps)
                )
            } else {
                first.sentence(&name).trim_end_matches('.').to_owned()
            };
            format!("{cause}; {caller} waits on it{growth}.")
        }
        (None, None, None) => first.sentence(&name),
    };
    let rest = found.len() - 1 - waiters.len().min(1);
    Some(if rest > 0 { format!("{head} ({rest} more flat out.)") } else { head })
}

/// The nodes saturated over the last [`LOOK_BACK`] windows, most
/// overloaded first: every worker busy and more arriving than a full node
/// finishes, or a window's worth of work or more queued.
pub fn saturated<W: Borrow<WindowReport>>(windows: &[W]) -> Vec<Saturation> {
    let mut found: Vec<Saturation> =
        flat_out(windows).into_iter().filter(Saturation::is_saturated).collect();
    order::sort_by(&mut found, |a, b| b.ratio().total_cmp(&a.ratio()));
    found
}

/// Windows the figures are taken over: [`LOOK_BACK`], or more while they
/// hold fewer than [`ENOUGH_REQUESTS`] requests offered.
fn look_back<W: Borrow<WindowReport>>(windows: &[W]) -> usize {
    let mut offered = 0;
    let mut n = 0;
    for w in windows.iter().rev().take(MAX_LOOK_BACK) {
        offered += w.borrow().requests.offered;
        n += 1;
        if n >= LOOK_BACK && offered >= ENOUGH_REQUESTS {
            break;
        }
    }
    n.max(LOOK_BACK.min(windows.len()))
}

/// Every node whose workers were all busy in one of the last
/// [`LOOK_BACK`] windows, with its figures over them; or, for a node flat
/// out through a longer stretch of windows, over that stretch when it
/// shows it offered more than it serves, its queue has not shrunk over the
/// stretch's later half, and the last windows alone do not. A pool whose visits hold workers for long (half a
/// second) finishes work in bursts, so two windows' completions swing by a
/// tenth and more: 16% over capacity read as 0.93 in one such pair, and the
/// page said every node kept up while the queue stood at 85.
fn flat_out<W: Borrow<WindowReport>>(windows: &[W]) -> Vec<Saturation> {
    let recent = &windows[windows.len().saturating_sub(look_back(windows))..];
    let latest = &recent[recent.len().saturating_sub(LOOK_BACK)..];
    let Some(last) = recent.last() else {
        return Vec::new();
    };
    (0..last.borrow().nodes.len())
        .filter_map(|i| {
            if !latest.iter().any(|w| busy_in(w.borrow(), i)) {
                return None;
            }
            let short = figures_over(recent, i)?;
            let stretch = flat_stretch(windows, i);
            if short.ratio() >= OVER || stretch <= recent.len() {
                return Some(short);
            }
            // A queue shorter now than halfway through the stretch: the
            // node works off a burst it took earlier, and the stretch's
            // figures would call that saturated.
            let queue = |w: &W| w.borrow().nodes.get(i).map_or(0.0, |n| n.mean_queue);
            let halfway = queue(&windows[windows.len() - 1 - stretch / 2]);
            let long = figures_over(&windows[windows.len() - stretch..], i)
                .filter(|l| l.ratio() >= OVER && l.queued >= halfway);
            Some(long.unwrap_or(short))
        })
        .collect()
}

/// Whether node `i`'s workers were all busy in window `w`.
fn busy_in(w: &WindowReport, i: usize) -> bool {
    w.nodes.get(i).is_some_and(|n| n.utilization.is_some_and(|u| u >= BUSY))
}

/// How many of the last windows (up to [`MAX_LOOK_BACK`]) node `i` ran
/// flat out in, one after another.
fn flat_stretch<W: Borrow<WindowReport>>(windows: &[W], i: usize) -> usize {
    windows.iter().rev().take(MAX_LOOK_BACK).take_while(|w| busy_in((*w).borrow(), i)).count()
}

/// Node `i`'s figures over `windows`; `None` when it was never busy there,
/// or neither served nor was offered anything.
fn figures_over<W: Borrow<WindowReport>>(windows: &[W], i: usize) -> Option<Saturation> {
    let (first, last) = (windows.first()?.borrow(), windows.last()?.borrow());
    let span: f64 = windows.iter().map(|w| w.borrow().end_s - w.borrow().start_s).sum();
    if span <= 0.0 {
        return None;
    }
    let users: u64 = windows.iter().map(|w| w.borrow().requests.offered).sum();
    let retried = windows
        .iter()
        .map(Borrow::borrow)
        .any(|w| w.loads.iter().any(|l| l.retries > 0) || w.nodes.iter().any(|n| n.retries > 0));
    let (mut arrivals, mut completed, mut rejected, mut busy) = (0u64, 0u64, 0u64, 0.0);
    for w in windows {
        let w = w.borrow();
        let n = w.nodes.get(i)?;
        arrivals += n.arrivals;
        completed += n.completed;
        rejected += n.rejected;
        busy += n.utilization? * (w.end_s - w.start_s);
    }
    // Rejections finish without a worker: capacity counts the rest.
    // Flat out with nothing served and work arriving, it is stuck
    // (capacity 0).
    let served = completed.saturating_sub(rejected);
    if busy <= 0.0 || (served == 0 && arrivals == 0) {
        return None;
    }
    let growth_span = (last.end_s - first.end_s).max(last.end_s - last.start_s);
    let queue_growth_per_s =
        (last.nodes.get(i)?.mean_queue - first.nodes.get(i)?.mean_queue) / growth_span;
    // Completions per second of fully busy workers.
    let capacity_rps = served as f64 / busy;
    let queued = last.nodes[i].mean_queue;
    let backlog_s = if capacity_rps > 0.0 { queued / capacity_rps } else { f64::INFINITY };
    let window_s = last.end_s - last.start_s;
    Some(Saturation {
        node: i,
        offered_rps: arrivals as f64 / span,
        users_rps: Some(users as f64 / span),
        per_user: (users > 0).then(|| arrivals as f64 / users as f64),
        retried,
        capacity_rps,
        queue_growth_per_s,
        shed_share: rejected as f64 / arrivals.max(1) as f64,
        queued,
        window_s,
        span_s: span,
        backlog_s,
        behind: queued >= 1.0 && backlog_s >= BACKLOG_WINDOWS * window_s,
        waiting_on: None,
        throttled: false,
        cut: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use scalesim_engine::metrics::{LatencyStats, RequestCounts};

    fn window(i: u64, node: NodeReport, ok: u64) -> WindowReport {
        let latency_ms = LatencyStats { count: ok, p99: 400.0, ..LatencyStats::default() };
        WindowReport {
            index: i,
            start_s: i as f64,
            end_s: i as f64 + 1.0,
            requests: RequestCounts { offered: 1500, ok, ..RequestCounts::default() },
            latency_ms,
            throughput_rps: ok as f64,
            amplification: 1.0,
            cost_per_million: 0.0,
            loads: Vec::new(),
            nodes: vec![node],
            tail: None,
            network: None,
        }
    }

    #[test]
    fn several_loads_are_each_said_apart() {
        use scalesim_engine::metrics::LoadReport;
        let ids = ["small".to_owned(), "big".to_owned()];
        let mut w = window(30, NodeReport::default(), 450);
        assert_eq!(load_figures(&w, &ids[..1]), None, "one load: the headline figures are its own");
        let load = |p99: f64, ok: u64, timeout: u64| LoadReport {
            requests: RequestCounts { ok, timeout, ..RequestCounts::default() },
            latency_ms: LatencyStats { count: ok, p99, ..LatencyStats::default() },
            ..LoadReport::default()
        };
        w.loads = vec![load(62.0, 300, 0), load(410.0, 120, 30)];
        assert_eq!(
            load_figures(&w, &ids).as_deref(),
            Some(
                "Each load over the last window: small p99 62 ms, 0% failed; big p99 410 ms, 20% failed."
            )
        );
        w.loads[1] = load(0.0, 0, 0);
        assert!(load_figures(&w, &ids).unwrap().ends_with("big p99 –, – failed."));
    }

    #[test]
    fn failures_without_a_saturated_node_are_said_with_what_restarted() {
        use scalesim_engine::metrics::MemoryReport;
        let name = |i: usize| ["api", "db"][i].to_owned();
        let mut w = window(40, NodeReport::default(), 0);
        assert_eq!(unsaturated_failures(&[w.clone()], name), None, "nothing finished");
        w.requests =
            RequestCounts { offered: 1200, ok: 950, error: 50, ..RequestCounts::default() };
        assert_eq!(unsaturated_failures(&[w.clone()], name), None, "5% is not an outage");
        w.requests =
            RequestCounts { offered: 1200, error: 1100, timeout: 100, ..RequestCounts::default() };
        assert_eq!(
            unsaturated_failures(&[w.clone()], name).as_deref(),
            Some(
                "100% of the requests that finished in the last window failed (mostly errors), though no \
                 node is saturated: something is down or refusing (the canvas shows which)."
            )
        );
        // The replicas were killed in an earlier window, and are still
        // restarting in this one.
        let mut killed = window(35, NodeReport::default(), 0);
        killed.nodes[0].memory = Some(MemoryReport { restarts: 3, ..MemoryReport::default() });
        let said = unsaturated_failures(&[killed.clone(), w.clone()], name).unwrap();
        assert!(said.ends_with("api restarted out of memory (3×) in the last minute."), "{said}");
        // Killed more than a minute before: no longer the explanation.
        killed.end_s = -30.0;
        let said = unsaturated_failures(&[killed, w], name).unwrap();
        assert!(said.ends_with("(the canvas shows which)."), "{said}");
    }

    fn station(i: u64, utilization: f64, completed: u64, queue: f64) -> WindowReport {
        let node = NodeReport {
            arrivals: 1500,
            completed,
            utilization: Some(utilization),
            mean_queue: queue,
            ..NodeReport::default()
        };
        window(i, node, completed)
    }

    #[test]
    fn an_overloaded_station_is_named_with_its_capacity_and_growth() {
        // 1 500 req/s into a station that serves 1 333 when flat out.
        let w: Vec<_> = (0..5).map(|i| station(i, 1.0, 1333, 167.0 * i as f64)).collect();
        let found = saturated(&w);
        assert_eq!(found.len(), 1);
        let s = &found[0];
        assert!((s.capacity_rps - 1333.0).abs() < 1.0, "{s:?}");
        assert!((s.ratio() - 1.125).abs() < 0.01, "{s:?}");
        assert!((s.queue_growth_per_s - 167.0).abs() < 1.0, "{s:?}");
        let text = s.sentence("api");
        assert!(
            text.starts_with(
                "api is saturated: over the last 2 s, 1500 req/s arrive (1500 req/s from users) \
                 against"
            ),
            "{text}"
        );
        assert!(text.contains("queue grows by 167 a second"), "{text}");
    }

    #[test]
    fn a_live_change_inside_the_look_back_does_not_hide_a_node_still_flat_out() {
        // Three times the workers at t = 2.5 s: the window across the change
        // is busy 60% on average; the node is still flat out after it, and
        // still falls behind 3 000 arrivals a second.
        let flat_out = |i, utilization, completed| {
            let mut w = station(i, utilization, completed, 100.0 * i as f64);
            w.nodes[0].arrivals = 3000;
            w
        };
        let w = vec![
            flat_out(0, 1.0, 800),
            flat_out(1, 1.0, 800),
            flat_out(2, 0.6, 1500),
            flat_out(3, 1.0, 2400),
        ];
        let found = saturated(&w);
        assert_eq!(found.len(), 1, "{found:?}");
        // (1500 + 2400) completions over 0.6 + 1 busy seconds.
        assert!((found[0].capacity_rps - 3900.0 / 1.6).abs() < 1.0, "{found:?}");
    }

    /// Windows of a chain: `gateway` → `api` → `db`, sync, with each
    /// node's (utilization, arrivals, completions, queue at window i).
    fn chain(nodes: [(f64, u64, u64, f64); 3]) -> (Vec<WindowReport>, Outline) {
        let outline: Outline = serde_json::from_value(serde_json::json!({
            "nodes": [
                { "id": "gateway", "kind": "service", "replicas": 1, "position": null, "feeds": null, "params": [],
                  "calls": [{ "to": "api", "mode": "sync", "weight": 1.0, "params": [] }] },
                { "id": "api", "kind": "service", "replicas": 1, "position": null, "feeds": null, "params": [],
                  "calls": [{ "to": "db", "mode": "sync", "weight": 1.0, "params": [] }] },
                { "id": "db", "kind": "database", "replicas": 1, "position": null, "feeds": null, "params": [], "calls": [] }
            ],
            "loads": []
        }))
        .expect("an outline");
        let windows = (0..4)
            .map(|i| {
                let mut w = window(i, NodeReport::default(), 400);
                w.nodes = nodes
                    .iter()
                    .map(|&(utilization, arrivals, completed, queue)| NodeReport {
                        utilization: Some(utilization),
                        arrivals,
                        completed,
                        mean_queue: queue * i as f64,
                        ..NodeReport::default()
                    })
                    .collect();
                w
            })
            .collect();
        (windows, outline)
    }

    #[test]
    fn callers_flat_out_on_a_busy_callee_are_blamed_on_the_callee() {
        // db finishes 407 a second with every worker busy; api and the
        // gateway hold their workers waiting on it, so db sees only what
        // they let through (not "saturated" by its own figures) while their
        // queues grow.
        let (w, outline) =
            chain([(1.0, 520, 407, 100.0), (1.0, 456, 407, 50.0), (1.0, 407, 407, 0.0)]);
        assert_eq!(saturated(&w).len(), 2, "the figures alone blame the callers");
        let found = saturated_in(&w, &outline);
        let order: Vec<_> = found.iter().map(|s| (s.node, s.waiting_on, s.throttled)).collect();
        assert_eq!(order, [(2, None, true), (1, Some(2), false), (0, Some(2), false)]);
        let names = ["gateway", "api", "db"];
        let text = status(&found, |i| names[i].to_owned()).expect("a status");
        assert!(
            text.starts_with("db is the bottleneck: every worker busy, finishing about 407 req/s; api waits on it, and its queue grows by 50 a second. (1 more flat out.)"),
            "{text}"
        );
        // A callee that keeps up is no cause: the caller is its own.
        let (w, outline) = chain([(0.5, 10, 10, 0.0), (1.0, 456, 407, 50.0), (0.6, 407, 407, 0.0)]);
        let found = saturated_in(&w, &outline);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].waiting_on, None);
        let text = status(&found, |i| names[i].to_owned()).expect("a status");
        assert!(
            text.starts_with(
                "api is saturated: over the last 2 s, 456 req/s arrive (1500 req/s from users, \
                 0.3 visits each)"
            ),
            "{text}"
        );
        assert_eq!(status(&[], |i| names[i].to_owned()), None);
        assert_eq!(found[0].label(None), "saturated 1.12× · 150 queued");
        let (w, outline) =
            chain([(1.0, 520, 407, 100.0), (1.0, 456, 407, 50.0), (1.0, 407, 407, 0.0)]);
        let found = saturated_in(&w, &outline);
        assert_eq!(found[0].label(None), "bottleneck");
        assert_eq!(found[2].label(Some("db")), "waiting on db · 300 queued");
    }

    #[test]
    fn a_caller_whose_calls_cross_a_partition_is_blamed_on_the_cut() {
        // api (eu) calls db (us) and is flat out; db is idle.
        let (w, mut outline) =
            chain([(0.5, 10, 10, 0.0), (1.0, 456, 407, 50.0), (0.1, 407, 407, 0.0)]);
        let zone = |z: &str| vec![("zone".to_owned(), z.to_owned())];
        outline.nodes[1].params = zone("eu");
        outline.nodes[2].params = zone("us");
        let names = ["gateway", "api", "db"];
        let mut found = saturated_in(&w, &outline);
        mark_cuts(&mut found, &outline, &[]);
        assert_eq!(found[0].cut, None, "no partition in force");
        let text = status(&found, |i| names[i].to_owned()).expect("a status");
        assert!(text.starts_with("api is saturated"), "{text}");
        // The partition in force, written either way round.
        mark_cuts(&mut found, &outline, &[["us".to_owned(), "eu".to_owned()]]);
        assert_eq!(found[0].cut, Some(["eu".to_owned(), "us".to_owned()]));
        let text = status(&found, |i| names[i].to_owned()).expect("a status");
        assert!(text.starts_with("api waits on calls across the cut eu ✕ us: "), "{text}");
        assert_eq!(found[0].label(None), "waiting across the cut · 150 queued");
        // A partition elsewhere is no cause.
        mark_cuts(&mut found, &outline, &[["eu".to_owned(), "ap".to_owned()]]);
        assert_eq!(found[0].cut, None);
    }

    #[test]
    fn a_node_flat_out_that_finishes_nothing_is_stuck() {
        // api's workers all hang on calls nobody answers: none finishes.
        let (w, outline) = chain([(0.5, 10, 10, 0.0), (1.0, 456, 0, 50.0), (0.0, 0, 0, 0.0)]);
        let names = ["gateway", "api", "db"];
        let found = saturated_in(&w, &outline);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].stuck(), "{found:?}");
        let text = status(&found, |i| names[i].to_owned()).expect("a status");
        assert_eq!(
            text,
            "api is stuck: every worker is busy and none finished over the last 2 s, while 456 \
             req/s arrived."
        );
        assert_eq!(found[0].label(None), "stuck · 150 queued");
        // Idle and nothing arriving is no news.
        let (w, outline) = chain([(0.5, 10, 10, 0.0), (1.0, 0, 0, 0.0), (0.0, 0, 0, 0.0)]);
        assert!(saturated_in(&w, &outline).is_empty());
    }

    #[test]
    fn a_node_shedding_at_a_full_queue_is_saturated_at_what_it_serves() {
        // 4 000 spans a second into a collector that serves 2 667 and turns
        // the rest away at its full queue: rejections are no capacity.
        let shedding = |i| {
            let mut w = station(i, 1.0, 4000, 100.0);
            w.nodes[0].arrivals = 4000;
            w.nodes[0].rejected = 1333;
            w
        };
        let found = saturated(&(0..5).map(shedding).collect::<Vec<_>>());
        assert_eq!(found.len(), 1, "{found:?}");
        assert!((found[0].capacity_rps - 2667.0).abs() < 1.0, "{found:?}");
        assert!((found[0].shed_share - 1333.0 / 4000.0).abs() < 1e-9, "{found:?}");
    }

    #[test]
    fn rare_requests_are_judged_over_enough_windows() {
        // A change or so a day in windows of a day, into a team that
        // finishes fewer than arrive: its backlog grows every day, but in
        // the last two windows it happened to finish as many as arrived.
        let day = |i: u64, arrivals, completed| {
            let mut w = station(i, 1.0, completed, 10.0 * i as f64);
            w.requests.offered = arrivals;
            w.nodes[0].arrivals = arrivals;
            w.start_s = i as f64 * 86_400.0;
            w.end_s = w.start_s + 86_400.0;
            w
        };
        let mut w: Vec<_> = (0..20).map(|i| day(i, 11, 8)).collect();
        w.extend([day(20, 8, 8), day(21, 7, 8)]);
        let found = saturated(&w);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].ratio() > 1.2, "{found:?}");
        // Busy windows still read two.
        assert_eq!(look_back(&(0..10).map(|i| station(i, 1.0, 1333, 0.0)).collect::<Vec<_>>()), 2);
    }

    #[test]
    fn a_busy_station_that_keeps_up_is_not_saturated() {
        let w: Vec<_> = (0..5).map(|i| station(i, 0.75, 1500, 2.0)).collect();
        assert!(saturated(&w).is_empty());
        // Flat out but keeping up (offered equals what it serves).
        let w: Vec<_> = (0..5).map(|i| station(i, 0.99, 1500, 9.0)).collect();
        assert!(saturated(&w).is_empty());
        assert!(saturated::<WindowReport>(&[]).is_empty());
    }

    #[test]
    fn a_node_working_off_a_backlog_is_saturated_though_offered_less_than_it_serves() {
        // The db behind a flushed cache: every worker busy, 48 reads a
        // second arriving against 156 finished, 2 979 queued (the
        // stampede's duplicate reads): about 19 s of work.
        let draining = |i| {
            let mut w = station(i, 1.0, 156, 2979.0 - 108.0 * i as f64);
            w.nodes[0].arrivals = 48;
            w
        };
        let found = saturated(&(0..5).map(draining).collect::<Vec<_>>());
        assert_eq!(found.len(), 1, "{found:?}");
        let s = &found[0];
        assert!(s.behind && s.ratio() < 1.0, "{s:?}");
        assert!((s.backlog_s - 2547.0 / 156.0).abs() < 0.1, "{s:?}");
        // Worded as a backlog, not as an overload by what arrives; the count
        // it quotes is the canvas label's.
        assert_eq!(
            s.sentence("db"),
            "db is working off a backlog: every worker busy, 2547 queued on average over the \
             last 1 s, about 16.3 s of work at the 156 req/s it finished over the last 2 s, \
             while 48 req/s arrived."
        );
        assert_eq!(s.label(None), "backlog 16.3 s · 2547 queued");
        // A queue of a tenth of a window is a busy node keeping up.
        let w: Vec<_> = (0..5).map(|i| station(i, 1.0, 1500, 150.0)).collect();
        assert!(saturated(&w).is_empty());
    }

    /// The cache-stampede lesson as the page plays it: from the flush at
    /// 60 s the status names the db in every window while it is flat out
    /// behind its queue (first offered more than it serves, then working
    /// off the duplicate reads), and names nobody while the cache holds.
    #[test]
    fn the_stampede_lessons_database_is_named_until_its_backlog_clears() {
        use scalesim_engine::Simulation;
        use scalesim_engine::scenario::Scenario;
        let text = include_str!("../scenarios/cache-stampede.toml");
        let outline = scalesim_engine::outline::of_text(text).expect("an outline");
        let scenario = Scenario::from_toml("cache-stampede.toml", text).expect("the lesson");
        let windows = Simulation::run(scenario).expect("a run").windows;
        let names = ["cache", "db"];
        let status_at =
            |end: usize| status(&saturated_in(&windows[..end], &outline), |i| names[i].to_owned());
        for end in 2..=60 {
            assert_eq!(status_at(end), None, "at {end} s");
        }
        let mut draining = 0;
        for end in 62..=85 {
            let found = saturated_in(&windows[..end], &outline);
            let text = status_at(end).unwrap_or_else(|| panic!("all is well at {end} s"));
            let backlog = text.starts_with("db is working off a backlog: every worker busy, ");
            assert!(text.starts_with("db is saturated") || backlog, "{end} s: {text}");
            if backlog {
                draining += 1;
                // The count the sentence quotes is the canvas label's.
                let label = found[0].label(None);
                let count = label.rsplit(" · ").next().unwrap_or_default();
                assert!(
                    text.contains(&format!(", {count} on average over the last 1 s")),
                    "{text} / {label}"
                );
                assert!(!text.contains("saturated"), "{text}");
            }
        }
        assert!(draining > 10, "the backlog is named as such in {draining} windows");
    }

    /// A lesson file's outline and its windows over its first `seconds`.
    fn lesson_windows(text: &str, seconds: u64) -> (Outline, Vec<WindowReport>) {
        use scalesim_engine::scenario::Scenario;
        use scalesim_engine::{SimDuration, SimTime, Simulation};
        let outline = scalesim_engine::outline::of_text(text).expect("an outline");
        let scenario = Scenario::from_toml("lesson.toml", text).expect("the lesson");
        let mut sim = Simulation::new(scenario).expect("a run");
        (outline, sim.advance_until(SimTime::ZERO + SimDuration::from_secs(seconds)))
    }

    /// The metastable lesson after its spike: the api is offered three
    /// times what users send, the rest retries; the status says both
    /// figures over the period it names, what arrives being what users
    /// send times the visits each.
    #[test]
    fn the_status_says_what_arrives_apart_from_what_users_offer() {
        let (outline, windows) =
            lesson_windows(include_str!("../scenarios/metastable-retries.toml"), 120);
        let found = saturated_in(&windows, &outline);
        let api = found.first().expect("the api is saturated");
        assert!(api.retried && api.per_user.unwrap_or(0.0) > 2.0, "{api:?}");
        let text = status(&found, |_| "api".to_owned()).expect("a status");
        let (users, k) = (api.users_rps.unwrap_or(0.0), api.per_user.unwrap_or(0.0));
        assert!((users * k - api.offered_rps).abs() < 1e-6 * api.offered_rps, "{api:?}");
        let arrive = crate::format::rate(api.offered_rps);
        let users = crate::format::rate(users);
        let span = crate::format::duration_ms(api.span_s * 1000.0);
        assert!(
            text.starts_with(&format!(
                "api is saturated: over the last {span}, {arrive} arrive ({users} from users, ×"
            )),
            "{text}"
        );
        assert!(text.contains(" with retries) against a capacity of about "), "{text}");
    }

    /// The blocking pool's lesson: 16% over capacity from its second
    /// second on, but its workers hold visits for half a second and finish
    /// them in bursts, so two windows alone once read 0.93 at 8 s. Over the
    /// stretch it has run flat out, it is saturated in every window.
    #[test]
    fn a_pool_flat_out_for_long_is_saturated_in_every_window() {
        let (outline, windows) =
            lesson_windows(include_str!("../scenarios/pool-exhaustion.toml"), 60);
        let short = |k: usize| figures_over(&windows[k - LOOK_BACK..k], 0);
        assert!(short(8).is_some_and(|s| !s.is_saturated()), "the pair at 8 s alone reads under");
        for k in 2..=windows.len() {
            let found = saturated_in(&windows[..k], &outline);
            let api = found.first().unwrap_or_else(|| panic!("nothing saturated at {k} s"));
            assert!(api.node == 0 && api.ratio() > 1.0, "at {k} s: {api:?}");
        }
    }

    #[test]
    fn a_caches_hits_read_as_a_share_that_never_rounds_a_miss_away() {
        let cache = |hits, misses| {
            let mut n = NodeReport::default();
            n.counters.hits = hits;
            n.counters.misses = misses;
            n
        };
        assert_eq!(cache_hits(&cache(0, 0)), None);
        assert_eq!(cache_hits(&cache(3087, 1885)).as_deref(), Some("62% hits"));
        assert_eq!(cache_hits(&cache(4970, 40)).as_deref(), Some("99.2% hits"));
        assert_eq!(cache_hits(&cache(9999, 1)).as_deref(), Some("99.9% hits"));
        assert_eq!(cache_hits(&cache(5000, 0)).as_deref(), Some("100% hits"));
    }

    #[test]
    fn figures_are_absent_without_answers() {
        assert_eq!(figures::<WindowReport>(&[]), Figures::default());
        let collapsed = window(3, NodeReport::default(), 0);
        let f = figures(&[collapsed]);
        assert_eq!(f.p99_ms, None);
        assert_eq!(f.offered_rps, Some(1500.0));
        assert_eq!(f.goodput_rps, Some(0.0));
        assert_eq!(f.failed_share, None);
        let fine = figures(&[station(1, 0.5, 1400, 0.0)]);
        assert_eq!(fine.p99_ms, Some(400.0));
        assert_eq!(fine.answered, 1400);
    }

    #[test]
    fn stale_reads_are_said_with_the_missed_writes_age_or_a_dash() {
        let dbs = [(0, "profiles".to_owned())];
        let db = |reads: u64, stale: u64, age: Option<LatencyStats>| NodeReport {
            reads: Some(reads),
            stale_reads: Some(stale),
            stale_read_share: Some(if reads > 0 { stale as f64 / reads as f64 } else { 0.0 }),
            staleness_ms: age,
            ..NodeReport::default()
        };
        let age = LatencyStats { count: 20, p50: 2.5, p99: 152.0, ..LatencyStats::default() };
        let w = window(3, db(320, 20, Some(age)), 300);
        assert_eq!(
            stale_figures(&w, &dbs).as_deref(),
            Some(
                "Over the last window, profiles: 20 of 320 reads stale (6.2%), missed write's age p50 2.5 ms, p99 152 ms."
            )
        );
        let fresh = window(3, db(320, 0, Some(LatencyStats::default())), 300);
        assert_eq!(
            stale_figures(&fresh, &dbs).as_deref(),
            Some(
                "Over the last window, profiles: 0 of 320 reads stale (0%), missed write's age p50 –, p99 –."
            ),
            "no stale read: no age, never 0 ms"
        );
        let idle = window(3, db(0, 0, None), 0);
        assert_eq!(
            stale_figures(&idle, &dbs).as_deref(),
            Some(
                "Over the last window, profiles: 0 of 0 reads stale (–), missed write's age p50 –, p99 –."
            )
        );
        assert_eq!(stale_figures(&w, &[]), None, "no replicated database, nothing said");
    }
}
