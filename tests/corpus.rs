//! Valid `.pipe` cases under `corpus/`, each run through every mode with one
//! snapshot per (mode, case). Today the modes are `parse`; later phases add
//! theirs here.

use pipec_tests::{check_text, file_name, pipe_files, read, tests_dir};

#[test]
fn corpus_cases_have_no_diagnostics() {
    for path in pipe_files(&tests_dir().join("corpus")) {
        let (diagnostics, rendered) = pipec_tests::check_path(&path);
        assert!(
            diagnostics.is_empty(),
            "{} should be clean:\n{rendered}",
            path.display()
        );
    }
}

#[test]
fn corpus_parse_trees() {
    let files = pipe_files(&tests_dir().join("corpus"));
    assert!(files.len() >= 5, "the corpus should not be empty");
    for path in files {
        let parsed = pipec::parse_text(&read(&path));
        let name = path
            .file_stem()
            .map(|stem| stem.to_string_lossy().into_owned())
            .unwrap_or_default();
        insta::with_settings!({ snapshot_path => tests_dir().join("snapshots/parse"), prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(name, pipec::syntax::dump::dump(&parsed.file));
        });
    }
}

#[test]
fn every_parse_snapshot_belongs_to_a_case() {
    let cases = pipe_files(&tests_dir().join("corpus"));
    pipec_tests::assert_no_orphan_snapshots(&tests_dir().join("snapshots/parse"), &cases);
}

#[test]
fn examples_check_without_diagnostics() {
    let examples = pipec_tests::repository_root().join("examples");
    let mut checked = 0;
    for entry in std::fs::read_dir(&examples).into_iter().flatten().flatten() {
        if entry.path().is_dir() {
            for path in pipe_files(&entry.path()) {
                let (diagnostics, rendered) = pipec_tests::check_path(&path);
                assert!(
                    diagnostics.is_empty(),
                    "{} should be clean:\n{rendered}",
                    path.display()
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 1, "examples/ should hold at least one project");
}

#[test]
fn standard_library_modules_check_without_diagnostics() {
    let directory = pipec_tests::repository_root().join("stdlib");
    let files = pipe_files(&directory);
    assert!(files.len() >= 6, "the standard library should not be empty");
    for path in files {
        let (diagnostics, rendered) = check_text(&file_name(&path), &read(&path));
        assert!(
            diagnostics.is_empty(),
            "{} should be clean:\n{rendered}",
            path.display()
        );
    }
}
