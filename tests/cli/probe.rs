//! Pixel probes on rendered frames: what a reader sees, read back from the PNG.

use std::path::Path;

/// A decoded RGB(A) frame.
pub struct Frame {
    pub width: u32,
    pub height: u32,
    channels: usize,
    buf: Vec<u8>,
}

impl Frame {
    pub fn read(path: &Path) -> Frame {
        let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        Frame { width: info.width, height: info.height, channels: info.color_type.samples(), buf }
    }

    pub fn rgb(&self, x: u32, y: u32) -> [u8; 3] {
        let i = (y * self.width + x) as usize * self.channels;
        [self.buf[i], self.buf[i + 1], self.buf[i + 2]]
    }

    /// Pixels of the box [x0, x1) × [y0, y1) darker than `limit` in every channel: text
    /// (the frames write in near-black and dark grey).
    pub fn dark(&self, x0: u32, x1: u32, y0: u32, y1: u32, limit: u8) -> usize {
        (y0..y1.min(self.height))
            .flat_map(|y| (x0..x1.min(self.width)).map(move |x| (x, y)))
            .filter(|(x, y)| self.rgb(*x, *y).iter().all(|c| *c < limit))
            .count()
    }

    /// The rows of the box holding dark pixels, top to bottom.
    pub fn dark_rows(&self, x0: u32, x1: u32, y0: u32, y1: u32, limit: u8) -> Vec<u32> {
        (y0..y1.min(self.height)).filter(|y| self.dark(x0, x1, *y, y + 1, limit) > 0).collect()
    }
}

/// The credits at the foot of the panel are whole: text in the panel's last 70 pixel
/// rows, whose last line ends at least 3 rows above the frame's edge, and nothing in
/// those last rows (a line cut by the edge leaves its top half there).
pub fn assert_credits_whole(frame: &Frame, panel_left: u32) {
    let rows = frame.dark_rows(panel_left + 4, frame.width - 4, frame.height - 70, frame.height, 140);
    assert!(!rows.is_empty(), "no credits at the foot of the panel");
    let last = *rows.last().unwrap();
    assert!(last + 3 < frame.height, "the last credits line runs into the frame's edge (text on row {last})");
    // The last line is a line, not the top of one cut off: at least 6 rows of text in its band.
    let band = rows.iter().rev().take_while(|r| **r + 12 > last).count();
    assert!(band >= 6, "the last credits line is {band} rows high: cut off ({rows:?})");
}
