//! The command line: argument parsing and one function per command.

mod output;
mod query;

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};

use frontline::scenario::{Folder, SYRIA_2024, ScenarioFiles};
use output::Format;

/// Maps of territorial control in a war: daily frames, GeoJSON, and who held what when.
#[derive(Debug, Parser)]
#[command(name = "frontline", version, about, long_about = None)]
pub struct Cli {
    /// A scenario folder holding scenario.toml (default: the built-in Syria 2024 scenario).
    #[arg(long, global = true, value_name = "DIR")]
    scenario: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Who held each named place (all places if none) at the end of a day.
    Control {
        /// The day, YYYY-MM-DD.
        #[arg(long, value_parser = parse_day)]
        date: NaiveDate,
        /// Place names, aliases or ids.
        places: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// A place's history of control, with the sources for each period.
    Timeline {
        /// A place name, alias or id.
        place: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Places that changed hands between two days, and counts per faction.
    Diff {
        /// The earlier day, YYYY-MM-DD.
        #[arg(long, value_parser = parse_day)]
        from: NaiveDate,
        /// The later day, YYYY-MM-DD.
        #[arg(long, value_parser = parse_day)]
        to: NaiveDate,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Validates a scenario and lists every problem with file:line; exits non-zero on errors.
    Check {
        /// A folder of the reports the events cite, to check that every quote stands in its report.
        #[arg(long, value_name = "DIR")]
        sources: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Searches the gazetteer and shows how a name resolves.
    Places {
        /// A name or part of one (all places if none).
        query: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

fn parse_day(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("expected a date as YYYY-MM-DD, found {text:?}"))
}

/// Runs the command line and returns the process's exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            // A closed pipe is how `| head` says "enough": not an error.
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            eprintln!("frontline: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn files(cli_scenario: &Option<PathBuf>) -> Box<dyn ScenarioFiles> {
    match cli_scenario {
        Some(dir) => Box::new(Folder(dir.clone())),
        None => Box::new(SYRIA_2024),
    }
}

fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    let files = files(&cli.scenario);
    match cli.command {
        Command::Control {
            date,
            places,
            format,
        } => query::control(files.as_ref(), date, &places, format),
        Command::Timeline { place, format } => query::timeline(files.as_ref(), &place, format),
        Command::Diff { from, to, format } => query::diff(files.as_ref(), from, to, format),
        Command::Check { sources, format } => {
            query::check(files.as_ref(), sources.as_deref(), format)
        }
        Command::Places { query, format } => {
            query::places(files.as_ref(), query.as_deref(), format)
        }
    }
}
