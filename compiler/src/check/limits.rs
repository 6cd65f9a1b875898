//! Phase 2m: literal numbers and durations within what the targets accept
//! (E0334): durations that must be positive, `retry` within GitLab's 0–2,
//! `replicas` of at least 1, `reviewers` within GitHub's 1–6, ports within
//! 1–65535; and a job `timeout` above the 6 hours GitHub-hosted runners
//! allow (W0122). Values that are not literals are left to the types.

use crate::check::walk::{self, Body};
use crate::diagnostic::{Code, Diagnostic, Label};
use crate::lower::format_duration;
use crate::span::SourceId;
use crate::syntax::ast::{Expr, ExprKind, Item, UnaryOp};

/// The longest job GitHub runs on its hosted runners.
const HOSTED_RUNNER_LIMIT_MS: u64 = 6 * 60 * 60 * 1000;

/// Durations that must be positive: block keyword, attribute, and what to
/// do instead of zero.
const POSITIVE_DURATIONS: &[(&str, &str, &str)] = &[
    (
        "job",
        "timeout",
        "remove `timeout` to keep the CI service's default, or give the longest the job may take, such as `30m`",
    ),
    (
        "step",
        "timeout",
        "remove `timeout` to keep the job's limit, or give the longest the step may take, such as `10m`",
    ),
    (
        "artifact",
        "expire",
        "remove `expire` to keep the CI service's default retention, or give a duration such as `7d`",
    ),
    (
        "approval",
        "wait",
        "remove `wait` to let the job start as soon as it is approved",
    ),
];

/// An integer attribute and the range the targets accept.
struct Bound {
    keyword: &'static str,
    attribute: &'static str,
    /// How the value is named in the message.
    what: &'static str,
    low: i64,
    high: i64,
    why: &'static str,
}

const PORT_WHY: &str = "TCP ports are numbered from 1 to 65535";

const BOUNDS: &[Bound] = &[
    Bound {
        keyword: "job",
        attribute: "retry",
        what: "`retry`",
        low: 0,
        high: 2,
        why: "GitLab retries a failed job at most 2 times",
    },
    Bound {
        keyword: "deploy",
        attribute: "replicas",
        what: "`replicas`",
        low: 1,
        high: i64::MAX,
        why: "a deployment without replicas runs nothing; remove the `deploy` to stop the service",
    },
    Bound {
        keyword: "approval",
        attribute: "reviewers",
        what: "`reviewers`",
        low: 1,
        high: 6,
        why: "a GitHub environment takes from 1 to 6 required reviewers",
    },
    Bound {
        keyword: "deploy",
        attribute: "port",
        what: "a port",
        low: 1,
        high: 65535,
        why: PORT_WHY,
    },
    Bound {
        keyword: "service",
        attribute: "ports",
        what: "a port",
        low: 1,
        high: 65535,
        why: PORT_WHY,
    },
];

/// The health probe's `port` argument, as in `http("/health", port = 8080)`.
const PROBE_PORT: Bound = Bound {
    keyword: "deploy",
    attribute: "health",
    what: "a port",
    low: 1,
    high: 65535,
    why: PORT_WHY,
};

pub fn check_limits(
    items: &[Item],
    text: &str,
    source: SourceId,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let is_zero_duration =
        |value: &Expr| matches!(value.kind, ExprKind::Duration(0)) && written_as_zero(text, value);
    walk::for_each_body(items, &mut |body| {
        for &(keyword, attribute, help) in POSITIVE_DURATIONS {
            if body.keyword == keyword
                && let Some(found) = body.attribute(attribute)
                && is_zero_duration(&found.value)
            {
                diagnostics.push(zero_duration(attribute, &found.value, help, source));
            }
        }
        for bound in BOUNDS.iter().filter(|bound| bound.keyword == body.keyword) {
            let Some(found) = body.attribute(bound.attribute) else {
                continue;
            };
            match &found.value.kind {
                ExprKind::List(elements) => {
                    for element in elements {
                        check_bound(bound, element, text, source, diagnostics);
                    }
                }
                _ => check_bound(bound, &found.value, text, source, diagnostics),
            }
        }
        if body.keyword == "deploy"
            && let Some(health) = body.attribute(PROBE_PORT.attribute)
            && let ExprKind::Call { arguments, .. } = &health.value.kind
        {
            for argument in arguments {
                if argument
                    .name
                    .as_ref()
                    .is_some_and(|name| name.name == "port")
                {
                    check_bound(&PROBE_PORT, &argument.value, text, source, diagnostics);
                }
            }
        }
        if body.keyword == "job" {
            check_job_timeout(body, source, diagnostics);
        }
    });
    // `pause` is a field of a strategy constructor: `canary { pause = 2m }`.
    walk::for_each_expr(items, &mut |expr| {
        if let ExprKind::Constructor { fields, .. } = &expr.kind {
            for field in fields {
                if field.key.name == "pause" && is_zero_duration(&field.value) {
                    diagnostics.push(zero_duration(
                        "pause",
                        &field.value,
                        "give the time to watch each step before the next, such as `2m`",
                        source,
                    ));
                }
            }
        }
    });
}

fn zero_duration(attribute: &str, value: &Expr, help: &str, source: SourceId) -> Diagnostic {
    Diagnostic::new(
        Code::ValueOutOfRange,
        format!("`{attribute}` must be longer than zero"),
        Label::new(source, value.span, "zero duration"),
    )
    .with_help(help)
}

/// Whether a literal the parser read as zero is written as zero: the lexer
/// reads a malformed number or duration (`30min`, already E0104) as `0` too.
fn written_as_zero(text: &str, value: &Expr) -> bool {
    let Some(mut rest) = text.get(value.span.range()) else {
        return false;
    };
    if rest.is_empty() {
        return false;
    }
    if matches!(value.kind, ExprKind::Int(_)) {
        return rest.bytes().all(|byte| byte == b'0');
    }
    // `0s`, `0h0m`: groups of zeros, each with a unit.
    while !rest.is_empty() {
        let zeros = rest.bytes().take_while(|&byte| byte == b'0').count();
        let unit = rest.get(zeros..).unwrap_or_default();
        let unit_length = unit.bytes().take_while(u8::is_ascii_alphabetic).count();
        let valid_unit = matches!(unit.get(..unit_length), Some("ms" | "s" | "m" | "h" | "d"));
        if zeros == 0 || !valid_unit {
            return false;
        }
        rest = unit.get(unit_length..).unwrap_or_default();
    }
    true
}

/// A literal integer, negated or not; `None` for a malformed literal.
fn int_value(expr: &Expr, text: &str) -> Option<i64> {
    match &expr.kind {
        ExprKind::Int(0) => written_as_zero(text, expr).then_some(0),
        ExprKind::Int(value) => Some(*value),
        ExprKind::Unary {
            op: UnaryOp::Negate,
            operand,
        } => int_value(operand, text)?.checked_neg(),
        _ => None,
    }
}

fn check_bound(
    bound: &Bound,
    value: &Expr,
    text: &str,
    source: SourceId,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(number) = int_value(value, text) else {
        return;
    };
    if (bound.low..=bound.high).contains(&number) {
        return;
    }
    let range = if bound.high == i64::MAX {
        format!("at least {}", bound.low)
    } else {
        format!("from {} to {}", bound.low, bound.high)
    };
    diagnostics.push(
        Diagnostic::new(
            Code::ValueOutOfRange,
            format!("{} must be {range}, found {number}", bound.what),
            Label::new(source, value.span, "out of range"),
        )
        .with_note(bound.why)
        .with_help(format!("use a value {range}")),
    );
}

/// A job `timeout` longer than GitHub-hosted runners allow, unless the job
/// asks for a self-hosted runner.
fn check_job_timeout(job: Body<'_>, source: SourceId, diagnostics: &mut Vec<Diagnostic>) {
    let Some(timeout) = job.attribute("timeout") else {
        return;
    };
    let ExprKind::Duration(milliseconds) = timeout.value.kind else {
        return;
    };
    if milliseconds <= HOSTED_RUNNER_LIMIT_MS || runs_self_hosted(job) {
        return;
    }
    diagnostics.push(
        Diagnostic::new(
            Code::TimeoutAboveHostedRunnerLimit,
            format!("a job timeout of {} is above the 6h limit of GitHub-hosted runners", format_duration(milliseconds)),
            Label::new(source, timeout.value.span, "GitHub cancels the job after 6h"),
        )
        .with_help("split the job, or run it on a self-hosted runner (`runner = \"self-hosted\"`), where a job may run up to 5 days"),
    );
}

/// Whether the job's `runner`, or the `runs-on` of its `github` block,
/// names a self-hosted runner.
fn runs_self_hosted(job: Body<'_>) -> bool {
    let mut found = false;
    let mut look = |expr: &Expr| {
        if let ExprKind::String(string) = &expr.kind
            && string
                .as_plain()
                .is_some_and(|text| text.contains("self-hosted"))
        {
            found = true;
        }
    };
    if let Some(runner) = job.attribute("runner") {
        walk::expr(&runner.value, &mut look);
    }
    for github in job.blocks().filter(|block| block.keyword.name == "github") {
        if let Some(body) = &github.body {
            walk::for_each_expr(&body.items, &mut look);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written_as_zero_in(text: &str, kind: ExprKind) -> bool {
        let span = crate::span::Span::new(0, text.len());
        written_as_zero(text, &Expr { kind, span })
    }

    #[test]
    fn only_literals_written_as_zero_are_zero() {
        for text in ["0s", "00m", "0h0m", "0ms"] {
            assert!(written_as_zero_in(text, ExprKind::Duration(0)), "{text}");
        }
        for text in ["30min", "0min", "1.5h", "0x", ""] {
            assert!(!written_as_zero_in(text, ExprKind::Duration(0)), "{text}");
        }
        assert!(written_as_zero_in("0", ExprKind::Int(0)));
        assert!(!written_as_zero_in(
            "99999999999999999999",
            ExprKind::Int(0)
        ));
    }

    #[test]
    fn durations_print_in_their_largest_units() {
        assert_eq!(format_duration(7_200_000), "2h");
        assert_eq!(format_duration(23_400_000), "6h30m");
        assert_eq!(format_duration(90_061_001), "1d1h1m1s1ms");
        assert_eq!(format_duration(0), "0s");
    }
}
