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
