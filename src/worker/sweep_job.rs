//! A sweep run inside the worker a slice at a time, so the worker keeps
//! answering (a cancel, a new scenario) between slices. No clock of its own:
//! the caller says when a slice's time is up. Native-testable.
//!
//! The same plan runs on a pool of workers (`sweep_pool`): each pool worker
//! holds a `SweepJob` of the same plan and does whole runs by number
//! ([`SweepJob::run`]), the coordinator gathers their [`RunFigures`] and
//! finishes the curve ([`SweepJob::finish_with`]). Run `i` is step
//! `i / runs`, replication `i % runs`, seeded `seed + replication` as
//! `scalesim sweep` seeds it, so every point is the CLI's, bit for bit.

use scalesim_engine::coordination::{self, UslFit};
use scalesim_engine::sweep::{self, RunFigures, SweepPoint, SweepSpec};
use scalesim_engine::{Scenario, SimDuration, SimTime, Simulation};

/// Where a sweep stands after a slice.
#[derive(Clone, Debug, PartialEq)]
pub enum SweepStatus {
    /// Runs done of all.
    Running { done: u32, total: u32 },
    /// The curve, and the USL fitted when the parameter counts units.
    Done { points: Vec<SweepPoint>, usl: Option<UslFit> },
}

/// A sweep under way.
pub struct SweepJob {
    spec: SweepSpec,
    file: String,
    /// The scenario as the sweep starts from; each step's text is made from
    /// it when its first run starts, so a sweep of thousands of steps starts
    /// at once.
    base: String,
    steps: usize,
    runs: u32,
    duration: Option<SimDuration>,
    /// The next run to start: step × runs + replication.
    next: u32,
    /// The run under way and when it ends.
    current: Option<(Simulation, SimTime)>,
    figures: Vec<Vec<RunFigures>>,
}

impl SweepJob {
    /// Plans a sweep of `param` (`PATH=FROM..TO:STEPS`) over the scenario
    /// file `base`. The first and the last step's scenarios are read now
    /// (the values run between them), so a bad value is reported before any
    /// run; the others are made as they start.
    pub fn new(
        param: &str,
        runs: u32,
        duration_s: Option<f64>,
        file: &str,
        base: &str,
    ) -> Result<SweepJob, String> {
        let spec = SweepSpec::parse(param, runs)?;
        let steps = spec.step_count();
        for step in [0, steps.saturating_sub(1)] {
            let text = spec.text_for(base, step)?;
            Scenario::from_toml(file, &text).map_err(|e| e.to_string())?;
        }
        let duration = match duration_s {
            Some(s) if s.is_finite() && s > 0.0 && s <= 86_400.0 => {
                Some(SimDuration::from_secs_f64(s))
            }
            Some(s) => return Err(format!("a sweep run lasts 0 to 86400 s, not {s}")),
            None => None,
        };
        Ok(SweepJob {
            spec,
            file: file.to_owned(),
            base: base.to_owned(),
            steps,
            runs: runs.max(1),
            duration,
            next: 0,
            current: None,
            figures: vec![Vec::new(); steps],
        })
    }

    /// Runs in all.
    pub fn total(&self) -> u32 {
        self.steps as u32 * self.runs
    }

    /// Works while `more()` says there is time, a window at a time.
    pub fn slice(&mut self, mut more: impl FnMut() -> bool) -> Result<SweepStatus, String> {
        while more() {
            let Some((sim, end)) = self.current.as_mut() else {
                if self.next >= self.total() {
                    return Ok(self.finish());
                }
                self.current = Some(self.start(self.next)?);
                continue;
            };
            let window = sim.scenario().scenario.window;
            let until = (sim.now() + window).min(*end);
            sim.advance_until(until);
            if let Some(reason) = sim.stalled() {
                return Err(reason.to_owned());
            }
            if sim.now() >= *end {
                let step = (self.next / self.runs) as usize;
                self.figures[step].push(RunFigures::of(&sim.summary()));
                self.current = None;
                self.next += 1;
            }
        }
        Ok(SweepStatus::Running { done: self.next, total: self.total() })
    }

    /// Does run `job` (step `job / runs`, replication `job % runs`) whole,
    /// a window at a time as [`SweepJob::slice`] does: what a pool worker
    /// does for the coordinator.
    pub fn run(&self, job: u32) -> Result<RunFigures, String> {
        if job >= self.total() {
            return Err(format!("run {job} of a sweep of {}", self.total()));
        }
        let (mut sim, end) = self.start(job)?;
        while sim.now() < end {
            let window = sim.scenario().scenario.window;
            let until = (sim.now() + window).min(end);
            sim.advance_until(until);
            if let Some(reason) = sim.stalled() {
                return Err(reason.to_owned());
            }
        }
        Ok(RunFigures::of(&sim.summary()))
    }

    /// The curve from every run's figures, in run order (`figures[job]`),
    /// as [`SweepJob::slice`] finishes it.
    pub fn finish_with(&self, figures: &[RunFigures]) -> SweepStatus {
        let runs = self.runs as usize;
        let by_step: Vec<Vec<RunFigures>> = figures.chunks(runs).map(<[_]>::to_vec).collect();
        Self::curve(&self.spec, &by_step)
    }

    fn start(&self, job: u32) -> Result<(Simulation, SimTime), String> {
        let (step, run) = ((job / self.runs) as usize, job % self.runs);
        let text = self.spec.text_for(&self.base, step)?;
        let mut scenario = Scenario::from_toml(&self.file, &text).map_err(|e| e.to_string())?;
        scenario.scenario.seed = scenario.scenario.seed.wrapping_add(u64::from(run));
        if let Some(d) = self.duration {
            scenario.scenario.duration = d;
            if scenario.scenario.warmup >= d {
                scenario.scenario.warmup = SimDuration::ZERO;
            }
        }
        let end = SimTime::ZERO + scenario.scenario.duration;
        Ok((Simulation::new(scenario).map_err(|e| e.to_string())?, end))
    }

    fn finish(&self) -> SweepStatus {
        Self::curve(&self.spec, &self.figures)
    }

    fn curve(spec: &SweepSpec, by_step: &[Vec<RunFigures>]) -> SweepStatus {
        let points = sweep::summarise_figures(spec, by_step);
        let usl = if spec.is_scale_count() {
            let xs: Vec<(f64, f64)> =
                points.iter().map(|p| (p.value, p.goodput_rps.mean)).collect();
            coordination::fit(&xs)
        } else {
            None
        };
        SweepStatus::Done { points, usl }
    }
}

/// Workers for a sweep of `total` runs on the pool (`sweep_pool`): the
/// forced count, else every core but the page's, at least one, never more
/// than there are runs (and at most 64).
pub fn pool_size(forced: Option<f64>, cores: f64, total: u32) -> u32 {
    let wanted = match forced {
        Some(n) if n.is_finite() && n >= 1.0 => n.min(64.0) as u32,
        _ => (cores as u32).saturating_sub(1).clamp(1, 64),
    };
    wanted.min(total.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pool_leaves_the_page_a_core() {
        assert_eq!(pool_size(None, 2.0, 100), 1);
        assert_eq!(pool_size(None, 8.0, 100), 7);
        assert_eq!(pool_size(None, 1.0, 100), 1);
        assert_eq!(pool_size(None, 0.0, 100), 1);
        assert_eq!(pool_size(Some(4.0), 2.0, 100), 4);
        assert_eq!(pool_size(Some(4.0), 2.0, 3), 3);
        assert_eq!(pool_size(Some(f64::NAN), 8.0, 100), 7);
    }

    const STATION: &str = include_str!("../../scenarios/station.toml");

    fn run_to_end(job: &mut SweepJob) -> SweepStatus {
        for _ in 0..100_000 {
            let mut budget = 50;
            match job.slice(|| {
                budget -= 1;
                budget > 0
            }) {
                Ok(SweepStatus::Running { .. }) => {}
                other => return other.unwrap_or_else(|e| panic!("{e}")),
            }
        }
        panic!("the sweep never finished")
    }

    #[test]
    fn a_load_sweep_finds_the_knee_in_slices() {
        let mut job =
            SweepJob::new("load.users.rate=500..2500:5", 2, Some(20.0), "station.toml", STATION)
                .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(job.total(), 10);
        let SweepStatus::Done { points, usl } = run_to_end(&mut job) else { unreachable!() };
        assert_eq!(points.len(), 5);
        assert!(usl.is_none(), "a rate is not a unit count");
        // Two 1 ms workers saturate at 2 000/s: the knee is at 2 000 or 2 500.
        let knee = points.iter().find(|p| p.knee).map(|p| p.value);
        assert!(matches!(knee, Some(v) if v >= 2000.0), "{knee:?}");
    }

    #[test]
    fn whole_runs_by_number_give_the_sliced_curve_bit_for_bit() {
        let plan = || {
            SweepJob::new("load.users.rate=500..2500:4", 3, Some(5.0), "station.toml", STATION)
                .unwrap_or_else(|e| panic!("{e}"))
        };
        let sliced = run_to_end(&mut plan());
        // Runs done out of order (as a pool's workers finish them), put
        // back in run order.
        let job = plan();
        let mut figures = vec![RunFigures::default(); job.total() as usize];
        for i in (0..job.total()).rev() {
            figures[i as usize] = job.run(i).unwrap_or_else(|e| panic!("{e}"));
        }
        assert_eq!(job.finish_with(&figures), sliced);
        assert!(job.run(job.total()).is_err());
    }

    #[test]
    fn a_replica_sweep_fits_the_usl() {
        let base = r#"
[scenario]
name = "usl"
duration = "30s"
[[load]]
id = "users"
target = "svc"
rate = 6000
[[node]]
id = "svc"
kind = "service"
queue = { capacity = 8 }
service_time = { dist = "exp", mean = "10ms" }
coordination = { contention = 0.05, coherency = 0.005 }
"#;
        let mut job = SweepJob::new("svc.replicas=1..31:7", 1, None, "usl.toml", base)
            .unwrap_or_else(|e| panic!("{e}"));
        let SweepStatus::Done { usl: Some(fit), .. } = run_to_end(&mut job) else {
            panic!("no fit")
        };
        assert!((fit.contention - 0.05).abs() < 0.02, "{fit:?}");
        assert!((fit.coherency - 0.005).abs() < 0.0015, "{fit:?}");
        assert!((11.0..17.0).contains(&fit.peak), "{fit:?}");
    }

    #[test]
    fn a_sweep_of_ten_thousand_steps_starts_a_run_at_a_time() {
        let mut job =
            SweepJob::new("load.users.rate=1..10000:10000", 1, Some(1.0), "station.toml", STATION)
                .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(job.total(), 10_000);
        // One slice of a few windows: the first runs finish, in order.
        let mut budget = 40;
        let status = job.slice(|| {
            budget -= 1;
            budget > 0
        });
        let Ok(SweepStatus::Running { done, total }) = status else { panic!("{status:?}") };
        assert!(done >= 1 && total == 10_000, "{done} of {total}");
        // Past the step limit, refused in words.
        assert!(SweepJob::new("load.users.rate=1..2:100000", 1, None, "s", STATION).is_err());
    }

    #[test]
    fn bad_sweeps_are_refused_up_front() {
        assert!(SweepJob::new("load.users.rate=1..2", 1, None, "s", STATION).is_err());
        assert!(SweepJob::new("api.wrokers=1..4:4", 1, None, "s", STATION).is_err());
        assert!(SweepJob::new("api.workers=1..4:4", 1, Some(-1.0), "s", STATION).is_err());
    }
}
