//! Phase 2d: literal values a CI service would reject: cron schedules,
//! percents outside 0–100, canary steps that do not rise to 100%.

use crate::check::walk;
use crate::diagnostic::{Code, Diagnostic, Label};
use crate::span::{SourceId, Span};
use crate::syntax::ast::{Expr, ExprKind, Item};

pub fn check_values(items: &[Item], source: SourceId, diagnostics: &mut Vec<Diagnostic>) {
    walk::for_each_expr(items, &mut |expr| {
        if let ExprKind::Percent(value) = expr.kind
            && !(0.0..=100.0).contains(&value)
        {
            diagnostics.push(
                Diagnostic::new(
                    Code::PercentOutOfRange,
                    format!("{value}% is not between 0% and 100%"),
                    Label::new(source, expr.span, "out of range"),
                )
                .with_help("percents are weights and thresholds, from 0% to 100%"),
            );
        }
        if let ExprKind::Constructor { name, fields } = &expr.kind
            && name.dotted() == "canary"
            && let Some(steps) = fields.iter().find(|field| field.key.name == "steps")
        {
            check_canary_steps(&steps.value, source, diagnostics);
        }
    });
    walk::for_each_body(items, &mut |body| {
        if body.keyword == "on"
            && let Some(attribute) = body.attribute("cron")
            && let ExprKind::String(string) = &attribute.value.kind
            && let Some(text) = string.as_plain()
        {
            check_cron(&text, attribute.value.span, source, diagnostics);
        }
    });
}

fn check_canary_steps(steps: &Expr, source: SourceId, diagnostics: &mut Vec<Diagnostic>) {
    let ExprKind::List(elements) = &steps.kind else {
        return;
    };
    let mut previous: Option<(f64, Span)> = None;
    for element in elements {
        let ExprKind::Percent(weight) = element.kind else {
            continue;
        };
        if let Some((before, before_span)) = previous
            && weight <= before
        {
            diagnostics.push(
                Diagnostic::new(
                    Code::CanaryStepsNotIncreasing,
                    format!("canary steps must increase, but {weight}% follows {before}%"),
                    Label::new(source, element.span, "not larger than the step before"),
                )
                .with_secondary(Label::new(source, before_span, "previous step"))
                .with_help("list the traffic weights in increasing order, ending at 100%"),
            );
            return;
        }
        previous = Some((weight, element.span));
    }
    if let Some((last, last_span)) = previous
        && last != 100.0
    {
        diagnostics.push(
            Diagnostic::new(
                Code::CanaryStepsNotIncreasing,
                format!("canary steps must end at 100%, but the last is {last}%"),
                Label::new(source, last_span, "the rollout would stop here"),
            )
            .with_help("end the list with `100%` so that the new version takes all traffic"),
        );
    }
}

/// The five fields of a cron schedule: name, smallest and largest value,
/// and the names accepted for values (`JAN`, `MON`).
const CRON_FIELDS: [(&str, u32, u32, &[&str]); 5] = [
    ("minute", 0, 59, &[]),
    ("hour", 0, 23, &[]),
    ("day of month", 1, 31, &[]),
    (
        "month",
        1,
        12,
        &[
            "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
        ],
    ),
    (
        "day of week",
        0,
        6,
        &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"],
    ),
];

fn check_cron(text: &str, span: Span, source: SourceId, diagnostics: &mut Vec<Diagnostic>) {
    let fields: Vec<&str> = text.split_whitespace().collect();
    let error = |message: String, help: &str| {
        Diagnostic::new(Code::InvalidCron, message, Label::new(source, span, "invalid schedule"))
            .with_help(help.to_owned())
            .with_note("fields: minute (0-59), hour (0-23), day of month (1-31), month (1-12 or JAN-DEC), day of week (0-6 or SUN-SAT); each `*`, a value, a range `a-b`, a list `a,b` or a step `*/n`")
    };
    if fields.len() != 5 {
        diagnostics.push(error(
            format!(
                "a cron schedule has 5 fields, this one has {}",
                fields.len()
            ),
            "write minute, hour, day of month, month and day of week, as in `0 2 * * 0`",
        ));
        return;
    }
    for (field, &(name, low, high, names)) in fields.iter().zip(CRON_FIELDS.iter()) {
        if let Err(problem) = check_cron_field(field, low, high, names) {
            diagnostics.push(error(
                format!("invalid {name} field `{field}` in cron schedule: {problem}"),
                &format!("the {name} field takes values from {low} to {high}"),
            ));
            return;
        }
    }
    let minute = fields[0];
    let every = minute
        .strip_prefix("*/")
        .and_then(|step| step.parse::<u32>().ok());
    if minute == "*" || every.is_some_and(|step| step < 5) {
        diagnostics.push(
            Diagnostic::new(
                Code::ScheduleTooFrequent,
                format!("the schedule `{text}` runs more often than every 5 minutes"),
                Label::new(
                    source,
                    span,
                    "GitHub runs schedules at most every 5 minutes",
                ),
            )
            .with_help("use `*/5` or a longer interval in the minute field"),
        );
    }
}

fn check_cron_field(field: &str, low: u32, high: u32, names: &[&str]) -> Result<(), String> {
    for item in field.split(',') {
        let (range, step) = match item.split_once('/') {
            Some((range, step)) => (range, Some(step)),
            None => (item, None),
        };
        if let Some(step) = step {
            match step.parse::<u32>() {
                Ok(step) if step >= 1 && step <= high => {}
                _ => return Err(format!("step `/{step}` must be a number from 1 to {high}")),
            }
        }
        if range == "*" {
            continue;
        }
        let (first, last) = range.split_once('-').unwrap_or((range, range));
        let first = cron_value(first, low, high, names)?;
        let last = cron_value(last, low, high, names)?;
        if first > last {
            return Err(format!("range `{range}` goes backwards"));
        }
    }
    Ok(())
}

fn cron_value(text: &str, low: u32, high: u32, names: &[&str]) -> Result<u32, String> {
    if let Some(position) = names
        .iter()
        .position(|name| name.eq_ignore_ascii_case(text))
    {
        return Ok(low + u32::try_from(position).unwrap_or(0));
    }
    match text.parse::<u32>() {
        Ok(value) if (low..=high).contains(&value) => Ok(value),
        Ok(value) => Err(format!("{value} is outside {low}-{high}")),
        Err(_) => Err(format!(
            "`{text}` is not a number{}",
            if names.is_empty() { "" } else { " or a name" }
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(cron: &str) -> Vec<Code> {
        let mut diagnostics = Vec::new();
        check_cron(cron, Span::default(), SourceId(0), &mut diagnostics);
        diagnostics
            .iter()
            .map(|diagnostic| diagnostic.code)
            .collect()
    }

    #[test]
    fn valid_schedules_pass() {
        for cron in [
            "0 2 * * 0",
            "*/15 9-17 * * MON-FRI",
            "30 4 1,15 JAN,jul *",
            "0 0 1 */3 *",
        ] {
            assert_eq!(codes(cron), [], "{cron}");
        }
    }

    #[test]
    fn invalid_schedules_fail() {
        for cron in [
            "0 2 * *",
            "60 * * * *",
            "0 24 * * *",
            "0 0 0 * *",
            "0 0 * 13 *",
            "0 0 * * 8",
            "5-1 * * * *",
            "*/0 * * * *",
            "x * * * *",
        ] {
            assert_eq!(codes(cron), [Code::InvalidCron], "{cron}");
        }
    }

    #[test]
    fn frequent_schedules_warn() {
        assert_eq!(codes("* * * * *"), [Code::ScheduleTooFrequent]);
        assert_eq!(codes("*/2 * * * *"), [Code::ScheduleTooFrequent]);
        assert_eq!(codes("*/5 * * * *"), []);
    }
}
