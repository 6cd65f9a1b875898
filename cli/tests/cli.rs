//! The `pipec` binary as users run it: exit codes, output formats and the
//! handling of bad paths and bad bytes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn pipec(arguments: &[&str], directory: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pipec"))
        .args(arguments)
        .current_dir(directory)
        .env("NO_COLOR", "1")
        .output()
        .expect("pipec runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A fresh directory under the target directory, removed first if present.
fn scratch(name: &str) -> PathBuf {
    let directory = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&directory);
    std::fs::create_dir_all(&directory).expect("scratch directory");
    directory
}

const VALID: &str = "pipeline ci {\n  job build {\n    step make { run = \"make\" }\n  }\n}\n";
const INVALID: &str = "pipeline ci {\n  job build {\n    timeout = = 5m\n  }\n}\n";

#[test]
fn clean_file_exits_zero() {
    let directory = scratch("clean");
    std::fs::write(directory.join("ci.pipe"), VALID).expect("write");
    let output = pipec(&["check", "ci.pipe"], &directory);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).contains("no problems"));
}

#[test]
fn errors_exit_one_with_code_and_location() {
    let directory = scratch("errors");
    std::fs::write(directory.join("ci.pipe"), INVALID).expect("write");
    let output = pipec(&["check", "ci.pipe"], &directory);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(text.contains("error[E0101]"), "{text}");
    assert!(text.contains("ci.pipe:3:15"), "{text}");
    assert!(
        !text.contains("\u{1b}["),
        "NO_COLOR must disable colour: {text}"
    );
}

#[test]
fn directories_are_searched_recursively() {
    let directory = scratch("recursive");
    std::fs::create_dir_all(directory.join("a/b")).expect("mkdir");
    std::fs::write(directory.join("a/b/deep.pipe"), INVALID).expect("write");
    std::fs::write(directory.join("a/ok.pipe"), VALID).expect("write");
    std::fs::write(directory.join("a/notes.txt"), "not pipe").expect("write");
    let output = pipec(&["check"], &directory);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(text.contains("a/b/deep.pipe"), "{text}");
    assert!(text.contains("checked 2 files"), "{text}");
}

#[test]
fn json_format_is_versioned_and_machine_readable() {
    let directory = scratch("json");
    std::fs::write(directory.join("ci.pipe"), INVALID).expect("write");
    let output = pipec(&["check", "--format", "json", "ci.pipe"], &directory);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.contains("\"version\": 1"), "{text}");
    assert!(text.contains("\"code\": \"E0101\""), "{text}");
    assert!(text.contains("\"line\": 3"), "{text}");
    assert!(text.contains("\"errors\": 1"), "{text}");
}

#[test]
fn github_format_prints_workflow_commands() {
    let directory = scratch("github");
    std::fs::write(directory.join("ci.pipe"), INVALID).expect("write");
    let output = pipec(&["check", "--format", "github", "ci.pipe"], &directory);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.starts_with("::error file=ci.pipe,line=3,col=15,endLine=3,endColumn=16,title=E0101::"),
        "{text}"
    );
}

#[test]
fn missing_path_is_a_usage_error() {
    let directory = scratch("missing");
    let output = pipec(&["check", "nope.pipe"], &directory);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("cannot read `nope.pipe`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn directory_without_pipe_files_is_a_usage_error() {
    let directory = scratch("empty");
    let output = pipec(&["check", "."], &directory);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no `.pipe` files"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn invalid_utf8_is_a_usage_error() {
    let directory = scratch("utf8");
    std::fs::write(directory.join("bad.pipe"), b"pipeline \xff {}").expect("write");
    let output = pipec(&["check", "bad.pipe"], &directory);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("not valid UTF-8"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn unknown_option_is_a_usage_error() {
    let directory = scratch("usage");
    let output = pipec(&["check", "--frobnicate"], &directory);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn explain_prints_the_page_and_rejects_unknown_codes() {
    let directory = scratch("explain");
    let output = pipec(&["explain", "e0102"], &directory);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.starts_with("E0102: unclosed delimiter"), "{text}");
    assert!(text.contains("### Fix"), "{text}");

    let output = pipec(&["explain", "E9999"], &directory);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("unknown code"));

    let output = pipec(&["explain", "--list"], &directory);
    assert!(stdout(&output).contains("E0109  unexpected closing delimiter"));
}

#[test]
fn version_and_help() {
    let directory = scratch("help");
    let output = pipec(&["--version"], &directory);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).starts_with("pipec "));
    let output = pipec(&["check", "--help"], &directory);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("Examples:"));
}

#[test]
fn two_pipelines_of_one_name_in_different_files_are_an_error() {
    let directory = scratch("duplicate-pipelines");
    std::fs::write(directory.join("a.pipe"), VALID).expect("write");
    std::fs::write(directory.join("b.pipe"), VALID).expect("write");
    let output = pipec(&["build", "--target", "github", "--out", "out"], &directory);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(
        text.contains("error[E0203]: pipeline `ci` is defined twice"),
        "{text}"
    );
    assert!(
        !directory.join("out").exists(),
        "nothing may be written on error"
    );
}

#[test]
fn build_writes_then_check_reports_drift() {
    let directory = scratch("build-check");
    std::fs::write(directory.join("ci.pipe"), VALID).expect("write");
    let built = pipec(&["build", "--target", "github", "--out", "out"], &directory);
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    let workflow = directory.join("out/.github/workflows/ci.yml");
    let text = std::fs::read_to_string(&workflow).expect("the workflow is written");
    assert!(text.starts_with("# Generated by pipec"), "{text}");
    let clean = pipec(
        &["build", "--target", "github", "--out", "out", "--check"],
        &directory,
    );
    assert_eq!(clean.status.code(), Some(0), "{}", stderr(&clean));
    std::fs::write(&workflow, text.replace("make", "make all")).expect("edit");
    let stale = pipec(
        &["build", "--target", "github", "--out", "out", "--check"],
        &directory,
    );
    assert_eq!(stale.status.code(), Some(1));
    let report = stderr(&stale);
    assert!(
        report.contains("stale: out/.github/workflows/ci.yml"),
        "{report}"
    );
    assert!(
        report.contains("-        run: make all") && report.contains("+        run: make"),
        "{report}"
    );
    std::fs::remove_file(&workflow).expect("remove");
    let missing = pipec(
        &[
            "build", "--target", "github", "--out", "out", "--check", "--quiet",
        ],
        &directory,
    );
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr(&missing).contains("missing: out/.github/workflows/ci.yml"));
}

#[test]
fn sarif_format_is_a_sarif_2_1_0_log() {
    let directory = scratch("sarif");
    std::fs::write(directory.join("ci.pipe"), INVALID).expect("write");
    let output = pipec(&["check", "--format", "sarif", "ci.pipe"], &directory);
    assert_eq!(output.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_slice(&output.stdout).expect("SARIF is JSON");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "pipec");
    assert_eq!(run["tool"]["driver"]["rules"][0]["id"], "E0101");
    let result = &run["results"][0];
    assert_eq!(result["ruleId"], "E0101");
    assert_eq!(result["ruleIndex"], 0);
    assert_eq!(result["level"], "error");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 3);
    assert_eq!(region["startColumn"], 15);
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "ci.pipe"
    );
}

const PLANNED: &str = "pipeline ci {\n  on push { branches = [\"main\", \"develop\"] }\n  on pull_request { branches = [\"main\"], paths = [\"src/**\"] }\n  job test {\n    matrix { python = [\"3.11\", \"3.12\"] }\n    step test { run = \"pytest\" }\n  }\n  job deploy {\n    needs = [test]\n    if = git.branch == \"main\"\n    step deploy { run = \"./deploy.sh\" }\n  }\n  job report {\n    needs = [deploy]\n    step report { run = \"./report.sh\" }\n  }\n}\n";

#[test]
fn plan_says_which_jobs_run_and_why_the_others_do_not() {
    let directory = scratch("plan");
    std::fs::write(directory.join("ci.pipe"), PLANNED).expect("write");
    let main = pipec(
        &["plan", "ci.pipe", "--event", "push", "--branch", "main"],
        &directory,
    );
    assert_eq!(main.status.code(), Some(0), "{}", stderr(&main));
    let text = stdout(&main);
    assert!(text.contains("pipeline ci: starts"), "{text}");
    assert!(
        text.contains("deploy  runs") && text.contains("- python=3.12"),
        "{text}"
    );
    let develop = stdout(&pipec(
        &["plan", "ci.pipe", "--event", "push", "--branch", "develop"],
        &directory,
    ));
    assert!(
        develop.contains("deploy  skipped: `git.branch == \"main\"` is false (ci.pipe:10:10)"),
        "{develop}"
    );
    assert!(
        develop.contains("report  not run: it needs `deploy`, which does not run"),
        "{develop}"
    );
    let feature = stdout(&pipec(
        &[
            "plan",
            "ci.pipe",
            "--event",
            "push",
            "--branch",
            "feature/x",
        ],
        &directory,
    ));
    assert!(
        feature.contains("not started: branch `feature/x` matches none of `branches`"),
        "{feature}"
    );
    let docs_only = stdout(&pipec(
        &[
            "plan",
            "ci.pipe",
            "--event",
            "pull_request",
            "--base",
            "main",
            "--changed",
            "README.md",
        ],
        &directory,
    ));
    assert!(
        docs_only.contains("not started: no changed file matches `paths`"),
        "{docs_only}"
    );
    let json = pipec(
        &[
            "plan", "ci.pipe", "--event", "push", "--branch", "develop", "--format", "json",
        ],
        &directory,
    );
    let plan: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(plan["pipelines"][0]["jobs"][1]["verdict"], "skipped");
    assert_eq!(plan["pipelines"][0]["jobs"][1]["location"]["line"], 10);
}

/// Every file under `directory`, with its contents, for before/after
/// comparisons.
fn snapshot_of(directory: &Path) -> Vec<(PathBuf, String)> {
    let mut found = Vec::new();
    let mut pending = vec![directory.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let contents = std::fs::read_to_string(&path).unwrap_or_default();
                found.push((path, contents));
            }
        }
    }
    found.sort();
    found
}

const TWO_PIPELINES: &str = "pipeline ci {\n  job build {\n    step make { run = \"make\" }\n  }\n}\npipeline nightly {\n  job build {\n    step make { run = \"make nightly\" }\n  }\n}\n";

/// A scratch directory whose two pipelines were built to `out/` and
/// then both changed, so that the next build would write both files.
fn built_then_changed(name: &str) -> PathBuf {
    let directory = scratch(name);
    std::fs::write(directory.join("ci.pipe"), TWO_PIPELINES).expect("write");
    let first = pipec(&["build", "--target", "github", "--out", "out"], &directory);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    std::fs::write(
        directory.join("ci.pipe"),
        TWO_PIPELINES.replace("run = \"make", "run = \"make -j2"),
    )
    .expect("write");
    directory
}

#[test]
fn an_output_path_that_is_a_directory_is_an_io_error_and_nothing_changes() {
    // Change both pipelines, and put a directory where one output goes.
    let directory = built_then_changed("output-is-directory");
    let blocked = directory.join("out/.github/workflows/nightly.yml");
    std::fs::remove_file(&blocked).expect("remove");
    std::fs::create_dir_all(blocked.join("in-the-way")).expect("directory");
    let before = snapshot_of(&directory.join("out"));
    let output = pipec(&["build", "--target", "github", "--out", "out"], &directory);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("cannot replace") && stderr(&output).contains("nightly.yml"),
        "{}",
        stderr(&output)
    );
    // All or none: `ci.yml`, which could have been written, was not, and
    // no temporary file is left behind.
    assert_eq!(snapshot_of(&directory.join("out")), before);
}

#[test]
fn an_output_directory_under_a_file_is_an_io_error() {
    let directory = scratch("output-under-file");
    std::fs::write(directory.join("ci.pipe"), VALID).expect("write");
    std::fs::write(directory.join("not-a-directory"), "x").expect("write");
    let output = pipec(
        &[
            "build",
            "--target",
            "github",
            "--out",
            "not-a-directory/out",
        ],
        &directory,
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("cannot create"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        std::fs::read_to_string(directory.join("not-a-directory")).expect("read"),
        "x"
    );
}

#[test]
fn a_build_with_errors_leaves_existing_output_untouched() {
    let directory = scratch("errors-leave-output");
    std::fs::write(directory.join("ci.pipe"), VALID).expect("write");
    let first = pipec(&["build", "--target", "all", "--out", "out"], &directory);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let before = snapshot_of(&directory.join("out"));
    assert!(before.len() > 2, "{before:?}");
    std::fs::write(directory.join("ci.pipe"), INVALID).expect("write");
    let output = pipec(&["build", "--target", "all", "--out", "out"], &directory);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("nothing was written"));
    assert_eq!(snapshot_of(&directory.join("out")), before);
}

#[cfg(unix)]
#[test]
fn an_input_that_cannot_be_read_is_an_io_error() {
    let directory = scratch("unreadable-input");
    // A link to a file that is gone: the state after a `.pipe` file is
    // deleted between the listing of a directory and the build.
    std::os::unix::fs::symlink(directory.join("deleted.pipe"), directory.join("ci.pipe"))
        .expect("symlink");
    let output = pipec(&["build", "ci.pipe", "--out", "out"], &directory);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("cannot read `ci.pipe`"),
        "{}",
        stderr(&output)
    );
    assert!(!directory.join("out").exists());
}

/// A build whose output directory cannot be written to.
#[cfg(unix)]
#[test]
fn a_read_only_output_directory_is_an_io_error_and_nothing_changes() {
    use std::os::unix::fs::PermissionsExt;
    let directory = built_then_changed("read-only-output");
    let workflows = directory.join("out/.github/workflows");
    let before = snapshot_of(&directory.join("out"));
    std::fs::set_permissions(&workflows, std::fs::Permissions::from_mode(0o555))
        .expect("make read-only");
    // A privileged user writes through the permission bits; the test then
    // has nothing to show and says so.
    if std::fs::write(workflows.join("probe"), "x").is_ok() {
        let _ = std::fs::remove_file(workflows.join("probe"));
        std::fs::set_permissions(&workflows, std::fs::Permissions::from_mode(0o755))
            .expect("restore");
        // The test's own report of a skip, which cargo test shows.
        #[allow(clippy::print_stderr)]
        {
            eprintln!("skipped: this user can write to a read-only directory (running as root?)");
        }
        return;
    }
    let output = pipec(&["build", "--target", "github", "--out", "out"], &directory);
    std::fs::set_permissions(&workflows, std::fs::Permissions::from_mode(0o755)).expect("restore");
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("cannot write") && stderr(&output).contains("ermission denied"),
        "{}",
        stderr(&output)
    );
    assert_eq!(snapshot_of(&directory.join("out")), before);
}

/// A write that fails part way, as on a full disk: the file-size limit
/// makes the kernel refuse the bytes past the first kilobyte (with the
/// signal it would send ignored, the write fails with EFBIG, as a full
/// disk's fails with ENOSPC). Nothing may be left half written.
#[cfg(target_os = "linux")]
#[test]
fn a_write_that_fails_part_way_leaves_every_file_as_it_was() {
    let directory = scratch("write-fails-part-way");
    let long_script = "make\\n".repeat(2_000);
    let source = format!(
        "pipeline ci {{\n  job build {{\n    step make {{ run = \"{long_script}\" }}\n  }}\n}}\n"
    );
    let first = {
        std::fs::write(directory.join("ci.pipe"), VALID).expect("write");
        pipec(&["build", "--target", "github", "--out", "out"], &directory)
    };
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let before = snapshot_of(&directory.join("out"));
    std::fs::write(directory.join("ci.pipe"), source).expect("write");
    let output = Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 2; exec \"$0\" build --target github --out out")
        .arg(env!("CARGO_BIN_EXE_pipec"))
        .current_dir(&directory)
        .env("NO_COLOR", "1")
        .output()
        .expect("sh runs");
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("cannot write `out/.github/workflows/ci.yml`"),
        "{}",
        stderr(&output)
    );
    assert_eq!(snapshot_of(&directory.join("out")), before);
}

const FOLLOWED: &str = "pipeline ci {\n  on push { branches = [\"main\"] }\n  job build {\n    step make { run = \"make\" }\n  }\n}\n";
const FOLLOWER: &str = "pipeline deploy {\n  on success { pipeline = \"ci\" }\n  job release {\n    step release { run = \"make release\" }\n  }\n}\n";

#[test]
fn a_follower_checks_alone_but_builds_only_with_the_pipeline_it_follows() {
    let directory = scratch("follower");
    let project = directory.join("project");
    std::fs::create_dir_all(&project).expect("project directory");
    std::fs::write(project.join("ci.pipe"), FOLLOWED).expect("write");
    std::fs::write(project.join("deploy.pipe"), FOLLOWER).expect("write");
    // What a pre-commit hook does when only deploy.pipe changed.
    let output = pipec(&["check", "project/deploy.pipe"], &directory);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    let output = pipec(
        &["build", "project/deploy.pipe", "--out", "generated"],
        &directory,
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stderr(&output);
    assert!(text.contains("error[E0226]"), "{text}");
    assert!(text.contains("pipec build project"), "{text}");
    assert!(
        !directory.join("generated").exists(),
        "nothing is written on error"
    );

    let output = pipec(&["build", "project", "--out", "generated"], &directory);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let ci = std::fs::read_to_string(directory.join("generated/.github/workflows/ci.yml"))
        .unwrap_or_default();
    assert!(ci.contains("uses: ./.github/workflows/deploy.yml"), "{ci}");
}
