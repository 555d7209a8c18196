//! The error type shared by the raster backend and the encoders.
//!
//! One enum rather than one per module because the integrator maps it onto the
//! crate-wide error type in a single `From` impl.

use std::path::PathBuf;

/// Everything that can go wrong while rasterising or encoding frames.
#[derive(Debug, thiserror::Error)]
pub enum RasterError {
    /// An image or canvas size that is zero, too large for the format, or
    /// otherwise unusable (e.g. odd sizes for H.264 4:2:0).
    #[error("invalid image size {width}x{height}: {reason}")]
    InvalidSize {
        /// Requested width in pixels.
        width: u32,
        /// Requested height in pixels.
        height: u32,
        /// Why the size is rejected.
        reason: &'static str,
    },

    /// The sub-pixel factor of a [`super::skia_backend::SkiaBackend`] must be at least 1.
    #[error("invalid sub-pixel factor {0}: must be between 1 and 64")]
    InvalidScale(u32),

    /// A frame handed to an encoder does not have the encoder's dimensions.
    #[error("frame is {got_width}x{got_height} but the output is {width}x{height}")]
    FrameSizeMismatch {
        /// Width of the output.
        width: u32,
        /// Height of the output.
        height: u32,
        /// Width of the offending frame.
        got_width: u32,
        /// Height of the offending frame.
        got_height: u32,
    },

    /// More reserved colours than a GIF palette can hold.
    #[error("{0} distinct reserved colours requested but a GIF palette holds at most 256")]
    TooManyReservedColours(usize),

    /// `GifWriter::finish` was called before any frame was added.
    #[error("no frames were added to the GIF")]
    NoFrames,

    /// A bitmap handed to `blit_bitmap` is shorter than its stated size.
    #[error("bitmap buffer holds {got} bytes but {width}x{height} RGB needs {needed}")]
    BitmapTooShort {
        /// Stated width.
        width: u32,
        /// Stated height.
        height: u32,
        /// Bytes required.
        needed: usize,
        /// Bytes supplied.
        got: usize,
    },

    /// An embedded or supplied font could not be parsed.
    #[error("font {name} could not be parsed: {message}")]
    Font {
        /// Which face failed.
        name: &'static str,
        /// The parser's message.
        message: String,
    },

    /// A text size that cannot be rendered (larger than [`super::fonts::MAX_TEXT_PX`]).
    #[error("text size {0} px is larger than the supported maximum")]
    TextTooLarge(f64),

    /// The PNG encoder failed.
    #[error("PNG encoding failed: {0}")]
    Png(#[from] png::EncodingError),

    /// The GIF encoder failed (including I/O errors of the underlying writer).
    #[error("GIF encoding failed: {0}")]
    Gif(#[from] gif::EncodingError),

    /// An I/O operation failed; `context` says which.
    #[error("{context}: {source}")]
    Io {
        /// What was being done, e.g. "writing frame to ffmpeg".
        context: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },

    /// The `ffmpeg` executable is not on PATH.
    #[error(
        "ffmpeg not found on PATH: install it (Debian/Ubuntu: apt-get install ffmpeg; \
         macOS: brew install ffmpeg) or omit --mp4"
    )]
    FfmpegNotFound,

    /// ffmpeg ran but exited unsuccessfully.
    #[error("ffmpeg failed ({status}) while writing {path}: {stderr_tail}")]
    Ffmpeg {
        /// Exit status as printed by the OS.
        status: String,
        /// The output file that was being produced.
        path: PathBuf,
        /// The last lines ffmpeg printed on stderr.
        stderr_tail: String,
    },
}

impl RasterError {
    /// Shorthand for [`RasterError::Io`].
    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        RasterError::Io { context: context.into(), source }
    }
}

/// Result alias used throughout the raster modules.
pub type Result<T, E = RasterError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ffmpeg_message_is_actionable() {
        let msg = RasterError::FfmpegNotFound.to_string();
        assert!(msg.starts_with("ffmpeg not found on PATH"));
        assert!(msg.contains("apt-get install ffmpeg"));
        assert!(msg.contains("brew install ffmpeg"));
        assert!(msg.contains("omit --mp4"));
    }

    #[test]
    fn error_is_send_sync() {
        // DrawingBackend::ErrorType must be Send + Sync.
        fn check<T: Send + Sync + std::error::Error + 'static>() {}
        check::<RasterError>();
    }
}
