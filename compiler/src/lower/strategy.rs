//! Lowering a deploy's `strategy`: the `rolling`, `blue_green` and
//! `canary` constructors with their typed fields, the rollback conditions
//! and a blue-green deploy's smoke test.

use crate::check::suggest;
use crate::diagnostic::{Code, Diagnostic, Label};
use crate::ir::{
    Amount, CompareOp, Expr, ExprKind, RollbackCondition, SmokeTest, Strategy, Threshold,
};
use crate::lower::Lowerer;
use crate::lower::expr::{Destination, backticked};
use crate::types::Type;

/// The fields each strategy takes, with their types.
const ROLLING_FIELDS: &[(&str, &str)] = &[
    ("max_surge", "int | percent"),
    ("max_unavailable", "int | percent"),
];
const BLUE_GREEN_FIELDS: &[(&str, &str)] = &[
    ("preview_duration", "duration"),
    ("auto_promote", "bool"),
    ("scale_down_delay", "duration"),
    ("rollback", "list<bool>"),
    ("smoke_test", "record"),
];
const CANARY_FIELDS: &[(&str, &str)] = &[
    ("steps", "list<percent>"),
    ("pause", "duration"),
    ("rollback", "list<bool>"),
];
const STRATEGIES: &[(&str, &[(&str, &str)])] = &[
    ("rolling", ROLLING_FIELDS),
    ("blue_green", BLUE_GREEN_FIELDS),
    ("canary", CANARY_FIELDS),
];

/// The fields of the strategy constructor `name`, with their types.
pub fn strategy_fields(name: &str) -> Option<&'static [(&'static str, &'static str)]> {
    STRATEGIES
        .iter()
        .find(|(strategy, _)| *strategy == name)
        .map(|(_, fields)| *fields)
}

/// The fields of a blue-green deploy's `smoke_test = { … }`, with their types.
pub fn smoke_test_fields() -> &'static [(&'static str, &'static str)] {
    SMOKE_TEST_FIELDS
}

/// The fields of a blue-green deploy's `smoke_test = { … }`.
const SMOKE_TEST_FIELDS: &[(&str, &str)] = &[
    ("run", "string"),
    ("image", "string"),
    ("timeout", "duration"),
];

/// How long a smoke test may run when it does not say.
const SMOKE_TEST_TIMEOUT: u64 = 5 * 60 * 1000;

/// The fields that passed their checks, by name.
type Fields<'e> = Vec<(&'e str, &'e Expr)>;

impl Lowerer<'_> {
    pub(super) fn strategy(&mut self, value: &Expr) -> Option<Strategy> {
        let ExprKind::Constructor { name, fields } = &value.kind else {
            return None;
        };
        let (_, known) = STRATEGIES.iter().find(|(strategy, _)| strategy == name)?;
        let typed = self.known_fields(name, fields, known);
        let field = |wanted: &str| {
            typed
                .iter()
                .find(|(field, _)| *field == wanted)
                .map(|(_, value)| *value)
        };
        let rollback = |lowerer: &mut Self| match field("rollback").map(|value| &value.kind) {
            Some(ExprKind::List(elements)) => elements
                .iter()
                .filter_map(|element| lowerer.rollback(element))
                .collect(),
            _ => Vec::new(),
        };
        Some(match name.as_str() {
            "rolling" => Strategy::Rolling {
                max_surge: field("max_surge")
                    .and_then(|value| self.amount(value))
                    .unwrap_or(Amount::Count(1)),
                max_unavailable: field("max_unavailable")
                    .and_then(|value| self.amount(value))
                    .unwrap_or(Amount::Count(0)),
            },
            "blue_green" => Strategy::BlueGreen {
                preview_duration: field("preview_duration")
                    .and_then(|value| self.constant_duration(value, "`preview_duration`")),
                auto_promote: field("auto_promote")
                    .and_then(|value| self.constant_bool(value, "`auto_promote`"))
                    .unwrap_or(false),
                scale_down_delay: field("scale_down_delay")
                    .and_then(|value| self.constant_duration(value, "`scale_down_delay`")),
                rollback: rollback(self),
                smoke_test: field("smoke_test").and_then(|value| self.smoke_test(value)),
            },
            _ => {
                let steps = match field("steps").map(|value| &value.kind) {
                    Some(ExprKind::List(elements)) => elements
                        .iter()
                        .filter_map(|element| self.constant_percent(element, "a canary step"))
                        .collect(),
                    _ => {
                        self.report(
                            Diagnostic::new(
                                Code::MissingArgument,
                                "a canary needs `steps`",
                                Label::new(
                                    value.origin.source,
                                    value.origin.span,
                                    "no traffic weights",
                                ),
                            )
                            .with_help("add `steps = [10%, 50%, 100%]`"),
                        );
                        Vec::new()
                    }
                };
                let rollback = rollback(self);
                Strategy::Canary {
                    steps,
                    pause: field("pause")
                        .and_then(|value| self.constant_duration(value, "`pause`")),
                    rollback,
                }
            }
        })
    }

    /// The fields of `owner { … }` (a strategy, or a record such as a
    /// smoke test) that `known` lists and whose values have the listed
    /// types. An unknown field or a value of another type is reported and
    /// left out, so that each mistake gives one diagnostic.
    fn known_fields<'e>(
        &mut self,
        owner: &str,
        fields: &'e [(String, Expr)],
        known: &[(&str, &str)],
    ) -> Fields<'e> {
        let mut typed = Vec::new();
        for (field, field_value) in fields {
            let Some((_, ty)) = known.iter().find(|(known_name, _)| known_name == field) else {
                self.report(unknown_field(owner, field, field_value, known));
                continue;
            };
            if self.expect_type(
                field_value,
                &Type::from_schema(ty),
                Destination::Attribute(field),
            ) {
                typed.push((field.as_str(), field_value));
            }
        }
        typed
    }

    /// `smoke_test = { run = "…", image = "…", timeout = 5m }`. The script
    /// must be known when compiling: it is written into the manifest as
    /// it stands, so no runtime value can be spliced into it.
    fn smoke_test(&mut self, value: &Expr) -> Option<SmokeTest> {
        let ExprKind::Record(fields) = &value.kind else {
            return None;
        };
        let typed = self.known_fields("smoke_test", fields, SMOKE_TEST_FIELDS);
        let field = |wanted: &str| {
            typed
                .iter()
                .find(|(field, _)| *field == wanted)
                .map(|(_, value)| *value)
        };
        let Some(run) = field("run") else {
            // A `run` of the wrong type was reported when it was typed, and
            // an unknown field is most likely a misspelt `run`.
            let reported = fields.iter().any(|(name, _)| {
                name == "run" || !SMOKE_TEST_FIELDS.iter().any(|(known, _)| known == name)
            });
            if !reported {
                self.report(
                    Diagnostic::new(
                        Code::MissingArgument,
                        "a smoke test needs `run`",
                        Label::new(value.origin.source, value.origin.span, "no script"),
                    )
                    .with_help("add the checks to run against the preview: `run = \"curl -fsS \\\"$PREVIEW_URL/health\\\"\"`"),
                );
            }
            return None;
        };
        let script = self.constant_string(run, "a smoke test's `run`")?;
        let timeout = match field("timeout") {
            Some(timeout) => self.constant_duration(timeout, "a smoke test's `timeout`")?,
            None => SMOKE_TEST_TIMEOUT,
        };
        Some(SmokeTest {
            script,
            image: field("image").cloned(),
            timeout,
            origin: value.origin,
        })
    }

    fn amount(&mut self, value: &Expr) -> Option<Amount> {
        match value.kind {
            ExprKind::Percent(percent) => Some(Amount::Percent(percent)),
            _ => self
                .constant_int(value, "a pod count", 0, 1000)
                .and_then(|count| u32::try_from(count).ok())
                .map(Amount::Count),
        }
    }

    /// `error_rate > 1%`, `latency_p95 > 500ms`.
    fn rollback(&mut self, condition: &Expr) -> Option<RollbackCondition> {
        if let ExprKind::Compare {
            op: CompareOp::Gt | CompareOp::GtEq,
            lhs,
            rhs,
        } = &condition.kind
            && let ExprKind::Metric(metric) = lhs.kind
        {
            let threshold = match rhs.kind {
                ExprKind::Percent(percent) if !metric.is_latency() => Threshold::Percent(percent),
                ExprKind::Duration(milliseconds) if metric.is_latency() => {
                    Threshold::Duration(milliseconds)
                }
                // A threshold of the wrong type was reported as a comparison mismatch.
                _ => return None,
            };
            return Some(RollbackCondition {
                metric,
                threshold,
                origin: condition.origin,
            });
        }
        if condition.ty != Type::Error {
            let metrics: Vec<&str> = crate::ir::Metric::ALL
                .iter()
                .map(|(name, _)| *name)
                .collect();
            self.report(
                Diagnostic::new(
                    Code::UnknownName,
                    "a rollback condition compares a metric with a threshold",
                    Label::new(
                        condition.origin.source,
                        condition.origin.span,
                        "expected `METRIC > THRESHOLD`",
                    ),
                )
                .with_note(format!("the metrics are {}", backticked(&metrics)))
                .with_help("write `error_rate > 1%` or `latency_p95 > 500ms`"),
            );
        }
        None
    }
}

/// `owner` has no field `field`: the closest known field, or the ones
/// there are; and when another strategy takes the field, which one.
fn unknown_field(owner: &str, field: &str, value: &Expr, known: &[(&str, &str)]) -> Diagnostic {
    let names: Vec<&str> = known.iter().map(|(known_name, _)| *known_name).collect();
    let mut diagnostic = Diagnostic::new(
        Code::UnknownAttribute,
        format!("`{owner}` has no field `{field}`"),
        Label::new(
            value.origin.source,
            value.origin.span,
            "the value of an unknown field",
        ),
    );
    let owners: Vec<&str> = STRATEGIES
        .iter()
        .filter(|(strategy, fields)| {
            *strategy != owner && fields.iter().any(|(name, _)| *name == field)
        })
        .map(|(strategy, _)| *strategy)
        .collect();
    if !owners.is_empty() {
        diagnostic = diagnostic.with_note(format!(
            "`{field}` is a field of {}",
            backticked(&owners).replace(", ", " and ")
        ));
        if field == "smoke_test" {
            return diagnostic.with_help(format!(
                "a smoke test runs against the preview of a `blue_green` deploy before traffic switches to it; `{owner}` has no preview: check the new version in a job that needs this one"
            ));
        }
    }
    if let Some(suggestion) = suggest::closest(field, names.iter().copied()) {
        diagnostic.with_help(format!("did you mean `{suggestion}`?"))
    } else {
        diagnostic.with_note(format!("`{owner}` takes {}", backticked(&names)))
    }
}
