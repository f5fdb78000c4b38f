//! `scalesim`: the engine on the command line, for CI and for runs bigger
//! than a browser tab. A thin shell: read files, parse arguments, call the
//! engine, print.

mod edit;
mod report;
mod sweep;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use scalesim_engine::{Scenario, SimDuration, Simulation, set};

#[derive(Parser)]
#[command(name = "scalesim", version, about = "Show how a system's design breaks under scale.")]
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
    /// cannot be read or written or is not valid to begin with, or on a
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

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Run { file, seed, duration, sets, json, windows } => {
            match run(&file, seed, duration, &sets, json, windows) {
                Ok(()) => ExitCode::SUCCESS,
                Err(message) => {
                    eprintln!("scalesim: {message}");
                    ExitCode::from(2)
                }
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
                    ExitCode::from(2)
                }
            }
        }
        Command::Sweep { file, param, runs, duration, json, csv } => {
            match sweep::run(&file, &param, runs, duration, json, csv) {
                Ok(()) => ExitCode::SUCCESS,
                Err(message) => {
                    eprintln!("scalesim: {message}");
                    ExitCode::from(2)
                }
            }
        }
    }
}

/// Runs every file's expectations; 0 when all hold, 1 on a breach, 2 when a
/// file cannot run (the others are still checked).
fn check(files: &[PathBuf], seed: Option<u64>) -> ExitCode {
    let (mut checked, mut failed, mut broken) = (0, 0, 0);
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
        let verdicts = match scalesim_engine::expect::evaluate(&scenario) {
            Ok((_, verdicts)) => verdicts,
            Err(e) => {
                eprintln!("scalesim: {e}");
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
        "{checked} expectations, {failed} failed{}",
        if broken > 0 { format!(", {broken} files could not run") } else { String::new() }
    );
    match (broken, failed) {
        (0, 0) => ExitCode::SUCCESS,
        (0, _) => ExitCode::from(1),
        _ => ExitCode::from(2),
    }
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
) -> Result<(), String> {
    let scenario = load(file, seed, duration, sets)?;
    let run = Simulation::run(scenario.clone()).map_err(|e| e.to_string())?;
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
