//! The GIF's share of each frame's work, done by the thread that drew the frame.
//!
//! A GIF frame is stored as what changed since the frame before, with one palette chosen
//! from the first frame. So the thread that draws frame `i` maps it to the palette (which
//! it may have to wait for), publishes the mapped frame for frame `i + 1`, waits for frame
//! `i - 1`'s mapped pixels and compresses the difference. Only the writing of the finished
//! bytes is left to the thread that keeps the frames in order. With `--threads N` the work
//! of the animation is spread over the same N threads as the drawing, instead of running
//! beside them on one more.
//!
//! Frames are taken in day order, so the frame a thread waits for was taken earlier by
//! another thread, which either finishes it or marks it failed ([`GifStage::fail`]); no
//! thread ever waits for a later frame, so the waits end.

use std::collections::BTreeMap;
use std::sync::{Arc, Condvar, Mutex};

use anyhow::anyhow;
use tiny_skia::Pixmap;

use frontline::raster::{GifFrameEncoder, PreparedGifFrame};

/// What frame `i` left for the others.
enum Published {
    /// Its pixels mapped to the palette.
    Mapped(Arc<Vec<u8>>),
    /// It failed or was abandoned: whoever waits for it gives up.
    Failed,
}

#[derive(Default)]
struct Shared {
    /// The palette, chosen from the first frame; `Err` when the first frame failed.
    encoder: Option<Result<Arc<GifFrameEncoder>, ()>>,
    /// Mapped frames not yet used by the frame after them.
    mapped: BTreeMap<usize, Published>,
}

/// The hand-over of palette and mapped frames between the threads drawing frames.
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

    /// Maps and compresses frame `i` (of the frames counted from 0), the GIF's part of the
    /// work for that frame. Returns the encoder too, which the writer needs for the first.
    pub fn prepare(&self, i: usize, frame: &Pixmap) -> anyhow::Result<(Arc<GifFrameEncoder>, PreparedGifFrame)> {
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
        self.update(|shared| {
            shared.mapped.insert(i, Published::Mapped(Arc::clone(&mapped)));
        });
        let previous = if i == 0 {
            None
        } else {
            // Frame i is the only one that needs frame i - 1: take it out.
            Some(self.wait_for(|shared| match shared.mapped.get(&(i - 1)) {
                None => None,
                Some(Published::Failed) => Some(Err(anyhow!("frame {} failed", i))),
                Some(Published::Mapped(_)) => match shared.mapped.remove(&(i - 1)) {
                    Some(Published::Mapped(previous)) => Some(Ok(previous)),
                    _ => Some(Err(anyhow!("frame {} failed", i))),
                },
            })?)
        };
        let prepared = encoder.prepare(&mapped, previous.as_deref().map(|p| p.as_slice()), self.delay);
        Ok((encoder, prepared))
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

    #[test]
    fn frames_prepared_on_many_threads_make_the_same_gif_as_one_writer() {
        let frames: Vec<Pixmap> = (0..12).map(|i| frame(i * 20)).collect();
        let reserved = [[255, 255, 255]];
        let mut whole = frontline::raster::GifWriter::new(Vec::new(), 40, 30, &reserved, 50, true).unwrap();
        whole.add_frames(&frames.iter().collect::<Vec<_>>()).unwrap();
        let expected = whole.finish().unwrap();

        let stage = GifStage::new(&reserved, 50);
        let prepared: Vec<(Arc<GifFrameEncoder>, PreparedGifFrame)> = std::thread::scope(|scope| {
            // Later frames start first: they must wait for the palette and for their
            // previous frame, not fail or use the wrong one.
            let (stage, frames) = (&stage, &frames);
            let handles: Vec<_> =
                (0..frames.len()).rev().map(|i| scope.spawn(move || stage.prepare(i, &frames[i]).unwrap())).collect();
            let mut done: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
            done.reverse();
            done
        });
        let mut writer = frontline::raster::GifWriter::new(Vec::new(), 40, 30, &reserved, 50, true).unwrap();
        for (encoder, frame) in prepared {
            writer.write_prepared(&encoder, frame).unwrap();
        }
        assert_eq!(writer.finish().unwrap(), expected);
    }

    #[test]
    fn a_failed_frame_releases_the_frames_waiting_for_it() {
        let stage = GifStage::new(&[[0, 0, 0]], 50);
        std::thread::scope(|scope| {
            let waiting = scope.spawn(|| stage.prepare(3, &frame(1)).map(|_| ()));
            stage.prepare(0, &frame(0)).unwrap();
            stage.prepare(1, &frame(0)).unwrap();
            stage.fail(2);
            let error = waiting.join().unwrap().unwrap_err();
            assert_eq!(error.to_string(), "frame 3 failed");
        });
        let first_failed = GifStage::new(&[[0, 0, 0]], 50);
        first_failed.fail(0);
        let error = first_failed.prepare(5, &frame(0)).map(|_| ()).unwrap_err();
        assert_eq!(error.to_string(), "the first frame failed");
    }
}
