//! What a detailed-map module's mark file says, read from its name: who holds the place
//! (`Location dot red.svg`), that two or three sides share it (`Map-ctl2-red+yellow.svg`),
//! that they fight over it (`80x80-red-blue-anim.gif`), or that one side besieges it
//! (`Map-arcNE-lime.svg`, `Map-circle-red.svg`). A name that fits none of the patterns
//! the modules' legends use is [`Icon::Unknown`]: counted and reported, never guessed
//! from a colour word it happens to contain.

/// The colour words the modules' file names use.
pub const COLOURS: [&str; 20] = [
    "red", "lime", "green", "yellow", "grey", "gray", "black", "blue", "cyan", "magenta", "orange", "purple", "pink",
    "brown", "white", "olive", "teal", "maroon", "navy", "gold",
];

/// What a mark's file says about its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Icon {
    /// One side holds it.
    Held {
        /// The side's colour word.
        colour: String,
        /// What sort of mark: a town dot, a rural presence, a base or an airfield.
        kind: MarkKind,
    },
    /// Two or three sides share control, stably (`Map-ctl2-a+b`, `Map-ctl3-a+b+c`).
    Mixed(Vec<String>),
    /// Two or three sides fight over it (`80x80-a-b-anim.gif`).
    Contested(Vec<String>),
    /// A side besieges it, from one direction (`Map-arcNE-x`) or all round (`Map-circle-x`).
    /// The place's own holder is a separate mark at the same spot.
    Siege {
        /// The besieger's colour word.
        colour: String,
        /// `NE`, `SS`… or `None` for a full circle.
        direction: Option<String>,
    },
    /// A file none of the patterns fits (a port, a dam, a border post, a truce symbol…).
    Unknown,
}

/// The sort of a held mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkKind {
    /// A town or village dot.
    Town,
    /// A rural presence dot (`3x3dot-x`, `4x4dot-x`): a side is present in the countryside.
    Presence,
    /// A military base (`Abm-x`).
    Base,
    /// An airport, air base or heliport (`Fighter-jet-x-icon`, `Helicopter-x-icon`).
    Airfield,
}

impl MarkKind {
    /// The gazetteer `kind` of such a mark.
    pub fn gazetteer_kind(self) -> &'static str {
        match self {
            MarkKind::Town | MarkKind::Presence => "village",
            MarkKind::Base => "base",
            MarkKind::Airfield => "airport",
        }
    }
}

fn colour(word: &str) -> Option<String> {
    let w = word.trim();
    COLOURS.iter().any(|c| *c == w).then(|| if w == "gray" { "grey".to_string() } else { w.to_string() })
}

/// Colours joined by `sep`, each a known colour word, two or three of them.
fn colours(text: &str, sep: char) -> Option<Vec<String>> {
    let parts: Vec<String> = text.split(sep).map(colour).collect::<Option<_>>()?;
    (2..=3).contains(&parts.len()).then_some(parts)
}

const DIRECTIONS: [&str; 8] = ["nn", "ne", "ee", "se", "ss", "sw", "ww", "nw"];

/// Reads a mark's file name (with or without `File:`, any case, spaces or underscores).
pub fn classify(file: &str) -> Icon {
    let name = file.trim();
    let name = name.strip_prefix("File:").or_else(|| name.strip_prefix("Image:")).unwrap_or(name);
    let lower = name.to_lowercase().replace('_', " ");
    let Some((stem, ext)) = lower.rsplit_once('.') else { return Icon::Unknown };
    if !matches!(ext, "svg" | "png" | "gif") {
        return Icon::Unknown;
    }
    let held = |c: &str, kind| colour(c).map(|colour| Icon::Held { colour, kind });
    let found = if let Some(rest) = stem.strip_prefix("location dot ") {
        held(rest, MarkKind::Town)
    } else if let Some(rest) = stem.strip_prefix("dot ") {
        // "Dot green 0d0": a colour, then the shade's hex code.
        let mut words = rest.split(' ');
        match (words.next(), words.next(), words.next()) {
            (Some(c), None, None) => held(c, MarkKind::Town),
            (Some(c), Some(hex), None) if hex.chars().all(|h| h.is_ascii_hexdigit()) => held(c, MarkKind::Town),
            _ => None,
        }
    } else if let Some(rest) = stem.strip_prefix("map-dot-") {
        // "Map-dot-grey-68a".
        let c = rest.split('-').next().unwrap_or("");
        let tail = rest[c.len()..].trim_start_matches('-');
        if tail.chars().all(|h| h.is_ascii_hexdigit()) { held(c, MarkKind::Town) } else { None }
    } else if let Some(rest) = stem.strip_prefix("3x3dot-").or_else(|| stem.strip_prefix("4x4dot-")) {
        held(rest, MarkKind::Presence)
    } else if let Some(rest) = stem.strip_prefix("abm-") {
        held(rest.strip_suffix("-icon").unwrap_or(rest), MarkKind::Base)
    } else if let Some(rest) = stem.strip_prefix("fighter-jet-").or_else(|| stem.strip_prefix("helicopter-")) {
        rest.strip_suffix("-icon").and_then(|c| held(c, MarkKind::Airfield))
    } else if let Some(rest) = stem.strip_prefix("map-ctl2-").or_else(|| stem.strip_prefix("map-ctl3-")) {
        colours(rest, '+').filter(|c| c.len() == if stem.starts_with("map-ctl2") { 2 } else { 3 }).map(Icon::Mixed)
    } else if let Some(rest) = stem.strip_prefix("80x80-") {
        rest.strip_suffix("-anim").and_then(|r| colours(r, '-')).map(Icon::Contested)
    } else if let Some(rest) = stem.strip_prefix("map-circle-") {
        colour(rest).map(|colour| Icon::Siege { colour, direction: None })
    } else if let Some(rest) = stem.strip_prefix("map-arc") {
        let (dir, c) = rest.split_at(rest.len().min(2));
        match (DIRECTIONS.contains(&dir), c.strip_prefix('-').and_then(colour)) {
            (true, Some(colour)) => Some(Icon::Siege { colour, direction: Some(dir.to_uppercase()) }),
            _ => None,
        }
    } else {
        stem.strip_suffix(" pog").and_then(|c| held(c, MarkKind::Town))
    };
    found.unwrap_or(Icon::Unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(c: &str, kind: MarkKind) -> Icon {
        Icon::Held { colour: c.into(), kind }
    }

    #[test]
    fn every_kind_of_the_legends_and_nothing_else() {
        let s = |v: &[&str]| v.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        for (file, want) in [
            ("Location dot red.svg", held("red", MarkKind::Town)),
            ("Location_dot_blue.svg", held("blue", MarkKind::Town)),
            ("Dot green 0d0.svg", held("green", MarkKind::Town)),
            ("Dot yellow ff4.svg", held("yellow", MarkKind::Town)),
            ("Map-dot-grey-68a.svg", held("grey", MarkKind::Town)),
            ("Red pog.svg", held("red", MarkKind::Town)),
            ("3x3dot-lime.svg", held("lime", MarkKind::Presence)),
            ("4x4dot-black.svg", held("black", MarkKind::Presence)),
            ("Abm-red.svg", held("red", MarkKind::Base)),
            ("Abm-lime-icon.png", held("lime", MarkKind::Base)),
            ("Fighter-jet-red-icon.svg", held("red", MarkKind::Airfield)),
            ("Helicopter-gray-icon.svg", held("grey", MarkKind::Airfield)),
            ("Map-ctl2-red+yellow.svg", Icon::Mixed(s(&["red", "yellow"]))),
            ("Map-ctl3-red+lime+grey.svg", Icon::Mixed(s(&["red", "lime", "grey"]))),
            ("80x80-red-blue-anim.gif", Icon::Contested(s(&["red", "blue"]))),
            ("80x80-red-lime-yellow-anim.gif", Icon::Contested(s(&["red", "lime", "yellow"]))),
            ("map-arcNE-lime.svg", Icon::Siege { colour: "lime".into(), direction: Some("NE".into()) }),
            ("Map-circle-red.svg", Icon::Siege { colour: "red".into(), direction: None }),
            ("File:Location dot black.svg", held("black", MarkKind::Town)),
        ] {
            assert_eq!(classify(file), want, "{file}");
        }
        for file in [
            "Anchor pictogram.svg",
            "Icon NuclearPowerPlant-black.svg",
            "Mountain pass 12x12 n.svg",
            "LACMTA Circle Purple Line.svg",
            "Location dot chartreuse.svg",
            "Map-ctl2-red.svg",
            "Map-ctl3-red+lime.svg",
            "80x80-red-anim.gif",
            "map-arcXY-red.svg",
            "Location dot red.jpg",
            "Location dot red",
            "Dot green zz9.svg",
        ] {
            assert_eq!(classify(file), Icon::Unknown, "{file}");
        }
    }
}
