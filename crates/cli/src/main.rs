//! `scalesim`: the engine on the command line, for CI and for runs bigger
//! than a browser tab. A thin shell: read files, parse arguments, call the
//! engine, print.

mod edit;
mod report;
mod sweep;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use scalesim_engine::{Run, RunError, Scenario, SimDuration, SimTime, Simulation, set};

/// Exit codes, as `--help` lists them.
mod exit {
    /// Everything ran; every expectation held.
    pub const OK: u8 = 0;
    /// `check`: an expectation failed.
    pub const BREACH: u8 = 1;
    /// A file cannot run: unreadable, invalid, refused by a limit, or stuck.
    pub const CANNOT_RUN: u8 = 2;
    /// A run stopped at the bound on work in flight (an overload).
    pub const OVERLOAD: u8 = 3;
    /// The command line itself is wrong (unknown option, missing value).
    pub const USAGE: u8 = 64;
}

const EXIT_CODES: &str = "\
Exit codes:
  0   everything ran (and, for check, every expectation held)
  1   check: an expectation failed
  2   a file cannot run: unreadable, invalid, over one of scalesim's limits, or stuck
  3   overload: a run stopped at the bound on work in flight; the message
      names the nodes whose queues grew and what would bound them
  64  the command line is wrong (an unknown option, a missing value)";

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

#[derive(Subcommand)]
enum Command {
    /// Run a scenario file and print its summary.
    Run {
        /// The scenario (TOML, SPEC §2).
        file: PathBuf,
        /// Override the scenario's seed.
        #[arg(long)]
        seed: Option<u64>,
        /// Override the scenario's duration ("120s", "5m").
        #[arg(long, value_parser = parse_duration)]
        duration: Option<SimDuration>,
        /// Set a parameter: `api.replicas=4`, `load.shoppers.rate=2000`,
        /// `node.api.call.0.mode=async`, `scenario.warmup=20s`. Repeatable.
        #[arg(long = "set", value_name = "PATH=VALUE")]
        sets: Vec<String>,
        /// Print the JSON object of SPEC §3 instead of a human summary.
        #[arg(long)]
        json: bool,
        /// Include every window (in the JSON, or as a table).
        #[arg(long)]
        windows: bool,
        /// The bound on work in flight (requests, calls, messages and
        /// timers together) at which an overloaded run stops. The default,
        /// 2000000 (about 180 MB), is the browser's; raise it for a large
        /// run on a machine with memory to spare (about 90 bytes a unit).
        #[arg(long, value_name = "UNITS")]
        max_in_flight: Option<u64>,
    },
    /// The scaling curve: step one parameter, run each step `--runs` times
    /// (the same seeds at every step) on every core, and print offered load
    /// against p99, goodput and errors, with 95% confidence intervals and
    /// the knee marked.
    Sweep {
        /// The scenario (TOML, SPEC §2).
        file: PathBuf,
        /// `PATH=FROM..TO:STEPS`, e.g. `load.users.rate=100..5000:20`.
        #[arg(long)]
        param: String,
        /// Independent replications a step.
        #[arg(long, default_value_t = 3)]
        runs: u32,
        /// Override the scenario's duration.
        #[arg(long, value_parser = parse_duration)]
        duration: Option<SimDuration>,
        /// Print JSON.
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// Print CSV.
        #[arg(long)]
        csv: bool,
    },
    /// Change values in a scenario file, in place, changing only those lines.
    ///
    /// Comments, layout and the spelling of everything else are kept. The
    /// result must be a valid scenario, else nothing is written. Exit 0 when
    /// written; 1 when an edit is refused (a path, a value, or a scenario
    /// that would not run), with `run --set`'s message; 2 when the file
    /// cannot be read or written or is not valid to begin with; 64 on a
    /// usage error.
    Edit {
        /// The scenario (TOML, SPEC §2).
        file: PathBuf,
        /// Set a parameter, as `run --set` takes it: `api.replicas=4`,
        /// `api.service_time.mean=5ms`, `load.users.rate=300`,
        /// `api.call.1.mode=async`. Repeatable; applied in order.
        #[arg(long = "set", value_name = "PATH=VALUE", required = true)]
        sets: Vec<String>,
        /// Write the result here instead of over FILE (`-`: standard output).
        #[arg(short = 'o', long = "output", value_name = "OUT")]
        output: Option<PathBuf>,
    },
    /// Print the JSON Schema of the scenario format, for editors (e.g. a
    /// `#:schema ./scalesim.schema.json` line in a TOML file).
    Schema,
    /// Run each scenario's `[[expect]]` assertions; exit 1 if any fails
    /// (2 if a file cannot run).
    Check {
        /// Scenario files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Override every scenario's seed.
        #[arg(long)]
        seed: Option<u64>,
    },
}

fn parse_duration(text: &str) -> Result<SimDuration, String> {
    SimDuration::parse(text).map_err(|e| e.to_string())
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
                ExitCode::from(exit::CANNOT_RUN)
            }
            Failure::Overload(message) => {
                eprintln!("scalesim: {message}");
                ExitCode::from(exit::OVERLOAD)
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
            return ExitCode::from(if usage { exit::USAGE } else { exit::OK });
        }
    };
    match cli.command {
        Command::Run { file, seed, duration, sets, json, windows, max_in_flight } => {
            match run(&file, seed, duration, &sets, json, windows, max_in_flight) {
                Ok(()) => ExitCode::SUCCESS,
                Err(failure) => failure.report(),
            }
        }
        Command::Check { files, seed } => check(&files, seed),
        Command::Edit { file, sets, output } => edit::run(&file, &sets, output.as_deref()),
        Command::Schema => {
            let schema = scalesim_engine::schema::scenario_schema();
            match serde_json::to_string_pretty(&schema) {
                Ok(text) => {
                    println!("{text}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("scalesim: {e}");
                    ExitCode::from(exit::CANNOT_RUN)
                }
            }
        }
        Command::Sweep { file, param, runs, duration, json, csv } => {
            match sweep::run(&file, &param, runs, duration, json, csv) {
                Ok(()) => ExitCode::SUCCESS,
                Err(failure) => failure.report(),
            }
        }
    }
}

/// Runs every file's expectations; 0 when all hold, 1 on a breach, 2 when a
/// file cannot run, 3 when a run stopped at the bound on work in flight (the
/// other files are still checked; the worst code wins).
fn check(files: &[PathBuf], seed: Option<u64>) -> ExitCode {
    let (mut checked, mut failed, mut broken, mut overloaded) = (0, 0, 0, 0);
    for file in files {
        let scenario = match load(file, seed, None, &[]) {
            Ok(s) => s,
            Err(message) => {
                eprintln!("scalesim: {message}");
                broken += 1;
                continue;
            }
        };
        println!("{}: {}", file.display(), scenario.scenario.name);
        if scenario.expects.is_empty() {
            println!("  (no [[expect]] blocks)");
            continue;
        }
        let verdicts = match scalesim_engine::expect::evaluate_runs(&scenario) {
            Ok((_, verdicts)) => verdicts,
            Err(RunError::Overload { overload, .. }) => {
                eprintln!("scalesim: {}: {overload}", file.display());
                overloaded += 1;
                continue;
            }
            Err(e) => {
                eprintln!("scalesim: {}: {e}", file.display());
                broken += 1;
                continue;
            }
        };
        for verdict in verdicts {
            checked += 1;
            failed += usize::from(!verdict.passed);
            let mark = if verdict.passed { "ok  " } else { "FAIL" };
            println!("  {mark}  {}  (measured {:.4})", verdict.expectation, verdict.actual);
        }
    }
    println!(
        "{checked} expectations, {failed} failed{}{}",
        if broken > 0 { format!(", {broken} files could not run") } else { String::new() },
        if overloaded > 0 {
            format!(", {overloaded} stopped at the bound on work in flight (overload)")
        } else {
            String::new()
        }
    );
    ExitCode::from(if overloaded > 0 {
        exit::OVERLOAD
    } else if broken > 0 {
        exit::CANNOT_RUN
    } else if failed > 0 {
        exit::BREACH
    } else {
        exit::OK
    })
}

/// Runs `scenario` to its end as [`Simulation::run_to_end`] does, showing
/// progress on stderr when it is a terminal: simulated time, and the events
/// a simulated second (the run's cost), known after the first window.
fn run_with_progress(scenario: Scenario, max_in_flight: Option<u64>) -> Result<Run, RunError> {
    let end = SimTime::ZERO + scenario.scenario.duration;
    let total_s = scenario.scenario.duration.as_secs_f64();
    let mut sim = Simulation::new(scenario).map_err(RunError::Invalid)?;
    if let Some(units) = max_in_flight {
        sim.set_work_limit(units);
    }
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
        windows = sim.advance_until(end);
    }
    // Steps sized by the wall clock (about a tenth of a second each), so
    // the bar moves for a heavy run and costs nothing for a light one.
    let mut step = SimDuration::from_millis(1);
    while sim.now() < end && sim.stalled().is_none() {
        let started = std::time::Instant::now();
        windows.extend(sim.advance_until((sim.now() + step).min(end)));
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
fn load(
    file: &PathBuf,
    seed: Option<u64>,
    duration: Option<SimDuration>,
    sets: &[String],
) -> Result<Scenario, String> {
    let name = file.display().to_string();
    let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read {name}: {e}"))?;
    let mut scenario = Scenario::from_toml(&name, &text).map_err(|e| e.to_string())?;
    if let Some(seed) = seed {
        scenario.scenario.seed = seed;
    }
    if let Some(duration) = duration {
        scenario.scenario.duration = duration;
    }
    for assignment in sets {
        let (path, value) = assignment.split_once('=').ok_or_else(|| {
            format!("--set {assignment}: expected PATH=VALUE, e.g. api.replicas=4")
        })?;
        set::apply(&mut scenario, path.trim(), value.trim())
            .map_err(|e| format!("--set {assignment}: {e}"))?;
    }
    Ok(scenario)
}

fn run(
    file: &PathBuf,
    seed: Option<u64>,
    duration: Option<SimDuration>,
    sets: &[String],
    json: bool,
    windows: bool,
    max_in_flight: Option<u64>,
) -> Result<(), Failure> {
    let scenario = load(file, seed, duration, sets)?;
    let run = match run_with_progress(scenario.clone(), max_in_flight) {
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
