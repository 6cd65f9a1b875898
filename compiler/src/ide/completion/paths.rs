//! Completion after a `.`: the names a path can continue with — declared
//! secrets, manual inputs, matrix keys, other jobs and their outputs, the
//! steps of the job, the runtime context's fields, and the templates and
//! actions of an imported module.

use super::{Builder, CompletionKind, Context, Wanted, labelled};
use crate::ide::locate;
use crate::lower::context;
use crate::syntax::ast::Item;

impl Context<'_> {
    pub(super) fn after_dot(&self, path: &[String], line: &str, builder: &mut Builder) {
        let segments: Vec<&str> = path.iter().map(String::as_str).collect();
        match segments.as_slice() {
            ["secrets"] => {
                for (_, name) in labelled(self.pipeline_items(), "secret") {
                    builder.add(
                        name,
                        CompletionKind::Secret,
                        "secret",
                        "a secret of the pipeline",
                    );
                }
            }
            ["inputs"] => {
                for input in crate::check::walk::manual_inputs(self.pipeline_items()) {
                    builder.add(
                        &input.name.name,
                        CompletionKind::Input,
                        self.text(input.ty.span),
                        "a manual input",
                    );
                }
            }
            ["matrix"] => {
                if let Some((items, _)) = self.job_items() {
                    for key in locate::matrix_keys(items) {
                        builder.add(
                            &key.key.name,
                            CompletionKind::MatrixKey,
                            "matrix key",
                            self.text(key.value.span),
                        );
                    }
                }
            }
            ["jobs"] => {
                let current = self.job_items().and_then(|(_, name)| name);
                self.jobs(builder, current);
            }
            ["jobs", _] | ["steps", _] => {
                builder.add(
                    "outputs",
                    CompletionKind::Output,
                    "outputs",
                    "the outputs it declares",
                );
            }
            ["jobs", job, "outputs"] => {
                for (block, _) in
                    labelled(self.pipeline_items(), "job").filter(|(_, name)| name == job)
                {
                    let items = block
                        .body
                        .as_ref()
                        .map_or(&[][..], |body| body.items.as_slice());
                    for (output, name) in labelled(items, "output") {
                        let value = output
                            .value
                            .as_ref()
                            .map_or("", |value| self.text(value.span));
                        builder.add(
                            name,
                            CompletionKind::Output,
                            "job output",
                            &format!("`{value}`"),
                        );
                    }
                }
            }
            ["steps"] => {
                if let Some((items, _)) = self.job_items() {
                    for (_, name) in labelled(items, "step") {
                        builder.add(name, CompletionKind::Step, "step", "a step of this job");
                    }
                }
            }
            [root] if context::FIXED.iter().any(|name| name.root == *root) => {
                for name in context::FIXED.iter().filter(|name| name.root == *root) {
                    let detail = context::fixed(name.root, name.field)
                        .map(|(_, ty)| ty.to_string())
                        .unwrap_or_default();
                    builder.add(name.field, CompletionKind::Context, &detail, name.doc);
                }
            }
            [alias] => self.module_members(alias, Wanted::at(line), false, builder),
            _ => {}
        }
    }

    /// The templates and actions of the module imported as `alias`, those
    /// `wanted` accepts when given; `qualified` prefixes labels with the alias.
    pub(super) fn module_members(
        &self,
        alias: &str,
        wanted: Option<Wanted>,
        qualified: bool,
        builder: &mut Builder,
    ) {
        let program = &self.analysis.program;
        let Some((_, _, target)) = program.modules[self.module]
            .imports
            .iter()
            .find(|(known, _, _)| known == alias)
        else {
            return;
        };
        let Some(target_module) = program.modules.get(*target) else {
            return;
        };
        let target_text = self.analysis.text(target_module.source);
        let comments = &target_module.parsed.comments;
        for item in &target_module.parsed.file.items {
            let (name, kind, detail, start, body_start) = match item {
                Item::Template(template) => (
                    template.name.name.as_str(),
                    CompletionKind::Template,
                    template.kind.name.as_str(),
                    template.span.start,
                    template.body.span.start,
                ),
                Item::Block(block) if block.keyword.name == "action" => match &block.label {
                    Some(label) => (
                        label.name.as_str(),
                        CompletionKind::Action,
                        "action",
                        block.span.start,
                        block
                            .body
                            .as_ref()
                            .map_or(block.span.end, |body| body.span.start),
                    ),
                    None => continue,
                },
                _ => continue,
            };
            if let Some(wanted) = wanted
                && !wanted.accepts(kind, detail)
            {
                continue;
            }
            let signature = target_text
                .get(start as usize..body_start as usize)
                .unwrap_or("")
                .trim();
            let doc = locate::doc_comment(target_text, comments, start);
            let documentation = format!("```pipe\n{signature}\n```\n{doc}");
            let label = if qualified {
                format!("{alias}.{name}")
            } else {
                name.to_owned()
            };
            builder.add(&label, kind, detail, &documentation);
        }
    }
}
