//! A temporary folder to run `frontline` in, printing its output when an assertion fails.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A scratch folder holding (optionally) a copy of the mini fixture scenario.
pub struct Workdir {
    dir: tempfile::TempDir,
}

/// What one run of the program printed and returned.
pub struct Run {
    pub args: Vec<String>,
    pub output: Output,
}

impl Run {
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    fn explain(&self) -> String {
        format!(
            "frontline {}\n--- exit: {:?}\n--- stdout:\n{}\n--- stderr:\n{}",
            self.args.join(" "),
            self.output.status.code(),
            self.stdout(),
            self.stderr()
        )
    }

    /// Asserts success and no panic; returns self for chaining.
    #[track_caller]
    pub fn success(&self) -> &Self {
        assert!(self.output.status.success(), "expected success\n{}", self.explain());
        self.no_panic()
    }

    /// Asserts a failure exit (not a crash) and no panic.
    #[track_caller]
    pub fn failure(&self) -> &Self {
        assert_eq!(self.output.status.code(), Some(1), "expected exit code 1\n{}", self.explain());
        self.no_panic()
    }

    #[track_caller]
    pub fn no_panic(&self) -> &Self {
        assert!(!self.stderr().contains("panicked"), "the program panicked\n{}", self.explain());
        self
    }

    /// Asserts that stdout or stderr contains `needle`.
    #[track_caller]
    pub fn says(&self, needle: &str) -> &Self {
        assert!(
            self.stdout().contains(needle) || self.stderr().contains(needle),
            "expected the output to contain {needle:?}\n{}",
            self.explain()
        );
        self
    }

    /// Parses stdout as JSON.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout()).unwrap_or_else(|e| panic!("stdout is not JSON ({e})\n{}", self.explain()))
    }
}

impl Workdir {
    /// An empty scratch folder.
    pub fn new() -> Workdir {
        Workdir { dir: tempfile::tempdir().expect("a temporary folder") }
    }

    /// A scratch folder with a copy of `tests/fixtures/mini` in `mini/`.
    pub fn with_mini() -> Workdir {
        let w = Workdir::new();
        copy_dir(&fixture("mini"), &w.path("mini"));
        w
    }

    /// Renders the mini scenario's SVG frames from `from` to `to` into `frames/`, no GIF.
    pub fn mini_svg_frames(&self, from: &str, to: &str) {
        self.run(&["--scenario", "mini", "render", "--format", "svg", "--no-gif", "--from", from, "--to", to])
            .success();
    }

    /// A scratch folder with a copy of the fixture `name` in `name/`.
    pub fn with_fixture(name: &str) -> Workdir {
        let w = Workdir::new();
        copy_dir(&fixture(name), &w.path(name));
        w
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative)).expect("a readable file")
    }

    pub fn write(&self, relative: &str, text: &str) {
        std::fs::write(self.path(relative), text).expect("a writable file");
    }

    /// Replaces `from` by `to` in a file, insisting that `from` is there.
    #[track_caller]
    pub fn edit(&self, relative: &str, from: &str, to: &str) {
        let text = self.read(relative);
        assert!(text.contains(from), "{relative} does not contain {from:?}");
        self.write(relative, &text.replacen(from, to, 1));
    }

    /// Runs `frontline` with `args` in this folder.
    pub fn run(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_frontline"))
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .expect("frontline runs");
        Run { args: args.iter().map(|s| s.to_string()).collect(), output }
    }
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
