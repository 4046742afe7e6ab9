//! The `risicobeeld` command line (inputs.md §0): parses arguments, calls the library, reports
//! with context, and maps every outcome onto the exit codes of outputs.md §1.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

use risicobeeld::config::Config;
use risicobeeld::run::{RunOutcome, run, validate_drop};

/// Where `run` without arguments puts the demo drop and its snapshots.
const DEMO_INPUT: &str = "data/demo/input";
const DEMO_OUT: &str = "data/out";

#[derive(Parser)]
#[command(
    name = "risicobeeld",
    version,
    about = "Risk indicators of human trafficking per district: pipeline and dashboards"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate, compute and publish a snapshot. Without --input: the bundled demo region.
    Run {
        #[arg(long)]
        input: Option<PathBuf>,
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long)]
        config: Option<PathBuf>,
        /// Run even when no input changed since the current snapshot.
        #[arg(long)]
        force: bool,
    },
    /// Validate only: print the quality report; exit 1 on an error.
    Validate {
        #[arg(long)]
        input: Option<PathBuf>,
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Re-point `current` to the previous (or the given) snapshot.
    Rollback {
        #[arg(long, default_value = DEMO_OUT)]
        out: PathBuf,
        run_id: Option<String>,
    },
    /// An attacker's view of the published openbaar/ tables: fails (exit 1) when a suppressed
    /// count can be worked out from the published numbers.
    Audit {
        #[arg(long, default_value = DEMO_OUT)]
        out: PathBuf,
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Write the demo region's input drop (deterministic) into a directory.
    Demo {
        #[arg(long, default_value = DEMO_INPUT)]
        out: PathBuf,
    },
}

/// An error with the exit code it maps to.
struct Failure {
    code: u8,
    error: anyhow::Error,
}

impl<E: Into<anyhow::Error>> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure {
            code: 3,
            error: e.into(),
        }
    }
}

fn usage(error: anyhow::Error) -> Failure {
    Failure { code: 2, error }
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("RISICOBEELD_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match execute(cli.command) {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            eprintln!("error: {:#}", f.error);
            ExitCode::from(f.code)
        }
    }
}

fn load_config(path: Option<&Path>) -> Result<Config, Failure> {
    Config::load_or_default(path).map_err(|e| usage(e.into()))
}

/// The input directory: the given one, or the demo drop (regenerated, so always current).
fn input_or_demo(input: Option<PathBuf>) -> Result<PathBuf, Failure> {
    if let Some(input) = input {
        return Ok(input);
    }
    let dir = PathBuf::from(DEMO_INPUT);
    tracing::info!("no --input: writing the demo region to {}", dir.display());
    risicobeeld::demo::generate(&dir).context("writing the demo region")?;
    Ok(dir)
}

fn execute(command: Command) -> Result<u8, Failure> {
    match command {
        Command::Run {
            input,
            out,
            config,
            force,
        } => {
            let config = load_config(config.as_deref())?;
            let input = input_or_demo(input)?;
            let out = out.unwrap_or_else(|| PathBuf::from(DEMO_OUT));
            let started = std::time::Instant::now();
            match run(&input, &out, &config, force).map_err(|e| Failure {
                code: e.exit_code(),
                error: e.into(),
            })? {
                RunOutcome::Published(m) => {
                    println!(
                        "published snapshot {} in {:.1} s: {}/current → runs/{}",
                        m.run_id,
                        started.elapsed().as_secs_f64(),
                        out.display(),
                        m.run_id
                    );
                    for t in &m.tables {
                        println!("  {:<30} {:>9} rows", t.name, t.rows);
                    }
                    let quarantined: u64 = m.inputs.iter().map(|i| i.rows_quarantined).sum();
                    let read: u64 = m.inputs.iter().map(|i| i.rows_read).sum();
                    println!(
                        "  inputs: {} files, {read} rows read, {quarantined} quarantined",
                        m.inputs.len()
                    );
                    if let Some(d) = &m.disclosure {
                        println!(
                            "  openbaar: {} of {} sensitive cells suppressed ({} primary, {} secondary); audit passed",
                            d.primary + d.secondary,
                            d.cells,
                            d.primary,
                            d.secondary
                        );
                    }
                    Ok(0)
                }
                RunOutcome::NothingToDo(run_id) => {
                    println!(
                        "no input changed since snapshot {run_id}; nothing to do (use --force to run anyway)"
                    );
                    Ok(0)
                }
                RunOutcome::Invalid(report) => {
                    eprint!("{}", report.render());
                    eprintln!(
                        "error: validation failed with {} error(s); nothing was published, the current snapshot stays",
                        report.errors().count()
                    );
                    Ok(1)
                }
            }
        }
        Command::Validate { input, config } => {
            let config = load_config(config.as_deref())?;
            let input = input_or_demo(input)?;
            let (report, _) = validate_drop(&input, &config).map_err(|e| Failure {
                code: e.exit_code(),
                error: e.into(),
            })?;
            print!("{}", report.render());
            if report.has_errors() {
                eprintln!(
                    "error: validation failed with {} error(s)",
                    report.errors().count()
                );
                Ok(1)
            } else {
                println!("valid: no errors");
                Ok(0)
            }
        }
        Command::Rollback { out, run_id } => {
            let target = risicobeeld::publish::rollback(&out, run_id.as_deref()).map_err(|e| {
                let code = match e {
                    risicobeeld::publish::PublishError::NoSuchRun(_)
                    | risicobeeld::publish::PublishError::NothingEarlier => 2,
                    _ => 3,
                };
                Failure {
                    code,
                    error: e.into(),
                }
            })?;
            println!("current → runs/{target}");
            Ok(0)
        }
        Command::Audit { out, config } => {
            let config = load_config(config.as_deref())?;
            let dir = out.join("current").join("openbaar");
            let min_count = config.disclosure.min_count;
            let (system, exposed) =
                risicobeeld::disclosure::audit_published(&dir, config.disclosure.protection())
                    .with_context(|| format!("auditing {}", dir.display()))?;
            let hidden = system.cells.iter().filter(|c| c.suppressed).count();
            println!(
                "audit of {}: {} sensitive cells, {hidden} suppressed, {} exposed (min_count {min_count})",
                dir.display(),
                system.cells.len(),
                exposed.len()
            );
            for e in exposed.iter().take(50) {
                println!("  exposed: {e}");
            }
            Ok(if exposed.is_empty() { 0 } else { 1 })
        }
        Command::Demo { out } => {
            risicobeeld::demo::generate(&out).context("writing the demo region")?;
            println!("demo drop written to {}", out.display());
            Ok(0)
        }
    }
}
