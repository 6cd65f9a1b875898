//! Phase 2f: references into the pipeline's own names: `inputs.I` names a
//! manual input, `matrix.K` a key of the job's matrix, and
//! `jobs.X.outputs.Y` an output of a job that X's reader depends on.

use std::collections::{HashMap, HashSet, VecDeque};

use crate::check::{suggest, walk};
use crate::diagnostic::{Code, Diagnostic, Edit, Label};
use crate::span::SourceId;
use crate::syntax::ast::{Block, ExprKind, Item};

struct Job<'a> {
    block: &'a Block,
    needs: Vec<&'a str>,
    outputs: Vec<&'a str>,
    matrix_keys: Option<Vec<&'a str>>,
}

pub fn check_references(pipeline: &Block, source: SourceId, diagnostics: &mut Vec<Diagnostic>) {
    let Some(body) = &pipeline.body else { return };
    let inputs: Vec<&str> = walk::manual_inputs(&body.items)
        .iter()
        .map(|input| input.name.name.as_str())
        .collect();
    let mut jobs: HashMap<&str, Job<'_>> = HashMap::new();
    for item in &body.items {
        if let Item::Block(block) = item
            && block.keyword.name == "job"
            && let Some(label) = &block.label
        {
            jobs.entry(&label.name).or_insert_with(|| job_facts(block));
        }
    }
    let job_names: Vec<&str> = jobs.keys().copied().collect();
    // Pipeline-level items (env, notify) may read inputs only.
    for item in &body.items {
        let job = match item {
            Item::Block(block) if block.keyword.name == "job" => block
                .label
                .as_ref()
                .and_then(|label| jobs.get(label.name.as_str())),
            _ => None,
        };
        walk::for_each_expr(std::slice::from_ref(item), &mut |expr| {
            let ExprKind::Path(path) = &expr.kind else {
                return;
            };
            let segments: Vec<&str> = path
                .segments
                .iter()
                .map(|segment| segment.name.as_str())
                .collect();
            match segments.as_slice() {
                ["inputs", name, ..] if !inputs.contains(name) => {
                    let span = path.segments[1].span;
                    let mut diagnostic = Diagnostic::new(
                        Code::UnknownInput,
                        format!("unknown input `{name}`"),
                        Label::new(source, span, "not an input of `on manual`"),
                    );
                    if !suggest::offer(&mut diagnostic, name, &inputs, source, span) {
                        diagnostic = diagnostic.with_help(format!(
                            "declare it in `on manual {{ input {name}: string }}`"
                        ));
                    }
                    diagnostics.push(diagnostic);
                }
                ["matrix", key, ..] => {
                    let Some(job) = job else { return };
                    let span = path.segments[1].span;
                    match &job.matrix_keys {
                        Some(keys) if keys.contains(key) => {}
                        Some(keys) => {
                            let mut diagnostic = Diagnostic::new(
                                Code::UnknownMatrixKey,
                                format!("unknown matrix key `{key}`"),
                                Label::new(source, span, "not a key of this job's `matrix`"),
                            );
                            if !suggest::offer(&mut diagnostic, key, keys, source, span) {
                                diagnostic = diagnostic.with_note(format!(
                                    "the matrix has {}",
                                    keys.iter()
                                        .map(|key| format!("`{key}`"))
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                ));
                            }
                            diagnostics.push(diagnostic);
                        }
                        None => diagnostics.push(
                            Diagnostic::new(
                                Code::UnknownMatrixKey,
                                format!("`matrix.{key}` in a job without a matrix"),
                                Label::new(source, span, "this job has no `matrix` block"),
                            )
                            .with_help(format!("add `matrix {{ {key} = [...] }}` to the job")),
                        ),
                    }
                }
                ["jobs", producer, "outputs", output, ..] => {
                    let Some(reader) = job else { return };
                    let producer_span = path.segments[1].span;
                    let Some(producer_job) = jobs.get(producer) else {
                        let mut diagnostic = Diagnostic::new(
                            Code::UnknownJob,
                            format!("unknown job `{producer}`"),
                            Label::new(
                                source,
                                producer_span,
                                "no job of this name in the pipeline",
                            ),
                        );
                        suggest::offer(
                            &mut diagnostic,
                            producer,
                            &job_names,
                            source,
                            producer_span,
                        );
                        diagnostics.push(diagnostic);
                        return;
                    };
                    if !producer_job.outputs.contains(output) {
                        let span = path.segments[3].span;
                        let mut diagnostic = Diagnostic::new(
                            Code::UnknownOutput,
                            format!("job `{producer}` has no output `{output}`"),
                            Label::new(source, span, "not declared with `output` in that job"),
                        );
                        if !suggest::offer(
                            &mut diagnostic,
                            output,
                            &producer_job.outputs,
                            source,
                            span,
                        ) {
                            diagnostic = diagnostic.with_help(format!("declare it in job `{producer}` as `output {output} = steps.STEP.outputs.NAME`"));
                        }
                        diagnostics.push(diagnostic);
                    }
                    if !depends_on(&jobs, reader, producer) {
                        let reader_name = reader
                            .block
                            .label
                            .as_ref()
                            .map_or("", |label| label.name.as_str());
                        let mut diagnostic = Diagnostic::new(
                            Code::OutputOfNonDependency,
                            format!("job `{reader_name}` reads an output of `{producer}` without needing it"),
                            Label::new(source, producer_span, "not in this job's `needs`, directly or through other jobs"),
                        )
                        .with_note("outputs exist only after their job has finished; without `needs` the two jobs may run at the same time")
                        .with_help(format!("add `{producer}` to the `needs` of `{reader_name}`"));
                        if let Some(edit) = add_to_needs(reader.block, producer, source) {
                            diagnostic = diagnostic
                                .with_fix(format!("add `{producer}` to `needs`"), vec![edit]);
                        }
                        diagnostics.push(diagnostic);
                    }
                }
                _ => {}
            }
        });
    }
}

/// Whether `reader` needs `producer`, directly or transitively: a
/// breadth-first search over `needs`, run only for output references.
fn depends_on(jobs: &HashMap<&str, Job<'_>>, reader: &Job<'_>, producer: &str) -> bool {
    let mut seen: HashSet<&str> = HashSet::new();
    let mut queue: VecDeque<&str> = reader.needs.iter().copied().collect();
    while let Some(name) = queue.pop_front() {
        if name == producer {
            return true;
        }
        if seen.insert(name)
            && let Some(job) = jobs.get(name)
        {
            queue.extend(job.needs.iter().copied());
        }
    }
    false
}

/// An edit that adds `producer` to the job's `needs` list, or a new `needs`.
fn add_to_needs(job: &Block, producer: &str, source: SourceId) -> Option<Edit> {
    let body = job.body.as_ref()?;
    for item in &body.items {
        if let Item::Attribute(attribute) = item
            && attribute.key.name == "needs"
            && let ExprKind::List(elements) = &attribute.value.kind
        {
            let (at, text) = match elements.last() {
                Some(last) => (last.span.end, format!(", {producer}")),
                None => (attribute.value.span.start + 1, producer.to_owned()),
            };
            return Some(Edit {
                source,
                span: crate::span::Span::empty_at(at),
                replacement: text,
            });
        }
    }
    Some(Edit {
        source,
        span: crate::span::Span::empty_at(body.span.start + 1),
        replacement: format!(" needs = [{producer}],"),
    })
}

fn job_facts(block: &Block) -> Job<'_> {
    let mut job = Job {
        block,
        needs: Vec::new(),
        outputs: Vec::new(),
        matrix_keys: None,
    };
    let Some(body) = &block.body else { return job };
    for item in &body.items {
        match item {
            Item::Attribute(attribute) if attribute.key.name == "needs" => {
                if let ExprKind::List(elements) = &attribute.value.kind {
                    for element in elements {
                        if let ExprKind::Path(path) = &element.kind
                            && let [segment] = path.segments.as_slice()
                        {
                            job.needs.push(&segment.name);
                        }
                    }
                }
            }
            Item::Block(inner) if inner.keyword.name == "output" => {
                if let Some(label) = &inner.label {
                    job.outputs.push(&label.name);
                }
            }
            Item::Block(inner) if inner.keyword.name == "matrix" => {
                let keys = inner.body.as_ref().map_or_else(Vec::new, |matrix| {
                    matrix
                        .items
                        .iter()
                        .filter_map(|item| match item {
                            Item::Attribute(attribute)
                                if !matches!(
                                    attribute.key.name.as_str(),
                                    "include" | "exclude"
                                ) =>
                            {
                                Some(attribute.key.name.as_str())
                            }
                            _ => None,
                        })
                        .collect()
                });
                job.matrix_keys = Some(keys);
            }
            _ => {}
        }
    }
    job
}
