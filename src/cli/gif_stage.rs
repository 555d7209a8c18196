//! The GIF's share of each frame's work, done by the threads that draw the frames.
//!
//! A GIF frame is stored as what changed since the frame before, with one palette chosen
//! from the first frame. So the thread that draws frame `i` maps it to the palette (which
//! it may have to wait for, for the first frames only) and publishes the mapped frame.
//! Compressing frame `i` needs frames `i - 1` and `i` mapped: whichever thread publishes
//! the second of the two compresses it, so no thread waits for another's frame (a thread
//! that did wait for frame `i - 1` sat idle whenever it drew frame `i` faster). The thread
//! that writes the GIF takes the compressed frames in day order ([`GifStage::take`]).
//! With `--threads N` the work of the animation is spread over the same N threads as the
//! drawing, instead of running beside them on one more.
//!
//! Frames are taken in day order, so a frame the writer waits for is being compressed, or
//! was taken by a thread that either finishes it or marks it failed ([`GifStage::fail`]);
//! so the waits end.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Condvar, Mutex};

use anyhow::anyhow;
use tiny_skia::Pixmap;

use frontline::raster::{GifFrameEncoder, PreparedGifFrame};

/// What frame `i` left for the others.
enum Published {
    /// Its pixels mapped to the palette.
    Mapped(Arc<Vec<u8>>),
    /// It failed or was abandoned: the frame after it cannot be compressed either.
    Failed,
}

#[derive(Default)]
struct Shared {
    /// The palette, chosen from the first frame; `Err` when the first frame failed.
    encoder: Option<Result<Arc<GifFrameEncoder>, ()>>,
    /// Mapped frames still needed to compress themselves or the frame after them.
    mapped: BTreeMap<usize, Published>,
    /// Frames compressed, for the writer to take.
    compressed: BTreeMap<usize, PreparedGifFrame>,
    /// Frames whose compression is done (taken or not), to know when a mapped frame is
    /// no longer needed.
    done: BTreeSet<usize>,
}

/// The hand-over of palette, mapped and compressed frames between the threads.
pub struct GifStage {
    reserved: Vec<[u8; 3]>,
    delay: u16,
    shared: Mutex<Shared>,
    changed: Condvar,
}

impl GifStage {
    /// A stage for a GIF whose palette keeps `reserved` colours exact and whose frames
    /// show for `delay` hundredths of a second.
    pub fn new(reserved: &[[u8; 3]], delay: u16) -> GifStage {
        GifStage { reserved: reserved.to_vec(), delay, shared: Mutex::default(), changed: Condvar::new() }
    }

    /// Maps frame `i` (of the frames counted from 0) to the palette, and compresses it and
    /// the frame after it if their frames before them are mapped: the GIF's part of the work
    /// for that frame.
    pub fn prepare(&self, i: usize, frame: &Pixmap) -> anyhow::Result<()> {
        let encoder = if i == 0 {
            let encoder = Arc::new(GifFrameEncoder::new(&self.reserved, frame)?);
            self.update(|shared| shared.encoder = Some(Ok(Arc::clone(&encoder))));
            encoder
        } else {
            self.wait_for(|shared| match &shared.encoder {
                Some(Ok(encoder)) => Some(Ok(Arc::clone(encoder))),
                Some(Err(())) => Some(Err(anyhow!("the first frame failed"))),
                None => None,
            })?
        };
        let mapped = Arc::new(encoder.map(frame)?);
        // Under one lock, so that of the two frames a compression needs, exactly one
        // publisher finds the other there and claims it.
        let mut claimed = Vec::new();
        self.update(|shared| {
            let is_mapped = |shared: &Shared, k: usize| matches!(shared.mapped.get(&k), Some(Published::Mapped(_)));
            if i == 0 || is_mapped(shared, i - 1) {
                claimed.push(i);
            }
            if is_mapped(shared, i + 1) {
                claimed.push(i + 1);
            }
            shared.mapped.insert(i, Published::Mapped(Arc::clone(&mapped)));
        });
        for k in claimed {
            self.compress(&encoder, k);
        }
        Ok(())
    }

    /// Compresses frame `k`, whose frame and the frame before it are mapped.
    fn compress(&self, encoder: &GifFrameEncoder, k: usize) {
        let frames = self.shared.lock().unwrap_or_else(|e| e.into_inner());
        let get = |k: usize| match frames.mapped.get(&k) {
            Some(Published::Mapped(m)) => Some(Arc::clone(m)),
            _ => None,
        };
        let (current, previous) = (get(k), if k == 0 { None } else { get(k - 1) });
        drop(frames);
        let current = current.expect("a claimed frame is mapped");
        let prepared = encoder.prepare(&current, previous.as_deref().map(|p| p.as_slice()), self.delay);
        self.update(|shared| {
            shared.compressed.insert(k, prepared);
            shared.done.insert(k);
            // A mapped frame goes once it and the frame after it are compressed.
            for m in [k.checked_sub(1), Some(k)].into_iter().flatten() {
                if shared.done.contains(&m) && shared.done.contains(&(m + 1)) {
                    shared.mapped.remove(&m);
                }
            }
        });
    }

    /// The compressed frame `i`, with the encoder (the writer needs it for the first
    /// frame), waiting until a thread has made it.
    pub fn take(&self, i: usize) -> anyhow::Result<(Arc<GifFrameEncoder>, PreparedGifFrame)> {
        self.wait_for(|shared| {
            let failed = |k: usize| matches!(shared.mapped.get(&k), Some(Published::Failed));
            if let Some(frame) = shared.compressed.remove(&i) {
                let encoder = match &shared.encoder {
                    Some(Ok(encoder)) => Arc::clone(encoder),
                    _ => return Some(Err(anyhow!("the first frame failed"))),
                };
                Some(Ok((encoder, frame)))
            } else if failed(i) || (i > 0 && failed(i - 1)) {
                Some(Err(anyhow!("frame {} failed", i)))
            } else {
                None
            }
        })
    }

    /// Marks frame `i` failed or abandoned, so that no thread waits for it.
    pub fn fail(&self, i: usize) {
        self.update(|shared| {
            if i == 0 && shared.encoder.is_none() {
                shared.encoder = Some(Err(()));
            }
            shared.mapped.insert(i, Published::Failed);
        });
    }

    fn update(&self, change: impl FnOnce(&mut Shared)) {
        let mut shared = self.shared.lock().unwrap_or_else(|e| e.into_inner());
        change(&mut shared);
        drop(shared);
        self.changed.notify_all();
    }

    /// Waits until `ready` gives an answer.
    fn wait_for<T>(&self, mut ready: impl FnMut(&mut Shared) -> Option<anyhow::Result<T>>) -> anyhow::Result<T> {
        let mut shared = self.shared.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(answer) = ready(&mut shared) {
                return answer;
            }
            shared = self.changed.wait(shared).unwrap_or_else(|e| e.into_inner());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(shade: u8) -> Pixmap {
        let mut pixmap = Pixmap::new(40, 30).expect("a frame");
        pixmap.fill(tiny_skia::Color::from_rgba8(shade, 100, 200, 255));
        pixmap
    }

    /// `count` frames `step` shades apart, and the GIF one writer makes of them.
    fn frames_and_their_gif(count: u8, step: u8, reserved: &[[u8; 3]]) -> (Vec<Pixmap>, Vec<u8>) {
        let frames: Vec<Pixmap> = (0..count).map(|i| frame(i * step)).collect();
        let mut whole = frontline::raster::GifWriter::new(Vec::new(), 40, 30, reserved, 50, true).unwrap();
        whole.add_frames(&frames.iter().collect::<Vec<_>>()).unwrap();
        (frames, whole.finish().unwrap())
    }

    #[test]
    fn frames_prepared_on_many_threads_make_the_same_gif_as_one_writer() {
        let reserved = [[255, 255, 255]];
        let (frames, expected) = frames_and_their_gif(12, 20, &reserved);

        let stage = GifStage::new(&reserved, 50);
        let mut writer = frontline::raster::GifWriter::new(Vec::new(), 40, 30, &reserved, 50, true).unwrap();
        std::thread::scope(|scope| {
            // Later frames start first: they must wait for the palette, and leave their
            // compression to whoever maps the frame before them, not fail or use the
            // wrong one.
            let (stage, frames) = (&stage, &frames);
            for i in (0..frames.len()).rev() {
                scope.spawn(move || stage.prepare(i, &frames[i]).unwrap());
            }
            for i in 0..frames.len() {
                let (encoder, frame) = stage.take(i).unwrap();
                writer.write_prepared(&encoder, frame).unwrap();
            }
        });
        assert_eq!(writer.finish().unwrap(), expected);
        // Nothing is kept once every frame is taken but the last mapped frame.
        let shared = stage.shared.lock().unwrap();
        assert!(shared.compressed.is_empty());
        assert_eq!(shared.mapped.keys().copied().collect::<Vec<_>>(), vec![frames.len() - 1]);
    }

    #[test]
    fn frames_mapped_in_any_order_are_each_compressed_once_against_the_frame_before() {
        let reserved = [[255, 255, 255]];
        let (frames, expected) = frames_and_their_gif(6, 30, &reserved);
        for order in [[0, 2, 4, 1, 3, 5], [0, 5, 4, 3, 2, 1], [0, 1, 3, 2, 5, 4]] {
            let stage = GifStage::new(&reserved, 50);
            for i in order {
                stage.prepare(i, &frames[i]).unwrap();
            }
            assert_eq!(stage.shared.lock().unwrap().compressed.len(), frames.len(), "{order:?}");
            let mut writer = frontline::raster::GifWriter::new(Vec::new(), 40, 30, &reserved, 50, true).unwrap();
            for i in 0..frames.len() {
                let (encoder, frame) = stage.take(i).unwrap();
                writer.write_prepared(&encoder, frame).unwrap();
            }
            assert_eq!(writer.finish().unwrap(), expected, "{order:?}");
        }
    }

    #[test]
    fn a_failed_frame_releases_the_frames_waiting_for_it() {
        let stage = GifStage::new(&[[0, 0, 0]], 50);
        std::thread::scope(|scope| {
            let waiting = scope.spawn(|| stage.take(3).map(|_| ()));
            stage.prepare(0, &frame(0)).unwrap();
            stage.prepare(1, &frame(0)).unwrap();
            stage.prepare(3, &frame(1)).unwrap();
            stage.fail(2);
            let error = waiting.join().unwrap().unwrap_err();
            assert_eq!(error.to_string(), "frame 3 failed");
        });
        assert!(stage.take(1).is_ok());
        let first_failed = GifStage::new(&[[0, 0, 0]], 50);
        first_failed.fail(0);
        let error = first_failed.prepare(5, &frame(0)).map(|_| ()).unwrap_err();
        assert_eq!(error.to_string(), "the first frame failed");
    }
}
