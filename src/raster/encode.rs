//! Encoders for rendered frames: PNG stills, an animated GIF, and an MP4 via
//! an external `ffmpeg`.
//!
//! All take tiny-skia [`Pixmap`]s. Frames are expected to be opaque (the
//! renderer paints a background first); a pixel that is not is written as if
//! composited over black, because tiny-skia stores premultiplied colour.

use std::borrow::Cow;
use std::ffi::OsStr;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU16, Ordering};
use std::thread::JoinHandle;

use rayon::prelude::*;
use tiny_skia::Pixmap;

use super::error::{RasterError, Result};

// ---------------------------------------------------------------------------
// PNG

/// The deflate setting [`encode_png`] uses: fdeflate's single fast mode
/// (what png calls `Compression::Fast`/`Fastest`).
pub const PNG_DEFLATE: png::DeflateCompression = png::DeflateCompression::FdeflateUltraFast;

/// The row filter [`encode_png`] uses.
///
/// Measured on the 15 frames of the shipped render at 1920x1080 (4 Dec 2026): `Up` makes
/// 10.6 MB, `Sub` 11.4 MB, `Paeth` 9.0 MB, `Avg` 13.7 MB, no filter 109 MB (fdeflate's
/// fast mode barely compresses unfiltered RGB). The render without the GIF on one thread,
/// `Up` against `Sub` side by side (15 pairs), takes 0.95 of the time, though `Up` runs
/// more instructions: its rows are read from cache. An earlier, synthetic frame had
/// favoured `Sub`; maps repeat row after row.
pub const PNG_FILTER: png::Filter = png::Filter::Up;

/// Encodes a frame as an 8-bit RGB PNG (alpha dropped) with the fast
/// settings [`PNG_DEFLATE`] and [`PNG_FILTER`].
///
/// The bytes are those [`encode_png_with`] writes with these settings (tested), in one
/// pass over the pixels: each row is packed to RGB and filtered together, then handed to
/// the same fdeflate compressor the `png` crate uses, in the same pieces. Through the
/// `png` crate, a row is packed, copied, filtered and copied again.
pub fn encode_png(pixmap: &Pixmap) -> Result<Vec<u8>> {
    let io = |e: std::io::Error| RasterError::Png(png::EncodingError::from(e));
    let (width, height) = (pixmap.width(), pixmap.height());
    let row_bytes = width as usize * 3;
    let mut compressor = fdeflate::Compressor::new(Vec::with_capacity(pixmap.data().len() / 16)).map_err(io)?;
    // The first row is filtered against a row of zeros, as PNG defines.
    let zeros = vec![0u8; width as usize * 4];
    let mut filtered = vec![0u8; row_bytes];
    let mut above = zeros.as_slice();
    for line in pixmap.data().chunks_exact(width as usize * 4) {
        up_filtered_rgb(line, above, &mut filtered);
        compressor.write_data(&[2]).map_err(io)?;
        compressor.write_data(&filtered).map_err(io)?;
        above = line;
    }
    let zlib = compressor.finish().map_err(io)?;
    let mut out = Vec::with_capacity(zlib.len() + 128);
    out.extend_from_slice(&[0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n']);
    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    // 8 bits a channel, RGB, deflate, adaptive filtering by row, no interlace.
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    png_chunk(&mut out, b"IHDR", &header);
    for data in zlib.chunks(PNG_CHUNK_BYTES) {
        png_chunk(&mut out, b"IDAT", data);
    }
    png_chunk(&mut out, b"IEND", &[]);
    Ok(out)
}

/// Appends one PNG chunk: length, type, data and the CRC of type and data.
fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
}

/// [`encode_png`] with explicit deflate and filter settings, for tuning and
/// benchmarks.
pub fn encode_png_with(pixmap: &Pixmap, deflate: png::DeflateCompression, filter: png::Filter) -> Result<Vec<u8>> {
    // A flat map compresses to a few percent of the raw size.
    let mut out = Vec::with_capacity(pixmap.data().len() / 16);
    let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_deflate_compression(deflate);
    encoder.set_filter(filter);
    let mut writer = encoder.write_header()?;
    // Row by row through one small buffer: a whole RGB copy of the frame (6 MB at 1080p)
    // cost as much to allocate and fill as the compression.
    let mut stream = writer.stream_writer_with_size(PNG_CHUNK_BYTES)?;
    let mut row = vec![0; pixmap.width() as usize * 3];
    // A row less zeros is the row itself: packed to RGB, unfiltered (the png crate filters).
    let zeros = vec![0; pixmap.width() as usize * 4];
    for line in pixmap.data().chunks_exact(pixmap.width() as usize * 4) {
        up_filtered_rgb(line, &zeros, &mut row);
        stream.write_all(&row).map_err(png::EncodingError::from)?;
    }
    stream.finish()?;
    writer.finish()?;
    Ok(out)
}

/// The most image data one PNG chunk holds: large, so chunk headers and checksums cost
/// nothing, and no larger than the zlib stream of a typical frame needs.
const PNG_CHUNK_BYTES: usize = 1 << 18;

/// Writes the RGB row `now` with PNG's `Up` filter (each byte less the byte above it) into
/// `filtered`, from the RGBA rows `now` and `up`, dropping alpha.
///
/// The difference is taken on the RGBA words before they are packed: a byte's difference
/// does not depend on its neighbours. Maps repeat row after row (about three blocks of
/// eight pixels in four equal the block above), so a block equal to the one above is
/// written as zeros without packing either.
fn up_filtered_rgb(now: &[u8], up: &[u8], filtered: &mut [u8]) {
    // Eight bytes less eight bytes, each byte wrapping on its own (no borrow crosses a
    // byte): the high bits are set aside so the subtraction cannot borrow across, then
    // put back by the parity of the operands' high bits.
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let minus = |a: [u8; 8], b: [u8; 8]| {
        let (a, b) = (u64::from_le_bytes(a), u64::from_le_bytes(b));
        ((a | HIGH) - (b & !HIGH)) ^ ((a ^ !b) & HIGH)
    };
    let pair = |v: u64| (v & 0x0000_0000_00ff_ffff) | ((v >> 8) & 0x0000_ffff_ff00_0000);
    let words = |block: &[u8; 32]| -> [[u8; 8]; 4] {
        let [a, b, c, d] = *block.as_chunks::<8>().0 else { unreachable!("32 bytes are four words") };
        [a, b, c, d]
    };
    let (outs, out_rest) = filtered.as_chunks_mut::<24>();
    let (nows, now_rest) = now.as_chunks::<32>();
    let (ups, up_rest) = up.as_chunks::<32>();
    for ((out, now), up) in outs.iter_mut().zip(nows).zip(ups) {
        if now == up {
            *out = [0; 24];
            continue;
        }
        let ([n0, n1, n2, n3], [u0, u1, u2, u3]) = (words(now), words(up));
        let (a, b, c, d) = (pair(minus(n0, u0)), pair(minus(n1, u1)), pair(minus(n2, u2)), pair(minus(n3, u3)));
        let words = [a | b << 48, b >> 16 | c << 32, c >> 32 | d << 16];
        for (bytes, word) in out.as_chunks_mut::<8>().0.iter_mut().zip(words) {
            *bytes = word.to_le_bytes();
        }
    }
    for ((out, now), up) in out_rest.chunks_exact_mut(3).zip(now_rest.chunks_exact(4)).zip(up_rest.chunks_exact(4)) {
        for ((out, &n), &u) in out.iter_mut().zip(now).zip(up) {
            *out = n.wrapping_sub(u);
        }
    }
}

/// Packs the pixmap's RGB channels, dropping alpha.
#[cfg(test)]
fn to_rgb(pixmap: &Pixmap) -> Vec<u8> {
    let mut rgb = vec![0; pixmap.data().len() / 4 * 3];
    up_filtered_rgb(pixmap.data(), &vec![0; pixmap.data().len()], &mut rgb);
    rgb
}

// ---------------------------------------------------------------------------
// GIF palette

/// Bits kept per channel for the lookup table.
const LUT_BITS: u32 = 5;
/// Entries in the lookup table: one per 5-bit-per-channel colour.
const LUT_SIZE: usize = 1 << (3 * LUT_BITS);
/// Marks "no reserved colour in this bin".
const NO_COLOUR: u32 = u32::MAX;

fn pack(r: u8, g: u8, b: u8) -> u32 {
    (u32::from(r) << 16) | (u32::from(g) << 8) | u32::from(b)
}

fn bin_of(r: u8, g: u8, b: u8) -> usize {
    ((usize::from(r) >> 3) << 10) | ((usize::from(g) >> 3) << 5) | (usize::from(b) >> 3)
}

fn dist2(a: [u8; 3], b: [u8; 3]) -> u32 {
    a.iter()
        .zip(b)
        .map(|(&x, y)| {
            let d = i32::from(x) - i32::from(y);
            (d * d) as u32
        })
        .sum()
}

/// One lookup-table entry: the reserved colours in a bin.
#[derive(Debug, Clone, Copy)]
struct Bin {
    /// The reserved colour in this bin (packed), or [`NO_COLOUR`].
    exact_rgb: u32,
    /// Its palette index.
    exact: u8,
    /// Several reserved colours share this bin: look them up in
    /// `Palette::shared` (rare: two reserved colours within 8 levels).
    shared: bool,
}

/// Marks a bin whose nearest palette entry is not yet known.
const NOT_YET: u16 = u16::MAX;

/// The global palette and the pixel → index mapping.
#[derive(Debug)]
struct Palette {
    colours: Vec<[u8; 3]>,
    bins: Vec<Bin>,
    /// Reserved colours in bins that hold more than one, with their index.
    shared: Vec<(u32, u8)>,
    /// For each bin, the palette index nearest its centre, or [`NOT_YET`]. Filled as
    /// pixels ask: a map uses a few thousand of the 32,768 bins, and finding the nearest
    /// entry for all of them cost more than mapping a frame. Threads that race on a bin
    /// store the same answer.
    nearest_of_bin: Vec<AtomicU16>,
    nearest: NearestColour,
}

impl Palette {
    /// Reserved colours first (each exactly once), then up to
    /// `max_colours - reserved` colours chosen by median cut from `sample`.
    fn build(reserved: &[[u8; 3]], sample: &Pixmap, max_colours: usize) -> Palette {
        let mut colours: Vec<[u8; 3]> = Vec::with_capacity(max_colours);
        for c in reserved {
            if !colours.contains(c) {
                colours.push(*c);
            }
        }
        let reserved_only = Palette::with_colours(colours.clone(), colours.len());
        let free = max_colours.saturating_sub(colours.len());
        if free > 0 {
            let hist = Histogram::of(sample, &reserved_only);
            colours.extend(hist.median_cut(free, &colours));
        }
        let n_reserved = reserved_only.colours.len();
        Palette::with_colours(colours, n_reserved)
    }

    /// Builds the lookup table for a fixed list of colours whose first
    /// `n_reserved` entries must map exactly.
    fn with_colours(colours: Vec<[u8; 3]>, n_reserved: usize) -> Palette {
        let mut bins = vec![Bin { exact_rgb: NO_COLOUR, exact: 0, shared: false }; LUT_SIZE];
        let mut shared = Vec::new();
        for (i, c) in colours.iter().enumerate().take(n_reserved) {
            let bin = &mut bins[bin_of(c[0], c[1], c[2])];
            let packed = pack(c[0], c[1], c[2]);
            if bin.exact_rgb == NO_COLOUR && !bin.shared {
                bin.exact_rgb = packed;
                bin.exact = i as u8;
            } else {
                if !bin.shared {
                    shared.push((bin.exact_rgb, bin.exact));
                    bin.shared = true;
                    bin.exact_rgb = NO_COLOUR;
                }
                shared.push((packed, i as u8));
            }
        }
        let nearest = NearestColour::new(&colours);
        let nearest_of_bin = (0..LUT_SIZE).map(|_| AtomicU16::new(NOT_YET)).collect();
        Palette { colours, bins, shared, nearest_of_bin, nearest }
    }

    /// The palette index for one pixel; reserved colours map exactly.
    #[inline]
    fn index(&self, r: u8, g: u8, b: u8) -> u8 {
        let bin = &self.bins[bin_of(r, g, b)];
        let packed = pack(r, g, b);
        if bin.exact_rgb == packed {
            bin.exact
        } else if bin.shared {
            match self.shared.iter().find(|(c, _)| *c == packed) {
                Some(&(_, i)) => i,
                None => self.nearest_to_bin(bin_of(r, g, b)),
            }
        } else {
            self.nearest_to_bin(bin_of(r, g, b))
        }
    }

    /// The palette index nearest the centre of bin `key` (its 3 dropped bits set to 100).
    fn nearest_to_bin(&self, key: usize) -> u8 {
        let known = self.nearest_of_bin[key].load(Ordering::Relaxed);
        if known != NOT_YET {
            return known as u8;
        }
        let centre =
            [(((key >> 10) & 31) << 3 | 4) as u8, (((key >> 5) & 31) << 3 | 4) as u8, ((key & 31) << 3 | 4) as u8];
        let index = self.nearest.of(&self.colours, centre) as u8;
        self.nearest_of_bin[key].store(u16::from(index), Ordering::Relaxed);
        index
    }

    /// Whether the pixel is exactly one of the reserved colours.
    fn is_reserved(&self, r: u8, g: u8, b: u8) -> bool {
        let bin = &self.bins[bin_of(r, g, b)];
        let packed = pack(r, g, b);
        bin.exact_rgb == packed || (bin.shared && self.shared.iter().any(|(c, _)| *c == packed))
    }

    /// Maps a whole frame to palette indices.
    fn map(&self, pixmap: &Pixmap) -> Vec<u8> {
        let data = pixmap.data();
        let mut out = vec![0; data.len() / 4];
        // Maps are mostly long runs of one colour: remember the last pixel, compared as
        // one word with its alpha masked off, and take eight pixels at a time while they
        // all are that colour.
        let rgb = |px: &[u8]| u32::from_le_bytes([px[0], px[1], px[2], px[3]]) & 0x00ff_ffff;
        // The last pixel's colour and index.
        let mut last = (0, self.index(0, 0, 0));
        let map_one = |index: &mut u8, px: &[u8], last: &mut (u32, u8)| {
            let packed = rgb(px);
            if packed != last.0 {
                *last = (packed, self.index(px[0], px[1], px[2]));
            }
            *index = last.1;
        };
        let mut outs = out.chunks_exact_mut(8);
        let mut ins = data.chunks_exact(32);
        // Eight copies of the last pixel as it was stored, alpha included: frames are
        // opaque, so a run matches it byte for byte, a compare the compiler makes in one
        // vector instruction (the masked test below is for pixels whose alpha differs).
        let mut run = [0u8; 32];
        for (indices, pixels) in (&mut outs).zip(&mut ins) {
            let pixels: &[u8; 32] = pixels.try_into().expect("32 bytes");
            if *pixels == run {
                indices.fill(last.1);
                continue;
            }
            let mut same = true;
            for px in pixels.chunks_exact(4) {
                same &= rgb(px) == last.0;
            }
            if same {
                indices.fill(last.1);
            } else {
                for (index, px) in indices.iter_mut().zip(pixels.chunks_exact(4)) {
                    map_one(index, px, &mut last);
                }
                // The last pixel's colour is `last` now.
                let tail: [u8; 4] = pixels[28..].try_into().expect("4 bytes");
                for copy in run.chunks_exact_mut(4) {
                    copy.copy_from_slice(&tail);
                }
            }
        }
        for (index, px) in outs.into_remainder().iter_mut().zip(ins.remainder().chunks_exact(4)) {
            map_one(index, px, &mut last);
        }
        out
    }

    /// `r, g, b, r, g, b, ...` as the gif crate wants it.
    fn flat(&self) -> Vec<u8> {
        self.colours.iter().flatten().copied().collect()
    }
}

/// The palette entry nearest a colour (squared distance in RGB; the lowest index among
/// equally near ones), found without measuring every entry: entries sorted by red are
/// searched outwards from the colour's red, and a side stops once its difference in red
/// alone is more than the nearest distance found. The same answers as measuring every
/// entry, in about half the time for a map's palette. It keeps only the order; the colours
/// are the palette's own.
#[derive(Debug)]
struct NearestColour {
    /// Palette indices sorted by red (then index).
    by_red: Vec<usize>,
}

impl NearestColour {
    fn new(colours: &[[u8; 3]]) -> NearestColour {
        let mut by_red: Vec<usize> = (0..colours.len()).collect();
        by_red.sort_by_key(|&i| (colours[i][0], i));
        NearestColour { by_red }
    }

    /// The index of the entry of `colours` (the ones this was made for) nearest `colour`
    /// (0 for an empty palette).
    fn of(&self, colours: &[[u8; 3]], colour: [u8; 3]) -> usize {
        let start = self.by_red.partition_point(|&i| colours[i][0] < colour[0]);
        let mut best = (u32::MAX, 0usize);
        let consider = |i: usize, best: &mut (u32, usize)| {
            let d = dist2(colour, colours[i]);
            if (d, i) < *best {
                *best = (d, i);
            }
        };
        // Upwards from the first entry at or above the colour's red, then downwards; a
        // side stops when its red alone is strictly farther (an entry at the same
        // distance may still have a lower index).
        for &i in &self.by_red[start..] {
            let dr = u32::from(colours[i][0] - colour[0]);
            if dr * dr > best.0 {
                break;
            }
            consider(i, &mut best);
        }
        for &i in self.by_red[..start].iter().rev() {
            let dr = u32::from(colour[0] - colours[i][0]);
            if dr * dr > best.0 {
                break;
            }
            consider(i, &mut best);
        }
        best.1
    }
}

/// 5-bit histogram of the pixels that are not reserved colours.
struct Histogram {
    count: Vec<u32>,
    /// Channel sums per bin, for the mean colour of each bin.
    sum: Vec<[u64; 3]>,
}

/// A bin taking part in median cut.
#[derive(Debug, Clone, Copy)]
struct Item {
    mean: [u8; 3],
    count: u64,
    /// `count` times the distance to the nearest reserved colour: bins the
    /// reserved colours already represent well get little say.
    weight: u64,
}

impl Histogram {
    fn of(pixmap: &Pixmap, reserved: &Palette) -> Histogram {
        let mut h = Histogram { count: vec![0; LUT_SIZE], sum: vec![[0; 3]; LUT_SIZE] };
        // Runs of one colour are the rule: the last pixel's answer is kept.
        let mut last: Option<([u8; 3], bool)> = None;
        for px in pixmap.data().chunks_exact(4) {
            let (r, g, b) = (px[0], px[1], px[2]);
            let skip = match last {
                Some((colour, skip)) if colour == [r, g, b] => skip,
                _ => {
                    let skip = !reserved.colours.is_empty() && reserved.is_reserved(r, g, b);
                    last = Some(([r, g, b], skip));
                    skip
                }
            };
            if skip {
                continue;
            }
            let k = bin_of(r, g, b);
            h.count[k] += 1;
            let s = &mut h.sum[k];
            s[0] += u64::from(r);
            s[1] += u64::from(g);
            s[2] += u64::from(b);
        }
        h
    }

    /// Median cut over the non-empty bins into at most `n` colours.
    fn median_cut(&self, n: usize, reserved: &[[u8; 3]]) -> Vec<[u8; 3]> {
        let mut items: Vec<Item> = self
            .count
            .iter()
            .zip(&self.sum)
            .filter(|(c, _)| **c > 0)
            .map(|(&c, s)| {
                let c64 = u64::from(c);
                let mean =
                    [((s[0] + c64 / 2) / c64) as u8, ((s[1] + c64 / 2) / c64) as u8, ((s[2] + c64 / 2) / c64) as u8];
                let d = reserved.iter().map(|r| dist2(mean, *r)).min().map_or(255.0, |d| f64::from(d).sqrt());
                Item { mean, count: c64, weight: c64 * (d.round() as u64 + 1) }
            })
            .collect();
        if items.is_empty() || n == 0 {
            return Vec::new();
        }
        // Boxes are index ranges into `items`.
        let mut boxes: Vec<(usize, usize)> = vec![(0, items.len())];
        while boxes.len() < n {
            // Split the heaviest box that has more than one bin; ties go to
            // the first so the result is deterministic.
            let pick = boxes
                .iter()
                .enumerate()
                .filter(|(_, (a, b))| b - a > 1)
                .max_by(|(i, x), (j, y)| {
                    let wx: u64 = items[x.0..x.1].iter().map(|it| it.weight).sum();
                    let wy: u64 = items[y.0..y.1].iter().map(|it| it.weight).sum();
                    wx.cmp(&wy).then(j.cmp(i))
                })
                .map(|(i, _)| i);
            let Some(bi) = pick else {
                break;
            };
            let (a, b) = boxes[bi];
            let slice = &mut items[a..b];
            // Longest channel range decides the axis.
            let axis = (0..3)
                .max_by_key(|&ch| {
                    let lo = slice.iter().map(|it| it.mean[ch]).min().unwrap_or(0);
                    let hi = slice.iter().map(|it| it.mean[ch]).max().unwrap_or(0);
                    (hi - lo, 2 - ch) // prefer r, then g, on ties
                })
                .unwrap_or(0);
            slice.sort_by_key(|it| (it.mean[axis], it.mean));
            // Weighted median, keeping both halves non-empty.
            let total: u64 = slice.iter().map(|it| it.weight).sum();
            let mut acc = 0u64;
            let mut cut = 1;
            for (i, it) in slice.iter().enumerate() {
                acc += it.weight;
                if acc * 2 >= total {
                    cut = i + 1;
                    break;
                }
            }
            let cut = cut.clamp(1, slice.len() - 1);
            boxes[bi] = (a, a + cut);
            boxes.insert(bi + 1, (a + cut, b));
        }
        boxes
            .iter()
            .map(|&(a, b)| {
                let slice = &items[a..b];
                let total: u64 = slice.iter().map(|it| it.count).sum::<u64>().max(1);
                let ch = |k: usize| {
                    let s: u64 = slice.iter().map(|it| u64::from(it.mean[k]) * it.count).sum();
                    ((s + total / 2) / total) as u8
                };
                [ch(0), ch(1), ch(2)]
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------
// GIF writer

/// The per-frame half of GIF writing: the palette chosen from the first frame, the mapping
/// of a frame to palette indices and the compression of one frame against the one before.
/// It is shared between threads, so each frame can be mapped and compressed by the thread
/// that drew it; [`GifWriter`] then only writes the compressed frames in order.
///
/// * Palette: every `reserved` colour (faction colours, background, sea,
///   land, text...) appears exactly and pixels of exactly that colour map to
///   it; the remaining entries (up to 255 colours in total) come from a
///   median cut over the first frame's 5-bit-per-channel histogram of
///   non-reserved pixels (anti-aliased edges, blends). Other pixels map
///   through a 32768-entry table to the entry nearest their 5-bit bin's
///   centre. No dithering: it would make flat areas noisy and enlarge files.
/// * Palette index 255 (or the one after the last colour) is the transparent
///   index: each frame after the first stores only the bounding box of the
///   pixels that changed, with unchanged pixels in it transparent (disposal
///   "keep"). Decoders show the same image; files shrink by an order of
///   magnitude for day-to-day map changes.
#[derive(Debug)]
pub struct GifFrameEncoder {
    palette: Palette,
    width: u16,
    height: u16,
}

/// One frame mapped and compressed by [`GifFrameEncoder::prepare`], ready to be written.
pub struct PreparedGifFrame {
    frame: gif::Frame<'static>,
}

impl PreparedGifFrame {
    /// How long the frame shows, in hundredths of a second.
    pub fn set_delay(&mut self, centiseconds: u16) {
        self.frame.delay = centiseconds;
    }
}

impl GifFrameEncoder {
    /// Chooses the palette for frames of `first`'s size: the `reserved` colours (at most
    /// 255 distinct) and colours of `first` itself.
    pub fn new(reserved: &[[u8; 3]], first: &Pixmap) -> Result<Self> {
        let (width, height) = gif_sides(first.width(), first.height())?;
        let distinct = distinct_colours(reserved)?;
        Ok(GifFrameEncoder { palette: Palette::build(&distinct, first, 255), width, height })
    }

    /// The palette colours (without the transparent slot).
    pub fn colours(&self) -> &[[u8; 3]] {
        &self.palette.colours
    }

    /// Maps a frame to palette indices, for [`GifFrameEncoder::prepare`].
    pub fn map(&self, frame: &Pixmap) -> Result<Vec<u8>> {
        let (w, h) = (u32::from(self.width), u32::from(self.height));
        if frame.width() != w || frame.height() != h {
            return Err(RasterError::FrameSizeMismatch {
                width: w,
                height: h,
                got_width: frame.width(),
                got_height: frame.height(),
            });
        }
        Ok(self.palette.map(frame))
    }

    /// Compresses the mapped frame `current`, storing only what changed since `previous`
    /// (the mapped frame shown before it; `None` for the first frame).
    pub fn prepare(&self, current: &[u8], previous: Option<&[u8]>, delay_centiseconds: u16) -> PreparedGifFrame {
        let transparent = self.palette.colours.len() as u8;
        let mut frame = delta_frame(current, previous, self.width, self.height, transparent);
        frame.delay = delay_centiseconds;
        frame.buffer = Cow::Owned(compress(&frame.buffer));
        PreparedGifFrame { frame }
    }
}

/// A frame's palette indices as `gif::Encoder::write_lzw_pre_encoded_frame` takes them:
/// the minimum code size, then the LZW data (see [`super::lzw`]).
fn compress(indices: &[u8]) -> Vec<u8> {
    let min_code_size = super::lzw::min_code_size(indices);
    // Maps compress to a few percent; the unchanged pixels of later frames to less.
    let mut out = Vec::with_capacity(indices.len() / 16 + 16);
    out.push(min_code_size);
    super::lzw::encode(indices, min_code_size, &mut out);
    out
}

/// GIF sides as the format stores them: 1 to 65535 pixels.
fn gif_sides(width: u32, height: u32) -> Result<(u16, u16)> {
    let to_u16 = |v: u32| u16::try_from(v).ok().filter(|v| *v > 0);
    match (to_u16(width), to_u16(height)) {
        (Some(w), Some(h)) => Ok((w, h)),
        _ => Err(RasterError::InvalidSize { width, height, reason: "GIF sides must be between 1 and 65535" }),
    }
}

/// The reserved colours without repeats; one palette slot stays free for transparency.
fn distinct_colours(reserved: &[[u8; 3]]) -> Result<Vec<[u8; 3]>> {
    let mut distinct: Vec<[u8; 3]> = Vec::with_capacity(reserved.len());
    for c in reserved {
        if !distinct.contains(c) {
            distinct.push(*c);
        }
    }
    if distinct.len() > 255 {
        return Err(RasterError::TooManyReservedColours(distinct.len()));
    }
    Ok(distinct)
}

/// Writes an animated GIF with one global palette (see [`GifFrameEncoder`]).
///
/// Frames come either whole ([`GifWriter::add_frames`], which maps and compresses a batch
/// in parallel on the current rayon pool) or prepared by the threads that drew them
/// ([`GifWriter::write_prepared`]). Either way the bytes depend neither on the thread count
/// nor on how frames are batched.
///
/// After an error the writer is in an unspecified state and should be dropped.
pub struct GifWriter<W: Write> {
    /// Until the first frame fixes the palette, the encoder does not exist.
    sink: Option<W>,
    encoder: Option<gif::Encoder<W>>,
    /// The palette and per-frame work of `add_frames`, made from its first frame.
    frames: Option<GifFrameEncoder>,
    reserved: Vec<[u8; 3]>,
    width: u16,
    height: u16,
    delay: u16,
    loop_forever: bool,
    /// Indices of the last frame written by `add_frames`, for the changed-area crop.
    previous: Option<Vec<u8>>,
    /// How long the last frame stays, if longer than the others.
    last_delay: Option<u16>,
    /// The newest frame, held back until the next one or [`GifWriter::finish`] says
    /// whether it is the last (and so whether it gets `last_delay`).
    pending: Option<PreparedGifFrame>,
}

impl<W: Write> GifWriter<W> {
    /// Prepares a GIF of `width` x `height` (1..=65535 each) frames shown for
    /// `delay_centiseconds` each, looping forever or played once. Nothing is
    /// written until the first frame arrives (it decides the palette).
    pub fn new(
        w: W,
        width: u32,
        height: u32,
        reserved: &[[u8; 3]],
        delay_centiseconds: u16,
        loop_forever: bool,
    ) -> Result<Self> {
        let (width, height) = gif_sides(width, height)?;
        Ok(GifWriter {
            sink: Some(w),
            encoder: None,
            frames: None,
            reserved: distinct_colours(reserved)?,
            width,
            height,
            delay: delay_centiseconds,
            loop_forever,
            previous: None,
            last_delay: None,
            pending: None,
        })
    }

    /// Shows the last frame for at least `centiseconds` (a hold at the end of the story,
    /// so a reader can take in the final state before the loop starts again).
    pub fn hold_last(mut self, centiseconds: u16) -> Self {
        self.last_delay = Some(centiseconds);
        self
    }

    /// Appends frames in order. Frames must all be `width` x `height`.
    pub fn add_frames(&mut self, frames: &[&Pixmap]) -> Result<()> {
        let Some(first) = frames.first() else {
            return Ok(());
        };
        if self.frames.is_none() {
            let (w, h) = (u32::from(self.width), u32::from(self.height));
            if first.width() != w || first.height() != h {
                return Err(RasterError::FrameSizeMismatch {
                    width: w,
                    height: h,
                    got_width: first.width(),
                    got_height: first.height(),
                });
            }
            self.frames = Some(GifFrameEncoder::new(&self.reserved, first)?);
        }
        let Some(encoder) = self.frames.take() else {
            return Err(RasterError::NoFrames); // unreachable: set just above
        };
        let mapped: Result<Vec<Vec<u8>>> = frames.par_iter().map(|f| encoder.map(f)).collect();
        let mapped = match mapped {
            Ok(mapped) => mapped,
            Err(e) => {
                self.frames = Some(encoder);
                return Err(e);
            }
        };
        let previous = self.previous.as_deref();
        let delay = self.delay;
        let prepared: Vec<PreparedGifFrame> = (0..mapped.len())
            .into_par_iter()
            .map(|i| {
                let prev = if i == 0 { previous } else { Some(mapped[i - 1].as_slice()) };
                encoder.prepare(&mapped[i], prev, delay)
            })
            .collect();
        let written = prepared.into_iter().try_for_each(|frame| self.write_prepared(&encoder, frame));
        self.frames = Some(encoder);
        written?;
        self.previous = mapped.into_iter().last();
        Ok(())
    }

    /// Appends one frame that `encoder` prepared. All frames of a GIF must come from the
    /// same encoder: the first one written fixes the palette in the file's header.
    pub fn write_prepared(&mut self, encoder: &GifFrameEncoder, frame: PreparedGifFrame) -> Result<()> {
        if (encoder.width, encoder.height) != (self.width, self.height) {
            return Err(RasterError::FrameSizeMismatch {
                width: u32::from(self.width),
                height: u32::from(self.height),
                got_width: u32::from(encoder.width),
                got_height: u32::from(encoder.height),
            });
        }
        if self.encoder.is_none() {
            self.start(encoder)?;
        }
        let Some(gif) = self.encoder.as_mut() else {
            return Err(RasterError::NoFrames); // unreachable: start() set it
        };
        // Each frame goes out once the next one exists: the newest waits, as it may be the
        // last one, which `finish` holds.
        if let Some(ready) = self.pending.replace(frame) {
            gif.write_lzw_pre_encoded_frame(&ready.frame)?;
        }
        Ok(())
    }

    /// Writes the GIF header with `encoder`'s palette.
    fn start(&mut self, encoder: &GifFrameEncoder) -> Result<()> {
        let mut flat = encoder.palette.flat();
        // The transparent entry; its colour is never shown.
        flat.extend_from_slice(&[0, 0, 0]);
        let sink = self.sink.take().ok_or(RasterError::NoFrames)?;
        let mut gif = gif::Encoder::new(sink, self.width, self.height, &flat)?;
        if self.loop_forever {
            gif.set_repeat(gif::Repeat::Infinite)?;
        }
        self.encoder = Some(gif);
        Ok(())
    }

    /// The palette colours (without the transparent slot), once the first
    /// frame has been added with `add_frames`.
    pub fn palette(&self) -> Option<&[[u8; 3]]> {
        self.frames.as_ref().map(|f| f.colours())
    }

    /// Writes the trailer and returns the writer. Fails if no frame was added.
    pub fn finish(mut self) -> Result<W> {
        let mut encoder = self.encoder.take().ok_or(RasterError::NoFrames)?;
        if let Some(mut last) = self.pending.take() {
            if let Some(hold) = self.last_delay {
                last.frame.delay = last.frame.delay.max(hold);
            }
            encoder.write_lzw_pre_encoded_frame(&last.frame)?;
        }
        Ok(encoder.into_inner()?)
    }
}

/// The frame to write for `cur`: the full image when there is no previous
/// frame, else the bounding box of changed pixels with unchanged ones set to
/// `transparent` (a 1x1 transparent frame when nothing changed).
fn delta_frame(cur: &[u8], prev: Option<&[u8]>, width: u16, height: u16, transparent: u8) -> gif::Frame<'static> {
    let (w, h) = (usize::from(width), usize::from(height));
    let Some(prev) = prev else {
        return gif::Frame { width, height, buffer: Cow::Owned(cur.to_vec()), ..gif::Frame::default() };
    };
    let rows_differ = |y: usize| cur[y * w..(y + 1) * w] != prev[y * w..(y + 1) * w];
    let Some(y0) = (0..h).find(|&y| rows_differ(y)) else {
        return gif::Frame {
            width: 1,
            height: 1,
            transparent: Some(transparent),
            buffer: Cow::Owned(vec![transparent]),
            ..gif::Frame::default()
        };
    };
    let y1 = (y0..h).rev().find(|&y| rows_differ(y)).unwrap_or(y0);
    let mut x0 = w;
    let mut x1 = 0;
    for y in y0..=y1 {
        let (c, p) = (&cur[y * w..(y + 1) * w], &prev[y * w..(y + 1) * w]);
        if let Some(first) = first_difference(c, p) {
            x0 = x0.min(first);
            x1 = x1.max(last_difference(c, p).unwrap_or(first));
        }
    }
    let span = x1 - x0 + 1;
    let mut buffer = vec![0u8; span * (y1 - y0 + 1)];
    for (y, out) in (y0..=y1).zip(buffer.chunks_exact_mut(span)) {
        let (c, p) = (&cur[y * w + x0..=y * w + x1], &prev[y * w + x0..=y * w + x1]);
        unchanged_as(transparent, c, p, out);
    }
    // Both bounds are below 65536 because width/height are u16.
    gif::Frame {
        left: x0 as u16,
        top: y0 as u16,
        width: (x1 - x0 + 1) as u16,
        height: (y1 - y0 + 1) as u16,
        transparent: Some(transparent),
        buffer: Cow::Owned(buffer),
        ..gif::Frame::default()
    }
}

/// Bytes compared at a time when looking for changes: the compiler compares such blocks in
/// a few vector instructions, where a byte at a time was a twentieth of the render.
const BLOCK: usize = 32;

/// The first index at which `a` and `b` (of one length) differ.
fn first_difference(a: &[u8], b: &[u8]) -> Option<usize> {
    let start = a.chunks(BLOCK).zip(b.chunks(BLOCK)).position(|(x, y)| x != y)? * BLOCK;
    a[start..].iter().zip(&b[start..]).position(|(x, y)| x != y).map(|k| start + k)
}

/// The last index at which `a` and `b` (of one length) differ.
fn last_difference(a: &[u8], b: &[u8]) -> Option<usize> {
    // Blocks counted from the end, as `rchunks` cuts them.
    let from_end = a.rchunks(BLOCK).zip(b.rchunks(BLOCK)).position(|(x, y)| x != y)?;
    let end = a.len() - from_end * BLOCK;
    let start = end.saturating_sub(BLOCK);
    a[start..end].iter().zip(&b[start..end]).rposition(|(x, y)| x != y).map(|k| start + k)
}

/// `out[i]` is `cur[i]`, or `transparent` where `cur[i]` is `prev[i]`.
fn unchanged_as(transparent: u8, cur: &[u8], prev: &[u8], out: &mut [u8]) {
    let mut outs = out.chunks_exact_mut(BLOCK);
    let mut pairs = cur.chunks_exact(BLOCK).zip(prev.chunks_exact(BLOCK));
    for (o, (c, p)) in (&mut outs).zip(&mut pairs) {
        let (o, c, p): (&mut [u8; BLOCK], &[u8; BLOCK], &[u8; BLOCK]) =
            (o.try_into().expect("a block"), c.try_into().expect("a block"), p.try_into().expect("a block"));
        for k in 0..BLOCK {
            o[k] = if c[k] == p[k] { transparent } else { c[k] };
        }
    }
    let tail = cur.len() / BLOCK * BLOCK;
    for ((o, &c), &p) in outs.into_remainder().iter_mut().zip(&cur[tail..]).zip(&prev[tail..]) {
        *o = if c == p { transparent } else { c };
    }
}

// ---------------------------------------------------------------------------
// MP4 through ffmpeg

/// How much of ffmpeg's stderr to keep for error messages.
const STDERR_TAIL_BYTES: usize = 4096;

/// Streams frames to an `ffmpeg` child process that encodes H.264 MP4.
///
/// ffmpeg writes to a temporary file next to the output (`.<name>.<pid>.part`)
/// which is renamed into place by [`Mp4Writer::finish`] after ffmpeg exits
/// successfully, so the output is written whole or not at all. Dropping the
/// writer without `finish` kills ffmpeg and removes the temporary file.
pub struct Mp4Writer {
    child: Option<Child>,
    stdin: Option<ChildStdin>,
    stderr: Option<JoinHandle<Vec<u8>>>,
    tmp_path: PathBuf,
    out_path: PathBuf,
    width: u32,
    height: u32,
    rgb: Vec<u8>,
}

impl Mp4Writer {
    /// Where ffmpeg writes until [`Mp4Writer::finish`] renames the video into place.
    pub fn temporary_path(&self) -> &Path {
        &self.tmp_path
    }

    /// Starts `ffmpeg` (found on `PATH`) to encode `width` x `height` frames
    /// at `fps` frames per second into `out`. Sides must be even (H.264 with
    /// 4:2:0 chroma needs that).
    pub fn new(out: impl AsRef<Path>, width: u32, height: u32, fps: u32) -> Result<Self> {
        Self::with_search_path(out, width, height, fps, std::env::var_os("PATH").as_deref())
    }

    /// Like [`Mp4Writer::new`] but looks for `ffmpeg` in `search_path` (a
    /// `PATH`-style list) instead of the environment's `PATH`.
    pub fn with_search_path(
        out: impl AsRef<Path>,
        width: u32,
        height: u32,
        fps: u32,
        search_path: Option<&OsStr>,
    ) -> Result<Self> {
        if width == 0 || height == 0 || !width.is_multiple_of(2) || !height.is_multiple_of(2) {
            return Err(RasterError::InvalidSize {
                width,
                height,
                reason: "MP4 (H.264, yuv420p) needs non-zero even sides",
            });
        }
        if fps == 0 {
            return Err(RasterError::InvalidSize { width, height, reason: "frame rate must be at least 1" });
        }
        let ffmpeg = find_executable("ffmpeg", search_path).ok_or(RasterError::FfmpegNotFound)?;
        let out_path = out.as_ref().to_path_buf();
        let tmp_path = temp_path_for(&out_path);
        let mut child = Command::new(&ffmpeg)
            .args(["-hide_banner", "-loglevel", "error"])
            .args(["-y", "-f", "rawvideo", "-pix_fmt", "rgb24"])
            .arg("-s")
            .arg(format!("{width}x{height}"))
            .arg("-r")
            .arg(fps.to_string())
            .args(["-i", "-", "-c:v", "libx264", "-pix_fmt", "yuv420p"])
            // The temp name does not end in .mp4, so name the muxer.
            .args(["-movflags", "+faststart", "-f", "mp4"])
            .arg(&tmp_path)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => RasterError::FfmpegNotFound,
                _ => RasterError::io(format!("starting {}", ffmpeg.display()), e),
            })?;
        let stdin = child.stdin.take();
        // Drain stderr continuously: a full pipe would block ffmpeg, and with
        // it our writes to its stdin.
        let stderr = child.stderr.take().map(|mut err| {
            std::thread::spawn(move || {
                let mut tail = Vec::new();
                let mut buf = [0u8; 4096];
                while let Ok(n) = err.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    tail.extend_from_slice(&buf[..n]);
                    if tail.len() > 2 * STDERR_TAIL_BYTES {
                        tail.drain(..tail.len() - STDERR_TAIL_BYTES);
                    }
                }
                tail
            })
        });
        Ok(Mp4Writer { child: Some(child), stdin, stderr, tmp_path, out_path, width, height, rgb: Vec::new() })
    }

    /// Sends one frame to ffmpeg.
    pub fn write_frame(&mut self, frame: &Pixmap) -> Result<()> {
        if frame.width() != self.width || frame.height() != self.height {
            return Err(RasterError::FrameSizeMismatch {
                width: self.width,
                height: self.height,
                got_width: frame.width(),
                got_height: frame.height(),
            });
        }
        self.rgb.clear();
        for px in frame.data().chunks_exact(4) {
            self.rgb.extend_from_slice(&px[..3]);
        }
        let Some(stdin) = self.stdin.as_mut() else {
            return Err(RasterError::io(
                "writing frame to ffmpeg",
                std::io::Error::from(std::io::ErrorKind::BrokenPipe),
            ));
        };
        if let Err(e) = stdin.write_all(&self.rgb) {
            // Usually ffmpeg died; its own message is the useful one.
            return Err(self.wait_and_check().err().unwrap_or_else(|| RasterError::io("writing frame to ffmpeg", e)));
        }
        Ok(())
    }

    /// Closes ffmpeg's input, waits for it, checks its exit status and moves
    /// the finished file to the output path.
    pub fn finish(mut self) -> Result<()> {
        self.wait_and_check()?;
        std::fs::rename(&self.tmp_path, &self.out_path).map_err(|e| {
            let _ = std::fs::remove_file(&self.tmp_path);
            RasterError::io(format!("moving {} to {}", self.tmp_path.display(), self.out_path.display()), e)
        })
    }

    /// Ends ffmpeg's input and waits; on failure removes the temp file and
    /// returns ffmpeg's stderr tail in the error.
    fn wait_and_check(&mut self) -> Result<()> {
        drop(self.stdin.take());
        let Some(mut child) = self.child.take() else {
            return Ok(());
        };
        let status = child.wait();
        let tail = self.stderr.take().and_then(|h| h.join().ok()).unwrap_or_default();
        let status = match status {
            Ok(s) => s,
            Err(e) => {
                let _ = std::fs::remove_file(&self.tmp_path);
                return Err(RasterError::io("waiting for ffmpeg", e));
            }
        };
        if status.success() {
            return Ok(());
        }
        let _ = std::fs::remove_file(&self.tmp_path);
        Err(RasterError::Ffmpeg {
            status: status.to_string(),
            path: self.out_path.clone(),
            stderr_tail: tail_lines(&tail),
        })
    }
}

impl Drop for Mp4Writer {
    fn drop(&mut self) {
        drop(self.stdin.take());
        if let Some(mut child) = self.child.take() {
            // Abandoned mid-way: stop our ffmpeg and leave no partial file.
            let _ = child.kill();
            let _ = child.wait();
            let _ = std::fs::remove_file(&self.tmp_path);
        }
        if let Some(h) = self.stderr.take() {
            let _ = h.join();
        }
    }
}

/// The last few lines of ffmpeg's stderr, trimmed.
fn tail_lines(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let start = lines.len().saturating_sub(10);
    let tail = lines[start..].join("\n");
    if tail.is_empty() { "(no output on stderr)".to_string() } else { tail }
}

/// `.<name>.<pid>.part` in the output's directory, so the final rename stays
/// on one file system.
fn temp_path_for(out: &Path) -> PathBuf {
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "output.mp4".to_string());
    let tmp_name = format!(".{name}.{}.part", std::process::id());
    match out.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join(tmp_name),
        _ => PathBuf::from(tmp_name),
    }
}

/// Finds an executable called `name` in a `PATH`-style list of directories.
pub fn find_executable(name: &str, search_path: Option<&OsStr>) -> Option<PathBuf> {
    let search_path = search_path?;
    let file = format!("{name}{}", std::env::consts::EXE_SUFFIX);
    std::env::split_paths(search_path).map(|dir| dir.join(&file)).find(|p| is_executable(p))
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(p: &Path) -> bool {
    p.is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A frame with a few flat regions, anti-aliased-looking blends and a
    /// stripe whose position depends on `shift`.
    fn test_frame(w: u32, h: u32, shift: u32, colours: &[[u8; 3]]) -> Pixmap {
        let mut p = Pixmap::new(w, h).unwrap();
        let data = p.data_mut();
        for y in 0..h {
            for x in 0..w {
                let i = ((y * w + x) * 4) as usize;
                let c = if (x + shift).is_multiple_of(37) {
                    // A blend that is not reserved; the same set in every frame.
                    [((x + shift) * 7 % 256) as u8, (y * 3 % 256) as u8, 128]
                } else {
                    colours[((x / 13 + y / 11) as usize) % colours.len()]
                };
                data[i..i + 4].copy_from_slice(&[c[0], c[1], c[2], 255]);
            }
        }
        p
    }

    const RESERVED: [[u8; 3]; 6] = [
        [200, 30, 30],
        [30, 60, 200],
        [238, 232, 213],
        [170, 211, 223],
        [0, 0, 0],
        // Same 5-bit bin as the first one: exercises the shared-bin path.
        [201, 31, 30],
    ];

    /// Composited RGB frames, global palette, size and delays of a decoded GIF.
    type Decoded = (Vec<Vec<[u8; 3]>>, Vec<u8>, u16, u16, Vec<u16>);

    /// Decodes a GIF and composites its frames.
    fn decode(bytes: &[u8]) -> Decoded {
        let mut opts = gif::DecodeOptions::new();
        opts.set_color_output(gif::ColorOutput::Indexed);
        let mut d = opts.read_info(bytes).unwrap();
        let (w, h) = (d.width(), d.height());
        let pal = d.global_palette().unwrap().to_vec();
        let mut canvas = vec![0u8; usize::from(w) * usize::from(h)];
        let mut frames = Vec::new();
        let mut delays = Vec::new();
        while let Some(f) = d.read_next_frame().unwrap() {
            delays.push(f.delay);
            for y in 0..usize::from(f.height) {
                for x in 0..usize::from(f.width) {
                    let v = f.buffer[y * usize::from(f.width) + x];
                    if Some(v) != f.transparent {
                        canvas[(y + usize::from(f.top)) * usize::from(w) + x + usize::from(f.left)] = v;
                    }
                }
            }
            frames.push(
                canvas
                    .iter()
                    .map(|&i| {
                        let i = usize::from(i) * 3;
                        [pal[i], pal[i + 1], pal[i + 2]]
                    })
                    .collect(),
            );
        }
        (frames, pal, w, h, delays)
    }

    fn encode_gif(frames: &[Pixmap], batch: usize) -> Vec<u8> {
        let (w, h) = (frames[0].width(), frames[0].height());
        let mut g = GifWriter::new(Vec::new(), w, h, &RESERVED, 7, true).unwrap();
        for chunk in frames.chunks(batch) {
            let refs: Vec<&Pixmap> = chunk.iter().collect();
            g.add_frames(&refs).unwrap();
        }
        g.finish().unwrap()
    }

    #[test]
    fn frames_of_any_width_map_and_pack_pixel_by_pixel() {
        // Widths that leave every remainder of the eight- and four-pixel steps.
        for w in [1, 3, 7, 8, 9, 13, 37, 64, 101] {
            let frame = test_frame(w, 5, 3, &RESERVED);
            let palette = Palette::build(&RESERVED, &frame, 255);
            let mapped = palette.map(&frame);
            let expected: Vec<u8> = frame.data().chunks_exact(4).map(|px| palette.index(px[0], px[1], px[2])).collect();
            assert_eq!(mapped, expected, "width {w}");
            let rgb: Vec<u8> = frame.data().chunks_exact(4).flat_map(|px| [px[0], px[1], px[2]]).collect();
            assert_eq!(to_rgb(&frame), rgb, "width {w}");
        }
    }

    #[test]
    fn runs_map_as_their_pixels_whatever_their_alpha() {
        // Long runs (taken eight pixels at a time), a run whose bytes differ from the one
        // before only in alpha, runs starting mid-step, and transparent black at the start.
        let frame = test_frame(16, 4, 3, &RESERVED);
        let palette = Palette::build(&RESERVED, &frame, 255);
        let mut pixmap = Pixmap::new(97, 3).unwrap();
        let colours = [[0, 0, 0, 0], [200, 40, 40, 255], [200, 40, 40, 128], [10, 120, 60, 255], [200, 40, 40, 255]];
        for (i, px) in pixmap.data_mut().chunks_exact_mut(4).enumerate() {
            px.copy_from_slice(&colours[(i / 29 + i / 61) % colours.len()]);
        }
        let mapped = palette.map(&pixmap);
        let expected: Vec<u8> = pixmap.data().chunks_exact(4).map(|px| palette.index(px[0], px[1], px[2])).collect();
        assert_eq!(mapped, expected);
    }

    #[test]
    fn the_nearest_colour_search_agrees_with_measuring_every_entry() {
        // A seeded generator; palettes with repeats and ties (few distinct levels).
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for round in 0..200 {
            let levels = if round % 2 == 0 { 256 } else { 5 };
            let size = 1 + (next() % 255) as usize;
            let channel = |v: u64| ((v % levels) * (255 / (levels - 1))) as u8;
            let colours: Vec<[u8; 3]> =
                (0..size).map(|_| [channel(next()), channel(next() >> 8), channel(next() >> 16)]).collect();
            let nearest = NearestColour::new(&colours);
            for _ in 0..200 {
                let c = [next() as u8, (next() >> 8) as u8, (next() >> 16) as u8];
                let brute = (0..colours.len()).min_by_key(|&i| (dist2(c, colours[i]), i)).unwrap();
                assert_eq!(nearest.of(&colours, c), brute, "{c:?} in {colours:?}");
            }
        }
    }

    #[test]
    fn changes_are_found_block_by_block_as_byte_by_byte() {
        // Lengths around the block size, with one or two changed bytes anywhere.
        for len in [1, 5, 31, 32, 33, 64, 95, 100] {
            let before: Vec<u8> = (0..len).map(|i| (i * 7 % 13) as u8).collect();
            assert_eq!((first_difference(&before, &before), last_difference(&before, &before)), (None, None));
            for i in 0..len {
                for j in i..len {
                    let mut after = before.clone();
                    after[i] ^= 0x40;
                    after[j] ^= 0x08;
                    let naive_first = after.iter().zip(&before).position(|(a, b)| a != b);
                    let naive_last = after.iter().zip(&before).rposition(|(a, b)| a != b);
                    assert_eq!(first_difference(&after, &before), naive_first, "{len} {i} {j}");
                    assert_eq!(last_difference(&after, &before), naive_last, "{len} {i} {j}");
                    let mut out = vec![0; len];
                    unchanged_as(200, &after, &before, &mut out);
                    let naive: Vec<u8> =
                        after.iter().zip(&before).map(|(&a, &b)| if a == b { 200 } else { a }).collect();
                    assert_eq!(out, naive, "{len} {i} {j}");
                }
            }
        }
    }

    #[test]
    fn rows_are_up_filtered_as_byte_by_byte() {
        // Widths with and without a partial block; rows alike in some blocks, not in others.
        for width in [1usize, 7, 8, 9, 17, 64, 67] {
            let now: Vec<u8> = (0..width * 4).map(|k| (k * 37 % 251) as u8).collect();
            let mut up = now.clone();
            for (k, byte) in up.iter_mut().enumerate() {
                if (k / 32) % 2 == 1 || k % 13 == 0 {
                    *byte = byte.wrapping_mul(7).wrapping_add(129);
                }
            }
            let expected: Vec<u8> = now
                .chunks_exact(4)
                .zip(up.chunks_exact(4))
                .flat_map(|(n, u)| (0..3).map(move |c| n[c].wrapping_sub(u[c])))
                .collect();
            let mut filtered = vec![0xaa; width * 3];
            up_filtered_rgb(&now, &up, &mut filtered);
            assert_eq!(filtered, expected, "width {width}");
            up_filtered_rgb(&now, &now, &mut filtered);
            assert!(filtered.iter().all(|&b| b == 0), "width {width}: a row less itself");
        }
    }

    #[test]
    fn png_round_trips_rgb() {
        let p = test_frame(64, 40, 0, &RESERVED);
        let bytes = encode_png(&p).unwrap();
        let dec = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut r = dec.read_info().unwrap();
        let mut buf = vec![0; r.output_buffer_size().unwrap()];
        let info = r.next_frame(&mut buf).unwrap();
        assert_eq!(info.color_type, png::ColorType::Rgb);
        assert_eq!((info.width, info.height), (64, 40));
        assert_eq!(&buf[..info.buffer_size()], to_rgb(&p).as_slice());
    }

    #[test]
    fn png_in_one_pass_writes_the_png_crates_bytes() {
        // A map-like frame, an odd size, and noise whose stream needs several IDAT chunks.
        for frame in [test_frame(320, 180, 3, &RESERVED), test_frame(37, 11, 0, &RESERVED), noise_like()] {
            let through_crate = encode_png_with(&frame, PNG_DEFLATE, PNG_FILTER).unwrap();
            let one_pass = encode_png(&frame).unwrap();
            assert!(one_pass == through_crate, "{}x{}", frame.width(), frame.height());
        }
        let noisy = encode_png(&noise_like()).unwrap();
        assert!(noisy.windows(4).filter(|w| w == b"IDAT").count() > 1, "the noise needs several chunks");
    }

    /// Pixels of a seeded generator: they do not compress.
    fn noise_like() -> Pixmap {
        let mut noise = Pixmap::new(401, 333).unwrap();
        let mut state = 7u64;
        for px in noise.data_mut().chunks_exact_mut(4) {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            px.copy_from_slice(&[(state >> 24) as u8, (state >> 32) as u8, (state >> 40) as u8, 255]);
        }
        noise
    }

    #[test]
    fn gif_reserved_colours_round_trip_exactly() {
        let frames: Vec<Pixmap> = (0..4).map(|i| test_frame(120, 50, i * 5, &RESERVED)).collect();
        let bytes = encode_gif(&frames, 3);
        let (decoded, pal, w, h, delays) = decode(&bytes);
        assert_eq!((w, h), (120, 50));
        assert_eq!(decoded.len(), 4, "frame count");
        assert_eq!(delays, vec![7; 4]);
        assert!(pal.len() / 3 <= 256);
        for c in RESERVED {
            let n = pal.chunks(3).filter(|e| *e == c).count();
            assert!(n >= 1, "{c:?} in palette");
        }
        for (src, dec) in frames.iter().zip(&decoded) {
            for (px, got) in src.data().chunks_exact(4).zip(dec) {
                let want = [px[0], px[1], px[2]];
                if RESERVED.contains(&want) {
                    assert_eq!(*got, want);
                } else {
                    // Non-reserved pixels are approximated, but not wildly.
                    assert!(dist2(*got, want) < 3 * 40 * 40, "{want:?} -> {got:?}");
                }
            }
        }
    }

    #[test]
    fn gif_bytes_do_not_depend_on_threads_or_batching() {
        let frames: Vec<Pixmap> = (0..5).map(|i| test_frame(90, 40, i * 3, &RESERVED)).collect();
        let run = |threads: usize, batch: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| encode_gif(&frames, batch))
        };
        let one = run(1, 5);
        assert_eq!(one, run(2, 5));
        assert_eq!(one, run(2, 2));
        assert_eq!(one, run(1, 1));
    }

    #[test]
    fn gif_unchanged_frame_is_tiny_and_still_counts() {
        let f = test_frame(100, 60, 0, &RESERVED);
        let mut g = GifWriter::new(Vec::new(), 100, 60, &RESERVED, 10, false).unwrap();
        g.add_frames(&[&f, &f, &f]).unwrap();
        assert!(g.palette().unwrap().len() <= 255);
        let bytes = g.finish().unwrap();
        let (decoded, ..) = decode(&bytes);
        assert_eq!(decoded.len(), 3);
        assert_eq!(decoded[0], decoded[2]);
        // No NETSCAPE loop extension when not looping.
        assert!(!bytes.windows(11).any(|w| w == b"NETSCAPE2.0"));
    }

    #[test]
    fn gif_holds_its_last_frame_and_shows_a_card_first() {
        let frames: Vec<Pixmap> = (0..4).map(|i| test_frame(60, 30, i * 5, &RESERVED)).collect();
        let card = test_frame(60, 30, 40, &RESERVED);
        // The card is mapped with the palette of the first map, written whole, and the
        // first map after it is whole too.
        let encoder = GifFrameEncoder::new(&RESERVED, &frames[0]).unwrap();
        let mut g = GifWriter::new(Vec::new(), 60, 30, &RESERVED, 50, true).unwrap().hold_last(300);
        g.write_prepared(&encoder, encoder.prepare(&encoder.map(&card).unwrap(), None, 250)).unwrap();
        let mut previous: Option<Vec<u8>> = None;
        for f in &frames {
            let mapped = encoder.map(f).unwrap();
            g.write_prepared(&encoder, encoder.prepare(&mapped, previous.as_deref(), 50)).unwrap();
            previous = Some(mapped);
        }
        let (decoded, _, _, _, delays) = decode(&g.finish().unwrap());
        assert_eq!(decoded.len(), 5);
        assert_eq!(delays, vec![250, 50, 50, 50, 300]);
        // Whole frames in batches get the hold as well.
        for batch in [1, 2, 4] {
            let mut g = GifWriter::new(Vec::new(), 60, 30, &RESERVED, 50, true).unwrap().hold_last(300);
            for chunk in frames.chunks(batch) {
                g.add_frames(&chunk.iter().collect::<Vec<_>>()).unwrap();
            }
            assert_eq!(decode(&g.finish().unwrap()).4, vec![50, 50, 50, 300], "batches of {batch}");
        }
        // A hold shorter than a frame's delay leaves it as it is.
        let mut g = GifWriter::new(Vec::new(), 60, 30, &RESERVED, 50, true).unwrap().hold_last(10);
        g.add_frames(&[&frames[0], &frames[1]]).unwrap();
        assert_eq!(decode(&g.finish().unwrap()).4, vec![50, 50]);
    }

    #[test]
    fn gif_errors() {
        assert!(matches!(GifWriter::new(Vec::new(), 0, 10, &[], 5, true), Err(RasterError::InvalidSize { .. })));
        assert!(GifWriter::new(Vec::new(), 70_000, 10, &[], 5, true).is_err());
        let many: Vec<[u8; 3]> = (0..256).map(|i| [i as u8, 0, 0]).collect();
        assert!(matches!(
            GifWriter::new(Vec::new(), 10, 10, &many, 5, true),
            Err(RasterError::TooManyReservedColours(256))
        ));
        let g = GifWriter::new(Vec::new(), 10, 10, &RESERVED, 5, true).unwrap();
        assert!(matches!(g.finish(), Err(RasterError::NoFrames)));
        let mut g = GifWriter::new(Vec::new(), 10, 10, &RESERVED, 5, true).unwrap();
        let wrong = Pixmap::new(11, 10).unwrap();
        assert!(matches!(g.add_frames(&[&wrong]), Err(RasterError::FrameSizeMismatch { .. })));
    }

    #[test]
    fn palette_fills_free_slots_from_frame_colours() {
        // A gradient has far more than 255 colours: all slots get used and
        // the error stays small.
        let mut p = Pixmap::new(256, 64).unwrap();
        for (i, px) in p.data_mut().chunks_exact_mut(4).enumerate() {
            let (x, y) = (i % 256, i / 256);
            px.copy_from_slice(&[x as u8, (y * 4) as u8, 255 - x as u8, 255]);
        }
        let pal = Palette::build(&RESERVED, &p, 255);
        assert_eq!(pal.colours.len(), 255);
        assert_eq!(&pal.colours[..5], &RESERVED[..5]);
        let worst = p
            .data()
            .chunks_exact(4)
            .map(|px| dist2(pal.colours[usize::from(pal.index(px[0], px[1], px[2]))], [px[0], px[1], px[2]]))
            .max()
            .unwrap();
        // 250 free entries for 16384 colours, plus the 5-bit table: about 27 worst.
        assert!(worst < 32 * 32, "worst squared error {worst}");
        // Exact reserved mapping, including two colours sharing a bin.
        for (i, c) in RESERVED.iter().enumerate() {
            assert_eq!(usize::from(pal.index(c[0], c[1], c[2])), i);
        }
    }

    #[test]
    fn find_executable_respects_search_path() {
        let dir = tempfile::tempdir().unwrap();
        assert!(find_executable("ffmpeg", Some(dir.path().as_os_str())).is_none());
        assert!(find_executable("ffmpeg", None).is_none());
    }

    #[cfg(unix)]
    fn fake_tool(dir: &Path, script: &str) -> std::ffi::OsString {
        use std::os::unix::fs::PermissionsExt;
        let p = dir.join("ffmpeg");
        std::fs::write(&p, script).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        dir.as_os_str().to_owned()
    }

    // All process-spawning checks live in one test: writing an executable
    // while another test thread forks can make exec fail with ETXTBSY.
    #[test]
    fn mp4_writer() {
        let out_dir = tempfile::tempdir().unwrap();
        let out = out_dir.path().join("war.mp4");

        // 1. ffmpeg missing from PATH: a clear error and no output.
        let empty = tempfile::tempdir().unwrap();
        let err = Mp4Writer::with_search_path(&out, 64, 48, 25, Some(empty.path().as_os_str())).err().unwrap();
        assert!(matches!(err, RasterError::FfmpegNotFound));
        assert!(err.to_string().contains("apt-get install ffmpeg"));
        assert!(!out.exists());
        assert!(matches!(Mp4Writer::with_search_path(&out, 63, 48, 25, None), Err(RasterError::InvalidSize { .. })));

        let frame = test_frame(64, 48, 0, &RESERVED);

        #[cfg(unix)]
        {
            // 2. A stand-in that copies stdin to its last argument: checks the
            // argument order, the bytes sent, and the rename into place.
            let ok_dir = tempfile::tempdir().unwrap();
            let path = fake_tool(ok_dir.path(), "#!/bin/sh\nfor last; do :; done\ncat > \"$last\"\n");
            let mut m = Mp4Writer::with_search_path(&out, 64, 48, 25, Some(&path)).unwrap();
            m.write_frame(&frame).unwrap();
            m.write_frame(&frame).unwrap();
            let wrong = Pixmap::new(10, 10).unwrap();
            assert!(matches!(m.write_frame(&wrong), Err(RasterError::FrameSizeMismatch { .. })));
            m.finish().unwrap();
            let written = std::fs::read(&out).unwrap();
            assert_eq!(written.len(), 2 * 64 * 48 * 3);
            assert_eq!(&written[..64 * 48 * 3], to_rgb(&frame).as_slice());
            std::fs::remove_file(&out).unwrap();

            // 3. A failing stand-in: the error carries its stderr, nothing is left behind.
            let bad_dir = tempfile::tempdir().unwrap();
            let path = fake_tool(
                bad_dir.path(),
                "#!/bin/sh\ncat > /dev/null\necho 'line one' >&2\necho \"Unknown encoder 'libx264'\" >&2\nexit 3\n",
            );
            let mut m = Mp4Writer::with_search_path(&out, 64, 48, 25, Some(&path)).unwrap();
            m.write_frame(&frame).unwrap();
            let err = m.finish().unwrap_err();
            let msg = err.to_string();
            assert!(msg.contains("Unknown encoder 'libx264'"), "{msg}");
            assert!(msg.contains("line one"), "{msg}");
            assert!(!out.exists());
            assert_eq!(std::fs::read_dir(out_dir.path()).unwrap().count(), 0, "no temp file left");

            // 4. A stand-in that dies at once: writing fails with its message.
            let dead_dir = tempfile::tempdir().unwrap();
            let path = fake_tool(dead_dir.path(), "#!/bin/sh\necho 'cannot open output' >&2\nexit 1\n");
            let big = Pixmap::new(640, 480).unwrap(); // larger than a pipe buffer
            let mut m = Mp4Writer::with_search_path(&out, 640, 480, 25, Some(&path)).unwrap();
            let mut result = Ok(());
            for _ in 0..4 {
                result = m.write_frame(&big);
                if result.is_err() {
                    break;
                }
            }
            let err = result.err().or_else(|| m.finish().err()).unwrap();
            assert!(err.to_string().contains("cannot open output"), "{err}");
            assert!(!out.exists());

            // 5. Dropped without finish: no output, no temp file.
            let m = Mp4Writer::with_search_path(&out, 64, 48, 25, Some(ok_dir.path().as_os_str())).unwrap();
            drop(m);
            assert_eq!(std::fs::read_dir(out_dir.path()).unwrap().count(), 0);
        }

        // 6. The real thing, when available.
        let path = std::env::var_os("PATH");
        if find_executable("ffmpeg", path.as_deref()).is_none() {
            eprintln!("skipping real MP4 encode: ffmpeg is not on PATH");
            return;
        }
        let mut m = Mp4Writer::new(&out, 64, 48, 25).unwrap();
        for i in 0..10 {
            m.write_frame(&test_frame(64, 48, i, &RESERVED)).unwrap();
        }
        m.finish().unwrap();
        let bytes = std::fs::read(&out).unwrap();
        let at = |tag: &[u8]| bytes.windows(4).position(|w| w == tag);
        assert!(at(b"ftyp").is_some(), "an MP4 container");
        assert!(at(b"avc1").is_some(), "H.264");
        assert!(at(b"moov") < at(b"mdat"), "+faststart puts the index first");
        assert_eq!(std::fs::read_dir(out_dir.path()).unwrap().count(), 1, "only the output");

        // 7. A real ffmpeg failure (output directory missing): stderr in the error.
        let missing = out_dir.path().join("no-such-dir").join("x.mp4");
        let mut m = Mp4Writer::new(&missing, 64, 48, 25).unwrap();
        let _ = m.write_frame(&frame);
        let err = m.finish().unwrap_err();
        assert!(matches!(err, RasterError::Ffmpeg { .. }), "{err}");
        assert!(err.to_string().contains("No such file or directory"), "{err}");
    }
}
