//! Condition translation: each `.pipe` condition, checked and lowered by
//! the compiler, against the `rules: if:` and shell text it becomes.

use super::*;
use crate::resolve::NoFiles;
use crate::source::Sources;

/// The lowered `if` of job `j` in a pipeline with `triggers` and `job_if`.
fn condition_of(job_if: &str) -> Expr {
    let text = format!(
        "pipeline p {{\n  on manual {{\n    input replicas: int = 3\n    input dry_run: bool = false\n  }}\n  job j {{\n    if = {job_if}\n    step s {{ run = \"true\" }}\n  }}\n}}\n"
    );
    let mut sources = Sources::new();
    sources.add("p.pipe", text);
    let result = crate::check_for(&mut sources, &NoFiles, &[crate::backend::Target::Gitlab]);
    let errors: Vec<String> = result
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.is_error())
        .map(|diagnostic| diagnostic.message.clone())
        .collect();
    assert!(errors.is_empty(), "{job_if}: {errors:?}");
    result.project.pipelines[0].jobs[0]
        .condition
        .clone()
        .expect("a condition")
}

fn rules(job_if: &str) -> Vec<(Option<String>, &'static str)> {
    job_rules(Some(&condition_of(job_if)), &Dialect::new(false))
        .expect("the job can run")
        .into_iter()
        .map(|rule| (rule.condition.as_ref().map(gitlab), rule.when.keyword()))
        .collect()
}

fn rule_if(job_if: &str) -> String {
    match rules(job_if).as_slice() {
        [(Some(text), "on_success")] => text.clone(),
        other => panic!("{job_if}: expected one `if`, got {other:?}"),
    }
}

#[test]
fn branches_tags_and_merge_requests_compare_gitlab_variables() {
    assert_eq!(
        rule_if("git.branch == \"main\""),
        "$CI_COMMIT_BRANCH == \"main\""
    );
    assert_eq!(rule_if("git.tag != \"\""), "$CI_COMMIT_TAG");
    assert_eq!(
        rule_if("git.branch == \"\""),
        "$CI_COMMIT_BRANCH == null || $CI_COMMIT_BRANCH == \"\""
    );
    assert_eq!(
        rule_if("pr.base == \"main\""),
        "$CI_MERGE_REQUEST_TARGET_BRANCH_NAME == \"main\""
    );
    assert_eq!(
        rule_if("git.ref == \"refs/tags/v1\""),
        "$CI_COMMIT_TAG == \"v1\""
    );
}

#[test]
fn events_are_gitlab_pipeline_sources() {
    assert_eq!(
        rule_if("event == \"pull_request\""),
        "$CI_PIPELINE_SOURCE == \"merge_request_event\""
    );
    assert_eq!(
        rule_if("event in [\"manual\", \"schedule\"]"),
        "$CI_PIPELINE_SOURCE == \"web\" || $CI_PIPELINE_SOURCE == \"schedule\""
    );
}

#[test]
fn negations_are_pushed_down_to_the_comparisons() {
    assert_eq!(
        rule_if("!(git.branch == \"main\" || event == \"schedule\")"),
        "$CI_COMMIT_BRANCH != \"main\" && $CI_PIPELINE_SOURCE != \"schedule\""
    );
    assert_eq!(
        rule_if("git.branch == \"main\" || git.tag != \"\" && !(event == \"schedule\")"),
        "$CI_COMMIT_BRANCH == \"main\" || $CI_COMMIT_TAG && $CI_PIPELINE_SOURCE != \"schedule\""
    );
    assert_eq!(
        rule_if("(git.branch == \"a\" || git.branch == \"b\") && event == \"push\""),
        "($CI_COMMIT_BRANCH == \"a\" || $CI_COMMIT_BRANCH == \"b\") && $CI_PIPELINE_SOURCE == \"push\""
    );
}

#[test]
fn string_tests_and_globs_become_anchored_regular_expressions() {
    assert_eq!(
        rule_if("git.branch.starts_with(\"release/\")"),
        "$CI_COMMIT_BRANCH =~ /^release\\//"
    );
    assert_eq!(
        rule_if("git.branch.matches(\"feature/*\")"),
        "$CI_COMMIT_BRANCH =~ /^feature\\/[^\\/]*$/"
    );
    assert_eq!(
        rule_if("!git.tag.ends_with(\".rc\")"),
        "$CI_COMMIT_TAG !~ /\\.rc$/"
    );
}

#[test]
fn ordering_comparisons_of_integers_are_number_patterns() {
    assert_eq!(
        rule_if("inputs.replicas >= 3"),
        "$INPUTS_REPLICAS =~ /^([1-9][0-9]+|3|[4-9])$/"
    );
    assert_eq!(
        rule_if("inputs.replicas < 3"),
        "$INPUTS_REPLICAS !~ /^([1-9][0-9]+|3|[4-9])$/"
    );
    assert_eq!(rule_if("inputs.dry_run"), "$INPUTS_DRY_RUN == \"true\"");
}

#[test]
fn status_predicates_choose_when() {
    assert_eq!(rules("failure()"), [(None, "on_failure")]);
    assert_eq!(rules("always()"), [(None, "always")]);
    assert_eq!(
        rules("failure() && git.branch == \"main\""),
        [(
            Some("$CI_COMMIT_BRANCH == \"main\"".to_owned()),
            "on_failure"
        )]
    );
    assert_eq!(
        rules("always() && git.branch == \"main\""),
        [(Some("$CI_COMMIT_BRANCH == \"main\"".to_owned()), "always")]
    );
    assert_eq!(
        rules("failure() || git.branch == \"main\""),
        [
            (Some("$CI_COMMIT_BRANCH == \"main\"".to_owned()), "always"),
            (None, "on_failure")
        ]
    );
    assert_eq!(rules("success() || failure()"), [(None, "always")]);
}

#[test]
fn a_condition_that_never_holds_gives_no_rules() {
    assert!(
        job_rules(
            Some(&condition_of("failure() && success()")),
            &Dialect::new(false)
        )
        .is_none()
    );
}

#[test]
fn child_pipelines_read_the_event_their_trigger_job_passed_down() {
    let condition = condition_of("event == \"push\"");
    let rules = job_rules(Some(&condition), &Dialect::new(true)).expect("rules");
    assert_eq!(
        rules[0].condition.as_ref().map(gitlab).as_deref(),
        Some("$PIPE_EVENT == \"push\"")
    );
}

#[test]
fn step_conditions_are_shell_tests_on_the_same_variables() {
    let shell_of = |job_if: &str| {
        shell(&translate(
            &condition_of(job_if),
            Outcome::Succeeded,
            &Dialect::new(false),
        ))
    };
    assert_eq!(
        shell_of("git.branch == \"main\" && git.tag == \"\""),
        "[ \"${CI_COMMIT_BRANCH}\" = 'main' ] && [ -z \"${CI_COMMIT_TAG}\" ]"
    );
    assert_eq!(
        shell_of(
            "git.branch == \"a\" || git.branch.starts_with(\"release/\") && inputs.replicas > 2"
        ),
        "[ \"${CI_COMMIT_BRANCH}\" = 'a' ] || { printf '%s' \"${CI_COMMIT_BRANCH}\" | grep -Eq '^release/' && [ \"${INPUTS_REPLICAS}\" -gt '2' ]; }"
    );
}

#[test]
fn slashes_inside_character_sets_are_escaped_for_gitlab() {
    assert_eq!(slashes_escaped("^a\\/[^/]*$"), "^a\\/[^\\/]*$");
    assert_eq!(regex_escape("v1.0/x"), "v1\\.0\\/x");
}
