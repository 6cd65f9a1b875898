//! Phase benchmarks on generated pipelines (`cargo bench -p pipec`): parse,
//! the tree checks, check with lowering, each backend on the lowered IR, and
//! a whole build for every target, in process. The whole `pipec` process,
//! with its reading, writing and peak memory, is measured by
//! `cargo bench -p pipec-cli --bench end_to_end`.
//!
//! A plain bench binary rather than a framework: it prints the median of
//! repeated runs per phase and size, the figures recorded in
//! `docs/performance.md`. Sizes can be chosen with `PIPEC_BENCH_JOBS=50,500`.

#![allow(clippy::print_stdout)]

use std::hint::black_box;
use std::time::{Duration, Instant};

fn median_of<F: FnMut()>(runs: usize, mut work: F) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            work();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
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
    println!(
        "{:<8} {:>10} {:>12} {:>14}",
        "jobs", "bytes", "phase", "median"
    );
    for jobs in sizes {
        let text = pipec::workload::benchmark_pipeline(jobs);
        let runs = if jobs >= 5000 { 11 } else { 31 };
        let parse = median_of(runs, || {
            black_box(pipec::parse_text(black_box(&text)));
        });
        println!(
            "{jobs:<8} {:>10} {:>12} {:>12.2?}",
            text.len(),
            "parse",
            parse
        );
        let parsed = pipec::parse_text(&text);
        let check = median_of(runs, || {
            black_box(pipec::check::check_file(
                black_box(&parsed.file),
                &text,
                pipec::span::SourceId(0),
            ));
        });
        println!(
            "{jobs:<8} {:>10} {:>12} {:>12.2?}",
            text.len(),
            "tree checks",
            check
        );
        let full = median_of(runs, || {
            let mut sources = pipec::source::Sources::new();
            sources.add("bench.pipe", text.clone());
            black_box(pipec::check(&mut sources, &pipec::resolve::NoFiles));
        });
        println!(
            "{jobs:<8} {:>10} {:>12} {:>12.2?}",
            text.len(),
            "check+lower",
            full
        );
        // Each backend alone, on the IR of the checked pipeline.
        let mut sources = pipec::source::Sources::new();
        sources.add("bench.pipe", text.clone());
        let checked = pipec::check(&mut sources, &pipec::resolve::NoFiles);
        let context = pipec::backend::BuildContext {
            input_hash: "bench".to_owned(),
        };
        for target in pipec::backend::Target::ALL.iter().copied() {
            let backend = median_of(runs, || {
                black_box(pipec::backend::generate(
                    black_box(&checked.project),
                    target,
                    &context,
                ));
            });
            println!(
                "{jobs:<8} {:>10} {:>12} {:>12.2?}",
                text.len(),
                target.name(),
                backend
            );
        }
        let build = median_of(runs, || {
            let mut sources = pipec::source::Sources::new();
            sources.add("bench.pipe", text.clone());
            black_box(pipec::build(
                &mut sources,
                &pipec::resolve::NoFiles,
                pipec::backend::Target::ALL,
            ));
        });
        println!(
            "{jobs:<8} {:>10} {:>12} {:>12.2?}",
            text.len(),
            "build all",
            build
        );
    }
}
