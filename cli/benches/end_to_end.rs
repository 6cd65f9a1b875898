//! `pipec build` as a whole process, as a user runs it
//! (`cargo bench -p pipec-cli --bench end_to_end`): the release binary on
//! the generated workload of 50, 500 and 5,000 jobs (sizes can be chosen
//! with `PIPEC_BENCH_JOBS=50,500`), for GitHub alone and for every target,
//! printing the median and the fastest of repeated runs and the peak
//! resident memory. Peak memory is read with GNU time (`/usr/bin/time`);
//! where it is missing, the column says so.

#![allow(clippy::print_stdout)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn pipec_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_pipec"))
}

/// One run: wall time, and peak RSS in KB when GNU time is there.
fn run_once(input: &Path, target: &str, out: &Path) -> (Duration, Option<u64>) {
    let gnu_time = Path::new("/usr/bin/time");
    let report = out.with_extension("time");
    let mut command = if gnu_time.exists() {
        let mut command = Command::new(gnu_time);
        command
            .arg("-f")
            .arg("%M")
            .arg("-o")
            .arg(&report)
            .arg(pipec_binary());
        command
    } else {
        Command::new(pipec_binary())
    };
    command
        .arg("build")
        .arg(input)
        .arg("--target")
        .arg(target)
        .arg("--out")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let started = Instant::now();
    let status = command.status().expect("pipec runs");
    let elapsed = started.elapsed();
    assert!(
        status.success(),
        "pipec build failed on {}",
        input.display()
    );
    let peak = std::fs::read_to_string(&report)
        .ok()
        .and_then(|text| text.trim().lines().last()?.trim().parse().ok());
    (elapsed, peak)
}

fn main() {
    let sizes: Vec<usize> = std::env::var("PIPEC_BENCH_JOBS")
        .ok()
        .map(|text| {
            text.split(',')
                .filter_map(|size| size.trim().parse().ok())
                .collect()
        })
        .unwrap_or_else(|| vec![50, 500, 5000]);
    let scratch = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("end-to-end");
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).expect("scratch directory");
    println!(
        "{:<8} {:>10} {:>8} {:>12} {:>12} {:>14}",
        "jobs", "input", "target", "median", "fastest", "peak RSS"
    );
    for jobs in sizes {
        let input = scratch.join(format!("bench-{jobs}.pipe"));
        let text = pipec::workload::benchmark_pipeline(jobs);
        std::fs::write(&input, &text).expect("write the workload");
        for target in ["github", "all"] {
            let out = scratch.join(format!("out-{jobs}-{target}"));
            let runs = if jobs >= 5000 { 11 } else { 31 };
            // The first run writes the files; later runs find them
            // unchanged, as a rebuild in a repository does.
            let _ = run_once(&input, target, &out);
            let mut times = Vec::new();
            let mut peak = None;
            for _ in 0..runs {
                let (elapsed, rss) = run_once(&input, target, &out);
                times.push(elapsed);
                peak = peak.max(rss);
            }
            times.sort();
            println!(
                "{jobs:<8} {:>10} {target:>8} {:>12.2?} {:>12.2?} {:>14}",
                text.len(),
                times[times.len() / 2],
                times[0],
                peak.map_or_else(
                    || "no GNU time".to_owned(),
                    |kb| format!("{:.1} MB", kb as f64 / 1024.0)
                ),
            );
        }
    }
}
