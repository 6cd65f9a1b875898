//! Lowering jobs: a `job` block, or an instance of a job template with the
//! instance's own items after the template's (a later attribute replaces an
//! earlier one; `needs` and lists of blocks add up).

use std::rc::Rc;

use crate::ir::{
    self, Artifact, ArtifactWhen, Cache, CachePolicy, EnvVar, ExprKind, JobOutput, Matrix,
    MatrixAxis, MatrixCombination, Need, Origin, ReportKind, Service, TemplateInstance,
};
use crate::lower::Lowerer;
use crate::lower::expr::Destination;
use crate::lower::scope::Scope;
use crate::lower::template::Definition;
use crate::syntax::ast::{self, Block, ExprKind as AstExprKind, Item};
use crate::types::Type;

impl<'p> Lowerer<'p> {
    pub(super) fn lower_job(&mut self, block: &'p Block, scope: &Scope) -> Option<ir::Job> {
        let label = block.label.as_ref()?;
        let origin = Origin::new(scope.source, block.span);
        let mut job = ir::Job::empty(label.name.clone(), origin);
        let mut instance: Option<(&'p ast::Template, usize, Scope, Origin, String)> = None;
        if let Some(value) = &block.value {
            let (callee, arguments) = match &value.kind {
                AstExprKind::Call { callee, arguments } => (callee, arguments.as_slice()),
                AstExprKind::Path(path) => (path, &[][..]),
                // The structure check reports other values.
                _ => return None,
            };
            let call = Origin::new(scope.source, value.span);
            // Unknown templates and the wrong kind were reported by the resolve phase.
            let Some(Definition::Template { module, template }) =
                self.find_definition(scope.module, callee)
            else {
                return None;
            };
            if template.kind.name != "job" {
                return None;
            }
            let callee_text = callee.dotted();
            let parameters =
                self.bind_arguments(template, module, &callee_text, arguments, call, scope);
            let template_scope = Scope {
                parameters: Rc::new(parameters),
                in_template: true,
                ..Scope::new(module, self.source_of(module), scope.pipeline.clone())
            };
            job.instance_of = Some(Box::new(TemplateInstance {
                template: callee_text.clone(),
                call,
            }));
            instance = Some((template, module, template_scope, call, callee_text));
        }
        let body_items: &'p [Item] = block.body.as_ref().map_or(&[], |body| &body.items);
        // Matrix keys are needed to type the rest, so the matrix comes first.
        if let Some((template, module, template_scope, call, callee)) = &instance {
            if !self.enter_template(*module, template, *call, callee) {
                return None;
            }
            self.lower_matrix_of(&mut job, &template.body.items, template_scope);
            self.leave_template();
        }
        let mut body_scope = scope.clone();
        self.lower_matrix_of(&mut job, body_items, &body_scope);
        let keys: Option<Rc<Vec<String>>> = job
            .matrix
            .as_ref()
            .map(|matrix| Rc::new(matrix.keys().into_iter().map(str::to_owned).collect()));
        body_scope.matrix_keys = keys.clone();
        if let Some((template, module, mut template_scope, call, callee)) = instance {
            template_scope.matrix_keys = keys;
            if self.enter_template(module, template, call, &callee) {
                self.lower_job_items(&mut job, &template.body.items, &template_scope);
                self.leave_template();
            }
        }
        self.lower_job_items(&mut job, body_items, &body_scope);
        self.check_step_outputs(&job);
        // Judged on the text, so that steps lost to another error are not
        // reported a second time.
        let writes_steps = |items: &[Item]| {
            items.iter().any(|item| match item {
                Item::Block(block) => matches!(block.keyword.name.as_str(), "step" | "deploy"),
                Item::Use(_) | Item::Error(_) => true,
                _ => false,
            })
        };
        if !writes_steps(body_items)
            && block.value.is_none()
            && !self.has_syntax_errors(scope.module)
        {
            self.report(
                crate::diagnostic::Diagnostic::new(
                    crate::diagnostic::Code::MalformedBlock,
                    format!("job `{}` has no steps", job.name),
                    crate::diagnostic::Label::new(scope.source, label.span, "nothing to run"),
                )
                .with_help("add a step (`step test { run = \"pytest\" }`) or a `deploy` block"),
            );
        }
        if job.checkout
            && !job
                .steps
                .iter()
                .any(|step| matches!(step.action, ir::StepAction::Checkout { .. }))
        {
            job.steps.insert(0, checkout_step(&job, origin));
        }
        Some(job)
    }

    pub(super) fn lower_matrix_of(&mut self, job: &mut ir::Job, items: &[Item], scope: &Scope) {
        for item in items {
            if let Item::Block(block) = item
                && block.keyword.name == "matrix"
                && let Some(body) = &block.body
            {
                job.matrix = Some(self.lower_matrix(
                    &body.items,
                    scope,
                    Origin::new(scope.source, block.span),
                ));
            }
        }
    }

    fn lower_matrix(&mut self, items: &[Item], scope: &Scope, origin: Origin) -> Matrix {
        let mut matrix = Matrix {
            axes: Vec::new(),
            include: Vec::new(),
            exclude: Vec::new(),
            fail_fast: None,
            max_parallel: None,
            origin,
        };
        for item in items {
            let Item::Attribute(attribute) = item else {
                continue;
            };
            let name = attribute.key.name.as_str();
            match name {
                "include" | "exclude" => {
                    let expected = Type::list(Type::Record);
                    let value = self.lower_expr(&attribute.value, scope, Some(&expected));
                    self.expect_type(&value, &expected, Destination::Attribute(name));
                    let entries = self.matrix_entries(&value);
                    if name == "include" {
                        matrix.include = entries;
                    } else {
                        matrix.exclude = entries;
                    }
                }
                "fail_fast" => {
                    let value = self.lower_expr(&attribute.value, scope, Some(&Type::Bool));
                    if self.expect_type(&value, &Type::Bool, Destination::Attribute(name)) {
                        matrix.fail_fast = self.constant_bool(&value, "`fail_fast`");
                    }
                }
                "max_parallel" => {
                    let value = self.lower_expr(&attribute.value, scope, Some(&Type::Int));
                    if self.expect_type(&value, &Type::Int, Destination::Attribute(name)) {
                        matrix.max_parallel = self
                            .constant_int(&value, "`max_parallel`", 1, 256)
                            .and_then(|count| u32::try_from(count).ok());
                    }
                }
                _ => {
                    let expected = Type::list(Type::String);
                    let value = self.lower_expr(&attribute.value, scope, Some(&expected));
                    let values = match &value.kind {
                        ExprKind::List(elements) => elements
                            .iter()
                            .filter_map(|element| self.matrix_value(element))
                            .collect(),
                        ExprKind::Parameter(_) | ExprKind::Error => vec![String::new()],
                        _ => {
                            self.expect_type(&value, &expected, Destination::Attribute(name));
                            Vec::new()
                        }
                    };
                    matrix.axes.push(MatrixAxis {
                        name: name.to_owned(),
                        values,
                    });
                }
            }
        }
        matrix
    }

    /// Matrix values are written as strings, ints or bools and compared as text.
    fn matrix_value(&mut self, value: &ir::Expr) -> Option<String> {
        match &value.kind {
            ExprKind::Bool(flag) => Some(flag.to_string()),
            ExprKind::Parameter(_) | ExprKind::Error => None,
            _ => self.constant_string(value, "a matrix value"),
        }
    }

    fn matrix_entries(&mut self, value: &ir::Expr) -> Vec<MatrixCombination> {
        let ExprKind::List(entries) = &value.kind else {
            return Vec::new();
        };
        entries
            .iter()
            .filter_map(|entry| match &entry.kind {
                ExprKind::Record(fields) => Some(
                    fields
                        .iter()
                        .filter_map(|(key, value)| Some((key.clone(), self.matrix_value(value)?)))
                        .collect(),
                ),
                _ => None,
            })
            .collect()
    }

    /// Lowers the items of a job body (or of a job or steps template body)
    /// into `job`.
    pub(super) fn lower_job_items(&mut self, job: &mut ir::Job, items: &'p [Item], scope: &Scope) {
        for item in items {
            match item {
                Item::Attribute(attribute) => self.lower_job_attribute(job, attribute, scope),
                Item::Block(block) => self.lower_job_block(job, block, scope),
                Item::Use(use_item) => self.lower_use(job, use_item, scope),
                _ => {}
            }
        }
    }

    fn lower_job_attribute(
        &mut self,
        job: &mut ir::Job,
        attribute: &ast::Attribute,
        scope: &Scope,
    ) {
        let value = self.attribute_value(attribute, "job", scope);
        let name = attribute.key.name.as_str();
        match name {
            "needs" | "artifacts_from" => {
                let ExprKind::List(elements) = &value.kind else {
                    return;
                };
                let list = if name == "needs" {
                    &mut job.needs
                } else {
                    &mut job.artifacts_from
                };
                for element in elements {
                    if let ExprKind::Job(needed) = &element.kind
                        && !list.iter().any(|need| need.job == *needed)
                    {
                        list.push(Need {
                            job: needed.clone(),
                            origin: element.origin,
                        });
                    }
                }
            }
            "if" => {
                job.condition = match value.kind {
                    ExprKind::Bool(true) => None,
                    ExprKind::Error => None,
                    _ => Some(value),
                };
            }
            "image" => job.image = Some(Box::new(value)),
            "runner" => job.runner = Some(Box::new(value)),
            "timeout" => {
                job.timeout = self.constant_duration(&value, "`timeout`");
                job.timeout_origin = Some(value.origin);
            }
            "retry" => {
                job.retry = self
                    .constant_int(&value, "`retry`", 0, 2)
                    .and_then(|count| u32::try_from(count).ok());
            }
            "allow_failure" => {
                job.allow_failure = self
                    .constant_bool(&value, "`allow_failure`")
                    .unwrap_or(false)
            }
            "interruptible" => job.interruptible = self.constant_bool(&value, "`interruptible`"),
            "stage" => job.stage = self.constant_string(&value, "`stage`"),
            "checkout" => job.checkout = self.constant_bool(&value, "`checkout`").unwrap_or(true),
            _ => {}
        }
    }

    fn lower_job_block(&mut self, job: &mut ir::Job, block: &'p Block, scope: &Scope) {
        let origin = Origin::new(scope.source, block.span);
        let label = block.label.as_ref().map(|label| label.name.clone());
        let items: &'p [Item] = block.body.as_ref().map_or(&[], |body| &body.items);
        match (block.keyword.name.as_str(), label) {
            ("env", _) => self.lower_env(&mut job.env, items, scope),
            ("step", Some(_)) => self.lower_step(job, block, scope),
            ("service", Some(name)) => {
                let service = self.lower_service(name, items, scope, origin);
                replace_or_push(&mut job.services, service, |a, b| a.name == b.name);
            }
            ("cache", Some(name)) => {
                if let Some(cache) = self.lower_cache(name, items, scope, origin) {
                    replace_or_push(&mut job.caches, cache, |a, b| a.name == b.name);
                }
            }
            ("artifact", Some(name)) => {
                let artifact = self.lower_artifact(name, items, scope, origin);
                replace_or_push(&mut job.artifacts, artifact, |a, b| a.name == b.name);
            }
            ("output", Some(name)) => {
                if let Some(value) = &block.value {
                    let lowered = self.lower_expr(value, scope, Some(&Type::String));
                    self.expect_type(&lowered, &Type::String, Destination::Attribute("output"));
                    let output = JobOutput {
                        name,
                        value: lowered,
                        origin,
                    };
                    replace_or_push(&mut job.outputs, output, |a, b| a.name == b.name);
                }
            }
            ("environment", Some(name)) => {
                job.environment = Some(Box::new(self.lower_environment(name, items, scope, origin)))
            }
            ("deploy", Some(name)) => {
                if let Some(deploy) = self.lower_deploy(name, items, scope, origin) {
                    replace_or_push(&mut job.deploys, deploy, |a, b| a.service == b.service);
                }
            }
            ("concurrency", _) => {
                job.concurrency = self.lower_concurrency(items, scope, origin).map(Box::new)
            }
            ("permissions", _) => self.lower_permissions(&mut job.permissions, items, scope),
            ("resources", _) => {
                job.resources = Some(Box::new(self.lower_resources(items, "resources", scope)))
            }
            ("github" | "gitlab" | "k8s", _) => self.lower_escape(&mut job.escapes, block, scope),
            _ => {}
        }
    }

    pub(super) fn lower_env(&mut self, env: &mut Vec<EnvVar>, items: &[Item], scope: &Scope) {
        let expected = Type::Either(Box::new(Type::String), Box::new(Type::Secret));
        for item in items {
            let Item::Attribute(attribute) = item else {
                continue;
            };
            let value = self.lower_expr(&attribute.value, scope, Some(&expected));
            let value = match value.ty {
                // Numbers and flags are environment text too.
                Type::Int | Type::Bool => match self.constant_string_of(&value) {
                    Some(text) => ir::Expr::new(ExprKind::String(text), Type::String, value.origin),
                    None => value,
                },
                _ => value,
            };
            self.expect_type(
                &value,
                &expected,
                Destination::Attribute(&attribute.key.name),
            );
            let var = EnvVar {
                name: attribute.key.name.clone(),
                value,
                origin: Origin::new(scope.source, attribute.span),
            };
            replace_or_push(env, var, |a, b| a.name == b.name);
        }
    }

    fn constant_string_of(&self, value: &ir::Expr) -> Option<String> {
        match value.kind {
            ExprKind::Int(number) => Some(number.to_string()),
            ExprKind::Bool(flag) => Some(flag.to_string()),
            _ => None,
        }
    }

    fn lower_service(
        &mut self,
        name: String,
        items: &[Item],
        scope: &Scope,
        origin: Origin,
    ) -> Service {
        let mut service = Service {
            name,
            image: ir::Expr::error(origin),
            ports: Vec::new(),
            env: Vec::new(),
            command: Vec::new(),
            health: None,
            privileged: false,
            origin,
        };
        for item in items {
            match item {
                Item::Attribute(attribute) => {
                    let value = self.attribute_value(attribute, "service", scope);
                    match attribute.key.name.as_str() {
                        "image" => service.image = value,
                        "ports" => service.ports = self.constant_ports(&value),
                        "command" => {
                            service.command = self.constant_strings(&value, "a service command")
                        }
                        "health" => {
                            service.health =
                                self.constant_string(&value, "a service health command")
                        }
                        "privileged" => {
                            service.privileged =
                                self.constant_bool(&value, "`privileged`").unwrap_or(false);
                        }
                        _ => {}
                    }
                }
                Item::Block(block) if block.keyword.name == "env" => {
                    let env_items = block.body.as_ref().map_or(&[][..], |body| &body.items);
                    self.lower_env(&mut service.env, env_items, scope);
                }
                _ => {}
            }
        }
        service
    }

    pub(super) fn constant_ports(&mut self, value: &ir::Expr) -> Vec<u16> {
        let ExprKind::List(elements) = &value.kind else {
            return Vec::new();
        };
        elements
            .iter()
            .filter_map(|element| self.constant_int(element, "a port", 1, 65535))
            .filter_map(|port| u16::try_from(port).ok())
            .collect()
    }

    fn lower_cache(
        &mut self,
        name: String,
        items: &[Item],
        scope: &Scope,
        origin: Origin,
    ) -> Option<Cache> {
        let mut cache = Cache {
            name,
            paths: Vec::new(),
            key: ir::Expr::error(origin),
            restore_keys: Vec::new(),
            policy: CachePolicy::PullPush,
            origin,
        };
        for item in items {
            let Item::Attribute(attribute) = item else {
                continue;
            };
            let value = self.attribute_value(attribute, "cache", scope);
            match attribute.key.name.as_str() {
                "path" => cache.paths = self.constant_strings(&value, "a cache path"),
                "key" => cache.key = value,
                "restore_keys" => {
                    cache.restore_keys = self.constant_strings(&value, "a restore key")
                }
                "policy" => {
                    cache.policy = match value.as_str() {
                        Some("pull") => CachePolicy::Pull,
                        Some("push") => CachePolicy::Push,
                        _ => CachePolicy::PullPush,
                    };
                }
                _ => {}
            }
        }
        Some(cache)
    }

    fn lower_artifact(
        &mut self,
        name: String,
        items: &[Item],
        scope: &Scope,
        origin: Origin,
    ) -> Artifact {
        let mut artifact = Artifact {
            name,
            paths: Vec::new(),
            expire: None,
            when: ArtifactWhen::Success,
            report: None,
            origin,
        };
        for item in items {
            let Item::Attribute(attribute) = item else {
                continue;
            };
            let value = self.attribute_value(attribute, "artifact", scope);
            match attribute.key.name.as_str() {
                "path" => artifact.paths = self.constant_strings(&value, "an artifact path"),
                "expire" => artifact.expire = self.constant_duration(&value, "`expire`"),
                "when" => {
                    artifact.when = match value.as_str() {
                        Some("failure") => ArtifactWhen::Failure,
                        Some("always") => ArtifactWhen::Always,
                        _ => ArtifactWhen::Success,
                    };
                }
                "report" => {
                    artifact.report = match value.as_str() {
                        Some("junit") => Some(ReportKind::Junit),
                        Some("coverage") => Some(ReportKind::Coverage),
                        Some("sarif") => Some(ReportKind::Sarif),
                        _ => None,
                    };
                }
                _ => {}
            }
        }
        artifact
    }
}

/// The checkout every job starts with unless it has its own or says
/// `checkout = false`: GitLab always clones, so every target does.
fn checkout_step(job: &ir::Job, origin: Origin) -> ir::Step {
    let taken = job.steps.iter().any(|step| step.name == "checkout");
    ir::Step {
        name: if taken { "pipec-checkout" } else { "checkout" }.to_owned(),
        origin,
        condition: None,
        env: Vec::new(),
        action: ir::StepAction::Checkout { with: Vec::new() },
        timeout: None,
        continue_on_error: false,
        outputs: Vec::new(),
        working_directory: None,
        escapes: ir::Escapes::default(),
    }
}

/// Later definitions replace earlier ones of the same name, in place.
pub(super) fn replace_or_push<T>(list: &mut Vec<T>, item: T, same: impl Fn(&T, &T) -> bool) {
    match list.iter_mut().find(|existing| same(existing, &item)) {
        Some(existing) => *existing = item,
        None => list.push(item),
    }
}
