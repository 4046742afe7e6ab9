//! The `risicobeeld` command line (inputs.md §0): parses arguments, calls the library, reports
//! with context, and maps every outcome onto the exit codes of outputs.md §1.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use serde::Deserialize as _;

use risicobeeld::config::Config;
use risicobeeld::run::{RunOutcome, run, validate_drop};

/// mimalloc keeps freed memory for reuse where glibc returns large blocks to the kernel and
/// gets them back zeroed: a national run reads 4 GB of files through per-file buffers, and
/// placing the objects took 38 s with glibc against 29–32 s with mimalloc (bench/RESULTS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// The dashboard server: explorer, area pages, college summaries, API. Without --out: the
    /// demo snapshot under data/out.
    Serve {
        #[arg(long, default_value = DEMO_OUT)]
        out: PathBuf,
        /// Address to listen on (default from the config: 127.0.0.1:8080).
        #[arg(long)]
        addr: Option<String>,
        #[arg(long)]
        config: Option<PathBuf>,
        /// Accounts file (default from the config: data/gebruikers.toml).
        #[arg(long)]
        users: Option<PathBuf>,
        /// Dashboards directory (default from the config: dashboards).
        #[arg(long)]
        dashboards: Option<PathBuf>,
    },
    /// The college summary of one gemeente as one self-contained HTML file that opens offline.
    Export {
        #[arg(long)]
        gemeente: String,
        #[arg(long)]
        out_file: Option<PathBuf>,
        /// The snapshot directory (default data/out). Note: --out is the HTML file, as in
        /// `risicobeeld export --gemeente GM0518 --out samenvatting.html`.
        #[arg(long, default_value = DEMO_OUT)]
        data: PathBuf,
        #[arg(long = "out")]
        file: Option<PathBuf>,
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Manage the server's accounts (Argon2 hashes in the users file).
    User {
        #[command(subcommand)]
        action: UserAction,
        /// Accounts file (default from the config: data/gebruikers.toml).
        #[arg(long, global = true)]
        users: Option<PathBuf>,
        #[arg(long, global = true)]
        config: Option<PathBuf>,
    },
    /// Write the demo region's input drop (deterministic) into a directory.
    Demo {
        #[arg(long, default_value = DEMO_INPUT)]
        out: PathBuf,
    },
    /// Print a SQL model of queries/ as it runs: its template filled in from the indicator
    /// registry (`risicobeeld sql gebied_indicatoren`).
    Sql { model: String },
    /// Print the published vocabulary as JSON: levels, signal forms and sources, phases, the
    /// evaluation's parts and the indicator registry (what the benchmark's peers read).
    Vocabulary,
}

#[derive(Subcommand)]
enum UserAction {
    /// Add an account. The password is read from stdin (first line), never from the command line.
    Add {
        name: String,
        #[arg(long, value_parser = ["analist", "college"])]
        role: String,
    },
    /// Remove an account.
    Remove { name: String },
    /// List accounts and roles.
    List,
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
        // Colour only on a terminal: a cron or systemd log gets plain lines.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = Cli::parse();
    match execute(cli.command) {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            eprintln!("error: {}", report(&f.error));
            ExitCode::from(f.code)
        }
    }
}

/// An error and its causes on one line. The library's messages already name their cause where
/// it helps the reader, so a cause whose text is already there is not repeated.
fn report(error: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if !out.contains(text.trim()) {
            if !out.is_empty() {
                out.push_str(": ");
            }
            out.push_str(&text);
        }
    }
    out
}

fn load_config(path: Option<&Path>) -> Result<Config, Failure> {
    let config = Config::load_or_default(path).map_err(|e| usage(e.into()))?;
    // The [server] section belongs to the server crate: checked here, for every command.
    server_settings(&config)?;
    Ok(config)
}

/// The `[server]` section of a config as the server's settings (defaults for what it leaves
/// out; an unknown key is a usage error).
fn server_settings(config: &Config) -> Result<risicobeeld_serve::ServerConfig, Failure> {
    risicobeeld_serve::ServerConfig::deserialize(config.server.clone())
        .map_err(|e| usage(anyhow::anyhow!("config [server]: {e}")))
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

/// The input and output of `run`: both given, or neither (the demo region into `data/out`). An
/// explicit `--out` without `--input` is a usage error, so that a production cron line that lost
/// its `--input` can never make the synthetic demo current.
fn run_dirs(input: Option<PathBuf>, out: Option<PathBuf>) -> Result<(PathBuf, PathBuf), Failure> {
    match (input, out) {
        (Some(input), Some(out)) => Ok((input, out)),
        (Some(input), None) => Ok((input, PathBuf::from(DEMO_OUT))),
        (None, None) => {
            println!(
                "no --input and no --out: running the bundled demo region (synthetic data) into {DEMO_OUT}"
            );
            Ok((input_or_demo(None)?, PathBuf::from(DEMO_OUT)))
        }
        (None, Some(out)) => Err(usage(anyhow::anyhow!(
            "--out {} was given without --input: name the drop to publish with --input DIR \
             (the demo region is published only when neither is given, or write it with `risicobeeld demo`)",
            out.display()
        ))),
    }
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
            let (input, out) = run_dirs(input, out)?;
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
                            "  openbaar: {} of {} sensitive cells hidden ({:.1} %): {} primary ({:.1} %), {} to protect them ({:.1} %); {} of {} leeg_aantal shielded; audit passed",
                            d.hidden(),
                            d.cells,
                            d.share(d.hidden()),
                            d.primary,
                            d.share(d.primary),
                            d.secondary,
                            d.share(d.secondary),
                            d.bounding_hidden,
                            d.bounding_cells,
                        );
                        for safe in &d.safe_cells {
                            println!(
                                "    {:<28} safe cells hidden: {} of {} ({:.1} %; any safe pattern hides at least {})",
                                safe.table,
                                safe.hidden,
                                safe.cells,
                                100.0 * safe.hidden as f64 / safe.cells.max(1) as f64,
                                safe.forced
                            );
                        }
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
            let (system, exposed) = risicobeeld::disclosure::audit_published(
                &dir,
                risicobeeld::disclosure::Protection::of(&config.disclosure),
                i64::from(config.rni.meervoudig_vanaf),
            )
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
        Command::Serve {
            out,
            addr,
            config,
            users,
            dashboards,
        } => {
            let mut settings = server_settings(&load_config(config.as_deref())?)?;
            if let Some(a) = addr {
                settings.addr = a;
            }
            if let Some(u) = users {
                settings.users_file = u;
            }
            if let Some(d) = dashboards {
                settings.dashboards_dir = d;
            }
            let runtime = tokio::runtime::Runtime::new().context("starting the server runtime")?;
            runtime
                .block_on(risicobeeld_serve::serve(&out, settings))
                .map_err(|e| match e {
                    risicobeeld_serve::ServeError::OpenWithoutAccounts(_)
                    | risicobeeld_serve::ServeError::Snapshot(_) => usage(e.into()),
                    other => other.into(),
                })?;
            Ok(0)
        }
        Command::Export {
            gemeente,
            out_file,
            data,
            file,
            config,
        } => {
            let settings = server_settings(&load_config(config.as_deref())?)?;
            let target = file.or(out_file).ok_or_else(|| {
                usage(anyhow::anyhow!(
                    "name the HTML file to write with --out FILE"
                ))
            })?;
            let runtime = tokio::runtime::Runtime::new().context("starting the runtime")?;
            let html = runtime
                .block_on(async {
                    let state = risicobeeld_serve::AppState::new(&data, settings)?;
                    risicobeeld_serve::routes::export_college(&state, &gemeente)
                        .await
                        .map_err(|e| anyhow::anyhow!("gemeente {gemeente}: {e}"))
                })
                .map_err(usage)?;
            std::fs::write(&target, html)
                .with_context(|| format!("writing {}", target.display()))?;
            println!(
                "college summary of {gemeente} written to {}",
                target.display()
            );
            Ok(0)
        }
        Command::User {
            action,
            users,
            config,
        } => {
            let path =
                users.unwrap_or(server_settings(&load_config(config.as_deref())?)?.users_file);
            manage_users(&path, action)
        }
        Command::Demo { out } => {
            risicobeeld::demo::generate(&out).context("writing the demo region")?;
            println!("demo drop written to {}", out.display());
            Ok(0)
        }
        Command::Sql { model } => {
            let sql = risicobeeld::transform::render(&model).map_err(|e| usage(e.into()))?;
            print!("{sql}");
            Ok(0)
        }
        Command::Vocabulary => {
            let json = risicobeeld_snapshot::vocabulary::as_json();
            println!("{}", serde_json::to_string_pretty(&json)?);
            Ok(0)
        }
    }
}

/// `risicobeeld user add|remove|list`.
fn manage_users(path: &Path, action: UserAction) -> Result<u8, Failure> {
    use risicobeeld_serve::auth::UsersFile;
    use risicobeeld_serve::snapshot::Role;
    let mut users = UsersFile::load(path).map_err(|e| usage(e.into()))?;
    match action {
        UserAction::List => {
            if users.users.is_empty() {
                println!(
                    "no accounts in {} (the server shows only openbaar/ data)",
                    path.display()
                );
            }
            for u in &users.users {
                println!("{}\t{}", u.naam, u.rol.name());
            }
            return Ok(0);
        }
        UserAction::Add { name, role } => {
            let role = if role == "analist" {
                Role::Analist
            } else {
                Role::College
            };
            let mut password = String::new();
            std::io::stdin()
                .read_line(&mut password)
                .context("reading the password from stdin")?;
            let password = password.trim_end_matches(['\n', '\r']);
            users
                .add(&name, role, password)
                .map_err(|e| usage(e.into()))?;
            users
                .save(path)
                .map_err(|e| Failure::from(anyhow::Error::from(e)))?;
            println!("added {name} ({}) to {}", role.name(), path.display());
        }
        UserAction::Remove { name } => {
            users.remove(&name).map_err(|e| usage(e.into()))?;
            users
                .save(path)
                .map_err(|e| Failure::from(anyhow::Error::from(e)))?;
            println!("removed {name} from {}", path.display());
        }
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_names_each_cause_once() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let error = anyhow::Error::new(risicobeeld::config::ConfigError::Read {
            path: "a.toml".into(),
            source: io,
        })
        .context("loading the config");
        assert_eq!(
            report(&error),
            "loading the config: cannot read the config file a.toml: no such file"
        );
    }
}
