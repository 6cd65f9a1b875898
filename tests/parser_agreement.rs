//! The parser's fast path against the reference grammar (chumsky): on every
//! `.pipe` file of the repository and on systematic damage to each, the two
//! build the same tree, span for span, and report the same diagnostics; and
//! the fast path accepts every file without a syntax error, so it is not
//! silently unused. The `parse` fuzz target checks the same property on
//! arbitrary input.

use std::path::PathBuf;

use pipec_tests::properties::assert_parsers_agree;
use pipec_tests::{pipe_files, read, repository_root, tests_dir};

fn repository_texts() -> Vec<(String, String)> {
    let root = repository_root();
    let mut directories: Vec<PathBuf> = vec![
        tests_dir().join("corpus"),
        tests_dir().join("errors"),
        root.join("stdlib"),
    ];
    directories.extend(pipec_tests::example_directories());
    let mut texts: Vec<(String, String)> = directories
        .iter()
        .flat_map(|directory| pipe_files(directory))
        .map(|path| (path.display().to_string(), read(&path)))
        .collect();
    for target in ["parse", "check", "build_all", "format"] {
        let directory = tests_dir().join("fuzz-regressions").join(target);
        for entry in std::fs::read_dir(&directory)
            .into_iter()
            .flatten()
            .flatten()
        {
            if let Ok(text) = std::fs::read_to_string(entry.path()) {
                texts.push((entry.path().display().to_string(), text));
            }
        }
    }
    assert!(texts.len() > 50, "found only {} files", texts.len());
    texts
}

#[test]
fn the_fast_path_agrees_with_the_reference_grammar_on_every_file() {
    for (_, text) in repository_texts() {
        assert_parsers_agree(&text);
    }
}

#[test]
fn the_fast_path_accepts_every_file_without_syntax_errors() {
    let mut accepted = 0;
    for (name, text) in repository_texts() {
        let reference =
            pipec::syntax::parse_with_reference_grammar(&text, pipec::span::SourceId(0));
        let syntax_error = reference.diagnostics.iter().any(|d| d.is_error());
        if !syntax_error {
            assert!(
                pipec::syntax::fast_path_accepts(&text),
                "{name} parses without errors, but the fast path gives up on it"
            );
            accepted += 1;
        }
    }
    assert!(accepted > 50, "only {accepted} files without syntax errors");
}

/// Cuts, deletions and duplications at positions spread over each file:
/// the damage a half-typed edit does, where the two parsers must still
/// agree (the fast path gives up, or builds the same tree).
#[test]
fn the_fast_path_agrees_with_the_reference_grammar_on_damaged_files() {
    const PER_FILE: usize = 24;
    for (_, text) in repository_texts() {
        let boundaries: Vec<usize> = (0..=text.len())
            .filter(|&index| text.is_char_boundary(index))
            .collect();
        let step = (boundaries.len() / PER_FILE).max(1);
        for (round, window) in boundaries.windows(2).step_by(step).enumerate() {
            let (at, next) = (window[0], window[1]);
            let damaged = match round % 3 {
                0 => text[..at].to_owned(),
                1 => format!("{}{}", &text[..at], &text[next..]),
                _ => format!("{}{}", &text[..next], &text[at..]),
            };
            assert_parsers_agree(&damaged);
        }
    }
}
