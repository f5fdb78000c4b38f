//! `scalesim`: the engine on the command line, for CI and for runs bigger
//! than a browser tab. A thin shell: parse arguments, call the engine, print.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use scalesim_engine::{Distribution, Run, SimDuration, Simulation, StationConfig};

#[derive(Parser)]
#[command(
    name = "scalesim",
    version,
    about = "Show how a system's design breaks under scale."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Simulate one station: Poisson arrivals, exponential service, N workers
    /// behind one FIFO queue (M/M/c), and print the summary.
    Station {
        /// Arrivals per second.
        #[arg(long, default_value_t = 1500.0)]
        rate: f64,
        /// Mean service time, with a unit ("1ms", "250us").
        #[arg(long, default_value = "1ms", value_parser = parse_duration)]
        service: SimDuration,
        /// Parallel workers.
        #[arg(long, default_value_t = 2)]
        workers: u32,
        /// Simulated time to run.
        #[arg(long, default_value = "60s", value_parser = parse_duration)]
        duration: SimDuration,
        /// Leading span excluded from the summary.
        #[arg(long, default_value = "5s", value_parser = parse_duration)]
        warmup: SimDuration,
        /// Time-series resolution.
        #[arg(long, default_value = "1s", value_parser = parse_duration)]
        window: SimDuration,
        /// Fixes the whole run.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Print JSON instead of a human summary.
        #[arg(long)]
        json: bool,
        /// Include every window (with --json) or a line a window.
        #[arg(long)]
        windows: bool,
    },
}

fn parse_duration(text: &str) -> Result<SimDuration, String> {
    SimDuration::parse(text).map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Station {
            rate,
            service,
            workers,
            duration,
            warmup,
            window,
            seed,
            json,
            windows,
        } => {
            let config = StationConfig {
                arrival_rate: rate,
                service: Distribution::Exp { mean: service },
                workers,
                window,
                warmup,
                seed,
            };
            match Simulation::run(config.clone(), duration) {
                Ok(run) if json => print_json(&config, &run, windows),
                Ok(run) => print_human(&config, &run, windows),
                Err(e) => {
                    eprintln!("scalesim: {e}");
                    return ExitCode::from(2);
                }
            }
        }
    }
    ExitCode::SUCCESS
}

fn print_json(config: &StationConfig, run: &Run, with_windows: bool) {
    let mut out =
        serde_json::json!({ "config": config, "seed": config.seed, "summary": run.summary });
    if with_windows {
        out["windows"] = serde_json::json!(run.windows);
    }
    println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
}

fn print_human(config: &StationConfig, run: &Run, with_windows: bool) {
    let s = &run.summary;
    let l = &s.latency_ms;
    println!(
        "station: {} req/s into {} worker(s), mean service {} (utilization {:.0}% offered), seed {}",
        config.arrival_rate,
        config.workers,
        config.service.mean(),
        config.utilization() * 100.0,
        config.seed
    );
    println!("simulated {:.1} s, {} events", s.sim_time_s, s.events);
    println!(
        "requests: {} offered, {} completed, {} in flight",
        s.offered, s.completed, s.in_flight
    );
    println!(
        "latency (ms): mean {:.3}  p50 {:.3}  p90 {:.3}  p99 {:.3}  p99.9 {:.3}  max {:.3}",
        l.mean, l.p50, l.p90, l.p99, l.p999, l.max
    );
    println!(
        "throughput {:.1} req/s, utilization {:.1}%, mean queue {:.2} (max {})",
        s.throughput_rps,
        s.utilization * 100.0,
        s.mean_queue,
        s.max_queue
    );
    if with_windows {
        println!(
            "{:>8} {:>9} {:>9} {:>10} {:>10} {:>6}",
            "end_s", "arrivals", "done", "p50_ms", "p99_ms", "util"
        );
        for w in &run.windows {
            println!(
                "{:>8.1} {:>9} {:>9} {:>10.3} {:>10.3} {:>5.0}%",
                w.end_s,
                w.arrivals,
                w.completed,
                w.latency_ms.p50,
                w.latency_ms.p99,
                w.utilization * 100.0
            );
        }
    }
}
