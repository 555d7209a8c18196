//! What a newsroom pastes into its own page: an iframe of the page that takes the height
//! the page reports (by `postMessage`, as Datawrapper's responsive iframes do), a static
//! picture of the day for readers without JavaScript, and the day in words.

use chrono::NaiveDate;

use crate::control::ControlModel;
use crate::render::change_lines;
use crate::scenario::Scenario;
use crate::stats::FactionDay;

use super::escape;

/// The day in words: the shares of land per faction and what changed hands. The same
/// sentences as the page's summary under the date and the map's alt text.
pub fn summary(scenario: &Scenario, model: &ControlModel, stats: &[FactionDay], day: NaiveDate) -> String {
    let mut rows: Vec<&FactionDay> =
        stats.iter().filter(|r| r.date == day && r.faction.is_some() && r.share_pct >= 0.05).collect();
    rows.sort_by(|a, b| b.share_pct.total_cmp(&a.share_pct));
    let shares: Vec<String> = rows
        .iter()
        .filter_map(|r| Some(format!("{} {:.1} %", scenario.faction(r.faction?).name, r.share_pct)))
        .collect();
    let changes = change_lines(scenario, model, day);
    let moved = changes.iter().filter(|c| c.place.is_some()).count();
    let mut text = format!("Map of {} on {}.", scenario.title, scenario.text.date(day));
    if !shares.is_empty() {
        text.push_str(&format!(" Share of the land held: {}.", shares.join(", ")));
    }
    text.push_str(&match moved {
        0 => " No place changed hands this day.".to_string(),
        1 => " One place changed hands this day.".to_string(),
        n => format!(" {n} places changed hands this day."),
    });
    for c in changes {
        text.push('\n');
        text.push_str(&c.text);
    }
    text
}

/// The snippet to paste: the iframe (of `src`, the page's address as the host will serve
/// it), the script that sizes it, and the picture and words for readers without
/// JavaScript. Every text from the data is escaped.
pub fn snippet(scenario: &Scenario, src: &str, picture: &str, summary: &str) -> String {
    let id = format!("frontline-{:08x}", fnv(&scenario.title));
    let title = escape(&scenario.title);
    let first_line = escape(summary.lines().next().unwrap_or_default());
    let words: String = summary.lines().map(|l| format!("<li>{}</li>", escape(l))).collect();
    format!(
        r#"<!-- frontline embed: the page sizes this iframe to its content. Serve {src} (and the files beside it) from your site. -->
<div class="frontline-embed">
<iframe id="{id}" src="{src}" title="{title}" style="width:100%;height:900px;border:0" scrolling="no" loading="lazy"></iframe>
<noscript><img src="{picture}" alt="{first_line}" style="max-width:100%;height:auto"></noscript>
<details><summary>The map in words</summary><ul>{words}</ul></details>
<script>(function () {{
  var frame = document.getElementById("{id}");
  window.addEventListener("message", function (e) {{
    if (!frame || e.source !== frame.contentWindow || !e.data) return;
    var h = e.data["frontline-height"];
    if (typeof h === "number" && h > 0 && h < 100000) frame.style.height = Math.ceil(h) + "px";
  }});
}})();</script>
</div>
"#,
        src = escape(src),
        picture = escape(picture),
    )
}

/// A short stable hash of a text (FNV-1a), so two embeds of different maps on one page get
/// different ids.
fn fnv(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193))
}
