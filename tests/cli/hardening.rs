//! Hardening: outputs that never clobber what is not a file, concurrent and interrupted
//! runs, bounded inputs, messages that say where and what, and no echo of foreign files.
//! Everything runs on temporary paths (a FIFO made with mkfifo, symlinks), never on real
//! devices.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::workdir::Workdir;

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().expect("mkfifo runs").success();
    assert!(ok, "mkfifo {}", path.display());
}

fn is_fifo(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::symlink_metadata(path).map(|m| m.file_type().is_fifo()).unwrap_or(false)
}

fn partials(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".partial") || n.ends_with(".part"))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_fifo_is_refused_and_left_as_it_was() {
    let w = Workdir::with_mini();
    mkfifo(&w.path("pipe"));
    w.run(&["--scenario", "mini", "export", "--csv", "--out", "pipe"]).failure().says("not a regular file");
    assert!(is_fifo(&w.path("pipe")), "the FIFO was replaced");
    w.run(&["--scenario", "mini", "render", "--out", "frames", "--gif", "pipe", "--size", "320x240"])
        .failure()
        .says("not a regular file");
    assert!(is_fifo(&w.path("pipe")));
    std::fs::create_dir(w.path("folder")).unwrap();
    w.run(&["--scenario", "mini", "export", "--csv", "--out", "folder"]).failure().says("a folder");
    assert!(partials(w.path("").as_path()).is_empty());
}

#[test]
fn a_symlink_is_written_through_and_a_dangling_one_refused() {
    let w = Workdir::with_mini();
    w.write("real.csv", "old\n");
    std::os::unix::fs::symlink(w.path("real.csv"), w.path("link.csv")).unwrap();
    w.run(&["--scenario", "mini", "export", "--csv", "--out", "link.csv"]).success();
    assert!(std::fs::symlink_metadata(w.path("link.csv")).unwrap().file_type().is_symlink(), "the link stays");
    assert!(w.read("real.csv").starts_with("date,place_id"), "the file it points to is replaced");
    std::os::unix::fs::symlink(w.path("nowhere.csv"), w.path("dangling.csv")).unwrap();
    w.run(&["--scenario", "mini", "export", "--csv", "--out", "dangling.csv"])
        .failure()
        .says("symbolic link to nothing");
    assert!(!w.path("nowhere.csv").exists());
}

#[test]
fn concurrent_renders_into_one_folder_leave_valid_files() {
    let w = Workdir::with_mini();
    let exe = env!("CARGO_BIN_EXE_frontline");
    for _ in 0..3 {
        let spawn = |size: &str| {
            Command::new(exe)
                .args(["--scenario", "mini", "render", "--out", "frames", "--size", size, "--quiet"])
                .current_dir(w.path(""))
                .spawn()
                .unwrap()
        };
        let (mut a, mut b) = (spawn("640x360"), spawn("800x450"));
        assert!(a.wait().unwrap().success() && b.wait().unwrap().success());
        let bytes = std::fs::read(w.path("frames/animation.gif")).unwrap();
        let mut options = gif::DecodeOptions::new();
        options.set_color_output(gif::ColorOutput::Indexed);
        let mut decoder = options.read_info(bytes.as_slice()).expect("a valid GIF");
        let size = (decoder.width(), decoder.height());
        assert!(size == (640, 360) || size == (800, 450), "{size:?}");
        let mut frames = 0;
        while decoder.read_next_frame().expect("every frame decodes").is_some() {
            frames += 1;
        }
        assert_eq!(frames, 5);
        assert!(partials(&w.path("frames")).is_empty());
    }
}

#[test]
fn an_interrupted_render_leaves_no_temporary_file() {
    for signal in ["-INT", "-TERM"] {
        let w = Workdir::new();
        let child = Command::new(env!("CARGO_BIN_EXE_frontline"))
            .args(["render", "--out", "frames", "--size", "3840x2160", "--quiet", "--threads", "1"])
            .current_dir(w.path(""))
            .spawn()
            .unwrap();
        let started = Instant::now();
        // Wait until a temporary file exists, then interrupt.
        while partials(&w.path("frames")).is_empty() && started.elapsed() < Duration::from_secs(60) {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(!partials(&w.path("frames")).is_empty(), "no temporary file appeared");
        Command::new("kill").args([signal, &child.id().to_string()]).status().unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(!out.status.success(), "{signal}: the run should end unsuccessfully");
        assert!(partials(&w.path("frames")).is_empty(), "{signal} left {:?}", partials(&w.path("frames")));
    }
}
