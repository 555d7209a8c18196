//! Renders one day of the shipped Syria scenario to a PNG file.
//!
//! Run: `cargo run --release --example render_day -- 2024-12-06 hama.png`

use frontline::Scenario;
use frontline::render::{Atlas, Style, render_png};
use frontline::territory::Territory;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let day: chrono::NaiveDate = args.next().unwrap_or_else(|| "2024-12-06".into()).parse()?;
    let out = args.next().unwrap_or_else(|| format!("{day}.png"));
    let scenario = Scenario::syria_2024()?;
    let model = scenario.model();
    let territory = Territory::new(&scenario);
    let atlas = Atlas::new(&scenario, &model, &territory, 1920, 1080, Style::default())?;
    let png = render_png(&atlas, day, &atlas.day_map(day))?;
    std::fs::write(&out, png)?;
    println!("wrote {out}");
    Ok(())
}
