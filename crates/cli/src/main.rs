//! `scalesim`: the engine on the command line, for CI and for runs bigger
//! than a browser tab. A thin shell: read files, parse arguments, call the
//! engine, print.

mod capacity;
mod check;
mod edit;
mod report;
mod sweep;
mod traces;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};

use clap::{Parser, Subcommand};
use scalesim_engine::scenario::Diagnostic;
use scalesim_engine::{Run, RunError, Scenario, SimDuration, SimTime, Simulation, set};

// Exit codes, the same for every subcommand, as `--help` and
// docs/semantics.md list them.

/// Exit code: an expectation does not hold (`check`; `capacity` when no
/// value of the range meets every expectation).
pub const EXIT_FAILED: u8 = 1;
/// Exit code: a file cannot be read or run (every problem is printed):
/// unreadable, invalid, over one of scalesim's limits, or stuck; for
/// `edit`, an edit refused (nothing is written).
pub const EXIT_CANNOT_RUN: u8 = 2;
/// Exit code: a run stopped at the bound on work in flight (an overload).
pub const EXIT_OVERLOAD: u8 = 3;
/// Exit code: the command line itself is wrong (an unknown option, a
/// malformed value). The usual `EX_USAGE`.
pub const EXIT_USAGE: u8 = 64;

const EXIT_CODES: &str = "\
Exit codes (the same for every subcommand):
  0   success: everything ran (for check and capacity, every expectation held)
  1   an expectation failed (check; capacity: no value of the range meets them all)
  2   a file cannot be read or run: unreadable, invalid (every problem is listed),
      over one of scalesim's limits, or stuck; for edit, an edit refused
  3   overload: a run stopped at the bound on work in flight; the message
      names the nodes whose queues grew and what would bound them
  64  usage: the command line is wrong (an unknown option, a missing or
      malformed value)";

#[derive(Parser)]
#[command(
    name = "scalesim",
    version,
    about = "Show how a system's design breaks under scale.",
    after_help = EXIT_CODES
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// `--seed`, `--duration` and `--set`, as every command that runs a file
/// takes them.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct Overrides {
    /// Override the scenario's seed.
    #[arg(long)]
    seed: Option<u64>,
    /// Override the scenario's duration ("120s", "5m").
    #[arg(long, value_parser = parse_duration)]
    duration: Option<SimDuration>,
    /// Set a parameter: `api.replicas=4`, `load.shoppers.rate=2000`,
    /// `node.api.call.0.mode=async`, `scenario.warmup=20s`. Repeatable.
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = parse_assignment)]
    sets: Vec<(String, String)>,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario file and print its summary.
    #[command(after_help = EXIT_CODES)]
    Run {
        /// The scenario file (TOML; see docs/reference.md).
        file: PathBuf,
        #[command(flatten)]
        overrides: Overrides,
        /// Print the summary as one JSON object (latency figures over no
        /// answered request are null).
        #[arg(long)]
        json: bool,
        /// Include every window (in the JSON, or as a table).
        #[arg(long)]
        windows: bool,
        /// The bound on work in flight (requests, calls, messages and
        /// timers together) at which an overloaded run stops. The default,
        /// 2000000 (about 240 MB), is the browser's; raise it for a large
        /// run on a machine with memory to spare (about 120 bytes a unit).
        #[arg(long, value_name = "UNITS")]
        max_in_flight: Option<u64>,
        /// Write sampled request traces (the slowest of every window and
        /// a uniform sample) to this file as OpenTelemetry OTLP JSON, for
        /// Jaeger or Grafana Tempo; simulated time zero is
        /// 2000-01-01T00:00:00Z. Also prints where the p99 goes.
        #[arg(long, value_name = "OUT.json")]
        traces: Option<PathBuf>,
    },
    /// The scaling curve: step one parameter, run each step `--runs` times
    /// (the same seeds at every step) on every core, and print offered load
    /// against p99, goodput and errors, with 95% confidence intervals and
    /// the knee marked.
    #[command(after_help = EXIT_CODES)]
    Sweep {
        /// The scenario file (TOML; see docs/reference.md).
        file: PathBuf,
        /// `PATH=FROM..TO:STEPS`, e.g. `load.users.rate=100..5000:20`.
        #[arg(long)]
        param: String,
        /// Independent replications a step, seeded S, S+1, … (S the
        /// scenario's seed, or `--seed`): the same seeds at every step.
        #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=1000))]
        runs: u32,
        #[command(flatten)]
        overrides: Overrides,
        /// Print JSON.
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// Print CSV.
        #[arg(long)]
        csv: bool,
    },
    /// The capacity: the highest value of a parameter (an offered load) or
    /// the lowest (replicas, workers) at which every `[[expect]]` holds.
    ///
    /// Bisects between the range's ends, one where every expectation holds
    /// and one where one does not (which is which says the direction). At
    /// each probe the file runs `--runs` times (seeds S, S+1, …) and holds
    /// only when every expectation's 95% interval is inside its bound, as
    /// in `check --runs`. Prints the value, the first value found to break,
    /// and the expectation that breaks there. Assumes one boundary in the
    /// range. Exit 1 when no value of the range meets every expectation, 3
    /// when a probe's run stops at the bound on work in flight (an
    /// overload: narrow the range).
    #[command(after_help = EXIT_CODES)]
    Capacity {
        /// The scenario file, with `[[expect]]` blocks.
        file: PathBuf,
        /// `PATH=FROM..TO`: `load.users.rate=100..5000`, `api.replicas=1..16`,
        /// `node.api.call.0.timeout=50ms..2s`. Whole-number parameters are
        /// probed at whole numbers.
        #[arg(long)]
        param: String,
        /// Replications a probe.
        #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=1000))]
        runs: u32,
        /// Stop when the boundary is bracketed this closely (in the
        /// parameter's unit; nanoseconds for durations). Default: 1% of the
        /// range, 1 for whole numbers.
        #[arg(long)]
        tolerance: Option<f64>,
        #[command(flatten)]
        overrides: Overrides,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Change values in a scenario file, in place, changing only those lines.
    ///
    /// Comments, layout and the spelling of everything else are kept. The
    /// result must be a valid scenario, else nothing is written. Once
    /// written, one line on stderr says what changed (`edited FILE: node
    /// "api".workers 4 → 8`); stdout carries only the file, with `-o -`.
    /// Exit 0 when written; 2 when an edit is refused (a path, a value, or a scenario
    /// that would not run, with `run --set`'s message) or the file cannot be
    /// read or written or is not valid to begin with; 64 on a usage error
    /// (a `--set` without `=`).
    #[command(after_help = EXIT_CODES)]
    Edit {
        /// The scenario (TOML, SPEC §2).
        file: PathBuf,
        /// Set a parameter, as `run --set` takes it: `api.replicas=4`,
        /// `api.service_time.mean=5ms`, `load.users.rate=300`,
        /// `api.call.1.mode=async`. Repeatable; applied in order.
        #[arg(long = "set", value_name = "PATH=VALUE", required = true, value_parser = parse_assignment)]
        sets: Vec<(String, String)>,
        /// Write the result here instead of over FILE (`-`: standard output).
        #[arg(short = 'o', long = "output", value_name = "OUT")]
        output: Option<PathBuf>,
    },
    /// Print the JSON Schema of the scenario format, for editors (e.g. a
    /// `#:schema ./scalesim.schema.json` line in a TOML file).
    Schema,
    /// Print the reference of the scenario format (Markdown: every key, its
    /// type, default, range and meaning), generated from the same source as
    /// the schema; docs/reference.md is this output.
    Reference,
    /// Run each scenario's `[[expect]]` assertions, for CI.
    ///
    /// An expectation holds when its measured value is strictly on the
    /// right side of its bound; with `--runs N` it holds when the whole 95%
    /// confidence interval of the mean over N runs (seeds S, S+1, …) is.
    /// A figure with no data (a latency when no request was answered, a
    /// rate when none was offered) has no value, and its expectation fails.
    /// `error_rate` and `failure_rate` count every way a user is failed
    /// (error, timeout, rejected); `error_only_rate`, `timeout_rate` and
    /// `rejected_rate` count one outcome each; `success_rate` counts ok and
    /// degraded; all are shares of the requests offered after warm-up.
    #[command(after_help = "Exit codes: 0 every expectation holds; 1 an expectation does not \
hold; 2 a file cannot be read or run (or, with --require-expect, has no [[expect]]); \
3 overload (a run stopped at the bound on work in flight); 64 usage (a wrong option or \
argument). Files are all checked whatever one of them gives; the exit code is the worst of \
them (3 over 2 over 1).")]
    Check {
        /// Scenario files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        overrides: Overrides,
        /// Independent replications a file (seeds S, S+1, …); an
        /// expectation holds when its 95% confidence interval is inside
        /// the bound.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1000))]
        runs: u32,
        /// Output: text, json, junit (JUnit XML) or github (GitHub Actions
        /// annotations on the `[[expect]]` lines).
        #[arg(long, value_enum, default_value_t = check::Format::Text)]
        format: check::Format,
        /// Refuse (exit 2) a file with no `[[expect]]`, instead of passing
        /// it with a note.
        #[arg(long)]
        require_expect: bool,
    },
}

fn parse_duration(text: &str) -> Result<SimDuration, String> {
    SimDuration::parse(text).map_err(|e| e.to_string())
}

fn parse_assignment(text: &str) -> Result<(String, String), String> {
    let (path, value) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}`: expected PATH=VALUE, e.g. api.replicas=4"))?;
    Ok((path.trim().to_owned(), value.trim().to_owned()))
}

/// Why a command failed, and so its exit code.
pub enum Failure {
    /// The file cannot run (or cannot be read, or an argument is refused).
    CannotRun(String),
    /// A run stopped at the bound on work in flight.
    Overload(String),
}

impl Failure {
    fn report(self) -> ExitCode {
        match self {
            Failure::CannotRun(message) => {
                eprintln!("scalesim: {message}");
                ExitCode::from(EXIT_CANNOT_RUN)
            }
            Failure::Overload(message) => {
                eprintln!("scalesim: {message}");
                ExitCode::from(EXIT_OVERLOAD)
            }
        }
    }
}

impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure::CannotRun(message)
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let usage = e.use_stderr();
            let _ = e.print();
            return ExitCode::from(if usage { EXIT_USAGE } else { 0 });
        }
    };
    match cli.command {
        Command::Run { file, overrides, json, windows, max_in_flight, traces } => {
            let options = RunOptions { json, windows, max_in_flight, traces };
            match run(&file, &overrides, &options) {
                Ok(()) => ExitCode::SUCCESS,
                Err(failure) => failure.report(),
            }
        }
        Command::Check { files, overrides, runs, format, require_expect } => {
            check::run(&files, &check::Options { overrides, runs, format, require_expect })
        }
        Command::Capacity { file, param, runs, tolerance, overrides, json } => {
            capacity::run(&file, &capacity::Options { param, runs, tolerance, overrides, json })
        }
        Command::Edit { file, sets, output } => edit::run(&file, &sets, output.as_deref()),
        Command::Reference => {
            print!("{}", scalesim_engine::schema::reference_markdown());
            ExitCode::SUCCESS
        }
        Command::Schema => {
            let schema = scalesim_engine::schema::scenario_schema();
            match serde_json::to_string_pretty(&schema) {
                Ok(text) => {
                    println!("{text}");
                    ExitCode::SUCCESS
                }
                Err(e) => Failure::CannotRun(e.to_string()).report(),
            }
        }
        Command::Sweep { file, param, runs, overrides, json, csv } => {
            match sweep::run(&file, &param, runs, &overrides, json, csv) {
                Ok(()) => ExitCode::SUCCESS,
                Err(failure) => failure.report(),
            }
        }
    }
}

/// A scenario from a file's text with the overrides applied, or every
/// problem it has.
pub fn scenario_from(
    name: &str,
    text: &str,
    overrides: &Overrides,
) -> Result<Scenario, Vec<Diagnostic>> {
    let scenario = scenario_quietly(name, text, overrides)?;
    for (key, message) in scalesim_engine::network::warnings(&scenario) {
        eprintln!("scalesim: warning: {name}: `{key}`: {message}");
    }
    Ok(scenario)
}

/// [`scenario_from`] without printing the scenario's warnings
/// (`network::warnings`), for a caller that reports them its own way
/// (`check`, as annotations or JSON).
pub fn scenario_quietly(
    name: &str,
    text: &str,
    overrides: &Overrides,
) -> Result<Scenario, Vec<Diagnostic>> {
    let mut scenario = Scenario::from_toml(name, text).map_err(|e| e.diagnostics)?;
    if let Some(seed) = overrides.seed {
        scenario.scenario.seed = seed;
    }
    if let Some(duration) = overrides.duration {
        scenario.scenario.duration = duration;
    }
    let mut problems = Vec::new();
    for (path, value) in &overrides.sets {
        if let Err(e) = set::apply(&mut scenario, path, value) {
            problems.push(Diagnostic {
                file: name.to_owned(),
                line: 0,
                key: String::new(),
                message: format!("--set {path}={value}: {e}"),
            });
        }
    }
    if problems.is_empty()
        && (overrides.seed.is_some() || overrides.duration.is_some() || !overrides.sets.is_empty())
    {
        problems.extend(scalesim_engine::scenario::validate::problems(&scenario).into_iter().map(
            |p| Diagnostic {
                file: name.to_owned(),
                line: 0,
                key: scalesim_engine::scenario::diagnostics::named_in(&scenario, &p.key),
                message: format!("{} (with the command line's overrides)", p.message),
            },
        ));
    }
    if problems.is_empty() { Ok(scenario) } else { Err(problems) }
}

/// Runs `scenario` to its end as [`Simulation::run_to_end`] does, showing
/// progress on stderr when it is a terminal: simulated time, and the events
/// a simulated second (the run's cost), known after the first window.
///
/// With `traces`, the sampled traces are turned on and written to it as
/// each step's windows close.
fn run_with_progress(
    scenario: Scenario,
    max_in_flight: Option<u64>,
    mut traces: Option<&mut traces::OtlpFile>,
) -> Result<Run, RunError> {
    let end = SimTime::ZERO + scenario.scenario.duration;
    let total_s = scenario.scenario.duration.as_secs_f64();
    let window = scenario.scenario.window;
    let mut sim = Simulation::new(scenario).map_err(RunError::Invalid)?;
    if let Some(units) = max_in_flight {
        sim.set_work_limit(units);
    }
    if traces.is_some() {
        sim.enable_traces(scalesim_engine::trace::TraceOptions::default());
    }
    let mut drain = |sim: &mut Simulation| {
        if let Some(out) = traces.as_deref_mut() {
            out.windows(&sim.take_traces(), sim.scenario());
        }
    };
    let terminal = std::io::stderr().is_terminal();
    let bar = if terminal {
        indicatif::ProgressBar::new(end.since(SimTime::ZERO).as_nanos() / 1_000_000)
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {msg}  {elapsed} (eta {eta})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let mut windows = Vec::new();
    if !terminal {
        // With traces, a window at a time, so each is written as it closes.
        let step = if sim.tracing() { window } else { end.since(SimTime::ZERO) };
        while sim.now() < end && sim.stalled().is_none() {
            windows.extend(sim.advance_until((sim.now() + step).min(end)));
            drain(&mut sim);
        }
    }
    // Steps sized by the wall clock (about a tenth of a second each), so
    // the bar moves for a heavy run and costs nothing for a light one.
    let mut step = SimDuration::from_millis(1);
    while sim.now() < end && sim.stalled().is_none() {
        let started = std::time::Instant::now();
        windows.extend(sim.advance_until((sim.now() + step).min(end)));
        drain(&mut sim);
        let took = started.elapsed().as_secs_f64();
        if took < 0.05 {
            step = SimDuration::from_nanos(step.as_nanos().saturating_mul(2));
        } else if took > 0.2 {
            step = SimDuration::from_nanos((step.as_nanos() / 2).max(1_000));
        }
        let simulated = sim.now().as_secs_f64();
        bar.set_position(sim.now().since(SimTime::ZERO).as_nanos() / 1_000_000);
        bar.set_message(format!(
            "{simulated:.3} of {total_s} simulated s, {:.0} events a simulated second",
            sim.events_per_simulated_second().unwrap_or(0.0)
        ));
    }
    bar.finish_and_clear();
    if let Some(overload) = sim.overload() {
        let overload = Box::new(overload.clone());
        let summary = sim.summary();
        return Err(RunError::Overload { overload, partial: Box::new(Run { windows, summary }) });
    }
    if let Some(reason) = sim.stalled() {
        return Err(RunError::Stuck(reason.to_owned()));
    }
    let summary = sim.summary();
    Ok(Run { windows, summary })
}

/// Reads a scenario file with its overrides applied.
fn load(file: &PathBuf, overrides: &Overrides) -> Result<Scenario, String> {
    let name = file.display().to_string();
    let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read {name}: {e}"))?;
    scenario_from(&name, &text, overrides)
        .map_err(|problems| scalesim_engine::ScenarioError { diagnostics: problems }.to_string())
}

/// `f` of every item, on every core, in the items' order.
pub fn parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let results: std::sync::Mutex<Vec<(usize, R)>> = std::sync::Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(items.len());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let r = f(item);
                    results.lock().unwrap_or_else(|p| p.into_inner()).push((i, r));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_else(|p| p.into_inner());
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

/// `run`'s options beside the file and its overrides.
struct RunOptions {
    json: bool,
    windows: bool,
    max_in_flight: Option<u64>,
    traces: Option<PathBuf>,
}

fn run(file: &PathBuf, overrides: &Overrides, options: &RunOptions) -> Result<(), Failure> {
    let RunOptions { json, windows, max_in_flight, .. } = *options;
    let scenario = load(file, overrides)?;
    let mut out = match &options.traces {
        Some(path) => Some(traces::OtlpFile::create(path)?),
        None => None,
    };
    let result = run_with_progress(scenario.clone(), max_in_flight, out.as_mut());
    // The file is closed whatever happened, so what was written reads.
    if let Some(out) = out {
        out.finish()?;
    }
    let run = match result {
        Ok(run) => run,
        Err(RunError::Overload { overload, partial }) => {
            if json {
                let mut out = serde_json::to_value(&partial.summary).map_err(|e| e.to_string())?;
                out["overload"] = serde_json::to_value(&overload).map_err(|e| e.to_string())?;
                out["message"] = serde_json::Value::String(overload.message());
                println!("{}", serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?);
            }
            return Err(Failure::Overload(format!("{}: {overload}", file.display())));
        }
        Err(e) => return Err(Failure::CannotRun(e.to_string())),
    };
    if json {
        let mut out = serde_json::to_value(&run.summary).map_err(|e| e.to_string())?;
        if windows {
            out["windows"] = serde_json::to_value(&run.windows).map_err(|e| e.to_string())?;
        }
        println!("{}", serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?);
    } else {
        print!("{}", report::human(&scenario, &run, windows));
    }
    Ok(())
}
