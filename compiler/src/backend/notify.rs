//! Notifications, the same way on every target: a small script posts the
//! message to a Slack webhook. The script reads everything from the
//! environment (`SLACK_WEBHOOK_URL` from the secret, `SLACK_TEXT`,
//! `SLACK_CHANNEL`) and builds the JSON payload with `jq`, so no value is
//! ever spliced into shell text.

/// The shell commands that post `$SLACK_TEXT` (to `$SLACK_CHANNEL` when it
/// is not empty) to `$SLACK_WEBHOOK_URL`; they need `jq` and `curl`.
pub const SLACK_SCRIPT: &str = "payload=$(jq -n --arg text \"$SLACK_TEXT\" --arg channel \"$SLACK_CHANNEL\" \\\n  '{text: $text} + (if $channel == \"\" then {} else {channel: $channel} end)')\ncurl -fsS --retry 3 -X POST -H 'Content-Type: application/json' --data \"$payload\" \"$SLACK_WEBHOOK_URL\"\n";
