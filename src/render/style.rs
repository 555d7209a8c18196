//! Colours and sizes of a frame. Sizes are in design pixels of a 1080-pixel-high frame and
//! scale with the frame's height.

use crate::event::Colour;

const fn rgb(r: u8, g: u8, b: u8) -> Colour {
    Colour { r, g, b }
}

/// How a frame looks.
#[derive(Debug, Clone)]
pub struct Style {
    /// The sea and anything off the land.
    pub sea: Colour,
    /// Neighbouring countries.
    pub neighbour: Colour,
    /// Land of the focus country that nobody clearly holds.
    pub unheld: Colour,
    /// Borders between neighbours.
    pub border: Colour,
    /// The focus country's outline.
    pub outline: Colour,
    /// Frontlines.
    pub frontline: Colour,
    /// The side panel's background.
    pub panel: Colour,
    /// Main text.
    pub text: Colour,
    /// Secondary text (subtitle, credits).
    pub muted: Colour,
    /// How much an area's fill is lightened towards white (0 = the faction's colour), so
    /// markers in the pure colour stand out on it.
    pub area_lightening: f32,
    /// How much more an assessed (inferred) area is lightened than a reported one.
    pub assessed_lightening: f32,
    /// How much thinly held land (land no place settles) is lightened: a little more
    /// than held land, so it reads as the same holder's, and the edge of a place's reach
    /// stays a faint step rather than a ring.
    pub thin_lightening: f32,
    /// Width of the side panel as a fraction of the frame's width.
    pub panel_fraction: f64,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            sea: rgb(0xd6, 0xe4, 0xee),
            neighbour: rgb(0xe9, 0xe8, 0xe4),
            unheld: rgb(0xf5, 0xf1, 0xe6),
            border: rgb(0xa3, 0xa3, 0xa0),
            outline: rgb(0x4a, 0x4a, 0x4a),
            frontline: rgb(0x1a, 0x1a, 0x1a),
            panel: rgb(0xfb, 0xfa, 0xf7),
            text: rgb(0x1d, 0x1d, 0x1f),
            muted: rgb(0x6b, 0x6b, 0x70),
            area_lightening: 0.35,
            assessed_lightening: 0.6,
            thin_lightening: 0.45,
            panel_fraction: 0.34,
        }
    }
}

impl Style {
    /// The fill of a faction's area.
    pub fn area_colour(&self, faction: Colour) -> Colour {
        faction.mix(rgb(0xff, 0xff, 0xff), self.area_lightening)
    }

    /// The fill of a faction's assessed area: paler than a reported one, under a stipple
    /// of the faction's colour.
    pub fn assessed_colour(&self, faction: Colour) -> Colour {
        faction.mix(rgb(0xff, 0xff, 0xff), self.assessed_lightening)
    }

    /// The fill of a faction's thinly held land.
    pub fn thin_colour(&self, faction: Colour) -> Colour {
        faction.mix(rgb(0xff, 0xff, 0xff), self.thin_lightening)
    }

    /// Every colour a frame is made of before anti-aliasing, for palettes that must keep
    /// them exact (GIF).
    pub fn reserved_colours(&self, factions: &[Colour]) -> Vec<[u8; 3]> {
        let mut out: Vec<[u8; 3]> = [
            self.sea,
            self.neighbour,
            self.unheld,
            self.border,
            self.outline,
            self.frontline,
            self.panel,
            self.text,
            self.muted,
            rgb(0xff, 0xff, 0xff),
        ]
        .iter()
        .map(|c| c.rgb())
        .collect();
        for f in factions {
            out.push(f.rgb());
            out.push(self.area_colour(*f).rgb());
            out.push(self.assessed_colour(*f).rgb());
            out.push(self.thin_colour(*f).rgb());
        }
        out.dedup();
        out
    }
}
