//! Lowering `deploy` and `environment` blocks: the service a job deploys,
//! its health probe and rollout strategy, and the environment's approval.

use crate::check::suggest;
use crate::diagnostic::{Code, Diagnostic, Label};
use crate::ir::{
    Amount, Approval, Autoscale, CompareOp, Deploy, Environment, Expr, ExprKind, Health, Origin,
    Resources, RollbackCondition, Strategy, Threshold,
};
use crate::lower::Lowerer;
use crate::lower::expr::Destination;
use crate::lower::scope::Scope;
use crate::syntax::ast::Item;
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
];
const CANARY_FIELDS: &[(&str, &str)] = &[
    ("steps", "list<percent>"),
    ("pause", "duration"),
    ("rollback", "list<bool>"),
];

impl Lowerer<'_> {
    pub(super) fn lower_deploy(
        &mut self,
        service: String,
        items: &[Item],
        scope: &Scope,
        origin: Origin,
    ) -> Option<Deploy> {
        let mut deploy = Deploy {
            service,
            image: Expr::error(origin),
            port: None,
            replicas: 1,
            health: None,
            strategy: Strategy::Rolling {
                max_surge: Amount::Count(1),
                max_unavailable: Amount::Count(0),
            },
            namespace: None,
            command: Vec::new(),
            env: Vec::new(),
            autoscale: None,
            resources: None,
            kubeconfig: None,
            escapes: crate::ir::Escapes::default(),
            origin,
        };
        let mut has_image = false;
        for item in items {
            match item {
                Item::Attribute(attribute) => {
                    let value = self.attribute_value(attribute, "deploy", scope);
                    match attribute.key.name.as_str() {
                        "image" => {
                            has_image = true;
                            deploy.image = value;
                        }
                        "port" => {
                            deploy.port = self
                                .constant_int(&value, "`port`", 1, 65535)
                                .and_then(|port| u16::try_from(port).ok());
                        }
                        "replicas" => {
                            deploy.replicas = self
                                .constant_int(&value, "`replicas`", 1, 1000)
                                .and_then(|count| u32::try_from(count).ok())
                                .unwrap_or(1);
                        }
                        "health" => deploy.health = self.health(&value),
                        "strategy" => {
                            if let Some(strategy) = self.strategy(&value) {
                                deploy.strategy = strategy;
                            }
                        }
                        "namespace" => {
                            deploy.namespace = self.constant_string(&value, "`namespace`")
                        }
                        "command" => deploy.command = self.constant_strings(&value, "a command"),
                        "kubeconfig" => {
                            if let ExprKind::Context(crate::ir::Context::Secret(name)) = &value.kind
                            {
                                deploy.kubeconfig = Some(name.clone());
                            }
                        }
                        _ => {}
                    }
                }
                Item::Block(block) => {
                    let body: &[Item] = block.body.as_ref().map_or(&[], |body| &body.items);
                    match block.keyword.name.as_str() {
                        "env" => self.lower_env(&mut deploy.env, body, scope),
                        "autoscale" => {
                            deploy.autoscale =
                                self.autoscale(body, scope, Origin::new(scope.source, block.span));
                        }
                        "resources" => {
                            deploy.resources = Some(self.lower_resources(body, "resources", scope))
                        }
                        "github" | "gitlab" | "k8s" => {
                            self.lower_escape(&mut deploy.escapes, block, scope)
                        }
                        _ => {}
                    }
                }
                _ => {}
            }
        }
        if !has_image {
            self.report(
                Diagnostic::new(
                    Code::MalformedBlock,
                    format!("deploy `{}` has no `image`", deploy.service),
                    Label::new(origin.source, origin.span, "what should run?"),
                )
                .with_help("add `image = \"registry/name:${git.sha}\"`"),
            );
            return None;
        }
        Some(deploy)
    }

    fn health(&mut self, value: &Expr) -> Option<Health> {
        let ExprKind::Call {
            function,
            arguments,
        } = &value.kind
        else {
            return None;
        };
        let mut positional = Vec::new();
        let mut port = None;
        for argument in arguments {
            match &argument.kind {
                ExprKind::Record(fields) if fields.len() == 1 && fields[0].0 == "port" => {
                    port = self
                        .constant_int(&fields[0].1, "the probe's port", 1, 65535)
                        .and_then(|port| u16::try_from(port).ok());
                }
                ExprKind::Record(fields) => {
                    let name = fields.first().map_or("", |(name, _)| name.as_str());
                    self.report(
                        Diagnostic::new(
                            Code::UnknownArgument,
                            format!("`{function}` has no parameter `{name}`"),
                            Label::new(
                                argument.origin.source,
                                argument.origin.span,
                                "unknown parameter",
                            ),
                        )
                        .with_help("probes take `port = N`"),
                    );
                }
                _ => positional.push(argument),
            }
        }
        match (function.as_str(), positional.as_slice()) {
            ("http", [path]) => {
                let path = self.constant_string(path, "the probe's path")?;
                Some(Health::Http { path, port })
            }
            ("tcp", []) => Some(Health::Tcp { port }),
            ("tcp", [port_value]) => Some(Health::Tcp {
                port: self
                    .constant_int(port_value, "the probe's port", 1, 65535)
                    .and_then(|port| u16::try_from(port).ok()),
            }),
            ("exec", [command]) => Some(Health::Exec {
                command: self.constant_strings(command, "the probe's command"),
            }),
            _ => {
                let usage = match function.as_str() {
                    "http" => "`http(\"/health\")` or `http(\"/health\", port = 8081)`",
                    "tcp" => "`tcp()` or `tcp(5432)`",
                    _ => "`exec([\"pg_isready\"])`",
                };
                self.report(
                    Diagnostic::new(
                        Code::MissingArgument,
                        format!("wrong arguments for the `{function}` probe"),
                        Label::new(
                            value.origin.source,
                            value.origin.span,
                            "see the usage below",
                        ),
                    )
                    .with_help(format!("write {usage}")),
                );
                None
            }
        }
    }

    fn strategy(&mut self, value: &Expr) -> Option<Strategy> {
        let ExprKind::Constructor { name, fields } = &value.kind else {
            return None;
        };
        let known = match name.as_str() {
            "rolling" => ROLLING_FIELDS,
            "blue_green" => BLUE_GREEN_FIELDS,
            "canary" => CANARY_FIELDS,
            _ => return None,
        };
        let mut typed: Vec<(&str, &Expr)> = Vec::new();
        for (field, field_value) in fields {
            let Some((_, ty)) = known.iter().find(|(known_name, _)| known_name == field) else {
                let names: Vec<&str> = known.iter().map(|(known_name, _)| *known_name).collect();
                let mut diagnostic = Diagnostic::new(
                    Code::UnknownAttribute,
                    format!("`{name}` has no field `{field}`"),
                    Label::new(
                        field_value.origin.source,
                        field_value.origin.span,
                        "the value of an unknown field",
                    ),
                );
                if let Some(suggestion) = suggest::closest(field, names.iter().copied()) {
                    diagnostic = diagnostic.with_help(format!("did you mean `{suggestion}`?"));
                } else {
                    diagnostic = diagnostic.with_note(format!(
                        "`{name}` takes {}",
                        names
                            .iter()
                            .map(|known_name| format!("`{known_name}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
                self.report(diagnostic);
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
                .with_note(format!(
                    "the metrics are {}",
                    metrics
                        .iter()
                        .map(|name| format!("`{name}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
                .with_help("write `error_rate > 1%` or `latency_p95 > 500ms`"),
            );
        }
        None
    }

    fn autoscale(&mut self, items: &[Item], scope: &Scope, origin: Origin) -> Option<Autoscale> {
        let mut autoscale = Autoscale {
            min: 1,
            max: 1,
            cpu: None,
            memory: None,
            origin,
        };
        let mut has_max = false;
        for item in items {
            let Item::Attribute(attribute) = item else {
                continue;
            };
            let value = self.attribute_value(attribute, "autoscale", scope);
            let count = |lowerer: &mut Self, what: &str| {
                lowerer
                    .constant_int(&value, what, 1, 1000)
                    .and_then(|count| u32::try_from(count).ok())
            };
            match attribute.key.name.as_str() {
                "min" => autoscale.min = count(self, "`min`").unwrap_or(1),
                "max" => {
                    has_max = true;
                    autoscale.max = count(self, "`max`").unwrap_or(1);
                }
                "cpu" => autoscale.cpu = self.constant_percent(&value, "`cpu`"),
                "memory" => autoscale.memory = self.constant_percent(&value, "`memory`"),
                _ => {}
            }
        }
        if !has_max || autoscale.max < autoscale.min {
            self.report(
                Diagnostic::new(
                    Code::ValueOutOfRange,
                    if has_max {
                        format!(
                            "autoscale `max` ({}) is below `min` ({})",
                            autoscale.max, autoscale.min
                        )
                    } else {
                        "autoscale needs `max`".to_owned()
                    },
                    Label::new(origin.source, origin.span, "the replica range"),
                )
                .with_help("write `autoscale { min = 2, max = 10, cpu = 70% }`"),
            );
            return None;
        }
        if autoscale.cpu.is_none() && autoscale.memory.is_none() {
            autoscale.cpu = Some(80.0);
        }
        Some(autoscale)
    }

    pub(super) fn lower_resources(
        &mut self,
        items: &[Item],
        keyword: &str,
        scope: &Scope,
    ) -> Resources {
        let mut resources = Resources::default();
        for item in items {
            let Item::Attribute(attribute) = item else {
                continue;
            };
            let value = self.attribute_value(attribute, keyword, scope);
            let text = self.constant_string(&value, "a resource quantity");
            match attribute.key.name.as_str() {
                "cpu" => resources.cpu = text,
                "memory" => resources.memory = text,
                "cpu_limit" => resources.cpu_limit = text,
                "memory_limit" => resources.memory_limit = text,
                _ => {}
            }
        }
        resources
    }

    pub(super) fn lower_environment(
        &mut self,
        name: String,
        items: &[Item],
        scope: &Scope,
        origin: Origin,
    ) -> Environment {
        let mut environment = Environment {
            name,
            url: None,
            tier: None,
            approval: None,
            origin,
        };
        for item in items {
            match item {
                Item::Attribute(attribute) => {
                    let value = self.attribute_value(attribute, "environment", scope);
                    match attribute.key.name.as_str() {
                        "url" => environment.url = Some(value),
                        "tier" => environment.tier = self.constant_string(&value, "`tier`"),
                        _ => {}
                    }
                }
                Item::Block(block) if block.keyword.name == "approval" => {
                    let approval_origin = Origin::new(scope.source, block.span);
                    let mut approval = Approval {
                        reviewers: 1,
                        wait: None,
                        origin: approval_origin,
                    };
                    for inner in block.body.as_ref().map_or(&[][..], |body| &body.items) {
                        let Item::Attribute(attribute) = inner else {
                            continue;
                        };
                        let value = self.attribute_value(attribute, "approval", scope);
                        match attribute.key.name.as_str() {
                            "reviewers" => {
                                approval.reviewers = self
                                    .constant_int(&value, "`reviewers`", 1, 6)
                                    .and_then(|count| u32::try_from(count).ok())
                                    .unwrap_or(1);
                            }
                            "wait" => approval.wait = self.constant_duration(&value, "`wait`"),
                            _ => {}
                        }
                    }
                    environment.approval = Some(approval);
                }
                _ => {}
            }
        }
        environment
    }
}
