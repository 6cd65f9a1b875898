//! The formatter's properties over the corpus, the examples, the standard
//! library and generated pipelines: it reaches a fixed point at once
//! (idempotent), it changes no meaning (the syntax tree without spans and
//! the IR without origins are the same before and after), and it keeps
//! every comment.

use std::path::PathBuf;

use pipec_tests::{file_name, pipe_files, read, repository_root, tests_dir};

fn inputs() -> Vec<PathBuf> {
    let mut files = pipe_files(&tests_dir().join("corpus"));
    files.extend(pipe_files(&repository_root().join("stdlib")));
    let examples = repository_root().join("examples");
    let mut directories: Vec<PathBuf> = std::fs::read_dir(&examples)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| path.is_dir())
                .collect()
        })
        .unwrap_or_default();
    directories.sort();
    for directory in directories {
        files.extend(pipe_files(&directory));
    }
    files
}

/// A serialised value with every span and origin removed.
fn without_positions(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => serde_json::Value::Object(
            map.into_iter()
                .filter(|(key, _)| {
                    !matches!(key.as_str(), "span" | "origin" | "path_span" | "call")
                })
                .map(|(key, value)| (key, without_positions(value)))
                .collect(),
        ),
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.into_iter().map(without_positions).collect())
        }
        other => other,
    }
}

fn tree(text: &str) -> serde_json::Value {
    let parsed = pipec::parse_text(text);
    without_positions(serde_json::to_value(&parsed.file).expect("the tree serialises"))
}

fn ir(name: &str, text: &str) -> serde_json::Value {
    let mut sources = pipec::source::Sources::new();
    sources.add(name, text);
    let result = pipec::check(&mut sources, &pipec::resolve::NoFiles);
    without_positions(serde_json::to_value(&result.project).expect("the IR serialises"))
}

fn comments(text: &str) -> Vec<String> {
    let mut texts: Vec<String> = pipec::parse_text(text)
        .comments
        .into_iter()
        .map(|comment| comment.text.trim_end().to_owned())
        .collect();
    texts.sort();
    texts
}

fn assert_properties(name: &str, text: &str) {
    let formatted =
        pipec::fmt::format_text(text).unwrap_or_else(|_| panic!("{name} should format"));
    let again = pipec::fmt::format_text(&formatted)
        .unwrap_or_else(|_| panic!("{name} formatted should format"));
    assert_eq!(formatted, again, "{name}: formatting is not idempotent");
    assert_eq!(
        tree(text),
        tree(&formatted),
        "{name}: the syntax tree changed:\n{formatted}"
    );
    assert_eq!(
        ir(name, text),
        ir(name, &formatted),
        "{name}: the IR changed:\n{formatted}"
    );
    assert_eq!(
        comments(text),
        comments(&formatted),
        "{name}: comments changed:\n{formatted}"
    );
}

#[test]
fn formatting_is_idempotent_keeps_meaning_and_comments() {
    let files = inputs();
    assert!(
        files.len() > 15,
        "the inputs should cover corpus, stdlib and examples"
    );
    for path in files {
        assert_properties(&file_name(&path), &read(&path));
    }
}

#[test]
fn the_repository_is_formatted() {
    for path in inputs() {
        let text = read(&path);
        let formatted = pipec::fmt::format_text(&text).unwrap_or_default();
        assert!(
            formatted == text,
            "{} is not formatted: run `pipec fmt`",
            path.display()
        );
    }
}

#[test]
fn generated_pipelines_keep_their_properties() {
    for jobs in [1, 7, 40] {
        let text = pipec::workload::benchmark_pipeline(jobs);
        assert_properties(&format!("workload-{jobs}"), &text);
    }
}

#[test]
fn files_with_syntax_errors_are_not_formatted() {
    let broken = "pipeline ci {\n  job build {\n    timeout = = 5m\n  }\n}\n";
    let Err(diagnostics) = pipec::fmt::format_text(broken) else {
        panic!("a file with syntax errors must not be formatted");
    };
    assert!(
        diagnostics
            .iter()
            .any(|diagnostic| diagnostic.code.as_str() == "E0101")
    );
}

#[test]
fn layout_rules_hold_on_a_small_example() {
    let messy = "pipeline ci {\n\n\n  on push {branches=[\"main\"]}\n  on pull_request { branches = [\"main\"] }   // reviews\n  job build {\n    // compile first\n    timeout=10m\n    image = \"rust:1.90\"\n    step make { run = \"make\" }\n\n\n  }\n}\n";
    let formatted = pipec::fmt::format_text(messy).expect("formats");
    assert_eq!(
        formatted,
        "pipeline ci {\n  on push         { branches = [\"main\"] }\n  on pull_request { branches = [\"main\"] } // reviews\n  job build {\n    // compile first\n    timeout = 10m\n    image   = \"rust:1.90\"\n    step make { run = \"make\" }\n  }\n}\n"
    );
}
