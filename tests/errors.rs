//! One failing case per diagnostic code under `errors/`. A case's file name
//! starts with the code it must produce (`E0101-…pipe`); the test asserts the
//! code, not the wording, and snapshots the rendered output for review.

use pipec::diagnostic::Code;
use pipec_tests::{check_path, file_name, pipe_files, tests_dir};

fn expected_code(name: &str) -> Code {
    let code = name.split(['-', '.']).next().unwrap_or_default();
    code.parse()
        .unwrap_or_else(|()| panic!("`{name}` must start with a registered code"))
}

#[test]
fn each_error_case_reports_its_code_and_renders_as_snapshotted() {
    for path in pipe_files(&tests_dir().join("errors")) {
        let name = file_name(&path);
        let code = expected_code(&name);
        let (diagnostics, rendered) = check_path(&path);
        assert!(
            diagnostics.iter().any(|diagnostic| diagnostic.code == code),
            "{name} should report {code}, got:\n{rendered}"
        );
        let stem = name.trim_end_matches(".pipe").to_owned();
        insta::with_settings!({ snapshot_path => tests_dir().join("snapshots/errors"), prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(stem, rendered);
        });
    }
}

#[test]
fn one_mistake_gives_one_error() {
    // Cases whose name contains `single` must report exactly one diagnostic.
    for path in pipe_files(&tests_dir().join("errors")) {
        let name = file_name(&path);
        if name.contains("single") {
            let (diagnostics, rendered) = check_path(&path);
            assert_eq!(
                diagnostics.len(),
                1,
                "{name} should have one diagnostic:\n{rendered}"
            );
        }
    }
}

#[test]
fn every_code_has_a_failing_case() {
    let names: Vec<String> = pipe_files(&tests_dir().join("errors"))
        .iter()
        .map(|path| file_name(path))
        .collect();
    for code in Code::ALL {
        assert!(
            names.iter().any(|name| name.starts_with(code.as_str())),
            "no failing case for {code} under tests/errors/"
        );
    }
}

#[test]
fn every_error_snapshot_belongs_to_a_case() {
    let cases = pipe_files(&tests_dir().join("errors"));
    pipec_tests::assert_no_orphan_snapshots(&tests_dir().join("snapshots/errors"), &cases);
}

/// Applies `edits` (of one fix, in one file) to `text`, last first.
fn apply(text: &str, edits: &[pipec::diagnostic::Edit]) -> String {
    let mut edits: Vec<_> = edits.iter().collect();
    edits.sort_by_key(|edit| std::cmp::Reverse(edit.span.start));
    let mut text = text.to_owned();
    for edit in edits {
        text.replace_range(edit.span.range(), &edit.replacement);
    }
    text
}

#[test]
fn every_fix_removes_its_diagnostic() {
    for path in pipe_files(&tests_dir().join("errors")) {
        let name = file_name(&path);
        let text = pipec_tests::read(&path);
        let (diagnostics, _) = check_path(&path);
        for diagnostic in diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.primary.source.0 == 0)
        {
            let Some(fix) = diagnostic.fixes.first() else {
                continue;
            };
            let fixed = apply(&text, &fix.edits);
            let (after, rendered) = pipec_tests::check_text(&name, &fixed);
            let before_count = diagnostics
                .iter()
                .filter(|other| other.code == diagnostic.code)
                .count();
            let after_count = after
                .iter()
                .filter(|other| other.code == diagnostic.code)
                .count();
            assert!(
                after_count < before_count,
                "{name}: the fix `{}` for {} did not remove it; after the fix:\n{fixed}\n{rendered}",
                fix.message,
                diagnostic.code
            );
            let new_errors: Vec<_> = after
                .iter()
                .filter(|other| other.code != diagnostic.code && other.is_error())
                .collect();
            assert!(
                new_errors.len()
                    <= diagnostics
                        .iter()
                        .filter(|other| other.code != diagnostic.code && other.is_error())
                        .count(),
                "{name}: the fix `{}` introduced errors:\n{fixed}\n{rendered}",
                fix.message
            );
        }
    }
}
