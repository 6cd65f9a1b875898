//! Job outputs across the graph: `jobs.X.outputs.Y` names a job of the
//! pipeline, an output it declares (its template's included), and a job the
//! reader needs, directly or through others. Checked on the IR, where
//! template instances have their outputs and `needs`.

use foldhash::{HashMap, HashSet, HashSetExt};
use std::collections::VecDeque;

use crate::check::suggest;
use crate::diagnostic::{Code, Diagnostic, Edit, Label};
use crate::ir::{self, Context, ExprKind, Origin, Pipeline};
use crate::lower::Lowerer;
use crate::span::{SourceId, Span};
use crate::syntax::ast::{self, Item};

impl Lowerer<'_> {
    pub(super) fn check_job_outputs(&mut self, pipeline: &Pipeline, body: &[Item]) {
        let jobs: HashMap<&str, &ir::Job> = pipeline
            .jobs
            .iter()
            .map(|job| (job.name.as_str(), job))
            .collect();
        let names: Vec<&str> = pipeline.jobs.iter().map(|job| job.name.as_str()).collect();
        for reader in &pipeline.jobs {
            let mut references: Vec<(String, String, Origin)> = Vec::new();
            for expression in reader.expressions() {
                expression.visit(&mut |expr| {
                    if let ExprKind::Context(Context::JobOutput { job, output }) = &expr.kind {
                        references.push((job.clone(), output.clone(), expr.origin));
                    }
                });
            }
            for (producer, output, origin) in references {
                let Some(producer_job) = jobs.get(producer.as_str()) else {
                    let mut diagnostic = Diagnostic::new(
                        Code::UnknownJob,
                        format!("unknown job `{producer}`"),
                        Label::new(
                            origin.source,
                            origin.span,
                            "no job of this name in the pipeline",
                        ),
                    );
                    if let Some(suggestion) = suggest::closest(&producer, names.iter().copied()) {
                        diagnostic = diagnostic.with_help(format!("did you mean `{suggestion}`?"));
                    }
                    self.report(diagnostic);
                    continue;
                };
                if producer_job.output(&output).is_none() {
                    let outputs: Vec<&str> = producer_job
                        .outputs
                        .iter()
                        .map(|known| known.name.as_str())
                        .collect();
                    let diagnostic = Diagnostic::new(
                        Code::UnknownOutput,
                        format!("job `{producer}` has no output `{output}`"),
                        Label::new(
                            origin.source,
                            origin.span,
                            "not declared with `output` in that job",
                        ),
                    );
                    let diagnostic = match suggest::closest(&output, outputs.iter().copied()) {
                        Some(suggestion) => diagnostic.with_help(format!("did you mean `{suggestion}`?")),
                        None => diagnostic.with_help(format!(
                            "declare it in job `{producer}` as `output {output} = steps.STEP.outputs.NAME`"
                        )),
                    };
                    self.report(diagnostic);
                }
                if !depends_on(&jobs, reader, &producer) {
                    let mut diagnostic = Diagnostic::new(
                        Code::OutputOfNonDependency,
                        format!("job `{}` reads an output of `{producer}` without needing it", reader.name),
                        Label::new(origin.source, origin.span, "not in this job's `needs`, directly or through other jobs"),
                    )
                    .with_note("outputs exist only after their job has finished; without `needs` the two jobs may run at the same time")
                    .with_help(format!("add `{producer}` to the `needs` of `{}`", reader.name));
                    if let Some(edit) = job_block(body, &reader.name)
                        .and_then(|block| add_to_needs(block, &producer, reader.origin.source))
                    {
                        diagnostic =
                            diagnostic.with_fix(format!("add `{producer}` to `needs`"), vec![edit]);
                    }
                    self.report(diagnostic);
                }
            }
        }
    }
}

/// Whether `reader` needs `producer`, directly or transitively: a
/// breadth-first search over `needs`, run only for output references.
fn depends_on(jobs: &HashMap<&str, &ir::Job>, reader: &ir::Job, producer: &str) -> bool {
    let mut seen: HashSet<&str> = HashSet::new();
    let mut queue: VecDeque<&str> = reader.needs.iter().map(|need| need.job.as_str()).collect();
    while let Some(name) = queue.pop_front() {
        if name == producer {
            return true;
        }
        if seen.insert(name)
            && let Some(job) = jobs.get(name)
        {
            queue.extend(job.needs.iter().map(|need| need.job.as_str()));
        }
    }
    false
}

fn job_block<'a>(body: &'a [Item], name: &str) -> Option<&'a ast::Block> {
    body.iter().find_map(|item| match item {
        Item::Block(block)
            if block.keyword.name == "job"
                && block.label.as_ref().is_some_and(|label| label.name == name) =>
        {
            Some(block)
        }
        _ => None,
    })
}

/// An edit that adds `producer` to the job's `needs` list, or a new `needs`.
fn add_to_needs(job: &ast::Block, producer: &str, source: SourceId) -> Option<Edit> {
    let body = job.body.as_ref()?;
    for item in &body.items {
        if let Item::Attribute(attribute) = item
            && attribute.key.name == "needs"
            && let ast::ExprKind::List(elements) = &attribute.value.kind
        {
            let (at, text) = match elements.last() {
                Some(last) => (last.span.end, format!(", {producer}")),
                None => (attribute.value.span.start + 1, producer.to_owned()),
            };
            return Some(Edit {
                source,
                span: Span::empty_at(at),
                replacement: text,
            });
        }
    }
    Some(Edit {
        source,
        span: Span::empty_at(body.span.start + 1),
        replacement: format!(" needs = [{producer}],"),
    })
}
