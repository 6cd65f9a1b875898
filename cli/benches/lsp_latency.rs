//! Diagnostics latency of the language server after one edit in a
//! 2,000-line file: the time from sending `didChange` to receiving the
//! `publishDiagnostics` of that version, measured on the real `pipec lsp`
//! (`cargo bench -p pipec-cli --bench lsp_latency`), next to the time of
//! the analysis alone, in process.

#![allow(clippy::print_stdout)] // A bench binary prints its figures.

#[path = "../tests/lsp/client.rs"]
mod client;

use std::time::{Duration, Instant};

use client::{Client, position};
use serde_json::json;

const EDITS: usize = 60;

fn main() {
    // Each generated job is about 17 lines; pick the size that makes 2,000.
    let jobs = (1..400)
        .find(|&jobs| pipec::workload::benchmark_pipeline(jobs).lines().count() >= 2000)
        .unwrap_or(120);
    let text = pipec::workload::benchmark_pipeline(jobs);
    let lines = text.lines().count();

    let mut in_process = Vec::new();
    for _ in 0..20 {
        let started = Instant::now();
        let analysis = pipec::ide::Analysis::new("/bench.pipe", &text, &pipec::resolve::NoFiles);
        in_process.push(started.elapsed());
        assert!(
            analysis
                .diagnostics
                .iter()
                .all(|diagnostic| !diagnostic.is_error())
        );
    }

    // The same file importing `std/python` (which imports `std/github`):
    // the standard library is parsed and checked again with every analysis.
    let importing = format!("import \"std/python\" as py\n{text}");
    let mut with_stdlib = Vec::new();
    for _ in 0..20 {
        let started = Instant::now();
        let _ = pipec::ide::Analysis::new("/bench.pipe", &importing, &pipec::resolve::NoFiles);
        with_stdlib.push(started.elapsed());
    }

    // Where the time goes: the syntax phase and the tree checks alone.
    let mut parse = Vec::new();
    let mut tree_checks = Vec::new();
    for _ in 0..20 {
        let started = Instant::now();
        let parsed = pipec::parse_text(&text);
        parse.push(started.elapsed());
        let started = Instant::now();
        let _ = pipec::check::check_file(&parsed.file, &text, pipec::span::SourceId(0));
        tree_checks.push(started.elapsed());
    }

    let (mut client, _) = Client::start(env!("CARGO_BIN_EXE_pipec"), json!({}));
    let uri = "file:///bench/ci.pipe";
    client.open(uri, &text);
    let _ = client.diagnostics_at_version(uri, 1);
    // Edit the value of `MODE` in the middle job: type one character, then
    // delete it again, so that every version is a valid 2,000-line file.
    let middle = text
        .match_indices("MODE = \"bench\"")
        .nth(jobs / 2)
        .map_or(0, |(offset, _)| offset + "MODE = \"bench".len());
    let cpu_before = client.cpu_time();
    let mut latencies = type_and_delete(&mut client, uri, position(&text, middle), "x", 2);
    let cpu_per_edit = cpu_before
        .zip(client.cpu_time())
        .map(|(before, after)| after.saturating_sub(before) / EDITS as u32);
    // Typing `= ` after `MODE = ` makes every other version a syntax error
    // (`MODE = = "bench"`), which the chumsky grammar parses and recovers
    // from: the path of a file while it is being typed.
    let before_value = middle - "\"bench".len();
    let mut broken_latencies = type_and_delete(
        &mut client,
        uri,
        position(&text, before_value),
        "= ",
        2 + EDITS as i64,
    );
    let _ = client.shut_down();

    println!("file: {lines} lines, {jobs} jobs, {} bytes", text.len());
    report("parse", &mut parse);
    report("tree checks", &mut tree_checks);
    report("analysis in process (all phases)", &mut in_process);
    report("the same, importing std/python", &mut with_stdlib);
    report("didChange → publishDiagnostics", &mut latencies);
    report(
        "the same, every other version a syntax error",
        &mut broken_latencies,
    );
    if let Some(cpu) = cpu_per_edit {
        println!(
            "server CPU time per edit (user + system, 10 ms ticks averaged over {EDITS} edits): {:.1} ms",
            cpu.as_secs_f64() * 1000.0
        );
    }
}

/// Types `typed` at `at` and deletes it again, `EDITS` times in all,
/// timing each change until its diagnostics arrive.
fn type_and_delete(
    client: &mut Client,
    uri: &str,
    at: serde_json::Value,
    typed: &str,
    first_version: i64,
) -> Vec<Duration> {
    let after = json!({
        "line": at["line"],
        "character": at["character"].as_u64().unwrap_or(0) + typed.chars().count() as u64,
    });
    let mut latencies = Vec::new();
    for edit in 0..EDITS {
        let version = first_version + edit as i64;
        let change = if edit % 2 == 0 {
            json!({ "range": { "start": at, "end": at }, "text": typed })
        } else {
            json!({ "range": { "start": at, "end": after }, "text": "" })
        };
        let started = Instant::now();
        client.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [change] }),
        );
        let _ = client.diagnostics_at_version(uri, version);
        latencies.push(started.elapsed());
    }
    latencies
}

fn report(what: &str, samples: &mut [Duration]) {
    samples.sort();
    let at = |fraction: f64| samples[((samples.len() - 1) as f64 * fraction) as usize];
    println!(
        "{what}: median {:.2} ms, p95 {:.2} ms, max {:.2} ms ({} samples)",
        at(0.5).as_secs_f64() * 1000.0,
        at(0.95).as_secs_f64() * 1000.0,
        at(1.0).as_secs_f64() * 1000.0,
        samples.len()
    );
}
