//! Notifications → jobs in GitLab's last stage, `.post`, which runs after
//! every other stage: `when: on_failure` when some job failed, `on_success`
//! when none did, `always` for both. A notification for both success and
//! failure is two jobs, so that each message says what happened.

use crate::backend::gitlab::values::{self, Dialect};
use crate::backend::yaml::Yaml;
use crate::ir::{Notification, Pipeline, Status};

/// The image notification jobs run in; `curl` and `jq` are added to it.
pub const NOTIFY_IMAGE: &str = "alpine:3.22";

pub fn jobs(
    pipeline: &Pipeline,
    dialect: &Dialect,
    taken: &mut Vec<String>,
) -> Vec<(String, Yaml)> {
    let mut out = Vec::new();
    for notification in &pipeline.notifications {
        let has = |status| notification.when.contains(&status);
        let cases: Vec<(&str, &str, &str)> = if has(Status::Always)
            || (has(Status::Success) && has(Status::Failure) && notification.message.is_some())
        {
            vec![("", "always", "finished")]
        } else {
            let mut cases = Vec::new();
            let both = has(Status::Success) && has(Status::Failure);
            if has(Status::Failure) {
                cases.push((
                    if both { "-on-failure" } else { "" },
                    "on_failure",
                    "failed",
                ));
            }
            if has(Status::Success) {
                cases.push((
                    if both { "-on-success" } else { "" },
                    "on_success",
                    "succeeded",
                ));
            }
            cases
        };
        for (suffix, when, outcome) in cases {
            let name = unique(&format!("notify-slack{suffix}"), pipeline, taken);
            out.push((name, job(pipeline, notification, when, outcome, dialect)));
        }
    }
    out
}

fn unique(base: &str, pipeline: &Pipeline, taken: &mut Vec<String>) -> String {
    let mut name = base.to_owned();
    let mut counter = 2;
    while pipeline.job(&name).is_some() || taken.contains(&name) {
        name = format!("{base}-{counter}");
        counter += 1;
    }
    taken.push(name.clone());
    name
}

fn job(
    pipeline: &Pipeline,
    notification: &Notification,
    when: &str,
    outcome: &str,
    dialect: &Dialect,
) -> Yaml {
    let mut out = Yaml::map();
    out.insert("stage", Yaml::str(".post"));
    out.insert("image", Yaml::str(NOTIFY_IMAGE));
    let mut variables = Yaml::map();
    let message = notification.message.as_ref().map_or_else(
        || {
            format!(
                "Pipeline {} {outcome}: $CI_PIPELINE_URL",
                pipeline.display_name().replace('$', "$$")
            )
        },
        |message| values::yaml_text(message, dialect),
    );
    variables.insert("SLACK_TEXT", Yaml::str(message));
    variables.insert(
        "SLACK_CHANNEL",
        Yaml::str(notification.room.clone().unwrap_or_default()),
    );
    variables.insert("GIT_STRATEGY", Yaml::str("none"));
    out.insert("variables", variables);
    out.insert(
        "script",
        Yaml::Seq(vec![
            Yaml::str("apk add --no-cache curl jq"),
            Yaml::str(format!(
                "payload=$(jq -n --arg text \"$SLACK_TEXT\" --arg channel \"$SLACK_CHANNEL\" \\\n  '{{text: $text}} + (if $channel == \"\" then {{}} else {{channel: $channel}} end)')\ncurl -fsS --retry 3 -X POST -H 'Content-Type: application/json' --data \"$payload\" \"${{{}}}\"",
                notification.webhook_secret
            )),
        ]),
    );
    out.insert("when", Yaml::str(when.to_owned()));
    out.insert("timeout", Yaml::str("5 minutes"));
    out
}
