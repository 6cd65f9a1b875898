//! The walk that fills the index: one module's items, with the names of
//! the pipeline, job and template being walked in scope.

use super::{JobNames, Occurrence, PipelineNames, Symbol, SymbolKind, job_names, pipeline_names};
use crate::check::walk;
use crate::ide::{Analysis, FileSpan};
use crate::span::{SourceId, Span};
use crate::syntax::ast::{Argument, Block, Expr, ExprKind, Item, Path};
pub(super) struct Walker<'a> {
    analysis: &'a Analysis,
    module: usize,
    source: SourceId,
    pub(super) occurrences: Vec<Occurrence>,
    pipeline: Option<PipelineNames>,
    job: Option<JobNames>,
    /// The parameters of the template whose body is walked.
    parameters: Option<Vec<(String, Span)>>,
}

fn find<'n>(names: &'n [(String, Span)], name: &str) -> Option<&'n (String, Span)> {
    names.iter().find(|(known, _)| known == name)
}

impl<'a> Walker<'a> {
    pub(super) fn new(analysis: &'a Analysis, module: usize) -> Walker<'a> {
        Walker {
            analysis,
            module,
            source: analysis.program.modules[module].source,
            occurrences: Vec::new(),
            pipeline: None,
            job: None,
            parameters: None,
        }
    }

    fn push(&mut self, span: Span, kind: SymbolKind, name: &str, definition: FileSpan) {
        let is_definition = definition.source == self.source && definition.span == span;
        self.occurrences.push(Occurrence {
            span,
            symbol: Symbol {
                kind,
                name: name.to_owned(),
                definition,
            },
            is_definition,
        });
    }

    fn here(&self, span: Span) -> FileSpan {
        FileSpan {
            source: self.source,
            span,
        }
    }

    pub(super) fn module_items(&mut self) {
        let analysis = self.analysis;
        let module = &analysis.program.modules[self.module];
        for item in &module.parsed.file.items {
            if let Item::Import(import) = item {
                let Some((alias, _, target)) = module
                    .imports
                    .iter()
                    .find(|(_, span, _)| *span == import.path_span)
                else {
                    continue;
                };
                let target_source = analysis.program.modules[*target].source;
                let target_name = analysis.source_name(target_source).to_owned();
                self.push(
                    import.path_span,
                    SymbolKind::Module,
                    &target_name,
                    FileSpan {
                        source: target_source,
                        span: Span::empty_at(0),
                    },
                );
                let alias_span = import.alias.as_ref().map_or(import.path_span, |a| a.span);
                self.push(alias_span, SymbolKind::Import, alias, self.here(alias_span));
            }
        }
        self.items(&module.parsed.file.items, "file");
    }

    fn items(&mut self, items: &'a [Item], parent: &str) {
        for item in items {
            match item {
                Item::Import(_) | Item::Error(_) => {}
                Item::Template(template) => {
                    let name = &template.name;
                    self.push(
                        name.span,
                        SymbolKind::Template,
                        &name.name,
                        self.here(name.span),
                    );
                    let parameters: Vec<(String, Span)> = template
                        .parameters
                        .iter()
                        .map(|parameter| (parameter.name.name.clone(), parameter.name.span))
                        .collect();
                    for (parameter, span) in &parameters {
                        self.push(*span, SymbolKind::Parameter, parameter, self.here(*span));
                    }
                    for parameter in &template.parameters {
                        if let Some(default) = &parameter.default {
                            self.expr(default);
                        }
                    }
                    let outer = self.parameters.replace(parameters);
                    let outer_job = self.job.replace(job_names(&template.body.items));
                    self.items(&template.body.items, &template.kind.name);
                    self.parameters = outer;
                    self.job = outer_job;
                }
                Item::Use(use_item) => {
                    self.instance(&use_item.template, &use_item.arguments);
                }
                Item::Input(input) => {
                    let kind = if parent == "action" {
                        SymbolKind::ActionInput
                    } else {
                        SymbolKind::Input
                    };
                    let name = &input.name;
                    self.push(name.span, kind, &name.name, self.here(name.span));
                    if let Some(default) = &input.default {
                        self.expr(default);
                    }
                    if let Some(body) = &input.body {
                        self.items(&body.items, "input");
                    }
                }
                Item::Attribute(attribute) => {
                    let lists_jobs =
                        matches!(attribute.key.name.as_str(), "needs" | "artifacts_from")
                            && matches!(parent, "job");
                    match &attribute.value.kind {
                        ExprKind::List(elements) if lists_jobs => {
                            for element in elements {
                                if let ExprKind::Path(path) = &element.kind
                                    && let [name] = path.segments.as_slice()
                                {
                                    self.job_reference(&name.name, name.span);
                                } else {
                                    self.expr(element);
                                }
                            }
                        }
                        _ => self.expr(&attribute.value),
                    }
                }
                Item::Block(block) => self.block(block, parent),
            }
        }
    }

    fn block(&mut self, block: &'a Block, parent: &str) {
        let keyword = block.keyword.name.as_str();
        if crate::check::schema::is_escape(keyword) {
            return;
        }
        let label = block.label.as_ref();
        match (keyword, label) {
            ("pipeline", _) => {
                let names = block
                    .body
                    .as_ref()
                    .map(|body| pipeline_names(&body.items))
                    .unwrap_or_default();
                let outer = self.pipeline.replace(names);
                self.walk_body(block, keyword);
                self.pipeline = outer;
                return;
            }
            ("job", Some(label)) if parent == "pipeline" => {
                self.push(
                    label.span,
                    SymbolKind::Job,
                    &label.name,
                    self.here(label.span),
                );
                if let Some(value) = &block.value {
                    self.instance_value(value);
                }
                let names = block
                    .body
                    .as_ref()
                    .map(|body| job_names(&body.items))
                    .unwrap_or_default();
                let outer = self.job.replace(names);
                self.walk_body(block, keyword);
                self.job = outer;
                return;
            }
            ("step", Some(label)) => {
                self.push(
                    label.span,
                    SymbolKind::Step,
                    &label.name,
                    self.here(label.span),
                );
                if let Some(value) = &block.value {
                    self.instance_value(value);
                }
                self.walk_body(block, keyword);
                return;
            }
            ("secret", Some(label)) if parent == "pipeline" => {
                self.push(
                    label.span,
                    SymbolKind::Secret,
                    &label.name,
                    self.here(label.span),
                );
            }
            ("output", Some(label)) if parent == "job" => {
                self.push(
                    label.span,
                    SymbolKind::Output,
                    &label.name,
                    self.here(label.span),
                );
            }
            ("action", Some(label)) if parent == "file" => {
                self.push(
                    label.span,
                    SymbolKind::Action,
                    &label.name,
                    self.here(label.span),
                );
            }
            ("matrix", None) => {
                if let Some(body) = &block.body {
                    for item in &body.items {
                        if let Item::Attribute(attribute) = item {
                            let key = &attribute.key;
                            self.push(
                                key.span,
                                SymbolKind::MatrixKey,
                                &key.name,
                                self.here(key.span),
                            );
                            self.expr(&attribute.value);
                        }
                    }
                }
                return;
            }
            _ => {}
        }
        if let Some(value) = &block.value {
            self.expr(value);
        }
        self.walk_body(block, keyword);
    }

    fn walk_body(&mut self, block: &'a Block, keyword: &str) {
        if let Some(body) = &block.body {
            self.items(&body.items, keyword);
        }
    }

    /// `job x = T(…)` or `step s = a(…)`: the value names a template or action.
    fn instance_value(&mut self, value: &'a Expr) {
        match &value.kind {
            ExprKind::Call { callee, arguments } => self.instance(callee, arguments),
            ExprKind::Path(path) => self.instance(path, &[]),
            _ => self.expr(value),
        }
    }

    /// A reference to a template or action with its arguments: the path's
    /// alias and name, and named arguments as references to parameters or
    /// action inputs.
    fn instance(&mut self, path: &'a Path, arguments: &'a [Argument]) {
        let target = self.definition_of(path);
        self.path(path);
        for argument in arguments {
            if let (Some(name), Some((module, kind, span))) = (&argument.name, target)
                && let Some(parameter) = parameter_of(self.analysis, module, kind, span, &name.name)
            {
                self.push(name.span, parameter.0, &name.name, parameter.1);
            }
            self.expr(&argument.value);
        }
    }

    /// The module, kind and name span of the template or action `path` names.
    fn definition_of(&self, path: &Path) -> Option<(usize, SymbolKind, Span)> {
        let names: Vec<&str> = path
            .segments
            .iter()
            .map(|segment| segment.name.as_str())
            .collect();
        super::template_or_action(self.analysis, self.module, &names)
    }

    fn job_reference(&mut self, name: &str, span: Span) {
        let found = self
            .pipeline
            .as_ref()
            .and_then(|pipeline| find(&pipeline.jobs, name))
            .map(|(_, definition)| *definition);
        if let Some(definition) = found {
            self.push(span, SymbolKind::Job, name, self.here(definition));
        }
    }

    fn expr(&mut self, expr: &'a Expr) {
        let mut paths: Vec<&'a Path> = Vec::new();
        walk::expr(expr, &mut |node| {
            if let ExprKind::Path(path) | ExprKind::Call { callee: path, .. } = &node.kind {
                paths.push(path);
            }
        });
        for path in paths {
            self.path(path);
        }
    }

    /// Resolves the segments of one path to what they name.
    fn path(&mut self, path: &Path) {
        let segments = path.segments.as_slice();
        let Some(first) = segments.first() else {
            return;
        };
        let analysis = self.analysis;
        let module = &analysis.program.modules[self.module];
        if let Some((alias, _, _)) = module
            .imports
            .iter()
            .find(|(alias, _, _)| *alias == first.name)
        {
            let alias_definition = module.parsed.file.items.iter().find_map(|item| match item {
                Item::Import(import)
                    if import.alias.as_ref().map_or_else(
                        || crate::resolve::default_alias(&import.path),
                        |alias| alias.name.clone(),
                    ) == *alias =>
                {
                    Some(import.alias.as_ref().map_or(import.path_span, |a| a.span))
                }
                _ => None,
            });
            if let Some(definition) = alias_definition {
                self.push(first.span, SymbolKind::Import, alias, self.here(definition));
            }
            if segments.len() == 2
                && let Some((target_module, kind, span)) = self.definition_of(path)
            {
                let source = analysis.program.modules[target_module].source;
                self.push(
                    segments[1].span,
                    kind,
                    &segments[1].name,
                    FileSpan { source, span },
                );
            }
            return;
        }
        if let [name] = segments {
            let parameter = self
                .parameters
                .as_ref()
                .and_then(|parameters| find(parameters, &name.name))
                .map(|(_, span)| *span);
            if let Some(definition) = parameter {
                self.push(
                    name.span,
                    SymbolKind::Parameter,
                    &name.name,
                    self.here(definition),
                );
            } else if let Some((_, kind, span)) = self.definition_of(path) {
                self.push(name.span, kind, &name.name, self.here(span));
            }
            return;
        }
        let second = &segments[1];
        let pipeline = self.pipeline.as_ref();
        let job = self.job.as_ref();
        let resolved: Option<(SymbolKind, Span)> = match first.name.as_str() {
            "secrets" => pipeline
                .and_then(|names| find(&names.secrets, &second.name))
                .map(|(_, span)| (SymbolKind::Secret, *span)),
            "inputs" => pipeline
                .and_then(|names| find(&names.inputs, &second.name))
                .map(|(_, span)| (SymbolKind::Input, *span)),
            "matrix" => job
                .and_then(|names| find(&names.matrix_keys, &second.name))
                .map(|(_, span)| (SymbolKind::MatrixKey, *span)),
            "steps" => job
                .and_then(|names| find(&names.steps, &second.name))
                .map(|(_, span)| (SymbolKind::Step, *span)),
            "jobs" => pipeline
                .and_then(|names| find(&names.jobs, &second.name))
                .map(|(_, span)| (SymbolKind::Job, *span)),
            _ => None,
        };
        if let Some((kind, definition)) = resolved {
            self.push(second.span, kind, &second.name, self.here(definition));
        }
        if first.name == "jobs"
            && let [_, job_name, outputs, output] = segments
            && outputs.name == "outputs"
        {
            let found = self.pipeline.as_ref().and_then(|names| {
                names
                    .outputs
                    .iter()
                    .find(|(job, name, _)| *job == job_name.name && *name == output.name)
                    .map(|(_, _, span)| *span)
            });
            if let Some(definition) = found {
                self.push(
                    output.span,
                    SymbolKind::Output,
                    &output.name,
                    self.here(definition),
                );
            }
        }
    }
}

/// The parameter of template (or input of action) `name` defined at `span`
/// in `module`.
fn parameter_of(
    analysis: &Analysis,
    module: usize,
    kind: SymbolKind,
    span: Span,
    name: &str,
) -> Option<(SymbolKind, FileSpan)> {
    let module_data = analysis.program.modules.get(module)?;
    let source = module_data.source;
    module_data
        .parsed
        .file
        .items
        .iter()
        .find_map(|item| match (item, kind) {
            (Item::Template(template), SymbolKind::Template) if template.name.span == span => {
                template
                    .parameters
                    .iter()
                    .find(|parameter| parameter.name.name == name)
                    .map(|parameter| {
                        (
                            SymbolKind::Parameter,
                            FileSpan {
                                source,
                                span: parameter.name.span,
                            },
                        )
                    })
            }
            (Item::Block(block), SymbolKind::Action)
                if block.label.as_ref().is_some_and(|label| label.span == span) =>
            {
                block
                    .body
                    .as_ref()?
                    .items
                    .iter()
                    .find_map(|inner| match inner {
                        Item::Input(input) if input.name.name == name => Some((
                            SymbolKind::ActionInput,
                            FileSpan {
                                source,
                                span: input.name.span,
                            },
                        )),
                        _ => None,
                    })
            }
            _ => None,
        })
}
