//! The command line: argument parsing and one function per command.

mod export;
mod files;
mod gif_stage;
mod import;
mod init;
mod output;
mod query;
mod render;
mod site;
mod stats;
mod wikimap;

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};

use frontline::scenario::{AllowLong, Folder, Mode, SYRIA_2024, ScenarioFiles};
use output::Format;

/// Maps of territorial control in a war: daily frames, GeoJSON, and who held what when.
#[derive(Debug, Parser)]
#[command(name = "frontline", version, about, long_about = None)]
pub struct Cli {
    /// A scenario folder holding scenario.toml (default: the built-in Syria 2024 scenario).
    #[arg(long, global = true, value_name = "DIR")]
    scenario: Option<PathBuf>,

    /// The largest input file read, in MB (inputs over it are refused with an error).
    #[arg(long, global = true, value_name = "MB", default_value_t = 256, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    max_input_mb: u64,

    /// Only what the rows say: no assessed control (succession, enclaves). Applies to
    /// control, timeline, diff, render, export, stats and site.
    #[arg(long, global = true)]
    evidence_only: bool,

    /// Accept a scenario of more than 7305 days (20 years) from first_day to last_day;
    /// without it such a range is refused as a likely typo in a year.
    #[arg(long, global = true)]
    allow_long: bool,

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
        /// Warn about places still shown with a holder that has no evidence since this
        /// day while all their neighbours changed hands (default: the first day).
        #[arg(long, value_parser = parse_day, value_name = "YYYY-MM-DD")]
        stale_since: Option<NaiveDate>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Renders one map per day (PNG or SVG), the animated GIF and optionally an MP4.
    Render {
        /// The first day (default: the scenario's first).
        #[arg(long, value_parser = parse_day)]
        from: Option<NaiveDate>,
        /// The last day (default: the scenario's last).
        #[arg(long, value_parser = parse_day)]
        to: Option<NaiveDate>,
        /// The folder for the frames, named YYYY-MM-DD.png (or .svg).
        #[arg(long, value_name = "DIR", default_value = "frames")]
        out: PathBuf,
        /// Frame size in pixels, or a preset: 720p, 1080p, 4k, square (1080x1080), social
        /// (1200x675, a link card), story (1080x1920, portrait).
        #[arg(long, value_name = "WxH", default_value = "1920x1080", value_parser = render::parse_size)]
        size: render::Size,
        /// Frame format.
        #[arg(long, value_enum, default_value_t = render::FrameFormat::Png)]
        format: render::FrameFormat,
        /// The animated GIF (default: animation.gif in the frames folder).
        #[arg(long, value_name = "FILE")]
        gif: Option<PathBuf>,
        /// Do not write the GIF.
        #[arg(long, conflicts_with = "gif")]
        no_gif: bool,
        /// Also write an MP4 video (needs ffmpeg on PATH).
        #[arg(long, value_name = "FILE")]
        mp4: Option<PathBuf>,
        /// One frame every N days (7: weekly), from the first day; the last day is always drawn.
        #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
        every: u32,
        /// Frames per second of the GIF and the MP4.
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=50))]
        fps: u32,
        /// How long the GIF and the MP4 hold the last day, in milliseconds (0: no longer
        /// than the others).
        #[arg(long, value_name = "MS", default_value_t = 3000, value_parser = clap::value_parser!(u32).range(0..=600_000))]
        hold_last: u32,
        /// Open the GIF and the MP4 with a title card (title, subtitle, span of days) shown
        /// for MS milliseconds (default 2500).
        #[arg(long, value_name = "MS", num_args = 0..=1, default_missing_value = "2500", value_parser = clap::value_parser!(u32).range(100..=600_000))]
        title_card: Option<u32>,
        /// Worker threads (default: one per core). The output is the same whatever the number.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=256))]
        threads: Option<u32>,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
        /// Flush every file to the disk before it is renamed into place (safer against a
        /// power cut, slower). Without it, outputs are still whole or absent.
        #[arg(long)]
        sync: bool,
    },
    /// Exports GeoJSON (a day's snapshot, or the time-enabled history) or CSV.
    #[command(group(clap::ArgGroup::new("what").required(true).args(["date", "timeline", "csv", "events_csv"])))]
    Export {
        /// A day's GeoJSON snapshot: faction areas, frontlines and places.
        #[arg(long, value_parser = parse_day)]
        date: Option<NaiveDate>,
        /// The whole history as time-enabled GeoJSON (start/end on every feature).
        #[arg(long)]
        timeline: bool,
        /// The daily control table as CSV: one row per place and day.
        #[arg(long)]
        csv: bool,
        /// The validated events with their resolved place ids, as CSV.
        #[arg(long)]
        events_csv: bool,
        /// The file to write (default: standard output). Written whole or not at all.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Places, area (km²), population and contested places per faction and day; with
    /// --chart, the stacked area of km² per faction (PNG or SVG).
    Stats {
        /// The first day (default: the scenario's first).
        #[arg(long, value_parser = parse_day)]
        from: Option<NaiveDate>,
        /// The last day (default: the scenario's last).
        #[arg(long, value_parser = parse_day)]
        to: Option<NaiveDate>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Also draw the chart into this file (.png or .svg). Written whole or not at all.
        #[arg(long, value_name = "FILE")]
        chart: Option<PathBuf>,
        /// The chart's size in pixels.
        #[arg(long, value_name = "WxH", default_value = "1200x700", value_parser = render::parse_size)]
        size: render::Size,
        /// What the chart shows: `held` (the area each side holds, stacked) or `change` (each
        /// side's gain or loss since the first day: the land that changed hands).
        #[arg(long, value_enum, default_value_t = stats::ChartKind::Held)]
        chart_of: stats::ChartKind,
        /// A table of figures others published (shares of land or people per side and day;
        /// see the README, "Set beside published figures"): prints ours beside each, with the
        /// difference and whether it is within the figure's tolerance, instead of the daily
        /// rows. May be given more than once.
        #[arg(long, value_name = "FILE")]
        against: Vec<PathBuf>,
        /// Sets ours beside the figures of the scenario's own `published` tables (the
        /// shipped Syria data carries Jusoor's, SOHR's and Al Jazeera's), as
        /// `--against` does.
        #[arg(long)]
        published: bool,
    },
    /// Writes one self-contained page (DIR/index.html) to scrub the days, click a place for
    /// its evidence, and see the area chart; it works opened straight from disk.
    Site {
        /// The folder to write index.html into.
        #[arg(long, value_name = "DIR", default_value = "site")]
        out: PathBuf,
        /// The first day (default: the scenario's first).
        #[arg(long, value_parser = parse_day)]
        from: Option<NaiveDate>,
        /// The last day (default: the scenario's last).
        #[arg(long, value_parser = parse_day)]
        to: Option<NaiveDate>,
        /// Also write DIR/embed.html, an iframe snippet for another site that sizes itself to
        /// the page, with DIR/embed.png (the last day) and the day in words for readers
        /// without JavaScript.
        #[arg(long)]
        embed: bool,
        /// Write the days into files of N days beside the page (DIR/days/), loaded as they are
        /// shown. Default: all in the page when their data is under 4 MB, else files of 28 days.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
        split_days: Option<u32>,
    },
    /// Starts a new scenario in DIR: the country and its neighbours from the built-in
    /// Natural Earth map, a manifest fitted to them, and empty tables with examples.
    Init {
        /// The folder to create (new or empty, unless --force).
        dir: PathBuf,
        /// The country, as Natural Earth names it, e.g. Ukraine.
        #[arg(long)]
        country: String,
        /// What the frames show, west,south,east,north in degrees (default: the country and a margin).
        #[arg(long, value_name = "W,S,E,N", value_parser = init::parse_extent, allow_hyphen_values = true)]
        extent: Option<geo::Rect<f64>>,
        /// The war's first day (without it, a placeholder that check refuses until set).
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day, requires = "to")]
        from: Option<NaiveDate>,
        /// The war's last day.
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day, requires = "from")]
        to: Option<NaiveDate>,
        /// Frame the country's exclaves too (by default the frame fits its main body).
        #[arg(long)]
        with_exclaves: bool,
        /// Write into a folder that holds files: each file replaced is first copied to
        /// NAME.bak-YYYYMMDDTHHMMSSZ beside it.
        #[arg(long)]
        force: bool,
    },
    /// Imports other people's data into a scenario (--scenario DIR).
    Import {
        #[command(subcommand)]
        what: ImportCommand,
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

/// Checks that `date` lies within the scenario; `what` names the flag in the message.
fn in_range(s: &frontline::Scenario, date: NaiveDate, what: &str) -> anyhow::Result<()> {
    if date < s.first_day || date > s.last_day {
        anyhow::bail!("{what} {date} is outside the scenario, which runs from {} to {}", s.first_day, s.last_day);
    }
    Ok(())
}

/// The days `--from` to `--to` ask for (the scenario's by default), checked.
fn day_range(
    s: &frontline::Scenario,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> anyhow::Result<(NaiveDate, NaiveDate)> {
    let (from, to) = (from.unwrap_or(s.first_day), to.unwrap_or(s.last_day));
    in_range(s, from, "--from")?;
    in_range(s, to, "--to")?;
    if to < from {
        anyhow::bail!("--to {to} is before --from {from}");
    }
    Ok((from, to))
}

/// What `frontline import` reads.
#[derive(Debug, Subcommand)]
enum ImportCommand {
    /// GeoNames' country dump (XX.txt, 19 tab-separated columns) into the gazetteer; rows
    /// already there (by GeoNames id) are left as they are, so edits survive a re-import.
    Geonames {
        /// The dump, e.g. UA.txt from GeoNames' export.
        file: PathBuf,
        /// admin1CodesASCII.txt, for region names (else the codes are used).
        #[arg(long, value_name = "FILE")]
        admin1: Option<PathBuf>,
        /// Leave out places with fewer people (unknown populations count as 0).
        #[arg(long, default_value_t = 0)]
        min_population: u64,
        /// Keep city sections (PPLX) and historical or abandoned places too.
        #[arg(long)]
        all_codes: bool,
    },
    /// An ACLED export's territory changes into events (re-importing updates rows by
    /// event_id_cnty); unknown places are matched by coordinates or added.
    Acled {
        /// The export (CSV).
        file: PathBuf,
        /// A TOML [actors] table: ACLED actor name = faction id; a name ending in * is a prefix.
        #[arg(long, value_name = "FILE")]
        actors: PathBuf,
    },
    /// A Wikipedia detailed-map module (its raw text; one file per revision) into places,
    /// the baseline and dated rows. Its text is CC BY-SA 4.0: the scenario credits it.
    WikipediaMap {
        /// The module's raw text, e.g. saved from index.php?title=Module:…&action=raw&oldid=N.
        #[arg(required = true, num_args = 1..)]
        modules: Vec<PathBuf>,
        /// The day of each revision, in the order of the files (the earliest gives the baseline).
        #[arg(long = "date", value_name = "YYYY-MM-DD", value_parser = parse_day)]
        dates: Vec<NaiveDate>,
        /// The id (oldid) of each revision, in the order of the files, for the sources' addresses.
        #[arg(long = "oldid", value_name = "N")]
        oldids: Vec<u64>,
        /// The module's title, e.g. "Module:Syrian civil war detailed map".
        #[arg(long)]
        title: String,
        /// A TOML [colours] table: colour word of the mark files = faction id, e.g. red = "gov".
        #[arg(long, value_name = "FILE")]
        colours: PathBuf,
    },
}

fn parse_day(text: &str) -> Result<NaiveDate, String> {
    frontline::scenario::parse_day(text)
}

/// Runs the command line and returns the process's exit code.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let text = e.render().to_string();
            let cut = cut_long_args(&text);
            if cut == text {
                // Nothing to cut: clap prints as usual (colours, help and version on stdout).
                e.exit();
            }
            eprint!("{cut}");
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    files::note_run_start();
    files::clean_up_on_interrupt();
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            // A closed pipe is how `| head` says "enough": not an error.
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            eprintln!("frontline: {}", cut_long_args(&describe(&e)));
            ExitCode::FAILURE
        }
    }
}

/// An error and its causes, joined by ": ", leaving out a cause whose text the message
/// before it already ends with (our file errors name their cause themselves, so
/// anyhow's `{:#}` printed "No such file or directory" twice).
fn describe(e: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in e.chain() {
        let message = cause.to_string();
        if text.ends_with(&message) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&message);
    }
    text
}

/// `text` with every command-line value longer than the echo limit cut as
/// [`frontline::error::shorten`] cuts it: a message (clap's, or ours naming a place, a day
/// or a path as typed) repeats at most 60 characters of what was typed, however long.
fn cut_long_args(text: &str) -> String {
    let limit = frontline::error::ECHO_CHARS;
    let mut long: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .flat_map(|a| {
            // `--option=value` is echoed as its value alone, too.
            let value = a.strip_prefix("--").and_then(|o| o.split_once('=')).map(|(_, v)| v.to_string());
            std::iter::once(a).chain(value)
        })
        .filter(|a| a.chars().count() > limit)
        .collect();
    // Longest first, so a value inside a longer one is not cut in two steps.
    long.sort_by_key(|a| std::cmp::Reverse(a.len()));
    let mut out = text.to_string();
    for a in &long {
        if out.contains(a.as_str()) {
            out = out.replace(a.as_str(), &frontline::error::shorten(a));
        }
    }
    out
}

fn files(cli_scenario: &Option<PathBuf>, max_input_mb: u64, allow_long: bool) -> Box<dyn ScenarioFiles> {
    let folder = |dir: &PathBuf| Folder { dir: dir.clone(), max_bytes: max_input_mb.saturating_mul(1 << 20) };
    match (cli_scenario, allow_long) {
        (Some(dir), false) => Box::new(folder(dir)),
        (Some(dir), true) => Box::new(AllowLong(folder(dir))),
        (None, false) => Box::new(SYRIA_2024),
        (None, true) => Box::new(AllowLong(SYRIA_2024)),
    }
}

fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    let files = files(&cli.scenario, cli.max_input_mb, cli.allow_long);
    let mode = if cli.evidence_only { Mode::EvidenceOnly } else { Mode::Assessed };
    match cli.command {
        Command::Control { date, places, format } => query::control(files.as_ref(), mode, date, &places, format),
        Command::Timeline { place, format } => query::timeline(files.as_ref(), mode, &place, format),
        Command::Diff { from, to, format } => query::diff(files.as_ref(), mode, from, to, format),
        Command::Check { sources, stale_since, format } => {
            query::check(files.as_ref(), sources.as_deref(), stale_since, format)
        }
        Command::Render {
            from,
            to,
            out,
            size,
            format,
            gif,
            no_gif,
            mp4,
            every,
            fps,
            hold_last,
            title_card,
            threads,
            quiet,
            sync,
        } => {
            files::set_sync(sync);
            let gif = if no_gif { None } else { Some(gif.unwrap_or_else(|| out.join("animation.gif"))) };
            let job = render::RenderJob {
                from,
                to,
                out,
                size,
                format,
                gif,
                mp4,
                every: every as usize,
                fps,
                threads: threads.map(|t| t as usize),
                quiet,
                mode,
                hold_last_ms: hold_last,
                title_card_ms: title_card,
            };
            render::render(files.as_ref(), job)
        }
        Command::Export { date, timeline, csv, events_csv, out } => {
            let kind = match (date, timeline, csv, events_csv) {
                (Some(day), ..) => export::ExportKind::Snapshot(day),
                (_, true, ..) => export::ExportKind::Timeline,
                (_, _, true, _) => export::ExportKind::ControlCsv,
                _ => export::ExportKind::EventsCsv,
            };
            export::export(files.as_ref(), mode, kind, out)
        }
        Command::Stats { from, to, format, chart, size, chart_of, against, published } => {
            let max_input_bytes = cli.max_input_mb.saturating_mul(1 << 20);
            let job =
                stats::StatsJob { from, to, format, chart, size, mode, chart_of, against, published, max_input_bytes };
            stats::stats(files.as_ref(), job)
        }
        Command::Site { out, from, to, embed, split_days } => {
            site::site(files.as_ref(), mode, out, (from, to), embed, split_days)
        }
        Command::Init { dir, country, extent, from, to, with_exclaves, force } => {
            let days = from.zip(to);
            init::init(&dir, &country, &frontline::init::Options { extent, days, with_exclaves }, force)
        }
        Command::Import { what: ImportCommand::Geonames { file, admin1, min_population, all_codes } } => {
            import::geonames(
                cli.scenario.as_deref(),
                cli.max_input_mb.saturating_mul(1 << 20),
                &file,
                admin1.as_deref(),
                frontline::import::geonames::Filter { min_population, all_codes },
            )
        }
        Command::Import { what: ImportCommand::Acled { file, actors } } => import::acled(
            cli.scenario.as_deref(),
            cli.max_input_mb.saturating_mul(1 << 20),
            cli.allow_long,
            &file,
            &actors,
        ),
        Command::Import { what: ImportCommand::WikipediaMap { modules, dates, oldids, title, colours } } => {
            wikimap::import(
                cli.scenario.as_deref(),
                cli.max_input_mb.saturating_mul(1 << 20),
                wikimap::WikiMapJob { modules, dates, oldids, title, colours },
            )
        }
        Command::Places { query, format } => query::places(files.as_ref(), query.as_deref(), format),
    }
}
