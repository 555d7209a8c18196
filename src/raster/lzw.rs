//! The LZW compression of GIF image data, written for speed on maps.
//!
//! A frame is one to two million palette indices, mostly long runs of one index (flat
//! areas, and the unchanged pixels of a frame after the first), and compressing it was the
//! largest part of the GIF's cost with the general-purpose encoder the `gif` crate uses,
//! which looks up every byte in its table. This one gives the same codes a greedy LZW
//! encoder gives, but crosses runs in strides: the strings "b", "bb", "bbb"... of a byte
//! `b` enter the table one after the other, so it keeps their codes in a list and, inside a
//! run, jumps straight to the longest one that the run's length allows. Other bytes go
//! through a dense table (a child code per prefix code and byte), of which only the slots
//! written are undone when the table fills and restarts. The codes follow the GIF
//! specification (variable width from `min_code_size + 1` to 12 bits, least significant bit
//! first, a clear code first and whenever the table is full, an end code last), so any GIF
//! decoder reads them.

/// The largest code GIF allows (12 bits).
const MAX_CODE: u16 = 4095;

/// Compresses `data`, palette indices below `1 << min_code_size`, as GIF LZW data
/// appended to `out` (without the leading minimum-code-size byte or sub-block framing).
///
/// # Panics
/// If `min_code_size` is not in `2..=8`.
pub fn encode(data: &[u8], min_code_size: u8, out: &mut Vec<u8>) {
    assert!((2..=8).contains(&min_code_size), "GIF minimum code size {min_code_size} is not in 2..=8");
    let mut encoder = Encoder::new(min_code_size, out);
    let Some(&first) = data.first() else {
        encoder.finish(None);
        return;
    };
    let mut matched = Match::literal(first);
    let mut i = 1;
    while i < data.len() {
        let byte = data[i];
        if matched.run == Some(byte) {
            let runs = &encoder.runs[usize::from(byte)];
            let room = runs.len() - matched.length;
            let same = run_length(&data[i..], byte, room);
            if same > 0 {
                matched.length += same;
                matched.code = runs[matched.length - 1];
                i += same;
                continue;
            }
            // The run is as long as the longest string of `byte` known: extending it
            // makes a new one, as any other new string is made, below.
        }
        matched = encoder.push(matched, byte);
        i += 1;
    }
    encoder.finish(Some(matched.code));
}

/// How many of the first `limit` bytes of `data` are `byte`, counted without stopping at
/// each one: the unchanged pixels of a frame after the first are runs of thousands of one
/// index, and counting them a byte at a time was half of the compression's work.
fn run_length(data: &[u8], byte: u8, limit: usize) -> usize {
    let data = &data[..data.len().min(limit)];
    let block = [byte; 32];
    let mut counted = 0;
    for chunk in data.chunks_exact(32) {
        if *chunk != block {
            break;
        }
        counted += 32;
    }
    // Within the block where the run ends, eight bytes at a time, then the byte where the
    // words differ (the lowest differing byte of a little-endian word is the first).
    let pattern = u64::from_le_bytes([byte; 8]);
    let mut words = data[counted..].chunks_exact(8);
    for word in &mut words {
        let differ = u64::from_le_bytes(word.try_into().expect("8 bytes")) ^ pattern;
        if differ != 0 {
            return counted + (differ.trailing_zeros() / 8) as usize;
        }
        counted += 8;
    }
    counted + words.remainder().iter().take_while(|&&b| b == byte).count()
}

/// The smallest minimum code size GIF allows for `data` (2 to 8): enough bits for its
/// largest index.
pub fn min_code_size(data: &[u8]) -> u8 {
    let largest = data.iter().copied().max().unwrap_or(0);
    (u32::from(largest) + 1).max(4).next_power_of_two().trailing_zeros() as u8
}

/// The string matched so far.
#[derive(Debug, Clone, Copy)]
struct Match {
    code: u16,
    /// The byte it repeats, if it is one byte repeated.
    run: Option<u8>,
    /// Its length in bytes, kept while it is a run.
    length: usize,
}

impl Match {
    fn literal(byte: u8) -> Match {
        Match { code: u16::from(byte), run: Some(byte), length: 1 }
    }
}

/// The dictionary and the bit writer of one image.
struct Encoder<'o> {
    /// `children[prefix * 256 + byte]`: the code for `prefix` followed by `byte`, or 0 when
    /// there is none yet (0 is a literal and never a child, so it can mark "absent").
    children: Vec<u16>,
    /// The slots of `children` written since the last clear, to undo them at the next.
    written: Vec<u32>,
    /// `runs[b][n - 1]`: the code of the string of `n` bytes `b` (the first is `b` itself).
    runs: Vec<Vec<u16>>,
    clear: u16,
    /// The code the next new string gets.
    next: u16,
    /// The width of the codes written now, in bits.
    width: u8,
    min_code_size: u8,
    bits: u64,
    pending: u8,
    out: &'o mut Vec<u8>,
}

impl<'o> Encoder<'o> {
    fn new(min_code_size: u8, out: &'o mut Vec<u8>) -> Encoder<'o> {
        let clear = 1u16 << min_code_size;
        let mut encoder = Encoder {
            children: take_table(),
            written: Vec::with_capacity(usize::from(MAX_CODE)),
            runs: (0..=255u16).map(|b| vec![b]).collect(),
            clear,
            next: clear + 2,
            width: min_code_size + 1,
            min_code_size,
            bits: 0,
            pending: 0,
            out,
        };
        encoder.write(clear);
        encoder
    }

    /// Extends the string `matched` by `byte`, writing `matched` out when the longer string
    /// is new; returns the string now being matched.
    #[inline]
    fn push(&mut self, matched: Match, byte: u8) -> Match {
        let slot = usize::from(matched.code) << 8 | usize::from(byte);
        let child = self.children[slot];
        let extends_run = matched.run == Some(byte);
        if child != 0 {
            let run = if extends_run { matched.run } else { None };
            return Match { code: child, run, length: matched.length + 1 };
        }
        self.write(matched.code);
        if self.next >= MAX_CODE {
            self.restart();
        } else {
            self.children[slot] = self.next;
            self.written.push(slot as u32);
            if extends_run {
                self.runs[usize::from(byte)].push(self.next);
            }
            self.next += 1;
        }
        Match::literal(byte)
    }

    /// The table is full: writes the clear code and starts afresh, as decoders will.
    fn restart(&mut self) {
        self.write(self.clear);
        for &slot in &self.written {
            self.children[slot as usize] = 0;
        }
        self.written.clear();
        for run in &mut self.runs {
            run.truncate(1);
        }
        self.next = self.clear + 2;
        self.width = self.min_code_size + 1;
    }

    /// Writes `code` at the current width, then widens the codes once the next new string's
    /// code no longer fits (decoders widen at the same point, one code later in their count).
    #[inline]
    fn write(&mut self, code: u16) {
        self.bits |= u64::from(code) << self.pending;
        self.pending += self.width;
        while self.pending >= 8 {
            self.out.push(self.bits as u8);
            self.bits >>= 8;
            self.pending -= 8;
        }
        if self.next >= 1 << self.width && self.width < 12 {
            self.width += 1;
        }
    }

    /// Writes the string being matched (if any), the end code and the last partial byte.
    fn finish(mut self, last: Option<u16>) {
        if let Some(code) = last {
            self.write(code);
        }
        self.write(self.clear + 1);
        if self.pending > 0 {
            self.out.push(self.bits as u8);
        }
        // Cleared as at a restart, the table serves the thread's next image.
        for &slot in &self.written {
            self.children[slot as usize] = 0;
        }
        give_back_table(std::mem::take(&mut self.children));
    }
}

/// Slots of the dictionary table: a child code per prefix code and byte.
const TABLE_SLOTS: usize = (MAX_CODE as usize + 1) * 256;

thread_local! {
    /// The dictionary table of the thread's last image, all zero, kept for its next: a fresh
    /// 2 MB table an image cost the kernel's zeroing of its pages each time.
    static SPARE_TABLE: std::cell::RefCell<Vec<u16>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// An all-zero dictionary table: the thread's spare one, or a new one.
fn take_table() -> Vec<u16> {
    let spare = SPARE_TABLE.with(|t| std::mem::take(&mut *t.borrow_mut()));
    if spare.len() == TABLE_SLOTS { spare } else { vec![0; TABLE_SLOTS] }
}

/// Keeps an all-zero table for the thread's next image.
fn give_back_table(table: Vec<u16>) {
    debug_assert!(table.iter().all(|&c| c == 0), "a table given back is cleared");
    SPARE_TABLE.with(|t| *t.borrow_mut() = table);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes GIF LZW data with the `gif` crate's own decoder (weezl).
    fn decode(data: &[u8], min_code_size: u8) -> Vec<u8> {
        let mut decoder = weezl::decode::Decoder::new(weezl::BitOrder::Lsb, min_code_size);
        decoder.decode(data).expect("valid LZW")
    }

    fn round_trip(data: &[u8]) {
        let size = min_code_size(data);
        let mut out = Vec::new();
        encode(data, size, &mut out);
        assert_eq!(decode(&out, size), data, "{} bytes, code size {size}", data.len());
    }

    #[test]
    fn empty_and_tiny_inputs_round_trip() {
        round_trip(&[]);
        round_trip(&[0]);
        round_trip(&[3, 3, 3]);
        round_trip(&[1, 2, 1, 2, 1, 2, 1]);
    }

    #[test]
    fn runs_and_noise_round_trip_through_many_clears() {
        // Long runs (a map's flat areas) and pseudo-random noise (its edges), long enough
        // to fill the table many times and cross every code width.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut data = Vec::new();
        for i in 0..400_000usize {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let noisy = (i / 5000) % 3 == 0;
            data.push(if noisy { (state % 256) as u8 } else { ((i / 700) % 7) as u8 });
        }
        round_trip(&data);
        let small: Vec<u8> = data.iter().map(|b| b % 4).collect();
        round_trip(&small);
    }

    #[test]
    fn runs_are_counted_as_byte_by_byte_whatever_their_length_and_limit() {
        // Runs ending at every offset across the 32- and 8-byte blocks, with limits below,
        // at and beyond the run and the data.
        for len in 0..80usize {
            for tail in [None, Some(9u8)] {
                let mut data = vec![7u8; len];
                data.extend(tail);
                data.extend([7u8; 5]);
                for limit in [0, 1, 7, 8, 31, 32, 33, len, len + 1, 200] {
                    let slow = data.iter().take(limit).take_while(|&&b| b == 7).count();
                    assert_eq!(run_length(&data, 7, limit), slow, "run {len}, tail {tail:?}, limit {limit}");
                }
            }
        }
    }

    #[test]
    fn code_size_fits_the_largest_index() {
        assert_eq!(min_code_size(&[]), 2);
        assert_eq!(min_code_size(&[3]), 2);
        assert_eq!(min_code_size(&[4]), 3);
        assert_eq!(min_code_size(&[255, 0]), 8);
    }
}
