//! Lowering `deploy` and `environment` blocks: the service a job deploys,
//! its health probe, resources and autoscaling, and the environment's
//! approval. The rollout strategy is `strategy.rs`'s.

use crate::diagnostic::{Code, Diagnostic, Label};
use crate::ir::{
    Amount, Approval, Autoscale, Deploy, DeployStrategy, Environment, Expr, ExprKind, Health,
    Origin, Resources, Strategy,
};
use crate::lower::Lowerer;
use crate::lower::scope::Scope;
use crate::syntax::ast::Item;

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
            strategy: DeployStrategy::Fixed(Strategy::Rolling {
                max_surge: Amount::Count(1),
                max_unavailable: Amount::Count(0),
            }),
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
                            if let Some(strategy) = self.deploy_strategy(&value) {
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
