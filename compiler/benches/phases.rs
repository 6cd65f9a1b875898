//! Phase benchmarks on generated pipelines (`cargo bench -p pipec --bench
//! phases`), with divan: parse, the tree checks, lowering, the whole
//! check, each backend on the lowered IR, and a build for every target, in
//! process, at 50, 500 and 5,000 jobs of `pipec::workload`. The whole
//! `pipec` process, with its reading, writing and peak memory, is measured
//! by `cargo bench -p pipec-cli --bench end_to_end`.
//!
//! Each benchmark reports the input's bytes per second beside its time, so
//! growth with the input shows as a falling throughput.

use divan::Bencher;
use divan::counter::BytesCount;
use pipec::backend::{BuildContext, Target};
use pipec::resolve::NoFiles;
use pipec::source::Sources;

fn main() {
    divan::main();
}

const JOBS: &[usize] = &[50, 500, 5000];

fn workload(jobs: usize) -> String {
    pipec::workload::benchmark_pipeline(jobs)
}

fn sources_of(text: &str) -> Sources {
    let mut sources = Sources::new();
    sources.add("bench.pipe", text.to_owned());
    sources
}

/// Lexing, the delimiter pass and the parser, into the tree.
#[divan::bench(args = JOBS, max_time = 3)]
fn parse(bencher: Bencher, jobs: usize) {
    let text = workload(jobs);
    bencher
        .counter(BytesCount::of_str(&text))
        .bench(|| pipec::parse_text(divan::black_box(&text)));
}

/// The checks made on the tree alone (`check::check_file`).
#[divan::bench(args = JOBS, max_time = 3)]
fn tree_checks(bencher: Bencher, jobs: usize) {
    let text = workload(jobs);
    let parsed = pipec::parse_text(&text);
    bencher.counter(BytesCount::of_str(&text)).bench(|| {
        pipec::check::check_file(
            divan::black_box(&parsed.file),
            &text,
            pipec::span::SourceId(0),
        )
    });
}

/// The tree of a loaded program to the IR.
#[divan::bench(args = JOBS, max_time = 3)]
fn lower(bencher: Bencher, jobs: usize) {
    let text = workload(jobs);
    let mut sources = sources_of(&text);
    let program = pipec::resolve::load_program(&mut sources, &NoFiles, &mut Vec::new());
    bencher
        .counter(BytesCount::of_str(&text))
        .bench(|| pipec::lower::lower_program(divan::black_box(&program), &sources, &[]));
}

/// Everything `pipec check` does: load, parse, check, lower, the IR's checks.
#[divan::bench(args = JOBS, max_time = 3)]
fn check(bencher: Bencher, jobs: usize) {
    let text = workload(jobs);
    bencher
        .counter(BytesCount::of_str(&text))
        .with_inputs(|| sources_of(&text))
        .bench_local_refs(|sources| pipec::check(sources, &NoFiles));
}

fn backend(bencher: Bencher, jobs: usize, target: Target) {
    let text = workload(jobs);
    let mut sources = sources_of(&text);
    let checked = pipec::check(&mut sources, &NoFiles);
    let context = BuildContext {
        input_hash: "bench".to_owned(),
    };
    bencher
        .counter(BytesCount::of_str(&text))
        .bench(|| pipec::backend::generate(divan::black_box(&checked.project), target, &context));
}

/// The GitHub backend on the lowered IR.
#[divan::bench(args = JOBS, max_time = 3)]
fn github(bencher: Bencher, jobs: usize) {
    backend(bencher, jobs, Target::Github);
}

/// The GitLab backend on the lowered IR.
#[divan::bench(args = JOBS, max_time = 3)]
fn gitlab(bencher: Bencher, jobs: usize) {
    backend(bencher, jobs, Target::Gitlab);
}

/// The Kubernetes backend on the lowered IR.
#[divan::bench(args = JOBS, max_time = 3)]
fn k8s(bencher: Bencher, jobs: usize) {
    backend(bencher, jobs, Target::K8s);
}

/// A whole build for every target, in process.
#[divan::bench(args = JOBS, max_time = 3)]
fn build_all(bencher: Bencher, jobs: usize) {
    let text = workload(jobs);
    bencher
        .counter(BytesCount::of_str(&text))
        .with_inputs(|| sources_of(&text))
        .bench_local_refs(|sources| pipec::build(sources, &NoFiles, Target::ALL));
}
